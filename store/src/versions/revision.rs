//! Preparing and publishing a revision: a draft of the next version is started from the
//! current one or from a revised plan file, edited, and published, which makes it the plan's
//! content while the version it replaces is kept as a file. Every step is audited in the
//! transaction that makes it.

use keikaku_domain::format::PlanFile;
use keikaku_domain::limits::{check_text, TextKind};
use keikaku_domain::revision::edit::{apply, Edit};
use keikaku_domain::revision::{is_valid_issued, VersionInfo, VersionNumber};
use serde_json::{json, Value};
use sqlx::{Sqlite, Transaction};

use super::{draft_number, live_file, version_file, version_info, versions};
use crate::audit::{append, Actor, Change};
use crate::{Missing, Result, Store, StoreError};
use keikaku_domain::reason::Reason;

/// What a draft revision starts from.
#[derive(Debug, Clone)]
pub enum RevisionSource {
    /// A copy of the current version, to edit in the browser.
    Current,
    /// A revised plan file (validated by the import); it replaces a draft being prepared.
    File(Box<PlanFile>),
}

/// The audit entity of revision steps; `entity_id` is the version number.
pub const REVISION_ENTITY: &str = "revision";

/// What a version is called: its label (「令和6年3月改定」) and date (`YYYY-MM[-DD]`), each
/// optional (blank is absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VersionName {
    pub label: Option<String>,
    pub issued: Option<String>,
}

impl VersionName {
    /// Trimmed, blanks dropped, and checked: a refused field is named.
    fn checked(self) -> Result<VersionName> {
        let blank_to_none =
            |text: Option<String>| text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        let name = VersionName {
            label: blank_to_none(self.label),
            issued: blank_to_none(self.issued),
        };
        if let Some(Err(problem)) = name.label.as_deref().map(|l| check_text(TextKind::Name, l)) {
            return Err(StoreError::bad_text("label", problem));
        }
        if name.issued.as_deref().is_some_and(|d| !is_valid_issued(d)) {
            return Err(StoreError::invalid(
                "issued",
                Reason::new(
                    "日付は 2024-03 または 2024-03-31 の形で入力してください。",
                    "Please enter the date as 2024-03 or 2024-03-31.",
                ),
            ));
        }
        Ok(name)
    }
}

/// The plan's draft, which must exist, with its organization.
async fn existing_draft(
    tx: &mut Transaction<'_, Sqlite>,
    plan_id: &str,
) -> Result<(VersionInfo, PlanFile)> {
    let number = draft_number(tx, plan_id)
        .await?
        .ok_or(StoreError::NotFound(Missing::Revision))?;
    version_file(tx, plan_id, number)
        .await?
        .ok_or(StoreError::NotFound(Missing::Revision))
}

/// Logs a step of the revision `number` and returns the entry's id.
async fn log_step(
    tx: &mut Transaction<'_, Sqlite>,
    actor: &Actor,
    file: &PlanFile,
    number: VersionNumber,
    field: &str,
    new_value: Value,
    now: i64,
) -> Result<i64> {
    let change = Change {
        organization_id: &file.organization.id,
        plan_id: &file.plan.id,
        entity: REVISION_ENTITY,
        entity_id: &number.to_string(),
        field,
        old_value: None,
        new_value: Some(new_value),
        restored_from: None,
    };
    append(tx, actor, change, now).await
}

async fn store_document(
    tx: &mut Transaction<'_, Sqlite>,
    plan_id: &str,
    number: VersionNumber,
    file: &PlanFile,
) -> Result<()> {
    sqlx::query("UPDATE plan_versions SET document = ? WHERE plan_id = ? AND number = ?")
        .bind(serde_json::to_string(file)?)
        .bind(plan_id)
        .bind(i64::from(number.0))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Store {
    /// Starts the draft of the plan's next version (or, from a file, replaces the draft being
    /// prepared). `label` (「令和6年3月改定」) and `issued` (`YYYY-MM[-DD]`) name the version.
    pub async fn start_revision(
        &self,
        plan_id: &str,
        source: RevisionSource,
        name: VersionName,
        actor: &Actor,
        now: i64,
    ) -> Result<VersionInfo> {
        let VersionName { label, issued } = name.checked()?;
        let (_turn, mut tx) = self.begin_write().await?;
        let current = live_file(&mut tx, plan_id).await?;
        let draft = draft_number(&mut tx, plan_id).await?;
        let (file, step) = match source {
            RevisionSource::Current => {
                if draft.is_some() {
                    return Err(StoreError::InUse(
                        "revision",
                        Reason::new(
                            "改定案が既にあります。改定案を編集するか、破棄してから始めてください。",
                            "There is already a draft revision. Edit it, or discard it before starting another.",
                        ),
                    ));
                }
                (current.clone(), "start")
            }
            RevisionSource::File(file) => {
                if file.plan.id != plan_id {
                    return Err(StoreError::invalid(
                        "file",
                        Reason::new(
                            format!("このファイルは別の計画（{}）のものです。", file.plan.id),
                            format!("This file is of another plan ({}).", file.plan.id),
                        ),
                    ));
                }
                if file.organization.id != current.organization.id {
                    return Err(StoreError::invalid(
                        "file",
                        Reason::new(
                            "このファイルは別の団体の計画です。",
                            "This file is a plan of another organization.",
                        ),
                    ));
                }
                (*file, "import")
            }
        };
        // The draft keeps the plan's standing (published or not); publishing changes content.
        let mut file = file;
        file.plan.status = current.plan.status;
        let number = match draft {
            Some(number) => {
                sqlx::query(
                    "UPDATE plan_versions SET label = COALESCE(?, label), issued = COALESCE(?, issued)
                     WHERE plan_id = ? AND number = ?",
                )
                .bind(&label)
                .bind(&issued)
                .bind(plan_id)
                .bind(i64::from(number.0))
                .execute(&mut *tx)
                .await?;
                number
            }
            None => {
                let (latest,): (i64,) = sqlx::query_as(
                    "SELECT COALESCE(MAX(number), 0) FROM plan_versions WHERE plan_id = ?",
                )
                .bind(plan_id)
                .fetch_one(&mut *tx)
                .await?;
                let number = VersionNumber(u32::try_from(latest).unwrap_or(0)).next();
                sqlx::query(
                    "INSERT INTO plan_versions (plan_id, number, label, issued, state, document, created_at, based_on)
                     VALUES (?, ?, ?, ?, 'draft', '{}', ?,
                             (SELECT MAX(id) FROM audit_log WHERE plan_id = ?))",
                )
                .bind(plan_id)
                .bind(i64::from(number.0))
                .bind(label.clone().unwrap_or_default())
                .bind(&issued)
                .bind(now)
                .bind(plan_id)
                .execute(&mut *tx)
                .await?;
                number
            }
        };
        store_document(&mut tx, plan_id, number, &file).await?;
        let record = json!({ "label": label, "issued": issued });
        log_step(&mut tx, actor, &current, number, step, record, now).await?;
        let info = version_info(&mut tx, plan_id, number, Missing::Revision).await?;
        tx.commit().await?;
        Ok(info)
    }

    /// Applies one edit to the draft revision. An edit that changes nothing is not logged.
    /// Returns the draft as it is now.
    pub async fn edit_revision(
        &self,
        plan_id: &str,
        edit: &Edit,
        actor: &Actor,
        now: i64,
    ) -> Result<(VersionInfo, PlanFile)> {
        let (_turn, mut tx) = self.begin_write().await?;
        let (info, draft) = existing_draft(&mut tx, plan_id).await?;
        let edited = apply(&draft, edit)?;
        if edited == draft {
            return Ok((info, draft));
        }
        store_document(&mut tx, plan_id, info.number, &edited).await?;
        let record = serde_json::to_value(edit)?;
        log_step(
            &mut tx,
            actor,
            &draft,
            info.number,
            edit.name(),
            record,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok((info, edited))
    }

    /// Names the draft revision: its label and date.
    pub async fn label_revision(
        &self,
        plan_id: &str,
        name: VersionName,
        actor: &Actor,
        now: i64,
    ) -> Result<VersionInfo> {
        let VersionName { label, issued } = name.checked()?;
        let (_turn, mut tx) = self.begin_write().await?;
        let (info, draft) = existing_draft(&mut tx, plan_id).await?;
        sqlx::query(
            "UPDATE plan_versions SET label = ?, issued = ? WHERE plan_id = ? AND number = ?",
        )
        .bind(label.clone().unwrap_or_default())
        .bind(&issued)
        .bind(plan_id)
        .bind(i64::from(info.number.0))
        .execute(&mut *tx)
        .await?;
        let record = json!({ "label": label, "issued": issued });
        log_step(&mut tx, actor, &draft, info.number, "label", record, now).await?;
        let info = version_info(&mut tx, plan_id, info.number, Missing::Revision).await?;
        tx.commit().await?;
        Ok(info)
    }

    /// Publishes the draft revision: it becomes the plan's content and current version, and
    /// the version it replaces is kept as a file. Progress, rounds and notes stay with the
    /// measure ids they name.
    pub async fn publish_revision(
        &self,
        plan_id: &str,
        actor: &Actor,
        now: i64,
    ) -> Result<VersionInfo> {
        let (_turn, mut tx) = self.begin_write().await?;
        let (draft_info, draft) = existing_draft(&mut tx, plan_id).await?;
        let current = live_file(&mut tx, plan_id).await?;
        let previous = versions(&mut tx, plan_id)
            .await?
            .into_iter()
            .find(|v| v.state == keikaku_domain::revision::VersionState::Current)
            .ok_or_else(|| StoreError::Corrupt(format!("plan {plan_id} has no current version")))?;
        sqlx::query(
            "UPDATE plan_versions SET state = 'superseded', document = ? WHERE plan_id = ? AND number = ?",
        )
        .bind(serde_json::to_string(&current)?)
        .bind(plan_id)
        .bind(i64::from(previous.number.0))
        .execute(&mut *tx)
        .await?;
        crate::write::replace_plan_content(&mut tx, &draft).await?;
        let change = Change {
            organization_id: &current.organization.id,
            plan_id,
            entity: "plan",
            entity_id: plan_id,
            field: "version",
            old_value: Some(json!({ "number": previous.number, "label": previous.label })),
            new_value: Some(json!({ "number": draft_info.number, "label": draft_info.label })),
            restored_from: None,
        };
        let audit_id = append(&mut tx, actor, change, now).await?;
        sqlx::query(
            "UPDATE plan_versions SET state = 'current', document = NULL, published_at = ?, audit_id = ?
             WHERE plan_id = ? AND number = ?",
        )
        .bind(now)
        .bind(audit_id)
        .bind(plan_id)
        .bind(i64::from(draft_info.number.0))
        .execute(&mut *tx)
        .await?;
        let info = version_info(&mut tx, plan_id, draft_info.number, Missing::Version).await?;
        tx.commit().await?;
        tracing::info!(plan = plan_id, version = %info.number, "published a revision");
        Ok(info)
    }

    /// Changes made to the current version since the draft revision was started: publishing
    /// the draft replaces them, so the administrator sees them first.
    pub async fn changes_since_revision(&self, plan_id: &str) -> Result<Vec<crate::AuditEntry>> {
        let rows = sqlx::query(
            "SELECT a.* FROM audit_log a
             JOIN plan_versions v ON v.plan_id = a.plan_id AND v.state = 'draft'
             WHERE a.plan_id = ? AND a.id > COALESCE(v.based_on, 0)
               AND a.entity IN ('measure', 'node', 'plan')
             ORDER BY a.id",
        )
        .bind(plan_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(crate::audit::entry_from_row).collect()
    }

    /// Discards the draft revision; the plan stays as it is.
    pub async fn discard_revision(&self, plan_id: &str, actor: &Actor, now: i64) -> Result<()> {
        let (_turn, mut tx) = self.begin_write().await?;
        let (info, draft) = existing_draft(&mut tx, plan_id).await?;
        sqlx::query("DELETE FROM plan_versions WHERE plan_id = ? AND number = ?")
            .bind(plan_id)
            .bind(i64::from(info.number.0))
            .execute(&mut *tx)
            .await?;
        let record = json!({ "label": info.label });
        log_step(&mut tx, actor, &draft, info.number, "discard", record, now).await?;
        tx.commit().await?;
        Ok(())
    }
}
