//! The replica's IndexedDB storage: one database per signed-in user, with a store per kind of
//! [`Write`]. Values are JSON text, so what is stored reads the same as what the protocol sends.
//!
//! Each call to [`ReplicaStorage::apply`] is one transaction: a replica method's writes land
//! together or not at all. Transactions are committed explicitly; dropping one rolls it back.

use std::collections::BTreeMap;

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{
    Transaction, TransactionDurability, TransactionMode, TransactionOptions,
};
use keikaku_sync::client::{
    Meta, OpenConflict, PendingMutation, RejectedMutation, StoredFields, StoredKpiReading,
    StoredNote, StoredReplica, Write,
};
use keikaku_sync::progress::{Field, FieldNote, FieldValue, KpiReading, RecordKey, Versioned};
use keikaku_sync::protocol::ClientId;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use wasm_bindgen::JsValue;

const META: &str = "meta";
/// A record's fields ([`StoredFields`]); schema 1 stored whole records here, notes included.
const RECORDS: &str = "records";
const NOTES: &str = "notes";
const KPI_READINGS: &str = "kpi_readings";
const PENDING: &str = "pending";
const CONFLICTS: &str = "conflicts";
const REJECTED: &str = "rejected";
const ALL_STORES: [&str; 7] = [
    META,
    RECORDS,
    NOTES,
    KPI_READINGS,
    PENDING,
    CONFLICTS,
    REJECTED,
];

/// The schema version; upgrades are cumulative (`if old < 1 {…} if old < 2 {…}`).
/// 2: notes and readings in stores of their own.
const SCHEMA_VERSION: u32 = 2;

const CLIENT_ID_KEY: &str = "client_id";
const META_KEY: &str = "replica";

#[derive(Debug, Clone, PartialEq)]
pub struct StorageError(pub String);

impl std::fmt::Display for StorageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "端末の保存領域を使えません：{}", self.0)
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
        let db = Database::open(&database_name(login))
            .with_version(SCHEMA_VERSION)
            .with_on_upgrade_needed(|event, db| {
                let old = event.old_version() as u32;
                if old < 1 {
                    for store in [META, RECORDS, PENDING, CONFLICTS, REJECTED] {
                        db.create_object_store(store).build()?;
                    }
                }
                // Records of schema 1 keep their notes until `load` moves them.
                if old < 2 {
                    for store in [NOTES, KPI_READINGS] {
                        db.create_object_store(store).build()?;
                    }
                }
                Ok(())
            })
            .await
            .map_err(failed)?;
        Ok(ReplicaStorage { db })
    }

    /// The stored replica, and this browser's client id (generated and stored on first use).
    pub async fn load(&self) -> Result<(ClientId, StoredReplica), StorageError> {
        let tx = self
            .db
            .transaction(ALL_STORES)
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()
            .map_err(failed)?;
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
        let mut writes = Vec::new();
        // Records as schema 1 stored them carry their notes and readings: stored again the
        // current way, in this same transaction.
        let mut moved = Vec::new();
        for record in read_all::<StoredRecord>(&tx, RECORDS).await? {
            let key = record.key;
            let legacy = !record.notes.is_empty() || !record.kpi_readings.is_empty();
            let mut record_writes = vec![Write::PutFields(StoredFields {
                key: key.clone(),
                fields: record.fields,
            })];
            record_writes.extend(record.notes.into_values().map(|note| {
                Write::PutNote(StoredNote {
                    key: key.clone(),
                    note,
                })
            }));
            record_writes.extend(record.kpi_readings.into_values().map(|reading| {
                Write::PutKpiReading(StoredKpiReading {
                    key: key.clone(),
                    reading,
                })
            }));
            if legacy {
                moved.extend(record_writes.iter().cloned());
            }
            writes.extend(record_writes);
        }
        let notes = read_all::<StoredNote>(&tx, NOTES).await?;
        writes.extend(notes.into_iter().map(Write::PutNote));
        let readings = read_all::<StoredKpiReading>(&tx, KPI_READINGS).await?;
        writes.extend(readings.into_iter().map(Write::PutKpiReading));
        let pending = read_all::<PendingMutation>(&tx, PENDING).await?;
        writes.extend(pending.into_iter().map(Write::PutPending));
        let conflicts = read_all::<OpenConflict>(&tx, CONFLICTS).await?;
        writes.extend(conflicts.into_iter().map(Write::PutConflict));
        let rejected = read_all::<RejectedMutation>(&tx, REJECTED).await?;
        writes.extend(rejected.into_iter().map(Write::PutRejected));
        stored.apply(writes);
        for write in moved {
            request(&tx, write)?;
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
        let tx = self
            .db
            .transaction(ALL_STORES)
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()
            .map_err(failed)?;
        for write in writes {
            request(&tx, write)?;
        }
        Ok(async move { tx.commit().await.map_err(failed) })
    }
}

/// Sends the request that stores one write. Building a request sends it; a failed request
/// aborts the transaction, which its commit reports, so the request futures are not needed.
fn request(tx: &Transaction<'_>, write: Write) -> Result<(), StorageError> {
    let (store, key, value) = match write {
        Write::PutMeta(meta) => (META, META_KEY.to_owned(), Some(json(&meta)?)),
        Write::PutFields(fields) => (RECORDS, fields.key.to_string(), Some(json(&fields)?)),
        Write::PutNote(note) => (
            NOTES,
            item_key(&note.key, &note.note.value.id),
            Some(json(&note)?),
        ),
        Write::PutKpiReading(reading) => (
            KPI_READINGS,
            item_key(&reading.key, &reading.reading.value.id),
            Some(json(&reading)?),
        ),
        Write::PutPending(p) => (PENDING, p.mutation.id.as_str().to_owned(), Some(json(&p)?)),
        Write::DeletePending(id) => (PENDING, id.as_str().to_owned(), None),
        Write::PutConflict(c) => (CONFLICTS, c.id.as_str().to_owned(), Some(json(&c)?)),
        Write::DeleteConflict(id) => (CONFLICTS, id.as_str().to_owned(), None),
        Write::PutRejected(r) => (REJECTED, r.mutation.id.as_str().to_owned(), Some(json(&r)?)),
        Write::DeleteRejected(id) => (REJECTED, id.as_str().to_owned(), None),
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

/// A note's or reading's key: its record's key and its own id, which never contain a space.
fn item_key(key: &RecordKey, id: &str) -> String {
    format!("{key} {id}")
}

/// A stored record: [`StoredFields`], or a whole record as schema 1 stored it.
#[derive(Deserialize)]
struct StoredRecord {
    key: RecordKey,
    fields: BTreeMap<Field, Versioned<FieldValue>>,
    #[serde(default)]
    notes: BTreeMap<String, Versioned<FieldNote>>,
    #[serde(default)]
    kpi_readings: BTreeMap<String, Versioned<KpiReading>>,
}

/// Every value of a store, decoded from its JSON text.
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

/// Written to disk before the commit reports success (Chromium's default, "relaxed", may lose
/// the last writes when a tablet's browser is closed or killed).
fn strict() -> TransactionOptions {
    TransactionOptions::new().with_durability(TransactionDurability::Strict)
}
