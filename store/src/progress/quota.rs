//! How much one user may make the server keep of their sync pushes.
//!
//! Refusals that deciding again repeats are not remembered (`keikaku_sync::server`), so a user
//! who may record nothing stores nothing however much they push. What a user may record is
//! bounded here: the mutations the server remembered for them in the last 24 hours, measured
//! in bytes of the mutation as sent and its answer (a conflict's answer carries three texts).
//! A push that would go past the quota is refused whole, before anything is stored; the client
//! keeps it and sends it again later.

use sqlx::SqliteConnection;

use crate::{Result, StoreError};
use keikaku_domain::reason::Reason;

/// What one user's remembered mutations of the last 24 hours may add up to, unless the store
/// is opened with another quota: 32 MiB, some 80,000 typical mutations or 32 full pushes.
pub const DEFAULT_SYNC_QUOTA_BYTES: u64 = 32 * 1024 * 1024;

/// The window the quota counts.
const WINDOW_SECONDS: i64 = 24 * 60 * 60;

/// Refuses `adding` more bytes of remembered mutations for `user_id` at `now` if the window's
/// total would pass `quota`.
pub(super) async fn check(
    conn: &mut SqliteConnection,
    user_id: i64,
    now: i64,
    adding: u64,
    quota: u64,
) -> Result<()> {
    if adding == 0 {
        return Ok(());
    }
    let used: i64 = sqlx::query_scalar(
        "SELECT coalesce(sum(bytes), 0) FROM sync_mutations WHERE user_id = ? AND at > ?",
    )
    .bind(user_id)
    .bind(now - WINDOW_SECONDS)
    .fetch_one(&mut *conn)
    .await?;
    if used as u64 + adding > quota {
        return Err(StoreError::QuotaExceeded(Reason::new(
            "24時間に送信できる進捗の量を超えました。未送信の変更はこの端末に残っています。時間をおいてもう一度同期してください。",
            "You have sent as much progress as one user may in 24 hours. Changes not yet sent stay on this device. Please sync again later.",
        )));
    }
    Ok(())
}
