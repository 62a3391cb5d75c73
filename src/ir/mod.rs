//! The signal graph: the one description of a patch's audio that every engine runs.
//!
//! A [`Graph`] is a list of [`Node`]s in dependency order. Every node reads and writes
//! whole buffers of one block (`channels × frames` samples); an input is another
//! node's buffer or a constant. Nodes fall into four kinds ([`NodeKind`]):
//!
//! - **fed**: buffers the runtime fills once per block from the patterns (stepped
//!   values, triggers, gates), the voices of a sound (a call into the voice pool),
//!   and the one-block-delayed read of a bus that refers to itself;
//! - **elementwise**: a pure function of the inputs at the same frame;
//! - **recurrence**: a kernel with state carried from sample to sample and block to
//!   block (oscillators, filters, envelopes, effects);
//! - **master**: the sum of the outputs into the stereo master.
//!
//! Order: every input of node `i` is a node `j < i`, with one exception, a
//! [`Op::Feedback`] node, whose input is read as it was at the end of the previous
//! block and may come later. Channels: a node has the most channels of its inputs
//! (mono inputs are shared by both channels of a stereo node); noise is mono, voices
//! and the master are stereo; a recurrence on a stereo input keeps one state per
//! channel.

mod dump;
pub mod identity;
mod lower;

use std::fmt;

pub use dump::dump;
pub use identity::{match_graphs, match_nodes, Matching};
pub use lower::{lower, LowerError};

use crate::dsp::filter::SvfMode;
use crate::pattern::value::{Control, Value};
use crate::pattern::Pattern;
use crate::syntax::ast::SrcSpan;

/// Index of a node in [`Graph::nodes`].
pub type NodeId = usize;

/// An input of a node: another node's buffer, or a constant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Operand {
    Node(NodeId),
    Const(f32),
}

/// What a node computes. The inputs each operation expects, in order, are listed in
/// [`Op::input_names`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    // ---- fed by the runtime ----
    /// A numeric pattern as a stepped signal: each event's value over its span, the
    /// last value held across rests (0 before the first). Notes become their
    /// frequency in Hz.
    Stepped {
        pattern: usize,
    },
    /// 1 on the frame of each event onset of a pattern, else 0.
    Trigger {
        pattern: usize,
    },
    /// 1 over the span of each event of a pattern, else 0.
    Gate {
        pattern: usize,
    },
    /// The stereo mix of the voices of sound `sound`; the inputs are the signals its
    /// controls sample at each onset (in the order of `SoundSource::sampled`).
    Voices {
        sound: usize,
    },
    /// The input's output of the previous block (a bus that refers to itself).
    Feedback,
    // ---- elementwise ----
    Add,
    Sub,
    Mul,
    /// Division; a zero divisor gives 0, as in pattern arithmetic.
    Div,
    Neg,
    Abs,
    /// MIDI note to Hz.
    Mtof,
    /// `clip lo hi x`.
    Clip,
    /// `range lo hi x`: -1..1 onto lo..hi.
    Range,
    /// tanh waveshaper with a dry/wet mix.
    Distortion,
    // ---- recurrences ----
    Sine,
    Saw,
    Square,
    Tri,
    Impulse,
    Noise {
        seed: u32,
    },
    Pink {
        seed: u32,
    },
    Svf(SvfMode),
    Moog,
    Ad,
    Adsr,
    Perc,
    Delay,
    Reverb,
    Bitcrush,
    Chorus,
    Compressor,
    // ---- master ----
    /// Sums every input into the stereo master (mono inputs in the centre).
    Master,
}

/// The four kinds of node; see the module documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    Fed,
    Elementwise,
    Recurrence,
    Master,
}

impl Op {
    pub fn kind(self) -> NodeKind {
        use Op::*;
        match self {
            Stepped { .. } | Trigger { .. } | Gate { .. } | Voices { .. } | Feedback => {
                NodeKind::Fed
            }
            Add | Sub | Mul | Div | Neg | Abs | Mtof | Clip | Range | Distortion => {
                NodeKind::Elementwise
            }
            Master => NodeKind::Master,
            _ => NodeKind::Recurrence,
        }
    }

    /// The operation's name as the IR dump prints it.
    pub fn name(self) -> &'static str {
        use Op::*;
        match self {
            Stepped { .. } => "stepped",
            Trigger { .. } => "trigger",
            Gate { .. } => "gate",
            Voices { .. } => "voices",
            Feedback => "feedback",
            Add => "add",
            Sub => "sub",
            Mul => "mul",
            Div => "div",
            Neg => "neg",
            Abs => "abs",
            Mtof => "mtof",
            Clip => "clip",
            Range => "range",
            Distortion => "distortion",
            Sine => "sine",
            Saw => "saw",
            Square => "square",
            Tri => "tri",
            Impulse => "impulse",
            Noise { .. } => "noise",
            Pink { .. } => "pink",
            Svf(SvfMode::Low) => "lpf",
            Svf(SvfMode::High) => "hpf",
            Svf(SvfMode::Band) => "bpf",
            Svf(SvfMode::Notch) => "notch",
            Moog => "moog",
            Ad => "ad",
            Adsr => "adsr",
            Perc => "perc",
            Delay => "delay",
            Reverb => "reverb",
            Bitcrush => "bitcrush",
            Chorus => "chorus",
            Compressor => "compressor",
            Master => "master",
        }
    }

    /// The state the operation carries from sample to sample and block to block, per
    /// channel (empty for elementwise operations).
    pub fn state(self) -> &'static str {
        use Op::*;
        match self {
            Stepped { .. } => "held value",
            Trigger { .. } | Gate { .. } => "",
            Voices { .. } => "voice pool",
            Feedback => "previous block",
            Add | Sub | Mul | Div | Neg | Abs | Mtof | Clip | Range | Distortion | Master => "",
            Sine | Saw | Square | Tri | Impulse => "phase",
            Noise { .. } => "xorshift state",
            Pink { .. } => "xorshift state, 7 one-poles",
            Svf(_) => "2 integrators",
            Moog => "4 integrators",
            Ad | Adsr | Perc => "stage, level",
            Delay => "delay line (4 s)",
            Reverb => "8 combs, 4 all-passes",
            Bitcrush => "held sample, phase",
            Chorus => "delay line, LFO phase",
            Compressor => "level detector",
        }
    }

    /// The names of the inputs, in order (`None`: any number, as for the master and
    /// for voices).
    pub fn input_names(self) -> Option<&'static [&'static str]> {
        use Op::*;
        Some(match self {
            Stepped { .. } | Trigger { .. } | Gate { .. } | Noise { .. } | Pink { .. } => &[],
            Voices { .. } | Master => return None,
            Feedback => &["source"],
            Add | Sub | Mul | Div => &["a", "b"],
            Neg | Abs | Mtof => &["x"],
            Clip | Range => &["x", "lo", "hi"],
            Distortion => &["in", "drive", "mix"],
            Sine | Saw | Tri | Impulse => &["freq"],
            Square => &["freq", "width"],
            Svf(_) => &["in", "cutoff", "q"],
            Moog => &["in", "cutoff", "resonance"],
            Ad => &["attack", "decay", "trig"],
            Adsr => &["attack", "decay", "sustain", "release", "trig", "gate"],
            Perc => &["release", "trig"],
            Delay => &["in", "time", "feedback", "mix"],
            Reverb => &["in", "room", "damp", "mix"],
            Bitcrush => &["in", "bits", "rate"],
            Chorus => &["in", "rate", "depth", "mix"],
            Compressor => &["in", "threshold", "ratio"],
        })
    }
}

/// One operation over whole buffers.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub op: Op,
    pub inputs: Vec<Operand>,
    /// 1 (mono) or 2 (stereo).
    pub channels: usize,
    /// The source text the node came from, when known.
    pub span: Option<SrcSpan>,
}

/// A pattern read by the runtime once per block to feed `Stepped`, `Trigger` and
/// `Gate` nodes.
#[derive(Clone)]
pub struct PatternSource {
    pub pattern: Pattern<Value>,
    pub span: Option<SrcSpan>,
}

/// A sound read by the runtime once per block: its events become voices of the
/// `Voices` node `node`.
#[derive(Clone)]
pub struct SoundSource {
    pub pattern: Pattern<Value>,
    /// Controls taken from signals at each onset; the signals are the node's inputs.
    pub sampled: Vec<SampledInput>,
    pub node: NodeId,
    pub span: Option<SrcSpan>,
}

/// A control a sound takes from a signal at each onset: input `k` of its `Voices`
/// node is the signal of `SoundSource::sampled[k]`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct SampledInput {
    pub control: Control,
}

/// A lowered patch.
#[derive(Clone)]
pub struct Graph {
    pub nodes: Vec<Node>,
    /// The outputs in source order: name and the operand summed into the master.
    pub outputs: Vec<(String, Operand)>,
    /// The `Master` node (always the last).
    pub master: NodeId,
    pub patterns: Vec<PatternSource>,
    pub sounds: Vec<SoundSource>,
    /// Cycles per second.
    pub cps: f64,
}

impl Graph {
    /// The channels of an operand (constants are mono).
    pub fn channels_of(&self, operand: Operand) -> usize {
        match operand {
            Operand::Node(id) => self.nodes.get(id).map_or(1, |n| n.channels),
            Operand::Const(_) => 1,
        }
    }

    /// A one-line description of node `id` for messages: `#12 lpf (line 3, column 9)`.
    pub fn describe(&self, id: NodeId, source: &str) -> String {
        let Some(node) = self.nodes.get(id) else {
            return format!("#{id}");
        };
        match node.span {
            Some(span) => {
                let (line, col) = crate::diag::line_col(source, span.start);
                format!("#{id} {} (line {line}, column {col})", node.op.name())
            }
            None => format!("#{id} {}", node.op.name()),
        }
    }
}

impl fmt::Debug for Graph {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Graph")
            .field("nodes", &self.nodes)
            .field("outputs", &self.outputs)
            .field("patterns", &self.patterns.len())
            .field("sounds", &self.sounds.len())
            .field("cps", &self.cps)
            .finish()
    }
}
