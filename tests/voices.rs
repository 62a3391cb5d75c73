//! The voice pool against hand-computed expectations: onsets, pan laws, slices,
//! backwards playback, envelopes, cut groups, stealing, block independence, and no
//! allocation after construction.

// Index loops read more plainly than iterator chains in these checks.
#![allow(clippy::needless_range_loop)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::f64::consts::FRAC_PI_4;
use std::sync::Arc;

use phonon::pattern::value::{Control, Controls, Scalar};
use phonon::samples::{Sample, SampleBank, SampleId};
use phonon::voices::chain::Vowel;
use phonon::voices::sends::Sends;
use phonon::voices::start::{Adsr, Source};
use phonon::voices::{StartError, VoicePool, VoiceStart};

// Counts allocations made by the current thread, to check that the pool never
// allocates after `new`.
struct Counting;

thread_local! {
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> usize {
    ALLOCS.with(|c| c.get())
}

const RATE: u32 = 44100;
/// 5 ms at 44.1 kHz, rounded: the pool's cut/steal/legato fade.
const FADE: usize = 221;

/// A bank with: `ramp` (mono, 1000 frames, (i+1)/1000), `one` (mono, 20000 frames
/// of 1.0), `st` (stereo, 1000 frames, L = (i+1)/1000, R = -(i+1)/2000).
fn bank() -> SampleBank {
    let mut bank = SampleBank::empty(RATE);
    bank.insert(
        "ramp",
        vec![Sample::mono(
            (0..1000).map(|i| (i + 1) as f32 / 1000.0).collect(),
        )],
    );
    bank.insert("one", vec![Sample::mono(vec![1.0; 20000])]);
    bank.insert(
        "st",
        vec![Sample::stereo(
            (0..1000)
                .flat_map(|i| [(i + 1) as f32 / 1000.0, -((i + 1) as f32) / 2000.0])
                .collect(),
        )],
    );
    bank
}

fn id(bank: &SampleBank, name: &str) -> SampleId {
    bank.find(name, 0.0).unwrap()
}

/// Renders `blocks` blocks of `size` frames, concatenated.
fn run(
    pool: &mut VoicePool,
    bank: &SampleBank,
    blocks: usize,
    size: usize,
) -> (Vec<f32>, Vec<f32>) {
    let (mut l, mut r) = (vec![0.0; blocks * size], vec![0.0; blocks * size]);
    for b in 0..blocks {
        let s = b * size;
        let (lb, rb) = (&mut l[s..s + size], &mut r[s..s + size]);
        pool.render(bank, lb, rb, &mut Sends::new(0));
    }
    (l, r)
}

fn max_jump(x: &[f32]) -> f32 {
    x.windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0, f32::max)
}

#[test]
fn onset_is_exact_and_first_value_is_the_first_frame() {
    let bank = bank();
    let ramp = bank.sample(id(&bank, "ramp")).data.clone();
    let mut pool = VoicePool::new(16, RATE);
    let mut v = VoiceStart::new(id(&bank, "ramp"), 100);
    v.gain = 0.5;
    pool.start(v);
    let (l, r) = run(&mut pool, &bank, 1, 512);
    let g = 0.5 * FRAC_PI_4.cos() as f32;
    assert!(l[..100].iter().chain(&r[..100]).all(|&x| x == 0.0));
    for j in 0..412 {
        assert!((l[100 + j] - ramp[j] * g).abs() <= 1e-7, "frame {j}");
        assert!((r[100 + j] - ramp[j] * g).abs() <= 1e-7, "frame {j}");
    }
}

#[test]
fn render_adds_into_the_buffers() {
    let bank = bank();
    let mut pool = VoicePool::new(16, RATE);
    let mut v = VoiceStart::new(id(&bank, "one"), 0);
    v.pan = 0.0;
    pool.start(v);
    let (mut l, mut r) = (vec![0.25f32; 64], vec![0.25f32; 64]);
    pool.render(&bank, &mut l, &mut r, &mut Sends::new(0));
    assert!(l.iter().all(|&x| (x - 1.25).abs() < 1e-6));
    assert!(r.iter().all(|&x| (x - 0.25).abs() < 1e-6));
}

#[test]
fn mono_pan_is_equal_power() {
    let bank = bank();
    // SuperDirt's pan: 0 left, 0.5 centre, 1 right; outside 0..1 clamped.
    for pan in [0.0f64, 0.25, 0.5, 0.65, 1.0, 7.0, -3.0] {
        let mut pool = VoicePool::new(4, RATE);
        let mut v = VoiceStart::new(id(&bank, "one"), 0);
        v.pan = pan as f32;
        pool.start(v);
        let (l, r) = run(&mut pool, &bank, 1, 64);
        let theta = pan.clamp(0.0, 1.0) * 2.0 * FRAC_PI_4;
        assert!((l[10] as f64 - theta.cos()).abs() < 1e-6, "pan {pan}");
        assert!((r[10] as f64 - theta.sin()).abs() < 1e-6, "pan {pan}");
        // Equal power: L² + R² = 1.
        assert!(((l[10] * l[10] + r[10] * r[10]) as f64 - 1.0).abs() < 1e-5);
    }
}

#[test]
fn stereo_pan_is_balance() {
    let bank = bank();
    for (pan, gl, gr) in [
        (0.5f32, 1.0f32, 1.0f32),
        (0.25, 1.0, 0.5),
        (0.625, 0.75, 1.0),
        (0.0, 1.0, 0.0),
        (1.0, 0.0, 1.0),
    ] {
        let mut pool = VoicePool::new(4, RATE);
        let mut v = VoiceStart::new(id(&bank, "st"), 0);
        v.pan = pan;
        pool.start(v);
        let (l, r) = run(&mut pool, &bank, 1, 64);
        for j in 0..64 {
            let (sl, sr) = ((j + 1) as f32 / 1000.0, -((j + 1) as f32) / 2000.0);
            assert!((l[j] - sl * gl).abs() < 1e-7, "pan {pan} frame {j}");
            assert!((r[j] - sr * gr).abs() < 1e-7, "pan {pan} frame {j}");
        }
    }
}

/// Renders one voice alone at pan 0 (left = sample * gain) for `frames` frames.
fn solo(bank: &SampleBank, v: VoiceStart, frames: usize) -> Vec<f32> {
    let mut pool = VoicePool::new(4, RATE);
    let mut v = v;
    v.pan = 0.0;
    pool.start(v);
    let (l, _) = run(&mut pool, bank, frames.div_ceil(256), 256);
    l[..frames].to_vec()
}

#[test]
fn begin_and_end_select_the_slice() {
    let bank = bank();
    let ramp = bank.sample(id(&bank, "ramp")).data.clone();
    let mut v = VoiceStart::new(id(&bank, "ramp"), 0);
    v.begin = 0.25;
    v.end = 0.75;
    let out = solo(&bank, v, 1024);
    assert_eq!(&out[..500], &ramp[250..750]);
    assert!(out[500..].iter().all(|&x| x == 0.0));

    // Out-of-range values are clamped; an empty slice is silent.
    v.begin = -3.0;
    v.end = 9.0;
    assert_eq!(&solo(&bank, v, 1000)[..], &ramp[..]);
    v.begin = 0.6;
    v.end = 0.4;
    assert!(solo(&bank, v, 1000).iter().all(|&x| x == 0.0));
}

#[test]
fn negative_rate_plays_the_slice_backwards() {
    let bank = bank();
    let ramp = bank.sample(id(&bank, "ramp")).data.clone();
    let mut v = VoiceStart::new(id(&bank, "ramp"), 0);
    v.rate = -1.0;
    v.begin = 0.25;
    v.end = 0.75;
    let out = solo(&bank, v, 1024);
    let reversed: Vec<f32> = ramp[250..750].iter().rev().copied().collect();
    assert_eq!(&out[..500], &reversed[..]);
    assert!(out[500..].iter().all(|&x| x == 0.0));

    // Stereo too.
    let st = bank.sample(id(&bank, "st")).data.clone();
    let mut pool = VoicePool::new(4, RATE);
    let mut v = VoiceStart::new(id(&bank, "st"), 0);
    v.rate = -1.0;
    pool.start(v);
    let (l, r) = run(&mut pool, &bank, 4, 256);
    for j in 0..1000 {
        assert_eq!(l[j], st[2 * (999 - j)]);
        assert_eq!(r[j], st[2 * (999 - j) + 1]);
    }
    assert!(l[1000..].iter().all(|&x| x == 0.0));
}

#[test]
fn other_rates_interpolate_linearly() {
    let bank = bank();
    let ramp = bank.sample(id(&bank, "ramp")).data.clone();
    let mut v = VoiceStart::new(id(&bank, "ramp"), 0);
    v.rate = 2.0;
    let out = solo(&bank, v, 1024);
    // ceil(1000 / 2) frames, every other frame of the sample.
    for j in 0..500 {
        assert_eq!(out[j], ramp[2 * j]);
    }
    assert!(out[500..].iter().all(|&x| x == 0.0));

    v.rate = 0.75;
    let out = solo(&bank, v, 1536);
    // ceil(1000 / 0.75) = 1334 frames.
    for (j, &y) in out.iter().enumerate().take(1334) {
        let p = j as f64 * 0.75;
        let i = p.floor() as usize;
        let b = ramp.get(i + 1).copied().unwrap_or(0.0) as f64;
        let want = ramp[i] as f64 + (b - ramp[i] as f64) * (p - i as f64);
        assert!((y as f64 - want).abs() < 1e-6, "frame {j}: {y} vs {want}");
    }
    assert!(out[1334..].iter().all(|&x| x == 0.0));

    // Backwards at -0.5 over the ramp: starts at the last frame, goes down by 0.5.
    v.rate = -0.5;
    let out = solo(&bank, v, 2048);
    assert_eq!(out[0], ramp[999]);
    assert!((out[1] - (ramp[998] + ramp[999]) / 2.0).abs() < 1e-6);
    // floor(999 / 0.5) + 1 = 1999 frames.
    assert!(out[1998] != 0.0 && out[1999..].iter().all(|&x| x == 0.0));
}

#[test]
fn a_pool_at_another_rate_than_the_bank_adjusts_the_step() {
    let bank = bank();
    let ramp = bank.sample(id(&bank, "ramp")).data.clone();
    // Pool at 22050 Hz plays a 44.1 kHz sample two frames per output frame.
    let mut pool = VoicePool::new(4, RATE / 2);
    pool.start(VoiceStart {
        pan: 0.0,
        ..VoiceStart::new(id(&bank, "ramp"), 0)
    });
    let (l, _) = run(&mut pool, &bank, 2, 512);
    for j in 0..500 {
        assert_eq!(l[j], ramp[2 * j]);
    }
    assert!(l[500..].iter().all(|&x| x == 0.0));
}

#[test]
fn legato_holds_then_releases_in_five_ms() {
    let bank = bank();
    let mut v = VoiceStart::new(id(&bank, "one"), 0);
    v.length = Some(1000.0);
    let out = solo(&bank, v, 2048);
    assert!(out[..1000].iter().all(|&x| x == 1.0));
    // Then a linear release to 0 over FADE frames.
    for j in 0..FADE {
        let want = 1.0 - j as f32 / FADE as f32;
        assert!((out[1000 + j] - want).abs() < 1e-5, "release frame {j}");
    }
    assert!(out[1000 + FADE..].iter().all(|&x| x == 0.0));
    assert!(max_jump(&out[..1000 + FADE + 1]) < 1.0 / FADE as f32 + 1e-5);

    // A legato longer than the sample: plays to the end of its slice.
    v.length = Some(1e9);
    v.source = Source::Sample(id(&bank, "ramp"));
    let out = solo(&bank, v, 2048);
    assert!(out[999] != 0.0 && out[1000..].iter().all(|&x| x == 0.0));
}

#[test]
fn attack_and_release_are_linear_ramps() {
    let bank = bank();
    let mut v = VoiceStart::new(id(&bank, "one"), 0);
    v.attack = 0.01; // 441 frames
    v.release = 0.02; // 882 frames, ending at the sample's end (20000)
    let out = solo(&bank, v, 20480);
    for j in 0..441 {
        assert!((out[j] - j as f32 / 441.0).abs() < 1e-5, "attack frame {j}");
    }
    assert!(out[441..20000 - 882].iter().all(|&x| x == 1.0));
    for a in 20000 - 882..20000 {
        let want = (20000 - a) as f32 / 882.0;
        assert!((out[a] - want).abs() < 1e-5, "release frame {a}");
    }
    assert!(out[20000..].iter().all(|&x| x == 0.0));

    // Attack and release longer than the voice: the ramps meet (min of the two).
    let mut v = VoiceStart::new(id(&bank, "one"), 0);
    v.length = Some(1000.0);
    v.attack = 1.0;
    v.release = 1.0;
    let out = solo(&bank, v, 2048);
    let len = 1000.0 + FADE as f64;
    let (a, r) = (44100.0, len.min(44100.0));
    for (j, &y) in out.iter().enumerate().take(len as usize) {
        let want = (j as f64 / a).min((len - j as f64) / r);
        assert!((y as f64 - want).abs() < 1e-4, "frame {j}: {y} vs {want}");
    }
}

#[test]
fn a_cut_group_fades_the_old_voice_from_the_new_onset() {
    let bank = bank();
    let mut pool = VoicePool::new(16, RATE);
    let mut a = VoiceStart::new(id(&bank, "one"), 0);
    a.pan = 0.0;
    a.cut = Some(1);
    let mut other = a;
    other.cut = Some(2);
    other.gain = 0.5;
    pool.start(a);
    pool.start(other);
    let (l1, _) = run(&mut pool, &bank, 1, 512);
    assert!(l1.iter().all(|&x| x == 1.5));
    let mut b = VoiceStart::new(id(&bank, "one"), 200);
    b.pan = 1.0;
    b.cut = Some(1);
    pool.start(b);
    let (l2, r2) = run(&mut pool, &bank, 2, 512);
    // The old voice is untouched up to the new onset, then fades over 5 ms; the
    // voice of group 2 keeps playing.
    assert!(l2[..201].iter().all(|&x| x == 1.5));
    assert!(l2[200 + FADE..].iter().all(|&x| x == 0.5));
    assert!(max_jump(&l2) <= 1.0 / FADE as f32 + 1e-5);
    // The new voice starts exactly at its onset.
    assert!(r2[..200].iter().all(|&x| x == 0.0));
    assert!(r2[200..].iter().all(|&x| x == 1.0));
    assert_eq!(pool.active(), 2);
}

#[test]
fn cut_between_voices_starting_in_the_same_block() {
    let bank = bank();
    let mut pool = VoicePool::new(16, RATE);
    let mut a = VoiceStart::new(id(&bank, "one"), 10);
    a.pan = 0.0;
    a.cut = Some(3);
    let mut b = VoiceStart::new(id(&bank, "one"), 300);
    b.pan = 1.0;
    b.cut = Some(3);
    // Queued in reverse order: the pool orders starts by offset.
    pool.start(b);
    pool.start(a);
    let (l, r) = run(&mut pool, &bank, 2, 512);
    assert!(l[..10].iter().all(|&x| x == 0.0));
    assert!(l[10..301].iter().all(|&x| x == 1.0));
    assert!(l[300 + FADE..].iter().all(|&x| x == 0.0));
    assert!(r[300..].iter().all(|&x| x == 1.0));
}

#[test]
fn a_full_pool_steals_the_oldest_voice_with_a_fade() {
    let bank = bank();
    let mut pool = VoicePool::new(4, RATE);
    for k in 0..4 {
        let mut v = VoiceStart::new(id(&bank, "one"), k);
        v.pan = 0.0;
        v.gain = 0.25;
        pool.start(v);
    }
    let (l1, _) = run(&mut pool, &bank, 1, 512);
    assert!((l1[100] - 1.0).abs() < 1e-6);
    let mut new = VoiceStart::new(id(&bank, "one"), 100);
    new.pan = 1.0;
    pool.start(new);
    let (l, r) = run(&mut pool, &bank, 1, 512);
    assert_eq!(pool.active(), 4);
    // The new voice plays from its onset.
    assert!(r[..100].iter().all(|&x| x == 0.0));
    assert!(r[100..].iter().all(|&x| x == 1.0));
    // One of the four fades out smoothly from the onset: 1.0 -> 0.75.
    assert!(l[..101].iter().all(|&x| (x - 1.0).abs() < 1e-6));
    assert!(l[100 + FADE..].iter().all(|&x| (x - 0.75).abs() < 1e-6));
    assert!(max_jump(&l) <= 0.25 / FADE as f32 + 1e-5);
}

#[test]
fn many_steals_in_one_block_stay_bounded_and_finite() {
    let bank = bank();
    let mut pool = VoicePool::new(2, RATE);
    for k in 0..1000 {
        pool.start(VoiceStart::new(id(&bank, "one"), k % 512));
    }
    let (l, r) = run(&mut pool, &bank, 3, 512);
    assert!(l.iter().chain(&r).all(|x| x.is_finite()));
    // Two live voices plus at most the fading headroom.
    assert!(pool.active() <= 2 + 64);
    let (l, _) = run(&mut pool, &bank, 1, 512);
    assert_eq!(pool.active(), 2);
    assert!(l
        .iter()
        .all(|&x| (x - 2.0 * FRAC_PI_4.cos() as f32).abs() < 1e-5));
}

/// A varied set of starts at global frames, for the block-size test.
fn varied(bank: &SampleBank) -> Vec<(usize, VoiceStart)> {
    let mut out = Vec::new();
    let names = ["ramp", "one", "st"];
    for k in 0..24usize {
        let mut v = VoiceStart::new(id(bank, names[k % 3]), 0);
        v.rate = [1.0, -1.0, 0.73, 1.5, -0.61, 2.0][k % 6];
        v.gain = 0.1 + 0.05 * k as f32;
        v.pan = (k as f32 * 0.37) % 2.0 - 1.0;
        v.begin = [0.0, 0.1, 0.33][k % 3];
        v.end = [1.0, 0.9, 0.77, 0.5][k % 4];
        v.attack = [0.0, 0.003, 0.0][k % 3];
        v.release = [0.0, 0.0, 0.004, 0.01][k % 4];
        v.length = if k % 5 == 0 { Some(700.0) } else { None };
        v.cut = if k % 7 == 0 { Some(1) } else { None };
        // Every fourth voice takes the chain path: effects, a glide, a loop, an
        // envelope with hold and decay, a send.
        if k % 4 == 3 {
            v.fx.cutoff = Some(300.0 + 200.0 * k as f32);
            v.fx.resonance = Some(0.3);
            v.fx.shape = Some(0.4);
            v.fx.coarse = Some(if k % 8 == 3 { 3.0 } else { 1.0 });
            v.fx.vowel = if k % 8 == 7 { Some(Vowel::O) } else { None };
            v.accelerate = [0.0, 0.5, -0.3][k % 3];
            v.loops = if k % 3 == 0 { 2.0 } else { 1.0 };
            v.adsr = Adsr {
                hold: 0.001,
                decay: 0.004,
                sus: 0.5,
            };
            v.sends.room = 0.3;
        }
        out.push((k * 397 % 5000, v));
    }
    out.sort_by_key(|(t, _)| *t);
    out
}

fn render_split(bank: &SampleBank, sizes: &[usize], total: usize) -> (Vec<f32>, Vec<f32>) {
    let starts = varied(bank);
    let mut pool = VoicePool::new(8, RATE);
    let (mut l, mut r) = (vec![0.0; total], vec![0.0; total]);
    let (mut t, mut k) = (0, 0);
    while t < total {
        let n = sizes[k % sizes.len()].min(total - t);
        k += 1;
        for (at, v) in &starts {
            if (t..t + n).contains(at) {
                pool.start(VoiceStart {
                    offset: at - t,
                    ..*v
                });
            }
        }
        pool.render(bank, &mut l[t..t + n], &mut r[t..t + n], &mut Sends::new(0));
        t += n;
    }
    (l, r)
}

#[test]
fn blocks_of_any_size_equal_one_long_block() {
    let bank = bank();
    let total = 12000;
    let long = render_split(&bank, &[total], total);
    assert!(long.0.iter().any(|&x| x != 0.0));
    for sizes in [&[512][..], &[1][..], &[100, 37, 1, 512, 3]] {
        let split = render_split(&bank, sizes, total);
        let first_difference =
            (0..total).find(|&i| split.0[i] != long.0[i] || split.1[i] != long.1[i]);
        assert_eq!(first_difference, None, "block sizes {sizes:?}");
    }
}

#[test]
fn a_start_offset_beyond_the_block_starts_in_a_later_block() {
    let bank = bank();
    let ramp = bank.sample(id(&bank, "ramp")).data.clone();
    let mut pool = VoicePool::new(4, RATE);
    pool.start(VoiceStart {
        pan: 0.0,
        ..VoiceStart::new(id(&bank, "ramp"), 700)
    });
    let (l, _) = run(&mut pool, &bank, 4, 256);
    assert!(l[..700].iter().all(|&x| x == 0.0));
    assert_eq!(&l[700..1024], &ramp[..324]);
}

#[test]
fn hostile_parameters_give_finite_output() {
    let bank = bank();
    let mut larger = SampleBank::empty(RATE);
    for k in 0..10 {
        larger.insert(&format!("x{k}"), vec![Sample::mono(vec![1.0])]);
    }
    let foreign = id(&larger, "x9");
    let mut pool = VoicePool::new(64, RATE);
    let nan = f32::NAN;
    let weird = [
        VoiceStart {
            gain: nan,
            pan: nan,
            attack: nan,
            release: nan,
            ..VoiceStart::new(id(&bank, "ramp"), 0)
        },
        VoiceStart {
            begin: f64::NAN,
            end: f64::NAN,
            ..VoiceStart::new(id(&bank, "one"), 3)
        },
        VoiceStart {
            rate: 1e300,
            ..VoiceStart::new(id(&bank, "st"), 5)
        },
        VoiceStart {
            rate: -1e300,
            ..VoiceStart::new(id(&bank, "ramp"), 5)
        },
        VoiceStart {
            rate: 1e-300,
            ..VoiceStart::new(id(&bank, "one"), 5)
        },
        VoiceStart {
            rate: f64::NAN,
            ..VoiceStart::new(id(&bank, "one"), 5)
        },
        VoiceStart {
            rate: 0.0,
            ..VoiceStart::new(id(&bank, "one"), 5)
        },
        VoiceStart {
            length: Some(f64::NAN),
            ..VoiceStart::new(id(&bank, "one"), 5)
        },
        VoiceStart {
            length: Some(-5.0),
            ..VoiceStart::new(id(&bank, "one"), 5)
        },
        VoiceStart {
            length: Some(f64::INFINITY),
            ..VoiceStart::new(id(&bank, "one"), 5)
        },
        VoiceStart {
            attack: f32::INFINITY,
            release: 1e30,
            ..VoiceStart::new(id(&bank, "one"), 5)
        },
        VoiceStart {
            attack: -1.0,
            release: -1.0,
            gain: -2.0,
            ..VoiceStart::new(id(&bank, "one"), 5)
        },
        VoiceStart {
            gain: f32::INFINITY,
            ..VoiceStart::new(id(&bank, "one"), 5)
        },
        VoiceStart {
            cut: Some(i64::MIN),
            ..VoiceStart::new(id(&bank, "one"), 5)
        },
        // An id of another, larger bank: not one this bank holds.
        VoiceStart::new(foreign, 7),
        VoiceStart::new(id(&bank, "ramp"), usize::MAX),
    ];
    for v in weird {
        pool.start(v);
    }
    let (l, r) = run(&mut pool, &bank, 8, 512);
    assert!(l.iter().chain(&r).all(|x| x.is_finite()));
    // An empty block is fine too.
    pool.render(&bank, &mut [], &mut [], &mut Sends::new(0));
    pool.reset();
    assert_eq!(pool.active(), 0);
}

#[test]
fn start_and_render_never_allocate() {
    let bank = bank();
    let mut pool = VoicePool::new(VoicePool::DEFAULT_CAPACITY, RATE);
    let (mut l, mut r) = (vec![0.0f32; 512], vec![0.0f32; 512]);
    let starts = varied(&bank);
    let mut sends = Sends::new(512);
    // The counter sees this thread's allocations.
    let before = allocations();
    let probe: Vec<u8> = Vec::with_capacity(10);
    assert!(allocations() > before && probe.capacity() >= 10);
    let before = allocations();
    for block in 0..50 {
        for (k, (_, v)) in starts.iter().enumerate() {
            for copy in 0..(10 + block) {
                pool.start(VoiceStart {
                    offset: (k * 31 + copy) % 512,
                    ..*v
                });
            }
        }
        pool.render(&bank, &mut l, &mut r, &mut sends);
    }
    pool.reset();
    assert_eq!(allocations(), before, "the pool allocated after new");
}

fn controls(pairs: &[(Control, Scalar)]) -> Controls {
    let mut c = Controls::new();
    for (k, v) in pairs {
        c.set(*k, v.clone());
    }
    c
}

fn word(w: &str) -> Scalar {
    Scalar::Word(Arc::from(w))
}

#[test]
fn starts_from_controls() {
    let mut bank = bank();
    bank.insert("808", vec![Sample::mono(vec![0.5; 10])]);
    let ramp = id(&bank, "ramp");

    let none = VoiceStart::from_controls(&Controls::new(), 0, 100.0, &bank);
    assert_eq!(none, Err(StartError::NoSound));
    let unknown =
        VoiceStart::from_controls(&controls(&[(Control::S, word("zz"))]), 0, 100.0, &bank);
    assert_eq!(unknown, Err(StartError::UnknownSample("zz".to_string())));
    assert!(unknown.unwrap_err().to_string().contains("zz"));

    let v = VoiceStart::from_controls(&controls(&[(Control::S, word("ramp"))]), 17, 100.0, &bank)
        .unwrap();
    assert_eq!(
        v,
        VoiceStart {
            event: 100.0,
            ..VoiceStart::new(ramp, 17)
        }
    );

    let s = (Control::S, word("ramp"));
    let rate_of = |c: &[(Control, Scalar)]| {
        VoiceStart::from_controls(&controls(c), 0, 100.0, &bank)
            .unwrap()
            .rate
    };
    // Note names count from c4 (MIDI 60), numbers are semitones.
    assert!((rate_of(&[s.clone(), (Control::Note, word("c5"))]) - 2.0).abs() < 1e-12);
    assert!((rate_of(&[s.clone(), (Control::Note, Scalar::Note(72.0))]) - 2.0).abs() < 1e-12);
    assert!((rate_of(&[s.clone(), (Control::Note, Scalar::Num(-12.0))]) - 0.5).abs() < 1e-12);
    assert!(
        (rate_of(&[s.clone(), (Control::Note, word("a4"))]) - 2f64.powf(9.0 / 12.0)).abs() < 1e-12
    );
    assert!(
        (rate_of(&[
            s.clone(),
            (Control::Speed, Scalar::Num(-1.5)),
            (Control::Note, Scalar::Num(7.0))
        ]) - -1.5 * 2f64.powf(7.0 / 12.0))
        .abs()
            < 1e-12
    );

    let v = VoiceStart::from_controls(
        &controls(&[
            s.clone(),
            (Control::Gain, Scalar::Num(0.8)),
            (Control::Pan, Scalar::Num(-0.25)),
            (Control::Begin, Scalar::Num(0.1)),
            (Control::End, Scalar::Num(0.6)),
            (Control::Cut, Scalar::Num(2.7)),
            (Control::Legato, Scalar::Num(0.5)),
            (Control::Attack, Scalar::Num(0.01)),
            (Control::Release, Scalar::Num(0.2)),
        ]),
        3,
        1000.0,
        &bank,
    )
    .unwrap();
    assert_eq!((v.gain, v.pan, v.begin, v.end), (0.8, -0.25, 0.1, 0.6));
    assert_eq!(
        (v.cut, v.length, v.attack, v.release),
        (Some(2), Some(500.0), 0.01, 0.2)
    );
    let cut0 = VoiceStart::from_controls(
        &controls(&[s.clone(), (Control::Cut, Scalar::Num(0.0))]),
        0,
        1.0,
        &bank,
    );
    assert_eq!(cut0.unwrap().cut, None);

    // n picks the variant with wrapping; a numeric s names a folder like 808.
    let mut bank2 = bank.clone();
    bank2.insert("v", vec![Sample::mono(vec![1.0]), Sample::mono(vec![2.0])]);
    let n_of = |n: f64| {
        let c = controls(&[(Control::S, word("v")), (Control::N, Scalar::Num(n))]);
        VoiceStart::from_controls(&c, 0, 1.0, &bank2)
            .unwrap()
            .source
    };
    assert_eq!(n_of(3.0), Source::Sample(bank2.find("v", 1.0).unwrap()));
    assert_eq!(n_of(-2.0), Source::Sample(bank2.find("v", 0.0).unwrap()));
    let num = VoiceStart::from_controls(
        &controls(&[(Control::S, Scalar::Num(808.0))]),
        0,
        1.0,
        &bank2,
    );
    assert_eq!(
        num.unwrap().source,
        Source::Sample(bank2.find("808", 0.0).unwrap())
    );
}

#[test]
fn speed_zero_and_empty_slices_start_nothing() {
    let bank = bank();
    let mut pool = VoicePool::new(4, RATE);
    pool.start(VoiceStart {
        rate: 0.0,
        ..VoiceStart::new(id(&bank, "one"), 0)
    });
    pool.start(VoiceStart {
        begin: 0.5,
        end: 0.5,
        ..VoiceStart::new(id(&bank, "one"), 0)
    });
    pool.start(VoiceStart {
        length: Some(0.0),
        ..VoiceStart::new(id(&bank, "one"), 0)
    });
    let (l, r) = run(&mut pool, &bank, 1, 64);
    assert_eq!(pool.active(), 0);
    assert!(l.iter().chain(&r).all(|&x| x == 0.0));
}

#[test]
fn the_pool_counts_the_voice_frames_it_mixes() {
    // Two voices of `ramp` (1000 frames each, at rate 1), from frames 100 and 300 of
    // the first block: over four blocks of 512 each plays its 1000 frames, once.
    let bank = bank();
    let mut pool = VoicePool::new(16, RATE);
    pool.start(VoiceStart::new(id(&bank, "ramp"), 100));
    pool.start(VoiceStart::new(id(&bank, "ramp"), 300));
    let (l, _) = run(&mut pool, &bank, 1, 512);
    // The first block holds 412 frames of one and 212 of the other.
    assert_eq!(pool.mixed_frames(), 412 + 212);
    assert!(l[99] == 0.0 && l[100] > 0.0);
    run(&mut pool, &bank, 3, 512);
    assert_eq!(pool.mixed_frames(), 2000);
    assert_eq!(pool.active(), 0);
}
