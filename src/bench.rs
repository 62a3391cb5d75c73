//! `phonon bench`: time per block of one or both engines on a patch, measured side by
//! side in one run (the engines' blocks alternate, so a noisy machine slows both
//! alike), with compile times, voices in use and the headroom against the budget.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::interp::Interpreter;
use crate::jit::engine::{JitEngine, JitOptions};
use crate::program::{interp_engine, jit_engine_from_source, BuildError, CompileFailure};
use crate::render::BlockTimes;
use crate::runtime::{Config, Engine, PatternFailure, Runtime};
use crate::samples::SampleBank;

/// Which engines to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engines {
    Jit,
    Interp,
    Both,
}

/// The measurements of one engine.
#[derive(Clone, Debug)]
pub struct EngineReport {
    pub times: BlockTimes,
    /// Text to runnable engine.
    pub compile: Duration,
    /// The time the measured blocks spent starting and mixing voices (timed where
    /// each sound's voices are mixed, `SoundSlot::render`), and the frames of voices
    /// they mixed (a voice sounding for one frame is one).
    pub voice_time: Duration,
    pub voice_frames: u64,
}

impl EngineReport {
    /// The real-time budget (one block's duration) over the 99th-percentile block
    /// time: how many times over the slowest 1% of blocks would fit in real time.
    pub fn headroom_p99(&self) -> f64 {
        ratio(self.times.budget_ms, self.times.p99_ms)
    }

    /// The real-time budget over the mean block time.
    pub fn headroom_mean(&self) -> f64 {
        ratio(self.times.budget_ms, self.times.mean_ms)
    }

    /// Nanoseconds of voice time per voice-frame; `None` when no voice sounded.
    pub fn ns_per_voice_frame(&self) -> Option<f64> {
        (self.voice_frames > 0)
            .then(|| self.voice_time.as_secs_f64() * 1e9 / self.voice_frames as f64)
    }
}

/// `budget / time`, infinite for a time of zero.
fn ratio(budget: f64, time: f64) -> f64 {
    if time > 0.0 {
        budget / time
    } else {
        f64::INFINITY
    }
}

/// Everything `phonon bench` reports.
#[derive(Clone, Debug)]
pub struct BenchReport {
    pub jit: Option<EngineReport>,
    /// The JIT on `threads` threads (when `config.threads` > 1), measured alongside
    /// the single-threaded JIT, block by block.
    pub jit_threads: Option<EngineReport>,
    pub threads: usize,
    /// The measured hand-off of a crew like the runtime's (workers spinning and
    /// napping, the dispatch of empty items, rayon's for comparison), when
    /// `threads` > 1.
    pub handoff: Option<crate::parallel::Handoff>,
    /// The share of the parallel jobs' items the workers ran (the rest ran on the
    /// calling thread), over the measured blocks, when `threads` > 1.
    pub worker_share: Option<f64>,
    /// Whether the blocks were paced as in real time (`Pacing::RealTime`).
    pub paced: bool,
    pub interp: Option<EngineReport>,
    /// Mean voices sounding over the measured blocks.
    pub voices_mean: f64,
    /// Time per voice and frame: the measured engine's (the JIT's when both ran)
    /// time spent in voices divided by the voice-frames it mixed
    /// ([`EngineReport::ns_per_voice_frame`]). `None` without voices.
    pub ns_per_voice_frame: Option<f64>,
    pub blocks: usize,
    pub block: usize,
    pub sample_rate: u32,
    /// Sample files the patch named (their folder) that could not be loaded, with
    /// the reason.
    pub skipped_samples: Vec<(PathBuf, String)>,
}

/// Why a benchmark could not run.
#[derive(Debug)]
pub enum BenchError {
    Compile(CompileFailure),
    /// A pattern's query failed: the patch would not play as written, so its timing
    /// says nothing.
    Pattern(PatternFailure),
}

/// Blocks run before measuring, so that voices and caches reach a steady state.
pub const WARM_UP_BLOCKS: usize = 50;

/// How the measured blocks follow each other.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Pacing {
    /// Each block starts as soon as the previous one is done (the crew's workers stay
    /// awake between blocks): throughput.
    #[default]
    BackToBack,
    /// Each round of blocks (one per engine) starts at its real-time deadline, a
    /// block's duration after the previous round, sleeping in between, as an audio
    /// callback would run: the workers' naps and wake-ups are in the times.
    RealTime,
}

/// Runs `blocks` blocks of `source` through the chosen engines. With more than one
/// thread in `config.threads`, the JIT runs twice, on one thread and on `threads`,
/// their blocks alternating with the interpreter's.
pub fn bench(
    source: &str,
    engines: Engines,
    blocks: usize,
    config: Config,
    bank: Arc<SampleBank>,
) -> Result<BenchReport, BenchError> {
    bench_paced(source, engines, blocks, config, bank, Pacing::BackToBack)
}

/// [`bench()`] with the blocks paced as `pacing` says.
pub fn bench_paced(
    source: &str,
    engines: Engines,
    blocks: usize,
    config: Config,
    bank: Arc<SampleBank>,
    pacing: Pacing,
) -> Result<BenchReport, BenchError> {
    let threads = config.threads.max(1);
    let config = Config {
        threads: 1,
        ..config
    };
    let mut jit: Option<(Runtime<JitEngine>, Duration)> = None;
    let mut jit_threads: Option<(Runtime<JitEngine>, Duration)> = None;
    let mut interp: Option<(Runtime<Interpreter>, Duration)> = None;
    // Each engine is timed from text to a runnable engine; the runtime around it
    // (buffers, voice pools, the crew) is built after.
    fn runtime<E: Engine>(
        engine: E,
        bank: &Arc<SampleBank>,
        config: Config,
    ) -> Result<Runtime<E>, BenchError> {
        Runtime::new(engine, Arc::clone(bank), config)
            .map_err(|e| BenchError::Compile(BuildError::from(e).into()))
    }
    if engines != Engines::Interp {
        let t0 = Instant::now();
        let engine = jit_engine_from_source(source, &config, JitOptions::default())
            .map_err(BenchError::Compile)?;
        let compile = t0.elapsed();
        jit = Some((runtime(engine, &bank, config)?, compile));
        if threads > 1 {
            let t0 = Instant::now();
            let engine = jit_engine_from_source(source, &config, JitOptions::default())
                .map_err(BenchError::Compile)?;
            let compile = t0.elapsed();
            jit_threads = Some((
                runtime(engine, &bank, Config { threads, ..config })?,
                compile,
            ));
        }
    }
    if engines != Engines::Jit {
        let t0 = Instant::now();
        let graph = crate::frontend::compile(source)
            .map_err(|d| BenchError::Compile(CompileFailure::Diagnostics(d)))?;
        let engine = interp_engine(Arc::new(graph), &config);
        let compile = t0.elapsed();
        interp = Some((runtime(engine, &bank, config)?, compile));
    }
    // The first runtime built loaded the patch's samples: its report has the files
    // skipped.
    let skipped_samples = jit
        .iter()
        .chain(&jit_threads)
        .map(|(rt, _)| rt.sample_report())
        .chain(interp.iter().map(|(rt, _)| rt.sample_report()))
        .flat_map(|r| r.skipped.iter().cloned())
        .collect();
    let n = config.block;
    let (mut left, mut right) = (vec![0.0f32; n], vec![0.0f32; n]);
    let mut jit_times = Vec::with_capacity(blocks);
    let mut interp_times = Vec::with_capacity(blocks);
    let mut threads_times = Vec::with_capacity(blocks);
    let mut voices_sum = 0usize;
    let period = Duration::from_secs_f64(n as f64 / f64::from(config.sample_rate.max(1)));
    let t_start = Instant::now();
    let mut crew_start = (0u64, 0u64);
    // Voice-frames mixed before the measured blocks, per runtime (jit, jit on
    // threads, interp).
    let mut frames_start = [0u64; 3];
    for k in 0..WARM_UP_BLOCKS + blocks {
        let measuring = k >= WARM_UP_BLOCKS;
        if k == WARM_UP_BLOCKS {
            if let Some(crew) = jit_threads.as_ref().and_then(|(rt, _)| rt.crew()) {
                crew_start = (crew.items(), crew.worker_items());
            }
            // Every engine's voices are timed alike (the same code runs them).
            if let Some((rt, _)) = jit.as_mut() {
                rt.time_voices(true);
                frames_start[0] = rt.sounds().voice_time().1;
            }
            if let Some((rt, _)) = jit_threads.as_mut() {
                rt.time_voices(true);
                frames_start[1] = rt.sounds().voice_time().1;
            }
            if let Some((rt, _)) = interp.as_mut() {
                rt.time_voices(true);
                frames_start[2] = rt.sounds().voice_time().1;
            }
        }
        if pacing == Pacing::RealTime {
            let deadline = t_start + period * k as u32;
            let now = Instant::now();
            if deadline > now {
                std::thread::sleep(deadline - now);
            }
        }
        if let Some((rt, _)) = jit.as_mut() {
            let d = time_block(rt, &mut left, &mut right)?;
            if measuring {
                jit_times.push(d);
                voices_sum += rt.voices_active();
            }
        }
        if let Some((rt, _)) = jit_threads.as_mut() {
            let d = time_block(rt, &mut left, &mut right)?;
            if measuring {
                threads_times.push(d);
            }
        }
        if let Some((rt, _)) = interp.as_mut() {
            let d = time_block(rt, &mut left, &mut right)?;
            if measuring {
                interp_times.push(d);
                if jit.is_none() {
                    voices_sum += rt.voices_active();
                }
            }
        }
    }
    let sr = config.sample_rate;
    let report = |times: &[Duration], compile: Duration, voices: (Duration, u64), start: u64| {
        EngineReport {
            times: BlockTimes::from_durations(times, n, sr),
            compile,
            voice_time: voices.0,
            voice_frames: voices.1.saturating_sub(start),
        }
    };
    let worker_share = jit_threads
        .as_ref()
        .and_then(|(rt, _)| rt.crew())
        .map(|crew| {
            let items = crew.items() - crew_start.0;
            let worker = crew.worker_items() - crew_start.1;
            worker as f64 / items.max(1) as f64
        });
    let jit = jit.map(|(rt, c)| report(&jit_times, c, rt.sounds().voice_time(), frames_start[0]));
    let jit_threads = jit_threads.map(|(rt, c)| {
        report(&threads_times, c, rt.sounds().voice_time(), frames_start[1])
    });
    let interp = interp.map(|(rt, c)| {
        report(&interp_times, c, rt.sounds().voice_time(), frames_start[2])
    });
    let handoff = crate::parallel::crew(threads).map(|c| crate::parallel::measure_handoff(&c, 200));
    let voices_mean = voices_sum as f64 / blocks.max(1) as f64;
    let measured = jit.as_ref().or(interp.as_ref());
    let ns_per_voice_frame = measured.and_then(EngineReport::ns_per_voice_frame);
    Ok(BenchReport {
        jit,
        jit_threads,
        threads,
        handoff,
        paced: pacing == Pacing::RealTime,
        worker_share,
        interp,
        voices_mean,
        ns_per_voice_frame,
        blocks,
        block: n,
        sample_rate: sr,
        skipped_samples,
    })
}

fn time_block<E: Engine>(
    rt: &mut Runtime<E>,
    left: &mut [f32],
    right: &mut [f32],
) -> Result<Duration, BenchError> {
    let t0 = Instant::now();
    rt.process(left, right);
    let elapsed = t0.elapsed();
    match rt.failures().first() {
        Some(record) => Err(BenchError::Pattern(record.failure)),
        None => Ok(elapsed),
    }
}

impl BenchReport {
    /// One JSON object: `{"patch":..., "blocks":..., "jit":{...},"interp":{...},
    /// "voices_mean":..., "ns_per_voice_frame":...}`; an engine not run is absent.
    /// `patch` names the patch benchmarked. A headroom with no time measured (an
    /// infinite one) is `null`.
    pub fn to_json(&self, patch: &str) -> String {
        let finite = |x: f64| x.is_finite().then_some(x);
        let engine = |r: &EngineReport| {
            serde_json::json!({
                "mean_ms": r.times.mean_ms,
                "p50_ms": r.times.p50_ms,
                "p99_ms": r.times.p99_ms,
                "max_ms": r.times.max_ms,
                "compile_ms": r.compile.as_secs_f64() * 1e3,
                "headroom_p99": finite(r.headroom_p99()),
                "headroom_mean": finite(r.headroom_mean()),
                "voice_ms": r.voice_time.as_secs_f64() * 1e3,
                "voice_frames": r.voice_frames,
                "ns_per_voice_frame": r.ns_per_voice_frame(),
            })
        };
        let mut obj = serde_json::Map::new();
        obj.insert("patch".into(), serde_json::json!(patch));
        obj.insert("blocks".into(), serde_json::json!(self.blocks));
        obj.insert("warm_up_blocks".into(), serde_json::json!(WARM_UP_BLOCKS));
        obj.insert("block".into(), serde_json::json!(self.block));
        obj.insert("sample_rate".into(), serde_json::json!(self.sample_rate));
        obj.insert(
            "budget_ms".into(),
            serde_json::json!(self.block as f64 / f64::from(self.sample_rate.max(1)) * 1e3),
        );
        if let Some(j) = &self.jit {
            obj.insert("jit".into(), engine(j));
        }
        if let Some(i) = &self.interp {
            obj.insert("interp".into(), engine(i));
        }
        if let Some(t) = &self.jit_threads {
            obj.insert("jit_threads".into(), engine(t));
            obj.insert("threads".into(), serde_json::json!(self.threads));
        }
        if let Some(h) = self.handoff {
            let us = |d: Duration| d.as_secs_f64() * 1e6;
            obj.insert(
                "handoff_us".into(),
                serde_json::json!({
                    "awake": us(h.awake),
                    "napping": us(h.napping),
                    "empty_job": us(h.empty),
                    "rayon_scope": us(h.rayon),
                }),
            );
        }
        obj.insert("paced".into(), serde_json::json!(self.paced));
        if let Some(share) = self.worker_share {
            obj.insert("worker_share".into(), serde_json::json!(share));
        }
        obj.insert("voices_mean".into(), serde_json::json!(self.voices_mean));
        obj.insert(
            "ns_per_voice_frame".into(),
            serde_json::json!(self.ns_per_voice_frame),
        );
        serde_json::Value::Object(obj).to_string()
    }

    /// The human report.
    pub fn summary(&self) -> String {
        let mut out = format!(
            "{} blocks of {} frames at {} Hz (after {} warm-up blocks{}); budget {:.2} ms per block\n",
            self.blocks,
            self.block,
            self.sample_rate,
            WARM_UP_BLOCKS,
            if self.paced {
                ", paced as in real time"
            } else {
                ", back to back"
            },
            self.block as f64 / f64::from(self.sample_rate.max(1)) * 1e3
        );
        out.push_str(
            "(headroom: the budget, one block's duration, divided by a block's time; at p99 it is what the slowest 1% of blocks leave, which decides whether playback keeps up)\n",
        );
        let threaded = format!("jit×{}", self.threads);
        for (name, r) in [
            ("jit", &self.jit),
            (threaded.as_str(), &self.jit_threads),
            ("interp", &self.interp),
        ] {
            if let Some(r) = r {
                out.push_str(&format!(
                    "{name:<7} mean {:.4} ms  p50 {:.4}  p99 {:.4}  max {:.4}  compile {:.2} ms\n{:<7} headroom at p99: {:.1}x the real-time budget; at the mean: {:.1}x\n",
                    r.times.mean_ms,
                    r.times.p50_ms,
                    r.times.p99_ms,
                    r.times.max_ms,
                    r.compile.as_secs_f64() * 1e3,
                    "",
                    r.headroom_p99(),
                    r.headroom_mean()
                ));
            }
        }
        if let (Some(j), Some(i)) = (&self.jit, &self.interp) {
            out.push_str(&format!(
                "jit is {:.2}x the interpreter's speed (mean), {:.2}x at p99\n",
                i.times.mean_ms / j.times.mean_ms.max(1e-9),
                i.times.p99_ms / j.times.p99_ms.max(1e-9)
            ));
        }
        if let (Some(j), Some(t)) = (&self.jit, &self.jit_threads) {
            out.push_str(&format!(
                "jit on {} threads is {:.2}x the one-thread jit (mean), {:.2}x at p99, {:.2}x at max\n",
                self.threads,
                j.times.mean_ms / t.times.mean_ms.max(1e-9),
                j.times.p99_ms / t.times.p99_ms.max(1e-9),
                j.times.max_ms / t.times.max_ms.max(1e-9)
            ));
        }
        if let Some(share) = self.worker_share {
            out.push_str(&format!(
                "items of parallel stages and queries run by the workers: {:.1}%\n",
                share * 100.0
            ));
        }
        if let Some(h) = self.handoff {
            let us = |d: Duration| d.as_secs_f64() * 1e6;
            out.push_str(&format!(
                "hand-off measured here (median): a second thread at work {:.2} µs after publishing (workers spinning), {:.1} µs (napping); a job of two empty items {:.2} µs; rayon's scope+spawn {:.1} µs (asleep); the cost model assumes {:.0} µs\n",
                us(h.awake),
                us(h.napping),
                us(h.empty),
                us(h.rayon),
                crate::parallel::HANDOFF_NS / 1000.0
            ));
        }
        let measured = self
            .jit
            .as_ref()
            .map(|r| ("jit", r))
            .or(self.interp.as_ref().map(|r| ("interp", r)));
        match (self.ns_per_voice_frame, measured) {
            (Some(ns), Some((name, r))) => {
                let per_block = r.voice_time.as_secs_f64() * 1e3 / self.blocks.max(1) as f64;
                out.push_str(&format!(
                    "voices in use: {:.1} on average; {ns:.3} ns per voice-frame (the {name}'s time in voices, {per_block:.4} ms per block, {:.1}% of its mean block, over {} voice-frames)\n",
                    self.voices_mean,
                    100.0 * per_block / r.times.mean_ms.max(1e-12),
                    r.voice_frames
                ));
            }
            _ => out.push_str("voices in use: none\n"),
        }
        out
    }
}
