//! The patch language: grammar, parser and syntax tree.
//!
//! [`parse_lines`] parses a whole patch (statements, one per line, indented lines
//! continuing the previous one); [`parse_expr`] parses one expression. Both report
//! errors as [`Diagnostic`](crate::diag::Diagnostic)s with byte spans; the earlier
//! engine's dialect parses too, each form with a warning (`dialect`).

pub mod ast;
pub mod dialect;
mod errors;
mod parser;

#[cfg(any(test, feature = "testing"))]
pub use parser::parse_program;
pub use parser::{parse_expr, parse_lines, MAX_DEPTH};
