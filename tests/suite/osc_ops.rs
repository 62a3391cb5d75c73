//! `supersaw` and `fm` as signal operations: the `dsp` kernels against spectra
//! computed here (the seven saws' Fourier partials at the table's frequencies; the
//! Bessel sidebands of phase modulation), the JIT's emitters bit for bit against the
//! kernels (four different lanes, modulated inputs, mixed blocks), the supersaw
//! synth voice as the operation at its default detune, and patches on both engines.

use std::f64::consts::PI;

use phonon::dsp::osc::{self, Fm, Supersaw, SUPERSAW_CENTS, SUPERSAW_PHASES};
use phonon::dsp::synth::{Synth, SynthKind};
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

fn supersaw_of(freq: f32, detune: f32, n: usize) -> Vec<f32> {
    let mut s = Supersaw::new(SR);
    let mut out = vec![0.0; n];
    osc::supersaw(&mut s, &vec![freq; n], &vec![detune; n], &mut out);
    out
}

fn fm_of(carrier: f32, ratio: f32, index: f32, n: usize) -> Vec<f32> {
    let mut s = Fm::new(SR);
    let mut out = vec![0.0; n];
    osc::fm(
        &mut s,
        &vec![carrier; n],
        &vec![ratio; n],
        &vec![index; n],
        &mut out,
    );
    out
}

/// The amplitude of the sinusoid at `f` Hz in `x`, by a Hann-windowed DFT sum at
/// exactly `f` (its main lobe is ±2/T Hz wide, its side lobes fall as 1/k³).
fn hann_amp(x: &[f32], f: f64) -> f64 {
    let n = x.len() as f64;
    let (mut re, mut im, mut wsum) = (0.0, 0.0, 0.0);
    for (i, &v) in x.iter().enumerate() {
        let w = 0.5 - 0.5 * (2.0 * PI * i as f64 / n).cos();
        let ph = 2.0 * PI * f * i as f64 / SR as f64;
        re += w * v as f64 * ph.cos();
        im += w * v as f64 * ph.sin();
        wsum += w;
    }
    2.0 * (re * re + im * im).sqrt() / wsum
}

/// The amplitude of DFT bin `k` of `x` (rectangular window), `2 |X_k| / N`.
fn bin_amp(x: &[f32], k: usize) -> f64 {
    let n = x.len() as f64;
    let (mut re, mut im) = (0.0, 0.0);
    for (i, &v) in x.iter().enumerate() {
        let ph = 2.0 * PI * k as f64 * i as f64 / n;
        re += v as f64 * ph.cos();
        im += v as f64 * ph.sin();
    }
    2.0 * (re * re + im * im).sqrt() / n
}

/// `sin(πx)/(πx)`.
fn sinc(x: f64) -> f64 {
    if x == 0.0 {
        1.0
    } else {
        (PI * x).sin() / (PI * x)
    }
}

/// Harmonic `h` of a band-limited saw of peak 1 at `f` Hz: the ideal saw's `2/(πh)`
/// times the cubic B-spline kernel's response `sinc⁴(h f / sr)` (the kernel's
/// documented frequency response).
fn saw_partial(f: f64, h: f64) -> f64 {
    2.0 / (PI * h) * sinc(h * f / SR as f64).powi(4)
}

/// The supersaw's scale, `1/√7`, computed here.
fn scale() -> f64 {
    1.0 / 7f64.sqrt()
}

/// At the default detune each of the seven saws shows its first and second
/// harmonics at its own frequency `f · 2^(c/1200)` (the table's cents), with the
/// amplitude of a band-limited saw scaled by `1/√7`; between the lines nothing.
#[test]
fn supersaw_partials_sit_at_the_tables_frequencies() {
    let f0 = 2000.0f64;
    let x = supersaw_of(f0 as f32, 0.5, 4 * 44_100);
    for h in [1.0, 2.0] {
        let lines: Vec<f64> = SUPERSAW_CENTS
            .iter()
            .map(|&c| h * f0 * 2f64.powf(c as f64 / 1200.0))
            .collect();
        for &f in &lines {
            let want = scale() * saw_partial(f / h, h);
            let got = hann_amp(&x, f);
            assert!(
                (got - want).abs() < 3e-4,
                "harmonic {h} at {f:.2} Hz: {got} vs {want}"
            );
        }
        for w in lines.windows(2) {
            let mid = hann_amp(&x, (w[0] + w[1]) / 2.0);
            assert!(mid < 1e-3, "between {:.2} and {:.2}: {mid}", w[0], w[1]);
        }
    }
}

/// Detune scales the spread linearly in frequency: at 1 saw `k` sits at `f (1 + 2
/// (2^(c_k/1200) - 1))`, twice as far from `f` as at 0.5.
#[test]
fn supersaw_detune_one_doubles_the_spread() {
    let f0 = 1500.0f64;
    let x = supersaw_of(f0 as f32, 1.0, 4 * 44_100);
    for &c in &SUPERSAW_CENTS {
        let f = f0 * (1.0 + 2.0 * (2f64.powf(c as f64 / 1200.0) - 1.0));
        let want = scale() * saw_partial(f, 1.0);
        let got = hann_amp(&x, f);
        assert!(
            (got - want).abs() < 3e-4,
            "{c} cents at {f:.2} Hz: {got} vs {want}"
        );
    }
    // Where the default detune put the outer saws there is nothing now.
    for c in [-31.0f64, 31.0] {
        let f = f0 * 2f64.powf(c / 1200.0);
        assert!(hann_amp(&x, f) < 1e-3, "{c} cents");
    }
}

/// Detune 0 is unison: every saw at `f`, so harmonic `h` is the saw's partial times
/// `|Σ_k e^(2πi h φ_k)|` over the start phases `φ_k`.
#[test]
fn supersaw_detune_zero_is_unison_at_the_start_phases() {
    let f0 = 1000.0f64;
    let x = supersaw_of(f0 as f32, 0.0, 44_100);
    for h in 1..=3 {
        let (mut re, mut im) = (0.0f64, 0.0f64);
        for &p in &SUPERSAW_PHASES {
            re += (2.0 * PI * h as f64 * p as f64).cos();
            im += (2.0 * PI * h as f64 * p as f64).sin();
        }
        let want = scale() * saw_partial(f0, h as f64) * (re * re + im * im).sqrt();
        let got = bin_amp(&x, 1000 * h);
        assert!((got - want).abs() < 3e-4, "harmonic {h}: {got} vs {want}");
    }
}

/// `J_n(x)` by its power series `Σ_k (-1)^k (x/2)^(2k+n) / (k! (k+n)!)`, `n >= 0`.
fn bessel_j(n: u32, x: f64) -> f64 {
    let mut term = (x / 2.0).powi(n as i32) / (1..=n).map(f64::from).product::<f64>();
    let mut sum = term;
    for k in 1..60 {
        term *= -(x / 2.0) * (x / 2.0) / (k as f64 * (k + n) as f64);
        sum += term;
    }
    sum
}

/// The carrier's line split into sidebands at `carrier + n · modulator` of amplitude
/// `|J_n(index)|`, the negative frequencies folded (1 s, 1 Hz bins, every sideband on
/// its own bin).
#[test]
fn fm_sidebands_have_bessel_amplitudes() {
    let (fc, ratio) = (2000.0f32, 0.3f32);
    let fmod = 600i64;
    for index in [0.0f32, 1.0, 2.5, -2.5] {
        let x = fm_of(fc, ratio, index, 44_100);
        for n in -6i64..=6 {
            let f = (2000 + n * fmod).unsigned_abs() as usize;
            let want = bessel_j(n.unsigned_abs() as u32, index as f64).abs();
            let got = bin_amp(&x, f);
            assert!(
                (got - want).abs() < 5e-4,
                "index {index}, sideband {n} at {f} Hz: {got} vs {want}"
            );
        }
        // Nothing off the grid of sidebands.
        assert!(bin_amp(&x, 2300) < 1e-4, "index {index}");
    }
    // An index past the limit is the limit's; NaN is 0 (a plain sine).
    let big = fm_of(fc, ratio, 1e9, 4096);
    assert_eq!(big, fm_of(fc, ratio, osc::FM_MAX_INDEX, 4096));
    assert_eq!(
        fm_of(fc, ratio, f32::NAN, 4096),
        fm_of(fc, ratio, 0.0, 4096)
    );
    assert!(big.iter().all(|v| v.is_finite() && v.abs() <= 1.0));
}

/// The `supersaw` synth voice is the operation at its default detune times 0.4.
#[test]
fn the_supersaw_voice_is_the_operation_at_its_default() {
    let n = 3000;
    let mut voice = Synth::new(SynthKind::Supersaw, 220.0, SR, 1);
    let mut v = vec![0.0; n];
    voice.render(&vec![1.0; n], &mut v);
    let op = supersaw_of(220.0, osc::SUPERSAW_DETUNE, n);
    for (i, (a, b)) in v.iter().zip(&op).enumerate() {
        assert_eq!(a.to_bits(), (b * 0.4).to_bits(), "frame {i}: {a} vs {b}");
    }
}

enum Twin {
    Supersaw(Supersaw),
    Fm(Fm),
}

/// `inputs[k][lane]`, `total()` long: the JIT and the kernel over `blocks`, (jit,
/// dsp) per lane.
fn run_both(op: Op, inputs: &[[Vec<f32>; 4]], blocks: &[usize]) -> ([Vec<f32>; 4], [Vec<f32>; 4]) {
    let mut jit = SingleOp::new(op, [op; 4], inputs.len(), SR).unwrap();
    let mut twins: Vec<Twin> = (0..4)
        .map(|_| match op {
            Op::Supersaw => Twin::Supersaw(Supersaw::new(SR)),
            _ => Twin::Fm(Fm::new(SR)),
        })
        .collect();
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
            let x: Vec<&[f32]> = slices.iter().map(|k| k[l]).collect();
            let mut o = vec![0.0f32; n];
            match &mut twins[l] {
                Twin::Supersaw(s) => osc::supersaw(s, x[0], x[1], &mut o),
                Twin::Fm(s) => osc::fm(s, x[0], x[1], x[2], &mut o),
            }
            want[l].extend_from_slice(&o);
        }
        at += n;
    }
    (got, want)
}

/// Bit-exact, every sample finite.
fn check(name: &str, op: Op, inputs: &[[Vec<f32>; 4]]) {
    let (got, want) = run_both(op, inputs, &BLOCKS);
    for l in 0..4 {
        assert_eq!(got[l].len(), want[l].len());
        for (i, (g, w)) in got[l].iter().zip(&want[l]).enumerate() {
            assert_eq!(
                g.to_bits(),
                w.to_bits(),
                "{name}: lane {l} frame {i}: jit {g} vs dsp {w}"
            );
            assert!(g.is_finite(), "{name}: lane {l} frame {i}: {g}");
        }
    }
    // One long block gives what the mixed blocks give.
    let (whole, _) = run_both(op, inputs, &[total()]);
    assert_eq!(whole, got, "{name}: one block");
}

fn constant(x: f32) -> Vec<f32> {
    vec![x; total()]
}

/// An exponential sweep from `lo` up to `hi` and back, per sample.
fn sweep(lo: f32, hi: f32) -> Vec<f32> {
    let n = total();
    (0..n)
        .map(|i| {
            let x = i as f32 / n as f32;
            lo * (hi / lo).powf(1.0 - (2.0 * x - 1.0).abs())
        })
        .collect()
}

/// Odd values every few samples: zeros, NaN, infinities, huge, negative, Nyquist.
fn wild(scale: f32) -> Vec<f32> {
    let odd = [
        0.0,
        -0.0,
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        1e30,
        -1e30,
        1e-30,
        -1.0,
        0.5,
        22_050.0,
        1.0,
        3.7,
    ];
    (0..total())
        .map(|i| odd[(i / 3) % odd.len()] * scale)
        .collect()
}

#[test]
fn supersaw_emitter_matches_the_kernel() {
    let n = total();
    let freqs: [Vec<f32>; 4] = [
        constant(110.0),
        sweep(20.0, 21_000.0),
        sweep(50.0, 9_000.0).iter().map(|f| -f).collect(),
        wild(1.0),
    ];
    let detunes: [Vec<f32>; 4] = [
        constant(0.5),
        (0..n)
            .map(|i| 0.5 + 0.5 * (i as f32 * 0.01).sin())
            .collect(),
        constant(-1.0),
        wild(0.3),
    ];
    check("supersaw", Op::Supersaw, &[freqs.clone(), detunes.clone()]);
    // The same values, lanes swapped: a lane's inputs, not its place, decide.
    let rot = |v: &[Vec<f32>; 4]| std::array::from_fn(|l| v[(l + 1) % 4].clone());
    check(
        "supersaw rotated",
        Op::Supersaw,
        &[rot(&freqs), rot(&detunes)],
    );
}

#[test]
fn fm_emitter_matches_the_kernel() {
    let n = total();
    let carriers: [Vec<f32>; 4] = [
        constant(220.0),
        sweep(20.0, 20_000.0),
        constant(-330.0),
        wild(1.0),
    ];
    let ratios: [Vec<f32>; 4] = [
        constant(2.0),
        (0..n)
            .map(|i| 1.0 + 3.0 * (i as f32 * 0.003).sin())
            .collect(),
        constant(0.5),
        wild(0.01),
    ];
    let indexes: [Vec<f32>; 4] = [
        constant(3.0),
        (0..n).map(|i| 8.0 * (i as f32 * 0.002).cos()).collect(),
        constant(1e6),
        wild(1.0),
    ];
    check("fm", Op::Fm, &[carriers, ratios, indexes]);
}

/// The operations in patches: the same samples on both engines, the default detune
/// is 0.5, patterns and signals as arguments, `fm` needs all three.
#[test]
fn supersaw_and_fm_patches_agree_across_engines() {
    let secs = Length::Seconds(0.5);
    let run = |engine, src: &str| render_on(engine, src, secs, Config::default()).left;
    for src in [
        "out: supersaw 110 * 0.2",
        "out: supersaw \"110 220\" \"0 0.5 1\" * 0.2",
        "out: fm 220 2 3 * 0.3",
        "out: fm \"220 330\" (sine 0.5 + 1.5) (sine 3 * 2 + 2) * 0.3",
    ] {
        let interp = run(EngineKind::Interp, src);
        let jit = run(EngineKind::Jit, src);
        assert_eq!(interp.len(), jit.len(), "{src}");
        let diff = interp
            .iter()
            .zip(&jit)
            .fold(0.0f32, |m, (a, b)| m.max((a - b).abs()));
        assert!(diff < 1e-5, "{src}: engines differ by {diff}");
        assert!(interp.iter().any(|v| v.abs() > 0.05), "{src} is silent");
    }
    for engine in [EngineKind::Interp, EngineKind::Jit] {
        assert_eq!(
            run(engine, "out: supersaw 110 * 0.2"),
            run(engine, "out: supersaw 110 0.5 * 0.2"),
            "{engine:?}"
        );
    }
    assert!(phonon::compile("out: fm 220 2").is_err());
    assert!(phonon::compile("out: supersaw").is_err());
}
