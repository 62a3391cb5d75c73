//! Tidal's sample slicing transforms (`slice`, `loopAt`): every expected event is
//! worked out by hand from Tidal 1.9.5's definitions.

use crate::common::json::{ev, events, whole};
use phonon::time::r;

/// `slice 4 "0 5"`: Tidal's `begin = (i mod n)/n`, `end = begin + 1/n`, on the
/// indices' structure: index 5 of 4 is slice 1, 1/4..1/2.
#[test]
fn slice_plays_the_indexed_part_on_the_indices_structure() {
    assert_eq!(
        events("slice 4 \"0 5\" $ s \"bev\"", r(0, 1), r(1, 1)),
        [
            whole("0/1", "1/2", r#"{"s":"bev","begin":0,"end":0.25}"#),
            whole("1/2", "1/1", r#"{"s":"bev","begin":0.25,"end":0.5}"#),
        ]
    );
}

/// `slice "<2 4>" "1"`: the count is a pattern, sampled per index event: cycle 0
/// halves (1/2..1), cycle 1 quarters (1/4..1/2).
#[test]
fn slice_takes_a_patterned_count() {
    assert_eq!(
        events("slice \"<2 4>\" \"1\" $ s \"bev\"", r(0, 1), r(2, 1)),
        [
            whole("0/1", "1/1", r#"{"s":"bev","begin":0.5,"end":1}"#),
            whole("1/1", "2/1", r#"{"s":"bev","begin":0.25,"end":0.5}"#),
        ]
    );
}

/// `loopAt 2 $ s "bev" # speed 2`: `slow 2`, speed 2 * 1/2 = 1, unit "c": one
/// event whose whole is [0, 2), seen in cycle 0 as its part [0, 1).
#[test]
fn loop_at_slows_and_divides_speed() {
    assert_eq!(
        events("loopAt 2 $ s \"bev\" # speed 2", r(0, 1), r(1, 1)),
        [ev(
            ("0/1", "2/1"),
            ("0/1", "1/1"),
            r#"{"s":"bev","speed":1,"unit":"c"}"#
        )]
    );
    assert_eq!(
        events("loopAt 4 $ s \"bev\"", r(0, 1), r(1, 1)),
        [ev(
            ("0/1", "4/1"),
            ("0/1", "1/1"),
            r#"{"s":"bev","speed":0.25,"unit":"c"}"#
        )]
    );
}
