//! The frame around every page: header with search, footer, and the not-found and error views.

use leptos::prelude::*;
use leptos_router::components::Form;

use crate::i18n::{t, t_string, use_i18n};
use keikaku_domain::lang::{mark_japanese, Lang};
use leptos_router::hooks::use_query_map;

#[component]
pub fn SiteHeader() -> impl IntoView {
    let query = use_query_map();
    // An attribute, not the `value` property: hydration must not wipe what was typed before
    // the app loaded.
    let current = move || query.read().get("q").unwrap_or_default();
    let i18n = use_i18n();
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <a href="/" class="brand">
                    <span class="brand__mark" aria-hidden="true" lang="ja">"計"</span>
                    <span class="brand__name">"Keikaku"<span class="brand__sub" lang="ja">" 計画"</span></span>
                </a>
                <Form method="GET" action="/search" attr:class="site-search" attr:role="search">
                    <label for="site-search-input" class="visually-hidden">{t!(i18n, layout.search_label)}</label>
                    <input id="site-search-input" type="search" name="q" placeholder=t_string!(i18n, layout.search_placeholder)
                        value=current autocomplete="off" maxlength="200"/>
                    <button type="submit">{t!(i18n, layout.search_button)}</button>
                </Form>
                <crate::routes::SyncIndicator/>
                <AccountMenu/>
                <crate::lang::LanguageSwitch/>
            </div>
        </header>
    }
}

/// Who is signed in, with a sign-out button; or a link to sign in. In a tab opened from the
/// app shell, until the server is reached again, the person signed in on this device (the
/// server cannot be asked, and an offline "sign in" link would mislead).
///
/// Signing out works without JavaScript (a form the server answers); in the app it first sends
/// or secures edits not yet sent ([`crate::offline::sign_out`]), asking on `/logout` what to do
/// with any that cannot be sent.
#[component]
fn AccountMenu() -> impl IntoView {
    let account = use_account();
    let sign_out = sign_out_handler();
    let status = crate::offline::use_sync_status();
    let (i18n, lang) = (use_i18n(), crate::lang::use_lang());
    // The user's name is theirs, in whatever language it was given.
    let name = |name: String| view! { <span lang=mark_japanese(&name)>{name.clone()}</span> };
    view! {
        // A tab closed for its user (see `ClosedForAnotherUser`) names nobody.
        <Suspense fallback=|| ()>
            <Show when=move || !status.closed()>
            {move || Suspend::new(async move {
                match account.await {
                    Account::SignedIn(user) => {
                        let token = user.csrf_token.clone();
                        let role = match lang {
                            Lang::Ja => format!("（{}）", user.role.label_in(lang)),
                            Lang::En => format!(" ({})", user.role.label_in(lang)),
                        };
                        view! {
                            <form method="post" action="/api/v1/session/logout" class="account"
                                on:submit=move |ev| sign_out(ev, Some(token.clone()))>
                                <span class="account__name">{name(user.display_name)}<span class="account__role">{role}</span></span>
                                {(user.role == keikaku_domain::access::Role::Administrator).then(|| view! { <a href="/admin" class="account__admin">{t!(i18n, layout.admin)}</a> })}
                                <crate::routes::tasks::TasksLink role=user.role/>
                                <input type="hidden" name="csrf" value=user.csrf_token/>
                                <button type="submit">{t!(i18n, layout.sign_out)}</button>
                            </form>
                        }
                        .into_any()
                    }
                    Account::OnThisDevice { display_name } => view! {
                        <form class="account" on:submit=move |ev| sign_out(ev, None)>
                            <span class="account__name">{name(display_name)}<span class="account__role">{t!(i18n, layout.offline_role)}</span></span>
                            <button type="submit">{t!(i18n, layout.sign_out)}</button>
                        </form>
                    }
                    .into_any(),
                    Account::Visitor => view! { <a href="/login" class="account__login">{t!(i18n, layout.sign_in)}</a> }.into_any(),
                }
            })}
            </Show>
        </Suspense>
    }
}

/// Who the header names, from the server, or from the device in a tab opened from the app
/// shell (constant on the server and on hydrated pages; in a shell tab it changes once the
/// server answers, and is asked of the server then).
pub(crate) fn use_account() -> Resource<Account> {
    let status = crate::offline::use_sync_status();
    let from_device = move || {
        status.online.track();
        #[cfg(feature = "hydrate")]
        {
            crate::pages::offline_first(status)
        }
        #[cfg(not(feature = "hydrate"))]
        {
            false
        }
    };
    Resource::new(from_device, account)
}

/// The header's sign-out: in the app, edits are sent first, and `/logout` asks what to do with
/// any still waiting; without them the device is released and the session ended at once.
fn sign_out_handler() -> impl Fn(leptos::ev::SubmitEvent, Option<String>) + Copy {
    #[cfg(feature = "hydrate")]
    let navigate = StoredValue::new_local(leptos_router::hooks::use_navigate());
    move |event, csrf_token| {
        event.prevent_default();
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            use crate::offline::sign_out;
            use crate::offline::sign_out::Keep;
            if sign_out::send_and_count().await.total() > 0 {
                navigate.with_value(|navigate| navigate("/logout", Default::default()));
            } else if let Err(e) = sign_out::finish(Keep::Nothing, csrf_token).await {
                leptos::logging::warn!("sign-out: {e}");
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = csrf_token;
    }
}

/// Who the header names.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) enum Account {
    SignedIn(keikaku_domain::access::SignedIn),
    /// Who is signed in on this device, shown offline.
    OnThisDevice {
        display_name: String,
    },
    Visitor,
}

async fn account(from_device: bool) -> Account {
    #[cfg(feature = "hydrate")]
    if from_device {
        return on_this_device().await;
    }
    let _ = from_device;
    match crate::api::signed_in_user().await {
        Ok(Some(user)) => Account::SignedIn(user),
        Ok(None) => Account::Visitor,
        // The server went away after the page loaded: the device says who is signed in.
        #[cfg(feature = "hydrate")]
        Err(_) => on_this_device().await,
        #[cfg(not(feature = "hydrate"))]
        Err(_) => Account::Visitor,
    }
}

/// Whoever is signed in on this device, as the header shows them offline.
#[cfg(feature = "hydrate")]
async fn on_this_device() -> Account {
    if send_wrapper::SendWrapper::new(crate::offline::lock::tab_locked()).await {
        return Account::Visitor;
    }
    match send_wrapper::SendWrapper::new(crate::offline::device::signed_in()).await {
        Some((_, display_name)) => Account::OnThisDevice { display_name },
        None => Account::Visitor,
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <footer class="site-footer">
            <p>{t!(i18n, layout.footer_product, <ja> = <span lang="ja" />)}</p>
            <p>{t!(i18n, layout.footer_source)}</p>
            <p><a href="/accessibility">{t!(i18n, layout.footer_accessibility)}</a></p>
        </footer>
    }
}

/// Sets the HTTP status of the page being rendered on the server.
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(
            http::StatusCode::from_u16(code).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

#[component]
pub fn NotFound(
    /// What was not found; without it, the general sentence.
    #[prop(optional, into)]
    message: Option<String>,
) -> impl IntoView {
    set_status(404);
    let i18n = use_i18n();
    let message = message.unwrap_or_else(|| t_string!(i18n, layout.not_found_message).to_owned());
    view! {
        <PageTitle text=t_string!(i18n, layout.not_found_title)/>
        <div class="page">
            <h1>{t!(i18n, layout.not_found_title)}</h1>
            <p>{message}</p>
            <p><a href="/">{t!(i18n, layout.back_to_plans)}</a></p>
        </div>
    }
}

/// Says so when the server cannot be reached and pages come from what this browser kept.
#[component]
pub fn OfflineBanner() -> impl IntoView {
    let status = crate::offline::use_sync_status();
    let i18n = use_i18n();
    move || {
        (!status.online.get()).then(|| {
            view! {
                <p class="offline-banner" role="status">{t!(i18n, layout.offline_banner)}</p>
            }
        })
    }
}

/// In place of every page once this tab was closed for its user: someone signed out, or someone
/// else signed in, in another tab of this browser (see `crate::offline::handover`).
#[component]
pub fn ClosedForAnotherUser() -> impl IntoView {
    let reload = move |_| {
        let _ = window().location().reload();
    };
    let i18n = use_i18n();
    view! {
        <PageTitle text=t_string!(i18n, layout.reload_title)/>
        <div class="page">
            <h1>{t!(i18n, layout.reload_title)}</h1>
            <p role="alert">{t!(i18n, layout.reload_message)}</p>
            <button type="button" class="button" on:click=reload>{t!(i18n, layout.reload_button)}</button>
        </div>
    }
}

/// A page for signed-in users only, asked for without a session. The login page returns here.
#[component]
pub fn SignInRequired(#[prop(into)] title: String) -> impl IntoView {
    set_status(401);
    let next = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    let login = format!(
        "/login?next={}",
        keikaku_domain::views::paths::encode_query_component(&next)
    );
    let i18n = use_i18n();
    view! {
        <PageTitle text=title.clone()/>
        <div class="page">
            <h1>{title}</h1>
            <p role="alert">{t!(i18n, layout.sign_in_required)}</p>
            <p><a href=login>{t!(i18n, layout.sign_in_link)}</a></p>
        </div>
    }
}

/// A page the signed-in user's role does not allow.
#[component]
pub fn Forbidden(#[prop(into)] title: String, #[prop(into)] message: String) -> impl IntoView {
    set_status(403);
    let i18n = use_i18n();
    view! {
        <PageTitle text=title.clone()/>
        <div class="page">
            <h1>{title}</h1>
            <p role="alert">{message}</p>
            <p><a href="/">{t!(i18n, layout.back_to_plans)}</a></p>
        </div>
    }
}

#[component]
pub fn LoadError(error: ServerFnError) -> impl IntoView {
    set_status(500);
    let i18n = use_i18n();
    // The server's message is in the request's language; marked in case it is not the page's.
    let message = match error {
        ServerFnError::ServerError(message) => message,
        _ => t_string!(i18n, layout.load_error_message).to_owned(),
    };
    view! {
        <div class="page">
            <h1>{t!(i18n, layout.load_error_title)}</h1>
            <p role="alert" lang=mark_japanese(&message)>{message.clone()}</p>
        </div>
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="loading" role="status">{t!(i18n, layout.loading)}</p> }
}

/// The page's title; the document's adds the site's name ([`keikaku_render::document_title`],
/// which also keeps plan data from writing markup into `<title>`). With it go the page's
/// description and the Open Graph tags LINE and social posts show when the page is shared.
#[component]
pub fn PageTitle(
    #[prop(into)] text: String,
    /// A sentence or two about the page; the site's own description without.
    #[prop(optional, into)]
    description: Option<String>,
) -> impl IntoView {
    use leptos_meta::Meta;
    let description = description
        .map(|d| keikaku_domain::text::shorten(&d, 120))
        .unwrap_or_else(|| t_string!(use_i18n(), layout.default_description).to_owned());
    let full_title = keikaku_render::document_title(&text);
    let lang = crate::lang::use_lang();
    let site = site_url();
    let path = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    view! {
        <leptos_meta::Title text/>
        <Meta name="description" content=description.clone()/>
        <Meta property="og:title" content=full_title/>
        <Meta property="og:description" content=description/>
        <Meta property="og:type" content="website"/>
        <Meta property="og:site_name" content=site_name(lang)/>
        <Meta property="og:locale" content=lang.open_graph_locale()/>
        <Meta property="og:url" content=format!("{site}{path}")/>
        <Meta property="og:image" content=format!("{site}/icon-512.png")/>
        <Meta name="twitter:card" content="summary"/>
    }
}

/// The site's name as shares show it: with its Japanese meaning only where it can be read.
fn site_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "Keikaku（計画）",
        Lang::En => "Keikaku",
    }
}

/// The site's address: as configured on the server, the page's origin in the browser.
fn site_url() -> String {
    #[cfg(feature = "hydrate")]
    {
        window().location().origin().unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        use_context::<crate::SiteUrl>()
            .map(|s| s.0)
            .unwrap_or_default()
    }
}

/// Scrolls to the element the URL fragment names once the page's data has rendered. The router
/// navigates before a page's content exists, so a link such as `…/glossary#term-dx` would
/// otherwise land at the top.
#[component]
pub fn ScrollToFragment() -> impl IntoView {
    Effect::new(|_| {
        let hash = window().location().hash().unwrap_or_default();
        let id = hash.trim_start_matches('#');
        if id.is_empty() {
            return;
        }
        let id = leptos::web_sys::js_sys::decode_uri_component(id)
            .map(String::from)
            .unwrap_or_else(|_| id.to_owned());
        // After the frame in which the router restores its own scroll position.
        request_animation_frame(move || {
            if let Some(target) = document().get_element_by_id(&id) {
                target.scroll_into_view();
            }
        });
    });
}
