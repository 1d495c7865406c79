//! `/search?q=`: substring search across every plan; each hit links to where it was found.

use keikaku_domain::views::{SearchHit, SearchView};
use leptos::prelude::*;

use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::SEARCH_LIMIT;
use crate::components::layout::{LoadError, Loading, PageTitle};

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let results = Resource::new(
        move || query.read().get("q").unwrap_or_default(),
        crate::pages::search,
    );
    view! {
        <div class="page">
            <h1>"計画を検索"</h1>
            <Form method="GET" action="/search" attr:class="search-form" attr:role="search">
                <label for="search-page-input">"検索する語句"</label>
                <div class="search-form__row">
                    <input id="search-page-input" type="search" name="q" maxlength="200"
                        value=move || query.read().get("q").unwrap_or_default()/>
                    <button type="submit">"検索"</button>
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
    let title = if view.query.trim().is_empty() {
        "検索".to_owned()
    } else {
        format!("「{}」の検索結果", view.query)
    };
    if view.query.trim().is_empty() {
        return view! {
            <PageTitle text=title/>
            <p>"語句を入力してください。すべての計画の本文・施策・KPI・工程表・用語集から探します（例：防災、オンライン、KPI）。"</p>
        }
        .into_any();
    }
    let count = if view.truncated {
        format!("{SEARCH_LIMIT}件以上見つかりました。最初の{SEARCH_LIMIT}件を表示しています。")
    } else {
        format!("{}件見つかりました。", view.hits.len())
    };
    view! {
        <PageTitle text=title.clone()/>
        <h2 class="results-heading">{title}</h2>
        <p role="status" class="results-count">{if view.hits.is_empty() { "見つかりませんでした。別の語句でお試しください。".to_owned() } else { count }}</p>
        <ol class="search-results">
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
