//! Signing in: password hashing and its bound, session tokens, the session cookie and the
//! login throttle's rules.

pub mod hashing;
pub mod password;
pub mod throttle;
pub mod tokens;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "keikaku_session";
/// Header a signed-in client echoes its CSRF token in on every state-changing request.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// How long a session lasts.
pub const SESSION_SECONDS: i64 = 12 * 60 * 60;

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
