//! Scales, arpeggios and rolled chords through the language, with Tidal 1.9's
//! meanings (`Sound.Tidal.Scales`, `arp` and `rolledBy` in `Sound.Tidal.UI`): exact
//! events in exact rational time, expected values worked out by hand from the
//! scale steps and from Tidal's definitions.

use phonon::pattern::transforms::harmony::{scale_steps, SCALES};
use phonon::query::query_expression;
use phonon::time::{r, Rational};

/// `(whole, part, value)`, times as `(num, den)` pairs; a whole-less event has
/// `None`.
type Ev = (Option<(Rational, Rational)>, (Rational, Rational), f64);

/// The events of `expr` from `from` to `to`, as numbers, in a fixed order.
fn events(expr: &str, from: Rational, to: Rational) -> Vec<Ev> {
    let result =
        query_expression(expr, from, to).unwrap_or_else(|f| panic!("{expr}: {:?}", f.diagnostics));
    let mut out: Vec<Ev> = result
        .events
        .iter()
        .map(|e| {
            let value = e
                .value
                .as_f64()
                .unwrap_or_else(|| panic!("{expr}: {} is not a number", e.value));
            (
                e.whole.map(|w| (w.begin, w.end)),
                (e.part.begin, e.part.end),
                value,
            )
        })
        .collect();
    sorted(&mut out);
    out
}

fn sorted(evs: &mut [Ev]) {
    evs.sort_by(|a, b| (a.1, a.0).cmp(&(b.1, b.0)).then(a.2.total_cmp(&b.2)));
}

/// Whole events (part = whole) from `(begin, end, value)` with times in `1/den`ths.
fn whole_events(den: i64, notes: &[(i64, i64, f64)]) -> Vec<Ev> {
    let mut out: Vec<Ev> = notes
        .iter()
        .map(|&(b, e, v)| {
            let span = (r(b, den), r(e, den));
            (Some(span), span, v)
        })
        .collect();
    sorted(&mut out);
    out
}

fn one_cycle(expr: &str) -> Vec<Ev> {
    events(expr, r(0, 1), r(1, 1))
}

#[test]
fn scale_maps_degrees_to_semitones_with_octaves_both_ways() {
    // Major: 0 2 4 5 7 9 11, then the octave.
    assert_eq!(
        one_cycle(r#"scale "major" "0 .. 7""#),
        whole_events(
            8,
            &[
                (0, 1, 0.0),
                (1, 2, 2.0),
                (2, 3, 4.0),
                (3, 4, 5.0),
                (4, 5, 7.0),
                (5, 6, 9.0),
                (6, 7, 11.0),
                (7, 8, 12.0)
            ]
        )
    );
    // Minor pentatonic, five steps: degree -1 is the top step an octave down
    // (10 - 12), degree 5 the root an octave up, degree 11 the second step two up.
    assert_eq!(
        one_cycle(r#"scale "minPent" "-1 5 11""#),
        whole_events(3, &[(0, 1, -2.0), (1, 2, 12.0), (2, 3, 27.0)])
    );
    // Quarter tones of a maqam.
    assert_eq!(
        one_cycle(r#"scale "bayati" "1 8""#),
        whole_events(2, &[(0, 1, 1.5), (1, 2, 13.5)])
    );
}

#[test]
fn scale_names_are_a_pattern_sampled_at_each_note() {
    // The notes give the structure; the name is read where each note starts.
    assert_eq!(
        events(r#"scale "<major minor>" "2 6""#, r(0, 1), r(2, 1)),
        whole_events(2, &[(0, 1, 4.0), (1, 2, 11.0), (2, 3, 3.0), (3, 4, 10.0)])
    );
    assert_eq!(
        one_cycle(r#"scale "major dorian" "2*4""#),
        whole_events(4, &[(0, 1, 4.0), (1, 2, 4.0), (2, 3, 3.0), (3, 4, 3.0)])
    );
    // An unknown name is Tidal's fallback scale [0]: every degree an octave.
    assert_eq!(
        one_cycle(r#"scale "nope" "0 1 2""#),
        whole_events(3, &[(0, 1, 0.0), (1, 2, 12.0), (2, 3, 24.0)])
    );
}

#[test]
fn the_scale_table_has_every_scale_of_tidal_1_9() {
    assert_eq!(SCALES.len(), 76);
    let names: Vec<&str> = SCALES.iter().map(|(n, _)| *n).collect();
    for n in [
        "minPent",
        "majPent",
        "ritusen",
        "egyptian",
        "kumai",
        "hirajoshi",
        "iwato",
        "chinese",
        "indian",
        "pelog",
        "prometheus",
        "scriabin",
        "gong",
        "shang",
        "jiao",
        "zhi",
        "yu",
        "whole",
        "wholetone",
        "augmented",
        "augmented2",
        "hexMajor7",
        "hexDorian",
        "hexPhrygian",
        "hexSus",
        "hexMajor6",
        "hexAeolian",
        "major",
        "ionian",
        "dorian",
        "phrygian",
        "lydian",
        "mixolydian",
        "aeolian",
        "minor",
        "locrian",
        "harmonicMinor",
        "harmonicMajor",
        "melodicMinor",
        "melodicMinorDesc",
        "melodicMajor",
        "bartok",
        "hindu",
        "todi",
        "purvi",
        "marva",
        "bhairav",
        "ahirbhairav",
        "superLocrian",
        "romanianMinor",
        "hungarianMinor",
        "neapolitanMinor",
        "enigmatic",
        "spanish",
        "leadingWhole",
        "lydianMinor",
        "neapolitanMajor",
        "locrianMajor",
        "diminished",
        "octatonic",
        "diminished2",
        "octatonic2",
        "messiaen1",
        "messiaen2",
        "messiaen3",
        "messiaen4",
        "messiaen5",
        "messiaen6",
        "messiaen7",
        "chromatic",
        "bayati",
        "hijaz",
        "sikah",
        "rast",
        "saba",
        "iraq",
    ] {
        assert!(names.contains(&n), "{n}");
    }
    // Every scale starts on its root, climbs, and stays inside the octave.
    for (name, steps) in SCALES {
        assert_eq!(steps.first(), Some(&0.0), "{name}");
        assert!(steps.windows(2).all(|w| w[0] < w[1]), "{name}");
        assert!(steps.iter().all(|s| *s < 12.0), "{name}");
    }
    // The church modes are rotations of the major scale.
    let major = scale_steps("major").expect("major");
    for (k, mode) in [
        "ionian",
        "dorian",
        "phrygian",
        "lydian",
        "mixolydian",
        "aeolian",
        "locrian",
    ]
    .iter()
    .enumerate()
    {
        let rotated: Vec<f64> = (0..7)
            .map(|i| (major[(i + k) % 7] - major[k]).rem_euclid(12.0))
            .collect();
        assert_eq!(scale_steps(mode), Some(&rotated[..]), "{mode}");
    }
    assert_eq!(scale_steps("minor"), scale_steps("aeolian"));
    assert_eq!(scale_steps("messiaen1"), scale_steps("wholetone"));
}

/// The chord `[0,4,7]`'s notes in `order`, each an equal share of the cycle.
fn spread(order: &[f64]) -> Vec<Ev> {
    let n = order.len() as i64;
    let notes: Vec<(i64, i64, f64)> = order
        .iter()
        .enumerate()
        .map(|(i, v)| (i as i64, i as i64 + 1, *v))
        .collect();
    whole_events(n, &notes)
}

#[test]
fn arp_plays_each_mode_in_tidals_order() {
    let c = r#""[0,4,7]""#;
    let five = r#""[0,1,2,3,4]""#;
    for (mode, chord, order) in [
        ("up", c, &[0.0, 4.0, 7.0][..]),
        ("down", c, &[7.0, 4.0, 0.0]),
        // init of up, then init of down: the top and the bottom once each.
        ("updown", c, &[0.0, 4.0, 7.0, 4.0]),
        ("downup", c, &[7.0, 4.0, 0.0, 4.0]),
        // Outside in: first, last, second, second to last, ...
        ("converge", five, &[0.0, 4.0, 1.0, 3.0, 2.0]),
        ("diverge", five, &[2.0, 3.0, 1.0, 4.0, 0.0]),
        (
            "disconverge",
            five,
            &[0.0, 4.0, 1.0, 3.0, 2.0, 3.0, 1.0, 4.0, 0.0],
        ),
        // Each note but the top, each followed by the top.
        ("pinkyup", c, &[0.0, 7.0, 4.0, 7.0]),
        // init of pinkyup [0,7,4,7], then init of its reverse [7,4,7,0].
        ("pinkyupdown", c, &[0.0, 7.0, 4.0, 7.0, 4.0, 7.0]),
        // The bottom note before each of the others.
        ("thumbup", c, &[0.0, 4.0, 0.0, 7.0]),
        // init of thumbup [0,4,0,7], then init of its reverse [7,0,4,0].
        ("thumbupdown", c, &[0.0, 4.0, 0.0, 7.0, 0.0, 4.0]),
        // An unknown mode plays up.
        ("sideways", c, &[0.0, 4.0, 7.0]),
    ] {
        let expr = format!(r#"arp "{mode}" {chord}"#);
        assert_eq!(one_cycle(&expr), spread(order), "{mode}");
    }
}

#[test]
fn arp_has_tidals_up_and_down_modes_that_mini_notation_cannot_spell() {
    // Tidal's words allow letters, digits and `:.-_`, so `"up&down"` is no word in
    // its mini-notation (nor in Phonon's); the modes are in the table all the same.
    use phonon::pattern::transforms::harmony::arp_with;
    use phonon::pattern::value::Value;
    use phonon::pattern::{stack, Pattern};
    let chord = || {
        stack(
            [0.0, 4.0, 7.0]
                .map(|x| Pattern::pure(Value::Num(x)))
                .to_vec(),
        )
    };
    for (mode, order) in [
        ("up&down", [0.0, 4.0, 7.0, 7.0, 4.0, 0.0]),
        ("down&up", [7.0, 4.0, 0.0, 0.0, 4.0, 7.0]),
    ] {
        let mut got: Vec<Ev> = arp_with(mode, chord())
            .query(phonon::time::Span::new(r(0, 1), r(1, 1)))
            .iter()
            .map(|e| {
                let v = e.value.as_f64().unwrap_or(f64::NAN);
                (
                    e.whole.map(|w| (w.begin, w.end)),
                    (e.part.begin, e.part.end),
                    v,
                )
            })
            .collect();
        sorted(&mut got);
        assert_eq!(got, spread(&order), "{mode}");
    }
    assert!(query_expression(r#"arp "up&down" "[0,4]""#, r(0, 1), r(1, 1)).is_err());
}

#[test]
fn arp_works_per_chord_and_per_query() {
    // Two chords in a cycle, each arpeggiated inside its own half; modes per cycle.
    assert_eq!(
        events(r#"arp "<up down>" "[0,4] [5,9]""#, r(0, 1), r(2, 1)),
        whole_events(
            4,
            &[
                (0, 1, 0.0),
                (1, 2, 4.0),
                (2, 3, 5.0),
                (3, 4, 9.0),
                (4, 5, 4.0),
                (5, 6, 0.0),
                (6, 7, 9.0),
                (7, 8, 5.0)
            ]
        )
    );
    // A query of half the cycle: the second note is cut to the query, the third
    // lies outside it and is gone.
    assert_eq!(
        events(r#"arp "up" "[0,4,7]""#, r(0, 1), r(1, 2)),
        vec![
            (Some((r(0, 1), r(1, 3))), (r(0, 1), r(1, 3)), 0.0),
            (Some((r(1, 3), r(2, 3))), (r(1, 3), r(1, 2)), 4.0),
        ]
    );
    // A single note is its own chord.
    assert_eq!(
        one_cycle(r#"arp "down" "3""#),
        whole_events(1, &[(0, 1, 3.0)])
    );
}

#[test]
fn rolled_starts_the_notes_one_after_another_and_ends_them_together() {
    // A quarter of the chord, shared by its three notes: starts 0, 1/12, 2/12.
    assert_eq!(
        one_cycle(r#"rolled "[0,4,7]""#),
        whole_events(12, &[(0, 12, 0.0), (1, 12, 4.0), (2, 12, 7.0)])
    );
    // Negative: from the top note, over half the chord.
    assert_eq!(
        one_cycle(r#"rolledBy "-0.5" "[0,4,7]""#),
        whole_events(6, &[(0, 6, 7.0), (1, 6, 4.0), (2, 6, 0.0)])
    );
    // Zero leaves the chord together; the roll length is read once per cycle.
    assert_eq!(
        events(r#"rolledBy "<0 1>" "[0,4]""#, r(0, 1), r(2, 1)),
        whole_events(2, &[(0, 2, 0.0), (0, 2, 4.0), (2, 4, 0.0), (3, 4, 4.0)])
    );
    // Each chord of a sequence rolls inside its own span.
    assert_eq!(
        one_cycle(r#"rolledBy 1 "[0,4] [5,9]""#),
        whole_events(4, &[(0, 2, 0.0), (1, 2, 4.0), (2, 4, 5.0), (3, 4, 9.0)])
    );
}

#[test]
fn harmony_composes_with_sounds_and_checks() {
    let source = "out: n (scale \"major\" \"0 2 4\") # s \"superpiano\"\n\
                  out2: s \"bd\" # n (arp \"updown\" \"[0,4,7]\")\n\
                  out3: rolled $ n \"[0,4,7]\" # s \"superpiano\"\n";
    assert_eq!(phonon::check_source(source), []);
}

#[test]
fn to_scale_reads_degrees_cyclically_with_octaves() {
    // Tidal: `toScale' o s = fmap noteInScale`, `noteInScale x = (s !!! x) + o *
    // (x div length s)`, `toScale = toScale' 12`.
    let steps = [0.0, 2.0, 4.0, 5.0, 7.0, 9.0, 11.0];
    let degrees = [0i64, 1, 6, 7, 9, -1, -8, 14];
    let expected: Vec<(i64, i64, f64)> = degrees
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let step = steps[d.rem_euclid(7) as usize];
            (i as i64, i as i64 + 1, step + 12.0 * d.div_euclid(7) as f64)
        })
        .collect();
    assert_eq!(
        one_cycle("toScale [0, 2, 4, 5, 7, 9, 11] \"0 1 6 7 9 -1 -8 14\""),
        whole_events(8, &expected)
    );
    // An octave of 10 over three steps; fractional degrees are floored (Pattern Int).
    assert_eq!(
        one_cycle("toScale' 10 [0, 4, 7] \"0 3 -1 4.5\""),
        whole_events(4, &[(0, 1, 0.0), (1, 2, 10.0), (2, 3, -3.0), (3, 4, 14.0)])
    );
    // As a note pattern, with structure from the degrees.
    let result = query_expression("n (toScale [0, 3, 7] \"<0 2> 4\")", r(1, 1), r(2, 1))
        .unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
    let ns: Vec<f64> = result
        .events
        .iter()
        .filter_map(|e| {
            e.value
                .as_controls()?
                .get_f64(phonon::pattern::value::Control::N)
        })
        .collect();
    assert_eq!(ns, [7.0, 15.0]);
}

#[test]
fn up_is_note() {
    let a = query_expression("s \"a b\" # up \"12 -5\"", r(0, 1), r(1, 1));
    let b = query_expression("s \"a b\" # note \"12 -5\"", r(0, 1), r(1, 1));
    match (a, b) {
        (Ok(a), Ok(b)) => assert_eq!(a.events, b.events),
        _ => panic!("does not query"),
    }
}
