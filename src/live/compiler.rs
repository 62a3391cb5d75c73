//! The compile thread of a live session. The control thread hands it each saved
//! version and goes on printing the status line and freeing retired programs while
//! it compiles; the results come back to be announced and sent to play.
//!
//! The newest save wins: a version handed over while another compiles waits in a
//! single slot, and a newer one replaces it there, unseen. A compile already under
//! way finishes and is sent; the newer version, compiled next, supersedes it.

use std::sync::{mpsc, Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;

/// The version waiting to be compiled, and whether the worker is to stop.
struct Slot<I> {
    next: Option<I>,
    closed: bool,
}

type Shared<I> = Arc<(Mutex<Slot<I>>, Condvar)>;

/// A thread that runs `job` on the newest input handed to it.
pub struct Worker<I, O> {
    shared: Shared<I>,
    results: mpsc::Receiver<O>,
    thread: Option<JoinHandle<()>>,
}

impl<I: Send + 'static, O: Send + 'static> Worker<I, O> {
    /// Starts the thread.
    pub fn spawn(
        name: &str,
        mut job: impl FnMut(I) -> O + Send + 'static,
    ) -> std::io::Result<Worker<I, O>> {
        let shared: Shared<I> = Arc::new((
            Mutex::new(Slot {
                next: None,
                closed: false,
            }),
            Condvar::new(),
        ));
        let (tx, results) = mpsc::channel();
        let thread = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name(name.into())
                .spawn(move || {
                    while let Some(input) = next(&shared) {
                        if tx.send(job(input)).is_err() {
                            return;
                        }
                    }
                })?
        };
        Ok(Worker {
            shared,
            results,
            thread: Some(thread),
        })
    }

    /// Hands `input` over without waiting; replaces an input not started yet.
    /// Returns whether one was replaced.
    pub fn submit(&self, input: I) -> bool {
        let (lock, wake) = &*self.shared;
        let mut slot = lock.lock().unwrap_or_else(PoisonError::into_inner);
        let replaced = slot.next.replace(input).is_some();
        wake.notify_one();
        replaced
    }

    /// A finished result, if one is there (never waits).
    pub fn try_result(&self) -> Option<O> {
        self.results.try_recv().ok()
    }
}

/// Waits for the next input; `None` once the worker is closed.
fn next<I>(shared: &Shared<I>) -> Option<I> {
    let (lock, wake) = &**shared;
    let mut slot = lock.lock().unwrap_or_else(PoisonError::into_inner);
    loop {
        if slot.closed {
            return None;
        }
        if let Some(input) = slot.next.take() {
            return Some(input);
        }
        slot = wake.wait(slot).unwrap_or_else(PoisonError::into_inner);
    }
}

impl<I, O> Drop for Worker<I, O> {
    /// Stops the thread: an input not started is dropped, a job under way finishes.
    fn drop(&mut self) {
        let (lock, wake) = &*self.shared;
        lock.lock().unwrap_or_else(PoisonError::into_inner).closed = true;
        wake.notify_one();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    /// Waits up to 5 s for the next result.
    fn result<I: Send + 'static, O: Send + 'static>(w: &Worker<I, O>) -> Option<O> {
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(5) {
            if let Some(r) = w.try_result() {
                return Some(r);
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        None
    }

    #[test]
    fn a_slow_job_never_blocks_the_caller_and_the_newest_input_wins() {
        let (started_tx, started_rx) = mpsc::channel();
        let worker = Worker::spawn("test-compile", move |n: u32| {
            let _ = started_tx.send(n);
            std::thread::sleep(Duration::from_millis(300));
            n * 10
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let t0 = Instant::now();
        assert!(!worker.submit(1));
        // Once the first job runs, handing over more and polling return at once.
        assert_eq!(started_rx.recv_timeout(Duration::from_secs(5)), Ok(1));
        assert!(!worker.submit(2));
        assert!(worker.submit(3), "3 replaces 2, which never started");
        assert!(worker.try_result().is_none());
        assert!(t0.elapsed() < Duration::from_millis(200), "{:?}", t0.elapsed());
        // The job under way finishes and is delivered; then the newest one.
        assert_eq!(result(&worker), Some(10));
        assert_eq!(result(&worker), Some(30));
        assert_eq!(started_rx.try_iter().collect::<Vec<_>>(), vec![3]);
        assert!(worker.try_result().is_none());
    }

    #[test]
    fn dropping_the_worker_stops_its_thread() {
        let worker = Worker::spawn("test-compile", |n: u32| n + 1).unwrap_or_else(|e| panic!("{e}"));
        worker.submit(1);
        assert_eq!(result(&worker), Some(2));
        let t0 = Instant::now();
        drop(worker);
        assert!(t0.elapsed() < Duration::from_secs(1));
    }
}
