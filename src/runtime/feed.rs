//! Patterns into buffers: once per block, every pattern of the graph is queried for
//! the block's arc, and its events become the stepped values, triggers and gates of
//! the nodes it feeds, and the voice starts of the sounds, at exact frames.

use super::clock::Clock;
use super::sounds::{PendingStart, SoundPlayer, SoundSlot};
use super::Buffers;
use crate::ir::{Graph, NodeId, Op};
use crate::parallel::SendPtr;
use crate::pattern::value::{parse_note_name, Value};
use crate::pattern::{sort_events, Event};
use crate::time::{overflow_guard, Span, TimeOverflow};

/// Which nodes each pattern feeds, and the values held by stepped nodes.
pub struct Feeder {
    /// For each pattern of the graph: the nodes (and their operations) it feeds.
    fed: Vec<Vec<(NodeId, Op)>>,
    /// The value each node last held (stepped nodes only; indexed by node).
    held: Vec<f32>,
    /// One scratch per pattern, so that the queries can run on different threads.
    patterns: Vec<Scratch>,
    /// One scratch per sound.
    sounds: Vec<Scratch>,
}

/// A pattern's (or sound's) events of this block, and how its query went.
struct Scratch {
    events: Vec<Event<Value>>,
    error: Option<TimeOverflow>,
}

impl Scratch {
    fn new() -> Scratch {
        Scratch {
            events: Vec::with_capacity(256),
            error: None,
        }
    }
}

/// The pattern (or sound) whose query overflowed exact time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedError {
    Pattern(usize, TimeOverflow),
    Sound(usize, TimeOverflow),
}

impl Feeder {
    pub fn new(graph: &Graph) -> Feeder {
        let mut fed = vec![Vec::new(); graph.patterns.len()];
        for (id, node) in graph.nodes.iter().enumerate() {
            if let Op::Stepped { pattern } | Op::Trigger { pattern } | Op::Gate { pattern } =
                node.op
            {
                if let Some(list) = fed.get_mut(pattern) {
                    list.push((id, node.op));
                }
            }
        }
        Feeder {
            fed,
            held: vec![0.0; graph.nodes.len()],
            patterns: (0..graph.patterns.len()).map(|_| Scratch::new()).collect(),
            sounds: (0..graph.sounds.len()).map(|_| Scratch::new()).collect(),
        }
    }

    /// The estimated cost of this block's queries from the last block's events (the
    /// total and the largest one query), in nanoseconds.
    pub fn estimate(&self) -> (f64, f64) {
        let mut total = 0.0;
        let mut max: f64 = 0.0;
        for s in self.patterns.iter().chain(&self.sounds) {
            let ns = s.events.len() as f64 * crate::parallel::EVENT_NS;
            total += ns;
            max = max.max(ns);
        }
        (total, max)
    }

    /// Queries every pattern and sound for frames `[start, start+frames)` and writes
    /// each pattern's events into the buffers of the nodes it feeds. With a
    /// `pool` (the runtime's crew), the queries (each into its own scratch, each
    /// sound's starts into its own slot) run on its workers and the calling thread when the estimate says it
    /// pays; the result is the same either way.
    #[allow(clippy::too_many_arguments)]
    pub fn feed(
        &mut self,
        graph: &Graph,
        clock: &Clock,
        start: u64,
        frames: usize,
        buffers: &mut Buffers,
        sounds: &mut SoundPlayer,
        pool: Option<&crate::parallel::Crew>,
    ) -> Result<(), FeedError> {
        let arc = clock.block_arc(start, frames);
        let first = start as i64;
        let (_, slots) = sounds.slots_mut();
        let fed = &self.fed;
        // Each pattern's query is followed, in the same item, by the fill of the
        // buffers it feeds, so that the fills run in parallel too: every stepped,
        // trigger and gate node is fed by one pattern, so the items write disjoint
        // node buffers and disjoint `held` values.
        let block = buffers.block();
        let arena_len = buffers.len();
        let arena = SendPtr(buffers.as_mut_ptr());
        let layout: &Buffers = buffers;
        let held = SendPtr(self.held.as_mut_ptr());
        let held_len = self.held.len();
        let query_pattern = |(index, scratch): (usize, &mut Scratch)| {
            scratch.events.clear();
            scratch.error = None;
            let Some(nodes) = fed.get(index).filter(|v| !v.is_empty()) else {
                return;
            };
            let Some(source) = graph.patterns.get(index) else {
                return;
            };
            scratch.error = query(&source.pattern, arc, &mut scratch.events).err();
            if scratch.error.is_some() {
                return;
            }
            let events = &scratch.events;
            for &(node, op) in nodes {
                let channels = graph.nodes.get(node).map_or(0, |n| n.channels);
                let off = layout.offset(node);
                let len = frames.min(channels * block);
                if off + len > arena_len {
                    continue;
                }
                // SAFETY: in bounds (checked); the node's own buffer, fed by this
                // pattern only, so no other item touches it while this one runs.
                let buf = unsafe { std::slice::from_raw_parts_mut(arena.get().add(off), len) };
                match op {
                    Op::Stepped { .. } if node < held_len => {
                        // SAFETY: node < the length of `held`; this node's entry is
                        // touched by this item only (as above).
                        let h = unsafe { &mut *held.get().add(node) };
                        *h = fill_stepped(events, clock, first, *h, buf);
                    }
                    Op::Trigger { .. } => fill_triggers(events, clock, first, buf),
                    Op::Gate { .. } => fill_gates(events, clock, first, buf),
                    _ => {}
                }
            }
        };
        let query_sound = |((index, scratch), slot): ((usize, &mut Scratch), &mut SoundSlot)| {
            let pending = slot.pending_mut();
            pending.clear();
            scratch.events.clear();
            scratch.error = None;
            if let Some(sound) = graph.sounds.get(index) {
                match query(&sound.pattern, arc, &mut scratch.events) {
                    Ok(()) => collect_starts(&scratch.events, clock, first, frames, pending),
                    Err(e) => scratch.error = Some(e),
                }
            }
        };
        let (total, max) = self.estimate();
        let items = self.patterns.len() + self.sounds.len();
        match pool {
            Some(pool) if items > 1 && crate::parallel::pays(total, max) => {
                let np = self.patterns.len();
                let ns = self.sounds.len().min(slots.len());
                let patterns = SendPtr(self.patterns.as_mut_ptr());
                let scratch = SendPtr(self.sounds.as_mut_ptr());
                let slots = SendPtr(slots.as_mut_ptr());
                crate::parallel::run_items(pool, np + ns, &|i| {
                    if i < np {
                        // SAFETY: i < the patterns' length, and each index runs once:
                        // no two threads hold the same scratch.
                        query_pattern((i, unsafe { &mut *patterns.get().add(i) }));
                    } else {
                        let k = i - np;
                        // SAFETY: k < both lengths; each index runs once, so each
                        // sound's scratch and slot are held by one thread.
                        let (sc, slot) =
                            unsafe { (&mut *scratch.get().add(k), &mut *slots.get().add(k)) };
                        query_sound(((k, sc), slot));
                    }
                });
            }
            _ => {
                self.patterns.iter_mut().enumerate().for_each(query_pattern);
                self.sounds
                    .iter_mut()
                    .enumerate()
                    .zip(slots.iter_mut())
                    .for_each(query_sound);
            }
        }
        // The first failure in graph order, as a sequential run would report it.
        for (index, s) in self.patterns.iter().enumerate() {
            if let Some(e) = s.error {
                return Err(FeedError::Pattern(index, e));
            }
        }
        for (index, s) in self.sounds.iter().enumerate() {
            if let Some(e) = s.error {
                return Err(FeedError::Sound(index, e));
            }
        }
        Ok(())
    }
}

/// A sound's events with an onset in this block as pending voice starts.
fn collect_starts(
    events: &[Event<Value>],
    clock: &Clock,
    first: i64,
    frames: usize,
    pending: &mut Vec<PendingStart>,
) {
    for ev in events {
        let Some(whole) = ev.whole.filter(|_| ev.has_onset()) else {
            continue;
        };
        let offset = clock.frame_of(whole.begin) - first;
        let Ok(offset) = usize::try_from(offset) else {
            continue;
        };
        if offset >= frames {
            continue;
        }
        let controls = match &ev.value {
            Value::Controls(c) => c.clone(),
            other => match crate::pattern::transforms::sound::sound_value(other) {
                Value::Controls(c) => c,
                _ => continue,
            },
        };
        pending.push(PendingStart {
            offset,
            event_frames: clock.frames_in(whole.duration()),
            controls,
        });
    }
}

/// Queries `pattern` for `arc` into `events` (cleared first), sorted by start.
fn query(
    pattern: &crate::pattern::Pattern<Value>,
    arc: Span,
    events: &mut Vec<Event<Value>>,
) -> Result<(), TimeOverflow> {
    events.clear();
    overflow_guard(|| pattern.query_into(arc, events))?;
    sort_events(events);
    Ok(())
}

/// The frame of `t` inside the block that starts at `first`, clamped to the block.
fn frame_in(clock: &Clock, t: crate::time::Rational, first: i64, len: usize) -> usize {
    (clock.frame_of(t) - first).clamp(0, len as i64) as usize
}

/// A pattern value as a signal value: numbers as they are, notes (and note names) as
/// their frequency in Hz. Other words and control maps have no signal value.
pub fn signal_value(v: &Value) -> Option<f32> {
    let hz = |m: f64| (440.0 * ((m - 69.0) / 12.0).exp2()) as f32;
    match v {
        Value::Num(x) => Some(*x as f32),
        Value::Note(m) => Some(hz(*m)),
        Value::Word(w) => parse_note_name(w).map(hz),
        Value::Controls(_) => None,
    }
}

/// Whether an event triggers an envelope: every event except a zero, a `~`-like
/// false word (`f`, `false`, `0`).
fn triggers(v: &Value) -> bool {
    match v {
        Value::Num(x) => *x != 0.0,
        Value::Note(_) | Value::Controls(_) => true,
        Value::Word(w) => !matches!(&**w, "f" | "false" | "0"),
    }
}

/// Each event's value from its start on, holding the previous value before the first
/// event of the block; returns the value held at the end.
fn fill_stepped(
    events: &[Event<Value>],
    clock: &Clock,
    first: i64,
    held: f32,
    buf: &mut [f32],
) -> f32 {
    let mut current = held;
    let mut pos = 0;
    for ev in events {
        let Some(v) = signal_value(&ev.value) else {
            continue;
        };
        let at = frame_in(clock, ev.part.begin, first, buf.len());
        if at > pos {
            buf[pos..at].fill(current);
            pos = at;
        }
        current = v;
    }
    buf[pos..].fill(current);
    current
}

/// 1 on the onset frame of each triggering event.
fn fill_triggers(events: &[Event<Value>], clock: &Clock, first: i64, buf: &mut [f32]) {
    buf.fill(0.0);
    for ev in events {
        if !ev.has_onset() || !triggers(&ev.value) {
            continue;
        }
        let f = clock.frame_of(ev.part.begin) - first;
        if let Some(slot) = usize::try_from(f).ok().and_then(|f| buf.get_mut(f)) {
            *slot = 1.0;
        }
    }
}

/// 1 over each triggering event's span (at least its onset frame).
fn fill_gates(events: &[Event<Value>], clock: &Clock, first: i64, buf: &mut [f32]) {
    buf.fill(0.0);
    let len = buf.len();
    for ev in events {
        if !triggers(&ev.value) {
            continue;
        }
        let a = frame_in(clock, ev.part.begin, first, len);
        let mut b = frame_in(clock, ev.part.end, first, len);
        if ev.has_onset() && b <= a {
            b = (a + 1).min(len);
        }
        if a < b {
            buf[a..b].fill(1.0);
        }
    }
}
