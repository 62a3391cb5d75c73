//! The voices of every sound in a graph: the starts found in this block's events,
//! and one preallocated voice pool per `Voices` node.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::eval::SampledControl;
use crate::pattern::value::{Controls, Scalar};
use crate::samples::SampleBank;
use crate::voices::{StartError, VoicePool, VoiceStart};

/// An event onset waiting for its `Voices` node to run: the signals that its
/// controls sample are only known once the node's inputs have been computed.
#[derive(Clone, Debug)]
pub struct PendingStart {
    pub offset: usize,
    pub event_frames: f64,
    pub controls: Controls,
}

/// Voice pools and pending starts, one per sound of the graph.
pub struct SoundPlayer {
    bank: Arc<SampleBank>,
    pools: Vec<VoicePool>,
    pending: Vec<Vec<PendingStart>>,
    sampled: Vec<Vec<SampledControl>>,
    unknown: BTreeSet<String>,
    without_name: bool,
}

impl SoundPlayer {
    /// One pool of `voices` voices for each sound; `sampled[k]` lists the controls that
    /// sound `k` samples from its node's inputs.
    pub fn new(
        bank: Arc<SampleBank>,
        sampled: Vec<Vec<SampledControl>>,
        voices: usize,
        sample_rate: u32,
    ) -> SoundPlayer {
        let n = sampled.len();
        SoundPlayer {
            bank,
            pools: (0..n)
                .map(|_| VoicePool::new(voices, sample_rate))
                .collect(),
            pending: (0..n).map(|_| Vec::with_capacity(1024)).collect(),
            sampled,
            unknown: BTreeSet::new(),
            without_name: false,
        }
    }

    /// Forgets this block's starts (before the runtime collects the next ones).
    pub fn clear_pending(&mut self) {
        for p in &mut self.pending {
            p.clear();
        }
    }

    /// Queues an onset for sound `sound`.
    pub fn add_start(&mut self, sound: usize, start: PendingStart) {
        if let Some(p) = self.pending.get_mut(sound) {
            p.push(start);
        }
    }

    /// Starts this block's voices of sound `sound` (reading each sampled control from
    /// `inputs` at the onset frame) and adds the block's voices into `left`/`right`.
    pub fn render(&mut self, sound: usize, inputs: &[&[f32]], left: &mut [f32], right: &mut [f32]) {
        let (Some(pool), Some(pending), Some(sampled)) = (
            self.pools.get_mut(sound),
            self.pending.get_mut(sound),
            self.sampled.get(sound),
        ) else {
            return;
        };
        for start in pending.iter_mut() {
            for (k, control) in sampled.iter().enumerate() {
                let value = inputs
                    .get(k)
                    .and_then(|buf: &&[f32]| buf.get(start.offset).copied())
                    .unwrap_or(0.0);
                start
                    .controls
                    .set(control.control, Scalar::Num(f64::from(value)));
            }
            match VoiceStart::from_controls(
                &start.controls,
                start.offset,
                start.event_frames,
                &self.bank,
            ) {
                Ok(v) => pool.start(v),
                Err(StartError::UnknownSample(name)) => {
                    if !self.unknown.contains(&name) {
                        self.unknown.insert(name);
                    }
                }
                Err(StartError::NoSound) => self.without_name = true,
            }
        }
        pool.render(&self.bank, left, right);
    }

    /// The onsets of sound `sound` in the last block (with the controls they had
    /// before sampling signals).
    pub fn starts(&self, sound: usize) -> &[PendingStart] {
        self.pending.get(sound).map_or(&[], |p| p.as_slice())
    }

    /// Voices sounding, over all sounds.
    pub fn active(&self) -> usize {
        self.pools.iter().map(|p| p.active()).sum()
    }

    /// Sample names that events asked for and the bank does not have.
    pub fn unknown_names(&self) -> impl Iterator<Item = &str> {
        self.unknown.iter().map(|s| s.as_str())
    }

    /// Whether some sound event had no `s` at all.
    pub fn had_events_without_name(&self) -> bool {
        self.without_name
    }
}
