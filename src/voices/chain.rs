//! The per-voice effects: what SuperDirt's per-event modules do to one voice, before
//! its envelope, gain and pan.
//!
//! [`VoiceFx`] holds an event's effect controls; [`Chain::new`] turns them into the
//! voice's effect state (coefficients computed once, per-voice filter states inline,
//! nothing allocated), and [`Chain::process`] runs a chunk of the voice's own signal
//! (one or two channels) through the effects in SuperDirt's module order
//! (core-modules.scd): vowel, shape, high-pass, band-pass, crush, coarse, low-pass.
//!
//! - `vowel` (SuperDirt's `dirt_vowel`): five band-passes at the formants of the
//!   vowel, summed with amplitudes, and mixed with the dry signal. The formant table
//!   is the Csound manual's "Formant Values" appendix, counter-tenor register (the
//!   register SuperDirt's `Vowel` quark is initialised with: frequencies in Hz,
//!   amplitudes in dB, bandwidths in Hz, [`FORMANTS`]). With `r` the event's
//!   `resonance` (default 0.5, clamped to 0..1): band `i` has centre `f_i` (at most
//!   0.49 of the sample rate), `rq_i = (bw_i / f_i) / (0.1 + 0.4 r)` and amplitude
//!   `10^(dB_i/20) · (50 + 150 r)`; the output is SuperDirt's equal-power `XFade2`
//!   at position `p = -0.5 + 1.5 r` and level 0.25:
//!   `0.25 (cos θ · x + sin θ · Σ amp_i · bp_i(x))`, `θ = π/4 (p + 1)`.
//! - `shape`: [`crate::dsp::effects::shape_sample`] (SuperDirt's `dirt_shape`).
//! - `hcutoff`, `hresonance`: high-pass at `|hcutoff|` clamped to 20 Hz .. Nyquist,
//!   `q = 1000^hresonance` (SuperDirt's `RHPF` with `rq = hresonance.linexp(0, 1,
//!   1, 0.001)`, hresonance clamped to 0..1).
//! - `bandf`, `bandq`: band-pass at `bandf` (20 Hz .. Nyquist) with `q = max(bandq,
//!   1)` (default 10), times `q` (SuperDirt's `BPF(bandf, 1/q) * q`).
//! - `crush`: `round(x / step) · step`, `step = 2^(1 - crush)` (SuperDirt's
//!   `signal.round(0.5 ** (crush - 1))`; crush clamped to -16..24).
//! - `coarse` (above 1, as SuperDirt applies it): the voice's frame `k·n` is held
//!   for `n = round(coarse)` frames (SuperDirt's `Latch` at `Impulse(sr / coarse)`),
//!   counted from the voice's first frame.
//! - `cutoff`, `resonance`: low-pass at `|cutoff|` (20 Hz .. Nyquist), `q =
//!   1000^resonance` (SuperDirt's `RLPF`).
//!
//! Every filter is the topology-preserving state-variable filter of
//! [`crate::dsp::filter`] (its coefficients through [`SvfCoef`], so the filter's maths
//! has one home); its response is the analog prototype's, which is what SuperDirt's
//! `RLPF`/`RHPF`/`BPF` approximate. The SVF clamps q to 50 (resonance above about
//! 0.57 gives q 50, where SuperDirt's RLPF would go on up to 1000).

use crate::dsp::effects::shape_sample;
use crate::dsp::filter::{SvfCoef, SvfMode};

/// Frames the chain processes at a time (the voice's scratch is this long).
pub const CHUNK: usize = 64;

/// One of SuperDirt's vowels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vowel {
    A,
    E,
    I,
    O,
    U,
}

impl Vowel {
    /// The vowel a word names (`a e i o u`, as SuperDirt's vowels), else `None`.
    pub fn from_name(name: &str) -> Option<Vowel> {
        match name {
            "a" => Some(Vowel::A),
            "e" => Some(Vowel::E),
            "i" => Some(Vowel::I),
            "o" => Some(Vowel::O),
            "u" => Some(Vowel::U),
            _ => None,
        }
    }

    /// This vowel's row of [`FORMANTS`].
    pub fn formants(self) -> &'static Formants {
        &FORMANTS[self as usize]
    }
}

/// Five formants of a vowel: centre frequencies (Hz), amplitudes (dB), bandwidths (Hz).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Formants {
    pub freq: [f32; 5],
    pub db: [f32; 5],
    pub bw: [f32; 5],
}

/// The counter-tenor formants of `a e i o u`, from the Csound manual's "Formant
/// Values" appendix (the table SuperDirt's `Vowel` quark carries).
pub const FORMANTS: [Formants; 5] = [
    Formants {
        freq: [660.0, 1120.0, 2750.0, 3000.0, 3350.0],
        db: [0.0, -6.0, -23.0, -24.0, -38.0],
        bw: [80.0, 90.0, 120.0, 130.0, 140.0],
    },
    Formants {
        freq: [440.0, 1800.0, 2700.0, 3000.0, 3300.0],
        db: [0.0, -14.0, -18.0, -20.0, -20.0],
        bw: [70.0, 80.0, 100.0, 120.0, 120.0],
    },
    Formants {
        freq: [270.0, 1850.0, 2900.0, 3350.0, 3590.0],
        db: [0.0, -24.0, -24.0, -36.0, -36.0],
        bw: [40.0, 90.0, 100.0, 120.0, 120.0],
    },
    Formants {
        freq: [430.0, 820.0, 2700.0, 3000.0, 3300.0],
        db: [0.0, -10.0, -26.0, -22.0, -34.0],
        bw: [40.0, 80.0, 100.0, 120.0, 120.0],
    },
    Formants {
        freq: [370.0, 630.0, 2750.0, 3000.0, 3400.0],
        db: [0.0, -20.0, -23.0, -30.0, -34.0],
        bw: [40.0, 60.0, 100.0, 120.0, 120.0],
    },
];

/// An event's per-voice effect controls; `None` (or the neutral value) leaves an
/// effect out. Non-finite values count as absent.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct VoiceFx {
    pub cutoff: Option<f32>,
    pub resonance: Option<f32>,
    pub hcutoff: Option<f32>,
    pub hresonance: Option<f32>,
    pub bandf: Option<f32>,
    pub bandq: Option<f32>,
    pub vowel: Option<Vowel>,
    pub shape: Option<f32>,
    pub crush: Option<f32>,
    pub coarse: Option<f32>,
}

impl VoiceFx {
    /// Whether any effect applies (a voice without one takes the plain path).
    pub fn any(&self) -> bool {
        let finite = |x: Option<f32>| x.is_some_and(f32::is_finite);
        finite(self.cutoff)
            || finite(self.hcutoff)
            || finite(self.bandf)
            || self.vowel.is_some()
            || self.shape.is_some_and(|a| a > 0.0 && a < 1.0)
            || finite(self.crush)
            || self.coarse.is_some_and(|c| c.is_finite() && c.round() > 1.0)
    }
}

/// One filter of the chain: constant coefficients, a gain after it, a state per
/// channel.
#[derive(Clone, Copy, Debug)]
struct Stage {
    coef: SvfCoef,
    mode: SvfMode,
    gain: f32,
    state: [[f32; 2]; 2],
}

impl Stage {
    fn new(mode: SvfMode, cutoff: f32, q: f32, gain: f32, sample_rate: f32) -> Stage {
        Stage {
            coef: SvfCoef::new(cutoff, q, sample_rate),
            mode,
            gain,
            state: [[0.0; 2]; 2],
        }
    }

    #[inline]
    fn run(&mut self, ch: usize, buf: &mut [f32]) {
        let (coef, mode, gain) = (self.coef, self.mode, self.gain);
        let Some(ic) = self.state.get_mut(ch) else {
            return;
        };
        for x in buf.iter_mut() {
            *x = coef.tick(mode, ic, *x) * gain;
        }
        if !(ic[0].is_finite() && ic[1].is_finite()) {
            *ic = [0.0; 2];
        }
    }
}

/// The vowel's formant bank (see the module documentation).
#[derive(Clone, Copy, Debug)]
struct VowelBank {
    bands: [Stage; 5],
    dry: f32,
    wet: f32,
}

impl VowelBank {
    fn new(vowel: Vowel, resonance: f32, sample_rate: f32) -> VowelBank {
        let r = if resonance.is_finite() {
            resonance.clamp(0.0, 1.0)
        } else {
            0.5
        };
        let f = vowel.formants();
        let width = 0.1 + 0.4 * r;
        let scale = 50.0 + 150.0 * r;
        let bands = std::array::from_fn(|i| {
            let freq = f.freq[i].min(0.49 * sample_rate);
            let rq = (f.bw[i] / f.freq[i]) / width;
            let amp = 10f32.powf(f.db[i] / 20.0) * scale;
            Stage::new(SvfMode::Band, freq, 1.0 / rq, amp, sample_rate)
        });
        let theta = std::f32::consts::FRAC_PI_4 * (-0.5 + 1.5 * r + 1.0);
        VowelBank {
            bands,
            dry: 0.25 * theta.cos(),
            wet: 0.25 * theta.sin(),
        }
    }

    fn run(&mut self, ch: usize, buf: &mut [f32]) {
        let mut sum = [0.0f32; CHUNK];
        let mut band = [0.0f32; CHUNK];
        for chunk in buf.chunks_mut(CHUNK) {
            let n = chunk.len();
            sum[..n].fill(0.0);
            for b in self.bands.iter_mut() {
                band[..n].copy_from_slice(chunk);
                b.run(ch, &mut band[..n]);
                for (s, y) in sum.iter_mut().zip(&band[..n]) {
                    *s += y;
                }
            }
            for (x, s) in chunk.iter_mut().zip(&sum) {
                *x = self.dry * *x + self.wet * s;
            }
        }
    }
}

/// A voice's effect state (see the module documentation). `Copy`, inline in the
/// voice: starting a voice allocates nothing.
#[derive(Clone, Copy, Debug)]
pub struct Chain {
    vowel: Option<VowelBank>,
    /// Shape amount in (0, 1), or 0 for none.
    shape: f32,
    hpf: Option<Stage>,
    bpf: Option<Stage>,
    /// Quantisation step of `crush`, or 0 for none.
    crush: f32,
    /// Hold length of `coarse` in frames (at most 1: none), the frames since the
    /// last frame taken, and the values held per channel.
    coarse: u32,
    coarse_count: u32,
    held: [f32; 2],
    lpf: Option<Stage>,
}

impl Chain {
    /// The chain for `fx` at `sample_rate` Hz.
    pub fn new(fx: &VoiceFx, sample_rate: f32) -> Chain {
        let finite = |x: Option<f32>| x.filter(|v| v.is_finite());
        let nyquist = 0.5 * sample_rate;
        let freq = |f: f32| f.abs().clamp(20.0, nyquist);
        let res_q = |r: Option<f32>| 1000f32.powf(finite(r).unwrap_or(0.0).clamp(0.0, 1.0));
        let filter = |mode, f: Option<f32>, q: f32, gain: f32| {
            finite(f).map(|f| Stage::new(mode, freq(f), q, gain, sample_rate))
        };
        let bandq = finite(fx.bandq).unwrap_or(10.0).max(1.0);
        Chain {
            vowel: fx
                .vowel
                .map(|v| VowelBank::new(v, finite(fx.resonance).unwrap_or(0.5), sample_rate)),
            shape: finite(fx.shape)
                .filter(|&a| a > 0.0 && a < 1.0)
                .unwrap_or(0.0),
            hpf: filter(SvfMode::High, fx.hcutoff, res_q(fx.hresonance), 1.0),
            bpf: filter(SvfMode::Band, fx.bandf, bandq, bandq),
            crush: finite(fx.crush).map_or(0.0, |c| (1.0 - c.clamp(-16.0, 24.0)).exp2()),
            coarse: finite(fx.coarse).map_or(1, |c| c.round().clamp(1.0, 1e6) as u32),
            coarse_count: 0,
            held: [0.0; 2],
            lpf: filter(SvfMode::Low, fx.cutoff, res_q(fx.resonance), 1.0),
        }
    }

    /// Runs the first `n` frames of `bufs` (channel 0, and channel 1 when `channels`
    /// is 2) through the effects, in place.
    pub fn process(&mut self, bufs: &mut [[f32; CHUNK]; 2], n: usize, channels: usize) {
        let n = n.min(CHUNK);
        let count0 = self.coarse_count;
        for (ch, buf) in bufs.iter_mut().enumerate().take(channels.min(2)) {
            let buf = &mut buf[..n];
            if let Some(v) = self.vowel.as_mut() {
                v.run(ch, buf);
            }
            if self.shape > 0.0 {
                let a = self.shape;
                buf.iter_mut().for_each(|x| *x = shape_sample(*x, a));
            }
            if let Some(f) = self.hpf.as_mut() {
                f.run(ch, buf);
            }
            if let Some(f) = self.bpf.as_mut() {
                f.run(ch, buf);
            }
            if self.crush > 0.0 {
                let step = self.crush;
                buf.iter_mut().for_each(|x| *x = (*x / step + 0.5).floor() * step);
            }
            if self.coarse > 1 {
                // Both channels hold the same frames: each starts from the count the
                // chunk started with.
                let mut count = count0;
                let held = &mut self.held[ch];
                for x in buf.iter_mut() {
                    if count == 0 {
                        *held = *x;
                    }
                    *x = *held;
                    count += 1;
                    if count >= self.coarse {
                        count = 0;
                    }
                }
                self.coarse_count = count;
            }
            if let Some(f) = self.lpf.as_mut() {
                f.run(ch, buf);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(fx: VoiceFx, input: &[f32]) -> Vec<f32> {
        let mut chain = Chain::new(&fx, 48000.0);
        let mut out = Vec::new();
        for chunk in input.chunks(CHUNK) {
            let mut bufs = [[0.0; CHUNK]; 2];
            bufs[0][..chunk.len()].copy_from_slice(chunk);
            chain.process(&mut bufs, chunk.len(), 1);
            out.extend_from_slice(&bufs[0][..chunk.len()]);
        }
        out
    }

    #[test]
    fn coarse_holds_every_nth_frame_across_chunks() {
        let input: Vec<f32> = (0..200).map(|i| i as f32).collect();
        let out = run(
            VoiceFx {
                coarse: Some(3.0),
                ..VoiceFx::default()
            },
            &input,
        );
        for (i, y) in out.iter().enumerate() {
            assert_eq!(*y, (i / 3 * 3) as f32, "frame {i}");
        }
    }

    #[test]
    fn crush_rounds_to_the_step() {
        // crush 3: step 2^-2 = 0.25.
        let input = [0.1f32, 0.13, -0.2, 0.37, 0.9];
        let out = run(
            VoiceFx {
                crush: Some(3.0),
                ..VoiceFx::default()
            },
            &input,
        );
        assert_eq!(out, vec![0.0, 0.25, -0.25, 0.25, 1.0]);
    }

    #[test]
    fn no_effect_is_no_effect() {
        assert!(!VoiceFx::default().any());
        assert!(!VoiceFx {
            coarse: Some(1.0),
            shape: Some(0.0),
            ..VoiceFx::default()
        }
        .any());
    }
}
