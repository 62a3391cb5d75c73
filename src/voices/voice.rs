//! One sounding voice: its read position, envelope and effect chain, and the two
//! paths that add it into a block (see the module documentation of [`super`]).

use super::chain::{Chain, CHUNK};
use super::sample::{mix_interp, mix_mono, mix_stereo, read_frame, Env};
use super::sends::Sends;
use super::start::{SendSpec, Source, VoiceStart};
use super::{FRAC_BITS, MAX_SEGMENT, ONE};
use crate::dsp::synth::{Synth, SynthKind};
use crate::samples::{SampleBank, SampleId};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Attack,
    Hold,
    Decay,
    Sustain,
    Release,
    Fade,
}

/// A sounding voice. All times are in output frames since the onset (`age`).
#[derive(Clone, Copy, Debug)]
pub(super) struct Voice {
    /// The sample read, or `None` for a synth voice.
    pub(super) sample: Option<SampleId>,
    channels: usize,
    pub(super) onset: u64,
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
    /// Full level until `hold_end`, then the decay to `sus` until `decay_end`.
    hold_end: u64,
    decay: u64,
    decay_end: u64,
    sus: f32,
    rel_start: u64,
    /// Age at which a cut/steal fade starts; `u64::MAX` when none is scheduled.
    kill: u64,
    pub(super) cut: Option<i64>,
    stage: Stage,
    // The current segment: env(age) = e0 + es * (age - seg_start) for age < seg_end.
    e0: f32,
    es: f32,
    seg_start: u64,
    seg_end: u64,
    /// Whether the voice takes the plain sample path (no effect, glide, loop, send).
    plain: bool,
    /// The glide: the rate at age `t` is `step * (1 + accel * t)`.
    accel: f64,
    /// `loop`: positions wrap into the slice `[slice0, slice0 + slice_len)`.
    looping: bool,
    slice0: i64,
    slice_len: i64,
    chain: Chain,
    sends: SendSpec,
    /// A synth voice's source.
    synth: Option<Synth>,
}

/// What a source contributes to a voice: where it reads, how many channels, its
/// glide and loop (see the fields of [`Voice`]).
struct Body {
    sample: Option<SampleId>,
    channels: usize,
    pos0: i64,
    step: i64,
    accelerate: f64,
    looping: bool,
    slice0: i64,
    slice_len: i64,
    synth: Option<Synth>,
}

/// Frames of `x` seconds at `rate` Hz, rounded; 0 for a negative or non-finite time.
fn seconds(x: f64, rate: u32) -> u64 {
    let f = x * rate as f64;
    if f.is_finite() && f > 0.0 {
        f.min(1e15).round() as u64
    } else {
        0
    }
}

impl Voice {
    /// The voice for `s` with onset at absolute frame `onset`, or `None` when it
    /// would be silent (rate 0, empty slice, non-positive legato length).
    pub(super) fn new(
        s: &VoiceStart,
        bank: &SampleBank,
        onset: u64,
        pool_rate: u32,
        fade: u64,
    ) -> Option<Voice> {
        let id = match s.source {
            Source::Sample(id) => id,
            Source::Synth { kind, freq } => {
                return Voice::synth(s, kind, freq, onset, pool_rate, fade);
            }
            // Played by the runtime's pool of the definition.
            Source::Voice(_) => return None,
        };
        let sample = bank.sample(id);
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
        let slice = e - b;
        let mut rate = s.rate;
        if let Some(cycle) = s.unit_cycle {
            // `unit "c"`: the slice lasts `cycle / rate` output frames.
            rate *= slice * pool_rate as f64 / (bank.rate() as f64 * cycle);
        }
        let step = rate * bank.rate() as f64 / pool_rate as f64;
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
        let accelerate = if s.accelerate.is_finite() {
            s.accelerate as f64
        } else {
            0.0
        };
        // SuperDirt's length of a gliding voice: the slice at the average of the
        // start and end speeds.
        let avg = (1.0 + (1.0 + accelerate).abs()) * 0.5;
        let loops = if s.loops.is_finite() {
            s.loops.abs().max(1.0)
        } else {
            1.0
        };
        let (pos0, n) = if step > 0.0 {
            (b, (slice / step).ceil())
        } else {
            (e - 1.0, ((slice - 1.0) / -step).floor() + 1.0)
        };
        let n = if accelerate != 0.0 || loops != 1.0 {
            (slice * loops / (step.abs() * avg)).ceil()
        } else {
            n
        };
        let (pos0, step) = (pos0 as i64, step_fp);
        let mut len = n.min(1e15) as u64;
        let mut release = seconds(s.release as f64, pool_rate);
        let held = s.held_frames(pool_rate as f64);
        if let Some(l) = held {
            if l.is_nan() || l <= 0.0 {
                return None;
            }
            len = len.min((l.min(1e15).ceil() as u64).saturating_add(fade));
            release = release.max(fade);
        }
        let body = Body {
            sample: Some(id),
            channels: sample.channels,
            pos0,
            step,
            accelerate,
            looping: loops != 1.0,
            slice0: b as i64,
            slice_len: slice as i64,
            synth: None,
        };
        Voice::finish(s, body, onset, (len, release), pool_rate)
    }

    /// The envelope, gain and pan common to every source, for a voice lasting `len`
    /// frames whose last `release` frames are its release.
    fn finish(
        s: &VoiceStart,
        body: Body,
        onset: u64,
        (len, release): (u64, u64),
        pool_rate: u32,
    ) -> Option<Voice> {
        if len == 0 {
            return None;
        }
        let attack = seconds(s.attack as f64, pool_rate);
        let release = release.min(len);
        let rel_start = len - release;
        let attack_end = if attack > 0 && rel_start < attack {
            // Where the attack ramp a/A meets the release ramp (len-a)/R.
            let cross = len as f64 * attack as f64 / (attack as f64 + release as f64);
            attack.min(cross.floor() as u64)
        } else {
            attack
        };
        let hold = seconds(s.adsr.hold as f64, pool_rate);
        let decay = seconds(s.adsr.decay as f64, pool_rate);
        let hold_end = attack_end.max(attack_end.saturating_add(hold).min(rel_start));
        let decay_end = hold_end.max(hold_end.saturating_add(decay).min(rel_start));
        let sus = if s.adsr.sus.is_finite() {
            s.adsr.sus.clamp(0.0, 1.0)
        } else {
            1.0
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
        let (gl, gr) = pan_gains(gain, pan, body.channels);
        Some(Voice {
            sample: body.sample,
            channels: body.channels,
            onset,
            age: 0,
            len,
            pos0: body.pos0,
            step: body.step,
            gl,
            gr,
            attack,
            attack_end,
            hold_end,
            decay,
            decay_end,
            sus,
            rel_start,
            kill: u64::MAX,
            cut: s.cut,
            stage: Stage::Sustain,
            // The level before the first segment: the attack starts from 0.
            e0: if attack > 0 { 0.0 } else { 1.0 },
            es: 0.0,
            seg_start: 0,
            seg_end: 0,
            plain: body.synth.is_none() && s.is_plain(),
            accel: body.accelerate / len as f64,
            looping: body.looping,
            slice0: body.slice0,
            slice_len: body.slice_len,
            synth: body.synth,
            chain: Chain::new(&s.fx, pool_rate as f32),
            sends: s.sends,
        })
    }

    /// A synth voice: it sounds for `sustain` seconds, else `legato` times its event,
    /// else its event (SuperDirt's default `sustain` is the event's duration), at most
    /// the synth's natural length (a drum left alone rings out its natural length),
    /// then its `release` (at least [`super::FADE_SECONDS`]).
    fn synth(
        s: &VoiceStart,
        kind: SynthKind,
        freq: f32,
        onset: u64,
        pool_rate: u32,
        fade: u64,
    ) -> Option<Voice> {
        let rate = pool_rate as f64;
        let explicit = s.held_frames(rate);
        let natural = kind.natural_seconds().map(|x| x as f64 * rate);
        let held = match (explicit, natural) {
            (Some(e), Some(n)) => e.min(n),
            (Some(e), None) => e,
            (None, Some(n)) => n,
            (None, None) => s.event,
        };
        if held.is_nan() || held <= 0.0 || !freq.is_finite() || freq <= 0.0 {
            return None;
        }
        let release = seconds(s.release as f64, pool_rate).max(fade);
        let len = (held.min(1e15).ceil() as u64).saturating_add(release);
        // A seed per voice, from its onset: renders are deterministic.
        let seed = (onset ^ (onset >> 32)) as u32 ^ 0x9e37_79b9;
        let accelerate = if s.accelerate.is_finite() {
            s.accelerate as f64
        } else {
            0.0
        };
        let body = Body {
            sample: None,
            channels: 1,
            pos0: 0,
            step: ONE,
            accelerate,
            looping: false,
            slice0: 0,
            slice_len: 0,
            synth: Some(Synth::new(kind, freq, pool_rate as f32, seed)),
        };
        Voice::finish(s, body, onset, (len, release), pool_rate)
    }

    pub(super) fn is_live(&self) -> bool {
        self.kill == u64::MAX
    }

    /// Schedules a fade starting at absolute frame `at`.
    pub(super) fn kill_at(&mut self, at: u64) {
        let k = at.saturating_sub(self.onset);
        if k < self.kill {
            self.kill = k;
            if self.stage != Stage::Fade {
                self.seg_end = self.seg_end.min(k.max(self.age));
            }
        }
    }

    /// Whether the voice is silent from absolute frame `t` on.
    pub(super) fn ends_by(&self, t: u64, fade: u64) -> bool {
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
        let cap = |end: u64| end.min(self.kill).min(self.len);
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
            self.set_segment(Stage::Attack, age as f32 / a, 1.0 / a, cap(self.attack_end));
        } else if age < self.hold_end {
            self.set_segment(Stage::Hold, 1.0, 0.0, cap(self.hold_end));
        } else if age < self.decay_end {
            let d = self.decay as f32;
            let es = (self.sus - 1.0) / d;
            let e0 = 1.0 + es * (age - self.hold_end) as f32;
            self.set_segment(Stage::Decay, e0, es, cap(self.decay_end));
        } else if age < self.rel_start {
            self.set_segment(Stage::Sustain, self.sus, 0.0, cap(self.rel_start));
        } else {
            let left = (self.len - age) as f32;
            let end = self.len.min(self.kill);
            self.set_segment(Stage::Release, cur, -cur / left, end);
        }
        true
    }

    /// Adds this voice into `left`/`right` (the whole block, starting at absolute
    /// frame `now`), its sends into `sends`, counting the frames it added in
    /// `mixed`. Returns whether the voice is still alive after the block.
    pub(super) fn render(
        &mut self,
        data: &[f32],
        (now, fade): (u64, u64),
        left: &mut [f32],
        right: &mut [f32],
        sends: &mut Sends,
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
            if self.plain {
                self.mix(data, &mut left[a..b], &mut right[a..b]);
            } else {
                self.mix_chain(data, a, (&mut left[a..b], &mut right[a..b]), sends);
            }
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

    /// The fixed-point read position at age `t`: `pos0 + step·t` exactly without a
    /// glide, `pos0 + step·(t + accel·t²/2)` (the integral of the gliding rate) with
    /// one; with `loop`, wrapped into the slice.
    fn position(&self, t: u64) -> i128 {
        let p = if self.accel == 0.0 {
            ((self.pos0 as i128) << FRAC_BITS) + self.step as i128 * t as i128
        } else {
            let t = t as f64;
            let step = self.step as f64 / ONE as f64;
            let pos = self.pos0 as f64 + step * (t + 0.5 * self.accel * t * t);
            (pos * ONE as f64) as i128
        };
        if self.looping && self.slice_len > 0 {
            let base = (self.slice0 as i128) << FRAC_BITS;
            base + (p - base).rem_euclid((self.slice_len as i128) << FRAC_BITS)
        } else {
            p
        }
    }

    /// The chain path: the current segment's frames read chunk by chunk into
    /// scratch, run through the effects, then enveloped, panned and added into
    /// `left`/`right` (frame `first` of the block onwards) and the sends.
    fn mix_chain(
        &mut self,
        data: &[f32],
        first: usize,
        (left, right): (&mut [f32], &mut [f32]),
        sends: &mut Sends,
    ) {
        let run = left.len().min(right.len());
        let mut bufs = [[0.0f32; CHUNK]; 2];
        let stereo = self.channels == 2;
        let mut done = 0;
        while done < run {
            let m = (run - done).min(CHUNK);
            let age0 = self.age + done as u64;
            let [b0, b1] = &mut bufs;
            if let Some(synth) = self.synth.as_mut() {
                // accelerate's glide: the frequency times 1 + accel·age.
                let mut ratio = [1.0f32; CHUNK];
                if self.accel != 0.0 {
                    for (j, x) in ratio.iter_mut().take(m).enumerate() {
                        *x = (1.0 + self.accel * (age0 + j as u64) as f64) as f32;
                    }
                }
                synth.render(&ratio[..m], &mut b0[..m]);
            } else {
                for (j, (x0, x1)) in b0.iter_mut().zip(b1.iter_mut()).take(m).enumerate() {
                    let p = self.position(age0 + j as u64);
                    (*x0, *x1) = if stereo {
                        read_frame::<2>(data, p)
                    } else {
                        read_frame::<1>(data, p)
                    };
                }
            }
            self.chain.process(&mut bufs, m, self.channels);
            let k0 = (age0 - self.seg_start) as i32;
            let (l, r) = (&mut left[done..done + m], &mut right[done..done + m]);
            let second = if stereo { 1 } else { 0 };
            for j in 0..m {
                let e = self.e0 + self.es * (k0 + j as i32) as f32;
                let (x0, x1) = (bufs[0][j] * e, bufs[second][j] * e);
                bufs[0][j] = x0 * self.gl;
                bufs[1][j] = x1 * self.gr;
                l[j] += bufs[0][j];
                r[j] += bufs[1][j];
            }
            self.send(&bufs, first + done, m, sends);
            done += m;
        }
    }

    /// Adds the first `m` final frames in `bufs` (left, right) times the send
    /// amounts into the voice's orbit, at frame `at` of the block.
    fn send(&self, bufs: &[[f32; CHUNK]; 2], at: usize, m: usize, sends: &mut Sends) {
        sends.add(&self.sends, at, &bufs[0][..m], &bufs[1][..m]);
    }
}

/// The left and right gains of a voice of `channels` channels at `gain` (already
/// made finite and non-negative) and `pan` (0..1): equal power for a mono voice
/// (cos and sin of pan × 90°, exactly 0 at the extremes), balance for a stereo one
/// (the centre leaves both channels as they are).
pub fn pan_gains(gain: f32, pan: f32, channels: usize) -> (f32, f32) {
    if channels == 2 {
        (
            gain * (2.0 - 2.0 * pan).min(1.0),
            gain * (2.0 * pan).min(1.0),
        )
    } else {
        let theta = pan as f64 * std::f64::consts::FRAC_PI_2;
        let (c, s) = (theta.cos() as f32, theta.sin() as f32);
        (
            if pan >= 1.0 { 0.0 } else { gain * c },
            if pan <= 0.0 { 0.0 } else { gain * s },
        )
    }
}
