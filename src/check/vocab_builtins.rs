//! The rows of more of Tidal's vocabulary (`every'`, `foldEvery`, `sew`, `rot`,
//! `fix`, ...; Strudel's `firstOf`, `lastOf` and `euclidLegato`): part of the one
//! table of built-ins (`signatures::builtins`), kept in their own file. Aliases
//! (`density`, `discretise`, `stut'`, `firstOf`) are rows that call the one
//! implementation of the function they name. The implementations are in
//! `pattern::transforms` (`structure`, `conditions`, `sound`, `chance`).

use super::list_builtins::constant;
use super::signatures::{source, tr, Builtin, Limit, Param, ParamTy, F, X};
use crate::pattern::transforms::{
    chance, conditions, slicing, sound, structure, timing, with_int_arg, Arg, ArgError, Args,
};
use crate::signature::{limited, p};

use ParamTy::{ConstNumber, List, Time, Value};

const BOOLEANS: Param = limited("booleans", ParamTy::Pattern, Limit::Boolean);
const CONTROLS: Param = p("controls", Value);

/// `foldEvery`'s list: whole numbers (Tidal's `[Int]`).
fn whole_numbers(a: &Args, i: usize) -> Result<Vec<i64>, ArgError> {
    a.list(i, "a whole number", |x: &Arg| {
        x.as_number()
            .filter(|n| n.is_finite() && n.fract() == 0.0 && n.abs() <= 1e15)
            .map(|n| n as i64)
    })
}

/// The rows, in documentation order.
pub(super) static VOCAB_BUILTINS: &[Builtin] = &[
    tr(
        "density",
        &[limited("factor", Time, Limit::Density), X],
        false,
        "the same as `fast` (Tidal's old name)",
        |a, x| Ok(timing::fast(a.pattern(0)?, x)),
    ),
    tr(
        "every'",
        &[p("n", Time), p("offset", Time), F, X],
        false,
        "apply the transform in the cycles c where c mod n = offset",
        |a, x| Ok(conditions::every_offset(a.pattern(0)?, a.pattern(1)?, a.transform(2)?, x)),
    ),
    tr(
        "foldEvery",
        &[p("ns", List(&ConstNumber)), F, X],
        false,
        "`every n` for each n of the list, nested: a cycle divisible by several gets the transform several times",
        |a, x| Ok(conditions::fold_every(whole_numbers(a, 0)?, a.transform(1)?, x)),
    ),
    tr(
        "firstOf",
        &[p("n", Time), F, X],
        false,
        "the same as `every` (Strudel's name): the transform in the first of every n cycles",
        |a, x| Ok(timing::every(a.pattern(0)?, a.transform(1)?, x)),
    ),
    tr(
        "lastOf",
        &[p("n", Time), F, X],
        false,
        "apply the transform in the last of every n cycles (cycle mod n = n - 1; Strudel's)",
        |a, x| Ok(conditions::last_of(a.pattern(0)?, a.transform(1)?, x)),
    ),
    tr(
        "while",
        &[BOOLEANS, F, X],
        false,
        "the transformed pattern where the booleans are true, the pattern where they are false",
        |a, x| Ok(conditions::while_(a.pattern(0)?, a.transform(1)?, x)),
    ),
    tr(
        "sew",
        &[BOOLEANS, p("first", Value), X],
        false,
        "the first pattern where the booleans are true, the other where false; the patterns' structure",
        |a, x| Ok(conditions::sew(a.pattern(0)?, a.pattern(1)?, x)),
    ),
    tr(
        "stitch",
        &[BOOLEANS, p("first", Value), X],
        false,
        "the first pattern on the true events of the booleans, the other on the false ones; the booleans' structure",
        |a, x| Ok(conditions::stitch(a.pattern(0)?, a.pattern(1)?, x)),
    ),
    tr(
        "inv",
        &[limited("booleans", Value, Limit::Boolean)],
        false,
        "every boolean negated (numbers become 1 or 0, words t or f)",
        |_, x| Ok(conditions::inv(x)),
    ),
    tr(
        "euclidInv",
        &[p("k", Time), p("n", Time), X],
        false,
        "the pattern on the steps the Euclidean rhythm of k onsets over n steps leaves empty",
        |a, x| Ok(structure::euclid_inv(a.pattern(0)?, a.pattern(1)?, x)),
    ),
    tr(
        "euclidLegato",
        &[p("k", Time), p("n", Time), X],
        false,
        "euclid with each onset held until the next one (Strudel's)",
        |a, x| Ok(structure::euclid_legato(a.pattern(0)?, a.pattern(1)?, x)),
    ),
    tr(
        "discretise",
        &[limited("n", Time, Limit::Density), X],
        false,
        "the same as `segment` (Tidal's old name)",
        |a, x| Ok(timing::segment(a.pattern(0)?, x)),
    ),
    tr(
        "quantise",
        &[p("n", ConstNumber), X],
        false,
        "round every number to the nearest 1/n (halves to even, as Haskell's round)",
        |a, x| Ok(structure::quantise(a.number(0)?, x)),
    ),
    tr(
        "rangex",
        &[p("from", ConstNumber), p("to", ConstNumber), X],
        false,
        "0..1 onto from..to exponentially (both above 0)",
        |a, x| Ok(structure::rangex(a.number(0)?, a.number(1)?, x)),
    ),
    tr(
        "trunc",
        &[p("fraction", Time), X],
        false,
        "play only the first fraction of each cycle, silence after it",
        |a, x| Ok(structure::trunc(a.pattern(0)?, x)),
    ),
    tr(
        "plyWith",
        &[p("n", Time), F, X],
        false,
        "repeat each event n times inside its span, the transform applied once more each time",
        |a, x| Ok(structure::ply_with(a.pattern(0)?, a.transform(1)?, x)),
    ),
    tr(
        "stut'",
        &[p("count", Time), p("time", Time), F, X],
        false,
        "the same as `stutWith` (Tidal's old name)",
        |a, x| Ok(sound::stut_with(a.pattern(0)?, a.pattern(1)?, a.transform(2)?, x)),
    ),
    tr(
        "repeatCycles",
        &[p("n", Time), X],
        false,
        "play every cycle n times in a row",
        |a, x| Ok(with_int_arg(a.pattern(0)?, x, chance::repeat_cycles)),
    ),
    tr(
        "rot",
        &[p("shift", Time), X],
        false,
        "shift the values of each cycle's events by this many events, keeping their times",
        |a, x| Ok(structure::rot(a.pattern(0)?, x)),
    ),
    tr(
        "bite",
        &[p("n", Time), p("indices", Time), X],
        false,
        "cut each cycle into n slices; each event of the indices plays its slice, squeezed into it",
        |a, x| Ok(structure::bite(a.pattern(0)?, a.pattern(1)?, x)),
    ),
    tr(
        "ghost",
        &[X],
        true,
        "add ghost notes 3/16 and 5/16 cycle after each event, at gain * 0.7, end 0.2, speed * 1.25",
        |_, x| Ok(sound::ghost(x)),
    ),
    tr(
        "slice",
        &[p("n", Time), p("indices", Time), X],
        true,
        "cut each sample into n equal parts; each event of the indices plays part (i mod n), setting begin/end",
        |a, x| Ok(slicing::slice(a.pattern(0)?, a.pattern(1)?, x)),
    ),
    tr(
        "splice",
        &[p("n", Time), p("indices", Time), X],
        true,
        "slice, with each part's speed set so that it fills its event (speed (1/n)/event length, unit \"c\")",
        |a, x| Ok(slicing::splice(a.pattern(0)?, a.pattern(1)?, x)),
    ),
    tr(
        "striateBy",
        &[p("n", Time), p("fraction", Time), X],
        true,
        "the pattern n times per cycle, copy i (from 0) playing each sample from (1 - fraction)/n * i for the fraction",
        |a, x| Ok(slicing::striate_by(a.pattern(0)?, a.pattern(1)?, x)),
    ),
    tr(
        "randslice",
        &[p("n", Time), X],
        true,
        "play a random one of n equal parts of each sample (Tidal's rand at the middle of the span queried)",
        |a, x| Ok(slicing::randslice(a.pattern(0)?, x)),
    ),
    tr(
        "chew",
        &[p("n", Time), p("indices", Time), X],
        true,
        "bite, with the speed scaled as each slice is squeezed or stretched into its event",
        |a, x| Ok(slicing::chew(a.pattern(0)?, a.pattern(1)?, x)),
    ),
    tr(
        "loopAt",
        &[limited("n", Time, Limit::Density), X],
        true,
        "slow the pattern by n, divide its speed by n and set unit \"c\", so a one-cycle sample fills n cycles",
        |a, x| Ok(slicing::loop_at(a.pattern(0)?, x)),
    ),
    source(
        "chooseBy",
        &[p("rand", ParamTy::Pattern), p("values", List(&ParamTy::Pattern))],
        "per event of the first pattern (0..1), the value at that fraction of the list (values: numbers or words)",
        |a| {
            let xs = a.list(1, "a constant (a number or a one-value string such as \"bd\")", constant)?;
            Ok(chance::choose_by(a.pattern(0)?, xs))
        },
    ),
    tr(
        "contrast",
        &[F, F, CONTROLS, X],
        true,
        "the first transform on the events whose controls match one of the control maps (`n \"1\"`), the second on the others",
        |a, x| Ok(conditions::contrast(a.transform(0)?, a.transform(1)?, a.pattern(2)?, x)),
    ),
    tr(
        "fix",
        &[F, CONTROLS, X],
        true,
        "apply the transform to the events whose controls match one of the control maps (`fix (fast 2) (s \"bd\")`)",
        |a, x| Ok(conditions::fix(a.transform(0)?, a.pattern(1)?, x)),
    ),
    tr(
        "unfix",
        &[F, CONTROLS, X],
        true,
        "apply the transform to the events whose controls match none of the control maps",
        |a, x| Ok(conditions::unfix(a.transform(0)?, a.pattern(1)?, x)),
    ),
];
