//! Tidal's continuous patterns used bare where a pattern is expected (`# pan sine`,
//! `segment 4 $ range 1 5 saw`), through the language and `phonon query`: each value
//! is the pattern's function at the middle of the span it is sampled over (Tidal's
//! `sig`), computed here from Tidal 1.9's definitions in `Sound.Tidal.Core`.

use std::f64::consts::PI;

use phonon::query::{events_to_json_lines, query_expression};
use phonon::time::{r, Rational};

/// `(whole begin, whole end, value)` of each event with a numeric value (or the
/// number of the control `key`).
fn numbers(
    expr: &str,
    key: Option<&str>,
    from: Rational,
    to: Rational,
) -> Vec<(String, String, f64)> {
    let result =
        query_expression(expr, from, to).unwrap_or_else(|f| panic!("{expr}: {}", f.render(expr)));
    events_to_json_lines(&result)
        .lines()
        .map(|line| {
            let whole = line
                .split("\"whole\":[\"")
                .nth(1)
                .and_then(|w| w.split("\"]").next())
                .unwrap_or_else(|| panic!("no whole: {line}"));
            let (b, e) = whole
                .split_once("\",\"")
                .unwrap_or_else(|| panic!("{line}"));
            let tail = match key {
                Some(k) => line.split(&format!("\"{k}\":")).nth(1),
                None => line.split("\"value\":").nth(1),
            };
            let text: String = tail
                .unwrap_or_else(|| panic!("no value: {line}"))
                .chars()
                .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | 'e' | 'E' | '+'))
                .collect();
            let v: f64 = text.parse().unwrap_or_else(|e| panic!("{line}: {e}"));
            (b.to_string(), e.to_string(), v)
        })
        .collect()
}

fn assert_values(expr: &str, key: Option<&str>, to: i64, expected: &[(&str, &str, f64)]) {
    let got = numbers(expr, key, r(0, 1), r(to, 1));
    assert_eq!(got.len(), expected.len(), "{expr}: {got:?}");
    for (g, e) in got.iter().zip(expected) {
        assert_eq!((g.0.as_str(), g.1.as_str()), (e.0, e.1), "{expr}");
        assert!((g.2 - e.2).abs() < 1e-12, "{expr}: {} vs {}", g.2, e.2);
    }
}

fn sine(t: f64) -> f64 {
    ((2.0 * PI * t).sin() + 1.0) / 2.0
}

#[test]
fn pan_sine_reads_the_middle_of_each_event() {
    // `s "bd*4" # pan sine`: the left's structure, sine sampled at the middle of
    // each whole (1/8, 3/8, 5/8, 7/8).
    assert_values(
        "s \"bd*4\" # pan sine",
        Some("pan"),
        1,
        &[
            ("0/1", "1/4", sine(0.125)),
            ("1/4", "1/2", sine(0.375)),
            ("1/2", "3/4", sine(0.625)),
            ("3/4", "1/1", sine(0.875)),
        ],
    );
}

#[test]
fn segment_range_and_slow_take_continuous_patterns() {
    // range 1 5 saw = saw * 4 + 1; segment 4 samples each quarter's middle.
    assert_values(
        "segment 4 $ range 1 5 saw",
        None,
        1,
        &[
            ("0/1", "1/4", 1.5),
            ("1/4", "1/2", 2.5),
            ("1/2", "3/4", 3.5),
            ("3/4", "1/1", 4.5),
        ],
    );
    // slow 2 sine over two cycles, sampled at 1/2 and 3/2: sine at 1/4 and 3/4.
    assert_values(
        "segment 1 $ slow 2 sine",
        None,
        2,
        &[("0/1", "1/1", sine(0.25)), ("1/1", "2/1", sine(0.75))],
    );
    // `range` of a pattern written with `$` and in parentheses, as a control.
    assert_values(
        "s \"hh*2\" # speed (range 1 2 $ slow 4 saw)",
        Some("speed"),
        1,
        &[
            ("0/1", "1/2", 1.0 + 0.25 / 4.0),
            ("1/2", "1/1", 1.0 + 0.75 / 4.0),
        ],
    );
}

#[test]
fn each_shape_is_tidals() {
    // Quarters of a cycle, sampled at 1/8, 3/8, 5/8, 7/8.
    let mids = [0.125, 0.375, 0.625, 0.875];
    let quarters = [
        ("0/1", "1/4"),
        ("1/4", "1/2"),
        ("1/2", "3/4"),
        ("3/4", "1/1"),
    ];
    type Shape = (&'static str, fn(f64) -> f64);
    let shapes: [Shape; 9] = [
        // cosine = 0.25 `rotR` sine
        ("cosine", |t| sine(t - 0.25)),
        ("isaw", |t| 1.0 - t),
        // tri = fastAppend saw isaw: saw of 2t in the first half, isaw in the second.
        ("tri", |t| {
            if t < 0.5 {
                2.0 * t
            } else {
                1.0 - (2.0 * t - 1.0)
            }
        }),
        // square: floor (mod t 1 * 2)
        ("square", |t| (t * 2.0).floor()),
        ("sine2", |t| (2.0 * PI * t).sin()),
        ("saw2", |t| t * 2.0 - 1.0),
        ("envL", |t| t),
        ("envLR", |t| 1.0 - t),
        ("envEq", |t| (PI / 2.0 * (1.0 - t)).sin().sqrt()),
    ];
    for (name, f) in shapes {
        let expected: Vec<(&str, &str, f64)> = quarters
            .iter()
            .zip(mids)
            .map(|((b, e), t)| (*b, *e, f(t)))
            .collect();
        assert_values(&format!("segment 4 {name}"), None, 1, &expected);
    }
    // envL after its first cycle stays 1.
    assert_values(
        "segment 1 envL",
        None,
        3,
        &[
            ("0/1", "1/1", 0.5),
            ("1/1", "2/1", 1.0),
            ("2/1", "3/1", 1.0),
        ],
    );
}

#[test]
fn perlin_eases_between_the_random_values_of_whole_cycles() {
    // Tidal's timeToRand, written out from its definition: `xorwise . truncate .
    // (* 2^29) . snd . properFraction . (/ 300)`, then `(/ 2^29) . (`mod` 2^29)`.
    fn time_to_rand(t: f64) -> f64 {
        let x = t / 300.0;
        let seed = ((x - x.trunc()) * 536_870_912.0).trunc() as i64;
        let a = seed.wrapping_shl(13) ^ seed;
        let b = (a >> 17) ^ a;
        let c = b.wrapping_shl(5) ^ b;
        c.rem_euclid(536_870_912) as f64 / 536_870_912.0
    }
    let ease = |x: f64| 6.0 * x.powi(5) - 15.0 * x.powi(4) + 10.0 * x.powi(3);
    let perlin = |t: f64| {
        let a = t.floor();
        time_to_rand(a) + ease(t - a) * (time_to_rand(a + 1.0) - time_to_rand(a))
    };
    assert_values(
        "segment 2 perlin",
        None,
        2,
        &[
            ("0/1", "1/2", perlin(0.25)),
            ("1/2", "1/1", perlin(0.75)),
            ("1/1", "3/2", perlin(1.25)),
            ("3/2", "2/1", perlin(1.75)),
        ],
    );
}

#[test]
fn with_a_frequency_the_names_are_oscillators_and_bare_signals_still_need_one() {
    // `sine 440` is audio; `lpf sine` (a signal parameter) is still an error.
    let program = "out: sine 440 * 0.1 + saw \"c4 e4\" * 0.1";
    assert!(phonon::compile(program).is_ok());
    let errors = phonon::check_source("out: saw 110 # lpf sine 0.5");
    assert!(
        errors
            .iter()
            .any(|d| d.message.contains("waiting for 1 more argument")),
        "{errors:?}"
    );
}

#[test]
fn arithmetic_with_a_bare_name_is_on_the_continuous_pattern() {
    // Tidal's Num instance: `1 - saw` is `liftA2 (-) (pure 1) saw`, and `appBoth` of
    // a discrete event and a continuous one is continuous, valued where it is
    // queried: so segment 4 samples 1 - t at each quarter's middle.
    assert_values(
        "segment 4 $ 1 - saw",
        None,
        1,
        &[
            ("0/1", "1/4", 0.875),
            ("1/4", "1/2", 0.625),
            ("1/2", "3/4", 0.375),
            ("3/4", "1/1", 0.125),
        ],
    );
    // `#` queries the control over each event's whole.
    let mids = [0.125, 0.375, 0.625, 0.875];
    let quarters = [
        ("0/1", "1/4"),
        ("1/4", "1/2"),
        ("1/2", "3/4"),
        ("3/4", "1/1"),
    ];
    let expected: Vec<(&str, &str, f64)> = quarters
        .iter()
        .zip(mids)
        .map(|((b, e), t)| (*b, *e, sine(t) * 0.5 + 0.25))
        .collect();
    assert_values(
        "s \"bd*4\" # pan (sine * 0.5 + 0.25)",
        Some("pan"),
        1,
        &expected,
    );
    // Two bare names, unary minus, and a shift.
    assert_values(
        "segment 2 $ sine * saw",
        None,
        1,
        &[
            ("0/1", "1/2", sine(0.25) * 0.25),
            ("1/2", "1/1", sine(0.75) * 0.75),
        ],
    );
    assert_values(
        "segment 2 $ -saw",
        None,
        1,
        &[("0/1", "1/2", -0.25), ("1/2", "1/1", -0.75)],
    );
    // 0.25 ~> saw is saw of t - 1/4: at 1/4 and 3/4, 0 and 1/2.
    assert_values(
        "segment 2 $ 0.25 ~> saw",
        None,
        1,
        &[("0/1", "1/2", 0.0), ("1/2", "1/1", 0.5)],
    );
}

#[test]
fn a_discrete_pattern_plus_a_continuous_one_is_continuous() {
    // appBoth: the pair (1 over [0, 1/2), sine) has no whole, its part is the
    // intersection, and sine is read over the query, here [0, 1/4): at 1/8.
    let got = crate::common::json::events("\"1 2\" + sine", r(0, 1), r(1, 4));
    let value = 1.0 + sine(0.125);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with("{\"whole\":null,\"part\":[\"0/1\",\"1/4\"],\"value\":"),
        "{got:?}"
    );
    let v: f64 = got[0]
        .trim_start_matches("{\"whole\":null,\"part\":[\"0/1\",\"1/4\"],\"value\":")
        .trim_end_matches('}')
        .parse()
        .unwrap_or_else(|e| panic!("{got:?}: {e}"));
    assert!((v - value).abs() < 1e-12, "{v} vs {value}");
}

#[test]
fn beside_a_signal_a_bare_name_is_still_an_oscillator_waiting_for_its_frequency() {
    let errors = phonon::check_source("out: saw * sine 3");
    assert!(
        errors
            .iter()
            .any(|d| d.message.contains("waiting") && d.span.start == 5),
        "{errors:?}"
    );
}
