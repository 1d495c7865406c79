//! `/api/v1/sync`: the progress sync protocol of `docs/sync-protocol.md`. Browsers push the
//! mutations they queued offline, pull what others changed, and listen for `changed` events
//! that tell them when to pull.
//!
//! Every endpoint needs a signed-in session; push is a write, so the CSRF guard in front of the
//! API checks its token. The event stream is `events.rs`'s. The decisions themselves are the store's (`Store::push`, which
//! behaves like `keikaku_sync::server::ServerState`); authorization is
//! `keikaku_store::ProgressAuthorizer`.

use std::collections::HashMap;

use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use keikaku_store::Store;
use keikaku_sync::protocol::{
    replica_user_header_value, PullRequest, PullResponse, PushRequest, PushResponse,
    DEFAULT_PULL_LIMIT, PROTOCOL_VERSION, REPLICA_USER_HEADER,
};

use super::error::ApiError;
use super::events::{self, Stream};
use super::json::StrictJson;
use super::plans::actor;
use super::session::RequestContext;
use super::AppState;
use crate::auth;
use keikaku_domain::reason::Reason;

/// Carries the protocol version, so a stale tab can tell it must reload.
const PROTOCOL_HEADER: &str = "keikaku-sync-protocol";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sync/push", post(push))
        .route("/sync/pull", get(pull))
        .route("/sync/events", get(events))
}

/// Announces the protocol version on every answer under `/sync`, including the refusals of
/// the CSRF guard and the body limit, so it goes outside them.
pub async fn protocol_header(request: Request, next: Next) -> Response {
    let is_sync = request.uri().path().starts_with("/sync/");
    let mut response = next.run(request).await;
    if is_sync {
        response.headers_mut().insert(
            HeaderName::from_static(PROTOCOL_HEADER),
            HeaderValue::from(PROTOCOL_VERSION),
        );
    }
    response
}

/// A push or pull names whose replica it is for; it must be the session's user. A tab left open
/// for someone who signed out, while another user signed in on the same browser, is refused
/// before it can take in that user's rows or send its own under their name.
fn check_replica_user(headers: &HeaderMap, login: &str) -> Result<(), ApiError> {
    match headers.get(REPLICA_USER_HEADER).map(HeaderValue::to_str) {
        None => Err(ApiError::bad_request(
            REPLICA_USER_HEADER,
            Reason::technical("name the user whose replica this is (the login, percent-encoded)"),
        )),
        Some(Ok(named)) if named == replica_user_header_value(login) => Ok(()),
        Some(_) => Err(ApiError::new(
            StatusCode::CONFLICT,
            Some(REPLICA_USER_HEADER),
            Reason::fixed(
                "この端末の進捗データは、いまログインしているユーザーのものではありません。ページを再読み込みしてください。",
                "The progress data on this device belongs to another user than the one signed in now. Please reload the page.",
            ),
        )),
    }
}

async fn push(
    State(state): State<AppState>,
    context: RequestContext,
    headers: HeaderMap,
    StrictJson(request): StrictJson<PushRequest>,
) -> Result<Json<PushResponse>, ApiError> {
    let user = context.require_user()?;
    check_replica_user(&headers, &user.login)?;
    // `Store::push` validates the request before it writes anything.
    // Notes are recorded as the signed-in user's, whatever author the client sent.
    let authorizer = state
        .store
        .progress_authorizer(&context.viewer, &user.display_name, &request)
        .await?;
    let receipt = state
        .store
        .push(&request, &authorizer, &actor(&context), auth::now())
        .await?;
    // Committed by now. Users record progress only in their own organization's plans.
    if receipt.applied > 0 {
        state
            .sync_events
            .announce(&user.organization_id, receipt.sequence);
    }
    Ok(Json(receipt.response))
}

/// `since`, `limit` and `notebooks` from the query string; anything else is refused, like
/// unknown fields in request bodies.
fn pull_request(params: &HashMap<String, String>) -> Result<PullRequest, ApiError> {
    if let Some(unknown) = params
        .keys()
        .find(|k| !matches!(k.as_str(), "since" | "limit" | "notebooks"))
    {
        return Err(ApiError::bad_request(
            unknown,
            Reason::technical("unknown query parameter"),
        ));
    }
    let number = |name: &str| -> Result<Option<u64>, ApiError> {
        params
            .get(name)
            .map(|text| {
                text.parse::<u64>().map_err(|_| {
                    ApiError::bad_request(
                        name,
                        Reason::technical("must be a whole number of at least 0"),
                    )
                })
            })
            .transpose()
    };
    let notebooks = match params.get("notebooks").map(String::as_str) {
        None | Some("0") => false,
        Some("1") => true,
        Some(_) => {
            return Err(ApiError::bad_request(
                "notebooks",
                Reason::technical("must be 0 or 1"),
            ))
        }
    };
    Ok(PullRequest {
        notebooks,
        since: number("since")?.unwrap_or(0),
        // Larger limits are lowered to the maximum page, not refused.
        limit: number("limit")?
            .map_or(DEFAULT_PULL_LIMIT, |n| u32::try_from(n).unwrap_or(u32::MAX)),
    })
}

async fn events(
    State(state): State<AppState>,
    context: RequestContext,
) -> Result<Response, ApiError> {
    let opening = state.store.sync_sequence().await?;
    events::open_stream(&state, &context, Stream::Sync { opening })
}

async fn pull(
    State(store): State<Store>,
    context: RequestContext,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<PullResponse>, ApiError> {
    let user = context.require_user()?;
    check_replica_user(&headers, &user.login)?;
    let request = pull_request(&params)?;
    // A replica holds its user's own organization, whose plans they may always read.
    let plan_ids = store.sync_plan_ids(&context.viewer).await?;
    // And the user's own notes on plan documents, which nobody else ever receives.
    Ok(Json(store.pull(&request, &plan_ids, Some(user.id)).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn pull_parameters_default_clamp_and_name_the_bad_one() {
        let request = pull_request(&params(&[])).unwrap();
        assert_eq!((request.since, request.limit), (0, DEFAULT_PULL_LIMIT));
        let request = pull_request(&params(&[("since", "61"), ("limit", "99999999999")])).unwrap();
        assert_eq!((request.since, request.page_size()), (61, 1_000));
        for (bad, field) in [
            (params(&[("since", "-1")]), "since"),
            (params(&[("limit", "ten")]), "limit"),
            (params(&[("cursor", "1")]), "cursor"),
        ] {
            assert_eq!(
                pull_request(&bad).unwrap_err().field.as_deref(),
                Some(field)
            );
        }
    }
}
