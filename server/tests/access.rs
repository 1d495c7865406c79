//! The authorization matrix for reading, generated: every read route × every role (and the
//! public) × the plan's own organization or another one × published or draft. The expected
//! answer comes from the rule itself (drafts only inside their organization), not from a list.

mod support;

use support::{add_account, request_with, run, sign_in, NewAccount, TempDir, TestServer};

const PASSWORD: &str = "matrix test passphrase";

fn add_user(
    server: &TestServer,
    organization: &str,
    login: &str,
    role: &str,
    department: Option<&str>,
) {
    let account = NewAccount {
        organization,
        login,
        name: login,
        role,
        department,
        password: PASSWORD,
    };
    let out = add_account(server, account);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn cookie_for(server: &TestServer, login: &str) -> String {
    signed_in(server, login).0
}

/// Session cookie and CSRF token.
fn signed_in(server: &TestServer, login: &str) -> (String, String) {
    let session = sign_in(server, login, PASSWORD);
    (session.cookie, session.csrf)
}

/// A draft plan of 駒ヶ根市 with one measure, words that appear nowhere else.
fn import_draft(server: &TestServer) {
    let files = TempDir::new("draft-plan");
    let draft = serde_json::json!({
        "format": "keikaku-plan/1",
        "organization": { "id": "komagane", "name": "駒ヶ根市", "prefecture": "長野県", "departments": [{ "name": "企画振興課" }] },
        "plan": {
            "id": "komagane-next-draft", "title": "駒ヶ根市 次期計画（非公開草案）", "status": "draft",
            "period": { "start_fiscal_year": 2027, "end_fiscal_year": 2031 },
            "structure": [{ "id": "p1", "kind": "pillar", "title": "柱", "measures": ["m1"] }],
            "measures": [{ "id": "m1", "title": "草案だけの施策ヒミツ", "lead_departments": ["企画振興課"],
                           "schedule": [{ "fiscal_year": 2027, "text": "検討" }] }],
            "glossary": [{ "id": "t1", "term": "草案用語", "definition": "草案にだけある用語" }]
        }
    });
    let path = files.0.join("draft.json");
    std::fs::write(&path, draft.to_string()).unwrap();
    let out = run(&server.data.0, &["import", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[derive(Clone, Copy, Debug)]
enum Route {
    HomePage,
    PlanPage,
    MeasurePage,
    RoadmapPage,
    ProgressPage,
    OpenDataPage,
    OpenDataFile,
    GlossaryPage,
    SearchPage,
    ApiList,
    ApiExport,
    ApiSearch,
    PlanFeed,
    OrganizationFeed,
    LanguageSwitch,
}

const ROUTES: [Route; 15] = [
    Route::HomePage,
    Route::PlanPage,
    Route::MeasurePage,
    Route::RoadmapPage,
    Route::ProgressPage,
    Route::OpenDataPage,
    Route::OpenDataFile,
    Route::GlossaryPage,
    Route::SearchPage,
    Route::ApiList,
    Route::ApiExport,
    Route::ApiSearch,
    Route::PlanFeed,
    Route::OrganizationFeed,
    Route::LanguageSwitch,
];

/// Requests `route` for `plan` and says whether the plan was visible.
fn visible(
    server: &TestServer,
    cookie: Option<&str>,
    route: Route,
    plan: (&str, &str, &str),
) -> bool {
    let (plan_id, measure_id, marker) = plan;
    let encoded: String = marker.bytes().map(|b| format!("%{b:02X}")).collect();
    let path = match route {
        Route::HomePage => "/".to_owned(),
        Route::PlanPage => format!("/plans/{plan_id}"),
        Route::MeasurePage => format!("/plans/{plan_id}/measures/{measure_id}"),
        Route::RoadmapPage => format!("/plans/{plan_id}/roadmap"),
        Route::ProgressPage => format!("/plans/{plan_id}/progress"),
        Route::OpenDataPage => format!("/plans/{plan_id}/data"),
        Route::OpenDataFile => format!("/api/v1/plans/{plan_id}/data/measures.json"),
        Route::GlossaryPage => format!("/plans/{plan_id}/glossary"),
        Route::SearchPage => format!("/search?q={encoded}"),
        Route::ApiList => "/api/v1/plans".to_owned(),
        Route::ApiExport => format!("/api/v1/plans/{plan_id}"),
        Route::ApiSearch => format!("/api/v1/search?q={encoded}"),
        Route::PlanFeed => format!("/api/v1/plans/{plan_id}/feed.atom"),
        // Both sample plans belong to Komagane.
        Route::OrganizationFeed => "/api/v1/organizations/komagane/feed.atom".to_owned(),
        Route::LanguageSwitch => format!("/api/v1/language?to=en&next=/plans/{plan_id}"),
    };
    let headers: Vec<(&str, &str)> = cookie.map(|c| vec![("Cookie", c)]).unwrap_or_default();
    let r = request_with(&server.addr, "GET", &path, None, &headers);
    match route {
        Route::LanguageSwitch => {
            // Anyone may switch; the way back shows no more than the plan page itself.
            assert_eq!(r.status, 303, "{route:?}");
            assert_eq!(
                r.header("location"),
                Some(format!("/plans/{plan_id}").as_str())
            );
            let chosen = r.cookie_set().unwrap().to_owned();
            let cookies = match cookie {
                Some(c) => format!("{c}; {chosen}"),
                None => chosen,
            };
            let page = request_with(
                &server.addr,
                "GET",
                &format!("/plans/{plan_id}"),
                None,
                &[("Cookie", &cookies)],
            );
            assert!(page.status == 200 || page.status == 404, "{}", page.status);
            page.status == 200
        }
        Route::OrganizationFeed => {
            assert_eq!(r.status, 200);
            r.body.contains(&format!("/plans/{plan_id}"))
        }
        Route::PlanPage
        | Route::MeasurePage
        | Route::RoadmapPage
        | Route::ProgressPage
        | Route::OpenDataPage
        | Route::OpenDataFile
        | Route::GlossaryPage
        | Route::PlanFeed
        | Route::ApiExport => {
            assert!(r.status == 200 || r.status == 404, "{route:?} {}", r.status);
            r.status == 200
        }
        Route::HomePage | Route::ApiList => {
            assert_eq!(r.status, 200);
            r.body.contains(plan_id)
        }
        Route::SearchPage => {
            assert_eq!(r.status, 200);
            r.body.contains(&format!("/plans/{plan_id}/"))
        }
        Route::ApiSearch => {
            assert_eq!(r.status, 200);
            r.json()["hits"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["plan_id"] == plan_id)
        }
    }
}

#[test]
fn read_access_matrix() {
    let server = TestServer::start();
    import_draft(&server);
    // (login, organization, role, department)
    let users = [
        ("k-admin", "komagane", "administrator", None),
        ("k-editor", "komagane", "editor", Some("税務課")),
        ("k-council", "komagane", "council_member", None),
        ("s-admin", "shimada", "administrator", None),
        ("s-editor", "shimada", "editor", Some("DX推進課")),
        ("s-council", "shimada", "council_member", None),
    ];
    for (login, org, role, dept) in users {
        add_user(&server, org, login, role, dept);
    }
    let mut viewers: Vec<(String, Option<String>, Option<&str>)> =
        vec![("public".into(), None, None)];
    for (login, org, _, _) in users {
        viewers.push((login.into(), Some(cookie_for(&server, login)), Some(org)));
    }
    // (plan id, a measure, a word found only in it, owner, draft?)
    let plans = [
        (
            "komagane-dx-strategy",
            "citizen-04",
            "口座振替依頼書",
            "komagane",
            false,
        ),
        (
            "komagane-next-draft",
            "m1",
            "草案だけの施策ヒミツ",
            "komagane",
            true,
        ),
    ];

    let mut checked = 0;
    let mut failures = Vec::new();
    for route in ROUTES {
        for (name, cookie, viewer_org) in &viewers {
            for (plan_id, measure_id, marker, owner, draft) in plans {
                let expected = !draft || *viewer_org == Some(owner);
                let actual = visible(
                    &server,
                    cookie.as_deref(),
                    route,
                    (plan_id, measure_id, marker),
                );
                checked += 1;
                if actual != expected {
                    failures.push(format!("{route:?} as {name} on {plan_id}: expected visible={expected}, got {actual}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // 15 routes × 7 viewers (public + 3 roles × 2 organizations) × 2 plans.
    assert_eq!(checked, 15 * 7 * 2);
}

/// A caller: name, session (cookie, CSRF token), organization and role.
type Caller<'a> = (
    String,
    Option<(String, String)>,
    Option<&'a str>,
    Option<&'a str>,
);

/// The browser the administrator's first edit of each plan came from.
const ORIGIN_AGENT: &str = "keikaku-matrix-agent/1.0";

/// Whether a history answer (the JSON entries, or the page) tells where changes came from:
/// the address or the browser of any entry.
fn shows_origin(route: WriteRoute, body: &str) -> bool {
    if route == WriteRoute::HistoryPage {
        // The page's own address (its Open Graph URL) names the loopback host too.
        return body.contains(ORIGIN_AGENT) || body.contains("history__origin");
    }
    let entries: Vec<serde_json::Value> = serde_json::from_str(body).unwrap();
    assert!(!entries.is_empty());
    let origin = entries
        .iter()
        .any(|e| !e["address"].is_null() || !e["client"].is_null());
    // Whoever sees the origin sees all of it: the first entry carries both.
    if origin {
        assert!(entries
            .iter()
            .any(|e| e["client"] == ORIGIN_AGENT && e["address"] == "127.0.0.1"));
    }
    origin
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum WriteRoute {
    EditMeasure,
    SetStatus,
    History,
    HistoryPage,
    Restore,
    SetMeasureDepartments,
    AddNode,
    EditNode,
    SetNodeMeasures,
    RemoveNode,
}

const WRITE_ROUTES: [WriteRoute; 10] = [
    WriteRoute::EditMeasure,
    WriteRoute::SetStatus,
    WriteRoute::History,
    WriteRoute::HistoryPage,
    WriteRoute::Restore,
    WriteRoute::SetMeasureDepartments,
    WriteRoute::AddNode,
    WriteRoute::EditNode,
    WriteRoute::SetNodeMeasures,
    WriteRoute::RemoveNode,
];

#[test]
fn write_access_matrix() {
    let server = TestServer::start();
    import_draft(&server);
    let users = [
        ("k-admin", "komagane", "administrator", None),
        ("k-editor", "komagane", "editor", Some("企画振興課")),
        ("k-council", "komagane", "council_member", None),
        ("s-admin", "shimada", "administrator", None),
        ("s-editor", "shimada", "editor", Some("DX推進課")),
        ("s-council", "shimada", "council_member", None),
    ];
    for (login, org, role, dept) in users {
        add_user(&server, org, login, role, dept);
    }
    // (name, cookie and CSRF token, organization, role)
    let mut viewers: Vec<Caller> = vec![("public".into(), None, None, None)];
    for (login, org, role, _) in users {
        viewers.push((
            login.into(),
            Some(signed_in(&server, login)),
            Some(org),
            Some(role),
        ));
    }
    // (plan, measure, status, owner, draft?, a structure node)
    let plans = [
        (
            "komagane-dx-strategy",
            "citizen-05",
            "published",
            "komagane",
            false,
            "category-uketsuke",
        ),
        ("komagane-next-draft", "m1", "draft", "komagane", true, "p1"),
    ];
    // An entry to restore on each plan, made by the owning administrator.
    let (admin_cookie, admin_csrf) = viewers[1].1.clone().unwrap();
    let mut entries = std::collections::HashMap::new();
    for (plan_id, measure_id, _, _, _, _) in plans {
        // A leaf node for the one allowed caller to remove.
        let leaf = r#"{"id":"to-remove","parent_id":null,"kind":"goal","title":"削除用"}"#;
        let r = request_with(
            &server.addr,
            "POST",
            &format!("/api/v1/plans/{plan_id}/nodes"),
            Some(leaf),
            &[("Cookie", &admin_cookie), ("X-CSRF-Token", &admin_csrf)],
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let body = r#"{"field":"summary","value":"復元用の値"}"#;
        let path = format!("/api/v1/plans/{plan_id}/measures/{measure_id}");
        let r = request_with(
            &server.addr,
            "PATCH",
            &path,
            Some(body),
            &[
                ("Cookie", &admin_cookie),
                ("X-CSRF-Token", &admin_csrf),
                ("User-Agent", ORIGIN_AGENT),
            ],
        );
        assert_eq!(r.status, 200, "{}", r.body);
        entries.insert(plan_id, r.json()["entry"]["id"].as_i64().unwrap());
    }

    let mut checked = 0;
    let mut failures = Vec::new();
    for route in WRITE_ROUTES {
        for (name, session, org, role) in &viewers {
            for (plan_id, measure_id, status, owner, draft, node_id) in plans {
                let own = *org == Some(owner);
                let admin = *role == Some("administrator");
                let allowed = match route {
                    WriteRoute::History | WriteRoute::HistoryPage => own,
                    _ => own && admin,
                };
                let (method, path, body) = match route {
                    WriteRoute::EditMeasure => (
                        "PATCH",
                        format!("/api/v1/plans/{plan_id}/measures/{measure_id}"),
                        Some(r#"{"field":"content","value":"行列テストの値"}"#.to_owned()),
                    ),
                    WriteRoute::SetStatus => (
                        "PATCH",
                        format!("/api/v1/plans/{plan_id}/status"),
                        Some(format!(r#"{{"status":"{status}"}}"#)),
                    ),
                    WriteRoute::History => (
                        "GET",
                        format!("/api/v1/plans/{plan_id}/measures/{measure_id}/history"),
                        None,
                    ),
                    WriteRoute::HistoryPage => (
                        "GET",
                        format!("/plans/{plan_id}/measures/{measure_id}/history"),
                        None,
                    ),
                    WriteRoute::Restore => (
                        "POST",
                        format!("/api/v1/audit/{}/restore", entries[plan_id]),
                        None,
                    ),
                    WriteRoute::SetMeasureDepartments => (
                        "PUT",
                        format!("/api/v1/plans/{plan_id}/measures/{measure_id}/departments"),
                        Some(r#"{"lead":["企画振興課"],"related":[]}"#.to_owned()),
                    ),
                    WriteRoute::AddNode => (
                        "POST",
                        format!("/api/v1/plans/{plan_id}/nodes"),
                        Some(format!(
                            r#"{{"id":"by-{name}","parent_id":"{node_id}","kind":"goal","title":"行列テストの項目"}}"#
                        )),
                    ),
                    WriteRoute::EditNode => (
                        "PATCH",
                        format!("/api/v1/plans/{plan_id}/nodes/{node_id}"),
                        Some(r#"{"field":"description","value":"行列テストの説明"}"#.to_owned()),
                    ),
                    WriteRoute::SetNodeMeasures => (
                        "PUT",
                        format!("/api/v1/plans/{plan_id}/nodes/{node_id}/measures"),
                        Some(format!(r#"{{"measures":["{measure_id}"]}}"#)),
                    ),
                    WriteRoute::RemoveNode => (
                        "DELETE",
                        format!("/api/v1/plans/{plan_id}/nodes/to-remove"),
                        None,
                    ),
                };
                let mut headers: Vec<(&str, &str)> = Vec::new();
                if let Some((cookie, csrf)) = session {
                    headers.push(("Cookie", cookie));
                    headers.push(("X-CSRF-Token", csrf));
                }
                let r = request_with(&server.addr, method, &path, body.as_deref(), &headers);
                // Denials: the public must sign in (401) for changes; a draft of another
                // organization does not exist for the caller (404); otherwise 403.
                let expected = if allowed && route == WriteRoute::AddNode {
                    201
                } else if allowed {
                    200
                } else if session.is_none() && method != "GET" {
                    401
                } else if draft && !own {
                    404
                } else {
                    403
                };
                checked += 1;
                if r.status != expected {
                    failures.push(format!(
                        "{route:?} as {name} on {plan_id}: expected {expected}, got {} {}",
                        r.status, r.body
                    ));
                }
                // Where a change came from (address, browser) is for the plan's
                // administrators; other members see who and what, not from where.
                if allowed && matches!(route, WriteRoute::History | WriteRoute::HistoryPage) {
                    let shows = shows_origin(route, &r.body);
                    if shows != (own && admin) {
                        failures.push(format!(
                            "{route:?} as {name} on {plan_id}: origin shown: {shows}, expected {}",
                            own && admin
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // 10 routes × 7 viewers × 2 plans.
    assert_eq!(checked, 10 * 7 * 2);
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum UserRoute {
    List,
    Create,
    Disable,
    ListDepartments,
    AddDepartment,
    RemoveDepartment,
}

#[test]
fn user_management_matrix() {
    let server = TestServer::start();
    let users = [
        ("k-admin", "komagane", "administrator", None),
        ("k-editor", "komagane", "editor", Some("企画振興課")),
        ("k-council", "komagane", "council_member", None),
        ("s-admin", "shimada", "administrator", None),
        ("s-editor", "shimada", "editor", Some("DX推進課")),
        ("s-council", "shimada", "council_member", None),
        ("k-victim", "komagane", "council_member", None),
        ("s-victim", "shimada", "council_member", None),
    ];
    for (login, org, role, dept) in users {
        add_user(&server, org, login, role, dept);
    }
    let mut viewers: Vec<Caller> = vec![("public".into(), None, None, None)];
    for (login, org, role, _) in &users[..6] {
        viewers.push((
            (*login).into(),
            Some(signed_in(&server, login)),
            Some(*org),
            Some(*role),
        ));
    }
    // The victims' ids, from their organization's administrators.
    let mut victims = std::collections::HashMap::new();
    for (org, admin, victim) in [("komagane", 1, "k-victim"), ("shimada", 4, "s-victim")] {
        let (cookie, _) = viewers[admin].1.clone().unwrap();
        let list = request_with(
            &server.addr,
            "GET",
            &format!("/api/v1/organizations/{org}/users"),
            None,
            &[("Cookie", &cookie)],
        );
        let id = list
            .json()
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["login"] == victim)
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        victims.insert(org, id);
    }

    // An unused department in each organization for its administrator to remove.
    for (org, admin) in [("komagane", 1), ("shimada", 4)] {
        let (cookie, csrf) = viewers[admin].1.clone().unwrap();
        let r = request_with(
            &server.addr,
            "POST",
            &format!("/api/v1/organizations/{org}/departments"),
            Some(r#"{"name":"廃止予定課"}"#),
            &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)],
        );
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let unused = "%E5%BB%83%E6%AD%A2%E4%BA%88%E5%AE%9A%E8%AA%B2"; // 廃止予定課

    let mut checked = 0;
    let mut failures = Vec::new();
    for route in [
        UserRoute::List,
        UserRoute::Create,
        UserRoute::Disable,
        UserRoute::ListDepartments,
        UserRoute::AddDepartment,
        UserRoute::RemoveDepartment,
    ] {
        for (name, session, org, role) in &viewers {
            for target in ["komagane", "shimada"] {
                let allowed = *org == Some(target) && *role == Some("administrator");
                let (method, path, body) = match route {
                    UserRoute::List => {
                        ("GET", format!("/api/v1/organizations/{target}/users"), None)
                    }
                    UserRoute::Create => (
                        "POST",
                        format!("/api/v1/organizations/{target}/users"),
                        Some(format!(
                            r#"{{"login":"new-{name}-{target}","display_name":"新規","role":"council_member","password":"{PASSWORD}"}}"#
                        )),
                    ),
                    UserRoute::Disable => (
                        "PATCH",
                        format!("/api/v1/organizations/{target}/users/{}", victims[target]),
                        Some(r#"{"disabled":true}"#.to_owned()),
                    ),
                    UserRoute::ListDepartments => (
                        "GET",
                        format!("/api/v1/organizations/{target}/departments"),
                        None,
                    ),
                    UserRoute::AddDepartment => (
                        "POST",
                        format!("/api/v1/organizations/{target}/departments"),
                        Some(format!(r#"{{"name":"{name}の新設課"}}"#)),
                    ),
                    UserRoute::RemoveDepartment => (
                        "DELETE",
                        format!("/api/v1/organizations/{target}/departments/{unused}"),
                        None,
                    ),
                };
                let mut headers: Vec<(&str, &str)> = Vec::new();
                if let Some((cookie, csrf)) = session {
                    headers.push(("Cookie", cookie));
                    headers.push(("X-CSRF-Token", csrf));
                }
                let r = request_with(&server.addr, method, &path, body.as_deref(), &headers);
                let expected = match (allowed, route, session.is_some()) {
                    (true, UserRoute::Create | UserRoute::AddDepartment, _) => 201,
                    (true, UserRoute::RemoveDepartment, _) => 204,
                    (true, _, _) => 200,
                    (false, _, false) => 401,
                    (false, _, true) => 403,
                };
                checked += 1;
                if r.status != expected {
                    failures.push(format!(
                        "{route:?} as {name} on {target}: expected {expected}, got {} {}",
                        r.status, r.body
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // 6 routes × 7 viewers × 2 organizations.
    assert_eq!(checked, 6 * 7 * 2);

    // A disabled user can no longer sign in.
    let body = serde_json::json!({ "login": "k-victim", "password": PASSWORD }).to_string();
    assert_eq!(
        request_with(&server.addr, "POST", "/api/v1/session", Some(&body), &[]).status,
        401
    );
}

#[test]
fn user_management_rejects_bad_input_and_self_lockout() {
    let server = TestServer::start();
    add_user(&server, "komagane", "k-admin", "administrator", None);
    let (cookie, csrf) = signed_in(&server, "k-admin");
    let headers = [("Cookie", cookie.as_str()), ("X-CSRF-Token", csrf.as_str())];
    let post = |body: &str| {
        request_with(
            &server.addr,
            "POST",
            "/api/v1/organizations/komagane/users",
            Some(body),
            &headers,
        )
    };

    let r = post(&format!(
        r#"{{"login":"x","display_name":"x","role":"editor","password":"{PASSWORD}"}}"#
    ));
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (400, Some("department"))
    );
    let r = post(&format!(
        r#"{{"login":"x","display_name":"x","role":"editor","department":"架空課","password":"{PASSWORD}"}}"#
    ));
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (400, Some("department"))
    );
    let r = post(r#"{"login":"x","display_name":"x","role":"council_member","password":"short"}"#);
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (400, Some("password"))
    );
    let r = post(&format!(
        r#"{{"login":"x","display_name":"x","role":"mayor","password":"{PASSWORD}"}}"#
    ));
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (400, Some("role"))
    );
    let r = post(&format!(
        r#"{{"login":"K-ADMIN","display_name":"x","role":"council_member","password":"{PASSWORD}"}}"#
    ));
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (409, Some("login"))
    );

    // Names are one line, and notes as long as the plan format allows (docs/plan-format.md).
    let r = post(&format!(
        r#"{{"login":"x","display_name":"二行の\n氏名","role":"council_member","password":"{PASSWORD}"}}"#
    ));
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (400, Some("display_name"))
    );
    let long_note = serde_json::json!({ "name": "備考の長い課", "note": "備".repeat(1_001) });
    let r = request_with(
        &server.addr,
        "POST",
        "/api/v1/organizations/komagane/departments",
        Some(&long_note.to_string()),
        &headers,
    );
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (400, Some("note"))
    );

    // Departments: a blank name, a used department, a structure change naming no real measure.
    let r = request_with(
        &server.addr,
        "POST",
        "/api/v1/organizations/komagane/departments",
        Some(r#"{"name":"  "}"#),
        &headers,
    );
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (400, Some("name"))
    );
    let r = request_with(
        &server.addr,
        "DELETE",
        "/api/v1/organizations/komagane/departments/%E5%B8%82%E6%B0%91%E8%AA%B2", // 市民課
        None,
        &headers,
    );
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (409, Some("name"))
    );
    let r = request_with(
        &server.addr,
        "PUT",
        "/api/v1/plans/komagane-dx-strategy/nodes/vision/measures",
        Some(r#"{"measures":["no-such-measure"]}"#),
        &headers,
    );
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (400, Some("measures"))
    );
    let r = request_with(
        &server.addr,
        "PATCH",
        "/api/v1/plans/komagane-dx-strategy/nodes/vision",
        Some(r#"{"field":"kind","value":"x"}"#),
        &headers,
    );
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (400, Some("field"))
    );

    let me = request_with(&server.addr, "GET", "/api/v1/session", None, &headers).json()["user"]
        ["id"]
        .as_i64()
        .unwrap();
    let r = request_with(
        &server.addr,
        "PATCH",
        &format!("/api/v1/organizations/komagane/users/{me}"),
        Some(r#"{"disabled":true}"#),
        &headers,
    );
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (400, Some("disabled"))
    );
}

/// Audit entry ids are sequential, so a restore must not tell an entry of a plan the caller may
/// not read from no entry at all: both are the same 404, which names no plan. A plan they may
/// read but not change is still 403.
#[test]
fn restore_answers_a_missing_entry_and_another_organizations_entry_alike() {
    let server = TestServer::start();
    import_draft(&server);
    add_user(&server, "komagane", "k-admin", "administrator", None);
    add_user(&server, "shimada", "s-admin", "administrator", None);
    let (cookie, csrf) = signed_in(&server, "k-admin");
    let mut entries = Vec::new();
    for (plan_id, measure_id) in [
        ("komagane-next-draft", "m1"),
        ("komagane-dx-strategy", "citizen-05"),
    ] {
        let r = request_with(
            &server.addr,
            "PATCH",
            &format!("/api/v1/plans/{plan_id}/measures/{measure_id}"),
            Some(r#"{"field":"summary","value":"復元用の値"}"#),
            &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)],
        );
        assert_eq!(r.status, 200, "{}", r.body);
        entries.push(r.json()["entry"]["id"].as_i64().unwrap());
    }
    let (draft_entry, published_entry) = (entries[0], entries[1]);

    let (cookie, csrf) = signed_in(&server, "s-admin");
    let restore = |entry: i64| {
        request_with(
            &server.addr,
            "POST",
            &format!("/api/v1/audit/{entry}/restore"),
            None,
            &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)],
        )
    };
    let hidden = restore(draft_entry);
    let missing = restore(published_entry + 1000);
    assert_eq!(hidden.status, 404, "{}", hidden.body);
    assert_eq!(
        (hidden.status, &hidden.body),
        (missing.status, &missing.body)
    );
    assert!(!hidden.body.contains("komagane"), "{}", hidden.body);
    // A published plan of another organization: readable, not theirs to change.
    assert_eq!(restore(published_entry).status, 403);
}

/// The history page's restore form goes back to the history page it names, and a `next` that a
/// browser would read as another host goes home, as after signing in.
#[test]
fn the_restore_form_goes_back_only_to_a_plan_page_of_this_site() {
    let server = TestServer::start();
    add_user(&server, "komagane", "k-admin", "administrator", None);
    let (cookie, csrf) = signed_in(&server, "k-admin");
    let edit = |value: &str| {
        let body = serde_json::json!({ "field": "summary", "value": value }).to_string();
        let r = request_with(
            &server.addr,
            "PATCH",
            "/api/v1/plans/komagane-dx-strategy/measures/citizen-05",
            Some(&body),
            &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)],
        );
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()["entry"]["id"].as_i64().unwrap()
    };
    let history = "/plans/komagane-dx-strategy/measures/citizen-05/history";
    // Form-encoded: %09 is a tab, %5C a backslash.
    for (next, expected) in [
        (
            "%2Fplans%2Fkomagane-dx-strategy%2Fmeasures%2Fcitizen-05%2Fhistory",
            history,
        ),
        ("%2F%09%2Fevil.example", "/"),
        ("%2F%5C%2Fevil.example", "/"),
        ("%2F%2Fevil.example%2Fplans%2F", "/"),
        ("https%3A%2F%2Fevil.example%2Fplans%2F", "/"),
        ("%2Fadmin", "/"),
    ] {
        let entry = edit(&format!("復元前の値 {next}"));
        let r = request_with(
            &server.addr,
            "POST",
            &format!("/api/v1/audit/{entry}/restore/form"),
            Some(&format!("csrf={csrf}&next={next}")),
            &[
                ("Cookie", &cookie),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
        );
        assert_eq!(r.status, 303, "{next}: {}", r.body);
        assert_eq!(r.header("location"), Some(expected), "{next}");
    }
}
