//! Cooperative stopping: a transport hands the engine an [`Interrupt`] and
//! the engine polls it between pipeline stages, so work whose caller has
//! gone away (cancelled, or past its deadline) stops early instead of
//! running to the end on a worker thread nobody waits for.
//!
//! Plain `std` (an atomic flag and an `Instant`): the core stays free of
//! async runtimes; the gRPC server sets the flag from its side.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::error::Error;

/// Why work stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interruption {
    /// The caller's deadline passed.
    DeadlineExceeded,
    /// The caller cancelled (or the transport gave up on the call).
    Cancelled,
}

impl Interruption {
    pub fn as_str(self) -> &'static str {
        match self {
            Interruption::DeadlineExceeded => "deadline exceeded",
            Interruption::Cancelled => "cancelled",
        }
    }
}

/// A stop signal shared between the caller (who may [`cancel`](Interrupt::cancel))
/// and the worker (who [`check`](Interrupt::check)s it between stages).
/// Clones share the flag.
#[derive(Debug, Clone, Default)]
pub struct Interrupt {
    cancelled: Arc<AtomicBool>,
    deadline: Option<Instant>,
}

impl Interrupt {
    /// Never fires unless cancelled.
    pub fn none() -> Interrupt {
        Interrupt::default()
    }

    /// Fires at `deadline` (when given) or when cancelled.
    pub fn with_deadline(deadline: Option<Instant>) -> Interrupt {
        Interrupt {
            cancelled: Arc::new(AtomicBool::new(false)),
            deadline,
        }
    }

    /// The deadline, if any.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// Tells the worker to stop at its next check.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether work should stop now, and why. A passed deadline wins over a
    /// cancellation, so a caller that cancels because its deadline passed
    /// still reads DEADLINE_EXCEEDED.
    pub fn state(&self) -> Option<Interruption> {
        if self
            .deadline
            .is_some_and(|deadline| Instant::now() >= deadline)
        {
            return Some(Interruption::DeadlineExceeded);
        }
        if self.cancelled.load(Ordering::Relaxed) {
            return Some(Interruption::Cancelled);
        }
        None
    }

    /// `Err(Error::Interrupted)` naming `next_stage` when work should stop.
    pub fn check(&self, next_stage: &'static str) -> Result<(), Error> {
        match self.state() {
            None => Ok(()),
            Some(cause) => Err(Error::Interrupted {
                cause,
                stage: next_stage,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn fires_on_cancel_and_on_deadline() {
        let interrupt = Interrupt::with_deadline(None);
        assert!(interrupt.check("segment").is_ok());
        interrupt.clone().cancel();
        assert_eq!(interrupt.state(), Some(Interruption::Cancelled));

        let past = Interrupt::with_deadline(Some(Instant::now() - Duration::from_millis(1)));
        past.cancel();
        assert_eq!(past.state(), Some(Interruption::DeadlineExceeded));
        let error = past.check("score").unwrap_err();
        assert_eq!(error.code_name(), "DEADLINE_EXCEEDED");

        let future = Interrupt::with_deadline(Some(Instant::now() + Duration::from_secs(60)));
        assert_eq!(future.state(), None);
    }
}
