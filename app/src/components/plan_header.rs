//! The heading block shared by all pages of one plan: breadcrumb, title, key facts, tabs.

use keikaku_domain::views::{paths, PlanSummary};
use keikaku_domain::PlanStatus;
use leptos::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PlanTab {
    Overview,
    Measure,
    Roadmap,
    Glossary,
}

/// Breadcrumb trail; the last entry is the current page and is not a link.
#[component]
pub fn Breadcrumbs(trail: Vec<(String, Option<String>)>) -> impl IntoView {
    let last = trail.len().saturating_sub(1);
    view! {
        <nav class="breadcrumbs" aria-label="現在位置">
            <ol>
                <li><a href="/">"計画一覧"</a></li>
                {trail.into_iter().enumerate().map(|(i, (label, href))| match href {
                    Some(href) if i != last => view! { <li><a href=href>{label}</a></li> }.into_any(),
                    _ => view! { <li aria-current="page">{label}</li> }.into_any(),
                }).collect_view()}
            </ol>
        </nav>
    }
}

#[component]
pub fn StatusBadge(status: PlanStatus) -> impl IntoView {
    view! { <span class=format!("badge badge--{}", status.as_str())>{status.label()}</span> }
}

/// Title block and section tabs for a plan's pages.
#[component]
pub fn PlanHeader(
    summary: PlanSummary,
    current: PlanTab,
    /// The plan title is the page's main heading (overview), not a link back to it.
    #[prop(optional)]
    title_is_heading: bool,
) -> impl IntoView {
    let plan_id = summary.id.clone();
    let tab = move |tab: PlanTab, label: &'static str, href: String| {
        let is_current = tab == current;
        view! {
            <li>
                <a href=href aria-current=if is_current { Some("page") } else { None }>{label}</a>
            </li>
        }
    };
    view! {
        <div class="plan-header">
            <p class="plan-header__org">{format!("{}（{}）", summary.organization_name, summary.prefecture)}</p>
            {if title_is_heading {
                view! {
                    <h1 class="plan-header__title">{summary.title.clone()}" "<StatusBadge status=summary.status/></h1>
                    {summary.subtitle.clone().map(|s| view! { <p class="plan-header__subtitle">{s}</p> })}
                }
                .into_any()
            } else {
                view! {
                    <p class="plan-header__title">
                        <a href=paths::plan(&plan_id)>{summary.title.clone()}</a>" "<StatusBadge status=summary.status/>
                    </p>
                }
                .into_any()
            }}
            {summary.period.as_ref().map(|p| view! { <p class="plan-header__period">"計画期間："{p.label()}</p> })}
            <nav class="plan-tabs" aria-label="計画の表示切替">
                <ul>
                    {tab(PlanTab::Overview, "概要・体系", paths::plan(&plan_id))}
                    {summary.has_roadmap.then(|| tab(PlanTab::Roadmap, "工程表", paths::roadmap(&plan_id)))}
                    {(summary.glossary_count > 0).then(|| tab(PlanTab::Glossary, "用語集", paths::glossary(&plan_id)))}
                </ul>
            </nav>
        </div>
    }
}
