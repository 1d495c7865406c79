//! What citizens see of progress: only what a published round made public. Each record shows
//! its copy from the round published last; records no published round covers show nothing.
//! Members of the organization see the live records instead (`Store::progress_records`).

use std::collections::BTreeMap;

use keikaku_domain::evaluation::PublishedRound;
use keikaku_domain::FiscalYear;
use keikaku_sync::progress::{ProgressRecord, RecordKey};
use sqlx::Row;

use crate::{Result, Store};

impl Store {
    /// A plan's published rounds, newest publication first: what citizens may know of them.
    pub async fn published_rounds(&self, plan_id: &str) -> Result<Vec<PublishedRound>> {
        let rows = sqlx::query(
            "SELECT o.id, o.title, o.fiscal_year, o.published_at,
                    (SELECT COUNT(*) FROM round_records r
                      WHERE r.round_id = o.id AND r.published IS NOT NULL) AS records
               FROM reporting_rounds o
              WHERE o.plan_id = ? AND o.state = 'published' AND o.published_at IS NOT NULL
              ORDER BY o.published_at DESC, o.id",
        )
        .bind(plan_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(PublishedRound {
                    id: row.try_get("id")?,
                    plan_id: plan_id.to_owned(),
                    title: row.try_get("title")?,
                    fiscal_year: FiscalYear(row.try_get("fiscal_year")?),
                    published_at: row.try_get("published_at")?,
                    records: row.try_get::<i64, _>("records")? as usize,
                })
            })
            .collect()
    }

    /// The published copy of each of a plan's records, from the round published last.
    pub async fn published_progress(&self, plan_id: &str) -> Result<Vec<ProgressRecord>> {
        let copies: Vec<String> = sqlx::query_scalar(
            "SELECT r.published FROM round_records r JOIN reporting_rounds o ON o.id = r.round_id
             WHERE r.plan_id = ? AND o.state = 'published' AND r.published IS NOT NULL
             ORDER BY o.published_at, r.version",
        )
        .bind(plan_id)
        .fetch_all(&self.pool)
        .await?;
        let mut latest: BTreeMap<RecordKey, ProgressRecord> = BTreeMap::new();
        for copy in copies {
            let record: ProgressRecord = serde_json::from_str(&copy)?;
            latest.insert(record.key.clone(), record);
        }
        Ok(latest.into_values().collect())
    }
}
