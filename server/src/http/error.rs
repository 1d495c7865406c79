//! The one error type of the JSON API: every failure is a status code and a JSON body that names
//! the field at fault (when there is one) and the reason.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
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

impl From<keikaku_store::StoreError> for ApiError {
    fn from(e: keikaku_store::StoreError) -> Self {
        ApiError::internal(format!("storage: {e}"))
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
