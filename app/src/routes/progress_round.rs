//! The record's place in its reporting rounds, on the progress page: where it is (未入力 …
//! 確認済), the round's deadline and state, the reviewer's comment on a return, the DX office's
//! evaluation, and the 提出 button. Submitting queues a mutation in the replica's outbox like
//! every edit, so it works offline and is decided after the edits typed before it.

use keikaku_domain::date::Day;
use keikaku_domain::evaluation::{EditKind, RecordState, RoundState};
use keikaku_sync::progress::{ProgressRecord, RecordKey, Versioned};
use keikaku_sync::round::RoundRecord;
use leptos::prelude::*;

/// Why the record's values cannot be edited now, if a round keeps them: the page shows it and
/// makes the form read-only, the server refuses the same.
pub fn values_lock(record: Signal<Option<ProgressRecord>>) -> Memo<Option<String>> {
    Memo::new(move |_| {
        record.with(|r| {
            r.as_ref()
                .and_then(|r| keikaku_sync::round::edit_lock(r, EditKind::Values))
                .map(|refusal| refusal.reason())
        })
    })
}

/// Whether a round keeps field notes from being added (a final year-end round).
pub fn notes_lock(record: Signal<Option<ProgressRecord>>) -> Memo<bool> {
    Memo::new(move |_| {
        record.with(|r| {
            r.as_ref()
                .is_some_and(|r| keikaku_sync::round::edit_lock(r, EditKind::Notes).is_some())
        })
    })
}

#[component]
pub fn RoundPanel(
    key: RecordKey,
    record: Signal<Option<ProgressRecord>>,
    /// The user may submit this measure's reports (lead department or administrator) and
    /// edit on this tab.
    submittable: bool,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let rounds = Memo::new(move |_| {
        record.with(|r| {
            r.as_ref().map_or_else(Vec::new, |r| {
                r.rounds
                    .values()
                    .map(|round| (round.clone(), round.value.shown_state(r)))
                    .collect::<Vec<_>>()
            })
        })
    });
    move || {
        let rounds = rounds.get();
        if rounds.is_empty() {
            return None;
        }
        let key = key.clone();
        Some(view! {
            <section class="round-panel" aria-labelledby="round-heading">
                <h3 id="round-heading">"評価（報告）"</h3>
                <ul class="round-panel__list">
                    {rounds.into_iter().map(|(round, shown)| {
                        view! { <RoundLine key=key.clone() round shown submittable error/> }
                    }).collect_view()}
                </ul>
                {move || error.get().map(|e| view! { <p class="notice notice--error" role="alert">{e}</p> })}
            </section>
        })
    }
}

/// `締切 2025年5月31日（あと12日）`, or how long ago it passed.
fn deadline_text(deadline: &str) -> String {
    let Some(day) = Day::parse(deadline) else {
        return deadline.to_owned();
    };
    #[cfg(feature = "hydrate")]
    let now = (js_sys::Date::now() / 1000.0) as i64;
    #[cfg(not(feature = "hydrate"))]
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let left = Day::in_japan_at(now).days_until(day);
    let when = match left {
        0 => "今日まで".to_owned(),
        d if d > 0 => format!("あと{d}日"),
        d => format!("{}日超過", -d),
    };
    format!("締切 {}（{when}）", day.japanese())
}

#[component]
fn RoundLine(
    key: RecordKey,
    round: Versioned<RoundRecord>,
    shown: RecordState,
    submittable: bool,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let pending = round.version == 0;
    let RoundRecord {
        round_id,
        title,
        round_state,
        deadline,
        comment,
        secondary,
        reopened,
        ..
    } = round.value.clone();
    let can_submit = submittable && !pending && round.value.submittable();
    let state_text = if pending && shown == RecordState::Submitted {
        "提出済（未送信：接続すると送信されます）".to_owned()
    } else {
        shown.label().to_owned()
    };
    let state_class = format!("badge badge--{}", shown.as_str());
    let deadline_line = (!round_state.is_final()).then(|| deadline_text(&deadline));
    let submit = move |_| {
        let (key, round_id) = (key.clone(), round_id.clone());
        let _ = (&key, &round_id, error);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let result = match crate::offline::engine::engine() {
                Some(engine) => engine.submit(key, round_id).await,
                None => Err("端末の保存領域が使えません。".to_owned()),
            };
            error.set(result.err());
        });
    };
    view! {
        <li class="round-panel__item">
            <p class="round-panel__title">
                <strong>{title}</strong>" "
                <span class="round-panel__round-state">{format!("（{}）", round_state.label())}</span>
            </p>
            <p>"状態："<span class=state_class>{state_text}</span>
                {reopened.then_some("（確定後に再開）")}</p>
            {deadline_line.map(|d| view! { <p>{d}</p> })}
            {comment.filter(|_| shown == RecordState::Returned).map(|c| view! {
                <div class="notice" role="note">
                    <p><strong>"差戻しの理由："</strong></p>
                    <p class="pre-wrap">{c}</p>
                </div>
            })}
            {secondary.map(|s| view! {
                <p>"二次評価："<strong>{s.grade.as_str()}</strong>"　"{s.reason}</p>
            })}
            {(round_state == RoundState::Closed && shown.awaits_department() && shown != RecordState::Returned).then(|| view! {
                <p class="notice">"受付は締め切られました。提出するには管理者に連絡してください。"</p>
            })}
            {can_submit.then(|| view! {
                <button type="button" class="button--primary" on:click=submit>
                    {if shown == RecordState::Returned { "修正して再提出する" } else { "この内容で提出する" }}
                </button>
                <p class="field__hint">"提出すると、差し戻されるまで実績・評価などは編集できません。オフラインでも提出でき、接続したときに送信されます。"</p>
            })}
        </li>
    }
}
