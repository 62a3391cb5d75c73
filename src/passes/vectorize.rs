//! Vectorisation across instances: region instances (a region on one channel) with the
//! same shape are packed four to a vector, one per lane of `f32x4`. Recurrences cannot
//! be vectorised along time, but four independent filters run together in one vector
//! as cheaply as one: the 64 chains of `synth_dense.ph` become 16 packs, the two
//! channels of a stereo region one pack.
//!
//! Two instances have the same shape when their regions have the same operations in
//! the same order, wired the same way inside the region, read outside inputs and
//! constants in the same positions (the constants and the buffers may differ: they
//! become per-lane values), and store the same nodes.

use std::collections::HashMap;

use super::fuse::Region;
use crate::ir::{Graph, NodeId, Op, Operand};

/// The lanes of a vector at most (one `f32x4`).
pub const LANES: usize = 4;

/// Up to four region instances computed together.
#[derive(Clone, Debug, PartialEq)]
pub struct Pack {
    /// Lane `l` runs region `lanes[l].0` on channel `lanes[l].1`.
    pub lanes: Vec<(usize, usize)>,
}

/// How a node reads an input, for comparing shapes.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
enum Wire {
    /// The `k`th node of the same region.
    Inner(usize),
    Outer,
    Const,
}

/// A node of a shape: its operation, its wiring, whether it is stored.
type ShapeNode = (String, Vec<Wire>, bool);

/// The shape of a region: per node, its operation (noise seeds aside) and wiring, and
/// whether it is stored.
fn shape(graph: &Graph, region: &Region) -> Vec<ShapeNode> {
    let position: HashMap<NodeId, usize> = region
        .nodes
        .iter()
        .enumerate()
        .map(|(k, id)| (*id, k))
        .collect();
    region
        .nodes
        .iter()
        .map(|id| {
            let node = &graph.nodes[*id];
            let op = match node.op {
                Op::Noise { .. } => "noise".to_string(),
                Op::Pink { .. } => "pink".to_string(),
                Op::Brown { .. } => "brown".to_string(),
                other => format!("{other:?}"),
            };
            let wires = node
                .inputs
                .iter()
                .map(|op| match op {
                    Operand::Node(j) => position.get(j).map_or(Wire::Outer, |k| Wire::Inner(*k)),
                    Operand::Const(_) => Wire::Const,
                })
                .collect();
            (op, wires, region.outputs.contains(id))
        })
        .collect()
}

/// Whether two regions have the same shape (their instances could share a pack).
pub fn same_shape(graph: &Graph, a: &Region, b: &Region) -> bool {
    shape(graph, a) == shape(graph, b)
}

/// Packs the instances of `regions` that share a shape and a stage (`stage[r]` is
/// region r's stage), four to a pack, in region order.
pub fn pack(graph: &Graph, regions: &[Region], stage: &[usize]) -> Vec<Pack> {
    // (stage, shape, instances)
    type Group = (usize, Vec<ShapeNode>, Vec<(usize, usize)>);
    let mut groups: Vec<Group> = Vec::new();
    for (r, region) in regions.iter().enumerate() {
        let s = shape(graph, region);
        let level = stage.get(r).copied().unwrap_or(0);
        let slot = match groups.iter().position(|(l, sh, _)| *l == level && *sh == s) {
            Some(i) => i,
            None => {
                groups.push((level, s, Vec::new()));
                groups.len() - 1
            }
        };
        for c in 0..region.channels {
            groups[slot].2.push((r, c));
        }
    }
    let mut packs = Vec::new();
    for (_, _, instances) in groups {
        for chunk in instances.chunks(LANES) {
            packs.push(Pack {
                lanes: chunk.to_vec(),
            });
        }
    }
    packs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::fuse::regions;

    #[test]
    fn identical_chains_pack_four_to_a_vector_and_others_stay_apart() {
        let g = crate::compile(
            "o1: saw 55 # lpf 900 * 0.1\no2: saw 66 # lpf 800 * 0.2\no3: saw 77 # lpf 700 * 0.3\n\
             o4: saw 88 # lpf 600 * 0.4\no5: saw 99 # lpf 500 * 0.5\no6: sine 3 * 0.1",
        )
        .unwrap_or_else(|d| panic!("{d:?}"));
        let rs = regions(&g);
        let packs = pack(&g, &rs, &vec![0; rs.len()]);
        let lanes: Vec<Vec<usize>> = packs
            .iter()
            .map(|p| p.lanes.iter().map(|(r, _)| *r).collect())
            .collect();
        assert_eq!(lanes, vec![vec![0, 1, 2, 3], vec![4], vec![5]]);
    }
}
