//! From the syntax tree to a pattern (Tidal's `toPat`), built once per string.
//!
//! The same tree builds patterns of values, of exact rationals (factors, steps per
//! cycle) and of integers (Euclid arguments), through the [`Leaf`] trait.

use std::sync::Arc;

use super::ast::{parse_f64, parse_rational, AtomKind, Kind, Node, PolySteps};
use super::MiniError;
use crate::pattern::chords::{self, Modifier};
use crate::pattern::euclid::bjorklund;
use crate::pattern::random::{choose_by, degrade_by_using, rand, segment};
use crate::pattern::value::{parse_note_name, Value};
use crate::pattern::{
    app, fastcat, patternify, stack, timecat, Event, PatValue, Pattern, Structure,
};
use crate::time::{Rational, Span};

/// Deepest syntax tree accepted (each level is a closure call per query).
const MAX_DEPTH: usize = 160;
/// Largest speed-up a factor may give (`a*n`, `a/(1/n)`, `{..}%n`), so that one
/// typo cannot ask for billions of events per cycle.
const MAX_SPEED: i64 = 1 << 16;
/// Most steps a range (`0 .. n`) or a Euclid rhythm may have per cycle.
const MAX_STEPS: i64 = 1 << 16;

pub(crate) fn build_value(node: &Node) -> Result<Pattern<Value>, MiniError> {
    build::<Value>(node, 0)
}

/// The values a mini-notation pattern can be read as.
trait Leaf: PatValue + Sized {
    /// The value of an atom, or a message saying why it cannot be one.
    fn from_atom(kind: AtomKind, text: &str) -> Result<Self, String>;
    /// `a .. b` (Tidal's `fromTo`); `None` when it would have too many steps.
    fn enum_from_to(a: &Self, b: &Self) -> Option<Pattern<Self>>;
    /// A hint for an atom `from_atom` refused (a "did you mean").
    fn atom_hint(_text: &str) -> Option<String> {
        None
    }
    /// The notes of a chord (`c'maj`) as these values; only values read chords.
    fn chord(_notes: Pattern<Value>, node: &Node) -> Result<Pattern<Self>, MiniError> {
        Err(MiniError::new(
            "a chord is not allowed here: factors, step counts, Euclid arguments, chord \
             names and modifiers are plain numbers or words",
            node.start,
            node.end,
        ))
    }
}

impl Leaf for Value {
    fn from_atom(kind: AtomKind, text: &str) -> Result<Value, String> {
        match kind {
            AtomKind::Word => Ok(Value::Word(Arc::from(text))),
            AtomKind::Num => parse_f64(text)
                .map(Value::Num)
                .ok_or_else(|| format!("number `{text}` is out of range")),
        }
    }

    fn enum_from_to(a: &Value, b: &Value) -> Option<Pattern<Value>> {
        match (a, b) {
            (Value::Num(x), Value::Num(y)) => float_range(*x, *y, Value::Num),
            // Tidal's String instance: the two ends as two steps.
            _ => Some(list(vec![a.clone(), b.clone()])),
        }
    }

    fn chord(notes: Pattern<Value>, _node: &Node) -> Result<Pattern<Value>, MiniError> {
        Ok(notes)
    }
}

/// A chord's root (Tidal's `Note` pattern in `pChord`): a number, or a note name as
/// semitones from c4 (`c` and `c4` are 0, `e` 4, `a3` -3).
#[derive(Clone, Copy, Debug)]
struct Root(f64);

impl Leaf for Root {
    fn from_atom(kind: AtomKind, text: &str) -> Result<Root, String> {
        match kind {
            AtomKind::Num => parse_f64(text)
                .map(Root)
                .ok_or_else(|| format!("number `{text}` is out of range")),
            AtomKind::Word => note_semitones(text).map(Root).ok_or_else(|| {
                format!(
                    "a chord's root is a number or a note name (`c`, `e4`, `fs3`), found `{text}`"
                )
            }),
        }
    }

    fn enum_from_to(a: &Root, b: &Root) -> Option<Pattern<Root>> {
        float_range(a.0, b.0, Root)
    }
}

/// A note name as semitones from c4 (Tidal's `parseNote`, whose `c5` is our `c4`).
fn note_semitones(text: &str) -> Option<f64> {
    parse_note_name(text).map(|midi| midi - 60.0)
}

/// A chord name of Tidal's table, as its notes.
#[derive(Clone, Copy, Debug)]
struct ChordName(&'static [i32]);

impl Leaf for ChordName {
    fn from_atom(_kind: AtomKind, text: &str) -> Result<ChordName, String> {
        chords::lookup(text)
            .map(ChordName)
            .ok_or_else(|| format!("unknown chord name `{text}`"))
    }

    // Tidal's `String` instance: the two ends as two steps.
    fn enum_from_to(a: &ChordName, b: &ChordName) -> Option<Pattern<ChordName>> {
        Some(list(vec![*a, *b]))
    }

    fn atom_hint(text: &str) -> Option<String> {
        Some(match crate::diag::nearest(text, chords::names()) {
            Some(name) => format!("did you mean `{name}`?"),
            None => "chord names are Tidal's (`maj`, `min7`, `dim`, `sus4`, ...): \
                     see the chord table in docs/language.md"
                .to_string(),
        })
    }
}

/// The modifiers of one `'` part of a chord (`'ii`, `'o`, `'d1`, `'8`).
#[derive(Clone, Debug)]
struct Mods(Arc<[Modifier]>);

impl Leaf for Mods {
    fn from_atom(_kind: AtomKind, text: &str) -> Result<Mods, String> {
        chords::parse_modifiers(text).map(|m| Mods(m.into()))
    }

    // Tidal's `[Modifier]` instance: the two ends as two steps.
    fn enum_from_to(a: &Mods, b: &Mods) -> Option<Pattern<Mods>> {
        Some(list(vec![a.clone(), b.clone()]))
    }
}

/// Tidal's `chordToPatSeq`: for each root and each name (bound with `unwrap`, so
/// wholes intersect), the chord's notes above the root, each modifier pattern bound
/// in turn, then one event per note with the chord's whole.
fn chord_notes(root: Pattern<Root>, name: Pattern<ChordName>, mods: Vec<Pattern<Mods>>) -> Pattern<Value> {
    let mods: Arc<[Pattern<Mods>]> = mods.into();
    let chords = root
        .fmap(move |r: &Root| {
            let (r, mods) = (r.0, mods.clone());
            name.clone()
                .fmap(move |n: &ChordName| {
                    let notes: Vec<f64> = n.0.iter().map(|x| r + f64::from(*x)).collect();
                    // `applyModifierPatSeq`: `do ch <- pat; ms <- modsP; return ...`.
                    mods.iter().fold(Pattern::pure(Arc::from(notes)), |pat, m| {
                        let m = m.clone();
                        pat.fmap(move |ch: &Arc<[f64]>| {
                            let ch = ch.clone();
                            m.clone()
                                .fmap(move |ms: &Mods| {
                                    let out = ms.0.iter().fold(ch.to_vec(), |notes, m| {
                                        chords::apply(*m, &notes)
                                    });
                                    Pattern::pure(Arc::<[f64]>::from(out))
                                })
                                .unwrap_join()
                        })
                        .unwrap_join()
                    })
                })
                .unwrap_join()
        })
        .unwrap_join();
    chords::uncollect(chords).fmap(|x: &f64| Value::Num(*x))
}

/// Haskell's `enumFromTo` on `Double`, as Tidal's `enumFromTo'` uses it: `a, a+1, ...`
/// up to `b + 1/2`, reversed when `a > b`.
fn float_range<T: PatValue>(a: f64, b: f64, wrap: fn(f64) -> T) -> Option<Pattern<T>> {
    let (lo, hi, reversed) = if a > b { (b, a, true) } else { (a, b, false) };
    let limit = hi + 0.5;
    let span = (limit - lo).floor();
    if !span.is_finite() || span >= MAX_STEPS as f64 {
        return None;
    }
    let mut count = span as i64 + 1;
    while count > 0 && lo + (count - 1) as f64 > limit {
        count -= 1;
    }
    Some(indexed(count, move |i| {
        let k = if reversed { count - 1 - i } else { i };
        wrap(lo + k as f64)
    }))
}

impl Leaf for Rational {
    fn from_atom(kind: AtomKind, text: &str) -> Result<Rational, String> {
        match kind {
            AtomKind::Word => Err(format!("expected a number here, found `{text}`")),
            AtomKind::Num => {
                parse_rational(text).ok_or_else(|| format!("number `{text}` is out of range"))
            }
        }
    }

    fn enum_from_to(a: &Rational, b: &Rational) -> Option<Pattern<Rational>> {
        let (lo, hi, reversed) = if a > b {
            (*b, *a, true)
        } else {
            (*a, *b, false)
        };
        let span = (hi + Rational::new(1, 2) - lo).floor_int();
        if span >= MAX_STEPS {
            return None;
        }
        let count = span + 1;
        Some(indexed(count, move |i| {
            let k = if reversed { count - 1 - i } else { i };
            lo + Rational::from_int(k)
        }))
    }
}

impl Leaf for i64 {
    fn from_atom(kind: AtomKind, text: &str) -> Result<i64, String> {
        match kind {
            AtomKind::Word => Err(format!("expected a whole number here, found `{text}`")),
            AtomKind::Num => match parse_rational(text) {
                Some(r) if r.denom() == 1 => Ok(r.numer()),
                Some(_) => Err(format!("expected a whole number here, found `{text}`")),
                None => Err(format!("number `{text}` is out of range")),
            },
        }
    }

    fn enum_from_to(a: &i64, b: &i64) -> Option<Pattern<i64>> {
        let (lo, hi, reversed) = if a > b {
            (*b, *a, true)
        } else {
            (*a, *b, false)
        };
        let span = hi.checked_sub(lo)?;
        if span >= MAX_STEPS {
            return None;
        }
        let count = span + 1;
        Some(indexed(
            count,
            move |i| {
                if reversed {
                    hi - i
                } else {
                    lo + i
                }
            },
        ))
    }
}

fn list<T: PatValue>(values: Vec<T>) -> Pattern<T> {
    let values: Arc<[T]> = values.into();
    let n = values.len() as i64;
    indexed(n, move |i| values[i as usize % values.len()].clone())
}

/// `n` equal steps per cycle, step `i` holding `value(i)` (Tidal's `fastFromList`),
/// computing only the steps a query touches.
fn indexed<T: PatValue>(n: i64, value: impl Fn(i64) -> T + Send + Sync + 'static) -> Pattern<T> {
    if n <= 0 {
        return Pattern::silence();
    }
    let nr = Rational::from_int(n);
    Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
        for piece in span.cycles() {
            let cycle = piece.begin.sam();
            let first = ((piece.begin - cycle) * nr).floor_int().clamp(0, n - 1);
            let last = ((piece.end - cycle) * nr)
                .ceil()
                .floor_int()
                .clamp(first, n);
            for i in first..=last.min(n - 1) {
                // Steps made without a query: each spends a unit of the query's work.
                if !crate::time::step() {
                    return;
                }
                let whole = Span::new(cycle + Rational::new(i, n), cycle + Rational::new(i + 1, n));
                if let Some(part) = whole.sub_span(piece) {
                    out.push(Event {
                        whole: Some(whole),
                        part,
                        value: value(i),
                    });
                }
            }
        }
    })
}

fn atom_error<T: Leaf>(node: &Node, text: &str, message: String) -> MiniError {
    let e = MiniError::new(message, node.start, node.end);
    match T::atom_hint(text) {
        Some(hint) => e.with_hint(hint),
        None => e,
    }
}

/// A number that needs no pattern: an atom, or a sequence of just one.
fn constant<T: Leaf>(node: &Node) -> Result<Option<T>, MiniError> {
    match node.as_single_atom() {
        Some((kind, text)) => T::from_atom(kind, text)
            .map(Some)
            .map_err(|m| atom_error::<T>(node, text, m)),
        None => Ok(None),
    }
}

/// The random stream Tidal gives the seed-th `?` or `|`: `rotL (0.0001 * seed) rand`.
fn seeded_rand(seed: u32) -> Pattern<f64> {
    rand().early(Rational::new(i64::from(seed), 10_000))
}

/// Whether speeding up by `k` stays within [`MAX_SPEED`].
fn speed_ok(k: Rational) -> bool {
    k.abs() <= Rational::from_int(MAX_SPEED)
}

fn fast_checked<T: PatValue>(k: Rational, pat: Pattern<T>) -> Pattern<T> {
    if speed_ok(k) {
        pat.fast(k)
    } else {
        Pattern::silence()
    }
}

fn slow_checked<T: PatValue>(k: Rational, pat: Pattern<T>) -> Pattern<T> {
    if k.is_zero() {
        Pattern::silence()
    } else {
        fast_checked(k.recip(), pat)
    }
}

fn too_fast(node: &Node) -> MiniError {
    MiniError::new(
        format!("factor too large: at most {MAX_SPEED} times faster"),
        node.start,
        node.end,
    )
}

fn build<T: Leaf>(node: &Node, depth: usize) -> Result<Pattern<T>, MiniError> {
    if depth > MAX_DEPTH {
        return Err(MiniError::new(
            "pattern is nested too deeply",
            node.start,
            node.end,
        ));
    }
    let d = depth + 1;
    Ok(match &node.kind {
        Kind::Atom(kind, text) => {
            Pattern::pure(T::from_atom(*kind, text).map_err(|m| atom_error::<T>(node, text, m))?)
        }
        Kind::Rest => Pattern::silence(),
        Kind::Seq(steps) => {
            let mut parts = Vec::new();
            for step in steps {
                if step.count == 0 {
                    continue;
                }
                let pat = build::<T>(&step.node, d)?;
                for _ in 0..step.count {
                    parts.push((step.weight, pat.clone()));
                }
            }
            timecat(parts)
        }
        Kind::Stack(nodes) => stack(
            nodes
                .iter()
                .map(|n| build::<T>(n, d))
                .collect::<Result<_, _>>()?,
        ),
        Kind::Choose { seed, alternatives } => {
            let pats: Vec<Pattern<T>> = alternatives
                .iter()
                .map(|n| build::<T>(n, d))
                .collect::<Result<_, _>>()?;
            // `unwrap $ segment 1 $ chooseBy (rotL (0.0001 * seed) rand) xs`
            segment(Rational::ONE, choose_by(seeded_rand(*seed), pats)).unwrap_join()
        }
        Kind::Poly { steps, layers } => {
            let rate: Result<Rational, Pattern<Rational>> = match steps {
                PolySteps::One => Ok(Rational::ONE),
                PolySteps::FirstLayer => {
                    Ok(layers.first().map_or(Rational::ZERO, Node::step_count))
                }
                PolySteps::Given(n) => match constant::<Rational>(n)? {
                    Some(k) => Ok(k),
                    None => Err(build::<Rational>(n, d)?),
                },
            };
            let mut pats = Vec::with_capacity(layers.len());
            for layer in layers {
                let size = layer.step_count();
                let pat = build::<T>(layer, d)?;
                if size.is_zero() {
                    // Tidal divides by zero here; an empty layer is silent.
                    continue;
                }
                pats.push(match &rate {
                    Ok(k) => {
                        if !speed_ok(*k / size) {
                            return Err(too_fast(node));
                        }
                        pat.fast(*k / size).split_queries()
                    }
                    Err(rate) => {
                        patternify(rate.clone(), pat, move |k, p| fast_checked(*k / size, p))
                    }
                });
            }
            stack(pats)
        }
        Kind::Fast(factor, pat) | Kind::Slow(factor, pat) => {
            let is_fast = matches!(node.kind, Kind::Fast(..));
            let pat = build::<T>(pat, d)?;
            match constant::<Rational>(factor)? {
                Some(k) => {
                    let speed = if is_fast || k.is_zero() { k } else { k.recip() };
                    if !speed_ok(speed) {
                        return Err(too_fast(factor));
                    }
                    pat.fast(speed).split_queries()
                }
                None => {
                    let factor = build::<Rational>(factor, d)?;
                    if is_fast {
                        patternify(factor, pat, |k, p| fast_checked(*k, p))
                    } else {
                        patternify(factor, pat, |k, p| slow_checked(*k, p))
                    }
                }
            }
        }
        Kind::Degrade { seed, amount, pat } => {
            degrade_by_using(seeded_rand(*seed), *amount, build::<T>(pat, d)?)
        }
        Kind::Euclid {
            hits,
            steps,
            rotation,
            pat,
        } => {
            let pat = build::<T>(pat, d)?;
            let constants = (
                constant::<i64>(hits)?,
                constant::<i64>(steps)?,
                match rotation {
                    Some(r) => constant::<i64>(r)?,
                    None => Some(0),
                },
            );
            match constants {
                (Some(n), Some(k), Some(s)) => euclid_off(n, k, s, pat),
                _ => {
                    // Tidal's `tParam3`: the arguments combined with `<*>`, inner-joined.
                    let n = build::<i64>(hits, d)?;
                    let k = build::<i64>(steps, d)?;
                    let s = match rotation {
                        Some(r) => build::<i64>(r, d)?,
                        None => Pattern::pure(0),
                    };
                    let nk = app(Structure::Both, n, k, |a: &i64, b: &i64| (*a, *b));
                    let nks = app(Structure::Both, nk, s, |ab: &(i64, i64), c: &i64| {
                        (ab.0, ab.1, *c)
                    });
                    nks.fmap(move |&(n, k, s)| euclid_off(n, k, s, pat.clone()))
                        .inner_join()
                }
            }
        }
        Kind::Chord {
            root,
            name,
            modifiers,
        } => {
            let root = match root {
                Some(r) => build::<Root>(r, d)?,
                None => Pattern::pure(Root(0.0)),
            };
            let name = build::<ChordName>(name, d)?;
            let mods = modifiers
                .iter()
                .map(|m| build::<Mods>(m, d))
                .collect::<Result<_, _>>()?;
            T::chord(chord_notes(root, name, mods), node)?
        }
        Kind::Range(from, to) => {
            let consts = (constant::<T>(from)?, constant::<T>(to)?);
            if let (Some(a), Some(b)) = consts {
                T::enum_from_to(&a, &b).ok_or_else(|| {
                    MiniError::new(
                        format!("range too long (at most {MAX_STEPS} steps)"),
                        node.start,
                        node.end,
                    )
                })?
            } else {
                // `unwrap $ fromTo <$> a <*> b`
                let a = build::<T>(from, d)?;
                let b = build::<T>(to, d)?;
                app(Structure::Both, a, b, |x: &T, y: &T| {
                    T::enum_from_to(x, y).unwrap_or_else(Pattern::silence)
                })
                .unwrap_join()
            }
        }
    })
}

/// Tidal's Bjorklund on `(hits, steps)` including its edge cases: more hits than
/// steps (or a negative step count) gives `hits` onsets, and negative hits give the
/// complement (`_euclid` with a negative count).
fn tidal_bjorklund(hits: i64, steps: i64) -> Vec<bool> {
    let n = hits.unsigned_abs().min(MAX_STEPS as u64) as i64;
    let base = if steps > 0 && n < steps {
        if steps > MAX_STEPS {
            return Vec::new();
        }
        bjorklund(n, steps)
    } else {
        vec![true; n as usize]
    };
    if hits < 0 {
        base.into_iter().map(|b| !b).collect()
    } else {
        base
    }
}

/// Tidal's `_euclidOff`: `rotL (rotation % steps) (_euclid hits steps pat)`; zero
/// steps is silence.
fn euclid_off<T: PatValue>(hits: i64, steps: i64, rotation: i64, pat: Pattern<T>) -> Pattern<T> {
    if steps == 0 {
        return Pattern::silence();
    }
    let bools = tidal_bjorklund(hits, steps);
    if bools.iter().all(|b| !b) {
        return Pattern::silence();
    }
    let items = bools
        .into_iter()
        .map(|b| if b { pat.clone() } else { Pattern::silence() })
        .collect();
    fastcat(items).early(Rational::new(rotation, steps))
}
