//! `/rounds/:round_id`: the round's dashboard. Who has not reported yet: per department and
//! per record, where each record is, when it was last touched, days to the deadline, overdue
//! and stale records, with counts; filtered by a GET form, so the filters work without
//! JavaScript and a filtered view can be bookmarked. Administrators close, reopen, finalize
//! and publish the round here.

use keikaku_domain::date::Day;
use keikaku_domain::evaluation::{RecordState, RoundAction, RoundState};
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

pub const TEXTS: PageTexts = PageTexts {
    title: "評価の状況",
    not_found: "指定された評価は見つかりませんでした。",
    forbidden: "評価の状況は、この計画を持つ自治体の職員・議員だけが閲覧できます。",
};

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
    guarded_page(page, TEXTS, move |view| view! { <Dashboard view reload/> })
}

/// The bars of a count per record state.
pub fn state_bars(counts: &Counts) -> Vec<Bar> {
    RecordState::ALL
        .into_iter()
        .map(|state| Bar {
            label: state.label().to_owned(),
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

/// `あと12日` / `今日まで` / `3日超過`.
pub fn days_left_text(days: Option<i64>) -> String {
    match days {
        None => String::new(),
        Some(0) => "今日が締切".to_owned(),
        Some(d) if d > 0 => format!("締切まであと{d}日"),
        Some(d) => format!("締切を{}日過ぎています", -d),
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
    let title = format!("{}：{}", head.title, summary.title);
    let sheet = StoredValue::new(sheet);
    view! {
        <PageTitle text=format!("{title}｜評価の状況")/>
        <div class="page">
            <Breadcrumbs trail=vec![
                (summary.title.clone(), Some(paths::plan(&summary.id))),
                ("評価".to_owned(), Some(paths::rounds(&summary.id))),
                (head.title.clone(), None),
            ]/>
            <h1>{head.title.clone()}</h1>
            <dl class="facts">
                <div><dt>"計画"</dt><dd>{summary.title.clone()}</dd></div>
                <div><dt>"年度"</dt><dd>{head.fiscal_year.label()}</dd></div>
                <div><dt>"種類"</dt><dd>{head.kind.label()}</dd></div>
                <div><dt>"状態"</dt><dd><span class=format!("badge badge--round-{}", head.state.as_str())>{head.state.label()}</span></dd></div>
                <div><dt>"締切"</dt><dd>{head.deadline.clone()}" "{(!head.state.is_final()).then(|| days_left_text(sheet.with_value(Sheet::days_left)))}</dd></div>
            </dl>
            <ul class="link-list">
                <li><a href=paths::round_report(&head.id)>"評価結果報告書を見る"</a></li>
                <li><a href=format!("/api/v1/rounds/{}/sheet.csv", head.id) download="">"進捗管理シートをCSVで保存"</a></li>
                <li><a href=format!("/api/v1/rounds/{}/sheet.xlsx", head.id) download="">"進捗管理シートをExcel（XLSX）で保存"</a></li>
                <li><a href=format!("/api/v1/rounds/{}/report.pdf", head.id) download="">"評価結果報告書をPDFで保存"</a></li>
            </ul>
            {reviewer.then(|| view! { <RoundActions round_id=head.id.clone() state=head.state unreviewed=counts.of(RecordState::Submitted) csrf_token reload/> })}
            <section aria-labelledby="counts-heading">
                <h2 id="counts-heading">"提出の状況"</h2>
                <p>{format!("対象{}件のうち、期限超過{}件、停滞（{}日以上更新なし）{}件。", counts.total, counts.overdue, head.stale_days, counts.stale)}</p>
                <BarChart id="state-chart" caption="状態ごとの件数".to_owned() bars=state_bars(&counts)/>
            </section>
            <section aria-labelledby="departments-heading">
                <h2 id="departments-heading">"部署ごとの状況"</h2>
                <div class="table-scroll" tabindex="0" role="region" aria-labelledby="departments-heading">
                    <table class="data-table data-table--compact">
                        <caption class="visually-hidden">"主担当課ごとの記録の状態（件）"</caption>
                        <thead><tr>
                            <th scope="col">"部署"</th>
                            {RecordState::ALL.into_iter().map(|s| view! { <th scope="col">{s.label()}</th> }).collect_view()}
                            <th scope="col">"期限超過"</th><th scope="col">"停滞"</th><th scope="col">"計"</th>
                        </tr></thead>
                        <tbody>
                            {departments.into_iter().map(|(name, c)| {
                                let href = format!("?department={}", paths::encode_query_component(&name));
                                view! {
                                    <tr>
                                        <th scope="row"><a href=href>{name}</a></th>
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
                <h2 id="records-heading">"記録ごとの状況"</h2>
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
                    <h2 id="steps-heading">"評価の経過"</h2>
                    <Steps steps=round_steps/>
                </section>
            })}
        </div>
    }
}

/// Who did what and when, oldest first.
#[component]
pub fn Steps(steps: Vec<StepLine>) -> impl IntoView {
    view! {
        <ol class="steps">
            {steps.into_iter().map(|step| view! {
                <li>
                    <span class="steps__when">{date_of(Some(step.at))}</span>" "
                    <span class="steps__who">{step.who}</span>"："
                    {step.what}
                </li>
            }).collect_view()}
        </ol>
    }
}

#[component]
fn FilterForm(departments: Vec<String>, filters: Signal<Filters>) -> impl IntoView {
    view! {
        <form class="filters" method="get" role="search" aria-label="記録の絞り込み">
            <div class="field">
                <label for="filter-department">"部署"</label>
                <select id="filter-department" name="department">
                    <option value="" selected=move || filters.get().department.is_empty()>"すべて"</option>
                    {departments.into_iter().map(|d| {
                        let (current, value) = (d.clone(), d.clone());
                        view! { <option value=value selected=move || filters.get().department == current>{d}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-state">"状態"</label>
                <select id="filter-state" name="state">
                    <option value="" selected=move || filters.get().state.is_empty()>"すべて"</option>
                    {RecordState::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=move || filters.get().state == s.as_str()>{s.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field field--check">
                <input id="filter-overdue" type="checkbox" name="overdue" value="1" checked=move || filters.get().overdue/>
                <label for="filter-overdue">"期限超過のみ"</label>
            </div>
            <div class="field field--check">
                <input id="filter-stale" type="checkbox" name="stale" value="1" checked=move || filters.get().stale/>
                <label for="filter-stale">"停滞のみ"</label>
            </div>
            <button type="submit">"絞り込む"</button>
        </form>
    }
}

#[component]
fn RecordTable(rows: Vec<SheetRow>, round_id: String) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p role="status">"該当する記録はありません。"</p> }.into_any();
    }
    let count = rows.len();
    view! {
        <p role="status">{format!("{count}件")}</p>
        <div class="table-scroll" tabindex="0" role="region" aria-label="記録の一覧">
            <table class="data-table data-table--compact">
                <caption class="visually-hidden">"記録ごとの状態"</caption>
                <thead><tr>
                    <th scope="col">"施策・取組"</th><th scope="col">"主担当課"</th><th scope="col">"状態"</th>
                    <th scope="col">"最終更新"</th><th scope="col">"注意"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| {
                        let anchor = format!("{}#record-{}-{}", paths::round_report(&round_id), row.target.kind(), row.target.id());
                        let name = match &row.number {
                            Some(n) => format!("{n} {}", row.title),
                            None => row.title.clone(),
                        };
                        let mut flags = Vec::new();
                        if row.overdue { flags.push("期限超過"); }
                        if row.stale { flags.push("停滞"); }
                        if row.reopened { flags.push("再開"); }
                        view! {
                            <tr>
                                <th scope="row"><a href=anchor>{name}</a></th>
                                <td>{row.lead_departments.join("、")}</td>
                                <td><span class=format!("badge badge--{}", row.state.as_str())>{row.state.label()}</span></td>
                                <td>{date_of(row.last_update)}</td>
                                <td>{flags.join("・")}</td>
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
    match action {
        RoundAction::Close => "締め切ると、差し戻した記録のほかは提出できなくなります。",
        RoundAction::ReopenIntake => "受付を再開すると、各課が再び提出できます。",
        RoundAction::Finalize => {
            "確定すると、記録は読み取り専用になります（記録ごとに再開できます）。"
        }
        RoundAction::Publish => "公表すると、確認済の記録が市民向けのページに表示されます。",
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
            outcome.set(Some(
                result.map(|_| format!("「{}」を行いました。", action.label())),
            ));
            if done {
                reload();
            }
        }
    });
    let steps = next_steps(state);
    view! {
        <section class="round-actions" aria-labelledby="round-actions-heading">
            <h2 id="round-actions-heading">"評価の進行"</h2>
            <noscript><p class="notice notice--error">"この操作にはJavaScriptが必要です。"</p></noscript>
            {(state == RoundState::Closed && unreviewed > 0).then(|| view! {
                <p class="notice">{format!("確認待ち（提出済）の記録が{unreviewed}件あります。確定の前に確認済にするか差し戻してください。")}</p>
            })}
            <FormNotice outcome fields=&[]/>
            {if steps.is_empty() {
                view! { <p>"公表済みです。訂正は記録ごとに「再開」してから行います。"</p> }.into_any()
            } else {
                view! {
                    <ul class="round-actions__list">
                        {steps.iter().map(|action| {
                            let action = *action;
                            view! {
                                <li>
                                    <button type="button" class="button" disabled=move || step.pending().get()
                                        on:click=move |_| { step.dispatch(action); }>{action.label()}</button>
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
