//! `/rounds/:round_id/report`: the round's evaluation report (評価結果報告書). A summary (counts
//! by state, by self and secondary grade, per pillar, with a chart, its text and its table),
//! then each measure: the year's plan, what was achieved, the KPIs from baseline to latest
//! reading to target with the achievement rate and how it is computed, both evaluations and the
//! next actions. Print-ready at A4 (`@media print` in the style sheet). Administrators review
//! each record here: return with a comment, approve, evaluate, reopen; the forms do not print.

use keikaku_domain::evaluation::{Grade, RecordState, RoundState};
use keikaku_domain::views::paths;
use keikaku_sync::round_sheet::{KpiLine, SheetRow, StepLine};
use leptos::prelude::*;
use serde_json::json;

use crate::api::rounds::RoundView;
use crate::client::send_json;
use crate::components::chart::{Bar, BarChart};
use crate::components::form::browser_action;
use crate::components::guarded::{guarded_page, PageTexts};
use crate::components::layout::PageTitle;
use crate::components::outcome::{field_problem, FormNotice, Outcome};
use crate::components::plan_header::Breadcrumbs;
use crate::routes::progress::stage_label;
use crate::routes::round::{state_bars, Steps};

const TEXTS: PageTexts = PageTexts {
    title: "評価結果報告書",
    not_found: "指定された評価は見つかりませんでした。",
    forbidden: "評価結果報告書は、この計画を持つ自治体の職員・議員だけが閲覧できます。",
};

#[component]
pub fn RoundReportPage() -> impl IntoView {
    let page = crate::routes::round::use_round();
    let reload = move || page.refetch();
    guarded_page(page, TEXTS, move |view| view! { <Report view reload/> })
}

fn grade_bars(counts: [usize; 5]) -> Vec<Bar> {
    let classes = [
        "chart__bar--grade-a",
        "chart__bar--grade-b",
        "chart__bar--grade-c",
        "chart__bar--grade-d",
        "chart__bar--none",
    ];
    Grade::ALL
        .iter()
        .map(|g| g.as_str().to_owned())
        .chain(std::iter::once("未評価".to_owned()))
        .zip(counts)
        .zip(classes)
        .map(|((label, count), class)| Bar {
            label,
            count,
            class,
        })
        .collect()
}

#[component]
fn Report(view: RoundView, reload: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let RoundView {
        summary,
        sheet,
        steps,
        reviewer,
        csrf_token,
    } = view;
    let head = sheet.head.clone();
    let counts = sheet.counts();
    let (own, secondary) = sheet.grade_counts();
    let pillars = sheet.by_pillar();
    let running = format!("{}　{}", summary.title, head.title);
    let reviewable = reviewer;
    let running_attr = running.clone();
    view! {
        <PageTitle text=format!("{}：{}｜{}", TEXTS.title, head.title, summary.title)/>
        <link rel="stylesheet" media="print" href=format!("/api/v1/rounds/{}/print.css", head.id)/>
        <div class="page report" data-running-head=running_attr>
            <div class="no-print">
                <Breadcrumbs trail=vec![
                    (summary.title.clone(), Some(paths::plan(&summary.id))),
                    ("評価".to_owned(), Some(paths::rounds(&summary.id))),
                    (head.title.clone(), Some(paths::round(&head.id))),
                    (TEXTS.title.to_owned(), None),
                ]/>
            </div>
            <p class="report__running-head" aria-hidden="true">{running}</p>
            <h1>{format!("{}：{}", TEXTS.title, head.title)}</h1>
            <dl class="facts">
                <div><dt>"計画"</dt><dd>{summary.title.clone()}</dd></div>
                <div><dt>"自治体"</dt><dd>{head.organization_name.clone()}</dd></div>
                <div><dt>"年度"</dt><dd>{head.fiscal_year.label()}</dd></div>
                <div><dt>"評価の状態"</dt><dd>{head.state.label()}</dd></div>
                <div><dt>"作成日"</dt><dd>{sheet.today.clone()}</dd></div>
            </dl>
            {(!head.state.is_final()).then(|| view! {
                <p class="notice">"この評価はまだ確定していません。内容は変わることがあります。"</p>
            })}
            <p class="no-print"><a href=format!("/api/v1/rounds/{}/report.pdf", head.id) download="">"PDFで保存（目次・しおり付き）"</a></p>
            <section class="report__summary" aria-labelledby="summary-heading">
                <h2 id="summary-heading">"1 概要"</h2>
                <p>{format!(
                    "対象{}件のうち、確認済{}件、提出済（確認待ち）{}件、差戻し{}件、未提出{}件です。",
                    counts.total,
                    counts.of(RecordState::Approved),
                    counts.of(RecordState::Submitted),
                    counts.of(RecordState::Returned),
                    counts.of(RecordState::NotEntered) + counts.of(RecordState::InProgress),
                )}</p>
                <div class="report__charts">
                    <BarChart id="report-states" caption="状態ごとの件数".to_owned() bars=state_bars(&counts)/>
                    <BarChart id="report-own" caption="自己評価（各課）ごとの件数".to_owned() bars=grade_bars(own)/>
                    <BarChart id="report-secondary" caption="二次評価（DX推進担当）ごとの件数".to_owned() bars=grade_bars(secondary)/>
                </div>
                <div class="table-scroll" tabindex="0" role="region" aria-labelledby="pillar-caption">
                    <table class="data-table data-table--compact">
                        <caption id="pillar-caption">"基本方針（柱）ごとの状態（件）"</caption>
                        <thead><tr>
                            <th scope="col">"基本方針"</th>
                            {RecordState::ALL.into_iter().map(|s| view! { <th scope="col">{s.label()}</th> }).collect_view()}
                            <th scope="col">"計"</th>
                        </tr></thead>
                        <tbody>
                            {pillars.into_iter().map(|(pillar, c)| view! {
                                <tr>
                                    <th scope="row">{pillar}</th>
                                    {RecordState::ALL.into_iter().map(|s| view! { <td>{c.of(s)}</td> }).collect_view()}
                                    <td>{c.total}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
            <section aria-labelledby="measures-heading">
                <h2 id="measures-heading">"2 施策ごとの評価"</h2>
                {sheet.rows.into_iter().map(|row| {
                    let key = format!("{}:{}", row.target.kind(), row.target.id());
                    let steps: Vec<StepLine> = steps.iter().filter(|s| s.target.as_deref() == Some(key.as_str())).cloned().collect();
                    let round_id = head.id.clone();
                    let token = csrf_token.clone();
                    let state = head.state;
                    view! { <MeasureReport row steps round_id reviewable round_state=state csrf_token=token reload/> }
                }).collect_view()}
            </section>
        </div>
    }
}

fn or_dash(text: &str) -> String {
    if text.trim().is_empty() {
        "—".to_owned()
    } else {
        text.to_owned()
    }
}

fn kpi_row(kpi: KpiLine) -> impl IntoView {
    let dated = |p: &Option<(String, String)>| {
        p.as_ref().map_or_else(
            || "—".to_owned(),
            |p| keikaku_sync::round_sheet::dated_amount(p, keikaku_domain::lang::Lang::Ja),
        )
    };
    let baseline = dated(&kpi.baseline);
    let target = dated(&kpi.target);
    let latest = kpi.latest.clone().map_or("未記録".to_owned(), |(v, at)| {
        keikaku_sync::round_sheet::reading_as_of(&v, &kpi.unit, &at, keikaku_domain::lang::Lang::Ja)
    });
    let (rate, formula) = match kpi.achievement {
        Some(a) => (
            format!("{}%", a.percent),
            a.formula(keikaku_domain::lang::Lang::Ja),
        ),
        None => (
            "—".to_owned(),
            "算出できません（目標値または最新値がありません）".to_owned(),
        ),
    };
    view! {
        <tr>
            <th scope="row">{kpi.label}</th>
            <td>{baseline}</td><td>{latest}</td><td>{target}</td>
            <td>{rate}<br/><span class="field__hint">{formula}</span></td>
        </tr>
    }
}

#[component]
fn MeasureReport(
    row: SheetRow,
    steps: Vec<StepLine>,
    round_id: String,
    reviewable: bool,
    round_state: RoundState,
    csrf_token: String,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let anchor = format!("record-{}-{}", row.target.kind(), row.target.id());
    let heading_id = format!("{anchor}-heading");
    let labelled_by = heading_id.clone();
    let name = match &row.number {
        Some(n) => format!("{n} {}", row.title),
        None => row.title.clone(),
    };
    let kpis = row.kpis.clone();
    let handed_in = matches!(row.state, RecordState::Submitted | RecordState::Approved);
    view! {
        <article class="report__measure" id=anchor aria-labelledby=labelled_by>
            <h3 id=heading_id>{name}</h3>
            <p class="report__meta">
                {row.measure_title.clone().map(|m| format!("施策：{m}　"))}
                {row.pillar.clone().map(|p| format!("基本方針：{p}　"))}
                {format!("主担当課：{}", or_dash(&row.lead_departments.join("、")))}
                {(!row.related_departments.is_empty()).then(|| format!("　関係課：{}", row.related_departments.join("、")))}
            </p>
            <p>"状態："<span class=format!("badge badge--{}", row.state.as_str())>{row.state.label()}</span>
                {(!handed_in).then_some("（未提出のため、現在の入力内容を表示しています）")}</p>
            <dl class="report__facts">
                <div><dt>"計画（工程表）"</dt><dd>{or_dash(row.planned.as_deref().unwrap_or_default())}</dd></div>
                <div><dt>"到達した段階"</dt><dd>{stage_label(row.stage)}{row.planned_stage.map(|p| format!("（計画：{}）", p.label()))}</dd></div>
                <div><dt>"状況"</dt><dd>{row.status.map_or("（未記録）", keikaku_sync::progress::Status::label)}</dd></div>
                <div><dt>"進捗率"</dt><dd>{row.percent.map_or("—".to_owned(), |p| format!("{p}%"))}</dd></div>
            </dl>
            <h4>"実績"</h4>
            <p class="pre-wrap">{or_dash(&row.results)}</p>
            {(!kpis.is_empty()).then(|| view! {
                <div class="table-scroll" tabindex="0" role="region" aria-label=format!("{}のKPI", row.title)>
                    <table class="data-table data-table--compact">
                        <caption>"KPI（基準値 → 最新値 → 目標値）"</caption>
                        <thead><tr>
                            <th scope="col">"指標"</th><th scope="col">"基準値"</th><th scope="col">"最新値"</th>
                            <th scope="col">"目標値"</th><th scope="col">"達成率（算出方法）"</th>
                        </tr></thead>
                        <tbody>{kpis.into_iter().map(kpi_row).collect_view()}</tbody>
                    </table>
                </div>
            })}
            <div class="report__evaluations">
                <div>
                    <h4>"自己評価（各課）"</h4>
                    <p><strong>{row.self_grade.map_or("未評価", Grade::as_str)}</strong></p>
                    <p class="pre-wrap">{or_dash(&row.self_reason)}</p>
                </div>
                <div>
                    <h4>"二次評価（DX推進担当）"</h4>
                    <p><strong>{row.secondary.as_ref().map_or("未評価", |s| s.grade.as_str())}</strong></p>
                    <p class="pre-wrap">{row.secondary.as_ref().map_or("—".to_owned(), |s| s.reason.clone())}</p>
                </div>
            </div>
            <h4>"次の取組（改善）"</h4>
            <p class="pre-wrap">{or_dash(&row.next_actions)}</p>
            {row.comment.clone().filter(|_| row.state == RecordState::Returned).map(|c| view! {
                <p class="notice">"差戻しの理由："{c}</p>
            })}
            {(!steps.is_empty()).then(|| view! {
                <details class="report__steps">
                    <summary>{format!("経過（{}件）", steps.len())}</summary>
                    <Steps steps/>
                </details>
            })}
            {reviewable.then(|| view! { <ReviewForm row=row.clone() round_id round_state csrf_token reload/> })}
        </article>
    }
}

#[component]
fn ReviewForm(
    row: SheetRow,
    round_id: String,
    round_state: RoundState,
    csrf_token: String,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let key = format!("{}-{}", row.target.kind(), row.target.id());
    let url = format!(
        "/api/v1/rounds/{round_id}/records/{}/{}/steps",
        row.target.kind(),
        row.target.id()
    );
    let comment = RwSignal::new(String::new());
    let grade = RwSignal::new(
        row.secondary
            .as_ref()
            .map_or("B".to_owned(), |s| s.grade.as_str().to_owned()),
    );
    let reason = RwSignal::new(
        row.secondary
            .as_ref()
            .map_or(String::new(), |s| s.reason.clone()),
    );
    let reopen_reason = RwSignal::new(String::new());
    let outcome: Outcome = RwSignal::new(None);
    let step = browser_action(move |body: &serde_json::Value| {
        let (url, token, body) = (url.clone(), csrf_token.clone(), body.clone());
        async move {
            let result = send_json("POST", &url, &token, Some(&body)).await;
            let done = result.is_ok();
            outcome.set(Some(result.map(|_| "保存しました。".to_owned())));
            if done {
                reload();
            }
        }
    });
    let field_error = move |name: &str| field_problem(outcome, name);
    let state = row.state;
    let final_round = round_state.is_final();
    let can_evaluate = matches!(state, RecordState::Submitted | RecordState::Approved)
        && (!final_round || row.reopened);
    let can_decide = state == RecordState::Submitted;
    let can_return =
        !final_round && matches!(state, RecordState::Submitted | RecordState::Approved);
    let can_reopen = final_round && !row.reopened;
    let ids = move |what: &str| format!("{what}-{key}");
    let (grade_id, reason_id, comment_id, reopen_id) =
        (ids("grade"), ids("reason"), ids("comment"), ids("reopen"));
    view! {
        <section class="review no-print" aria-label=format!("{}の確認", row.title)>
            <h4>"確認（DX推進担当）"</h4>
            <FormNotice outcome fields=&["comment", "reason", "grade"]/>
            {can_evaluate.then(|| view! {
                <form class="admin-form" on:submit=move |ev| {
                    ev.prevent_default();
                    step.dispatch(json!({"action": "evaluate", "grade": grade.get_untracked(), "reason": reason.get_untracked()}));
                }>
                    <div class="field">
                        <label for=grade_id.clone()>"二次評価"</label>
                        <select id=grade_id on:change=move |ev| grade.set(event_target_value(&ev))>
                            {Grade::ALL.into_iter().map(|g| view! {
                                <option value=g.as_str() selected=move || grade.get() == g.as_str()>{g.as_str()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for=reason_id.clone()>"二次評価の理由"</label>
                        <textarea id=reason_id rows="3" required maxlength="20000"
                            aria-invalid=move || field_error("reason").is_some().to_string()
                            prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                        {move || field_error("reason").map(|r| view! { <p class="field__error">{r}</p> })}
                    </div>
                    <button type="submit">"二次評価を保存"</button>
                </form>
            })}
            {can_decide.then(|| view! {
                <p><button type="button" class="button--primary" on:click=move |_| { step.dispatch(json!({"action": "approve"})); }>"確認済にする"</button></p>
            })}
            {can_return.then(|| view! {
                <form class="admin-form" on:submit=move |ev| {
                    ev.prevent_default();
                    step.dispatch(json!({"action": "return", "comment": comment.get_untracked()}));
                }>
                    <div class="field">
                        <label for=comment_id.clone()>"差戻しの理由"</label>
                        <textarea id=comment_id rows="2" required maxlength="1000"
                            aria-invalid=move || field_error("comment").is_some().to_string()
                            prop:value=comment on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                        {move || field_error("comment").map(|r| view! { <p class="field__error">{r}</p> })}
                    </div>
                    <button type="submit" class="button--danger">"差し戻す"</button>
                </form>
            })}
            {can_reopen.then(|| view! {
                <form class="admin-form" on:submit=move |ev| {
                    ev.prevent_default();
                    step.dispatch(json!({"action": "reopen", "reason": reopen_reason.get_untracked()}));
                }>
                    <div class="field">
                        <label for=reopen_id.clone()>"再開の理由（確定後の訂正）"</label>
                        <textarea id=reopen_id rows="2" required maxlength="1000"
                            aria-invalid=move || field_error("reason").is_some().to_string()
                            prop:value=reopen_reason on:input=move |ev| reopen_reason.set(event_target_value(&ev))></textarea>
                        {move || field_error("reason").map(|r| view! { <p class="field__error">{r}</p> })}
                    </div>
                    <button type="submit">"この記録を再開する"</button>
                </form>
            })}
            {(!can_evaluate && !can_decide && !can_return && !can_reopen).then(|| view! {
                <p class="field__hint">"未提出の記録です。提出されると確認できます。"</p>
            })}
        </section>
    }
}
