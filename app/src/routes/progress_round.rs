//! The record's place in its reporting rounds, on the progress page: where it is (未入力 …
//! 確認済), the round's deadline and state, the reviewer's comment on a return, the DX office's
//! evaluation, and the 提出 button. Submitting queues a mutation in the replica's outbox like
//! every edit, so it works offline and is decided after the edits typed before it.

use keikaku_domain::date::Day;
use keikaku_domain::evaluation::{EditKind, RecordState, RoundState};
use keikaku_domain::lang::mark_japanese;
use keikaku_domain::views::format_date_in;
use keikaku_sync::progress::{ProgressRecord, RecordKey, Versioned};
use keikaku_sync::round::RoundRecord;
use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};
use crate::lang::use_lang;

/// Why the record's values cannot be edited now, if a round keeps them, in the page's
/// language: the page shows it and makes the form read-only, the server refuses the same.
pub fn values_lock(record: Signal<Option<ProgressRecord>>) -> Memo<Option<String>> {
    let lang = use_lang();
    Memo::new(move |_| {
        record.with(|r| {
            r.as_ref()
                .and_then(|r| keikaku_sync::round::edit_lock(r, EditKind::Values))
                .map(|refusal| refusal.reason_in(lang))
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
    let i18n = use_i18n();
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
                <h3 id="round-heading">{t!(i18n, rounds.panel_heading)}</h3>
                <ul class="round-panel__list">
                    {rounds.into_iter().map(|(round, shown)| {
                        view! { <RoundLine key=key.clone() round shown submittable error/> }
                    }).collect_view()}
                </ul>
                {move || error.get().map(|e| view! {
                    <p class="notice notice--error" role="alert" lang=mark_japanese(&e)>{e.clone()}</p>
                })}
            </section>
        })
    }
}

/// `締切 2025年5月31日（あと12日）` / `Deadline: 31 May 2025 (12 days left)`, or how long ago
/// it passed.
fn deadline_text(deadline: &str) -> String {
    let (i18n, lang) = (use_i18n(), use_lang());
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
        0 => t_string!(i18n, rounds.panel_due_today).to_string(),
        1 => t_string!(i18n, rounds.panel_one_day_left).to_string(),
        -1 => t_string!(i18n, rounds.panel_one_day_overdue).to_string(),
        count if count > 0 => t_string!(i18n, rounds.panel_days_left, count).to_string(),
        d => t_string!(i18n, rounds.panel_days_overdue, count = -d).to_string(),
    };
    let date = format_date_in(&day.to_string(), lang);
    t_string!(i18n, rounds.panel_deadline, date, when).to_string()
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
    let (i18n, lang) = (use_i18n(), use_lang());
    let state_text = if pending && shown == RecordState::Submitted {
        t_string!(i18n, rounds.panel_submitted_unsent).to_owned()
    } else {
        shown.label_in(lang).to_owned()
    };
    let state_class = format!("badge badge--{}", shown.as_str());
    let deadline_line = (!round_state.is_final()).then(|| deadline_text(&deadline));
    let no_storage = t_string!(i18n, rounds.panel_no_storage);
    let submit = move |_| {
        let (key, round_id) = (key.clone(), round_id.clone());
        let _ = (&key, &round_id, error, no_storage);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let result = match crate::offline::engine::engine() {
                Some(engine) => engine.submit(key, round_id).await,
                None => Err(no_storage.to_owned()),
            };
            error.set(result.err());
        });
    };
    view! {
        <li class="round-panel__item">
            <p class="round-panel__title">
                <strong lang=mark_japanese(&title)>{title.clone()}</strong>" "
                <span class="round-panel__round-state">{t!(i18n, rounds.panel_round_state, state = round_state.label_in(lang))}</span>
            </p>
            <p>{t!(i18n, rounds.state_label)}<span class=state_class>{state_text}</span>
                {reopened.then_some(t!(i18n, rounds.panel_reopened))}</p>
            {deadline_line.map(|d| view! { <p>{d}</p> })}
            {comment.filter(|_| shown == RecordState::Returned).map(|c| view! {
                <div class="notice" role="note">
                    <p><strong>{t!(i18n, rounds.return_reason_label)}</strong></p>
                    <p class="pre-wrap" lang=mark_japanese(&c)>{c.clone()}</p>
                </div>
            })}
            {secondary.map(|s| view! {
                <p>{t!(i18n, rounds.panel_secondary)}<strong>{s.grade.as_str()}</strong>{t!(i18n, rounds.meta_gap)}
                    <span lang=mark_japanese(&s.reason)>{s.reason.clone()}</span></p>
            })}
            {(round_state == RoundState::Closed && shown.awaits_department() && shown != RecordState::Returned).then(|| view! {
                <p class="notice">{t!(i18n, rounds.panel_closed)}</p>
            })}
            {can_submit.then(|| view! {
                <button type="button" class="button--primary" on:click=submit>
                    {if shown == RecordState::Returned { t!(i18n, rounds.panel_resubmit).into_any() } else { t!(i18n, rounds.panel_submit).into_any() }}
                </button>
                <p class="field__hint">{t!(i18n, rounds.panel_submit_hint)}</p>
            })}
        </li>
    }
}
