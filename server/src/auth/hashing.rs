//! The bound on password hashing. Each argon2id computation holds about 19 MiB for tens of
//! milliseconds; without a bound, a burst of sign-in requests runs hundreds at once and the
//! server's memory runs out. Every password the server hashes or verifies goes through
//! [`PasswordHashing`]: a few at a time, each turn computing in memory kept for it, and a
//! request that cannot get a turn quickly is refused without hashing anything.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::password::{self, Memory};

/// Password computations that may run at once by default (about 76 MiB together;
/// `KEIKAKU_PASSWORD_CHECKS` changes it).
pub const CONCURRENT_HASHES: usize = 4;
/// How long a request waits for a turn before it is refused.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(1);

/// All turns were taken for longer than the wait: try again shortly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

#[derive(Clone)]
pub struct PasswordHashing {
    turns: Arc<Semaphore>,
    /// The working memory of the turns not running: at most one per turn, allocated on first
    /// use and then reused, so the process holds `concurrent` × 19 MiB at most.
    memory: Arc<Mutex<Vec<Memory>>>,
    wait: Duration,
}

impl PasswordHashing {
    pub fn new(concurrent: usize, wait: Duration) -> PasswordHashing {
        PasswordHashing {
            turns: Arc::new(Semaphore::new(concurrent)),
            memory: Arc::default(),
            wait,
        }
    }

    /// A turn to compute, once one is free within the wait. Taking the turn before anything
    /// else (the throttle's write to the database among it) lets a flood be refused without
    /// touching the database.
    pub async fn turn(&self) -> Result<Turn, Busy> {
        match tokio::time::timeout(self.wait, self.turns.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(Turn {
                permit,
                memory: self.memory.clone(),
            }),
            Ok(Err(_)) | Err(_) => Err(Busy),
        }
    }

    /// A new PHC string for `new`.
    pub async fn hash(&self, new: String) -> Result<Result<String, String>, Busy> {
        Ok(self.turn().await?.hash(new).await)
    }

    #[cfg(test)]
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Memory) -> T + Send + 'static,
    ) -> Result<T, Busy> {
        Ok(self.turn().await?.run(work).await)
    }
}

/// A turn to compute one password hash, taken from [`PasswordHashing::turn`].
pub struct Turn {
    permit: OwnedSemaphorePermit,
    memory: Arc<Mutex<Vec<Memory>>>,
}

impl Turn {
    /// Checks `given` against a stored PHC string; without one (an unknown account), against a
    /// decoy, so that unknown and known logins take the same time.
    pub async fn verify(self, given: String, stored: Option<String>) -> bool {
        self.run(move |memory| {
            let stored = stored.as_deref().unwrap_or_else(|| password::decoy_hash());
            password::verify_in(&given, stored, memory)
        })
        .await
    }

    /// A new PHC string for `new`.
    pub async fn hash(self, new: String) -> Result<String, String> {
        self.run(move |memory| password::hash_in(&new, memory))
            .await
    }

    /// Runs `work` on the blocking pool with the turn's memory. The turn moves into the
    /// blocking task, so it stays taken until the work ends even if the request is dropped
    /// meanwhile.
    async fn run<T: Send + 'static>(
        self,
        work: impl FnOnce(&mut Memory) -> T + Send + 'static,
    ) -> T {
        let Turn { permit, memory } = self;
        let result = tokio::task::spawn_blocking(move || {
            let taken = memory.lock().unwrap_or_else(|e| e.into_inner()).pop();
            let mut working = taken.unwrap_or_default();
            let result = work(&mut working);
            memory
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(working);
            drop(permit);
            result
        })
        .await;
        result.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_request_finding_every_turn_taken_is_refused_without_running() {
        let hashing = PasswordHashing::new(2, Duration::from_millis(50));
        let (release, released) = std::sync::mpsc::channel::<()>();
        let released = Arc::new(std::sync::Mutex::new(released));
        let mut holders = Vec::new();
        for _ in 0..2 {
            let (hashing, released) = (hashing.clone(), released.clone());
            holders.push(tokio::spawn(async move {
                hashing
                    .run(move |_| released.lock().unwrap().recv().unwrap())
                    .await
            }));
        }
        // Both turns are taken once neither is free.
        while hashing.turns.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        let ran = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = ran.clone();
        let third = hashing
            .run(move |_| flag.store(true, std::sync::atomic::Ordering::SeqCst))
            .await;
        assert_eq!(third, Err(Busy));
        assert!(!ran.load(std::sync::atomic::Ordering::SeqCst));

        for _ in 0..2 {
            release.send(()).unwrap();
        }
        for holder in holders {
            assert_eq!(holder.await.unwrap(), Ok(()));
        }
        assert_eq!(hashing.run(|_| 7).await, Ok(7), "turns come back");
    }

    /// A turn, then a check in it.
    async fn verify(
        hashing: &PasswordHashing,
        given: &str,
        stored: Option<String>,
    ) -> Result<bool, Busy> {
        Ok(hashing.turn().await?.verify(given.into(), stored).await)
    }

    #[tokio::test]
    async fn each_turn_keeps_one_memory_and_no_more() {
        let hashing = PasswordHashing::new(2, DEFAULT_WAIT);
        let stored = hashing
            .hash("right passphrase".into())
            .await
            .unwrap()
            .unwrap();
        for _ in 0..3 {
            let (a, b) = tokio::join!(
                verify(&hashing, "right passphrase", Some(stored.clone())),
                verify(&hashing, "wrong passphrase", Some(stored.clone())),
            );
            assert_eq!((a, b), (Ok(true), Ok(false)));
        }
        assert!(hashing.memory.lock().unwrap().len() <= 2);
    }

    #[tokio::test]
    async fn verifying_an_unknown_account_checks_a_decoy() {
        let hashing = PasswordHashing::new(1, DEFAULT_WAIT);
        assert_eq!(verify(&hashing, "anything", None).await, Ok(false));
        let stored = hashing
            .hash("right passphrase".into())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            verify(&hashing, "right passphrase", Some(stored)).await,
            Ok(true)
        );
    }
}
