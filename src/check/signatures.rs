//! The table of every built-in: its parameters (in application order, with their
//! types and the defaults of the optional ones), its result, a one-line description
//! and what implements it ([`Imp`]). The checker interprets it; the evaluator, the
//! lowering and `phonon functions` read it. The rows of the signal operations
//! (oscillators, filters, envelopes, effects) are not written here: they are made
//! from the operation table (`ir::op`), their one definition.
//!
//! Conventions:
//! - A transform's type variable (written `a` in [`Builtin::signature`]) is a pattern
//!   or a sound: `fast : time -> a -> a`. Builtins with `sound_only` fix it to a sound
//!   (they set `pan` or `gain`, or cut samples: `jux`, `stut`, `chop`, ...).
//! - When `has_input` is true the LAST parameter is the input, the value that `$` and
//!   `#` supply (`x # lpf 800`, `fast 2 $ x`). Optional parameters are never the input.
//! - Times (delay `time`, envelope stages) are in seconds, frequencies in Hz.

use std::sync::LazyLock;

use crate::ir::Op;

/// What implements a built-in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Imp {
    /// A pattern built-in (transform, source, sound or control), evaluated by
    /// `eval::builtins`.
    Pattern,
    /// A signal operation: a node of the graph.
    Signal(Op),
    /// Maths: computed at once on numbers and patterns, the operation on signals.
    Maths(Op),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Builtin {
    pub name: &'static str,
    pub kind: Kind,
    pub params: &'static [Param],
    pub result: Ret,
    /// The last parameter is the input (what `$` and `#` supply).
    pub has_input: bool,
    /// The type variable `a` is fixed to a sound.
    pub sound_only: bool,
    pub doc: &'static str,
    pub imp: Imp,
}

impl Builtin {
    /// Number of parameters that must be given.
    pub fn required(&self) -> usize {
        self.params.iter().filter(|p| p.default.is_none()).count()
    }

    /// The usage line: `lpf cutoff [q] input`.
    pub fn usage(&self) -> String {
        let mut s = self.name.to_string();
        for p in self.params {
            if p.default.is_some() {
                s.push_str(&format!(" [{}]", p.name));
            } else {
                s.push_str(&format!(" {}", p.name));
            }
        }
        s
    }

    /// The type signature: `lpf : signal -> [signal = 0.707] -> signal -> signal`.
    pub fn signature(&self) -> String {
        let mut s = format!("{} :", self.name);
        for p in self.params {
            let ty = match (self.sound_only, p.ty) {
                (true, ParamTy::Value) => "sound",
                (true, ParamTy::Transform) => "(sound -> sound)",
                (_, t) => t.word(),
            };
            match p.default {
                Some(d) => s.push_str(&format!(" [{ty} = {d}] ->")),
                None => s.push_str(&format!(" {ty} ->")),
            }
        }
        let r = match (self.sound_only, self.result) {
            (true, Ret::Same) => "sound",
            (_, r) => r.word(),
        };
        s.push_str(&format!(" {r}"));
        s
    }
}

use crate::signature::p;
pub use crate::signature::{Kind, Param, ParamTy, Ret};

use ParamTy::{Control, Numeric, Time, Transform, Value};

const fn tr(
    name: &'static str,
    params: &'static [Param],
    sound_only: bool,
    doc: &'static str,
) -> Builtin {
    Builtin {
        name,
        kind: Kind::Transform,
        params,
        result: Ret::Same,
        has_input: true,
        sound_only,
        doc,
        imp: Imp::Pattern,
    }
}

const CONTROL_PARAMS: &[Param] = &[p("value", Control)];

const fn control(name: &'static str, doc: &'static str) -> Builtin {
    Builtin {
        name,
        kind: Kind::Control,
        params: CONTROL_PARAMS,
        result: Ret::Sound,
        has_input: false,
        sound_only: false,
        doc,
        imp: Imp::Pattern,
    }
}

const fn maths(name: &'static str, op: Op, params: &'static [Param], doc: &'static str) -> Builtin {
    Builtin {
        name,
        kind: Kind::Maths,
        params,
        result: Ret::Widest,
        has_input: true,
        sound_only: false,
        doc,
        imp: Imp::Maths(op),
    }
}

const fn source(name: &'static str, params: &'static [Param], doc: &'static str) -> Builtin {
    Builtin {
        name,
        kind: Kind::Source,
        params,
        result: Ret::Pattern,
        has_input: false,
        sound_only: false,
        doc,
        imp: Imp::Pattern,
    }
}

const X: Param = p("pattern", Value);
const F: Param = p("transform", Transform);

/// The pattern built-ins: transforms, sources, sounds and their controls.
static PATTERN_BUILTINS: &[Builtin] = &[
    // ---- transforms (Tidal's argument order) ----
    tr(
        "fast",
        &[p("factor", Time), X],
        false,
        "speed up by a factor",
    ),
    tr(
        "slow",
        &[p("factor", Time), X],
        false,
        "slow down by a factor",
    ),
    tr(
        "hurry",
        &[p("factor", Time), X],
        true,
        "speed up and multiply `speed` by the factor",
    ),
    tr("rev", &[X], false, "reverse each cycle"),
    tr(
        "every",
        &[p("n", Time), F, X],
        false,
        "apply the transform every n-th cycle (cycle mod n = 0)",
    ),
    tr(
        "whenmod",
        &[p("a", Time), p("b", Time), F, X],
        false,
        "apply the transform when cycle mod a >= b",
    ),
    tr(
        "jux",
        &[F, X],
        true,
        "the original panned left, the transformed copy panned right",
    ),
    tr(
        "juxBy",
        &[p("width", Time), F, X],
        true,
        "jux with the pans at -width..width",
    ),
    tr(
        "stut",
        &[p("count", Time), p("feedback", Time), p("time", Time), X],
        false,
        "count echoes, copy i shifted by i*time with gain feedback^i (on a plain pattern, only shifted)",
    ),
    tr(
        "echo",
        &[p("count", Time), p("time", Time), p("feedback", Time), X],
        false,
        "stut with Tidal's echo argument order: count time feedback",
    ),
    tr(
        "stutWith",
        &[p("count", Time), p("time", Time), F, X],
        false,
        "count copies, copy i shifted by i*time with the transform applied i times",
    ),
    tr("degrade", &[X], false, "drop events with probability 0.5"),
    tr(
        "degradeBy",
        &[p("amount", Time), X],
        false,
        "drop events with the given probability",
    ),
    tr(
        "unDegradeBy",
        &[p("amount", Time), X],
        false,
        "keep exactly the events degradeBy would drop",
    ),
    tr(
        "sometimes",
        &[F, X],
        false,
        "apply the transform to events with probability 0.5",
    ),
    tr(
        "sometimesBy",
        &[p("amount", Time), F, X],
        false,
        "apply the transform to events with the given probability",
    ),
    tr("often", &[F, X], false, "sometimesBy 0.75"),
    tr("rarely", &[F, X], false, "sometimesBy 0.25"),
    tr("almostNever", &[F, X], false, "sometimesBy 0.1"),
    tr("almostAlways", &[F, X], false, "sometimesBy 0.9"),
    tr("always", &[F, X], false, "apply the transform"),
    tr("never", &[F, X], false, "leave the pattern alone"),
    tr("someCycles", &[F, X], false, "someCyclesBy 0.5"),
    tr(
        "someCyclesBy",
        &[p("amount", Time), F, X],
        false,
        "apply the transform to whole cycles with the given probability",
    ),
    tr("palindrome", &[X], false, "every other cycle reversed"),
    tr(
        "iter",
        &[p("n", Time), X],
        false,
        "shift the start by 1/n cycle each cycle",
    ),
    tr("iter'", &[p("n", Time), X], false, "iter, backwards"),
    tr(
        "chunk",
        &[p("n", Time), F, X],
        false,
        "apply the transform to one n-th of the cycle, a different one each cycle",
    ),
    tr("chunk'", &[p("n", Time), F, X], false, "chunk, backwards"),
    tr(
        "ply",
        &[p("n", Time), X],
        false,
        "repeat each event n times inside its span",
    ),
    tr(
        "euclid",
        &[p("k", Time), p("n", Time), X],
        false,
        "Euclidean rhythm: k onsets over n steps",
    ),
    tr(
        "euclidOff",
        &[p("k", Time), p("n", Time), p("rotation", Time), X],
        false,
        "euclid rotated left by rotation steps",
    ),
    tr(
        "euclidFull",
        &[p("k", Time), p("n", Time), X, p("other", Value)],
        false,
        "euclid, with the other pattern playing in the rests",
    ),
    tr(
        "rotL",
        &[p("time", Time), X],
        false,
        "shift earlier by a time in cycles (also `t <~ p`)",
    ),
    tr(
        "rotR",
        &[p("time", Time), X],
        false,
        "shift later by a time in cycles (also `t ~> p`)",
    ),
    tr(
        "off",
        &[p("time", Time), F, X],
        false,
        "superimpose the transformed copy shifted later by time",
    ),
    tr(
        "superimpose",
        &[F, X],
        false,
        "stack the pattern with its transformed copy",
    ),
    tr(
        "brak",
        &[X],
        false,
        "squash every other cycle into its second half",
    ),
    tr(
        "segment",
        &[p("n", Time), X],
        false,
        "sample the pattern n times per cycle",
    ),
    tr(
        "swingBy",
        &[p("amount", Time), p("n", Time), X],
        false,
        "delay every second of n slices per cycle by amount",
    ),
    tr("swing", &[p("n", Time), X], false, "swingBy 1/3"),
    tr(
        "linger",
        &[p("fraction", Time), X],
        false,
        "repeat the first fraction of each cycle",
    ),
    tr(
        "chop",
        &[p("n", Time), X],
        true,
        "cut each sample event into n parts (sets begin/end)",
    ),
    tr(
        "striate",
        &[p("n", Time), X],
        true,
        "interlace n parts of each sample across the cycle",
    ),
    tr(
        "struct",
        &[p("booleans", ParamTy::Pattern), X],
        false,
        "take the structure of a boolean pattern (t/f, 1/0)",
    ),
    tr(
        "mask",
        &[p("booleans", ParamTy::Pattern), X],
        false,
        "keep the events where the boolean pattern is true",
    ),
    tr(
        "zoom",
        &[p("begin", Time), p("end", Time), X],
        false,
        "play the span begin..end of each cycle, stretched to a cycle",
    ),
    tr(
        "compress",
        &[p("begin", Time), p("end", Time), X],
        false,
        "squeeze each cycle into begin..end, silence elsewhere",
    ),
    tr(
        "fastGap",
        &[p("factor", Time), X],
        false,
        "speed up but keep to the start of each cycle, with a gap",
    ),
    tr(
        "inside",
        &[p("n", Time), F, X],
        false,
        "apply the transform inside a cycle slowed by n",
    ),
    tr(
        "outside",
        &[p("n", Time), F, X],
        false,
        "apply the transform outside, over n cycles",
    ),
    tr(
        "within",
        &[p("begin", Time), p("end", Time), F, X],
        false,
        "apply the transform to the part begin..end of each cycle",
    ),
    tr("press", &[X], false, "pressBy 0.5"),
    tr(
        "pressBy",
        &[p("amount", Time), X],
        false,
        "squeeze each event into its last part, from amount on",
    ),
    tr(
        "shuffle",
        &[p("n", Time), X],
        false,
        "play n slices of each cycle in random order, without repeats",
    ),
    tr(
        "scramble",
        &[p("n", Time), X],
        false,
        "play n random slices of each cycle, repeats allowed",
    ),
    // ---- pattern sources ----
    source("run", &[p("n", Time)], "0 .. n-1 in one cycle"),
    source(
        "irand",
        &[p("n", Time)],
        "a continuous random integer 0 .. n-1",
    ),
    source("rand", &[], "a continuous random number 0..1"),
    source(
        "choose",
        &[p("values", ParamTy::Pattern)],
        "a continuous random pick among the values of the first cycle of the pattern",
    ),
    // ---- sounds and their controls ----
    Builtin {
        name: "s",
        kind: Kind::Control,
        params: &[p("samples", ParamTy::Pattern)],
        result: Ret::Sound,
        has_input: false,
        sound_only: false,
        doc: "play samples: a pattern of names, `bd:3` picks variant 3",
        imp: Imp::Pattern,
    },
    Builtin {
        name: "sound",
        kind: Kind::Control,
        params: &[p("samples", ParamTy::Pattern)],
        result: Ret::Sound,
        has_input: false,
        sound_only: false,
        doc: "the same as `s`",
        imp: Imp::Pattern,
    },
    control("n", "sample variant (wraps around the variants)"),
    control("gain", "amplitude, default 1"),
    control("pan", "-1 (left) .. 1 (right), 0 is centre"),
    control("speed", "playback rate; negative plays backwards"),
    control(
        "note",
        "semitones relative to the sample; a note name counts from c4 (`note \"c5\"` is an octave up)",
    ),
    control("begin", "start of the played slice of the sample, 0..1"),
    control("end", "end of the played slice of the sample, 0..1"),
    control(
        "cut",
        "cut group: a new voice stops the others of its group",
    ),
    control("legato", "length in units of the event's duration"),
    control("attack", "per-voice attack in seconds"),
    control("release", "per-voice release in seconds"),
];

/// The maths built-ins: on numbers and patterns computed at once (Tidal's
/// semantics), on signals the graph operation.
static MATHS: &[Builtin] = &[
    maths(
        "mtof",
        Op::Mtof,
        &[p("note", Numeric)],
        "MIDI note number to frequency (a4 = 69 = 440 Hz)",
    ),
    maths(
        "range",
        Op::Range,
        &[p("lo", Numeric), p("hi", Numeric), p("input", Numeric)],
        "a signal's -1..1 onto lo..hi; on a pattern, Tidal's range (0..1 onto lo..hi)",
    ),
    maths(
        "clip",
        Op::Clip,
        &[p("lo", Numeric), p("hi", Numeric), p("input", Numeric)],
        "clamp to lo..hi",
    ),
    maths("abs", Op::Abs, &[p("input", Numeric)], "absolute value"),
];

/// The row of a signal operation that is a built-in of the language.
fn signal(op: Op) -> Option<Builtin> {
    let spec = op.spec();
    let lang = spec.language?;
    Some(Builtin {
        name: spec.name,
        kind: lang.kind,
        params: lang.params,
        result: Ret::Signal,
        has_input: lang.has_input,
        sound_only: false,
        doc: spec.doc,
        imp: Imp::Signal(op),
    })
}

/// Every built-in: the pattern built-ins, the signal operations, the maths.
static BUILTINS: LazyLock<Vec<Builtin>> = LazyLock::new(|| {
    PATTERN_BUILTINS
        .iter()
        .copied()
        .chain(Op::LANGUAGE.iter().filter_map(|op| signal(*op)))
        .chain(MATHS.iter().copied())
        .collect()
});

/// Every built-in function, in documentation order.
pub fn builtins() -> &'static [Builtin] {
    &BUILTINS
}

/// The built-in named `name`.
pub fn lookup(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_inputs_are_last_and_required() {
        for (i, b) in builtins().iter().enumerate() {
            assert!(
                builtins()[..i].iter().all(|o| o.name != b.name),
                "{} twice",
                b.name
            );
            if b.has_input {
                let last = b.params.last().map(|p| p.default);
                assert_eq!(
                    last,
                    Some(None),
                    "{}: input must be a required last param",
                    b.name
                );
            }
            // Optional parameters come after the required ones, except for the input.
            let n = b.params.len() - usize::from(b.has_input);
            let first_opt = b.params[..n].iter().position(|p| p.default.is_some());
            if let Some(k) = first_opt {
                assert!(
                    b.params[k..n].iter().all(|p| p.default.is_some()),
                    "{}",
                    b.name
                );
            }
        }
    }

    #[test]
    fn every_name_of_the_language_is_in_the_table() {
        let names = "fast slow hurry rev every whenmod jux juxBy stut echo stutWith degrade \
            degradeBy unDegradeBy sometimes sometimesBy often rarely almostNever almostAlways \
            always never someCycles someCyclesBy palindrome iter iter' chunk chunk' ply euclid \
            euclidOff euclidFull rotL rotR off superimpose brak segment range swingBy swing \
            linger chop striate struct mask zoom compress fastGap inside outside within press \
            pressBy shuffle scramble run irand rand choose s sound n gain pan speed note begin \
            end cut legato attack release sine saw square tri noise pink impulse lpf hpf bpf \
            notch moog ad adsr perc delay reverb distortion bitcrush chorus compressor mtof \
            clip abs";
        for n in names.split_whitespace() {
            assert!(lookup(n).is_some(), "{n} missing");
        }
    }

    #[test]
    fn usage_and_signature_show_optional_parameters() {
        let lpf = lookup("lpf").map(|b| (b.usage(), b.signature()));
        assert_eq!(
            lpf,
            Some((
                "lpf cutoff [q] input".to_string(),
                "lpf : signal -> [signal = 0.707] -> signal -> signal".to_string()
            ))
        );
        let every = lookup("every").map(|b| b.signature());
        assert_eq!(every.as_deref(), Some("every : time -> (a -> a) -> a -> a"));
        let jux = lookup("jux").map(|b| b.signature());
        assert_eq!(
            jux.as_deref(),
            Some("jux : (sound -> sound) -> sound -> sound")
        );
    }
}
