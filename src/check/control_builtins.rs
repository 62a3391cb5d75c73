//! The rows of `s` and the controls, SuperDirt's names and meanings (each applies to
//! the one voice an event starts): part of the one table of built-ins
//! (`signatures::builtins`), kept in their own file. A control is set with `#` from a
//! number, a pattern or a signal; the voice pool reads it (`voices`).
//!
//! Four names are signal operations and controls both: on a sound, `# lpf 800`,
//! `# hpf 800`, `# bpf 800`, `# shape 0.5` and `# delay 0.3` (one argument) set the
//! per-voice control, as in Tidal; on a signal, or with more arguments
//! (`# lpf 800 0.7`), they are the operation. [`sound_side`] is that one decision,
//! which the checker and the evaluator both read.

use super::signatures::{Builtin, Imp, Kind, Param, ParamTy, Ret};
use crate::pattern::transforms::sound;
use crate::pattern::value::Control;
use crate::signature::p;

const CONTROL_PARAMS: &[Param] = &[p("value", ParamTy::Control)];

pub(super) const fn control(name: &'static str, control: Control, doc: &'static str) -> Builtin {
    Builtin {
        name,
        kind: Kind::Control,
        params: CONTROL_PARAMS,
        result: Ret::Sound,
        has_input: false,
        sound_only: false,
        doc,
        imp: Imp::Control(control),
    }
}

pub(super) static CONTROL_BUILTINS: &[Builtin] = &[
    Builtin {
        name: "s",
        kind: Kind::Control,
        params: &[p("samples", ParamTy::Pattern)],
        result: Ret::Sound,
        has_input: false,
        sound_only: false,
        doc: "play samples or synths by name: a pattern of names, `bd:3` picks variant 3",
        imp: Imp::Sound(|a| Ok(sound::sound(a.pattern(0)?))),
    },
    Builtin {
        name: "sound",
        kind: Kind::Control,
        params: &[p("samples", ParamTy::Pattern)],
        result: Ret::Sound,
        has_input: false,
        sound_only: false,
        doc: "the same as `s`",
        imp: Imp::Sound(|a| Ok(sound::sound(a.pattern(0)?))),
    },
    control(
        "n",
        Control::N,
        "sample variant (wraps around the variants); for a synth the note, 0 = middle C",
    ),
    control(
        "note",
        Control::Note,
        "semitones relative to the sample; a note name counts from c4 (`note \"c5\"` is an octave up); for a synth the note",
    ),
    control("up", Control::Note, "the same as `note` (Tidal's `up = note`)"),
    control("octave", Control::Octave, "a synth's octave, default 5 (`n 0` is c5 in Tidal's naming, middle C)"),
    control("freq", Control::Freq, "a synth's frequency in Hz (instead of its note)"),
    control("gain", Control::Gain, "amplitude, default 1"),
    control("velocity", Control::Velocity, "amplitude factor, default 1"),
    control("amp", Control::Amp, "amplitude factor, default 1"),
    control("pan", Control::Pan, "0 (left) .. 1 (right), 0.5 is centre"),
    control("speed", Control::Speed, "playback rate; negative plays backwards"),
    control(
        "accelerate",
        Control::Accelerate,
        "a glide over the voice: the rate goes from 1 to 1 + accelerate",
    ),
    control(
        "unit",
        Control::Unit,
        "`unit \"c\"`: speed counts cycles (speed 1 stretches the sample over one cycle)",
    ),
    control("begin", Control::Begin, "start of the played slice of the sample, 0..1"),
    control("end", Control::End, "end of the played slice of the sample, 0..1"),
    control("loop", Control::Loop, "play the slice this many times"),
    control(
        "cut",
        Control::Cut,
        "cut group: a new voice stops the others of its group",
    ),
    control("legato", Control::Legato, "length in units of the event's duration"),
    control("sustain", Control::Sustain, "length in seconds (SuperDirt's meaning)"),
    control("attack", Control::Attack, "per-voice attack in seconds"),
    control("att", Control::Attack, "the same as `attack`"),
    control("hold", Control::Hold, "per-voice hold at full level, seconds"),
    control("decay", Control::Decay, "per-voice decay to the `sus` level, seconds"),
    control("sus", Control::Sus, "per-voice sustain level of the envelope, 0..1"),
    control("release", Control::Release, "per-voice release in seconds"),
    control("rel", Control::Release, "the same as `release`"),
    control("cutoff", Control::Cutoff, "per-voice low-pass cutoff in Hz (`# lpf` on a sound)"),
    control("ctf", Control::Cutoff, "the same as `cutoff`"),
    control("resonance", Control::Resonance, "the per-voice low-pass's resonance, 0..1"),
    control("lpq", Control::Resonance, "the same as `resonance`"),
    control("hcutoff", Control::Hcutoff, "per-voice high-pass cutoff in Hz (`# hpf` on a sound)"),
    control("hresonance", Control::Hresonance, "the per-voice high-pass's resonance, 0..1"),
    control("hpq", Control::Hresonance, "the same as `hresonance`"),
    control("bandf", Control::Bandf, "per-voice band-pass centre in Hz (`# bpf` on a sound)"),
    control("bandq", Control::Bandq, "the per-voice band-pass's q"),
    control("bpq", Control::Bandq, "the same as `bandq`"),
    control("vowel", Control::Vowel, "formant filter: `a e i o u`"),
    control("crush", Control::Crush, "per-voice bit depth, 1..16 (lower is cruder)"),
    control("coarse", Control::Coarse, "per-voice sample-rate reduction: hold every n-th frame"),
    control("room", Control::Room, "send to the orbit's reverb, 0..1"),
    control("size", Control::Size, "the orbit's reverb room size, 0..1"),
    control("sz", Control::Size, "the same as `size`"),
    control("dry", Control::Dry, "the orbit's dry level when its reverb is used"),
    control("delaytime", Control::Delaytime, "the orbit's delay time, seconds (cycles with `lock 1`)"),
    control("delayt", Control::Delaytime, "the same as `delaytime`"),
    control("delayfeedback", Control::Delayfeedback, "the orbit's delay feedback, 0..1"),
    control("delayfb", Control::Delayfeedback, "the same as `delayfeedback`"),
    control("lock", Control::Lock, "`lock 1`: the orbit's delaytime counts cycles"),
    control("orbit", Control::Orbit, "the effect bus: 0..11, each with its own reverb and delay"),
];

/// The control meanings of the names that are signal operations too, on a sound.
static SOUND_SIDE: &[Builtin] = &[
    control("lpf", Control::Cutoff, "on a sound: the per-voice low-pass cutoff (`cutoff`)"),
    control("hpf", Control::Hcutoff, "on a sound: the per-voice high-pass cutoff (`hcutoff`)"),
    control("bpf", Control::Bandf, "on a sound: the per-voice band-pass centre (`bandf`)"),
    control("shape", Control::Shape, "on a sound: per-voice waveshaping, 0..1"),
    control("delay", Control::Delay, "on a sound: send to the orbit's delay, 0..1"),
];

/// The control a signal operation's name means on a sound: `builtin` given `given`
/// arguments, on the right of `#` with a sound on the left, is a control when the
/// name has a control meaning and exactly one argument is given (`s "bd" # lpf
/// 800`); otherwise (`# lpf 800 0.7`, or a signal on the left) it is the operation.
pub fn sound_side(builtin: &Builtin, given: usize) -> Option<&'static Builtin> {
    if given != 1 || !matches!(builtin.imp, Imp::Signal(_)) {
        return None;
    }
    SOUND_SIDE.iter().find(|b| b.name == builtin.name)
}
