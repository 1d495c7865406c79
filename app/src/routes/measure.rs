//! `/plans/:plan_id/measures/:measure_id`: every field of one measure, its KPIs, departments,
//! general-plan references and its roadmap rows.

use keikaku_domain::format::{Action, Kpi, KpiPoint, Measure};
use keikaku_domain::roadmap::row_cells;
use keikaku_domain::text::TermLink;
use keikaku_domain::views::{paths, MeasureView};
use keikaku_domain::FiscalYear;
use leptos::prelude::*;

use leptos_router::hooks::use_params_map;

use crate::components::focus::RestoreFocus;
use crate::components::kpi_trend_chart::KpiTrendChart;
use crate::components::layout::{LoadError, Loading, NotFound, PageTitle, ScrollToFragment};
use crate::components::plan_header::{Breadcrumbs, PlanHeader, PlanTab};
use crate::components::rich_text::RichText;
use crate::components::schedule::StageLegend;
use crate::components::table::ScrollFrame;
use crate::components::years_chart::YearsChart;
use keikaku_render::schedule::{write_schedule_cell, write_year_head};
use keikaku_render::HtmlText;

#[component]
pub fn MeasurePage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(
        move || {
            let p = params.read();
            (
                p.get("plan_id").unwrap_or_default(),
                p.get("measure_id").unwrap_or_default(),
            )
        },
        |(plan_id, measure_id)| crate::pages::measure(plan_id, measure_id),
    );
    let actuals = crate::pages::use_plan_actuals();
    // A transition: when progress is asked for again (offline, once the replica has loaded),
    // the page stays on screen instead of going back to the loading message.
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                // Progress is extra: the measure shows without it if it cannot be read.
                let actuals = actuals.await.unwrap_or_default();
                match page.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(None) => view! { <NotFound message="指定された施策は見つかりませんでした。"/> }.into_any(),
                    Ok(Some(view)) => view! { <MeasureDetail view actuals/><RestoreFocus/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// 計画と実績: each roadmap year's plan beside what was recorded, summed up in a sentence for
/// readers who skip the table.
/// KPIの推移: each KPI with a target over the years, published readings against the target.
#[component]
fn KpiTrends(trends: Vec<keikaku_sync::report::KpiTrend>) -> impl IntoView {
    (!trends.is_empty()).then(|| {
        view! {
            <section id="kpi-trends" class="section" aria-labelledby="kpi-trends-heading">
                <h2 id="kpi-trends-heading">"KPIの推移"</h2>
                <p>"公表された実績値を、基準値と目標値とともに示します。"</p>
                {trends.into_iter().enumerate().map(|(index, trend)| view! { <KpiTrendChart trend index/> }).collect_view()}
            </section>
        }
    })
}

#[component]
fn PlanVsActual(rows: Vec<keikaku_sync::report::YearComparison>) -> impl IntoView {
    let summary = keikaku_sync::report::describe(&rows);
    let any_stage = rows.iter().any(|r| r.planned_stage.is_some());
    view! {
        <section aria-labelledby="actual-heading">
            <h2 id="actual-heading">"計画と実績"</h2>
            {any_stage.then(|| view! { <YearsChart rows=rows.clone() summary_id="actual-summary"/> })}
            <p id="actual-summary">{summary}</p>
            <div class="table-scroll" role="region" aria-labelledby="actual-heading" tabindex="0">
                <table class="data-table">
                    <caption class="visually-hidden">"年度ごとの計画と実績"</caption>
                    <thead><tr>
                        <th scope="col">"年度"</th><th scope="col">"計画"</th>
                        <th scope="col">"実績"</th><th scope="col">"実績の内容"</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|row| view! {
                            <tr>
                                <th scope="row">{row.year.label()}</th>
                                <td>{row.planned.unwrap_or_else(|| "—".to_owned())}</td>
                                <td>{row.actual.as_ref().map_or_else(|| "未記録".to_owned(), |a| a.summary())}</td>
                                <td class="pre-wrap">{row.actual.map(|a| a.results).filter(|r| !r.is_empty()).unwrap_or_else(|| "—".to_owned())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

fn measure_heading(m: &Measure) -> String {
    match &m.number {
        Some(n) => format!("{n} {}", m.title),
        None => m.title.clone(),
    }
}

#[component]
fn MeasureDetail(view: MeasureView, actuals: keikaku_sync::report::PlanActuals) -> impl IntoView {
    let MeasureView {
        summary,
        measure,
        placements,
        years,
        glossary,
        previous,
        next,
        history_available,
        editable,
        progress_recordable,
        ..
    } = view;
    let plan_id = summary.id.clone();
    let heading = measure_heading(&measure);
    let text = {
        let glossary = glossary.clone();
        let plan_id = plan_id.clone();
        move |t: String| view! { <RichText text=t glossary=glossary.clone() plan_id=plan_id.clone()/> }
    };
    let fields: Vec<(&str, &str, Option<String>)> = vec![
        ("summary", "概要", measure.summary.clone()),
        ("outcome", "目指す成果", measure.outcome.clone()),
        ("target-state", "目指す姿", measure.target_state.clone()),
        (
            "current-issues",
            "現状と課題",
            measure.current_issues.clone(),
        ),
        ("direction", "取組の方向", measure.direction.clone()),
        ("content", "取組の内容", measure.content.clone()),
    ];
    let has_schedule =
        !measure.schedule.is_empty() || measure.actions.iter().any(|a| !a.schedule.is_empty());
    view! {
        <PageTitle text=format!("{heading}｜{}", summary.title)
            description=measure.summary.clone().or_else(|| measure.target_state.clone()).unwrap_or_else(|| format!("{}の施策「{}」", summary.title, measure.title))/>
        <ScrollToFragment/>
        <div class="page">
            <Breadcrumbs trail=vec![(summary.title.clone(), Some(paths::plan(&plan_id))), (heading.clone(), None)]/>
            <PlanHeader summary=summary.clone() current=PlanTab::Measure/>
            <article class="measure">
                <h1>{heading}</h1>
                {(!placements.is_empty()).then(|| view! {
                    <ul class="placements" aria-label="計画体系上の位置">
                        {placements.into_iter().enumerate().map(|(i, trail)| {
                            let last = trail.last().map(|n| n.id.clone()).unwrap_or_default();
                            view! {
                                <li>
                                    <a href=format!("{}#node-{last}", paths::plan(&plan_id))>
                                        {trail.into_iter().map(|n| format!("{} {}{}", n.label, n.number.map(|x| format!("{x} ")).unwrap_or_default(), n.title)).collect::<Vec<_>>().join(" › ")}
                                    </a>
                                    {(i > 0).then(|| view! { " "<span class="badge badge--reprint">"再掲"</span> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })}
                {fields.into_iter().filter_map(|(id, label, value)| value.map(|v| view! {
                    <section id=id class="section measure__field" aria-labelledby=format!("{id}-heading")>
                        <h2 id=format!("{id}-heading")>{label}</h2>
                        {text(v)}
                    </section>
                })).collect_view()}
                {(!measure.actions.is_empty()).then(|| view! { <Actions actions=measure.actions.clone() glossary=glossary.clone() plan_id=plan_id.clone()/> })}
                {(!measure.kpis.is_empty()).then(|| view! { <Kpis kpis=measure.kpis.clone()/> })}
                <Departments measure=measure.clone()/>
                {(!measure.general_plan_refs.is_empty()).then(|| view! {
                    <section id="general-plan" class="section" aria-labelledby="general-plan-heading">
                        <h2 id="general-plan-heading">"関連する総合計画の施策番号"</h2>
                        <ul class="chips">
                            {measure.general_plan_refs.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}
                        </ul>
                    </section>
                })}
                {has_schedule.then(|| view! { <Schedule measure=measure.clone() years=years.clone() plan_id=plan_id.clone()/> })}
                {(!years.is_empty()).then(|| view! {
                    <PlanVsActual rows=keikaku_sync::report::compare_measure(&measure, &years, &actuals)/>
                })}
                <KpiTrends trends=keikaku_sync::report::kpi_trends(&measure, &actuals)/>
            </article>
            {progress_recordable.then(|| view! {
                <p><a href=format!("{}/progress", paths::measure(&plan_id, &measure.id))>"この施策の進捗を記録する"</a></p>
            })}
            {editable.then(|| view! {
                <p><a href=format!("{}/edit", paths::measure(&plan_id, &measure.id))>"この施策を編集する"</a></p>
            })}
            {history_available.then(|| view! {
                <p><a href=format!("{}/history", paths::measure(&plan_id, &measure.id))>"この施策の変更履歴"</a></p>
            })}
            <nav class="pager" aria-label="前後の施策">
                {previous.map(|m| view! { <a href=paths::measure(&plan_id, &m.id) rel="prev">"← 前の施策："{m.number.unwrap_or_default()}" "{m.title}</a> })}
                {next.map(|m| view! { <a href=paths::measure(&plan_id, &m.id) rel="next">"次の施策："{m.number.unwrap_or_default()}" "{m.title}" →"</a> })}
            </nav>
        </div>
    }
}

#[component]
fn Actions(actions: Vec<Action>, glossary: Vec<TermLink>, plan_id: String) -> impl IntoView {
    // Consecutive actions under the same sub-heading form one group.
    let mut groups: Vec<(Option<String>, Option<String>, Vec<Action>)> = Vec::new();
    for action in actions {
        match groups.last_mut() {
            Some((group, _, members)) if *group == action.group => members.push(action),
            _ => groups.push((
                action.group.clone(),
                action.group_description.clone(),
                vec![action],
            )),
        }
    }
    view! {
        <section id="actions" class="section" aria-labelledby="actions-heading">
            <h2 id="actions-heading">"取組内容"</h2>
            {groups.into_iter().map(|(group, description, members)| view! {
                <div class="action-group">
                    {group.map(|g| view! { <h3>{g}</h3> })}
                    {description.map(|d| view! { <RichText text=d glossary=glossary.clone() plan_id=plan_id.clone()/> })}
                    <ul class="actions">
                        {members.into_iter().map(|a| view! {
                            <li id=format!("action-{}", a.id)>
                                <span class="action__number">{a.number.unwrap_or_default()}</span>
                                <span class="action__title"><RichText text=a.title glossary=glossary.clone() plan_id=plan_id.clone()/></span>
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            }).collect_view()}
        </section>
    }
}

fn point_text(point: &Option<KpiPoint>, amount: Option<String>) -> String {
    match (point, amount) {
        (Some(p), Some(amount)) => {
            let mut text = amount;
            if let Some(note) = &p.note {
                text.push_str(&format!("（{note}）"));
            }
            let year = p.year_label();
            if !year.is_empty() {
                text.push_str(&format!("　{year}"));
            }
            text
        }
        _ => "—".to_owned(),
    }
}

#[component]
fn Kpis(kpis: Vec<Kpi>) -> impl IntoView {
    view! {
        <section id="kpis" class="section" aria-labelledby="kpis-heading">
            <h2 id="kpis-heading">"KPI（重要業績評価指標）"</h2>
            <ScrollFrame label="KPI一覧">
                <table class="data-table kpi-table">
                    <caption class="visually-hidden">"KPIの基準値と目標値"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"指標"</th>
                            <th scope="col">"基準値"</th>
                            <th scope="col">"目標値"</th>
                            <th scope="col">"計画での記載"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {kpis.into_iter().map(|k| view! {
                            <tr>
                                <th scope="row">
                                    {k.label.clone()}
                                    {k.source.clone().map(|s| view! { <span class="fact-note">{format!("出典：{s}")}</span> })}
                                </th>
                                <td>{if k.is_qualitative() { "定性目標".to_owned() } else { point_text(&k.baseline, k.baseline_amount()) }}</td>
                                <td>{if k.is_qualitative() { "—".to_owned() } else { point_text(&k.target, k.target_amount()) }}</td>
                                <td class="kpi-table__text">{k.text.clone()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </ScrollFrame>
        </section>
    }
}

#[component]
fn Departments(measure: Measure) -> impl IntoView {
    if measure.lead_departments.is_empty() && measure.related_departments.is_empty() {
        return ().into_any();
    }
    let list = |names: Vec<String>| {
        if names.is_empty() {
            view! { <dd>"—"</dd> }.into_any()
        } else {
            view! { <dd><ul class="chips">{names.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul></dd> }.into_any()
        }
    };
    view! {
        <section id="departments" class="section" aria-labelledby="departments-heading">
            <h2 id="departments-heading">"担当課・関係課"</h2>
            <dl class="facts facts--stacked">
                <div><dt>"担当課"</dt>{list(measure.lead_departments)}</div>
                <div><dt>"関係課"</dt>{list(measure.related_departments)}</div>
            </dl>
            {measure.departments_note.map(|n| view! { <p class="fact-note">"注記："{n}</p> })}
        </section>
    }
    .into_any()
}

#[component]
fn Schedule(measure: Measure, years: Vec<FiscalYear>, plan_id: String) -> impl IntoView {
    let cells = |schedule: &[keikaku_domain::format::ScheduleCell]| row_cells(schedule, &years);
    let mut rows = Vec::new();
    if !measure.schedule.is_empty() || measure.actions.is_empty() {
        rows.push(("施策全体".to_owned(), cells(&measure.schedule)));
    }
    for action in &measure.actions {
        rows.push((
            format!(
                "{} {}",
                action.number.clone().unwrap_or_default(),
                action.title.lines().next().unwrap_or_default()
            ),
            cells(&action.schedule),
        ));
    }
    let mut table = HtmlText::new();
    table.element("caption", &[("class", "visually-hidden")], "年度ごとの予定");
    write_year_head(&mut table, "取組", &years);
    table.open("tbody", &[]);
    for (label, cells) in rows {
        table.open("tr", &[]).element(
            "th",
            &[("scope", "row"), ("class", "roadmap-table__item")],
            &label,
        );
        for cell in &cells {
            write_schedule_cell(&mut table, cell.as_ref(), None);
        }
        table.close("tr");
    }
    table.close("tbody");
    let table = table.finish();
    view! {
        <section id="schedule" class="section" aria-labelledby="schedule-heading">
            <h2 id="schedule-heading">"スケジュール（工程表）"</h2>
            <StageLegend/>
            <ScrollFrame label="スケジュール">
                <table class="roadmap-table" inner_html=table></table>
            </ScrollFrame>
            <p><a href=paths::roadmap(&plan_id)>"計画全体の工程表を見る"</a></p>
        </section>
    }
}
