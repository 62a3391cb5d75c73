//! One event as a voice to start: [`VoiceStart`], built from the event's controls.

use std::fmt;
use std::io::Write;

use super::chain::{VoiceFx, Vowel};
use super::sends::{OrbitParams, ORBITS};
use crate::dsp::synth::SynthKind;
use crate::pattern::value::{midi_to_hz, Control, Controls, Scalar};
use crate::samples::{SampleBank, SampleId};

/// What a voice plays.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Source {
    /// A sample of the bank.
    Sample(SampleId),
    /// A built-in synth at a frequency in Hz.
    Synth { kind: SynthKind, freq: f32 },
    /// Voice definition `k` of the graph (`s "~pluck"`): played by the runtime's pool
    /// of the definition (`runtime::voice_defs`), not by a [`super::VoicePool`].
    Voice(usize),
}

/// The per-voice envelope beyond attack and release: `hold` seconds at full level
/// after the attack, then `decay` seconds down to the level `sus`, held until the
/// release. The default (all zero, `sus` 1) is a plain attack-sustain-release.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Adsr {
    pub hold: f32,
    pub decay: f32,
    /// Sustain level, 0..1 (clamped; non-finite counts as 1).
    pub sus: f32,
}

impl Default for Adsr {
    fn default() -> Adsr {
        Adsr {
            hold: 0.0,
            decay: 0.0,
            sus: 1.0,
        }
    }
}

/// What a voice sends to the orbits' effects (see [`super::sends`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SendSpec {
    /// Orbit, `0..ORBITS`.
    pub orbit: usize,
    /// Send amounts to the reverb and the delay (0: none).
    pub room: f32,
    pub delay: f32,
    /// The orbit parameters the event sets.
    pub params: OrbitParams,
}

impl Default for SendSpec {
    fn default() -> SendSpec {
        SendSpec {
            orbit: 0,
            room: 0.0,
            delay: 0.0,
            params: OrbitParams::DEFAULT,
        }
    }
}

impl SendSpec {
    /// Whether the voice sends anything.
    pub fn any(&self) -> bool {
        self.room > 0.0 || self.delay > 0.0
    }
}

/// One event, ready for [`super::VoicePool::start`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VoiceStart {
    /// The frame inside the coming block where the voice starts (a larger offset
    /// starts it in a later block).
    pub offset: usize,
    pub source: Source,
    /// Linear amplitude (`gain × velocity × amp`); negative or non-finite counts as 0.
    pub gain: f32,
    /// 0 (left) .. 1 (right), 0.5 the centre, clamped; non-finite counts as 0.5.
    pub pan: f32,
    /// Playback rate, `speed * 2^(note/12)`; negative plays backwards; 0 or
    /// non-finite is not played.
    pub rate: f64,
    /// SuperDirt's `accelerate`: the rate goes linearly from `rate` to
    /// `rate × (1 + accelerate)` over the voice's length (0: constant).
    pub accelerate: f32,
    /// `unit "c"`: the frames of a cycle; the slice then plays in `cycle / rate`
    /// frames (SuperDirt's `speed × cps × duration`).
    pub unit_cycle: Option<f64>,
    /// Slice of the sample, 0..1 each (clamped); `end <= begin` is not played.
    pub begin: f64,
    pub end: f64,
    /// SuperDirt's `loop`: the slice repeats this many times (at least 1; |loop|).
    pub loops: f64,
    pub cut: Option<i64>,
    /// Frames the voice lasts before its short release (from `legato`).
    pub length: Option<f64>,
    /// Seconds the voice lasts before its short release (SuperDirt's `sustain`;
    /// wins over `length`).
    pub sustain: Option<f64>,
    /// Seconds (negative or non-finite count as 0).
    pub attack: f32,
    pub release: f32,
    pub adsr: Adsr,
    pub fx: VoiceFx,
    pub sends: SendSpec,
    /// The event's whole duration in frames (a synth voice's default length).
    pub event: f64,
}

/// Why an event does not make a voice.
#[derive(Clone, Debug, PartialEq)]
pub enum StartError {
    /// The event has no `s`.
    NoSound,
    /// The bank has no sample of this name.
    UnknownSample(String),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::NoSound => write!(f, "the event has no sound (`s`)"),
            StartError::UnknownSample(name) => write!(f, "unknown sample `{name}`"),
        }
    }
}

impl std::error::Error for StartError {}

/// Where an event sits in time, in output frames: its onset inside the block, its
/// whole duration, and the length of a cycle (for `unit "c"`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EventFrames {
    pub offset: usize,
    pub event: f64,
    pub cycle: f64,
}

impl VoiceStart {
    #[cfg(any(test, feature = "testing"))]
    /// A start of `sample` at `offset` with every parameter at its default.
    pub fn new(sample: SampleId, offset: usize) -> VoiceStart {
        VoiceStart::of(Source::Sample(sample), offset)
    }

    /// A start of `source` at `offset` with every parameter at its default.
    pub fn of(source: Source, offset: usize) -> VoiceStart {
        VoiceStart {
            offset,
            source,
            gain: 1.0,
            pan: 0.5,
            rate: 1.0,
            accelerate: 0.0,
            unit_cycle: None,
            begin: 0.0,
            end: 1.0,
            loops: 1.0,
            cut: None,
            length: None,
            sustain: None,
            attack: 0.0,
            release: 0.0,
            adsr: Adsr::default(),
            fx: VoiceFx::default(),
            sends: SendSpec::default(),
            event: 0.0,
        }
    }

    /// Whether the voice needs more than the plain sample path: effects, a glide, a
    /// loop, an envelope with hold or decay, sends.
    pub fn is_plain(&self) -> bool {
        self.accelerate == 0.0
            && self.loops == 1.0
            && self.adsr == Adsr::default()
            && !self.fx.any()
            && !self.sends.any()
    }

    /// Builds a start from an event's controls: `s` (a word, or a number such as
    /// `808` read as its digits), `n` (variant, wraps), `gain`, `pan`, `speed`
    /// (default 1), `note` (semitones; a note name or note value counts as its MIDI
    /// number minus 60, so `c4` is the sample's own pitch), `begin`, `end`, `cut`
    /// (floored; 0 means no group, as in SuperDirt), `legato` (in units of
    /// the event's whole duration), `attack`, `release`; and SuperDirt's per-voice
    /// controls: `velocity` and `amp` multiply the gain; `accelerate`; `unit "c"`
    /// (with the cycle's length from `at`); `loop`; `sustain` (seconds); `hold`,
    /// `decay`, `sus` (a decay without `sus` decays to 0, Strudel's rule); the
    /// effects of [`VoiceFx`] (`vowel` a word `a e i o u`); `room`, `delay` and
    /// `orbit` (wrapped, [`orbit_index`]) with the orbit's `size`, `dry`,
    /// `delaytime`, `delayfeedback` and `lock` (SuperDirt's defaults when absent).
    /// Allocates only on the error path (the unknown name).
    pub fn from_event(
        controls: &Controls,
        at: EventFrames,
        bank: &SampleBank,
    ) -> Result<VoiceStart, StartError> {
        let mut digits = [0u8; 32];
        let name = sound_name(controls, &mut digits).ok_or(StartError::NoSound)?;
        let num = |c: Control| controls.get_f64(c).filter(|x| x.is_finite());
        let n = num(Control::N).unwrap_or(0.0);
        // A sample folder of the name first, then a built-in synth (SuperDirt looks
        // the name up among its sound files before its synth definitions).
        let source = match (bank.find(name, n), SynthKind::from_name(name)) {
            (Some(sample), _) => Source::Sample(sample),
            (None, Some(kind)) => Source::Synth {
                kind,
                freq: synth_freq(controls) as f32,
            },
            (None, None) => return Err(StartError::UnknownSample(name.to_string())),
        };
        Ok(VoiceStart::played(controls, at, source))
    }

    /// [`VoiceStart::from_event`] for an event whose source is known.
    pub fn played(controls: &Controls, at: EventFrames, source: Source) -> VoiceStart {
        let num = |c: Control| controls.get_f64(c).filter(|x| x.is_finite());
        let semitones = semitones(controls).unwrap_or(0.0);
        let speed = num(Control::Speed).unwrap_or(1.0);
        let rate = speed * (semitones / 12.0).exp2();
        let length = num(Control::Legato).map(|l| l * at.event);
        let cut = num(Control::Cut)
            .map(|c| c.floor().clamp(i64::MIN as f64, i64::MAX as f64) as i64)
            .filter(|&c| c != 0);
        let word = |c: Control| match controls.get(c) {
            Some(Scalar::Word(w)) => Some(&**w),
            _ => None,
        };
        let f32_of = |c: Control| num(c).map(|x| x as f32);
        let gain = num(Control::Gain).unwrap_or(1.0)
            * num(Control::Velocity).unwrap_or(1.0)
            * num(Control::Amp).unwrap_or(1.0);
        let decay = f32_of(Control::Decay);
        // Strudel's rule: a decay without a sustain level decays to silence.
        let sus = f32_of(Control::Sus).unwrap_or(if decay.is_some() { 0.0 } else { 1.0 });
        let params = OrbitParams {
            size: f32_of(Control::Size).unwrap_or(OrbitParams::DEFAULT.size),
            dry: f32_of(Control::Dry).unwrap_or(OrbitParams::DEFAULT.dry),
            delaytime: f32_of(Control::Delaytime).unwrap_or(OrbitParams::DEFAULT.delaytime),
            delayfeedback: f32_of(Control::Delayfeedback)
                .unwrap_or(OrbitParams::DEFAULT.delayfeedback),
            lock: num(Control::Lock).is_some_and(|x| x != 0.0),
        };
        VoiceStart {
            accelerate: f32_of(Control::Accelerate).unwrap_or(0.0),
            unit_cycle: (word(Control::Unit) == Some("c") && at.cycle > 0.0).then_some(at.cycle),
            loops: num(Control::Loop).unwrap_or(1.0),
            sustain: num(Control::Sustain),
            adsr: Adsr {
                hold: f32_of(Control::Hold).unwrap_or(0.0),
                decay: decay.unwrap_or(0.0),
                sus,
            },
            fx: VoiceFx {
                cutoff: f32_of(Control::Cutoff),
                resonance: f32_of(Control::Resonance),
                hcutoff: f32_of(Control::Hcutoff),
                hresonance: f32_of(Control::Hresonance),
                bandf: f32_of(Control::Bandf),
                bandq: f32_of(Control::Bandq),
                vowel: word(Control::Vowel).and_then(Vowel::from_name),
                shape: f32_of(Control::Shape),
                crush: f32_of(Control::Crush),
                coarse: f32_of(Control::Coarse),
            },
            sends: SendSpec {
                orbit: num(Control::Orbit).map_or(0, orbit_index),
                room: f32_of(Control::Room).unwrap_or(0.0),
                delay: f32_of(Control::Delay).unwrap_or(0.0),
                params,
            },
            gain: gain as f32,
            pan: num(Control::Pan).unwrap_or(0.5) as f32,
            rate: if rate.is_finite() { rate } else { 0.0 },
            begin: num(Control::Begin).unwrap_or(0.0),
            end: num(Control::End).unwrap_or(1.0),
            cut,
            length,
            attack: num(Control::Attack).unwrap_or(0.0) as f32,
            release: num(Control::Release).unwrap_or(0.0) as f32,
            event: at.event,
            ..VoiceStart::of(source, at.offset)
        }
    }

    /// Frames the voice is held before its release, when the event says: `sustain`
    /// seconds, else its `legato` length.
    pub fn held_frames(&self, sample_rate: f64) -> Option<f64> {
        match (self.sustain, self.length) {
            (Some(sec), _) => Some(sec * sample_rate),
            (None, l) => l,
        }
    }
}

impl VoiceStart {
    /// [`VoiceStart::from_event`] for an event at `offset` lasting `event_frames`,
    /// where the cycle's length is not known (`unit "c"` then plays as `unit "r"`):
    /// what the live scheduler uses to tell unknown names early.
    pub fn from_controls(
        controls: &Controls,
        offset: usize,
        event_frames: f64,
        bank: &SampleBank,
    ) -> Result<VoiceStart, StartError> {
        let at = EventFrames {
            offset,
            event: event_frames,
            cycle: 0.0,
        };
        VoiceStart::from_event(controls, at, bank)
    }
}

/// SuperDirt's orbit of an `orbit` value: floored, wrapped around the orbits
/// (`orbits @@ index`).
pub fn orbit_index(x: f64) -> usize {
    if !x.is_finite() {
        return 0;
    }
    let i = x.floor().clamp(-1e15, 1e15) as i64;
    i.rem_euclid(ORBITS as i64) as usize
}

/// The pitch an event's controls ask for, in semitones from the sample's own pitch:
/// its `note`, a number as it is, a note name or note value as its MIDI number minus
/// 60 (`c4` is the sample's own pitch). `None` without a `note`.
pub fn semitones(controls: &Controls) -> Option<f64> {
    semitones_of(controls, Control::Note)
}

/// Control `c` as semitones from middle C: a number as it is, a note name or note
/// value as its MIDI number minus 60. `None` when `c` is not set or not numeric.
fn semitones_of(controls: &Controls, c: Control) -> Option<f64> {
    match controls.get(c).and_then(Scalar::numeric)? {
        (x, true) => Some(x - 60.0),
        (x, false) => Some(x),
    }
}

/// A synth's frequency from an event's controls: `freq` in Hz when given, otherwise
/// the note `n + note` (semitones from middle C: `n 0` is 261.63 Hz, note names
/// counting from `c4`) shifted by `octave` (default 5, SuperDirt's) octaves.
pub fn synth_freq(controls: &Controls) -> f64 {
    let num = |c: Control| controls.get_f64(c).filter(|x| x.is_finite());
    if let Some(f) = num(Control::Freq) {
        return f;
    }
    let n = semitones_of(controls, Control::N).unwrap_or(0.0);
    let note = semitones(controls).unwrap_or(0.0);
    let octave = num(Control::Octave).unwrap_or(5.0) - 5.0;
    midi_to_hz(60.0 + n + note + 12.0 * octave)
}

/// The sample name an event's controls play: its `s`, a word, or a number such as
/// `808` read as its digits (written into `digits`, without allocating). `None`
/// without an `s`.
pub fn sound_name<'a>(controls: &'a Controls, digits: &'a mut [u8; 32]) -> Option<&'a str> {
    match controls.get(Control::S)? {
        Scalar::Word(w) => Some(w),
        Scalar::Num(x) | Scalar::Note(x) => Some(number_name(*x, digits)),
    }
}

/// Writes a number as a sample name (`808`, `1.5`) into `buf` without allocating.
fn number_name(x: f64, buf: &mut [u8; 32]) -> &str {
    let mut cursor = &mut buf[..];
    let ok = if x.fract() == 0.0 && x.abs() < 1e15 {
        write!(cursor, "{}", x as i64)
    } else {
        write!(cursor, "{x}")
    };
    let written = 32 - cursor.len();
    if ok.is_err() {
        return "";
    }
    std::str::from_utf8(&buf[..written]).unwrap_or("")
}
