//! Events as the JSON lines `phonon query` prints, for tests that compare against
//! lines written out by hand.

use phonon::query::{events_to_json_lines, query_expression};
use phonon::time::Rational;

/// The JSON lines of `expr` from `from` to `to`, in `phonon query`'s order.
pub fn events(expr: &str, from: Rational, to: Rational) -> Vec<String> {
    match query_expression(expr, from, to) {
        Ok(result) => events_to_json_lines(&result)
            .lines()
            .map(str::to_string)
            .collect(),
        Err(f) => panic!("{expr}: {}", f.render(expr)),
    }
}

/// One event's line: its whole, its part and its value (as JSON).
pub fn ev(whole: (&str, &str), part: (&str, &str), value: &str) -> String {
    format!(
        "{{\"whole\":[\"{}\",\"{}\"],\"part\":[\"{}\",\"{}\"],\"value\":{}}}",
        whole.0, whole.1, part.0, part.1, value
    )
}

/// An event whose part is its whole.
pub fn whole(b: &str, e: &str, value: &str) -> String {
    ev((b, e), (b, e), value)
}
