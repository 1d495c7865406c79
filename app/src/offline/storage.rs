//! The replica's IndexedDB storage: one database per signed-in user, with a store per kind of
//! [`Write`]. Values are JSON text, so what is stored reads the same as what the protocol sends.
//!
//! Each call to [`ReplicaStorage::apply`] is one transaction: a replica method's writes land
//! together or not at all. Transactions are committed explicitly; dropping one rolls it back.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{TransactionDurability, TransactionMode, TransactionOptions};
use keikaku_sync::client::{Meta, StoredReplica, Write};
use keikaku_sync::protocol::ClientId;
use wasm_bindgen::JsValue;

const META: &str = "meta";
const RECORDS: &str = "records";
const PENDING: &str = "pending";
const CONFLICTS: &str = "conflicts";
const REJECTED: &str = "rejected";
const ALL_STORES: [&str; 5] = [META, RECORDS, PENDING, CONFLICTS, REJECTED];

/// The schema version; upgrades are cumulative (`if old < 1 {…} if old < 2 {…}`).
const SCHEMA_VERSION: u32 = 1;

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
                    for store in ALL_STORES {
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
        for (store, kind) in [(RECORDS, 0), (PENDING, 1), (CONFLICTS, 2), (REJECTED, 3)] {
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
            for value in values {
                match kind {
                    0 => {
                        let record: keikaku_sync::progress::ProgressRecord =
                            serde_json::from_str(&value).map_err(failed)?;
                        stored.records.insert(record.key.to_string(), record);
                    }
                    1 => {
                        let p: keikaku_sync::client::PendingMutation =
                            serde_json::from_str(&value).map_err(failed)?;
                        stored.pending.insert(p.mutation.id.clone(), p);
                    }
                    2 => {
                        let c: keikaku_sync::client::OpenConflict =
                            serde_json::from_str(&value).map_err(failed)?;
                        stored.conflicts.insert(c.id.clone(), c);
                    }
                    _ => {
                        let r: keikaku_sync::client::RejectedMutation =
                            serde_json::from_str(&value).map_err(failed)?;
                        stored.rejected.insert(r.mutation.id.clone(), r);
                    }
                }
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
        let tx = self
            .db
            .transaction(ALL_STORES)
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()
            .map_err(failed)?;
        for write in writes {
            let (store, key, value) = match write {
                Write::PutMeta(meta) => (META, META_KEY.to_owned(), Some(json(&meta)?)),
                Write::PutRecord(record) => (RECORDS, record.key.to_string(), Some(json(&record)?)),
                Write::PutPending(p) => {
                    (PENDING, p.mutation.id.as_str().to_owned(), Some(json(&p)?))
                }
                Write::DeletePending(id) => (PENDING, id.as_str().to_owned(), None),
                Write::PutConflict(c) => (CONFLICTS, c.id.as_str().to_owned(), Some(json(&c)?)),
                Write::DeleteConflict(id) => (CONFLICTS, id.as_str().to_owned(), None),
                Write::PutRejected(r) => {
                    (REJECTED, r.mutation.id.as_str().to_owned(), Some(json(&r)?))
                }
                Write::DeleteRejected(id) => (REJECTED, id.as_str().to_owned(), None),
            };
            let object_store = tx.object_store(store).map_err(failed)?;
            // Building a request sends it; a failed request aborts the transaction, which the
            // commit below reports, so the request futures themselves are not needed.
            match value {
                Some(value) => {
                    drop(
                        object_store
                            .put(value)
                            .with_key(key)
                            .primitive()
                            .map_err(failed)?,
                    );
                }
                None => {
                    drop(object_store.delete(key).primitive().map_err(failed)?);
                }
            }
        }
        Ok(async move { tx.commit().await.map_err(failed) })
    }
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
