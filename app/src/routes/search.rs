//! `/search?q=`: substring search across every plan; each hit links to where it was found.

use keikaku_domain::views::{SearchHit, SearchView};
use leptos::prelude::*;

use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::SEARCH_LIMIT;
use crate::components::layout::{LoadError, Loading, PageTitle};
use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let results = Resource::new(
        move || query.read().get("q").unwrap_or_default(),
        crate::pages::search,
    );
    let i18n = use_i18n();
    view! {
        <div class="page">
            <h1>{t!(i18n, search.title)}</h1>
            <Form method="GET" action="/search" attr:class="search-form" attr:role="search">
                <label for="search-page-input">{t!(i18n, search.label)}</label>
                <div class="search-form__row">
                    <input id="search-page-input" type="search" name="q" maxlength="200"
                        value=move || query.read().get("q").unwrap_or_default()/>
                    <button type="submit">{t!(i18n, search.button)}</button>
                </div>
            </Form>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match results.await {
                        Err(error) => view! { <LoadError error/> }.into_any(),
                        Ok(view) => view! { <Results view/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn Results(view: SearchView) -> impl IntoView {
    let i18n = use_i18n();
    let query = view.query.clone();
    let title = if view.query.trim().is_empty() {
        t_string!(i18n, search.page_title).to_owned()
    } else {
        t_string!(i18n, search.results, query = query.clone()).to_string()
    };
    if view.query.trim().is_empty() {
        return view! {
            <PageTitle text=title/>
            <p>{t!(i18n, search.hint, <ja> = <span lang="ja" />)}</p>
        }
        .into_any();
    }
    let (limit, count) = (SEARCH_LIMIT, view.hits.len());
    let query_lang = keikaku_domain::lang::mark_japanese(&query);
    let count = if view.hits.is_empty() {
        t_string!(i18n, search.none).to_owned()
    } else if view.truncated {
        t_string!(i18n, search.truncated, limit).to_string()
    } else {
        t_string!(i18n, search.count, count).to_string()
    };
    view! {
        <PageTitle text=title.clone()/>
        <h2 class="results-heading">{t!(i18n, search.results_heading, query, <q> = <span lang=query_lang />)}</h2>
        <p role="status" class="results-count">{count}</p>
        <ol class="search-results" lang="ja">
            {view.hits.into_iter().map(|hit| view! { <Hit hit/> }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn Hit(hit: SearchHit) -> impl IntoView {
    view! {
        <li class="search-hit">
            <p class="search-hit__meta"><span class="badge">{hit.kind}</span>" "{hit.organization_name}"・"{hit.plan_title}</p>
            <p class="search-hit__title"><a href=hit.href>{hit.title}</a></p>
            <p class="search-hit__snippet">{hit.snippet.before}<mark>{hit.snippet.matched}</mark>{hit.snippet.after}</p>
        </li>
    }
}
