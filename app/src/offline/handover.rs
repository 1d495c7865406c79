//! The device changing hands. Tablets are shared: when the server says someone else (or nobody)
//! is signed in, or someone signs out, whatever this browser kept for the previous user is
//! released: their kept plans (drafts included), prepared first views and progress replica go,
//! except a replica still holding edits the server has not taken, which stays locked until the
//! same person signs in here again (the app opens only the signed-in user's replica).
//!
//! Other tabs of this browser hear of every change of hands on a BroadcastChannel and close
//! what they show of the previous user.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

pub use super::sign_out::Keep;
use super::status::SyncStatus;
use super::{device, engine, plans, service_worker, storage};
use crate::client::{locale, page_lang, send_json, Problem};
use crate::i18n::td_string;

const CHANNEL: &str = "keikaku-device";

thread_local! {
    /// The user this tab was opened for, once the server (or, offline, the device) has said.
    static TAB_USER: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The signed-in user, as the server describes them.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionUser {
    pub login: String,
    pub display_name: String,
    pub csrf_token: String,
}

/// What the server says about this browser's session.
#[derive(Debug, Clone, PartialEq)]
pub enum ServerSession {
    SignedIn(SessionUser),
    /// No session, or one that has ended (expired, signed out, password changed, disabled).
    Nobody,
    /// The server could not be reached, or answered something else than the API.
    Unreachable(Problem),
}

/// Asks the server who is signed in and makes the device theirs ([`settle`]): what the server
/// said, and who this tab is for now.
pub async fn ask_and_settle() -> (ServerSession, Option<String>) {
    let stored = device::stored_now().await;
    let session = if stored.person.is_none()
        && stored.pending_logout.is_none()
        && page_was_rendered_for_a_visitor()
    {
        // The server rendered this page for nobody and the device holds nobody: asking would
        // only fetch a 401, which every visitor's console would show as an error.
        ServerSession::Nobody
    } else {
        ask_server(stored.pending_logout.as_deref()).await
    };
    let now = settle(&session, &stored).await;
    (session, now)
}

/// Whether the server rendered this page for a visitor: its header offers to sign in and names
/// nobody. Not in a tab opened from the app shell, which never names anyone.
fn page_was_rendered_for_a_visitor() -> bool {
    if super::opened_offline() {
        return false;
    }
    let document = leptos::prelude::document();
    let has = |selector: &str| matches!(document.query_selector(selector), Ok(Some(_)));
    has(".site-header .account__login") && !has(".site-header .account__name")
}

/// The server said this tab's session has ended (a request answered 401): nobody is signed in
/// here any more.
pub async fn session_ended() {
    let stored = device::stored_now().await;
    settle(&ServerSession::Nobody, &stored).await;
}

/// Asks the server who is signed in. A session signed out here while offline
/// (`pending_logout`, its token) is ended first, so its user is never taken for the one signed
/// in now.
async fn ask_server(pending_logout: Option<&str>) -> ServerSession {
    if let Some(token) = pending_logout {
        // Any answer means the server has heard: 204, or 401/403 for a session already gone or
        // replaced by a newer sign-in.
        match send_json("DELETE", "/api/v1/session", token, None).await {
            Err(problem) if problem.status == 0 => return ServerSession::Unreachable(problem),
            _ => device::clear_pending_logout().await,
        }
    }
    match send_json("GET", "/api/v1/session", "", None).await {
        Ok(session) => {
            let text = |value: &serde_json::Value| value.as_str().map(str::to_owned);
            match (
                text(&session["user"]["login"]),
                text(&session["csrf_token"]),
            ) {
                (Some(login), Some(csrf_token)) => ServerSession::SignedIn(SessionUser {
                    display_name: text(&session["user"]["display_name"])
                        .unwrap_or_else(|| login.clone()),
                    login,
                    csrf_token,
                }),
                _ => ServerSession::Unreachable(Problem::network()),
            }
        }
        Err(problem) if problem.status == 401 => ServerSession::Nobody,
        Err(problem) => ServerSession::Unreachable(problem),
    }
}

/// Makes the device belong to whoever the server said is signed in, releasing the previous
/// user's data (keeping unsent edits locked). Offline nothing changes: the person signed in
/// here stays signed in. `stored` is what the device held, read as the server was asked.
/// Returns who this tab is for.
async fn settle(session: &ServerSession, stored: &device::Stored) -> Option<String> {
    let previous = stored.person.as_ref().map(|(login, _)| login.clone());
    let now = match session {
        ServerSession::SignedIn(user) => {
            let changed = previous.as_deref() != Some(user.login.as_str());
            if let Some(previous) = previous.as_deref().filter(|_| changed) {
                let _ = release(previous, Keep::UnsentEdits, None).await;
            }
            // Released, nobody is stored: the new user is written whole.
            let held = if changed {
                device::Stored::default()
            } else {
                stored.clone()
            };
            device::sign_in(&held, &user.login, &user.display_name, &user.csrf_token).await;
            if changed {
                announce(Some(&user.login));
            }
            Some(user.login.clone())
        }
        ServerSession::Nobody => {
            if let Some(previous) = &previous {
                let _ = release(previous, Keep::UnsentEdits, None).await;
                announce(None);
            }
            None
        }
        ServerSession::Unreachable(_) => previous,
    };
    TAB_USER.with(|u| u.borrow_mut().clone_from(&now));
    now
}

/// Leaves nobody signed in here and removes what the device kept for `login` (see the module
/// documentation). `pending_logout` is the token of a session to end on the server later.
///
/// The device forgets who was signed in before anything is removed: if the tab dies halfway,
/// what is left belongs to nobody, and the app opens nothing that is not the signed-in user's.
pub async fn release(login: &str, keep: Keep, pending_logout: Option<&str>) -> Result<(), String> {
    if let Some(engine) = engine::engine().filter(|e| e.login == login) {
        engine.shut_down();
    }
    device::sign_out(pending_logout).await?;
    let keep_replica = match keep {
        Keep::UnsentEdits => {
            within(storage::ReplicaStorage::unfinished(login))
                .await?
                .map_err(|e| e.to_string())?
                > 0
        }
        Keep::Nothing => false,
    };
    if !keep_replica {
        within(storage::ReplicaStorage::erase(login))
            .await?
            .map_err(|e| e.to_string())?;
    }
    within(plans::erase(login)).await??;
    crate::components::reading::forget_positions();
    service_worker::forget_prepared_views().await;
    Ok(())
}

/// How long one step of releasing the device may take. Opening a database waits behind a
/// deletion still blocked by a tab of an older release that never closes its connection; the
/// step is then reported rather than left to hang the sign-out.
const STEP_MS: u32 = 5_000;

async fn within<T>(step: impl std::future::Future<Output = T>) -> Result<T, String> {
    let step = std::pin::pin!(step);
    match futures_util::future::select(step, gloo_timers::future::TimeoutFuture::new(STEP_MS)).await
    {
        futures_util::future::Either::Left((done, _)) => Ok(done),
        futures_util::future::Either::Right(_) => {
            Err(td_string!(locale(page_lang()), record.offline_storage_stuck).into())
        }
    }
}

/// Tells the other tabs who is signed in now.
pub fn announce(login: Option<&str>) {
    if let Ok(channel) = web_sys::BroadcastChannel::new(CHANNEL) {
        let _ = channel.post_message(&JsValue::from_str(login.unwrap_or("")));
        channel.close();
    }
}

/// Listens for changes of hands made in other tabs: a tab opened for someone who is no longer
/// signed in here stops its sync and closes what it shows (the page asks to be reloaded).
pub fn listen(status: SyncStatus) {
    let Ok(channel) = web_sys::BroadcastChannel::new(CHANNEL) else {
        return;
    };
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let now = event.data().as_string().unwrap_or_default();
            let tab_user = TAB_USER.with(|u| u.borrow().clone());
            if tab_user.is_some_and(|user| user != now) {
                close_tab(status);
            }
        });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    std::mem::forget(channel);
}

/// This tab is no longer for anyone (its user signed out here).
pub fn forget_tab_user() {
    TAB_USER.with(|u| *u.borrow_mut() = None);
}

/// Stops this tab's sync and hides everything it showed of its user, until it is reloaded.
pub fn close_tab(status: SyncStatus) {
    if let Some(engine) = engine::engine() {
        engine.shut_down();
    }
    forget_tab_user();
    status.replaced.set(true);
}
