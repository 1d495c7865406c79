//! Narrative merges computed before a push takes the write lock.
//!
//! A three-way merge of long texts is the one costly decision of a push (see `bench/README.md`
//! for the worst case). `Store::push` therefore first decides the push against a snapshot,
//! holding no lock, and keeps every merge it computed; under the write lock it decides again
//! against the current rows and takes each merge from here. A text changed by someone else in
//! between is a different merge: computed under the lock, as rare as such a race, and bounded
//! by the merge's own work limit.

use keikaku_domain::reason::Reason;
use std::collections::HashMap;
use std::sync::Mutex;

use keikaku_sync::progress::RecordKey;
use keikaku_sync::protocol::{ClientId, Mutation};
use keikaku_sync::server::{NoteAuthor, PushRules};

/// Merges already computed, by the SHA-256 of their three texts.
#[derive(Debug, Default)]
pub(crate) struct Merges {
    done: Mutex<HashMap<[u8; 32], Option<String>>>,
    /// How many merges were computed rather than found since the last reset.
    computed: std::sync::atomic::AtomicUsize,
}

impl Merges {
    fn key(base: &str, mine: &str, theirs: &str) -> [u8; 32] {
        use sha2::Digest as _;
        let mut hash = sha2::Sha256::new();
        for text in [base, mine, theirs] {
            // Lengths first, so the three texts cannot shift into one another.
            hash.update((text.len() as u64).to_le_bytes());
            hash.update(text.as_bytes());
        }
        hash.finalize().into()
    }

    pub(crate) fn computed(&self) -> usize {
        self.computed.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Starts counting anew: the decision ahead is done.
    pub(crate) fn reset_count(&self) {
        self.computed.store(0, std::sync::atomic::Ordering::Relaxed);
    }
}

/// `rules`, with merges taken from (and added to) `merges`.
pub(crate) struct Ahead<'a, R> {
    pub rules: &'a R,
    pub merges: &'a Merges,
}

impl<R: PushRules> PushRules for Ahead<'_, R> {
    fn authorize(&self, client: &ClientId, mutation: &Mutation) -> Result<(), Reason> {
        self.rules.authorize(client, mutation)
    }

    fn note_author(&self, client: &ClientId) -> Option<NoteAuthor> {
        self.rules.note_author(client)
    }

    fn may_retract(
        &self,
        client: &ClientId,
        key: &RecordKey,
        author: Option<i64>,
    ) -> Result<(), Reason> {
        self.rules.may_retract(client, key, author)
    }

    fn merge(&self, base: &str, mine: &str, theirs: &str) -> Option<String> {
        let key = Merges::key(base, mine, theirs);
        let done = self.merges.done.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(merged) = done.get(&key) {
            return merged.clone();
        }
        // Not held while merging: the merge may take a while.
        drop(done);
        let merged = self.rules.merge(base, mine, theirs);
        self.merges
            .computed
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.merges
            .done
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, merged.clone());
        merged
    }
}
