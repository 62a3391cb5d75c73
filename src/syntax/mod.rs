//! The patch language: grammar, parser and syntax tree.
//!
//! [`parse_program`] parses a whole patch (statements, one per line, indented lines
//! continuing the previous one); [`parse_expr`] parses one expression. Both report
//! errors as [`Diagnostic`](crate::diag::Diagnostic)s with byte spans.

pub mod ast;
mod parser;

pub use parser::{parse_expr, parse_program, MAX_DEPTH};
