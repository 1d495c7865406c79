//! `/api/v1`: the JSON API. Plans are exported in the same `keikaku-plan/1` format the import
//! reads, so a plan can be moved between servers or edited and re-imported.

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use keikaku_domain::format::{PlanFile, FORMAT_TAG};
use keikaku_domain::views::{PlanSummary, SearchView};
use keikaku_store::Store;
use serde::Deserialize;

use super::error::ApiError;
use super::session::RequestContext;
use super::AppState;
use keikaku_domain::reason::Reason;

/// Most hits one search request returns.
const MAX_SEARCH_LIMIT: usize = 500;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/plans", get(list_plans))
        .route("/plans/{plan_id}", get(export_plan))
        .route("/search", get(search))
        .fallback(|| async {
            ApiError {
                status: axum::http::StatusCode::NOT_FOUND,
                field: None,
                reason: Reason::technical("no such API endpoint"),
            }
        })
}

async fn health(
    State(store): State<Store>,
    context: RequestContext,
) -> Result<Json<serde_json::Value>, ApiError> {
    let plans = store.readable_plan_summaries(&context.viewer).await?.len();
    Ok(Json(serde_json::json!({ "status": "ok", "plans": plans })))
}

async fn list_plans(
    State(store): State<Store>,
    context: RequestContext,
) -> Result<Json<Vec<PlanSummary>>, ApiError> {
    Ok(Json(store.readable_plan_summaries(&context.viewer).await?))
}

async fn export_plan(
    State(store): State<Store>,
    context: RequestContext,
    Path(plan_id): Path<String>,
) -> Result<Json<PlanFile>, ApiError> {
    let (organization, plan) = super::plans::load_readable(&store, &context, &plan_id).await?;
    Ok(Json(PlanFile {
        format: FORMAT_TAG.to_owned(),
        organization,
        plan,
    }))
}

#[derive(Deserialize)]
struct SearchParams {
    q: Option<String>,
    limit: Option<String>,
}

async fn search(
    State(store): State<Store>,
    context: RequestContext,
    Query(params): Query<SearchParams>,
) -> Result<Json<SearchView>, ApiError> {
    let query = params.q.unwrap_or_default();
    if query.trim().is_empty() {
        return Err(ApiError::bad_request(
            "q",
            Reason::fixed("検索語を入力してください。", "A search query is required."),
        ));
    }
    if query.chars().count() > 200 {
        return Err(ApiError::bad_request(
            "q",
            Reason::fixed(
                "検索語は200文字以内にしてください。",
                "The query must be at most 200 characters.",
            ),
        ));
    }
    let limit = match params.limit {
        None => 100,
        Some(text) => match text.parse::<usize>() {
            Ok(n) if (1..=MAX_SEARCH_LIMIT).contains(&n) => n,
            _ => {
                return Err(ApiError::bad_request(
                    "limit",
                    Reason::technical(format!(
                        "must be a whole number from 1 to {MAX_SEARCH_LIMIT}"
                    )),
                ))
            }
        },
    };
    let readable: Vec<String> = store
        .readable_plan_summaries(&context.viewer)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let (hits, truncated) = store.search(&query, &readable, limit).await?;
    Ok(Json(SearchView {
        query,
        hits,
        truncated,
    }))
}
