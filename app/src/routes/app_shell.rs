//! `/app-shell`: the page the service worker keeps and serves for any page it has not kept
//! when the server cannot be reached. It carries the app's scripts and no content; the browser
//! sees the marker and renders the app for the URL actually asked for (see `hydrate`).

use leptos::prelude::*;
use leptos_meta::Meta;

use crate::components::layout::PageTitle;
use crate::i18n::{t, t_string, use_i18n};
use crate::offline::early;

#[component]
pub fn AppShellPage() -> impl IntoView {
    let renderer = use_context::<early::FirstViewRenderer>();
    let i18n = use_i18n();
    view! {
        <PageTitle text=t_string!(i18n, device.shell_title)/>
        <Meta name="keikaku-shell" content="1"/>
        // What the service worker reads into the shell it serves (data, never run).
        <script type="application/json" id=early::NAMES_ID inner_html=early::names_json(renderer.as_ref())></script>
        // Before the app's own script (a module, run after parsing), so the read starts first.
        <script nonce=leptos::nonce::use_nonce() inner_html=early::script()></script>
        <div class="page" id=early::PLACEHOLDER_ID>
            <p class="loading" role="status">{t!(i18n, device.loading)}</p>
        </div>
    }
}
