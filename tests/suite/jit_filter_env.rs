//! The JIT's filters and envelopes against their `dsp` twins: four lanes with
//! different parameters (per-sample sweeps, triggers at odd frames, gates of
//! various lengths, hostile values), run over blocks of mixed sizes, compared with
//! the dsp kernel run lane by lane over the same blocks. The aim is bit-exactness:
//! every comparison counts the frames whose bits differ and the largest difference.

use phonon::dsp::env::{self, Env};
use phonon::dsp::filter::{self, Moog, Svf, SvfMode};
use phonon::ir::Op;
use phonon::jit::single::SingleOp;

const SR: f32 = 44_100.0;

/// Mixed block sizes (11 blocks, 2_977 frames).
const SIZES: [usize; 11] = [512, 100, 7, 1, 333, 64, 512, 13, 256, 1000, 179];

fn total(sizes: &[usize]) -> usize {
    sizes.iter().sum()
}

type Lanes = [Vec<f32>; 4];

fn lanes(f: impl Fn(usize, usize) -> f32, n: usize) -> Lanes {
    std::array::from_fn(|l| (0..n).map(|i| f(l, i)).collect())
}

/// A deterministic noise in [-1, 1).
fn noise(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect()
}

/// A naive saw at `f` Hz.
fn saw(n: usize, f: f32) -> Vec<f32> {
    let mut p = 0.0f32;
    (0..n)
        .map(|_| {
            let y = 2.0 * p - 1.0;
            p += f / SR;
            if p >= 1.0 {
                p -= 1.0;
            }
            y
        })
        .collect()
}

/// Runs the JIT over `sizes`, returning each lane's whole output.
fn run_jit(op: Op, inputs: &[Lanes], sizes: &[usize]) -> Lanes {
    run_jit_at(op, inputs, sizes, SR)
}

fn run_jit_at(op: Op, inputs: &[Lanes], sizes: &[usize], sr: f32) -> Lanes {
    let mut k = SingleOp::new(op, [op; 4], inputs.len(), sr).unwrap_or_else(|e| panic!("{e}"));
    let mut out: Lanes = std::array::from_fn(|_| Vec::new());
    let mut at = 0;
    for &n in sizes {
        let refs: Vec<[&[f32]; 4]> = inputs
            .iter()
            .map(|ls| std::array::from_fn(|l| &ls[l][at..at + n]))
            .collect();
        let o = k.run(&refs, n);
        for l in 0..4 {
            out[l].extend_from_slice(&o[l]);
        }
        at += n;
    }
    out
}

/// Runs a dsp kernel lane by lane over `sizes`: `f(lane, inputs of the block, out)`,
/// the closure holding the four lanes' states.
fn run_ref(
    inputs: &[Lanes],
    sizes: &[usize],
    mut f: impl FnMut(usize, &[&[f32]], &mut [f32]),
) -> Lanes {
    let mut out: Lanes = std::array::from_fn(|_| Vec::new());
    for (l, o) in out.iter_mut().enumerate() {
        let mut at = 0;
        for &n in sizes {
            let ins: Vec<&[f32]> = inputs.iter().map(|ls| &ls[l][at..at + n]).collect();
            let mut block = vec![0.0f32; n];
            f(l, &ins, &mut block);
            o.extend_from_slice(&block);
            at += n;
        }
    }
    out
}

/// Compares JIT and reference: returns (frames whose bits differ, largest absolute
/// difference); NaN equals NaN; a finite value against a non-finite one fails.
fn compare(name: &str, jit: &Lanes, want: &Lanes) -> (usize, f64) {
    let (mut differ, mut worst) = (0usize, 0.0f64);
    for l in 0..4 {
        assert_eq!(jit[l].len(), want[l].len());
        for (i, (&a, &b)) in jit[l].iter().zip(&want[l]).enumerate() {
            if a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()) {
                continue;
            }
            differ += 1;
            assert!(
                a.is_finite() && b.is_finite() || a == b,
                "{name} lane {l} frame {i}: jit {a} vs dsp {b}"
            );
            let d = (a as f64 - b as f64).abs();
            if a.is_finite() {
                worst = worst.max(d);
            }
        }
    }
    let lively: Vec<usize> = want
        .iter()
        .map(|l| {
            let mut v: Vec<u32> = l.iter().map(|x| x.to_bits()).collect();
            v.sort_unstable();
            v.dedup();
            v.len()
        })
        .collect();
    println!("{name}: {differ} frames differ, largest difference {worst:e}; distinct values per lane {lively:?}");
    (differ, worst)
}

/// Full comparison: JIT over SIZES against the reference, and over one other split
/// against itself.
fn check(name: &str, op: Op, inputs: &[Lanes], reference: &Lanes) {
    let jit = check_blocks(name, op, inputs, reference);
    // State carries across blocks: another split gives the same bits.
    let other = [1, 2, 997, 3, 1974];
    assert_eq!(total(&other), total(&SIZES));
    let again = run_jit(op, inputs, &other);
    let (d, _) = compare(&format!("{name} (other split)"), &again, &jit);
    assert_eq!(d, 0, "{name}: depends on block boundaries");
}

/// JIT over SIZES against the reference (for inputs where the output depends on the
/// block boundaries: a non-finite state is reset at the end of a block).
fn check_blocks(name: &str, op: Op, inputs: &[Lanes], reference: &Lanes) -> Lanes {
    let jit = run_jit(op, inputs, &SIZES);
    let (differ, worst) = compare(name, &jit, reference);
    assert!(worst <= 1e-5, "{name}: largest difference {worst}");
    assert_eq!(differ, 0, "{name}: not bit-exact");
    jit
}

fn svf_ref(mode: SvfMode, inputs: &[Lanes]) -> Lanes {
    let mut st: Vec<Svf> = (0..4).map(|_| Svf::new(SR)).collect();
    run_ref(inputs, &SIZES, |l, x, o| {
        filter::svf(&mut st[l], mode, x[0], x[1], x[2], o)
    })
}

/// Other sample rates, including ones where the cutoff's clamp bounds cross (below
/// 20.4 Hz, 0.49 sr < 10 Hz) and invalid ones (the fallback rate).
#[test]
fn filters_match_at_other_sample_rates() {
    let n = total(&SIZES);
    let x = audio(n);
    let q = qs(n);
    let res = lanes(|l, _| [0.0, 0.5, 1.0, 1.2][l], n);
    let [fixed, swept] = cutoffs(n);
    for sr in [
        8000.0,
        96_000.0,
        99.0,
        100.0,
        20.0,
        1.0,
        0.5,
        -5.0,
        f32::NAN,
    ] {
        for cut in [&fixed, &swept] {
            for mode in MODES {
                let inputs = [x.clone(), cut.clone(), q.clone()];
                let mut st: Vec<Svf> = (0..4).map(|_| Svf::new(sr)).collect();
                let want = run_ref(&inputs, &SIZES, |l, x, o| {
                    filter::svf(&mut st[l], mode, x[0], x[1], x[2], o)
                });
                let jit = run_jit_at(Op::Svf(mode), &inputs, &SIZES, sr);
                let (d, _) = compare(&format!("svf {mode:?} at {sr} Hz"), &jit, &want);
                assert_eq!(d, 0);
            }
            let inputs = [x.clone(), cut.clone(), res.clone()];
            let mut st: Vec<Moog> = (0..4).map(|_| Moog::new(sr)).collect();
            let want = run_ref(&inputs, &SIZES, |l, x, o| {
                filter::moog(&mut st[l], x[0], x[1], x[2], o)
            });
            let jit = run_jit_at(Op::Moog, &inputs, &SIZES, sr);
            let (d, _) = compare(&format!("moog at {sr} Hz"), &jit, &want);
            assert_eq!(d, 0);
        }
    }
}

fn moog_ref(inputs: &[Lanes]) -> Lanes {
    let mut st: Vec<Moog> = (0..4).map(|_| Moog::new(SR)).collect();
    run_ref(inputs, &SIZES, |l, x, o| {
        filter::moog(&mut st[l], x[0], x[1], x[2], o)
    })
}

const MODES: [SvfMode; 4] = [SvfMode::Low, SvfMode::High, SvfMode::Band, SvfMode::Notch];

/// Saw-like inputs on two lanes, noise-like on the others.
fn audio(n: usize) -> Lanes {
    [saw(n, 110.0), noise(n, 1), saw(n, 1234.5), noise(n, 7)]
}

/// Per-lane cutoffs: constants, then per-sample sweeps.
fn cutoffs(n: usize) -> [Lanes; 2] {
    let fixed = lanes(|l, _| [100.0, 1000.0, 5000.0, 18_000.0][l], n);
    let swept = lanes(
        |l, i| {
            let t = i as f32 / n as f32;
            match l {
                // exponential sweep 20 Hz .. 20 kHz
                0 => 20.0 * 1000f32.powf(t),
                // sine-modulated around 1 kHz (as in synth_dense)
                1 => 1000.0 + 800.0 * (i as f32 * 0.01).sin(),
                // fast wobble across the whole range, past both clamps
                2 => 12_000.0 + 13_000.0 * (i as f32 * 0.37).sin(),
                // downward sweep
                _ => 18_000.0 * (1.0 - t) + 50.0,
            }
        },
        n,
    );
    [fixed, swept]
}

fn qs(n: usize) -> Lanes {
    lanes(
        |l, i| match l {
            0 => 0.5,
            1 => 0.707,
            2 => 8.0,
            _ => 0.5 + 7.5 * (i as f32 * 0.003).sin().abs(),
        },
        n,
    )
}

#[test]
fn svf_matches_the_dsp_kernel() {
    let n = total(&SIZES);
    let x = audio(n);
    let q = qs(n);
    for mode in MODES {
        for (c, cut) in cutoffs(n).into_iter().enumerate() {
            let inputs = [x.clone(), cut, q.clone()];
            let want = svf_ref(mode, &inputs);
            check(
                &format!("svf {mode:?} cutoffs {c}"),
                Op::Svf(mode),
                &inputs,
                &want,
            );
        }
    }
}

#[test]
fn moog_matches_the_dsp_kernel() {
    let n = total(&SIZES);
    let x = audio(n);
    let res = lanes(
        |l, i| match l {
            0 => 0.0,
            1 => 0.5,
            2 => 1.1,
            _ => 1.1 * (i as f32 * 0.002).sin().abs(),
        },
        n,
    );
    for (c, cut) in cutoffs(n).into_iter().enumerate() {
        let inputs = [x.clone(), cut, res.clone()];
        let want = moog_ref(&inputs);
        check(&format!("moog cutoffs {c}"), Op::Moog, &inputs, &want);
    }
    // A loud input drives the tanh.
    let loud = lanes(|l, i| x[l][i] * 8.0, n);
    let cut = cutoffs(n)[1].clone();
    let inputs = [loud, cut, res];
    let want = moog_ref(&inputs);
    check("moog loud", Op::Moog, &inputs, &want);
}

/// Hostile values cycling through the frames of every lane.
const HOSTILE: [f32; 12] = [
    0.0,
    -0.0,
    -1000.0,
    1e30,
    -1e30,
    f32::NAN,
    f32::INFINITY,
    f32::NEG_INFINITY,
    1e-30,
    22_050.0,
    30_000.0,
    0.3,
];

fn hostile(n: usize, period: usize) -> Lanes {
    lanes(|l, i| HOSTILE[((i / period) + 3 * l) % HOSTILE.len()], n)
}

#[test]
fn filters_match_on_hostile_parameters() {
    let n = total(&SIZES);
    let x = audio(n);
    for period in [1, 37] {
        let cut = hostile(n, period);
        let q = lanes(|l, i| HOSTILE[(i / (period + 5) + l) % HOSTILE.len()], n);
        for mode in MODES {
            let inputs = [x.clone(), cut.clone(), q.clone()];
            let want = svf_ref(mode, &inputs);
            check(
                &format!("svf {mode:?} hostile {period}"),
                Op::Svf(mode),
                &inputs,
                &want,
            );
            let jit = run_jit(Op::Svf(mode), &inputs, &SIZES);
            assert!(jit.iter().flatten().all(|v| v.is_finite()));
        }
        let inputs = [x.clone(), cut.clone(), q.clone()];
        let want = moog_ref(&inputs);
        check(&format!("moog hostile {period}"), Op::Moog, &inputs, &want);
    }
    // Non-finite and astronomic inputs: the state resets at the end of the block
    // (lane by lane), and the next blocks agree with the dsp kernel again.
    let mut bad = audio(n);
    bad[0][5] = f32::NAN;
    bad[1][600] = f32::INFINITY;
    bad[2][700] = 1e38;
    bad[3][2000] = f32::NEG_INFINITY;
    let cut = cutoffs(n)[1].clone();
    let q = qs(n);
    for mode in MODES {
        let inputs = [bad.clone(), cut.clone(), q.clone()];
        let want = svf_ref(mode, &inputs);
        let jit = check_blocks(
            &format!("svf {mode:?} bad input"),
            Op::Svf(mode),
            &inputs,
            &want,
        );
        assert_recovers(&jit);
    }
    let inputs = [bad, cut, q];
    let want = moog_ref(&inputs);
    let jit = check_blocks("moog bad input", Op::Moog, &inputs, &want);
    assert_recovers(&jit);
}

/// After the block holding a bad input, every lane is finite again.
fn assert_recovers(out: &Lanes) {
    // The last bad input is at frame 2000, in the block of frames 1798..2798.
    for lane in out {
        assert!(lane[2798..].iter().all(|v| v.is_finite()));
        assert!(lane[..5].iter().all(|v| v.is_finite()));
    }
}

// ---- envelopes ----

/// Triggers: one-frame pulses at odd frames, with per-lane periods, so that
/// retriggers land in attack, decay and release.
fn triggers(n: usize) -> Lanes {
    let periods = [301, 97, 1001, 45];
    lanes(
        |l, i| {
            if i % periods[l] == 2 * l + 1 {
                1.0
            } else {
                0.0
            }
        },
        n,
    )
}

/// Gates: high for `on` frames, low for `off`, per lane (lane 3 irregular).
fn gates(n: usize) -> Lanes {
    let pattern = [(200, 300), (41, 9), (700, 500), (3, 1)];
    lanes(
        |l, i| {
            let (on, off) = pattern[l];
            let k = if l == 3 { (i * i / 97) % 11 } else { i };
            if k % (on + off) < on {
                1.0
            } else {
                0.0
            }
        },
        n,
    )
}

/// Times in seconds per lane: short, medium, zero, negative; some modulated.
fn times(n: usize, scale: f32) -> Lanes {
    lanes(
        |l, i| match l {
            0 => 0.002 * scale,
            1 => 0.004 * scale + 0.003 * scale * (i as f32 * 0.01).sin(),
            2 => 0.0,
            _ => {
                if i % 500 < 250 {
                    -1.0
                } else {
                    0.0007 * scale
                }
            }
        },
        n,
    )
}

fn env_ref(op: Op, inputs: &[Lanes]) -> Lanes {
    let mut st: Vec<Env> = (0..4).map(|_| Env::new(SR)).collect();
    run_ref(inputs, &SIZES, |l, x, o| match op {
        Op::Ad => env::ad(&mut st[l], x[0], x[1], x[2], o),
        Op::Adsr => env::adsr(&mut st[l], x[0], x[1], x[2], x[3], x[4], x[5], o),
        _ => env::perc(&mut st[l], x[0], x[1], o),
    })
}

#[test]
fn ad_matches_the_dsp_kernel() {
    let n = total(&SIZES);
    let inputs = [times(n, 1.0), times(n, 3.0), triggers(n)];
    let want = env_ref(Op::Ad, &inputs);
    check("ad", Op::Ad, &inputs, &want);
    // Long segments (the f64 level matters), retriggered mid-way.
    let inputs = [
        lanes(|l, _| [0.01, 0.02, 0.005, 0.03][l], n),
        lanes(|l, _| [0.03, 0.01, 0.05, 0.02][l], n),
        lanes(
            |l, i| {
                if i % (700 + 400 * l) == 1 + 2 * l {
                    1.0
                } else {
                    0.0
                }
            },
            n,
        ),
    ];
    let want = env_ref(Op::Ad, &inputs);
    check("ad long", Op::Ad, &inputs, &want);
}

#[test]
fn adsr_matches_the_dsp_kernel() {
    let n = total(&SIZES);
    let sustain = lanes(
        |l, i| match l {
            0 => 0.5,
            1 => 0.0,
            2 => 1.0,
            _ => 0.5 + 0.5 * (i as f32 * 0.02).sin(),
        },
        n,
    );
    let no_trig = lanes(|_, _| 0.0, n);
    for (name, trig) in [("gates", no_trig), ("gates and triggers", triggers(n))] {
        let inputs = [
            times(n, 1.0),
            times(n, 2.0),
            sustain.clone(),
            times(n, 4.0),
            trig,
            gates(n),
        ];
        let want = env_ref(Op::Adsr, &inputs);
        check(&format!("adsr {name}"), Op::Adsr, &inputs, &want);
    }
    // Triggers with the gate low (one-frame gates), long segments.
    let inputs = [
        lanes(|l, _| [0.01, 0.002, 0.0, 0.02][l], n),
        lanes(|l, _| [0.01, 0.02, 0.005, 0.0][l], n),
        sustain,
        lanes(|l, _| [0.02, 0.005, 0.03, -2.0][l], n),
        triggers(n),
        lanes(|_, _| 0.0, n),
    ];
    let want = env_ref(Op::Adsr, &inputs);
    check("adsr triggers only", Op::Adsr, &inputs, &want);
}

#[test]
fn perc_matches_the_dsp_kernel() {
    let n = total(&SIZES);
    let release = lanes(
        |l, i| match l {
            0 => 0.01,
            1 => 0.05 + 0.04 * (i as f32 * 0.005).sin(),
            2 => 0.0,
            _ => -1.0,
        },
        n,
    );
    let inputs = [release, triggers(n)];
    let want = env_ref(Op::Perc, &inputs);
    check("perc", Op::Perc, &inputs, &want);
    // Retriggers during the attack (every 20 frames; the attack is 44 frames).
    let inputs = [
        lanes(|l, _| [0.003, 0.001, 0.02, 0.0005][l], n),
        lanes(|l, i| if i % (20 + 300 * l) == 1 { 1.0 } else { 0.0 }, n),
    ];
    let want = env_ref(Op::Perc, &inputs);
    check("perc retriggered", Op::Perc, &inputs, &want);
}

#[test]
fn envelopes_match_on_hostile_parameters() {
    let n = total(&SIZES);
    let h = |p: usize| hostile(n, p);
    // Hostile times, sustains, triggers and gates (NaN counts as 0).
    let inputs = [h(7), h(13), h(29)];
    let want = env_ref(Op::Ad, &inputs);
    check("ad hostile", Op::Ad, &inputs, &want);
    let inputs = [h(5), h(11), h(17), h(23), h(31), h(3)];
    let want = env_ref(Op::Adsr, &inputs);
    check("adsr hostile", Op::Adsr, &inputs, &want);
    let inputs = [h(9), h(19)];
    let want = env_ref(Op::Perc, &inputs);
    check("perc hostile", Op::Perc, &inputs, &want);
    for out in [
        run_jit(Op::Ad, &[h(7), h(13), h(29)], &SIZES),
        run_jit(Op::Perc, &[h(9), h(19)], &SIZES),
    ] {
        assert!(out.iter().flatten().all(|v| (0.0..=1.0).contains(v)));
    }
}

#[test]
fn initial_states_are_at_rest() {
    use phonon::jit::kernel::StateInit;
    use phonon::jit::single::initial_state;
    for op in [Op::Svf(SvfMode::Low), Op::Moog] {
        let s = initial_state(op, [op; 4], SR);
        assert!(s.iter().all(|v| *v == StateInit::F32([0.0; 4])));
    }
    for (op, k) in [(Op::Ad, 4), (Op::Adsr, 8), (Op::Perc, 4)] {
        let s = initial_state(op, [op; 4], SR);
        assert_eq!(s.len(), k);
        assert!(s.iter().all(|v| *v == StateInit::F64([0.0; 2])));
    }
}

/// Rough timing of the per-sample-cutoff lpf (synth_dense's heart): the JIT over
/// four lanes against the dsp kernel over four channels, best of 7 rounds.
/// `cargo test --release --test jit_filter_env -- --ignored --nocapture`.
#[test]
#[ignore]
fn speed() {
    let n = 512;
    let x = audio(n);
    let cut = lanes(
        |l, i| 1000.0 + 800.0 * (i as f32 * 0.01 + l as f32).sin(),
        n,
    );
    let q = lanes(|_, _| 0.707, n);
    let refs: Vec<[&[f32]; 4]> = [&x, &cut, &q]
        .iter()
        .map(|ls| std::array::from_fn(|l| ls[l].as_slice()))
        .collect();
    let reps = 500;
    let mut sink = 0.0f32;
    let mut best = |f: &mut dyn FnMut() -> f32| {
        (0..7)
            .map(|_| {
                let t = std::time::Instant::now();
                for _ in 0..reps {
                    sink += f();
                }
                t.elapsed().as_secs_f64() * 1e9 / (reps * n * 4) as f64
            })
            .fold(f64::INFINITY, f64::min)
    };
    let op = Op::Svf(SvfMode::Low);
    let mut k = SingleOp::new(op, [op; 4], 3, SR).unwrap();
    let jit = best(&mut || k.run(&refs, n)[0][7]);
    // The harness's own cost (scalar loads and stores per lane): a 3-input clip.
    let mut c = SingleOp::new(Op::Clip, [Op::Clip; 4], 3, SR).unwrap();
    let harness = best(&mut || c.run(&refs, n)[0][7]);
    let mut st: Vec<Svf> = (0..4).map(|_| Svf::new(SR)).collect();
    let mut out = vec![0.0f32; n];
    let dsp = best(&mut || {
        for l in 0..4 {
            filter::svf(&mut st[l], SvfMode::Low, &x[l], &cut[l], &q[l], &mut out);
        }
        out[7]
    });
    println!(
        "lpf, modulated cutoff, ns per sample: jit {jit:.2} (of which harness {harness:.2}), dsp {dsp:.2} ({sink})"
    );
}
