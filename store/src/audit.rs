//! The audit trail and the audited edits of plan data. Every change is written in the same
//! transaction as its audit entry, so there is never a change without a record or a record
//! without its change.

use keikaku_domain::format::{Measure, PlanStatus};
use keikaku_domain::limits::{check_text, measure_field_kind};
use serde_json::Value;
use sqlx::{Row, Sqlite, Transaction};

use crate::{Missing, Result, Store, StoreError};
use keikaku_domain::reason::Reason;

/// Who made a change, and from where.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub login: Option<String>,
    pub client: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub user_id: Option<i64>,
    pub user_login: Option<String>,
    pub organization_id: String,
    pub plan_id: String,
    pub entity: String,
    pub entity_id: String,
    pub field: String,
    pub old_value: Option<Value>,
    pub new_value: Option<Value>,
    /// Where the change came from: the browser (user agent) or the sync client id, and the
    /// address. Only the plan's administrators see them (`access::can_see_audit_origin`);
    /// [`AuditEntry::without_origin`] leaves them out, and then they are not serialized.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    pub restored_from: Option<i64>,
}

impl AuditEntry {
    /// The entry without where it came from, for readers who may not see that.
    pub fn without_origin(self) -> AuditEntry {
        AuditEntry {
            client: None,
            address: None,
            ..self
        }
    }
}

/// The text fields of a measure an administrator may edit, by their API names.
pub const MEASURE_TEXT_FIELDS: [&str; 7] = [
    "title",
    "summary",
    "outcome",
    "target_state",
    "current_issues",
    "direction",
    "content",
];

fn measure_field_mut<'a>(measure: &'a mut Measure, field: &str) -> Option<&'a mut Option<String>> {
    Some(match field {
        "summary" => &mut measure.summary,
        "outcome" => &mut measure.outcome,
        "target_state" => &mut measure.target_state,
        "current_issues" => &mut measure.current_issues,
        "direction" => &mut measure.direction,
        "content" => &mut measure.content,
        _ => return None,
    })
}

pub(crate) fn entry_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<AuditEntry> {
    let json =
        |name: &str| -> Result<Option<Value>> { crate::read::parse_json(row.try_get(name)?) };
    Ok(AuditEntry {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        user_id: row.try_get("user_id")?,
        user_login: row.try_get("user_login")?,
        organization_id: row.try_get("organization_id")?,
        plan_id: row.try_get("plan_id")?,
        entity: row.try_get("entity")?,
        entity_id: row.try_get("entity_id")?,
        field: row.try_get("field")?,
        old_value: json("old_value")?,
        new_value: json("new_value")?,
        client: row.try_get("client")?,
        address: row.try_get("address")?,
        restored_from: row.try_get("restored_from")?,
    })
}

pub(crate) struct Change<'a> {
    pub organization_id: &'a str,
    pub plan_id: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub field: &'a str,
    pub old_value: Option<Value>,
    pub new_value: Option<Value>,
    pub restored_from: Option<i64>,
}

/// Appends the audit entry of a change to plan data (sync pushes use
/// [`append_sync_entries`]); returns its id.
pub(crate) async fn append(
    tx: &mut Transaction<'_, Sqlite>,
    actor: &Actor,
    change: Change<'_>,
    now: i64,
) -> Result<i64> {
    let result = sqlx::query(
        "INSERT INTO audit_log (at, user_id, user_login, organization_id, plan_id, entity, entity_id, field,
                                old_value, new_value, client, address, restored_from)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(now)
    .bind(actor.user_id)
    .bind(&actor.login)
    .bind(change.organization_id)
    .bind(change.plan_id)
    .bind(change.entity)
    .bind(change.entity_id)
    .bind(change.field)
    .bind(change.old_value.map(|v| v.to_string()))
    .bind(change.new_value.map(|v| v.to_string()))
    .bind(&actor.client)
    .bind(&actor.address)
    .bind(change.restored_from)
    .execute(&mut **tx)
    .await?;
    Ok(result.last_insert_rowid())
}

/// The audit entry of a change a sync push applied, written with the push's others by
/// [`append_sync_entries`].
pub(crate) struct SyncAuditEntry<'a> {
    pub organization_id: &'a str,
    pub plan_id: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    pub field: &'a str,
    /// JSON text.
    pub old_value: Option<String>,
    /// JSON text.
    pub new_value: String,
    pub mutation_id: &'a str,
    pub version: u64,
    pub merged: bool,
}

/// Appends a push's audit entries, in order, with one statement: the rows travel as one
/// bound JSON array.
pub(crate) async fn append_sync_entries(
    tx: &mut Transaction<'_, Sqlite>,
    actor: &Actor,
    entries: &[SyncAuditEntry<'_>],
    now: i64,
) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = entries
        .iter()
        .map(|e| {
            (
                e.organization_id,
                e.plan_id,
                e.entity,
                &e.entity_id,
                e.field,
                &e.old_value,
                &e.new_value,
                e.mutation_id,
                e.version,
                e.merged,
            )
        })
        .collect();
    sqlx::query(
        "INSERT INTO audit_log (at, user_id, user_login, organization_id, plan_id, entity, entity_id,
                                field, old_value, new_value, client, address, restored_from,
                                mutation_id, version, merged)
         SELECT ?, ?, ?, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4,
                value ->> 5, value ->> 6, ?, ?, NULL, value ->> 7, value ->> 8, value ->> 9
         FROM jsonb_each(?) ORDER BY key",
    )
    .bind(now)
    .bind(actor.user_id)
    .bind(&actor.login)
    .bind(&actor.client)
    .bind(&actor.address)
    .bind(serde_json::to_string(&rows)?)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Rebuilds a plan's search documents after its text changed.
pub(crate) async fn reindex(
    tx: &mut Transaction<'_, Sqlite>,
    plan: &keikaku_domain::Plan,
) -> Result<()> {
    sqlx::query("DELETE FROM search_documents WHERE plan_id = ?")
        .bind(&plan.id)
        .execute(&mut **tx)
        .await?;
    crate::write::insert_search_documents(tx, plan).await
}

/// What an edit did.
#[derive(Debug, Clone, PartialEq)]
pub enum EditOutcome {
    /// The value was already that; nothing was written or logged.
    Unchanged,
    Changed(Box<AuditEntry>),
}

/// One measure text field to set; `restored_from` names the audit entry being restored.
pub struct MeasureEdit<'a> {
    pub plan_id: &'a str,
    pub measure_id: &'a str,
    pub field: &'a str,
    pub value: Option<String>,
    pub restored_from: Option<i64>,
}

impl Store {
    /// Sets one text field of a measure. `None` clears an optional field; the title cannot be
    /// cleared. Unknown plans, measures or fields are `StoreError::NotFound`.
    pub async fn edit_measure_text(
        &self,
        edit: MeasureEdit<'_>,
        actor: &Actor,
        now: i64,
    ) -> Result<EditOutcome> {
        let MeasureEdit {
            plan_id,
            measure_id,
            field,
            value,
            restored_from,
        } = edit;
        let kind = measure_field_kind(field).ok_or(StoreError::NotFound(Missing::Field))?;
        if field == "title" && value.as_deref().is_none_or(|v| v.trim().is_empty()) {
            return Err(StoreError::invalid(
                "value",
                Reason::new(
                    "施策名は空にできません。",
                    "A measure's name cannot be empty.",
                ),
            ));
        }
        if let Some(Err(problem)) = value.as_deref().map(|v| check_text(kind, v)) {
            return Err(StoreError::bad_text("value", problem));
        }
        let (_turn, mut tx) = self.begin_write().await?;
        let (org, mut plan) = Store::existing_plan(&mut tx, plan_id).await?;
        let measure = plan
            .measures
            .iter_mut()
            .find(|m| m.id == measure_id)
            .ok_or(StoreError::NotFound(Missing::Measure))?;
        let old = match measure_field_mut(measure, field) {
            Some(slot) => std::mem::replace(slot, value.clone()),
            None => Some(std::mem::replace(
                &mut measure.title,
                value.clone().unwrap_or_default(),
            )),
        };
        if old == value {
            return Ok(EditOutcome::Unchanged);
        }
        // Column names come from the fixed list above, never from the request.
        let sql = match field {
            "title" => "UPDATE measures SET title = ? WHERE plan_id = ? AND id = ?",
            "summary" => "UPDATE measures SET summary = ? WHERE plan_id = ? AND id = ?",
            "outcome" => "UPDATE measures SET outcome = ? WHERE plan_id = ? AND id = ?",
            "target_state" => "UPDATE measures SET target_state = ? WHERE plan_id = ? AND id = ?",
            "current_issues" => {
                "UPDATE measures SET current_issues = ? WHERE plan_id = ? AND id = ?"
            }
            "direction" => "UPDATE measures SET direction = ? WHERE plan_id = ? AND id = ?",
            "content" => "UPDATE measures SET content = ? WHERE plan_id = ? AND id = ?",
            _ => return Err(StoreError::NotFound(Missing::Field)),
        };
        sqlx::query(sql)
            .bind(&value)
            .bind(plan_id)
            .bind(measure_id)
            .execute(&mut *tx)
            .await?;
        reindex(&mut tx, &plan).await?;
        let change = Change {
            organization_id: &org.id,
            plan_id,
            entity: "measure",
            entity_id: measure_id,
            field,
            old_value: old.map(Value::String),
            new_value: value.map(Value::String),
            restored_from,
        };
        self.commit_logged(tx, actor, change, now).await
    }

    /// Publishes or withdraws a plan.
    pub async fn set_plan_status(
        &self,
        plan_id: &str,
        status: PlanStatus,
        actor: &Actor,
        now: i64,
    ) -> Result<EditOutcome> {
        let (_turn, mut tx) = self.begin_write().await?;
        let (org, plan) = Store::existing_plan(&mut tx, plan_id).await?;
        if plan.status == status {
            return Ok(EditOutcome::Unchanged);
        }
        sqlx::query("UPDATE plans SET status = ? WHERE id = ?")
            .bind(status.as_str())
            .bind(plan_id)
            .execute(&mut *tx)
            .await?;
        let change = Change {
            organization_id: &org.id,
            plan_id,
            entity: "plan",
            entity_id: plan_id,
            field: "status",
            old_value: Some(Value::String(plan.status.as_str().into())),
            new_value: Some(Value::String(status.as_str().into())),
            restored_from: None,
        };
        self.commit_logged(tx, actor, change, now).await
    }

    /// Logs `change` in the transaction that made it, commits both, and returns the entry.
    pub(crate) async fn commit_logged(
        &self,
        mut tx: Transaction<'_, Sqlite>,
        actor: &Actor,
        change: Change<'_>,
        now: i64,
    ) -> Result<EditOutcome> {
        let id = append(&mut tx, actor, change, now).await?;
        tx.commit().await?;
        Ok(EditOutcome::Changed(Box::new(
            self.audit_entry(id)
                .await?
                .ok_or(StoreError::NotFound(Missing::AuditEntry))?,
        )))
    }

    pub async fn audit_entry(&self, id: i64) -> Result<Option<AuditEntry>> {
        let row = sqlx::query("SELECT * FROM audit_log WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(entry_from_row).transpose()
    }

    /// Every change to a measure of a plan, oldest first; a measure the plan does not have is
    /// [`Missing::Measure`].
    pub async fn measure_history(
        &self,
        plan_id: &str,
        measure_id: &str,
    ) -> Result<Vec<AuditEntry>> {
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM measures WHERE plan_id = ? AND id = ?")
                .bind(plan_id)
                .bind(measure_id)
                .fetch_optional(&self.pool)
                .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound(Missing::Measure));
        }
        self.history(plan_id, "measure", measure_id).await
    }

    /// Every change to one entity, oldest first.
    pub async fn history(
        &self,
        plan_id: &str,
        entity: &str,
        entity_id: &str,
    ) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query("SELECT * FROM audit_log WHERE plan_id = ? AND entity = ? AND entity_id = ? ORDER BY id")
            .bind(plan_id)
            .bind(entity)
            .bind(entity_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// Puts back the value an audit entry replaced, as a new, logged change.
    pub async fn restore(&self, entry_id: i64, actor: &Actor, now: i64) -> Result<EditOutcome> {
        let entry = self
            .audit_entry(entry_id)
            .await?
            .ok_or(StoreError::NotFound(Missing::AuditEntry))?;
        let old = |v: Option<Value>| v.and_then(|v| v.as_str().map(str::to_owned));
        let unrestorable = StoreError::invalid(
            "entry",
            Reason::new("復元できない値です。", "This value cannot be restored."),
        );
        match (entry.entity.as_str(), entry.field.as_str()) {
            ("measure", "departments") => {
                let departments = entry
                    .old_value
                    .and_then(|v| serde_json::from_value(v).ok())
                    .ok_or(unrestorable)?;
                self.set_measure_departments(
                    &entry.plan_id,
                    &entry.entity_id,
                    departments,
                    actor,
                    now,
                    Some(entry_id),
                )
                .await
            }
            ("node", "measures") => {
                let measures = entry
                    .old_value
                    .and_then(|v| serde_json::from_value(v).ok())
                    .ok_or(unrestorable)?;
                self.set_node_measures(
                    &entry.plan_id,
                    &entry.entity_id,
                    measures,
                    actor,
                    now,
                    Some(entry_id),
                )
                .await
            }
            ("node", field) if crate::structure::NODE_TEXT_FIELDS.contains(&field) => {
                let edit = crate::structure::NodeEdit {
                    plan_id: &entry.plan_id,
                    node_id: &entry.entity_id,
                    field,
                    value: old(entry.old_value.clone()),
                    restored_from: Some(entry_id),
                };
                self.edit_node(edit, actor, now).await
            }
            ("measure", _) => {
                let edit = MeasureEdit {
                    plan_id: &entry.plan_id,
                    measure_id: &entry.entity_id,
                    field: &entry.field,
                    value: old(entry.old_value.clone()),
                    restored_from: Some(entry_id),
                };
                self.edit_measure_text(edit, actor, now).await
            }
            ("plan", "status") => {
                let status = old(entry.old_value)
                    .as_deref()
                    .and_then(PlanStatus::parse)
                    .ok_or(unrestorable)?;
                self.set_plan_status(&entry.plan_id, status, actor, now)
                    .await
            }
            _ => Err(StoreError::invalid(
                "entry",
                Reason::new(
                    "この変更は復元できません。",
                    "This change cannot be undone.",
                ),
            )),
        }
    }
}
