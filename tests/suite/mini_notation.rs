//! Mini-notation, feature by feature, against events worked out by hand from Tidal
//! 1.9's definitions (Sound.Tidal.ParseBP and the functions it builds patterns with).

use phonon::mini::{parse, MiniError};
use phonon::pattern::value::Value;
use phonon::time::{r, Rational, Span};
use proptest::prelude::*;

type Ev = (Option<Span>, Span, Value);

fn sp(b: (i64, i64), e: (i64, i64)) -> Span {
    Span::new(r(b.0, b.1), r(e.0, e.1))
}

fn w(s: &str) -> Value {
    Value::Word(s.into())
}

fn n(x: f64) -> Value {
    Value::Num(x)
}

/// An event whose part is its whole.
fn ev(b: (i64, i64), e: (i64, i64), v: Value) -> Ev {
    (Some(sp(b, e)), sp(b, e), v)
}

/// A fragment: whole `wb..we`, part `pb..pe`.
fn frag(wb: (i64, i64), we: (i64, i64), pb: (i64, i64), pe: (i64, i64), v: Value) -> Ev {
    (Some(sp(wb, we)), sp(pb, pe), v)
}

fn sorted(mut evs: Vec<Ev>) -> Vec<Ev> {
    evs.sort_by(|a, b| {
        (a.1.begin, a.1.end, a.0.map(|w| w.begin))
            .cmp(&(b.1.begin, b.1.end, b.0.map(|w| w.begin)))
            .then_with(|| format!("{:?}", a.2).cmp(&format!("{:?}", b.2)))
    });
    evs
}

fn query_span(src: &str, span: Span) -> Vec<Ev> {
    let pat = parse(src).unwrap_or_else(|e| panic!("{src:?} failed to parse: {e}"));
    sorted(
        pat.query(span)
            .into_iter()
            .map(|e| (e.whole, e.part, e.value))
            .collect(),
    )
}

fn query(src: &str, b: (i64, i64), e: (i64, i64)) -> Vec<Ev> {
    query_span(src, sp(b, e))
}

/// The events of cycles `from..to`.
fn cycles(src: &str, from: i64, to: i64) -> Vec<Ev> {
    query(src, (from, 1), (to, 1))
}

fn check(src: &str, from: i64, to: i64, expected: Vec<Ev>) {
    assert_eq!(cycles(src, from, to), sorted(expected), "pattern {src:?}");
}

fn err(src: &str) -> MiniError {
    match parse(src) {
        Ok(_) => panic!("{src:?} should not parse"),
        Err(e) => e,
    }
}

// ---------------------------------------------------------------------------
// Tidal's timeToRand, written independently from the definition in
// Sound.Tidal.UI with exact arithmetic on the rational time:
//   timeToIntSeed = xorwise . truncate . (* 2^29) . snd . properFraction . (/ 300)
//   intSeedToRand = (/ 2^29) . (`mod` 2^29)
// on 64-bit Ints (`shiftR` is arithmetic).

fn xorwise(x: i64) -> i64 {
    let a = x.wrapping_shl(13) ^ x;
    let b = (a >> 17) ^ a;
    b.wrapping_shl(5) ^ b
}

fn time_to_rand(t: Rational) -> f64 {
    let (num, den) = (i128::from(t.numer()), i128::from(t.denom()));
    let d = den * 300;
    let frac = num % d; // properFraction: the part after truncating toward zero
    let seed = (frac * (1i128 << 29)) / d; // truncate toward zero
    let x = xorwise(seed as i64);
    x.rem_euclid(1 << 29) as f64 / (1u64 << 29) as f64
}

/// The value `rotL (0.0001 * seed) rand` gives an event whose whole is `b..e`.
fn rand_for(b: Rational, e: Rational, seed: i64) -> f64 {
    time_to_rand((b + e) / r(2, 1) + r(seed, 10_000))
}

#[test]
fn reference_rand_matches_known_values() {
    // Worked by hand: t = 0 gives seed 0, and xorwise 0 = 0.
    assert_eq!(time_to_rand(r(0, 1)), 0.0);
    // t = 1/2: 1/600 * 2^29 = 894784.85..., truncated to 894784.
    let x: i64 = 894_784;
    let a = (x << 13) ^ x;
    let b = (a >> 17) ^ a;
    let c = (b << 5) ^ b;
    assert_eq!(
        time_to_rand(r(1, 2)),
        (c % (1 << 29)) as f64 / (1u64 << 29) as f64
    );
}

// ---------------------------------------------------------------------------
// Sequences, rests, subsequences, stacks, feet

#[test]
fn sequence_divides_the_cycle() {
    check(
        "a b c",
        0,
        2,
        vec![
            ev((0, 1), (1, 3), w("a")),
            ev((1, 3), (2, 3), w("b")),
            ev((2, 3), (1, 1), w("c")),
            ev((1, 1), (4, 3), w("a")),
            ev((4, 3), (5, 3), w("b")),
            ev((5, 3), (2, 1), w("c")),
        ],
    );
}

#[test]
fn partial_queries_give_fragments() {
    assert_eq!(
        query("a b c", (1, 6), (1, 2)),
        sorted(vec![
            frag((0, 1), (1, 3), (1, 6), (1, 3), w("a")),
            frag((1, 3), (2, 3), (1, 3), (1, 2), w("b")),
        ])
    );
}

#[test]
fn rests() {
    let expected = vec![ev((0, 1), (1, 3), w("a")), ev((2, 3), (1, 1), w("b"))];
    check("a ~ b", 0, 1, expected.clone());
    // Tidal 1.9 also reads a lone `-` as a rest.
    check("a - b", 0, 1, expected);
    check("~", 0, 3, vec![]);
    check("", 0, 3, vec![]);
    check("  [ ] <> {}", 0, 2, vec![]);
}

#[test]
fn subsequences_nest() {
    check(
        "a [b [c d]]",
        0,
        1,
        vec![
            ev((0, 1), (1, 2), w("a")),
            ev((1, 2), (3, 4), w("b")),
            ev((3, 4), (7, 8), w("c")),
            ev((7, 8), (1, 1), w("d")),
        ],
    );
}

#[test]
fn stacks_in_brackets_and_at_top_level() {
    let expected = vec![
        ev((0, 1), (1, 1), w("a")),
        ev((0, 1), (1, 2), w("b")),
        ev((1, 2), (1, 1), w("c")),
    ];
    check("[a, b c]", 0, 1, expected.clone());
    check("a, b c", 0, 1, expected);
    check(
        "[a b, c d e] f",
        0,
        1,
        vec![
            ev((0, 1), (1, 4), w("a")),
            ev((1, 4), (1, 2), w("b")),
            ev((0, 1), (1, 6), w("c")),
            ev((1, 6), (1, 3), w("d")),
            ev((1, 3), (1, 2), w("e")),
            ev((1, 2), (1, 1), w("f")),
        ],
    );
}

#[test]
fn feet_group_steps() {
    check(
        "a . b c",
        0,
        1,
        vec![
            ev((0, 1), (1, 2), w("a")),
            ev((1, 2), (3, 4), w("b")),
            ev((3, 4), (1, 1), w("c")),
        ],
    );
    check(
        "a b . c . d e f",
        0,
        1,
        vec![
            ev((0, 1), (1, 6), w("a")),
            ev((1, 6), (1, 3), w("b")),
            ev((1, 3), (2, 3), w("c")),
            ev((2, 3), (7, 9), w("d")),
            ev((7, 9), (8, 9), w("e")),
            ev((8, 9), (1, 1), w("f")),
        ],
    );
    // Feet inside brackets.
    check(
        "[a . b c] d",
        0,
        1,
        vec![
            ev((0, 1), (1, 4), w("a")),
            ev((1, 4), (3, 8), w("b")),
            ev((3, 8), (1, 2), w("c")),
            ev((1, 2), (1, 1), w("d")),
        ],
    );
}

// ---------------------------------------------------------------------------
// Alternation and polymeter

#[test]
fn alternation_one_per_cycle() {
    check(
        "<a b c>",
        0,
        4,
        vec![
            ev((0, 1), (1, 1), w("a")),
            ev((1, 1), (2, 1), w("b")),
            ev((2, 1), (3, 1), w("c")),
            ev((3, 1), (4, 1), w("a")),
        ],
    );
}

#[test]
fn nested_alternation() {
    check(
        "<a <b c>>",
        0,
        4,
        vec![
            ev((0, 1), (1, 1), w("a")),
            ev((1, 1), (2, 1), w("b")),
            ev((2, 1), (3, 1), w("a")),
            ev((3, 1), (4, 1), w("c")),
        ],
    );
}

#[test]
fn stacked_alternation() {
    check(
        "<a b, c d e>",
        0,
        3,
        vec![
            ev((0, 1), (1, 1), w("a")),
            ev((0, 1), (1, 1), w("c")),
            ev((1, 1), (2, 1), w("b")),
            ev((1, 1), (2, 1), w("d")),
            ev((2, 1), (3, 1), w("a")),
            ev((2, 1), (3, 1), w("e")),
        ],
    );
}

#[test]
fn alternation_of_subsequence_sped_up() {
    // `<a [b c]>` is `a` in even cycles and `[b c]` in odd ones; `*2` plays two of
    // its cycles in each cycle.
    check(
        "<a [b c]>*2",
        0,
        2,
        vec![
            ev((0, 1), (1, 2), w("a")),
            ev((1, 2), (3, 4), w("b")),
            ev((3, 4), (1, 1), w("c")),
            ev((1, 1), (3, 2), w("a")),
            ev((3, 2), (7, 4), w("b")),
            ev((7, 4), (2, 1), w("c")),
        ],
    );
}

#[test]
fn repeated_alternation_steps_share_the_cycle() {
    check(
        "<a b>!2 c",
        0,
        2,
        vec![
            ev((0, 1), (1, 3), w("a")),
            ev((1, 3), (2, 3), w("a")),
            ev((2, 3), (1, 1), w("c")),
            ev((1, 1), (4, 3), w("b")),
            ev((4, 3), (5, 3), w("b")),
            ev((5, 3), (2, 1), w("c")),
        ],
    );
}

#[test]
fn elongated_alternation_holds_for_several_cycles() {
    // Tidal 1.9 builds `<...>` as a polymeter with one step per cycle: `a@3` takes
    // three of its four steps, so one event of three cycles, cut at cycle boundaries.
    check(
        "<a@3 b>",
        0,
        4,
        vec![
            frag((0, 1), (3, 1), (0, 1), (1, 1), w("a")),
            frag((0, 1), (3, 1), (1, 1), (2, 1), w("a")),
            frag((0, 1), (3, 1), (2, 1), (3, 1), w("a")),
            ev((3, 1), (4, 1), w("b")),
        ],
    );
    check(
        "<a!2 b>",
        0,
        3,
        vec![
            ev((0, 1), (1, 1), w("a")),
            ev((1, 1), (2, 1), w("a")),
            ev((2, 1), (3, 1), w("b")),
        ],
    );
}

#[test]
fn polymeter_takes_the_steps_of_the_first_layer() {
    check(
        "{a b c, d e}",
        0,
        2,
        vec![
            ev((0, 1), (1, 3), w("a")),
            ev((0, 1), (1, 3), w("d")),
            ev((1, 3), (2, 3), w("b")),
            ev((1, 3), (2, 3), w("e")),
            ev((2, 3), (1, 1), w("c")),
            ev((2, 3), (1, 1), w("d")),
            ev((1, 1), (4, 3), w("a")),
            ev((1, 1), (4, 3), w("e")),
            ev((4, 3), (5, 3), w("b")),
            ev((4, 3), (5, 3), w("d")),
            ev((5, 3), (2, 1), w("c")),
            ev((5, 3), (2, 1), w("e")),
        ],
    );
}

#[test]
fn polymeter_counts_weights_of_the_first_layer() {
    // The first layer has 3 steps' worth (a@2 b), so `c d` plays 3 steps per cycle.
    check(
        "{a@2 b, c d}",
        0,
        1,
        vec![
            ev((0, 1), (2, 3), w("a")),
            ev((2, 3), (1, 1), w("b")),
            ev((0, 1), (1, 3), w("c")),
            ev((1, 3), (2, 3), w("d")),
            ev((2, 3), (1, 1), w("c")),
        ],
    );
}

#[test]
fn polymeter_with_steps_per_cycle() {
    let (a, b, c) = (w("a"), w("b"), w("c"));
    check(
        "{a b c}%4",
        0,
        3,
        vec![
            ev((0, 4), (1, 4), a.clone()),
            ev((1, 4), (2, 4), b.clone()),
            ev((2, 4), (3, 4), c.clone()),
            ev((3, 4), (4, 4), a.clone()),
            ev((4, 4), (5, 4), b.clone()),
            ev((5, 4), (6, 4), c.clone()),
            ev((6, 4), (7, 4), a.clone()),
            ev((7, 4), (8, 4), b.clone()),
            ev((8, 4), (9, 4), c.clone()),
            ev((9, 4), (10, 4), a.clone()),
            ev((10, 4), (11, 4), b),
            ev((11, 4), (12, 4), c),
        ],
    );
}

#[test]
fn polymeter_with_patterned_steps() {
    check(
        "{a b}%<2 4>",
        0,
        2,
        vec![
            ev((0, 1), (1, 2), w("a")),
            ev((1, 2), (1, 1), w("b")),
            ev((1, 1), (5, 4), w("a")),
            ev((5, 4), (3, 2), w("b")),
            ev((3, 2), (7, 4), w("a")),
            ev((7, 4), (2, 1), w("b")),
        ],
    );
}

// ---------------------------------------------------------------------------
// Speed

#[test]
fn fast_and_slow_by_numbers() {
    check(
        "a*2",
        0,
        1,
        vec![ev((0, 1), (1, 2), w("a")), ev((1, 2), (1, 1), w("a"))],
    );
    let half_speed = vec![
        frag((0, 1), (2, 1), (0, 1), (1, 1), w("a")),
        frag((0, 1), (2, 1), (1, 1), (2, 1), w("a")),
    ];
    check("a/2", 0, 2, half_speed.clone());
    check("a*0.5", 0, 2, half_speed);
    check(
        "[a b]/2",
        0,
        2,
        vec![ev((0, 1), (1, 1), w("a")), ev((1, 1), (2, 1), w("b"))],
    );
    let one_and_a_half = vec![
        ev((0, 1), (2, 3), w("a")),
        frag((2, 3), (4, 3), (2, 3), (1, 1), w("a")),
        frag((2, 3), (4, 3), (1, 1), (4, 3), w("a")),
        ev((4, 3), (2, 1), w("a")),
    ];
    check("a*1.5", 0, 2, one_and_a_half.clone());
    // Tidal's fraction syntax.
    check("a*3%2", 0, 2, one_and_a_half);
}

#[test]
fn fast_by_alternation() {
    check(
        "a*<2 3>",
        0,
        2,
        vec![
            ev((0, 1), (1, 2), w("a")),
            ev((1, 2), (1, 1), w("a")),
            ev((1, 1), (4, 3), w("a")),
            ev((4, 3), (5, 3), w("a")),
            ev((5, 3), (2, 1), w("a")),
        ],
    );
}

#[test]
fn fast_by_subsequence() {
    // First half at speed 2, second half at speed 3: the event of speed 3 that
    // started at 1/3 is cut at 1/2.
    let expected = vec![
        ev((0, 1), (1, 2), w("a")),
        frag((1, 3), (2, 3), (1, 2), (2, 3), w("a")),
        ev((2, 3), (1, 1), w("a")),
    ];
    check("a*[2 3]", 0, 1, expected.clone());
    // A bracketed factor takes the factor after it, as in Tidal:
    // `a*<2 3>*2` is `a` sped up by `<2 3>*2`, which is `[2 3]` in every cycle.
    check("a*<2 3>*2", 0, 1, expected);
    assert_eq!(cycles("a*<2 3>*2", 1, 3), cycles("a*[2 3]", 1, 3));
}

#[test]
fn slow_by_alternation() {
    check(
        "a/<1 2>",
        0,
        2,
        vec![
            ev((0, 1), (1, 1), w("a")),
            frag((0, 1), (2, 1), (1, 1), (2, 1), w("a")),
        ],
    );
}

#[test]
fn modifiers_chain_left_to_right() {
    assert_eq!(cycles("a*2*3", 0, 2), cycles("a*6", 0, 2));
    assert_eq!(cycles("a*4/2", 0, 2), cycles("a*2", 0, 2));
}

// ---------------------------------------------------------------------------
// Weights and repeats

#[test]
fn replicate() {
    let three_a_b = vec![
        ev((0, 1), (1, 4), w("a")),
        ev((1, 4), (1, 2), w("a")),
        ev((1, 2), (3, 4), w("a")),
        ev((3, 4), (1, 1), w("b")),
    ];
    check("a!3 b", 0, 1, three_a_b.clone());
    // Each further `!` adds one more copy (Tidal's pRepeat sums them).
    check("a!2 ! b", 0, 1, three_a_b.clone());
    check("a ! ! b", 0, 1, three_a_b);
    check(
        "a ! b",
        0,
        1,
        vec![
            ev((0, 1), (1, 3), w("a")),
            ev((1, 3), (2, 3), w("a")),
            ev((2, 3), (1, 1), w("b")),
        ],
    );
    check(
        "[a b]!2",
        0,
        1,
        vec![
            ev((0, 1), (1, 4), w("a")),
            ev((1, 4), (1, 2), w("b")),
            ev((1, 2), (3, 4), w("a")),
            ev((3, 4), (1, 1), w("b")),
        ],
    );
}

#[test]
fn elongation() {
    let a3_b = vec![ev((0, 1), (3, 4), w("a")), ev((3, 4), (1, 1), w("b"))];
    check("a@3 b", 0, 1, a3_b.clone());
    check("a _ _ b", 0, 1, a3_b);
    // `@3` then `_`: 1 + 2 + 1 = 4 shares.
    check(
        "a@3 _ b",
        0,
        1,
        vec![ev((0, 1), (4, 5), w("a")), ev((4, 5), (1, 1), w("b"))],
    );
    check(
        "a@1.5 b",
        0,
        1,
        vec![ev((0, 1), (3, 5), w("a")), ev((3, 5), (1, 1), w("b"))],
    );
    check(
        "[a b]@2 c",
        0,
        1,
        vec![
            ev((0, 1), (1, 3), w("a")),
            ev((1, 3), (2, 3), w("b")),
            ev((2, 3), (1, 1), w("c")),
        ],
    );
}

// ---------------------------------------------------------------------------
// Euclid

fn hits(c: i64, steps: i64, at: &[i64], v: &str) -> Vec<Ev> {
    at.iter()
        .map(|&i| ev((c * steps + i, steps), (c * steps + i + 1, steps), w(v)))
        .collect()
}

#[test]
fn euclid() {
    // Bjorklund (3,8) = x..x..x.
    check("a(3,8)", 0, 1, hits(0, 8, &[0, 3, 6], "a"));
    // Rotated LEFT by 2: .x..x.x.
    check("a(3,8,2)", 0, 1, hits(0, 8, &[1, 4, 6], "a"));
    // (5,8) = x.xx.xx.
    check("a(5,8)", 0, 1, hits(0, 8, &[0, 2, 3, 5, 6], "a"));
    // A negative count gives the complement: .xx.xx.x
    check("a(-3,8)", 0, 1, hits(0, 8, &[1, 2, 4, 5, 7], "a"));
    check("a(0,8)", 0, 2, vec![]);
    check("a(3,0)", 0, 2, vec![]);
    // Tidal's bjorklund with more onsets than steps gives the onsets: five steps.
    check("a(5,3)", 0, 1, hits(0, 5, &[0, 1, 2, 3, 4], "a"));
}

#[test]
fn euclid_with_pattern_arguments() {
    // Cycle 0: (3,8,0) = x..x..x.; cycle 1: (5,8,2) = x.xx.xx. rotated left by 2
    // = xx.xx.x.
    let mut expected = hits(0, 8, &[0, 3, 6], "a");
    expected.extend(hits(1, 8, &[0, 1, 3, 4, 6], "a"));
    check("a(<3 5>,8,<0 2>)", 0, 2, expected);
    let mut expected = hits(0, 8, &[0, 3, 6], "a");
    expected.extend(hits(1, 8, &[0, 2, 3, 5, 6], "a"));
    check("a(<3 5>,8)", 0, 2, expected);
}

#[test]
fn euclid_of_a_subsequence_with_alternation() {
    // Each onset holds the whole `[a <b c>]` of the current cycle, squeezed into
    // one eighth: `b` in cycle 0, `c` in cycle 1.
    let mut expected = Vec::new();
    for (c, second) in [(0, "b"), (1, "c")] {
        for i in [0, 3, 6] {
            let at = 16 * c + 2 * i;
            expected.push(ev((at, 16), (at + 1, 16), w("a")));
            expected.push(ev((at + 1, 16), (at + 2, 16), w(second)));
        }
    }
    check("[a <b c>](3,8)", 0, 2, expected);
    let mut expected = hits(0, 8, &[0, 3, 6], "a");
    expected.extend(hits(1, 8, &[0, 3, 6], "b"));
    check("<a b>(3,8)", 0, 2, expected);
}

// ---------------------------------------------------------------------------
// Ranges, numbers, words

#[test]
fn ranges() {
    let quarters = |vals: [f64; 4]| {
        vals.iter()
            .enumerate()
            .map(|(i, &x)| ev((i as i64, 4), (i as i64 + 1, 4), n(x)))
            .collect::<Vec<_>>()
    };
    check("0 .. 3", 0, 1, quarters([0.0, 1.0, 2.0, 3.0]));
    check("3 .. 0", 0, 1, quarters([3.0, 2.0, 1.0, 0.0]));
    check("0..3", 0, 1, quarters([0.0, 1.0, 2.0, 3.0]));
    // The range is one step.
    check(
        "0 .. 3 4",
        0,
        1,
        vec![
            ev((0, 1), (1, 8), n(0.0)),
            ev((1, 8), (1, 4), n(1.0)),
            ev((1, 4), (3, 8), n(2.0)),
            ev((3, 8), (1, 2), n(3.0)),
            ev((1, 2), (1, 1), n(4.0)),
        ],
    );
    // Haskell's enumFromTo on Double runs up to the end + 1/2.
    check(
        "0.5 .. 2",
        0,
        1,
        vec![
            ev((0, 1), (1, 3), n(0.5)),
            ev((1, 3), (2, 3), n(1.5)),
            ev((2, 3), (1, 1), n(2.5)),
        ],
    );
    // Words: the two ends as two steps (Tidal's String instance).
    check(
        "a .. c",
        0,
        1,
        vec![ev((0, 1), (1, 2), w("a")), ev((1, 2), (1, 1), w("c"))],
    );
    // Pattern ends.
    let mut expected = quarters([0.0, 1.0, 2.0, 3.0]);
    expected.push(ev((1, 1), (3, 2), n(2.0)));
    expected.push(ev((3, 2), (2, 1), n(3.0)));
    check("<0 2> .. 3", 0, 2, expected);
}

#[test]
fn numbers_and_words() {
    let values: Vec<Value> = cycles("-1 0.25 1e3 .5 +2 3%4", 0, 1)
        .into_iter()
        .map(|e| e.2)
        .collect();
    assert_eq!(
        values,
        vec![n(-1.0), n(0.25), n(1000.0), n(0.5), n(2.0), n(0.75)]
    );
    let values: Vec<Value> = cycles("bd:3 c4 e sn:12 superpiano 808bd", 0, 1)
        .into_iter()
        .map(|e| e.2)
        .collect();
    assert_eq!(
        values,
        vec![
            w("bd:3"),
            w("c4"),
            w("e"),
            w("sn:12"),
            w("superpiano"),
            w("808bd")
        ]
    );
    check("bd:3", 0, 1, vec![ev((0, 1), (1, 1), w("bd:3"))]);
}

// ---------------------------------------------------------------------------
// Randomness

/// The events of `base` (a pattern without randomness) whose rand value, for the
/// given seed, is at least `amount`.
fn degraded(base: &str, from: i64, to: i64, seed: i64, amount: f64) -> Vec<Ev> {
    cycles(base, from, to)
        .into_iter()
        .filter(|e| {
            let whole = e.0.unwrap_or(e.1);
            rand_for(whole.begin, whole.end, seed) >= amount
        })
        .collect()
}

#[test]
fn degrade_uses_the_midpoint_of_each_whole() {
    let expected = degraded("a*8", 0, 4, 0, 0.5);
    // Neither all nor none: the test can tell a wrong rand from a right one.
    assert!(!expected.is_empty() && expected.len() < 32);
    check("a*8?", 0, 4, expected);
    check("a*8?0.3", 0, 4, degraded("a*8", 0, 4, 0, 0.3));
    check("a*8?0.8", 0, 4, degraded("a*8", 0, 4, 0, 0.8));
}

#[test]
fn each_question_mark_takes_the_next_seed() {
    // `a? b? c? d?`: seeds 0, 1, 2, 3. Each `?` applies to its atom before the
    // sequence squeezes it, so the rand is taken at the middle of the atom's own
    // cycle (c + 1/2), shifted by 0.0001 * seed.
    let mut expected = Vec::new();
    for c in 0..8 {
        for (k, v) in ["a", "b", "c", "d"].iter().enumerate() {
            let k = k as i64;
            if rand_for(r(c, 1), r(c + 1, 1), k) >= 0.5 {
                expected.push(ev((4 * c + k, 4), (4 * c + k + 1, 4), w(v)));
            }
        }
    }
    check("a? b? c? d?", 0, 8, expected);
}

#[test]
fn degrade_on_a_subsequence_and_on_a_whole_sequence() {
    check("[a b c d]?", 0, 4, degraded("[a b c d]", 0, 4, 0, 0.5));
    // `a*4?` takes seed 0 inside its step; the `?` after a space applies to the whole
    // sequence with seed 1, at the events' times in the outer cycle.
    let mut expected = Vec::new();
    for c in 0..4 {
        for j in 0..4 {
            let (b, e) = (r(8 * c + j, 8), r(8 * c + j + 1, 8));
            // a*4 in its own frame: events of a quarter, middle at c + (2j+1)/8.
            let inner = rand_for(r(4 * c + j, 4), r(4 * c + j + 1, 4), 0) >= 0.5;
            if inner && rand_for(b, e, 1) >= 0.5 {
                expected.push(ev((8 * c + j, 8), (8 * c + j + 1, 8), w("a")));
            }
            let (b, e) = (r(8 * c + 4 + j, 8), r(8 * c + 5 + j, 8));
            if rand_for(b, e, 1) >= 0.5 {
                expected.push(ev((8 * c + 4 + j, 8), (8 * c + 5 + j, 8), w("b")));
            }
        }
    }
    check("a*4? b*4 ?", 0, 4, expected);
}

#[test]
fn random_choice_per_cycle() {
    // `unwrap $ segment 1 $ chooseBy (rotL (0.0001 * seed) rand) xs`: one rand per
    // cycle, taken at the middle of the cycle; index = floor (r * n).
    let names = ["a", "b", "c"];
    let mut expected = Vec::new();
    let mut seen = [false; 3];
    for c in 0..16 {
        let i = (rand_for(r(c, 1), r(c + 1, 1), 0) * 3.0).floor() as usize;
        seen[i] = true;
        expected.push(ev((c, 1), (c + 1, 1), w(names[i])));
    }
    assert!(seen.iter().all(|s| *s));
    check("a | b | c", 0, 16, expected.clone());
    check("[a | b | c]", 0, 16, expected);
}

#[test]
fn random_choice_between_sequences_sped_up() {
    // `[a b | c]*2`: cycle j of the choice plays in half j; the choice for that
    // inner cycle uses rand at j + 1/2.
    let mut expected = Vec::new();
    for j in 0..8 {
        if rand_for(r(j, 1), r(j + 1, 1), 0) < 0.5 {
            expected.push(ev((2 * j, 4), (2 * j + 1, 4), w("a")));
            expected.push(ev((2 * j + 1, 4), (2 * j + 2, 4), w("b")));
        } else {
            expected.push(ev((j, 2), (j + 1, 2), w("c")));
        }
    }
    check("[a b | c]*2", 0, 4, expected);
}

#[test]
fn choice_takes_its_seed_after_its_alternatives() {
    // `b*8?` gets seed 0, `c*8?` seed 1, and the choice seed 2.
    let mut expected = Vec::new();
    for c in 0..8 {
        let pick = (rand_for(r(c, 1), r(c + 1, 1), 2) * 2.0).floor() as i64;
        let (name, seed) = if pick == 0 { ("b", 0) } else { ("c", 1) };
        for j in 0..8 {
            let (b, e) = (r(8 * c + j, 8), r(8 * c + j + 1, 8));
            if rand_for(b, e, seed) >= 0.5 {
                expected.push(ev((8 * c + j, 8), (8 * c + j + 1, 8), w(name)));
            }
        }
    }
    check("b*8? | c*8?", 0, 8, expected);
}

// ---------------------------------------------------------------------------
// Errors

#[test]
fn unclosed_bracket_points_at_it() {
    let e = err("[a b");
    assert_eq!((e.start, e.end), (0, 1));
    assert!(e.message.contains("unclosed `[`"), "{e}");
    let e = err("a [b <c d] e");
    assert_eq!((e.start, e.end), (5, 6));
    assert!(e.message.contains("unclosed `<`"), "{e}");
    let e = err("bd:3 ~ [sn, hh");
    assert_eq!((e.start, e.end), (7, 8));
    let e = err("a b]");
    assert_eq!((e.start, e.end), (3, 4));
    assert!(e.message.contains("unmatched `]`"), "{e}");
}

#[test]
fn missing_factor_says_so() {
    let e = err("a*");
    assert_eq!(e.start, 1);
    assert!(e.message.contains("`*` needs a factor"), "{e}");
    assert!(e.hint.is_some());
    let e = err("a/ b");
    assert_eq!(e.start, 1);
    assert!(e.message.contains("`/` needs a factor"), "{e}");
    let e = err("a*x");
    assert_eq!(e.start, 1);
    let e = err("a*(3/2)");
    assert_eq!(e.start, 1);
    assert!(e.hint.as_deref().unwrap_or("").contains("1.5"), "{e}");
}

#[test]
fn unexpected_character_says_what_was_expected() {
    let e = err("a $ b");
    assert_eq!((e.start, e.end), (2, 3));
    assert!(e.message.contains("unexpected `$`"), "{e}");
    assert!(e.message.contains("expected"), "{e}");
    let e = err("a(3)");
    assert_eq!((e.start, e.end), (3, 4));
    assert!(
        e.hint.as_deref().unwrap_or("").contains("(hits,steps)"),
        "{e}"
    );
    let e = err("<a | b>");
    assert_eq!(e.start, 3);
    let e = err("! a");
    assert_eq!(e.start, 0);
    assert!(e.message.contains("`!`"), "{e}");
    // Offsets are bytes, also after non-ASCII text.
    let e = err("é $");
    assert_eq!((e.start, e.end), (3, 4));
}

#[test]
fn semantic_errors_have_positions() {
    let e = err("a!2@3");
    assert_eq!((e.start, e.end), (3, 5));
    let e = err("a(3.5,8)");
    assert_eq!((e.start, e.end), (2, 5));
    assert!(e.message.contains("whole number"), "{e}");
    let e = err("a b*c");
    assert_eq!(e.start, 3);
    let e = err("a*<2 x>");
    assert_eq!((e.start, e.end), (5, 6));
    let e = err("0 .. 100000");
    assert_eq!((e.start, e.end), (0, 11));
    let e = err("a*1000000");
    assert_eq!((e.start, e.end), (2, 9));
    let e = err("a*99999999999999999999999");
    assert_eq!(e.start, 2);
}

#[test]
fn extreme_inputs_do_not_panic() {
    let deep = format!("{}a{}", "[".repeat(200), "]".repeat(200));
    assert!(parse(&deep).is_err());
    let chain = format!("a{}", "*1".repeat(500));
    assert!(parse(&chain).is_err());
    assert!(parse("a!99999999999999999999").is_err());
    assert!(parse("a@99999999999999999999").is_err());
    for src in [
        "a/0",
        "a*0",
        "a*-1",
        "{}%0",
        "{a}%0",
        "a(-9,8,-3)",
        "a(3,-8)",
        "<>!3",
        "a?1e9",
        "a@0",
        "a@-1 b",
        "a _ _ . .",
        "0 .. -5",
        "a@1e9 b",
    ] {
        let pat = parse(src).unwrap_or_else(|e| panic!("{src:?}: {e}"));
        assert!(pat.query_checked(sp((0, 1), (3, 1))).is_ok(), "{src:?}");
    }
}

// ---------------------------------------------------------------------------
// Properties

fn token() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "a", "bd:3", "c4", "1", "2", "3", "-1", ".5", "0.25", " ", " ", "~", "-", "[", "]", "<",
        ">", "{", "}", "(", ")", ",", ".", "..", "|", "!", "@", "_", "?", "*", "/", "%", "é", "#",
        "$",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_strings_never_panic(tokens in prop::collection::vec(token(), 0..16)) {
        let src: String = tokens.concat();
        // Long digit runs ask for millions of events (`a*33*33*33`); keep to short ones.
        let digits = src.as_bytes().windows(2).any(|p| p.iter().all(u8::is_ascii_digit));
        prop_assume!(!digits);
        match parse(&src) {
            Err(e) => {
                prop_assert!(e.start <= e.end && e.end <= src.len(), "{src:?}: {e}");
                prop_assert!(src.is_char_boundary(e.start) && src.is_char_boundary(e.end));
            }
            Ok(pat) => {
                for span in [sp((0, 1), (2, 1)), sp((1, 3), (5, 7)), sp((1, 2), (1, 2))] {
                    let evs = pat.query_checked(span);
                    prop_assert!(evs.is_ok(), "{src:?} overflowed");
                    for e in evs.unwrap_or_default() {
                        prop_assert!(
                            e.part.begin >= span.begin && e.part.end <= span.end,
                            "{src:?}: part {} outside {}", e.part, span
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn sequences_of_words_have_one_event_per_step(words in prop::collection::vec("[a-z][a-z0-9:]{0,4}", 1..12)) {
        let src = words.join(" ");
        let evs = cycles(&src, 0, 1);
        let k = words.len() as i64;
        prop_assert_eq!(evs.len(), words.len());
        for (i, (e, word)) in evs.iter().zip(&words).enumerate() {
            let i = i as i64;
            prop_assert_eq!(e, &ev((i, k), (i + 1, k), w(word)));
        }
    }
}

/// `!` takes a whole count: a number that goes on is an error at the count, not a
/// count and a next step (`a!1e9` once played `a` and a word `e9`).
#[test]
fn a_replicate_count_is_a_whole_number() {
    for (src, bad) in [("a!1e9", "1e9"), ("a!1.5 b", "1.5"), ("[a b]!2x", "2x")] {
        let e = err(src);
        let at = src.find('!').map_or(0, |i| i + 1);
        assert_eq!((e.start, e.end), (at, at + bad.len()), "{src}: {e}");
        assert!(e.message.contains(&format!("not `{bad}`")), "{src}: {e}");
    }
    // Whole counts and a bare `!` still repeat.
    let values = |src: &str| -> Vec<String> {
        let p = parse(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        p.query(phonon::time::Span::new(
            phonon::time::Rational::new(0, 1),
            phonon::time::Rational::new(1, 1),
        ))
        .iter()
        .map(|e| format!("{:?}", e.value))
        .collect()
    };
    assert_eq!(values("a!3 b").len(), 4);
    assert_eq!(values("a! b").len(), 3);
}
