//! What the sync status indicator and the progress pages show about the replica. Plain signals,
//! provided on the server too (where they stay at their initial values), so server rendering
//! and hydration agree.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct SyncStatus {
    /// The replica is loaded from IndexedDB and can be read and edited.
    pub ready: RwSignal<bool>,
    /// The browser believes it is online (updated by `online`/`offline` events and by
    /// whether the last request reached the server).
    pub online: RwSignal<bool>,
    pub syncing: RwSignal<bool>,
    pub pending: RwSignal<usize>,
    pub conflicts: RwSignal<usize>,
    pub rejected: RwSignal<usize>,
    /// Time of the last complete sync, as 「HH:MM」 local time.
    pub last_sync: RwSignal<Option<String>>,
    pub error: RwSignal<Option<String>>,
    /// The session expired or is missing: edits stay queued until the user signs in.
    pub needs_login: RwSignal<bool>,
    /// Another tab of this browser syncs; this one shows the replica read-only.
    pub read_only: RwSignal<bool>,
    /// Someone else signed in on this browser, or this tab's user signed out in another tab:
    /// this tab stopped and shows nothing of its user until it is reloaded.
    pub replaced: RwSignal<bool>,
    /// This tab was opened without the server and the user signed in here set a PIN: nothing
    /// of theirs is shown until it is entered (see `crate::offline::lock`).
    pub locked: RwSignal<bool>,
    /// Bumped whenever the replica changes, so views re-read it.
    pub revision: RwSignal<u64>,
}

impl SyncStatus {
    pub fn new() -> SyncStatus {
        SyncStatus {
            ready: RwSignal::new(false),
            online: RwSignal::new(true),
            syncing: RwSignal::new(false),
            pending: RwSignal::new(0),
            conflicts: RwSignal::new(0),
            rejected: RwSignal::new(0),
            last_sync: RwSignal::new(None),
            error: RwSignal::new(None),
            needs_login: RwSignal::new(false),
            read_only: RwSignal::new(false),
            replaced: RwSignal::new(false),
            locked: RwSignal::new(false),
            revision: RwSignal::new(0),
        }
    }
}

impl SyncStatus {
    /// Whether the tab shows nothing of the signed-in user: closed for another, or locked.
    pub fn closed(&self) -> bool {
        self.replaced.get() || self.locked.get()
    }
}

impl Default for SyncStatus {
    fn default() -> Self {
        SyncStatus::new()
    }
}

/// The status provided by the app shell.
pub fn use_sync_status() -> SyncStatus {
    use_context::<SyncStatus>().unwrap_or_default()
}
