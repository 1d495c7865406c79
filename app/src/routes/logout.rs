//! `/logout`: signing out, when edits are still waiting to be sent. The header's sign-out comes
//! here when the server has not taken everything this user recorded on the device: the page
//! says how many edits are waiting and lets the user sync now, keep them on the device (locked
//! until they sign in here again) or, as a separate, confirmed choice, discard them.
//!
//! Without JavaScript (or before the app has loaded) it is a plain sign-out form the server
//! answers.

use keikaku_domain::lang::mark_japanese;
use leptos::prelude::*;

use crate::components::layout::{use_account, Account, PageTitle};
use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn LogoutPage() -> impl IntoView {
    let account = use_account();
    let i18n = use_i18n();
    view! {
        <PageTitle text=t_string!(i18n, device.sign_out_title)/>
        <div class="page page--narrow">
            <h1>{t!(i18n, device.sign_out_title)}</h1>
            <Suspense fallback=move || view! { <p class="loading" role="status">{t!(i18n, device.loading)}</p> }>
                {move || Suspend::new(async move {
                    match account.await {
                        Account::SignedIn(user) => view! { <SignOut csrf_token=Some(user.csrf_token)/> }.into_any(),
                        Account::OnThisDevice { .. } => view! { <SignOut csrf_token=None/> }.into_any(),
                        Account::Visitor => view! {
                            <p>{t!(i18n, device.not_signed_in)}</p>
                            <p><a href="/">{t!(i18n, device.to_plans)}</a></p>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// What is waiting, once the app has counted it: `None` on the server and until then.
type Counted = Option<crate::offline::sign_out::Unfinished>;

#[component]
fn SignOut(csrf_token: Option<String>) -> impl IntoView {
    let counted = RwSignal::new(None::<crate::offline::sign_out::Unfinished>);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            counted.set(Some(crate::offline::sign_out::send_and_count().await));
        });
    });
    let token = StoredValue::new(csrf_token.clone());
    let i18n = use_i18n();
    // The reason comes from the sign-out's steps, some of them the server's.
    view! {
        {move || match counted.get() {
            None => view! { <PlainForm csrf_token=token.get_value()/> }.into_any(),
            Some(waiting) => view! { <Choices waiting token busy error counted/> }.into_any(),
        }}
        {move || error.get().map(|e| view! {
            <p class="notice notice--error" role="alert">
                {t!(i18n, device.sign_out_failed)}<span lang=mark_japanese(&e)>{e.clone()}</span>
            </p>
        })}
    }
}

/// The sign-out the server answers: before the app has counted, and without JavaScript.
#[component]
fn PlainForm(csrf_token: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    csrf_token.map(|token| {
        view! {
            <p>{t!(i18n, device.sign_out_here)}</p>
            <form method="post" action="/api/v1/session/logout" class="inline-form">
                <input type="hidden" name="csrf" value=token/>
                <button type="submit" class="button">{t!(i18n, device.sign_out)}</button>
            </form>
        }
    })
}

#[component]
fn Choices(
    waiting: crate::offline::sign_out::Unfinished,
    token: StoredValue<Option<String>>,
    busy: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    counted: RwSignal<Counted>,
) -> impl IntoView {
    let confirm_discard = RwSignal::new(false);
    let finish = move |keep: crate::offline::sign_out::Keep| {
        busy.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            if let Err(e) = crate::offline::sign_out::finish(keep, token.get_value()).await {
                error.set(Some(e));
                busy.set(false);
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (keep, token, error);
    };
    let sync_now = move |_| {
        busy.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            counted.set(Some(crate::offline::sign_out::send_and_count().await));
            busy.set(false);
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = counted;
    };
    let i18n = use_i18n();
    if waiting.total() == 0 {
        return view! {
            <p>{t!(i18n, device.nothing_unsent)}</p>
            <button type="button" class="button" disabled=move || busy.get()
                on:click=move |_| finish(crate::offline::sign_out::Keep::Nothing)>{t!(i18n, device.sign_out)}</button>
        }
        .into_any();
    }
    let mut details = Vec::new();
    if waiting.conflicts > 0 {
        details.push(t_string!(i18n, device.conflicts, count = waiting.conflicts).to_string());
    }
    if waiting.rejected > 0 {
        details.push(t_string!(i18n, device.rejected, count = waiting.rejected).to_string());
    }
    let total = waiting.total();
    view! {
        <p class="notice notice--error" role="alert">
            {t_string!(i18n, device.unsent, count = total).to_string()}
            {(!details.is_empty()).then(|| {
                let details = details.join(t_string!(i18n, device.detail_separator));
                t_string!(i18n, device.unsent_details, details).to_string()
            })}
        </p>
        <p>{t!(i18n, device.unsent_lead)}</p>
        <div class="sign-out__choices">
            <button type="button" class="button" disabled=move || busy.get() on:click=sync_now>{t!(i18n, device.sync_now)}</button>
            <button type="button" class="button" disabled=move || busy.get()
                on:click=move |_| finish(crate::offline::sign_out::Keep::UnsentEdits)>{t!(i18n, device.keep_and_sign_out)}</button>
        </div>
        <h2>{t!(i18n, device.discard_heading)}</h2>
        {move || if confirm_discard.get() {
            view! {
                <p role="alert">{t_string!(i18n, device.discard_warning, count = total).to_string()}</p>
                <div class="sign-out__choices">
                    <button type="button" class="button button--danger" disabled=move || busy.get()
                        on:click=move |_| finish(crate::offline::sign_out::Keep::Nothing)>{t!(i18n, device.discard_and_sign_out)}</button>
                    <button type="button" class="button" on:click=move |_| confirm_discard.set(false)>{t!(i18n, device.cancel)}</button>
                </div>
            }
            .into_any()
        } else {
            view! {
                <p>{t!(i18n, device.discard_lead)}</p>
                <button type="button" class="button" disabled=move || busy.get()
                    on:click=move |_| confirm_discard.set(true)>{t!(i18n, device.discard)}</button>
            }
            .into_any()
        }}
        <p><a href="/sync">{t!(i18n, device.see_sync)}</a>{t!(i18n, device.link_separator)}<a href="/">{t!(i18n, device.back)}</a></p>
    }
    .into_any()
}
