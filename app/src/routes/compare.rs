//! `/plans/:plan_id/compare?from=1&to=2`: what changed between two versions, as a summary
//! (「施策の追加 2件、削除 1件、KPIの変更 5件」), a table of counts and every change with the
//! text marked character by character.

use keikaku_domain::views::paths;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::versions::CompareView;
use crate::components::diff::{ChangeCounts, ChangeList};
use crate::components::guarded::optional_page;
use crate::components::layout::{PageTitle, ScrollToFragment};
use crate::components::plan_header::{Breadcrumbs, PlanHeader, PlanTab};
use crate::routes::versions::CompareForm;

#[component]
pub fn ComparePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let page = Resource::new(
        move || {
            let q = query.read();
            let number = |name: &str| q.get(name).map(|v| v.parse::<u32>().ok());
            (
                params.read().get("plan_id").unwrap_or_default(),
                number("from"),
                number("to"),
            )
        },
        |(plan_id, from, to)| async move {
            // A number that is not one names no version.
            if from == Some(None) || to == Some(None) {
                return Ok(None);
            }
            crate::api::versions::compare_page(plan_id, from.flatten(), to.flatten()).await
        },
    );
    optional_page(
        page,
        "比べる版が見つかりませんでした。",
        |view| {
            view! { <Compare view/> }
        },
    )
}

#[component]
fn Compare(view: CompareView) -> impl IntoView {
    let CompareView {
        summary,
        from,
        to,
        versions,
        diff,
    } = view;
    let plan_id = summary.id.clone();
    let title = format!("{}と{}の比較", from.number.label(), to.number.label());
    let summary_text = diff.summary();
    let empty = diff.is_empty();
    view! {
        <PageTitle text=format!("{title}｜{}", summary.title)/>
        <ScrollToFragment/>
        <div class="page">
            <Breadcrumbs trail=vec![
                (summary.title.clone(), Some(paths::plan(&plan_id))),
                ("改定履歴".to_owned(), Some(paths::versions(&plan_id))),
                (title.clone(), None),
            ]/>
            <PlanHeader summary=summary.clone() current=PlanTab::Versions/>
            <h1>{title}</h1>
            <p class="compare-versions">
                <a href=paths::version(&plan_id, from.number.0)>{from.title()}</a>
                " → "
                <a href=paths::version(&plan_id, to.number.0)>{to.title()}</a>
            </p>
            <CompareForm plan_id=plan_id.clone() versions from=Some(from.number.0) to=Some(to.number.0)/>
            <p class="diff-summary"><strong>"変更の概要："</strong>{summary_text}</p>
            {(!empty).then(|| view! {
                <ChangeCounts diff=diff.clone()/>
                <p class="diff-legend">
                    "凡例："<ins class="diff-ins">"追加された文字"</ins>"（下線）、"
                    <del class="diff-del">"削除された文字"</del>"（取り消し線）"
                </p>
                <ChangeList diff=diff.clone()/>
            })}
        </div>
    }
}
