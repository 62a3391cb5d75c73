//! Live playback: a patch compiled on the control thread ([`program`]), its patterns
//! queried ahead on a query thread ([`scheduler`]), its blocks computed in the audio
//! callback ([`player`]), which a sound card ([`sink`], with the `audio` feature) or a
//! clock without one (`--sink null`) calls; [`session`] starts and runs the whole. Saving the file compiles the new version on
//! the compile thread ([`compiler`], so that the control thread's status line goes
//! on) and swaps it in at a block boundary, continuing the old one's
//! state where nodes did not change and crossfading the rest.
//!
//! The threads talk through wait-free single-producer queues (`rtrb`):
//! control → query thread: new programs (a std channel: neither end is real time);
//! query thread → audio: [`scheduler::Batch`]es of events, a program riding along
//! when it takes over; audio → query thread: used batches; audio → control: retired
//! programs, freed there.

pub mod compiler;
pub mod player;
pub mod program;
pub mod scheduler;
pub mod session;
pub mod sink;
pub mod status;

use std::sync::Arc;

use crate::samples::SampleBank;
pub use player::{Player, Stats};
pub use program::{LiveProgram, Previous};
pub use scheduler::Scheduler;
pub use session::{run, Event, SessionOptions, Sink};

/// Blocks queried ahead of the audio (at 512 frames and 44.1 kHz, 46 ms: how long
/// the query thread may stall before a block plays without its events; also how
/// much later than the save a reload is heard).
pub const BLOCKS_AHEAD: usize = 4;

/// Programs waiting to be freed by the control thread.
const RETIRED: usize = 8;

/// The most batches in circulation for a queue of `ahead` blocks: the queue full,
/// one in the audio callback and one being filled.
pub fn batches_in_flight(ahead: usize) -> usize {
    ahead + 2
}

/// The crossfade of a reload, in frames: 50 ms.
pub fn fade_frames(sample_rate: u32) -> usize {
    (sample_rate as usize / 20).max(1)
}

/// The three ends of a live pipeline: the scheduler (query thread), the player
/// (audio callback) and the queue of retired programs (control thread).
pub struct Pipeline {
    pub scheduler: Scheduler,
    pub player: Player,
    pub retired: rtrb::Consumer<Box<LiveProgram>>,
}

/// A pipeline for blocks of `block` frames at `sample_rate`.
pub fn pipeline(block: usize, sample_rate: u32, bank: Arc<SampleBank>) -> Pipeline {
    let (batch_tx, batch_rx) = rtrb::RingBuffer::new(BLOCKS_AHEAD);
    let (return_tx, return_rx) = rtrb::RingBuffer::new(batches_in_flight(BLOCKS_AHEAD));
    let (retire_tx, retire_rx) = rtrb::RingBuffer::new(RETIRED);
    let fade = fade_frames(sample_rate);
    let stats = Arc::new(Stats::default());
    Pipeline {
        scheduler: Scheduler::new(block, fade as u64, bank, batch_tx, return_rx, stats.clone()),
        player: Player::new(block, fade, batch_rx, return_tx, retire_tx, stats),
        retired: retire_rx,
    }
}
