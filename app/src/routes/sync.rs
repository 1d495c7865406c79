//! `/sync`: the state of this device's progress replica — connection, edits waiting to be
//! sent, the last sync — with a button to sync now, the conflict screen (keep mine, keep
//! theirs, or write a new value) and the edits the server refused, kept until discarded.
//!
//! Like the progress page, the replica exists only in the browser; the server renders the
//! loading state.

use keikaku_sync::client::{OpenConflict, RejectedMutation};
use keikaku_sync::progress::{FieldValue, RecordKey};
use keikaku_sync::protocol::{Change, MutationKey};
use leptos::prelude::*;

use super::progress::describe;
use crate::components::layout::PageTitle;
use crate::offline::use_sync_status;

#[component]
pub fn SyncPage() -> impl IntoView {
    let status = use_sync_status();
    view! {
        <PageTitle text="同期の状況"/>
        <div class="page">
            <h1>"同期の状況"</h1>
            {move || {
                if !status.ready.get() {
                    if status.needs_login.get() {
                        // Nothing of whoever used the device before: their unsent edits, if
                        // any, wait locked for them to sign in again.
                        return view! {
                            <p role="alert">"進捗の記録と同期にはログインが必要です。"</p>
                            <p>"この端末に未送信の変更を残した人は、もう一度ログインすると、その変更が送信されます。"</p>
                            <p><a href="/login?next=%2Fsync">"ログインする"</a></p>
                        }.into_any();
                    }
                    return view! {
                        <p class="loading" role="status">"この端末に保存された進捗を読み込み中…"</p>
                    }.into_any();
                }
                view! { <SyncOverview/> }.into_any()
            }}
        </div>
    }
}

/// Where a record belongs, in words.
fn record_label(key: &RecordKey) -> String {
    format!(
        "{}・{}「{}」・{}",
        key.plan_id,
        if key.target.kind() == "measure" {
            "施策"
        } else {
            "取組"
        },
        key.target.id(),
        keikaku_domain::FiscalYear(key.fiscal_year.0).label()
    )
}

/// What a mutation changed, for a list of refused ones.
fn mutation_label(key: &MutationKey) -> String {
    match key {
        MutationKey::Record(key) => record_label(key),
        MutationKey::Notebook(_) => format!("{}・計画書のメモ", key.plan_id()),
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
    view! {
        <section aria-labelledby="state-heading">
            <h2 id="state-heading">"この端末の状態"</h2>
            <dl class="sync-facts">
                <div><dt>"接続"</dt><dd>{move || if status.online.get() { "オンライン" } else { "オフライン" }}</dd></div>
                <div><dt>"未送信の変更"</dt><dd>{move || format!("{}件", status.pending.get())}</dd></div>
                <div><dt>"最後の同期"</dt><dd>{move || status.last_sync.get().unwrap_or_else(|| "まだありません".to_owned())}</dd></div>
                <div><dt>"競合"</dt><dd>{move || format!("{}件", status.conflicts.get())}</dd></div>
                <div><dt>"送信できなかった変更"</dt><dd>{move || format!("{}件", status.rejected.get())}</dd></div>
            </dl>
            {move || status.error.get().map(|e| view! { <p class="notice notice--error" role="alert">{e}</p> })}
            <button type="button" class="button" on:click=sync_now disabled=move || status.syncing.get() || status.read_only.get()>
                {move || if status.syncing.get() { "同期中…" } else { "今すぐ同期" }}
            </button>
        </section>
        // Set while online only: offline, whoever holds the device could lock its user out.
        // A memo, so the form (and what is typed in it) is made again only when that changes.
        {move || pin_owner.get().map(|login| view! { <super::PinSettings login/> })}
        <section aria-labelledby="conflicts-heading">
            <h2 id="conflicts-heading">"競合"</h2>
            {move || snapshot().map(|s| s.0).unwrap_or_default().is_empty().then(|| view! { <p>"競合はありません。"</p> })}
            {move || (!snapshot().map(|s| s.0).unwrap_or_default().is_empty()).then(|| view! {
                <p>"同じ項目を別の人が先に変更しました。どちらの値を残すか選んでください。選ぶまで、サーバーの値が表示されます。"</p>
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
            <h2 id="rejected-heading">"送信できなかった変更"</h2>
            {move || snapshot().map(|s| s.1).unwrap_or_default().is_empty().then(|| view! { <p>"ありません。"</p> })}
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
    view! {
        <article class="conflict" aria-labelledby=heading_id.clone()>
            <h3 id=heading_id.clone()>{field.label()}"："{record_label(&conflict.key)}</h3>
            {record_href(&conflict.key).map(|href| view! { <p><a href=href>"記録のページを開く"</a></p> })}
            <dl class="history__values">
                <div><dt>"あなたの値"</dt><dd>{describe(&conflict.mine)}</dd></div>
                <div><dt>"サーバーの値（他の人の変更）"</dt><dd>{describe(&conflict.theirs)}</dd></div>
            </dl>
            <div class="conflict__actions">
                <button type="button" on:click=move |_| resolve.with_value(|r| r(keikaku_sync::client::Resolution::KeepMine))>"自分の値を残す"</button>
                <button type="button" on:click=move |_| resolve.with_value(|r| r(keikaku_sync::client::Resolution::KeepTheirs))>"サーバーの値を残す"</button>
            </div>
            {is_text.then(|| view! {
                <div class="field">
                    <label for=editor_id.clone()>"両方を見ながら書き直す"</label>
                    <textarea id=editor_id rows="4" prop:value=draft on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                    <button type="button" on:click=move |_| {
                        let value = FieldValue::Text(draft.get_untracked());
                        resolve.with_value(|r| r(keikaku_sync::client::Resolution::Edit(value)));
                    }>"書き直した値で保存"</button>
                </div>
            })}
            {move || error.get().map(|e| view! { <p class="notice notice--error" role="alert">{e}</p> })}
        </article>
    }
}

#[component]
fn RejectedCard(rejected: RejectedMutation) -> impl IntoView {
    let RejectedMutation {
        mutation, reason, ..
    } = rejected;
    let what = match &mutation.change {
        Change::Set { field, value, .. } => format!("{}：{}", field.label(), describe(value)),
        Change::AppendNote { note } => format!("現場メモ：{}", note.text),
        Change::RetractNote { .. } => "現場メモの取り消し".to_owned(),
        Change::AppendKpiReading { reading } => {
            format!(
                "KPIの実績値：{}",
                keikaku_sync::round_sheet::reading_as_of(
                    &reading.value,
                    "",
                    &reading.as_of,
                    keikaku_domain::lang::Lang::Ja
                )
            )
        }
        Change::Submit { .. } => "評価への報告の提出".to_owned(),
        Change::AppendAnnotation { annotation } => format!(
            "{}：{}",
            annotation.kind.label(),
            if annotation.text.is_empty() {
                annotation.quote()
            } else {
                &annotation.text
            }
        ),
        Change::RetractAnnotation { .. } => "計画書のメモの削除".to_owned(),
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
    view! {
        <article class="conflict">
            <h3>{mutation_label(&mutation.key)}</h3>
            <p>{what}</p>
            <p class="notice notice--error">"理由："{reason}</p>
            <button type="button" on:click=discard>"この変更を破棄する"</button>
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
    move || {
        (status.ready.get() && !nothing_to_report()).then(|| {
            let text = if status.needs_login.get() {
                format!("要ログイン・未送信{}件", status.pending.get())
            } else if !status.online.get() {
                format!("オフライン・未送信{}件", status.pending.get())
            } else if status.syncing.get() {
                "同期中…".to_owned()
            } else if status.conflicts.get() > 0 {
                format!("競合{}件", status.conflicts.get())
            } else if status.pending.get() > 0 {
                format!("未送信{}件", status.pending.get())
            } else {
                match status.last_sync.get() {
                    Some(at) => format!("同期済み {at}"),
                    None => "同期待ち".to_owned(),
                }
            };
            let alert = status.needs_login.get() || status.conflicts.get() > 0 || status.error.get().is_some();
            view! {
                <a href="/sync" class="sync-indicator" class:sync-indicator--alert=alert
                    class:sync-indicator--offline=move || !status.online.get()
                    aria-label=format!("同期の状況：{text}")>
                    <span aria-hidden="true">{if status.online.get() { "●" } else { "○" }}</span>" "{text.clone()}
                </a>
            }
        })
    }
}
