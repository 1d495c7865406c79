//! Server-sent event streams and what they hear: committed sync pushes (`changed`, on
//! `/api/v1/sync/events`) and the passage a presenting official points the council to
//! (`presenting`, on `/api/v1/plans/{plan}/presenting/events`). A stream lives no longer than
//! its session: it ends at sign-out, password change, disabling and expiry, and a session holds
//! a few streams at most.
//!
//! Everything goes through one broadcast channel in this process; another server process on
//! the same database is reached only through the session checks (issue 22 spreads the rest).

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use keikaku_domain::document::Pointer;
use keikaku_store::Store;
use keikaku_sync::protocol::ChangedEvent;
use tokio::sync::broadcast;

use super::error::ApiError;
use super::session::RequestContext;
use super::stream_slots::StreamSlot;
use super::AppState;
use crate::auth;
use keikaku_domain::reason::Reason;

/// How often an idle event stream sends a comment, so proxies and browsers keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// Events buffered per subscriber; one that falls further behind is told the latest state.
const EVENT_BUFFER: usize = 256;
/// How often an open stream checks that its session still exists. Sign-out, password change
/// and disabling in this process end streams at once; this catches sessions ended elsewhere
/// (another server process on the same database).
pub const SESSION_CHECK: Duration = KEEP_ALIVE;

/// What the event streams hear about.
#[derive(Debug, Clone)]
enum Signal {
    /// A push committed changes to `organization_id`'s progress; `sequence` is the latest.
    Changed {
        organization_id: String,
        sequence: u64,
    },
    /// The passage being presented of a plan changed (`None`: nobody presents now).
    Presenting {
        plan_id: String,
        pointer: Option<Pointer>,
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

/// The channel from what happens (pushes, presenting, ended sessions) to the open streams,
/// and the passage each plan is being presented at.
#[derive(Clone)]
pub struct SyncEvents {
    sender: broadcast::Sender<Signal>,
    presenting: Arc<Mutex<HashMap<String, Pointer>>>,
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
            presenting: Arc::default(),
        }
    }

    pub(super) fn announce(&self, organization_id: &str, sequence: u64) {
        // No subscribers is not an error: nobody is listening right now.
        let _ = self.sender.send(Signal::Changed {
            organization_id: organization_id.to_owned(),
            sequence,
        });
    }

    /// Points the plan's readers to a passage, or (`None`) stops presenting.
    pub(super) fn present(&self, plan_id: &str, pointer: Option<Pointer>) {
        {
            let mut presenting = self.presenting.lock().unwrap_or_else(|e| e.into_inner());
            match &pointer {
                Some(p) => presenting.insert(plan_id.to_owned(), p.clone()),
                None => presenting.remove(plan_id),
            };
        }
        let _ = self.sender.send(Signal::Presenting {
            plan_id: plan_id.to_owned(),
            pointer,
        });
    }

    /// The passage a plan is being presented at now.
    pub(super) fn presented(&self, plan_id: &str) -> Option<Pointer> {
        let presenting = self.presenting.lock().unwrap_or_else(|e| e.into_inner());
        presenting.get(plan_id).cloned()
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

/// What a stream is for.
pub enum Stream {
    /// `changed` events of the user's organization; the first tells the latest sequence.
    Sync { opening: u64 },
    /// `presenting` events of one plan; the first tells where it is presented now.
    Presenting { plan_id: String },
}

fn changed_event(sequence: u64) -> Event {
    Event::default()
        .event("changed")
        .json_data(ChangedEvent { sequence })
        .expect("a ChangedEvent serializes")
}

fn presenting_event(pointer: &Option<Pointer>) -> Event {
    Event::default()
        .event("presenting")
        .json_data(pointer)
        .expect("a pointer serializes")
}

/// An open event stream: who listens, to what, and until when.
struct Listener {
    receiver: broadcast::Receiver<Signal>,
    kind: Stream,
    organization_id: String,
    user_id: i64,
    token_hash: String,
    store: Store,
    events: SyncEvents,
    /// Sent first: the state when the stream opened.
    opening: Option<Event>,
    /// The session's expiry; the stream ends there.
    ends: tokio::time::Instant,
    /// When to check next that the session still exists, and how often.
    next_check: tokio::time::Instant,
    check_every: Duration,
    /// Held while the stream is open.
    _slot: StreamSlot,
}

impl Listener {
    /// The event a signal is for this listener, if any.
    fn event_for(&self, signal: &Signal) -> Option<Event> {
        match (signal, &self.kind) {
            (
                Signal::Changed {
                    organization_id,
                    sequence,
                },
                Stream::Sync { .. },
            ) if *organization_id == self.organization_id => Some(changed_event(*sequence)),
            (Signal::Presenting { plan_id, pointer }, Stream::Presenting { plan_id: mine })
                if plan_id == mine =>
            {
                Some(presenting_event(pointer))
            }
            _ => None,
        }
    }

    /// What a listener that missed signals is told: the state now.
    async fn catch_up(&self) -> Option<Event> {
        match &self.kind {
            Stream::Sync { .. } => Some(changed_event(self.store.sync_sequence().await.ok()?)),
            Stream::Presenting { plan_id } => {
                Some(presenting_event(&self.events.presented(plan_id)))
            }
        }
    }

    /// The next event for this listener, or `None` when the stream should end.
    async fn next(&mut self) -> Option<Event> {
        if let Some(event) = self.opening.take() {
            return Some(event);
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
                Ok(Signal::SessionsEnded(ended)) => {
                    if ended == Ended::User(self.user_id)
                        || ended == Ended::Session(self.token_hash.clone())
                    {
                        return None;
                    }
                }
                Ok(Signal::ShuttingDown) | Err(broadcast::error::RecvError::Closed) => return None,
                // Missed some, perhaps the end of this session; the state now says what they
                // would have.
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    self.session_lives().await?;
                    return self.catch_up().await;
                }
                Ok(signal) => {
                    if let Some(event) = self.event_for(&signal) {
                        return Some(event);
                    }
                }
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

const TOO_MANY_STREAMS: Reason = Reason::fixed(
    "このセッションで開いている通知の接続が多すぎます。不要なタブを閉じてください。",
    "This session has too many notification connections open. Please close the tabs you do not need.",
);

/// Opens an event stream of `kind` for the signed-in session of `context` (429 with
/// `Retry-After` when the session holds its most streams already).
pub fn open_stream(
    state: &AppState,
    context: &RequestContext,
    kind: Stream,
) -> Result<Response, ApiError> {
    let user = context.require_user()?;
    let session = context
        .session
        .as_ref()
        .ok_or_else(ApiError::sign_in_needed)?;
    let Some(slot) = state.stream_slots.take(&session.token_hash) else {
        let mut response =
            ApiError::new(StatusCode::TOO_MANY_REQUESTS, None, TOO_MANY_STREAMS).into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(KEEP_ALIVE.as_secs()));
        return Ok(response);
    };
    // Subscribed before the opening state is read, so nothing falls between the two (the
    // caller read the sync sequence before; a change since is announced again).
    let receiver = state.sync_events.sender.subscribe();
    let opening = match &kind {
        Stream::Sync { opening } => changed_event(*opening),
        Stream::Presenting { plan_id } => presenting_event(&state.sync_events.presented(plan_id)),
    };
    let remaining = u64::try_from(session.expires_at - auth::now()).unwrap_or(0);
    let now = tokio::time::Instant::now();
    let listener = Listener {
        receiver,
        kind,
        organization_id: user.organization_id.clone(),
        user_id: user.id,
        token_hash: session.token_hash.clone(),
        store: state.store.clone(),
        events: state.sync_events.clone(),
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
