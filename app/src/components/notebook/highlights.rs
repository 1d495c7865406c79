//! Highlights in the text: painted by the browser's CSS Custom Highlight API, which marks
//! ranges of text without adding elements, so the page the server rendered and the app
//! hydrated is never changed under either. And the bar a selection of text brings up, to
//! highlight it, with a note or without.
//!
//! By keyboard: Shift+arrows select text, starting from the part reached through the table
//! of contents (or extending a selection made otherwise, such as by the browser's find), and
//! Enter moves to the bar's buttons.

use keikaku_domain::anchor::Selector;
use keikaku_domain::lang::mark_japanese;
use keikaku_sync::annotation::{AnnotationKind, Placement, Target};
use leptos::prelude::*;

use super::{message, Notes};
use crate::i18n::{t, t_string, use_i18n};

/// The name the highlights are registered under (`::highlight(keikaku-notes)` in the CSS).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const HIGHLIGHT: &str = "keikaku-notes";

/// Paints the reader's highlights found in the version shown, and clears them on leaving.
#[component]
pub fn Highlights() -> impl IntoView {
    let notes = use_context::<Notes>();
    Effect::new(move |_| {
        let Some(notes) = notes else {
            return;
        };
        let ranges: Vec<(String, usize, usize)> = notes
            .placed()
            .into_iter()
            .filter_map(|p| match p.placement {
                Placement::Text { key, start, end } => Some((key, start, end)),
                _ => None,
            })
            .collect();
        #[cfg(feature = "hydrate")]
        dom::paint(&ranges);
        #[cfg(not(feature = "hydrate"))]
        let _ = ranges;
    });
    on_cleanup(|| {
        #[cfg(feature = "hydrate")]
        dom::paint(&[]);
    });
}

/// The bar that offers to highlight the text selected in the document.
#[component]
pub fn SelectionBar() -> impl IntoView {
    let (i18n, lang) = (use_i18n(), crate::lang::use_lang());
    let notes = use_context::<Notes>();
    let chosen = RwSignal::new(None::<Selector>);
    let writing = RwSignal::new(false);
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    #[cfg(feature = "hydrate")]
    {
        let listener = dom::on_selection(move |selected| {
            // Selection events come late and repeat: only a different selection changes it.
            if selected.is_some() && chosen.with_untracked(|c| *c != selected) {
                chosen.set(selected);
            }
        });
        on_cleanup(move || drop(listener));
        let keys = window_event_listener(leptos::ev::keydown, dom::keyboard_selection);
        on_cleanup(move || keys.remove());
    }
    let save = move |with_note: bool| {
        let (Some(notes), Some(selector)) = (notes, chosen.get_untracked()) else {
            return;
        };
        let note = if with_note {
            text.get_untracked()
        } else {
            String::new()
        };
        match notes.add(
            AnnotationKind::Highlight,
            Target::Passage { selector },
            note,
            None,
        ) {
            Ok(()) => {
                chosen.set(None);
                writing.set(false);
                text.set(String::new());
                error.set(None);
            }
            Err(invalid) => error.set(Some(message(&invalid, lang))),
        }
    };
    // The bar is rebuilt only when it appears or goes: a new selection changes its quote, and
    // a focused button stays focused.
    let open =
        Memo::new(move |_| notes.is_some_and(|n| n.available()) && chosen.with(Option::is_some));
    let excerpt = move || {
        chosen.with(|c| {
            c.as_ref().map(|selector| {
                let short: String = selector.exact.chars().take(40).collect();
                let more = if selector.exact.chars().count() > 40 {
                    "…"
                } else {
                    ""
                };
                format!("{short}{more}")
            })
        })
    };
    move || {
        if !open.get() {
            return None;
        }
        Some(view! {
            <div class="selection-bar" role="region" aria-label=t_string!(i18n, notebook.selected)>
                <p class="selection-bar__quote">{t!(i18n, notebook.selected_before)}
                    <span lang=move || excerpt().as_deref().and_then(mark_japanese)>{excerpt}</span>
                    {t!(i18n, notebook.selected_after)}
                    <span class="selection-bar__hint">{t!(i18n, notebook.selection_hint)}</span></p>
                {move || writing.get().then(|| view! {
                    <div class="field">
                        <label for="selection-note">{t!(i18n, notebook.note)}</label>
                        <textarea id="selection-note" rows="2" prop:value=move || text.get()
                            on:input=move |ev| text.set(event_target_value(&ev))
                            aria-describedby="selection-note-error"></textarea>
                        <p class="field__error" id="selection-note-error" role="alert">{move || error.get()}</p>
                    </div>
                })}
                <div class="selection-bar__buttons">
                    {move || if writing.get() {
                        view! { <button type="button" class="button" on:click=move |_| save(true)>{t!(i18n, notebook.save_with_note)}</button> }.into_any()
                    } else {
                        view! {
                            <button type="button" class="button" on:click=move |_| save(false)>{t!(i18n, notebook.highlight)}</button>
                            <button type="button" class="button" on:click=move |_| writing.set(true)>{t!(i18n, notebook.highlight_with_note)}</button>
                        }.into_any()
                    }}
                    <button type="button" class="button" on:click=move |_| { chosen.set(None); writing.set(false); }>{t!(i18n, notebook.close)}</button>
                </div>
                {move || (!writing.get()).then(|| error.get()).flatten().map(|e| view! { <p class="notice notice--error" role="alert">{e}</p> })}
            </div>
        })
    }
}

#[cfg(feature = "hydrate")]
mod dom {
    //! The DOM side: text ranges of passages, the highlight registry, the selection.

    use keikaku_domain::anchor::Selector;
    use leptos::prelude::{document, window};
    use send_wrapper::SendWrapper;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use web_sys::{Element, KeyboardEvent, Node, Range};

    use super::HIGHLIGHT;

    /// Marks `ranges` (passage key, first and last character) as the reader's highlights,
    /// replacing the ones marked before. Browsers without the API show none (the notes list
    /// still has them all).
    pub fn paint(ranges: &[(String, usize, usize)]) {
        let Some(registry) = registry() else {
            return;
        };
        let found = js_sys::Array::new();
        for (key, start, end) in ranges {
            if let Some(range) = text_range(key, *start, *end) {
                found.push(&range);
            }
        }
        let Ok(constructor) = js_sys::Reflect::get(&window(), &JsValue::from_str("Highlight"))
        else {
            return;
        };
        let Ok(constructor) = constructor.dyn_into::<js_sys::Function>() else {
            return;
        };
        let Ok(highlight) = js_sys::Reflect::construct(&constructor, &found) else {
            return;
        };
        call(&registry, "set", &[JsValue::from_str(HIGHLIGHT), highlight]);
    }

    /// `CSS.highlights`, where the browser has it.
    fn registry() -> Option<JsValue> {
        let css = js_sys::Reflect::get(&window(), &JsValue::from_str("CSS")).ok()?;
        let registry = js_sys::Reflect::get(&css, &JsValue::from_str("highlights")).ok()?;
        (!registry.is_undefined()).then_some(registry)
    }

    fn call(target: &JsValue, name: &str, arguments: &[JsValue]) {
        let Ok(method) = js_sys::Reflect::get(target, &JsValue::from_str(name)) else {
            return;
        };
        if let Ok(method) = method.dyn_into::<js_sys::Function>() {
            let arguments: js_sys::Array = arguments.iter().collect();
            let _ = method.apply(target, &arguments);
        }
    }

    fn passage_element(key: &str) -> Option<Element> {
        // Keys are ids joined by `/`: nothing in them needs escaping inside quotes.
        document()
            .query_selector(&format!("#doc [data-anchor=\"{key}\"]"))
            .ok()
            .flatten()
    }

    /// The range of characters `start..end` of a passage's text.
    fn text_range(key: &str, start: usize, end: usize) -> Option<Range> {
        let element = passage_element(key)?;
        let range = document().create_range().ok()?;
        let (node, offset) = position(&element, start)?;
        range.set_start(&node, offset).ok()?;
        let (node, offset) = position(&element, end)?;
        range.set_end(&node, offset).ok()?;
        Some(range)
    }

    /// The text node holding the `chars`th character of the element's text, and the offset
    /// there in UTF-16 units (the DOM's), where characters are counted as the notes count them.
    fn position(element: &Element, chars: usize) -> Option<(Node, u32)> {
        let mut remaining = chars;
        let mut stack: Vec<Node> = vec![element.clone().into()];
        while let Some(node) = stack.pop() {
            if node.node_type() == Node::TEXT_NODE {
                let text = node.node_value().unwrap_or_default();
                let count = text.chars().count();
                if remaining <= count {
                    let units: usize = text.chars().take(remaining).map(char::len_utf16).sum();
                    return Some((node, units as u32));
                }
                remaining -= count;
                continue;
            }
            let children = node.child_nodes();
            for i in (0..children.length()).rev() {
                if let Some(child) = children.item(i) {
                    stack.push(child);
                }
            }
        }
        None
    }

    /// The selector of what is selected, when it starts in a passage of the document (it is
    /// cut at the end of that passage).
    fn selected() -> Option<Selector> {
        let selection = window().get_selection().ok()??;
        if selection.is_collapsed() || selection.range_count() == 0 {
            return None;
        }
        let range = selection.get_range_at(0).ok()?;
        let start_node = range.start_container().ok()?;
        let holder = match start_node.dyn_ref::<Element>() {
            Some(element) => element.clone(),
            None => start_node.parent_element()?,
        };
        let element = holder.closest("#doc [data-anchor]").ok()??;
        let key = element.get_attribute("data-anchor")?;
        let text = element.text_content().unwrap_or_default();
        let chars_before = |node: &Node, offset: u32| -> Option<usize> {
            let before = document().create_range().ok()?;
            before.select_node_contents(&element).ok()?;
            before.set_end(node, offset).ok()?;
            Some(String::from(before.to_string()).chars().count())
        };
        let start = chars_before(&start_node, range.start_offset().ok()?)?;
        let end_node = range.end_container().ok()?;
        let end = if element.contains(Some(&end_node)) {
            chars_before(&end_node, range.end_offset().ok()?)?
        } else {
            text.chars().count()
        };
        Selector::of(&key, &text, start, end)
    }

    /// Calls `changed` with the selected passage text whenever the selection changes; the
    /// listener is removed when the returned value is dropped.
    pub fn on_selection(changed: impl Fn(Option<Selector>) + 'static) -> SendWrapper<Listener> {
        let closure = Closure::<dyn Fn()>::new(move || changed(selected()));
        let _ = document()
            .add_event_listener_with_callback("selectionchange", closure.as_ref().unchecked_ref());
        SendWrapper::new(Listener(closure))
    }

    /// Shift+arrows select the document's text (beginning at the part the reader went to, when
    /// nothing is selected), and Enter on a selection moves to the selection bar's buttons.
    pub fn keyboard_selection(event: KeyboardEvent) {
        let typing = event
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .is_some_and(|e| {
                e.closest("input, textarea, select, [contenteditable]")
                    .ok()
                    .flatten()
                    .is_some()
            });
        if typing || event.alt_key() || event.ctrl_key() || event.meta_key() {
            return;
        }
        let Some(selection) = window().get_selection().ok().flatten() else {
            return;
        };
        let key = event.key();
        if key == "Enter" && !event.shift_key() {
            if selected().is_none() {
                return;
            }
            // A link or button keeps its Enter, unless the reader just selected by keyboard;
            // the bar's own buttons always do.
            let active = document().active_element();
            let within = |selector: &str| {
                active
                    .as_ref()
                    .is_some_and(|a| a.closest(selector).ok().flatten().is_some())
            };
            if within(".selection-bar") || (within("a, button") && !KEYBOARD_SELECTED.get()) {
                return;
            }
            KEYBOARD_SELECTED.set(false);
            if let Some(button) = document()
                .query_selector(".selection-bar button")
                .ok()
                .flatten()
                .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
            {
                event.prevent_default();
                let _ = button.focus();
            }
            return;
        }
        let (direction, granularity) = match key.as_str() {
            "ArrowRight" => ("forward", "character"),
            "ArrowLeft" => ("backward", "character"),
            "ArrowDown" => ("forward", "line"),
            "ArrowUp" => ("backward", "line"),
            _ => return,
        };
        if !event.shift_key() {
            return;
        }
        if !in_document(&selection) && !start_at_reading_point(&selection) {
            return;
        }
        event.prevent_default();
        let _ = selection.modify("extend", direction, granularity);
        KEYBOARD_SELECTED.set(true);
    }

    thread_local! {
        /// The selection was last changed by Shift+arrows.
        static KEYBOARD_SELECTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// Whether the selection begins in a passage of the document.
    fn in_document(selection: &web_sys::Selection) -> bool {
        selection.range_count() > 0
            && selection
                .anchor_node()
                .and_then(|n| match n.dyn_ref::<Element>() {
                    Some(e) => Some(e.clone()),
                    None => n.parent_element(),
                })
                .and_then(|e| e.closest("#doc [data-anchor]").ok().flatten())
                .is_some()
    }

    /// Puts the caret at the start of the first passage of the part the reader is at: the one
    /// holding the focus, or the one the address names (the table of contents goes there).
    fn start_at_reading_point(selection: &web_sys::Selection) -> bool {
        let focused = document().active_element().and_then(|a| {
            a.closest("#doc .doc-part, #doc .doc-measure")
                .ok()
                .flatten()
        });
        let named = || {
            let hash = window().location().hash().ok()?;
            let id = hash.strip_prefix('#')?;
            document().get_element_by_id(id)
        };
        let Some(part) = focused.or_else(named) else {
            return false;
        };
        let passage = if part.has_attribute("data-anchor") {
            Some(part)
        } else {
            part.query_selector("[data-anchor]").ok().flatten()
        };
        let Some(passage) = passage else {
            return false;
        };
        match position(&passage, 0) {
            Some((node, offset)) => selection.collapse_with_offset(Some(&node), offset).is_ok(),
            None => false,
        }
    }

    pub struct Listener(Closure<dyn Fn()>);

    impl Drop for Listener {
        fn drop(&mut self) {
            let _ = document().remove_event_listener_with_callback(
                "selectionchange",
                self.0.as_ref().unchecked_ref(),
            );
        }
    }
}
