//! `/plans/:plan_id/roadmap`: the 工程表 — fiscal years as columns, measures and action items as
//! rows — filtered by structure node, department and fiscal year through the query string, so
//! filters work without JavaScript and filtered views can be linked.

use keikaku_domain::roadmap::{RoadmapRow, RoadmapView, RowKind};
use keikaku_domain::views::paths;
use keikaku_domain::FiscalYear;
use keikaku_sync::progress::Target;
use keikaku_sync::report::PlanActuals;
use leptos::prelude::*;

use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::layout::{LoadError, Loading, NotFound, PageTitle};
use crate::components::plan_header::{Breadcrumbs, PlanHeader, PlanTab};
use crate::components::schedule::{ScheduleCellView, StageLegend};

#[component]
pub fn RoadmapPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let page = Resource::new(
        move || {
            let q = query.read();
            (
                params.read().get("plan_id").unwrap_or_default(),
                q.get("node"),
                q.get("department"),
                q.get("year"),
            )
        },
        |(plan_id, node, department, year)| crate::pages::roadmap(plan_id, node, department, year),
    );
    let actuals = crate::pages::use_plan_actuals();
    // A transition: when progress is asked for again (offline, once the replica has loaded),
    // the page stays on screen instead of going back to the loading message.
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                // Progress is extra: the roadmap shows without it if it cannot be read.
                let actuals = actuals.await.unwrap_or_default();
                match page.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(None) => view! { <NotFound message="指定された計画は見つかりませんでした。"/> }.into_any(),
                    Ok(Some(view)) => view! { <Roadmap view actuals/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Roadmap(view: RoadmapView, actuals: PlanActuals) -> impl IntoView {
    let years = view.years.clone();
    let plan_id = view.summary.id.clone();
    let columns = view.years.len() + 1;
    let has_years = !view.all_years.is_empty();
    let filter = view.filter.clone();
    let reset_href = paths::roadmap(&plan_id);
    let summary_text = format!(
        "{}件の施策のうち{}件を表示しています。{}",
        view.total_measures,
        view.shown_measures,
        match (view.years.first(), view.years.last()) {
            (Some(first), Some(last)) if first != last =>
                format!("表示年度：{}～{}。", first.label(), last.label()),
            (Some(year), _) => format!("表示年度：{}。", year.label()),
            _ => String::new(),
        }
    );
    view! {
        <PageTitle text=format!("工程表｜{}", view.summary.title)/>
        <div class="page page--wide">
            <Breadcrumbs trail=vec![(view.summary.title.clone(), Some(paths::plan(&plan_id))), ("工程表".to_owned(), None)]/>
            <PlanHeader summary=view.summary.clone() current=PlanTab::Roadmap/>
            <h1>"工程表（ロードマップ）"</h1>
            <Form method="GET" action="" attr:class="filters" attr:aria-label="工程表の絞り込み">
                <div class="filters__field">
                    <label for="filter-node">"区分"</label>
                    <select id="filter-node" name="node">
                        <option value="" selected=filter.node.is_none()>"すべて"</option>
                        {view.node_options.iter().map(|o| view! {
                            <option value=o.value.clone() selected=filter.node.as_ref() == Some(&o.value)>
                                {format!("{}{}", "　".repeat(o.depth), o.label)}
                            </option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="filters__field">
                    <label for="filter-department">"担当課・関係課"</label>
                    <select id="filter-department" name="department">
                        <option value="" selected=filter.department.is_none()>"すべて"</option>
                        {view.department_options.iter().map(|d| view! {
                            <option value=d.clone() selected=filter.department.as_ref() == Some(d)>{d.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="filters__field">
                    <label for="filter-year">"年度"</label>
                    <select id="filter-year" name="year">
                        <option value="" selected=filter.fiscal_year.is_none()>"すべて"</option>
                        {view.all_years.iter().map(|y| view! {
                            <option value=y.0.to_string() selected=filter.fiscal_year == Some(*y)>{y.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="filters__actions">
                    <button type="submit">"絞り込む"</button>
                    {(!filter.is_empty()).then(|| view! { <a href=reset_href>"条件を解除"</a> })}
                </div>
            </Form>
            {(!view.filter_errors.is_empty()).then(|| view! {
                <div class="notice notice--error" role="alert">
                    <p>"絞り込み条件の一部を適用できませんでした。"</p>
                    <ul>{view.filter_errors.iter().map(|(_, message)| view! { <li>{message.clone()}</li> }).collect_view()}</ul>
                </div>
            })}
            <p class="roadmap-summary" role="status">{summary_text}</p>
            <StageLegend/>
            {if !has_years {
                view! { <p class="empty">"この計画には年度別の工程表が記載されていません。"</p> }.into_any()
            } else if view.sections.is_empty() {
                view! { <p class="empty">"条件に合う施策はありません。"</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll table-scroll--roadmap" role="region" aria-label="工程表" tabindex="0">
                        <table class="roadmap-table">
                            <caption class="visually-hidden">{format!("{}の工程表", view.summary.title)}</caption>
                            <thead>
                                <tr>
                                    <th scope="col" class="roadmap-table__item">"施策・取組"</th>
                                    {view.years.iter().map(|y| view! {
                                        <th scope="col">{y.japanese()}<span class="western">{format!("{}年度", y.0)}</span></th>
                                    }).collect_view()}
                                </tr>
                            </thead>
                            {view.sections.into_iter().map(|section| {
                                let trail = section.trail.iter().map(|n| format!("{} {}", n.label, n.title)).collect::<Vec<_>>().join(" › ");
                                view! {
                                    <tbody>
                                        {(!trail.is_empty()).then(|| view! {
                                            <tr class="roadmap-table__section"><th colspan=columns scope="colgroup">{trail}</th></tr>
                                        })}
                                        {section.rows.into_iter().map(|row| roadmap_row(row, &plan_id, &years, &actuals)).collect_view()}
                                    </tbody>
                                }
                            }).collect_view()}
                        </table>
                    </div>
                }.into_any()
            }}
        </div>
    }
}

fn roadmap_row(
    row: RoadmapRow,
    plan_id: &str,
    years: &[FiscalYear],
    actuals: &PlanActuals,
) -> AnyView {
    let number = row.number.clone().unwrap_or_default();
    let target = match &row.action_id {
        Some(id) => Target::Action(id.clone()),
        None => Target::Measure(row.measure_id.clone()),
    };
    let cells: Vec<_> = row
        .cells
        .into_iter()
        .zip(years)
        .map(|(cell, year)| {
            let actual = actuals.get(&target, *year).map(|a| a.summary());
            view! { <ScheduleCellView cell actual/> }
        })
        .collect();
    match row.kind {
        RowKind::Measure => view! {
            <tr class="roadmap-table__measure">
                <th scope="row" class="roadmap-table__item">
                    <a href=paths::measure(plan_id, &row.measure_id)>{number}" "{row.title}</a>
                    {(!row.lead_departments.is_empty()).then(|| view! { <span class="roadmap-table__dept">{row.lead_departments.join("・")}</span> })}
                </th>
                {cells}
            </tr>
        }
        .into_any(),
        RowKind::Action => {
            let href = format!("{}#action-{}", paths::measure(plan_id, &row.measure_id), row.action_id.unwrap_or_default());
            let title = row.title.lines().next().unwrap_or_default().to_owned();
            view! {
                <tr class="roadmap-table__action">
                    <th scope="row" class="roadmap-table__item">
                        <a href=href>{number}" "{title}</a>
                    </th>
                    {cells}
                </tr>
            }
            .into_any()
        }
    }
}
