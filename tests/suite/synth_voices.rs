//! Built-in synths played as voices (`s "sine"`, `n "c'maj" # s "supersaw"`):
//! chords and overlapping notes sound polyphonically at the notes' frequencies, a
//! per-event `cutoff` filters each voice, a voice starts on its exact frame, and a
//! synth's name is no unknown sample. Levels are measured with a DFT bin computed
//! here (Goertzel), against frequencies worked out from the notes:
//! 440·2^((midi-69)/12) with `n 0` = middle C = MIDI 60.

use crate::common::rendering::render_with;
use crate::common::spectrum::{level, midi};
use phonon::render::Length;
use phonon::runtime::Config;

fn left(src: &str, cycles: f64) -> Vec<f32> {
    render_with(src, Length::Cycles(cycles), Config::default()).left
}

#[test]
fn a_chord_on_a_synth_sounds_its_three_notes() {
    let x = left("tempo: 1\nout: n \"c'maj\" # s \"sine\"", 1.0);
    let part = &x[4410..39690];
    let notes = [midi(60.0), midi(64.0), midi(67.0)];
    assert!((notes[0] - 261.63).abs() < 0.01 && (notes[2] - 392.0).abs() < 0.01);
    let quiet = [midi(62.0), midi(66.0), midi(70.0), 150.0, 500.0];
    let floor = quiet.iter().map(|&f| level(part, f)).fold(0.0, f64::max);
    for f in notes {
        let l = level(part, f);
        assert!(l > 0.1, "{f} Hz at {l}");
        assert!(l > 100.0 * floor, "{f} Hz at {l}, elsewhere up to {floor}");
    }
}

#[test]
fn overlapping_notes_sound_together() {
    // `legato 2`: the first note (n 0) still sounds under the second (n 7).
    let x = left("tempo: 1\nout: n \"0 7\" # s \"sine\" # legato 2", 1.0);
    let first = &x[2205..19845];
    let second = &x[24255..41895];
    assert!(level(first, midi(60.0)) > 0.1);
    assert!(level(first, midi(67.0)) < 0.01);
    assert!(level(second, midi(60.0)) > 0.1, "the first note ended");
    assert!(level(second, midi(67.0)) > 0.1);
    // Without legato the first note has ended by then.
    let x = left("tempo: 1\nout: n \"0 7\" # s \"sine\"", 1.0);
    assert!(level(&x[24255..41895], midi(60.0)) < 0.01);
}

#[test]
fn a_per_event_cutoff_filters_each_voice_of_a_synth() {
    // Two saw notes at 55 Hz (n -27 = MIDI 33), the first through a 300 Hz
    // low-pass, the second through 4 kHz: the 50th harmonic (2750 Hz), 3.2 octaves
    // above the first cutoff, is 12 dB per octave (about 38 dB) weaker in the first.
    let x = left(
        "tempo: 1\nout: n \"-27 -27\" # s \"sawtooth\" # cutoff \"300 4000\"",
        1.0,
    );
    let (a, b) = (&x[4410..19845], &x[26460..41895]);
    let f0 = midi(33.0);
    assert!((f0 - 55.0).abs() < 0.01);
    let h = f0 * 50.0;
    let (la, lb) = (level(a, h), level(b, h));
    assert!(
        lb > 30.0 * la,
        "50th harmonic {la} under 300 Hz, {lb} under 4 kHz"
    );
    // The fundamental passes both.
    assert!(level(a, f0) > 0.3 * level(b, f0));
}

#[test]
fn a_synth_voice_starts_on_its_exact_frame() {
    // tempo 1: the second half starts at frame 22050.
    let x = left("tempo: 1\nout: s \"~ sine\"", 1.0);
    assert!(
        x[..22050].iter().all(|&v| v == 0.0),
        "sound before the onset"
    );
    assert!(
        x[22050..22060].iter().any(|&v| v != 0.0),
        "no sound at the onset"
    );
}

#[test]
fn a_synth_name_is_no_unknown_sample() {
    let warnings: Vec<String> = phonon::check_source("out: s \"superkick supersnare superhat\"")
        .into_iter()
        .map(|d| d.message)
        .collect();
    assert!(warnings.is_empty(), "{warnings:?}");
}
