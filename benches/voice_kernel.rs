//! The kernels of a voice definition, `saw freq # lpf cutoff 0.3 * adsr 0.005 0.2 0.4
//! 0.3 gate`: 256 voices sounding, each with its own frequency and cutoff, rendered in
//! 512-frame blocks at 44.1 kHz by the JIT's lanes (`jit::voice::JitVoices`, at the
//! lanes it picks and at 4 and 8) and by the interpreter one voice at a time
//! (`interp::InterpVoices`). Throughput is in voice-frames (voices x 512): criterion's
//! "elem/s" inverts to ns per voice-frame, which the bench also prints.

use std::sync::Arc;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use phonon::dsp::filter::SvfMode;
use phonon::interp::InterpVoices;
use phonon::ir::voice::{VoiceDef, VoiceParam};
use phonon::ir::{Graph, Node, Op, Operand};
use phonon::jit::voice::{lanes_for, JitVoices, VoiceCode};
use phonon::runtime::voice_defs::VoiceKernel;
use phonon::runtime::Config;

const BLOCK: usize = 512;
const VOICES: usize = 256;
const SR: u32 = 44_100;

fn node(op: Op, inputs: &[Operand]) -> Node {
    Node {
        op,
        inputs: inputs.to_vec(),
        channels: 1,
        span: None,
    }
}

/// The benchmarked definition (module documentation).
fn pluck() -> VoiceDef {
    use Operand::{Const as C, Node as N};
    let nodes = vec![
        node(Op::Param { index: 0 }, &[]),
        node(Op::Param { index: 1 }, &[]),
        node(Op::Param { index: 2 }, &[]),
        node(Op::Saw, &[N(0)]),
        node(Op::Svf(SvfMode::Low), &[N(3), N(1), C(0.3)]),
        node(Op::Adsr, &[C(0.005), C(0.2), C(0.4), C(0.3), C(0.0), N(2)]),
        node(Op::Mul, &[N(4), N(5)]),
    ];
    def(nodes, &[("freq", 440.0), ("cutoff", 2000.0), ("gate", 1.0)])
}

/// A definition small enough for two packs to share a loop, `saw freq * cutoff`
/// (the second parameter read as a level): what 8 lanes against 4 measure.
fn drone() -> VoiceDef {
    use Operand::Node as N;
    let nodes = vec![
        node(Op::Param { index: 0 }, &[]),
        node(Op::Param { index: 1 }, &[]),
        node(Op::Saw, &[N(0)]),
        node(Op::Mul, &[N(2), N(1)]),
    ];
    def(nodes, &[("freq", 440.0), ("cutoff", 0.5), ("gate", 1.0)])
}

/// A definition of `nodes` (the last one its sound) with `params`.
fn def(mut nodes: Vec<Node>, params: &[(&str, f32)]) -> VoiceDef {
    let sound = Operand::Node(nodes.len() - 1);
    nodes.push(Node {
        op: Op::Master,
        inputs: vec![sound],
        channels: 2,
        span: None,
    });
    VoiceDef {
        name: "pluck".to_string(),
        params: params
            .iter()
            .map(|(n, d)| VoiceParam {
                name: n.to_string(),
                default: *d,
            })
            .collect(),
        graph: Graph {
            master: nodes.len() - 1,
            nodes,
            outputs: vec![("pluck".to_string(), sound)],
            buses: Vec::new(),
            patterns: Vec::new(),
            sounds: Vec::new(),
            voices: Vec::new(),
            cps: 0.5,
            limit: false,
        },
        span: None,
    }
}

/// Starts every voice (its own frequency and cutoff, the gate up) and renders one
/// block so that the onsets are past.
fn fill(k: &mut dyn VoiceKernel) {
    let lanes = k.lanes();
    for v in 0..VOICES {
        let freq = 55.0 + 7.3 * v as f32;
        let cutoff = 300.0 + 41.0 * v as f32;
        k.start(v / lanes, v % lanes, &[freq, cutoff, 1.0, 1.0]);
    }
    for g in 0..k.groups() {
        k.run(g, 0, 1);
        for v in 0..lanes {
            k.set_param(g, v, 3, 0.0);
        }
        k.run(g, 1, BLOCK);
    }
}

/// One block of every group, reading each group's output as a pool would.
fn block(k: &mut dyn VoiceKernel) -> f32 {
    let mut sum = 0.0;
    for g in 0..k.groups() {
        k.run(g, 0, BLOCK);
        for l in 0..k.lanes() {
            sum += k.output(l, 0)[BLOCK - 1];
        }
    }
    sum
}

/// Nanoseconds per voice-frame over `blocks` blocks.
fn ns_per_voice_frame(k: &mut dyn VoiceKernel, blocks: usize) -> f64 {
    let t = Instant::now();
    let mut sum = 0.0;
    for _ in 0..blocks {
        sum += block(k);
    }
    std::hint::black_box(sum);
    t.elapsed().as_nanos() as f64 / (blocks * VOICES * BLOCK) as f64
}

fn kernels(c: &mut Criterion) {
    for (name, d) in [("pluck", pluck()), ("drone", drone())] {
        cases(c, name, &d);
    }
}

fn cases(c: &mut Criterion, def_name: &str, d: &VoiceDef) {
    let config = Config {
        sample_rate: SR,
        block: BLOCK,
        ..Config::default()
    };
    let jit = |lanes: usize| -> Box<dyn VoiceKernel> {
        let code = VoiceCode::compile_lanes(d, lanes, BLOCK, SR as f32, false)
            .unwrap_or_else(|e| panic!("{e}"));
        Box::new(JitVoices::new(Arc::new(code), VOICES))
    };
    let picked = lanes_for(d);
    let mut cases: Vec<(String, Box<dyn VoiceKernel>)> = vec![
        (format!("jit_{picked}_lanes_picked"), jit(picked)),
        ("jit_4_lanes".to_string(), jit(4)),
        ("jit_8_lanes".to_string(), jit(8)),
        (
            "interp".to_string(),
            Box::new(InterpVoices::new(d, &config, VOICES)),
        ),
    ];
    let mut group = c.benchmark_group("voice_kernel");
    group.throughput(Throughput::Elements((VOICES * BLOCK) as u64));
    for (name, k) in &mut cases {
        fill(k.as_mut());
        group.bench_function(format!("{def_name}_{name}_{VOICES}"), |b| {
            b.iter(|| std::hint::black_box(block(k.as_mut())))
        });
    }
    group.finish();
    for (name, k) in &mut cases {
        let ns = ns_per_voice_frame(k.as_mut(), 200);
        println!("voice_kernel/{def_name}_{name}: {ns:.3} ns per voice-frame ({VOICES} voices, {BLOCK}-frame blocks)");
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3));
    targets = kernels
}
criterion_main!(benches);
