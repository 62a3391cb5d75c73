//! The built-in drum kit, synthesised deterministically (no files), one sound at a
//! time when a patch first names it ([`synth`]).
//!
//! Every sound is synthesised directly at the bank's rate, in `f64`, from a seeded
//! xorshift noise source ([`Rng`]), phase-accumulated sines and naive squares, and
//! Simper/Zavalishin topology-preserving state-variable filters ([`Svf`]). Each
//! sound is then finished the same way ([`finish`]): a 0.25 ms linear fade-in from
//! exactly 0, a raised-cosine fade-out over the last 15 % of the sound (at least
//! 5 ms) ending on exactly 0, and peak normalisation to 0.9. All are mono.
//!
//! | name | length | algorithm |
//! | --- | --- | --- |
//! | `bd` | 350-550 ms | sine whose pitch falls exponentially (130-200 Hz down to 44-58 Hz), exponential amplitude decay, a 2 ms low-passed noise click, optional tanh drive |
//! | `sn` | 220-340 ms | two sines (about 1 : 1.8, 160-210 Hz) with a short pitch drop and fast decay, plus white noise high-passed at 0.9-1.5 kHz and low-passed at 7-10 kHz with a longer decay |
//! | `hh` | 70-130 ms | six square oscillators at the TR-808 cymbal ratios (205-800 Hz, scaled per variant) plus noise, band-passed near 10 kHz and high-passed twice at 6-8 kHz, fast exponential decay |
//! | `oh` | 480-850 ms | the same metallic source with a slow decay |
//! | `cp` | 250-350 ms | three or four 2.5 ms noise bursts 9-13 ms apart, then a 60-120 ms noise tail, all band-passed at 0.9-1.4 kHz |
//! | `lt` `mt` `ht` | 300-575 ms | sine falling from 1.6x to its pitch in about 40 ms (lt 75-95 Hz, mt 118-145 Hz, ht 175-215 Hz), a weaker partial at 1.5x, a short noise stick |
//! | `cb` | 250-380 ms | two squares at 540 and 800 Hz (detuned per variant), band-passed at about 1 kHz and high-passed at 400 Hz, a fast then a slower decay |
//! | `cr` | 1.5-2.2 s | noise plus the metallic squares an octave and more up, high-passed twice at 4-6 kHz, low-passed at 14 kHz, 0.35-0.6 s decay |
//! | `rim` | 40-70 ms | two sines (about 480 and 1700 Hz) with a 5-10 ms decay, plus a 2 ms band-passed noise click, high-passed at 300 Hz |

use std::f64::consts::PI;

use super::Sample;

/// A sound's synthesiser: (rate, variant, noise) -> samples.
type Synth = fn(f64, usize, &mut Rng) -> Vec<f64>;

/// The kit: each sound's name, synthesiser and number of variants.
const SOUNDS: [(&str, Synth, usize); 11] = [
    ("bd", bd, 4),
    ("sn", sn, 3),
    ("hh", hh, 3),
    ("oh", oh, 3),
    ("cp", cp, 3),
    ("lt", lt, 3),
    ("mt", mt, 3),
    ("ht", ht, 3),
    ("cb", cb, 3),
    ("cr", cr, 3),
    ("rim", rim, 3),
];

/// The kit's names, in the order [`synth`] numbers them.
pub fn names() -> impl Iterator<Item = &'static str> {
    SOUNDS.iter().map(|s| s.0)
}

/// Synthesises the variants of the kit's sound number `index` (in [`names`] order)
/// at `rate` Hz; none for an index past the kit.
pub fn synth(index: usize, rate: u32) -> Vec<Sample> {
    let fs = rate as f64;
    let Some(&(_, synth, count)) = SOUNDS.get(index) else {
        return Vec::new();
    };
    (0..count)
        .map(|v| {
            let mut rng = Rng::new(0x9E37_79B9_7F4A_7C15 ^ ((index as u64) << 32 | v as u64));
            finish(synth(fs, v, &mut rng), fs)
        })
        .collect()
}

/// xorshift64* (Vigna): a tiny deterministic noise source.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [-1, 1).
    pub fn bipolar(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (2.0 / (1u64 << 53) as f64) - 1.0
    }
}

/// Topology-preserving state-variable filter (Zavalishin, "The Art of VA Filter
/// Design"; Simper's formulation). `cutoff` is clamped below 0.49 of the rate so
/// that the prewarped gain stays finite.
pub struct Svf {
    k: f64,
    a1: f64,
    a2: f64,
    a3: f64,
    ic1: f64,
    ic2: f64,
}

/// The three outputs of one [`Svf`] step.
pub struct SvfOut {
    pub low: f64,
    pub band: f64,
    pub high: f64,
}

impl Svf {
    pub fn new(cutoff: f64, q: f64, fs: f64) -> Svf {
        let g = (PI * cutoff.clamp(1.0, 0.49 * fs) / fs).tan();
        let k = 1.0 / q.max(0.05);
        let a1 = 1.0 / (1.0 + g * (g + k));
        let a2 = g * a1;
        let a3 = g * a2;
        Svf {
            k,
            a1,
            a2,
            a3,
            ic1: 0.0,
            ic2: 0.0,
        }
    }

    pub fn tick(&mut self, x: f64) -> SvfOut {
        let v3 = x - self.ic2;
        let v1 = self.a1 * self.ic1 + self.a2 * v3;
        let v2 = self.ic2 + self.a2 * self.ic1 + self.a3 * v3;
        self.ic1 = 2.0 * v1 - self.ic1;
        self.ic2 = 2.0 * v2 - self.ic2;
        SvfOut {
            low: v2,
            band: v1,
            high: x - self.k * v1 - v2,
        }
    }
}

/// Per-sample multiplier of an exponential decay with time constant `tau` seconds.
fn decay(tau: f64, fs: f64) -> f64 {
    (-1.0 / (tau * fs)).exp()
}

fn frames(seconds: f64, fs: f64) -> usize {
    ((seconds * fs).round() as usize).max(16)
}

/// Naive square from a phase in cycles, kept in [0, 1) by [`advance`].
fn square(phase: f64) -> f64 {
    if phase < 0.5 {
        1.0
    } else {
        -1.0
    }
}

/// Advances a phase in cycles by `inc` (< 1), wrapping into [0, 1).
fn advance(phase: &mut f64, inc: f64) {
    *phase += inc;
    if *phase >= 1.0 {
        *phase -= 1.0;
    }
}

/// Fades in over 0.25 ms from exactly 0, fades out with a raised cosine over the last
/// 15 % (at least 5 ms) to exactly 0 on the last frame, peak-normalises to 0.9.
pub fn finish(mut x: Vec<f64>, fs: f64) -> Sample {
    let n = x.len();
    let fade_in = ((0.00025 * fs) as usize).clamp(1, n / 4 + 1);
    for (i, v) in x.iter_mut().take(fade_in).enumerate() {
        *v *= i as f64 / fade_in as f64;
    }
    let fade_out = ((0.15 * n as f64) as usize)
        .max((0.005 * fs) as usize)
        .min(n);
    for j in 0..fade_out {
        // j = 0 is the last frame (gain 0), j = fade_out - 1 is nearly 1.
        let g = 0.5 - 0.5 * (PI * j as f64 / fade_out as f64).cos();
        x[n - 1 - j] *= g;
    }
    let peak = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let scale = if peak > 0.0 { 0.9 / peak } else { 0.0 };
    Sample::mono(x.iter().map(|v| (v * scale) as f32).collect())
}

fn bd(fs: f64, v: usize, rng: &mut Rng) -> Vec<f64> {
    // (length s, start Hz, end Hz, sweep tau, amp tau, click level, drive)
    let p = [
        (0.45, 160.0, 50.0, 0.035, 0.16, 0.35, 1.0),
        (0.35, 200.0, 58.0, 0.025, 0.11, 0.5, 1.8),
        (0.55, 130.0, 44.0, 0.045, 0.22, 0.25, 1.0),
        (0.5, 180.0, 52.0, 0.02, 0.17, 0.4, 3.0),
    ][v % 4];
    let (len, f0, f1, tau_p, tau_a, click, drive): (f64, f64, f64, f64, f64, f64, f64) = p;
    let n = frames(len, fs);
    let (dp, da, dc) = (decay(tau_p, fs), decay(tau_a, fs), decay(0.002, fs));
    let mut lp = Svf::new(2500.0, 0.7, fs);
    let (mut sweep, mut amp, mut cl, mut phase) = (1.0, 1.0, click, 0.0f64);
    let norm = drive.tanh();
    (0..n)
        .map(|_| {
            let f = f1 + (f0 - f1) * sweep;
            let body = (2.0 * PI * phase).sin() * amp;
            phase += f / fs;
            sweep *= dp;
            amp *= da;
            let c = lp.tick(rng.bipolar()).low * cl;
            cl *= dc;
            (drive * (body + c)).tanh() / norm
        })
        .collect()
}

fn sn(fs: f64, v: usize, rng: &mut Rng) -> Vec<f64> {
    // (length, tone Hz, tone tau, noise tau, high-pass Hz, low-pass Hz, tone level)
    let (len, f, tau_t, tau_n, hp, lp, tone) = [
        (0.28, 185.0, 0.05, 0.08, 1200.0, 9000.0, 0.7),
        (0.22, 210.0, 0.035, 0.06, 1500.0, 10000.0, 0.5),
        (0.34, 160.0, 0.07, 0.11, 900.0, 7000.0, 0.9),
    ][v % 3];
    let n = frames(len, fs);
    let (dt, dn, dpitch) = (decay(tau_t, fs), decay(tau_n, fs), decay(0.01, fs));
    let mut hpf = Svf::new(hp, 0.7, fs);
    let mut lpf = Svf::new(lp, 0.7, fs);
    let (mut at, mut an, mut pitch, mut ph1, mut ph2) = (tone, 1.0, 0.3, 0.0f64, 0.0f64);
    (0..n)
        .map(|_| {
            let t = ((2.0 * PI * ph1).sin() + 0.5 * (2.0 * PI * ph2).sin()) * at;
            ph1 += f * (1.0 + pitch) / fs;
            ph2 += 1.8 * f * (1.0 + pitch) / fs;
            pitch *= dpitch;
            at *= dt;
            let noise = lpf.tick(hpf.tick(rng.bipolar()).high).low * an;
            an *= dn;
            t + noise
        })
        .collect()
}

/// The six square oscillators of the TR-808 cymbal/hat circuit (Hz).
const METAL: [f64; 6] = [205.3, 304.4, 369.6, 522.7, 540.0, 800.0];

/// Metallic source: the six squares at `METAL * scale` plus `noise` white noise,
/// band-passed at 10 kHz and high-passed twice at `hp`, decaying with `tau`.
fn metal(fs: f64, rng: &mut Rng, len: f64, tau: f64, hp: f64, scale: f64, noise: f64) -> Vec<f64> {
    let n = frames(len, fs);
    let d = decay(tau, fs);
    let mut bp = Svf::new(10000.0, 0.8, fs);
    let mut hp1 = Svf::new(hp, 0.7, fs);
    let mut hp2 = Svf::new(hp, 0.7, fs);
    let mut phases = [0.0f64; 6];
    let incs = METAL.map(|f| (f * scale / fs).min(0.5));
    let mut amp = 1.0;
    (0..n)
        .map(|_| {
            let mut x = 0.0;
            for (p, inc) in phases.iter_mut().zip(incs) {
                x += square(*p);
                advance(p, inc);
            }
            x = x / 6.0 + noise * rng.bipolar();
            let y = hp2.tick(hp1.tick(bp.tick(x).band).high).high * amp;
            amp *= d;
            y
        })
        .collect()
}

fn hh(fs: f64, v: usize, rng: &mut Rng) -> Vec<f64> {
    let (len, tau, hp, scale, noise) = [
        (0.07, 0.014, 7000.0, 1.0, 0.5),
        (0.095, 0.022, 8000.0, 1.3, 0.3),
        (0.13, 0.032, 6000.0, 0.85, 0.8),
    ][v % 3];
    metal(fs, rng, len, tau, hp, scale, noise)
}

fn oh(fs: f64, v: usize, rng: &mut Rng) -> Vec<f64> {
    let (len, tau, hp, scale, noise) = [
        (0.62, 0.16, 7000.0, 1.0, 0.5),
        (0.48, 0.11, 8000.0, 1.3, 0.3),
        (0.85, 0.26, 6000.0, 0.85, 0.8),
    ][v % 3];
    metal(fs, rng, len, tau, hp, scale, noise)
}

fn cp(fs: f64, v: usize, rng: &mut Rng) -> Vec<f64> {
    // (length, bursts, spacing s, tail tau, band-pass Hz)
    let (len, bursts, spacing, tau, bp_f) = [
        (0.3, 4, 0.011, 0.085, 1100.0),
        (0.35, 3, 0.013, 0.12, 900.0),
        (0.25, 4, 0.009, 0.06, 1400.0),
    ][v % 3];
    let n = frames(len, fs);
    let mut bp = Svf::new(bp_f, 1.6, fs);
    let mut hp = Svf::new(500.0, 0.7, fs);
    let burst_frames = ((spacing * fs).round() as usize).max(1);
    let tail_from = (bursts - 1) * burst_frames;
    let (db, dt) = (decay(0.0025, fs), decay(tau, fs));
    let (mut burst, mut tail) = (1.0f64, 0.6f64);
    (0..n)
        .map(|i| {
            // Each burst restarts a 2.5 ms decay; the tail starts with the last one.
            if i % burst_frames == 0 && i <= tail_from {
                burst = 1.0;
            }
            let env = if i >= tail_from {
                let e = burst.max(tail);
                tail *= dt;
                e
            } else {
                burst
            };
            burst *= db;
            hp.tick(bp.tick(rng.bipolar()).band).high * env
        })
        .collect()
}

fn tom(fs: f64, rng: &mut Rng, len: f64, f: f64, tau: f64) -> Vec<f64> {
    let n = frames(len, fs);
    let (ds, da, dn) = (decay(0.04, fs), decay(tau, fs), decay(0.005, fs));
    let mut lp = Svf::new(3000.0, 0.7, fs);
    let (mut sweep, mut amp, mut an, mut ph1, mut ph2) = (0.6, 1.0, 0.15, 0.0f64, 0.0f64);
    (0..n)
        .map(|_| {
            let y = ((2.0 * PI * ph1).sin() + 0.2 * (2.0 * PI * ph2).sin() * amp) * amp;
            let fi = f * (1.0 + sweep);
            ph1 += fi / fs;
            ph2 += 1.5 * fi / fs;
            sweep *= ds;
            amp *= da;
            let stick = lp.tick(rng.bipolar()).low * an;
            an *= dn;
            y + stick
        })
        .collect()
}

const TOM_VARIANT: [(f64, f64); 3] = [(1.0, 1.0), (1.12, 0.85), (0.88, 1.15)];

fn lt(fs: f64, v: usize, rng: &mut Rng) -> Vec<f64> {
    let (fm, lm) = TOM_VARIANT[v % 3];
    tom(fs, rng, 0.5 * lm, 85.0 * fm, 0.16 * lm)
}

fn mt(fs: f64, v: usize, rng: &mut Rng) -> Vec<f64> {
    let (fm, lm) = TOM_VARIANT[v % 3];
    tom(fs, rng, 0.42 * lm, 130.0 * fm, 0.13 * lm)
}

fn ht(fs: f64, v: usize, rng: &mut Rng) -> Vec<f64> {
    let (fm, lm) = TOM_VARIANT[v % 3];
    tom(fs, rng, 0.35 * lm, 195.0 * fm, 0.1 * lm)
}

fn cb(fs: f64, v: usize, _rng: &mut Rng) -> Vec<f64> {
    let (len, detune, tau) = [(0.3, 1.0, 0.08), (0.25, 1.08, 0.06), (0.38, 0.93, 0.11)][v % 3];
    let n = frames(len, fs);
    let mut bp = Svf::new(1000.0 * detune, 1.2, fs);
    let mut hp = Svf::new(400.0, 0.7, fs);
    let (d1, d2) = (decay(0.012, fs), decay(tau, fs));
    let (mut a1, mut a2, mut p1, mut p2) = (0.7, 0.3, 0.0f64, 0.0f64);
    (0..n)
        .map(|_| {
            let x = square(p1) + square(p2);
            advance(&mut p1, (540.0 * detune / fs).min(0.5));
            advance(&mut p2, (800.0 * detune / fs).min(0.5));
            let y = hp.tick(bp.tick(x).band).high * (a1 + a2);
            a1 *= d1;
            a2 *= d2;
            y
        })
        .collect()
}

fn cr(fs: f64, v: usize, rng: &mut Rng) -> Vec<f64> {
    let (len, tau, hp, scale) = [
        (1.9, 0.48, 5000.0, 2.3),
        (1.5, 0.35, 6000.0, 2.9),
        (2.2, 0.6, 4000.0, 1.9),
    ][v % 3];
    let n = frames(len, fs);
    let d = decay(tau, fs);
    let mut hp1 = Svf::new(hp, 0.7, fs);
    let mut hp2 = Svf::new(hp, 0.7, fs);
    let mut lp = Svf::new(14000.0, 0.7, fs);
    let mut phases = [0.0f64; 6];
    let incs = METAL.map(|f| (f * scale / fs).min(0.5));
    let mut amp = 1.0;
    (0..n)
        .map(|_| {
            let mut x = 0.0;
            for (p, inc) in phases.iter_mut().zip(incs) {
                x += square(*p);
                advance(p, inc);
            }
            x = 0.4 * x / 6.0 + rng.bipolar();
            let y = lp.tick(hp2.tick(hp1.tick(x).high).high).low * amp;
            amp *= d;
            y
        })
        .collect()
}

fn rim(fs: f64, v: usize, rng: &mut Rng) -> Vec<f64> {
    let (len, tau, f1, f2) = [
        (0.055, 0.007, 480.0, 1700.0),
        (0.07, 0.01, 420.0, 1550.0),
        (0.04, 0.005, 540.0, 1900.0),
    ][v % 3];
    let n = frames(len, fs);
    let (d, dc) = (decay(tau, fs), decay(0.002, fs));
    let mut bp = Svf::new(3000.0, 1.0, fs);
    let mut hp = Svf::new(300.0, 0.7, fs);
    let (mut a, mut ac) = (1.0, 0.6);
    (0..n)
        .map(|i| {
            let t = i as f64 / fs;
            let tone = (0.6 * (2.0 * PI * f1 * t).sin() + (2.0 * PI * f2 * t).sin()) * a;
            let click = bp.tick(rng.bipolar()).band * ac;
            a *= d;
            ac *= dc;
            hp.tick(tone + click).high
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xorshift_is_uniform_enough() {
        let mut r = Rng::new(1);
        let n = 100_000;
        let xs: Vec<f64> = (0..n).map(|_| r.bipolar()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| x * x).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "mean {mean}");
        // Uniform on [-1, 1): variance 1/3.
        assert!((var - 1.0 / 3.0).abs() < 0.01, "variance {var}");
        assert!(xs.iter().all(|x| (-1.0..1.0).contains(x)));
    }

    #[test]
    fn svf_lowpass_passes_dc_and_highpass_blocks_it() {
        let mut f = Svf::new(1000.0, 0.707, 44100.0);
        let mut out = None;
        for _ in 0..44100 {
            out = Some(f.tick(1.0));
        }
        let o = out.unwrap();
        assert!((o.low - 1.0).abs() < 1e-9);
        assert!(o.high.abs() < 1e-9);
    }

    #[test]
    fn finish_starts_and_ends_at_zero_and_normalises() {
        let s = finish(vec![2.0; 1000], 44100.0);
        assert_eq!(s.data[0], 0.0);
        assert_eq!(s.data[999], 0.0);
        let peak = s.data.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        assert!((peak - 0.9).abs() < 1e-6);
    }
}
