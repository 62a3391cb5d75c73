//! Phonon: a live-coding audio language. TidalCycles-style patterns driving a
//! modular synthesis graph.
//!
//! The pipeline, one module per stage (see `ARCHITECTURE.md`):
//! [`syntax`] parses a patch with pest into a syntax tree with source spans,
//! [`check`] infers and checks types against the table of built-in signatures,
//! [`eval`] evaluates the pattern-valued parts into [`pattern::Pattern`]s, whose
//! strings are parsed by [`mini`]. [`time`] is exact rational time, [`diag`] the
//! diagnostics every stage reports through.

pub mod check;
pub mod diag;
pub mod eval;
pub mod mini;
pub mod pattern;
pub mod syntax;
pub mod time;
