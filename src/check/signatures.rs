//! The table of every built-in: its parameters (in application order, with their
//! types and the defaults of the optional ones), its result, a one-line description
//! and what implements it ([`Imp`]). The checker interprets it; the evaluator, the
//! lowering and `phonon functions` read it. A pattern built-in's row carries its
//! implementation (a function over [`Args`], the arguments the evaluator converted
//! by their parameter types), so adding a transform is adding its row. The rows of the signal operations
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
use crate::pattern::transforms::{chance, harmony, sound, timing, Arg, ArgError, Args};
use crate::pattern::value::{Control, Value};
use crate::pattern::Pattern;

/// A transform's implementation: its arguments before the input, converted by
/// their parameter types, and the input's pattern (the events of a sound).
pub type TransformFn = fn(&Args, Pattern<Value>) -> Result<Pattern<Value>, ArgError>;

/// A source's implementation: a pattern from the arguments.
pub type SourceFn = fn(&Args) -> Result<Pattern<Value>, ArgError>;

/// Maths on a constant: the arguments before the input (constants), and the input.
pub type NumberFn = fn(&Args, f64) -> Result<f64, ArgError>;

/// What implements a built-in.
#[derive(Clone, Copy, Debug)]
pub enum Imp {
    /// A transform of patterns and sounds (the evaluator keeps a sound a sound, with
    /// the controls it samples).
    Transform(TransformFn),
    /// A pattern source.
    Source(SourceFn),
    /// One of Tidal's continuous patterns ([`crate::pattern::continuous`]), by name.
    Continuous,
    /// Patterns or sounds combined from lists (`stack`, `cat`, `timeCat`): the
    /// result is of the kind of the elements (`a`), with the controls they sample.
    Combine(SourceFn),
    /// A sound made from a pattern of sample names (`s`).
    Sound(SourceFn),
    /// A control of a sound (`gain 0.8`); a signal given to it is sampled at each
    /// event's onset.
    Control(Control),
    /// A signal operation: a node of the graph.
    Signal(Op),
    /// Maths: on numbers `number`, on numbers and patterns `pattern` (computed at
    /// once), on signals the graph operation `op`.
    Maths {
        op: Op,
        number: NumberFn,
        pattern: TransformFn,
    },
}

#[derive(Clone, Copy, Debug)]
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

/// Built-ins are equal when they are the same row (names are unique).
impl PartialEq for Builtin {
    fn eq(&self, other: &Builtin) -> bool {
        self.name == other.name
    }
}

impl Builtin {
    /// How many required parameters are left after the first `given`. At 0 the
    /// built-in stands for its value (`square 110` is a signal): the checker and the
    /// evaluator both ask this.
    pub fn missing_required(&self, given: usize) -> usize {
        self.params
            .get(given..)
            .unwrap_or_default()
            .iter()
            .filter(|p| p.default.is_none())
            .count()
    }

    /// The parameter that `$` and `#` fill after the first `given`: the next required
    /// one (the optional ones skipped keep their defaults), or, when only optional
    /// ones are left, the next of those. `None` when none is left. (Juxtaposition
    /// fills parameter `given`.)
    pub fn input_slot(&self, given: usize) -> Option<usize> {
        let rest = self.params.get(given..)?;
        rest.iter()
            .position(|p| p.default.is_none())
            .or(if rest.is_empty() { None } else { Some(0) })
            .map(|i| i + given)
    }

    /// True when the parameter `$` fills after `given` arguments takes a transform
    /// (`every 3` waiting for its transform), so that `f $ g` applies `f` to `g`
    /// instead of composing them.
    pub fn input_takes_function(&self, given: usize) -> bool {
        self.input_slot(given)
            .and_then(|i| self.params.get(i))
            .is_some_and(|p| p.ty == ParamTy::Transform)
    }

    /// True when parameters `slot` and `slot + 1` are a begin and an end (constant
    /// times): a pair `(b, e)` given at `slot` fills both (`within (0, 0.5)`, as
    /// Tidal writes it; `within 0 0.5` stays).
    pub fn takes_pair(&self, slot: usize) -> bool {
        let is_time = |i: usize| self.params.get(i).is_some_and(|p| p.ty == ParamTy::ConstTime);
        is_time(slot) && is_time(slot + 1)
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
            let ty = p.ty.word(self.sound_only);
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

use crate::signature::{limited, p};
pub use crate::signature::{Kind, Limit, Param, ParamTy, Ret};

use ParamTy::{ConstTime, Numeric, Time, Transform};

pub(super) const fn tr(
    name: &'static str,
    params: &'static [Param],
    sound_only: bool,
    doc: &'static str,
    imp: TransformFn,
) -> Builtin {
    Builtin {
        name,
        kind: Kind::Transform,
        params,
        result: Ret::Same,
        has_input: true,
        sound_only,
        doc,
        imp: Imp::Transform(imp),
    }
}

const fn maths(
    name: &'static str,
    op: Op,
    params: &'static [Param],
    doc: &'static str,
    number: NumberFn,
    pattern: TransformFn,
) -> Builtin {
    Builtin {
        name,
        kind: Kind::Maths,
        params,
        result: Ret::Widest,
        has_input: true,
        sound_only: false,
        doc,
        imp: Imp::Maths {
            op,
            number,
            pattern,
        },
    }
}

pub(super) const fn source(
    name: &'static str,
    params: &'static [Param],
    doc: &'static str,
    imp: SourceFn,
) -> Builtin {
    Builtin {
        name,
        kind: Kind::Source,
        params,
        result: Ret::Pattern,
        has_input: false,
        sound_only: false,
        doc,
        imp: Imp::Source(imp),
    }
}

pub(super) const X: Param = p("pattern", ParamTy::Value);
pub(super) const F: Param = p("transform", Transform);

/// The pattern built-ins: transforms, sources, sounds and their controls.
static PATTERN_BUILTINS: &[Builtin] = &[
    // ---- transforms (Tidal's argument order) ----
    tr(
        "fast",
        &[limited("factor", Time, Limit::Density), X],
        false,
        "speed up by a factor", |a, x| Ok(timing::fast(a.pattern(0)?, x))),
    tr(
        "slow",
        &[limited("factor", Time, Limit::InverseDensity), X],
        false,
        "slow down by a factor", |a, x| Ok(timing::slow(a.pattern(0)?, x))),
    tr(
        "hurry",
        &[p("factor", Time), X],
        true,
        "speed up and multiply `speed` by the factor", |a, x| Ok(sound::hurry(a.pattern(0)?, x))),
    tr("rev", &[X], false, "reverse each cycle", |_, x| Ok(timing::rev(x))),
    tr("id", &[X], false, "the pattern unchanged (Tidal's `id`)", |_, x| Ok(x)),
    tr(
        "const",
        &[p("value", ParamTy::Value), X],
        false,
        "the first pattern, whatever the input (Tidal's `const`); the input must be of the same kind (both patterns or both sounds)", |a, _| a.pattern(0)),
    tr(
        "every",
        &[p("n", Time), F, X],
        false,
        "apply the transform every n-th cycle (cycle mod n = 0)", |a, x| Ok(timing::every(a.pattern(0)?, a.transform(1)?, x))),
    tr(
        "whenmod",
        &[p("a", Time), p("b", Time), F, X],
        false,
        "apply the transform when cycle mod a >= b", |a, x| Ok(timing::whenmod(a.pattern(0)?, a.pattern(1)?, a.transform(2)?, x))),
    tr(
        "jux",
        &[F, X],
        true,
        "the original panned left (pan 0), the transformed copy panned right (pan 1)", |a, x| Ok(sound::jux(a.transform(0)?, x))),
    tr(
        "juxBy",
        &[p("width", Time), F, X],
        true,
        "jux with the pans width/2 either side of the centre (0.5), added to any pan the events have", |a, x| Ok(sound::jux_by(a.pattern(0)?, a.transform(1)?, x))),
    tr(
        "stut",
        &[p("count", Time), p("feedback", Time), p("time", Time), X],
        false,
        "count echoes, copy i shifted by i*time with gain feedback^i (on a plain pattern, only shifted)", |a, x| Ok(sound::stut(a.pattern(0)?, a.pattern(1)?, a.pattern(2)?, x))),
    tr(
        "echo",
        &[p("count", Time), p("time", Time), p("feedback", Time), X],
        false,
        "stut with Tidal's echo argument order: count time feedback", |a, x| Ok(sound::echo(a.pattern(0)?, a.pattern(1)?, a.pattern(2)?, x))),
    tr(
        "stutWith",
        &[p("count", Time), p("time", Time), F, X],
        false,
        "count copies, copy i shifted by i*time with the transform applied i times", |a, x| Ok(sound::stut_with(a.pattern(0)?, a.pattern(1)?, a.transform(2)?, x))),
    tr("degrade", &[X], false, "drop events with probability 0.5", |_, x| Ok(chance::degrade(x))),
    tr(
        "degradeBy",
        &[limited("amount", Time, Limit::Probability), X],
        false,
        "drop events with the given probability", |a, x| Ok(chance::degrade_by(a.pattern(0)?, x))),
    tr(
        "unDegradeBy",
        &[limited("amount", Time, Limit::Probability), X],
        false,
        "keep exactly the events degradeBy would drop", |a, x| Ok(chance::undegrade_by(a.pattern(0)?, x))),
    tr(
        "sometimes",
        &[F, X],
        false,
        "apply the transform to events with probability 0.5", |a, x| Ok(chance::sometimes(a.transform(0)?, x))),
    tr(
        "sometimesBy",
        &[limited("amount", Time, Limit::Probability), F, X],
        false,
        "apply the transform to events with the given probability", |a, x| Ok(chance::sometimes_by(a.pattern(0)?, a.transform(1)?, x))),
    tr("often", &[F, X], false, "sometimesBy 0.75", |a, x| Ok(chance::often(a.transform(0)?, x))),
    tr("rarely", &[F, X], false, "sometimesBy 0.25", |a, x| Ok(chance::rarely(a.transform(0)?, x))),
    tr("almostNever", &[F, X], false, "sometimesBy 0.1", |a, x| Ok(chance::almost_never(a.transform(0)?, x))),
    tr("almostAlways", &[F, X], false, "sometimesBy 0.9", |a, x| Ok(chance::almost_always(a.transform(0)?, x))),
    tr("always", &[F, X], false, "apply the transform", |a, x| Ok(chance::always(a.transform(0)?, x))),
    tr("never", &[F, X], false, "leave the pattern alone", |a, x| Ok(chance::never(a.transform(0)?, x))),
    tr("someCycles", &[F, X], false, "someCyclesBy 0.5", |a, x| Ok(chance::some_cycles(a.transform(0)?, x))),
    tr(
        "someCyclesBy",
        &[limited("amount", Time, Limit::Probability), F, X],
        false,
        "apply the transform to whole cycles with the given probability", |a, x| Ok(chance::some_cycles_by(a.pattern(0)?, a.transform(1)?, x))),
    tr("palindrome", &[X], false, "every other cycle reversed", |_, x| Ok(timing::palindrome(x))),
    tr(
        "iter",
        &[p("n", Time), X],
        false,
        "shift the start by 1/n cycle each cycle", |a, x| Ok(timing::iter(a.pattern(0)?, x))),
    tr("iter'", &[p("n", Time), X], false, "iter, backwards", |a, x| Ok(timing::iter_back(a.pattern(0)?, x))),
    tr(
        "chunk",
        &[p("n", Time), F, X],
        false,
        "apply the transform to one n-th of the cycle, a different one each cycle", |a, x| Ok(timing::chunk(a.pattern(0)?, a.transform(1)?, x))),
    tr("chunk'", &[p("n", Time), F, X], false, "chunk, backwards", |a, x| Ok(timing::chunk_back(a.pattern(0)?, a.transform(1)?, x))),
    tr(
        "ply",
        &[limited("n", Time, Limit::Density), X],
        false,
        "repeat each event n times inside its span", |a, x| Ok(timing::ply(a.pattern(0)?, x))),
    tr(
        "euclid",
        &[p("k", Time), p("n", Time), X],
        false,
        "Euclidean rhythm: k onsets over n steps", |a, x| Ok(timing::euclid(a.pattern(0)?, a.pattern(1)?, x))),
    tr(
        "euclidOff",
        &[p("k", Time), p("n", Time), p("rotation", Time), X],
        false,
        "euclid rotated left by rotation steps", |a, x| Ok(timing::euclid_off(a.pattern(0)?, a.pattern(1)?, a.pattern(2)?, x))),
    // The input of euclidFull (what `$` supplies) is its last parameter, the
    // pattern for the rests; `x` is that one.
    tr(
        "euclidFull",
        &[p("k", Time), p("n", Time), X, p("other", ParamTy::Value)],
        false,
        "euclid, with the other pattern playing in the rests", |a, x| Ok(timing::euclid_full(a.pattern(0)?, a.pattern(1)?, a.pattern(2)?, x))),
    tr(
        "rotL",
        &[p("time", Time), X],
        false,
        "shift earlier by a time in cycles (also `t <~ p`)", |a, x| Ok(timing::rot_l(a.pattern(0)?, x))),
    tr(
        "rotR",
        &[p("time", Time), X],
        false,
        "shift later by a time in cycles (also `t ~> p`)", |a, x| Ok(timing::rot_r(a.pattern(0)?, x))),
    tr(
        "off",
        &[p("time", Time), F, X],
        false,
        "superimpose the transformed copy shifted later by time", |a, x| Ok(timing::off(a.pattern(0)?, a.transform(1)?, x))),
    tr(
        "superimpose",
        &[F, X],
        false,
        "stack the pattern with its transformed copy", |a, x| Ok(timing::superimpose(a.transform(0)?, x))),
    tr(
        "brak",
        &[X],
        false,
        "squash every other cycle into its second half", |_, x| Ok(timing::brak(x))),
    tr(
        "segment",
        &[limited("n", Time, Limit::Density), X],
        false,
        "sample the pattern n times per cycle", |a, x| Ok(timing::segment(a.pattern(0)?, x))),
    tr(
        "swingBy",
        &[p("amount", Time), p("n", Time), X],
        false,
        "delay every second of n slices per cycle by amount", |a, x| Ok(timing::swing_by(a.pattern(0)?, a.pattern(1)?, x))),
    tr("swing", &[p("n", Time), X], false, "swingBy 1/3", |a, x| Ok(timing::swing(a.pattern(0)?, x))),
    tr(
        "linger",
        &[p("fraction", Time), X],
        false,
        "repeat the first fraction of each cycle", |a, x| Ok(timing::linger(a.pattern(0)?, x))),
    tr(
        "chop",
        &[p("n", Time), X],
        true,
        "cut each sample event into n parts (sets begin/end)", |a, x| Ok(sound::chop(a.pattern(0)?, x))),
    tr(
        "striate",
        &[p("n", Time), X],
        true,
        "interlace n parts of each sample across the cycle", |a, x| Ok(sound::striate(a.pattern(0)?, x))),
    tr(
        "struct",
        &[limited("booleans", ParamTy::Pattern, Limit::Boolean), X],
        false,
        "take the structure of a boolean pattern (t/true/x/1 true, f/false/0 false)", |a, x| Ok(timing::struct_(a.pattern(0)?, x))),
    tr(
        "mask",
        &[limited("booleans", ParamTy::Pattern, Limit::Boolean), X],
        false,
        "keep the events where the boolean pattern is true (t/true/x/1)", |a, x| Ok(timing::mask(a.pattern(0)?, x))),
    tr(
        "zoom",
        &[p("begin", ConstTime), p("end", ConstTime), X],
        false,
        "play the span begin..end of each cycle, stretched to a cycle; also `zoom (begin, end)`", |a, x| Ok(timing::zoom(a.time(0)?, a.time(1)?, x))),
    tr(
        "compress",
        &[p("begin", ConstTime), p("end", ConstTime), X],
        false,
        "squeeze each cycle into begin..end, silence elsewhere; also `compress (begin, end)`", |a, x| Ok(timing::compress(a.time(0)?, a.time(1)?, x))),
    tr(
        "fastGap",
        &[limited("factor", Time, Limit::Density), X],
        false,
        "speed up but keep to the start of each cycle, with a gap", |a, x| Ok(timing::fast_gap(a.pattern(0)?, x))),
    tr(
        "inside",
        &[p("n", Time), F, X],
        false,
        "apply the transform inside a cycle slowed by n", |a, x| Ok(timing::inside(a.pattern(0)?, a.transform(1)?, x))),
    tr(
        "outside",
        &[p("n", Time), F, X],
        false,
        "apply the transform outside, over n cycles", |a, x| Ok(timing::outside(a.pattern(0)?, a.transform(1)?, x))),
    tr(
        "within",
        &[p("begin", ConstTime), p("end", ConstTime), F, X],
        false,
        "apply the transform to the part begin..end of each cycle; also `within (begin, end)`", |a, x| Ok(timing::within(a.time(0)?, a.time(1)?, a.transform(2)?, x))),
    tr("press", &[X], false, "pressBy 0.5", |_, x| Ok(timing::press(x))),
    tr(
        "pressBy",
        &[p("amount", Time), X],
        false,
        "squeeze each event into its last part, from amount on", |a, x| Ok(timing::press_by(a.pattern(0)?, x))),
    tr(
        "shuffle",
        &[p("n", Time), X],
        false,
        "play n slices of each cycle in random order, without repeats", |a, x| Ok(chance::shuffle(a.pattern(0)?, x))),
    tr(
        "scramble",
        &[p("n", Time), X],
        false,
        "play n random slices of each cycle, repeats allowed", |a, x| Ok(chance::scramble(a.pattern(0)?, x))),
    // ---- harmony ----
    tr(
        "arp",
        &[p("mode", ParamTy::Pattern), X],
        false,
        "play the notes of each chord one after another, in the order of the mode: up down updown downup converge diverge disconverge pinkyup pinkyupdown thumbup thumbupdown",
        |a, x| Ok(harmony::arp(a.pattern(0)?, x)),
    ),
    tr(
        "rolled",
        &[X],
        false,
        "strum each chord: its notes start one after another over the first quarter of it",
        |_, x| Ok(harmony::rolled(x)),
    ),
    tr(
        "rolledBy",
        &[p("length", Time), X],
        false,
        "strum each chord over this fraction of it (negative: from the top note down)",
        |a, x| Ok(harmony::rolled_by(a.pattern(0)?, x)),
    ),
    source(
        "scale",
        &[p("name", ParamTy::Pattern), p("degrees", ParamTy::Pattern)],
        "the degrees (0 the root) as semitones of the named scale, 12 per octave (Tidal's scale names: major minor dorian minPent ...)",
        |a| Ok(harmony::scale(a.pattern(0)?, a.pattern(1)?)),
    ),
    source(
        "toScale",
        &[p("steps", ParamTy::List(&ParamTy::ConstNumber)), p("degrees", ParamTy::Pattern)],
        "the degrees (0 the first step) as the listed semitones, 12 per time round the list",
        |a| Ok(harmony::to_scale(12.0, a.list(0, "a number", Arg::as_number)?, a.pattern(1)?)),
    ),
    source(
        "toScale'",
        &[
            p("octave", ParamTy::ConstNumber),
            p("steps", ParamTy::List(&ParamTy::ConstNumber)),
            p("degrees", ParamTy::Pattern),
        ],
        "toScale with an octave of this many semitones",
        |a| {
            let octave = a.number(0)?;
            Ok(harmony::to_scale(octave, a.list(1, "a number", Arg::as_number)?, a.pattern(2)?))
        },
    ),
    // ---- pattern sources ----
    source("run", &[p("n", Time)], "0 .. n-1 in one cycle", |a| {
        Ok(timing::run(a.pattern(0)?))
    }),
    source(
        "irand",
        &[p("n", Time)],
        "a continuous random integer 0 .. n-1",
        |a| Ok(chance::irand(a.pattern(0)?)),
    ),
    source("silence", &[], "a pattern with no events (Tidal's `silence`)", |_| {
        Ok(Pattern::silence())
    }),
    source("rand", &[], "a continuous random number 0..1", |_| {
        Ok(chance::rand())
    }),
    source(
        "choose",
        &[p("values", ParamTy::Pattern)],
        "a continuous random pick among the values of the first cycle of the pattern",
        |a| Ok(chance::choose(a.pattern(0)?)),
    ),
];

/// The maths built-ins: on numbers and patterns computed at once (Tidal's
/// semantics), on signals the graph operation.
static MATHS: &[Builtin] = &[
    maths(
        "mtof",
        Op::Mtof,
        &[p("note", Numeric)],
        "MIDI note number to frequency (a4 = 69 = 440 Hz)",
        |_, x| Ok(crate::pattern::value::midi_to_hz(x)),
        |_, x| Ok(timing::mtof(x)),
    ),
    maths(
        "range",
        Op::Range,
        &[p("lo", Numeric), p("hi", Numeric), p("input", Numeric)],
        "a signal's -1..1 onto lo..hi; on a pattern, Tidal's range (0..1 onto lo..hi)",
        |a, x| {
            let (lo, hi) = (a.number(0)?, a.number(1)?);
            Ok(x * (hi - lo) + lo)
        },
        |a, x| Ok(timing::range(a.pattern(0)?, a.pattern(1)?, x)),
    ),
    maths(
        "clip",
        Op::Clip,
        &[p("lo", Numeric), p("hi", Numeric), p("input", Numeric)],
        "clamp to lo..hi",
        |a, x| Ok(x.max(a.number(0)?).min(a.number(1)?)),
        |a, x| Ok(timing::clip(a.number(0)?, a.number(1)?, x)),
    ),
    maths(
        "abs",
        Op::Abs,
        &[p("input", Numeric)],
        "absolute value",
        |_, x| Ok(x.abs()),
        |_, x| Ok(timing::abs(x)),
    ),
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
        .chain(super::list_builtins::LIST_BUILTINS)
        .chain(super::vocab_builtins::VOCAB_BUILTINS)
        .chain(super::control_builtins::CONTROL_BUILTINS)
        .copied()
        .chain(Op::LANGUAGE.iter().filter_map(|op| signal(*op)))
        .chain(MATHS.iter().copied())
        .chain(continuous_rows())
        .collect()
});

/// A row for each continuous pattern whose name is not an oscillator's (`sine`,
/// `saw`, ... are oscillators given a frequency, and continuous patterns bare).
fn continuous_rows() -> impl Iterator<Item = Builtin> {
    crate::pattern::continuous::NAMES
        .iter()
        .filter(|(name, _, _)| !Op::LANGUAGE.iter().any(|op| op.spec().name == *name))
        .map(|&(name, doc, _)| Builtin {
            name,
            kind: Kind::Source,
            params: &[],
            result: Ret::Pattern,
            has_input: false,
            sound_only: false,
            doc,
            imp: Imp::Continuous,
        })
}

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
    fn every_row_is_implemented_as_its_kind_says() {
        for b in builtins() {
            let ok = match b.imp {
                Imp::Transform(_) => {
                    b.kind == Kind::Transform && b.has_input && b.result == Ret::Same
                }
                Imp::Source(_) | Imp::Continuous => b.kind == Kind::Source && !b.has_input,
                Imp::Combine(_) => {
                    b.kind == Kind::Transform && !b.has_input && b.result == Ret::Same
                }
                Imp::Sound(_) | Imp::Control(_) => b.kind == Kind::Control && !b.has_input,
                Imp::Maths { .. } => b.kind == Kind::Maths && b.has_input,
                Imp::Signal(_) => b.result == Ret::Signal,
            };
            assert!(ok, "{}", b.name);
            // A control's row has the control's name, or is an alias that says so
            // (`up`: "the same as `note`").
            if let Imp::Control(c) = b.imp {
                let alias = format!("the same as `{}`", c.name());
                assert!(c.name() == b.name || b.doc.starts_with(&alias), "{}", b.name);
            }
            // Only transforms ask for constant times (the evaluator converts them).
            if b.params.iter().any(|p| p.ty == ConstTime) {
                assert!(matches!(b.imp, Imp::Transform(_)), "{}", b.name);
            }
        }
    }

    #[test]
    fn application_rules_skip_optional_parameters() {
        let Some(lpf) = lookup("lpf") else {
            panic!("lpf missing")
        };
        // lpf cutoff [q] input: `$` fills cutoff, then skips q for the input.
        assert_eq!(lpf.input_slot(0), Some(0));
        assert_eq!(lpf.input_slot(1), Some(2));
        assert_eq!(lpf.input_slot(3), None);
        assert_eq!(lpf.missing_required(1), 1);
        assert_eq!(lpf.missing_required(3), 0);
        let Some(every) = lookup("every") else {
            panic!("every missing")
        };
        assert!(!every.input_takes_function(0));
        assert!(every.input_takes_function(1));
        assert!(!every.input_takes_function(2));
    }

    #[test]
    fn implementations_read_their_arguments() {
        use crate::pattern::transforms::Arg;
        use crate::time::{Rational, Span};
        let Some(Imp::Transform(zoom)) = lookup("zoom").map(|b| b.imp) else {
            panic!("zoom is a transform")
        };
        let quarter = Arg::Time(Rational::new(1, 4));
        let three = Arg::Time(Rational::new(3, 4));
        let x = Pattern::pure(Value::Num(1.0));
        let p = zoom(&Args::new(vec![quarter.clone(), three]), x.clone());
        let one = Span::new(Rational::new(0, 1), Rational::new(1, 1));
        assert_eq!(p.map(|p| p.query(one).len()), Ok(1));
        // A pattern where a constant is needed, and a missing argument.
        let bad = Args::new(vec![quarter, Arg::Pattern(x.clone())]);
        assert_eq!(
            zoom(&bad, x.clone()).err(),
            Some(ArgError::NotConstant { found: "a pattern" })
        );
        let Some(Imp::Transform(fast)) = lookup("fast").map(|b| b.imp) else {
            panic!("fast is a transform")
        };
        assert_eq!(fast(&Args::default(), x).err(), Some(ArgError::Missing(0)));
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
