//! The voice pool: plays sample events sample-accurately, each voice with
//! SuperDirt's per-voice controls.
//!
//! A [`VoiceStart`] is one sample event (built from an event's controls by
//! [`VoiceStart::from_controls`]); [`VoicePool::start`] queues it, and the next
//! [`VoicePool::render`] activates it and adds every sounding voice into the block.
//!
//! ## Playback
//! A voice reads the slice `[round(begin*frames), round(end*frames))` of its sample.
//! Its read position at output frame `age` (frames since its onset) is
//! `pos0 + step*age` in 32.32 fixed point (exact integer arithmetic: any block split
//! gives the same positions, and a position inside a long sample keeps its
//! fraction, which `f32` would not), with `step = rate * bank_rate / pool_rate`
//! rounded to 2^-32 and clamped to ±65536.
//! Forwards, `pos0` is the slice start and the voice lasts `ceil(len/step)` frames;
//! backwards (negative rate), `pos0` is the slice's last frame and the voice lasts
//! `floor((len-1)/|step|) + 1` frames. Between frames the value is interpolated
//! linearly (`a + (b-a)*frac`, exact at integer positions, so rate ±1 reproduces
//! the sample exactly); the neighbour past the end of the data reads as 0. At rate
//! ±1 a contiguous loop without interpolation is used (same values, faster).
//!
//! ## Envelope
//! Piecewise linear in `age`, evaluated per segment as `e0 + es*k` (`k` = frames
//! since the segment's start, an exact `f32` integer: segments are split every 2^24
//! frames), so that rendering in blocks of any size gives the same values as one
//! long block. Segments: attack (0 to 1 over `attack` seconds), sustain (1),
//! release (from the current level down to 0 at the voice's end, over `release`
//! seconds; with `legato` the voice ends `legato * event` plus [`FADE_SECONDS`]
//! after its onset and the release lasts at least [`FADE_SECONDS`]), and fade (from
//! the current level to 0 over [`FADE_SECONDS`], after a cut or a steal). When attack
//! and release overlap, the attack ramp runs until it meets the release ramp.
//!
//! With `hold`, `decay` and `sus` (an ADSR with hold, [`start::Adsr`]): after the attack
//! the level stays 1 for `hold` seconds, falls linearly to `sus` over `decay`
//! seconds, and stays at `sus` until the release, which starts from the current
//! level. Without them the sustain level is 1, as above.
//!
//! ## Two paths
//! A voice with no effect control, glide, loop, hold/decay or send is *plain*
//! ([`VoiceStart::is_plain`]) and takes the sample path described above
//! (`sample.rs`). Any other voice takes the chain path (`voice.rs`,
//! `Voice::mix_chain`): its frames are read in chunks of [`chain::CHUNK`] into
//! scratch on the stack (positions `pos0 + step·t` exactly, or with `accelerate`
//! `pos0 + step·(t + a·t²/2)` with `a = accelerate / length`, the integral of
//! SuperDirt's rate line from `rate` to `rate·(1 + accelerate)`; with `loop`
//! wrapped into the slice, whose length is then multiplied by `loop`), run
//! through the voice's [`chain::Chain`] (its own channels, before the envelope),
//! then enveloped, panned and added into the block, and, times `room` and
//! `delay`, into its orbit's [`sends::Sends`]. The chain's state is inline in the
//! voice: nothing allocates.
//!
//! ## Cut groups and stealing
//! A new voice with cut group `g` schedules a fade, starting exactly at its onset
//! frame, on every earlier voice of group `g`. The pool holds `capacity` *live*
//! voices (not fading) plus a fixed headroom of fading slots
//! (`max(capacity/8, 64)`, all preallocated): when a start finds `capacity` live
//! voices, the oldest live voice is stolen: it gets a fade from the new voice's onset
//! and keeps sounding in the headroom until the fade ends. Only if the headroom is
//! also exhausted (more than headroom steals within 5 ms) is the oldest fading voice
//! dropped without finishing its fade. Starts beyond `capacity` in a single block
//! (plus headroom) are dropped. Nothing allocates after [`VoicePool::new`].

pub mod chain;
mod sample;
pub mod sends;
pub mod start;
mod voice;

pub use start::{semitones, sound_name, EventFrames, StartError, VoiceStart};
pub use voice::pan_gains;

use crate::samples::SampleBank;
use sends::Sends;
use voice::Voice;

/// Length of the fade after a cut, a steal and at the end of a legato voice.
pub const FADE_SECONDS: f64 = 0.005;

/// Fractional bits of the fixed-point read position.
const FRAC_BITS: u32 = 32;
const ONE: i64 = 1 << FRAC_BITS;

/// Segments are split at this many frames so that `k as f32` stays exact.
const MAX_SEGMENT: u64 = 1 << 24;

/// A queued start; `seq` keeps the order of starts at the same offset.
#[derive(Clone, Copy, Debug)]
struct Pending {
    start: VoiceStart,
    seq: u32,
}

/// A fixed-size pool of sample voices. See the module documentation.
pub struct VoicePool {
    sample_rate: u32,
    capacity: usize,
    fade: u64,
    /// Absolute frame of the start of the next block.
    now: u64,
    /// Sounding voices in activation order (oldest first); capacity + headroom.
    voices: Vec<Voice>,
    pending: Vec<Pending>,
    /// Voices without a scheduled cut/steal fade.
    live: usize,
    /// Frames of voices mixed since the pool was made (one voice for one frame is
    /// one): what `phonon bench` divides the voices' time by.
    mixed: u64,
}

impl VoicePool {
    pub const DEFAULT_CAPACITY: usize = 4096;

    /// A pool of `capacity` (at least 1) live voices at `sample_rate` (at least 1 Hz),
    /// plus `max(capacity/8, 64)` slots for voices fading out after a steal.
    pub fn new(capacity: usize, sample_rate: u32) -> VoicePool {
        let capacity = capacity.max(1);
        let sample_rate = sample_rate.max(1);
        let headroom = (capacity / 8).max(64);
        VoicePool {
            sample_rate,
            capacity,
            fade: ((FADE_SECONDS * sample_rate as f64).round() as u64).max(1),
            now: 0,
            voices: Vec::with_capacity(capacity + headroom),
            pending: Vec::with_capacity(capacity + headroom),
            live: 0,
            mixed: 0,
        }
    }

    /// Becomes a copy of `other`: the same voices at the same point of their
    /// samples (a reload: the new program goes on with the old one's voices while
    /// the old one, fading out, still plays its own). Allocates nothing when both
    /// pools were made with the same capacity; returns false, changing nothing, if
    /// `other` holds more than this pool can, or runs at another sample rate.
    pub fn copy_from(&mut self, other: &VoicePool) -> bool {
        if other.sample_rate != self.sample_rate
            || other.voices.len() > self.voices.capacity()
            || other.pending.len() > self.pending.capacity()
        {
            return false;
        }
        self.voices.clear();
        self.voices.extend_from_slice(&other.voices);
        self.pending.clear();
        self.pending.extend_from_slice(&other.pending);
        self.now = other.now;
        self.live = other.live;
        true
    }

    /// Queues a voice for the coming [`render`](VoicePool::render). A rate of 0 (or
    /// non-finite) is ignored, as are starts beyond `capacity + headroom` in one block.
    pub fn start(&mut self, v: VoiceStart) {
        if v.rate == 0.0 || !v.rate.is_finite() || self.pending.len() == self.pending.capacity() {
            return;
        }
        let seq = self.pending.len() as u32;
        self.pending.push(Pending { start: v, seq });
    }

    /// Adds this block's voices into `left` and `right` (the block is
    /// `min(left.len(), right.len())` frames), and what they send to the orbits
    /// into `sends` (each sending start also sets its orbit's parameters). Voices queued since the last render
    /// start at their offset inside this block.
    pub fn render(
        &mut self,
        bank: &SampleBank,
        left: &mut [f32],
        right: &mut [f32],
        sends: &mut Sends,
    ) {
        let n = left.len().min(right.len());
        self.pending
            .sort_unstable_by_key(|p| (p.start.offset, p.seq));
        for i in 0..self.pending.len() {
            let p = self.pending[i];
            let spec = p.start.sends;
            if spec.any() && p.start.offset < n {
                if let Some(o) = sends.orbits.get_mut(spec.orbit) {
                    o.params = Some((p.start.offset, spec.params));
                }
            }
            self.activate(&p.start, bank);
        }
        self.pending.clear();
        let (now, fade) = (self.now, self.fade);
        let (left, right) = (&mut left[..n], &mut right[..n]);
        let mut live = 0;
        let mixed = &mut self.mixed;
        self.voices.retain_mut(|v| {
            let data = v.sample.map_or(&[][..], |id| &bank.sample(id).data[..]);
            let alive = v.render(data, (now, fade), left, right, sends, mixed);
            if alive && v.is_live() {
                live += 1;
            }
            alive
        });
        self.live = live;
        self.now += n as u64;
    }

    /// Frames of voices mixed so far (a voice sounding for a frame is one).
    pub fn mixed_frames(&self) -> u64 {
        self.mixed
    }

    fn activate(&mut self, s: &VoiceStart, bank: &SampleBank) {
        let onset = self.now.saturating_add(s.offset as u64);
        let Some(voice) = Voice::new(s, bank, onset, self.sample_rate, self.fade) else {
            return;
        };
        if let Some(g) = s.cut {
            for v in self.voices.iter_mut() {
                if v.cut == Some(g) && v.onset <= onset {
                    if v.is_live() {
                        self.live = self.live.saturating_sub(1);
                    }
                    v.kill_at(onset);
                }
            }
        }
        if self.live >= self.capacity {
            // A voice that has ended by this onset only waits for its removal at the
            // end of the render: free its slot first (what rendering up to the onset
            // would have done), otherwise steal the oldest live voice.
            let fade = self.fade;
            let victim = match self
                .voices
                .iter()
                .position(|v| v.is_live() && v.ends_by(onset, fade))
            {
                Some(i) => Some(i),
                None => self.voices.iter().position(Voice::is_live),
            };
            if let Some(v) = victim.and_then(|i| self.voices.get_mut(i)) {
                v.kill_at(onset);
                self.live = self.live.saturating_sub(1);
            }
        }
        if self.voices.len() == self.voices.capacity() {
            // Headroom exhausted: drop a voice that has ended, or else the oldest
            // fading voice, outright.
            let fade = self.fade;
            let victim = self
                .voices
                .iter()
                .position(|v| v.ends_by(onset, fade))
                .or_else(|| self.voices.iter().position(|v| !v.is_live()))
                .unwrap_or(0);
            if victim < self.voices.len() {
                if self.voices[victim].is_live() {
                    self.live = self.live.saturating_sub(1);
                }
                self.voices.remove(victim);
            }
        }
        self.voices.push(voice);
        self.live += 1;
    }

    /// Voices sounding or scheduled (including fading ones).
    pub fn active(&self) -> usize {
        self.voices.len()
    }

    #[cfg(any(test, feature = "testing"))]
    /// Silences everything at once and forgets queued starts.
    pub fn reset(&mut self) {
        self.voices.clear();
        self.pending.clear();
        self.live = 0;
        self.now = 0;
    }
}
