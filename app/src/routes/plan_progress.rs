//! `/plans/:plan_id/progress`: 進み具合, how the plan is going as published reporting rounds
//! made public: the measures' standing per pillar, each measure's latest state and evaluation,
//! and every KPI from baseline to latest to target. Readable without JavaScript: the charts are
//! SVG from the server, each with a sentence and a table.

use keikaku_domain::views::paths;
use keikaku_sync::overview::{KpiProgress, PillarProgress, ProgressOverview, Standing};
use keikaku_sync::round_sheet::dated_amount;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::progress::ProgressView;
use crate::components::achievement_chart::{AchievementChart, AchievementRow};
use crate::components::guarded::optional_page;
use crate::components::layout::PageTitle;
use crate::components::plan_header::{Breadcrumbs, PlanHeader, PlanTab};
use crate::components::standing_chart::{StandingChart, StandingRow};
use crate::components::table::ScrollFrame;
use crate::i18n::{t, t_string, use_i18n};
use crate::lang::use_lang;
use keikaku_domain::lang::{mark_japanese, Lang};

#[component]
pub fn PlanProgressPage() -> impl IntoView {
    let params = use_params_map();
    let lang = use_lang();
    let page = Resource::new(
        move || (params.read().get("plan_id").unwrap_or_default(), lang),
        |(plan_id, lang)| crate::api::progress::progress_page(plan_id, lang),
    );
    let not_found = t_string!(use_i18n(), plan.not_found);
    optional_page(page, not_found, |view| {
        view! { <PlanProgress view/> }
    })
}

#[component]
fn PlanProgress(view: ProgressView) -> impl IntoView {
    let ProgressView { summary, overview } = view;
    let (i18n, lang) = (use_i18n(), use_lang());
    let plan_id = summary.id.clone();
    let as_of = match (&overview.latest_year, &overview.as_of) {
        (None, _) => t_string!(i18n, progress.nothing_published).to_owned(),
        (Some(year), None) => {
            t_string!(i18n, progress.as_of_year, year = year.label_in(lang)).to_string()
        }
        (Some(year), Some(date)) => t_string!(
            i18n,
            progress.as_of_both,
            year = year.label_in(lang),
            date = date.clone()
        )
        .to_string(),
    };
    let text = overview.summary(lang);
    let body = if overview.pillars.is_empty() {
        view! { <p>{t!(i18n, progress.no_measures)}</p> }.into_any()
    } else {
        view! { <Standings overview=overview plan_id=plan_id.clone()/> }.into_any()
    };
    let title = t_string!(i18n, progress.page_title, plan = summary.title.clone()).to_string();
    view! {
        <PageTitle text=title description=text.clone()/>
        <div class="page">
            <Breadcrumbs trail=vec![(summary.title.clone(), Some(paths::plan(&plan_id))), (t_string!(i18n, progress.title).to_owned(), None)]/>
            <PlanHeader summary=summary.clone() current=PlanTab::Progress/>
            <crate::lang::ContentLanguageNotice partly=summary.has_english/>
            <h1>{t!(i18n, progress.title)}</h1>
            <p>{t!(i18n, progress.lead)}</p>
            <p class="progress-overview__as-of">{as_of}</p>
            <p class="progress-overview__summary">{text}</p>
            {body}
        </div>
    }
}

#[component]
fn Standings(overview: ProgressOverview, plan_id: String) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), use_lang());
    let rows: Vec<StandingRow> = overview
        .pillars
        .iter()
        .map(|p| StandingRow {
            label: p.title.clone(),
            counts: p.counts.clone(),
        })
        .collect();
    let overall = t_string!(
        i18n,
        progress.chart_summary_all,
        sentence = overview.totals.sentence(lang),
        total = overview.totals.total()
    )
    .to_string();
    let separator = if lang == Lang::En { " " } else { "" };
    let per_pillar: Vec<(String, String)> = overview
        .pillars
        .iter()
        .map(|p| (p.title.clone(), p.counts.sentence(lang)))
        .collect();
    let kpis = overview.kpis.clone();
    view! {
        <section class="section" aria-labelledby="standings-heading">
            <h2 id="standings-heading">{t!(i18n, progress.standings)}</h2>
            <p>{t!(i18n, progress.standings_lead)}</p>
            <StandingChart id="standings" caption=t_string!(i18n, progress.standings_caption).to_owned() rows>
                {overall}
                {per_pillar.into_iter().map(|(pillar, sentence)| view! {
                    {separator}
                    {t!(i18n, progress.chart_summary_pillar, pillar, sentence, <ja> = <span lang="ja" />)}
                }).collect_view()}
            </StandingChart>
        </section>
        <section class="section" aria-labelledby="measures-heading">
            <h2 id="measures-heading">{t!(i18n, progress.measures)}</h2>
            {overview.pillars.into_iter().enumerate().map(|(i, pillar)| view! {
                <PillarTable pillar index=i plan_id=plan_id.clone()/>
            }).collect_view()}
        </section>
        <Kpis kpis plan_id/>
    }
}

#[component]
fn PillarTable(pillar: PillarProgress, index: usize, plan_id: String) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), use_lang());
    let heading_id = format!("pillar-{index}-heading");
    let frame_name = heading_id.clone();
    let unpublished = t_string!(i18n, progress.unpublished);
    view! {
        <h3 id=heading_id lang=mark_japanese(&pillar.title)>{pillar.title.clone()}</h3>
        // The frame is named by the pillar's heading: a name in an attribute cannot say which
        // of its words are Japanese.
        <div class="table-scroll" role="region" aria-labelledby=frame_name tabindex="0">
            <table class="data-table data-table--compact data-table--figures">
                <caption class="visually-hidden">
                    <span lang=mark_japanese(&pillar.title)>{pillar.title.clone()}</span>" "{t!(i18n, progress.pillar_measures)}
                </caption>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, progress.measure)}</th>
                        <th scope="col">{t!(i18n, progress.state)}</th>
                        <th scope="col">{t!(i18n, progress.year)}</th>
                        <th scope="col">{t!(i18n, progress.stage)}</th>
                        <th scope="col">{t!(i18n, progress.percent)}</th>
                        <th scope="col">{t!(i18n, progress.grade)}</th>
                    </tr>
                </thead>
                <tbody>
                    {pillar.measures.into_iter().map(|m| {
                        let name = match &m.number {
                            Some(number) => format!("{number} {}", m.title),
                            None => m.title.clone(),
                        };
                        let dash_or_unpublished = if m.standing == Standing::Unpublished { "—" } else { unpublished };
                        let grade = m.grade.map(|(g, y)| match lang {
                            Lang::Ja => format!("{}（{}）", g.as_str(), y.label()),
                            Lang::En => format!("{} ({})", g.as_str(), y.label_in(lang)),
                        });
                        view! {
                            <tr>
                                <th scope="row" lang=crate::lang::text_lang(&m.title)><a href=paths::measure(&plan_id, &m.id)>{name}</a></th>
                                <td><span class=format!("standing standing--{}", m.standing.as_str())>{m.standing.label_in(lang)}</span></td>
                                <td>{m.year.map(|y| y.label_in(lang)).unwrap_or_else(|| "—".to_owned())}</td>
                                <td>{m.stage.map_or(dash_or_unpublished, |s| s.label_in(lang))}</td>
                                <td>{m.percent.map(|p| format!("{p}%")).unwrap_or_else(|| dash_or_unpublished.to_owned())}</td>
                                <td>{grade.unwrap_or_else(|| unpublished.to_owned())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn Kpis(kpis: Vec<KpiProgress>, plan_id: String) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), use_lang());
    if kpis.is_empty() {
        return view! {
            <section class="section" aria-labelledby="kpis-heading">
                <h2 id="kpis-heading">{t!(i18n, progress.kpis)}</h2>
                <p>{t!(i18n, progress.no_kpis)}</p>
            </section>
        }
        .into_any();
    }
    // The chart draws the KPIs with a published reading; the others are counted at its foot
    // and listed in the table.
    let rows: Vec<AchievementRow> = kpis
        .iter()
        .filter(|k| k.line.latest.is_some())
        .map(|k| AchievementRow {
            label: k.line.label.clone(),
            percent: k.line.achievement.as_ref().map(|a| a.percent),
            missing: t_string!(i18n, progress.cannot_compute).to_owned(),
        })
        .collect();
    let unpublished = kpis.len() - rows.len();
    let missing_note = (unpublished > 0)
        .then(|| t_string!(i18n, progress.missing_note, count = unpublished).to_string());
    let rated: Vec<f64> = rows.iter().filter_map(|r| r.percent).collect();
    let reached = rated.iter().filter(|p| **p >= 100.0).count();
    let mut summary = t_string!(
        i18n,
        progress.kpi_summary,
        total = kpis.len(),
        rated = rated.len(),
        reached,
        unpublished
    )
    .to_string();
    match rows.len() - rated.len() {
        0 => {}
        n => {
            if lang == Lang::En {
                summary.push(' ');
            }
            summary.push_str(&t_string!(i18n, progress.kpi_uncomputable, count = n).to_string());
        }
    }
    view! {
        <section class="section" aria-labelledby="kpis-heading">
            <h2 id="kpis-heading">{t!(i18n, progress.kpis)}</h2>
            <p>{t!(i18n, progress.formula_lead)}</p>
            <AchievementChart id="kpis" caption=t_string!(i18n, progress.achievement_caption).to_owned() summary rows missing_note/>
            <ScrollFrame label=t_string!(i18n, progress.kpi_list)>
                <table class="data-table data-table--compact data-table--figures data-table--wide">
                    <caption class="visually-hidden">{t!(i18n, progress.kpi_table_caption)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, progress.indicator)}</th>
                            <th scope="col">{t!(i18n, progress.measure)}</th>
                            <th scope="col">{t!(i18n, progress.baseline)}</th>
                            <th scope="col">{t!(i18n, progress.latest)}</th>
                            <th scope="col">{t!(i18n, progress.target)}</th>
                            <th scope="col">{t!(i18n, progress.rate)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {kpis.into_iter().map(|k| {
                            let line = k.line;
                            let dated = |p: Option<(String, String)>| {
                                p.as_ref().map_or_else(|| "—".to_owned(), |p| dated_amount(p, lang))
                            };
                            let latest = line.latest.clone().map_or_else(
                                || t_string!(i18n, progress.unpublished).to_owned(),
                                |(v, at)| keikaku_sync::round_sheet::reading_as_of(&v, &line.unit, &at, lang),
                            );
                            let (rate, formula) = match line.achievement.clone() {
                                Some(a) => (format!("{}%", keikaku_domain::format::figure(a.percent)), a.formula(lang)),
                                None if line.latest.is_none() => ("—".to_owned(), t_string!(i18n, progress.latest_unpublished).to_owned()),
                                None => ("—".to_owned(), t_string!(i18n, progress.uncomputable).to_owned()),
                            };
                            let (baseline, target) = (dated(line.baseline.clone()), dated(line.target.clone()));
                            let (label_lang, measure_lang) = (
                                crate::lang::text_lang(&line.label),
                                crate::lang::text_lang(&k.measure_title),
                            );
                            view! {
                                <tr>
                                    <th scope="row" lang=label_lang>{line.label.clone()}</th>
                                    <td class="data-table__text" lang=measure_lang><a href=paths::measure(&plan_id, &k.measure_id)>{k.measure_title}</a></td>
                                    <td lang=mark_japanese(&baseline)>{baseline.clone()}</td>
                                    <td lang=mark_japanese(&latest)>{latest.clone()}</td>
                                    <td lang=mark_japanese(&target)>{target.clone()}</td>
                                    <td class="data-table__text">{rate}<br/><span class="field__hint">{formula}</span></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </ScrollFrame>
        </section>
    }
    .into_any()
}
