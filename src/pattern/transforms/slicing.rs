//! Sample slicing transforms on sound events, with Tidal 1.9.5's definitions:
//! `slice`, `splice`, `randslice`, `striateBy` and `loopAt` (Control.hs) and
//! `chew` (UI.hs). They set the `begin`, `end`, `speed` and `unit` controls the
//! voice pool reads. (`chop` and `striate` are in [`super::sound`].)

use std::sync::Arc;

use super::sound::{set_controls, union_op};
use super::{int_of, with_int_arg_joined, with_time_arg};
use crate::pattern::value::{Control, Controls, NumOp, Scalar, Value};
use crate::pattern::{app, Event, Pattern, Structure};
use crate::time::Span;

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
