//! `phonon jit patch.ph` without `-o`: live playback, with hot reload on save.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use phonon::jit::engine::CompileFailure;
use phonon::live::{self, Previous, Program};
use phonon::runtime::Config;
use phonon::samples::SampleBank;

use super::common::{load_bank, read_file, BAD_INPUT};

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
}

/// What the query thread tells the control thread.
#[derive(Default)]
struct QueryReport {
    error: Option<String>,
    unknown: Vec<String>,
}

pub fn live_command(args: LiveArgs) -> ExitCode {
    let source = match read_file(&args.patch) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let name = args.patch.display().to_string();
    #[cfg(feature = "audio")]
    let device = match args.sink {
        SinkKind::Device => match phonon::live::sink::device::Device::open_default() {
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
    let config = Config {
        sample_rate: rate,
        block: args.block,
        threads: args.threads,
        ..Config::default()
    };
    let live::Pipeline {
        mut scheduler,
        player,
        mut retired,
    } = live::pipeline(config.block, rate, bank.clone());
    let stats = player.stats().clone();

    // The first program (a broken file plays silence until it is fixed).
    let mut previous: Option<Previous> = None;
    let mut last_source = source.clone();
    let mut error: Option<String> = None;
    let mut cps = None;
    match compile(&name, &source, &config, &bank, None) {
        Ok((program, prev)) => {
            cps = Some(program.runtime.graph().cps);
            eprintln!("playing {name} (compiled in {:.1} ms)", program.compile_ms);
            scheduler.submit(Box::new(program));
            previous = Some(prev);
        }
        Err(e) => error = Some(e),
    }
    let limit = match (args.seconds, args.cycles) {
        (Some(s), _) => Some((s * f64::from(rate)).round() as u64),
        (None, Some(c)) => Some((c / cps.unwrap_or(1.0) * f64::from(rate)).round() as u64),
        _ => None,
    };

    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        // Without a handler Ctrl-C would kill the process before the report.
        let _ = ctrlc::set_handler(move || stop.store(true, Ordering::Relaxed));
    }

    // The first blocks' events, queried before the sound starts.
    scheduler.pump();

    // The query thread.
    let (program_tx, program_rx) = mpsc::channel::<Box<Program>>();
    let report = Arc::new(Mutex::new(QueryReport::default()));
    let nap = Duration::from_secs_f64(config.block as f64 / f64::from(rate) / 4.0);
    let query_thread = {
        let stop = stop.clone();
        let report = report.clone();
        std::thread::Builder::new()
            .name("phonon-query".into())
            .spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    while let Ok(p) = program_rx.try_recv() {
                        scheduler.submit(p);
                    }
                    scheduler.pump();
                    if let Ok(mut r) = report.lock() {
                        r.error = scheduler.last_error.take().or(r.error.take());
                        if r.unknown.len() != scheduler.unknown_samples().len() {
                            r.unknown = scheduler.unknown_samples().iter().cloned().collect();
                        }
                    }
                    std::thread::sleep(nap);
                }
            })
    };
    let Ok(query_thread) = query_thread else {
        eprintln!("error: cannot start the query thread");
        return ExitCode::FAILURE;
    };

    // The sink.
    let sink_done = Arc::new(AtomicBool::new(false));
    let mut null_thread = None;
    #[cfg(feature = "audio")]
    let mut _stream = None;
    match args.sink {
        SinkKind::Null => {
            let stopped = stop.clone();
            let done = sink_done.clone();
            let block = config.block;
            null_thread = std::thread::Builder::new()
                .name("phonon-audio".into())
                .spawn(move || {
                    let p = live::sink::run_null(player, rate, block, &stopped, limit);
                    done.store(true, Ordering::Relaxed);
                    p
                })
                .ok();
            if null_thread.is_none() {
                eprintln!("error: cannot start the audio thread");
                stop.store(true, Ordering::Relaxed);
            }
        }
        SinkKind::Device =>
        {
            #[cfg(feature = "audio")]
            if let Some(device) = device {
                eprintln!("on {} at {rate} Hz", device.name());
                match device.play(player) {
                    Ok(s) => _stream = Some(s),
                    Err(e) => {
                        eprintln!("error: {e}");
                        stop.store(true, Ordering::Relaxed);
                    }
                }
            }
        }
    }

    // Watching the file: its folder, since editors often save by renaming a new file
    // over the old one.
    let (watch_tx, watch_rx) = mpsc::channel();
    let watcher = watch(&args.patch, watch_tx);
    if let Err(e) = &watcher {
        eprintln!("warning: cannot watch {name} for changes: {e}");
    }

    let terminal = std::io::stderr().is_terminal();
    let budget_ms = config.block as f64 / f64::from(rate) * 1e3;
    let started = Instant::now();
    let mut reloads = 0u32;
    let mut shown_unknown = 0;
    let mut status_due = Instant::now();
    while !stop.load(Ordering::Relaxed) && !sink_done.load(Ordering::Relaxed) {
        if let Some(frames) = limit {
            if args.sink == SinkKind::Device
                && started.elapsed().as_secs_f64() * f64::from(rate) >= frames as f64
            {
                break;
            }
        }
        let changed = match watch_rx.recv_timeout(Duration::from_millis(50)) {
            Ok(()) => {
                // Editors write a file in several steps: let them finish.
                std::thread::sleep(Duration::from_millis(30));
                while watch_rx.try_recv().is_ok() {}
                true
            }
            Err(_) => false,
        };
        if changed {
            if let Ok(text) = std::fs::read_to_string(&args.patch) {
                if text != last_source {
                    last_source = text.clone();
                    clear_status(terminal);
                    match compile(&name, &text, &config, &bank, previous.as_ref()) {
                        Ok((program, prev)) => {
                            reloads += 1;
                            eprintln!(
                                "reloaded {name}: v{} (compiled in {:.1} ms)",
                                prev.version, program.compile_ms
                            );
                            if program_tx.send(Box::new(program)).is_ok() {
                                previous = Some(prev);
                            }
                            error = None;
                        }
                        Err(e) => error = Some(e),
                    }
                }
            }
        }
        // Programs the audio thread is done with are freed here.
        while let Ok(old) = retired.pop() {
            drop(old);
        }
        if let Ok(mut r) = report.lock() {
            // A pattern that fails fails on every block: say it once.
            if let Some(e) = r.error.take().filter(|e| error.as_ref() != Some(e)) {
                clear_status(terminal);
                eprintln!("error: {e}");
                error = Some(e);
            }
            if r.unknown.len() > shown_unknown {
                clear_status(terminal);
                for n in &r.unknown[shown_unknown..] {
                    eprintln!("warning: unknown sample `{n}`: its events are silent");
                }
                shown_unknown = r.unknown.len();
            }
        }
        if terminal && Instant::now() >= status_due {
            status_due = Instant::now() + Duration::from_millis(100);
            let info = live::status::StatusInfo {
                file: &name,
                budget_ms,
                error: error.as_deref(),
            };
            eprint!("\r\x1b[2K{}", live::status::line(&stats, &info));
        }
    }
    stop.store(true, Ordering::Relaxed);
    clear_status(terminal);
    drop(watcher);
    #[cfg(feature = "audio")]
    drop(_stream);
    let player = null_thread.and_then(|t| t.join().ok());
    let _ = query_thread.join();
    while let Ok(old) = retired.pop() {
        drop(old);
    }
    print_report(
        &stats,
        player.as_ref(),
        budget_ms,
        rate,
        config.block,
        reloads,
    );
    if error.is_some() && previous.is_none() {
        return ExitCode::from(BAD_INPUT);
    }
    ExitCode::SUCCESS
}

/// Compiles a version of the patch; its diagnostics are printed, and the first
/// error's message (with its line and column) returned for the status line.
fn compile(
    name: &str,
    source: &str,
    config: &Config,
    bank: &Arc<SampleBank>,
    previous: Option<&Previous>,
) -> Result<(Program, Previous), String> {
    match Program::compile(source, config, bank.clone(), previous) {
        Ok(x) => Ok(x),
        Err(CompileFailure::Diagnostics(d)) => {
            eprint!("{}", phonon::diag::render(name, source, &d));
            let first = d.iter().find(|x| x.is_error()).or(d.first());
            let summary = first.map_or_else(
                || "the patch does not compile".to_string(),
                |x| {
                    let (line, col) = phonon::diag::line_col(source, x.span.start);
                    format!("{name}:{line}:{col}: {}", x.message)
                },
            );
            eprintln!("{summary} (still playing the previous version)");
            Err(summary)
        }
        Err(CompileFailure::Jit(e)) => {
            let summary = format!("{name}: {e}");
            eprintln!("error: {summary} (still playing the previous version)");
            Err(summary)
        }
    }
}

fn clear_status(terminal: bool) {
    if terminal {
        eprint!("\r\x1b[2K");
    }
}

/// Sends `()` on `tx` whenever `path` may have changed.
fn watch(path: &Path, tx: mpsc::Sender<()>) -> notify::Result<notify::RecommendedWatcher> {
    use notify::Watcher;
    let file = path.file_name().map(|f| f.to_os_string());
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        if let Ok(ev) = ev {
            let ours = ev
                .paths
                .iter()
                .any(|p| p.file_name().map(|f| f.to_os_string()) == file);
            if ours && (ev.kind.is_modify() || ev.kind.is_create()) {
                let _ = tx.send(());
            }
        }
    })?;
    watcher.watch(&dir, notify::RecursiveMode::NonRecursive)?;
    Ok(watcher)
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
    line.push_str(&format!(
        "\nreal-time budget {budget_ms:.2} ms per block: mean load {:.1}%; underruns {}, late blocks {}, reloads {reloads}",
        100.0 * mean / budget_ms,
        stats.underruns.load(Ordering::Relaxed),
        stats.late_blocks.load(Ordering::Relaxed),
    ));
    eprintln!("{line}");
}
