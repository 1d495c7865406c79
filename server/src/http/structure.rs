//! How an organization and its plans are organised, changed by administrators:
//! `/organizations/{org}/departments` and, per plan, the departments of a measure, the nodes of
//! the structure tree and the measures placed under each node. Plan changes are audited.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, patch, post, put};
use axum::{Json, Router};
use keikaku_domain::access;
use keikaku_store::{DepartmentUse, MeasureDepartments, NewNode, NodeEdit, Store};
use serde::Deserialize;

use super::error::ApiError;
use super::json::StrictJson;
use super::plans::{actor, authorize, EditResult};
use super::session::RequestContext;
use super::users::require_admin;
use super::AppState;
use crate::auth;
use keikaku_domain::reason::Reason;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/organizations/{organization_id}/departments",
            post(add_department).get(list_departments),
        )
        .route(
            "/organizations/{organization_id}/departments/{name}",
            delete(remove_department),
        )
        .route(
            "/plans/{plan_id}/measures/{measure_id}/departments",
            put(set_measure_departments),
        )
        .route("/plans/{plan_id}/nodes", post(add_node))
        .route(
            "/plans/{plan_id}/nodes/{node_id}",
            patch(edit_node).delete(remove_node),
        )
        .route(
            "/plans/{plan_id}/nodes/{node_id}/measures",
            put(set_node_measures),
        )
}

const DENIAL: Reason = Reason::fixed(
    "この計画の構成を変更する権限がありません。",
    "You are not allowed to change the structure of this plan.",
);

async fn list_departments(
    State(store): State<Store>,
    context: RequestContext,
    Path(organization_id): Path<String>,
) -> Result<Json<Vec<DepartmentUse>>, ApiError> {
    require_admin(&context, &organization_id)?;
    Ok(Json(store.departments(&organization_id).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewDepartment {
    name: String,
    #[serde(default)]
    note: Option<String>,
    /// Its English name and note, as a plan file gives them.
    #[serde(default)]
    en: Option<keikaku_domain::english::DepartmentEn>,
}

async fn add_department(
    State(store): State<Store>,
    context: RequestContext,
    Path(organization_id): Path<String>,
    StrictJson(department): StrictJson<NewDepartment>,
) -> Result<(StatusCode, Json<Vec<DepartmentUse>>), ApiError> {
    require_admin(&context, &organization_id)?;
    store
        .add_department(
            &organization_id,
            &department.name,
            department.note,
            department.en,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(store.departments(&organization_id).await?),
    ))
}

async fn remove_department(
    State(store): State<Store>,
    context: RequestContext,
    Path((organization_id, name)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    require_admin(&context, &organization_id)?;
    // Still in use: 409, the request was well-formed but conflicts with current data.
    store.remove_department(&organization_id, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_measure_departments(
    State(store): State<Store>,
    context: RequestContext,
    Path((plan_id, measure_id)): Path<(String, String)>,
    StrictJson(departments): StrictJson<MeasureDepartments>,
) -> Result<Json<EditResult>, ApiError> {
    authorize(&store, &context, &plan_id, access::can_edit_plan, DENIAL).await?;
    let outcome = store
        .set_measure_departments(
            &plan_id,
            &measure_id,
            departments,
            &actor(&context),
            auth::now(),
            None,
        )
        .await?;
    Ok(Json(outcome.into()))
}

async fn add_node(
    State(store): State<Store>,
    context: RequestContext,
    Path(plan_id): Path<String>,
    StrictJson(node): StrictJson<NewNode>,
) -> Result<(StatusCode, Json<EditResult>), ApiError> {
    authorize(&store, &context, &plan_id, access::can_edit_plan, DENIAL).await?;
    let outcome = store
        .add_node(&plan_id, node, &actor(&context), auth::now())
        .await?;
    Ok((StatusCode::CREATED, Json(outcome.into())))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeTextEdit {
    field: String,
    /// `null` clears an optional field.
    value: Option<String>,
}

async fn edit_node(
    State(store): State<Store>,
    context: RequestContext,
    Path((plan_id, node_id)): Path<(String, String)>,
    StrictJson(edit): StrictJson<NodeTextEdit>,
) -> Result<Json<EditResult>, ApiError> {
    authorize(&store, &context, &plan_id, access::can_edit_plan, DENIAL).await?;
    if !keikaku_store::NODE_TEXT_FIELDS.contains(&edit.field.as_str()) {
        return Err(ApiError::bad_request(
            "field",
            Reason::technical(format!(
                "must be one of {}",
                keikaku_store::NODE_TEXT_FIELDS.join(", ")
            )),
        ));
    }
    let change = NodeEdit {
        plan_id: &plan_id,
        node_id: &node_id,
        field: &edit.field,
        value: edit.value,
        restored_from: None,
    };
    let outcome = store
        .edit_node(change, &actor(&context), auth::now())
        .await?;
    Ok(Json(outcome.into()))
}

async fn remove_node(
    State(store): State<Store>,
    context: RequestContext,
    Path((plan_id, node_id)): Path<(String, String)>,
) -> Result<Json<EditResult>, ApiError> {
    authorize(&store, &context, &plan_id, access::can_edit_plan, DENIAL).await?;
    let outcome = store
        .remove_node(&plan_id, &node_id, &actor(&context), auth::now())
        .await?;
    Ok(Json(outcome.into()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Placements {
    measures: Vec<String>,
}

async fn set_node_measures(
    State(store): State<Store>,
    context: RequestContext,
    Path((plan_id, node_id)): Path<(String, String)>,
    StrictJson(placements): StrictJson<Placements>,
) -> Result<Json<EditResult>, ApiError> {
    authorize(&store, &context, &plan_id, access::can_edit_plan, DENIAL).await?;
    let outcome = store
        .set_node_measures(
            &plan_id,
            &node_id,
            placements.measures,
            &actor(&context),
            auth::now(),
            None,
        )
        .await?;
    Ok(Json(outcome.into()))
}
