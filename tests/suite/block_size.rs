//! A render does not depend on the block size: a stepped value over overlapping
//! events changes on the same frame whatever frame the blocks start at (the rule is
//! `runtime::feed::fill_stepped`'s: at each frame, of the events covering it, the
//! latest onset wins, ties to the later in query order; uncovered frames hold).

use std::sync::Arc;

use phonon::render::{render, EngineKind, Length};
use phonon::runtime::Config;
use phonon::samples::SampleBank;

const RATE: u32 = 44_100;
const BLOCKS: [usize; 3] = [64, 100, 512];

fn render_source(source: &str, length: Length, block: usize, engine: EngineKind) -> Vec<f32> {
    let graph = match phonon::compile(source) {
        Ok(g) => Arc::new(g),
        Err(d) => panic!("does not compile: {d:?}"),
    };
    let bank = Arc::new(SampleBank::builtin(RATE));
    let config = Config {
        sample_rate: RATE,
        block,
        ..Config::default()
    };
    let frames = length.frames(graph.cps, RATE);
    let mut out = Vec::new();
    render(
        graph,
        bank,
        config,
        engine,
        frames,
        &mut |l, r| {
            for (a, b) in l.iter().zip(r) {
                out.push(*a);
                out.push(*b);
            }
            Ok(())
        },
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("render failed: {e}"));
    out
}

fn fixture(name: &str) -> String {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The frame an onset at `num/den` cycles lands on at the default tempo (0.5 cycles
/// per second): the nearest frame, halves rounding up (`Clock::frame_of`), worked
/// out in f64, which is exact for these small values.
fn onset_frame(num: u64, den: u64) -> usize {
    (num as f64 / den as f64 * RATE as f64 / 0.5 + 0.5).floor() as usize
}

/// The first (left, right) sample where two stereo renders differ, and the largest
/// difference.
fn compare(a: &[f32], b: &[f32]) -> Option<(usize, f32)> {
    assert_eq!(a.len(), b.len(), "lengths differ");
    let first = a
        .iter()
        .zip(b)
        .position(|(x, y)| x.to_bits() != y.to_bits())?;
    let max = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0f32, f32::max);
    Some((first / 2, max))
}

/// `source` rendered by both engines at every block size of [`BLOCKS`] gives the
/// same samples, bit for bit.
fn same_at_every_block_size(name: &str, source: &str, length: Length) {
    let reference = render_source(source, length, BLOCKS[0], EngineKind::Interp);
    for engine in [EngineKind::Interp, EngineKind::Jit] {
        for block in BLOCKS {
            let other = render_source(source, length, block, engine);
            if let Some((frame, max)) = compare(&reference, &other) {
                panic!(
                    "{name}: {engine:?} at block {block} differs from the interpreter at \
                     block {} from frame {frame} (by up to {max})",
                    BLOCKS[0]
                );
            }
        }
    }
}

/// Checks a stepped signal rendered straight to the output (mono: both channels)
/// against `want(frame)`, at every block size and in both engines.
fn stepped_frames(source: &str, cycles: f64, want: impl Fn(usize) -> f32) {
    for engine in [EngineKind::Interp, EngineKind::Jit] {
        for block in BLOCKS {
            let out = render_source(source, Length::Cycles(cycles), block, engine);
            for (i, lr) in out.chunks(2).enumerate() {
                let w = want(i);
                assert_eq!(
                    (lr[0], lr[1]),
                    (w, w),
                    "{source}: frame {i}, block {block}, {engine:?}"
                );
            }
        }
    }
}

#[test]
fn a_layer_that_ends_gives_way_on_its_end_frame() {
    // "[0.25, 0.5 ~]": 0.25 over each cycle, 0.5 over its first half. Both start
    // together, the later layer wins the tie: 0.5 until the half cycle, where it
    // ends and 0.25 (the one event still covering the frame) takes over.
    let half = onset_frame(1, 2);
    let cycle = onset_frame(1, 1);
    assert_eq!((half, cycle), (44_100, 88_200));
    stepped_frames("out: \"[0.25, 0.5 ~]\"", 1.5, |i| {
        if i % cycle < half {
            0.5
        } else {
            0.25
        }
    });
}

#[test]
fn the_latest_onset_wins_over_an_event_still_sounding() {
    // "[0.25, 0.5 0.75]": at the half cycle 0.25 (onset 0) and 0.75 (onset 1/2)
    // both cover the frame; the latest onset wins, so 0.25 never sounds.
    let half = onset_frame(1, 2);
    let cycle = onset_frame(1, 1);
    stepped_frames("out: \"[0.25, 0.5 0.75]\"", 1.5, |i| {
        if i % cycle < half {
            0.5
        } else {
            0.75
        }
    });
}

#[test]
fn a_rest_holds_the_value_before_it() {
    // "0.5 ~ 0.25 ~": the rests hold what was before, across block boundaries.
    let q = |k| onset_frame(k, 4);
    stepped_frames("out: \"0.5 ~ 0.25 ~\"", 1.5, |i| {
        let i = i % q(4);
        if i < q(2) {
            0.5
        } else {
            0.25
        }
    });
}

#[test]
fn the_reproducers_sound_the_same_at_every_block_size() {
    for src in ["out: sine \"[440, 880 ~]\"", "out: sine \"[440, 880 660]\""] {
        same_at_every_block_size(src, src, Length::Cycles(2.0));
    }
}

#[test]
fn fixtures_render_the_same_at_every_block_size() {
    // ambient.ph is left out: its bus `~tail` reads itself, and a feedback bus is one
    // block late by definition. It is checked below with that bus cut.
    for name in [
        "house.ph",
        "melody.ph",
        "stress_extreme.ph",
        "synth_dense.ph",
        "techno.ph",
    ] {
        same_at_every_block_size(name, &fixture(name), Length::Cycles(4.0));
    }
}

#[test]
fn ambient_without_its_feedback_bus_renders_the_same_at_every_block_size() {
    let src = fixture("ambient.ph");
    let cut = src.replace("~bells + ~tail * 0.6", "~bells");
    assert_ne!(
        cut, src,
        "ambient.ph no longer has the feedback bus this test cuts"
    );
    same_at_every_block_size(
        "ambient.ph without ~tail's feedback",
        &cut,
        Length::Cycles(4.0),
    );
}
