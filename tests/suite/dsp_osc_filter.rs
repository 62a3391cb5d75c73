//! Oscillator and filter kernels (`phonon::dsp::osc`, `phonon::dsp::filter`) against
//! independent computations: a DFT at exact bins (Goertzel, in f64), a radix-2 FFT
//! for noise spectra, the Fourier series of the ideal waveforms, and the analog
//! prototypes of the filters.

use std::f64::consts::PI;

use phonon::dsp::filter::{moog, svf, Moog, Svf, SvfMode};
use phonon::dsp::osc::{impulse, noise, pink, saw, sine, square, tri, Noise, Osc, Pink};

const SR: f32 = 44_100.0;
const SRD: f64 = 44_100.0;

// ---------------------------------------------------------------------------------
// Measurement helpers.

/// The complex DFT coefficient of `x` at frequency `f` Hz, scaled so that a sinusoid
/// of amplitude A at an exact bin gives magnitude A: `(2/N) Σ x[n] e^{-iωn}`.
/// Goertzel's recurrence in f64.
fn dft(x: &[f32], f: f64) -> (f64, f64) {
    let w = 2.0 * PI * f / SRD;
    let c = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &v in x {
        let s0 = v as f64 + c * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    // X = e^{iω(N-1)}... use the standard closing step: y = s1 - e^{-iω} s2, then
    // rotate by e^{-iω(N-1)} to reference the phase to n = 0.
    let n = x.len() as f64;
    let re = s1 - w.cos() * s2;
    let im = w.sin() * s2;
    let rot = -w * (n - 1.0);
    let (rr, ri) = (
        re * rot.cos() - im * rot.sin(),
        re * rot.sin() + im * rot.cos(),
    );
    (2.0 * rr / n, 2.0 * ri / n)
}

/// Amplitude of the component at `f` Hz (an exact bin of `x`).
fn amp(x: &[f32], f: f64) -> f64 {
    let (re, im) = dft(x, f);
    re.hypot(im)
}

fn db(x: f64) -> f64 {
    20.0 * x.log10()
}

fn mean_square(x: &[f32]) -> f64 {
    x.iter().map(|&v| (v as f64) * (v as f64)).sum::<f64>() / x.len() as f64
}

fn mean(x: &[f32]) -> f64 {
    x.iter().map(|&v| v as f64).sum::<f64>() / x.len() as f64
}

/// `k f0` folded into [0, sr/2].
fn fold(f: f64) -> f64 {
    let m = f.rem_euclid(SRD);
    if m > SRD / 2.0 {
        SRD - m
    } else {
        m
    }
}

/// In-place iterative radix-2 FFT (re, im), length a power of two.
fn fft(re: &mut [f64], im: &mut [f64]) {
    let n = re.len();
    let mut j = 0;
    for i in 1..n {
        let mut bit = n >> 1;
        while j & bit != 0 {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
        if i < j {
            re.swap(i, j);
            im.swap(i, j);
        }
    }
    let mut len = 2;
    while len <= n {
        let ang = -2.0 * PI / len as f64;
        for start in (0..n).step_by(len) {
            for k in 0..len / 2 {
                let (wr, wi) = ((ang * k as f64).cos(), (ang * k as f64).sin());
                let (a, b) = (start + k, start + k + len / 2);
                let (xr, xi) = (re[b] * wr - im[b] * wi, re[b] * wi + im[b] * wr);
                re[b] = re[a] - xr;
                im[b] = im[a] - xi;
                re[a] += xr;
                im[a] += xi;
            }
        }
        len <<= 1;
    }
}

// ---------------------------------------------------------------------------------
// Rendering helpers.

fn render_osc(kind: &str, freq: f32, width: f32, n: usize) -> Vec<f32> {
    let mut o = Osc::new(SR);
    let f = vec![freq; n];
    let w = vec![width; n];
    let mut out = vec![0.0; n];
    match kind {
        "sine" => sine(&mut o, &f, &mut out),
        "saw" => saw(&mut o, &f, &mut out),
        "square" => square(&mut o, &f, &w, &mut out),
        "tri" => tri(&mut o, &f, &mut out),
        "impulse" => impulse(&mut o, &f, &mut out),
        _ => unreachable!(),
    }
    out
}

/// A sine of amplitude `a` at `f` Hz, computed with std in f64.
fn test_sine(f: f64, a: f64, n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| (a * (2.0 * PI * f * i as f64 / SRD).sin()) as f32)
        .collect()
}

// ---------------------------------------------------------------------------------
// Oscillators.

#[test]
fn sine_has_the_right_frequency_amplitude_and_no_distortion() {
    let n = 44_100; // 1 Hz bins
    let x = render_osc("sine", 1000.0, 0.5, n);
    assert_eq!(x[0], 0.0, "a fresh sine starts at 0");
    assert!((x[1] as f64 - (2.0 * PI * 1000.0 / SRD).sin()).abs() < 1e-5);
    let a = amp(&x, 1000.0);
    assert!((a - 1.0).abs() < 1e-4, "amplitude {a}");
    for f in [999.0, 1001.0, 990.0, 1010.0] {
        assert!(amp(&x, f) < 2e-3, "leakage at {f} Hz: {}", amp(&x, f));
    }
    // The frequency from the phase advance of the 1000 Hz bin between the two
    // halves: an error of d Hz turns the phase by 2π d / 2 in half a second. The f32
    // phase accumulator's rounding may bias it by a few ppm, not more.
    let (r1, i1) = dft(&x[..n / 2], 1000.0);
    let (r2, i2) = dft(&x[n / 2..], 1000.0);
    let turn = (i2.atan2(r2) - i1.atan2(r1)) / (2.0 * PI);
    let df = turn / 0.5;
    assert!(df.abs() < 0.005, "frequency off by {df} Hz");
    // THD: harmonics 2..10, and the total power not in the fundamental.
    let harmonics: f64 = (2..=10).map(|k| amp(&x, 1000.0 * k as f64).powi(2)).sum();
    let thd = harmonics.sqrt() / a;
    assert!(thd < 1e-5, "THD {thd}");
    // All the power outside the fundamental's bin (harmonics, noise, and the leakage
    // of the few-ppm frequency bias of the f32 phase): below -60 dB.
    let residual = mean_square(&x) - a * a / 2.0;
    assert!(
        residual.abs() < 1e-6 * 0.5,
        "power outside the fundamental {residual}"
    );
    // Sample by sample against std over the first 0.1 s (the f32 phase drifts by
    // well under 1e-4 turns there).
    for (i, &v) in x.iter().enumerate().take(4410) {
        let want = (2.0 * PI * 1000.0 * i as f64 / SRD).sin();
        assert!((v as f64 - want).abs() < 5e-4, "sample {i}: {v} vs {want}");
    }
}

#[test]
fn saw_harmonics_follow_2_over_pi_k() {
    let n = 44_100;
    let x = render_osc("saw", 441.0, 0.5, n);
    assert_eq!(
        x[0], 0.0,
        "the first saw sample is the middle of the smoothed jump"
    );
    assert!(mean(&x).abs() < 1e-4, "DC {}", mean(&x));
    for k in 1..=6 {
        let a = amp(&x, 441.0 * k as f64);
        let want = 2.0 / (PI * k as f64);
        let err = db(a / want);
        assert!(err.abs() < 0.5, "harmonic {k}: {a} vs {want} ({err:.3} dB)");
    }
    // A rising ramp: the waveform increases except at the once-per-cycle reset.
    let rises = x.windows(2).filter(|w| w[1] > w[0]).count();
    // (the smoothed jump spans four samples, so at most four falls per cycle)
    assert!(rises >= n - 1 - 4 * 441, "{rises}");
}

#[test]
fn saw_with_negative_frequency_is_the_mirror_image() {
    // sr/64: the phases k/64 and 1 - k/64 are exact in f32, so the mirror is exact
    // up to the rounding of the output arithmetic.
    let up = render_osc("saw", SR / 64.0, 0.5, 2000);
    let down = render_osc("saw", -SR / 64.0, 0.5, 2000);
    for (i, (a, b)) in up.iter().zip(&down).enumerate() {
        assert!((a + b).abs() < 1e-6, "sample {i}: {a} vs {b}");
    }
}

#[test]
fn square_has_odd_harmonics_4_over_pi_k() {
    let n = 44_100;
    let x = render_osc("square", 441.0, 0.5, n);
    assert!(mean(&x).abs() < 1e-4, "DC {}", mean(&x));
    let a1 = amp(&x, 441.0);
    for k in [1, 3, 5, 7] {
        let a = amp(&x, 441.0 * k as f64);
        let want = 4.0 / (PI * k as f64);
        let err = db(a / want);
        assert!(err.abs() < 0.5, "harmonic {k}: {a} vs {want} ({err:.3} dB)");
    }
    for k in [2, 4, 6, 8] {
        let a = amp(&x, 441.0 * k as f64);
        assert!(
            db(a / a1) < -80.0,
            "even harmonic {k} at {:.1} dB",
            db(a / a1)
        );
    }
}

#[test]
fn pulse_width_shapes_the_harmonics() {
    // A pulse of duty w, ±1: DC 2w - 1, harmonic k of amplitude (4/(π k)) |sin(π k w)|.
    let n = 44_100;
    for w in [0.25f64, 0.1] {
        let x = render_osc("square", 441.0, w as f32, n);
        assert!(
            (mean(&x) - (2.0 * w - 1.0)).abs() < 1e-3,
            "DC for width {w}"
        );
        for k in 1..=6 {
            let want = 4.0 / (PI * k as f64) * (PI * k as f64 * w).sin().abs();
            let a = amp(&x, 441.0 * k as f64);
            if want > 0.1 {
                let err = db(a / want);
                assert!(err.abs() < 0.5, "w {w} harmonic {k}: {a} vs {want}");
            } else {
                // Harmonic 4 of a 25% pulse is a zero of the sinc.
                assert!(a < 1e-3, "w {w} harmonic {k}: {a} should vanish");
            }
        }
    }
}

#[test]
fn tri_has_odd_harmonics_8_over_pi2_k2() {
    let n = 44_100;
    let x = render_osc("tri", 441.0, 0.5, n);
    assert_eq!(x[0], 0.0);
    assert!(mean(&x).abs() < 1e-4);
    let a1 = amp(&x, 441.0);
    for k in [1, 3, 5, 7, 9] {
        let a = amp(&x, 441.0 * k as f64);
        let want = 8.0 / (PI * PI * (k * k) as f64);
        let err = db(a / want);
        assert!(err.abs() < 0.5, "harmonic {k}: {a} vs {want} ({err:.3} dB)");
    }
    for k in [2, 4, 6] {
        let a = amp(&x, 441.0 * k as f64);
        assert!(
            db(a / a1) < -80.0,
            "even harmonic {k} at {:.1} dB",
            db(a / a1)
        );
    }
    // Aligned with the sine: the fundamental is +sin (imaginary part of the DFT < 0).
    let (re, im) = dft(&x, 441.0);
    assert!(
        re.abs() < 1e-3 && im < -0.8,
        "phase of the fundamental: {re} {im}"
    );
}

/// Alias measurements of a periodic signal at `f0` over one second (1 Hz bins, f0 an
/// integer so every harmonic and alias falls on an exact bin), relative to the
/// fundamental, in dB: (the strongest alias, the strongest alias folded below 15 kHz,
/// all the power that is not DC or a harmonic below Nyquist).
fn alias_report(x: &[f32], f0: f64) -> (f64, f64, f64) {
    let a1 = amp(x, f0);
    let dc = mean(x);
    let mut harmonic_power = dc * dc;
    let mut k = 1;
    while k as f64 * f0 < SRD / 2.0 {
        harmonic_power += amp(x, k as f64 * f0).powi(2) / 2.0;
        k += 1;
    }
    let (mut strongest, mut audible): (f64, f64) = (0.0, 0.0);
    for k in k..k + 120 {
        let f = fold(k as f64 * f0);
        let a = amp(x, f);
        strongest = strongest.max(a);
        if f < 15_000.0 {
            audible = audible.max(a);
        }
    }
    let rest = (mean_square(x) - harmonic_power).max(1e-30);
    (
        db(strongest / a1),
        db(audible / a1),
        10.0 * (rest / (a1 * a1 / 2.0)).log10(),
    )
}

#[test]
fn saw_and_square_alias_far_less_than_naive_ones() {
    // 2489 Hz = 19 · 131 is coprime with 44100, so no alias folds onto a harmonic.
    // Theory for a cubic B-spline BLEP (the ideal wave convolved with the kernel
    // before sampling, so harmonic k keeps 1/k times sinc⁴(k f0/sr)): harmonic 9
    // (22401 Hz, folding to 21699 Hz) is at 20 log10(1/9) = -19.1 dB in the naive wave
    // and sinc⁴(0.508) = -16.3 dB lower here, -35.4 dB; the first alias below 15 kHz
    // comes from harmonic 12 (saw, 29868 Hz), 20 log10(sinc⁴(0.677)/12) = -53.5 dB.
    let f0 = 2489.0;
    let n = 44_100;
    let naive_saw: Vec<f32> = (0..n)
        .map(|i| (2.0 * (f0 * i as f64 / SRD).fract() - 1.0) as f32)
        .collect();
    let naive_square: Vec<f32> = (0..n)
        .map(|i| {
            if (f0 * i as f64 / SRD).fract() < 0.5 {
                1.0
            } else {
                -1.0
            }
        })
        .collect();
    for (kind, naive) in [("saw", naive_saw), ("square", naive_square)] {
        let x = render_osc(kind, f0 as f32, 0.5, n);
        let (peak, audible, total) = alias_report(&x, f0);
        let (naive_peak, naive_audible, naive_total) = alias_report(&naive, f0);
        eprintln!(
            "{kind}: strongest alias {peak:.1} dB, below 15 kHz {audible:.1} dB, all \
             aliases {total:.1} dB; naive {naive_peak:.1}, {naive_audible:.1}, {naive_total:.1} dB"
        );
        assert!(peak < -33.0, "{kind}: strongest alias {peak:.1} dB");
        assert!(
            audible < -50.0,
            "{kind}: strongest alias below 15 kHz {audible:.1} dB"
        );
        assert!(total < -30.0, "{kind}: total alias power {total:.1} dB");
        assert!(
            peak < naive_peak - 14.0,
            "{kind}: {peak:.1} vs naive {naive_peak:.1}"
        );
        assert!(
            audible < naive_audible - 25.0,
            "{kind}: {audible:.1} vs {naive_audible:.1}"
        );
        assert!(
            total < naive_total - 15.0,
            "{kind}: {total:.1} vs naive {naive_total:.1}"
        );
    }
}

#[test]
fn tri_aliasing_is_small() {
    // Harmonic 9 is at 20 log10(1/81) = -38.2 dB in the naive triangle, and the
    // B-spline takes off another 16.3 dB: -54.5 dB.
    let f0 = 2489.0;
    let x = render_osc("tri", f0 as f32, 0.5, 44_100);
    let (peak, audible, total) = alias_report(&x, f0);
    eprintln!("tri: strongest alias {peak:.1} dB, below 15 kHz {audible:.1}, all {total:.1} dB");
    assert!(
        peak < -52.0 && audible < -70.0 && total < -50.0,
        "{peak:.1} {audible:.1} {total:.1}"
    );
}

#[test]
fn impulse_fires_once_per_cycle() {
    // sr/64: the increment 1/64 is exact, so the ones are exactly every 64 samples.
    let x = render_osc("impulse", SR / 64.0, 0.5, 1000);
    for (i, &v) in x.iter().enumerate() {
        let want = if i % 64 == 0 { 1.0 } else { 0.0 };
        assert_eq!(v, want, "sample {i}");
    }
    // sr/100: ones 100 samples apart, the first at 0 (f32 rounding may move a wrap
    // by one sample, never more, and never adds or drops one).
    let x = render_osc("impulse", SR / 100.0, 0.5, 10_000);
    let ones: Vec<usize> = (0..x.len()).filter(|&i| x[i] == 1.0).collect();
    assert!(x.iter().all(|&v| v == 0.0 || v == 1.0));
    assert_eq!(ones[0], 0);
    assert_eq!(ones.len(), 100, "{ones:?}");
    for w in ones.windows(2) {
        assert!((99..=101).contains(&(w[1] - w[0])), "{ones:?}");
    }
    // Backwards: still one per cycle.
    let x = render_osc("impulse", -SR / 64.0, 0.5, 1000);
    let ones: Vec<usize> = (0..x.len()).filter(|&i| x[i] == 1.0).collect();
    assert_eq!(ones.len(), 16, "{ones:?}");
    for w in ones.windows(2) {
        assert_eq!(w[1] - w[0], 64, "{ones:?}");
    }
    // 0 Hz: the single impulse of the fresh oscillator.
    let x = render_osc("impulse", 0.0, 0.5, 300);
    assert_eq!(x.iter().sum::<f32>(), 1.0);
    assert_eq!(x[0], 1.0);
}

#[test]
fn white_noise_is_uniform_and_deterministic() {
    let n = 200_000;
    let mut x = vec![0.0; n];
    noise(&mut Noise::new(12345), &mut x);
    assert!(x.iter().all(|&v| (-1.0..1.0).contains(&v)));
    // Standard error of the mean: sqrt(1/3 / n) = 0.0013; of the variance about 0.0007.
    let m = mean(&x);
    let var = mean_square(&x) - m * m;
    assert!(m.abs() < 0.007, "mean {m}");
    assert!((var - 1.0 / 3.0).abs() < 0.005, "variance {var}");
    // White: lag-1 and lag-2 correlation near 0 (standard error 1/sqrt(n) = 0.0022).
    for lag in [1, 2, 7] {
        let r: f64 = x
            .iter()
            .zip(&x[lag..])
            .map(|(&a, &b)| a as f64 * b as f64)
            .sum::<f64>()
            / (n - lag) as f64
            / var;
        assert!(r.abs() < 0.012, "autocorrelation at lag {lag}: {r}");
    }
    // Halves of the range equally filled.
    let neg = x.iter().filter(|&&v| v < 0.0).count() as f64 / n as f64;
    assert!((neg - 0.5).abs() < 0.006, "{neg}");
    // Deterministic per seed; seeds differ; seed 0 works.
    let mut y = vec![0.0; n];
    noise(&mut Noise::new(12345), &mut y);
    assert_eq!(x, y);
    noise(&mut Noise::new(54321), &mut y);
    assert_ne!(x, y);
    let mut z = vec![0.0; 1000];
    noise(&mut Noise::new(0), &mut z);
    assert!(
        z.iter().filter(|&&v| v != z[0]).count() > 990,
        "seed 0 is stuck"
    );
    let zm = mean_square(&z);
    assert!((zm - 1.0 / 3.0).abs() < 0.06, "seed 0 variance {zm}");
}

#[test]
fn pink_noise_falls_3_db_per_octave() {
    let seg = 4096;
    let segs = 48;
    let mut x = vec![0.0; seg * segs];
    pink(&mut Pink::new(7), &mut x);
    let peak = x.iter().fold(0.0f32, |m, &v| m.max(v.abs()));
    eprintln!("pink: peak {peak}, rms {}", mean_square(&x).sqrt());
    assert!((0.5..1.6).contains(&peak), "peak {peak}");
    // Averaged periodogram (Hann window).
    let mut psd = vec![0.0f64; seg / 2];
    for s in 0..segs {
        let mut re: Vec<f64> = (0..seg)
            .map(|i| {
                let w = 0.5 - 0.5 * (2.0 * PI * i as f64 / seg as f64).cos();
                x[s * seg + i] as f64 * w
            })
            .collect();
        let mut im = vec![0.0; seg];
        fft(&mut re, &mut im);
        for (k, p) in psd.iter_mut().enumerate() {
            *p += re[k] * re[k] + im[k] * im[k];
        }
    }
    // Mean power density per octave band, 100 Hz .. 12.8 kHz.
    let bin = SRD / seg as f64;
    let bands: Vec<f64> = (0..7)
        .map(|j| {
            let (lo, hi) = (100.0 * 2f64.powi(j), 100.0 * 2f64.powi(j + 1));
            let bins: Vec<f64> = (0..seg / 2)
                .filter(|&k| k as f64 * bin >= lo && (k as f64 * bin) < hi)
                .map(|k| psd[k])
                .collect();
            10.0 * (bins.iter().sum::<f64>() / bins.len() as f64).log10()
        })
        .collect();
    // Least-squares slope of dB against octave index.
    let nb = bands.len() as f64;
    let mx = (nb - 1.0) / 2.0;
    let my = bands.iter().sum::<f64>() / nb;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (j, &b) in bands.iter().enumerate() {
        sxy += (j as f64 - mx) * (b - my);
        sxx += (j as f64 - mx).powi(2);
    }
    let slope = sxy / sxx;
    eprintln!("pink: band levels {bands:.2?}, slope {slope:.3} dB/octave");
    assert!((slope + 3.01).abs() < 0.3, "slope {slope}");
    for w in bands.windows(2) {
        let step = w[1] - w[0];
        assert!((step + 3.01).abs() < 1.0, "octave step {step} in {bands:?}");
    }
    // Deterministic per seed.
    let mut y = vec![0.0; 1000];
    pink(&mut Pink::new(7), &mut y);
    assert_eq!(&x[..1000], &y[..]);
}

// ---------------------------------------------------------------------------------
// Filters.

/// Steady-state complex gain of a filter at `f` Hz (a multiple of 10 Hz): feed a sine
/// of amplitude `a`, let it settle for `settle` samples, measure over 0.1 s (4410
/// samples, an exact number of cycles).
fn measure_gain(f: f64, a: f64, settle: usize, mut run: impl FnMut(&[f32], &mut [f32])) -> f64 {
    let n = settle + 4410;
    let x = test_sine(f, a, n);
    let mut y = vec![0.0; n];
    // In blocks of 512, as the engine calls it.
    for (xi, yi) in x.chunks(512).zip(y.chunks_mut(512)) {
        run(xi, yi);
    }
    amp(&y[settle..], f) / amp(&x[settle..], f)
}

/// The analog SVF prototypes at normalised frequency w (s = jw).
fn svf_prototype(mode: SvfMode, w: f64, q: f64) -> f64 {
    let (dr, di) = (1.0 - w * w, w / q); // s² + s/q + 1
    let den = dr.hypot(di);
    let num = match mode {
        SvfMode::Low => 1.0,
        SvfMode::High => w * w,
        SvfMode::Band => w / q,
        SvfMode::Notch => (1.0 - w * w).abs(),
    };
    num / den
}

/// The bilinear transform's frequency warping: the analog frequency (normalised to
/// the cutoff) whose response the digital filter has at `f`.
fn prewarped(f: f64, fc: f64) -> f64 {
    (PI * f / SRD).tan() / (PI * fc / SRD).tan()
}

#[test]
fn svf_matches_the_analog_prototype() {
    let fc = 1000.0;
    for mode in [SvfMode::Low, SvfMode::High, SvfMode::Band, SvfMode::Notch] {
        for q in [0.5, 0.707, 2.0, 8.0] {
            for f in [250.0, 500.0, 1000.0, 2000.0, 4000.0] {
                let mut s = Svf::new(SR);
                let got = measure_gain(f, 1.0, 8820, |x, y| {
                    let n = x.len();
                    svf(&mut s, mode, x, &vec![fc as f32; n], &vec![q as f32; n], y)
                });
                let want = svf_prototype(mode, prewarped(f, fc), q);
                // Exact up to f32 rounding and approx::tan_pi: 0.02 dB, or 1e-4
                // absolute near the notch's zero.
                assert!(
                    (got - want).abs() < 0.0023 * want + 1e-4,
                    "{mode:?} q {q} f {f}: {got} vs {want} ({:.3} dB)",
                    db(got / want)
                );
            }
        }
    }
    // The textbook numbers: LP with q = 0.707 is -3.01 dB at the cutoff; BP is 0 dB.
    let mut s = Svf::new(SR);
    let lp = measure_gain(fc, 1.0, 8820, |x, y| {
        let n = x.len();
        svf(
            &mut s,
            SvfMode::Low,
            x,
            &vec![1000.0; n],
            &vec![0.707; n],
            y,
        )
    });
    assert!((db(lp) + 3.01).abs() < 0.02, "{}", db(lp));
    let mut s = Svf::new(SR);
    let bp = measure_gain(fc, 1.0, 8820, |x, y| {
        let n = x.len();
        svf(&mut s, SvfMode::Band, x, &vec![1000.0; n], &vec![5.0; n], y)
    });
    assert!(db(bp).abs() < 0.02, "{}", db(bp));
    // Far below the prewarped region the plain analog formula holds too.
    let mut s = Svf::new(SR);
    let g = measure_gain(250.0, 1.0, 8820, |x, y| {
        let n = x.len();
        svf(
            &mut s,
            SvfMode::High,
            x,
            &vec![1000.0; n],
            &vec![0.707; n],
            y,
        )
    });
    let analog = svf_prototype(SvfMode::High, 0.25, 0.707);
    assert!((db(g / analog)).abs() < 0.1, "{g} vs {analog}");
}

#[test]
fn svf_survives_wild_audio_rate_cutoff_sweeps() {
    let n = 44_100;
    let mut white = vec![0.0; n];
    noise(&mut Noise::new(3), &mut white);
    let sawin = render_osc("saw", 110.0, 0.5, n);
    // A 3 kHz sinusoidal sweep over 20 Hz..20 kHz (exponential), and random jumps.
    let sweep: Vec<f32> = (0..n)
        .map(|i| {
            (20.0 * 1000f64.powf(0.5 + 0.5 * (2.0 * PI * 3000.0 * i as f64 / SRD).sin())) as f32
        })
        .collect();
    let mut jumps = vec![0.0; n];
    noise(&mut Noise::new(99), &mut jumps);
    let jumps: Vec<f32> = jumps
        .iter()
        .map(|&u| 20.0 * 1000f32.powf(0.5 + 0.5 * u))
        .collect();
    for mode in [SvfMode::Low, SvfMode::High, SvfMode::Band, SvfMode::Notch] {
        for q in [0.707f32, 10.0, 50.0] {
            for cut in [&sweep, &jumps] {
                for input in [&white, &sawin] {
                    let mut s = Svf::new(SR);
                    let mut y = vec![0.0; n];
                    svf(&mut s, mode, input, cut, &vec![q; n], &mut y);
                    let peak = y.iter().fold(0.0f32, |m, &v| m.max(v.abs()));
                    // No blow-up: finite, within a generous multiple of the static peak
                    // gain (about q for LP/HP, 1 for the normalised BP, 1 for the
                    // notch), and not growing: the last quarter second peaks no higher
                    // than twice the first.
                    let quarter = |r: std::ops::Range<usize>| {
                        y[r].iter().fold(0.0f32, |m, &v| m.max(v.abs()))
                    };
                    let (first, last) = (quarter(0..n / 4), quarter(3 * n / 4..n));
                    assert!(
                        peak.is_finite() && peak < 20.0 * q.max(1.0) && last <= 2.0 * first,
                        "{mode:?} q {q}: peak {peak}, first {first}, last {last}"
                    );
                }
            }
        }
    }
}

/// The analog ladder `1 / ((1 + s)^4 + k)` at s = jw.
fn ladder_prototype(w: f64, k: f64) -> f64 {
    // (1 + jw)^4 = 1 - 6w² + w⁴ + j(4w - 4w³)
    let re = 1.0 - 6.0 * w * w + w.powi(4) + k;
    let im = 4.0 * w - 4.0 * w.powi(3);
    1.0 / re.hypot(im)
}

fn moog_gain(f: f64, fc: f32, res: f32, a: f64) -> f64 {
    let mut s = Moog::new(SR);
    measure_gain(f, a, 8820, |x, y| {
        let n = x.len();
        moog(&mut s, x, &vec![fc; n], &vec![res; n], y)
    })
}

#[test]
fn moog_is_a_four_pole_ladder() {
    let fc = 1000.0;
    // Linear region (input 1e-3): the bilinear transform of the analog ladder.
    for res in [0.0f32, 0.5, 0.9] {
        for f in [100.0, 500.0, 1000.0, 2000.0, 4000.0, 8000.0] {
            let got = moog_gain(f, fc, res, 1e-3);
            let want = ladder_prototype(prewarped(f, fc as f64), 4.0 * res as f64);
            assert!(
                db(got / want).abs() < 0.05,
                "res {res} f {f}: {:.3} dB vs {:.3} dB",
                db(got),
                db(want)
            );
        }
    }
    // The textbook numbers, independent of the prototype: four poles at -3 dB each.
    let at_fc = db(moog_gain(1000.0, fc, 0.0, 1e-3));
    assert!((at_fc + 12.04).abs() < 0.1, "{at_fc}");
    let slope = db(moog_gain(8000.0, fc, 0.0, 1e-3)) - db(moog_gain(4000.0, fc, 0.0, 1e-3));
    assert!((-27.0..-22.0).contains(&slope), "{slope} dB/octave");
    let pass = db(moog_gain(100.0, fc, 0.0, 1e-3));
    assert!(pass.abs() < 0.2, "passband {pass}");
    // Resonance 0.9: a peak at the cutoff, well above both neighbours and the passband.
    let peak = db(moog_gain(1000.0, fc, 0.9, 1e-3));
    for f in [100.0, 500.0, 2000.0] {
        let g = db(moog_gain(f, fc, 0.9, 1e-3));
        assert!(peak > g + 6.0, "peak {peak} vs {g} at {f}");
    }
    assert!(peak > 5.0, "{peak}");
}

#[test]
fn moog_self_oscillates_above_resonance_1_and_stays_bounded() {
    let n = 44_100;
    let mut x = vec![0.0f32; n];
    x[0] = 0.01;
    let mut s = Moog::new(SR);
    let mut y = vec![0.0; n];
    moog(&mut s, &x, &vec![1000.0; n], &vec![1.1; n], &mut y);
    let tail = &y[n / 2..];
    let rms = mean_square(tail).sqrt();
    let peak = tail.iter().fold(0.0f32, |m, &v| m.max(v.abs()));
    assert!(rms > 0.05 && peak < 2.0, "rms {rms} peak {peak}");
    // It rings at the cutoff: count rising zero crossings over half a second.
    let crossings = tail
        .windows(2)
        .filter(|w| w[0] < 0.0 && w[1] >= 0.0)
        .count();
    assert!(
        (480..=520).contains(&crossings),
        "{crossings} cycles in 0.5 s"
    );
    // At resonance 0.9 the same kick dies away.
    let mut s = Moog::new(SR);
    moog(&mut s, &x, &vec![1000.0; n], &vec![0.9; n], &mut y);
    assert!(y[n / 2..].iter().all(|v| v.abs() < 1e-6));
}

#[test]
fn moog_stays_bounded_under_wild_modulation_and_loud_input() {
    let n = 44_100;
    let mut white = vec![0.0; n];
    noise(&mut Noise::new(5), &mut white);
    let loud: Vec<f32> = white.iter().map(|v| v * 1000.0).collect();
    let mut u = vec![0.0; n];
    noise(&mut Noise::new(6), &mut u);
    let cut: Vec<f32> = u
        .iter()
        .map(|&u| 20.0 * 1000f32.powf(0.5 + 0.5 * u))
        .collect();
    let res: Vec<f32> = u.iter().map(|&u| 0.6 + 0.6 * u).collect();
    for input in [&white, &loud] {
        let mut s = Moog::new(SR);
        let mut y = vec![0.0; n];
        moog(&mut s, input, &cut, &res, &mut y);
        let peak = y.iter().fold(0.0f32, |m, &v| m.max(v.abs()));
        assert!(peak.is_finite() && peak < 10.0, "{peak}");
    }
}

// ---------------------------------------------------------------------------------
// Blocks, robustness.

/// Every kernel as one closure over (state-holding) buffers: `render(range)` renders
/// frames `range` of fixed per-sample parameter signals.
type Kernel = Box<dyn FnMut(std::ops::Range<usize>, &mut [f32])>;

fn kernels(n: usize) -> Vec<(&'static str, Kernel)> {
    let freq: Vec<f32> = (0..n)
        .map(|i| 300.0 + 250.0 * (i as f32 * 0.01).sin())
        .collect();
    let negf: Vec<f32> = freq.iter().map(|f| -3.0 * f).collect();
    let width: Vec<f32> = (0..n)
        .map(|i| 0.5 + 0.4 * (i as f32 * 0.003).sin())
        .collect();
    let input = test_sine(220.0, 0.8, n);
    let cutoff: Vec<f32> = (0..n)
        .map(|i| 2000.0 + 1900.0 * (i as f32 * 0.05).sin())
        .collect();
    let q: Vec<f32> = (0..n)
        .map(|i| 1.0 + 4.0 * (i as f32 * 0.002).cos().abs())
        .collect();
    let res: Vec<f32> = (0..n)
        .map(|i| 0.5 + 0.5 * (i as f32 * 0.004).sin())
        .collect();
    let mut v: Vec<(&'static str, Kernel)> = Vec::new();
    macro_rules! osc {
        ($name:expr, $f:expr, $freq:expr) => {{
            let mut s = Osc::new(SR);
            let fr = $freq.clone();
            v.push(($name, Box::new(move |r, out| $f(&mut s, &fr[r], out))));
        }};
    }
    osc!("sine", sine, freq);
    osc!("saw", saw, freq);
    osc!("saw backwards", saw, negf);
    osc!("tri", tri, freq);
    osc!("impulse", impulse, negf);
    osc!("impulse fwd", impulse, freq);
    {
        let mut s = Osc::new(SR);
        let (fr, w) = (freq.clone(), width.clone());
        v.push((
            "square",
            Box::new(move |r: std::ops::Range<usize>, out: &mut [f32]| {
                square(&mut s, &fr[r.clone()], &w[r], out)
            }),
        ));
    }
    {
        let mut s = Noise::new(42);
        v.push(("noise", Box::new(move |_, out| noise(&mut s, out))));
    }
    {
        let mut s = Pink::new(42);
        v.push(("pink", Box::new(move |_, out| pink(&mut s, out))));
    }
    for mode in [SvfMode::Low, SvfMode::High, SvfMode::Band, SvfMode::Notch] {
        let mut s = Svf::new(SR);
        let (x, c, q) = (input.clone(), cutoff.clone(), q.clone());
        v.push((
            "svf",
            Box::new(move |r: std::ops::Range<usize>, out: &mut [f32]| {
                svf(&mut s, mode, &x[r.clone()], &c[r.clone()], &q[r], out)
            }),
        ));
    }
    {
        let mut s = Moog::new(SR);
        let (x, c, k) = (input.clone(), cutoff.clone(), res.clone());
        v.push((
            "moog",
            Box::new(move |r: std::ops::Range<usize>, out: &mut [f32]| {
                moog(&mut s, &x[r.clone()], &c[r.clone()], &k[r], out)
            }),
        ));
    }
    v
}

#[test]
fn any_split_into_blocks_gives_the_same_samples() {
    let n = 1000;
    let sizes = [1, 3, 250, 7, 511, 99, 129];
    assert_eq!(sizes.iter().sum::<usize>(), n);
    let whole: Vec<Vec<f32>> = kernels(n)
        .into_iter()
        .map(|(_, mut k)| {
            let mut out = vec![0.0; n];
            k(0..n, &mut out);
            out
        })
        .collect();
    for ((name, mut k), want) in kernels(n).into_iter().zip(whole) {
        let mut out = vec![0.0; n];
        let mut at = 0;
        for len in sizes {
            k(at..at + len, &mut out[at..at + len]);
            at += len;
        }
        assert_eq!(out, want, "{name}");
        assert!(out.iter().any(|&v| v != 0.0), "{name} is silent");
    }
}

const NASTY: [f32; 12] = [
    f32::NAN,
    f32::INFINITY,
    f32::NEG_INFINITY,
    1e30,
    -1e30,
    0.0,
    -5.0,
    1e-30,
    f32::MAX,
    f32::MIN,
    -0.0,
    f32::MIN_POSITIVE,
];

#[test]
fn nasty_parameters_give_finite_output_and_no_panic() {
    let n = 600;
    // Every nasty value held for a while, and alternating every sample.
    let held: Vec<f32> = (0..n).map(|i| NASTY[(i / 50) % NASTY.len()]).collect();
    let flicker: Vec<f32> = (0..n).map(|i| NASTY[i % NASTY.len()]).collect();
    let input = test_sine(440.0, 1.0, n);
    for p in [&held, &flicker] {
        let mut out = vec![0.0; n];
        let mut o = Osc::new(SR);
        sine(&mut o, p, &mut out);
        assert!(out.iter().all(|v| v.abs() <= 1.0), "sine");
        saw(&mut o, p, &mut out);
        assert!(out.iter().all(|v| v.abs() <= 2.0), "saw {out:?}");
        tri(&mut o, p, &mut out);
        assert!(out.iter().all(|v| v.abs() <= 3.0), "tri {out:?}");
        impulse(&mut o, p, &mut out);
        assert!(out.iter().all(|&v| v == 0.0 || v == 1.0), "impulse");
        square(&mut o, p, p, &mut out);
        assert!(out.iter().all(|v| v.abs() <= 3.0), "square {out:?}");
        square(&mut o, &input, p, &mut out);
        assert!(out.iter().all(|v| v.abs() <= 3.0), "square width {out:?}");
        assert!((0.0..1.0).contains(&o.phase));
        for mode in [SvfMode::Low, SvfMode::High, SvfMode::Band, SvfMode::Notch] {
            let mut s = Svf::new(SR);
            svf(&mut s, mode, &input, p, p, &mut out);
            assert!(out.iter().all(|v| v.is_finite()), "svf {mode:?}");
            svf(&mut s, mode, &input, p, &input, &mut out);
            assert!(out.iter().all(|v| v.is_finite()), "svf {mode:?} q");
            svf(&mut s, mode, &input, &input, p, &mut out);
            assert!(out.iter().all(|v| v.is_finite()), "svf {mode:?} cutoff");
        }
        let mut m = Moog::new(SR);
        moog(&mut m, &input, p, p, &mut out);
        assert!(out.iter().all(|v| v.is_finite()), "moog");
        moog(&mut m, &input, &input, p, &mut out);
        assert!(out.iter().all(|v| v.is_finite()), "moog res");
    }
    // Nasty sample rates, a nasty phase, empty and mismatched slices.
    for sr in [0.0, -1.0, f32::NAN, f32::INFINITY] {
        let mut o = Osc::new(sr);
        let mut out = vec![0.0; 10];
        saw(&mut o, &[440.0; 10], &mut out);
        assert!(out.iter().all(|v| v.is_finite()));
        let mut s = Svf::new(sr);
        svf(
            &mut s,
            SvfMode::Low,
            &[1.0; 10],
            &[440.0; 10],
            &[1.0; 10],
            &mut out,
        );
        assert!(out.iter().all(|v| v.is_finite()));
        let mut m = Moog::new(sr);
        moog(&mut m, &[1.0; 10], &[440.0; 10], &[1.0; 10], &mut out);
        assert!(out.iter().all(|v| v.is_finite()));
    }
    let mut o = Osc::new(SR);
    o.phase = f32::NAN;
    let mut out = vec![0.0; 10];
    saw(&mut o, &[440.0; 10], &mut out);
    assert!(out.iter().all(|v| v.is_finite()) && (0.0..1.0).contains(&o.phase));
    sine(&mut o, &[], &mut []);
    sine(&mut o, &[440.0; 3], &mut out);
    let mut s = Svf::new(SR);
    svf(
        &mut s,
        SvfMode::Low,
        &[1.0; 4],
        &[440.0; 2],
        &[1.0; 10],
        &mut out,
    );
}

#[test]
fn a_non_finite_input_does_not_poison_the_filter_for_ever() {
    let mut s = Svf::new(SR);
    let mut m = Moog::new(SR);
    let mut out = vec![0.0; 64];
    let bad: Vec<f32> = (0..64)
        .map(|i| if i == 10 { f32::NAN } else { 0.5 })
        .collect();
    svf(
        &mut s,
        SvfMode::Low,
        &bad,
        &[500.0; 64],
        &[1.0; 64],
        &mut out,
    );
    moog(&mut m, &bad, &[500.0; 64], &[0.5; 64], &mut out);
    let good = [0.5f32; 64];
    svf(
        &mut s,
        SvfMode::Low,
        &good,
        &[500.0; 64],
        &[1.0; 64],
        &mut out,
    );
    assert!(out.iter().all(|v| v.is_finite()));
    moog(&mut m, &good, &[500.0; 64], &[0.5; 64], &mut out);
    assert!(out.iter().all(|v| v.is_finite()));
}
