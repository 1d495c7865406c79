//! `/plans/:plan_id/versions`: the plan's versions (第1版, 第2版 …, and for members the draft
//! revision), each readable at its own address and comparable with the one before, and the
//! history of the revisions, each step linked to the version it produced.

use keikaku_domain::lang::{mark_japanese, Lang};
use keikaku_domain::revision::{VersionInfo, VersionState};
use keikaku_domain::views::{format_date_in, format_japan_time_in, paths};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::versions::VersionsView;
use crate::components::guarded::optional_page;
use crate::components::layout::PageTitle;
use crate::components::plan_header::{Breadcrumbs, PlanHeader, PlanTab};
use crate::i18n::{t, t_string, use_i18n};
use crate::lang::{text_lang, use_lang};

#[component]
pub fn VersionsPage() -> impl IntoView {
    let params = use_params_map();
    let lang = use_lang();
    let page = Resource::new(
        move || (params.read().get("plan_id").unwrap_or_default(), lang),
        |(plan_id, lang)| crate::api::versions::versions_page(plan_id, lang),
    );
    let not_found = t_string!(use_i18n(), plan.not_found);
    optional_page(page, not_found, |view| {
        view! { <Versions view/> }
    })
}

#[component]
fn Versions(view: VersionsView) -> impl IntoView {
    let VersionsView {
        summary,
        versions,
        steps,
        manager,
    } = view;
    let (i18n, lang) = (use_i18n(), use_lang());
    let plan_id = summary.id.clone();
    let has_draft = versions.iter().any(|v| v.state == VersionState::Draft);
    let previous = |i: usize| {
        i.checked_sub(1)
            .and_then(|p| versions.get(p))
            .map(|v| v.number)
    };
    let rows = versions
        .iter()
        .enumerate()
        .rev()
        .map(|(i, v)| {
            let compare = previous(i).map(|p| paths::compare(&plan_id, p.0, v.number.0));
            let issued = v
                .issued
                .as_deref()
                .map_or_else(|| "—".to_owned(), |d| format_date_in(d, lang));
            view! {
                <tr>
                    <th scope="row"><a href=paths::version(&plan_id, v.number.0)>{v.number.label_in(lang)}</a></th>
                    <td lang=mark_japanese(&v.label)>{v.label.clone()}</td>
                    <td>{issued}</td>
                    <td><span class=format!("badge badge--version-{}", v.state.as_str())>{v.state.label_in(lang)}</span></td>
                    <td>{v.published_at.map_or_else(|| "—".to_owned(), |at| format_japan_time_in(at, lang))}</td>
                    <td>{compare.map(|href| view! { <a href=href>{t!(i18n, versions.compare_previous)}</a> })}</td>
                </tr>
            }
        })
        .collect_view();
    let title = t_string!(i18n, versions.title).to_owned();
    view! {
        <PageTitle text=t_string!(i18n, versions.page_title, plan = summary.title.clone()).to_string()/>
        <div class="page">
            <Breadcrumbs trail=vec![(summary.title.clone(), Some(paths::plan(&plan_id))), (title, None)]/>
            <PlanHeader summary=summary.clone() current=PlanTab::Versions/>
            <h1>{t!(i18n, versions.title)}</h1>
            <p>{t!(i18n, versions.lead)}</p>
            <div class="table-scroll" role="region" aria-label=t_string!(i18n, versions.list_label) tabindex="0">
                <table class="data-table versions-table">
                    <caption>{t!(i18n, versions.list_caption)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, versions.version)}</th>
                            <th scope="col">{t!(i18n, versions.name)}</th>
                            <th scope="col">{t!(i18n, versions.date)}</th>
                            <th scope="col">{t!(i18n, versions.state)}</th>
                            <th scope="col">{t!(i18n, versions.published)}</th>
                            <th scope="col">{t!(i18n, versions.compare)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {(versions.len() > 1).then(|| view! {
                <CompareForm plan_id=plan_id.clone() versions=versions.clone() from=None to=None/>
            })}
            {manager.then(|| view! {
                <p><a class="button" href=paths::revision(&plan_id)>
                    {if has_draft {
                        t!(i18n, versions.edit_draft).into_any()
                    } else {
                        t!(i18n, versions.start_draft).into_any()
                    }}
                </a></p>
            })}
            {(!steps.is_empty()).then(|| view! {
                <section class="section" aria-labelledby="version-steps-heading">
                    <h2 id="version-steps-heading">{t!(i18n, versions.steps)}</h2>
                    <div class="table-scroll" role="region" aria-label=t_string!(i18n, versions.steps) tabindex="0">
                        <table class="data-table">
                            <caption class="visually-hidden">{t!(i18n, versions.steps_caption)}</caption>
                            <thead><tr>
                                <th scope="col">{t!(i18n, versions.when)}</th>
                                <th scope="col">{t!(i18n, versions.who)}</th>
                                <th scope="col">{t!(i18n, versions.what)}</th>
                                <th scope="col">{t!(i18n, versions.version)}</th>
                            </tr></thead>
                            <tbody>
                                {steps.into_iter().map(|s| {
                                    let exists = versions.iter().any(|v| v.number == s.version);
                                    let who = s.who.map_or_else(
                                        || view! { <td>{t!(i18n, versions.command_line)}</td> }.into_any(),
                                        |who| {
                                            let who_lang = mark_japanese(&who);
                                            view! { <td lang=who_lang>{who}</td> }.into_any()
                                        },
                                    );
                                    view! {
                                        <tr id=format!("step-{}", s.entry_id)>
                                            <td>{format_japan_time_in(s.at, lang)}</td>
                                            {who}
                                            <td>{s.what}</td>
                                            <td>{if exists {
                                                view! { <a href=paths::version(&plan_id, s.version.0)>{s.version.label_in(lang)}</a> }.into_any()
                                            } else {
                                                view! { <span>{s.version.label_in(lang)}</span> }.into_any()
                                            }}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                </section>
            })}
        </div>
    }
}

/// Choose two versions to compare; a plain form, so it works without JavaScript.
#[component]
pub fn CompareForm(
    plan_id: String,
    versions: Vec<VersionInfo>,
    from: Option<u32>,
    to: Option<u32>,
) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), use_lang());
    let last = versions.last().map(|v| v.number.0);
    let before_last = versions
        .len()
        .checked_sub(2)
        .and_then(|i| versions.get(i))
        .map(|v| v.number.0);
    let (from, to) = (from.or(before_last), to.or(last));
    let draft_mark = t_string!(i18n, versions.draft_mark);
    let options =
        move |selected: Option<u32>| {
            versions
            .iter()
            .map(|v| {
                // An option holds text only, which cannot mix languages: on an English page the
                // version is named by its number and date rather than the plan's Japanese name
                // (the table above gives that).
                let name = match (lang, v.issued.as_deref()) {
                    (Lang::Ja, _) => v.title(),
                    (_, Some(issued)) => {
                        format!("{} ({})", v.number.label_in(lang), format_date_in(issued, lang))
                    }
                    (_, None) => v.number.label_in(lang),
                };
                let mark = if v.state == VersionState::Draft { draft_mark } else { "" };
                view! {
                    <option value=v.number.0.to_string() selected={Some(v.number.0) == selected}>
                        {name}{mark}
                    </option>
                }
            })
            .collect_view()
        };
    view! {
        <form class="compare-form" method="get" action=format!("/plans/{plan_id}/compare")>
            <div class="field">
                <label for="compare-from">{t!(i18n, versions.compare_from)}</label>
                <select id="compare-from" name="from">{options(from)}</select>
            </div>
            <div class="field">
                <label for="compare-to">{t!(i18n, versions.compare_to)}</label>
                <select id="compare-to" name="to">{options(to)}</select>
            </div>
            <button type="submit" class="button">{t!(i18n, versions.compare_button)}</button>
        </form>
    }
}

/// A version's title: its number in the page's words, and the plan's name for it (令和6年3月改定)
/// marked with its language.
#[component]
pub fn VersionTitle(version: VersionInfo) -> impl IntoView {
    let lang = use_lang();
    if lang == Lang::Ja || version.label.is_empty() {
        return version.title_in(lang).into_any();
    }
    let label_lang = text_lang(&version.label);
    view! {
        {version.number.label_in(lang)}" ("<span lang=label_lang>{version.label}</span>")"
    }
    .into_any()
}
