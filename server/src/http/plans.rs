//! Changing plans: measure text, plan status, history and restore. Every handler checks the
//! access rules of `keikaku_domain::access`; a plan the caller may not read is "not found",
//! one they may read but not change is "forbidden".

use axum::extract::{Path, State};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use keikaku_domain::access::{self, PlanRef};
use keikaku_domain::format::{Organization, Plan, PlanStatus};
use keikaku_store::{
    Actor, AuditEntry, EditOutcome, MeasureEdit, Missing, Store, StoreError, MEASURE_TEXT_FIELDS,
};
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::json::StrictJson;
use super::session::RequestContext;
use super::AppState;
use crate::auth;
use keikaku_domain::reason::Reason;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans/{plan_id}/status", patch(set_status))
        .route(
            "/plans/{plan_id}/measures/{measure_id}",
            patch(edit_measure),
        )
        .route(
            "/plans/{plan_id}/measures/{measure_id}/history",
            get(measure_history),
        )
        .route("/audit/{entry_id}/restore", post(restore))
        .route("/audit/{entry_id}/restore/form", post(restore_form))
}

pub(super) fn actor(context: &RequestContext) -> Actor {
    Actor {
        user_id: context.user.as_ref().map(|u| u.id),
        login: context.user.as_ref().map(|u| u.login.clone()),
        client: context.user_agent.clone(),
        address: context.address.clone(),
    }
}

/// The plan and its organization, if the caller may read it: a plan they may not read is
/// [`Missing::Plan`], exactly like one that does not exist.
pub(super) async fn load_readable(
    store: &Store,
    context: &RequestContext,
    plan_id: &str,
) -> Result<(Organization, Plan), ApiError> {
    Ok(store
        .load_readable_plan(&context.viewer, plan_id)
        .await?
        .ok_or(StoreError::NotFound(Missing::Plan))?)
}

/// The plan's owner and status, if the caller may read it (see [`load_readable`]).
pub(super) async fn readable_plan(
    store: &Store,
    context: &RequestContext,
    plan_id: &str,
) -> Result<(String, PlanStatus), ApiError> {
    let (org, plan) = load_readable(store, context, plan_id).await?;
    Ok((org.id, plan.status))
}

/// Why a request to change the plan is refused to someone who may not edit it.
const EDIT_DENIAL: Reason = Reason::fixed(
    "この計画を編集する権限がありません。",
    "You are not allowed to edit this plan.",
);

/// Lets the request through if the caller may read the plan and `rule` allows them; a plan
/// they may not read is "not found", one they may read but not change "forbidden". Returns
/// the plan's owner and status.
pub(super) async fn authorize(
    store: &Store,
    context: &RequestContext,
    plan_id: &str,
    rule: fn(&keikaku_domain::access::Viewer, PlanRef) -> bool,
    denial: Reason,
) -> Result<(String, PlanStatus), ApiError> {
    let (owner, status) = readable_plan(store, context, plan_id).await?;
    let plan = PlanRef {
        organization_id: &owner,
        status,
    };
    if rule(&context.viewer, plan) {
        Ok((owner, status))
    } else {
        Err(ApiError::forbidden(None, denial))
    }
}

#[derive(Serialize)]
pub(super) struct EditResult {
    changed: bool,
    entry: Option<AuditEntry>,
}

impl From<EditOutcome> for EditResult {
    fn from(outcome: EditOutcome) -> Self {
        match outcome {
            EditOutcome::Unchanged => EditResult {
                changed: false,
                entry: None,
            },
            EditOutcome::Changed(entry) => EditResult {
                changed: true,
                entry: Some(*entry),
            },
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeasureTextEdit {
    field: String,
    /// `null` clears an optional field.
    value: Option<String>,
}

async fn edit_measure(
    State(store): State<Store>,
    context: RequestContext,
    Path((plan_id, measure_id)): Path<(String, String)>,
    StrictJson(edit): StrictJson<MeasureTextEdit>,
) -> Result<Json<EditResult>, ApiError> {
    authorize(
        &store,
        &context,
        &plan_id,
        access::can_edit_plan,
        EDIT_DENIAL,
    )
    .await?;
    if !MEASURE_TEXT_FIELDS.contains(&edit.field.as_str()) {
        return Err(ApiError::bad_request(
            "field",
            Reason::technical(format!("must be one of {}", MEASURE_TEXT_FIELDS.join(", "))),
        ));
    }
    let change = MeasureEdit {
        plan_id: &plan_id,
        measure_id: &measure_id,
        field: &edit.field,
        value: edit.value,
        restored_from: None,
    };
    let outcome = store
        .edit_measure_text(change, &actor(&context), auth::now())
        .await?;
    Ok(Json(outcome.into()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusChange {
    status: PlanStatus,
}

async fn set_status(
    State(store): State<Store>,
    context: RequestContext,
    Path(plan_id): Path<String>,
    StrictJson(change): StrictJson<StatusChange>,
) -> Result<Json<EditResult>, ApiError> {
    authorize(
        &store,
        &context,
        &plan_id,
        access::can_edit_plan,
        EDIT_DENIAL,
    )
    .await?;
    let outcome = store
        .set_plan_status(&plan_id, change.status, &actor(&context), auth::now())
        .await?;
    Ok(Json(outcome.into()))
}

async fn measure_history(
    State(store): State<Store>,
    context: RequestContext,
    Path((plan_id, measure_id)): Path<(String, String)>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    let (owner, status) = authorize(
        &store,
        &context,
        &plan_id,
        access::can_read_history,
        Reason::fixed(
            "変更履歴を見る権限がありません。",
            "You are not allowed to see the history of changes.",
        ),
    )
    .await?;
    let entries = store.measure_history(&plan_id, &measure_id).await?;
    let plan = PlanRef {
        organization_id: &owner,
        status,
    };
    if access::can_see_audit_origin(&context.viewer, plan) {
        Ok(Json(entries))
    } else {
        Ok(Json(
            entries
                .into_iter()
                .map(AuditEntry::without_origin)
                .collect(),
        ))
    }
}

async fn restore(
    State(store): State<Store>,
    context: RequestContext,
    Path(entry_id): Path<i64>,
) -> Result<Json<EditResult>, ApiError> {
    // Entry ids are sequential: an entry of a plan the caller may not read is answered exactly
    // like one that does not exist, naming no plan.
    let missing = || ApiError::from(StoreError::NotFound(Missing::AuditEntry));
    let entry = store.audit_entry(entry_id).await?.ok_or_else(missing)?;
    let (org, plan) = store
        .load_readable_plan(&context.viewer, &entry.plan_id)
        .await?
        .ok_or_else(missing)?;
    let plan = PlanRef {
        organization_id: &org.id,
        status: plan.status,
    };
    if !access::can_restore(&context.viewer, plan) {
        return Err(ApiError::forbidden(
            None,
            Reason::fixed(
                "変更を元に戻す権限がありません。",
                "You are not allowed to undo changes.",
            ),
        ));
    }
    let outcome = store
        .restore(entry_id, &actor(&context), auth::now())
        .await?;
    Ok(Json(outcome.into()))
}

#[derive(Deserialize)]
struct RestoreForm {
    csrf: String,
    next: String,
}

/// The history page's restore button (a plain form; the CSRF token comes as a field).
async fn restore_form(
    State(store): State<Store>,
    context: RequestContext,
    Path(entry_id): Path<i64>,
    axum::Form(form): axum::Form<RestoreForm>,
) -> Result<axum::response::Response, ApiError> {
    context.check_form_token(&form.csrf)?;
    let _restored = restore(State(store), context.clone(), Path(entry_id)).await?;
    // Back to the history page it came from, and nowhere else.
    let next = match super::redirect::safe_next(&form.next) {
        next if next.starts_with("/plans/") => next,
        _ => "/",
    };
    Ok(super::redirect::see_other(next))
}
