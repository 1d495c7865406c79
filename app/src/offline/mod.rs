//! Offline-first progress: the browser's replica of progress records in IndexedDB, and the
//! engine that syncs it with the server (`/api/v1/sync`, see docs/sync-protocol.md).
//!
//! The replica logic itself is the pure `keikaku_sync::client::Replica`; this module persists
//! it and drives it. Everything that touches IndexedDB runs only in the browser.

#[cfg(feature = "hydrate")]
pub mod device;
pub mod early;
#[cfg(feature = "hydrate")]
pub mod engine;
#[cfg(feature = "hydrate")]
pub mod first_view;
#[cfg(feature = "hydrate")]
pub mod handover;
pub mod lock;
#[cfg(feature = "hydrate")]
pub mod plans;
#[cfg(feature = "hydrate")]
pub mod service_worker;
pub mod sign_out;
pub mod status;
#[cfg(feature = "hydrate")]
pub mod storage;

pub use status::{use_sync_status, SyncStatus};

/// Marks the document once the app is interactive, for styles that need JavaScript and for the
/// browser tests.
pub fn mark_interactive() {
    if let Some(root) = leptos::prelude::document().document_element() {
        let _ = root.set_attribute("data-hydrated", "true");
    }
}

/// IndexedDB names the app reads before it starts (see [`early`]) as well as after.
pub mod names {
    /// Who is signed in on this device ([`super::device`]).
    pub const DEVICE_DATABASE: &str = "keikaku-device";
    pub const DEVICE_STORE: &str = "device";
    /// The login of whoever is signed in here, absent when nobody is. The key's name dates from
    /// when it meant "who last signed in"; devices that stored it then are read the same way.
    pub const SIGNED_IN_LOGIN_KEY: &str = "last_login";
    pub const SIGNED_IN_NAME_KEY: &str = "last_display_name";
    /// The signed-in session's CSRF token, kept so a sign-out made offline can end the
    /// session on the server once it is reached.
    pub const SESSION_CSRF_KEY: &str = "session_csrf";
    /// The CSRF token of a session signed out here offline and not yet ended on the server.
    /// The service worker ends it before the next page it fetches (`public/sw.js`).
    pub const PENDING_LOGOUT_KEY: &str = "pending_logout";
    /// The signed-in user's device PIN, as [`super::lock`] keeps it, and the wrong PINs
    /// entered in a row. The service worker writes no first view while a PIN is set: the app
    /// asks for it first.
    pub const PIN_KEY: &str = "pin_lock";
    pub const PIN_FAILURES_KEY: &str = "pin_failures";
    /// Kept plans ([`super::plans`]), one database per person signed in, or the public.
    pub const PLANS_STORE: &str = "plans";
    /// Documents of versions read online (`{plan}/{n}`), in the same database as the plans.
    pub const VERSIONS_STORE: &str = "versions";
    pub const PLANS_DATABASE_PREFIX: &str = "keikaku-plans-";
    pub const PUBLIC_OWNER: &str = "public";
}

/// A read-write transaction over `stores`, written to disk before its commit reports success
/// (Chromium's default, "relaxed", may lose the last writes when a tablet's browser is closed
/// or killed).
#[cfg(feature = "hydrate")]
pub(crate) fn write_transaction<S: indexed_db_futures::database::ObjectStoreName>(
    db: &indexed_db_futures::database::Database,
    stores: S,
) -> Result<indexed_db_futures::transaction::Transaction<'_>, String> {
    use indexed_db_futures::transaction::{
        TransactionDurability, TransactionMode, TransactionOptions,
    };
    use indexed_db_futures::Build;
    db.transaction(stores)
        .with_mode(TransactionMode::Readwrite)
        .with_options(TransactionOptions::new().with_durability(TransactionDurability::Strict))
        .build()
        .map_err(|e| e.to_string())
}

/// Callers waiting in this tab for something already under way (the engine opening, a stored
/// value being read), woken together when it is done.
#[cfg(feature = "hydrate")]
#[derive(Default)]
pub(crate) struct Waiters(Vec<futures_channel::oneshot::Sender<()>>);

#[cfg(feature = "hydrate")]
impl Waiters {
    /// Resolves when [`Waiters::wake_all`] runs (or the waiters are dropped).
    pub(crate) fn wait(&mut self) -> futures_channel::oneshot::Receiver<()> {
        let (sender, receiver) = futures_channel::oneshot::channel();
        self.0.push(sender);
        receiver
    }

    pub(crate) fn wake_all(self) {
        for waiter in self.0 {
            let _ = waiter.send(());
        }
    }
}

#[cfg(feature = "hydrate")]
thread_local! {
    static OPENED_OFFLINE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Records that the service worker answered this page with the app shell: the server could
/// not be reached when it was opened.
#[cfg(feature = "hydrate")]
pub fn mark_opened_offline() {
    OPENED_OFFLINE.with(|o| o.set(true));
}

/// Whether this page was opened from the app shell, without the server.
#[cfg(feature = "hydrate")]
pub fn opened_offline() -> bool {
    OPENED_OFFLINE.with(|o| o.get())
}
