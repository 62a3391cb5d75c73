//! Voice definitions: a bus with parameters, `~pluck freq=440 cutoff=2000 gate=1: saw
//! freq # lpf cutoff 0.8 * adsr 0.005 0.2 0.4 0.3 gate`, played once per event of a
//! sound that names it (`s "~pluck"`).
//!
//! A definition is a small [`Graph`] of one voice: its parameters are `param` nodes
//! ([`crate::ir::Op::Param`]) whose values the runtime sets at the voice's start (from
//! the event's controls) and when its gate closes; its sound is the graph's one
//! output. Every voice of a definition runs this same graph, so an engine can run
//! many of them side by side (the JIT in vector lanes, `jit::voice`; the interpreter
//! one voice at a time, `interp::voice`).

use super::Graph;
use crate::diag::SrcSpan;

/// One declared parameter of a voice definition and its default.
#[derive(Clone, Debug, PartialEq)]
pub struct VoiceParam {
    pub name: String,
    pub default: f32,
}

/// A voice definition, lowered.
#[derive(Clone, Debug)]
pub struct VoiceDef {
    /// The bus's name without its `~`.
    pub name: String,
    /// The declared parameters, in order: `param` node `index` reads `params[index]`,
    /// and index `params.len()` is the onset (1 on a voice's first frame, then 0),
    /// which the envelopes without a gate input are triggered by.
    pub params: Vec<VoiceParam>,
    /// One voice: its `param` nodes and its sound as `graph.outputs[0]`.
    pub graph: Graph,
    pub span: Option<SrcSpan>,
}

/// The parameter a voice's gate is: 1 while its event sounds, then 0.
pub const GATE: &str = "gate";

impl VoiceDef {
    /// The index of the `gate` parameter, when the definition declares one.
    pub fn gate(&self) -> Option<usize> {
        self.params.iter().position(|p| p.name == GATE)
    }

    /// The index of the onset parameter (see [`VoiceDef::params`]).
    pub fn onset(&self) -> usize {
        self.params.len()
    }

    /// The parameters the runtime sets: the declared ones and the onset.
    pub fn param_count(&self) -> usize {
        self.params.len() + 1
    }

    /// Channels of the voice's sound (1 or 2).
    pub fn channels(&self) -> usize {
        self.graph
            .outputs
            .first()
            .map_or(1, |(_, op)| self.graph.channels_of(*op))
    }
}
