//! The rows of the built-ins that take lists and tuples (`stack [p, q]`,
//! `timeCat [(1, p), (2, q)]`, `layer [rev, fast 2]`, `spread fast [1, 2]`): part of
//! the one table of built-ins (`signatures::builtins`), kept in their own file. The
//! implementations are in `pattern::transforms::lists` and the core.

use super::signatures::{source, tr, F, Builtin, Imp, Kind, Param, ParamTy, Ret, SourceFn, X};
use crate::pattern::transforms::lists::{self, constant_value};
use crate::pattern::transforms::{chance, Arg, ArgError, Args};
use crate::pattern::{fastcat, slowcat, stack, timecat, Pattern};
use crate::signature::p;
use crate::time::Rational;

use ParamTy::{ConstNumber, ConstTime, List, Spreader, SpreadArg, Time, Transform, Tuple, Value};

/// A combination of patterns or sounds with no input (its `a` is the elements').
const fn combine(name: &'static str, params: &'static [Param], doc: &'static str, imp: SourceFn) -> Builtin {
    Builtin {
        name,
        kind: Kind::Transform,
        params,
        result: Ret::Same,
        has_input: false,
        sound_only: false,
        doc,
        imp: Imp::Combine(imp),
    }
}

const PATTERNS: &[Param] = &[p("patterns", List(&Value))];
const TIMED: &[Param] = &[p("pairs", List(&Tuple(&[ConstTime, Value])))];
const WEIGHTED: &[Param] = &[p("pairs", List(&Tuple(&[Value, ConstNumber])))];
const FIRST: Param = p("first", Value);
const SPREAD: &[Param] = &[p("function", Spreader), p("values", List(&SpreadArg)), X];

fn patterns(a: &Args, i: usize) -> Result<Vec<Pattern<crate::pattern::value::Value>>, ArgError> {
    a.list(i, "a pattern", Arg::as_pattern)
}

fn transforms(a: &Args, i: usize) -> Result<Vec<crate::pattern::transforms::Transform<crate::pattern::value::Value>>, ArgError> {
    a.list(i, "a transform", Arg::as_transform)
}

/// The constant a list element of `fit` or `wchoose` stands for.
pub(super) fn constant(a: &Arg) -> Option<crate::pattern::value::Value> {
    constant_value(&a.as_pattern()?)
}

fn weight(a: &Arg) -> Option<f64> {
    a.as_number().filter(|w| w.is_finite())
}

fn time(a: &Arg) -> Option<Rational> {
    a.as_time()
}

/// The list built-ins, in documentation order.
pub(super) static LIST_BUILTINS: &[Builtin] = &[
    combine(
        "stack",
        PATTERNS,
        "play the patterns (or sounds) of the list at once",
        |a| Ok(stack(patterns(a, 0)?)),
    ),
    tr(
        "overlay",
        &[FIRST, X],
        false,
        "play both at once (`stack [first, pattern]`)",
        |a, x| Ok(stack(vec![a.pattern(0)?, x])),
    ),
    combine(
        "cat",
        PATTERNS,
        "one cycle of each pattern of the list in turn, each keeping its own cycle count",
        |a| Ok(slowcat(patterns(a, 0)?)),
    ),
    combine("slowcat", PATTERNS, "the same as `cat`", |a| Ok(slowcat(patterns(a, 0)?))),
    combine(
        "fastcat",
        PATTERNS,
        "all the patterns of the list in one cycle, each an equal share",
        |a| Ok(fastcat(patterns(a, 0)?)),
    ),
    combine(
        "randcat",
        PATTERNS,
        "a random pattern of the list each cycle (Tidal's randcat: `cat` rotated by a random number of cycles)",
        |a| Ok(lists::randcat(patterns(a, 0)?)),
    ),
    combine(
        "wrandcat",
        WEIGHTED,
        "a random pattern of the (pattern, weight) pairs each cycle, by weight",
        |a| Ok(lists::wrandcat(a.pairs(0, ("a pattern", Arg::as_pattern), ("a weight", weight))?)),
    ),
    combine(
        "timeCat",
        TIMED,
        "the patterns of the (length, pattern) pairs in one cycle, each taking its length's share",
        |a| Ok(timecat(a.pairs(0, ("a length", time), ("a pattern", Arg::as_pattern))?)),
    ),
    combine("timecat", TIMED, "the same as `timeCat`", |a| {
        Ok(timecat(a.pairs(0, ("a length", time), ("a pattern", Arg::as_pattern))?))
    }),
    tr(
        "append",
        &[FIRST, X],
        false,
        "alternate cycles of the two (`cat [first, pattern]`)",
        |a, x| Ok(slowcat(vec![a.pattern(0)?, x])),
    ),
    tr(
        "slowAppend",
        &[FIRST, X],
        false,
        "the same as `append`",
        |a, x| Ok(slowcat(vec![a.pattern(0)?, x])),
    ),
    tr(
        "fastAppend",
        &[FIRST, X],
        false,
        "both in one cycle, each half of it (`fastcat [first, pattern]`)",
        |a, x| Ok(fastcat(vec![a.pattern(0)?, x])),
    ),
    tr(
        "layer",
        &[p("transforms", List(&Transform)), X],
        false,
        "stack the results of each transform of the list applied to the pattern",
        |a, x| Ok(lists::layer(transforms(a, 0)?, x)),
    ),
    tr(
        "($)",
        &[F, X],
        false,
        "apply the transform to the pattern (Tidal's `($)`, for `spread ($) [rev, fast 2]`)",
        |a, x| Ok(a.transform(0)?(x)),
    ),
    tr(
        "spread",
        SPREAD,
        false,
        "the function with each value in turn, one cycle each (`spread fast [1, 2]`)",
        |a, x| Ok(lists::spread(transforms(a, 1)?, x)),
    ),
    tr("slowspread", SPREAD, false, "the same as `spread`", |a, x| {
        Ok(lists::spread(transforms(a, 1)?, x))
    }),
    tr(
        "fastspread",
        SPREAD,
        false,
        "the function with each value, all in one cycle, each an equal share",
        |a, x| Ok(lists::fastspread(transforms(a, 1)?, x)),
    ),
    tr(
        "spreadf",
        &[p("transforms", List(&Transform)), X],
        false,
        "each transform of the list in turn, one cycle each (`spread ($)`)",
        |a, x| Ok(lists::spread(transforms(a, 0)?, x)),
    ),
    tr(
        "spreadChoose",
        SPREAD,
        false,
        "the function with a random one of the values each cycle (`spreadChoose fast [1, 2]`)",
        |a, x| Ok(lists::spread_choose(transforms(a, 1)?, x)),
    ),
    tr("spreadr", SPREAD, false, "the same as `spreadChoose`", |a, x| {
        Ok(lists::spread_choose(transforms(a, 1)?, x))
    }),
    tr(
        "spin",
        &[p("copies", Time), X],
        true,
        "stack n copies, copy i shifted i/n cycle earlier and panned to i/n (Tidal's 0..1 pan)",
        |a, x| Ok(lists::spin(a.pattern(0)?, x)),
    ),
    combine(
        "select",
        &[p("position", Time), p("patterns", List(&Value))],
        "per event of the position (0..1), the pattern at position * (n - 1), rounded down",
        |a| Ok(lists::select(a.pattern(0)?, patterns(a, 1)?)),
    ),
    combine(
        "squeeze",
        &[p("index", Time), p("patterns", List(&Value))],
        "per event of the index, a whole cycle of the pattern it picks, squeezed into the event",
        |a| Ok(lists::squeeze(a.pattern(0)?, patterns(a, 1)?)),
    ),
    tr(
        "pickF",
        &[p("index", Time), p("transforms", List(&Transform)), X],
        false,
        "per event of the index, the transform it picks applied to the pattern",
        |a, x| Ok(lists::pick_f(a.pattern(0)?, transforms(a, 1)?, x)),
    ),
    tr(
        "selectF",
        &[p("position", Time), p("transforms", List(&Transform)), X],
        false,
        "per event of the position (0..1), the transform at position * n, rounded down, applied to the pattern",
        |a, x| Ok(lists::select_f(a.pattern(0)?, transforms(a, 1)?, x)),
    ),
    source(
        "fit",
        &[p("step", Time), p("values", List(&ParamTy::Pattern)), p("indices", ParamTy::Pattern)],
        "each event of the indices takes the value at its index plus step times its cycle (values: numbers or words)",
        |a| {
            let xs = a.list(1, "a constant (a number or a one-value string such as \"bd\")", constant)?;
            Ok(lists::fit(a.pattern(0)?, xs, a.pattern(2)?))
        },
    ),
    source(
        "wchoose",
        &[p("pairs", List(&Tuple(&[ParamTy::Pattern, ConstNumber])))],
        "a continuous random pick among the (value, weight) pairs, by weight (values: numbers or words)",
        |a| Ok(chance::wchoose(a.pairs(
            0,
            ("a constant (a number or a one-value string such as \"bd\")", constant),
            ("a weight", weight),
        )?)),
    ),
];
