//! End-to-end rendering: patches through the compiler, the runtime and the
//! interpreter, checked against times and values worked out by hand.

use std::sync::Arc;

use phonon::render::Length;
use phonon::runtime::Config;
use phonon::samples::SampleBank;

use crate::common::rendering::{render_with, Rendered};

const RATE: u32 = 44_100;

fn render_source(source: &str, length: Length, block: usize) -> Rendered {
    let config = Config {
        sample_rate: RATE,
        block,
        ..Config::default()
    };
    render_with(source, length, config)
}

fn fixture(name: &str) -> String {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The frame an onset at `num/den` cycles lands on at `cps`: the nearest frame,
/// halves rounding up (worked out in f64, which is exact for these small values).
fn onset_frame(num: u64, den: u64, cps: f64) -> usize {
    (num as f64 / den as f64 * RATE as f64 / cps + 0.5).floor() as usize
}

#[test]
fn a_stepped_pattern_changes_value_on_the_exact_frame() {
    // At 0.5167 cycles per second a cycle is 85349.33 frames: the second event of
    // "0.5 0.25" starts at 42674.67 frames, which rounds to 42675; the next cycle at
    // 85349.33, which rounds to 85349.
    let r = render_source("tempo: 0.5167\nout: \"0.5 0.25\"", Length::Cycles(1.5), 512);
    let half = onset_frame(1, 2, 0.5167);
    let cycle = onset_frame(1, 1, 0.5167);
    assert_eq!((half, cycle), (42_675, 85_349));
    for (i, (l, rr)) in r.left.iter().zip(&r.right).enumerate() {
        let want = if i < half || i >= cycle { 0.5 } else { 0.25 };
        assert_eq!((*l, *rr), (want, want), "frame {i}");
    }
}

#[test]
fn a_bus_that_reads_itself_is_one_block_late() {
    // Block b holds 1 + 0.5 × (block b-1): 1, 1.5, 1.75, ... = 2 - 2^-b.
    let r = render_source("~a: ~a * 0.5 + 1\nout: ~a", Length::Seconds(0.1), 256);
    for (i, x) in r.left.iter().enumerate() {
        let b = (i / 256) as i32;
        let want = 2.0 - 0.5f32.powi(b);
        assert!((x - want).abs() < 1e-6, "frame {i}: {x} vs {want}");
    }
}

#[test]
fn voices_start_on_the_frame_their_onset_maps_to() {
    // A cp at each quarter cycle, panned hard left: the left channel reproduces the
    // sample from each onset frame; equal-power panning puts nothing on the right.
    let bank = SampleBank::builtin(RATE);
    bank.load(["cp"]);
    let Some(id) = bank.find("cp", 0.0) else {
        panic!("the built-in kit has no cp");
    };
    let sample = bank.sample(id);
    let r = render_source(
        "tempo: 0.7\nout: s \"cp*4\" # pan 0",
        Length::Cycles(1.0),
        512,
    );
    assert!(r.right.iter().all(|x| x.abs() < 1e-6));
    let onsets: Vec<usize> = (0..4).map(|k| onset_frame(k, 4, 0.7)).collect();
    // The first voice alone, from frame 0: exact samples.
    let first_gap = onsets[1];
    for j in 0..first_gap.min(sample.frames) {
        let want = sample.data[j * sample.channels];
        assert!(
            (r.left[j] - want).abs() < 1e-6,
            "frame {j}: {} vs {want}",
            r.left[j]
        );
    }
    // Just before each later onset, the output is the sum of the earlier voices;
    // from the onset on, the new voice adds its first samples exactly.
    for (n, &at) in onsets.iter().enumerate().skip(1) {
        for j in 0..64 {
            let f = at + j;
            let mut want = 0.0;
            for &earlier in &onsets[..=n] {
                let k = f - earlier;
                if k < sample.frames {
                    want += sample.data[k * sample.channels];
                }
            }
            assert!(
                (r.left[f] - want).abs() < 1e-5,
                "onset {n} frame {f}: {} vs {want}",
                r.left[f]
            );
        }
    }
}

#[test]
fn unknown_sample_names_are_reported_and_silent() {
    let r = render_source("out: s \"bd nosuch\"", Length::Cycles(1.0), 512);
    assert_eq!(r.report.unknown_samples, vec!["nosuch".to_string()]);
    // The bd plays from frame 0; from the second half (the unknown name) only the
    // bd's tail may sound, and the bd is shorter than half a cycle at 0.5 cps.
    let half = onset_frame(1, 2, 0.5);
    assert!(r.left[..half].iter().any(|x| x.abs() > 0.1));
    assert!(r.left[half..].iter().all(|x| *x == 0.0));
}

#[test]
fn the_master_guard_catches_infinity_and_names_the_node() {
    let src = "out: saw 100 * 1e30 * 1e30";
    let graph = phonon::compile(src).unwrap_or_else(|d| panic!("{d:?}"));
    let r = render_source(src, Length::Seconds(0.05), 512);
    assert!(r.left.iter().chain(&r.right).all(|x| x.is_finite()));
    let Some((nf, count)) = r.report.nonfinite else {
        panic!("the overflow was not reported");
    };
    assert!(count > 0);
    let node = &graph.nodes[nf.node];
    assert_eq!(node.op.name(), "mul");
    // It is the second multiplication: its input is the first one, which is finite.
    let phonon::ir::Operand::Node(input) = node.inputs[0] else {
        panic!("the mul reads a constant");
    };
    assert_eq!(graph.nodes[input].op.name(), "mul");
    assert_eq!(nf.frame, 0);
}

#[test]
fn every_fixture_renders_finite_nonsilent_and_deterministic() {
    for name in [
        "stress_extreme.ph",
        "synth_dense.ph",
        "house.ph",
        "techno.ph",
        "ambient.ph",
        "melody.ph",
    ] {
        let src = fixture(name);
        let a = render_source(&src, Length::Seconds(1.5), 512);
        let b = render_source(&src, Length::Seconds(1.5), 512);
        assert!(
            a.report.nonfinite.is_none(),
            "{name}: {:?}",
            a.report.nonfinite
        );
        assert!(
            a.left.iter().chain(&a.right).all(|x| x.is_finite()),
            "{name}"
        );
        let peak = a
            .left
            .iter()
            .chain(&a.right)
            .fold(0.0f32, |m, x| m.max(x.abs()));
        assert!(peak > 0.01, "{name} is silent (peak {peak})");
        assert!(
            a.left
                .iter()
                .map(|x| x.to_bits())
                .eq(b.left.iter().map(|x| x.to_bits()))
                && a.right
                    .iter()
                    .map(|x| x.to_bits())
                    .eq(b.right.iter().map(|x| x.to_bits())),
            "{name} is not deterministic"
        );
        assert!(
            a.report.unknown_samples.is_empty(),
            "{name}: {:?}",
            a.report.unknown_samples
        );
    }
}

#[test]
fn stress_extreme_starts_voices_on_both_sides_on_the_grid() {
    // Every output plays 32 events per cycle on the 1/32 grid; stut 8 adds copies
    // shifted by multiples of 1/8 (still on the grid), and jux doubles each event,
    // panned 0 (the original) and 1 (the reversed copy). So at each grid point of a
    // cycle, 16 outputs × 8 copies start on each side: 128 panned left, 128 right.
    use phonon::pattern::value::Control;
    use phonon::runtime::Runtime;
    let graph = Arc::new(
        phonon::compile(&fixture("stress_extreme.ph")).unwrap_or_else(|d| panic!("{d:?}")),
    );
    let config = Config::default();
    let bank = Arc::new(SampleBank::builtin(config.sample_rate));
    let mut rt = Runtime::interp(graph.clone(), &config, bank).unwrap_or_else(|e| panic!("{e}"));
    let (mut l, mut r) = (vec![0.0f32; 512], vec![0.0f32; 512]);
    let cycle_frames = RATE as usize; // one cycle per second
    let mut starts: std::collections::BTreeMap<usize, (usize, usize)> = Default::default();
    let mut block_start = 0;
    while block_start < cycle_frames {
        rt.process(&mut l, &mut r);
        assert_eq!(rt.failures(), &[], "a query failed");
        for s in 0..graph.sounds.len() {
            for p in rt.sounds().starts(s) {
                let frame = block_start + p.offset;
                let pan = p.controls.get_f64(Control::Pan).unwrap_or(0.5);
                let entry = starts.entry(frame).or_default();
                if pan == 0.0 {
                    entry.0 += 1;
                } else if pan == 1.0 {
                    entry.1 += 1;
                } else {
                    panic!("pan {pan} at frame {frame}");
                }
            }
        }
        block_start += 512;
    }
    let expected: std::collections::BTreeMap<usize, (usize, usize)> = (0..32)
        .map(|k| (onset_frame(k, 32, 1.0), (128, 128)))
        .chain((32..38).map(|k| (onset_frame(k, 32, 1.0), (128, 128))))
        .filter(|(f, _)| *f < block_start)
        .collect();
    assert_eq!(starts, expected);
}

/// Energy of `x[a..b]`.
fn energy(x: &[f32], a: usize, b: usize) -> f64 {
    x[a..b].iter().map(|v| f64::from(*v) * f64::from(*v)).sum()
}

#[test]
fn stress_extreme_sounds_on_both_channels_throughout() {
    // Both channels carry sound in every 1/32 of the cycle, and they differ: the
    // right one plays the reversed patterns.
    let r = render_source(&fixture("stress_extreme.ph"), Length::Cycles(1.0), 512);
    for channel in [&r.left, &r.right] {
        for k in 0..32 {
            let (a, b) = (onset_frame(k, 32, 1.0), onset_frame(k + 1, 32, 1.0));
            assert!(energy(channel, a, b) > 1.0, "segment {k} is silent");
        }
    }
    let diff: f64 = r
        .left
        .iter()
        .zip(&r.right)
        .map(|(a, b)| f64::from(a - b).abs())
        .sum();
    assert!(diff > 1.0);
    assert!(
        r.report.peak_voices > 100,
        "{} voices",
        r.report.peak_voices
    );
}

#[test]
fn block_times_are_kept_in_bounded_memory_with_correct_statistics() {
    use phonon::render::{BlockTimer, BlockTimes, EXACT_BLOCK_TIMES};
    use std::time::Duration;
    // Few blocks: exactly what the durations give.
    let few: Vec<Duration> = (1..=1000u64)
        .map(|i| Duration::from_micros(i * 7 % 1000 + 1))
        .collect();
    let mut timer = BlockTimer::new();
    for d in &few {
        timer.record(*d);
    }
    assert_eq!(
        BlockTimes::from_timer(&timer, 512, RATE),
        BlockTimes::from_durations(&few, 512, RATE)
    );
    // Many blocks (a 24-hour render at block 1 would be 3.8 billion): memory stays
    // bounded, count, mean and max stay exact, p50 and p99 within 1.1%.
    let n = 4 * EXACT_BLOCK_TIMES as u64;
    let mut timer = BlockTimer::new();
    let bound = timer.capacity_bytes() + EXACT_BLOCK_TIMES * std::mem::size_of::<Duration>();
    let mut all = Vec::new();
    for i in 0..n {
        // 1 µs to 1 ms, spread out of order.
        let d = Duration::from_nanos(1000 + (i * 7919) % 999_000);
        timer.record(d);
        all.push(d);
    }
    assert!(
        timer.capacity_bytes() <= bound + 4096,
        "{} > {bound}",
        timer.capacity_bytes()
    );
    assert!(timer.capacity_bytes() < 2 << 20);
    let got = BlockTimes::from_timer(&timer, 1, RATE);
    let want = BlockTimes::from_durations(&all, 1, RATE);
    assert_eq!(got.blocks, want.blocks);
    assert!(
        (got.mean_ms - want.mean_ms).abs() < 1e-9 * want.mean_ms,
        "{got:?} {want:?}"
    );
    assert_eq!(got.max_ms, want.max_ms);
    for (g, w) in [(got.p50_ms, want.p50_ms), (got.p99_ms, want.p99_ms)] {
        assert!((g / w - 1.0).abs() < 0.011, "{got:?} against {want:?}");
    }
}

#[test]
fn a_wav_file_past_4_gib_is_refused_before_starting() {
    use phonon::render::{check_wav_size, wav_bytes, SampleFormat, MAX_WAV_BYTES};
    // 24 hours at 44.1 kHz: 30 GB of float, 15 GB of 16-bit.
    let frames = Length::Seconds(86_400.0).frames(1.0, RATE);
    for format in [SampleFormat::Float32, SampleFormat::Int16] {
        let e = check_wav_size(frames, format).unwrap_err();
        assert!(e.contains(&wav_bytes(frames, format).to_string()), "{e}");
        assert!(e.contains(&MAX_WAV_BYTES.to_string()), "{e}");
    }
    assert_eq!(wav_bytes(frames, SampleFormat::Float32), frames * 8 + 68);
    // The largest file that fits, and one frame more.
    let fits = (MAX_WAV_BYTES - 68) / 8;
    assert!(check_wav_size(fits, SampleFormat::Float32).is_ok());
    assert!(check_wav_size(fits + 1, SampleFormat::Float32).is_err());
    assert!(check_wav_size(u64::MAX, SampleFormat::Int16).is_err());
}

#[test]
fn a_length_in_cycles_is_held_to_the_limit_in_seconds() {
    use phonon::render::MAX_RENDER_SECONDS;
    assert!(Length::Cycles(1000.0).check(0.5).is_ok());
    // 1000 cycles at 0.01 cycles per second: 100000 s.
    let e = Length::Cycles(1000.0).check(0.01).unwrap_err();
    assert!(
        e.contains("100000 s") && e.contains(&MAX_RENDER_SECONDS.to_string()),
        "{e}"
    );
    assert!(Length::Cycles(1.0).check(0.0).is_err());
    assert!(Length::Seconds(MAX_RENDER_SECONDS).check(1.0).is_ok());
}
