//! The one error type of the JSON API: every failure is a status code and a JSON body that names
//! the field at fault (when there is one) and the reason.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub field: Option<&'static str>,
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
    pub fn not_found(field: &'static str, reason: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            field: Some(field),
            reason: reason.into(),
        }
    }

    pub fn bad_request(field: &'static str, reason: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            field: Some(field),
            reason: reason.into(),
        }
    }
}

impl From<keikaku_store::StoreError> for ApiError {
    fn from(e: keikaku_store::StoreError) -> Self {
        tracing::error!("storage error: {e}");
        ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            field: None,
            reason: "internal storage error".into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: ErrorBody {
                status: self.status.as_u16(),
                field: self.field,
                reason: &self.reason,
            },
        };
        (self.status, Json(body)).into_response()
    }
}
