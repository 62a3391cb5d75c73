//! Time per 512-frame block of the reference interpreter on the two stress fixtures:
//! `stress_extreme.ph` (16 outputs, 8192 sample events per cycle) and
//! `synth_dense.ph` (64 saws through 64 modulated low-pass filters). This is the
//! baseline the JIT is compared with. Each iteration is the next block of a running
//! patch, so the voices reach their steady state during the warm-up.

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};

use phonon::interp::Interpreter;
use phonon::runtime::{Config, Runtime};
use phonon::samples::SampleBank;

fn runtime(source: &str) -> Runtime<Interpreter> {
    let graph = match phonon::compile(source) {
        Ok(g) => Arc::new(g),
        Err(d) => panic!("the fixture does not compile: {d:?}"),
    };
    let config = Config::default();
    let bank = Arc::new(SampleBank::builtin(config.sample_rate));
    let interp = Interpreter::new(graph.clone(), &config);
    Runtime::new(graph, interp, bank, config)
}

fn blocks(c: &mut Criterion) {
    let mut group = c.benchmark_group("interp: one 512-frame block");
    for (name, source) in [
        (
            "stress_extreme",
            include_str!("../fixtures/stress_extreme.ph"),
        ),
        ("synth_dense", include_str!("../fixtures/synth_dense.ph")),
    ] {
        let mut rt = runtime(source);
        let (mut left, mut right) = (vec![0.0f32; 512], vec![0.0f32; 512]);
        // Two seconds of music first, so that voices are at their steady state.
        for _ in 0..172 {
            let _ = rt.process(&mut left, &mut right);
        }
        group.bench_function(name, |b| {
            b.iter(|| {
                if let Err(e) = rt.process(&mut left, &mut right) {
                    panic!("{e}");
                }
            })
        });
        eprintln!("{name}: {} voices sounding at the end", rt.voices_active());
    }
    group.finish();
}

criterion_group!(benches, blocks);
criterion_main!(benches);
