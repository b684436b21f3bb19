//! The time as the services see it: the system's, plus an offset that tests move forward to
//! try rules that depend on time without waiting. Every service of a server and the digest
//! scheduler share one clock (`Application::clock`): session, link and token expiry, sign-in
//! pauses, digests, and every timestamp a service writes.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// A clock shared by the services of one server; clones see the same time.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_seconds: Arc<AtomicI64>,
}

impl Clock {
    /// Seconds since the Unix epoch.
    pub fn now(&self) -> i64 {
        crate::db::organisations::now() + self.offset_seconds.load(Ordering::SeqCst)
    }

    /// Moves this clock (and its clones) forward.
    pub fn advance(&self, seconds: i64) {
        self.offset_seconds.fetch_add(seconds, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::Clock;

    #[test]
    fn clones_move_together() {
        let clock = Clock::default();
        let seen = clock.clone();
        let before = seen.now();
        clock.advance(3600);
        assert!(seen.now() >= before + 3600);
    }
}
