//! Arithmetic on patterns of controls, key by key as in Tidal 1.9 (`Num ValueMap`:
//! `(+) = Map.unionWith (fNum2 (+) (+))`, `a - b = a + negate b`, `a / b = a * recip
//! b`; `fNum2` keeps the left value when either side is a word), and the one
//! exception LANGUAGE.md makes: plain `+ - * /` between two sounds that both name
//! what plays mixes their audio. Expected events are worked out by hand.

use crate::common::errors::reported;
use crate::common::json::{events, whole};
use crate::common::rendering::render_with;
use phonon::render::Length;
use phonon::runtime::Config;
use phonon::time::r;

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn adding_two_control_patterns_adds_key_by_key() {
    // Structure from both sides: cycle 0 adds 12 to each of 0 and 2, cycle 1 adds 7.
    assert_eq!(
        events("n \"0 2\" + n \"<12 7>\"", r(0, 1), r(2, 1)),
        vec![
            whole("0/1", "1/2", "{\"n\":12}"),
            whole("1/2", "1/1", "{\"n\":14}"),
            whole("1/1", "3/2", "{\"n\":7}"),
            whole("3/2", "2/1", "{\"n\":9}"),
        ]
    );
}

#[test]
fn bars_on_both_sides_add_key_by_key_with_wholes_intersected() {
    // 0 [0,1/2) 1 [1/2,3/4) 2 [3/4,1) against 10 [0,1/3) 20 [1/3,2/3) 30 [2/3,1):
    // every overlapping pair, on the intersection of the two wholes.
    assert_eq!(
        sorted(events("n \"0 [1 2]\" |+| n \"10 20 30\"", r(0, 1), r(1, 1))),
        sorted(vec![
            whole("0/1", "1/3", "{\"n\":10}"),
            whole("1/3", "1/2", "{\"n\":20}"),
            whole("1/2", "2/3", "{\"n\":21}"),
            whole("2/3", "3/4", "{\"n\":31}"),
            whole("3/4", "1/1", "{\"n\":32}"),
        ])
    );
}

#[test]
fn keys_on_one_side_are_kept_and_negated_or_inverted_as_tidal_does() {
    // n 5 - (n 2, speed 4) = n 5 + (n -2, speed -4); n 5 / ... = n 5 * (n 1/2, speed 1/4).
    assert_eq!(
        events("n 5 - (n 2 # speed 4)", r(0, 1), r(1, 1)),
        vec![whole("0/1", "1/1", "{\"n\":3,\"speed\":-4}")]
    );
    assert_eq!(
        events("n 5 / (n 2 # speed 4)", r(0, 1), r(1, 1)),
        vec![whole("0/1", "1/1", "{\"n\":2.5,\"speed\":0.25}")]
    );
    assert_eq!(
        events("(n 5 # gain 0.5) * n 2", r(0, 1), r(1, 1)),
        vec![whole("0/1", "1/1", "{\"n\":10,\"gain\":0.5}")]
    );
}

#[test]
fn a_sound_plus_controls_is_still_a_sound_with_its_notes_moved() {
    // Only the left side names what plays, so `+` is key by key: s is kept, n added.
    assert_eq!(
        events(
            "(n \"0 2\" # s \"superpiano\") + n \"<12 7>\"",
            r(0, 1),
            r(1, 1)
        ),
        vec![
            whole("0/1", "1/2", "{\"s\":\"superpiano\",\"n\":12}"),
            whole("1/2", "1/1", "{\"s\":\"superpiano\",\"n\":14}"),
        ]
    );
    // Controls first, then the sound: the same union.
    assert_eq!(
        events("n \"<12 7>\" + s \"x\"", r(1, 1), r(2, 1)),
        vec![whole("1/1", "2/1", "{\"s\":\"x\",\"n\":7}")]
    );
}

#[test]
fn adding_words_keeps_the_left_one_and_sample_names_are_never_notes() {
    // fNum2's fallback: two strings keep the left. `e` and `a` are note names, but as
    // sample names they stay words.
    for (expr, want) in [
        ("s \"e\" |+| s \"a\"", "e"),
        ("s \"e\" |+ s \"a\"", "e"),
        ("s \"bd\" +| s \"sn\"", "bd"),
        ("s \"e\" |> s \"a\"", "a"),
        ("s \"e\" |< s \"a\"", "e"),
    ] {
        assert_eq!(
            events(expr, r(0, 1), r(1, 1)),
            vec![whole("0/1", "1/1", &format!("{{\"s\":\"{want}\"}}"))],
            "{expr}"
        );
    }
}

#[test]
fn a_transform_that_names_what_plays_makes_a_playing_sound() {
    // `every 2 (# s "x")` names what plays, so the controls it is applied to play,
    // and adding controls to them stays key by key.
    let src = "out: (every 2 (# s \"x\") $ n \"0 1\") + n 12\n";
    let errors: Vec<String> = phonon::check_source(src)
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        events("(every 2 (# s \"x\") $ n \"0 1\") + n 12", r(0, 1), r(1, 1)),
        vec![
            whole("0/1", "1/2", "{\"s\":\"x\",\"n\":12}"),
            whole("1/2", "1/1", "{\"s\":\"x\",\"n\":13}"),
        ]
    );
}

#[test]
fn controls_that_never_name_what_plays_are_still_reported() {
    let src = "out: n \"0 2\" + n \"<12 7>\"\n";
    let errors = reported(src);
    assert_eq!(
        errors,
        [(
            1,
            6,
            "this sound names no sample or synth, so it plays nothing".to_string()
        )]
    );
}

#[test]
fn two_playing_sounds_still_mix_their_audio() {
    let config = Config::default();
    let length = Length::Cycles(2.0);
    let mixed = render_with(
        "~kick: s \"bd*2\"\n~hats: s \"hh*4\"\nout: ~kick + ~hats\n",
        length,
        config,
    );
    let apart = render_with("out: s \"bd*2\"\nout2: s \"hh*4\"\n", length, config);
    assert_eq!(mixed.left.len(), apart.left.len());
    let peak = apart.left.iter().fold(0f32, |m, x| m.max(x.abs()));
    assert!(peak > 0.1, "the kit plays: {peak}");
    for (i, (a, b)) in mixed.left.iter().zip(&apart.left).enumerate() {
        assert!((a - b).abs() < 1e-6, "frame {i}: {a} against {b}");
    }
    // The mix is a signal: `#` puts an effect on the sum, as the earlier engine did.
    let src = "~kick: s \"bd*2\"\n~hats: s \"hh*4\"\nout: ~kick + ~hats # reverb 0.3 0.5\n";
    assert!(phonon::check_source(src).iter().all(|d| !d.is_error()));
}

#[test]
fn bars_on_signals_are_an_error_at_the_operator_operand() {
    let src = "out: sine 440 |+| sine 220\n";
    let errors = reported(src);
    assert_eq!(
        errors,
        [(1, 6, "`|+|` cannot be used on a signal".to_string())]
    );
}

#[test]
fn the_remainder_family_is_tidals_floored_mod() {
    // Tidal's `|%|` is `gmod <$> a <*> b`, with `mod'` on doubles: x - y * floor (x/y),
    // the sign of the divisor: -1 mod 3 = 2, 5 mod 2 = 1.
    assert_eq!(
        events("\"-1 5\" |%| \"3 2\"", r(0, 1), r(1, 1)),
        vec![whole("0/1", "1/2", "2"), whole("1/2", "1/1", "1")]
    );
    // On controls key by key (`Map.unionWith (fNum2 mod mod')`), structure from the
    // left; a key only on the right is kept.
    assert_eq!(
        events("n \"0 .. 3\" # s \"x\" |% n 2", r(0, 1), r(1, 1)),
        vec![
            whole("0/1", "1/4", "{\"s\":\"x\",\"n\":0}"),
            whole("1/4", "1/2", "{\"s\":\"x\",\"n\":1}"),
            whole("1/2", "3/4", "{\"s\":\"x\",\"n\":0}"),
            whole("3/4", "1/1", "{\"s\":\"x\",\"n\":1}"),
        ]
    );
    assert_eq!(
        events("s \"x\" |% n 2", r(0, 1), r(1, 1)),
        vec![whole("0/1", "1/1", "{\"s\":\"x\",\"n\":2}")]
    );
    // `%|`: the structure of the right, one whole a cycle, in two fragments: 5 mod 3
    // and 7 mod 3; in cycle 1, 5 mod 4 and 7 mod 4.
    use crate::common::json::ev;
    assert_eq!(
        events("n \"5 7\" %| n \"<3 4>\"", r(0, 1), r(2, 1)),
        vec![
            ev(("0/1", "1/1"), ("0/1", "1/2"), "{\"n\":2}"),
            ev(("0/1", "1/1"), ("1/2", "1/1"), "{\"n\":1}"),
            ev(("1/1", "2/1"), ("1/1", "3/2"), "{\"n\":1}"),
            ev(("1/1", "2/1"), ("3/2", "2/1"), "{\"n\":3}"),
        ]
    );
    // On a signal it is an error at the operand.
    let src = "out: sine 3 |% 2\n";
    let errors = reported(src);
    assert_eq!(
        errors,
        [(1, 6, "`|%` cannot be used on a signal".to_string())]
    );
}
