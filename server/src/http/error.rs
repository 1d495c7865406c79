//! The one error type of the JSON API: every failure is a status code and a JSON body that names
//! the field at fault (when there is one) and the reason. Storage errors become answers in one
//! place, [`From<StoreError>`], so `?` is always the right answer.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use keikaku_domain::evaluation::Refusal;
use keikaku_store::{Missing, StoreError};
use serde::Serialize;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub field: Option<String>,
    pub reason: String,
}

#[derive(Serialize)]
struct Body<'a> {
    error: ErrorBody<'a>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    reason: &'a str,
}

impl ApiError {
    pub fn new(status: StatusCode, field: Option<&str>, reason: impl Into<String>) -> ApiError {
        ApiError {
            status,
            field: field.map(str::to_owned),
            reason: reason.into(),
        }
    }

    pub fn not_found(field: &str, reason: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, Some(field), reason)
    }

    pub fn bad_request(field: &str, reason: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, Some(field), reason)
    }

    pub fn unauthorized(reason: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, None, reason)
    }

    pub fn forbidden(field: Option<&str>, reason: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, field, reason)
    }

    pub fn internal(e: impl std::fmt::Display) -> ApiError {
        tracing::error!("internal error: {e}");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, None, "internal error")
    }
}

/// The path parameter that names a missing thing, and the reason users read.
fn missing(what: Missing) -> (&'static str, &'static str) {
    match what {
        Missing::Plan => ("plan_id", "この計画は見つかりません。"),
        Missing::Measure => ("measure_id", "この施策は見つかりません。"),
        Missing::Node => ("node_id", "この項目は見つかりません。"),
        Missing::Field => ("field", "この項目は変更できません。"),
        Missing::Department => ("name", "この部署は見つかりません。"),
        Missing::AuditEntry => ("entry_id", "この変更履歴は見つかりません。"),
        Missing::User => ("user_id", "この利用者は見つかりません。"),
        Missing::Round => ("round_id", "この評価は見つかりません。"),
        Missing::RoundRecord => ("target", "この評価にこの施策・取組はありません。"),
        Missing::Version => ("number", "この版は見つかりません。"),
        Missing::Revision => ("revision", "この計画に改定案はありません。"),
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => {
                let (field, reason) = missing(what);
                ApiError::not_found(field, reason)
            }
            StoreError::Invalid(field, reason) => ApiError::bad_request(field, reason),
            StoreError::RefusedEdit(refused) => {
                ApiError::bad_request(&refused.field, refused.reason)
            }
            StoreError::InvalidPush(invalid) => {
                ApiError::bad_request(&invalid.field, invalid.reason)
            }
            StoreError::InUse(field, reason) => {
                ApiError::new(StatusCode::CONFLICT, Some(field), reason)
            }
            StoreError::PlanExists(_) => ApiError::new(
                StatusCode::CONFLICT,
                Some("plan_id"),
                "この計画は既にあります。",
            ),
            // The step's rules: 403 for who, 400 for what was sent, 409 for where things are.
            StoreError::Refused(refusal) => {
                let status = match &refusal {
                    Refusal::NotAllowed => StatusCode::FORBIDDEN,
                    Refusal::Invalid { .. } => StatusCode::BAD_REQUEST,
                    _ => StatusCode::CONFLICT,
                };
                ApiError::new(status, refusal.field(), refusal.reason())
            }
            StoreError::QuotaExceeded(reason) => {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, None, reason)
            }
            e if e.is_busy() => {
                tracing::warn!("storage busy: {e}");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    None,
                    "混み合っています。しばらくしてからもう一度お試しください。",
                )
            }
            other => ApiError::internal(format!("storage: {other}")),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: ErrorBody {
                status: self.status.as_u16(),
                field: self.field.as_deref(),
                reason: &self.reason,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_storage_error_is_one_status_naming_the_field() {
        let cases = [
            (
                StoreError::NotFound(Missing::Measure),
                StatusCode::NOT_FOUND,
                Some("measure_id"),
            ),
            (
                StoreError::invalid("title", "入力してください。"),
                StatusCode::BAD_REQUEST,
                Some("title"),
            ),
            (
                StoreError::InUse("name", "使用中です。"),
                StatusCode::CONFLICT,
                Some("name"),
            ),
            (
                StoreError::PlanExists("p".into()),
                StatusCode::CONFLICT,
                Some("plan_id"),
            ),
            (
                StoreError::QuotaExceeded("上限です。".into()),
                StatusCode::TOO_MANY_REQUESTS,
                None,
            ),
            (
                StoreError::Database(sqlx::Error::PoolTimedOut),
                StatusCode::SERVICE_UNAVAILABLE,
                None,
            ),
            (
                StoreError::Refused(Refusal::NotAllowed),
                StatusCode::FORBIDDEN,
                None,
            ),
            (
                StoreError::Refused(Refusal::invalid("deadline", "締切日は…")),
                StatusCode::BAD_REQUEST,
                Some("deadline"),
            ),
            (
                StoreError::Refused(Refusal::RoundClosed),
                StatusCode::CONFLICT,
                None,
            ),
            (
                StoreError::Corrupt("x".into()),
                StatusCode::INTERNAL_SERVER_ERROR,
                None,
            ),
        ];
        for (error, status, field) in cases {
            let answer = ApiError::from(error);
            assert_eq!((answer.status, answer.field.as_deref()), (status, field));
            assert!(!answer.reason.is_empty());
        }
        for what in [
            Missing::Plan,
            Missing::Measure,
            Missing::Node,
            Missing::Field,
            Missing::Department,
            Missing::AuditEntry,
            Missing::User,
            Missing::Round,
            Missing::RoundRecord,
            Missing::Version,
            Missing::Revision,
        ] {
            let answer = ApiError::from(StoreError::NotFound(what));
            assert_eq!(answer.status, StatusCode::NOT_FOUND);
            assert!(
                answer.reason.ends_with("。"),
                "reasons are Japanese: {what}"
            );
        }
    }
}
