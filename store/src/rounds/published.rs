//! What citizens see of progress: only what a published round made public. Each record shows
//! its copy from the round published last; records no published round covers show nothing.
//! Members of the organization see the live records instead (`Store::progress_records`).

use std::collections::BTreeMap;

use keikaku_sync::progress::{ProgressRecord, RecordKey};

use crate::{Result, Store};

impl Store {
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
