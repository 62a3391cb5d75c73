//! Live playback driven by hand: the scheduler pumped and the audio callback called
//! on the test's thread, so every frame is reproducible. The expected signals are
//! offline renders of the same patches (`Runtime::process`), an independent path
//! through the runtime: no query thread, no batches, no swaps.

use std::sync::Arc;

use phonon::jit::engine::JitOptions;
use phonon::live::{self, LiveProgram, Pipeline, Previous};
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
        let (program, prev) = match LiveProgram::build(
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
    let mut rt = Runtime::jit(&graph, &config, JitOptions::default(), bank())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut out = Vec::with_capacity(frames);
    while out.len() < frames {
        let n = block.min(frames - out.len());
        let (mut l, mut r) = (vec![0.0; n], vec![0.0; n]);
        rt.process(&mut l, &mut r);
        assert_eq!(rt.failures(), &[], "a query failed");
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

/// Plays `a` for `before` frames, then reloads `a` with the output `added` beside
/// it, and checks the result against offline renders: exactly `a` until the swap
/// (on a block boundary), then `a` going on undisturbed (its state carried: phases,
/// filters, sounding voices) plus `added` faded in linearly over 50 ms; and no jump
/// larger than the music's own, where a cut without the crossfade would jump.
fn check_reload(a: &str, added: &str, before: usize, after: usize) {
    let b = format!("{a}\nout9: {added}");
    let block = 512;
    let mut s = Session::new(block);
    s.load(a);
    let (mut l, mut r) = (Vec::new(), Vec::new());
    s.play(before, &mut l, &mut r);
    s.load(&b);
    s.play(after, &mut l, &mut r);
    let total = l.len();
    let a_alone = offline(a, total, block);
    let x = offline(&format!("out: {added}"), total, block);
    let swap = swapped_at(&s);
    assert_eq!(l[..swap], a_alone[..swap]);
    assert!(
        swap >= before && swap.is_multiple_of(block),
        "swap at frame {swap}"
    );
    let fade = live::fade_frames(RATE);
    for n in swap..total {
        let g = ((n - swap + 1) as f32 / fade as f32).min(1.0);
        let want = a_alone[n] + g * x[n - swap];
        assert!(
            (l[n] - want).abs() < 1e-5,
            "{a}: frame {n}: {} against {want}",
            l[n]
        );
    }
    let music = largest_jump(&a_alone).max(largest_jump(&offline(&b, total, block)));
    assert!(
        largest_jump(&l) <= music * 1.01,
        "{} > {music}",
        largest_jump(&l)
    );
    let mut cut = a_alone.clone();
    for n in swap..total {
        cut[n] = a_alone[n] + x[n - swap];
    }
    assert!(largest_jump(&cut) > 2.0 * music, "the check could not fail");
}

#[test]
fn a_reload_keeps_an_oscillator_going_and_crossfades_what_was_added() {
    // The added output carries a DC step that would click if cut in.
    check_reload(
        "out: sine 110 * 0.5",
        "sine 330 * 0.2 + 0.3",
        20_000,
        30_000,
    );
}

#[test]
fn a_reload_keeps_filters_envelopes_and_sounding_voices() {
    // A crash (about 2 s long) struck at the start of each 2-second cycle, a
    // filtered saw under an envelope: the reload comes 0.6 s into the crash.
    let a = "tempo: 0.5\nout: s \"cr\" * 0.5\nout2: saw 55 * perc 1.5 # lpf 900 0.6 * 0.3";
    check_reload(a, "sine 440 * 0.1 + 2", 26_000, 30_000);
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
    assert!(
        swap >= 30_000 && swap.is_multiple_of(block),
        "swap at frame {swap}"
    );
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

/// A whole session (`phonon::play`, on the null sink): while a slow version compiles,
/// the status keeps coming about ten times a second, since compiling is the compile
/// thread's work, not the control thread's that reports the status.
#[test]
fn the_status_goes_on_while_a_save_compiles() {
    use std::sync::atomic::AtomicBool;
    use std::time::{Duration, Instant};
    let dir = std::env::temp_dir().join(format!("phonon-live-status-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let patch = dir.join("slow.ph");
    let first = "out: sine 220 * 0.1\n";
    std::fs::write(&patch, first).unwrap_or_else(|e| panic!("{e}"));
    // A chain of 300 filtered buses: hundreds of milliseconds in Cranelift.
    let mut slow = String::from("~b0: sine 220\n");
    for i in 1..300 {
        slow.push_str(&format!(
            "~b{i}: (~b{} * 0.5 + saw {}) # lpf 800\n",
            i - 1,
            100 + i
        ));
    }
    slow.push_str("out: ~b299 * 0.1\n");
    let options = phonon::SessionOptions {
        patch: patch.clone(),
        source: first.to_string(),
        sink: phonon::Sink::Null,
        config: Config::default(),
        bank: bank(),
        seconds: Some(4.0),
        cycles: None,
        stop: Arc::new(AtomicBool::new(false)),
    };
    let mut statuses: Vec<Instant> = Vec::new();
    let mut reloaded: Option<(Instant, f64)> = None;
    let mut saved = false;
    let mut on = |event: phonon::LiveEvent<'_>| match event {
        phonon::LiveEvent::Status { .. } => {
            statuses.push(Instant::now());
            // The first status comes once the file is watched.
            if !saved {
                std::fs::write(&patch, &slow).unwrap_or_else(|e| panic!("{e}"));
                saved = true;
            }
        }
        phonon::LiveEvent::Reloaded { compile_ms, .. } => {
            reloaded = Some((Instant::now(), compile_ms));
        }
        phonon::LiveEvent::Failed { summary, .. } => panic!("{summary}"),
        _ => {}
    };
    let end = phonon::play(options, &mut on).unwrap_or_else(|e| panic!("{e}"));
    let (at, compile_ms) = reloaded.unwrap_or_else(|| panic!("never reloaded"));
    assert_eq!(end.reloads, 1);
    assert!(
        compile_ms > 250.0,
        "compiled in {compile_ms} ms: too fast to tell"
    );
    let began = at - Duration::from_secs_f64(compile_ms / 1e3);
    let during: Vec<Instant> = statuses
        .iter()
        .copied()
        .filter(|t| *t > began && *t < at)
        .collect();
    // One every 100 ms (the loop wakes at least every 50 ms); allow a slow machine
    // half of them.
    let expected = (compile_ms / 100.0) as usize;
    assert!(
        during.len() >= expected / 2,
        "{} statuses in {compile_ms:.0} ms of compiling",
        during.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_reload_keeps_the_voices_of_a_voice_definition() {
    // Long notes of a defined voice; the reload comes 0.6 s into the first.
    let a = "tempo: 0.25\n~p freq=440 cutoff=900 gate=1: (saw freq # lpf cutoff 0.8) * adsr 0.01 0.2 0.6 0.5 gate\n\
             out: n \"0 7\" # s \"~p\" # cutoff 1200 # gain 0.3";
    check_reload(a, "sine 440 * 0.1 + 2", 26_000, 30_000);
}

#[test]
fn poly_reloads_without_a_click() {
    let path = format!("{}/fixtures/poly.ph", env!("CARGO_MANIFEST_DIR"));
    let a = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    check_reload(&a, "sine 330 * 0.1 + 4", 60_000, 30_000);
}
