//! `phonon plot`: a patch's events as a piano roll in a PNG file.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::plot::roll;
use crate::time::Rational;

use super::common::{compile_file, load_bank, query_failure_text, write_stdout, BAD_INPUT};

pub struct PlotArgs {
    pub patch: PathBuf,
    pub output: PathBuf,
    pub from: Rational,
    pub cycles: Rational,
    pub samples: Option<PathBuf>,
    pub width: u32,
    pub height: u32,
}

pub fn plot_command(args: PlotArgs) -> ExitCode {
    let (source, graph) = match compile_file(&args.patch) {
        Ok(x) => x,
        Err(code) => return code,
    };
    // The bank is only listed (nothing decoded), for the names it lacks.
    let bank = match load_bank(args.samples.as_deref(), 44_100) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let Ok(to) = crate::time::overflow_guard(|| args.from + args.cycles) else {
        eprintln!("error: `--from` plus `--cycles` is past the times Phonon can count");
        return ExitCode::from(BAD_INPUT);
    };
    let roll = match roll::collect(&graph, args.from, to) {
        Ok(r) => r,
        Err(roll::CollectError::TooMany { span }) => {
            let message = format!(
                "more than {} events to draw; plot fewer cycles",
                roll::MAX_PLOT_EVENTS
            );
            match span {
                Some(span) => eprint!(
                    "{}",
                    crate::diag::render(
                        &args.patch.display().to_string(),
                        &source,
                        &[crate::diag::Diagnostic::error(message, span)
                            .with_label("this pattern passed the limit")]
                    )
                ),
                None => eprintln!("error: {message}"),
            }
            return ExitCode::from(BAD_INPUT);
        }
        Err(roll::CollectError::Pattern(failure)) => {
            eprint!(
                "{}",
                query_failure_text(
                    &args.patch,
                    &source,
                    &failure,
                    "the plot needs every event of the span; plot fewer cycles"
                )
            );
            return ExitCode::from(BAD_INPUT);
        }
    };
    let patch = args.patch.display().to_string();
    for (name, span) in crate::runtime::sounds::unknown_samples(&graph, &bank) {
        let message =
            format!("no sample named `{name}`: its events are silent (drawn all the same)");
        match span {
            Some(span) => eprint!(
                "{}",
                crate::diag::render(
                    &patch,
                    &source,
                    &[crate::diag::Diagnostic::warning(message, span).with_label("this sound")]
                )
            ),
            None => eprintln!("warning: {message}"),
        }
    }
    if let Err(e) = roll::draw(&roll, &args.output, args.width, args.height) {
        eprintln!("error: cannot write {}: {e}", args.output.display());
        return ExitCode::FAILURE;
    }
    write_stdout(&format!(
        "wrote {}: {} events of {} output{} over {} cycle{} from cycle {}, {}x{} pixels\n",
        args.output.display(),
        roll.events.len(),
        roll.outputs.len(),
        if roll.outputs.len() == 1 { "" } else { "s" },
        cycles_text(args.cycles),
        if args.cycles == Rational::from(1) {
            ""
        } else {
            "s"
        },
        cycles_text(args.from),
        args.width,
        args.height
    ));
    ExitCode::SUCCESS
}

/// A time in cycles as the user would write it: `4`, `1/3`.
fn cycles_text(t: Rational) -> String {
    let x = t.to_f64();
    if x.fract() == 0.0 {
        format!("{x}")
    } else {
        t.to_string()
    }
}
