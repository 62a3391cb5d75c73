//! Phonon: a live-coding audio language. TidalCycles-style patterns driving a
//! modular synthesis graph.
//!
//! The pipeline, one module per stage (see `ARCHITECTURE.md`):
//! [`syntax`] parses a patch with pest into a syntax tree with source spans,
//! [`check`] infers and checks types against the table of built-in signatures,
//! [`eval`] evaluates the pattern-valued parts into [`pattern::Pattern`]s, whose
//! strings are parsed by [`mini`]. [`time`] is exact rational time, [`diag`] the
//! diagnostics every stage reports through. [`ir`] lowers an evaluated patch to the
//! signal graph, [`runtime`] runs it block by block with an engine ([`interp`], the
//! reference interpreter, calling the [`dsp`] kernels and the [`voices`] of the
//! [`samples`], or [`jit`]), [`program`] builds the two together from a graph or from
//! text, and [`render`] writes the result to a WAV file.

pub mod bench;
pub mod check;
pub mod diag;
pub mod dsp;
pub mod eval;
pub mod fpu;
pub mod frontend;
pub mod interp;
pub mod ir;
pub mod jit;
pub mod live;
pub mod lower;
pub mod mini;
pub mod parallel;
pub mod passes;
pub mod pattern;
pub mod program;
pub mod query;
pub mod render;
pub mod runtime;
pub mod samples;
pub mod signature;
pub mod syntax;
pub mod time;
pub mod voices;

pub use frontend::{check_source, compile};
