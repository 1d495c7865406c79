//! The server over real HTTP on loopback, with a real SQLite file: pages render on the server,
//! the JSON API answers, bad input gets a JSON error naming the field, and what a signed-in
//! person is shown is never cached nor put in the offline app shell.

mod support;

use support::{request_with, signed_in_account, NewAccount, TestServer};

#[test]
fn pages_render_on_the_server() {
    let server = TestServer::start();

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert!(home
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(home.body.contains("<html lang=\"ja\""));
    for text in [
        "駒ヶ根市",
        "こまがねDX戦略",
        "島田市",
        "恵那市",
        "上郡町",
        "松江市",
        "みんなにやさしいデジタル市役所計画",
    ] {
        assert!(home.body.contains(text), "home lists {text}");
    }

    let overview = server.get("/plans/komagane-dx-strategy");
    assert_eq!(overview.status, 200);
    assert!(overview
        .body
        .contains("みんながデジタル化の利便性を享受できる地域社会の構築"));
    assert!(overview
        .body
        .contains("令和4年度（2022年度）～令和8年度（2026年度）"));

    let measure = server.get("/plans/komagane-dx-strategy/measures/regional-01");
    assert_eq!(measure.status, 200);
    for text in [
        "少子化対策",
        "新しい子育て支援アプリの導入",
        "年間出生数",
        "260人",
        "企画振興課",
        "1-1-1",
        "試験導入",
    ] {
        assert!(measure.body.contains(text), "measure page shows {text}");
    }

    let roadmap = server.get("/plans/komagane-dx-strategy/roadmap");
    assert_eq!(roadmap.status, 200);
    assert!(roadmap.body.contains("令和8年度"));
    assert!(roadmap.body.contains("32件の施策のうち32件を表示"));

    let filtered = server.get(
        "/plans/komagane-dx-strategy/roadmap?department=%E7%A8%8E%E5%8B%99%E8%AA%B2&year=2024",
    );
    assert_eq!(filtered.status, 200);
    assert!(filtered.body.contains("令和6年度"));
    assert!(!filtered
        .body
        .contains("<span class=\"western\">2022年度</span>"));

    let glossary = server.get("/plans/komagane-dx-strategy/glossary");
    assert!(
        glossary.body.contains("id=\"term-open-data\"") || glossary.body.contains("オープンデータ")
    );

    let search = server.get("/search?q=%E9%98%B2%E7%81%BD");
    assert_eq!(search.status, 200);
    assert!(search.body.contains("<mark>防災</mark>"));
}

#[test]
fn security_headers_are_served() {
    let server = TestServer::start();
    for path in ["/", "/api/v1/plans", "/plans/no-such-plan"] {
        let r = server.get(path);
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(r.header("x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(r.header("referrer-policy"), Some("same-origin"), "{path}");
        let csp = r.header("content-security-policy").unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"),
            "{csp}"
        );
    }
}

#[test]
fn every_inline_script_carries_the_nonce_the_header_names() {
    let server = TestServer::start();
    let mut nonces = Vec::new();
    let paths = [
        "/",
        "/plans/komagane-dx-strategy",
        "/no/such/route",
        "/app-shell",
        "/logout",
    ];
    for path in paths {
        let page = server.get(path);
        let csp = page.header("content-security-policy").unwrap();
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("{path}: no nonce in {csp}"));
        assert!(csp.contains("script-src 'self' 'nonce-"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        let scripts: Vec<&str> = page.body.split("<script").skip(1).collect();
        assert!(!scripts.is_empty(), "{path}: hydration scripts expected");
        for script in scripts {
            let tag = &script[..script.find('>').unwrap()];
            // Data (`application/json`) is never run, so needs no nonce.
            if !tag.contains(" src=") && !tag.contains("type=\"application/json\"") {
                assert!(
                    tag.contains(&format!("nonce=\"{nonce}\"")),
                    "{path}: inline script without this response's nonce: <script{tag}>"
                );
            }
        }
        nonces.push(nonce.to_owned());
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(
        nonces.len(),
        paths.len(),
        "each response gets a fresh nonce"
    );
}

/// The service worker finds what to read for an offline open in the shell it keeps, in exactly
/// this form (`NAMES_ELEMENT` in `public/sw.js`), and writes its findings right after it.
#[test]
fn the_app_shell_lists_what_the_service_worker_reads() {
    let server = TestServer::start();
    let shell = server.get("/app-shell");
    assert_eq!(shell.status, 200);
    let opening = r#"<script type="application/json" id="keikaku-early-names">"#;
    let start = shell.body.find(opening).expect("names element") + opening.len();
    let names: serde_json::Value = serde_json::from_str(
        &shell.body[start..start + shell.body[start..].find("</script>").unwrap()],
    )
    .expect("names are JSON");
    assert_eq!(names["device"]["database"], "keikaku-device");
    assert_eq!(names["device"]["keys"].as_array().map(Vec::len), Some(2));
    assert_eq!(names["plans"]["databasePrefix"], "keikaku-plans-");
    assert_eq!(names["found"], "keikaku-early-found");
    // Before the shell's own script, which hands the findings to the app.
    assert!(
        shell.body[start..].contains("__keikakuEarly"),
        "the shell's script comes after the names"
    );
}

#[test]
fn missing_pages_are_404() {
    let server = TestServer::start();
    assert_eq!(server.get("/plans/no-such-plan").status, 404);
    assert_eq!(
        server
            .get("/plans/komagane-dx-strategy/measures/no-such-measure")
            .status,
        404
    );
    assert_eq!(server.get("/no/such/route").status, 404);
}

#[test]
fn user_text_is_rendered_inert() {
    let server = TestServer::start();
    let page = server.get("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("<script>alert(1)</script>"));
    assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));

    // Breaking out of <title> must not work either.
    let page = server.get("/search?q=%3C%2Ftitle%3E%3Cscript%3Ealert(2)%3C%2Fscript%3E");
    assert!(
        !page.body.contains("<script>alert(2)"),
        "title escapes its text"
    );
    assert!(page.body.contains("<title>「＜/title＞＜script＞alert(2)"));
}

#[test]
fn json_api_lists_exports_and_searches() {
    let server = TestServer::start();
    let health = server.get("/api/v1/health").json();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["plans"], 5);

    let plans = server.get("/api/v1/plans").json();
    assert_eq!(plans.as_array().unwrap().len(), 5);

    // The export is the import format: it equals the sample file it came from.
    let exported = server.get("/api/v1/plans/shimada-dx-plan").json();
    let sample: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../samples/plans/shimada.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let reparsed =
        keikaku_domain::import::parse_plan_file("export", exported.to_string().as_bytes()).unwrap();
    let original =
        keikaku_domain::import::parse_plan_file("sample", sample.to_string().as_bytes()).unwrap();
    assert_eq!(reparsed, original);

    let hits = server
        .get("/api/v1/search?q=%E9%98%B2%E7%81%BD&limit=3")
        .json();
    assert_eq!(hits["hits"].as_array().unwrap().len(), 3);
    assert_eq!(hits["truncated"], true);
}

#[test]
fn json_api_errors_name_the_field() {
    let server = TestServer::start();
    let missing = server.get("/api/v1/plans/nope");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"]["field"], "plan_id");

    let no_query = server.get("/api/v1/search");
    assert_eq!(no_query.status, 400);
    assert_eq!(no_query.json()["error"]["field"], "q");

    let bad_limit = server.get("/api/v1/search?q=DX&limit=many");
    assert_eq!(bad_limit.status, 400);
    assert_eq!(bad_limit.json()["error"]["field"], "limit");

    let unknown = server.get("/api/v1/nothing-here");
    assert_eq!(unknown.status, 404);
    assert!(unknown.json()["error"]["reason"].is_string());
}

#[test]
fn administrator_forms_render_without_panicking_the_server() {
    // Their actions run only in the browser. Created as browser-only actions during
    // server rendering, they were dropped on another thread of the runtime than the one that
    // rendered them, and the server panicked (now and then: 40 renders make it likely).
    let server = TestServer::start();
    let session = signed_in_administrator(&server, "forms-admin", "管理者");
    let cookie = [("Cookie", session.cookie.as_str())];
    for path in [
        "/admin",
        "/plans/komagane-dx-strategy/measures/internal-01/edit",
    ] {
        for _ in 0..20 {
            let page = request_with(&server.addr, "GET", path, None, &cookie);
            assert_eq!(page.status, 200, "{path}: {}", page.body);
        }
    }
    // A panic is printed when it happens; give a late one (in a drop after the answer) time.
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        !server.stderr_text().contains("panicked"),
        "the server panicked:\n{}",
        server.stderr_text()
    );
}

#[test]
fn the_sign_out_page_is_a_plain_form_for_the_signed_in_and_says_so_to_the_public() {
    let server = TestServer::start();
    let public = server.get("/logout");
    assert_eq!(public.status, 200);
    assert!(
        public.body.contains("ログインしていません"),
        "{}",
        public.body
    );
    assert!(!public.body.contains("/api/v1/session/logout"));

    let account = NewAccount {
        organization: "komagane",
        login: "leaving-editor",
        name: "退出する職員",
        role: "editor",
        department: Some("企画振興課"),
        password: "sign-out page passphrase",
    };
    let session = signed_in_account(&server, account);
    let page = request_with(
        &server.addr,
        "GET",
        "/logout",
        None,
        &[("Cookie", session.cookie.as_str())],
    );
    assert_eq!(page.status, 200);
    // Works without JavaScript: the server's sign-out form with the session's token.
    assert!(page.body.contains(r#"action="/api/v1/session/logout""#));
    assert!(page.body.contains(&format!(r#"value="{}""#, session.csrf)));
}

/// Adds an administrator of 駒ヶ根市 and signs in.
fn signed_in_administrator(server: &TestServer, login: &str, name: &str) -> support::Session {
    let account = NewAccount {
        organization: "komagane",
        login,
        name,
        role: "administrator",
        department: None,
        password: "administrator test passphrase",
    };
    signed_in_account(server, account)
}

#[test]
fn private_answers_are_never_stored_and_public_ones_revalidate() {
    let server = TestServer::start();
    let session = signed_in_administrator(&server, "cache-admin", "管理者 花子");
    let cookie = [("Cookie", session.cookie.as_str())];
    let cache_control = |path: &str, headers: &[(&str, &str)]| {
        let r = request_with(&server.addr, "GET", path, None, headers);
        r.header("cache-control").map(str::to_owned)
    };
    let private = Some("private, no-store".to_owned());
    for path in [
        "/",
        "/plans/komagane-dx-strategy",
        "/admin",
        "/plans/komagane-dx-strategy/measures/citizen-01/history",
        "/plans/komagane-dx-strategy/measures/citizen-01/edit",
        "/sync",
        "/api/v1/session",
        "/api/v1/plans/komagane-dx-strategy",
        "/api/v1/organizations/komagane/users",
        "/no/such/page",
    ] {
        assert_eq!(cache_control(path, &cookie), private, "signed in: {path}");
    }
    for path in ["/admin", "/login", "/api/v1/session", "/app-shell"] {
        assert_eq!(cache_control(path, &[]), private, "public: {path}");
    }
    for path in [
        "/",
        "/plans/komagane-dx-strategy/roadmap",
        "/plans/komagane-dx-strategy/progress",
        "/api/v1/plans",
    ] {
        assert_eq!(
            cache_control(path, &[]).as_deref(),
            Some("no-cache"),
            "public: {path}"
        );
    }
    // Signing in answers with the cookie: never stored either.
    let body = r#"{"login":"cache-admin","password":"administrator test passphrase"}"#;
    let r = request_with(&server.addr, "POST", "/api/v1/session", Some(body), &[]);
    assert_eq!(r.header("cache-control"), Some("private, no-store"));
}

#[test]
fn the_app_shell_never_carries_the_signed_in_user() {
    let server = TestServer::start();
    let name = "管理者 花子";
    let session = signed_in_administrator(&server, "shell-admin", name);
    let shell = server.get_as("/app-shell", &session);
    assert_eq!(shell.status, 200);
    assert!(!shell.body.contains(&session.csrf), "no CSRF token");
    for personal in [name, "shell-admin", "管理者", "ログアウト", "/admin"] {
        assert!(!shell.body.contains(personal), "{personal} in the shell");
    }
    assert!(
        shell.body.contains("href=\"/login\""),
        "the public's header"
    );
    assert_eq!(shell.header("cache-control"), Some("private, no-store"));
}
