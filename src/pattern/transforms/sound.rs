//! Sound events: patterns of [`Value::Controls`], their constructors (`s`, `n`,
//! `gain`, ...), the `#` family of operators on them, and the transforms that only
//! make sense for sounds (jux, stut, echo, hurry, chop, striate), with Tidal 1.9's
//! semantics except where LANGUAGE.md decides otherwise:
//!
//! - `pan` ranges 0..1, 0.5 the centre, as in Tidal and SuperDirt: `jux` and
//!   `juxBy` add to the pan an event already has, as Tidal 1.9 does.
//! - `stut count feedback time`: copy `i` (from 0) is shifted by `i*time` and its
//!   gain multiplied by `feedback^i` (gain absent counts as 1), not Tidal's
//!   `scalegain`. Copy 0 is the pattern unchanged, as in Tidal.
//! - `echo count time feedback` (Tidal 1.9's argument order) gives the same gains,
//!   built as Tidal's `_echoWith count time (|* gain feedback)`.
//!
//! A count of 1 or less gives the pattern unchanged (Tidal's `count <= 1 = p`);
//! counts above [`MAX_COPIES`] are capped there. `chop`/`striate` with `n <= 0` or
//! `n >` [`MAX_SLICES`] are silent.

use std::sync::Arc;

use super::{int_of, time_of, with_int_arg, with_time_arg, Transform};
use crate::pattern::value::{Control, Controls, NumOp, Scalar, Value};
use crate::pattern::{app, patternify_joined, stack, Event, PatValue, Pattern, Structure};
use crate::time::{Rational, Span};

/// The most copies `stut`, `echo` and `stutWith` make; larger counts are capped.
pub const MAX_COPIES: i64 = 256;

/// The most slices `chop` and `striate` make; larger counts give silence.
pub const MAX_SLICES: i64 = 65_536;

/// Tidal's `sound` (`s`) on one value: the word `"bd:3"` becomes `{s: bd, n: 3}`,
/// `"bd"` becomes `{s: bd}`. As Tidal's `grp`, the word is split on `:` with empty
/// pieces dropped; a second piece that is not a number sets no `n`, and further
/// pieces are ignored. A number becomes the sample name it spells; a control map is
/// kept as it is.
pub fn sound_value(v: &Value) -> Value {
    match v {
        // The common case, a plain sample name: shared, not copied.
        Value::Word(w) if !w.is_empty() && !w.contains(':') => {
            Value::Controls(Controls::single(Control::S, Scalar::Word(w.clone())))
        }
        Value::Word(w) => {
            let mut c = Controls::new();
            let mut pieces = w.split(':').filter(|p| !p.is_empty());
            if let Some(name) = pieces.next() {
                c.set(Control::S, Scalar::Word(Arc::from(name)));
            }
            if let Some(x) = pieces
                .next()
                .and_then(|p| p.parse::<f64>().ok())
                .filter(|x| x.is_finite())
            {
                c.set(Control::N, Scalar::Num(x));
            }
            Value::Controls(c)
        }
        Value::Num(x) | Value::Note(x) => Value::Controls(Controls::single(
            Control::S,
            Scalar::Word(Arc::from(Value::Num(*x).to_string())),
        )),
        Value::Controls(_) => v.clone(),
    }
}

/// `sound p` (`s p`): each word `"bd:3"` becomes `{s: bd, n: 3}`; rests stay rests.
pub fn sound(p: Pattern<Value>) -> Pattern<Value> {
    p.map_values(|v| {
        if !matches!(v, Value::Controls(_)) {
            *v = sound_value(v);
        }
    })
}

#[cfg(any(test, feature = "testing"))]
/// Alias of [`sound`].
pub fn s(p: Pattern<Value>) -> Pattern<Value> {
    sound(p)
}

/// A control setter such as `n`, `gain`, `pan`: each scalar `v` becomes `{key: v}`,
/// numbers as numbers and words (note names too) as words. `control(Control::S, p)` is
/// [`sound`], so `s "bd:3"` sets `n` as well. A control map is kept as it is. `n`
/// reads a note as Tidal's `n` does, as semitones from c4 (`n "c e"` is 0 4, `n "a5"`
/// 21); `note` keeps the note and counts from c4 where it is played.
pub fn control(key: Control, p: Pattern<Value>) -> Pattern<Value> {
    if key == Control::S {
        return sound(p);
    }
    p.fmap(move |v| match Scalar::from_value(v) {
        Some(x) if key == Control::N => Value::Controls(Controls::single(key, semitones_of(x))),
        Some(x) => Value::Controls(Controls::single(key, x)),
        None => v.clone(),
    })
}

/// A note (a note name, a note value) as a number of semitones from c4; anything
/// else as it is.
fn semitones_of(x: Scalar) -> Scalar {
    match x.numeric() {
        Some((midi, true)) => Scalar::Num(midi - 60.0),
        _ => x,
    }
}

/// One numeric control, every cycle.
fn const_control(key: Control, x: f64) -> Pattern<Value> {
    Pattern::pure(Value::Controls(Controls::single(key, Scalar::Num(x))))
}

/// The numeric events of `p` as `{key: f(value)}`; other events are dropped.
fn numeric_control(
    key: Control,
    p: Pattern<Value>,
    f: impl Fn(f64) -> f64 + Send + Sync + 'static,
) -> Pattern<Value> {
    p.filter_values(|v| v.as_f64().is_some_and(f64::is_finite))
        .fmap(move |v| {
            let x = v.as_f64().unwrap_or(0.0);
            Value::Controls(Controls::single(key, Scalar::Num(f(x))))
        })
}

/// Combines two patterns' values with `op` (`|+ +| |+| ||+ |- ...`), taking the
/// structure as `structure` says. Control maps combine key by key, keys present on
/// one side only are kept (see [`NumOp::apply`]).
pub fn union_op(
    structure: Structure,
    op: NumOp,
    l: Pattern<Value>,
    r: Pattern<Value>,
) -> Pattern<Value> {
    // A constant on the side that gives no structure (`# pan 1`, `|* gain 0.6`):
    // the same events, computed in place.
    match (structure, l.pure_value().cloned(), r.pure_value().cloned()) {
        (Structure::Left, None, Some(b)) => {
            return l.app_left_pure(b, move |a: &mut Value, b: &Value| op.apply_in_place(a, b));
        }
        (Structure::Right, Some(a), None) => {
            return r.app_left_pure(a, move |b: &mut Value, a: &Value| *b = op.apply(a, b));
        }
        _ => {}
    }
    app(structure, l, r, move |a: &Value, b: &Value| op.apply(a, b))
}

/// Tidal's `#` (`|>`): the structure of `base`, the controls of both, the right
/// winning where both set a key.
pub fn set_controls(base: Pattern<Value>, controls: Pattern<Value>) -> Pattern<Value> {
    union_op(Structure::Left, NumOp::Right, base, controls)
}

/// `jux f p`: `p` panned hard left stacked with `f` of `p` panned hard right;
/// Tidal's `jux = juxBy 1`.
pub fn jux(f: Transform<Value>, p: Pattern<Value>) -> Pattern<Value> {
    jux_by(Pattern::pure(Value::Num(1.0)), f, p)
}

/// `juxBy n f p`: Tidal 1.9's `stack [p |+ pan 0.5 |- pan (n/2), f $ p |+ pan 0.5
/// |+ pan (n/2)]`. `|+` adds to a pan the event already has (an event without one
/// gets 0.5 ∓ n/2); `n/2` is Tidal's `n / 2`, whose structure is cut at cycles by
/// the `pure 2`.
pub fn jux_by(n: Pattern<Value>, f: Transform<Value>, p: Pattern<Value>) -> Pattern<Value> {
    let half = app(
        Structure::Both,
        n,
        Pattern::pure(Value::Num(2.0)),
        |x: &Value, two: &Value| NumOp::Div.apply(x, two),
    );
    let half = numeric_control(Control::Pan, half, |x| x);
    let centred = |p: Pattern<Value>| {
        union_op(
            Structure::Left,
            NumOp::Add,
            p,
            const_control(Control::Pan, 0.5),
        )
    };
    let left = union_op(Structure::Left, NumOp::Sub, centred(p.clone()), half.clone());
    let right = f(union_op(Structure::Left, NumOp::Add, centred(p), half));
    stack(vec![left, right])
}

/// Tidal's `tParam3`: the three argument patterns combined with `<*>` (structure
/// from all three), each combination selecting `f`, inner-joined.
fn with_three_args(
    a: Pattern<Value>,
    b: Pattern<Value>,
    c: Pattern<Value>,
    pat: Pattern<Value>,
    f: impl Fn(&Value, &Value, &Value, Pattern<Value>) -> Pattern<Value> + Send + Sync + 'static,
) -> Pattern<Value> {
    let ab = app(Structure::Both, a, b, |x: &Value, y: &Value| {
        (x.clone(), y.clone())
    });
    let abc = app(
        Structure::Both,
        ab,
        c,
        |(x, y): &(Value, Value), z: &Value| (x.clone(), y.clone(), z.clone()),
    );
    patternify_joined(abc, pat, move |(x, y, z), p| f(x, y, z, p))
}

fn f64_of(v: &Value) -> Option<f64> {
    v.as_f64().filter(|x| x.is_finite())
}

/// Multiplies the gain of every event by `factor` (`|* gain factor`; an absent gain
/// counts as 1).
fn scale_gain(p: Pattern<Value>, factor: f64) -> Pattern<Value> {
    union_op(
        Structure::Left,
        NumOp::Mul,
        p,
        const_control(Control::Gain, factor),
    )
}

/// `stut` with plain numbers: `count` copies, copy `i` shifted later by `i*time`
/// with its gain multiplied by `feedback^i`.
pub fn stut_n(count: i64, feedback: f64, time: Rational, p: Pattern<Value>) -> Pattern<Value> {
    if count <= 1 {
        return p;
    }
    let count = count.min(MAX_COPIES);
    let mut copies = Vec::with_capacity(count as usize);
    copies.push(p.clone());
    let mut gain = 1.0;
    for i in 1..count {
        gain *= feedback;
        copies.push(scale_gain(p.clone(), gain).late(time * Rational::from_int(i)));
    }
    stack(copies)
}

/// `stut count feedback time p`, each argument a pattern (Tidal's `tParam3`).
pub fn stut(
    count: Pattern<Value>,
    feedback: Pattern<Value>,
    time: Pattern<Value>,
    p: Pattern<Value>,
) -> Pattern<Value> {
    with_three_args(count, feedback, time, p, |c, fb, t, p| {
        match (int_of(c), f64_of(fb), time_of(t)) {
            (Some(c), Some(fb), Some(t)) => stut_n(c, fb, t, p),
            _ => Pattern::silence(),
        }
    })
}

/// Tidal's `_stutWith` (`_echoWith`): `count` layers, layer `i` shifted by `i*time`
/// with `f` applied `i` times (`overlay (f (time ~> stutWith (count-1) ...)) p`).
pub fn stut_with_n<T: PatValue>(
    count: i64,
    time: Rational,
    f: Transform<T>,
    p: Pattern<T>,
) -> Pattern<T> {
    if count <= 1 {
        return p;
    }
    let mut acc = p.clone();
    for _ in 1..count.min(MAX_COPIES) {
        acc = stack(vec![f(acc.late(time)), p.clone()]);
    }
    acc
}

/// `stutWith n t f p` (also `echoWith`): Tidal's
/// `innerJoin $ (\a b -> _stutWith a b f p) <$> n <* t`.
pub fn stut_with<T: PatValue>(
    count: Pattern<Value>,
    time: Pattern<Value>,
    f: Transform<T>,
    p: Pattern<T>,
) -> Pattern<T> {
    let args = app(Structure::Left, count, time, |a: &Value, b: &Value| {
        (a.clone(), b.clone())
    });
    patternify_joined(args, p, move |(c, t), p| match (int_of(c), time_of(t)) {
        (Some(c), Some(t)) => stut_with_n(c, t, f.clone(), p),
        _ => Pattern::silence(),
    })
}

/// `echo` with plain numbers: Tidal's `_echoWith count time (|* gain feedback)`.
pub fn echo_n(count: i64, time: Rational, feedback: f64, p: Pattern<Value>) -> Pattern<Value> {
    let f: Transform<Value> = Arc::new(move |x| scale_gain(x, feedback));
    stut_with_n(count, time, f, p)
}

/// `echo count time feedback p` (Tidal 1.9's argument order), each a pattern.
pub fn echo(
    count: Pattern<Value>,
    time: Pattern<Value>,
    feedback: Pattern<Value>,
    p: Pattern<Value>,
) -> Pattern<Value> {
    with_three_args(count, time, feedback, p, |c, t, fb, p| {
        match (int_of(c), time_of(t), f64_of(fb)) {
            (Some(c), Some(t), Some(fb)) => echo_n(c, t, fb, p),
            _ => Pattern::silence(),
        }
    })
}

/// `hurry r p`: `fast r` and the speed multiplied by `r` (an absent speed counts
/// as 1): Tidal's `(|* speed r) . fast r`.
pub fn hurry(r: Pattern<Value>, p: Pattern<Value>) -> Pattern<Value> {
    let faster = with_time_arg(r.clone(), p, |t, p| p.fast(t));
    union_op(
        Structure::Left,
        NumOp::Mul,
        faster,
        numeric_control(Control::Speed, r, |x| x),
    )
}

/// The control map of a value for chop/striate: a non-map value counts as empty.
fn controls_of(v: &Value) -> Controls {
    v.as_controls().cloned().unwrap_or_default()
}

/// Slice `[b, e)` inside the event's `begin`..`end`, which default to 0 and 1 each:
/// Tidal's `mergePlayRange` in `_striate` and `chomp` in `_chop` (1.9.5: `b =
/// fromMaybe 0 begin`, `e = fromMaybe 1 end`, so a lone `begin` or `end` is kept).
fn merge_play_range(v: &Value, b: f64, e: f64) -> Value {
    let mut c = controls_of(v);
    let b0 = c.get_f64(Control::Begin).unwrap_or(0.0);
    let e0 = c.get_f64(Control::End).unwrap_or(1.0);
    let d = e0 - b0;
    c.set(Control::Begin, Scalar::Num(b * d + b0));
    c.set(Control::End, Scalar::Num(e * d + b0));
    Value::Controls(c)
}

/// Tidal's `_chop n`: every event is cut into `n` equal events, the `k`th playing
/// slice `k/n .. (k+1)/n` of the sample's `begin`..`end` (`chopEvent` on each
/// event's whole, parts cut to the event's part). Events without a whole (from a
/// continuous pattern) are dropped, as Tidal's `chopEvent _ = []` drops them.
pub fn chop_n(n: i64, p: Pattern<Value>) -> Pattern<Value> {
    if n <= 0 || n > MAX_SLICES {
        return Pattern::silence();
    }
    let nr = Rational::from_int(n);
    Pattern::new(move |span: Span, out: &mut Vec<Event<Value>>| {
        let mut events = Vec::new();
        p.query_into(span, &mut events);
        for e in events {
            let Some(w) = e.whole else { continue };
            let d = w.duration();
            if !d.is_positive() {
                continue;
            }
            let first = ((e.part.begin - w.begin) * nr / d).floor_int() - 1;
            let last = ((e.part.end - w.begin) * nr / d).ceil().floor_int();
            for k in first.max(0)..=last.min(n - 1) {
                // Each slice is an event made without a query: it spends work.
                if !crate::time::step() {
                    return;
                }
                let slice = Span::new(
                    w.begin + d * Rational::new(k, n),
                    w.begin + d * Rational::new(k + 1, n),
                );
                let Some(part) = e.part.sub_span(slice) else {
                    continue;
                };
                let b = k as f64 / n as f64;
                let end = (k + 1) as f64 / n as f64;
                out.push(Event {
                    whole: Some(slice),
                    part,
                    value: merge_play_range(&e.value, b, end),
                });
            }
        }
    })
}

/// `chop n p`, the count a pattern.
pub fn chop(n: Pattern<Value>, p: Pattern<Value>) -> Pattern<Value> {
    with_int_arg(n, p, chop_n)
}

/// Tidal's `_striate n`: the pattern played `n` times per cycle (`fastcat` of `n`
/// copies), copy `k` playing slice `k/n .. (k+1)/n` of every sample.
pub fn striate_n(n: i64, p: Pattern<Value>) -> Pattern<Value> {
    if n <= 0 || n > MAX_SLICES {
        return Pattern::silence();
    }
    // `fastcat` of the n copies: `slowcat` (each copy keeping its own cycles),
    // sped up n times, without building n patterns.
    let slow = Pattern::new(move |span: Span, out: &mut Vec<Event<Value>>| {
        for piece in span.cycles() {
            let cycle = piece.begin.floor_int();
            let k = cycle.rem_euclid(n);
            let offset = Rational::from_int(cycle - cycle.div_euclid(n));
            let (b, e) = (k as f64 / n as f64, (k + 1) as f64 / n as f64);
            let start = out.len();
            p.query_into(piece.with_time(|t| t - offset), out);
            for ev in &mut out[start..] {
                ev.part = ev.part.with_time(|t| t + offset);
                ev.whole = ev.whole.map(|w| w.with_time(|t| t + offset));
                ev.value = merge_play_range(&ev.value, b, e);
            }
        }
    });
    slow.fast(Rational::from_int(n))
}

/// `striate n p`, the count a pattern.
pub fn striate(n: Pattern<Value>, p: Pattern<Value>) -> Pattern<Value> {
    with_int_arg(n, p, striate_n)
}

/// Tidal's `ghostWith a f p = superimpose (((a*2.5) `rotR`) . f) $ superimpose
/// (((a*1.5) `rotR`) . f) p`: the pattern, `f` of it `1.5 a` later, and `f` of
/// both of those `2.5 a` later.
pub fn ghost_with<T: PatValue>(a: Rational, f: Transform<T>, p: Pattern<T>) -> Pattern<T> {
    let once = stack(vec![p.clone(), f(p).late(a * Rational::new(3, 2))]);
    stack(vec![once.clone(), f(once).late(a * Rational::new(5, 2))])
}

/// Tidal's `ghost = ghost' 0.125`, with `ghost'`'s change to each copy:
/// `(|*| gain 0.7) . (|> end 0.2) . (|*| speed 1.25)` (`|*|` takes its structure
/// from both sides, so a copy that crosses a cycle is cut there, as in Tidal).
pub fn ghost(p: Pattern<Value>) -> Pattern<Value> {
    let change: Transform<Value> = Arc::new(|q| {
        let q = union_op(Structure::Both, NumOp::Mul, q, const_control(Control::Speed, 1.25));
        let q = union_op(Structure::Left, NumOp::Right, q, const_control(Control::End, 0.2));
        union_op(Structure::Both, NumOp::Mul, q, const_control(Control::Gain, 0.7))
    });
    ghost_with(Rational::new(1, 8), change, p)
}
