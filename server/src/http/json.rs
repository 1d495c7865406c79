//! `StrictJson<T>`: a JSON body extractor whose every rejection is an [`ApiError`] naming the
//! field and the reason, and which refuses unknown fields (the types say `deny_unknown_fields`).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

use super::error::ApiError;
use keikaku_domain::reason::Reason;

pub struct StrictJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for StrictJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(ApiError {
                status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
                field: Some("content-type".into()),
                reason: Reason::technical("the body must be JSON (Content-Type: application/json)"),
            });
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError {
                status: e.status(),
                field: None,
                reason: if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    Reason::fixed(
                        "送信する内容が大きすぎます。",
                        "The request body is too large.",
                    )
                } else {
                    Reason::technical(e.body_text())
                },
            })?;
        // Most bodies are valid: parse them directly, and only a refused one again to find
        // the path of the field at fault (tracking the path doubles the cost of a large push).
        if let Ok(value) = serde_json::from_slice(&bytes) {
            return Ok(StrictJson(value));
        }
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            // A missing field is reported by its parent, and so is an unknown one inside a
            // tagged enum (which serde buffers): name the field itself.
            let message = inner.to_string();
            let named =
                missing_field(&message).or_else(|| quoted_after("unknown field `", &message));
            let field = match named {
                Some(name) if path == "." => name,
                Some(name) if path.ends_with(&name) => path,
                Some(name) => format!("{path}.{name}"),
                None if path == "." => "body".to_owned(),
                None => path,
            };
            ApiError {
                status: StatusCode::BAD_REQUEST,
                field: Some(field),
                reason: Reason::technical(inner.to_string()),
            }
        })?;
        deserializer.end().map_err(|e| ApiError {
            status: StatusCode::BAD_REQUEST,
            field: Some("body".into()),
            reason: Reason::technical(format!("trailing content after the JSON value: {e}")),
        })?;
        Ok(StrictJson(value))
    }
}

fn missing_field(message: &str) -> Option<String> {
    quoted_after("missing field `", message)
}

/// The name quoted after `prefix` at the start of a serde message.
fn quoted_after(prefix: &str, message: &str) -> Option<String> {
    let rest = message.strip_prefix(prefix)?;
    Some(rest[..rest.find('`')?].to_owned())
}
