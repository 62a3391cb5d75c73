//! The JIT's oscillators (`jit::ops::osc`) against `dsp::osc`, lane by lane: four
//! different instances per compiled kernel (other frequencies, widths, seeds), inputs
//! modulated every sample, blocks of mixed sizes so that the state carries across
//! calls. The aim is bit-exactness and the tests demand it; the largest absolute
//! difference is printed as well (`--nocapture`).

use phonon::dsp::osc::{self, Brown, Noise, Osc, Pink};
use phonon::ir::Op;
use phonon::jit::single::SingleOp;
use phonon::render::{EngineKind, Length};
use phonon::runtime::Config;

use crate::common::rendering::render_on;

const SR: f32 = 44_100.0;

/// Mixed block sizes: 12 blocks, 2_983 frames.
const BLOCKS: [usize; 12] = [512, 100, 7, 1, 512, 333, 64, 2, 1000, 128, 5, 319];

fn total() -> usize {
    BLOCKS.iter().sum()
}

enum Twin {
    Osc(Osc),
    Noise(Noise),
    Pink(Pink),
    Brown(Brown),
}

fn twin(op: Op) -> Twin {
    match op {
        Op::Noise { seed } => Twin::Noise(Noise::new(seed)),
        Op::Pink { seed } => Twin::Pink(Pink::new(seed)),
        Op::Brown { seed } => Twin::Brown(Brown::new(SR, seed)),
        _ => Twin::Osc(Osc::new(SR)),
    }
}

/// One block of the interpreter's kernel.
fn dsp_block(op: Op, s: &mut Twin, ins: &[&[f32]], out: &mut [f32]) {
    match (op, s) {
        (Op::Sine, Twin::Osc(s)) => osc::sine(s, ins[0], out),
        (Op::Saw, Twin::Osc(s)) => osc::saw(s, ins[0], out),
        (Op::Square | Op::Pulse, Twin::Osc(s)) => osc::square(s, ins[0], ins[1], out),
        (Op::Tri, Twin::Osc(s)) => osc::tri(s, ins[0], out),
        (Op::Impulse, Twin::Osc(s)) => osc::impulse(s, ins[0], out),
        (Op::Noise { .. }, Twin::Noise(s)) => osc::noise(s, out),
        (Op::Pink { .. }, Twin::Pink(s)) => osc::pink(s, out),
        (Op::Brown { .. }, Twin::Brown(s)) => osc::brown(s, out),
        _ => panic!("no twin for {op:?}"),
    }
}

/// `inputs[k][lane]` signals, `total()` long; runs the JIT and the twin over
/// `blocks`, returns (jit, dsp) outputs per lane.
fn run_both(
    lanes: [Op; 4],
    inputs: &[[Vec<f32>; 4]],
    blocks: &[usize],
) -> ([Vec<f32>; 4], [Vec<f32>; 4]) {
    let op = lanes[0];
    let mut jit = SingleOp::new(op, lanes, inputs.len(), SR).unwrap();
    let mut twins: Vec<Twin> = lanes.iter().map(|&o| twin(o)).collect();
    let mut got: [Vec<f32>; 4] = Default::default();
    let mut want: [Vec<f32>; 4] = Default::default();
    let mut at = 0;
    for &n in blocks {
        let slices: Vec<[&[f32]; 4]> = inputs
            .iter()
            .map(|k| std::array::from_fn(|l| &k[l][at..at + n]))
            .collect();
        let out = jit.run(&slices, n);
        for l in 0..4 {
            got[l].extend_from_slice(&out[l]);
            let ins: Vec<&[f32]> = slices.iter().map(|k| k[l]).collect();
            let mut o = vec![0.0f32; n];
            dsp_block(lanes[l], &mut twins[l], &ins, &mut o);
            want[l].extend_from_slice(&o);
        }
        at += n;
    }
    (got, want)
}

/// Asserts bit-exactness (NaN equal to NaN) and prints the largest difference.
fn check(name: &str, lanes: [Op; 4], inputs: &[[Vec<f32>; 4]]) {
    let (got, want) = run_both(lanes, inputs, &BLOCKS);
    let mut max = 0.0f32;
    let mut first = None;
    for l in 0..4 {
        assert_eq!(got[l].len(), want[l].len());
        for (i, (g, w)) in got[l].iter().zip(&want[l]).enumerate() {
            let same = g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan());
            if !same {
                max = max.max((g - w).abs());
                first.get_or_insert((l, i, *g, *w));
            }
            assert!(g.is_finite(), "{name}: lane {l} frame {i}: {g}");
        }
    }
    eprintln!("{name}: largest |jit - dsp| = {max:e}");
    if let Some((l, i, g, w)) = first {
        panic!("{name}: lane {l} frame {i}: jit {g} vs dsp {w} (largest difference {max:e})");
    }
}

fn constant(x: f32) -> Vec<f32> {
    vec![x; total()]
}

/// An exponential sweep from `lo` to `hi` Hz and back, per sample.
fn sweep(lo: f32, hi: f32) -> Vec<f32> {
    let n = total();
    (0..n)
        .map(|i| {
            let x = i as f32 / n as f32;
            let tri = 1.0 - (2.0 * x - 1.0).abs();
            lo * (hi / lo).powf(tri)
        })
        .collect()
}

/// Odd values: 0, negative, NaN, ±inf, huge, tiny, every few samples.
fn wild() -> Vec<f32> {
    let odd = [
        0.0,
        -0.0,
        -440.0,
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        1e30,
        -1e30,
        1e-30,
        22_050.0,
        -22_050.0,
        30_000.0,
        11_025.0,
        44_100.0,
        -13.7,
        5_000.0,
    ];
    (0..total()).map(|i| odd[(i / 3) % odd.len()]).collect()
}

/// Per-lane frequency sets: fixed pitches; per-sample sweeps (rising to above
/// Nyquist, negative); edge values.
fn freq_sets() -> Vec<(&'static str, [Vec<f32>; 4])> {
    vec![
        (
            "fixed",
            [
                constant(55.0),
                constant(440.0),
                constant(2489.0),
                constant(17_000.0),
            ],
        ),
        (
            "low",
            [
                constant(55.0),
                constant(82.4069),
                constant(130.8128),
                constant(207.6523),
            ],
        ),
        (
            "swept",
            [
                sweep(20.0, 22_000.0),
                sweep(100.0, 30_000.0),
                sweep(5_000.0, 15_000.0).iter().map(|f| -f).collect(),
                sweep(1.0, 20_000.0)
                    .iter()
                    .enumerate()
                    .map(|(i, f)| if i % 2 == 0 { *f } else { -f })
                    .collect(),
            ],
        ),
        (
            "edges",
            [
                constant(0.0),
                constant(-3_000.0),
                constant(f32::NAN),
                wild(),
            ],
        ),
    ]
}

fn lanes_of(op: Op) -> [Op; 4] {
    [op; 4]
}

#[test]
fn periodic_waveforms_match_the_interpreter() {
    for (op, name) in [
        (Op::Sine, "sine"),
        (Op::Saw, "saw"),
        (Op::Tri, "tri"),
        (Op::Impulse, "impulse"),
    ] {
        for (set, freqs) in freq_sets() {
            check(&format!("{name} {set}"), lanes_of(op), &[freqs]);
        }
    }
}

#[test]
fn square_matches_with_widths_per_lane_and_modulated() {
    let n = total();
    let widths: [Vec<f32>; 4] = [
        constant(0.5),
        constant(0.1),
        (0..n)
            .map(|i| 0.5 + 0.45 * (i as f32 * 0.013).sin())
            .collect(),
        (0..n)
            .map(|i| [0.0, 1.0, f32::NAN, -5.0, 0.01, 0.99, 0.3][(i / 5) % 7])
            .collect(),
    ];
    for (set, freqs) in freq_sets() {
        check(
            &format!("square {set}"),
            lanes_of(Op::Square),
            &[freqs.clone(), widths.clone()],
        );
        check(
            &format!("pulse {set}"),
            lanes_of(Op::Pulse),
            &[freqs, widths.clone()],
        );
    }
}

#[test]
fn noise_pink_and_brown_match_with_a_seed_per_lane() {
    let seeds = [0u32, 1, 12_345, u32::MAX];
    check(
        "noise",
        seeds.map(|seed| Op::Noise { seed }),
        &[] as &[[Vec<f32>; 4]],
    );
    check(
        "pink",
        seeds.map(|seed| Op::Pink { seed }),
        &[] as &[[Vec<f32>; 4]],
    );
    check(
        "brown",
        seeds.map(|seed| Op::Brown { seed }),
        &[] as &[[Vec<f32>; 4]],
    );
}

/// The state carries across calls: one long block gives what the mixed blocks give.
#[test]
fn state_carries_across_blocks() {
    let freqs = freq_sets().swap_remove(2).1;
    let widths: [Vec<f32>; 4] = std::array::from_fn(|l| constant(0.2 + 0.2 * l as f32));
    for op in [Op::Sine, Op::Saw, Op::Square, Op::Tri, Op::Impulse] {
        let ins = if op == Op::Square {
            vec![freqs.clone(), widths.clone()]
        } else {
            vec![freqs.clone()]
        };
        let (split, _) = run_both(lanes_of(op), &ins, &BLOCKS);
        let (whole, _) = run_both(lanes_of(op), &ins, &[total()]);
        assert_eq!(split, whole, "{op:?}");
    }
    for op in [
        Op::Noise { seed: 9 },
        Op::Pink { seed: 9 },
        Op::Brown { seed: 9 },
    ] {
        let (split, _) = run_both(lanes_of(op), &[], &BLOCKS);
        let (whole, _) = run_both(lanes_of(op), &[], &[total()]);
        assert_eq!(split, whole, "{op:?}");
    }
}

/// Not a test: the time of 64 saws (16 four-lane kernels) against the interpreter's
/// kernel over the same frames. `cargo test --release --test jit_osc -- --ignored
/// --nocapture`.
#[test]
#[ignore]
fn saw_speed() {
    let n = 512;
    let rounds = 400;
    let freqs: Vec<f32> = (0..64).map(|i| 55.0 * 1.06f32.powi(i % 24)).collect();
    let ins: Vec<Vec<f32>> = freqs.iter().map(|&f| vec![f; n]).collect();
    let mut jits: Vec<SingleOp> = (0..16)
        .map(|_| SingleOp::new(Op::Saw, [Op::Saw; 4], 1, SR).unwrap())
        .collect();
    let start = std::time::Instant::now();
    let mut sink = 0.0f32;
    for _ in 0..rounds {
        for (j, jit) in jits.iter_mut().enumerate() {
            let s: [&[f32]; 4] = std::array::from_fn(|l| &ins[j * 4 + l][..]);
            let out = jit.run(&[s], n);
            sink += out[0][7];
        }
    }
    let t_jit = start.elapsed();
    let mut oscs: Vec<Osc> = (0..64).map(|_| Osc::new(SR)).collect();
    let mut out = vec![0.0f32; n];
    let start = std::time::Instant::now();
    for _ in 0..rounds {
        for (k, o) in oscs.iter_mut().enumerate() {
            osc::saw(o, &ins[k], &mut out);
            sink += out[7];
        }
    }
    let t_dsp = start.elapsed();
    eprintln!(
        "64 saws x {rounds} blocks of {n}: jit {t_jit:?}, dsp {t_dsp:?}, ratio {:.2} ({sink})",
        t_dsp.as_secs_f64() / t_jit.as_secs_f64()
    );
}

/// Random frequencies (every sample, over ±30 kHz) and widths, for a long run: the
/// rounding arguments behind the emitters' shortcuts (see `jit::ops::osc`) hold at
/// every phase the oscillators reach.
#[test]
fn random_modulation_matches() {
    let n = 60_000;
    let mut seed = 0x2545_f491u32;
    let mut rnd = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed as f32 / u32::MAX as f32
    };
    let freqs: [Vec<f32>; 4] = std::array::from_fn(|l| {
        (0..n)
            .map(|_| {
                let r = rnd();
                match l {
                    0 => (r - 0.5) * 60_000.0,
                    1 => 20_000.0 * r * r,
                    2 => 11_000.0 + 1_000.0 * r,
                    _ => 20.0 + 200.0 * r,
                }
            })
            .collect()
    });
    let widths: [Vec<f32>; 4] = std::array::from_fn(|_| (0..n).map(|_| rnd()).collect());
    let blocks: Vec<usize> = [512usize, 77, 3, 1000]
        .iter()
        .cycle()
        .scan(0, |done, &b| {
            let b = b.min(n - *done);
            *done += b;
            (b > 0).then_some(b)
        })
        .collect();
    for op in [Op::Saw, Op::Square, Op::Tri, Op::Sine, Op::Impulse] {
        let ins = if op == Op::Square {
            vec![freqs.clone(), widths.clone()]
        } else {
            vec![freqs.clone()]
        };
        let (got, want) = run_both(lanes_of(op), &ins, &blocks);
        for l in 0..4 {
            for (i, (g, w)) in got[l].iter().zip(&want[l]).enumerate() {
                assert_eq!(
                    g.to_bits(),
                    w.to_bits(),
                    "{op:?} lane {l} frame {i}: {g} vs {w}"
                );
            }
        }
    }
}

/// `pulse freq width` is `square` with the width required, on both engines; `brown`
/// renders the same on both (its one-node twin is checked above).
#[test]
fn pulse_and_brown_patches_agree_across_engines() {
    let secs = Length::Seconds(0.5);
    let run = |engine, src: &str| render_on(engine, src, secs, Config::default()).left;
    for engine in [EngineKind::Interp, EngineKind::Jit] {
        let pulse = run(engine, "out: pulse 220 \"0.25 0.6\" * 0.5");
        let square = run(engine, "out: square 220 \"0.25 0.6\" * 0.5");
        assert_eq!(pulse, square, "{engine:?}");
        assert!(pulse.iter().any(|v| v.abs() > 0.1));
    }
    assert!(phonon::compile("out: pulse 220").is_err());
    let interp = run(EngineKind::Interp, "out: brown * 0.5");
    let jit = run(EngineKind::Jit, "out: brown * 0.5");
    assert_eq!(interp.len(), jit.len());
    let diff = interp
        .iter()
        .zip(&jit)
        .fold(0.0f32, |m, (a, b)| m.max((a - b).abs()));
    assert!(diff < 1e-5, "brown differs by {diff}");
    assert!(interp.iter().any(|v| v.abs() > 0.01));
}
