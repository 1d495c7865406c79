//! Progress records and their sync with offline clients: the server side of
//! `docs/sync-protocol.md`, in SQLite.
//!
//! [`Store::push`] and [`Store::pull`] behave exactly like the in-memory reference server,
//! `keikaku_sync::server::ServerState` (a differential test drives both with the same pushes):
//! the same decisions (`decide_set`), outcomes, versions and pages. What the store adds is
//! durability: a push is decided and written in one `BEGIN IMMEDIATE` transaction and answered
//! only after it commits, with every applied change's audit entry and every decided mutation's
//! outcome in the same transaction, so a crash at any point loses nothing acknowledged and
//! applies nothing twice.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::RangeInclusive;

use keikaku_domain::access::{can_read_plan, can_record_progress, PlanRef, Role, Viewer};
use keikaku_domain::format::PlanStatus;
use keikaku_domain::FiscalYear;
use keikaku_sync::progress::{
    Field, FieldNote, FieldValue, KpiReading, ProgressRecord, RecordKey, Target, Versioned,
};
use keikaku_sync::protocol::{
    Change, ChangeEntry, ClientId, Conflict, Mutation, MutationId, MutationResult, Outcome,
    PullRequest, PullResponse, PushRequest, PushResponse,
};
use keikaku_sync::server::{decide_set, Decision};
use serde_json::Value;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, Sqlite, Transaction};

use crate::audit::{append_from, Actor, Change as AuditChange, SyncOrigin};
use crate::{Result, Store, StoreError};

/// The audit entity of progress changes; the entity id is the record key's string form
/// (`plan/measure:id/2024`).
pub const PROGRESS_ENTITY: &str = "progress";

const NOTES_INSERT: &str =
    "INSERT INTO progress_notes (plan_id, target_kind, target_id, fiscal_year, id,
                                                  note, version, organization_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
const READINGS_INSERT: &str = "INSERT INTO progress_kpi_readings (plan_id, target_kind, target_id,
                                                          fiscal_year, id, reading, version,
                                                          organization_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

/// The id a KPI reading names a measure's KPI by: `kpi-1`, `kpi-2`, … in the order the plan
/// lists the measure's KPIs (`index` counts from 0). The progress page assigns the same ids.
pub fn kpi_id(index: usize) -> String {
    format!("kpi-{}", index + 1)
}

/// What a committed push did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushReceipt {
    /// One result per mutation, in request order: the answer to send.
    pub response: PushResponse,
    /// The latest sequence number after the push: what `changed` events announce.
    pub sequence: u64,
    /// How many changes this push applied. Remembered outcomes of retried mutations do not
    /// count: they applied nothing this time.
    pub applied: u64,
}

/// The reasons the reference server gives; kept identical so both answer alike.
const ID_REUSED: &str = "this mutation id was already used for a different change";
const NO_SUCH_NOTE: &str = "there is no such note";
const OTHER_NOTE: &str = "a different note with this id already exists";
const OTHER_READING: &str = "a different reading with this id already exists";

/// A record key as its table columns.
struct KeyColumns<'a> {
    plan_id: &'a str,
    target_kind: &'static str,
    target_id: &'a str,
    fiscal_year: i32,
}

impl<'a> KeyColumns<'a> {
    fn of(key: &'a RecordKey) -> KeyColumns<'a> {
        KeyColumns {
            plan_id: &key.plan_id,
            target_kind: key.target.kind(),
            target_id: key.target.id(),
            fiscal_year: key.fiscal_year.0,
        }
    }
}

fn key_from_row(row: &SqliteRow) -> Result<RecordKey> {
    let kind: String = row.try_get("target_kind")?;
    let id: String = row.try_get("target_id")?;
    let target = match kind.as_str() {
        "measure" => Target::Measure(id),
        "action" => Target::Action(id),
        _ => {
            return Err(StoreError::Corrupt(format!(
                "progress target kind {kind:?}"
            )))
        }
    };
    Ok(RecordKey {
        plan_id: row.try_get("plan_id")?,
        target,
        fiscal_year: FiscalYear(row.try_get("fiscal_year")?),
    })
}

fn parse_field(name: &str) -> Result<Field> {
    Field::ALL
        .into_iter()
        .find(|f| f.as_str() == name)
        .ok_or_else(|| StoreError::Corrupt(format!("progress field {name:?}")))
}

fn version_of(row: &SqliteRow) -> Result<u64> {
    Ok(row.try_get::<i64, _>("version")? as u64)
}

fn json_of<T: serde::de::DeserializeOwned>(row: &SqliteRow, column: &str) -> Result<T> {
    Ok(serde_json::from_str(&row.try_get::<String, _>(column)?)?)
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value> {
    Ok(serde_json::to_value(value)?)
}

fn rejected(reason: &str) -> Outcome {
    Outcome::Rejected {
        reason: reason.to_owned(),
    }
}

/// A mutation decided earlier, as remembered.
struct Remembered {
    client_id: String,
    user_id: Option<i64>,
    mutation: Mutation,
    outcome: Outcome,
}

/// The state one push works on inside its transaction.
struct PushTransaction<'t> {
    tx: Transaction<'t, Sqlite>,
    /// The last sequence number given; written back once, before commit.
    sequence: u64,
    first_sequence: u64,
    /// Each plan's organization, looked up once per push for the rows and audit entries.
    owners: HashMap<String, String>,
    actor: Actor,
    client: ClientId,
    now: i64,
}

impl Store {
    /// Decides every mutation of a push in order and answers each, like
    /// `keikaku_sync::server::ServerState::push`; `authorize` says whether the user may make a
    /// mutation, with the reason shown to them if not.
    ///
    /// The whole push is one `BEGIN IMMEDIATE` transaction (taking the write lock up front, so
    /// concurrent pushes queue instead of failing to upgrade a read lock) that commits before
    /// this returns: the answer is only ever sent for committed work. A malformed request is
    /// [`StoreError::InvalidPush`] with nothing applied.
    ///
    /// Every mutation `authorize` lets through must name a stored plan (the organization
    /// recorded with its rows comes from it); [`ProgressAuthorizer`] refuses any other.
    /// A remembered mutation id pushed again by another client or user with an identical
    /// mutation is refused like a reused id, so nobody learns another user's outcome.
    pub async fn push(
        &self,
        request: &PushRequest,
        authorize: impl Fn(&Mutation) -> Result<(), String>,
        actor: &Actor,
        now: i64,
    ) -> Result<PushReceipt> {
        request.validate().map_err(StoreError::InvalidPush)?;
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let sequence = latest_sequence(&mut tx).await?;
        let mut push = PushTransaction {
            tx,
            sequence,
            first_sequence: sequence,
            owners: HashMap::new(),
            actor: Actor {
                client: Some(request.client_id.to_string()),
                ..actor.clone()
            },
            client: request.client_id.clone(),
            now,
        };
        let mut results = Vec::with_capacity(request.mutations.len());
        for mutation in &request.mutations {
            let outcome = match push.remembered(&mutation.id).await? {
                Some(done)
                    if done.mutation == *mutation
                        && done.client_id == push.client.as_str()
                        && done.user_id == push.actor.user_id =>
                {
                    done.outcome
                }
                Some(_) => rejected(ID_REUSED),
                None => {
                    let outcome = match mutation.validate() {
                        Err(invalid) => Outcome::Rejected {
                            reason: invalid.to_string(),
                        },
                        Ok(()) => match authorize(mutation) {
                            Err(reason) => Outcome::Rejected { reason },
                            Ok(()) => push.apply(mutation).await?,
                        },
                    };
                    push.remember(mutation, &outcome).await?;
                    outcome
                }
            };
            results.push(MutationResult {
                id: mutation.id.clone(),
                outcome,
            });
        }
        let applied = push.sequence - push.first_sequence;
        let sequence = push.commit().await?;
        Ok(PushReceipt {
            response: PushResponse { results },
            sequence,
            applied,
        })
    }

    /// The rows of `plan_ids`' records whose latest change is newer than `request.since`,
    /// oldest change first, one page at a time, like `ServerState::pull`. On the last page the
    /// cursor is the latest sequence number, even when the newest changes were in other plans.
    pub async fn pull(&self, request: &PullRequest, plan_ids: &[String]) -> Result<PullResponse> {
        let page_size = request.page_size();
        // One read transaction: rows and sequence from the same snapshot, so the cursor never
        // passes a change the page did not include.
        let mut tx = self.pool.begin().await?;
        // Each table's page by its version index, then the three merged. The unary `+` keeps
        // SQLite off the primary key for the plan filter: walking the version index in order
        // stops after a page, where the key would read every newer row of the plans and sort
        // them on each page. The plans are a bound JSON array because the statement is static.
        let rows = sqlx::query(
            "SELECT * FROM (SELECT 'field' AS kind, plan_id, target_kind, target_id, fiscal_year,
                                   field AS name, value AS body, version
                            FROM progress_fields
                            WHERE version > ?1 AND +plan_id IN (SELECT value FROM json_each(?2))
                            ORDER BY version LIMIT ?3)
             UNION ALL
             SELECT * FROM (SELECT 'note', plan_id, target_kind, target_id, fiscal_year,
                                   id, note, version
                            FROM progress_notes
                            WHERE version > ?1 AND +plan_id IN (SELECT value FROM json_each(?2))
                            ORDER BY version LIMIT ?3)
             UNION ALL
             SELECT * FROM (SELECT 'kpi_reading', plan_id, target_kind, target_id, fiscal_year,
                                   id, reading, version
                            FROM progress_kpi_readings
                            WHERE version > ?1 AND +plan_id IN (SELECT value FROM json_each(?2))
                            ORDER BY version LIMIT ?3)
             ORDER BY version LIMIT ?3",
        )
        .bind(request.since.min(i64::MAX as u64) as i64)
        .bind(serde_json::to_string(plan_ids)?)
        // One row more than the page tells whether more follow.
        .bind(page_size as i64 + 1)
        .fetch_all(&mut *tx)
        .await?;
        let sequence = latest_sequence(&mut tx).await?;
        tx.commit().await?;

        let mut changes = rows
            .iter()
            .map(change_entry_from_row)
            .collect::<Result<Vec<_>>>()?;
        let more = changes.len() > page_size;
        changes.truncate(page_size);
        let cursor = match changes.last() {
            Some(last) if more => last.version(),
            _ => sequence.max(request.since),
        };
        Ok(PullResponse {
            changes,
            cursor,
            more,
        })
    }

    /// Every progress record of a plan, by key (measures before actions, then by id and fiscal
    /// year), for server-rendered pages. Records nothing was recorded on are absent.
    pub async fn progress_records(&self, plan_id: &str) -> Result<Vec<ProgressRecord>> {
        let mut conn = self.pool.acquire().await?;
        let mut records: BTreeMap<RecordKey, ProgressRecord> = BTreeMap::new();
        for row in sqlx::query("SELECT * FROM progress_fields WHERE plan_id = ?")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
        {
            let field = parse_field(&row.try_get::<String, _>("field")?)?;
            let value = Versioned::new(json_of(&row, "value")?, version_of(&row)?);
            record_mut(&mut records, key_from_row(&row)?)
                .fields
                .insert(field, value);
        }
        for row in sqlx::query("SELECT * FROM progress_notes WHERE plan_id = ?")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
        {
            let note: FieldNote = json_of(&row, "note")?;
            let note_id = note.id.clone();
            let note = Versioned::new(note, version_of(&row)?);
            record_mut(&mut records, key_from_row(&row)?)
                .notes
                .insert(note_id, note);
        }
        for row in sqlx::query("SELECT * FROM progress_kpi_readings WHERE plan_id = ?")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
        {
            let reading: KpiReading = json_of(&row, "reading")?;
            let reading_id = reading.id.clone();
            let reading = Versioned::new(reading, version_of(&row)?);
            record_mut(&mut records, key_from_row(&row)?)
                .kpi_readings
                .insert(reading_id, reading);
        }
        Ok(records.into_values().collect())
    }

    /// The latest sequence number: the version of the newest change to any progress record.
    pub async fn sync_sequence(&self) -> Result<u64> {
        let value: i64 = sqlx::query_scalar("SELECT value FROM sync_sequence WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(value as u64)
    }

    /// The plans a user's replica syncs: every plan of their own organization they may read
    /// (drafts included). The public syncs nothing.
    pub async fn sync_plan_ids(&self, viewer: &Viewer) -> Result<Vec<String>> {
        let Some(principal) = viewer.principal() else {
            return Ok(Vec::new());
        };
        let rows = sqlx::query(
            "SELECT id, organization_id, status FROM plans WHERE organization_id = ? ORDER BY rowid",
        )
        .bind(&principal.organization_id)
        .fetch_all(&self.pool)
        .await?;
        let mut plan_ids = Vec::with_capacity(rows.len());
        for row in rows {
            let organization_id: String = row.try_get("organization_id")?;
            let status = plan_status(&row.try_get::<String, _>("status")?)?;
            let plan = PlanRef {
                organization_id: &organization_id,
                status,
            };
            if can_read_plan(viewer, plan) {
                plan_ids.push(row.try_get("id")?);
            }
        }
        Ok(plan_ids)
    }
}

fn record_mut(
    records: &mut BTreeMap<RecordKey, ProgressRecord>,
    key: RecordKey,
) -> &mut ProgressRecord {
    records
        .entry(key.clone())
        .or_insert_with(|| ProgressRecord::new(key))
}

async fn latest_sequence(tx: &mut Transaction<'_, Sqlite>) -> Result<u64> {
    let value: i64 = sqlx::query_scalar("SELECT value FROM sync_sequence WHERE id = 1")
        .fetch_one(&mut **tx)
        .await?;
    Ok(value as u64)
}

fn plan_status(text: &str) -> Result<PlanStatus> {
    PlanStatus::parse(text).ok_or_else(|| StoreError::Corrupt(format!("plan status {text:?}")))
}

fn change_entry_from_row(row: &SqliteRow) -> Result<ChangeEntry> {
    let key = key_from_row(row)?;
    let version = version_of(row)?;
    let kind: String = row.try_get("kind")?;
    Ok(match kind.as_str() {
        "field" => ChangeEntry::FieldState {
            key,
            field: parse_field(&row.try_get::<String, _>("name")?)?,
            value: json_of(row, "body")?,
            version,
        },
        "note" => ChangeEntry::Note {
            key,
            note: json_of(row, "body")?,
            version,
        },
        "kpi_reading" => ChangeEntry::KpiReading {
            key,
            reading: json_of(row, "body")?,
            version,
        },
        _ => return Err(StoreError::Corrupt(format!("progress row kind {kind:?}"))),
    })
}

impl PushTransaction<'_> {
    async fn remembered(&mut self, id: &MutationId) -> Result<Option<Remembered>> {
        let row = sqlx::query(
            "SELECT client_id, user_id, mutation, outcome FROM sync_mutations WHERE id = ?",
        )
        .bind(id.as_str())
        .fetch_optional(&mut *self.tx)
        .await?;
        row.map(|row| {
            Ok(Remembered {
                client_id: row.try_get("client_id")?,
                user_id: row.try_get("user_id")?,
                mutation: json_of(&row, "mutation")?,
                outcome: json_of(&row, "outcome")?,
            })
        })
        .transpose()
    }

    async fn remember(&mut self, mutation: &Mutation, outcome: &Outcome) -> Result<()> {
        sqlx::query(
            "INSERT INTO sync_mutations (id, client_id, user_id, mutation, outcome, at)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(mutation.id.as_str())
        .bind(self.client.as_str())
        .bind(self.actor.user_id)
        .bind(serde_json::to_string(mutation)?)
        .bind(serde_json::to_string(outcome)?)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Writes the sequence back and commits; returns the latest sequence number.
    async fn commit(mut self) -> Result<u64> {
        if self.sequence != self.first_sequence {
            sqlx::query("UPDATE sync_sequence SET value = ? WHERE id = 1")
                .bind(self.sequence as i64)
                .execute(&mut *self.tx)
                .await?;
        }
        self.tx.commit().await?;
        Ok(self.sequence)
    }

    fn next_version(&mut self) -> u64 {
        self.sequence += 1;
        self.sequence
    }

    async fn owner(&mut self, plan_id: &str) -> Result<String> {
        if let Some(owner) = self.owners.get(plan_id) {
            return Ok(owner.clone());
        }
        let owner: String = sqlx::query_scalar("SELECT organization_id FROM plans WHERE id = ?")
            .bind(plan_id)
            .fetch_optional(&mut *self.tx)
            .await?
            .ok_or(StoreError::NotFound("plan"))?;
        self.owners.insert(plan_id.to_owned(), owner.clone());
        Ok(owner)
    }

    /// Decides a valid, authorized mutation and writes what it changes, like
    /// `ServerState::apply`.
    async fn apply(&mut self, mutation: &Mutation) -> Result<Outcome> {
        let key = &mutation.key;
        let columns = KeyColumns::of(key);
        match &mutation.change {
            Change::Set {
                field,
                value,
                base_value,
                ..
            } => {
                let current = sqlx::query(
                    "SELECT value, version FROM progress_fields
                     WHERE plan_id = ? AND target_kind = ? AND target_id = ? AND fiscal_year = ?
                       AND field = ?",
                )
                .bind(columns.plan_id)
                .bind(columns.target_kind)
                .bind(columns.target_id)
                .bind(columns.fiscal_year)
                .bind(field.as_str())
                .fetch_optional(&mut *self.tx)
                .await?
                .map(|row| -> Result<Versioned<FieldValue>> {
                    Ok(Versioned::new(json_of(&row, "value")?, version_of(&row)?))
                })
                .transpose()?;
                let (new, merged) = match decide_set(current.as_ref(), *field, base_value, value) {
                    Decision::Unchanged => {
                        return Ok(Outcome::Unchanged {
                            version: current.map_or(0, |c| c.version),
                        })
                    }
                    Decision::Conflict => {
                        let theirs =
                            current.unwrap_or_else(|| Versioned::new(field.empty_value(), 0));
                        return Ok(Outcome::Conflict(Conflict {
                            key: key.clone(),
                            field: *field,
                            base_value: base_value.clone(),
                            mine: value.clone(),
                            theirs: theirs.value,
                            theirs_version: theirs.version,
                        }));
                    }
                    Decision::Apply(new) => (new, false),
                    Decision::Merge(new) => (new, true),
                };
                let organization_id = self.owner(columns.plan_id).await?;
                let version = self.next_version();
                sqlx::query(
                    "INSERT INTO progress_fields (plan_id, target_kind, target_id, fiscal_year, field,
                                                  value, version, organization_id)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                     ON CONFLICT (plan_id, target_kind, target_id, fiscal_year, field)
                     DO UPDATE SET value = excluded.value, version = excluded.version,
                                   organization_id = excluded.organization_id",
                )
                .bind(columns.plan_id)
                .bind(columns.target_kind)
                .bind(columns.target_id)
                .bind(columns.fiscal_year)
                .bind(field.as_str())
                .bind(serde_json::to_string(&new)?)
                .bind(version as i64)
                .bind(&organization_id)
                .execute(&mut *self.tx)
                .await?;
                let old = current.map(|c| to_json(&c.value)).transpose()?;
                self.log(
                    mutation,
                    &organization_id,
                    field.as_str(),
                    old,
                    to_json(&new)?,
                    version,
                    merged,
                )
                .await?;
                Ok(if merged {
                    Outcome::Merged {
                        version,
                        value: new,
                    }
                } else {
                    Outcome::Applied { version }
                })
            }
            Change::AppendNote { note } => {
                if let Some((stored, version)) = self.stored_note(&columns, &note.id).await? {
                    // A note with its retraction flag cleared compares equal to the original.
                    let same = FieldNote {
                        retracted: false,
                        ..stored
                    } == *note;
                    return Ok(if same {
                        Outcome::Unchanged { version }
                    } else {
                        rejected(OTHER_NOTE)
                    });
                }
                let body = to_json(note)?;
                self.append(mutation, &columns, NOTES_INSERT, "note", &note.id, body)
                    .await
            }
            Change::RetractNote { note_id } => {
                let Some((stored, stored_version)) = self.stored_note(&columns, note_id).await?
                else {
                    return Ok(rejected(NO_SUCH_NOTE));
                };
                if stored.retracted {
                    return Ok(Outcome::Unchanged {
                        version: stored_version,
                    });
                }
                let retracted = FieldNote {
                    retracted: true,
                    ..stored.clone()
                };
                let organization_id = self.owner(columns.plan_id).await?;
                let version = self.next_version();
                sqlx::query(
                    "UPDATE progress_notes SET note = ?, version = ?
                     WHERE plan_id = ? AND target_kind = ? AND target_id = ? AND fiscal_year = ?
                       AND id = ?",
                )
                .bind(serde_json::to_string(&retracted)?)
                .bind(version as i64)
                .bind(columns.plan_id)
                .bind(columns.target_kind)
                .bind(columns.target_id)
                .bind(columns.fiscal_year)
                .bind(note_id)
                .execute(&mut *self.tx)
                .await?;
                self.log(
                    mutation,
                    &organization_id,
                    "note",
                    Some(to_json(&stored)?),
                    to_json(&retracted)?,
                    version,
                    false,
                )
                .await?;
                Ok(Outcome::Applied { version })
            }
            Change::AppendKpiReading { reading } => {
                let stored = sqlx::query(
                    "SELECT reading, version FROM progress_kpi_readings
                     WHERE plan_id = ? AND target_kind = ? AND target_id = ? AND fiscal_year = ?
                       AND id = ?",
                )
                .bind(columns.plan_id)
                .bind(columns.target_kind)
                .bind(columns.target_id)
                .bind(columns.fiscal_year)
                .bind(&reading.id)
                .fetch_optional(&mut *self.tx)
                .await?;
                if let Some(row) = stored {
                    let stored: KpiReading = json_of(&row, "reading")?;
                    return Ok(if stored == *reading {
                        Outcome::Unchanged {
                            version: version_of(&row)?,
                        }
                    } else {
                        rejected(OTHER_READING)
                    });
                }
                let body = to_json(reading)?;
                self.append(
                    mutation,
                    &columns,
                    READINGS_INSERT,
                    "kpi_reading",
                    &reading.id,
                    body,
                )
                .await
            }
        }
    }

    /// Stores an appended note or KPI reading (`insert` names the table) with the next
    /// version, and audits it.
    async fn append(
        &mut self,
        mutation: &Mutation,
        columns: &KeyColumns<'_>,
        insert: &'static str,
        audit_field: &str,
        id: &str,
        body: Value,
    ) -> Result<Outcome> {
        let organization_id = self.owner(columns.plan_id).await?;
        let version = self.next_version();
        sqlx::query(insert)
            .bind(columns.plan_id)
            .bind(columns.target_kind)
            .bind(columns.target_id)
            .bind(columns.fiscal_year)
            .bind(id)
            .bind(body.to_string())
            .bind(version as i64)
            .bind(&organization_id)
            .execute(&mut *self.tx)
            .await?;
        self.log(
            mutation,
            &organization_id,
            audit_field,
            None,
            body,
            version,
            false,
        )
        .await?;
        Ok(Outcome::Applied { version })
    }

    async fn stored_note(
        &mut self,
        columns: &KeyColumns<'_>,
        note_id: &str,
    ) -> Result<Option<(FieldNote, u64)>> {
        let row = sqlx::query(
            "SELECT note, version FROM progress_notes
             WHERE plan_id = ? AND target_kind = ? AND target_id = ? AND fiscal_year = ? AND id = ?",
        )
        .bind(columns.plan_id)
        .bind(columns.target_kind)
        .bind(columns.target_id)
        .bind(columns.fiscal_year)
        .bind(note_id)
        .fetch_optional(&mut *self.tx)
        .await?;
        row.map(|row| Ok((json_of(&row, "note")?, version_of(&row)?)))
            .transpose()
    }

    /// The audit entry of an applied change. `old` is `None` when there was no value before.
    #[allow(clippy::too_many_arguments)]
    async fn log(
        &mut self,
        mutation: &Mutation,
        organization_id: &str,
        field: &str,
        old: Option<Value>,
        new: Value,
        version: u64,
        merged: bool,
    ) -> Result<()> {
        let entity_id = mutation.key.to_string();
        let change = AuditChange {
            organization_id,
            plan_id: &mutation.key.plan_id,
            entity: PROGRESS_ENTITY,
            entity_id: &entity_id,
            field,
            old_value: old,
            new_value: Some(new),
            restored_from: None,
        };
        let origin = SyncOrigin {
            mutation_id: mutation.id.as_str(),
            version,
            merged,
        };
        append_from(&mut self.tx, &self.actor, change, Some(origin), self.now).await?;
        Ok(())
    }
}

/// What deciding whether someone may record progress on one plan needs.
#[derive(Debug, Clone)]
struct PlanRules {
    organization_id: String,
    status: PlanStatus,
    period: Option<RangeInclusive<i32>>,
    /// Lead and related departments, by measure id; every measure of the plan is a key.
    measure_departments: HashMap<String, Vec<String>>,
    /// The measure each action belongs to, by action id.
    action_measures: HashMap<String, String>,
    /// How many KPIs each measure lists, by measure id.
    kpi_counts: HashMap<String, usize>,
}

/// Decides whether a user may make each mutation of a push: the plan must exist and be
/// readable to them, the target must be one of its measures or actions (an action counts as
/// its measure), the fiscal year within the plan's period, a KPI reading's KPI one of the
/// measure's, and `keikaku_domain::access::can_record_progress` must allow them. Reasons are
/// in Japanese: the browser shows them to the user.
///
/// Built by [`Store::progress_authorizer`], which loads each plan a push names once.
#[derive(Debug, Clone)]
pub struct ProgressAuthorizer {
    viewer: Viewer,
    /// `None`: no such plan.
    plans: HashMap<String, Option<PlanRules>>,
}

impl ProgressAuthorizer {
    /// `Ok` if the viewer may make `mutation`, or the reason they may not.
    pub fn check(&self, mutation: &Mutation) -> Result<(), String> {
        let key = &mutation.key;
        let plan = self
            .plans
            .get(&key.plan_id)
            .and_then(Option::as_ref)
            .filter(|plan| can_read_plan(&self.viewer, plan.plan_ref()))
            .ok_or("この計画は見つかりません。")?;
        let measure_id = match &key.target {
            Target::Measure(id) if plan.measure_departments.contains_key(id) => id,
            Target::Measure(_) => return Err("この計画にこの施策はありません。".into()),
            Target::Action(id) => plan
                .action_measures
                .get(id)
                .ok_or("この計画にこの取組はありません。")?,
        };
        let departments: Vec<&str> = plan.measure_departments[measure_id]
            .iter()
            .map(String::as_str)
            .collect();
        if !can_record_progress(&self.viewer, plan.plan_ref(), &departments) {
            return Err(self.refusal(&plan.organization_id));
        }
        if let Some(period) = &plan.period {
            if !period.contains(&key.fiscal_year.0) {
                return Err(format!(
                    "{}は計画期間（{}〜{}）の外です。",
                    key.fiscal_year.label(),
                    FiscalYear(*period.start()).label(),
                    FiscalYear(*period.end()).label()
                ));
            }
        }
        if let Change::AppendKpiReading { reading } = &mutation.change {
            let count = plan.kpi_counts.get(measure_id).copied().unwrap_or(0);
            if !(0..count).any(|index| kpi_id(index) == reading.kpi_id) {
                return Err(format!(
                    "この施策にはKPI「{}」がありません。",
                    reading.kpi_id
                ));
            }
        }
        Ok(())
    }

    fn refusal(&self, organization_id: &str) -> String {
        let editor_here = self
            .viewer
            .principal()
            .is_some_and(|p| p.organization_id == organization_id && p.role == Role::Editor);
        if editor_here {
            "この施策の進捗を記録する権限がありません（担当部署ではありません）。".into()
        } else {
            "この施策の進捗を記録する権限がありません。".into()
        }
    }
}

impl PlanRules {
    fn plan_ref(&self) -> PlanRef<'_> {
        PlanRef {
            organization_id: &self.organization_id,
            status: self.status,
        }
    }
}

impl Store {
    /// Loads what authorizing `viewer`'s push needs: each plan it names, once.
    pub async fn progress_authorizer(
        &self,
        viewer: &Viewer,
        request: &PushRequest,
    ) -> Result<ProgressAuthorizer> {
        let plan_ids: BTreeSet<&str> = request
            .mutations
            .iter()
            .map(|m| m.key.plan_id.as_str())
            .collect();
        let mut plans = HashMap::with_capacity(plan_ids.len());
        for plan_id in plan_ids {
            plans.insert(plan_id.to_owned(), self.plan_rules(plan_id).await?);
        }
        Ok(ProgressAuthorizer {
            viewer: viewer.clone(),
            plans,
        })
    }

    async fn plan_rules(&self, plan_id: &str) -> Result<Option<PlanRules>> {
        let mut conn = self.pool.acquire().await?;
        let Some(plan) = sqlx::query(
            "SELECT organization_id, status, period_start, period_end FROM plans WHERE id = ?",
        )
        .bind(plan_id)
        .fetch_optional(&mut *conn)
        .await?
        else {
            return Ok(None);
        };
        let period = match (
            plan.try_get::<Option<i32>, _>("period_start")?,
            plan.try_get::<Option<i32>, _>("period_end")?,
        ) {
            (Some(start), Some(end)) => Some(start..=end),
            _ => None,
        };
        let mut measure_departments: HashMap<String, Vec<String>> =
            sqlx::query_scalar::<_, String>("SELECT id FROM measures WHERE plan_id = ?")
                .bind(plan_id)
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .map(|id| (id, Vec::new()))
                .collect();
        for row in sqlx::query(
            "SELECT measure_id, department_name FROM measure_departments WHERE plan_id = ?",
        )
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?
        {
            let measure_id: String = row.try_get("measure_id")?;
            if let Some(departments) = measure_departments.get_mut(&measure_id) {
                departments.push(row.try_get("department_name")?);
            }
        }
        let action_measures = sqlx::query_as::<_, (String, String)>(
            "SELECT id, measure_id FROM actions WHERE plan_id = ?",
        )
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
        let kpi_counts = sqlx::query_as::<_, (String, i64)>(
            "SELECT measure_id, count(*) FROM kpis WHERE plan_id = ? GROUP BY measure_id",
        )
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(measure_id, count)| (measure_id, count as usize))
        .collect();
        Ok(Some(PlanRules {
            organization_id: plan.try_get("organization_id")?,
            status: plan_status(&plan.try_get::<String, _>("status")?)?,
            period,
            measure_departments,
            action_measures,
            kpi_counts,
        }))
    }
}
