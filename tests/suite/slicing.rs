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

/// Tidal 1.9's `timeToRand`, written out from UI.hs: the seed is the fractional
/// part of `t / 300` scaled by 2^29 and truncated, through one `xorwise` round
/// (64-bit shifts, arithmetic right shift), the result mod 2^29 over 2^29.
fn tidal_time_to_rand(t: f64) -> f64 {
    let x = t / 300.0;
    let seed = ((x - x.trunc()) * 536_870_912.0) as i64;
    let a = seed.wrapping_shl(13) ^ seed;
    let b = (a >> 17) ^ a;
    let c = b.wrapping_shl(5) ^ b;
    c.rem_euclid(536_870_912) as f64 / 536_870_912.0
}

/// `randslice 8 $ s "bev*2"`: `innerJoin` over the continuous `_irand 8`, whose
/// value for a query is `floor (8 * timeToRand midpoint)`: both events of a cycle
/// queried whole get slice i = that index, `begin i/8`, `end (i+1)/8`. Querying
/// half a cycle samples the random stream at that half's midpoint instead.
#[test]
fn randslice_plays_the_slice_of_tidals_random_stream() {
    let slice_at = |mid: f64| (tidal_time_to_rand(mid) * 8.0).floor();
    let e = |i: f64| {
        format!(
            r#"{{"s":"bev","begin":{},"end":{}}}"#,
            i / 8.0,
            (i + 1.0) / 8.0
        )
    };
    // timeToRand 0.5 = 0.2591.. (slice 2), 1.5 = 0.4010.. (3), 0.25 = 0.6295.. (5).
    assert_eq!(
        [slice_at(0.5), slice_at(1.5), slice_at(0.25)],
        [2.0, 3.0, 5.0]
    );
    assert_eq!(
        events("randslice 8 $ s \"bev*2\"", r(0, 1), r(1, 1)),
        [whole("0/1", "1/2", &e(2.0)), whole("1/2", "1/1", &e(2.0))]
    );
    assert_eq!(
        events("randslice 8 $ s \"bev*2\"", r(1, 1), r(2, 1)),
        [whole("1/1", "3/2", &e(3.0)), whole("3/2", "2/1", &e(3.0))]
    );
    assert_eq!(
        events("randslice 8 $ s \"bev*2\"", r(0, 1), r(1, 2)),
        [whole("0/1", "1/2", &e(5.0))]
    );
}

/// Tidal's `_chop` (`chomp`): an event that already plays `b..e` of its sample is
/// cut into parts of that range, part i of n playing `b + i/n*(e-b) .. b +
/// (i+1)/n*(e-b)`: 0.25..0.75 in halves is 0.25..0.5 and 0.5..0.75; `slice 4 "1"`
/// (0.25..0.5) chopped in 2 is 0.25..0.375 and 0.375..0.5.
#[test]
fn chop_subdivides_the_range_an_event_already_plays() {
    let e = |b: &str, end: &str| format!(r#"{{"s":"bev","begin":{b},"end":{end}}}"#);
    assert_eq!(
        events(
            "chop 2 $ s \"bev\" # begin 0.25 # end 0.75",
            r(0, 1),
            r(1, 1)
        ),
        [
            whole("0/1", "1/2", &e("0.25", "0.5")),
            whole("1/2", "1/1", &e("0.5", "0.75")),
        ]
    );
    assert_eq!(
        events("chop 2 $ slice 4 \"1\" $ s \"bev\"", r(0, 1), r(1, 1)),
        [
            whole("0/1", "1/2", &e("0.25", "0.375")),
            whole("1/2", "1/1", &e("0.375", "0.5")),
        ]
    );
}

/// `chew 4 "0 [2 1]" $ s "a b c d"`: Tidal's `_chew`: index 0 plays slice 0 (a,
/// a quarter cycle long) over the half cycle 0..1/2, speed (1/4)/(1/2) = 0.5;
/// indices 2 and 1 play c and b in quarters, speed (1/4)/(1/4) = 1. Queried over
/// 0..1/4 the first event is seen as that part of its whole.
#[test]
fn chew_scales_speed_by_the_squeeze() {
    let e = |s: &str, speed: &str| format!(r#"{{"s":"{s}","speed":{speed}}}"#);
    assert_eq!(
        events("chew 4 \"0 [2 1]\" $ s \"a b c d\"", r(0, 1), r(1, 1)),
        [
            whole("0/1", "1/2", &e("a", "0.5")),
            whole("1/2", "3/4", &e("c", "1")),
            whole("3/4", "1/1", &e("b", "1")),
        ]
    );
    assert_eq!(
        events("chew 4 \"0 [2 1]\" $ s \"a b c d\"", r(0, 1), r(1, 4)),
        [ev(("0/1", "1/2"), ("0/1", "1/4"), &e("a", "0.5"))]
    );
}

/// `chew 2 "1 [0 0]" $ s "a b c d" # speed 2`: slice 1 (c d) in the first half,
/// speed 2 * (1/2)/(1/2) = 2; slice 0 (a b) squeezed into each quarter of the second
/// half, speed 2 * (1/2)/(1/4) = 4, a and b an eighth each.
#[test]
fn chew_multiplies_an_existing_speed() {
    let e = |s: &str, speed: &str| format!(r#"{{"s":"{s}","speed":{speed}}}"#);
    assert_eq!(
        events(
            "chew 2 \"1 [0 0]\" $ s \"a b c d\" # speed 2",
            r(0, 1),
            r(1, 1)
        ),
        [
            whole("0/1", "1/4", &e("c", "2")),
            whole("1/4", "1/2", &e("d", "2")),
            whole("1/2", "5/8", &e("a", "4")),
            whole("5/8", "3/4", &e("b", "4")),
            whole("3/4", "7/8", &e("a", "4")),
            whole("7/8", "1/1", &e("b", "4")),
        ]
    );
}
