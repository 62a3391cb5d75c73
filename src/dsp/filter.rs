//! Filters: `lpf hpf bpf notch` (a state-variable filter) and `moog` (a ladder).
//!
//! Every kernel renders one channel of one block. `input`, the parameter slices and
//! `out` are per-sample and equally long (the loops zip them, so unequal lengths
//! shorten the block instead of panicking). Coefficients are recomputed every sample
//! from the current cutoff and q, so the cutoff can be modulated at audio rate; both
//! filters are trapezoidal ("topology-preserving", zero-delay feedback) structures
//! whose states stay bounded under any such modulation. State persists across calls:
//! a block gives the same samples as any split of it into smaller calls.
//!
//! Parameters are clamped (NaN counts as the lower bound): cutoff to
//! [10 Hz, 0.49 · sample rate], q to [0.05, 50], Moog resonance to [0, 1.2]. A state
//! that has become non-finite (only a non-finite or astronomically large input can
//! do that) is reset to 0 at the end of the block, so one bad block does not silence
//! the filter for ever.
//!
//! Only `+ - * /`, comparisons, min and [`approx::tan_pi`] / [`approx::tanh`] appear
//! per sample. Denormals are left to the runtime (FTZ/DAZ on kernel threads).
//!
//! The coefficients are a pure function of the current (cutoff, q or resonance);
//! the interpreter caches them and recomputes only when a parameter changes (the
//! common case of constant parameters then costs no `tan`), which changes no sample:
//! a JIT may recompute them every sample instead and still agree exactly.

use super::approx;
use super::osc::sane_sample_rate;

/// Lowest cutoff, in Hz.
pub const MIN_CUTOFF: f32 = 10.0;
/// Highest cutoff, as a fraction of the sample rate.
pub const MAX_CUTOFF_RATIO: f32 = 0.49;
/// Range of the SVF's q.
pub const MIN_Q: f32 = 0.05;
/// Range of the SVF's q.
pub const MAX_Q: f32 = 50.0;
/// Highest Moog resonance (1 is the edge of self-oscillation).
pub const MAX_RESONANCE: f32 = 1.2;

/// `x` clamped to [lo, hi]; NaN gives `lo`.
#[inline]
fn clamp(x: f32, lo: f32, hi: f32) -> f32 {
    if x > lo {
        x.min(hi)
    } else {
        lo
    }
}

/// `g = tan(π fc / fs)`, the prewarped integrator gain, with the cutoff clamped.
#[inline]
fn prewarp(cutoff: f32, sample_rate: f32) -> f32 {
    let fc = clamp(cutoff, MIN_CUTOFF, MAX_CUTOFF_RATIO * sample_rate);
    approx::tan_pi(fc / sample_rate)
}

/// Which output of the state-variable filter [`svf`] returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SvfMode {
    /// `H(s) = 1 / (s² + s/Q + 1)` (s normalised to the cutoff).
    Low,
    /// `H(s) = s² / (s² + s/Q + 1)`.
    High,
    /// Constant peak gain: `H(s) = (s/Q) / (s² + s/Q + 1)`, unity (0 dB) at the
    /// centre frequency, -3 dB bandwidth `cutoff / Q`.
    Band,
    /// `H(s) = (s² + 1) / (s² + s/Q + 1)`: zero at the centre frequency.
    Notch,
}

impl SvfMode {
    /// The output from the core's signals: `v0` the input, `kv1` the band output
    /// times k = 1/Q, `v2` the low output. Low = v2, High = v0 - k v1 - v2,
    /// Band = k v1, Notch = v0 - k v1 (only the terms a mode uses are computed, so a
    /// twin that specialises on the mode computes the same bits).
    #[inline]
    pub fn output(self, v0: f32, kv1: f32, v2: f32) -> f32 {
        match self {
            SvfMode::Low => v2,
            SvfMode::High => v0 - kv1 - v2,
            SvfMode::Band => kv1,
            SvfMode::Notch => v0 - kv1,
        }
    }
}

/// State of a state-variable filter: the two trapezoidal integrators.
#[derive(Clone, Debug, PartialEq)]
pub struct Svf {
    sample_rate: f32,
    ic1eq: f32,
    ic2eq: f32,
    /// The (cutoff, q) the cached coefficients were computed from.
    last: (f32, f32),
    /// Cached (k, a1, a2, a3): a pure function of `last`, so reusing them while the
    /// parameters are unchanged gives the same samples as recomputing them.
    coef: (f32, f32, f32, f32),
}

impl Svf {
    /// A filter at rest. A non-finite or non-positive `sample_rate` is replaced by 44100.
    pub fn new(sample_rate: f32) -> Svf {
        Svf {
            sample_rate: sane_sample_rate(sample_rate),
            ic1eq: 0.0,
            ic2eq: 0.0,
            // NaN never equals a parameter, so the first sample computes them.
            last: (f32::NAN, f32::NAN),
            coef: (0.0, 0.0, 0.0, 0.0),
        }
    }
}

/// The coefficients of [`svf`] for one (cutoff, q): `g = tan(π cutoff / sr)` with the
/// cutoff clamped to [10 Hz, 0.49 sr], `k = 1/q` with q clamped to [0.05, 50],
/// `a1 = 1 / (1 + g (g + k))`, `a2 = g a1`, `a3 = g a2`. The one home of this maths:
/// [`svf`] computes them through it, and the voices' per-voice filters (constant
/// parameters per voice) compute them once and run [`SvfCoef::tick`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SvfCoef {
    pub k: f32,
    pub a1: f32,
    pub a2: f32,
    pub a3: f32,
}

impl SvfCoef {
    /// The coefficients at `cutoff` Hz and `q` for `sample_rate` (already sane).
    #[inline]
    pub fn new(cutoff: f32, q: f32, sample_rate: f32) -> SvfCoef {
        let g = prewarp(cutoff, sample_rate);
        let k = 1.0 / clamp(q, MIN_Q, MAX_Q);
        let a1 = 1.0 / (1.0 + g * (g + k));
        let a2 = g * a1;
        SvfCoef {
            k,
            a1,
            a2,
            a3: g * a2,
        }
    }

    /// One sample of [`svf`]'s core with these coefficients: `ic` holds the two
    /// integrator states (ic1eq, ic2eq), updated in place.
    #[inline(always)]
    pub fn tick(&self, mode: SvfMode, ic: &mut [f32; 2], v0: f32) -> f32 {
        let v3 = v0 - ic[1];
        let v1 = self.a1 * ic[0] + self.a2 * v3;
        let v2 = ic[1] + self.a2 * ic[0] + self.a3 * v3;
        ic[0] = 2.0 * v1 - ic[0];
        ic[1] = 2.0 * v2 - ic[1];
        mode.output(v0, self.k * v1, v2)
    }
}

/// State-variable filter, 12 dB/octave: Andrew Simper's trapezoidal SVF
/// ("Linear Trapezoidal Integrated SVF", Cytomic 2013, the `SvfLinearTrapOptimised2`
/// form), the topology-preserving transform of the analog SVF (Zavalishin, "The Art
/// of VA Filter Design", ch. 4). Per sample:
///
/// ```text
/// g = tan(π cutoff / sr), k = 1/q
/// a1 = 1 / (1 + g (g + k)), a2 = g a1, a3 = g a2
/// v3 = v0 - ic2eq
/// v1 = a1 ic1eq + a2 v3          (band)
/// v2 = ic2eq + a2 ic1eq + a3 v3  (low)
/// ic1eq = 2 v1 - ic1eq, ic2eq = 2 v2 - ic2eq
/// ```
///
/// It is the bilinear transform of the analog prototype prewarped at the cutoff, so
/// the response at frequency f is the prototype's (see [`SvfMode`]) at
/// `tan(π f/sr) / tan(π cutoff/sr)`: exact at the cutoff (Low with q = 0.707 is
/// -3.01 dB there), with the prototype's zero pushed to Nyquist. `cutoff` in Hz is
/// clamped to [10, 0.49 sr], `q` to [0.05, 50]; NaN takes the lower bound.
pub fn svf(s: &mut Svf, mode: SvfMode, input: &[f32], cutoff: &[f32], q: &[f32], out: &mut [f32]) {
    let sr = s.sample_rate;
    let (mut ic1eq, mut ic2eq) = (s.ic1eq, s.ic2eq);
    let (mut last, mut coef) = (s.last, s.coef);
    for (((o, &v0), &fc), &q) in out.iter_mut().zip(input).zip(cutoff).zip(q) {
        if (fc, q) != last {
            last = (fc, q);
            let c = SvfCoef::new(fc, q, sr);
            coef = (c.k, c.a1, c.a2, c.a3);
        }
        let (k, a1, a2, a3) = coef;
        let v3 = v0 - ic2eq;
        let v1 = a1 * ic1eq + a2 * v3;
        let v2 = ic2eq + a2 * ic1eq + a3 * v3;
        ic1eq = 2.0 * v1 - ic1eq;
        ic2eq = 2.0 * v2 - ic2eq;
        *o = mode.output(v0, k * v1, v2);
    }
    s.last = last;
    s.coef = coef;
    if ic1eq.is_finite() && ic2eq.is_finite() {
        s.ic1eq = ic1eq;
        s.ic2eq = ic2eq;
    } else {
        s.ic1eq = 0.0;
        s.ic2eq = 0.0;
    }
}

/// State of a Moog ladder: the four one-pole integrator states.
#[derive(Clone, Debug, PartialEq)]
pub struct Moog {
    sample_rate: f32,
    s: [f32; 4],
    /// The (cutoff, resonance) the cached coefficients were computed from.
    last: (f32, f32),
    /// Cached (G, 1/(1+g), k, G⁴/(1 + k G⁴), 1/(1 + k G⁴)), a pure function of `last` (see [`Svf`]).
    coef: (f32, f32, f32, f32, f32),
}

impl Moog {
    /// A filter at rest. A non-finite or non-positive `sample_rate` is replaced by 44100.
    pub fn new(sample_rate: f32) -> Moog {
        Moog {
            sample_rate: sane_sample_rate(sample_rate),
            s: [0.0; 4],
            last: (f32::NAN, f32::NAN),
            coef: (0.0, 0.0, 0.0, 0.0, 0.0),
        }
    }
}

/// Moog ladder low-pass, 24 dB/octave: four trapezoidal one-pole low-passes in series
/// with global negative feedback, the zero-delay feedback solved exactly for the
/// linear ladder (Zavalishin, "The Art of VA Filter Design", ch. 5, "4-pole ladder"),
/// and a `tanh` saturator ([`approx::tanh`]) on the ladder's input, after the
/// feedback is subtracted. Per sample, with `G = g/(1+g)`, `g = tan(π cutoff/sr)`,
/// `k = 4 resonance` and stage states `s1..s4`:
///
/// ```text
/// S  = (G³ s1 + G² s2 + G s3 + s4) / (1 + g)      (the ladder's zero-input output)
/// y4 = (G⁴ x + S) / (1 + k G⁴)                     (solved feedback, computed as
///      G⁴ d x + d S with d = 1 / (1 + k G⁴))
/// u  = tanh(x - k y4)
/// each stage i:  v = G (u_i - s_i);  y_i = v + s_i;  s_i = y_i + v;  u_{i+1} = y_i
/// out = y_4
/// ```
///
/// For small signals (|x - k y4| well below 1) it is the bilinear transform of the
/// analog ladder `1 / ((1 + s)^4 + k)` prewarped at the cutoff: -12 dB at the cutoff
/// with resonance 0, -24 dB/octave above, a DC gain of `1/(1 + k)` (the classic
/// ladder's bass loss, not compensated), and a loop gain of exactly 1 at the cutoff
/// for resonance 1 (the edge of self-oscillation). Larger signals saturate softly
/// (the input is not pre-scaled: a full-scale input is driven into the tanh). Since
/// `|u| <= 1` and each trapezoidal one-pole is stable for any `g > 0`, the output
/// stays bounded for any input and any modulation. `cutoff` in Hz is clamped to
/// [10, 0.49 sr], `resonance` to [0, 1.2] (above 1 it self-oscillates; NaN gives 0).
pub fn moog(s: &mut Moog, input: &[f32], cutoff: &[f32], resonance: &[f32], out: &mut [f32]) {
    let sr = s.sample_rate;
    let [mut s1, mut s2, mut s3, mut s4] = s.s;
    let (mut last, mut coef) = (s.last, s.coef);
    for (((o, &x), &fc), &r) in out.iter_mut().zip(input).zip(cutoff).zip(resonance) {
        if (fc, r) != last {
            last = (fc, r);
            let g = prewarp(fc, sr);
            let b = 1.0 / (1.0 + g);
            let gg = g * b;
            let g2 = gg * gg;
            let g4 = g2 * g2;
            let k = 4.0 * clamp(r, 0.0, MAX_RESONANCE);
            let d = 1.0 / (1.0 + k * g4);
            coef = (gg, b, k, g4 * d, d);
        }
        let (gg, b, k, g4d, d) = coef;
        let sum = b * (gg * (gg * (gg * s1 + s2) + s3) + s4);
        let y4 = g4d * x + d * sum;
        let u = approx::tanh(x - k * y4);
        let v = gg * (u - s1);
        let y1 = v + s1;
        s1 = y1 + v;
        let v = gg * (y1 - s2);
        let y2 = v + s2;
        s2 = y2 + v;
        let v = gg * (y2 - s3);
        let y3 = v + s3;
        s3 = y3 + v;
        let v = gg * (y3 - s4);
        let y4 = v + s4;
        s4 = y4 + v;
        *o = y4;
    }
    s.last = last;
    s.coef = coef;
    let next = [s1, s2, s3, s4];
    s.s = if next.iter().all(|v| v.is_finite()) {
        next
    } else {
        [0.0; 4]
    };
}
