//! More of Tidal's structure transforms (Tidal 1.9.5, `Sound.Tidal.UI`), and
//! `euclidLegato`, which is Strudel's (Tidal 1.9.5 has none): `euclidInv`,
//! `euclidLegato`, `trunc`, `plyWith`, `rot`, `bite`, and the value maps `quantise`
//! and `rangex`. Numeric arguments that Tidal takes as patterns are patterns here,
//! applied as Tidal applies them (`tParam`, `tParam2`, a written-out `innerJoin`).

use std::cmp::Ordering;

use super::timing::{
    euclid_n, map_numbers, struct_, tidal_bjorklund, with_int_args2, with_sane_time_arg,
    MAX_DENSITY,
};
use super::{harmony, with_f64_arg_joined, with_int_arg, with_int_arg_joined, Transform};
use crate::pattern::value::Value;
use crate::pattern::{stack, timecat, Event, PatValue, Pattern};
use crate::time::{Rational, Span};

/// The most layers `plyWith` stacks; larger counts are capped.
pub const MAX_LAYERS: i64 = 256;

/// Tidal's `euclidInv` (`tParam2 _euclidInv`, `_euclidInv n k = _euclid (-n) k`):
/// the pattern on the steps the Euclidean rhythm leaves empty.
pub fn euclid_inv<T: PatValue>(k: Pattern<Value>, n: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    with_int_args2(k, n, pat, |k, n, p| euclid_n(k.saturating_neg(), n, p))
}

/// Strudel's `_euclidLegato pulses steps` (`packages/core/euclid.mjs`): the
/// Bjorklund rhythm's onsets, each held until the next onset (a `timeCat` of
/// `[gap + 1, true]` per onset, given as the structure of `pat`). Fewer than one
/// pulse is silence, as in Strudel; the rhythm is Tidal's `bjorklund`, as `euclid`'s.
pub fn euclid_legato_n<T: PatValue>(k: i64, n: i64, pat: Pattern<T>) -> Pattern<T> {
    if k < 1 {
        return Pattern::silence();
    }
    let Some(bools) = tidal_bjorklund(k, n) else {
        return Pattern::silence();
    };
    // `.split('1').slice(1)`: a run of rests before the first onset is dropped.
    let mut steps: Vec<(Rational, Pattern<Value>)> = Vec::new();
    for b in bools {
        match steps.last_mut() {
            _ if b => steps.push((Rational::ONE, Pattern::pure(Value::Num(1.0)))),
            Some((len, _)) => *len = *len + Rational::ONE,
            None => {}
        }
    }
    struct_(timecat(steps), pat)
}

/// `euclidLegato k n`, both patterns (combined as Strudel's patterned arguments are,
/// structure from both, then inner-joined).
pub fn euclid_legato<T: PatValue>(
    k: Pattern<Value>,
    n: Pattern<Value>,
    pat: Pattern<T>,
) -> Pattern<T> {
    with_int_args2(k, n, pat, euclid_legato_n)
}

/// Tidal's `_trunc t = compress (0, t) . zoomArc (Arc 0 t)`: the first `t` of each
/// cycle, the rest silent. `t` outside `(0, 1]` is silence (as `compress`).
pub fn trunc_t<T: PatValue>(t: Rational, pat: Pattern<T>) -> Pattern<T> {
    if !t.is_positive() || t > Rational::ONE {
        return Pattern::silence();
    }
    pat.zoom(Rational::ZERO, t).compress(Rational::ZERO, t)
}

/// `trunc t`, the fraction a pattern (`tParam _trunc`).
pub fn trunc<T: PatValue>(t: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    with_sane_time_arg(t, pat, trunc_t)
}

/// Tidal's `_plyWith n f p = arpeggiate $ compound n`, where `compound n` is `p` for
/// `n <= 1` and `overlay p (f $ compound (n-1))` otherwise: every event played
/// `ceil n` times inside its span, the transform applied once more each time.
pub fn ply_with_n<T: PatValue>(n: f64, f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    let layers = if n.is_nan() || n <= 1.0 { 1 } else { n.ceil().min(MAX_LAYERS as f64) as i64 };
    let mut compound = pat.clone();
    for _ in 1..layers {
        compound = stack(vec![pat.clone(), f(compound)]);
    }
    // Tidal's `arpeggiate` is `arpWith id`, the `up` mode of `arp`.
    harmony::arp_with("up", compound)
}

/// `plyWith n f p`: Tidal's `innerJoin $ (\n -> _plyWith n f p) <$> np`.
pub fn ply_with<T: PatValue>(n: Pattern<Value>, f: Transform<T>, pat: Pattern<T>) -> Pattern<T> {
    with_f64_arg_joined(n, pat, move |n, p| ply_with_n(n, f.clone(), p))
}

/// Tidal's `Ord Value` on the values Phonon has: words before numbers, numbers
/// (and notes) by size, control maps as Haskell orders maps (by their keys in
/// alphabetical order, then values).
pub fn compare_values(a: &Value, b: &Value) -> Ordering {
    fn scalar_rank(v: &Value) -> u8 {
        match v {
            Value::Word(_) => 0,
            Value::Num(_) | Value::Note(_) => 1,
            Value::Controls(_) => 2,
        }
    }
    match (a, b) {
        (Value::Word(x), Value::Word(y)) => x.cmp(y),
        (Value::Num(x) | Value::Note(x), Value::Num(y) | Value::Note(y)) => {
            x.partial_cmp(y).unwrap_or(Ordering::Equal)
        }
        (Value::Controls(x), Value::Controls(y)) => {
            let sorted = |c: &crate::pattern::value::Controls| {
                let mut v: Vec<(&'static str, Value)> =
                    c.iter().map(|(k, s)| (k.name(), s.to_value())).collect();
                v.sort_by(|p, q| p.0.cmp(q.0));
                v
            };
            let (x, y) = (sorted(x), sorted(y));
            for (p, q) in x.iter().zip(&y) {
                let o = p.0.cmp(q.0).then_with(|| compare_values(&p.1, &q.1));
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        _ => scalar_rank(a).cmp(&scalar_rank(b)),
    }
}

fn compare_spans(a: &Span, b: &Span) -> Ordering {
    a.begin.cmp(&b.begin).then(a.end.cmp(&b.end))
}

/// Tidal's derived `Ord Event` without the source context Phonon's events do not
/// carry: by whole (none first), part, value.
fn compare_events(a: &Event<Value>, b: &Event<Value>) -> Ordering {
    let whole = match (&a.whole, &b.whole) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => compare_spans(x, y),
    };
    whole
        .then_with(|| compare_spans(&a.part, &b.part))
        .then_with(|| compare_values(&a.value, &b.value))
}

/// Tidal's `defragParts`: each event merged with the first later fragment of the
/// same whole and value that touches it.
fn defrag_parts(mut es: Vec<Event<Value>>) -> Vec<Event<Value>> {
    let mut out = Vec::with_capacity(es.len());
    while !es.is_empty() {
        let mut e = es.remove(0);
        let adjacent = es.iter().position(|o| {
            o.whole == e.whole
                && o.value == e.value
                && (e.part.end == o.part.begin || o.part.end == e.part.begin)
        });
        if let Some(i) = adjacent {
            let o = es.remove(i);
            e.part = Span::new(e.part.begin.min(o.part.begin), e.part.end.max(o.part.end));
        }
        out.push(e);
    }
    out
}

/// Tidal's `_rot i`: the values of each whole cycle's events, in order, shifted by
/// `i` events (a negative `i` the other way; past the number of events a negative
/// shift does nothing, as Tidal's `drop` of a negative count), the events keeping
/// their times. Events are ordered by Tidal's derived `Ord` without its source
/// context (by whole, part, value), which is time order where Tidal's contexts are.
pub fn rot_n(i: i64, pat: Pattern<Value>) -> Pattern<Value> {
    Pattern::new(move |span: Span, out: &mut Vec<Event<Value>>| {
        let mut events = Vec::new();
        pat.query_into(span.whole_cycle(), &mut events);
        let mut events = defrag_parts(events);
        events.sort_by(compare_events);
        let len = events.len();
        if len == 0 {
            return;
        }
        let offset = if i >= 0 {
            (i as u64 % len as u64) as usize
        } else {
            len.saturating_sub(i.unsigned_abs().min(len as u64) as usize)
        };
        let values: Vec<Value> = events.iter().map(|e| e.value.clone()).collect();
        for (k, e) in events.into_iter().enumerate() {
            if let Some(part) = e.part.sub_span(span) {
                out.push(Event {
                    whole: e.whole,
                    part,
                    value: values[(k + offset) % len].clone(),
                });
            }
        }
    })
    .split_queries()
}

/// `rot i`, the shift a pattern (`tParam _rot`).
pub fn rot(i: Pattern<Value>, pat: Pattern<Value>) -> Pattern<Value> {
    with_int_arg(i, pat, rot_n)
}

/// Tidal's `_bite n ipat pat = squeezeJoin $ zoompat <$> ipat`: each event of the
/// indices plays the slice `i mod n` of `n` of each cycle, squeezed into it. `n <= 0`
/// (Haskell's `mod 0` fails) and `n` past the density bound are silence.
pub fn bite_n<T: PatValue>(n: i64, ipat: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    if n <= 0 || n > MAX_DENSITY {
        return Pattern::silence();
    }
    ipat.fmap(move |v| match super::int_of(v) {
        Some(i) => {
            let i = i.rem_euclid(n);
            pat.clone().zoom(Rational::new(i, n), Rational::new(i + 1, n))
        }
        None => Pattern::silence(),
    })
    .squeeze_join()
}

/// `bite n ipat pat`: Tidal's `innerJoin $ (\n -> _bite n ipat pat) <$> npat`.
pub fn bite<T: PatValue>(n: Pattern<Value>, ipat: Pattern<Value>, pat: Pattern<T>) -> Pattern<T> {
    with_int_arg_joined(n, pat, move |n, p| bite_n(n, ipat.clone(), p))
}

/// Tidal's `quantise n = fmap ((/n) . fromIntegral . round . (*n))`: every number
/// rounded to the nearest `1/n`, halves to even as Haskell's `round`. A result that
/// is not finite (`n = 0`) drops the event.
pub fn quantise(n: f64, pat: Pattern<Value>) -> Pattern<Value> {
    map_numbers(pat, move |x| ((x * n).round_ties_even() as i64) as f64 / n)
}

/// Tidal's `rangex from to p = exp <$> _range (log from) (log to) p`: 0..1 onto
/// `from..to` exponentially. Bounds that are not positive give no finite value: the
/// events are dropped.
pub fn rangex(from: f64, to: f64, pat: Pattern<Value>) -> Pattern<Value> {
    let (lo, hi) = (from.ln(), to.ln());
    map_numbers(pat, move |x| (x * (hi - lo) + lo).exp())
}
