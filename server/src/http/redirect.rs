//! Where a form may send the browser afterwards (`next`): only a path on this site. Every form
//! that redirects to a place the request names checks it here, so none becomes an open
//! redirect.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// `next` when it is a path on this site, `/` otherwise.
///
/// Browsers' URL parser drops tabs and newlines anywhere and treats `\` as `/`, so `/\t/evil`
/// and `/\evil` both mean `//evil`: another host. Accepted is only a path that starts with one
/// `/` and contains no `\`, no whitespace and no control character, and that the URL parser,
/// resolving it against this site, leaves on this site.
pub fn safe_next(next: &str) -> &str {
    let plain = next.starts_with('/')
        && !next.starts_with("//")
        && !next
            .chars()
            .any(|c| c == '\\' || c.is_whitespace() || c.is_control());
    if plain && stays_on_site(next) {
        next
    } else {
        "/"
    }
}

/// A 303 to `location` (home if it cannot be a header value), as the plain HTML forms answer.
pub fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    let value = HeaderValue::from_str(location).unwrap_or(HeaderValue::from_static("/"));
    response.headers_mut().insert(header::LOCATION, value);
    response
}

fn stays_on_site(path: &str) -> bool {
    let base = url::Url::parse("https://keikaku.invalid/").expect("a valid base");
    base.join(path)
        .is_ok_and(|resolved| resolved.origin() == base.origin())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn paths_on_this_site_are_kept() {
        for path in [
            "/",
            "/plans/shimada-dx-plan",
            "/plans/komagane-dx-strategy/roadmap?year=2024&department=%E7%A8%8E",
            "/search?q=防災",
            "/plans/x#term-1",
            "/%09/evil.example",
            "/%2F%2Fevil.example",
            "/..//evil.example",
        ] {
            assert_eq!(safe_next(path), path, "{path:?}");
        }
    }

    #[test]
    fn anything_that_could_leave_the_site_becomes_the_home_page() {
        for hostile in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "\t//evil.example",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "\\\\evil.example",
            "/plans\\..\\..\\/evil.example",
            "https://evil.example/",
            "http:/evil.example",
            "javascript:alert(1)",
            "evil.example",
            " /plans",
            "/plans /x",
            "/\u{0}/evil.example",
            "/\u{7f}/evil.example",
            "/\u{3000}/evil.example",
            "",
        ] {
            assert_eq!(safe_next(hostile), "/", "{hostile:?}");
        }
    }
}
