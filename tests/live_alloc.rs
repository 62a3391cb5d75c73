//! The audio callback allocates nothing and frees nothing: a counting global
//! allocator watches the thread while it runs `Player::fill`, through the start of a
//! patch with samples, synthesis and effects, reloads (a swap, its crossfade, the
//! old program retired), a block whose events come late, and the stress patch.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use phonon::live::{self, LiveProgram, Previous};
use phonon::runtime::Config;
use phonon::samples::SampleBank;

struct Counting;

thread_local! {
    static WATCHED: Cell<bool> = const { Cell::new(false) };
    // Per thread, so that tests running at once do not count each other's.
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
    static FREES: Cell<usize> = const { Cell::new(0) };
}

fn watched() -> bool {
    WATCHED.try_with(Cell::get).unwrap_or(false)
}

fn count(c: &'static std::thread::LocalKey<Cell<usize>>) {
    let _ = c.try_with(|n| n.set(n.get() + 1));
}

fn take(c: &'static std::thread::LocalKey<Cell<usize>>) -> usize {
    c.with(|n| n.replace(0))
}

// SAFETY: forwards every call to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if watched() {
            count(&ALLOCS);
        }
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if watched() {
            count(&FREES);
        }
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new: usize) -> *mut u8 {
        if watched() {
            count(&ALLOCS);
        }
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("fixtures/{name}")).unwrap_or_else(|e| panic!("{e}"))
}

/// The counter counts (so that a zero below means something).
fn check_the_counter() {
    WATCHED.with(|w| w.set(true));
    let v = std::hint::black_box(vec![1u8; 3]);
    drop(v);
    WATCHED.with(|w| w.set(false));
    assert_eq!(take(&ALLOCS), 1);
    assert_eq!(take(&FREES), 1);
}

fn run(threads: usize) {
    check_the_counter();
    let rate = 44_100;
    let bank = Arc::new(SampleBank::builtin(rate));
    let config = Config {
        threads,
        ..Config::default()
    };
    let mut pipe = live::pipeline(config.block, rate, bank.clone());
    // The master stage on, as a session runs it: the limiter allocates nothing either.
    pipe.player.set_master(rate, true);
    let mut previous: Option<Previous> = None;
    let house = fixture("house.ph");
    let versions = [
        house.clone(),
        // An edited filter, an added output.
        house.replace("lpf 2400", "lpf 1800") + "\nout3: sine 220 * 0.1 # delay 0.25 0.5\n",
        // Voices of a voice definition (the JIT's lanes), then an edit beside them:
        // the pool's starts, ends and reload copy allocate nothing either.
        fixture("poly.ph"),
        fixture("poly.ph").replace("# gain 0.45", "# gain 0.4"),
        fixture("stress_extreme.ph"),
        fixture("synth_dense.ph"),
    ];
    let (mut left, mut right) = (vec![0.0f32; 300], vec![0.0f32; 300]);
    let mut loudest = 0.0f32;
    for (k, source) in versions.iter().enumerate() {
        let (program, prev) =
            match LiveProgram::build(source, &config, bank.clone(), previous.as_ref()) {
                Ok(x) => x,
                Err(_) => panic!("version {k} does not compile"),
            };
        previous = Some(prev);
        pipe.scheduler.submit(Box::new(program));
        for i in 0..400 {
            // Now and then the query thread stalls for ten callbacks (3000 frames,
            // more than the blocks queried ahead): blocks play without events.
            if i % 100 < 90 {
                pipe.scheduler.pump();
            }
            WATCHED.with(|w| w.set(true));
            pipe.player.fill(&mut left, &mut right);
            WATCHED.with(|w| w.set(false));
            loudest = left.iter().fold(loudest, |m, x| m.max(x.abs()));
            while pipe.retired.pop().is_ok() {}
        }
    }
    let stats = pipe.player.stats();
    assert_eq!(
        stats.version.load(Ordering::Relaxed),
        6,
        "every version played"
    );
    assert!(
        stats.late_blocks.load(Ordering::Relaxed) > 0,
        "some blocks were late"
    );
    assert!(loudest > 0.01, "it made sound");
    if threads > 1 {
        let crew = pipe
            .player
            .current()
            .and_then(|p| p.runtime.crew())
            .unwrap_or_else(|| panic!("no crew"));
        assert!(crew.items() > 0, "the crew was handed work");
    }
    assert_eq!(take(&ALLOCS), 0, "allocations in the audio callback");
    assert_eq!(take(&FREES), 0, "frees in the audio callback");
}

#[test]
fn the_audio_callback_never_allocates_or_frees() {
    run(1);
}

#[test]
fn nor_with_a_crew_of_workers() {
    // Two threads: the stages and the feed's fills go to the crew wherever the cost
    // model says so (stress_extreme and synth_dense do).
    run(2);
}

#[test]
fn the_orbits_never_allocate_or_free() {
    // Sends filled by hand into all 12 orbits (reverb, delay, new parameters every
    // block), a reload's copy of their state, and the tails ringing on afterwards.
    use phonon::runtime::Orbits;
    use phonon::voices::sends::{OrbitParams, Sends, ORBITS};
    check_the_counter();
    let block = 512;
    let mut old = Orbits::new(44_100, block);
    let mut new = Orbits::new(44_100, block);
    let mut sends = Sends::new(block);
    let mut heard = 0.0f32;
    WATCHED.with(|w| w.set(true));
    for k in 0..200usize {
        sends.clear();
        if k < 100 {
            for (o, send) in sends.orbits.iter_mut().enumerate().take(ORBITS) {
                send.room[0][k % block] = 0.5;
                send.delay[1][(k * 7) % block] = 0.25;
                send.active = true;
                send.params = Some((
                    k % block,
                    OrbitParams {
                        size: (k % 10) as f32 / 10.0,
                        dry: 0.1,
                        delaytime: 0.05 + o as f32 * 0.01,
                        delayfeedback: 0.6,
                        lock: o % 2 == 0,
                    },
                ));
            }
        }
        old.process(std::iter::once(&sends), block, 0.75);
        if k == 150 {
            new.copy_from(&old);
        }
        if k > 150 {
            new.process(std::iter::once(&sends), block, 0.75);
        }
        if let Some(out) = old.output(0) {
            heard = out.iter().fold(heard, |m, x| m.max(x.abs()));
        }
    }
    WATCHED.with(|w| w.set(false));
    assert!(heard > 0.01, "the orbits made sound");
    assert_eq!(take(&ALLOCS), 0, "allocations in the orbits");
    assert_eq!(take(&FREES), 0, "frees in the orbits");
}
