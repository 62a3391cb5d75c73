//! The `phonon` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use phonon::diag::render;
use phonon::query::{events_to_json_lines, parse_time, query_expression};
use phonon::time::Rational;

/// Phonon: TidalCycles-style patterns driving a modular synthesis graph.
#[derive(Parser)]
#[command(name = "phonon", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and type-check patches; print every problem found with its line and
    /// column. Exits 0 when all are sound, 2 otherwise.
    Check {
        /// Patch files (`*.ph`).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Evaluate a pattern expression and print its events as JSON, one per line,
    /// sorted by the beginning of their part.
    ///
    /// Example: phonon query '"bd*2 [sn cp]" $ every 3 rev' --from 0 --to 4
    Query {
        /// Any pattern-valued expression of the patch language.
        expression: String,
        /// Start of the queried span, in cycles: an integer, a decimal or a fraction
        /// such as 1/3.
        #[arg(long, default_value = "0", value_parser = parse_time_arg, allow_hyphen_values = true)]
        from: Rational,
        /// End of the queried span, in cycles.
        #[arg(long, default_value = "1", value_parser = parse_time_arg, allow_hyphen_values = true)]
        to: Rational,
    },
    /// List the built-in functions with their parameters and a line on each, or show
    /// one of them.
    Functions {
        /// A function name, such as `every` or `lpf`.
        name: Option<String>,
    },
}

fn parse_time_arg(text: &str) -> Result<Rational, String> {
    parse_time(text).ok_or_else(|| {
        format!("`{text}` is not a time in cycles: write an integer, a decimal (0.25) or a fraction (1/3)")
    })
}

const BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { files } => check(&files),
        Command::Query {
            expression,
            from,
            to,
        } => query(&expression, from, to),
        Command::Functions { name } => functions(name.as_deref()),
    }
}

fn read_file(path: &std::path::Path) -> Result<String, ExitCode> {
    std::fs::read_to_string(path).map_err(|e| {
        eprintln!("error: cannot read {}: {e}", path.display());
        ExitCode::from(BAD_INPUT)
    })
}

fn check(files: &[PathBuf]) -> ExitCode {
    let mut failed = false;
    for path in files {
        let source = match read_file(path) {
            Ok(s) => s,
            Err(_) => {
                failed = true;
                continue;
            }
        };
        let name = path.display().to_string();
        let diagnostics = phonon::check_source(&source);
        if !diagnostics.is_empty() {
            eprint!("{}", render(&name, &source, &diagnostics));
        }
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        if errors > 0 {
            failed = true;
            eprintln!(
                "{name}: {errors} error{}",
                if errors == 1 { "" } else { "s" }
            );
        } else {
            write_stdout(&format!("{name}: ok\n"));
        }
    }
    if failed {
        ExitCode::from(BAD_INPUT)
    } else {
        ExitCode::SUCCESS
    }
}

fn query(expression: &str, from: Rational, to: Rational) -> ExitCode {
    if to < from {
        eprintln!("error: --to ({to}) is before --from ({from})");
        return ExitCode::from(BAD_INPUT);
    }
    match query_expression(expression, from, to) {
        Ok(result) => {
            let mut out = events_to_json_lines(&result);
            if !out.is_empty() {
                out.push('\n');
            }
            write_stdout(&out);
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprint!("{}", failure.render(expression));
            ExitCode::from(BAD_INPUT)
        }
    }
}

fn functions(name: Option<&str>) -> ExitCode {
    use phonon::check::signatures::{builtins, lookup};
    match name {
        None => {
            let listing: String = builtins()
                .iter()
                .map(|b| format!("{:<34}  {}\n", b.usage(), b.doc))
                .collect();
            write_stdout(&listing);
            ExitCode::SUCCESS
        }
        Some(name) => match lookup(name) {
            Some(b) => {
                write_stdout(&format!("{}\n{}\n{}\n", b.usage(), b.signature(), b.doc));
                ExitCode::SUCCESS
            }
            None => {
                let hint = phonon::diag::nearest(name, builtins().iter().map(|b| b.name))
                    .map(|n| format!("; did you mean `{n}`?"))
                    .unwrap_or_default();
                eprintln!("error: no function `{name}`{hint}");
                ExitCode::from(BAD_INPUT)
            }
        },
    }
}

/// Writes to standard output. A reader that went away (`phonon query ... | head`) is
/// not an error worth a message, and never a panic as `println!` would make it.
fn write_stdout(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}
