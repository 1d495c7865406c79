//! `/rounds/:round_id`: the round's dashboard. Who has not reported yet: per department and
//! per record, where each record is, when it was last touched, days to the deadline, overdue
//! and stale records, with counts; filtered by a GET form, so the filters work without
//! JavaScript and a filtered view can be bookmarked. Administrators close, reopen, finalize
//! and publish the round here.

use keikaku_domain::date::Day;
use keikaku_domain::evaluation::{RecordState, RoundAction, RoundState};
use keikaku_domain::lang::{mark_japanese, Lang};
use keikaku_domain::views::paths;
use keikaku_sync::round_sheet::{Counts, Sheet, SheetRow, StepLine};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde_json::json;

use crate::api::rounds::RoundView;
use crate::client::send_json;
use crate::components::chart::{Bar, BarChart};
use crate::components::form::browser_action;
use crate::components::guarded::{guarded_page, PageTexts};
use crate::components::layout::PageTitle;
use crate::components::outcome::{FormNotice, Outcome};
use crate::components::plan_header::Breadcrumbs;
use crate::i18n::{t, t_string, tu_string, use_i18n};
use crate::lang::{text_lang, use_lang};

/// The round in the route (`:round_id`): the dashboard and the report read the same data.
pub fn use_round() -> Resource<Result<crate::api::Guarded<RoundView>, ServerFnError>> {
    let params = use_params_map();
    Resource::new(
        move || params.read().get("round_id").unwrap_or_default(),
        crate::pages::round,
    )
}

#[component]
pub fn RoundPage() -> impl IntoView {
    let page = use_round();
    let reload = move || page.refetch();
    let i18n = use_i18n();
    let texts = PageTexts {
        title: t_string!(i18n, rounds.round_title),
        not_found: t_string!(i18n, rounds.round_not_found),
        forbidden: t_string!(i18n, rounds.forbidden),
    };
    guarded_page(page, texts, move |view| view! { <Dashboard view reload/> })
}

/// The bars of a count per record state, labelled in `lang`.
pub fn state_bars(counts: &Counts, lang: Lang) -> Vec<Bar> {
    RecordState::ALL
        .into_iter()
        .map(|state| Bar {
            label: state.label_in(lang).to_owned(),
            count: counts.of(state),
            class: state_class(state),
        })
        .collect()
}

fn state_class(state: RecordState) -> &'static str {
    match state {
        RecordState::NotEntered => "chart__bar--not_entered",
        RecordState::InProgress => "chart__bar--in_progress",
        RecordState::Submitted => "chart__bar--submitted",
        RecordState::Returned => "chart__bar--returned",
        RecordState::Approved => "chart__bar--approved",
    }
}

/// `締切まであと12日` / `今日が締切` / `締切を3日過ぎています`, or in English.
fn days_left_text(days: Option<i64>) -> String {
    let i18n = use_i18n();
    match days {
        None => String::new(),
        Some(0) => t_string!(i18n, rounds.due_today).to_string(),
        Some(1) => t_string!(i18n, rounds.one_day_left).to_string(),
        Some(-1) => t_string!(i18n, rounds.one_day_overdue).to_string(),
        Some(count) if count > 0 => t_string!(i18n, rounds.days_left, count).to_string(),
        Some(d) => t_string!(i18n, rounds.days_overdue, count = -d).to_string(),
    }
}

/// The filters of the record table, from the query string.
#[derive(Clone, Default, PartialEq)]
struct Filters {
    department: String,
    state: String,
    overdue: bool,
    stale: bool,
}

impl Filters {
    fn keeps(&self, row: &SheetRow) -> bool {
        (self.department.is_empty() || row.lead_departments.contains(&self.department))
            && (self.state.is_empty() || row.state.as_str() == self.state)
            && (!self.overdue || row.overdue)
            && (!self.stale || row.stale)
    }
}

/// The date of unix seconds in Japan, or a dash.
fn date_of(at: Option<i64>) -> String {
    at.map_or_else(|| "—".to_owned(), |t| Day::in_japan_at(t).to_string())
}

#[component]
fn Dashboard(view: RoundView, reload: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let RoundView {
        summary,
        sheet,
        steps,
        reviewer,
        csrf_token,
    } = view;
    let round_steps: Vec<StepLine> = steps.into_iter().filter(|s| s.target.is_none()).collect();
    let query = use_query_map();
    let filters = move || {
        let q = query.read();
        Filters {
            department: q.get("department").unwrap_or_default(),
            state: q.get("state").unwrap_or_default(),
            overdue: q.get("overdue").is_some_and(|v| v == "1"),
            stale: q.get("stale").is_some_and(|v| v == "1"),
        }
    };
    let head = sheet.head.clone();
    let counts = sheet.counts();
    let departments = sheet.by_department();
    let department_names: Vec<String> = departments.keys().cloned().collect();
    let (i18n, lang) = (use_i18n(), use_lang());
    let page_title = t_string!(
        i18n,
        rounds.round_page_title,
        round = head.title.clone(),
        plan = summary.title.clone(),
        page = t_string!(i18n, rounds.round_title)
    )
    .to_string();
    let sheet = StoredValue::new(sheet);
    view! {
        <PageTitle text=page_title/>
        <div class="page">
            <Breadcrumbs trail=vec![
                (summary.title.clone(), Some(paths::plan(&summary.id))),
                (t_string!(i18n, rounds.crumb).to_owned(), Some(paths::rounds(&summary.id))),
                (head.title.clone(), None),
            ]/>
            <h1 lang=mark_japanese(&head.title)>{head.title.clone()}</h1>
            <dl class="facts">
                <div><dt>{t!(i18n, rounds.plan)}</dt><dd lang=text_lang(&summary.title)>{summary.title.clone()}</dd></div>
                <div><dt>{t!(i18n, rounds.year)}</dt><dd>{head.fiscal_year.label_in(lang)}</dd></div>
                <div><dt>{t!(i18n, rounds.kind)}</dt><dd>{head.kind.label_in(lang)}</dd></div>
                <div><dt>{t!(i18n, rounds.state)}</dt><dd><span class=format!("badge badge--round-{}", head.state.as_str())>{head.state.label_in(lang)}</span></dd></div>
                <div><dt>{t!(i18n, rounds.deadline)}</dt><dd>{head.deadline.clone()}" "{(!head.state.is_final()).then(|| days_left_text(sheet.with_value(Sheet::days_left)))}</dd></div>
            </dl>
            <ul class="link-list">
                <li><a href=paths::round_report(&head.id)>{t!(i18n, rounds.see_report)}</a></li>
                <li><a href=format!("/api/v1/rounds/{}/sheet.csv", head.id) download="" hreflang="ja">{t!(i18n, rounds.save_csv)}</a></li>
                <li><a href=format!("/api/v1/rounds/{}/sheet.xlsx", head.id) download="" hreflang="ja">{t!(i18n, rounds.save_xlsx)}</a></li>
                <li><a href=format!("/api/v1/rounds/{}/report.pdf", head.id) download="" hreflang="ja">{t!(i18n, rounds.save_pdf)}</a></li>
            </ul>
            {reviewer.then(|| view! { <RoundActions round_id=head.id.clone() state=head.state unreviewed=counts.of(RecordState::Submitted) csrf_token reload/> })}
            <section aria-labelledby="counts-heading">
                <h2 id="counts-heading">{t!(i18n, rounds.counts_heading)}</h2>
                <p>{t!(i18n, rounds.counts_summary, total = counts.total, overdue = counts.overdue, days = head.stale_days, stale = counts.stale)}</p>
                <BarChart id="state-chart" caption=t_string!(i18n, rounds.by_state).to_string() bars=state_bars(&counts, lang)/>
            </section>
            <section aria-labelledby="departments-heading">
                <h2 id="departments-heading">{t!(i18n, rounds.departments_heading)}</h2>
                <div class="table-scroll" tabindex="0" role="region" aria-labelledby="departments-heading">
                    <table class="data-table data-table--compact">
                        <caption class="visually-hidden">{t!(i18n, rounds.departments_caption)}</caption>
                        <thead><tr>
                            <th scope="col">{t!(i18n, rounds.department)}</th>
                            {RecordState::ALL.into_iter().map(|s| view! { <th scope="col">{s.label_in(lang)}</th> }).collect_view()}
                            <th scope="col">{t!(i18n, rounds.overdue)}</th><th scope="col">{t!(i18n, rounds.stale)}</th>
                            <th scope="col">{t!(i18n, rounds.total)}</th>
                        </tr></thead>
                        <tbody>
                            {departments.into_iter().map(|(name, c)| {
                                let href = format!("?department={}", paths::encode_query_component(&name));
                                view! {
                                    <tr>
                                        <th scope="row"><a href=href lang=mark_japanese(&name)>{name.clone()}</a></th>
                                        {RecordState::ALL.into_iter().map(|s| view! { <td>{c.of(s)}</td> }).collect_view()}
                                        <td>{c.overdue}</td><td>{c.stale}</td><td>{c.total}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
            <section aria-labelledby="records-heading">
                <h2 id="records-heading">{t!(i18n, rounds.records_heading)}</h2>
                <FilterForm departments=department_names filters=Signal::derive(filters)/>
                {move || {
                    let filters = filters();
                    let rows: Vec<SheetRow> = sheet.with_value(|s| s.rows.iter().filter(|r| filters.keeps(r)).cloned().collect());
                    let round_id = sheet.with_value(|s| s.head.id.clone());
                    view! { <RecordTable rows round_id/> }
                }}
            </section>
            {(!round_steps.is_empty()).then(|| view! {
                <section aria-labelledby="steps-heading">
                    <h2 id="steps-heading">{t!(i18n, rounds.steps_heading)}</h2>
                    <Steps steps=round_steps/>
                </section>
            })}
        </div>
    }
}

/// Who did what and when, oldest first.
#[component]
pub fn Steps(steps: Vec<StepLine>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ol class="steps">
            {steps.into_iter().map(|step| view! {
                <li>
                    <span class="steps__when">{date_of(Some(step.at))}</span>" "
                    <span class="steps__who" lang=mark_japanese(&step.who)>{step.who.clone()}</span>{t!(i18n, rounds.step_separator)}
                    <span lang=mark_japanese(&step.what)>{step.what.clone()}</span>
                </li>
            }).collect_view()}
        </ol>
    }
}

#[component]
fn FilterForm(departments: Vec<String>, filters: Signal<Filters>) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), use_lang());
    view! {
        <form class="filters" method="get" role="search" aria-label=t_string!(i18n, rounds.filter_label)>
            <div class="field">
                <label for="filter-department">{t!(i18n, rounds.department)}</label>
                <select id="filter-department" name="department">
                    <option value="" selected=move || filters.get().department.is_empty()>{t!(i18n, rounds.all)}</option>
                    {departments.into_iter().map(|d| {
                        let (current, value) = (d.clone(), d.clone());
                        view! { <option value=value selected=move || filters.get().department == current lang=mark_japanese(&d)>{d.clone()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-state">{t!(i18n, rounds.state)}</label>
                <select id="filter-state" name="state">
                    <option value="" selected=move || filters.get().state.is_empty()>{t!(i18n, rounds.all)}</option>
                    {RecordState::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=move || filters.get().state == s.as_str()>{s.label_in(lang)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field field--check">
                <input id="filter-overdue" type="checkbox" name="overdue" value="1" checked=move || filters.get().overdue/>
                <label for="filter-overdue">{t!(i18n, rounds.overdue_only)}</label>
            </div>
            <div class="field field--check">
                <input id="filter-stale" type="checkbox" name="stale" value="1" checked=move || filters.get().stale/>
                <label for="filter-stale">{t!(i18n, rounds.stale_only)}</label>
            </div>
            <button type="submit">{t!(i18n, rounds.filter)}</button>
        </form>
    }
}

#[component]
fn RecordTable(rows: Vec<SheetRow>, round_id: String) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), use_lang());
    if rows.is_empty() {
        return view! { <p role="status">{t!(i18n, rounds.no_records)}</p> }.into_any();
    }
    let count = rows.len();
    let flag_separator = t_string!(i18n, rounds.flag_separator);
    let department_separator = t_string!(i18n, rounds.department_separator);
    let (overdue, stale, reopened) = (
        t_string!(i18n, rounds.overdue),
        t_string!(i18n, rounds.stale),
        t_string!(i18n, rounds.reopened),
    );
    view! {
        <p role="status">{if count == 1 { t_string!(i18n, rounds.one_record).to_string() } else { t_string!(i18n, rounds.record_count, count).to_string() }}</p>
        <div class="table-scroll" tabindex="0" role="region" aria-label=t_string!(i18n, rounds.records_label)>
            <table class="data-table data-table--compact">
                <caption class="visually-hidden">{t!(i18n, rounds.records_caption)}</caption>
                <thead><tr>
                    <th scope="col">{t!(i18n, rounds.measure_or_action)}</th><th scope="col">{t!(i18n, rounds.lead_department)}</th>
                    <th scope="col">{t!(i18n, rounds.state)}</th>
                    <th scope="col">{t!(i18n, rounds.last_update)}</th><th scope="col">{t!(i18n, rounds.flags)}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| {
                        let anchor = format!("{}#record-{}-{}", paths::round_report(&round_id), row.target.kind(), row.target.id());
                        let name = match &row.number {
                            Some(n) => format!("{n} {}", row.title),
                            None => row.title.clone(),
                        };
                        let mut flags = Vec::new();
                        if row.overdue { flags.push(overdue); }
                        if row.stale { flags.push(stale); }
                        if row.reopened { flags.push(reopened); }
                        let departments = row.lead_departments.join(department_separator);
                        view! {
                            <tr>
                                <th scope="row"><a href=anchor lang=mark_japanese(&name)>{name.clone()}</a></th>
                                <td lang=mark_japanese(&departments)>{departments.clone()}</td>
                                <td><span class=format!("badge badge--{}", row.state.as_str())>{row.state.label_in(lang)}</span></td>
                                <td>{date_of(row.last_update)}</td>
                                <td>{flags.join(flag_separator)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }.into_any()
}

/// The steps the round can take from `state`, in the order they come.
fn next_steps(state: RoundState) -> &'static [RoundAction] {
    match state {
        RoundState::Open => &[RoundAction::Close],
        RoundState::Closed => &[RoundAction::Finalize, RoundAction::ReopenIntake],
        RoundState::Final => &[RoundAction::Publish],
        RoundState::Published => &[],
    }
}

fn step_hint(action: RoundAction) -> &'static str {
    let i18n = use_i18n();
    match action {
        RoundAction::Close => t_string!(i18n, rounds.hint_close),
        RoundAction::ReopenIntake => t_string!(i18n, rounds.hint_reopen_intake),
        RoundAction::Finalize => t_string!(i18n, rounds.hint_finalize),
        RoundAction::Publish => t_string!(i18n, rounds.hint_publish),
    }
}

#[component]
fn RoundActions(
    round_id: String,
    state: RoundState,
    unreviewed: usize,
    csrf_token: String,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let outcome: Outcome = RwSignal::new(None);
    let (i18n, lang) = (use_i18n(), use_lang());
    let step = browser_action(move |action: &RoundAction| {
        let action = *action;
        let url = format!("/api/v1/rounds/{round_id}/steps");
        let token = csrf_token.clone();
        async move {
            let result = send_json(
                "POST",
                &url,
                &token,
                Some(&json!({ "action": action.as_str() })),
            )
            .await;
            let done = result.is_ok();
            outcome.set(Some(result.map(|_| {
                tu_string!(i18n, rounds.step_done, step = action.label_in(lang)).to_string()
            })));
            if done {
                reload();
            }
        }
    });
    let steps = next_steps(state);
    view! {
        <section class="round-actions" aria-labelledby="round-actions-heading">
            <h2 id="round-actions-heading">{t!(i18n, rounds.actions_heading)}</h2>
            <noscript><p class="notice notice--error">{t!(i18n, rounds.needs_script)}</p></noscript>
            {(state == RoundState::Closed && unreviewed > 0).then(|| view! {
                <p class="notice">{if unreviewed == 1 {
                    t_string!(i18n, rounds.one_unreviewed).to_string()
                } else {
                    t_string!(i18n, rounds.unreviewed, count = unreviewed).to_string()
                }}</p>
            })}
            <FormNotice outcome fields=&[]/>
            {if steps.is_empty() {
                view! { <p>{t!(i18n, rounds.published_already)}</p> }.into_any()
            } else {
                view! {
                    <ul class="round-actions__list">
                        {steps.iter().map(|action| {
                            let action = *action;
                            view! {
                                <li>
                                    <button type="button" class="button" disabled=move || step.pending().get()
                                        on:click=move |_| { step.dispatch(action); }>{action.label_in(lang)}</button>
                                    <span class="field__hint">{step_hint(action)}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
