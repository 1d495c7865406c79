//! `/plans/:plan_id/measures/:measure_id/history`: every change to a measure, newest first,
//! with who made it and the old and new values. Administrators can restore an earlier value.

use keikaku_domain::lang::mark_japanese;
use keikaku_domain::views::{paths, HistoryEntry, HistoryView};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{history_page, HistoryOutcome};
use crate::components::layout::{set_status, LoadError, Loading, NotFound, PageTitle};
use crate::components::plan_header::{Breadcrumbs, PlanHeader, PlanTab};
use crate::i18n::{t, t_string, use_i18n};
use crate::lang::text_lang;

#[component]
pub fn HistoryPage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(
        move || {
            let p = params.read();
            (
                p.get("plan_id").unwrap_or_default(),
                p.get("measure_id").unwrap_or_default(),
            )
        },
        |(plan_id, measure_id)| history_page(plan_id, measure_id),
    );
    let not_found = t_string!(use_i18n(), history.not_found);
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(HistoryOutcome::NotFound) => view! { <NotFound message=not_found/> }.into_any(),
                    Ok(HistoryOutcome::Forbidden) => view! { <Forbidden/> }.into_any(),
                    Ok(HistoryOutcome::Found(view)) => view! { <History view=*view/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Forbidden() -> impl IntoView {
    set_status(403);
    let i18n = use_i18n();
    view! {
        <PageTitle text=t_string!(i18n, history.title)/>
        <div class="page">
            <h1>{t!(i18n, history.title)}</h1>
            <p role="alert">{t!(i18n, history.forbidden)}</p>
            <p><a href="/login">{t!(i18n, history.sign_in)}</a></p>
        </div>
    }
}

#[component]
fn History(view: HistoryView) -> impl IntoView {
    let HistoryView {
        summary,
        measure_id,
        measure_title,
        entries,
        restore_token,
    } = view;
    let i18n = use_i18n();
    let measure_href = paths::measure(&summary.id, &measure_id);
    let history_href = format!("{measure_href}/history");
    let page_title = t_string!(
        i18n,
        history.page_title,
        measure = measure_title.clone(),
        plan = summary.title.clone()
    )
    .to_string();
    let title_lang = text_lang(&measure_title);
    view! {
        <PageTitle text=page_title/>
        <div class="page">
            <Breadcrumbs trail=vec![
                (summary.title.clone(), Some(paths::plan(&summary.id))),
                (measure_title.clone(), Some(measure_href.clone())),
                (t_string!(i18n, history.title).to_owned(), None),
            ]/>
            <PlanHeader summary=summary.clone() current=PlanTab::Measure/>
            <h1>{t!(i18n, history.heading)}<span lang=title_lang>{measure_title}</span></h1>
            {if entries.is_empty() {
                view! { <p>{t!(i18n, history.unchanged)}</p> }.into_any()
            } else {
                view! {
                    <p>{t!(i18n, history.count, n = entries.len())}</p>
                    <ol class="history">
                        {entries.into_iter().map(|entry| view! {
                            <li><HistoryItem entry restore_token=restore_token.clone() back=history_href.clone()/></li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            <p><a href=measure_href>{t!(i18n, history.back)}</a></p>
        </div>
    }
}

#[component]
fn HistoryItem(entry: HistoryEntry, restore_token: Option<String>, back: String) -> impl IntoView {
    let i18n = use_i18n();
    // A value is the plan's words (or names of departments), in Japanese or as typed.
    let shown = move |v: Option<String>| match v.filter(|v| !v.is_empty()) {
        Some(v) => {
            let value_lang = mark_japanese(&v);
            view! { <dd lang=value_lang>{v}</dd> }.into_any()
        }
        None => view! { <dd>{t!(i18n, history.empty)}</dd> }.into_any(),
    };
    // Named in the page's language where the history was read (`api::history_page`).
    let field = entry.field_label.clone();
    let at_lang = mark_japanese(&entry.at);
    let at = entry.at.clone();
    let user = match entry.user {
        Some(user) => {
            let user_lang = mark_japanese(&user);
            view! { <span lang=user_lang>{user}</span> }.into_any()
        }
        None => t!(i18n, history.unknown_user).into_any(),
    };
    let entry_id = entry.id;
    view! {
        <article class="history__entry" id=format!("entry-{}", entry.id)>
            <p class="history__meta">
                <span class="history__field">{field}</span>
                <span lang=at_lang>{at}</span>{t!(i18n, history.meta_separator)}{user}
                {entry.restored_from.map(|id| view! { <span class="badge">{t!(i18n, history.restored, id)}</span> })}
            </p>
            {entry.origin.map(|origin| {
                let origin_lang = mark_japanese(&origin);
                view! { <p class="history__origin">{t!(i18n, history.origin)}<span lang=origin_lang>{origin}</span></p> }
            })}
            <dl class="history__values">
                <div><dt>{t!(i18n, history.before)}</dt>{shown(entry.old_value)}</div>
                <div><dt>{t!(i18n, history.after)}</dt>{shown(entry.new_value)}</div>
            </dl>
            {restore_token.map(|token| view! {
                <form method="post" action=format!("/api/v1/audit/{entry_id}/restore/form")>
                    <input type="hidden" name="csrf" value=token/>
                    <input type="hidden" name="next" value=back/>
                    <button type="submit">{t!(i18n, history.restore, id = entry_id)}</button>
                </form>
            })}
        </article>
    }
}
