//! The transforms of the language, built from the core in [`super`].
//!
//! Conventions: a transform is a plain function taking its arguments in Tidal's
//! order and the pattern last. A numeric argument that Tidal accepts as a pattern is a
//! `Pattern<Value>` here and is applied with [`with_time_arg`], [`with_f64_arg`] or
//! [`with_int_arg`] (Tidal's `tParam`: the argument's events select the transformed
//! pattern, inner-joined; a constant argument applies the function directly, as Tidal
//! 1.9.10). Where Tidal writes the `innerJoin` out instead of using `tParam`
//! (`every`, `chunk`, `inside`, `someCyclesBy`), the `_joined` variants keep the join
//! even for a constant argument. Functions named with a leading underscore in Tidal
//! (`_fast`) are the methods on [`Pattern`] or take plain numbers here.
//!
//! - [`timing`][]: speed, shifting, reversal, cycle-wise conditionals and structure
//!   (fast slow hurry rev every whenmod palindrome iter chunk ply euclid off linger ...)
//! - [`chance`][]: randomness (degradeBy sometimesBy someCyclesBy shuffle scramble rand
//!   irand choose)
//! - [`sound`][]: transforms of sound events (jux stut echo chop striate ...)
//! - [`harmony`][]: scales, arpeggios and rolled chords (scale arp rolled rolledBy)
//! - [`lists`][]: the functions that take lists (randcat wrandcat layer spread select
//!   squeeze pickF fit spin)
//! - [`structure`][]: more structure (euclidInv euclidLegato trunc plyWith rot bite)
//!   and value maps (quantise rangex)
//! - [`conditions`][]: conditionals (every' foldEvery lastOf while sew stitch inv) and
//!   control matching (contrast fix unfix)

pub mod args;
pub mod chance;
pub mod conditions;
pub mod harmony;
pub mod lists;
pub mod slicing;
pub mod sound;
pub mod structure;
pub mod timing;

pub use args::{Arg, ArgError, Args};

use super::value::Value;
use super::{patternify, patternify_joined, PatValue, Pattern};
use crate::time::Rational;

/// A numeric value as exact time: floats that came from decimal text or simple
/// fractions become exact again (see [`Rational::from_f64`]).
pub fn time_of(v: &Value) -> Option<Rational> {
    v.as_f64().filter(|x| x.is_finite()).map(Rational::from_f64)
}

/// Applies `f` with a time-valued pattern argument; non-numeric argument events are
/// skipped (they contribute silence).
pub fn with_time_arg<T: PatValue>(
    arg: Pattern<Value>,
    pat: Pattern<T>,
    f: impl Fn(Rational, Pattern<T>) -> Pattern<T> + Send + Sync + 'static,
) -> Pattern<T> {
    patternify(arg, pat, time_fn(f))
}

/// [`with_time_arg`] without the constant shortcut (Tidal's written-out `innerJoin`).
pub fn with_time_arg_joined<T: PatValue>(
    arg: Pattern<Value>,
    pat: Pattern<T>,
    f: impl Fn(Rational, Pattern<T>) -> Pattern<T> + Send + Sync + 'static,
) -> Pattern<T> {
    patternify_joined(arg, pat, time_fn(f))
}

fn time_fn<T: PatValue>(
    f: impl Fn(Rational, Pattern<T>) -> Pattern<T> + Send + Sync + 'static,
) -> impl Fn(&Value, Pattern<T>) -> Pattern<T> + Send + Sync + 'static {
    move |v, p| match time_of(v) {
        Some(t) => f(t, p),
        None => Pattern::silence(),
    }
}

/// Applies `f` with a float-valued pattern argument.
pub fn with_f64_arg<T: PatValue>(
    arg: Pattern<Value>,
    pat: Pattern<T>,
    f: impl Fn(f64, Pattern<T>) -> Pattern<T> + Send + Sync + 'static,
) -> Pattern<T> {
    patternify(arg, pat, f64_fn(f))
}

/// [`with_f64_arg`] without the constant shortcut (Tidal's written-out `innerJoin`).
pub fn with_f64_arg_joined<T: PatValue>(
    arg: Pattern<Value>,
    pat: Pattern<T>,
    f: impl Fn(f64, Pattern<T>) -> Pattern<T> + Send + Sync + 'static,
) -> Pattern<T> {
    patternify_joined(arg, pat, f64_fn(f))
}

fn f64_fn<T: PatValue>(
    f: impl Fn(f64, Pattern<T>) -> Pattern<T> + Send + Sync + 'static,
) -> impl Fn(&Value, Pattern<T>) -> Pattern<T> + Send + Sync + 'static {
    move |v, p| match v.as_f64().filter(|x| x.is_finite()) {
        Some(x) => f(x, p),
        None => Pattern::silence(),
    }
}

/// Applies `f` with an integer-valued pattern argument (Tidal's `Pattern Int`: the
/// value is floored, as Tidal's parser does for integer patterns).
pub fn with_int_arg<T: PatValue>(
    arg: Pattern<Value>,
    pat: Pattern<T>,
    f: impl Fn(i64, Pattern<T>) -> Pattern<T> + Send + Sync + 'static,
) -> Pattern<T> {
    patternify(arg, pat, int_fn(f))
}

/// [`with_int_arg`] without the constant shortcut (Tidal's written-out `innerJoin`).
pub fn with_int_arg_joined<T: PatValue>(
    arg: Pattern<Value>,
    pat: Pattern<T>,
    f: impl Fn(i64, Pattern<T>) -> Pattern<T> + Send + Sync + 'static,
) -> Pattern<T> {
    patternify_joined(arg, pat, int_fn(f))
}

fn int_fn<T: PatValue>(
    f: impl Fn(i64, Pattern<T>) -> Pattern<T> + Send + Sync + 'static,
) -> impl Fn(&Value, Pattern<T>) -> Pattern<T> + Send + Sync + 'static {
    move |v, p| match int_of(v) {
        Some(i) => f(i, p),
        None => Pattern::silence(),
    }
}

/// An integer argument as Tidal reads a `Pattern Int`: floored; `None` for a value
/// that is not a finite number. Clamped so that no cast overflows.
pub(super) fn int_of(v: &Value) -> Option<i64> {
    v.as_f64()
        .filter(|x| x.is_finite())
        .map(|x| x.floor().clamp(-1e15, 1e15) as i64)
}

/// A pattern transformation passed as an argument (`every 3 rev`, `jux (fast 2)`).
pub type Transform<T> = std::sync::Arc<dyn Fn(Pattern<T>) -> Pattern<T> + Send + Sync>;
