//! `/plans/:plan_id/compare?from=1&to=2`: what changed between two versions, as a summary
//! (「施策の追加 2件、削除 1件、KPIの変更 5件」), a table of counts and every change with the
//! text marked character by character.

use keikaku_domain::views::paths;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::versions::CompareView;
use crate::components::diff::{ChangeCounts, ChangeList};
use crate::components::guarded::optional_page;
use crate::components::layout::{PageTitle, ScrollToFragment};
use crate::components::plan_header::{Breadcrumbs, PlanHeader, PlanTab};
use crate::i18n::{t, t_string, use_i18n};
use crate::lang::use_lang;
use crate::routes::versions::{CompareForm, VersionTitle};

#[component]
pub fn ComparePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let lang = use_lang();
    let page = Resource::new(
        move || {
            let q = query.read();
            let number = |name: &str| q.get(name).map(|v| v.parse::<u32>().ok());
            (
                params.read().get("plan_id").unwrap_or_default(),
                number("from"),
                number("to"),
                lang,
            )
        },
        |(plan_id, from, to, lang)| async move {
            // A number that is not one names no version.
            if from == Some(None) || to == Some(None) {
                return Ok(None);
            }
            crate::api::versions::compare_page(plan_id, from.flatten(), to.flatten(), lang).await
        },
    );
    let not_found = t_string!(use_i18n(), versions.compare_not_found);
    optional_page(page, not_found, |view| {
        view! { <Compare view/> }
    })
}

#[component]
fn Compare(view: CompareView) -> impl IntoView {
    let CompareView {
        summary,
        from,
        to,
        versions,
        diff,
    } = view;
    let (i18n, lang) = (use_i18n(), use_lang());
    let plan_id = summary.id.clone();
    let title = t_string!(
        i18n,
        versions.compare_title,
        from = from.number.label_in(lang),
        to = to.number.label_in(lang)
    )
    .to_string();
    let page_title = t_string!(
        i18n,
        versions.compare_page_title,
        page = title.clone(),
        plan = summary.title.clone()
    )
    .to_string();
    let summary_text = diff.summary_in(lang);
    let empty = diff.is_empty();
    view! {
        <PageTitle text=page_title/>
        <ScrollToFragment/>
        <div class="page">
            <Breadcrumbs trail=vec![
                (summary.title.clone(), Some(paths::plan(&plan_id))),
                (t_string!(i18n, versions.title).to_owned(), Some(paths::versions(&plan_id))),
                (title.clone(), None),
            ]/>
            <PlanHeader summary=summary.clone() current=PlanTab::Versions/>
            <crate::lang::ContentLanguageNotice/>
            <h1>{title}</h1>
            <p class="compare-versions">
                <a href=paths::version(&plan_id, from.number.0)><VersionTitle version=from.clone()/></a>
                " → "
                <a href=paths::version(&plan_id, to.number.0)><VersionTitle version=to.clone()/></a>
            </p>
            <CompareForm plan_id=plan_id.clone() versions from=Some(from.number.0) to=Some(to.number.0)/>
            <p class="diff-summary"><strong>{t!(i18n, versions.summary)}</strong>{summary_text}</p>
            {(!empty).then(|| view! {
                <ChangeCounts diff=diff.clone()/>
                <p class="diff-legend">
                    {t!(i18n, versions.legend, <ins> = <ins class="diff-ins" />, <del> = <del class="diff-del" />)}
                </p>
                <ChangeList diff=diff.clone()/>
            })}
        </div>
    }
}
