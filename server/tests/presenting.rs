//! 「説明中の箇所」: an official points the council to a part of the plan's document and every
//! member of the organization with it open hears of it within 2 seconds; who may point, who
//! may listen (generated over every caller), and bad input naming its field.

mod support;

use std::time::{Duration, Instant};

use support::{add_account, request_with, sign_in, EventStream, NewAccount, Session, TestServer};

const PASSWORD: &str = "presenting test passphrase";
const PLAN: &str = "komagane-dx-strategy";

fn headers(session: Option<&Session>) -> Vec<(&str, &str)> {
    let mut h = vec![("Content-Type", "application/json")];
    if let Some(s) = session {
        h.push(("Cookie", s.cookie.as_str()));
        h.push(("X-CSRF-Token", s.csrf.as_str()));
    }
    h
}

fn point(
    server: &TestServer,
    session: Option<&Session>,
    anchor: &str,
    label: &str,
) -> support::Response {
    let body = serde_json::json!({ "anchor": anchor, "label": label, "version": 1 }).to_string();
    request_with(
        &server.addr,
        "PUT",
        &format!("/api/v1/plans/{PLAN}/presenting"),
        Some(&body),
        &headers(session),
    )
}

#[test]
fn officials_point_members_follow_and_nobody_else_does_either() {
    let server = TestServer::start();
    let users = [
        ("k-admin", "komagane", "administrator", None),
        ("k-editor", "komagane", "editor", Some("企画振興課")),
        ("k-council", "komagane", "council_member", None),
        ("s-admin", "shimada", "administrator", None),
        ("s-editor", "shimada", "editor", Some("DX推進課")),
        ("s-council", "shimada", "council_member", None),
    ];
    let mut callers: Vec<(&str, Option<Session>, bool, bool)> =
        vec![("public", None, false, false)];
    for (login, organization, role, department) in users {
        let account = NewAccount {
            organization,
            login,
            name: login,
            role,
            department,
            password: PASSWORD,
        };
        assert!(add_account(&server, account).status.success());
        let own = organization == "komagane";
        let presents = own && role != "council_member";
        callers.push((
            login,
            Some(sign_in(&server, login, PASSWORD)),
            presents,
            own,
        ));
    }
    let mut failures = Vec::new();
    for (name, session, presents, follows) in &callers {
        let r = point(
            &server,
            session.as_ref(),
            "doc-measure-citizen-12",
            "施策12",
        );
        let expected = match (session, presents) {
            (None, _) => 401,
            (_, true) => 200,
            _ => 403,
        };
        if r.status != expected {
            failures.push(format!("point as {name}: {} {}", r.status, r.body));
        }
        let mut stream = EventStream::open_path(
            &server.addr,
            &format!("/api/v1/plans/{PLAN}/presenting/events"),
            session.as_ref(),
        );
        let expected = match (session, follows) {
            (None, _) => 401,
            (_, true) => 200,
            _ => 403,
        };
        if stream.status != expected {
            failures.push(format!("listen as {name}: {}", stream.status));
        }
        if *follows {
            // Opening tells where the council is now.
            let (event, data) = stream
                .next_event(Instant::now() + Duration::from_secs(5))
                .expect("the opening event");
            assert_eq!(event, "presenting");
            assert!(data.contains("doc-measure-citizen-12"), "{data}");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_pointer_reaches_a_council_member_within_2_seconds_and_its_end_too() {
    let server = TestServer::start();
    for (login, role, department) in [
        ("k-editor", "editor", Some("企画振興課")),
        ("k-council", "council_member", None),
    ] {
        let account = NewAccount {
            organization: "komagane",
            login,
            name: "説明する職員",
            role,
            department,
            password: PASSWORD,
        };
        assert!(add_account(&server, account).status.success());
    }
    let official = sign_in(&server, "k-editor", PASSWORD);
    let member = sign_in(&server, "k-council", PASSWORD);
    let mut stream = EventStream::open_path(
        &server.addr,
        &format!("/api/v1/plans/{PLAN}/presenting/events"),
        Some(&member),
    );
    assert_eq!(stream.header("content-type"), Some("text/event-stream"));
    let (_, opening) = stream
        .next_event(Instant::now() + Duration::from_secs(5))
        .unwrap();
    assert_eq!(opening, "null");

    let sent = Instant::now();
    let r = point(
        &server,
        Some(&official),
        "doc-measure-regional-01",
        "施策 少子化対策",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let (event, data) = stream
        .next_event(sent + Duration::from_secs(2))
        .expect("the pointer within 2 seconds");
    assert_eq!(event, "presenting");
    let pointer: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(pointer["anchor"], "doc-measure-regional-01");
    assert_eq!(pointer["label"], "施策 少子化対策");
    assert_eq!(pointer["by"], "説明する職員");

    let r = request_with(
        &server.addr,
        "DELETE",
        &format!("/api/v1/plans/{PLAN}/presenting"),
        None,
        &headers(Some(&official)),
    );
    assert_eq!(r.status, 204);
    let (_, data) = stream
        .next_event(Instant::now() + Duration::from_secs(2))
        .expect("the end within 2 seconds");
    assert_eq!(data, "null");

    // Bad input names its field and points nowhere.
    for (anchor, label, field) in [
        ("javascript:alert(1)", "施策", "anchor"),
        ("doc-measure-x", "  ", "label"),
        ("doc-measure-x", "改\n行", "label"),
    ] {
        let r = point(&server, Some(&official), anchor, label);
        assert_eq!(r.status, 400, "{anchor} {label:?}");
        assert_eq!(r.json()["error"]["field"], field);
    }
    let now = request_with(
        &server.addr,
        "GET",
        &format!("/api/v1/plans/{PLAN}/presenting"),
        None,
        &headers(Some(&member)),
    );
    assert_eq!(now.body, "null");
}
