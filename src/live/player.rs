//! The audio thread's side of live playback: [`Player::fill`] is the audio callback.
//!
//! It never allocates, locks, makes a system call or panics. It takes each block's
//! events from the scheduler's wait-free queue (queried ahead on another thread),
//! runs the playing program's block with them, and hands the batch back. A batch
//! that brings a new program swaps it in at that block: the new program takes over
//! the old one's position, held values, bus memories, voices and the kernel state of
//! the nodes that did not change, and for the next [`Player`]`::fade_frames` frames
//! both run and the output crossfades from the old to the new (what did not change
//! computes the same samples in both, so only what changed is heard to fade). The
//! old program then goes to a queue of programs to free, drained by the control
//! thread: a JIT module is freed only once the audio thread is done with it.

use std::sync::atomic::{AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use super::program::LiveProgram;
use super::scheduler::Batch;
use crate::runtime::master::{LimiterMode, Master, MasterStats};
use crate::runtime::BlockEvents;

/// What the audio thread reports, read by the status line on another thread.
#[derive(Default)]
pub struct Stats {
    /// Frames played.
    pub frames: AtomicU64,
    /// The cycle position of the last block, as `f64` bits.
    pub cycle_bits: AtomicU64,
    /// The longest block since the status line last looked, in nanoseconds.
    pub block_ns_max: AtomicU64,
    /// The last block, in nanoseconds.
    pub block_ns_last: AtomicU64,
    /// Blocks computed, and their time in all (nanoseconds).
    pub blocks: AtomicU64,
    pub block_ns_sum: AtomicU64,
    /// Voices sounding.
    pub voices: AtomicUsize,
    /// The version of the program playing (0: none yet).
    pub version: AtomicU64,
    /// The frame where that program took over.
    pub swapped_at: AtomicU64,
    /// Blocks whose events were not ready in time (played without new events).
    pub late_blocks: AtomicU64,
    /// Callbacks that finished after their deadline, or that the device reported
    /// as an underrun (counted by the sink).
    pub underruns: AtomicU64,
    /// Of the null sink's underruns: those whose callback took longer than its
    /// period (the patch: block time over budget).
    pub underruns_over_budget: AtomicU64,
    /// Of the null sink's underruns: those whose callback fitted its period but whose
    /// clock thread woke up too late (the machine: scheduling, not the patch).
    pub underruns_late_wake: AtomicU64,
    /// The master's output true peak (linear, `f64` bits) since the status line last
    /// took it (`fetch_max` on bits: positive floats order as their bits).
    pub peak_bits: AtomicU64,
    /// The master stage's figures so far (`f64` bits for the levels).
    pub out_peak_bits: AtomicU64,
    pub in_peak_bits: AtomicU64,
    pub min_gain_bits: AtomicU64,
    pub limited_frames: AtomicU64,
    pub over_samples: AtomicU64,
    /// The limiter's mode ([`LimiterMode::code`]).
    pub limiter_mode: AtomicU8,
}

impl Stats {
    pub fn cycle(&self) -> f64 {
        f64::from_bits(self.cycle_bits.load(Ordering::Relaxed))
    }

    /// The master's figures so far (the minimum gain is 1.0 before any block).
    pub fn master(&self) -> MasterStats {
        let f = |a: &AtomicU64| f64::from_bits(a.load(Ordering::Relaxed));
        let min_gain = self.min_gain_bits.load(Ordering::Relaxed);
        MasterStats {
            mode: LimiterMode::from_code(self.limiter_mode.load(Ordering::Relaxed)),
            input_peak: f(&self.in_peak_bits),
            output_peak: f(&self.out_peak_bits),
            min_gain: if min_gain == 0 { 1.0 } else { f64::from_bits(min_gain) },
            limited_frames: self.limited_frames.load(Ordering::Relaxed),
            frames: self.frames.load(Ordering::Relaxed),
            over_samples: self.over_samples.load(Ordering::Relaxed),
        }
    }

    /// The output peak since the last call (linear), and resets it.
    pub fn take_peak(&self) -> f64 {
        f64::from_bits(self.peak_bits.swap(0, Ordering::Relaxed))
    }
}

/// Block times, in 10 µs buckets up to 100 ms (the last bucket holds the rest),
/// preallocated so that recording one allocates nothing.
pub struct BlockHistogram {
    buckets: Vec<u32>,
    count: u64,
    sum_ns: u128,
    max_ns: u64,
}

const BUCKET_NS: u64 = 10_000;
const BUCKETS: usize = 10_000;

impl BlockHistogram {
    fn new() -> BlockHistogram {
        BlockHistogram {
            buckets: vec![0; BUCKETS],
            count: 0,
            sum_ns: 0,
            max_ns: 0,
        }
    }

    fn record(&mut self, ns: u64) {
        let b = ((ns / BUCKET_NS) as usize).min(BUCKETS - 1);
        if let Some(x) = self.buckets.get_mut(b) {
            *x = x.saturating_add(1);
        }
        self.count += 1;
        self.sum_ns += u128::from(ns);
        self.max_ns = self.max_ns.max(ns);
    }

    #[cfg(any(test, feature = "testing"))]
    /// Blocks recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    #[cfg(any(test, feature = "testing"))]
    pub fn mean_ms(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum_ns as f64 / self.count as f64 / 1e6
        }
    }

    pub fn max_ms(&self) -> f64 {
        self.max_ns as f64 / 1e6
    }

    /// The `q` quantile (nearest rank), to the upper edge of its 10 µs bucket.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        let rank = ((q * self.count as f64).ceil() as u64).max(1);
        let mut seen = 0u64;
        for (i, n) in self.buckets.iter().enumerate() {
            seen += u64::from(*n);
            if seen >= rank {
                let edge = (i as u64 + 1) * BUCKET_NS;
                return edge.min(self.max_ns.max(1)) as f64 / 1e6;
            }
        }
        self.max_ms()
    }
}

/// The audio callback's state.
pub struct Player {
    block: usize,
    fade_frames: usize,
    current: Option<Box<LiveProgram>>,
    fading: Option<Box<LiveProgram>>,
    /// Frames of the crossfade done.
    faded: usize,
    /// A program that could not go to the queue of programs to free (full): it is
    /// retried at the next block rather than dropped here.
    limbo: Option<Box<LiveProgram>>,
    left: Vec<f32>,
    right: Vec<f32>,
    fade_left: Vec<f32>,
    fade_right: Vec<f32>,
    /// Frames of the current block already handed out, and frames in it.
    cursor: usize,
    filled: usize,
    /// The first frame of the next block.
    frame: u64,
    batches: rtrb::Consumer<Box<Batch>>,
    returns: rtrb::Producer<Box<Batch>>,
    retired: rtrb::Producer<Box<LiveProgram>>,
    /// Events for a block whose batch is late (match no block: played empty).
    none: BlockEvents,
    stats: Arc<Stats>,
    times: BlockHistogram,
    /// The master stage after the crossfade (built before playing starts), or only
    /// its meters when the limiter is off.
    master: Master,
}

impl Player {
    /// A player of blocks of `block` frames, crossfading over `fade_frames`.
    pub fn new(
        block: usize,
        fade_frames: usize,
        batches: rtrb::Consumer<Box<Batch>>,
        returns: rtrb::Producer<Box<Batch>>,
        retired: rtrb::Producer<Box<LiveProgram>>,
        stats: Arc<Stats>,
    ) -> Player {
        let block = block.max(1);
        Player {
            block,
            fade_frames: fade_frames.max(1),
            current: None,
            fading: None,
            faded: 0,
            limbo: None,
            left: vec![0.0; block],
            right: vec![0.0; block],
            fade_left: vec![0.0; block],
            fade_right: vec![0.0; block],
            cursor: 0,
            filled: 0,
            frame: 0,
            batches,
            returns,
            retired,
            none: BlockEvents::empty(),
            stats,
            times: BlockHistogram::new(),
            master: Master::new(44_100, false),
        }
    }

    /// Puts the master stage (DC blocker and limiter, `limit`) at `sample_rate` on
    /// the output, or only its meters; call before playing (it allocates). The
    /// limiter's look-ahead delays what is heard by [`Player::latency`] frames.
    pub fn set_master(&mut self, sample_rate: u32, limit: bool) {
        self.master = Master::new(sample_rate, limit);
    }

    /// Frames the master stage delays the output by.
    pub fn latency(&self) -> usize {
        self.master.latency()
    }

    pub fn stats(&self) -> &Arc<Stats> {
        &self.stats
    }

    /// The time every block took so far.
    pub fn times(&self) -> &BlockHistogram {
        &self.times
    }

    #[cfg(any(test, feature = "testing"))]
    /// The program playing.
    pub fn current(&self) -> Option<&LiveProgram> {
        self.current.as_deref()
    }

    /// Fills `left` and `right` (the same length) with the next frames.
    pub fn fill(&mut self, left: &mut [f32], right: &mut [f32]) {
        let n = left.len().min(right.len());
        let mut done = 0;
        while done < n {
            if self.cursor == self.filled {
                self.next_block();
            }
            let k = (self.filled - self.cursor).min(n - done);
            left[done..done + k].copy_from_slice(&self.left[self.cursor..self.cursor + k]);
            right[done..done + k].copy_from_slice(&self.right[self.cursor..self.cursor + k]);
            self.cursor += k;
            done += k;
        }
    }

    #[cfg(feature = "audio")]
    /// Fills an interleaved buffer of `channels` channels: left and right into the
    /// first two (a mono device gets their mean), silence into the others.
    pub fn fill_interleaved(&mut self, out: &mut [f32], channels: usize) {
        let channels = channels.max(1);
        for frame in out.chunks_mut(channels) {
            if self.cursor == self.filled {
                self.next_block();
            }
            let (l, r) = (self.left[self.cursor], self.right[self.cursor]);
            self.cursor += 1;
            match frame {
                [mono] => *mono = 0.5 * (l + r),
                [a, b, rest @ ..] => {
                    *a = l;
                    *b = r;
                    rest.fill(0.0);
                }
                [] => {}
            }
        }
    }

    /// Computes the next block into `left`/`right`.
    fn next_block(&mut self) {
        let t0 = Instant::now();
        let start = self.frame;
        let frames = self.block;
        self.cursor = 0;
        self.filled = frames;
        if let Some(program) = self.limbo.take() {
            self.retire(program);
        }
        // Batches for blocks already past (after the query thread stalled) go back,
        // but a program riding on one still takes over, at this block.
        let mut swap = None;
        while let Ok(batch) = self.batches.peek() {
            if batch.start >= start {
                break;
            }
            if let Ok(mut batch) = self.batches.pop() {
                if let Some(s) = batch.swap.take() {
                    if let Some((old, _)) = swap.replace(s) {
                        self.retire(old);
                    }
                }
                self.give_back(batch);
            }
        }
        let mut batch = match self.batches.peek() {
            Ok(b) if b.start == start => self.batches.pop().ok(),
            _ => None,
        };
        if batch.is_none() {
            self.stats.late_blocks.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(s) = batch.as_mut().and_then(|b| b.swap.take()) {
            if let Some((old, _)) = swap.replace(s) {
                self.retire(old);
            }
        }
        {
            // (A swap from a batch already past keeps the clock the query thread
            // made for it: the events of the blocks after it were queried with it.)
            if let Some((mut program, clock)) = swap {
                if let Some(old) = self.fading.take() {
                    self.retire(old);
                }
                if let Some(old) = self.current.as_mut() {
                    let carry = std::mem::take(&mut program.carry);
                    program.runtime.take_over(&mut old.runtime, clock, &carry);
                    // The carry's vectors go back with the program when it is freed.
                    program.carry = carry;
                    let plan = std::mem::take(&mut program.engine_carry);
                    program
                        .runtime
                        .engine_mut()
                        .apply_carry(old.runtime.engine(), &plan);
                    program.engine_carry = plan;
                } else {
                    program.runtime.take_over_clock(clock, start);
                }
                // The patch's `limit:` takes over with it (the stage keeps its delay).
                self.master.set_engaged(program.runtime.graph().limit);
                self.stats.version.store(program.version, Ordering::Relaxed);
                self.stats.swapped_at.store(start, Ordering::Relaxed);
                self.fading = self.current.replace(program);
                self.faded = 0;
            }
        }
        let (events, fading_events) = match batch.as_mut() {
            Some(b) => (&mut b.events, Some(&mut b.fading)),
            None => (&mut self.none, None),
        };
        match self.current.as_mut() {
            Some(p) => p
                .runtime
                .process_events(events, &mut self.left, &mut self.right),
            None => {
                self.left.fill(0.0);
                self.right.fill(0.0);
            }
        }
        if let Some(old) = self.fading.as_mut() {
            let events = fading_events.unwrap_or(&mut self.none);
            old.runtime
                .process_events(events, &mut self.fade_left, &mut self.fade_right);
            // Linear crossfade, sample by sample: the gain of the new program rises
            // from 1/len to 1 over `fade_frames` frames.
            let len = self.fade_frames as f32;
            for i in 0..frames {
                let g = ((self.faded + i + 1) as f32 / len).min(1.0);
                self.left[i] = g * self.left[i] + (1.0 - g) * self.fade_left[i];
                self.right[i] = g * self.right[i] + (1.0 - g) * self.fade_right[i];
            }
            self.faded += frames;
            if self.faded >= self.fade_frames {
                if let Some(old) = self.fading.take() {
                    self.retire(old);
                }
            }
        }
        if let Some(b) = batch {
            self.give_back(b);
        }
        self.master
            .process(&mut self.left[..frames], &mut self.right[..frames]);
        self.frame += frames as u64;
        self.report(start, t0);
    }

    fn report(&mut self, start: u64, t0: Instant) {
        let ns = t0.elapsed().as_nanos().min(u128::from(u64::MAX)) as u64;
        self.times.record(ns);
        let s = &self.stats;
        s.frames.store(self.frame, Ordering::Relaxed);
        s.block_ns_last.store(ns, Ordering::Relaxed);
        s.block_ns_max.fetch_max(ns, Ordering::Relaxed);
        s.blocks.fetch_add(1, Ordering::Relaxed);
        s.block_ns_sum.fetch_add(ns, Ordering::Relaxed);
        if let Some(p) = self.current.as_deref() {
            let cycle = p.runtime.clock().cycle_at(start).to_f64();
            s.cycle_bits.store(cycle.to_bits(), Ordering::Relaxed);
            s.voices.store(p.runtime.voices_active(), Ordering::Relaxed);
        }
        let m = self.master.stats();
        s.peak_bits
            .fetch_max(self.master.block_peak().to_bits(), Ordering::Relaxed);
        s.out_peak_bits.store(m.output_peak.to_bits(), Ordering::Relaxed);
        s.in_peak_bits.store(m.input_peak.to_bits(), Ordering::Relaxed);
        s.min_gain_bits.store(m.min_gain.to_bits(), Ordering::Relaxed);
        s.limited_frames.store(m.limited_frames, Ordering::Relaxed);
        s.over_samples.store(m.over_samples, Ordering::Relaxed);
        s.limiter_mode.store(m.mode.code(), Ordering::Relaxed);
    }

    /// Hands a used batch back to the scheduler (its queue has room for every batch
    /// in flight, so this never fails; if it did, the batch would be kept, not
    /// dropped here).
    fn give_back(&mut self, batch: Box<Batch>) {
        if let Err(rtrb::PushError::Full(batch)) = self.returns.push(batch) {
            // Unreachable by construction (see `live::channels`); keep the memory
            // alive rather than free it on this thread.
            std::mem::forget(batch);
        }
    }

    fn retire(&mut self, program: Box<LiveProgram>) {
        if let Err(rtrb::PushError::Full(program)) = self.retired.push(program) {
            self.limbo = Some(program);
        }
    }
}
