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

/// Opens the year-end round of 2024 for the measure.
fn open_round(server: &TestServer, admin: &Session) {
    let open = serde_json::json!({
        "id": "r6", "fiscal_year": 2024, "kind": "year_end", "title": "令和6年度実績",
        "opens_on": "2025-04-01", "deadline": "2025-05-31", "scope": [format!("measure:{MEASURE}")]
    });
    let r = request_with(
        &server.addr,
        "POST",
        &format!("/api/v1/plans/{PLAN}/rounds"),
        Some(&open.to_string()),
        &headers(admin),
    );
    assert_eq!(r.status, 201, "{}", r.body);
}

fn set(field: Field, value: FieldValue, empty: FieldValue) -> Change {
    Change::Set {
        field,
        value,
        base_version: 0,
        base_value: empty,
    }
}

/// Submits the record (mutation `counter`), approves it and takes the round to final; `check`
/// runs after each step before publication, then the round is published.
fn report_and_publish(server: &TestServer, admin: &Session, counter: u64, check: impl Fn(&str)) {
    let submitted = push(
        server,
        admin,
        counter,
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
        let r = request_with(&server.addr, "POST", path, Some(body), &headers(admin));
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
        check(action);
    }
    post("/api/v1/rounds/r6/steps", r#"{"action":"publish"}"#);
}

#[test]
fn citizens_see_results_only_once_the_round_is_published() {
    let server = TestServer::start();
    let admin = administrator(&server, "komagane", "k-admin", PASSWORD);
    open_round(&server, &admin);
    let text = |t: &str| FieldValue::Text(t.into());
    push(
        &server,
        &admin,
        1,
        set(Field::Results, text(RESULT), text("")),
    );
    assert!(shows_result(&server, Some(&admin)), "staff see it at once");
    assert!(!shows_result(&server, None), "citizens do not");
    report_and_publish(&server, &admin, 2, |action| {
        assert!(
            !shows_result(&server, None),
            "not yet public after {action}"
        );
    });
    assert!(shows_result(&server, None), "public once published");
}

/// Where the measure stands on the progress overview, for `session` or the public: its
/// standing in the page data, checked against the page's summary sentence.
fn standing_on_the_overview(server: &TestServer, session: Option<&Session>) -> String {
    let headers: Vec<(&str, &str)> = session
        .map(|s| vec![("Cookie", s.cookie.as_str())])
        .unwrap_or_default();
    let data = request_with(
        &server.addr,
        "GET",
        &format!("/api/v1/pages/progress?plan_id={PLAN}"),
        None,
        &headers,
    );
    assert_eq!(data.status, 200, "{}", data.body);
    let view = data.json();
    let standing = view["overview"]["pillars"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["measures"].as_array().unwrap().iter())
        .find(|m| m["id"] == MEASURE)
        .map(|m| m["standing"].as_str().unwrap().to_owned())
        .unwrap();
    let page = request_with(
        &server.addr,
        "GET",
        &format!("/plans/{PLAN}/progress"),
        None,
        &headers,
    );
    assert_eq!(page.status, 200);
    assert_eq!(
        page.body.contains("遅れ 1件"),
        standing == "delayed",
        "page and data agree"
    );
    standing
}

/// The statuses of the measure in the plan's open data (`progress.json`).
fn statuses_in_open_data(server: &TestServer) -> Vec<String> {
    let data = request_with(
        &server.addr,
        "GET",
        &format!("/api/v1/plans/{PLAN}/data/progress.json"),
        None,
        &[],
    );
    assert_eq!(data.status, 200, "{}", data.body);
    data.json()["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["measure_id"] == MEASURE)
        .map(|r| r["status"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn the_progress_overview_shows_only_what_a_published_round_made_public() {
    let server = TestServer::start();
    let admin = administrator(&server, "komagane", "k-admin", PASSWORD);
    open_round(&server, &admin);
    let status = |s| FieldValue::Status(Some(s));
    let delayed = status(keikaku_sync::progress::Status::Delayed);
    push(
        &server,
        &admin,
        1,
        set(Field::Status, delayed, FieldValue::Status(None)),
    );
    // The overview is the public account: members see there what citizens see.
    for viewer in [None, Some(&admin)] {
        assert_eq!(standing_on_the_overview(&server, viewer), "unpublished");
    }
    report_and_publish(&server, &admin, 2, |action| {
        assert_eq!(
            standing_on_the_overview(&server, None),
            "unpublished",
            "after {action}"
        );
        assert!(statuses_in_open_data(&server).is_empty(), "after {action}");
        let feed = request_with(
            &server.addr,
            "GET",
            &format!("/api/v1/plans/{PLAN}/feed.atom"),
            None,
            &[],
        );
        assert!(
            !feed.body.contains("令和6年度実績"),
            "not in the feed after {action}"
        );
    });
    assert_eq!(statuses_in_open_data(&server), ["遅れ"]);
    // Followers of the plan's feed learn of it, newest first, linked to the overview.
    let feed = request_with(
        &server.addr,
        "GET",
        &format!("/api/v1/plans/{PLAN}/feed.atom"),
        None,
        &[],
    );
    assert_eq!(feed.status, 200);
    let first_entry = &feed.body[feed.body.find("<entry>").unwrap()..];
    assert!(
        first_entry.contains("令和6年度実績を公表しました"),
        "{}",
        feed.body
    );
    assert!(first_entry.contains(&format!("/plans/{PLAN}/progress")));
    for viewer in [None, Some(&admin)] {
        assert_eq!(standing_on_the_overview(&server, viewer), "delayed");
    }
}
