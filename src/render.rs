//! Offline rendering: run a graph block by block into a sink (a WAV file, a vector),
//! timing every block against the real-time budget.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::ir::Graph;
use crate::jit::engine::JitOptions;
use crate::program::BuildError;
use crate::runtime::master::{Master, MasterStats};
use crate::runtime::{Config, Engine, FailureRecord, NonFinite, Runtime};
use crate::samples::SampleBank;

/// The longest render, in seconds (24 hours), whether it is asked for in seconds
/// (`--duration`) or in cycles (`--cycles`, at the patch's tempo).
pub const MAX_RENDER_SECONDS: f64 = 86_400.0;

/// The largest WAV file written, in bytes: a RIFF file's sizes are 32-bit, so past
/// 4 GiB they would wrap. `WAV_HEADER_BYTES` of it are the header.
pub const MAX_WAV_BYTES: u64 = u32::MAX as u64;

/// An upper bound on the header hound writes (RIFF, an extensible `fmt ` chunk and
/// the `data` chunk's header).
pub const WAV_HEADER_BYTES: u64 = 68;

/// How much to render.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Length {
    Seconds(f64),
    Cycles(f64),
}

impl Length {
    /// The length in seconds for a patch at `cps` (infinite for a tempo of 0).
    pub fn seconds(self, cps: f64) -> f64 {
        match self {
            Length::Seconds(s) => s,
            Length::Cycles(c) => c / cps,
        }
    }

    /// The length in seconds, or why it is past [`MAX_RENDER_SECONDS`].
    pub fn check(self, cps: f64) -> Result<f64, String> {
        let seconds = self.seconds(cps);
        if seconds.is_finite() && seconds <= MAX_RENDER_SECONDS {
            return Ok(seconds);
        }
        let asked = match self {
            Length::Seconds(s) => format!("{s} s"),
            Length::Cycles(c) => format!("{c} cycles at {cps} cycles per second are {seconds:.0} s"),
        };
        Err(format!(
            "the render is too long: {asked}, past the limit of {MAX_RENDER_SECONDS} s (24 hours); ask for fewer cycles or seconds"
        ))
    }

    /// The number of frames at `sample_rate` for a patch at `cps`.
    pub fn frames(self, cps: f64, sample_rate: u32) -> u64 {
        let seconds = self.seconds(cps);
        let frames = (seconds * f64::from(sample_rate)).round();
        if frames.is_finite() && frames > 0.0 {
            frames.min(u64::MAX as f64 / 2.0) as u64
        } else {
            0
        }
    }
}

/// Sample format of the WAV file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SampleFormat {
    Float32,
    Int16,
}

impl SampleFormat {
    /// Bytes per sample in the file.
    pub fn bytes(self) -> u64 {
        match self {
            SampleFormat::Float32 => 4,
            SampleFormat::Int16 => 2,
        }
    }
}

/// The size of a stereo WAV file of `frames` frames: header, then frames × 2
/// channels × bytes per sample.
pub fn wav_bytes(frames: u64, format: SampleFormat) -> u64 {
    frames
        .saturating_mul(2 * format.bytes())
        .saturating_add(WAV_HEADER_BYTES)
}

/// Refuses a WAV file past [`MAX_WAV_BYTES`], before anything is written.
pub fn check_wav_size(frames: u64, format: SampleFormat) -> Result<u64, String> {
    let bytes = wav_bytes(frames, format);
    if bytes <= MAX_WAV_BYTES {
        return Ok(bytes);
    }
    let gib = |b: u64| b as f64 / f64::from(1u32 << 30);
    let hint = match format {
        SampleFormat::Float32 => "; render fewer cycles or seconds, at a lower --rate, or with --bits 16",
        SampleFormat::Int16 => "; render fewer cycles or seconds, or at a lower --rate",
    };
    Err(format!(
        "the WAV file would be {bytes} bytes ({:.2} GiB: {frames} frames × 2 channels × {} bytes), past the limit of {MAX_WAV_BYTES} bytes (4 GiB) that a RIFF WAV file can hold{hint}",
        gib(bytes),
        format.bytes()
    ))
}

/// Block times of a run, in milliseconds.
#[derive(Clone, Debug, PartialEq)]
pub struct BlockTimes {
    pub blocks: usize,
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// The time one block lasts when played: the real-time budget.
    pub budget_ms: f64,
}

impl BlockTimes {
    /// Summarises per-block durations (any order).
    pub fn from_durations(durations: &[Duration], block: usize, sample_rate: u32) -> BlockTimes {
        let mut ms: Vec<f64> = durations.iter().map(|d| d.as_secs_f64() * 1e3).collect();
        ms.sort_by(f64::total_cmp);
        let pick = |q: f64| -> f64 {
            if ms.is_empty() {
                return 0.0;
            }
            // Nearest-rank percentile.
            let rank = (q * ms.len() as f64).ceil() as usize;
            ms[rank.clamp(1, ms.len()) - 1]
        };
        let mean = if ms.is_empty() {
            0.0
        } else {
            ms.iter().sum::<f64>() / ms.len() as f64
        };
        BlockTimes {
            blocks: ms.len(),
            mean_ms: mean,
            p50_ms: pick(0.5),
            p99_ms: pick(0.99),
            max_ms: ms.last().copied().unwrap_or(0.0),
            budget_ms: block as f64 / f64::from(sample_rate) * 1e3,
        }
    }

    /// Summarises the blocks a [`BlockTimer`] recorded.
    pub fn from_timer(timer: &BlockTimer, block: usize, sample_rate: u32) -> BlockTimes {
        if timer.count <= timer.exact.len() as u64 {
            return BlockTimes::from_durations(&timer.exact, block, sample_rate);
        }
        let ms = |ns: f64| ns / 1e6;
        BlockTimes {
            blocks: timer.count as usize,
            mean_ms: ms(timer.sum_ns as f64 / timer.count as f64),
            p50_ms: ms(timer.percentile_ns(0.5)),
            p99_ms: ms(timer.percentile_ns(0.99)),
            max_ms: Duration::from_nanos(timer.max_ns).as_secs_f64() * 1e3,
            budget_ms: block as f64 / f64::from(sample_rate) * 1e3,
        }
    }

    /// The human summary `phonon render` prints.
    pub fn summary(&self) -> String {
        let pct = |x: f64| {
            if self.budget_ms > 0.0 {
                100.0 * x / self.budget_ms
            } else {
                0.0
            }
        };
        format!(
            "{} blocks; time per block: mean {:.3} ms, p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms\n\
             real-time budget {:.2} ms per block: mean load {:.1}%, p99 {:.1}%, max {:.1}%",
            self.blocks,
            self.mean_ms,
            self.p50_ms,
            self.p99_ms,
            self.max_ms,
            self.budget_ms,
            pct(self.mean_ms),
            pct(self.p99_ms),
            pct(self.max_ms)
        )
    }
}

/// Block durations kept exactly, one by one, up to this many blocks; past it, the
/// percentiles come from [`BlockTimer`]'s histogram.
pub const EXACT_BLOCK_TIMES: usize = 1 << 16;

/// Histogram buckets per octave of nanoseconds: a percentile read from the histogram
/// is within 2^(1/64) - 1 (1.1%) of the true one.
const BUCKETS_PER_OCTAVE: usize = 32;
const BUCKETS: usize = 64 * BUCKETS_PER_OCTAVE;

/// Per-block durations in bounded memory, whatever the number of blocks: the first
/// [`EXACT_BLOCK_TIMES`] durations exactly, and every duration in a histogram of
/// logarithmic buckets (32 per octave, 16 KiB). Up to [`EXACT_BLOCK_TIMES`] blocks
/// the summary is exact; past it, the count, mean and maximum stay exact and p50 and
/// p99 are read from the histogram, within 1.1%.
#[derive(Clone, Debug)]
pub struct BlockTimer {
    exact: Vec<Duration>,
    histogram: Box<[u64]>,
    count: u64,
    sum_ns: u128,
    max_ns: u64,
}

impl Default for BlockTimer {
    fn default() -> Self {
        BlockTimer::new()
    }
}

impl BlockTimer {
    pub fn new() -> BlockTimer {
        BlockTimer {
            exact: Vec::new(),
            histogram: vec![0; BUCKETS].into_boxed_slice(),
            count: 0,
            sum_ns: 0,
            max_ns: 0,
        }
    }

    /// Records one block's duration.
    pub fn record(&mut self, d: Duration) {
        if self.exact.len() < EXACT_BLOCK_TIMES {
            self.exact.push(d);
        }
        let ns = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.count += 1;
        self.sum_ns += u128::from(ns);
        self.max_ns = self.max_ns.max(ns);
        self.histogram[bucket(ns)] += 1;
    }

    /// The number of blocks recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The bytes this timer holds, at most: the exact durations and the histogram.
    pub fn capacity_bytes(&self) -> usize {
        self.exact.capacity() * std::mem::size_of::<Duration>()
            + self.histogram.len() * std::mem::size_of::<u64>()
    }

    /// The nearest-rank percentile `q` from the histogram: the geometric middle of
    /// its bucket, at most the maximum.
    fn percentile_ns(&self, q: f64) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        let rank = ((q * self.count as f64).ceil() as u64).clamp(1, self.count);
        let mut seen = 0;
        for (i, &n) in self.histogram.iter().enumerate() {
            seen += n;
            if seen >= rank {
                if i == 0 {
                    return 0.0;
                }
                let mid = 2f64.powf((i as f64 + 0.5) / BUCKETS_PER_OCTAVE as f64);
                return mid.min(self.max_ns as f64);
            }
        }
        self.max_ns as f64
    }
}

/// The histogram bucket of `ns` nanoseconds: 0 for 0, else floor(32 × log2(ns)).
fn bucket(ns: u64) -> usize {
    if ns == 0 {
        return 0;
    }
    let i = ((ns as f64).log2() * BUCKETS_PER_OCTAVE as f64).floor() as usize;
    i.clamp(1, BUCKETS - 1)
}

/// What a render reports besides the audio.
#[derive(Clone, Debug)]
pub struct RenderReport {
    pub frames: u64,
    pub times: BlockTimes,
    /// Sample names that events asked for and the bank does not have.
    pub unknown_samples: Vec<String>,
    /// Sample files the patch named (their folder) that could not be loaded, with
    /// the reason.
    pub skipped_samples: Vec<(PathBuf, String)>,
    /// The first non-finite value the master guard caught, and how many samples it
    /// replaced with silence.
    pub nonfinite: Option<(NonFinite, u64)>,
    /// The patterns whose queries failed (silent in the blocks they failed in; the
    /// other outputs played on).
    pub failures: Vec<FailureRecord>,
    /// The most voices sounding at the end of any block.
    pub peak_voices: usize,
    /// What the master stage measured (peaks, limiting, samples past full scale).
    pub master: MasterStats,
}

impl RenderReport {
    /// The levels `phonon render` prints: the master sum's true peak, the output's,
    /// how much and how long the limiter worked, and the samples past full scale (a
    /// 16-bit file clips them).
    pub fn level_summary(&self) -> String {
        self.master.summary()
    }
}

/// Where rendered blocks go: the left and the right channel of each block.
pub type Sink<'a> = &'a mut dyn FnMut(&[f32], &[f32]) -> io::Result<()>;

/// Which engine renders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineKind {
    /// The Cranelift JIT, after the optimising passes.
    Jit,
    /// The reference interpreter, on the graph as lowered.
    Interp,
}

/// Renders `frames` frames of `graph` into `sink`, one block at a time (`sink` gets
/// the left and right channel of each block). `progress` is told the frames done.
pub fn render(
    graph: Arc<Graph>,
    bank: Arc<SampleBank>,
    config: Config,
    engine: EngineKind,
    frames: u64,
    sink: Sink<'_>,
    progress: &mut dyn FnMut(u64),
) -> Result<RenderReport, RenderError> {
    match engine {
        EngineKind::Jit => {
            let rt = Runtime::jit(&graph, &config, JitOptions::default(), bank)
                .map_err(RenderError::Build)?;
            // The lowered graph is not needed while rendering the plan's.
            drop(graph);
            run(rt, frames, sink, progress)
        }
        EngineKind::Interp => {
            let rt = Runtime::interp(graph, &config, bank).map_err(RenderError::Build)?;
            run(rt, frames, sink, progress)
        }
    }
}

fn run<E: Engine>(
    mut rt: Runtime<E>,
    frames: u64,
    sink: Sink<'_>,
    progress: &mut dyn FnMut(u64),
) -> Result<RenderReport, RenderError> {
    let config = rt.config();
    let block = config.block;
    let mut left = vec![0.0f32; block];
    let mut right = vec![0.0f32; block];
    let mut timer = BlockTimer::new();
    let mut done = 0u64;
    let mut peak_voices = 0;
    // The master stage delays by its look-ahead: the runtime runs that many frames
    // ahead, the first ones out of the stage are dropped, so the file lines up with
    // the patch's time and its last frames are the patch's, not a cut.
    let mut master = Master::new(config.sample_rate, config.limit);
    master.set_engaged(rt.graph().limit);
    let mut skip = master.latency() as u64;
    let total = frames.saturating_add(skip);
    let mut ran = 0u64;
    while ran < total {
        let n = (total - ran).min(block as u64) as usize;
        let t0 = Instant::now();
        rt.process(&mut left[..n], &mut right[..n]);
        master.process(&mut left[..n], &mut right[..n]);
        timer.record(t0.elapsed());
        peak_voices = peak_voices.max(rt.voices_active());
        ran += n as u64;
        let drop = skip.min(n as u64) as usize;
        skip -= drop as u64;
        if drop < n {
            sink(&left[drop..n], &right[drop..n]).map_err(RenderError::Io)?;
            done += (n - drop) as u64;
            progress(done);
        }
    }
    master.finish();
    Ok(RenderReport {
        frames: done,
        times: BlockTimes::from_timer(&timer, block, config.sample_rate),
        unknown_samples: rt.sounds().unknown_names().map(String::from).collect(),
        skipped_samples: rt.sample_report().skipped.clone(),
        nonfinite: rt.nonfinite(),
        failures: rt.failures().to_vec(),
        peak_voices,
        master: master.stats(),
    })
}

/// Why a render stopped.
#[derive(Debug)]
pub enum RenderError {
    /// The engine or the runtime could not be built (the JIT failed).
    Build(BuildError),
    Io(io::Error),
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenderError::Build(e) => write!(f, "{e}"),
            RenderError::Io(e) => write!(f, "cannot write the output: {e}"),
        }
    }
}

/// A stereo WAV writer for [`render`]'s sink: to a file, or streamed to a writer
/// that cannot seek (standard output, `-o -`).
pub struct WavSink {
    target: Target,
    format: SampleFormat,
}

enum Target {
    File(hound::WavWriter<io::BufWriter<std::fs::File>>),
    /// A stream whose header was written with its final sizes: `frames_left` more
    /// frames are owed to it.
    Stream {
        out: Box<dyn io::Write>,
        frames_left: u64,
    },
}

impl WavSink {
    pub fn create(path: &Path, sample_rate: u32, format: SampleFormat) -> io::Result<WavSink> {
        let writer = hound::WavWriter::create(path, wav_spec(sample_rate, format)).map_err(hound_to_io)?;
        Ok(WavSink {
            target: Target::File(writer),
            format,
        })
    }

    /// A sink that streams exactly `frames` frames to `out`. A WAV header holds the
    /// sizes of what follows, which a file writer fills in at the end by seeking
    /// back; a stream cannot seek, so the header is written first with the sizes
    /// of a render whose length is known before it starts. Refused when those sizes
    /// do not fit a RIFF header ([`check_wav_size`]).
    pub fn stream(
        mut out: Box<dyn io::Write>,
        sample_rate: u32,
        format: SampleFormat,
        frames: u64,
    ) -> io::Result<WavSink> {
        check_wav_size(frames, format).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let data_bytes = frames * 2 * format.bytes();
        let header = stream_header(sample_rate, format, data_bytes)?;
        out.write_all(&header)?;
        Ok(WavSink {
            target: Target::Stream {
                out,
                frames_left: frames,
            },
            format,
        })
    }

    /// Appends one block (interleaving the channels).
    pub fn write(&mut self, left: &[f32], right: &[f32]) -> io::Result<()> {
        match &mut self.target {
            Target::File(writer) => {
                for (l, r) in left.iter().zip(right) {
                    for x in [*l, *r] {
                        match self.format {
                            SampleFormat::Float32 => writer.write_sample(x),
                            SampleFormat::Int16 => writer.write_sample(to_i16(x)),
                        }
                        .map_err(hound_to_io)?;
                    }
                }
                Ok(())
            }
            Target::Stream { out, frames_left } => {
                let frames = left.len().min(right.len()) as u64;
                if frames > *frames_left {
                    return Err(io::Error::other(
                        "more frames than the stream's header announced",
                    ));
                }
                *frames_left -= frames;
                // `out` buffers: each sample goes to it as hound writes it to a file.
                for (l, r) in left.iter().zip(right) {
                    for x in [*l, *r] {
                        match self.format {
                            SampleFormat::Float32 => out.write_all(&x.to_le_bytes()),
                            SampleFormat::Int16 => out.write_all(&to_i16(x).to_le_bytes()),
                        }?;
                    }
                }
                Ok(())
            }
        }
    }

    pub fn finish(self) -> io::Result<()> {
        match self.target {
            Target::File(writer) => writer.finalize().map_err(hound_to_io),
            Target::Stream {
                mut out,
                frames_left,
            } => {
                out.flush()?;
                if frames_left == 0 {
                    Ok(())
                } else {
                    Err(io::Error::other(format!(
                        "the stream ended {frames_left} frames short of its header"
                    )))
                }
            }
        }
    }
}

fn wav_spec(sample_rate: u32, format: SampleFormat) -> hound::WavSpec {
    hound::WavSpec {
        channels: 2,
        sample_rate,
        bits_per_sample: match format {
            SampleFormat::Float32 => 32,
            SampleFormat::Int16 => 16,
        },
        sample_format: match format {
            SampleFormat::Float32 => hound::SampleFormat::Float,
            SampleFormat::Int16 => hound::SampleFormat::Int,
        },
    }
}

/// The header hound writes for this format, with the sizes of `data_bytes` of
/// samples: hound writes the header of an empty file (its `data` chunk last, and no
/// other chunk that counts samples), and the two sizes are set here, the RIFF
/// chunk's at byte 4 and the `data` chunk's in the header's last four bytes.
fn stream_header(sample_rate: u32, format: SampleFormat, data_bytes: u64) -> io::Result<Vec<u8>> {
    let mut cursor = io::Cursor::new(Vec::new());
    hound::WavWriter::new(&mut cursor, wav_spec(sample_rate, format))
        .and_then(hound::WavWriter::finalize)
        .map_err(hound_to_io)?;
    let mut header = cursor.into_inner();
    let n = header.len();
    let (Ok(data), Ok(riff)) = (
        u32::try_from(data_bytes),
        u32::try_from(data_bytes + n as u64 - 8),
    ) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the render is too large for a WAV header",
        ));
    };
    if n < 12 || header.get(n - 8..n - 4) != Some(b"data".as_slice()) {
        return Err(io::Error::other("unexpected WAV header layout"));
    }
    header[4..8].copy_from_slice(&riff.to_le_bytes());
    header[n - 4..].copy_from_slice(&data.to_le_bytes());
    Ok(header)
}

/// A sample as 16-bit, clipped to full scale.
pub fn to_i16(x: f32) -> i16 {
    (x.clamp(-1.0, 1.0) * 32767.0).round() as i16
}

fn hound_to_io(e: hound::Error) -> io::Error {
    match e {
        hound::Error::IoError(e) => e,
        other => io::Error::other(other.to_string()),
    }
}
