//! Helpers shared by the commands: reading files, printing, compiling with
//! diagnostics, loading the sample bank.

use std::process::ExitCode;

use crate::diag::render;
use crate::samples::SampleBank;

/// The exit code for bad input (a patch with errors, a missing file).
pub const BAD_INPUT: u8 = 2;

pub use crate::frontend::MAX_PATCH_BYTES;

pub fn read_file(path: &std::path::Path) -> Result<String, ExitCode> {
    crate::frontend::read_patch(path).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(BAD_INPUT)
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
    match crate::frontend::compile_warned(&source) {
        Ok(compiled) => {
            if !compiled.warnings.is_empty() {
                eprint!("{}", render(&name, &source, &compiled.warnings));
            }
            Ok((source, compiled.graph))
        }
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
        format!("warning: {}", no_sample_named(name))
    }
}

/// What `check` and `render` say of a sample name no folder has.
pub fn no_sample_named(name: &str) -> String {
    format!("no sample named `{name}`: its events are silent")
}
