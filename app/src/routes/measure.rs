//! `/plans/:plan_id/measures/:measure_id`: every field of one measure, its KPIs, departments,
//! general-plan references and its roadmap rows.

use keikaku_domain::format::{Action, Kpi, KpiPoint, Measure};
use keikaku_domain::lang::{mark_japanese, Lang};
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
use crate::i18n::{t, t_string, use_i18n};
use crate::lang::{text_lang, use_lang};
use keikaku_render::schedule::{write_schedule_cell, write_year_head};
use keikaku_render::HtmlText;

#[component]
pub fn MeasurePage() -> impl IntoView {
    let params = use_params_map();
    let lang = crate::lang::use_lang();
    let page = Resource::new(
        move || {
            let p = params.read();
            (
                p.get("plan_id").unwrap_or_default(),
                p.get("measure_id").unwrap_or_default(),
            )
        },
        move |(plan_id, measure_id)| crate::pages::measure(plan_id, measure_id, lang),
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
                    Ok(None) => view! { <NotFound message=t_string!(use_i18n(), measure.not_found)/> }.into_any(),
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
    let i18n = use_i18n();
    (!trends.is_empty()).then(|| {
        view! {
            <section id="kpi-trends" class="section" aria-labelledby="kpi-trends-heading">
                <h2 id="kpi-trends-heading">{t!(i18n, measure.kpi_trends)}</h2>
                <p>{t!(i18n, measure.kpi_trends_lead)}</p>
                {trends.into_iter().enumerate().map(|(index, trend)| view! { <KpiTrendChart trend index/> }).collect_view()}
            </section>
        }
    })
}

#[component]
fn PlanVsActual(rows: Vec<keikaku_sync::report::YearComparison>) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), use_lang());
    let summary = keikaku_sync::report::describe(&rows, lang);
    let any_stage = rows.iter().any(|r| r.planned_stage.is_some());
    let not_recorded = t_string!(i18n, measure.not_recorded);
    view! {
        <section aria-labelledby="actual-heading">
            <h2 id="actual-heading">{t!(i18n, measure.plan_vs_actual)}</h2>
            {any_stage.then(|| view! { <YearsChart rows=rows.clone() summary_id="actual-summary"/> })}
            <p id="actual-summary">{summary}</p>
            <div class="table-scroll" role="region" aria-labelledby="actual-heading" tabindex="0">
                <table class="data-table">
                    <caption class="visually-hidden">{t!(i18n, measure.pva_caption)}</caption>
                    <thead><tr>
                        <th scope="col">{t!(i18n, measure.year)}</th><th scope="col">{t!(i18n, measure.planned)}</th>
                        <th scope="col">{t!(i18n, measure.actual)}</th><th scope="col">{t!(i18n, measure.actual_detail)}</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|row| view! {
                            <tr>
                                <th scope="row">{row.year.label_in(lang)}</th>
                                {planned_cell(row.planned)}
                                <td>{row.actual.as_ref().map_or_else(|| not_recorded.to_owned(), |a| a.summary_in(lang))}</td>
                                <td class="pre-wrap" lang="ja">{row.actual.map(|a| a.results).filter(|r| !r.is_empty()).unwrap_or_else(|| "—".to_owned())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// The plan's words for a year, in the language they are in (its English where the plan gives
/// it on a page in English).
fn planned_cell(planned: Option<String>) -> impl IntoView {
    let lang = planned.as_deref().map(text_lang);
    view! { <td lang=lang>{planned.unwrap_or_else(|| "—".to_owned())}</td> }
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
    let i18n = use_i18n();
    let text = {
        let glossary = glossary.clone();
        let plan_id = plan_id.clone();
        move |t: String| {
            let lang = text_lang(&t);
            view! { <div lang=lang><RichText text=t glossary=glossary.clone() plan_id=plan_id.clone()/></div> }
        }
    };
    let fields: Vec<(&str, &str, Option<String>)> = vec![
        (
            "summary",
            t_string!(i18n, measure.summary),
            measure.summary.clone(),
        ),
        (
            "outcome",
            t_string!(i18n, measure.outcome),
            measure.outcome.clone(),
        ),
        (
            "target-state",
            t_string!(i18n, measure.target_state),
            measure.target_state.clone(),
        ),
        (
            "current-issues",
            t_string!(i18n, measure.current_issues),
            measure.current_issues.clone(),
        ),
        (
            "direction",
            t_string!(i18n, measure.direction),
            measure.direction.clone(),
        ),
        (
            "content",
            t_string!(i18n, measure.content),
            measure.content.clone(),
        ),
    ];
    let has_schedule =
        !measure.schedule.is_empty() || measure.actions.iter().any(|a| !a.schedule.is_empty());
    let description = measure
        .summary
        .clone()
        .or_else(|| measure.target_state.clone())
        .unwrap_or_else(|| {
            t_string!(
                i18n,
                measure.description,
                plan = summary.title.clone(),
                measure = measure.title.clone()
            )
            .to_string()
        });
    view! {
        <PageTitle text=format!("{heading}｜{}", summary.title) description/>
        <ScrollToFragment/>
        <div class="page">
            <Breadcrumbs trail=vec![(summary.title.clone(), Some(paths::plan(&plan_id))), (heading.clone(), None)]/>
            <PlanHeader summary=summary.clone() current=PlanTab::Measure/>
            <crate::lang::ContentLanguageNotice partly=summary.has_english/>
            <article class="measure">
                <h1><span lang=text_lang(&measure.title)>{heading}</span></h1>
                {(!placements.is_empty()).then(|| view! {
                    <ul class="placements" aria-label=t_string!(i18n, measure.placements)>
                        {placements.into_iter().enumerate().map(|(i, trail)| {
                            let last = trail.last().map(|n| n.id.clone()).unwrap_or_default();
                            view! {
                                <li>
                                    <a href=format!("{}#node-{last}", paths::plan(&plan_id))>
                                        {trail.into_iter().enumerate().map(|(j, n)| {
                                            let title_lang = text_lang(&n.title);
                                            view! {
                                                {(j > 0).then_some(" › ")}
                                                <span lang="ja">{n.label}" "{n.number.map(|x| format!("{x} "))}</span>
                                                <span lang=title_lang>{n.title}</span>
                                            }
                                        }).collect_view()}
                                    </a>
                                    {(i > 0).then(|| view! { " "<span class="badge badge--reprint">{t!(i18n, plan.reprint)}</span> })}
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
                        <h2 id="general-plan-heading">{t!(i18n, measure.general_plan)}</h2>
                        <ul class="chips" lang="ja">
                            {measure.general_plan_refs.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}
                        </ul>
                    </section>
                })}
                {has_schedule.then(|| view! { <Schedule measure=measure.clone() years=years.clone() plan_id=plan_id.clone()/> })}
                {(!years.is_empty()).then(|| view! {
                    <PlanVsActual rows=keikaku_sync::report::compare_measure(&measure, &years, &actuals, use_lang())/>
                })}
                <KpiTrends trends=keikaku_sync::report::kpi_trends(&measure, &actuals, use_lang())/>
            </article>
            {progress_recordable.then(|| view! {
                <p><a href=format!("{}/progress", paths::measure(&plan_id, &measure.id))>{t!(i18n, measure.record_progress)}</a></p>
            })}
            {editable.then(|| view! {
                <p><a href=format!("{}/edit", paths::measure(&plan_id, &measure.id))>{t!(i18n, measure.edit)}</a></p>
            })}
            {history_available.then(|| view! {
                <p><a href=format!("{}/history", paths::measure(&plan_id, &measure.id))>{t!(i18n, measure.history)}</a></p>
            })}
            <nav class="pager" aria-label=t_string!(i18n, measure.pager)>
                {previous.map(|m| {
                    let lang = text_lang(&m.title);
                    view! { <a href=paths::measure(&plan_id, &m.id) rel="prev">{t!(i18n, measure.previous)}<span lang=lang>{m.number.unwrap_or_default()}" "{m.title}</span></a> }
                })}
                {next.map(|m| {
                    let lang = text_lang(&m.title);
                    view! { <a href=paths::measure(&plan_id, &m.id) rel="next">{t!(i18n, measure.next)}<span lang=lang>{m.number.unwrap_or_default()}" "{m.title}</span>" →"</a> }
                })}
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
    let i18n = use_i18n();
    view! {
        <section id="actions" class="section" aria-labelledby="actions-heading">
            <h2 id="actions-heading">{t!(i18n, measure.actions)}</h2>
            {groups.into_iter().map(|(group, description, members)| view! {
                <div class="action-group">
                    {group.map(|g| { let lang = text_lang(&g); view! { <h3 lang=lang>{g}</h3> } })}
                    {description.map(|d| { let lang = text_lang(&d); view! { <div lang=lang><RichText text=d glossary=glossary.clone() plan_id=plan_id.clone()/></div> } })}
                    <ul class="actions">
                        {members.into_iter().map(|a| {
                            let lang = text_lang(&a.title);
                            view! {
                                <li id=format!("action-{}", a.id)>
                                    <span class="action__number" lang="ja">{a.number.unwrap_or_default()}</span>
                                    <span class="action__title" lang=lang><RichText text=a.title glossary=glossary.clone() plan_id=plan_id.clone()/></span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
            }).collect_view()}
        </section>
    }
}

/// A baseline or target as the KPI table shows it: amount, the plan's note, year.
fn point_text(point: &Option<KpiPoint>, amount: Option<String>, lang: Lang) -> String {
    match (point, amount) {
        (Some(p), Some(amount)) => {
            let mut text = amount;
            if let Some(note) = &p.note {
                text.push_str(&format!("（{note}）"));
            }
            let year = p.year_label_in(lang);
            if !year.is_empty() {
                text.push_str(&format!(
                    "{}{year}",
                    if lang == Lang::Ja { "　" } else { " " }
                ));
            }
            text
        }
        _ => "—".to_owned(),
    }
}

/// A table cell that is marked Japanese when what it holds is (a note, an untranslated unit).
fn figure_cell(text: String) -> impl IntoView {
    let lang = mark_japanese(&text);
    view! { <td lang=lang>{text}</td> }
}

#[component]
fn Kpis(kpis: Vec<Kpi>) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), use_lang());
    view! {
        <section id="kpis" class="section" aria-labelledby="kpis-heading">
            <h2 id="kpis-heading">{t!(i18n, measure.kpis)}</h2>
            <ScrollFrame label=t_string!(i18n, measure.kpi_list)>
                <table class="data-table kpi-table">
                    <caption class="visually-hidden">{t!(i18n, measure.kpi_caption)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, measure.indicator)}</th>
                            <th scope="col">{t!(i18n, measure.baseline)}</th>
                            <th scope="col">{t!(i18n, measure.target)}</th>
                            <th scope="col">{t!(i18n, measure.as_written)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {kpis.into_iter().map(|k| view! {
                            <tr>
                                <th scope="row">
                                    <span lang=text_lang(&k.label)>{k.label.clone()}</span>
                                    {k.source.clone().map(|s| view! { <span class="fact-note">{t!(i18n, measure.source)}<span lang="ja">{s}</span></span> })}
                                </th>
                                {if k.is_qualitative() {
                                    view! { <td>{t!(i18n, measure.qualitative)}</td><td>"—"</td> }.into_any()
                                } else {
                                    view! {
                                        {figure_cell(point_text(&k.baseline, k.baseline_amount_in(lang), lang))}
                                        {figure_cell(point_text(&k.target, k.target_amount_in(lang), lang))}
                                    }.into_any()
                                }}
                                <td class="kpi-table__text" lang=text_lang(&k.text)>{k.text.clone()}</td>
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
    // Each name in its own language: the organization may give a department's English.
    let list = |names: Vec<String>| {
        if names.is_empty() {
            view! { <dd>"—"</dd> }.into_any()
        } else {
            view! { <dd><ul class="chips">{names.into_iter().map(|n| { let lang = text_lang(&n); view! { <li lang=lang>{n}</li> } }).collect_view()}</ul></dd> }.into_any()
        }
    };
    let i18n = use_i18n();
    view! {
        <section id="departments" class="section" aria-labelledby="departments-heading">
            <h2 id="departments-heading">{t!(i18n, measure.departments)}</h2>
            <dl class="facts facts--stacked">
                <div><dt>{t!(i18n, measure.lead)}</dt>{list(measure.lead_departments)}</div>
                <div><dt>{t!(i18n, measure.related)}</dt>{list(measure.related_departments)}</div>
            </dl>
            {measure.departments_note.map(|n| { let lang = text_lang(&n); view! { <p class="fact-note">{t!(i18n, measure.note)}<span lang=lang>{n}</span></p> } })}
        </section>
    }
    .into_any()
}

#[component]
fn Schedule(measure: Measure, years: Vec<FiscalYear>, plan_id: String) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), use_lang());
    let cells =
        |schedule: &[keikaku_domain::format::ScheduleCell]| row_cells(schedule, &years, lang);
    let mut rows = Vec::new();
    if !measure.schedule.is_empty() || measure.actions.is_empty() {
        rows.push((
            t_string!(i18n, measure.whole_measure).to_owned(),
            cells(&measure.schedule),
        ));
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
    table.element(
        "caption",
        &[("class", "visually-hidden")],
        t_string!(i18n, measure.schedule_caption),
    );
    write_year_head(
        &mut table,
        t_string!(i18n, measure.schedule_item),
        &years,
        lang,
    );
    table.open("tbody", &[]);
    for (label, cells) in rows {
        let mut header = vec![("scope", "row"), ("class", "roadmap-table__item")];
        header.extend(mark_japanese(&label).map(|lang| ("lang", lang)));
        table.open("tr", &[]).element("th", &header, &label);
        for cell in &cells {
            write_schedule_cell(&mut table, cell.as_ref(), None, lang);
        }
        table.close("tr");
    }
    table.close("tbody");
    let table = table.finish();
    view! {
        <section id="schedule" class="section" aria-labelledby="schedule-heading">
            <h2 id="schedule-heading">{t!(i18n, measure.schedule)}</h2>
            <StageLegend/>
            <ScrollFrame label=t_string!(i18n, measure.schedule_label)>
                <table class="roadmap-table" inner_html=table></table>
            </ScrollFrame>
            <p><a href=paths::roadmap(&plan_id)>{t!(i18n, measure.whole_roadmap)}</a></p>
        </section>
    }
}
