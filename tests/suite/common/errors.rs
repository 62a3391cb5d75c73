//! The errors `phonon check` reports, as (line, column, message), for tests that
//! compare them with positions counted by hand.

/// The errors `phonon check` reports for `src`: line, column, message.
pub fn reported(src: &str) -> Vec<(usize, usize, String)> {
    phonon::check_source(src)
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let (line, col) = d.line_col(src);
            (line, col, d.message.clone())
        })
        .collect()
}

/// `src` has exactly this one error.
pub fn one_error(src: &str, line: usize, col: usize, message: &str) {
    assert_eq!(reported(src), [(line, col, message.to_string())], "{src}");
}
