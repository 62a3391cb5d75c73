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
