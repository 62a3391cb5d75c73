//! The orbits (`runtime::orbits`): per-orbit reverb and delay fed by the sounds'
//! sends, filled here by hand. Expected values are worked out from the effects' stated
//! parameters: echo frames from delay times and rates, echo levels as powers of the
//! feedback, reverb decay from Freeverb's comb feedback `0.7 + 0.28·size` and its
//! longest comb line, the smoother's course from its time constant.

use phonon::dsp::effects::Reverb;
use phonon::runtime::orbits::{Orbits, PARAM_LAG};
use phonon::voices::sends::{OrbitParams, Sends};

const RATE: u32 = 44_100;
const BLOCK: usize = 512;

fn params(size: f32, dry: f32, delaytime: f32, delayfeedback: f32, lock: bool) -> OrbitParams {
    OrbitParams {
        size,
        dry,
        delaytime,
        delayfeedback,
        lock,
    }
}

/// What one sound sends in one block.
#[derive(Clone, Default)]
struct Block {
    /// (orbit, frame, left, right) added to the delay send.
    delay: Vec<(usize, usize, f32, f32)>,
    /// (orbit, frame, left, right) added to the room send.
    room: Vec<(usize, usize, f32, f32)>,
    /// (orbit, onset frame, parameters).
    params: Vec<(usize, usize, OrbitParams)>,
}

fn fill(sends: &mut Sends, b: &Block) {
    sends.clear();
    for &(o, f, l, r) in &b.delay {
        sends.orbits[o].delay[0][f] += l;
        sends.orbits[o].delay[1][f] += r;
        sends.orbits[o].active = true;
    }
    for &(o, f, l, r) in &b.room {
        sends.orbits[o].room[0][f] += l;
        sends.orbits[o].room[1][f] += r;
        sends.orbits[o].active = true;
    }
    for &(o, f, p) in &b.params {
        sends.orbits[o].params = Some((f, p));
    }
}

/// Runs `blocks` blocks through fresh orbits at tempo `cps`; `feed(k)` says what
/// the one sound sends in block `k`. Returns the left and right output.
fn run(blocks: usize, cps: f64, feed: impl Fn(usize) -> Block) -> (Vec<f32>, Vec<f32>, Orbits) {
    let mut orbits = Orbits::new(RATE, BLOCK);
    let mut sends = Sends::new(BLOCK);
    let (mut l, mut r) = (Vec::new(), Vec::new());
    for k in 0..blocks {
        fill(&mut sends, &feed(k));
        orbits.process(std::iter::once(&sends), BLOCK, cps);
        match (orbits.output(0), orbits.output(1)) {
            (Some(a), Some(b)) => {
                l.extend_from_slice(&a[..BLOCK]);
                r.extend_from_slice(&b[..BLOCK]);
            }
            _ => {
                l.extend(std::iter::repeat_n(0.0, BLOCK));
                r.extend(std::iter::repeat_n(0.0, BLOCK));
            }
        }
    }
    (l, r, orbits)
}

/// The frames whose magnitude passes `floor`, with their values.
fn peaks(x: &[f32], floor: f32) -> Vec<(usize, f32)> {
    x.iter()
        .enumerate()
        .filter(|(_, v)| v.abs() > floor)
        .map(|(i, v)| (i, *v))
        .collect()
}

/// An impulse into the delay of `orbit` at frame `at` of block 0, with `p`.
fn impulse(
    orbit: usize,
    at: usize,
    left: f32,
    right: f32,
    p: OrbitParams,
) -> impl Fn(usize) -> Block {
    move |k| {
        if k == 0 {
            Block {
                delay: vec![(orbit, at, left, right)],
                params: vec![(orbit, at, p)],
                ..Block::default()
            }
        } else {
            Block::default()
        }
    }
}

#[test]
fn echoes_come_at_the_delay_time_with_feedback_powers() {
    // 0.25 s at 44.1 kHz is 11025 frames; feedback 0.5: echo k has level 0.5^(k-1).
    let d = 11_025;
    let at = 10;
    let (l, r, _) = run(
        100,
        1.0,
        impulse(0, at, 1.0, -0.5, params(0.5, 0.0, 0.25, 0.5, false)),
    );
    let expected: Vec<(usize, f32)> = (1..=4)
        .map(|k| (at + k * d, 0.5f32.powi(k as i32 - 1)))
        .collect();
    assert_eq!(peaks(&l, 1e-6), expected, "left echoes");
    let right: Vec<(usize, f32)> = expected.iter().map(|&(f, v)| (f, -0.5 * v)).collect();
    assert_eq!(peaks(&r, 1e-6), right, "right echoes");
}

#[test]
fn feedback_is_clamped_below_one() {
    // delayfeedback 3 is clamped to 0.99: echo k has level 0.99^(k-1).
    let (l, _, _) = run(
        100,
        1.0,
        impulse(0, 0, 1.0, 0.0, params(0.5, 0.0, 0.1, 3.0, false)),
    );
    let d = 4410;
    for k in 1..=10usize {
        let want = 0.99f64.powi(k as i32 - 1);
        let got = f64::from(l[k * d]);
        assert!((got - want).abs() < 1e-5, "echo {k}: {got} vs {want}");
    }
}

#[test]
fn lock_counts_the_delay_time_in_cycles() {
    // lock 1, delaytime 0.125 cycles at 0.5 cycles per second: 0.25 s, 11025 frames
    // (without the lock it would be 0.125 s, 5512.5 frames).
    let (l, _, _) = run(
        40,
        0.5,
        impulse(0, 0, 1.0, 0.0, params(0.5, 0.0, 0.125, 0.0, true)),
    );
    assert_eq!(peaks(&l, 1e-6), vec![(11_025, 1.0)]);
    // The same at 2 cycles per second: 1/16 s, 2756.25 frames, read between frames
    // 2756 and 2757 (linear interpolation: 0.75 and 0.25).
    let (l, _, _) = run(
        40,
        2.0,
        impulse(0, 0, 1.0, 0.0, params(0.5, 0.0, 0.125, 0.0, true)),
    );
    let p = peaks(&l, 1e-6);
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!((p[0].0, p[1].0), (2756, 2757));
    assert!(
        (p[0].1 - 0.75).abs() < 1e-4 && (p[1].1 - 0.25).abs() < 1e-4,
        "{p:?}"
    );
}

#[test]
fn orbits_are_separate() {
    // Delay 0.1 s on orbit 1 only: orbit 0 never runs, and the output is what orbit 0
    // gives for the same send.
    let p = params(0.5, 0.0, 0.1, 0.25, false);
    let (l1, r1, o1) = run(40, 1.0, impulse(1, 3, 1.0, 1.0, p));
    assert!(o1.running(1) && !o1.running(0));
    let (l0, r0, o0) = run(40, 1.0, impulse(0, 3, 1.0, 1.0, p));
    assert!(o0.running(0) && !o0.running(1));
    assert_eq!((&l1, &r1), (&l0, &r0));
    // Two orbits with their own delay times: each echoes at its own.
    let both = |k: usize| {
        if k == 0 {
            Block {
                delay: vec![(0, 0, 1.0, 0.0), (1, 0, 0.0, 1.0)],
                params: vec![
                    (0, 0, params(0.5, 0.0, 0.1, 0.0, false)),
                    (1, 0, params(0.5, 0.0, 0.2, 0.0, false)),
                ],
                ..Block::default()
            }
        } else {
            Block::default()
        }
    };
    let (l, r, _) = run(40, 1.0, both);
    assert_eq!(peaks(&l, 1e-6), vec![(4410, 1.0)], "orbit 0, left only");
    assert_eq!(peaks(&r, 1e-6), vec![(8820, 1.0)], "orbit 1, right only");
}

#[test]
fn the_latest_event_sets_the_parameters_from_its_onset() {
    // Two sounds on orbit 0 in one block: the later onset's delay time wins, over the
    // sound order; both impulses then echo at 0.05 s (2205 frames).
    let mut orbits = Orbits::new(RATE, BLOCK);
    let (mut a, mut b) = (Sends::new(BLOCK), Sends::new(BLOCK));
    fill(
        &mut a,
        &Block {
            delay: vec![(0, 100, 1.0, 0.0)],
            params: vec![(0, 100, params(0.5, 0.0, 0.05, 0.0, false))],
            ..Block::default()
        },
    );
    fill(
        &mut b,
        &Block {
            delay: vec![(0, 20, 0.5, 0.0)],
            params: vec![(0, 20, params(0.5, 0.0, 0.3, 0.0, false))],
            ..Block::default()
        },
    );
    let mut l = Vec::new();
    for k in 0..10 {
        orbits.process([&a, &b].into_iter(), BLOCK, 1.0);
        l.extend_from_slice(&orbits.output(0).unwrap_or(&[0.0; BLOCK])[..BLOCK]);
        if k == 0 {
            a.clear();
            b.clear();
        }
    }
    assert_eq!(peaks(&l, 1e-6), vec![(20 + 2205, 0.5), (100 + 2205, 1.0)]);
}

/// Deterministic noise in -1..1.
fn noise(seed: u64, n: usize) -> Vec<f32> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect()
}

fn rms(x: &[f32]) -> f64 {
    (x.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / x.len() as f64).sqrt()
}

/// Noise sent to orbit 0's reverb for `blocks_on` blocks, with `p`.
fn reverb_run(p: OrbitParams, blocks_on: usize, blocks: usize) -> Vec<f32> {
    let x = noise(7, blocks_on * BLOCK);
    let (l, _, _) = run(blocks, 1.0, move |k| {
        if k < blocks_on {
            Block {
                room: (0..BLOCK).map(|i| (0, i, x[k * BLOCK + i], 0.0)).collect(),
                params: vec![(0, 0, p)],
                ..Block::default()
            }
        } else {
            Block::default()
        }
    });
    l
}

#[test]
fn the_reverb_tail_rings_on_and_decays_at_the_rate_size_implies() {
    // Freeverb's combs feed back `fb = 0.7 + 0.28·size` per trip round their line,
    // through a damping low-pass of gain 1 at 0 Hz: a comb's lowest mode falls by
    // 20·log10(fb) dB per trip, its higher ones faster. The tail is the sum of the 8
    // combs (the all-passes after them change no level in the long run), so once the
    // high modes have died its level falls no slower than the longest comb's lowest
    // mode (1617 frames a trip at 44.1 kHz, left channel) and no faster than the
    // shortest comb's (1116 frames). The three sizes' brackets do not overlap.
    let (combs, _) = Reverb::line_lengths(RATE as f32, 0);
    let longest = combs.iter().copied().max().unwrap_or(0) as f64;
    let shortest = combs.iter().copied().min().unwrap_or(0) as f64;
    assert_eq!((shortest, longest), (1116.0, 1617.0));
    let on = 40; // about 0.46 s of noise
    for size in [0.2f32, 0.5, 0.9] {
        let fb = 0.7 + 0.28 * f64::from(size);
        let per_trip = 20.0 * fb.log10() * f64::from(RATE);
        let (slowest, fastest) = (per_trip / longest, per_trip / shortest);
        // Measured from where the slowest mode has fallen 12 dB to where it has
        // fallen 36 dB: late enough for the high modes to have died.
        let (t1, t2) = (12.0 / -slowest, 36.0 / -slowest);
        let window = 4096;
        let stop = on * BLOCK;
        let blocks = on + ((t2 * f64::from(RATE)) as usize + window) / BLOCK + 2;
        let l = reverb_run(params(size, 0.0, 0.0, 0.0, false), on, blocks);
        let at = |seconds: f64| {
            let f = stop + (seconds * f64::from(RATE)) as usize;
            rms(&l[f..f + window])
        };
        assert!(
            at(0.05) > 1e-3,
            "size {size}: it rings on after the send stops"
        );
        let measured = 20.0 * (at(t2) / at(t1)).log10() / (t2 - t1);
        assert!(
            measured < slowest && measured > fastest,
            "size {size}: {measured:.1} dB/s, expected between {slowest:.1} and {fastest:.1}"
        );
    }
}

#[test]
fn dry_lowers_the_reverb_output() {
    // `dry` scales the reverb's output by 1 - dry: dry 1 silences it, dry 0.25 gives
    // three quarters of dry 0.
    let full = reverb_run(params(0.5, 0.0, 0.0, 0.0, false), 4, 20);
    let part = reverb_run(params(0.5, 0.25, 0.0, 0.0, false), 4, 20);
    let none = reverb_run(params(0.5, 1.0, 0.0, 0.0, false), 4, 20);
    assert!(rms(&full) > 1e-3);
    assert!(none.iter().all(|v| *v == 0.0));
    for (a, b) in full.iter().zip(&part) {
        assert!((0.75 * a - b).abs() <= 1e-6 * (1.0 + a.abs()), "{a} {b}");
    }
}

#[test]
fn a_parameter_change_glides_with_the_stated_time_constant() {
    // Noise into the reverb throughout; at frame 100 of block 6 an event sets dry 1.
    // The output then is the unchanged run's times the smoother's gain, which falls
    // from 1 by the factor e^(-1/(τ·rate)) every frame from the onset on (τ =
    // PARAM_LAG): no jump to silence.
    let n = 12;
    let x = noise(3, n * BLOCK);
    let feed = |change: bool| {
        let x = x.clone();
        move |k: usize| Block {
            room: (0..BLOCK).map(|i| (0, i, x[k * BLOCK + i], 0.0)).collect(),
            // Every later event has dry 1 too.
            params: if change && k >= 6 {
                let at = if k == 6 { 100 } else { 0 };
                vec![(0, at, params(0.5, 1.0, 0.0, 0.0, false))]
            } else {
                vec![(0, 0, params(0.5, 0.0, 0.0, 0.0, false))]
            },
            ..Block::default()
        }
    };
    let (a, _, _) = run(n, 1.0, feed(false));
    let (b, _, _) = run(n, 1.0, feed(true));
    let onset = 6 * BLOCK + 100;
    assert_eq!(&a[..onset], &b[..onset], "nothing changes before the onset");
    let per_frame = (-1.0 / (f64::from(PARAM_LAG) * f64::from(RATE))).exp();
    let mut checked = 0;
    for i in 0..1500 {
        let (x, y) = (f64::from(a[onset + i]), f64::from(b[onset + i]));
        if x.abs() > 1e-3 {
            let gain = per_frame.powi(i as i32 + 1);
            assert!(
                (y / x - gain).abs() < 1e-3,
                "frame {i}: {} vs {gain}",
                y / x
            );
            checked += 1;
        }
    }
    assert!(checked > 1000);
}

#[test]
fn a_reload_carries_the_tails() {
    // Echoes and reverb running in one set of orbits; a fresh set takes over their
    // state after 5 blocks and goes on exactly as the first does.
    let x = noise(11, BLOCK);
    let p = params(0.7, 0.0, 0.3, 0.6, false);
    let first = |k: usize| Block {
        delay: if k == 0 {
            vec![(2, 0, 1.0, 0.5)]
        } else {
            vec![]
        },
        room: if k == 0 {
            (0..BLOCK).map(|i| (2, i, x[i], 0.0)).collect()
        } else {
            vec![]
        },
        params: if k == 0 { vec![(2, 0, p)] } else { vec![] },
    };
    let mut old = Orbits::new(RATE, BLOCK);
    let mut sends = Sends::new(BLOCK);
    for k in 0..5 {
        fill(&mut sends, &first(k));
        old.process(std::iter::once(&sends), BLOCK, 1.0);
    }
    let mut new = Orbits::new(RATE, BLOCK);
    new.copy_from(&old);
    assert!(new.running(2));
    sends.clear();
    let mut heard = 0.0f32;
    for _ in 0..100 {
        old.process(std::iter::once(&sends), BLOCK, 1.0);
        new.process(std::iter::once(&sends), BLOCK, 1.0);
        for c in 0..2 {
            assert_eq!(old.output(c), new.output(c));
        }
        heard = heard.max(
            new.output(0)
                .map_or(0.0, |o| o.iter().fold(0.0, |m, v| m.max(v.abs()))),
        );
    }
    assert!(heard > 0.1, "the carried echoes sound");
}

#[test]
fn a_bad_sample_is_not_kept() {
    // A NaN and an infinity sent to an orbit do not poison its lines: later sends
    // come out finite.
    let (l, r, _) = run(200, 1.0, |k| Block {
        delay: vec![(0, 5, if k == 0 { f32::NAN } else { 0.1 }, f32::INFINITY)],
        room: vec![(0, 9, f32::NEG_INFINITY, f32::NAN)],
        params: vec![(0, 0, params(0.5, 0.0, 0.01, 0.5, false))],
    });
    assert!(l.iter().chain(&r).all(|v| v.is_finite()));
}
