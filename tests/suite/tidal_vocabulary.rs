//! The rest of Tidal's vocabulary that LANGUAGE.md lists (and Strudel's `firstOf`,
//! `lastOf`, `euclidLegato`, which Tidal 1.9.5 does not have), through the language
//! (`phonon query`'s JSON lines). Every expected event is worked out by hand from
//! Tidal 1.9.5's definitions (`Sound.Tidal.Core`, `UI`, `Control`), quoted in each
//! test, or computed here from them; none is taken from the code under test.

use crate::common::errors::one_error;
use crate::common::json::{ev, events, whole};
use phonon::time::{r, Rational};

fn w(v: &str) -> String {
    format!("\"{v}\"")
}

fn s(name: &str) -> String {
    format!("{{\"s\":\"{name}\"}}")
}

fn n(x: i64) -> String {
    format!("{{\"n\":{x}}}")
}

/// A rational as `phonon query` prints it.
fn q(x: Rational) -> String {
    x.to_string()
}

/// A number as `phonon query` prints it: whole numbers without a point.
fn num(x: f64) -> String {
    if x == x.trunc() {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

fn sorted(mut lines: Vec<String>) -> Vec<String> {
    lines.sort();
    lines
}

/// The events of `expr` over cycles `from..to`, sorted.
fn over(expr: &str, from: i64, to: i64) -> Vec<String> {
    sorted(events(expr, r(from, 1), r(to, 1)))
}

/// Events `(begin, end, value)` with exact times, each its own whole, sorted.
fn wholes(list: &[(Rational, Rational, String)]) -> Vec<String> {
    sorted(
        list.iter()
            .map(|(b, e, v)| whole(&q(*b), &q(*e), v))
            .collect(),
    )
}

/// The steps `k` of `n` of cycle `c`, each holding `v`.
fn steps(c: i64, n: i64, ks: &[i64], v: &str) -> Vec<(Rational, Rational, String)> {
    ks.iter()
        .map(|&k| (r(c * n + k, n), r(c * n + k + 1, n), v.to_string()))
        .collect()
}

// ---------------------------------------------------------------- aliases

#[test]
fn density_discretise_and_stut_prime_are_their_functions() {
    // Pattern.hs: `density = fast`. Cycle 0 at factor 1: a b in halves; cycle 1 at 2:
    // a b a b in quarters.
    let mut want = steps(0, 2, &[0], &w("a"));
    want.extend(steps(0, 2, &[1], &w("b")));
    want.extend(steps(1, 4, &[0, 2], &w("a")));
    want.extend(steps(1, 4, &[1, 3], &w("b")));
    assert_eq!(over("density \"<1 2>\" $ \"a b\"", 0, 2), wholes(&want));
    // UI.hs: `discretise = segment`; `_segment n p = _fast n (pure id) <* p`.
    let mut want = steps(0, 1, &[0], &w("a"));
    want.extend(steps(1, 2, &[0, 1], &w("a")));
    assert_eq!(over("discretise \"<1 2>\" \"a\"", 0, 2), wholes(&want));
    // Control.hs: `stut' = stutWith`; `stutWith 2 (1/4) f p = overlay (f (1/4 ~> p)) p`.
    // The shifted copies -3/4..1/4 and 1/4..5/4 get `|+ n 1`, whose `pure` cuts
    // their parts at the cycle.
    let want = sorted(vec![
        ev(("-3/4", "1/4"), ("0/1", "1/4"), &n(1)),
        ev(("1/4", "5/4"), ("1/4", "1/1"), &n(1)),
        whole("0/1", "1/1", &n(0)),
    ]);
    assert_eq!(over("stut' 2 (1/4) (|+ n 1) $ n \"0\"", 0, 1), want);
}

// ---------------------------------------------------------------- conditionals

#[test]
fn every_prime_applies_where_the_cycle_mod_n_is_the_offset() {
    // Core.hs: `_every' n o = when ((== o) . (`mod` n))`: cycles 1 and 4 of 0..5.
    let mut want = Vec::new();
    for c in 0..5 {
        if c % 3 == 1 {
            want.extend(steps(c, 4, &[0, 2], &w("a")));
            want.extend(steps(c, 4, &[1, 3], &w("b")));
        } else {
            want.extend(steps(c, 2, &[0], &w("a")));
            want.extend(steps(c, 2, &[1], &w("b")));
        }
    }
    assert_eq!(over("every' 3 1 (fast 2) $ \"a b\"", 0, 5), wholes(&want));
    // Patterned: n = 2, 3, 2, 3 in cycles 0..3, offset 0: reversed where c mod n = 0,
    // cycles 0, 2 and 3.
    let mut want = Vec::new();
    for c in 0..4 {
        let (x, y) = if [0, 2, 3].contains(&c) {
            ("b", "a")
        } else {
            ("a", "b")
        };
        want.extend(steps(c, 2, &[0], &w(x)));
        want.extend(steps(c, 2, &[1], &w(y)));
    }
    assert_eq!(
        over("every' \"<2 3>\" 0 rev $ \"a b\"", 0, 4),
        wholes(&want)
    );
}

#[test]
fn fold_every_nests_every_for_each_number() {
    // Core.hs: `foldEvery ns f p = foldr (`_every` f) p ns`: cycle c gets `|+ n 1` once
    // for each of 2 and 3 that divides it.
    let want: Vec<_> = (0..7)
        .map(|c| {
            let times = [2, 3].iter().filter(|k| c % *k == 0).count() as i64;
            (r(c, 1), r(c + 1, 1), n(times))
        })
        .collect();
    assert_eq!(
        over("foldEvery [2, 3] (|+ n 1) $ n \"0\"", 0, 7),
        wholes(&want)
    );
}

#[test]
fn first_of_and_last_of_pick_the_first_and_last_of_n_cycles() {
    // Strudel: `firstOf` is `every` (`slowcatPrime` of f p then n-1 copies of p);
    // `lastOf` puts f p last: cycles 0, 3 / 2, 5 of 0..6.
    for (expr, hit) in [("firstOf", 0), ("lastOf", 2)] {
        let mut want = Vec::new();
        for c in 0..6 {
            if c % 3 == hit {
                want.extend(steps(c, 2, &[0, 1], &w("a")));
            } else {
                want.extend(steps(c, 1, &[0], &w("a")));
            }
        }
        assert_eq!(
            over(&format!("{expr} 3 (fast 2) $ \"a\""), 0, 6),
            wholes(&want),
            "{expr}"
        );
    }
    // Patterned: n = 3, 2, 3, 2; reversed where c mod n = n - 1: cycles 1, 2, 3.
    let mut want = Vec::new();
    for c in 0..4 {
        let (x, y) = if c == 0 { ("a", "b") } else { ("b", "a") };
        want.extend(steps(c, 2, &[0], &w(x)));
        want.extend(steps(c, 2, &[1], &w(y)));
    }
    assert_eq!(over("lastOf \"<3 2>\" rev $ \"a b\"", 0, 4), wholes(&want));
}

#[test]
fn sew_stitch_while_and_inv() {
    // UI.hs: `sew pb a b = overlay (mask pb a) (mask (inv pb) b)`: the structure is the
    // patterns', so a and b (whole cycles) become fragments of their cycles.
    let mut want = Vec::new();
    for c in 0..2 {
        let (c0, half, c1) = (q(r(c, 1)), q(r(2 * c + 1, 2)), q(r(c + 1, 1)));
        want.push(ev((&c0, &c1), (&c0, &half), &w("a")));
        want.push(ev((&c0, &c1), (&half, &c1), &w("b")));
    }
    assert_eq!(over("sew \"t f\" \"a\" \"b\"", 0, 2), sorted(want));
    // `stitch pb a b = overlay (struct pb a) (struct (inv pb) b)`: the booleans' steps.
    let mut want = steps(0, 4, &[0, 2, 3], &w("a"));
    want.extend(steps(0, 4, &[1], &w("b")));
    assert_eq!(over("stitch \"t f t t\" \"a\" \"b\"", 0, 1), wholes(&want));
    // `while b f pat = sew b (f pat) pat`: the first half from `fast 2`, the second
    // the pattern's own b.
    let mut want = steps(0, 4, &[0], &w("a"));
    want.extend(steps(0, 4, &[1], &w("b")));
    want.extend(steps(0, 2, &[1], &w("b")));
    assert_eq!(
        over("while \"t f\" (fast 2) $ \"a b\"", 0, 1),
        wholes(&want)
    );
    // `inv = (not <$>)`: words become f/t, numbers 0/1; as booleans for `struct`.
    let want = wholes(&[
        (r(0, 1), r(1, 4), w("f")),
        (r(1, 4), r(1, 2), w("t")),
        (r(1, 2), r(3, 4), num(0.0)),
        (r(3, 4), r(1, 1), num(1.0)),
    ]);
    assert_eq!(over("inv \"t f 1 0\"", 0, 1), want);
    assert_eq!(
        over("struct (inv \"t f\") \"a\"", 0, 1),
        wholes(&steps(0, 2, &[1], &w("a")))
    );
}

#[test]
fn fix_unfix_and_contrast_match_control_maps() {
    // UI.hs: `contrast = contrastBy (==)`, matching with `Map.isSubmapOfBy` against
    // the test's events at each event's onset; `fix f = contrast f id`.
    let x = |k: i64, gain: Option<f64>| match gain {
        Some(g) => format!("{{\"s\":\"x\",\"n\":{k},\"gain\":{}}}", num(g)),
        None => format!("{{\"s\":\"x\",\"n\":{k}}}"),
    };
    let want = wholes(&[
        (r(0, 1), r(1, 2), x(0, None)),
        (r(1, 2), r(1, 1), x(1, Some(0.5))),
    ]);
    assert_eq!(
        over("fix (# gain 0.5) (n 1) $ n \"0 1\" # s \"x\"", 0, 1),
        want
    );
    let want = wholes(&[
        (r(0, 1), r(1, 2), x(0, Some(0.5))),
        (r(1, 2), r(1, 1), x(1, None)),
    ]);
    assert_eq!(
        over("unfix (# gain 0.5) (n 1) $ n \"0 1\" # s \"x\"", 0, 1),
        want
    );
    // A patterned test: n 0 matches in cycle 0, n 1 in cycle 1.
    let want = wholes(&[
        (r(0, 1), r(1, 2), x(0, Some(0.5))),
        (r(1, 2), r(1, 1), x(1, None)),
        (r(1, 1), r(3, 2), x(0, None)),
        (r(3, 2), r(2, 1), x(1, Some(0.5))),
    ]);
    assert_eq!(
        over("fix (# gain 0.5) (n \"<0 1>\") $ n \"0 1\" # s \"x\"", 0, 2),
        want
    );
    // contrast: the first transform on the matches, the second on the rest; a test
    // key the event lacks (`n`) is no match.
    let g = |name: &str, gain: &str| format!("{{\"s\":\"{name}\",\"gain\":{gain}}}");
    let want = wholes(&[
        (r(0, 1), r(1, 2), g("x", "0.5")),
        (r(1, 2), r(1, 1), g("y", "2")),
    ]);
    assert_eq!(
        over(
            "contrast (# gain 0.5) (# gain 2) (s \"x\") $ s \"x y\"",
            0,
            1
        ),
        want
    );
    let want = wholes(&[
        (r(0, 1), r(1, 2), g("x", "2")),
        (r(1, 2), r(1, 1), g("y", "2")),
    ]);
    assert_eq!(
        over(
            "contrast (# gain 0.5) (# gain 2) (s \"x\" # n 1) $ s \"x y\"",
            0,
            1
        ),
        want
    );
}

// ---------------------------------------------------------------- structure

#[test]
fn euclid_inv_plays_the_rests() {
    // UI.hs: `_euclidInv n k = _euclid (-n) k`. bjorklund (3,8) = x..x..x. and
    // (5,8) = x.xx.xx.: the rests are steps 1 2 4 5 7 and 1 4 7.
    let mut want = steps(0, 8, &[1, 2, 4, 5, 7], &w("x"));
    want.extend(steps(1, 8, &[1, 4, 7], &w("x")));
    assert_eq!(over("euclidInv \"<3 5>\" 8 \"x\"", 0, 2), wholes(&want));
}

#[test]
fn euclid_legato_holds_each_onset_to_the_next() {
    // Strudel: `timeCat` of `[gap + 1, true]` per onset. x..x..x. gives 3, 3, 2
    // eighths; x.xx.xx. gives 2, 1, 2, 1, 2.
    let mut want = Vec::new();
    let mut at = 0;
    for len in [3, 3, 2, 2, 1, 2, 1, 2] {
        want.push((r(at, 8), r(at + len, 8), w("x")));
        at += len;
    }
    assert_eq!(over("euclidLegato \"<3 5>\" 8 \"x\"", 0, 2), wholes(&want));
    assert!(events("euclidLegato 0 8 \"x\"", r(0, 1), r(1, 1)).is_empty());
}

#[test]
fn trunc_keeps_the_first_fraction_of_each_cycle() {
    // UI.hs: `_trunc t = compress (0, t) . zoomArc (Arc 0 t)`. 3/4 of a b c d keeps
    // a b c; 1/4 keeps a.
    let mut want = steps(0, 4, &[0], &w("a"));
    want.extend(steps(0, 4, &[1], &w("b")));
    want.extend(steps(0, 4, &[2], &w("c")));
    want.extend(steps(1, 4, &[0], &w("a")));
    assert_eq!(
        over("trunc \"<0.75 0.25>\" $ \"a b c d\"", 0, 2),
        wholes(&want)
    );
    // 0.6 of "a b": b (1/2..1) is zoomed to 5/6..5/3, cut at the cycle, and
    // compressed back: its whole 1/2..1, its part 1/2..3/5.
    let want = sorted(vec![
        whole("0/1", "1/2", &w("a")),
        ev(("1/2", "1/1"), ("1/2", "3/5"), &w("b")),
    ]);
    assert_eq!(over("trunc 0.6 \"a b\"", 0, 1), want);
}

#[test]
fn ply_with_compounds_the_transform() {
    // UI.hs: `_plyWith n f p = arpeggiate $ compound n`, `compound n = overlay p (f $
    // compound (n-1))`: each event thrice, gains absent, 0.8, 0.8 * 0.8.
    let g = |name: &str, gain: Option<f64>| match gain {
        Some(x) => format!("{{\"s\":\"{name}\",\"gain\":{}}}", num(x)),
        None => s(name),
    };
    let mut want = Vec::new();
    for (i, name) in ["a", "b"].iter().enumerate() {
        let i = i as i64;
        want.push((r(3 * i, 6), r(3 * i + 1, 6), g(name, None)));
        want.push((r(3 * i + 1, 6), r(3 * i + 2, 6), g(name, Some(0.8))));
        want.push((r(3 * i + 2, 6), r(3 * i + 3, 6), g(name, Some(0.8 * 0.8))));
    }
    assert_eq!(
        over("plyWith 3 (|* gain 0.8) $ s \"a b\"", 0, 1),
        wholes(&want)
    );
    // Patterned (`innerJoin`): 2 then 1.5, which also makes two layers (`n <= 1` ends).
    let mut want = Vec::new();
    for c in 0..2 {
        want.push((r(2 * c, 2), r(2 * c + 1, 2), g("a", None)));
        want.push((r(2 * c + 1, 2), r(2 * c + 2, 2), g("a", Some(0.8))));
    }
    assert_eq!(
        over("plyWith \"<2 1.5>\" (|* gain 0.8) $ s \"a\"", 0, 2),
        wholes(&want)
    );
}

#[test]
fn repeat_cycles_plays_each_cycle_n_times() {
    // Core.hs: `_repeatCycles n p = cat (replicate n p)`: a a b b c c.
    let want: Vec<_> = ["a", "a", "b", "b", "c", "c"]
        .iter()
        .enumerate()
        .map(|(c, v)| (r(c as i64, 1), r(c as i64 + 1, 1), w(v)))
        .collect();
    assert_eq!(over("repeatCycles 2 $ \"<a b c>\"", 0, 6), wholes(&want));
    // Patterned (`tParam`): n = 1, 2, 1, 2; cycle c plays p's cycle c - (c - c div n):
    // cycles 0, 0, 2, 1, so a a c b.
    let want: Vec<_> = ["a", "a", "c", "b"]
        .iter()
        .enumerate()
        .map(|(c, v)| (r(c as i64, 1), r(c as i64 + 1, 1), w(v)))
        .collect();
    assert_eq!(
        over("repeatCycles \"<1 2>\" $ \"<a b c>\"", 0, 4),
        wholes(&want)
    );
}

#[test]
fn rot_shifts_values_and_keeps_times() {
    // UI.hs: `_rot i`: the cycle's events sorted, values `drop i $ cycle values`
    // (negative: `drop (length - abs i)`). 1 gives b c d a, -1 gives d a b c.
    let mut want = Vec::new();
    for (c, vals) in [(0, ["b", "c", "d", "a"]), (1, ["d", "a", "b", "c"])] {
        for (k, v) in vals.iter().enumerate() {
            want.extend(steps(c, 4, &[k as i64], &w(v)));
        }
    }
    assert_eq!(over("rot \"<1 -1>\" \"a b c d\"", 0, 2), wholes(&want));
    // A rest keeps its place; a query of half a cycle still rotates the whole cycle.
    let want = wholes(&[
        (r(0, 1), r(1, 4), w("b")),
        (r(1, 2), r(3, 4), w("c")),
        (r(3, 4), r(1, 1), w("a")),
    ]);
    assert_eq!(over("rot 1 \"a ~ b c\"", 0, 1), want);
    let half = sorted(events("rot 1 \"a b c d\"", r(0, 1), r(1, 2)));
    assert_eq!(
        half,
        wholes(&[(r(0, 1), r(1, 4), w("b")), (r(1, 4), r(1, 2), w("c"))])
    );
}

#[test]
fn bite_squeezes_slices_into_the_index_events() {
    // UI.hs: `_bite n ipat pat = squeezeJoin $ zoompat <$> ipat`, `zoompat i = zoom
    // (i'/n, (i'+1)/n) pat`. n = 4: slices 0 (n 0 1) and 2 (n 4 5) in halves.
    let want: Vec<_> = [0, 1, 4, 5]
        .iter()
        .enumerate()
        .map(|(k, v)| (r(k as i64, 4), r(k as i64 + 1, 4), n(*v)))
        .collect();
    assert_eq!(over("bite 4 \"0 2\" $ n \"0 .. 7\"", 0, 1), wholes(&want));
    // Patterned n (`innerJoin`): 4 then 2; in cycle 1 slice 0 is n 0..3 and slice 1
    // n 4..7, each squeezed into half the cycle.
    let mut want: Vec<_> = (0..4).map(|k| (r(k, 4), r(k + 1, 4), n(k))).collect();
    want.extend((0..8).map(|k| (r(8 + k, 8), r(9 + k, 8), n(k))));
    assert_eq!(
        over("bite \"<4 2>\" \"0 1\" $ n \"0 .. 7\"", 0, 2),
        wholes(&want)
    );
    // Index 5 of 4 wraps (`mod`): slice 1, n 2 3 over the cycle.
    let want = wholes(&[(r(0, 1), r(1, 2), n(2)), (r(1, 2), r(1, 1), n(3))]);
    assert_eq!(over("bite 4 \"5\" $ n \"0 .. 7\"", 0, 1), want);
}

#[test]
fn ghost_adds_the_two_quieter_copies() {
    // UI.hs: `ghost = ghost' 0.125`, `ghost' a = ghostWith a ((|*| gain 0.7) . (|>
    // end 0.2) . (|*| speed 1.25))`, `ghostWith a f p = superimpose (((a*2.5) rotR) .
    // f) $ superimpose (((a*1.5) rotR) . f) p`. For `s "~ a"` (a at 1/2..1 each
    // cycle): copies 3/16 later (`f`), and 5/16 after p and the first copies (`f`
    // again); the first copy crossing a cycle is cut there by `|*|` before it moves.
    let once = "{\"s\":\"a\",\"gain\":0.7,\"speed\":1.25,\"end\":0.2}".to_string();
    let twice = format!(
        "{{\"s\":\"a\",\"gain\":{},\"speed\":{},\"end\":0.2}}",
        num(0.7 * 0.7),
        num(1.25 * 1.25)
    );
    let want = sorted(vec![
        whole("1/2", "1/1", &s("a")),
        ev(("-5/16", "3/16"), ("0/1", "3/16"), &once),
        ev(("11/16", "19/16"), ("11/16", "1/1"), &once),
        ev(("-3/16", "5/16"), ("0/1", "5/16"), &once),
        ev(("13/16", "21/16"), ("13/16", "1/1"), &once),
        whole("0/1", "5/16", &twice),
        whole("5/16", "1/2", &twice),
    ]);
    assert_eq!(over("ghost $ s \"~ a\"", 0, 1), want);
}

#[test]
fn choose_by_indexes_the_list_by_the_pattern() {
    // UI.hs: `chooseBy f xs = (xs !!!) . floor <$> range 0 (length xs) f`; `!!!`
    // wraps: 1 * 3 = 3 is a, -0.1 * 3 floors to -1, which is c.
    let vals = ["a", "a", "b", "c", "a", "c"];
    let want: Vec<_> = vals
        .iter()
        .enumerate()
        .map(|(k, v)| (r(k as i64, 6), r(k as i64 + 1, 6), w(v)))
        .collect();
    assert_eq!(
        over(
            "chooseBy \"0 0.25 0.5 0.75 1 -0.1\" [\"a\", \"b\", \"c\"]",
            0,
            1
        ),
        wholes(&want)
    );
}

#[test]
fn quantise_and_rangex_map_the_values() {
    // UI.hs: `quantise n = fmap ((/n) . fromIntegral . round . (*n))`, Haskell's
    // `round` taking halves to even (1.3 * 5 = 6.5 gives 6; 4.7 * 5 = 23.5 gives 24;
    // -0.5 gives 0), as its own documentation's example says.
    let vals = [0.0, 1.2, 2.6, 3.2, 4.8, 5.0];
    let want: Vec<_> = vals
        .iter()
        .enumerate()
        .map(|(k, v)| (r(k as i64, 6), r(k as i64 + 1, 6), num(*v)))
        .collect();
    assert_eq!(
        over("quantise 5 \"0 1.3 2.6 3.2 4.7 5\"", 0, 1),
        wholes(&want)
    );
    let want = wholes(&[(r(0, 1), r(1, 2), num(0.0)), (r(1, 2), r(1, 1), num(2.0))]);
    assert_eq!(over("quantise 1 \"-0.5 2.5\"", 0, 1), want);
    // `rangex from to p = exp <$> _range (log from) (log to) p`, computed here.
    let x = |v: f64| (v * (2000f64.ln() - 20f64.ln()) + 20f64.ln()).exp();
    let want = wholes(&[
        (r(0, 1), r(1, 3), num(x(0.0))),
        (r(1, 3), r(2, 3), num(x(0.5))),
        (r(2, 3), r(1, 1), num(x(1.0))),
    ]);
    assert_eq!(over("rangex 20 2000 \"0 0.5 1\"", 0, 1), want);
}

// ---------------------------------------------------------------- errors

#[test]
fn wrong_arguments_are_reported_where_they_are() {
    one_error(
        "d1 $ sew \"t q\" \"a\" \"b\"",
        1,
        13,
        "`sew` reads `t`, `true`, `x` or `1` as true and `f`, `false` or `0` as false, \
         found the word `q`",
    );
    one_error(
        "d1 $ quantise \"<1 2>\" \"0.5\"",
        1,
        15,
        "expected a constant number, found a pattern",
    );
    one_error(
        "d1 $ fix (# gain 0.5) 1 $ s \"x\"",
        1,
        23,
        "expected a sound, found a pattern",
    );
    one_error(
        "d1 $ ghost \"a b\"",
        1,
        12,
        "expected a sound, found a pattern",
    );
    one_error(
        "d1 $ euclidInv \"bd\" 8 \"x\"",
        1,
        17,
        "`k` of `euclidInv` needs a number, found the word `bd`",
    );
    one_error(
        "d1 $ while \"t f\" 3 $ \"a\"",
        1,
        18,
        "expected a transform, found a number",
    );
    one_error(
        "d1 $ foldEvery [2.5] rev $ \"a\"",
        1,
        6,
        "`foldEvery`: argument 1 is a number, not a whole number",
    );
    one_error(
        "d1 $ chooseBy \"0 0.5\" [rev]",
        1,
        24,
        "expected a number or a pattern, found a transform waiting for its input",
    );
}
