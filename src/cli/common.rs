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

/// The sample bank: the built-in kit, with a sample folder over it if one is given.
pub fn load_bank(samples: Option<&std::path::Path>, rate: u32) -> Result<SampleBank, ExitCode> {
    let mut bank = SampleBank::builtin(rate);
    if let Some(dir) = samples {
        match bank.load_dir(dir) {
            Ok(report) => {
                for (file, why) in &report.skipped {
                    eprintln!("warning: skipped sample {}: {why}", file.display());
                }
            }
            Err(e) => {
                eprintln!("error: cannot load samples from {}: {e}", dir.display());
                return Err(ExitCode::from(BAD_INPUT));
            }
        }
    }
    Ok(bank)
}
