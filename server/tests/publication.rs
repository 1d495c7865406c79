//! Citizens see progress only once a reporting round publishes it: recorded results stay
//! inside the organization through submission, approval and finalization, and appear on the
//! public measure page and its data endpoint the moment the round is published.

mod support;

use keikaku_sync::progress::{Field, FieldValue, RecordKey};
use keikaku_sync::protocol::{
    Change, ClientId, Mutation, MutationId, PushRequest, PushResponse, REPLICA_USER_HEADER,
};
use support::{administrator, request_with, Session, TestServer};

const PASSWORD: &str = "publication passphrase";
const PLAN: &str = "komagane-dx-strategy";
const MEASURE: &str = "regional-04";
const RESULT: &str = "公表前には見えない実績テキスト";

fn headers(session: &Session) -> Vec<(&str, &str)> {
    vec![
        ("Cookie", session.cookie.as_str()),
        ("X-CSRF-Token", session.csrf.as_str()),
        (REPLICA_USER_HEADER, session.replica.as_str()),
    ]
}

fn push(server: &TestServer, session: &Session, counter: u64, change: Change) -> PushResponse {
    let client = ClientId::new("publication-tablet").unwrap();
    let request = PushRequest {
        client_id: client.clone(),
        mutations: vec![Mutation {
            id: MutationId::new(&client, counter),
            key: RecordKey::measure(PLAN, MEASURE, 2024).into(),
            change,
        }],
    };
    let body = serde_json::to_string(&request).unwrap();
    let r = request_with(
        &server.addr,
        "POST",
        "/api/v1/sync/push",
        Some(&body),
        &headers(session),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

/// Whether the result shows on the measure page and in the page data, for `session` or the
/// public; both must agree.
fn shows_result(server: &TestServer, session: Option<&Session>) -> bool {
    let headers: Vec<(&str, &str)> = session
        .map(|s| vec![("Cookie", s.cookie.as_str())])
        .unwrap_or_default();
    let data = request_with(
        &server.addr,
        "GET",
        &format!("/api/v1/pages/actuals?plan_id={PLAN}"),
        None,
        &headers,
    );
    assert_eq!(data.status, 200, "{}", data.body);
    let page = request_with(
        &server.addr,
        "GET",
        &format!("/plans/{PLAN}/measures/{MEASURE}"),
        None,
        &headers,
    );
    assert_eq!(page.status, 200);
    let in_data = data.body.contains(RESULT);
    assert_eq!(page.body.contains(RESULT), in_data, "page and data agree");
    in_data
}

#[test]
fn citizens_see_results_only_once_the_round_is_published() {
    let server = TestServer::start();
    let admin = administrator(&server, "komagane", "k-admin", PASSWORD);
    let open = serde_json::json!({
        "id": "r6", "fiscal_year": 2024, "kind": "year_end", "title": "令和6年度実績",
        "opens_on": "2025-04-01", "deadline": "2025-05-31", "scope": [format!("measure:{MEASURE}")]
    });
    let r = request_with(
        &server.addr,
        "POST",
        &format!("/api/v1/plans/{PLAN}/rounds"),
        Some(&open.to_string()),
        &headers(&admin),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    push(
        &server,
        &admin,
        1,
        Change::Set {
            field: Field::Results,
            value: FieldValue::Text(RESULT.into()),
            base_version: 0,
            base_value: FieldValue::Text(String::new()),
        },
    );
    assert!(shows_result(&server, Some(&admin)), "staff see it at once");
    assert!(!shows_result(&server, None), "citizens do not");

    let submitted = push(
        &server,
        &admin,
        2,
        Change::Submit {
            round_id: "r6".into(),
            seen: 0,
        },
    );
    assert!(
        matches!(
            submitted.results[0].outcome,
            keikaku_sync::protocol::Outcome::Applied { .. }
        ),
        "{submitted:?}"
    );
    let post = |path: &str, body: &str| {
        let r = request_with(&server.addr, "POST", path, Some(body), &headers(&admin));
        assert_eq!(r.status, 200, "{path}: {}", r.body);
    };
    post(
        &format!("/api/v1/rounds/r6/records/measure/{MEASURE}/steps"),
        r#"{"action":"approve"}"#,
    );
    for action in ["close", "finalize"] {
        post(
            "/api/v1/rounds/r6/steps",
            &format!(r#"{{"action":"{action}"}}"#),
        );
        assert!(
            !shows_result(&server, None),
            "not yet public after {action}"
        );
    }
    post("/api/v1/rounds/r6/steps", r#"{"action":"publish"}"#);
    assert!(shows_result(&server, None), "public once published");
}
