//! Versions of a plan (改定): the list, and any version's content as a plan file. The current
//! version is the plan's own rows; earlier versions and the draft of the next one are stored
//! as plan files (`plan_versions.document`). Writing them: [`revision`].

mod revision;

use keikaku_domain::format::{PlanFile, FORMAT_TAG};
use keikaku_domain::revision::{default_label, VersionInfo, VersionNumber, VersionState};
use sqlx::{Row, Sqlite, SqliteConnection, Transaction};

use crate::{Missing, Result, Store, StoreError};

pub use revision::{RevisionSource, VersionName};

/// Marks a newly imported plan as its own first version.
pub(crate) async fn insert_first_version(
    tx: &mut Transaction<'_, Sqlite>,
    plan: &keikaku_domain::Plan,
) -> Result<()> {
    let now = crate::unix_now();
    sqlx::query(
        "INSERT INTO plan_versions (plan_id, number, label, issued, state, document, created_at, published_at)
         VALUES (?, 1, '', ?, 'current', NULL, ?, ?)",
    )
    .bind(&plan.id)
    .bind(&plan.adopted)
    .bind(now)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn info_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<VersionInfo> {
    let number = VersionNumber(u32::try_from(row.try_get::<i64, _>("number")?).unwrap_or(0));
    let state: String = row.try_get("state")?;
    let issued: Option<String> = row.try_get("issued")?;
    let label: String = row.try_get("label")?;
    Ok(VersionInfo {
        number,
        label: if label.is_empty() {
            default_label(issued.as_deref(), number)
        } else {
            label
        },
        issued,
        state: VersionState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("version state {state:?}")))?,
        created_at: row.try_get("created_at")?,
        published_at: row.try_get("published_at")?,
        audit_id: row.try_get("audit_id")?,
    })
}

/// The plan's versions, oldest first, the draft (if any) last.
pub(crate) async fn versions(
    conn: &mut SqliteConnection,
    plan_id: &str,
) -> Result<Vec<VersionInfo>> {
    let rows = sqlx::query(
        "SELECT number, label, issued, state, created_at, published_at, audit_id
         FROM plan_versions WHERE plan_id = ? ORDER BY number",
    )
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(info_from_row).collect()
}

/// One version's row, which must exist (else `missing`).
pub(crate) async fn version_info(
    conn: &mut SqliteConnection,
    plan_id: &str,
    number: VersionNumber,
    missing: Missing,
) -> Result<VersionInfo> {
    let row = sqlx::query(
        "SELECT number, label, issued, state, created_at, published_at, audit_id
         FROM plan_versions WHERE plan_id = ? AND number = ?",
    )
    .bind(plan_id)
    .bind(i64::from(number.0))
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound(missing))?;
    info_from_row(&row)
}

/// The plan as it is now, as a plan file.
pub(crate) async fn live_file(conn: &mut SqliteConnection, plan_id: &str) -> Result<PlanFile> {
    let (organization, plan) = Store::existing_plan(conn, plan_id).await?;
    Ok(PlanFile {
        format: FORMAT_TAG.into(),
        organization,
        plan,
    })
}

/// One version's content: the plan's rows for the current version, its stored file otherwise.
pub(crate) async fn version_file(
    conn: &mut SqliteConnection,
    plan_id: &str,
    number: VersionNumber,
) -> Result<Option<(VersionInfo, PlanFile)>> {
    let row = sqlx::query(
        "SELECT number, label, issued, state, created_at, published_at, audit_id, document
         FROM plan_versions WHERE plan_id = ? AND number = ?",
    )
    .bind(plan_id)
    .bind(i64::from(number.0))
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let info = info_from_row(&row)?;
    let file = match row.try_get::<Option<String>, _>("document")? {
        Some(json) => serde_json::from_str(&json)?,
        None => live_file(conn, plan_id).await?,
    };
    Ok(Some((info, file)))
}

impl Store {
    /// The plan's versions, oldest first, the draft (if any) last. An unknown plan is
    /// [`Missing::Plan`].
    pub async fn plan_versions(&self, plan_id: &str) -> Result<Vec<VersionInfo>> {
        let mut conn = self.pool.acquire().await?;
        let list = versions(&mut conn, plan_id).await?;
        if list.is_empty() {
            return Err(StoreError::NotFound(Missing::Plan));
        }
        Ok(list)
    }

    /// One version of a plan with its content; `None` if the plan has no such version.
    pub async fn plan_version(
        &self,
        plan_id: &str,
        number: VersionNumber,
    ) -> Result<Option<(VersionInfo, PlanFile)>> {
        // One read transaction: the version row and the plan's rows from the same snapshot.
        let mut tx = self.pool.begin().await?;
        let found = version_file(&mut tx, plan_id, number).await?;
        tx.commit().await?;
        Ok(found)
    }

    /// Every step of the plan's revisions, oldest first: drafts started, edited, named,
    /// discarded, and versions published.
    pub async fn version_history(&self, plan_id: &str) -> Result<Vec<crate::AuditEntry>> {
        let rows = sqlx::query(
            "SELECT * FROM audit_log
             WHERE plan_id = ? AND (entity = 'revision' OR (entity = 'plan' AND field = 'version'))
             ORDER BY id",
        )
        .bind(plan_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(crate::audit::entry_from_row).collect()
    }

    /// The draft of the next version, if one is being prepared.
    pub async fn draft_revision(&self, plan_id: &str) -> Result<Option<(VersionInfo, PlanFile)>> {
        let mut tx = self.pool.begin().await?;
        let draft = draft_number(&mut tx, plan_id).await?;
        let found = match draft {
            Some(number) => version_file(&mut tx, plan_id, number).await?,
            None => None,
        };
        tx.commit().await?;
        Ok(found)
    }
}

/// The number of the plan's draft revision, if it has one.
pub(crate) async fn draft_number(
    conn: &mut SqliteConnection,
    plan_id: &str,
) -> Result<Option<VersionNumber>> {
    let number: Option<(i64,)> =
        sqlx::query_as("SELECT number FROM plan_versions WHERE plan_id = ? AND state = 'draft'")
            .bind(plan_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(number.map(|(n,)| VersionNumber(u32::try_from(n).unwrap_or(0))))
}
