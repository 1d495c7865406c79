//! Reporting rounds (`keikaku_domain::evaluation`) in SQLite: opening a round (`open`), the
//! DX office's steps on records and rounds (`review`), and what pushes and pulls need of them
//! here. A record's row is versioned with the sync sequence like progress rows, so replicas
//! pull it; its submission comes through a push (`Store::push`), decided by the reference
//! server with everything else in the push.

mod legacy;
mod open;
mod published;
mod read;
mod reminders;
mod review;
mod sheet;
mod tasks;

use keikaku_domain::evaluation::{Grade, RecordState, RoundKind, RoundState};
use keikaku_domain::FiscalYear;
use keikaku_sync::progress::{RecordKey, Target, Versioned};
use keikaku_sync::round::{RoundRecord, Secondary};
use serde::Serialize;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};

use crate::{Result, StoreError};

pub use reminders::{Reminder, ReminderKind};
pub use review::{RecordStep, RoundStep};

/// The audit entity of a round's own changes (opening, closing, …); the entity id is the
/// round id.
pub const ROUND_ENTITY: &str = "round";
/// The audit entity of a record's steps in a round; the entity id is `{round}/{kind}:{id}`.
pub const ROUND_RECORD_ENTITY: &str = "round_record";

/// A reporting round as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Round {
    pub id: String,
    pub plan_id: String,
    pub organization_id: String,
    pub fiscal_year: FiscalYear,
    pub kind: RoundKind,
    pub title: String,
    pub opens_on: String,
    pub deadline: String,
    pub stale_days: u32,
    pub state: RoundState,
    pub created_at: i64,
    pub published_at: Option<i64>,
}

fn corrupt(what: &str, text: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} {text:?}"))
}

fn round_state(text: &str) -> Result<RoundState> {
    RoundState::parse(text).ok_or_else(|| corrupt("round state", text))
}

fn record_state(text: &str) -> Result<RecordState> {
    RecordState::parse(text).ok_or_else(|| corrupt("round record state", text))
}

fn round_kind(text: &str) -> Result<RoundKind> {
    RoundKind::parse(text).ok_or_else(|| corrupt("round kind", text))
}

pub(crate) fn target_of(kind: &str, id: String) -> Result<Target> {
    match kind {
        "measure" => Ok(Target::Measure(id)),
        "action" => Ok(Target::Action(id)),
        _ => Err(corrupt("target kind", kind)),
    }
}

impl Round {
    pub(crate) fn from_row(row: &SqliteRow) -> Result<Round> {
        Ok(Round {
            id: row.try_get("id")?,
            plan_id: row.try_get("plan_id")?,
            organization_id: row.try_get("organization_id")?,
            fiscal_year: FiscalYear(row.try_get("fiscal_year")?),
            kind: round_kind(&row.try_get::<String, _>("kind")?)?,
            title: row.try_get("title")?,
            opens_on: row.try_get("opens_on")?,
            deadline: row.try_get("deadline")?,
            stale_days: row.try_get::<i64, _>("stale_days")? as u32,
            state: round_state(&row.try_get::<String, _>("state")?)?,
            created_at: row.try_get("created_at")?,
            published_at: row.try_get("published_at")?,
        })
    }

    /// The record key of one of the round's targets.
    pub fn key(&self, target: Target) -> RecordKey {
        RecordKey {
            plan_id: self.plan_id.clone(),
            target,
            fiscal_year: self.fiscal_year,
        }
    }
}

/// A record's row joined with its round: what replicas hold ([`RoundRecord`]) and its key.
/// The statement ends where a caller adds its `WHERE`.
macro_rules! round_record_rows {
    ($rest:literal) => {
        concat!(
            "SELECT r.round_id, r.plan_id, r.target_kind, r.target_id, r.fiscal_year, r.state,
                    r.reopened, r.step, r.comment, r.secondary_grade, r.secondary_reason,
                    r.version, o.title, o.kind, o.state AS round_state, o.deadline
             FROM round_records r JOIN reporting_rounds o ON o.id = r.round_id ",
            $rest
        )
    };
}
pub(crate) use round_record_rows;

/// A row of [`round_record_rows`] as the record's key and its versioned [`RoundRecord`].
pub(crate) fn round_record_from_row(
    row: &SqliteRow,
) -> Result<(RecordKey, Versioned<RoundRecord>)> {
    let key = RecordKey {
        plan_id: row.try_get("plan_id")?,
        target: target_of(
            &row.try_get::<String, _>("target_kind")?,
            row.try_get("target_id")?,
        )?,
        fiscal_year: FiscalYear(row.try_get("fiscal_year")?),
    };
    let secondary = match row.try_get::<Option<String>, _>("secondary_grade")? {
        Some(grade) => Some(Secondary {
            grade: Grade::parse(&grade).ok_or_else(|| corrupt("grade", &grade))?,
            reason: row
                .try_get::<Option<String>, _>("secondary_reason")?
                .unwrap_or_default(),
        }),
        None => None,
    };
    let round = RoundRecord {
        round_id: row.try_get("round_id")?,
        title: row.try_get("title")?,
        kind: round_kind(&row.try_get::<String, _>("kind")?)?,
        round_state: round_state(&row.try_get::<String, _>("round_state")?)?,
        deadline: row.try_get("deadline")?,
        state: record_state(&row.try_get::<String, _>("state")?)?,
        reopened: row.try_get::<i64, _>("reopened")? != 0,
        step: row.try_get::<i64, _>("step")? as u64,
        comment: row.try_get("comment")?,
        secondary,
    };
    Ok((
        key,
        Versioned::new(round, row.try_get::<i64, _>("version")? as u64),
    ))
}

/// The rounds each of `keys` is part of: what deciding a push on them needs (locks and
/// submissions).
pub(crate) async fn rounds_of(
    conn: &mut SqliteConnection,
    keys: &[&RecordKey],
) -> Result<Vec<(RecordKey, Versioned<RoundRecord>)>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let wanted: Vec<(&str, &str, &str, i32)> = keys
        .iter()
        .map(|k| {
            (
                k.plan_id.as_str(),
                k.target.kind(),
                k.target.id(),
                k.fiscal_year.0,
            )
        })
        .collect();
    let rows = sqlx::query(round_record_rows!(
        "JOIN json_each(?) AS w ON r.plan_id = w.value ->> 0 AND r.target_kind = w.value ->> 1
             AND r.target_id = w.value ->> 2 AND r.fiscal_year = w.value ->> 3"
    ))
    .bind(serde_json::to_string(&wanted)?)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(round_record_from_row).collect()
}

/// Rows of rounds of `plan_ids` changed after `since`, oldest first, at most `limit`: the
/// round part of a pull page.
pub(crate) async fn changed_since(
    conn: &mut SqliteConnection,
    since: u64,
    plan_ids: &str,
    limit: i64,
) -> Result<Vec<(RecordKey, Versioned<RoundRecord>)>> {
    let rows = sqlx::query(round_record_rows!(
        "WHERE r.version > ? AND +r.plan_id IN (SELECT value FROM json_each(?))
         ORDER BY r.version LIMIT ?"
    ))
    .bind(since.min(i64::MAX as u64) as i64)
    .bind(plan_ids)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(round_record_from_row).collect()
}

/// Takes the next `count` sequence numbers and returns the first.
pub(crate) async fn take_versions(conn: &mut SqliteConnection, count: u64) -> Result<u64> {
    let latest: i64 = sqlx::query_scalar(
        "UPDATE sync_sequence SET value = value + ? WHERE id = 1 RETURNING value",
    )
    .bind(count as i64)
    .fetch_one(&mut *conn)
    .await?;
    Ok(latest as u64 - count + 1)
}

/// One audited change of a round (`entity` [`ROUND_ENTITY`], id the round's) or of a record's
/// place in it ([`ROUND_RECORD_ENTITY`], id from [`record_entity_id`]).
pub(crate) struct RoundAudit<'a> {
    pub organization_id: &'a str,
    pub plan_id: &'a str,
    pub entity: &'static str,
    pub entity_id: &'a str,
    pub field: &'a str,
    pub old: Option<serde_json::Value>,
    pub new: serde_json::Value,
}

impl RoundAudit<'_> {
    pub(crate) async fn append(
        self,
        tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
        actor: &crate::audit::Actor,
        now: i64,
    ) -> Result<()> {
        let change = crate::audit::Change {
            organization_id: self.organization_id,
            plan_id: self.plan_id,
            entity: self.entity,
            entity_id: self.entity_id,
            field: self.field,
            old_value: self.old,
            new_value: Some(self.new),
            restored_from: None,
        };
        crate::audit::append(tx, actor, change, now).await?;
        Ok(())
    }
}

/// The string form of a record's place in a round, the audit entity id: `r6/measure:m1`.
pub(crate) fn record_entity_id(round_id: &str, target: &Target) -> String {
    format!("{round_id}/{}:{}", target.kind(), target.id())
}
