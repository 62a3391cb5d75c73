//! Randomness, with Tidal 1.9's semantics (`Sound.Tidal.UI`): every random choice is
//! a pure function of cycle time through [`random::time_to_rand`], so a patch renders
//! the same way every time.
//!
//! - [`degrade_by`] / [`undegrade_by`] sample [`random::rand`] over each event's whole
//!   (Tidal's `p <* rand`), keep the event when the value is `> amount` / `<= amount`
//!   (Tidal's comparisons, so the two are exact complements).
//! - [`sometimes_by`] is Tidal 1.9's `overlay (degradeBy x p) (f $ unDegradeBy x p)`:
//!   the function is applied to the events that were kept, after the random choice,
//!   so `sometimes (fast 2)` speeds up the chosen events rather than choosing among
//!   sped-up ones.
//! - [`some_cycles_by`] applies the function to whole cycles `c` where
//!   `timeToRand(c) < x`.
//! - [`shuffle`] / [`scramble`] cut each cycle into `n` parts and play a random
//!   permutation of them (Tidal's `randrun`) or `n` random draws with replacement
//!   (`_segment n $ _irand n`), inner-joined as Tidal's `_rearrangeWith` does.
//! - [`choose`]: the choices are the values of the events of the argument pattern in
//!   cycle 0 (events that start in cycle 0, plus continuous values), in time order;
//!   the result is Tidal's `chooseBy rand`: a continuous pattern, so it needs a
//!   structure from elsewhere (`segment`, `#`, `struct`).
//!
//! Counts are capped at [`MAX_PARTS`]: a larger (or a non-positive) count gives
//! silence instead of exhausting memory.

use std::cmp::Ordering;

use super::{with_f64_arg, with_f64_arg_joined, with_int_arg, Transform};
use crate::pattern::random::{self, time_to_rand, time_to_rands};
use crate::pattern::value::Value;
use crate::pattern::{app, stack, Event, PatValue, Pattern, Structure};
use crate::time::{Rational, Span};

/// The largest part count `shuffle` and `scramble` accept; beyond it they are silent.
pub const MAX_PARTS: i64 = 65_536;

/// Keeps the events whose random value (sampled over the event's whole) passes
/// `keep`.
fn filter_by_rand<T: PatValue>(
    rand: Pattern<f64>,
    pat: Pattern<T>,
    keep: impl Fn(f64) -> bool + Send + Sync + 'static,
) -> Pattern<T> {
    app(Structure::Left, pat, rand, |v: &T, r: &f64| (v.clone(), *r))
        .filter_values(move |(_, r)| keep(*r))
        .fmap(|(v, _)| v.clone())
}

/// Tidal's `_degradeByUsing`: keeps the events whose value from `rand` is greater
/// than `amount`.
pub fn degrade_by_using_n<T: PatValue>(
    rand: Pattern<f64>,
    amount: f64,
    pat: Pattern<T>,
) -> Pattern<T> {
    filter_by_rand(rand, pat, move |r| r > amount)
}

/// Tidal's `_degradeBy`: drops each event with probability `amount`.
pub fn degrade_by_n<T: PatValue>(amount: f64, pat: Pattern<T>) -> Pattern<T> {
    degrade_by_using_n(random::rand(), amount, pat)
}

/// Tidal's `_unDegradeBy`: keeps exactly the events [`degrade_by_n`] drops.
pub fn undegrade_by_n<T: PatValue>(amount: f64, pat: Pattern<T>) -> Pattern<T> {
    filter_by_rand(random::rand(), pat, move |r| r <= amount)
}

/// `degrade`: drops events with probability 0.5.
pub fn degrade<T: PatValue>(pat: Pattern<T>) -> Pattern<T> {
    degrade_by_n(0.5, pat)
}

/// `degradeBy amount`, the amount a pattern.
pub fn degrade_by<T: PatValue>(amount: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    with_f64_arg(amount, pat, degrade_by_n)
}

/// `unDegradeBy amount`, the amount a pattern.
pub fn undegrade_by<T: PatValue>(amount: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    with_f64_arg(amount, pat, undegrade_by_n)
}

/// `sometimesBy x f pat` (Tidal 1.9): `overlay (degradeBy x pat) (f $ unDegradeBy x pat)`.
pub fn sometimes_by<T: PatValue>(
    amount: Pattern<Value>,
    f: Transform<T>,
    pat: Pattern<T>,
) -> Pattern<T> {
    let kept = degrade_by(amount.clone(), pat.clone());
    let changed = f(undegrade_by(amount, pat));
    stack(vec![kept, changed])
}

fn sometimes_by_const<T: PatValue>(x: f64, f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    sometimes_by(Pattern::pure(Value::Num(x)), f, pat)
}

/// `sometimes = sometimesBy 0.5`.
pub fn sometimes<T: PatValue>(f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    sometimes_by_const(0.5, f, pat)
}

/// `often = sometimesBy 0.75`.
pub fn often<T: PatValue>(f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    sometimes_by_const(0.75, f, pat)
}

/// `rarely = sometimesBy 0.25`.
pub fn rarely<T: PatValue>(f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    sometimes_by_const(0.25, f, pat)
}

/// `almostNever = sometimesBy 0.1`.
pub fn almost_never<T: PatValue>(f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    sometimes_by_const(0.1, f, pat)
}

/// `almostAlways = sometimesBy 0.9`.
pub fn almost_always<T: PatValue>(f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    sometimes_by_const(0.9, f, pat)
}

/// `always f = f`.
pub fn always<T: PatValue>(f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    f(pat)
}

/// `never f p = p`.
pub fn never<T: PatValue>(_f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    pat
}

/// Tidal's `_someCyclesBy`: applies `f` to the cycles `c` with `timeToRand(c) < x`.
pub fn some_cycles_by_n<T: PatValue>(x: f64, f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    super::timing::when_cycle(move |c| time_to_rand(c as f64) < x, f, pat)
}

/// `someCyclesBy x f pat`, the amount a pattern (inner-joined, as Tidal).
pub fn some_cycles_by<T: PatValue>(
    amount: Pattern<Value>,
    f: Transform<T>,
    pat: Pattern<T>,
) -> Pattern<T> {
    // Tidal: `somecyclesBy pd f pat = innerJoin $ (\d -> _somecyclesBy d f pat) <$> pd`.
    with_f64_arg_joined(amount, pat, move |x, p| some_cycles_by_n(x, f.clone(), p))
}

/// `someCycles = someCyclesBy 0.5`.
pub fn some_cycles<T: PatValue>(f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    some_cycles_by_n(0.5, f, pat)
}

/// Tidal's `randrun n`: each cycle, the numbers `0 .. n-1` in a random order, one per
/// `1/n` of the cycle. The order is the ranking of `timeToRands(cycle, n)`.
pub fn randrun(n: i64) -> Pattern<i64> {
    if n <= 0 || n > MAX_PARTS {
        return Pattern::silence();
    }
    Pattern::new(move |span: Span, out: &mut Vec<Event<i64>>| {
        // The whole cycle's order is computed for each query: `n` units of work.
        if !crate::time::spend(n as u64) {
            return;
        }
        let cycle = span.begin.sam();
        let rands = time_to_rands(cycle.to_f64(), n as usize);
        let mut order: Vec<(f64, i64)> = rands.into_iter().zip(0..n).collect();
        // Stable, like Haskell's sortOn.
        order.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(Ordering::Equal));
        for (slot, (_, value)) in (0..n).zip(order) {
            let whole = Span::new(
                cycle + Rational::new(slot, n),
                cycle + Rational::new(slot + 1, n),
            );
            if let Some(part) = span.sub_span(whole) {
                out.push(Event {
                    whole: Some(whole),
                    part,
                    value,
                });
            }
        }
    })
    .split_queries()
}

/// Tidal's `_repeatCycles n` (`cat (replicate n p)`): every cycle of `pat` is played
/// `n` times in a row.
pub fn repeat_cycles<T: PatValue>(n: i64, pat: Pattern<T>) -> Pattern<T> {
    if n <= 0 {
        return Pattern::silence();
    }
    Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
        for piece in span.cycles() {
            let cycle = piece.begin.floor_int();
            let offset = Rational::from_int(cycle - cycle.div_euclid(n));
            let start = out.len();
            pat.query_into(piece.with_time(|t| t - offset), out);
            for e in &mut out[start..] {
                e.part = e.part.with_time(|t| t + offset);
                e.whole = e.whole.map(|w| w.with_time(|t| t + offset));
            }
        }
    })
}

/// Tidal's `_rearrangeWith`: the `i`th of `n` equal parts of each cycle of `pat`,
/// for each event `i` of `indices`, inner-joined.
fn rearrange_with<T: PatValue>(indices: Pattern<i64>, n: i64, pat: Pattern<T>) -> Pattern<T> {
    if n <= 0 || n > MAX_PARTS {
        return Pattern::silence();
    }
    let factor = Rational::from_int(n);
    indices
        .fmap(move |&i| {
            if i < 0 || i >= n {
                return Pattern::silence();
            }
            let part = pat
                .clone()
                .zoom(Rational::new(i, n), Rational::new(i + 1, n));
            repeat_cycles(n, part).fast(factor)
        })
        .inner_join()
}

/// Tidal's `_shuffle n`: a random permutation of the `n` parts of each cycle.
pub fn shuffle_n<T: PatValue>(n: i64, pat: Pattern<T>) -> Pattern<T> {
    rearrange_with(randrun(n), n, pat)
}

/// Tidal's `_scramble n`: `n` parts of each cycle drawn at random with replacement.
pub fn scramble_n<T: PatValue>(n: i64, pat: Pattern<T>) -> Pattern<T> {
    if n <= 0 || n > MAX_PARTS {
        return Pattern::silence();
    }
    let draws = random::segment(
        Rational::from_int(n),
        random::rand().fmap(move |r| (r * n as f64).floor() as i64),
    );
    rearrange_with(draws, n, pat)
}

/// `shuffle n`, the count a pattern.
pub fn shuffle<T: PatValue>(n: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    with_int_arg(n, pat, shuffle_n)
}

/// `scramble n`, the count a pattern.
pub fn scramble<T: PatValue>(n: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    with_int_arg(n, pat, scramble_n)
}

/// `rand`: a continuous pattern of values in `[0, 1)`, `timeToRand` of the query's
/// midpoint.
pub fn rand() -> Pattern<Value> {
    random::rand().fmap(|r| Value::Num(*r))
}

/// Tidal's `_irand n`: continuous random whole numbers `floor(rand * n)`.
pub fn irand_n(n: i64) -> Pattern<Value> {
    random::rand().fmap(move |r| Value::Num((r * n as f64).floor()))
}

/// `irand n`, the count a pattern: Tidal's `n >>= _irand`, the monadic join, so the
/// result is continuous within each event of `n` (and cut at its boundaries).
pub fn irand(n: Pattern<Value>) -> Pattern<Value> {
    n.fmap(|v| match super::int_of(v) {
        Some(i) => irand_n(i),
        None => Pattern::silence(),
    })
    .unwrap_join()
}

/// Tidal's `choose` on a list: a continuous pattern picking `choices[floor(rand * len)]`.
pub fn choose_list(choices: Vec<Value>) -> Pattern<Value> {
    random::choose_by(random::rand(), choices)
}

/// The language's `choose xs`: the choices are the values of the events of `xs` in
/// cycle 0 (those that start there, and continuous values), in time order; then as
/// Tidal's `chooseBy rand`.
pub fn choose(xs: Pattern<Value>) -> Pattern<Value> {
    let mut events = xs.query(Span::new(Rational::ZERO, Rational::ONE));
    events.retain(|e| e.whole.is_none() || e.has_onset());
    events.sort_by_key(|e| e.part.begin);
    choose_list(events.into_iter().map(|e| e.value).collect())
}

/// Tidal's `wchooseBy`: the first value whose running total of weights exceeds
/// `r * total`. A value of `r` that no weight exceeds (all weights zero or negative)
/// gives no event, where Tidal would fail.
pub fn wchoose_by<T: PatValue>(rand: Pattern<f64>, pairs: Vec<(T, f64)>) -> Pattern<T> {
    if pairs.is_empty() {
        return Pattern::silence();
    }
    let total: f64 = pairs.iter().map(|(_, w)| *w).sum();
    let mut running = 0.0;
    let cumulative: Vec<(T, f64)> = pairs
        .into_iter()
        .map(|(v, w)| {
            running += w;
            (v, running)
        })
        .collect();
    Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
        let mut rs = Vec::new();
        rand.query_into(span, &mut rs);
        for e in rs {
            let target = e.value * total;
            if let Some((v, _)) = cumulative.iter().find(|(_, c)| *c > target) {
                out.push(e.with_value(v.clone()));
            }
        }
    })
}

/// Tidal's `wchoose`: weighted random choice, `wchooseBy rand`.
pub fn wchoose(pairs: Vec<(Value, f64)>) -> Pattern<Value> {
    wchoose_by(random::rand(), pairs)
}

/// Tidal's `chooseBy f xs = (xs !!!) . floor <$> range 0 (length xs) f`: each event
/// of `f` picks `xs` at `floor (v * length)`, wrapped around the list (`!!!`).
pub fn choose_by(f: Pattern<Value>, xs: Vec<Value>) -> Pattern<Value> {
    if xs.is_empty() {
        return Pattern::silence();
    }
    let n = xs.len();
    let zero = Pattern::pure(Value::Num(0.0));
    let len = Pattern::pure(Value::Num(n as f64));
    super::timing::range(zero, len, f)
        .filter_values(|v| super::int_of(v).is_some())
        .fmap(move |v| {
            let i = super::int_of(v).unwrap_or(0);
            // `rem_euclid` keeps the index in 0..n, so it is always in the list.
            xs[i.rem_euclid(n as i64) as usize].clone()
        })
}
