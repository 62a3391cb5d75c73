use super::*;
use crate::time::r;

fn sp(b: Rational, e: Rational) -> Span {
    Span::new(b, e)
}

fn seq(words: &[&str]) -> Pattern<String> {
    fastcat(words.iter().map(|w| Pattern::pure(w.to_string())).collect())
}

fn events(p: &Pattern<String>, b: Rational, e: Rational) -> Vec<(Option<Span>, Span, String)> {
    let mut evs = p.query(sp(b, e));
    sort_events(&mut evs);
    evs.into_iter()
        .map(|e| (e.whole, e.part, e.value))
        .collect()
}

#[test]
fn fastcat_divides_the_cycle() {
    let p = seq(&["a", "b", "c"]);
    let evs = events(&p, r(0, 1), r(1, 1));
    assert_eq!(
        evs,
        vec![
            (Some(sp(r(0, 1), r(1, 3))), sp(r(0, 1), r(1, 3)), "a".into()),
            (Some(sp(r(1, 3), r(2, 3))), sp(r(1, 3), r(2, 3)), "b".into()),
            (Some(sp(r(2, 3), r(1, 1))), sp(r(2, 3), r(1, 1)), "c".into()),
        ]
    );
}

#[test]
fn fragments_keep_their_wholes() {
    let p = seq(&["a", "b"]);
    let evs = events(&p, r(1, 4), r(3, 4));
    assert_eq!(
        evs,
        vec![
            (Some(sp(r(0, 1), r(1, 2))), sp(r(1, 4), r(1, 2)), "a".into()),
            (Some(sp(r(1, 2), r(1, 1))), sp(r(1, 2), r(3, 4)), "b".into()),
        ]
    );
}

#[test]
fn slowcat_keeps_each_patterns_own_cycles() {
    // cat [a, slow 2 "x y"]: the second pattern plays its own cycle 0 (x) in cycle 1
    // and its cycle 1 (y) in cycle 3, as Tidal's `cat` does.
    let second = seq(&["x", "y"]).slow(r(2, 1));
    let p = slowcat(vec![Pattern::pure("a".to_string()), second]);
    let c1 = events(&p, r(1, 1), r(2, 1));
    assert_eq!(
        c1,
        vec![(Some(sp(r(1, 1), r(2, 1))), sp(r(1, 1), r(2, 1)), "x".into())]
    );
    let c3 = events(&p, r(3, 1), r(4, 1));
    assert_eq!(
        c3,
        vec![(Some(sp(r(3, 1), r(4, 1))), sp(r(3, 1), r(4, 1)), "y".into())]
    );
}

#[test]
fn rev_mirrors_each_cycle() {
    let p = seq(&["a", "b", "c"]).rev();
    let evs: Vec<String> = events(&p, r(0, 1), r(1, 1))
        .into_iter()
        .map(|e| e.2)
        .collect();
    assert_eq!(evs, vec!["c", "b", "a"]);
    // A fragment keeps its whole mirrored.
    let frag = events(&p, r(0, 1), r(1, 6));
    assert_eq!(
        frag,
        vec![(Some(sp(r(0, 1), r(1, 3))), sp(r(0, 1), r(1, 6)), "c".into())]
    );
}

#[test]
fn compress_and_zoom() {
    let p = seq(&["a", "b"]).compress(r(1, 4), r(3, 4));
    let evs = events(&p, r(0, 1), r(1, 1));
    assert_eq!(
        evs,
        vec![
            (Some(sp(r(1, 4), r(1, 2))), sp(r(1, 4), r(1, 2)), "a".into()),
            (Some(sp(r(1, 2), r(3, 4))), sp(r(1, 2), r(3, 4)), "b".into()),
        ]
    );
    let z = seq(&["a", "b", "c", "d"]).zoom(r(1, 4), r(3, 4));
    let evs = events(&z, r(0, 1), r(1, 1));
    assert_eq!(
        evs,
        vec![
            (Some(sp(r(0, 1), r(1, 2))), sp(r(0, 1), r(1, 2)), "b".into()),
            (Some(sp(r(1, 2), r(1, 1))), sp(r(1, 2), r(1, 1)), "c".into()),
        ]
    );
}

#[test]
fn app_left_keeps_left_structure() {
    let a = fastcat(vec![Pattern::pure(1.0), Pattern::pure(2.0)]);
    let b = fastcat(vec![
        Pattern::pure(10.0),
        Pattern::pure(20.0),
        Pattern::pure(30.0),
    ]);
    let mut evs =
        app(Structure::Left, a.clone(), b.clone(), |x, y| x + y).query(sp(r(0, 1), r(1, 1)));
    sort_events(&mut evs);
    let got: Vec<(Span, Span, f64)> = evs
        .iter()
        .map(|e| (e.whole.unwrap(), e.part, e.value))
        .collect();
    assert_eq!(
        got,
        vec![
            (sp(r(0, 1), r(1, 2)), sp(r(0, 1), r(1, 3)), 11.0),
            (sp(r(0, 1), r(1, 2)), sp(r(1, 3), r(1, 2)), 21.0),
            (sp(r(1, 2), r(1, 1)), sp(r(1, 2), r(2, 3)), 22.0),
            (sp(r(1, 2), r(1, 1)), sp(r(2, 3), r(1, 1)), 32.0),
        ]
    );
    let mut both = app(Structure::Both, a, b, |x, y| x + y).query(sp(r(0, 1), r(1, 1)));
    sort_events(&mut both);
    let got: Vec<(Span, f64)> = both.iter().map(|e| (e.whole.unwrap(), e.value)).collect();
    assert_eq!(
        got,
        vec![
            (sp(r(0, 1), r(1, 3)), 11.0),
            (sp(r(1, 3), r(1, 2)), 21.0),
            (sp(r(1, 2), r(2, 3)), 22.0),
            (sp(r(2, 3), r(1, 1)), 32.0),
        ]
    );
}

#[test]
fn squeeze_join_fits_a_cycle_into_each_event() {
    let outer = fastcat(vec![Pattern::pure(()), Pattern::pure(())]);
    let inner = seq(&["a", "b"]);
    let p = outer.fmap(move |_| inner.clone()).squeeze_join();
    let evs: Vec<(Span, String)> = events(&p, r(0, 1), r(1, 1))
        .into_iter()
        .map(|e| (e.0.unwrap(), e.2))
        .collect();
    assert_eq!(
        evs,
        vec![
            (sp(r(0, 1), r(1, 4)), "a".into()),
            (sp(r(1, 4), r(1, 2)), "b".into()),
            (sp(r(1, 2), r(3, 4)), "a".into()),
            (sp(r(3, 4), r(1, 1)), "b".into()),
        ]
    );
}

#[test]
fn fast_with_pattern_argument_inner_joins() {
    // fast "1 2" "a b": first half at speed 1 (a), second half at speed 2 (a b in 1/2..1).
    let arg = fastcat(vec![Pattern::pure(r(1, 1)), Pattern::pure(r(2, 1))]);
    let p = patternify(arg, seq(&["a", "b"]), |f, p| p.fast(*f));
    let evs = events(&p, r(0, 1), r(1, 1));
    assert_eq!(
        evs,
        vec![
            (Some(sp(r(0, 1), r(1, 2))), sp(r(0, 1), r(1, 2)), "a".into()),
            (Some(sp(r(1, 2), r(3, 4))), sp(r(1, 2), r(3, 4)), "a".into()),
            (Some(sp(r(3, 4), r(1, 1))), sp(r(3, 4), r(1, 1)), "b".into()),
        ]
    );
}

/// `pure` written out without the marker: the same query, so the shortcuts are off.
fn opaque<T: PatValue>(p: Pattern<T>) -> Pattern<T> {
    Pattern::new(move |span, out| p.query_into(span, out))
}

#[test]
fn patternify_applies_a_constant_directly_as_tidal_1_9_10() {
    // Tidal 1.9.10: `tParam f (pure a) p = f a p`. `0.25 ~> "a"` over [0, 2): the
    // event of cycle 0 is [1/4, 5/4), whole, not cut at the cycle boundary 1.
    let shift =
        |arg: Pattern<Rational>| patternify(arg, Pattern::pure("a".to_string()), |t, p| p.late(*t));
    let direct = events(&shift(Pattern::pure(r(1, 4))), r(0, 1), r(2, 1));
    let whole = |b: Rational, e: Rational| Some(sp(b, e));
    assert_eq!(
        direct,
        vec![
            (whole(r(-3, 4), r(1, 4)), sp(r(0, 1), r(1, 4)), "a".into()),
            (whole(r(1, 4), r(5, 4)), sp(r(1, 4), r(5, 4)), "a".into()),
            (whole(r(5, 4), r(9, 4)), sp(r(5, 4), r(2, 1)), "a".into()),
        ]
    );
    // A non-constant argument with the same events is inner-joined: cut at 1.
    let joined = events(&shift(opaque(Pattern::pure(r(1, 4)))), r(0, 1), r(2, 1));
    assert_eq!(
        joined,
        vec![
            (whole(r(-3, 4), r(1, 4)), sp(r(0, 1), r(1, 4)), "a".into()),
            (whole(r(1, 4), r(5, 4)), sp(r(1, 4), r(1, 1)), "a".into()),
            (whole(r(1, 4), r(5, 4)), sp(r(1, 1), r(5, 4)), "a".into()),
            (whole(r(5, 4), r(9, 4)), sp(r(5, 4), r(2, 1)), "a".into()),
        ]
    );
    // `patternify_joined` (Tidal's written-out innerJoin) cuts even over a constant.
    let kept = patternify_joined(
        Pattern::pure(r(1, 4)),
        Pattern::pure("a".to_string()),
        |t, p| p.late(*t),
    );
    assert_eq!(events(&kept, r(0, 1), r(2, 1)), joined);
}

#[test]
fn the_constant_marker_follows_exact_constants_only() {
    let a = Pattern::pure(2i64);
    assert_eq!(a.pure_value(), Some(&2));
    assert_eq!(a.clone().fmap(|x| x * 10).pure_value(), Some(&20));
    assert_eq!(a.clone().map_values(|x| *x += 1).pure_value(), Some(&3));
    let sum = app(Structure::Both, a.clone(), Pattern::pure(5i64), |x, y| {
        x + y
    });
    assert_eq!(sum.pure_value(), Some(&7));
    assert_eq!(a.clone().fast(Rational::ONE).pure_value(), Some(&2));
    assert_eq!(a.clone().early(Rational::ZERO).pure_value(), Some(&2));
    // Anything that changes the events loses it.
    assert_eq!(a.clone().fast(r(2, 1)).pure_value(), None);
    assert_eq!(a.clone().late(r(1, 4)).pure_value(), None);
    assert_eq!(opaque(a).pure_value(), None);
}

#[test]
fn constant_shortcuts_give_the_events_of_the_general_paths() {
    // Over spans crossing cycles, zero-width and reversed spans, the shortcuts for
    // constant operands give exactly the events (and order) of the general code.
    let left = seq(&["a", "b", "c"]).late(r(1, 6));
    let spans = [
        sp(r(0, 1), r(1, 1)),
        sp(r(-1, 3), r(7, 3)),
        sp(r(5, 6), r(5, 6)),
        sp(r(1, 1), r(1, 1)),
        sp(r(3, 2), r(1, 2)),
        sp(r(1, 7), r(2, 7)),
    ];
    let cat = |a: &String, b: &String| format!("{a}{b}");
    for structure in [
        Structure::Left,
        Structure::Right,
        Structure::Both,
        Structure::Squeeze,
    ] {
        let fast_path = app(structure, left.clone(), Pattern::pure("x".to_string()), cat);
        let general = app(
            structure,
            left.clone(),
            opaque(Pattern::pure("x".to_string())),
            cat,
        );
        let fast_r = app(structure, Pattern::pure("x".to_string()), left.clone(), cat);
        let general_r = app(
            structure,
            opaque(Pattern::pure("x".to_string())),
            left.clone(),
            cat,
        );
        for &s in &spans {
            assert_eq!(fast_path.query(s), general.query(s), "{structure:?} {s}");
            assert_eq!(fast_r.query(s), general_r.query(s), "{structure:?} {s}");
        }
    }
    let in_place = left
        .clone()
        .app_left_pure("x".to_string(), |a: &mut String, b: &String| a.push_str(b));
    let general = app(
        Structure::Left,
        left.clone(),
        opaque(Pattern::pure("x".to_string())),
        cat,
    );
    for &s in &spans {
        assert_eq!(in_place.query(s), general.query(s), "{s}");
    }
    // Two constants combine to a constant with the same events.
    let both = app(
        Structure::Both,
        Pattern::pure("a".to_string()),
        Pattern::pure("b".to_string()),
        cat,
    );
    let both_general = app(
        Structure::Both,
        opaque(Pattern::pure("a".to_string())),
        opaque(Pattern::pure("b".to_string())),
        cat,
    );
    assert!(both.pure_value().is_some());
    for &s in &spans {
        assert_eq!(both.query(s), both_general.query(s), "{s}");
    }
    // The inner join over a constant outer pattern.
    let inner = seq(&["p", "q"]).late(r(1, 3));
    let joined = Pattern::pure(inner.clone()).inner_join();
    let joined_general = opaque(Pattern::pure(inner)).inner_join();
    for &s in &spans {
        assert_eq!(joined.query(s), joined_general.query(s), "{s}");
    }
}
