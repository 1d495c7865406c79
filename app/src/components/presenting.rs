//! 「説明中の箇所」 on the document page. Members of the plan's organization see a banner naming
//! the part the presenting official points to, within a moment (server-sent events), with a
//! link to go there; nobody's page moves by itself. Officials who may present switch on the
//! presenter mode, which puts 「この箇所を案内する」 on every part.
//!
//! The part's name the presenter sends is the plan's Japanese (what most of the council read);
//! a page in another language names the part itself from its own copy of the plan when it can.

use keikaku_domain::document::{PartName, Pointer};
use keikaku_domain::lang::{mark_japanese, Lang};
use leptos::prelude::*;

use crate::components::notebook::part_name_view;
use crate::i18n::{t, t_string, use_i18n, Locale};

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
    /// The page's language, for what is said after the fact.
    locale: Locale,
}

impl Presenter {
    /// Points the council to `anchor`, or (`None`) stops presenting.
    fn send(self, target: Option<(String, String)>) {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let Some(token) = self.token.get_untracked() else {
                self.error.set(Some(
                    crate::i18n::td_string!(self.locale, document.no_sign_in).to_owned(),
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
                Err(problem) => self
                    .error
                    .set(Some(problem.message_in(crate::client::page_lang()))),
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
            locale: use_i18n().get_locale_untracked(),
        };
        provide_context(presenter);
        presenter
    }
}

/// How a pointer's part reads on this page: in Japanese as it was sent; in another language by
/// `name` (the page's own naming of its parts), or as sent, marked Japanese, when the part is
/// not in the version shown here.
fn pointed_part(
    pointer: &Pointer,
    name: Callback<String, Option<PartName>>,
    lang: Lang,
) -> AnyView {
    match (lang, name.run(pointer.anchor.clone())) {
        (Lang::En, Some(name)) => part_name_view(name).into_any(),
        _ => {
            let label = pointer.label.clone();
            view! { <span lang=mark_japanese(&label)>{label.clone()}</span> }.into_any()
        }
    }
}

/// The presenter's switch and state; `name` names a part of the document on this page.
#[component]
pub fn PresenterPanel(
    presenter: Presenter,
    name: Callback<String, Option<PartName>>,
) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), crate::lang::use_lang());
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
        <section class="presenter" aria-label=t_string!(i18n, document.presenter) hidden=move || !ready.get()>
            <label class="checkbox">
                <input type="checkbox" prop:checked=move || presenter.mode.get()
                    on:change=move |ev| presenter.mode.set(event_target_checked(&ev))/>
                {t!(i18n, document.presenter_mode)}
            </label>
            {move || presenter.current.get().map(|p| view! {
                <p class="presenter__current">
                    {t!(i18n, document.pointing)}{pointed_part(&p, name, lang)}" "
                    <button type="button" class="button" on:click=move |_| presenter.send(None)>{t!(i18n, document.stop_pointing)}</button>
                </p>
            })}
            // The server's refusal, in the page's language; it may quote Japanese.
            {move || presenter.error.get().map(|e| {
                let lang = mark_japanese(&e);
                view! { <p class="notice notice--error" role="alert" lang=lang>{e}</p> }
            })}
        </section>
    }
}

/// 「この箇所を案内する」 for one part (named `label` in Japanese, headed by the element
/// `heading`), shown in presenter mode only. Its button is named with the part: in Japanese by
/// the label, otherwise by its words and the part's heading, which marks the plan's words.
#[component]
pub fn PresentHere(
    #[prop(into)] anchor: String,
    #[prop(into)] label: String,
    #[prop(into)] heading: String,
) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), crate::lang::use_lang());
    let presenter = use_context::<Presenter>();
    move || {
        let presenter = presenter?;
        presenter.mode.get().then(|| {
            let (anchor, label) = (anchor.clone(), label.clone());
            let id = format!("{anchor}-present");
            let (name, labelled_by) = match lang {
                Lang::Ja => (
                    Some(t_string!(i18n, document.present_here_label, label = label.clone()).to_string()),
                    None,
                ),
                Lang::En => (None, Some(format!("{id} {heading}"))),
            };
            view! {
                <button type="button" class="button present-here" id=id aria-label=name aria-labelledby=labelled_by
                    on:click=move |_| presenter.send(Some((anchor.clone(), label.clone())))>
                    {t!(i18n, document.present_here)}
                </button>
            }
        })
    }
}

/// The banner members see while an official presents a part of this plan; `name` names a part
/// of the document on this page.
#[component]
pub fn PresentingBanner(
    plan_id: String,
    name: Callback<String, Option<PartName>>,
) -> impl IntoView {
    let (i18n, lang) = (use_i18n(), crate::lang::use_lang());
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
                    <strong>{t!(i18n, document.presenting)}</strong>{pointed_part(&p, name, lang)}
                    <span class="presenting-banner__by">{presenter_name(&p.by, lang)}</span>" "
                    <a href=format!("#{}", p.anchor)>{t!(i18n, document.go_there)}</a>
                </p>
            })}
        </div>
    }
}

/// Who presents, in brackets: `（説明者）`, or ` (name)` with the name marked in its language.
fn presenter_name(by: &str, lang: Lang) -> AnyView {
    match lang {
        Lang::Ja => format!("（{by}）").into_any(),
        Lang::En => {
            let by = by.to_owned();
            view! { " ("<span lang=mark_japanese(&by)>{by.clone()}</span>")" }.into_any()
        }
    }
}
