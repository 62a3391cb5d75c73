//! The voice pool: plays sample events sample-accurately.
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

pub mod sends;

use std::fmt;
use std::io::Write;

use crate::pattern::value::{Control, Controls, Scalar};
use crate::samples::{SampleBank, SampleId};

/// Length of the fade after a cut, a steal and at the end of a legato voice.
pub const FADE_SECONDS: f64 = 0.005;

/// Fractional bits of the fixed-point read position.
const FRAC_BITS: u32 = 32;
const ONE: i64 = 1 << FRAC_BITS;

/// Segments are split at this many frames so that `k as f32` stays exact.
const MAX_SEGMENT: u64 = 1 << 24;

/// One sample event, ready for [`VoicePool::start`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VoiceStart {
    /// The frame inside the coming block where the voice starts (a larger offset
    /// starts it in a later block).
    pub offset: usize,
    pub sample: SampleId,
    /// Linear amplitude; negative or non-finite counts as 0.
    pub gain: f32,
    /// 0 (left) .. 1 (right), 0.5 the centre, clamped; non-finite counts as 0.5.
    pub pan: f32,
    /// Playback rate, `speed * 2^(note/12)`; negative plays backwards; 0 or
    /// non-finite is not played.
    pub rate: f64,
    /// Slice of the sample, 0..1 each (clamped); `end <= begin` is not played.
    pub begin: f64,
    pub end: f64,
    pub cut: Option<i64>,
    /// Frames the voice lasts before its short release (from `legato`).
    pub length: Option<f64>,
    /// Seconds (negative or non-finite count as 0).
    pub attack: f32,
    pub release: f32,
}

/// Why an event does not make a voice.
#[derive(Clone, Debug, PartialEq)]
pub enum StartError {
    /// The event has no `s`.
    NoSound,
    /// The bank has no sample of this name.
    UnknownSample(String),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::NoSound => write!(f, "the event has no sound (`s`)"),
            StartError::UnknownSample(name) => write!(f, "unknown sample `{name}`"),
        }
    }
}

impl std::error::Error for StartError {}

impl VoiceStart {
    #[cfg(any(test, feature = "testing"))]
    /// A start of `sample` at `offset` with every parameter at its default.
    pub fn new(sample: SampleId, offset: usize) -> VoiceStart {
        VoiceStart {
            offset,
            sample,
            gain: 1.0,
            pan: 0.5,
            rate: 1.0,
            begin: 0.0,
            end: 1.0,
            cut: None,
            length: None,
            attack: 0.0,
            release: 0.0,
        }
    }

    /// Builds a start from an event's controls: `s` (a word, or a number such as
    /// `808` read as its digits), `n` (variant, wraps), `gain`, `pan`, `speed`
    /// (default 1), `note` (semitones; a note name or note value counts as its MIDI
    /// number minus 60, so `c4` is the sample's own pitch), `begin`, `end`, `cut`
    /// (floored; 0 means no group, as in SuperDirt), `legato` (in units of
    /// `event_frames`, the event's whole duration in frames), `attack`, `release`.
    /// Allocates only on the error path (the unknown name).
    pub fn from_controls(
        controls: &Controls,
        offset: usize,
        event_frames: f64,
        bank: &SampleBank,
    ) -> Result<VoiceStart, StartError> {
        let mut digits = [0u8; 32];
        let name = sound_name(controls, &mut digits).ok_or(StartError::NoSound)?;
        let num = |c: Control| controls.get_f64(c).filter(|x| x.is_finite());
        let n = num(Control::N).unwrap_or(0.0);
        let sample = bank
            .find(name, n)
            .ok_or_else(|| StartError::UnknownSample(name.to_string()))?;
        let semitones = semitones(controls).unwrap_or(0.0);
        let speed = num(Control::Speed).unwrap_or(1.0);
        let rate = speed * (semitones / 12.0).exp2();
        let length = num(Control::Legato).map(|l| l * event_frames);
        let cut = num(Control::Cut)
            .map(|c| c.floor().clamp(i64::MIN as f64, i64::MAX as f64) as i64)
            .filter(|&c| c != 0);
        Ok(VoiceStart {
            offset,
            sample,
            gain: num(Control::Gain).unwrap_or(1.0) as f32,
            pan: num(Control::Pan).unwrap_or(0.5) as f32,
            rate: if rate.is_finite() { rate } else { 0.0 },
            begin: num(Control::Begin).unwrap_or(0.0),
            end: num(Control::End).unwrap_or(1.0),
            cut,
            length,
            attack: num(Control::Attack).unwrap_or(0.0) as f32,
            release: num(Control::Release).unwrap_or(0.0) as f32,
        })
    }
}

/// The pitch an event's controls ask for, in semitones from the sample's own pitch:
/// its `note`, a number as it is, a note name or note value as its MIDI number minus
/// 60 (`c4` is the sample's own pitch). `None` without a `note`.
pub fn semitones(controls: &Controls) -> Option<f64> {
    match controls.get(Control::Note).and_then(Scalar::numeric)? {
        (x, true) => Some(x - 60.0),
        (x, false) => Some(x),
    }
}

/// The sample name an event's controls play: its `s`, a word, or a number such as
/// `808` read as its digits (written into `digits`, without allocating). `None`
/// without an `s`.
pub fn sound_name<'a>(controls: &'a Controls, digits: &'a mut [u8; 32]) -> Option<&'a str> {
    match controls.get(Control::S)? {
        Scalar::Word(w) => Some(w),
        Scalar::Num(x) | Scalar::Note(x) => Some(number_name(*x, digits)),
    }
}

/// Writes a number as a sample name (`808`, `1.5`) into `buf` without allocating.
fn number_name(x: f64, buf: &mut [u8; 32]) -> &str {
    let mut cursor = &mut buf[..];
    let ok = if x.fract() == 0.0 && x.abs() < 1e15 {
        write!(cursor, "{}", x as i64)
    } else {
        write!(cursor, "{x}")
    };
    let written = 32 - cursor.len();
    if ok.is_err() {
        return "";
    }
    std::str::from_utf8(&buf[..written]).unwrap_or("")
}

/// A queued start; `seq` keeps the order of starts at the same offset.
#[derive(Clone, Copy, Debug)]
struct Pending {
    start: VoiceStart,
    seq: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Attack,
    Sustain,
    Release,
    Fade,
}

/// A sounding voice. All times are in output frames since the onset (`age`).
#[derive(Clone, Copy, Debug)]
struct Voice {
    sample: SampleId,
    channels: usize,
    onset: u64,
    age: u64,
    /// The voice ends (is removed) when `age` reaches `len`.
    len: u64,
    /// First frame read (slice start, or its last frame backwards).
    pos0: i64,
    /// Frames advanced per output frame, fixed point with [`FRAC_BITS`] bits.
    step: i64,
    gl: f32,
    gr: f32,
    /// The attack ramp runs while `age < attack_end` (at most `attack`).
    attack: u64,
    attack_end: u64,
    rel_start: u64,
    /// Age at which a cut/steal fade starts; `u64::MAX` when none is scheduled.
    kill: u64,
    cut: Option<i64>,
    stage: Stage,
    // The current segment: env(age) = e0 + es * (age - seg_start) for age < seg_end.
    e0: f32,
    es: f32,
    seg_start: u64,
    seg_end: u64,
}

impl Voice {
    /// The voice for `s` with onset at absolute frame `onset`, or `None` when it
    /// would be silent (rate 0, empty slice, non-positive legato length).
    fn new(
        s: &VoiceStart,
        bank: &SampleBank,
        onset: u64,
        pool_rate: u32,
        fade: u64,
    ) -> Option<Voice> {
        let sample = bank.sample(s.sample);
        let frames = sample.frames as f64;
        let clamp01 = |x: f64, default: f64| {
            if x.is_nan() {
                default
            } else {
                x.clamp(0.0, 1.0)
            }
        };
        let b = (clamp01(s.begin, 0.0) * frames).round();
        let e = (clamp01(s.end, 1.0) * frames).round();
        let step = s.rate * bank.rate() as f64 / pool_rate as f64;
        if e <= b || !step.is_finite() {
            return None;
        }
        // Fixed point, |step| <= 2^16 frames per frame (a voice that fast lasts a
        // few frames anyway).
        let step_fp = (step.clamp(-65536.0, 65536.0) * ONE as f64).round() as i64;
        if step_fp == 0 {
            return None;
        }
        let step = step_fp as f64 / ONE as f64;
        let slice = e - b;
        let (pos0, n) = if step > 0.0 {
            (b, (slice / step).ceil())
        } else {
            (e - 1.0, ((slice - 1.0) / -step).floor() + 1.0)
        };
        let (pos0, step) = (pos0 as i64, step_fp);
        let mut len = n.min(1e15) as u64;
        let seconds = |x: f32| {
            let f = x as f64 * pool_rate as f64;
            if f.is_finite() && f > 0.0 {
                f.min(1e15).round() as u64
            } else {
                0
            }
        };
        let mut release = seconds(s.release);
        if let Some(l) = s.length {
            if l.is_nan() || l <= 0.0 {
                return None;
            }
            len = len.min((l.min(1e15).ceil() as u64).saturating_add(fade));
            release = release.max(fade);
        }
        if len == 0 {
            return None;
        }
        let attack = seconds(s.attack);
        let release = release.min(len);
        let rel_start = len - release;
        let attack_end = if attack > 0 && rel_start < attack {
            // Where the attack ramp a/A meets the release ramp (len-a)/R.
            let cross = len as f64 * attack as f64 / (attack as f64 + release as f64);
            attack.min(cross.floor() as u64)
        } else {
            attack
        };
        let gain = if s.gain.is_finite() {
            s.gain.max(0.0)
        } else {
            0.0
        };
        // `pan` as SuperDirt reads it: 0 left, 0.5 centre, 1 right.
        let pan = if s.pan.is_finite() {
            s.pan.clamp(0.0, 1.0)
        } else {
            0.5
        };
        let (gl, gr) = if sample.channels == 2 {
            // Balance: the centre leaves both channels as they are.
            (
                gain * (2.0 - 2.0 * pan).min(1.0),
                gain * (2.0 * pan).min(1.0),
            )
        } else {
            // Equal power: cos and sin of pan * 90°.
            let theta = pan as f64 * std::f64::consts::FRAC_PI_2;
            // Exact zeros at the extremes (cos(pi/2) is 6e-17 in floating point).
            let (c, s) = (theta.cos() as f32, theta.sin() as f32);
            (
                if pan >= 1.0 { 0.0 } else { gain * c },
                if pan <= 0.0 { 0.0 } else { gain * s },
            )
        };
        Some(Voice {
            sample: s.sample,
            channels: sample.channels,
            onset,
            age: 0,
            len,
            pos0,
            step,
            gl,
            gr,
            attack,
            attack_end,
            rel_start,
            kill: u64::MAX,
            cut: s.cut,
            stage: Stage::Sustain,
            // The level before the first segment: the attack starts from 0.
            e0: if attack > 0 { 0.0 } else { 1.0 },
            es: 0.0,
            seg_start: 0,
            seg_end: 0,
        })
    }

    fn is_live(&self) -> bool {
        self.kill == u64::MAX
    }

    /// Schedules a fade starting at absolute frame `at`.
    fn kill_at(&mut self, at: u64) {
        let k = at.saturating_sub(self.onset);
        if k < self.kill {
            self.kill = k;
            if self.stage != Stage::Fade {
                self.seg_end = self.seg_end.min(k.max(self.age));
            }
        }
    }

    /// Whether the voice is silent from absolute frame `t` on.
    fn ends_by(&self, t: u64, fade: u64) -> bool {
        let end = if self.is_live() {
            self.len
        } else {
            self.len.min(self.kill.saturating_add(fade))
        };
        self.onset.saturating_add(end) <= t
    }

    fn env_now(&self) -> f32 {
        let k = (self.age - self.seg_start) as f32;
        (self.e0 + self.es * k).clamp(0.0, 1.0)
    }

    fn set_segment(&mut self, stage: Stage, e0: f32, es: f32, end: u64) {
        self.stage = stage;
        self.e0 = e0;
        self.es = es;
        self.seg_start = self.age;
        self.seg_end = end.min(self.age + MAX_SEGMENT);
    }

    /// Chooses the segment starting at the current age; `false` when the voice has
    /// ended.
    fn plan(&mut self, fade: u64) -> bool {
        let age = self.age;
        if age >= self.len {
            return false;
        }
        let cur = self.env_now();
        if self.stage == Stage::Fade {
            // A long fade split at MAX_SEGMENT cannot happen (fade is short), but
            // keep going down to the end if it does.
            let left = (self.len - age) as f32;
            self.set_segment(Stage::Fade, cur, -cur / left, self.len);
        } else if age >= self.kill {
            let f = fade.min(self.len - age).max(1);
            self.len = age + f;
            self.set_segment(Stage::Fade, cur, -cur / f as f32, self.len);
        } else if age < self.attack_end {
            let a = self.attack as f32;
            let end = self.attack_end.min(self.kill).min(self.len);
            self.set_segment(Stage::Attack, age as f32 / a, 1.0 / a, end);
        } else if age < self.rel_start {
            let end = self.rel_start.min(self.kill).min(self.len);
            self.set_segment(Stage::Sustain, 1.0, 0.0, end);
        } else {
            let left = (self.len - age) as f32;
            let end = self.len.min(self.kill);
            self.set_segment(Stage::Release, cur, -cur / left, end);
        }
        true
    }

    /// Adds this voice into `left`/`right` (the whole block, starting at absolute
    /// frame `now`), counting the frames it added in `mixed`. Returns whether the
    /// voice is still alive after the block.
    fn render(
        &mut self,
        data: &[f32],
        (now, fade): (u64, u64),
        left: &mut [f32],
        right: &mut [f32],
        mixed: &mut u64,
    ) -> bool {
        let n = left.len().min(right.len()) as u64;
        let mut i = self.onset.saturating_sub(now);
        if i >= n {
            return true;
        }
        let mut replans = 0;
        while i < n {
            if self.age >= self.seg_end {
                replans += 1;
                if replans > 16 || !self.plan(fade) {
                    return false;
                }
                continue;
            }
            let run = (n - i).min(self.seg_end - self.age);
            let (a, b) = (i as usize, (i + run) as usize);
            self.mix(data, &mut left[a..b], &mut right[a..b]);
            *mixed += run;
            self.age += run;
            i += run;
        }
        self.age < self.len
    }

    /// Adds `left.len()` frames of the current segment, starting at the current age.
    fn mix(&self, data: &[f32], left: &mut [f32], right: &mut [f32]) {
        let run = left.len();
        let k0 = (self.age - self.seg_start) as i32;
        let env = Env {
            e0: self.e0,
            es: self.es,
            k0,
            gl: self.gl,
            gr: self.gr,
        };
        let stereo = self.channels == 2;
        if self.step == ONE || self.step == -ONE {
            let forward = self.step > 0;
            let p = self.pos0.max(0) as u64;
            let first = if forward {
                p.checked_add(self.age)
            } else {
                p.checked_sub(self.age + run as u64 - 1)
            };
            let ch = self.channels as u64;
            let slice = first.and_then(|f| {
                let start = usize::try_from(f * ch).ok()?;
                data.get(start..start.checked_add(run * self.channels)?)
            });
            if let Some(src) = slice {
                match (stereo, forward) {
                    (false, true) => mix_mono(src.iter(), env, left, right),
                    (false, false) => mix_mono(src.iter().rev(), env, left, right),
                    (true, true) => mix_stereo(src.chunks_exact(2), env, left, right),
                    (true, false) => mix_stereo(src.chunks_exact(2).rev(), env, left, right),
                }
                return;
            }
        }
        // The fixed-point position of the first frame, exact (i128: no overflow).
        let start = ((self.pos0 as i128) << FRAC_BITS) + self.step as i128 * self.age as i128;
        if stereo {
            mix_interp::<2>(data, start, self.step, env, left, right);
        } else {
            mix_interp::<1>(data, start, self.step, env, left, right);
        }
    }
}

/// The per-segment envelope and pan gains: frame `j` gets `(e0 + es*(k0+j)) * g`.
#[derive(Clone, Copy)]
struct Env {
    e0: f32,
    es: f32,
    k0: i32,
    gl: f32,
    gr: f32,
}

#[inline(always)]
fn mix_mono<'a>(src: impl Iterator<Item = &'a f32>, env: Env, left: &mut [f32], right: &mut [f32]) {
    for (j, ((x, l), r)) in src.zip(left.iter_mut()).zip(right.iter_mut()).enumerate() {
        let e = env.e0 + env.es * (env.k0 + j as i32) as f32;
        let y = x * e;
        *l += y * env.gl;
        *r += y * env.gr;
    }
}

#[inline(always)]
fn mix_stereo<'a>(
    src: impl Iterator<Item = &'a [f32]>,
    env: Env,
    left: &mut [f32],
    right: &mut [f32],
) {
    for (j, ((x, l), r)) in src.zip(left.iter_mut()).zip(right.iter_mut()).enumerate() {
        let e = env.e0 + env.es * (env.k0 + j as i32) as f32;
        if let [a, b] = x {
            *l += a * e * env.gl;
            *r += b * e * env.gr;
        }
    }
}

/// Linear interpolation at the fixed-point positions `start + step*j` for any rate.
/// Positions are exact integers (32.32 fixed point), so the values do not depend on
/// how the voice is split into blocks. When every frame the run reads lies inside
/// the data (the usual case), a tight loop reads a pre-cut slice; otherwise each
/// read is checked and frames outside the data read as 0.
#[inline(always)]
fn mix_interp<const CH: usize>(
    data: &[f32],
    start: i128,
    step: i64,
    env: Env,
    left: &mut [f32],
    right: &mut [f32],
) {
    let run = left.len().min(right.len());
    if run == 0 {
        return;
    }
    let frames = (data.len() / CH) as i128;
    let end = start + step as i128 * (run as i128 - 1);
    let (lo, hi) = (start.min(end), start.max(end));
    const SCALE: f32 = 1.0 / ONE as f32;
    if lo >= 0 && (hi >> FRAC_BITS) + 1 < frames {
        // Every index (and its neighbour) is in the slice: positions relative to it.
        let base = (lo >> FRAC_BITS) as usize;
        let last = (hi >> FRAC_BITS) as usize + 1;
        let src = &data[base * CH..(last + 1) * CH];
        let mut p = (start - ((base as i128) << FRAC_BITS)) as i64;
        for (j, (l, r)) in left.iter_mut().zip(right.iter_mut()).enumerate() {
            let i = (p >> FRAC_BITS) as usize * CH;
            let frac = (p & (ONE - 1)) as f32 * SCALE;
            let e = env.e0 + env.es * (env.k0 + j as i32) as f32;
            if CH == 2 {
                if let (Some(&a0), Some(&b0), Some(&a1), Some(&b1)) =
                    (src.get(i), src.get(i + 1), src.get(i + 2), src.get(i + 3))
                {
                    *l += (a0 + (a1 - a0) * frac) * e * env.gl;
                    *r += (b0 + (b1 - b0) * frac) * e * env.gr;
                }
            } else if let (Some(&a), Some(&b)) = (src.get(i), src.get(i + 1)) {
                let y = (a + (b - a) * frac) * e;
                *l += y * env.gl;
                *r += y * env.gr;
            }
            p += step;
        }
        return;
    }
    let at = |i: i128| -> f32 {
        if i < 0 || i >= data.len() as i128 {
            0.0
        } else {
            data[i as usize]
        }
    };
    for (j, (l, r)) in left.iter_mut().zip(right.iter_mut()).enumerate() {
        let p = start + step as i128 * j as i128;
        let i = p >> FRAC_BITS;
        let frac = (p & (ONE as i128 - 1)) as f32 * SCALE;
        let e = env.e0 + env.es * (env.k0 + j as i32) as f32;
        if CH == 2 {
            let (i0, i1) = (i * 2, i * 2 + 2);
            let a = at(i0) + (at(i1) - at(i0)) * frac;
            let b = at(i0 + 1) + (at(i1 + 1) - at(i0 + 1)) * frac;
            *l += a * e * env.gl;
            *r += b * e * env.gr;
        } else {
            let (a, b) = (at(i), at(i + 1));
            let y = (a + (b - a) * frac) * e;
            *l += y * env.gl;
            *r += y * env.gr;
        }
    }
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
    /// `min(left.len(), right.len())` frames). Voices queued since the last render
    /// start at their offset inside this block.
    pub fn render(&mut self, bank: &SampleBank, left: &mut [f32], right: &mut [f32]) {
        let n = left.len().min(right.len());
        self.pending
            .sort_unstable_by_key(|p| (p.start.offset, p.seq));
        for i in 0..self.pending.len() {
            let p = self.pending[i];
            self.activate(&p.start, bank);
        }
        self.pending.clear();
        let (now, fade) = (self.now, self.fade);
        let (left, right) = (&mut left[..n], &mut right[..n]);
        let mut live = 0;
        let mixed = &mut self.mixed;
        self.voices.retain_mut(|v| {
            let data = &bank.sample(v.sample).data;
            let alive = v.render(data, (now, fade), left, right, mixed);
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
