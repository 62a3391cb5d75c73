//! One arena holding every node's output buffer for a block.
//!
//! Node `i`'s channel `c` is `block` samples at `offsets[i] + c·block`. Nodes are
//! laid out in graph order, so while node `i` is computed, [`Buffers::split_at`]
//! gives read access to every earlier node (all of its inputs) and write access to
//! its own buffer, without copying.

use crate::ir::{Graph, NodeId};

/// The shape of a buffer arena: the block it holds and its samples in all. Buffers
/// for one graph differ only in these (the offsets follow from the graph's nodes), so
/// an engine built for a graph and a layout can run on any arena of that graph with
/// the same layout, and on no other (native code addresses buffers by offset).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Frames per block.
    pub block: usize,
    /// Samples in the arena.
    pub samples: usize,
}

impl Layout {
    /// The layout of [`Buffers::new`]`(graph, block)`, without allocating it.
    pub fn of(graph: &Graph, block: usize) -> Layout {
        Layout {
            block,
            samples: graph.nodes.iter().map(|n| n.channels * block).sum(),
        }
    }
}

impl std::fmt::Display for Layout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "blocks of {} frames, {} samples",
            self.block, self.samples
        )
    }
}

pub struct Buffers {
    data: Vec<f32>,
    offsets: Vec<usize>,
    channels: Vec<usize>,
    block: usize,
}

/// Read access to the buffers of the nodes before some node.
#[derive(Clone, Copy)]
pub struct Inputs<'a> {
    data: &'a [f32],
    offsets: &'a [usize],
    channels: &'a [usize],
    block: usize,
}

impl Buffers {
    pub fn new(graph: &Graph, block: usize) -> Buffers {
        let mut offsets = Vec::with_capacity(graph.nodes.len());
        let mut channels = Vec::with_capacity(graph.nodes.len());
        let mut total = 0;
        for node in &graph.nodes {
            offsets.push(total);
            channels.push(node.channels);
            total += node.channels * block;
        }
        Buffers {
            data: vec![0.0; total],
            offsets,
            channels,
            block,
        }
    }

    pub fn block(&self) -> usize {
        self.block
    }

    pub fn layout(&self) -> Layout {
        Layout {
            block: self.block,
            samples: self.data.len(),
        }
    }

    /// Where node `node`'s first channel starts in the arena, in samples.
    pub fn offset(&self, node: NodeId) -> usize {
        self.offsets.get(node).copied().unwrap_or(0)
    }

    /// Channels of node `node`'s buffer (0 for a node not in the graph).
    pub fn channels(&self, node: NodeId) -> usize {
        self.channels.get(node).copied().unwrap_or(0)
    }

    /// The arena itself, for native kernels that address buffers by offset.
    pub fn as_mut_ptr(&mut self) -> *mut f32 {
        self.data.as_mut_ptr()
    }

    /// Samples in the arena.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    #[cfg(any(test, feature = "testing"))]
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The whole arena as inputs (every node readable).
    pub fn inputs(&self) -> Inputs<'_> {
        Inputs {
            data: &self.data,
            offsets: &self.offsets,
            channels: &self.channels,
            block: self.block,
        }
    }

    /// Channel `c` of node `node` (the first channel of a mono node for any `c`).
    pub fn channel(&self, node: NodeId, c: usize) -> &[f32] {
        self.inputs().channel(node, c)
    }

    /// All channels of node `node`, one after another.
    pub fn node_mut(&mut self, node: NodeId) -> &mut [f32] {
        let (Some(&off), Some(&ch)) = (self.offsets.get(node), self.channels.get(node)) else {
            return &mut [];
        };
        self.data
            .get_mut(off..off + ch * self.block)
            .unwrap_or(&mut [])
    }

    /// Read access to the nodes before `node`, and `node`'s own channels.
    pub fn split_at(&mut self, node: NodeId) -> (Inputs<'_>, &mut [f32]) {
        let off = self.offsets.get(node).copied().unwrap_or(self.data.len());
        let ch = self.channels.get(node).copied().unwrap_or(0);
        let (before, rest) = self.data.split_at_mut(off);
        let own_len = (ch * self.block).min(rest.len());
        let inputs = Inputs {
            data: before,
            offsets: &self.offsets,
            channels: &self.channels,
            block: self.block,
        };
        (inputs, &mut rest[..own_len])
    }

    /// Copies node `from`'s channels into node `to` (which has the same channels).
    pub fn copy_node(&mut self, from: NodeId, to: NodeId) {
        let (Some(&a), Some(&b)) = (self.offsets.get(from), self.offsets.get(to)) else {
            return;
        };
        let len = self.channels.get(from).copied().unwrap_or(0) * self.block;
        let len = len.min(self.channels.get(to).copied().unwrap_or(0) * self.block);
        if a + len <= self.data.len() && b + len <= self.data.len() {
            self.data.copy_within(a..a + len, b);
        }
    }
}

impl<'a> Inputs<'a> {
    /// Channel `c` of node `node`, a full block long; a mono node's one channel for
    /// any `c`. Empty if the node is not readable here.
    pub fn channel(&self, node: NodeId, c: usize) -> &'a [f32] {
        let (Some(&off), Some(&ch)) = (self.offsets.get(node), self.channels.get(node)) else {
            return &[];
        };
        let c = c.min(ch.saturating_sub(1));
        let start = off + c * self.block;
        self.data.get(start..start + self.block).unwrap_or(&[])
    }
}
