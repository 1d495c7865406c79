//! Keikaku's user interface: one Leptos app, server-rendered for citizens' phones and hydrated
//! for interactive use. One module per route under [`routes`]; page data comes from the
//! versioned endpoints in [`api`].

#![recursion_limit = "256"]

pub mod api;
pub mod client;
pub mod components;
pub mod offline;
pub mod pages;
pub mod routes;
pub mod scripts;
#[cfg(feature = "hydrate")]
pub mod timeline;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::components::layout::{SiteFooter, SiteHeader};
use crate::routes::*;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="ja">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#1d4e89"/>
                <script nonce=leptos::nonce::use_nonce() inner_html=offline::early::device_script()></script>
                // A bitmap: the page itself draws an SVG icon, and this one's glyph needs a font
                // (15 ms of the main thread in a trace of an offline open).
                <link rel="icon" href="/icon-32.png" type="image/png" sizes="32x32"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <leptos_meta::HashedStylesheet options=options.clone() id="leptos"/>
                <scripts::AppScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The site's address as users reach it (`KEIKAKU_SITE_URL`), which the server provides while
/// it renders a page: shared pages name themselves by absolute address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteUrl(pub String);

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let sync_status = offline::SyncStatus::new();
    // The app shell is served when the server could not be reached (rendered, not hydrated, so
    // the server's page need not agree).
    #[cfg(feature = "hydrate")]
    if offline::opened_offline() {
        sync_status.online.set(false);
    }
    provide_context(sync_status);
    // Effects run only in the browser: mark the document once the app is interactive (behind
    // the service worker's first view, once it has replaced that).
    Effect::new(|_| {
        #[cfg(feature = "hydrate")]
        if offline::first_view::pending() {
            return;
        }
        offline::mark_interactive();
    });
    // Open this user's progress replica and start syncing (browser only).
    Effect::new(move |started: Option<()>| {
        if started.is_none() {
            #[cfg(feature = "hydrate")]
            offline::engine::start(sync_status);
        }
    });
    // Every route waits for its data before sending HTML, so pages are complete without
    // JavaScript and a missing plan gets a real 404 status.
    view! {
        <Title formatter=|title: String| keikaku_render::document_title(&title)/>
        <Router>
            <a class="skip-link" href="#main" on:click=skip_to_main>"本文へスキップ"</a>
            <SiteHeader/>
            <components::layout::OfflineBanner/>
            <main id="main" tabindex="-1">
                <Show when=move || !sync_status.closed() fallback=move || if sync_status.locked.get() {
                    view! { <routes::DeviceLocked/> }.into_any()
                } else {
                    view! { <components::layout::ClosedForAnotherUser/> }.into_any()
                }>
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/search") view=SearchPage ssr=SsrMode::Async/>
                    <Route path=path!("/accessibility") view=AccessibilityPage/>
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/logout") view=LogoutPage ssr=SsrMode::Async/>
                    <Route path=path!("/plans/:plan_id") view=PlanPage ssr=SsrMode::Async/>
                    <Route path=path!("/plans/:plan_id/measures/:measure_id") view=MeasurePage ssr=SsrMode::Async/>
                    <Route path=path!("/plans/:plan_id/measures/:measure_id/history") view=HistoryPage ssr=SsrMode::Async/>
                    <Route path=path!("/plans/:plan_id/measures/:measure_id/edit") view=MeasureEditPage ssr=SsrMode::Async/>
                    <Route path=path!("/plans/:plan_id/measures/:measure_id/progress") view=ProgressPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin") view=AdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/sync") view=SyncPage ssr=SsrMode::Async/>
                    <Route path=path!("/app-shell") view=AppShellPage/>
                    <Route path=path!("/plans/:plan_id/progress") view=PlanProgressPage ssr=SsrMode::Async/>
                    <Route path=path!("/plans/:plan_id/data") view=OpenDataPage ssr=SsrMode::Async/>
                    <Route path=path!("/plans/:plan_id/roadmap") view=RoadmapPage ssr=SsrMode::Async/>
                    <Route path=path!("/plans/:plan_id/document") view=DocumentPage ssr=SsrMode::Async/>
                    <Route path=path!("/plans/:plan_id/v/:version") view=DocumentPage ssr=SsrMode::Async/>
                    <Route path=path!("/plans/:plan_id/versions") view=VersionsPage ssr=SsrMode::Async/>
                    <Route path=path!("/plans/:plan_id/compare") view=ComparePage ssr=SsrMode::Async/>
                    <Route path=path!("/plans/:plan_id/revision") view=RevisionPage ssr=SsrMode::Async/>
                    <Route path=path!("/plans/:plan_id/glossary") view=GlossaryPage ssr=SsrMode::Async/>
                    <Route path=path!("/plans/:plan_id/rounds") view=RoundsPage ssr=SsrMode::Async/>
                    <Route path=path!("/rounds/:round_id") view=RoundPage ssr=SsrMode::Async/>
                    <Route path=path!("/tasks") view=TasksPage ssr=SsrMode::Async/>
                    <Route path=path!("/rounds/:round_id/report") view=RoundReportPage ssr=SsrMode::Async/>
                </Routes>
                </Show>
            </main>
            <SiteFooter/>
        </Router>
    }
}

/// Moves keyboard focus to the main content. Without JavaScript the fragment link does this
/// natively; the router intercepts fragment links, so the hydrated app does it explicitly.
fn skip_to_main(event: leptos::ev::MouseEvent) {
    use leptos::wasm_bindgen::JsCast;
    if let Some(main) = document()
        .get_element_by_id("main")
        .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlElement>().ok())
    {
        event.prevent_default();
        let _ = main.focus();
        main.scroll_into_view();
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // The offline app shell (served by the service worker for a page it has not kept) holds
    // no page content: render the app for the current URL instead of hydrating the shell.
    let is_shell = document()
        .query_selector("meta[name='keikaku-shell']")
        .ok()
        .flatten()
        .is_some();
    // Who signed in here decides which replica and kept plans to open. Its read is the first
    // task and mounting the second, so the request to IndexedDB (the slow part of an offline
    // open: the browser answers it only between tasks of this page) is on its way before the
    // app mounts, rather than after.
    wasm_bindgen_futures::spawn_local(async {
        let _ = offline::device::signed_in().await;
    });
    wasm_bindgen_futures::spawn_local(async move {
        components::focus::track();
        mount(is_shell);
        offline::service_worker::register();
    });
}

#[cfg(feature = "hydrate")]
fn mount(is_shell: bool) {
    let _phase = timeline::Phase::start("keikaku:mount");
    if is_shell {
        offline::mark_opened_offline();
        // Debug builds warn here that the `csr` feature is off: it is, on purpose. One build
        // both hydrates server pages and renders the shell; the browser tests cover both.
        if offline::first_view::present() {
            offline::first_view::mount_behind(App);
            return;
        }
        if let Some(body) = document().body() {
            body.set_inner_html("");
        }
        leptos::mount::mount_to_body(App);
    } else {
        leptos::mount::hydrate_body(App);
    }
}
