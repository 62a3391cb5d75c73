//! The sample bank: the built-in kit's lengths, determinism, ends and spectral
//! character (against a DFT written here), folder loading with WAV files written by
//! hound into a temporary folder, and loading only the folders a patch names.

// Index loops read more plainly than iterator chains in these checks.
#![allow(clippy::needless_range_loop)]

use std::f64::consts::PI;
use std::fs;
use std::path::{Path, PathBuf};

use phonon::samples::{SampleBank, SampleError};

const NAMES: [&str; 11] = [
    "bd", "sn", "hh", "oh", "cp", "lt", "mt", "ht", "cb", "cr", "rim",
];

/// Magnitudes of the DFT of `x` (Hann-windowed, zero-padded or cut to `n`) at
/// bins `0..bins`.
fn dft(x: &[f32], n: usize, bins: usize) -> Vec<f64> {
    let used = x.len().min(n);
    let w: Vec<f64> = (0..used)
        .map(|i| {
            let hann = 0.5 - 0.5 * (2.0 * PI * i as f64 / used as f64).cos();
            x[i] as f64 * hann
        })
        .collect();
    let (cos, sin): (Vec<f64>, Vec<f64>) = (0..n)
        .map(|i| {
            let a = 2.0 * PI * i as f64 / n as f64;
            (a.cos(), a.sin())
        })
        .unzip();
    (0..bins)
        .map(|k| {
            let (mut re, mut im) = (0.0, 0.0);
            for (i, v) in w.iter().enumerate() {
                let j = (k * i) % n;
                re += v * cos[j];
                im -= v * sin[j];
            }
            (re * re + im * im).sqrt()
        })
        .collect()
}

/// Magnitude-weighted spectral centroid in Hz of the first `n` frames.
fn centroid(x: &[f32], rate: f64, n: usize) -> f64 {
    let mags = dft(x, n, n / 2);
    let total: f64 = mags.iter().sum();
    let weighted: f64 = mags
        .iter()
        .enumerate()
        .map(|(k, m)| k as f64 * rate / n as f64 * m)
        .sum();
    weighted / total
}

/// Frequency of the strongest DFT bin between 30 and 600 Hz (8192-point DFT).
fn fundamental(x: &[f32], rate: f64) -> f64 {
    let n = 8192;
    let hz = rate / n as f64;
    let lo = (30.0 / hz) as usize;
    let mags = dft(x, n, (600.0 / hz) as usize);
    let (k, _) =
        mags.iter().enumerate().skip(lo).fold(
            (0, 0.0),
            |best, (k, &m)| if m > best.1 { (k, m) } else { best },
        );
    k as f64 * hz
}

/// The built-in kit at `rate`, every sound loaded.
fn kit(rate: u32) -> SampleBank {
    let bank = SampleBank::builtin(rate);
    let report = bank.load(NAMES);
    assert!(
        report.skipped.is_empty() && report.loaded >= 33,
        "{report:?}"
    );
    bank
}

fn variants(bank: &SampleBank, name: &str) -> Vec<Vec<f32>> {
    let count = bank
        .names()
        .find(|(n, _)| *n == name)
        .map(|(_, c)| c)
        .unwrap();
    (0..count)
        .map(|v| bank.sample(bank.find(name, v as f64).unwrap()).data.clone())
        .collect()
}

#[test]
fn the_kit_has_every_name_with_at_least_three_variants() {
    let bank = kit(44100);
    assert_eq!(bank.rate(), 44100);
    let names: Vec<(&str, usize)> = bank.names().collect();
    let mut sorted = NAMES.to_vec();
    sorted.sort();
    assert_eq!(names.iter().map(|(n, _)| *n).collect::<Vec<_>>(), sorted);
    assert!(names.iter().all(|(_, c)| *c >= 3));
    for name in NAMES {
        for v in 0..3 {
            let s = bank.sample(bank.find(name, v as f64).unwrap());
            assert_eq!(s.channels, 1);
            assert_eq!(s.data.len(), s.frames);
        }
    }
}

#[test]
fn kit_lengths_are_realistic() {
    let bank = kit(44100);
    let ranges = [
        ("bd", 0.3, 0.6),
        ("sn", 0.2, 0.4),
        ("hh", 0.04, 0.15),
        ("oh", 0.4, 0.9),
        ("cp", 0.2, 0.4),
        ("lt", 0.25, 0.6),
        ("mt", 0.25, 0.6),
        ("ht", 0.25, 0.6),
        ("cb", 0.2, 0.4),
        ("cr", 1.5, 2.5),
        ("rim", 0.03, 0.1),
    ];
    for (name, lo, hi) in ranges {
        for (v, data) in variants(&bank, name).iter().enumerate() {
            let seconds = data.len() as f64 / 44100.0;
            assert!((lo..=hi).contains(&seconds), "{name}:{v} lasts {seconds} s");
        }
    }
    // Synthesised at the bank's rate: the same durations at 48 kHz.
    let b48 = kit(48000);
    let (a, b) = (variants(&bank, "cr"), variants(&b48, "cr"));
    let ratio = b[0].len() as f64 / a[0].len() as f64;
    assert!((ratio - 48000.0 / 44100.0).abs() < 1e-3, "ratio {ratio}");
}

#[test]
fn the_kit_is_deterministic() {
    let a = kit(44100);
    let b = kit(44100);
    for name in NAMES {
        assert_eq!(variants(&a, name), variants(&b, name), "{name}");
    }
}

#[test]
fn kit_sounds_are_finite_normalised_and_click_free() {
    let bank = kit(44100);
    for name in NAMES {
        for (v, x) in variants(&bank, name).iter().enumerate() {
            assert!(
                x.iter().all(|s| s.is_finite()),
                "{name}:{v} has a non-finite value"
            );
            let peak = x.iter().fold(0.0f32, |m, s| m.max(s.abs()));
            assert!((peak - 0.9).abs() < 1e-3, "{name}:{v} peak {peak}");
            assert_eq!(x[0], 0.0, "{name}:{v} starts at {}", x[0]);
            assert_eq!(
                *x.last().unwrap(),
                0.0,
                "{name}:{v} ends at {}",
                x.last().unwrap()
            );
            // The last 2 ms are a fade: no value above 0.1 of full scale.
            let tail = &x[x.len() - 88..];
            assert!(
                tail.iter().all(|s| s.abs() < 0.1),
                "{name}:{v} ends abruptly"
            );
        }
    }
}

#[test]
fn variants_differ() {
    let bank = kit(44100);
    for name in NAMES {
        let vs = variants(&bank, name);
        for i in 0..vs.len() {
            for j in i + 1..vs.len() {
                let (a, b) = (&vs[i], &vs[j]);
                let len_diff = (a.len() as f64 / b.len() as f64 - 1.0).abs();
                let ca = centroid(a, 44100.0, 2048);
                let cb = centroid(b, 44100.0, 2048);
                let tone_diff = (ca / cb - 1.0).abs();
                assert!(
                    len_diff > 0.08 || tone_diff > 0.05,
                    "{name}:{i} and {name}:{j} sound alike ({len_diff}, {tone_diff})"
                );
            }
        }
    }
}

#[test]
fn kick_is_dark_and_hats_are_bright() {
    let bank = kit(44100);
    for (v, x) in variants(&bank, "bd").iter().enumerate() {
        let c = centroid(x, 44100.0, 4096);
        assert!(c < 300.0, "bd:{v} centroid {c} Hz");
    }
    for name in ["hh", "oh", "cr"] {
        for (v, x) in variants(&bank, name).iter().enumerate() {
            let c = centroid(x, 44100.0, 4096);
            assert!(c > 4000.0, "{name}:{v} centroid {c} Hz");
        }
    }
    // The snare sits in between.
    let sn = centroid(&variants(&bank, "sn")[0], 44100.0, 4096);
    assert!((300.0..8000.0).contains(&sn), "sn centroid {sn}");
}

#[test]
fn toms_rise_from_low_to_high() {
    let bank = kit(44100);
    let f = |name: &str| -> Vec<f64> {
        variants(&bank, name)
            .iter()
            .map(|x| fundamental(x, 44100.0))
            .collect()
    };
    let (lt, mt, ht) = (f("lt"), f("mt"), f("ht"));
    let max = |v: &[f64]| v.iter().cloned().fold(0.0, f64::max);
    let min = |v: &[f64]| v.iter().cloned().fold(f64::INFINITY, f64::min);
    assert!(max(&lt) < min(&mt), "lt {lt:?} mt {mt:?}");
    assert!(max(&mt) < min(&ht), "mt {mt:?} ht {ht:?}");
    assert!(min(&lt) > 50.0 && max(&ht) < 300.0, "lt {lt:?} ht {ht:?}");
    // The kick's body is lower than the low tom.
    let bd = fundamental(&variants(&bank, "bd")[0], 44100.0);
    assert!(bd < lt[0], "bd {bd} lt {}", lt[0]);
}

#[test]
fn cowbell_has_its_two_tones() {
    let bank = kit(44100);
    let x = &variants(&bank, "cb")[0];
    let n = 8192;
    let hz = 44100.0 / n as f64;
    let mags = dft(x, n, (1200.0 / hz) as usize);
    let peak_near = |f: f64| {
        let k = (f / hz).round() as usize;
        mags[k - 3..=k + 3].iter().cloned().fold(0.0, f64::max)
    };
    let floor_at = |f: f64| mags[(f / hz).round() as usize];
    assert!(peak_near(540.0) > 5.0 * floor_at(670.0));
    assert!(peak_near(800.0) > 5.0 * floor_at(670.0));
}

// ---- Folder loading ----

/// A fresh, unique temporary folder (removed by `Drop`).
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!(
            "phonon-samples-{tag}-{}-{nanos}",
            std::process::id()
        ));
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn write_i16(path: &Path, rate: u32, channels: u16, frames: &[Vec<f64>]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for f in frames {
        for &v in f {
            w.write_sample((v * 32767.0).round() as i16).unwrap();
        }
    }
    w.finalize().unwrap();
}

fn write_f32(path: &Path, rate: u32, channels: u16, frames: &[Vec<f64>]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for f in frames {
        for &v in f {
            w.write_sample(v as f32).unwrap();
        }
    }
    w.finalize().unwrap();
}

fn sine(freq: f64, rate: u32, frames: usize, amp: f64) -> Vec<Vec<f64>> {
    (0..frames)
        .map(|i| vec![amp * (2.0 * PI * freq * i as f64 / rate as f64).sin()])
        .collect()
}

/// Frequency from the number of upward zero crossings in the middle of `x`.
fn zero_crossing_freq(x: &[f32], rate: f64) -> f64 {
    let (a, b) = (x.len() / 8, x.len() * 7 / 8);
    let ups: Vec<usize> = (a + 1..b)
        .filter(|&i| x[i - 1] < 0.0 && x[i] >= 0.0)
        .collect();
    let periods = (ups.len() - 1) as f64;
    periods * rate / (ups[ups.len() - 1] - ups[0]) as f64
}

#[test]
fn a_22050_hz_sine_loads_at_44100_hz_with_its_pitch() {
    let dir = TempDir::new("rate");
    write_i16(
        &dir.0.join("tone/a.wav"),
        22050,
        1,
        &sine(1000.0, 22050, 4410, 0.5),
    );
    let mut bank = SampleBank::builtin(44100);
    bank.scan_dir(&dir.0).unwrap();
    let report = bank.load(["tone"]);
    assert_eq!(report.loaded, 1);
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    let s = bank.sample(bank.find("tone", 0.0).unwrap());
    assert_eq!(s.channels, 1);
    assert!((s.frames as i64 - 8820).abs() <= 3, "frames {}", s.frames);
    let f = zero_crossing_freq(&s.data, 44100.0);
    assert!((f - 1000.0).abs() < 2.0, "frequency {f}");
    // Amplitude kept (within the resampler's passband ripple), aligned in time: the
    // resampled value at frame 2i is the original at frame i.
    let mid = &s.data[2000..6000];
    let peak = mid.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    assert!((peak - 0.5).abs() < 0.01, "peak {peak}");
    for i in [1000usize, 1500, 2001, 3333] {
        let want = 0.5 * (2.0 * PI * 1000.0 * i as f64 / 22050.0).sin();
        assert!(
            (s.data[2 * i] as f64 - want).abs() < 0.01,
            "frame {i}: {} vs {want}",
            s.data[2 * i]
        );
    }
}

#[test]
fn float_stereo_at_48000_hz_loads_and_keeps_its_channels() {
    let dir = TempDir::new("stereo");
    let frames: Vec<Vec<f64>> = (0..4800)
        .map(|i| {
            let v = 0.4 * (2.0 * PI * 500.0 * i as f64 / 48000.0).sin();
            vec![v, -0.5 * v]
        })
        .collect();
    write_f32(&dir.0.join("pad/x.wav"), 48000, 2, &frames);
    let mut bank = SampleBank::builtin(44100);
    bank.scan_dir(&dir.0).unwrap();
    bank.load(["pad"]);
    let s = bank.sample(bank.find("pad", 0.0).unwrap());
    assert_eq!(s.channels, 2);
    assert!((s.frames as i64 - 4410).abs() <= 3, "frames {}", s.frames);
    let left: Vec<f32> = s.data.iter().step_by(2).copied().collect();
    let right: Vec<f32> = s.data.iter().skip(1).step_by(2).copied().collect();
    assert!((zero_crossing_freq(&left, 44100.0) - 500.0).abs() < 2.0);
    for i in 500..3900 {
        assert!((right[i] + 0.5 * left[i]).abs() < 1e-3, "frame {i}");
    }
}

#[test]
fn int_24_bit_and_more_than_two_channels() {
    let dir = TempDir::new("24");
    let path = dir.0.join("multi/a.wav");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let spec = hound::WavSpec {
        channels: 3,
        sample_rate: 44100,
        bits_per_sample: 24,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&path, spec).unwrap();
    for _ in 0..100 {
        // 2^22 is half of 24-bit full scale.
        w.write_sample(1i32 << 22).unwrap();
        w.write_sample(-(1i32 << 21)).unwrap();
        w.write_sample(123i32).unwrap();
    }
    w.finalize().unwrap();
    let mut bank = SampleBank::empty(44100);
    bank.scan_dir(&dir.0).unwrap();
    bank.load(["multi"]);
    let s = bank.sample(bank.find("multi", 0.0).unwrap());
    assert_eq!((s.channels, s.frames), (2, 100));
    assert_eq!(&s.data[..4], &[0.5, -0.25, 0.5, -0.25]);
}

#[test]
fn variants_follow_file_names_and_wrap() {
    let dir = TempDir::new("order");
    let constant = |v: f64| vec![vec![v]; 100];
    write_i16(&dir.0.join("v/b.wav"), 44100, 1, &constant(0.2));
    write_i16(&dir.0.join("v/a.wav"), 44100, 1, &constant(0.1));
    write_i16(&dir.0.join("v/c.WAV"), 44100, 1, &constant(0.3));
    fs::write(dir.0.join("v/notes.txt"), "not audio").unwrap();
    let mut bank = SampleBank::empty(44100);
    bank.scan_dir(&dir.0).unwrap();
    let report = bank.load(["v"]);
    assert_eq!(report.loaded, 3);
    assert!(report.skipped.is_empty());
    let value = |n: f64| bank.sample(bank.find("v", n).unwrap()).data[50];
    let q = |v: f64| ((v * 32767.0).round() / 32768.0) as f32;
    assert_eq!(value(0.0), q(0.1));
    assert_eq!(value(1.0), q(0.2));
    assert_eq!(value(2.0), q(0.3));
    assert_eq!(value(3.0), q(0.1));
    assert_eq!(value(-1.0), q(0.3));
    assert_eq!(bank.names().collect::<Vec<_>>(), vec![("v", 3)]);
}

#[test]
fn a_folder_replaces_the_builtin_name_and_bad_files_are_skipped() {
    let dir = TempDir::new("replace");
    write_i16(&dir.0.join("bd/kick.wav"), 44100, 1, &vec![vec![0.25]; 10]);
    fs::create_dir_all(dir.0.join("sn")).unwrap();
    fs::write(dir.0.join("sn/broken.wav"), b"RIFF....not a wave file").unwrap();
    fs::create_dir_all(dir.0.join("empty")).unwrap();
    let mut bank = SampleBank::builtin(44100);
    bank.load(["sn"]);
    let builtin_sn = bank.find("sn", 0.0).unwrap();
    bank.scan_dir(&dir.0).unwrap();
    // The folder `sn` is a new set over the kit's: not loaded until named.
    assert_eq!(bank.find("sn", 0.0), None);
    let report = bank.load(["bd", "sn", "empty"]);
    assert_eq!(report.loaded, 1);
    assert_eq!(report.skipped.len(), 1);
    assert!(report.skipped[0].0.ends_with("sn/broken.wav"));
    assert!(!report.skipped[0].1.is_empty());
    // bd is now the folder's single file; sn (only a broken file) keeps the kit's.
    let names: Vec<(&str, usize)> = bank.names().collect();
    assert!(names.contains(&("bd", 1)));
    assert!(names.contains(&("sn", 3)));
    assert!(!names.iter().any(|(n, _)| *n == "empty"));
    let bd = bank.sample(bank.find("bd", 5.0).unwrap());
    assert_eq!(bd.frames, 10);
    assert_eq!(bank.find("sn", 0.0), Some(builtin_sn));
}

#[test]
fn a_missing_folder_is_an_error() {
    let mut bank = SampleBank::builtin(44100);
    let missing = std::env::temp_dir().join("phonon-samples-surely-missing-folder");
    let err = bank.scan_dir(&missing).unwrap_err();
    assert!(matches!(err, SampleError::NotFound(_)));
    assert!(err.to_string().contains("surely-missing"));
    let dir = TempDir::new("file");
    let file = dir.0.join("f.wav");
    fs::write(&file, b"x").unwrap();
    assert!(matches!(
        bank.scan_dir(&file),
        Err(SampleError::NotADirectory(_))
    ));
}

/// A 16-bit mono WAV header whose `data` chunk claims `data_len` bytes, followed by
/// `present` bytes of silence.
fn wav_claiming(data_len: u32, present: usize) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&data_len.wrapping_add(36).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes()); // PCM
    b.extend_from_slice(&1u16.to_le_bytes()); // mono
    b.extend_from_slice(&44100u32.to_le_bytes());
    b.extend_from_slice(&88200u32.to_le_bytes());
    b.extend_from_slice(&2u16.to_le_bytes());
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&data_len.to_le_bytes());
    b.resize(b.len() + present, 0);
    b
}

#[test]
fn a_huge_sample_file_is_skipped_with_the_limit_and_the_others_load() {
    use phonon::samples::load::MAX_SAMPLE_FILE_BYTES;
    let dir = TempDir::new("huge");
    write_i16(
        &dir.0.join("bd/a.wav"),
        44100,
        1,
        &sine(100.0, 44100, 10, 0.5),
    );
    // A sparse 1 GiB file with a valid header claiming most of it.
    let huge = dir.0.join("bd/b_huge.wav");
    fs::write(&huge, wav_claiming(0xF000_0000, 0)).unwrap();
    let file = fs::OpenOptions::new().write(true).open(&huge).unwrap();
    file.set_len(1 << 30).unwrap();
    drop(file);
    let t0 = std::time::Instant::now();
    let mut bank = SampleBank::builtin(44100);
    bank.scan_dir(&dir.0).unwrap();
    let report = bank.load(["bd"]);
    assert!(t0.elapsed().as_secs_f64() < 5.0, "{:?}", t0.elapsed());
    assert_eq!(report.loaded, 1);
    assert_eq!(report.skipped.len(), 1);
    assert!(report.skipped[0].0.ends_with("bd/b_huge.wav"));
    let why = &report.skipped[0].1;
    assert!(why.contains(&MAX_SAMPLE_FILE_BYTES.to_string()), "{why}");
    assert!(why.contains("limit"), "{why}");
    assert_eq!(bank.sample(bank.find("bd", 0.0).unwrap()).frames, 10);
}

#[test]
fn a_header_claiming_a_huge_length_is_skipped_before_reading() {
    use phonon::samples::load::MAX_SAMPLE_VALUES;
    let dir = TempDir::new("claims");
    fs::create_dir_all(dir.0.join("sn")).unwrap();
    // A small file whose header claims 2^31 values (4 GiB of 16-bit audio).
    fs::write(dir.0.join("sn/liar.wav"), wav_claiming(0xFFFF_FF00, 1000)).unwrap();
    // Just past the limit at the bank rate: 2^25 + 1 values claimed.
    let just = (MAX_SAMPLE_VALUES as u32 + 1) * 2;
    fs::write(dir.0.join("sn/long.wav"), wav_claiming(just, 1000)).unwrap();
    let mut bank = SampleBank::builtin(44100);
    bank.scan_dir(&dir.0).unwrap();
    let report = bank.load(["sn"]);
    // Both files skipped: `sn` falls back to the kit's three.
    assert_eq!(report.loaded, 3);
    assert_eq!(report.skipped.len(), 2);
    for (file, why) in &report.skipped {
        assert!(
            why.contains(&MAX_SAMPLE_VALUES.to_string()) && why.contains("claims"),
            "{}: {why}",
            file.display()
        );
    }
    // At 96 kHz the same file at the limit's edge holds more than the limit.
    let dir2 = TempDir::new("claims-rate");
    fs::create_dir_all(dir2.0.join("cp")).unwrap();
    let edge = MAX_SAMPLE_VALUES as u32 * 2;
    fs::write(dir2.0.join("cp/edge.wav"), wav_claiming(edge, 1000)).unwrap();
    let mut bank = SampleBank::builtin(96000);
    bank.scan_dir(&dir2.0).unwrap();
    let report = bank.load(["cp"]);
    assert_eq!(report.skipped.len(), 1, "{:?}", report.skipped);
    assert!(
        report.skipped[0].1.contains("96000 Hz"),
        "{:?}",
        report.skipped
    );
}

// ---- Loading what a patch names ----

/// Renders `source` with the interpreter at 44.1 kHz on `bank`, for `cycles` cycles.
fn render_with(
    bank: &std::sync::Arc<SampleBank>,
    source: &str,
    cycles: f64,
) -> (Vec<f32>, phonon::RenderReport) {
    let graph = std::sync::Arc::new(phonon::compile(source).unwrap());
    let config = phonon::Config {
        sample_rate: 44100,
        ..phonon::Config::default()
    };
    let frames = phonon::Length::Cycles(cycles).frames(graph.cps, 44100);
    let mut left = Vec::new();
    let report = phonon::render(
        graph,
        bank.clone(),
        config,
        phonon::EngineKind::Interp,
        frames,
        &mut |l, _| {
            left.extend_from_slice(l);
            Ok(())
        },
        &mut |_| {},
    )
    .unwrap();
    (left, report)
}

/// A samples folder with `good/a.wav` (0.5 for 100 frames), `other/a.wav` (0.25)
/// and `bad/`: a file that is not a WAV and a sparse 300 MiB one, past the size
/// limit.
fn good_and_bad(tag: &str) -> TempDir {
    let dir = TempDir::new(tag);
    write_i16(&dir.0.join("good/a.wav"), 44100, 1, &vec![vec![0.5]; 100]);
    write_i16(&dir.0.join("other/a.wav"), 44100, 1, &vec![vec![0.25]; 100]);
    fs::create_dir_all(dir.0.join("bad")).unwrap();
    fs::write(dir.0.join("bad/broken.wav"), b"RIFF....not a wave file").unwrap();
    let huge = dir.0.join("bad/huge.wav");
    fs::write(&huge, wav_claiming(0xF000_0000, 0)).unwrap();
    let file = fs::OpenOptions::new().write(true).open(&huge).unwrap();
    file.set_len(300 << 20).unwrap();
    dir
}

#[test]
fn a_render_reads_only_the_folders_its_patch_names() {
    let dir = good_and_bad("named");
    let mut bank = SampleBank::builtin(44100);
    bank.scan_dir(&dir.0).unwrap();
    let bank = std::sync::Arc::new(bank);
    // Nothing is decoded by the scan, not even the kit.
    for name in ["good", "other", "bad", "bd"] {
        assert!(bank.not_loaded(name), "{name}");
    }
    let (left, report) = render_with(&bank, "out: s \"good\"", 1.0);
    assert!(
        report.skipped_samples.is_empty(),
        "{:?}",
        report.skipped_samples
    );
    assert!(
        report.unknown_samples.is_empty(),
        "{:?}",
        report.unknown_samples
    );
    // The folder's sample played (0.5 in 16 bits, mono at the centre: × cos(π/4)).
    let want = ((0.5f64 * 32767.0).round() / 32768.0) as f32 * std::f32::consts::FRAC_1_SQRT_2;
    assert!((left[50] - want).abs() < 1e-6, "{} vs {want}", left[50]);
    assert!(!bank.not_loaded("good"));
    for name in ["other", "bad", "bd"] {
        assert!(bank.not_loaded(name), "{name} was loaded");
    }

    // A patch naming the bad folder hears of both its files, by path; a folder
    // already loaded is not read (or reported) again.
    let (_, report) = render_with(&bank, "out: s \"good bad\"", 1.0);
    let mut skipped = report.skipped_samples.clone();
    skipped.sort();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(skipped[0].0.ends_with("bad/broken.wav"), "{skipped:?}");
    assert!(skipped[1].0.ends_with("bad/huge.wav"), "{skipped:?}");
    assert!(skipped[1].1.contains("limit"), "{skipped:?}");
    // No file of `bad` loaded and no kit sound under it: its events are unknown.
    assert_eq!(report.unknown_samples, vec!["bad".to_string()]);
    assert!(!bank.not_loaded("bad"));
    let (_, again) = render_with(&bank, "out: s \"bad\"", 1.0);
    assert!(
        again.skipped_samples.is_empty(),
        "{:?}",
        again.skipped_samples
    );
}

#[test]
fn names_from_later_cycles_load_and_names_past_the_look_ahead_do_not() {
    let dir = good_and_bad("later");
    let mut bank = SampleBank::builtin(44100);
    bank.scan_dir(&dir.0).unwrap();
    let bank = std::sync::Arc::new(bank);
    // `other` plays from the second cycle on; `sn` only in cycle 64.
    let (left, report) = render_with(
        &bank,
        "tempo: 16\nout: s \"<good other>\" + (slow 128 $ s \"~ sn\")",
        2.0,
    );
    assert!(
        report.unknown_samples.is_empty(),
        "{:?}",
        report.unknown_samples
    );
    let cycle = 44100 / 16;
    let want = ((0.25f64 * 32767.0).round() / 32768.0) as f32 * std::f32::consts::FRAC_1_SQRT_2;
    assert!(
        (left[cycle + 50] - want).abs() < 1e-6,
        "{} vs {want}",
        left[cycle + 50]
    );
    assert!(!bank.not_loaded("other"));
    assert!(bank.not_loaded("sn"));
    // Played past its look-ahead, the name is an unknown sample the bank knows of.
    let (_, report) = render_with(&bank, "tempo: 16\nout: slow 128 $ s \"~ sn\"", 66.0);
    assert_eq!(report.unknown_samples, vec!["sn".to_string()]);
    assert!(bank.not_loaded("sn"));
}

#[test]
fn a_live_version_loads_a_new_folder_where_it_is_compiled() {
    use phonon::live::LiveProgram;
    let dir = good_and_bad("live");
    let mut bank = SampleBank::builtin(44100);
    bank.scan_dir(&dir.0).unwrap();
    let bank = std::sync::Arc::new(bank);
    let config = phonon::Config {
        sample_rate: 44100,
        ..phonon::Config::default()
    };
    let Ok((first, previous)) = LiveProgram::build("out: s \"good\"", &config, bank.clone(), None)
    else {
        panic!("the first version does not build");
    };
    assert!(first.runtime.sample_report().skipped.is_empty());
    assert!(bank.find("good", 0.0).is_some());
    assert!(bank.find("other", 0.0).is_none());
    let good = bank.find("good", 0.0);
    // The next version names `other` and `bad`: both read while it is built, before
    // it is handed to the threads that play (which share the bank); `good` stays.
    let Ok((second, _)) = LiveProgram::build(
        "out: s \"good other bad\"",
        &config,
        bank.clone(),
        Some(&previous),
    ) else {
        panic!("the second version does not build");
    };
    let report = second.runtime.sample_report();
    assert_eq!(report.loaded, 1);
    assert_eq!(report.skipped.len(), 2, "{:?}", report.skipped);
    assert!(bank.find("other", 0.0).is_some());
    assert_eq!(bank.find("good", 0.0), good);
    drop(first);
}
