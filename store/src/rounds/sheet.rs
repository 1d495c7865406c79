//! Gathering a round's sheet (`keikaku_sync::round_sheet`) in one read transaction: the round,
//! its plan, each record's place in the round, the records of the year (the submitted copy once
//! handed in, the live record before), and when each was last touched.

use std::collections::HashMap;

use keikaku_domain::access::Viewer;
use keikaku_domain::date::Day;
use keikaku_domain::evaluation::RecordState;
use keikaku_domain::lang::Lang;
use keikaku_sync::progress::{ProgressRecord, RecordKey};
use keikaku_sync::round_sheet::{RoundHead, RowInput, Sheet};
use sqlx::Row;

use super::{round_record_from_row, round_record_rows};
use crate::{Missing, Result, Store, StoreError};

impl Store {
    /// The sheet of round `round_id` as `viewer` may see it (members of the organization), as
    /// of `now`, its figures written in Japanese (for reminders and the report files).
    pub async fn round_sheet(&self, round_id: &str, viewer: &Viewer, now: i64) -> Result<Sheet> {
        self.round_sheet_in(round_id, viewer, now, Lang::Ja).await
    }

    /// [`Store::round_sheet`] with its KPI figures and years written in `lang`, for a page.
    pub async fn round_sheet_in(
        &self,
        round_id: &str,
        viewer: &Viewer,
        now: i64,
        lang: Lang,
    ) -> Result<Sheet> {
        let round = self.round(round_id, viewer).await?;
        let mut tx = self.pool.begin().await?;
        let (organization, plan) = Store::read_plan(&mut tx, &round.plan_id)
            .await?
            .ok_or(StoreError::NotFound(Missing::Plan))?;
        let rows = sqlx::query(round_record_rows!(
            "WHERE r.round_id = ? ORDER BY r.position"
        ))
        .bind(round_id)
        .fetch_all(&mut *tx)
        .await?;
        let extra = sqlx::query(
            "SELECT target_kind, target_id, submitted, updated_at, step FROM round_records
             WHERE round_id = ?",
        )
        .bind(round_id)
        .fetch_all(&mut *tx)
        .await?;
        let mut submitted: HashMap<(String, String), (Option<String>, Option<i64>)> =
            HashMap::with_capacity(extra.len());
        for row in extra {
            // A record that never moved was not touched by its workflow.
            let moved = row.try_get::<i64, _>("step")? > 0;
            let updated = moved.then(|| row.try_get("updated_at")).transpose()?;
            submitted.insert(
                (row.try_get("target_kind")?, row.try_get("target_id")?),
                (row.try_get("submitted")?, updated),
            );
        }
        let live: HashMap<RecordKey, ProgressRecord> = self
            .records_of_year(&mut tx, &round.plan_id, round.fiscal_year.0)
            .await?
            .into_iter()
            .map(|r| (r.key.clone(), r))
            .collect();
        let touched: HashMap<String, i64> = sqlx::query_as(
            "SELECT entity_id, max(at) FROM audit_log
             WHERE plan_id = ? AND entity = 'progress' AND substr(entity_id, -5) = ?
             GROUP BY entity_id",
        )
        .bind(&round.plan_id)
        // The fiscal year ends the entity id: `plan/measure:id/2024`.
        .bind(format!("/{}", round.fiscal_year.0))
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .collect();
        tx.commit().await?;

        let mut inputs = Vec::with_capacity(rows.len());
        for row in &rows {
            let (key, round_record) = round_record_from_row(row)?;
            let slot = (key.target.kind().to_owned(), key.target.id().to_owned());
            let (copy, workflow_at) = submitted.remove(&slot).unwrap_or_default();
            let handed_in = matches!(
                round_record.value.state,
                RecordState::Submitted | RecordState::Approved
            );
            let content = match copy.filter(|_| handed_in) {
                Some(copy) => serde_json::from_str(&copy)?,
                None => live
                    .get(&key)
                    .cloned()
                    .unwrap_or_else(|| ProgressRecord::new(key.clone())),
            };
            let last_update = [touched.get(&key.to_string()).copied(), workflow_at]
                .into_iter()
                .flatten()
                .max();
            inputs.push(RowInput {
                target: key.target,
                round: round_record.value,
                content,
                last_update,
            });
        }
        let head = RoundHead {
            id: round.id,
            plan_id: round.plan_id,
            plan_title: plan.title.clone(),
            organization_name: organization.name,
            fiscal_year: round.fiscal_year,
            kind: round.kind,
            title: round.title,
            opens_on: round.opens_on,
            deadline: round.deadline,
            state: round.state,
            stale_days: round.stale_days,
            created_at: round.created_at,
        };
        Ok(Sheet::build_in(
            head,
            &plan,
            inputs,
            Day::in_japan_at(now),
            lang,
        ))
    }
}
