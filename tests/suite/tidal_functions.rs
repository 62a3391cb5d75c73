//! Forms checked against Tidal 1.9.5's source (the newest 1.9 tag in the mirror):
//! nested polymeters with `%` and feet, `fastGap` over events that cross a cycle,
//! `swingBy` applied twice, `chop` of an event with only a `begin` or an `end`, and
//! the "did you mean" of a misspelt Tidal name. Every expected event is worked out
//! by hand from Tidal's definitions, quoted in each test.

use crate::common::json::{ev, events, whole};
use phonon::time::r;

fn value(v: &str) -> String {
    format!("\"{v}\"")
}

fn sound(name: &str) -> String {
    format!("{{\"s\":\"{name}\"}}")
}

fn num(n: i64) -> String {
    format!("{{\"n\":{n}}}")
}

/// Lines sorted, for comparisons where the order of simultaneous events is not the
/// point.
fn sorted(mut lines: Vec<String>) -> Vec<String> {
    lines.sort();
    lines
}

// ---------------------------------------------------------------- polymeters

#[test]
fn polymeter_with_feet_and_a_step_count() {
    // ParseBP: a sequence with feet resolves to TPat_Seq of one TPat_Seq per foot, so
    // `a b . c` has 2 steps (`[a b] c`); `d e f` has 3. TPat_Polyrhythm (Just 4):
    // each layer is `fast (4 / steps)`: `[a b] c` twice a cycle, `d e f` in quarters.
    let want = vec![
        whole("0/1", "1/8", &value("a")),
        whole("1/8", "1/4", &value("b")),
        whole("1/4", "1/2", &value("c")),
        whole("1/2", "5/8", &value("a")),
        whole("5/8", "3/4", &value("b")),
        whole("3/4", "1/1", &value("c")),
        whole("0/1", "1/4", &value("d")),
        whole("1/4", "1/2", &value("e")),
        whole("1/2", "3/4", &value("f")),
        whole("3/4", "1/1", &value("d")),
    ];
    assert_eq!(
        sorted(events("\"{a b . c, d e f}%4\"", r(0, 1), r(1, 1))),
        sorted(want)
    );
    // Without `%`, the steps are the first layer's (2): `d e f` at fast (2/3), halves.
    let want = vec![
        whole("0/1", "1/4", &value("a")),
        whole("1/4", "1/2", &value("b")),
        whole("1/2", "1/1", &value("c")),
        whole("0/1", "1/2", &value("d")),
        whole("1/2", "1/1", &value("e")),
    ];
    assert_eq!(
        sorted(events("\"{a b . c, d e f}\"", r(0, 1), r(1, 1))),
        sorted(want)
    );
}

#[test]
fn polymeter_with_a_patterned_step_count() {
    // pPolyOut reads `%` then `pSequence pRational`, so `%<2 4>` parses; the layer is
    // `fast ((/3) <$> "<2 4>")`, a patterned fast (tParam, an inner join). Cycle 0:
    // fast (2/3), halves from step 0 (a b); cycle 1: fast (4/3), quarters from step
    // 4 mod 3 = 1 (b c a b).
    let want = vec![
        whole("0/1", "1/2", &value("a")),
        whole("1/2", "1/1", &value("b")),
        whole("1/1", "5/4", &value("b")),
        whole("5/4", "3/2", &value("c")),
        whole("3/2", "7/4", &value("a")),
        whole("7/4", "2/1", &value("b")),
    ];
    assert_eq!(events("\"{a b c}%<2 4>\"", r(0, 1), r(2, 1)), want);
}

// ---------------------------------------------------------------- fastGap

#[test]
fn fast_gap_of_events_that_cross_a_cycle() {
    // _fastGap r: the query [s, e) becomes [sam + min 1 (r * pos s), ...), and each
    // result arc, whole and part alike, maps by its own start's sam: sam s + (s - sam
    // s) / r. `0.5 ~> "a@3 b"`: a over -1/2..1/4, b 1/4..1/2, a 1/2..5/4. So the first
    // a's whole goes to -1 + (1/2)/2 .. -1 + (5/4)/2 = -3/4..-3/8 and its part 0..1/4
    // to 0..1/8 (a fragment, no onset: Tidal's arcs); b to 1/8..1/4; the last a's whole
    // to 1/4..5/8, its part 1/2..1 to 1/4..1/2.
    let want = vec![
        ev(("-3/4", "-3/8"), ("0/1", "1/8"), &sound("a")),
        whole("1/8", "1/4", &sound("b")),
        ev(("1/4", "5/8"), ("1/4", "1/2"), &sound("a")),
    ];
    assert_eq!(
        events("fastGap 2 $ 0.5 ~> s \"a@3 b\"", r(0, 1), r(1, 1)),
        want
    );
    // Shifting afterwards: a 0..3/8, b 3/8..1/2, moved by 1/2.
    let want = vec![
        whole("1/2", "7/8", &sound("a")),
        whole("7/8", "1/1", &sound("b")),
        whole("3/2", "15/8", &sound("a")),
        whole("15/8", "2/1", &sound("b")),
    ];
    assert_eq!(
        events("0.5 ~> (fastGap 2 $ s \"a@3 b\")", r(0, 1), r(2, 1)),
        want
    );
    // slow 2 "a": the whole 0..2 maps by its sam 0 to 0..1 in both cycles; the part
    // 1..2 of cycle 1 maps by its sam 1 to 1..3/2.
    let want = vec![
        ev(("0/1", "1/1"), ("0/1", "1/2"), &sound("a")),
        ev(("0/1", "1/1"), ("1/1", "3/2"), &sound("a")),
    ];
    assert_eq!(
        events("fastGap 2 $ slow 2 $ s \"a\"", r(0, 1), r(2, 1)),
        want
    );
    // A patterned factor (tParam): 2 in cycle 0, 4 in cycle 1.
    let want = vec![
        whole("0/1", "1/4", &sound("a")),
        whole("1/4", "1/2", &sound("b")),
        whole("1/1", "9/8", &sound("a")),
        whole("9/8", "5/4", &sound("b")),
    ];
    assert_eq!(
        events("fastGap \"<2 4>\" $ s \"a b\"", r(0, 1), r(2, 1)),
        want
    );
}

// ---------------------------------------------------------------- swingBy

#[test]
fn swing_by_applied_twice() {
    // swingBy x n = inside n (withinArc (Arc 0.5 1) (x ~>)); within keeps the
    // events of f p whose whole starts in the second half of a cycle and those of p
    // that start in the first half.
    // Inner, swingBy (1/8) 2 of "0 .. 7": in slow 2 each event is a quarter; those
    // at 1/2 and 3/4 move 1/8 later, the others stay. Back at fast 2: 0 0..1/8, 1
    // 1/8..1/4, 2 5/16..7/16, 3 7/16..9/16, 4 1/2..5/8, 5 5/8..3/4, 6 13/16..15/16,
    // 7 15/16..17/16 (and the 6 and 7 of cycle -1, one cycle earlier).
    // Outer, swingBy (1/3) 4: times 4, then the events starting in the first half of
    // a cycle stay (0 at 0, 2 at 5/4, 4 at 2, 6 at 13/4) and each one moved 1/3 later
    // stays if it then starts in the second half: 1 (2 + 1/3 ... 1/2 -> 5/6), 2 (5/4
    // -> 19/12), 5 (5/2 -> 17/6), 6 (13/4 -> 43/12), and cycle -1's 6 (-3/4 -> -5/12).
    // 3 and 7 are dropped by both halves; 2 and 6 are kept by both. Divided by 4:
    let want = vec![
        ev(("-5/48", "1/48"), ("0/1", "1/48"), &num(6)),
        whole("0/1", "1/8", &num(0)),
        whole("5/24", "1/3", &num(1)),
        whole("5/16", "7/16", &num(2)),
        whole("19/48", "25/48", &num(2)),
        whole("1/2", "5/8", &num(4)),
        whole("17/24", "5/6", &num(5)),
        whole("13/16", "15/16", &num(6)),
        ev(("43/48", "49/48"), ("43/48", "1/1"), &num(6)),
    ];
    assert_eq!(
        events(
            "swingBy (1/3) 4 $ swingBy (1/8) 2 $ n \"0 1 2 3 4 5 6 7\"",
            r(0, 1),
            r(1, 1)
        ),
        want
    );
}

// ---------------------------------------------------------------- chop

#[test]
fn chop_keeps_a_lone_begin_or_end() {
    // Control.hs _chop, chomp: b = fromMaybe 0 begin, e = fromMaybe 1 end, d = e - b,
    // slice i of n: b + i/n * d .. b + (i+1)/n * d.
    let slice = |b: &str, e: &str| format!("{{\"s\":\"a\",\"begin\":{b},\"end\":{e}}}");
    assert_eq!(
        events("chop 2 $ s \"a\" # begin 0.5", r(0, 1), r(1, 1)),
        [
            whole("0/1", "1/2", &slice("0.5", "0.75")),
            whole("1/2", "1/1", &slice("0.75", "1")),
        ]
    );
    assert_eq!(
        events("chop 2 $ s \"a\" # end 0.5", r(0, 1), r(1, 1)),
        [
            whole("0/1", "1/2", &slice("0", "0.25")),
            whole("1/2", "1/1", &slice("0.25", "0.5")),
        ]
    );
    // chopEvent _ = []: events without a whole (a continuous pattern) are dropped.
    assert!(events("chop 2 $ n sine", r(0, 1), r(1, 1)).is_empty());
}

// ---------------------------------------------------------------- misspelt names

#[test]
fn misspelt_tidal_names_suggest_the_right_one() {
    for (src, col, name, near) in [
        ("d1 $ evry 2 rev $ s \"bd sn\"", 6, "evry", "every"),
        ("d1 $ jux rve $ s \"bd sn\"", 10, "rve", "rev"),
        ("d1 $ s \"bd sn\" # gian 0.5", 18, "gian", "gain"),
        ("d1 $ stutt 3 0.5 0.125 $ s \"bd sn\"", 6, "stutt", "stut"),
        ("d1 $ spredf [rev] $ s \"bd\"", 6, "spredf", "spreadf"),
    ] {
        let ds: Vec<_> = phonon::check_source(src)
            .into_iter()
            .filter(|d| d.is_error())
            .collect();
        assert_eq!(ds.len(), 1, "{src}");
        assert_eq!(ds[0].line_col(src), (1, col), "{src}");
        assert_eq!(ds[0].message, format!("unknown function `{name}`"), "{src}");
        let hint = format!("did you mean `{near}`?");
        assert!(ds[0].hints.contains(&hint), "{src}: {:?}", ds[0].hints);
    }
}
