//! Atom feeds read back with an Atom parser, as a feed reader would: every sample plan's feed
//! and every municipality's, with the elements RFC 4287 requires, absolute links, and only
//! what the reader may see.

mod support;

use atom_syndication::Feed;
use support::{request, TestServer};

const PLANS: [&str; 5] = [
    "komagane-dx-strategy",
    "shimada-dx-plan",
    "ena-ict-plan-2",
    "kamigori-dx-plan",
    "matsue-digital-city-hall",
];

fn read_feed(server: &TestServer, path: &str) -> Feed {
    let r = request(&server.addr, "GET", path, None);
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    assert_eq!(
        r.header("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    let feed = Feed::read_from(r.body.as_bytes()).unwrap_or_else(|e| panic!("{path}: {e}"));
    // RFC 4287 4.1.1: id, title, updated; an author for the feed or every entry.
    assert!(!feed.id().is_empty() && !feed.title().is_empty(), "{path}");
    assert!(!feed.authors().is_empty(), "{path}");
    let self_link = feed.links().iter().find(|l| l.rel() == "self").unwrap();
    assert!(self_link.href().ends_with(path), "{path}");
    for entry in feed.entries() {
        assert!(
            !entry.id().is_empty() && !entry.title().is_empty(),
            "{path}"
        );
        assert!(entry.updated() <= &feed.updated().clone(), "{path}");
        let link = &entry.links()[0];
        assert!(
            link.href().starts_with("http://127.0.0.1:"),
            "{}",
            link.href()
        );
    }
    feed
}

#[test]
fn every_plan_and_municipality_has_a_valid_atom_feed_of_its_versions() {
    let server = TestServer::start();
    for plan in PLANS {
        let feed = read_feed(&server, &format!("/api/v1/plans/{plan}/feed.atom"));
        // Every sample plan is its first version, published at import.
        let first = feed.entries().last().expect(plan);
        assert!(
            first.title().ends_with("を公開しました"),
            "{}",
            first.title().as_str()
        );
        assert!(first.id().ends_with(&format!("/plans/{plan}/v/1")));
    }
    for org in ["komagane", "shimada", "ena", "kamigori", "matsue"] {
        let feed = read_feed(&server, &format!("/api/v1/organizations/{org}/feed.atom"));
        assert_eq!(feed.entries().len(), 1, "{org}");
    }
    let r = request(
        &server.addr,
        "GET",
        "/api/v1/organizations/nowhere/feed.atom",
        None,
    );
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["field"], "org_id");
}

#[test]
fn pages_name_their_feeds_for_readers_to_find() {
    let server = TestServer::start();
    for path in [
        "/plans/komagane-dx-strategy",
        "/plans/komagane-dx-strategy/progress",
        "/plans/komagane-dx-strategy/measures/regional-06",
    ] {
        let page = server.get(path);
        let feed_link = page
            .body
            .split('<')
            .find(|tag| tag.starts_with("link ") && tag.contains("application/atom+xml"))
            .unwrap_or_else(|| panic!("{path}: no feed link"));
        for attribute in [
            r#"rel="alternate""#,
            r#"title="こまがねDX戦略の更新（Atom）""#,
            r#"href="/api/v1/plans/komagane-dx-strategy/feed.atom""#,
        ] {
            assert!(feed_link.contains(attribute), "{path}: {feed_link}");
        }
        // Shared on LINE or social media, the page shows its title, description and address.
        for property in ["og:title", "og:description", "og:url", "og:image"] {
            assert!(
                page.body
                    .contains(&format!(r#"<meta property="{property}" content=""#)),
                "{path}: {property}"
            );
        }
        assert!(page.body.contains(&format!(
            r#"<meta property="og:url" content="http://{}{path}">"#,
            server.addr
        )));
    }
    let home = server.get("/");
    assert!(home
        .body
        .contains(r#"href="/api/v1/organizations/komagane/feed.atom""#));
}
