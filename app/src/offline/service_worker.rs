//! The page's side of the service worker (`public/sw.js`): registering this build's worker,
//! telling it when plans were kept, so it prepares their first views for offline opens, and
//! dropping those views when the device changes hands.

use leptos::prelude::{document, window};
use leptos::wasm_bindgen::{JsCast, JsValue};

/// The message `public/sw.js` listens for once plans are kept.
const PLANS_KEPT: &str = "plans-kept";

/// `navigator.serviceWorker`, where the browser has one.
fn container() -> Option<JsValue> {
    let container =
        js_sys::Reflect::get(&window().navigator(), &JsValue::from_str("serviceWorker")).ok()?;
    (!container.is_undefined()).then_some(container)
}

/// Registers the service worker under this build's name, so every release is a new worker.
pub fn register() {
    let Some(container) = container() else {
        return;
    };
    let build = document()
        .query_selector("link[rel='modulepreload'], script[src^='/pkg/']")
        .ok()
        .flatten()
        .and_then(|e| e.get_attribute("href").or_else(|| e.get_attribute("src")))
        .unwrap_or_default();
    let url = format!("/sw.js?build={}", js_sys::encode_uri_component(&build));
    call(&container, "register", &JsValue::from_str(&url));
}

/// Tells the active service worker that plans were kept (once there is one: on a first visit it
/// is still installing). Best effort: without it, the worker writes each first view when the
/// page is opened offline, as before, and keeps it for the next time.
pub fn plans_kept() {
    let Some(container) = container() else {
        return;
    };
    let Some(ready) = js_sys::Reflect::get(&container, &JsValue::from_str("ready"))
        .ok()
        .and_then(|ready| ready.dyn_into::<js_sys::Promise>().ok())
    else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(registration) = wasm_bindgen_futures::JsFuture::from(ready).await else {
            return;
        };
        let Ok(active) = js_sys::Reflect::get(&registration, &JsValue::from_str("active")) else {
            return;
        };
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(
            &message,
            &JsValue::from_str("kind"),
            &JsValue::from_str(PLANS_KEPT),
        );
        call(&active, "postMessage", &message);
    });
}

/// The Cache Storage cache where `public/sw.js` keeps prepared first views.
const PREPARED_VIEWS: &str = "keikaku-first-views";

/// Drops every prepared first view: they are written from the signed-in user's kept plans,
/// drafts among them, and the worker prepares them again for whoever keeps plans next.
pub async fn forget_prepared_views() {
    let Ok(caches) = js_sys::Reflect::get(&window(), &JsValue::from_str("caches")) else {
        return;
    };
    if caches.is_undefined() {
        return;
    }
    let deleted = call(&caches, "delete", &JsValue::from_str(PREPARED_VIEWS))
        .and_then(|promise| promise.dyn_into::<js_sys::Promise>().ok());
    if let Some(deleted) = deleted {
        let _ = wasm_bindgen_futures::JsFuture::from(deleted).await;
    }
}

/// Calls `target.name(argument)` where `target` has such a method, and returns what it
/// returned (these APIs are reached through `Reflect`, keeping web-sys's features lean).
fn call(target: &JsValue, name: &str, argument: &JsValue) -> Option<JsValue> {
    let method = js_sys::Reflect::get(target, &JsValue::from_str(name))
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    method.call1(target, argument).ok()
}
