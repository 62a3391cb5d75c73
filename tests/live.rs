//! Live playback driven by hand: the scheduler pumped and the audio callback called
//! on the test's thread, so every frame is reproducible. The expected signals are
//! offline renders of the same patches (`Runtime::process`), an independent path
//! through the runtime: no query thread, no batches, no swaps.

use std::sync::Arc;

use phonon::jit::engine::{JitEngine, JitOptions};
use phonon::live::{self, Pipeline, Previous, Program};
use phonon::runtime::{Config, Runtime};
use phonon::samples::SampleBank;

const RATE: u32 = 44_100;

fn bank() -> Arc<SampleBank> {
    Arc::new(SampleBank::builtin(RATE))
}

struct Session {
    pipe: Pipeline,
    previous: Option<Previous>,
    config: Config,
    bank: Arc<SampleBank>,
}

impl Session {
    fn new(block: usize) -> Session {
        let bank = bank();
        Session {
            pipe: live::pipeline(block, RATE, bank.clone()),
            previous: None,
            config: Config {
                block,
                ..Config::default()
            },
            bank,
        }
    }

    fn load(&mut self, source: &str) {
        let (program, prev) = match Program::compile(
            source,
            &self.config,
            self.bank.clone(),
            self.previous.as_ref(),
        ) {
            Ok(x) => x,
            Err(_) => panic!("{source} does not compile"),
        };
        self.pipe.scheduler.submit(Box::new(program));
        self.previous = Some(prev);
    }

    /// Plays `frames` frames in callbacks of 300 (not a multiple of the block).
    fn play(&mut self, frames: usize, left: &mut Vec<f32>, right: &mut Vec<f32>) {
        let mut done = 0;
        while done < frames {
            let n = 300.min(frames - done);
            self.pipe.scheduler.pump();
            let (mut l, mut r) = (vec![0.0; n], vec![0.0; n]);
            self.pipe.player.fill(&mut l, &mut r);
            left.extend_from_slice(&l);
            right.extend_from_slice(&r);
            while self.pipe.retired.pop().is_ok() {}
            done += n;
        }
    }
}

/// `frames` frames of `source` rendered offline through the JIT.
fn offline(source: &str, frames: usize, block: usize) -> Vec<f32> {
    let config = Config {
        block,
        ..Config::default()
    };
    let graph = phonon::compile(source).unwrap_or_else(|d| panic!("{source}: {d:?}"));
    let plan = phonon::passes::optimize(&graph);
    let engine =
        JitEngine::new(&plan, &config, JitOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let mut rt = Runtime::new(Arc::new(plan.graph), engine, bank(), config);
    let mut out = Vec::with_capacity(frames);
    while out.len() < frames {
        let n = block.min(frames - out.len());
        let (mut l, mut r) = (vec![0.0; n], vec![0.0; n]);
        rt.process(&mut l, &mut r).unwrap_or_else(|e| panic!("{e}"));
        out.extend_from_slice(&l);
    }
    out
}

/// The frame where the last program took over.
fn swapped_at(s: &Session) -> usize {
    let stats = s.pipe.player.stats();
    assert_eq!(stats.version.load(std::sync::atomic::Ordering::Relaxed), 2);
    stats.swapped_at.load(std::sync::atomic::Ordering::Relaxed) as usize
}

fn largest_jump(x: &[f32]) -> f32 {
    x.windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0, f32::max)
}

#[test]
fn live_playback_plays_the_same_samples_as_offline_rendering() {
    // Samples, synthesis, a feedback bus and pattern-driven envelopes: the events
    // queried ahead on the scheduler's side reach the same frames.
    for fixture in [
        "fixtures/house.ph",
        "fixtures/ambient.ph",
        "fixtures/techno.ph",
    ] {
        let source = std::fs::read_to_string(fixture).unwrap_or_else(|e| panic!("{e}"));
        let frames = 3 * RATE as usize;
        let mut s = Session::new(512);
        s.load(&source);
        let (mut l, mut r) = (Vec::new(), Vec::new());
        s.play(frames, &mut l, &mut r);
        let expected = offline(&source, frames, 512);
        assert!(
            expected.iter().any(|x| x.abs() > 1e-3),
            "{fixture} is silent"
        );
        assert_eq!(l, expected, "{fixture}");
        assert_eq!(
            s.pipe
                .player
                .stats()
                .late_blocks
                .load(std::sync::atomic::Ordering::Relaxed),
            0
        );
    }
}

#[test]
fn a_reload_swaps_at_a_block_boundary_keeps_what_did_not_change_and_crossfades_the_rest() {
    let a = "out: sine 110 * 0.5";
    // The same output, and a new one with a DC step that would click if cut in.
    let b = "out: sine 110 * 0.5\nout2: sine 330 * 0.2 + 0.3";
    let added = "out: sine 330 * 0.2 + 0.3";
    let block = 512;
    let mut s = Session::new(block);
    s.load(a);
    let (mut l, mut r) = (Vec::new(), Vec::new());
    s.play(20_000, &mut l, &mut r);
    s.load(b);
    s.play(30_000, &mut l, &mut r);
    let total = l.len();
    let a_alone = offline(a, total, block);
    let x = offline(added, total, block);
    // Until the swap, exactly A; the swap is on a block boundary.
    let swap = swapped_at(&s);
    assert_eq!(l[..swap], a_alone[..swap]);
    assert!(swap >= 20_000 && swap.is_multiple_of(block), "swap at frame {swap}");
    // From there on: A continuing (its sine keeps its phase: not restarted) plus the
    // new output faded in linearly over 50 ms.
    let fade = live::fade_frames(RATE);
    for n in swap..total {
        let g = ((n - swap + 1) as f32 / fade as f32).min(1.0);
        let want = a_alone[n] + g * x[n - swap];
        assert!(
            (l[n] - want).abs() < 1e-5,
            "frame {n}: {} against {want}",
            l[n]
        );
    }
    // No jump larger than the music's own. A cut without the crossfade would jump
    // by the DC step: the check is one that can fail.
    let music = largest_jump(&a_alone).max(largest_jump(&offline(b, total, block)));
    assert!(
        largest_jump(&l) <= music * 1.01,
        "{} > {music}",
        largest_jump(&l)
    );
    let mut cut = a_alone.clone();
    for n in swap..total {
        cut[n] = a_alone[n] + x[n - swap];
    }
    assert!(largest_jump(&cut) > 10.0 * music);
}

#[test]
fn a_tempo_change_keeps_the_cycle_position() {
    // Four steps a cycle; from half a cycle per second to one.
    let a = "tempo: 0.5\nout: \"0 1 2 3\" * 0.25";
    let b = "tempo: 1\nout: \"0 1 2 3\" * 0.25";
    let block = 512;
    let mut s = Session::new(block);
    s.load(a);
    let (mut l, mut r) = (Vec::new(), Vec::new());
    s.play(30_000, &mut l, &mut r);
    s.load(b);
    s.play(80_000, &mut l, &mut r);
    let swap = swapped_at(&s);
    assert!(swap >= 30_000 && swap.is_multiple_of(block), "swap at frame {swap}");
    let fade = live::fade_frames(RATE);
    // After the fade: the step of cycle position c_swap + (n - swap)/44100, where
    // c_swap = swap * 0.5 / 44100.
    let c_swap = swap as f64 * 0.5 / f64::from(RATE);
    let mut checked = 0;
    for (n, y) in l.iter().enumerate().skip(swap + fade) {
        let c = c_swap + (n - swap) as f64 / f64::from(RATE);
        let q = c.fract() * 4.0;
        if (q - q.round()).abs() < 4.0 / f64::from(RATE) {
            continue; // within a frame of a step
        }
        let want = q.floor() as f32 * 0.25;
        assert_eq!(*y, want, "frame {n}, cycle {c}");
        checked += 1;
    }
    assert!(checked > 40_000);
}
