//! The parallel runtime: a crew of worker threads that run the independent items of
//! a stage (or the block's pattern queries) with the calling thread, the cost model
//! that decides when that pays (the floating-point mode every thread that runs
//! kernels uses, denormals flushed, is [`crate::fpu`]).
//!
//! # The crew
//!
//! The calling thread (the leader: in a live runtime, the audio callback) must never
//! allocate, lock, make a system call or panic, so it cannot wake a sleeping thread
//! (a futex wake is a system call) and cannot use rayon's `scope`/`spawn` (each job is
//! boxed). A [`Crew`] is `threads - 1` workers, plain `std` threads started once with
//! the runtime and joined when it is dropped. They are not hosted on rayon's pool: a
//! worker runs one endless polling loop, which would occupy a rayon thread for good
//! and gain nothing from rayon's scheduler, and rayon's own idle threads sleep on a
//! futex that only a system call wakes; a `std` thread also gets its own name and
//! its floating-point mode set once at its start.
//!
//! The leader hands work over through atomics only: it writes a job descriptor (a
//! pointer to the items' closure, on its stack) and then a *ticket* word holding the
//! item count and the next item to take. Every thread, the leader included, claims
//! items with a `fetch_add` on the ticket until the count is reached. The leader
//! starts at once and never waits for a worker to arrive: a worker that wakes late
//! finds every item taken and goes back to polling. At the end the leader spins only
//! until the items workers have actually claimed are done (a `done` count). So a
//! hand-off costs the leader a few atomic operations when no worker shows up, and
//! at worst the rest of one item a worker claimed.
//!
//! Between jobs a worker polls the ticket, spinning, or sleeps (napping is fine for
//! a worker: only the leader is real-time). [`Crew::wake`], called at the start of
//! every block (before the pattern queries), is a relaxed counter the workers watch.
//! When blocks come back to back (hints closer than [`SPIN_WINDOW`], 2 ms: an offline
//! render, a benchmark, a device callback asking for several blocks at once) a worker
//! spins until 2 ms after its last item or hint, then naps in [`NAP`]s (50 µs). 2 ms
//! bridges every gap within a block (stages follow each other closely) and between
//! back-to-back blocks, longer than the slowest fixture's block on one thread (its
//! times are in `docs/performance.md`). When blocks come at a steady period (a real-time stream: 11.6 ms at 512
//! frames and 44.1 kHz) a worker learns the period from the hints, spins only
//! [`SPIN_AFTER_PERIODIC`] (0.5 ms) after the block's work, sleeps until [`LEAD`]
//! (0.3 ms, more when blocks come irregularly: plus four times their mean jitter, up
//! to [`MAX_LEAD`], 2 ms) before the next block is due and spins from then on: awake when the
//! block starts, at the cost of spinning ~1 ms of every period (about a tenth of a
//! core) instead of all of it. A nap lasts a [`NAP`] plus the kernel's timer slack
//! (measured in `docs/performance.md`), so a worker that was napping after all joins
//! a block that late.
//!
//! A worker also never spins or takes an item on the leader's processor: the leader
//! publishes the processor it runs on (read with `rdtscp`, no system call) with each
//! job and hint, and a worker that finds itself there re-pins itself off it
//! (`sched_setaffinity`; the measurement that called for it is at `avoid_cpu`).

//! # Memory ordering
//!
//! * Publishing: the leader stores the job pointer and resets `done` (relaxed), then
//!   stores the ticket with `Release`. A claim is a `fetch_add` on the ticket with
//!   `Acquire`; every `fetch_add` continues the release sequence headed by that
//!   store, so a thread whose claim succeeds (it read the new count and an index
//!   below it) sees the job pointer and `done` of this job.
//! * The job cannot change under a worker: a worker reads the job pointer only after
//!   a successful claim, and the leader does not return (its stack frame holds the
//!   job) nor publish another job until `done` says every claimed item is finished,
//!   which includes this one. A worker whose claim fails (the count is reached, or it
//!   raced the leader's next publication and read the old ticket) never reads the job
//!   at all. This is why no `active` count of workers inside a job is needed: a
//!   claim, not a visit, is what holds the job alive, and a failed claim is detected
//!   from the ticket word alone (count and index are in the same word).
//! * Results: a worker increments `done` with `Release` after its item; the leader
//!   waits with `Acquire` loads. The final value is in the release sequence of every
//!   earlier increment, so the leader sees the writes of every item once it reads
//!   `done` complete, and the next job's reset of `done` is ordered after them.
//! * The ticket's index can pass the count by at most one failed claim per thread per
//!   job (a thread stops at its first failure, and workers only try after a load has
//!   shown an item left), so it never overflows into the count: counts are capped far
//!   below `u32::MAX`.
//!
//! No handshake here needs `SeqCst`: the leader never waits for a worker it has not
//! seen claim something, so there is no store-then-load race between them to close.
//!
//! # The cost model
//!
//! [`measure_handoff`] measures how long it takes from publishing a job to a second
//! thread working on it, with the worker spinning and napping, what a job of two
//! empty items costs the leader, and the old rayon dispatch (`in_place_scope` +
//! `spawn`, workers asleep) for comparison; the figures are in
//! `docs/performance.md` (the hand-off to a spinning worker is a small fraction of
//! the charge below, rayon's many times it).
//! With the crew the leader never waits for a wake-up (a late worker just takes
//! less), so what a parallel stage risks is the hand-off to an awake worker and the
//! cache traffic of its results crossing cores (a loop group's outputs are a few
//! kilobytes), charged together as [`HANDOFF_NS`], 2 µs. A set of items runs in parallel when the
//! work that can move to another thread (at most half the total, and no more than
//! everything but the largest item) is worth more than that.

mod cpu;

use cpu::{current_cpu, Affinity, CPU_IDS_UNRELIABLE};
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The fixed cost of handing work to the crew, in nanoseconds: what moving items to
/// a spinning worker costs (publication and claims, and the cache lines of the
/// results crossing cores; see the module documentation and `docs/performance.md`).
pub const HANDOFF_NS: f64 = 2_000.0;

/// Estimated cost of one sounding voice for one frame (mixing a sample into a stereo
/// pair with its envelope), in nanoseconds.
pub const VOICE_NS_PER_FRAME: f64 = 0.6;

/// Estimated cost of one pattern event of a block's query (querying, sorting, and
/// turning it into a voice start or buffer values), in nanoseconds.
pub const EVENT_NS: f64 = 400.0;

/// How long a worker keeps spinning after its last item (or the last
/// [`Crew::wake`]) before it naps (see the module documentation).
pub const SPIN_WINDOW: Duration = Duration::from_millis(2);

/// A napping worker's sleep between two looks at the ticket.
pub const NAP: Duration = Duration::from_micros(50);

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

#[cfg(any(test, feature = "testing"))]
/// Makes every set of two or more items run in parallel whatever the estimate (tests
/// use it to exercise the parallel paths on small patches).
pub fn force_parallel(on: bool) {
    FORCE.store(on, Ordering::Relaxed);
}

/// Whether `pays` is overridden by [`force_parallel`].
pub fn forced() -> bool {
    FORCE.load(Ordering::Relaxed)
}

/// Builds the runtime's crew: `None` for one thread (everything inline). The calling
/// thread takes part in the work, so the crew has `threads - 1` workers. `None` too if
/// the system refuses to start a thread (the runtime then runs on one thread).
pub fn crew(threads: usize) -> Option<Crew> {
    if threads <= 1 {
        return None;
    }
    Crew::new(threads - 1)
}

/// Runs `item(0..count)`, each index once, on the calling thread and the crew's
/// workers (see [`Crew::run`]).
pub fn run_items(crew: &Crew, count: usize, item: &(dyn Fn(usize) + Sync)) {
    crew.run(count, item);
}

/// The largest item count of one job: the ticket's index may pass the count by one
/// failed claim per thread, and must stay inside its 32 bits.
const MAX_ITEMS: usize = 1 << 30;

/// The ticket word: the job's item count in the high 32 bits, the next item to claim
/// in the low 32.
fn ticket(count: usize, next: usize) -> u64 {
    ((count as u64) << 32) | next as u64
}

fn split(t: u64) -> (usize, usize) {
    ((t >> 32) as usize, (t & 0xffff_ffff) as usize)
}

/// What the leader publishes: a type-erased pointer to its closure and the function
/// that calls it. Lives on the leader's stack for the duration of [`Crew::run`].
struct Job {
    data: *const (),
    call: unsafe fn(*const (), usize),
}

/// Calls the closure of type `F` behind `data` on item `i`.
///
/// # Safety
/// `data` points to a live `F`.
unsafe fn call_item<F: Fn(usize) + Sync>(data: *const (), i: usize) {
    // SAFETY: the caller guarantees `data` is a live `F`; `F: Sync`, so calling it
    // through a shared reference from another thread is allowed.
    let f = unsafe { &*data.cast::<F>() };
    f(i);
}

/// An atomic on its own cache line (two, for adjacent-line prefetching), so that the
/// leader's spinning on `done` does not slow the claims on the ticket and vice versa.
#[repr(align(128))]
struct Line<T>(T);

struct Shared {
    ticket: Line<AtomicU64>,
    job: Line<AtomicPtr<Job>>,
    done: Line<AtomicUsize>,
    /// Bumped by [`Crew::wake`]: a worker that sees it change restarts its spin window.
    hint: Line<AtomicU64>,
    /// Items the workers ran, in all (for tests and reports).
    worker_items: Line<AtomicU64>,
    /// Items of every job run through the crew, in all (written by the leader only).
    items: Line<AtomicU64>,
    /// The processor the leader last ran on ([`current_cpu`]; `u32::MAX` unknown).
    leader_cpu: Line<AtomicU32>,
    /// Workers that have finished starting up.
    started: AtomicUsize,
    stop: AtomicBool,
}

/// Worker threads that stay awake between the stages of a block and take items from
/// the calling thread without locks, allocations or system calls (module
/// documentation). Dropping the crew stops and joins them.
pub struct Crew {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
}

impl Crew {
    /// Starts `workers` workers; `None` if the system refuses a thread (those already
    /// started are stopped again).
    pub fn new(workers: usize) -> Option<Crew> {
        let shared = Arc::new(Shared {
            ticket: Line(AtomicU64::new(0)),
            job: Line(AtomicPtr::new(std::ptr::null_mut())),
            done: Line(AtomicUsize::new(0)),
            hint: Line(AtomicU64::new(0)),
            worker_items: Line(AtomicU64::new(0)),
            items: Line(AtomicU64::new(0)),
            leader_cpu: Line(AtomicU32::new(u32::MAX)),
            started: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
        });
        // Asks the processor about rdtscp now (a cpuid, slow in a virtual machine)
        // rather than in the first block.
        let _ = current_cpu();
        let mut crew = Crew {
            shared,
            workers: Vec::with_capacity(workers),
        };
        for i in 0..workers {
            let shared = crew.shared.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("phonon-dsp-{i}"))
                .spawn(move || work(&shared));
            match spawned {
                Ok(handle) => crew.workers.push(handle),
                Err(_) => return None, // `crew` drops here and joins the others
            }
        }
        // Wait for the threads to be running: a thread's start-up allocates (its
        // thread-local bookkeeping), which must happen here and not during the first
        // blocks.
        while crew.shared.started.load(Ordering::Acquire) < workers {
            std::thread::sleep(Duration::from_micros(20));
        }
        Some(crew)
    }

    /// Worker threads (the calling thread not counted).
    pub fn workers(&self) -> usize {
        self.workers.len()
    }

    /// Items the workers have run since the crew started (the rest ran on the calling
    /// thread).
    pub fn worker_items(&self) -> u64 {
        self.shared.worker_items.0.load(Ordering::Relaxed)
    }

    /// Items of the jobs of two or more items run so far, by every thread (the share
    /// [`Crew::worker_items`] of it ran on the workers).
    pub fn items(&self) -> u64 {
        self.shared.items.0.load(Ordering::Relaxed)
    }

    /// Tells the workers work is coming (the start of a block): one relaxed atomic
    /// add, no system call. A napping worker sees it at its next look and spins again.
    pub fn wake(&self) {
        self.note_cpu();
        self.shared.hint.0.fetch_add(1, Ordering::Relaxed);
    }

    /// Publishes the leader's processor, so that no worker spins on it.
    fn note_cpu(&self) {
        if let Some(cpu) = current_cpu() {
            self.shared.leader_cpu.0.store(cpu, Ordering::Relaxed);
        }
    }

    /// Runs `item(0..count)`, each index once, on the calling thread and whichever
    /// workers come: every thread takes the next index until none is left. Returns
    /// when every item has run. Never allocates, locks or makes a system call; it
    /// waits (spinning) only for items a worker has claimed and not yet finished.
    pub fn run<F: Fn(usize) + Sync>(&self, count: usize, item: F) {
        if count <= 1 || count > MAX_ITEMS || self.workers.is_empty() {
            (0..count).for_each(item);
            return;
        }
        let s = &*self.shared;
        self.note_cpu();
        // Only the leader writes this counter: a load and a store, no read-modify-write.
        let total = s.items.0.load(Ordering::Relaxed);
        s.items.0.store(total + count as u64, Ordering::Relaxed);
        let job = Job {
            data: (&item as *const F).cast::<()>(),
            call: call_item::<F>,
        };
        // No claimed item of the previous job is unfinished (the previous `run`
        // waited for them), so no worker reads `job` or `done` now: both may change.
        s.job
            .0
            .store((&job as *const Job).cast_mut(), Ordering::Relaxed);
        s.done.0.store(0, Ordering::Relaxed);
        s.ticket.0.store(ticket(count, 0), Ordering::Release);
        // The guard's drop takes the leader's share and waits for the workers'
        // claimed items, also if an item panics: `job` and `item` must outlive every
        // claimed item.
        let mut leader = Leader {
            shared: s,
            count,
            mine: 0,
        };
        loop {
            let (c, i) = split(s.ticket.0.fetch_add(1, Ordering::Relaxed));
            if i >= c {
                break;
            }
            leader.mine += 1;
            item(i);
        }
    }
}

/// The leader's side of one job: on drop, claims (without running) whatever is left
/// (only on unwinding is anything left) and waits until every item is accounted for.
struct Leader<'a> {
    shared: &'a Shared,
    count: usize,
    /// Items the leader claimed.
    mine: usize,
}

impl Drop for Leader<'_> {
    fn drop(&mut self) {
        let s = self.shared;
        loop {
            let (c, i) = split(s.ticket.0.fetch_add(1, Ordering::Relaxed));
            if i >= c {
                break;
            }
            self.mine += 1;
        }
        // Every item is claimed; the workers' ones are done when `done` says so.
        while s.done.0.load(Ordering::Acquire) + self.mine < self.count {
            std::hint::spin_loop();
        }
    }
}

impl Drop for Crew {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Release);
        for handle in self.workers.drain(..) {
            // A worker that panicked has nothing left to clean up.
            let _ = handle.join();
        }
    }
}

/// Polls between two looks at the clock while spinning.
const SPINS_PER_CLOCK: u32 = 64;

/// A worker's loop: take items while there are; between jobs, spin or sleep as
/// [`Idle`] says.
fn work(s: &Shared) {
    crate::fpu::flush_denormals();
    s.started.fetch_add(1, Ordering::Release);
    let mut idle = Idle::new(Instant::now());
    let mut allowed = Affinity::of_this_thread();
    let mut hint = s.hint.0.load(Ordering::Relaxed);
    let mut spins = 0u32;
    while !s.stop.load(Ordering::Acquire) {
        let (c, i) = split(s.ticket.0.load(Ordering::Relaxed));
        if i < c && on_leader_cpu(s) {
            // Sharing the leader's processor: taking an item would make the leader
            // wait for it while the two take turns on one core. Move elsewhere first.
            avoid_cpu(s, &mut allowed);
            continue;
        }
        if i < c {
            let (c, i) = split(s.ticket.0.fetch_add(1, Ordering::Acquire));
            if i < c {
                let job = s.job.0.load(Ordering::Relaxed);
                // SAFETY: the claim succeeded, so `job` is the current job's
                // descriptor (published before the ticket, seen through the claim's
                // acquire) and the leader keeps it and its closure alive until `done`
                // counts this item (module documentation).
                let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unsafe {
                    ((*job).call)((*job).data, i)
                }));
                // A panicking item is a bug; counting it anyway keeps the leader from
                // waiting forever.
                let _ = ran;
                s.worker_items.0.fetch_add(1, Ordering::Relaxed);
                s.done.0.fetch_add(1, Ordering::Release);
                idle.worked(Instant::now());
            }
            spins = 0;
            continue;
        }
        spins += 1;
        if spins < SPINS_PER_CLOCK {
            std::hint::spin_loop();
            continue;
        }
        spins = 0;
        let now = Instant::now();
        let h = s.hint.0.load(Ordering::Relaxed);
        if h != hint {
            hint = h;
            idle.hinted(now);
        }
        if let Some(nap) = idle.sleep(now) {
            std::thread::sleep(nap);
        } else if on_leader_cpu(s) {
            // Spinning here would take the leader's core from it.
            avoid_cpu(s, &mut allowed);
        }
    }
}

/// Moves the calling worker off the leader's processor: its affinity becomes the
/// processors it was allowed at its start minus the leader's (a system call, on the
/// worker). Where that is not possible (one processor, not Linux), it sleeps a nap
/// instead, leaving the processor to the leader for that long.
///
/// Why: the scheduler does not keep a worker that sleeps and wakes (a real-time
/// stream's blocks) off the leader's processor. Measured with blocks paced as in real
/// time, the worker woke on the leader's core in most blocks, so the two took turns
/// on one core (no gain) and the leader, waiting for an item the worker had claimed,
/// lost up to a scheduler time slice (the p99 block times are in
/// `docs/performance.md`).
fn avoid_cpu(s: &Shared, allowed: &mut Affinity) {
    let leader = s.leader_cpu.0.load(Ordering::Relaxed);
    if !allowed.move_off(leader) {
        std::thread::sleep(NAP);
    } else if current_cpu() == Some(leader) {
        // Pinned off that processor and still reading its number: the numbers are
        // not processor numbers here (a hypervisor that leaves TSC_AUX unset), so
        // stop relying on them rather than never helping.
        CPU_IDS_UNRELIABLE.store(true, Ordering::Relaxed);
        allowed.restore();
    }
}

/// Whether this thread runs on the processor the leader last ran on (never where
/// the processor is not known).
fn on_leader_cpu(s: &Shared) -> bool {
    current_cpu().is_some_and(|cpu| cpu == s.leader_cpu.0.load(Ordering::Relaxed))
}

/// How early before a block is expected a worker starts spinning again.
pub const LEAD: Duration = Duration::from_micros(300);

/// The most [`LEAD`] grows to when the blocks come irregularly (four times the mean
/// difference between consecutive intervals is added to it).
pub const MAX_LEAD: Duration = Duration::from_millis(2);

/// How long a worker keeps spinning after work when blocks come at a known period
/// (stages of one block follow each other within microseconds; longer than that, the
/// block is over).
pub const SPIN_AFTER_PERIODIC: Duration = Duration::from_micros(500);

/// When a worker spins and when it sleeps between jobs. Blocks come either back to
/// back (a render, a benchmark: hints closer than [`SPIN_WINDOW`]) or at a steady
/// period (a real-time stream). In the first case the worker spins for the window
/// after its last work or hint, then naps. In the second it learns the period from
/// the hints, spins only [`SPIN_AFTER_PERIODIC`] after the block's work, sleeps until
/// [`LEAD`] before the next block is due (plus four times the mean jitter between
/// intervals, up to [`MAX_LEAD`]) and spins from then on, so that it is awake
/// when the block's first parallel stage comes without spinning through the whole
/// period. A hint that does not come when due (the stream stopped) falls back to naps.
struct Idle {
    last_work: Instant,
    last_hint: Instant,
    /// The interval between hints when the last few were steady.
    period: Option<Duration>,
    /// The last interval between hints.
    interval: Duration,
    /// A running mean of how much consecutive steady intervals differ.
    jitter: Duration,
}

impl Idle {
    fn new(now: Instant) -> Idle {
        Idle {
            last_work: now,
            last_hint: now,
            period: None,
            interval: Duration::ZERO,
            jitter: Duration::ZERO,
        }
    }

    fn worked(&mut self, now: Instant) {
        self.last_work = now;
    }

    fn hinted(&mut self, now: Instant) {
        let interval = now.saturating_duration_since(self.last_hint);
        // Steady: two intervals in a row within 1/8 of each other, longer than the
        // spin window (shorter: back to back) and shorter than 100 ms (longer: not a
        // stream worth spinning for).
        let deviation = interval.abs_diff(self.interval);
        let close = deviation < interval / 8;
        let plausible = interval > SPIN_WINDOW && interval < Duration::from_millis(100);
        self.period = (close && plausible).then_some(interval);
        if self.period.is_some() {
            self.jitter = (self.jitter * 7 + deviation) / 8;
        }
        self.interval = interval;
        self.last_hint = now;
    }

    /// `None` to keep spinning, or how long to sleep.
    fn sleep(&self, now: Instant) -> Option<Duration> {
        let active = self.last_work.max(self.last_hint);
        let since = now.saturating_duration_since(active);
        match self.period {
            Some(period) => {
                if since < SPIN_AFTER_PERIODIC {
                    return None;
                }
                let due = self.last_hint + period;
                // Earlier the less regular the blocks come: a block that comes before
                // the worker is up runs mostly without it.
                let lead = (LEAD + self.jitter * 4).min(MAX_LEAD);
                let wake = due.checked_sub(lead).unwrap_or(due);
                if now < wake {
                    // Sleep towards the next block in slices, to see `stop` soon.
                    return Some((wake - now).min(Duration::from_millis(1)));
                }
                if now < due + SPIN_WINDOW {
                    return None;
                }
                Some(NAP)
            }
            None if since < SPIN_WINDOW => None,
            None => Some(NAP),
        }
    }
}

/// What [`measure_handoff`] found, as medians.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Handoff {
    /// From publishing a job to a worker working on it, the worker spinning (right
    /// after another job, as between the stages of a block).
    pub awake: Duration,
    /// The same after the worker has been idle past its spin window (napping), as a
    /// block in a real-time stream finds it if [`Crew::wake`] came too late.
    pub napping: Duration,
    /// What the leader pays for a job of two empty items with the workers spinning:
    /// the dispatch itself.
    pub empty: Duration,
    /// The previous dispatch, rayon's `in_place_scope` with a `spawn` per helper, for
    /// two empty items, its workers asleep (for comparison).
    pub rayon: Duration,
}

/// Measures the crew's hand-off, as medians over `rounds`: how long until a second
/// thread works on a job of two items (each item waits, up to 20 ms, until both have
/// started), with the workers spinning and napping; what a job of two empty items
/// costs the leader; and the rayon dispatch it replaces.
pub fn measure_handoff(crew: &Crew, rounds: usize) -> Handoff {
    let rounds = rounds.max(1);
    let both_started = |rounds: usize, idle: Duration| {
        let mut times = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            // Keep the workers spinning (a job just before), or let them nap.
            crew.run(2, |_| ());
            if !idle.is_zero() {
                std::thread::sleep(idle);
            }
            let started = AtomicUsize::new(0);
            let t0 = Instant::now();
            let reached = std::sync::Mutex::new(None);
            crew.run(2, |_| {
                started.fetch_add(1, Ordering::AcqRel);
                let deadline = Instant::now() + Duration::from_millis(20);
                while started.load(Ordering::Acquire) < 2 && Instant::now() < deadline {
                    std::hint::spin_loop();
                }
                if let Ok(mut r) = reached.lock() {
                    r.get_or_insert(t0.elapsed());
                }
            });
            if let Ok(Some(d)) = reached.into_inner() {
                times.push(d);
            }
        }
        median(times)
    };
    let awake = both_started(rounds, Duration::ZERO);
    let napping = both_started(rounds.min(50), SPIN_WINDOW * 2);
    let mut empty = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        crew.run(2, |_| ());
        let t0 = Instant::now();
        crew.run(2, |_| ());
        empty.push(t0.elapsed());
    }
    let rayon = rayon::ThreadPoolBuilder::new()
        .num_threads(crew.workers().max(1))
        .build()
        .map(|pool| {
            let mut times = Vec::with_capacity(rounds);
            for _ in 0..rounds.min(100) {
                std::thread::sleep(Duration::from_micros(200));
                let t0 = Instant::now();
                pool.in_place_scope(|s| {
                    s.spawn(|_| ());
                });
                times.push(t0.elapsed());
            }
            median(times)
        })
        .unwrap_or_default();
    Handoff {
        awake,
        napping,
        empty: median(empty),
        rayon,
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
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
