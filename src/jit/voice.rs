//! The JIT's voices of a voice definition (`~pluck freq=440 gate=1: ...`): the
//! definition's graph of one voice compiled once, as a *lane graph* of `L` copies
//! side by side, and run by [`JitVoices`], the pools' [`VoiceKernel`].
//!
//! Compiling ([`VoiceCode::compile`]): the lane graph holds `L` copies of the
//! definition's nodes (renumbered, the definition's master left out), copy `c`'s
//! sound as `outputs[c]`, and one master at the end reading them. The copies are
//! isomorphic, so the ordinary passes ([`passes::optimize`]) fuse each into its
//! region(s) and pack the copies' regions four to an `f32x4`; [`passes::loops`] may
//! then pair two packs in one loop (two vectors per step). `L` is 8 when every loop
//! of the 8-copy plan holds two packs (the definition's state is small enough to
//! pair), else 4: eight copies whose packs run in two separate loops cost what two
//! groups of four cost, and a pool of 4-lane groups wastes fewer lanes. The plan is
//! then compiled by [`codegen::generate`] like any program's.
//!
//! What one lane of the plan is: after the passes, the nodes of copy `c` are those
//! reachable from `outputs[c]` (the copies share no node: folding does not merge
//! nodes). Each such node's state lives where the [`codegen::StateMap`] says, lane by
//! lane ([`codegen::StateEntry`], [`carry::lane_slots`]); a node of a stereo region
//! has one entry per channel instance. Kept per copy: the byte ranges of all its
//! nodes' lane slots (state) and lane blocks (memory), the slot of each parameter
//! (`param` node, every instance), and its output (a node's buffer, or a constant).
//!
//! Running ([`JitVoices`]): each group of `L` voices has its own state block (a copy
//! of the template, whose parameter slots hold the defaults) and memory block; all
//! groups share one buffer arena of the lane graph, run one group after another. A
//! voice's start copies its lane's bytes back from the template (and zeroes its
//! memory, the initial contents of every delay line) and writes its parameters;
//! `set_param` writes one slot (every instance). `run(group, from, to)` calls every
//! stage function with the arena pointer shifted by `from` samples and `to - from`
//! frames: codegen addresses every buffer sample as `arena + 4·(offset + frame)`
//! (`codegen::prepare_pack` hoists `arena + 4·offset`, the frame loop adds `4·i`
//! for `i` in `0..frames`; nothing else reads the arena pointer), so the shifted
//! call computes frames `from..to` of every buffer and leaves the others as they
//! were. The kernels' state is frame-independent (loaded before the loop, stored
//! after it), so a block split at any frames computes what the whole block does.

use std::sync::Arc;

use super::codegen::{self, StageFn};
use super::{carry, kernel, JitError};
use crate::ir::voice::VoiceDef;
use crate::ir::{Graph, Node, NodeId, Op, Operand};
use crate::passes::{self, Plan};
use crate::runtime::voice_defs::VoiceKernel;
use crate::runtime::Buffers;

/// Copies of a definition compiled side by side when their loops pair.
pub const WIDE_LANES: usize = 8;
/// Copies of a definition compiled side by side otherwise (one `f32x4`).
pub const NARROW_LANES: usize = 4;

/// The lane graph of `def`: `lanes` copies of its voice graph, copy `c`'s sound as
/// output `c`, one master reading every output that is a node (module
/// documentation). An input naming no node of the definition (the master, or past
/// the end) reads 0.
pub fn lane_graph(def: &VoiceDef, lanes: usize) -> Graph {
    let g = &def.graph;
    let keep = |id: NodeId| id != g.master && g.nodes.get(id).is_some_and(|n| n.op != Op::Master);
    let per_copy = (0..g.nodes.len()).filter(|id| keep(*id)).count();
    let mut nodes: Vec<Node> = Vec::with_capacity(per_copy * lanes + 1);
    let mut outputs = Vec::with_capacity(lanes);
    let sound = g.outputs.first().map_or(Operand::Const(0.0), |(_, op)| *op);
    for c in 0..lanes {
        // Where each node of the definition goes in this copy.
        let base = nodes.len();
        let mut map: Vec<Option<NodeId>> = vec![None; g.nodes.len()];
        let mut next = base;
        for (id, slot) in map.iter_mut().enumerate() {
            if keep(id) {
                *slot = Some(next);
                next += 1;
            }
        }
        let renumber = |op: Operand| match op {
            Operand::Node(j) => map
                .get(j)
                .copied()
                .flatten()
                .map_or(Operand::Const(0.0), Operand::Node),
            c => c,
        };
        for (id, node) in g.nodes.iter().enumerate() {
            if !keep(id) {
                continue;
            }
            nodes.push(Node {
                op: node.op,
                inputs: node.inputs.iter().map(|op| renumber(*op)).collect(),
                channels: node.channels,
                span: node.span,
            });
        }
        outputs.push((format!("{}.{c}", def.name), renumber(sound)));
    }
    nodes.push(Node {
        op: Op::Master,
        inputs: outputs
            .iter()
            .map(|(_, op)| *op)
            .filter(|op| matches!(op, Operand::Node(_)))
            .collect(),
        channels: 2,
        span: None,
    });
    Graph {
        master: nodes.len() - 1,
        nodes,
        outputs,
        buses: Vec::new(),
        patterns: g.patterns.clone(),
        sounds: Vec::new(),
        voices: Vec::new(),
        cps: g.cps,
        limit: false,
    }
}

/// The plan of `def`'s lane graph of `lanes` copies.
pub fn lane_plan(def: &VoiceDef, lanes: usize) -> Plan {
    passes::optimize(&lane_graph(def, lanes))
}

/// Whether every loop of `plan` computes two packs (two vectors per step).
fn pairs_every_loop(plan: &Plan) -> bool {
    let mut loops = plan.loops.iter().flatten().peekable();
    loops.peek().is_some() && loops.all(|l| l.len() == 2)
}

/// The lanes [`VoiceCode::compile`] picks for `def` (module documentation).
pub fn lanes_for(def: &VoiceDef) -> usize {
    if pairs_every_loop(&lane_plan(def, WIDE_LANES)) {
        WIDE_LANES
    } else {
        NARROW_LANES
    }
}

/// Where a copy's sound is.
#[derive(Clone, Copy, Debug)]
enum Sound {
    /// A node of the lane graph (its buffer in the arena).
    Node(NodeId),
    /// A constant: `VoiceCode::consts[k]`, block-long.
    Const(usize),
}

/// What one copy (lane) of the lane graph owns in the state and memory blocks.
#[derive(Clone, Debug, Default)]
struct Lane {
    /// Byte ranges (offset, length) of its nodes' lane slots in the state block.
    state: Vec<(usize, usize)>,
    /// Byte ranges of its nodes' lane blocks in the memory block.
    memory: Vec<(usize, usize)>,
    /// Per parameter index, the byte offsets of its `param` nodes' slots (one per
    /// node and channel instance; none when the parameter is unused).
    params: Vec<Vec<usize>>,
}

/// A voice definition compiled (module documentation): shared, behind an `Arc`, by
/// every pool of the definition.
pub struct VoiceCode {
    /// Keeps the code alive.
    _module: cranelift_jit::JITModule,
    /// Every group function of every stage, in the order they run.
    functions: Vec<StageFn>,
    /// The state block of a fresh group (parameters at their defaults).
    template: Vec<u128>,
    memory_units: usize,
    lanes: Vec<Lane>,
    sounds: Vec<Sound>,
    consts: Vec<Vec<f32>>,
    channels: usize,
    /// The lane graph after the passes (its arena is what the code addresses).
    graph: Graph,
    block: usize,
}

// SAFETY: after `compile` nothing mutates a `VoiceCode`: the module's code is
// finished and only called, each call on state, memory and an arena of the caller's
// own (`JitVoices`), so sharing it between threads and sending it is sound.
unsafe impl Send for VoiceCode {}
// SAFETY: see above.
unsafe impl Sync for VoiceCode {}

/// The byte view of a state block (`u128` has no padding and any bytes are a value).
fn bytes_mut(v: &mut [u128]) -> &mut [u8] {
    // SAFETY: see above; the length is the slice's size in bytes, the borrow exclusive.
    unsafe { std::slice::from_raw_parts_mut(v.as_mut_ptr().cast::<u8>(), std::mem::size_of_val(v)) }
}

fn bytes(v: &[u128]) -> &[u8] {
    // SAFETY: as `bytes_mut`, shared.
    unsafe { std::slice::from_raw_parts(v.as_ptr().cast::<u8>(), std::mem::size_of_val(v)) }
}

/// Writes `value` at byte `at` of `block`, when in bounds.
fn write_f32(block: &mut [u8], at: usize, value: f32) {
    if let Some(d) = at.checked_add(4).and_then(|end| block.get_mut(at..end)) {
        d.copy_from_slice(&value.to_le_bytes());
    }
}

impl VoiceCode {
    /// Compiles `def` for blocks of `block` frames at `sample_rate`, with the lanes
    /// [`lanes_for`] picks.
    pub fn compile(
        def: &VoiceDef,
        block: usize,
        sample_rate: f32,
        verify: bool,
    ) -> Result<VoiceCode, JitError> {
        VoiceCode::compile_lanes(def, lanes_for(def), block, sample_rate, verify)
    }

    /// Compiles `def` as a lane graph of `lanes` copies (at least 1).
    pub fn compile_lanes(
        def: &VoiceDef,
        lanes: usize,
        block: usize,
        sample_rate: f32,
        verify: bool,
    ) -> Result<VoiceCode, JitError> {
        let lanes = lanes.max(1);
        let block = block.max(1);
        let plan = lane_plan(def, lanes);
        let buffers = Buffers::new(&plan.graph, block);
        let compiled = codegen::generate(&plan, &buffers, sample_rate, verify, false)?;
        let graph = plan.graph;
        // The copy owning each node: reachable from its output.
        let mut owner: Vec<Option<usize>> = vec![None; graph.nodes.len()];
        for (c, (_, op)) in graph.outputs.iter().enumerate().take(lanes) {
            let mut stack: Vec<NodeId> = match op {
                Operand::Node(id) => vec![*id],
                Operand::Const(_) => Vec::new(),
            };
            while let Some(id) = stack.pop() {
                let Some(slot) = owner.get_mut(id) else {
                    continue;
                };
                if slot.is_some() {
                    continue;
                }
                *slot = Some(c);
                for input in &graph.nodes[id].inputs {
                    if let Operand::Node(j) = input {
                        stack.push(*j);
                    }
                }
            }
        }
        let count = def.param_count();
        let mut lane_info: Vec<Lane> = (0..lanes)
            .map(|_| Lane {
                params: vec![Vec::new(); count],
                ..Lane::default()
            })
            .collect();
        let mut template = compiled.state;
        let state_map = compiled.state_map;
        for e in &state_map.entries {
            let (Some(Some(c)), Some(node)) = (owner.get(e.node), graph.nodes.get(e.node)) else {
                continue;
            };
            let types: Vec<_> = kernel::state(node.op, &[node.op; 4], [0; 4], sample_rate)
                .iter()
                .map(|i| i.ty())
                .collect();
            if types.len() != e.vars as usize {
                continue;
            }
            let lane = &mut lane_info[*c];
            let slots = carry::lane_slots(&types, e.lane as usize);
            for (off, len) in &slots {
                lane.state.push((e.state + off, *len));
            }
            if e.memory_bytes > 0 {
                lane.memory
                    .push((e.memory + e.lane as usize * e.memory_bytes, e.memory_bytes));
            }
            if let (Op::Param { index }, Some((off, _))) = (node.op, slots.first()) {
                if let Some(p) = lane.params.get_mut(index) {
                    p.push(e.state + off);
                }
            }
        }
        // Parameters start at their defaults (the onset at 0).
        {
            let block_bytes = bytes_mut(&mut template);
            for lane in &lane_info {
                for (index, slots) in lane.params.iter().enumerate() {
                    let value = def.params.get(index).map_or(0.0, |p| p.default);
                    for at in slots {
                        write_f32(block_bytes, *at, value);
                    }
                }
            }
        }
        let mut consts = Vec::new();
        let sounds = (0..lanes)
            .map(|c| match graph.outputs.get(c).map(|(_, op)| *op) {
                Some(Operand::Node(id)) => Sound::Node(id),
                other => {
                    let x = match other {
                        Some(Operand::Const(x)) => x,
                        _ => 0.0,
                    };
                    consts.push(vec![x; block]);
                    Sound::Const(consts.len() - 1)
                }
            })
            .collect();
        Ok(VoiceCode {
            _module: compiled.module,
            functions: compiled
                .functions
                .iter()
                .flatten()
                .map(|g| g.function)
                .collect(),
            template,
            memory_units: compiled.memory_units,
            lanes: lane_info,
            sounds,
            consts,
            channels: def.channels(),
            graph,
            block,
        })
    }

    /// Voices computed side by side (the copies of the lane graph).
    pub fn lanes(&self) -> usize {
        self.lanes.len()
    }
}

/// A pool's voices of one definition on the JIT: groups of [`VoiceCode::lanes`]
/// voices, each group one state and memory block, all sharing one arena (module
/// documentation). Allocates only in [`JitVoices::new`].
pub struct JitVoices {
    code: Arc<VoiceCode>,
    states: Vec<Vec<u128>>,
    memories: Vec<Vec<u128>>,
    arena: Buffers,
}

impl JitVoices {
    /// A pool of at least `voices` voices: ⌈voices / lanes⌉ groups (at least one).
    pub fn new(code: Arc<VoiceCode>, voices: usize) -> JitVoices {
        let groups = voices.max(1).div_ceil(code.lanes());
        JitVoices {
            states: vec![code.template.clone(); groups],
            memories: vec![vec![0u128; code.memory_units]; groups],
            arena: Buffers::new(&code.graph, code.block),
            code,
        }
    }
}

impl VoiceKernel for JitVoices {
    fn lanes(&self) -> usize {
        self.code.lanes()
    }

    fn groups(&self) -> usize {
        self.states.len()
    }

    fn channels(&self) -> usize {
        self.code.channels
    }

    fn start(&mut self, group: usize, lane: usize, params: &[f32]) {
        let (Some(state), Some(memory), Some(info)) = (
            self.states.get_mut(group),
            self.memories.get_mut(group),
            self.code.lanes.get(lane),
        ) else {
            return;
        };
        let template = bytes(&self.code.template);
        let state = bytes_mut(state);
        for &(at, len) in &info.state {
            if let (Some(src), Some(dst)) = (template.get(at..at + len), state.get_mut(at..at + len))
            {
                dst.copy_from_slice(src);
            }
        }
        for &(at, len) in &info.memory {
            if let Some(m) = bytes_mut(memory).get_mut(at..at + len) {
                m.fill(0);
            }
        }
        for (slots, value) in info.params.iter().zip(params) {
            for at in slots {
                write_f32(state, *at, *value);
            }
        }
    }

    fn set_param(&mut self, group: usize, lane: usize, param: usize, value: f32) {
        let (Some(state), Some(slots)) = (
            self.states.get_mut(group),
            self.code.lanes.get(lane).and_then(|l| l.params.get(param)),
        ) else {
            return;
        };
        let state = bytes_mut(state);
        for at in slots {
            write_f32(state, *at, value);
        }
    }

    fn run(&mut self, group: usize, from: usize, to: usize) {
        let to = to.min(self.arena.block());
        if from >= to || self.arena.block() != self.code.block {
            return;
        }
        let (Some(state), Some(memory)) = (self.states.get_mut(group), self.memories.get_mut(group))
        else {
            return;
        };
        // SAFETY: `from < to <= block <= arena length`, so the shifted pointer is
        // inside the arena.
        let arena = unsafe { self.arena.as_mut_ptr().add(from) };
        let state = state.as_mut_ptr().cast::<u8>();
        let memory = memory.as_mut_ptr().cast::<u8>();
        for f in &self.code.functions {
            // SAFETY: the functions were compiled for an arena of the lane graph with
            // this block (`self.arena`, made from the same graph and block) and for
            // state and memory blocks of the template's and `memory_units`' sizes
            // (this group's). Shifted by `from`, frame `i < to - from` of a buffer at
            // `offset` is sample `from + offset + i < offset + block`: inside that
            // buffer (module documentation).
            unsafe { f(arena, state, memory, (to - from) as i64) };
        }
    }

    fn output(&self, lane: usize, channel: usize) -> &[f32] {
        match self.code.sounds.get(lane) {
            Some(Sound::Node(id)) => self.arena.channel(*id, channel),
            Some(Sound::Const(k)) => self.code.consts.get(*k).map_or(&[][..], |v| v.as_slice()),
            None => &[],
        }
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    /// The state blocks of an identical definition's kernel (the same lane graph,
    /// so the same layout of state and memory) copied block for block.
    fn copy_from(&mut self, other: &dyn VoiceKernel) -> bool {
        let Some(o) = other.as_any().downcast_ref::<JitVoices>() else {
            return false;
        };
        let same = o.code.lanes() == self.code.lanes()
            && o.code.graph.nodes == self.code.graph.nodes
            && o.states.len() == self.states.len()
            && o.memories.len() == self.memories.len()
            && o.states.iter().zip(&self.states).all(|(a, b)| a.len() == b.len())
            && o.memories.iter().zip(&self.memories).all(|(a, b)| a.len() == b.len());
        if !same {
            return false;
        }
        for (a, b) in self.states.iter_mut().zip(&o.states) {
            a.copy_from_slice(b);
        }
        for (a, b) in self.memories.iter_mut().zip(&o.memories) {
            a.copy_from_slice(b);
        }
        true
    }
}
