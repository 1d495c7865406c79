//! The interface's language: `GET /api/v1/language` remembers the choice in a cookie for
//! anyone, signed in or not, and returns only to a page of this site; pages are written in
//! the chosen language, else the one `Accept-Language` asks for, and say they vary by both.
//! The English a plan file gives (departments and roadmap cells too) reaches English pages
//! only, marked as English, and comes back in the plan's export. The JSON API says why it
//! refuses a request in the language pages use.

mod support;

use support::{administrator, request_with, signed_in_account, NewAccount, TestServer};

/// Komagane's plan as its export gives it, to anyone.
fn komagane_export(server: &TestServer) -> serde_json::Value {
    request_with(
        &server.addr,
        "GET",
        "/api/v1/plans/komagane-dx-strategy",
        None,
        &[],
    )
    .json()
}

/// The item of a JSON array whose `key` is `value`.
fn item<'a>(array: &'a serde_json::Value, key: &str, value: &str) -> &'a serde_json::Value {
    array
        .as_array()
        .and_then(|items| items.iter().find(|i| i[key] == value))
        .unwrap_or_else(|| panic!("no item with {key} {value:?}"))
}

fn html_lang(body: &str) -> Option<&str> {
    let start = body.find("<html lang=\"")? + "<html lang=\"".len();
    body[start..].split('"').next()
}

#[test]
fn anyone_switches_the_language_and_returns_to_the_page_they_were_on() {
    let server = TestServer::start();
    let mut callers = vec![("public".to_owned(), None)];
    for (login, role) in [
        ("lang-admin", "administrator"),
        ("lang-council", "council_member"),
    ] {
        let account = NewAccount {
            organization: "komagane",
            login,
            name: "言語 太郎",
            role,
            department: None,
            password: "language test passphrase",
        };
        let session = signed_in_account(&server, account);
        callers.push((login.to_owned(), Some(session.cookie)));
    }
    for (name, cookie) in &callers {
        let headers: Vec<(&str, &str)> = cookie.iter().map(|c| ("Cookie", c.as_str())).collect();
        let r = request_with(
            &server.addr,
            "GET",
            "/api/v1/language?to=en&next=%2Fplans%2Fkomagane-dx-strategy%3Fx%3D1",
            None,
            &headers,
        );
        assert_eq!(r.status, 303, "{name}");
        assert_eq!(
            r.header("location"),
            Some("/plans/komagane-dx-strategy?x=1"),
            "{name}"
        );
        let set = r.header("set-cookie").unwrap();
        assert!(
            set.starts_with("keikaku_lang=en; Path=/; SameSite=Lax; Max-Age="),
            "{name}: {set}"
        );
    }
}

#[test]
fn an_unknown_language_is_refused_naming_the_field_and_another_site_is_never_the_way_back() {
    let server = TestServer::start();
    let refused = server.get("/api/v1/language?to=fr&next=/");
    assert_eq!(refused.status, 400);
    assert_eq!(refused.json()["error"]["field"], "to");
    assert!(refused.header("set-cookie").is_none());
    for next in [
        "https://evil.example/",
        "//evil.example/",
        "/%5Cevil.example",
    ] {
        let r = server.get(&format!("/api/v1/language?to=ja&next={next}"));
        assert_eq!(r.status, 303, "{next}");
        assert_eq!(r.header("location"), Some("/"), "{next}");
    }
}

#[test]
fn pages_follow_the_chosen_language_then_accept_language_and_vary_by_both() {
    let server = TestServer::start();
    let get = |headers: &[(&str, &str)]| request_with(&server.addr, "GET", "/", None, headers);

    let default = get(&[]);
    assert_eq!(html_lang(&default.body), Some("ja"));
    assert!(default.body.contains("自治体DX計画"));
    let vary = default
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("vary"));
    assert!(vary
        .map(|(_, v)| v.as_str())
        .any(|v| v.contains("cookie") && v.contains("accept-language")));
    // No page sets a cookie of its own: a cache may keep it.
    assert!(default.header("set-cookie").is_none());

    let english = get(&[("Accept-Language", "en-US,en;q=0.9,ja;q=0.8")]);
    assert_eq!(html_lang(&english.body), Some("en"));
    assert!(english.body.contains("Municipal DX plans"));
    assert!(english.header("set-cookie").is_none());

    // The cookie wins over Accept-Language, both ways.
    let chosen = get(&[("Accept-Language", "en-US"), ("Cookie", "keikaku_lang=ja")]);
    assert_eq!(html_lang(&chosen.body), Some("ja"));
    let chosen = get(&[("Accept-Language", "ja"), ("Cookie", "keikaku_lang=en")]);
    assert_eq!(html_lang(&chosen.body), Some("en"));
    // A cookie naming no language of ours is ignored.
    let unknown = get(&[("Accept-Language", "ja"), ("Cookie", "keikaku_lang=xx")]);
    assert_eq!(html_lang(&unknown.body), Some("ja"));
}

#[test]
fn the_english_a_plan_file_gives_survives_the_store_and_reaches_english_pages_only() {
    let server = TestServer::start();
    let path = "/api/v1/pages/measure?plan_id=komagane-dx-strategy&measure_id=regional-06";
    // The page data in each language: an argument of its own, Japanese by default.
    let japanese = request_with(&server.addr, "GET", path, None, &[]).json();
    assert_eq!(japanese["measure"]["title"], "健康管理・介護予防");
    let english = request_with(&server.addr, "GET", &format!("{path}&lang=en"), None, &[]).json();
    assert_eq!(
        english["measure"]["title"],
        "Health management and care prevention"
    );
    // A field without English stays Japanese.
    assert!(english["measure"]["current_issues"]
        .as_str()
        .unwrap()
        .contains("特定健診"));
    assert_eq!(english["summary"]["title"], "Komagane DX Strategy");
    assert_eq!(english["summary"]["has_english"], true);

    // The page itself, in English: the plan's English marked as such, its Japanese as Japanese.
    let page = request_with(
        &server.addr,
        "GET",
        "/plans/komagane-dx-strategy/measures/regional-06",
        None,
        &[("Cookie", "keikaku_lang=en")],
    );
    assert!(page
        .body
        .contains(r#"<span lang="en">6 Health management and care prevention</span>"#));
    assert!(page.body.contains("Where the plan gives no English"));
    // The export gives the English back, where the file had it.
    let export = komagane_export(&server);
    let measure = item(&export["plan"]["measures"], "id", "regional-06");
    assert_eq!(
        measure["en"]["title"],
        "Health management and care prevention"
    );
    assert_eq!(export["plan"]["en"]["title"], "Komagane DX Strategy");
}

#[test]
fn the_api_says_why_it_refuses_in_the_language_the_pages_use() {
    let server = TestServer::start();
    let admin = administrator(
        &server,
        "komagane",
        "lang-reasons",
        "reason test passphrase",
    );
    let blank_department = |extra: &[(&str, &str)]| {
        let mut headers = vec![
            ("Cookie", admin.cookie.as_str()),
            ("X-CSRF-Token", admin.csrf.as_str()),
        ];
        headers.extend_from_slice(extra);
        request_with(
            &server.addr,
            "POST",
            "/api/v1/organizations/komagane/departments",
            Some(r#"{"name":"  "}"#),
            &headers,
        )
    };
    // Refused by the store's rules: the field and the reason, in the asked language.
    let english = blank_department(&[("Accept-Language", "en-GB,en;q=0.9")]);
    assert_eq!(english.status, 400, "{}", english.body);
    assert_eq!(english.json()["error"]["field"], "name");
    assert_eq!(english.json()["error"]["reason"], "Please enter a value.");
    assert_eq!(english.header("content-language"), Some("en"));
    let japanese = blank_department(&[]);
    assert_eq!(japanese.json()["error"]["reason"], "入力してください。");
    assert_eq!(japanese.header("content-language"), Some("ja"));
    // The switch's cookie outranks Accept-Language, as it does for pages.
    let cookie = format!("{}; keikaku_lang=ja", admin.cookie);
    let chosen = request_with(
        &server.addr,
        "POST",
        "/api/v1/organizations/komagane/departments",
        Some(r#"{"name":"  "}"#),
        &[
            ("Cookie", &cookie),
            ("X-CSRF-Token", &admin.csrf),
            ("Accept-Language", "en"),
        ],
    );
    assert_eq!(chosen.json()["error"]["reason"], "入力してください。");

    // Refused before any handler (no session), and a missing thing from the store.
    let unsigned = request_with(
        &server.addr,
        "POST",
        "/api/v1/organizations/komagane/departments",
        Some(r#"{"name":"新しい課"}"#),
        &[("Cookie", "keikaku_lang=en")],
    );
    assert_eq!(unsigned.status, 401, "{}", unsigned.body);
    assert_eq!(unsigned.json()["error"]["reason"], "Please sign in.");
    let missing = request_with(
        &server.addr,
        "GET",
        "/api/v1/plans/no-such-plan",
        None,
        &[("Accept-Language", "en")],
    );
    assert_eq!(missing.status, 404, "{}", missing.body);
    assert_eq!(
        missing.json()["error"]["reason"],
        "This plan was not found."
    );
    assert_eq!(missing.json()["error"]["field"], "plan_id");
    // A department added with its English name lists it; English for a field a department
    // does not have is refused by its place.
    let post = |body: &str| {
        request_with(
            &server.addr,
            "POST",
            "/api/v1/organizations/komagane/departments",
            Some(body),
            &[
                ("Cookie", &admin.cookie),
                ("X-CSRF-Token", &admin.csrf),
                ("Accept-Language", "en"),
            ],
        )
    };
    let added = post(r#"{"name":"国際交流課","en":{"name":"International Exchange Division"}}"#);
    assert_eq!(added.status, 201, "{}", added.body);
    assert_eq!(
        item(&added.json(), "name", "国際交流課")["en"]["name"],
        "International Exchange Division"
    );
    let unknown = post(r#"{"name":"別の課","en":{"title":"Other"}}"#);
    assert_eq!(unknown.status, 400, "{}", unknown.body);
    assert_eq!(unknown.json()["error"]["field"], "en.title");
    let taken = post(r#"{"name":"International Exchange Division"}"#);
    assert_eq!(taken.status, 400, "{}", taken.body);
    assert_eq!(
        taken.json()["error"]["reason"],
        "A department with this name already exists."
    );
    // Answers that are not errors are left as they are.
    let found = request_with(
        &server.addr,
        "GET",
        "/api/v1/plans",
        None,
        &[("Accept-Language", "en")],
    );
    assert_eq!(found.status, 200);
    assert_eq!(found.header("content-language"), None);
}

#[test]
fn department_and_roadmap_cell_english_reach_english_pages_and_the_export() {
    let server = TestServer::start();
    let english_cookie = [("Cookie", "keikaku_lang=en")];
    let path = "/api/v1/pages/measure?plan_id=komagane-dx-strategy&measure_id=regional-06";
    // The page data: the departments named as the page names them; a cell keeps its Japanese
    // (its stage is read there) and carries its English.
    let japanese = request_with(&server.addr, "GET", path, None, &[]).json();
    assert_eq!(
        japanese["measure"]["lead_departments"],
        serde_json::json!(["地域保健課"])
    );
    let english = request_with(&server.addr, "GET", &format!("{path}&lang=en"), None, &[]).json();
    assert_eq!(
        english["measure"]["lead_departments"],
        serde_json::json!(["Community Health Division"])
    );
    let cell = &english["measure"]["actions"][0]["schedule"][0];
    assert_eq!(cell["text"], "検討");
    assert_eq!(cell["en"]["text"], "Study");

    // The measure page in English: the department and the roadmap cells in English, marked so.
    let page = request_with(
        &server.addr,
        "GET",
        "/plans/komagane-dx-strategy/measures/regional-06",
        None,
        &english_cookie,
    );
    assert!(
        page.body
            .contains(r#"<li lang="en">Community Health Division</li>"#),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains(r#"<span class="cell__line" lang="en">Establish and improve</span>"#));
    assert!(!page.body.contains(r#"<span class="cell__line" lang="ja">"#));
    // In Japanese, the plan's own words.
    let page = request_with(
        &server.addr,
        "GET",
        "/plans/komagane-dx-strategy/measures/regional-06",
        None,
        &[("Cookie", "keikaku_lang=ja")],
    );
    assert!(page.body.contains("地域保健課"));
    assert!(!page.body.contains("Community Health Division"));
    assert!(page
        .body
        .contains(r#"<span class="cell__line">定着・改善</span>"#));

    // The roadmap in English: cells without English stay Japanese, marked so.
    let roadmap = request_with(
        &server.addr,
        "GET",
        "/plans/komagane-dx-strategy/roadmap",
        None,
        &english_cookie,
    );
    assert!(roadmap
        .body
        .contains(r#"<span lang="en">Community Health Division</span>"#));
    assert!(roadmap
        .body
        .contains(r#"<span class="cell__line" lang="en">Establish and improve</span>"#));
    assert!(roadmap
        .body
        .contains(r#"<span class="cell__line" lang="ja">"#));
    assert!(roadmap
        .body
        .contains(r#"<span lang="ja">企画振興課</span>"#));

    // A department named in Japanese (a link from the Japanese page) is chosen on the English
    // roadmap, under its English name.
    let data = request_with(
        &server.addr,
        "GET",
        "/api/v1/pages/roadmap?plan_id=komagane-dx-strategy&department=%E5%9C%B0%E5%9F%9F%E4%BF%9D%E5%81%A5%E8%AA%B2&lang=en",
        None,
        &[],
    )
    .json();
    assert_eq!(data["filter_errors"], serde_json::json!([]));
    assert_eq!(data["filter"]["department"], "Community Health Division");

    // The export gives the English back where the file had it.
    let export = komagane_export(&server);
    let department = item(&export["organization"]["departments"], "name", "地域保健課");
    assert_eq!(department["en"]["name"], "Community Health Division");
    let measure = item(&export["plan"]["measures"], "id", "regional-06");
    assert_eq!(measure["actions"][0]["schedule"][0]["en"]["text"], "Study");
}
