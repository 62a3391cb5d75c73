//! The JIT's effects (`jit::ops::effects`) against their `dsp::effects` twins: four
//! lanes with different, per-sample modulated parameters, over many blocks of mixed
//! sizes, compared with the `dsp` kernels run lane by lane over the same blocks.

use phonon::dsp::effects as fx;
use phonon::dsp::effects::MAX_DELAY_SECONDS;
use phonon::ir::Op;
use phonon::jit::kernel::StateInit;
use phonon::jit::single::SingleOp;

/// Block sizes: 12 blocks, 2100 frames.
const BLOCKS: [usize; 12] = [512, 100, 7, 512, 1, 64, 65, 300, 3, 128, 255, 153];

fn total() -> usize {
    BLOCKS.iter().sum()
}

/// A reproducible white noise in -1..1.
fn noise(seed: u32, n: usize) -> Vec<f32> {
    let mut s = seed.wrapping_mul(2_654_435_761).max(1);
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            (s >> 8) as f32 / (1u32 << 23) as f32 - 1.0
        })
        .collect()
}

/// Impulses of height 1 at frame 0 and every `every` frames.
fn impulses(every: usize, n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| if i % every == 0 { 1.0 } else { 0.0 })
        .collect()
}

fn constant(x: f32, n: usize) -> Vec<f32> {
    vec![x; n]
}

/// `centre + swing · sin(2π·i/period)`, per sample.
fn sweep(centre: f32, swing: f32, period: f32, n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| centre + swing * (std::f32::consts::TAU * i as f32 / period).sin())
        .collect()
}

/// Parameters cycling through edge values (NaN, infinities, zeros, huge, negative).
fn edges(offset: usize, n: usize) -> Vec<f32> {
    let v = [
        0.0,
        -0.0,
        f32::NAN,
        1e30,
        -1e30,
        f32::INFINITY,
        f32::NEG_INFINITY,
        -5.0,
        0.5,
        1.0,
        3.0,
        1e-7,
        25.0,
    ];
    (0..n).map(|i| v[(i / 3 + offset) % v.len()]).collect()
}

/// One lane's `dsp` kernel.
enum Reference {
    Delay(fx::Delay),
    Reverb(Box<fx::Reverb>),
    Distortion,
    Shape,
    Bitcrush(fx::Bitcrush),
    Chorus(fx::Chorus),
    Compressor(fx::Compressor),
}

impl Reference {
    fn new(op: Op, sr: f32, channel: usize) -> Reference {
        match op {
            Op::Delay => Reference::Delay(fx::Delay::new(sr, MAX_DELAY_SECONDS)),
            Op::Reverb => Reference::Reverb(Box::new(fx::Reverb::new(sr, channel))),
            Op::Distortion => Reference::Distortion,
            Op::Shape => Reference::Shape,
            Op::Bitcrush => Reference::Bitcrush(fx::Bitcrush::new()),
            Op::Chorus => Reference::Chorus(fx::Chorus::new(sr, channel)),
            Op::Compressor => Reference::Compressor(fx::Compressor::new(sr)),
            _ => panic!("not an effect: {op:?}"),
        }
    }

    fn run(&mut self, x: &[&[f32]], out: &mut [f32]) {
        match self {
            Reference::Delay(s) => fx::delay(s, x[0], x[1], x[2], x[3], out),
            Reference::Reverb(s) => fx::reverb(s, x[0], x[1], x[2], x[3], out),
            Reference::Distortion => fx::distortion(x[0], x[1], x[2], out),
            Reference::Shape => fx::shape(x[0], x[1], out),
            Reference::Bitcrush(s) => fx::bitcrush(s, x[0], x[1], x[2], out),
            Reference::Chorus(s) => fx::chorus(s, x[0], x[1], x[2], x[3], out),
            Reference::Compressor(s) => fx::compressor(s, x[0], x[1], x[2], out),
        }
    }
}

/// A block runner (the library's harness).
trait Runner {
    fn run(&mut self, inputs: &[[&[f32]; 4]], frames: usize) -> [Vec<f32>; 4];
}

impl Runner for SingleOp {
    fn run(&mut self, inputs: &[[&[f32]; 4]], frames: usize) -> [Vec<f32>; 4] {
        SingleOp::run(self, inputs, frames)
    }
}

/// The largest difference between the JIT and the `dsp` kernels, and how many
/// samples were not bit-identical (NaN matching NaN counts as identical).
#[derive(Debug, Default)]
struct Diff {
    max: f32,
    inexact: usize,
    jit_nonfinite: usize,
}

/// Runs `op` over `BLOCKS` on the JIT (`jit`) and on the `dsp` kernels (lane `l` on
/// channel `channels[l]`) with `inputs[k][lane]` full-length signals.
fn compare(
    jit: &mut dyn Runner,
    op: Op,
    sr: f32,
    channels: [usize; 4],
    inputs: &[[Vec<f32>; 4]],
) -> Diff {
    let mut refs: Vec<Reference> = channels
        .iter()
        .map(|&c| Reference::new(op, sr, c))
        .collect();
    let mut diff = Diff::default();
    let mut at = 0;
    for &n in &BLOCKS {
        let block: Vec<[&[f32]; 4]> = inputs
            .iter()
            .map(|lanes| std::array::from_fn(|l| &lanes[l][at..at + n]))
            .collect();
        let got = jit.run(&block, n);
        for (l, r) in refs.iter_mut().enumerate() {
            let ins: Vec<&[f32]> = block.iter().map(|lanes| lanes[l]).collect();
            let mut want = vec![0.0f32; n];
            r.run(&ins, &mut want);
            for i in 0..n {
                let (g, w) = (got[l][i], want[i]);
                if !g.is_finite() {
                    diff.jit_nonfinite += 1;
                }
                if g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan()) {
                    continue;
                }
                diff.inexact += 1;
                let d = (g - w).abs();
                diff.max = if d.is_nan() {
                    f32::INFINITY
                } else {
                    diff.max.max(d)
                };
            }
        }
        at += n;
    }
    diff
}

fn check(name: &str, op: Op, sr: f32, inputs: Vec<[Vec<f32>; 4]>) -> Diff {
    let mut jit = SingleOp::new(op, [op; 4], inputs.len(), sr).unwrap_or_else(|e| panic!("{e}"));
    let d = compare(&mut jit, op, sr, [0; 4], &inputs);
    report(name, &d);
    d
}

fn report(name: &str, d: &Diff) {
    println!(
        "{name}: max |jit - dsp| = {:e}, {} samples not bit-identical",
        d.max, d.inexact
    );
    assert!(d.max <= 1e-5, "{name}: {d:?}");
}

fn bit_exact(name: &str, d: &Diff) {
    assert_eq!(d.inexact, 0, "{name}: {d:?}");
}

#[test]
fn delay_matches_dsp() {
    for sr in [44_100.0, 200.0] {
        let n = total();
        let x = [
            impulses(300, n),
            noise(1, n),
            impulses(777, n),
            noise(2, n).iter().map(|v| v * 1e3).collect(),
        ];
        let time = [
            constant(0.0071, n),
            sweep(0.005, 0.004, 333.0, n),
            constant(0.0, n),
            sweep(2.0, 1.9, 1500.0, n),
        ];
        let fb = [
            constant(0.5, n),
            constant(0.999, n),
            constant(1.0, n),
            sweep(0.0, 1.2, 91.0, n),
        ];
        let mix = [
            constant(0.5, n),
            constant(1.0, n),
            sweep(0.5, 0.6, 50.0, n),
            constant(0.3, n),
        ];
        let d = check(
            &format!("delay @{sr}"),
            Op::Delay,
            sr,
            vec![x, time, fb, mix],
        );
        bit_exact("delay", &d);
        assert_eq!(d.jit_nonfinite, 0);
    }
}

#[test]
fn reverb_matches_dsp() {
    for sr in [44_100.0, 8_000.0] {
        let n = total();
        let x = [impulses(1000, n), noise(3, n), noise(4, n), impulses(1, n)];
        let room = [
            constant(0.5, n),
            constant(1.0, n),
            sweep(0.5, 0.6, 700.0, n),
            constant(0.0, n),
        ];
        let damp = [
            constant(0.5, n),
            sweep(0.5, 0.6, 300.0, n),
            constant(0.0, n),
            constant(1.0, n),
        ];
        let mix = [
            constant(1.0, n),
            constant(0.3, n),
            sweep(0.5, 0.5, 64.0, n),
            constant(0.7, n),
        ];
        let d = check(
            &format!("reverb @{sr}"),
            Op::Reverb,
            sr,
            vec![x, room, damp, mix],
        );
        bit_exact("reverb", &d);
    }
}

#[test]
fn distortion_matches_dsp() {
    let n = total();
    let x = [
        noise(5, n),
        sweep(0.0, 1.0, 100.0, n),
        noise(6, n),
        noise(7, n),
    ];
    let drive = [
        constant(1.0, n),
        sweep(10.0, 9.0, 77.0, n),
        constant(0.0, n),
        constant(1e7, n),
    ];
    let mix = [
        constant(1.0, n),
        constant(0.5, n),
        constant(1.0, n),
        sweep(0.5, 0.7, 31.0, n),
    ];
    let d = check("distortion", Op::Distortion, 44_100.0, vec![x, drive, mix]);
    bit_exact("distortion", &d);
}

#[test]
fn shape_matches_dsp() {
    let n = total();
    let x = [
        noise(40, n),
        sweep(0.0, 1.5, 300.0, n),
        noise(41, n),
        noise(42, n),
    ];
    let amount = [
        constant(0.5, n),
        sweep(0.5, 0.6, 53.0, n),
        constant(0.0, n),
        sweep(0.4, 0.8, 29.0, n),
    ];
    let d = check("shape", Op::Shape, 44_100.0, vec![x, amount]);
    bit_exact("shape", &d);
}

#[test]
fn bitcrush_matches_dsp() {
    let n = total();
    let x = [
        noise(8, n),
        sweep(0.0, 1.0, 200.0, n),
        noise(9, n),
        noise(10, n),
    ];
    let bits = [
        constant(4.0, n),
        sweep(12.0, 11.5, 97.0, n),
        constant(f32::NAN, n),
        constant(30.0, n),
    ];
    let rate = [
        constant(0.25, n),
        constant(1.0, n),
        sweep(0.3, 0.29, 123.0, n),
        constant(1e-7, n),
    ];
    let d = check("bitcrush", Op::Bitcrush, 44_100.0, vec![x, bits, rate]);
    bit_exact("bitcrush", &d);
}

#[test]
fn chorus_matches_dsp() {
    for sr in [44_100.0, 1_000.0, 50.0, 1.0] {
        let n = total();
        let x = [
            noise(11, n),
            impulses(50, n),
            noise(12, n),
            sweep(0.0, 1.0, 40.0, n),
        ];
        let rate = [
            constant(0.5, n),
            constant(5.0, n),
            constant(1000.0, n),
            sweep(50.0, 49.0, 333.0, n),
        ];
        let depth = [
            constant(1.0, n),
            sweep(0.5, 0.6, 100.0, n),
            constant(0.3, n),
            constant(1.0, n),
        ];
        let mix = [
            constant(0.5, n),
            constant(1.0, n),
            constant(0.0, n),
            sweep(0.5, 0.6, 80.0, n),
        ];
        let d = check(
            &format!("chorus @{sr}"),
            Op::Chorus,
            sr,
            vec![x, rate, depth, mix],
        );
        bit_exact("chorus", &d);
    }
}

#[test]
fn compressor_matches_dsp() {
    let n = total();
    let env = sweep(0.5, 0.5, 900.0, n);
    let x = [
        noise(13, n).iter().zip(&env).map(|(a, b)| a * b).collect(),
        sweep(0.0, 1.0, 100.0, n),
        noise(14, n),
        impulses(100, n),
    ];
    let threshold = [
        constant(-20.0, n),
        sweep(-12.0, 12.0, 150.0, n),
        constant(0.0, n),
        constant(-60.0, n),
    ];
    let ratio = [
        constant(4.0, n),
        constant(f32::INFINITY, n),
        sweep(10.0, 9.5, 211.0, n),
        constant(1.0, n),
    ];
    let d = check(
        "compressor",
        Op::Compressor,
        44_100.0,
        vec![x, threshold, ratio],
    );
    bit_exact("compressor", &d);
}

/// Edge parameters (NaN, infinities, zeros, huge, negative) per sample: the same as
/// the dsp kernels, and finite for finite input.
#[test]
fn edge_parameters_match_dsp_and_stay_finite() {
    let n = total();
    for op in [
        Op::Delay,
        Op::Reverb,
        Op::Distortion,
        Op::Shape,
        Op::Bitcrush,
        Op::Chorus,
        Op::Compressor,
    ] {
        let k = op.input_names().map_or(0, |v| v.len());
        let mut inputs = vec![[noise(20, n), impulses(64, n), noise(21, n), noise(22, n)]];
        for j in 1..k {
            inputs.push(std::array::from_fn(|l| edges(j * 5 + l * 2, n)));
        }
        let d = check(&format!("{} edges", op.name()), op, 44_100.0, inputs);
        bit_exact(op.name(), &d);
        assert_eq!(d.jit_nonfinite, 0, "{}: {d:?}", op.name());
    }
}

/// Non-finite input: the JIT still does what the dsp kernels do (the delay line and
/// the compressor recover).
#[test]
fn non_finite_input_matches_dsp() {
    let n = total();
    let mut x = noise(30, n);
    x[5] = f32::NAN;
    x[600] = f32::INFINITY;
    x[900] = f32::NEG_INFINITY;
    x[1300] = 1e38;
    for op in [
        Op::Delay,
        Op::Distortion,
        Op::Shape,
        Op::Bitcrush,
        Op::Compressor,
    ] {
        let k = op.input_names().map_or(0, |v| v.len());
        let mut inputs = vec![[x.clone(), x.clone(), x.clone(), x.clone()]];
        let params: [f32; 4] = [0.01, 0.5, 0.5, 0.5];
        for &p in params.iter().take(k).skip(1) {
            inputs.push(std::array::from_fn(|l| constant(p * (l + 1) as f32, n)));
        }
        let d = check(
            &format!("{} non-finite input", op.name()),
            op,
            44_100.0,
            inputs,
        );
        bit_exact(op.name(), &d);
    }
}

/// The state of an effect's emitter with lane `l` on channel `channels[l]`; `None`
/// for an operation that is not an effect.
fn state_for_channels(op: Op, channels: [usize; 4], sr: f32) -> Option<Vec<StateInit>> {
    let effect = op
        .spec()
        .language
        .is_some_and(|l| l.kind == phonon::check::Kind::Effect);
    effect.then(|| phonon::jit::kernel::state(op, &[op; 4], channels, sr))
}

/// An emitter's memory per lane, before alignment.
fn memory_bytes(op: Op, sr: f32) -> usize {
    phonon::jit::kernel::emitter(op).map_or(0, |e| e.memory_bytes(sr))
}

#[test]
fn memory_and_state_layouts() {
    let sr = 48_000.0;
    let (_, _, len) = fx::Delay::dims(sr, MAX_DELAY_SECONDS);
    assert_eq!(memory_bytes(Op::Delay, sr), len * 4);
    assert_eq!(memory_bytes(Op::Distortion, sr), 0);
    let (l, la) = fx::Reverb::line_lengths(sr, 0);
    let (r, ra) = fx::Reverb::line_lengths(sr, 1);
    let right: usize = r.iter().chain(&ra).sum();
    assert!(r.iter().zip(&l).all(|(r, l)| r >= l) && ra.iter().zip(&la).all(|(r, l)| r >= l));
    assert_eq!(memory_bytes(Op::Reverb, sr), right * 4);
    let s = state_for_channels(Op::Reverb, [0, 1, 0, 1], sr).unwrap();
    assert_eq!(s.len(), 32);
    assert_eq!(
        s[20],
        StateInit::I32([
            (l[0] * 4) as i32,
            (r[0] * 4) as i32,
            (l[0] * 4) as i32,
            (r[0] * 4) as i32
        ])
    );
    let s = state_for_channels(Op::Chorus, [1, 0, 0, 1], sr).unwrap();
    assert_eq!(s[1], StateInit::F64([0.25, 0.0]));
    assert_eq!(s[2], StateInit::F64([0.0, 0.25]));
    assert_eq!(
        phonon::jit::single::initial_state(Op::Chorus, [Op::Chorus; 4], sr),
        state_for_channels(Op::Chorus, [0; 4], sr).unwrap()
    );
    assert!(state_for_channels(Op::Saw, [0; 4], sr).is_none());
}

#[test]
fn reverb_and_chorus_lanes_on_either_channel_match_dsp() {
    let n = total();
    let channels = [0, 1, 1, 0];
    for sr in [44_100.0, 11_025.0] {
        let x = [
            noise(40, n),
            noise(40, n),
            impulses(500, n),
            impulses(500, n),
        ];
        let a = [
            constant(0.8, n),
            constant(0.8, n),
            sweep(0.5, 0.5, 300.0, n),
            sweep(0.5, 0.5, 300.0, n),
        ];
        let b = [
            constant(0.3, n),
            constant(0.3, n),
            constant(1.0, n),
            constant(1.0, n),
        ];
        let mix = [
            constant(1.0, n),
            constant(1.0, n),
            constant(0.5, n),
            constant(0.5, n),
        ];
        let inputs = vec![x, a, b, mix];
        let mut jit =
            SingleOp::with_channels(Op::Reverb, [Op::Reverb; 4], channels, 4, sr).unwrap();
        let d = compare(&mut jit, Op::Reverb, sr, channels, &inputs);
        report(&format!("reverb channels {channels:?} @{sr}"), &d);
        bit_exact("reverb channels", &d);
        let rate: [Vec<f32>; 4] = std::array::from_fn(|l| constant(0.5 + l as f32, n));
        let inputs = vec![
            inputs[0].clone(),
            rate,
            inputs[2].clone(),
            inputs[3].clone(),
        ];
        let mut jit =
            SingleOp::with_channels(Op::Chorus, [Op::Chorus; 4], channels, 4, sr).unwrap();
        let d = compare(&mut jit, Op::Chorus, sr, channels, &inputs);
        report(&format!("chorus channels {channels:?} @{sr}"), &d);
        bit_exact("chorus channels", &d);
    }
}

/// The right channel's reverb really differs from the left one (the test above would
/// otherwise prove little).
#[test]
fn channels_change_the_output() {
    let n = total();
    let x: [Vec<f32>; 4] = std::array::from_fn(|_| noise(50, n));
    let c = |v: f32| -> [Vec<f32>; 4] { std::array::from_fn(|_| constant(v, n)) };
    let inputs = [x, c(0.8), c(0.3), c(1.0)];
    let mut jit =
        SingleOp::with_channels(Op::Reverb, [Op::Reverb; 4], [0, 1, 0, 1], 4, 44_100.0).unwrap();
    let refs: Vec<[&[f32]; 4]> = inputs
        .iter()
        .map(|lanes| std::array::from_fn(|l| lanes[l].as_slice()))
        .collect();
    let out = Runner::run(&mut jit, &refs, n);
    assert_eq!(out[0], out[2]);
    assert_eq!(out[1], out[3]);
    assert_ne!(out[0], out[1]);
}

/// Time of the JIT (four lanes at once) against the dsp kernels (four lanes one after
/// the other) per effect: `cargo test --release --test jit_effects -- --ignored
/// --nocapture`.
#[test]
#[ignore]
fn speed_report() {
    let sr = 44_100.0;
    let n = 512;
    let blocks = 400;
    for op in [
        Op::Delay,
        Op::Reverb,
        Op::Distortion,
        Op::Bitcrush,
        Op::Chorus,
        Op::Compressor,
    ] {
        let k = op.input_names().map_or(0, |v| v.len());
        let mut inputs: Vec<[Vec<f32>; 4]> = vec![std::array::from_fn(|l| noise(l as u32, n))];
        for j in 1..k {
            inputs.push(std::array::from_fn(|l| {
                sweep(0.3, 0.1, 100.0 + (j + l) as f32, n)
            }));
        }
        let block: Vec<[&[f32]; 4]> = inputs
            .iter()
            .map(|lanes| std::array::from_fn(|l| lanes[l].as_slice()))
            .collect();
        let mut jit = SingleOp::new(op, [op; 4], k, sr).unwrap();
        let t = std::time::Instant::now();
        for _ in 0..blocks {
            std::hint::black_box(jit.run(&block, n));
        }
        let tj = t.elapsed();
        let mut refs: Vec<Reference> = (0..4).map(|_| Reference::new(op, sr, 0)).collect();
        let mut out = vec![0.0f32; n];
        let t = std::time::Instant::now();
        for _ in 0..blocks {
            for (l, r) in refs.iter_mut().enumerate() {
                let ins: Vec<&[f32]> = block.iter().map(|lanes| lanes[l]).collect();
                r.run(&ins, &mut out);
                std::hint::black_box(&out);
            }
        }
        let td = t.elapsed();
        println!(
            "{:>10}: jit {:>8.1?}  dsp {:>8.1?}  (dsp/jit {:.2})",
            op.name(),
            tj,
            td,
            td.as_secs_f64() / tj.as_secs_f64()
        );
    }
}
