//! The query thread's side of live playback: patterns are pure functions of cycle
//! time, so they can be asked ahead of the audio. The scheduler queries every block
//! a few blocks before it plays, into [`Batch`]es that the audio thread takes from a
//! wait-free queue and hands back through another; whatever the queries allocate
//! (and whatever the events own) is allocated and freed here, never on the audio
//! thread.
//!
//! A new program goes through the same queue: the scheduler picks the block where it
//! takes over (the first one it has not queried yet), queries the new program from
//! that block on, and the old one too for the blocks of the crossfade. So the audio
//! thread swaps exactly at a block boundary, with the events of both programs ready.
//! A new program waits until the previous crossfade is over.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::player::Stats;
use super::program::LiveProgram;
use crate::ir::Graph;
use crate::runtime::{query_block, BlockEvents, Clock, PatternFailure};
use crate::samples::SampleBank;
use crate::voices::{StartError, VoiceStart};

/// One block's events, and the program that takes over at this block, if one does.
pub struct Batch {
    /// The first frame of the block.
    pub start: u64,
    /// A program taking over at `start`, with the clock it continues with.
    pub swap: Option<(Box<LiveProgram>, Clock)>,
    /// The events of the program playing (after the swap, if there is one).
    pub events: BlockEvents,
    /// The events of the program fading out, during a crossfade.
    pub fading: BlockEvents,
}

impl Batch {
    pub fn new() -> Batch {
        Batch {
            start: 0,
            swap: None,
            events: BlockEvents::empty(),
            fading: BlockEvents::empty(),
        }
    }
}

impl Default for Batch {
    fn default() -> Batch {
        Batch::new()
    }
}

/// A program's patterns, as the scheduler queries them.
struct Source {
    graph: Arc<Graph>,
    clock: Clock,
}

/// Queries blocks ahead for the audio thread.
pub struct Scheduler {
    block: usize,
    fade_frames: u64,
    bank: Arc<SampleBank>,
    batches: rtrb::Producer<Box<Batch>>,
    returns: rtrb::Consumer<Box<Batch>>,
    /// Batches back from the audio thread, boxed because they travel as boxes.
    #[allow(clippy::vec_box)]
    spare: Vec<Box<Batch>>,
    /// Batches made so far: at most [`super::batches_in_flight`], so the audio
    /// thread's queue back always has room for all of them.
    made: usize,
    limit: usize,
    current: Option<Source>,
    /// The program fading out, and the frame where its crossfade ends.
    fading: Option<(Source, u64)>,
    /// Programs waiting for their turn (the crossfade before them to end).
    waiting: std::collections::VecDeque<Box<LiveProgram>>,
    /// The first frame not queried yet.
    next: u64,
    /// Sample names that events asked for and the bank does not have.
    unknown: BTreeSet<String>,
    /// The last query failure, for the status line.
    pub last_error: Option<PatternFailure>,
    /// The audio thread's counters: where it is.
    stats: Arc<Stats>,
}

impl Scheduler {
    /// A scheduler filling `batches` (its capacity is how many blocks ahead it
    /// queries) and taking back used batches from `returns`.
    pub fn new(
        block: usize,
        fade_frames: u64,
        bank: Arc<SampleBank>,
        batches: rtrb::Producer<Box<Batch>>,
        returns: rtrb::Consumer<Box<Batch>>,
        stats: Arc<Stats>,
    ) -> Scheduler {
        let limit = super::batches_in_flight(batches.buffer().capacity());
        Scheduler {
            block: block.max(1),
            fade_frames,
            bank,
            batches,
            returns,
            spare: Vec::new(),
            made: 0,
            limit,
            current: None,
            fading: None,
            waiting: std::collections::VecDeque::new(),
            next: 0,
            unknown: BTreeSet::new(),
            last_error: None,
            stats,
        }
    }

    /// Queues a program to take over at the next block that can take it.
    pub fn submit(&mut self, program: Box<LiveProgram>) {
        self.waiting.push_back(program);
    }

    /// Sample names not found so far (each once, sorted).
    pub fn unknown_samples(&self) -> &BTreeSet<String> {
        &self.unknown
    }

    /// Takes back used batches and queries blocks until the queue is full. Returns
    /// the number of blocks queried.
    pub fn pump(&mut self) -> usize {
        while let Ok(mut batch) = self.returns.pop() {
            // What the audio thread handed back (old events, the starts it played)
            // is dropped here.
            batch.events.clear();
            batch.fading.clear();
            batch.swap = None;
            self.spare.push(batch);
        }
        // After a stall the audio thread is ahead: go on from where it is (the blocks
        // in between have played without events).
        let playing = self.stats.frames.load(std::sync::atomic::Ordering::Relaxed);
        if playing > self.next {
            self.next = playing.div_ceil(self.block as u64) * self.block as u64;
        }
        let mut queried = 0;
        while self.batches.slots() > 0 {
            let mut batch = match self.spare.pop() {
                Some(b) => b,
                None if self.made < self.limit => {
                    self.made += 1;
                    Box::default()
                }
                None => break,
            };
            self.fill(&mut batch);
            if let Err(rtrb::PushError::Full(batch)) = self.batches.push(batch) {
                self.spare.push(batch);
                break;
            }
            queried += 1;
        }
        queried
    }

    fn fill(&mut self, batch: &mut Batch) {
        let start = self.next;
        let frames = self.block;
        self.next += frames as u64;
        batch.start = start;
        if let Some((_, end)) = &self.fading {
            if start >= *end {
                self.fading = None;
            }
        }
        if self.fading.is_none() {
            if let Some(program) = self.waiting.pop_front() {
                let graph = program.runtime.shared_graph();
                let fresh = *program.runtime.clock();
                let clock = match &self.current {
                    Some(cur) if cur.clock.cps() == fresh.cps() => cur.clock,
                    Some(cur) => cur.clock.continued_at(fresh.cps(), start),
                    None => fresh,
                };
                let old = self.current.replace(Source { graph, clock });
                self.fading = old.map(|s| (s, start + self.fade_frames));
                batch.swap = Some((program, clock));
            }
        }
        if let Some(cur) = &self.current {
            self.last_error = query_checked(
                cur,
                start,
                frames,
                &mut batch.events,
                &self.bank,
                &mut self.unknown,
            )
            .or(self.last_error.take());
        }
        if let Some((src, _)) = &self.fading {
            self.last_error = query_checked(
                src,
                start,
                frames,
                &mut batch.fading,
                &self.bank,
                &mut self.unknown,
            )
            .or(self.last_error.take());
        }
    }
}

/// Queries `source` into `events`; drops the starts of unknown samples (remembering
/// their names), so that the audio thread never meets one. Returns the query's
/// failure, if it failed.
fn query_checked(
    source: &Source,
    start: u64,
    frames: usize,
    events: &mut BlockEvents,
    bank: &SampleBank,
    unknown: &mut BTreeSet<String>,
) -> Option<PatternFailure> {
    events.prepare(&source.graph);
    let failure = query_block(&source.graph, &source.clock, start, frames, events, None)
        .first()
        .copied();
    let graph = &source.graph;
    for starts in events.starts_mut() {
        starts.retain(
            |s| match VoiceStart::from_controls(&s.controls, 0, 0.0, bank) {
                Err(StartError::UnknownSample(name)) if !crate::runtime::sounds::plays_voice(graph, &name) => {
                    unknown.insert(name);
                    false
                }
                _ => true,
            },
        );
    }
    failure
}
