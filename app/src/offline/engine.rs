//! The sync engine: owns this tab's [`Replica`], persists every change before anything else
//! happens, and syncs with the server on reconnect, on a timer, on server events and on demand.
//!
//! Only one tab per user syncs and edits: it holds a Web Lock named after the user. Other tabs
//! show the replica read-only and reload it when the syncing tab announces a change on a
//! BroadcastChannel.
//!
//! The engine opens only the replica of whoever is signed in here ([`super::handover`]), and
//! says whose replica it syncs on every request: the server refuses a sync for another user
//! than the session's, and the engine then stops and asks for a reload.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use futures_channel::oneshot;
use keikaku_sync::client::{NewAnnotation, NewKpiReading, NewNote, Replica, Resolution, Write};
use keikaku_sync::progress::{Field, FieldValue, RecordKey};
use keikaku_sync::protocol::{
    replica_user_header_value, ChangedEvent, MutationId, PullResponse, PushResponse,
    MAX_PULL_LIMIT, MAX_PUSH_MUTATIONS, REPLICA_USER_HEADER,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::handover::{self, ServerSession};
use super::status::SyncStatus;
use super::storage::ReplicaStorage;
use super::Waiters;
use crate::client::{locale, page_lang, send, Problem};
use crate::i18n::td_string;
use crate::timeline::Phase;

/// How often a connected tab syncs even without a server event.
const SYNC_INTERVAL_MS: u32 = 30_000;
/// Pushes on their way at once: enough to keep the server busy while this tab prepares the
/// next push and stores the last answers.
const PUSHES_IN_FLIGHT: usize = 2;
/// The first push of a sync is small, so the server starts deciding while this tab prepares
/// the larger ones after it.
const FIRST_PUSH_MUTATIONS: usize = 500;
/// Edits made in a burst are pushed together.
const PUSH_DELAY_MS: u32 = 400;
const CHANNEL: &str = "keikaku-replica";
/// Why an engine that was shut down refuses an edit, in the page's language.
fn stopped() -> String {
    td_string!(locale(page_lang()), record.offline_stopped).to_owned()
}
/// The header a request carries its CSRF token in; a refusal naming it means the session
/// changed under this tab.
const CSRF_HEADER: &str = "x-csrf-token";

thread_local! {
    static ENGINE: RefCell<Option<Rc<SyncEngine>>> = const { RefCell::new(None) };
    /// Waiting for [`opened`] until `start` has opened the engine or found none to open.
    static OPENING: RefCell<Option<Waiters>> = RefCell::new(Some(Waiters::default()));
}

/// This tab's engine, once started.
pub fn engine() -> Option<Rc<SyncEngine>> {
    ENGINE.with(|e| e.borrow().clone())
}

/// This tab's engine once `start` has finished opening it (`None` when nobody's replica is on
/// this device). Pages that read the replica wait here instead of racing the start.
pub async fn opened() -> Option<Rc<SyncEngine>> {
    // `None` once opening has finished.
    let waiting = OPENING.with(|opening| opening.borrow_mut().as_mut().map(Waiters::wait));
    if let Some(receiver) = waiting {
        let _ = receiver.await;
    }
    engine()
}

fn finish_opening() {
    if let Some(waiters) = OPENING.with(|opening| opening.borrow_mut().take()) {
        waiters.wake_all();
    }
}

pub struct SyncEngine {
    /// Whose replica this is; requests say so in [`REPLICA_USER_HEADER`].
    pub login: String,
    /// Shown as the author of field notes.
    pub display_name: String,
    csrf_token: RefCell<Option<String>>,
    storage: ReplicaStorage,
    replica: RefCell<Replica>,
    status: SyncStatus,
    leader: Cell<bool>,
    sync_running: Cell<bool>,
    sync_again: Cell<bool>,
    push_scheduled: Cell<bool>,
    channel: Option<web_sys::BroadcastChannel>,
    /// Another tab announced a write since this one last loaded the replica.
    stale: Rc<Cell<bool>>,
    /// Shut down: the device changed hands or the session ended. Nothing more is synced,
    /// edited or stored.
    stopped: Cell<bool>,
    /// The server's event stream, closed on shutdown.
    events: RefCell<Option<web_sys::EventSource>>,
    /// Resolves the promise that holds the Web Lock, letting another tab sync.
    release_lock: RefCell<Option<js_sys::Function>>,
}

/// Starts the engine for whoever is signed in: the server says who, and offline the device,
/// so the queued edits of the person signed in here stay visible and editable.
pub fn start(status: SyncStatus) {
    spawn_local(async move {
        open_engine(status).await;
        finish_opening();
    });
}

async fn open_engine(status: SyncStatus) {
    handover::listen(status);
    let (session, login) = handover::ask_and_settle().await;
    if matches!(&session, ServerSession::Unreachable(problem) if problem.status == 0) {
        status.online.set(false);
    }
    let Some(login) = login else {
        // Nobody is signed in here: progress is recorded only after signing in.
        status.needs_login.set(true);
        return;
    };
    if super::lock::tab_locked().await {
        // Opened once the PIN is entered (the page reloads then).
        status.locked.set(true);
        return;
    }
    let csrf_token = match session {
        ServerSession::SignedIn(user) => {
            status.needs_login.set(false);
            // Every plan this user may read, for pages opened offline later.
            spawn_local(async move {
                if let Err(e) = super::plans::keep_readable_plans().await {
                    leptos::logging::warn!("plans not kept for offline use: {e}");
                }
            });
            Some(user.csrf_token)
        }
        _ => None,
    };
    match SyncEngine::open(login, csrf_token, status).await {
        Ok(engine) => {
            ENGINE.with(|e| *e.borrow_mut() = Some(Rc::clone(&engine)));
            engine.refresh_status();
            status.ready.set(true);
            engine.listen();
            engine.claim_leadership();
        }
        Err(e) => status.error.set(Some(e)),
    }
}

fn now_label() -> String {
    let date = js_sys::Date::new_0();
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// Today as `YYYY-MM-DD` in the device's time zone.
pub fn today() -> String {
    let date = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date()
    )
}

impl SyncEngine {
    async fn open(
        login: String,
        csrf_token: Option<String>,
        status: SyncStatus,
    ) -> Result<Rc<SyncEngine>, String> {
        let storage = ReplicaStorage::open(&login)
            .await
            .map_err(|e| e.to_string())?;
        // Listening before loading: a write this load misses is announced after it commits,
        // so it marks the loaded replica stale (see `claim_leadership`).
        let channel = web_sys::BroadcastChannel::new(&format!("{CHANNEL}-{login}")).ok();
        let stale = Rc::new(Cell::new(false));
        if let Some(channel) = &channel {
            let stale = Rc::clone(&stale);
            let on_message =
                Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_| stale.set(true));
            channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            on_message.forget();
        }
        let (client_id, stored) = storage.load().await.map_err(|e| e.to_string())?;
        let display_name = super::device::signed_in()
            .await
            .map(|(_, name)| name)
            .unwrap_or_else(|| login.clone());
        Ok(Rc::new(SyncEngine {
            display_name,
            login,
            csrf_token: RefCell::new(csrf_token),
            storage,
            replica: RefCell::new(Replica::restore(client_id, stored)),
            status,
            leader: Cell::new(false),
            sync_running: Cell::new(false),
            sync_again: Cell::new(false),
            push_scheduled: Cell::new(false),
            channel,
            stale,
            stopped: Cell::new(false),
            events: RefCell::new(None),
            release_lock: RefCell::new(None),
        }))
    }

    /// Stops for good: no more syncing, editing or storing, the Web Lock and the event stream
    /// released, and the replica no longer shown. Called when the device changes hands or the
    /// session ends; what is stored stays as it is.
    pub fn shut_down(&self) {
        self.stopped.set(true);
        self.leader.set(false);
        if let Some(events) = self.events.borrow_mut().take() {
            events.close();
        }
        if let Some(release) = self.release_lock.borrow_mut().take() {
            let _ = release.call0(&JsValue::NULL);
        }
        if let Some(channel) = &self.channel {
            channel.close();
        }
        self.storage.close();
        ENGINE.with(|e| *e.borrow_mut() = None);
        self.status.ready.set(false);
        self.status.syncing.set(false);
        self.status.pending.set(0);
        self.status.conflicts.set(0);
        self.status.rejected.set(0);
        self.status.revision.update(|r| *r += 1);
    }

    /// Whether a sync is under way.
    pub fn syncing(&self) -> bool {
        self.sync_running.get()
    }

    /// How many edits the server has not taken: queued, in conflict, refused.
    pub fn unfinished(&self) -> (usize, usize, usize) {
        let replica = self.replica.borrow();
        let counts = (
            replica.pending().len(),
            replica.conflicts().len(),
            replica.rejected().len(),
        );
        counts
    }

    /// Reads the replica.
    pub fn with_replica<T>(&self, read: impl FnOnce(&Replica) -> T) -> T {
        read(&self.replica.borrow())
    }

    fn refresh_status(&self) {
        if self.stopped.get() {
            return;
        }
        let replica = self.replica.borrow();
        self.status.pending.set(replica.pending().len());
        self.status.conflicts.set(replica.conflicts().len());
        self.status.rejected.set(replica.rejected().len());
        self.status.revision.update(|r| *r += 1);
    }

    /// Persists writes made by a replica method that just ran. Called right after the method,
    /// before any await, so storage sees writes in the order the replica made them.
    async fn persist(&self, writes: Vec<Write>) -> Result<(), String> {
        if writes.is_empty() {
            return Ok(());
        }
        if self.stopped.get() {
            return Err(stopped());
        }
        let _phase = Phase::start("keikaku:persist");
        let commit = self.storage.apply(writes).map_err(|e| e.to_string())?;
        let result = commit.await.map_err(|e| e.to_string());
        if result.is_ok() {
            if let Some(channel) = &self.channel {
                let _ = channel.post_message(&JsValue::from_str("changed"));
            }
        } else {
            // Memory ran ahead of storage: go back to what is stored.
            self.reload().await;
        }
        result
    }

    async fn reload(&self) {
        // Announcements from here on may not be in what is read: they mark it stale again.
        self.stale.set(false);
        if let Ok((client_id, stored)) = self.storage.load().await {
            *self.replica.borrow_mut() = Replica::restore(client_id, stored);
        }
        self.refresh_status();
    }

    fn check_writable(&self) -> Result<(), String> {
        if self.stopped.get() {
            Err(stopped())
        } else if self.leader.get() {
            Ok(())
        } else {
            Err(td_string!(locale(page_lang()), record.offline_other_tab).to_owned())
        }
    }

    /// Runs a replica change, persists it, then schedules a push.
    async fn change(
        self: &Rc<Self>,
        apply: impl FnOnce(&mut Replica) -> Result<Vec<Write>, String>,
    ) -> Result<(), String> {
        self.check_writable()?;
        let writes = apply(&mut self.replica.borrow_mut())?;
        let result = self.persist(writes).await;
        self.refresh_status();
        result?;
        self.schedule_push();
        Ok(())
    }

    pub async fn edit(
        self: &Rc<Self>,
        key: RecordKey,
        field: Field,
        value: FieldValue,
    ) -> Result<(), String> {
        self.change(|r| r.edit(key, field, value).map(|(_, w)| w).map_err(invalid))
            .await
    }

    pub async fn append_note(self: &Rc<Self>, key: RecordKey, note: NewNote) -> Result<(), String> {
        self.change(|r| r.append_note(key, note).map(|(_, w)| w).map_err(invalid))
            .await
    }

    pub async fn retract_note(
        self: &Rc<Self>,
        key: RecordKey,
        note_id: String,
    ) -> Result<(), String> {
        self.change(|r| {
            r.retract_note(key, &note_id)
                .map(|(_, w)| w)
                .map_err(invalid)
        })
        .await
    }

    pub async fn append_kpi_reading(
        self: &Rc<Self>,
        key: RecordKey,
        reading: NewKpiReading,
    ) -> Result<(), String> {
        self.change(|r| {
            r.append_kpi_reading(key, reading)
                .map(|(_, w)| w)
                .map_err(invalid)
        })
        .await
    }

    /// Queues the record's submission to a reporting round, after the edits queued before it.
    pub async fn submit(self: &Rc<Self>, key: RecordKey, round_id: String) -> Result<(), String> {
        self.change(|r| {
            r.submit_in(key, &round_id, page_lang())
                .map(|(_, w)| w)
                .map_err(invalid)
        })
        .await
    }

    pub async fn resolve(
        self: &Rc<Self>,
        conflict: MutationId,
        resolution: Resolution,
    ) -> Result<(), String> {
        self.change(|r| {
            r.resolve(&conflict, resolution)
                .map(|(_, w)| w)
                .map_err(invalid)
        })
        .await
    }

    /// Adds a highlight, note or bookmark to the user's notebook (or an edit of one).
    pub async fn annotate(self: &Rc<Self>, new: NewAnnotation) -> Result<(), String> {
        self.change(|r| r.annotate(new).map(|(_, w)| w).map_err(invalid))
            .await
    }

    /// Deletes one of the user's annotations.
    pub async fn retract_annotation(
        self: &Rc<Self>,
        plan_id: String,
        annotation_id: String,
    ) -> Result<(), String> {
        self.change(|r| {
            r.retract_annotation(&plan_id, &annotation_id)
                .map(|(_, w)| w)
                .map_err(invalid)
        })
        .await
    }

    pub async fn discard_rejected(self: &Rc<Self>, id: MutationId) -> Result<(), String> {
        self.change(|r| Ok(r.discard_rejected(&id))).await
    }

    fn schedule_push(self: &Rc<Self>) {
        if self.push_scheduled.replace(true) {
            return;
        }
        let engine = Rc::clone(self);
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(PUSH_DELAY_MS).await;
            engine.push_scheduled.set(false);
            engine.sync().await;
        });
    }

    /// Pushes everything queued, then pulls until up to date. One run at a time; a request
    /// during a run makes it run once more.
    pub async fn sync(self: &Rc<Self>) {
        if self.stopped.get() || !self.leader.get() {
            return;
        }
        // The browser knows it has no network (`navigator.onLine` is trustworthy when it says
        // so): no request could reach the server, and the `online` event syncs once it can.
        if !browser_online() {
            self.status.online.set(false);
            return;
        }
        if self.sync_running.replace(true) {
            self.sync_again.set(true);
            return;
        }
        drop(Phase::start("keikaku:sync-start"));
        self.status.syncing.set(true);
        let mut asked_session = false;
        loop {
            self.sync_again.set(false);
            let result = self.sync_once().await;
            match result {
                Ok(()) => {
                    self.status.online.set(true);
                    self.status.error.set(None);
                    self.status.last_sync.set(Some(now_label()));
                }
                Err(problem) => {
                    match (problem.status, problem.field.as_deref()) {
                        (0, _) => self.status.online.set(false),
                        (401, _) => {
                            // The session ended (signed out elsewhere, expired, password
                            // changed, disabled): nobody is signed in here any more. The edits
                            // stay, locked, until this user signs in again.
                            self.status.online.set(true);
                            self.status.needs_login.set(true);
                            *self.csrf_token.borrow_mut() = None;
                            handover::session_ended().await;
                        }
                        (403, Some(CSRF_HEADER)) if !asked_session => {
                            // The session changed under this tab: ask who is signed in now.
                            asked_session = true;
                            *self.csrf_token.borrow_mut() = None;
                            self.sync_again.set(true);
                            continue;
                        }
                        (409, Some(REPLICA_USER_HEADER)) => {
                            handover::close_tab(self.status);
                        }
                        _ => self.status.online.set(true),
                    }
                    if problem.status != 0 {
                        self.status.error.set(Some(problem.message_in(page_lang())));
                    }
                    // Unreachable, but asked again meanwhile (the `online` event arrives while
                    // a sync begun offline is failing): try once more rather than wait for the
                    // timer. Any other failure waits for the next request.
                    if problem.status != 0 || !self.sync_again.get() {
                        break;
                    }
                }
            }
            if !self.sync_again.get() {
                break;
            }
        }
        self.sync_running.set(false);
        self.status.syncing.set(false);
        self.refresh_status();
    }

    async fn sync_once(self: &Rc<Self>) -> Result<(), Problem> {
        let token = self.csrf_token.borrow().clone();
        let token = match token {
            Some(token) => token,
            // Started offline, or the session changed: ask the server who is signed in now.
            None => {
                let phase = Phase::start("keikaku:session");
                // Someone else signed in: the device is theirs now, and this replica waits,
                // locked, for its user.
                let (session, _) = handover::ask_and_settle().await;
                drop(phase);
                match session {
                    ServerSession::SignedIn(user) if user.login == self.login => {
                        self.status.needs_login.set(false);
                        *self.csrf_token.borrow_mut() = Some(user.csrf_token.clone());
                        user.csrf_token
                    }
                    ServerSession::Unreachable(problem) => return Err(problem),
                    ServerSession::Nobody => {
                        return Err(Problem {
                            status: 401,
                            field: None,
                            reason: td_string!(locale(page_lang()), record.offline_sign_in).into(),
                        })
                    }
                    ServerSession::SignedIn(_) => {
                        return Err(Problem {
                            status: 409,
                            field: Some(REPLICA_USER_HEADER.into()),
                            reason: td_string!(locale(page_lang()), record.offline_other_user)
                                .into(),
                        });
                    }
                }
            }
        };
        let _whole = Phase::start("keikaku:sync");
        // Push: the `sent` marks are stored before the request leaves, so a reopened tab
        // never rewrites a mutation the server may already have applied. A push's answers are
        // stored together with the next push's marks: one transaction (and one flush to disk)
        // per push. Answers not yet stored when the tab closes are asked for again, and the
        // server answers a repeated mutation as before, applying nothing twice.
        //
        // Up to PUSHES_IN_FLIGHT pushes travel at once, so the server decides one while this
        // tab prepares the next and takes in the answer before; each carries only mutations
        // queued after those already on their way (`Replica::next_push_after`).
        let mut answered = Vec::new();
        let mut pushes_sent = 0;
        let mut in_flight: VecDeque<(u64, Answer<PushResponse>)> = VecDeque::new();
        loop {
            if in_flight.len() < PUSHES_IN_FLIGHT {
                let through = in_flight.back().map_or(0, |(through, _)| *through);
                let phase = Phase::start("keikaku:push-prepare");
                let max = if pushes_sent == 0 {
                    FIRST_PUSH_MUTATIONS
                } else {
                    MAX_PUSH_MUTATIONS
                };
                let next = self.replica.borrow_mut().next_push_after(max, through);
                if let Some(push) = next {
                    let body = serde_json::to_string(&push.request)
                        .map_err(|e| storage_problem(e.to_string()))?;
                    answered.extend(push.writes);
                    drop(phase);
                    self.persist(std::mem::take(&mut answered))
                        .await
                        .map_err(storage_problem)?;
                    // Sent before the next push is prepared.
                    let answer = send_apart(
                        "keikaku:push-request",
                        "POST",
                        "/api/v1/sync/push".into(),
                        (&token, &self.login),
                        Some(body),
                    )
                    .await;
                    in_flight.push_back((push.through, answer));
                    pushes_sent += 1;
                    continue;
                }
            }
            let Some((_, oldest)) = in_flight.pop_front() else {
                break;
            };
            let response = match answer_of(oldest).await {
                Ok(response) => response,
                Err(problem) => {
                    // Answers already taken in are stored before giving up: storage must not
                    // fall behind what this tab shows.
                    self.persist(answered).await.map_err(storage_problem)?;
                    return Err(problem);
                }
            };
            let phase = Phase::start("keikaku:push-apply");
            answered.extend(self.replica.borrow_mut().apply_push_response(&response));
            drop(phase);
            self.refresh_status();
        }
        // Pull until the server says there is no more. The last answers are stored while the
        // first pull travels: its cursor is already in memory, and its rows are stored after them.
        let mut unstored = Some(answered);
        loop {
            let since = self.replica.borrow().cursor();
            let url = format!("/api/v1/sync/pull?since={since}&limit={MAX_PULL_LIMIT}&notebooks=1");
            // Sent before the answers are stored: storing serializes on this thread.
            let pulled = send_apart::<PullResponse>(
                "keikaku:pull-request",
                "GET",
                url,
                (&token, &self.login),
                None,
            )
            .await;
            if let Some(answered) = unstored.take() {
                self.persist(answered).await.map_err(storage_problem)?;
            }
            let response = answer_of(pulled).await?;
            let phase = Phase::start("keikaku:pull-apply");
            let writes = self.replica.borrow_mut().apply_pull(&response);
            drop(phase);
            self.persist(writes).await.map_err(storage_problem)?;
            self.refresh_status();
            if !response.more {
                break;
            }
        }
        Ok(())
    }

    /// Becomes the syncing tab when no other tab of this user is; until then, read-only.
    fn claim_leadership(self: &Rc<Self>) {
        let engine = Rc::clone(self);
        let become_leader = move || {
            spawn_local(async move {
                if engine.stopped.get() {
                    return;
                }
                // Another tab may have written since this one loaded. Usually none did, and
                // loading a large outbox again would hold up the first sync.
                if engine.stale.get() {
                    engine.reload().await;
                }
                engine.leader.set(true);
                engine.status.read_only.set(false);
                engine.sync().await;
            });
        };
        let locks = web_sys::window()
            .map(|w| w.navigator())
            .and_then(|n| js_sys::Reflect::get(&n, &JsValue::from_str("locks")).ok())
            .filter(|l| !l.is_undefined());
        let Some(locks) = locks else {
            become_leader();
            return;
        };
        self.status.read_only.set(true);
        let request = js_sys::Reflect::get(&locks, &JsValue::from_str("request"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        let Some(request) = request else {
            become_leader();
            return;
        };
        // The lock is held for as long as the promise returned here is pending: for the life
        // of the tab, or until the engine shuts down.
        let engine = Rc::clone(self);
        let on_granted = Closure::once_into_js(move |_lock: JsValue| -> JsValue {
            become_leader();
            js_sys::Promise::new(&mut |resolve, _reject| {
                *engine.release_lock.borrow_mut() = Some(resolve);
            })
            .into()
        });
        let name = JsValue::from_str(&format!("keikaku-sync-{}", self.login));
        let _ = request.call2(&locks, &name, &on_granted);
    }

    /// Syncs on reconnect, on a timer and on server events; follows other tabs' changes.
    fn listen(self: &Rc<Self>) {
        let Some(window) = web_sys::window() else {
            return;
        };
        // `navigator.onLine` is only trustworthy when it says offline: a device on a network
        // may still not reach the server.
        if !browser_online() {
            self.status.online.set(false);
        }
        let engine = Rc::clone(self);
        let on_online = Closure::<dyn Fn()>::new(move || {
            engine.status.online.set(true);
            let engine = Rc::clone(&engine);
            spawn_local(async move { engine.sync().await });
        });
        let _ =
            window.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
        on_online.forget();
        let status = self.status;
        let on_offline = Closure::<dyn Fn()>::new(move || status.online.set(false));
        let _ =
            window.add_event_listener_with_callback("offline", on_offline.as_ref().unchecked_ref());
        on_offline.forget();

        let engine = Rc::clone(self);
        spawn_local(async move {
            while !engine.stopped.get() {
                gloo_timers::future::TimeoutFuture::new(SYNC_INTERVAL_MS).await;
                engine.sync().await;
            }
        });

        if let Ok(events) = web_sys::EventSource::new("/api/v1/sync/events") {
            let engine = Rc::clone(self);
            let on_changed = Closure::<dyn Fn(web_sys::MessageEvent)>::new(
                move |event: web_sys::MessageEvent| {
                    let sequence = event
                        .data()
                        .as_string()
                        .and_then(|d| serde_json::from_str::<ChangedEvent>(&d).ok())
                        .map(|e| e.sequence);
                    if sequence.is_none_or(|s| s > engine.replica.borrow().cursor()) {
                        let engine = Rc::clone(&engine);
                        spawn_local(async move { engine.sync().await });
                    }
                },
            );
            let _ = events
                .add_event_listener_with_callback("changed", on_changed.as_ref().unchecked_ref());
            on_changed.forget();
            // The stream reconnects by itself; when it does, the server is back: sync.
            let engine = Rc::clone(self);
            let on_open = Closure::<dyn Fn()>::new(move || {
                let engine = Rc::clone(&engine);
                spawn_local(async move { engine.sync().await });
            });
            let _ =
                events.add_event_listener_with_callback("open", on_open.as_ref().unchecked_ref());
            on_open.forget();
            *self.events.borrow_mut() = Some(events);
        }

        if let Some(channel) = &self.channel {
            let engine = Rc::clone(self);
            let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_| {
                engine.stale.set(true);
                if !engine.leader.get() {
                    let engine = Rc::clone(&engine);
                    spawn_local(async move { engine.reload().await });
                }
            });
            channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            on_message.forget();
        }
    }
}

/// The answer to a request sent by [`send_apart`].
type Answer<T> = oneshot::Receiver<Result<T, Problem>>;

/// Sends a request from a task of its own, marked on the timeline as `phase`, so it travels
/// while the sync goes on, with the session's CSRF token and whose replica it is for. Returns
/// once the request has left.
async fn send_apart<T: serde::de::DeserializeOwned + 'static>(
    phase: &'static str,
    method: &'static str,
    url: String,
    (token, replica_user): (&str, &str),
    body: Option<String>,
) -> Answer<T> {
    let (answer, answered) = oneshot::channel();
    let token = token.to_owned();
    let replica_user = replica_user_header_value(replica_user);
    spawn_local(async move {
        let _phase = Phase::start(phase);
        let headers = [(REPLICA_USER_HEADER, replica_user.as_str())];
        // The sync may have ended on another request's failure: nobody listens.
        let _ = answer.send(send(method, &url, &token, &headers, body).await);
    });
    // The task runs on the next turn of the microtasks, ahead of whatever comes after this.
    let _ =
        wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&JsValue::UNDEFINED)).await;
    answered
}

/// What a request sent by [`send_apart`] got; a task dropped before answering counts as the
/// server not reached.
async fn answer_of<T>(answer: Answer<T>) -> Result<T, Problem> {
    answer.await.unwrap_or_else(|_| Err(Problem::network()))
}

/// False only when the browser knows it has no network.
fn browser_online() -> bool {
    web_sys::window().is_none_or(|window| window.navigator().on_line())
}

/// A refused edit, in the page's language; the replica's reason is a short English note, or
/// in the page's language where the user can act on it (a submission).
fn invalid(e: keikaku_sync::progress::Invalid) -> String {
    let (field, reason) = (e.field, e.reason);
    td_string!(locale(page_lang()), record.offline_invalid, field, reason).to_string()
}

fn storage_problem(reason: String) -> Problem {
    Problem {
        status: 500,
        field: None,
        reason,
    }
}
