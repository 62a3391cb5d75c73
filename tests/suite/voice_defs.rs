//! Voice definitions (`~pluck freq=440 gate=1: expr`, played by `s "~pluck"`): one
//! voice per event, each parameter filled from the event's control of its name (or
//! its default), `gate` 1 for the event's sounding length, every voice starting on
//! its exact frame; on both engines (the JIT runs the voices in vector lanes, the
//! interpreter one at a time). Values are worked out from the definitions: frames
//! from cycles at the tempo, frequencies from MIDI numbers, equal-power pan.

use crate::common::errors::{one_error, reported};
use crate::common::rendering::render_on;
use crate::common::spectrum::{level, midi};
use phonon::render::{EngineKind, Length};
use phonon::runtime::Config;

const ENGINES: [EngineKind; 2] = [EngineKind::Interp, EngineKind::Jit];

fn left(engine: EngineKind, src: &str, cycles: f64) -> Vec<f32> {
    render_on(engine, src, Length::Cycles(cycles), Config::default()).left
}

#[test]
fn a_chord_on_a_voice_sounds_its_three_notes() {
    let src = "tempo: 1\n~tone freq=440 gate=1: sine freq * adsr 0.001 0 1 0.01 gate\n\
               out: n \"c'maj\" # s \"~tone\"";
    for engine in ENGINES {
        let x = left(engine, src, 1.0);
        let part = &x[4410..39690];
        let quiet = [midi(62.0), midi(66.0), midi(70.0), 150.0, 500.0, 440.0];
        let floor = quiet.iter().map(|&f| level(part, f)).fold(0.0, f64::max);
        for f in [midi(60.0), midi(64.0), midi(67.0)] {
            let l = level(part, f);
            // Each note at equal power in the centre: cos(45°) on the left.
            assert!(
                (l - 0.5f64.sqrt()).abs() < 0.05,
                "{engine:?}: {f} Hz at {l}"
            );
            assert!(
                l > 100.0 * floor,
                "{engine:?}: {f} Hz at {l}, elsewhere {floor}"
            );
        }
    }
}

#[test]
fn a_voice_starts_on_its_frame_and_its_gate_closes_at_the_events_end() {
    // The voice's sound is its gate: 1 from the onset (cycle 1/2 = frame 22050 at one
    // cycle per second) to the event's end (frame 44100), then 0.
    let src = "tempo: 1\n~g gate=1: gate\nout: s \"~ ~g\" # pan 0";
    for engine in ENGINES {
        let x = left(engine, src, 1.5);
        assert!(
            x[..22050].iter().all(|&v| v == 0.0),
            "{engine:?}: before the onset"
        );
        assert!(
            x[22050..44100].iter().all(|&v| v == 1.0),
            "{engine:?}: while it sounds"
        );
        assert!(
            x[44100..].iter().all(|&v| v == 0.0),
            "{engine:?}: after the gate"
        );
    }
}

#[test]
fn legato_and_sustain_set_the_gates_length() {
    for engine in ENGINES {
        let x = left(
            engine,
            "tempo: 1\n~g gate=1: gate\nout: s \"~g\" # pan 0 # legato 0.25",
            1.0,
        );
        assert!(x[..11025].iter().all(|&v| v == 1.0), "{engine:?}");
        assert!(x[11025..].iter().all(|&v| v == 0.0), "{engine:?}");
        let x = left(
            engine,
            "tempo: 1\n~g gate=1: gate\nout: s \"~g\" # pan 0 # sustain 0.1",
            1.0,
        );
        assert!(x[..4410].iter().all(|&v| v == 1.0), "{engine:?}");
        assert!(x[4410..].iter().all(|&v| v == 0.0), "{engine:?}");
    }
}

#[test]
fn parameters_take_the_events_controls_or_keep_their_defaults() {
    // `cutoff` from the event's control, else 0.25; `freq` from `n` (n 12 is C5,
    // MIDI 72), else 100; `bright` is no control, so always its default.
    let src = "tempo: 1\n~p cutoff=0.25 freq=100 bright=2 gate=1: (cutoff + freq / 10000 + bright) * gate\n\
               d1: s \"~p ~\" # cutoff 0.5 # n 12 # pan 0\n\
               d2: s \"~ ~p\" # pan 0";
    let first = 0.5 + midi(72.0) / 10000.0 + 2.0;
    let second = 0.25 + 100.0 / 10000.0 + 2.0;
    for engine in ENGINES {
        let x = left(engine, src, 1.0);
        for &v in &x[..22050] {
            assert!(
                (v as f64 - first).abs() < 1e-5,
                "{engine:?}: {v} against {first}"
            );
        }
        for &v in &x[22050..44100] {
            assert!(
                (v as f64 - second).abs() < 1e-5,
                "{engine:?}: {v} against {second}"
            );
        }
    }
}

#[test]
fn gain_and_pan_apply_to_the_voice() {
    // Equal power: pan 0.25 is cos and sin of 22.5°, times the gain.
    let src = "tempo: 1\n~g gate=1: gate\nout: s \"~g\" # pan 0.25 # gain 0.5";
    let theta = 0.25 * std::f64::consts::FRAC_PI_2;
    for engine in ENGINES {
        let r = render_on(engine, src, Length::Cycles(0.5), Config::default());
        assert!(
            (r.left[100] as f64 - 0.5 * theta.cos()).abs() < 1e-6,
            "{engine:?}"
        );
        assert!(
            (r.right[100] as f64 - 0.5 * theta.sin()).abs() < 1e-6,
            "{engine:?}"
        );
    }
}

#[test]
fn an_envelope_without_a_gate_input_starts_at_the_onset() {
    // `perc` given the voice's gate starts at each voice's onset: two voices, each
    // decaying from its own start, the second's start at frame 22050.
    let src = "tempo: 1\n~p gate=1: perc 0.2 gate\nout: s \"~p ~p\" # pan 0";
    for engine in ENGINES {
        let x = left(engine, src, 1.0);
        let peak = |a: usize, b: usize| x[a..b].iter().fold(0.0f32, |m, v| m.max(v.abs()));
        assert!(peak(0, 2205) > 0.9, "{engine:?}: the first voice's attack");
        assert!(
            peak(20000, 22050) < 0.01,
            "{engine:?}: the first voice decayed"
        );
        assert!(
            peak(22050, 24255) > 0.9,
            "{engine:?}: the second voice's own attack"
        );
        assert_eq!(x[22049], x[22049], "finite");
    }
}

#[test]
fn voices_overlap_and_end_after_their_release() {
    // Eight overlapping voices a cycle, each ringing 0.3 s after its gate.
    let src = "tempo: 2\n~p freq=440 gate=1: saw freq * adsr 0.001 0.05 0.5 0.3 gate\n\
               out: n \"0 3 7 12 0 3 7 12\" # s \"~p\" # legato 2";
    for engine in ENGINES {
        let r = render_on(engine, src, Length::Cycles(4.0), Config::default());
        // 1/16 s apart, 1/8 s long plus 0.3 s of release (0.4 s under -100 dB): at
        // most seven at once, never the sixty-four started.
        assert!(
            r.report.peak_voices >= 4,
            "{engine:?}: {}",
            r.report.peak_voices
        );
        assert!(
            r.report.peak_voices <= 10,
            "{engine:?}: {}",
            r.report.peak_voices
        );
    }
}

#[test]
fn a_voices_mistakes_are_errors_at_their_place() {
    one_error(
        "~v gate=1: saw \"100 200\"\nout: s \"~v\"",
        1,
        16,
        "a voice is computed on its own for each event, so a pattern cannot be part of it; \
         give the value as a parameter (`~name cutoff=800: ...`, set by `# cutoff \"...\"`)",
    );
    one_error(
        "~lfo: sine 1\n~v gate=1: saw 100 * ~lfo\nout: s \"~v\" + ~lfo",
        2,
        22,
        "a voice cannot read the bus `~lfo`",
    );
    one_error(
        "~v gate=1: saw 100\nout: ~v",
        2,
        6,
        "`~v` is a voice, not a signal",
    );
    one_error(
        "~v freq=: saw freq\nout: s \"~v\"",
        1,
        9,
        "expected a parameter `name=number`",
    );
    let errors = reported("~v gate=1: saw 100 # delay 0.1 0.5\nout: s \"~v\"");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].2.starts_with("`delay` keeps delay lines"),
        "{errors:?}"
    );
    assert_eq!((errors[0].0, errors[0].1), (1, 12), "{errors:?}");
}

#[test]
fn a_voice_name_is_no_unknown_sample() {
    let warnings: Vec<String> = phonon::check_source("~v gate=1: gate\nout: s \"~v\"")
        .iter()
        .map(|d| d.message.clone())
        .collect();
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn a_parameter_no_event_can_set_is_a_warning() {
    let src = "~v bright=2 gate=1: gate * bright\nout: s \"~v\"";
    let warnings: Vec<(usize, usize, String)> = phonon::check_source(src)
        .iter()
        .map(|d| {
            let (line, col) = d.line_col(src);
            (line, col, d.message.clone())
        })
        .collect();
    assert_eq!(
        warnings,
        [(
            1,
            4,
            "parameter `bright` is no control, so no event sets it: it stays 2".to_string()
        )]
    );
}

/// Runs `a` for `before` blocks, hands over to `b` (as a live reload does), then runs
/// both on: the largest difference of `b`'s blocks from `a`'s continuation.
fn reload_difference(engine: EngineKind, a: &str, b: &str, before: usize, after: usize) -> f32 {
    use phonon::jit::engine::JitOptions;
    use phonon::runtime::Runtime;
    use std::sync::Arc;
    let config = Config::default();
    let bank = Arc::new(phonon::samples::SampleBank::builtin(config.sample_rate));
    let graph = |src: &str| Arc::new(phonon::compile(src).unwrap_or_else(|d| panic!("{d:?}")));
    let (ga, gb) = (graph(a), graph(b));
    match engine {
        EngineKind::Interp => {
            let run = |g: &Arc<phonon::ir::Graph>| {
                Runtime::interp(g.clone(), &config, bank.clone()).unwrap_or_else(|e| panic!("{e}"))
            };
            handed_over(run(&ga), run(&gb), before, after)
        }
        EngineKind::Jit => {
            let run = |g: &Arc<phonon::ir::Graph>| {
                Runtime::jit(g, &config, JitOptions::default(), bank.clone())
                    .unwrap_or_else(|e| panic!("{e}"))
            };
            handed_over(run(&ga), run(&gb), before, after)
        }
    }
}

fn handed_over<E: phonon::runtime::Engine>(
    mut ra: phonon::runtime::Runtime<E>,
    mut rb: phonon::runtime::Runtime<E>,
    before: usize,
    after: usize,
) -> f32 {
    use phonon::ir::match_graphs;
    use phonon::runtime::RuntimeCarry;
    let (mut l, mut r) = (vec![0.0; 512], vec![0.0; 512]);
    for _ in 0..before {
        ra.process(&mut l, &mut r);
    }
    let (ga, gb) = (ra.engine().graph().clone(), rb.engine().graph().clone());
    let m = match_graphs(&ga, &gb, true);
    let carry = RuntimeCarry::new(&ga, &gb, &m.nodes);
    let clock = *ra.clock();
    rb.take_over(&mut ra, clock, &carry);
    let (mut l2, mut r2) = (vec![0.0; 512], vec![0.0; 512]);
    let (mut worst, mut heard) = (0.0f32, 0.0f32);
    for _ in 0..after {
        ra.process(&mut l, &mut r);
        rb.process(&mut l2, &mut r2);
        for (x, y) in l.iter().zip(&l2) {
            worst = worst.max((x - y).abs());
            heard = heard.max(x.abs());
        }
    }
    assert!(heard > 0.01, "the voices sounded");
    worst
}

#[test]
fn a_reload_carries_the_sounding_voices() {
    // Long notes: at the reload (block 40, 0.46 s) the first voice sounds in its
    // sustain; the edited pattern starts its next events later, so until then the
    // new program plays only what it carried.
    let a = "tempo: 0.25\n~p freq=440 gate=1: saw freq * adsr 0.01 0.1 0.5 0.5 gate\nout: n \"0 7\" # s \"~p\"";
    let b = "tempo: 0.25\n~p freq=440 gate=1: saw freq * adsr 0.01 0.1 0.5 0.5 gate\nout: n \"0 5\" # s \"~p\"";
    let c = "tempo: 0.25\n~p freq=440 gate=1: sine freq * adsr 0.01 0.1 0.5 0.5 gate\nout: n \"0 7\" # s \"~p\"";
    for engine in ENGINES {
        assert_eq!(reload_difference(engine, a, b, 40, 40), 0.0, "{engine:?}");
        // A changed definition does not take the old voices.
        assert!(reload_difference(engine, a, c, 40, 40) > 0.01, "{engine:?}");
    }
}
