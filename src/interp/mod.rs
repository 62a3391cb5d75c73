//! The reference interpreter: runs a [`Graph`] one node at a time over whole buffers.
//!
//! It is the engine every other engine is checked against, so it stays plain: each
//! node is one call of its `dsp` kernel (or one loop for elementwise arithmetic) per
//! channel, reading its inputs' buffers and writing its own. It is also a fair
//! baseline for speed: block-at-a-time, no per-sample dispatch, no allocation while
//! running.

use std::sync::Arc;

mod voice;
pub use voice::InterpVoices;

use crate::dsp::{arith, effects, env, filter, osc};
use crate::ir::{Graph, Node, Op, Operand};
use crate::runtime::{BlockContext, Buffers, Config, Engine, Inputs, SoundPlayer};

use crate::runtime::sounds::MAX_SAMPLED;

/// What the interpreter runs for a node.
enum Step {
    /// Filled by the runtime before the engine runs.
    Fed,
    /// The mix of a sound's voices.
    Voices(usize),
    /// The sum of the outputs.
    Master,
    /// A voice's parameter: `Interpreter::params[index]` over the block.
    Param(usize),
    /// One kernel per channel.
    Channels(Vec<ChannelKernel>),
}

/// One channel of a node: its kernel with the kernel's state, called once per block
/// with the channel's inputs.
type ChannelKernel = Box<dyn Kernel>;

trait Kernel: Send {
    fn run(&mut self, x: &ChannelInputs<'_>, out: &mut [f32]);
    fn as_any(&self) -> &dyn std::any::Any;
    /// Takes the state of `other`, the same kernel of another copy of the graph
    /// (false when it is not); allocates only for kernels with delay lines.
    fn copy_from(&mut self, other: &dyn Kernel) -> bool;
    /// Back to the state the kernel was built with (a voice's start; allocates only
    /// for kernels with delay lines, which voices do not have).
    fn reset(&mut self);
}

struct Stateful<S, F> {
    initial: S,
    state: S,
    run: F,
}

impl<S, F> Kernel for Stateful<S, F>
where
    S: Clone + Send + 'static,
    F: FnMut(&mut S, &ChannelInputs<'_>, &mut [f32]) + Send + 'static,
{
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn copy_from(&mut self, other: &dyn Kernel) -> bool {
        match other.as_any().downcast_ref::<Stateful<S, F>>() {
            Some(o) => {
                self.state.clone_from(&o.state);
                true
            }
            None => false,
        }
    }

    fn run(&mut self, x: &ChannelInputs<'_>, out: &mut [f32]) {
        (self.run)(&mut self.state, x, out)
    }

    fn reset(&mut self) {
        self.state.clone_from(&self.initial);
    }
}

struct Stateless<F>(F);

impl<F: Fn(&ChannelInputs<'_>, &mut [f32]) + Send + 'static> Kernel for Stateless<F> {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn copy_from(&mut self, other: &dyn Kernel) -> bool {
        other.as_any().is::<Stateless<F>>()
    }

    fn run(&mut self, x: &ChannelInputs<'_>, out: &mut [f32]) {
        (self.0)(x, out)
    }

    fn reset(&mut self) {}
}

/// Where a node's input comes from.
#[derive(Clone, Copy)]
enum Src {
    Node(usize),
    /// Index into the constant buffers.
    Const(usize),
}

pub struct Interpreter {
    graph: Arc<Graph>,
    steps: Vec<Step>,
    inputs: Vec<Vec<Src>>,
    /// One block-long buffer per constant input, filled once (shared by the copies
    /// of one voice graph, `interp::voice`).
    consts: Arc<Vec<Vec<f32>>>,
    /// The values of a voice graph's `param` nodes (empty in a patch's graph).
    params: Vec<f32>,
    config: Config,
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
        let steps = graph.nodes.iter().map(|n| step(n, sr)).collect();
        let layout = crate::runtime::Layout::of(&graph, config.block);
        Interpreter {
            layout,
            graph,
            steps,
            inputs,
            consts: Arc::new(consts),
            params: Vec::new(),
            config: *config,
        }
    }

    /// Puts every kernel back into the state it was built with.
    fn reset(&mut self) {
        for step in &mut self.steps {
            if let Step::Channels(kernels) = step {
                for k in kernels {
                    k.reset();
                }
            }
        }
    }

    /// Takes the state of every kernel of `other`, an interpreter of an identical
    /// graph; false (possibly after copying some) when a kernel differs.
    fn copy_state_from(&mut self, other: &Interpreter) -> bool {
        if self.steps.len() != other.steps.len() {
            return false;
        }
        self.params.clone_from(&other.params);
        let mut all = true;
        for (a, b) in self.steps.iter_mut().zip(&other.steps) {
            if let (Step::Channels(ka), Step::Channels(kb)) = (a, b) {
                for (x, y) in ka.iter_mut().zip(kb) {
                    all &= x.copy_from(y.as_ref());
                }
            }
        }
        all
    }

    /// Another interpreter of the same graph in its initial state, sharing the
    /// constant buffers (one voice of a voice graph, `interp::voice`).
    fn fresh_copy(&self, sample_rate: f32) -> Interpreter {
        Interpreter {
            graph: self.graph.clone(),
            steps: self.graph.nodes.iter().map(|n| step(n, sample_rate)).collect(),
            inputs: self.inputs.clone(),
            consts: self.consts.clone(),
            params: self.params.clone(),
            layout: self.layout,
            config: self.config,
        }
    }
}

/// Boxes a kernel with its state.
fn stateful<S: Clone + Send + 'static>(
    state: S,
    run: impl FnMut(&mut S, &ChannelInputs<'_>, &mut [f32]) + Send + 'static,
) -> ChannelKernel {
    Box::new(Stateful {
        initial: state.clone(),
        state,
        run,
    })
}

/// Boxes a kernel without state.
fn stateless(run: impl Fn(&ChannelInputs<'_>, &mut [f32]) + Send + 'static) -> ChannelKernel {
    Box::new(Stateless(run))
}

/// The interpreter's link from each operation to its `dsp` kernel: one arm per
/// operation and no wildcard, so an operation without a kernel does not compile.
fn step(node: &Node, sr: f32) -> Step {
    let channels = |make: &dyn Fn(usize) -> ChannelKernel| {
        Step::Channels((0..node.channels).map(make).collect())
    };
    match node.op {
        Op::Stepped { .. } | Op::Trigger { .. } | Op::Gate { .. } | Op::Feedback => Step::Fed,
        Op::Voices { sound } => Step::Voices(sound),
        Op::Master => Step::Master,
        Op::Param { index } => Step::Param(index),
        Op::Add => channels(&|_| stateless(|x, o| zip2(x.at(0), x.at(1), o, |a, b| a + b))),
        Op::Sub => channels(&|_| stateless(|x, o| zip2(x.at(0), x.at(1), o, |a, b| a - b))),
        Op::Mul => channels(&|_| stateless(|x, o| zip2(x.at(0), x.at(1), o, |a, b| a * b))),
        Op::Div => channels(&|_| stateless(|x, o| zip2(x.at(0), x.at(1), o, arith::div))),
        Op::Neg => channels(&|_| stateless(|x, o| map1(x.at(0), o, |a| -a))),
        Op::Abs => channels(&|_| stateless(|x, o| map1(x.at(0), o, f32::abs))),
        Op::Mtof => channels(&|_| stateless(|x, o| map1(x.at(0), o, arith::mtof))),
        Op::Clip => {
            channels(&|_| stateless(|x, o| zip3(x.at(0), x.at(1), x.at(2), o, arith::clip)))
        }
        Op::Range => {
            channels(&|_| stateless(|x, o| zip3(x.at(0), x.at(1), x.at(2), o, arith::range)))
        }
        Op::Distortion => {
            channels(&|_| stateless(|x, o| effects::distortion(x.at(0), x.at(1), x.at(2), o)))
        }
        Op::Shape => channels(&|_| stateless(|x, o| effects::shape(x.at(0), x.at(1), o))),
        Op::Sine => channels(&|_| stateful(osc::Osc::new(sr), |s, x, o| osc::sine(s, x.at(0), o))),
        Op::Saw => channels(&|_| stateful(osc::Osc::new(sr), |s, x, o| osc::saw(s, x.at(0), o))),
        Op::Square | Op::Pulse => channels(&|_| {
            stateful(osc::Osc::new(sr), |s, x, o| {
                osc::square(s, x.at(0), x.at(1), o)
            })
        }),
        Op::Tri => channels(&|_| stateful(osc::Osc::new(sr), |s, x, o| osc::tri(s, x.at(0), o))),
        Op::Impulse => {
            channels(&|_| stateful(osc::Osc::new(sr), |s, x, o| osc::impulse(s, x.at(0), o)))
        }
        Op::Noise { seed } => {
            channels(&|_| stateful(osc::Noise::new(seed), |s, _, o| osc::noise(s, o)))
        }
        Op::Supersaw => channels(&|_| {
            stateful(osc::Supersaw::new(sr), |s, x, o| {
                osc::supersaw(s, x.at(0), x.at(1), o)
            })
        }),
        Op::Fm => channels(&|_| {
            stateful(osc::Fm::new(sr), |s, x, o| {
                osc::fm(s, x.at(0), x.at(1), x.at(2), o)
            })
        }),
        Op::Pink { seed } => {
            channels(&|_| stateful(osc::Pink::new(seed), |s, _, o| osc::pink(s, o)))
        }
        Op::Brown { seed } => {
            channels(&|_| stateful(osc::Brown::new(sr, seed), |s, _, o| osc::brown(s, o)))
        }
        Op::Svf(mode) => channels(&|_| {
            stateful(filter::Svf::new(sr), move |s, x, o| {
                filter::svf(s, mode, x.at(0), x.at(1), x.at(2), o)
            })
        }),
        Op::Moog => channels(&|_| {
            stateful(filter::Moog::new(sr), |s, x, o| {
                filter::moog(s, x.at(0), x.at(1), x.at(2), o)
            })
        }),
        Op::Ad => channels(&|_| {
            stateful(env::Env::new(sr), |s, x, o| {
                env::ad(s, x.at(0), x.at(1), x.at(2), o)
            })
        }),
        Op::Adsr => channels(&|_| {
            stateful(env::Env::new(sr), |s, x, o| {
                env::adsr(s, x.at(0), x.at(1), x.at(2), x.at(3), x.at(4), x.at(5), o)
            })
        }),
        Op::Perc => channels(&|_| {
            stateful(env::Env::new(sr), |s, x, o| {
                env::perc(s, x.at(0), x.at(1), o)
            })
        }),
        Op::Delay => channels(&|_| {
            stateful(
                effects::Delay::new(sr, effects::MAX_DELAY_SECONDS),
                |s, x, o| effects::delay(s, x.at(0), x.at(1), x.at(2), x.at(3), o),
            )
        }),
        Op::Reverb => channels(&|c| {
            stateful(effects::Reverb::new(sr, c), |s, x, o| {
                effects::reverb(s, x.at(0), x.at(1), x.at(2), x.at(3), o)
            })
        }),
        Op::Bitcrush => channels(&|_| {
            stateful(effects::Bitcrush::new(), |s, x, o| {
                effects::bitcrush(s, x.at(0), x.at(1), x.at(2), o)
            })
        }),
        Op::Chorus => channels(&|c| {
            stateful(effects::Chorus::new(sr, c), |s, x, o| {
                effects::chorus(s, x.at(0), x.at(1), x.at(2), x.at(3), o)
            })
        }),
        Op::Compressor => channels(&|_| {
            stateful(effects::Compressor::new(sr), |s, x, o| {
                effects::compressor(s, x.at(0), x.at(1), x.at(2), o)
            })
        }),
    }
}

impl Engine for Interpreter {

    fn graph(&self) -> &Arc<Graph> {
        &self.graph
    }

    fn layout(&self) -> crate::runtime::Layout {
        self.layout
    }

    fn voice_kernel(
        &self,
        def: usize,
        voices: usize,
    ) -> Option<Box<dyn crate::runtime::voice_defs::VoiceKernel>> {
        let def = self.graph.voices.get(def)?;
        Some(Box::new(InterpVoices::new(def, &self.config, voices)))
    }

    fn run(&mut self, ctx: &BlockContext<'_>, buffers: &mut Buffers, sounds: &mut SoundPlayer) {
        let n = ctx.frames;
        let block = buffers.block();
        for (id, node) in self.graph.nodes.iter().enumerate() {
            let Some(step) = self.steps.get_mut(id) else {
                continue;
            };
            if matches!(step, Step::Fed) {
                continue; // filled by the runtime
            }
            let (before, out) = buffers.split_at(id);
            let ins = InputView {
                before,
                srcs: self.inputs.get(id).map_or(&[][..], |v| v.as_slice()),
                consts: &self.consts,
                frames: n,
            };
            match step {
                Step::Fed => {}
                Step::Voices(sound) => run_voices(*sound, &ins, out, block, n, sounds),
                Step::Master => crate::runtime::mix_master(&node.inputs, ins.before, out, block, n),
                Step::Param(index) => {
                    let value = self.params.get(*index).copied().unwrap_or(0.0);
                    if let Some(o) = out.get_mut(..n) {
                        o.fill(value);
                    }
                }
                Step::Channels(kernels) => {
                    for (c, kernel) in kernels.iter_mut().enumerate() {
                        let Some(o) = out.get_mut(c * block..c * block + n) else {
                            continue;
                        };
                        kernel.run(
                            &ChannelInputs {
                                view: &ins,
                                channel: c,
                            },
                            o,
                        );
                    }
                }
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

/// The inputs of one channel of a node.
struct ChannelInputs<'a> {
    view: &'a InputView<'a>,
    channel: usize,
}

impl ChannelInputs<'_> {
    /// Input `k` of the channel.
    fn at(&self, k: usize) -> &[f32] {
        self.view.get(k, self.channel)
    }
}
