//! `/plans/:plan_id/measures/:measure_id/history`: every change to a measure, newest first,
//! with who made it and the old and new values. Administrators can restore an earlier value.

use keikaku_domain::views::{paths, HistoryEntry, HistoryView};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{history_page, HistoryOutcome};
use crate::components::layout::{set_status, LoadError, Loading, NotFound, PageTitle};
use crate::components::plan_header::{Breadcrumbs, PlanHeader, PlanTab};

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
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(HistoryOutcome::NotFound) => view! { <NotFound message="指定された施策は見つかりませんでした。"/> }.into_any(),
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
    view! {
        <PageTitle text="変更履歴"/>
        <div class="page">
            <h1>"変更履歴"</h1>
            <p role="alert">"変更履歴は、この計画を持つ自治体の職員・議員だけが閲覧できます。"</p>
            <p><a href="/login">"ログインする"</a></p>
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
    let measure_href = paths::measure(&summary.id, &measure_id);
    let history_href = format!("{measure_href}/history");
    view! {
        <PageTitle text=format!("変更履歴：{measure_title}｜{}", summary.title)/>
        <div class="page">
            <Breadcrumbs trail=vec![
                (summary.title.clone(), Some(paths::plan(&summary.id))),
                (measure_title.clone(), Some(measure_href.clone())),
                ("変更履歴".to_owned(), None),
            ]/>
            <PlanHeader summary=summary.clone() current=PlanTab::Measure/>
            <h1>"変更履歴："{measure_title}</h1>
            {if entries.is_empty() {
                view! { <p>"この施策はまだ変更されていません。"</p> }.into_any()
            } else {
                view! {
                    <p>{format!("{}件の変更（新しい順）", entries.len())}</p>
                    <ol class="history">
                        {entries.into_iter().map(|entry| view! {
                            <li><HistoryItem entry restore_token=restore_token.clone() back=history_href.clone()/></li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            <p><a href=measure_href>"施策のページへ戻る"</a></p>
        </div>
    }
}

#[component]
fn HistoryItem(entry: HistoryEntry, restore_token: Option<String>, back: String) -> impl IntoView {
    let shown = |v: Option<String>| {
        v.filter(|v| !v.is_empty())
            .unwrap_or_else(|| "（空欄）".to_owned())
    };
    view! {
        <article class="history__entry" id=format!("entry-{}", entry.id)>
            <p class="history__meta">
                <span class="history__field">{entry.field_label}</span>
                {entry.at}"・"{entry.user.unwrap_or_else(|| "（不明）".to_owned())}
                {entry.restored_from.map(|from| view! { <span class="badge">{format!("変更#{from}を復元")}</span> })}
            </p>
            {entry.origin.map(|origin| view! { <p class="history__origin">"接続元："{origin}</p> })}
            <dl class="history__values">
                <div><dt>"変更前"</dt><dd>{shown(entry.old_value)}</dd></div>
                <div><dt>"変更後"</dt><dd>{shown(entry.new_value)}</dd></div>
            </dl>
            {restore_token.map(|token| view! {
                <form method="post" action=format!("/api/v1/audit/{}/restore/form", entry.id)>
                    <input type="hidden" name="csrf" value=token/>
                    <input type="hidden" name="next" value=back/>
                    <button type="submit">{format!("変更#{}の前の値に戻す", entry.id)}</button>
                </form>
            })}
        </article>
    }
}
