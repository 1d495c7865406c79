//! `/plans/:plan_id/roadmap`: the 工程表 — fiscal years as columns, measures and action items as
//! rows — filtered by structure node, department and fiscal year through the query string, so
//! filters work without JavaScript and filtered views can be linked.

use keikaku_domain::roadmap::{RoadmapRow, RoadmapSection, RoadmapView, RowKind};
use keikaku_domain::views::paths;
use keikaku_domain::FiscalYear;
use keikaku_sync::progress::Target;
use keikaku_sync::report::PlanActuals;
use leptos::prelude::*;

use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::html_text::HtmlText;
use crate::components::layout::{LoadError, Loading, NotFound, PageTitle};
use crate::components::plan_header::{Breadcrumbs, PlanHeader, PlanTab};
use crate::components::schedule::{write_schedule_cell, write_year_head, StageLegend};

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
                let table = roadmap_table_html(&view.summary.title, &years, &view.sections, &plan_id, &actuals);
                view! {
                    <div class="table-scroll table-scroll--roadmap" role="region" aria-label="工程表" tabindex="0" inner_html=table></div>
                }.into_any()
            }}
        </div>
    }
}

/// The table as HTML text, set as its region's inner HTML: the browser's parser builds its nodes
/// (about 2,500 for a plan of 80 rows) far faster than the app can, one call at a time from
/// WebAssembly (about 40 ms of an offline open otherwise), and hydration leaves them alone.
/// Nothing in it is reactive: new progress renders the page again.
fn roadmap_table_html(
    title: &str,
    years: &[FiscalYear],
    sections: &[RoadmapSection],
    plan_id: &str,
    actuals: &PlanActuals,
) -> String {
    let mut html = HtmlText::new();
    html.open("table", &[("class", "roadmap-table")]).element(
        "caption",
        &[("class", "visually-hidden")],
        &format!("{title}の工程表"),
    );
    write_year_head(&mut html, "施策・取組", years);
    let columns = (years.len() + 1).to_string();
    for section in sections {
        html.open("tbody", &[]);
        if !section.trail.is_empty() {
            let trail = section
                .trail
                .iter()
                .map(|n| format!("{} {}", n.label, n.title))
                .collect::<Vec<_>>()
                .join(" › ");
            html.open("tr", &[("class", "roadmap-table__section")])
                .element(
                    "th",
                    &[("colspan", &columns), ("scope", "colgroup")],
                    &trail,
                )
                .close("tr");
        }
        for row in &section.rows {
            write_roadmap_row(&mut html, row, plan_id, years, actuals);
        }
        html.close("tbody");
    }
    html.close("table");
    html.finish()
}

fn write_roadmap_row(
    html: &mut HtmlText,
    row: &RoadmapRow,
    plan_id: &str,
    years: &[FiscalYear],
    actuals: &PlanActuals,
) {
    let number = row.number.as_deref().unwrap_or_default();
    let measure_href = paths::measure(plan_id, &row.measure_id);
    let (class, href, title, target) = match (&row.kind, &row.action_id) {
        (RowKind::Action, Some(action_id)) => (
            "roadmap-table__action",
            format!("{measure_href}#action-{action_id}"),
            row.title.lines().next().unwrap_or_default(),
            Target::Action(action_id.clone()),
        ),
        _ => (
            "roadmap-table__measure",
            measure_href,
            row.title.as_str(),
            Target::Measure(row.measure_id.clone()),
        ),
    };
    html.open("tr", &[("class", class)])
        .open("th", &[("scope", "row"), ("class", "roadmap-table__item")])
        .element("a", &[("href", &href)], &format!("{number} {title}"));
    if row.kind == RowKind::Measure && !row.lead_departments.is_empty() {
        html.element(
            "span",
            &[("class", "roadmap-table__dept")],
            &row.lead_departments.join("・"),
        );
    }
    html.close("th");
    for (cell, year) in row.cells.iter().zip(years) {
        let actual = actuals.get(&target, *year).map(|a| a.summary());
        write_schedule_cell(html, cell.as_ref(), actual.as_deref());
    }
    html.close("tr");
}
