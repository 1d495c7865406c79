//! Keeping keyboard focus when a page's content is built again.
//!
//! Offline, the roadmap and measure pages render once from the kept plan and again when this
//! device's progress has loaded (and whenever it changes); the app's page also replaces the
//! service worker's first view. Each time the old nodes go, and with them the focus of a
//! keyboard user, who would be thrown back to the top of the page. So the app follows which
//! control in `<main>` has focus ([`track`]), and after such a render ([`RestoreFocus`],
//! [`restore`]) focuses its twin if focus was lost: found by its id, or a link by its address
//! (the first with it). Renders may follow each other before any restores, so what is followed
//! is the last control focused, not what had focus when a render began.

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;

    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{Element, HtmlElement};

    thread_local! {
        /// The selector of the control in `<main>` focused last, while the reader has not
        /// left it for nothing.
        static LAST: RefCell<Option<String>> = const { RefCell::new(None) };
    }

    fn selector(control: &Element) -> Option<String> {
        control.closest("main").ok().flatten()?;
        let quoted = |value: &str| value.replace('\\', "\\\\").replace('"', "\\\"");
        if !control.id().is_empty() {
            return Some(format!("main [id=\"{}\"]", quoted(&control.id())));
        }
        let href = control.get_attribute("href")?;
        Some(format!("main a[href=\"{}\"]", quoted(&href)))
    }

    fn focus_lost() -> bool {
        document().active_element().is_none_or(|active| {
            !active.is_connected() || document().body().is_some_and(|body| *body == active)
        })
    }

    pub fn track() {
        // Focused before the app started (the service worker's first view).
        if let Some(active) = document().active_element() {
            LAST.with(|last| *last.borrow_mut() = selector(&active));
        }
        window_event_listener(leptos::ev::focusin, |event| {
            let control = event.target().and_then(|t| t.dyn_into::<Element>().ok());
            LAST.with(|last| *last.borrow_mut() = control.as_ref().and_then(selector));
        });
        window_event_listener(leptos::ev::focusout, |event| {
            let Some(control) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
                return;
            };
            // Decided once the focus has moved: a control still on the page that the reader
            // left for nothing is forgotten; one a render removed is kept, to be restored.
            set_timeout(
                move || {
                    if control.is_connected() && focus_lost() {
                        LAST.with(|last| *last.borrow_mut() = None);
                    }
                },
                std::time::Duration::ZERO,
            );
        });
    }

    pub fn restore() {
        if !focus_lost() {
            return;
        }
        let Some(selector) = LAST.with(|last| last.borrow().clone()) else {
            return;
        };
        if let Some(control) = document()
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        {
            let _ = control.focus();
        }
    }
}

/// Starts following the focused control (once, when the app starts in the browser).
#[cfg(feature = "hydrate")]
pub use browser::track;

/// Focuses the twin of the control focused last, if a render took the focus away.
pub fn restore() {
    #[cfg(feature = "hydrate")]
    browser::restore();
}

/// Restores focus once the content rendered with it has replaced the old (place it last): at
/// the next frame, as a transition may still show the old content when effects run.
#[component]
pub fn RestoreFocus() -> impl IntoView {
    Effect::new(|_| request_animation_frame(restore));
}
