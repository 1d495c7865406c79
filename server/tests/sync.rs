//! Progress sync over HTTP with a real server process on a loopback port: a generated
//! authorization matrix for push (progress and notes on the document), pull and events, and
//! for event streams after their session ended (sign-out, password change, disabling); at most four streams per session; malformed,
//! oversized and forged pushes refused with nothing applied; events reaching another session;
//! and a server killed with SIGKILL in the middle of large pushes, restarted on the same data,
//! applying every mutation exactly once; a backup taken during pushes holding every push
//! acknowledged before it; readers' notes pulled by their author alone.

mod support;

use support::EventStream;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use keikaku_domain::access::{can_annotate, can_record_progress, PlanRef, Principal, Role, Viewer};
use keikaku_domain::format::{PlanFile, PlanStatus};
use keikaku_store::Store;
use keikaku_sync::progress::{Field, FieldNote, FieldValue, RecordKey};
use keikaku_sync::protocol::{
    Change, ChangeEntry, ClientId, Mutation, MutationId, MutationKey, Outcome, PullResponse,
    PushRequest, PushResponse, MAX_PUSH_MUTATIONS, REPLICA_USER_HEADER,
};
use support::{
    add_account, request_with, run, try_request_with, NewAccount, Response, Session, TempDir,
    TestServer,
};

const PASSWORD: &str = "sync test passphrase";
const PLAN: &str = "komagane-dx-strategy";
const PROTOCOL_HEADER: &str = "keikaku-sync-protocol";

/// Everyone the sync endpoints must tell apart.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Caller {
    Administrator,
    /// An editor of 企画振興課, which leads some measures.
    LeadEditor,
    /// An editor of 税務課, which leads other measures.
    OtherEditor,
    CouncilMember,
    Public,
    /// An administrator of 島田市.
    OtherOrganization,
}

const CALLERS: [Caller; 6] = [
    Caller::Administrator,
    Caller::LeadEditor,
    Caller::OtherEditor,
    Caller::CouncilMember,
    Caller::Public,
    Caller::OtherOrganization,
];

impl Caller {
    /// Login, organization, role and department of the caller's account.
    fn account(self) -> Option<(&'static str, &'static str, Role, Option<&'static str>)> {
        Some(match self {
            Caller::Administrator => ("k-admin", "komagane", Role::Administrator, None),
            Caller::LeadEditor => ("k-planning", "komagane", Role::Editor, Some("企画振興課")),
            Caller::OtherEditor => ("k-taxes", "komagane", Role::Editor, Some("税務課")),
            Caller::CouncilMember => ("k-council", "komagane", Role::CouncilMember, None),
            Caller::OtherOrganization => ("s-admin", "shimada", Role::Administrator, None),
            Caller::Public => return None,
        })
    }

    fn viewer(self) -> Viewer {
        match self.account() {
            None => Viewer::Public,
            Some((_, organization, role, department)) => Viewer::User(Principal {
                user_id: 0,
                organization_id: organization.into(),
                role,
                department: department.map(Into::into),
            }),
        }
    }

    fn client(self) -> ClientId {
        ClientId::new(format!("{self:?}").to_lowercase()).unwrap()
    }
}

fn add_caller(server: &TestServer, caller: Caller) {
    let Some((login, organization, role, department)) = caller.account() else {
        return;
    };
    let out = add_account(
        server,
        NewAccount {
            organization,
            login,
            name: login,
            role: role.as_str(),
            department,
            password: PASSWORD,
        },
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn sign_in_as(server: &TestServer, caller: Caller) -> Option<Session> {
    let (login, ..) = caller.account()?;
    Some(support::sign_in(server, login, PASSWORD))
}

fn push_raw(addr: &str, session: Option<&Session>, body: &str) -> Response {
    let mut headers = Vec::new();
    if let Some(s) = session {
        headers.push(("Cookie", s.cookie.as_str()));
        headers.push(("X-CSRF-Token", s.csrf.as_str()));
        headers.push((REPLICA_USER_HEADER, s.replica.as_str()));
    }
    request_with(addr, "POST", "/api/v1/sync/push", Some(body), &headers)
}

fn push(server: &TestServer, session: &Session, request: &PushRequest) -> PushResponse {
    let r = push_raw(
        &server.addr,
        Some(session),
        &serde_json::to_string(request).unwrap(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header(PROTOCOL_HEADER), Some("1"));
    serde_json::from_str(&r.body).unwrap()
}

fn pull_raw(server: &TestServer, session: Option<&Session>, query: &str) -> Response {
    let headers: Vec<(&str, &str)> = session
        .map(|s| {
            [
                ("Cookie", s.cookie.as_str()),
                (REPLICA_USER_HEADER, s.replica.as_str()),
            ]
        })
        .into_iter()
        .flatten()
        .collect();
    request_with(
        &server.addr,
        "GET",
        &format!("/api/v1/sync/pull{query}"),
        None,
        &headers,
    )
}

/// Every row the session's replica would hold, pulled page by page; and the final cursor.
fn pull_everything(server: &TestServer, session: &Session) -> (Vec<ChangeEntry>, u64) {
    let mut changes = Vec::new();
    let mut since = 0;
    loop {
        let query = format!("?since={since}&limit=1000&notebooks=1");
        let r = pull_raw(server, Some(session), &query);
        assert_eq!(r.status, 200, "{}", r.body);
        let page: PullResponse = serde_json::from_str(&r.body).unwrap();
        changes.extend(page.changes);
        since = page.cursor;
        if !page.more {
            return (changes, since);
        }
    }
}

fn note(client: &ClientId, n: u64, key: RecordKey, text: &str) -> Mutation {
    let id = MutationId::new(client, n);
    Mutation {
        change: Change::AppendNote {
            note: FieldNote {
                id: id.to_string(),
                date: "2024-06-01".into(),
                text: text.into(),
                author: "職員".into(),
                retracted: false,
            },
        },
        id,
        key: key.into(),
    }
}

fn set(client: &ClientId, n: u64, key: RecordKey, field: Field, value: FieldValue) -> Mutation {
    Mutation {
        id: MutationId::new(client, n),
        key: key.into(),
        change: Change::Set {
            field,
            base_value: field.empty_value(),
            base_version: 0,
            value,
        },
    }
}

fn exported_plan(server: &TestServer, plan_id: &str) -> PlanFile {
    let r = server.get(&format!("/api/v1/plans/{plan_id}"));
    assert_eq!(r.status, 200);
    serde_json::from_str(&r.body).unwrap()
}

// ---- Server-sent events ----

/// The sync event stream's own reading: `changed` events.
impl EventStream {
    /// The sequence of the next `changed` event.
    fn next_changed(&mut self, within: Duration) -> Option<u64> {
        let (event, data) = self.next_event(Instant::now() + within)?;
        assert_eq!(event, "changed");
        let data: serde_json::Value = serde_json::from_str(&data).unwrap();
        data["sequence"].as_u64()
    }
}

// ---- Authorization ----

fn rule_allows(caller: Caller, plan: &PlanFile, key: &RecordKey) -> bool {
    let measure = plan
        .plan
        .measures
        .iter()
        .find(|m| m.id == key.target.id() || m.actions.iter().any(|a| a.id == key.target.id()))
        .unwrap();
    let departments: Vec<&str> = measure
        .lead_departments
        .iter()
        .chain(&measure.related_departments)
        .map(String::as_str)
        .collect();
    can_record_progress(&caller.viewer(), plan_ref(plan), &departments)
}

fn plan_ref(plan: &PlanFile) -> PlanRef<'_> {
    PlanRef {
        organization_id: &plan.organization.id,
        status: plan.plan.status,
    }
}

/// Every caller × push (on measures led by either editor's department, and an action) ×
/// pull × events. Expected answers come from the access rule, not from a list.
#[test]
fn the_sync_authorization_matrix_follows_the_access_rules() {
    let server = TestServer::start();
    for caller in CALLERS {
        add_caller(&server, caller);
    }
    let plan = exported_plan(&server, PLAN);
    assert_eq!(plan.plan.status, PlanStatus::Published);
    let targets = [
        RecordKey::measure(PLAN, "regional-04", 2024), // lead 企画振興課
        RecordKey::action(PLAN, "regional-04-1", 2024), // its action
        RecordKey::measure(PLAN, "citizen-03", 2025),  // lead 税務課
    ];
    let mut cases = 0;
    let mut applied_keys = Vec::new();
    let mut annotated = 0;
    for caller in CALLERS {
        let session = sign_in_as(&server, caller);
        let client = caller.client();

        for (n, key) in targets.iter().enumerate() {
            let request = PushRequest {
                client_id: client.clone(),
                mutations: vec![note(&client, n as u64 + 1, key.clone(), "記録")],
            };
            let r = push_raw(
                &server.addr,
                session.as_ref(),
                &serde_json::to_string(&request).unwrap(),
            );
            cases += 1;
            assert_eq!(r.header(PROTOCOL_HEADER), Some("1"), "every sync answer");
            let Some(_) = &session else {
                assert_eq!(r.status, 401, "{caller:?} push {key}: {}", r.body);
                continue;
            };
            assert_eq!(r.status, 200, "{caller:?} push {key}: {}", r.body);
            let response: PushResponse = serde_json::from_str(&r.body).unwrap();
            match (
                &response.results[0].outcome,
                rule_allows(caller, &plan, key),
            ) {
                (Outcome::Applied { .. }, true) => applied_keys.push(key.clone()),
                (Outcome::Rejected { reason, .. }, false) => {
                    assert!(
                        reason.contains("権限がありません"),
                        "{caller:?} {key}: {reason}"
                    )
                }
                (outcome, allowed) => {
                    panic!("{caller:?} push {key}: {outcome:?}, allowed: {allowed}")
                }
            }
        }

        // A note of their own on the plan's document.
        let request = PushRequest {
            client_id: client.clone(),
            mutations: vec![annotation(&client, targets.len() as u64 + 1, "メモ")],
        };
        let r = push_raw(
            &server.addr,
            session.as_ref(),
            &serde_json::to_string(&request).unwrap(),
        );
        cases += 1;
        match &session {
            None => assert_eq!(r.status, 401, "{caller:?} note: {}", r.body),
            Some(_) => {
                assert_eq!(r.status, 200, "{caller:?} note: {}", r.body);
                let response: PushResponse = serde_json::from_str(&r.body).unwrap();
                let outcome = &response.results[0].outcome;
                let allowed = can_annotate(&caller.viewer(), plan_ref(&plan));
                assert_eq!(
                    matches!(outcome, Outcome::Applied { .. }),
                    allowed,
                    "{caller:?} note: {outcome:?}"
                );
                if allowed {
                    annotated += 1;
                }
            }
        }

        let r = pull_raw(&server, session.as_ref(), "?since=0");
        cases += 1;
        let events = EventStream::open(&server.addr, session.as_ref());
        cases += 1;
        match &session {
            None => {
                assert_eq!(r.status, 401, "{caller:?} pull");
                assert_eq!(events.status, 401, "{caller:?} events");
            }
            Some(_) => {
                assert_eq!(r.status, 200, "{caller:?} pull: {}", r.body);
                assert_eq!(r.header(PROTOCOL_HEADER), Some("1"));
                assert_eq!(events.status, 200, "{caller:?} events");
                assert_eq!(events.header("content-type"), Some("text/event-stream"));
                assert_eq!(events.header(PROTOCOL_HEADER), Some("1"));
            }
        }
    }
    assert_eq!(cases, CALLERS.len() * (targets.len() + 3));
    // Administrators and each editor on their department's measures; nobody else.
    assert_eq!(applied_keys.len(), 3 + 2 + 1, "{applied_keys:?}");
    // Everyone signed in keeps notes on the published plan.
    assert_eq!(annotated, CALLERS.len() - 1);

    // A replica holds its own organization's progress: all of it, and nothing else.
    for caller in CALLERS {
        let Some(session) = sign_in_as(&server, caller) else {
            continue;
        };
        let (changes, cursor) = pull_everything(&server, &session);
        let expected = if caller == Caller::OtherOrganization {
            0
        } else {
            applied_keys.len()
        };
        // And the caller's own note.
        assert_eq!(changes.len(), expected + 1, "{caller:?}");
        assert_eq!(
            cursor,
            (applied_keys.len() + annotated) as u64,
            "{caller:?}: the cursor reaches the head"
        );
    }
}

/// A reader's note on the plan's document, as the browser's replica sends it.
fn annotation(client: &ClientId, n: u64, text: &str) -> Mutation {
    let id = MutationId::new(client, n);
    let annotation = serde_json::json!({
        "id": id.as_str(), "plan_id": PLAN, "version": 1, "kind": "note",
        "target": {"type": "part", "anchor": "doc-measure-internal-02", "label": "ペーパーレス"},
        "text": text, "made_at": 1_780_000_000
    });
    Mutation {
        id,
        key: MutationKey::notebook(PLAN),
        change: Change::AppendAnnotation {
            annotation: serde_json::from_value(annotation).unwrap(),
        },
    }
}

/// Every caller with an account keeps notes on the plan's document through sync; each pulls
/// exactly their own, on any device they sign in on, and nobody else's.
#[test]
fn notes_on_the_document_sync_to_their_author_alone() {
    let server = TestServer::start();
    let signed_in: Vec<Caller> = CALLERS
        .into_iter()
        .filter(|c| c.account().is_some())
        .collect();
    for caller in &signed_in {
        add_caller(&server, *caller);
        let session = sign_in_as(&server, *caller).unwrap();
        let text = format!("{caller:?}のメモ");
        let outcome = push_one(&server, &session, annotation(&caller.client(), 1, &text));
        assert!(
            matches!(outcome, Outcome::Applied { .. }),
            "{caller:?}: {outcome:?}"
        );
    }
    for caller in &signed_in {
        // A second sign-in: another device of the same person.
        let session = sign_in_as(&server, *caller).unwrap();
        let (changes, _) = pull_everything(&server, &session);
        let notes: Vec<String> = changes
            .into_iter()
            .filter_map(|entry| match entry {
                ChangeEntry::Annotation { annotation, .. } => Some(annotation.text),
                _ => None,
            })
            .collect();
        assert_eq!(notes, [format!("{caller:?}のメモ")], "{caller:?}");
        // A client built before notebooks existed does not ask for them, and gets none.
        let r = pull_raw(&server, Some(&session), "?since=0&limit=1000");
        let page: PullResponse = serde_json::from_str(&r.body).unwrap();
        assert!(
            !page
                .changes
                .iter()
                .any(|c| matches!(c, ChangeEntry::Annotation { .. })),
            "{caller:?}"
        );
    }
    let r = pull_raw(
        &server,
        sign_in_as(&server, Caller::Administrator).as_ref(),
        "?notebooks=yes",
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["field"], "notebooks");
}

/// Every signed-in caller × whose replica the request names (their own, each other caller's,
/// none) × push and pull: only their own is served. A tab left open for someone who signed out
/// while another user signed in on the same browser must neither take in the new user's rows
/// nor send its edits under the new user's name.
#[test]
fn a_sync_for_another_users_replica_is_refused_and_changes_nothing() {
    let server = TestServer::start();
    let callers: Vec<Caller> = CALLERS
        .into_iter()
        .filter(|c| c.account().is_some())
        .collect();
    let sessions: Vec<(Caller, Session)> = callers
        .iter()
        .map(|&caller| {
            add_caller(&server, caller);
            (caller, sign_in_as(&server, caller).unwrap())
        })
        .collect();
    let key = RecordKey::measure(PLAN, "regional-04", 2024);
    let mut counter = 0;
    for (caller, session) in &sessions {
        let client = caller.client();
        let named: Vec<(Option<&str>, Option<Caller>)> = sessions
            .iter()
            .map(|(other, s)| (Some(s.replica.as_str()), Some(*other)))
            .chain([(None, None)])
            .collect();
        for (replica, whose) in named {
            counter += 1;
            let request = PushRequest {
                client_id: client.clone(),
                mutations: vec![note(&client, counter, key.clone(), "他人の端末から")],
            };
            let mut headers = vec![
                ("Cookie", session.cookie.as_str()),
                ("X-CSRF-Token", session.csrf.as_str()),
            ];
            headers.extend(replica.map(|r| (REPLICA_USER_HEADER, r)));
            let body = serde_json::to_string(&request).unwrap();
            let pushed = request_with(
                &server.addr,
                "POST",
                "/api/v1/sync/push",
                Some(&body),
                &headers,
            );
            let pulled = request_with(
                &server.addr,
                "GET",
                "/api/v1/sync/pull?since=0",
                None,
                &headers,
            );
            for (what, r) in [("push", &pushed), ("pull", &pulled)] {
                let expected = match whose {
                    Some(whose) if whose == *caller => 200,
                    Some(_) => 409,
                    None => 400,
                };
                assert_eq!(
                    r.status, expected,
                    "{caller:?} naming {whose:?}, {what}: {}",
                    r.body
                );
                if expected != 200 {
                    assert_eq!(r.json()["error"]["field"], REPLICA_USER_HEADER, "{what}");
                }
            }
        }
    }
    // Only the pushes naming the caller's own replica were decided: one applied note per
    // caller allowed to record on the measure, nothing else stored or remembered.
    let admin = &sessions[0].1;
    let (changes, _) = pull_everything(&server, admin);
    let allowed = callers
        .iter()
        .filter(|c| **c != Caller::OtherOrganization)
        .filter(|c| rule_allows(**c, &exported_plan(&server, PLAN), &key))
        .count();
    assert_eq!(changes.len(), allowed, "{changes:?}");
}

/// How a session ends.
#[derive(Clone, Copy, Debug)]
enum Ending {
    SignOut,
    PasswordChange,
    Disabled,
}

const ENDINGS: [Ending; 3] = [Ending::SignOut, Ending::PasswordChange, Ending::Disabled];

/// The user id behind a session.
fn user_id(server: &TestServer, session: &Session) -> i64 {
    let me = server.get_as("/api/v1/session", session);
    me.json()["user"]["id"].as_i64().unwrap()
}

/// Ends `session` of `caller` the way `ending` says; `password` is the caller's current one,
/// and becomes the new one after a change.
fn end_session(
    server: &TestServer,
    caller: Caller,
    session: &Session,
    ending: Ending,
    password: &mut String,
) {
    let own = [
        ("Cookie", session.cookie.as_str()),
        ("X-CSRF-Token", session.csrf.as_str()),
    ];
    let r = match ending {
        Ending::SignOut => request_with(&server.addr, "DELETE", "/api/v1/session", None, &own),
        Ending::PasswordChange => {
            let new = format!("{password} 改");
            let body = serde_json::json!({ "current_password": password, "new_password": new });
            *password = new;
            request_with(
                &server.addr,
                "PUT",
                "/api/v1/session/password",
                Some(&body.to_string()),
                &own,
            )
        }
        Ending::Disabled => {
            let (_, organization, ..) = caller.account().unwrap();
            let admin = support::sign_in(server, &second_administrator(organization), PASSWORD);
            let id = user_id(server, session);
            request_with(
                &server.addr,
                "PATCH",
                &format!("/api/v1/organizations/{organization}/users/{id}"),
                Some(r#"{"disabled":true}"#),
                &[
                    ("Cookie", admin.cookie.as_str()),
                    ("X-CSRF-Token", admin.csrf.as_str()),
                ],
            )
        }
    };
    assert!(r.status == 200 || r.status == 204, "{ending:?}: {}", r.body);
}

/// Another administrator of `organization`, who disables the callers.
fn second_administrator(organization: &str) -> String {
    format!("{organization}-admin-2")
}

/// Every signed-in caller × every way a session ends: the stream the caller opened before
/// ends with the session, and the old cookie opens no new one.
#[test]
fn event_streams_end_with_their_session_for_every_caller_and_ending() {
    let server = TestServer::start();
    for caller in CALLERS {
        add_caller(&server, caller);
    }
    for organization in ["komagane", "shimada"] {
        let login = second_administrator(organization);
        let out = add_account(
            &server,
            NewAccount {
                organization,
                login: &login,
                name: &login,
                role: "administrator",
                department: None,
                password: PASSWORD,
            },
        );
        assert!(out.status.success());
    }
    let mut cases = 0;
    let mut failures = Vec::new();
    for caller in CALLERS {
        let Some((login, ..)) = caller.account() else {
            continue;
        };
        let mut password = PASSWORD.to_owned();
        // Disabling last: the account stays disabled.
        for ending in ENDINGS {
            let session = support::sign_in(&server, login, &password);
            let mut stream = EventStream::open(&server.addr, Some(&session));
            assert_eq!(stream.status, 200, "{caller:?} {ending:?}");
            assert!(stream.next_changed(Duration::from_secs(5)).is_some());
            end_session(&server, caller, &session, ending, &mut password);
            cases += 1;
            if !stream.ends_within(Duration::from_secs(5)) {
                failures.push(format!("{caller:?} {ending:?}: the stream stayed open"));
            }
            let again = EventStream::open(&server.addr, Some(&session));
            if again.status != 401 {
                failures.push(format!(
                    "{caller:?} {ending:?}: reopened with {}",
                    again.status
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // 5 signed-in callers × 3 endings.
    assert_eq!(cases, 5 * 3);
}

#[test]
fn an_event_stream_ends_when_another_process_ends_its_session() {
    let server = TestServer::start_with(&[("KEIKAKU_TEST_SESSION_CHECK_MS", "200")]);
    add_caller(&server, Caller::CouncilMember);
    let session = sign_in_as(&server, Caller::CouncilMember).unwrap();
    let mut stream = EventStream::open(&server.addr, Some(&session));
    assert_eq!(stream.next_changed(Duration::from_secs(5)), Some(0));
    assert!(
        !stream.ends_within(Duration::from_millis(600)),
        "open while the session lives"
    );
    // What a second server process on the same database would do at sign-out.
    block_on(async {
        let store = Store::open(&server.data.0).await.unwrap();
        sqlx::query("DELETE FROM sessions")
            .execute(store.pool())
            .await
            .unwrap();
        store.close().await;
    });
    assert!(stream.ends_within(Duration::from_secs(5)));
}

#[test]
fn a_session_holds_at_most_four_event_streams() {
    let server = TestServer::start();
    add_caller(&server, Caller::CouncilMember);
    let session = sign_in_as(&server, Caller::CouncilMember).unwrap();
    let mut open: Vec<EventStream> = (0..4)
        .map(|_| EventStream::open(&server.addr, Some(&session)))
        .collect();
    assert!(open.iter().all(|s| s.status == 200));
    let fifth = EventStream::open(&server.addr, Some(&session));
    assert_eq!(fifth.status, 429);
    assert!(fifth.header("retry-after").is_some());
    let elsewhere = sign_in_as(&server, Caller::CouncilMember).unwrap();
    assert_eq!(
        EventStream::open(&server.addr, Some(&elsewhere)).status,
        200,
        "the cap is per session"
    );

    // The browser closes one: its place is free again once the server notices.
    drop(open.pop());
    let deadline = Instant::now() + Duration::from_secs(5);
    while EventStream::open(&server.addr, Some(&session)).status != 200 {
        assert!(
            Instant::now() < deadline,
            "the closed stream's place stayed taken"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn malformed_oversized_and_forged_pushes_are_refused_with_nothing_applied() {
    let server = TestServer::start();
    add_caller(&server, Caller::Administrator);
    let session = sign_in_as(&server, Caller::Administrator).unwrap();
    let client = Caller::Administrator.client();
    let key = RecordKey::measure(PLAN, "citizen-01", 2024);
    let good = serde_json::to_value(PushRequest {
        client_id: client.clone(),
        mutations: (1..=4)
            .map(|n| note(&client, n, key.clone(), "記録"))
            .collect(),
    })
    .unwrap();

    let malformed = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut body = good.clone();
        edit(&mut body);
        body.to_string()
    };
    let cases: Vec<(String, &str)> = vec![
        (
            malformed(&|b| b["mutations"][3]["id"] = "someone-else-4".into()),
            "mutations[3].id",
        ),
        (
            malformed(&|b| b["client_id"] = "Not Valid".into()),
            "client_id",
        ),
        (
            malformed(&|b| b["mutations"][1]["id"] = "Bad Id".into()),
            "mutations[1].id",
        ),
        (
            malformed(&|b| b["mutations"][2]["key"]["fiscal_year"] = "2024".into()),
            "mutations[2].key.fiscal_year",
        ),
        (
            malformed(&|b| b["mutations"][0]["change"]["op"] = "delete".into()),
            "mutations[0].change.op",
        ),
        (
            malformed(&|b| {
                let many: Vec<serde_json::Value> = (1..=MAX_PUSH_MUTATIONS as u64 + 1)
                    .map(|n| serde_json::to_value(note(&client, n, key.clone(), "多")).unwrap())
                    .collect();
                b["mutations"] = many.into();
            }),
            "mutations",
        ),
        (malformed(&|b| b["surprise"] = 1.into()), "surprise"),
    ];
    for (body, field) in &cases {
        let r = push_raw(&server.addr, Some(&session), body);
        assert_eq!(r.status, 400, "{field}: {}", r.body);
        let error = r.json()["error"].clone();
        assert_eq!(error["field"], *field, "{}", r.body);
        assert!(error["reason"].as_str().is_some_and(|r| !r.is_empty()));
    }
    let r = push_raw(&server.addr, Some(&session), "{\"client_id\": \"admin\"");
    assert_eq!(r.status, 400, "truncated: {}", r.body);
    // An unknown field inside a mutation is named by its place too.
    let r = push_raw(
        &server.addr,
        Some(&session),
        &malformed(&|b| b["mutations"][1]["change"]["extra"] = 1.into()),
    );
    assert_eq!(r.status, 400);
    assert!(
        r.json()["error"]["field"]
            .as_str()
            .unwrap()
            .starts_with("mutations[1].change"),
        "{}",
        r.body
    );

    // Over the 1 MiB limit: 413, even though each text is valid.
    let long = "長".repeat(19_000);
    let big = PushRequest {
        client_id: client.clone(),
        mutations: (1..=20)
            .map(|n| {
                set(
                    &client,
                    n,
                    key.clone(),
                    Field::Results,
                    FieldValue::Text(format!("{n}{long}")),
                )
            })
            .collect(),
    };
    let r = push_raw(
        &server.addr,
        Some(&session),
        &serde_json::to_string(&big).unwrap(),
    );
    assert_eq!(r.status, 413, "{}", r.body);
    assert_eq!(r.header(PROTOCOL_HEADER), Some("1"));

    // Without the CSRF token, with a wrong one or from another origin: 403.
    let body = good.to_string();
    let cookie = ("Cookie", session.cookie.as_str());
    let replica = (REPLICA_USER_HEADER, session.replica.as_str());
    for headers in [
        vec![cookie, replica],
        vec![cookie, replica, ("X-CSRF-Token", "0000")],
        vec![
            cookie,
            replica,
            ("X-CSRF-Token", session.csrf.as_str()),
            ("Origin", "http://evil.example"),
        ],
    ] {
        let r = request_with(
            &server.addr,
            "POST",
            "/api/v1/sync/push",
            Some(&body),
            &headers,
        );
        assert_eq!(r.status, 403, "{headers:?}: {}", r.body);
        assert_eq!(r.header(PROTOCOL_HEADER), Some("1"));
    }

    // Nothing above was applied or remembered: the same push now applies from version 1.
    let (changes, cursor) = pull_everything(&server, &session);
    assert_eq!((changes.len(), cursor), (0, 0));
    let request: PushRequest = serde_json::from_value(good).unwrap();
    let response = push(&server, &session, &request);
    assert_eq!(response.results[0].outcome, Outcome::Applied { version: 1 });

    // Pull parameters are checked too.
    for (query, field) in [
        ("?since=-1", "since"),
        ("?limit=x", "limit"),
        ("?cursor=1", "cursor"),
    ] {
        let r = pull_raw(&server, Some(&session), query);
        assert_eq!(r.status, 400, "{query}");
        assert_eq!(r.json()["error"]["field"], field);
    }
    let page: PullResponse =
        serde_json::from_str(&pull_raw(&server, Some(&session), "?since=0&limit=1").body).unwrap();
    assert_eq!((page.changes.len(), page.cursor, page.more), (1, 1, true));
}

#[test]
fn a_push_reaches_other_sessions_of_the_organization_as_an_event_within_5_seconds() {
    let server = TestServer::start();
    for caller in [
        Caller::Administrator,
        Caller::CouncilMember,
        Caller::OtherOrganization,
    ] {
        add_caller(&server, caller);
    }
    let admin = sign_in_as(&server, Caller::Administrator).unwrap();
    let council = sign_in_as(&server, Caller::CouncilMember).unwrap();
    let outsider = sign_in_as(&server, Caller::OtherOrganization).unwrap();

    // Each stream opens with the latest sequence, so a reconnecting client catches up.
    let mut watching = EventStream::open(&server.addr, Some(&council));
    assert_eq!(watching.next_changed(Duration::from_secs(5)), Some(0));
    let mut elsewhere = EventStream::open(&server.addr, Some(&outsider));
    assert_eq!(elsewhere.next_changed(Duration::from_secs(5)), Some(0));

    let client = Caller::Administrator.client();
    let pushed_at = Instant::now();
    let response = push(
        &server,
        &admin,
        &PushRequest {
            client_id: client.clone(),
            mutations: vec![note(
                &client,
                1,
                RecordKey::measure(PLAN, "citizen-01", 2024),
                "現地確認",
            )],
        },
    );
    assert_eq!(response.results[0].outcome, Outcome::Applied { version: 1 });
    assert_eq!(watching.next_changed(Duration::from_secs(5)), Some(1));
    assert!(pushed_at.elapsed() < Duration::from_secs(5));

    // 島田市 hears only of its own organization's changes.
    let shimada = exported_plan(&server, "shimada-dx-plan");
    let measure = &shimada.plan.measures[0].id;
    let other = Caller::OtherOrganization.client();
    push(
        &server,
        &outsider,
        &PushRequest {
            client_id: other.clone(),
            mutations: vec![note(
                &other,
                1,
                RecordKey::measure("shimada-dx-plan", measure, 2024),
                "島田",
            )],
        },
    );
    assert_eq!(
        elsewhere.next_changed(Duration::from_secs(5)),
        Some(2),
        "not 1: that was 駒ヶ根市's"
    );
    assert_eq!(watching.next_changed(Duration::from_millis(500)), None);

    // A retry applies nothing new, so it announces nothing; the next real change does.
    let first = PushRequest {
        client_id: other.clone(),
        mutations: vec![note(
            &other,
            1,
            RecordKey::measure("shimada-dx-plan", measure, 2024),
            "島田",
        )],
    };
    push(&server, &outsider, &first);
    let next = PushRequest {
        client_id: other.clone(),
        mutations: vec![note(
            &other,
            2,
            RecordKey::measure("shimada-dx-plan", measure, 2025),
            "島田2",
        )],
    };
    push(&server, &outsider, &next);
    assert_eq!(
        elsewhere.next_changed(Duration::from_secs(5)),
        Some(3),
        "not 2 again: the retry was silent"
    );
}

// ---- A crash in the middle of large pushes ----

const CRASH_PUSHES: usize = 5;
const CRASH_BATCH: usize = 500;

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// Two clients' pushes of 500 mutations each: one sets fields of distinct records, the other
/// appends notes. Every mutation applies when first decided.
fn crash_pushes(plan: &PlanFile) -> Vec<(ClientId, Vec<PushRequest>)> {
    let targets: Vec<RecordKey> = plan
        .plan
        .measures
        .iter()
        .flat_map(|m| {
            std::iter::once(RecordKey::measure(PLAN, &m.id, 2022)).chain(
                m.actions
                    .iter()
                    .map(|a| RecordKey::action(PLAN, &a.id, 2022)),
            )
        })
        .collect();
    let slots: Vec<(RecordKey, Field)> = (2022..=2026)
        .flat_map(|year| {
            targets.iter().map(move |t| RecordKey {
                fiscal_year: keikaku_domain::FiscalYear(year),
                ..t.clone()
            })
        })
        .flat_map(|key| {
            [
                Field::Results,
                Field::NextActions,
                Field::GradeComment,
                Field::Percent,
                Field::Stage,
                Field::Status,
                Field::Grade,
            ]
            .map(|f| (key.clone(), f))
        })
        .collect();
    assert!(
        slots.len() >= CRASH_PUSHES * CRASH_BATCH,
        "{} slots",
        slots.len()
    );
    let writer = ClientId::new("crash-writer").unwrap();
    let noter = ClientId::new("crash-noter").unwrap();
    let value = |field: Field, n: usize| match field {
        Field::Percent => FieldValue::Percent(Some((n % 100) as u8 + 1)),
        Field::Stage => FieldValue::Stage(Some(keikaku_domain::Stage::Trial)),
        Field::Status => FieldValue::Status(Some(keikaku_sync::Status::OnTrack)),
        Field::Grade => FieldValue::Grade(Some(keikaku_sync::Grade::A)),
        _ => FieldValue::Text(format!("実績その{n}。")),
    };
    let sets = (0..CRASH_PUSHES)
        .map(|p| PushRequest {
            client_id: writer.clone(),
            mutations: (0..CRASH_BATCH)
                .map(|i| {
                    let n = p * CRASH_BATCH + i;
                    let (key, field) = slots[n].clone();
                    set(&writer, n as u64 + 1, key, field, value(field, n))
                })
                .collect(),
        })
        .collect();
    let notes = (0..CRASH_PUSHES)
        .map(|p| PushRequest {
            client_id: noter.clone(),
            mutations: (0..CRASH_BATCH)
                .map(|i| {
                    let n = p * CRASH_BATCH + i;
                    note(
                        &noter,
                        n as u64 + 1,
                        targets[n % targets.len()].clone(),
                        &format!("観察{n}"),
                    )
                })
                .collect(),
        })
        .collect();
    vec![(writer, sets), (noter, notes)]
}

/// Answers taken in, by client and push index.
type Acknowledged = Arc<Mutex<Vec<(usize, usize, PushResponse)>>>;

/// Sends each client's pushes in order on its own thread, until all are answered or the server
/// is gone; returns the threads, which say whether a push was cut off.
fn send_pushes(
    addr: &str,
    session: &Session,
    pushes: &[(ClientId, Vec<PushRequest>)],
    acknowledged: &Acknowledged,
) -> Vec<std::thread::JoinHandle<bool>> {
    pushes
        .iter()
        .enumerate()
        .map(|(client, (_, requests))| {
            let bodies: Vec<String> = requests
                .iter()
                .map(|r| serde_json::to_string(r).unwrap())
                .collect();
            let (addr, session, acknowledged) =
                (addr.to_owned(), session.clone(), Arc::clone(acknowledged));
            std::thread::spawn(move || {
                for (index, body) in bodies.iter().enumerate() {
                    let headers = [
                        ("Cookie", session.cookie.as_str()),
                        ("X-CSRF-Token", session.csrf.as_str()),
                        (REPLICA_USER_HEADER, session.replica.as_str()),
                    ];
                    match try_request_with(&addr, "POST", "/api/v1/sync/push", Some(body), &headers)
                    {
                        Ok(r) if r.status == 200 => {
                            let response = serde_json::from_str(&r.body).unwrap();
                            acknowledged.lock().unwrap().push((client, index, response));
                        }
                        Ok(r) => panic!("push answered {}: {}", r.status, r.body),
                        Err(_) => return true, // killed
                    }
                }
                false
            })
        })
        .collect()
}

/// Remembered mutations per client, and whether every acknowledged answer is what the store
/// remembers.
async fn check_durable(
    data_dir: &std::path::Path,
    pushes: &[(ClientId, Vec<PushRequest>)],
    acknowledged: &[(usize, usize, PushResponse)],
) -> Vec<i64> {
    let store = Store::open(data_dir).await.unwrap();
    let mut counts = Vec::new();
    for (client, _) in pushes {
        let count: i64 =
            sqlx::query_scalar("SELECT count(*) FROM sync_mutations WHERE client_id = ?")
                .bind(client.as_str())
                .fetch_one(store.pool())
                .await
                .unwrap();
        counts.push(count);
    }
    for (client, index, response) in acknowledged {
        let requests = &pushes[*client].1;
        for (mutation, result) in requests[*index].mutations.iter().zip(&response.results) {
            let remembered: String =
                sqlx::query_scalar("SELECT outcome FROM sync_mutations WHERE id = ?")
                    .bind(mutation.id.as_str())
                    .fetch_one(store.pool())
                    .await
                    .unwrap_or_else(|e| {
                        panic!("acknowledged {} is not remembered: {e}", mutation.id)
                    });
            assert_eq!(
                serde_json::from_str::<Outcome>(&remembered).unwrap(),
                result.outcome
            );
        }
    }
    store.close().await;
    counts
}

#[test]
fn a_server_killed_during_large_pushes_applies_every_mutation_exactly_once_after_retries() {
    let mut server = TestServer::start();
    add_caller(&server, Caller::Administrator);
    let session = sign_in_as(&server, Caller::Administrator).unwrap();
    let plan = exported_plan(&server, PLAN);
    let pushes = crash_pushes(&plan);
    let total = pushes.len() * CRASH_PUSHES * CRASH_BATCH;
    let mut first_answers: std::collections::HashMap<MutationId, Outcome> = Default::default();

    // Crash rounds: push everything again from the start (retries are safe), kill -9 a little
    // after the first answer arrives, check, restart on the same data directory.
    for round in 0..3u64 {
        let acknowledged: Acknowledged = Default::default();
        let started = Instant::now();
        let senders = send_pushes(&server.addr, &session, &pushes, &acknowledged);
        // Each round gets further: retried pushes are answered from memory, quickly.
        let answers = 1 + 2 * round as usize;
        while acknowledged.lock().unwrap().len() < answers {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "pushes are not answered"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        // Somewhere inside the next pushes, which take longer than this.
        std::thread::sleep(Duration::from_millis(10 + 37 * round));
        server.kill();
        let cut_off = senders
            .into_iter()
            .map(|s| s.join().unwrap())
            .filter(|&cut| cut)
            .count();
        let acknowledged = std::mem::take(&mut *acknowledged.lock().unwrap());
        let counts = block_on(check_durable(&server.data.0, &pushes, &acknowledged));
        // Shown with --nocapture: how far each round got before the kill.
        eprintln!(
            "round {round}: killed after {:?} with {cut_off} pushes in flight, {} answered; stored per client: {counts:?}",
            started.elapsed(),
            acknowledged.len()
        );
        for count in &counts {
            assert_eq!(
                count % CRASH_BATCH as i64,
                0,
                "round {round}: a push is stored whole or not at all: {counts:?}"
            );
        }
        assert!(
            counts.iter().sum::<i64>() < total as i64,
            "round {round}: the kill came too late to test anything"
        );
        for (client, index, response) in acknowledged {
            for (mutation, result) in pushes[client].1[index]
                .mutations
                .iter()
                .zip(response.results)
            {
                let first = first_answers
                    .entry(mutation.id.clone())
                    .or_insert(result.outcome.clone());
                assert_eq!(*first, result.outcome, "a retry gets the first answer");
            }
        }
        server.restart();
    }

    // Finally everything is retried to the end, and every mutation is applied exactly once.
    let acknowledged: Acknowledged = Default::default();
    for sender in send_pushes(&server.addr, &session, &pushes, &acknowledged) {
        sender.join().unwrap();
    }
    let acknowledged = std::mem::take(&mut *acknowledged.lock().unwrap());
    assert_eq!(acknowledged.len(), pushes.len() * CRASH_PUSHES);
    let mut versions = Vec::new();
    for (client, index, response) in &acknowledged {
        for (mutation, result) in pushes[*client].1[*index]
            .mutations
            .iter()
            .zip(&response.results)
        {
            let Outcome::Applied { version } = result.outcome else {
                panic!("{}: {:?}", mutation.id, result.outcome);
            };
            versions.push(version);
            if let Some(first) = first_answers.get(&mutation.id) {
                assert_eq!(
                    *first, result.outcome,
                    "{}: a retry gets the first answer",
                    mutation.id
                );
            }
        }
    }
    versions.sort_unstable();
    assert_eq!(
        versions,
        (1..=total as u64).collect::<Vec<_>>(),
        "one version per mutation, no gaps"
    );

    block_on(async {
        let store = Store::open(&server.data.0).await.unwrap();
        let (remembered, distinct): (i64, i64) =
            sqlx::query_as("SELECT count(*), count(DISTINCT id) FROM sync_mutations")
                .fetch_one(store.pool())
                .await
                .unwrap();
        assert_eq!((remembered, distinct), (total as i64, total as i64));
        let (audited, distinct): (i64, i64) = sqlx::query_as(
            "SELECT count(*), count(DISTINCT mutation_id) FROM audit_log WHERE entity = 'progress'",
        )
        .fetch_one(store.pool())
        .await
        .unwrap();
        assert_eq!(
            (audited, distinct),
            (total as i64, total as i64),
            "one audit entry per mutation"
        );
        let unaudited: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM sync_mutations m WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.mutation_id = m.id)",
        )
        .fetch_one(store.pool())
        .await
        .unwrap();
        assert_eq!(unaudited, 0);
        store.close().await;
    });

    // Pulls return every value.
    let (changes, cursor) = pull_everything(&server, &session);
    assert_eq!((changes.len(), cursor), (total, total as u64));
    let mut expected: std::collections::HashMap<String, String> = Default::default();
    for (_, requests) in &pushes {
        for mutation in requests.iter().flat_map(|r| &r.mutations) {
            let (row, value) = match &mutation.change {
                Change::Set { field, value, .. } => (
                    format!("{}#{field}", mutation.key),
                    serde_json::to_string(value).unwrap(),
                ),
                Change::AppendNote { note } => {
                    (format!("{}#{}", mutation.key, note.id), note.text.clone())
                }
                other => unreachable!("{other:?}"),
            };
            expected.insert(row, value);
        }
    }
    let pulled: std::collections::HashMap<String, String> = changes
        .iter()
        .map(|change| match change {
            ChangeEntry::FieldState {
                key, field, value, ..
            } => (
                format!("{key}#{field}"),
                serde_json::to_string(value).unwrap(),
            ),
            ChangeEntry::Note { key, note, .. } => {
                (format!("{key}#{}", note.id), note.text.clone())
            }
            ChangeEntry::KpiReading { .. }
            | ChangeEntry::Round { .. }
            | ChangeEntry::Annotation { .. } => unreachable!(),
        })
        .collect();
    assert_eq!(pulled, expected);
}

#[test]
fn a_backup_taken_during_pushes_restores_every_push_acknowledged_before_it_began() {
    let server = TestServer::start();
    add_caller(&server, Caller::Administrator);
    let session = sign_in_as(&server, Caller::Administrator).unwrap();
    let plan = exported_plan(&server, PLAN);
    let pushes = crash_pushes(&plan);
    let total = pushes.len() * CRASH_PUSHES * CRASH_BATCH;
    let acknowledged: Acknowledged = Default::default();
    let started = Instant::now();
    let senders = send_pushes(&server.addr, &session, &pushes, &acknowledged);
    while acknowledged.lock().unwrap().len() < 2 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "pushes are not answered"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    // Every answer taken in so far came before the backup began.
    let before = acknowledged.lock().unwrap().clone();
    let file = TempDir::new("backup-file");
    let copy = file.0.join("keikaku.backup");
    let copy_arg = copy.to_str().unwrap();
    let taken = run(&server.data.0, &["backup", copy_arg]);
    assert!(
        taken.status.success(),
        "{}",
        String::from_utf8_lossy(&taken.stderr)
    );
    // The server went on answering throughout.
    for sender in senders {
        assert!(!sender.join().unwrap(), "a push was cut off");
    }
    assert_eq!(
        acknowledged.lock().unwrap().len(),
        pushes.len() * CRASH_PUSHES
    );
    // Not over the directory of the running server, even forced.
    let refused = run(&server.data.0, &["restore", "--force", copy_arg]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("in use"));

    let restored = TempDir::new("restored");
    let output = run(&restored.0, &["restore", copy_arg]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let counts = block_on(check_durable(&restored.0, &pushes, &before));
    eprintln!(
        "backup after {} answers: stored per client {counts:?} of {total}",
        before.len()
    );
    for count in &counts {
        assert_eq!(
            count % CRASH_BATCH as i64,
            0,
            "a push is in the backup whole or not at all: {counts:?}"
        );
    }
    assert!(counts.iter().sum::<i64>() >= (before.len() * CRASH_BATCH) as i64);
}

// ---- What a push may make the server keep ----

/// The database's size in bytes after a checkpoint: its pages, with the write-ahead log emptied
/// into them.
async fn stored_bytes(store: &Store) -> i64 {
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(store.pool())
        .await
        .unwrap();
    let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let page_size: i64 = sqlx::query_scalar("PRAGMA page_size")
        .fetch_one(store.pool())
        .await
        .unwrap();
    pages * page_size
}

/// A council member may record nothing; 10,000 mutations (5 pushes of 2,000) for a plan that
/// does not exist and for measures they may not edit are all refused, and refusing them stores
/// nothing: the answer can be given again, identically, without remembering it.
#[test]
fn a_flood_of_refused_mutations_does_not_grow_the_database() {
    let server = TestServer::start();
    add_caller(&server, Caller::CouncilMember);
    let session = sign_in_as(&server, Caller::CouncilMember).unwrap();
    let client = Caller::CouncilMember.client();
    let pushes: Vec<PushRequest> = (0..5u64)
        .map(|p| PushRequest {
            client_id: client.clone(),
            mutations: (0..MAX_PUSH_MUTATIONS as u64)
                .map(|i| {
                    let n = p * MAX_PUSH_MUTATIONS as u64 + i + 1;
                    let key = if p % 2 == 0 {
                        RecordKey::measure("no-such-plan", &format!("m-{i}"), 2024)
                    } else {
                        RecordKey::measure(PLAN, "regional-04", 2024)
                    };
                    note(&client, n, key, "議員による大量の書き込み")
                })
                .collect(),
        })
        .collect();
    let before = block_on(async {
        let store = Store::open(&server.data.0).await.unwrap();
        let bytes = stored_bytes(&store).await;
        store.close().await;
        bytes
    });
    let mut first_answers = Vec::new();
    for request in &pushes {
        let response = push(&server, &session, request);
        assert_eq!(response.results.len(), MAX_PUSH_MUTATIONS);
        for result in &response.results {
            assert!(
                matches!(&result.outcome, Outcome::Rejected { reason, .. } if reason.contains("見つかりません") || reason.contains("権限がありません")),
                "{result:?}"
            );
        }
        first_answers.push(response);
    }
    // Retried, each push gets the very same answers.
    for (request, first) in pushes.iter().zip(&first_answers) {
        assert_eq!(push(&server, &session, request).results, first.results);
    }
    block_on(async {
        let store = Store::open(&server.data.0).await.unwrap();
        let after = stored_bytes(&store).await;
        let remembered: i64 = sqlx::query_scalar("SELECT count(*) FROM sync_mutations")
            .fetch_one(store.pool())
            .await
            .unwrap();
        eprintln!("database before the flood: {before} bytes, after: {after} bytes");
        assert_eq!(remembered, 0, "refusals are not remembered");
        assert!(
            after - before <= 16 * 1024,
            "the database grew by {} bytes",
            after - before
        );
        store.close().await;
    });
}

/// The editors of 企画振興課 the note tests push as: (login, display name).
const WRITERS: [(&str, &str); 2] = [("k-writer", "企画 花子"), ("k-colleague", "企画 太郎")];

/// A server with an administrator and the two editors of [`WRITERS`], and their sessions.
fn note_writers() -> (TestServer, [Session; 3]) {
    let server = TestServer::start();
    add_caller(&server, Caller::Administrator);
    for (login, name) in WRITERS {
        let out = add_account(
            &server,
            NewAccount {
                organization: "komagane",
                login,
                name,
                role: "editor",
                department: Some("企画振興課"),
                password: PASSWORD,
            },
        );
        assert!(out.status.success());
    }
    let sessions = [
        support::sign_in(&server, WRITERS[0].0, PASSWORD),
        support::sign_in(&server, WRITERS[1].0, PASSWORD),
        sign_in_as(&server, Caller::Administrator).unwrap(),
    ];
    (server, sessions)
}

fn retraction(client: &ClientId, n: u64, key: &RecordKey, note_id: &MutationId) -> Mutation {
    Mutation {
        id: MutationId::new(client, n),
        key: key.clone().into(),
        change: Change::RetractNote {
            note_id: note_id.to_string(),
        },
    }
}

fn push_one(server: &TestServer, session: &Session, mutation: Mutation) -> Outcome {
    let client = ClientId::new(mutation.id.as_str().rsplit_once('-').unwrap().0).unwrap();
    let request = PushRequest {
        client_id: client,
        mutations: vec![mutation],
    };
    push(server, session, &request).results[0].outcome.clone()
}

/// A field note's author is who is signed in, whatever the client says.
#[test]
fn the_server_records_a_note_as_written_by_the_signed_in_user() {
    let (server, [writer, colleague, _]) = note_writers();
    let key = RecordKey::measure(PLAN, "regional-04", 2024);
    let client = ClientId::new("writer").unwrap();
    let mut forged = note(&client, 1, key.clone(), "現地を確認した");
    if let Change::AppendNote { note } = &mut forged.change {
        note.author = "市長".into();
    }
    let request = PushRequest {
        client_id: client.clone(),
        mutations: vec![forged, note(&client, 2, key.clone(), "再訪した")],
    };
    let first = push(&server, &writer, &request);
    assert!(first
        .results
        .iter()
        .all(|r| matches!(r.outcome, Outcome::Applied { .. })));
    // The retry, as sent, is the same mutation: the same answer, nothing applied again.
    assert_eq!(push(&server, &writer, &request).results, first.results);
    let (changes, cursor) = pull_everything(&server, &colleague);
    let authors: Vec<&str> = changes
        .iter()
        .filter_map(|c| match c {
            ChangeEntry::Note { note, .. } => Some(note.author.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(authors, [WRITERS[0].1, WRITERS[0].1]);
    assert_eq!(cursor, 2);
}

/// Only a note's author or an administrator of the plan's organization retracts it; a
/// colleague who may record progress on the same measure may not.
#[test]
fn only_a_notes_author_or_an_administrator_retracts_it() {
    let (server, [writer, colleague, admin]) = note_writers();
    let key = RecordKey::measure(PLAN, "regional-04", 2024);
    let client = ClientId::new("writer").unwrap();
    let notes = [
        note(&client, 1, key.clone(), "現地を確認した"),
        note(&client, 2, key.clone(), "再訪した"),
    ];
    for note in &notes {
        assert!(matches!(
            push_one(&server, &writer, note.clone()),
            Outcome::Applied { .. }
        ));
    }
    let colleague_client = ClientId::new("colleague").unwrap();
    match push_one(
        &server,
        &colleague,
        retraction(&colleague_client, 1, &key, &notes[0].id),
    ) {
        Outcome::Rejected { reason, .. } => assert!(reason.contains("取り消せません"), "{reason}"),
        other => panic!("a colleague retracted someone's note: {other:?}"),
    }
    assert!(matches!(
        push_one(&server, &writer, retraction(&client, 3, &key, &notes[0].id)),
        Outcome::Applied { .. }
    ));
    let admin_client = ClientId::new("admin-tab").unwrap();
    assert!(matches!(
        push_one(
            &server,
            &admin,
            retraction(&admin_client, 1, &key, &notes[1].id)
        ),
        Outcome::Applied { .. }
    ));
    let (changes, _) = pull_everything(&server, &colleague);
    let retracted = changes
        .iter()
        .filter(|c| matches!(c, ChangeEntry::Note { note, .. } if note.retracted))
        .count();
    assert_eq!(retracted, 2);
}
