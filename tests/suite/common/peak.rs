//! A global allocator that tracks, per thread, the bytes held and their peak, and
//! [`measured`], which runs a closure and says the most it held at once. It is the
//! test suite's global allocator (the crates that count allocations, `tests/voices.rs`
//! and the `*_alloc.rs` ones, have their own).
#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, Instant};

struct PeakTracking;

thread_local! {
    // Per thread, so that tests running at once do not count each other's memory.
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

fn grew(bytes: usize) {
    let _ = LIVE.try_with(|l| {
        let now = l.get() + bytes;
        l.set(now);
        let _ = PEAK.try_with(|p| p.set(p.get().max(now)));
    });
}

fn shrank(bytes: usize) {
    let _ = LIVE.try_with(|l| l.set(l.get().saturating_sub(bytes)));
}

// SAFETY: forwards every call to the system allocator; only counts bytes.
unsafe impl GlobalAlloc for PeakTracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        shrank(layout.size());
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new: usize) -> *mut u8 {
        grew(new);
        shrank(layout.size());
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new) }
    }
}

#[global_allocator]
static GLOBAL: PeakTracking = PeakTracking;

/// What `f` returned, the most memory it held at once on this thread beyond what
/// was held before, and how long it took: the thread's CPU time where the system
/// says (Linux), so that a loaded machine does not make a case look slow; else the
/// wall-clock time.
pub fn measured<T>(f: impl FnOnce() -> T) -> (T, usize, Duration) {
    let before = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(before));
    let (cpu, wall) = (thread_cpu_time(), Instant::now());
    let v = f();
    let took = match (cpu, thread_cpu_time()) {
        (Some(a), Some(b)) => b.saturating_sub(a),
        _ => wall.elapsed(),
    };
    (v, PEAK.with(Cell::get).saturating_sub(before), took)
}

/// The CPU time this thread has run, from `/proc/thread-self/schedstat` (its first
/// field, in nanoseconds); `None` where there is no such file.
fn thread_cpu_time() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}
