//! The replica's IndexedDB storage: one database per signed-in user.
//!
//! Each call to [`ReplicaStorage::apply`] is one transaction: a replica method's writes land
//! together or not at all. Transactions are committed explicitly; dropping one rolls it back.
//!
//! IndexedDB charges per request (about 0.1 ms each in Chromium), not per byte, so a sync of
//! thousands of mutations must not cost a request each. Confirmed rows are kept as a log: all
//! of one transaction's rows are one entry of `confirmed`, replayed in order on load and
//! compacted into one entry when the log grows. The outbox is keyed by order, so one range
//! delete clears an answered push.

use indexed_db_futures::database::Database;
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::Transaction;
use keikaku_sync::client::{
    Meta, OpenConflict, PendingMutation, RejectedMutation, StoredFields, StoredKpiReading,
    StoredNote, StoredReplica, StoredRound, Write,
};
use keikaku_sync::progress::ProgressRecord;
use keikaku_sync::protocol::ClientId;
use serde::de::DeserializeOwned;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

use crate::client::{locale, page_lang};
use crate::i18n::td_string;

const META: &str = "meta";
/// The log of confirmed rows: JSON arrays of `put_fields`, `put_note`, `put_kpi_reading`,
/// `put_round` and `put_annotation` writes, under keys IndexedDB generates in increasing order (never reused, so a tab that
/// compacts the log never collides with another that appends).
const CONFIRMED: &str = "confirmed";
/// Pending mutations by order.
const OUTBOX: &str = "outbox";
const CONFLICTS: &str = "conflicts";
const REJECTED: &str = "rejected";
/// Schema 1: whole records by key, and pending mutations by id. Emptied into the stores above
/// by the first load of schema 2.
const RECORDS_V1: &str = "records";
const PENDING_V1: &str = "pending";
const ALL_STORES: [&str; 7] = [
    META, CONFIRMED, OUTBOX, CONFLICTS, REJECTED, RECORDS_V1, PENDING_V1,
];

/// The schema version; upgrades are cumulative (`if old < 1 {…} if old < 2 {…}`).
const SCHEMA_VERSION: u32 = 2;

/// More log entries than this are compacted into one when the replica is loaded.
const COMPACT_AFTER: usize = 32;

const CLIENT_ID_KEY: &str = "client_id";
const META_KEY: &str = "replica";

#[derive(Debug, Clone, PartialEq)]
pub struct StorageError(pub String);

impl std::fmt::Display for StorageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let error = &self.0;
        let message = td_string!(locale(page_lang()), record.offline_storage, error);
        write!(f, "{message}")
    }
}

fn failed(e: impl std::fmt::Display) -> StorageError {
    StorageError(e.to_string())
}

pub struct ReplicaStorage {
    db: Database,
}

/// One database per user, so two people sharing a tablet never share a replica.
fn database_name(login: &str) -> String {
    format!("keikaku-replica-{login}")
}

impl ReplicaStorage {
    pub async fn open(login: &str) -> Result<ReplicaStorage, StorageError> {
        let db = open_database(login).await?;
        // Another tab deleting this database (its user released the device) waits for every
        // connection to close: close this one, whose tab is told to stop by then.
        let handle = db.clone();
        let on_change = Closure::once_into_js(move || handle.close());
        db.as_sys()
            .set_onversionchange(Some(on_change.unchecked_ref()));
        Ok(ReplicaStorage { db })
    }

    /// Closes the database: nothing more is read or written through this storage.
    pub fn close(&self) {
        self.db.clone().close();
    }

    /// How many edits of `login`'s replica the server has not taken: queued, in conflict or
    /// refused and not yet discarded.
    pub async fn unfinished(login: &str) -> Result<usize, StorageError> {
        let db = open_database(login).await?;
        let tx = db
            .transaction([OUTBOX, PENDING_V1, CONFLICTS, REJECTED])
            .build()
            .map_err(failed)?;
        let mut count = 0;
        for store in [OUTBOX, PENDING_V1, CONFLICTS, REJECTED] {
            let n: u32 = tx
                .object_store(store)
                .map_err(failed)?
                .count()
                .primitive()
                .map_err(failed)?
                .await
                .map_err(failed)?;
            count += n as usize;
        }
        drop(tx);
        db.close();
        Ok(count)
    }

    /// Empties `login`'s replica, client id included, and asks the browser to delete it.
    pub async fn erase(login: &str) -> Result<(), StorageError> {
        let db = open_database(login).await?;
        let tx = super::write_transaction(&db, ALL_STORES).map_err(StorageError)?;
        for store in ALL_STORES {
            drop(
                tx.object_store(store)
                    .map_err(failed)?
                    .clear()
                    .map_err(failed)?,
            );
        }
        tx.commit().await.map_err(failed)?;
        db.close();
        delete_database(&database_name(login));
        Ok(())
    }
}

/// Asks the browser to delete a database, without waiting: the deletion waits for other tabs'
/// connections to close, and callers have already emptied it.
pub fn delete_database(name: &str) {
    if let Ok(request) = Database::delete_by_name(name) {
        drop(request);
    }
}

async fn open_database(login: &str) -> Result<Database, StorageError> {
    Database::open(&database_name(login))
        .with_version(SCHEMA_VERSION)
        .with_on_upgrade_needed(|event, db| {
            let old = event.old_version() as u32;
            if old < 1 {
                for store in [META, RECORDS_V1, PENDING_V1, CONFLICTS, REJECTED] {
                    db.create_object_store(store).build()?;
                }
            }
            if old < 2 {
                db.create_object_store(CONFIRMED)
                    .with_auto_increment(true)
                    .build()?;
                db.create_object_store(OUTBOX).build()?;
            }
            Ok(())
        })
        .await
        .map_err(failed)
}

impl ReplicaStorage {
    /// The stored replica, and this browser's client id (generated and stored on first use).
    pub async fn load(&self) -> Result<(ClientId, StoredReplica), StorageError> {
        let tx = super::write_transaction(&self.db, ALL_STORES).map_err(StorageError)?;
        let meta_store = tx.object_store(META).map_err(failed)?;
        let stored_id: Option<String> = meta_store
            .get(CLIENT_ID_KEY)
            .primitive()
            .map_err(failed)?
            .await
            .map_err(failed)?;
        let client_id = match stored_id {
            Some(id) => ClientId::new(id).map_err(failed)?,
            None => {
                let id = ClientId::new(new_client_id()).map_err(failed)?;
                meta_store
                    .put(id.as_str())
                    .with_key(CLIENT_ID_KEY)
                    .primitive()
                    .map_err(failed)?
                    .await
                    .map_err(failed)?;
                id
            }
        };
        let mut stored = StoredReplica::default();
        let meta: Option<String> = meta_store
            .get(META_KEY)
            .primitive()
            .map_err(failed)?
            .await
            .map_err(failed)?;
        if let Some(meta) = meta {
            stored.meta = serde_json::from_str::<Meta>(&meta).map_err(failed)?;
        }

        // Schema 1's stores, if anything is left in them, then the log in order.
        let legacy_records = read_all::<ProgressRecord>(&tx, RECORDS_V1).await?;
        let legacy_pending = read_all::<PendingMutation>(&tx, PENDING_V1).await?;
        let migrating = !legacy_records.is_empty() || !legacy_pending.is_empty();
        stored.apply(legacy_records.into_iter().flat_map(record_writes));
        let log_keys: Vec<f64> = tx
            .object_store(CONFIRMED)
            .map_err(failed)?
            .get_all_keys()
            .primitive()
            .map_err(failed)?
            .await
            .map_err(failed)?
            .collect::<Result<_, _>>()
            .map_err(failed)?;
        for entry in read_all::<Vec<Write>>(&tx, CONFIRMED).await? {
            stored.apply(entry);
        }
        let outbox = read_all::<PendingMutation>(&tx, OUTBOX).await?;
        let conflicts = read_all::<OpenConflict>(&tx, CONFLICTS).await?;
        let rejected = read_all::<RejectedMutation>(&tx, REJECTED).await?;
        stored.apply(
            legacy_pending
                .iter()
                .cloned()
                .chain(outbox)
                .map(Write::PutPending)
                .chain(conflicts.into_iter().map(Write::PutConflict))
                .chain(rejected.into_iter().map(Write::PutRejected)),
        );
        if migrating || log_keys.len() > COMPACT_AFTER {
            // The whole confirmed state as one entry, replacing the log before it.
            let annotations = stored.annotations.values().cloned();
            let snapshot: Vec<Write> = stored
                .records
                .values()
                .cloned()
                .flat_map(record_writes)
                .chain(annotations.map(Write::PutAnnotation))
                .collect();
            // This transaction holds the log, so the entries read are all there is to replace.
            if let Some(last) = log_keys.last() {
                let confirmed = tx.object_store(CONFIRMED).map_err(failed)?;
                drop(confirmed.delete(0.0..=*last).primitive().map_err(failed)?);
            }
            put_log_entry(&tx, &snapshot)?;
            for pending in legacy_pending {
                request(&tx, Write::PutPending(pending))?;
            }
            for legacy in [RECORDS_V1, PENDING_V1] {
                drop(
                    tx.object_store(legacy)
                        .map_err(failed)?
                        .clear()
                        .map_err(failed)?,
                );
            }
        }
        tx.commit().await.map_err(failed)?;
        Ok((client_id, stored))
    }

    /// Stores one replica method's writes in one transaction. The transaction and its
    /// requests are created before this returns, so transactions commit in the order of the
    /// calls (IndexedDB runs overlapping read-write transactions in creation order) however the
    /// returned futures are awaited. The future must be awaited: dropping it rolls back.
    pub fn apply(
        &self,
        writes: Vec<Write>,
    ) -> Result<impl std::future::Future<Output = Result<(), StorageError>> + '_, StorageError>
    {
        let tx = super::write_transaction(&self.db, [META, CONFIRMED, OUTBOX, CONFLICTS, REJECTED])
            .map_err(StorageError)?;
        let (confirmed, others): (Vec<Write>, Vec<Write>) =
            writes.into_iter().partition(Write::is_confirmed_row);
        if !confirmed.is_empty() {
            put_log_entry(&tx, &confirmed)?;
        }
        for write in others {
            request(&tx, write)?;
        }
        Ok(async move { tx.commit().await.map_err(failed) })
    }
}

/// Appends confirmed rows to the log as one entry.
fn put_log_entry(tx: &Transaction<'_>, rows: &[Write]) -> Result<(), StorageError> {
    let store = tx.object_store(CONFIRMED).map_err(failed)?;
    drop(store.add(json(&rows)?).primitive().map_err(failed)?);
    Ok(())
}

/// A record as the writes that store it.
fn record_writes(record: ProgressRecord) -> impl Iterator<Item = Write> {
    let key = record.key;
    let fields = Write::PutFields(StoredFields {
        key: key.clone(),
        fields: record.fields,
    });
    let notes_key = key.clone();
    let notes = record.notes.into_values().map(move |note| {
        Write::PutNote(StoredNote {
            key: notes_key.clone(),
            note,
        })
    });
    let readings_key = key.clone();
    let readings = record.kpi_readings.into_values().map(move |reading| {
        Write::PutKpiReading(StoredKpiReading {
            key: readings_key.clone(),
            reading,
        })
    });
    let rounds = record.rounds.into_values().map(move |round| {
        Write::PutRound(StoredRound {
            key: key.clone(),
            round,
        })
    });
    std::iter::once(fields)
        .chain(notes)
        .chain(readings)
        .chain(rounds)
}

/// Sends the request that stores one write that is not a confirmed row. Building a request
/// sends it; a failed request aborts the transaction, which its commit reports, so the request
/// futures are not needed.
fn request(tx: &Transaction<'_>, write: Write) -> Result<(), StorageError> {
    let (store, key, value): (&str, JsValue, Option<String>) = match write {
        Write::PutMeta(meta) => (META, META_KEY.into(), Some(json(&meta)?)),
        Write::PutPending(p) => (OUTBOX, (p.order as f64).into(), Some(json(&p)?)),
        Write::DeletePending(range) => {
            let outbox = tx.object_store(OUTBOX).map_err(failed)?;
            let range = range.first as f64..=range.last as f64;
            drop(outbox.delete(range).primitive().map_err(failed)?);
            return Ok(());
        }
        Write::PutConflict(c) => (CONFLICTS, c.id.as_str().into(), Some(json(&c)?)),
        Write::DeleteConflict(id) => (CONFLICTS, id.as_str().into(), None),
        Write::PutRejected(r) => (REJECTED, r.mutation.id.as_str().into(), Some(json(&r)?)),
        Write::DeleteRejected(id) => (REJECTED, id.as_str().into(), None),
        Write::PutFields(_)
        | Write::PutNote(_)
        | Write::PutKpiReading(_)
        | Write::PutRound(_)
        | Write::PutAnnotation(_) => {
            return Err(StorageError("confirmed rows belong in the log".into()))
        }
    };
    let object_store = tx.object_store(store).map_err(failed)?;
    match value {
        Some(value) => drop(
            object_store
                .put(value)
                .with_key(key)
                .primitive()
                .map_err(failed)?,
        ),
        None => drop(object_store.delete(key).primitive().map_err(failed)?),
    }
    Ok(())
}

/// Every value of a store in key order, decoded from its JSON text.
async fn read_all<T: DeserializeOwned>(
    tx: &Transaction<'_>,
    store: &str,
) -> Result<Vec<T>, StorageError> {
    let values: Vec<String> = tx
        .object_store(store)
        .map_err(failed)?
        .get_all()
        .primitive()
        .map_err(failed)?
        .await
        .map_err(failed)?
        .collect::<Result<_, _>>()
        .map_err(failed)?;
    values
        .iter()
        .map(|value| serde_json::from_str(value).map_err(failed))
        .collect()
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, StorageError> {
    serde_json::to_string(value).map_err(failed)
}

/// A random client id in the protocol's alphabet: a lowercase UUID from the browser's CSPRNG.
fn new_client_id() -> String {
    let crypto = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"))
        .ok()
        .filter(|c| !c.is_undefined());
    let uuid = crypto.and_then(|crypto| {
        let method = js_sys::Reflect::get(&crypto, &JsValue::from_str("randomUUID")).ok()?;
        let method: js_sys::Function = method.dyn_into().ok()?;
        method.call0(&crypto).ok()?.as_string()
    });
    uuid.unwrap_or_else(|| {
        // Older browsers: Math.random is enough to keep two devices apart.
        (0..4)
            .map(|_| {
                format!(
                    "{:08x}",
                    (js_sys::Math::random() * f64::from(u32::MAX)) as u32
                )
            })
            .collect::<Vec<_>>()
            .join("-")
    })
    .to_lowercase()
}

use wasm_bindgen::JsCast;
