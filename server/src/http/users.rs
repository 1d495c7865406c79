//! `/api/v1/organizations/{org}/users`: administrators list, create and disable their
//! organization's users. Passwords follow the same rules as `server user add`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch};
use axum::{Json, Router};
use keikaku_domain::access::{self, Role};
use keikaku_domain::limits::{check_email, check_login, check_required, TextKind};
use keikaku_store::{Missing, NewUser, Store, StoreError, User};
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::events::Ended;
use super::json::StrictJson;
use super::password_check::Refusal;
use super::session::RequestContext;
use super::AppState;
use crate::auth::{self, password};
use keikaku_domain::reason::Reason;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/organizations/{organization_id}/users",
            get(list).post(create),
        )
        .route(
            "/organizations/{organization_id}/users/{user_id}",
            patch(update),
        )
}

#[derive(Serialize)]
struct UserRecord {
    id: i64,
    login: String,
    display_name: String,
    role: Role,
    department: Option<String>,
    disabled: bool,
}

impl From<User> for UserRecord {
    fn from(u: User) -> Self {
        UserRecord {
            id: u.id,
            login: u.login,
            display_name: u.display_name,
            role: u.role,
            department: u.department,
            disabled: u.disabled,
        }
    }
}

/// Lets administrators of `organization_id` through; anyone else is refused.
pub(super) fn require_admin(
    context: &RequestContext,
    organization_id: &str,
) -> Result<(), ApiError> {
    context.require_user()?;
    if access::can_manage_organization(&context.viewer, organization_id) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            None,
            Reason::fixed(
                "この自治体を管理する権限がありません。",
                "You are not allowed to administer this municipality.",
            ),
        ))
    }
}

async fn list(
    State(store): State<Store>,
    context: RequestContext,
    Path(organization_id): Path<String>,
) -> Result<Json<Vec<UserRecord>>, ApiError> {
    require_admin(&context, &organization_id)?;
    Ok(Json(
        store
            .users_of(&organization_id)
            .await?
            .into_iter()
            .map(UserRecord::from)
            .collect(),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUserRequest {
    login: String,
    display_name: String,
    role: Role,
    department: Option<String>,
    password: String,
    /// Where the reporting rounds' reminders reach an editor; optional.
    #[serde(default)]
    email: Option<String>,
}

async fn create(
    State(state): State<AppState>,
    context: RequestContext,
    Path(organization_id): Path<String>,
    StrictJson(request): StrictJson<NewUserRequest>,
) -> Result<Response, ApiError> {
    require_admin(&context, &organization_id)?;
    let store = &state.store;
    let login = request.login.trim();
    check_login(login).map_err(|problem| ApiError::bad_text("login", problem))?;
    let display_name = request.display_name.trim();
    check_required(TextKind::Name, display_name)
        .map_err(|problem| ApiError::bad_text("display_name", problem))?;
    if request.role == Role::Editor && request.department.is_none() {
        return Err(ApiError::bad_request(
            "department",
            Reason::fixed(
                "職員（編集者）には部署が必要です。",
                "Staff (editors) need a department.",
            ),
        ));
    }
    if let Some(department) = &request.department {
        if !store
            .department_exists(&organization_id, department)
            .await?
        {
            return Err(ApiError::bad_request(
                "department",
                Reason::new(
                    format!("「{department}」はこの自治体の部署ではありません。"),
                    format!("“{department}” is not a department of this municipality."),
                ),
            ));
        }
    }
    let email = request
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty());
    if let Some(email) = email {
        check_email(email).map_err(|problem| ApiError::bad_text("email", problem))?;
    }
    password::check_new_password(&request.password)
        .map_err(|reason| ApiError::bad_request("password", reason))?;
    let hash = match state.hashing.hash(request.password).await {
        Ok(hash) => hash.map_err(ApiError::internal)?,
        Err(_busy) => return Ok(Refusal::Busy.into_response()),
    };
    let new = NewUser {
        organization_id: &organization_id,
        login,
        display_name,
        role: request.role,
        department: request.department.as_deref(),
        password_hash: &hash,
    };
    let user = store.create_user(new, auth::now()).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            Some("login"),
            Reason::fixed(
                "このログインIDは既に使われています。",
                "This login ID is already in use.",
            ),
        )
    })?;
    if let Some(email) = email {
        store.set_email(user.id, Some(email)).await?;
    }
    Ok((StatusCode::CREATED, Json(UserRecord::from(user))).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserUpdate {
    disabled: bool,
}

async fn update(
    State(state): State<AppState>,
    context: RequestContext,
    Path((organization_id, user_id)): Path<(String, i64)>,
    StrictJson(update): StrictJson<UserUpdate>,
) -> Result<Json<UserRecord>, ApiError> {
    require_admin(&context, &organization_id)?;
    let store = &state.store;
    let user = store
        .user(user_id)
        .await?
        .filter(|u| u.organization_id == organization_id)
        .ok_or(StoreError::NotFound(Missing::User))?;
    if update.disabled && context.user.as_ref().is_some_and(|me| me.id == user.id) {
        return Err(ApiError::bad_request(
            "disabled",
            Reason::fixed(
                "自分のアカウントは無効にできません。",
                "You cannot disable your own account.",
            ),
        ));
    }
    store.set_disabled(user.id, update.disabled).await?;
    if update.disabled {
        // Disabling ended the user's sessions; their event streams end with them.
        state.sync_events.sessions_ended(Ended::User(user.id));
    }
    let user = store
        .user(user_id)
        .await?
        .ok_or(StoreError::NotFound(Missing::User))?;
    Ok(Json(user.into()))
}
