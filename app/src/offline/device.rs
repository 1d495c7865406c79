//! Who is signed in on this device, kept in IndexedDB (committed to disk) rather than in
//! localStorage, which the browser may not have flushed when a tablet is restarted offline.
//! Offline, it names the replica and the kept plans to open; with nobody signed in, the device
//! shows what the public sees.
//!
//! A device belongs to whoever is signed in now: [`sign_in`] when the server says who that is,
//! [`sign_out`] when they sign out or the server says their session has ended.

use std::cell::RefCell;

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;

use super::Waiters;
use crate::client::{locale, page_lang};
use crate::i18n::td_string;

use super::lock::StoredPin;
use super::names::{
    DEVICE_DATABASE as DATABASE, DEVICE_STORE as STORE, PENDING_LOGOUT_KEY, PIN_FAILURES_KEY,
    PIN_KEY, SESSION_CSRF_KEY, SIGNED_IN_LOGIN_KEY as LOGIN_KEY, SIGNED_IN_NAME_KEY as NAME_KEY,
};

/// Why the device's storage cannot be read, in the page's language.
pub(crate) fn no_database() -> String {
    td_string!(locale(page_lang()), record.offline_no_database).to_owned()
}

/// A login and its display name.
pub type Person = (String, String);

thread_local! {
    /// Who is signed in here, once read on this page (`Some(None)`: nobody).
    static CURRENT: RefCell<Option<Option<Person>>> = const { RefCell::new(None) };
    /// Callers of [`signed_in`] waiting for the read already under way.
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

/// Puts (`Some`) or deletes (`None`) keys of the device store in one transaction.
async fn write(entries: &[(&str, Option<&str>)]) -> Result<(), String> {
    let db = open().await.ok_or_else(no_database)?;
    let tx = super::write_transaction(&db, STORE)?;
    let store = tx.object_store(STORE).map_err(|e| e.to_string())?;
    for (key, value) in entries {
        // A failed request aborts the transaction, which the commit reports.
        match value {
            Some(value) => drop(
                store
                    .put(*value)
                    .with_key(*key)
                    .primitive()
                    .map_err(|e| e.to_string())?,
            ),
            None => drop(store.delete(*key).primitive().map_err(|e| e.to_string())?),
        }
    }
    let committed = tx.commit().await.map_err(|e| e.to_string());
    db.close();
    committed
}

/// The values of `keys` (each `None` where missing or unreadable), in one transaction.
async fn read<const N: usize>(keys: [&str; N]) -> [Option<String>; N] {
    let mut values = [const { None }; N];
    let Some(db) = open().await else {
        return values;
    };
    if let Ok(tx) = db.transaction(STORE).build() {
        if let Ok(store) = tx.object_store(STORE) {
            for (value, key) in values.iter_mut().zip(keys) {
                if let Ok(request) = store.get(key).primitive() {
                    *value = request.await.ok().flatten();
                }
            }
        }
    }
    db.close();
    values
}

/// What the device holds of the session, as stored now.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stored {
    /// Who is signed in here.
    pub person: Option<Person>,
    /// Their session's CSRF token, as last learned from the server.
    pub csrf_token: Option<String>,
    /// The CSRF token of a session signed out here offline and not yet ended on the server.
    pub pending_logout: Option<String>,
}

/// What the device holds of the session, read in one transaction: another tab of this browser
/// may have signed someone in or out since this page first read it.
pub async fn stored_now() -> Stored {
    let [login, name, csrf_token, pending_logout] =
        read([LOGIN_KEY, NAME_KEY, SESSION_CSRF_KEY, PENDING_LOGOUT_KEY]).await;
    let person = login.map(|login| {
        let name = name.unwrap_or_else(|| login.clone());
        (login, name)
    });
    CURRENT.with(|c| *c.borrow_mut() = Some(person.clone()));
    Stored {
        person,
        csrf_token,
        pending_logout,
    }
}

/// Records who the server says is signed in, with their session's CSRF token. Written only when
/// it differs from `stored`: the server says so on every page, and each write is flushed to disk.
pub async fn sign_in(stored: &Stored, login: &str, display_name: &str, csrf_token: &str) {
    let person = (login.to_owned(), display_name.to_owned());
    CURRENT.with(|c| *c.borrow_mut() = Some(Some(person.clone())));
    if stored.person.as_ref() == Some(&person) && stored.csrf_token.as_deref() == Some(csrf_token) {
        return;
    }
    let _ = write(&[
        (LOGIN_KEY, Some(login)),
        (NAME_KEY, Some(display_name)),
        (SESSION_CSRF_KEY, Some(csrf_token)),
    ])
    .await;
}

/// Leaves nobody signed in here, and drops the user's device PIN. `pending_logout` is the CSRF
/// token of a session that could not be ended on the server (signed out offline): it is ended
/// before anything else is asked of the server.
pub async fn sign_out(pending_logout: Option<&str>) -> Result<(), String> {
    CURRENT.with(|c| *c.borrow_mut() = Some(None));
    let mut entries = vec![
        (LOGIN_KEY, None),
        (NAME_KEY, None),
        (SESSION_CSRF_KEY, None),
        (PIN_KEY, None),
        (PIN_FAILURES_KEY, None),
    ];
    if let Some(token) = pending_logout {
        entries.push((PENDING_LOGOUT_KEY, Some(token)));
    }
    write(&entries).await
}

/// Forgets the pending logout once the server has answered it.
pub async fn clear_pending_logout() {
    let _ = write(&[(PENDING_LOGOUT_KEY, None)]).await;
}

/// The device PIN of the user signed in here, and the wrong PINs entered since the last right
/// one.
pub async fn pin() -> Option<(StoredPin, u32)> {
    let [pin, failures] = read([PIN_KEY, PIN_FAILURES_KEY]).await;
    let pin = serde_json::from_str(&pin?).ok()?;
    Some((pin, failures.and_then(|f| f.parse().ok()).unwrap_or(0)))
}

/// Sets (`Some`) or removes the device PIN, counting wrong PINs from none.
pub async fn set_pin(pin: Option<&StoredPin>) -> Result<(), String> {
    let json = pin
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| e.to_string())?;
    write(&[(PIN_KEY, json.as_deref()), (PIN_FAILURES_KEY, None)]).await
}

pub async fn set_pin_failures(failures: u32) -> Result<(), String> {
    write(&[(PIN_FAILURES_KEY, Some(&failures.to_string()))]).await
}

/// Who is signed in here, with their display name, read from storage once per page: callers
/// that come while it is being read wait for that read.
pub async fn signed_in() -> Option<Person> {
    if let Some(known) = CURRENT.with(|c| c.borrow().clone()) {
        return known;
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
        return CURRENT.with(|c| c.borrow().clone()).flatten();
    }
    let known = read_signed_in().await;
    if let Some(waiters) = READING.with(|reading| reading.borrow_mut().take()) {
        waiters.wake_all();
    }
    known
}

async fn read_signed_in() -> Option<Person> {
    let _phase = crate::timeline::Phase::start("keikaku:device-read");
    let known = match super::early::device().await {
        Some(known) => known,
        None => return stored_now().await.person,
    };
    // A sign-in or sign-out on this page while the read ran is newer than what was read.
    CURRENT.with(|c| c.borrow_mut().get_or_insert(known).clone())
}

/// What [`signed_in`] found, without waiting; `None` until it has run on this page, or when
/// nobody is signed in.
pub fn signed_in_known() -> Option<String> {
    CURRENT.with(|c| c.borrow().clone().flatten().map(|(login, _)| login))
}
