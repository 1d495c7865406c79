//! The frame around every page: header with search, footer, and the not-found and error views.

use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

#[component]
pub fn SiteHeader() -> impl IntoView {
    let query = use_query_map();
    let current = move || query.read().get("q").unwrap_or_default();
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <A href="/" attr:class="brand">
                    <span class="brand__mark" aria-hidden="true">"計"</span>
                    <span class="brand__name">"Keikaku"<span class="brand__sub">" 計画"</span></span>
                </A>
                <Form method="GET" action="/search" attr:class="site-search" attr:role="search">
                    <label for="site-search-input" class="visually-hidden">"計画を検索"</label>
                    <input id="site-search-input" type="search" name="q" placeholder="計画を検索（例：防災）"
                        prop:value=current autocomplete="off" maxlength="200"/>
                    <button type="submit">"検索"</button>
                </Form>
            </div>
        </header>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>"Keikaku（計画）— 自治体DX計画の閲覧・進捗管理"</p>
            <p>"掲載している計画は各自治体が公表した資料を転記したものです。"</p>
        </footer>
    }
}

/// Sets the HTTP status of the page being rendered on the server.
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::from_u16(code).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR));
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

#[component]
pub fn NotFound(#[prop(into, default = "お探しのページは見つかりませんでした。".to_owned())] message: String) -> impl IntoView {
    set_status(404);
    view! {
        <PageTitle text="ページが見つかりません"/>
        <div class="page">
            <h1>"ページが見つかりません"</h1>
            <p>{message}</p>
            <p><A href="/">"計画の一覧へ戻る"</A></p>
        </div>
    }
}

#[component]
pub fn LoadError(error: ServerFnError) -> impl IntoView {
    set_status(500);
    let message = match error {
        ServerFnError::ServerError(message) => message,
        _ => "通信できませんでした。接続を確認して、もう一度お試しください。".to_owned(),
    };
    view! {
        <div class="page">
            <h1>"読み込めませんでした"</h1>
            <p role="alert">{message}</p>
        </div>
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" role="status">"読み込み中…"</p> }
}

/// The document title. leptos_meta writes `<title>` text unescaped during server rendering, so
/// markup characters from user input or plan data are replaced by their full-width forms.
#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    let safe: String = text
        .chars()
        .map(|c| match c {
            '<' => '＜',
            '>' => '＞',
            '&' => '＆',
            c => c,
        })
        .collect();
    view! { <leptos_meta::Title text=safe/> }
}
