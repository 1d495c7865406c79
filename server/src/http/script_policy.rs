//! The Content-Security-Policy header, with a fresh script nonce for every response.
//!
//! Hydration needs inline scripts that differ per page, so scripts are allowed by nonce. The
//! nonce is minted here, before the page renders, and handed to Leptos through the request's
//! extensions ([`provide_page_nonce`]), so the header and every inline script agree.

use std::sync::Arc;

use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use leptos::nonce::Nonce;
use leptos::prelude::{provide_context, use_context};

use crate::auth::tokens;

/// This response's script nonce.
#[derive(Clone)]
struct ScriptNonce(Arc<str>);

/// Mints the nonce, then sets the policy on whatever the handler answered.
pub async fn apply(mut request: Request, next: Next) -> Response {
    let nonce: Arc<str> = tokens::random_token().into();
    request
        .extensions_mut()
        .insert(ScriptNonce(Arc::clone(&nonce)));
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&policy(&nonce)) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// Called while a page renders: makes Leptos use the nonce the header names.
pub fn provide_page_nonce() {
    let nonce =
        use_context::<Parts>().and_then(|parts| parts.extensions.get::<ScriptNonce>().cloned());
    if let Some(ScriptNonce(nonce)) = nonce {
        provide_context(Nonce::from_value(nonce));
    }
}

/// Only this server's scripts and this response's inline ones run; WebAssembly may compile.
/// Framing, plugins, base-URL hijacking and form posts to other sites are refused.
fn policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; \
         frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'"
    )
}
