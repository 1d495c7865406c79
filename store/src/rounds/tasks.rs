//! 要対応: the records of the organization's rounds that wait for an editor's department.

use keikaku_domain::access::{Role, Viewer};
use keikaku_sync::round_sheet::Task;

use crate::{Result, Store};

impl Store {
    /// The records waiting for `viewer`'s department in the rounds that still take them,
    /// earliest deadline first. Only editors with a department have any.
    pub async fn tasks_for(&self, viewer: &Viewer, now: i64) -> Result<Vec<Task>> {
        let Some(principal) = viewer.principal() else {
            return Ok(Vec::new());
        };
        let Some(department) = principal
            .department
            .as_deref()
            .filter(|_| principal.role == Role::Editor)
        else {
            return Ok(Vec::new());
        };
        let rounds: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM reporting_rounds
             WHERE organization_id = ? AND state IN ('open', 'closed')
             ORDER BY deadline, id",
        )
        .bind(&principal.organization_id)
        .fetch_all(&self.pool)
        .await?;
        let mut tasks = Vec::new();
        for round_id in rounds {
            let sheet = self.round_sheet(&round_id, viewer, now).await?;
            tasks.extend(sheet.tasks_for(department));
        }
        Ok(tasks)
    }
}
