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
    check_patch(source).diagnostics
}

/// A patch through the whole front end, as `phonon check` sees it.
pub struct Checked {
    /// Every error and warning, in source order (the probe's among them).
    pub diagnostics: Vec<Diagnostic>,
    /// The signal graph, when nothing stopped it.
    pub graph: Option<ir::Graph>,
}

/// [`check_source`] with the graph it lowered, so that a caller that also reads the
/// graph (the sample names it plays) does not run the front end twice.
pub fn check_patch(source: &str) -> Checked {
    let (mut diagnostics, graph) = front_end(source);
    if let Some(graph) = &graph {
        diagnostics.extend(probe(graph, 0..CHECKED_CYCLES));
    }
    diagnostics.sort_by_key(|d| d.span.start);
    let graph = graph.filter(|_| !diagnostics.iter().any(Diagnostic::is_error));
    Checked { diagnostics, graph }
}

/// Parses, checks, evaluates and lowers: the diagnostics (unsorted) and the graph
/// when there is no error.
fn front_end(source: &str) -> (Vec<Diagnostic>, Option<ir::Graph>) {
    let mut parsed = syntax::parse_lines(source);
    // The earlier engine's names of built-ins, renamed before anything reads them.
    let renamed = check::aliases::modernize(source, &mut parsed.program);
    parsed.warnings.extend(renamed);
    if !parsed.errors.is_empty() {
        return (check_around_errors(parsed), None);
    }
    let program = parsed.program;
    let mut diagnostics = parsed.warnings;
    diagnostics.extend(eval::check_strings(&program));
    diagnostics.extend(check::check_program(&program).diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return (diagnostics, None);
    }
    let graph = match eval::eval_program(source, &program) {
        Err(e) => {
            diagnostics.push(e.to_diagnostic());
            None
        }
        Ok(evaluated) => match lower::lower(&evaluated) {
            Err(e) => {
                diagnostics.push(lower_diagnostic(e));
                None
            }
            Ok(graph) => Some(graph),
        },
    };
    (diagnostics, graph)
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
    diagnostics.extend(parsed.warnings);
    diagnostics.extend(eval::check_strings(&parsed.program));
    diagnostics.extend(check::check_program_with(&parsed.program, &parsed.broken).diagnostics);
    diagnostics.sort_by_key(|d| d.span.start);
    diagnostics
}

/// A patch compiled to its signal graph, or every diagnostic that stopped it (in
/// source order). Warnings of a patch that compiles are not returned (see
/// [`compile_warned`]).
pub fn compile(source: &str) -> Result<ir::Graph, Vec<Diagnostic>> {
    compile_warned(source).map(|c| c.graph)
}

/// A patch that compiled, with its warnings.
pub struct Compiled {
    pub graph: ir::Graph,
    /// The warnings (the earlier engine's dialect, a bus defined twice ...), in source
    /// order: printed by `render` and by live reloads, which still play.
    pub warnings: Vec<Diagnostic>,
}

/// [`compile`], keeping the warnings of a patch that compiles.
pub fn compile_warned(source: &str) -> Result<Compiled, Vec<Diagnostic>> {
    match front_end(source) {
        (mut warnings, Some(graph)) => {
            warnings.sort_by_key(|d| d.span.start);
            Ok(Compiled { graph, warnings })
        }
        (mut diagnostics, None) => {
            diagnostics.sort_by_key(|d| d.span.start);
            Err(diagnostics)
        }
    }
}
