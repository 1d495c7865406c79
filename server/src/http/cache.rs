//! `Cache-Control` on every response. What a signed-in person was shown (their name, their
//! organization's drafts, the administrators' pages, a CSRF token) is never stored, so after
//! sign-out the browser's Back button cannot bring it back; public pages are stored but
//! revalidated; build files named by their content are kept for a year.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use super::session::session_token;

/// Never stored anywhere.
pub const PRIVATE: &str = "private, no-store";
/// Stored, but asked for again before each use.
pub const REVALIDATE: &str = "no-cache";
/// A build file whose name changes with its content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Whether the build files under `/pkg/` carry their content hash in their names
/// (`hash-files`); without it, a name stays the same from build to build.
#[derive(Clone, Copy)]
pub struct HashedBuildFiles(pub bool);

/// What the policy needs to know of the request...
pub struct Asked<'a> {
    pub path: &'a str,
    /// The request carried a session cookie (valid or not).
    pub session_cookie: bool,
}

/// ...and of the response.
pub struct Answered<'a> {
    pub status: StatusCode,
    pub content_type: &'a str,
    pub sets_cookie: bool,
}

/// Pages and answers that are about someone even when no cookie came with the request.
fn private_path(path: &str) -> bool {
    matches!(path, "/admin" | "/sync" | "/login" | "/app-shell")
        || [
            "/api/v1/session",
            "/api/v1/sync/",
            "/api/v1/organizations/",
            "/api/v1/audit/",
            "/api/v1/rounds/",
        ]
        .iter()
        .any(|prefix| path.starts_with(prefix))
        || ["/history", "/edit", "/rounds"]
            .iter()
            .any(|suffix| path.ends_with(suffix))
        // A measure's progress form, not the plan's public progress overview.
        || (path.contains("/measures/") && path.ends_with("/progress"))
}

/// The `Cache-Control` value for one response.
pub fn cache_control(asked: &Asked, answered: &Answered, hashed: HashedBuildFiles) -> &'static str {
    let dynamic = asked.path.starts_with("/api/")
        || answered.content_type.starts_with("text/html")
        || answered.content_type.starts_with("text/event-stream")
        || answered.sets_cookie;
    if dynamic {
        if asked.session_cookie || answered.sets_cookie || private_path(asked.path) {
            PRIVATE
        } else {
            REVALIDATE
        }
    } else if hashed.0
        && asked.path.starts_with("/pkg/")
        && (answered.status.is_success() || answered.status == StatusCode::NOT_MODIFIED)
    {
        IMMUTABLE
    } else {
        // Other files of the site (the service worker, icons, the manifest) keep their names
        // across releases, and `sw.js` must be fetched anew for an update to be seen.
        REVALIDATE
    }
}

/// The layer: decides from the request and the response, and replaces any value a handler set
/// (the event stream's `no-cache`, for one).
pub async fn apply(
    State(hashed): State<HashedBuildFiles>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let session_cookie = session_token(request.headers()).is_some();
    let mut response = next.run(request).await;
    let headers = response.headers();
    let answered = Answered {
        status: response.status(),
        content_type: headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default(),
        sets_cookie: headers.contains_key(header::SET_COOKIE),
    };
    let asked = Asked {
        path: &path,
        session_cookie,
    };
    let value = cache_control(&asked, &answered, hashed);
    let answered_html = answered.content_type.starts_with("text/html");
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    // A build file goes out as its Brotli or gzip copy, or as itself, by the request's
    // Accept-Encoding; the file handler does not say so, and a shared cache must know.
    if path.starts_with("/pkg/") && !headers.contains_key(header::VARY) {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    // A page is written in the language its cookie chose, else the one Accept-Language asks.
    if answered_html {
        headers.append(
            header::VARY,
            HeaderValue::from_static("cookie, accept-language"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(
        path: &str,
        cookie: bool,
        status: u16,
        content_type: &str,
        hashed: bool,
    ) -> &'static str {
        cache_control(
            &Asked {
                path,
                session_cookie: cookie,
            },
            &Answered {
                status: StatusCode::from_u16(status).unwrap(),
                content_type,
                sets_cookie: false,
            },
            HashedBuildFiles(hashed),
        )
    }

    const HTML: &str = "text/html; charset=utf-8";
    const JSON: &str = "application/json";

    #[test]
    fn whatever_a_signed_in_request_is_shown_is_never_stored() {
        for (path, content_type) in [
            ("/", HTML),
            ("/plans/komagane-next-draft", HTML),
            ("/api/v1/plans/komagane-next-draft", JSON),
            ("/api/v1/pages/me", JSON),
            ("/api/v1/sync/events", "text/event-stream"),
            ("/pkg/missing.js", HTML),
        ] {
            assert_eq!(
                policy(path, true, 200, content_type, true),
                PRIVATE,
                "{path}"
            );
        }
    }

    #[test]
    fn private_pages_are_never_stored_even_without_a_cookie() {
        for path in [
            "/admin",
            "/sync",
            "/login",
            "/app-shell",
            "/plans/p/measures/m/history",
            "/plans/p/measures/m/edit",
            "/plans/p/measures/m/progress",
        ] {
            assert_eq!(policy(path, false, 200, HTML, true), PRIVATE, "{path}");
        }
        for path in ["/api/v1/session", "/api/v1/organizations/komagane/users"] {
            assert_eq!(policy(path, false, 401, JSON, true), PRIVATE, "{path}");
        }
        let signing_in = Answered {
            status: StatusCode::SEE_OTHER,
            content_type: "",
            sets_cookie: true,
        };
        let asked = Asked {
            path: "/api/v1/session/form",
            session_cookie: false,
        };
        assert_eq!(
            cache_control(&asked, &signing_in, HashedBuildFiles(true)),
            PRIVATE
        );
    }

    #[test]
    fn public_pages_and_answers_are_revalidated() {
        assert_eq!(policy("/", false, 200, HTML, true), REVALIDATE);
        assert_eq!(
            policy(
                "/plans/komagane-dx-strategy/roadmap",
                false,
                200,
                HTML,
                true
            ),
            REVALIDATE
        );
        // The plan's progress overview is public, unlike a measure's progress form.
        assert_eq!(
            policy(
                "/plans/komagane-dx-strategy/progress",
                false,
                200,
                HTML,
                true
            ),
            REVALIDATE
        );
        assert_eq!(policy("/api/v1/plans", false, 200, JSON, true), REVALIDATE);
        assert_eq!(policy("/no/such/page", false, 404, HTML, true), REVALIDATE);
    }

    #[test]
    fn hashed_build_files_are_kept_and_others_revalidated() {
        let wasm = "application/wasm";
        for (path, cookie, status, content_type, hashed, expected) in [
            ("/pkg/keikaku.0a1b2c.wasm", true, 200, wasm, true, IMMUTABLE),
            ("/pkg/keikaku.0a1b2c.wasm", false, 304, "", true, IMMUTABLE),
            ("/pkg/keikaku.wasm", false, 200, wasm, false, REVALIDATE),
            ("/sw.js", true, 200, "text/javascript", true, REVALIDATE),
            ("/icon-32.png", false, 200, "image/png", true, REVALIDATE),
        ] {
            let got = policy(path, cookie, status, content_type, hashed);
            assert_eq!(got, expected, "{path} {status}");
        }
    }
}
