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
    lower::lower(&evaluated).map_err(|e| {
        let span = e.span.unwrap_or(diag::SrcSpan::new(0, 0));
        vec![Diagnostic::error(e.message, span)]
    })
}
