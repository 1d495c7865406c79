//! What a page loads: a visitor's reading page names no build file (its on-demand script loads
//! the app only on a device that still records somebody signed in), every other page and every
//! signed-in page loads the app.

mod support;

use support::{add_account, sign_in, NewAccount, TestServer};

const READING_PAGES: [&str; 10] = [
    "/",
    "/search?q=%E9%98%B2%E7%81%BD",
    "/accessibility",
    "/plans/komagane-dx-strategy",
    "/plans/komagane-dx-strategy/progress",
    "/plans/komagane-dx-strategy/data",
    "/plans/komagane-dx-strategy/roadmap",
    "/plans/komagane-dx-strategy/glossary",
    "/plans/komagane-dx-strategy/measures/regional-06",
    "/plans/no-such-plan",
];

/// The app's scripts as Leptos writes them: preloaded while the page loads.
fn loads_the_app(html: &str) -> bool {
    html.contains("<link rel=\"modulepreload\"") && html.contains("as=\"fetch\"")
}

/// The on-demand script: the app's addresses only inside it, for a device with somebody on it.
fn loads_the_app_on_demand(html: &str) -> bool {
    html.contains("root.dataset.app=\"static\"") && html.contains("import(js)")
}

#[test]
fn a_visitors_reading_page_preloads_no_build_file_and_loads_the_app_only_on_demand() {
    let server = TestServer::start();
    for path in READING_PAGES {
        let page = server.get(path);
        assert!(!loads_the_app(&page.body), "{path} preloads the app");
        assert!(
            loads_the_app_on_demand(&page.body),
            "{path}: no on-demand script"
        );
        assert!(
            !page.body.contains("rel=\"preload\""),
            "{path} preloads something"
        );
    }
}

#[test]
fn pages_that_need_the_app_load_it_for_everyone() {
    let server = TestServer::start();
    for path in [
        "/login",
        "/app-shell",
        "/plans/komagane-dx-strategy/document",
        "/plans/komagane-dx-strategy/versions",
    ] {
        let page = server.get(path);
        assert!(loads_the_app(&page.body), "{path} does not load the app");
        assert!(!loads_the_app_on_demand(&page.body), "{path}");
    }
}

#[test]
fn a_signed_in_user_gets_the_app_on_every_reading_page() {
    let server = TestServer::start();
    let password = "editor test passphrase";
    let out = add_account(
        &server,
        NewAccount {
            organization: "komagane",
            login: "scripts-editor",
            name: "職員 太郎",
            role: "editor",
            department: Some("企画振興課"),
            password,
        },
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let session = sign_in(&server, "scripts-editor", password);
    for path in READING_PAGES {
        let page = server.get_as(path, &session);
        assert!(loads_the_app(&page.body), "{path} does not load the app");
        assert!(!loads_the_app_on_demand(&page.body), "{path}");
    }
}
