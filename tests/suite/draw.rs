//! `phonon query --draw`: grids worked out by hand.

use phonon::query::draw::draw;
use phonon::query_expression;
use phonon::time::r;

fn grid(expr: &str, from: (i64, i64), to: (i64, i64)) -> String {
    let (f, t) = (r(from.0, from.1), r(to.0, to.1));
    let result = query_expression(expr, f, t)
        .map_err(|e| e.render(expr))
        .unwrap();
    draw(&result.events, f, t).unwrap()
}

#[test]
fn two_values_in_halves() {
    assert_eq!(grid("\"bd sn\"", (0, 1), (1, 1)), "bd |b.|\nsn |.s|\n");
}

#[test]
fn finest_step_and_rest() {
    // bd at 0-1/4, 1/4-1/2; rest 1/2-1; cells of 1/4.
    assert_eq!(grid("\"[bd bd] ~\"", (0, 1), (1, 1)), "bd |bb..|\n");
}

#[test]
fn continuation_and_cycles() {
    // "bd@3 sn": bd 0-3/4, sn 3/4-1, each cycle the same.
    assert_eq!(
        grid("\"bd@3 sn\"", (0, 1), (2, 1)),
        "bd |b--.|b--.|\nsn |...s|...s|\n"
    );
}

#[test]
fn alternation_per_cycle() {
    assert_eq!(grid("\"<bd sn>\"", (0, 1), (2, 1)), "bd |b|.|\nsn |.|s|\n");
}
