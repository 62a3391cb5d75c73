//! Conditional transforms with Tidal 1.9.5's semantics (`Sound.Tidal.Core`,
//! `Sound.Tidal.UI`): `every'`, `foldEvery`, `while`, `sew`, `stitch`, `inv`, and the
//! control-matching `contrast`, `fix` and `unfix`; and Strudel's `lastOf` (Tidal
//! 1.9.5 has none; Strudel's `firstOf` is its `every`, so it reads `every`).

use super::timing::{every_n, mask, struct_, when_cycle};
use super::{int_of, with_int_arg_joined, Transform};
use crate::pattern::value::{Control, Controls, Scalar, Value};
use crate::pattern::{stack, Event, PatValue, Pattern};
use crate::time::Span;

/// Haskell's `mod`: the result has the sign of the divisor (`n != 0`).
fn haskell_mod(c: i64, n: i64) -> i64 {
    let (c, n) = (c as i128, n as i128);
    let r = c.rem_euclid(n);
    (if n < 0 && r != 0 { r + n } else { r }) as i64
}

/// Tidal's `_every' n o = when ((== o) . (`mod` n))`: `f` in the cycles `c` with
/// `c mod n == o`. `n = 0`, where Haskell's `mod` fails, leaves the pattern alone
/// (as `every 0`).
pub fn every_offset_n<T: PatValue>(n: i64, o: i64, f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    if n == 0 {
        return pat;
    }
    when_cycle(move |c| haskell_mod(c, n) == o, f, pat)
}

/// `every' n o f p`: Tidal's `do { n <- np; o <- op; _every' n o f p }`, a monadic
/// bind (structure from the arguments and the result, `unwrap`).
pub fn every_offset<T: PatValue>(
    n: Pattern<Value>,
    o: Pattern<Value>,
    f: Transform<T>,
    pat: Pattern<T>,
) -> Pattern<T> {
    n.fmap(move |nv| {
        let (f, pat) = (f.clone(), pat.clone());
        let nv = int_of(nv);
        o.clone().fmap(move |ov| match (nv, int_of(ov)) {
            (Some(n), Some(o)) => every_offset_n(n, o, f.clone(), pat.clone()),
            _ => Pattern::silence(),
        })
        .unwrap_join()
    })
    .unwrap_join()
}

/// Tidal's `foldEvery ns f p = foldr (`_every` f) p ns`: `every n f` for each `n`
/// of the list, nested, so a cycle divisible by several gets `f` several times.
pub fn fold_every<T: PatValue>(ns: Vec<i64>, f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    ns.iter().rev().fold(pat, |acc, &n| every_n(n, f.clone(), acc))
}

/// Strudel's `lastOf n f` (`packages/core/pattern.mjs`: `slowcatPrime` of `n - 1`
/// copies of the pattern and then `f` of it): `f` in the cycles `c` with
/// `c mod n == n - 1`. A negative `n` acts as its magnitude and `0` leaves the
/// pattern alone, as `every` does.
pub fn last_of<T: PatValue>(n: Pattern<Value>, f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    with_int_arg_joined(n, pat, move |n, p| {
        let n = n.saturating_abs();
        every_offset_n(n, n - 1, f.clone(), p)
    })
}

/// One value of a boolean pattern negated, as it reads (Tidal's `not <$>`): a number
/// becomes 1 or 0, a word `t` or `f`. A control map is not a boolean: it is kept.
fn negated(v: &Value) -> Value {
    match v {
        Value::Num(_) | Value::Note(_) => Value::Num(if v.is_truthy() { 0.0 } else { 1.0 }),
        Value::Word(_) => Value::word(if v.is_truthy() { "f" } else { "t" }),
        Value::Controls(_) => v.clone(),
    }
}

/// Tidal's `inv`: every boolean negated.
pub fn inv(pb: Pattern<Value>) -> Pattern<Value> {
    pb.fmap(negated)
}

/// Tidal's `sew pb a b = overlay (mask pb a) (mask (inv pb) b)`: `a` where the
/// booleans are true, `b` where they are false, the structure the patterns' own.
pub fn sew<T: PatValue>(pb: Pattern<Value>, a: Pattern<T>, b: Pattern<T>) -> Pattern<T> {
    stack(vec![mask(pb.clone(), a), mask(inv(pb), b)])
}

/// Tidal's `stitch pb a b = overlay (struct pb a) (struct (inv pb) b)`: as `sew`,
/// the structure the booleans'.
pub fn stitch<T: PatValue>(pb: Pattern<Value>, a: Pattern<T>, b: Pattern<T>) -> Pattern<T> {
    stack(vec![struct_(pb.clone(), a), struct_(inv(pb), b)])
}

/// Tidal's `while b f pat = sew b (f pat) pat`.
pub fn while_<T: PatValue>(pb: Pattern<Value>, f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    let changed = f(pat.clone());
    sew(pb, changed, pat)
}

/// Tidal's `==` on two values of one control: numbers (and notes, and words that
/// are note names, which Phonon reads as their MIDI numbers) by value, words by
/// their text, a number never equal to a word (Tidal's `VF x == VS y` is false). A
/// sample name (`s`) is always a word.
fn same_scalar(key: Control, a: &Scalar, b: &Scalar) -> bool {
    let word = |s: &Scalar| match s {
        Scalar::Word(w) => Some(w.to_string()),
        Scalar::Num(x) | Scalar::Note(x) if key == Control::S => Some(Value::Num(*x).to_string()),
        _ => None,
    };
    if key != Control::S {
        if let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) {
            return x == y;
        }
    }
    match (word(a), word(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// Tidal's `Map.isSubmapOfBy (==) test event`: every control of the test is set on
/// the event to an equal value.
fn is_submap(test: &Controls, event: &Controls) -> bool {
    test.iter()
        .all(|(k, t)| event.get(k).is_some_and(|e| same_scalar(k, t, e)))
}

/// Tidal's `matchManyToOne (flip $ Map.isSubmapOfBy (==)) test p`: each event of `p`
/// with whether one of the test's events at its onset (a zero-width query at the
/// start of its whole) is a submap of it.
fn matches(test: Pattern<Value>, p: Pattern<Value>) -> Pattern<(bool, Value)> {
    Pattern::new(move |span: Span, out: &mut Vec<Event<(bool, Value)>>| {
        let mut events = Vec::new();
        p.query_into(span, &mut events);
        let mut tests = Vec::new();
        for e in events {
            let at = e.whole_or_part().begin;
            tests.clear();
            test.query_into(Span::new(at, at), &mut tests);
            let hit = match &e.value {
                Value::Controls(c) => tests
                    .iter()
                    .any(|t| t.value.as_controls().is_some_and(|tc| is_submap(tc, c))),
                _ => false,
            };
            let value = e.value.clone();
            out.push(e.with_value((hit, value)));
        }
    })
}

/// Tidal's `contrast f g test p` (`contrastBy (==)`): `f` applied to the events of
/// `p` whose controls include one of the test's control maps, `g` to the others.
pub fn contrast(
    f: Transform<Value>,
    g: Transform<Value>,
    test: Pattern<Value>,
    p: Pattern<Value>,
) -> Pattern<Value> {
    let m = matches(test, p);
    let side = |want: bool| {
        m.clone()
            .filter_values(move |(hit, _)| *hit == want)
            .fmap(|(_, v)| v.clone())
    };
    stack(vec![f(side(true)), g(side(false))])
}

/// Tidal's `fix f = contrast f id`.
pub fn fix(f: Transform<Value>, test: Pattern<Value>, p: Pattern<Value>) -> Pattern<Value> {
    contrast(f, std::sync::Arc::new(|x| x), test, p)
}

/// Tidal's `unfix = contrast id`.
pub fn unfix(f: Transform<Value>, test: Pattern<Value>, p: Pattern<Value>) -> Pattern<Value> {
    contrast(std::sync::Arc::new(|x| x), f, test, p)
}

#[cfg(test)]
mod tests {
    use super::haskell_mod;

    #[test]
    fn mod_takes_the_divisors_sign() {
        assert_eq!(haskell_mod(7, 3), 1);
        assert_eq!(haskell_mod(-7, 3), 2);
        assert_eq!(haskell_mod(7, -3), -2);
        assert_eq!(haskell_mod(-7, -3), -1);
        assert_eq!(haskell_mod(6, -3), 0);
    }
}
