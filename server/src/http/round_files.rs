//! A round's files, for the members of its organization: the 進捗管理シート as CSV and XLSX, the
//! report as PDF, and the report page's print style (its running head).

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::error::ApiError;
use super::session::RequestContext;
use super::AppState;
use crate::auth;
use keikaku_domain::reason::Reason;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rounds/{round_id}/print.css", get(print_style))
        .route("/rounds/{round_id}/sheet.csv", get(sheet_csv))
        .route("/rounds/{round_id}/sheet.xlsx", get(sheet_xlsx))
        .route("/rounds/{round_id}/report.pdf", get(report_pdf))
}

/// What a file is.
#[derive(Clone, Copy)]
enum Kind {
    Csv,
    Xlsx,
    Pdf,
}

impl Kind {
    fn content_type(self) -> &'static str {
        match self {
            Kind::Csv => "text/csv; charset=utf-8",
            Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Kind::Pdf => "application/pdf",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Kind::Csv => "csv",
            Kind::Xlsx => "xlsx",
            Kind::Pdf => "pdf",
        }
    }
}

/// An attachment named `name` (RFC 6266: the UTF-8 name for Japanese titles, and an ASCII one
/// for old clients).
fn download(kind: Kind, name: &str, ascii_name: &str, body: Vec<u8>) -> Response {
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
            (header::CONTENT_TYPE, kind.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

/// A CSV attachment named `name` (`ascii_name` for old clients).
pub(super) fn download_csv(name: &str, ascii_name: &str, body: Vec<u8>) -> Response {
    download(Kind::Csv, name, ascii_name, body)
}

/// Writes the round's file of `kind`. The PDF is written on a blocking thread: a large round
/// takes a good part of a second of CPU.
async fn sheet_file(
    state: AppState,
    context: RequestContext,
    round_id: String,
    kind: Kind,
) -> Result<Response, ApiError> {
    let sheet = state
        .store
        .round_sheet(&round_id, &context.viewer, auth::now())
        .await?;
    let stem = format!("{}_{}", sheet.head.plan_title, sheet.head.title);
    let (name, body) = match kind {
        Kind::Csv => (stem, keikaku_export::csv::sheet_csv(&sheet)),
        Kind::Xlsx => (stem, keikaku_export::xlsx::sheet_xlsx(&sheet)),
        Kind::Pdf => {
            let fonts = crate::pdf_fonts::fonts().await.map_err(|e| {
                tracing::error!("report fonts: {e}");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    None,
                    Reason::fixed(
                        "PDFに使う日本語フォントがサーバーにありません。管理者に連絡してください。",
                        "The server lacks the Japanese font PDFs need. Please contact the administrator.",
                    ),
                )
            })?;
            let written = tokio::task::spawn_blocking(move || {
                keikaku_export::pdf::report_pdf(&sheet, &fonts)
            })
            .await
            .map_err(ApiError::internal)?;
            (format!("{stem}_評価結果報告書"), written)
        }
    };
    let body = body.map_err(ApiError::internal)?;
    let extension = kind.extension();
    Ok(download(
        kind,
        &format!("{name}.{extension}"),
        &format!("{round_id}.{extension}"),
        body,
    ))
}

async fn sheet_csv(
    State(state): State<AppState>,
    context: RequestContext,
    Path(round_id): Path<String>,
) -> Result<Response, ApiError> {
    sheet_file(state, context, round_id, Kind::Csv).await
}

async fn sheet_xlsx(
    State(state): State<AppState>,
    context: RequestContext,
    Path(round_id): Path<String>,
) -> Result<Response, ApiError> {
    sheet_file(state, context, round_id, Kind::Xlsx).await
}

async fn report_pdf(
    State(state): State<AppState>,
    context: RequestContext,
    Path(round_id): Path<String>,
) -> Result<Response, ApiError> {
    sheet_file(state, context, round_id, Kind::Pdf).await
}

/// A CSS string literal of `text`: quotes and backslashes escaped, control characters blanked.
pub(super) fn css_string(text: &str) -> String {
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
) -> Result<Response, ApiError> {
    let round = state.store.round(&round_id, &context.viewer).await?;
    let plan_title = state
        .store
        .load_plan(&round.plan_id)
        .await?
        .map(|(_, plan)| plan.title)
        .unwrap_or_default();
    let head = css_string(&format!("{plan_title}　{}", round.title));
    let style = format!("@page {{ @top-left {{ content: {head}; font-size: 9pt; }} }}\n");
    Ok(([(header::CONTENT_TYPE, "text/css; charset=utf-8")], style).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_strings_cannot_break_out_of_their_quotes() {
        assert_eq!(css_string(r#"計画"}body{x"#), r#""計画\"}body{x""#);
        assert_eq!(css_string("a\\b\nc"), r#""a\\b c""#);
    }
}
