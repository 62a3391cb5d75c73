//! The parallel dispatch of the JIT's stages allocates nothing once warm: a counting
//! global allocator around `Engine::run` of a `JitEngine` with a crew, parallelism
//! forced, on a patch of many independent chains (several loop groups per stage).
//! Allocations on every thread count, the crew's workers included. One test in this
//! binary, so that no other test allocates meanwhile.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use phonon::jit::engine::JitOptions;
use phonon::runtime::{BlockContext, Buffers, Config, Engine, SoundPlayer};
use phonon::samples::SampleBank;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as ours.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as ours.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn a_parallel_jit_stage_allocates_nothing_after_warm_up() {
    // 16 independent chains of constants only (no pattern, so no feed is needed):
    // one stage of several loop groups.
    let mut src = String::from("tempo: 1\n");
    for k in 0..16 {
        src.push_str(&format!(
            "o{k}: saw {} # lpf (sine 0.{k} * 1000 + 1500) 0.7 * 0.02\n",
            55 + 7 * k
        ));
    }
    let graph = phonon::compile(&src).expect("the patch compiles");
    let config = Config {
        threads: 2,
        ..Config::default()
    };
    let mut engine =
        phonon::program::jit_engine(&graph, &config, JitOptions::default()).expect("compiles");
    let mut buffers = Buffers::new(engine.graph(), config.block);
    let master = engine.graph().master;
    let bank = Arc::new(SampleBank::builtin(config.sample_rate));
    let mut sounds = SoundPlayer::new(
        bank,
        Vec::new(),
        config.voices,
        config.sample_rate,
        config.block,
    );
    let positions = vec![0.0f64; config.block];
    let crew = phonon::parallel::crew(2).expect("a crew");
    phonon::parallel::force_parallel(true);
    let mut block = |k: u64| {
        let ctx = BlockContext {
            start: k * config.block as u64,
            frames: config.block,
            positions: &positions,
            crew: Some(&crew),
        };
        let _fpu = phonon::fpu::FlushDenormals::new();
        engine.run(&ctx, &mut buffers, &mut sounds);
    };
    for k in 0..20 {
        block(k);
    }
    let worker_items = crew.worker_items();
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    // Until the worker has demonstrably run items of these blocks (it is scheduled
    // sooner or later), with a bound so that a stuck worker fails instead of hanging.
    let mut k = 20;
    while (crew.worker_items() == worker_items || k < 220) && k < 200_000 {
        block(k);
        k += 1;
    }
    let after = ALLOCATIONS.load(Ordering::Relaxed);
    phonon::parallel::force_parallel(false);
    assert!(
        crew.worker_items() > worker_items,
        "the worker ran no item in {k} blocks"
    );
    assert_eq!(
        after - before,
        0,
        "allocations in {} parallel blocks",
        k - 20
    );
    // The output is there (the stage really ran).
    assert!(buffers.channel(master, 0).iter().any(|x| *x != 0.0));
}
