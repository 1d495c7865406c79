//! `/api/v1/sync`: the progress sync protocol of `docs/sync-protocol.md`. Browsers push the
//! mutations they queued offline, pull what others changed, and listen for `changed` events
//! that tell them when to pull.
//!
//! Every endpoint needs a signed-in session; push is a write, so the CSRF guard in front of the
//! API checks its token. An event stream lives no longer than its session: it ends at sign-out,
//! password change, disabling and expiry, and a session holds a few streams at most. The decisions themselves are the store's (`Store::push`, which
//! behaves like `keikaku_sync::server::ServerState`); authorization is
//! `keikaku_store::ProgressAuthorizer`.

use std::collections::HashMap;
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::stream;
use keikaku_store::Store;
use keikaku_sync::protocol::{
    replica_user_header_value, ChangedEvent, PullRequest, PullResponse, PushRequest, PushResponse,
    DEFAULT_PULL_LIMIT, PROTOCOL_VERSION, REPLICA_USER_HEADER,
};
use tokio::sync::broadcast;

use super::error::ApiError;
use super::json::StrictJson;
use super::plans::actor;
use super::session::RequestContext;
use super::stream_slots::StreamSlot;
use super::AppState;
use crate::auth;

/// Carries the protocol version, so a stale tab can tell it must reload.
const PROTOCOL_HEADER: &str = "keikaku-sync-protocol";
/// How often an idle event stream sends a comment, so proxies and browsers keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// Events buffered per subscriber; one that falls further behind is told the latest sequence.
const EVENT_BUFFER: usize = 256;
/// How often an open stream checks that its session still exists. Sign-out, password change
/// and disabling in this process end streams at once; this catches sessions ended elsewhere
/// (another server process on the same database).
pub const SESSION_CHECK: Duration = KEEP_ALIVE;

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

/// What the event streams hear about.
#[derive(Debug, Clone)]
enum Signal {
    /// A push committed changes to `organization_id`'s progress; `sequence` is the latest.
    Changed {
        organization_id: String,
        sequence: u64,
    },
    /// Sessions ended: their streams end too.
    SessionsEnded(Ended),
    /// The server is stopping: streams end so the graceful shutdown can finish.
    ShuttingDown,
}

/// Which sessions ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// One session, by its token digest (signed out).
    Session(String),
    /// Every session of a user (password changed, disabled).
    User(i64),
}

/// The channel from committed pushes to the open event streams.
#[derive(Clone)]
pub struct SyncEvents {
    sender: broadcast::Sender<Signal>,
}

impl Default for SyncEvents {
    fn default() -> Self {
        SyncEvents::new()
    }
}

impl SyncEvents {
    pub fn new() -> SyncEvents {
        SyncEvents {
            sender: broadcast::channel(EVENT_BUFFER).0,
        }
    }

    pub(super) fn announce(&self, organization_id: &str, sequence: u64) {
        // No subscribers is not an error: nobody is listening right now.
        let _ = self.sender.send(Signal::Changed {
            organization_id: organization_id.to_owned(),
            sequence,
        });
    }

    /// Ends the event streams of sessions that have just ended.
    pub fn sessions_ended(&self, ended: Ended) {
        let _ = self.sender.send(Signal::SessionsEnded(ended));
    }

    /// Ends every open event stream.
    pub fn shut_down(&self) {
        let _ = self.sender.send(Signal::ShuttingDown);
    }
}

/// A push or pull names whose replica it is for; it must be the session's user. A tab left open
/// for someone who signed out, while another user signed in on the same browser, is refused
/// before it can take in that user's rows or send its own under their name.
fn check_replica_user(headers: &HeaderMap, login: &str) -> Result<(), ApiError> {
    match headers.get(REPLICA_USER_HEADER).map(HeaderValue::to_str) {
        None => Err(ApiError::bad_request(
            REPLICA_USER_HEADER,
            "name the user whose replica this is (the login, percent-encoded)",
        )),
        Some(Ok(named)) if named == replica_user_header_value(login) => Ok(()),
        Some(_) => Err(ApiError::new(
            StatusCode::CONFLICT,
            Some(REPLICA_USER_HEADER),
            "この端末の進捗データは、いまログインしているユーザーのものではありません。ページを再読み込みしてください。",
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

/// `since` and `limit` from the query string; anything else is refused, like unknown fields
/// in request bodies.
fn pull_request(params: &HashMap<String, String>) -> Result<PullRequest, ApiError> {
    if let Some(unknown) = params
        .keys()
        .find(|k| !matches!(k.as_str(), "since" | "limit"))
    {
        return Err(ApiError::bad_request(unknown, "unknown query parameter"));
    }
    let number = |name: &str| -> Result<Option<u64>, ApiError> {
        params
            .get(name)
            .map(|text| {
                text.parse::<u64>().map_err(|_| {
                    ApiError::bad_request(name, "must be a whole number of at least 0")
                })
            })
            .transpose()
    };
    Ok(PullRequest {
        since: number("since")?.unwrap_or(0),
        // Larger limits are lowered to the maximum page, not refused.
        limit: number("limit")?
            .map_or(DEFAULT_PULL_LIMIT, |n| u32::try_from(n).unwrap_or(u32::MAX)),
    })
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
    Ok(Json(store.pull(&request, &plan_ids).await?))
}

fn changed_event(sequence: u64) -> Event {
    Event::default()
        .event("changed")
        .json_data(ChangedEvent { sequence })
        .expect("a ChangedEvent serializes")
}

/// An open event stream: who listens, and until when.
struct Listener {
    receiver: broadcast::Receiver<Signal>,
    organization_id: String,
    user_id: i64,
    token_hash: String,
    store: Store,
    /// Sent first: the latest sequence when the stream opened.
    opening: Option<u64>,
    /// The session's expiry; the stream ends there.
    ends: tokio::time::Instant,
    /// When to check next that the session still exists, and how often.
    next_check: tokio::time::Instant,
    check_every: Duration,
    /// Held while the stream is open.
    _slot: StreamSlot,
}

impl Listener {
    /// The next event for this listener, or `None` when the stream should end.
    async fn next(&mut self) -> Option<Event> {
        if let Some(sequence) = self.opening.take() {
            return Some(changed_event(sequence));
        }
        loop {
            let signal = tokio::select! {
                signal = self.receiver.recv() => signal,
                () = tokio::time::sleep_until(self.ends) => return None,
                () = tokio::time::sleep_until(self.next_check) => {
                    self.session_lives().await?;
                    continue;
                }
            };
            match signal {
                Ok(Signal::Changed {
                    organization_id,
                    sequence,
                }) if organization_id == self.organization_id => {
                    return Some(changed_event(sequence))
                }
                Ok(Signal::Changed { .. }) => {}
                Ok(Signal::SessionsEnded(ended)) => {
                    if ended == Ended::User(self.user_id)
                        || ended == Ended::Session(self.token_hash.clone())
                    {
                        return None;
                    }
                }
                // Missed some, perhaps the end of this session; the latest sequence says all
                // the changes would have.
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    self.session_lives().await?;
                    let sequence = self.store.sync_sequence().await.ok()?;
                    return Some(changed_event(sequence));
                }
                Ok(Signal::ShuttingDown) | Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }

    /// `None` once the session is gone (signed out, expired, its user disabled), here or in
    /// another process. A failed read keeps the stream: the next check asks again.
    async fn session_lives(&mut self) -> Option<()> {
        self.next_check = tokio::time::Instant::now() + self.check_every;
        match self.store.session(&self.token_hash, auth::now()).await {
            Ok(None) => None,
            Ok(Some(_)) => Some(()),
            Err(e) => {
                tracing::warn!("event stream: cannot check the session: {e}");
                Some(())
            }
        }
    }
}

const TOO_MANY_STREAMS: &str =
    "このセッションで開いている通知の接続が多すぎます。不要なタブを閉じてください。";

async fn events(
    State(state): State<AppState>,
    context: RequestContext,
) -> Result<Response, ApiError> {
    let user = context.require_user()?;
    let session = context
        .session
        .as_ref()
        .ok_or_else(|| ApiError::unauthorized("ログインが必要です。"))?;
    let Some(slot) = state.stream_slots.take(&session.token_hash) else {
        let mut response =
            ApiError::new(StatusCode::TOO_MANY_REQUESTS, None, TOO_MANY_STREAMS).into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(KEEP_ALIVE.as_secs()));
        return Ok(response);
    };
    // Subscribe before reading the sequence, so no change falls between the two.
    let receiver = state.sync_events.sender.subscribe();
    let opening = state.store.sync_sequence().await?;
    let remaining = u64::try_from(session.expires_at - auth::now()).unwrap_or(0);
    let now = tokio::time::Instant::now();
    let listener = Listener {
        receiver,
        organization_id: user.organization_id.clone(),
        user_id: user.id,
        token_hash: session.token_hash.clone(),
        store: state.store.clone(),
        opening: Some(opening),
        ends: now + Duration::from_secs(remaining),
        next_check: now + state.session_check,
        check_every: state.session_check,
        _slot: slot,
    };
    let stream = stream::unfold(listener, |mut listener| async move {
        let event = listener.next().await?;
        Some((Ok::<_, Infallible>(event), listener))
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response())
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
