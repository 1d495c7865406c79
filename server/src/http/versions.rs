//! Versions of a plan (改定) over the API: the list, any version as a plan file, the
//! comparison of two versions, and the administrators' draft revision (start from the current
//! version or a revised plan file, edit, name, publish, discard). A draft is read by members of
//! the plan's organization only; to anyone else it does not exist.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use keikaku_domain::access::PlanRef;
use keikaku_domain::format::PlanFile;
use keikaku_domain::import::parse_plan_file;
use keikaku_domain::revision::diff::{diff_plans, Count, ItemDiff};
use keikaku_domain::revision::edit::Edit;
use keikaku_domain::revision::{
    can_manage_revisions, can_read_version, VersionInfo, VersionNumber,
};
use keikaku_store::{AuditEntry, RevisionSource, Store, VersionName};
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::json::StrictJson;
use super::plans::{actor, authorize, readable_plan};
use super::session::RequestContext;
use super::AppState;
use crate::auth;
use keikaku_domain::reason::Reason;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans/{plan_id}/versions", get(list))
        .route("/plans/{plan_id}/versions/{number}", get(export))
        .route(
            "/plans/{plan_id}/versions/{number}/print.css",
            get(print_style),
        )
        .route("/plans/{plan_id}/compare", get(compare))
        .route(
            "/plans/{plan_id}/revision",
            post(start).patch(edit).delete(discard),
        )
        .route("/plans/{plan_id}/revision/file", put(import_file))
        .route("/plans/{plan_id}/revision/label", put(label))
        .route("/plans/{plan_id}/revision/publish", post(publish))
        .route("/plans/{plan_id}/revision/changes", get(changes))
}

/// `/plans/{plan}/v/{n}/measures/{measure}`: a measure of a version is its place in that
/// version's document.
pub async fn version_measure(
    Path((plan_id, number, measure_id)): Path<(String, String, String)>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use keikaku_domain::limits::is_valid_id;
    match VersionNumber::parse(&number) {
        Some(number) if is_valid_id(&plan_id) && is_valid_id(&measure_id) => {
            let location = format!(
                "{}#{}",
                keikaku_domain::views::paths::version(&plan_id, number.0),
                keikaku_domain::document::anchors::measure(&measure_id)
            );
            axum::response::Redirect::permanent(&location).into_response()
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

const DENIAL: Reason = Reason::fixed(
    "この計画の改定を扱う権限がありません。",
    "You are not allowed to handle revisions of this plan.",
);

async fn manage(store: &Store, context: &RequestContext, plan_id: &str) -> Result<(), ApiError> {
    authorize(store, context, plan_id, can_manage_revisions, DENIAL).await?;
    Ok(())
}

fn parse_number(field: &str, text: &str) -> Result<VersionNumber, ApiError> {
    VersionNumber::parse(text).ok_or_else(|| {
        ApiError::bad_request(
            field,
            Reason::fixed(
                "版の番号は1以上の整数で指定してください。",
                "A version number is a whole number of at least 1.",
            ),
        )
    })
}

/// Version `number` with its content, if the caller may read it; else 404 naming `field`.
async fn readable_version(
    store: &Store,
    context: &RequestContext,
    plan_id: &str,
    field: &str,
    number: VersionNumber,
) -> Result<(VersionInfo, PlanFile), ApiError> {
    let (org, status) = readable_plan(store, context, plan_id).await?;
    let plan_ref = PlanRef {
        organization_id: &org,
        status,
    };
    match store.plan_version(plan_id, number).await? {
        Some((info, file)) if can_read_version(&context.viewer, plan_ref, info.state) => {
            Ok((info, file))
        }
        _ => Err(ApiError::not_found(
            field,
            Reason::fixed("この版は見つかりません。", "This version was not found."),
        )),
    }
}

async fn list(
    State(store): State<Store>,
    context: RequestContext,
    Path(plan_id): Path<String>,
) -> Result<Json<Vec<VersionInfo>>, ApiError> {
    let (org, status) = readable_plan(&store, &context, &plan_id).await?;
    let plan_ref = PlanRef {
        organization_id: &org,
        status,
    };
    let versions = store.plan_versions(&plan_id).await?;
    Ok(Json(
        versions
            .into_iter()
            .filter(|v| can_read_version(&context.viewer, plan_ref, v.state))
            .collect(),
    ))
}

async fn export(
    State(store): State<Store>,
    context: RequestContext,
    Path((plan_id, number)): Path<(String, String)>,
) -> Result<Json<PlanFile>, ApiError> {
    let number = parse_number("number", &number)?;
    let (_, file) = readable_version(&store, &context, &plan_id, "number", number).await?;
    Ok(Json(file))
}

/// The running head of a printed document: the plan and the version, on every page.
async fn print_style(
    State(store): State<Store>,
    context: RequestContext,
    Path((plan_id, number)): Path<(String, String)>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let number = parse_number("number", &number)?;
    let (info, file) = readable_version(&store, &context, &plan_id, "number", number).await?;
    let head = super::round_files::css_string(&format!("{}　{}", file.plan.title, info.title()));
    let style = format!("@page {{ @top-left {{ content: {head}; font-size: 9pt; }} }}\n");
    Ok((
        [(axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8")],
        style,
    )
        .into_response())
}

#[derive(Deserialize)]
struct CompareQuery {
    from: Option<String>,
    to: Option<String>,
}

#[derive(Serialize)]
struct Comparison {
    from: VersionInfo,
    to: VersionInfo,
    summary: String,
    counts: Vec<Count>,
    items: Vec<ItemDiff>,
}

async fn compare(
    State(store): State<Store>,
    context: RequestContext,
    Path(plan_id): Path<String>,
    Query(query): Query<CompareQuery>,
) -> Result<Json<Comparison>, ApiError> {
    let number = |field: &'static str, value: Option<String>| {
        value
            .ok_or_else(|| {
                ApiError::bad_request(
                    field,
                    Reason::fixed(
                        "比べる版を指定してください。",
                        "Please choose the versions to compare.",
                    ),
                )
            })
            .and_then(|v| parse_number(field, &v))
    };
    let (from, to) = (number("from", query.from)?, number("to", query.to)?);
    let (from, old) = readable_version(&store, &context, &plan_id, "from", from).await?;
    let (to, new) = readable_version(&store, &context, &plan_id, "to", to).await?;
    let diff = diff_plans(&old.plan, &new.plan);
    Ok(Json(Comparison {
        from,
        to,
        summary: diff.summary(),
        counts: diff.counts(),
        items: diff.items,
    }))
}

/// A version's label and date, as a body or a query.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Naming {
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    issued: Option<String>,
}

impl From<Naming> for VersionName {
    fn from(naming: Naming) -> VersionName {
        VersionName {
            label: naming.label,
            issued: naming.issued,
        }
    }
}

async fn start(
    State(store): State<Store>,
    context: RequestContext,
    Path(plan_id): Path<String>,
    StrictJson(naming): StrictJson<Naming>,
) -> Result<(StatusCode, Json<VersionInfo>), ApiError> {
    manage(&store, &context, &plan_id).await?;
    let info = store
        .start_revision(
            &plan_id,
            RevisionSource::Current,
            naming.into(),
            &actor(&context),
            auth::now(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(info)))
}

/// A revised plan file (the body, as `server import --revision` reads it) becomes the draft.
async fn import_file(
    State(store): State<Store>,
    context: RequestContext,
    Path(plan_id): Path<String>,
    Query(naming): Query<Naming>,
    body: Bytes,
) -> Result<Json<VersionInfo>, ApiError> {
    manage(&store, &context, &plan_id).await?;
    let file = parse_plan_file("file", &body).map_err(|e| {
        let mut lines: Vec<String> = e.problems.iter().take(5).map(|p| p.to_string()).collect();
        if e.problems.len() > 5 {
            lines.push(format!("ほか{}件", e.problems.len() - 5));
        }
        ApiError::bad_request(
            "file",
            Reason::new(
                format!("計画ファイルとして読めません：{}", lines.join(" / ")),
                format!("This cannot be read as a plan file: {}", lines.join(" / ")),
            ),
        )
    })?;
    let source = RevisionSource::File(Box::new(file));
    let info = store
        .start_revision(
            &plan_id,
            source,
            naming.into(),
            &actor(&context),
            auth::now(),
        )
        .await?;
    Ok(Json(info))
}

#[derive(Serialize)]
struct Draft {
    version: VersionInfo,
    file: PlanFile,
}

async fn edit(
    State(store): State<Store>,
    context: RequestContext,
    Path(plan_id): Path<String>,
    StrictJson(edit): StrictJson<Edit>,
) -> Result<Json<Draft>, ApiError> {
    manage(&store, &context, &plan_id).await?;
    let (version, file) = store
        .edit_revision(&plan_id, &edit, &actor(&context), auth::now())
        .await?;
    Ok(Json(Draft { version, file }))
}

async fn label(
    State(store): State<Store>,
    context: RequestContext,
    Path(plan_id): Path<String>,
    StrictJson(naming): StrictJson<Naming>,
) -> Result<Json<VersionInfo>, ApiError> {
    manage(&store, &context, &plan_id).await?;
    let info = store
        .label_revision(&plan_id, naming.into(), &actor(&context), auth::now())
        .await?;
    Ok(Json(info))
}

async fn publish(
    State(store): State<Store>,
    context: RequestContext,
    Path(plan_id): Path<String>,
) -> Result<Json<VersionInfo>, ApiError> {
    manage(&store, &context, &plan_id).await?;
    let info = store
        .publish_revision(&plan_id, &actor(&context), auth::now())
        .await?;
    Ok(Json(info))
}

async fn discard(
    State(store): State<Store>,
    context: RequestContext,
    Path(plan_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    manage(&store, &context, &plan_id).await?;
    store
        .discard_revision(&plan_id, &actor(&context), auth::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn changes(
    State(store): State<Store>,
    context: RequestContext,
    Path(plan_id): Path<String>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    manage(&store, &context, &plan_id).await?;
    Ok(Json(store.changes_since_revision(&plan_id).await?))
}
