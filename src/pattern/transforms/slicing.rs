//! Sample slicing transforms on sound events, with Tidal 1.9.5's definitions:
//! `slice` (UI.hs) and `loopAt` (Control.hs). They set the `begin`, `end`,
//! `speed` and `unit` controls the voice pool reads.

use std::sync::Arc;

use super::sound::{set_controls, union_op};
use super::{int_of, with_time_arg};
use crate::pattern::value::{Control, Controls, NumOp, Scalar, Value};
use crate::pattern::{app, Pattern, Structure};

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
