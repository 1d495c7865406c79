//! Cross-site request forgery protection for every state-changing API request.
//!
//! Two independent checks: a request whose `Origin` is not this server is refused, and a
//! signed-in request must echo its session's CSRF token in `X-CSRF-Token`. Signing in is the
//! one state-changing request without a session; the Origin check covers it.

use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::Response;

use super::error::ApiError;
use super::session::RequestContext;
use super::AppState;
use crate::auth::{self, tokens};
use keikaku_domain::reason::Reason;

pub async fn guard(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let method = request.method().clone();
    if matches!(method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(next.run(request).await);
    }
    let (parts, body) = request.into_parts();
    if let Some(origin) = parts.headers.get(header::ORIGIN) {
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default();
        let origin_host = origin
            .to_str()
            .ok()
            .and_then(|o| o.split_once("://"))
            .map(|(_, rest)| rest)
            .unwrap_or_default();
        if origin_host != host {
            return Err(ApiError::forbidden(
                Some("origin"),
                Reason::fixed(
                    "他のサイトからの操作は受け付けません。",
                    "Requests from other sites are not accepted.",
                ),
            ));
        }
    }
    let context = match parts.extensions.get::<RequestContext>() {
        Some(context) => context.clone(),
        None => RequestContext::from_parts(&parts, &state).await?,
    };
    // Signing in has no session yet; the plain HTML forms check their token field themselves.
    let path = parts.uri.path();
    let exempt = method == Method::POST
        && (matches!(path, "/session" | "/session/form" | "/session/logout")
            || path.ends_with("/restore/form"));
    if !exempt {
        let keys = context
            .session
            .as_ref()
            .ok_or_else(ApiError::sign_in_needed)?;
        let sent = parts
            .headers
            .get(auth::CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !tokens::equal(sent, &keys.csrf_token) {
            return Err(ApiError::forbidden(
                Some(auth::CSRF_HEADER),
                Reason::fixed(
                    "CSRFトークンがないか、正しくありません。画面を再読み込みしてください。",
                    "The CSRF token is missing or wrong. Please reload the page.",
                ),
            ));
        }
    }
    let mut request = Request::from_parts(parts, body);
    request.extensions_mut().insert(context);
    Ok(next.run(request).await)
}
