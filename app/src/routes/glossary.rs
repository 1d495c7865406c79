//! `/plans/:plan_id/glossary`: the plan's 用語集, each term an anchor that text links point to.

use keikaku_domain::views::{paths, GlossaryView};
use leptos::prelude::*;

use leptos_router::hooks::use_params_map;

use crate::components::layout::{LoadError, Loading, NotFound, PageTitle, ScrollToFragment};
use crate::components::plan_header::{Breadcrumbs, PlanHeader, PlanTab};
use crate::components::rich_text::RichText;
use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn GlossaryPage() -> impl IntoView {
    let params = use_params_map();
    let lang = crate::lang::use_lang();
    let page = Resource::new(
        move || (params.read().get("plan_id").unwrap_or_default(), lang),
        |(plan_id, lang)| crate::pages::glossary(plan_id, lang),
    );
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match page.await {
                    Err(error) => view! { <LoadError error/> }.into_any(),
                    Ok(None) => view! { <NotFound message=t_string!(use_i18n(), plan.not_found)/> }.into_any(),
                    Ok(Some(view)) => view! { <Glossary view/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Glossary(view: GlossaryView) -> impl IntoView {
    let plan_id = view.summary.id.clone();
    // Index letters in order of first appearance, for the jump list.
    let mut letters: Vec<String> = Vec::new();
    for term in &view.terms {
        if let Some(index) = &term.index {
            if !letters.contains(index) {
                letters.push(index.clone());
            }
        }
    }
    let links: Vec<_> = view
        .terms
        .iter()
        .map(keikaku_domain::text::TermLink::from)
        .collect();
    let mut seen_letters: Vec<String> = Vec::new();
    let i18n = use_i18n();
    let (plan, count) = (view.summary.title.clone(), view.terms.len());
    view! {
        <PageTitle text=t_string!(i18n, glossary.page_title, plan = plan.clone()).to_string()
            description=t_string!(i18n, glossary.description, plan, count).to_string()/>
        <ScrollToFragment/>
        <div class="page">
            <Breadcrumbs trail=vec![(view.summary.title.clone(), Some(paths::plan(&plan_id))), (t_string!(i18n, glossary.title).to_owned(), None)]/>
            <PlanHeader summary=view.summary.clone() current=PlanTab::Glossary/>
            <crate::lang::ContentLanguageNotice partly=view.summary.has_english/>
            <h1>{t!(i18n, glossary.title)}</h1>
            {if view.terms.is_empty() {
                view! { <p>{t!(i18n, glossary.none)}</p> }.into_any()
            } else {
                view! {
                    <p>{t!(i18n, glossary.lead, count)}</p>
                    {(!letters.is_empty()).then(|| view! {
                        <nav class="index-letters" aria-label=t_string!(i18n, glossary.letters) lang="ja">
                            <ul>{letters.iter().map(|l| view! { <li><a href=format!("#index-{l}")>{l.clone()}</a></li> }).collect_view()}</ul>
                        </nav>
                    })}
                    <dl class="glossary">
                        {view.terms.into_iter().map(|term| {
                            let first_of_letter = term.index.clone().filter(|l| {
                                let first = !seen_letters.contains(l);
                                if first { seen_letters.push(l.clone()); }
                                first
                            });
                            let (term_lang, definition_lang) = (
                                crate::lang::text_lang(&term.term),
                                crate::lang::text_lang(&term.definition),
                            );
                            view! {
                                <div class="glossary__entry" id=format!("term-{}", term.id)>
                                    <dt lang=term_lang>
                                        {first_of_letter.map(|l| view! { <span class="glossary__anchor" id=format!("index-{l}")></span> })}
                                        {term.term.clone()}
                                    </dt>
                                    <dd lang=definition_lang><RichText text=term.definition glossary=links.clone() plan_id=plan_id.clone()/></dd>
                                </div>
                            }
                        }).collect_view()}
                    </dl>
                }.into_any()
            }}
        </div>
    }
}
