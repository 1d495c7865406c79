//! The early read: who signed in here and the kept plan of the page, found before the app starts.
//!
//! The app shell is what the service worker answers with when the server cannot be reached, and
//! it shows nothing until the app knows these. Read by the page itself, they came late: each
//! IndexedDB answer waits for a turn of the page's main thread, which parsing, the first layout
//! and compiling the WebAssembly fill (traced: a value the browser had read at 224 ms reached
//! the page at 341 ms). So:
//!
//! - the service worker, whose thread is idle, reads both while the page is on its way and
//!   writes them into the shell it serves: what it found ([`FOUND_ID`]) right after the names
//!   the shell lists for it ([`NAMES_ID`], [`names_json`]) and before the shell's script
//!   ([`script`]), which hands them on, and the plan ([`PLAN_ELEMENT_ID`]) at the end of the
//!   body, after the page's first view (its hundreds of kB would otherwise reach the page
//!   before the view and split the view's parsing into several layouts), taken when the
//!   document has been parsed;
//! - otherwise every page's head reads who signed in itself ([`device_script`]), and the app
//!   shell the kept plan ([`script`]).
//!
//! The scripts hand their findings to the app through promises on `window`; the app takes them
//! once and reads everything later itself. Everything here is built from the names the app's
//! own reads use ([`super::names`]).

use super::names::*;

/// The `window` property holding the promise of who signed in (every page).
pub const DEVICE: &str = "__keikakuDevice";
/// The `window` property holding the promise of the page's kept plan (the app shell only).
const PLAN: &str = "__keikakuEarly";
/// The `window` property holding the read helper the shell's script shares.
const READ: &str = "__keikakuRead";

/// The app shell's JSON element naming, for the service worker, what to read.
pub const NAMES_ID: &str = "keikaku-early-names";
/// The JSON element the service worker writes into a shell it serves: who signed in, and
/// whether it read the page's plan (`{"deviceRead","login","name","planId","planRead"}`).
pub const FOUND_ID: &str = "keikaku-early-found";
/// The JSON element holding that plan as stored, when it is kept.
pub const PLAN_ELEMENT_ID: &str = "keikaku-early-plan";
/// The shell's placeholder for a page's content, which the service worker replaces with the
/// page's first view when it can write one ([`FIRST_VIEW_ID`]).
pub const PLACEHOLDER_ID: &str = "keikaku-shell-content";
/// The element holding the first view the service worker wrote (see `keikaku_render::first_view`).
pub const FIRST_VIEW_ID: &str = "keikaku-first-view";

/// Where the site keeps the service worker's first-view renderer (`sw-render/`, built beside
/// the app), provided by the server to the pages it renders.
#[derive(Clone, Debug)]
pub struct FirstViewRenderer(pub String);

/// What the service worker reads for a shell, where it writes what it found, and the renderer
/// that writes a page's first view from it (see `public/sw.js`, which takes these names from the
/// shell rather than repeating them, and keeps the renderer with the shell's other build files).
pub fn names_json(renderer: Option<&FirstViewRenderer>) -> String {
    serde_json::json!({
        "device": {
            "database": DEVICE_DATABASE,
            "store": DEVICE_STORE,
            "keys": [SIGNED_IN_LOGIN_KEY, SIGNED_IN_NAME_KEY],
            "pendingLogout": PENDING_LOGOUT_KEY,
            "pin": PIN_KEY,
        },
        "plans": {
            "databasePrefix": PLANS_DATABASE_PREFIX,
            "publicOwner": PUBLIC_OWNER,
            "store": PLANS_STORE,
        },
        "found": FOUND_ID,
        "plan": PLAN_ELEMENT_ID,
        "renderer": renderer.map(|r| r.0.as_str()),
        "placeholder": PLACEHOLDER_ID,
        "firstView": FIRST_VIEW_ID,
        "language": {
            "cookie": crate::lang::LANGUAGE_COOKIE,
            "codes": keikaku_domain::lang::Lang::ALL.map(|lang| lang.code()),
        },
    })
    .to_string()
}

/// For every page's head: reads who signed in while the page is still being parsed. A page's
/// first IndexedDB open also waits for the browser to allow storage, an answer handled only
/// between the page's tasks: asked for here, it is in before the WebAssembly has compiled,
/// rather than queued behind the app's mount (130 ms in a trace of an offline open). In a shell
/// the service worker served with its findings, the shell's script replaces its answer with
/// theirs, and the read only opens storage for the app's later reads.
///
/// Databases are opened without a version and never created (an empty one would skip the app's
/// own upgrade). Whatever fails or takes over a second is left for the app to read: the promise
/// always settles, and says what it read and where (`from`).
pub fn device_script() -> String {
    format!(
        r#"(()=>{{const read=(database,store,keys)=>new Promise((resolve,reject)=>{{const t=performance.now();
const r=indexedDB.open(database);r.onupgradeneeded=()=>r.transaction.abort();
r.onerror=(e)=>{{e.preventDefault();reject()}};
r.onsuccess=()=>{{const db=r.result;try{{const s=db.transaction(store).objectStore(store);
const q=keys.map((k)=>s.get(k));const last=q[q.length-1];
last.onsuccess=()=>{{db.close();performance.measure("keikaku:early-"+store,{{start:t}});resolve(q.map((x)=>x.result??null))}};
last.onerror=(e)=>{{e.preventDefault();db.close();reject()}}}}catch(_){{db.close();reject()}}}}}});
window.{READ}=read;const none={{deviceRead:false,login:null,name:null}};
window.{DEVICE}=Promise.race([read("{DEVICE_DATABASE}","{DEVICE_STORE}",["{SIGNED_IN_LOGIN_KEY}","{SIGNED_IN_NAME_KEY}","{PIN_KEY}"])
.then(([login,name,pin])=>({{deviceRead:true,login,name,pinSet:pin!=null,from:"page"}}),()=>none),
new Promise((done)=>setTimeout(()=>done(none),1000))])}})();"#
    )
}

/// The app shell's script: who signed in and the kept plan of a plan page (`/plans/{id}…`), as
/// the service worker found them, or else the plan read once who signed in is known, under the
/// same rules as [`device_script`], whose helper it uses.
pub fn script() -> String {
    format!(
        r#"(()=>{{const none={{planId:null,planRead:false,plan:null}};const device=window.{DEVICE},read=window.{READ};
const page=/^\/plans\/([^/]+)/.exec(location.pathname);const planId=page&&decodeURIComponent(page[1]);
const found=document.getElementById("{FOUND_ID}");let sw=null;
try{{sw=found&&JSON.parse(found.textContent)}}catch(_){{}}
const parsed=document.readyState==="loading"?new Promise((done)=>document.addEventListener("DOMContentLoaded",done,{{once:true}})):Promise.resolve();
const kept=parsed.then(()=>{{const element=document.getElementById("{PLAN_ELEMENT_ID}");if(!element)return null;element.remove();return element.textContent}});
if(sw&&sw.deviceRead)window.{DEVICE}=Promise.resolve({{deviceRead:true,login:sw.login,name:sw.name,pinSet:sw.pinSet,from:"service-worker"}});
window.{PLAN}=!page?Promise.resolve(none):sw&&sw.planRead&&sw.planId===planId?kept.then((plan)=>({{planId,planRead:true,plan,from:"service-worker"}})):
!device||!read?Promise.resolve(none):Promise.race([device.then((d)=>{{
if(!d.deviceRead)return none;
return read("{PLANS_DATABASE_PREFIX}"+(d.login??"{PUBLIC_OWNER}"),"{PLANS_STORE}",[planId])
.then(([plan])=>({{planId,planRead:true,plan,from:"page"}}),()=>({{...none,planId}}))}}),
new Promise((done)=>setTimeout(()=>done(none),1000))])}})();"#
    )
}

#[cfg(feature = "hydrate")]
mod reader {
    use std::cell::Cell;

    use wasm_bindgen::{JsCast, JsValue};

    thread_local! {
        static PLAN_TAKEN: Cell<bool> = const { Cell::new(false) };
    }

    async fn found(global: &str) -> Option<JsValue> {
        let promise = js_sys::Reflect::get(&leptos::prelude::window(), &global.into())
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
        let found = found(super::DEVICE).await?;
        if field(&found, "deviceRead").as_bool() != Some(true) {
            return None;
        }
        Some(field(&found, "login").as_string().map(|login| {
            let name = field(&found, "name").as_string();
            (login.clone(), name.unwrap_or(login))
        }))
    }

    /// Whether the script found a device PIN set (`None` if it did not read the device, or a
    /// worker of an older release wrote what it found without saying).
    pub async fn pin_set() -> Option<bool> {
        let found = found(super::DEVICE).await?;
        if field(&found, "deviceRead").as_bool() != Some(true) {
            return None;
        }
        field(&found, "pinSet").as_bool()
    }

    /// The stored plan, if the script read it for this page and it has not been taken yet:
    /// `Some(None)` when it is not kept. Later reads go to IndexedDB, which may have changed.
    pub async fn plan(plan_id: &str) -> Option<Option<String>> {
        if PLAN_TAKEN.with(Cell::get) {
            return None;
        }
        let found = found(super::PLAN).await?;
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
pub use reader::{device, pin_set, plan};
