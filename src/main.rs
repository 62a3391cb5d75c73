//! The `phonon` command line.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use phonon::diag::render;
use phonon::query::{events_to_json_lines, parse_time, query_expression};
use phonon::render::{EngineKind, Length, SampleFormat, WavSink};
use phonon::runtime::Config;
use phonon::samples::SampleBank;
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
    /// Render a patch to a stereo WAV file, then print the time per block against
    /// the real-time budget.
    ///
    /// Example: phonon render fixtures/house.ph -o house.wav --cycles 8
    Render {
        /// The patch file (`*.ph`).
        patch: PathBuf,
        /// The WAV file to write.
        #[arg(short, long)]
        output: PathBuf,
        /// Length in seconds.
        #[arg(long, conflicts_with = "cycles", value_parser = parse_positive)]
        duration: Option<f64>,
        /// Length in cycles (the default is 4 cycles).
        #[arg(long, value_parser = parse_positive)]
        cycles: Option<f64>,
        /// The engine: `interp`, the reference interpreter.
        #[arg(long, value_enum, default_value = "interp")]
        engine: EngineArg,
        /// A Dirt-Samples style folder (DIR/name/*.wav), loaded over the built-in kit.
        #[arg(long, env = "PHONON_SAMPLES")]
        samples: Option<PathBuf>,
        /// Sample rate in Hz.
        #[arg(long, default_value_t = 44_100, value_parser = clap::value_parser!(u32).range(8_000..=384_000))]
        rate: u32,
        /// Frames per block.
        #[arg(long, default_value_t = 512, value_parser = parse_block)]
        block: usize,
        /// Bits per sample: 32 (float) or 16 (integer).
        #[arg(long, default_value = "32", value_parser = ["32", "16"])]
        bits: String,
    },
    /// Print the signal graph of a patch: one node per line with its operation,
    /// inputs, constant parameters, channels, kind and the source it came from.
    Ir {
        /// The patch file (`*.ph`).
        patch: PathBuf,
    },
    /// List the built-in functions with their parameters and a line on each, or show
    /// one of them.
    Functions {
        /// A function name, such as `every` or `lpf`.
        name: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum EngineArg {
    /// The reference interpreter.
    Interp,
}

fn parse_positive(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 && x <= 86_400.0 => Ok(x),
        _ => Err(format!("`{text}` is not a positive length (at most 86400)")),
    }
}

fn parse_block(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (1..=16_384).contains(&n) => Ok(n),
        _ => Err(format!(
            "`{text}` is not a block size from 1 to 16384 frames"
        )),
    }
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
        Command::Render {
            patch,
            output,
            duration,
            cycles,
            engine,
            samples,
            rate,
            block,
            bits,
        } => {
            let length = match (duration, cycles) {
                (Some(d), _) => Length::Seconds(d),
                (None, Some(c)) => Length::Cycles(c),
                (None, None) => Length::Cycles(4.0),
            };
            let format = if bits == "16" {
                SampleFormat::Int16
            } else {
                SampleFormat::Float32
            };
            let engine = match engine {
                EngineArg::Interp => EngineKind::Interp,
            };
            render_command(RenderArgs {
                patch,
                output,
                length,
                engine,
                samples,
                rate,
                block,
                format,
            })
        }
        Command::Ir { patch } => ir_command(&patch),
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

/// Reads and compiles a patch, printing its diagnostics (warnings too).
fn compile_file(path: &std::path::Path) -> Result<(String, phonon::ir::Graph), ExitCode> {
    let source = read_file(path)?;
    let name = path.display().to_string();
    match phonon::compile(&source) {
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

fn ir_command(path: &std::path::Path) -> ExitCode {
    match compile_file(path) {
        Ok((source, graph)) => {
            write_stdout(&phonon::ir::dump(
                &graph,
                &source,
                &path.display().to_string(),
            ));
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

struct RenderArgs {
    patch: PathBuf,
    output: PathBuf,
    length: Length,
    engine: EngineKind,
    samples: Option<PathBuf>,
    rate: u32,
    block: usize,
    format: SampleFormat,
}

/// The sample bank: the built-in kit, with a sample folder over it if one is given.
fn load_bank(samples: Option<&std::path::Path>, rate: u32) -> Result<SampleBank, ExitCode> {
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

fn render_command(args: RenderArgs) -> ExitCode {
    let (source, graph) = match compile_file(&args.patch) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let bank = match load_bank(args.samples.as_deref(), args.rate) {
        Ok(b) => Arc::new(b),
        Err(code) => return code,
    };
    let config = Config {
        sample_rate: args.rate,
        block: args.block,
        ..Config::default()
    };
    let frames = args.length.frames(graph.cps, args.rate);
    let graph = Arc::new(graph);
    let mut wav = match WavSink::create(&args.output, args.rate, args.format) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot create {}: {e}", args.output.display());
            return ExitCode::FAILURE;
        }
    };
    let bar = indicatif::ProgressBar::new(frames);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} rendering [{bar:32}] {percent:>3}% {elapsed} (eta {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let result = phonon::render::render(
        graph.clone(),
        bank,
        config,
        args.engine,
        frames,
        &mut |l, r| wav.write(l, r),
        &mut |done| bar.set_position(done),
    );
    bar.finish_and_clear();
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = wav.finish() {
        eprintln!("error: cannot write {}: {e}", args.output.display());
        return ExitCode::FAILURE;
    }
    for name in &report.unknown_samples {
        eprintln!("warning: no sample named `{name}`: its events are silent");
    }
    if let Some((nf, count)) = report.nonfinite {
        eprintln!(
            "warning: node {} produced NaN or infinity at {:.3} s; the master replaced {count} samples with silence",
            graph.describe(nf.node, &source),
            nf.frame as f64 / f64::from(args.rate)
        );
    }
    let seconds = report.frames as f64 / f64::from(args.rate);
    let format = match args.format {
        SampleFormat::Float32 => "32-bit float",
        SampleFormat::Int16 => "16-bit",
    };
    write_stdout(&format!(
        "wrote {}: {seconds:.2} s ({} frames), stereo {format} at {} Hz; engine {}, block {}\n{}\npeak voices {}\n",
        args.output.display(),
        report.frames,
        args.rate,
        match args.engine {
            EngineKind::Interp => "interp",
        },
        args.block,
        report.times.summary(),
        report.peak_voices
    ));
    ExitCode::SUCCESS
}
