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
    assert!(lines[0].starts_with("# p.ph: 3 nodes"), "{}", lines[0]);
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        ["node", "bus", "op", "inputs", "channels", "kind", "from"]
    );
    // The nodes, then the legend (every line of which is a comment).
    let nodes = &lines[2..2 + g.nodes.len()];
    assert!(nodes.iter().all(|l| !l.starts_with('#')), "{text}");
    assert!(lines[2 + g.nodes.len()..]
        .iter()
        .all(|l| l.starts_with('#')));
    assert!(nodes[0].contains("#0") && nodes[0].contains("saw") && nodes[0].contains("freq=110"));
    assert_eq!(cell(&text, 0, "from"), "2:6  saw 110");
    assert_eq!(
        cell(&text, 1, "inputs"),
        "in=#0 cutoff=800 q=0.7 [2 integrators]"
    );
    assert_eq!(cell(&text, 1, "channels"), "mono");
    assert_eq!(cell(&text, 1, "kind"), "recurrence");
    assert_eq!(cell(&text, 2, "op"), "master");
    assert_eq!(cell(&text, 2, "inputs"), "out=#1");
    assert_eq!(cell(&text, 2, "channels"), "stereo");
}

/// The text in column `column` of node `node`'s line of a dump, found by the
/// column's place in the header line.
fn cell(dump: &str, node: usize, column: &str) -> String {
    let lines: Vec<&str> = dump.lines().collect();
    let header = lines[1];
    let names = ["node", "bus", "op", "inputs", "channels", "kind", "from"];
    let at = |name: &str| {
        // Each name is preceded by two spaces (the first by padding).
        let key = format!("  {name}");
        header
            .find(&key)
            .map(|i| i + 2)
            .unwrap_or_else(|| panic!("no column {name} in {header}"))
    };
    let k = names.iter().position(|n| *n == column).expect("a column");
    let begin = at(column);
    let end = names.get(k + 1).map(|n| at(n));
    let prefix = format!("#{node}");
    let row = lines[2..]
        .iter()
        .find(|l| l.split_whitespace().next() == Some(prefix.as_str()))
        .unwrap_or_else(|| panic!("no node {node} in\n{dump}"));
    let chars: Vec<char> = row.chars().collect();
    let end = end.unwrap_or(chars.len()).min(chars.len());
    chars[begin.min(end)..end]
        .iter()
        .collect::<String>()
        .trim()
        .to_string()
}

fn dump(src: &str) -> String {
    phonon::ir::dump(&graph(src), src, "p.ph")
}

#[test]
fn each_node_is_named_after_the_bus_or_output_it_computes() {
    // saw (#0) and lpf (#1) compute ~bass, lpf holds its value; mul (#2) is out.
    let text = dump("~bass: saw 55 # lpf 400 0.2\nout: ~bass * 0.5");
    assert_eq!(cell(&text, 0, "op"), "saw");
    assert_eq!(cell(&text, 0, "bus"), "~bass");
    assert_eq!(cell(&text, 1, "op"), "lpf");
    assert_eq!(cell(&text, 1, "bus"), "~bass:");
    assert_eq!(cell(&text, 2, "op"), "mul");
    assert_eq!(cell(&text, 2, "bus"), "out:");
    assert_eq!(cell(&text, 3, "op"), "master");
    assert_eq!(cell(&text, 3, "bus"), "");
}

#[test]
fn a_bus_read_by_another_keeps_its_nodes_and_an_output_that_is_a_bus_has_both_names() {
    // ~lfo is read by ~pad's lpf: its nodes are ~lfo's, not ~pad's; out is ~pad.
    let src = "~lfo: sine 0.5 * 300 + 600\n~pad: saw 110 # lpf ~lfo 0.3\nout: ~pad";
    let g = graph(src);
    let text = phonon::ir::dump(&g, src, "p.ph");
    let name = |op: &str| {
        let i = g
            .nodes
            .iter()
            .position(|n| n.op.name() == op)
            .unwrap_or_else(|| panic!("no {op}"));
        cell(&text, i, "bus")
    };
    assert_eq!(name("sine"), "~lfo");
    assert_eq!(name("add"), "~lfo:");
    assert_eq!(name("saw"), "~pad");
    assert_eq!(name("lpf"), "~pad: out:");
}

#[test]
fn a_sound_bus_names_its_voices_and_shows_the_sound_as_written() {
    let text = dump("~drums: s \"bd*2 sn\"\n  # gain 0.8\nout: ~drums * 0.5");
    assert_eq!(cell(&text, 0, "op"), "voices");
    assert_eq!(cell(&text, 0, "bus"), "~drums:");
    // The definition, on one line; not the place it is read.
    assert_eq!(cell(&text, 0, "from"), "1:9  s \"bd*2 sn\" # gain 0.8");
    assert_eq!(cell(&text, 1, "from"), "3:6  ~drums * 0.5");
}

#[test]
fn a_pattern_node_shows_the_text_of_its_pattern() {
    let text = dump("out: saw \"110 220\" * 0.2");
    assert_eq!(cell(&text, 0, "op"), "stepped");
    assert_eq!(cell(&text, 0, "from"), "1:10  \"110 220\"");
    // The saw is the whole call.
    assert_eq!(cell(&text, 1, "from"), "1:6  saw \"110 220\"");
    // Parentheses around an argument are not part of it: the text and its column
    // are those inside.
    let text = dump("out: saw (\"110 220\" + 1)");
    assert_eq!(cell(&text, 0, "from"), "1:11  \"110 220\" + 1");
    // A pattern bus read as a signal: its definition.
    let text = dump("~notes: \"<200 300>\"\nout: saw ~notes");
    assert_eq!(cell(&text, 0, "from"), "1:9  \"<200 300>\"");
    assert_eq!(cell(&text, 0, "bus"), "~notes:");
}

#[test]
fn an_envelope_trigger_shows_its_pattern_and_a_long_pattern_is_cut() {
    let text = dump("out: saw 220 * adsr 0.01 0.1 0.5 0.2 \"1 ~ 1 1\"");
    for (i, op) in [(1, "trigger"), (2, "gate")] {
        assert_eq!(cell(&text, i, "op"), op);
        assert_eq!(cell(&text, i, "from"), "1:38  \"1 ~ 1 1\"");
    }
    let long = "\"<[110 220 330 440] [550 660 770 880] [990 1100 1210 1320] [1430 1540]>\"";
    assert!(long.chars().count() > 60);
    let text = dump(&format!("out: saw {long}"));
    let from = cell(&text, 0, "from");
    let shown = from.strip_prefix("1:10  ").expect("the position");
    assert_eq!(shown.chars().count(), 60);
    assert!(shown.ends_with('…'), "{shown}");
    let kept: String = long.chars().take(59).collect();
    assert!(shown.starts_with(&kept), "{shown}");
}

#[test]
fn the_legend_explains_the_columns_every_kind_and_the_operations_used() {
    let text = dump("out: saw 110 * 0.5");
    let legend: Vec<&str> = text.lines().filter(|l| l.starts_with("#   ")).collect();
    let entry = |word: &str| {
        legend
            .iter()
            .find(|l| l.split_whitespace().nth(1) == Some(word))
            .map(|l| l.split_whitespace().skip(2).collect::<Vec<_>>().join(" "))
    };
    for column in ["bus", "inputs", "channels", "from"] {
        assert!(entry(column).is_some(), "{column}: {text}");
    }
    for kind in NodeKind::ALL {
        assert_eq!(
            entry(kind.name()).as_deref(),
            Some(kind.meaning()),
            "{text}"
        );
    }
    // The operations of this graph, with the table's description; no others.
    assert_eq!(entry("saw").as_deref(), Some(Op::Saw.spec().doc));
    assert_eq!(entry("mul").as_deref(), Some(Op::Mul.spec().doc));
    assert_eq!(entry("lpf"), None);
}

fn phonon_ir_passes(name: &str, src: &str) -> String {
    let dir = std::env::temp_dir().join(format!("phonon-ir-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join(name);
    std::fs::write(&path, src).unwrap_or_else(|e| panic!("{e}"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_phonon"))
        .args(["ir", "--passes"])
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_pass_that_changes_nothing_is_marked_unchanged_and_not_reprinted() {
    let t = phonon_ir_passes("plain.ph", "out: saw 110 * 0.5\n");
    assert!(t.contains("\n## fold: unchanged\n"), "{t}");
    assert!(t.contains("\n## dead: unchanged\n"), "{t}");
    // The graph is printed once, with its legend.
    assert_eq!(t.matches("plain.ph: 3 nodes").count(), 1, "{t}");
    assert_eq!(t.matches("# kinds").count(), 1, "{t}");

    // `* 1` folds away and `sine 2 * 0` folds to 0: folding changes the graph
    // (the output reads the saw), and dead-node removal leaves saw and master.
    let t = phonon_ir_passes("folds.ph", "out: saw 110 * 1 + sine 2 * 0\n");
    assert!(!t.contains("unchanged"), "{t}");
    let fold = t
        .split("## fold: after constant folding\n")
        .nth(1)
        .expect("the folded graph");
    assert!(fold.starts_with("# "), "{fold}");
    let folded = fold.split("\n## ").next().unwrap_or("");
    assert!(folded.contains("folds.ph: 6 nodes"), "{folded}");
    assert!(folded.contains("out=#0"), "{folded}");
    let dead = t
        .split("## dead: after dead-node removal\n")
        .nth(1)
        .expect("the graph after dead-node removal");
    assert!(
        dead.starts_with("# ") && dead.contains("folds.ph: 2 nodes"),
        "{dead}"
    );
}

#[test]
fn same_as_tells_a_pass_that_did_nothing() {
    let g = graph("out: saw 110 * 0.5");
    assert!(phonon::passes::fold::fold(&g).same_as(&g));
    let g = graph("out: saw 110 * 1");
    assert!(!phonon::passes::fold::fold(&g).same_as(&g));
}
