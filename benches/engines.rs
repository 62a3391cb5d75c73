//! Time per 512-frame block of both engines on the two stress fixtures:
//! `stress_extreme.ph` (16 outputs, 8192 sample events per cycle) and
//! `synth_dense.ph` (64 saws through 64 modulated low-pass filters). The interpreter
//! runs the graph as lowered, the JIT the optimised plan. Each iteration is the next
//! block of a running patch, so voices are at their steady state after the warm-up.

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};

use phonon::interp::Interpreter;
use phonon::jit::engine::{JitEngine, JitOptions};
use phonon::runtime::{Config, Engine, Runtime};
use phonon::samples::SampleBank;

fn interp(source: &str, bank: &Arc<SampleBank>) -> Runtime<Interpreter> {
    let graph = match phonon::compile(source) {
        Ok(g) => Arc::new(g),
        Err(d) => panic!("the fixture does not compile: {d:?}"),
    };
    match Runtime::interp(graph, &Config::default(), bank.clone()) {
        Ok(rt) => rt,
        Err(e) => panic!("{e}"),
    }
}

fn jit(source: &str, bank: &Arc<SampleBank>) -> Runtime<JitEngine> {
    let graph = match phonon::compile(source) {
        Ok(g) => g,
        Err(d) => panic!("the fixture does not compile: {d:?}"),
    };
    match Runtime::jit(
        &graph,
        &Config::default(),
        JitOptions::default(),
        bank.clone(),
    ) {
        Ok(rt) => rt,
        Err(e) => panic!("{e}"),
    }
}

fn bench_engine<E: Engine>(c: &mut Criterion, group: &str, name: &str, mut rt: Runtime<E>) {
    let (mut left, mut right) = (vec![0.0f32; 512], vec![0.0f32; 512]);
    // Two seconds of music first, so that voices are at their steady state.
    for _ in 0..172 {
        rt.process(&mut left, &mut right);
    }
    assert_eq!(rt.failures(), &[], "{group}/{name}: a query failed");
    let mut g = c.benchmark_group(group);
    g.bench_function(name, |b| {
        b.iter(|| {
            rt.process(&mut left, &mut right);
        })
    });
    g.finish();
    eprintln!(
        "{group}/{name}: {} voices sounding at the end",
        rt.voices_active()
    );
}

fn blocks(c: &mut Criterion) {
    let bank = Arc::new(SampleBank::builtin(44_100));
    for (name, source) in [
        (
            "stress_extreme",
            include_str!("../fixtures/stress_extreme.ph"),
        ),
        ("synth_dense", include_str!("../fixtures/synth_dense.ph")),
    ] {
        bench_engine(c, name, "interp", interp(source, &bank));
        bench_engine(c, name, "jit", jit(source, &bank));
    }
}

criterion_group!(benches, blocks);
criterion_main!(benches);
