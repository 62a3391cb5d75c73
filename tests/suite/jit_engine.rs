//! Whole patches through the JIT engine against the interpreter: the same graph (after
//! the passes), the same runtime, sample for sample.

use crate::common;

use std::sync::Arc;

use common::{both_engines, largest_difference};

use phonon::jit::engine::JitOptions;
use phonon::runtime::{Config, Runtime};
use phonon::samples::SampleBank;

fn bank() -> Arc<SampleBank> {
    Arc::new(SampleBank::builtin(44_100))
}

/// Renders `blocks` blocks of `source` through both engines (block size `block`, last
/// block shorter) and returns the largest absolute difference.
fn compare(source: &str, block: usize, blocks: usize) -> f32 {
    let config = Config {
        block,
        ..Config::default()
    };
    let (mut a, mut b) = both_engines(source, &config, bank());
    let sizes = (0..blocks).map(|k| {
        if k == blocks - 1 {
            block / 3 + 1
        } else {
            block
        }
    });
    largest_difference(&mut a, &mut b, sizes).0
}

#[test]
fn elementwise_patches_match_exactly() {
    for src in [
        "out: \"0.5 0.25 <1 -1>\" * 2 + 1",
        "out: clip -0.5 0.5 (range -2 2 \"0 0.5 1 [-1 1]\") / \"1 0 2\"",
        "tempo: 0.7\nout: abs (\"-0.3 0.2\" - 0.1) * mtof \"60 72\" * 0.001\nout2: \"1 2\" * -0.25",
        "~a: ~a * 0.5 + \"1 2\"\nout: ~a * 0.1",
    ] {
        let d = compare(src, 512, 20);
        assert_eq!(d, 0.0, "{src}: differs by {d}");
    }
}

#[test]
fn sounds_and_their_sampled_controls_match_exactly() {
    let d = compare(
        "out: s \"bd*4 hh*8\" # pan (\"0 1\" * 0.5 + 0.25) # gain 0.8\nout2: s \"cp\" * \"1 0.5\"",
        256,
        40,
    );
    assert_eq!(d, 0.0);
}

#[test]
fn a_runtime_refuses_an_engine_built_for_other_buffers() {
    use phonon::runtime::{Engine, Layout, LayoutMismatch};
    let graph = phonon::compile("out: sine 220 * 0.1").unwrap_or_else(|d| panic!("{d:?}"));
    let small = Config {
        block: 256,
        ..Config::default()
    };
    let engine = phonon::program::jit_engine(&graph, &small, JitOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let samples = |block| Layout::of(engine.graph(), block).samples;
    let expected = LayoutMismatch {
        engine: Layout {
            block: 256,
            samples: samples(256),
        },
        runtime: Layout {
            block: 512,
            samples: samples(512),
        },
    };
    let refused = Runtime::new(engine, bank(), Config::default()).err();
    assert_eq!(refused, Some(expected));
    let interp = phonon::program::interp_engine(Arc::new(graph), &small);
    assert!(Runtime::new(interp, bank(), Config::default()).is_err());
}
