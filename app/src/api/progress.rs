//! Page data of the progress overview (進み具合): how a plan is going, from what published
//! reporting rounds made public. Members see the same as citizens here, so the page is the
//! public account; their live records are on the rounds' pages.

use keikaku_domain::views::PlanSummary;
use keikaku_sync::overview::ProgressOverview;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// A plan's progress overview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgressView {
    pub summary: PlanSummary,
    pub overview: ProgressOverview,
}

#[server(prefix = "/api", endpoint = "v1/pages/progress", input = GetUrl)]
pub async fn progress_page(plan_id: String) -> Result<Option<ProgressView>, ServerFnError> {
    use super::ssr;
    let Some((org, plan)) = ssr::plan(&plan_id).await? else {
        return Ok(None);
    };
    let records = ssr::store()?
        .published_progress(&plan_id)
        .await
        .map_err(|e| {
            ssr::tracing_error(&e);
            ServerFnError::new("進捗を読み込めませんでした。")
        })?;
    let actuals = keikaku_sync::report::PlanActuals::of(&records);
    Ok(Some(ProgressView {
        summary: PlanSummary::of(&org, &plan),
        overview: ProgressOverview::build(&plan, &actuals),
    }))
}
