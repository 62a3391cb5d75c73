//! `phonon ir`: the graph as text, one node per line, for a person hunting a wrong
//! sound.
//!
//! ```text
//!   #3  saw         freq=#2 [phase]             mono    recurrence   2:8  saw (mtof "<[36 ~ 36 48]>")
//! ```
//! Each line: the node's number, its operation, its inputs by name (`#n` for another
//! node's buffer, a number for a constant), constant parameters, the state it keeps
//! in brackets, its channels, its kind, and the line, column and text of the source
//! it came from.

use std::fmt::Write;

use super::{Graph, NodeKind, Op, Operand};
use crate::diag::SrcSpan;

/// The longest source excerpt printed on a node's line.
const EXCERPT: usize = 48;

/// The graph as text; `file` names the patch in the header.
pub fn dump(graph: &Graph, source: &str, file: &str) -> String {
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
    for (i, node) in graph.nodes.iter().enumerate() {
        let inputs = match node.op.input_names() {
            Some(names) => names
                .iter()
                .zip(&node.inputs)
                .map(|(n, op)| format!("{n}={}", operand(*op)))
                .collect::<Vec<_>>(),
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
        let mut args = inputs.join(" ");
        if let Some(extra) = parameters(node.op) {
            if !args.is_empty() {
                args.push(' ');
            }
            args.push_str(&extra);
        }
        let channels = if node.channels == 2 { "stereo" } else { "mono" };
        let kind = match node.op.kind() {
            NodeKind::Fed => "fed",
            NodeKind::Elementwise => "elementwise",
            NodeKind::Recurrence => "recurrence",
            NodeKind::Master => "master",
        };
        let state = node.op.state();
        if !state.is_empty() {
            if !args.is_empty() {
                args.push(' ');
            }
            args.push_str(&format!("[{state}]"));
        }
        let origin = node.span.map(|s| origin(source, s)).unwrap_or_default();
        let _ = writeln!(
            out,
            "{:>5}  {:<11} {:<44} {:<7} {:<12} {}",
            format!("#{i}"),
            node.op.name(),
            args,
            channels,
            kind,
            origin
        )
        .map(|_| ());
    }
    // Trailing spaces from empty origins are noise in diffs.
    out.lines()
        .map(|l| l.trim_end())
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
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
        Op::Noise { seed } | Op::Pink { seed } => Some(format!("seed={seed:#x}")),
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

/// `line:col  text` of a span, the text cut to one line of at most [`EXCERPT`] chars.
fn origin(source: &str, span: SrcSpan) -> String {
    let (line, col) = crate::diag::line_col(source, span.start);
    let text = source.get(span.start..span.end).unwrap_or("");
    let first = text.lines().next().unwrap_or("").trim();
    let mut excerpt: String = first.chars().take(EXCERPT).collect();
    if first.chars().count() > EXCERPT || text.trim().lines().count() > 1 {
        excerpt.push('…');
    }
    format!("{line}:{col}  {excerpt}")
}
