//! Signing out of a shared tablet. No edit is lost by it: edits the server has not taken are
//! sent first when it can be reached, and whatever is still waiting is either kept on the
//! device, locked until the same person signs in here again, or discarded, as the user chooses
//! (`/logout` asks). Then the session ends on the server (later, if it cannot be reached now)
//! and the device is released ([`super::handover::release`]).

#[cfg(feature = "hydrate")]
use super::{device, engine, handover};
#[cfg(feature = "hydrate")]
use crate::client::send_json;

/// What releasing the device keeps of the user's progress replica.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Edits not yet taken by the server (queued, in conflict or refused) stay, locked.
    UnsentEdits,
    /// Nothing: the user chose to discard their unsent edits.
    Nothing,
}

/// Edits of the signed-in user the server has not taken.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Unfinished {
    /// Queued, not yet sent or answered.
    pub pending: usize,
    /// Refused as conflicting with someone else's change, waiting for the user's choice.
    pub conflicts: usize,
    /// Refused by the server, kept until discarded.
    pub rejected: usize,
}

impl Unfinished {
    pub fn total(&self) -> usize {
        self.pending + self.conflicts + self.rejected
    }
}

/// How long signing out waits for a sync already under way.
#[cfg(feature = "hydrate")]
const SYNC_WAIT_MS: u32 = 20_000;

/// Sends what is queued (when the server can be reached) and says what is still waiting.
#[cfg(feature = "hydrate")]
pub async fn send_and_count() -> Unfinished {
    let Some(engine) = engine::opened().await else {
        return Unfinished::default();
    };
    let (pending, _, _) = engine.unfinished();
    if pending > 0 {
        engine.sync().await;
        // Another sync may have been running: it goes on with what was just queued.
        let mut waited = 0;
        while engine.syncing() && waited < SYNC_WAIT_MS {
            gloo_timers::future::TimeoutFuture::new(100).await;
            waited += 100;
        }
    }
    let (pending, conflicts, rejected) = engine.unfinished();
    Unfinished {
        pending,
        conflicts,
        rejected,
    }
}

/// Ends the session and releases the device, keeping the unsent edits or not, then opens the
/// home page as the public sees it. `csrf_token` is the page's token, used when the device
/// does not know the session's.
#[cfg(feature = "hydrate")]
pub async fn finish(keep: Keep, csrf_token: Option<String>) -> Result<(), String> {
    let stored = device::stored_now().await;
    let login = match engine::engine() {
        Some(engine) => Some(engine.login.clone()),
        None => stored.person.map(|(login, _)| login),
    };
    let token = stored.csrf_token.or(csrf_token);
    // Ended on the server first, while the device still has the token; any answer but none at
    // all means the session is over there (204, or 401/403 for one already gone).
    let ended = match &token {
        Some(token) => !matches!(
            send_json("DELETE", "/api/v1/session", token, None).await,
            Err(problem) if problem.status == 0
        ),
        None => true,
    };
    let pending_logout = if ended { None } else { token.as_deref() };
    match &login {
        Some(login) => handover::release(login, keep, pending_logout).await?,
        None => device::sign_out(pending_logout).await?,
    }
    handover::forget_tab_user();
    handover::announce(None);
    // A fresh page: nothing of the signed-out user stays in this tab's memory.
    let _ = leptos::prelude::window().location().assign("/");
    Ok(())
}
