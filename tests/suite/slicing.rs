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

/// Tidal's own test (ControlTest.hs): `splice "4 8" "0 1" $ sound "bev"` is
/// `begin "0 0.125" # end "0.25 0.25" # speed "0.5 0.25" # unit "c"`: each speed
/// is `(1/bits) / (event length 1/2)`.
#[test]
fn splice_pitches_each_slice_to_fill_its_event() {
    assert_eq!(
        events("splice \"4 8\" \"0 1\" $ s \"bev\"", r(0, 1), r(1, 1)),
        [
            whole(
                "0/1",
                "1/2",
                r#"{"s":"bev","speed":0.5,"begin":0,"end":0.25,"unit":"c"}"#
            ),
            whole(
                "1/2",
                "1/1",
                r#"{"s":"bev","speed":0.25,"begin":0.125,"end":0.25,"unit":"c"}"#
            ),
        ]
    );
}

/// `splice 4 "0 [1 2]" $ s "bev" # speed 2`: a speed already there is multiplied:
/// (1/4)/(1/2) * 2 = 1 on the half-cycle event, (1/4)/(1/4) * 2 = 2 on the quarters.
#[test]
fn splice_multiplies_an_existing_speed() {
    let e = |speed: &str, b: &str, end: &str| {
        format!(r#"{{"s":"bev","speed":{speed},"begin":{b},"end":{end},"unit":"c"}}"#)
    };
    assert_eq!(
        events(
            "splice 4 \"0 [1 2]\" $ s \"bev\" # speed 2",
            r(0, 1),
            r(1, 1)
        ),
        [
            whole("0/1", "1/2", &e("1", "0", "0.25")),
            whole("1/2", "3/4", &e("2", "0.25", "0.5")),
            whole("3/4", "1/1", &e("2", "0.5", "0.75")),
        ]
    );
}

/// `striateBy 2 0.5 $ s "bev*2"`: Tidal's `fastcat` of 2 copies, copy i with
/// `begin (slot*i) # end (slot*i + f)`, slot = (1 - 0.5)/2 = 0.25: the first half
/// plays 0..0.5 of each sample, the second half 0.25..0.75.
#[test]
fn striate_by_plays_overlapping_parts_copy_by_copy() {
    let e = |b: &str, end: &str| format!(r#"{{"s":"bev","begin":{b},"end":{end}}}"#);
    assert_eq!(
        events("striateBy 2 0.5 $ s \"bev*2\"", r(0, 1), r(1, 1)),
        [
            whole("0/1", "1/4", &e("0", "0.5")),
            whole("1/4", "1/2", &e("0", "0.5")),
            whole("1/2", "3/4", &e("0.25", "0.75")),
            whole("3/4", "1/1", &e("0.25", "0.75")),
        ]
    );
}

/// `striateBy "<2 4>" 0.25 $ s "bev" # begin 0.9`: the count is a pattern; the
/// event's own begin is replaced (Tidal's `p # begin .. # end ..`). Cycle 0: slot
/// 0.75/2 = 0.375; cycle 1: slot 0.75/4 = 0.1875, copies 0..3 in its quarters.
#[test]
fn striate_by_takes_a_patterned_count_and_replaces_begin() {
    let e = |b: &str, end: &str| format!(r#"{{"s":"bev","begin":{b},"end":{end}}}"#);
    assert_eq!(
        events(
            "striateBy \"<2 4>\" 0.25 $ s \"bev\" # begin 0.9",
            r(0, 1),
            r(2, 1)
        ),
        [
            whole("0/1", "1/2", &e("0", "0.25")),
            whole("1/2", "1/1", &e("0.375", "0.625")),
            whole("1/1", "5/4", &e("0", "0.25")),
            whole("5/4", "3/2", &e("0.1875", "0.4375")),
            whole("3/2", "7/4", &e("0.375", "0.625")),
            whole("7/4", "2/1", &e("0.5625", "0.8125")),
        ]
    );
}
