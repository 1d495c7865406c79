//! What a page loads: a visitor's reading page names no build file (its on-demand script loads
//! the app only on a device that still records somebody signed in), every other page and every
//! signed-in page loads the app; and the build files go out as the Brotli or gzip copies the
//! build wrote beside them (scripts/compress-build-files.mjs).

mod support;

use support::{request_with, signed_in_account, NewAccount, TempDir, TestServer};

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
    let session = signed_in_account(
        &server,
        NewAccount {
            organization: "komagane",
            login: "scripts-editor",
            name: "職員 太郎",
            role: "editor",
            department: Some("企画振興課"),
            password: "editor test passphrase",
        },
    );
    for path in READING_PAGES {
        let page = server.get_as(path, &session);
        assert!(loads_the_app(&page.body), "{path} does not load the app");
        assert!(!loads_the_app_on_demand(&page.body), "{path}");
    }
}

#[test]
fn build_files_go_out_as_their_precompressed_copies() {
    let site = TempDir::new("site");
    let pkg = site.0.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(
        pkg.join("keikaku.abc123.js"),
        "console.log('the file itself');",
    )
    .unwrap();
    std::fs::write(pkg.join("keikaku.abc123.js.br"), b"brotli copy").unwrap();
    std::fs::write(pkg.join("keikaku.abc123.js.gz"), b"gzip copy").unwrap();
    std::fs::write(pkg.join("keikaku.def456.css"), "body{}").unwrap();
    // With hashed names the server reads the hashes (its pages name the build by them); a
    // missing file's 404 is such a page.
    let hashes = site.0.join("hash.txt");
    std::fs::write(&hashes, "js: abc123\nwasm: abc123\ncss: def456\n").unwrap();
    let root = site.0.to_str().unwrap();
    let server = TestServer::start_with(&[
        ("LEPTOS_SITE_ROOT", root),
        ("LEPTOS_HASH_FILES", "true"),
        ("LEPTOS_HASH_FILE_NAME", hashes.to_str().unwrap()),
    ]);
    let get = |path: &str, accept: &str| {
        request_with(
            &server.addr,
            "GET",
            path,
            None,
            &[("Accept-Encoding", accept)],
        )
    };

    let brotli = get("/pkg/keikaku.abc123.js", "gzip, deflate, br");
    assert_eq!(brotli.status, 200);
    assert_eq!(brotli.header("content-encoding"), Some("br"));
    assert_eq!(brotli.bytes, b"brotli copy");
    assert!(brotli
        .header("content-type")
        .unwrap()
        .contains("javascript"));
    assert_eq!(
        brotli.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert!(brotli
        .header("vary")
        .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")));

    let gzip = get("/pkg/keikaku.abc123.js", "gzip");
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    assert_eq!(gzip.bytes, b"gzip copy");

    let plain = get("/pkg/keikaku.abc123.js", "identity");
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.body, "console.log('the file itself');");

    // A file without copies is still served.
    let css = get("/pkg/keikaku.def456.css", "identity");
    assert_eq!(css.status, 200);
    assert_eq!(css.body, "body{}");
    assert_eq!(get("/pkg/keikaku.missing.js", "br").status, 404);
}
