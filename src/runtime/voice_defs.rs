//! The voices of voice definitions (`~pluck freq=440 gate=1: ...`, played by
//! `s "~pluck"`): the engines compute them ([`VoiceKernel`]), a pool per sound and
//! definition starts, ends and mixes them.

/// An engine's code for the voices of one voice definition
/// ([`crate::ir::voice::VoiceDef`]), with the state of a pool of them: `groups()`
/// groups of `lanes()` voices, each group computed by one call. The JIT computes a
/// group's voices side by side in vector lanes; the interpreter has one voice per
/// group. Nothing here allocates.
pub trait VoiceKernel: Send {
    /// Voices computed together by one [`VoiceKernel::run`].
    fn lanes(&self) -> usize;
    /// Groups of lanes: the pool holds `groups() × lanes()` voices.
    fn groups(&self) -> usize;
    /// Channels of a voice's sound (1 or 2).
    fn channels(&self) -> usize;
    /// Puts voice `lane` of `group` into its initial state, with parameter values
    /// `params` (indexed as [`crate::ir::voice::VoiceDef::params`], then the onset).
    fn start(&mut self, group: usize, lane: usize, params: &[f32]);
    /// Sets one parameter of one voice from the next frame run on.
    fn set_param(&mut self, group: usize, lane: usize, param: usize, value: f32);
    /// Computes frames `from..to` of the block for every lane of `group` (lanes
    /// holding no voice compute whatever their state gives; their output is not read).
    fn run(&mut self, group: usize, from: usize, to: usize);
    /// Channel `channel` of lane `lane`'s sound, block-long: frames `from..to` hold
    /// what the last [`VoiceKernel::run`] of the lane's group over `from..to` computed.
    fn output(&self, lane: usize, channel: usize) -> &[f32];
    /// The kernel as `Any`, for [`VoiceKernel::copy_from`].
    fn as_any(&self) -> &dyn std::any::Any;
    /// Takes the state of every voice of `other`, a kernel of the same engine for an
    /// identical definition (a reload); false, copying nothing, when it is not one.
    /// Allocates nothing.
    fn copy_from(&mut self, other: &dyn VoiceKernel) -> bool;
}

use crate::ir::voice::VoiceDef;
use crate::pattern::value::{Control, Controls};
use crate::voices::sends::Sends;
use crate::voices::start::{synth_freq, SendSpec, Source};
use crate::voices::{pan_gains, EventFrames, VoiceStart, FADE_SECONDS};

/// Lanes a pool keeps beyond its voices, for stolen voices fading out.
pub const SPARE_VOICES: usize = 64;

/// A voice whose gate has closed ends after a block in which its sound stayed below
/// this level (-100 dB).
const SILENCE: f32 = 1e-5;

/// A voice whose gate has closed ends at the latest this long after (a drone that
/// never decays).
const MAX_TAIL_SECONDS: f64 = 30.0;

/// Where a parameter's value comes from at a voice's start.
#[derive(Clone, Copy, Debug, PartialEq)]
enum ParamFrom {
    /// `gate`: 1 until the event's length, then 0.
    Gate,
    /// `freq`: the event's pitch (`freq`, or `n`/`note`/`octave` as for the synths).
    Freq,
    /// The event's control of the parameter's name.
    Control(Control),
    /// No control has the name: always the default.
    Default,
}

/// One voice's lane.
#[derive(Clone, Copy, Debug, Default)]
struct Lane {
    active: bool,
    /// Start order: the oldest is stolen first.
    serial: u64,
    gl: f32,
    gr: f32,
    sends: Option<SendSpec>,
    /// Frames from this block's first to the gate's close (negative: closed before).
    gate_at: i64,
    /// The frame of this block where the voice starts (0 for one that was sounding).
    from: usize,
    /// A fade to silence: frames left and the fade's length (stolen voices, and
    /// voices without a gate at the end of their length).
    fade: Option<(u32, u32)>,
    /// The frame of this block where the fade begins.
    fade_at: usize,
    /// The onset parameter goes back to 0 at the first frame of the next block.
    clear_onset: bool,
    /// Frames sounded since the gate closed.
    tail: u64,
}

#[derive(Clone, Copy, Debug)]
enum What {
    /// A voice starts: its parameters at `start_params[at..at + count]`.
    Start(usize),
    /// The gate parameter goes to 0.
    GateClose,
    /// The onset parameter goes to 0.
    OnsetEnd,
}

#[derive(Clone, Copy, Debug)]
struct Change {
    lane: usize,
    frame: usize,
    what: What,
}

/// The voices of one voice definition played by one sound: lanes allocated from a
/// preallocated set, started on their exact frames, their gates closed on theirs,
/// their sound mixed with the event's gain and pan and sent to its orbit.
///
/// A block: every change (a start, a gate closing, the onset's end) is a frame where
/// the kernel's run of a group is split, so each lane's parameters are exact at
/// every frame; then each sounding lane's output from its first frame is mixed. A
/// voice ends when its gate has closed and a whole block of its sound stayed under
/// -100 dB (or 30 s after its gate, or after its fade); its lane is then free.
pub struct DefPool {
    /// `~` and the definition's name, as an event's `s` names it.
    name: String,
    /// The definition's graph (a reload carries the voices of an identical one).
    nodes: Vec<crate::ir::Node>,
    params: Vec<ParamFrom>,
    defaults: Vec<f32>,
    gate: Option<usize>,
    onset: usize,
    kernel: Box<dyn VoiceKernel>,
    lanes: Vec<Lane>,
    /// Sounding lanes per group.
    group_live: Vec<u32>,
    /// Bit `l % 64` of word `l / 64`: lane `l` is free.
    free: Vec<u64>,
    /// Voices before the oldest is stolen.
    capacity: usize,
    active: usize,
    serial: u64,
    changes: Vec<Change>,
    start_params: Vec<f32>,
    sample_rate: f64,
    fade_frames: u32,
    max_tail: u64,
    /// This block's mix of one lane, left and right (preallocated).
    mix: [Vec<f32>; 2],
    mixed_frames: u64,
}

impl DefPool {
    /// A pool of `capacity` voices of `def` on `kernel` (which has at least
    /// `capacity + SPARE_VOICES` lanes), for blocks of up to `block` frames.
    pub fn new(
        def: &VoiceDef,
        kernel: Box<dyn VoiceKernel>,
        capacity: usize,
        sample_rate: u32,
        block: usize,
    ) -> DefPool {
        let params = def
            .params
            .iter()
            .map(|p| match p.name.as_str() {
                crate::ir::voice::GATE => ParamFrom::Gate,
                "freq" => ParamFrom::Freq,
                name => Control::from_name(name).map_or(ParamFrom::Default, ParamFrom::Control),
            })
            .collect();
        let lanes = kernel.groups() * kernel.lanes();
        let mut free = vec![0u64; lanes.div_ceil(64)];
        for l in 0..lanes {
            free[l / 64] |= 1 << (l % 64);
        }
        let max_starts = 1024;
        DefPool {
            name: format!("~{}", def.name),
            nodes: def.graph.nodes.clone(),
            params,
            defaults: def.params.iter().map(|p| p.default).collect(),
            gate: def.gate(),
            onset: def.onset(),
            group_live: vec![0; kernel.groups()],
            kernel,
            lanes: vec![Lane::default(); lanes],
            free,
            capacity: capacity.min(lanes).max(1),
            active: 0,
            serial: 0,
            changes: Vec::with_capacity(3 * max_starts + lanes),
            start_params: Vec::with_capacity(max_starts * (def.param_count())),
            sample_rate: f64::from(sample_rate),
            fade_frames: ((FADE_SECONDS * f64::from(sample_rate)).round() as u32).max(1),
            max_tail: (MAX_TAIL_SECONDS * f64::from(sample_rate)) as u64,
            mix: [vec![0.0; block], vec![0.0; block]],
            mixed_frames: 0,
        }
    }

    /// The name an event's `s` gives to play this definition (`~pluck`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Takes over the sounding voices of `other`, the pool of an identical
    /// definition in the program this one replaces (a reload): lanes and kernel state
    /// copied, so they go on here (and in `other` while it fades out). False, copying
    /// nothing, when the definitions or the pools differ. Allocates nothing.
    pub fn copy_from(&mut self, other: &DefPool) -> bool {
        if self.name != other.name
            || self.nodes != other.nodes
            || self.lanes.len() != other.lanes.len()
            || self.free.len() != other.free.len()
            || self.group_live.len() != other.group_live.len()
            || !self.kernel.copy_from(other.kernel.as_ref())
        {
            return false;
        }
        self.lanes.copy_from_slice(&other.lanes);
        self.free.copy_from_slice(&other.free);
        self.group_live.copy_from_slice(&other.group_live);
        self.active = other.active;
        self.serial = other.serial;
        true
    }

    /// Voices sounding.
    pub fn active(&self) -> usize {
        self.active
    }

    /// Frames of voices mixed over the pool's life.
    pub fn mixed_frames(&self) -> u64 {
        self.mixed_frames
    }

    /// Starts a voice for an event at frame `at.offset` of the coming block, with
    /// the event's controls. When the pool is full the oldest voice fades out (over
    /// `FADE_SECONDS`) while the new one starts in a spare lane; with no lane left
    /// the event is not played. Allocates nothing.
    pub fn start(&mut self, controls: &Controls, at: EventFrames) {
        let n = self.kernel.groups() * self.kernel.lanes();
        if self.changes.len() + 3 > self.changes.capacity()
            || self.start_params.len() + self.defaults.len() + 1 > self.start_params.capacity()
        {
            return;
        }
        let s = VoiceStart::played(controls, at, Source::Voice(0));
        let held = s.held_frames(self.sample_rate).unwrap_or(at.event);
        if held.is_nan() || held <= 0.0 {
            return;
        }
        if self.active >= self.capacity {
            self.steal();
        }
        let Some(lane) = self.take_free(n) else {
            return;
        };
        let at_params = self.start_params.len();
        for (k, from) in self.params.iter().enumerate() {
            let default = self.defaults.get(k).copied().unwrap_or(0.0);
            let value = match *from {
                ParamFrom::Gate => 1.0,
                ParamFrom::Freq => {
                    let pitched = [Control::Freq, Control::N, Control::Note]
                        .iter()
                        .any(|c| controls.get(*c).is_some());
                    if pitched {
                        synth_freq(controls) as f32
                    } else {
                        default
                    }
                }
                ParamFrom::Control(c) => controls
                    .get_f64(c)
                    .filter(|x| x.is_finite())
                    .map_or(default, |x| x as f32),
                ParamFrom::Default => default,
            };
            self.start_params.push(value);
        }
        self.start_params.push(1.0); // the onset
        let gain = if s.gain.is_finite() { s.gain.max(0.0) } else { 0.0 };
        let pan = if s.pan.is_finite() {
            s.pan.clamp(0.0, 1.0)
        } else {
            0.5
        };
        let (gl, gr) = pan_gains(gain, pan, self.kernel.channels());
        self.serial += 1;
        let offset = at.offset;
        self.lanes[lane] = Lane {
            active: true,
            serial: self.serial,
            gl,
            gr,
            sends: s.sends.any().then_some(s.sends),
            gate_at: offset as i64 + held.min(1e15).round().max(1.0) as i64,
            from: offset,
            fade: None,
            fade_at: 0,
            clear_onset: false,
            tail: 0,
        };
        self.active += 1;
        if let Some(g) = self.group_live.get_mut(lane / self.kernel.lanes()) {
            *g += 1;
        }
        self.changes.push(Change {
            lane,
            frame: offset,
            what: What::Start(at_params),
        });
    }

    /// The lowest free lane, taken.
    fn take_free(&mut self, lanes: usize) -> Option<usize> {
        for (w, word) in self.free.iter_mut().enumerate() {
            if *word != 0 {
                let bit = word.trailing_zeros() as usize;
                let lane = w * 64 + bit;
                if lane >= lanes {
                    return None;
                }
                *word &= !(1u64 << bit);
                return Some(lane);
            }
        }
        None
    }

    /// Fades out the oldest voice not already fading.
    fn steal(&mut self) {
        let oldest = self
            .lanes
            .iter()
            .enumerate()
            .filter(|(_, l)| l.active && l.fade.is_none())
            .min_by_key(|(_, l)| l.serial)
            .map(|(i, _)| i);
        if let Some(l) = oldest.and_then(|i| self.lanes.get_mut(i)) {
            l.fade = Some((self.fade_frames, self.fade_frames));
        }
    }

    fn release(&mut self, lane: usize) {
        if let Some(l) = self.lanes.get_mut(lane) {
            if l.active {
                l.active = false;
                self.active -= 1;
                if let Some(g) = self.group_live.get_mut(lane / self.kernel.lanes()) {
                    *g = g.saturating_sub(1);
                }
                if let Some(w) = self.free.get_mut(lane / 64) {
                    *w |= 1 << (lane % 64);
                }
            }
        }
    }

    /// Computes this block's `n` frames of every sounding voice and adds them into
    /// `left`/`right` and the sends. Allocates nothing.
    pub fn render(&mut self, left: &mut [f32], right: &mut [f32], sends: &mut Sends) {
        let n = left.len().min(right.len()).min(self.mix[0].len());
        let per = self.kernel.lanes().max(1);
        // The block's gate closes and onset ends, beside its starts.
        for (i, l) in self.lanes.iter_mut().enumerate() {
            if !l.active {
                continue;
            }
            if l.clear_onset {
                l.clear_onset = false;
                self.changes.push(Change {
                    lane: i,
                    frame: 0,
                    what: What::OnsetEnd,
                });
            }
            if (0..n as i64).contains(&l.gate_at) {
                self.changes.push(Change {
                    lane: i,
                    frame: l.gate_at as usize,
                    what: What::GateClose,
                });
            }
        }
        let starts = self.changes.len();
        for k in 0..starts {
            // A start past the block (never from the feed) starts on its last frame.
            if matches!(self.changes[k].what, What::Start(_)) && self.changes[k].frame >= n {
                let last = n.saturating_sub(1);
                self.changes[k].frame = last;
                if let Some(l) = self.lanes.get_mut(self.changes[k].lane) {
                    l.gate_at -= (l.from - last) as i64;
                    l.from = last;
                }
            }
            let c = self.changes[k];
            if matches!(c.what, What::Start(_)) {
                if c.frame + 1 < n {
                    self.changes.push(Change {
                        lane: c.lane,
                        frame: c.frame + 1,
                        what: What::OnsetEnd,
                    });
                } else if let Some(l) = self.lanes.get_mut(c.lane) {
                    l.clear_onset = true;
                }
            }
        }
        self.changes
            .sort_unstable_by_key(|c| (c.lane / per, c.frame, c.lane));
        let mut next = 0;
        for g in 0..self.group_live.len() {
            let first_change = next;
            while next < self.changes.len() && self.changes[next].lane / per == g {
                next += 1;
            }
            if self.group_live[g] == 0 {
                continue;
            }
            let mut cur = 0;
            for k in first_change..next {
                let c = self.changes[k];
                let frame = c.frame.min(n);
                if frame > cur {
                    self.kernel.run(g, cur, frame);
                    cur = frame;
                }
                let lane = c.lane % per;
                match c.what {
                    What::Start(at) => {
                        let count = self.defaults.len() + 1;
                        if let Some(p) = self.start_params.get(at..at + count) {
                            self.kernel.start(g, lane, p);
                        }
                    }
                    What::GateClose => match self.gate {
                        Some(gate) => self.kernel.set_param(g, lane, gate, 0.0),
                        None => {
                            if let Some(l) = self.lanes.get_mut(c.lane) {
                                if l.fade.is_none() {
                                    l.fade = Some((self.fade_frames, self.fade_frames));
                                    l.fade_at = frame;
                                }
                            }
                        }
                    },
                    What::OnsetEnd => self.kernel.set_param(g, lane, self.onset, 0.0),
                }
            }
            if cur < n {
                self.kernel.run(g, cur, n);
            }
            for lane in 0..per {
                self.mix_lane(g, lane, n, left, right, sends);
            }
        }
        self.changes.clear();
        self.start_params.clear();
    }

    /// Adds lane `lane` of group `g` (just computed) into the mix and its sends, and
    /// ends it if it is over.
    fn mix_lane(
        &mut self,
        g: usize,
        lane: usize,
        n: usize,
        left: &mut [f32],
        right: &mut [f32],
        sends: &mut Sends,
    ) {
        let index = g * self.kernel.lanes() + lane;
        let Some(mut l) = self.lanes.get(index).copied().filter(|l| l.active) else {
            return;
        };
        let from = l.from.min(n);
        let stereo = self.kernel.channels() == 2;
        let x0 = self.kernel.output(lane, 0);
        let x1 = self.kernel.output(lane, if stereo { 1 } else { 0 });
        let (Some(x0), Some(x1)) = (x0.get(from..n), x1.get(from..n)) else {
            return;
        };
        let (peak, finite) = level(x0, x1);
        let mut over = !finite;
        if finite && l.fade.is_none() && l.sends.is_none() {
            // The common case: straight into the mix.
            for (o, y) in left[from..n].iter_mut().zip(x0) {
                *o += y * l.gl;
            }
            for (o, y) in right[from..n].iter_mut().zip(x1) {
                *o += y * l.gr;
            }
        } else if finite {
            let [ml, mr] = &mut self.mix;
            let (ml, mr) = (&mut ml[from..n], &mut mr[from..n]);
            for (a, y) in ml.iter_mut().zip(x0) {
                *a = y * l.gl;
            }
            for (b, y) in mr.iter_mut().zip(x1) {
                *b = y * l.gr;
            }
            if let Some((left_frames, total)) = l.fade {
                let mut k = left_frames;
                let skip = l.fade_at.saturating_sub(from).min(ml.len());
                for (a, b) in ml.iter_mut().zip(mr.iter_mut()).skip(skip) {
                    let e = k as f32 / total as f32;
                    *a *= e;
                    *b *= e;
                    k = k.saturating_sub(1);
                }
                l.fade = Some((k, total));
                over = k == 0;
            }
            for (o, a) in left[from..n].iter_mut().zip(ml.iter()) {
                *o += a;
            }
            for (o, b) in right[from..n].iter_mut().zip(mr.iter()) {
                *o += b;
            }
            if let Some(spec) = &l.sends {
                sends.add(spec, from, ml, mr);
            }
        }
        // (A voice whose output is not finite is ended, its block left out of the mix.)
        self.mixed_frames += (n - from) as u64;
        // Closed before this block, and silent through it.
        if l.gate_at < 0 {
            l.tail += (n - from) as u64;
            if peak < SILENCE || l.tail > self.max_tail {
                over = true;
            }
        }
        l.gate_at -= n as i64;
        l.from = 0;
        l.fade_at = 0;
        if let Some(slot) = self.lanes.get_mut(index) {
            *slot = l;
        }
        if over {
            self.release(index);
        }
    }
}

/// The largest magnitude in `a` and `b` and whether all of them are finite: eight
/// running maxima and sums of `x · 0` (0, or NaN once a value is not finite), in a
/// form the compiler vectorizes.
fn level(a: &[f32], b: &[f32]) -> (f32, bool) {
    let mut hi = [0.0f32; 8];
    let mut bad = [0.0f32; 8];
    for x in [a, b] {
        let mut chunks = x.chunks_exact(8);
        for c in &mut chunks {
            for j in 0..8 {
                let v = c[j].abs();
                hi[j] = if v > hi[j] { v } else { hi[j] };
                bad[j] += c[j] * 0.0;
            }
        }
        for (j, &y) in chunks.remainder().iter().enumerate() {
            let v = y.abs();
            hi[j] = if v > hi[j] { v } else { hi[j] };
            bad[j] += y * 0.0;
        }
    }
    let peak = hi.iter().fold(0.0f32, |m, &v| if v > m { v } else { m });
    (peak, bad.iter().all(|&x| x == 0.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::voice::VoiceParam;
    use crate::ir::{Graph, Node, Op, Operand};
    use crate::pattern::value::Scalar;

    /// A kernel whose every lane sounds its parameter 0 (`gate` here) at each frame,
    /// two groups of four lanes: what the pool does is all there is to see.
    struct Gates {
        params: Vec<[f32; 2]>,
        out: Vec<Vec<f32>>,
    }

    impl VoiceKernel for Gates {
        fn lanes(&self) -> usize {
            4
        }
        fn groups(&self) -> usize {
            2
        }
        fn channels(&self) -> usize {
            1
        }
        fn start(&mut self, group: usize, lane: usize, params: &[f32]) {
            self.params[group * 4 + lane] = [params[0], params[1]];
        }
        fn set_param(&mut self, group: usize, lane: usize, param: usize, value: f32) {
            self.params[group * 4 + lane][param] = value;
        }
        fn run(&mut self, group: usize, from: usize, to: usize) {
            for lane in 0..4 {
                let v = self.params[group * 4 + lane][0];
                self.out[lane][from..to].fill(v);
            }
        }
        fn output(&self, lane: usize, _channel: usize) -> &[f32] {
            &self.out[lane]
        }
        fn as_any(&self) -> &dyn std::any::Any {
            self
        }
        fn copy_from(&mut self, other: &dyn VoiceKernel) -> bool {
            match other.as_any().downcast_ref::<Gates>() {
                Some(o) => {
                    self.params.copy_from_slice(&o.params);
                    true
                }
                None => false,
            }
        }
    }

    const BLOCK: usize = 512;

    fn pool(capacity: usize) -> DefPool {
        let graph = Graph {
            nodes: vec![
                Node {
                    op: Op::Param { index: 0 },
                    inputs: vec![],
                    channels: 1,
                    span: None,
                },
                Node {
                    op: Op::Master,
                    inputs: vec![Operand::Node(0)],
                    channels: 2,
                    span: None,
                },
            ],
            outputs: vec![("~g".into(), Operand::Node(0))],
            buses: vec![],
            master: 1,
            patterns: vec![],
            sounds: vec![],
            voices: vec![],
            cps: 1.0,
            limit: false,
        };
        let def = VoiceDef {
            name: "g".into(),
            params: vec![VoiceParam {
                name: "gate".into(),
                default: 1.0,
            }],
            graph,
            span: None,
        };
        let kernel = Gates {
            params: vec![[0.0; 2]; 8],
            out: vec![vec![0.0; BLOCK]; 4],
        };
        DefPool::new(&def, Box::new(kernel), capacity, 44_100, BLOCK)
    }

    fn at(offset: usize, event: f64) -> EventFrames {
        EventFrames {
            offset,
            event,
            cycle: 44_100.0,
        }
    }

    /// A block of the pool, hard left (pan 0: gain 1 on the left, 0 on the right).
    fn block(p: &mut DefPool) -> Vec<f32> {
        let (mut l, mut r) = (vec![0.0; BLOCK], vec![0.0; BLOCK]);
        let mut sends = Sends::new(BLOCK);
        p.render(&mut l, &mut r, &mut sends);
        assert!(r.iter().all(|&x| x == 0.0));
        l
    }

    fn left() -> Controls {
        let mut c = Controls::new();
        c.set(Control::Pan, Scalar::Num(0.0));
        c
    }

    #[test]
    fn voices_start_on_their_frames_and_end_after_a_silent_block() {
        let mut p = pool(16);
        p.start(&left(), at(100, 200.0));
        p.start(&left(), at(300, 1000.0));
        let x = block(&mut p);
        // The first gate: frames 100..300; the second from 300 on.
        assert!(x[..100].iter().all(|&v| v == 0.0));
        assert!(x[100..300].iter().all(|&v| v == 1.0));
        assert!(x[300..].iter().all(|&v| v == 1.0));
        assert_eq!(p.active(), 2);
        // Block 2: the second gate closes at 300 + 1000 - 512 = 788 > 512: still up.
        let x = block(&mut p);
        assert!(x.iter().all(|&v| v == 1.0));
        // Block 3: it closes at frame 276; the first voice, silent all of block 2
        // after its gate, has ended.
        let x = block(&mut p);
        assert!(x[..276].iter().all(|&v| v == 1.0));
        assert!(x[276..].iter().all(|&v| v == 0.0));
        assert_eq!(p.active(), 1);
        block(&mut p);
        assert_eq!(p.active(), 0);
    }

    #[test]
    fn a_full_pool_fades_out_its_oldest_voice() {
        let mut p = pool(2);
        p.start(&left(), at(0, 1e6));
        p.start(&left(), at(0, 1e6));
        block(&mut p);
        // A third start: the oldest fades over 5 ms (221 frames at 44.1 kHz, from
        // 221/221 down) while the new one sounds from frame 10.
        p.start(&left(), at(10, 1e6));
        let x = block(&mut p);
        let fade = (FADE_SECONDS * 44_100.0).round() as usize;
        for (i, &v) in x.iter().enumerate() {
            let faded = if i < fade {
                (fade - i) as f32 / fade as f32
            } else {
                0.0
            };
            let expected = faded + 1.0 + if i >= 10 { 1.0 } else { 0.0 };
            assert!((v - expected).abs() < 1e-6, "frame {i}: {v} against {expected}");
        }
        assert_eq!(p.active(), 2);
    }
}
