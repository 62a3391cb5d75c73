//! Effects: feedback delay, Freeverb reverb, tanh distortion, bit crusher, chorus and
//! compressor.
//!
//! Each kernel processes one block of one channel: every slice has the same length `n`
//! (if they differ, the shortest one decides how many frames are written). Parameters
//! are read per sample. State lives in the effect's struct, preallocated by its
//! constructor (delay lines included), so the kernels never allocate and a block can be
//! split anywhere without changing the output.
//!
//! Where an effect has a `mix`, it is clamped to 0..1 and the output is
//! `(1 - mix)·x + mix·wet`, so mix 0 is the dry input exactly.
//!
//! Clamping convention: a parameter outside its range is clamped to the range, and NaN
//! is taken as the range's lower bound (the comparisons are written so that NaN falls
//! through to it). Denormals are not flushed here: the threads that run kernels set
//! FTZ/DAZ.

use super::approx;

/// `v` clamped to `lo..=hi`, NaN to `lo`. Written with one comparison and one `min` on a
/// non-NaN value so that a Cranelift kernel gives the same result.
#[inline]
fn clamp(v: f32, lo: f32, hi: f32) -> f32 {
    if v > lo {
        v.min(hi)
    } else {
        lo
    }
}

/// The shortest of the lengths (all are equal in normal use).
#[inline]
fn frames(lens: &[usize]) -> usize {
    lens.iter().copied().min().unwrap_or(0)
}

/// A sample rate that is not a positive finite number is taken as 44100; the rest are
/// limited to 1..=768000 so that the preallocated lines stay reasonable.
fn sane_rate(sample_rate: f32) -> f32 {
    if sample_rate.is_finite() && sample_rate > 0.0 {
        sample_rate.clamp(1.0, 768_000.0)
    } else {
        44100.0
    }
}

/// `(1 - mix)·x + mix·wet`, mix already clamped.
#[inline]
fn blend(x: f32, wet: f32, mix: f32) -> f32 {
    (1.0 - mix) * x + mix * wet
}

/// Reads a circular line `d` samples (fractional, `1 <= d <= len - 2`) behind the write
/// position `w`, interpolating linearly between the two neighbouring samples.
#[inline]
fn read_frac(line: &[f32], w: usize, d: f32) -> f32 {
    let len = line.len();
    // `d >= 1`, so truncation is the floor (one instruction, where `floor` may be a
    // libm call on baseline x86-64).
    let whole = d as usize;
    let frac = d - whole as f32;
    let mut r0 = w + len - whole;
    if r0 >= len {
        r0 -= len;
    }
    let r1 = if r0 == 0 { len - 1 } else { r0 - 1 };
    let a = line[r0];
    let b = line[r1];
    a + frac * (b - a)
}

// ---------------------------------------------------------------------------------
// Delay

/// The longest delay line of [`delay`] in seconds (every delay node preallocates it).
pub const MAX_DELAY_SECONDS: f32 = 4.0;

/// The content of a delay line is clamped to ±this, so that feedback 1 on a finite
/// input can grow but never reach infinity.
pub const DELAY_LINE_LIMIT: f32 = 1e6;

/// `v` clamped to ±[`DELAY_LINE_LIMIT`], NaN to 0.
#[inline]
fn limit_line(v: f32) -> f32 {
    if v > -DELAY_LINE_LIMIT {
        v.min(DELAY_LINE_LIMIT)
    } else if v <= -DELAY_LINE_LIMIT {
        -DELAY_LINE_LIMIT
    } else {
        0.0
    }
}

/// A feedback delay line (see [`delay`]).
#[derive(Clone, Debug)]
pub struct Delay {
    sample_rate: f32,
    /// The longest delay in samples (`max_seconds · sample_rate`, at least 1).
    max_delay: f32,
    line: Vec<f32>,
    write: usize,
}

impl Delay {
    /// A silent line that can delay by up to `max_seconds` (clamped to 0..=60 s, NaN 0;
    /// at least one sample). The runtime uses 4 s.
    pub fn new(sample_rate: f32, max_seconds: f32) -> Delay {
        let (sample_rate, max_delay, len) = Delay::dims(sample_rate, max_seconds);
        Delay {
            sample_rate,
            max_delay,
            line: vec![0.0; len],
            write: 0,
        }
    }

    /// What [`Delay::new`] derives from its arguments: the sample rate it uses, the
    /// longest delay in samples and the line's length (the JIT's twin reads these).
    pub fn dims(sample_rate: f32, max_seconds: f32) -> (f32, f32, usize) {
        let sample_rate = sane_rate(sample_rate);
        let max_seconds = clamp(max_seconds, 0.0, 60.0);
        let max_delay = (max_seconds * sample_rate).max(1.0);
        (sample_rate, max_delay, max_delay.ceil() as usize + 2)
    }

    /// Takes over `other`'s line and position (a reload carrying a delay's echoes).
    /// Allocates nothing: a line of another length is copied as far as both reach,
    /// the position kept inside this one.
    pub fn copy_from(&mut self, other: &Delay) {
        copy_line(&mut self.line, &other.line);
        self.write = other.write.min(self.line.len().saturating_sub(1));
    }
}

/// `dst` takes `src`'s values as far as both reach (no allocation).
fn copy_line(dst: &mut [f32], src: &[f32]) {
    let n = dst.len().min(src.len());
    dst[..n].copy_from_slice(&src[..n]);
}

/// Feedback delay. `wet` is the line read `time` seconds ago (clamped to one sample ..
/// `max_seconds`, NaN one sample), linearly interpolated between the two neighbouring
/// samples for a fractional number of samples; the line then receives `x + feedback ·
/// wet` (feedback clamped to -1..1, NaN -1), clamped to ±[`DELAY_LINE_LIMIT`] (a NaN
/// written to the line becomes 0, so one bad input sample does not poison it). Output
/// `(1 - mix)·x + mix·wet`. An impulse therefore comes back at `k · time` with level
/// `mix · feedback^(k-1)`.
pub fn delay(
    s: &mut Delay,
    input: &[f32],
    time: &[f32],
    feedback: &[f32],
    mix: &[f32],
    out: &mut [f32],
) {
    let n = frames(&[
        input.len(),
        time.len(),
        feedback.len(),
        mix.len(),
        out.len(),
    ]);
    let (input, time, feedback, mix, out) = (
        &input[..n],
        &time[..n],
        &feedback[..n],
        &mix[..n],
        &mut out[..n],
    );
    // State in locals, so the compiler keeps it in registers across the line's stores.
    let (sr, max_delay, mut w) = (s.sample_rate, s.max_delay, s.write);
    let line = &mut s.line[..];
    let len = line.len();
    for i in 0..n {
        let x = input[i];
        let d = clamp(time[i] * sr, 1.0, max_delay);
        let wet = read_frac(line, w, d);
        let fb = clamp(feedback[i], -1.0, 1.0);
        line[w] = limit_line(x + fb * wet);
        w += 1;
        if w >= len {
            w = 0;
        }
        out[i] = blend(x, wet, clamp(mix[i], 0.0, 1.0));
    }
    s.write = w;
}

// ---------------------------------------------------------------------------------
// Reverb

/// Freeverb's comb lengths at 44.1 kHz (left channel).
const COMB_TUNING: [usize; 8] = [1116, 1188, 1277, 1356, 1422, 1491, 1557, 1617];
/// Freeverb's all-pass lengths at 44.1 kHz (left channel).
const ALLPASS_TUNING: [usize; 4] = [556, 441, 341, 225];
/// Extra samples (at 44.1 kHz) of every line of the right channel.
const STEREO_SPREAD: usize = 23;
/// Gain into the combs: Freeverb's fixed gain. With [`REVERB_WET_GAIN`] (Freeverb's wet
/// scale at its default wet level) the wet RMS of white noise at room 0.5, damp 0.5 is
/// the dry RMS within a few percent (measured 0.98; the test checks 0.5..2).
pub const REVERB_INPUT_GAIN: f32 = 0.015;
/// Gain on the all-pass chain's output.
pub const REVERB_WET_GAIN: f32 = 3.0;
/// Feedback of Freeverb's all-passes.
pub const ALLPASS_FEEDBACK: f32 = 0.5;
/// Samples processed per inner chunk (the combs run one after the other over a chunk).
const CHUNK: usize = 64;

/// One Freeverb reverberator for one channel (see [`reverb`]).
#[derive(Clone, Debug)]
pub struct Reverb {
    combs: [Vec<f32>; 8],
    comb_pos: [usize; 8],
    /// The low-pass state inside each comb's feedback path.
    comb_store: [f32; 8],
    allpasses: [Vec<f32>; 4],
    allpass_pos: [usize; 4],
}

impl Reverb {
    /// A silent reverberator. `channel` 0 is left (or mono), 1 (or any other value) is
    /// right: its lines are longer by Freeverb's stereo spread (23 samples at 44.1 kHz),
    /// which decorrelates the two channels. Line lengths scale with the sample rate.
    pub fn new(sample_rate: f32, channel: usize) -> Reverb {
        let (combs, allpasses) = Reverb::line_lengths(sample_rate, channel);
        Reverb {
            combs: combs.map(|len| vec![0.0f32; len]),
            comb_pos: [0; 8],
            comb_store: [0.0; 8],
            allpasses: allpasses.map(|len| vec![0.0f32; len]),
            allpass_pos: [0; 4],
        }
    }

    /// The lengths of the 8 comb lines and of the 4 all-pass lines that
    /// [`Reverb::new`] allocates (the JIT's twin lays its memory out with these).
    pub fn line_lengths(sample_rate: f32, channel: usize) -> ([usize; 8], [usize; 4]) {
        let sample_rate = sane_rate(sample_rate);
        let spread = if channel == 0 { 0 } else { STEREO_SPREAD };
        let line = |tuning: usize| {
            let len = ((tuning + spread) as f64 * sample_rate as f64 / 44100.0).round();
            (len as usize).max(1)
        };
        (COMB_TUNING.map(line), ALLPASS_TUNING.map(line))
    }

    /// Takes over `other`'s lines, positions and filter state (a reload carrying a
    /// reverb's tail). Allocates nothing: lines of other lengths are copied as far as
    /// both reach, positions kept inside this reverberator's lines.
    pub fn copy_from(&mut self, other: &Reverb) {
        for c in 0..8 {
            copy_line(&mut self.combs[c], &other.combs[c]);
            self.comb_pos[c] = other.comb_pos[c].min(self.combs[c].len().saturating_sub(1));
        }
        self.comb_store = other.comb_store;
        for a in 0..4 {
            copy_line(&mut self.allpasses[a], &other.allpasses[a]);
            self.allpass_pos[a] =
                other.allpass_pos[a].min(self.allpasses[a].len().saturating_sub(1));
        }
    }
}

/// Freeverb (Jezar at Dreampoint's public-domain Schroeder-Moorer reverberator): the
/// input times [`REVERB_INPUT_GAIN`] feeds 8 parallel comb filters with a one-pole
/// low-pass in their feedback path, whose summed output passes through 4 series
/// all-passes (feedback 0.5); `wet` is that output times [`REVERB_WET_GAIN`].
///
/// Comb: `y = line[i]; store = y·(1 - d) + store·d; line[i] = in + store·fb`, with
/// `fb = 0.7 + 0.28·room` (room clamped to 0..1: feedback 0.7..0.98) and `d = 0.4·damp`
/// (damp clamped to 0..1, Freeverb's damping scale). All-pass: `b = line[i]; out = b -
/// in; line[i] = in + 0.5·b`. Output `(1 - mix)·x + mix·wet`. Mono: the runtime runs one
/// per channel, the right one built with `channel` 1.
pub fn reverb(
    s: &mut Reverb,
    input: &[f32],
    room: &[f32],
    damp: &[f32],
    mix: &[f32],
    out: &mut [f32],
) {
    let n = frames(&[input.len(), room.len(), damp.len(), mix.len(), out.len()]);
    let mut start = 0;
    // The combs run one after the other over a chunk (better locality); every sample
    // sees exactly the same operations in the same order as a sample-by-sample loop.
    while start < n {
        let m = (n - start).min(CHUNK);
        let mut fed = [0.0f32; CHUNK];
        let mut fb = [0.0f32; CHUNK];
        let mut d1 = [0.0f32; CHUNK];
        let mut acc = [0.0f32; CHUNK];
        for j in 0..m {
            fed[j] = input[start + j] * REVERB_INPUT_GAIN;
            fb[j] = 0.7 + 0.28 * clamp(room[start + j], 0.0, 1.0);
            d1[j] = 0.4 * clamp(damp[start + j], 0.0, 1.0);
        }
        for c in 0..8 {
            let line = &mut s.combs[c][..];
            let mut pos = s.comb_pos[c];
            let mut store = s.comb_store[c];
            // Runs that do not wrap around the line: no index checks inside.
            let mut j = 0;
            while j < m {
                let run = (m - j).min(line.len() - pos);
                let cells = &mut line[pos..pos + run];
                let (f, g, d, a) = (
                    &fed[j..j + run],
                    &fb[j..j + run],
                    &d1[j..j + run],
                    &mut acc[j..j + run],
                );
                for k in 0..run {
                    let y = cells[k];
                    store = y * (1.0 - d[k]) + store * d[k];
                    cells[k] = f[k] + store * g[k];
                    a[k] += y;
                }
                pos += run;
                if pos >= line.len() {
                    pos = 0;
                }
                j += run;
            }
            s.comb_pos[c] = pos;
            s.comb_store[c] = store;
        }
        for a in 0..4 {
            let line = &mut s.allpasses[a][..];
            let mut pos = s.allpass_pos[a];
            let mut j = 0;
            while j < m {
                let run = (m - j).min(line.len() - pos);
                let cells = &mut line[pos..pos + run];
                for (cell, v) in cells.iter_mut().zip(&mut acc[j..j + run]) {
                    let b = *cell;
                    let o = b - *v;
                    *cell = *v + ALLPASS_FEEDBACK * b;
                    *v = o;
                }
                pos += run;
                if pos >= line.len() {
                    pos = 0;
                }
                j += run;
            }
            s.allpass_pos[a] = pos;
        }
        for j in 0..m {
            let x = input[start + j];
            let mx = clamp(mix[start + j], 0.0, 1.0);
            out[start + j] = blend(x, acc[j] * REVERB_WET_GAIN, mx);
        }
        start += m;
    }
}

// ---------------------------------------------------------------------------------
// Distortion

/// The drive is clamped to 0..=this (so that `drive · 0` is never `inf · 0`).
pub const MAX_DRIVE: f32 = 1e6;

/// Soft-clipping distortion, stateless: `wet = tanh(drive · x)` ([`approx::tanh`]),
/// drive clamped to 0..=[`MAX_DRIVE`] (NaN 0; drive 0 makes the wet path silent, so
/// mix 1 gives silence), output `(1 - mix)·x + mix·wet`. A symmetric curve: a sine
/// gains odd harmonics only.
pub fn distortion(input: &[f32], drive: &[f32], mix: &[f32], out: &mut [f32]) {
    let n = frames(&[input.len(), drive.len(), mix.len(), out.len()]);
    let (input, drive, mix, out) = (&input[..n], &drive[..n], &mix[..n], &mut out[..n]);
    for i in 0..n {
        let x = input[i];
        let wet = approx::tanh(clamp(drive[i], 0.0, MAX_DRIVE) * x);
        out[i] = blend(x, wet, clamp(mix[i], 0.0, 1.0));
    }
}

// ---------------------------------------------------------------------------------
// Shape (SuperDirt's waveshaper)

/// SuperDirt's `shape` waveshaper (its `dirt_shape` module): for an amount `a` in
/// (0, 1), the gain `k = 2a / (1 - a)` and `y = (1 + k)·x / (1 + k·|x|)`, a curve that
/// keeps ±1 at ±1 and bends toward a hard clip as `a` nears 1. SuperDirt applies the
/// module only for `0 < a < 1`; outside that (and for NaN) the input passes unchanged,
/// so amount 0 is the dry input exactly. (A negative amount would put a pole in the
/// curve at `|x| = -1/k`: it is passed through too.)
pub fn shape(input: &[f32], amount: &[f32], out: &mut [f32]) {
    let n = frames(&[input.len(), amount.len(), out.len()]);
    let (input, amount, out) = (&input[..n], &amount[..n], &mut out[..n]);
    for i in 0..n {
        out[i] = shape_sample(input[i], amount[i]);
    }
}

/// One sample of [`shape`].
#[inline]
pub fn shape_sample(x: f32, a: f32) -> f32 {
    if a > 0.0 && a < 1.0 {
        let k = 2.0 * a / (1.0 - a);
        (1.0 + k) * x / (1.0 + k * x.abs())
    } else {
        x
    }
}

// ---------------------------------------------------------------------------------
// Bit crusher

/// The lowest sample-and-hold rate (fraction of the sample rate) of [`bitcrush`].
pub const MIN_CRUSH_RATE: f32 = 1e-6;

/// Sample-and-hold state of a bit crusher (see [`bitcrush`]).
#[derive(Clone, Debug)]
pub struct Bitcrush {
    phase: f32,
    held: f32,
    /// The `bits` value last turned into `step`, and that step (a cache: recomputing it
    /// every sample gives the same values).
    cached_bits: f32,
    step: f32,
}

impl Bitcrush {
    /// A crusher whose next frame takes a new sample.
    pub fn new() -> Bitcrush {
        Bitcrush {
            phase: 1.0,
            held: 0.0,
            cached_bits: f32::NAN,
            step: 1.0,
        }
    }
}

impl Default for Bitcrush {
    fn default() -> Bitcrush {
        Bitcrush::new()
    }
}

/// Bit crusher: sample-and-hold, then quantisation, no mix (the output is all wet).
///
/// Sample-and-hold: `rate` is the fraction of the sample rate kept, clamped to
/// [[`MIN_CRUSH_RATE`], 1] (NaN the minimum); a phase accumulator gains `rate` every
/// frame, and whenever it has reached 1 (minus 1) a new input sample is taken and held;
/// the first frame always takes one. Rate 0.25 holds every fourth sample for 4 frames.
///
/// Quantisation: `bits` clamped to 1..24 (NaN 1; fractional bits are allowed), step
/// `2 / 2^bits` (so `bits` levels span -1..1), `y = floor(held/step + 0.5)·step`,
/// applied on every frame with that frame's `bits`.
pub fn bitcrush(s: &mut Bitcrush, input: &[f32], bits: &[f32], rate: &[f32], out: &mut [f32]) {
    let n = frames(&[input.len(), bits.len(), rate.len(), out.len()]);
    let (input, bits, rate, out) = (&input[..n], &bits[..n], &rate[..n], &mut out[..n]);
    for i in 0..n {
        if s.phase >= 1.0 {
            s.phase -= 1.0;
            s.held = input[i];
        }
        s.phase += clamp(rate[i], MIN_CRUSH_RATE, 1.0);
        if bits[i] != s.cached_bits {
            s.step = approx::exp2(1.0 - clamp(bits[i], 1.0, 24.0));
            s.cached_bits = bits[i];
        }
        out[i] = approx::floor(s.held / s.step + 0.5) * s.step;
    }
}

// ---------------------------------------------------------------------------------
// Chorus

/// The chorus's centre delay, in seconds.
pub const CHORUS_BASE: f32 = 0.015;
/// The chorus's modulation at depth 1, in seconds either side of the centre.
pub const CHORUS_SWING: f32 = 0.007;
/// The chorus's LFO rate is clamped to 0..=this, in Hz.
pub const CHORUS_MAX_RATE: f32 = 100.0;

/// One channel of a chorus (see [`chorus`]).
#[derive(Clone, Debug)]
pub struct Chorus {
    sample_rate: f32,
    /// LFO phase in turns, in [0, 1). f64: an f32 accumulator gaining 2e-6 turns per
    /// sample (a 0.1 Hz LFO) rounds each addition by up to 1% of the increment.
    phase: f64,
    /// `1 / sample_rate`, in f64 for the phase increment.
    inv_rate: f64,
    /// The longest delay in samples.
    max_delay: f32,
    line: Vec<f32>,
    write: usize,
}

impl Chorus {
    /// A silent chorus. `channel` 0 is left (or mono); channel 1 (or any other value)
    /// starts its LFO a quarter turn ahead, which widens the stereo image.
    pub fn new(sample_rate: f32, channel: usize) -> Chorus {
        let (sample_rate, inv_rate, max_delay, len) = Chorus::dims(sample_rate);
        Chorus {
            sample_rate,
            phase: Chorus::initial_phase(channel),
            inv_rate,
            max_delay,
            line: vec![0.0; len],
            write: 0,
        }
    }

    /// What [`Chorus::new`] derives from the sample rate: the rate it uses, its inverse
    /// in f64, the longest delay in samples and the line's length (for the JIT's twin).
    pub fn dims(sample_rate: f32) -> (f32, f64, f32, usize) {
        let sample_rate = sane_rate(sample_rate);
        let max_delay = ((CHORUS_BASE + CHORUS_SWING) * sample_rate).max(1.0);
        (
            sample_rate,
            1.0 / sample_rate as f64,
            max_delay,
            max_delay.ceil() as usize + 2,
        )
    }

    /// The LFO's starting phase for `channel` (0 for channel 0, a quarter turn for the
    /// others).
    pub fn initial_phase(channel: usize) -> f64 {
        if channel == 0 {
            0.0
        } else {
            0.25
        }
    }
}

/// Chorus: one modulated delay line. The delay is `15 ms + 7 ms · depth ·
/// sin(2π·phase)` ([`CHORUS_BASE`], [`CHORUS_SWING`]; depth clamped to 0..1, NaN 0), so
/// between 8 and 22 ms, read with linear interpolation (and never below one sample);
/// the LFO phase advances by `rate / sample_rate` turns per frame (rate in Hz, clamped
/// to 0..=[`CHORUS_MAX_RATE`], NaN 0; the phase is kept in f64). `wet` is the delayed
/// input (no feedback); output `(1 - mix)·x + mix·wet`.
pub fn chorus(
    s: &mut Chorus,
    input: &[f32],
    rate: &[f32],
    depth: &[f32],
    mix: &[f32],
    out: &mut [f32],
) {
    let n = frames(&[input.len(), rate.len(), depth.len(), mix.len(), out.len()]);
    let (input, rate, depth, mix, out) = (
        &input[..n],
        &rate[..n],
        &depth[..n],
        &mix[..n],
        &mut out[..n],
    );
    let (sr, max_delay, inv_rate) = (s.sample_rate, s.max_delay, s.inv_rate);
    let (mut w, mut phase) = (s.write, s.phase);
    let line = &mut s.line[..];
    let len = line.len();
    for i in 0..n {
        let x = input[i];
        let lfo = approx::sin_turns(phase as f32);
        let seconds = CHORUS_BASE + CHORUS_SWING * clamp(depth[i], 0.0, 1.0) * lfo;
        let d = clamp(seconds * sr, 1.0, max_delay);
        let wet = read_frac(line, w, d);
        line[w] = x;
        w += 1;
        if w >= len {
            w = 0;
        }
        let p = phase + clamp(rate[i], 0.0, CHORUS_MAX_RATE) as f64 * inv_rate;
        // Wrap into [0, 1); the floor is needed only when the phase has passed 1.
        phase = if p >= 1.0 { p - (p as i64) as f64 } else { p };
        out[i] = blend(x, wet, clamp(mix[i], 0.0, 1.0));
    }
    s.write = w;
    s.phase = phase;
}

// ---------------------------------------------------------------------------------
// Compressor

/// Attack time constant of the compressor's level detector, in seconds.
pub const COMP_ATTACK: f32 = 0.005;
/// Release time constant of the compressor's level detector, in seconds.
pub const COMP_RELEASE: f32 = 0.1;

/// A compressor's level detector (see [`compressor`]).
#[derive(Clone, Debug)]
pub struct Compressor {
    attack_coef: f32,
    release_coef: f32,
    level: f32,
}

impl Compressor {
    /// A compressor whose detector starts at level 0.
    pub fn new(sample_rate: f32) -> Compressor {
        let (attack_coef, release_coef) = Compressor::coefs(sample_rate);
        Compressor {
            attack_coef,
            release_coef,
            level: 0.0,
        }
    }

    /// The detector's attack and release coefficients at `sample_rate` (for the JIT's
    /// twin).
    pub fn coefs(sample_rate: f32) -> (f32, f32) {
        let sample_rate = sane_rate(sample_rate);
        (
            approx::exp(-1.0 / (COMP_ATTACK * sample_rate)),
            approx::exp(-1.0 / (COMP_RELEASE * sample_rate)),
        )
    }
}

/// Feed-forward compressor with a peak-style detector and a hard knee.
///
/// Detector: a one-pole smoother of `|x|`, `level = r + c·(level - r)` with `r = |x|`
/// and `c = exp(-1/(τ·fs))`, τ = 5 ms when `r` is above the level (attack) and 100 ms
/// otherwise (release). On a constant `|x|` (a square wave, say) it settles to that
/// value; on a sine it settles between the mean of `|x|` and the peak (0.76 dB under
/// the peak for a 441 Hz sine; the ratio does not depend on the level).
///
/// Gain: `over = level_dB - threshold_db` (threshold clamped to -200..200 dB, NaN
/// -200), reduction `(1 - 1/ratio) · max(0, over)` dB (ratio clamped to >= 1, NaN 1;
/// infinite ratio is a limiter), output `x · 10^(-reduction/20)`. No make-up gain: the
/// output is never louder than the input, and a signal whose level stays under the
/// threshold passes unchanged, bit for bit.
pub fn compressor(
    s: &mut Compressor,
    input: &[f32],
    threshold_db: &[f32],
    ratio: &[f32],
    out: &mut [f32],
) {
    let n = frames(&[input.len(), threshold_db.len(), ratio.len(), out.len()]);
    let (input, threshold_db, ratio, out) =
        (&input[..n], &threshold_db[..n], &ratio[..n], &mut out[..n]);
    for i in 0..n {
        let x = input[i];
        let r = x.abs();
        let c = if r > s.level {
            s.attack_coef
        } else {
            s.release_coef
        };
        s.level = r + c * (s.level - r);
        // An infinite input makes the level NaN; start again from 0 rather than keep it.
        if !s.level.is_finite() {
            s.level = 0.0;
        }
        let over = approx::gain_to_db(s.level) - clamp(threshold_db[i], -200.0, 200.0);
        let slope = 1.0 - 1.0 / clamp(ratio[i], 1.0, f32::INFINITY);
        // Under the threshold the gain is `db_to_gain(-0) = 1` exactly: skip it.
        out[i] = if over > 0.0 {
            x * approx::db_to_gain(-(slope * over))
        } else {
            x
        };
    }
}
