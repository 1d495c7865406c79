//! Checking a password someone typed (signing in, changing a password), under the login
//! throttle and the bound on hashing. The attempt is recorded before the check runs, in the
//! transaction that counted the earlier ones, so parallel requests get no extra guesses; it
//! counts as failed unless the check succeeds.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use keikaku_store::AttemptId;

use super::error::ApiError;
use super::AppState;
use crate::auth;
use crate::auth::throttle::{self, Wait};
use keikaku_domain::reason::Reason;

/// Longest login the throttle keeps (longer ones are cut): logins have at most 100 characters,
/// and a megabyte of typed garbage should not be stored with every attempt.
const ACCOUNT_KEY_CHARS: usize = 128;

const THROTTLED: Reason = Reason::fixed(
    "ログインの失敗が続いたため、しばらくしてからお試しください。",
    "Too many failed sign-ins. Please try again in a while.",
);

/// Why no check ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Too many failures: 429, and when to try again.
    Throttled(Wait),
    /// Every hashing turn was taken: 503, try again in a second. Also the answer when a new
    /// password cannot be hashed for the same reason.
    Busy,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let (status, reason, retry_after) = match self {
            Refusal::Throttled(wait) => (StatusCode::TOO_MANY_REQUESTS, THROTTLED, wait.seconds),
            Refusal::Busy => (StatusCode::SERVICE_UNAVAILABLE, super::error::BUSY, 1),
        };
        let mut response = ApiError::new(status, None, reason).into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry_after.max(1)));
        response
    }
}

/// A check that ran.
pub struct Checked {
    pub matches: bool,
    attempt: AttemptId,
}

impl Checked {
    /// The attempt led in (a right password for a usable account): it and the earlier
    /// failures from this address on this account are forgotten.
    pub async fn succeeded(self, state: &AppState) -> Result<(), ApiError> {
        Ok(state.store.attempt_succeeded(self.attempt).await?)
    }
}

/// Checks `given` against `stored` (`None` for an unknown login, which checks a decoy) for
/// `login` from `address`, unless the throttle or the hashing bound refuses.
pub async fn check(
    state: &AppState,
    login: &str,
    address: Option<&str>,
    given: String,
    stored: Option<String>,
) -> Result<Result<Checked, Refusal>, ApiError> {
    // The turn first: a flood is refused without a write to the database, and a request that
    // got one is never refused after its attempt was counted.
    let Ok(turn) = state.hashing.turn().await else {
        return Ok(Err(Refusal::Busy));
    };
    let account: String = login.trim().chars().take(ACCOUNT_KEY_CHARS).collect();
    let address = address.unwrap_or("unknown");
    let now = auth::now();
    let since = now - throttle::WINDOW_SECONDS;
    let reserved = state
        .store
        .reserve_attempt(&account, address, now, since, |counts| {
            throttle::decide(counts, now)
        })
        .await?;
    let attempt = match reserved {
        Ok(attempt) => attempt,
        Err(wait) => return Ok(Err(Refusal::Throttled(wait))),
    };
    let matches = turn.verify(given, stored).await;
    Ok(Ok(Checked { matches, attempt }))
}
