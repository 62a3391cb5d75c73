//! Staging: the regions and the runtime calls (`voices` nodes) ordered into the levels
//! of their dependency DAG. Everything in one stage depends only on earlier stages
//! (and on the buffers the runtime fills before the block), so the items of a stage
//! are independent of each other: the parallel runtime can hand them to different
//! cores.

use super::fuse::{per_frame, Region};
use crate::ir::{Graph, NodeId, Op, Operand};

/// Something a stage runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    /// A pack of region instances, compiled to native code.
    Pack(usize),
    /// A `voices` node: a call into the runtime's voice pool (Rust), which reads its
    /// sampled inputs and mixes the voices of a sound.
    Voices(NodeId),
}

/// The level of every region and every `voices` node: 0 when it reads only what the
/// runtime provides, else one more than the deepest thing it reads.
pub fn levels(graph: &Graph, regions: &[Region]) -> (Vec<usize>, Vec<(NodeId, usize)>) {
    let n = graph.nodes.len();
    let mut region_of = vec![usize::MAX; n];
    for (i, r) in regions.iter().enumerate() {
        for &id in &r.nodes {
            region_of[id] = i;
        }
    }
    // Node levels in graph order: inputs come first (feedback reads the previous
    // block, so it is ready at the start like every fed node).
    let mut level = vec![0usize; n];
    let mut region_level = vec![0usize; regions.len()];
    // A region's level is the max over its nodes' outside inputs; iterate nodes in
    // order and settle each region when its last node is seen.
    for (id, node) in graph.nodes.iter().enumerate() {
        let mut l = 0;
        for op in &node.inputs {
            let Operand::Node(j) = op else { continue };
            if node.op == Op::Feedback {
                continue;
            }
            let producer_level = if per_frame(graph, *j) && region_of[*j] != region_of[id] {
                region_level[region_of[*j]] + 1
            } else if matches!(graph.nodes[*j].op, Op::Voices { .. }) {
                level[*j] + 1
            } else if per_frame(graph, *j) {
                // Same region: no new level, but inherit what it waits for.
                region_level[region_of[*j]]
            } else {
                0
            };
            l = l.max(producer_level);
        }
        level[id] = l;
        if per_frame(graph, id) {
            let r = region_of[id];
            region_level[r] = region_level[r].max(l);
        }
    }
    let voices = graph
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n.op, Op::Voices { .. }))
        .map(|(id, _)| (id, level[id]))
        .collect();
    (region_level, voices)
}

/// The stages: items grouped by level, packs first.
pub fn stages(packs_by_level: &[(usize, usize)], voices: &[(NodeId, usize)]) -> Vec<Vec<Item>> {
    let depth = packs_by_level
        .iter()
        .map(|(_, l)| *l)
        .chain(voices.iter().map(|(_, l)| *l))
        .max()
        .map_or(0, |d| d + 1);
    let mut out = vec![Vec::new(); depth];
    for (p, l) in packs_by_level {
        out[*l].push(Item::Pack(*p));
    }
    for (v, l) in voices {
        out[*l].push(Item::Voices(*v));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::fuse::regions;

    #[test]
    fn a_filter_over_voices_waits_for_them_and_they_wait_for_their_pan() {
        let g = crate::compile("out: s \"hh*4\" # pan (sine 1 * 0.5) # lpf 2000 0.707\nout2: saw 40")
            .unwrap_or_else(|d| panic!("{d:?}"));
        let rs = regions(&g);
        let (region_levels, voices) = levels(&g, &rs);
        // Regions in order: the pan signal, the filter, the saw.
        assert_eq!(region_levels, vec![0, 2, 0]);
        assert_eq!(voices.len(), 1);
        assert_eq!(voices[0].1, 1);
    }
}
