//! The `phonon` command line: the argument definitions (clap) here, the bodies of the
//! commands in the submodules. `src/main.rs` only calls [`main`].

mod audio;
mod common;
mod jit;
mod live;
mod plot;
mod text;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::query::parse_time;
use crate::render::{EngineKind, Length, SampleFormat};
use crate::time::Rational;

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
    /// column, and warn about sample names the built-in kit (and `--samples`) does
    /// not have. Exits 0 when all are sound (warnings allowed), 2 otherwise.
    Check {
        /// Patch files (`*.ph`).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// A Dirt-Samples style folder (DIR/name/*.wav) over the built-in kit: the
        /// names it holds are known (only listed, nothing is read).
        #[arg(long, env = "PHONON_SAMPLES")]
        samples: Option<PathBuf>,
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
        /// Print the events as a text grid per cycle, one row per distinct value
        /// (onset character, `-` while it lasts, `.` for rest), instead of JSON.
        #[arg(long)]
        draw: bool,
    },
    /// Render a patch to a stereo WAV file, then print the time per block against
    /// the real-time budget.
    ///
    /// Example: phonon render fixtures/house.ph -o house.wav --cycles 8
    Render {
        /// The patch file (`*.ph`).
        patch: PathBuf,
        /// The WAV file to write; `-` writes it to standard output (and the report
        /// to standard error).
        #[arg(short, long)]
        output: PathBuf,
        /// The engine: `jit` (native code, the default) or `interp` (the reference
        /// interpreter).
        #[arg(long, value_enum, default_value = "jit")]
        engine: EngineArg,
        #[command(flatten)]
        audio: AudioArgs,
        /// Also draw a spectrogram of what was rendered into this PNG file (the WAV
        /// is the same with or without it).
        #[arg(long)]
        spectrogram: Option<PathBuf>,
        /// The spectrogram's frequency axis.
        #[arg(long, value_enum, default_value = "log", requires = "spectrogram")]
        spectrogram_scale: ScaleArg,
    },
    /// Draw a piano roll of a patch's events into a PNG file: time in cycles across,
    /// notes by pitch (a sound's `note`, the patterns setting an oscillator's
    /// frequency), samples on a row per name, a colour per output.
    ///
    /// Example: phonon plot fixtures/melody.ph -o roll.png --cycles 4
    Plot {
        /// The patch file (`*.ph`).
        patch: PathBuf,
        /// The PNG file to write.
        #[arg(short, long)]
        output: PathBuf,
        /// Cycles to draw (an integer, a decimal or a fraction), at most 1000.
        #[arg(long, default_value = "4", value_parser = parse_plot_cycles)]
        cycles: Rational,
        /// The first cycle drawn.
        #[arg(long, default_value = "0", value_parser = parse_time_arg, allow_hyphen_values = true)]
        from: Rational,
        /// A Dirt-Samples style folder (DIR/name/*.wav) over the built-in kit: only
        /// listed, for the names the patch plays that no bank has.
        #[arg(long, env = "PHONON_SAMPLES")]
        samples: Option<PathBuf>,
        /// Width of the picture in pixels.
        #[arg(long, default_value_t = 1200, value_parser = clap::value_parser!(u32).range(200..=8000))]
        width: u32,
        /// Height of the picture in pixels.
        #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u32).range(150..=8000))]
        height: u32,
    },
    /// Compile a patch to native code and play it live, reloading it whenever the
    /// file is saved (without a glitch: what did not change keeps its state, what
    /// did is crossfaded; a version that does not compile leaves the last one
    /// playing), until Ctrl-C or for `--duration`/`--cycles`. With `-o`, render
    /// it to a WAV file through the JIT instead;
    /// `--dump-clif` prints the Cranelift IR of every stage, `--timings` the time
    /// each compile phase took.
    ///
    /// Example: phonon jit fixtures/house.ph --sink null --duration 10
    Jit {
        /// The patch file (`*.ph`).
        patch: PathBuf,
        /// Render to this WAV file instead of playing; `-` writes it to standard
        /// output (and the report to standard error).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Print the Cranelift IR of every stage.
        #[arg(long)]
        dump_clif: bool,
        /// Print the time from text to runnable kernels, phase by phase.
        #[arg(long)]
        timings: bool,
        /// Where live playback goes: `device` (the default sound card; needs the
        /// `audio` feature) or `null` (the same real-time loop against a clock,
        /// reporting timing and underruns).
        #[arg(long, value_enum, default_value = "device")]
        sink: SinkArg,
        #[command(flatten)]
        audio: AudioArgs,
    },
    /// Time blocks of a patch through one or both engines, side by side in one run:
    /// mean, p50, p99 and max per block, compile time, voices, headroom.
    Bench {
        /// The patch file (`*.ph`).
        patch: PathBuf,
        /// `jit`, `interp` or `both`.
        #[arg(long, value_enum, default_value = "both")]
        engine: BenchEngineArg,
        /// Blocks to measure (after a warm-up of 50).
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
        blocks: u64,
        /// Print one JSON object instead of the table.
        #[arg(long)]
        json: bool,
        /// A Dirt-Samples style folder (DIR/name/*.wav) over the built-in kit: only the
        /// folders the patch names are read.
        #[arg(long, env = "PHONON_SAMPLES")]
        samples: Option<PathBuf>,
        /// Sample rate in Hz.
        #[arg(long, default_value_t = 44_100, value_parser = clap::value_parser!(u32).range(8_000..=384_000))]
        rate: u32,
        /// Frames per block.
        #[arg(long, default_value_t = 512, value_parser = parse_block)]
        block: usize,
        /// Threads for the JIT: with more than 1, the JIT runs both on one thread and
        /// on this many, block by block, and both are reported.
        #[arg(long, default_value_t = 1, value_parser = parse_threads)]
        threads: usize,
        /// Start each round of blocks at its real-time deadline (sleeping in between,
        /// as an audio callback runs) instead of back to back: the worker threads'
        /// naps and wake-ups are then part of the times.
        #[arg(long)]
        paced: bool,
    },
    /// Print the signal graph of a patch: one node per line with its operation,
    /// inputs, constant parameters, state, channels, kind and the source it came
    /// from. With `--passes`, the graph after each pass and the final plan.
    Ir {
        /// The patch file (`*.ph`).
        patch: PathBuf,
        /// Show the graph after each optimising pass and the staged plan.
        #[arg(long)]
        passes: bool,
    },
    /// List the built-in functions with their parameters and a line on each, or show
    /// one of them.
    Functions {
        /// A function name, such as `every` or `lpf`.
        name: Option<String>,
        /// Print the list as the Markdown table of docs/language.md (which is this
        /// output, pasted between its markers).
        #[arg(long, conflicts_with = "name")]
        markdown: bool,
    },
}

/// Options of commands that produce audio.
#[derive(Args)]
struct AudioArgs {
    /// Length in seconds.
    #[arg(long, conflicts_with = "cycles", value_parser = parse_positive)]
    duration: Option<f64>,
    /// Length in cycles (a file is 4 cycles long when neither length is given).
    #[arg(long, value_parser = parse_positive)]
    cycles: Option<f64>,
    /// A Dirt-Samples style folder (DIR/name/*.wav) over the built-in kit: only the
    /// folders the patch names are read.
    #[arg(long, env = "PHONON_SAMPLES")]
    samples: Option<PathBuf>,
    /// Sample rate in Hz.
    #[arg(long, default_value_t = 44_100, value_parser = clap::value_parser!(u32).range(8_000..=384_000))]
    rate: u32,
    /// Frames per block.
    #[arg(long, default_value_t = 512, value_parser = parse_block)]
    block: usize,
    /// Threads running each block (the JIT's independent stage items and the
    /// pattern queries); 1 runs everything on one thread.
    #[arg(long, default_value_t = 1, value_parser = parse_threads)]
    threads: usize,
    /// Bits per sample: 32 (float) or 16 (integer).
    #[arg(long, default_value = "32", value_parser = ["32", "16"])]
    bits: String,
    /// Leave out the master stage (DC blocker and -1 dBTP true-peak limiter): the
    /// output is the raw sum of the outputs, and may clip.
    #[arg(long)]
    no_limit: bool,
}

impl AudioArgs {
    fn into_render(self, patch: PathBuf, output: PathBuf, engine: EngineKind) -> audio::RenderArgs {
        let length = match (self.duration, self.cycles) {
            (Some(d), _) => Length::Seconds(d),
            (None, Some(c)) => Length::Cycles(c),
            (None, None) => Length::Cycles(4.0),
        };
        let format = if self.bits == "16" {
            SampleFormat::Int16
        } else {
            SampleFormat::Float32
        };
        audio::RenderArgs {
            patch,
            output,
            length,
            engine,
            samples: self.samples,
            rate: self.rate,
            block: self.block,
            threads: self.threads,
            format,
            limit: !self.no_limit,
            spectrogram: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum SinkArg {
    /// The default sound card.
    Device,
    /// No sound card: a clock.
    Null,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum ScaleArg {
    /// Octaves equally spaced, from 20 Hz.
    Log,
    /// Hertz equally spaced, from 0 Hz.
    Linear,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum EngineArg {
    /// Native code compiled by Cranelift.
    Jit,
    /// The reference interpreter.
    Interp,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum BenchEngineArg {
    Jit,
    Interp,
    Both,
}

fn parse_positive(text: &str) -> Result<f64, String> {
    const MAX: f64 = crate::render::MAX_RENDER_SECONDS;
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 && x <= MAX => Ok(x),
        _ => Err(format!("`{text}` is not a positive length (at most {MAX})")),
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

fn parse_threads(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (1..=64).contains(&n) => Ok(n),
        _ => Err(format!("`{text}` is not a thread count from 1 to 64")),
    }
}

fn parse_plot_cycles(text: &str) -> Result<Rational, String> {
    let max = crate::plot::roll::MAX_PLOT_CYCLES;
    match parse_time(text) {
        Some(c) if c > Rational::from(0) && c <= Rational::from(max) => Ok(c),
        _ => Err(format!(
            "`{text}` is not a number of cycles above 0 and at most {max}"
        )),
    }
}

fn parse_time_arg(text: &str) -> Result<Rational, String> {
    parse_time(text).ok_or_else(|| {
        format!("`{text}` is not a time in cycles: write an integer, a decimal (0.25) or a fraction (1/3)")
    })
}

/// Runs the `phonon` command with the process's arguments.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { files, samples } => text::check(&files, samples.as_deref()),
        Command::Query {
            expression,
            from,
            to,
            draw,
        } => text::query(&expression, from, to, draw),
        Command::Functions { name, markdown } => text::functions(name.as_deref(), markdown),
        Command::Render {
            patch,
            output,
            engine,
            audio,
            spectrogram,
            spectrogram_scale,
        } => {
            let engine = match engine {
                EngineArg::Jit => EngineKind::Jit,
                EngineArg::Interp => EngineKind::Interp,
            };
            let mut args = audio.into_render(patch, output, engine);
            args.spectrogram = spectrogram.map(|path| audio::SpectrogramArgs {
                path,
                scale: match spectrogram_scale {
                    ScaleArg::Log => crate::plot::spectrogram::Scale::Log,
                    ScaleArg::Linear => crate::plot::spectrogram::Scale::Linear,
                },
            });
            audio::render_command(args)
        }
        Command::Plot {
            patch,
            output,
            cycles,
            from,
            samples,
            width,
            height,
        } => plot::plot_command(plot::PlotArgs {
            patch,
            output,
            from,
            cycles,
            samples,
            width,
            height,
        }),
        Command::Jit {
            patch,
            output,
            dump_clif,
            timings,
            sink,
            audio,
        } => {
            let live = (output.is_none() && !dump_clif && !timings).then(|| live::LiveArgs {
                patch: patch.clone(),
                sink: match sink {
                    SinkArg::Device => live::SinkKind::Device,
                    SinkArg::Null => live::SinkKind::Null,
                },
                seconds: audio.duration,
                cycles: audio.cycles,
                samples: audio.samples.clone(),
                rate: audio.rate,
                block: audio.block,
                threads: audio.threads,
                limit: !audio.no_limit,
            });
            match live {
                Some(args) => live::live_command(args),
                None => jit::jit_command(jit::JitArgs {
                    dump_clif,
                    timings,
                    render: output.map(|o| audio.into_render(patch.clone(), o, EngineKind::Jit)),
                    patch,
                }),
            }
        }
        Command::Bench {
            patch,
            engine,
            blocks,
            json,
            samples,
            rate,
            block,
            threads,
            paced,
        } => jit::bench_command(jit::BenchArgs {
            patch,
            engines: match engine {
                BenchEngineArg::Jit => crate::bench::Engines::Jit,
                BenchEngineArg::Interp => crate::bench::Engines::Interp,
                BenchEngineArg::Both => crate::bench::Engines::Both,
            },
            blocks: blocks as usize,
            json,
            samples,
            rate,
            block,
            threads,
            paced,
        }),
        Command::Ir { patch, passes } => audio::ir_command(&patch, passes),
    }
}
