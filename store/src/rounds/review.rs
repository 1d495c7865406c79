//! The DX office's steps: returning, approving, reopening and evaluating one record, and
//! closing, reopening, finalizing and publishing a whole round. Each is decided by
//! `keikaku_domain::evaluation` against the rows read in the write transaction, written with
//! its audit entry and a new sync version, so tablets learn of it at their next pull.

use keikaku_domain::access::Viewer;
use keikaku_domain::evaluation::{
    can_review, decide_record, decide_round, Decision, RecordAction, RecordState, RoundAction,
    RoundState,
};
use keikaku_sync::progress::{Target, Versioned};
use keikaku_sync::round::RoundRecord;
use serde_json::json;
use sqlx::{Row, SqliteConnection};

use super::{
    record_entity_id, round_record_from_row, round_record_rows, take_versions, Round, RoundAudit,
    ROUND_ENTITY, ROUND_RECORD_ENTITY,
};
use crate::audit::Actor;
use crate::{Missing, Result, Store, StoreError};
use keikaku_domain::reason::Reason;

/// What a step on a record left: the record as replicas now hold it, and the latest sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordStep {
    pub round: Versioned<RoundRecord>,
    pub sequence: u64,
}

/// What a step on a round left: the round, and the latest sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundStep {
    pub round: Round,
    pub sequence: u64,
}

/// The round `round_id` if `viewer` may see it, and whether they may review it.
async fn visible_round(
    conn: &mut SqliteConnection,
    viewer: &Viewer,
    round_id: &str,
) -> Result<(Round, bool)> {
    let (round, plan) = super::read::visible_round(conn, viewer, round_id).await?;
    let allowed = can_review(viewer, plan.plan_ref());
    Ok((round, allowed))
}

/// The published copy a record gets: its last submission.
async fn publish_record(
    conn: &mut SqliteConnection,
    round_id: &str,
    target: &Target,
) -> Result<()> {
    sqlx::query(
        "UPDATE round_records SET published = submitted
         WHERE round_id = ? AND target_kind = ? AND target_id = ?",
    )
    .bind(round_id)
    .bind(target.kind())
    .bind(target.id())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    /// Takes a step on one record of a round as the DX office: return, approve, reopen or
    /// evaluate (submitting comes through sync pushes). Refused steps are
    /// [`StoreError::Refused`] and change nothing.
    pub async fn review_record(
        &self,
        round_id: &str,
        target: &Target,
        action: &RecordAction,
        viewer: &Viewer,
        actor: &Actor,
        now: i64,
    ) -> Result<RecordStep> {
        if action.is_submission() {
            return Err(StoreError::invalid(
                "action",
                Reason::new(
                    "提出は進捗の同期で行います。",
                    "Reports are submitted by syncing progress.",
                ),
            ));
        }
        let (_turn, mut tx) = self.begin_write().await?;
        let (round, allowed) = visible_round(&mut tx, viewer, round_id).await?;
        let row = sqlx::query(round_record_rows!(
            "WHERE r.round_id = ? AND r.target_kind = ? AND r.target_id = ?"
        ))
        .bind(round_id)
        .bind(target.kind())
        .bind(target.id())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound(Missing::RoundRecord))?;
        let (_, current) = round_record_from_row(&row)?;
        let decision = decide_record(
            round.state,
            round.fiscal_year,
            current.value.workflow(),
            action,
            allowed,
        )?;
        let mut next = current.value.clone();
        match (action, decision) {
            (RecordAction::Evaluate { grade, reason }, _) => {
                next.secondary = Some(keikaku_sync::round::Secondary {
                    grade: *grade,
                    reason: reason.trim().to_owned(),
                });
            }
            (_, Decision::Unchanged) => {
                tx.commit().await?;
                return Ok(RecordStep {
                    round: current,
                    sequence: self.sync_sequence().await?,
                });
            }
            (action, Decision::Moves(moved)) => {
                next.state = moved.state;
                next.reopened = moved.reopened;
                next.comment = match action {
                    RecordAction::Return { comment } => Some(comment.trim().to_owned()),
                    RecordAction::Reopen { reason } => Some(reason.trim().to_owned()),
                    _ => None,
                };
            }
        }
        let version = take_versions(&mut tx, 1).await?;
        let moved = next.state != current.value.state || next.reopened != current.value.reopened;
        if moved {
            next.step = version;
        }
        sqlx::query(
            "UPDATE round_records SET state = ?, reopened = ?, comment = ?, secondary_grade = ?,
                                      secondary_reason = ?, step = ?, version = ?, updated_at = ?
             WHERE round_id = ? AND target_kind = ? AND target_id = ?",
        )
        .bind(next.state.as_str())
        .bind(next.reopened)
        .bind(&next.comment)
        .bind(next.secondary.as_ref().map(|s| s.grade.as_str()))
        .bind(next.secondary.as_ref().map(|s| s.reason.as_str()))
        .bind(next.step as i64)
        .bind(version as i64)
        .bind(now)
        .bind(round_id)
        .bind(target.kind())
        .bind(target.id())
        .execute(&mut *tx)
        .await?;
        // A correction approved after publication is what citizens see from then on.
        if next.state == RecordState::Approved && round.state == RoundState::Published {
            publish_record(&mut tx, round_id, target).await?;
        }
        let (field, old, new) = match action {
            RecordAction::Evaluate { .. } => (
                "secondary",
                json!(current.value.secondary),
                json!(next.secondary),
            ),
            _ => (
                "state",
                json!({"state": current.value.state.as_str(), "reopened": current.value.reopened}),
                json!({"state": next.state.as_str(), "reopened": next.reopened, "comment": next.comment}),
            ),
        };
        RoundAudit {
            organization_id: &round.organization_id,
            plan_id: &round.plan_id,
            entity: ROUND_RECORD_ENTITY,
            entity_id: &record_entity_id(round_id, target),
            field,
            old: Some(old),
            new,
        }
        .append(&mut tx, actor, now)
        .await?;
        tx.commit().await?;
        Ok(RecordStep {
            round: Versioned::new(next, version),
            sequence: version,
        })
    }

    /// Takes a step on a whole round as the DX office: close, reopen for submissions,
    /// finalize or publish. Every record of the round gets a new version, so replicas learn
    /// the round's state (and lock what a final round locks) at their next pull.
    pub async fn step_round(
        &self,
        round_id: &str,
        action: RoundAction,
        viewer: &Viewer,
        actor: &Actor,
        now: i64,
    ) -> Result<RoundStep> {
        let (_turn, mut tx) = self.begin_write().await?;
        let (mut round, allowed) = visible_round(&mut tx, viewer, round_id).await?;
        let unreviewed: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM round_records WHERE round_id = ? AND state = 'submitted'",
        )
        .bind(round_id)
        .fetch_one(&mut *tx)
        .await?;
        let next = decide_round(round.state, action, unreviewed as usize, allowed)?;
        let previous = round.state;
        round.state = next;
        if next == RoundState::Published {
            round.published_at = Some(now);
            sqlx::query(
                "UPDATE round_records SET published = submitted
                 WHERE round_id = ? AND state = 'approved'",
            )
            .bind(round_id)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE reporting_rounds SET state = ?, published_at = ? WHERE id = ?")
            .bind(next.as_str())
            .bind(round.published_at)
            .bind(round_id)
            .execute(&mut *tx)
            .await?;
        // New versions in the plan's order, above every version given so far.
        let targets: Vec<(String, String)> = sqlx::query(
            "SELECT target_kind, target_id FROM round_records WHERE round_id = ? ORDER BY position",
        )
        .bind(round_id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| Ok((row.try_get("target_kind")?, row.try_get("target_id")?)))
        .collect::<Result<_>>()?;
        let first = take_versions(&mut tx, targets.len() as u64).await?;
        let versions: Vec<(&str, &str, u64)> = targets
            .iter()
            .enumerate()
            .map(|(i, (kind, id))| (kind.as_str(), id.as_str(), first + i as u64))
            .collect();
        sqlx::query(
            "UPDATE round_records SET version = w.value ->> 2
             FROM json_each(?) AS w
             WHERE round_id = ? AND target_kind = w.value ->> 0 AND target_id = w.value ->> 1",
        )
        .bind(serde_json::to_string(&versions)?)
        .bind(round_id)
        .execute(&mut *tx)
        .await?;
        RoundAudit {
            organization_id: &round.organization_id,
            plan_id: &round.plan_id,
            entity: ROUND_ENTITY,
            entity_id: round_id,
            field: "state",
            old: Some(json!({"state": previous.as_str()})),
            new: json!({"state": next.as_str(), "action": action.as_str()}),
        }
        .append(&mut tx, actor, now)
        .await?;
        let sequence = first + targets.len() as u64 - 1;
        tx.commit().await?;
        Ok(RoundStep {
            round,
            sequence: sequence.max(first.saturating_sub(1)),
        })
    }
}
