//! The parallel runtime computes exactly what the single-threaded one does: every
//! fixture rendered with 1 and 2 threads (JIT and interpreter) is bit-identical, with
//! the cost model overridden so that every stage and every block's queries really run
//! in parallel, and also with the cost model deciding; and so is a corpus of random
//! patches. Also: the crew runs every item exactly once, and the denormal guard.

use crate::common;

use std::sync::Arc;

use phonon::jit::engine::JitOptions;
use phonon::runtime::{Config, Engine, Runtime};
use phonon::samples::SampleBank;

const FIXTURES: [&str; 6] = [
    "synth_dense.ph",
    "stress_extreme.ph",
    "house.ph",
    "techno.ph",
    "ambient.ph",
    "melody.ph",
];

fn render<E: Engine>(mut rt: Runtime<E>, frames: usize, block: usize) -> Vec<u32> {
    let mut out = Vec::with_capacity(frames * 2);
    let mut done = 0;
    while done < frames {
        let n = (frames - done).min(block);
        let (mut l, mut r) = (vec![0.0f32; n], vec![0.0f32; n]);
        rt.process(&mut l, &mut r);
        assert_eq!(rt.failures(), &[], "a query failed");
        out.extend(l.iter().chain(&r).map(|x| x.to_bits()));
        done += n;
    }
    out
}

fn jit(source: &str, threads: usize, block: usize, frames: usize) -> Vec<u32> {
    let graph = phonon::compile(source).unwrap();
    let config = Config {
        block,
        threads,
        ..Config::default()
    };
    let bank = Arc::new(SampleBank::builtin(44_100));
    render(
        Runtime::jit(&graph, &config, JitOptions::default(), bank).unwrap(),
        frames,
        block,
    )
}

fn interp(source: &str, threads: usize, block: usize, frames: usize) -> Vec<u32> {
    let graph = Arc::new(phonon::compile(source).unwrap());
    let config = Config {
        block,
        threads,
        ..Config::default()
    };
    let bank = Arc::new(SampleBank::builtin(44_100));
    render(
        Runtime::interp(graph, &config, bank).unwrap(),
        frames,
        block,
    )
}

fn source(name: &str) -> String {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn one_and_two_threads_are_bit_identical() {
    let _lock = FORCE.lock().unwrap_or_else(|e| e.into_inner());
    let frames = 44_100 * 2;
    for forced in [true, false] {
        phonon::parallel::force_parallel(forced);
        for name in FIXTURES {
            let src = source(name);
            for block in [512, 100] {
                let one = jit(&src, 1, block, frames);
                assert!(one.iter().any(|x| *x != 0), "{name}: silent");
                assert!(
                    one == jit(&src, 2, block, frames),
                    "{name}: jit, block {block}, forced {forced}"
                );
                assert!(
                    interp(&src, 1, block, frames) == interp(&src, 2, block, frames),
                    "{name}: interp, block {block}, forced {forced}"
                );
            }
        }
    }
    phonon::parallel::force_parallel(false);
}

#[test]
fn the_cost_model_parallelises_heavy_stages_only() {
    use phonon::parallel::{pays, HANDOFF_NS};
    assert!(!pays(HANDOFF_NS, HANDOFF_NS / 2.0) || phonon::parallel::forced());
    // 64 chains (synth_dense): about 100 µs over 8 loop groups of equal cost.
    assert!(pays(100_000.0, 12_500.0));
    // One huge item and a tiny one: nothing worth moving.
    assert!(!pays(100_000.0, 99_000.0) || phonon::parallel::forced());
    let plan = phonon::passes::optimize(&phonon::compile(&source("synth_dense.ph")).unwrap());
    let text = plan.describe(512);
    assert!(text.contains("parallel: yes"), "{text}");
}

/// Serialises the tests that switch `force_parallel` (a process-wide switch).
static FORCE: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn random_patches_are_bit_identical_on_two_threads() {
    let _lock = FORCE.lock().unwrap_or_else(|e| e.into_inner());
    let cases: u64 = std::env::var("PHONON_PAR_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let mut g = common::Gen(0x05ee_d0f7_ab1e);
    let mut checked = 0;
    let mut audible = 0;
    for case in 0..cases {
        // Up to 8 outputs: stages of several independent items.
        let src = common::random_patch(&mut g, 8);
        if phonon::compile(&src).is_err() {
            continue; // ill-typed: the generator can make those
        }
        let block = [512, 256, 100][(case % 3) as usize];
        let frames = 44_100 / 4;
        // Forced: every stage and every block's queries really go to the crew.
        phonon::parallel::force_parallel(case % 4 != 3);
        let one = jit(&src, 1, block, frames);
        let two = jit(&src, 2, block, frames);
        assert!(one == two, "case {case}, block {block}:\n{src}");
        if one.iter().any(|x| f32::from_bits(*x).abs() > 0.01) {
            audible += 1;
        }
        if case % 5 == 0 {
            assert!(
                interp(&src, 1, block, frames) == interp(&src, 2, block, frames),
                "case {case}, interp, block {block}:\n{src}"
            );
        }
        checked += 1;
    }
    phonon::parallel::force_parallel(false);
    assert!(checked * 2 > cases, "only {checked} of {cases} compiled");
    assert!(
        audible * 2 > checked,
        "only {audible} of {checked} made sound"
    );
}

#[test]
fn the_crew_runs_every_item_once() {
    use std::sync::atomic::{AtomicU32, Ordering};
    let crew = phonon::parallel::crew(3).expect("a crew of 2 workers");
    assert_eq!(crew.workers(), 2);
    let hits: Vec<AtomicU32> = (0..97).map(|_| AtomicU32::new(0)).collect();
    for round in 0..2000usize {
        let count = round % 98;
        crew.run(count, |i| {
            hits[i].fetch_add(1, Ordering::Relaxed);
        });
        // `run` returned: every item has run (and is visible here), each once.
        for (i, h) in hits.iter().enumerate() {
            let expected = u32::from(i < count);
            assert_eq!(
                h.swap(0, Ordering::Relaxed),
                expected,
                "round {round}, item {i}"
            );
        }
        if round % 500 == 499 {
            // Let the workers nap: the next jobs find them asleep and run anyway.
            std::thread::sleep(phonon::parallel::SPIN_WINDOW * 2);
        }
    }
    drop(crew); // stops and joins the workers (a hang here would fail the test run)
}

#[test]
fn a_spinning_worker_takes_items() {
    assert!(phonon::parallel::crew(1).is_none());
    let crew = phonon::parallel::crew(2).expect("a crew");
    assert_eq!(crew.workers(), 1);
    // With the worker spinning and long items, it takes a share sooner or later.
    let before = crew.worker_items();
    for _ in 0..10_000 {
        crew.run(8, |_| {
            let t = std::time::Instant::now();
            while t.elapsed() < std::time::Duration::from_micros(20) {
                std::hint::spin_loop();
            }
        });
        if crew.worker_items() > before {
            return;
        }
    }
    panic!("the worker never took an item");
}

#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
#[test]
fn denormals_are_flushed_under_the_guard_only() {
    use phonon::fpu::{flushing_denormals, FlushDenormals};
    use std::hint::black_box;
    let tiny = black_box(1.0e-40f32); // subnormal
    assert!(tiny != 0.0 && !tiny.is_normal());
    let before = flushing_denormals();
    assert!(!before, "test threads start with denormals kept");
    assert!(black_box(tiny) * black_box(1.0f32) != 0.0);
    {
        let _outer = FlushDenormals::new();
        assert!(flushing_denormals());
        // A denormal operand reads as 0 (DAZ / FZ), and so does a denormal result.
        assert_eq!(black_box(tiny) * black_box(1.0f32), 0.0);
        assert_eq!(black_box(f32::MIN_POSITIVE) * black_box(0.5f32), 0.0);
        {
            let _inner = FlushDenormals::new();
            assert!(flushing_denormals());
        }
        // The inner guard restores what it found: still flushing.
        assert!(flushing_denormals());
        assert_eq!(black_box(tiny) + black_box(0.0f32), 0.0);
    }
    assert!(!flushing_denormals());
    assert!(black_box(tiny) * black_box(1.0f32) != 0.0);
    assert!(black_box(f32::MIN_POSITIVE) * black_box(0.5f32) != 0.0);
}
