//! Time and structure transforms, with Tidal 1.9's semantics (`Sound.Tidal.Core`,
//! `Sound.Tidal.UI`). See [`super`] for the conventions: Tidal's argument order,
//! the pattern last, numeric arguments that Tidal accepts as patterns taken as
//! `Pattern<Value>` and applied with Tidal's `tParam` (inner join).
//!
//! Names: Tidal's `iter'` and `chunk'` are [`iter_back`] and [`chunk_back`]; the shift
//! operators `<~` and `~>` are [`rot_l`] and [`rot_r`]; `struct` is [`struct_`].
//! The numeric helpers on values (`mtof`, `abs`, `clip`, `range`) are at the end.
//!
//! Bounds: a step count or speed factor beyond [`MAX_DENSITY`] (events per cycle)
//! gives silence rather than a query that would never finish. Division by zero, which
//! crashes Tidal (`outside 0`, `linger 0`, `pressBy 1`), gives silence.

use std::sync::Arc;

use super::{
    int_of, time_of, with_int_arg, with_int_arg_joined, with_time_arg, with_time_arg_joined, Transform,
};
use crate::pattern::euclid::bjorklund;
use crate::pattern::value::{NumOp, Scalar, Value};
use crate::pattern::{app, random, slowcat, stack, Event, PatValue, Pattern, Structure};
use crate::time::{Rational, Span};

/// The largest speed factor, ply count or step count a transform accepts; beyond
/// it the result is silence (the query would otherwise produce that many events per
/// cycle and never finish).
pub const MAX_DENSITY: i64 = 1 << 16;

const LIMIT: i128 = i64::MAX as i128;

fn too_dense(t: Rational) -> bool {
    t.abs() > Rational::from_int(MAX_DENSITY)
}

/// A time argument the exact arithmetic can work with: numerator and denominator
/// within 2^32. Larger or finer values (`1e300`, `1e-300`, shifts of 1e15 cycles)
/// would overflow or saturate the query times; they give silence.
fn sane(t: Rational) -> bool {
    const BOUND: u64 = 1 << 32;
    t.numer().unsigned_abs() <= BOUND && t.denom().unsigned_abs() <= BOUND
}

/// [`with_time_arg`] where an argument that is not [`sane`] gives silence.
pub(super) fn with_sane_time_arg<T: PatValue>(
    arg: Pattern<Value>,
    pat: Pattern<T>,
    f: impl Fn(Rational, Pattern<T>) -> Pattern<T> + Send + Sync + 'static,
) -> Pattern<T> {
    with_time_arg(arg, pat, sane_fn(f))
}

/// [`with_time_arg_joined`] where an argument that is not [`sane`] gives silence.
fn with_sane_time_arg_joined<T: PatValue>(
    arg: Pattern<Value>,
    pat: Pattern<T>,
    f: impl Fn(Rational, Pattern<T>) -> Pattern<T> + Send + Sync + 'static,
) -> Pattern<T> {
    with_time_arg_joined(arg, pat, sane_fn(f))
}

fn sane_fn<T: PatValue>(
    f: impl Fn(Rational, Pattern<T>) -> Pattern<T> + Send + Sync + 'static,
) -> impl Fn(Rational, Pattern<T>) -> Pattern<T> + Send + Sync + 'static {
    move |t, p| {
        if sane(t) {
            f(t, p)
        } else {
            Pattern::silence()
        }
    }
}

/// Wraps a closure as a [`Transform`].
pub fn transform<T: PatValue>(
    f: impl Fn(Pattern<T>) -> Pattern<T> + Send + Sync + 'static,
) -> Transform<T> {
    Arc::new(f)
}

/// Tidal's `tParam2` for two integer arguments: the arguments are combined with
/// structure from both (`<*>`), then inner-joined.
pub(super) fn with_int_args2<T: PatValue>(
    a: Pattern<Value>,
    b: Pattern<Value>,
    pat: Pattern<T>,
    f: impl Fn(i64, i64, Pattern<T>) -> Pattern<T> + Send + Sync + 'static,
) -> Pattern<T> {
    let args = app(Structure::Both, a, b, |x: &Value, y: &Value| {
        (int_of(x), int_of(y))
    });
    crate::pattern::patternify_joined(args, pat, move |(x, y), p| match (x, y) {
        (Some(x), Some(y)) => f(*x, *y, p),
        _ => Pattern::silence(),
    })
}

/// Tidal's `tParam3` for three integer arguments.
fn with_int_args3<T: PatValue>(
    a: Pattern<Value>,
    b: Pattern<Value>,
    c: Pattern<Value>,
    pat: Pattern<T>,
    f: impl Fn(i64, i64, i64, Pattern<T>) -> Pattern<T> + Send + Sync + 'static,
) -> Pattern<T> {
    let ab = app(Structure::Both, a, b, |x: &Value, y: &Value| {
        (int_of(x), int_of(y))
    });
    let args = app(
        Structure::Both,
        ab,
        c,
        |xy: &(Option<i64>, Option<i64>), z: &Value| (xy.0, xy.1, int_of(z)),
    );
    crate::pattern::patternify_joined(args, pat, move |(x, y, z), p| match (x, y, z) {
        (Some(x), Some(y), Some(z)) => f(*x, *y, *z, p),
        _ => Pattern::silence(),
    })
}

/// Two time arguments combined with structure from both, then inner-joined.
fn with_time_args2<T: PatValue>(
    a: Pattern<Value>,
    b: Pattern<Value>,
    pat: Pattern<T>,
    f: impl Fn(Rational, Rational, Pattern<T>) -> Pattern<T> + Send + Sync + 'static,
) -> Pattern<T> {
    let args = app(Structure::Both, a, b, |x: &Value, y: &Value| {
        (time_of(x), time_of(y))
    });
    crate::pattern::patternify_joined(args, pat, move |(x, y), p| match (x, y) {
        (Some(x), Some(y)) if sane(*x) && sane(*y) => f(*x, *y, p),
        _ => Pattern::silence(),
    })
}

/// Tidal's `cat` over `n` patterns built on demand from their index, so that a huge
/// `n` costs nothing up front. Like [`slowcat`], each pattern keeps its own cycle
/// count: pattern `i` plays its cycle `k` in cycle `k*n + i`.
fn lazy_cat<T: PatValue>(
    n: i64,
    make: impl Fn(i64) -> Pattern<T> + Send + Sync + 'static,
) -> Pattern<T> {
    if n <= 0 {
        return Pattern::silence();
    }
    Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
        for piece in span.cycles() {
            let cycle = piece.begin.floor_int();
            let i = cycle.rem_euclid(n);
            // In i128: a saturated time near the i64 limits must not overflow here.
            let (c, n128) = (cycle as i128, n as i128);
            let offset = (c - (c - i as i128).div_euclid(n128)).clamp(-LIMIT, LIMIT);
            let offset = Rational::from_int(offset as i64);
            let start = out.len();
            make(i).query_into(piece.with_time(|t| t - offset), out);
            for e in &mut out[start..] {
                e.part = e.part.with_time(|t| t + offset);
                e.whole = e.whole.map(|w| w.with_time(|t| t + offset));
            }
        }
    })
}

/// Tidal's `fastcat` over `n` patterns built on demand.
fn lazy_fastcat<T: PatValue>(
    n: i64,
    make: impl Fn(i64) -> Pattern<T> + Send + Sync + 'static,
) -> Pattern<T> {
    lazy_cat(n, make).fast(Rational::from_int(n))
}

// ---------------------------------------------------------------------------
// Speed and shifting

/// Speeds the pattern up (Tidal's `fast`): 0 is silence, a negative factor also
/// reverses.
pub fn fast<T: PatValue>(factor: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    with_sane_time_arg(factor, pat, |f, p| {
        if too_dense(f) {
            Pattern::silence()
        } else {
            p.fast(f)
        }
    })
}

/// Slows the pattern down (Tidal's `slow`): 0 is silence.
pub fn slow<T: PatValue>(factor: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    with_sane_time_arg(factor, pat, |f, p| {
        if f.is_zero() || too_dense(Rational::ONE / f) {
            Pattern::silence()
        } else {
            p.slow(f)
        }
    })
}

/// Reverses every cycle (Tidal's `rev`).
pub fn rev<T: PatValue>(pat: Pattern<T>) -> Pattern<T> {
    pat.rev()
}

/// Shifts the pattern earlier by a pattern of times (Tidal's `<~`, `tParam rotL`).
pub fn rot_l<T: PatValue>(t: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    with_sane_time_arg(t, pat, |t, p| p.early(t))
}

/// Shifts the pattern later by a pattern of times (Tidal's `~>`, `tParam rotR`).
pub fn rot_r<T: PatValue>(t: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    with_sane_time_arg(t, pat, |t, p| p.late(t))
}

/// Squashes each cycle into its first `1/factor` (Tidal's `fastGap`).
pub fn fast_gap<T: PatValue>(factor: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    with_sane_time_arg(factor, pat, |f, p| {
        if too_dense(f) {
            Pattern::silence()
        } else {
            p.fast_gap(f)
        }
    })
}

/// Squeezes each cycle into `[begin, end)` of the cycle (Tidal's `compress`);
/// silence unless `0 <= begin < end <= 1`.
pub fn compress<T: PatValue>(begin: Rational, end: Rational, pat: Pattern<T>) -> Pattern<T> {
    pat.compress(begin, end)
}

/// Plays `[begin, end)` of each cycle stretched to the cycle (Tidal's `zoom`);
/// silence unless `begin < end` (and for spans beyond [`MAX_DENSITY`] cycles).
pub fn zoom<T: PatValue>(begin: Rational, end: Rational, pat: Pattern<T>) -> Pattern<T> {
    if too_dense(end - begin) {
        return Pattern::silence();
    }
    pat.zoom(begin, end)
}

/// Tidal's `compressArcTo`: compresses into the span, taken relative to the cycle of
/// its beginning.
fn compress_to<T: PatValue>(begin: Rational, end: Rational, pat: Pattern<T>) -> Pattern<T> {
    pat.compress(begin.cycle_pos(), end - begin.sam())
}

// ---------------------------------------------------------------------------
// Cycle-wise conditionals

/// Applies `f` in the cycles whose number passes `test` (Tidal's `when`): the test
/// sees the cycle of each query piece.
pub fn when_cycle<T: PatValue>(
    test: impl Fn(i64) -> bool + Send + Sync + 'static,
    f: Transform<T>,
    pat: Pattern<T>,
) -> Pattern<T> {
    let transformed = f(pat.clone());
    Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
        if test(span.begin.floor_int()) {
            transformed.query_into(span, out)
        } else {
            pat.query_into(span, out)
        }
    })
    .split_queries()
}

/// Tidal's `_every`: `f` in the cycles divisible by `n`; `n = 0` leaves the pattern
/// alone; a negative `n` acts as its magnitude (Haskell's `mod` by a negative
/// divisor is zero on the same cycles).
pub fn every_n<T: PatValue>(n: i64, f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    if n == 0 {
        return pat;
    }
    when_cycle(move |c| c.checked_rem_euclid(n) == Some(0), f, pat)
}

/// Applies `f` every `n`th cycle, starting with cycle 0 (Tidal's `every`).
pub fn every<T: PatValue>(n: Pattern<Value>, f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    // Tidal: `every tp f p = innerJoin $ (\t -> _every t f p) <$> tp`.
    with_int_arg_joined(n, pat, move |n, p| every_n(n, f.clone(), p))
}

/// Applies `f` in the cycles `c` where `c mod a >= b` (Tidal's `whenmod`, e.g.
/// `whenmod 4 2`: cycles 2, 3, 6, 7, ...). The arguments may be patterns and
/// fractions (Haskell's `mod'`); `a = 0` never applies `f`.
pub fn whenmod<T: PatValue>(
    a: Pattern<Value>,
    b: Pattern<Value>,
    f: Transform<T>,
    pat: Pattern<T>,
) -> Pattern<T> {
    with_time_args2(a, b, pat, move |a, b, p| {
        if a.is_zero() {
            return p;
        }
        when_cycle(
            move |c| {
                let c = Rational::from_int(c);
                let m = c - a * (c / a).floor();
                m >= b
            },
            f.clone(),
            p,
        )
    })
}

/// Plays the pattern forwards, then backwards (Tidal's `palindrome`:
/// `cat [p, rev p]`, each keeping its own cycle count, so that cycle `2k+1` plays
/// the reverse of the pattern's cycle `k`).
pub fn palindrome<T: PatValue>(pat: Pattern<T>) -> Pattern<T> {
    slowcat(vec![pat.clone(), pat.rev()])
}

/// Tidal's `brak`: every other cycle, squashes the cycle into half and shifts it by a
/// quarter.
pub fn brak<T: PatValue>(pat: Pattern<T>) -> Pattern<T> {
    let f = transform(|x: Pattern<T>| {
        crate::pattern::fastcat(vec![x, Pattern::silence()]).late(Rational::new(1, 4))
    });
    when_cycle(|c| c.rem_euclid(2) == 1, f, pat)
}

/// Tidal's `_iter`: shifts the pattern left by `i/n` in cycle `i`; `n <= 0` (and
/// `n` beyond [`MAX_DENSITY`]) is silence.
pub fn iter_n<T: PatValue>(n: i64, pat: Pattern<T>) -> Pattern<T> {
    if n > MAX_DENSITY {
        return Pattern::silence();
    }
    let step = Rational::new(1, n.max(1));
    lazy_cat(n, move |i| pat.clone().early(Rational::from_int(i) * step))
}

/// Tidal's `_iter'`: as [`iter_n`] but shifting right.
pub fn iter_back_n<T: PatValue>(n: i64, pat: Pattern<T>) -> Pattern<T> {
    if n > MAX_DENSITY {
        return Pattern::silence();
    }
    let step = Rational::new(1, n.max(1));
    lazy_cat(n, move |i| pat.clone().late(Rational::from_int(i) * step))
}

/// Divides the cycle into `n` parts and starts one part later each cycle (Tidal's
/// `iter`): `iter 4 "a b c d"` plays `b c d a` in cycle 1.
pub fn iter<T: PatValue>(n: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    with_int_arg(n, pat, iter_n)
}

/// Tidal's `iter'`: like [`iter`] in the other direction (`d a b c` in cycle 1).
pub fn iter_back<T: PatValue>(n: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    with_int_arg(n, pat, iter_back_n)
}

/// Tidal's `_chunk`: applies `f` to part `i` of `n` in cycle `i`, left to right
/// (`cat` of `within`s, each keeping its own cycle count). A negative `n` runs right
/// to left as [`chunk_back_n`]; `n = 0` is silence, as `cat []` in Tidal.
pub fn chunk_n<T: PatValue>(n: i64, f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    if n < 0 {
        return chunk_back_n(n.saturating_neg(), f, pat);
    }
    if n > MAX_DENSITY {
        return Pattern::silence();
    }
    lazy_cat(n, move |i| {
        within(
            Rational::new(i, n),
            Rational::new(i + 1, n),
            f.clone(),
            pat.clone(),
        )
    })
}

/// Tidal's `_chunk'`: applies `f` to part `n-1` in cycle 0, then part `n-2`, ...
/// (right to left; `do i <- _slow n $ rev $ run n; within (i/n, (i+1)/n) f p`, a
/// bind whose outer events are whole cycles).
pub fn chunk_back_n<T: PatValue>(n: i64, f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    if n <= 0 || n > MAX_DENSITY {
        return Pattern::silence();
    }
    let index = Pattern::new(move |span: Span, out: &mut Vec<Event<i64>>| {
        for piece in span.cycles() {
            out.push(Event {
                whole: Some(piece.whole_cycle()),
                part: piece,
                value: n - 1 - piece.begin.floor_int().rem_euclid(n),
            });
        }
    });
    index
        .fmap(move |&i| {
            within(
                Rational::new(i, n),
                Rational::new(i + 1, n),
                f.clone(),
                pat.clone(),
            )
        })
        .unwrap_join()
}

/// Applies `f` to one of `n` parts per cycle, left to right (Tidal's `chunk`).
pub fn chunk<T: PatValue>(n: Pattern<Value>, f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    // Tidal: `chunk npat f p = innerJoin $ (\n -> _chunk n f p) <$> npat`.
    with_int_arg_joined(n, pat, move |n, p| chunk_n(n, f.clone(), p))
}

/// Tidal's `chunk'`: one of `n` parts per cycle, starting from the last.
pub fn chunk_back<T: PatValue>(n: Pattern<Value>, f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    with_int_arg_joined(n, pat, move |n, p| chunk_back_n(n, f.clone(), p))
}

// ---------------------------------------------------------------------------
// Structure

/// Repeats each event `n` times inside its own span (Tidal's `ply`,
/// `squeezeJoin $ _fast n . pure <$> pat`). `ply 0` is silence.
pub fn ply<T: PatValue>(n: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    with_sane_time_arg(n, pat, |n, p| {
        if n.is_zero() || too_dense(n) {
            return Pattern::silence();
        }
        p.fmap(move |v: &T| Pattern::pure(v.clone()).fast(n))
            .squeeze_join()
    })
}

/// Tidal's `_pressBy`: each event is squeezed into the last `1 - r` of its span.
pub fn press_by_t<T: PatValue>(r: Rational, pat: Pattern<T>) -> Pattern<T> {
    pat.fmap(move |v: &T| compress_to(r, Rational::ONE, Pattern::pure(v.clone())))
        .squeeze_join()
}

/// Syncopates: each event moves into the second half of its span (Tidal's `press`).
pub fn press<T: PatValue>(pat: Pattern<T>) -> Pattern<T> {
    press_by_t(Rational::new(1, 2), pat)
}

/// Each event moves into the last `1 - r` of its span (Tidal's `pressBy`).
pub fn press_by<T: PatValue>(r: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    with_sane_time_arg(r, pat, press_by_t)
}

/// Samples the pattern `n` times per cycle (Tidal's `segment`).
pub fn segment<T: PatValue>(n: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    with_sane_time_arg(n, pat, |n, p| {
        if too_dense(n) {
            Pattern::silence()
        } else {
            random::segment(n, p)
        }
    })
}

/// The Bjorklund distribution as Tidal computes it, including its behaviour outside
/// `0 <= k <= n`: more onsets than steps gives `k` onsets, a negative `k` the
/// complement of `-k` onsets. `None` when the result would exceed [`MAX_DENSITY`].
pub(super) fn tidal_bjorklund(k: i64, n: i64) -> Option<Vec<bool>> {
    if k < 0 {
        let inverse = tidal_bjorklund(k.saturating_neg(), n)?;
        return Some(inverse.into_iter().map(|b| !b).collect());
    }
    if k > n {
        // Tidal's `bjorklund (k, n)` with `n - k < 0`: `k` singleton onsets.
        return (k <= MAX_DENSITY).then(|| vec![true; k as usize]);
    }
    if n > MAX_DENSITY {
        return None;
    }
    Some(bjorklund(k, n))
}

/// Plays `pat` on the steps that are true, each step squashing a cycle of it as
/// Tidal's `fastcat` does.
fn bools_to_steps<T: PatValue>(bools: Vec<bool>, pat: Pattern<T>) -> Pattern<T> {
    let bools = Arc::new(bools);
    let len = bools.len() as i64;
    lazy_fastcat(len, move |i| {
        if bools.get(i as usize).copied().unwrap_or(false) {
            pat.clone()
        } else {
            Pattern::silence()
        }
    })
}

/// Tidal's `_euclid k n`: `fastcat` of `pat` on the onsets of the Bjorklund rhythm
/// and silence elsewhere; a negative `k` plays the off-beats.
pub fn euclid_n<T: PatValue>(k: i64, n: i64, pat: Pattern<T>) -> Pattern<T> {
    match tidal_bjorklund(k, n) {
        Some(bools) => bools_to_steps(bools, pat),
        None => Pattern::silence(),
    }
}

/// Tidal's `_euclidOff k n rot`: the rhythm rotated left by `rot` steps (`rotL
/// (rot/n)`); `n = 0` is silence.
pub fn euclid_off_n<T: PatValue>(k: i64, n: i64, rot: i64, pat: Pattern<T>) -> Pattern<T> {
    let shift = Rational::new(rot, n.max(1));
    if n == 0 || !sane(shift) {
        return Pattern::silence();
    }
    euclid_n(k, n, pat).early(Rational::new(rot, n))
}

/// `k` onsets spread over `n` steps (Tidal's `euclid`).
pub fn euclid<T: PatValue>(k: Pattern<Value>, n: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    with_int_args2(k, n, pat, euclid_n)
}

/// As [`euclid`], rotated left by `rot` steps (Tidal's `euclidOff`, `eoff`).
pub fn euclid_off<T: PatValue>(
    k: Pattern<Value>,
    n: Pattern<Value>,
    rot: Pattern<Value>,
    pat: Pattern<T>,
) -> Pattern<T> {
    with_int_args3(k, n, rot, pat, euclid_off_n)
}

/// `pa` on the onsets and `pb` on the off-beats (Tidal's `euclidFull`).
pub fn euclid_full<T: PatValue>(
    k: Pattern<Value>,
    n: Pattern<Value>,
    pa: Pattern<T>,
    pb: Pattern<T>,
) -> Pattern<T> {
    let on = euclid(k.clone(), n.clone(), pa);
    let off = with_int_args2(k, n, pb, |k, n, p| euclid_n(k.saturating_neg(), n, p));
    stack(vec![on, off])
}

#[cfg(any(test, feature = "testing"))]
/// [`euclid_full`] with a left rotation (Tidal's `euclidOffFull`).
pub fn euclid_off_full<T: PatValue>(
    k: Pattern<Value>,
    n: Pattern<Value>,
    rot: Pattern<Value>,
    pa: Pattern<T>,
    pb: Pattern<T>,
) -> Pattern<T> {
    let on = euclid_off(k.clone(), n.clone(), rot.clone(), pa);
    let off = with_int_args3(k, n, rot, pb, |k, n, r, p| {
        euclid_off_n(k.saturating_neg(), n, r, p)
    });
    stack(vec![on, off])
}

/// Plays the pattern and `f` of it together (Tidal's `superimpose`).
pub fn superimpose<T: PatValue>(f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    let other = f(pat.clone());
    stack(vec![pat, other])
}

/// Superimposes `f` of the pattern shifted later by `t` (Tidal's `off`).
pub fn off<T: PatValue>(t: Pattern<Value>, f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    with_sane_time_arg(t, pat, move |t, p| {
        let shifted = f(p.clone().late(t));
        stack(vec![p, shifted])
    })
}

/// Applies `f` to the part of each cycle in `[begin, end)` (Tidal's `within`): the
/// events of `f p` whose onset's cycle position is inside the span, and the events
/// of `p` whose onset's position is outside it.
pub fn within<T: PatValue>(
    begin: Rational,
    end: Rational,
    f: Transform<T>,
    pat: Pattern<T>,
) -> Pattern<T> {
    let inside_span = move |e: &Event<T>| {
        let pos = e.whole_or_part().begin.cycle_pos();
        pos >= begin && pos < end
    };
    let changed = f(pat.clone()).filter_events(inside_span);
    let kept = pat.filter_events(move |e| !inside_span(e));
    stack(vec![changed, kept])
}

/// Tidal's `_inside`: `fast n $ f (slow n p)`.
pub fn inside_t<T: PatValue>(n: Rational, f: &Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    if n.is_zero() || too_dense(n) || too_dense(Rational::ONE / n) {
        return Pattern::silence();
    }
    f(pat.slow(n)).fast(n)
}

/// Applies `f` inside each `1/n` of a cycle (Tidal's `inside`):
/// `inside 2 rev "0 1 2 3"` is `"1 0 3 2"`.
pub fn inside<T: PatValue>(n: Pattern<Value>, f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    // Tidal: `inside np f p = innerJoin $ (\n -> _inside n f p) <$> np`.
    with_sane_time_arg_joined(n, pat, move |n, p| inside_t(n, &f, p))
}

/// Applies `f` over `n` cycles at once (Tidal's `outside`, `inside (1/n)`).
pub fn outside<T: PatValue>(n: Pattern<Value>, f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    with_sane_time_arg_joined(n, pat, move |n, p| {
        if n.is_zero() {
            return Pattern::silence();
        }
        inside_t(Rational::ONE / n, &f, p)
    })
}

/// Delays the events in the second half of each `1/n` of a cycle by `x` of that
/// slice (Tidal's `swingBy x n = inside n (within (0.5,1) (x ~>))`).
pub fn swing_by<T: PatValue>(x: Pattern<Value>, n: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    let f = transform(move |p: Pattern<T>| {
        let shift = transform({
            let x = x.clone();
            move |q: Pattern<T>| rot_r(x.clone(), q)
        });
        within(Rational::new(1, 2), Rational::ONE, shift, p)
    });
    inside(n, f, pat)
}

/// `swingBy (1/3)` (Tidal's `swing`).
pub fn swing<T: PatValue>(n: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    swing_by(Pattern::pure(Value::Num(1.0 / 3.0)), n, pat)
}

/// Tidal's `_linger` (`_fast (1/n) $ zoomArc (Arc 0 n) p`), restarted every cycle:
/// cycle `c` repeats the first `n` of the pattern's own cycle `c` (a negative `n`: the last `-n`; Tidal then also reverses,
/// because `_fast (1/n)` with a negative factor does). `n = 0` is silence.
pub fn linger_t<T: PatValue>(n: Rational, pat: Pattern<T>) -> Pattern<T> {
    if n.is_zero() || too_dense(n) || too_dense(Rational::ONE / n) {
        return Pattern::silence();
    }
    let looped = move |p: Pattern<T>| {
        if n.is_negative() {
            p.zoom(Rational::ONE + n, Rational::ONE)
                .first_cycle_repeated()
                .fast(Rational::ONE / n)
        } else {
            p.zoom(Rational::ZERO, n)
                .first_cycle_repeated()
                .fast(Rational::ONE / n)
        }
    };
    Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
        let cycle = span.begin.sam();
        looped(pat.clone().early(cycle))
            .late(cycle)
            .query_into(span, out)
    })
    .split_queries()
}

/// Repeats the first `n` of each cycle to fill the cycle (Tidal's `linger`).
pub fn linger<T: PatValue>(n: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    with_sane_time_arg(n, pat, linger_t)
}

/// Keeps `pat`'s values on the true events of a boolean pattern, which gives the
/// structure (Tidal's `struct`); truth is [`Value::is_truthy`].
pub fn struct_<T: PatValue>(bools: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    app(Structure::Left, bools, pat, |b: &Value, v: &T| {
        (b.is_truthy(), v.clone())
    })
    .filter_values(|(keep, _)| *keep)
    .fmap(|(_, v)| v.clone())
}

/// Keeps the parts of `pat` that fall inside true events of the boolean pattern
/// (Tidal's `mask`: `const <$> p <* filterValues id b`): the structure is `pat`'s,
/// fragmented where the mask changes.
pub fn mask<T: PatValue>(bools: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    let trues = bools.filter_values(Value::is_truthy);
    app(Structure::Left, pat, trues, |v: &T, _: &Value| v.clone())
}

/// Tidal's `_run`: `0 .. n-1` in one cycle (as Haskell enumerates a fractional
/// range: `n` rounded half up); `n <= 0` is silence.
pub fn run_n(n: f64) -> Pattern<Value> {
    let count = (n + 0.5).floor();
    if count.is_nan() || count < 1.0 || count > MAX_DENSITY as f64 {
        return Pattern::silence();
    }
    let count = count as i64;
    lazy_fastcat(count, |i| Pattern::pure(Value::Num(i as f64)))
}

/// A run of numbers `0 .. n-1` per cycle, `n` a pattern (Tidal's `run`, a bind:
/// structure from both).
pub fn run(n: Pattern<Value>) -> Pattern<Value> {
    n.fmap(|v| match v.as_f64() {
        Some(x) if x.is_finite() => run_n(x),
        _ => Pattern::silence(),
    })
    .unwrap_join()
}

// ---------------------------------------------------------------------------
// Numeric helpers on values (structure unchanged)

/// Applies `f` to a scalar's number: numbers stay numbers, notes (and words that
/// are note names, read as MIDI numbers) become notes; other words are unchanged.
/// `None` when the result is not finite.
fn map_scalar(s: &Scalar, f: &dyn Fn(f64) -> f64, note_to_num: bool) -> Option<Scalar> {
    let (x, is_note) = match s.numeric() {
        Some(n) => n,
        None => return Some(s.clone()),
    };
    let y = f(x);
    if !y.is_finite() {
        return None;
    }
    Some(if is_note && !note_to_num {
        Scalar::Note(y)
    } else {
        Scalar::Num(y)
    })
}

fn map_value(v: &Value, f: &dyn Fn(f64) -> f64, note_to_num: bool) -> Option<Value> {
    match v {
        Value::Controls(c) => {
            let mut out = c.clone();
            for (key, s) in c.iter() {
                out.set(key, map_scalar(s, f, note_to_num)?);
            }
            Some(Value::Controls(out))
        }
        _ => {
            let s = Scalar::from_value(v)?;
            map_scalar(&s, f, note_to_num).map(|s| s.to_value())
        }
    }
}

fn map_numbers_with(
    pat: Pattern<Value>,
    f: impl Fn(f64) -> f64 + Send + Sync + 'static,
    note_to_num: bool,
) -> Pattern<Value> {
    pat.fmap(move |v| map_value(v, &f, note_to_num))
        .filter_values(Option::is_some)
        .fmap(|v| v.clone().unwrap_or(Value::Num(0.0)))
}

/// Applies `f` to every number and note in the values (including those inside
/// control maps; a word that is a note name counts as its MIDI number and becomes
/// a note). Words are left alone; an event whose result is not finite is dropped.
pub fn map_numbers(
    pat: Pattern<Value>,
    f: impl Fn(f64) -> f64 + Send + Sync + 'static,
) -> Pattern<Value> {
    map_numbers_with(pat, f, false)
}

/// MIDI note number to frequency in Hz (`69` and `a4` are 440); the result is a plain
/// number.
pub fn mtof(pat: Pattern<Value>) -> Pattern<Value> {
    map_numbers_with(pat, crate::pattern::value::midi_to_hz, true)
}

/// Absolute value of every number.
pub fn abs(pat: Pattern<Value>) -> Pattern<Value> {
    map_numbers(pat, f64::abs)
}

/// Limits every number to `[lo, hi]` (`lo` wins if the bounds are crossed).
pub fn clip(lo: f64, hi: f64, pat: Pattern<Value>) -> Pattern<Value> {
    map_numbers(pat, move |x| x.min(hi).max(lo))
}

/// Scales values from `0..1` onto `lo..hi`: `v*(hi-lo)+lo` (Tidal's `range`, with
/// `lo` and `hi` patterns sampled over each event of `pat`, which keeps the
/// structure: `(f <$> lo) *> hi *> pat`). A non-finite result is dropped.
pub fn range(lo: Pattern<Value>, hi: Pattern<Value>, pat: Pattern<Value>) -> Pattern<Value> {
    let bounds = app(Structure::Right, lo, hi, |l: &Value, h: &Value| {
        (l.clone(), h.clone())
    });
    app(
        Structure::Right,
        bounds,
        pat,
        |(l, h): &(Value, Value), v: &Value| {
            let width = NumOp::Sub.apply(h, l);
            NumOp::Add.apply(&NumOp::Mul.apply(v, &width), l)
        },
    )
    .filter_values(|v| v.as_f64().is_none_or(f64::is_finite))
}
