//! The front end as a whole: patch text to its diagnostics (`phonon check`), or to
//! its signal graph (everything after: the passes, the engines, live reloading).

use crate::diag::Diagnostic;
use crate::{check, diag, eval, ir, lower, syntax};

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
        match eval::eval_program(source, &program) {
            Err(e) => diagnostics.push(e.to_diagnostic()),
            Ok(evaluated) => match lower::lower(&evaluated) {
                Err(e) => diagnostics.push(lower_diagnostic(e)),
                Ok(graph) => diagnostics.extend(probe(&graph, 0..CHECKED_CYCLES)),
            },
        }
    }
    diagnostics.sort_by_key(|d| d.span.start);
    diagnostics
}

/// The cycles `phonon check` plays each pattern through (see [`probe`]).
pub const CHECKED_CYCLES: i64 = 1;

/// An error for each pattern of `graph` whose query fails in one of `cycles` (too
/// much work, or a time overflow): the pattern's source, the cycle and the reason.
/// `check` probes the first cycles; live playback probes the cycles a new version
/// will start in, and keeps the playing one if this is not empty.
pub fn probe(graph: &ir::Graph, cycles: std::ops::Range<i64>) -> Vec<Diagnostic> {
    graph
        .probe(cycles)
        .into_iter()
        .map(|f| {
            let span = f.span.unwrap_or(diag::SrcSpan::new(0, 0));
            Diagnostic::error(format!("cycle {}: {}", f.cycle, f.fault), span)
                .with_label("this pattern")
                .with_hint("a pattern that fails plays silence where it fails")
        })
        .collect()
}

fn lower_diagnostic(e: lower::LowerError) -> Diagnostic {
    let span = e.span.unwrap_or(diag::SrcSpan::new(0, 0));
    Diagnostic::error(e.message, span)
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
    lower::lower(&evaluated).map_err(|e| vec![lower_diagnostic(e)])
}
