//! Lowering to the signal graph: node structure, sharing, feedback, channels, and
//! the `phonon ir` dump.

use phonon::ir::{Graph, NodeKind, Op, Operand};

fn graph(src: &str) -> Graph {
    phonon::compile(src).unwrap_or_else(|d| panic!("{src}: {d:?}"))
}

fn ops(g: &Graph) -> Vec<&'static str> {
    g.nodes.iter().map(|n| n.op.name()).collect()
}

fn node_input(g: &Graph, id: usize, k: usize) -> Operand {
    g.nodes[id].inputs[k]
}

#[test]
fn a_filtered_saw_lowers_to_its_chain_in_dependency_order() {
    let g = graph("out: saw 110 # lpf (sine 0.5 * 400 + 800) 0.7 * 0.3");
    assert_eq!(
        ops(&g),
        ["saw", "sine", "mul", "add", "lpf", "mul", "master"]
    );
    assert_eq!(node_input(&g, 0, 0), Operand::Const(110.0));
    // lpf: input, cutoff, q.
    assert_eq!(
        g.nodes[4].inputs,
        vec![Operand::Node(0), Operand::Node(3), Operand::Const(0.7)]
    );
    assert_eq!(
        g.nodes[5].inputs,
        vec![Operand::Node(4), Operand::Const(0.3)]
    );
    assert_eq!(g.outputs, vec![("out".to_string(), Operand::Node(5))]);
    assert_eq!(g.master, 6);
    for (i, n) in g.nodes.iter().enumerate() {
        for op in &n.inputs {
            if let Operand::Node(j) = op {
                assert!(*j < i, "node {i} reads node {j}");
            }
        }
    }
    assert!(g.nodes[..6].iter().all(|n| n.channels == 1));
    assert_eq!(g.nodes[6].channels, 2);
}

#[test]
fn a_bus_used_twice_is_computed_once() {
    let g = graph("~lfo: sine 0.25\nout: saw (~lfo * 100 + 200) * ~lfo");
    assert_eq!(ops(&g).iter().filter(|o| **o == "sine").count(), 1);
}

#[test]
fn a_bus_that_reads_itself_becomes_a_feedback_node_pointing_forward() {
    let g = graph("~echo: (saw 110 * 0.1 + ~echo * 0.5) # delay 0.25 0.3\nout: ~echo");
    let fb = g
        .nodes
        .iter()
        .position(|n| n.op == Op::Feedback)
        .expect("a feedback node");
    let Operand::Node(source) = g.nodes[fb].inputs[0] else {
        panic!("feedback reads a constant");
    };
    assert!(source > fb, "feedback reads a later node");
    assert_eq!(g.nodes[source].op, Op::Delay);
    assert_eq!(g.outputs[0].1, Operand::Node(source));
    assert_eq!(g.nodes[fb].op.kind(), NodeKind::Fed);
}

#[test]
fn channels_follow_the_inputs() {
    // A sound is stereo; a filter over it keeps one state per channel; a mono
    // oscillator added to it is shared by both channels.
    let g = graph("out: (s \"bd*4\" + saw 55) # lpf 1000");
    let voices = g
        .nodes
        .iter()
        .position(|n| matches!(n.op, Op::Voices { .. }))
        .unwrap_or(99);
    let saw = g.nodes.iter().position(|n| n.op == Op::Saw).unwrap_or(99);
    let lpf = g
        .nodes
        .iter()
        .position(|n| n.op.name() == "lpf")
        .unwrap_or(99);
    assert_eq!(g.nodes[voices].channels, 2);
    assert_eq!(g.nodes[saw].channels, 1);
    assert_eq!(g.nodes[lpf].channels, 2);
}

#[test]
fn envelopes_get_triggers_and_gates_from_patterns_or_once_per_cycle() {
    let g = graph("out: saw 220 * adsr 0.01 0.1 0.5 0.2 \"1 ~ 1 1\"");
    let adsr = g.nodes.iter().position(|n| n.op == Op::Adsr).unwrap_or(99);
    let trig = g.nodes[adsr].inputs[4];
    let gate = g.nodes[adsr].inputs[5];
    let (Operand::Node(t), Operand::Node(gt)) = (trig, gate) else {
        panic!("trigger and gate are nodes");
    };
    assert_eq!(g.nodes[t].op, Op::Trigger { pattern: 0 });
    assert_eq!(g.nodes[gt].op, Op::Gate { pattern: 0 });
    // Without a trigger pattern: one event per cycle.
    let g = graph("out: saw 220 * perc 0.3");
    let perc = g.nodes.iter().position(|n| n.op == Op::Perc).unwrap_or(99);
    let Operand::Node(t) = g.nodes[perc].inputs[1] else {
        panic!("perc's trigger is a node");
    };
    assert_eq!(g.nodes[t].op, Op::Trigger { pattern: 0 });
    assert_eq!(g.patterns.len(), 1);
    let events = g.patterns[0].pattern.query(phonon::time::Span::new(
        phonon::time::r(0, 1),
        phonon::time::r(2, 1),
    ));
    assert_eq!(events.len(), 2);
}

#[test]
fn sampled_controls_are_inputs_of_the_voices_node() {
    let g = graph("out: s \"hh*8\" # pan (sine 0.25) # speed (saw 1 + 1)");
    let v = g
        .nodes
        .iter()
        .position(|n| matches!(n.op, Op::Voices { .. }))
        .unwrap_or(99);
    assert_eq!(g.nodes[v].inputs.len(), 2);
    let names: Vec<&str> = g.sounds[0]
        .sampled
        .iter()
        .map(|s| s.control.name())
        .collect();
    assert_eq!(names, ["pan", "speed"]);
    assert_eq!(g.sounds[0].node, v);
}

#[test]
fn the_dump_has_one_line_per_node_with_its_source() {
    let src = "tempo: 0.5\nout: saw 110 # lpf 800 0.7";
    let g = graph(src);
    let text = phonon::ir::dump(&g, src, "p.ph");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + g.nodes.len());
    assert!(lines[0].starts_with("# p.ph: 3 nodes"), "{}", lines[0]);
    assert!(lines[1].contains("#0") && lines[1].contains("saw") && lines[1].contains("freq=110"));
    assert!(
        lines[1].contains("2:6") && lines[1].contains("saw 110"),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains("lpf") && lines[2].contains("in=#0 cutoff=800 q=0.7"));
    assert!(lines[2].contains("mono") && lines[2].contains("recurrence"));
    assert!(
        lines[3].contains("master") && lines[3].contains("out=#1") && lines[3].contains("stereo")
    );
}
