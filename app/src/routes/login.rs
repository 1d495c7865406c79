//! `/login`: staff, administrators and council members sign in. A plain form, so it works
//! before the app has loaded and without JavaScript; the server answers with a redirect.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::layout::PageTitle;
use crate::i18n::{t, t_string, use_i18n, Locale};
use leptos_i18n::I18nContext;

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let i18n = use_i18n();
    let error = move || {
        let query = query.read();
        match query.get("error").as_deref() {
            Some("invalid") => Some(t_string!(i18n, login.invalid).to_owned()),
            Some("throttled") => Some(throttled_message(i18n, query.get("wait").as_deref())),
            Some("busy") => Some(t_string!(i18n, login.busy).to_owned()),
            _ => None,
        }
    };
    // Plain attributes, read once: hydration must not reset what was typed before the app
    // loaded (setting the `value` property would).
    let login = query.read_untracked().get("login").unwrap_or_default();
    let next = query
        .read_untracked()
        .get("next")
        .unwrap_or_else(|| "/".into());
    view! {
        <PageTitle text=t_string!(i18n, login.title)/>
        <div class="page page--narrow">
            <h1>{t!(i18n, login.title)}</h1>
            <p>{t!(i18n, login.lead)}</p>
            {move || error().map(|message| view! { <p class="notice notice--error" role="alert">{message}</p> })}
            <form method="post" action="/api/v1/session/form" class="login-form">
                <input type="hidden" name="next" value=next/>
                <div class="field">
                    <label for="login-id">{t!(i18n, login.login)}</label>
                    <input id="login-id" name="login" type="text" autocomplete="username" required
                        value=login maxlength="100"/>
                </div>
                <div class="field">
                    <label for="login-password">{t!(i18n, login.password)}</label>
                    <input id="login-password" name="password" type="password" autocomplete="current-password" required maxlength="256"/>
                </div>
                <button type="submit">{t!(i18n, login.submit)}</button>
            </form>
        </div>
    }
}

/// How long the server asked to wait (`wait`, in seconds), in words.
fn throttled_message(i18n: I18nContext<Locale>, wait: Option<&str>) -> String {
    match wait.and_then(|w| w.parse::<u64>().ok()) {
        Some(seconds @ 0..60) => {
            t_string!(i18n, login.throttled_seconds, count = seconds.max(1)).to_string()
        }
        Some(seconds) => {
            t_string!(i18n, login.throttled_minutes, count = seconds.div_ceil(60)).to_string()
        }
        None => t_string!(i18n, login.throttled).to_owned(),
    }
}
