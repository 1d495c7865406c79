//! `/api/v1` routes of the yearly reporting round: opening a round, the DX office's steps on
//! rounds and records, and reading a round with its records and history. Submitting is not
//! here: staff submit through sync pushes, offline or not. Every step is decided by
//! `keikaku_domain::evaluation` in the store; a refused one is answered by the one
//! `From<StoreError>` (403 who, 400 what, 409 when) and changes nothing.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use keikaku_domain::evaluation::{Grade, NewRound, RecordAction, RoundAction};
use keikaku_store::{AuditEntry, Round};
use keikaku_sync::progress::{Target, Versioned};
use keikaku_sync::round::RoundRecord;
use keikaku_sync::round_sheet::Sheet;
use serde::Deserialize;

use super::error::ApiError;
use super::json::StrictJson;
use super::plans::actor;
use super::session::RequestContext;
use super::AppState;
use crate::auth;
use keikaku_domain::reason::Reason;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans/{plan_id}/rounds", post(open_round).get(list_rounds))
        .route("/rounds/{round_id}", get(get_round))
        .route("/rounds/{round_id}/history", get(round_history))
        .route("/rounds/{round_id}/sheet", get(round_sheet))
        .merge(super::round_files::routes())
        .route("/rounds/{round_id}/steps", post(step_round))
        .route(
            "/rounds/{round_id}/records/{kind}/{target_id}/steps",
            post(step_record),
        )
}

async fn open_round(
    State(state): State<AppState>,
    context: RequestContext,
    Path(plan_id): Path<String>,
    StrictJson(new): StrictJson<NewRound>,
) -> Result<(StatusCode, Json<Round>), ApiError> {
    let user = context.require_user()?;
    let round = state
        .store
        .open_round(
            &plan_id,
            &new,
            &context.viewer,
            &actor(&context),
            auth::now(),
        )
        .await?;
    let sequence = state.store.sync_sequence().await?;
    state.sync_events.announce(&user.organization_id, sequence);
    Ok((StatusCode::CREATED, Json(round)))
}

async fn list_rounds(
    State(state): State<AppState>,
    context: RequestContext,
    Path(plan_id): Path<String>,
) -> Result<Json<Vec<Round>>, ApiError> {
    Ok(Json(state.store.rounds(&plan_id, &context.viewer).await?))
}

async fn get_round(
    State(state): State<AppState>,
    context: RequestContext,
    Path(round_id): Path<String>,
) -> Result<Json<Round>, ApiError> {
    Ok(Json(state.store.round(&round_id, &context.viewer).await?))
}

async fn round_history(
    State(state): State<AppState>,
    context: RequestContext,
    Path(round_id): Path<String>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    let entries = state
        .store
        .round_history(&round_id, &context.viewer)
        .await?;
    Ok(Json(entries))
}

/// The round's sheet: a row per record with what was recorded and both evaluations, and where
/// each record is.
async fn round_sheet(
    State(state): State<AppState>,
    context: RequestContext,
    Path(round_id): Path<String>,
) -> Result<Json<Sheet>, ApiError> {
    let sheet = state
        .store
        .round_sheet(&round_id, &context.viewer, auth::now())
        .await?;
    Ok(Json(sheet))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoundStepRequest {
    action: String,
}

async fn step_round(
    State(state): State<AppState>,
    context: RequestContext,
    Path(round_id): Path<String>,
    StrictJson(request): StrictJson<RoundStepRequest>,
) -> Result<Json<Round>, ApiError> {
    let user = context.require_user()?;
    let action = RoundAction::parse(&request.action).ok_or_else(|| {
        ApiError::bad_request(
            "action",
            Reason::fixed(
                "close・reopen・finalize・publish のいずれかを指定してください。",
                "The action must be one of close, reopen, finalize and publish.",
            ),
        )
    })?;
    let step = state
        .store
        .step_round(
            &round_id,
            action,
            &context.viewer,
            &actor(&context),
            auth::now(),
        )
        .await?;
    state
        .sync_events
        .announce(&user.organization_id, step.sequence);
    Ok(Json(step.round))
}

/// A step on one record: `return` with a `comment`, `approve`, `reopen` with a `reason`, or
/// `evaluate` with a `grade` and a `reason`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordStepRequest {
    action: String,
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    grade: Option<String>,
}

impl RecordStepRequest {
    fn action(self) -> Result<RecordAction, ApiError> {
        let required = |value: Option<String>, field: &str| {
            value.ok_or_else(|| {
                ApiError::bad_text(field, keikaku_domain::limits::TextProblem::Empty)
            })
        };
        Ok(match self.action.as_str() {
            "return" => RecordAction::Return {
                comment: required(self.comment, "comment")?,
            },
            "approve" => RecordAction::Approve,
            "reopen" => RecordAction::Reopen {
                reason: required(self.reason, "reason")?,
            },
            "evaluate" => {
                let grade = required(self.grade, "grade")?;
                RecordAction::Evaluate {
                    grade: Grade::parse(&grade).ok_or_else(|| {
                        ApiError::bad_request(
                            "grade",
                            Reason::fixed(
                                "A・B・C・D のいずれかを指定してください。",
                                "The grade must be one of A, B, C and D.",
                            ),
                        )
                    })?,
                    reason: required(self.reason, "reason")?,
                }
            }
            _ => {
                return Err(ApiError::bad_request(
                    "action",
                    Reason::fixed(
                        "return・approve・reopen・evaluate のいずれかを指定してください。",
                        "The action must be one of return, approve, reopen and evaluate.",
                    ),
                ))
            }
        })
    }
}

async fn step_record(
    State(state): State<AppState>,
    context: RequestContext,
    Path((round_id, kind, target_id)): Path<(String, String, String)>,
    StrictJson(request): StrictJson<RecordStepRequest>,
) -> Result<Json<Versioned<RoundRecord>>, ApiError> {
    let user = context.require_user()?;
    let target = match kind.as_str() {
        "measure" => Target::Measure(target_id),
        "action" => Target::Action(target_id),
        _ => {
            return Err(ApiError::not_found(
                "target",
                Reason::fixed(
                    "この評価にこの施策・取組はありません。",
                    "This round does not cover this measure or action.",
                ),
            ))
        }
    };
    let action = request.action()?;
    let step = state
        .store
        .review_record(
            &round_id,
            &target,
            &action,
            &context.viewer,
            &actor(&context),
            auth::now(),
        )
        .await?;
    state
        .sync_events
        .announce(&user.organization_id, step.sequence);
    Ok(Json(step.round))
}
