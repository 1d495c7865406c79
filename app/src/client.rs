//! Calls from the hydrated app to the JSON API (`/api/v1/...`), for the forms that change data.
//! The API's errors name the field and the reason; [`Problem`] carries both to the form.
//!
//! The server says its reasons in the request's language, which is the page's (the same cookie
//! and `Accept-Language`); what this module says itself (the server not reached, the session
//! expired, permission refused) is in the page's language too.

use keikaku_domain::lang::{mark_japanese, Lang};
use leptos::prelude::*;
use serde_json::Value;

/// Why a request failed, in words for the user.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub status: u16,
    /// The request field at fault, when the server named one.
    pub field: Option<String>,
    pub reason: String,
}

impl Problem {
    /// The server was not reached (status 0, which no answer has). Its reason is the Japanese
    /// message; [`Problem::message_in`] says it in the page's language.
    pub fn network() -> Problem {
        Problem {
            status: 0,
            field: None,
            reason: network_message(Lang::Ja).into(),
        }
    }

    /// A message for the page, in Japanese: what went wrong and what to do. Kept for the forms
    /// that are not yet translated; the others use [`Problem::message_in`] or [`ProblemMessage`].
    pub fn message(&self) -> String {
        self.message_in(Lang::Ja)
    }

    /// A message for the page in `lang`: what went wrong and what to do. A reason the server
    /// gave is quoted as it came.
    pub fn message_in(&self, lang: Lang) -> String {
        let (own, reason) = self.parts_in(lang);
        format!("{own}{}", reason.unwrap_or_default())
    }

    /// The message in two parts: what the app says itself, in `lang`, and the reason the server
    /// gave, if it is shown, so a page can mark the reason's language apart from its own.
    pub fn parts_in(&self, lang: Lang) -> (&'static str, Option<String>) {
        match (self.status, lang) {
            // Every network problem is made by `network()`, whose reason is the Japanese text.
            (0, Lang::Ja) => ("", Some(self.reason.clone())),
            (0, Lang::En) => (network_message(lang), None),
            (401, Lang::Ja) => ("ログインの有効期限が切れました。別のタブでログインしてから、もう一度保存してください。入力内容はこのページに残っています。", None),
            (401, Lang::En) => ("Your sign-in has expired. Sign in again in another tab, then save again. What you entered is still on this page.", None),
            (403, Lang::Ja) => ("権限がありません：", Some(self.reason.clone())),
            (403, Lang::En) => ("You do not have permission: ", Some(self.reason.clone())),
            _ => ("", Some(self.reason.clone())),
        }
    }
}

fn network_message(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "サーバーに接続できませんでした。入力内容はそのまま残っています。通信状態を確認して、もう一度保存してください。",
        Lang::En => "The server could not be reached. What you entered is still here. Check the connection and save again.",
    }
}

/// A problem's message in the page's language, the server's reason marked `lang="ja"` when it
/// holds Japanese (a reason quoting the plan's words, or one an older server sent), so an
/// English page says which part is Japanese.
#[component]
pub fn ProblemMessage(problem: Problem) -> impl IntoView {
    let (own, reason) = problem.parts_in(crate::lang::use_lang());
    view! {
        {own}
        {reason.map(|reason| {
            let lang = mark_japanese(&reason);
            view! { <span lang=lang>{reason}</span> }
        })}
    }
}

/// The interface texts' locale for `lang`, for texts looked up away from any component
/// (`td_string!`), where `use_i18n` has no context to read.
pub fn locale(lang: Lang) -> crate::i18n::Locale {
    match lang {
        Lang::Ja => crate::i18n::Locale::ja,
        Lang::En => crate::i18n::Locale::en,
    }
}

/// The page's language as `<html lang>` says it, for words written away from any component
/// (the sync engine, a request's failure). It is fixed for a tab's life: switching languages
/// loads the page again. Outside the browser, Japanese.
pub fn page_lang() -> Lang {
    #[cfg(feature = "hydrate")]
    {
        document()
            .document_element()
            .and_then(|root| root.get_attribute("lang"))
            .and_then(|code| Lang::from_code(&code))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Lang::default()
    }
}

/// Sends `body` as JSON with the session's CSRF token and returns the JSON answer.
#[cfg(feature = "hydrate")]
pub async fn send_json(
    method: &str,
    url: &str,
    csrf_token: &str,
    body: Option<&Value>,
) -> Result<Value, Problem> {
    send(method, url, csrf_token, &[], body.map(Value::to_string)).await
}

/// Sends a JSON `body` (already serialized) with the session's CSRF token and `headers`, and
/// decodes the answer straight into `T`: the sync engine moves thousands of mutations per
/// request, and a detour through [`Value`] would double the JSON work.
#[cfg(feature = "hydrate")]
pub async fn send<T: serde::de::DeserializeOwned>(
    method: &str,
    url: &str,
    csrf_token: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> Result<T, Problem> {
    use gloo_net::http::RequestBuilder;
    let mut builder = RequestBuilder::new(url)
        .method(
            method
                .parse::<gloo_net::http::Method>()
                .map_err(|_| Problem::network())?,
        )
        .header("X-CSRF-Token", csrf_token)
        .header("Accept", "application/json");
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    // Bodies go as bytes both ways, never as JavaScript strings: a push of 2,000 mutations is
    // over a megabyte, and a string would be decoded from UTF-8 into JavaScript's UTF-16 only
    // for the request to encode it back (a fifth of the page's work in a profiled sync).
    let request = match body {
        Some(body) => builder
            .header("Content-Type", "application/json")
            .body(js_sys::Uint8Array::from(body.as_bytes()))
            .map_err(|_| Problem::network())?,
        None => builder.build().map_err(|_| Problem::network())?,
    };
    let response = request.send().await.map_err(|_| Problem::network())?;
    let status = response.status();
    let bytes = response.binary().await.unwrap_or_default();
    if (200..300).contains(&status) {
        // An empty answer (204 No Content) reads as JSON `null`.
        let bytes = if bytes.trim_ascii().is_empty() {
            b"null"
        } else {
            bytes.as_slice()
        };
        return serde_json::from_slice(bytes).map_err(|e| Problem {
            status: 502,
            field: None,
            reason: unreadable_answer(page_lang(), &e.to_string()),
        });
    }
    let json: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let error = &json["error"];
    Err(Problem {
        status,
        field: error["field"].as_str().map(str::to_owned),
        reason: error["reason"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| not_saved(page_lang(), status)),
    })
}

/// The reason when the server's answer cannot be read.
#[cfg(any(feature = "hydrate", test))]
fn unreadable_answer(lang: Lang, error: &str) -> String {
    match lang {
        Lang::Ja => format!("サーバーの応答を読み取れませんでした：{error}"),
        Lang::En => format!("The server's answer could not be read: {error}"),
    }
}

/// The reason when the server refused without giving one.
#[cfg(any(feature = "hydrate", test))]
fn not_saved(lang: Lang, status: u16) -> String {
    match lang {
        Lang::Ja => format!("保存できませんでした（HTTP {status}）。"),
        Lang::En => format!("Could not save (HTTP {status})."),
    }
}

/// Forms only submit in the browser; on the server this is never called.
#[cfg(not(feature = "hydrate"))]
pub async fn send_json(
    _method: &str,
    _url: &str,
    _csrf_token: &str,
    _body: Option<&Value>,
) -> Result<Value, Problem> {
    Err(Problem::network())
}

#[cfg(test)]
mod tests {
    use super::{not_saved, unreadable_answer, Problem};
    use keikaku_domain::lang::Lang;

    fn problem(status: u16, reason: &str) -> Problem {
        Problem {
            status,
            field: None,
            reason: reason.into(),
        }
    }

    #[test]
    fn japanese_messages_are_as_before() {
        assert_eq!(
            Problem::network().message(),
            "サーバーに接続できませんでした。入力内容はそのまま残っています。通信状態を確認して、もう一度保存してください。"
        );
        assert!(problem(401, "x")
            .message()
            .starts_with("ログインの有効期限が切れました。"));
        assert_eq!(problem(403, "理由").message(), "権限がありません：理由");
        assert_eq!(problem(400, "理由").message(), "理由");
        assert_eq!(
            not_saved(Lang::Ja, 500),
            "保存できませんでした（HTTP 500）。"
        );
        assert_eq!(
            unreadable_answer(Lang::Ja, "e"),
            "サーバーの応答を読み取れませんでした：e"
        );
    }

    #[test]
    fn english_messages_quote_only_the_servers_reason() {
        assert_eq!(
            Problem::network().parts_in(Lang::En),
            ("The server could not be reached. What you entered is still here. Check the connection and save again.", None)
        );
        assert_eq!(
            problem(401, "ログインが必要です。").parts_in(Lang::En).1,
            None
        );
        assert_eq!(
            problem(403, "権限がありません").message_in(Lang::En),
            "You do not have permission: 権限がありません"
        );
        assert_eq!(
            problem(409, "競合").parts_in(Lang::En),
            ("", Some("競合".into()))
        );
        assert_eq!(not_saved(Lang::En, 500), "Could not save (HTTP 500).");
        assert_eq!(
            unreadable_answer(Lang::En, "e"),
            "The server's answer could not be read: e"
        );
    }
}
