//! `GET /api/v1/language?to=en&next=/plans/…`: the interface's language switch. A plain link
//! (it works without JavaScript): remembers the choice in a cookie for a year and returns to
//! the page it came from. Pages read the cookie before `Accept-Language` (`app::lang`).

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use keikaku_domain::lang::Lang;
use serde::Deserialize;

use super::error::ApiError;
use super::redirect::{safe_next, see_other};
use super::session::is_https;
use super::AppState;
use keikaku_domain::reason::Reason;

/// How long the choice is remembered.
const ONE_YEAR_SECONDS: u32 = 365 * 24 * 3600;

pub fn routes() -> Router<AppState> {
    Router::new().route("/language", get(choose))
}

#[derive(Deserialize)]
struct Choice {
    #[serde(default)]
    to: String,
    #[serde(default)]
    next: String,
}

async fn choose(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(choice): Query<Choice>,
) -> Result<Response, ApiError> {
    let lang = Lang::from_code(&choice.to).ok_or_else(|| {
        ApiError::bad_request(
            "to",
            Reason::fixed(
                "言語は ja か en で指定してください。",
                "The language must be one of: ja, en",
            ),
        )
    })?;
    let secure = if is_https(&headers, &state) {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{}={}; Path=/; SameSite=Lax; Max-Age={ONE_YEAR_SECONDS}{secure}",
        app::lang::LANGUAGE_COOKIE,
        lang.code()
    );
    let mut response = see_other(safe_next(&choice.next));
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).expect("the cookie is ASCII"),
    );
    Ok(response)
}
