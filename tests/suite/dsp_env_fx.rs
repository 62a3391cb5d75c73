//! Envelopes and effects (`phonon::dsp::env`, `phonon::dsp::effects`) against
//! independent computations: the linear/exponential segment formulas, echo positions
//! and levels, DFTs written here, std's tanh and sin, the static compressor curve.

use phonon::dsp::effects::{self, Bitcrush, Chorus, Compressor, Delay, Reverb};
use phonon::dsp::env::{self, Env};
use std::f64::consts::PI;

const SR: f32 = 44100.0;

/// Deterministic white noise in -1..1 (an LCG; not the code under test).
fn noise(n: usize, seed: u64) -> Vec<f32> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((x >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect()
}

fn konst(n: usize, v: f32) -> Vec<f32> {
    vec![v; n]
}

fn impulse(n: usize) -> Vec<f32> {
    let mut v = vec![0.0; n];
    v[0] = 1.0;
    v
}

/// Calls `f(start, end)` for consecutive chunks of the given (repeated) sizes covering
/// `0..n`.
fn chunks(n: usize, sizes: &[usize], mut f: impl FnMut(usize, usize)) {
    let mut start = 0;
    let mut k = 0;
    while start < n {
        let end = (start + sizes[k % sizes.len()]).min(n);
        f(start, end);
        start = end;
        k += 1;
    }
}

const ODD: [usize; 7] = [1, 7, 13, 100, 511, 3, 250];

/// |X(f)|² of `x` at `f` Hz (a single DFT bin computed directly, in f64).
fn dft_power(x: &[f32], f: f64) -> f64 {
    let (mut re, mut im) = (0.0, 0.0);
    for (i, &v) in x.iter().enumerate() {
        let a = 2.0 * PI * f * i as f64 / SR as f64;
        re += v as f64 * a.cos();
        im -= v as f64 * a.sin();
    }
    re * re + im * im
}

fn db(x: f64) -> f64 {
    20.0 * x.log10()
}

// ---------------------------------------------------------------------------------
// Envelopes

/// Renders an adsr in blocks of `block` frames.
#[allow(clippy::too_many_arguments)]
fn render_adsr(
    n: usize,
    a: f32,
    d: f32,
    s: f32,
    r: f32,
    trig: &[f32],
    gate: &[f32],
    sizes: &[usize],
) -> Vec<f32> {
    let mut e = Env::new(SR);
    let mut out = vec![0.0; n];
    let (a, d, s, r) = (konst(n, a), konst(n, d), konst(n, s), konst(n, r));
    chunks(n, sizes, |i, j| {
        env::adsr(
            &mut e,
            &a[i..j],
            &d[i..j],
            &s[i..j],
            &r[i..j],
            &trig[i..j],
            &gate[i..j],
            &mut out[i..j],
        )
    });
    out
}

#[test]
fn adsr_segments_follow_the_linear_formulas() {
    let gate_len = 13230; // 0.3 s
    let n = gate_len + 8820 + 200;
    let mut trig = vec![0.0; n];
    trig[0] = 1.0;
    let gate: Vec<f32> = (0..n)
        .map(|i| if i < gate_len { 1.0 } else { 0.0 })
        .collect();
    let out = render_adsr(n, 0.01, 0.1, 0.5, 0.2, &trig, &gate, &[512]);
    // Attack: k/441, reaching 1 on frame 441.
    for (k, &v) in out.iter().enumerate().take(441) {
        assert!(
            (v as f64 - k as f64 / 441.0).abs() < 1e-4,
            "attack {k}: {v}"
        );
    }
    assert!(out[440] < 1.0);
    assert_eq!(out[441], 1.0);
    // Decay: 1 - 0.5 k/4410, reaching the sustain on frame 441 + 4410.
    for k in 0..4410 {
        let want = 1.0 - 0.5 * k as f64 / 4410.0;
        assert!((out[441 + k] as f64 - want).abs() < 1e-4, "decay {k}");
    }
    assert!(out[441 + 4409] > 0.5);
    // Sustain until the gate falls.
    for (i, &v) in out.iter().enumerate().take(gate_len).skip(441 + 4410) {
        assert_eq!(v, 0.5, "sustain {i}");
    }
    // Release: 0.5 (1 - k/8820) from the falling frame, 0 from 0.2 s later.
    for k in 0..8820 {
        let want = 0.5 * (1.0 - k as f64 / 8820.0);
        assert!(
            (out[gate_len + k] as f64 - want).abs() < 1e-4,
            "release {k}"
        );
    }
    assert!(out[gate_len + 8819] > 0.0);
    assert!(out[gate_len + 8820..].iter().all(|&v| v == 0.0));
}

#[test]
fn adsr_released_during_attack_falls_from_there() {
    let n = 2000;
    let mut trig = vec![0.0; n];
    trig[0] = 1.0;
    let gate: Vec<f32> = (0..n).map(|i| if i < 200 { 1.0 } else { 0.0 }).collect();
    let out = render_adsr(n, 0.01, 0.1, 0.5, 0.01, &trig, &gate, &[64]);
    let peak = 200.0 / 441.0;
    assert!((out[200] as f64 - peak).abs() < 1e-4);
    for k in 0..441 {
        let want = peak * (1.0 - k as f64 / 441.0);
        assert!((out[200 + k] as f64 - want).abs() < 1e-4, "release {k}");
    }
    assert!(out[641..].iter().all(|&v| v == 0.0));
}

#[test]
fn retrigger_starts_from_the_current_level() {
    let n = 3000;
    let (a, d) = (konst(n, 0.01), konst(n, 0.1));
    let mut trig = vec![0.0; n];
    trig[0] = 1.0;
    trig[1000] = 1.0;
    let mut e = Env::new(SR);
    let mut out = vec![0.0; n];
    env::ad(&mut e, &a, &d, &trig, &mut out);
    // On frame 1000 the decay is at 1 - (1000 - 441)/4410; it rises from there.
    let level = 1.0 - 559.0 / 4410.0;
    assert!((out[1000] as f64 - level).abs() < 1e-4);
    for k in 0..10 {
        let want = level + k as f64 / 441.0;
        assert!((out[1000 + k] as f64 - want).abs() < 1e-4);
    }
    let step = 1.0 / 441.0 + 1e-6;
    for w in out.windows(2) {
        assert!(
            (w[1] - w[0]).abs() as f64 <= step,
            "jump {} -> {}",
            w[0],
            w[1]
        );
    }
    // It reaches 1 after (1 - level)·441 frames, then decays again.
    let top = out.iter().skip(1000).position(|&v| v == 1.0).unwrap();
    assert!(
        (top as f64 - (1.0 - level) * 441.0).abs() <= 1.0,
        "top {top}"
    );

    // adsr retriggered during its release rises from the release's level too.
    let mut trig = vec![0.0; n];
    trig[0] = 1.0;
    trig[2000] = 1.0;
    let gate: Vec<f32> = (0..n)
        .map(|i| if (1000..2000).contains(&i) { 0.0 } else { 1.0 })
        .collect();
    let out = render_adsr(n, 0.01, 0.01, 0.8, 0.1, &trig, &gate, &[512]);
    let level = 0.8 * (1.0 - 1000.0 / 4410.0);
    assert!((out[2000] as f64 - level).abs() < 1e-4);
    assert!((out[2001] as f64 - (level + 1.0 / 441.0)).abs() < 1e-4);
    for w in out.windows(2) {
        assert!((w[1] - w[0]).abs() as f64 <= step);
    }
}

#[test]
fn triggers_land_on_their_exact_frame() {
    let n = 512;
    let mut trig = vec![0.0; n];
    trig[300] = 1.0;
    let (a, d) = (konst(n, 0.01), konst(n, 0.1));
    let mut e = Env::new(SR);
    let mut out = vec![0.0; n];
    env::ad(&mut e, &a, &d, &trig, &mut out);
    // Frame 300 is the first sample of the ramp k/441 (k = frame - 300).
    assert!(out[..=300].iter().all(|&v| v == 0.0));
    for k in 1..200 {
        assert!((out[300 + k] as f64 - k as f64 / 441.0).abs() < 1e-5);
    }
    // perc: the 1 ms attack (44.1 samples) from frame 300.
    let r = konst(n, 0.5);
    let mut e = Env::new(SR);
    env::perc(&mut e, &r, &trig, &mut out);
    assert!(out[..=300].iter().all(|&v| v == 0.0));
    assert!((out[301] as f64 - 1.0 / 44.1).abs() < 1e-5);
    assert!((out[320] as f64 - 20.0 / 44.1).abs() < 1e-5);
    assert!(out[344] < 1.0);
    assert_eq!(out[345], 1.0);
    // adsr with a gate starting on frame 300.
    let gate: Vec<f32> = (0..n).map(|i| if i >= 300 { 1.0 } else { 0.0 }).collect();
    let out = render_adsr(n, 0.01, 0.1, 0.5, 0.1, &trig, &gate, &[512]);
    assert!(out[..=300].iter().all(|&v| v == 0.0));
    assert!((out[301] as f64 - 1.0 / 441.0).abs() < 1e-6);
}

#[test]
fn perc_reaches_minus_60_db_at_release() {
    let release = 0.5;
    let n = 44 + 50000;
    let mut trig = vec![0.0; n];
    trig[0] = 1.0;
    let r = konst(n, release);
    let mut e = Env::new(SR);
    let mut out = vec![0.0; n];
    chunks(n, &[512], |i, j| {
        env::perc(&mut e, &r[i..j], &trig[i..j], &mut out[i..j])
    });
    // The 1 ms attack takes 44.1 samples: frame 45 is the first at 1.
    assert!(out[44] < 1.0);
    assert_eq!(out[45], 1.0);
    let len = (release * SR) as usize;
    for frac in [0.25, 0.5, 1.0, 1.5] {
        let k = (frac * len as f64) as usize;
        let want = 0.001f64.powf(k as f64 / len as f64);
        let got = out[45 + k] as f64;
        assert!(((got - want) / want).abs() < 0.01, "{k}: {got} vs {want}");
    }
    assert!((db(out[45 + len] as f64) + 60.0).abs() < 0.05);
    // Monotonic decay, then idle at 0 once below -120 dB.
    for w in out[45..].windows(2) {
        assert!(w[1] <= w[0]);
    }
    assert_eq!(*out.last().unwrap(), 0.0);
    assert!(e.is_idle());
}

#[test]
fn envelopes_do_not_depend_on_block_boundaries() {
    let n = 20_000;
    let mut trig = vec![0.0; n];
    for &t in &[0, 300, 2500, 2501, 9000, 15000] {
        trig[t] = 1.0;
    }
    let gate: Vec<f32> = (0..n)
        .map(|i| if (i / 1700) % 2 == 0 { 1.0 } else { 0.0 })
        .collect();
    // Modulated times and sustain.
    let a: Vec<f32> = (0..n)
        .map(|i| 0.002 + 0.01 * ((i / 97) % 5) as f32)
        .collect();
    let d: Vec<f32> = (0..n)
        .map(|i| 0.02 + 0.01 * ((i / 131) % 3) as f32)
        .collect();
    let s: Vec<f32> = (0..n)
        .map(|i| 0.3 + 0.1 * ((i / 1000) % 4) as f32)
        .collect();
    let r: Vec<f32> = (0..n)
        .map(|i| 0.05 + 0.02 * ((i / 77) % 4) as f32)
        .collect();
    let render = |sizes: &[usize]| {
        let (mut e1, mut e2, mut e3) = (Env::new(SR), Env::new(SR), Env::new(SR));
        let mut o = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
        chunks(n, sizes, |i, j| {
            env::ad(&mut e1, &a[i..j], &d[i..j], &trig[i..j], &mut o.0[i..j]);
            let (s_, r_, t_, g_) = (&s[i..j], &r[i..j], &trig[i..j], &gate[i..j]);
            env::adsr(&mut e2, &a[i..j], &d[i..j], s_, r_, t_, g_, &mut o.1[i..j]);
            env::perc(&mut e3, &r[i..j], &trig[i..j], &mut o.2[i..j]);
        });
        o
    };
    let whole = render(&[n]);
    let split = render(&ODD);
    assert_eq!(whole, split);
    assert!(whole.0.iter().any(|&v| v > 0.5) && whole.1.iter().any(|&v| v > 0.5));
}

#[test]
fn envelopes_survive_hostile_parameters() {
    let n = 600;
    let bad = [
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        1e30,
        -1e30,
        0.0,
        -1.0,
    ];
    let mut trig = vec![0.0; n];
    trig[0] = 1.0;
    trig[10] = f32::NAN;
    trig[200] = 1e30;
    let gate: Vec<f32> = (0..n).map(|i| if i < 300 { 1.0 } else { 0.0 }).collect();
    let ok = konst(n, 0.001);
    for &b in &bad {
        let v = konst(n, b);
        for case in 0..5 {
            let p = |k: usize| if k == case { &v } else { &ok };
            let mut out = vec![0.0; n];
            let mut e = Env::new(SR);
            env::adsr(&mut e, p(0), p(1), p(2), p(3), &trig, &gate, &mut out);
            assert!(
                out.iter().all(|v| (0.0..=1.0).contains(v)),
                "adsr {b} {case}"
            );
            let mut e = Env::new(SR);
            env::ad(&mut e, p(0), p(1), &trig, &mut out);
            assert!(out.iter().all(|v| (0.0..=1.0).contains(v)), "ad {b} {case}");
            let mut e = Env::new(b);
            env::perc(&mut e, p(0), &trig, &mut out);
            assert!(
                out.iter().all(|v| (0.0..=1.0).contains(v)),
                "perc {b} {case}"
            );
        }
    }
    // Zero times are one sample: ad jumps 0 -> 1 -> 0.
    let mut e = Env::new(SR);
    let mut out = vec![0.0; 4];
    let mut trig = vec![0.0; 4];
    trig[0] = 1.0;
    env::ad(&mut e, &[0.0; 4], &[-1.0; 4], &trig, &mut out);
    assert_eq!(out, [0.0, 1.0, 0.0, 0.0]);
    // Mismatched lengths: the shortest decides, nothing panics.
    env::ad(&mut e, &[0.0; 3], &[0.0; 4], &trig, &mut out);
}

// ---------------------------------------------------------------------------------
// Delay

#[test]
fn delay_echoes_at_multiples_of_the_time_with_geometric_levels() {
    let n = 5000;
    let x = impulse(n);
    for (fb, mix) in [(0.5f32, 0.7f32), (-0.8, 1.0), (1.0, 0.25)] {
        let mut s = Delay::new(SR, 4.0);
        let mut out = vec![0.0; n];
        let (t, f, m) = (konst(n, 441.0 / SR), konst(n, fb), konst(n, mix));
        chunks(n, &[512], |i, j| {
            effects::delay(
                &mut s,
                &x[i..j],
                &t[i..j],
                &f[i..j],
                &m[i..j],
                &mut out[i..j],
            )
        });
        assert!((out[0] - (1.0 - mix)).abs() < 1e-6);
        for (i, &v) in out.iter().enumerate().skip(1) {
            let want = if i % 441 == 0 {
                mix as f64 * (fb as f64).powi(i as i32 / 441 - 1)
            } else {
                0.0
            };
            assert!(
                (v as f64 - want).abs() < 1e-4,
                "fb {fb} frame {i}: {v} vs {want}"
            );
        }
    }
}

#[test]
fn delay_interpolates_fractional_times() {
    let n = 400;
    let x = impulse(n);
    let mut s = Delay::new(SR, 4.0);
    let mut out = vec![0.0; n];
    let t = konst(n, 100.25 / SR);
    effects::delay(&mut s, &x, &t, &konst(n, 0.0), &konst(n, 1.0), &mut out);
    assert!((out[100] - 0.75).abs() < 1e-3 && (out[101] - 0.25).abs() < 1e-3);
    let rest: f32 = out.iter().map(|v| v.abs()).sum::<f32>() - out[100] - out[101];
    assert!(rest.abs() < 1e-4);
    // Times beyond the line are clamped to max_seconds; below one sample to one sample.
    let mut s = Delay::new(SR, 0.001);
    effects::delay(
        &mut s,
        &x,
        &konst(n, 10.0),
        &konst(n, 0.0),
        &konst(n, 1.0),
        &mut out,
    );
    assert!((out[44] as f64 - 0.9).abs() < 1e-3 && (out[45] as f64 - 0.1).abs() < 1e-3);
    let mut s = Delay::new(SR, 1.0);
    effects::delay(
        &mut s,
        &x,
        &konst(n, -3.0),
        &konst(n, 0.0),
        &konst(n, 1.0),
        &mut out,
    );
    assert_eq!(out[1], 1.0);
}

// ---------------------------------------------------------------------------------
// Reverb

fn reverb_ir(n: usize, room: f32, damp: f32, channel: usize) -> Vec<f32> {
    let mut s = Reverb::new(SR, channel);
    let x = impulse(n);
    let mut out = vec![0.0; n];
    let (r, d, m) = (konst(n, room), konst(n, damp), konst(n, 1.0));
    chunks(n, &[512], |i, j| {
        effects::reverb(
            &mut s,
            &x[i..j],
            &r[i..j],
            &d[i..j],
            &m[i..j],
            &mut out[i..j],
        )
    });
    out
}

/// Seconds until the backward-integrated energy (Schroeder) has fallen by `drop_db`.
fn decay_time(ir: &[f32], drop_db: f64) -> f64 {
    let mut tail: Vec<f64> = ir.iter().map(|&v| (v as f64) * (v as f64)).collect();
    for i in (0..tail.len() - 1).rev() {
        tail[i] += tail[i + 1];
    }
    let total = tail[0];
    let i = tail
        .iter()
        .position(|&e| 10.0 * (e / total).log10() < -drop_db)
        .expect("decay within the render");
    i as f64 / SR as f64
}

#[test]
fn reverb_tail_is_finite_and_decays() {
    let n = 3 * 44100;
    let ir = reverb_ir(n, 0.5, 0.5, 0);
    assert!(ir.iter().all(|v| v.is_finite()));
    let w = 11025;
    let energy: Vec<f64> = ir
        .chunks(w)
        .map(|c| c.iter().map(|&v| (v as f64).powi(2)).sum())
        .collect();
    assert!(energy[0] > 0.0);
    for k in 1..energy.len() {
        assert!(energy[k] < energy[k - 1], "window {k}: {energy:?}");
    }
    assert!(energy[energy.len() - 1] < energy[0] * 1e-3);
}

#[test]
fn larger_room_decays_longer() {
    let n = 4 * 44100;
    let small = decay_time(&reverb_ir(n, 0.3, 0.0, 0), 40.0);
    let large = decay_time(&reverb_ir(n, 0.8, 0.0, 0), 40.0);
    // Combs of about 1400 samples: a -40 dB time of -2 · 1400 / (fs · log10 g).
    let predict = |g: f64| -2.0 * 1400.0 / (SR as f64 * g.log10());
    let (ps, pl) = (predict(0.7 + 0.28 * 0.3), predict(0.7 + 0.28 * 0.8));
    assert!(large > 2.0 * small, "{small} s vs {large} s");
    assert!((small / ps - 1.0).abs() < 0.35, "{small} vs {ps}");
    assert!((large / pl - 1.0).abs() < 0.35, "{large} vs {pl}");
}

#[test]
fn damping_removes_high_frequencies_from_the_tail() {
    let n = 44100;
    let bright = reverb_ir(n, 0.7, 0.0, 0);
    let dark = reverb_ir(n, 0.7, 1.0, 0);
    let band = |ir: &[f32], lo: f64| -> f64 {
        let window = &ir[13230..13230 + 8192];
        (0..24)
            .map(|k| dft_power(window, lo + 25.0 * k as f64))
            .sum()
    };
    let ratio = |ir: &[f32]| band(ir, 8000.0) / band(ir, 300.0);
    let (rb, rd) = (ratio(&bright), ratio(&dark));
    assert!(rd < 0.1 * rb, "high/low energy: damp 0 {rb}, damp 1 {rd}");
}

#[test]
fn reverb_channels_differ_and_wet_level_is_comparable_to_dry() {
    let n = 44100;
    let x = noise(n, 7);
    let run = |channel: usize| {
        let mut s = Reverb::new(SR, channel);
        let mut out = vec![0.0; n];
        let (r, d, m) = (konst(n, 0.5), konst(n, 0.5), konst(n, 1.0));
        effects::reverb(&mut s, &x, &r, &d, &m, &mut out);
        out
    };
    let (l, r) = (run(0), run(1));
    let rms =
        |v: &[f32]| (v.iter().map(|&a| (a as f64).powi(2)).sum::<f64>() / v.len() as f64).sqrt();
    let h = n / 2;
    let ratio = rms(&l[h..]) / rms(&x[h..]);
    assert!((0.5..2.0).contains(&ratio), "wet/dry rms {ratio}");
    let dot: f64 = l[h..]
        .iter()
        .zip(&r[h..])
        .map(|(&a, &b)| a as f64 * b as f64)
        .sum();
    let corr = dot / (rms(&l[h..]) * rms(&r[h..]) * h as f64);
    assert!(corr.abs() < 0.5, "left/right correlation {corr}");
}

// ---------------------------------------------------------------------------------
// Distortion

#[test]
fn distortion_is_tanh_of_drive_times_x() {
    let x: Vec<f32> = (0..2001).map(|i| -2.0 + 0.002 * i as f32).collect();
    let n = x.len();
    let mut out = vec![0.0; n];
    for drive in [0.0f32, 0.5, 1.0, 4.0, 30.0] {
        for mix in [0.0f32, 0.3, 1.0] {
            effects::distortion(&x, &konst(n, drive), &konst(n, mix), &mut out);
            for i in 0..n {
                let wet = ((drive as f64) * (x[i] as f64)).tanh();
                let want = (1.0 - mix as f64) * x[i] as f64 + mix as f64 * wet;
                assert!(
                    (out[i] as f64 - want).abs() < 2e-6,
                    "{drive} {mix} {}",
                    x[i]
                );
            }
        }
    }
    // Drive 0 silences the wet path; negative drive is 0.
    effects::distortion(&x, &konst(n, -3.0), &konst(n, 1.0), &mut out);
    assert!(out.iter().all(|&v| v == 0.0));
}

/// SuperDirt's `shape` (DirtEvent's `dirt_shape`): `k = 2a / (1 - a)`, then
/// `(1 + k) x / (1 + k |x|)`, computed here in f64; amounts outside (0, 1) pass the
/// input unchanged, as SuperDirt skips the module.
#[test]
fn shape_is_superdirts_curve() {
    let x: Vec<f32> = (0..4001).map(|i| -2.0 + 0.001 * i as f32).collect();
    let n = x.len();
    let mut out = vec![0.0; n];
    for a in [0.01f32, 0.2, 0.5, 0.9, 0.999] {
        effects::shape(&x, &konst(n, a), &mut out);
        let k = 2.0 * a as f64 / (1.0 - a as f64);
        for i in 0..n {
            let v = x[i] as f64;
            let want = (1.0 + k) * v / (1.0 + k * v.abs());
            assert!(
                (out[i] as f64 - want).abs() <= 1e-5 * want.abs().max(1.0),
                "{a} {v}"
            );
        }
    }
    // A few points by hand: a = 0.5 gives k = 2, so 0.5 -> 1.5 / 2 = 0.75, and ±1
    // stays ±1 for any amount.
    effects::shape(&[0.5, 1.0, -1.0, 0.0], &konst(4, 0.5), &mut out[..4]);
    assert_eq!(&out[..4], &[0.75, 1.0, -1.0, 0.0]);
    // Amount 0, negative, 1 and above, NaN: the input exactly.
    for a in [0.0f32, -0.5, 1.0, 3.0, f32::NAN] {
        effects::shape(&x, &konst(n, a), &mut out);
        assert_eq!(out, x, "{a}");
    }
    // More shape is more drive: at x = 0.25 the output grows with the amount.
    let at = |a: f32| {
        let mut o = [0.0];
        effects::shape(&[0.25], &[a], &mut o);
        o[0]
    };
    assert!(at(0.1) < at(0.5) && at(0.5) < at(0.9) && at(0.9) < 1.0);
}

#[test]
fn distortion_adds_odd_harmonics_to_a_sine() {
    let n = 4410;
    let f0 = 100.0; // 10 ms period: whole periods in the window
    let x: Vec<f32> = (0..n)
        .map(|i| (0.8 * (2.0 * PI * f0 * i as f64 / SR as f64).sin()) as f32)
        .collect();
    let mut out = vec![0.0; n];
    effects::distortion(&x, &konst(n, 3.0), &konst(n, 1.0), &mut out);
    let fund = dft_power(&out, f0);
    // tanh(2.4 sin): harmonics 3, 5, 7 at about -14, -25, -36 dB.
    for (h, floor) in [(3.0, 1e-2), (5.0, 1e-3), (7.0, 1e-4)] {
        assert!(dft_power(&out, h * f0) > floor * fund, "harmonic {h}");
    }
    for h in [2.0, 4.0, 6.0] {
        assert!(dft_power(&out, h * f0) < 1e-9 * fund, "harmonic {h}");
    }
    // The clean sine has no third harmonic to speak of.
    assert!(dft_power(&x, 3.0 * f0) < 1e-9 * dft_power(&x, f0));
}

// ---------------------------------------------------------------------------------
// Bitcrush

#[test]
fn bitcrush_quantises_on_the_grid() {
    let n = 2000;
    let x: Vec<f32> = noise(n, 3).iter().map(|v| v * 1.1).collect();
    let mut out = vec![0.0; n];
    for bits in [1u32, 2, 3, 4, 8, 12, 16] {
        let mut s = Bitcrush::new();
        effects::bitcrush(&mut s, &x, &konst(n, bits as f32), &konst(n, 1.0), &mut out);
        let step = 2.0 / 2f64.powi(bits as i32);
        for i in 0..n {
            let want = ((x[i] as f64) / step + 0.5).floor() * step;
            assert_eq!(out[i] as f64, want, "bits {bits}, x {}", x[i]);
        }
    }
    // Fractional bits: a step between those of the neighbouring integers.
    let mut s = Bitcrush::new();
    effects::bitcrush(&mut s, &x, &konst(n, 2.5), &konst(n, 1.0), &mut out);
    let step = 2.0 / 2f64.powf(2.5);
    for i in 0..n {
        let want = ((x[i] as f64) / step + 0.5).floor() * step;
        assert!((out[i] as f64 - want).abs() < 1e-5);
    }
}

#[test]
fn bitcrush_holds_samples_at_the_reduced_rate() {
    let n = 1000;
    let x: Vec<f32> = (0..n).map(|i| i as f32 / 1024.0).collect();
    let mut out = vec![0.0; n];
    let mut s = Bitcrush::new();
    chunks(n, &ODD, |i, j| {
        effects::bitcrush(
            &mut s,
            &x[i..j],
            &konst(j - i, 24.0),
            &konst(j - i, 0.25),
            &mut out[i..j],
        )
    });
    for i in 0..n {
        assert_eq!(out[i], x[i / 4 * 4], "frame {i}");
    }
    // Rate 1/3: every third sample.
    let mut s = Bitcrush::new();
    effects::bitcrush(&mut s, &x, &konst(n, 24.0), &konst(n, 1.0 / 3.0), &mut out);
    let holds = out.windows(2).filter(|w| w[0] != w[1]).count() + 1;
    assert!(
        (holds as f64 - n as f64 / 3.0).abs() <= 1.0,
        "{holds} holds"
    );
}

// ---------------------------------------------------------------------------------
// Chorus

#[test]
fn chorus_mix_zero_is_dry() {
    let n = 3000;
    let x = noise(n, 11);
    let mut s = Chorus::new(SR, 0);
    let mut out = vec![0.0; n];
    effects::chorus(
        &mut s,
        &x,
        &konst(n, 1.5),
        &konst(n, 1.0),
        &konst(n, 0.0),
        &mut out,
    );
    assert_eq!(out, x);
}

#[test]
fn chorus_wet_is_a_copy_delayed_by_the_lfo() {
    // On a ramp, linear interpolation is exact, so wet[i] = i - delay(i).
    let n = 44100;
    let x: Vec<f32> = (0..n).map(|i| i as f32).collect();
    let rate = 2.0;
    for channel in [0usize, 1] {
        let mut s = Chorus::new(SR, channel);
        let mut out = vec![0.0; n];
        let (r, d, m) = (konst(n, rate), konst(n, 1.0), konst(n, 1.0));
        chunks(n, &[512], |i, j| {
            effects::chorus(
                &mut s,
                &x[i..j],
                &r[i..j],
                &d[i..j],
                &m[i..j],
                &mut out[i..j],
            )
        });
        let (mut lo, mut hi) = (f64::MAX, f64::MIN);
        for (i, &v) in out.iter().enumerate().skip(1500) {
            let delay = i as f64 - v as f64;
            let turns = rate as f64 * i as f64 / SR as f64 + 0.25 * channel as f64;
            let want = (0.015 + 0.007 * (2.0 * PI * turns).sin()) * SR as f64;
            assert!(
                (delay - want).abs() < 0.02,
                "ch {channel} frame {i}: {delay} vs {want}"
            );
            lo = lo.min(delay);
            hi = hi.max(delay);
        }
        let sr = SR as f64;
        assert!(
            lo >= 0.008 * sr - 0.01 && lo < 0.0081 * sr,
            "min delay {lo}"
        );
        assert!(
            hi <= 0.022 * sr + 0.01 && hi > 0.0219 * sr,
            "max delay {hi}"
        );
    }
    // Depth 0: a fixed 15 ms delay (661.5 samples).
    let mut s = Chorus::new(SR, 0);
    let mut out = vec![0.0; 2000];
    let x2 = &x[..2000];
    effects::chorus(
        &mut s,
        x2,
        &konst(2000, 3.0),
        &konst(2000, 0.0),
        &konst(2000, 1.0),
        &mut out,
    );
    assert!((1999.0 - out[1999] - 661.5).abs() < 1e-3);
}

// ---------------------------------------------------------------------------------
// Compressor

fn compress(x: &[f32], threshold: f32, ratio: f32) -> Vec<f32> {
    let n = x.len();
    let mut s = Compressor::new(SR);
    let mut out = vec![0.0; n];
    let (t, r) = (konst(n, threshold), konst(n, ratio));
    chunks(n, &[512], |i, j| {
        effects::compressor(&mut s, &x[i..j], &t[i..j], &r[i..j], &mut out[i..j])
    });
    out
}

fn peak_db(x: &[f32]) -> f64 {
    db(x.iter().fold(0.0f32, |m, v| m.max(v.abs())) as f64)
}

#[test]
fn compressor_settles_on_the_static_curve() {
    let n = 44100;
    let tone = |peak_db: f64, square: bool| -> Vec<f32> {
        let a = 10f64.powf(peak_db / 20.0);
        (0..n)
            .map(|i| {
                let s = (2.0 * PI * 441.0 * i as f64 / SR as f64 + 0.1).sin();
                (a * if square { s.signum() } else { s }) as f32
            })
            .collect()
    };
    // A square wave has a constant |x|: the detector reads its peak exactly.
    // -8 dB in, threshold -20, ratio 4: 12 dB over, 9 dB reduction, -17 dB out.
    let out = compress(&tone(-8.0, true), -20.0, 4.0);
    assert!((peak_db(&out[n / 2..]) + 17.0).abs() < 0.02);
    let out = compress(&tone(-8.0, true), -20.0, f32::INFINITY);
    assert!((peak_db(&out[n / 2..]) + 20.0).abs() < 0.02);
    // A sine: the detector reads between the mean of |x| (-3.92 dB under the peak) and
    // the peak, so the output peak lies between -17 and -17 + 0.75·3.92 dB; 4 dB more
    // input gives exactly 1 dB more output (the detector is linear in the input).
    let a = peak_db(&compress(&tone(-8.0, false), -20.0, 4.0)[n / 2..]);
    let b = peak_db(&compress(&tone(-4.0, false), -20.0, 4.0)[n / 2..]);
    assert!(a > -17.0 && a < -17.0 + 0.75 * 3.92, "sine out {a} dB");
    assert!((b - a - 1.0).abs() < 0.02, "{a} -> {b}");
    // Under the threshold (or at ratio 1) nothing changes, bit for bit.
    let quiet = tone(-30.0, false);
    assert_eq!(compress(&quiet, -20.0, 4.0), quiet);
    let loud = tone(-3.0, false);
    assert_eq!(compress(&loud, -20.0, 1.0), loud);
    assert_eq!(compress(&loud, -20.0, 0.5), loud);
}

#[test]
fn compressor_attack_is_fast_and_release_slow() {
    // A -6 dB square burst after silence, threshold -20, ratio 2.
    let n = 44100;
    let a = 0.5f32;
    let x: Vec<f32> = (0..n)
        .map(|i| {
            let on = i < 22050;
            let s = if (i / 50) % 2 == 0 { a } else { -a };
            if on {
                s
            } else {
                s * 0.01 // -46 dB: under the threshold
            }
        })
        .collect();
    let out = compress(&x, -20.0, 2.0);
    let gain = |i: usize| (out[i] / x[i]) as f64;
    // The detector reaches 1 - e^-1 of the step after 5 ms (220.5 samples).
    let level = |t: f64| a as f64 * (1.0 - (-t / 0.005).exp());
    let want = |l: f64| 10f64.powf(-0.5 * (db(l) + 20.0).max(0.0) / 20.0);
    for i in [50usize, 220, 441, 1000] {
        let t = (i + 1) as f64 / SR as f64;
        assert!(
            (gain(i) - want(level(t))).abs() < 5e-3,
            "frame {i}: {} vs {}",
            gain(i),
            want(level(t))
        );
    }
    // After the burst the detector falls with a 100 ms time constant.
    for k in [441usize, 2205, 4410] {
        let t = k as f64 / SR as f64;
        let r = 0.01 * a as f64;
        let l = r + (a as f64 - r) * (-t / 0.1).exp();
        let i = 22050 + k - 1;
        assert!(
            (gain(i) - want(l)).abs() < 5e-3,
            "release {k}: {} vs {}",
            gain(i),
            want(l)
        );
    }
}

// ---------------------------------------------------------------------------------
// Blocks and robustness

/// Renders every effect over `x` with modulated parameters, in chunks of `sizes`.
fn render_effects(x: &[f32], sizes: &[usize]) -> Vec<Vec<f32>> {
    let n = x.len();
    let wobble = |lo: f32, hi: f32, period: usize| -> Vec<f32> {
        (0..n)
            .map(|i| lo + (hi - lo) * ((i % period) as f32 / period as f32))
            .collect()
    };
    let (time, fb, mix) = (
        wobble(0.001, 0.02, 777),
        wobble(-0.9, 0.9, 333),
        wobble(0.0, 1.0, 555),
    );
    let (room, damp) = (wobble(0.0, 1.0, 1234), wobble(0.0, 1.0, 987));
    let (drive, bits, rate) = (
        wobble(0.0, 10.0, 91),
        wobble(1.0, 16.0, 450),
        wobble(0.05, 1.0, 67),
    );
    let (crate_, depth) = (wobble(0.1, 8.0, 2000), wobble(0.0, 1.0, 800));
    let (thr, ratio) = (wobble(-40.0, 0.0, 1500), wobble(1.0, 10.0, 600));
    let mut outs = vec![vec![0.0; n]; 7];
    let mut dl = Delay::new(SR, 4.0);
    let mut rv = Reverb::new(SR, 1);
    let mut bc = Bitcrush::new();
    let mut ch = Chorus::new(SR, 1);
    let mut co = Compressor::new(SR);
    chunks(n, sizes, |i, j| {
        let [o0, o1, o2, o3, o4, o5] = &mut outs[..6] else {
            unreachable!()
        };
        let xi = &x[i..j];
        effects::delay(
            &mut dl,
            xi,
            &time[i..j],
            &fb[i..j],
            &mix[i..j],
            &mut o0[i..j],
        );
        effects::reverb(
            &mut rv,
            xi,
            &room[i..j],
            &damp[i..j],
            &mix[i..j],
            &mut o1[i..j],
        );
        effects::distortion(xi, &drive[i..j], &mix[i..j], &mut o2[i..j]);
        effects::bitcrush(&mut bc, xi, &bits[i..j], &rate[i..j], &mut o3[i..j]);
        effects::chorus(
            &mut ch,
            xi,
            &crate_[i..j],
            &depth[i..j],
            &mix[i..j],
            &mut o4[i..j],
        );
        effects::compressor(&mut co, xi, &thr[i..j], &ratio[i..j], &mut o5[i..j]);
    });
    outs.truncate(6);
    outs
}

#[test]
fn effects_do_not_depend_on_block_boundaries() {
    let x = noise(6000, 5);
    let whole = render_effects(&x, &[6000]);
    let split = render_effects(&x, &ODD);
    for (k, (a, b)) in whole.iter().zip(&split).enumerate() {
        assert_eq!(a, b, "effect {k}");
        assert!(a.iter().any(|&v| v != 0.0), "effect {k} silent");
    }
}

#[test]
fn effects_survive_hostile_parameters() {
    let n = 700;
    let x: Vec<f32> = noise(n, 9).iter().map(|v| v * 100.0).collect();
    let bad = [
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        1e30,
        -1e30,
        0.0,
        -1.0,
        1e-30,
    ];
    let ok = konst(n, 0.5);
    let mut out = vec![0.0; n];
    let finite = |o: &[f32], what: &str| assert!(o.iter().all(|v| v.is_finite()), "{what}");
    for &b in &bad {
        let v = konst(n, b);
        for case in 0..3 {
            let p = |k: usize| if k == case { &v } else { &ok };
            let mut s = Delay::new(SR, 4.0);
            effects::delay(&mut s, &x, p(0), p(1), p(2), &mut out);
            finite(&out, &format!("delay {b} {case}"));
            let mut s = Delay::new(b, b);
            effects::delay(&mut s, &x, p(0), p(1), p(2), &mut out);
            finite(&out, &format!("delay new {b} {case}"));
            let mut s = Reverb::new(SR, case);
            effects::reverb(&mut s, &x, p(0), p(1), p(2), &mut out);
            finite(&out, &format!("reverb {b} {case}"));
            let mut s = Reverb::new(b, 1);
            effects::reverb(&mut s, &x, p(0), p(1), p(2), &mut out);
            finite(&out, &format!("reverb new {b} {case}"));
            effects::distortion(&x, p(0), p(1), &mut out);
            finite(&out, &format!("distortion {b} {case}"));
            let mut s = Bitcrush::new();
            effects::bitcrush(&mut s, &x, p(0), p(1), &mut out);
            finite(&out, &format!("bitcrush {b} {case}"));
            let mut s = Chorus::new(SR, case);
            effects::chorus(&mut s, &x, p(0), p(1), p(2), &mut out);
            finite(&out, &format!("chorus {b} {case}"));
            let mut s = Chorus::new(b, 0);
            effects::chorus(&mut s, &x, p(0), p(1), p(2), &mut out);
            finite(&out, &format!("chorus new {b} {case}"));
            let mut s = Compressor::new(SR);
            effects::compressor(&mut s, &x, p(0), p(1), &mut out);
            finite(&out, &format!("compressor {b} {case}"));
            let mut s = Compressor::new(b);
            effects::compressor(&mut s, &x, p(0), p(1), &mut out);
            finite(&out, &format!("compressor new {b} {case}"));
        }
    }
    // Feedback 1 with a constant input grows but stays finite (the line is clamped).
    let n = 100_000;
    let mut s = Delay::new(SR, 4.0);
    let mut out = vec![0.0; n];
    effects::delay(
        &mut s,
        &konst(n, 1e3),
        &konst(n, 1.0 / SR),
        &konst(n, 1.0),
        &konst(n, 1.0),
        &mut out,
    );
    assert!(out.iter().all(|v| v.is_finite() && v.abs() <= 1e6));
    // A NaN input sample does not poison the delay line.
    let mut x = impulse(1000);
    x[3] = f32::NAN;
    let mut out = vec![0.0; 1000];
    let mut s = Delay::new(SR, 1.0);
    effects::delay(
        &mut s,
        &x,
        &konst(1000, 0.001),
        &konst(1000, 0.5),
        &konst(1000, 1.0),
        &mut out,
    );
    assert!(out[200..].iter().all(|v| v.is_finite()));
    // Mismatched lengths: the shortest decides.
    effects::distortion(&x, &[1.0; 3], &konst(1000, 1.0), &mut out);
    let mut s = Reverb::new(SR, 0);
    effects::reverb(
        &mut s,
        &x[..10],
        &[0.5; 100],
        &[0.5; 7],
        &[1.0; 100],
        &mut out,
    );
}

/// Speed of each kernel (run with `cargo test --release --test dsp_env_fx -- --ignored
/// --nocapture`).
#[test]
#[ignore]
fn speed() {
    use std::time::Instant;
    let n = 512;
    let blocks = 2000;
    let x = noise(n, 1);
    let p = |v: f32| konst(n, v);
    let mut out = vec![0.0; n];
    let mut trig = vec![0.0; n];
    trig[0] = 1.0;
    let gate = p(1.0);
    let mut time = |name: &str, f: &mut dyn FnMut(&mut [f32])| {
        let t = Instant::now();
        for _ in 0..blocks {
            f(&mut out);
        }
        let ns = t.elapsed().as_nanos() as f64 / (blocks * n) as f64;
        println!("{name:12} {ns:6.2} ns/sample ({})", out[7]);
    };
    let (a, d, s, r) = (p(0.01), p(0.1), p(0.5), p(0.2));
    let mut e = Env::new(SR);
    time("ad", &mut |o| env::ad(&mut e, &a, &d, &trig, o));
    let mut e = Env::new(SR);
    time("adsr", &mut |o| {
        env::adsr(&mut e, &a, &d, &s, &r, &trig, &gate, o)
    });
    let mut e = Env::new(SR);
    time("perc", &mut |o| env::perc(&mut e, &r, &trig, o));
    let mut dl = Delay::new(SR, 4.0);
    let (t, fb, mix) = (p(0.3), p(0.5), p(0.5));
    time("delay", &mut |o| {
        effects::delay(&mut dl, &x, &t, &fb, &mix, o)
    });
    let mut rv = Reverb::new(SR, 0);
    time("reverb", &mut |o| {
        effects::reverb(&mut rv, &x, &s, &s, &mix, o)
    });
    let dr = p(4.0);
    time("distortion", &mut |o| effects::distortion(&x, &dr, &mix, o));
    let mut bc = Bitcrush::new();
    let (bits, rate) = (p(6.0), p(0.3));
    time("bitcrush", &mut |o| {
        effects::bitcrush(&mut bc, &x, &bits, &rate, o)
    });
    let mut ch = Chorus::new(SR, 0);
    let rt = p(1.0);
    time("chorus", &mut |o| {
        effects::chorus(&mut ch, &x, &rt, &s, &mix, o)
    });
    let mut co = Compressor::new(SR);
    let (th, ra) = (p(-20.0), p(4.0));
    time("compressor", &mut |o| {
        effects::compressor(&mut co, &x, &th, &ra, o)
    });
}
