//! Helpers shared by the commands: reading files, printing, compiling with
//! diagnostics, loading the sample bank.

use std::process::ExitCode;

use crate::diag::render;
use crate::samples::SampleBank;

/// The exit code for bad input (a patch with errors, a missing file).
pub const BAD_INPUT: u8 = 2;

/// The largest patch read (1 MiB), from a file or any other path (a device that
/// never ends, such as `/dev/zero`, stops there); and the longest expression
/// `phonon query` takes.
pub const MAX_PATCH_BYTES: usize = 1 << 20;

pub fn read_file(path: &std::path::Path) -> Result<String, ExitCode> {
    read_patch(path).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(BAD_INPUT)
    })
}

/// Reads at most [`MAX_PATCH_BYTES`] of a patch, and errors past them or on text
/// that is not UTF-8.
pub fn read_patch(path: &std::path::Path) -> Result<String, String> {
    use std::io::Read;
    let name = path.display();
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read {name}: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_PATCH_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {name}: {e}"))?;
    if bytes.len() > MAX_PATCH_BYTES {
        return Err(format!(
            "{name} is larger than {MAX_PATCH_BYTES} bytes (1 MiB), the limit for a patch: is it the right file?"
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let before = &e.as_bytes()[..at];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
        format!(
            "{name} is not UTF-8 text: invalid byte at {name}:{line}:{column} (byte {at}); save the patch as UTF-8"
        )
    })
}

/// Writes to standard output. A reader that went away (`phonon query ... | head`) is
/// not an error worth a message, and never a panic as `println!` would make it.
pub fn write_stdout(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

/// Reads and compiles a patch, printing its diagnostics (warnings too).
pub fn compile_file(path: &std::path::Path) -> Result<(String, crate::ir::Graph), ExitCode> {
    let source = read_file(path)?;
    let name = path.display().to_string();
    match crate::compile(&source) {
        Ok(graph) => Ok((source, graph)),
        Err(diagnostics) => {
            eprint!("{}", render(&name, &source, &diagnostics));
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!(
                "{name}: {errors} error{}",
                if errors == 1 { "" } else { "s" }
            );
            Err(ExitCode::from(BAD_INPUT))
        }
    }
}

/// The sample bank: the built-in kit, with a sample folder scanned over it if one
/// is given. Nothing is decoded here: each runtime loads what its patch names.
pub fn load_bank(samples: Option<&std::path::Path>, rate: u32) -> Result<SampleBank, ExitCode> {
    let mut bank = SampleBank::builtin(rate);
    if let Some(dir) = samples {
        if let Err(e) = bank.scan_dir(dir) {
            eprintln!("error: cannot load samples from {}: {e}", dir.display());
            return Err(ExitCode::from(BAD_INPUT));
        }
    }
    Ok(bank)
}

/// The text that reports a pattern's failed query: a diagnostic at the pattern's
/// source when it has one, with `note` as its help line.
pub fn query_failure_text(
    path: &std::path::Path,
    source: &str,
    failure: &crate::runtime::PatternFailure,
    note: &str,
) -> String {
    let message = failure.fault.to_string();
    match failure.span {
        Some(span) => render(
            &path.display().to_string(),
            source,
            &[crate::diag::Diagnostic::warning(message, span)
                .with_label("this pattern")
                .with_hint(note)],
        ),
        None => format!("warning: {message}\n  = {note}\n"),
    }
}

/// The warning for a sample file a patch named (its folder) that could not be
/// loaded.
pub fn skipped_sample(file: &std::path::Path, why: &str) -> String {
    format!("warning: skipped sample {}: {why}", file.display())
}

/// The warning for events that asked for a sample `name` the bank could not play.
pub fn unknown_sample(name: &str, bank: &SampleBank) -> String {
    if bank.not_loaded(name) {
        format!(
            "warning: sample `{name}` was not loaded: the patch first plays it after the cycles read for the names it plays (the first {}, fewer for a dense sound); its events are silent",
            crate::runtime::sounds::NAMING_CYCLES
        )
    } else {
        format!("warning: no sample named `{name}`: its events are silent")
    }
}
