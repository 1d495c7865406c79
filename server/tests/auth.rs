//! Signing in and out over real HTTP: argon2id passwords, HttpOnly SameSite cookies, CSRF on
//! every state-changing request, the login throttle (atomic, per account and address, client
//! addresses from trusted proxies only), the bound on password hashing, redirects that stay on
//! the site, and strict JSON errors.

mod support;

use support::{add_account, request_with, sign_in, NewAccount, Response, TestServer};

const PASSWORD: &str = "とても長い合言葉 correct horse";

fn add_user(
    server: &TestServer,
    login: &str,
    role: &str,
    department: Option<&str>,
    password: &str,
) -> std::process::Output {
    let name = "試験 太郎";
    add_account(
        server,
        NewAccount {
            organization: "komagane",
            login,
            name,
            role,
            department,
            password,
        },
    )
}

fn login(server: &TestServer, login: &str, password: &str) -> Response {
    let body = serde_json::json!({ "login": login, "password": password }).to_string();
    request_with(&server.addr, "POST", "/api/v1/session", Some(&body), &[])
}

/// The session cookie pair (`name=value`) and CSRF token of a successful login.
fn signed_in(server: &TestServer, user: &str) -> (String, String) {
    let session = sign_in(server, user, PASSWORD);
    (session.cookie, session.csrf)
}

/// Adds the council member `council` and signs in.
fn signed_in_council(server: &TestServer) -> (String, String) {
    let out = add_user(server, "council", "council_member", None, PASSWORD);
    assert!(out.status.success());
    signed_in(server, "council")
}

#[test]
fn user_add_never_accepts_a_missing_or_short_password() {
    let server = TestServer::start();
    let out = add_user(&server, "admin", "administrator", None, "");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("12文字以上"));
    let out = add_user(&server, "editor", "editor", None, PASSWORD);
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs --department"));
    let out = add_user(&server, "editor", "editor", Some("架空課"), PASSWORD);
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a department"));
    let out = add_user(&server, "admin", "administrator", None, PASSWORD);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = add_user(&server, "ADMIN", "administrator", None, PASSWORD);
    assert!(String::from_utf8_lossy(&again.stderr).contains("already taken"));
}

#[test]
fn login_sets_a_safe_cookie_and_logout_ends_the_session() {
    let server = TestServer::start();
    assert!(add_user(&server, "admin", "administrator", None, PASSWORD)
        .status
        .success());

    let wrong = login(&server, "admin", "wrong password here");
    assert_eq!(wrong.status, 401);
    assert!(wrong.header("set-cookie").is_none());
    let unknown = login(&server, "nobody", PASSWORD);
    assert_eq!(unknown.status, 401);
    assert_eq!(
        unknown.json()["error"]["reason"],
        wrong.json()["error"]["reason"],
        "no hint which part was wrong"
    );

    let ok = login(&server, "Admin", PASSWORD);
    assert_eq!(ok.status, 200);
    let set_cookie = ok.header("set-cookie").unwrap();
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    assert!(!set_cookie.contains("Secure"), "plain HTTP on loopback");
    assert_eq!(ok.json()["user"]["role"], "administrator");
    let cookie = set_cookie.split(';').next().unwrap();
    let csrf = ok.json()["csrf_token"].as_str().unwrap().to_owned();

    let me = request_with(
        &server.addr,
        "GET",
        "/api/v1/session",
        None,
        &[("Cookie", cookie)],
    );
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["user"]["login"], "admin");

    // Logout needs the CSRF token too.
    let forged = request_with(
        &server.addr,
        "DELETE",
        "/api/v1/session",
        None,
        &[("Cookie", cookie)],
    );
    assert_eq!(forged.status, 403);
    assert_eq!(forged.json()["error"]["field"], "x-csrf-token");
    let out = request_with(
        &server.addr,
        "DELETE",
        "/api/v1/session",
        None,
        &[("Cookie", cookie), ("X-CSRF-Token", &csrf)],
    );
    assert_eq!(out.status, 204);
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    let after = request_with(
        &server.addr,
        "GET",
        "/api/v1/session",
        None,
        &[("Cookie", cookie)],
    );
    assert_eq!(after.status, 401);
}

#[test]
fn password_change_requires_csrf_and_the_current_password() {
    let server = TestServer::start();
    let (cookie, csrf) = signed_in_council(&server);
    let new = r#"{"current_password":"とても長い合言葉 correct horse","new_password":"another long passphrase"}"#;

    let no_token = request_with(
        &server.addr,
        "PUT",
        "/api/v1/session/password",
        Some(new),
        &[("Cookie", &cookie)],
    );
    assert_eq!(no_token.status, 403);
    let bad_token = request_with(
        &server.addr,
        "PUT",
        "/api/v1/session/password",
        Some(new),
        &[("Cookie", &cookie), ("X-CSRF-Token", "0000")],
    );
    assert_eq!(bad_token.status, 403);
    let cross_site = request_with(
        &server.addr,
        "PUT",
        "/api/v1/session/password",
        Some(new),
        &[
            ("Cookie", &cookie),
            ("X-CSRF-Token", &csrf),
            ("Origin", "http://evil.example"),
        ],
    );
    assert_eq!(cross_site.status, 403);
    assert_eq!(cross_site.json()["error"]["field"], "origin");
    // Nothing changed: the old password still works.
    assert_eq!(login(&server, "council", PASSWORD).status, 200);

    let wrong_current =
        r#"{"current_password":"not it at all!","new_password":"another long passphrase"}"#;
    let r = request_with(
        &server.addr,
        "PUT",
        "/api/v1/session/password",
        Some(wrong_current),
        &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)],
    );
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (400, Some("current_password"))
    );
    let short = r#"{"current_password":"とても長い合言葉 correct horse","new_password":"short"}"#;
    let r = request_with(
        &server.addr,
        "PUT",
        "/api/v1/session/password",
        Some(short),
        &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)],
    );
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (400, Some("new_password"))
    );

    let r = request_with(
        &server.addr,
        "PUT",
        "/api/v1/session/password",
        Some(new),
        &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)],
    );
    assert_eq!(r.status, 204);
    assert_eq!(
        request_with(
            &server.addr,
            "GET",
            "/api/v1/session",
            None,
            &[("Cookie", &cookie)]
        )
        .status,
        401,
        "sessions end"
    );
    assert_eq!(login(&server, "council", PASSWORD).status, 401);
    assert_eq!(
        login(&server, "council", "another long passphrase").status,
        200
    );
}

/// A server that believes `X-Forwarded-For` from loopback, so one test can sign in from
/// many client addresses.
fn behind_a_proxy(extra: &[(&str, &str)]) -> TestServer {
    let mut env = vec![("KEIKAKU_TRUSTED_PROXIES", "127.0.0.1")];
    env.extend_from_slice(extra);
    TestServer::start_with(&env)
}

/// Adds the administrator `admin` with [`PASSWORD`].
fn add_admin(server: &TestServer) {
    let out = add_user(server, "admin", "administrator", None, PASSWORD);
    assert!(out.status.success());
}

/// A failed sign-in to an account that does not exist, one per `n`, each from an address of
/// its own.
fn unknown_login_from_own_address(server: &TestServer, n: usize) -> Response {
    let address = format!("198.51.100.{n}");
    login_from(server, &address, &format!("nobody-{n}"), "guess guess")
}

/// Runs `each(0)` to `each(n - 1)` on threads of their own, all at once.
fn in_parallel<T: Send>(n: usize, each: impl Fn(usize) -> T + Sync) -> Vec<T> {
    std::thread::scope(|scope| {
        let each = &each;
        let threads: Vec<_> = (0..n).map(|i| scope.spawn(move || each(i))).collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    })
}

/// Signs in as `login` from `address` (through the trusted proxy).
fn login_from(server: &TestServer, address: &str, login: &str, password: &str) -> Response {
    let body = serde_json::json!({ "login": login, "password": password }).to_string();
    request_with(
        &server.addr,
        "POST",
        "/api/v1/session",
        Some(&body),
        &[("X-Forwarded-For", address)],
    )
}

fn retry_after(response: &Response) -> u64 {
    response
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{} without Retry-After", response.status))
}

/// A 429 asking to wait `seconds` from the last failure, a few of which may have passed.
fn assert_waits(response: &Response, seconds: u64) {
    assert_eq!(response.status, 429, "{}", response.body);
    let wait = retry_after(response);
    assert!(
        (seconds.saturating_sub(10)..=seconds).contains(&wait),
        "Retry-After {wait}, expected about {seconds}"
    );
}

#[test]
fn five_failures_from_one_address_make_it_wait_even_with_the_right_password() {
    let server = TestServer::start();
    assert!(
        add_user(&server, "editor", "editor", Some("税務課"), PASSWORD)
            .status
            .success()
    );
    for _ in 0..5 {
        assert_eq!(login(&server, "editor", "wrong wrong wrong").status, 401);
    }
    // Even the right password waits.
    assert_waits(&login(&server, "editor", PASSWORD), 60);
}

#[test]
fn sixty_parallel_bad_logins_get_at_most_five_password_checks() {
    let server = TestServer::start();
    add_admin(&server);
    let answers = in_parallel(60, |_| login(&server, "admin", "wrong wrong wrong"));
    let count = |status| answers.iter().filter(|a| a.status == status).count();
    // Each 401 is a password check that ran; a refusal ran none.
    let (checked, throttled, busy) = (count(401), count(429), count(503));
    assert_eq!(checked + throttled + busy, 60, "only 401, 429 or 503");
    assert!(checked <= 5, "{checked} password checks ran");
    assert!(throttled >= 1, "none throttled");
    for refused in answers.iter().filter(|a| a.status != 401) {
        assert!(retry_after(refused) >= 1);
    }
}

#[test]
fn an_attacker_at_one_address_cannot_lock_the_administrator_out_from_another() {
    let server = behind_a_proxy(&[]);
    add_admin(&server);
    let attacker = "198.51.100.66";
    for _ in 0..5 {
        assert_eq!(
            login_from(&server, attacker, "admin", "guess guess guess").status,
            401
        );
    }
    // A minute after the fifth failure.
    assert_waits(
        &login_from(&server, attacker, "admin", "guess guess guess"),
        60,
    );

    let office = "192.0.2.10";
    assert_eq!(login_from(&server, office, "admin", PASSWORD).status, 200);
    assert_eq!(
        login_from(&server, attacker, "admin", PASSWORD).status,
        429,
        "the attacker's address still waits"
    );
}

#[test]
fn guessing_from_many_addresses_slows_each_of_them_but_not_the_owner() {
    let server = behind_a_proxy(&[]);
    add_admin(&server);
    // Twelve addresses, one guess each: the account's twelfth failure.
    let attackers: Vec<String> = (1..=12).map(|n| format!("203.0.113.{n}")).collect();
    for attacker in &attackers {
        assert_eq!(
            login_from(&server, attacker, "admin", "guess guess guess").status,
            401
        );
    }
    // Each of them now waits a minute after its own failure: 15 s from the account's tenth
    // failure, doubled by the eleventh and the twelfth.
    for attacker in &attackers {
        let held = login_from(&server, attacker, "admin", "guess guess guess");
        assert_eq!(held.status, 429, "{attacker}");
        assert!((30..=60).contains(&retry_after(&held)), "{attacker}");
    }
    assert_eq!(
        login_from(&server, "192.0.2.10", "admin", PASSWORD).status,
        200,
        "an address that has not failed is not held back"
    );
}

#[test]
fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
    // Twenty failures from one address (on as many accounts) hold that address back.
    let fail_twenty_times = |server: &TestServer, address: &str| {
        for n in 0..20 {
            let r = login_from(server, address, &format!("nobody-{n}"), "guess guess guess");
            assert_eq!(r.status, 401, "failure {n}");
        }
    };

    let proxied = behind_a_proxy(&[]);
    add_admin(&proxied);
    fail_twenty_times(&proxied, "203.0.113.7");
    assert_waits(&login_from(&proxied, "203.0.113.7", "admin", PASSWORD), 900);
    // What the client wrote left of the proxy's entry changes nothing.
    let spoofed = login_from(&proxied, "192.0.2.99, 203.0.113.7", "admin", PASSWORD);
    assert_eq!(spoofed.status, 429);
    assert_eq!(
        login_from(&proxied, "203.0.113.8", "admin", PASSWORD).status,
        200,
        "another client of the same proxy is not held back"
    );

    // Without the setting, the header is the client's own claim: ignored.
    let direct = TestServer::start();
    add_admin(&direct);
    fail_twenty_times(&direct, "203.0.113.7");
    assert_eq!(
        login_from(&direct, "203.0.113.8", "admin", PASSWORD).status,
        429,
        "a forged header does not escape the throttle"
    );
}

/// Peak resident memory of a process in MiB, where Linux reports it.
fn peak_memory_mib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

#[test]
fn sixty_parallel_sign_ins_from_as_many_addresses_keep_memory_bounded() {
    let server = behind_a_proxy(&[]);
    let answers = in_parallel(60, |n| unknown_login_from_own_address(&server, n).status);
    assert!(
        answers.iter().all(|s| *s == 401 || *s == 503),
        "{answers:?}"
    );
    // Four checks of 19 MiB at a time, in memory kept for them: far below 60 × 19 MiB.
    if let Some(peak) = peak_memory_mib(server.pid()) {
        assert!(peak < 300, "peak {peak} MiB");
    }
}

#[test]
fn password_checks_beyond_the_bound_are_refused_without_hashing() {
    // One check at a time and no waiting for a turn, so parallel requests must overlap.
    let server = behind_a_proxy(&[
        ("KEIKAKU_PASSWORD_CHECKS", "1"),
        ("KEIKAKU_TEST_PASSWORD_WAIT_MS", "0"),
    ]);
    let answers = in_parallel(60, |n| unknown_login_from_own_address(&server, n));
    let busy: Vec<&Response> = answers.iter().filter(|r| r.status == 503).collect();
    let checked = answers.iter().filter(|r| r.status == 401).count();
    assert_eq!(busy.len() + checked, 60, "only 401 or 503");
    assert!(!busy.is_empty(), "60 parallel checks with one turn");
    assert!(checked >= 1);
    for refused in &busy {
        assert_eq!(refused.header("retry-after"), Some("1"));
        assert!(refused.json()["error"]["reason"]
            .as_str()
            .unwrap()
            .contains("混み合って"));
    }
    // A refused request never reached the database: only the checks that ran were recorded,
    // so a flood does not take the write lock from sync pushes.
    let recorded: i64 = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = keikaku_store::Store::open(&server.data.0).await.unwrap();
        sqlx::query_scalar("SELECT COUNT(*) FROM login_attempts")
            .fetch_one(store.pool())
            .await
            .unwrap()
    });
    assert_eq!(recorded as usize, checked, "attempts recorded");
}

#[test]
fn bad_bodies_get_json_errors_naming_the_field() {
    let server = TestServer::start();
    let post = |body: &str, headers: &[(&str, &str)]| {
        request_with(&server.addr, "POST", "/api/v1/session", Some(body), headers)
    };

    let r = post(r#"{"login":"a"}"#, &[]);
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (400, Some("password"))
    );
    let r = post(r#"{"login":1,"password":"x"}"#, &[]);
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (400, Some("login"))
    );
    assert!(r.json()["error"]["reason"]
        .as_str()
        .unwrap()
        .contains("invalid type"));
    let r = post(r#"{"login":"a","password":"x","admin":true}"#, &[]);
    assert_eq!(
        (r.status, r.json()["error"]["field"].as_str()),
        (400, Some("admin"))
    );
    let r = post(r#"{"login":"a","password":"#, &[]);
    assert_eq!(r.status, 400);
    let r = post(
        "login=a&password=b",
        &[("Content-Type", "application/x-www-form-urlencoded")],
    );
    assert_eq!(r.status, 415);
    let huge = format!(
        r#"{{"login":"a","password":"{}"}}"#,
        "x".repeat(1100 * 1024)
    );
    let r = post(&huge, &[]);
    assert_eq!(r.status, 413);
}

/// Every byte percent-encoded, as a form field.
fn encode(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

fn form(server: &TestServer, path: &str, body: &str, cookie: Option<&str>) -> Response {
    let mut headers = vec![("Content-Type", "application/x-www-form-urlencoded")];
    if let Some(c) = cookie {
        headers.push(("Cookie", c));
    }
    request_with(&server.addr, "POST", path, Some(body), &headers)
}

#[test]
fn the_login_form_works_without_javascript_and_never_redirects_off_site() {
    let server = TestServer::start();
    assert!(add_user(&server, "admin", "administrator", None, PASSWORD)
        .status
        .success());
    let password: String = PASSWORD.bytes().map(|b| format!("%{b:02X}")).collect();

    let wrong = form(
        &server,
        "/api/v1/session/form",
        "login=admin&password=nope&next=%2Fplans%2Fshimada-dx-plan",
        None,
    );
    assert_eq!(wrong.status, 303);
    assert_eq!(
        wrong.header("location"),
        Some("/login?error=invalid&login=admin&next=%2Fplans%2Fshimada-dx-plan")
    );
    assert!(wrong.header("set-cookie").is_none());

    let ok = form(
        &server,
        "/api/v1/session/form",
        &format!("login=admin&password={password}&next=%2Fplans%2Fshimada-dx-plan"),
        None,
    );
    assert_eq!(ok.status, 303);
    assert_eq!(ok.header("location"), Some("/plans/shimada-dx-plan"));
    let cookie = ok.cookie_set().unwrap().to_owned();

    // The page header shows who is signed in, with a sign-out form carrying the CSRF token.
    let page = request_with(&server.addr, "GET", "/", None, &[("Cookie", &cookie)]);
    assert!(page.body.contains("試験 太郎"), "header shows the user");
    let csrf = request_with(
        &server.addr,
        "GET",
        "/api/v1/session",
        None,
        &[("Cookie", &cookie)],
    )
    .json()["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(page.body.contains(&csrf));

    for evil in [
        "%2F%2Fevil.example%2F",
        "https%3A%2F%2Fevil.example%2F",
        "%2F%5Cevil.example",
    ] {
        let r = form(
            &server,
            "/api/v1/session/form",
            &format!("login=admin&password={password}&next={evil}"),
            None,
        );
        assert_eq!(r.header("location"), Some("/"), "{evil}");
    }

    let forged = form(
        &server,
        "/api/v1/session/logout",
        "csrf=deadbeef",
        Some(&cookie),
    );
    assert_eq!(forged.status, 403);
    let cross_site = request_with(
        &server.addr,
        "POST",
        "/api/v1/session/logout",
        Some(&format!("csrf={csrf}")),
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", &cookie),
            ("Origin", "https://evil.example"),
        ],
    );
    assert_eq!(cross_site.status, 403);
    let out = form(
        &server,
        "/api/v1/session/logout",
        &format!("csrf={csrf}"),
        Some(&cookie),
    );
    assert_eq!((out.status, out.header("location")), (303, Some("/")));
    assert_eq!(
        request_with(
            &server.addr,
            "GET",
            "/api/v1/session",
            None,
            &[("Cookie", &cookie)]
        )
        .status,
        401
    );
}

#[test]
fn a_next_that_browsers_would_read_as_another_host_redirects_home() {
    let server = TestServer::start();
    add_admin(&server);
    let password = encode(PASSWORD);
    let after_login = |next: &str| {
        let r = form(
            &server,
            "/api/v1/session/form",
            &format!("login=admin&password={password}&next={next}"),
            None,
        );
        assert_eq!(r.status, 303, "{next}");
        r.header("location").unwrap().to_owned()
    };
    // Form-encoded: %09 is a tab, %0A a newline, %0D a carriage return, %5C a backslash.
    for hostile in [
        "%2F%09%2Fevil.example",
        "%2F%0A%2Fevil.example",
        "%2F%0D%2Fevil.example",
        "%09%2F%2Fevil.example",
        "%2F%5C%2Fevil.example",
        "%2F%2F%2Fevil.example",
        "%2F%00%2Fevil.example",
        "javascript%3Aalert(1)",
        "evil.example",
    ] {
        assert_eq!(after_login(hostile), "/", "{hostile}");
    }
    // An encoded tab stays part of the path: still this site.
    assert_eq!(after_login("%2F%2509%2Fevil.example"), "/%09/evil.example");
    assert_eq!(
        after_login("%2Fplans%2Fkomagane-dx-strategy%2Froadmap%3Fyear%3D2024"),
        "/plans/komagane-dx-strategy/roadmap?year=2024"
    );
}

#[test]
fn password_change_is_throttled_like_signing_in() {
    let server = TestServer::start();
    let (cookie, csrf) = signed_in_council(&server);
    let change = |current: &str| {
        let body = serde_json::json!({
            "current_password": current,
            "new_password": "another long passphrase",
        })
        .to_string();
        request_with(
            &server.addr,
            "PUT",
            "/api/v1/session/password",
            Some(&body),
            &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)],
        )
    };
    for _ in 0..5 {
        assert_eq!(change("a guess at the password").status, 400);
    }
    assert_waits(&change(PASSWORD), 60);
    assert_eq!(
        login(&server, "council", PASSWORD).status,
        429,
        "the same account from the same address"
    );
    let me = server.get_with_cookie("/api/v1/session", &cookie);
    assert_eq!(me.status, 200, "nothing changed");
}
