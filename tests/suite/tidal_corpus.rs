//! A block of Tidal code as live coders write it (`setcps`, `d1 $ ...`, sections,
//! `.` composition, `#` and the `|+` family mixed with `$`), pasted into a patch: the
//! block checks as one patch, and each line's pattern gives, cycle by cycle, the
//! events Tidal 1.9.5 gives. Each expected event is worked out by hand from Tidal's
//! definitions, quoted beside the line. Each cycle is queried on its own, so no
//! event is cut at a cycle boundary by the query itself. (SuperDirt's effect
//! controls, `# room 0.3` and its kin, wait for orbits: the "Voices" issue.)

use crate::common::json::{ev, events, whole};
use phonon::time::r;

/// The corpus: Tidal's own lines. `superpiano` and `drum` are sample names here.
const CORPUS: &str = r#"setcps 0.5
d1 $ every 2 (fast 2 . rev) $ n "0 .. 7" # s "superpiano" |+ n 12
d2 $ sound "bd*2 [~ bd] [~ bd] bd" # speed "1 2"
d3 $ jux rev $ s "bd sn:2 hh*2"
d4 $ whenmod 4 2 (# speed 2) $ s "bd sn"
d5 $ off 0.25 (|+ n 12) $ n "0 3" # s "superpiano"
d6 $ n ("0 2" + "<12 7>") # s "superpiano"
d7 $ s "bd(3,8,<0 2>)"
d8 $ n (scale "major" "0 .. 7") # sound "superpiano"
d9 $ hurry "<1 2>" $ s "bd sn"
d10 $ rev $ s "a b" # n "1 2"
d11 $ n "0 1" # s "drum" |+ n 12
d12 $ every 2 (# speed 2) $ s "bd*4" # speed 1
d13 $ hurry 2 $ s "drum" # speed 1.5
d14 $ echo 3 0.2 0.5 $ s "bd"
d15 $ ply "<1 2>" $ s "bd sn"
d16 $ s "bd sn" # n "<0 2>" # speed (range 1 2 sine)
d17 $ iter 4 $ s "a b c d"
d18 $ palindrome $ s "a b c"
d19 $ superimpose (fast 2) $ s "bd sn"
d20 $ n ("0 .. 3" + "<0 3>") # s "superpiano"
d21 $ chop 2 $ s "break"
d22 $ within (0, 0.5) (fast 2) $ s "a b c d"
d23 $ n "0 [1 2]" + n "<10 20>" # s "drum"
d24 $ sometimesBy 0 (# speed 2) $ s "hh*2" # gain 0.8
d25 $ fastcat [s "bd*2", s "sn"] # n 1
d26 $ arp "up" $ n "c'maj e4'min" # s "superpiano"
d27 $ n "c e g" # s "superpiano" |- n 12
"#;

/// The pattern of a `dN $ expr` line.
fn pattern_of(line: &str) -> &str {
    match line.split_once(" $ ") {
        Some((d, expr)) if d.starts_with('d') => expr,
        _ => panic!("not a `dN $` line: {line}"),
    }
}

/// `{"s":name}` with the controls after it, in `phonon query`'s key order
/// (s n gain pan speed ...).
fn sound(name: &str, controls: &str) -> String {
    if controls.is_empty() {
        format!("{{\"s\":\"{name}\"}}")
    } else {
        format!("{{\"s\":\"{name}\",{controls}}}")
    }
}

/// Events of `n` equal steps over `[begin, begin + 1)`, each `value(i)`.
fn steps(begin: i64, n: i64, value: impl Fn(i64) -> String) -> Vec<String> {
    (0..n)
        .map(|i| {
            let (b, e) = (r(begin * n + i, n), r(begin * n + i + 1, n));
            whole(&b.to_string(), &e.to_string(), &value(i))
        })
        .collect()
}

fn sorted(mut lines: Vec<String>) -> Vec<String> {
    lines.sort();
    lines
}

/// The events of the corpus line `index` (1 for `d1`) in cycle `cycle`, against
/// the expected ones (in any order).
fn assert_cycle(index: usize, cycle: i64, expected: Vec<String>) {
    let line = CORPUS
        .lines()
        .find(|l| l.starts_with(&format!("d{index} $ ")))
        .unwrap_or_else(|| panic!("no line d{index}"));
    let got = events(pattern_of(line), r(cycle, 1), r(cycle + 1, 1));
    assert_eq!(sorted(got), sorted(expected), "{line}, cycle {cycle}");
}

#[test]
fn the_block_checks_as_one_patch() {
    let diagnostics = phonon::check_source(CORPUS);
    let errors: Vec<_> = diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(phonon::compile(CORPUS).is_ok());
}

#[test]
fn every_with_a_composition_and_the_bar_family_after_hash() {
    // every 2 f applies f when cycle mod 2 == 0. `#` and `|+` bind tighter than `$`,
    // left to right: (n "0 .. 7" # s "superpiano") |+ n 12. Cycle 0: fast 2 . rev
    // plays the reversed cycle twice, sixteenths 19 down to 12; cycle 1 is plain.
    let piano = |n: i64| sound("superpiano", &format!("\"n\":{n}"));
    assert_cycle(1, 0, steps(0, 16, |i| piano(19 - i % 8)));
    assert_cycle(1, 1, steps(1, 8, |i| piano(12 + i)));
}

#[test]
fn sequences_with_rests_and_a_control_pattern() {
    // bd*2 [~ bd] [~ bd] bd: eighths 0 and 1, then 3, 5, and the last quarter; speed
    // "1 2" is read at each onset (# keeps the left's structure).
    let bd =
        |b: &str, e: &str, speed: i64| whole(b, e, &sound("bd", &format!("\"speed\":{speed}")));
    assert_cycle(
        2,
        0,
        vec![
            bd("0/1", "1/8", 1),
            bd("1/8", "1/4", 1),
            bd("3/8", "1/2", 1),
            bd("5/8", "3/4", 2),
            bd("3/4", "1/1", 2),
        ],
    );
}

#[test]
fn jux_pans_the_original_left_and_the_transformed_right() {
    // jux f p = stack [p # pan 0, f $ p # pan 1]; `sn:2` is s "sn" with n 2.
    let e = |b: &str, e: &str, s: &str, pan: i64| {
        let n = if s == "sn" { "\"n\":2," } else { "" };
        whole(b, e, &sound(s, &format!("{n}\"pan\":{pan}")))
    };
    assert_cycle(
        3,
        0,
        vec![
            e("0/1", "1/3", "bd", 0),
            e("1/3", "2/3", "sn", 0),
            e("2/3", "5/6", "hh", 0),
            e("5/6", "1/1", "hh", 0),
            e("0/1", "1/6", "hh", 1),
            e("1/6", "1/3", "hh", 1),
            e("1/3", "2/3", "sn", 1),
            e("2/3", "1/1", "bd", 1),
        ],
    );
}

#[test]
fn whenmod_applies_in_the_last_cycles_of_each_period() {
    // whenmod a b f applies f when cycle mod a >= b: cycles 2 and 3 of 4.
    for cycle in 0..4 {
        let speed = if cycle >= 2 { ",\"speed\":2" } else { "" };
        assert_cycle(
            4,
            cycle,
            steps(cycle, 2, |i| {
                let s = if i == 0 { "bd" } else { "sn" };
                format!("{{\"s\":\"{s}\"{speed}}}")
            }),
        );
    }
}

#[test]
fn off_superimposes_a_shifted_transformed_copy() {
    // off t f p = superimpose (f . (t `rotR`)) p: the copy a quarter later, 12 up;
    // the last event of the previous cycle reaches into this one.
    let piano = |n: i64| sound("superpiano", &format!("\"n\":{n}"));
    assert_cycle(
        5,
        0,
        vec![
            ev(("-1/4", "1/4"), ("0/1", "1/4"), &piano(15)),
            whole("0/1", "1/2", &piano(0)),
            whole("1/4", "3/4", &piano(12)),
            whole("1/2", "1/1", &piano(3)),
            ev(("3/4", "5/4"), ("3/4", "1/1"), &piano(15)),
        ],
    );
}

#[test]
fn arithmetic_on_number_patterns_inside_a_control() {
    // "0 2" + "<12 7>": wholes intersected, 12 in cycle 0 and 7 in cycle 1.
    let piano = |n: i64| sound("superpiano", &format!("\"n\":{n}"));
    assert_cycle(6, 0, steps(0, 2, |i| piano(12 + 2 * i)));
    assert_cycle(6, 1, steps(1, 2, |i| piano(7 + 2 * i)));
    // "0 .. 3" + "<0 3>"
    assert_cycle(20, 0, steps(0, 4, piano));
    assert_cycle(20, 1, steps(1, 4, |i| piano(3 + i)));
}

#[test]
fn euclid_with_a_patterned_rotation() {
    // bjorklund (3,8) = x..x..x.; a rotation of 2 turns it left: .x..x.x.
    let bd = || sound("bd", "");
    assert_cycle(
        7,
        0,
        vec![
            whole("0/1", "1/8", &bd()),
            whole("3/8", "1/2", &bd()),
            whole("3/4", "7/8", &bd()),
        ],
    );
    assert_cycle(
        7,
        1,
        vec![
            whole("9/8", "5/4", &bd()),
            whole("3/2", "13/8", &bd()),
            whole("7/4", "15/8", &bd()),
        ],
    );
}

#[test]
fn scale_degrees_as_notes() {
    // Tidal's major: [0,2,4,5,7,9,11]; degree 7 is the octave.
    let major = [0, 2, 4, 5, 7, 9, 11, 12];
    assert_cycle(
        8,
        0,
        steps(0, 8, |i| {
            sound("superpiano", &format!("\"n\":{}", major[i as usize]))
        }),
    );
}

#[test]
fn hurry_with_a_pattern_and_after_a_control() {
    // hurry x p = fast x p |* speed x: a speed only on the right is kept.
    let e = |s: &str, speed: &str| sound(s, &format!("\"speed\":{speed}"));
    assert_cycle(9, 0, steps(0, 2, |i| e(["bd", "sn"][i as usize], "1")));
    assert_cycle(9, 1, steps(1, 4, |i| e(["bd", "sn"][i as usize % 2], "2")));
    // (s "drum" # speed 1.5) hurried twice: speed 3, twice a cycle.
    assert_cycle(13, 0, steps(0, 2, |_| e("drum", "3")));
}

#[test]
fn dollar_is_loosest_and_hash_binds_tighter() {
    // rev $ (s "a b" # n "1 2")
    let e = |s: &str, n: i64| sound(s, &format!("\"n\":{n}"));
    assert_cycle(
        10,
        0,
        vec![
            whole("0/1", "1/2", &e("b", 2)),
            whole("1/2", "1/1", &e("a", 1)),
        ],
    );
    // (n "0 1" # s "drum") |+ n 12
    assert_cycle(11, 0, steps(0, 2, |i| e("drum", 12 + i)));
    // every 2 (# speed 2) $ (s "bd*4" # speed 1): the section overrides in cycle 0.
    let bd = |speed: i64| sound("bd", &format!("\"speed\":{speed}"));
    assert_cycle(12, 0, steps(0, 4, |_| bd(2)));
    assert_cycle(12, 1, steps(1, 4, |_| bd(1)));
    // (n "0 [1 2]" + n "<10 20>") # s "drum": `+` binds tighter than `#`.
    let drum = |n: i64| sound("drum", &format!("\"n\":{n}"));
    assert_cycle(
        23,
        1,
        vec![
            whole("1/1", "3/2", &drum(20)),
            whole("3/2", "7/4", &drum(21)),
            whole("7/4", "2/1", &drum(22)),
        ],
    );
}

#[test]
fn echo_multiplies_the_gain_of_each_later_copy() {
    // _echo count time fb p = _echoWith count time (|* gain fb) p, and _echoWith 3 =
    // overlay (f (time `rotR` overlay (f (time `rotR` p)) p)) p: copies 1/5 and 2/5
    // later with gain 0.5 and 0.25 (a gain only on the right is kept, then scaled),
    // each also reaching in from the previous cycle. The inner `|* gain` meets
    // `pure`'s cycle boundary at 0 inside the first shift, so the copy from the
    // previous cycle at 0.25 comes in two fragments, cut at 1/5.
    let bd = |gain: &str| sound("bd", &format!("\"gain\":{gain}"));
    assert_cycle(
        14,
        0,
        vec![
            whole("0/1", "1/1", &sound("bd", "")),
            ev(("-4/5", "1/5"), ("0/1", "1/5"), &bd("0.5")),
            ev(("1/5", "6/5"), ("1/5", "1/1"), &bd("0.5")),
            ev(("-3/5", "2/5"), ("0/1", "1/5"), &bd("0.25")),
            ev(("-3/5", "2/5"), ("1/5", "2/5"), &bd("0.25")),
            ev(("2/5", "7/5"), ("2/5", "1/1"), &bd("0.25")),
        ],
    );
}

#[test]
fn ply_with_a_pattern() {
    let s = |name: &str| sound(name, "");
    assert_cycle(15, 0, steps(0, 2, |i| s(["bd", "sn"][i as usize])));
    assert_cycle(15, 1, steps(1, 4, |i| s(["bd", "sn"][i as usize / 2])));
}

#[test]
fn a_continuous_control_is_read_over_each_event() {
    // range 1 2 sine over [0, 1/2) is read at 1/4, where sine is 1: speed 2; over
    // [1/2, 1) at 3/4, where sine is 0: speed 1.
    assert_cycle(
        16,
        0,
        vec![
            whole("0/1", "1/2", &sound("bd", "\"n\":0,\"speed\":2")),
            whole("1/2", "1/1", &sound("sn", "\"n\":0,\"speed\":1")),
        ],
    );
}

#[test]
fn iter_and_palindrome_move_through_cycles() {
    let s = |name: &str| sound(name, "");
    // _iter 4 p = slowcat [rotL (i/4) p | i <- [0..3]]: cycle 1 starts at b.
    assert_cycle(17, 1, steps(1, 4, |i| s(["b", "c", "d", "a"][i as usize])));
    // palindrome p = slowAppend p (rev p)
    assert_cycle(18, 0, steps(0, 3, |i| s(["a", "b", "c"][i as usize])));
    assert_cycle(18, 1, steps(1, 3, |i| s(["c", "b", "a"][i as usize])));
}

#[test]
fn superimpose_and_within_with_a_tuple() {
    let s = |name: &str| sound(name, "");
    let mut both = steps(0, 2, |i| s(["bd", "sn"][i as usize]));
    both.extend(steps(0, 4, |i| s(["bd", "sn"][i as usize % 2])));
    assert_cycle(19, 0, both);
    // within (s, e) f p: f p where the onset's cycle position is in [s, e), p
    // elsewhere: a b c d at eighths, then c and d of the original.
    let mut w: Vec<String> = steps(0, 8, |i| s(["a", "b", "c", "d"][i as usize % 4]))
        .into_iter()
        .take(4)
        .collect();
    w.push(whole("1/2", "3/4", &s("c")));
    w.push(whole("3/4", "1/1", &s("d")));
    assert_cycle(22, 0, w);
}

#[test]
fn chop_sets_begin_and_end() {
    assert_cycle(
        21,
        0,
        vec![
            whole("0/1", "1/2", &sound("break", "\"begin\":0,\"end\":0.5")),
            whole("1/2", "1/1", &sound("break", "\"begin\":0.5,\"end\":1")),
        ],
    );
}

#[test]
fn sometimes_by_zero_changes_nothing_and_lists_take_sounds() {
    let hh = sound("hh", "\"gain\":0.8");
    assert_cycle(24, 0, steps(0, 2, |_| hh.clone()));
    // fastcat [s "bd*2", s "sn"] # n 1: bd bd in the first half, sn in the second.
    let e = |s: &str| sound(s, "\"n\":1");
    assert_cycle(
        25,
        0,
        vec![
            whole("0/1", "1/4", &e("bd")),
            whole("1/4", "1/2", &e("bd")),
            whole("1/2", "1/1", &e("sn")),
        ],
    );
}

#[test]
fn chords_and_note_names_in_n() {
    // c'maj = 0 4 7 and e4'min = 4 7 11 (Tidal's `major` and `minor` from the root),
    // one event per note with the chord's whole; `arp "up"` plays each chord's
    // notes in order, in equal parts of its whole.
    let piano = |n: i64| sound("superpiano", &format!("\"n\":{n}"));
    let notes = [0, 4, 7, 4, 7, 11];
    assert_cycle(26, 0, steps(0, 6, |i| piano(notes[i as usize])));
    // Note names in `n` count from c: c e g are 0 4 7, then 12 down.
    let names = [-12, -8, -5];
    assert_cycle(27, 0, steps(0, 3, |i| piano(names[i as usize])));
}
