//! Chords in the mini-notation (`c'maj`, `e4'min7'ii`, `"<c e>'<maj min>"`) and note
//! names read as notes by `n`, `note` and `up`, with Tidal 1.9's meanings
//! (`Sound.Tidal.Chords`, `pChord` in `Sound.Tidal.ParseBP`). Every expected note is
//! worked out by hand from Tidal's chord table and `applyModifier`; every time from
//! the sequence the chord sits in. Our `c4` is Tidal's `c5`: note names count from c4.

use phonon::pattern::chords::CHORDS;
use phonon::pattern::value::{Control, Value};
use phonon::query::query_expression;
use phonon::time::{r, Rational, Span};

/// `(whole, part, value)`.
type Ev = (Option<(Rational, Rational)>, (Rational, Rational), f64);

fn sorted(evs: &mut [Ev]) {
    evs.sort_by(|a, b| (a.1, a.0).cmp(&(b.1, b.0)).then(a.2.total_cmp(&b.2)));
}

/// The events of `expr` from `from` to `to`, each read as a number by `value`.
fn events_with(
    expr: &str,
    from: Rational,
    to: Rational,
    value: impl Fn(&Value) -> Option<f64>,
) -> Vec<Ev> {
    let result =
        query_expression(expr, from, to).unwrap_or_else(|f| panic!("{expr}: {:?}", f.diagnostics));
    let mut out: Vec<Ev> = result
        .events
        .iter()
        .map(|e| {
            let v = value(&e.value).unwrap_or_else(|| panic!("{expr}: {} has no number", e.value));
            (
                e.whole.map(|w| (w.begin, w.end)),
                (e.part.begin, e.part.end),
                v,
            )
        })
        .collect();
    sorted(&mut out);
    out
}

fn events(expr: &str, from: Rational, to: Rational) -> Vec<Ev> {
    events_with(expr, from, to, Value::as_f64)
}

/// Whole events (part = whole) from `(begin, end, notes)`, times in `1/den`ths.
fn chords_at(den: i64, chords: &[(i64, i64, &[f64])]) -> Vec<Ev> {
    let mut out: Vec<Ev> = chords
        .iter()
        .flat_map(|&(b, e, notes)| {
            let span = (r(b, den), r(e, den));
            notes.iter().map(move |&v| (Some(span), span, v))
        })
        .collect();
    sorted(&mut out);
    out
}

/// The notes of a string that is one chord for the whole of cycle 0.
fn one_chord(src: &str) -> Vec<f64> {
    let evs = events(&format!("\"{src}\""), r(0, 1), r(1, 1));
    for e in &evs {
        assert_eq!(e.0, Some((r(0, 1), r(1, 1))), "{src}: whole");
        assert_eq!(e.1, (r(0, 1), r(1, 1)), "{src}: part");
    }
    let mut notes: Vec<f64> = evs.into_iter().map(|e| e.2).collect();
    notes.sort_by(f64::total_cmp);
    notes
}

fn sorted_notes(notes: &[f64]) -> Vec<f64> {
    let mut v = notes.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

/// The values of cycle 0 of a mini-notation string in the order the pattern gives
/// them (a chord's notes come in its order).
fn in_order(src: &str) -> Vec<f64> {
    let pat = phonon::mini::parse(src).unwrap_or_else(|e| panic!("{src}: {e}"));
    pat.query(Span::new(r(0, 1), r(1, 1)))
        .iter()
        .map(|e| e.value.as_f64().unwrap_or(f64::NAN))
        .collect()
}

// ---------------------------------------------------------------- the table

#[test]
fn chords_in_a_sequence_share_their_step() {
    // major 0 4 7 on c; minor 7 0 3 7 10 on e (4).
    assert_eq!(
        events(r#""c'maj e'min7""#, r(0, 1), r(1, 1)),
        chords_at(
            2,
            &[(0, 1, &[0.0, 4.0, 7.0]), (1, 2, &[4.0, 7.0, 11.0, 14.0])]
        )
    );
    // Weights and repeats apply to the chord as a step.
    assert_eq!(
        events(r#""c'maj@3 e'min""#, r(0, 1), r(1, 1)),
        chords_at(4, &[(0, 3, &[0.0, 4.0, 7.0]), (3, 4, &[4.0, 7.0, 11.0])])
    );
    assert_eq!(
        events(r#""g'sus4!2 ~""#, r(0, 1), r(1, 1)),
        chords_at(3, &[(0, 1, &[7.0, 12.0, 14.0]), (1, 2, &[7.0, 12.0, 14.0])])
    );
    // A query that cuts a chord gives each note's fragment.
    assert_eq!(
        events(r#""c'maj""#, r(1, 4), r(1, 2)),
        [0.0, 4.0, 7.0]
            .map(|v| (Some((r(0, 1), r(1, 1))), (r(1, 4), r(1, 2)), v))
            .to_vec()
    );
}

#[test]
fn a_sample_of_the_table_with_its_aliases() {
    // Tidal 1.9's chordTable, read by hand: each name on root 0.
    let cases: &[(&str, &[f64])] = &[
        ("major", &[0.0, 4.0, 7.0]),
        ("M", &[0.0, 4.0, 7.0]),
        ("aug", &[0.0, 4.0, 8.0]),
        ("sharp5", &[0.0, 4.0, 8.0]),
        ("6", &[0.0, 4.0, 7.0, 9.0]),
        ("6by9", &[0.0, 4.0, 7.0, 9.0, 14.0]),
        ("maj7", &[0.0, 4.0, 7.0, 11.0]),
        ("maj9", &[0.0, 4.0, 7.0, 11.0, 14.0]),
        ("add9", &[0.0, 4.0, 7.0, 14.0]),
        ("dom9", &[0.0, 4.0, 7.0, 14.0]),
        ("maj11", &[0.0, 4.0, 7.0, 11.0, 14.0, 17.0]),
        ("dom13", &[0.0, 4.0, 7.0, 21.0]),
        ("dom7", &[0.0, 4.0, 7.0, 10.0]),
        ("7f5", &[0.0, 4.0, 6.0, 10.0]),
        ("7s5", &[0.0, 4.0, 8.0, 10.0]),
        ("7f9", &[0.0, 4.0, 7.0, 10.0, 13.0]),
        ("nine", &[0.0, 4.0, 7.0, 10.0, 14.0]),
        ("11", &[0.0, 4.0, 7.0, 10.0, 14.0, 17.0]),
        ("13", &[0.0, 4.0, 7.0, 10.0, 14.0, 17.0, 21.0]),
        ("m", &[0.0, 3.0, 7.0]),
        ("dim", &[0.0, 3.0, 6.0]),
        ("mS5", &[0.0, 3.0, 8.0]),
        ("m6", &[0.0, 3.0, 7.0, 9.0]),
        ("m6by9", &[0.0, 3.0, 7.0, 9.0, 14.0]),
        ("m7f5", &[0.0, 3.0, 6.0, 10.0]),
        ("min7", &[0.0, 3.0, 7.0, 10.0]),
        ("m7s9", &[0.0, 3.0, 7.0, 10.0, 15.0]),
        ("dim7", &[0.0, 3.0, 6.0, 9.0]),
        ("m13", &[0.0, 3.0, 7.0, 10.0, 14.0, 17.0, 21.0]),
        ("mmaj7", &[0.0, 3.0, 7.0, 11.0]),
        ("1", &[0.0]),
        ("five", &[0.0, 7.0]),
        ("sus2", &[0.0, 2.0, 7.0]),
        ("7sus4", &[0.0, 5.0, 7.0, 10.0]),
        ("9sus4", &[0.0, 5.0, 7.0, 10.0, 14.0]),
        ("7f10", &[0.0, 4.0, 7.0, 10.0, 15.0]),
        ("9s5", &[0.0, 1.0, 13.0]),
        ("m9sharp5", &[0.0, 1.0, 14.0]),
        ("7s5f9", &[0.0, 4.0, 8.0, 10.0, 13.0]),
        ("m7sharp5flat9", &[0.0, 3.0, 8.0, 10.0, 13.0]),
        ("11s", &[0.0, 4.0, 7.0, 10.0, 14.0, 18.0]),
        ("m11s", &[0.0, 3.0, 7.0, 10.0, 14.0, 18.0]),
    ];
    for (name, notes) in cases {
        assert_eq!(
            one_chord(&format!("0'{name}")),
            sorted_notes(notes),
            "{name}"
        );
        assert_eq!(
            one_chord(&format!("'{name}")),
            sorted_notes(notes),
            "'{name}"
        );
    }
}

#[test]
fn the_table_has_every_tidal_name_once() {
    // Tidal 1.9.5's chordTable has 130 entries, all different names.
    assert_eq!(CHORDS.len(), 130);
    let mut names: Vec<&str> = CHORDS.iter().map(|(n, _)| *n).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 130);
    // Every one parses as a chord name, and plays its notes above the root.
    for (name, notes) in CHORDS {
        let expected: Vec<f64> = notes.iter().map(|x| f64::from(*x) + 2.0).collect();
        assert_eq!(
            one_chord(&format!("d'{name}")),
            sorted_notes(&expected),
            "{name}"
        );
    }
}

#[test]
fn the_reference_table_lists_the_same_chords() {
    // docs/language.md has a row per chord: its notes, then its names.
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/language.md"))
        .expect("docs/language.md");
    let start = doc.find("| notes | names |").expect("the chord table");
    let mut documented: Vec<(String, Vec<i32>)> = Vec::new();
    for line in doc[start..].lines().skip(2) {
        let Some(row) = line.strip_prefix("| ") else {
            break;
        };
        let mut cells = row.split(" | ");
        let notes: Vec<i32> = cells
            .next()
            .unwrap_or("")
            .split_whitespace()
            .map(|x| x.parse().expect("a note"))
            .collect();
        for name in cells
            .next()
            .unwrap_or("")
            .trim_end_matches(" |")
            .split_whitespace()
        {
            documented.push((name.trim_matches('`').to_string(), notes.clone()));
        }
    }
    let mut table: Vec<(String, Vec<i32>)> = CHORDS
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_vec()))
        .collect();
    documented.sort();
    table.sort();
    assert_eq!(documented, table);
}

#[test]
fn notes_come_in_the_order_of_the_table() {
    assert_eq!(in_order("c'maj"), [0.0, 4.0, 7.0]);
    // minorSixNine lists the 6th (9) before the 5th (7).
    assert_eq!(in_order("c'm69"), [0.0, 3.0, 9.0, 7.0, 14.0]);
    // After an inversion the moved root comes last.
    assert_eq!(in_order("c'maj'i"), [4.0, 7.0, 12.0]);
    // After a drop the dropped note comes first.
    assert_eq!(in_order("c'maj7'd2"), [-5.0, 0.0, 4.0, 11.0]);
}

// ---------------------------------------------------------------- roots

#[test]
fn roots_are_numbers_or_note_names_counted_from_c4() {
    assert_eq!(one_chord("0'major"), [0.0, 4.0, 7.0]);
    assert_eq!(one_chord("-3'min"), [-3.0, 0.0, 4.0]);
    assert_eq!(one_chord("0.5'maj"), [0.5, 4.5, 7.5]);
    assert_eq!(one_chord("12'five"), [12.0, 19.0]);
    // Note names: `c` and `c4` are 0; `e4` is 4; `a3` is -3; `cs5` 13; `eb` 3.
    assert_eq!(one_chord("c'maj"), [0.0, 4.0, 7.0]);
    assert_eq!(one_chord("c4'maj"), [0.0, 4.0, 7.0]);
    assert_eq!(one_chord("e4'min7"), [4.0, 7.0, 11.0, 14.0]);
    assert_eq!(one_chord("a3'm"), [-3.0, 0.0, 4.0]);
    assert_eq!(one_chord("cs5'maj"), [13.0, 17.0, 20.0]);
    assert_eq!(one_chord("eb'dim"), [3.0, 6.0, 9.0]);
    assert_eq!(one_chord("bf2'sus2"), [-14.0, -12.0, -7.0]);
    // No root: root 0.
    assert_eq!(one_chord("'dom7"), [0.0, 4.0, 7.0, 10.0]);
}

// ---------------------------------------------------------------- modifiers

#[test]
fn each_modifier_alone() {
    // c major is 0 4 7; c major 7 is 0 4 7 11.
    let cases: &[(&str, &[f64])] = &[
        // Range: the chord again an octave up, as often as needed.
        ("c'maj'5", &[0.0, 4.0, 7.0, 12.0, 16.0]),
        ("c'maj'8", &[0.0, 4.0, 7.0, 12.0, 16.0, 19.0, 24.0, 28.0]),
        ("c'maj'2", &[0.0, 4.0]),
        ("c'maj'3", &[0.0, 4.0, 7.0]),
        ("c'one'3", &[0.0, 12.0, 24.0]),
        // Inversion: the lowest note an octave up, to the top; `ii` twice, `i3` three.
        ("c'maj'i", &[4.0, 7.0, 12.0]),
        ("c'maj'ii", &[7.0, 12.0, 16.0]),
        ("c'maj'iii", &[12.0, 16.0, 19.0]),
        ("c'maj'i3", &[12.0, 16.0, 19.0]),
        ("c'maj'i4", &[16.0, 19.0, 24.0]),
        ("c'maj'i7", &[28.0, 31.0, 36.0]),
        ("c'maj'i0", &[0.0, 4.0, 7.0]),
        // Open: the first and third an octave down, before the second.
        ("c'maj'o", &[-12.0, -5.0, 4.0]),
        ("c'maj7'o", &[-12.0, -5.0, 4.0, 11.0]),
        // Twice: [-12, -5, 4] opens to [-24, -8, -5].
        ("c'maj'oo", &[-24.0, -8.0, -5.0]),
        // Fewer than three notes: unchanged.
        ("c'five'o", &[0.0, 7.0]),
        // Drop: the n-th from the top an octave down, to the bottom.
        ("c'maj'd1", &[-5.0, 0.0, 4.0]),
        ("c'maj'd2", &[-8.0, 0.0, 7.0]),
        ("c'maj'd3", &[-12.0, 4.0, 7.0]),
        ("c'maj7'd2", &[-5.0, 0.0, 4.0, 11.0]),
        // More than the chord has: unchanged.
        ("c'maj'd4", &[0.0, 4.0, 7.0]),
    ];
    for (src, notes) in cases {
        assert_eq!(one_chord(src), sorted_notes(notes), "{src}");
    }
    // `'0` notes is no event at all (Tidal's `take 0`).
    assert_eq!(
        events(r#""c'maj'0 1""#, r(0, 1), r(1, 1)),
        chords_at(2, &[(1, 2, &[1.0])])
    );
}

#[test]
fn modifiers_apply_in_the_order_written() {
    let cases: &[(&str, &[f64])] = &[
        // e minor 7 (4 7 11 14), inverted twice (11 14 16 19), opened (-1 4 14 19).
        ("e'min7'ii'o", &[-1.0, 4.0, 14.0, 19.0]),
        // Two inversions then five notes: [7 12 16] goes on with 19 24.
        ("c'maj'ii'5", &[7.0, 12.0, 16.0, 19.0, 24.0]),
        // Five notes then two inversions: [0 4 7 12 16] -> [4 7 12 16 12] -> [7 12 16 12 16].
        ("c'maj'5'ii", &[7.0, 12.0, 12.0, 16.0, 16.0]),
        // Drop then invert: [-1 0 4 7] -> [0 4 7 11].
        ("c'maj7'd1'i", &[0.0, 4.0, 7.0, 11.0]),
        // Open then drop: [-12 -5 4] -> [-8 -12 -5].
        ("c'maj'o'd1", &[-12.0, -8.0, -5.0]),
        // Drop then open: [-5 0 4] -> [-17 -8 0].
        ("c'maj'd1'o", &[-17.0, -8.0, 0.0]),
        // The example of e4'min7'ii: 4 7 11 14 -> 11 14 16 19.
        ("e4'min7'ii", &[11.0, 14.0, 16.0, 19.0]),
    ];
    for (src, notes) in cases {
        assert_eq!(one_chord(src), sorted_notes(notes), "{src}");
    }
}

// ---------------------------------------------------------------- patterned chords

#[test]
fn root_name_and_modifiers_are_patterns() {
    // <c e>'<maj min>: c major, then e minor (4 7 11).
    assert_eq!(
        events(r#""<c e>'<maj min>""#, r(0, 1), r(2, 1)),
        chords_at(1, &[(0, 1, &[0.0, 4.0, 7.0]), (1, 2, &[4.0, 7.0, 11.0])])
    );
    // c'<maj min>'<i ii>: c major inverted (4 7 12), then c minor inverted twice
    // ([0 3 7] -> [3 7 12] -> [7 12 15]).
    assert_eq!(
        events(r#""c'<maj min>'<i ii>""#, r(0, 1), r(2, 1)),
        chords_at(1, &[(0, 1, &[4.0, 7.0, 12.0]), (1, 2, &[7.0, 12.0, 15.0])])
    );
    // A sequence as the name, as the root, as a modifier: halves.
    assert_eq!(
        events(r#""c'[maj min]""#, r(0, 1), r(1, 1)),
        chords_at(2, &[(0, 1, &[0.0, 4.0, 7.0]), (1, 2, &[0.0, 3.0, 7.0])])
    );
    assert_eq!(
        events(r#""[c g]'maj""#, r(0, 1), r(1, 1)),
        chords_at(2, &[(0, 1, &[0.0, 4.0, 7.0]), (1, 2, &[7.0, 11.0, 14.0])])
    );
    assert_eq!(
        events(r#""c'maj'[0 i]""#, r(0, 1), r(1, 1)),
        chords_at(2, &[(1, 2, &[4.0, 7.0, 12.0])])
    );
    // `*2` after the name speeds up the name: two chords a cycle.
    assert_eq!(
        events(r#""c'maj*2""#, r(0, 1), r(1, 1)),
        chords_at(2, &[(0, 1, &[0.0, 4.0, 7.0]), (1, 2, &[0.0, 4.0, 7.0])])
    );
}

#[test]
fn wholes_intersect_as_tidal_unwrap_binds_them() {
    // The root lasts two cycles, the name one: each chord has the name's whole.
    assert_eq!(
        events(r#""c/2'maj""#, r(0, 1), r(2, 1)),
        chords_at(1, &[(0, 1, &[0.0, 4.0, 7.0]), (1, 2, &[0.0, 4.0, 7.0])])
    );
    // The name lasts two cycles, the root one (a pure value, one per cycle).
    assert_eq!(
        events(r#""c'maj/2""#, r(0, 1), r(2, 1)),
        chords_at(1, &[(0, 1, &[0.0, 4.0, 7.0]), (1, 2, &[0.0, 4.0, 7.0])])
    );
    // Root in halves, name in thirds: the wholes are the pieces where both meet,
    // 0-1/3, 1/3-1/2, 1/2-2/3, 2/3-1 (in sixths: 0-2, 2-3, 3-4, 4-6).
    assert_eq!(
        events(r#""[c e]'[maj min dim]""#, r(0, 1), r(1, 1)),
        chords_at(
            6,
            &[
                (0, 2, &[0.0, 4.0, 7.0]),
                (2, 3, &[0.0, 3.0, 7.0]),
                (3, 4, &[4.0, 7.0, 11.0]),
                (4, 6, &[4.0, 7.0, 10.0]),
            ]
        )
    );
}

// ---------------------------------------------------------------- arp and rolled

#[test]
fn arp_and_rolled_play_chords() {
    // Each chord's notes share its half, one after another.
    assert_eq!(
        events(r#"arp "up" "c'maj e'min""#, r(0, 1), r(1, 1)),
        [
            (0, 1, 0.0),
            (1, 2, 4.0),
            (2, 3, 7.0),
            (3, 4, 4.0),
            (4, 5, 7.0),
            (5, 6, 11.0)
        ]
        .map(|(b, e, v)| {
            let s = (r(b, 6), r(e, 6));
            (Some(s), s, v)
        })
        .to_vec()
    );
    // down on c major 7: 11 7 4 0 in quarters.
    assert_eq!(
        events(r#"arp "down" "c'maj7""#, r(0, 1), r(1, 1)),
        [(0, 1, 11.0), (1, 2, 7.0), (2, 3, 4.0), (3, 4, 0.0)]
            .map(|(b, e, v)| {
                let s = (r(b, 4), r(e, 4));
                (Some(s), s, v)
            })
            .to_vec()
    );
    // rolled = rolledBy 1/4: note i of n starts i * (1/4) / n into the chord.
    assert_eq!(
        events(r#"rolled "c'maj""#, r(0, 1), r(1, 1)),
        [(0, 0.0), (1, 4.0), (2, 7.0)]
            .map(|(i, v)| {
                let s = (r(i, 12), r(1, 1));
                (Some(s), s, v)
            })
            .to_vec()
    );
}

// ---------------------------------------------------------------- note names as notes

fn control_of(key: Control) -> impl Fn(&Value) -> Option<f64> {
    move |v| v.as_controls().and_then(|c| c.get_f64(key))
}

fn pitch(v: &Value) -> Option<f64> {
    v.as_controls().and_then(phonon::voices::semitones)
}

fn steps(den: i64, values: &[f64]) -> Vec<Ev> {
    let mut out: Vec<Ev> = values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let s = (r(i as i64, den), r(i as i64 + 1, den));
            (Some(s), s, v)
        })
        .collect();
    sorted(&mut out);
    out
}

#[test]
fn n_reads_note_names_as_semitones_from_c4() {
    let n = control_of(Control::N);
    assert_eq!(
        events_with(r#"n "c e g a5""#, r(0, 1), r(1, 1), &n),
        steps(4, &[0.0, 4.0, 7.0, 21.0])
    );
    assert_eq!(
        events_with(r#"n "c4 a4 c5 cs5 eb3""#, r(0, 1), r(1, 1), &n),
        steps(5, &[0.0, 9.0, 12.0, 13.0, -9.0])
    );
    // Numbers stay numbers; arithmetic on a name gives a note, read the same way.
    assert_eq!(
        events_with(r#"n "3 -1""#, r(0, 1), r(1, 1), &n),
        steps(2, &[3.0, -1.0])
    );
    assert_eq!(
        events_with(r#"n ("c e" + "12")"#, r(0, 1), r(1, 1), &n),
        steps(2, &[12.0, 16.0])
    );
    // Chords in `n`.
    assert_eq!(
        events_with(r#"n "c'maj""#, r(0, 1), r(1, 1), &n),
        chords_at(1, &[(0, 1, &[0.0, 4.0, 7.0])])
    );
}

#[test]
fn note_and_up_play_note_names_from_c4() {
    assert_eq!(
        events_with(r#"note "cs5 eb3""#, r(0, 1), r(1, 1), pitch),
        steps(2, &[13.0, -9.0])
    );
    assert_eq!(
        events_with(r#"up "c5 a4 c""#, r(0, 1), r(1, 1), pitch),
        steps(3, &[12.0, 9.0, 0.0])
    );
    assert_eq!(
        events_with(r#"note "e4'min7'ii""#, r(0, 1), r(1, 1), pitch),
        chords_at(1, &[(0, 1, &[11.0, 14.0, 16.0, 19.0])])
    );
}

#[test]
fn sample_names_are_never_notes() {
    let result = query_expression(r#"s "a e""#, r(0, 1), r(1, 1)).expect("query");
    let names: Vec<String> = result
        .events
        .iter()
        .map(|e| {
            let c = e.value.as_controls().expect("controls");
            assert_eq!(c.get(Control::N), None);
            c.get(Control::S).expect("s").to_value().to_string()
        })
        .collect();
    assert_eq!(names, ["a", "e"]);
}

// ---------------------------------------------------------------- errors

/// The one error `phonon check` reports for `src`: line, column, message, hints.
fn error_of(src: &str) -> (usize, usize, String, Vec<String>) {
    let errs: Vec<_> = phonon::check_source(src)
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    assert_eq!(errs.len(), 1, "{src}: {errs:#?}");
    let (line, col) = errs[0].line_col(src);
    (line, col, errs[0].message.clone(), errs[0].hints.clone())
}

#[test]
fn unknown_chord_names_point_at_the_name_with_the_nearest() {
    let src = "tempo: 1\nout: n \"c'majj e\" # s \"arpy\"\n";
    let (line, col, message, hints) = error_of(src);
    assert_eq!((line, col), (2, 11));
    assert_eq!(message, "unknown chord name `majj`");
    assert_eq!(hints, ["did you mean `maj`?"]);
    let (line, col, message, hints) = error_of("out: n \"e'mni7\" # s \"arpy\"");
    assert_eq!(
        (line, col, message.as_str()),
        (1, 11, "unknown chord name `mni7`")
    );
    assert_eq!(hints, ["did you mean `min7`?"]);
    // Inside a patterned name, at the word.
    let (line, col, message, _) = error_of("out: n \"c'<maj blah>\" # s \"arpy\"");
    assert_eq!(
        (line, col, message.as_str()),
        (1, 16, "unknown chord name `blah`")
    );
}

#[test]
fn bad_modifiers_and_roots_are_errors_at_their_column() {
    let cases: &[(&str, usize, &str)] = &[
        (
            "out: n \"c'maj'd0\" # s \"arpy\"",
            15,
            "`'d0` drops nothing: drops count from 1 (`'d1` is the top note)",
        ),
        (
            "out: n \"c'maj'q\" # s \"arpy\"",
            15,
            "unknown chord modifier `q`: modifiers are a number of notes (`'8`), inversions \
             (`'i`, `'ii`, `'i3`), open (`'o`) and drops (`'d1`, `'d2`)",
        ),
        (
            "out: n \"c'maj'1.5\" # s \"arpy\"",
            15,
            "a chord's number of notes is a whole number, found `1.5`",
        ),
        (
            "out: n \"c'maj'-2\" # s \"arpy\"",
            15,
            "a chord's number of notes is 0 or more, found `-2`",
        ),
        (
            "out: n \"c'maj'300\" # s \"arpy\"",
            15,
            "a chord has at most 256 notes, found `300`",
        ),
        (
            "out: n \"c'maj'dx\" # s \"arpy\"",
            15,
            "`d` needs a whole number after it (`'d1`, `'d2`), found `dx`",
        ),
        (
            "out: n \"bd'maj\" # s \"arpy\"",
            9,
            "a chord's root is a number or a note name (`c`, `e4`, `fs3`), found `bd`",
        ),
        (
            "out: n \"c' e\" # s \"arpy\"",
            10,
            "`'` needs a chord name (`c'maj`) or a chord modifier (`c'maj'ii`) right after it",
        ),
        (
            "out: n \"c'maj'\" # s \"arpy\"",
            14,
            "`'` needs a chord name (`c'maj`) or a chord modifier (`c'maj'ii`) right after it",
        ),
    ];
    for (src, col, message) in cases {
        let (line, c, m, _) = error_of(src);
        assert_eq!((line, c, m.as_str()), (1, *col, *message), "{src}");
    }
    // A chord where a number is read as a factor, or inside a chord's name.
    let (_, col, message, _) = error_of("out: s \"bd*[2'maj]\"");
    assert_eq!(col, 13);
    assert!(
        message.starts_with("a chord is not allowed here"),
        "{message}"
    );
    let (_, col, message, _) = error_of("out: n \"c'[maj e'min]\" # s \"arpy\"");
    assert_eq!(col, 16);
    assert!(
        message.starts_with("a chord is not allowed here"),
        "{message}"
    );
}
