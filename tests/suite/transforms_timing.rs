//! Time and structure transforms against Tidal 1.9, event by event, in exact time.
//! Every expectation below is worked out by hand from Tidal's definitions (quoted in
//! the comments) or its documentation examples.

use phonon::pattern::transforms::timing::*;
use phonon::pattern::transforms::Transform;
use phonon::pattern::value::{Control, Controls, Scalar, Value};
use phonon::pattern::{fastcat, slowcat, stack, Pattern};
use phonon::time::{r, Rational, Span};

type Ev = (Option<Span>, Span, String);

fn w(text: &str) -> Pattern<Value> {
    Pattern::pure(Value::word(text))
}

fn num(x: f64) -> Pattern<Value> {
    Pattern::pure(Value::Num(x))
}

/// A sequence of words in one cycle, like the mini-notation `"a b c"`.
fn seq(words: &str) -> Pattern<Value> {
    fastcat(words.split_whitespace().map(w).collect())
}

/// A sequence of numbers in one cycle.
fn nums(xs: &[f64]) -> Pattern<Value> {
    fastcat(xs.iter().map(|&x| num(x)).collect())
}

/// `<a b ...>`: one per cycle.
fn alt(pats: Vec<Pattern<Value>>) -> Pattern<Value> {
    slowcat(pats)
}

fn show(v: &Value) -> String {
    match v {
        Value::Num(x) => format!("{x}"),
        other => other.to_string(),
    }
}

fn query(p: &Pattern<Value>, b: Rational, e: Rational) -> Vec<Ev> {
    let mut evs: Vec<Ev> = p
        .query(Span::new(b, e))
        .into_iter()
        .map(|e| (e.whole, e.part, show(&e.value)))
        .collect();
    evs.sort_by(|a, b| {
        (a.1.begin, a.1.end, &a.2)
            .cmp(&(b.1.begin, b.1.end, &b.2))
            .then(
                a.0.map(|w| (w.begin, w.end))
                    .cmp(&b.0.map(|w| (w.begin, w.end))),
            )
    });
    evs
}

fn cycle(p: &Pattern<Value>, c: i64) -> Vec<Ev> {
    query(p, r(c, 1), r(c + 1, 1))
}

/// A whole event: whole = part = [b, e).
fn ev(b: Rational, e: Rational, v: &str) -> Ev {
    (Some(Span::new(b, e)), Span::new(b, e), v.to_string())
}

/// A fragment: whole [wb, we), part [pb, pe).
fn frag(wb: Rational, we: Rational, pb: Rational, pe: Rational, v: &str) -> Ev {
    (Some(Span::new(wb, we)), Span::new(pb, pe), v.to_string())
}

/// Events of equal length `1/n` starting at cycle `c`, one per word ("~" skips).
fn steps(c: i64, words: &str) -> Vec<Ev> {
    let ws: Vec<&str> = words.split_whitespace().collect();
    let n = ws.len() as i64;
    ws.iter()
        .enumerate()
        .filter(|(_, x)| **x != "~")
        .map(|(i, x)| {
            let i = i as i64;
            ev(r(c * n + i, n), r(c * n + i + 1, n), x)
        })
        .collect()
}

fn values(evs: &[Ev]) -> Vec<String> {
    evs.iter().map(|e| e.2.clone()).collect()
}

fn tf(f: impl Fn(Pattern<Value>) -> Pattern<Value> + Send + Sync + 'static) -> Transform<Value> {
    transform(f)
}

fn rev_t() -> Transform<Value> {
    tf(rev)
}

fn fast_t(x: f64) -> Transform<Value> {
    tf(move |p| fast(num(x), p))
}

fn upper() -> Transform<Value> {
    tf(|p| {
        p.map_values(|v| {
            if let Value::Word(s) = v {
                *v = Value::word(&s.to_uppercase());
            }
        })
    })
}

// ---------------------------------------------------------------------------
// fast, slow, rev, shifts

#[test]
fn fast_with_an_alternating_factor() {
    // fast "<1 2>" "a b": cycle 0 at speed 1, cycle 1 at speed 2.
    let p = fast(alt(vec![num(1.0), num(2.0)]), seq("a b"));
    assert_eq!(cycle(&p, 0), steps(0, "a b"));
    assert_eq!(cycle(&p, 1), steps(1, "a b a b"));
}

#[test]
fn fast_zero_negative_and_fractional() {
    assert!(cycle(&fast(num(0.0), seq("a b")), 0).is_empty());
    // _fast with a negative rate is rev of the positive one.
    assert_eq!(cycle(&fast(num(-1.0), seq("a b c")), 0), steps(0, "c b a"));
    assert_eq!(cycle(&fast(num(-2.0), seq("a b")), 0), steps(0, "b a b a"));
    // fast 1.5 "a b": events of 1/3; cycle 0 holds a b a.
    let p = fast(num(1.5), seq("a b"));
    assert_eq!(cycle(&p, 0), steps(0, "a b a"));
    assert_eq!(cycle(&p, 1), steps(1, "b a b"));
}

#[test]
fn slow_spreads_over_cycles() {
    let p = slow(num(2.0), seq("a b"));
    assert_eq!(cycle(&p, 0), vec![ev(r(0, 1), r(1, 1), "a")]);
    assert_eq!(cycle(&p, 1), vec![ev(r(1, 1), r(2, 1), "b")]);
    // A fragment keeps its whole.
    assert_eq!(
        query(&p, r(1, 2), r(1, 1)),
        vec![frag(r(0, 1), r(1, 1), r(1, 2), r(1, 1), "a")]
    );
    assert!(cycle(&slow(num(0.0), seq("a b")), 0).is_empty());
}

#[test]
fn rotations_and_shift_operators() {
    // 0.25 <~ "a b c d" = "b c d a"
    assert_eq!(
        cycle(&rot_l(num(0.25), seq("a b c d")), 0),
        steps(0, "b c d a")
    );
    // "<0 0.25>" ~> "a b": cycle 1 shifted a quarter later.
    let p = rot_r(alt(vec![num(0.0), num(0.25)]), seq("a b"));
    assert_eq!(cycle(&p, 0), steps(0, "a b"));
    assert_eq!(
        cycle(&p, 1),
        vec![
            frag(r(3, 4), r(5, 4), r(1, 1), r(5, 4), "b"),
            ev(r(5, 4), r(7, 4), "a"),
            frag(r(7, 4), r(9, 4), r(7, 4), r(2, 1), "b"),
        ]
    );
    // An exact third: 1/3 as a float is read back as exactly 1/3.
    let third = rot_r(num(1.0 / 3.0), w("a"));
    assert_eq!(
        cycle(&third, 0),
        vec![
            frag(r(-2, 3), r(1, 3), r(0, 1), r(1, 3), "a"),
            frag(r(1, 3), r(4, 3), r(1, 3), r(1, 1), "a"),
        ]
    );
}

// ---------------------------------------------------------------------------
// every, whenmod, when_cycle, palindrome, brak

#[test]
fn every_three_rev_over_four_cycles() {
    // _every n f = when ((== 0) . (`mod` n)) f: cycles 0 and 3 reversed.
    let p = every(num(3.0), rev_t(), seq("a b c"));
    assert_eq!(cycle(&p, 0), steps(0, "c b a"));
    assert_eq!(cycle(&p, 1), steps(1, "a b c"));
    assert_eq!(cycle(&p, 2), steps(2, "a b c"));
    assert_eq!(cycle(&p, 3), steps(3, "c b a"));
    // A query spanning two cycles is split at the boundary.
    let both = query(&p, r(2, 1), r(4, 1));
    let mut expected = steps(2, "a b c");
    expected.extend(steps(3, "c b a"));
    assert_eq!(both, expected);
}

#[test]
fn every_with_a_patterned_count() {
    // every "<2 3>": cycle 0 n=2 (0 mod 2 = 0, rev), 1 n=3 (no), 2 n=2 (rev),
    // 3 n=3 (rev), 4 n=2 (rev), 5 n=3 (5 mod 3 = 2, no).
    let p = every(alt(vec![num(2.0), num(3.0)]), rev_t(), seq("a b"));
    let reversed: Vec<bool> = (0..6)
        .map(|c| values(&cycle(&p, c)) == ["b", "a"])
        .collect();
    assert_eq!(reversed, vec![true, false, true, true, true, false]);
}

#[test]
fn every_zero_and_negative() {
    // _every 0 _ p = p
    let p = every(num(0.0), rev_t(), seq("a b"));
    for c in 0..3 {
        assert_eq!(cycle(&p, c), steps(c, "a b"));
    }
    // Haskell's `mod` by -2 is zero on even cycles, as by 2.
    let n = every(num(-2.0), rev_t(), seq("a b"));
    assert_eq!(values(&cycle(&n, 0)), ["b", "a"]);
    assert_eq!(values(&cycle(&n, 1)), ["a", "b"]);
    assert_eq!(values(&cycle(&n, -2)), ["b", "a"]);
}

#[test]
fn whenmod_four_two() {
    // whenmod 4 2 (fast 2): cycles 2, 3, 6 (c mod 4 >= 2).
    let p = whenmod(num(4.0), num(2.0), fast_t(2.0), seq("a b"));
    assert_eq!(cycle(&p, 0), steps(0, "a b"));
    assert_eq!(cycle(&p, 1), steps(1, "a b"));
    assert_eq!(cycle(&p, 2), steps(2, "a b a b"));
    assert_eq!(cycle(&p, 3), steps(3, "a b a b"));
    assert_eq!(cycle(&p, 4), steps(4, "a b"));
    assert_eq!(cycle(&p, 6), steps(6, "a b a b"));
    // whenmod 0 _ never applies (Tidal divides by zero).
    let z = whenmod(num(0.0), num(0.0), fast_t(2.0), seq("a b"));
    assert_eq!(cycle(&z, 3), steps(3, "a b"));
}

#[test]
fn when_cycle_helper() {
    let p = when_cycle(|c| c == 1, fast_t(2.0), seq("a b"));
    assert_eq!(cycle(&p, 0), steps(0, "a b"));
    assert_eq!(cycle(&p, 1), steps(1, "a b a b"));
    assert_eq!(cycle(&p, 2), steps(2, "a b"));
}

#[test]
fn palindrome_on_an_alternation_follows_tidal() {
    // palindrome p = cat [p, rev p], each keeping its own cycle count:
    // cycle 0 p@0, cycle 1 (rev p)@0, cycle 2 p@1, cycle 3 (rev p)@1.
    let p = palindrome(alt(vec![seq("a b"), seq("c d")]));
    assert_eq!(cycle(&p, 0), steps(0, "a b"));
    assert_eq!(cycle(&p, 1), steps(1, "b a"));
    assert_eq!(cycle(&p, 2), steps(2, "c d"));
    assert_eq!(cycle(&p, 3), steps(3, "d c"));
    // Doc example: palindrome "0 1 2 3" == every 2 rev on a one-cycle pattern.
    let q = palindrome(seq("a b c"));
    assert_eq!(cycle(&q, 5), steps(5, "c b a"));
    assert_eq!(cycle(&q, 4), steps(4, "a b c"));
}

#[test]
fn brak_squashes_odd_cycles() {
    // when odd: (1/4 ~>) . (\x -> fastcat [x, silence])
    let p = brak(seq("a b"));
    assert_eq!(cycle(&p, 0), steps(0, "a b"));
    assert_eq!(
        cycle(&p, 1),
        vec![ev(r(5, 4), r(3, 2), "a"), ev(r(3, 2), r(7, 4), "b")]
    );
    assert_eq!(cycle(&p, 2), steps(2, "a b"));
}

// ---------------------------------------------------------------------------
// iter, chunk

#[test]
fn iter_four_over_four_cycles() {
    let p = iter(num(4.0), seq("a b c d"));
    assert_eq!(cycle(&p, 0), steps(0, "a b c d"));
    assert_eq!(cycle(&p, 1), steps(1, "b c d a"));
    assert_eq!(cycle(&p, 2), steps(2, "c d a b"));
    assert_eq!(cycle(&p, 3), steps(3, "d a b c"));
    assert_eq!(cycle(&p, 4), steps(4, "a b c d"));
    let b = iter_back(num(4.0), seq("a b c d"));
    assert_eq!(cycle(&b, 1), steps(1, "d a b c"));
    assert_eq!(cycle(&b, 2), steps(2, "c d a b"));
    assert_eq!(cycle(&b, 3), steps(3, "b c d a"));
    assert!(cycle(&iter(num(0.0), seq("a b")), 0).is_empty());
    assert!(cycle(&iter(num(-2.0), seq("a b")), 0).is_empty());
}

#[test]
fn iter_keeps_cats_own_cycle_count() {
    // _iter 2 "<a b>" = cat [p, 0.5 <~ p]: the second plays its own cycle k in
    // cycle 2k+1, so cycle 1 is p shifted half a cycle at p's cycle 0.
    let p = iter(num(2.0), alt(vec![w("a"), w("b")]));
    assert_eq!(cycle(&p, 0), vec![ev(r(0, 1), r(1, 1), "a")]);
    assert_eq!(
        cycle(&p, 1),
        vec![
            frag(r(1, 2), r(3, 2), r(1, 1), r(3, 2), "a"),
            frag(r(3, 2), r(5, 2), r(3, 2), r(2, 1), "b"),
        ]
    );
    assert_eq!(cycle(&p, 2), vec![ev(r(2, 1), r(3, 1), "b")]);
    assert_eq!(
        cycle(&p, 3),
        vec![
            frag(r(5, 2), r(7, 2), r(3, 1), r(7, 2), "b"),
            frag(r(7, 2), r(9, 2), r(7, 2), r(4, 1), "a"),
        ]
    );
}

fn eighths(c: i64, spec: &[(i64, i64, &str)]) -> Vec<Ev> {
    spec.iter()
        .map(|&(b, e, v)| ev(r(8 * c + b, 8), r(8 * c + e, 8), v))
        .collect()
}

#[test]
fn chunk_four_fast_two() {
    // cycle i: within (i/4, (i+1)/4) (fast 2)
    let p = chunk(num(4.0), fast_t(2.0), seq("a b c d"));
    let c0 = [
        (0, 1, "a"),
        (1, 2, "b"),
        (2, 4, "b"),
        (4, 6, "c"),
        (6, 8, "d"),
    ];
    let c1 = [
        (0, 2, "a"),
        (2, 3, "c"),
        (3, 4, "d"),
        (4, 6, "c"),
        (6, 8, "d"),
    ];
    let c2 = [
        (0, 2, "a"),
        (2, 4, "b"),
        (4, 5, "a"),
        (5, 6, "b"),
        (6, 8, "d"),
    ];
    let c3 = [
        (0, 2, "a"),
        (2, 4, "b"),
        (4, 6, "c"),
        (6, 7, "c"),
        (7, 8, "d"),
    ];
    assert_eq!(cycle(&p, 0), eighths(0, &c0));
    assert_eq!(cycle(&p, 1), eighths(1, &c1));
    assert_eq!(cycle(&p, 2), eighths(2, &c2));
    assert_eq!(cycle(&p, 3), eighths(3, &c3));
    assert_eq!(cycle(&p, 4), eighths(4, &c0));
}

#[test]
fn chunk_back_runs_from_the_last_part() {
    // chunk' 4: cycle 0 part 3, cycle 1 part 2, cycle 2 part 1, cycle 3 part 0.
    let p = chunk_back(num(4.0), fast_t(2.0), seq("a b c d"));
    let c0 = [
        (0, 2, "a"),
        (2, 4, "b"),
        (4, 6, "c"),
        (6, 7, "c"),
        (7, 8, "d"),
    ];
    let c1 = [
        (0, 2, "a"),
        (2, 4, "b"),
        (4, 5, "a"),
        (5, 6, "b"),
        (6, 8, "d"),
    ];
    let c3 = [
        (0, 1, "a"),
        (1, 2, "b"),
        (2, 4, "b"),
        (4, 6, "c"),
        (6, 8, "d"),
    ];
    assert_eq!(cycle(&p, 0), eighths(0, &c0));
    assert_eq!(cycle(&p, 1), eighths(1, &c1));
    assert_eq!(cycle(&p, 3), eighths(3, &c3));
    // A negative count runs right to left too.
    let n = chunk(num(-4.0), fast_t(2.0), seq("a b c d"));
    assert_eq!(cycle(&n, 0), eighths(0, &c0));
    // The bind trims wholes to the cycle: an event pushed over the boundary by the
    // transform loses the part of its whole in the next cycle.
    let shifted = chunk_back(num(1.0), tf(|p| rot_r(num(0.5), p)), seq("a"));
    assert_eq!(
        cycle(&shifted, 0),
        vec![
            frag(r(0, 1), r(1, 2), r(0, 1), r(1, 2), "a"),
            ev(r(1, 2), r(1, 1), "a")
        ]
    );
    assert!(cycle(&chunk(num(0.0), fast_t(2.0), seq("a")), 0).is_empty());
}

// ---------------------------------------------------------------------------
// ply, press, segment, run

#[test]
fn ply_repeats_each_event() {
    assert_eq!(cycle(&ply(num(2.0), seq("a b")), 0), steps(0, "a a b b"));
    // ply "<2 3>": cycle 1 with 3.
    let p = ply(alt(vec![num(2.0), num(3.0)]), seq("a b"));
    assert_eq!(cycle(&p, 1), steps(1, "a a a b b b"));
    assert!(cycle(&ply(num(0.0), seq("a b")), 0).is_empty());
    // _fast (-2) of a pure is the same pure: ply -2 == ply 2.
    assert_eq!(cycle(&ply(num(-2.0), seq("a b")), 0), steps(0, "a a b b"));
    // ply 1.5 "a": a, then the first half of a second a, cut at the event's end.
    assert_eq!(
        cycle(&ply(num(1.5), seq("a")), 0),
        vec![ev(r(0, 1), r(2, 3), "a"), ev(r(2, 3), r(1, 1), "a")]
    );
}

#[test]
fn press_moves_events_into_their_second_half() {
    let p = press(seq("a b"));
    assert_eq!(
        cycle(&p, 0),
        vec![ev(r(1, 4), r(1, 2), "a"), ev(r(3, 4), r(1, 1), "b")]
    );
    // pressBy "<0 0.25>"
    let q = press_by(alt(vec![num(0.0), num(0.25)]), seq("a b"));
    assert_eq!(cycle(&q, 0), steps(0, "a b"));
    assert_eq!(
        cycle(&q, 1),
        vec![ev(r(9, 8), r(3, 2), "a"), ev(r(13, 8), r(2, 1), "b")]
    );
    // compressTo (1, 1) is an empty span: silence (Tidal divides by zero).
    assert!(cycle(&press_by(num(1.0), seq("a b")), 0).is_empty());
    assert!(cycle(&press_by(num(-0.5), seq("a b")), 0).is_empty());
}

#[test]
fn segment_samples_a_signal() {
    let sig = Pattern::signal(|t: Rational| Value::Num(t.to_f64()));
    let p = segment(num(4.0), sig);
    assert_eq!(
        cycle(&p, 0),
        vec![
            ev(r(0, 1), r(1, 4), "0.125"),
            ev(r(1, 4), r(1, 2), "0.375"),
            ev(r(1, 2), r(3, 4), "0.625"),
            ev(r(3, 4), r(1, 1), "0.875"),
        ]
    );
    assert_eq!(cycle(&segment(num(2.0), w("a")), 0), steps(0, "a a"));
}

#[test]
fn run_counts_up() {
    assert_eq!(cycle(&run(num(4.0)), 0), steps(0, "0 1 2 3"));
    let p = run(alt(vec![num(4.0), num(2.0)]));
    assert_eq!(cycle(&p, 1), steps(1, "0 1"));
    assert_eq!(cycle(&p, 2), steps(2, "0 1 2 3"));
    assert!(cycle(&run(num(0.0)), 0).is_empty());
    assert!(cycle(&run(num(-3.0)), 0).is_empty());
    // Structure from both: run "4 2" is "0 1 2 3" in the first half and the second
    // half of "0 1", i.e. 0 1 then 1.
    let q = run(nums(&[4.0, 2.0]));
    assert_eq!(
        cycle(&q, 0),
        vec![
            ev(r(0, 1), r(1, 4), "0"),
            ev(r(1, 4), r(1, 2), "1"),
            ev(r(1, 2), r(1, 1), "1"),
        ]
    );
}

// ---------------------------------------------------------------------------
// euclid

#[test]
fn euclid_three_eight() {
    let p = euclid(num(3.0), num(8.0), w("x"));
    assert_eq!(cycle(&p, 0), steps(0, "x ~ ~ x ~ ~ x ~"));
    assert_eq!(cycle(&p, 1), steps(1, "x ~ ~ x ~ ~ x ~"));
    // euclidOff 3 8 2: rotated left two steps.
    let o = euclid_off(num(3.0), num(8.0), num(2.0), w("x"));
    assert_eq!(cycle(&o, 0), steps(0, "~ x ~ ~ x ~ x ~"));
    // A negative count plays the off-beats (Tidal 1.9's _euclid).
    let n = euclid(num(-3.0), num(8.0), w("x"));
    assert_eq!(cycle(&n, 0), steps(0, "~ x x ~ x x ~ x"));
}

#[test]
fn euclid_full_and_patterned_counts() {
    let p = euclid_full(num(3.0), num(8.0), w("x"), w("y"));
    assert_eq!(cycle(&p, 0), steps(0, "x y y x y y x y"));
    let q = euclid_off_full(num(3.0), num(8.0), num(2.0), w("x"), w("y"));
    assert_eq!(cycle(&q, 0), steps(0, "y x y y x y x y"));
    // euclid "<3 5>" 8: cycle 1 is (5,8) = x.xx.xx.
    let e = euclid(alt(vec![num(3.0), num(5.0)]), num(8.0), w("x"));
    assert_eq!(cycle(&e, 1), steps(1, "x ~ x x ~ x x ~"));
}

#[test]
fn euclid_squashes_a_cycle_into_each_onset() {
    // _euclid = fastcat of (bool silence a): every onset holds a whole cycle of the
    // pattern, and cat gives each step its own cycle count.
    let p = euclid(num(1.0), num(2.0), seq("a b"));
    assert_eq!(cycle(&p, 0), steps(0, "a b ~ ~"));
    let q = euclid(num(2.0), num(2.0), alt(vec![w("a"), w("b")]));
    assert_eq!(cycle(&q, 0), steps(0, "a a"));
    assert_eq!(cycle(&q, 1), steps(1, "b b"));
}

#[test]
fn euclid_edge_cases() {
    // Tidal's bjorklund with more onsets than steps gives that many onsets.
    assert_eq!(
        cycle(&euclid(num(5.0), num(3.0), w("x")), 0),
        steps(0, "x x x x x")
    );
    assert_eq!(
        cycle(&euclid(num(3.0), num(0.0), w("x")), 0),
        steps(0, "x x x")
    );
    assert!(cycle(&euclid(num(0.0), num(0.0), w("x")), 0).is_empty());
    assert!(cycle(&euclid(num(0.0), num(8.0), w("x")), 0).is_empty());
    assert!(cycle(&euclid(num(-5.0), num(3.0), w("x")), 0).is_empty());
    assert!(cycle(&euclid_off(num(3.0), num(0.0), num(1.0), w("x")), 0).is_empty());
    // Huge counts are silence, not a query that never ends.
    assert!(cycle(&euclid(num(3.0), num(1e12), w("x")), 0).is_empty());
    assert!(cycle(&euclid(num(1e12), num(8.0), w("x")), 0).is_empty());
    assert!(cycle(&euclid(num(f64::NAN), num(8.0), w("x")), 0).is_empty());
}

// ---------------------------------------------------------------------------
// off, superimpose, within, inside, outside, swing

#[test]
fn off_and_superimpose() {
    // off 0.25 f "a b" = stack [p, f (0.25 ~> p)]
    let p = off(num(0.25), upper(), seq("a b"));
    assert_eq!(
        cycle(&p, 0),
        vec![
            frag(r(-1, 4), r(1, 4), r(0, 1), r(1, 4), "B"),
            ev(r(0, 1), r(1, 2), "a"),
            ev(r(1, 4), r(3, 4), "A"),
            ev(r(1, 2), r(1, 1), "b"),
            frag(r(3, 4), r(5, 4), r(3, 4), r(1, 1), "B"),
        ]
    );
    let s = superimpose(fast_t(2.0), seq("a b"));
    let mut expected = steps(0, "a b");
    expected.extend(steps(0, "a b a b"));
    expected.sort_by_key(|x| (x.1.begin, x.1.end));
    assert_eq!(cycle(&s, 0), expected);
}

#[test]
fn within_first_half_fast() {
    // Doc: within (0, 0.5) (fast 2) keeps f's events with onsets in the first half.
    let p = within(r(0, 1), r(1, 2), fast_t(2.0), seq("a b c d"));
    let c0 = [
        (0, 1, "a"),
        (1, 2, "b"),
        (2, 3, "c"),
        (3, 4, "d"),
        (4, 6, "c"),
        (6, 8, "d"),
    ];
    assert_eq!(cycle(&p, 0), eighths(0, &c0));
    assert_eq!(cycle(&p, 2), eighths(2, &c0));
}

#[test]
fn inside_and_outside() {
    // Doc: inside 2 rev "0 1 2 3 4 5 6 7" == "3 2 1 0 7 6 5 4"
    let p = inside(num(2.0), rev_t(), seq("0 1 2 3 4 5 6 7"));
    assert_eq!(cycle(&p, 0), steps(0, "3 2 1 0 7 6 5 4"));
    // outside 2 rev "<[a b] [c d]>" = slow 2 $ rev $ fast 2 p: "d c" then "b a".
    let q = outside(num(2.0), rev_t(), alt(vec![seq("a b"), seq("c d")]));
    assert_eq!(cycle(&q, 0), steps(0, "d c"));
    assert_eq!(cycle(&q, 1), steps(1, "b a"));
    assert!(cycle(&outside(num(0.0), rev_t(), seq("a")), 0).is_empty());
    assert!(cycle(&inside(num(0.0), rev_t(), seq("a")), 0).is_empty());
}

#[test]
fn swing_by_a_third_in_quarters() {
    // swingBy (1/3) 4 "a*8" = inside 4 (within (0.5, 1) (1/3 ~>)): in each quarter,
    // the second eighth is delayed by a third of the quarter (1/12 of a cycle),
    // keeping its length, and overhangs into the next quarter. `x ~>` is
    // `tParam rotR`, and Tidal 1.9.10's `tParam f (pure a) p = f a p` applies the
    // constant directly: no inner join, so an event crossing a quarter (a cycle of
    // the inside frame) stays whole (before 1.9.10 it came in two fragments). `inside`
    // is a written-out `innerJoin` in Tidal, so the query's cycle [0,1) still cuts
    // the last event.
    let a8 = fast(num(8.0), w("a"));
    let p = swing_by(num(1.0 / 3.0), num(4.0), a8.clone());
    let expected = vec![
        frag(r(-1, 24), r(1, 12), r(0, 1), r(1, 12), "a"),
        ev(r(0, 1), r(1, 8), "a"),
        ev(r(5, 24), r(1, 3), "a"),
        ev(r(1, 4), r(3, 8), "a"),
        ev(r(11, 24), r(7, 12), "a"),
        ev(r(1, 2), r(5, 8), "a"),
        ev(r(17, 24), r(5, 6), "a"),
        ev(r(3, 4), r(7, 8), "a"),
        frag(r(23, 24), r(13, 12), r(23, 24), r(1, 1), "a"),
    ];
    assert_eq!(cycle(&p, 0), expected);
    // swing = swingBy (1/3)
    assert_eq!(cycle(&swing(num(4.0), a8), 0), expected);
}

// ---------------------------------------------------------------------------
// linger, zoom, compress, fastGap

#[test]
fn linger_repeats_the_start() {
    assert_eq!(
        cycle(&linger(num(0.25), seq("a b c d")), 0),
        steps(0, "a a a a")
    );
    // Doc: linger 0.25 "0 2 [3 4] 2" -> a single repeating note.
    let q = linger(num(0.5), seq("a b c d"));
    assert_eq!(cycle(&q, 3), steps(3, "a b a b"));
}

#[test]
fn linger_restarts_every_cycle() {
    // Cycle 1 lingers on the first quarter of the pattern's own cycle 1.
    let p = linger(num(0.25), alt(vec![seq("a b c d"), seq("e f g h")]));
    assert_eq!(cycle(&p, 0), steps(0, "a a a a"));
    assert_eq!(cycle(&p, 1), steps(1, "e e e e"));
    assert_eq!(cycle(&p, 2), steps(2, "a a a a"));
}

#[test]
fn linger_negative_takes_from_the_end() {
    // _linger n | n < 0 = _fast (1/n) $ zoomArc (Arc (1 + n) 1): the last quarter,
    // and since _fast with a negative rate reverses, each repetition is reversed.
    let p = linger(
        num(-0.25),
        fastcat(vec![w("a"), w("b"), w("c"), seq("d e")]),
    );
    assert_eq!(cycle(&p, 0), steps(0, "e d e d e d e d"));
    assert_eq!(
        cycle(&linger(num(-0.5), seq("a b c d")), 1),
        steps(1, "d c d c")
    );
    assert!(cycle(&linger(num(0.0), seq("a b")), 0).is_empty());
    assert!(cycle(&linger(num(1e-12), seq("a b")), 0).is_empty());
}

#[test]
fn zoom_compress_fast_gap() {
    // Doc: zoom (0.25, 0.75) keeps the middle half.
    assert_eq!(
        cycle(&zoom(r(1, 4), r(3, 4), seq("a b c d")), 0),
        steps(0, "b c")
    );
    let c = compress(r(1, 4), r(3, 4), seq("a b"));
    assert_eq!(
        cycle(&c, 1),
        vec![ev(r(5, 4), r(3, 2), "a"), ev(r(3, 2), r(7, 4), "b")]
    );
    assert!(cycle(&compress(r(3, 4), r(1, 4), seq("a b")), 0).is_empty());
    assert!(cycle(&zoom(r(1, 2), r(1, 2), seq("a b")), 0).is_empty());
    let g = fast_gap(num(2.0), seq("a b"));
    assert_eq!(
        cycle(&g, 0),
        vec![ev(r(0, 1), r(1, 4), "a"), ev(r(1, 4), r(1, 2), "b")]
    );
}

// ---------------------------------------------------------------------------
// struct, mask

#[test]
fn struct_takes_structure_from_true_events() {
    let bools = fastcat(vec![w("t"), w("f"), w("t")]);
    let p = struct_(bools, w("a"));
    assert_eq!(
        cycle(&p, 0),
        vec![ev(r(0, 1), r(1, 3), "a"), ev(r(2, 3), r(1, 1), "a")]
    );
    // Numbers: 1 is true, 0 false; values sampled from the pattern.
    let q = struct_(nums(&[1.0, 1.0, 0.0, 1.0]), seq("a b"));
    assert_eq!(cycle(&q, 0), steps(0, "a a ~ b"));
}

#[test]
fn x_is_true_in_struct_and_mask() {
    // LANGUAGE.md: `t`, `true`, `1` and `x` are true.
    let p = struct_(fastcat(vec![w("x"), w("f"), w("true")]), w("a"));
    assert_eq!(
        cycle(&p, 0),
        vec![ev(r(0, 1), r(1, 3), "a"), ev(r(2, 3), r(1, 1), "a")]
    );
    let q = mask(
        fastcat(vec![w("x"), w("false"), w("t"), w("f")]),
        seq("a b c d"),
    );
    assert_eq!(cycle(&q, 0), steps(0, "a ~ c ~"));
}

#[test]
fn mask_keeps_parts_under_true_events() {
    let p = mask(nums(&[1.0, 0.0]), seq("a b c d"));
    assert_eq!(cycle(&p, 0), steps(0, "a b ~ ~"));
    // The structure stays the masked pattern's, fragmented by the mask.
    let q = mask(nums(&[1.0, 0.0, 1.0, 1.0]), w("a"));
    assert_eq!(
        cycle(&q, 0),
        vec![
            frag(r(0, 1), r(1, 1), r(0, 1), r(1, 4), "a"),
            frag(r(0, 1), r(1, 1), r(1, 2), r(3, 4), "a"),
            frag(r(0, 1), r(1, 1), r(3, 4), r(1, 1), "a"),
        ]
    );
}

// ---------------------------------------------------------------------------
// range and the numeric helpers

#[test]
fn range_keeps_the_patterns_structure() {
    let p = range(num(1.0), num(5.0), nums(&[0.0, 0.5, 1.0]));
    assert_eq!(cycle(&p, 0), steps(0, "1 3 5"));
    // lo = "0 10", hi = 20, p = 0.5 for the whole cycle: fragments of p's event.
    let q = range(nums(&[0.0, 10.0]), num(20.0), num(0.5));
    assert_eq!(
        cycle(&q, 0),
        vec![
            frag(r(0, 1), r(1, 1), r(0, 1), r(1, 2), "10"),
            frag(r(0, 1), r(1, 1), r(1, 2), r(1, 1), "15"),
        ]
    );
}

#[test]
fn numeric_helpers() {
    let m = mtof(fastcat(vec![num(69.0), num(81.0), w("a3"), w("bd")]));
    assert_eq!(values(&cycle(&m, 0)), ["440", "880", "220", "bd"]);
    let a = abs(nums(&[-3.0, 2.0]));
    assert_eq!(values(&cycle(&a, 0)), ["3", "2"]);
    let c = clip(0.0, 1.0, nums(&[-1.0, 0.5, 2.0]));
    assert_eq!(values(&cycle(&c, 0)), ["0", "0.5", "1"]);
    // Inside control maps, and a note stays a note.
    let ctl = Pattern::pure(Value::Controls(Controls::single(
        Control::Note,
        Scalar::Note(-12.0),
    )));
    let evs = abs(ctl).query(Span::new(r(0, 1), r(1, 1)));
    let got = evs.first().and_then(|e| e.value.as_controls().cloned());
    assert_eq!(
        got,
        Some(Controls::single(Control::Note, Scalar::Note(12.0)))
    );
    // A non-finite result is dropped, never passed on.
    assert!(cycle(&mtof(num(1e6)), 0).is_empty());
    assert_eq!(
        values(&cycle(&map_numbers(num(2.0), |x| x * 10.0), 0)),
        ["20"]
    );
}

// ---------------------------------------------------------------------------
// Nesting

#[test]
fn every_inside_a_jux_like_stack() {
    // stack [p, every 2 rev p]
    let p = seq("a b");
    let s = stack(vec![p.clone(), every(num(2.0), rev_t(), p)]);
    let mut c0 = steps(0, "a b");
    c0.extend(steps(0, "b a"));
    c0.sort_by(|x, y| (x.1.begin, x.1.end, &x.2).cmp(&(y.1.begin, y.1.end, &y.2)));
    assert_eq!(cycle(&s, 0), c0);
    let mut c1 = steps(1, "a b");
    c1.extend(steps(1, "a b"));
    c1.sort_by(|x, y| (x.1.begin, x.1.end, &x.2).cmp(&(y.1.begin, y.1.end, &y.2)));
    assert_eq!(cycle(&s, 1), c1);
}

#[test]
fn off_with_a_transform_inside_every() {
    // every 2 (off 0.5 (fast 2)) "a": even cycles add fast 2 (0.5 ~> "a"), whose
    // events are [k/2 + 1/4, k/2 + 3/4): the shift is applied before the speed-up.
    let f = tf(|p| off(num(0.5), fast_t(2.0), p));
    let p = every(num(2.0), f, w("a"));
    assert_eq!(
        cycle(&p, 0),
        vec![
            frag(r(-1, 4), r(1, 4), r(0, 1), r(1, 4), "a"),
            ev(r(0, 1), r(1, 1), "a"),
            ev(r(1, 4), r(3, 4), "a"),
            frag(r(3, 4), r(5, 4), r(3, 4), r(1, 1), "a"),
        ]
    );
    assert_eq!(cycle(&p, 1), vec![ev(r(1, 1), r(2, 1), "a")]);
    // chunk inside every: every 2 (chunk 2 rev): cycle 0 is chunk's part 0.
    let q = every(
        num(2.0),
        tf(|p| chunk(num(2.0), rev_t(), p)),
        seq("a b c d"),
    );
    // cycle 0: within (0, 1/2) rev: rev = d c b a, keep onsets in [0, 1/2): d c;
    // plus originals outside: c d.
    assert_eq!(cycle(&q, 0), steps(0, "d c c d"));
    assert_eq!(cycle(&q, 1), steps(1, "a b c d"));
}

// ---------------------------------------------------------------------------
// Nothing panics

#[test]
fn extreme_arguments_do_not_panic() {
    let p = seq("a b c");
    let huge = [
        0.0,
        -1.0,
        1e15,
        -1e15,
        1e300,
        -1e300,
        f64::NAN,
        f64::INFINITY,
        1e-300,
    ];
    for &x in &huge {
        let n = || num(x);
        let t = || tf(rev);
        let pats = vec![
            fast(n(), p.clone()),
            slow(n(), p.clone()),
            rot_l(n(), p.clone()),
            rot_r(n(), p.clone()),
            fast_gap(n(), p.clone()),
            every(n(), t(), p.clone()),
            whenmod(n(), n(), t(), p.clone()),
            iter(n(), p.clone()),
            iter_back(n(), p.clone()),
            chunk(n(), t(), p.clone()),
            chunk_back(n(), t(), p.clone()),
            ply(n(), p.clone()),
            press_by(n(), p.clone()),
            segment(n(), p.clone()),
            euclid(n(), num(8.0), p.clone()),
            euclid(num(3.0), n(), p.clone()),
            euclid_off(num(3.0), num(8.0), n(), p.clone()),
            euclid_full(n(), n(), p.clone(), p.clone()),
            off(n(), t(), p.clone()),
            inside(n(), t(), p.clone()),
            outside(n(), t(), p.clone()),
            swing_by(n(), n(), p.clone()),
            linger(n(), p.clone()),
            run(n()),
            range(n(), n(), p.clone()),
            mtof(n()),
            clip(x, -x, p.clone()),
        ];
        for q in &pats {
            let _ = q.query_checked(Span::new(r(0, 1), r(1, 1)));
            let _ = q.query_checked(Span::new(r(-7, 3), r(5, 2)));
        }
    }
    // Empty patterns stay empty.
    let s: Pattern<Value> = Pattern::silence();
    assert!(cycle(&every(num(2.0), rev_t(), s.clone()), 0).is_empty());
    assert!(cycle(&ply(num(2.0), s.clone()), 0).is_empty());
    assert!(cycle(&palindrome(s.clone()), 1).is_empty());
    assert!(cycle(&linger(num(0.25), s), 0).is_empty());
}

#[test]
fn huge_factors_are_silence() {
    assert!(cycle(&fast(num(1e12), seq("a")), 0).is_empty());
    assert!(cycle(&slow(num(1e-12), seq("a")), 0).is_empty());
    assert!(cycle(&ply(num(1e12), seq("a")), 0).is_empty());
    assert!(cycle(&segment(num(1e12), seq("a")), 0).is_empty());
    assert!(cycle(&run(num(1e12)), 0).is_empty());
    assert!(cycle(&iter(num(1e15), w("a")), 0).is_empty());
    assert!(cycle(&chunk(num(1e15), rev_t(), w("a")), 0).is_empty());
    // Times too large or too fine for exact arithmetic are silence too.
    assert!(cycle(&rot_l(num(1e300), w("a")), 0).is_empty());
    assert!(cycle(&slow(num(1e300), w("a")), 0).is_empty());
    // A large but workable count is lazy: iter 60000 builds no 60000 patterns.
    // Cycle 1 is the pattern shifted 1/60000 earlier (rotL).
    let p = iter(num(60000.0), w("a"));
    assert_eq!(
        cycle(&p, 1),
        vec![
            frag(
                r(59999, 60000),
                r(119999, 60000),
                r(1, 1),
                r(119999, 60000),
                "a"
            ),
            frag(
                r(119999, 60000),
                r(179999, 60000),
                r(119999, 60000),
                r(2, 1),
                "a"
            ),
        ]
    );
}
