//! Readers' annotations in the store (`annotations`, migration 0011): what deciding a push
//! reads of them, how its decisions are written back, and the rows a pull sends, always only
//! the puller's own.

use std::collections::BTreeSet;

use keikaku_sync::annotation::Annotation;
use keikaku_sync::progress::Versioned;
use keikaku_sync::protocol::{Change, ChangeEntry, PushRequest};
use keikaku_sync::server::{ServerState, StoredAnnotation};
use sqlx::{Row, Sqlite, SqliteConnection, Transaction};

use super::{json_of, json_text, version_of};
use crate::{Result, StoreError};

/// The stored annotations the push's notebook changes name: all deciding them reads.
pub(super) async fn named_by(
    conn: &mut SqliteConnection,
    request: &PushRequest,
) -> Result<Vec<StoredAnnotation>> {
    let ids: BTreeSet<&str> = request
        .mutations
        .iter()
        .filter_map(|mutation| match &mutation.change {
            Change::AppendAnnotation { annotation } => Some(annotation.id.as_str()),
            Change::RetractAnnotation { annotation_id } => Some(annotation_id.as_str()),
            _ => None,
        })
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(
        "SELECT a.* FROM json_each(?) AS w CROSS JOIN annotations AS a ON a.id = w.value",
    )
    .bind(serde_json::to_string(&ids)?)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(StoredAnnotation {
                author: Some(row.try_get("author_user_id")?),
                annotation: Versioned::new(json_of(row, "annotation")?, version_of(row)?),
            })
        })
        .collect()
}

/// Writes every annotation the decision changed (those newer than `before`, the sequence it
/// started from).
pub(super) async fn store_changed(
    tx: &mut Transaction<'_, Sqlite>,
    state: &ServerState,
    before: u64,
) -> Result<()> {
    let rows = state
        .annotations_changed_after(before)
        .map(|stored| {
            let author = stored.author.ok_or_else(|| {
                StoreError::Corrupt("an annotation was decided for nobody".into())
            })?;
            let annotation = &stored.annotation;
            Ok((
                annotation.value.id.as_str(),
                author,
                annotation.value.plan_id.as_str(),
                json_text(&annotation.value)?,
                annotation.version,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    if rows.is_empty() {
        return Ok(());
    }
    // `WHERE true` tells SQLite's parser that ON CONFLICT belongs to the INSERT. Only a
    // deletion updates a row: its author and plan never change.
    sqlx::query(
        "INSERT INTO annotations (id, author_user_id, plan_id, annotation, version)
         SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4
         FROM json_each(?) WHERE true
         ON CONFLICT (id) DO UPDATE SET annotation = excluded.annotation,
                                        version = excluded.version",
    )
    .bind(serde_json::to_string(&rows)?)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A page of `reader`'s annotations changed after `since`, oldest change first: at most
/// `limit` rows.
pub(super) async fn changed_since(
    conn: &mut SqliteConnection,
    reader: i64,
    since: u64,
    limit: i64,
) -> Result<Vec<ChangeEntry>> {
    let rows = sqlx::query(
        "SELECT annotation, version FROM annotations
         WHERE author_user_id = ? AND version > ? ORDER BY version LIMIT ?",
    )
    .bind(reader)
    .bind(since.min(i64::MAX as u64) as i64)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let annotation: Annotation = json_of(row, "annotation")?;
            Ok(ChangeEntry::Annotation {
                annotation,
                version: version_of(row)?,
            })
        })
        .collect()
}
