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

#[component]
pub fn PlanProgressPage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(
        move || params.read().get("plan_id").unwrap_or_default(),
        crate::api::progress::progress_page,
    );
    optional_page(
        page,
        "指定された計画は見つかりませんでした。",
        |view| {
            view! { <PlanProgress view/> }
        },
    )
}

#[component]
fn PlanProgress(view: ProgressView) -> impl IntoView {
    let ProgressView { summary, overview } = view;
    let plan_id = summary.id.clone();
    let as_of = as_of_sentence(&overview);
    let text = overview.summary();
    let body = if overview.pillars.is_empty() {
        view! { <p>"この計画には施策が登録されていません。"</p> }.into_any()
    } else {
        view! { <Standings overview=overview plan_id=plan_id.clone()/> }.into_any()
    };
    view! {
        <PageTitle text=format!("進み具合｜{}", summary.title) description=text.clone()/>
        <div class="page">
            <Breadcrumbs trail=vec![(summary.title.clone(), Some(paths::plan(&plan_id))), ("進み具合".to_owned(), None)]/>
            <PlanHeader summary=summary.clone() current=PlanTab::Progress/>
            <h1>"進み具合"</h1>
            <p>"施策がどこまで進んでいるかを、市が公表した評価（実績報告）からまとめています。職員が記録中の内容は、評価が公表されると反映されます。"</p>
            <p class="progress-overview__as-of">{as_of}</p>
            <p class="progress-overview__summary">{text}</p>
            {body}
        </div>
    }
}

/// 「令和6年度（2024年度）までの公表分。指標の最新値は2025-03-31時点」, or that nothing is out yet.
fn as_of_sentence(overview: &ProgressOverview) -> String {
    match (&overview.latest_year, &overview.as_of) {
        (None, _) => "公表された評価はまだありません。".to_owned(),
        (Some(year), None) => format!("データの時点：{}までの公表分。", year.label()),
        (Some(year), Some(date)) => format!(
            "データの時点：{}までの公表分。指標の最新値は{date}時点。",
            year.label()
        ),
    }
}

#[component]
fn Standings(overview: ProgressOverview, plan_id: String) -> impl IntoView {
    let rows: Vec<StandingRow> = overview
        .pillars
        .iter()
        .map(|p| StandingRow {
            label: p.title.clone(),
            counts: p.counts.clone(),
        })
        .collect();
    let chart_summary = format!(
        "全体では{}（計{}件）。{}",
        overview.totals.sentence(),
        overview.totals.total(),
        overview
            .pillars
            .iter()
            .map(|p| format!("{}は{}", p.title, p.counts.sentence()))
            .collect::<Vec<_>>()
            .join("。")
    ) + "。";
    let kpis = overview.kpis.clone();
    view! {
        <section class="section" aria-labelledby="standings-heading">
            <h2 id="standings-heading">"施策の状況"</h2>
            <p>"各施策の最新の公表された状況で数えています。ほかの柱に再掲された施策は、最初に掲げられた柱で数えます。"</p>
            <StandingChart id="standings" caption="柱ごとの施策の状況".to_owned() summary=chart_summary rows/>
        </section>
        <section class="section" aria-labelledby="measures-heading">
            <h2 id="measures-heading">"施策ごとの状況と評価"</h2>
            {overview.pillars.into_iter().enumerate().map(|(i, pillar)| view! {
                <PillarTable pillar index=i plan_id=plan_id.clone()/>
            }).collect_view()}
        </section>
        <Kpis kpis plan_id/>
    }
}

#[component]
fn PillarTable(pillar: PillarProgress, index: usize, plan_id: String) -> impl IntoView {
    let heading_id = format!("pillar-{index}-heading");
    let title = pillar.title.clone();
    view! {
        <h3 id=heading_id>{pillar.title.clone()}</h3>
        <ScrollFrame label=format!("{title}の施策")>
            <table class="data-table data-table--compact data-table--figures">
                <caption class="visually-hidden">{format!("{title}の施策の状況と評価")}</caption>
                <thead>
                    <tr>
                        <th scope="col">"施策"</th>
                        <th scope="col">"状況"</th>
                        <th scope="col">"年度"</th>
                        <th scope="col">"到達段階"</th>
                        <th scope="col">"進捗率"</th>
                        <th scope="col">"評価"</th>
                    </tr>
                </thead>
                <tbody>
                    {pillar.measures.into_iter().map(|m| {
                        let name = match &m.number {
                            Some(number) => format!("{number} {}", m.title),
                            None => m.title.clone(),
                        };
                        let unpublished = m.standing == Standing::Unpublished;
                        view! {
                            <tr>
                                <th scope="row"><a href=paths::measure(&plan_id, &m.id)>{name}</a></th>
                                <td><span class=format!("standing standing--{}", m.standing.as_str())>{m.standing.label()}</span></td>
                                <td>{m.year.map(|y| y.label()).unwrap_or_else(|| "—".to_owned())}</td>
                                <td>{m.stage.map(|s| s.label().to_owned()).unwrap_or_else(|| if unpublished { "—".to_owned() } else { "未公表".to_owned() })}</td>
                                <td>{m.percent.map(|p| format!("{p}%")).unwrap_or_else(|| if unpublished { "—".to_owned() } else { "未公表".to_owned() })}</td>
                                <td>{m.grade.map(|(g, y)| format!("{}（{}）", g.as_str(), y.label())).unwrap_or_else(|| "未公表".to_owned())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </ScrollFrame>
    }
}

#[component]
fn Kpis(kpis: Vec<KpiProgress>, plan_id: String) -> impl IntoView {
    if kpis.is_empty() {
        return view! {
            <section class="section" aria-labelledby="kpis-heading">
                <h2 id="kpis-heading">"指標（KPI）の達成状況"</h2>
                <p>"この計画には、数値で目標を示した指標がありません。"</p>
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
            missing: "達成率を算出できません".to_owned(),
        })
        .collect();
    let unpublished = kpis.len() - rows.len();
    let missing_note = (unpublished > 0)
        .then(|| format!("ほか{unpublished}件は最新値が未公表のため、達成率を示していません。"));
    let rated: Vec<f64> = rows.iter().filter_map(|r| r.percent).collect();
    let reached = rated.iter().filter(|p| **p >= 100.0).count();
    let summary = format!(
        "数値目標のある指標{}件のうち、達成率を示せるのは{}件で、そのうち目標に達したのは{reached}件です。{}件は最新値が公表されていません{}。",
        kpis.len(),
        rated.len(),
        unpublished,
        match rows.len() - rated.len() {
            0 => String::new(),
            n => format!("。{n}件は最新値があっても達成率を算出できません"),
        }
    );
    view! {
        <section class="section" aria-labelledby="kpis-heading">
            <h2 id="kpis-heading">"指標（KPI）の達成状況"</h2>
            <p>"達成率は、基準値があるときは（最新値 − 基準値）÷（目標値 − 基準値）、ないときは 最新値 ÷ 目標値 で求めています。目標値を下げることが目標の指標（待ち時間など）も同じ式で正しく表れます。"</p>
            <AchievementChart id="kpis" caption="指標ごとの達成率".to_owned() summary rows missing_note/>
            <ScrollFrame label="指標の一覧">
                <table class="data-table data-table--compact data-table--figures data-table--wide">
                    <caption class="visually-hidden">"指標ごとの基準値・最新値・目標値・達成率"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"指標"</th>
                            <th scope="col">"施策"</th>
                            <th scope="col">"基準値"</th>
                            <th scope="col">"最新値"</th>
                            <th scope="col">"目標値"</th>
                            <th scope="col">"達成率（算出方法）"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {kpis.into_iter().map(|k| {
                            let line = k.line;
                            let dated = |p: Option<(String, String)>| {
                                p.as_ref().map_or_else(|| "—".to_owned(), dated_amount)
                            };
                            let latest = line.latest.clone().map_or("未公表".to_owned(), |(v, at)| {
                                format!("{v}{}（{at}時点）", line.unit)
                            });
                            let (rate, formula) = match line.achievement.clone() {
                                Some(a) => (format!("{}%", keikaku_domain::format::figure(a.percent)), a.formula),
                                None if line.latest.is_none() => ("—".to_owned(), "最新値が未公表".to_owned()),
                                None => ("—".to_owned(), "算出できません".to_owned()),
                            };
                            view! {
                                <tr>
                                    <th scope="row">{line.label.clone()}</th>
                                    <td class="data-table__text"><a href=paths::measure(&plan_id, &k.measure_id)>{k.measure_title}</a></td>
                                    <td>{dated(line.baseline.clone())}</td>
                                    <td>{latest}</td>
                                    <td>{dated(line.target.clone())}</td>
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
