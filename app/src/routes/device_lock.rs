//! The device PIN, as people meet it: the unlock screen a tab opened without the server shows
//! in place of every page while the PIN has not been entered, and the section of `/sync` where
//! the signed-in user sets or removes it (see `crate::offline::lock`).
//!
//! Both exist only in the browser: the unlock screen replaces pages rendered from what the
//! device keeps, and the settings need WebCrypto and IndexedDB.

use keikaku_domain::lang::mark_japanese;
use leptos::prelude::*;

use crate::components::layout::PageTitle;
use crate::i18n::{t, t_string, use_i18n};
use crate::lang::use_lang;
use crate::offline::lock;

/// Why the PIN was not taken, as the field's message says. Most arise only in the browser.
#[derive(Clone)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Trouble {
    /// Wrong; this many tries are left.
    Wrong(u32),
    /// The PIN could not be checked: the browser's reason.
    Failed(String),
    /// A new PIN that cannot be set.
    Refused(lock::PinProblem),
    /// Setting or removing the PIN failed: the browser's reason.
    NotSet(String),
    NotRemoved(String),
}

/// A trouble's message. The reasons come from the browser or the device's storage, which
/// may word them in Japanese: they are marked with their language.
#[component]
fn TroubleMessage(trouble: Trouble) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), use_lang());
    let reason = |own: AnyView, reason: String| {
        view! { {own}<span lang=mark_japanese(&reason)>{reason.clone()}</span> }.into_any()
    };
    match trouble {
        Trouble::Wrong(left) => t!(i18n, device.wrong_pin, left).into_any(),
        Trouble::Failed(e) => reason(t!(i18n, device.check_failed).into_any(), e),
        Trouble::Refused(problem) => problem.message_in(lang).into_any(),
        Trouble::NotSet(e) => reason(t!(i18n, device.set_failed).into_any(), e),
        Trouble::NotRemoved(e) => reason(t!(i18n, device.remove_failed).into_any(), e),
    }
}

/// In place of every page of a locked tab: the PIN, or nothing of the user.
#[component]
pub fn DeviceLocked() -> impl IntoView {
    let pin = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Trouble>);
    let busy = RwSignal::new(false);
    let released = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match lock::unlock(&pin.get_untracked()).await {
                // Opened again, unlocked: the page starts as any other.
                Ok(lock::Unlock::Unlocked) => {
                    let _ = window().location().reload();
                }
                Ok(lock::Unlock::Wrong(left)) => {
                    pin.set(String::new());
                    error.set(Some(Trouble::Wrong(left)));
                }
                Ok(lock::Unlock::Released) => released.set(true),
                Err(e) => error.set(Some(Trouble::Failed(e))),
            }
            busy.set(false);
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (pin, error, released);
    };
    let i18n = use_i18n();
    view! {
        <PageTitle text=t_string!(i18n, device.locked_title)/>
        <div class="page page--narrow">
            <h1>{t!(i18n, device.locked_title)}</h1>
            {move || if released.get() {
                view! {
                    <p role="alert">{t!(i18n, device.released, count = lock::MAX_FAILURES)}</p>
                    <p><a href="/">{t!(i18n, device.to_plans)}</a></p>
                }
                .into_any()
            } else {
                view! {
                    <p>{t!(i18n, device.locked_lead)}</p>
                    <form class="login-form" on:submit=submit>
                        <div class="field">
                            <label for="device-pin">{t!(i18n, device.pin)}</label>
                            <input id="device-pin" type="password" inputmode="numeric" autocomplete="off"
                                maxlength=lock::MAX_DIGITS.to_string() required
                                aria-describedby="device-pin-error"
                                prop:value=pin on:input=move |ev| pin.set(event_target_value(&ev))/>
                            <p id="device-pin-error" class="field__error" role="alert">
                                {move || error.get().map(|trouble| view! { <TroubleMessage trouble/> })}
                            </p>
                        </div>
                        <button type="submit" disabled=move || busy.get()>
                            {move || if busy.get() { t_string!(i18n, device.checking) } else { t_string!(i18n, device.unlock) }}
                        </button>
                    </form>
                }
                .into_any()
            }}
        </div>
    }
}

/// `/sync`'s section for the signed-in user's PIN: set (or replace) it, or remove it.
#[component]
pub fn PinSettings(login: String) -> impl IntoView {
    let has_pin = RwSignal::new(None::<bool>);
    let pin = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Trouble>);
    // Whether the PIN was set (true) or removed (false) by the last request.
    let done = RwSignal::new(None::<bool>);
    let busy = RwSignal::new(false);
    let login = StoredValue::new(login);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            has_pin.set(Some(lock::has_pin(&login.get_value()).await));
        });
    });
    let set = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        let (new, again) = (pin.get_untracked(), confirmation.get_untracked());
        if let Err(problem) = lock::check_new_pin(&new, &again) {
            error.set(Some(Trouble::Refused(problem)));
            return;
        }
        error.set(None);
        busy.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match lock::set_pin(&login.get_value(), &new).await {
                Ok(()) => {
                    pin.set(String::new());
                    confirmation.set(String::new());
                    has_pin.set(Some(true));
                    done.set(Some(true));
                }
                Err(e) => error.set(Some(Trouble::NotSet(e))),
            }
            busy.set(false);
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (new, login);
    };
    let remove = move |_| {
        done.set(None);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match lock::remove_pin().await {
                Ok(()) => {
                    has_pin.set(Some(false));
                    done.set(Some(false));
                }
                Err(e) => error.set(Some(Trouble::NotRemoved(e))),
            }
        });
    };
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="pin-heading">
            <h2 id="pin-heading">{t!(i18n, device.pin_heading)}</h2>
            <p>{t!(i18n, device.pin_lead)}{t!(i18n, device.pin_failures, count = lock::MAX_FAILURES)}</p>
            {move || has_pin.get().map(|set| if set {
                view! {
                    <p>{t!(i18n, device.has_pin)}</p>
                    <button type="button" class="button" on:click=remove>{t!(i18n, device.remove_pin)}</button>
                }
                .into_any()
            } else {
                view! { <p>{t!(i18n, device.no_pin)}</p> }.into_any()
            })}
            <form class="inline-form pin-form" on:submit=set>
                <div class="field">
                    <label for="new-pin">{move || if has_pin.get() == Some(true) { t_string!(i18n, device.new_pin) } else { t_string!(i18n, device.pin) }}</label>
                    <input id="new-pin" type="password" inputmode="numeric" autocomplete="new-password"
                        maxlength=lock::MAX_DIGITS.to_string() aria-describedby="new-pin-error"
                        prop:value=pin on:input=move |ev| pin.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="new-pin-again">{t!(i18n, device.pin_again)}</label>
                    <input id="new-pin-again" type="password" inputmode="numeric" autocomplete="new-password"
                        maxlength=lock::MAX_DIGITS.to_string() aria-describedby="new-pin-error"
                        prop:value=confirmation on:input=move |ev| confirmation.set(event_target_value(&ev))/>
                </div>
                <button type="submit" class="button" disabled=move || busy.get()>{t!(i18n, device.set_pin)}</button>
                <p id="new-pin-error" class="field__error" role="alert">
                    {move || error.get().map(|trouble| view! { <TroubleMessage trouble/> })}
                </p>
            </form>
            {move || done.get().map(|set| view! {
                <p class="notice" role="status">
                    {if set { t_string!(i18n, device.pin_set) } else { t_string!(i18n, device.pin_removed) }}
                </p>
            })}
        </section>
    }
}
