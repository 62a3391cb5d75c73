//! Chain fusion: the nodes computed frame by frame (elementwise arithmetic and the
//! recurrences) are grouped into regions, each the connected set of such nodes that
//! feed each other. A region runs as one loop over the frames of a block, every node
//! once per frame, so intermediate values stay in registers; only the values read
//! outside the region (by the master, a `voices` node or a `feedback` node) are
//! written to buffers.
//!
//! A region runs once per channel it has: a stereo region is two instances, channel
//! 0 and channel 1, and a mono node in it is computed by both (the same values: its
//! inputs are mono), which keeps a region one straight-line body.

use crate::ir::{Graph, NodeId, NodeKind, Operand};

/// A fused region.
#[derive(Clone, Debug, PartialEq)]
pub struct Region {
    /// Its nodes, in graph (dependency) order.
    pub nodes: Vec<NodeId>,
    /// The instances it runs: the most channels of its nodes.
    pub channels: usize,
    /// The nodes whose values leave the region (stored to their buffers).
    pub outputs: Vec<NodeId>,
}

/// Whether a node is computed frame by frame inside a region.
pub fn per_frame(graph: &Graph, id: NodeId) -> bool {
    graph
        .nodes
        .get(id)
        .is_some_and(|n| matches!(n.op.kind(), NodeKind::Elementwise | NodeKind::Recurrence))
}

/// The regions of `graph`, in the order of their first node.
pub fn regions(graph: &Graph) -> Vec<Region> {
    let n = graph.nodes.len();
    // Union-find over per-frame nodes joined by their edges.
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for (id, node) in graph.nodes.iter().enumerate() {
        if !per_frame(graph, id) {
            continue;
        }
        for op in &node.inputs {
            if let Operand::Node(j) = op {
                if per_frame(graph, *j) {
                    let (a, b) = (find(&mut parent, id), find(&mut parent, *j));
                    if a != b {
                        parent[a.max(b)] = a.min(b);
                    }
                }
            }
        }
    }
    let mut by_root: Vec<Option<usize>> = vec![None; n];
    let mut regions: Vec<Region> = Vec::new();
    for id in 0..n {
        if !per_frame(graph, id) {
            continue;
        }
        let root = find(&mut parent, id);
        let index = match by_root[root] {
            Some(i) => i,
            None => {
                regions.push(Region {
                    nodes: Vec::new(),
                    channels: 1,
                    outputs: Vec::new(),
                });
                by_root[root] = Some(regions.len() - 1);
                regions.len() - 1
            }
        };
        let r = &mut regions[index];
        r.nodes.push(id);
        r.channels = r.channels.max(graph.nodes[id].channels);
    }
    // Values read outside their region.
    let mut region_of = vec![usize::MAX; n];
    for (i, r) in regions.iter().enumerate() {
        for &id in &r.nodes {
            region_of[id] = i;
        }
    }
    let mut needed = vec![false; n];
    for (id, node) in graph.nodes.iter().enumerate() {
        for op in &node.inputs {
            if let Operand::Node(j) = op {
                if region_of[*j] != usize::MAX && region_of[*j] != region_of[id] {
                    needed[*j] = true;
                }
            }
        }
    }
    for (_, op) in &graph.outputs {
        if let Operand::Node(j) = op {
            needed[*j] = true;
        }
    }
    for r in &mut regions {
        r.outputs = r.nodes.iter().copied().filter(|id| needed[*id]).collect();
    }
    regions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_chain_of_synth_dense_is_one_region() {
        let src = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/synth_dense.ph"
        ))
        .unwrap_or_default();
        let g = crate::compile(&src).unwrap_or_else(|d| panic!("{d:?}"));
        let rs = regions(&g);
        assert_eq!(rs.len(), 64);
        for r in &rs {
            let ops: Vec<&str> = r.nodes.iter().map(|id| g.nodes[*id].op.name()).collect();
            assert_eq!(ops, ["saw", "sine", "mul", "add", "lpf", "mul"]);
            assert_eq!(r.outputs, vec![r.nodes[5]]);
            assert_eq!(r.channels, 1);
        }
    }

    #[test]
    fn a_sound_splits_regions_and_sampled_signals_are_outputs() {
        let g = crate::compile("out: s \"hh*4\" # pan (sine 1 * 0.5) # lpf 2000 0.707")
            .unwrap_or_else(|d| panic!("{d:?}"));
        let rs = regions(&g);
        assert_eq!(rs.len(), 2);
        // The pan signal: its last node leaves the region for the voices node.
        let pan = &rs[0];
        assert_eq!(pan.outputs, vec![pan.nodes[1]]);
        // The filter over the stereo voices: two instances.
        assert_eq!(rs[1].channels, 2);
    }
}
