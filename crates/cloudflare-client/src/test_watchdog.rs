//! For tests on tokio's paused clock: a loop that never yields freezes virtual time, so no
//! tokio timeout can end it. The watchdog ends the test process instead, after 20 s of
//! real time, so that a test fails rather than hangs.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(20);

/// Aborts the process unless dropped within [`LIMIT`] of real time.
pub(crate) struct Watchdog(Arc<AtomicBool>);

impl Watchdog {
    pub(crate) fn start() -> Self {
        let done = Arc::new(AtomicBool::new(false));
        let seen = done.clone();
        std::thread::spawn(move || {
            let started = Instant::now();
            while started.elapsed() < LIMIT {
                if seen.load(Ordering::SeqCst) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            eprintln!("a test ran for {LIMIT:?} of real time without yielding: aborting");
            std::process::abort();
        });
        Self(done)
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}
