//! Who last signed in on this device, kept in IndexedDB (committed to disk) rather than in
//! localStorage, which the browser may not have flushed when a tablet is restarted offline.
//! Offline, it names the replica and the kept plans to open.

use std::cell::RefCell;

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{TransactionDurability, TransactionMode, TransactionOptions};

use super::Waiters;

use super::names::{
    DEVICE_DATABASE as DATABASE, DEVICE_STORE as STORE, LAST_LOGIN_KEY as LOGIN_KEY,
    LAST_NAME_KEY as NAME_KEY,
};

thread_local! {
    static LAST: RefCell<Option<(String, String)>> = const { RefCell::new(None) };
    /// Callers of [`last`] waiting for the read already under way.
    static READING: RefCell<Option<Waiters>> = const { RefCell::new(None) };
}

async fn open() -> Option<Database> {
    Database::open(DATABASE)
        .with_version(1u32)
        .with_on_upgrade_needed(|event, db| {
            if (event.old_version() as u32) < 1 {
                db.create_object_store(STORE).build()?;
            }
            Ok(())
        })
        .await
        .ok()
}

/// Records the signed-in user.
pub async fn remember(login: &str, display_name: &str) {
    LAST.with(|l| *l.borrow_mut() = Some((login.to_owned(), display_name.to_owned())));
    let Some(db) = open().await else { return };
    let Ok(tx) = db
        .transaction(STORE)
        .with_mode(TransactionMode::Readwrite)
        .with_options(strict())
        .build()
    else {
        return;
    };
    if let Ok(store) = tx.object_store(STORE) {
        for (key, value) in [(LOGIN_KEY, login), (NAME_KEY, display_name)] {
            if let Ok(request) = store.put(value).with_key(key).primitive() {
                drop(request);
            }
        }
    }
    let _ = tx.commit().await;
}

/// The last user and their display name, read from storage once per page: callers that come
/// while it is being read wait for that read.
pub async fn last() -> Option<(String, String)> {
    if let Some(known) = LAST.with(|l| l.borrow().clone()) {
        return Some(known);
    }
    // `Some` while a read is under way.
    let waiting = READING.with(|reading| {
        let mut reading = reading.borrow_mut();
        let waiting = reading.as_mut().map(Waiters::wait);
        reading.get_or_insert_with(Waiters::default);
        waiting
    });
    if let Some(receiver) = waiting {
        let _ = receiver.await;
        return LAST.with(|l| l.borrow().clone());
    }
    let known = read_last().await;
    if let Some(waiters) = READING.with(|reading| reading.borrow_mut().take()) {
        waiters.wake_all();
    }
    known
}

async fn read_last() -> Option<(String, String)> {
    let _phase = crate::timeline::Phase::start("keikaku:device-read");
    if let Some(known) = super::early::device().await {
        LAST.with(|l| l.borrow_mut().clone_from(&known));
        return known;
    }
    let db = open().await?;
    let tx = db.transaction(STORE).build().ok()?;
    let store = tx.object_store(STORE).ok()?;
    let login: Option<String> = store.get(LOGIN_KEY).primitive().ok()?.await.ok()?;
    let name: Option<String> = store.get(NAME_KEY).primitive().ok()?.await.ok()?;
    let login = login?;
    let known = (login.clone(), name.unwrap_or(login));
    LAST.with(|l| *l.borrow_mut() = Some(known.clone()));
    Some(known)
}

/// What [`last`] found, without waiting; `None` until it has run on this page.
pub fn last_known() -> Option<String> {
    LAST.with(|l| l.borrow().as_ref().map(|(login, _)| login.clone()))
}

/// Written to disk before the commit reports success (Chromium's default, "relaxed", may lose
/// the last writes when a tablet's browser is closed or killed).
fn strict() -> TransactionOptions {
    TransactionOptions::new().with_durability(TransactionDurability::Strict)
}
