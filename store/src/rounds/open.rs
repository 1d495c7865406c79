//! Opening a reporting round: checking what the administrator gave, working out which
//! measures it covers, and creating one record per measure or action, each at a new sync
//! version so that every replica of the organization learns of the round at its next pull.

use keikaku_domain::access::{can_read_plan, PlanRef, Viewer};
use keikaku_domain::evaluation::{can_review, NewRound, Refusal, RoundState};
use serde_json::json;
use sqlx::{Row, SqliteConnection};

use super::{take_versions, Round, RoundAudit, ROUND_ENTITY};
use crate::audit::Actor;
use crate::progress::plan_status;
use crate::{Missing, Result, Store, StoreError};
use keikaku_domain::reason::Reason;

/// A plan as the round rules see it.
pub(crate) struct PlanFacts {
    pub organization_id: String,
    pub status: keikaku_domain::format::PlanStatus,
    pub period: Option<(i32, i32)>,
}

impl PlanFacts {
    pub fn plan_ref(&self) -> PlanRef<'_> {
        PlanRef {
            organization_id: &self.organization_id,
            status: self.status,
        }
    }
}

/// The plan's owner, status and period, if `viewer` may read it; a plan they may not read is
/// missing, like one that does not exist.
pub(crate) async fn readable_plan(
    conn: &mut SqliteConnection,
    viewer: &Viewer,
    plan_id: &str,
) -> Result<PlanFacts> {
    let row = sqlx::query(
        "SELECT organization_id, status, period_start, period_end FROM plans WHERE id = ?",
    )
    .bind(plan_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound(Missing::Plan))?;
    let facts = PlanFacts {
        organization_id: row.try_get("organization_id")?,
        status: plan_status(&row.try_get::<String, _>("status")?)?,
        period: match (
            row.try_get::<Option<i32>, _>("period_start")?,
            row.try_get::<Option<i32>, _>("period_end")?,
        ) {
            (Some(start), Some(end)) => Some((start, end)),
            _ => None,
        },
    };
    if !can_read_plan(viewer, facts.plan_ref()) {
        return Err(StoreError::NotFound(Missing::Plan));
    }
    Ok(facts)
}

/// `(kind, id)` of every measure and action of the plan, in the plan's order: each measure,
/// then its actions.
async fn plan_targets(conn: &mut SqliteConnection, plan_id: &str) -> Result<Vec<(String, String)>> {
    let rows = sqlx::query(
        "SELECT 'measure' AS kind, m.id, m.position AS measure_position, -1 AS position
         FROM measures m WHERE m.plan_id = ?1
         UNION ALL
         SELECT 'action', a.id, m.position, a.position
         FROM actions a JOIN measures m ON m.plan_id = a.plan_id AND m.id = a.measure_id
         WHERE a.plan_id = ?1
         ORDER BY measure_position, position",
    )
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("kind")?, row.try_get("id")?)))
        .collect()
}

/// The measures a round covers when the administrator names none: those with a roadmap
/// entry (their own or one of their actions') for the year, or with a KPI.
async fn default_scope(
    conn: &mut SqliteConnection,
    plan_id: &str,
    fiscal_year: i32,
) -> Result<Vec<String>> {
    let ids = sqlx::query_scalar::<_, String>(
        "SELECT m.id FROM measures m
         WHERE m.plan_id = ?1 AND (
             EXISTS (SELECT 1 FROM kpis k WHERE k.plan_id = ?1 AND k.measure_id = m.id)
             OR EXISTS (SELECT 1 FROM schedule_cells c
                        WHERE c.plan_id = ?1 AND c.fiscal_year = ?2
                          AND (c.item_id = m.id OR c.item_id IN
                               (SELECT a.id FROM actions a
                                WHERE a.plan_id = ?1 AND a.measure_id = m.id))))
         ORDER BY m.position",
    )
    .bind(plan_id)
    .bind(fiscal_year)
    .fetch_all(&mut *conn)
    .await?;
    Ok(ids.into_iter().map(|id| format!("measure:{id}")).collect())
}

impl Store {
    /// Opens a reporting round of `plan_id` as the DX office (`viewer` must be allowed to
    /// review the plan), with a record for each measure or action in scope.
    pub async fn open_round(
        &self,
        plan_id: &str,
        new: &NewRound,
        viewer: &Viewer,
        actor: &Actor,
        now: i64,
    ) -> Result<Round> {
        let (_turn, mut tx) = self.begin_write().await?;
        let plan = readable_plan(&mut tx, viewer, plan_id).await?;
        if !can_review(viewer, plan.plan_ref()) {
            return Err(Refusal::NotAllowed.into());
        }
        new.validate(plan.period)?;
        let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM reporting_rounds WHERE id = ?")
            .bind(&new.id)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            return Err(StoreError::InUse(
                "id",
                Reason::new(
                    "この評価IDは既に使われています。",
                    "This round ID is already in use.",
                ),
            ));
        }
        let targets = plan_targets(&mut tx, plan_id).await?;
        let scope = if new.scope.is_empty() {
            default_scope(&mut tx, plan_id, new.fiscal_year.0).await?
        } else {
            new.scope.clone()
        };
        if scope.is_empty() {
            return Err(Refusal::invalid(
                "scope",
                Reason::new(
                    "この年度に工程表の予定やKPIがある施策がありません。対象を指定してください。",
                    "No measure has a roadmap entry or a KPI for this fiscal year. Please list what the round covers.",
                ),
            )
            .into());
        }
        // In the plan's order, whatever order the administrator listed them in.
        let mut records = Vec::with_capacity(scope.len());
        for item in &scope {
            let (kind, id) = item.split_once(':').expect("validated");
            let position = targets
                .iter()
                .position(|(k, i)| k == kind && i == id)
                .ok_or_else(|| {
                    StoreError::from(Refusal::invalid(
                        "scope",
                        Reason::new(
                            format!("「{item}」はこの計画にありません。"),
                            format!("“{item}” is not in this plan."),
                        ),
                    ))
                })?;
            records.push((position, kind, id));
        }
        records.sort();
        let round = Round {
            id: new.id.clone(),
            plan_id: plan_id.to_owned(),
            organization_id: plan.organization_id.clone(),
            fiscal_year: new.fiscal_year,
            kind: new.kind,
            title: new.title.trim().to_owned(),
            opens_on: new.opens_on.clone(),
            deadline: new.deadline.clone(),
            stale_days: new.stale_days,
            state: RoundState::Open,
            created_at: now,
            published_at: None,
        };
        sqlx::query(
            "INSERT INTO reporting_rounds (id, plan_id, organization_id, fiscal_year, kind, title,
                                           opens_on, deadline, stale_days, state, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&round.id)
        .bind(&round.plan_id)
        .bind(&round.organization_id)
        .bind(round.fiscal_year.0)
        .bind(round.kind.as_str())
        .bind(&round.title)
        .bind(&round.opens_on)
        .bind(&round.deadline)
        .bind(round.stale_days as i64)
        .bind(round.state.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let first = take_versions(&mut tx, records.len() as u64).await?;
        let rows: Vec<(usize, &str, &str, u64)> = records
            .iter()
            .enumerate()
            .map(|(i, (position, kind, id))| (*position, *kind, *id, first + i as u64))
            .collect();
        sqlx::query(
            "INSERT INTO round_records (round_id, plan_id, target_kind, target_id, fiscal_year,
                                        organization_id, position, state, step, updated_at, version)
             SELECT ?, ?, value ->> 1, value ->> 2, ?, ?, value ->> 0, 'not_entered', 0, ?,
                    value ->> 3
             FROM json_each(?)",
        )
        .bind(&round.id)
        .bind(plan_id)
        .bind(round.fiscal_year.0)
        .bind(&round.organization_id)
        .bind(now)
        .bind(serde_json::to_string(&rows)?)
        .execute(&mut *tx)
        .await?;
        RoundAudit {
            organization_id: &round.organization_id,
            plan_id,
            entity: ROUND_ENTITY,
            entity_id: &round.id,
            field: "state",
            old: None,
            new: json!({
                "state": round.state.as_str(),
                "title": round.title,
                "kind": round.kind.as_str(),
                "fiscal_year": round.fiscal_year.0,
                "opens_on": round.opens_on,
                "deadline": round.deadline,
                "records": records.len(),
            }),
        }
        .append(&mut tx, actor, now)
        .await?;
        tx.commit().await?;
        Ok(round)
    }
}
