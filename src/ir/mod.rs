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
pub mod op;
pub mod probe;
pub mod voice;

use std::fmt;

pub use dump::{dump, dump_nodes};
pub use identity::match_graphs;
#[cfg(any(test, feature = "testing"))]
pub use identity::Matching;
pub use op::{NodeKind, Op};

use crate::diag::SrcSpan;
use crate::pattern::value::{Control, Value};
use crate::pattern::Pattern;

/// Index of a node in [`Graph::nodes`].
pub type NodeId = usize;

/// An input of a node: another node's buffer, or a constant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Operand {
    Node(NodeId),
    Const(f32),
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
    /// The buses that became part of the graph, in source order: name and the operand
    /// holding the bus's value (for the dump). A sound bus read in two places is two
    /// `voices` nodes, so a name can come twice.
    pub buses: Vec<(String, Operand)>,
    /// The `Master` node (always the last).
    pub master: NodeId,
    pub patterns: Vec<PatternSource>,
    pub sounds: Vec<SoundSource>,
    /// The voice definitions (`~pluck freq=440 ...: expr`), in source order; a sound's
    /// events play definition `k` when their `s` is `~` and its name.
    pub voices: Vec<voice::VoiceDef>,
    /// Cycles per second.
    pub cps: f64,
    /// The master limiter engaged (`limit: off` in the patch disengages it; the
    /// commands' `--no-limit` leaves the whole master stage out instead).
    pub limit: bool,
}

impl Graph {
    /// The channels of an operand (constants are mono).
    pub fn channels_of(&self, operand: Operand) -> usize {
        match operand {
            Operand::Node(id) => self.nodes.get(id).map_or(1, |n| n.channels),
            Operand::Const(_) => 1,
        }
    }

    /// Whether `other` is this graph unchanged: the same nodes (operations, inputs,
    /// channels, spans), outputs, buses, patterns and sounds. How `phonon ir
    /// --passes` tells a pass that did nothing.
    pub fn same_as(&self, other: &Graph) -> bool {
        self.nodes == other.nodes
            && self.outputs == other.outputs
            && self.buses == other.buses
            && self.master == other.master
            && self.patterns.len() == other.patterns.len()
            && self.sounds.len() == other.sounds.len()
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
            .field("buses", &self.buses)
            .field("patterns", &self.patterns.len())
            .field("sounds", &self.sounds.len())
            .field("voices", &self.voices)
            .field("cps", &self.cps)
            .field("limit", &self.limit)
            .finish()
    }
}
