//! The master stage: the limiter's transparency below its ceiling, its true-peak
//! ceiling on hard material (measured by an independent 16x oversampled meter
//! written here), its release, the DC blocker against its formula, and the render's
//! report and alignment.

use std::f64::consts::PI;

use phonon::dsp::limiter::{DcBlocker, Limiter, DEFAULT_CEILING_DB};
use phonon::render::{EngineKind, Length, RenderReport};
use phonon::runtime::Config;

use crate::common::rendering::{render_on, render_with};

const RATE: u32 = 44_100;

/// The true peak of `x` by 16x oversampling with a long (±48 taps) Hann-windowed
/// sinc: independent of the limiter's 8-tap Kaiser detector.
fn true_peak(x: &[f32]) -> f64 {
    const UP: usize = 16;
    const HALF: isize = 48;
    let mut peak = 0.0f64;
    for n in 0..x.len() {
        peak = peak.max(f64::from(x[n]).abs());
        for p in 1..UP {
            let t = n as f64 + p as f64 / UP as f64;
            let mut v = 0.0;
            for k in (n as isize - HALF + 1)..=(n as isize + HALF) {
                if k < 0 || k as usize >= x.len() {
                    continue;
                }
                let d = t - k as f64;
                let sinc = (PI * d).sin() / (PI * d);
                let w = 0.5 + 0.5 * (PI * d / (HALF as f64 + 1.0)).cos();
                v += f64::from(x[k as usize]) * sinc * w;
            }
            peak = peak.max(v.abs());
        }
    }
    peak
}

fn db(x: f64) -> f64 {
    20.0 * x.log10()
}

/// Runs `l`/`r` through a fresh limiter, returning the output realigned (the first
/// `latency` frames dropped, the tail flushed with zeros).
fn limit(l: &[f32], r: &[f32]) -> (Vec<f32>, Vec<f32>, Limiter) {
    let mut lim = Limiter::new(RATE, DEFAULT_CEILING_DB);
    let lat = lim.latency();
    let (mut ol, mut or) = (Vec::new(), Vec::new());
    for i in 0..l.len() + lat {
        let (a, b) = if i < l.len() {
            (l[i], r[i])
        } else {
            (0.0, 0.0)
        };
        let (x, y) = lim.tick(a, b);
        if i >= lat {
            ol.push(x);
            or.push(y);
        }
    }
    (ol, or, lim)
}

#[test]
fn below_the_ceiling_the_limiter_is_the_delay_bit_for_bit() {
    // A sine at -3 dBFS and noise-like content under the ceiling: never limited.
    let n = 20_000;
    let a = 10f64.powf(-3.0 / 20.0);
    let l: Vec<f32> = (0..n)
        .map(|i| (a * (2.0 * PI * 440.0 * i as f64 / 44_100.0).sin()) as f32)
        .collect();
    let r: Vec<f32> = (0..n)
        .map(|i| (0.5 * ((i * 7919 % 1000) as f64 / 1000.0 - 0.5)) as f32)
        .collect();
    let (ol, or, lim) = limit(&l, &r);
    for i in 0..n {
        assert_eq!(ol[i].to_bits(), l[i].to_bits(), "left frame {i}");
        assert_eq!(or[i].to_bits(), r[i].to_bits(), "right frame {i}");
    }
    // No pumping: the gain never left 1.
    assert_eq!(lim.stats().min_gain, 1.0);
    assert_eq!(lim.stats().limited_frames, 0);
}

#[test]
fn the_true_peak_ceiling_holds_on_hard_material() {
    let ceiling = 10f64.powf(DEFAULT_CEILING_DB / 20.0);
    let n = 8_000;
    let cases: Vec<(&str, Vec<f32>)> = vec![
        // A full-scale square wave at 100 Hz.
        (
            "square",
            (0..n)
                .map(|i| if (i / 220) % 2 == 0 { 1.0 } else { -1.0 })
                .collect(),
        ),
        // fs/4 at 45°: every sample at ±0.707, the peaks (1.0) between them.
        (
            "fs/4 at 45 degrees",
            (0..n)
                .map(|i| (PI / 2.0 * i as f64 + PI / 4.0).sin() as f32)
                .collect(),
        ),
        // Twice full scale, starting abruptly.
        (
            "sine 440 * 2",
            (0..n)
                .map(|i| (2.0 * (2.0 * PI * 440.0 * i as f64 / 44_100.0).sin()) as f32)
                .collect(),
        ),
        // +9.5 dBFS of DC (what `out: fast 2 3` wrote): a step.
        ("DC at 3", vec![3.0; n]),
    ];
    for (name, x) in cases {
        let (ol, or, _) = limit(&x, &x);
        let tp = true_peak(&ol).max(true_peak(&or));
        assert!(
            tp <= ceiling * 1.001,
            "{name}: true peak {:.3} dBTP over the ceiling",
            db(tp)
        );
    }
}

#[test]
fn after_a_burst_the_gain_recovers_with_the_release() {
    // 0.1 s at twice full scale, then a quiet sine at 0.1: after the hold (20 ms)
    // the gain returns toward 1 with a 100 ms time constant.
    let burst = 4_410;
    let n = burst + 2 * 44_100;
    let x: Vec<f32> = (0..n)
        .map(|i| {
            let a = if i < burst { 2.0 } else { 0.1 };
            (a * (2.0 * PI * 440.0 * i as f64 / 44_100.0).sin()) as f32
        })
        .collect();
    let (ol, _, _) = limit(&x, &x);
    // The gain at a frame: output over input, read at the quiet sine's crests.
    let gain_near = |at: usize| -> f64 {
        let (mut best, mut g) = (0.0f64, 1.0);
        for i in at..at + 100 {
            if f64::from(x[i]).abs() > best {
                best = f64::from(x[i]).abs();
                g = f64::from(ol[i]) / f64::from(x[i]);
            }
        }
        g
    };
    // During the burst the gain is about ceiling / 2 (-7 dB).
    let g0 = gain_near(burst / 2);
    assert!(
        (db(g0) - (-7.1)).abs() < 0.3,
        "gain in the burst {} dB",
        db(g0)
    );
    // 1 hold + 1 time constant after the burst, the reduction (in linear gain) is
    // down to about 1/e of its value; after 16 time constants it is gone (snapped to 1 within 1e-6).
    let t1 = burst + 882 + 4_410;
    let g1 = gain_near(t1);
    let expected = 1.0 - (1.0 - g0) * (-1.0f64).exp();
    assert!(
        (g1 - expected).abs() < 0.05,
        "gain one release after the burst {g1}, expected about {expected}"
    );
    let late = burst + 882 + 16 * 4_410;
    assert_eq!(gain_near(late), 1.0, "the gain came back to exactly 1");
}

#[test]
fn the_dc_blocker_is_its_formula() {
    let mut dc = DcBlocker::new(RATE);
    let r = 1.0 - 2.0 * PI * 5.0 / f64::from(RATE);
    // A unit step: y[n] = r^n (x[n] - x[n-1] is 1 at n = 0 only).
    for n in 0..2_000 {
        let y = dc.tick(0, 1.0);
        let expect = r.powi(n);
        assert!(
            (f64::from(y) - expect).abs() < 1e-6,
            "n {n}: {y} vs {expect}"
        );
    }
    // -3 dB near 5 Hz, flat at 1 kHz: the response to a steady sine.
    for (f, gain) in [(5.0, std::f64::consts::FRAC_1_SQRT_2), (1_000.0, 1.0)] {
        let mut dc = DcBlocker::new(RATE);
        let n = 5 * RATE as usize;
        let mut peak = 0.0f64;
        for i in 0..n {
            let x = (2.0 * PI * f * i as f64 / f64::from(RATE)).sin() as f32;
            let y = dc.tick(1, x);
            if i > n - RATE as usize {
                peak = peak.max(f64::from(y).abs());
            }
        }
        assert!((peak - gain).abs() < 0.01, "{f} Hz: gain {peak}");
    }
}

fn render_source(source: &str, seconds: f64, limit: bool) -> (Vec<f32>, Vec<f32>, RenderReport) {
    let config = Config {
        sample_rate: RATE,
        limit,
        ..Config::default()
    };
    let r = render_with(source, Length::Seconds(seconds), config);
    (r.left, r.right, r.report)
}

#[test]
fn a_loud_sine_renders_under_the_ceiling_and_the_report_says_so() {
    let (l, r, report) = render_source("out: sine 440 * 2", 0.5, true);
    assert_eq!(l.len(), 22_050, "the file is the asked length");
    let tp = true_peak(&l).max(true_peak(&r));
    assert!(db(tp) <= -0.99, "out at {:.2} dBTP", db(tp));
    let m = report.master;
    // The input's true peak is the sine's crest, 2.0 (+6.02 dBFS), give or take
    // the detector's interpolation ripple.
    assert!(
        (db(m.input_peak) - 6.02).abs() < 0.15,
        "in {}",
        db(m.input_peak)
    );
    assert!(db(m.output_peak) <= -0.99, "out {}", db(m.output_peak));
    // 2.0 down to -1 dBTP less the detector's 0.1 dB margin: 7.1 dB.
    assert!(
        (m.reduction_db() - 7.12).abs() < 0.15,
        "reduction {}",
        m.reduction_db()
    );
    assert_eq!(m.over_samples, 0);
    let text = report.level_summary();
    assert!(text.starts_with("peak in +6."), "{text}");
    assert!(text.contains("dBFS (true peak), out -1."), "{text}");
    assert!(
        text.contains("at most 7.") && text.contains("dB of gain reduction"),
        "{text}"
    );
    assert!(text.contains("no sample past full scale"), "{text}");

    // Off: the raw sum, twice the sine, and the clipping counted.
    let (l, _, report) = render_source("out: sine 440 * 2", 0.5, false);
    let m = report.master;
    assert!((db(m.output_peak) - 6.02).abs() < 0.15);
    assert!(m.over_samples > 0);
    assert!(report.level_summary().contains("limiter off"));
    let peak = l.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    assert!((peak - 2.0).abs() < 1e-3, "raw peak {peak}");
}

#[test]
fn the_render_lines_up_with_the_patch_time() {
    // A quiet sine: with the stage on, the file is the DC-blocked sine, frame for
    // frame in time (no look-ahead delay, nothing lost at the start).
    let (on, _, _) = render_source("out: sine 440 * 0.5", 0.2, true);
    let (off, _, _) = render_source("out: sine 440 * 0.5", 0.2, false);
    assert_eq!(on.len(), off.len());
    let mut dc = DcBlocker::new(RATE);
    for (i, (a, b)) in on.iter().zip(&off).enumerate() {
        let expect = dc.tick(0, *b);
        assert_eq!(a.to_bits(), expect.to_bits(), "frame {i}");
    }
}

#[test]
fn dc_decays_and_fast_2_3_writes_no_dc() {
    for source in ["out: 0.5", "out: fast 2 3"] {
        let (l, r, _) = render_source(source, 2.0, true);
        // After a second (30 time constants of the 5 Hz pole) nothing is left.
        for x in l[RATE as usize..].iter().chain(&r[RATE as usize..]) {
            assert!(x.abs() < 1e-4, "{source}: {x}");
        }
        let tp = true_peak(&l[..4_410]);
        assert!(db(tp) <= -0.99, "{source}: {:.2} dBTP", db(tp));
    }
}

#[test]
fn every_fixture_peaks_under_minus_1_dbfs_before_the_limiter() {
    let dir = format!("{}/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ph"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 8);
    for path in names {
        let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        let config = Config {
            sample_rate: RATE,
            limit: false,
            ..Config::default()
        };
        let r = render_on(EngineKind::Jit, &source, Length::Cycles(8.0), config);
        let report = r.report;
        let sample_peak = r
            .left
            .iter()
            .chain(&r.right)
            .fold(0.0f32, |m, x| m.max(x.abs()));
        let limit = 10f64.powf(-1.0 / 20.0);
        assert!(
            f64::from(sample_peak) <= limit,
            "{}: {sample_peak}",
            path.display()
        );
        // The stage's true-peak meter (the limiter off: the raw sum's).
        let tp = report.master.output_peak;
        assert!(tp <= limit, "{}: {:.2} dBTP", path.display(), db(tp));
    }
}

#[test]
fn limit_off_in_the_patch_leaves_the_dc_blocked_sum_unlimited() {
    // `limit: off`: the file is the raw sum through the DC blocker alone (the
    // blocker's own formula applied here to the `--no-limit` render), frame for
    // frame, twice full scale and all; the level line says why.
    let source = "limit: off\nout: sine 440 * 2";
    let (on, _, report) = render_source(source, 0.5, true);
    let (raw, _, _) = render_source(source, 0.5, false);
    assert_eq!(on.len(), raw.len());
    let mut dc = DcBlocker::new(RATE);
    for (i, (a, b)) in on.iter().zip(&raw).enumerate() {
        assert_eq!(a.to_bits(), dc.tick(0, *b).to_bits(), "frame {i}");
    }
    let m = report.master;
    assert_eq!(m.limited_frames, 0);
    assert!(m.over_samples > 0);
    let text = report.level_summary();
    assert!(
        text.contains("limiter off (`limit: off` in the patch)"),
        "{text}"
    );
    // `limit: on` after it wins (the last statement), as `tempo:` does.
    let (_, _, report) = render_source("limit: off\nlimit: on\nout: sine 440 * 2", 0.5, true);
    assert!(report.master.limited_frames > 0);
    assert!(db(report.master.output_peak) <= -0.99);
}

#[test]
fn disengaging_releases_to_exactly_one_and_engaging_has_its_look_ahead() {
    // A live reload that turns the limiter off while it is working: the gain
    // releases (no jump to 1 in one frame) and then passes the input bit for bit;
    // turned on again in the middle of loud material, the ceiling holds from the
    // first frame (the detector and its window kept running).
    let n = 4 * 44_100;
    let x: Vec<f32> = (0..n)
        .map(|i| (2.0 * (2.0 * PI * 440.0 * i as f64 / 44_100.0).sin()) as f32)
        .collect();
    let mut lim = Limiter::new(RATE, DEFAULT_CEILING_DB);
    let lat = lim.latency();
    let off_at = 44_100 / 2;
    let on_at = 3 * 44_100;
    let mut out = Vec::with_capacity(n);
    for (i, &v) in x.iter().enumerate() {
        if i == off_at {
            lim.set_engaged(false);
        }
        if i == on_at {
            lim.set_engaged(true);
        }
        out.push(lim.tick(v, v).0);
    }
    // Output frame i is input frame i - lat. The gain read at crests near a frame.
    let gain_near = |at: usize| -> f64 {
        let (mut best, mut g) = (0.0f64, 1.0);
        for i in at..at + 100 {
            let inp = f64::from(x[i - lat]);
            if inp.abs() > best {
                best = inp.abs();
                g = f64::from(out[i]) / inp;
            }
        }
        g
    };
    let before = gain_near(off_at - 200);
    assert!((db(before) - (-7.1)).abs() < 0.3, "{}", db(before));
    // 5 ms after it was turned off (inside the 20 ms hold) the gain has not jumped.
    assert!((gain_near(off_at + 220) - before).abs() < 1e-3);
    // After the hold and 16 release time constants it is exactly 1: the delayed
    // input.
    for i in off_at + 882 + 16 * 4_410..on_at {
        assert_eq!(out[i].to_bits(), x[i - lat].to_bits(), "frame {i}");
    }
    // On again: every output frame after the switch is under the ceiling's margin.
    let tail = &out[on_at + lat..];
    let tp = true_peak(&tail[..4_410]);
    assert!(db(tp) <= -0.99, "{:.2} dBTP after engaging", db(tp));
}
