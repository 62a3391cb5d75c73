//! Time that overflows at query time stops the query at once with an error, however
//! many cycles the saturated span covers (issue "Bounded work", defect 5).

use std::time::{Duration, Instant};

use phonon::time::Rational;

#[test]
fn two_shifts_by_coprime_fractions_fail_fast_with_the_overflow_error() {
    let expr = "rotR (1/4294967291) $ rotR (1/4294967279) \"a\"";
    let t0 = Instant::now();
    let result = phonon::query_expression(expr, Rational::new(0, 1), Rational::new(1, 1));
    assert!(
        t0.elapsed() < Duration::from_secs(1),
        "took {:?}",
        t0.elapsed()
    );
    let Err(failure) = result else {
        panic!("{expr}: expected an overflow error");
    };
    let text = failure.render(expr);
    assert!(text.contains("pattern time overflowed"), "{text}");
}
