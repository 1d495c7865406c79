//! `/sync`: the state of this device's progress replica — connection, edits waiting to be
//! sent, the last sync — with a button to sync now, the conflict screen (keep mine, keep
//! theirs, or write a new value) and the edits the server refused, kept until discarded.
//!
//! Like the progress page, the replica exists only in the browser; the server renders the
//! loading state.

use keikaku_domain::lang::mark_japanese;
use keikaku_sync::client::{OpenConflict, RejectedMutation};
use keikaku_sync::progress::{FieldValue, RecordKey};
use keikaku_sync::protocol::{Change, MutationKey};
use leptos::prelude::*;

use super::progress::describe_in;
use crate::components::layout::PageTitle;
use crate::i18n::{t, t_string, use_i18n};
use crate::lang::use_lang;
use crate::offline::use_sync_status;

#[component]
pub fn SyncPage() -> impl IntoView {
    let status = use_sync_status();
    let i18n = use_i18n();
    view! {
        <PageTitle text=t_string!(i18n, sync.title)/>
        <div class="page">
            <h1>{t!(i18n, sync.title)}</h1>
            {move || {
                if !status.ready.get() {
                    if status.needs_login.get() {
                        // Nothing of whoever used the device before: their unsent edits, if
                        // any, wait locked for them to sign in again.
                        return view! {
                            <p role="alert">{t!(i18n, sync.needs_login)}</p>
                            <p>{t!(i18n, sync.unsent_wait_for_login)}</p>
                            <p><a href="/login?next=%2Fsync">{t!(i18n, sync.sign_in)}</a></p>
                        }.into_any();
                    }
                    return view! {
                        <p class="loading" role="status">{t!(i18n, sync.loading)}</p>
                    }.into_any();
                }
                view! { <SyncOverview/> }.into_any()
            }}
        </div>
    }
}

/// Where a record belongs, in words: the plan's and the measure's ids, and the fiscal year.
fn record_label(key: &RecordKey) -> String {
    let (i18n, lang) = (use_i18n(), use_lang());
    let kind = if key.target.kind() == "measure" {
        t_string!(i18n, sync.measure)
    } else {
        t_string!(i18n, sync.action)
    };
    t_string!(
        i18n,
        sync.record,
        plan = key.plan_id.clone(),
        kind,
        id = key.target.id().to_owned(),
        year = keikaku_domain::FiscalYear(key.fiscal_year.0).label_in(lang)
    )
    .to_string()
}

/// What a mutation changed, for a list of refused ones.
fn mutation_label(key: &MutationKey) -> String {
    match key {
        MutationKey::Record(key) => record_label(key),
        MutationKey::Notebook(_) => {
            t_string!(use_i18n(), sync.notebook, plan = key.plan_id().to_owned()).to_string()
        }
    }
}

fn record_href(key: &RecordKey) -> Option<String> {
    (key.target.kind() == "measure").then(|| {
        format!(
            "{}/progress?year={}",
            keikaku_domain::views::paths::measure(&key.plan_id, key.target.id()),
            key.fiscal_year.0
        )
    })
}

#[component]
fn SyncOverview() -> impl IntoView {
    let status = use_sync_status();
    let snapshot = move || {
        status.revision.track();
        #[cfg(feature = "hydrate")]
        {
            crate::offline::engine::engine().map(|e| {
                e.with_replica(|r| (r.conflicts().to_vec(), r.rejected().to_vec(), r.cursor()))
            })
        }
        #[cfg(not(feature = "hydrate"))]
        {
            None::<(Vec<OpenConflict>, Vec<RejectedMutation>, u64)>
        }
    };
    let pin_owner = Memo::new(move |_| {
        #[cfg(feature = "hydrate")]
        let login = crate::offline::engine::engine().map(|e| e.login.clone());
        #[cfg(not(feature = "hydrate"))]
        let login = None::<String>;
        login.filter(|_| status.online.get())
    });
    let sync_now = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(engine) = crate::offline::engine::engine() {
            leptos::task::spawn_local(async move { engine.sync().await });
        }
    };
    let i18n = use_i18n();
    let count = move |n: usize| t_string!(i18n, sync.count, count = n).to_string();
    view! {
        <section aria-labelledby="state-heading">
            <h2 id="state-heading">{t!(i18n, sync.device_heading)}</h2>
            <dl class="sync-facts">
                <div><dt>{t!(i18n, sync.connection)}</dt><dd>{move || if status.online.get() { t_string!(i18n, sync.online) } else { t_string!(i18n, sync.offline) }}</dd></div>
                <div><dt>{t!(i18n, sync.unsent)}</dt><dd>{move || count(status.pending.get())}</dd></div>
                <div><dt>{t!(i18n, sync.last_sync)}</dt><dd>{move || status.last_sync.get().unwrap_or_else(|| t_string!(i18n, sync.never).to_owned())}</dd></div>
                <div><dt>{t!(i18n, sync.conflicts)}</dt><dd>{move || count(status.conflicts.get())}</dd></div>
                <div><dt>{t!(i18n, sync.rejected)}</dt><dd>{move || count(status.rejected.get())}</dd></div>
            </dl>
            // The sync engine's words may be the server's, which may quote Japanese.
            {move || status.error.get().map(|e| view! { <p class="notice notice--error" role="alert" lang=mark_japanese(&e)>{e.clone()}</p> })}
            <button type="button" class="button" on:click=sync_now disabled=move || status.syncing.get() || status.read_only.get()>
                {move || if status.syncing.get() { t_string!(i18n, sync.syncing) } else { t_string!(i18n, sync.sync_now) }}
            </button>
        </section>
        // Set while online only: offline, whoever holds the device could lock its user out.
        // A memo, so the form (and what is typed in it) is made again only when that changes.
        {move || pin_owner.get().map(|login| view! { <super::PinSettings login/> })}
        <section aria-labelledby="conflicts-heading">
            <h2 id="conflicts-heading">{t!(i18n, sync.conflicts)}</h2>
            {move || snapshot().map(|s| s.0).unwrap_or_default().is_empty().then(|| view! { <p>{t!(i18n, sync.no_conflicts)}</p> })}
            {move || (!snapshot().map(|s| s.0).unwrap_or_default().is_empty()).then(|| view! {
                <p>{t!(i18n, sync.conflicts_lead)}</p>
            })}
            // Keyed, so a card being edited survives every refresh of the replica.
            <ul class="conflicts">
                <For
                    each=move || snapshot().map(|s| s.0).unwrap_or_default()
                    key=|c| c.id.clone()
                    children=|c| view! { <li><ConflictCard conflict=c/></li> }
                />
            </ul>
        </section>
        <section aria-labelledby="rejected-heading">
            <h2 id="rejected-heading">{t!(i18n, sync.rejected)}</h2>
            {move || snapshot().map(|s| s.1).unwrap_or_default().is_empty().then(|| view! { <p>{t!(i18n, sync.no_rejected)}</p> })}
            <ul class="conflicts">
                <For
                    each=move || snapshot().map(|s| s.1).unwrap_or_default()
                    key=|r| r.mutation.id.clone()
                    children=|r| view! { <li><RejectedCard rejected=r/></li> }
                />
            </ul>
        </section>
    }
}

#[component]
fn ConflictCard(conflict: OpenConflict) -> impl IntoView {
    let OpenConflict { id, conflict, .. } = conflict;
    let field = conflict.field;
    let heading_id = format!("conflict-{}", id.as_str());
    let is_text = matches!(conflict.mine, FieldValue::Text(_));
    let draft = RwSignal::new(conflict.mine.as_text().unwrap_or_default().to_owned());
    let error = RwSignal::new(None::<String>);
    let resolve = move |resolution: keikaku_sync::client::Resolution| {
        let _ = &resolution;
        #[cfg(feature = "hydrate")]
        {
            let id = id.clone();
            leptos::task::spawn_local(async move {
                if let Some(engine) = crate::offline::engine::engine() {
                    error.set(engine.resolve(id, resolution).await.err());
                }
            });
        }
    };
    let resolve = StoredValue::new(resolve);
    let editor_id = format!("{heading_id}-edit");
    let (i18n, lang) = (use_i18n(), use_lang());
    // A text is the users' own words, in whatever language they wrote it.
    let value = |value: &FieldValue| {
        let text = describe_in(value, lang);
        view! { <dd lang=mark_japanese(&text)>{text.clone()}</dd> }
    };
    view! {
        <article class="conflict" aria-labelledby=heading_id.clone()>
            <h3 id=heading_id.clone()>{field.label_in(lang)}{t!(i18n, sync.separator)}{record_label(&conflict.key)}</h3>
            {record_href(&conflict.key).map(|href| view! { <p><a href=href>{t!(i18n, sync.open_record)}</a></p> })}
            <dl class="history__values">
                <div><dt>{t!(i18n, sync.mine)}</dt>{value(&conflict.mine)}</div>
                <div><dt>{t!(i18n, sync.theirs)}</dt>{value(&conflict.theirs)}</div>
            </dl>
            <div class="conflict__actions">
                <button type="button" on:click=move |_| resolve.with_value(|r| r(keikaku_sync::client::Resolution::KeepMine))>{t!(i18n, sync.keep_mine)}</button>
                <button type="button" on:click=move |_| resolve.with_value(|r| r(keikaku_sync::client::Resolution::KeepTheirs))>{t!(i18n, sync.keep_theirs)}</button>
            </div>
            {is_text.then(|| view! {
                <div class="field">
                    <label for=editor_id.clone()>{t!(i18n, sync.rewrite)}</label>
                    <textarea id=editor_id rows="4" prop:value=draft on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                    <button type="button" on:click=move |_| {
                        let value = FieldValue::Text(draft.get_untracked());
                        resolve.with_value(|r| r(keikaku_sync::client::Resolution::Edit(value)));
                    }>{t!(i18n, sync.save_rewritten)}</button>
                </div>
            })}
            {move || error.get().map(|e| view! { <p class="notice notice--error" role="alert" lang=mark_japanese(&e)>{e.clone()}</p> })}
        </article>
    }
}

#[component]
fn RejectedCard(rejected: RejectedMutation) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), use_lang());
    let reason = rejected.reason_in(lang).to_owned();
    let RejectedMutation { mutation, .. } = rejected;
    // What kind of change, and what it holds: users' words, marked with their language.
    let (what, detail): (String, Option<String>) = match &mutation.change {
        Change::Set { field, value, .. } => (
            field.label_in(lang).to_owned(),
            Some(describe_in(value, lang)),
        ),
        Change::AppendNote { note } => (
            t_string!(i18n, sync.field_note).to_owned(),
            Some(note.text.clone()),
        ),
        Change::RetractNote { .. } => (t_string!(i18n, sync.note_retracted).to_owned(), None),
        Change::AppendKpiReading { reading } => (
            t_string!(i18n, sync.kpi_reading).to_owned(),
            Some(keikaku_sync::round_sheet::reading_as_of(
                &reading.value,
                "",
                &reading.as_of,
                lang,
            )),
        ),
        Change::Submit { .. } => (t_string!(i18n, sync.report_submitted).to_owned(), None),
        Change::AppendAnnotation { annotation } => (
            annotation.kind.label_in(lang).to_owned(),
            Some(
                if annotation.text.is_empty() {
                    annotation.quote()
                } else {
                    &annotation.text
                }
                .to_owned(),
            ),
        ),
        Change::RetractAnnotation { .. } => {
            (t_string!(i18n, sync.annotation_deleted).to_owned(), None)
        }
    };
    let id = mutation.id.clone();
    let discard = move |_| {
        let _ = &id;
        #[cfg(feature = "hydrate")]
        {
            let id = id.clone();
            leptos::task::spawn_local(async move {
                if let Some(engine) = crate::offline::engine::engine() {
                    let _ = engine.discard_rejected(id).await;
                }
            });
        }
    };
    let detail = detail.map(|detail| {
        view! { {t!(i18n, sync.separator)}<span lang=mark_japanese(&detail)>{detail.clone()}</span> }
    });
    // A reason kept from an older server may be Japanese only: marked as such.
    view! {
        <article class="conflict">
            <h3>{mutation_label(&mutation.key)}</h3>
            <p>{what}{detail}</p>
            <p class="notice notice--error">{t!(i18n, sync.reason)}<span lang=mark_japanese(&reason)>{reason.clone()}</span></p>
            <button type="button" on:click=discard>{t!(i18n, sync.discard)}</button>
        </article>
    }
}

/// The header's compact sync state, linking to this page. Rendered only once the replica is
/// open in the browser (never on the server), so hydration is unaffected. Signed out with
/// nothing waiting to be sent, there is nothing to report: it stays hidden.
#[component]
pub fn SyncIndicator() -> impl IntoView {
    let status = use_sync_status();
    let nothing_to_report = move || {
        status.needs_login.get()
            && status.pending.get() == 0
            && status.conflicts.get() == 0
            && status.rejected.get() == 0
    };
    let i18n = use_i18n();
    move || {
        (status.ready.get() && !nothing_to_report()).then(|| {
            let (pending, conflicts) = (status.pending.get(), status.conflicts.get());
            let text = if status.needs_login.get() {
                t_string!(i18n, sync.indicator_needs_login, count = pending).to_string()
            } else if !status.online.get() {
                t_string!(i18n, sync.indicator_offline, count = pending).to_string()
            } else if status.syncing.get() {
                t_string!(i18n, sync.syncing).to_owned()
            } else if conflicts > 0 {
                t_string!(i18n, sync.indicator_conflicts, count = conflicts).to_string()
            } else if pending > 0 {
                t_string!(i18n, sync.indicator_unsent, count = pending).to_string()
            } else {
                match status.last_sync.get() {
                    Some(time) => t_string!(i18n, sync.indicator_synced, time).to_string(),
                    None => t_string!(i18n, sync.indicator_waiting).to_owned(),
                }
            };
            let label = t_string!(i18n, sync.indicator_label, state = text.clone()).to_string();
            let alert = status.needs_login.get() || status.conflicts.get() > 0 || status.error.get().is_some();
            view! {
                <a href="/sync" class="sync-indicator" class:sync-indicator--alert=alert
                    class:sync-indicator--offline=move || !status.online.get()
                    aria-label=label>
                    <span aria-hidden="true">{if status.online.get() { "●" } else { "○" }}</span>" "{text.clone()}
                </a>
            }
        })
    }
}
