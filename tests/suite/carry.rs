//! State carried across a hot reload: a patch A runs for some blocks; an edited A' is
//! compiled, its nodes matched to A's (`ir::identity`) and A's kernel state copied
//! into it (`jit::carry`); then A and A' run the same next blocks and every node A'
//! matched exactly must produce A's continuation bit for bit. Without the carry the
//! same comparison differs (the tests can fail).
//!
//! The engines are driven directly (the runtime's feed, then `Engine::run`) so that
//! both see the same frame positions; the buffers of A''s matched fed nodes are set
//! to A's (a fresh feed has not seen the events before the reload: a stepped
//! node's held value is the runtime's state, not the engine's).

use std::sync::Arc;

use phonon::ir::{match_graphs, Graph, Matching, NodeId, NodeKind, Op};
use phonon::jit::carry::CarryPlan;
use phonon::jit::engine::{JitEngine, JitOptions};
use phonon::program::jit_engine_from_source;
use phonon::runtime::feed::Feeder;
use phonon::runtime::{BlockContext, BlockEvents, Buffers, Clock, Config, Engine, SoundPlayer};
use phonon::samples::SampleBank;

const BLOCK: usize = 512;

struct Driver {
    graph: Arc<Graph>,
    engine: JitEngine,
    buffers: Buffers,
    feeder: Feeder,
    clock: Clock,
    sounds: SoundPlayer,
    positions: Vec<f64>,
}

fn config() -> Config {
    Config {
        block: BLOCK,
        ..Config::default()
    }
}

fn driver(source: &str) -> Driver {
    let config = config();
    let engine = jit_engine_from_source(
        source,
        &config,
        JitOptions {
            verify: true,
            keep_clif: false,
        },
    )
    .unwrap_or_else(|e| panic!("{source}: {e:?}"));
    // The engine's own graph (the plan's): the buffers must be laid out for it.
    let graph = engine.graph().clone();
    let bank = Arc::new(SampleBank::builtin(config.sample_rate));
    let sampled = graph.sounds.iter().map(|s| s.sampled.clone()).collect();
    Driver {
        buffers: Buffers::new(&graph, BLOCK),
        feeder: Feeder::new(&graph),
        clock: Clock::new(graph.cps, config.sample_rate),
        sounds: SoundPlayer::new(bank, sampled, config.voices, config.sample_rate, BLOCK),
        positions: vec![0.0; BLOCK],
        graph,
        engine,
    }
}

impl Driver {
    fn feed(&mut self, block: u64) {
        let start = block * BLOCK as u64;
        self.clock.positions(start, &mut self.positions);
        let mut events = BlockEvents::new(&self.graph);
        events.query(&self.graph, &self.clock, start, BLOCK, None);
        assert_eq!(events.failures().count(), 0, "a query failed");
        self.feeder.apply(
            &mut events,
            &self.clock,
            &mut self.buffers,
            &mut self.sounds,
            None,
        );
    }

    fn run(&mut self, block: u64) {
        let ctx = BlockContext {
            start: block * BLOCK as u64,
            frames: BLOCK,
            positions: &self.positions,
            crew: None,
        };
        self.engine.run(&ctx, &mut self.buffers, &mut self.sounds);
    }

    fn step(&mut self, block: u64) {
        self.feed(block);
        self.run(block);
    }
}

/// What a reload comparison found.
#[derive(Debug)]
struct Outcome {
    /// Exactly matched nodes with a stored buffer that was not all zeros.
    compared: usize,
    /// Of those, the ones whose buffers differed from A's in some block, by name.
    differing: Vec<String>,
    /// Instances whose state the plan carried.
    carried: usize,
}

/// Runs `a` for `before` blocks and builds `b`'s driver beside it, with the matching
/// of the two graphs and the carry plan; carries `a`'s state into `b` when `carry`.
fn reloaded(a: &str, b: &str, before: u64, carry: bool) -> (Driver, Driver, Matching, CarryPlan) {
    let mut old = driver(a);
    for k in 0..before {
        old.step(k);
    }
    let mut new = driver(b);
    let m = match_graphs(old.engine.graph(), new.engine.graph(), true);
    let plan = new.engine.carry_plan(&old.engine.carry_source(), &m.nodes);
    if carry {
        assert!(new.engine.apply_carry(&old.engine, &plan));
    }
    (old, new, m, plan)
}

/// Runs `a` for `before` blocks, reloads to `b` (carrying state when `carry`), runs
/// both `after` more blocks and compares every exactly matched node.
fn reload(a: &str, b: &str, before: u64, after: u64, carry: bool) -> Outcome {
    let (mut old, mut new, m, plan) = reloaded(a, b, before, carry);
    let graph: Arc<Graph> = new.graph.clone();
    let exact: Vec<(NodeId, NodeId)> = (0..graph.nodes.len())
        .filter(|n| m.exact[*n] && *n != graph.master)
        .filter_map(|n| m.nodes[n].map(|o| (n, o)))
        .collect();
    let mut nonzero = vec![false; graph.nodes.len()];
    let mut differs = vec![false; graph.nodes.len()];
    for k in before..before + after {
        old.step(k);
        new.feed(k);
        for &(n, o) in &exact {
            let node = &graph.nodes[n];
            if matches!(
                node.op,
                Op::Stepped { .. } | Op::Trigger { .. } | Op::Gate { .. }
            ) {
                let src: Vec<f32> = (0..node.channels)
                    .flat_map(|c| old.buffers.channel(o, c).to_vec())
                    .collect();
                new.buffers.node_mut(n).copy_from_slice(&src);
            }
        }
        new.run(k);
        for &(n, o) in &exact {
            for c in 0..graph.nodes[n].channels {
                let (x, y) = (new.buffers.channel(n, c), old.buffers.channel(o, c));
                nonzero[n] |= y.iter().any(|v| *v != 0.0);
                let same =
                    x.len() == y.len() && x.iter().zip(y).all(|(p, q)| p.to_bits() == q.to_bits());
                differs[n] |= !same;
            }
        }
    }
    let describe = |n: NodeId| format!("#{n} {}", graph.nodes[n].op.name());
    Outcome {
        compared: exact.iter().filter(|(n, _)| nonzero[*n]).count(),
        differing: exact
            .iter()
            .filter(|(n, _)| differs[*n])
            .map(|(n, _)| describe(*n))
            .collect(),
        carried: plan.instances(),
    }
}

/// The reload carries A's state into A' bit for bit, and without the carry the same
/// comparison finds a difference.
fn assert_carried(a: &str, b: &str, before: u64, after: u64, min_compared: usize) -> Outcome {
    let with = reload(a, b, before, after, true);
    assert!(
        with.differing.is_empty(),
        "carried nodes differ: {:?}\nA:\n{a}\nA':\n{b}",
        with.differing
    );
    assert!(
        with.compared >= min_compared,
        "only {} nodes compared: {with:?}",
        with.compared
    );
    let without = reload(a, b, before, after, false);
    assert!(
        !without.differing.is_empty(),
        "without the carry nothing differs: the test cannot fail ({without:?})"
    );
    with
}

/// A stereo region (a mono saw and a sound through a stereo filter and reverb: memory,
/// two instances, the saw computed in both), noise through an envelope (f64x2 state),
/// a filter and a delay line (memory).
const MIXED: &str = "tempo: 0.5
out: (saw 110 * 0.1 + s \"bd\") # lpf 900 0.6 # reverb 0.8 0.5 0.5
o2: noise * perc 0.2 \"1 0 1 1\" # hpf 2000 0.7 # delay 0.25 0.5 0.5
";

// The reload happens 100 blocks (1.16 s) into the first cycle (2 s): the kick has
// ended, so A's voices are silent in the compared blocks as a fresh pool's are (the
// voice pools are the runtime's state), and the reverb's tail is all carried state.

#[test]
fn an_added_output_leaves_every_other_node_continuing() {
    let b = format!("o3: tri 330 # lpf 500 0.5 * 0.1\n{MIXED}");
    let out = assert_carried(MIXED, &b, 100, 20, 2);
    // saw, lpf (2 instances each), reverb (2), noise, perc, hpf, delay.
    assert!(out.carried >= 10, "{out:?}");
}

#[test]
fn reordered_outputs_continue() {
    let b = "tempo: 0.5
o2: noise * perc 0.2 \"1 0 1 1\" # hpf 2000 0.7 # delay 0.25 0.5 0.5
out: (saw 110 * 0.1 + s \"bd\") # lpf 900 0.6 # reverb 0.8 0.5 0.5
";
    assert_carried(MIXED, b, 100, 20, 2);
}

#[test]
fn an_edited_constant_elsewhere_leaves_the_rest_exact() {
    let b = MIXED.replace("hpf 2000", "hpf 2500");
    let out = assert_carried(MIXED, &b, 100, 20, 1);
    assert!(out.carried >= 10, "{out:?}");
}

/// Four chains of one shape, packed into one f32x4 (as in `synth_dense.ph`).
fn chains(freqs: &[u32]) -> String {
    let mut s = String::from("tempo: 0.5\n");
    for (i, f) in freqs.iter().enumerate() {
        s.push_str(&format!(
            "o{}: saw {f} # lpf (sine 0.05 * 1500 + 1800) 0.7 * 0.02\n",
            i + 1
        ));
    }
    s
}

#[test]
fn packed_chains_continue_in_other_lanes_and_packs() {
    let a = chains(&[55, 66, 77, 88]);
    // Reordered (every chain in another lane) and a fifth: one chain moves to a
    // second pack.
    let b = chains(&[99, 77, 55, 88, 66]);
    let out = assert_carried(&a, &b, 30, 10, 4);
    // 4 chains × (saw, sine, lpf).
    assert_eq!(out.carried, 12, "{out:?}");
}

#[test]
fn a_loosely_matched_filter_keeps_its_memory() {
    let a = "o1: saw 110 # lpf 800 0.5";
    let b = "o1: saw 110 # lpf 1200 0.5";
    // The edited filter is the region's stored output: compare its first frames after
    // the reload with A's continuation, carried and not.
    let first = |carry: bool| -> f32 {
        let (mut old, mut new, m, _) = reloaded(a, b, 30, carry);
        old.step(30);
        new.step(30);
        let lpf = |g: &Graph| {
            (0..g.nodes.len())
                .find(|i| g.nodes[*i].op.name() == "lpf")
                .unwrap_or_else(|| panic!("no lpf"))
        };
        let (n, o) = (lpf(&new.graph), lpf(&old.graph));
        assert_eq!(m.nodes[n], Some(o));
        assert!(!m.exact[n]);
        let (x, y) = (new.buffers.channel(n, 0), old.buffers.channel(o, 0));
        (x[0] - y[0]).abs().max((x[1] - y[1]).abs())
    };
    let (carried, fresh) = (first(true), first(false));
    assert!(
        carried < fresh,
        "carried filter jumps {carried}, fresh {fresh}"
    );
}

#[test]
fn a_plan_applies_only_to_its_engines() {
    let mut old = driver(MIXED);
    old.step(0);
    let mut new = driver(MIXED);
    let other = driver(MIXED);
    let m = match_graphs(old.engine.graph(), new.engine.graph(), true);
    let plan = new.engine.carry_plan(&old.engine.carry_source(), &m.nodes);
    assert!(!plan.is_empty());
    assert!(!new.engine.apply_carry(&other.engine, &plan));
    assert!(new.engine.apply_carry(&old.engine, &plan));
    // A mismatched list (too short, pointing at wrong kinds) is harmless.
    let wrong: Vec<Option<NodeId>> = vec![Some(0); 3];
    let plan = new.engine.carry_plan(&old.engine.carry_source(), &wrong);
    assert!(new.engine.apply_carry(&old.engine, &plan));
    assert!(new
        .graph
        .nodes
        .iter()
        .any(|n| n.op.kind() == NodeKind::Recurrence));
}
