//! Page data of a plan's open data page: its datasets with their data dictionary, the licence
//! and the date of the data. The files themselves are served by the server
//! (`/api/v1/plans/{plan}/data/{file}`).

use keikaku_domain::views::PlanSummary;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// One column of a dataset, as the data dictionary describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnInfo {
    pub heading: String,
    pub key: String,
    pub kind: String,
    pub description: String,
}

/// One dataset: its file stem, title, what a row is, how many rows, and its columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetInfo {
    pub name: String,
    pub title: String,
    pub description: String,
    pub rows: usize,
    pub columns: Vec<ColumnInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenDataView {
    pub summary: PlanSummary,
    pub licence_name: String,
    pub licence_url: String,
    /// `YYYY-MM-DD`, when the public data last changed.
    pub data_date: Option<String>,
    pub local_government_code: Option<String>,
    pub datasets: Vec<DatasetInfo>,
}

#[server(prefix = "/api", endpoint = "v1/pages/open-data", input = GetUrl)]
pub async fn open_data_page(
    plan_id: String,
    #[server(default)] lang: keikaku_domain::lang::Lang,
) -> Result<Option<OpenDataView>, ServerFnError> {
    use super::ssr;
    use keikaku_export::open_data::{Dataset, Source};
    let Some((org, plan)) = ssr::plan(&plan_id).await? else {
        return Ok(None);
    };
    let store = ssr::store()?;
    let unreadable = |e: keikaku_store::StoreError| ssr::unloaded(ssr::Unloaded::OpenData, &e);
    let records = store
        .published_progress(&plan_id)
        .await
        .map_err(unreadable)?;
    let changed = store
        .public_data_changed_at(&plan_id)
        .await
        .map_err(unreadable)?;
    let actuals = keikaku_sync::report::PlanActuals::of(&records);
    let source = Source {
        organization: &org,
        plan: &plan,
        actuals: &actuals,
    };
    let datasets = Dataset::ALL
        .into_iter()
        .map(|d| DatasetInfo {
            name: d.name().to_owned(),
            title: d.title_in(lang).to_owned(),
            description: d.description_in(lang).to_owned(),
            rows: source.rows(d).len(),
            columns: d
                .columns()
                .into_iter()
                .map(|c| ColumnInfo {
                    heading: c.heading.to_owned(),
                    key: c.key.to_owned(),
                    kind: c.kind.label_in(lang).to_owned(),
                    description: c.description.to_owned(),
                })
                .collect(),
        })
        .collect();
    let licence = org.licence();
    Ok(Some(OpenDataView {
        summary: PlanSummary::of(&org, &plan.in_language(&org, lang)),
        licence_name: licence.name,
        licence_url: licence.url,
        data_date: changed.map(|at| keikaku_domain::date::Day::in_japan_at(at).to_string()),
        local_government_code: org.code.clone(),
        datasets,
    }))
}
