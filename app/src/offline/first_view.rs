//! Taking over from the first view the service worker wrote into the app shell (see
//! `keikaku_render::first_view`).
//!
//! The app renders into an element outside the document while the first view stays on screen,
//! and replaces it once its own page is complete (no loading message left in `<main>`), in one
//! task, so the reader never sees the page blank or half built. Until then the first view's
//! links and form work as plain HTML. If the app's page takes too long, it is shown as it is.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::wasm_bindgen::closure::Closure;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{Element, HtmlElement, MutationObserver, MutationObserverInit};

use super::early::FIRST_VIEW_ID;

/// After this, the app's page replaces the first view whatever its state.
const TAKE_OVER_AT_LATEST: Duration = Duration::from_secs(5);

thread_local! {
    static PENDING: Cell<bool> = const { Cell::new(false) };
}

/// Whether the service worker wrote a first view into this page.
pub fn present() -> bool {
    document().get_element_by_id(FIRST_VIEW_ID).is_some()
}

/// Whether the first view is still on screen (the app's page not yet shown).
pub fn pending() -> bool {
    PENDING.with(Cell::get)
}

/// Mounts `app` beside the first view and shows it in its place once its page is complete.
pub fn mount_behind<V: IntoView + 'static>(app: impl FnOnce() -> V + 'static) {
    let holder: HtmlElement = document()
        .create_element("div")
        .expect("a div")
        .unchecked_into();
    PENDING.with(|p| p.set(true));
    leptos::mount::mount_to(holder.clone(), app).forget();
    // Shows the app's page, once, and stops watching it.
    let observer: Rc<Cell<Option<MutationObserver>>> = Rc::default();
    let finish = {
        let (holder, observer) = (holder.clone(), Rc::clone(&observer));
        move || {
            if pending() {
                if let Some(observer) = observer.take() {
                    observer.disconnect();
                }
                take_over(&holder);
            }
        }
    };
    if page_complete(&holder) {
        finish();
        return;
    }
    let on_change = Closure::<dyn FnMut()>::new({
        let (holder, finish) = (holder.clone(), finish.clone());
        move || {
            if page_complete(&holder) {
                finish();
            }
        }
    });
    let options = MutationObserverInit::new();
    options.set_child_list(true);
    options.set_subtree(true);
    match MutationObserver::new(on_change.as_ref().unchecked_ref()) {
        Ok(watch) if watch.observe_with_options(&holder, &options).is_ok() => {
            observer.set(Some(watch));
            on_change.forget();
            set_timeout(finish, TAKE_OVER_AT_LATEST);
        }
        _ => finish(),
    }
}

/// The app's page has rendered: `<main>` holds content and no loading message.
fn page_complete(holder: &HtmlElement) -> bool {
    let main = holder.query_selector("main").ok().flatten();
    main.is_some_and(|main: Element| {
        main.child_element_count() > 0 && main.query_selector(".loading").ok().flatten().is_none()
    })
}

/// Replaces the body's content (the shell and its first view) with the app's, moving the app's
/// nodes, which it keeps updating.
fn take_over(holder: &HtmlElement) {
    PENDING.with(|p| p.set(false));
    let Some(body) = document().body() else {
        return;
    };
    body.set_inner_html("");
    while let Some(child) = holder.first_child() {
        let _ = body.append_child(&child);
    }
    crate::components::focus::restore();
    super::mark_interactive();
}
