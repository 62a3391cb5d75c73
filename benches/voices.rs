//! The voice pool's inner loop: thousands of voices sounding at once, rendered in
//! 512-frame blocks at 44.1 kHz. Throughput is in voice-frames (voices x 512), so
//! criterion's "elem/s" inverts to ns per voice-frame. Also times building the
//! built-in kit.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use phonon::samples::kit::Rng;
use phonon::samples::{Sample, SampleBank};
use phonon::voices::chain::VoiceFx;
use phonon::voices::sends::Sends;
use phonon::voices::start::Adsr;
use phonon::voices::{VoicePool, VoiceStart};

const BLOCK: usize = 512;

/// A bank with long noise samples (60 s, so that voices outlast the measurement).
fn bank() -> SampleBank {
    let mut rng = Rng::new(7);
    let frames = 44100 * 60;
    let mut bank = SampleBank::empty(44100);
    let mono: Vec<f32> = (0..frames).map(|_| rng.bipolar() as f32 * 0.1).collect();
    let stereo: Vec<f32> = (0..2 * frames)
        .map(|_| rng.bipolar() as f32 * 0.1)
        .collect();
    bank.insert("mono", vec![Sample::mono(mono)]);
    bank.insert("stereo", vec![Sample::stereo(stereo)]);
    bank
}

/// Starts `count` voices made by `make`.
fn fill(pool: &mut VoicePool, count: usize, make: &dyn Fn(usize) -> VoiceStart) {
    pool.reset();
    for k in 0..count {
        pool.start(make(k));
    }
}

fn bench_case(c: &mut Criterion, name: &str, count: usize, make: &dyn Fn(usize) -> VoiceStart) {
    let bank = bank();
    let mut pool = VoicePool::new(VoicePool::DEFAULT_CAPACITY, 44100);
    let (mut l, mut r) = (vec![0.0f32; BLOCK], vec![0.0f32; BLOCK]);
    let mut sends = Sends::new(BLOCK);
    fill(&mut pool, count, make);
    // Past the onsets: every voice sounds for whole blocks.
    pool.render(&bank, &mut l, &mut r, &mut sends);
    let mut group = c.benchmark_group("voices");
    group.throughput(Throughput::Elements((count * BLOCK) as u64));
    group.bench_function(name, |b| {
        b.iter(|| {
            if pool.active() < count {
                fill(&mut pool, count, make);
            }
            l.fill(0.0);
            r.fill(0.0);
            pool.render(&bank, &mut l, &mut r, &mut sends);
            std::hint::black_box(l[BLOCK - 1] + r[BLOCK - 1]);
        })
    });
    group.finish();
}

fn voices(c: &mut Criterion) {
    let b = bank();
    let (mono, stereo) = (b.find("mono", 0.0).unwrap(), b.find("stereo", 0.0).unwrap());
    bench_case(c, "mono_rate1_2048", 2048, &|k| VoiceStart {
        pan: (k % 7) as f32 / 7.0,
        ..VoiceStart::new(mono, k % BLOCK)
    });
    bench_case(c, "mono_rate_1.37_2048", 2048, &|k| VoiceStart {
        rate: 1.37,
        ..VoiceStart::new(mono, k % BLOCK)
    });
    bench_case(c, "mixed_4000", 4000, &|k| VoiceStart {
        rate: [1.0, -1.0, 0.5, 1.5, 1.0][k % 5],
        pan: (k % 9) as f32 / 9.0,
        release: 0.05,
        ..VoiceStart::new(if k % 3 == 0 { stereo } else { mono }, k % BLOCK)
    });
    // The chain path: every voice with its own low-pass and an ADSR with hold.
    bench_case(c, "mono_cutoff_adsr_256", 256, &|k| VoiceStart {
        rate: 1.37,
        fx: VoiceFx {
            cutoff: Some(200.0 + 37.0 * k as f32),
            resonance: Some(0.2),
            ..VoiceFx::default()
        },
        attack: 0.01,
        adsr: Adsr {
            hold: 0.01,
            decay: 0.1,
            sus: 0.6,
        },
        ..VoiceStart::new(mono, k % BLOCK)
    });
}

fn kit(c: &mut Criterion) {
    // The whole kit synthesised (a patch naming every sound).
    let names = [
        "bd", "sn", "hh", "oh", "cp", "lt", "mt", "ht", "cb", "cr", "rim",
    ];
    c.bench_function("kit/build_44100", |b| {
        b.iter(|| {
            let bank = SampleBank::builtin(44100);
            bank.load(names);
            bank
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3));
    targets = voices, kit
}
criterion_main!(benches);
