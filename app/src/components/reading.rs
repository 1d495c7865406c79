//! Reading aids of the document view: the text size (four steps, remembered on this device)
//! and the reading position (where the reader left a document, per document and version,
//! restored when it is opened again without a fragment). Both need the browser; without
//! JavaScript the controls stay hidden and the document reads at its normal size.

use keikaku_domain::lang::mark_japanese;
use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};

/// The values the root element's `data-text-size` takes, smallest first.
const SIZES: [&str; 4] = ["1", "2", "3", "4"];

/// A text size's button label on this page.
fn size_label(value: &str) -> &'static str {
    let i18n = use_i18n();
    match value {
        "2" => t_string!(i18n, document.size_large),
        "3" => t_string!(i18n, document.size_larger),
        "4" => t_string!(i18n, document.size_largest),
        _ => t_string!(i18n, document.size_normal),
    }
}

#[cfg(feature = "hydrate")]
const SIZE_KEY: &str = "keikaku.reading.size";
/// Prefix of the remembered positions; signing out clears them with the rest of the user's.
pub const POSITION_PREFIX: &str = "keikaku.reading.position.";

#[cfg(feature = "hydrate")]
fn storage() -> Option<leptos::web_sys::Storage> {
    window().local_storage().ok().flatten()
}

#[cfg(feature = "hydrate")]
fn apply_size(size: &str) {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("data-text-size", size);
    }
}

/// Forgets every remembered reading position: what someone read is theirs, and a shared
/// tablet's next reader starts afresh. Signing out calls this.
#[cfg(feature = "hydrate")]
pub fn forget_positions() {
    let Some(storage) = storage() else {
        return;
    };
    let count = storage.length().unwrap_or(0);
    let keys: Vec<String> = (0..count)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with(POSITION_PREFIX))
        .collect();
    for key in keys {
        let _ = storage.remove_item(&key);
    }
}

/// The text size buttons.
#[component]
pub fn ReadingControls() -> impl IntoView {
    let i18n = use_i18n();
    let ready = RwSignal::new(false);
    let size = RwSignal::new("1".to_owned());
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            let stored = storage()
                .and_then(|s| s.get_item(SIZE_KEY).ok().flatten())
                .filter(|v| SIZES.contains(&v.as_str()));
            if let Some(stored) = stored {
                size.set(stored);
            }
            ready.set(true);
        }
    });
    Effect::new(move |first: Option<()>| {
        let value = size.get();
        #[cfg(feature = "hydrate")]
        {
            apply_size(&value);
            if first.is_some() {
                if let Some(storage) = storage() {
                    let _ = storage.set_item(SIZE_KEY, &value);
                }
            }
        }
        let _ = (value, first);
    });
    view! {
        <div class="reading-controls" hidden=move || !ready.get()>
            <span id="text-size-label" class="reading-controls__label">{t!(i18n, document.text_size)}</span>
            <div class="reading-controls__buttons" role="group" aria-labelledby="text-size-label">
                {SIZES.into_iter().map(|value| view! {
                    <button type="button" class="button button--toggle"
                        aria-pressed=move || (size.get() == value).to_string()
                        on:click=move |_| size.set(value.to_owned())>
                        {size_label(value)}
                    </button>
                }).collect_view()}
            </div>
        </div>
    }
}

/// Remembers which part of the document (an element with an id starting `doc-`) is at the
/// top of the screen, and opens there next time, saying so.
#[component]
pub fn ReadingPosition(#[prop(into)] key: String) -> impl IntoView {
    let i18n = use_i18n();
    let lang = crate::lang::use_lang();
    let restored = RwSignal::new(None::<String>);
    let storage_key = format!("{POSITION_PREFIX}{key}");
    Effect::new(move |_| {
        let _ = &storage_key;
        #[cfg(feature = "hydrate")]
        {
            let storage_key = storage_key.clone();
            let hash = window().location().hash().unwrap_or_default();
            let saved = storage().and_then(|s| s.get_item(&storage_key).ok().flatten());
            if hash.len() <= 1 {
                if let Some(id) = saved {
                    if let Some(target) = document().get_element_by_id(&id) {
                        let label = target
                            .query_selector("h2, h3, h4")
                            .ok()
                            .flatten()
                            .and_then(|h| h.text_content())
                            .unwrap_or_default();
                        request_animation_frame(move || target.scroll_into_view());
                        restored.set(Some(label));
                    }
                }
            }
            use wasm_bindgen::JsCast;
            let listener = send_wrapper::SendWrapper::new(track_position(storage_key));
            on_cleanup(move || {
                let _ = window().remove_event_listener_with_callback(
                    "scroll",
                    listener.as_ref().unchecked_ref(),
                );
            });
        }
    });
    view! {
        <Show when=move || restored.get().is_some()>
            <p class="reading-position" role="status">
                {t!(i18n, document.restored)}
                {move || restored.get().filter(|l| !l.is_empty()).map(|l| part_in_brackets(l, lang))}
                {t!(i18n, document.restored_end)}<a href="#doc">{t!(i18n, document.read_from_start)}</a>
            </p>
        </Show>
    }
}

/// The part read last, as the page's heading names it (the plan's words, or the page's own),
/// in brackets: `（施策…）`, or ` (…)` with Japanese marked.
fn part_in_brackets(label: String, lang: keikaku_domain::lang::Lang) -> AnyView {
    match lang {
        keikaku_domain::lang::Lang::Ja => format!("（{label}）").into_any(),
        keikaku_domain::lang::Lang::En => {
            view! { " ("<span lang=mark_japanese(&label)>{label.clone()}</span>")" }.into_any()
        }
    }
}

/// Saves the part at the top of the screen a moment after scrolling stops; returns the scroll
/// listener, to remove when the page goes.
#[cfg(feature = "hydrate")]
fn track_position(storage_key: String) -> wasm_bindgen::closure::Closure<dyn FnMut()> {
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let pending = Rc::new(Cell::new(None::<i32>));
    let on_scroll = Closure::<dyn FnMut()>::new(move || {
        let window = window();
        if let Some(id) = pending.take() {
            window.clear_timeout_with_handle(id);
        }
        let storage_key = storage_key.clone();
        let save = Closure::once_into_js(move || {
            let Ok(parts) = document().query_selector_all(".doc section[id^='doc-']") else {
                return;
            };
            let mut top = None;
            for i in 0..parts.length() {
                let Some(element) = parts
                    .item(i)
                    .and_then(|n| n.dyn_into::<leptos::web_sys::Element>().ok())
                else {
                    continue;
                };
                if element.get_bounding_client_rect().top() <= 80.0 {
                    top = Some(element.id());
                } else {
                    break;
                }
            }
            // Back at the top, there is nothing to return to.
            match (top, storage()) {
                (Some(id), Some(storage)) => {
                    let _ = storage.set_item(&storage_key, &id);
                }
                (None, Some(storage)) => {
                    let _ = storage.remove_item(&storage_key);
                }
                _ => {}
            }
        });
        if let Ok(id) =
            window.set_timeout_with_callback_and_timeout_and_arguments_0(save.unchecked_ref(), 300)
        {
            pending.set(Some(id));
        }
    });
    let _ = window().add_event_listener_with_callback("scroll", on_scroll.as_ref().unchecked_ref());
    on_scroll
}
