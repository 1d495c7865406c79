//! The early read: who signed in here and the kept plan of the page, read from IndexedDB by a
//! script in the app shell while the WebAssembly is still arriving and compiling.
//!
//! The app shell is what the service worker answers with when the server cannot be reached, and
//! it shows nothing until the app has read these. Read by the app itself, they came last: each
//! IndexedDB answer waits for a turn of the page's main thread, which the app's start fills (an
//! offline open spent about 90 ms here). The script hands its findings to the app through a
//! promise on `window`; the app takes them once and reads everything later itself.
//!
//! Both scripts here are built from the names the app's own reads use ([`super::names`]).

use super::names::*;

/// For every page's head: opens the device database while the page is still being parsed, and
/// closes it. A page's first IndexedDB open waits for the browser to allow storage, an answer
/// handled only between the page's tasks: asked for here, it is in before the WebAssembly has
/// compiled, rather than queued behind the app's mount (130 ms in a trace of an offline open).
/// As below, a missing database is not created.
pub fn open_storage_script() -> String {
    format!(
        "try{{const r=indexedDB.open('{DEVICE_DATABASE}');\
r.onupgradeneeded=()=>r.transaction.abort();r.onerror=(e)=>e.preventDefault();\
r.onsuccess=()=>r.result.close()}}catch(_){{}}"
    )
}

/// The `window` property holding the promise of what was read.
const GLOBAL: &str = "__keikakuEarly";

/// The script, for the app shell's page. Databases are opened without a version and never
/// created (an empty one would skip the app's own upgrade). Whatever fails or takes over a
/// second is left for the app to read: the promise always settles, and says what it read.
pub fn script() -> String {
    format!(
        r#"(()=>{{const found={{deviceRead:false,login:null,name:null,planId:null,planRead:false,plan:null}};
window.{GLOBAL}=new Promise((done)=>{{const finish=()=>done(found);setTimeout(finish,1000);
const open=(name,then)=>{{const r=indexedDB.open(name);r.onupgradeneeded=()=>r.transaction.abort();
r.onerror=(e)=>{{e.preventDefault();finish()}};
r.onsuccess=()=>{{const db=r.result;try{{then(db)}}catch(_){{db.close();finish()}}}}}};
const get=(db,store,keys,then)=>{{const s=db.transaction(store).objectStore(store);
const requests=keys.map((k)=>s.get(k));const last=requests[requests.length-1];
last.onsuccess=()=>{{db.close();then(requests.map((q)=>q.result??null))}};
last.onerror=(e)=>{{e.preventDefault();db.close();finish()}}}};
try{{open("{DEVICE_DATABASE}",(db)=>get(db,"{DEVICE_STORE}",["{LAST_LOGIN_KEY}","{LAST_NAME_KEY}"],([login,name])=>{{
Object.assign(found,{{deviceRead:true,login,name}});
const page=/^\/plans\/([^/]+)/.exec(location.pathname);if(!page)return finish();
found.planId=decodeURIComponent(page[1]);
open("{PLANS_DATABASE_PREFIX}"+(login??"{PUBLIC_OWNER}"),(plans)=>get(plans,"{PLANS_STORE}",[found.planId],([plan])=>{{
Object.assign(found,{{planRead:true,plan}});finish()}}))}}))}}catch(_){{finish()}}}})}})();"#
    )
}

#[cfg(feature = "hydrate")]
mod reader {
    use std::cell::Cell;

    use wasm_bindgen::{JsCast, JsValue};

    thread_local! {
        static PLAN_TAKEN: Cell<bool> = const { Cell::new(false) };
    }

    async fn found() -> Option<JsValue> {
        let promise = js_sys::Reflect::get(&leptos::prelude::window(), &super::GLOBAL.into())
            .ok()?
            .dyn_into::<js_sys::Promise>()
            .ok()?;
        wasm_bindgen_futures::JsFuture::from(promise).await.ok()
    }

    fn field(found: &JsValue, name: &str) -> JsValue {
        js_sys::Reflect::get(found, &name.into()).unwrap_or(JsValue::NULL)
    }

    /// Who last signed in, with their display name, if the script read it: `Some(None)` when
    /// nobody has.
    pub async fn device() -> Option<Option<(String, String)>> {
        let found = found().await?;
        if field(&found, "deviceRead").as_bool() != Some(true) {
            return None;
        }
        Some(field(&found, "login").as_string().map(|login| {
            let name = field(&found, "name").as_string();
            (login.clone(), name.unwrap_or(login))
        }))
    }

    /// The stored plan, if the script read it for this page and it has not been taken yet:
    /// `Some(None)` when it is not kept. Later reads go to IndexedDB, which may have changed.
    pub async fn plan(plan_id: &str) -> Option<Option<String>> {
        if PLAN_TAKEN.with(Cell::get) {
            return None;
        }
        let found = found().await?;
        if field(&found, "planRead").as_bool() != Some(true)
            || field(&found, "planId").as_string().as_deref() != Some(plan_id)
            || PLAN_TAKEN.with(|taken| taken.replace(true))
        {
            return None;
        }
        let plan = field(&found, "plan").as_string();
        // Not kept on the page for its whole life.
        let _ = js_sys::Reflect::set(&found, &"plan".into(), &JsValue::NULL);
        Some(plan)
    }
}

#[cfg(feature = "hydrate")]
pub use reader::{device, plan};
