//! 「説明中の箇所」 on the document page. Members of the plan's organization see a banner naming
//! the part the presenting official points to, within a moment (server-sent events), with a
//! link to go there; nobody's page moves by itself. Officials who may present switch on the
//! presenter mode, which puts 「この箇所を案内する」 on every part.

use keikaku_domain::document::Pointer;
use leptos::prelude::*;

/// What the parts of the document need to offer 「この箇所を案内する」.
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub struct Presenter {
    pub mode: RwSignal<bool>,
    pub current: RwSignal<Option<Pointer>>,
    pub error: RwSignal<Option<String>>,
    plan_id: StoredValue<String>,
    version: Option<u32>,
    token: RwSignal<Option<String>>,
}

impl Presenter {
    /// Points the council to `anchor`, or (`None`) stops presenting.
    fn send(self, target: Option<(String, String)>) {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let Some(token) = self.token.get_untracked() else {
                self.error.set(Some(
                    "ログイン情報を読み込めませんでした。ページを再読み込みしてください。".into(),
                ));
                return;
            };
            let url = format!("/api/v1/plans/{}/presenting", self.plan_id.get_value());
            let result = match &target {
                Some((anchor, label)) => {
                    let body = serde_json::json!({ "anchor": anchor, "label": label, "version": self.version });
                    crate::client::send_json("PUT", &url, &token, Some(&body)).await
                }
                None => crate::client::send_json("DELETE", &url, &token, None).await,
            };
            match result {
                Ok(answer) => {
                    self.error.set(None);
                    self.current
                        .set(serde_json::from_value::<Pointer>(answer).ok());
                }
                Err(problem) => self.error.set(Some(problem.message())),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (self, target);
    }
}

impl Presenter {
    /// A presenter for the document of `plan_id`, provided to the parts of the document (the
    /// caller's children) for their 「この箇所を案内する」.
    pub fn provide(plan_id: String, version: Option<u32>) -> Presenter {
        let presenter = Presenter {
            mode: RwSignal::new(false),
            current: RwSignal::new(None),
            error: RwSignal::new(None),
            plan_id: StoredValue::new(plan_id),
            version,
            token: RwSignal::new(None),
        };
        provide_context(presenter);
        presenter
    }
}

/// The presenter's switch and state.
#[component]
pub fn PresenterPanel(presenter: Presenter) -> impl IntoView {
    let ready = RwSignal::new(false);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            if let Ok(Some(me)) = crate::api::signed_in_user().await {
                presenter.token.set(Some(me.csrf_token));
            }
            ready.set(true);
        });
    });
    view! {
        <section class="presenter" aria-label="説明者の操作" hidden=move || !ready.get()>
            <label class="checkbox">
                <input type="checkbox" prop:checked=move || presenter.mode.get()
                    on:change=move |ev| presenter.mode.set(event_target_checked(&ev))/>
                "説明者として箇所を案内する"
            </label>
            {move || presenter.current.get().map(|p| view! {
                <p class="presenter__current">
                    "案内中："{p.label}" "
                    <button type="button" class="button" on:click=move |_| presenter.send(None)>"案内を終える"</button>
                </p>
            })}
            {move || presenter.error.get().map(|e| view! { <p class="notice notice--error" role="alert">{e}</p> })}
        </section>
    }
}

/// 「この箇所を案内する」 for one part, shown in presenter mode only.
#[component]
pub fn PresentHere(#[prop(into)] anchor: String, #[prop(into)] label: String) -> impl IntoView {
    let presenter = use_context::<Presenter>();
    move || {
        let presenter = presenter?;
        presenter.mode.get().then(|| {
            let (anchor, label) = (anchor.clone(), label.clone());
            let name = format!("この箇所を案内する：{label}");
            view! {
                <button type="button" class="button present-here" aria-label=name
                    on:click=move |_| presenter.send(Some((anchor.clone(), label.clone())))>
                    "この箇所を案内する"
                </button>
            }
        })
    }
}

/// The banner members see while an official presents a part of this plan.
#[component]
pub fn PresentingBanner(plan_id: String) -> impl IntoView {
    let pointer = RwSignal::new(None::<Pointer>);
    #[cfg(not(feature = "hydrate"))]
    let _ = plan_id;
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::closure::Closure;
            use wasm_bindgen::JsCast;
            let url = format!("/api/v1/plans/{plan_id}/presenting/events");
            let Ok(source) = leptos::web_sys::EventSource::new(&url) else {
                return;
            };
            let on_event = Closure::<dyn FnMut(leptos::web_sys::MessageEvent)>::new(
                move |event: leptos::web_sys::MessageEvent| {
                    if let Some(data) = event.data().as_string() {
                        if let Ok(next) = serde_json::from_str::<Option<Pointer>>(&data) {
                            pointer.set(next);
                        }
                    }
                },
            );
            let _ = source
                .add_event_listener_with_callback("presenting", on_event.as_ref().unchecked_ref());
            let held = send_wrapper::SendWrapper::new((source, on_event));
            on_cleanup(move || held.0.close());
        }
    });
    view! {
        <div class="presenting-banner" role="status" aria-live="polite">
            {move || pointer.get().map(|p| view! {
                <p>
                    <strong>"説明中："</strong>{p.label.clone()}
                    <span class="presenting-banner__by">{format!("（{}）", p.by)}</span>" "
                    <a href=format!("#{}", p.anchor)>"この箇所へ移動"</a>
                </p>
            })}
        </div>
    }
}
