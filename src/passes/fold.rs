//! Constant folding and dead-node removal.
//!
//! Folding: an elementwise node whose inputs are all constants becomes a constant
//! (computed with the operation table's formula, the `dsp::arith` one the
//! interpreter runs, so nothing changes); `x * 0` and
//! `0 * x` become 0, `x * 1`, `x + 0`, `x - 0`, `x / 1` become `x`, `x / 0` and `0 / x`
//! become 0 (the interpreter's division by zero is 0). Outputs that fold to 0 leave
//! the master. Multiplying by 0 therefore costs nothing, even when `x` is a whole
//! chain: that chain becomes dead.
//!
//! Dead-node removal keeps what the master needs, transitively (a `feedback` node
//! needs its source), renumbers the nodes in their order, and drops the patterns and
//! sounds that no remaining node reads.

use std::collections::HashMap;

use crate::ir::{Graph, Node, NodeKind, Op, Operand};

/// Folds constants and identities (see the module documentation).
pub fn fold(graph: &Graph) -> Graph {
    let mut g = graph.clone();
    // What each original node now stands for.
    let mut subst: Vec<Operand> = (0..g.nodes.len()).map(Operand::Node).collect();
    for id in 0..g.nodes.len() {
        let inputs: Vec<Operand> = g.nodes[id]
            .inputs
            .iter()
            .map(|op| resolve(*op, &subst))
            .collect();
        g.nodes[id].inputs = inputs.clone();
        if g.nodes[id].op.kind() != NodeKind::Elementwise {
            continue;
        }
        if let Some(r) = simplify(g.nodes[id].op, &inputs) {
            subst[id] = r;
        }
    }
    // The master and the outputs read the substitutes; outputs that are 0 go.
    g.outputs = g
        .outputs
        .iter()
        .map(|(name, op)| (name.clone(), resolve(*op, &subst)))
        .collect();
    g.buses = g
        .buses
        .iter()
        .map(|(name, op)| (name.clone(), resolve(*op, &subst)))
        .collect();
    let master = g.master;
    if let Some(m) = g.nodes.get_mut(master) {
        m.inputs = g
            .outputs
            .iter()
            .map(|(_, op)| *op)
            .filter(|op| *op != Operand::Const(0.0))
            .collect();
    }
    g
}

fn resolve(op: Operand, subst: &[Operand]) -> Operand {
    match op {
        Operand::Node(id) => subst.get(id).copied().unwrap_or(op),
        c => c,
    }
}

/// What an elementwise node reduces to, if anything.
fn simplify(op: Op, x: &[Operand]) -> Option<Operand> {
    let c = |k: usize| match x.get(k) {
        Some(Operand::Const(v)) => Some(*v),
        _ => None,
    };
    let all_const: Option<Vec<f32>> = (0..x.len()).map(c).collect();
    if let (Some(v), Some(formula)) = (all_const, op.spec().fold) {
        return Some(Operand::Const(formula(&v)));
    }
    let (a, b) = (x.first().copied(), x.get(1).copied());
    let zero = Some(Operand::Const(0.0));
    match op {
        Op::Mul if c(0) == Some(0.0) || c(1) == Some(0.0) => zero,
        Op::Mul if c(1) == Some(1.0) => a,
        Op::Mul if c(0) == Some(1.0) => b,
        Op::Add if c(1) == Some(0.0) => a,
        Op::Add if c(0) == Some(0.0) => b,
        Op::Sub if c(1) == Some(0.0) => a,
        Op::Div if c(1) == Some(1.0) => a,
        Op::Div if c(1) == Some(0.0) || c(0) == Some(0.0) => zero,
        _ => None,
    }
}

/// Removes the nodes the master does not need, renumbering the rest in order.
pub fn remove_dead(graph: &Graph) -> Graph {
    let n = graph.nodes.len();
    let mut live = vec![false; n];
    let mut stack = vec![graph.master];
    while let Some(id) = stack.pop() {
        if id >= n || live[id] {
            continue;
        }
        live[id] = true;
        for op in &graph.nodes[id].inputs {
            if let Operand::Node(j) = op {
                stack.push(*j);
            }
        }
    }
    let mut new_id = vec![usize::MAX; n];
    let mut nodes: Vec<Node> = Vec::new();
    for id in 0..n {
        if live[id] {
            new_id[id] = nodes.len();
            nodes.push(graph.nodes[id].clone());
        }
    }
    let renumber = |op: Operand| match op {
        Operand::Node(id) => Operand::Node(new_id.get(id).copied().unwrap_or(id)),
        c => c,
    };
    for node in &mut nodes {
        node.inputs = node.inputs.iter().map(|op| renumber(*op)).collect();
    }
    // Patterns and sounds that live nodes still read, renumbered.
    let mut pattern_map: HashMap<usize, usize> = HashMap::new();
    let mut patterns = Vec::new();
    let mut sound_map: HashMap<usize, usize> = HashMap::new();
    let mut sounds = Vec::new();
    for (id, node) in nodes.iter_mut().enumerate() {
        match &mut node.op {
            Op::Stepped { pattern } | Op::Trigger { pattern } | Op::Gate { pattern } => {
                let p = *pattern;
                let next = patterns.len();
                let idx = *pattern_map.entry(p).or_insert_with(|| {
                    if let Some(src) = graph.patterns.get(p) {
                        patterns.push(src.clone());
                    }
                    next
                });
                *pattern = idx;
            }
            Op::Voices { sound } => {
                let s = *sound;
                if let Some(src) = graph.sounds.get(s) {
                    let mut src = src.clone();
                    src.node = id;
                    sound_map.insert(s, sounds.len());
                    sounds.push(src);
                }
                *sound = sound_map.get(&s).copied().unwrap_or(0);
            }
            _ => {}
        }
    }
    let master = new_id.get(graph.master).copied().unwrap_or(0);
    Graph {
        outputs: graph
            .outputs
            .iter()
            .map(|(name, op)| (name.clone(), renumber(*op)))
            .collect(),
        // A bus whose node is gone (it folded away, or nothing plays it) is dropped.
        buses: graph
            .buses
            .iter()
            .filter(|(_, op)| match op {
                Operand::Node(id) => new_id.get(*id).is_some_and(|&k| k != usize::MAX),
                Operand::Const(_) => true,
            })
            .map(|(name, op)| (name.clone(), renumber(*op)))
            .collect(),
        nodes,
        master,
        patterns,
        sounds,
        voices: graph.voices.clone(),
        cps: graph.cps,
        limit: graph.limit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile(src: &str) -> Graph {
        crate::compile(src).unwrap_or_else(|d| panic!("{d:?}"))
    }

    #[test]
    fn an_output_times_zero_costs_nothing() {
        let g = compile("out: saw 110 # lpf 800 * 0\nout2: sine 220 * 0.5");
        let g = remove_dead(&fold(&g));
        let names: Vec<&str> = g.nodes.iter().map(|n| n.op.name()).collect();
        assert_eq!(names, ["sine", "mul", "master"]);
        assert_eq!(g.nodes[2].inputs, vec![Operand::Node(1)]);
        assert_eq!(g.outputs[0].1, Operand::Const(0.0));
    }

    #[test]
    fn constant_arithmetic_and_identities_fold() {
        // (sine 1 * 1 + 0) * (2 * 3): the identities vanish, the constants multiply.
        let g = compile("out: (sine 1 * 1 + 0) * (mtof 69 + sine 0 * 0)");
        let g = remove_dead(&fold(&g));
        let names: Vec<&str> = g.nodes.iter().map(|n| n.op.name()).collect();
        assert_eq!(names, ["sine", "mul", "master"]);
        assert_eq!(g.nodes[1].inputs[0], Operand::Node(0));
        // mtof 69 is folded by the evaluator already: 440 exactly.
        assert_eq!(g.nodes[1].inputs[1], Operand::Const(440.0));
    }

    #[test]
    fn dead_patterns_and_sounds_are_dropped_and_renumbered() {
        let g = compile("out: s \"bd\" * 0 + saw \"<100 200>\"\nout2: s \"hh*2\"");
        let g = remove_dead(&fold(&g));
        assert_eq!(g.patterns.len(), 1);
        assert_eq!(g.sounds.len(), 1);
        let voices = g
            .nodes
            .iter()
            .position(|n| matches!(n.op, Op::Voices { sound: 0 }))
            .unwrap_or(usize::MAX);
        assert_eq!(g.sounds[0].node, voices);
        assert!(g.nodes.iter().any(|n| n.op == Op::Stepped { pattern: 0 }));
    }
}
