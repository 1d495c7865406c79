//! Reading rounds: a plan's rounds, one round, and its audit trail. Only members of the
//! plan's organization see any of it (`keikaku_domain::evaluation::can_see_rounds`); to
//! anyone else a round does not exist.

use keikaku_domain::access::{can_see_audit_origin, Viewer};
use keikaku_domain::evaluation::can_see_rounds;
use sqlx::SqliteConnection;

use super::open::{readable_plan, PlanFacts};
use keikaku_domain::evaluation::RoundState;
use keikaku_sync::round_sheet::StepLine;

use super::{Round, ROUND_ENTITY, ROUND_RECORD_ENTITY};
use crate::audit::{entry_from_row, AuditEntry};
use crate::{Missing, Result, Store, StoreError};

/// The round `round_id` and its plan, read by `conn`, if `viewer` may see rounds of it;
/// otherwise missing, like a round that does not exist.
pub(crate) async fn visible_round(
    conn: &mut SqliteConnection,
    viewer: &Viewer,
    round_id: &str,
) -> Result<(Round, PlanFacts)> {
    let row = sqlx::query("SELECT * FROM reporting_rounds WHERE id = ?")
        .bind(round_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound(Missing::Round))?;
    let round = Round::from_row(&row)?;
    let plan = readable_plan(conn, viewer, &round.plan_id)
        .await
        .map_err(|_| StoreError::NotFound(Missing::Round))?;
    if !can_see_rounds(viewer, plan.plan_ref()) {
        return Err(StoreError::NotFound(Missing::Round));
    }
    Ok((round, plan))
}

impl Store {
    /// The rounds of a plan, newest fiscal year first, then newest opened first.
    pub async fn rounds(&self, plan_id: &str, viewer: &Viewer) -> Result<Vec<Round>> {
        let mut conn = self.pool.acquire().await?;
        let plan = readable_plan(&mut conn, viewer, plan_id).await?;
        if !can_see_rounds(viewer, plan.plan_ref()) {
            return Err(StoreError::NotFound(Missing::Round));
        }
        let rows = sqlx::query(
            "SELECT * FROM reporting_rounds WHERE plan_id = ?
             ORDER BY fiscal_year DESC, created_at DESC, id",
        )
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?;
        rows.iter().map(Round::from_row).collect()
    }

    /// One round, if `viewer` may see it.
    pub async fn round(&self, round_id: &str, viewer: &Viewer) -> Result<Round> {
        Ok(self.round_and_plan(round_id, viewer).await?.0)
    }

    async fn round_and_plan(&self, round_id: &str, viewer: &Viewer) -> Result<(Round, PlanFacts)> {
        let mut conn = self.pool.acquire().await?;
        visible_round(&mut conn, viewer, round_id).await
    }

    /// Every step of a round and its records, oldest first: who did what, and when. Where
    /// each came from (address, browser) only for those who may see it.
    pub async fn round_history(&self, round_id: &str, viewer: &Viewer) -> Result<Vec<AuditEntry>> {
        let (round, plan) = self.round_and_plan(round_id, viewer).await?;
        let rows = sqlx::query(
            "SELECT * FROM audit_log
             WHERE plan_id = ? AND ((entity = ? AND entity_id = ?)
                                    OR (entity = ? AND substr(entity_id, 1, ?) = ?))
             ORDER BY id",
        )
        .bind(&round.plan_id)
        .bind(ROUND_ENTITY)
        .bind(round_id)
        .bind(ROUND_RECORD_ENTITY)
        .bind(round_id.len() as i64 + 1)
        .bind(format!("{round_id}/"))
        .fetch_all(&self.pool)
        .await?;
        let entries = rows.iter().map(entry_from_row);
        if can_see_audit_origin(viewer, plan.plan_ref()) {
            entries.collect()
        } else {
            entries.map(|e| e.map(AuditEntry::without_origin)).collect()
        }
    }

    /// The round's history as people read it, oldest first (see [`describe_step`]).
    pub async fn round_steps(&self, round_id: &str, viewer: &Viewer) -> Result<Vec<StepLine>> {
        let entries = self.round_history(round_id, viewer).await?;
        Ok(entries
            .iter()
            .map(|entry| StepLine {
                at: entry.at,
                who: entry
                    .user_login
                    .clone()
                    .unwrap_or_else(|| "（システム）".to_owned()),
                what: describe_step(entry),
                target: (entry.entity == ROUND_RECORD_ENTITY)
                    .then(|| entry.entity_id.split_once('/').map(|(_, t)| t.to_owned()))
                    .flatten(),
            })
            .collect())
    }
}

/// A round's audit entry in words: 提出, 差戻し（理由）, 確認, 再開（理由）, 二次評価 B, and for the
/// round 開始, 締切, 受付再開, 確定, 公表.
fn describe_step(entry: &AuditEntry) -> String {
    let new = entry.new_value.clone().unwrap_or_default();
    let text = |key: &str| new.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    if entry.field == "secondary" {
        return match new.get("grade").and_then(|g| g.as_str()) {
            Some(grade) => format!("二次評価 {grade}：{}", text("reason").unwrap_or_default()),
            None => "二次評価を取り消し".to_owned(),
        };
    }
    let state = text("state").unwrap_or_default();
    if entry.entity == ROUND_ENTITY {
        return match (entry.old_value.is_none(), state.as_str()) {
            (true, "published") => "導入前の公開内容を公表".to_owned(),
            (true, _) => "評価を開始".to_owned(),
            (false, state) => {
                RoundState::parse(state).map_or_else(String::new, |s| s.label().to_owned())
            }
        };
    }
    let reopened = new
        .get("reopened")
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    match (state.as_str(), reopened) {
        ("submitted", _) => "提出".to_owned(),
        ("returned", true) => format!("再開（{}）", text("comment").unwrap_or_default()),
        ("returned", false) => format!("差戻し（{}）", text("comment").unwrap_or_default()),
        ("approved", _) => "確認済".to_owned(),
        (other, _) => other.to_owned(),
    }
}
