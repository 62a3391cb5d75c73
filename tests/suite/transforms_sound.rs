//! Sound constructors and sound transforms: exact events in exact rational time,
//! expected values worked out by hand from Tidal's definitions and the rules of
//! LANGUAGE.md (pan 0..1 with jux adding to it, stut/echo gains feedback^i).

use std::sync::Arc;

use phonon::pattern::transforms::sound::*;
use phonon::pattern::transforms::Transform;
use phonon::pattern::value::{Control, Controls, NumOp, Scalar, Value};
use phonon::pattern::{fastcat, slowcat, Pattern, Structure};
use phonon::time::{r, Rational, Span};

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

fn words(ws: &[&str]) -> Pattern<Value> {
    fastcat(
        ws.iter()
            .map(|w| {
                if *w == "~" {
                    Pattern::silence()
                } else {
                    Pattern::pure(word(w))
                }
            })
            .collect(),
    )
}

/// A control map from `(control, value)` pairs; words given as `Value::Word`.
fn ctl(pairs: &[(Control, Value)]) -> Value {
    let mut c = Controls::new();
    for (k, v) in pairs {
        if let Some(x) = Scalar::from_value(v) {
            c.set(*k, x);
        }
    }
    Value::Controls(c)
}

fn sound_of(name: &str) -> Value {
    ctl(&[(Control::S, word(name))])
}

fn with(v: &Value, key: Control, x: f64) -> Value {
    let mut c = v.as_controls().cloned().unwrap_or_default();
    c.set(key, Scalar::Num(x));
    Value::Controls(c)
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

fn ev(wb: Rational, we: Rational, pb: Rational, pe: Rational, v: Value) -> Ev {
    (Some(sp(wb, we)), sp(pb, pe), v)
}

fn whole(b: Rational, e: Rational, v: Value) -> Ev {
    ev(b, e, b, e, v)
}

fn scalar_close(a: &Scalar, b: &Scalar) -> bool {
    match (a, b) {
        (Scalar::Num(x), Scalar::Num(y)) => (x - y).abs() < 1e-12,
        _ => a == b,
    }
}

fn value_close(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Controls(x), Value::Controls(y)) => {
            Control::ALL.iter().all(|k| match (x.get(*k), y.get(*k)) {
                (None, None) => true,
                (Some(p), Some(q)) => scalar_close(p, q),
                _ => false,
            })
        }
        _ => a == b,
    }
}

/// Same events (exact times), values equal up to float rounding.
fn assert_close(got: &[Ev], expected: &[Ev]) {
    assert_eq!(got.len(), expected.len(), "event count\n got: {got:?}");
    for (g, e) in got.iter().zip(expected) {
        assert_eq!((g.0, g.1), (e.0, e.1), "times of {g:?}");
        assert!(
            value_close(&g.2, &e.2),
            "value: got {} expected {}",
            g.2,
            e.2
        );
    }
}

fn pure_num(x: f64) -> Pattern<Value> {
    Pattern::pure(num(x))
}

// ---------------------------------------------------------------- constructors

#[test]
fn sound_splits_sample_and_variant() {
    let p = sound(words(&["bd:3", "~", "sn", "hh:x"]));
    assert_eq!(
        query(&p, r(0, 1), r(1, 1)),
        vec![
            whole(
                r(0, 1),
                r(1, 4),
                ctl(&[(Control::S, word("bd")), (Control::N, num(3.0))])
            ),
            whole(r(1, 2), r(3, 4), sound_of("sn")),
            // A variant that is not a number sets no n (Tidal's mF).
            whole(r(3, 4), r(1, 1), sound_of("hh")),
        ]
    );
    // `control(S, ..)` is `sound`.
    assert_eq!(
        query(&control(Control::S, words(&["bd:3"])), r(0, 1), r(1, 1)),
        query(&s(words(&["bd:3"])), r(0, 1), r(1, 1))
    );
}

#[test]
fn control_wraps_scalars_keeping_words() {
    let p = control(
        Control::Note,
        fastcat(vec![pure_num(3.0), Pattern::pure(word("c4"))]),
    );
    assert_eq!(
        query(&p, r(0, 1), r(1, 1)),
        vec![
            whole(r(0, 1), r(1, 2), ctl(&[(Control::Note, num(3.0))])),
            whole(r(1, 2), r(1, 1), ctl(&[(Control::Note, word("c4"))])),
        ]
    );
    // `n` reads a note name as semitones from c4 (Tidal's `n "c5"`, our c4, is 0),
    // and keeps other words.
    let p = control(
        Control::N,
        fastcat(vec![
            pure_num(3.0),
            Pattern::pure(word("c4")),
            Pattern::pure(word("a5")),
            Pattern::pure(word("bd")),
        ]),
    );
    assert_eq!(
        query(&p, r(0, 1), r(1, 1)),
        vec![
            whole(r(0, 1), r(1, 4), ctl(&[(Control::N, num(3.0))])),
            whole(r(1, 4), r(1, 2), ctl(&[(Control::N, num(0.0))])),
            whole(r(1, 2), r(3, 4), ctl(&[(Control::N, num(21.0))])),
            whole(r(3, 4), r(1, 1), ctl(&[(Control::N, word("bd"))])),
        ]
    );
}

#[test]
fn hash_takes_structure_from_the_left_and_values_from_the_right() {
    // s "bd sn" # n "1 2 3": bd [0,1/2) meets n=1 on [0,1/3) and n=2 on [1/3,1/2).
    let n = control(
        Control::N,
        fastcat(vec![pure_num(1.0), pure_num(2.0), pure_num(3.0)]),
    );
    let p = set_controls(sound(words(&["bd", "sn"])), n);
    let bd = |x| ctl(&[(Control::S, word("bd")), (Control::N, num(x))]);
    let sn = |x| ctl(&[(Control::S, word("sn")), (Control::N, num(x))]);
    assert_eq!(
        query(&p, r(0, 1), r(1, 1)),
        vec![
            ev(r(0, 1), r(1, 2), r(0, 1), r(1, 3), bd(1.0)),
            ev(r(0, 1), r(1, 2), r(1, 3), r(1, 2), bd(2.0)),
            ev(r(1, 2), r(1, 1), r(1, 2), r(2, 3), sn(2.0)),
            ev(r(1, 2), r(1, 1), r(2, 3), r(1, 1), sn(3.0)),
        ]
    );
    // The right wins on shared keys.
    let p = set_controls(sound(words(&["bd:3"])), control(Control::N, pure_num(5.0)));
    assert_eq!(
        query(&p, r(0, 1), r(1, 1)),
        vec![whole(r(0, 1), r(1, 1), bd(5.0))]
    );
}

#[test]
fn union_ops_combine_key_by_key() {
    let base = set_controls(
        sound(words(&["bd:1"])),
        control(Control::Gain, pure_num(0.8)),
    );
    // |+ n 12 |* gain 0.5 |+ speed 2 (speed absent on the left: kept from the right).
    let p = union_op(
        Structure::Left,
        NumOp::Add,
        base,
        control(Control::N, pure_num(12.0)),
    );
    let p = union_op(
        Structure::Left,
        NumOp::Mul,
        p,
        control(Control::Gain, pure_num(0.5)),
    );
    let p = union_op(
        Structure::Left,
        NumOp::Add,
        p,
        control(Control::Speed, pure_num(2.0)),
    );
    let expected = ctl(&[
        (Control::S, word("bd")),
        (Control::N, num(13.0)),
        (Control::Gain, num(0.4)),
        (Control::Speed, num(2.0)),
    ]);
    assert_close(
        &query(&p, r(0, 1), r(1, 1)),
        &[whole(r(0, 1), r(1, 1), expected)],
    );
    // +| takes the structure from the right.
    let p = union_op(
        Structure::Right,
        NumOp::Add,
        control(Control::N, pure_num(1.0)),
        control(Control::N, fastcat(vec![pure_num(10.0), pure_num(20.0)])),
    );
    assert_eq!(
        query(&p, r(0, 1), r(1, 1)),
        vec![
            whole(r(0, 1), r(1, 2), ctl(&[(Control::N, num(11.0))])),
            whole(r(1, 2), r(1, 1), ctl(&[(Control::N, num(21.0))])),
        ]
    );
}

// ---------------------------------------------------------------- stut, jux

const NAMES: [&str; 4] = ["bd", "sn", "hh", "cp"];

/// The events of `stut 8 0.6 0.125 $ s "bd sn hh cp"` in [0, 1), worked out from the
/// rule: copy i is the pattern shifted by i/8 with gain 0.6^i (copy 0 unchanged),
/// each shifted event cut to the query.
fn stut_8_expected() -> Vec<Ev> {
    let mut out = Vec::new();
    for i in 0..8i64 {
        let shift = r(i, 8);
        for c in -1..=0i64 {
            for (k, name) in NAMES.iter().enumerate() {
                let k = k as i64;
                let wb = Rational::from_int(c) + r(k, 4) + shift;
                let we = wb + r(1, 4);
                let pb = wb.max(r(0, 1));
                let pe = we.min(r(1, 1));
                if pb >= pe {
                    continue;
                }
                let v = if i == 0 {
                    sound_of(name)
                } else {
                    with(&sound_of(name), Control::Gain, 0.6f64.powi(i as i32))
                };
                out.push(ev(wb, we, pb, pe, v));
            }
        }
    }
    sort(&mut out);
    out
}

fn stut_8() -> Pattern<Value> {
    stut(
        pure_num(8.0),
        pure_num(0.6),
        pure_num(0.125),
        sound(words(&NAMES)),
    )
}

#[test]
fn stut_stacks_shifted_copies_with_feedback_gains() {
    let got = query(&stut_8(), r(0, 1), r(1, 1));
    let expected = stut_8_expected();
    // 4 copies on quarter boundaries give 4 events each; the 4 odd copies give 3
    // whole events and 2 fragments of the event straddling the cycle boundary.
    assert_eq!(expected.len(), 4 * 4 + 4 * 5);
    assert_close(&got, &expected);
    // The onsets in this cycle: copy i of event k starts at (k/4 + i/8) mod 1; the
    // 4 fragments at 0 started in the previous cycle and have none.
    let mut onsets: Vec<Rational> = got
        .iter()
        .filter(|e| e.0.map(|w| w.begin) == Some(e.1.begin))
        .map(|e| e.1.begin)
        .collect();
    onsets.sort();
    let mut expected_onsets: Vec<Rational> = (0..8)
        .flat_map(|i| (0..4).map(move |k| (r(k, 4) + r(i, 8)).cycle_pos()))
        .collect();
    expected_onsets.sort();
    assert_eq!(onsets, expected_onsets);
}

#[test]
fn jux_rev_on_stut_pans_and_reverses_the_right_side() {
    let p = jux(Arc::new(|p: Pattern<Value>| p.rev()), stut_8());
    let got = query(&p, r(0, 1), r(1, 1));
    let base = stut_8_expected();
    let mut expected: Vec<Ev> = base
        .iter()
        .map(|(w, part, v)| (*w, *part, with(v, Control::Pan, 0.0)))
        .collect();
    let one = r(1, 1);
    for (w, part, v) in &base {
        let w = w.map(|w| sp(one - w.end, one - w.begin));
        let part = sp(one - part.end, one - part.begin);
        expected.push((w, part, with(v, Control::Pan, 1.0)));
    }
    sort(&mut expected);
    assert_eq!(got.len(), 2 * base.len());
    assert_close(&got, &expected);
}

#[test]
fn jux_by_pans_half_n_either_side_of_the_centre() {
    // Tidal 1.9: `stack [p |+ pan 0.5 |- pan (n/2), f $ p |+ pan 0.5 |+ pan (n/2)]`.
    let id: Transform<Value> = Arc::new(|p| p);
    let p = jux_by(pure_num(0.5), id, sound(words(&["bd"])));
    assert_eq!(
        query(&p, r(0, 1), r(1, 1)),
        vec![
            whole(r(0, 1), r(1, 1), with(&sound_of("bd"), Control::Pan, 0.25)),
            whole(r(0, 1), r(1, 1), with(&sound_of("bd"), Control::Pan, 0.75)),
        ]
    );
}

#[test]
fn jux_adds_to_a_pan_the_events_have_and_juxby_takes_a_pattern() {
    // `jux id $ s "bd" # pan 0.25`: 0.25 + 0.5 - 0.5 and 0.25 + 0.5 + 0.5.
    let id: Transform<Value> = Arc::new(|p| p);
    let panned = set_controls(sound(words(&["bd"])), control(Control::Pan, pure_num(0.25)));
    let p = jux(id.clone(), panned);
    assert_eq!(
        query(&p, r(0, 1), r(1, 1)),
        vec![
            whole(r(0, 1), r(1, 1), with(&sound_of("bd"), Control::Pan, 0.25)),
            whole(r(0, 1), r(1, 1), with(&sound_of("bd"), Control::Pan, 1.25)),
        ]
    );
    // `juxBy "<0.5 1>"`: a quarter either side in cycle 0, a half in cycle 1.
    let n = slowcat(vec![pure_num(0.5), pure_num(1.0)]);
    let p = jux_by(n, id, sound(words(&["bd"])));
    let bd = |pan| with(&sound_of("bd"), Control::Pan, pan);
    assert_eq!(
        query(&p, r(0, 1), r(2, 1)),
        vec![
            whole(r(0, 1), r(1, 1), bd(0.25)),
            whole(r(0, 1), r(1, 1), bd(0.75)),
            whole(r(1, 1), r(2, 1), bd(0.0)),
            whole(r(1, 1), r(2, 1), bd(1.0)),
        ]
    );
}

#[test]
fn stut_takes_patterned_arguments() {
    // stut "2 3" 0.5 0.25 $ s "bd": the first half of the cycle from stut 2, the
    // second from stut 3.
    let p = stut(
        fastcat(vec![pure_num(2.0), pure_num(3.0)]),
        pure_num(0.5),
        pure_num(0.25),
        sound(words(&["bd"])),
    );
    let bd = sound_of("bd");
    let g = |x| with(&bd, Control::Gain, x);
    let mut expected = vec![
        // stut 2 over [0, 1/2): the original and copy 1 (from cycle -1, [-3/4, 1/4)).
        ev(r(0, 1), r(1, 1), r(0, 1), r(1, 2), bd.clone()),
        ev(r(-3, 4), r(1, 4), r(0, 1), r(1, 4), g(0.5)),
        ev(r(1, 4), r(5, 4), r(1, 4), r(1, 2), g(0.5)),
        // stut 3 over [1/2, 1): the original and copies 1 and 2.
        ev(r(0, 1), r(1, 1), r(1, 2), r(1, 1), bd.clone()),
        ev(r(1, 4), r(5, 4), r(1, 2), r(1, 1), g(0.5)),
        ev(r(-1, 2), r(1, 2), r(1, 2), r(1, 2), g(0.25)),
        ev(r(1, 2), r(3, 2), r(1, 2), r(1, 1), g(0.25)),
    ];
    // The zero-width fragment above is not produced: [-1/2,1/2) ends where the
    // query [1/2,1) begins.
    expected.retain(|e| e.1.begin < e.1.end);
    sort(&mut expected);
    assert_close(&query(&p, r(0, 1), r(1, 1)), &expected);
}

#[test]
fn echo_uses_tidal_argument_order_and_feedback_powers() {
    // echo 3 0.25 0.5: copies at 0, 1/4, 1/2 with gains 1, 0.5, 0.25.
    let p = echo(
        pure_num(3.0),
        pure_num(0.25),
        pure_num(0.5),
        sound(words(&NAMES)),
    );
    let mut expected = Vec::new();
    for i in 0..3i64 {
        for (k, name) in NAMES.iter().enumerate() {
            let slot = (k as i64 + i) % 4;
            let src = NAMES[(k as i64) as usize];
            let _ = name;
            let v = if i == 0 {
                sound_of(src)
            } else {
                with(&sound_of(src), Control::Gain, 0.5f64.powi(i as i32))
            };
            expected.push(whole(r(slot, 4), r(slot + 1, 4), v));
        }
    }
    sort(&mut expected);
    assert_close(&query(&p, r(0, 1), r(1, 1)), &expected);
}

#[test]
fn echo_applies_the_gain_after_each_shift_as_tidal() {
    // Tidal's `_echoWith`: `|* gain` is applied after the shift, so an echo that
    // straddles a cycle boundary is cut there (the sampled `pure` gain has one
    // event per cycle); `stut` multiplies before shifting and keeps it whole.
    let bd = sound_of("bd");
    let g = with(&bd, Control::Gain, 0.5);
    let echoed = echo_n(2, r(1, 8), 0.5, sound(words(&["bd"])));
    assert_close(
        &query(&echoed, r(0, 1), r(2, 1)),
        &[
            ev(r(-7, 8), r(1, 8), r(0, 1), r(1, 8), g.clone()),
            whole(r(0, 1), r(1, 1), bd.clone()),
            ev(r(1, 8), r(9, 8), r(1, 8), r(1, 1), g.clone()),
            ev(r(1, 8), r(9, 8), r(1, 1), r(9, 8), g.clone()),
            whole(r(1, 1), r(2, 1), bd.clone()),
            ev(r(9, 8), r(17, 8), r(9, 8), r(2, 1), g.clone()),
        ],
    );
    let stutted = stut_n(2, 0.5, r(1, 8), sound(words(&["bd"])));
    assert_close(
        &query(&stutted, r(0, 1), r(2, 1)),
        &[
            ev(r(-7, 8), r(1, 8), r(0, 1), r(1, 8), g.clone()),
            whole(r(0, 1), r(1, 1), bd.clone()),
            whole(r(1, 8), r(9, 8), g.clone()),
            whole(r(1, 1), r(2, 1), bd),
            ev(r(9, 8), r(17, 8), r(9, 8), r(2, 1), g),
        ],
    );
}

#[test]
fn stut_with_applies_f_once_more_per_copy() {
    // stutWith 3 (1/3) (|* speed 2) $ s "bd", worked through Tidal's recursion
    // `overlay (f (t ~> stutWith (n-1) t f p)) p`: the speed multiplication samples a
    // one-event-per-cycle pattern over each shifted event, cutting the fragments at
    // cycle boundaries before the next shift.
    let f: Transform<Value> = Arc::new(|p| {
        union_op(
            Structure::Left,
            NumOp::Mul,
            p,
            control(Control::Speed, pure_num(2.0)),
        )
    });
    let p = stut_with(pure_num(3.0), pure_num(1.0 / 3.0), f, sound(words(&["bd"])));
    let bd = sound_of("bd");
    let sp2 = with(&bd, Control::Speed, 2.0);
    let sp4 = with(&bd, Control::Speed, 4.0);
    let mut expected = vec![
        whole(r(0, 1), r(1, 1), bd),
        // copy 1: shifted by 1/3
        ev(r(-2, 3), r(1, 3), r(0, 1), r(1, 3), sp2.clone()),
        ev(r(1, 3), r(4, 3), r(1, 3), r(1, 1), sp2),
        // copy 2: shifted by 2/3; the event that started at -1 was cut at 0 by the
        // first application of f, before the second shift moved the cut to 1/3.
        ev(r(-1, 3), r(2, 3), r(0, 1), r(1, 3), sp4.clone()),
        ev(r(-1, 3), r(2, 3), r(1, 3), r(2, 3), sp4.clone()),
        ev(r(2, 3), r(5, 3), r(2, 3), r(1, 1), sp4),
    ];
    sort(&mut expected);
    assert_close(&query(&p, r(0, 1), r(1, 1)), &expected);
}

#[test]
fn hurry_speeds_up_and_multiplies_speed() {
    let base = set_controls(
        sound(words(&["bd", "sn"])),
        control(Control::Speed, pure_num(1.5)),
    );
    let p = hurry(pure_num(2.0), base);
    let bd = with(&sound_of("bd"), Control::Speed, 3.0);
    let sn = with(&sound_of("sn"), Control::Speed, 3.0);
    assert_close(
        &query(&p, r(0, 1), r(1, 1)),
        &[
            whole(r(0, 1), r(1, 4), bd.clone()),
            whole(r(1, 4), r(1, 2), sn.clone()),
            whole(r(1, 2), r(3, 4), bd),
            whole(r(3, 4), r(1, 1), sn),
        ],
    );
    // An absent speed counts as 1.
    let p = hurry(pure_num(2.0), sound(words(&["bd"])));
    let bd = with(&sound_of("bd"), Control::Speed, 2.0);
    assert_close(
        &query(&p, r(0, 1), r(1, 1)),
        &[
            whole(r(0, 1), r(1, 2), bd.clone()),
            whole(r(1, 2), r(1, 1), bd),
        ],
    );
}

// ---------------------------------------------------------------- chop, striate

fn slice(name: &str, b: f64, e: f64) -> Value {
    with(&with(&sound_of(name), Control::Begin, b), Control::End, e)
}

#[test]
fn chop_cuts_each_event_into_slices() {
    let p = chop(pure_num(2.0), sound(words(&["bd", "sn"])));
    assert_close(
        &query(&p, r(0, 1), r(1, 1)),
        &[
            whole(r(0, 1), r(1, 4), slice("bd", 0.0, 0.5)),
            whole(r(1, 4), r(1, 2), slice("bd", 0.5, 1.0)),
            whole(r(1, 2), r(3, 4), slice("sn", 0.0, 0.5)),
            whole(r(3, 4), r(1, 1), slice("sn", 0.5, 1.0)),
        ],
    );
}

#[test]
fn chop_narrows_an_existing_begin_and_end() {
    let base = set_controls(
        set_controls(
            sound(words(&["bd"])),
            control(Control::Begin, pure_num(0.2)),
        ),
        control(Control::End, pure_num(0.6)),
    );
    let p = chop_n(2, base);
    assert_close(
        &query(&p, r(0, 1), r(1, 1)),
        &[
            whole(r(0, 1), r(1, 2), slice("bd", 0.2, 0.4)),
            whole(r(1, 2), r(1, 1), slice("bd", 0.4, 0.6)),
        ],
    );
    // Tidal 1.9.5's `chomp`: `b = fromMaybe 0 begin`, `e = fromMaybe 1 end`, so a
    // lone begin 0.5 narrows 0.5..1 (d = 0.5: 0.5..0.75, 0.75..1) and a lone end
    // 0.5 narrows 0..0.5 (0..0.25, 0.25..0.5).
    let lone = set_controls(
        sound(words(&["bd"])),
        control(Control::Begin, pure_num(0.5)),
    );
    assert_close(
        &query(&chop_n(2, lone), r(0, 1), r(1, 1)),
        &[
            whole(r(0, 1), r(1, 2), slice("bd", 0.5, 0.75)),
            whole(r(1, 2), r(1, 1), slice("bd", 0.75, 1.0)),
        ],
    );
    let lone_end = set_controls(sound(words(&["bd"])), control(Control::End, pure_num(0.5)));
    assert_close(
        &query(&chop_n(2, lone_end), r(0, 1), r(1, 1)),
        &[
            whole(r(0, 1), r(1, 2), slice("bd", 0.0, 0.25)),
            whole(r(1, 2), r(1, 1), slice("bd", 0.25, 0.5)),
        ],
    );
}

#[test]
fn chop_slices_events_longer_than_the_query() {
    // chop 4 $ slow 2 $ s "bd": the whole [0,2) is cut in halves of a cycle; a query
    // of [1/4, 3/4) sees fragments of the first two slices.
    let p = chop_n(4, sound(words(&["bd"])).slow(r(2, 1)));
    assert_close(
        &query(&p, r(1, 4), r(3, 4)),
        &[
            ev(r(0, 1), r(1, 2), r(1, 4), r(1, 2), slice("bd", 0.0, 0.25)),
            ev(r(1, 2), r(1, 1), r(1, 2), r(3, 4), slice("bd", 0.25, 0.5)),
        ],
    );
    assert_close(
        &query(&p, r(1, 1), r(2, 1)),
        &[
            whole(r(1, 1), r(3, 2), slice("bd", 0.5, 0.75)),
            whole(r(3, 2), r(2, 1), slice("bd", 0.75, 1.0)),
        ],
    );
}

#[test]
fn striate_interlaces_slices_of_the_loop() {
    let p = striate(pure_num(2.0), sound(words(&["bd", "sn"])));
    assert_close(
        &query(&p, r(0, 1), r(1, 1)),
        &[
            whole(r(0, 1), r(1, 4), slice("bd", 0.0, 0.5)),
            whole(r(1, 4), r(1, 2), slice("sn", 0.0, 0.5)),
            whole(r(1, 2), r(3, 4), slice("bd", 0.5, 1.0)),
            whole(r(3, 4), r(1, 1), slice("sn", 0.5, 1.0)),
        ],
    );
    // Each cycle plays that cycle of the source; begin/end narrow the slices.
    let src = slowcat(vec![
        sound(words(&["bd"])),
        set_controls(
            set_controls(
                sound(words(&["sn"])),
                control(Control::Begin, pure_num(0.2)),
            ),
            control(Control::End, pure_num(0.6)),
        ),
    ]);
    let p = striate_n(2, src);
    assert_close(
        &query(&p, r(0, 1), r(2, 1)),
        &[
            whole(r(0, 1), r(1, 2), slice("bd", 0.0, 0.5)),
            whole(r(1, 2), r(1, 1), slice("bd", 0.5, 1.0)),
            whole(r(1, 1), r(3, 2), slice("sn", 0.2, 0.4)),
            whole(r(3, 2), r(2, 1), slice("sn", 0.4, 0.6)),
        ],
    );
}

// ---------------------------------------------------------------- edge cases

#[test]
fn degenerate_counts_never_panic() {
    let p = sound(words(&NAMES));
    let one_cycle = query(&p, r(0, 1), r(1, 1));
    // A count of 1 or less is the pattern unchanged, as in Tidal.
    for c in [1.0, 0.0, -3.0] {
        let q = stut(pure_num(c), pure_num(0.5), pure_num(0.125), p.clone());
        assert_eq!(query(&q, r(0, 1), r(1, 1)), one_cycle);
        let q = echo(pure_num(c), pure_num(0.125), pure_num(0.5), p.clone());
        assert_eq!(query(&q, r(0, 1), r(1, 1)), one_cycle);
    }
    // Huge counts are capped at MAX_COPIES.
    let q = stut(pure_num(1e18), pure_num(0.5), pure_num(1.0), p.clone());
    assert_eq!(query(&q, r(0, 1), r(1, 1)).len(), 4 * MAX_COPIES as usize);
    let rev: Transform<Value> = Arc::new(|p: Pattern<Value>| p.rev());
    let q = stut_with(pure_num(1e12), pure_num(0.25), rev, p.clone());
    assert_eq!(query(&q, r(0, 1), r(1, 1)).len(), 4 * MAX_COPIES as usize);
    let q = echo(pure_num(1e12), pure_num(0.25), pure_num(0.9), p.clone());
    assert_eq!(query(&q, r(0, 1), r(1, 1)).len(), 4 * MAX_COPIES as usize);
    // Zero or non-numeric times and feedbacks.
    let q = stut(pure_num(3.0), pure_num(f64::NAN), pure_num(0.0), p.clone());
    assert!(query(&q, r(0, 1), r(1, 1)).is_empty());
    let q = stut(pure_num(3.0), pure_num(0.5), pure_num(0.0), p.clone());
    assert_eq!(query(&q, r(0, 1), r(1, 1)).len(), 12);
    // chop / striate with no slices are silent.
    for n in [0.0, -2.0, 1e12, f64::INFINITY, f64::NAN] {
        assert!(query(&chop(pure_num(n), p.clone()), r(0, 1), r(1, 1)).is_empty());
        assert!(query(&striate(pure_num(n), p.clone()), r(0, 1), r(1, 1)).is_empty());
    }
    // hurry 0 is silence, like fast 0; a negative hurry reverses.
    assert!(query(&hurry(pure_num(0.0), p.clone()), r(0, 1), r(1, 1)).is_empty());
    assert_eq!(
        query(&hurry(pure_num(-1.0), p.clone()), r(0, 1), r(1, 1)).len(),
        4
    );
    let id: Transform<Value> = Arc::new(|p| p);
    let _ = query(&jux_by(pure_num(f64::NAN), id, p.clone()), r(0, 1), r(1, 1));
    assert!(query(&sound(Pattern::silence()), r(0, 1), r(1, 1)).is_empty());
    let _ = query(&sound(words(&[":", "::3", ""])), r(0, 1), r(1, 1));
}
