//! `/api/v1/session`: signing in and out, the current user, password change; and the
//! [`RequestContext`] every handler uses to learn who is asking.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{post, put};
use axum::{Json, Router};
use keikaku_domain::access::{Role, SignedIn, Viewer};
use keikaku_store::{NewSession, User};
use serde::{Deserialize, Serialize};

use keikaku_domain::views::paths::encode_query_component;

use super::error::ApiError;
use super::events::Ended;
use super::json::StrictJson;
use super::password_check::{self, Refusal};
use super::redirect::{safe_next, see_other};
use super::AppState;
use crate::auth::{self, password, tokens};
use keikaku_domain::reason::Reason;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/session", post(login).get(current).delete(logout))
        .route("/session/password", put(change_password))
        .route("/session/form", post(login_form))
        .route("/session/logout", post(logout_form))
}

/// Who is asking, and from where. Built from the session cookie; a missing, expired or unknown
/// cookie means the public.
#[derive(Clone)]
pub struct RequestContext {
    pub viewer: Viewer,
    pub user: Option<User>,
    pub session: Option<SessionKeys>,
    pub user_agent: Option<String>,
    pub address: Option<String>,
}

#[derive(Clone)]
pub struct SessionKeys {
    pub token_hash: String,
    pub csrf_token: String,
    pub expires_at: i64,
}

pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == auth::SESSION_COOKIE && !value.is_empty()).then(|| value.to_owned())
        })
}

impl RequestContext {
    /// The public, from wherever the request came: what every request starts as.
    fn public(parts: &Parts, state: &AppState) -> RequestContext {
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(300).collect());
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok());
        let address = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| {
            state
                .trusted_proxies
                .client_address(c.0.ip(), forwarded)
                .to_string()
        });
        RequestContext {
            viewer: Viewer::Public,
            user: None,
            session: None,
            user_agent,
            address,
        }
    }

    pub async fn from_parts(parts: &Parts, state: &AppState) -> Result<RequestContext, ApiError> {
        let mut context = RequestContext::public(parts, state);
        if let Some(token) = session_token(&parts.headers) {
            let token_hash = tokens::digest(&token);
            if let Some(session) = state.store.session(&token_hash, auth::now()).await? {
                context.viewer = Viewer::User(session.user.principal());
                context.user = Some(session.user);
                context.session = Some(SessionKeys {
                    token_hash,
                    csrf_token: session.csrf_token,
                    expires_at: session.expires_at,
                });
            }
        }
        Ok(context)
    }

    /// For plain HTML forms, which send the CSRF token as a field rather than a header.
    pub fn check_form_token(&self, token: &str) -> Result<&SessionKeys, ApiError> {
        let keys = self.session.as_ref().ok_or_else(ApiError::sign_in_needed)?;
        if !tokens::equal(token, &keys.csrf_token) {
            return Err(ApiError::forbidden(
                Some("csrf"),
                Reason::fixed(
                    "CSRFトークンが正しくありません。画面を再読み込みしてください。",
                    "The CSRF token is wrong. Please reload the page.",
                ),
            ));
        }
        Ok(keys)
    }

    pub fn require_user(&self) -> Result<&User, ApiError> {
        self.user.as_ref().ok_or_else(ApiError::sign_in_needed)
    }
}

impl FromRequestParts<AppState> for RequestContext {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(context) = parts.extensions.get::<RequestContext>() {
            return Ok(context.clone());
        }
        RequestContext::from_parts(parts, state).await
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginRequest {
    login: String,
    password: String,
}

#[derive(Serialize)]
pub struct SessionInfo {
    user: UserInfo,
    csrf_token: String,
    expires_at: i64,
}

#[derive(Serialize)]
pub struct UserInfo {
    id: i64,
    login: String,
    display_name: String,
    organization_id: String,
    role: Role,
    department: Option<String>,
}

impl From<&User> for UserInfo {
    fn from(u: &User) -> Self {
        UserInfo {
            id: u.id,
            login: u.login.clone(),
            display_name: u.display_name.clone(),
            organization_id: u.organization_id.clone(),
            role: u.role,
            department: u.department.clone(),
        }
    }
}

fn cookie(value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let text = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        auth::SESSION_COOKIE
    );
    HeaderValue::from_str(&text).expect("cookie is ASCII")
}

/// Behind HTTPS (directly or through a proxy that says so), cookies get the Secure flag.
pub(super) fn is_https(headers: &HeaderMap, state: &AppState) -> bool {
    state.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            == Some("https")
}

/// Checks the password under the throttle and opens a session: the new session token and
/// what the client learns about it; or why no session was opened (`None`: the login or the
/// password is wrong).
async fn sign_in(
    state: &AppState,
    context: &RequestContext,
    login: &str,
    given_password: String,
) -> Result<Result<(String, SessionInfo), Option<Refusal>>, ApiError> {
    let store = &state.store;
    let (candidate, stored_hash) = match store.user_for_login(login).await? {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let checked = match password_check::check(
        state,
        login,
        context.address.as_deref(),
        given_password,
        stored_hash,
    )
    .await?
    {
        Ok(checked) => checked,
        Err(refusal) => return Ok(Err(Some(refusal))),
    };
    let user = match candidate {
        Some(user) if checked.matches && !user.disabled => user,
        _ => return Ok(Err(None)),
    };
    checked.succeeded(state).await?;

    let now = auth::now();
    let token = tokens::random_token();
    let csrf_token = tokens::random_token();
    let expires_at = now + auth::SESSION_SECONDS;
    store
        .create_session(NewSession {
            token_hash: &tokens::digest(&token),
            user_id: user.id,
            csrf_token: &csrf_token,
            now,
            expires_at,
            user_agent: context.user_agent.as_deref(),
            address: context.address.as_deref(),
        })
        .await?;
    tracing::info!(user = %user.login, "signed in");
    Ok(Ok((
        token,
        SessionInfo {
            user: UserInfo::from(&user),
            csrf_token,
            expires_at,
        },
    )))
}

const INVALID: Reason = Reason::fixed(
    "ログインIDまたはパスワードが違います。",
    "The login ID or the password is wrong.",
);

async fn login(
    State(state): State<AppState>,
    context: RequestContext,
    headers: HeaderMap,
    StrictJson(request): StrictJson<LoginRequest>,
) -> Result<Response, ApiError> {
    match sign_in(&state, &context, &request.login, request.password).await? {
        Err(Some(refusal)) => Ok(refusal.into_response()),
        Err(None) => Err(ApiError::unauthorized(INVALID)),
        Ok((token, info)) => {
            let mut response = Json(info).into_response();
            response.headers_mut().insert(
                header::SET_COOKIE,
                cookie(&token, auth::SESSION_SECONDS, is_https(&headers, &state)),
            );
            Ok(response)
        }
    }
}

#[derive(Deserialize)]
struct LoginForm {
    login: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// The login page's form (works without JavaScript): redirects to `next` when signed in,
/// back to the login page with the reason and the typed login otherwise.
async fn login_form(
    State(state): State<AppState>,
    context: RequestContext,
    headers: HeaderMap,
    axum::Form(form): axum::Form<LoginForm>,
) -> Result<Response, ApiError> {
    let next = safe_next(&form.next).to_owned();
    let back = |reason: &str| {
        see_other(&format!(
            "/login?error={reason}&login={}&next={}",
            encode_query_component(&form.login),
            encode_query_component(&next)
        ))
    };
    Ok(
        match sign_in(&state, &context, &form.login, form.password.clone()).await? {
            Err(Some(Refusal::Throttled(wait))) => {
                back(&format!("throttled&wait={}", wait.seconds))
            }
            Err(Some(Refusal::Busy)) => back("busy"),
            Err(None) => back("invalid"),
            Ok((token, _)) => {
                let mut response = see_other(&next);
                response.headers_mut().insert(
                    header::SET_COOKIE,
                    cookie(&token, auth::SESSION_SECONDS, is_https(&headers, &state)),
                );
                response
            }
        },
    )
}

#[derive(Deserialize)]
struct LogoutForm {
    csrf: String,
}

/// The header's sign-out button. The CSRF token comes as a form field.
async fn logout_form(
    State(state): State<AppState>,
    context: RequestContext,
    headers: HeaderMap,
    axum::Form(form): axum::Form<LogoutForm>,
) -> Result<Response, ApiError> {
    let keys = context.check_form_token(&form.csrf)?;
    end_session(&state, &keys.token_hash).await?;
    let mut response = see_other("/");
    response.headers_mut().insert(
        header::SET_COOKIE,
        cookie("", 0, is_https(&headers, &state)),
    );
    Ok(response)
}

/// Signs one session out, and ends its event streams.
async fn end_session(state: &AppState, token_hash: &str) -> Result<(), ApiError> {
    state.store.delete_session(token_hash).await?;
    state
        .sync_events
        .sessions_ended(Ended::Session(token_hash.to_owned()));
    Ok(())
}

async fn current(context: RequestContext) -> Result<Json<SessionInfo>, ApiError> {
    let user = context.require_user()?;
    let keys = context
        .session
        .as_ref()
        .expect("a user comes with a session");
    Ok(Json(SessionInfo {
        user: UserInfo::from(user),
        csrf_token: keys.csrf_token.clone(),
        expires_at: keys.expires_at,
    }))
}

async fn logout(
    State(state): State<AppState>,
    context: RequestContext,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(keys) = &context.session {
        end_session(&state, &keys.token_hash).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        cookie("", 0, is_https(&headers, &state)),
    );
    Ok(response)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// Checked like signing in (the same throttle for the account and address, the same bound on
/// hashing), so a session left open cannot be used to guess the password.
async fn change_password(
    State(state): State<AppState>,
    context: RequestContext,
    StrictJson(change): StrictJson<PasswordChange>,
) -> Result<Response, ApiError> {
    let user = context.require_user()?;
    password::check_new_password(&change.new_password)
        .map_err(|reason| ApiError::bad_request("new_password", reason))?;
    let (_, stored) = state
        .store
        .user_for_login(&user.login)
        .await?
        .ok_or_else(ApiError::sign_in_needed)?;
    let checked = match password_check::check(
        &state,
        &user.login,
        context.address.as_deref(),
        change.current_password,
        Some(stored),
    )
    .await?
    {
        Ok(checked) => checked,
        Err(refusal) => return Ok(refusal.into_response()),
    };
    if !checked.matches {
        return Err(ApiError::bad_request(
            "current_password",
            Reason::fixed(
                "現在のパスワードが違います。",
                "The current password is wrong.",
            ),
        ));
    }
    checked.succeeded(&state).await?;
    let hash = match state.hashing.hash(change.new_password).await {
        Ok(hash) => hash.map_err(ApiError::internal)?,
        Err(_busy) => return Ok(Refusal::Busy.into_response()),
    };
    // Ends every session, this one included: the client signs in again with the new password.
    state
        .store
        .set_password(user.id, &hash, auth::now())
        .await?;
    state.sync_events.sessions_ended(Ended::User(user.id));
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The offline app shell: the service worker keeps one copy and serves it to whoever opens the
/// app offline, so it must be the same page for everyone.
const APP_SHELL: &str = "/app-shell";

/// Resolves the session once per request and leaves the [`RequestContext`] and the [`Viewer`]
/// in the request's extensions, where API handlers and the app's page endpoints find them.
/// The app shell is rendered for the public whatever cookie comes with it.
pub async fn attach_viewer(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Result<Response, ApiError> {
    let (parts, body) = request.into_parts();
    let context = if parts.uri.path().trim_end_matches('/') == APP_SHELL {
        RequestContext::public(&parts, &state)
    } else {
        RequestContext::from_parts(&parts, &state).await?
    };
    let mut request = axum::extract::Request::from_parts(parts, body);
    request.extensions_mut().insert(context.viewer.clone());
    if let (Some(user), Some(keys)) = (&context.user, &context.session) {
        request.extensions_mut().insert(SignedIn {
            login: user.login.clone(),
            display_name: user.display_name.clone(),
            organization_id: user.organization_id.clone(),
            role: user.role,
            department: user.department.clone(),
            csrf_token: keys.csrf_token.clone(),
        });
    }
    request.extensions_mut().insert(context);
    Ok(next.run(request).await)
}
