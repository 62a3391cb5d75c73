//! The orbits: SuperDirt's effect buses, each with its own global stereo reverb and
//! stereo delay, fed by what the voices send ([`crate::voices::sends`]).
//!
//! Per block, after every sound has rendered, [`Orbits::process`] sums the sends of
//! every sound per orbit, runs the effects of the orbits in use and leaves their sum
//! in [`Orbits::output`], which the runtime adds into the master before its guard (and
//! so before the master stage: DC blocker and limiter).
//!
//! What the effects compute (the meanings of SuperDirt's `dirt_reverb` and
//! `dirt_delay`, on the kernels of [`crate::dsp::effects`]):
//! - Reverb: the left and right room sends are summed to mono (as SuperDirt's reverb
//!   and Freeverb both do) and feed two Freeverb reverberators
//!   ([`effects::reverb`], the right one with Freeverb's stereo spread), all wet
//!   (mix 1), with Freeverb's room set to the orbit's `size` (comb feedback `0.7 +
//!   0.28·size`, `size` clamped to 0..1) and damping [`REVERB_DAMP`]. Their output is
//!   multiplied by `1 - dry` (`dry` clamped to 0..1): SuperDirt's `dry` lowers the
//!   reverb's output, it does not touch the voices' own signal, which reaches the
//!   master unchanged.
//! - Delay: each channel's delay send feeds its own feedback delay line
//!   ([`effects::delay`]), all wet, so an impulse sent at frame `f` comes back at `f +
//!   k·d` with level `feedback^(k-1)` for `k = 1, 2, ...`, `d` the delay time in frames
//!   (SuperDirt's comb delay: wet only, the dry signal is the voices' own). The time
//!   is `delaytime` seconds, or with `lock` `delaytime / cps` seconds (`delaytime`
//!   counts cycles), clamped to 0..[`effects::MAX_DELAY_SECONDS`] (and the kernel's
//!   one frame at least); `delayfeedback` is clamped to 0..[`MAX_FEEDBACK`].
//!
//! Parameters come from the latest event on the orbit (the one with the latest onset
//! frame in the block, over all sounds; at equal frames the later sound), and take
//! effect from that event's onset frame. They never jump: each effect parameter
//! follows its target through a one-pole smoother (`v += (target - v)·(1 -
//! e^(-1/(τ·rate)))`, per frame), τ = [`PARAM_LAG`] for size, dry and feedback and
//! [`DELAY_TIME_LAG`] for the delay time (a changed delay time glides, like a tape
//! delay, instead of jumping the read position, which would click), taking the target
//! itself once within [`SNAP`] of it. An orbit that
//! starts (its first send) takes its latest parameters at once, with no glide from
//! anything earlier, so its first echo is exactly where the parameters say.
//!
//! Cost: an orbit that has never received a send is skipped (one flag test per
//! block); from its first send on it runs every block, so its reverb tail and echoes
//! ring on after the events that fed it. All state (delay lines, reverb lines, the
//! per-orbit input buffers and the per-frame parameter buffers) is allocated by
//! [`Orbits::new`]; processing and [`Orbits::copy_from`] allocate nothing. An orbit's
//! summed input is clamped to ±[`effects::DELAY_LINE_LIMIT`] (NaN to 0) before its
//! effects see it, so one bad sample cannot leave a reverb non-finite.

use crate::dsp::effects::{self, Delay, Reverb};
use crate::voices::sends::{OrbitParams, Sends, ORBITS};

/// Freeverb's damping used by every orbit's reverb (Freeverb's own default; SuperDirt's
/// reverb has a one-pole low-pass of coefficient 0.5 in its loop, a similar darkening).
pub const REVERB_DAMP: f32 = 0.5;

/// The largest delay feedback (SuperDirt's comb delay clips `delayfeedback` to
/// 0..0.99): the echoes always die away.
pub const MAX_FEEDBACK: f32 = 0.99;

/// Time constant, in seconds, of the smoothing of size, dry and feedback (SuperDirt
/// lags its global effects' controls by 10 to 20 ms).
pub const PARAM_LAG: f32 = 0.02;

/// Time constant, in seconds, of the glide of the delay time.
pub const DELAY_TIME_LAG: f32 = 0.1;

/// The values an orbit's smoothers hold (and aim at), in the units the kernels take.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Levels {
    /// Freeverb room, 0..1.
    size: f32,
    /// Gain on the reverb's output, `1 - dry`, 0..1.
    wet: f32,
    /// Delay time in seconds.
    seconds: f32,
    /// Delay feedback, 0..MAX_FEEDBACK.
    feedback: f32,
}

impl Levels {
    /// What `p` asks for at tempo `cps`, every value clamped to its range (NaN to the
    /// range's lower end; a lock at a tempo that is not positive and finite is taken
    /// as 1 cycle per second).
    fn of(p: &OrbitParams, cps: f64) -> Levels {
        let seconds = if p.lock {
            let cps = if cps.is_finite() && cps > 0.0 { cps } else { 1.0 };
            (f64::from(p.delaytime) / cps) as f32
        } else {
            p.delaytime
        };
        Levels {
            size: clamp(p.size, 0.0, 1.0),
            wet: 1.0 - clamp(p.dry, 0.0, 1.0),
            seconds: clamp(seconds, 0.0, effects::MAX_DELAY_SECONDS),
            feedback: clamp(p.delayfeedback, 0.0, MAX_FEEDBACK),
        }
    }
}

/// `v` clamped to `lo..=hi`, NaN to `lo`.
fn clamp(v: f32, lo: f32, hi: f32) -> f32 {
    if v > lo {
        v.min(hi)
    } else {
        lo
    }
}

/// One orbit: its effects' state, its inputs for the block, its parameters.
struct Orbit {
    /// Whether it has ever received a send (from then on it runs every block).
    running: bool,
    reverb: [Reverb; 2],
    delay: [Delay; 2],
    /// This block's reverb input (the mono sum of the room sends).
    room_in: Vec<f32>,
    /// This block's delay input, left and right.
    delay_in: [Vec<f32>; 2],
    /// The latest parameters an event gave (or [`OrbitParams::DEFAULT`]).
    params: OrbitParams,
    /// The frame of this block from which `params` hold (0 when they are older).
    params_at: usize,
    /// The parameters before `params`, which hold before `params_at`.
    before: OrbitParams,
    /// Whether a send reached the orbit this block.
    fed: bool,
    /// The smoothers' values after the last frame processed.
    now: Levels,
}

/// Every orbit's effects, and the per-frame buffers they share.
pub struct Orbits {
    block: usize,
    orbits: Vec<Orbit>,
    /// Per-frame parameter buffers, shared by the orbits (run one after the other).
    size: Vec<f32>,
    wet: Vec<f32>,
    seconds: Vec<f32>,
    feedback: Vec<f32>,
    /// Constant buffers: the reverb's damping and the kernels' mix (1: all wet).
    damp: Vec<f32>,
    ones: Vec<f32>,
    /// One effect's output for one channel.
    scratch: Vec<f32>,
    /// The sum of every running orbit's output, left and right.
    out: [Vec<f32>; 2],
    /// Whether any orbit is running (`out` is all zero otherwise).
    any: bool,
    /// The smoothers' per-frame coefficients.
    param_coef: f32,
    time_coef: f32,
}

impl Orbits {
    /// [`ORBITS`] silent orbits for blocks of up to `block` frames at `sample_rate`.
    pub fn new(sample_rate: u32, block: usize) -> Orbits {
        let block = block.max(1);
        let rate = sample_rate.max(1) as f32;
        let buf = |v: f32| vec![v; block];
        let start = Levels::of(&OrbitParams::DEFAULT, 1.0);
        Orbits {
            block,
            orbits: (0..ORBITS)
                .map(|_| Orbit {
                    running: false,
                    reverb: [Reverb::new(rate, 0), Reverb::new(rate, 1)],
                    delay: [
                        Delay::new(rate, effects::MAX_DELAY_SECONDS),
                        Delay::new(rate, effects::MAX_DELAY_SECONDS),
                    ],
                    room_in: buf(0.0),
                    delay_in: [buf(0.0), buf(0.0)],
                    params: OrbitParams::DEFAULT,
                    params_at: 0,
                    before: OrbitParams::DEFAULT,
                    fed: false,
                    now: start,
                })
                .collect(),
            size: buf(0.0),
            wet: buf(0.0),
            seconds: buf(0.0),
            feedback: buf(0.0),
            damp: buf(REVERB_DAMP),
            ones: buf(1.0),
            scratch: buf(0.0),
            out: [buf(0.0), buf(0.0)],
            any: false,
            param_coef: smoothing(PARAM_LAG, rate),
            time_coef: smoothing(DELAY_TIME_LAG, rate),
        }
    }

    /// Runs one block of `frames` frames (at most the block size): sums `sends` (one
    /// per sound) per orbit, then runs every running orbit's reverb and delay at tempo
    /// `cps` (for `lock`) and leaves the sum of their outputs in [`Orbits::output`].
    pub fn process<'a>(&mut self, sends: impl Iterator<Item = &'a Sends>, frames: usize, cps: f64) {
        let n = frames.min(self.block);
        for o in &mut self.orbits {
            if o.fed {
                o.room_in.fill(0.0);
                o.delay_in[0].fill(0.0);
                o.delay_in[1].fill(0.0);
                o.fed = false;
            }
            o.params_at = 0;
            o.before = o.params;
        }
        // The latest event's parameters per orbit: (frame, sound index).
        let mut latest: [Option<(usize, usize)>; ORBITS] = [None; ORBITS];
        for (k, sound) in sends.enumerate() {
            for (i, (send, o)) in sound.orbits.iter().zip(&mut self.orbits).enumerate() {
                if let Some((at, params)) = send.params {
                    if latest[i].is_none_or(|(f, _)| at >= f) {
                        latest[i] = Some((at, k));
                        o.params = params;
                        o.params_at = at.min(n);
                    }
                }
                if send.active {
                    add_mono(&mut o.room_in[..n], &send.room[0], &send.room[1]);
                    add(&mut o.delay_in[0][..n], &send.delay[0]);
                    add(&mut o.delay_in[1][..n], &send.delay[1]);
                    o.fed = true;
                }
            }
        }
        for o in &mut self.orbits {
            if o.fed {
                bound(&mut o.room_in[..n]);
                bound(&mut o.delay_in[0][..n]);
                bound(&mut o.delay_in[1][..n]);
            }
        }
        if self.any {
            self.out[0][..n].fill(0.0);
            self.out[1][..n].fill(0.0);
        }
        for o in &mut self.orbits {
            if !o.running && o.fed {
                // The first send: the smoothers start at the latest parameters.
                o.running = true;
                o.before = o.params;
                o.now = Levels::of(&o.params, cps);
            }
            if !o.running {
                continue;
            }
            self.any = true;
            let (before, after) = (Levels::of(&o.before, cps), Levels::of(&o.params, cps));
            let mut v = o.now;
            let (a, b) = (self.param_coef, self.time_coef);
            for i in 0..n {
                let t = if i < o.params_at { before } else { after };
                v.size = glide(v.size, t.size, a);
                v.wet = glide(v.wet, t.wet, a);
                v.feedback = glide(v.feedback, t.feedback, a);
                v.seconds = glide(v.seconds, t.seconds, b);
                self.size[i] = v.size;
                self.wet[i] = v.wet;
                self.feedback[i] = v.feedback;
                self.seconds[i] = v.seconds;
            }
            o.now = v;
            for c in 0..2 {
                let out = &mut self.scratch[..n];
                effects::reverb(
                    &mut o.reverb[c],
                    &o.room_in[..n],
                    &self.size[..n],
                    &self.damp[..n],
                    &self.ones[..n],
                    out,
                );
                for ((y, x), g) in self.out[c][..n].iter_mut().zip(out.iter()).zip(&self.wet) {
                    *y += *x * *g;
                }
                effects::delay(
                    &mut o.delay[c],
                    &o.delay_in[c][..n],
                    &self.seconds[..n],
                    &self.feedback[..n],
                    &self.ones[..n],
                    out,
                );
                add(&mut self.out[c][..n], out);
            }
        }
    }

    /// Channel `c` (0 left, 1 right) of the last block's output: the sum of every
    /// running orbit's reverb and delay, one value per frame processed. `None` while
    /// no orbit has ever run (the output is silence).
    pub fn output(&self, c: usize) -> Option<&[f32]> {
        if self.any {
            self.out.get(c).map(|v| v.as_slice())
        } else {
            None
        }
    }

    /// Whether orbit `orbit` has received a send (and so runs every block).
    #[cfg(any(test, feature = "testing"))]
    pub fn running(&self, orbit: usize) -> bool {
        self.orbits.get(orbit).is_some_and(|o| o.running)
    }

    /// Takes over the state of `other`'s orbits (a reload: their tails ring on in the
    /// new program, and in the old one while it fades out). Allocates nothing: both
    /// were built for the same sample rate (a line of another length is copied as
    /// far as both reach).
    pub fn copy_from(&mut self, other: &Orbits) {
        for (a, b) in self.orbits.iter_mut().zip(&other.orbits) {
            a.running = b.running;
            a.params = b.params;
            a.before = b.params;
            a.params_at = 0;
            a.now = b.now;
            for c in 0..2 {
                a.reverb[c].copy_from(&b.reverb[c]);
                a.delay[c].copy_from(&b.delay[c]);
            }
        }
        self.any = self.any || other.any;
    }
}

/// One frame of a one-pole smoother: `v + (target - v)·coef`, and `target` itself once
/// within [`SNAP`] of it (an f32 smoother would otherwise stall a few units in the
/// last place short of its target, and a delay time there is not a whole frame).
#[inline]
fn glide(v: f32, target: f32, coef: f32) -> f32 {
    let d = target - v;
    if d.abs() <= SNAP {
        target
    } else {
        v + d * coef
    }
}

/// How close, in the parameter's own unit, a smoother comes before it takes its
/// target (for a delay time, a millionth of a second: under a twentieth of a frame at
/// 48 kHz).
pub const SNAP: f32 = 1e-6;

/// The per-frame coefficient of a one-pole smoother of time constant `tau` seconds.
fn smoothing(tau: f32, rate: f32) -> f32 {
    1.0 - (-1.0 / (tau * rate)).exp()
}

/// Every value clamped to ±[`effects::DELAY_LINE_LIMIT`], NaN to 0: a voice's bad
/// sample is silence here, never an infinity or a NaN in a reverb's lines, which would
/// keep the orbit's output non-finite (and the master guarded to silence) for good.
fn bound(buf: &mut [f32]) {
    let lim = effects::DELAY_LINE_LIMIT;
    for v in buf {
        *v = if v.is_nan() { 0.0 } else { v.clamp(-lim, lim) };
    }
}

/// `acc += x`, frame by frame, as far as both reach.
fn add(acc: &mut [f32], x: &[f32]) {
    for (y, v) in acc.iter_mut().zip(x) {
        *y += *v;
    }
}

/// `acc += l + r`, frame by frame, as far as all three reach.
fn add_mono(acc: &mut [f32], l: &[f32], r: &[f32]) {
    for ((y, a), b) in acc.iter_mut().zip(l).zip(r) {
        *y += *a + *b;
    }
}
