//! The authorization matrix of plan versions and revisions, generated: every version route ×
//! the public and every role of the plan's own organization and of another × a published plan
//! and a draft plan, each with a draft revision. The expected answer comes from the rules
//! (whoever reads the plan reads its versions, members read the draft revision,
//! administrators manage it), not from a list. Bad input names its field and changes nothing;
//! `server import --revision` makes a revised file the draft.

mod support;

use support::{
    add_account, import_json, request_with, run, sign_in, NewAccount, Session, TempDir, TestServer,
};

const PASSWORD: &str = "version matrix passphrase";
const PUBLISHED: &str = "komagane-dx-strategy";
const DRAFT_PLAN: &str = "komagane-next-draft";

fn draft_plan() -> serde_json::Value {
    serde_json::json!({
        "format": "keikaku-plan/1",
        "organization": { "id": "komagane", "name": "駒ヶ根市", "prefecture": "長野県", "departments": [{ "name": "企画振興課" }] },
        "plan": {
            "id": DRAFT_PLAN, "title": "駒ヶ根市 次期計画（草案）", "status": "draft",
            "period": { "start_fiscal_year": 2027, "end_fiscal_year": 2031 },
            "structure": [{ "id": "p1", "kind": "pillar", "title": "柱", "measures": ["m1"] }],
            "measures": [{ "id": "m1", "title": "草案の施策", "lead_departments": ["企画振興課"] }]
        }
    })
}

fn headers(session: Option<&Session>) -> Vec<(&str, &str)> {
    session
        .map(|s| {
            vec![
                ("Cookie", s.cookie.as_str()),
                ("X-CSRF-Token", s.csrf.as_str()),
            ]
        })
        .unwrap_or_default()
}

fn call(
    server: &TestServer,
    session: Option<&Session>,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> support::Response {
    let mut h = headers(session);
    h.push(("Content-Type", "application/json"));
    request_with(&server.addr, method, path, body, &h)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Route {
    DocumentPage,
    DraftDocumentPage,
    VersionsPage,
    ComparePage,
    RevisionPage,
    ListVersions,
    ExportCurrent,
    ExportDraft,
    Compare,
    Changes,
    Edit,
    Label,
    ImportFile,
    Discard,
    Start,
    Publish,
}

/// In this order: reads, edits of the draft, then discarding it, starting another and
/// publishing that (each needs the step before).
const ROUTES: [Route; 16] = [
    Route::DocumentPage,
    Route::DraftDocumentPage,
    Route::VersionsPage,
    Route::ComparePage,
    Route::RevisionPage,
    Route::ListVersions,
    Route::ExportCurrent,
    Route::ExportDraft,
    Route::Compare,
    Route::Changes,
    Route::Edit,
    Route::Label,
    Route::ImportFile,
    Route::Discard,
    Route::Start,
    Route::Publish,
];

struct Viewer {
    name: String,
    session: Option<Session>,
    organization: Option<&'static str>,
    role: Option<&'static str>,
}

#[test]
fn version_access_matrix() {
    let server = TestServer::start();
    import_json(&server, &draft_plan());
    let users = [
        ("k-admin", "komagane", "administrator", None),
        ("k-editor", "komagane", "editor", Some("企画振興課")),
        ("k-council", "komagane", "council_member", None),
        ("s-admin", "shimada", "administrator", None),
        ("s-editor", "shimada", "editor", Some("DX推進課")),
        ("s-council", "shimada", "council_member", None),
    ];
    let mut viewers = vec![Viewer {
        name: "public".into(),
        session: None,
        organization: None,
        role: None,
    }];
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
        viewers.push(Viewer {
            name: login.into(),
            session: Some(sign_in(&server, login, PASSWORD)),
            organization: Some(organization),
            role: Some(role),
        });
    }
    let admin = viewers[1].session.clone().unwrap();
    // Each plan gets a draft revision, and a revised file to import: its current version with
    // a new title.
    let mut files = std::collections::HashMap::new();
    for plan in [PUBLISHED, DRAFT_PLAN] {
        let r = call(
            &server,
            Some(&admin),
            "POST",
            &format!("/api/v1/plans/{plan}/revision"),
            Some("{}"),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["number"], 2);
        let mut file = call(
            &server,
            Some(&admin),
            "GET",
            &format!("/api/v1/plans/{plan}/versions/1"),
            None,
        )
        .json();
        file["plan"]["title"] = serde_json::Value::String("改定後の題名".into());
        files.insert(plan, file.to_string());
    }

    let mut checked = 0;
    let mut failures = Vec::new();
    for route in ROUTES {
        for viewer in &viewers {
            for (plan, draft) in [(PUBLISHED, false), (DRAFT_PLAN, true)] {
                let own = viewer.organization == Some("komagane");
                let admin = own && viewer.role == Some("administrator");
                let reads_plan = !draft || own;
                let allowed = match route {
                    Route::ListVersions
                    | Route::ExportCurrent
                    | Route::DocumentPage
                    | Route::VersionsPage => reads_plan,
                    Route::ExportDraft
                    | Route::Compare
                    | Route::DraftDocumentPage
                    | Route::ComparePage => own,
                    _ => admin,
                };
                let (method, path, body) = match route {
                    Route::DocumentPage => ("GET", format!("/plans/{plan}/document"), None),
                    Route::DraftDocumentPage => ("GET", format!("/plans/{plan}/v/2"), None),
                    Route::VersionsPage => ("GET", format!("/plans/{plan}/versions"), None),
                    Route::ComparePage => {
                        ("GET", format!("/plans/{plan}/compare?from=1&to=2"), None)
                    }
                    Route::RevisionPage => ("GET", format!("/plans/{plan}/revision"), None),
                    Route::ListVersions => ("GET", format!("/api/v1/plans/{plan}/versions"), None),
                    Route::ExportCurrent => {
                        ("GET", format!("/api/v1/plans/{plan}/versions/1"), None)
                    }
                    Route::ExportDraft => ("GET", format!("/api/v1/plans/{plan}/versions/2"), None),
                    Route::Compare => (
                        "GET",
                        format!("/api/v1/plans/{plan}/compare?from=1&to=2"),
                        None,
                    ),
                    Route::Changes => (
                        "GET",
                        format!("/api/v1/plans/{plan}/revision/changes"),
                        None,
                    ),
                    Route::Edit => (
                        "PATCH",
                        format!("/api/v1/plans/{plan}/revision"),
                        Some(format!(
                            r#"{{"op":"set_plan_field","field":"subtitle","value":"{} の改定"}}"#,
                            viewer.name
                        )),
                    ),
                    Route::Label => (
                        "PUT",
                        format!("/api/v1/plans/{plan}/revision/label"),
                        Some(r#"{"label":"令和6年3月改定","issued":"2024-03"}"#.to_owned()),
                    ),
                    Route::ImportFile => (
                        "PUT",
                        format!("/api/v1/plans/{plan}/revision/file"),
                        Some(files[plan].clone()),
                    ),
                    Route::Discard => ("DELETE", format!("/api/v1/plans/{plan}/revision"), None),
                    Route::Start => (
                        "POST",
                        format!("/api/v1/plans/{plan}/revision"),
                        Some("{}".to_owned()),
                    ),
                    Route::Publish => (
                        "POST",
                        format!("/api/v1/plans/{plan}/revision/publish"),
                        None,
                    ),
                };
                let r = call(
                    &server,
                    viewer.session.as_ref(),
                    method,
                    &path,
                    body.as_deref(),
                );
                let expected = if allowed {
                    match route {
                        Route::Start => 201,
                        Route::Discard => 204,
                        _ => 200,
                    }
                } else if viewer.session.is_none()
                    && (method != "GET" || (route == Route::RevisionPage && reads_plan))
                {
                    401
                } else if !reads_plan
                    || matches!(
                        route,
                        Route::ExportDraft
                            | Route::Compare
                            | Route::DraftDocumentPage
                            | Route::ComparePage
                    )
                {
                    // A draft plan of another organization, or a draft revision, does not exist
                    // for those who may not read it.
                    404
                } else {
                    403
                };
                checked += 1;
                if r.status != expected {
                    failures.push(format!(
                        "{route:?} as {} on {plan}: expected {expected}, got {} {}",
                        viewer.name, r.status, r.body
                    ));
                    continue;
                }
                // A page that answers shows its plan, not an error.
                let page = method == "GET" && !path.starts_with("/api/");
                if allowed
                    && page
                    && (!r.body.contains("<h1") || r.body.contains("ページが見つかりません"))
                {
                    failures.push(format!("{route:?} as {} on {plan}: no page", viewer.name));
                }
                // The list shows the draft revision to members only.
                if route == Route::ListVersions && allowed {
                    let count = r.json().as_array().unwrap().len();
                    if count != if own { 2 } else { 1 } {
                        failures.push(format!("{} sees {count} versions of {plan}", viewer.name));
                    }
                }
                if route == Route::Compare && allowed {
                    let summary = r.json()["summary"].as_str().unwrap().to_owned();
                    if summary != "変更はありません" {
                        failures.push(format!("{plan} draft differs before any edit: {summary}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // 16 routes (5 pages, 11 API routes) × 7 viewers × 2 plans.
    assert_eq!(checked, 16 * 7 * 2);

    // After publishing, version 2 is current, version 1 readable, and the plan has the
    // subtitle nobody set in the started draft (the import and start replaced it): compare.
    let versions = call(
        &server,
        None,
        "GET",
        &format!("/api/v1/plans/{PUBLISHED}/versions"),
        None,
    )
    .json();
    let states: Vec<&str> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["superseded", "current"]);
    let compare = call(
        &server,
        None,
        "GET",
        &format!("/api/v1/plans/{PUBLISHED}/compare?from=1&to=2"),
        None,
    );
    assert_eq!(compare.status, 200);
    assert_eq!(compare.json()["summary"], "変更はありません");
}

#[test]
fn bad_input_names_its_field_and_changes_nothing() {
    let server = TestServer::start();
    let account = NewAccount {
        organization: "komagane",
        login: "k-admin",
        name: "管理者",
        role: "administrator",
        department: None,
        password: PASSWORD,
    };
    assert!(add_account(&server, account).status.success());
    let admin = sign_in(&server, "k-admin", PASSWORD);
    let base = format!("/api/v1/plans/{PUBLISHED}");
    // No draft yet: editing it is 404 naming the revision.
    let r = call(
        &server,
        Some(&admin),
        "PATCH",
        &format!("{base}/revision"),
        Some(r#"{"op":"remove_measure","measure":"citizen-01"}"#),
    );
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (404, Some("revision"))
    );
    let r = call(
        &server,
        Some(&admin),
        "POST",
        &format!("{base}/revision"),
        Some(r#"{"issued":"2024-3"}"#),
    );
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (400, Some("issued"))
    );
    let r = call(
        &server,
        Some(&admin),
        "POST",
        &format!("{base}/revision"),
        Some(r#"{"label":"令和6年3月改定"}"#),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let draft_before = call(
        &server,
        Some(&admin),
        "GET",
        &format!("{base}/versions/2"),
        None,
    )
    .body;
    let cases: [(&str, String, Option<&str>, u16, &str); 9] = [
        (
            "PATCH",
            format!("{base}/revision"),
            Some(r#"{"op":"set_measure_field","measure":"nope","field":"title","value":"x"}"#),
            400,
            "measure",
        ),
        (
            "PATCH",
            format!("{base}/revision"),
            Some(r#"{"op":"set_measure_field","measure":"citizen-01","field":"title","value":""}"#),
            400,
            "value",
        ),
        (
            "PATCH",
            format!("{base}/revision"),
            Some(r#"{"op":"explode"}"#),
            400,
            "op",
        ),
        (
            "PATCH",
            format!("{base}/revision"),
            Some(r#"{"op":"remove_measure","measure":"citizen-01","extra":1}"#),
            400,
            "extra",
        ),
        (
            "PUT",
            format!("{base}/revision/file"),
            Some(r#"{"format":"keikaku-plan/1"#),
            400,
            "file",
        ),
        (
            "PUT",
            format!("{base}/revision/label"),
            Some(r#"{"label":"改\n定"}"#),
            400,
            "label",
        ),
        (
            "POST",
            format!("{base}/revision"),
            Some("{}"),
            409,
            "revision",
        ),
        (
            "GET",
            format!("{base}/compare?from=1&to=x"),
            None,
            400,
            "to",
        ),
        (
            "GET",
            format!("{base}/compare?from=9&to=2"),
            None,
            404,
            "from",
        ),
    ];
    for (method, path, body, status, field) in cases {
        let r = call(&server, Some(&admin), method, &path, body);
        let error = r.json();
        assert_eq!(r.status, status, "{method} {path} {body:?}: {}", r.body);
        let named = error["error"]["field"].as_str().unwrap_or_default();
        assert!(
            named == field || named.starts_with(field) || named.ends_with(field),
            "{method} {path}: {named} for {field}"
        );
        let reason = error["error"]["reason"].as_str().unwrap();
        assert!(!reason.is_empty());
    }
    let draft_after = call(
        &server,
        Some(&admin),
        "GET",
        &format!("{base}/versions/2"),
        None,
    )
    .body;
    assert_eq!(draft_before, draft_after);
    let r = call(
        &server,
        Some(&admin),
        "GET",
        &format!("{base}/versions/abc"),
        None,
    );
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (400, Some("number"))
    );
}

#[test]
fn the_command_line_imports_a_revised_file_as_the_draft() {
    let server = TestServer::start();
    let files = TempDir::new("revised");
    let mut revised: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../samples/plans/komagane.json"
        ))
        .unwrap(),
    )
    .unwrap();
    revised["plan"]["measures"][0]["title"] = "行政手続きのデジタル化".into();
    revised["plan"]["measures"].as_array_mut().unwrap().pop();
    let placed = revised["plan"]["structure"][3]["measures"]
        .as_array_mut()
        .unwrap();
    placed.retain(|m| m != "regional-14");
    let path = files.0.join("revised.json");
    std::fs::write(&path, revised.to_string()).unwrap();
    let out = run(
        &server.data.0,
        &[
            "import",
            "--revision",
            "--label",
            "令和6年3月改定",
            "--date",
            "2024-03",
            path.to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("第2版（令和6年3月改定）"), "{stdout}");
    assert!(stdout.contains("施策の削除 1件、変更 1件"), "{stdout}");
    // A file of a plan that is not stored is refused, and so is a missing value.
    let mut unknown = revised.clone();
    unknown["plan"]["id"] = "no-such-plan".into();
    std::fs::write(&path, unknown.to_string()).unwrap();
    let out = run(
        &server.data.0,
        &["import", "--revision", path.to_str().unwrap()],
    );
    assert!(!out.status.success());
    let out = run(&server.data.0, &["import", "--revision", "--label"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--label needs a value"));
}
