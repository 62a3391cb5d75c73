//! `phonon plot`: a piano roll of every output's events, like Strudel's pianoroll.
//!
//! x is time in cycles; pitched events sit on a row per semitone (highest at the
//! top), sample events on a row per sample name below them; each output has its own
//! colour. The events are the graph's own: each output's sounds and the patterns
//! that set its oscillators' pitch are queried as the runtime queries them
//! ([`crate::pattern::Pattern::query_checked_into`], under the same budget), and an
//! event's pitch is read as the runtime reads it ([`crate::voices::semitones`] for a
//! sound, [`crate::runtime::feed::signal_value`] for a stepped pattern).

use plotters::prelude::RGBColor;
use plotters::style::text_anchor::{HPos, VPos};

use super::{canvas, finish, label, line, rect, text_style};
use crate::ir::op::Inputs;
use crate::ir::{Graph, NodeId, Op, Operand};
use crate::pattern::value::{Control, Value};
use crate::runtime::feed::{event_controls, signal_value};
use crate::runtime::PatternFailure;
use crate::time::{Rational, Span};

/// The most cycles one plot covers.
pub const MAX_PLOT_CYCLES: i64 = 1_000;

/// The most events one plot draws.
pub const MAX_PLOT_EVENTS: usize = 1_000_000;

/// The pitch range drawn, in MIDI numbers (about 2 Hz to 100 kHz): a pitch beyond it
/// sits on the edge row.
pub const MIN_PITCH: f64 = -24.0;
pub const MAX_PITCH: f64 = 160.0;

/// Where an event sits: a pitch (MIDI number, `c4` = 60, fractions allowed) or a
/// sample's row.
#[derive(Clone, Debug, PartialEq)]
pub enum Lane {
    Pitch(f64),
    Sample(String),
}

/// One event of the roll, in cycles, cut to the plotted span.
#[derive(Clone, Debug, PartialEq)]
pub struct RollEvent {
    /// Index into [`Roll::outputs`].
    pub output: usize,
    pub begin: f64,
    pub end: f64,
    pub lane: Lane,
    /// Whether the event starts inside the span (an event that began before it has
    /// no onset mark).
    pub onset: bool,
}

/// The events of a patch over a span of cycles.
#[derive(Clone, Debug)]
pub struct Roll {
    pub outputs: Vec<String>,
    pub from: Rational,
    pub to: Rational,
    pub events: Vec<RollEvent>,
}

/// What one output plays that the roll shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    /// Sound `n`: its events' controls.
    Sound(usize),
    /// Pattern `n` feeding an `mtof`: its values are MIDI numbers.
    Midi(usize),
    /// Pattern `n` feeding a `freq` input: its values are Hz (notes as their Hz).
    Hz(usize),
}

/// The nodes `operand` depends on (itself included), by id.
fn reached(graph: &Graph, operand: Operand) -> Vec<bool> {
    let mut seen = vec![false; graph.nodes.len()];
    let mut stack = Vec::new();
    if let Operand::Node(id) = operand {
        stack.push(id);
    }
    while let Some(id) = stack.pop() {
        match seen.get_mut(id) {
            Some(s) if !*s => *s = true,
            _ => continue,
        }
        if let Some(node) = graph.nodes.get(id) {
            stack.extend(node.inputs.iter().filter_map(|i| match i {
                Operand::Node(n) => Some(*n),
                Operand::Const(_) => None,
            }));
        }
    }
    seen
}

/// The pattern a stepped node is fed by.
fn stepped(graph: &Graph, operand: Operand) -> Option<usize> {
    let Operand::Node(id) = operand else {
        return None;
    };
    match graph.nodes.get(id)?.op {
        Op::Stepped { pattern } => Some(pattern),
        _ => None,
    }
}

/// What output `operand` plays that has events: its sounds, and the patterns that
/// set a pitch (through `mtof`, or straight into a `freq` input).
fn sources(graph: &Graph, operand: Operand) -> Vec<Source> {
    let mut out = Vec::new();
    let mut add = |s: Source| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    for (id, _) in reached(graph, operand)
        .iter()
        .enumerate()
        .filter(|(_, r)| **r)
    {
        let node = &graph.nodes[id as NodeId];
        if let Op::Voices { sound } = node.op {
            add(Source::Sound(sound));
            continue;
        }
        if matches!(node.op, Op::Mtof) {
            if let Some(p) = node.inputs.first().and_then(|&i| stepped(graph, i)) {
                add(Source::Midi(p));
            }
            continue;
        }
        if let Inputs::Fixed(names) = node.op.spec().inputs {
            for (name, &input) in names.iter().zip(&node.inputs) {
                if *name == "freq" {
                    if let Some(p) = stepped(graph, input) {
                        add(Source::Hz(p));
                    }
                }
            }
        }
    }
    out
}

/// The lane of a sound's event: its pitch when it sets a `note`, else its sample's
/// row (`name`, or `name:n` for another variant). `None` for an event that plays
/// nothing (no `s`).
fn sound_lane(value: &Value) -> Option<Lane> {
    let controls = event_controls(value)?;
    let mut digits = [0u8; 32];
    let name = crate::voices::sound_name(&controls, &mut digits)?;
    if let Some(st) = crate::voices::semitones(&controls) {
        return Some(Lane::Pitch(60.0 + st)).filter(|_| st.is_finite());
    }
    match controls.get_f64(Control::N).filter(|n| n.is_finite() && *n != 0.0) {
        Some(n) => Some(Lane::Sample(format!("{name}:{}", super::tick_text(n)))),
        None => Some(Lane::Sample(name.to_string())),
    }
}

/// A MIDI number from a frequency in Hz.
fn ftom(hz: f64) -> Option<f64> {
    (hz > 0.0 && hz.is_finite()).then(|| 69.0 + 12.0 * (hz / 440.0).log2())
}

/// Queries every output of `graph` from `from` to `to` (cycles), one cycle at a
/// time. A pattern whose query fails (its work budget spent, exact time
/// overflowed), or more than [`MAX_PLOT_EVENTS`] events, is the error.
pub fn collect(graph: &Graph, from: Rational, to: Rational) -> Result<Roll, CollectError> {
    let span = Span::new(from, to);
    let mut roll = Roll {
        outputs: graph.outputs.iter().map(|(n, _)| n.clone()).collect(),
        from,
        to,
        events: Vec::new(),
    };
    let mut events = Vec::new();
    for (output, (_, operand)) in graph.outputs.iter().enumerate() {
        for source in sources(graph, *operand) {
            let (pattern, where_) = match source {
                Source::Sound(s) => match graph.sounds.get(s) {
                    Some(sound) => (&sound.pattern, sound.span),
                    None => continue,
                },
                Source::Midi(p) | Source::Hz(p) => match graph.patterns.get(p) {
                    Some(pat) => (&pat.pattern, pat.span),
                    None => continue,
                },
            };
            // Cycle by cycle, so that memory stays bounded by what is kept.
            for piece in span.cycles() {
            events.clear();
            pattern
                .query_checked_into(piece, &mut events)
                .map_err(|fault| {
                    CollectError::Pattern(PatternFailure {
                        span: where_,
                        fault,
                    })
                })?;
            for ev in &events {
                // Only events with a whole; each once, from the fragment where it
                // enters the span (a query cuts events at cycle boundaries).
                let Some(whole) = ev.whole else { continue };
                let enters = whole.begin.max(from);
                if ev.part.begin != enters {
                    continue;
                }
                let lane = match source {
                    Source::Sound(_) => sound_lane(&ev.value),
                    Source::Midi(_) => signal_value(&ev.value)
                        .map(f64::from)
                        .filter(|m| m.is_finite())
                        .map(Lane::Pitch),
                    Source::Hz(_) => signal_value(&ev.value)
                        .and_then(|hz| ftom(f64::from(hz)))
                        .map(Lane::Pitch),
                };
                let Some(lane) = lane else { continue };
                let lane = match lane {
                    Lane::Pitch(p) => Lane::Pitch(p.clamp(MIN_PITCH, MAX_PITCH)),
                    sample => sample,
                };
                if roll.events.len() >= MAX_PLOT_EVENTS {
                    return Err(CollectError::TooMany { span: where_ });
                }
                roll.events.push(RollEvent {
                    output,
                    begin: enters.to_f64(),
                    end: whole.end.min(to).to_f64(),
                    lane,
                    onset: whole.begin >= from,
                });
            }
            }
        }
    }
    Ok(roll)
}

/// Why a roll could not be collected.
#[derive(Clone, Debug)]
pub enum CollectError {
    /// A pattern's query failed (its work budget spent, exact time overflowed).
    Pattern(PatternFailure),
    /// More than [`MAX_PLOT_EVENTS`] events; `span` is the pattern that passed it.
    TooMany { span: Option<crate::diag::SrcSpan> },
}

/// What a row of the roll is.
#[derive(Clone, Debug, PartialEq)]
pub enum RowKind {
    /// The semitone of this MIDI number.
    Pitch(i64),
    Sample(String),
}

/// A row of the roll, from `top` to `bottom` in pixels (fractional).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub kind: RowKind,
    pub label: String,
    pub top: f64,
    pub bottom: f64,
}

/// Where everything goes in the picture: the plot area (pixels, `left..right` and
/// `top..bottom`), the span of cycles across it, and the rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: u32,
    pub height: u32,
    pub left: i32,
    pub right: i32,
    pub top: i32,
    pub bottom: i32,
    pub from: f64,
    pub to: f64,
    pub rows: Vec<Row>,
}

impl Layout {
    /// The x of time `cycle` (fractional pixels).
    pub fn x(&self, cycle: f64) -> f64 {
        let w = f64::from(self.right - self.left);
        f64::from(self.left) + (cycle - self.from) / (self.to - self.from) * w
    }

    /// The row of sample `name` (`bd`, `bd:3`).
    pub fn sample_row(&self, name: &str) -> Option<&Row> {
        self.rows
            .iter()
            .find(|r| matches!(&r.kind, RowKind::Sample(n) if n == name))
    }

    /// The y of the centre of pitch `midi` (fractional pixels), when the roll has
    /// pitch rows.
    pub fn pitch_y(&self, midi: f64) -> Option<f64> {
        let first = self.rows.first()?;
        let RowKind::Pitch(high) = first.kind else {
            return None;
        };
        let h = first.bottom - first.top;
        Some(first.top + h * (high as f64 - midi) + h / 2.0)
    }
}

/// Note name of a MIDI number, `c4` = 60 (the language's names).
fn note_name(m: i64) -> String {
    const NAMES: [&str; 12] = [
        "c", "c#", "d", "d#", "e", "f", "f#", "g", "g#", "a", "a#", "b",
    ];
    format!("{}{}", NAMES[m.rem_euclid(12) as usize], m.div_euclid(12) - 1)
}

/// The rows a roll needs, top to bottom: every semitone from its highest pitch down
/// to its lowest, then its samples by name.
fn row_kinds(roll: &Roll) -> Vec<RowKind> {
    let pitches = roll.events.iter().filter_map(|e| match e.lane {
        Lane::Pitch(p) => Some(p.round() as i64),
        Lane::Sample(_) => None,
    });
    let (lo, hi) = pitches.fold((i64::MAX, i64::MIN), |(lo, hi), p| (lo.min(p), hi.max(p)));
    let mut kinds: Vec<RowKind> = if lo <= hi {
        (lo..=hi).rev().map(RowKind::Pitch).collect()
    } else {
        Vec::new()
    };
    let mut names: Vec<&str> = roll
        .events
        .iter()
        .filter_map(|e| match &e.lane {
            Lane::Sample(n) => Some(n.as_str()),
            Lane::Pitch(_) => None,
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    kinds.extend(names.into_iter().map(|n| RowKind::Sample(n.to_string())));
    kinds
}

/// Size of the labels' text, in pixels.
const TEXT: u32 = 13;
/// Room above the plot area (the legend) and below it (the cycle labels).
const TOP: i32 = 34;
const BOTTOM: i32 = 30;

/// The layout of `roll` in a picture of `width` x `height` pixels.
pub fn layout(roll: &Roll, width: u32, height: u32) -> Layout {
    let kinds = row_kinds(roll);
    let labels: Vec<String> = kinds
        .iter()
        .map(|k| match k {
            RowKind::Pitch(m) => note_name(*m),
            RowKind::Sample(n) => n.clone(),
        })
        .collect();
    // Room for the longest label (about 0.6 of the text size per character).
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let left = (longest as i32 * 8 + 16).clamp(48, width as i32 / 3);
    let right = width as i32 - 16;
    let top = TOP;
    let bottom = height as i32 - BOTTOM;
    let h = f64::from(bottom - top) / kinds.len().max(1) as f64;
    let rows = kinds
        .into_iter()
        .zip(labels)
        .enumerate()
        .map(|(i, (kind, label))| Row {
            kind,
            label,
            top: f64::from(top) + h * i as f64,
            bottom: f64::from(top) + h * (i + 1) as f64,
        })
        .collect();
    Layout {
        width,
        height,
        left,
        right,
        top,
        bottom,
        from: roll.from.to_f64(),
        to: roll.to.to_f64(),
        rows,
    }
}

/// The colour of output `k`: one of ten well-separated saturated colours.
pub fn output_colour(k: usize) -> RGBColor {
    const PALETTE: [(u8, u8, u8); 10] = [
        (31, 119, 180),
        (214, 39, 40),
        (44, 160, 44),
        (255, 127, 14),
        (148, 103, 189),
        (23, 190, 207),
        (227, 119, 194),
        (188, 189, 34),
        (140, 86, 75),
        (0, 0, 200),
    ];
    let (r, g, b) = PALETTE[k % PALETTE.len()];
    RGBColor(r, g, b)
}

fn darker(c: RGBColor) -> RGBColor {
    RGBColor(
        (f64::from(c.0) * 0.6) as u8,
        (f64::from(c.1) * 0.6) as u8,
        (f64::from(c.2) * 0.6) as u8,
    )
}

const GRID: RGBColor = RGBColor(200, 200, 200);
const GRID_FINE: RGBColor = RGBColor(232, 232, 232);
const SHADE: RGBColor = RGBColor(243, 243, 243);
const INK: RGBColor = RGBColor(40, 40, 40);

/// The steps between time lines, in cycles: a power of two (1/16 up) giving at
/// most `most` lines.
fn cycle_step(span: f64, most: f64) -> f64 {
    let mut step = 1.0 / 16.0;
    while span / step > most {
        step *= 2.0;
    }
    step
}

/// Draws `roll` into a PNG file at `path`, `width` x `height` pixels.
pub fn draw(roll: &Roll, path: &std::path::Path, width: u32, height: u32) -> Result<(), String> {
    let lay = layout(roll, width, height);
    let area = canvas(path, width, height)?;
    let (left, right, top, bottom) = (lay.left, lay.right, lay.top, lay.bottom);
    let px = |y: f64| y.round() as i32;

    // Row backgrounds: the black keys and every other sample row shaded.
    for (i, row) in lay.rows.iter().enumerate() {
        let shaded = match row.kind {
            RowKind::Pitch(m) => matches!(m.rem_euclid(12), 1 | 3 | 6 | 8 | 10),
            RowKind::Sample(_) => i % 2 == 1,
        };
        if shaded && px(row.bottom) > px(row.top) {
            rect(&area, (left, px(row.top)), (right, px(row.bottom) - 1), SHADE)?;
        }
    }

    // Time lines: whole cycles darker, subdivisions lighter.
    let span = lay.to - lay.from;
    let plot_w = f64::from(right - left);
    let label_step = cycle_step(span, plot_w / 60.0).max(if span > 2.0 { 1.0 } else { 0.0 });
    let fine_step = cycle_step(span, plot_w / 12.0);
    let ticks = |step: f64| {
        let first = (lay.from / step).ceil() as i64;
        let last = (lay.to / step).floor() as i64;
        (first..=last).map(move |k| k as f64 * step)
    };
    for t in ticks(fine_step) {
        let x = px(lay.x(t));
        let colour = if t.fract() == 0.0 { GRID } else { GRID_FINE };
        line(&area, (x, top), (x, bottom), colour)?;
    }
    let under = text_style(TEXT, INK, HPos::Center, VPos::Top);
    for t in ticks(label_step) {
        let x = px(lay.x(t));
        line(&area, (x, bottom), (x, bottom + 4), INK)?;
        label(&area, &super::tick_text(t), (x, bottom + 7), &under)?;
    }

    // Row labels, skipping those that would overlap the one above.
    let side = text_style(TEXT, INK, HPos::Right, VPos::Center);
    let mut last_label = f64::NEG_INFINITY;
    let pitch_rows = lay
        .rows
        .iter()
        .filter(|r| matches!(r.kind, RowKind::Pitch(_)))
        .count();
    for row in &lay.rows {
        let y = (row.top + row.bottom) / 2.0;
        let wanted = match row.kind {
            // With many semitones, only the Cs.
            RowKind::Pitch(m) => {
                pitch_rows * (TEXT as usize + 2) <= (bottom - top) as usize || m.rem_euclid(12) == 0
            }
            RowKind::Sample(_) => true,
        };
        if wanted && y - last_label >= f64::from(TEXT) {
            label(&area, &row.label, (left - 6, px(y)), &side)?;
            last_label = y;
        }
    }
    // The line between the pitch rows and the sample rows.
    if pitch_rows > 0 && pitch_rows < lay.rows.len() {
        let y = px(lay.rows[pitch_rows].top);
        line(&area, (left, y), (right, y), INK)?;
    }

    // The events, each output in its colour; an onset gets a darker edge.
    for ev in &roll.events {
        let (y0, y1) = match &ev.lane {
            Lane::Pitch(p) => match lay.pitch_y(*p) {
                Some(c) => {
                    let h = lay.rows.first().map_or(1.0, |r| r.bottom - r.top);
                    (c - h / 2.0, c + h / 2.0)
                }
                None => continue,
            },
            Lane::Sample(name) => match lay.sample_row(name) {
                Some(row) => (row.top, row.bottom),
                None => continue,
            },
        };
        let gap = if y1 - y0 >= 6.0 { 1 } else { 0 };
        let (ya, yb) = (px(y0) + gap, px(y1) - 1 - gap);
        let xa = px(lay.x(ev.begin)).max(left);
        let xb = (px(lay.x(ev.end)) - 1).min(right);
        if xb < xa || yb < ya {
            continue;
        }
        let colour = output_colour(ev.output);
        rect(&area, (xa, ya), (xb, yb), colour)?;
        if ev.onset && xb > xa {
            rect(&area, (xa, ya), (xa + 1, yb), darker(colour))?;
        }
    }

    // The frame of the plot area.
    line(&area, (left, top), (right, top), INK)?;
    line(&area, (left, bottom), (right, bottom), INK)?;
    line(&area, (left, top), (left, bottom), INK)?;
    line(&area, (right, top), (right, bottom), INK)?;

    // The legend: one swatch and name per output; the span on the right.
    let legend = text_style(TEXT, INK, HPos::Left, VPos::Center);
    let mut x = left;
    let y = TOP / 2;
    for (k, name) in roll.outputs.iter().enumerate() {
        rect(&area, (x, y - 5), (x + 10, y + 5), output_colour(k))?;
        label(&area, name, (x + 15, y), &legend)?;
        x += 15 + 8 * name.chars().count() as i32 + 20;
    }
    let cycles = format!(
        "cycles {} to {}",
        super::tick_text(lay.from),
        super::tick_text(lay.to)
    );
    let span_text = if roll.events.is_empty() {
        format!("no events, {cycles}")
    } else {
        cycles
    };
    let at_right = text_style(TEXT, INK, HPos::Right, VPos::Center);
    label(&area, &span_text, (right, y), &at_right)?;
    finish(area)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_names_follow_the_language() {
        assert_eq!(note_name(60), "c4");
        assert_eq!(note_name(69), "a4");
        assert_eq!(note_name(59), "b3");
        assert_eq!(note_name(0), "c-1");
        assert_eq!(note_name(-1), "b-2");
    }

    #[test]
    fn ftom_inverts_mtof() {
        assert_eq!(ftom(440.0), Some(69.0));
        assert!((ftom(261.625_565_3).unwrap_or(0.0) - 60.0).abs() < 1e-6);
        assert_eq!(ftom(0.0), None);
    }
}
