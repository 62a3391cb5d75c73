//! Patterns: functions from a span of cycles to the events active in it, with
//! TidalCycles' semantics.
//!
//! A [`Pattern`] is a shared query closure. Queries append to a caller-owned vector
//! instead of returning a fresh one, so a block-by-block runtime can reuse one buffer
//! and most combinators (stack, cat, time shifts, value maps, filters) work in place
//! on the events their inner pattern appended, without intermediate vectors.
//!
//! This module holds the core that everything else is built from; the transforms of
//! the language live in [`transforms`], randomness in [`random`].

pub mod chords;
pub mod continuous;
pub mod euclid;
pub mod random;
pub mod transforms;
pub mod value;

use std::sync::Arc;

use crate::time::{query_guard, QueryFault, Rational, Span};

/// The work a checked query may do per cycle it spans: one unit per event made,
/// cycle walked and sub-query asked. Ordinary patterns use about one unit per event,
/// so this is some 260,000 events per cycle.
pub const WORK_PER_CYCLE: u64 = 1 << 18;

/// The least work any checked query may do, however short its span: a block of
/// playback is a small part of a cycle (1/86 at 1 cycle per second), and its events
/// need not be spread evenly over the cycle.
pub const MIN_WORK_PER_QUERY: u64 = 1 << 14;

/// The work budget of a checked query over `span`: [`WORK_PER_CYCLE`] in proportion
/// to the cycles it spans (rounded up), and at least [`MIN_WORK_PER_QUERY`]. A bomb
/// in one block so costs in proportion to the block, not to a whole cycle.
pub fn work_budget(span: Span) -> u64 {
    let cycles = (span.end - span.begin).to_f64().max(0.0);
    let units = (cycles * WORK_PER_CYCLE as f64).ceil();
    // `as` saturates a float too large for u64 (and maps NaN to 0).
    (units as u64).max(MIN_WORK_PER_QUERY)
}

/// An event: a value active over `part`, which is a fragment of the event's `whole`
/// timespan. A continuous (analog) value has no whole.
#[derive(Clone, PartialEq, Debug)]
pub struct Event<T> {
    pub whole: Option<Span>,
    pub part: Span,
    pub value: T,
}

impl<T> Event<T> {
    /// The whole if there is one, else the part (Tidal's `wholeOrPart`).
    pub fn whole_or_part(&self) -> Span {
        self.whole.unwrap_or(self.part)
    }

    /// True when this fragment contains the event's beginning (Tidal's `hasOnset`).
    pub fn has_onset(&self) -> bool {
        matches!(self.whole, Some(w) if w.begin == self.part.begin)
    }

    pub fn with_value<U>(self, value: U) -> Event<U> {
        Event {
            whole: self.whole,
            part: self.part,
            value,
        }
    }
}

type Query<T> = dyn Fn(Span, &mut Vec<Event<T>>) + Send + Sync;

/// A pattern of values of type `T`.
///
/// `pure` marks a pattern known to be `Pattern::pure(v)`: one event per cycle holding
/// `v` (Tidal 1.9.10's `pureValue` field). It is set by [`Pattern::pure`] and kept by
/// the operations that map a pure pattern to another one exactly ([`Pattern::fmap`],
/// [`Pattern::map_values`], [`app`] of two pure patterns, `fast 1`, `early 0`), and it
/// lets [`patternify`] call the plain function directly (Tidal 1.9.10's
/// `tParam f (pure a) p = f a p`).
pub struct Pattern<T> {
    query: Arc<Query<T>>,
    pure: Option<Arc<T>>,
}

impl<T> Clone for Pattern<T> {
    fn clone(&self) -> Self {
        Pattern {
            query: self.query.clone(),
            pure: self.pure.clone(),
        }
    }
}

impl<T> std::fmt::Debug for Pattern<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pattern")
    }
}

/// Values a pattern can carry: cheap to clone and shareable across threads.
pub trait PatValue: Clone + Send + Sync + 'static {}
impl<T: Clone + Send + Sync + 'static> PatValue for T {}

impl<T: PatValue> Pattern<T> {
    pub fn new(query: impl Fn(Span, &mut Vec<Event<T>>) + Send + Sync + 'static) -> Self {
        Pattern {
            query: Arc::new(query),
            pure: None,
        }
    }

    /// The value of a pattern known to be `Pattern::pure(value)` (Tidal's
    /// `pureValue`); `None` when the pattern may be anything else.
    pub fn pure_value(&self) -> Option<&T> {
        self.pure.as_deref()
    }

    /// Appends the events active during `span` to `out` (nothing once the running
    /// query's work budget is spent; see [`Pattern::query_checked`]).
    pub fn query_into(&self, span: Span, out: &mut Vec<Event<T>>) {
        if crate::time::step() {
            (self.query)(span, out)
        }
    }

    /// The events active during `span`, in the order the pattern produces them.
    pub fn query(&self, span: Span) -> Vec<Event<T>> {
        let mut out = Vec::new();
        self.query_into(span, &mut out);
        out
    }

    /// Like [`Pattern::query`] but bounded: exact-time overflow, or more work than
    /// [`work_budget`] allows for `span`, is an error.
    pub fn query_checked(&self, span: Span) -> Result<Vec<Event<T>>, QueryFault> {
        let mut out = Vec::new();
        self.query_checked_into(span, &mut out)?;
        Ok(out)
    }

    /// [`Pattern::query_checked`] appending to `out`; on an error, what `out` holds
    /// past its old length is partial.
    pub fn query_checked_into(
        &self,
        span: Span,
        out: &mut Vec<Event<T>>,
    ) -> Result<(), QueryFault> {
        query_guard(work_budget(span), || self.query_into(span, out))
    }

    /// The pattern with no events.
    pub fn silence() -> Self {
        Pattern::new(|_, _| {})
    }

    /// One event per cycle holding `value` (Tidal's `pure`).
    pub fn pure(value: T) -> Self {
        let marker = Arc::new(value.clone());
        let mut pat = Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
            for piece in span.cycles() {
                out.push(Event {
                    whole: Some(piece.whole_cycle()),
                    part: piece,
                    value: value.clone(),
                });
            }
        });
        pat.pure = Some(marker);
        pat
    }

    /// A continuous pattern: the value for a query is `f` of the query's midpoint
    /// (Tidal's `sig`).
    pub fn signal(f: impl Fn(Rational) -> T + Send + Sync + 'static) -> Self {
        Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
            if span.begin > span.end {
                return;
            }
            let mid = span.begin + (span.end - span.begin) / Rational::from_int(2);
            out.push(Event {
                whole: None,
                part: span,
                value: f(mid),
            });
        })
    }

    /// Splits every query at cycle boundaries, so the inner query sees one cycle at a
    /// time.
    pub fn split_queries(self) -> Self {
        Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
            for piece in span.cycles() {
                self.query_into(piece, out);
            }
        })
    }

    pub fn with_query_span(self, f: impl Fn(Span) -> Span + Send + Sync + 'static) -> Self {
        Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| self.query_into(f(span), out))
    }

    pub fn with_query_time(self, f: impl Fn(Rational) -> Rational + Send + Sync + 'static) -> Self {
        self.with_query_span(move |s| s.with_time(&f))
    }

    /// Maps the whole and the part of every event.
    pub fn with_event_span(self, f: impl Fn(Span) -> Span + Send + Sync + 'static) -> Self {
        Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
            let start = out.len();
            self.query_into(span, out);
            for e in &mut out[start..] {
                e.part = f(e.part);
                e.whole = e.whole.map(&f);
            }
        })
    }

    pub fn with_event_time(self, f: impl Fn(Rational) -> Rational + Send + Sync + 'static) -> Self {
        self.with_event_span(move |s| s.with_time(&f))
    }

    /// Applies `f` to every event's value.
    ///
    /// On a pure pattern `f` is applied once, here, and the result is pure.
    pub fn fmap<U: PatValue>(self, f: impl Fn(&T) -> U + Send + Sync + 'static) -> Pattern<U> {
        if let Some(v) = self.pure_value() {
            return Pattern::pure(f(v));
        }
        Pattern::new(move |span: Span, out: &mut Vec<Event<U>>| {
            let mut inner = Vec::new();
            self.query_into(span, &mut inner);
            out.extend(inner.into_iter().map(|e| {
                let v = f(&e.value);
                e.with_value(v)
            }));
        })
    }

    /// Rewrites every event's value in place; cheaper than [`Pattern::fmap`] when the
    /// type stays the same.
    pub fn map_values(self, f: impl Fn(&mut T) + Send + Sync + 'static) -> Self {
        if let Some(v) = self.pure_value() {
            let mut v = v.clone();
            f(&mut v);
            return Pattern::pure(v);
        }
        Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
            let start = out.len();
            self.query_into(span, out);
            for e in &mut out[start..] {
                f(&mut e.value);
            }
        })
    }

    /// Keeps the events for which `keep` is true.
    pub fn filter_events(self, keep: impl Fn(&Event<T>) -> bool + Send + Sync + 'static) -> Self {
        Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
            let start = out.len();
            self.query_into(span, out);
            retain_from(out, start, &keep);
        })
    }

    pub fn filter_values(self, keep: impl Fn(&T) -> bool + Send + Sync + 'static) -> Self {
        self.filter_events(move |e| keep(&e.value))
    }

    /// Speeds the pattern up by `factor` (Tidal's `_fast`): 0 is silence and a negative
    /// factor also reverses.
    pub fn fast(self, factor: Rational) -> Self {
        if factor.is_zero() {
            return Pattern::silence();
        }
        if factor.is_negative() {
            return self.fast(-factor).rev();
        }
        if factor == Rational::ONE {
            return self;
        }
        // `with_query_time(t * factor)` then `with_event_time(t / factor)`, in one layer.
        Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
            let start = out.len();
            self.query_into(span.with_time(|t| t * factor), out);
            for e in &mut out[start..] {
                e.part = e.part.with_time(|t| t / factor);
                e.whole = e.whole.map(|w| w.with_time(|t| t / factor));
            }
        })
    }

    /// Slows the pattern down by `factor` (Tidal's `_slow`).
    pub fn slow(self, factor: Rational) -> Self {
        if factor.is_zero() {
            return Pattern::silence();
        }
        self.fast(Rational::ONE / factor)
    }

    /// Shifts the pattern earlier by `t` cycles (Tidal's `rotL`, `<~`).
    pub fn early(self, t: Rational) -> Self {
        if t.is_zero() {
            return self;
        }
        // `with_query_time(x + t)` then `with_event_time(x - t)`, in one layer.
        Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
            let start = out.len();
            self.query_into(span.with_time(|x| x + t), out);
            for e in &mut out[start..] {
                e.part = e.part.with_time(|x| x - t);
                e.whole = e.whole.map(|w| w.with_time(|x| x - t));
            }
        })
    }

    /// Shifts the pattern later by `t` cycles (Tidal's `rotR`, `~>`).
    pub fn late(self, t: Rational) -> Self {
        self.early(-t)
    }

    /// Reverses every cycle (Tidal's `rev`).
    pub fn rev(self) -> Self {
        Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
            let cycle = span.begin.sam();
            let next = span.begin.next_sam();
            let mirror = cycle + next;
            let reflect = |s: Span| Span::new(mirror - s.end, mirror - s.begin);
            let start = out.len();
            self.query_into(reflect(span), out);
            for e in &mut out[start..] {
                let part = e.part;
                let new_part = reflect(part);
                e.whole = e.whole.map(|w| {
                    // Keep the whole's overhang on each side, mirrored.
                    let before = part.begin - w.begin;
                    let after = w.end - part.end;
                    Span::new(new_part.begin - after, new_part.end + before)
                });
                e.part = new_part;
            }
        })
        .split_queries()
    }

    /// Squashes each cycle into its first `1/factor` and leaves the rest silent
    /// (Tidal's `_fastGap`). Factors below 1 act as 1.
    pub fn fast_gap(self, factor: Rational) -> Self {
        if factor.is_zero() || factor.is_negative() {
            return Pattern::silence();
        }
        let r = factor.max(Rational::ONE);
        Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
            let munge = |t: Rational| t.sam() + (r * t.cycle_pos()).min(Rational::ONE);
            let inner = Span::new(munge(span.begin), munge(span.end));
            if inner.begin == span.begin.next_sam() {
                return;
            }
            let unmunge = |s: Span| {
                let sam = s.begin.sam();
                Span::new(sam + s.begin.cycle_pos() / r, sam + (s.end - sam) / r)
            };
            let start = out.len();
            self.query_into(inner, out);
            for e in &mut out[start..] {
                e.part = unmunge(e.part);
                e.whole = e.whole.map(unmunge);
            }
            // The query may have been widened; keep what falls inside the real span.
            let mut write = start;
            for read in start..out.len() {
                if let Some(part) = out[read].part.sub_span(span) {
                    out[read].part = part;
                    if write != read {
                        out.swap(write, read);
                    }
                    write += 1;
                }
            }
            out.truncate(write);
        })
        .split_queries()
    }

    /// Squeezes each cycle into the span `[begin, end)` of the cycle, leaving the rest
    /// silent (Tidal's `compressArc`). Spans outside `[0, 1]` give silence.
    pub fn compress(self, begin: Rational, end: Rational) -> Self {
        let (zero, one) = (Rational::ZERO, Rational::ONE);
        if begin > end || begin > one || end > one || begin < zero || end < zero || begin == end {
            return Pattern::silence();
        }
        self.fast_gap(one / (end - begin)).late(begin)
    }

    /// Plays only the span `[begin, end)` of each cycle, stretched to fill the cycle
    /// (Tidal's `zoomArc`).
    pub fn zoom(self, begin: Rational, end: Rational) -> Self {
        let d = end - begin;
        if !d.is_positive() {
            return Pattern::silence();
        }
        self.with_query_span(move |s| {
            let sam = s.begin.sam();
            Span::new(
                sam + (s.begin - sam) * d + begin,
                sam + (s.end - sam) * d + begin,
            )
        })
        .with_event_span(move |s| {
            let sam = s.begin.sam();
            Span::new(
                sam + (s.begin - sam - begin) / d,
                sam + (s.end - sam - begin) / d,
            )
        })
        .split_queries()
    }

    /// Like [`Pattern::compress`] but the focused span may be larger than a cycle and
    /// nothing is left silent (Tidal's `focusArc`, used by `squeezeJoin`).
    pub fn focus(self, begin: Rational, end: Rational) -> Self {
        let d = end - begin;
        if !d.is_positive() {
            return Pattern::silence();
        }
        self.fast_gap(Rational::ONE / d).late(begin.cycle_pos())
    }

    /// `app(Structure::Left, self, Pattern::pure(b), g)` where `f(a, b)` does
    /// `*a = g(a, b)` (`# pan 1`, `|* gain 0.6`), computed in place: the same events
    /// in the same order, without a second buffer.
    pub fn app_left_pure<B: PatValue>(
        self,
        b: B,
        f: impl Fn(&mut T, &B) + Send + Sync + 'static,
    ) -> Self {
        if let Some(a) = self.pure_value() {
            let mut a = a.clone();
            f(&mut a, &b);
            return Pattern::pure(a);
        }
        Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
            let start = out.len();
            self.query_into(span, out);
            // The pure side's events over an event's whole are the whole's cycle
            // pieces; an event whose whole is inside one cycle keeps its part.
            let in_one_cycle = |e: &Event<T>| {
                let w = e.whole_or_part();
                w.begin <= w.end && (w.end <= w.begin.next_sam() || w.begin == w.end)
            };
            if out[start..].iter().all(in_one_cycle) {
                let mut write = start;
                for read in start..out.len() {
                    let e = &mut out[read];
                    if let Some(part) = e.part.sub_span(e.whole_or_part()) {
                        e.part = part;
                        f(&mut e.value, &b);
                        if write != read {
                            out.swap(write, read);
                        }
                        write += 1;
                    }
                }
                out.truncate(write);
                return;
            }
            let lefts: Vec<Event<T>> = out.drain(start..).collect();
            for l in &lefts {
                for piece in l.whole_or_part().cycles() {
                    if let Some(part) = l.part.sub_span(piece) {
                        let mut value = l.value.clone();
                        f(&mut value, &b);
                        out.push(Event {
                            whole: l.whole,
                            part,
                            value,
                        });
                    }
                }
            }
        })
    }

    /// Plays the first cycle of the pattern in every cycle.
    pub fn first_cycle_repeated(self) -> Self {
        Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
            for piece in span.cycles() {
                let cycle = piece.begin.sam();
                let start = out.len();
                self.query_into(piece.with_time(|t| t - cycle), out);
                for e in &mut out[start..] {
                    e.part = e.part.with_time(|t| t + cycle);
                    e.whole = e.whole.map(|w| w.with_time(|t| t + cycle));
                }
            }
        })
    }
}

/// Removes, from `out[start..]`, the events for which `keep` is false, keeping order.
pub(crate) fn retain_from<T>(
    out: &mut Vec<Event<T>>,
    start: usize,
    keep: impl Fn(&Event<T>) -> bool,
) {
    let mut write = start;
    for read in start..out.len() {
        if keep(&out[read]) {
            if write != read {
                out.swap(write, read);
            }
            write += 1;
        }
    }
    out.truncate(write);
}

/// Cuts the parts of `out[start..]` to `span` (Tidal's `innerJoin` munge: `subArc`
/// twice), dropping the events that do not meet it, keeping order.
fn clip_parts_from<T>(out: &mut Vec<Event<T>>, start: usize, span: Span) {
    let mut write = start;
    for read in start..out.len() {
        let keep = out[read].part.sub_span(span).and_then(|p| p.sub_span(span));
        if let Some(part) = keep {
            out[read].part = part;
            if write != read {
                out.swap(write, read);
            }
            write += 1;
        }
    }
    out.truncate(write);
}

/// Plays all the patterns at once.
pub fn stack<T: PatValue>(pats: Vec<Pattern<T>>) -> Pattern<T> {
    match pats.len() {
        0 => Pattern::silence(),
        1 => pats.into_iter().next().unwrap_or_else(Pattern::silence),
        _ => Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
            for p in &pats {
                p.query_into(span, out);
            }
        }),
    }
}

/// Concatenates the patterns one cycle each, in turn (Tidal's `cat`/`slowcat`). Each
/// pattern keeps its own cycle count: the second pattern of two plays its cycles 0, 1,
/// 2, ... in cycles 1, 3, 5, ...
pub fn slowcat<T: PatValue>(pats: Vec<Pattern<T>>) -> Pattern<T> {
    if pats.is_empty() {
        return Pattern::silence();
    }
    if pats.len() == 1 {
        return pats.into_iter().next().unwrap_or_else(Pattern::silence);
    }
    let n = pats.len() as i64;
    Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
        for piece in span.cycles() {
            // In i128: near the ends of the i64 range the subtraction could overflow.
            let cycle = piece.begin.floor_int() as i128;
            let i = cycle.rem_euclid(n as i128);
            let offset = (cycle - (cycle - i).div_euclid(n as i128))
                .clamp(-(i64::MAX as i128), i64::MAX as i128);
            let offset = Rational::from_int(offset as i64);
            let i = i as i64;
            let start = out.len();
            pats[i as usize].query_into(piece.with_time(|t| t - offset), out);
            for e in &mut out[start..] {
                e.part = e.part.with_time(|t| t + offset);
                e.whole = e.whole.map(|w| w.with_time(|t| t + offset));
            }
        }
    })
}

/// Concatenates the patterns, all in one cycle, each an equal share (Tidal's
/// `fastcat`).
pub fn fastcat<T: PatValue>(pats: Vec<Pattern<T>>) -> Pattern<T> {
    let n = pats.len() as i64;
    if n == 0 {
        return Pattern::silence();
    }
    slowcat(pats).fast(Rational::from_int(n))
}

/// Concatenates weighted patterns into one cycle, each taking its weight's share
/// (Tidal's `timeCat`); a query runs only the steps that overlap it.
pub fn timecat<T: PatValue>(parts: Vec<(Rational, Pattern<T>)>) -> Pattern<T> {
    let total = parts.iter().fold(Rational::ZERO, |acc, (w, _)| acc + *w);
    if !total.is_positive() {
        return Pattern::silence();
    }
    if parts.len() == 1 {
        // `compress (0, 1)`: only splits queries at cycle boundaries.
        return parts
            .into_iter()
            .next()
            .map_or_else(Pattern::silence, |(_, p)| p.split_queries());
    }
    let contiguous = parts.iter().all(|(w, _)| w.is_positive());
    let mut entries: Vec<(Span, Pattern<T>)> = Vec::with_capacity(parts.len());
    let mut begin = Rational::ZERO;
    for (w, p) in parts {
        let end = begin + w;
        let (b, e) = (begin / total, end / total);
        if b < e && b >= Rational::ZERO && e <= Rational::ONE {
            entries.push((Span::new(b, e), p.compress(b, e)));
        }
        begin = end;
    }
    Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
        for piece in span.cycles() {
            let rel = piece.cycle_relative();
            let from = if contiguous {
                entries.partition_point(|(s, _)| s.end <= rel.begin)
            } else {
                0
            };
            for (s, p) in entries.iter().skip(from) {
                if contiguous && (s.begin > rel.end || (s.begin == rel.end && rel.begin < rel.end))
                {
                    break;
                }
                if s.sub_span(rel).is_some() {
                    p.query_into(piece, out);
                }
            }
        }
    })
}

/// Intersection of two optional wholes (Tidal's `subMaybeArc`): `Err(())` when both
/// exist and do not meet.
fn sub_whole(a: Option<Span>, b: Option<Span>) -> Result<Option<Span>, ()> {
    match (a, b) {
        (Some(a), Some(b)) => a.sub_span(b).map(Some).ok_or(()),
        _ => Ok(None),
    }
}

/// Moves the inner events to `out`, cut to where they meet an outer event with
/// `whole` and `part` (wholes and parts intersected, Tidal's `unwrap`/`squeezeJoin`).
fn push_where_they_meet<T>(
    whole: Option<Span>,
    part: Span,
    inner: &mut Vec<Event<T>>,
    out: &mut Vec<Event<T>>,
) {
    for i in inner.drain(..) {
        let Ok(w) = sub_whole(whole, i.whole) else {
            continue;
        };
        if let Some(p) = part.sub_span(i.part) {
            out.push(Event {
                whole: w,
                part: p,
                value: i.value,
            });
        }
    }
}

impl<T: PatValue> Pattern<Pattern<T>> {
    /// Structure comes from the inner patterns, queried where the outer events are
    /// (Tidal's `innerJoin`): used for pattern-valued arguments.
    pub fn inner_join(self) -> Pattern<T> {
        if let Some(inner) = self.pure.clone() {
            // A constant outer pattern: its events over a span are the span's cycle
            // pieces, each holding `inner`. Same events as below, without querying
            // the outer pattern (and the inner pattern is built once, by `fmap`).
            return Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
                for piece in span.cycles() {
                    let start = out.len();
                    inner.query_into(piece, out);
                    clip_parts_from(out, start, span);
                }
            });
        }
        Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
            let mut outer = Vec::new();
            self.query_into(span, &mut outer);
            for o in outer {
                let start = out.len();
                o.value.query_into(o.part, out);
                clip_parts_from(out, start, span);
            }
        })
    }

    /// Structure from both: inner events are kept where they meet the outer event
    /// (Tidal's `unwrap`, the monadic join).
    pub fn unwrap_join(self) -> Pattern<T> {
        Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
            let mut outer = Vec::new();
            self.query_into(span, &mut outer);
            let mut inner = Vec::new();
            for o in outer {
                inner.clear();
                o.value.query_into(o.part, &mut inner);
                push_where_they_meet(o.whole, o.part, &mut inner, out);
            }
        })
    }

    /// Each inner pattern's cycle is squeezed into its outer event (Tidal's
    /// `squeezeJoin`): used by `ply`, `inside`, squeezed sequences.
    pub fn squeeze_join(self) -> Pattern<T> {
        Pattern::new(move |span: Span, out: &mut Vec<Event<T>>| {
            let mut outer = Vec::new();
            self.query_into(span, &mut outer);
            let mut inner = Vec::new();
            for o in outer {
                let w = o.whole_or_part();
                inner.clear();
                o.value
                    .clone()
                    .focus(w.begin, w.end)
                    .query_into(o.part, &mut inner);
                push_where_they_meet(o.whole, o.part, &mut inner, out);
            }
        })
    }
}

/// Where the structure (the wholes) of a combination of two patterns comes from.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum Structure {
    /// `+`, `|+|`: events where both have one, wholes intersected.
    Both,
    /// `|+`, `#`: the left pattern's events, values sampled from the right.
    Left,
    /// `+|`: the right pattern's events, values sampled from the left.
    Right,
    /// Tidal's `squeeze` (`||+`): each left event holds a squeezed cycle of the right.
    Squeeze,
}

/// Combines two patterns' values with `f`, taking structure as `structure` says
/// (Tidal's `appBoth`, `appLeft`, `appRight`).
pub fn app<A: PatValue, B: PatValue, C: PatValue>(
    structure: Structure,
    left: Pattern<A>,
    right: Pattern<B>,
    f: impl Fn(&A, &B) -> C + Send + Sync + 'static,
) -> Pattern<C> {
    // Two constant patterns combine to a constant, whatever the structure: every
    // structure gives one event per cycle piece with the cycle as its whole.
    if let (Some(a), Some(b)) = (left.pure_value(), right.pure_value()) {
        return Pattern::pure(f(a, b));
    }
    let f = Arc::new(f);
    match structure {
        Structure::Left => app_left(left, right, move |a, b| f(a, b)),
        Structure::Right => app_left(right, left, move |b, a| f(a, b)),
        Structure::Both => app_both(left, right, move |a, b| f(a, b)),
        Structure::Squeeze => {
            let right = right.clone();
            left.fmap(move |a: &A| {
                let a = a.clone();
                let f = f.clone();
                right.clone().fmap(move |b| f(&a, b))
            })
            .squeeze_join()
        }
    }
}

fn app_left<A: PatValue, B: PatValue, C: PatValue>(
    left: Pattern<A>,
    right: Pattern<B>,
    f: impl Fn(&A, &B) -> C + Send + Sync + 'static,
) -> Pattern<C> {
    if let Some(b) = right.pure.clone() {
        // The right side is `pure b`: its events over a span are that span's cycle
        // pieces, each holding `b` with its cycle as whole, so they are computed here
        // instead of queried (the same events as the general case below).
        return Pattern::new(move |span: Span, out: &mut Vec<Event<C>>| {
            let mut lefts = Vec::new();
            left.query_into(span, &mut lefts);
            for l in &lefts {
                for piece in l.whole_or_part().cycles() {
                    if let Some(part) = l.part.sub_span(piece) {
                        out.push(Event {
                            whole: l.whole,
                            part,
                            value: f(&l.value, &b),
                        });
                    }
                }
            }
        });
    }
    Pattern::new(move |span: Span, out: &mut Vec<Event<C>>| {
        let mut lefts = Vec::new();
        left.query_into(span, &mut lefts);
        let mut rights = Vec::new();
        for l in lefts {
            rights.clear();
            right.query_into(l.whole_or_part(), &mut rights);
            for r in &rights {
                if let Some(part) = l.part.sub_span(r.part) {
                    out.push(Event {
                        whole: l.whole,
                        part,
                        value: f(&l.value, &r.value),
                    });
                }
            }
        }
    })
}

impl<T> Pattern<T> {
    /// Whether `self` and `other` are one pattern (clones of one query), not merely
    /// patterns with the same events: how the graph finds a bus's pattern again.
    pub fn same(&self, other: &Pattern<T>) -> bool {
        std::ptr::addr_eq(Arc::as_ptr(&self.query), Arc::as_ptr(&other.query))
    }
}

fn app_both<A: PatValue, B: PatValue, C: PatValue>(
    left: Pattern<A>,
    right: Pattern<B>,
    f: impl Fn(&A, &B) -> C + Send + Sync + 'static,
) -> Pattern<C> {
    // One pattern on both sides (a bus read twice, `~a + ~a`) is queried once, so a
    // chain of such buses costs a query per level, not two to the power of its depth.
    let same = std::ptr::addr_eq(Arc::as_ptr(&left.query), Arc::as_ptr(&right.query));
    Pattern::new(move |span: Span, out: &mut Vec<Event<C>>| {
        let lefts = left.query(span);
        let shared = same
            .then(|| (&lefts as &dyn std::any::Any).downcast_ref::<Vec<Event<B>>>())
            .flatten()
            .cloned();
        let rights = match shared {
            Some(rights) => rights,
            None => right.query(span),
        };
        // Every pair is compared: a quarter of a unit of work each.
        let pairs = (lefts.len() as u64).saturating_mul(rights.len() as u64);
        if !crate::time::spend(pairs / 4) {
            return;
        }
        // Tidal's `appBoth`: two discrete events intersect their wholes; a pair with
        // a continuous side is continuous, valued where the query samples it.
        for l in &lefts {
            for r in &rights {
                if let Some(part) = l.part.sub_span(r.part) {
                    let whole = match (l.whole, r.whole) {
                        (Some(lw), Some(rw)) => Some(lw.sect(rw)),
                        _ => None,
                    };
                    out.push(Event {
                        whole,
                        part,
                        value: f(&l.value, &r.value),
                    });
                }
            }
        }
    })
}

/// Applies a transform whose first argument is a pattern (Tidal's `tParam`): the
/// argument pattern's events each select the transformed pattern, inner-joined. A
/// constant argument (see [`Pattern::pure_value`]) applies `f` directly, as Tidal
/// 1.9.10's `tParam f (pure a) p = f a p`: the events are those of the inner join
/// except that nothing is cut at cycle boundaries.
pub fn patternify<A: PatValue, T: PatValue>(
    arg: Pattern<A>,
    pat: Pattern<T>,
    f: impl Fn(&A, Pattern<T>) -> Pattern<T> + Send + Sync + 'static,
) -> Pattern<T> {
    // Tidal 1.9.10: `tParam f (pure a) p = f a p`. The inner join over a constant
    // argument would only cut the events at cycle boundaries.
    if let Some(a) = arg.pure_value() {
        return f(a, pat);
    }
    arg.fmap(move |a| f(a, pat.clone())).inner_join()
}

/// Tidal's `innerJoin $ (\a -> f a p) <$> arg` written out, without the constant
/// shortcut of [`patternify`]: for the functions Tidal defines with `innerJoin`
/// rather than `tParam` (`every`, `chunk`, `inside`, `someCyclesBy`, and `tParam2`,
/// `tParam3`, whose arguments are combined with `<*>`). Over a constant argument the
/// events are still cut at cycle boundaries, but `f` is applied once, not per query.
pub fn patternify_joined<A: PatValue, T: PatValue>(
    arg: Pattern<A>,
    pat: Pattern<T>,
    f: impl Fn(&A, Pattern<T>) -> Pattern<T> + Send + Sync + 'static,
) -> Pattern<T> {
    arg.fmap(move |a| f(a, pat.clone())).inner_join()
}

/// Sorts events by part begin, then part end, for printing and comparison.
pub fn sort_events<T>(events: &mut [Event<T>]) {
    events.sort_by(|a, b| {
        a.part
            .begin
            .cmp(&b.part.begin)
            .then(a.part.end.cmp(&b.part.end))
    });
}

#[cfg(test)]
mod tests;
