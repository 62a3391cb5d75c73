//! Oscillators and noise sources: `sine saw square tri impulse supersaw fm noise pink
//! brown`.
//!
//! Every kernel renders one channel of one block. The parameter slices (`freq`,
//! `width`) are per-sample, as long as `out`; the loops walk the slices together with
//! iterators, so slices of unequal length shorten the block instead of panicking.
//! State persists across calls: a block of n frames gives the same samples as any
//! split of it into smaller calls.
//!
//! # The phase accumulator ([`Osc`])
//!
//! `phase` is in turns, in [0, 1). Each sample the kernel first computes the output
//! from the current phase, then advances it: `dt = freq / sample_rate`, clamped to
//! [-0.5, 0.5] (a frequency above Nyquist plays at Nyquist; a NaN frequency counts
//! as 0 Hz), `phase += dt`, wrapped back into [0, 1) by adding or subtracting 1.
//! Negative frequencies run the phase backwards; the waveform is then played in
//! reverse (a falling saw), still band-limited. A phase outside [0, 1) (only
//! possible if the caller writes one into `phase`) is reset to 0 at the start of
//! the next call.
//!
//! Band-limiting: the naive waveform plus, within two samples of each
//! discontinuity, a polynomial residual (Välimäki, Pekonen, Nam, "Perceptually
//! informed synthesis of bandlimited classical waveforms using integrated polynomial
//! interpolation", JASA 131(1), 2012): the integrated cubic B-spline step (a
//! four-point PolyBLEP) for the jumps of saw and square, and its integral (a
//! four-point PolyBLAMP) for the corners of the triangle. At a constant frequency
//! the result is exactly the ideal waveform convolved with the cubic B-spline kernel, then sampled: harmonic
//! `k` is scaled by `sinc⁴(k f0 / sr)` (-0.2 dB at 0.06 sr, -12.5 dB at 0.45 sr), the
//! images above Nyquist that fold back are scaled the same way (an alias from just
//! above Nyquist is 16 dB below the naive one, from 0.68 sr 32 dB), and since the
//! kernel is non-negative the output never overshoots [-1, 1]. The residuals depend
//! on `|dt|` only, so reversed playback is corrected too.
//!
//! [`supersaw`] sums seven such saws; [`fm`] runs two phase accumulators of sines.
//!
//! Only `+ - * /`, comparisons and [`approx::sin_turns`] appear per sample.

use super::approx;

/// The sample rate used when a constructor is given a non-finite, zero or negative one.
const FALLBACK_SAMPLE_RATE: f32 = 44_100.0;

/// A usable sample rate: finite and at least 1 Hz, else [`FALLBACK_SAMPLE_RATE`].
pub(crate) fn sane_sample_rate(sample_rate: f32) -> f32 {
    if (1.0..f32::INFINITY).contains(&sample_rate) {
        sample_rate
    } else {
        FALLBACK_SAMPLE_RATE
    }
}

/// The state of one oscillator: a phase accumulator shared by every periodic
/// waveform ([`sine`], [`saw`], [`square`], [`tri`], [`impulse`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Osc {
    /// The phase in turns, in [0, 1). The next output sample is computed from it.
    pub phase: f32,
    sample_rate: f32,
    /// 1.0 when the last advance wrapped the phase (and for a fresh oscillator), else
    /// 0.0: the next [`impulse`] sample.
    wrapped: f32,
}

impl Osc {
    /// An oscillator at phase 0. A non-finite or non-positive `sample_rate` is
    /// replaced by 44100.
    pub fn new(sample_rate: f32) -> Osc {
        Osc {
            phase: 0.0,
            sample_rate: sane_sample_rate(sample_rate),
            wrapped: 1.0,
        }
    }

    /// The sample rate this oscillator was built for.
    pub fn sample_rate(&self) -> f32 {
        self.sample_rate
    }

    /// The next [`impulse`] sample (1.0 after a wrap and when fresh, else 0.0): the
    /// JIT's twin starts from it.
    pub(crate) fn wrapped(&self) -> f32 {
        self.wrapped
    }
}

/// The phase increment for `freq` Hz: `freq / sample_rate` clamped to [-0.5, 0.5];
/// NaN gives 0.
#[inline]
fn increment(freq: f32, sample_rate: f32) -> f32 {
    let dt = freq / sample_rate;
    if dt > 0.5 {
        0.5
    } else if dt < -0.5 {
        -0.5
    } else if !dt.is_nan() {
        dt
    } else {
        0.0
    }
}

/// Advances `s.phase` by `dt` and wraps it into [0, 1). Returns 1.0 when the cycle
/// restarted: forwards, when the phase reached 1; backwards, when it reached or
/// passed 0 from above (so each cycle has exactly one wrap in either direction).
#[inline]
fn advance(s: &mut Osc, dt: f32) -> f32 {
    let old = s.phase;
    let p = old + dt;
    let wrapped = p >= 1.0 || (p <= 0.0 && old > 0.0);
    // |dt| <= 1/2 and `old` in [0, 1), so `p` is in [-1/2, 3/2): one step of
    // wrapping suffices.
    let mut q = if p >= 1.0 {
        p - 1.0
    } else if p < 0.0 {
        p + 1.0
    } else {
        p
    };
    // `-tiny + 1` rounds to 1.0; NaN fails the test too.
    if q.is_nan() || q >= 1.0 {
        q = 0.0;
    }
    s.phase = q;
    if wrapped {
        1.0
    } else {
        0.0
    }
}

/// Step residual of the cubic B-spline BLEP: the integrated cubic B-spline step
/// minus the ideal unit step, at `x` samples after the step (negative: before it).
/// Odd, support (-2, 2); at `x = 0` it takes the value just after the step, -1/2.
/// With `a = |x|`, `R(-a) = 1/2 - 2a/3 + a³/3 - a⁴/8` for a < 1 and `(2 - a)⁴/24` for
/// 1 <= a < 2.
#[inline]
fn blep(x: f32) -> f32 {
    let a = x.abs();
    let r = if a < 1.0 {
        0.5 + a * (-2.0 / 3.0 + a * a * (1.0 / 3.0 - 0.125 * a))
    } else if a < 2.0 {
        let y = 2.0 - a;
        let y2 = y * y;
        (1.0 / 24.0) * y2 * y2
    } else {
        0.0
    };
    if x < 0.0 {
        r
    } else {
        -r
    }
}

/// Corner residual of the cubic B-spline BLAMP: the integral of [`blep`], the
/// correction of a corner whose slope increases by one unit per sample, at `x`
/// samples from it. Even, support (-2, 2): with `a = |x|`,
/// `7/30 - a/2 + a²/3 - a⁴/12 + a⁵/40` for a < 1 and `(2 - a)⁵/120` for 1 <= a < 2.
#[inline]
fn blamp(x: f32) -> f32 {
    let a = x.abs();
    if a < 1.0 {
        7.0 / 30.0 + a * (-0.5 + a * (1.0 / 3.0 + a * a * (-1.0 / 12.0 + a * (1.0 / 40.0))))
    } else if a < 2.0 {
        let y = 2.0 - a;
        let y2 = y * y;
        (1.0 / 120.0) * y2 * y2 * y
    } else {
        0.0
    }
}

/// The distances, in samples, from phase `t` to the discontinuity at phase `c`:
/// (after the latest one, before the next one). `inv` is `1 / |dt|`. Both are
/// needed because at high frequencies (`|dt|` > 1/4) the two-sample-wide residuals
/// of consecutive discontinuities overlap; the others are 2 samples away or more.
/// The sign of `t - c` decides which side the sample is on, as in the naive wave,
/// so rounding cannot put a sample on both sides.
#[inline]
fn distances(t: f32, c: f32, inv: f32) -> (f32, f32) {
    let d = t - c;
    if d >= 0.0 {
        (d * inv, (d - 1.0) * inv)
    } else {
        ((d + 1.0) * inv, d * inv)
    }
}

/// `1 / |dt|`, kept finite for `dt = 0` (then every distance but 0 is huge and its
/// residual 0).
#[inline]
fn inverse(adt: f32) -> f32 {
    1.0 / adt.max(1e-20)
}

/// Resets a phase that is not in [0, 1) (only possible if the caller wrote one).
#[inline]
fn sanitize(s: &mut Osc) {
    if !(0.0..1.0).contains(&s.phase) {
        s.phase = 0.0;
    }
}

/// Sine: `sin(2π phase)` by [`approx::sin_turns`] (absolute error below 2e-6). A fresh
/// oscillator starts at 0, rising.
pub fn sine(s: &mut Osc, freq: &[f32], out: &mut [f32]) {
    sanitize(s);
    let sr = s.sample_rate;
    for (o, &f) in out.iter_mut().zip(freq) {
        *o = approx::sin_turns(s.phase);
        advance(s, increment(f, sr));
    }
}

/// Band-limited sawtooth, rising from -1 to 1 over a cycle (falling for negative
/// frequencies): `2 phase - 1` plus the [`blep`] residuals of its jump of -2 at
/// phase 0. A fresh oscillator's first sample is 0 (the middle of the smoothed jump).
pub fn saw(s: &mut Osc, freq: &[f32], out: &mut [f32]) {
    sanitize(s);
    let sr = s.sample_rate;
    for (o, &f) in out.iter_mut().zip(freq) {
        *o = saw_sample(s, f, sr);
    }
}

/// One sample of [`saw`] at `freq` Hz (the output from the current phase), then the
/// advance.
#[inline]
fn saw_sample(s: &mut Osc, freq: f32, sr: f32) -> f32 {
    let dt = increment(freq, sr);
    let t = s.phase;
    let (a, b) = distances(t, 0.0, inverse(dt.abs()));
    let out = 2.0 * t - 1.0 - 2.0 * (blep(a) + blep(b));
    advance(s, dt);
    out
}

/// Band-limited pulse: +1 while `phase < width`, else -1, plus the [`blep`] residuals
/// of its jump of +2 at phase 0 and of -2 at phase `width`. `width` is the duty
/// cycle, clamped to [0.01, 0.99] (NaN gives 0.5); the mean of the wave is
/// `2 width - 1`. A fresh oscillator's first sample is 0 (the middle of the jump).
pub fn square(s: &mut Osc, freq: &[f32], width: &[f32], out: &mut [f32]) {
    sanitize(s);
    let sr = s.sample_rate;
    for ((o, &f), &w) in out.iter_mut().zip(freq).zip(width) {
        let w = if w > 0.01 {
            w.min(0.99)
        } else if w <= 0.01 {
            0.01
        } else {
            0.5
        };
        let dt = increment(f, sr);
        let inv = inverse(dt.abs());
        let t = s.phase;
        let naive = if t < w { 1.0 } else { -1.0 };
        let (a0, b0) = distances(t, 0.0, inv);
        let (aw, bw) = distances(t, w, inv);
        *o = naive + 2.0 * (blep(a0) + blep(b0) - blep(aw) - blep(bw));
        advance(s, dt);
    }
}

/// Band-limited triangle, aligned with [`sine`]: 0 at phase 0, +1 at 1/4, -1 at 3/4
/// (`1 - 4 |frac(phase + 1/4) - 1/2|`), plus the [`blamp`] residuals of its two
/// corners (slope change -8 per turn at 1/4 and +8 at 3/4, i.e. `∓8 |dt|` per
/// sample). Stateless apart from the phase, so its amplitude is exact at every
/// frequency (unlike a leaky-integrated square).
pub fn tri(s: &mut Osc, freq: &[f32], out: &mut [f32]) {
    sanitize(s);
    let sr = s.sample_rate;
    for (o, &f) in out.iter_mut().zip(freq) {
        let dt = increment(f, sr);
        let adt = dt.abs();
        let inv = inverse(adt);
        let t = s.phase;
        let u = t + 0.25;
        let u = if u >= 1.0 { u - 1.0 } else { u };
        let naive = 1.0 - 4.0 * (u - 0.5).abs();
        let (a1, b1) = distances(t, 0.25, inv);
        let (a3, b3) = distances(t, 0.75, inv);
        let corners = blamp(a3) + blamp(b3) - blamp(a1) - blamp(b1);
        *o = naive + 8.0 * adt * corners;
        advance(s, dt);
    }
}

/// Impulse train: 1.0 on the first sample of each cycle (the sample whose phase is
/// the first after a wrap, and the first sample of a fresh oscillator), else 0.
/// With `freq = sample_rate / 100` the ones fall every 100 samples. Not band-limited.
pub fn impulse(s: &mut Osc, freq: &[f32], out: &mut [f32]) {
    sanitize(s);
    let sr = s.sample_rate;
    for (o, &f) in out.iter_mut().zip(freq) {
        *o = s.wrapped;
        s.wrapped = advance(s, increment(f, sr));
    }
}

/// The supersaw's seven detunes in cents from its pitch at the default detune
/// [`SUPERSAW_DETUNE`] (and in the `supersaw` synth voice, which plays that default):
/// symmetric, one saw in tune. Within ±31 cents the saws beat against each other at
/// rates from about 0.4% to 3.6% of the pitch, the chorus-like "supersaw" shimmer.
pub const SUPERSAW_CENTS: [f32; 7] = [-31.0, -19.0, -7.0, 0.0, 7.0, 19.0, 31.0];

/// The supersaw's start phases (turns): `frac(k · 0.618034)` for saw `k`, the golden
/// ratio's spread, so the seven saws do not all jump together at the first frame.
pub const SUPERSAW_PHASES: [f32; 7] = [
    0.0, 0.618_034, 0.236_068, 0.854_102, 0.472_136, 0.090_17, 0.708_204,
];

/// The `detune` at which the saws sit at [`SUPERSAW_CENTS`]: the default.
pub const SUPERSAW_DETUNE: f32 = 0.5;

/// The supersaw's output scale, `1/√7`: seven uncorrelated saws of amplitude 1 have
/// `√7` times the RMS of one, so the sum has the RMS of a single full-scale saw
/// (`1/√3`); its peaks are usually 1.3-1.8 and never above `7/√7 = √7` (all seven at
/// their peak at once).
pub const SUPERSAW_SCALE: f32 = 0.377_964_47;

/// Supersaw state: the seven saws' phase accumulators and their detune slopes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Supersaw {
    saws: [Osc; 7],
    /// Saw `k`'s frequency ratio per unit of detune: `(2^(c_k/1200) - 1) /
    /// SUPERSAW_DETUNE` for the cents `c_k` of [`SUPERSAW_CENTS`].
    slope: [f32; 7],
}

impl Supersaw {
    /// Seven saws at the phases [`SUPERSAW_PHASES`]. A non-finite or non-positive
    /// `sample_rate` is replaced by 44100.
    pub fn new(sample_rate: f32) -> Supersaw {
        Supersaw {
            saws: std::array::from_fn(|k| {
                let mut o = Osc::new(sample_rate);
                o.phase = SUPERSAW_PHASES[k];
                o
            }),
            slope: std::array::from_fn(|k| {
                ((SUPERSAW_CENTS[k] / 1200.0).exp2() - 1.0) / SUPERSAW_DETUNE
            }),
        }
    }

    /// The seven phases and the seven slopes (the JIT's twin starts from the phases
    /// and takes the slopes as constants).
    pub(crate) fn parts(&self) -> ([f32; 7], [f32; 7]) {
        (self.saws.map(|o| o.phase), self.slope)
    }
}

/// Supersaw: seven band-limited saws ([`saw`]'s PolyBLEP kernel, each its own phase
/// accumulator), saw `k` at `freq · (1 + detune · slope_k)` where `slope_k =
/// (2^(c_k/1200) - 1) / 0.5` for the cents `c_k` of [`SUPERSAW_CENTS`]: detune 0 is
/// seven saws in unison (at the phases [`SUPERSAW_PHASES`]), the default 0.5 puts
/// them at exactly those cents (the `supersaw` synth voice), 1 about twice as wide
/// (-62.6 .. +61.5 cents); a negative detune mirrors the spread. The saws are summed in
/// order, from 0, and scaled by [`SUPERSAW_SCALE`]. A non-finite saw frequency plays
/// as [`saw`]'s does (NaN: frozen; ±inf: Nyquist), so no input gives a non-finite
/// sample.
pub fn supersaw(s: &mut Supersaw, freq: &[f32], detune: &[f32], out: &mut [f32]) {
    for o in s.saws.iter_mut() {
        sanitize(o);
    }
    let sr = s.saws[0].sample_rate;
    for ((o, &f), &d) in out.iter_mut().zip(freq).zip(detune) {
        let mut sum = 0.0;
        for (saw, &k) in s.saws.iter_mut().zip(&s.slope) {
            sum += saw_sample(saw, f * (1.0 + d * k), sr);
        }
        *o = sum * SUPERSAW_SCALE;
    }
}

/// The largest modulation index [`fm`] uses, in radians (a larger one is clamped):
/// it keeps the carrier's phase argument small enough for [`approx::sin_turns`]'s
/// reduction.
pub const FM_MAX_INDEX: f32 = 1000.0;

/// Radians to turns, `1/(2π)`: the index's factor in [`fm`].
pub const FM_TURNS_PER_RADIAN: f32 = 1.0 / std::f32::consts::TAU;

/// FM state: the carrier's and the modulator's phase accumulators.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fm {
    carrier: Osc,
    modulator: Osc,
}

impl Fm {
    /// Both phases at 0. A non-finite or non-positive `sample_rate` is replaced by
    /// 44100.
    pub fn new(sample_rate: f32) -> Fm {
        Fm {
            carrier: Osc::new(sample_rate),
            modulator: Osc::new(sample_rate),
        }
    }

    /// The carrier's and the modulator's phases (the JIT's twin starts from them).
    pub(crate) fn phases(&self) -> (f32, f32) {
        (self.carrier.phase, self.modulator.phase)
    }
}

/// Two-operator phase modulation: `sin(2π φc + I sin(2π φm))`, the carrier phase `φc`
/// advancing at `carrier` Hz and the modulator's `φm` at `carrier · ratio` Hz (both
/// phase accumulators as [`Osc`]'s, from 0), `I` the index in radians (the peak
/// phase deviation), clamped to ±[`FM_MAX_INDEX`], NaN counting as 0. Per sample:
/// `m = sin_turns(φm)`, then `sin_turns(φc + (I · FM_TURNS_PER_RADIAN) · m)`, then
/// both phases advance. The spectrum is the carrier's line split into sidebands at
/// `carrier ± n · carrier · ratio` of amplitudes `|J_n(I)|` (Bessel functions of the
/// first kind); not band-limited (sidebands past Nyquist fold back). Peak 1.
pub fn fm(s: &mut Fm, carrier: &[f32], ratio: &[f32], index: &[f32], out: &mut [f32]) {
    sanitize(&mut s.carrier);
    sanitize(&mut s.modulator);
    let sr = s.carrier.sample_rate;
    for (((o, &f), &r), &i) in out.iter_mut().zip(carrier).zip(ratio).zip(index) {
        let i = if i > FM_MAX_INDEX {
            FM_MAX_INDEX
        } else if i < -FM_MAX_INDEX {
            -FM_MAX_INDEX
        } else if !i.is_nan() {
            i
        } else {
            0.0
        };
        let m = approx::sin_turns(s.modulator.phase);
        *o = approx::sin_turns(s.carrier.phase + i * FM_TURNS_PER_RADIAN * m);
        advance(&mut s.carrier, increment(f, sr));
        advance(&mut s.modulator, increment(f * r, sr));
    }
}

/// The seed used in place of 0, which is a fixed point of xorshift.
const ZERO_SEED_REPLACEMENT: u32 = 0x9e37_79b9;

/// White-noise state: a xorshift32 generator (Marsaglia 2003, shifts 13, 17, 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Noise {
    state: u32,
}

impl Noise {
    /// A generator seeded with `seed`; seed 0 (xorshift's fixed point) is replaced by
    /// a fixed nonzero constant.
    pub fn new(seed: u32) -> Noise {
        Noise {
            state: if seed == 0 {
                ZERO_SEED_REPLACEMENT
            } else {
                seed
            },
        }
    }

    /// The generator's state (the JIT's twin starts from it).
    pub(crate) fn bits(&self) -> u32 {
        self.state
    }

    /// The next sample: steps xorshift32, then puts the top 23 bits of the state into
    /// the mantissa of a float in [2, 4) and subtracts 3, giving a uniform value in
    /// [-1, 1) on a grid of 2^-22 (mean 0, variance 1/3).
    #[inline]
    fn next(&mut self) -> f32 {
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.state = x;
        f32::from_bits(0x4000_0000 | (x >> 9)) - 3.0
    }
}

/// White noise, uniform in [-1, 1): see [`Noise`]. Deterministic per seed.
pub fn noise(s: &mut Noise, out: &mut [f32]) {
    for o in out.iter_mut() {
        *o = s.next();
    }
}

/// Pink-noise state: the white generator and the seven filter states.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pink {
    white: Noise,
    b: [f32; 7],
}

impl Pink {
    /// A pink generator whose white source is `Noise::new(seed)`.
    pub fn new(seed: u32) -> Pink {
        Pink {
            white: Noise::new(seed),
            b: [0.0; 7],
        }
    }

    /// The white generator's state and the seven filter states (the JIT's twin
    /// starts from them).
    pub(crate) fn parts(&self) -> (u32, [f32; 7]) {
        (self.white.bits(), self.b)
    }
}

/// Output scale of [`pink`]: brings the filtered uniform [-1, 1) white noise to an
/// RMS of about 0.2, with peaks of about ±0.8 over a few seconds (rarely beyond ±1).
pub(crate) const PINK_SCALE: f32 = 0.11;

/// Pink noise (-3 dB per octave): Paul Kellet's "refined" filter (the music-dsp
/// archive, 1999): six parallel one-pole low-passes plus a direct and a one-sample
/// delayed term over the white noise of [`Noise`], accurate to ±0.05 dB above 9.2 Hz
/// at 44.1 kHz (its poles are fixed, so at other rates the corner frequencies scale
/// with the rate; the slope stays -3 dB/octave across the audio band). Scaled by
/// [`PINK_SCALE`]; not clipped.
pub fn pink(s: &mut Pink, out: &mut [f32]) {
    let b = &mut s.b;
    for o in out.iter_mut() {
        let white = s.white.next();
        b[0] = 0.99886 * b[0] + white * 0.055_517_9;
        b[1] = 0.99332 * b[1] + white * 0.075_075_9;
        b[2] = 0.96900 * b[2] + white * 0.153_852;
        b[3] = 0.86650 * b[3] + white * 0.310_485_6;
        b[4] = 0.55000 * b[4] + white * 0.532_952_2;
        b[5] = -0.7616 * b[5] - white * 0.016_898;
        let sum = b[0] + b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + white * 0.5362;
        b[6] = white * 0.115_926;
        *o = sum * PINK_SCALE;
    }
}

/// The brown noise's leak frequency, Hz: below it the spectrum is flat.
pub const BROWN_LEAK_HZ: f32 = 10.0;
/// The brown noise's RMS (as [`pink`]'s, about 0.2).
pub const BROWN_RMS: f32 = 0.2;

/// Brown-noise state: the white generator, the integrator and its two coefficients.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Brown {
    white: Noise,
    y: f32,
    a: f32,
    c: f32,
}

impl Brown {
    /// A brown generator whose white source is `Noise::new(seed)`: `a = e^(-2π ·
    /// BROWN_LEAK_HZ / sr)`, `c = BROWN_RMS · √(3 (1 - a²))`. A non-finite or
    /// non-positive `sample_rate` is replaced by 44100.
    pub fn new(sample_rate: f32, seed: u32) -> Brown {
        let sr = sane_sample_rate(sample_rate);
        let a = (-std::f32::consts::TAU * BROWN_LEAK_HZ / sr).exp();
        Brown {
            white: Noise::new(seed),
            y: 0.0,
            a,
            c: BROWN_RMS * (3.0 * (1.0 - a * a)).sqrt(),
        }
    }

    /// The white generator's state, the integrator and the coefficients `a`, `c`
    /// (the JIT's twin starts from them).
    pub(crate) fn parts(&self) -> (u32, f32, f32, f32) {
        (self.white.bits(), self.y, self.a, self.c)
    }
}

/// Brown noise (-6 dB per octave above [`BROWN_LEAK_HZ`]): leaky integrated white
/// noise, `y ← a y + c w` over the white noise `w` of [`Noise`], clamped to [-1, 1]
/// (`if v > -1 { v.min(1) } else { -1 }`). The leak keeps it from drifting; `c` gives
/// an RMS of [`BROWN_RMS`] at every sample rate (`w` has variance 1/3, the
/// integrator's power gain is `1/(1 - a²)`). Peaks over a few seconds are about ±0.8;
/// the clamp is reached with vanishing probability.
pub fn brown(s: &mut Brown, out: &mut [f32]) {
    for o in out.iter_mut() {
        let w = s.white.next();
        let v = s.a * s.y + s.c * w;
        s.y = if v > -1.0 { v.min(1.0) } else { -1.0 };
        *o = s.y;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The residual polynomials against their definitions, numerically: `blep` is the
    /// running integral of the cubic B-spline minus the unit step, `blamp` the running
    /// integral of `blep`; both are continuous and vanish at ±2.
    #[test]
    fn residuals_are_the_integrated_cubic_b_spline() {
        let spline = |x: f64| {
            let a = x.abs();
            if a < 1.0 {
                (4.0 - 6.0 * a * a + 3.0 * a * a * a) / 6.0
            } else if a < 2.0 {
                (2.0 - a).powi(3) / 6.0
            } else {
                0.0
            }
        };
        let h = 1e-4;
        let (mut step, mut ramp) = (0.0f64, 0.0f64);
        let mut x = -2.5f64;
        while x < 2.5 {
            // Midpoint rule for the step, trapezoid on the residual for the ramp.
            step += spline(x + h / 2.0) * h;
            let before = blep((x) as f32) as f64;
            x += h;
            let unit = if x >= 0.0 { 1.0 } else { 0.0 };
            let r = step - unit;
            let got = blep(x as f32) as f64;
            assert!((got - r).abs() < 1e-5, "blep({x}) = {got}, want {r}");
            ramp += (before + got) / 2.0 * h;
            let q = blamp(x as f32) as f64;
            assert!((q - ramp).abs() < 1e-4, "blamp({x}) = {q}, want {ramp}");
        }
        assert_eq!(blep(2.0), 0.0);
        assert_eq!(blep(-2.0), 0.0);
        assert_eq!(blamp(2.0), 0.0);
        assert_eq!(blep(0.0), -0.5);
        assert!((blep(-1e-7) - 0.5).abs() < 1e-6);
        assert!((blamp(0.0) - 7.0 / 30.0).abs() < 1e-7);
    }

    #[test]
    fn phase_wraps_both_ways() {
        let mut o = Osc::new(100.0);
        assert_eq!(advance(&mut o, 0.5), 0.0);
        assert_eq!(o.phase, 0.5);
        assert_eq!(advance(&mut o, 0.5), 1.0);
        assert_eq!(o.phase, 0.0);
        // Backwards from 0: no wrap is counted (the cycle already started at 0).
        assert_eq!(advance(&mut o, -0.25), 0.0);
        assert_eq!(o.phase, 0.75);
        assert_eq!(advance(&mut o, -0.5), 0.0);
        assert_eq!(advance(&mut o, -0.25), 1.0);
        assert_eq!(o.phase, 0.0);
        // A tiny negative step lands on 0, not on 1.
        o.phase = 0.0;
        advance(&mut o, 1e-3);
        advance(&mut o, -2e-3);
        assert!(o.phase < 1.0 && o.phase > 0.99);
        assert_eq!(increment(f32::NAN, 100.0), 0.0);
        assert_eq!(increment(1e9, 100.0), 0.5);
        assert_eq!(increment(-1e9, 100.0), -0.5);
    }
}
