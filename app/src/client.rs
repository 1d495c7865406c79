//! Calls from the hydrated app to the JSON API (`/api/v1/...`), for the forms that change data.
//! The API's errors name the field and the reason; [`Problem`] carries both to the form.

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
    pub fn network() -> Problem {
        Problem {
            status: 0,
            field: None,
            reason: "サーバーに接続できませんでした。入力内容はそのまま残っています。通信状態を確認して、もう一度保存してください。".into(),
        }
    }

    /// A message for the page: what went wrong and what to do.
    pub fn message(&self) -> String {
        match self.status {
            401 => "ログインの有効期限が切れました。別のタブでログインしてから、もう一度保存してください。入力内容はこのページに残っています。".into(),
            403 => format!("権限がありません：{}", self.reason),
            _ => self.reason.clone(),
        }
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
            reason: format!("サーバーの応答を読み取れませんでした：{e}"),
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
            .unwrap_or_else(|| format!("保存できませんでした（HTTP {status}）。")),
    })
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
