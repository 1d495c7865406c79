//! The one error type of the JSON API: every failure is a status code and a JSON body that names
//! the field at fault (when there is one) and the reason. Storage errors become answers in one
//! place, [`From<StoreError>`], so `?` is always the right answer.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use keikaku_domain::evaluation::Refusal;
use keikaku_domain::lang::Lang;
use keikaku_domain::limits::TextProblem;
use keikaku_domain::reason::Reason;
use keikaku_store::{Missing, StoreError};
use serde::Serialize;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub field: Option<String>,
    pub reason: Reason,
}

#[derive(Serialize)]
struct AnswerBody<'a> {
    error: ErrorBody<'a>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    reason: &'a str,
}

impl ApiError {
    pub fn new(status: StatusCode, field: Option<&str>, reason: Reason) -> ApiError {
        ApiError {
            status,
            field: field.map(str::to_owned),
            reason,
        }
    }

    pub fn not_found(field: &str, reason: Reason) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, Some(field), reason)
    }

    pub fn bad_request(field: &str, reason: Reason) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, Some(field), reason)
    }

    /// A value of `field` the text rules refuse, with their reason.
    pub fn bad_text(field: &str, problem: TextProblem) -> ApiError {
        ApiError::bad_request(field, Reason::of(|lang| problem.reason_in(lang)))
    }

    pub fn unauthorized(reason: Reason) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, None, reason)
    }

    /// 401 for a request that needs a signed-in user.
    pub fn sign_in_needed() -> ApiError {
        ApiError::unauthorized(Reason::new("ログインが必要です。", "Please sign in."))
    }

    pub fn forbidden(field: Option<&str>, reason: Reason) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, field, reason)
    }

    pub fn internal(e: impl std::fmt::Display) -> ApiError {
        tracing::error!("internal error: {e}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            None,
            Reason::new(
                "サーバーで問題が起きました。しばらくしてからもう一度お試しください。",
                "Something went wrong on the server. Please try again later.",
            ),
        )
    }

    fn body_in(&self, lang: Lang) -> Vec<u8> {
        serde_json::to_vec(&AnswerBody {
            error: ErrorBody {
                status: self.status.as_u16(),
                field: self.field.as_deref(),
                reason: self.reason.in_lang(lang),
            },
        })
        .expect("an error answer serializes")
    }
}

/// Why a request that may succeed later was not served now (the store or the password
/// hashing was busy).
pub const BUSY: Reason = Reason::fixed(
    "混み合っています。しばらくしてからもう一度お試しください。",
    "The server is busy. Please try again in a moment.",
);

/// The path parameter that names a missing thing, and the reason users read.
fn missing(what: Missing) -> (&'static str, Reason) {
    let (field, ja, en) = match what {
        Missing::Plan => (
            "plan_id",
            "この計画は見つかりません。",
            "This plan was not found.",
        ),
        Missing::Measure => (
            "measure_id",
            "この施策は見つかりません。",
            "This measure was not found.",
        ),
        Missing::Node => (
            "node_id",
            "この項目は見つかりません。",
            "This item was not found.",
        ),
        Missing::Field => (
            "field",
            "この項目は変更できません。",
            "This field cannot be changed.",
        ),
        Missing::Department => (
            "name",
            "この部署は見つかりません。",
            "This department was not found.",
        ),
        Missing::AuditEntry => (
            "entry_id",
            "この変更履歴は見つかりません。",
            "This change was not found in the history.",
        ),
        Missing::User => (
            "user_id",
            "この利用者は見つかりません。",
            "This user was not found.",
        ),
        Missing::Round => (
            "round_id",
            "この評価は見つかりません。",
            "This round was not found.",
        ),
        Missing::RoundRecord => (
            "target",
            "この評価にこの施策・取組はありません。",
            "This round does not cover this measure or action.",
        ),
        Missing::Version => (
            "number",
            "この版は見つかりません。",
            "This version was not found.",
        ),
        Missing::Revision => (
            "revision",
            "この計画に改定案はありません。",
            "This plan has no draft revision.",
        ),
    };
    (field, Reason::new(ja, en))
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => {
                let (field, reason) = missing(what);
                ApiError::not_found(field, reason)
            }
            StoreError::Invalid(field, reason) => ApiError::bad_request(field, reason),
            StoreError::RefusedEdit(refused) => {
                ApiError::bad_request(&refused.field, refused.reason)
            }
            // The sync protocol's own checks: a conforming client never sends what they refuse.
            StoreError::InvalidPush(invalid) => {
                ApiError::bad_request(&invalid.field, Reason::technical(invalid.reason))
            }
            StoreError::InUse(field, reason) => {
                ApiError::new(StatusCode::CONFLICT, Some(field), reason)
            }
            StoreError::PlanExists(_) => ApiError::new(
                StatusCode::CONFLICT,
                Some("plan_id"),
                Reason::new("この計画は既にあります。", "This plan already exists."),
            ),
            // The step's rules: 403 for who, 400 for what was sent, 409 for where things are.
            StoreError::Refused(refusal) => {
                let status = match &refusal {
                    Refusal::NotAllowed => StatusCode::FORBIDDEN,
                    Refusal::Invalid { .. } => StatusCode::BAD_REQUEST,
                    _ => StatusCode::CONFLICT,
                };
                ApiError::new(
                    status,
                    refusal.field(),
                    Reason::of(|lang| refusal.reason_in(lang)),
                )
            }
            StoreError::QuotaExceeded(reason) => {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, None, reason)
            }
            e if e.is_busy() => {
                tracing::warn!("storage busy: {e}");
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, None, BUSY)
            }
            other => ApiError::internal(format!("storage: {other}")),
        }
    }
}

/// The English body of an error answer, for [`answer_in_language`] to put in place of the
/// Japanese one: the handler that fails does not know who asks.
#[derive(Clone)]
struct EnglishAnswer(Vec<u8>);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, "application/json")],
            self.body_in(Lang::Ja),
        )
            .into_response();
        response
            .extensions_mut()
            .insert(EnglishAnswer(self.body_in(Lang::En)));
        response
    }
}

/// Middleware of the JSON API: an error answer says why in the request's language (the one
/// pages use, `app::lang::request_lang`), and names it in `Content-Language`.
pub async fn answer_in_language(request: Request, next: Next) -> Response {
    let lang = app::lang::request_lang(request.headers());
    let mut response = next.run(request).await;
    let Some(EnglishAnswer(english)) = response.extensions_mut().remove::<EnglishAnswer>() else {
        return response;
    };
    if lang == Lang::En {
        *response.body_mut() = Body::from(english);
        response.headers_mut().remove(header::CONTENT_LENGTH);
    }
    response.headers_mut().insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.code()),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_storage_error_is_one_status_naming_the_field() {
        let cases = [
            (
                StoreError::NotFound(Missing::Measure),
                StatusCode::NOT_FOUND,
                Some("measure_id"),
            ),
            (
                StoreError::bad_text("title", TextProblem::Empty),
                StatusCode::BAD_REQUEST,
                Some("title"),
            ),
            (
                StoreError::InUse("name", Reason::new("使用中です。", "In use.")),
                StatusCode::CONFLICT,
                Some("name"),
            ),
            (
                StoreError::PlanExists("p".into()),
                StatusCode::CONFLICT,
                Some("plan_id"),
            ),
            (
                StoreError::QuotaExceeded(Reason::new("上限です。", "Over the quota.")),
                StatusCode::TOO_MANY_REQUESTS,
                None,
            ),
            (
                StoreError::Database(sqlx::Error::PoolTimedOut),
                StatusCode::SERVICE_UNAVAILABLE,
                None,
            ),
            (
                StoreError::Refused(Refusal::NotAllowed),
                StatusCode::FORBIDDEN,
                None,
            ),
            (
                StoreError::Refused(Refusal::invalid(
                    "deadline",
                    Reason::new("締切日は…", "The deadline…"),
                )),
                StatusCode::BAD_REQUEST,
                Some("deadline"),
            ),
            (
                StoreError::Refused(Refusal::RoundClosed),
                StatusCode::CONFLICT,
                None,
            ),
            (
                StoreError::Corrupt("x".into()),
                StatusCode::INTERNAL_SERVER_ERROR,
                None,
            ),
        ];
        for (error, status, field) in cases {
            let answer = ApiError::from(error);
            assert_eq!((answer.status, answer.field.as_deref()), (status, field));
            assert!(!answer.reason.in_lang(Lang::Ja).is_empty());
            assert!(!answer.reason.in_lang(Lang::En).is_empty());
        }
        for what in [
            Missing::Plan,
            Missing::Measure,
            Missing::Node,
            Missing::Field,
            Missing::Department,
            Missing::AuditEntry,
            Missing::User,
            Missing::Round,
            Missing::RoundRecord,
            Missing::Version,
            Missing::Revision,
        ] {
            let answer = ApiError::from(StoreError::NotFound(what));
            assert_eq!(answer.status, StatusCode::NOT_FOUND);
            assert!(
                answer.reason.in_lang(Lang::Ja).ends_with("。"),
                "a Japanese reason: {what}"
            );
            assert!(
                !keikaku_domain::lang::is_japanese(answer.reason.in_lang(Lang::En)),
                "an English reason: {what}"
            );
        }
    }
}
