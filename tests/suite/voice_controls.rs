//! The per-voice controls of the voice pool (issue 14), against computations made
//! here: filter responses from the analog prototypes (the impulse response's DFT),
//! the vowel table's formants, the waveshaper and quantiser formulas, the glide's
//! frequency, the envelope's levels at exact frames, the sends.

use phonon::samples::{Sample, SampleBank, SampleId};
use phonon::voices::chain::{VoiceFx, Vowel};
use phonon::voices::sends::Sends;
use phonon::voices::start::{orbit_index, Adsr, SendSpec, Source};
use phonon::voices::{VoicePool, VoiceStart};

const RATE: u32 = 48000;
const BLOCK: usize = 512;
/// The gain of a centred mono voice (equal power).
const CENTRE: f32 = std::f32::consts::FRAC_1_SQRT_2;

fn bank_with(name: &str, data: Vec<f32>) -> (SampleBank, SampleId) {
    let mut bank = SampleBank::empty(RATE);
    bank.insert(name, vec![Sample::mono(data)]);
    let id = bank.find(name, 0.0).unwrap();
    (bank, id)
}

/// Renders `starts` for `frames` frames in blocks of [`BLOCK`], each start queued in
/// the block holding its offset (an absolute frame here). Also returns every
/// block's sends to orbit `orbit`'s room, left channel, concatenated.
fn render(
    bank: &SampleBank,
    starts: &[VoiceStart],
    frames: usize,
    orbit: usize,
) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let mut pool = VoicePool::new(64, RATE);
    let mut sends = Sends::new(BLOCK);
    let (mut l, mut r, mut room) = (vec![0.0; frames], vec![0.0; frames], vec![0.0; frames]);
    let mut t = 0;
    while t < frames {
        let n = BLOCK.min(frames - t);
        for s in starts {
            if (t..t + n).contains(&s.offset) {
                pool.start(VoiceStart {
                    offset: s.offset - t,
                    ..*s
                });
            }
        }
        sends.clear();
        pool.render(bank, &mut l[t..t + n], &mut r[t..t + n], &mut sends);
        room[t..t + n].copy_from_slice(&sends.orbits[orbit].room[0][..n]);
        t += n;
    }
    (l, r, room)
}

/// |X(f)| of `x` at `f` Hz (a single-bin DFT).
fn dft_mag(x: &[f32], f: f64) -> f64 {
    let w = 2.0 * std::f64::consts::PI * f / RATE as f64;
    let (mut re, mut im) = (0.0, 0.0);
    for (i, &v) in x.iter().enumerate() {
        re += v as f64 * (w * i as f64).cos();
        im -= v as f64 * (w * i as f64).sin();
    }
    (re * re + im * im).sqrt()
}

/// The magnitude at `f` of the analog two-pole prototype of `kind` ("low", "high",
/// "band": unity peak) at `fc` and `q`, through the bilinear transform prewarped at
/// `fc` (what a trapezoidal SVF is).
fn prototype(kind: &str, fc: f64, q: f64, f: f64) -> f64 {
    prototype_complex(kind, fc, q, f)
        .0
        .hypot(prototype_complex(kind, fc, q, f).1)
}

fn prototype_complex(kind: &str, fc: f64, q: f64, f: f64) -> (f64, f64) {
    let pi = std::f64::consts::PI;
    let w = (pi * f / RATE as f64).tan() / (pi * fc / RATE as f64).tan();
    // s = jw; denominator s² + s/q + 1 = (1 - w²) + j w/q.
    let (dr, di) = (1.0 - w * w, w / q);
    let (nr, ni) = match kind {
        "low" => (1.0, 0.0),
        "high" => (-w * w, 0.0),
        _ => (0.0, w / q),
    };
    let d = dr * dr + di * di;
    ((nr * dr + ni * di) / d, (ni * dr - nr * di) / d)
}

/// A one-frame impulse followed by silence: the voice's output is its chain's
/// impulse response times the centre gain.
fn impulse() -> Vec<f32> {
    let mut x = vec![0.0; 16384];
    x[0] = 1.0;
    x
}

fn impulse_response(fx: VoiceFx) -> Vec<f32> {
    let (bank, id) = bank_with("imp", impulse());
    let v = VoiceStart {
        fx,
        ..VoiceStart::new(id, 0)
    };
    let (l, r, _) = render(&bank, &[v], 16384, 0);
    assert_eq!(l, r, "a centred mono voice is the same in both channels");
    l.iter().map(|x| x / CENTRE).collect()
}

#[test]
fn per_voice_filters_have_superdirts_responses() {
    // resonance 0: q = 1000^0 = 1; resonance 0.25: q = 1000^0.25.
    let cases = [
        (
            "low",
            800.0,
            0.0,
            VoiceFx {
                cutoff: Some(800.0),
                ..VoiceFx::default()
            },
        ),
        (
            "low",
            3000.0,
            0.25,
            VoiceFx {
                cutoff: Some(3000.0),
                resonance: Some(0.25),
                ..VoiceFx::default()
            },
        ),
        (
            "high",
            2000.0,
            0.1,
            VoiceFx {
                hcutoff: Some(2000.0),
                hresonance: Some(0.1),
                ..VoiceFx::default()
            },
        ),
    ];
    for (kind, fc, res, fx) in cases {
        let q = 1000f64.powf(res);
        let h = impulse_response(fx);
        for f in [100.0, 500.0, 800.0, 1500.0, 3000.0, 6000.0, 12000.0] {
            let want = prototype(kind, fc, q, f);
            let got = dft_mag(&h, f);
            assert!(
                (got - want).abs() < 1e-3 + 1e-3 * want,
                "{kind} {fc} Hz q {q}: |H({f})| = {got}, prototype {want}"
            );
        }
    }
    // Band-pass: BPF(bandf, 1/bandq) * bandq, bandq at least 1.
    let h = impulse_response(VoiceFx {
        bandf: Some(1000.0),
        bandq: Some(4.0),
        ..VoiceFx::default()
    });
    for f in [200.0, 800.0, 1000.0, 1300.0, 5000.0] {
        let want = 4.0 * prototype("band", 1000.0, 4.0, f);
        let got = dft_mag(&h, f);
        assert!(
            (got - want).abs() < 1e-3 * (1.0 + want),
            "band |H({f})| = {got}, want {want}"
        );
    }
}

#[test]
fn cutoff_per_event_moves_the_spectrum_between_consecutive_voices() {
    // White noise (a fixed LCG), two voices one after the other, cutoff 400 then 6000.
    let mut seed = 1u32;
    let noise: Vec<f32> = (0..8192)
        .map(|_| {
            seed = seed.wrapping_mul(1664525).wrapping_add(1013904223);
            (seed >> 8) as f32 / (1u32 << 23) as f32 - 1.0
        })
        .collect();
    let (bank, id) = bank_with("noise", noise);
    let first = VoiceStart {
        fx: VoiceFx {
            cutoff: Some(400.0),
            ..VoiceFx::default()
        },
        ..VoiceStart::new(id, 0)
    };
    let second = VoiceStart {
        offset: 8192,
        fx: VoiceFx {
            cutoff: Some(6000.0),
            ..VoiceFx::default()
        },
        ..VoiceStart::new(id, 0)
    };
    let (l, _, _) = render(&bank, &[first, second], 16384, 0);
    // Mean power over bins of a band, from a DFT of each voice's frames.
    let band = |x: &[f32], lo: f64, hi: f64| {
        let bins: Vec<f64> = (0..16).map(|k| lo + (hi - lo) * k as f64 / 15.0).collect();
        bins.iter().map(|&f| dft_mag(x, f).powi(2)).sum::<f64>() / bins.len() as f64
    };
    let (a, b) = (&l[..8192], &l[8192..]);
    let ratio_a = band(a, 3000.0, 5000.0) / band(a, 50.0, 200.0);
    let ratio_b = band(b, 3000.0, 5000.0) / band(b, 50.0, 200.0);
    // Low-pass at 400 Hz, q 1: |H(4 kHz)|² is about (400/4000)^4 = 1e-4.
    assert!(ratio_a < 1e-2, "cutoff 400 leaves {ratio_a} of the highs");
    // At 6 kHz the band 3..5 kHz passes almost unchanged.
    assert!(
        ratio_b > 0.3,
        "cutoff 6000 keeps only {ratio_b} of the highs"
    );
}

#[test]
fn vowel_formants_peak_at_the_tables_frequencies() {
    // Resonance 1: rq_i = (bw_i / f_i) / 0.5, amplitudes 10^(dB/20) * 200, and the
    // crossfade all wet at level 0.25 (θ = π/2: cos θ ≈ 0).
    let h = impulse_response(VoiceFx {
        vowel: Some(Vowel::A),
        resonance: Some(1.0),
        ..VoiceFx::default()
    });
    let freqs = [660.0, 1120.0, 2750.0, 3000.0, 3350.0];
    let db = [0.0, -6.0, -23.0, -24.0, -38.0];
    let bw = [80.0, 90.0, 120.0, 130.0, 140.0];
    let theta = std::f64::consts::FRAC_PI_4 * 2.0;
    let expected = |f: f64| {
        let (mut re, mut im) = (0.25 * theta.cos(), 0.0);
        for i in 0..5 {
            let q = freqs[i] / bw[i] * 0.5;
            let amp = 10f64.powf(db[i] / 20.0) * 200.0 * 0.25 * theta.sin();
            let (a, b) = prototype_complex("band", freqs[i], q, f);
            re += amp * a;
            im += amp * b;
        }
        re.hypot(im)
    };
    for f in [300.0, 660.0, 880.0, 1120.0, 2000.0, 2750.0, 3350.0] {
        let (got, want) = (dft_mag(&h, f), expected(f));
        assert!(
            (got - want).abs() < 2e-3 * (1.0 + want),
            "|H({f})| = {got}, want {want}"
        );
    }
    // The first two formants are the spectrum's local peaks: near the table's
    // frequencies (the neighbouring bands' skirts move the summed peak a little),
    // and where the computed response peaks (on a 5 Hz grid).
    let peak = |m: &dyn Fn(f64) -> f64, lo: f64, hi: f64| {
        let mut best = (lo, 0.0);
        let mut f = lo;
        while f <= hi {
            let v = m(f);
            if v > best.1 {
                best = (f, v);
            }
            f += 5.0;
        }
        best.0
    };
    for (lo, hi, formant) in [(500.0, 880.0, 660.0), (900.0, 1600.0, 1120.0)] {
        let measured = peak(&|f| dft_mag(&h, f), lo, hi);
        let computed = peak(&expected, lo, hi);
        assert!(
            (measured - formant).abs() <= 30.0,
            "peak near {formant} found at {measured}"
        );
        assert!(
            (measured - computed).abs() <= 5.0,
            "peak at {measured}, computed {computed}"
        );
    }
}

/// A ramp from -1.2 to 1.2 over 4096 frames, through `fx`; returns (input, output)
/// with the centre gain taken out.
fn through(fx: VoiceFx) -> (Vec<f32>, Vec<f32>) {
    let ramp: Vec<f32> = (0..4096).map(|i| -1.2 + 2.4 * i as f32 / 4095.0).collect();
    let (bank, id) = bank_with("ramp", ramp.clone());
    let v = VoiceStart {
        fx,
        ..VoiceStart::new(id, 0)
    };
    let (l, _, _) = render(&bank, &[v], 4096, 0);
    (ramp, l.iter().map(|x| x / CENTRE).collect())
}

#[test]
fn shape_crush_and_coarse_follow_superdirts_formulas() {
    let (x, y) = through(VoiceFx {
        shape: Some(0.6),
        ..VoiceFx::default()
    });
    let k = 2.0 * 0.6 / (1.0 - 0.6f64);
    for (x, y) in x.iter().zip(&y) {
        let want = (1.0 + k) * *x as f64 / (1.0 + k * (*x as f64).abs());
        assert!(
            (*y as f64 - want).abs() < 1e-5,
            "shape({x}) = {y}, want {want}"
        );
    }
    // crush 4: rounded to multiples of 2^-3 (SuperDirt: round(0.5 ** (crush - 1))).
    let (x, y) = through(VoiceFx {
        crush: Some(4.0),
        ..VoiceFx::default()
    });
    for (x, y) in x.iter().zip(&y) {
        let want = (*x as f64 * 8.0).round() / 8.0;
        // Halfway points round up in SuperCollider; none of the ramp's values is one.
        assert!(
            (*y as f64 - want).abs() < 1e-5,
            "crush({x}) = {y}, want {want}"
        );
    }
    // coarse 5: frame i holds the input of frame 5 * floor(i / 5).
    let (x, y) = through(VoiceFx {
        coarse: Some(5.0),
        ..VoiceFx::default()
    });
    for (i, y) in y.iter().enumerate() {
        let want = x[i / 5 * 5];
        assert!(
            (y - want).abs() < 1e-6,
            "coarse frame {i}: {y}, want {want}"
        );
    }
}

/// Zero crossings (upwards) of `x` in `[a, b)` per second.
fn crossing_rate(x: &[f32], a: usize, b: usize) -> f64 {
    let ups = (a + 1..b)
        .filter(|&i| x[i - 1] < 0.0 && x[i] >= 0.0)
        .count();
    ups as f64 * RATE as f64 / (b - a) as f64
}

#[test]
fn accelerate_glides_from_speed_to_speed_times_one_plus_accelerate() {
    // A 500 Hz sine of 48000 frames with accelerate 1: the rate goes 1 -> 2 over the
    // voice, which lasts 48000 / 1.5 = 32000 frames (SuperDirt's average speed).
    let sine: Vec<f32> = (0..48000)
        .map(|i| (2.0 * std::f64::consts::PI * 500.0 * i as f64 / RATE as f64).sin() as f32)
        .collect();
    let (bank, id) = bank_with("sine", sine);
    let v = VoiceStart {
        accelerate: 1.0,
        ..VoiceStart::new(id, 0)
    };
    let (l, _, _) = render(&bank, &[v], 40000, 0);
    let len = 32000usize;
    assert!(
        l[len - 200..len].iter().any(|&x| x != 0.0),
        "sounds up to its end"
    );
    assert!(
        l[len..].iter().all(|&x| x == 0.0),
        "ends after {len} frames"
    );
    // Frequency at age t: 500 (1 + t / len); windows of 4800 frames.
    for start in [0usize, 13600, 27200] {
        let mid = (start + 2400) as f64;
        let want = 500.0 * (1.0 + mid / len as f64);
        let got = crossing_rate(&l, start, start + 4800);
        assert!((got - want).abs() < 15.0, "at {mid}: {got} Hz, want {want}");
    }
}

#[test]
fn hold_decay_and_sus_shape_the_envelope_at_exact_frames() {
    let (bank, id) = bank_with("dc", vec![1.0; 48000]);
    // 480-frame attack, 240 hold, 960 decay to 0.25, 4800-frame legato length, 480
    // release (ending at the length plus the 240-frame fade: len = 5040).
    let v = VoiceStart {
        attack: 0.01,
        release: 0.01,
        length: Some(4800.0),
        adsr: Adsr {
            hold: 0.005,
            decay: 0.02,
            sus: 0.25,
        },
        ..VoiceStart::new(id, 0)
    };
    let (l, _, _) = render(&bank, &[v], 6000, 0);
    let (a, h, d, s, len, rel) = (480.0, 240.0, 960.0, 0.25, 5040.0, 480.0);
    for (t, y) in l.iter().enumerate() {
        let t = t as f64;
        let want = if t < a {
            t / a
        } else if t < a + h {
            1.0
        } else if t < a + h + d {
            1.0 + (s - 1.0) * (t - a - h) / d
        } else if t < len - rel {
            s
        } else if t < len {
            s * (len - t) / rel
        } else {
            0.0
        };
        assert!(
            (*y as f64 / CENTRE as f64 - want).abs() < 1e-4,
            "frame {t}: {}, want {want}",
            y / CENTRE
        );
    }
}

#[test]
fn sustain_seconds_and_unit_c_set_the_length_in_frames() {
    let (bank, id) = bank_with("dc", vec![1.0; 48000]);
    // sustain 0.01 s = 480 frames, then the 240-frame fade: silent from frame 720.
    let v = VoiceStart {
        sustain: Some(0.01),
        length: Some(10000.0),
        ..VoiceStart::new(id, 0)
    };
    let (l, _, _) = render(&bank, &[v], 2000, 0);
    assert!(l[719] > 0.0 && l[..720].iter().all(|&x| x > 0.0));
    assert!(l[720..].iter().all(|&x| x == 0.0));
    // unit "c" with a cycle of 1000 frames: the 48000-frame sample plays in 1000.
    let v = VoiceStart {
        unit_cycle: Some(1000.0),
        ..VoiceStart::new(id, 0)
    };
    let (l, _, _) = render(&bank, &[v], 2000, 0);
    assert!(l[..1000].iter().all(|&x| x > 0.0));
    assert!(l[1000..].iter().all(|&x| x == 0.0));
}

#[test]
fn loop_repeats_the_slice() {
    let ramp: Vec<f32> = (0..1000).map(|i| i as f32 / 1000.0).collect();
    let (bank, id) = bank_with("ramp", ramp.clone());
    let v = VoiceStart {
        loops: 3.0,
        begin: 0.5,
        ..VoiceStart::new(id, 0)
    };
    let (l, _, _) = render(&bank, &[v], 2000, 0);
    // The slice [500, 1000) three times: 1500 frames.
    for (t, y) in l.iter().enumerate() {
        let want = if t < 1500 { ramp[500 + t % 500] } else { 0.0 };
        assert!(
            (y / CENTRE - want).abs() < 1e-6,
            "frame {t}: {}, want {want}",
            y / CENTRE
        );
    }
}

#[test]
fn room_sends_exactly_that_share_of_the_voice_to_its_orbit() {
    let ramp: Vec<f32> = (0..3000).map(|i| (i as f32 * 0.01).sin()).collect();
    let (bank, id) = bank_with("s", ramp);
    let sends = SendSpec {
        room: 0.5,
        orbit: 13 % 12,
        ..SendSpec::default()
    };
    let v = VoiceStart {
        offset: 700,
        pan: 0.3,
        sends,
        ..VoiceStart::new(id, 0)
    };
    let (l, _, room) = render(&bank, &[v], 4096, 1);
    assert!(l[700] != 0.0 || l[701] != 0.0);
    assert!(l[..700].iter().all(|&x| x == 0.0));
    for (t, (y, s)) in l.iter().zip(&room).enumerate() {
        assert_eq!(*s, y * 0.5, "frame {t}");
    }
    // The orbit parameters come from the event, onset frame included.
    let mut pool = VoicePool::new(4, RATE);
    let mut out = Sends::new(BLOCK);
    pool.start(VoiceStart { offset: 30, ..v });
    let (mut a, mut b) = (vec![0.0; BLOCK], vec![0.0; BLOCK]);
    pool.render(&bank, &mut a, &mut b, &mut out);
    assert_eq!(out.orbits[1].params, Some((30, v.sends.params)));
    assert!(out.orbits[1].active && !out.orbits[0].active);
    assert_eq!(orbit_index(13.7), 1);
    assert_eq!(orbit_index(-1.0), 11);
}

#[test]
fn every_voice_starts_on_its_exact_frame() {
    let (bank, id) = bank_with("dc", vec![1.0; 100]);
    let offsets = [3usize, 511, 512, 700, 1023, 1500];
    for &o in &offsets {
        for fx in [
            VoiceFx::default(),
            VoiceFx {
                cutoff: Some(20000.0),
                shape: Some(0.1),
                ..VoiceFx::default()
            },
        ] {
            let v = VoiceStart {
                offset: o,
                fx,
                ..VoiceStart::new(id, 0)
            };
            let (l, _, _) = render(&bank, &[v], 2048, 0);
            let first = l.iter().position(|&x| x != 0.0);
            assert_eq!(first, Some(o), "offset {o} with {fx:?}");
        }
    }
    // The source is what the start says.
    assert_eq!(VoiceStart::new(id, 0).source, Source::Sample(id));
}

#[test]
fn an_events_controls_become_the_voices_parameters() {
    use phonon::pattern::value::{Control, Controls, Scalar};
    use phonon::voices::EventFrames;
    let (bank, id) = bank_with("dc", vec![1.0; 100]);
    let mut c = Controls::new();
    let num = |x: f64| Scalar::Num(x);
    c.set(Control::S, Scalar::Word("dc".into()));
    c.set(Control::Gain, num(0.5));
    c.set(Control::Velocity, num(0.5));
    c.set(Control::Amp, num(0.8));
    c.set(Control::Cutoff, num(800.0));
    c.set(Control::Vowel, Scalar::Word("e".into()));
    c.set(Control::Decay, num(0.1));
    c.set(Control::Room, num(0.25));
    c.set(Control::Size, num(0.9));
    c.set(Control::Orbit, num(14.0));
    c.set(Control::Unit, Scalar::Word("c".into()));
    c.set(Control::Accelerate, num(-0.5));
    let at = EventFrames {
        offset: 9,
        event: 100.0,
        cycle: 4000.0,
    };
    let v = VoiceStart::from_event(&c, at, &bank).unwrap();
    assert_eq!(v.source, Source::Sample(id));
    assert_eq!(v.offset, 9);
    assert!((v.gain - 0.2).abs() < 1e-7, "gain x velocity x amp");
    assert_eq!(v.fx.cutoff, Some(800.0));
    assert_eq!(v.fx.vowel, Some(Vowel::E));
    // A decay without sus decays to silence.
    assert_eq!(
        v.adsr,
        Adsr {
            hold: 0.0,
            decay: 0.1,
            sus: 0.0
        }
    );
    assert_eq!(
        (v.sends.orbit, v.sends.room, v.sends.params.size),
        (2, 0.25, 0.9)
    );
    assert_eq!(v.unit_cycle, Some(4000.0));
    assert_eq!(v.accelerate, -0.5);
    assert!(!v.is_plain());
    // Without the new controls the start is plain.
    let mut plain = Controls::new();
    plain.set(Control::S, Scalar::Word("dc".into()));
    assert!(VoiceStart::from_event(&plain, at, &bank)
        .unwrap()
        .is_plain());
}
