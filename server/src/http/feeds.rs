//! Atom feeds of what was made public: per plan (`/plans/{plan}/feed.atom`) and per
//! municipality (`/organizations/{org}/feed.atom`), each version of a plan and each published
//! round. Readers see only plans they may read, so the public never learns of a draft.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use keikaku_domain::views::{paths, PlanSummary};
use keikaku_render::feed::{atom, plan_entries, Entry, Feed, PlanNews};
use keikaku_store::Store;

use super::error::ApiError;
use super::session::RequestContext;
use super::AppState;
use crate::auth;
use keikaku_domain::reason::Reason;

/// The most entries a feed carries.
const MAX_ENTRIES: usize = 50;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans/{plan_id}/feed.atom", get(plan_feed))
        .route("/organizations/{org_id}/feed.atom", get(organization_feed))
}

async fn entries_of(store: &Store, site: &str, plan: &PlanSummary) -> Result<Vec<Entry>, ApiError> {
    let versions = store.plan_versions(&plan.id).await?;
    let rounds = store.published_rounds(&plan.id).await?;
    Ok(plan_entries(
        site,
        &PlanNews {
            plan_id: &plan.id,
            plan_title: &plan.title,
            versions: &versions,
            rounds: &rounds,
        },
    ))
}

fn atom_response(feed: &Feed) -> Response {
    (
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        atom(feed, auth::now()),
    )
        .into_response()
}

async fn plan_feed(
    State(state): State<AppState>,
    context: RequestContext,
    Path(plan_id): Path<String>,
) -> Result<Response, ApiError> {
    let (organization, plan) =
        super::plans::load_readable(&state.store, &context, &plan_id).await?;
    let summary = PlanSummary::of(&organization, &plan);
    let site = &state.site_url;
    let mut entries = entries_of(&state.store, site, &summary).await?;
    entries.truncate(MAX_ENTRIES);
    Ok(atom_response(&Feed {
        id: format!("{site}{}", paths::plan(&plan_id)),
        title: format!("{}（{}）の更新", plan.title, organization.name),
        self_link: format!("{site}{}", paths::plan_feed(&plan_id)),
        page_link: format!("{site}{}", paths::plan(&plan_id)),
        author: organization.name.clone(),
        entries,
    }))
}

async fn organization_feed(
    State(state): State<AppState>,
    context: RequestContext,
    Path(org_id): Path<String>,
) -> Result<Response, ApiError> {
    let plans: Vec<PlanSummary> = state
        .store
        .readable_plan_summaries(&context.viewer)
        .await?
        .into_iter()
        .filter(|p| p.organization_id == org_id)
        .collect();
    let Some(first) = plans.first() else {
        return Err(ApiError::not_found(
            "org_id",
            Reason::fixed(
                "この自治体は見つかりません。",
                "This municipality was not found.",
            ),
        ));
    };
    let name = first.organization_name.clone();
    let site = &state.site_url;
    let mut entries = Vec::new();
    for plan in &plans {
        entries.extend(entries_of(&state.store, site, plan).await?);
    }
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then(a.id.cmp(&b.id)));
    entries.truncate(MAX_ENTRIES);
    Ok(atom_response(&Feed {
        id: format!("{site}/organizations/{org_id}"),
        title: format!("{name}の計画の更新"),
        self_link: format!("{site}{}", paths::organization_feed(&org_id)),
        page_link: format!("{site}/#org-{org_id}"),
        author: name,
        entries,
    }))
}
