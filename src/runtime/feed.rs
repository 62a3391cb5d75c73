//! Patterns into buffers: once per block, every pattern of the graph is queried for
//! the block's arc, and its events become the stepped values, triggers and gates of
//! the nodes it feeds, and the voice starts of the sounds, at exact frames.

use super::clock::Clock;
use super::sounds::{PendingStart, SoundPlayer};
use super::Buffers;
use crate::ir::{Graph, NodeId, Op};
use crate::pattern::value::{parse_note_name, Value};
use crate::pattern::{sort_events, Event};
use crate::time::{overflow_guard, Span, TimeOverflow};

/// Which nodes each pattern feeds, and the values held by stepped nodes.
pub struct Feeder {
    /// For each pattern of the graph: the nodes (and their operations) it feeds.
    fed: Vec<Vec<(NodeId, Op)>>,
    /// The value each node last held (stepped nodes only; indexed by node).
    held: Vec<f32>,
    events: Vec<Event<Value>>,
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
            events: Vec::with_capacity(4096),
        }
    }

    /// Queries every pattern and sound for frames `[start, start+frames)`.
    pub fn feed(
        &mut self,
        graph: &Graph,
        clock: &Clock,
        start: u64,
        frames: usize,
        buffers: &mut Buffers,
        sounds: &mut SoundPlayer,
    ) -> Result<(), FeedError> {
        let arc = clock.block_arc(start, frames);
        let first = start as i64;
        for (index, source) in graph.patterns.iter().enumerate() {
            let nodes = self.fed.get(index).map_or(&[][..], |v| v.as_slice());
            if nodes.is_empty() {
                continue;
            }
            query(&source.pattern, arc, &mut self.events)
                .map_err(|e| FeedError::Pattern(index, e))?;
            for &(node, op) in nodes {
                let buf = buffers.node_mut(node);
                let len = frames.min(buf.len());
                let buf = &mut buf[..len];
                match op {
                    Op::Stepped { .. } => {
                        let held = self.held.get(node).copied().unwrap_or(0.0);
                        let last = fill_stepped(&self.events, clock, first, held, buf);
                        if let Some(h) = self.held.get_mut(node) {
                            *h = last;
                        }
                    }
                    Op::Trigger { .. } => fill_triggers(&self.events, clock, first, buf),
                    Op::Gate { .. } => fill_gates(&self.events, clock, first, buf),
                    _ => {}
                }
            }
        }
        sounds.clear_pending();
        for (index, sound) in graph.sounds.iter().enumerate() {
            query(&sound.pattern, arc, &mut self.events).map_err(|e| FeedError::Sound(index, e))?;
            for ev in &self.events {
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
                sounds.add_start(
                    index,
                    PendingStart {
                        offset,
                        event_frames: clock.frames_in(whole.duration()),
                        controls,
                    },
                );
            }
        }
        Ok(())
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
