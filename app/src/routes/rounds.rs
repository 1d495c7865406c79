//! `/plans/:plan_id/rounds`: a plan's reporting rounds (評価), for the members of its
//! organization, and the form with which an administrator opens one. A refused opening shows
//! its reason beside the field and keeps everything typed.

use keikaku_domain::evaluation::RoundKind;
use keikaku_domain::lang::{mark_japanese, Lang};
use keikaku_domain::views::paths;
use keikaku_domain::FiscalYear;
use keikaku_sync::round_sheet::RoundHead;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde_json::json;

use crate::api::rounds::{rounds_page, RoundsView};
use crate::client::send_json;
use crate::components::form::{browser_action, typed_value};
use crate::components::guarded::{guarded_page, PageTexts};
use crate::components::layout::PageTitle;
use crate::components::outcome::{field_problem, FormNotice, Outcome};
use crate::components::plan_header::Breadcrumbs;
use crate::i18n::{t, t_string, tu_string, use_i18n};
use crate::lang::{text_lang, use_lang};

#[component]
pub fn RoundsPage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(
        move || params.read().get("plan_id").unwrap_or_default(),
        rounds_page,
    );
    let reload = move || page.refetch();
    let i18n = use_i18n();
    let texts = PageTexts {
        title: t_string!(i18n, rounds.list_title),
        not_found: t_string!(i18n, rounds.plan_not_found),
        forbidden: t_string!(i18n, rounds.forbidden),
    };
    guarded_page(page, texts, move |view| view! { <Rounds view reload/> })
}

#[component]
fn Rounds(view: RoundsView, reload: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let RoundsView {
        summary,
        rounds,
        reviewer,
        csrf_token,
        years,
        measures,
    } = view;
    let plan_href = paths::plan(&summary.id);
    let i18n = use_i18n();
    let page_title = t_string!(
        i18n,
        rounds.page_title,
        page = t_string!(i18n, rounds.list_title),
        plan = summary.title.clone()
    )
    .to_string();
    view! {
        <PageTitle text=page_title/>
        <div class="page">
            <Breadcrumbs trail=vec![
                (summary.title.clone(), Some(plan_href)),
                (t_string!(i18n, rounds.crumb).to_owned(), None),
            ]/>
            <h1>{t!(i18n, rounds.list_heading)}<span lang=text_lang(&summary.title)>{summary.title.clone()}</span></h1>
            <p>{t!(i18n, rounds.intro)}</p>
            {if rounds.is_empty() {
                view! { <p>{t!(i18n, rounds.none)}</p> }.into_any()
            } else {
                view! { <RoundList rounds/> }.into_any()
            }}
            {reviewer.then(|| view! { <OpenRoundForm plan_id=summary.id.clone() years measures csrf_token reload/> })}
        </div>
    }
}

#[component]
fn RoundList(rounds: Vec<RoundHead>) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), use_lang());
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="rounds-heading">
            <table class="data-table">
                <caption id="rounds-heading">{t!(i18n, rounds.table_caption)}</caption>
                <thead><tr>
                    <th scope="col">{t!(i18n, rounds.col_round)}</th><th scope="col">{t!(i18n, rounds.year)}</th>
                    <th scope="col">{t!(i18n, rounds.kind)}</th>
                    <th scope="col">{t!(i18n, rounds.state)}</th><th scope="col">{t!(i18n, rounds.deadline)}</th>
                </tr></thead>
                <tbody>
                    {rounds.into_iter().map(|round| view! {
                        <tr>
                            <th scope="row"><a href=paths::round(&round.id) lang=mark_japanese(&round.title)>{round.title.clone()}</a></th>
                            <td>{round.fiscal_year.label_in(lang)}</td>
                            <td>{round.kind.label_in(lang)}</td>
                            <td><span class=format!("badge badge--round-{}", round.state.as_str())>{round.state.label_in(lang)}</span></td>
                            <td>{round.deadline.clone()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// A default title for a round of `year` and `kind`, in the language the administrator works
/// in (the placeholder shows it, and a title is the round's own words from then on):
/// 令和6年度実績 / FY2024 results, 令和6年度中間報告 / FY2024 interim report.
fn default_title(
    i18n: leptos_i18n::I18nContext<crate::i18n::Locale>,
    year: FiscalYear,
    kind: RoundKind,
    lang: Lang,
) -> String {
    let year = match lang {
        Lang::Ja => year.japanese(),
        Lang::En => format!("FY{}", year.0),
    };
    match kind {
        RoundKind::YearEnd => tu_string!(i18n, rounds.default_year_end, year).to_string(),
        RoundKind::Interim => tu_string!(i18n, rounds.default_interim, year).to_string(),
    }
}

#[component]
fn OpenRoundForm(
    plan_id: String,
    years: Vec<FiscalYear>,
    measures: Vec<(String, String)>,
    csrf_token: String,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let scope = RwSignal::new(Vec::<String>::new());
    let first_year = crate::routes::progress::default_year(&years).unwrap_or(FiscalYear(2024));
    let year = RwSignal::new(
        typed_value("round-year")
            .parse::<i32>()
            .map(FiscalYear)
            .unwrap_or(first_year),
    );
    let kind = RwSignal::new(RoundKind::YearEnd);
    let id = RwSignal::new(typed_value("round-id"));
    let title = RwSignal::new(typed_value("round-title"));
    let opens_on = RwSignal::new(typed_value("round-opens"));
    let deadline = RwSignal::new(typed_value("round-deadline"));
    let stale_days = RwSignal::new(
        Some(typed_value("round-stale"))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "14".to_owned()),
    );
    let outcome: Outcome = RwSignal::new(None);
    let (i18n, lang) = (use_i18n(), use_lang());
    let open = browser_action(move |_: &()| {
        let url = format!("/api/v1/plans/{plan_id}/rounds");
        let token = csrf_token.clone();
        let chosen_title = Some(title.get_untracked().trim().to_owned())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| {
                default_title(i18n, year.get_untracked(), kind.get_untracked(), lang)
            });
        let body = json!({
            "id": id.get_untracked().trim(),
            "fiscal_year": year.get_untracked().0,
            "kind": kind.get_untracked().as_str(),
            "title": chosen_title,
            "opens_on": opens_on.get_untracked(),
            "deadline": deadline.get_untracked(),
            "stale_days": stale_days.get_untracked().trim().parse::<u32>().unwrap_or(0),
            "scope": scope.get_untracked().iter().map(|id| format!("measure:{id}")).collect::<Vec<_>>(),
        });
        async move {
            let result = send_json("POST", &url, &token, Some(&body)).await;
            let done = result.is_ok();
            outcome.set(Some(result.map(|_| {
                tu_string!(i18n, rounds.opened, title = chosen_title).to_string()
            })));
            if done {
                reload();
            }
        }
    });
    let field_error = move |name: &str| field_problem(outcome, name);
    let field = move |name: &'static str, input: AnyView| {
        view! {
            <div class="field">
                {input}
                {move || field_error(name).map(|reason| view! {
                    <p class="field__error" id=format!("{name}-error") lang=mark_japanese(&reason)>{reason.clone()}</p>
                })}
            </div>
        }
    };
    view! {
        <section aria-labelledby="open-round-heading">
            <h2 id="open-round-heading">{t!(i18n, rounds.open_heading)}</h2>
            <noscript><p class="notice notice--error">{t!(i18n, rounds.open_needs_script)}</p></noscript>
            <form class="admin-form" on:submit=move |ev| { ev.prevent_default(); open.dispatch(()); }>
                <FormNotice outcome fields=&["id", "title", "opens_on", "deadline", "stale_days", "fiscal_year", "scope"]/>
                {field("fiscal_year", view! {
                    <label for="round-year">{t!(i18n, rounds.year)}</label>
                    <select id="round-year" on:change=move |ev| {
                        if let Ok(y) = event_target_value(&ev).parse::<i32>() { year.set(FiscalYear(y)); }
                    }>
                        {years.iter().map(|y| {
                            let y = *y;
                            view! { <option value=y.0.to_string() selected=move || year.get() == y>{y.label_in(lang)}</option> }
                        }).collect_view()}
                    </select>
                }.into_any())}
                <div class="field">
                    <label for="round-kind">{t!(i18n, rounds.kind)}</label>
                    <select id="round-kind" on:change=move |ev| {
                        kind.set(RoundKind::parse(&event_target_value(&ev)).unwrap_or(RoundKind::YearEnd));
                    }>
                        {RoundKind::ALL.into_iter().map(|k| view! {
                            <option value=k.as_str() selected=move || kind.get() == k>{k.label_in(lang)}</option>
                        }).collect_view()}
                    </select>
                </div>
                {field("id", view! {
                    <label for="round-id">{t!(i18n, rounds.id_label)}</label>
                    <input id="round-id" type="text" required maxlength="64" autocomplete="off" placeholder="r6-year-end"
                        aria-invalid=move || field_error("id").is_some().to_string()
                        aria-describedby=move || field_error("id").map(|_| "id-error")
                        prop:value=id on:input=move |ev| id.set(event_target_value(&ev))/>
                }.into_any())}
                {field("title", view! {
                    <label for="round-title">{t!(i18n, rounds.title_label)}</label>
                    <input id="round-title" type="text" maxlength="100" autocomplete="off"
                        placeholder=move || default_title(i18n, year.get(), kind.get(), lang)
                        aria-invalid=move || field_error("title").is_some().to_string()
                        prop:value=title on:input=move |ev| title.set(event_target_value(&ev))/>
                }.into_any())}
                {field("opens_on", view! {
                    <label for="round-opens">{t!(i18n, rounds.opens_label)}</label>
                    <input id="round-opens" type="date" required
                        aria-invalid=move || field_error("opens_on").is_some().to_string()
                        prop:value=opens_on on:input=move |ev| opens_on.set(event_target_value(&ev))/>
                }.into_any())}
                {field("deadline", view! {
                    <label for="round-deadline">{t!(i18n, rounds.deadline_label)}</label>
                    <input id="round-deadline" type="date" required
                        aria-invalid=move || field_error("deadline").is_some().to_string()
                        aria-describedby=move || field_error("deadline").map(|_| "deadline-error")
                        prop:value=deadline on:input=move |ev| deadline.set(event_target_value(&ev))/>
                }.into_any())}
                {field("stale_days", view! {
                    <label for="round-stale">{t!(i18n, rounds.stale_label)}</label>
                    <input id="round-stale" type="number" min="1" max="365" required inputmode="numeric"
                        aria-invalid=move || field_error("stale_days").is_some().to_string()
                        prop:value=stale_days on:input=move |ev| stale_days.set(event_target_value(&ev))/>
                }.into_any())}
                <fieldset class="scope-picker">
                    <legend>{t!(i18n, rounds.scope_legend)}</legend>
                    <p class="field__hint">{t!(i18n, rounds.scope_hint)}</p>
                    {move || field_error("scope").map(|reason| view! { <p class="field__error" lang=mark_japanese(&reason)>{reason.clone()}</p> })}
                    <details>
                        <summary>{move || match scope.get().len() {
                            0 => t_string!(i18n, rounds.scope_none).to_string(),
                            count => t_string!(i18n, rounds.scope_chosen, count).to_string(),
                        }}</summary>
                        <ul class="scope-picker__list">
                            {measures.into_iter().map(|(id, label)| {
                                let input_id = format!("scope-{id}");
                                let (checked_id, toggled_id) = (id.clone(), id);
                                view! {
                                    <li>
                                        <input id=input_id.clone() type="checkbox"
                                            prop:checked=move || scope.get().contains(&checked_id)
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                scope.update(|s| {
                                                    s.retain(|x| *x != toggled_id);
                                                    if on { s.push(toggled_id.clone()); }
                                                });
                                            }/>
                                        <label for=input_id lang=text_lang(&label)>{label.clone()}</label>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </details>
                </fieldset>
                <button type="submit" disabled=move || open.pending().get()>{t!(i18n, rounds.open_submit)}</button>
            </form>
        </section>
    }
}

/// A link to the plan's rounds, for members of its organization (who alone may see them). Shown
/// once the page runs in the browser: the plan page is the same for everyone when rendered, so
/// the server, the service worker's first view and the hydrated page agree.
#[component]
pub fn RoundsLink(plan_id: String, organization_id: String) -> impl IntoView {
    let member = RwSignal::new(false);
    let i18n = use_i18n();
    Effect::new(move |_| {
        let organization_id = organization_id.clone();
        leptos::task::spawn_local(async move {
            if let Ok(Some(user)) = crate::api::signed_in_user().await {
                member.set(user.organization_id == organization_id);
            }
        });
    });
    move || {
        member.get().then(|| view! {
            <p class="rounds-link"><a href=paths::rounds(&plan_id)>{t!(i18n, rounds.link)}</a></p>
        })
    }
}
