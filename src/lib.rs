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
pub mod interp;
pub mod ir;
pub mod jit;
pub mod live;
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

use diag::Diagnostic;

/// Everything `phonon check` reports about a patch: syntax errors; otherwise type
/// errors, mini-notation errors inside strings and evaluation errors, all of them,
/// in source order.
pub fn check_source(source: &str) -> Vec<Diagnostic> {
    let program = match syntax::parse_program(source) {
        Ok(p) => p,
        Err(diagnostics) => return diagnostics,
    };
    let mut diagnostics = eval::check_strings(&program);
    let checked = check::check_program(&program);
    diagnostics.extend(checked.diagnostics);
    if !diagnostics.iter().any(Diagnostic::is_error) {
        if let Err(e) = eval::eval_program(source, &program) {
            diagnostics.push(e.to_diagnostic());
        }
    }
    diagnostics.sort_by_key(|d| d.span.start);
    diagnostics
}

/// A patch compiled to its signal graph, or every diagnostic that stopped it.
pub fn compile(source: &str) -> Result<ir::Graph, Vec<Diagnostic>> {
    let program = syntax::parse_program(source)?;
    let mut diagnostics = eval::check_strings(&program);
    diagnostics.extend(check::check_program(&program).diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        diagnostics.sort_by_key(|d| d.span.start);
        return Err(diagnostics);
    }
    let evaluated = eval::eval_program(source, &program).map_err(|e| vec![e.to_diagnostic()])?;
    ir::lower(&evaluated).map_err(|e| {
        let span = e.span.unwrap_or(syntax::ast::SrcSpan::new(0, 0));
        vec![Diagnostic::error(e.message, span)]
    })
}
