//! `phonon jit patch.ph` without `-o`: live playback, with hot reload on save. The
//! session itself is `crate::live::run`; this is its arguments and its printing.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::live::{self, Event, SessionOptions};
use crate::program::CompileFailure;
use crate::runtime::Config;

use super::common::{load_bank, read_file, skipped_sample, unknown_sample, BAD_INPUT};

/// Where the audio goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SinkKind {
    /// The default sound card (the `audio` feature).
    Device,
    /// No sound card: the same real-time loop against a clock.
    Null,
}

pub struct LiveArgs {
    pub patch: PathBuf,
    pub sink: SinkKind,
    /// Stop after this many seconds (or cycles of the first program); else on Ctrl-C.
    pub seconds: Option<f64>,
    pub cycles: Option<f64>,
    pub samples: Option<PathBuf>,
    pub rate: u32,
    pub block: usize,
    pub threads: usize,
    /// Run the master stage (DC blocker and limiter).
    pub limit: bool,
}

pub fn live_command(args: LiveArgs) -> ExitCode {
    let source = match read_file(&args.patch) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let name = args.patch.display().to_string();
    #[cfg(feature = "audio")]
    let device = match args.sink {
        SinkKind::Device => match crate::live::sink::device::Device::open_default() {
            Ok(d) => Some(d),
            Err(e) => {
                eprintln!("error: {e}\n(use --sink null to run without a sound card)");
                return ExitCode::FAILURE;
            }
        },
        SinkKind::Null => None,
    };
    #[cfg(not(feature = "audio"))]
    if args.sink == SinkKind::Device {
        eprintln!(
            "error: this phonon was built without sound card support; rebuild it with \
             `cargo install --path . --features audio` (on Linux, ALSA's headers first: \
             libasound2-dev), or run the same real-time loop without a card: \
             phonon jit {name} --sink null"
        );
        return ExitCode::from(BAD_INPUT);
    }
    #[cfg(feature = "audio")]
    let rate = device.as_ref().map_or(args.rate, |d| d.sample_rate());
    #[cfg(not(feature = "audio"))]
    let rate = args.rate;
    let bank = match load_bank(args.samples.as_deref(), rate) {
        Ok(b) => Arc::new(b),
        Err(code) => return code,
    };
    // For the warnings: the session shares the bank.
    let names = bank.clone();
    let config = Config {
        sample_rate: rate,
        block: args.block,
        threads: args.threads,
        limit: args.limit,
        ..Config::default()
    };
    #[cfg(feature = "audio")]
    let sink = match device {
        Some(device) => live::Sink::Device(device),
        None => live::Sink::Null,
    };
    #[cfg(not(feature = "audio"))]
    let sink = live::Sink::Null;

    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        // Without a handler Ctrl-C would kill the process before the report.
        let _ = ctrlc::set_handler(move || stop.store(true, Ordering::Relaxed));
    }

    let terminal = std::io::stderr().is_terminal();
    let budget_ms = config.block as f64 / f64::from(rate) * 1e3;
    // Until a first version compiles nothing plays: a broken version is not "instead
    // of the previous one", there is none.
    let mut playing = false;
    let mut say = |event: Event<'_>| {
        if let Event::Status { stats, error } = event {
            if terminal {
                let info = live::status::StatusInfo {
                    file: &name,
                    budget_ms,
                    error,
                };
                eprint!("\r\x1b[2K{}", live::status::line(stats, &info));
            }
            return;
        }
        clear_status(terminal);
        let meanwhile = if playing {
            "still playing the previous version"
        } else {
            "nothing plays yet: waiting for a version that compiles"
        };
        match event {
            Event::Playing { compile_ms } => {
                playing = true;
                eprintln!("playing {name} (compiled in {compile_ms:.1} ms)")
            }
            Event::Reloaded {
                version,
                compile_ms,
            } => eprintln!("reloaded {name}: v{version} (compiled in {compile_ms:.1} ms)"),
            Event::Failed {
                source,
                failure,
                summary,
            } => match failure {
                CompileFailure::Diagnostics(d) => {
                    eprint!("{}", crate::diag::render(&name, source, d));
                    eprintln!("{summary} ({meanwhile})");
                }
                CompileFailure::Build(_) => eprintln!("error: {summary} ({meanwhile})"),
            },
            Event::Warnings {
                source,
                diagnostics,
            } => eprint!("{}", crate::diag::render(&name, source, diagnostics)),
            #[cfg(feature = "audio")]
            Event::Device { name, rate } => eprintln!("on {name} at {rate} Hz"),
            Event::Error(e) => eprintln!("error: {e}"),
            Event::Unreadable(e) => eprintln!("error: {e} ({meanwhile})"),
            Event::UnknownSample(n) => eprintln!("{}", unknown_sample(n, &names)),
            Event::SkippedSample { file, why } => eprintln!("{}", skipped_sample(file, why)),
            Event::WatchFailed(e) => eprintln!("warning: cannot watch {name} for changes: {e}"),
            Event::Status { .. } => {}
        }
    };
    let options = SessionOptions {
        patch: args.patch.clone(),
        source,
        sink,
        config,
        bank,
        seconds: args.seconds,
        cycles: args.cycles,
        stop,
    };
    let end = match live::run(options, &mut say) {
        Ok(end) => end,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    clear_status(terminal);
    eprintln!("{}", end.stats.master().summary());
    print_report(
        &end.stats,
        end.player.as_ref(),
        budget_ms,
        rate,
        config.block,
        end.reloads,
    );
    if end.error.is_some() && !end.played {
        return ExitCode::from(BAD_INPUT);
    }
    ExitCode::SUCCESS
}

fn clear_status(terminal: bool) {
    if terminal {
        eprint!("\r\x1b[2K");
    }
}

fn print_report(
    stats: &live::Stats,
    player: Option<&live::Player>,
    budget_ms: f64,
    rate: u32,
    block: usize,
    reloads: u32,
) {
    let blocks = stats.blocks.load(Ordering::Relaxed);
    let frames = blocks * block as u64;
    let mean = if blocks > 0 {
        stats.block_ns_sum.load(Ordering::Relaxed) as f64 / blocks as f64 / 1e6
    } else {
        0.0
    };
    let mut line = format!(
        "played {blocks} blocks ({:.2} s); time per block: mean {mean:.3} ms",
        frames as f64 / f64::from(rate)
    );
    if let Some(p) = player {
        let t = p.times();
        line.push_str(&format!(
            ", p99 {:.3} ms, max {:.3} ms",
            t.quantile_ms(0.99),
            t.max_ms()
        ));
    }
    let underruns = stats.underruns.load(Ordering::Relaxed);
    // The null sink (the player came back from its thread) tells the causes apart.
    let causes = match player {
        Some(_) if underruns > 0 => format!(
            " ({} from blocks over budget: the patch; {} from late wake-ups of the null \
             clock's thread: the machine)",
            stats.underruns_over_budget.load(Ordering::Relaxed),
            stats.underruns_late_wake.load(Ordering::Relaxed),
        ),
        _ => String::new(),
    };
    line.push_str(&format!(
        "\nreal-time budget {budget_ms:.2} ms per block: mean load {:.1}%; underruns {underruns}{causes}, late blocks {}, reloads {reloads}",
        100.0 * mean / budget_ms,
        stats.late_blocks.load(Ordering::Relaxed),
    ));
    eprintln!("{line}");
}
