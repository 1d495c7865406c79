//! `/rounds/:round_id/report`: the round's evaluation report (評価結果報告書). A summary (counts
//! by state, by self and secondary grade, per pillar, with a chart, its text and its table),
//! then each measure: the year's plan, what was achieved, the KPIs from baseline to latest
//! reading to target with the achievement rate and how it is computed, both evaluations and the
//! next actions. Print-ready at A4 (`@media print` in the style sheet). Administrators review
//! each record here: return with a comment, approve, evaluate, reopen; the forms do not print.

use keikaku_domain::evaluation::{Grade, RecordState, RoundState};
use keikaku_domain::lang::{is_japanese, mark_japanese, Lang};
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
use crate::i18n::{t, t_string, tu_string, use_i18n};
use crate::lang::{text_lang, use_lang};
use crate::routes::round::{state_bars, Steps};

#[component]
pub fn RoundReportPage() -> impl IntoView {
    let page = crate::routes::round::use_round();
    let reload = move || page.refetch();
    let i18n = use_i18n();
    let texts = PageTexts {
        title: t_string!(i18n, rounds.report_title),
        not_found: t_string!(i18n, rounds.round_not_found),
        forbidden: t_string!(i18n, rounds.report_forbidden),
    };
    guarded_page(page, texts, move |view| view! { <Report view reload/> })
}

/// The bars of a count per grade, then of those without one (`none`).
fn grade_bars(counts: [usize; 5], none: &str) -> Vec<Bar> {
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
        .chain(std::iter::once(none.to_owned()))
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
    let (i18n, lang) = (use_i18n(), use_lang());
    let pillars = sheet.by_pillar_in(lang);
    // The running head of printed pages: the plan's and the round's own words.
    let running = format!("{}　{}", summary.title, head.title);
    let reviewable = reviewer;
    let running_attr = running.clone();
    let title = t_string!(i18n, rounds.report_title);
    let page_title = t_string!(
        i18n,
        rounds.report_page_title,
        page = title,
        round = head.title.clone(),
        plan = summary.title.clone()
    )
    .to_string();
    let not_evaluated = t_string!(i18n, rounds.not_evaluated);
    view! {
        <PageTitle text=page_title/>
        <link rel="stylesheet" media="print" href=format!("/api/v1/rounds/{}/print.css", head.id)/>
        <div class="page report" data-running-head=running_attr>
            <div class="no-print">
                <Breadcrumbs trail=vec![
                    (summary.title.clone(), Some(paths::plan(&summary.id))),
                    (t_string!(i18n, rounds.crumb).to_owned(), Some(paths::rounds(&summary.id))),
                    (head.title.clone(), Some(paths::round(&head.id))),
                    (title.to_owned(), None),
                ]/>
            </div>
            <p class="report__running-head" aria-hidden="true" lang=mark_japanese(&running)>{running.clone()}</p>
            <h1>{t!(i18n, rounds.report_heading)}<span lang=text_lang(&head.title)>{head.title.clone()}</span></h1>
            <dl class="facts">
                <div><dt>{t!(i18n, rounds.plan)}</dt><dd lang=text_lang(&summary.title)>{summary.title.clone()}</dd></div>
                <div><dt>{t!(i18n, rounds.municipality)}</dt><dd lang=text_lang(&head.organization_name)>{head.organization_name.clone()}</dd></div>
                <div><dt>{t!(i18n, rounds.year)}</dt><dd>{head.fiscal_year.label_in(lang)}</dd></div>
                <div><dt>{t!(i18n, rounds.round_state)}</dt><dd>{head.state.label_in(lang)}</dd></div>
                <div><dt>{t!(i18n, rounds.made_on)}</dt><dd>{sheet.today.clone()}</dd></div>
            </dl>
            {(!head.state.is_final()).then(|| view! {
                <p class="notice">{t!(i18n, rounds.not_final)}</p>
            })}
            <p class="no-print"><a href=format!("/api/v1/rounds/{}/report.pdf", head.id) download="" hreflang="ja">{t!(i18n, rounds.report_pdf)}</a></p>
            <section class="report__summary" aria-labelledby="summary-heading">
                <h2 id="summary-heading">{t!(i18n, rounds.summary_heading)}</h2>
                <p>{t!(
                    i18n,
                    rounds.report_summary,
                    total = counts.total,
                    approved = counts.of(RecordState::Approved),
                    submitted = counts.of(RecordState::Submitted),
                    returned = counts.of(RecordState::Returned),
                    unsubmitted = counts.of(RecordState::NotEntered) + counts.of(RecordState::InProgress)
                )}</p>
                <div class="report__charts">
                    <BarChart id="report-states" caption=t_string!(i18n, rounds.by_state).to_string() bars=state_bars(&counts, lang)/>
                    <BarChart id="report-own" caption=t_string!(i18n, rounds.by_self_grade).to_string() bars=grade_bars(own, not_evaluated)/>
                    <BarChart id="report-secondary" caption=t_string!(i18n, rounds.by_secondary_grade).to_string() bars=grade_bars(secondary, not_evaluated)/>
                </div>
                <div class="table-scroll" tabindex="0" role="region" aria-labelledby="pillar-caption">
                    <table class="data-table data-table--compact">
                        <caption id="pillar-caption">{t!(i18n, rounds.pillar_caption)}</caption>
                        <thead><tr>
                            <th scope="col">{t!(i18n, rounds.pillar)}</th>
                            {RecordState::ALL.into_iter().map(|s| view! { <th scope="col">{s.label_in(lang)}</th> }).collect_view()}
                            <th scope="col">{t!(i18n, rounds.total)}</th>
                        </tr></thead>
                        <tbody>
                            {pillars.into_iter().map(|(pillar, c)| view! {
                                <tr>
                                    <th scope="row" lang=mark_japanese(&pillar)>{pillar.clone()}</th>
                                    {RecordState::ALL.into_iter().map(|s| view! { <td>{c.of(s)}</td> }).collect_view()}
                                    <td>{c.total}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
            <section aria-labelledby="measures-heading">
                <h2 id="measures-heading">{t!(i18n, rounds.measures_heading)}</h2>
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

/// A KPI's row. The sheet may come with its amounts and years in Japanese (the server writes
/// them so): each cell is then written the Japanese way and marked as Japanese.
fn kpi_row(kpi: KpiLine, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    let dated = |p: &Option<(String, String)>| {
        p.as_ref().map_or_else(
            || "—".to_owned(),
            |p| {
                let written = if is_japanese(&p.0) || is_japanese(&p.1) {
                    Lang::Ja
                } else {
                    lang
                };
                keikaku_sync::round_sheet::dated_amount(p, written)
            },
        )
    };
    let baseline = dated(&kpi.baseline);
    let target = dated(&kpi.target);
    let latest = kpi.latest.clone().map_or_else(
        || t_string!(i18n, rounds.not_recorded).to_owned(),
        |(v, at)| keikaku_sync::round_sheet::reading_as_of(&v, &kpi.unit, &at, lang),
    );
    let (rate, formula) = match kpi.achievement {
        Some(a) => (format!("{}%", a.percent), a.formula(lang)),
        None => (
            "—".to_owned(),
            t_string!(i18n, rounds.cannot_compute).to_owned(),
        ),
    };
    view! {
        <tr>
            <th scope="row" lang=text_lang(&kpi.label)>{kpi.label.clone()}</th>
            <td lang=mark_japanese(&baseline)>{baseline.clone()}</td>
            <td lang=mark_japanese(&latest)>{latest.clone()}</td>
            <td lang=mark_japanese(&target)>{target.clone()}</td>
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
    let (i18n, lang) = (use_i18n(), use_lang());
    let gap = t_string!(i18n, rounds.meta_gap);
    let separator = t_string!(i18n, rounds.department_separator);
    let plan_words = |text: String| view! { <span lang=mark_japanese(&text)>{text.clone()}</span> };
    let not_recorded = t_string!(i18n, rounds.not_recorded_paren);
    let not_evaluated = t_string!(i18n, rounds.not_evaluated);
    // The KPI table is named after the measure: by its heading on an English page, where an
    // attribute could not say that the name is Japanese.
    let kpi_caption_id = format!("{anchor}-kpis");
    let (kpi_label, kpi_labelled_by) = match lang {
        Lang::Ja => (
            Some(t_string!(i18n, rounds.kpis_of, title = row.title.clone()).to_string()),
            None,
        ),
        Lang::En => (None, Some(format!("{heading_id} {kpi_caption_id}"))),
    };
    let results = or_dash(&row.results);
    let self_reason = or_dash(&row.self_reason);
    let secondary_reason = row
        .secondary
        .as_ref()
        .map_or("—".to_owned(), |s| s.reason.clone());
    let next_actions = or_dash(&row.next_actions);
    let planned = or_dash(row.planned.as_deref().unwrap_or_default());
    view! {
        <article class="report__measure" id=anchor.clone() aria-labelledby=labelled_by>
            <h3 id=heading_id.clone() lang=mark_japanese(&name)>{name.clone()}</h3>
            <p class="report__meta">
                {row.measure_title.clone().map(|m| view! { {t!(i18n, rounds.meta_measure)}{plan_words(m)}{gap} })}
                {row.pillar.clone().map(|p| view! { {t!(i18n, rounds.meta_pillar)}{plan_words(p)}{gap} })}
                {t!(i18n, rounds.meta_lead)}{plan_words(or_dash(&row.lead_departments.join(separator)))}
                {(!row.related_departments.is_empty()).then(|| view! {
                    {gap}{t!(i18n, rounds.meta_related)}{plan_words(row.related_departments.join(separator))}
                })}
            </p>
            <p>{t!(i18n, rounds.state_label)}<span class=format!("badge badge--{}", row.state.as_str())>{row.state.label_in(lang)}</span>
                {(!handed_in).then_some(t!(i18n, rounds.showing_unsubmitted))}</p>
            <dl class="report__facts">
                <div><dt>{t!(i18n, rounds.planned)}</dt><dd lang=mark_japanese(&planned)>{planned.clone()}</dd></div>
                <div><dt>{t!(i18n, rounds.stage)}</dt><dd>{row.stage.map_or(not_recorded, |s| s.label_in(lang))}
                    {row.planned_stage.map(|p| t_string!(i18n, rounds.planned_stage, stage = p.label_in(lang)).to_string())}</dd></div>
                <div><dt>{t!(i18n, rounds.status)}</dt><dd>{row.status.map_or(not_recorded, |s| s.label_in(lang))}</dd></div>
                <div><dt>{t!(i18n, rounds.percent)}</dt><dd>{row.percent.map_or("—".to_owned(), |p| format!("{p}%"))}</dd></div>
            </dl>
            <h4>{t!(i18n, rounds.results)}</h4>
            <p class="pre-wrap" lang=mark_japanese(&results)>{results.clone()}</p>
            {(!kpis.is_empty()).then(|| view! {
                <div class="table-scroll" tabindex="0" role="region" aria-label=kpi_label aria-labelledby=kpi_labelled_by>
                    <table class="data-table data-table--compact">
                        <caption id=kpi_caption_id>{t!(i18n, rounds.kpi_caption)}</caption>
                        <thead><tr>
                            <th scope="col">{t!(i18n, rounds.indicator)}</th><th scope="col">{t!(i18n, rounds.baseline)}</th>
                            <th scope="col">{t!(i18n, rounds.latest)}</th>
                            <th scope="col">{t!(i18n, rounds.target)}</th><th scope="col">{t!(i18n, rounds.rate)}</th>
                        </tr></thead>
                        <tbody>{kpis.into_iter().map(|kpi| kpi_row(kpi, lang)).collect_view()}</tbody>
                    </table>
                </div>
            })}
            <div class="report__evaluations">
                <div>
                    <h4>{t!(i18n, rounds.self_grade)}</h4>
                    <p><strong>{row.self_grade.map_or(not_evaluated, Grade::as_str)}</strong></p>
                    <p class="pre-wrap" lang=mark_japanese(&self_reason)>{self_reason.clone()}</p>
                </div>
                <div>
                    <h4>{t!(i18n, rounds.secondary_grade)}</h4>
                    <p><strong>{row.secondary.as_ref().map_or(not_evaluated, |s| s.grade.as_str())}</strong></p>
                    <p class="pre-wrap" lang=mark_japanese(&secondary_reason)>{secondary_reason.clone()}</p>
                </div>
            </div>
            <h4>{t!(i18n, rounds.next_actions)}</h4>
            <p class="pre-wrap" lang=mark_japanese(&next_actions)>{next_actions.clone()}</p>
            {row.comment.clone().filter(|_| row.state == RecordState::Returned).map(|c| view! {
                <p class="notice">{t!(i18n, rounds.return_reason_label)}<span lang=mark_japanese(&c)>{c.clone()}</span></p>
            })}
            {(!steps.is_empty()).then(|| view! {
                <details class="report__steps">
                    <summary>{t!(i18n, rounds.history_count, count = steps.len())}</summary>
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
    // The record's heading in the report (`MeasureReport`).
    let heading_id = format!("record-{key}-heading");
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
    let (i18n, lang) = (use_i18n(), use_lang());
    let step = browser_action(move |body: &serde_json::Value| {
        let (url, token, body) = (url.clone(), csrf_token.clone(), body.clone());
        async move {
            let result = send_json("POST", &url, &token, Some(&body)).await;
            let done = result.is_ok();
            outcome.set(Some(
                result.map(|_| tu_string!(i18n, rounds.saved).to_owned()),
            ));
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
    // Named after the record: by its heading and this one's on an English page, where an
    // attribute could not say that the record's name is Japanese.
    let review_heading_id = ids("review");
    let (label, labelled_by) = match lang {
        Lang::Ja => (
            Some(t_string!(i18n, rounds.review_of, title = row.title.clone()).to_string()),
            None,
        ),
        Lang::En => (None, Some(format!("{heading_id} {review_heading_id}"))),
    };
    let field_error_view = move |name: &'static str| {
        move || {
            field_error(name)
                .map(|r| view! { <p class="field__error" lang=mark_japanese(&r)>{r.clone()}</p> })
        }
    };
    view! {
        <section class="review no-print" aria-label=label aria-labelledby=labelled_by>
            <h4 id=review_heading_id>{t!(i18n, rounds.review_heading)}</h4>
            <FormNotice outcome fields=&["comment", "reason", "grade"]/>
            {can_evaluate.then(|| view! {
                <form class="admin-form" on:submit=move |ev| {
                    ev.prevent_default();
                    step.dispatch(json!({"action": "evaluate", "grade": grade.get_untracked(), "reason": reason.get_untracked()}));
                }>
                    <div class="field">
                        <label for=grade_id.clone()>{t!(i18n, rounds.secondary_label)}</label>
                        <select id=grade_id on:change=move |ev| grade.set(event_target_value(&ev))>
                            {Grade::ALL.into_iter().map(|g| view! {
                                <option value=g.as_str() selected=move || grade.get() == g.as_str()>{g.as_str()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for=reason_id.clone()>{t!(i18n, rounds.secondary_reason)}</label>
                        <textarea id=reason_id rows="3" required maxlength="20000"
                            aria-invalid=move || field_error("reason").is_some().to_string()
                            prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                        {field_error_view("reason")}
                    </div>
                    <button type="submit">{t!(i18n, rounds.secondary_save)}</button>
                </form>
            })}
            {can_decide.then(|| view! {
                <p><button type="button" class="button--primary" on:click=move |_| { step.dispatch(json!({"action": "approve"})); }>{t!(i18n, rounds.approve)}</button></p>
            })}
            {can_return.then(|| view! {
                <form class="admin-form" on:submit=move |ev| {
                    ev.prevent_default();
                    step.dispatch(json!({"action": "return", "comment": comment.get_untracked()}));
                }>
                    <div class="field">
                        <label for=comment_id.clone()>{t!(i18n, rounds.return_reason)}</label>
                        <textarea id=comment_id rows="2" required maxlength="1000"
                            aria-invalid=move || field_error("comment").is_some().to_string()
                            prop:value=comment on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                        {field_error_view("comment")}
                    </div>
                    <button type="submit" class="button--danger">{t!(i18n, rounds.return_record)}</button>
                </form>
            })}
            {can_reopen.then(|| view! {
                <form class="admin-form" on:submit=move |ev| {
                    ev.prevent_default();
                    step.dispatch(json!({"action": "reopen", "reason": reopen_reason.get_untracked()}));
                }>
                    <div class="field">
                        <label for=reopen_id.clone()>{t!(i18n, rounds.reopen_reason)}</label>
                        <textarea id=reopen_id rows="2" required maxlength="1000"
                            aria-invalid=move || field_error("reason").is_some().to_string()
                            prop:value=reopen_reason on:input=move |ev| reopen_reason.set(event_target_value(&ev))></textarea>
                        {field_error_view("reason")}
                    </div>
                    <button type="submit">{t!(i18n, rounds.reopen_record)}</button>
                </form>
            })}
            {(!can_evaluate && !can_decide && !can_return && !can_reopen).then(|| view! {
                <p class="field__hint">{t!(i18n, rounds.not_submitted_hint)}</p>
            })}
        </section>
    }
}
