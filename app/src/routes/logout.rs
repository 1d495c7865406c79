//! `/logout`: signing out, when edits are still waiting to be sent. The header's sign-out comes
//! here when the server has not taken everything this user recorded on the device: the page
//! says how many edits are waiting and lets the user sync now, keep them on the device (locked
//! until they sign in here again) or, as a separate, confirmed choice, discard them.
//!
//! Without JavaScript (or before the app has loaded) it is a plain sign-out form the server
//! answers.

use leptos::prelude::*;

use crate::components::layout::{use_account, Account, PageTitle};

#[component]
pub fn LogoutPage() -> impl IntoView {
    let account = use_account();
    view! {
        <PageTitle text="ログアウト"/>
        <div class="page page--narrow">
            <h1>"ログアウト"</h1>
            <Suspense fallback=|| view! { <p class="loading" role="status">"読み込み中…"</p> }>
                {move || Suspend::new(async move {
                    match account.await {
                        Account::SignedIn(user) => view! { <SignOut csrf_token=Some(user.csrf_token)/> }.into_any(),
                        Account::OnThisDevice { .. } => view! { <SignOut csrf_token=None/> }.into_any(),
                        Account::Visitor => view! {
                            <p>"ログインしていません。"</p>
                            <p><a href="/">"計画の一覧へ"</a></p>
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
    view! {
        {move || match counted.get() {
            None => view! { <PlainForm csrf_token=token.get_value()/> }.into_any(),
            Some(waiting) => view! { <Choices waiting token busy error counted/> }.into_any(),
        }}
        {move || error.get().map(|e| view! { <p class="notice notice--error" role="alert">{e}</p> })}
    }
}

/// The sign-out the server answers: before the app has counted, and without JavaScript.
#[component]
fn PlainForm(csrf_token: Option<String>) -> impl IntoView {
    csrf_token.map(|token| {
        view! {
            <p>"この端末からログアウトします。"</p>
            <form method="post" action="/api/v1/session/logout" class="inline-form">
                <input type="hidden" name="csrf" value=token/>
                <button type="submit" class="button">"ログアウトする"</button>
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
                error.set(Some(format!("ログアウトできませんでした：{e}")));
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
    if waiting.total() == 0 {
        return view! {
            <p>"未送信の変更はありません。"</p>
            <button type="button" class="button" disabled=move || busy.get()
                on:click=move |_| finish(crate::offline::sign_out::Keep::Nothing)>"ログアウトする"</button>
        }
        .into_any();
    }
    let mut details = Vec::new();
    if waiting.conflicts > 0 {
        details.push(format!("競合{}件", waiting.conflicts));
    }
    if waiting.rejected > 0 {
        details.push(format!("送信できなかった変更{}件", waiting.rejected));
    }
    view! {
        <p class="notice notice--error" role="alert">
            {format!("未送信の変更が{}件あります", waiting.total())}
            {(!details.is_empty()).then(|| format!("（うち{}）", details.join("・")))}
        </p>
        <p>"サーバーに届いていない変更があります。今すぐ同期するか、この端末に残してログアウトしてください。残した変更は、同じ人がこの端末でもう一度ログインしたときに送信されます。それまで、ほかの人には表示されません。"</p>
        <div class="sign-out__choices">
            <button type="button" class="button" disabled=move || busy.get() on:click=sync_now>"今すぐ同期"</button>
            <button type="button" class="button" disabled=move || busy.get()
                on:click=move |_| finish(crate::offline::sign_out::Keep::UnsentEdits)>"変更をこの端末に残してログアウト"</button>
        </div>
        <h2>"変更を破棄する"</h2>
        {move || if confirm_discard.get() {
            view! {
                <p role="alert">{format!("{}件の変更を破棄してログアウトします。破棄した変更は元に戻せません。", waiting.total())}</p>
                <div class="sign-out__choices">
                    <button type="button" class="button button--danger" disabled=move || busy.get()
                        on:click=move |_| finish(crate::offline::sign_out::Keep::Nothing)>"破棄してログアウトする"</button>
                    <button type="button" class="button" on:click=move |_| confirm_discard.set(false)>"やめる"</button>
                </div>
            }
            .into_any()
        } else {
            view! {
                <p>"送信せずに捨てる場合は、こちらを選んでください。"</p>
                <button type="button" class="button" disabled=move || busy.get()
                    on:click=move |_| confirm_discard.set(true)>"未送信の変更を破棄する…"</button>
            }
            .into_any()
        }}
        <p><a href="/sync">"同期の状況と競合を見る"</a>" ・ "<a href="/">"ログアウトせずに戻る"</a></p>
    }
    .into_any()
}
