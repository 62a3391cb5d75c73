//! The built-in synths' sound sources: what `s "supersaw"`, `s "superkick"` … play.
//!
//! A [`Synth`] is one voice's source: the raw mono signal at the voice's pitch, before
//! the voice applies its envelope, gain, pan and filters. It is `Copy`, of fixed size
//! and never touches the heap, so a voice pool can hold thousands preallocated.
//!
//! [`Synth::render`] writes frames in runs of at most [`CHUNK`]: each run's
//! per-frame frequencies (`freq · ratio[i]`) go to a stack buffer, and the run is
//! rendered by the per-kind kernel. Every kernel keeps all its state in the struct
//! and advances it sample by sample, so any split of a run into calls gives the same
//! samples as one call.
//!
//! The synths are modelled on SuperDirt's and Strudel's synths of the same names
//! (their algorithms, not their code):
//! - the plain waves and [`SynthKind::Supersaw`] use the band-limited phase-accumulator
//!   kernels of [`super::osc`];
//! - [`SynthKind::Superpiano`] and [`SynthKind::Fm`] are in [`tonal`];
//! - the drums are in [`drums`];
//! - the noises use [`super::osc`]'s white and pink generators, brown is a leaky
//!   integral of the white one.
//!
//! Levels: each synth's doc states its peak; all are between 0.3 and 0.55 for one
//! voice, so a chord of four reaches about 2 at worst and the master's limiter, not
//! hard clipping, deals with it.

mod drums;
mod tonal;

#[cfg(test)]
mod tests;

use super::osc::{self, sane_sample_rate, Brown, Noise, Osc, Pink, Supersaw};

/// Frames rendered per kernel call inside [`Synth::render`] (the size of the stack
/// buffers of per-frame frequencies).
pub const CHUNK: usize = 64;

/// A built-in synth, by what it plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SynthKind {
    /// `sine`: a sine at the voice's frequency, peak 0.4.
    Sine,
    /// `sawtooth`: a rising band-limited saw (the [`osc::saw`] kernel: four-point
    /// PolyBLEP), peak 0.4.
    Sawtooth,
    /// `square`: a band-limited square, duty 1/2 ([`osc::square`]), peak 0.3 (its
    /// RMS equals its peak, so it is set lower than the saw to sound as loud).
    Square,
    /// `triangle`: a band-limited triangle ([`osc::tri`], PolyBLAMP corners), peak 0.5.
    Triangle,
    /// `pulse`: a band-limited pulse of fixed duty [`PULSE_WIDTH`] (1/4), with its DC
    /// (`2w - 1 = -1/2`) removed: `0.3 (pulse + 1/2)`, so it swings between +0.45
    /// (for a quarter of the cycle) and -0.15.
    Pulse,
    /// `supersaw`: seven band-limited saws detuned by [`osc::SUPERSAW_CENTS`], summed
    /// and scaled by `0.4/√7` ([`osc::supersaw`] at its default detune, times 0.4):
    /// RMS 0.23, peaks usually 0.5-0.7, never above 1.06.
    Supersaw,
    /// `superpiano`: a struck string: eight inharmonic partials with per-partial
    /// exponential decays and a hammer thump; see [`tonal::Piano`].
    Superpiano,
    /// `fm`: two-operator phase modulation, modulator at the carrier's frequency
    /// (ratio 1), index decaying from 3 to 1; see [`tonal::Fm`].
    Fm,
    /// `white`: uniform white noise ([`osc::noise`]), peak 0.4.
    White,
    /// `pink`: Paul Kellet's refined pink filter over the white noise ([`osc::pink`]),
    /// scaled by 1/2: RMS about 0.1, peaks about 0.4.
    Pink,
    /// `brown`: leaky integrated white noise (-6 dB per octave above 10 Hz,
    /// [`osc::brown`]) at RMS [`BROWN_RMS`] (0.12).
    Brown,
    /// `superkick`: a sine whose pitch falls exponentially from 4× to its base, with a
    /// decaying amplitude and a noise click; see [`drums::Kick`].
    Superkick,
    /// `supersnare`: a low-passed square body with a falling cutoff plus band-passed
    /// noise; see [`drums::Snare`].
    Supersnare,
    /// `superhat`: band-passed (high- then low-passed) noise with a short decay; see
    /// [`drums::Hat`].
    Superhat,
}

/// The pulse's duty cycle: high for the first quarter of each cycle.
pub const PULSE_WIDTH: f32 = 0.25;

/// The supersaw synth's level: it plays [`osc::supersaw`] at its default detune (the
/// detunes [`osc::SUPERSAW_CENTS`], the start phases and the `1/√7` scale are
/// [`osc::supersaw`]'s) times 0.4, so the sum has the RMS of a single saw of peak 0.4
/// (0.23).
const SUPERSAW_LEVEL: f32 = 0.4;

/// The supersaw synth's gain per saw, `0.4/√7`: its peaks are usually 0.5-0.7 and
/// never above `7 · 0.4/√7 = 1.06` (all seven at their peak at once).
#[cfg(test)]
const SUPERSAW_GAIN: f32 = SUPERSAW_LEVEL * osc::SUPERSAW_SCALE;

/// The plain waves' peak levels (see each [`SynthKind`] variant).
const SINE_LEVEL: f32 = 0.4;
const SAW_LEVEL: f32 = 0.4;
const SQUARE_LEVEL: f32 = 0.3;
const TRIANGLE_LEVEL: f32 = 0.5;
const PULSE_LEVEL: f32 = 0.3;
const WHITE_LEVEL: f32 = 0.4;
const PINK_LEVEL: f32 = 0.5;

impl SynthKind {
    /// Every synth, in the order of the docs.
    pub const ALL: [SynthKind; 14] = [
        SynthKind::Sine,
        SynthKind::Sawtooth,
        SynthKind::Square,
        SynthKind::Triangle,
        SynthKind::Pulse,
        SynthKind::Supersaw,
        SynthKind::Superpiano,
        SynthKind::Fm,
        SynthKind::White,
        SynthKind::Pink,
        SynthKind::Brown,
        SynthKind::Superkick,
        SynthKind::Supersnare,
        SynthKind::Superhat,
    ];

    /// The name a patch plays it by: "sine" "sawtooth" "square" "triangle" "pulse"
    /// "supersaw" "superpiano" "fm" "white" "pink" "brown" "superkick" "supersnare"
    /// "superhat".
    pub fn name(self) -> &'static str {
        match self {
            SynthKind::Sine => "sine",
            SynthKind::Sawtooth => "sawtooth",
            SynthKind::Square => "square",
            SynthKind::Triangle => "triangle",
            SynthKind::Pulse => "pulse",
            SynthKind::Supersaw => "supersaw",
            SynthKind::Superpiano => "superpiano",
            SynthKind::Fm => "fm",
            SynthKind::White => "white",
            SynthKind::Pink => "pink",
            SynthKind::Brown => "brown",
            SynthKind::Superkick => "superkick",
            SynthKind::Supersnare => "supersnare",
            SynthKind::Superhat => "superhat",
        }
    }

    /// The synth a patch's name plays, if it is one of [`SynthKind::name`]'s (exact,
    /// case-sensitive).
    pub fn from_name(name: &str) -> Option<SynthKind> {
        SynthKind::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// One line for the docs: what it is.
    #[cfg(any(test, feature = "testing"))]
    pub fn doc(self) -> &'static str {
        match self {
            SynthKind::Sine => "sine wave at the note's pitch",
            SynthKind::Sawtooth => "band-limited rising sawtooth",
            SynthKind::Square => "band-limited square wave (duty 1/2)",
            SynthKind::Triangle => "band-limited triangle wave",
            SynthKind::Pulse => "band-limited pulse wave, duty 1/4",
            SynthKind::Supersaw => "seven saws detuned by up to ±31 cents, summed",
            SynthKind::Superpiano => "struck string: inharmonic decaying partials and a hammer thump (3 s)",
            SynthKind::Fm => "two-operator FM, modulator ratio 1, index falling from 3 to 1",
            SynthKind::White => "white noise",
            SynthKind::Pink => "pink noise (-3 dB per octave)",
            SynthKind::Brown => "brown noise (-6 dB per octave)",
            SynthKind::Superkick => "kick drum: sine falling from 4x to its pitch, n 0 = 55 Hz (0.5 s)",
            SynthKind::Supersnare => "snare drum: low-passed square body and band-passed noise (0.4 s)",
            SynthKind::Superhat => "hi-hat: band-passed noise with a short decay (0.25 s)",
        }
    }

    /// Seconds the synth sounds by itself (drums, the piano's decay): the voice ends
    /// then even if its event is longer. None: sustained, the voice's length and
    /// envelope end it. A synth with a natural length fades linearly to exactly 0 over
    /// its last [`drums::TAIL_FADE_SECONDS`] and renders zeros after it.
    pub fn natural_seconds(self) -> Option<f32> {
        match self {
            SynthKind::Superpiano => Some(tonal::PIANO_SECONDS),
            SynthKind::Superkick => Some(drums::KICK_SECONDS),
            SynthKind::Supersnare => Some(drums::SNARE_SECONDS),
            SynthKind::Superhat => Some(drums::HAT_SECONDS),
            _ => None,
        }
    }
}

/// The brown synth's RMS: [`osc::brown`] (RMS [`osc::BROWN_RMS`], 0.2) scaled to 0.12,
/// so its peaks are about 0.45.
pub const BROWN_RMS: f32 = 0.12;

/// The per-kind state of a [`Synth`].
#[derive(Clone, Copy, Debug)]
enum State {
    /// Sine, sawtooth, square, triangle, pulse: one phase accumulator.
    Wave(Osc),
    Supersaw(Supersaw),
    Piano(tonal::Piano),
    Fm(tonal::Fm),
    White(Noise),
    Pink(Pink),
    Brown(Brown),
    Kick(drums::Kick),
    Snare(drums::Snare),
    Hat(drums::Hat),
}

/// One voice's source state. Copy, fixed size, no heap: it lives in the preallocated
/// voice pool.
#[derive(Clone, Copy, Debug)]
pub struct Synth {
    kind: SynthKind,
    /// The voice's pitch in Hz (0 if the one given was not finite).
    freq: f32,
    state: State,
}

/// Duty-cycle buffers for [`osc::square`].
const HALF: [f32; CHUNK] = [0.5; CHUNK];
const QUARTER: [f32; CHUNK] = [PULSE_WIDTH; CHUNK];
/// The detune buffer of [`osc::supersaw`].
const DEFAULT_DETUNE: [f32; CHUNK] = [osc::SUPERSAW_DETUNE; CHUNK];

impl Synth {
    /// `freq` in Hz (the voice's pitch), `seed` for the noises (each voice its own).
    /// A non-finite `freq` counts as 0 Hz (silence for the tonal synths); a
    /// non-finite or non-positive `sample_rate` as 44100.
    pub fn new(kind: SynthKind, freq: f32, sample_rate: f32, seed: u32) -> Synth {
        let sr = sane_sample_rate(sample_rate);
        let freq = if freq.is_finite() { freq } else { 0.0 };
        let state = match kind {
            SynthKind::Sine
            | SynthKind::Sawtooth
            | SynthKind::Square
            | SynthKind::Triangle
            | SynthKind::Pulse => State::Wave(Osc::new(sr)),
            SynthKind::Supersaw => State::Supersaw(Supersaw::new(sr)),
            SynthKind::Superpiano => State::Piano(tonal::Piano::new(freq, sr, seed)),
            SynthKind::Fm => State::Fm(tonal::Fm::new(sr)),
            SynthKind::White => State::White(Noise::new(seed)),
            SynthKind::Pink => State::Pink(Pink::new(seed)),
            SynthKind::Brown => State::Brown(Brown::new(sr, seed)),
            SynthKind::Superkick => State::Kick(drums::Kick::new(sr, seed)),
            SynthKind::Supersnare => State::Snare(drums::Snare::new(sr, seed)),
            SynthKind::Superhat => State::Hat(drums::Hat::new(freq, sr, seed)),
        };
        Synth { kind, freq, state }
    }

    /// Which synth this is.
    #[cfg(any(test, feature = "testing"))]
    pub fn kind(&self) -> SynthKind {
        self.kind
    }

    /// Writes (not adds) the next `out.len()` frames, mono, before the voice's
    /// envelope and gain. `ratio[i]` multiplies the frequency at frame i (a glide; all
    /// 1.0 when there is none); `ratio.len() == out.len()` (frames past the end of a
    /// shorter `ratio` use 1.0). Any split of a run into calls gives the same samples
    /// as one call.
    pub fn render(&mut self, ratio: &[f32], out: &mut [f32]) {
        for (c, o) in out.chunks_mut(CHUNK).enumerate() {
            let start = c * CHUNK;
            let mut f = [0.0f32; CHUNK];
            let f = &mut f[..o.len()];
            for (i, x) in f.iter_mut().enumerate() {
                *x = self.freq * ratio.get(start + i).copied().unwrap_or(1.0);
            }
            self.chunk(f, o);
        }
    }

    /// Renders one run of at most [`CHUNK`] frames at the per-frame frequencies `f`
    /// (`f.len() == out.len()`).
    fn chunk(&mut self, f: &[f32], out: &mut [f32]) {
        let n = out.len();
        match &mut self.state {
            State::Wave(o) => {
                let level = match self.kind {
                    SynthKind::Sine => {
                        osc::sine(o, f, out);
                        SINE_LEVEL
                    }
                    SynthKind::Sawtooth => {
                        osc::saw(o, f, out);
                        SAW_LEVEL
                    }
                    SynthKind::Square => {
                        osc::square(o, f, &HALF[..n], out);
                        SQUARE_LEVEL
                    }
                    SynthKind::Pulse => {
                        osc::square(o, f, &QUARTER[..n], out);
                        // Remove the pulse's mean, 2w - 1.
                        for x in out.iter_mut() {
                            *x += 1.0 - 2.0 * PULSE_WIDTH;
                        }
                        PULSE_LEVEL
                    }
                    _ => {
                        osc::tri(o, f, out);
                        TRIANGLE_LEVEL
                    }
                };
                for x in out.iter_mut() {
                    *x *= level;
                }
            }
            State::Supersaw(s) => {
                osc::supersaw(s, f, &DEFAULT_DETUNE[..n], out);
                for o in out.iter_mut() {
                    *o *= SUPERSAW_LEVEL;
                }
            }
            State::Piano(p) => p.render(f, out),
            State::Fm(s) => s.render(f, out),
            State::White(s) => {
                osc::noise(s, out);
                for o in out.iter_mut() {
                    *o *= WHITE_LEVEL;
                }
            }
            State::Pink(s) => {
                osc::pink(s, out);
                for o in out.iter_mut() {
                    *o *= PINK_LEVEL;
                }
            }
            State::Brown(s) => {
                osc::brown(s, out);
                for o in out.iter_mut() {
                    *o *= BROWN_RMS / osc::BROWN_RMS;
                }
            }
            State::Kick(s) => s.render(f, out),
            State::Snare(s) => s.render(f, out),
            State::Hat(s) => s.render(out),
        }
    }
}
