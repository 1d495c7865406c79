//! 「説明中の箇所」: during a committee meeting the presenting official (an administrator or
//! editor of the plan's organization) points the council to a part of the plan's document;
//! every member of the organization with the document open hears of it at once, over
//! server-sent events, and goes there only if they choose.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, put};
use axum::{Json, Router};
use keikaku_domain::access::PlanRef;
use keikaku_domain::document::{can_follow_presentation, can_present, Pointer};
use serde::Deserialize;

use super::error::ApiError;
use super::events::{open_stream, Stream};
use super::json::StrictJson;
use super::plans::{authorize, readable_plan};
use super::session::RequestContext;
use super::AppState;
use crate::auth;
use keikaku_domain::reason::Reason;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/plans/{plan_id}/presenting",
            put(point).delete(stop).get(current),
        )
        .route("/plans/{plan_id}/presenting/events", get(events))
}

const DENIAL: Reason = Reason::fixed(
    "説明中の箇所を案内できるのは、この計画を持つ自治体の管理者と職員だけです。",
    "Only administrators and staff of the municipality that owns this plan can point to the passage being explained.",
);
const NOT_MEMBER: Reason = Reason::fixed(
    "説明中の箇所は、この計画を持つ自治体の利用者だけが見られます。",
    "Only users of the municipality that owns this plan can see the passage being explained.",
);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PointBody {
    anchor: String,
    label: String,
    #[serde(default)]
    version: Option<u32>,
}

async fn point(
    State(state): State<AppState>,
    context: RequestContext,
    Path(plan_id): Path<String>,
    StrictJson(body): StrictJson<PointBody>,
) -> Result<Json<Pointer>, ApiError> {
    authorize(&state.store, &context, &plan_id, can_present, DENIAL).await?;
    Pointer::check(&body.anchor, &body.label)
        .map_err(|(field, reason)| ApiError::bad_request(field, reason))?;
    let user = context.require_user()?;
    let pointer = Pointer {
        anchor: body.anchor,
        label: body.label.trim().to_owned(),
        version: body.version,
        by: user.display_name.clone(),
        at: auth::now(),
    };
    state.sync_events.present(&plan_id, Some(pointer.clone()));
    Ok(Json(pointer))
}

async fn stop(
    State(state): State<AppState>,
    context: RequestContext,
    Path(plan_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    authorize(&state.store, &context, &plan_id, can_present, DENIAL).await?;
    state.sync_events.present(&plan_id, None);
    Ok(StatusCode::NO_CONTENT)
}

/// Members only; anyone else who may read the plan is refused (403).
async fn member(state: &AppState, context: &RequestContext, plan_id: &str) -> Result<(), ApiError> {
    let (organization_id, status) = readable_plan(&state.store, context, plan_id).await?;
    let plan = PlanRef {
        organization_id: &organization_id,
        status,
    };
    if context.user.is_none() {
        return Err(ApiError::sign_in_needed());
    }
    if !can_follow_presentation(&context.viewer, plan) {
        return Err(ApiError::forbidden(None, NOT_MEMBER));
    }
    Ok(())
}

async fn current(
    State(state): State<AppState>,
    context: RequestContext,
    Path(plan_id): Path<String>,
) -> Result<Json<Option<Pointer>>, ApiError> {
    member(&state, &context, &plan_id).await?;
    Ok(Json(state.sync_events.presented(&plan_id)))
}

async fn events(
    State(state): State<AppState>,
    context: RequestContext,
    Path(plan_id): Path<String>,
) -> Result<Response, ApiError> {
    member(&state, &context, &plan_id).await?;
    open_stream(&state, &context, Stream::Presenting { plan_id })
}
