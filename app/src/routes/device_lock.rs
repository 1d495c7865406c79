//! The device PIN, as people meet it: the unlock screen a tab opened without the server shows
//! in place of every page while the PIN has not been entered, and the section of `/sync` where
//! the signed-in user sets or removes it (see `crate::offline::lock`).
//!
//! Both exist only in the browser: the unlock screen replaces pages rendered from what the
//! device keeps, and the settings need WebCrypto and IndexedDB.

use leptos::prelude::*;

use crate::components::layout::PageTitle;
use crate::offline::lock;

/// In place of every page of a locked tab: the PIN, or nothing of the user.
#[component]
pub fn DeviceLocked() -> impl IntoView {
    let pin = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
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
                    error.set(Some(format!(
                        "PINが違います。あと{left}回間違えると、この端末からログアウトします。"
                    )));
                }
                Ok(lock::Unlock::Released) => released.set(true),
                Err(e) => error.set(Some(format!("確認できませんでした：{e}"))),
            }
            busy.set(false);
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (pin, error, released);
    };
    view! {
        <PageTitle text="この端末はロックされています"/>
        <div class="page page--narrow">
            <h1>"この端末はロックされています"</h1>
            {move || if released.get() {
                view! {
                    <p role="alert">{format!("PINを{}回間違えたため、この端末からログアウトしました。未送信の変更は、記録した人がもう一度ログインすると送信されます。", lock::MAX_FAILURES)}</p>
                    <p><a href="/">"計画の一覧へ"</a></p>
                }
                .into_any()
            } else {
                view! {
                    <p>"サーバーに接続できないため、この端末に保存された内容を開くにはPINが必要です。別の人が使うときは、接続できる場所でログインしてください。"</p>
                    <form class="login-form" on:submit=submit>
                        <div class="field">
                            <label for="device-pin">"PIN（数字6〜12桁）"</label>
                            <input id="device-pin" type="password" inputmode="numeric" autocomplete="off"
                                maxlength=lock::MAX_DIGITS.to_string() required
                                aria-describedby="device-pin-error"
                                prop:value=pin on:input=move |ev| pin.set(event_target_value(&ev))/>
                            <p id="device-pin-error" class="field__error" role="alert">{move || error.get()}</p>
                        </div>
                        <button type="submit" disabled=move || busy.get()>
                            {move || if busy.get() { "確認中…" } else { "ロックを解除" }}
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
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<&'static str>);
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
        if let Err(reason) = lock::check_new_pin(&new, &again) {
            error.set(Some(reason.to_owned()));
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
                    done.set(Some("PINを設定しました。"));
                }
                Err(e) => error.set(Some(format!("設定できませんでした：{e}"))),
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
                    done.set(Some("PINを解除しました。"));
                }
                Err(e) => error.set(Some(format!("解除できませんでした：{e}"))),
            }
        });
    };
    view! {
        <section aria-labelledby="pin-heading">
            <h2 id="pin-heading">"オフライン時のロック（PIN）"</h2>
            <p>"PINを設定すると、サーバーに接続できないときにこの端末でアプリを開くには、PINの入力が必要になります。ブラウザを閉じるまで、もう一度は聞かれません。"{format!("{}回間違えると、この端末からログアウトします。", lock::MAX_FAILURES)}</p>
            {move || has_pin.get().map(|set| if set {
                view! {
                    <p>"この端末にはPINが設定されています。"</p>
                    <button type="button" class="button" on:click=remove>"PINを解除する"</button>
                }
                .into_any()
            } else {
                view! { <p>"PINは設定されていません。"</p> }.into_any()
            })}
            <form class="inline-form pin-form" on:submit=set>
                <div class="field">
                    <label for="new-pin">{move || if has_pin.get() == Some(true) { "新しいPIN（数字6〜12桁）" } else { "PIN（数字6〜12桁）" }}</label>
                    <input id="new-pin" type="password" inputmode="numeric" autocomplete="new-password"
                        maxlength=lock::MAX_DIGITS.to_string() aria-describedby="new-pin-error"
                        prop:value=pin on:input=move |ev| pin.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="new-pin-again">"確認のためもう一度"</label>
                    <input id="new-pin-again" type="password" inputmode="numeric" autocomplete="new-password"
                        maxlength=lock::MAX_DIGITS.to_string() aria-describedby="new-pin-error"
                        prop:value=confirmation on:input=move |ev| confirmation.set(event_target_value(&ev))/>
                </div>
                <button type="submit" class="button" disabled=move || busy.get()>"PINを設定する"</button>
                <p id="new-pin-error" class="field__error" role="alert">{move || error.get()}</p>
            </form>
            {move || done.get().map(|message| view! { <p class="notice" role="status">{message}</p> })}
        </section>
    }
}
