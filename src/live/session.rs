//! A live session, as `phonon jit patch.ph` runs it: the first program compiled and
//! queued, the query thread started, the sink started (the null clock or the sound
//! card), the compile thread started, then the control loop on the calling thread:
//! watching the patch file, reading each saved version (through the one bounded
//! reader, `frontend::read_patch`) and handing it to the compile thread, sending
//! what compiles to play, freeing retired programs, and passing on what the other
//! threads report, with the status about ten times a second even while a version
//! compiles. What is printed is the caller's:
//! everything worth saying arrives as an [`Event`].

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use super::compiler::Worker;
use super::{pipeline, LiveProgram, Pipeline, Player, Previous, Stats};
use crate::frontend::read_patch;
use crate::program::CompileFailure;
use crate::runtime::Config;
use crate::samples::SampleBank;

/// Where the audio goes.
pub enum Sink {
    /// No sound card: the same real-time loop against a clock, on a thread of its own.
    Null,
    /// A sound card (opened by the caller, who needed its sample rate for the bank
    /// and the configuration).
    #[cfg(feature = "audio")]
    Device(super::sink::device::Device),
}

/// What a session plays and how.
pub struct SessionOptions {
    /// The patch file, watched for saves.
    pub patch: PathBuf,
    /// Its first version (already read by the caller).
    pub source: String,
    pub sink: Sink,
    /// Sample rate (the device's, with a sound card), block and threads.
    pub config: Config,
    pub bank: Arc<SampleBank>,
    /// Stop after this many seconds, or else cycles of the first program; without
    /// either, when `stop` is set.
    pub seconds: Option<f64>,
    pub cycles: Option<f64>,
    /// Set by anyone (a Ctrl-C handler) to end the session.
    pub stop: Arc<AtomicBool>,
}

/// What happened, for the caller to say.
pub enum Event<'a> {
    /// The first version compiled; it is about to play.
    Playing { compile_ms: f64 },
    /// A saved version compiled and was sent to play.
    Reloaded { version: u64, compile_ms: f64 },
    /// A version did not compile (`source`): the previous one plays on. `summary` is
    /// the first error with its file, line and column (also what the status shows).
    Failed {
        source: &'a str,
        failure: &'a CompileFailure,
        summary: &'a str,
    },
    /// The version just played or reloaded (`source`) has warnings: it plays all
    /// the same.
    Warnings {
        source: &'a str,
        diagnostics: &'a [crate::diag::Diagnostic],
    },
    /// The sound card about to play.
    #[cfg(feature = "audio")]
    Device { name: &'a str, rate: u32 },
    /// An error that does not end the session by itself (a pattern that failed on
    /// the query thread, a sink that could not start, which stops it).
    Error(&'a str),
    /// An event asked for a sample the bank does not have (said once per name).
    UnknownSample(&'a str),
    /// A save could not be read (deleted, a directory, a symbolic link loop, not
    /// UTF-8, too large): the message names the file and the reason; the previous
    /// version plays on. Said once until the file can be read again.
    Unreadable(&'a str),
    /// A sample file a version names (its folder) could not be loaded: said by the
    /// version that loaded the folder, so once.
    SkippedSample { file: &'a Path, why: &'a str },
    /// The patch cannot be watched: saves will not reload.
    WatchFailed(&'a str),
    /// About ten times a second: for a status line.
    Status {
        stats: &'a Stats,
        error: Option<&'a str>,
    },
}

/// How a session ended.
pub struct SessionEnd {
    pub stats: Arc<Stats>,
    /// The player, back from the null sink's thread (its block times).
    pub player: Option<Player>,
    pub reloads: u32,
    /// Whether any version compiled.
    pub played: bool,
    /// The error standing at the end, if any.
    pub error: Option<String>,
}

/// Why a session could not run at all.
#[derive(Debug)]
pub enum SessionError {
    QueryThread(std::io::Error),
    CompileThread(std::io::Error),
}

impl std::fmt::Display for SessionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SessionError::QueryThread(e) => write!(f, "cannot start the query thread: {e}"),
            SessionError::CompileThread(e) => write!(f, "cannot start the compile thread: {e}"),
        }
    }
}

impl std::error::Error for SessionError {}

/// What the query thread tells the control thread.
#[derive(Default)]
struct QueryReport {
    error: Option<crate::runtime::PatternFailure>,
    unknown: Vec<String>,
}

/// Runs a session until its length is played, `stop` is set or the sink ends;
/// `on` hears of everything on the calling thread.
pub fn run(
    options: SessionOptions,
    on: &mut dyn FnMut(Event<'_>),
) -> Result<SessionEnd, SessionError> {
    let SessionOptions {
        patch,
        source,
        sink,
        config,
        bank,
        seconds,
        cycles,
        stop,
    } = options;
    let name = patch.display().to_string();
    let rate = config.sample_rate;
    let Pipeline {
        mut scheduler,
        mut player,
        mut retired,
    } = pipeline(config.block, rate, bank.clone());
    // The master stage after the crossfade: its look-ahead delays what is heard.
    player.set_master(rate, config.limit);
    let stats = player.stats().clone();

    // The first program (a broken file plays silence until it is fixed), compiled
    // here; the later versions on the compile thread.
    let mut previous: Option<Previous> = None;
    let mut last_source = source.clone();
    // The text of the version playing, for the positions of its failures.
    let mut playing_source = source.clone();
    let mut error: Option<String> = None;
    let mut cps = None;
    match build(&source, &config, &bank, None, 0.0) {
        Ok((program, prev)) => {
            skipped_samples(&program, on);
            cps = Some(program.runtime.graph().cps);
            on(Event::Playing {
                compile_ms: program.compile_ms,
            });
            warnings(&source, &program, on);
            scheduler.submit(Box::new(program));
            previous = Some(prev);
        }
        Err(failure) => error = Some(failed(&name, &source, &failure, on)),
    }
    let mut played = previous.is_some();
    let limit = match (seconds, cycles) {
        (Some(s), _) => Some((s * f64::from(rate)).round() as u64),
        (None, Some(c)) => Some((c / cps.unwrap_or(1.0) * f64::from(rate)).round() as u64),
        _ => None,
    };

    // The first blocks' events, queried before the sound starts.
    scheduler.pump();

    // The query thread.
    let (program_tx, program_rx) = mpsc::channel::<Box<LiveProgram>>();
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
            .map_err(SessionError::QueryThread)?
    };

    // The sink.
    let sink_done = Arc::new(AtomicBool::new(false));
    #[cfg(feature = "audio")]
    let mut _stream = None;
    let on_device = !matches!(sink, Sink::Null);
    let null_thread = match sink {
        Sink::Null => {
            let stopped = stop.clone();
            let done = sink_done.clone();
            let block = config.block;
            let thread = std::thread::Builder::new()
                .name("phonon-audio".into())
                .spawn(move || {
                    let p = super::sink::run_null(player, rate, block, &stopped, limit);
                    done.store(true, Ordering::Relaxed);
                    p
                })
                .ok();
            if thread.is_none() {
                on(Event::Error("cannot start the audio thread"));
                stop.store(true, Ordering::Relaxed);
            }
            thread
        }
        #[cfg(feature = "audio")]
        Sink::Device(device) => {
            on(Event::Device {
                name: &device.name(),
                rate,
            });
            match device.play(player) {
                Ok(s) => _stream = Some(s),
                Err(e) => {
                    on(Event::Error(&e));
                    stop.store(true, Ordering::Relaxed);
                }
            }
            None
        }
    };

    // Watching the file: its folder, since editors often save by renaming a new file
    // over the old one.
    let (watch_tx, watch_rx) = mpsc::channel();
    let watcher = watch(&patch, watch_tx);
    if let Err(e) = &watcher {
        on(Event::WatchFailed(&e.to_string()));
    }

    // The compile thread: the status goes on while a version compiles. A version is
    // tried through the cycles where it would start (where playback is when its
    // compile starts) before it is sent.
    let compiler = {
        let bank = bank.clone();
        let stats = stats.clone();
        Worker::spawn("phonon-compile", move |source: String| {
            let at_cycle = f64::from_bits(stats.cycle_bits.load(Ordering::Relaxed));
            let result = build(&source, &config, &bank, previous.as_ref(), at_cycle).map(
                |(program, prev)| {
                    previous = Some(prev);
                    program
                },
            );
            (source, result)
        })
        .map_err(SessionError::CompileThread)?
    };

    let started = Instant::now();
    let mut reloads = 0u32;
    // Why the patch could not be read at the last save, said once until it can be.
    let mut unreadable: Option<String> = None;
    let mut shown_unknown = 0;
    let mut status_due = Instant::now();
    while !stop.load(Ordering::Relaxed) && !sink_done.load(Ordering::Relaxed) {
        if let Some(frames) = limit {
            // The null sink stops itself at the limit; a sound card is timed here.
            if on_device && started.elapsed().as_secs_f64() * f64::from(rate) >= frames as f64 {
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
            match read_patch(&patch) {
                Ok(text) => {
                    unreadable = None;
                    if text != last_source {
                        compiler.submit(text.clone());
                        last_source = text;
                    }
                }
                Err(e) => {
                    if unreadable.as_ref() != Some(&e) {
                        on(Event::Unreadable(&e));
                        unreadable = Some(e);
                    }
                }
            }
        }
        while let Some((text, result)) = compiler.try_result() {
            match result {
                Ok(program) => {
                    reloads += 1;
                    played = true;
                    skipped_samples(&program, on);
                    on(Event::Reloaded {
                        version: program.version,
                        compile_ms: program.compile_ms,
                    });
                    warnings(&text, &program, on);
                    let _ = program_tx.send(Box::new(program));
                    playing_source = text;
                    error = None;
                }
                Err(failure) => error = Some(failed(&name, &text, &failure, on)),
            }
        }
        // Programs the audio thread is done with are freed here.
        while let Ok(old) = retired.pop() {
            drop(old);
        }
        if let Ok(mut r) = report.lock() {
            // A pattern that fails fails on every block: say it once.
            let failed = r.error.take();
            let failed = failed.map(|f| failure_summary(&name, &playing_source, &f));
            if let Some(e) = failed.filter(|e| error.as_ref() != Some(e)) {
                on(Event::Error(&e));
                error = Some(e);
            }
            if r.unknown.len() > shown_unknown {
                for n in &r.unknown[shown_unknown..] {
                    on(Event::UnknownSample(n));
                }
                shown_unknown = r.unknown.len();
            }
        }
        if Instant::now() >= status_due {
            status_due = Instant::now() + Duration::from_millis(100);
            on(Event::Status {
                stats: &stats,
                error: unreadable.as_deref().or(error.as_deref()),
            });
        }
    }
    stop.store(true, Ordering::Relaxed);
    drop(watcher);
    drop(compiler);
    #[cfg(feature = "audio")]
    drop(_stream);
    let player = null_thread.and_then(|t| t.join().ok());
    let _ = query_thread.join();
    while let Ok(old) = retired.pop() {
        drop(old);
    }
    Ok(SessionEnd {
        stats,
        player,
        reloads,
        played,
        error,
    })
}

/// Builds a version of the patch and tries it through the cycles from `at_cycle`
/// where it would start playing ([`LiveProgram::preflight`]).
fn build(
    source: &str,
    config: &Config,
    bank: &Arc<SampleBank>,
    previous: Option<&Previous>,
    at_cycle: f64,
) -> Result<(LiveProgram, Previous), CompileFailure> {
    LiveProgram::build(source, config, bank.clone(), previous)
        .and_then(|(program, prev)| program.preflight(at_cycle).map(|()| (program, prev)))
}

/// Tells `on` of a version's warnings, if it has any.
fn warnings(source: &str, program: &LiveProgram, on: &mut dyn FnMut(Event<'_>)) {
    if !program.warnings.is_empty() {
        on(Event::Warnings {
            source,
            diagnostics: &program.warnings,
        });
    }
}

/// Tells `on` of the sample files a version's folders could not load.
fn skipped_samples(program: &LiveProgram, on: &mut dyn FnMut(Event<'_>)) {
    for (file, why) in &program.runtime.sample_report().skipped {
        on(Event::SkippedSample { file, why });
    }
}

/// A pattern's failed query as `file:line:col: message` (the position of the pattern
/// in `source`, the version that plays it).
fn failure_summary(name: &str, source: &str, failure: &crate::runtime::PatternFailure) -> String {
    match failure.span {
        Some(span) => {
            let (line, col) = crate::diag::line_col(source, span.start);
            format!("{name}:{line}:{col}: {failure}; it is silent where it fails")
        }
        None => format!("{name}: {failure}; it is silent where it fails"),
    }
}

/// Tells `on` that a version failed to compile; returns the first error's summary
/// (with its line and column) for the status line.
fn failed(
    name: &str,
    source: &str,
    failure: &CompileFailure,
    on: &mut dyn FnMut(Event<'_>),
) -> String {
    let summary = summary(name, source, failure);
    on(Event::Failed {
        source,
        failure,
        summary: &summary,
    });
    summary
}

/// The first error of a failed version, as `file:line:col: message` (or the build's
/// error after the file's name).
pub fn summary(name: &str, source: &str, failure: &CompileFailure) -> String {
    match failure {
        CompileFailure::Diagnostics(d) => {
            let first = d.iter().find(|x| x.is_error()).or(d.first());
            first.map_or_else(
                || "the patch does not compile".to_string(),
                |x| {
                    let (line, col) = crate::diag::line_col(source, x.span.start);
                    format!("{name}:{line}:{col}: {}", x.message)
                },
            )
        }
        CompileFailure::Build(e) => format!("{name}: {e}"),
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
            // A removal too: a deleted patch is said, not passed over in silence.
            if ours && (ev.kind.is_modify() || ev.kind.is_create() || ev.kind.is_remove()) {
                let _ = tx.send(());
            }
        }
    })?;
    watcher.watch(&dir, notify::RecursiveMode::NonRecursive)?;
    Ok(watcher)
}
