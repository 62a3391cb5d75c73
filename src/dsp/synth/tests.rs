//! Each synth against a computation made here: DFT amplitudes against Fourier series
//! and Bessel functions, zero-crossing counts against the integrated pitch, decay
//! rates against the stated time constants, noise slopes from band energies.

use super::drums::{
    HAT_SECONDS, HAT_TAU, KICK_AMP_TAU, KICK_BASE_RATIO, KICK_PITCH_TAU, KICK_SECONDS, KICK_SWEEP,
    SNARE_SECONDS, TAIL_FADE_SECONDS,
};
use super::super::osc::SUPERSAW_CENTS;
use super::tonal::{FM_INDEX_END, FM_INDEX_START, FM_INDEX_TAU, PIANO_INHARMONICITY, PIANO_TAU};
use super::*;
use realfft::RealFftPlanner;
use std::f64::consts::PI;

const SR: f32 = 44_100.0;

fn render(kind: SynthKind, freq: f32, sr: f32, seed: u32, n: usize) -> Vec<f32> {
    let mut s = Synth::new(kind, freq, sr, seed);
    let mut out = vec![0.0; n];
    s.render(&vec![1.0; n], &mut out);
    out
}

/// The amplitude of the sinusoid at `f` Hz in `x`, by a Hann-windowed DFT sum.
fn amp_at(x: &[f32], f: f64, sr: f64) -> f64 {
    let n = x.len() as f64;
    let (mut re, mut im, mut wsum) = (0.0, 0.0, 0.0);
    for (i, &v) in x.iter().enumerate() {
        let w = 0.5 - 0.5 * (2.0 * PI * i as f64 / n).cos();
        let ph = 2.0 * PI * f * i as f64 / sr;
        re += w * v as f64 * ph.cos();
        im -= w * v as f64 * ph.sin();
        wsum += w;
    }
    2.0 * (re * re + im * im).sqrt() / wsum
}

fn db(x: f64) -> f64 {
    20.0 * x.log10()
}

/// Upward zero crossings in `x`.
fn crossings(x: &[f32]) -> usize {
    x.windows(2).filter(|w| w[0] < 0.0 && w[1] >= 0.0).count()
}

fn peak(x: &[f32]) -> f32 {
    x.iter().fold(0.0f32, |m, v| m.max(v.abs()))
}

fn rms(x: &[f32]) -> f64 {
    (x.iter().map(|&v| (v as f64).powi(2)).sum::<f64>() / x.len() as f64).sqrt()
}

/// Averaged power spectral density (Welch, Hann windows of 4096, no overlap).
fn psd(x: &[f32]) -> Vec<f64> {
    let n = 4096;
    let fft = RealFftPlanner::<f64>::new().plan_fft_forward(n);
    let mut acc = vec![0.0; n / 2 + 1];
    let mut input = fft.make_input_vec();
    let mut spec = fft.make_output_vec();
    let mut count = 0;
    for seg in x.chunks_exact(n) {
        for (i, (d, &v)) in input.iter_mut().zip(seg).enumerate() {
            *d = v as f64 * (0.5 - 0.5 * (2.0 * PI * i as f64 / n as f64).cos());
        }
        fft.process(&mut input, &mut spec).unwrap();
        for (a, c) in acc.iter_mut().zip(&spec) {
            *a += c.norm_sqr();
        }
        count += 1;
    }
    acc.iter().map(|a| a / count as f64).collect()
}

/// Mean density (dB) of the bins between `lo` and `hi` Hz.
fn band_db(p: &[f64], lo: f64, hi: f64, sr: f64) -> f64 {
    let bin = sr / 4096.0;
    let (a, b) = ((lo / bin).round() as usize, (hi / bin).round() as usize);
    let m = p[a..b].iter().sum::<f64>() / (b - a) as f64;
    10.0 * m.log10()
}

/// The slope in dB per octave of a noise's spectrum between 100 Hz and 12.8 kHz: a
/// least-squares line through the densities of seven octave bands.
fn slope(kind: SynthKind, seed: u32) -> f64 {
    let x = render(kind, 440.0, SR, seed, 4096 * 64);
    let p = psd(&x);
    let pts: Vec<(f64, f64)> =
        (0..7).map(|o| (o as f64, band_db(&p, 100.0 * 2f64.powi(o), 200.0 * 2f64.powi(o), SR as f64))).collect();
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / 7.0;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / 7.0;
    let num: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let den: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    num / den
}

#[test]
fn names_round_trip() {
    for k in SynthKind::ALL {
        assert_eq!(SynthKind::from_name(k.name()), Some(k));
        assert!(!k.doc().is_empty());
    }
    let mut names: Vec<_> = SynthKind::ALL.iter().map(|k| k.name()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 14);
    assert_eq!(SynthKind::from_name("Sine"), None);
    assert_eq!(SynthKind::from_name("bd"), None);
    assert_eq!(SynthKind::Sine.natural_seconds(), None);
    assert_eq!(SynthKind::Supersaw.natural_seconds(), None);
    assert_eq!(SynthKind::Superkick.natural_seconds(), Some(KICK_SECONDS));
}

/// Harmonic `k`'s amplitude against the Fourier series of the ideal wave (the
/// band-limiting costs under 0.2 dB this low).
#[test]
fn plain_waves_have_their_fourier_series() {
    let f0 = 220.5; // 200 samples per cycle: the window holds whole cycles
    let n = 44_100;
    let series = |kind: SynthKind, k: u32| -> f64 {
        let k = k as f64;
        match kind {
            SynthKind::Sine => {
                if k == 1.0 {
                    0.4
                } else {
                    0.0
                }
            }
            SynthKind::Sawtooth => 0.4 * 2.0 / (PI * k),
            SynthKind::Square => 0.3 * 4.0 / (PI * k) * (k % 2.0),
            SynthKind::Triangle => 0.5 * 8.0 / (PI * PI * k * k) * (k % 2.0),
            // A ±1 pulse of duty w: 4 |sin(π k w)| / (π k).
            _ => 0.3 * 4.0 * (PI * k * PULSE_WIDTH as f64).sin().abs() / (PI * k),
        }
    };
    for kind in [SynthKind::Sine, SynthKind::Sawtooth, SynthKind::Square, SynthKind::Triangle, SynthKind::Pulse] {
        let x = render(kind, f0 as f32, SR, 1, n);
        for k in 1..=9 {
            let want = series(kind, k);
            let got = amp_at(&x, f0 * k as f64, SR as f64);
            if want > 1e-3 {
                assert!((db(got) - db(want)).abs() < 0.5, "{kind:?} harmonic {k}: {got} vs {want}");
            } else {
                assert!(got < 1e-3, "{kind:?} harmonic {k} should be absent: {got}");
            }
        }
        // No DC, and the stated peak.
        let mean = x.iter().map(|&v| v as f64).sum::<f64>() / n as f64;
        assert!(mean.abs() < 2e-3, "{kind:?} mean {mean}");
        let lvl = match kind {
            SynthKind::Square => 0.3,
            SynthKind::Triangle => 0.5,
            SynthKind::Pulse => 0.45,
            _ => 0.4,
        };
        assert!(peak(&x) <= lvl + 1e-3 && peak(&x) > lvl * 0.97, "{kind:?} peak {}", peak(&x));
    }
}

/// The seven detuned saws each show as a line at their own frequency, with about the
/// first-harmonic amplitude of a saw of peak `0.4/√7`; between them the spectrum dips.
#[test]
fn supersaw_spreads_seven_saws() {
    let f0 = 440.0f64;
    let x = render(SynthKind::Supersaw, f0 as f32, SR, 1, 4 * 44_100);
    let each = 0.4 / 7f64.sqrt() * 2.0 / PI;
    let lines: Vec<f64> = SUPERSAW_CENTS.iter().map(|&c| f0 * 2f64.powf(c as f64 / 1200.0)).collect();
    for &f in &lines {
        let a = amp_at(&x, f, SR as f64);
        assert!((db(a) - db(each)).abs() < 1.0, "line at {f}: {a} vs {each}");
    }
    for w in lines.windows(2) {
        let mid = amp_at(&x, (w[0] + w[1]) / 2.0, SR as f64);
        assert!(mid < each / 10.0, "between {} and {}: {mid}", w[0], w[1]);
    }
    // The RMS of one saw of peak 0.4, 0.4/√3, within 10%.
    let r = rms(&x);
    assert!((r / (0.4 / 3f64.sqrt()) - 1.0).abs() < 0.1, "rms {r}");
    assert!(peak(&x) <= 7.0 * SUPERSAW_GAIN);
}

/// `ratio` multiplies the pitch: every pitched synth with ratio 2 puts its fundamental
/// at twice the frequency.
#[test]
fn ratio_two_doubles_the_pitch() {
    for kind in [
        SynthKind::Sine,
        SynthKind::Sawtooth,
        SynthKind::Square,
        SynthKind::Triangle,
        SynthKind::Pulse,
        SynthKind::Supersaw,
        SynthKind::Superpiano,
        SynthKind::Fm,
    ] {
        let n = 8192;
        let mut s = Synth::new(kind, 300.0, SR, 3);
        let mut x = vec![0.0; n];
        s.render(&vec![2.0; n], &mut x);
        let at2 = amp_at(&x, 600.0, SR as f64);
        let at1 = amp_at(&x, 300.0, SR as f64);
        assert!(at2 > 0.05 && at1 < at2 / 30.0, "{kind:?}: 600 Hz {at2}, 300 Hz {at1}");
    }
    // The kick: over 0.1-0.4 s (the sweep spent) the zero crossings come at twice b.
    let n = (0.4 * SR) as usize;
    let mut s = Synth::new(SynthKind::Superkick, 261.625_58, SR, 3);
    let mut x = vec![0.0; n];
    s.render(&vec![2.0; n], &mut x);
    let late = &x[(0.1 * SR) as usize..];
    let f = crossings(late) as f64 / 0.3;
    assert!((f / 110.0 - 1.0).abs() < 0.05, "kick at ratio 2: {f} Hz");
}

/// The kick's pitch: zero crossings against the turns of `b (1 + 3 e^(-t/τ))`
/// integrated here, early (falling) and late (at b); its amplitude per cycle against
/// `e^(-t/τa)`; silence after its natural length.
#[test]
fn superkick_falls_in_pitch_and_decays() {
    let sr = SR as f64;
    let b = 261.625_58 * KICK_BASE_RATIO as f64;
    let x = render(SynthKind::Superkick, 261.625_58, SR, 9, (0.6 * sr) as usize);
    let tau = KICK_PITCH_TAU as f64;
    let turns = |t: f64| b * (t + KICK_SWEEP as f64 * tau * (1.0 - (-t / tau).exp()));
    for (t0, t1) in [(0.025, 0.06), (0.06, 0.12), (0.12, 0.4)] {
        let want = turns(t1) - turns(t0);
        let got = crossings(&x[(t0 * sr) as usize..(t1 * sr) as usize]) as f64;
        assert!((got - want).abs() <= 1.0, "{t0}-{t1} s: {got} crossings, want {want}");
    }
    // Early frequency well above late.
    let early = (turns(0.03) - turns(0.0)) / 0.03;
    assert!(early > 2.5 * b);
    // Amplitude: the peak of each 100 ms window, 0.1-0.4 s, falls by e^(-0.1/τa).
    let win = (0.1 * sr) as usize;
    let p: Vec<f64> = (1..4).map(|i| peak(&x[i * win..(i + 1) * win]) as f64).collect();
    for w in p.windows(2) {
        let got = (w[1] / w[0]).ln() / 0.1;
        let want = -1.0 / KICK_AMP_TAU as f64;
        assert!((got / want - 1.0).abs() < 0.05, "decay rate {got} vs {want}");
    }
    assert!(x[(KICK_SECONDS as f64 * sr) as usize..].iter().all(|&v| v == 0.0));
    let fade_start = ((KICK_SECONDS - TAIL_FADE_SECONDS) as f64 * sr) as usize;
    assert!(peak(&x[fade_start..]) < peak(&x[fade_start - 2000..fade_start]));
    assert!(peak(&x) <= 0.5);
}

/// The hat's energy sits in its pass band (2-6 kHz at n 0) and decays at its rate.
#[test]
fn superhat_is_high_and_short() {
    let sr = SR as f64;
    let mut p = vec![0.0; 2049];
    let mut rate = 0.0;
    for seed in 1..=8 {
        let x = render(SynthKind::Superhat, 261.625_58, SR, seed, 12_000);
        for (a, b) in p.iter_mut().zip(psd(&x[..4096])) {
            *a += b;
        }
        // RMS over 10-30 ms against 60-80 ms: e^(-50 ms / τ).
        let r1 = rms(&x[(0.01 * sr) as usize..(0.03 * sr) as usize]);
        let r2 = rms(&x[(0.06 * sr) as usize..(0.08 * sr) as usize]);
        rate += (r2 / r1).ln() / 0.05 / 8.0;
        assert!(peak(&x) < 0.55);
        assert!(x[(HAT_SECONDS as f64 * sr) as usize..].iter().all(|&v| v == 0.0));
    }
    assert!((rate * HAT_TAU as f64 + 1.0).abs() < 0.15, "decay rate {rate}");
    let pass = band_db(&p, 2500.0, 5000.0, sr);
    assert!(pass - band_db(&p, 150.0, 400.0, sr) > 25.0);
    assert!(pass - band_db(&p, 15000.0, 20000.0, sr) > 20.0);
}

/// The snare: its body's fundamental (100 Hz at n 0) early, its rattle centred near
/// 1.5 kHz, both gone by its end.
#[test]
fn supersnare_has_body_and_rattle() {
    let sr = SR as f64;
    let x = render(SynthKind::Supersnare, 261.625_58, SR, 5, (0.5 * sr) as usize);
    let early = &x[..4096];
    let body = amp_at(early, 100.0, sr);
    assert!(body > 0.05, "body {body}");
    assert!(body > 5.0 * amp_at(early, 150.0, sr));
    let p = psd(&x[..4096]);
    let band = band_db(&p, 1000.0, 2200.0, sr);
    assert!(band - band_db(&p, 8000.0, 16000.0, sr) > 15.0);
    assert!(peak(&x) < 0.6);
    assert!(x[(SNARE_SECONDS as f64 * sr) as usize..].iter().all(|&v| v == 0.0));
    assert!(rms(&x[(0.25 * sr) as usize..(0.3 * sr) as usize]) < rms(&x[..4096]) / 20.0);
}

/// The piano's second partial is stretched by `√(1 + 4B)/√(1 + B)` relative to twice
/// the first, and the fundamental decays with τ₁.
#[test]
fn superpiano_is_inharmonic_and_decays() {
    let sr = SR as f64;
    let f = 261.625_58f64;
    let x = render(SynthKind::Superpiano, f as f32, SR, 2, 3 * 44_100);
    let b = PIANO_INHARMONICITY as f64;
    let f1 = f * (1.0 + b).sqrt();
    let f2 = 2.0 * f * (1.0 + 4.0 * b).sqrt();
    let seg = &x[4410..4410 + 32_768];
    // The measured peak of partial 2 sits at f2, not at 2 f1 (0.6 Hz apart).
    let at = |g: f64| amp_at(seg, g, sr);
    let best = (-20..=20).map(|i| f2 + i as f64 * 0.1).max_by(|a, b| at(*a).total_cmp(&at(*b))).unwrap();
    assert!((best - f2).abs() < 0.25, "partial 2 at {best}, want {f2} (2 f1 = {})", 2.0 * f1);
    // Decay of the fundamental between 0.2 s and 1.2 s.
    let w = 8192;
    let a1 = amp_at(&x[(0.2 * sr) as usize..(0.2 * sr) as usize + w], f1, sr);
    let a2 = amp_at(&x[(1.2 * sr) as usize..(1.2 * sr) as usize + w], f1, sr);
    let tau = -1.0 / (a2 / a1).ln();
    assert!((tau / PIANO_TAU as f64 - 1.0).abs() < 0.03, "τ₁ {tau}");
    assert!(peak(&x) <= 0.5);
    assert!(x[(super::tonal::PIANO_SECONDS as f64 * sr) as usize..].iter().all(|&v| v == 0.0));
}

/// Bessel function of the first kind, by its power series.
fn bessel_j(n: i32, x: f64) -> f64 {
    let n_abs = n.unsigned_abs() as i32;
    let mut term = (x / 2.0).powi(n_abs) / (1..=n_abs).map(|i| i as f64).product::<f64>();
    let mut sum = 0.0;
    for m in 0..30 {
        sum += term;
        term *= -(x / 2.0).powi(2) / ((m + 1) as f64 * (m + 1 + n_abs) as f64);
    }
    if n < 0 && n_abs % 2 == 1 {
        -sum
    } else {
        sum
    }
}

/// FM's harmonics late in the note (index ≈ 1) against `0.4 |J_{k-1}(I) + (-1)^k
/// J_{k+1}(I)|`, and a brighter spectrum at the onset (index ≈ 3).
#[test]
fn fm_sidebands_follow_bessel() {
    let sr = SR as f64;
    let f = 220.5;
    let x = render(SynthKind::Fm, f as f32, SR, 1, 3 * 44_100);
    let t0 = 2.0;
    let seg = &x[(t0 * sr) as usize..(t0 * sr) as usize + 8000];
    let centre = t0 + 4000.0 / sr;
    let index = FM_INDEX_END as f64 + (FM_INDEX_START - FM_INDEX_END) as f64 * (-centre / FM_INDEX_TAU as f64).exp();
    for k in 1..=4 {
        let sign = if k % 2 == 0 { 1.0 } else { -1.0 };
        let want = 0.4 * (bessel_j(k - 1, index) + sign * bessel_j(k + 1, index)).abs();
        let got = amp_at(seg, f * k as f64, sr);
        assert!((got - want).abs() < 0.004, "harmonic {k}: {got} vs {want} (I = {index})");
    }
    let early = &x[..2000];
    let hi = |s: &[f32]| (3..=6).map(|k| amp_at(s, f * k as f64, sr)).sum::<f64>();
    assert!(hi(early) > 3.0 * hi(seg));
}

#[test]
fn noise_slopes_and_levels() {
    for (kind, want, level) in [
        (SynthKind::White, 0.0, 0.4 / 3f64.sqrt()),
        (SynthKind::Pink, -3.0, 0.1),
        (SynthKind::Brown, -6.0, BROWN_RMS as f64),
    ] {
        let s = slope(kind, 7);
        assert!((s - want).abs() < 0.5, "{kind:?}: {s} dB/octave");
        let x = render(kind, 440.0, SR, 11, 10 * 44_100);
        let r = rms(&x);
        assert!((r / level - 1.0).abs() < 0.25, "{kind:?} rms {r}");
        assert!(peak(&x) < 0.6, "{kind:?} peak {}", peak(&x));
    }
}

/// The noise-driven synths are deterministic per seed and differ between seeds.
#[test]
fn seeds_decide_the_noise() {
    for kind in [
        SynthKind::White,
        SynthKind::Pink,
        SynthKind::Brown,
        SynthKind::Superkick,
        SynthKind::Supersnare,
        SynthKind::Superhat,
        SynthKind::Superpiano,
    ] {
        let a = render(kind, 200.0, SR, 1, 2000);
        assert_eq!(a, render(kind, 200.0, SR, 1, 2000), "{kind:?}");
        assert_ne!(a, render(kind, 200.0, SR, 2, 2000), "{kind:?}");
    }
}

/// Rendering in pieces of uneven sizes, with a glide, gives the samples of one call.
#[test]
fn splits_match_one_render() {
    let n = 3000;
    let ratio: Vec<f32> = (0..n).map(|i| 1.0 + i as f32 / n as f32).collect();
    for kind in SynthKind::ALL {
        let mut whole = vec![0.0; n];
        Synth::new(kind, 330.0, SR, 4).render(&ratio, &mut whole);
        let mut s = Synth::new(kind, 330.0, SR, 4);
        let mut parts = vec![0.0; n];
        let mut at = 0;
        for size in [1, 7, 64, 65, 100, 333, 1].iter().cycle() {
            if at >= n {
                break;
            }
            let end = (at + size).min(n);
            s.render(&ratio[at..end], &mut parts[at..end]);
            at = end;
        }
        assert_eq!(whole, parts, "{kind:?}");
    }
}

/// From 20 Hz to 20 kHz at three rates, and at nonsense inputs: finite and bounded.
#[test]
fn bounded_at_every_pitch() {
    for sr in [22_050.0, 44_100.0, 96_000.0] {
        for freq in [20.0, 55.0, 440.0, 3000.0, 11_000.0, 20_000.0] {
            for kind in SynthKind::ALL {
                let x = render(kind, freq, sr, 5, (0.5 * sr) as usize);
                let bound = if kind == SynthKind::Supersaw { 1.06 } else { 0.6 };
                assert!(x.iter().all(|v| v.is_finite()), "{kind:?} {freq} {sr}");
                assert!(peak(&x) <= bound, "{kind:?} at {freq} Hz, {sr}: {}", peak(&x));
            }
        }
    }
    for kind in SynthKind::ALL {
        for (freq, sr) in [(f32::NAN, 44_100.0), (f32::INFINITY, 0.0), (-500.0, f32::NAN), (1e30, -1.0)] {
            let mut s = Synth::new(kind, freq, sr, 0);
            let mut x = vec![0.0; 1000];
            let ratio = [f32::NAN, f32::INFINITY, -3.0, 0.0, 1e20];
            s.render(&ratio, &mut x);
            assert!(x.iter().all(|v| v.is_finite() && v.abs() <= 1.06), "{kind:?} {freq} {sr}");
        }
    }
}
