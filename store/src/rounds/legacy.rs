//! Progress recorded before reporting rounds existed was public the moment it was recorded.
//! Once rounds decide what citizens see, that would vanish from public pages; instead, each
//! plan's records of each fiscal year become one published interim round, 「…の進捗（評価の
//! 導入前に公開）」, holding what was public at the upgrade. Interim rounds lock nothing, so
//! staff go on recording; what they record from then on is public once a round publishes it.

use std::collections::BTreeMap;

use keikaku_domain::date::Day;
use keikaku_domain::FiscalYear;
use keikaku_sync::progress::ProgressRecord;
use serde_json::json;

use super::{take_versions, RoundAudit, ROUND_ENTITY};
use crate::audit::Actor;
use crate::{Result, Store};

const MIGRATION: &str = "publish_progress_from_before_rounds";

impl Store {
    /// Runs the migration once; later calls find it done and return at once.
    pub(crate) async fn publish_progress_from_before_rounds(&self, now: i64) -> Result<()> {
        let pending: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM data_migrations WHERE name = ? AND done = 0")
                .bind(MIGRATION)
                .fetch_optional(&self.pool)
                .await?;
        if pending.is_none() {
            return Ok(());
        }
        let plans: Vec<(i64, String, String)> =
            sqlx::query_as("SELECT rowid, id, organization_id FROM plans ORDER BY rowid")
                .fetch_all(&self.pool)
                .await?;
        let mut rounds = Vec::new();
        for (rowid, plan_id, organization_id) in plans {
            let mut by_year: BTreeMap<FiscalYear, Vec<ProgressRecord>> = BTreeMap::new();
            for record in self.progress_records(&plan_id).await? {
                // Only what readers saw: fields and readings, never field notes.
                if record.fields.is_empty() && record.kpi_readings.is_empty() {
                    continue;
                }
                let public = ProgressRecord {
                    notes: BTreeMap::new(),
                    ..record
                };
                by_year
                    .entry(public.key.fiscal_year)
                    .or_default()
                    .push(public);
            }
            for (year, records) in by_year {
                rounds.push((
                    rowid,
                    plan_id.clone(),
                    organization_id.clone(),
                    year,
                    records,
                ));
            }
        }
        let today = Day::in_japan_at(now).to_string();
        let (_turn, mut tx) = self.begin_write().await?;
        for (rowid, plan_id, organization_id, year, records) in rounds {
            let id = format!("before-rounds-{}-{rowid}", year.0);
            let title = format!("{}の進捗（評価の導入前に公開）", year.japanese());
            sqlx::query(
                "INSERT INTO reporting_rounds (id, plan_id, organization_id, fiscal_year, kind,
                     title, opens_on, deadline, stale_days, state, created_at, published_at)
                 VALUES (?, ?, ?, ?, 'interim', ?, ?, ?, 14, 'published', ?, ?)",
            )
            .bind(&id)
            .bind(&plan_id)
            .bind(&organization_id)
            .bind(year.0)
            .bind(&title)
            .bind(&today)
            .bind(&today)
            .bind(now)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let first = take_versions(&mut tx, records.len() as u64).await?;
            let mut rows = Vec::with_capacity(records.len());
            for (i, record) in records.iter().enumerate() {
                let copy = serde_json::to_string(record)?;
                rows.push((
                    i,
                    record.key.target.kind(),
                    record.key.target.id(),
                    first + i as u64,
                    copy,
                ));
            }
            sqlx::query(
                "INSERT INTO round_records (round_id, plan_id, target_kind, target_id, fiscal_year,
                     organization_id, position, state, submitted, published, step, updated_at,
                     version)
                 SELECT ?, ?, value ->> 1, value ->> 2, ?, ?, value ->> 0, 'approved',
                        value ->> 4, value ->> 4, value ->> 3, ?, value ->> 3
                 FROM json_each(?)",
            )
            .bind(&id)
            .bind(&plan_id)
            .bind(year.0)
            .bind(&organization_id)
            .bind(now)
            .bind(serde_json::to_string(&rows)?)
            .execute(&mut *tx)
            .await?;
            RoundAudit {
                organization_id: &organization_id,
                plan_id: &plan_id,
                entity: ROUND_ENTITY,
                entity_id: &id,
                field: "state",
                old: None,
                new: json!({
                    "state": "published",
                    "title": title,
                    "kind": "interim",
                    "fiscal_year": year.0,
                    "records": records.len(),
                    "migration": MIGRATION,
                }),
            }
            .append(&mut tx, &Actor::default(), now)
            .await?;
        }
        sqlx::query("UPDATE data_migrations SET done = 1 WHERE name = ?")
            .bind(MIGRATION)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
