//! The parallel runtime computes exactly what the single-threaded one does: every
//! fixture rendered with 1 and 2 threads (JIT and interpreter) is bit-identical, with
//! the cost model overridden so that every stage and every block's queries really run
//! in parallel, and also with the cost model deciding.

use std::sync::Arc;

use phonon::interp::Interpreter;
use phonon::jit::engine::{JitEngine, JitOptions};
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
        rt.process(&mut l, &mut r).unwrap();
        out.extend(l.iter().chain(&r).map(|x| x.to_bits()));
        done += n;
    }
    out
}

fn jit(source: &str, threads: usize, block: usize, frames: usize) -> Vec<u32> {
    let graph = phonon::compile(source).unwrap();
    let plan = phonon::passes::optimize(&graph);
    let config = Config {
        block,
        threads,
        ..Config::default()
    };
    let engine = JitEngine::new(&plan, &config, JitOptions::default()).unwrap();
    let bank = Arc::new(SampleBank::builtin(44_100));
    render(
        Runtime::new(Arc::new(plan.graph.clone()), engine, bank, config),
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
    let engine = Interpreter::new(graph.clone(), &config);
    let bank = Arc::new(SampleBank::builtin(44_100));
    render(Runtime::new(graph, engine, bank, config), frames, block)
}

fn source(name: &str) -> String {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn one_and_two_threads_are_bit_identical() {
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
