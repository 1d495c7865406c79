//! When a plan's public data last changed, for the date open data and feeds carry: the plan's
//! text (its current version, or an edit of a measure, node or the plan since) or a published
//! round. Private changes (progress not yet published, rounds in review) do not count.

use crate::{Result, Store};

impl Store {
    /// Unix seconds of the last public change to `plan_id`, if the plan exists.
    pub async fn public_data_changed_at(&self, plan_id: &str) -> Result<Option<i64>> {
        let at: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(at) FROM (
                 SELECT MAX(COALESCE(published_at, created_at)) AS at FROM plan_versions
                  WHERE plan_id = ? AND state = 'current'
                 UNION ALL
                 SELECT MAX(at) AS at FROM audit_log
                  WHERE plan_id = ? AND entity IN ('plan', 'measure', 'node')
                 UNION ALL
                 SELECT MAX(published_at) AS at FROM reporting_rounds
                  WHERE plan_id = ? AND state = 'published'
             ) AS changes",
        )
        .bind(plan_id)
        .bind(plan_id)
        .bind(plan_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(at)
    }
}
