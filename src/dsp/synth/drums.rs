//! The drum synths `superkick supersnare superhat`, after SuperDirt's drums of the same
//! names (Rumble-San's SuperCollider drums), and the shared end-of-sound fade.
//!
//! Pitch: a voice's frequency comes from its note (`n 0` = middle C, 261.63 Hz); each
//! drum maps it to its own base pitch by a fixed ratio, so `n 0` (the default) gives
//! the drum's usual sound and `n 12` the same drum an octave up.

use super::super::approx;
use super::super::osc::{self, Noise, Osc};
use super::tonal::{advance, increment, MIDDLE_C};
use super::CHUNK;

/// The linear fade-out at the end of a synth with a natural length, seconds.
pub const TAIL_FADE_SECONDS: f32 = 0.05;

/// The end of a sound with a natural length: the gain is 1 until
/// [`TAIL_FADE_SECONDS`] before the end, then falls linearly to 0 at the end, and
/// stays 0.
#[derive(Clone, Copy, Debug)]
pub(super) struct Tail {
    age: u32,
    end: u32,
    fade: f32,
}

impl Tail {
    pub(super) fn new(seconds: f32, sr: f32) -> Tail {
        Tail {
            age: 0,
            end: (seconds * sr).round() as u32,
            fade: (TAIL_FADE_SECONDS * sr).round().max(1.0),
        }
    }

    /// This frame's gain; advances one frame.
    #[inline]
    pub(super) fn next(&mut self) -> f32 {
        let left = self.end.saturating_sub(self.age) as f32;
        self.age = self.age.saturating_add(1);
        (left / self.fade).min(1.0)
    }
}

/// One-pole low-pass coefficient for `cutoff` Hz: `1 - e^(-2π fc / sr)`.
#[inline]
fn one_pole(cutoff: f32, sr: f32) -> f32 {
    1.0 - approx::exp(-std::f32::consts::TAU * cutoff / sr)
}

/// A trapezoidal (topology-preserving) state-variable filter with fixed cutoff and q:
/// `g = tan(π fc/sr)`, `k = 1/q`, returning the low-, band- and high-pass outputs of
/// each input sample (Zavalishin's / Simper's form; its states stay bounded).
#[derive(Clone, Copy, Debug)]
struct Svf {
    a1: f32,
    a2: f32,
    a3: f32,
    k: f32,
    ic1: f32,
    ic2: f32,
}

impl Svf {
    fn new(cutoff: f32, q: f32, sr: f32) -> Svf {
        let g = approx::tan_pi((cutoff / sr).clamp(0.0, 0.49));
        let k = 1.0 / q;
        let a1 = 1.0 / (1.0 + g * (g + k));
        Svf {
            a1,
            a2: g * a1,
            a3: g * g * a1,
            k,
            ic1: 0.0,
            ic2: 0.0,
        }
    }

    /// (low, band, high) for the input `v0`.
    #[inline]
    fn tick(&mut self, v0: f32) -> (f32, f32, f32) {
        let v3 = v0 - self.ic2;
        let v1 = self.a1 * self.ic1 + self.a2 * v3;
        let v2 = self.ic2 + self.a2 * self.ic1 + self.a3 * v3;
        self.ic1 = 2.0 * v1 - self.ic1;
        self.ic2 = 2.0 * v2 - self.ic2;
        (v2, v1, v0 - self.k * v1 - v2)
    }
}

/// The kick's natural length, seconds.
pub const KICK_SECONDS: f32 = 0.5;
/// The kick's base pitch over the voice's: `55 / 261.63`, so `n 0` kicks at 55 Hz
/// (SuperDirt's superkick plays `(n - 25.5).midicps`, a pitch of its own; this keeps
/// the note's octaves instead).
pub const KICK_BASE_RATIO: f32 = 55.0 / MIDDLE_C;
/// The pitch sweep: the kick starts at `(1 + KICK_SWEEP)` = 4 times its base.
pub const KICK_SWEEP: f32 = 3.0;
/// The sweep's time constant, seconds.
pub const KICK_PITCH_TAU: f32 = 0.025;
/// The amplitude's decay time constant, seconds.
pub const KICK_AMP_TAU: f32 = 0.12;
/// The sine's start amplitude.
pub const KICK_LEVEL: f32 = 0.4;
/// The click's start level, its length and its low-pass cutoff (SuperDirt's: white
/// noise through a 1500 Hz low-pass, fading linearly over 20 ms).
pub const KICK_CLICK_LEVEL: f32 = 0.1;
pub const KICK_CLICK_SECONDS: f32 = 0.02;
pub const KICK_CLICK_CUTOFF: f32 = 1500.0;

/// `superkick`: a sine at `f(t) = b (1 + 3 e^(-t/25 ms))` (`b` = the voice's
/// frequency times [`KICK_BASE_RATIO`]: 55 Hz for `n 0`), so the pitch falls from 4b
/// to b, within 5% of b after 70 ms; its phase starts at 0 and integrates `f`, so by
/// time `T` it has turned `b (T + 3 τ (1 - e^(-T/τ)))` times. Amplitude
/// `0.4 e^(-t/0.12 s)`. Plus a click: white noise whose level falls linearly from 0.1
/// to 0 over 20 ms, through a one-pole low-pass at 1500 Hz. Peak at most 0.5. Sounds
/// [`KICK_SECONDS`], fading to 0 over the last 50 ms.
#[derive(Clone, Copy, Debug)]
pub struct Kick {
    phase: f32,
    /// `f(t)/b - 1`.
    sweep: f32,
    sweep_decay: f32,
    amp: f32,
    amp_decay: f32,
    inv_sr: f32,
    click: Noise,
    click_level: f32,
    click_step: f32,
    click_lp: f32,
    click_g: f32,
    tail: Tail,
}

impl Kick {
    pub(super) fn new(sr: f32, seed: u32) -> Kick {
        Kick {
            phase: 0.0,
            sweep: KICK_SWEEP,
            sweep_decay: (-1.0 / (KICK_PITCH_TAU * sr)).exp(),
            amp: KICK_LEVEL,
            amp_decay: (-1.0 / (KICK_AMP_TAU * sr)).exp(),
            inv_sr: 1.0 / sr,
            click: Noise::new(seed),
            click_level: KICK_CLICK_LEVEL,
            click_step: KICK_CLICK_LEVEL / (KICK_CLICK_SECONDS * sr).max(1.0),
            click_lp: 0.0,
            click_g: one_pole(KICK_CLICK_CUTOFF, sr),
            tail: Tail::new(KICK_SECONDS, sr),
        }
    }

    /// Renders `out.len()` (at most [`CHUNK`]) frames at the voice frequencies `f`.
    pub(super) fn render(&mut self, f: &[f32], out: &mut [f32]) {
        let mut w = [0.0f32; CHUNK];
        let w = &mut w[..out.len().min(CHUNK)];
        osc::noise(&mut self.click, w);
        for ((o, &fr), &white) in out.iter_mut().zip(f).zip(w.iter()) {
            self.click_lp += self.click_g * (white * self.click_level - self.click_lp);
            self.click_level = (self.click_level - self.click_step).max(0.0);
            *o = (self.amp * approx::sin_turns(self.phase) + self.click_lp) * self.tail.next();
            let pitch = fr * KICK_BASE_RATIO * (1.0 + self.sweep);
            self.phase = advance(self.phase, increment(pitch, self.inv_sr));
            self.sweep *= self.sweep_decay;
            self.amp *= self.amp_decay;
        }
    }
}

/// The snare's natural length, seconds.
pub const SNARE_SECONDS: f32 = 0.4;
/// The snare body's pitch over the voice's: `100 / 261.63`, SuperDirt's 100 Hz at `n 0`.
pub const SNARE_BASE_RATIO: f32 = 100.0 / MIDDLE_C;
/// The body's low-pass cutoff sweep: from 1030 Hz down to 30 Hz over 0.2 s
/// (exponentially), then held at 30 Hz.
pub const SNARE_CUTOFF_START: f32 = 1030.0;
pub const SNARE_CUTOFF_END: f32 = 30.0;
pub const SNARE_SWEEP_SECONDS: f32 = 0.2;
/// The body's level and amplitude decay time constant (seconds).
pub const SNARE_TONE_LEVEL: f32 = 0.3;
pub const SNARE_TONE_TAU: f32 = 0.1;
/// The noise's level, decay time constant (seconds), high-pass and band-pass
/// frequencies (Hz).
pub const SNARE_NOISE_LEVEL: f32 = 0.35;
pub const SNARE_NOISE_TAU: f32 = 0.07;
pub const SNARE_NOISE_HIGHPASS: f32 = 500.0;
pub const SNARE_NOISE_BAND: f32 = 1500.0;

/// `supersnare`: a body and a rattle. The body is a band-limited square ([`osc::square`])
/// at `b` = the voice's frequency times [`SNARE_BASE_RATIO`] (100 Hz for `n 0`)
/// through a one-pole low-pass whose cutoff falls exponentially from 1030 Hz to 30 Hz
/// over 0.2 s, at amplitude `0.3 e^(-t/0.1 s)`. The rattle is white noise through a
/// two-pole high-pass at 500 Hz and a band-pass at 1500 Hz (q 1), at amplitude
/// `0.35 e^(-t/70 ms)`. Peak about 0.5. Sounds [`SNARE_SECONDS`], fading to 0 over the
/// last 50 ms.
#[derive(Clone, Copy, Debug)]
pub struct Snare {
    body: Osc,
    cutoff: f32,
    cutoff_step: f32,
    lp: f32,
    tone: f32,
    tone_decay: f32,
    noise: Noise,
    noise_amp: f32,
    noise_decay: f32,
    high: Svf,
    band: Svf,
    sr: f32,
    tail: Tail,
}

impl Snare {
    pub(super) fn new(sr: f32, seed: u32) -> Snare {
        let sweep = SNARE_CUTOFF_END / SNARE_CUTOFF_START;
        Snare {
            body: Osc::new(sr),
            cutoff: SNARE_CUTOFF_START,
            cutoff_step: sweep.powf(1.0 / (SNARE_SWEEP_SECONDS * sr)),
            lp: 0.0,
            tone: SNARE_TONE_LEVEL,
            tone_decay: (-1.0 / (SNARE_TONE_TAU * sr)).exp(),
            noise: Noise::new(seed),
            noise_amp: SNARE_NOISE_LEVEL,
            noise_decay: (-1.0 / (SNARE_NOISE_TAU * sr)).exp(),
            high: Svf::new(SNARE_NOISE_HIGHPASS, std::f32::consts::FRAC_1_SQRT_2, sr),
            band: Svf::new(SNARE_NOISE_BAND, 1.0, sr),
            sr,
            tail: Tail::new(SNARE_SECONDS, sr),
        }
    }

    /// Renders `out.len()` (at most [`CHUNK`]) frames at the voice frequencies `f`.
    pub(super) fn render(&mut self, f: &[f32], out: &mut [f32]) {
        let n = out.len().min(CHUNK).min(f.len());
        let mut pitch = [0.0f32; CHUNK];
        for (p, &fr) in pitch[..n].iter_mut().zip(f) {
            *p = fr * SNARE_BASE_RATIO;
        }
        let mut sq = [0.0f32; CHUNK];
        osc::square(&mut self.body, &pitch[..n], &[0.5; CHUNK][..n], &mut sq[..n]);
        let mut w = [0.0f32; CHUNK];
        osc::noise(&mut self.noise, &mut w[..n]);
        for ((o, &s), &white) in out.iter_mut().zip(&sq[..n]).zip(&w[..n]) {
            self.lp += one_pole(self.cutoff, self.sr) * (s - self.lp);
            self.cutoff = (self.cutoff * self.cutoff_step).max(SNARE_CUTOFF_END);
            let (_, _, high) = self.high.tick(white);
            let (_, band, _) = self.band.tick(high);
            let x = self.tone * self.lp + self.noise_amp * band;
            self.tone *= self.tone_decay;
            self.noise_amp *= self.noise_decay;
            *o = x * self.tail.next();
        }
    }
}

/// The hat's natural length, seconds.
pub const HAT_SECONDS: f32 = 0.25;
/// The hat's high-pass cutoff over the voice's frequency: `2000 / 261.63`, SuperDirt's
/// 2000 Hz at `n 0`; the low-pass sits 3 times higher. Both are kept below 0.49 of the
/// sample rate and the high-pass above 100 Hz.
pub const HAT_BASE_RATIO: f32 = 2000.0 / MIDDLE_C;
/// The hat's noise level and its decay time constant (seconds).
pub const HAT_LEVEL: f32 = 0.45;
pub const HAT_TAU: f32 = 0.05;

/// `superhat`: white noise through a two-pole high-pass at `h` = the voice's frequency
/// times [`HAT_BASE_RATIO`] (2000 Hz for `n 0`) and a two-pole low-pass at `3h` (both
/// Butterworth, q 0.707), at amplitude `0.45 e^(-t/50 ms)`. Peak about 0.3-0.45 (at n 0; a wider band at higher notes lets more through). The
/// cutoffs are set at the onset (a glide does not move them). Sounds
/// [`HAT_SECONDS`], fading to 0 over the last 50 ms.
#[derive(Clone, Copy, Debug)]
pub struct Hat {
    noise: Noise,
    high: Svf,
    low: Svf,
    amp: f32,
    decay: f32,
    tail: Tail,
}

impl Hat {
    pub(super) fn new(freq: f32, sr: f32, seed: u32) -> Hat {
        let q = std::f32::consts::FRAC_1_SQRT_2;
        let h = (freq.abs() * HAT_BASE_RATIO).clamp(100.0, 0.49 * sr);
        let l = (3.0 * h).min(0.49 * sr);
        Hat {
            noise: Noise::new(seed),
            high: Svf::new(h, q, sr),
            low: Svf::new(l, q, sr),
            amp: HAT_LEVEL,
            decay: (-1.0 / (HAT_TAU * sr)).exp(),
            tail: Tail::new(HAT_SECONDS, sr),
        }
    }

    /// Renders `out.len()` frames.
    pub(super) fn render(&mut self, out: &mut [f32]) {
        osc::noise(&mut self.noise, out);
        for o in out.iter_mut() {
            let (_, _, high) = self.high.tick(*o);
            let (low, _, _) = self.low.tick(high);
            *o = self.amp * low * self.tail.next();
            self.amp *= self.decay;
        }
    }
}
