//! Password attempts on a real SQLite file: counting and recording are one step, so parallel
//! attempts cannot all read a low count; a success forgets only its own account and address.

use std::path::PathBuf;

use keikaku_store::{AttemptCounts, Store};

/// A store in a fresh data directory, removed with it.
struct Scratch {
    store: Store,
    dir: PathBuf,
}

impl Scratch {
    async fn open(tag: &str) -> Scratch {
        let name = format!("keikaku-attempts-{tag}-{}", std::process::id());
        let dir = std::env::temp_dir().join(name);
        let _ = std::fs::remove_dir_all(&dir);
        let store = Store::open(&dir).await.unwrap();
        Scratch { store, dir }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Allows an attempt while fewer than five are counted for the account and address.
fn five_per_pair(counts: &AttemptCounts) -> Result<(), ()> {
    if counts.pair.count < 5 {
        Ok(())
    } else {
        Err(())
    }
}

async fn counts(store: &Store, login: &str, address: &str) -> AttemptCounts {
    let mut seen = AttemptCounts::default();
    store
        .reserve_attempt(login, address, 1_000, 0, |c| {
            seen = *c;
            Err::<(), ()>(())
        })
        .await
        .unwrap()
        .unwrap_err();
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_parallel_attempts_reserve_exactly_five() {
    let scratch = Scratch::open("parallel").await;
    let store = &scratch.store;
    let tasks: Vec<_> = (0..60)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .reserve_attempt("Admin", "192.0.2.1", 1_000, 0, five_per_pair)
                    .await
                    .unwrap()
                    .is_ok()
            })
        })
        .collect();
    let mut reserved = 0;
    for task in tasks {
        reserved += usize::from(task.await.unwrap());
    }
    assert_eq!(reserved, 5);
    let seen = counts(store, "admin", "192.0.2.1").await;
    assert_eq!(
        seen.pair.count, 5,
        "logins compare as the store compares them"
    );
    assert_eq!(seen.pair.last, Some(1_000));
}

#[tokio::test]
async fn a_success_forgets_its_own_pair_and_nothing_else() {
    let scratch = Scratch::open("success").await;
    let store = &scratch.store;
    let reserve = async |login: &str, address: &str| {
        store
            .reserve_attempt(login, address, 1_000, 0, |_| Ok::<(), ()>(()))
            .await
            .unwrap()
            .unwrap()
    };
    reserve("admin", "192.0.2.1").await;
    reserve("admin", "192.0.2.2").await;
    reserve("editor", "192.0.2.1").await;
    let right = reserve("admin", "192.0.2.1").await;
    store.attempt_succeeded(right).await.unwrap();

    let seen = counts(store, "admin", "192.0.2.1").await;
    assert_eq!(seen.pair.count, 0);
    assert_eq!(seen.account.count, 1, "192.0.2.2's failure stays");
    assert_eq!(seen.address.count, 1, "the failure on editor stays");
}

#[tokio::test]
async fn attempts_older_than_the_window_are_not_counted() {
    let scratch = Scratch::open("window").await;
    let store = &scratch.store;
    store
        .reserve_attempt("admin", "192.0.2.1", 100, 0, |_| Ok::<(), ()>(()))
        .await
        .unwrap()
        .unwrap();
    let mut seen = AttemptCounts::default();
    let _ = store
        .reserve_attempt("admin", "192.0.2.1", 1_100, 100, |c| {
            seen = *c;
            Err::<(), ()>(())
        })
        .await
        .unwrap();
    assert_eq!(seen, AttemptCounts::default());
}
