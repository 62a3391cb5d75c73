//! The front end as a whole: patch text to its diagnostics (`phonon check`), or to
//! its signal graph (everything after: the passes, the engines, live reloading).

use std::path::Path;

use crate::diag::Diagnostic;
use crate::{check, diag, eval, ir, lower, syntax};

/// The largest patch read (1 MiB), from a file or any other path (a device that
/// never ends, such as `/dev/zero`, stops there); and the longest expression
/// `phonon query` takes.
pub const MAX_PATCH_BYTES: usize = 1 << 20;

/// Reads a patch file: the one way patch text enters from a file, for every command
/// and for live reloads. Reads at most [`MAX_PATCH_BYTES`] and errors past them, on a
/// directory, and on text that is not UTF-8 (naming the line and column of the first
/// bad byte). A leading UTF-8 byte order mark is dropped: it is not part of the
/// patch, so columns count from the first character after it. The error names the
/// file and the reason.
pub fn read_patch(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let name = path.display();
    let cannot = |e: std::io::Error| format!("cannot read {name}: {e}");
    let file = std::fs::File::open(path).map_err(cannot)?;
    if file.metadata().map_err(cannot)?.is_dir() {
        return Err(format!("cannot read {name}: it is a directory, not a patch file"));
    }
    let mut bytes = Vec::new();
    file.take(MAX_PATCH_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() > MAX_PATCH_BYTES {
        return Err(format!(
            "{name} is larger than {MAX_PATCH_BYTES} bytes (1 MiB), the limit for a patch: is it the right file?"
        ));
    }
    let bom = if bytes.starts_with(diag::BOM.as_bytes()) {
        diag::BOM.len()
    } else {
        0
    };
    bytes.drain(..bom);
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let before = &e.as_bytes()[..at];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
        format!(
            "{name} is not UTF-8 text: invalid byte at {name}:{line}:{column} (byte {}); save the patch as UTF-8",
            at + bom
        )
    })
}

/// Everything `phonon check` reports about a patch: syntax errors; otherwise type
/// errors, mini-notation errors inside strings and evaluation errors, all of them,
/// in source order.
pub fn check_source(source: &str) -> Vec<Diagnostic> {
    let parsed = syntax::parse_lines(source);
    if !parsed.errors.is_empty() {
        return check_around_errors(parsed);
    }
    let program = parsed.program;
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

/// The diagnostics of a patch with syntax errors: each broken statement's, and the
/// string and type errors of the statements that parsed (checked knowing what the
/// broken ones define, so that nothing is reported only because of them), in source
/// order. Nothing is evaluated.
fn check_around_errors(parsed: syntax::ast::Parsed) -> Vec<Diagnostic> {
    let mut diagnostics = parsed.errors;
    diagnostics.extend(eval::check_strings(&parsed.program));
    diagnostics.extend(check::check_program_with(&parsed.program, &parsed.broken).diagnostics);
    diagnostics.sort_by_key(|d| d.span.start);
    diagnostics
}

/// A patch compiled to its signal graph, or every diagnostic that stopped it.
pub fn compile(source: &str) -> Result<ir::Graph, Vec<Diagnostic>> {
    let parsed = syntax::parse_lines(source);
    if !parsed.errors.is_empty() {
        return Err(check_around_errors(parsed));
    }
    let program = parsed.program;
    let mut diagnostics = eval::check_strings(&program);
    diagnostics.extend(check::check_program(&program).diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        diagnostics.sort_by_key(|d| d.span.start);
        return Err(diagnostics);
    }
    let evaluated = eval::eval_program(source, &program).map_err(|e| vec![e.to_diagnostic()])?;
    lower::lower(&evaluated).map_err(|e| vec![lower_diagnostic(e)])
}
