//! `/login`: staff, administrators and council members sign in. A plain form, so it works
//! before the app has loaded and without JavaScript; the server answers with a redirect.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::layout::PageTitle;

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let error = move || {
        let query = query.read();
        match query.get("error").as_deref() {
            Some("invalid") => Some("ログインIDまたはパスワードが違います。".to_owned()),
            Some("throttled") => Some(throttled_message(query.get("wait").as_deref())),
            Some("busy") => {
                Some("混み合っています。少し待ってからもう一度お試しください。".to_owned())
            }
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
        <PageTitle text="ログイン"/>
        <div class="page page--narrow">
            <h1>"ログイン"</h1>
            <p>"職員・管理者・議員の方はログインしてください。公開されている計画はログインせずに閲覧できます。"</p>
            {move || error().map(|message| view! { <p class="notice notice--error" role="alert">{message}</p> })}
            <form method="post" action="/api/v1/session/form" class="login-form">
                <input type="hidden" name="next" value=next/>
                <div class="field">
                    <label for="login-id">"ログインID"</label>
                    <input id="login-id" name="login" type="text" autocomplete="username" required
                        value=login maxlength="100"/>
                </div>
                <div class="field">
                    <label for="login-password">"パスワード"</label>
                    <input id="login-password" name="password" type="password" autocomplete="current-password" required maxlength="256"/>
                </div>
                <button type="submit">"ログイン"</button>
            </form>
        </div>
    }
}

/// How long the server asked to wait (`wait`, in seconds), in words.
fn throttled_message(wait: Option<&str>) -> String {
    let wait = match wait.and_then(|w| w.parse::<u64>().ok()) {
        Some(seconds @ 0..60) => format!("{}秒ほど", seconds.max(1)),
        Some(seconds) => format!("{}分ほど", seconds.div_ceil(60)),
        None => "しばらく".to_owned(),
    };
    format!("ログインの失敗が続いたため、{wait}待ってからお試しください。")
}
