//! The authorization matrix of the yearly reporting round, generated: every round route and
//! the submission mutation × the public and every role of the plan's own organization and of
//! another × a published plan and a draft. The expected answer comes from the rules (members
//! read rounds, the lead department and administrators submit, administrators review), not
//! from a list.

mod support;

use keikaku_sync::progress::RecordKey;
use keikaku_sync::protocol::{
    Change, ClientId, Mutation, MutationId, Outcome, PushRequest, PushResponse, REPLICA_USER_HEADER,
};
use support::{
    add_account, administrator, request_with, sign_in, NewAccount, Session, TempDir, TestServer,
};

const PASSWORD: &str = "round matrix passphrase";

/// A draft plan of 駒ヶ根市 whose one measure 企画振興課 leads.
fn import_draft(server: &TestServer) {
    let files = TempDir::new("round-draft");
    let draft = serde_json::json!({
        "format": "keikaku-plan/1",
        "organization": { "id": "komagane", "name": "駒ヶ根市", "prefecture": "長野県", "departments": [{ "name": "企画振興課" }, { "name": "総務課" }] },
        "plan": {
            "id": "komagane-next-draft", "title": "駒ヶ根市 次期計画（草案）", "status": "draft",
            "period": { "start_fiscal_year": 2027, "end_fiscal_year": 2031 },
            "structure": [{ "id": "p1", "kind": "pillar", "title": "柱", "measures": ["m1"] }],
            "measures": [{ "id": "m1", "title": "草案の施策", "lead_departments": ["企画振興課"],
                           "related_departments": ["総務課"],
                           "schedule": [{ "fiscal_year": 2027, "text": "検討" }] }]
        }
    });
    std::fs::create_dir_all(&files.0).unwrap();
    let path = files.0.join("draft.json");
    std::fs::write(&path, draft.to_string()).unwrap();
    let out = support::run(&server.data.0, &["import", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum RoundRoute {
    ListRounds,
    GetRound,
    RoundHistory,
    RoundSheet,
    SheetCsv,
    SheetXlsx,
    ReportPdf,
    RoundsPage,
    DashboardPage,
    ReportPage,
    TasksPage,
    OpenRound,
    Submit,
    EvaluateRecord,
    CloseRound,
}

/// In this order: the submission before the evaluation it makes possible, closing last.
const ROUTES: [RoundRoute; 15] = [
    RoundRoute::ListRounds,
    RoundRoute::GetRound,
    RoundRoute::RoundHistory,
    RoundRoute::RoundSheet,
    RoundRoute::SheetCsv,
    RoundRoute::SheetXlsx,
    RoundRoute::ReportPdf,
    RoundRoute::RoundsPage,
    RoundRoute::DashboardPage,
    RoundRoute::ReportPage,
    RoundRoute::TasksPage,
    RoundRoute::OpenRound,
    RoundRoute::Submit,
    RoundRoute::EvaluateRecord,
    RoundRoute::CloseRound,
];

/// A plan of the matrix: id, a measure 企画振興課 leads and 総務課 takes part in, its fiscal
/// year, owner, and whether it is a draft.
struct MatrixPlan {
    id: &'static str,
    measure: &'static str,
    fiscal_year: i32,
    owner: &'static str,
    draft: bool,
}

const PLANS: [MatrixPlan; 2] = [
    MatrixPlan {
        id: "komagane-dx-strategy",
        measure: "regional-04",
        fiscal_year: 2024,
        owner: "komagane",
        draft: false,
    },
    MatrixPlan {
        id: "komagane-next-draft",
        measure: "m1",
        fiscal_year: 2027,
        owner: "komagane",
        draft: true,
    },
];

fn round_id(plan: &MatrixPlan) -> String {
    format!("round-{}", plan.fiscal_year)
}

fn open_body(id: &str, plan: &MatrixPlan) -> String {
    serde_json::json!({
        "id": id, "fiscal_year": plan.fiscal_year, "kind": "year_end",
        "title": "年度末の評価", "opens_on": format!("{}-04-01", plan.fiscal_year + 1),
        "deadline": format!("{}-05-31", plan.fiscal_year + 1),
        "scope": [format!("measure:{}", plan.measure)]
    })
    .to_string()
}

fn headers(session: Option<&Session>) -> Vec<(&str, &str)> {
    session
        .map(|s| {
            vec![
                ("Cookie", s.cookie.as_str()),
                ("X-CSRF-Token", s.csrf.as_str()),
                (REPLICA_USER_HEADER, s.replica.as_str()),
            ]
        })
        .unwrap_or_default()
}

/// Submits the plan's record as `name`; the HTTP status and, if answered, the outcome.
fn submit(
    server: &TestServer,
    session: Option<&Session>,
    name: &str,
    plan: &MatrixPlan,
) -> (u16, Option<Outcome>) {
    let client = ClientId::new(format!("m-{name}-{}", plan.fiscal_year)).unwrap();
    let request = PushRequest {
        client_id: client.clone(),
        mutations: vec![Mutation {
            id: MutationId::new(&client, 1),
            key: RecordKey::measure(plan.id, plan.measure, plan.fiscal_year).into(),
            change: Change::Submit {
                round_id: round_id(plan),
                seen: 0,
            },
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
    if r.status != 200 {
        return (r.status, None);
    }
    let answer: PushResponse = serde_json::from_str(&r.body).unwrap();
    (200, Some(answer.results[0].outcome.clone()))
}

/// A caller: name, session, organization, role and department.
type Viewer<'a> = (
    String,
    Option<Session>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
);

#[test]
fn round_access_matrix() {
    let server = TestServer::start();
    import_draft(&server);
    // (login, organization, role, department)
    let users = [
        ("k-admin", "komagane", "administrator", None),
        ("k-lead", "komagane", "editor", Some("企画振興課")),
        ("k-related", "komagane", "editor", Some("総務課")),
        ("k-council", "komagane", "council_member", None),
        ("s-admin", "shimada", "administrator", None),
        ("s-editor", "shimada", "editor", Some("DX推進課")),
        ("s-council", "shimada", "council_member", None),
    ];
    let mut viewers: Vec<Viewer> = vec![("public".into(), None, None, None, None)];
    for (login, org, role, department) in users {
        let out = add_account(
            &server,
            NewAccount {
                organization: org,
                login,
                name: login,
                role,
                department,
                password: PASSWORD,
            },
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        viewers.push((
            login.into(),
            Some(sign_in(&server, login, PASSWORD)),
            Some(org),
            Some(role),
            department,
        ));
    }
    // Each plan's round, opened by its administrator.
    let admin = viewers[1].1.as_ref().unwrap();
    for plan in &PLANS {
        let r = request_with(
            &server.addr,
            "POST",
            &format!("/api/v1/plans/{}/rounds", plan.id),
            Some(&open_body(&round_id(plan), plan)),
            &headers(Some(admin)),
        );
        assert_eq!(r.status, 201, "{}", r.body);
    }

    let mut checked = 0;
    let mut failures = Vec::new();
    for route in ROUTES {
        for (name, session, org, role, department) in &viewers {
            for plan in &PLANS {
                let own = *org == Some(plan.owner);
                let admin = *role == Some("administrator");
                let round = round_id(plan);
                checked += 1;
                if route == RoundRoute::Submit {
                    let lead = *department == Some("企画振興課");
                    let allowed = own && (admin || lead);
                    let (status, outcome) = submit(&server, session.as_ref(), name, plan);
                    let ok = match (session, outcome) {
                        (None, _) => status == 401,
                        (Some(_), Some(outcome)) => {
                            allowed != matches!(outcome, Outcome::Rejected { .. })
                        }
                        (Some(_), None) => false,
                    };
                    if !ok {
                        failures.push(format!(
                            "{route:?} as {name} on {}: allowed={allowed}, got {status}",
                            plan.id
                        ));
                    }
                    continue;
                }
                let (method, path, body) = match route {
                    RoundRoute::ListRounds => {
                        ("GET", format!("/api/v1/plans/{}/rounds", plan.id), None)
                    }
                    RoundRoute::GetRound => ("GET", format!("/api/v1/rounds/{round}"), None),
                    RoundRoute::RoundHistory => {
                        ("GET", format!("/api/v1/rounds/{round}/history"), None)
                    }
                    RoundRoute::RoundSheet => {
                        ("GET", format!("/api/v1/rounds/{round}/sheet"), None)
                    }
                    RoundRoute::SheetCsv => {
                        ("GET", format!("/api/v1/rounds/{round}/sheet.csv"), None)
                    }
                    RoundRoute::SheetXlsx => {
                        ("GET", format!("/api/v1/rounds/{round}/sheet.xlsx"), None)
                    }
                    RoundRoute::ReportPdf => {
                        ("GET", format!("/api/v1/rounds/{round}/report.pdf"), None)
                    }
                    RoundRoute::RoundsPage => ("GET", format!("/plans/{}/rounds", plan.id), None),
                    RoundRoute::DashboardPage => ("GET", format!("/rounds/{round}"), None),
                    RoundRoute::ReportPage => ("GET", format!("/rounds/{round}/report"), None),
                    RoundRoute::TasksPage => ("GET", "/tasks".to_owned(), None),
                    RoundRoute::OpenRound => (
                        "POST",
                        format!("/api/v1/plans/{}/rounds", plan.id),
                        Some(open_body(&format!("by-{name}-{}", plan.fiscal_year), plan)),
                    ),
                    RoundRoute::EvaluateRecord => (
                        "POST",
                        format!(
                            "/api/v1/rounds/{round}/records/measure/{}/steps",
                            plan.measure
                        ),
                        Some(
                            r#"{"action":"evaluate","grade":"B","reason":"行列テストの二次評価"}"#
                                .to_owned(),
                        ),
                    ),
                    RoundRoute::CloseRound => (
                        "POST",
                        format!("/api/v1/rounds/{round}/steps"),
                        Some(r#"{"action":"close"}"#.to_owned()),
                    ),
                    RoundRoute::Submit => unreachable!(),
                };
                let reads = method == "GET";
                let page = matches!(
                    route,
                    RoundRoute::RoundsPage | RoundRoute::DashboardPage | RoundRoute::ReportPage
                );
                let expected = match route {
                    // Everyone's own list: empty for the public and for other organizations.
                    RoundRoute::TasksPage => 200,
                    _ if reads && own => 200,
                    // A draft does not exist outside its organization, rounds page included.
                    RoundRoute::RoundsPage if plan.draft => 404,
                    // Pages ask the public to sign in; the plan's rounds page tells a member of
                    // another organization it is not theirs when the plan is public.
                    _ if page && session.is_none() => 401,
                    RoundRoute::RoundsPage if !plan.draft => 403,
                    // Rounds are the organization's own business: to anyone else, none exist.
                    _ if reads => 404,
                    _ if session.is_none() => 401,
                    RoundRoute::OpenRound if own && admin => 201,
                    _ if own && admin => 200,
                    _ if own => 403,
                    // Opening needs only the plan, which outsiders may read when published.
                    RoundRoute::OpenRound if !plan.draft => 403,
                    _ => 404,
                };
                let r = request_with(
                    &server.addr,
                    method,
                    &path,
                    body.as_deref(),
                    &headers(session.as_ref()),
                );
                if r.status != expected {
                    failures.push(format!(
                        "{route:?} as {name} on {}: expected {expected}, got {} {}",
                        plan.id, r.status, r.body
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // 15 routes × 8 viewers (public, 4 of the plans' organization, 3 of another) × 2 plans.
    assert_eq!(checked, 15 * 8 * 2);
}

#[test]
fn bad_round_input_names_the_field_and_changes_nothing() {
    let server = TestServer::start();
    let admin = administrator(&server, "komagane", "k-admin", PASSWORD);
    let plan = &PLANS[0];
    let post = |path: &str, body: &str| {
        request_with(
            &server.addr,
            "POST",
            path,
            Some(body),
            &headers(Some(&admin)),
        )
    };
    let rounds = format!("/api/v1/plans/{}/rounds", plan.id);
    let mut early: serde_json::Value = serde_json::from_str(&open_body("r6", plan)).unwrap();
    early["deadline"] = "2025-03-31".into();
    for (body, status, field) in [
        (early.to_string(), 400, "deadline"),
        (open_body("R6", plan), 400, "id"),
        (
            open_body("r6", plan).replace("year_end", "yearly"),
            400,
            "kind",
        ),
        (
            open_body("r6", plan).replace("\"title\"", "\"titel\""),
            400,
            "titel",
        ),
    ] {
        let r = post(&rounds, &body);
        assert_eq!(r.status, status, "{body}: {}", r.body);
        let error = &r.json()["error"];
        assert!(
            error["field"].as_str().unwrap_or_default().contains(field),
            "{body}: {error}"
        );
        assert!(!error["reason"].as_str().unwrap().is_empty());
    }
    let listed = request_with(&server.addr, "GET", &rounds, None, &headers(Some(&admin)));
    assert_eq!(listed.json(), serde_json::json!([]), "nothing was opened");

    assert_eq!(post(&rounds, &open_body("r6", plan)).status, 201);
    let record = "/api/v1/rounds/r6/records/measure/regional-04/steps";
    for (body, status, field) in [
        (r#"{"action":"return"}"#, 400, "comment"),
        (r#"{"action":"reopen","reason":"誤り"}"#, 409, ""),
        (r#"{"action":"approve"}"#, 409, ""),
        (
            r#"{"action":"evaluate","grade":"E","reason":"x"}"#,
            400,
            "grade",
        ),
        (r#"{"action":"submit"}"#, 400, "action"),
    ] {
        let r = post(record, body);
        assert_eq!(r.status, status, "{body}: {}", r.body);
        if !field.is_empty() {
            assert_eq!(r.json()["error"]["field"], field, "{body}");
        }
    }
    let r = post("/api/v1/rounds/r6/steps", r#"{"action":"publish"}"#);
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.json()["error"]["reason"]
        .as_str()
        .unwrap()
        .contains("受付中"));
    let r = post(
        "/api/v1/rounds/r6/records/measure/no-such/steps",
        r#"{"action":"approve"}"#,
    );
    assert_eq!(r.status, 404);
    let history = request_with(
        &server.addr,
        "GET",
        "/api/v1/rounds/r6/history",
        None,
        &headers(Some(&admin)),
    );
    assert_eq!(
        history.json().as_array().unwrap().len(),
        1,
        "only the opening: {}",
        history.body
    );
}
