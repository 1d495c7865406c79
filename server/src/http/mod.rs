//! The HTTP server: Leptos pages (server-rendered, hydrated), their data endpoints, the JSON API
//! under `/api/v1`, and the static site built by cargo-leptos.

mod api;
mod cache;
mod csrf;
mod error;
mod events;
mod feeds;
mod json;
mod language;
mod open_data;
mod password_check;
mod plans;
mod presenting;
mod redirect;
mod round_files;
mod rounds;
mod script_policy;
mod session;
mod stream_slots;
mod structure;
mod sync;
mod users;
mod versions;

pub use events::SESSION_CHECK;

use app::offline::early::FirstViewRenderer;
use app::{shell, App};
use axum::extract::FromRef;
use axum::http::{header, HeaderValue};
use axum::Router;
use keikaku_store::Store;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::auth::hashing::PasswordHashing;
use crate::config::Config;
use crate::proxies::TrustedProxies;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Store,
    /// Set the Secure flag on cookies (behind HTTPS).
    pub secure_cookies: bool,
    /// Peers whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
    /// Every password hashed or verified goes through this bound.
    pub hashing: PasswordHashing,
    /// Tells open sync event streams about committed pushes and ended sessions.
    pub sync_events: events::SyncEvents,
    /// The event streams each session holds open.
    pub stream_slots: stream_slots::StreamSlots,
    /// How often an event stream checks that its session still exists.
    pub session_check: std::time::Duration,
    /// The site's address as users reach it, for absolute links (feeds, shared pages).
    pub site_url: String,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for Store {
    fn from_ref(state: &AppState) -> Self {
        state.store.clone()
    }
}

pub async fn serve(config: Config) -> Result<(), String> {
    let store = Store::open(&config.data_dir)
        .await
        .map_err(|e| e.to_string())?;
    if config.load_samples {
        crate::samples::load(&store).await?;
    }
    if config.demo_users {
        crate::demo::create(&store).await?;
    }
    if let Some(mail) = &config.mail {
        let mailer = crate::reminders::Mailer::new(mail)?;
        crate::reminders::start(store.clone(), mailer, config.reminder_days);
    }
    let listener = tokio::net::TcpListener::bind(config.site_addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.site_addr))?;
    // The bound address, which differs from the configured one when port 0 was asked for.
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    let leptos_options = leptos_options(&config);
    let state = AppState {
        leptos_options,
        store: store.clone(),
        secure_cookies: config.secure_cookies,
        trusted_proxies: config.trusted_proxies.clone(),
        hashing: PasswordHashing::new(config.password_checks, config.password_wait),
        sync_events: events::SyncEvents::new(),
        stream_slots: stream_slots::StreamSlots::default(),
        session_check: config.session_check,
        site_url: config
            .site_url
            .clone()
            .unwrap_or_else(|| format!("http://{bound}")),
    };
    let sync_events = state.sync_events.clone();
    let app = router(state);

    tracing::info!("listening on http://{bound}");
    println!("listening on http://{bound}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        // Event streams never end by themselves; the shutdown waits for every connection.
        sync_events.shut_down();
    })
    .await
    .map_err(|e| e.to_string())?;
    store.close().await;
    Ok(())
}

/// cargo-leptos passes the site layout in `LEPTOS_*` variables; when the binary is started
/// directly, the same defaults as `Cargo.toml`'s metadata apply.
fn leptos_options(config: &Config) -> LeptosOptions {
    let var =
        |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.to_owned());
    LeptosOptions::builder()
        .output_name(var("LEPTOS_OUTPUT_NAME", "keikaku"))
        .site_root(var("LEPTOS_SITE_ROOT", "target/site"))
        .site_pkg_dir(var("LEPTOS_SITE_PKG_DIR", "pkg"))
        .site_addr(config.site_addr)
        .hash_files(var("LEPTOS_HASH_FILES", "true") == "true")
        // Read beside the binary; an absolute name points elsewhere (a release's own copy).
        .hash_file(var("LEPTOS_HASH_FILE_NAME", "hash.txt").into())
        .env(if var("LEPTOS_ENV", "PROD") == "DEV" {
            leptos::config::Env::DEV
        } else {
            leptos::config::Env::PROD
        })
        .build()
}

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let store = state.store.clone();
    let options = state.leptos_options.clone();
    let renderer = first_view_renderer(&options);
    if renderer.is_none() {
        tracing::warn!("no first-view renderer in the site (scripts/lib.sh builds it): pages opened offline wait for the app");
    }
    Router::new()
        .nest("/api/v1", api_routes(&state))
        .route(
            "/plans/{plan_id}/v/{number}/measures/{measure_id}",
            axum::routing::get(versions::version_measure),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            page_context(store.clone(), renderer.clone(), state.site_url.clone()),
            move || shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(
            page_context(store, renderer, state.site_url.clone()),
            shell,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::attach_viewer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            cache::HashedBuildFiles(state.leptos_options.hash_files),
            cache::apply,
        ))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(axum::middleware::from_fn(script_policy::apply))
        .with_state(state)
}

/// What every server-rendered page can reach while it renders.
fn page_context(
    store: Store,
    renderer: Option<FirstViewRenderer>,
    site_url: String,
) -> impl Fn() + Clone + Send + 'static {
    move || {
        provide_context(store.clone());
        provide_context(app::SiteUrl(site_url.clone()));
        if let Some(renderer) = renderer.clone() {
            provide_context(renderer);
        }
        script_policy::provide_page_nonce();
    }
}

/// The service worker's first-view renderer in the site's build files, named by its content
/// (`first-view.<hash>.wasm`, built beside the app by `scripts/lib.sh`): the app shell tells the
/// worker where it is. With several, the newest.
fn first_view_renderer(options: &LeptosOptions) -> Option<FirstViewRenderer> {
    let pkg = options.site_pkg_dir.to_string();
    let dir = std::path::Path::new(options.site_root.as_ref()).join(&pkg);
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            if !(name.starts_with("first-view.") && name.ends_with(".wasm")) {
                return None;
            }
            let modified = entry.metadata().and_then(|m| m.modified()).ok()?;
            Some((modified, name))
        })
        .max()
        .map(|(_, name)| FirstViewRenderer(format!("/{pkg}/{name}")))
}

/// Largest request body the API accepts; larger ones get 413. The largest is a full push.
const MAX_BODY_BYTES: usize = keikaku_sync::protocol::MAX_PUSH_BYTES;

fn api_routes(state: &AppState) -> Router<AppState> {
    api::routes()
        .merge(session::routes())
        .merge(plans::routes())
        .merge(open_data::routes())
        .merge(feeds::routes())
        .merge(language::routes())
        .merge(users::routes())
        .merge(structure::routes())
        .merge(rounds::routes())
        .merge(versions::routes())
        .merge(presenting::routes())
        .merge(sync::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            csrf::guard,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(sync::protocol_header))
        .layer(axum::middleware::from_fn(error::answer_in_language))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
