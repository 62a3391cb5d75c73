//! SuperDirt's controls on a sound, as the front end reads them: a sound with
//! controls stays a sound (`s "bd" # cutoff 800 # gain 0.8 # room 0.3`), Tidal's
//! aliases set the control they name, and on a sound the one-argument `lpf hpf bpf
//! shape delay` are the per-voice controls while on a signal (or with more
//! arguments) they stay the signal operations. Every expected event is written out
//! by hand from the pattern's structure.

use crate::common::errors::{one_error, reported};
use crate::common::json::{events, whole};
use phonon::time::r;

#[test]
fn a_sound_with_controls_stays_a_sound() {
    assert_eq!(
        events(
            "s \"bd sn\" # cutoff \"800 2000\" # gain 0.8 # room 0.3 # orbit 1",
            r(0, 1),
            r(1, 1)
        ),
        [
            whole(
                "0/1",
                "1/2",
                r#"{"s":"bd","gain":0.8,"cutoff":800,"room":0.3,"orbit":1}"#
            ),
            whole(
                "1/2",
                "1/1",
                r#"{"s":"sn","gain":0.8,"cutoff":2000,"room":0.3,"orbit":1}"#
            ),
        ]
    );
    assert!(reported("out: s \"bd\" # cutoff 800 # gain 0.8 # room 0.3").is_empty());
}

#[test]
fn on_a_sound_lpf_hpf_bpf_shape_and_delay_are_per_voice_controls() {
    assert_eq!(
        events(
            "s \"bd*2\" # lpf \"400 900\" # hpf 50 # bpf 1000 # shape 0.5 # delay 0.25 # gain 1",
            r(0, 1),
            r(1, 1)
        ),
        [
            whole(
                "0/1",
                "1/2",
                r#"{"s":"bd","gain":1,"cutoff":400,"hcutoff":50,"bandf":1000,"shape":0.5,"delay":0.25}"#
            ),
            whole(
                "1/2",
                "1/1",
                r#"{"s":"bd","gain":1,"cutoff":900,"hcutoff":50,"bandf":1000,"shape":0.5,"delay":0.25}"#
            ),
        ]
    );
}

#[test]
fn a_section_on_a_sound_sets_the_control_too() {
    // `every 2` applies the function in cycles 0, 2, ...
    assert_eq!(
        events("every 2 (# lpf 800) $ s \"bd\"", r(0, 1), r(2, 1)),
        [
            whole("0/1", "1/1", r#"{"s":"bd","cutoff":800}"#),
            whole("1/1", "2/1", r#"{"s":"bd"}"#),
        ]
    );
}

#[test]
fn tidal_aliases_set_the_control_they_name() {
    assert_eq!(
        events(
            "s \"x\" # lpq 0.2 # hpq 0.3 # bpq 2 # sz 0.8 # delayfb 0.5 # delayt 0.125 # att 0.01 # rel 0.2 # ctf 300 # up 7",
            r(0, 1),
            r(1, 1)
        ),
        [whole(
            "0/1",
            "1/1",
            r#"{"s":"x","note":7,"attack":0.01,"release":0.2,"cutoff":300,"resonance":0.2,"hresonance":0.3,"bandq":2,"size":0.8,"delaytime":0.125,"delayfeedback":0.5}"#
        )]
    );
}

#[test]
fn more_controls_than_fit_inline_are_all_kept_in_order() {
    // Twelve controls on one event (past the eight a map holds inline), set in
    // reverse order: they come back in the controls' own order.
    assert_eq!(
        events(
            "s \"x\" # orbit 2 # lock 1 # delayfeedback 0.5 # delaytime 0.25 # delay 0.3 # dry 0.1 # size 0.9 # room 0.4 # hcutoff 200 # coarse 3 # crush 4 # vowel \"a\"",
            r(0, 1),
            r(1, 1)
        ),
        [whole(
            "0/1",
            "1/1",
            r#"{"s":"x","hcutoff":200,"vowel":"a","crush":4,"coarse":3,"room":0.4,"size":0.9,"dry":0.1,"delay":0.3,"delaytime":0.25,"delayfeedback":0.5,"lock":1,"orbit":2}"#
        )]
    );
}

#[test]
fn on_a_signal_or_with_two_arguments_they_are_the_operations() {
    // The filter of a signal, as before.
    assert!(
        reported("out: saw 55 # lpf 800\nout2: saw 55 # shape 0.5 # delay 0.25 0.5").is_empty()
    );
    // Two arguments: the filter of the sound's mix, which is a signal, so a control
    // after it has no events to set.
    one_error(
        "out: s \"bd\" # lpf 800 0.7 # gain 0.5",
        1,
        6,
        "expected a sound, found a signal",
    );
}
