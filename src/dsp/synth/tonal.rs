//! The pitched synths with their own oscillator banks: `superpiano` and `fm`.
//!
//! Both run sine phase accumulators in turns through [`approx::sin_turns`]; a phase
//! advances by `freq / sample_rate` clamped to ±1/2 per sample (NaN: 0) and wraps
//! into [0, 1) by subtracting its floor.

use super::super::approx;
use super::super::osc::{self, Noise};
use super::drums::Tail;
use super::CHUNK;

/// The phase increment of `freq` Hz at `1 / sample_rate = inv_sr`, clamped to ±1/2
/// (NaN: 0).
#[inline]
pub(super) fn increment(freq: f32, inv_sr: f32) -> f32 {
    let dt = freq * inv_sr;
    if dt > -0.5 {
        dt.min(0.5)
    } else if dt <= -0.5 {
        -0.5
    } else {
        0.0
    }
}

/// `phase + dt` wrapped into [0, 1) (anything else, e.g. NaN, gives 0).
#[inline]
pub(super) fn advance(phase: f32, dt: f32) -> f32 {
    let p = phase + dt;
    let q = p - approx::floor(p);
    if (0.0..1.0).contains(&q) {
        q
    } else {
        0.0
    }
}

/// The piano's natural length in seconds (see [`Piano`]).
pub const PIANO_SECONDS: f32 = 3.0;
/// How many partials the piano sums.
pub const PIANO_PARTIALS: usize = 8;
/// The string's inharmonicity coefficient `B`: partial `k` sounds at
/// `k f √(1 + B k²)` (a stiff string; 4e-4 is a mid-range piano string's order).
pub const PIANO_INHARMONICITY: f32 = 4e-4;
/// Where the hammer strikes, as a fraction of the string's length: partial `k`'s
/// amplitude is proportional to `|sin(π k x)| / k`, so the 7th partial is missing.
pub const PIANO_HAMMER_POSITION: f32 = 1.0 / 7.0;
/// The fundamental's decay time constant (seconds) at and below middle C; above it,
/// `PIANO_TAU · √(261.63 / freq)` (high strings die sooner). Partial `k` decays with
/// `τ₁ / √k`.
pub const PIANO_TAU: f32 = 0.6;
/// The sum of the partials' start amplitudes: the tonal part's peak can never exceed it.
pub const PIANO_PEAK: f32 = 0.45;
/// The hammer thump: white noise at this level, decaying with [`PIANO_THUMP_TAU`],
/// through a one-pole low-pass at [`PIANO_THUMP_CUTOFF`].
pub const PIANO_THUMP_LEVEL: f32 = 0.05;
/// The thump's decay time constant, seconds.
pub const PIANO_THUMP_TAU: f32 = 0.004;
/// The thump's low-pass cutoff, Hz.
pub const PIANO_THUMP_CUTOFF: f32 = 2500.0;
/// Middle C, Hz: the note `n 0`, the reference of the pitch-dependent constants.
pub const MIDDLE_C: f32 = 261.625_58;

/// `superpiano`: a struck stiff string. [`PIANO_PARTIALS`] sine partials, partial `k`
/// at `k f √(1 + B k²)` ([`PIANO_INHARMONICITY`]) with start amplitude
/// `PIANO_PEAK · |sin(π k x)|/k / Σⱼ |sin(π j x)|/j` (`x` = [`PIANO_HAMMER_POSITION`])
/// and an exponential decay of time constant `τ₁/√k` ([`PIANO_TAU`]); a partial whose
/// frequency (after the glide) is above 0.45 of the sample rate is left out, so
/// nothing aliases. Plus the hammer's thump (decaying low-passed noise, peak 0.05).
/// Peak at most 0.5. It sounds [`PIANO_SECONDS`]; over the last
/// [`super::drums::TAIL_FADE_SECONDS`] it fades linearly to 0. All partials start at
/// phase 0, so the first sample is the thump's alone.
#[derive(Clone, Copy, Debug)]
pub struct Piano {
    phase: [f32; PIANO_PARTIALS],
    /// Partial `k`'s frequency over the voice's.
    stretch: [f32; PIANO_PARTIALS],
    amp: [f32; PIANO_PARTIALS],
    /// Per-sample amplitude multipliers, `e^(-1/(τ_k sr))`.
    decay: [f32; PIANO_PARTIALS],
    inv_sr: f32,
    hammer: Noise,
    thump: f32,
    thump_decay: f32,
    thump_lp: f32,
    thump_g: f32,
    tail: Tail,
}

impl Piano {
    pub(super) fn new(freq: f32, sr: f32, seed: u32) -> Piano {
        let x = PIANO_HAMMER_POSITION;
        let raw: [f32; PIANO_PARTIALS] = std::array::from_fn(|i| {
            let k = (i + 1) as f32;
            (std::f32::consts::PI * k * x).sin().abs() / k
        });
        let total: f32 = raw.iter().sum();
        let tau1 = PIANO_TAU * (MIDDLE_C / freq.abs().max(MIDDLE_C)).sqrt();
        Piano {
            phase: [0.0; PIANO_PARTIALS],
            stretch: std::array::from_fn(|i| {
                let k = (i + 1) as f32;
                k * (1.0 + PIANO_INHARMONICITY * k * k).sqrt()
            }),
            amp: std::array::from_fn(|i| PIANO_PEAK * raw[i] / total),
            decay: std::array::from_fn(|i| {
                let tau = tau1 / ((i + 1) as f32).sqrt();
                (-1.0 / (tau * sr)).exp()
            }),
            inv_sr: 1.0 / sr,
            hammer: Noise::new(seed),
            thump: PIANO_THUMP_LEVEL,
            thump_decay: (-1.0 / (PIANO_THUMP_TAU * sr)).exp(),
            thump_lp: 0.0,
            thump_g: 1.0 - (-std::f32::consts::TAU * PIANO_THUMP_CUTOFF / sr).exp(),
            tail: Tail::new(PIANO_SECONDS, sr),
        }
    }

    /// Renders `out.len()` (at most [`CHUNK`]) frames at the voice frequencies `f`.
    pub(super) fn render(&mut self, f: &[f32], out: &mut [f32]) {
        let mut w = [0.0f32; CHUNK];
        let w = &mut w[..out.len().min(CHUNK)];
        osc::noise(&mut self.hammer, w);
        for ((o, &fr), &white) in out.iter_mut().zip(f).zip(w.iter()) {
            let mut s = 0.0;
            for k in 0..PIANO_PARTIALS {
                let dt = increment(fr * self.stretch[k], self.inv_sr);
                if dt.abs() < 0.45 {
                    s += self.amp[k] * approx::sin_turns(self.phase[k]);
                }
                self.phase[k] = advance(self.phase[k], dt);
                self.amp[k] *= self.decay[k];
            }
            self.thump_lp += self.thump_g * (white * self.thump - self.thump_lp);
            self.thump *= self.thump_decay;
            *o = (s + self.thump_lp) * self.tail.next();
        }
    }
}

/// The FM modulator's frequency over the carrier's.
pub const FM_RATIO: f32 = 1.0;
/// The modulation index (peak phase deviation, radians) at the onset.
pub const FM_INDEX_START: f32 = 3.0;
/// The index it decays towards.
pub const FM_INDEX_END: f32 = 1.0;
/// The time constant of the index's exponential decay, seconds.
pub const FM_INDEX_TAU: f32 = 0.3;
/// The carrier's amplitude: the output's peak.
pub const FM_LEVEL: f32 = 0.4;

/// `fm`: two-operator phase modulation, `0.4 sin(2π φc + I(t) sin(2π φm))`, the
/// carrier phase `φc` at the voice's frequency, the modulator `φm` at
/// [`FM_RATIO`] (1) times it, both starting at 0. The index falls exponentially,
/// `I(t) = 1 + 2 e^(-t/0.3 s)` ([`FM_INDEX_START`], [`FM_INDEX_END`],
/// [`FM_INDEX_TAU`]): a bright attack mellowing into a steady tone. With ratio 1 the
/// spectrum is harmonic: harmonic `k` has amplitude `0.4 |J_{k-1}(I) + (-1)^k
/// J_{k+1}(I)|` (the lower sidebands fold onto the upper ones). Peak 0.4. Not
/// band-limited: with the index near 3 the partials above `(I + 2) f` are below -40
/// dB, so aliasing starts at pitches above about 1/10 of the sample rate.
#[derive(Clone, Copy, Debug)]
pub struct Fm {
    carrier: f32,
    modulator: f32,
    /// `I(t) - FM_INDEX_END`.
    excess: f32,
    decay: f32,
    inv_sr: f32,
}

impl Fm {
    pub(super) fn new(sr: f32) -> Fm {
        Fm {
            carrier: 0.0,
            modulator: 0.0,
            excess: FM_INDEX_START - FM_INDEX_END,
            decay: (-1.0 / (FM_INDEX_TAU * sr)).exp(),
            inv_sr: 1.0 / sr,
        }
    }

    /// Renders `out.len()` frames at the carrier frequencies `f`.
    pub(super) fn render(&mut self, f: &[f32], out: &mut [f32]) {
        let to_turns = 1.0 / std::f32::consts::TAU;
        for (o, &fr) in out.iter_mut().zip(f) {
            let index = FM_INDEX_END + self.excess;
            let m = approx::sin_turns(self.modulator);
            *o = FM_LEVEL * approx::sin_turns(self.carrier + index * to_turns * m);
            self.carrier = advance(self.carrier, increment(fr, self.inv_sr));
            self.modulator = advance(self.modulator, increment(fr * FM_RATIO, self.inv_sr));
            self.excess *= self.decay;
        }
    }
}
