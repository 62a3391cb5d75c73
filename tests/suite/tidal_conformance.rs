//! End-to-end checks through the language and `phonon query`'s JSON: Tidal's
//! behaviour where Tidal and its JavaScript port (Strudel) differ, as LANGUAGE.md
//! lists, and the JSON line format. Expected events are worked out by hand from
//! Tidal 1.9's definitions (shown in the comments).

use crate::common::json::{ev, events, whole};
use phonon::time::{r, Rational};

#[test]
fn euclid_rotation_goes_left_as_in_tidal() {
    // bjorklund (3,8) = x..x..x. ; the third argument rotates LEFT by 2: .x..x.x.
    // (Strudel rotates the other way.) Onsets at steps 1, 4 and 6.
    assert_eq!(
        events("\"a(3,8,2)\"", r(0, 1), r(1, 1)),
        vec![
            whole("1/8", "1/4", "\"a\""),
            whole("1/2", "5/8", "\"a\""),
            whole("3/4", "7/8", "\"a\""),
        ]
    );
    // The transform form rotates the same way.
    assert_eq!(
        events("\"a\" $ euclidOff 3 8 2", r(0, 1), r(1, 1)),
        events("\"a(3,8,2)\"", r(0, 1), r(1, 1))
    );
}

#[test]
fn palindrome_on_alternations_follows_tidal() {
    // Tidal: palindrome p = slowAppend p (rev p), a `cat` in which each pattern
    // keeps its own cycle count: cycle 0 plays p's cycle 0, cycle 1 rev p's cycle 0,
    // cycle 2 p's cycle 1, cycle 3 rev p's cycle 1. (Strudel reverses every other
    // absolute cycle instead, which would play `d c` in cycle 1.)
    let got = events("\"<[a b] [c d]>\" $ palindrome", r(0, 1), r(4, 1));
    let values: Vec<&str> = got
        .iter()
        .map(|l| &l[l.find("\"value\":").map_or(0, |i| i + 8)..l.len() - 1])
        .collect();
    assert_eq!(
        values,
        vec!["\"a\"", "\"b\"", "\"b\"", "\"a\"", "\"c\"", "\"d\"", "\"d\"", "\"c\""]
    );
}

#[test]
fn swing_by_is_inside_within_half_as_in_tidal() {
    // swingBy x n = inside n (within (0.5, 1) (x ~>)). For "a b c d", x = 1/3, n = 2:
    // slow 2 gives a [0,1/2) b [1/2,1) c [1,3/2) d [3/2,2); shifted by 1/3 and kept
    // where the (shifted) onset is in the second half of a cycle: b [5/6,4/3),
    // d [11/6,7/3) and the previous d [-1/6,1/3); unshifted and kept where the onset is
    // in the first half: a [0,1/2), c [1,3/2). `~>` is `tParam rotR`, and Tidal
    // 1.9.10's `tParam f (pure a) p = f a p` applies the constant 1/3 directly, with no
    // inner join: b is NOT cut at the cycle boundary 1 (before 1.9.10 it was, in two
    // fragments [5/12,1/2) and [1/2,2/3)). `inside` is a written-out `innerJoin` in
    // Tidal, so the query's own cycle [0,1) still cuts the last d. Then fast 2 halves
    // every time.
    assert_eq!(
        events("\"a b c d\" $ swingBy (1/3) 2", r(0, 1), r(1, 1)),
        vec![
            ev(("-1/12", "1/6"), ("0/1", "1/6"), "\"d\""),
            whole("0/1", "1/4", "\"a\""),
            whole("5/12", "2/3", "\"b\""),
            whole("1/2", "3/4", "\"c\""),
            ev(("11/12", "7/6"), ("11/12", "1/1"), "\"d\""),
        ]
    );
}

/// Tidal's timeToRand, written out again from its definition for the test.
fn time_to_rand(t: f64) -> f64 {
    let x = t / 300.0;
    let seed = ((x - x.trunc()) * 536_870_912.0).trunc() as i64;
    let a = (seed << 13) ^ seed;
    let b = (a >> 17) ^ a;
    let c = (b << 5) ^ b;
    c.rem_euclid(536_870_912) as f64 / 536_870_912.0
}

#[test]
fn random_values_are_sampled_over_the_whole_as_in_tidal() {
    // degradeBy 0.5 keeps an event when rand, sampled over the event's whole (its
    // midpoint), is above 0.5 (Tidal's `p <* rand`; Strudel samples at the onset).
    for cycle in 0..4 {
        let mut expected = Vec::new();
        for i in 0..8 {
            let b = cycle * 8 + i;
            let mid = (2 * b + 1) as f64 / 16.0;
            if time_to_rand(mid) > 0.5 {
                let begin = r(b, 8);
                let end = r(b + 1, 8);
                expected.push(whole(&begin.to_string(), &end.to_string(), "\"a\""));
            }
        }
        let got = events("\"a*8\" $ degradeBy 0.5", r(cycle, 1), r(cycle + 1, 1));
        assert_eq!(got, expected, "cycle {cycle}");
    }
    // The mini-notation's `?` uses seed 0 (no shift) for its first use.
    assert_eq!(
        events("\"a*8?\"", r(0, 1), r(2, 1)),
        events("\"a*8\" $ degradeBy 0.5", r(0, 1), r(2, 1))
    );
}

#[test]
fn stut_gains_follow_the_port_rule() {
    // Copy i is shifted by i * time and its gain multiplied by feedback^i. Events are
    // sorted by part begin, then part end.
    assert_eq!(
        events("s \"bd\" $ stut 3 0.5 0.25", r(0, 1), r(1, 1)),
        vec![
            ev(
                ("-3/4", "1/4"),
                ("0/1", "1/4"),
                "{\"s\":\"bd\",\"gain\":0.5}"
            ),
            ev(
                ("-1/2", "1/2"),
                ("0/1", "1/2"),
                "{\"s\":\"bd\",\"gain\":0.25}"
            ),
            whole("0/1", "1/1", "{\"s\":\"bd\"}"),
            ev(
                ("1/4", "5/4"),
                ("1/4", "1/1"),
                "{\"s\":\"bd\",\"gain\":0.5}"
            ),
            ev(
                ("1/2", "3/2"),
                ("1/2", "1/1"),
                "{\"s\":\"bd\",\"gain\":0.25}"
            ),
        ]
    );
}

#[test]
fn json_lines_show_controls_in_order_and_exact_times() {
    assert_eq!(
        events("s \"bd:3\" # gain 0.5 # pan 0", r(0, 1), r(1, 1)),
        vec![whole(
            "0/1",
            "1/1",
            "{\"s\":\"bd\",\"n\":3,\"gain\":0.5,\"pan\":0}"
        )]
    );
    // A continuous value has no whole.
    let rand = events("rand", r(0, 1), r(1, 2));
    assert_eq!(rand.len(), 1);
    assert!(rand[0].starts_with("{\"whole\":null,\"part\":[\"0/1\",\"1/2\"],\"value\":"));
    // Exact thirds from a constant fraction.
    assert_eq!(
        events("\"a\" $ rotR (1/3)", r(0, 1), r(1, 1)),
        vec![
            ev(("-2/3", "1/3"), ("0/1", "1/3"), "\"a\""),
            ev(("1/3", "4/3"), ("1/3", "1/1"), "\"a\""),
        ]
    );
    // A sampled signal control shows its source.
    assert_eq!(
        events("s \"bd\" # pan (sine 0.25)", r(0, 1), r(1, 1)),
        vec![whole(
            "0/1",
            "1/1",
            "{\"s\":\"bd\",\"pan\":{\"signal\":\"sine 0.25\"}}"
        )]
    );
}

#[test]
fn dollar_reads_the_same_from_both_ends() {
    let a = events("\"a b c\" $ fast 2 $ every 3 rev", r(0, 1), r(3, 1));
    let b = events("fast 2 $ every 3 rev $ \"a b c\"", r(0, 1), r(3, 1));
    assert_eq!(a, b);
    // fast 2 (every 3 rev p): cycle 0 plays p's cycles 0 (reversed) and 1.
    let first: Vec<String> = a.into_iter().take(6).collect();
    assert_eq!(
        first,
        vec![
            whole("0/1", "1/6", "\"c\""),
            whole("1/6", "1/3", "\"b\""),
            whole("1/3", "1/2", "\"a\""),
            whole("1/2", "2/3", "\"a\""),
            whole("2/3", "5/6", "\"b\""),
            whole("5/6", "1/1", "\"c\""),
        ]
    );
}

#[test]
fn pattern_arithmetic_and_structure_operators() {
    // `+` takes structure from both sides, `|+` from the left, `+|` from the right.
    assert_eq!(
        events("\"1 2\" + \"10 20 30\"", r(0, 1), r(1, 1)),
        vec![
            whole("0/1", "1/3", "11"),
            whole("1/3", "1/2", "21"),
            whole("1/2", "2/3", "22"),
            whole("2/3", "1/1", "32"),
        ]
    );
    assert_eq!(
        events("\"1 2\" |+ \"10 20 30\"", r(0, 1), r(1, 1)),
        vec![
            ev(("0/1", "1/2"), ("0/1", "1/3"), "11"),
            ev(("0/1", "1/2"), ("1/3", "1/2"), "21"),
            ev(("1/2", "1/1"), ("1/2", "2/3"), "22"),
            ev(("1/2", "1/1"), ("2/3", "1/1"), "32"),
        ]
    );
    assert_eq!(
        events("s \"bd sn\" # n 1 |+ n \"<12 24>\"", r(1, 1), r(2, 1)),
        vec![
            whole("1/1", "3/2", "{\"s\":\"bd\",\"n\":25}"),
            whole("3/2", "2/1", "{\"s\":\"sn\",\"n\":25}"),
        ]
    );
    // Note names are MIDI numbers in numeric contexts: c4 + 12 = c5.
    assert_eq!(
        events("\"c4 e4\" + 12", r(0, 1), r(1, 1)),
        vec![whole("0/1", "1/2", "\"c5\""), whole("1/2", "1/1", "\"e5\"")]
    );
}

// ---- precedence: `$` loosest, then `#` with the structure operators ----------------

#[test]
fn dollar_is_looser_than_hash_as_in_tidal() {
    // Tidal: infixr 0 $, infixl 1 #: `rev $ (s "a b" # n "1 2")`. The controls are
    // set first (a n1 [0,1/2), b n2 [1/2,1)), then the cycle is reversed: b n2 on
    // [0,1/2), a n1 on [1/2,1).
    assert_eq!(
        events("rev $ s \"a b\" # n \"1 2\"", r(0, 1), r(1, 1)),
        vec![
            whole("0/1", "1/2", "{\"s\":\"b\",\"n\":2}"),
            whole("1/2", "1/1", "{\"s\":\"a\",\"n\":1}"),
        ]
    );
}

#[test]
fn structure_operators_share_the_hash_level() {
    // `(n "0 1" # s "x") |+ n 12`: structure from the left, n + 12 on each event.
    assert_eq!(
        events("n \"0 1\" # s \"x\" |+ n 12", r(0, 1), r(1, 1)),
        vec![
            whole("0/1", "1/2", "{\"s\":\"x\",\"n\":12}"),
            whole("1/2", "1/1", "{\"s\":\"x\",\"n\":13}"),
        ]
    );
    // Left-associative through a chain: `((n "0 1" # s "x") # speed 2) |* speed "1 3"`:
    // speed 2·1 on the first half, 2·3 on the second.
    assert_eq!(
        events(
            "n \"0 1\" # s \"x\" |+ n 12 # speed 2 |* speed \"1 3\"",
            r(0, 1),
            r(1, 1)
        ),
        vec![
            whole("0/1", "1/2", "{\"s\":\"x\",\"n\":12,\"speed\":2}"),
            whole("1/2", "1/1", "{\"s\":\"x\",\"n\":13,\"speed\":6}"),
        ]
    );
}

#[test]
fn every_with_a_section_over_a_hash_chain() {
    // `every 2 (# speed 2) $ (s "bd*4" # speed 1)`: every n f = when ((== 0) . (`mod`
    // n)) f, so cycle 0 gets speed 2 on all four events and cycle 1 keeps speed 1.
    let mut want = Vec::new();
    for (cycle, speed) in [(0, 2), (1, 1)] {
        for i in 0..4 {
            let b = Rational::from_int(cycle) + r(i, 4);
            let e = b + r(1, 4);
            want.push(whole(
                &b.to_string(),
                &e.to_string(),
                &format!("{{\"s\":\"bd\",\"speed\":{speed}}}"),
            ));
        }
    }
    assert_eq!(
        events(
            "every 2 (# speed 2) $ s \"bd*4\" # speed 1",
            r(0, 1),
            r(2, 1)
        ),
        want
    );
}

#[test]
fn hurry_applies_to_the_whole_hash_chain() {
    // hurry r p = fast r p |* speed (pure r): `hurry 2 $ (s "a" # speed 1.5)` plays a
    // twice per cycle at speed 3.
    assert_eq!(
        events("hurry 2 $ s \"a\" # speed 1.5", r(0, 1), r(1, 1)),
        vec![
            whole("0/1", "1/2", "{\"s\":\"a\",\"speed\":3}"),
            whole("1/2", "1/1", "{\"s\":\"a\",\"speed\":3}"),
        ]
    );
}

#[test]
fn a_hash_with_a_function_on_its_left_composes() {
    // `fast 2 # speed 2` is `x -> fast 2 x # speed 2`; under `every 2` it applies in
    // cycle 0 only: a b a b at speed 2 in quarters, then a b at speed 1 in halves.
    assert_eq!(
        events(
            "every 2 (fast 2 # speed 2) $ s \"a b\" # speed 1",
            r(0, 1),
            r(2, 1)
        ),
        vec![
            whole("0/1", "1/4", "{\"s\":\"a\",\"speed\":2}"),
            whole("1/4", "1/2", "{\"s\":\"b\",\"speed\":2}"),
            whole("1/2", "3/4", "{\"s\":\"a\",\"speed\":2}"),
            whole("3/4", "1/1", "{\"s\":\"b\",\"speed\":2}"),
            whole("1/1", "3/2", "{\"s\":\"a\",\"speed\":1}"),
            whole("3/2", "2/1", "{\"s\":\"b\",\"speed\":1}"),
        ]
    );
    // The earlier engine's reversed `$` still filters the sped-up pattern.
    assert_eq!(
        events("s \"a\" $ fast 2 # gain 0.5", r(0, 1), r(1, 1)),
        vec![
            whole("0/1", "1/2", "{\"s\":\"a\",\"gain\":0.5}"),
            whole("1/2", "1/1", "{\"s\":\"a\",\"gain\":0.5}"),
        ]
    );
}

// ---- `.` composition, `id`, `const`, `silence` -------------------------------------

#[test]
fn composition_applies_the_right_function_first() {
    // every 2 (fast 2 . rev): cycle 0 is fast 2 (rev "a b") = b a b a in quarters;
    // cycle 1 plays a b.
    let q = |b: &str, e: &str, v: &str| whole(b, e, &format!("{{\"s\":\"{v}\"}}"));
    assert_eq!(
        events("every 2 (fast 2 . rev) $ s \"a b\"", r(0, 1), r(2, 1)),
        vec![
            q("0/1", "1/4", "b"),
            q("1/4", "1/2", "a"),
            q("1/2", "3/4", "b"),
            q("3/4", "1/1", "a"),
            q("1/1", "3/2", "a"),
            q("3/2", "2/1", "b"),
        ]
    );
    // Right-associative, with a section: rev (fast 2 (0.25 <~ "a b")). 0.25 <~ gives
    // a [-1/4,1/4) b [1/4,3/4) a [3/4,5/4); fast 2 halves: a [-1/8,1/8) b [1/8,3/8)
    // a [3/8,5/8) b [5/8,7/8) a [7/8,9/8); rev reflects each within cycle 0 (t -> 1-t),
    // the two outer a's keeping the fragment inside [0,1).
    assert_eq!(
        events("rev . fast 2 . (0.25 <~) $ \"a b\"", r(0, 1), r(1, 1)),
        vec![
            ev(("-1/8", "1/8"), ("0/1", "1/8"), "\"a\""),
            whole("1/8", "3/8", "\"b\""),
            whole("3/8", "5/8", "\"a\""),
            whole("5/8", "7/8", "\"b\""),
            ev(("7/8", "9/8"), ("7/8", "1/1"), "\"a\""),
        ]
    );
    // The same as writing the applications out.
    assert_eq!(
        events("(rev . (# speed 2)) $ s \"a b\"", r(0, 1), r(1, 1)),
        events("rev $ s \"a b\" # speed 2", r(0, 1), r(1, 1))
    );
}

#[test]
fn id_const_and_silence_are_tidals() {
    assert_eq!(
        events("id $ s \"a b\"", r(0, 1), r(1, 1)),
        events("s \"a b\"", r(0, 1), r(1, 1))
    );
    // const p _ = p: every 2 (const "c d") replaces cycle 0 only.
    assert_eq!(
        events("every 2 (const \"c d\") $ \"a\"", r(0, 1), r(2, 1)),
        vec![
            whole("0/1", "1/2", "\"c\""),
            whole("1/2", "1/1", "\"d\""),
            whole("1/1", "2/1", "\"a\""),
        ]
    );
    assert_eq!(
        events("every 2 (const silence) $ \"a\"", r(0, 1), r(2, 1)),
        vec![whole("1/1", "2/1", "\"a\"")]
    );
    assert!(events("silence", r(0, 1), r(4, 1)).is_empty());
}

// ---- Tidal's own lines paste into a patch -------------------------------------------

#[test]
fn a_block_of_tidal_code_is_a_patch() {
    // As Tidal users write it: `setcps`, `dN $ ...`, composition, `#` chains.
    let lines = [
        "d1 $ every 2 (fast 2 . rev) $ n \"0 .. 7\" # s \"superpiano\" |+ n 12",
        "d2 $ s \"bd*2 [~ bd] sn\" # gain 0.9",
        "d3 $ sometimesBy 0.3 (# speed 2) $ s \"hh*8\" # pan \"0 1\"",
    ];
    let patch = format!("setcps 0.25\n{}\n", lines.join("\n"));
    let parsed = phonon::syntax::parse_lines(&patch);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let checked = phonon::check::check_program(&parsed.program);
    assert!(
        checked.diagnostics.is_empty(),
        "{}",
        phonon::diag::render("t.ph", &patch, &checked.diagnostics)
    );
    assert_eq!(checked.outputs.len(), 3);
    use phonon::syntax::ast::{StatementKind, TempoUnit};
    match &parsed.program.statements[0].kind {
        StatementKind::Tempo {
            unit: TempoUnit::Cps,
            value,
        } => assert!(
            matches!(value.kind, phonon::syntax::ast::ExprKind::Number { value, .. } if value == 0.25)
        ),
        other => panic!("{other:?}"),
    }
    // d1's events: every 2 (fast 2 . rev) $ ((n "0 .. 7" # s "superpiano") |+ n 12).
    // Cycle 0 is fast 2 (rev ...): n 19 down to 12, twice, each 1/16 long; cycle 1
    // plays 12 up to 19, each 1/8 long.
    let d1 = lines[0].trim_start_matches("d1 $ ");
    let mut want = Vec::new();
    for k in 0..16 {
        let n = 19 - (k % 8);
        want.push(whole(
            &Rational::new(k, 16).to_string(),
            &Rational::new(k + 1, 16).to_string(),
            &format!("{{\"s\":\"superpiano\",\"n\":{n}}}"),
        ));
    }
    for k in 0..8 {
        want.push(whole(
            &(Rational::from_int(1) + Rational::new(k, 8)).to_string(),
            &(Rational::from_int(1) + Rational::new(k + 1, 8)).to_string(),
            &format!("{{\"s\":\"superpiano\",\"n\":{}}}", 12 + k),
        ));
    }
    assert_eq!(events(d1, r(0, 1), r(2, 1)), want);
    // d2: "bd*2 [~ bd] sn" is three steps of 1/3: two bd in the first (1/6 each), a
    // bd in the second half of the second, sn in the third.
    let d2 = lines[1].trim_start_matches("d2 $ ");
    let g = |s: &str| format!("{{\"s\":\"{s}\",\"gain\":0.9}}");
    assert_eq!(
        events(d2, r(0, 1), r(1, 1)),
        vec![
            whole("0/1", "1/6", &g("bd")),
            whole("1/6", "1/3", &g("bd")),
            whole("1/2", "2/3", &g("bd")),
            whole("2/3", "1/1", &g("sn")),
        ]
    );
}
