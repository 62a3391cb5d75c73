//! Which node of an old graph each node of a new graph continues, for hot reload.
//!
//! When a patch is edited and recompiled, the nodes that did not change must keep
//! their state (an oscillator's phase, a filter's memory, a delay line), or the
//! reload clicks. [`match_graphs`] pairs the nodes of the new graph with nodes of the
//! old one; the JIT copies the state of paired nodes (`jit::carry`) and the live
//! runtime crossfades the rest. A wrong pair never makes the new program compute the
//! wrong thing (it plays its own patterns and constants; only state is carried), it
//! only costs continuity, so the rules favour finding pairs cheaply over proving them.
//!
//! Both graphs must be the ones the engines run (after the passes), since node ids
//! index those graphs.
//!
//! # Exact pass
//!
//! Nodes of both graphs are put in classes, bottom-up: two nodes are in one class
//! when
//! - they have the same operation with the same parameters (filter mode) and the
//!   same channels; noise seeds are ignored (a seed comes from the node's position in
//!   the graph, which any edit above it moves, and carrying the generator's state is
//!   the continuity wanted);
//! - their inputs agree position by position: two constants with the same bits, or
//!   two nodes of one class (so a class is a whole sub-graph down to its sources);
//! - for fed nodes (`stepped`, `trigger`, `gate`), their patterns are the same, and
//!   for `voices`, their sounds are: same events and the same sampled controls.
//!   "Same events" means the events of cycles 0 to [`COMPARED_CYCLES`], one cycle at
//!   a time and sorted, hashed into a fingerprint (64-bit hash and event count). Two
//!   patterns that agree on those cycles and differ later (a `slow 16`, an alternation
//!   of more than 8 steps) are taken for the same; a pattern whose query overflows
//!   exact time matches nothing. (The source text of the spans would not do: a span
//!   covers the string, not the transforms applied to it around it or through a
//!   binding.)
//!
//! Then pairs are made top-down. The outputs of the new graph, in source order, each
//! take the first old node of their class not taken yet (so identical outputs match
//! in order, and reordered outputs find theirs), and a paired node's inputs are paired
//! with the old node's inputs position by position, recursively: the sources of an
//! output follow it even when identical sub-chains (the same `sine 0.05` LFO in four
//! chains) exist elsewhere. What is left (the unchanged sources of an edited output)
//! is then visited in graph order the same way. An input already paired through
//! another user (a shared node) keeps its pair.
//!
//! The master matches the master (it has no state; its inputs are the outputs in
//! source order, so reordering the outputs changes nothing else). A `feedback` node
//! reads a node that comes later (a cycle), so its class ignores its source; once the
//! pass is over, a pair whose sources were not paired with each other is broken and
//! the pass runs again without it (at most once per feedback node).
//!
//! # Loose pass
//!
//! A restarted oscillator or filter is what clicks, so a second pass pairs what the
//! exact pass left over when it sits at the same place: for each unmatched new node,
//! in order, the first unmatched old node with the same operation kind (the filter
//! mode may differ; the state layout is the same), the same channels and the same
//! number of inputs, whose inputs are compatible position by position: a new input
//! node already matched (exactly or loosely) must face its match; a constant or an
//! unmatched new input node must face a constant or an old node that nothing
//! matched. So `lpf 800` edited to `lpf 1200` keeps its filter memory, `saw 220`
//! edited to `saw 330` keeps its phase and everything below it follows, and `lpf 800`
//! to `lpf "800 1200"` too. Fed nodes and voices pair loosely by the same rule (their
//! patterns then differ: a loosely paired `voices` node lets the runtime keep the old
//! pool's ringing voices). Loose pairs are marked ([`Matching::exact`]) so the
//! runtime can crossfade them. `feedback` nodes and the master are never paired
//! loosely.
//!
//! An added output matches nothing (its nodes start fresh); a removed output leaves
//! its old nodes unmatched (their state is dropped with the old engine).

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::mem::Discriminant;

use super::{Graph, NodeId, Op, Operand};
use crate::pattern::value::Value;
use crate::pattern::{sort_events, Pattern};
use crate::time::{r, Span};

/// Cycles of a pattern compared to decide that two patterns are the same.
pub const COMPARED_CYCLES: i64 = 8;

/// The pairing of a new graph's nodes and sounds with an old graph's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Matching {
    /// For each node of the new graph, the node of the old graph it continues.
    pub nodes: Vec<Option<NodeId>>,
    /// For each node of the new graph, whether its pair is exact (false for a loose
    /// pair and for no pair).
    pub exact: Vec<bool>,
    /// For each sound of the new graph, the sound of the old graph it continues (the
    /// sound of the old `voices` node its `voices` node is paired with).
    pub sounds: Vec<Option<usize>>,
}

/// Pairs the nodes of `new` with the nodes of `old` they continue: the exact pass,
/// then, when `loose`, the loose pass (see the module documentation).
pub fn match_graphs(old: &Graph, new: &Graph, loose: bool) -> Matching {
    let old_patterns: Vec<Option<Fingerprint>> = old
        .patterns
        .iter()
        .map(|p| fingerprint(&p.pattern))
        .collect();
    let new_patterns: Vec<Option<Fingerprint>> = new
        .patterns
        .iter()
        .map(|p| fingerprint(&p.pattern))
        .collect();
    let old_sounds: Vec<Option<Fingerprint>> = old.sounds.iter().map(sound_fingerprint).collect();
    let new_sounds: Vec<Option<Fingerprint>> = new.sounds.iter().map(sound_fingerprint).collect();
    let fed = Fed {
        old_patterns: &old_patterns,
        new_patterns: &new_patterns,
        old_sounds: &old_sounds,
        new_sounds: &new_sounds,
    };
    let feedbacks = new.nodes.iter().filter(|n| n.op == Op::Feedback).count();
    let mut broken = vec![false; new.nodes.len()];
    let mut nodes = exact_pass(old, new, &fed, &broken);
    for _ in 0..feedbacks {
        let mut again = false;
        for (id, node) in new.nodes.iter().enumerate() {
            let Some(o) = nodes[id] else { continue };
            if node.op != Op::Feedback {
                continue;
            }
            let src_new = match node.inputs.first() {
                Some(Operand::Node(j)) => nodes.get(*j).copied().flatten(),
                _ => None,
            };
            let src_old = match old.nodes.get(o).and_then(|n| n.inputs.first()) {
                Some(Operand::Node(j)) => Some(*j),
                _ => None,
            };
            if src_new.is_none() || src_new != src_old {
                broken[id] = true;
                again = true;
            }
        }
        if !again {
            break;
        }
        nodes = exact_pass(old, new, &fed, &broken);
    }
    let exact: Vec<bool> = nodes.iter().map(Option::is_some).collect();
    if loose {
        loose_pass(old, new, &mut nodes);
    }
    let sounds = new
        .sounds
        .iter()
        .map(|s| {
            let o = nodes.get(s.node).copied().flatten()?;
            match old.nodes.get(o)?.op {
                Op::Voices { sound } => Some(sound),
                _ => None,
            }
        })
        .collect();
    Matching {
        nodes,
        exact,
        sounds,
    }
}

/// A pattern's events over the compared cycles: a hash and a count.
type Fingerprint = (u64, usize);

/// The fingerprints of both graphs' patterns and sounds.
struct Fed<'a> {
    old_patterns: &'a [Option<Fingerprint>],
    new_patterns: &'a [Option<Fingerprint>],
    old_sounds: &'a [Option<Fingerprint>],
    new_sounds: &'a [Option<Fingerprint>],
}

/// Feeds formatted text to a hasher without building the string.
struct HashWriter<'a>(&'a mut DefaultHasher);

impl std::fmt::Write for HashWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.write(s.as_bytes());
        Ok(())
    }
}

/// The events of cycles `0..COMPARED_CYCLES`, cycle by cycle (so that a dense
/// pattern holds one cycle of events at a time), sorted, hashed; `None` when a query
/// overflows exact time.
fn fingerprint(pattern: &Pattern<Value>) -> Option<Fingerprint> {
    use std::fmt::Write;
    let mut h = DefaultHasher::new();
    let mut count = 0usize;
    for c in 0..COMPARED_CYCLES {
        let mut events = pattern
            .query_checked(Span::new(r(c, 1), r(c + 1, 1)))
            .ok()?;
        sort_events(&mut events);
        count += events.len();
        for e in &events {
            // Value holds floats (no `Hash`); its debug text is exact enough: equal
            // values print the same, and a collision only costs continuity.
            let _ = write!(
                HashWriter(&mut h),
                "{:?}|{:?}|{:?};",
                e.whole,
                e.part,
                e.value
            );
        }
    }
    Some((h.finish(), count))
}

/// A sound's fingerprint: its pattern's, and the controls it samples from signals
/// (the signals themselves are the `voices` node's inputs, compared as inputs).
fn sound_fingerprint(sound: &super::SoundSource) -> Option<Fingerprint> {
    let (hash, count) = fingerprint(&sound.pattern)?;
    let mut h = DefaultHasher::new();
    hash.hash(&mut h);
    for s in &sound.sampled {
        s.control.hash(&mut h);
    }
    Some((h.finish(), count))
}

/// An operation without the parameters that do not change its identity (pattern
/// and sound indices, noise seeds): its name, which the operation table keeps unique
/// (a filter's mode is part of it).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
struct OpKey(&'static str);

fn op_key(op: Op) -> OpKey {
    OpKey(op.name())
}

/// An input as the exact pass compares it: an old node id, or a constant's bits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum InputKey {
    Node(NodeId),
    Const(u32),
}

/// What an exact pair must share: the operation, the channels, the fed pattern or
/// sound (its fingerprint), and the inputs (old ids on both sides).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
struct ExactKey {
    op: OpKey,
    channels: usize,
    fed: Option<Fingerprint>,
    inputs: Vec<InputKey>,
}

/// The fingerprint a fed node is compared on: `Some(None)` for a fed node whose
/// pattern matches nothing (overflow, or a bad index), `None` for other nodes.
fn fed_print(op: Op, patterns: &[Option<Fingerprint>], sounds: &[Option<Fingerprint>]) -> FedPrint {
    match op {
        Op::Stepped { pattern } | Op::Trigger { pattern } | Op::Gate { pattern } => {
            match patterns.get(pattern).copied().flatten() {
                Some(f) => FedPrint::Same(f),
                None => FedPrint::Unique,
            }
        }
        Op::Voices { sound } => match sounds.get(sound).copied().flatten() {
            Some(f) => FedPrint::Same(f),
            None => FedPrint::Unique,
        },
        _ => FedPrint::NotFed,
    }
}

enum FedPrint {
    NotFed,
    Same(Fingerprint),
    /// Matches nothing.
    Unique,
}

/// The classes of the nodes of one graph: nodes of one class (in either graph)
/// compute the same thing from the same sources (noise seeds aside). `None`: the
/// node matches nothing (a fed node whose pattern overflowed, a broken feedback).
fn classes(
    graph: &Graph,
    patterns: &[Option<Fingerprint>],
    sounds: &[Option<Fingerprint>],
    broken: Option<&[bool]>,
    intern: &mut HashMap<ExactKey, usize>,
) -> Vec<Option<usize>> {
    let mut out: Vec<Option<usize>> = Vec::with_capacity(graph.nodes.len());
    for (id, node) in graph.nodes.iter().enumerate() {
        let broken = broken.is_some_and(|b| b.get(id).copied().unwrap_or(false));
        let fed = match fed_print(node.op, patterns, sounds) {
            FedPrint::NotFed => None,
            FedPrint::Same(f) => Some(f),
            FedPrint::Unique => {
                out.push(None);
                continue;
            }
        };
        // The master's inputs are the outputs in source order (reordering them
        // changes nothing); a feedback node's input comes later (checked afterwards).
        let inputs: Option<Vec<InputKey>> = if node.op == Op::Feedback || id == graph.master {
            Some(Vec::new())
        } else {
            node.inputs
                .iter()
                .map(|i| match *i {
                    Operand::Node(j) => out.get(j).copied().flatten().map(InputKey::Node),
                    Operand::Const(c) => Some(InputKey::Const(c.to_bits())),
                })
                .collect()
        };
        let class = match inputs {
            Some(inputs) if !broken => {
                let key = ExactKey {
                    op: op_key(node.op),
                    channels: node.channels,
                    fed,
                    inputs,
                };
                let next = intern.len();
                Some(*intern.entry(key).or_insert(next))
            }
            _ => None,
        };
        out.push(class);
    }
    out
}

fn exact_pass(old: &Graph, new: &Graph, fed: &Fed<'_>, broken: &[bool]) -> Vec<Option<NodeId>> {
    let mut intern = HashMap::new();
    let old_class = classes(old, fed.old_patterns, fed.old_sounds, None, &mut intern);
    let new_class = classes(
        new,
        fed.new_patterns,
        fed.new_sounds,
        Some(broken),
        &mut intern,
    );
    // Old nodes by class, in graph order.
    let mut by_class: HashMap<usize, Vec<NodeId>> = HashMap::new();
    for (id, c) in old_class.iter().enumerate() {
        if let Some(c) = c {
            by_class.entry(*c).or_default().push(id);
        }
    }
    let mut out: Vec<Option<NodeId>> = vec![None; new.nodes.len()];
    let mut taken = vec![false; old.nodes.len()];
    let mut stack: Vec<(NodeId, NodeId)> = Vec::new();
    // Pairs `n` with the first free old node of its class, then its inputs with that
    // node's inputs, position by position, down the graph (so a chain's sources
    // follow its output even when identical sub-chains exist elsewhere).
    let mut pair_down = |n: NodeId, out: &mut Vec<Option<NodeId>>, taken: &mut Vec<bool>| {
        if out[n].is_some() {
            return;
        }
        let Some(c) = new_class[n] else { return };
        let Some(o) = by_class
            .get(&c)
            .and_then(|ids| ids.iter().copied().find(|o| !taken[*o]))
        else {
            return;
        };
        stack.push((n, o));
        while let Some((n, o)) = stack.pop() {
            if out[n].is_some() || taken[o] {
                continue;
            }
            out[n] = Some(o);
            taken[o] = true;
            let (nn, on) = (&new.nodes[n], &old.nodes[o]);
            if nn.op == Op::Feedback || n == new.master {
                continue;
            }
            for (a, b) in nn.inputs.iter().zip(&on.inputs) {
                if let (Operand::Node(a), Operand::Node(b)) = (*a, *b) {
                    if out.get(a).is_some_and(Option::is_none)
                        && taken.get(b).is_some_and(|t| !*t)
                        && new_class.get(a) == old_class.get(b)
                    {
                        stack.push((a, b));
                    }
                }
            }
        }
    };
    if new.nodes.get(new.master).is_some() && old.nodes.get(old.master).is_some() {
        out[new.master] = Some(old.master);
        taken[old.master] = true;
    }
    // The outputs first, in source order (duplicates match in order), then whatever
    // is left (sources of an edited output), in graph order.
    for (_, op) in &new.outputs {
        if let Operand::Node(n) = *op {
            if n < out.len() {
                pair_down(n, &mut out, &mut taken);
            }
        }
    }
    for n in 0..new.nodes.len() {
        pair_down(n, &mut out, &mut taken);
    }
    out
}

fn loose_pass(old: &Graph, new: &Graph, nodes: &mut [Option<NodeId>]) {
    let mut taken = vec![false; old.nodes.len()];
    for o in nodes.iter().flatten() {
        if let Some(t) = taken.get_mut(*o) {
            *t = true;
        }
    }
    // Old nodes by operation kind, in order, for the candidates' search.
    let mut by_kind: HashMap<Discriminant<Op>, Vec<NodeId>> = HashMap::new();
    for (id, node) in old.nodes.iter().enumerate() {
        if id != old.master && node.op != Op::Feedback {
            by_kind
                .entry(std::mem::discriminant(&node.op))
                .or_default()
                .push(id);
        }
    }
    for id in 0..new.nodes.len() {
        if nodes[id].is_some() || id == new.master {
            continue;
        }
        let node = &new.nodes[id];
        if node.op == Op::Feedback {
            continue;
        }
        let Some(candidates) = by_kind.get(&std::mem::discriminant(&node.op)) else {
            continue;
        };
        let compatible = |o: NodeId| -> bool {
            let Some(on) = old.nodes.get(o) else {
                return false;
            };
            if on.channels != node.channels || on.inputs.len() != node.inputs.len() {
                return false;
            }
            node.inputs.iter().zip(&on.inputs).all(|(a, b)| {
                let matched = match *a {
                    Operand::Node(j) => nodes.get(j).copied().flatten(),
                    Operand::Const(_) => None,
                };
                match (matched, *b) {
                    (Some(m), Operand::Node(k)) => m == k,
                    (Some(_), Operand::Const(_)) => false,
                    (None, Operand::Const(_)) => true,
                    (None, Operand::Node(k)) => !taken.get(k).copied().unwrap_or(true),
                }
            })
        };
        let pick = candidates
            .iter()
            .copied()
            .find(|o| !taken.get(*o).copied().unwrap_or(true) && compatible(*o));
        if let Some(o) = pick {
            nodes[id] = Some(o);
            taken[o] = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(src: &str) -> Graph {
        let g = crate::compile(src).unwrap_or_else(|d| panic!("{src}: {d:?}"));
        crate::passes::optimize(&g).graph
    }

    /// The ids of the nodes of `g` with operation name `name`, in order.
    fn named(g: &Graph, name: &str) -> Vec<NodeId> {
        (0..g.nodes.len())
            .filter(|i| g.nodes[*i].op.name() == name)
            .collect()
    }

    #[test]
    fn an_unchanged_patch_matches_itself_exactly() {
        let src = "o1: saw \"110 220\" # lpf 800 0.5 * 0.2\no2: sine 3 * perc 0.2 \"1 1\"";
        let (old, new) = (graph(src), graph(src));
        let m = match_graphs(&old, &new, true);
        let all: Vec<Option<NodeId>> = (0..new.nodes.len()).map(Some).collect();
        assert_eq!(m.nodes, all);
        assert!(m.exact.iter().all(|e| *e));
    }

    #[test]
    fn an_edited_constant_matches_loosely_and_not_exactly() {
        let old = graph("o1: saw 110 # lpf 800 0.5");
        let new = graph("o1: saw 110 # lpf 1200 0.5");
        let lpf_old = named(&old, "lpf");
        let lpf_new = named(&new, "lpf");
        let saw_old = named(&old, "saw");
        let saw_new = named(&new, "saw");
        let exact = match_graphs(&old, &new, false);
        assert_eq!(exact.nodes[saw_new[0]], Some(saw_old[0]));
        assert_eq!(exact.nodes[lpf_new[0]], None);
        let loose = match_graphs(&old, &new, true);
        assert_eq!(loose.nodes[lpf_new[0]], Some(lpf_old[0]));
        assert!(!loose.exact[lpf_new[0]]);
        assert!(loose.exact[saw_new[0]]);
    }

    #[test]
    fn an_edited_source_carries_the_chain_below_it_loosely() {
        let old = graph("o1: saw 110 # lpf 800 0.5");
        let new = graph("o1: saw 165 # lpf 800 0.5");
        let m = match_graphs(&old, &new, true);
        assert_eq!(m.nodes[named(&new, "saw")[0]], Some(named(&old, "saw")[0]));
        assert_eq!(m.nodes[named(&new, "lpf")[0]], Some(named(&old, "lpf")[0]));
        assert!(
            m.exact.iter().filter(|e| **e).count() == 1,
            "only the master"
        );
    }

    #[test]
    fn an_added_output_matches_nothing_and_reordered_outputs_still_match() {
        let old = graph("o1: saw 110 # lpf 800 0.5\no2: sine 220 * 0.1");
        let new = graph("o2: sine 220 * 0.1\no3: tri 330 # hpf 300 0.7\no1: saw 110 # lpf 800 0.5");
        let m = match_graphs(&old, &new, true);
        for name in ["saw", "lpf", "sine"] {
            assert_eq!(
                m.nodes[named(&new, name)[0]],
                Some(named(&old, name)[0]),
                "{name}"
            );
            assert!(m.exact[named(&new, name)[0]]);
        }
        assert_eq!(m.nodes[named(&new, "tri")[0]], None);
        assert_eq!(m.nodes[named(&new, "hpf")[0]], None);
    }

    #[test]
    fn identical_chains_match_in_order() {
        let chain = "saw 110 # lpf 800 0.5";
        let old = graph(&format!("o1: {chain}\no2: {chain}"));
        let new = graph(&format!("o1: {chain}\no2: {chain}\no3: {chain}"));
        let m = match_graphs(&old, &new, false);
        let (so, sn) = (named(&old, "saw"), named(&new, "saw"));
        let (lo, ln) = (named(&old, "lpf"), named(&new, "lpf"));
        assert_eq!(m.nodes[sn[0]], Some(so[0]));
        assert_eq!(m.nodes[sn[1]], Some(so[1]));
        assert_eq!(m.nodes[sn[2]], None);
        assert_eq!(m.nodes[ln[0]], Some(lo[0]));
        assert_eq!(m.nodes[ln[1]], Some(lo[1]));
        assert_eq!(m.nodes[ln[2]], None);
    }

    #[test]
    fn patterns_are_compared_by_their_events() {
        let old = graph("o1: saw \"110 220\" * 0.1");
        let same = graph("o1: saw (fast 1 \"110 220\") * 0.1");
        let other = graph("o1: saw \"110 330\" * 0.1");
        let stepped_old = named(&old, "stepped")[0];
        let m = match_graphs(&old, &same, false);
        assert_eq!(m.nodes[named(&same, "stepped")[0]], Some(stepped_old));
        let m = match_graphs(&old, &other, false);
        assert_eq!(m.nodes[named(&other, "stepped")[0]], None);
        assert_eq!(m.nodes[named(&other, "saw")[0]], None);
    }

    #[test]
    fn sounds_follow_their_voices_nodes() {
        let old = graph("d1: s \"bd sn\"\nd2: s \"hh*4\"");
        let new = graph("d2: s \"hh*4\"\nd1: s \"bd sn\"\nd3: s \"cp\"");
        let m = match_graphs(&old, &new, false);
        // new sound 0 is the hats (old 1), new sound 1 the drums (old 0), the claps
        // are new.
        assert_eq!(m.sounds, vec![Some(1), Some(0), None]);
    }
}
