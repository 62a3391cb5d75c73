//! Envelope generators: `ad`, `adsr` and `perc`, levels in 0..1.
//!
//! Each kernel processes one block of one envelope: every slice has the same length `n`
//! (if they differ, the shortest one decides how many frames are written). The state
//! lives in [`Env`], so a block can be split anywhere without changing the output.
//!
//! ## Timing convention
//!
//! The output of a frame is the envelope's level *at* that frame, then the level
//! advances by one sample: the kernels sample the ideal continuous envelope. A segment
//! that lasts `T` seconds therefore spans `T · sample_rate` frames: an attack of 0.01 s
//! triggered on frame 0 outputs `k/441` on frame `k` and reaches 1 exactly on frame 441
//! (at 44.1 kHz). A segment's last step is clipped at its target (so no step is ever
//! larger than the slope), and a level within a thousandth of a step of the target
//! counts as arrived, which absorbs rounding.
//!
//! The level is accumulated in f64: in f32, adding a constant step 10^4 times drifts by
//! about half a step (the rounding errors are correlated), which would move segment ends
//! by a frame; in f64 the drift stays far below a thousandth of a step for segments of
//! minutes. The output is the level rounded to f32.
//!
//! ## Triggers and gates
//!
//! A frame with `trig > 0` (re)starts the attack *at that frame*: that frame's output is
//! the first sample of the attack, i.e. the current level (0 from idle), and the next
//! frames rise. A retrigger starts from the current level, so there is never a jump: the
//! attack slope stays `1 / attack` per second and the rise to 1 takes `(1 - level) ·
//! attack` seconds. For `adsr`, `gate > 0` holds the envelope in attack/decay/sustain;
//! the first frame with the gate down starts the release. A rising gate (low on the
//! previous frame, high on this one) starts the attack as well, so a gate alone is
//! enough; a trigger with the gate low acts as a one-frame gate (attack for that frame,
//! release from the next). NaN triggers and gates count as 0.
//!
//! ## Parameters
//!
//! Times are in seconds, read per sample (they can be modulated; the slope of a segment
//! is recomputed every sample from the current value). A time is clamped to at least one
//! sample: 0, negative and NaN mean one sample; `+inf` means a segment that never ends.
//! `sustain` is clamped to 0..1 (NaN is 0).

/// Which segment an envelope is in (the JIT's twin keeps these numbers as f64).
pub const IDLE: u8 = 0;
pub const ATTACK: u8 = 1;
pub const DECAY: u8 = 2;
pub const SUSTAIN: u8 = 3;
pub const RELEASE: u8 = 4;

/// The attack of [`perc`], in seconds.
pub const PERC_ATTACK: f32 = 0.001;

/// `log2(0.001)`: [`perc`] decays by this many octaves of level (-60 dB) over `release`.
pub const LOG2_MINUS_60_DB: f32 = -9.965_784;

/// A level within this fraction of a step of a segment's target has arrived.
pub const ARRIVED: f64 = 1e-3;

/// Below this level (-120 dB) a [`perc`] release is over and the envelope is idle.
pub const PERC_FLOOR: f64 = 1e-6;

/// The sample rate an [`Env`] uses: `sample_rate` if it is a positive finite number,
/// else 44100.
pub(crate) fn env_sample_rate(sample_rate: f32) -> f64 {
    let sample_rate = if sample_rate.is_finite() && sample_rate > 0.0 {
        sample_rate
    } else {
        44100.0
    };
    sample_rate as f64
}

/// The state of one envelope: its current level and segment.
#[derive(Clone, Debug)]
pub struct Env {
    sample_rate: f64,
    /// The current level, in f64 (see the module doc).
    level: f64,
    stage: u8,
    /// Level at which the current `adsr` release started (its slope is `start / release`).
    release_from: f64,
    /// Whether the gate was up on the previous frame (for rising-edge detection).
    gate_was_up: bool,
    /// The `release` value [`perc`] last turned into `decay_factor`, and that factor
    /// (a cache: recomputing it every sample gives the same values).
    cached_release: f32,
    decay_factor: f64,
}

impl Env {
    /// An idle envelope at level 0. A sample rate that is not a positive finite number
    /// is taken as 44100.
    pub fn new(sample_rate: f32) -> Env {
        Env {
            sample_rate: env_sample_rate(sample_rate),
            level: 0.0,
            stage: IDLE,
            release_from: 0.0,
            gate_was_up: false,
            cached_release: f32::NAN,
            decay_factor: 1.0,
        }
    }

    #[cfg(any(test, feature = "testing"))]
    /// Whether the envelope is idle (finished, level 0).
    pub fn is_idle(&self) -> bool {
        self.stage == IDLE
    }

    /// One sample of the linear attack to 1 over `attack` seconds; on arrival the
    /// decay begins.
    fn attack_step(&mut self, attack: f32) {
        let step = 1.0 / self.samples(attack);
        self.level += step;
        if self.level >= 1.0 - ARRIVED * step {
            self.level = 1.0;
            self.stage = DECAY;
        }
    }

    /// A duration in seconds as a number of samples, at least 1 (NaN gives 1).
    #[inline]
    fn samples(&self, seconds: f32) -> f64 {
        let n = seconds as f64 * self.sample_rate;
        if n > 1.0 {
            n
        } else {
            1.0
        }
    }
}

/// The shortest of the lengths (all are equal in normal use).
#[inline]
fn frames(lens: &[usize]) -> usize {
    lens.iter().copied().min().unwrap_or(0)
}

/// Attack-decay envelope: a linear rise from the current level to 1 at the slope
/// `1/attack` per second, then a linear fall from 1 to 0 over `decay` seconds, then idle
/// at 0. `trig > 0` (re)starts the attack on that frame (see the module doc for the
/// timing convention). No gate: the decay follows the attack immediately.
pub fn ad(s: &mut Env, attack: &[f32], decay: &[f32], trig: &[f32], out: &mut [f32]) {
    let n = frames(&[attack.len(), decay.len(), trig.len(), out.len()]);
    let (attack, decay, trig, out) = (&attack[..n], &decay[..n], &trig[..n], &mut out[..n]);
    for i in 0..n {
        if trig[i] > 0.0 {
            s.stage = ATTACK;
        }
        out[i] = s.level as f32;
        if s.stage == ATTACK {
            s.attack_step(attack[i]);
        } else if s.stage == DECAY {
            let step = 1.0 / s.samples(decay[i]);
            s.level -= step;
            if s.level <= ARRIVED * step {
                s.level = 0.0;
                s.stage = IDLE;
            }
        }
    }
}

/// Attack-decay-sustain-release envelope, linear segments: attack from the current
/// level to 1 at the slope `1/attack` per second; decay from 1 to `sustain` over `decay`
/// seconds; hold at `sustain` (which follows its parameter per sample) while the gate is
/// up; when the gate falls, release linearly from the level of that moment (which may
/// be mid-attack or mid-decay) to 0 over `release` seconds, then idle. See the module
/// doc for triggers, gates and clamping.
#[allow(clippy::too_many_arguments)]
pub fn adsr(
    s: &mut Env,
    attack: &[f32],
    decay: &[f32],
    sustain: &[f32],
    release: &[f32],
    trig: &[f32],
    gate: &[f32],
    out: &mut [f32],
) {
    let n = frames(&[
        attack.len(),
        decay.len(),
        sustain.len(),
        release.len(),
        trig.len(),
        gate.len(),
        out.len(),
    ]);
    let (attack, decay, sustain, release) =
        (&attack[..n], &decay[..n], &sustain[..n], &release[..n]);
    let (trig, gate, out) = (&trig[..n], &gate[..n], &mut out[..n]);
    for i in 0..n {
        let up = gate[i] > 0.0;
        if trig[i] > 0.0 || (up && !s.gate_was_up) {
            s.stage = ATTACK;
        } else if !up && (s.stage == ATTACK || s.stage == DECAY || s.stage == SUSTAIN) {
            s.stage = RELEASE;
            s.release_from = s.level;
        }
        s.gate_was_up = up;
        let sus = if sustain[i] > 0.0 {
            sustain[i].min(1.0) as f64
        } else {
            0.0
        };
        if s.stage == SUSTAIN {
            s.level = sus;
        }
        out[i] = s.level as f32;
        if s.stage == ATTACK {
            s.attack_step(attack[i]);
        } else if s.stage == DECAY {
            let step = (1.0 - sus) / s.samples(decay[i]);
            s.level -= step;
            if s.level <= sus + ARRIVED * step {
                s.level = sus;
                s.stage = SUSTAIN;
            }
        } else if s.stage == RELEASE {
            let step = s.release_from / s.samples(release[i]);
            s.level -= step;
            if s.level <= ARRIVED * step {
                s.level = 0.0;
                s.stage = IDLE;
            }
        }
    }
}

/// Percussive envelope: a near-instant linear attack ([`PERC_ATTACK`] = 1 ms, enough to
/// avoid a click; at least one sample) from the current level to 1, then an exponential
/// release: the level is multiplied every sample by `2^(log2(0.001) / (release ·
/// sample_rate))`, so it is 0.001 (-60 dB) `release` seconds after the peak frame, and
/// keeps decaying; below 1e-6 (-120 dB) it becomes 0 and the envelope is idle.
/// `trig > 0` (re)starts the attack on that frame.
pub fn perc(s: &mut Env, release: &[f32], trig: &[f32], out: &mut [f32]) {
    let n = frames(&[release.len(), trig.len(), out.len()]);
    let (release, trig, out) = (&release[..n], &trig[..n], &mut out[..n]);
    let attack_step = 1.0 / s.samples(PERC_ATTACK);
    for i in 0..n {
        if trig[i] > 0.0 {
            s.stage = ATTACK;
        }
        out[i] = s.level as f32;
        if s.stage == ATTACK {
            s.level += attack_step;
            if s.level >= 1.0 - ARRIVED * attack_step {
                s.level = 1.0;
                s.stage = RELEASE;
            }
        } else if s.stage == RELEASE {
            if release[i] != s.cached_release {
                let octaves = LOG2_MINUS_60_DB as f64 / s.samples(release[i]);
                s.decay_factor = super::approx::exp2(octaves as f32) as f64;
                s.cached_release = release[i];
            }
            s.level *= s.decay_factor;
            if s.level < PERC_FLOOR {
                s.level = 0.0;
                s.stage = IDLE;
            }
        }
    }
}
