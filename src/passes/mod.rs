//! The optimising passes, from the lowered graph to a plan the JIT compiles:
//!
//! 1. [`fold`]: constant folding and identities, then dead-node removal;
//! 2. [`fuse`]: regions of per-frame nodes that run as one loop;
//! 3. [`stage`]: the levels of the dependency DAG of regions and voice calls;
//! 4. [`vectorize`]: instances of the same shape in one stage packed into lanes;
//! 5. [`loops`]: which packs of a stage share one loop.
//!
//! [`optimize`] runs them all; [`describe`] prints the result for `phonon ir --passes`.

pub mod fold;
pub mod fuse;
pub mod loops;
pub mod stage;
pub mod vectorize;

use std::fmt::Write;

use crate::ir::Graph;
pub use fuse::Region;
pub use stage::Item;
pub use vectorize::Pack;

/// A graph after the passes, and how to run it.
#[derive(Clone, Debug)]
pub struct Plan {
    pub graph: Graph,
    pub regions: Vec<Region>,
    pub packs: Vec<Pack>,
    /// The stages in order; the items of one stage are independent.
    pub stages: Vec<Vec<Item>>,
    /// Per stage, its packs grouped into loops (packs sharing one loop run two
    /// vectors per step).
    pub loops: Vec<Vec<Vec<usize>>>,
}

/// Runs every pass.
pub fn optimize(graph: &Graph) -> Plan {
    let graph = fold::remove_dead(&fold::fold(graph));
    plan(graph)
}

/// Fuses, stages and packs an already folded graph.
pub fn plan(graph: Graph) -> Plan {
    let regions = fuse::regions(&graph);
    let (region_levels, voices) = stage::levels(&graph, &regions);
    let packs = vectorize::pack(&graph, &regions, &region_levels);
    let packs_by_level: Vec<(usize, usize)> = packs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let level = p
                .lanes
                .first()
                .and_then(|(r, _)| region_levels.get(*r))
                .copied()
                .unwrap_or(0);
            (i, level)
        })
        .collect();
    let stages = stage::stages(&packs_by_level, &voices);
    let loops = stages
        .iter()
        .map(|items| {
            let stage_packs: Vec<usize> = items
                .iter()
                .filter_map(|i| match i {
                    Item::Pack(p) => Some(*p),
                    Item::Voices(_) => None,
                })
                .collect();
            loops::loops(&graph, &regions, &packs, &stage_packs)
        })
        .collect();
    Plan {
        graph,
        regions,
        packs,
        stages,
        loops,
    }
}

impl Plan {
    /// Estimated nanoseconds per frame of a pack.
    pub fn pack_cost(&self, pack: usize) -> f64 {
        let Some(p) = self.packs.get(pack) else {
            return 0.0;
        };
        let Some((r, _)) = p.lanes.first() else {
            return 0.0;
        };
        self.regions.get(*r).map_or(0.0, |region| {
            region
                .nodes
                .iter()
                .map(|id| self.graph.nodes[*id].op.spec().cost)
                .sum()
        })
    }

    /// Whether a stage's items would run in parallel (with more than one thread):
    /// its loop groups' estimated costs against the hand-off. Voice calls are decided
    /// again every block from the voices sounding, so they only count as items here.
    pub fn parallel_decision(&self, stage: usize, block: usize) -> String {
        let items = self.stages.get(stage).map_or(&[][..], |s| s.as_slice());
        let groups = self.loops.get(stage).map_or(&[][..], |l| l.as_slice());
        let voices = items
            .iter()
            .filter(|i| matches!(i, Item::Voices(_)))
            .count();
        let costs: Vec<f64> = groups
            .iter()
            .map(|g| g.iter().map(|p| self.pack_cost(*p)).sum::<f64>() * block as f64)
            .collect();
        let total: f64 = costs.iter().fold(0.0, |a, b| a + b);
        let max = costs.iter().copied().fold(0.0, f64::max);
        if voices == 0 {
            return crate::parallel::describe(total, max, groups.len());
        }
        format!(
            "parallel: decided every block ({} loop groups est. {:.1} µs + {voices} voice calls at {} ns per sounding voice-frame, vs hand-off {:.0} µs)",
            groups.len(),
            total / 1000.0,
            crate::parallel::VOICE_NS_PER_FRAME,
            crate::parallel::HANDOFF_NS / 1000.0
        )
    }

    /// The plan as text: every stage, its packs (their regions' operations and lane
    /// packing, estimated cost per block) and runtime calls.
    pub fn describe(&self, block: usize) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# plan: {} regions in {} packs and {} voice calls, {} stages",
            self.regions.len(),
            self.packs.len(),
            self.stages
                .iter()
                .flatten()
                .filter(|i| matches!(i, Item::Voices(_)))
                .count(),
            self.stages.len()
        );
        for (s, items) in self.stages.iter().enumerate() {
            let cost: f64 = items
                .iter()
                .map(|i| match i {
                    Item::Pack(p) => self.pack_cost(*p) * block as f64 / 1000.0,
                    Item::Voices(_) => 0.0,
                })
                .sum();
            let _ = writeln!(
                out,
                "stage {s}: {} items, estimated {cost:.1} µs of kernels per block; {}",
                items.len(),
                self.parallel_decision(s, block)
            );
            for item in items {
                match item {
                    Item::Pack(p) => {
                        let pack = &self.packs[*p];
                        let lanes: Vec<String> = pack
                            .lanes
                            .iter()
                            .map(|(r, c)| {
                                let first = self.regions[*r].nodes.first().copied().unwrap_or(0);
                                format!("r{r}.{c} (#{first})")
                            })
                            .collect();
                        let ops: Vec<&str> = pack
                            .lanes
                            .first()
                            .map(|(r, _)| {
                                self.regions[*r]
                                    .nodes
                                    .iter()
                                    .map(|id| self.graph.nodes[*id].op.name())
                                    .collect()
                            })
                            .unwrap_or_default();
                        let _ = writeln!(
                            out,
                            "  pack {p}: native, {}/4 lanes [{}]: {} ({:.1} µs/block)",
                            pack.lanes.len(),
                            lanes.join(" "),
                            ops.join(" → "),
                            self.pack_cost(*p) * block as f64 / 1000.0
                        );
                    }
                    Item::Voices(id) => {
                        let _ = writeln!(out, "  voices #{id}: runtime call (Rust voice pool)");
                    }
                }
            }
        }
        let _ = writeln!(
            out,
            "master #{}: {} outputs summed by the runtime (Rust), mono ones to both channels",
            self.graph.master,
            self.graph
                .nodes
                .get(self.graph.master)
                .map_or(0, |n| n.inputs.len())
        );
        out
    }
}
