//! The parallel runtime's cost model: when handing the independent items of a stage
//! (or the block's pattern queries) to another thread pays.
//!
//! Handing work to another core costs a wake-up and a wait: measured on the
//! development machine (2 cores of an AMD EPYC VM, rayon 1.12), [`run_items`] with two
//! empty items from the calling thread takes 11-12 µs (median, workers asleep), while
//! a `rayon::join` of two empty closures on a pool thread measures ~0 µs (nothing is
//! stolen: both run inline), so the model charges the former, rounded to
//! [`HANDOFF_NS`]. `phonon bench --threads 2` measures both again where it runs. A set of items runs in parallel when
//! the work that can move to another thread (at most half the total, and no more than
//! everything but the largest item) is worth more than that.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The fixed cost of a hand-off, in nanoseconds (11-12 µs measured, see the module
/// documentation and [`measure_handoff`]).
pub const HANDOFF_NS: f64 = 12_000.0;

/// Estimated cost of one sounding voice for one frame (mixing a sample into a stereo
/// pair with its envelope), in nanoseconds.
pub const VOICE_NS_PER_FRAME: f64 = 0.6;

/// Estimated cost of one pattern event of a block's query (querying, sorting, and
/// turning it into a voice start or buffer values), in nanoseconds.
pub const EVENT_NS: f64 = 400.0;

/// Whether running items of estimated costs summing to `total_ns`, the largest
/// `max_ns`, on several threads pays against the hand-off.
pub fn pays(total_ns: f64, max_ns: f64) -> bool {
    let movable = (total_ns - max_ns).min(total_ns / 2.0);
    forced() || movable > HANDOFF_NS
}

/// The decision as `phonon ir --passes` shows it.
pub fn describe(total_ns: f64, max_ns: f64, items: usize) -> String {
    let verdict = if items < 2 {
        "no (one item)"
    } else if pays(total_ns, max_ns) {
        "yes"
    } else {
        "no"
    };
    format!(
        "parallel: {verdict} (est. {:.1} µs vs hand-off {:.0} µs)",
        total_ns / 1000.0,
        HANDOFF_NS / 1000.0
    )
}

static FORCE: AtomicBool = AtomicBool::new(false);

/// Makes every set of two or more items run in parallel whatever the estimate (tests
/// use it to exercise the parallel paths on small patches).
pub fn force_parallel(on: bool) {
    FORCE.store(on, Ordering::Relaxed);
}

/// Whether `pays` is overridden by [`force_parallel`].
pub fn forced() -> bool {
    FORCE.load(Ordering::Relaxed)
}

/// Builds the runtime's pool: `None` for one thread (everything inline). The calling
/// thread takes part in the work, so the pool has `threads - 1` workers.
pub fn pool(threads: usize) -> Option<std::sync::Arc<rayon::ThreadPool>> {
    if threads <= 1 {
        return None;
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads - 1)
        .thread_name(|i| format!("phonon-dsp-{i}"))
        .build()
        .ok()
        .map(std::sync::Arc::new)
}

/// Runs `item(0..count)`, each index once, on the calling thread and the pool's
/// workers: every thread takes the next index until none is left. The caller starts
/// at once; a worker that wakes late finds less (or nothing) left to take. Returns
/// when every item has run.
pub fn run_items(pool: &rayon::ThreadPool, count: usize, item: &(dyn Fn(usize) + Sync)) {
    let next = AtomicUsize::new(0);
    let drain = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        if i >= count {
            break;
        }
        item(i);
    };
    let helpers = pool.current_num_threads().min(count.saturating_sub(1));
    pool.in_place_scope(|s| {
        for _ in 0..helpers {
            s.spawn(|_| drain());
        }
        drain();
    });
}

/// Measures the hand-off in `pool`, as the median over `rounds` (the workers are given
/// a moment to fall asleep before each, as between two blocks): what [`run_items`]
/// costs the calling thread for two empty items (the hand-off the cost model charges),
/// and a `rayon::join` of two empty closures on a pool thread.
pub fn measure_handoff(pool: &rayon::ThreadPool, rounds: usize) -> (Duration, Duration) {
    let mut handoffs = Vec::with_capacity(rounds);
    let mut joins = Vec::with_capacity(rounds);
    for _ in 0..rounds.max(1) {
        std::thread::sleep(Duration::from_micros(200));
        let t0 = Instant::now();
        run_items(pool, 2, &|_| ());
        handoffs.push(t0.elapsed());
        std::thread::sleep(Duration::from_micros(200));
        let j = pool.install(|| {
            let t = Instant::now();
            rayon::join(|| (), || ());
            t.elapsed()
        });
        joins.push(j);
    }
    handoffs.sort();
    joins.sort();
    (handoffs[handoffs.len() / 2], joins[joins.len() / 2])
}

/// A raw pointer that may cross threads: the code that shares one guarantees that the
/// threads touch disjoint parts of what it points to (see its uses).
pub struct SendPtr<T>(pub *mut T);

impl<T> Clone for SendPtr<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for SendPtr<T> {}

impl<T> SendPtr<T> {
    /// The pointer (a method, so that closures capture the whole `SendPtr`).
    pub fn get(self) -> *mut T {
        self.0
    }
}

// SAFETY: a `SendPtr` is only a pointer; every dereference is justified where it
// happens (disjoint buffers, state and memory per item of a stage).
unsafe impl<T> Send for SendPtr<T> {}
// SAFETY: as above.
unsafe impl<T> Sync for SendPtr<T> {}
