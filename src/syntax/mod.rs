//! The patch language: grammar, parser and syntax tree.

pub mod ast;
