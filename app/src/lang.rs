//! The page's language, for what the pure crates write (fiscal years, periods) and for links
//! that switch it. The interface's own texts come from the generated [`crate::i18n`] module.

use keikaku_domain::lang::Lang;
use leptos::prelude::*;

use crate::i18n::{use_i18n, Locale};

/// The cookie remembering the visitor's choice of language (set by `/api/v1/language`).
pub const LANGUAGE_COOKIE: &str = "keikaku_lang";

/// What leptos_i18n reads as the request's languages on the server: the language chosen with
/// the switch, if any, else the request's `Accept-Language`.
pub fn preferred_languages() -> leptos_use::UseLocalesOptions {
    leptos_use::UseLocalesOptions::default().ssr_lang_header_getter(|| {
        #[cfg(feature = "ssr")]
        {
            let parts = use_context::<http::request::Parts>()?;
            if let Some(lang) = chosen_language(&parts.headers) {
                return Some(lang.code().to_owned());
            }
            parts
                .headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        }
        #[cfg(not(feature = "ssr"))]
        {
            None
        }
    })
}

/// The language the request's cookie names, if it names one of ours.
#[cfg(feature = "ssr")]
pub fn chosen_language(headers: &http::HeaderMap) -> Option<Lang> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(language_in_cookies)
}

/// The language a request asks for: the one chosen with the switch, else the first of ours
/// its `Accept-Language` names, else Japanese. Pages, the endpoints the app calls and the JSON
/// API's error answers all decide it here, so they agree.
#[cfg(feature = "ssr")]
pub fn request_lang(headers: &http::HeaderMap) -> Lang {
    use leptos_i18n::Locale as _;
    if let Some(lang) = chosen_language(headers) {
        return lang;
    }
    let accepted: Vec<&str> = headers
        .get(http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .split(',')
        .map(|tag| tag.split(';').next().unwrap_or(tag).trim())
        .collect();
    lang_of(Locale::find_locale(&accepted))
}

/// The language a `Cookie` header's text (or `document.cookie`) names, if one of ours.
#[cfg(any(feature = "ssr", feature = "hydrate", test))]
fn language_in_cookies(cookies: &str) -> Option<Lang> {
    cookies.split(';').find_map(|pair| {
        let (name, value) = pair.trim().split_once('=')?;
        (name == LANGUAGE_COOKIE).then(|| Lang::from_code(value.trim()))?
    })
}

/// Provides the page's language to everything inside, and writes it on `<html lang>`, where
/// the hydrated app reads it back. Rather than the generated `I18nContextProvider`, which also
/// writes an empty `<script>` without the page's nonce (every inline script carries it: see
/// `server/tests/http.rs`): the context is made and provided here, as that component does.
#[component]
pub fn LanguageProvider(children: Children) -> impl IntoView {
    let options = leptos_i18n::context::I18nContextOptions::<Locale>::default()
        .enable_cookie(false)
        .ssr_lang_header_getter(preferred_languages());
    let i18n = leptos_i18n::context::init_i18n_context_with_options(options);
    provide_context(i18n);
    let children = children();
    let lang = move || lang_of(i18n.get_locale()).code();
    view! {
        {children}
        <leptos_meta::Html attr:lang=lang attr:dir="ltr"/>
    }
}

/// The language this page is rendered in.
pub fn use_lang() -> Lang {
    lang_of(use_i18n().get_locale_untracked())
}

pub fn lang_of(locale: Locale) -> Lang {
    match locale {
        Locale::ja => Lang::Ja,
        Locale::en => Lang::En,
    }
}

/// The switch between the interface's languages: a link per other language to
/// `/api/v1/language`, which remembers the choice in a cookie and returns to this page.
/// A plain link, so it works without JavaScript; `rel="external"` keeps the app's router
/// from handling it.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let current = use_lang();
    let location = leptos_router::hooks::use_location();
    let here = move || {
        let path = location.pathname.get();
        let search = location.search.get();
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    };
    view! {
        <nav class="language-switch" aria-label=crate::i18n::t_string!(use_i18n(), layout.language)>
            {Lang::ALL.into_iter().filter(|lang| *lang != current).map(|lang| {
                let href = move || format!(
                    "/api/v1/language?to={}&next={}",
                    lang.code(),
                    keikaku_domain::views::paths::encode_query_component(&here())
                );
                view! {
                    <a href=href rel="external nofollow" hreflang=lang.code() lang=lang.code()>{lang.own_name()}</a>
                }
            }).collect_view()}
        </nav>
    }
}

/// In the offline app shell, which the service worker keeps for everyone, adopts the language
/// this browser chose (its cookie) before the app renders: the shell was written in whatever
/// language its request asked for, and the app takes its language from `<html lang>`.
#[cfg(feature = "hydrate")]
pub fn adopt_chosen_language() {
    let cookies = js_sys::Reflect::get(&document(), &"cookie".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    if let (Some(lang), Some(root)) = (language_in_cookies(&cookies), document().document_element())
    {
        let _ = root.set_attribute("lang", lang.code());
    }
}

pub use keikaku_domain::lang::text_lang;

/// On a page in another language than Japanese, says that the plan's own text is shown in
/// Japanese: all of it, or, when the plan file gives English for some fields (`partly`), the
/// rest. The Japanese is marked `lang="ja"`.
#[component]
pub fn ContentLanguageNotice(#[prop(optional)] partly: bool) -> impl IntoView {
    let i18n = use_i18n();
    (use_lang() != Lang::Ja).then(|| {
        let text = if partly {
            crate::i18n::t!(i18n, layout.content_partly_in_japanese).into_any()
        } else {
            crate::i18n::t!(i18n, layout.content_in_japanese).into_any()
        };
        view! { <p class="content-language" role="note">{text}</p> }
    })
}

#[cfg(test)]
mod tests {
    use super::language_in_cookies;
    use keikaku_domain::lang::Lang;

    #[test]
    fn the_language_cookie_is_found_among_others_and_unknown_values_ignored() {
        assert_eq!(
            language_in_cookies("a=1; keikaku_lang=en; b=2"),
            Some(Lang::En)
        );
        assert_eq!(language_in_cookies("keikaku_lang=ja"), Some(Lang::Ja));
        assert_eq!(language_in_cookies("keikaku_lang=fr; x=en"), None);
        assert_eq!(language_in_cookies("not_keikaku_lang=en"), None);
        assert_eq!(language_in_cookies(""), None);
    }
}
