//! Lists and tuples as values and the functions that take them, through the language
//! (`phonon query`'s JSON lines). Expected events are worked out by hand from Tidal
//! 1.9's definitions (`Sound.Tidal.Core`, `UI`, `Control`; each test quotes the
//! definition), or, for the random ones, computed here from Tidal's `timeToRand`,
//! re-implemented below from its source and never taken from the code under test.

use crate::common::errors::{one_error, reported};
use crate::common::json::{ev, events, whole};
use phonon::time::{r, Rational};

// ---------------------------------------------------------------- helpers

/// The events over cycles `0..cycles`, sorted (for comparisons where the order of
/// simultaneous events is not the point).
fn sorted(expr: &str, cycles: i64) -> Vec<String> {
    let mut e = events(expr, r(0, 1), r(cycles, 1));
    e.sort();
    e
}

/// A rational as `phonon query` prints it.
fn q(x: Rational) -> String {
    x.to_string()
}

/// The sound `{"s":name}`.
fn s(name: &str) -> String {
    format!("{{\"s\":\"{name}\"}}")
}

fn checks_clean(src: &str) {
    let errors = reported(src);
    assert!(errors.is_empty(), "{src}: {errors:?}");
}

// ---------------------------------------------------------------- Tidal's randomness

fn xorwise(x: i64) -> i64 {
    let a = x.wrapping_shl(13) ^ x;
    let b = (a >> 17) ^ a;
    b.wrapping_shl(5) ^ b
}

/// Tidal's `timeToRand`: `intSeedToRand . timeToIntSeed`.
fn time_to_rand(t: f64) -> f64 {
    let x = t / 300.0;
    let seed = xorwise((x.fract() * 536_870_912.0).trunc() as i64);
    seed.rem_euclid(536_870_912) as f64 / 536_870_912.0
}

// ---------------------------------------------------------------- combining

#[test]
fn cat_keeps_each_patterns_own_cycles() {
    // cat [p, q]: cycle c plays ps !! (c mod 2) at its cycle c div 2 (offset
    // `cyc - (cyc - i) div n`). p = fast 2 "a b" gives a b a b every cycle; q = "<c d>"
    // plays c in its cycle 0 (our cycle 1) and d in its cycle 1 (our cycle 3).
    let mut want = Vec::new();
    for c in [0, 2] {
        for k in 0..4 {
            let v = if k % 2 == 0 { "a" } else { "b" };
            want.push(whole(&q(r(4 * c + k, 4)), &q(r(4 * c + k + 1, 4)), &s(v)));
        }
        let next = if c == 0 { "c" } else { "d" };
        want.push(whole(&q(r(c + 1, 1)), &q(r(c + 2, 1)), &s(next)));
    }
    let expr = "cat [fast 2 $ s \"a b\", s \"<c d>\"]";
    assert_eq!(events(expr, r(0, 1), r(4, 1)), want);
    assert_eq!(
        events(&expr.replace("cat", "slowcat"), r(0, 1), r(4, 1)),
        want
    );
}

#[test]
fn fastcat_stack_overlay_append() {
    // fastcat = _fast n . cat: each pattern a share of the cycle, keeping its cycles.
    assert_eq!(
        events("fastcat [s \"a\", s \"<b c>\"]", r(0, 1), r(2, 1)),
        vec![
            whole("0/1", "1/2", &s("a")),
            whole("1/2", "1/1", &s("b")),
            whole("1/1", "3/2", &s("a")),
            whole("3/2", "2/1", &s("c")),
        ]
    );
    // append a b = cat [a, b]; fastAppend a b = _fast 2 $ append a b.
    assert_eq!(
        events("append (s \"a\") (s \"<b c>\")", r(0, 1), r(4, 1)),
        vec![
            whole("0/1", "1/1", &s("a")),
            whole("1/1", "2/1", &s("b")),
            whole("2/1", "3/1", &s("a")),
            whole("3/1", "4/1", &s("c")),
        ]
    );
    assert_eq!(
        sorted("slowAppend (s \"a\") (s \"<b c>\")", 4),
        sorted("append (s \"a\") (s \"<b c>\")", 4)
    );
    assert_eq!(
        events("fastAppend (s \"a\") $ s \"<b c>\"", r(0, 1), r(2, 1)),
        events("fastcat [s \"a\", s \"<b c>\"]", r(0, 1), r(2, 1))
    );
    // stack and overlay: all at once.
    assert_eq!(sorted("stack [s \"a\", s \"b*2\", s \"c\"]", 1), {
        let mut w = vec![
            whole("0/1", "1/1", &s("a")),
            whole("0/1", "1/2", &s("b")),
            whole("1/2", "1/1", &s("b")),
            whole("0/1", "1/1", &s("c")),
        ];
        w.sort();
        w
    });
    assert_eq!(
        sorted("overlay (s \"a\") (s \"b*2\")", 1),
        sorted("stack [s \"a\", s \"b*2\"]", 1)
    );
    // One element, and numbers (a list of patterns).
    assert_eq!(sorted("stack [s \"a b\"]", 2), sorted("s \"a b\"", 2));
    assert_eq!(
        events("cat [1, \"2 3\"]", r(0, 1), r(2, 1)),
        vec![
            whole("0/1", "1/1", "1"),
            whole("1/1", "3/2", "2"),
            whole("3/2", "2/1", "3"),
        ]
    );
}

#[test]
fn time_cat_shares_the_cycle_by_weight() {
    // timeCat [(1, a), (2, b*2)]: a compressed into [0, 1/3), b*2 into [1/3, 1).
    let want = vec![
        whole("0/1", "1/3", &s("a")),
        whole("1/3", "2/3", &s("b")),
        whole("2/3", "1/1", &s("b")),
    ];
    let expr = "timeCat [(1, s \"a\"), (2, s \"b*2\")]";
    assert_eq!(events(expr, r(0, 1), r(1, 1)), want);
    assert_eq!(
        events(&expr.replace("timeCat", "timecat"), r(0, 1), r(1, 1)),
        want
    );
    // Exact weights: (1/3, p) and (2/3, q) are the same shares.
    assert_eq!(
        events(
            "timeCat [(1/3, s \"a\"), (2/3, s \"b*2\")]",
            r(0, 1),
            r(1, 1)
        ),
        want
    );
}

#[test]
fn lists_of_sounds_are_sounds() {
    // The example of the brief: each element keeps its own controls.
    let mut want = vec![whole("0/1", "1/2", &s("bd")), whole("1/2", "1/1", &s("bd"))];
    for k in 0..4 {
        want.push(whole(
            &q(r(k, 4)),
            &q(r(k + 1, 4)),
            "{\"s\":\"hh\",\"gain\":0.8}",
        ));
    }
    want.sort();
    assert_eq!(sorted("stack [s \"bd*2\", s \"hh*4\" # gain 0.8]", 1), want);
    // As outputs: a sound that plays, with `#` on the combination.
    checks_clean("out: stack [s \"bd*2\", s \"hh*4\" # gain 0.8]");
    checks_clean("out: cat [s \"bd\", s \"sn\"] # speed 2");
    checks_clean("d1 $ jux rev $ timeCat [(1, s \"bd\"), (3, s \"hh*3\")] # gain 0.9");
    // A control sampled from a signal is shared by the whole combination.
    checks_clean("out: stack [s \"a\", s \"b\"] # pan (sine 0.25)");
    one_error(
        "out: stack [s \"a\" # pan (sine 1), s \"b\"]",
        1,
        35,
        "this sound samples no control from a signal, the one before `pan` from `sine 1`; \
         sounds combined into one sample the same signals",
    );
}

#[test]
fn nesting_lists_in_lists_and_functions() {
    // stack [cat [a, b], fastcat [c, d]] over 2 cycles.
    let mut want = vec![
        whole("0/1", "1/1", &s("a")),
        whole("1/1", "2/1", &s("b")),
        whole("0/1", "1/2", &s("c")),
        whole("1/2", "1/1", &s("d")),
        whole("1/1", "3/2", &s("c")),
        whole("3/2", "2/1", &s("d")),
    ];
    want.sort();
    assert_eq!(
        sorted(
            "stack [cat [s \"a\", s \"b\"], fastcat [s \"c\", s \"d\"]]",
            2
        ),
        want
    );
    // A list inside a tuple inside a list.
    assert_eq!(
        sorted("timeCat [(1, stack [s \"a\", s \"b\"]), (1, s \"c\")]", 1),
        {
            let mut w = vec![
                whole("0/1", "1/2", &s("a")),
                whole("0/1", "1/2", &s("b")),
                whole("1/2", "1/1", &s("c")),
            ];
            w.sort();
            w
        }
    );
    // A list as the transform's input, and transforms of lists of sections.
    assert_eq!(sorted("every 2 (fast 2) $ cat [s \"a\", s \"b\"]", 2), {
        // Cycle 0 (every 2 applies): fast 2 of cat gives a [0,1/2), b [1/2,1);
        // cycle 1: cat's cycle 1, b.
        let mut w = vec![
            whole("0/1", "1/2", &s("a")),
            whole("1/2", "1/1", &s("b")),
            whole("1/1", "2/1", &s("b")),
        ];
        w.sort();
        w
    });
    assert_eq!(sorted("layer [id, (# speed 2), (0.5 ~>)] $ s \"a\"", 1), {
        let mut w = vec![
            whole("0/1", "1/1", &s("a")),
            whole("0/1", "1/1", "{\"s\":\"a\",\"speed\":2}"),
            ev(("-1/2", "1/2"), ("0/1", "1/2"), &s("a")),
            ev(("1/2", "3/2"), ("1/2", "1/1"), &s("a")),
        ];
        w.sort();
        w
    });
}

// ---------------------------------------------------------------- functions of lists

#[test]
fn layer_stacks_each_function_of_the_pattern() {
    // layer fs p = stack $ map ($ p) fs.
    assert_eq!(
        sorted("layer [rev, fast 2] $ n \"0 1\"", 1),
        sorted("stack [rev $ n \"0 1\", fast 2 $ n \"0 1\"]", 1)
    );
    let mut want = vec![
        whole("0/1", "1/2", "{\"n\":1}"),
        whole("1/2", "1/1", "{\"n\":0}"),
        whole("0/1", "1/4", "{\"n\":0}"),
        whole("1/4", "1/2", "{\"n\":1}"),
        whole("1/2", "3/4", "{\"n\":0}"),
        whole("3/4", "1/1", "{\"n\":1}"),
    ];
    want.sort();
    assert_eq!(sorted("layer [rev, fast 2] $ n \"0 1\"", 1), want);
}

#[test]
fn spread_applies_the_function_with_each_value() {
    // spread f xs p = slowcat $ map (`f` p) xs: cycle 0 fast 1 p, cycle 1 fast 2 p
    // at its own cycle 0.
    let want = vec![
        whole("0/1", "1/2", &s("a")),
        whole("1/2", "1/1", &s("b")),
        whole("1/1", "5/4", &s("a")),
        whole("5/4", "3/2", &s("b")),
        whole("3/2", "7/4", &s("a")),
        whole("7/4", "2/1", &s("b")),
    ];
    assert_eq!(
        events("spread fast [1, 2] $ s \"a b\"", r(0, 1), r(2, 1)),
        want
    );
    assert_eq!(
        events("slowspread fast [1, 2] $ s \"a b\"", r(0, 1), r(2, 1)),
        want
    );
    // fastspread f xs p = fastcat $ map (`f` p) xs.
    assert_eq!(
        events("fastspread fast [1, 2] $ s \"a b\"", r(0, 1), r(1, 1)),
        vec![
            whole("0/1", "1/4", &s("a")),
            whole("1/4", "1/2", &s("b")),
            whole("1/2", "5/8", &s("a")),
            whole("5/8", "3/4", &s("b")),
            whole("3/4", "7/8", &s("a")),
            whole("7/8", "1/1", &s("b")),
        ]
    );
    // spread ($) [rev, fast 2] p = cat [rev p, fast 2 p].
    assert_eq!(
        events("spread ($) [rev, fast 2] $ s \"a b\"", r(0, 1), r(2, 1)),
        vec![
            whole("0/1", "1/2", &s("b")),
            whole("1/2", "1/1", &s("a")),
            whole("1/1", "5/4", &s("a")),
            whole("5/4", "3/2", &s("b")),
            whole("3/2", "7/4", &s("a")),
            whole("7/4", "2/1", &s("b")),
        ]
    );
    assert_eq!(
        sorted("fastspread ($) [id, (# speed 2)] $ s \"a\"", 1),
        vec![
            whole("0/1", "1/2", &s("a")),
            whole("1/2", "1/1", "{\"s\":\"a\",\"speed\":2}"),
        ]
    );
    // A function of two arguments given one: spread (every 2) [rev, fast 2] is
    // cat [every 2 rev p, every 2 (fast 2) p]; cycle 0 of the first is rev p.
    assert_eq!(
        events(
            "spread (every 2) [rev, fast 2] $ s \"a b\"",
            r(0, 1),
            r(1, 1)
        ),
        vec![whole("0/1", "1/2", &s("b")), whole("1/2", "1/1", &s("a"))]
    );
}

#[test]
fn pick_f_select_and_squeeze_index_their_lists() {
    // pickF pInt fs pat = innerJoin $ (\i -> (fs !!! i) pat) <$> pInt; 2 wraps to 0.
    assert_eq!(
        events(
            "pickF \"<0 1 2>\" [rev, fast 2] $ s \"a b\"",
            r(0, 1),
            r(3, 1)
        ),
        vec![
            whole("0/1", "1/2", &s("b")),
            whole("1/2", "1/1", &s("a")),
            whole("1/1", "5/4", &s("a")),
            whole("5/4", "3/2", &s("b")),
            whole("3/2", "7/4", &s("a")),
            whole("7/4", "2/1", &s("b")),
            whole("2/1", "5/2", &s("b")),
            whole("5/2", "3/1", &s("a")),
        ]
    );
    // _select f ps = ps !! floor (clamp 0 1 f * (length ps - 1)), inner-joined over
    // "0 0.5 1": indices 0, 1, 2, each pattern's events cut to its third.
    assert_eq!(
        events(
            "select \"0 0.5 1\" [s \"a\", s \"b*2\", s \"c\"]",
            r(0, 1),
            r(1, 1)
        ),
        vec![
            ev(("0/1", "1/1"), ("0/1", "1/3"), &s("a")),
            ev(("0/1", "1/2"), ("1/3", "1/2"), &s("b")),
            ev(("1/2", "1/1"), ("1/2", "2/3"), &s("b")),
            ev(("0/1", "1/1"), ("2/3", "1/1"), &s("c")),
        ]
    );
    // Clamped: 2 is the last, -1 the first.
    assert_eq!(
        events("select \"<2 -1>\" [s \"a\", s \"b\"]", r(0, 1), r(2, 1)),
        vec![whole("0/1", "1/1", &s("b")), whole("1/1", "2/1", &s("a"))]
    );
    // squeeze ipat ps = squeezeJoin $ (ps !!!) <$> ipat: a whole cycle of the picked
    // pattern in each event of the index.
    assert_eq!(
        events("squeeze \"0 [1 2]\" [s \"a b\", s \"c\"]", r(0, 1), r(1, 1)),
        vec![
            whole("0/1", "1/4", &s("a")),
            whole("1/4", "1/2", &s("b")),
            whole("1/2", "3/4", &s("c")),
            whole("3/4", "7/8", &s("a")),
            whole("7/8", "1/1", &s("b")),
        ]
    );
}

#[test]
fn fit_steps_through_the_list_each_cycle() {
    // _fit step xs p = (xs !!!) <$> (value + step * floor (start of part)).
    let names = ["bd", "sn", "hh"];
    let expr = "fit 1 [\"bd\", \"sn\", \"hh\"] \"0 1\"";
    let mut want = Vec::new();
    for c in 0..3i64 {
        for (k, v) in [0i64, 1].iter().enumerate() {
            let i = ((v + c) % 3) as usize;
            let b = r(2 * c + k as i64, 2);
            let e = r(2 * c + k as i64 + 1, 2);
            want.push(whole(&q(b), &q(e), &format!("\"{}\"", names[i])));
        }
    }
    assert_eq!(events(expr, r(0, 1), r(3, 1)), want);
    // The step is a pattern (tParam): 1 in cycle 0, 2 in cycle 1.
    assert_eq!(
        events("fit \"<1 2>\" [0, 10, 20] \"0 1\"", r(0, 1), r(2, 1)),
        vec![
            whole("0/1", "1/2", "0"),
            whole("1/2", "1/1", "10"),
            whole("1/1", "3/2", "20"),
            whole("3/2", "2/1", "0"),
        ]
    );
    // Into a sound, as users write it.
    checks_clean("out: s (fit 1 [\"bd\", \"sn\"] \"0 1\")");
}

#[test]
fn spin_stacks_rotated_copies_panned_across() {
    // _spin n p = stack [ (i/n) `rotL` p # pan (i/n) | i <- [0 .. n-1] ].
    let mut want = vec![
        whole("0/1", "1/2", "{\"s\":\"a\",\"pan\":0}"),
        whole("1/2", "1/1", "{\"s\":\"b\",\"pan\":0}"),
        whole("0/1", "1/2", "{\"s\":\"b\",\"pan\":0.5}"),
        whole("1/2", "1/1", "{\"s\":\"a\",\"pan\":0.5}"),
    ];
    want.sort();
    assert_eq!(sorted("spin 2 $ s \"a b\"", 1), want);
    // A patterned count: one copy in cycle 0, two in cycle 1.
    // Inner-joined: the shifted copy's events keep their wholes, cut to cycle 1.
    let mut want = vec![
        whole("0/1", "1/1", "{\"s\":\"a\",\"pan\":0}"),
        whole("1/1", "2/1", "{\"s\":\"a\",\"pan\":0}"),
        ev(("1/2", "3/2"), ("1/1", "3/2"), "{\"s\":\"a\",\"pan\":0.5}"),
        ev(("3/2", "5/2"), ("3/2", "2/1"), "{\"s\":\"a\",\"pan\":0.5}"),
    ];
    want.sort();
    assert_eq!(sorted("spin \"<1 2>\" $ s \"a\"", 2), want);
}

// ---------------------------------------------------------------- tuples

#[test]
fn tuple_forms_of_within_zoom_and_compress() {
    // within (s, e) f p = stack [playWhen (in s..e) $ f p, playWhen (not in) p].
    let p = "s \"a b c d\"";
    let tuple = format!("within (0, 0.5) (fast 2) $ {p}");
    let numbers = format!("within 0 0.5 (fast 2) $ {p}");
    assert_eq!(sorted(&tuple, 3), sorted(&numbers, 3));
    assert_eq!(
        events(&tuple, r(0, 1), r(1, 1)),
        vec![
            whole("0/1", "1/8", &s("a")),
            whole("1/8", "1/4", &s("b")),
            whole("1/4", "3/8", &s("c")),
            whole("3/8", "1/2", &s("d")),
            whole("1/2", "3/4", &s("c")),
            whole("3/4", "1/1", &s("d")),
        ]
    );
    // zoom (0.25, 0.75): b and c stretched to halves.
    assert_eq!(
        events(&format!("zoom (0.25, 0.75) $ {p}"), r(0, 1), r(1, 1)),
        vec![whole("0/1", "1/2", &s("b")), whole("1/2", "1/1", &s("c"))]
    );
    assert_eq!(
        sorted(&format!("zoom (0.25, 0.75) $ {p}"), 2),
        sorted(&format!("zoom 0.25 0.75 $ {p}"), 2)
    );
    // compress (1/4, 3/4): the cycle squeezed into the middle half.
    assert_eq!(
        events("compress (1/4, 3/4) $ s \"a b\"", r(0, 1), r(1, 1)),
        vec![whole("1/4", "1/2", &s("a")), whole("1/2", "3/4", &s("b"))]
    );
    // As a function: `every 2 (within (0.5, 1) rev)`.
    checks_clean("out: every 2 (within (0.5, 1) rev) $ s \"a b c d\"");
    assert_eq!(
        sorted("within (0.5, 1) rev $ s \"a b c d\"", 1),
        sorted("within 0.5 1 rev $ s \"a b c d\"", 1)
    );
}

// ---------------------------------------------------------------- randomness

#[test]
fn randcat_matches_tidal_over_eight_cycles() {
    // randcat ps = spread' rotL (_segment 1 $ (% 1) . fromIntegral <$> _irand n)
    //   (slowcat ps).
    // Cycle c: i = floor (n * timeToRand (c + 1/2)) (the segment's whole is the cycle,
    // rand sampled over it), then slowcat ps shifted i cycles earlier: cycle c + i of
    // slowcat, pattern (c + i) mod n at its own cycle (c + i) div n.
    let expr = "randcat [s \"a\", s \"<b1 b2>\", s \"c*2\"]";
    let mut want = Vec::new();
    let mut chosen = Vec::new();
    for c in 0..8i64 {
        let i = (3.0 * time_to_rand(c as f64 + 0.5)).floor() as i64;
        let cc = c + i;
        let j = cc.rem_euclid(3);
        let own = (cc - j).div_euclid(3);
        chosen.push(j);
        match j {
            0 => want.push(whole(&q(r(c, 1)), &q(r(c + 1, 1)), &s("a"))),
            1 => {
                let v = if own % 2 == 0 { "b1" } else { "b2" };
                want.push(whole(&q(r(c, 1)), &q(r(c + 1, 1)), &s(v)));
            }
            _ => {
                want.push(whole(&q(r(2 * c, 2)), &q(r(2 * c + 1, 2)), &s("c")));
                want.push(whole(&q(r(2 * c + 1, 2)), &q(r(2 * c + 2, 2)), &s("c")));
            }
        }
    }
    assert_eq!(events(expr, r(0, 1), r(8, 1)), want);
    // The choice really varies over these cycles.
    chosen.sort_unstable();
    chosen.dedup();
    assert!(chosen.len() > 1, "{chosen:?}");
    // A query of part of a cycle gives the same choice, cut to the query.
    let half = events(expr, r(5, 2), r(3, 1));
    let full: Vec<String> = events(expr, r(2, 1), r(3, 1));
    assert!(!half.is_empty());
    assert!(half.len() <= full.len());
}

#[test]
fn wrandcat_matches_tidal_over_eight_cycles() {
    // wrandcat ps = unwrap $ wchooseBy (segment 1 rand) ps: r = timeToRand (c + 1/2),
    // the first pattern whose running weight exceeds r * total, playing its cycle c.
    let expr = "wrandcat [(s \"a\", 1), (s \"<b1 b2>\", 2)]";
    let mut want = Vec::new();
    for c in 0..8i64 {
        let x = time_to_rand(c as f64 + 0.5) * 3.0;
        let v = if 1.0 > x {
            "a"
        } else if c % 2 == 0 {
            "b1"
        } else {
            "b2"
        };
        want.push(whole(&q(r(c, 1)), &q(r(c + 1, 1)), &s(v)));
    }
    assert_eq!(events(expr, r(0, 1), r(8, 1)), want);
}

#[test]
fn wchoose_matches_tidal() {
    // wchoose = wchooseBy rand: a continuous pattern; segment 4 samples rand over
    // each quarter's whole, at its middle (k + 1/2)/4.
    let pairs = [(0, 0.25), (2, 0.5), (7, 0.25)];
    let total: f64 = pairs.iter().map(|p| p.1).sum();
    let mut want = Vec::new();
    for k in 0..8i64 {
        let x = time_to_rand((k as f64 + 0.5) / 4.0) * total;
        let mut running = 0.0;
        let v = pairs
            .iter()
            .find(|(_, w)| {
                running += w;
                running > x
            })
            .map(|p| p.0);
        let Some(v) = v else {
            panic!("no choice at {k}")
        };
        want.push(whole(&q(r(k, 4)), &q(r(k + 1, 4)), &v.to_string()));
    }
    assert_eq!(
        events(
            "segment 4 $ wchoose [(0, 0.25), (2, 0.5), (7, 0.25)]",
            r(0, 1),
            r(2, 1)
        ),
        want
    );
    // Words, as in Tidal's example: a note pattern from weighted names.
    checks_clean(
        "out: s \"superpiano*4\" # note (segment 4 $ wchoose [(\"a\", 1), (\"e\", 0.5), (\"g\", 2)])",
    );
}

#[test]
fn spreadf_is_spread_of_application() {
    // spreadf = spread ($): cycle 0 plays rev "0 1" (1 then 0), cycle 1 fast 2 "0 1"
    // at its cycle 1 (0 1 0 1 in quarters), cycle 2 rev again.
    let n = |v: i64| format!("{{\"n\":{v}}}");
    let mut want = vec![whole("0/1", "1/2", &n(1)), whole("1/2", "1/1", &n(0))];
    for k in 4..8 {
        want.push(whole(&q(r(k, 4)), &q(r(k + 1, 4)), &n(k % 2)));
    }
    want.push(whole("2/1", "5/2", &n(1)));
    want.push(whole("5/2", "3/1", &n(0)));
    assert_eq!(
        events("spreadf [rev, fast 2] $ n \"0 1\"", r(0, 1), r(3, 1)),
        want
    );
}

#[test]
fn spread_choose_matches_tidal_over_eight_cycles() {
    // spreadChoose f vs p = do v <- _segment 1 (choose vs); f v p. choose = chooseBy
    // rand, (vs !!!) . floor <$> range 0 n rand; _segment 1 samples rand over the
    // cycle, at c + 1/2. So cycle c plays fast (vs !! i) "a b", i = floor (3 *
    // timeToRand (c + 1/2)).
    let factors = [1i64, 2, 4];
    for name in ["spreadChoose", "spreadr"] {
        let expr = format!("{name} fast [1, 2, 4] $ s \"a b\"");
        let mut want = Vec::new();
        let mut chosen = Vec::new();
        for c in 0..8i64 {
            let i = (3.0 * time_to_rand(c as f64 + 0.5)).floor() as usize;
            chosen.push(i);
            let k = 2 * factors[i];
            for j in 0..k {
                let v = if j % 2 == 0 { "a" } else { "b" };
                want.push(whole(&q(r(c * k + j, k)), &q(r(c * k + j + 1, k)), &s(v)));
            }
        }
        assert_eq!(events(&expr, r(0, 1), r(8, 1)), want, "{name}");
        chosen.sort_unstable();
        chosen.dedup();
        assert!(chosen.len() > 1, "{chosen:?}");
    }
    // The bind is `unwrap`: an event longer than the cycle is cut at its ends, its
    // whole too (slow 2 "a": whole 0..2, met with the cycle's whole 0..1 and 1..2).
    assert_eq!(
        events("spreadChoose slow [2] $ s \"a\"", r(0, 1), r(2, 1)),
        [whole("0/1", "1/1", &s("a")), whole("1/1", "2/1", &s("a"))]
    );
}

#[test]
fn select_f_picks_a_transform_by_a_float() {
    // _selectF f ps p = (ps !! floor (max 0 (min 0.999999 f) * n)) p, inner-joined
    // over f. "0 0.5" with [rev, fast 2]: f = 0 picks rev ("1 0": 1 at 0..1/2, kept
    // over f's first half), f = 0.5 picks index floor (0.5 * 2) = 1, fast 2 "0 1" (0 at
    // 1/2..3/4, 1 at 3/4..1). f = 1 is clamped to 0.999999, the last; f < 0 to 0.
    let n = |v: i64| format!("{{\"n\":{v}}}");
    assert_eq!(
        events(
            "selectF \"0 0.5\" [rev, fast 2] $ n \"0 1\"",
            r(0, 1),
            r(1, 1)
        ),
        [
            whole("0/1", "1/2", &n(1)),
            whole("1/2", "3/4", &n(0)),
            whole("3/4", "1/1", &n(1)),
        ]
    );
    assert_eq!(
        events("selectF 1 [rev, fast 2] $ n \"0 1\"", r(0, 1), r(1, 1)),
        events("fast 2 $ n \"0 1\"", r(0, 1), r(1, 1))
    );
    assert_eq!(
        events("selectF (-3) [rev, fast 2] $ n \"0 1\"", r(0, 1), r(1, 1)),
        events("rev $ n \"0 1\"", r(0, 1), r(1, 1))
    );
}

#[test]
fn spreadf_spread_choose_and_select_f_errors_point_at_the_argument() {
    one_error(
        "out: selectF 0.5 rev $ n \"0\"",
        1,
        18,
        "expected a list, found a transform waiting for its input",
    );
    one_error(
        "out: spreadChoose fast 2 $ n \"0\"",
        1,
        24,
        "expected a list, found a number",
    );
    one_error(
        "out: spreadf [rev, 2] $ n \"0\"",
        1,
        20,
        "this list holds functions, but this element is a number",
    );
    // The hint writes the list where it goes, after the parameters before it.
    let ds = phonon::check_source("out: selectF 0.5 rev $ n \"0\"");
    assert!(
        ds[0]
            .hints
            .iter()
            .any(|h| h.contains("`selectF position [a, b]`")),
        "{ds:?}"
    );
}

// ---------------------------------------------------------------- type errors

#[test]
fn list_errors_are_at_the_element_and_say_what_the_list_holds() {
    one_error(
        "out: stack [s \"a\", rev]",
        1,
        20,
        "this list holds sounds, but this element is a transform waiting for its input",
    );
    one_error(
        "out: stack [s \"a\", \"b c\"]",
        1,
        20,
        "this list holds sounds, but this element is a pattern",
    );
    one_error(
        "out: layer [rev, 1] $ s \"a\"",
        1,
        18,
        "this list holds functions, but this element is a number",
    );
    one_error(
        "out: timeCat [(1, s \"a\"), (s \"b\", 2)]",
        1,
        27,
        "this list holds pairs, but this element is a pair of a sound and a number",
    );
    one_error(
        "out: stack [sine 440, saw 220]",
        1,
        13,
        "expected a pattern or a sound, found a signal",
    );
    one_error(
        "out: stack (s \"a\")",
        1,
        12,
        "expected a list, found a sound",
    );
    one_error(
        "out: [s \"a\", s \"b\"]",
        1,
        6,
        "an output plays one value; this is a list of sounds",
    );
    one_error(
        "out: s \"a\" # [1, 2]",
        1,
        14,
        "`#` cannot be used on a list of numbers",
    );
    one_error(
        "out: spread fast [s \"a\"] $ s \"b\"",
        1,
        19,
        "expected a number or a pattern, found a sound",
    );
    // `(+ sine 1)` makes a signal of a sound, so it is no transform; `(+ n 1)` is
    // one since control arithmetic is key by key (`layer [fast 2, (+ n 1)]` checks).
    one_error(
        "out: layer [fast 2, (+ sine 1)] $ s \"a\"",
        1,
        21,
        "expected a transform, found an effect waiting for its input",
    );
    checks_clean("out: layer [fast 2, (+ n 1)] $ s \"a\"");
    one_error(
        "out: timeCat [(s \"a\", 1)]",
        1,
        16,
        "expected a number or a pattern, found a sound",
    );
    // The values of `spread` are checked as arguments of its function.
    one_error(
        "out: spread fast [\"x\", 2] $ s \"a\"",
        1,
        20,
        "`factor` of `fast` needs a number, found the word `x`",
    );
    // The hints show how lists are written and combined.
    let ds = phonon::check_source("out: stack (s \"a\")");
    assert!(
        ds[0].hints.iter().any(|h| h.contains("stack [a, b]")),
        "{ds:?}"
    );
    let ds = phonon::check_source("out: stack [sine 440, saw 220]");
    assert!(ds[0].hints.iter().any(|h| h.contains("a + b")), "{ds:?}");
}

#[test]
fn signature_of_list_builtins() {
    let sig = |n: &str| phonon::check::lookup(n).map(|b| b.signature());
    assert_eq!(sig("stack").as_deref(), Some("stack : [a] -> a"));
    assert_eq!(
        sig("timeCat").as_deref(),
        Some("timeCat : [(time, a)] -> a")
    );
    assert_eq!(
        sig("wrandcat").as_deref(),
        Some("wrandcat : [(a, number)] -> a")
    );
    assert_eq!(
        sig("layer").as_deref(),
        Some("layer : [(a -> a)] -> a -> a")
    );
    assert_eq!(
        sig("spread").as_deref(),
        Some("spread : (b -> a -> a) -> [b] -> a -> a")
    );
    assert_eq!(
        sig("spin").as_deref(),
        Some("spin : time -> sound -> sound")
    );
}
