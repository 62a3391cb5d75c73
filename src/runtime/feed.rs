//! Patterns into buffers: once per block, every pattern of the graph is queried for
//! the block's arc, and its events become the stepped values, triggers and gates of
//! the nodes it feeds, and the voice starts of the sounds, at exact frames.
//!
//! The feed has two halves: [`BlockEvents::query`] asks the patterns (which
//! allocates: joins build scratch vectors, events own their words), and
//! [`Feeder::apply`] writes the events into buffers and voice slots (which does
//! not). Offline rendering does both in turn; live playback queries on another
//! thread, ahead of time, and applies on the audio thread.

use super::clock::Clock;
use super::sounds::{PendingStart, SoundPlayer};
use super::Buffers;
use crate::ir::{Graph, NodeId, Op};
use crate::parallel::SendPtr;
use crate::pattern::value::{parse_note_name, Value};
use crate::pattern::{sort_events, Event};
use crate::time::{r, QueryFault, Span};

/// Which nodes each pattern feeds, and the values held by stepped nodes: the half of
/// the feed that writes a block's events into the graph's buffers and voice slots.
/// It never queries a pattern and never allocates, so it can run on the audio thread
/// while the queries run elsewhere ([`BlockEvents::query`]).
pub struct Feeder {
    /// For each pattern of the graph: the nodes (and their operations) it feeds.
    fed: Vec<Vec<(NodeId, Op)>>,
    /// The value each node last held (stepped nodes only; indexed by node).
    held: Vec<f32>,
}

/// Every pattern's and every sound's events for one block of frames: what the
/// queries produce and [`Feeder::apply`] consumes. Its vectors keep their capacity
/// from block to block, so a `BlockEvents` handed back and forth between a query
/// thread and the audio thread is allocated once, on the query thread.
pub struct BlockEvents {
    start: u64,
    frames: usize,
    /// One scratch per pattern (queried only if it feeds some node).
    patterns: Vec<Scratch>,
    used: Vec<bool>,
    /// One scratch per sound, with the voice starts its events make.
    sounds: Vec<Scratch>,
    starts: Vec<Vec<PendingStart>>,
}

/// A pattern's (or sound's) events of this block, and how its query went (a failed
/// query leaves no events: the pattern is silent for the block).
struct Scratch {
    events: Vec<Event<Value>>,
    error: Option<QueryFault>,
}

impl Scratch {
    fn new() -> Scratch {
        Scratch {
            events: Vec::with_capacity(256),
            error: None,
        }
    }
}

/// A pattern (or sound) whose query failed: it overflowed exact time or spent its
/// work budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedError {
    Pattern(usize, QueryFault),
    Sound(usize, QueryFault),
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
        }
    }

    /// The value stepped node `node` holds at the end of the last block.
    pub fn held(&self, node: NodeId) -> Option<f32> {
        self.held.get(node).copied()
    }

    /// Sets the value stepped node `node` holds (a reload continuing a node of the
    /// previous program).
    pub fn set_held(&mut self, node: NodeId, value: f32) {
        if let Some(h) = self.held.get_mut(node) {
            *h = value;
        }
    }

    /// Writes `events` (queried for this graph and these frames) into the buffers of
    /// the nodes they feed, and hands each sound's voice starts to its slot. The
    /// starts are exchanged, not copied: the slot's previous starts go back in
    /// `events`, so whatever they own is dropped by whoever clears `events` next.
    /// Allocates nothing.
    pub fn apply(
        &mut self,
        events: &mut BlockEvents,
        clock: &Clock,
        buffers: &mut Buffers,
        sounds: &mut SoundPlayer,
        crew: Option<&crate::parallel::Crew>,
    ) {
        let first = events.start as i64;
        let frames = events.frames;
        let (_, slots) = sounds.slots_mut();
        for (slot, starts) in slots.iter_mut().zip(events.starts.iter_mut()) {
            std::mem::swap(slot.pending_mut(), starts);
        }
        for (k, slot) in slots.iter_mut().enumerate() {
            slot.set_fresh(k < events.starts.len());
        }
        // Each pattern's fill is an item: every stepped, trigger and gate node is fed
        // by one pattern, so the items write disjoint node buffers and `held` values
        // and may run on the crew (the same result either way).
        let block = buffers.block();
        let arena_len = buffers.len();
        let arena = SendPtr(buffers.as_mut_ptr());
        let layout: &Buffers = buffers;
        let held = SendPtr(self.held.as_mut_ptr());
        let held_len = self.held.len();
        let fed = &self.fed;
        let patterns = &events.patterns;
        let fill = |index: usize| {
            let (Some(nodes), Some(scratch)) = (fed.get(index), patterns.get(index)) else {
                return;
            };
            let events = &scratch.events;
            for &(node, op) in nodes {
                let off = layout.offset(node);
                let len = frames.min(layout.channels(node) * block);
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
        let cost = |i: usize| {
            let nodes = fed.get(i).map_or(0, Vec::len) as f64;
            let events = patterns.get(i).map_or(0, |s| s.events.len()) as f64;
            nodes * (frames as f64 * FILL_NS_PER_FRAME + events * FILL_NS_PER_EVENT)
        };
        let count = fed.len();
        let (total, max) = (0..count).fold((0.0, 0.0f64), |(t, m), i| {
            let c = cost(i);
            (t + c, m.max(c))
        });
        match crew {
            Some(crew) if count > 1 && crate::parallel::pays(total, max) => {
                crate::parallel::run_items(crew, count, &fill)
            }
            _ => (0..count).for_each(fill),
        }
    }
}

/// Estimated cost of filling one fed node's buffer, per frame and per event of its
/// pattern, in nanoseconds (a `fill` of a few hundred floats, and a `frame_of` in
/// 128-bit integers per event).
const FILL_NS_PER_FRAME: f64 = 0.25;
const FILL_NS_PER_EVENT: f64 = 30.0;

impl Feeder {
    /// A block without events (its queries were not ready in time): stepped nodes
    /// hold their values, triggers and gates are off, and no voice starts. The
    /// slots' previous starts are only marked stale, not dropped (what they own is
    /// freed on the query thread, never here).
    pub fn apply_none(&mut self, frames: usize, buffers: &mut Buffers, sounds: &mut SoundPlayer) {
        let (_, slots) = sounds.slots_mut();
        for slot in slots.iter_mut() {
            slot.set_fresh(false);
        }
        for nodes in &self.fed {
            for &(node, op) in nodes {
                let held = self.held.get(node).copied().unwrap_or(0.0);
                let buf = buffers.node_mut(node);
                let len = frames.min(buf.len());
                match op {
                    Op::Stepped { .. } => buf[..len].fill(held),
                    _ => buf[..len].fill(0.0),
                }
            }
        }
    }
}

impl BlockEvents {
    /// Events for no graph (allocates nothing).
    pub fn empty() -> BlockEvents {
        BlockEvents {
            start: 0,
            frames: 0,
            patterns: Vec::new(),
            used: Vec::new(),
            sounds: Vec::new(),
            starts: Vec::new(),
        }
    }

    /// Room for the events of `graph`'s patterns and sounds.
    pub fn new(graph: &Graph) -> BlockEvents {
        let mut events = BlockEvents::empty();
        events.prepare(graph);
        events
    }

    /// Makes room for `graph`'s patterns and sounds (keeping what capacity there is):
    /// one `BlockEvents` can serve one program, then the next.
    pub fn prepare(&mut self, graph: &Graph) {
        self.clear();
        self.patterns
            .resize_with(graph.patterns.len(), Scratch::new);
        self.used.clear();
        self.used.resize(graph.patterns.len(), false);
        for node in &graph.nodes {
            if let Op::Stepped { pattern } | Op::Trigger { pattern } | Op::Gate { pattern } =
                node.op
            {
                if let Some(u) = self.used.get_mut(pattern) {
                    *u = true;
                }
            }
        }
        self.sounds.resize_with(graph.sounds.len(), Scratch::new);
        self.starts
            .resize_with(graph.sounds.len(), || Vec::with_capacity(256));
    }

    /// Drops every event and start (and what they own).
    pub fn clear(&mut self) {
        for s in self.patterns.iter_mut().chain(self.sounds.iter_mut()) {
            s.events.clear();
            s.error = None;
        }
        for s in &mut self.starts {
            s.clear();
        }
        self.frames = 0;
    }

    /// The first frame of the block these events are for.
    pub fn start(&self) -> u64 {
        self.start
    }

    /// Frames in that block.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// Each sound's starts, for a check before they reach the audio thread.
    pub fn starts_mut(&mut self) -> impl Iterator<Item = &mut Vec<PendingStart>> {
        self.starts.iter_mut()
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

    /// Queries every pattern and sound of `graph` (the graph these events were
    /// prepared for) for frames `[start, start+frames)`. With a `crew`, the queries
    /// (each into its own scratch) run on the crew and the calling thread when the
    /// estimate says it pays; the result is the same either way. A query that fails
    /// leaves its pattern (or sound) silent for the block and the others as they
    /// are; the failures are [`BlockEvents::failures`].
    pub fn query(
        &mut self,
        graph: &Graph,
        clock: &Clock,
        start: u64,
        frames: usize,
        crew: Option<&crate::parallel::Crew>,
    ) {
        let arc = clock.block_arc(start, frames);
        let first = start as i64;
        self.start = start;
        self.frames = frames;
        let used = &self.used;
        let query_pattern = |(index, scratch): (usize, &mut Scratch)| {
            scratch.events.clear();
            scratch.error = None;
            if used.get(index).copied().unwrap_or(false) {
                if let Some(source) = graph.patterns.get(index) {
                    scratch.error = query_by_onset(&source.pattern, arc, &mut scratch.events).err();
                    if scratch.error.is_some() {
                        drop_partial(&mut scratch.events);
                    }
                }
            }
        };
        let query_sound =
            |((index, scratch), pending): ((usize, &mut Scratch), &mut Vec<PendingStart>)| {
                pending.clear();
                scratch.events.clear();
                scratch.error = None;
                if let Some(sound) = graph.sounds.get(index) {
                    match query(&sound.pattern, arc, &mut scratch.events) {
                        Ok(()) => collect_starts(&scratch.events, &sound.sampled, clock, first, frames, pending),
                        Err(e) => {
                            drop_partial(&mut scratch.events);
                            scratch.error = Some(e);
                        }
                    }
                }
            };
        let (total, max) = self.estimate();
        let items = self.patterns.len() + self.sounds.len();
        match crew {
            Some(crew) if items > 1 && crate::parallel::pays(total, max) => {
                let np = self.patterns.len();
                let ns = self.sounds.len().min(self.starts.len());
                let patterns = SendPtr(self.patterns.as_mut_ptr());
                let scratch = SendPtr(self.sounds.as_mut_ptr());
                let starts = SendPtr(self.starts.as_mut_ptr());
                crate::parallel::run_items(crew, np + ns, &|i| {
                    if i < np {
                        // SAFETY: i < the patterns' length, and each index runs once:
                        // no two threads hold the same scratch.
                        query_pattern((i, unsafe { &mut *patterns.get().add(i) }));
                    } else {
                        let k = i - np;
                        // SAFETY: k < both lengths; each index runs once, so each
                        // sound's scratch and starts are held by one thread.
                        let (sc, st) =
                            unsafe { (&mut *scratch.get().add(k), &mut *starts.get().add(k)) };
                        query_sound(((k, sc), st));
                    }
                });
            }
            _ => {
                self.patterns.iter_mut().enumerate().for_each(query_pattern);
                self.sounds
                    .iter_mut()
                    .enumerate()
                    .zip(self.starts.iter_mut())
                    .for_each(query_sound);
            }
        }
    }

    /// The patterns and sounds whose last query failed, in graph order.
    pub fn failures(&self) -> impl Iterator<Item = FeedError> + '_ {
        let patterns = self.patterns.iter().enumerate();
        let sounds = self.sounds.iter().enumerate();
        patterns
            .filter_map(|(i, s)| s.error.map(|e| FeedError::Pattern(i, e)))
            .chain(sounds.filter_map(|(i, s)| s.error.map(|e| FeedError::Sound(i, e))))
    }
}

/// A sound's events with an onset in this block as pending voice starts.
fn collect_starts(
    events: &[Event<Value>],
    sampled: &[crate::ir::SampledInput],
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
        let Some(mut controls) = event_controls(&ev.value) else {
            continue;
        };
        // The sampled controls get their keys here, on the query thread, so that
        // setting their values on the audio thread never grows the map.
        for s in sampled {
            controls.set(s.control, crate::pattern::value::Scalar::Num(0.0));
        }
        pending.push(PendingStart {
            offset,
            event_frames: clock.frames_in(whole.duration()),
            cycle_frames: clock.frames_in(r(1, 1)),
            controls,
        });
    }
}

/// The controls a sound's event plays with: its control map, or a bare value read
/// as a sound (a word as its `s`); `None` for a value that is no sound.
pub fn event_controls(value: &Value) -> Option<crate::pattern::value::Controls> {
    match value {
        Value::Controls(c) => Some(c.clone()),
        other => match crate::pattern::transforms::sound::sound_value(other) {
            Value::Controls(c) => Some(c),
            _ => None,
        },
    }
}

/// Queries `pattern` for `arc` into `events` (cleared first), sorted by start.
fn query(
    pattern: &crate::pattern::Pattern<Value>,
    arc: Span,
    events: &mut Vec<Event<Value>>,
) -> Result<(), QueryFault> {
    query_unsorted(pattern, arc, events)?;
    sort_events(events);
    Ok(())
}

/// Queries `pattern` for `arc` into `events` (cleared first), in the order
/// [`fill_stepped`] paints them: by onset, ties in the pattern's own query order (a
/// stable sort; this runs on the query thread, never the audio thread).
fn query_by_onset(
    pattern: &crate::pattern::Pattern<Value>,
    arc: Span,
    events: &mut Vec<Event<Value>>,
) -> Result<(), QueryFault> {
    query_unsorted(pattern, arc, events)?;
    events.sort_by_key(onset);
    Ok(())
}

/// The events of `pattern` over `arc` into `events` (cleared first), as the pattern
/// returns them, bounded as [`crate::pattern::Pattern::query_checked`] is.
fn query_unsorted(
    pattern: &crate::pattern::Pattern<Value>,
    arc: Span,
    events: &mut Vec<Event<Value>>,
) -> Result<(), QueryFault> {
    events.clear();
    pattern.query_checked_into(arc, events)
}

/// Empties the events of a failed query, and gives back the memory a pattern that
/// spent its whole budget took (it may be far more than any pattern needs).
fn drop_partial(events: &mut Vec<Event<Value>>) {
    events.clear();
    events.shrink_to(256);
}

/// When an event starts: its whole's begin (a fragment of an event that began in an
/// earlier block keeps its onset), or its part's for an event without a whole.
fn onset(ev: &Event<Value>) -> crate::time::Rational {
    ev.whole.map_or(ev.part.begin, |w| w.begin)
}

/// The frame of `t` inside the block that starts at `first`, clamped to the block.
fn frame_in(clock: &Clock, t: crate::time::Rational, first: i64, len: usize) -> usize {
    (clock.frame_of(t) - first).clamp(0, len as i64) as usize
}

/// A pattern value as a signal value: numbers as they are, notes (and note names) as
/// their frequency in Hz. Other words and control maps have no signal value.
pub fn signal_value(v: &Value) -> Option<f32> {
    let hz = |m: f64| crate::pattern::value::midi_to_hz(m) as f32;
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

/// Marks a frame no event covers while [`fill_stepped`] paints: a signalling NaN,
/// which no arithmetic produces (results are quiet NaNs), compared by its bits.
const UNCOVERED: u32 = 0x7fa5_0a5e;

/// A stepped signal's values for one block. The rule, the same whatever the block
/// size: an event covers the frames from the frame of its part's begin up to (not
/// including) the frame of its part's end, frames as [`Clock::frame_of`] rounds
/// times (the nearest frame). At each frame, of the events covering it, the one with
/// the latest onset wins (the begin of its whole), ties going to the later in the
/// pattern's query order (so in a stack the last layer). A frame no event covers
/// holds the value of the frame before it; `held` is that value at the end of the
/// previous block, and the value at the end of this one is returned. Events without a
/// signal value (control maps, words that are not notes) are skipped.
///
/// Because a block boundary cuts an event's part at the begin of a frame, the frames
/// of its fragments are those of the whole event, and so the values of a frame
/// depend on no block's start. `events` come sorted by onset ([`query_by_onset`]),
/// and are painted in that order, each over its frames: the last paint of a frame is
/// its winner. The work is the events plus the frames they cover.
fn fill_stepped(
    events: &[Event<Value>],
    clock: &Clock,
    first: i64,
    held: f32,
    buf: &mut [f32],
) -> f32 {
    let len = buf.len();
    buf.fill(f32::from_bits(UNCOVERED));
    for ev in events {
        let Some(v) = signal_value(&ev.value) else {
            continue;
        };
        let a = frame_in(clock, ev.part.begin, first, len);
        let b = frame_in(clock, ev.part.end, first, len);
        if a < b {
            buf[a..b].fill(v);
        }
    }
    let mut current = held;
    for x in buf.iter_mut() {
        if x.to_bits() == UNCOVERED {
            *x = current;
        } else {
            current = *x;
        }
    }
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
