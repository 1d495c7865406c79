//! The page's scripts. Whoever is signed in gets the app on every page, and every page that
//! needs it loads it for everyone. A visitor's reading page
//! ([`keikaku_domain::reading::reads_without_app`]) loads no WebAssembly: a citizen's phone
//! does not download the offline editor to read a plan. It loads the app only when this
//! device still records somebody signed in, whose kept data the app must hand over now that
//! nobody is (a shared tablet whose session ended).

use leptos::prelude::*;

/// The app's scripts, or on a visitor's reading page the script that loads them on demand.
#[component]
pub fn AppScripts(options: LeptosOptions) -> impl IntoView {
    if loads_app_at_once() {
        return view! { <HydrationScripts options/> }.into_any();
    }
    let (js, wasm) = build_files(&options);
    view! {
        <script type="module" nonce=leptos::nonce::use_nonce() inner_html=on_demand_script(&js, &wasm)></script>
    }
    .into_any()
}

/// Whether this response loads the app while the page loads: for a signed-in user, and on
/// every page that does not read without it.
#[cfg(feature = "ssr")]
fn loads_app_at_once() -> bool {
    let Some(parts) = use_context::<http::request::Parts>() else {
        return true;
    };
    parts
        .extensions
        .get::<keikaku_domain::access::SignedIn>()
        .is_some()
        || !keikaku_domain::reading::reads_without_app(parts.uri.path())
}

#[cfg(not(feature = "ssr"))]
fn loads_app_at_once() -> bool {
    true
}

/// The addresses of this build's JavaScript and WebAssembly, named as Leptos's
/// `HydrationScripts` names them (by the hashes in `hash.txt` beside the server, read once).
fn build_files(options: &LeptosOptions) -> (String, String) {
    static NAMES: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    let (js, wasm) = NAMES.get_or_init(|| {
        let name = options.output_name.to_string();
        if !options.hash_files {
            let wasm = if option_env!("LEPTOS_OUTPUT_NAME").is_none() {
                format!("{name}_bg")
            } else {
                name.clone()
            };
            return (name, wasm);
        }
        let hashes = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
            .and_then(|path| std::fs::read_to_string(path).ok())
            .unwrap_or_default();
        let hash = |kind: &str| {
            hashes.lines().find_map(|line| {
                let (file, hash) = line.trim().split_once(':')?;
                (file == kind).then(|| hash.trim().to_owned())
            })
        };
        let named = |kind| match hash(kind) {
            Some(hash) => format!("{name}.{hash}"),
            None => name.clone(),
        };
        (named("js"), named("wasm"))
    });
    let pkg = &options.site_pkg_dir;
    (format!("/{pkg}/{js}.js"), format!("/{pkg}/{wasm}.wasm"))
}

/// Waits for the device read every page's head starts ([`crate::offline::early::device_script`]):
/// with somebody signed in here, loads and hydrates the app as `HydrationScripts` would, with a
/// `modulepreload` link naming the build for the service worker's registration; otherwise marks
/// the page as complete without it (`data-app="static"`, which the browser tests wait for).
fn on_demand_script(js: &str, wasm: &str) -> String {
    let device = crate::offline::early::DEVICE;
    let js = serde_json::to_string(js).unwrap_or_default();
    let wasm = serde_json::to_string(wasm).unwrap_or_default();
    format!(
        r#"((js,wasm)=>{{const root=document.documentElement;
(window.{device}||Promise.resolve(null)).then((d)=>{{if(!d||!d.login){{root.dataset.app="static";return}}
const link=document.createElement("link");link.rel="modulepreload";link.href=js;document.head.append(link);
import(js).then((m)=>m.default({{module_or_path:wasm}}).then(()=>m.hydrate()))}})}})({js},{wasm});"#
    )
}
