//! `phonon ir`: the graph as text, one node per line, for a person hunting a wrong
//! sound, then a legend of the columns, the kinds and the operations it uses.
//!
//! ```text
//!  node  bus     op       inputs                      channels  kind        from
//!    #3  ~bass:  saw      freq=#2 [phase]             mono      recurrence  2:8  saw (mtof "<[36 ~ 36 48]>")
//! ```
//! Each line: the node's number; the bus or output it belongs to (`~bass:` on the
//! node that holds the bus's value, `~bass` on the nodes computing it); its
//! operation; its inputs by name (`#n` for another node's buffer, a number for a
//! constant), constant parameters and the state it keeps in brackets; its channels;
//! its kind; the line, column and text of the source it came from, which for a node
//! fed by a pattern or a sound is that pattern's own text.

use std::fmt::Write;

use super::voice::VoiceDef;
use super::{Graph, NodeKind, Op, Operand};
use crate::diag::SrcSpan;

/// The longest source excerpt printed on a node's line, in characters.
const EXCERPT: usize = 60;

/// The graph as text, then the legend; `file` names the patch in the header.
pub fn dump(graph: &Graph, source: &str, file: &str) -> String {
    let mut out = dump_nodes(graph, source, file);
    for def in &graph.voices {
        out.push_str(&dump_voice(def, source));
    }
    legend(graph, &mut out);
    out
}

/// A voice definition as its own small graph: its parameters (the `param` nodes'
/// numbers), its nodes, and its estimated cost per voice and frame (the table's
/// costs are per frame of four lanes).
pub fn dump_voice(def: &VoiceDef, source: &str) -> String {
    let mut out = String::new();
    let mut params: Vec<String> = def
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{}={} (param={i})", p.name, p.default))
        .collect();
    params.push(format!("onset (param={})", def.onset()));
    let cost: f64 = def.graph.nodes.iter().map(|n| n.op.spec().cost).sum::<f64>() / 4.0;
    let _ = writeln!(
        out,
        "# voice ~{}: {} nodes, {}; {} out; about {cost:.1} ns per voice and frame in vector lanes",
        def.name,
        def.graph.nodes.len(),
        params.join(", "),
        if def.channels() == 2 { "stereo" } else { "mono" },
    );
    table(&def.graph, source, &mut out);
    out
}

/// The graph as text without the legend (for a graph printed after another's).
pub fn dump_nodes(graph: &Graph, source: &str, file: &str) -> String {
    let mut out = String::new();
    let fed = graph
        .nodes
        .iter()
        .filter(|n| n.op.kind() == NodeKind::Fed)
        .count();
    let _ = writeln!(
        out,
        "# {file}: {} nodes ({fed} fed by the runtime), {} patterns, {} sounds, {} cycles per second",
        graph.nodes.len(),
        graph.patterns.len(),
        graph.sounds.len(),
        graph.cps
    );
    table(graph, source, &mut out);
    out
}

/// One line per node, under a header of the columns.
fn table(graph: &Graph, source: &str, out: &mut String) {
    let buses = bus_labels(graph);
    let rows: Vec<[String; 7]> = graph
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let channels = if node.channels == 2 { "stereo" } else { "mono" };
            let origin = origin_span(graph, node.op)
                .or(node.span)
                .map(|s| origin(source, s))
                .unwrap_or_default();
            [
                format!("#{i}"),
                buses[i].clone(),
                node.op.name().to_string(),
                arguments(graph, i),
                channels.to_string(),
                node.op.kind().name().to_string(),
                origin,
            ]
        })
        .collect();
    let header = ["node", "bus", "op", "inputs", "channels", "kind", "from"].map(String::from);
    let mut widths = [0usize; 7];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = format!("{:>w$}", row[0], w = widths[0] + 1);
        for (cell, w) in row.iter().zip(widths).skip(1) {
            let _ = write!(line, "  {cell:<w$}");
        }
        // Trailing spaces from empty cells are noise in diffs.
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

/// The inputs, constant parameters and state of node `i`, as its line shows them.
fn arguments(graph: &Graph, i: usize) -> String {
    let node = &graph.nodes[i];
    let mut parts: Vec<String> = match node.op.input_names() {
        Some(names) => names
            .iter()
            .zip(&node.inputs)
            .map(|(n, op)| format!("{n}={}", operand(*op)))
            .collect(),
        None if node.op == Op::Master => graph
            .outputs
            .iter()
            .map(|(name, op)| format!("{name}={}", operand(*op)))
            .collect(),
        None => node
            .inputs
            .iter()
            .enumerate()
            .map(|(k, op)| format!("{}={}", sampled_name(graph, node.op, k), operand(*op)))
            .collect(),
    };
    parts.extend(parameters(node.op));
    let state = node.op.state();
    if !state.is_empty() {
        parts.push(format!("[{state}]"));
    }
    parts.join(" ")
}

/// The bus column of every node: `~name:` (or `out:`) on the node holding a bus's
/// (an output's) value, `~name` (`out`) on the other nodes of its definition, empty
/// on the master. A node shared by two definitions is named after the first one
/// that reaches it (buses in source order, then outputs); the walk from a
/// definition stops at another's value and at `feedback` nodes, whose input is the
/// bus read one block late.
fn bus_labels(graph: &Graph) -> Vec<String> {
    let n = graph.nodes.len();
    let roots: Vec<(String, usize)> = graph
        .buses
        .iter()
        .map(|(name, op)| (format!("~{name}"), *op))
        .chain(graph.outputs.iter().map(|(name, op)| (name.clone(), *op)))
        .filter_map(|(label, op)| match op {
            Operand::Node(id) if id < n => Some((label, id)),
            _ => None,
        })
        .collect();
    let mut defines: Vec<Vec<&str>> = vec![Vec::new(); n];
    for (label, id) in &roots {
        if !defines[*id].contains(&label.as_str()) {
            defines[*id].push(label);
        }
    }
    let mut owner: Vec<Option<&str>> = vec![None; n];
    let mut stack = Vec::new();
    for (label, root) in &roots {
        stack.push(*root);
        while let Some(id) = stack.pop() {
            if owner[id].is_some() || (id != *root && !defines[id].is_empty()) {
                continue;
            }
            owner[id] = Some(label);
            if graph.nodes[id].op == Op::Feedback {
                continue;
            }
            for input in &graph.nodes[id].inputs {
                if let Operand::Node(j) = input {
                    if *j < n {
                        stack.push(*j);
                    }
                }
            }
        }
    }
    (0..n)
        .map(|i| {
            if defines[i].is_empty() {
                owner[i].unwrap_or("").to_string()
            } else {
                defines[i]
                    .iter()
                    .map(|l| format!("{l}:"))
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        })
        .collect()
}

/// The legend printed under the nodes: the columns, the kinds, and the operations
/// of this graph with their descriptions from the operation table.
fn legend(graph: &Graph, out: &mut String) {
    out.push_str("#\n# columns\n");
    for (column, meaning) in [
        ("bus", "the bus or output the node computes; `~name:` marks the node that holds ~name's value (`out:` an output's)"),
        ("inputs", "name=#n reads node n's buffer, name=x the constant x; pattern=k and sound=k are the pattern and sound the runtime feeds in; [...] is the state kept"),
        ("channels", "mono or stereo (a mono input feeds both channels of a stereo node)"),
        ("from", "line:column and text of the source; for a pattern or sound node, the pattern's own text"),
    ] {
        let _ = writeln!(out, "#   {column:<9} {meaning}");
    }
    out.push_str("# kinds\n");
    for kind in NodeKind::ALL {
        let _ = writeln!(out, "#   {:<12} {}", kind.name(), kind.meaning());
    }
    out.push_str("# operations\n");
    let mut seen: Vec<&str> = Vec::new();
    let voice_nodes = graph.voices.iter().flat_map(|v| &v.graph.nodes);
    for node in graph.nodes.iter().chain(voice_nodes) {
        let spec = node.op.spec();
        if !seen.contains(&spec.name) {
            seen.push(spec.name);
            let _ = writeln!(out, "#   {:<12} {}", spec.name, spec.doc);
        }
    }
}

fn operand(op: Operand) -> String {
    match op {
        Operand::Node(id) => format!("#{id}"),
        Operand::Const(x) => format!("{x}"),
    }
}

/// Constant parameters that are part of the operation rather than inputs.
fn parameters(op: Op) -> Option<String> {
    match op {
        Op::Stepped { pattern } | Op::Trigger { pattern } | Op::Gate { pattern } => {
            Some(format!("pattern={pattern}"))
        }
        Op::Voices { sound } => Some(format!("sound={sound}")),
        Op::Param { index } => Some(format!("param={index}")),
        Op::Noise { seed } | Op::Pink { seed } | Op::Brown { seed } => Some(format!("seed={seed:#x}")),
        _ => None,
    }
}

/// Where the pattern or sound a fed node reads was written.
fn origin_span(graph: &Graph, op: Op) -> Option<SrcSpan> {
    match op {
        Op::Stepped { pattern } | Op::Trigger { pattern } | Op::Gate { pattern } => {
            graph.patterns.get(pattern).and_then(|p| p.span)
        }
        Op::Voices { sound } => graph.sounds.get(sound).and_then(|s| s.span),
        _ => None,
    }
}

/// The control a `Voices` input feeds.
fn sampled_name(graph: &Graph, op: Op, k: usize) -> String {
    if let Op::Voices { sound } = op {
        if let Some(c) = graph.sounds.get(sound).and_then(|s| s.sampled.get(k)) {
            return c.control.name().to_string();
        }
    }
    format!("in{k}")
}

/// `line:col  text` of a span: without parentheses around the whole (the position
/// is then that of the text inside), on one line (runs of white space, line breaks
/// included, become one space), cut to at most [`EXCERPT`] characters with `…`
/// where it was cut.
fn origin(source: &str, span: SrcSpan) -> String {
    let text = source.get(span.start..span.end).unwrap_or("");
    let inner = strip_parens(text);
    let start = span.start + (inner.as_ptr() as usize - text.as_ptr() as usize);
    let (line, col) = crate::diag::line_col(source, start);
    let flat = inner.split_whitespace().collect::<Vec<_>>().join(" ");
    let excerpt = if flat.chars().count() > EXCERPT {
        let mut cut: String = flat.chars().take(EXCERPT - 1).collect();
        cut.push('…');
        cut
    } else {
        flat
    };
    format!("{line}:{col}  {excerpt}")
}

/// `text` without the parentheses that enclose all of it (`(sine 1 * 2)`), which are
/// how an argument is written, not part of what it is. Quotes are skipped, so a
/// parenthesis inside a string does not count.
fn strip_parens(text: &str) -> &str {
    let mut t = text.trim();
    while t.starts_with('(') && t.ends_with(')') && encloses(t) {
        t = t[1..t.len() - 1].trim();
    }
    t
}

/// Whether the `(` opening `t` is closed by its last character.
fn encloses(t: &str) -> bool {
    let mut depth = 0usize;
    let mut quoted = false;
    for (i, c) in t.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i == t.len() - 1;
                }
            }
            _ => {}
        }
    }
    false
}
