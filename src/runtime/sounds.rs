//! The voices of every sound in a graph: the starts found in this block's events,
//! and one preallocated voice pool per `Voices` node.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::diag::SrcSpan;
use crate::ir::{Graph, SampledInput, SoundSource};
use crate::pattern::value::{Controls, Scalar, Value};
use crate::samples::SampleBank;
use crate::time::{r, Span};
use crate::voices::sends::Sends;
use super::voice_defs::DefPool;
use crate::voices::{sound_name, EventFrames, StartError, VoicePool, VoiceStart};

/// The most signals one sound samples (one per control, with room to spare).
pub const MAX_SAMPLED: usize = 16;

/// The cycles [`named_samples`] looks at: a name a sound first plays later (in a
/// `slow 128`, or a random choice that first falls on it after them) is not loaded,
/// and its events are reported as unknown samples when they come.
pub const NAMING_CYCLES: i64 = 64;

/// [`named_samples`] stops looking at a sound after the cycle that passes this many
/// events, which bounds the time a compile spends on it: a sound of 64 events a
/// cycle is looked at for all 64 cycles, the stress fixture's 512 for 9 (about
/// 20 ms for its 16 sounds).
pub const NAMING_EVENTS: usize = 1 << 12;

/// The sample names the sounds of `graph` play (each sound's [`sound_samples`]).
/// What the runtime loads from the bank before anything plays (see
/// [`crate::runtime::Runtime::new`]).
pub fn named_samples(graph: &Graph) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for sound in &graph.sounds {
        names.append(&mut sound_samples(sound));
    }
    names.retain(|n| !n.starts_with('~'));
    names
}

/// The names neither `bank` nor the built-in synths know that the sounds of `graph` play (see
/// [`sound_samples`]), each with the source of the first sound that plays it:
/// `phonon check`'s warnings, before anything plays.
pub fn unknown_samples(graph: &Graph, bank: &SampleBank) -> Vec<(String, Option<SrcSpan>)> {
    let mut unknown: Vec<(String, Option<SrcSpan>)> = Vec::new();
    for sound in &graph.sounds {
        for name in sound_samples(sound) {
            let synth = crate::dsp::synth::SynthKind::from_name(&name).is_some();
            let voice = plays_voice(graph, &name);
            if !bank.knows(&name) && !synth && !voice && !unknown.iter().any(|(n, _)| *n == name) {
                unknown.push((name, sound.span));
            }
        }
    }
    unknown
}

/// Whether an event's `s` of `name` plays one of `graph`'s voice definitions
/// (`~pluck`).
pub fn plays_voice(graph: &Graph, name: &str) -> bool {
    name.strip_prefix('~')
        .is_some_and(|v| graph.voices.iter().any(|d| d.name == v))
}

/// The sample names one sound plays: every `s` of its events over cycles
/// `0..NAMING_CYCLES`, queried cycle by cycle (one cycle's events held at a time),
/// the look ending after the cycle that passes `NAMING_EVENTS` events or whose
/// query fails (time overflow, or past its work budget).
pub fn sound_samples(sound: &SoundSource) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut events = Vec::new();
    let mut digits = [0u8; 32];
    let mut seen = 0usize;
    for c in 0..NAMING_CYCLES {
        events.clear();
        let span = Span::new(r(c, 1), r(c + 1, 1));
        // Bounded like every query: a pattern bomb ends the look, it does not
        // exhaust memory here.
        if sound.pattern.query_checked_into(span, &mut events).is_err() {
            break;
        }
        for ev in &events {
            let sound_value;
            let controls = match &ev.value {
                Value::Controls(c) => c,
                other => {
                    sound_value = crate::pattern::transforms::sound::sound_value(other);
                    match &sound_value {
                        Value::Controls(c) => c,
                        _ => continue,
                    }
                }
            };
            if let Some(name) = sound_name(controls, &mut digits) {
                if !names.contains(name) {
                    names.insert(name.to_string());
                }
            }
        }
        seen += events.len();
        if seen > NAMING_EVENTS {
            break;
        }
    }
    names
}

/// An event onset waiting for its `Voices` node to run: the signals that its
/// controls sample are only known once the node's inputs have been computed.
#[derive(Clone, Debug)]
pub struct PendingStart {
    pub offset: usize,
    pub event_frames: f64,
    /// Frames of one cycle at the event (for `unit "c"`).
    pub cycle_frames: f64,
    pub controls: Controls,
}

/// One sound's voice pool, its pending starts and what went wrong starting them: a
/// slot can be borrowed mutably on its own, so the `voices` calls of one stage (each
/// its own sound) can run on different threads.
pub struct SoundSlot {
    pool: VoicePool,
    pending: Vec<PendingStart>,
    sampled: Vec<SampledInput>,
    unknown: BTreeSet<String>,
    /// Whether `pending` holds this block's starts (false when the block's events
    /// came too late: the stale starts are kept, not dropped, and not played).
    fresh: bool,
    /// Whether `render` times itself (`phonon bench`), and the time it took so far.
    timed: bool,
    voice_nanos: u64,
    /// What this sound's voices send to the orbits in the block (cleared when the
    /// block's render starts; the runtime sums every sound's into the orbits).
    sends: Sends,
    /// The voices of the voice definitions this sound plays (`s "~pluck"`).
    defs: Vec<DefPool>,
}

/// Voice pools and pending starts, one slot per sound of the graph.
pub struct SoundPlayer {
    bank: Arc<SampleBank>,
    slots: Vec<SoundSlot>,
}

impl SoundPlayer {
    /// One pool of `voices` voices for each sound, and its sends to the orbits for
    /// blocks of up to `block` frames; `sampled[k]` lists the controls that sound `k`
    /// samples from its node's inputs.
    pub fn new(
        bank: Arc<SampleBank>,
        sampled: Vec<Vec<SampledInput>>,
        voices: usize,
        sample_rate: u32,
        block: usize,
    ) -> SoundPlayer {
        SoundPlayer {
            bank,
            slots: sampled
                .into_iter()
                .map(|sampled| SoundSlot {
                    pool: VoicePool::new(voices, sample_rate),
                    pending: Vec::with_capacity(256),
                    sampled,
                    unknown: BTreeSet::new(),
                    fresh: true,
                    timed: false,
                    voice_nanos: 0,
                    sends: Sends::new(block),
                    defs: Vec::new(),
                })
                .collect(),
        }
    }

    /// Gives sound `sound` a pool of a voice definition's voices.
    pub fn add_def_pool(&mut self, sound: usize, pool: DefPool) {
        if let Some(slot) = self.slots.get_mut(sound) {
            slot.defs.push(pool);
        }
    }

    /// Gives sound `sound` a copy of the voices of `other`'s sound `theirs` (a
    /// reload: the voices sounding in the old program go on in the new one, and in
    /// the old one while it fades out, so the crossfade of the two is seamless).
    /// Allocates nothing.
    pub fn copy_voices(&mut self, sound: usize, other: &SoundPlayer, theirs: usize) {
        if let (Some(a), Some(b)) = (self.slots.get_mut(sound), other.slots.get(theirs)) {
            a.pool.copy_from(&b.pool);
            for d in &mut a.defs {
                if let Some(o) = b.defs.iter().find(|o| o.name() == d.name()) {
                    d.copy_from(o);
                }
            }
        }
    }

    /// The sample bank and every sound's slot, each borrowable on its own.
    pub fn slots_mut(&mut self) -> (&SampleBank, &mut [SoundSlot]) {
        (&self.bank, &mut self.slots)
    }

    /// Starts this block's voices of sound `sound` (reading each sampled control from
    /// `inputs` at the onset frame) and adds the block's voices into `left`/`right`.
    pub fn render(&mut self, sound: usize, inputs: &[&[f32]], left: &mut [f32], right: &mut [f32]) {
        if let Some(slot) = self.slots.get_mut(sound) {
            slot.render(&self.bank, inputs, left, right);
        }
    }

    #[cfg(any(test, feature = "testing"))]
    /// The onsets of sound `sound` in the last block (with the controls they had
    /// before sampling signals).
    pub fn starts(&self, sound: usize) -> &[PendingStart] {
        self.slots.get(sound).map_or(&[], |s| s.pending.as_slice())
    }

    /// Makes every sound time its voices (starting and mixing them), or stop.
    pub fn set_timing(&mut self, on: bool) {
        for s in &mut self.slots {
            s.timed = on;
        }
    }

    /// The time spent starting and mixing voices while timing was on, and the
    /// frames of voices mixed over the pools' lives (sum over all sounds).
    pub fn voice_time(&self) -> (Duration, u64) {
        let nanos = self.slots.iter().map(|s| s.voice_nanos).sum();
        let frames = self
            .slots
            .iter()
            .map(|s| s.pool.mixed_frames() + s.defs.iter().map(|d| d.mixed_frames()).sum::<u64>())
            .sum();
        (Duration::from_nanos(nanos), frames)
    }

    /// Every sound's sends to the orbits in the last block.
    pub fn sends(&self) -> impl Iterator<Item = &Sends> {
        self.slots.iter().map(|s| &s.sends)
    }

    /// Voices sounding, over all sounds.
    pub fn active(&self) -> usize {
        self.slots.iter().map(|s| s.active()).sum()
    }

    /// Sample names that events asked for and the bank does not have (over all
    /// sounds, sorted, each once).
    pub fn unknown_names(&self) -> impl Iterator<Item = &str> {
        self.slots
            .iter()
            .flat_map(|s| s.unknown.iter().map(|n| n.as_str()))
            .collect::<BTreeSet<&str>>()
            .into_iter()
    }
}

impl SoundSlot {
    /// This block's pending starts (the feed fills them).
    pub fn pending_mut(&mut self) -> &mut Vec<PendingStart> {
        &mut self.pending
    }

    /// Whether the pending starts are this block's (see [`crate::runtime::feed::Feeder::apply_none`]).
    pub fn set_fresh(&mut self, fresh: bool) {
        self.fresh = fresh;
    }

    /// Starts waiting for this block's render.
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    /// Voices sounding in this sound's pools.
    pub fn active(&self) -> usize {
        self.pool.active() + self.defs.iter().map(|d| d.active()).sum::<usize>()
    }

    /// What this sound's voices sent to the orbits in the last block.
    pub fn sends(&self) -> &Sends {
        &self.sends
    }

    /// The sends, to be filled (the voices add into them while rendering).
    pub fn sends_mut(&mut self) -> &mut Sends {
        &mut self.sends
    }

    /// Starts this block's voices (reading each sampled control from `inputs` at the
    /// onset frame) and adds the block's voices into `left`/`right`.
    pub fn render(
        &mut self,
        bank: &SampleBank,
        inputs: &[&[f32]],
        left: &mut [f32],
        right: &mut [f32],
    ) {
        // Two reads of the monotonic clock, no allocation: cheap enough for the audio
        // path, and only when asked for.
        let t0 = self.timed.then(Instant::now);
        self.sends.clear();
        let pending = if self.fresh {
            &mut self.pending[..]
        } else {
            &mut [][..]
        };
        for start in pending.iter_mut() {
            for (k, control) in self.sampled.iter().enumerate() {
                let value = inputs
                    .get(k)
                    .and_then(|buf: &&[f32]| buf.get(start.offset).copied())
                    .unwrap_or(0.0);
                start
                    .controls
                    .set(control.control, Scalar::Num(f64::from(value)));
            }
            let at = EventFrames {
                offset: start.offset,
                event: start.event_frames,
                cycle: start.cycle_frames,
            };
            let mut digits = [0u8; 32];
            if let Some(name) = sound_name(&start.controls, &mut digits) {
                if name.starts_with('~') {
                    match self.defs.iter_mut().find(|d| d.name() == name) {
                        Some(d) => d.start(&start.controls, at),
                        None => {
                            if !self.unknown.contains(name) {
                                self.unknown.insert(name.to_string());
                            }
                        }
                    }
                    continue;
                }
            }
            match VoiceStart::from_event(&start.controls, at, bank) {
                Ok(v) => self.pool.start(v),
                Err(StartError::UnknownSample(name)) => {
                    if !self.unknown.contains(&name) {
                        self.unknown.insert(name);
                    }
                }
                Err(StartError::NoSound) => {}
            }
        }
        self.pool.render(bank, left, right, &mut self.sends);
        for d in &mut self.defs {
            d.render(left, right, &mut self.sends);
        }
        if let Some(t0) = t0 {
            let nanos = u64::try_from(t0.elapsed().as_nanos()).unwrap_or(u64::MAX);
            self.voice_nanos = self.voice_nanos.saturating_add(nanos);
        }
    }
}
