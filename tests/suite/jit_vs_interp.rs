//! The JIT against the interpreter on every fixture and on a generated corpus of
//! random well-typed patches: the same plan through both engines, block by block.
//! The largest difference per sample must stay within 1e-5 of full scale (of the
//! signal's own peak when that is above 1).

use crate::common;

use std::sync::Arc;

use common::{both_engines, largest_difference, random_patch, random_voice_patch, Gen};

use phonon::runtime::Config;
use phonon::samples::SampleBank;

const TOLERANCE: f32 = 1e-5;

thread_local! {
    static BANK: Arc<SampleBank> = Arc::new(SampleBank::builtin(44_100));
}

/// Largest difference between the engines over `seconds`, and the interpreter's
/// peak, for blocks of `block` frames (the last one shorter).
fn compare(source: &str, seconds: f64, block: usize) -> (f32, f32) {
    let config = Config {
        block,
        ..Config::default()
    };
    let (mut a, mut b) = both_engines(source, &config, BANK.with(|b| b.clone()));
    let total = (seconds * 44_100.0) as usize;
    let blocks = (0..total.div_ceil(block)).map(|k| (total - k * block).min(block));
    largest_difference(&mut a, &mut b, blocks)
}

fn within_tolerance(worst: f32, peak: f32) -> bool {
    worst <= TOLERANCE * peak.max(1.0)
}

#[test]
fn every_fixture_agrees() {
    for name in [
        "synth_dense.ph",
        "stress_extreme.ph",
        "house.ph",
        "techno.ph",
        "ambient.ph",
        "melody.ph",
        "poly.ph",
    ] {
        let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let (worst, peak) = compare(&src, 3.0, 512);
        eprintln!("{name}: largest difference {worst:e} (peak {peak})");
        assert!(
            within_tolerance(worst, peak),
            "{name}: {worst:e} (peak {peak})"
        );
    }
}

#[test]
fn random_well_typed_patches_agree() {
    let cases: u64 = std::env::var("PHONON_JIT_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let mut g = Gen(0x9e37_79b9_7f4a_7c15);
    let mut checked = 0;
    let mut largest = 0.0f32;
    let mut audible = 0;
    for case in 0..cases {
        let src = random_patch(&mut g, 3);
        if phonon::compile(&src).is_err() {
            continue; // the generator can make an ill-typed patch; the checker says so
        }
        let block = [512, 256, 100][(case % 3) as usize];
        let (worst, peak) = compare(&src, 0.3, block);
        assert!(
            within_tolerance(worst, peak),
            "case {case}: {worst:e} (peak {peak})\n{src}"
        );
        largest = largest.max(worst / peak.max(1.0));
        checked += 1;
        if peak > 0.01 {
            audible += 1;
        }
    }
    assert!(
        audible * 2 > checked,
        "only {audible} of {checked} patches made sound"
    );
    eprintln!("{checked} random patches: largest difference {largest:e} of full scale");
    assert!(
        checked * 2 > cases,
        "only {checked} of {cases} generated patches compiled"
    );
}

#[test]
fn random_voice_definitions_agree() {
    // The JIT runs the voices in vector lanes, the interpreter one by one.
    let cases: u64 = std::env::var("PHONON_JIT_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let mut g = Gen(0x51f1_5eed_1234_5678);
    let (mut checked, mut audible) = (0, 0);
    let mut largest = 0.0f32;
    for case in 0..cases {
        let src = random_voice_patch(&mut g);
        if phonon::compile(&src).is_err() {
            continue;
        }
        let block = [512, 256, 100][(case % 3) as usize];
        let (worst, peak) = compare(&src, 1.0, block);
        assert!(
            within_tolerance(worst, peak),
            "case {case}: {worst:e} (peak {peak})\n{src}"
        );
        largest = largest.max(worst / peak.max(1.0));
        checked += 1;
        if peak > 0.01 {
            audible += 1;
        }
    }
    eprintln!("{checked} random voice patches: largest difference {largest:e} of full scale");
    assert!(
        checked * 4 > cases * 3,
        "only {checked} of {cases} compiled"
    );
    assert!(
        audible * 2 > checked,
        "only {audible} of {checked} made sound"
    );
}

#[test]
fn reverb_on_a_mono_input_is_stereo_in_both_engines() {
    // A mono sine burst into the reverb: the node is stereo, the engines agree, and
    // the two channels' rooms differ (their line lengths do).
    let source = "out: sine 440 * perc 0.05 # reverb 0.8 0.3 1";
    let graph = match phonon::compile(source) {
        Ok(g) => g,
        Err(d) => panic!("{d:?}"),
    };
    let reverb = graph.nodes.iter().find(|n| n.op == phonon::ir::Op::Reverb);
    assert_eq!(reverb.map(|n| n.channels), Some(2));
    let (worst, peak) = compare(source, 1.0, 512);
    assert!(within_tolerance(worst, peak), "{worst:e} (peak {peak})");
    let config = Config::default();
    let (mut jit, _) = both_engines(source, &config, BANK.with(|b| b.clone()));
    let (mut l, mut r) = (vec![0.0f32; 512], vec![0.0f32; 512]);
    let mut differ = 0;
    for _ in 0..40 {
        jit.process(&mut l, &mut r);
        differ += l
            .iter()
            .zip(&r)
            .filter(|(a, b)| (**a - **b).abs() > 1e-4)
            .count();
    }
    assert!(differ > 1000, "{differ} frames differ between the channels");
}
