//! Carrying kernel state from an old program to a new one at a hot reload.
//!
//! A reload compiles the new patch into a new [`JitEngine`] on another thread;
//! `ir::identity` pairs its nodes with the old graph's. [`JitEngine::carry_plan`]
//! (compile thread, allocates) turns the pairs into a list of byte copies from the
//! old engine's state and memory blocks into the new one's, using the two programs'
//! [`StateMap`](super::codegen::StateMap)s; [`JitEngine::apply_carry`] (audio thread,
//! at the swap, between two blocks) performs them: bounds-checked slice copies, no
//! allocation, no lock, no panic.
//!
//! A node's state is copied only when its layout is the same in both programs: the
//! same operation kind (a filter's mode may differ: the same two integrators), the
//! same state variable types, the same memory size per lane, the same sample rate,
//! and the same channel (the reverb's line lengths and the chorus's LFO phase depend
//! on it). Memory sizes depend only on the operation and the sample rate (a delay
//! line is always `MAX_DELAY_SECONDS` long), so two nodes of one kind always agree;
//! a node whose sizes differed anyway is skipped whole rather than partly copied,
//! because a delay's index copied next to a shorter line would point past it.
//!
//! Lanes: the node may sit in another lane of another pack in the new program (a
//! chain packed with others, or alone); each lane's bytes are copied separately
//! (4 bytes per `f32`/`i32` variable, 8 per `f64`; see `codegen::StateEntry`), then
//! runs of adjacent copies are merged. Instances: channel `c` of a stereo node
//! continues channel `c`; a mono node computed by both instances of a stereo region
//! takes its state from whichever instance the old program had (they hold the same
//! values).
//!
//! What is not carried here: the runtime's state (stepped nodes' held values, the
//! voice pools, the feedback buffers), which the live runtime owns.

use std::sync::Arc;

use super::engine::JitEngine;
use super::kernel;
use crate::ir::{Graph, NodeId};

/// What a plan needs of the old program, taken when it is compiled: its graph, where
/// its state lives and which blocks hold it. A reload works out its plan from this
/// on the compile thread, while the old engine plays on the audio thread untouched.
#[derive(Clone)]
pub struct CarrySource {
    graph: Arc<Graph>,
    state_map: Arc<super::codegen::StateMap>,
    ids: BlockIds,
}

/// The byte copies that hand an old program's state over to a new one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CarryPlan {
    copies: Vec<ByteCopy>,
    /// The engines the plan was made for: their blocks' addresses and sizes in bytes.
    old: BlockIds,
    new: BlockIds,
    nodes: usize,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct BlockIds {
    state: usize,
    state_len: usize,
    memory: usize,
    memory_len: usize,
}

impl BlockIds {
    fn of(e: &JitEngine) -> BlockIds {
        BlockIds {
            state: e.state.as_ptr() as usize,
            state_len: e.state.len() * 16,
            memory: e.memory.as_ptr() as usize,
            memory_len: e.memory.len() * 16,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Block {
    State,
    Memory,
}

/// `len` bytes from `from` in the old engine's block to `to` in the new one's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ByteCopy {
    block: Block,
    from: usize,
    to: usize,
    len: usize,
}

impl CarryPlan {
    #[cfg(any(test, feature = "testing"))]
    /// Node instances (node and channel) whose state is carried.
    pub fn instances(&self) -> usize {
        self.nodes
    }

    /// Whether there is nothing to copy.
    #[cfg(any(test, feature = "testing"))]
    pub fn is_empty(&self) -> bool {
        self.copies.is_empty()
    }

}

/// Where one lane's value of each state variable of a node lives, relative to the
/// node's first variable: (byte offset, length).
pub(crate) fn lane_slots(types: &[cranelift_codegen::ir::Type], lane: usize) -> Vec<(usize, usize)> {
    use cranelift_codegen::ir::types::F64X2;
    let mut out = Vec::with_capacity(types.len());
    let mut v = 0;
    while v < types.len() {
        if types[v] == F64X2 {
            // A pair: lanes 0-1 in variable v, lanes 2-3 in variable v + 1.
            out.push(((v + lane / 2) * 16 + (lane % 2) * 8, 8));
            v += 2;
        } else {
            out.push((v * 16 + lane * 4, 4));
            v += 1;
        }
    }
    out
}

/// The channel an instance computes (a mono node computes channel 0 in any instance).
fn channel_of(graph: &Graph, node: NodeId, instance: u8) -> usize {
    let channels = graph.nodes.get(node).map_or(1, |n| n.channels);
    (instance as usize).min(channels.saturating_sub(1))
}

/// Byte views of the state and memory blocks (`u128` has no padding and every byte
/// pattern is a valid value, so viewing it as bytes and writing bytes is sound).
fn as_bytes(v: &[u128]) -> &[u8] {
    // SAFETY: see above; the length is the slice's size in bytes.
    unsafe { std::slice::from_raw_parts(v.as_ptr().cast::<u8>(), std::mem::size_of_val(v)) }
}

fn as_bytes_mut(v: &mut [u128]) -> &mut [u8] {
    // SAFETY: see `as_bytes`; the borrow is exclusive.
    unsafe { std::slice::from_raw_parts_mut(v.as_mut_ptr().cast::<u8>(), std::mem::size_of_val(v)) }
}

impl JitEngine {
    /// What a later program needs of this one to carry its state
    /// ([`JitEngine::carry_plan`]).
    pub fn carry_source(&self) -> CarrySource {
        CarrySource {
            graph: self.graph.clone(),
            state_map: self.state_map.clone(),
            ids: BlockIds::of(self),
        }
    }

    /// The copies that give this (new) program the state of `old`'s nodes:
    /// `matches[n]` is the node of `old`'s graph that node `n` of this one continues
    /// (`ir::identity::match_graphs` of the old graph and the new engine's). Pairs whose state
    /// layouts differ are skipped (module documentation). Runs on the compile thread.
    pub fn carry_plan(&self, old: &CarrySource, matches: &[Option<NodeId>]) -> CarryPlan {
        let mut plan = CarryPlan {
            old: old.ids,
            new: BlockIds::of(self),
            ..CarryPlan::default()
        };
        let sr = self.state_map.sample_rate;
        if sr.to_bits() != old.state_map.sample_rate.to_bits() {
            return plan;
        }
        for e in &self.state_map.entries {
            let Some(o) = matches.get(e.node).copied().flatten() else {
                continue;
            };
            let (Some(new_node), Some(old_node)) =
                (self.graph.nodes.get(e.node), old.graph.nodes.get(o))
            else {
                continue;
            };
            if std::mem::discriminant(&new_node.op) != std::mem::discriminant(&old_node.op) {
                continue;
            }
            let channel = channel_of(&self.graph, e.node, e.instance);
            let olds = old.state_map.of(o);
            let source = olds
                .iter()
                .find(|x| x.instance == e.instance)
                .filter(|x| channel_of(&old.graph, o, x.instance) == channel)
                .or_else(|| {
                    olds.iter()
                        .find(|x| channel_of(&old.graph, o, x.instance) == channel)
                });
            let Some(s) = source else { continue };
            let new_types: Vec<_> = kernel::state(new_node.op, &[new_node.op; 4], [0; 4], sr)
                .iter()
                .map(|i| i.ty())
                .collect();
            let old_types: Vec<_> = kernel::state(old_node.op, &[old_node.op; 4], [0; 4], sr)
                .iter()
                .map(|i| i.ty())
                .collect();
            if new_types != old_types
                || new_types.len() != e.vars as usize
                || s.vars != e.vars
                || s.memory_bytes != e.memory_bytes
            {
                continue;
            }
            let from_slots = lane_slots(&old_types, s.lane as usize);
            let to_slots = lane_slots(&new_types, e.lane as usize);
            for ((fo, len), (to, _)) in from_slots.iter().zip(&to_slots) {
                plan.copies.push(ByteCopy {
                    block: Block::State,
                    from: s.state + fo,
                    to: e.state + to,
                    len: *len,
                });
            }
            if e.memory_bytes > 0 {
                plan.copies.push(ByteCopy {
                    block: Block::Memory,
                    from: s.memory + s.lane as usize * s.memory_bytes,
                    to: e.memory + e.lane as usize * e.memory_bytes,
                    len: e.memory_bytes,
                });
            }
            plan.nodes += 1;
        }
        // Merge runs (four lanes of a pack carried to four lanes of a pack in order
        // become one 16-byte copy per variable).
        plan.copies.sort_by_key(|c| (c.block, c.to));
        let mut merged: Vec<ByteCopy> = Vec::with_capacity(plan.copies.len());
        for c in plan.copies.drain(..) {
            match merged.last_mut() {
                Some(m)
                    if m.block == c.block && m.to + m.len == c.to && m.from + m.len == c.from =>
                {
                    m.len += c.len
                }
                _ => merged.push(c),
            }
        }
        plan.copies = merged;
        plan
    }

    /// Performs `plan` (made by `self.carry_plan(old, ..)`), copying `old`'s state
    /// into this engine's. For the audio thread, between two blocks: no allocation,
    /// no lock, no panic. Returns false, copying nothing, when the plan was not made
    /// for these two engines; a copy out of bounds (never, for a plan made for them)
    /// is skipped.
    pub fn apply_carry(&mut self, old: &JitEngine, plan: &CarryPlan) -> bool {
        if plan.old != BlockIds::of(old) || plan.new != BlockIds::of(self) {
            return false;
        }
        let old_state = as_bytes(&old.state);
        let old_memory = as_bytes(&old.memory);
        let new_state = as_bytes_mut(&mut self.state);
        let new_memory = as_bytes_mut(&mut self.memory);
        for c in &plan.copies {
            let (src, dst) = match c.block {
                Block::State => (old_state, &mut *new_state),
                Block::Memory => (old_memory, &mut *new_memory),
            };
            let (Some(from_end), Some(to_end)) =
                (c.from.checked_add(c.len), c.to.checked_add(c.len))
            else {
                continue;
            };
            if let (Some(s), Some(d)) = (src.get(c.from..from_end), dst.get_mut(c.to..to_end)) {
                d.copy_from_slice(s);
            }
        }
        true
    }
}
