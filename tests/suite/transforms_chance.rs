//! The random transforms, checked against expectations computed here from Tidal's
//! definitions: Tidal's `timeToRand` is re-implemented below from its source
//! (`xorwise`, the `/300` and `2^29` scaling), and the kept/dropped events, choices and
//! permutations are derived from it by hand-written rules, never from the code under
//! test.

use std::sync::Arc;

use phonon::pattern::random::segment;
use phonon::pattern::transforms::chance::*;
use phonon::pattern::transforms::Transform;
use phonon::pattern::value::Value;
use phonon::pattern::{fastcat, slowcat, Pattern};
use phonon::time::{r, Rational, Span};

// ---------------------------------------------------------------- Tidal's randomness

fn xorwise(x: i64) -> i64 {
    let a = x.wrapping_shl(13) ^ x;
    let b = (a >> 17) ^ a;
    b.wrapping_shl(5) ^ b
}

fn seed_of(t: f64) -> i64 {
    let x = t / 300.0;
    xorwise((x.fract() * 536_870_912.0).trunc() as i64)
}

fn seed_to_rand(seed: i64) -> f64 {
    seed.rem_euclid(536_870_912) as f64 / 536_870_912.0
}

/// Tidal's `timeToRand`.
fn ttr(t: f64) -> f64 {
    seed_to_rand(seed_of(t))
}

/// Tidal's `timeToRands`.
fn ttrs(t: f64, n: usize) -> Vec<f64> {
    let mut seed = seed_of(t);
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(seed_to_rand(seed));
        seed = xorwise(seed);
    }
    out
}

#[test]
fn reference_rand_values() {
    // Worked by hand: t = 0 gives seed 0 and rand 0; t = 1 gives
    // trunc(2^29/300) = 1789569, then one xorshift round.
    assert_eq!(ttr(0.0), 0.0);
    let x: i64 = 1_789_569;
    let a = (x << 13) ^ x;
    let b = (a >> 17) ^ a;
    let c = (b << 5) ^ b;
    assert_eq!(ttr(1.0), (c % 536_870_912) as f64 / 536_870_912.0);
}

// ---------------------------------------------------------------- helpers

type Ev = (Option<Span>, Span, Value);

fn sp(b: Rational, e: Rational) -> Span {
    Span::new(b, e)
}

fn num(x: f64) -> Value {
    Value::Num(x)
}

fn word(w: &str) -> Value {
    Value::word(w)
}

fn nums(xs: &[f64]) -> Pattern<Value> {
    fastcat(xs.iter().map(|x| Pattern::pure(num(*x))).collect())
}

fn words(ws: &[&str]) -> Pattern<Value> {
    fastcat(ws.iter().map(|w| Pattern::pure(word(w))).collect())
}

fn sort(evs: &mut [Ev]) {
    evs.sort_by(|a, b| {
        (a.1.begin, a.1.end, a.0.map(|w| w.begin))
            .cmp(&(b.1.begin, b.1.end, b.0.map(|w| w.begin)))
            .then_with(|| a.2.to_string().cmp(&b.2.to_string()))
    });
}

fn query(p: &Pattern<Value>, b: Rational, e: Rational) -> Vec<Ev> {
    let mut evs: Vec<Ev> = p
        .query_checked(sp(b, e))
        .expect("no overflow")
        .into_iter()
        .map(|e| (e.whole, e.part, e.value))
        .collect();
    sort(&mut evs);
    evs
}

fn whole_event(b: Rational, e: Rational, v: Value) -> Ev {
    (Some(sp(b, e)), sp(b, e), v)
}

/// The event of slot `k` of `n` in cycle `c`.
fn slot(c: i64, k: i64, n: i64, v: Value) -> Ev {
    whole_event(
        Rational::from_int(c) + r(k, n),
        Rational::from_int(c) + r(k + 1, n),
        v,
    )
}

/// The midpoint of slot `k` of `n` in cycle `c`, as a float.
fn slot_mid(c: i64, k: i64, n: i64) -> f64 {
    c as f64 + (2 * k + 1) as f64 / (2 * n) as f64
}

fn add_100() -> Transform<Value> {
    Arc::new(|p: Pattern<Value>| p.fmap(|v| num(v.as_f64().unwrap_or(0.0) + 100.0)))
}

const EIGHT: [f64; 8] = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0];

// ---------------------------------------------------------------- degrade

/// The events of `nums(EIGHT)` in cycles `0..cycles` whose rand passes `keep`.
fn eight_where(cycles: i64, keep: impl Fn(f64, i64) -> bool) -> Vec<Ev> {
    let mut out = Vec::new();
    for c in 0..cycles {
        for k in 0..8 {
            if keep(ttr(slot_mid(c, k, 8)), k) {
                out.push(slot(c, k, 8, num(k as f64)));
            }
        }
    }
    sort(&mut out);
    out
}

#[test]
fn degrade_by_keeps_events_whose_rand_exceeds_the_amount() {
    let p = degrade_by(Pattern::pure(num(0.5)), nums(&EIGHT));
    let expected = eight_where(4, |x, _| x > 0.5);
    assert!(expected.len() > 4 && expected.len() < 28, "a real mix");
    assert_eq!(query(&p, r(0, 1), r(4, 1)), expected);
    // `degrade` is `degradeBy 0.5`.
    assert_eq!(query(&degrade(nums(&EIGHT)), r(0, 1), r(4, 1)), expected);
}

#[test]
fn degrade_samples_rand_over_the_whole_event() {
    // A query for part of an event uses the whole's midpoint: the fragment is kept
    // exactly when the whole event is.
    let p = degrade_by_n(0.5, nums(&EIGHT));
    for k in 0..8 {
        let b = r(k, 8);
        let got = query(&p, b + r(1, 32), b + r(1, 16));
        let kept = ttr(slot_mid(0, k, 8)) > 0.5;
        let expected = if kept {
            vec![(
                Some(sp(b, b + r(1, 8))),
                sp(b + r(1, 32), b + r(1, 16)),
                num(k as f64),
            )]
        } else {
            vec![]
        };
        assert_eq!(got, expected, "slot {k}");
    }
}

#[test]
fn undegrade_by_is_the_exact_complement() {
    let p = undegrade_by(Pattern::pure(num(0.3)), nums(&EIGHT));
    let expected = eight_where(4, |x, _| x <= 0.3);
    assert!(!expected.is_empty());
    assert_eq!(query(&p, r(0, 1), r(4, 1)), expected);
    let mut both = query(&degrade_by_n(0.3, nums(&EIGHT)), r(0, 1), r(4, 1));
    both.extend(query(&p, r(0, 1), r(4, 1)));
    sort(&mut both);
    assert_eq!(both, eight_where(4, |_, _| true));
}

#[test]
fn degrade_by_takes_a_patterned_amount() {
    // degradeBy "0.2 0.8": the first half of each cycle with 0.2, the second with 0.8.
    let p = degrade_by(nums(&[0.2, 0.8]), nums(&EIGHT));
    let expected = eight_where(4, |x, k| if k < 4 { x > 0.2 } else { x > 0.8 });
    assert_eq!(query(&p, r(0, 1), r(4, 1)), expected);
}

#[test]
fn degrade_edge_amounts() {
    // Every rand value is in [0, 1): amount 1 drops everything, a negative amount
    // keeps everything, a non-numeric amount gives silence.
    assert!(query(&degrade_by_n(1.0, nums(&EIGHT)), r(0, 1), r(2, 1)).is_empty());
    assert_eq!(
        query(&degrade_by_n(-1.0, nums(&EIGHT)), r(0, 1), r(2, 1)),
        eight_where(2, |_, _| true)
    );
    let p = degrade_by(Pattern::pure(word("x")), nums(&EIGHT));
    assert!(query(&p, r(0, 1), r(1, 1)).is_empty());
    let p = degrade_by(Pattern::pure(num(f64::NAN)), nums(&EIGHT));
    assert!(query(&p, r(0, 1), r(1, 1)).is_empty());
}

// ---------------------------------------------------------------- sometimes

#[test]
fn sometimes_by_applies_f_to_the_undegraded_events() {
    let p = sometimes_by(Pattern::pure(num(0.5)), add_100(), nums(&EIGHT));
    let mut expected = Vec::new();
    for c in 0..4 {
        for k in 0..8 {
            let kept = ttr(slot_mid(c, k, 8)) > 0.5;
            let v = if kept { k as f64 } else { k as f64 + 100.0 };
            expected.push(slot(c, k, 8, num(v)));
        }
    }
    sort(&mut expected);
    assert_eq!(query(&p, r(0, 1), r(4, 1)), expected);
}

#[test]
fn sometimes_by_chooses_before_applying_f() {
    // Tidal 1.9: `f $ unDegradeBy x pat`. With f = fast 2, the chosen events are the
    // ones whose rand (at their original, un-sped-up position) is <= 0.5, then sped
    // up: cycle 0 holds original cycles 0 and 1 at double speed.
    let fast2: Transform<Value> = Arc::new(|p: Pattern<Value>| p.fast(r(2, 1)));
    let p = sometimes_by(Pattern::pure(num(0.5)), fast2, nums(&EIGHT));
    let mut expected = Vec::new();
    for k in 0..8 {
        if ttr(slot_mid(0, k, 8)) > 0.5 {
            expected.push(slot(0, k, 8, num(k as f64)));
        }
    }
    for c in 0..2 {
        for k in 0..8 {
            if ttr(slot_mid(c, k, 8)) <= 0.5 {
                expected.push(slot(0, c * 8 + k, 16, num(k as f64)));
            }
        }
    }
    sort(&mut expected);
    assert_eq!(query(&p, r(0, 1), r(1, 1)), expected);
}

#[test]
fn sometimes_aliases_use_their_amounts() {
    type Alias = fn(Transform<Value>, Pattern<Value>) -> Pattern<Value>;
    let cases: [(Alias, f64); 5] = [
        (sometimes, 0.5),
        (often, 0.75),
        (rarely, 0.25),
        (almost_never, 0.1),
        (almost_always, 0.9),
    ];
    for (f, amount) in cases {
        let p = f(add_100(), nums(&EIGHT));
        let mut expected = Vec::new();
        for c in 0..3 {
            for k in 0..8 {
                let v = if ttr(slot_mid(c, k, 8)) > amount {
                    k as f64
                } else {
                    k as f64 + 100.0
                };
                expected.push(slot(c, k, 8, num(v)));
            }
        }
        sort(&mut expected);
        assert_eq!(query(&p, r(0, 1), r(3, 1)), expected, "amount {amount}");
    }
    let plus = |k: i64| num(k as f64 + 100.0);
    let all: Vec<Ev> = (0..8).map(|k| slot(0, k, 8, plus(k))).collect();
    assert_eq!(
        query(&always(add_100(), nums(&EIGHT)), r(0, 1), r(1, 1)),
        all
    );
    let none: Vec<Ev> = (0..8).map(|k| slot(0, k, 8, num(k as f64))).collect();
    assert_eq!(
        query(&never(add_100(), nums(&EIGHT)), r(0, 1), r(1, 1)),
        none
    );
}

#[test]
fn some_cycles_by_switches_whole_cycles() {
    let p = some_cycles_by(Pattern::pure(num(0.5)), add_100(), nums(&[1.0, 2.0]));
    let mut changed = 0;
    for c in 0..16 {
        let on = ttr(c as f64) < 0.5;
        changed += on as usize;
        let add = if on { 100.0 } else { 0.0 };
        let expected = vec![slot(c, 0, 2, num(1.0 + add)), slot(c, 1, 2, num(2.0 + add))];
        let cr = Rational::from_int(c);
        assert_eq!(query(&p, cr, cr + r(1, 1)), expected, "cycle {c}");
    }
    assert!(changed > 0 && changed < 16, "a real mix");
    // someCycles = someCyclesBy 0.5, and a query across cycles is split per cycle.
    let q = some_cycles(add_100(), nums(&[1.0, 2.0]));
    assert_eq!(query(&q, r(0, 1), r(16, 1)), query(&p, r(0, 1), r(16, 1)));
}

// ---------------------------------------------------------------- shuffle, scramble

#[test]
fn shuffle_plays_a_random_permutation_per_cycle() {
    let letters = ["a", "b", "c", "d"];
    let p = shuffle(Pattern::pure(num(4.0)), words(&letters));
    let mut seen_orders = std::collections::BTreeSet::new();
    for c in 0..6 {
        // randrun: slot k holds the index with the k-th smallest of timeToRands(c, 4).
        let rs = ttrs(c as f64, 4);
        let mut idx: Vec<usize> = (0..4).collect();
        idx.sort_by(|a, b| rs[*a].partial_cmp(&rs[*b]).unwrap());
        let expected: Vec<Ev> = idx
            .iter()
            .enumerate()
            .map(|(k, i)| slot(c, k as i64, 4, word(letters[*i])))
            .collect();
        let cr = Rational::from_int(c);
        assert_eq!(query(&p, cr, cr + r(1, 1)), expected, "cycle {c}");
        seen_orders.insert(idx);
    }
    assert!(seen_orders.len() > 1, "the order changes between cycles");
}

#[test]
fn shuffle_moves_whole_parts_with_their_inner_events() {
    // shuffle 2 "a b c d": the parts are "a b" and "c d".
    let p = shuffle_n(2, words(&["a", "b", "c", "d"]));
    for c in 0..4 {
        let rs = ttrs(c as f64, 2);
        let first = if rs[0] <= rs[1] { 0 } else { 1 };
        let order = [first, 1 - first];
        let parts = [["a", "b"], ["c", "d"]];
        let mut expected = Vec::new();
        for (k, part) in order.iter().enumerate() {
            for (j, w) in parts[*part].iter().enumerate() {
                expected.push(slot(c, 2 * k as i64 + j as i64, 4, word(w)));
            }
        }
        let cr = Rational::from_int(c);
        assert_eq!(query(&p, cr, cr + r(1, 1)), expected, "cycle {c}");
    }
}

#[test]
fn scramble_draws_parts_with_replacement() {
    let letters = ["a", "b", "c", "d"];
    let p = scramble(Pattern::pure(num(4.0)), words(&letters));
    for c in 0..6 {
        // _segment 4 $ _irand 4: slot k draws floor(4 * rand at the slot's midpoint).
        let expected: Vec<Ev> = (0..4)
            .map(|k| {
                let i = (4.0 * ttr(slot_mid(c, k, 4))).floor() as usize;
                slot(c, k, 4, word(letters[i]))
            })
            .collect();
        let cr = Rational::from_int(c);
        assert_eq!(query(&p, cr, cr + r(1, 1)), expected, "cycle {c}");
    }
}

#[test]
fn shuffle_and_scramble_of_the_later_cycles_use_those_cycles() {
    // The parts come from the cycle being played: cat ["a b", "c d"] alternates.
    let src = slowcat(vec![words(&["a", "b"]), words(&["c", "d"])]);
    let p = shuffle_n(2, src);
    let rs = ttrs(1.0, 2);
    let (x, y) = if rs[0] <= rs[1] {
        ("c", "d")
    } else {
        ("d", "c")
    };
    assert_eq!(
        query(&p, r(1, 1), r(2, 1)),
        vec![slot(1, 0, 2, word(x)), slot(1, 1, 2, word(y))]
    );
}

#[test]
fn shuffle_and_scramble_edge_counts_are_silent_or_trivial() {
    let p = words(&["a", "b"]);
    for n in [0.0, -3.0, 1e18, f64::NAN] {
        assert!(query(&shuffle(Pattern::pure(num(n)), p.clone()), r(0, 1), r(2, 1)).is_empty());
        assert!(query(
            &scramble(Pattern::pure(num(n)), p.clone()),
            r(0, 1),
            r(2, 1)
        )
        .is_empty());
    }
    // shuffle 1 is the identity.
    assert_eq!(
        query(&shuffle_n(1, p.clone()), r(0, 1), r(2, 1)),
        query(&p, r(0, 1), r(2, 1))
    );
    assert!(query(&randrun(0).fmap(|i| num(*i as f64)), r(0, 1), r(1, 1)).is_empty());
}

// ---------------------------------------------------------------- rand, irand, choose

#[test]
fn rand_is_continuous_and_sampled_at_the_query_midpoint() {
    assert_eq!(
        query(&rand(), r(0, 1), r(1, 4)),
        vec![(None, sp(r(0, 1), r(1, 4)), num(ttr(0.125)))]
    );
    assert_eq!(
        query(&rand(), r(3, 2), r(7, 4)),
        vec![(None, sp(r(3, 2), r(7, 4)), num(ttr(1.625)))]
    );
}

#[test]
fn irand_gives_whole_numbers_below_n() {
    let p = segment(r(4, 1), irand(Pattern::pure(num(8.0))));
    let mut expected = Vec::new();
    for c in 0..3 {
        for k in 0..4 {
            let v = (8.0 * ttr(slot_mid(c, k, 4))).floor();
            expected.push(slot(c, k, 4, num(v)));
        }
    }
    assert_eq!(query(&p, r(0, 1), r(3, 1)), expected);
    // `irand n` is `n >>= _irand`: continuous within each event of n, so a query
    // over two cycles is cut at the cycle boundary and sampled per piece.
    assert_eq!(
        query(&irand(Pattern::pure(num(8.0))), r(0, 1), r(2, 1)),
        vec![
            (None, sp(r(0, 1), r(1, 1)), num((8.0 * ttr(0.5)).floor())),
            (None, sp(r(1, 1), r(2, 1)), num((8.0 * ttr(1.5)).floor())),
        ]
    );
    // Degenerate counts do not panic.
    for n in [0.0, -5.0, 1e300, f64::NAN] {
        let _ = query(
            &segment(r(4, 1), irand(Pattern::pure(num(n)))),
            r(0, 1),
            r(1, 1),
        );
    }
}

#[test]
fn choose_picks_among_the_values_of_cycle_zero() {
    let p = segment(r(4, 1), choose(words(&["a", "b", "c"])));
    let choices = ["a", "b", "c"];
    let mut expected = Vec::new();
    for c in 0..3 {
        for k in 0..4 {
            let i = (3.0 * ttr(slot_mid(c, k, 4))).floor() as usize;
            expected.push(slot(c, k, 4, word(choices[i])));
        }
    }
    assert_eq!(query(&p, r(0, 1), r(3, 1)), expected);

    // Only cycle 0 counts: "a b c d" slowed by 2 offers a and b.
    let p = segment(r(8, 1), choose(words(&["a", "b", "c", "d"]).slow(r(2, 1))));
    let got = query(&p, r(0, 1), r(1, 1));
    let expected: Vec<Ev> = (0..8)
        .map(|k| {
            let i = (2.0 * ttr(slot_mid(0, k, 8))).floor() as usize;
            slot(0, k, 8, word(["a", "b"][i]))
        })
        .collect();
    assert_eq!(got, expected);

    assert!(query(&choose(Pattern::silence()), r(0, 1), r(1, 1)).is_empty());
}

#[test]
fn wchoose_weights_the_choice() {
    let pairs = vec![
        (word("a"), 1.0),
        (word("e"), 0.5),
        (word("g"), 2.0),
        (word("c"), 1.0),
    ];
    let p = segment(r(8, 1), wchoose(pairs));
    // Cumulative weights 1, 1.5, 3.5, 4.5: the first that exceeds rand * 4.5.
    let pick = |x: f64| {
        let t = x * 4.5;
        if 1.0 > t {
            "a"
        } else if 1.5 > t {
            "e"
        } else if 3.5 > t {
            "g"
        } else {
            "c"
        }
    };
    let mut expected = Vec::new();
    for c in 0..2 {
        for k in 0..8 {
            expected.push(slot(c, k, 8, word(pick(ttr(slot_mid(c, k, 8))))));
        }
    }
    assert_eq!(query(&p, r(0, 1), r(2, 1)), expected);
    // All-zero weights and no choices never panic.
    let _ = query(&wchoose(vec![(word("a"), 0.0)]), r(0, 1), r(1, 1));
    assert!(query(&wchoose(vec![]), r(0, 1), r(1, 1)).is_empty());
}
