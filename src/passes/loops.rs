//! Which packs of a stage share one JIT loop: two consecutive packs of the same
//! shape whose state fits the registers run interleaved, two vectors per step, which
//! gives the processor independent work while each waits on its recurrences. Any
//! other pack has a loop of its own.

use super::fuse::Region;
use super::vectorize::{same_shape, Pack};
use crate::ir::Graph;

/// The most loop-carried vectors a pack may keep for two packs to share a loop (past
/// that, two packs' state no longer fits the registers and pairing spills).
const PAIR_STATE_LIMIT: usize = 6;

/// Packs sharing one loop at most.
const PACKS_PER_LOOP: usize = 2;

/// Groups a stage's packs (in order) into loops.
pub fn loops(
    graph: &Graph,
    regions: &[Region],
    packs: &[Pack],
    stage: &[usize],
) -> Vec<Vec<usize>> {
    let region_of = |p: usize| -> Option<&Region> {
        let (r, _) = packs.get(p)?.lanes.first()?;
        regions.get(*r)
    };
    // State from the operation table: registers per pack, and no delay lines (their
    // memory traffic gains nothing from interleaving).
    let pairable = |p: usize| -> bool {
        let Some(region) = region_of(p) else {
            return false;
        };
        let specs = || region.nodes.iter().map(|id| graph.nodes[*id].op.spec());
        let vectors: usize = specs().map(|s| s.state_vectors).sum();
        vectors <= PAIR_STATE_LIMIT && !specs().any(|s| s.delay_lines)
    };
    let alike = |a: usize, b: usize| match (region_of(a), region_of(b)) {
        (Some(ra), Some(rb)) => same_shape(graph, ra, rb),
        _ => false,
    };
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &p in stage {
        match groups.last_mut() {
            Some(g)
                if g.len() < PACKS_PER_LOOP && pairable(p) && pairable(g[0]) && alike(g[0], p) =>
            {
                g.push(p)
            }
            _ => groups.push(vec![p]),
        }
    }
    groups
}
