//! Sample slicing transforms on sound events, with Tidal 1.9.5's definitions:
//! `slice`, `splice`, `randslice`, `striateBy` and `loopAt` (Control.hs) and
//! `chew` (UI.hs). They set the `begin`, `end`, `speed` and `unit` controls the
//! voice pool reads. (`chop` and `striate` are in [`super::sound`].)

use std::sync::Arc;

use super::sound::{set_controls, union_op, MAX_SLICES};
use super::{int_of, with_int_arg, with_int_arg_joined, with_time_arg};
use crate::pattern::value::{Control, Controls, NumOp, Scalar, Value};
use crate::pattern::{app, random, Event, Pattern, Structure};
use crate::time::{Rational, Span};

/// `slice n i p`: Tidal's `P.begin b # P.end e # p` with `b = (i mod n)/n` and
/// `e = b + 1/n`, `b` and `e` from `i <* n` (the structure of the indices, the
/// count sampled at each index's onset). A count of 0 or less, or a non-integer
/// value, gives no event there. As `#` takes its values from the right, a
/// `begin`/`end` that `p` already sets wins.
pub fn slice(n: Pattern<Value>, i: Pattern<Value>, p: Pattern<Value>) -> Pattern<Value> {
    let ranges = app(Structure::Left, i, n, |i: &Value, n: &Value| {
        match (int_of(i), int_of(n)) {
            (Some(i), Some(n)) if n > 0 => {
                let b = i.rem_euclid(n) as f64 / n as f64;
                let mut c = Controls::new();
                c.set(Control::Begin, Scalar::Num(b));
                c.set(Control::End, Scalar::Num(b + 1.0 / n as f64));
                Value::Controls(c)
            }
            _ => Value::Num(f64::NAN),
        }
    })
    .filter_values(|v| matches!(v, Value::Controls(_)));
    set_controls(ranges, p)
}

/// `loopAt n p`: Tidal's `slow n p |* P.speed (1/n) # P.unit (pure "c")`: the
/// pattern `n` times slower, its speed divided by `n` (an absent speed counts as 1)
/// and `unit "c"`, so that a sample spanning one cycle at speed 1 fills `n` cycles.
/// `n` is a pattern: each of its events selects its own `loopAt` (Tidal's
/// `tParam`-style inner join); a zero or non-numeric factor gives silence.
pub fn loop_at(n: Pattern<Value>, p: Pattern<Value>) -> Pattern<Value> {
    with_time_arg(n, p, |n, p| {
        if !n.is_positive() {
            return Pattern::silence();
        }
        let speed = 1.0 / n.to_f64();
        let slowed = union_op(
            Structure::Left,
            NumOp::Mul,
            p.slow(n),
            Pattern::pure(Value::Controls(Controls::single(
                Control::Speed,
                Scalar::Num(speed),
            ))),
        );
        set_controls(
            slowed,
            Pattern::pure(Value::Controls(Controls::single(
                Control::Unit,
                Scalar::Word(Arc::from("c")),
            ))),
        )
    })
}

/// `splice bits i p`: Tidal's `innerJoin $ (\bits -> _splice bits i p) <$> bits`,
/// where `_splice bits i p` is `slice bits i p` with every event's speed set to
/// `(1/bits) / d`, `d` the length of the event's whole in cycles (multiplied into a
/// speed the event already has), then `# unit "c"`: a slice of `1/bits` of a
/// one-cycle sample is pitched to fill its event exactly. Events without a whole
/// (indices from a continuous pattern, where Tidal's `wholeStop` fails) are dropped.
pub fn splice(bits: Pattern<Value>, i: Pattern<Value>, p: Pattern<Value>) -> Pattern<Value> {
    with_int_arg_joined(bits, p, move |bits, p| splice_n(bits, i.clone(), p))
}

/// Tidal's `_splice bits i p` for one count (see [`splice`]).
fn splice_n(bits: i64, i: Pattern<Value>, p: Pattern<Value>) -> Pattern<Value> {
    let sliced = slice(Pattern::pure(Value::Num(bits as f64)), i, p);
    let size = 1.0 / bits as f64;
    let pitched = Pattern::new(move |span: Span, out: &mut Vec<Event<Value>>| {
        let start = out.len();
        sliced.query_into(span, out);
        let mut write = start;
        for read in start..out.len() {
            let Some(w) = out[read].whole.filter(|w| w.duration().is_positive()) else {
                continue;
            };
            let d = size / w.duration().to_f64();
            if let Value::Controls(c) = &mut out[read].value {
                let speed = match c.get(Control::Speed) {
                    Some(Scalar::Num(s)) => d * s,
                    _ => d,
                };
                c.set(Control::Speed, Scalar::Num(speed));
            }
            out.swap(write, read);
            write += 1;
        }
        out.truncate(write);
    });
    set_controls(
        pitched,
        Pattern::pure(Value::Controls(Controls::single(
            Control::Unit,
            Scalar::Word(Arc::from("c")),
        ))),
    )
}

/// `striateBy n f p`: Tidal's `tParam2 _striateBy` (the count and the fraction
/// combined with structure from both, `<*>`, then inner-joined). `_striateBy n f p`
/// is `fastcat` of `n` copies of `p`, copy `i` (from 0) given `begin (slot * i)` and
/// `end (slot * i + f)` with `slot = (1 - f) / n`: `n` parts of length `f` each,
/// their starts spread evenly so the last ends at 1. As with `#`, these replace a
/// `begin`/`end` the events had. A count of 0 or less (Tidal's empty `fastcat`) or
/// past [`MAX_SLICES`] gives silence, as does a non-numeric argument.
pub fn striate_by(n: Pattern<Value>, f: Pattern<Value>, p: Pattern<Value>) -> Pattern<Value> {
    let args = app(Structure::Both, n, f, |n: &Value, f: &Value| {
        (int_of(n), f.as_f64().filter(|f| f.is_finite()))
    });
    crate::pattern::patternify_joined(args, p, |args, p| match *args {
        (Some(n), Some(f)) => striate_by_n(n, f, p),
        _ => Pattern::silence(),
    })
}

/// Tidal's `_striateBy n f p` for one count and fraction (see [`striate_by`]).
pub fn striate_by_n(n: i64, f: f64, p: Pattern<Value>) -> Pattern<Value> {
    if n <= 0 || n > MAX_SLICES {
        return Pattern::silence();
    }
    let slot = (1.0 - f) / n as f64;
    // `fastcat` of the n copies: their `slowcat` (cycle c plays copy c mod n at the
    // copy's own cycle c div n), sped up n times, without building n patterns.
    let slow = Pattern::new(move |span: Span, out: &mut Vec<Event<Value>>| {
        for piece in span.cycles() {
            let cycle = piece.begin.floor_int();
            let i = cycle.rem_euclid(n) as f64;
            let offset = Rational::from_int(cycle - cycle.div_euclid(n));
            let mut range = Controls::new();
            range.set(Control::Begin, Scalar::Num(slot * i));
            range.set(Control::End, Scalar::Num(slot * i + f));
            let range = Value::Controls(range);
            let start = out.len();
            p.query_into(piece.with_time(|t| t - offset), out);
            for ev in &mut out[start..] {
                ev.part = ev.part.with_time(|t| t + offset);
                ev.whole = ev.whole.map(|w| w.with_time(|t| t + offset));
                NumOp::Right.apply_in_place(&mut ev.value, &range);
            }
        }
    });
    slow.fast(Rational::from_int(n))
}

/// `randslice n p`: Tidal's `tParam $ \n p -> innerJoin $ (\i -> _slice n i p) <$>
/// _irand n`: `p` with `begin i/n # end (i+1)/n`, `i = floor (r * n)` for `r` from
/// Tidal's continuous `rand`. As in Tidal, `rand` over a query is `timeToRand` of
/// the query's midpoint, so the part played depends on the span queried: querying
/// cycle c whole gives the value at c + 1/2. A count of 0 or less gives silence
/// (Tidal divides by it).
pub fn randslice(n: Pattern<Value>, p: Pattern<Value>) -> Pattern<Value> {
    with_int_arg(n, p, randslice_n)
}

/// `randslice` for one count (see [`randslice`]).
pub fn randslice_n(n: i64, p: Pattern<Value>) -> Pattern<Value> {
    if n <= 0 {
        return Pattern::silence();
    }
    random::rand()
        .fmap(move |r| {
            let i = (r * n as f64).floor();
            let mut range = Controls::new();
            range.set(Control::Begin, Scalar::Num(i / n as f64));
            range.set(Control::End, Scalar::Num((i + 1.0) / n as f64));
            set_controls(p.clone(), Pattern::pure(Value::Controls(range)))
        })
        .inner_join()
}

/// `chew n i p`: Tidal's `innerJoin $ (\n -> _chew n i p) <$> n`. `_chew n i p` is
/// `squeezeJoinUp (zoompat <$> i) |/ speed n` with `zoompat i = zoom (i'/n,
/// (i'+1)/n) p`, `i' = i mod n`: like `bite`, each event of the indices plays slice
/// `i'` of `n` of each cycle of `p` squeezed into it, and the speed changes with the
/// squeeze. `squeezeJoinUp` takes each index event with a whole `w` (events without
/// one are dropped), multiplies the slice's speed by `1 / |w|` (an absent speed
/// becomes `1/|w|`, as `|*` unites the maps), compresses cycle `c` of it into `w`
/// (Tidal's `compressArc (cycleArc w)`: nothing if `w` crosses a cycle boundary),
/// and keeps the inner events that have a whole, their wholes and parts
/// intersected with the index event's. The final `|/ speed n` makes the speed
/// factor `(1/n) / |w|`: the slice's length over the length it is played in.
/// A count of 0 or less (Haskell's `mod 0` fails) or past [`MAX_SLICES`] gives
/// silence.
pub fn chew(n: Pattern<Value>, i: Pattern<Value>, p: Pattern<Value>) -> Pattern<Value> {
    with_int_arg_joined(n, p, move |n, p| chew_n(n, i.clone(), p))
}

/// Tidal's `_chew n i p` for one count (see [`chew`]).
pub fn chew_n(n: i64, i: Pattern<Value>, p: Pattern<Value>) -> Pattern<Value> {
    if n <= 0 || n > MAX_SLICES {
        return Pattern::silence();
    }
    let squeezed = Pattern::new(move |span: Span, out: &mut Vec<Event<Value>>| {
        let mut outer = Vec::new();
        i.query_into(span, &mut outer);
        let mut inner = Vec::new();
        for o in outer {
            let (Some(w), Some(k)) = (o.whole, int_of(&o.value)) else {
                continue;
            };
            let d = w.duration();
            if !d.is_positive() {
                continue;
            }
            let k = k.rem_euclid(n);
            let speed = Controls::single(Control::Speed, Scalar::Num((Rational::ONE / d).to_f64()));
            let zoomed = p.clone().zoom(Rational::new(k, n), Rational::new(k + 1, n));
            let begin = w.begin.cycle_pos();
            inner.clear();
            union_op(Structure::Left, NumOp::Mul, zoomed, Pattern::pure(Value::Controls(speed)))
                .compress(begin, begin + d)
                .query_into(o.part, &mut inner);
            for e in inner.drain(..) {
                let Some(iw) = e.whole else { continue };
                let (Some(whole), Some(part)) = (w.sub_span(iw), o.part.sub_span(e.part)) else {
                    continue;
                };
                out.push(Event {
                    whole: Some(whole),
                    part,
                    value: e.value,
                });
            }
        }
    });
    union_op(
        Structure::Left,
        NumOp::Div,
        squeezed,
        Pattern::pure(Value::Controls(Controls::single(
            Control::Speed,
            Scalar::Num(n as f64),
        ))),
    )
}
