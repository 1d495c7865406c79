//! Progress records and their sync with offline clients: the server side of
//! `docs/sync-protocol.md`, in SQLite.
//!
//! [`Store::push`] and [`Store::pull`] behave exactly like the in-memory reference server,
//! `keikaku_sync::server::ServerState` (a differential test drives both with the same pushes):
//! the same decisions (`decide_set`), outcomes, versions and pages. What the store adds is
//! durability: a push is decided and written in one `BEGIN IMMEDIATE` transaction and answered
//! only after it commits, with every applied change's audit entry and every remembered
//! mutation's outcome in the same transaction, so a crash at any point loses nothing
//! acknowledged and applies nothing twice. It also bounds what one user can make it keep
//! (`quota`), and merges narrative text before taking the write lock (`ahead`).

mod ahead;
mod authorizer;
mod notebook;
mod quota;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use keikaku_domain::access::{can_read_plan, PlanRef, Viewer};
use keikaku_domain::format::PlanStatus;
use keikaku_domain::FiscalYear;
use keikaku_sync::progress::{
    Field, FieldNote, KpiReading, ProgressRecord, RecordKey, Target, Versioned,
};
use keikaku_sync::protocol::{
    Change, ChangeEntry, Mutation, MutationResult, Outcome, PullRequest, PullResponse, PushRequest,
    PushResponse, PushSequence,
};
use keikaku_sync::server::{AppliedChange, PushRules, ServerState};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, Sqlite, SqliteConnection, Transaction};

pub use authorizer::ProgressAuthorizer;
pub use quota::DEFAULT_SYNC_QUOTA_BYTES;

use crate::audit::{append_sync_entries, Actor, SyncAuditEntry};
use crate::{rounds, Missing, Result, Store, StoreError};
use ahead::{Ahead, Merges};

/// The audit entity of progress changes; the entity id is the record key's string form
/// (`plan/measure:id/2024`).
pub const PROGRESS_ENTITY: &str = "progress";

pub use keikaku_sync::progress::kpi_id;

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
    /// How many narrative merges were computed while the push held the write lock: those the
    /// decision ahead of it could not foresee (someone changed the text in between).
    pub merged_under_lock: usize,
}

/// The reference server's reason for a reused id, given here too for an id another client or
/// user already used (the reference server has no users).
const ID_REUSED: &str = "this mutation id was already used for a different change";

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

fn json_text<T: serde::Serialize>(value: &T) -> Result<String> {
    Ok(serde_json::to_string(value)?)
}

/// A rejection of the protocol's own, which a conforming client never causes.
fn rejected(reason: &'static str) -> Outcome {
    Outcome::rejected(&keikaku_domain::reason::Reason::technical(reason))
}

/// A mutation decided earlier, as remembered.
struct Remembered {
    client_id: String,
    user_id: Option<i64>,
    /// [`mutation_digest`] of the mutation as decided.
    digest: Digest,
    outcome: Outcome,
}

type Digest = [u8; 32];

/// What a decided mutation is remembered by: the SHA-256 of its JSON. A mutation's JSON is
/// deterministic (no maps, no floats), so a retry of the same mutation has the same digest.
fn mutation_digest(mutation: &Mutation) -> Result<Digest> {
    Ok(digest_and_size(mutation)?.0)
}

/// [`mutation_digest`], and the length of the JSON it digests.
fn digest_and_size(mutation: &Mutation) -> Result<(Digest, usize)> {
    use sha2::Digest as _;
    let json = serde_json::to_vec(mutation)?;
    Ok((sha2::Sha256::digest(&json).into(), json.len()))
}

/// Whether deciding `mutation` may merge narrative text: a `Set` of a narrative field to a text
/// other than its base.
fn may_merge(mutation: &Mutation) -> bool {
    matches!(&mutation.change, Change::Set { field, value, base_value, .. }
        if field.is_narrative() && value != base_value)
}

/// The mutations of `request` not in `remembered`, as a push of their own.
fn fresh_part(request: &PushRequest, remembered: &HashMap<String, Remembered>) -> PushRequest {
    PushRequest {
        client_id: request.client_id.clone(),
        mutations: request
            .mutations
            .iter()
            .filter(|m| !remembered.contains_key(m.id.as_str()))
            .cloned()
            .collect(),
    }
}

impl Store {
    /// Decides every mutation of a push in order and answers each, like
    /// `keikaku_sync::server::ServerState::push`; `rules` say whether the user may make a
    /// mutation (with the reason shown to them if not), and who they are.
    ///
    /// The whole push is one `BEGIN IMMEDIATE` transaction (taking the write lock up front, so
    /// concurrent pushes queue instead of failing to upgrade a read lock) that commits before
    /// this returns: the answer is only ever sent for committed work. Merges of narrative text
    /// are computed before it, against a snapshot, so the lock is not held while they run. A
    /// malformed request is [`StoreError::InvalidPush`] with nothing applied; a push that would
    /// make the user's remembered mutations of the last 24 hours exceed the quota is
    /// [`StoreError::QuotaExceeded`], with nothing applied either.
    ///
    /// Every mutation `rules` let through must name a stored plan (the organization recorded
    /// with its rows comes from it); [`ProgressAuthorizer`] refuses any other.
    /// A remembered mutation id pushed again by another client or user with an identical
    /// mutation is refused like a reused id, so nobody learns another user's outcome.
    pub async fn push(
        &self,
        request: &PushRequest,
        rules: &impl PushRules,
        actor: &Actor,
        now: i64,
    ) -> Result<PushReceipt> {
        request.validate().map_err(StoreError::InvalidPush)?;
        let actor = Actor {
            client: Some(request.client_id.to_string()),
            ..actor.clone()
        };
        let merges = self.merge_ahead(request, rules).await?;
        let rules = Ahead {
            rules,
            merges: &merges,
        };
        let (_turn, mut tx) = self.begin_write().await?;
        let first_sequence = latest_sequence(&mut tx).await?;
        let remembered = remembered(&mut tx, &request.mutations).await?;
        let fresh = fresh_part(request, &remembered);
        // The reference server decides the fresh mutations, holding just what they read.
        let (records, authors) = decision_state(&mut tx, &fresh).await?;
        let annotations = notebook::named_by(&mut tx, &fresh).await?;
        let mut state =
            ServerState::resume(first_sequence, records, authors).with_annotations(annotations);
        let decided = state
            .push_as(&fresh, &rules)
            .map_err(StoreError::InvalidPush)?;
        let mut decided = decided.results.into_iter();
        let mut results = Vec::with_capacity(request.mutations.len());
        for mutation in &request.mutations {
            let outcome = match remembered.get(mutation.id.as_str()) {
                Some(done)
                    if done.digest == mutation_digest(mutation)?
                        && done.client_id == request.client_id.as_str()
                        && done.user_id == actor.user_id =>
                {
                    done.outcome.clone()
                }
                Some(_) => rejected(ID_REUSED),
                None => {
                    decided
                        .next()
                        .ok_or_else(|| StoreError::Corrupt("a push result is missing".into()))?
                        .outcome
                }
            };
            results.push(MutationResult {
                id: mutation.id.clone(),
                outcome,
            });
        }
        let remember = Remembering {
            quota: self.sync_quota_bytes(),
            now,
        };
        store_decisions(&mut tx, &state, &fresh, &actor, remember).await?;
        notebook::store_changed(&mut tx, &state, first_sequence).await?;
        if state.sequence() != first_sequence {
            sqlx::query("UPDATE sync_sequence SET value = ? WHERE id = 1")
                .bind(state.sequence() as i64)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(PushReceipt {
            response: PushResponse {
                results,
                sequence: Some(PushSequence {
                    before: first_sequence,
                    after: state.sequence(),
                }),
            },
            sequence: state.sequence(),
            applied: state.sequence() - first_sequence,
            merged_under_lock: merges.computed(),
        })
    }

    /// Decides the push's possible merges against a snapshot, holding no lock, and keeps every
    /// merge that took: [`Store::push`] decides for real with them.
    async fn merge_ahead(&self, request: &PushRequest, rules: &impl PushRules) -> Result<Merges> {
        let merges = Merges::default();
        if !request.mutations.iter().any(may_merge) {
            return Ok(merges);
        }
        // Only sets of narrative fields: they alone merge, and only each other's values feed
        // their merges. Remembered ones are not sorted out: a retry of an applied set finds its
        // own value and merges nothing, and looking them up would cost every push a query.
        let sets = PushRequest {
            client_id: request.client_id.clone(),
            mutations: request
                .mutations
                .iter()
                .filter(|m| may_merge(m))
                .cloned()
                .collect(),
        };
        let mut tx = self.pool.begin().await?;
        let sequence = latest_sequence(&mut tx).await?;
        let (records, authors) = decision_state(&mut tx, &sets).await?;
        tx.commit().await?;
        let mut snapshot = ServerState::resume(sequence, records, authors);
        let ahead = Ahead {
            rules,
            merges: &merges,
        };
        snapshot
            .push_as(&sets, &ahead)
            .map_err(StoreError::InvalidPush)?;
        // What remains to count is what the decision under the lock computes.
        merges.reset_count();
        Ok(merges)
    }

    /// The rows of `plan_ids`' records, and (if the request asks) `reader`'s own annotations,
    /// whose latest change is
    /// newer than `request.since`, oldest change first, one page at a time, like
    /// `ServerState::pull_as`. On the last page the cursor is the latest sequence number, even
    /// when the newest changes were in other plans or others' notebooks.
    pub async fn pull(
        &self,
        request: &PullRequest,
        plan_ids: &[String],
        reader: Option<i64>,
    ) -> Result<PullResponse> {
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
        let round_rows = rounds::changed_since(
            &mut tx,
            request.since,
            &serde_json::to_string(plan_ids)?,
            page_size as i64 + 1,
        )
        .await?;
        let annotations = match reader.filter(|_| request.notebooks) {
            Some(reader) => {
                notebook::changed_since(&mut tx, reader, request.since, page_size as i64 + 1)
                    .await?
            }
            None => Vec::new(),
        };
        let sequence = latest_sequence(&mut tx).await?;
        tx.commit().await?;

        let mut changes = rows
            .iter()
            .map(change_entry_from_row)
            .collect::<Result<Vec<_>>>()?;
        if !annotations.is_empty() {
            changes.extend(annotations);
            changes.sort_by_key(ChangeEntry::version);
        }
        if !round_rows.is_empty() {
            changes.extend(
                round_rows
                    .into_iter()
                    .map(|(key, round)| ChangeEntry::Round {
                        key,
                        round: round.value,
                        version: round.version,
                    }),
            );
            changes.sort_by_key(ChangeEntry::version);
        }
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
            add_field_row(&mut records, &row)?;
        }
        for row in sqlx::query("SELECT * FROM progress_notes WHERE plan_id = ?")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
        {
            add_note_row(&mut records, &row)?;
        }
        for row in sqlx::query("SELECT * FROM progress_kpi_readings WHERE plan_id = ?")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
        {
            add_reading_row(&mut records, &row)?;
        }
        Ok(records.into_values().collect())
    }

    /// Every progress record of a plan in one fiscal year, read by `conn`.
    pub(crate) async fn records_of_year(
        &self,
        conn: &mut SqliteConnection,
        plan_id: &str,
        fiscal_year: i32,
    ) -> Result<Vec<ProgressRecord>> {
        let mut records: BTreeMap<RecordKey, ProgressRecord> = BTreeMap::new();
        type AddRow = fn(&mut BTreeMap<RecordKey, ProgressRecord>, &SqliteRow) -> Result<()>;
        let tables: [(&str, AddRow); 3] = [
            (
                "SELECT * FROM progress_fields WHERE plan_id = ? AND fiscal_year = ?",
                add_field_row,
            ),
            (
                "SELECT * FROM progress_notes WHERE plan_id = ? AND fiscal_year = ?",
                add_note_row,
            ),
            (
                "SELECT * FROM progress_kpi_readings WHERE plan_id = ? AND fiscal_year = ?",
                add_reading_row,
            ),
        ];
        for (statement, add_row) in tables {
            for row in sqlx::query(statement)
                .bind(plan_id)
                .bind(fiscal_year)
                .fetch_all(&mut *conn)
                .await?
            {
                add_row(&mut records, &row)?;
            }
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

/// Adds a `progress_fields` row to the record it belongs to.
fn add_field_row(records: &mut BTreeMap<RecordKey, ProgressRecord>, row: &SqliteRow) -> Result<()> {
    let field = parse_field(&row.try_get::<String, _>("field")?)?;
    let value = Versioned::new(json_of(row, "value")?, version_of(row)?);
    record_mut(records, key_from_row(row)?)
        .fields
        .insert(field, value);
    Ok(())
}

/// Adds a `progress_notes` row to the record it belongs to.
fn add_note_row(records: &mut BTreeMap<RecordKey, ProgressRecord>, row: &SqliteRow) -> Result<()> {
    let note: FieldNote = json_of(row, "note")?;
    let note = Versioned::new(note, version_of(row)?);
    record_mut(records, key_from_row(row)?)
        .notes
        .insert(note.value.id.clone(), note);
    Ok(())
}

/// Adds a `progress_kpi_readings` row to the record it belongs to.
fn add_reading_row(
    records: &mut BTreeMap<RecordKey, ProgressRecord>,
    row: &SqliteRow,
) -> Result<()> {
    let reading: KpiReading = json_of(row, "reading")?;
    let reading = Versioned::new(reading, version_of(row)?);
    record_mut(records, key_from_row(row)?)
        .kpi_readings
        .insert(reading.value.id.clone(), reading);
    Ok(())
}

fn record_mut(
    records: &mut BTreeMap<RecordKey, ProgressRecord>,
    key: RecordKey,
) -> &mut ProgressRecord {
    records
        .entry(key.clone())
        .or_insert_with(|| ProgressRecord::new(key))
}

async fn latest_sequence(conn: &mut SqliteConnection) -> Result<u64> {
    let value: i64 = sqlx::query_scalar("SELECT value FROM sync_sequence WHERE id = 1")
        .fetch_one(&mut *conn)
        .await?;
    Ok(value as u64)
}

pub(crate) fn plan_status(text: &str) -> Result<PlanStatus> {
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

// A push reads and writes its rows a statement per table, not per mutation: every statement
// takes its rows as one bound JSON array, unpacked by `jsonb_each` (its rows come as JSONB, so
// `value ->> n` reads them without parsing text again). Per-mutation statements
// made a push of 500 cost some 2,500 round trips to SQLite's thread.

/// The mutations of `mutations` decided by an earlier push, by id.
async fn remembered(
    conn: &mut SqliteConnection,
    mutations: &[Mutation],
) -> Result<HashMap<String, Remembered>> {
    let ids: Vec<&str> = mutations.iter().map(|m| m.id.as_str()).collect();
    let rows = sqlx::query(
        "SELECT id, client_id, user_id, mutation, digest, outcome FROM sync_mutations
         WHERE id IN (SELECT value FROM json_each(?))",
    )
    .bind(serde_json::to_string(&ids)?)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let digest = match row.try_get::<Option<Vec<u8>>, _>("digest")? {
                Some(digest) => digest
                    .try_into()
                    .map_err(|_| StoreError::Corrupt("a mutation digest is not 32 bytes".into()))?,
                // Remembered whole, before migration 0004.
                None => mutation_digest(&json_of(row, "mutation")?)?,
            };
            let remembered = Remembered {
                client_id: row.try_get("client_id")?,
                user_id: row.try_get("user_id")?,
                digest,
                outcome: json_of(row, "outcome")?,
            };
            Ok((row.try_get("id")?, remembered))
        })
        .collect()
}

/// The columns that name one item of a record: `(plan_id, target_kind, target_id,
/// fiscal_year, item)`, the item being a field's name or a note's or reading's id. Serialized,
/// a list of them is the JSON array the batched statements unpack.
type ItemColumns<'a> = (&'a str, &'static str, &'a str, i32, &'a str);

fn item_columns<'a>(key: &'a RecordKey, item: &'a str) -> ItemColumns<'a> {
    (
        &key.plan_id,
        key.target.kind(),
        key.target.id(),
        key.fiscal_year.0,
        item,
    )
}

/// A note's author as the store keeps it for deciding: record, note id, user.
type NoteAuthorRow = (RecordKey, String, i64);

/// Exactly the stored fields, notes and readings the mutations read when decided: for each
/// `Set` its field, for each note or reading mutation the item it names; and the authors of
/// those notes.
async fn decision_state(
    conn: &mut SqliteConnection,
    request: &PushRequest,
) -> Result<(Vec<ProgressRecord>, Vec<NoteAuthorRow>)> {
    let mut fields = BTreeSet::new();
    let mut notes = BTreeSet::new();
    let mut readings = BTreeSet::new();
    let mut submitted = BTreeSet::new();
    for mutation in &request.mutations {
        // A notebook's changes read annotations (`notebook::named_by`), nothing of records.
        let Some(key) = mutation.key.record() else {
            continue;
        };
        match &mutation.change {
            Change::Set { field, .. } => fields.insert((key, field.as_str())),
            Change::AppendNote { note } => notes.insert((key, note.id.as_str())),
            Change::RetractNote { note_id } => notes.insert((key, note_id.as_str())),
            Change::AppendKpiReading { reading } => readings.insert((key, reading.id.as_str())),
            Change::Submit { .. } => submitted.insert(key),
            Change::AppendAnnotation { .. } | Change::RetractAnnotation { .. } => false,
        };
    }
    // A submission keeps a copy of the whole record; everything else reads single items.
    let mut records = whole_records(conn, &submitted).await?;
    let keys: BTreeSet<&RecordKey> = request
        .mutations
        .iter()
        .filter_map(|m| m.key.record())
        .collect();
    let keys: Vec<&RecordKey> = keys.into_iter().collect();
    for (key, round) in rounds::rounds_of(conn, &keys).await? {
        record_mut(&mut records, key)
            .rounds
            .insert(round.value.round_id.clone(), round);
    }
    // One statement per table, the same but for the table and its item column. CROSS JOIN
    // makes SQLite walk the wanted list and look each row up by primary key. (sqlx takes only
    // static text, hence a macro rather than `format!`.)
    macro_rules! wanted_rows {
        ($table:literal, $item:literal) => {
            concat!(
                "SELECT t.* FROM jsonb_each(?) AS w CROSS JOIN ",
                $table,
                " AS t ON t.plan_id = w.value ->> 0 AND t.target_kind = w.value ->> 1
                 AND t.target_id = w.value ->> 2 AND t.fiscal_year = w.value ->> 3
                 AND t.",
                $item,
                " = w.value ->> 4"
            )
        };
    }
    type AddRow = fn(&mut BTreeMap<RecordKey, ProgressRecord>, &SqliteRow) -> Result<()>;
    type Items<'a> = BTreeSet<(&'a RecordKey, &'a str)>;
    // (statement, items, how a row joins its record, whether rows name an author)
    let lookups: [(&'static str, Items, AddRow, bool); 3] = [
        (
            wanted_rows!("progress_fields", "field"),
            fields,
            add_field_row,
            false,
        ),
        (
            wanted_rows!("progress_notes", "id"),
            notes,
            add_note_row,
            true,
        ),
        (
            wanted_rows!("progress_kpi_readings", "id"),
            readings,
            add_reading_row,
            false,
        ),
    ];
    let mut authors = Vec::new();
    for (statement, items, add_row, authored) in lookups {
        if items.is_empty() {
            continue;
        }
        let wanted: Vec<ItemColumns> = items
            .into_iter()
            .map(|(key, item)| item_columns(key, item))
            .collect();
        for row in sqlx::query(statement)
            .bind(serde_json::to_string(&wanted)?)
            .fetch_all(&mut *conn)
            .await?
        {
            add_row(&mut records, &row)?;
            if authored {
                if let Some(user) = row.try_get::<Option<i64>, _>("author_user_id")? {
                    authors.push((key_from_row(&row)?, row.try_get("id")?, user));
                }
            }
        }
    }
    // Authors of every note of a submitted record: a retraction later in the push may need one.
    for key in &submitted {
        for row in sqlx::query(
            "SELECT * FROM progress_notes WHERE plan_id = ? AND target_kind = ? AND target_id = ?
             AND fiscal_year = ? AND author_user_id IS NOT NULL",
        )
        .bind(&key.plan_id)
        .bind(key.target.kind())
        .bind(key.target.id())
        .bind(key.fiscal_year.0)
        .fetch_all(&mut *conn)
        .await?
        {
            authors.push((
                key_from_row(&row)?,
                row.try_get("id")?,
                row.try_get("author_user_id")?,
            ));
        }
    }
    authors.sort();
    authors.dedup();
    Ok((records.into_values().collect(), authors))
}

/// Every field, note and reading of `keys`' records.
async fn whole_records(
    conn: &mut SqliteConnection,
    keys: &BTreeSet<&RecordKey>,
) -> Result<BTreeMap<RecordKey, ProgressRecord>> {
    let mut records = BTreeMap::new();
    type AddRow = fn(&mut BTreeMap<RecordKey, ProgressRecord>, &SqliteRow) -> Result<()>;
    let tables: [(&str, AddRow); 3] = [
        (
            "SELECT * FROM progress_fields WHERE plan_id = ? AND target_kind = ? AND target_id = ?
             AND fiscal_year = ?",
            add_field_row,
        ),
        (
            "SELECT * FROM progress_notes WHERE plan_id = ? AND target_kind = ? AND target_id = ?
             AND fiscal_year = ?",
            add_note_row,
        ),
        (
            "SELECT * FROM progress_kpi_readings WHERE plan_id = ? AND target_kind = ?
             AND target_id = ? AND fiscal_year = ?",
            add_reading_row,
        ),
    ];
    for key in keys {
        record_mut(&mut records, (*key).clone());
        for (statement, add_row) in tables {
            for row in sqlx::query(statement)
                .bind(&key.plan_id)
                .bind(key.target.kind())
                .bind(key.target.id())
                .bind(key.fiscal_year.0)
                .fetch_all(&mut *conn)
                .await?
            {
                add_row(&mut records, &row)?;
            }
        }
    }
    Ok(records)
}

/// An upserted row: the item's columns, then its JSON body, version and organization.
type UpsertRow<'a> = (
    &'a str,
    &'static str,
    &'a str,
    i32,
    &'a str,
    String,
    u64,
    &'a str,
);

fn upsert_row<'a>(
    key: &'a RecordKey,
    item: &'a str,
    stored: &Versioned<impl serde::Serialize>,
    organization_id: &'a str,
) -> Result<UpsertRow<'a>> {
    let (plan_id, kind, target_id, fiscal_year, item) = item_columns(key, item);
    let body = json_text(&stored.value)?;
    Ok((
        plan_id,
        kind,
        target_id,
        fiscal_year,
        item,
        body,
        stored.version,
        organization_id,
    ))
}

/// When a push's decisions are stored, and how much the user may have remembered in a day.
struct Remembering {
    quota: u64,
    now: i64,
}

/// Stores what deciding `request` did to `state`: the latest value of every field, note and
/// reading it changed (and who appended each new note), an audit entry per applied change, and
/// every remembered mutation's outcome, so a retry is answered the same. Refuses, storing
/// nothing, if that would take the user past their quota.
async fn store_decisions(
    tx: &mut Transaction<'_, Sqlite>,
    state: &ServerState,
    request: &PushRequest,
    actor: &Actor,
    remember: Remembering,
) -> Result<()> {
    let Remembering { quota, now } = remember;
    let history = state.history();
    let owners = plan_owners(tx, history.iter().map(|h| h.key.plan_id.as_str())).await?;
    let owner = |key: &RecordKey| -> Result<&str> {
        owners
            .get(&key.plan_id)
            .map(String::as_str)
            .ok_or(StoreError::NotFound(Missing::Plan))
    };
    let mut fields = BTreeSet::new();
    let mut notes = BTreeSet::new();
    let mut readings = BTreeSet::new();
    let mut submissions = Vec::new();
    let mut audit = Vec::with_capacity(history.len());
    for entry in history {
        let key = &entry.key;
        let record = state
            .record(key)
            .ok_or_else(|| StoreError::Corrupt("a changed record is missing".into()))?;
        let (field, old, new, merged) = match &entry.change {
            AppliedChange::Field {
                field,
                old,
                new,
                merged,
            } => {
                fields.insert((key, *field));
                let old = (old.version > 0)
                    .then(|| json_text(&old.value))
                    .transpose()?;
                (field.as_str(), old, json_text(new)?, *merged)
            }
            AppliedChange::NoteAppended { note } => {
                notes.insert((key, note.id.as_str()));
                ("note", None, json_text(note)?, false)
            }
            AppliedChange::NoteRetracted { note_id } => {
                notes.insert((key, note_id.as_str()));
                let retracted = &record
                    .notes
                    .get(note_id)
                    .ok_or_else(|| StoreError::Corrupt("a retracted note is missing".into()))?
                    .value;
                let before = FieldNote {
                    retracted: false,
                    ..retracted.clone()
                };
                (
                    "note",
                    Some(json_text(&before)?),
                    json_text(retracted)?,
                    false,
                )
            }
            AppliedChange::KpiReadingAppended { reading } => {
                readings.insert((key, reading.id.as_str()));
                ("kpi_reading", None, json_text(reading)?, false)
            }
            AppliedChange::Submitted { round_id, snapshot } => {
                let round = &record.rounds[round_id].value;
                submissions.push((
                    round_id.as_str(),
                    key.target.kind(),
                    key.target.id(),
                    round.reopened,
                    entry.version,
                    json_text(snapshot)?,
                ));
                audit.push(SyncAuditEntry {
                    organization_id: owner(key)?,
                    plan_id: &key.plan_id,
                    entity: rounds::ROUND_RECORD_ENTITY,
                    entity_id: rounds::record_entity_id(round_id, &key.target),
                    field: "state",
                    old_value: None,
                    new_value: json_text(&serde_json::json!({"state": "submitted"}))?,
                    mutation_id: entry.mutation_id.as_str(),
                    version: entry.version,
                    merged: false,
                });
                continue;
            }
        };
        audit.push(SyncAuditEntry {
            organization_id: owner(key)?,
            plan_id: &key.plan_id,
            entity: PROGRESS_ENTITY,
            entity_id: key.to_string(),
            field,
            old_value: old,
            new_value: new,
            mutation_id: entry.mutation_id.as_str(),
            version: entry.version,
            merged,
        });
    }

    let changed = |key: &RecordKey| state.record(key).expect("recorded above");
    let field_rows = fields
        .into_iter()
        .map(|(key, field)| {
            let stored = &changed(key).fields[&field];
            upsert_row(key, field.as_str(), stored, owner(key)?)
        })
        .collect::<Result<Vec<_>>>()?;
    let note_rows = notes
        .into_iter()
        .map(|(key, id)| {
            let (plan, kind, target, year, id, body, version, organization) =
                upsert_row(key, id, &changed(key).notes[id], owner(key)?)?;
            let author = state.note_author(key, id);
            Ok((
                plan,
                kind,
                target,
                year,
                id,
                body,
                version,
                organization,
                author,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    let reading_rows = readings
        .into_iter()
        .map(|(key, id)| upsert_row(key, id, &changed(key).kpi_readings[id], owner(key)?))
        .collect::<Result<Vec<_>>>()?;
    // `WHERE true` tells SQLite's parser that ON CONFLICT belongs to the INSERT. A note's
    // author is written when it is appended, and a retraction leaves it.
    for (upsert, rows, count) in [
        (
            "INSERT INTO progress_fields (plan_id, target_kind, target_id, fiscal_year, field,
                                          value, version, organization_id)
             SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
                    value ->> 6, value ->> 7
             FROM jsonb_each(?) WHERE true
             ON CONFLICT (plan_id, target_kind, target_id, fiscal_year, field)
             DO UPDATE SET value = excluded.value, version = excluded.version,
                           organization_id = excluded.organization_id",
            serde_json::to_string(&field_rows)?,
            field_rows.len(),
        ),
        (
            "INSERT INTO progress_notes (plan_id, target_kind, target_id, fiscal_year, id, note,
                                         version, organization_id, author_user_id)
             SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
                    value ->> 6, value ->> 7, value ->> 8
             FROM jsonb_each(?) WHERE true
             ON CONFLICT (plan_id, target_kind, target_id, fiscal_year, id)
             DO UPDATE SET note = excluded.note, version = excluded.version,
                           organization_id = excluded.organization_id",
            serde_json::to_string(&note_rows)?,
            note_rows.len(),
        ),
        (
            "INSERT INTO progress_kpi_readings (plan_id, target_kind, target_id, fiscal_year, id,
                                                reading, version, organization_id)
             SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
                    value ->> 6, value ->> 7
             FROM jsonb_each(?) WHERE true
             ON CONFLICT (plan_id, target_kind, target_id, fiscal_year, id)
             DO UPDATE SET reading = excluded.reading, version = excluded.version,
                           organization_id = excluded.organization_id",
            serde_json::to_string(&reading_rows)?,
            reading_rows.len(),
        ),
    ] {
        if count > 0 {
            sqlx::query(upsert).bind(rows).execute(&mut **tx).await?;
        }
    }
    if !submissions.is_empty() {
        sqlx::query(
            "UPDATE round_records
             SET state = 'submitted', reopened = w.value ->> 3, step = w.value ->> 4,
                 version = w.value ->> 4, submitted = w.value ->> 5, updated_at = ?
             FROM json_each(?) AS w
             WHERE round_id = w.value ->> 0 AND target_kind = w.value ->> 1
               AND target_id = w.value ->> 2",
        )
        .bind(now)
        .bind(serde_json::to_string(&submissions)?)
        .execute(&mut **tx)
        .await?;
    }
    append_sync_entries(tx, actor, &audit, now).await?;

    // Each remembered mutation once (a push may repeat an id), with its outcome and what
    // keeping it costs: the mutation as sent and the answer.
    let mut seen = BTreeSet::new();
    let mut decided = Vec::with_capacity(request.mutations.len());
    let mut bytes = 0;
    for mutation in &request.mutations {
        if !seen.insert(&mutation.id) {
            continue;
        }
        if let Some(processed) = state.processed(&mutation.id) {
            let (digest, size) = digest_and_size(&processed.mutation)?;
            let outcome = json_text(&processed.outcome)?;
            let cost = (size + outcome.len()) as u64;
            bytes += cost;
            decided.push((
                mutation.id.as_str(),
                crate::lower_hex(&digest),
                outcome,
                cost,
            ));
        }
    }
    if let Some(user_id) = actor.user_id {
        quota::check(tx, user_id, now, bytes, quota).await?;
    }
    if !decided.is_empty() {
        sqlx::query(
            "INSERT INTO sync_mutations (id, client_id, user_id, digest, outcome, at, bytes)
             SELECT value ->> 0, ?, ?, unhex(value ->> 1), value ->> 2, ?, value ->> 3
             FROM jsonb_each(?)",
        )
        .bind(request.client_id.as_str())
        .bind(actor.user_id)
        .bind(now)
        .bind(serde_json::to_string(&decided)?)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The organization of each plan named, by plan id.
async fn plan_owners<'a>(
    tx: &mut Transaction<'_, Sqlite>,
    plan_ids: impl Iterator<Item = &'a str>,
) -> Result<HashMap<String, String>> {
    let plan_ids: BTreeSet<&str> = plan_ids.collect();
    if plan_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let owners = sqlx::query_as::<_, (String, String)>(
        "SELECT id, organization_id FROM plans WHERE id IN (SELECT value FROM json_each(?))",
    )
    .bind(serde_json::to_string(&plan_ids)?)
    .fetch_all(&mut **tx)
    .await?;
    Ok(owners.into_iter().collect())
}
