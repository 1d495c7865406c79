//! Page data of the reporting round: a plan's rounds, one round's sheet (the dashboard and
//! the report read it), and the records waiting for the signed-in editor (要対応). Rounds are
//! the organization's own business, so each page is for its members; the review controls
//! only for its administrators.

use keikaku_domain::views::PlanSummary;
use keikaku_domain::FiscalYear;
use keikaku_sync::round_sheet::{RoundHead, Sheet, StepLine, Task};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

use super::Guarded;

/// A plan's rounds, and what opening one needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundsView {
    pub summary: PlanSummary,
    pub rounds: Vec<RoundHead>,
    /// The viewer may open and step rounds (an administrator of the plan's organization).
    pub reviewer: bool,
    pub csrf_token: String,
    /// The fiscal years of the plan's period, for the opening form.
    pub years: Vec<FiscalYear>,
    /// Every measure as `(id, number and title)`, to choose a round's scope from.
    pub measures: Vec<(String, String)>,
}

/// One round's sheet, for the dashboard and the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundView {
    pub summary: PlanSummary,
    pub sheet: Sheet,
    /// Who did what and when, oldest first (empty offline).
    pub steps: Vec<StepLine>,
    pub reviewer: bool,
    pub csrf_token: String,
}

#[cfg(feature = "ssr")]
fn failed(e: keikaku_store::StoreError) -> ServerFnError {
    super::ssr::unloaded(super::ssr::Unloaded::Round, &e)
}

/// What a round store error means for a page: missing or hidden rounds are "not found".
#[cfg(feature = "ssr")]
fn guarded<T>(
    result: Result<T, keikaku_store::StoreError>,
) -> Result<Result<T, Guarded<()>>, ServerFnError> {
    use keikaku_store::{Missing, StoreError};
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(StoreError::NotFound(Missing::Round | Missing::Plan)) => Ok(Err(Guarded::NotFound)),
        Err(e) => Err(failed(e)),
    }
}

#[server(prefix = "/api", endpoint = "v1/pages/rounds", input = GetUrl)]
pub async fn rounds_page(plan_id: String) -> Result<Guarded<RoundsView>, ServerFnError> {
    use keikaku_domain::access::PlanRef;
    use keikaku_domain::evaluation::{can_review, can_see_rounds};
    let Some((org, plan)) = super::ssr::plan(&plan_id).await? else {
        return Ok(Guarded::NotFound);
    };
    let Some(me) = super::signed_in() else {
        return Ok(Guarded::SignInRequired);
    };
    let viewer = super::ssr::viewer();
    let plan_ref = PlanRef {
        organization_id: &org.id,
        status: plan.status,
    };
    if !can_see_rounds(&viewer, plan_ref) {
        return Ok(Guarded::Forbidden);
    }
    let summary = PlanSummary::of(&org, &plan);
    let rounds = match guarded(super::ssr::store()?.rounds(&plan_id, &viewer).await)? {
        Ok(rounds) => rounds,
        Err(_) => return Ok(Guarded::NotFound),
    };
    let years = plan
        .period
        .as_ref()
        .map(|p| {
            (p.start_fiscal_year.0..=p.end_fiscal_year.0)
                .map(FiscalYear)
                .collect()
        })
        .unwrap_or_default();
    let measures = plan
        .measures
        .iter()
        .map(|m| {
            let label = match &m.number {
                Some(n) => format!("{n} {}", m.title),
                None => m.title.clone(),
            };
            (m.id.clone(), label)
        })
        .collect();
    Ok(Guarded::Found(Box::new(RoundsView {
        measures,
        rounds: rounds
            .into_iter()
            .map(|r| RoundHead {
                id: r.id,
                plan_id: r.plan_id,
                plan_title: plan.title.clone(),
                organization_name: org.name.clone(),
                fiscal_year: r.fiscal_year,
                kind: r.kind,
                title: r.title,
                opens_on: r.opens_on,
                deadline: r.deadline,
                state: r.state,
                stale_days: r.stale_days,
                created_at: r.created_at,
            })
            .collect(),
        reviewer: can_review(&viewer, plan_ref),
        csrf_token: me.csrf_token,
        summary,
        years,
    })))
}

#[server(prefix = "/api", endpoint = "v1/pages/round", input = GetUrl)]
pub async fn round_page(round_id: String) -> Result<Guarded<RoundView>, ServerFnError> {
    use keikaku_domain::access::PlanRef;
    use keikaku_domain::evaluation::can_review;
    let Some(me) = super::signed_in() else {
        return Ok(Guarded::SignInRequired);
    };
    let viewer = super::ssr::viewer();
    let store = super::ssr::store()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let lang = super::ssr::request_lang();
    let sheet = match guarded(store.round_sheet_in(&round_id, &viewer, now, lang).await)? {
        Ok(sheet) => sheet,
        Err(_) => return Ok(Guarded::NotFound),
    };
    let Some((org, plan)) = super::ssr::plan(&sheet.head.plan_id).await? else {
        return Ok(Guarded::NotFound);
    };
    let reviewer = can_review(
        &viewer,
        PlanRef {
            organization_id: &org.id,
            status: plan.status,
        },
    );
    let steps = store
        .round_steps(&round_id, &viewer)
        .await
        .map_err(failed)?;
    Ok(Guarded::Found(Box::new(RoundView {
        summary: PlanSummary::of(&org, &plan),
        sheet,
        steps,
        reviewer,
        csrf_token: me.csrf_token,
    })))
}

/// The records of open rounds that wait for the signed-in editor's department (未入力, 入力中,
/// 差戻し), oldest deadline first. Administrators and council members have none.
#[server(prefix = "/api", endpoint = "v1/pages/tasks", input = GetUrl)]
pub async fn my_tasks() -> Result<Vec<Task>, ServerFnError> {
    let Some(me) = super::signed_in() else {
        return Ok(Vec::new());
    };
    let viewer = super::ssr::viewer();
    let store = super::ssr::store()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let _ = me;
    store.tasks_for(&viewer, now).await.map_err(failed)
}
