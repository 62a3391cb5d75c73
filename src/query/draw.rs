//! `phonon query --draw`: events as a text grid, one row per distinct value, in the
//! manner of Tidal's `drawLine`.
//!
//! Each cycle is a run of cells at the finest step its events need (the least common
//! multiple of the denominators of their beginnings and ends within the cycle),
//! cycles are separated by `|`. In a value's row, the cell where one of its events
//! begins holds the value's first character, the cells it goes on through hold `-`,
//! and the others `.`. A row begins with the value itself. Continuous events (no
//! whole) have no cells and are left out.

use crate::pattern::value::Value;
use crate::pattern::Event;
use crate::time::{overflow_guard, Rational, Span};

/// The most cycles a grid shows.
pub const MAX_DRAW_CYCLES: i64 = 64;

/// The most cells one cycle of a grid has.
pub const MAX_DRAW_STEPS: i64 = 256;

/// The grid of `events` from `from` to `to`, one line per distinct value in order of
/// first onset, each ended by a newline; or why it cannot be drawn.
pub fn draw(events: &[Event<Value>], from: Rational, to: Rational) -> Result<String, String> {
    overflow_guard(|| draw_inner(events, from, to))
        .map_err(|_| "the event times are too large to draw".to_string())?
}

fn draw_inner(events: &[Event<Value>], from: Rational, to: Rational) -> Result<String, String> {
    let first = from.floor_int();
    let last = to.ceil().floor_int().max(first + 1);
    if last - first > MAX_DRAW_CYCLES {
        return Err(format!(
            "a drawing shows at most {MAX_DRAW_CYCLES} cycles; this query spans {} (query a shorter span with --from, --to)",
            last - first
        ));
    }
    let timed: Vec<(Span, String)> = events
        .iter()
        .filter_map(|e| e.whole.map(|w| (w, e.value.to_string())))
        .collect();
    let mut values: Vec<&str> = Vec::new();
    for (_, v) in &timed {
        if !values.contains(&v.as_str()) {
            values.push(v);
        }
    }
    let mut rows: Vec<String> = vec![String::new(); values.len()];
    for cycle in first..last {
        let start = Rational::from_int(cycle);
        let end = Rational::from_int(cycle + 1);
        let cycle_span = Span::new(start, end);
        let in_cycle: Vec<(Span, usize)> = timed
            .iter()
            .filter(|(w, _)| w.begin < end && w.end > start || (w.begin == w.end && w.begin >= start && w.begin < end))
            .map(|(w, v)| {
                let row = values.iter().position(|x| x == v).unwrap_or(0);
                (*w, row)
            })
            .collect();
        let mut steps: i64 = 1;
        for (w, _) in &in_cycle {
            let clipped = if w.begin == w.end { *w } else { w.sect(cycle_span) };
            for t in [clipped.begin - start, clipped.end - start] {
                steps = lcm(steps, t.denom());
                if steps > MAX_DRAW_STEPS {
                    return Err(format!(
                        "cycle {cycle} needs more than {MAX_DRAW_STEPS} cells to draw its events exactly"
                    ));
                }
            }
        }
        let steps_r = Rational::from_int(steps);
        let mut cells = vec![vec!['.'; steps as usize]; values.len()];
        for (w, row) in &in_cycle {
            let onset_char = values[*row].chars().next().unwrap_or('x');
            let b = ((w.begin.max(start) - start) * steps_r).floor_int();
            let e = ((w.end.min(end) - start) * steps_r).floor_int().max(b + 1);
            for i in b..e.min(steps) {
                let cell = &mut cells[*row][i as usize];
                if i == b && w.begin >= start {
                    *cell = onset_char;
                } else if *cell == '.' {
                    *cell = '-';
                }
            }
        }
        for (row, line) in cells.into_iter().zip(rows.iter_mut()) {
            line.push('|');
            line.extend(row);
        }
    }
    let width = values.iter().map(|v| v.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for (value, row) in values.iter().zip(rows) {
        let pad = width - value.chars().count();
        out.push_str(value);
        out.extend(std::iter::repeat_n(' ', pad + 1));
        out.push_str(&row);
        out.push_str("|\n");
    }
    Ok(out)
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 {
        a.abs()
    } else {
        gcd(b, a % b)
    }
}

fn lcm(a: i64, b: i64) -> i64 {
    let g = gcd(a, b).max(1);
    (a / g).saturating_mul(b)
}
