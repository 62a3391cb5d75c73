//! The functions that take lists, with Tidal 1.9's definitions (`Sound.Tidal.Core`,
//! `UI`, `Control`):
//!
//! - combining: `stack`, `overlay`, `cat`/`slowcat`, `fastcat`, `timeCat`, `append`,
//!   `fastAppend` (the core's [`stack`], [`slowcat`], [`fastcat`], [`timecat`]);
//! - random: [`randcat`] (`spread' rotL (_segment 1 $ (% 1) <$> _irand n) (slowcat
//!   ps)`: each cycle `c` plays `slowcat ps` rotated by `floor (n * timeToRand (c +
//!   0.5))` cycles), [`wrandcat`] (`unwrap $ wchooseBy (segment 1 rand) ps`), and
//!   `wchoose` (`chance::wchoose`);
//! - functions: [`layer`], [`spread`] / [`fastspread`] (the function applied to
//!   each value, then `slowcat` / `fastcat`; `spreadf fs` is `spread ($) fs`),
//!   [`spread_choose`] (`spreadChoose`/`spreadr`: `do v <- _segment 1 (choose vs); f v
//!   p`), [`pick_f`], [`select_f`] (`selectF`), [`spin`];
//! - indexing: [`select`] (a float 0..1 scaled by `length - 1`, floored), [`squeeze`]
//!   (cycles squeezed into the index's events), [`fit`].
//!
//! Indices wrap around as Tidal's `!!!` does (`i mod length`).

use std::sync::Arc;

use super::{int_of, sound, with_int_arg, Transform};
use crate::pattern::random;
use crate::pattern::value::{Control, Value};
use crate::pattern::{patternify, patternify_joined, slowcat, stack, Event, PatValue, Pattern};
use crate::time::{Rational, Span};

/// Tidal's `xs !!! i`: the element at `i` modulo the length (`None` for no element).
fn cyclic<T: Clone>(xs: &[T], i: i64) -> Option<T> {
    let n = i64::try_from(xs.len()).ok().filter(|n| *n > 0)?;
    xs.get(usize::try_from(i.rem_euclid(n)).ok()?).cloned()
}

/// `randcat ps`: a random one of `ps` each cycle. As Tidal: the cycle `c` plays cycle
/// `c` of `slowcat ps` shifted `i` cycles earlier, `i = floor (n * timeToRand (c +
/// 1/2))`, the events kept where they meet the cycle (Tidal's `>>=`, `unwrap`).
pub fn randcat<T: PatValue>(pats: Vec<Pattern<T>>) -> Pattern<T> {
    let n = pats.len();
    if n == 0 {
        return Pattern::silence();
    }
    let cat = slowcat(pats);
    let irand = random::rand().fmap(move |r| (r * n as f64).floor() as i64);
    random::segment(Rational::ONE, irand)
        .fmap(move |i| cat.clone().early(Rational::from_int(*i)))
        .unwrap_join()
}

/// `wrandcat [(p, w)]`: a random one of the patterns each cycle, weighted (Tidal's
/// `unwrap $ wchooseBy (segment 1 rand) ps`: no rotation, the chosen pattern plays its
/// own cycle).
pub fn wrandcat<T: PatValue>(pairs: Vec<(Pattern<T>, f64)>) -> Pattern<T> {
    let r = random::segment(Rational::ONE, random::rand());
    super::chance::wchoose_by(r, pairs).unwrap_join()
}

/// `layer [f, g] p`: `stack [f p, g p]`.
pub fn layer<T: PatValue>(fs: Vec<Transform<T>>, pat: Pattern<T>) -> Pattern<T> {
    stack(fs.iter().map(|f| f(pat.clone())).collect())
}

/// `spread f [a, b] p`: `slowcat [f a p, f b p]`, the transforms `f a`, `f b` given.
pub fn spread<T: PatValue>(fs: Vec<Transform<T>>, pat: Pattern<T>) -> Pattern<T> {
    slowcat(fs.iter().map(|f| f(pat.clone())).collect())
}

/// `fastspread f [a, b] p`: `fastcat [f a p, f b p]`.
pub fn fastspread<T: PatValue>(fs: Vec<Transform<T>>, pat: Pattern<T>) -> Pattern<T> {
    crate::pattern::fastcat(fs.iter().map(|f| f(pat.clone())).collect())
}

/// `spreadChoose f [a, b] p` (also `spreadr`): each cycle `c`, the function with
/// a random one of the values, `vs !!! floor (n * timeToRand (c + 1/2))` (Tidal's
/// `do v <- _segment 1 (choose vs); f v p`, the bind being `unwrap`: the events kept
/// where they meet the cycle, their wholes cut at its ends).
pub fn spread_choose<T: PatValue>(fs: Vec<Transform<T>>, pat: Pattern<T>) -> Pattern<T> {
    let n = fs.len();
    if n == 0 {
        return Pattern::silence();
    }
    let applied: Arc<Vec<Pattern<T>>> = Arc::new(fs.iter().map(|f| f(pat.clone())).collect());
    let index = random::rand().fmap(move |r| (r * n as f64).floor() as i64);
    random::segment(Rational::ONE, index)
        .fmap(move |i| cyclic(&applied, *i).unwrap_or_else(Pattern::silence))
        .unwrap_join()
}

/// `select f [p, q]`: per event of `f`, the pattern at `floor (clamp 0 1 f * (n -
/// 1))` (Tidal's `tParam _select`).
pub fn select<T: PatValue>(f: Pattern<Value>, pats: Vec<Pattern<T>>) -> Pattern<T> {
    if pats.is_empty() {
        return Pattern::silence();
    }
    let pats = Arc::new(pats);
    patternify(f, Pattern::silence(), move |v, _| {
        let Some(x) = v.as_f64().filter(|x| !x.is_nan()) else {
            return Pattern::silence();
        };
        let last = (pats.len() - 1) as f64;
        let i = (x.clamp(0.0, 1.0) * last).floor() as usize;
        pats.get(i).cloned().unwrap_or_else(Pattern::silence)
    })
}

/// `squeeze i [p, q]`: each event of `i` holds a whole cycle of the pattern it
/// indexes, squeezed into it (Tidal's `squeezeJoin $ (pats !!!) <$> ipat`).
pub fn squeeze<T: PatValue>(index: Pattern<Value>, pats: Vec<Pattern<T>>) -> Pattern<T> {
    if pats.is_empty() {
        return Pattern::silence();
    }
    index
        .filter_values(|v| int_of(v).is_some())
        .fmap(move |v| {
            int_of(v)
                .and_then(|i| cyclic(&pats, i))
                .unwrap_or_else(Pattern::silence)
        })
        .squeeze_join()
}

/// `pickF i [f, g] p`: per event of `i`, the transform it indexes applied to `p`
/// (Tidal's `innerJoin $ (\i -> _pickF i fs pat) <$> pInt`, the join written out).
pub fn pick_f<T: PatValue>(index: Pattern<Value>, fs: Vec<Transform<T>>, pat: Pattern<T>) -> Pattern<T> {
    patternify_joined(index, pat, move |v, p| match int_of(v).and_then(|i| cyclic(&fs, i)) {
        Some(f) => f(p),
        None => Pattern::silence(),
    })
}

/// `selectF f [g, h] p`: per event of `f` (a float 0..1), the transform at `floor
/// (clamp 0 0.999999 f * n)` applied to `p` (Tidal's `innerJoin $ (\f -> _selectF f
/// ps p) <$> pf`).
pub fn select_f<T: PatValue>(f: Pattern<Value>, fs: Vec<Transform<T>>, pat: Pattern<T>) -> Pattern<T> {
    patternify_joined(f, pat, move |v, p| {
        let Some(x) = v.as_f64().filter(|x| !x.is_nan()) else {
            return Pattern::silence();
        };
        let i = (x.clamp(0.0, 0.999_999) * fs.len() as f64).floor() as usize;
        match fs.get(i) {
            Some(g) => g(p),
            None => Pattern::silence(),
        }
    })
}

/// `fit step xs p`: each event of `p` takes the element of `xs` at its value plus
/// `step` times the cycle of its part's start (Tidal's `_fit`, with `tParam` over
/// `step`).
pub fn fit(step: Pattern<Value>, xs: Vec<Value>, p: Pattern<Value>) -> Pattern<Value> {
    let xs = Arc::new(xs);
    with_int_arg(step, p, move |step, p| fit_n(step, xs.clone(), p))
}

fn fit_n(step: i64, xs: Arc<Vec<Value>>, p: Pattern<Value>) -> Pattern<Value> {
    if xs.is_empty() {
        return Pattern::silence();
    }
    Pattern::new(move |span: Span, out: &mut Vec<Event<Value>>| {
        let mut events = Vec::new();
        p.query_into(span, &mut events);
        for e in events {
            let Some(i) = int_of(&e.value) else { continue };
            let cycle = e.part.begin.floor_int();
            let pos = step.saturating_mul(cycle).saturating_add(i);
            if let Some(v) = cyclic(&xs, pos) {
                out.push(e.with_value(v));
            }
        }
    })
}

/// `spin n p`: `n` copies of the sound, copy `i` shifted `i/n` cycles earlier and
/// panned to `i/n` (Tidal's `_spin`, `tParam` over `n`; `pan` as Tidal's 0..1).
pub fn spin(n: Pattern<Value>, p: Pattern<Value>) -> Pattern<Value> {
    with_int_arg(n, p, spin_n)
}

/// Tidal's `_spin`; copies past [`super::chance::MAX_PARTS`] give silence.
fn spin_n(copies: i64, p: Pattern<Value>) -> Pattern<Value> {
    if !(1..=super::chance::MAX_PARTS).contains(&copies) {
        return Pattern::silence();
    }
    let layers = (0..copies)
        .map(|i| {
            let offset = Rational::new(i, copies);
            let pan = Pattern::pure(Value::Num(offset.to_f64()));
            sound::set_controls(p.clone().early(offset), sound::control(Control::Pan, pan))
        })
        .collect();
    stack(layers)
}

/// The constant value a list element of `fit` or `wchoose` stands for: a number, or
/// a pattern of one event filling each cycle (`"bd"`, `"c4"`); `None` for anything
/// with more structure.
pub fn constant_value(p: &Pattern<Value>) -> Option<Value> {
    if let Some(v) = p.pure_value() {
        return Some(v.clone());
    }
    let cycle = Span::new(Rational::ZERO, Rational::ONE);
    match p.query(cycle).as_slice() {
        [e] if e.whole == Some(cycle) => Some(e.value.clone()),
        _ => None,
    }
}
