//! The reference interpreter: runs a [`Graph`] one node at a time over whole buffers.
//!
//! It is the engine every other engine is checked against, so it stays plain: each
//! node is one call of its `dsp` kernel (or one loop for elementwise arithmetic) per
//! channel, reading its inputs' buffers and writing its own. It is also a fair
//! baseline for speed: block-at-a-time, no per-sample dispatch, no allocation while
//! running.

use std::sync::Arc;

use crate::dsp::{approx, effects, env, filter, osc};
use crate::ir::{Graph, Node, Op, Operand};
use crate::runtime::{BlockContext, Buffers, Config, Engine, Inputs, SoundPlayer};

use crate::runtime::sounds::MAX_SAMPLED;

/// Per-node state, one instance per channel where the kernel has state.
enum State {
    None,
    Osc(Vec<osc::Osc>),
    Noise(osc::Noise),
    Pink(osc::Pink),
    Svf(Vec<filter::Svf>),
    Moog(Vec<filter::Moog>),
    Env(Vec<env::Env>),
    Delay(Vec<effects::Delay>),
    Reverb(Vec<effects::Reverb>),
    Bitcrush(Vec<effects::Bitcrush>),
    Chorus(Vec<effects::Chorus>),
    Compressor(Vec<effects::Compressor>),
}

/// Where a node's input comes from.
#[derive(Clone, Copy)]
enum Src {
    Node(usize),
    /// Index into the constant buffers.
    Const(usize),
}

/// The longest delay line, in seconds.
pub const MAX_DELAY_SECONDS: f32 = 4.0;

pub struct Interpreter {
    graph: Arc<Graph>,
    states: Vec<State>,
    inputs: Vec<Vec<Src>>,
    /// One block-long buffer per constant input, filled once.
    consts: Vec<Vec<f32>>,
    /// The buffers it was built for (the block of its constant buffers).
    layout: crate::runtime::Layout,
}

impl Interpreter {
    pub fn new(graph: Arc<Graph>, config: &Config) -> Interpreter {
        let sr = config.sample_rate as f32;
        let mut consts = Vec::new();
        let mut inputs = Vec::with_capacity(graph.nodes.len());
        for node in &graph.nodes {
            let srcs = node
                .inputs
                .iter()
                .map(|op| match op {
                    Operand::Node(id) => Src::Node(*id),
                    Operand::Const(x) => {
                        consts.push(vec![*x; config.block]);
                        Src::Const(consts.len() - 1)
                    }
                })
                .collect();
            inputs.push(srcs);
        }
        let states = graph.nodes.iter().map(|n| new_state(n, sr)).collect();
        let layout = crate::runtime::Layout::of(&graph, config.block);
        Interpreter {
            layout,
            graph,
            states,
            inputs,
            consts,
        }
    }
}

fn new_state(node: &Node, sr: f32) -> State {
    let ch = node.channels;
    match node.op {
        Op::Sine | Op::Saw | Op::Square | Op::Tri | Op::Impulse => {
            State::Osc((0..ch).map(|_| osc::Osc::new(sr)).collect())
        }
        Op::Noise { seed } => State::Noise(osc::Noise::new(seed)),
        Op::Pink { seed } => State::Pink(osc::Pink::new(seed)),
        Op::Svf(_) => State::Svf((0..ch).map(|_| filter::Svf::new(sr)).collect()),
        Op::Moog => State::Moog((0..ch).map(|_| filter::Moog::new(sr)).collect()),
        Op::Ad | Op::Adsr | Op::Perc => State::Env((0..ch).map(|_| env::Env::new(sr)).collect()),
        Op::Delay => State::Delay(
            (0..ch)
                .map(|_| effects::Delay::new(sr, MAX_DELAY_SECONDS))
                .collect(),
        ),
        Op::Reverb => State::Reverb((0..ch).map(|c| effects::Reverb::new(sr, c)).collect()),
        Op::Bitcrush => State::Bitcrush((0..ch).map(|_| effects::Bitcrush::new()).collect()),
        Op::Chorus => State::Chorus((0..ch).map(|c| effects::Chorus::new(sr, c)).collect()),
        Op::Compressor => {
            State::Compressor((0..ch).map(|_| effects::Compressor::new(sr)).collect())
        }
        _ => State::None,
    }
}

impl Engine for Interpreter {
    fn name(&self) -> &'static str {
        "interp"
    }

    fn graph(&self) -> &Arc<Graph> {
        &self.graph
    }

    fn layout(&self) -> crate::runtime::Layout {
        self.layout
    }

    fn run(&mut self, ctx: &BlockContext<'_>, buffers: &mut Buffers, sounds: &mut SoundPlayer) {
        let n = ctx.frames;
        let block = buffers.block();
        for (id, node) in self.graph.nodes.iter().enumerate() {
            if matches!(
                node.op,
                Op::Stepped { .. } | Op::Trigger { .. } | Op::Gate { .. } | Op::Feedback
            ) {
                continue; // filled by the runtime
            }
            let (before, out) = buffers.split_at(id);
            let ins = InputView {
                before,
                srcs: self.inputs.get(id).map_or(&[][..], |v| v.as_slice()),
                consts: &self.consts,
                frames: n,
            };
            let state = match self.states.get_mut(id) {
                Some(s) => s,
                None => continue,
            };
            if let Op::Voices { sound } = node.op {
                run_voices(sound, &ins, out, block, n, sounds);
                continue;
            }
            if node.op == Op::Master {
                crate::runtime::mix_master(&node.inputs, ins.before, out, block, n);
                continue;
            }
            for c in 0..node.channels {
                let Some(o) = out.get_mut(c * block..c * block + n) else {
                    continue;
                };
                run_channel(node.op, state, c, &ins, o);
            }
        }
    }
}

/// A node's inputs, channel by channel, truncated to the block's frames.
struct InputView<'a> {
    before: Inputs<'a>,
    srcs: &'a [Src],
    consts: &'a [Vec<f32>],
    frames: usize,
}

impl<'a> InputView<'a> {
    fn get(&self, k: usize, c: usize) -> &'a [f32] {
        let full: &'a [f32] = match self.srcs.get(k) {
            Some(Src::Node(id)) => self.before.channel(*id, c),
            Some(Src::Const(i)) => self.consts.get(*i).map_or(&[][..], |v| v.as_slice()),
            None => &[],
        };
        full.get(..self.frames).unwrap_or(full)
    }

    fn len(&self) -> usize {
        self.srcs.len()
    }
}

fn run_voices(
    sound: usize,
    ins: &InputView<'_>,
    out: &mut [f32],
    block: usize,
    n: usize,
    sounds: &mut SoundPlayer,
) {
    let mut sampled: [&[f32]; MAX_SAMPLED] = [&[]; MAX_SAMPLED];
    let count = ins.len().min(MAX_SAMPLED);
    for (k, slot) in sampled.iter_mut().enumerate().take(count) {
        *slot = ins.get(k, 0);
    }
    out.fill(0.0);
    if out.len() < block + n {
        return;
    }
    let (left, right) = out.split_at_mut(block);
    sounds.render(sound, &sampled[..count], &mut left[..n], &mut right[..n]);
}

/// Applies `f` to each frame of inputs `a` and `b`.
fn zip2(a: &[f32], b: &[f32], out: &mut [f32], f: impl Fn(f32, f32) -> f32) {
    for ((y, x), z) in out.iter_mut().zip(a).zip(b) {
        *y = f(*x, *z);
    }
}

fn zip3(a: &[f32], b: &[f32], c: &[f32], out: &mut [f32], f: impl Fn(f32, f32, f32) -> f32) {
    for (((y, x), u), v) in out.iter_mut().zip(a).zip(b).zip(c) {
        *y = f(*x, *u, *v);
    }
}

fn map1(a: &[f32], out: &mut [f32], f: impl Fn(f32) -> f32) {
    for (y, x) in out.iter_mut().zip(a) {
        *y = f(*x);
    }
}

/// The elementwise operations' formulas, shared with the JIT's reference tests.
pub mod formulas {
    use super::approx;

    #[inline]
    pub fn div(a: f32, b: f32) -> f32 {
        if b == 0.0 {
            0.0
        } else {
            a / b
        }
    }

    #[inline]
    pub fn clip(x: f32, lo: f32, hi: f32) -> f32 {
        x.max(lo).min(hi)
    }

    /// `range lo hi x`: -1..1 onto lo..hi.
    #[inline]
    pub fn range(x: f32, lo: f32, hi: f32) -> f32 {
        lo + (x + 1.0) * 0.5 * (hi - lo)
    }

    #[inline]
    pub fn mtof(x: f32) -> f32 {
        approx::mtof(x)
    }
}

/// Runs channel `c` of an elementwise or recurrent node.
fn run_channel(op: Op, state: &mut State, c: usize, ins: &InputView<'_>, out: &mut [f32]) {
    let x = |k: usize| ins.get(k, c);
    match (op, state) {
        (Op::Add, _) => zip2(x(0), x(1), out, |a, b| a + b),
        (Op::Sub, _) => zip2(x(0), x(1), out, |a, b| a - b),
        (Op::Mul, _) => zip2(x(0), x(1), out, |a, b| a * b),
        (Op::Div, _) => zip2(x(0), x(1), out, formulas::div),
        (Op::Neg, _) => map1(x(0), out, |a| -a),
        (Op::Abs, _) => map1(x(0), out, f32::abs),
        (Op::Mtof, _) => map1(x(0), out, formulas::mtof),
        (Op::Clip, _) => zip3(x(0), x(1), x(2), out, formulas::clip),
        (Op::Range, _) => zip3(x(0), x(1), x(2), out, formulas::range),
        (Op::Distortion, _) => effects::distortion(x(0), x(1), x(2), out),
        (Op::Sine, State::Osc(s)) => with(s, c, |s| osc::sine(s, x(0), out)),
        (Op::Saw, State::Osc(s)) => with(s, c, |s| osc::saw(s, x(0), out)),
        (Op::Square, State::Osc(s)) => with(s, c, |s| osc::square(s, x(0), x(1), out)),
        (Op::Tri, State::Osc(s)) => with(s, c, |s| osc::tri(s, x(0), out)),
        (Op::Impulse, State::Osc(s)) => with(s, c, |s| osc::impulse(s, x(0), out)),
        (Op::Noise { .. }, State::Noise(s)) => osc::noise(s, out),
        (Op::Pink { .. }, State::Pink(s)) => osc::pink(s, out),
        (Op::Svf(mode), State::Svf(s)) => {
            with(s, c, |s| filter::svf(s, mode, x(0), x(1), x(2), out))
        }
        (Op::Moog, State::Moog(s)) => with(s, c, |s| filter::moog(s, x(0), x(1), x(2), out)),
        (Op::Ad, State::Env(s)) => with(s, c, |s| env::ad(s, x(0), x(1), x(2), out)),
        (Op::Adsr, State::Env(s)) => with(s, c, |s| {
            env::adsr(s, x(0), x(1), x(2), x(3), x(4), x(5), out)
        }),
        (Op::Perc, State::Env(s)) => with(s, c, |s| env::perc(s, x(0), x(1), out)),
        (Op::Delay, State::Delay(s)) => {
            with(s, c, |s| effects::delay(s, x(0), x(1), x(2), x(3), out))
        }
        (Op::Reverb, State::Reverb(s)) => {
            with(s, c, |s| effects::reverb(s, x(0), x(1), x(2), x(3), out))
        }
        (Op::Bitcrush, State::Bitcrush(s)) => {
            with(s, c, |s| effects::bitcrush(s, x(0), x(1), x(2), out))
        }
        (Op::Chorus, State::Chorus(s)) => {
            with(s, c, |s| effects::chorus(s, x(0), x(1), x(2), x(3), out))
        }
        (Op::Compressor, State::Compressor(s)) => {
            with(s, c, |s| effects::compressor(s, x(0), x(1), x(2), out))
        }
        // Fed nodes, voices and the master are handled by the caller; a state that
        // does not match its operation cannot be built by `new_state`.
        _ => out.fill(0.0),
    }
}

/// Calls `f` with channel `c`'s state, if there is one.
fn with<S>(states: &mut [S], c: usize, f: impl FnOnce(&mut S)) {
    if let Some(s) = states.get_mut(c) {
        f(s);
    }
}
