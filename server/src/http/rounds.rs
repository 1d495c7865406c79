//! `/api/v1` routes of the yearly reporting round: opening a round, the DX office's steps on
//! rounds and records, and reading a round with its records and history. Submitting is not
//! here: staff submit through sync pushes, offline or not. Every step is decided by
//! `keikaku_domain::evaluation` in the store; a refused one is answered by the one
//! `From<StoreError>` (403 who, 400 what, 409 when) and changes nothing.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
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

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans/{plan_id}/rounds", post(open_round).get(list_rounds))
        .route("/rounds/{round_id}", get(get_round))
        .route("/rounds/{round_id}/history", get(round_history))
        .route("/rounds/{round_id}/sheet", get(round_sheet))
        .route("/rounds/{round_id}/print.css", get(print_style))
        .route("/rounds/{round_id}/sheet.csv", get(sheet_csv))
        .route("/rounds/{round_id}/sheet.xlsx", get(sheet_xlsx))
        .route("/rounds/{round_id}/report.pdf", get(report_pdf))
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

/// A download: its type and a file name (RFC 6266, with the UTF-8 name for Japanese titles and
/// an ASCII one for old clients).
fn download(content_type: &'static str, name: &str, ascii_name: &str, body: Vec<u8>) -> Response {
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}");
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type.to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

/// `{plan}_{round}` for file names.
fn file_stem(sheet: &Sheet) -> String {
    format!("{}_{}", sheet.head.plan_title, sheet.head.title)
}

/// The round's records as CSV (UTF-8 with a BOM, for Excel).
async fn sheet_csv(
    State(state): State<AppState>,
    context: RequestContext,
    Path(round_id): Path<String>,
) -> Result<Response, ApiError> {
    let sheet = state
        .store
        .round_sheet(&round_id, &context.viewer, auth::now())
        .await?;
    let body = keikaku_export::csv::sheet_csv(&sheet).map_err(ApiError::internal)?;
    let name = format!("{}.csv", file_stem(&sheet));
    Ok(download(
        "text/csv; charset=utf-8",
        &name,
        &format!("{round_id}.csv"),
        body,
    ))
}

/// The round's records as an Excel workbook.
async fn sheet_xlsx(
    State(state): State<AppState>,
    context: RequestContext,
    Path(round_id): Path<String>,
) -> Result<Response, ApiError> {
    let sheet = state
        .store
        .round_sheet(&round_id, &context.viewer, auth::now())
        .await?;
    let body = keikaku_export::xlsx::sheet_xlsx(&sheet).map_err(ApiError::internal)?;
    let name = format!("{}.xlsx", file_stem(&sheet));
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &name,
        &format!("{round_id}.xlsx"),
        body,
    ))
}

/// The evaluation report as PDF, with the Japanese font embedded as a subset. Written on a
/// blocking thread: a large round takes a good part of a second of CPU.
async fn report_pdf(
    State(state): State<AppState>,
    context: RequestContext,
    Path(round_id): Path<String>,
) -> Result<Response, ApiError> {
    let sheet = state
        .store
        .round_sheet(&round_id, &context.viewer, auth::now())
        .await?;
    let fonts = crate::pdf_fonts::fonts().await.map_err(|e| {
        tracing::error!("report fonts: {e}");
        ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            None,
            "PDFに使う日本語フォントがサーバーにありません。管理者に連絡してください。",
        )
    })?;
    let name = format!("{}_評価結果報告書.pdf", file_stem(&sheet));
    let body = tokio::task::spawn_blocking(move || keikaku_export::pdf::report_pdf(&sheet, &fonts))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    Ok(download(
        "application/pdf",
        &name,
        &format!("{round_id}.pdf"),
        body,
    ))
}

/// A CSS string literal of `text`: quotes, backslashes and line breaks escaped.
fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The report's print style: a running head with the plan and the round on every A4 page. A
/// style sheet of its own because the content security policy allows no inline styles.
async fn print_style(
    State(state): State<AppState>,
    context: RequestContext,
    Path(round_id): Path<String>,
) -> Result<([(axum::http::HeaderName, &'static str); 1], String), ApiError> {
    let round = state.store.round(&round_id, &context.viewer).await?;
    let plan_title = state
        .store
        .load_plan(&round.plan_id)
        .await?
        .map(|(_, plan)| plan.title)
        .unwrap_or_default();
    let head = css_string(&format!("{plan_title}　{}", round.title));
    Ok((
        [(axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8")],
        format!("@page {{ @top-left {{ content: {head}; font-size: 9pt; }} }}\n"),
    ))
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
            "close・reopen・finalize・publish のいずれかを指定してください。",
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
            value.ok_or_else(|| ApiError::bad_request(field, "入力してください。"))
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
                        ApiError::bad_request("grade", "A・B・C・D のいずれかを指定してください。")
                    })?,
                    reason: required(self.reason, "reason")?,
                }
            }
            _ => {
                return Err(ApiError::bad_request(
                    "action",
                    "return・approve・reopen・evaluate のいずれかを指定してください。",
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
                "この評価にこの施策・取組はありません。",
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
