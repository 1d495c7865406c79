//! Atom feeds (RFC 4287) of what a plan or a municipality made public: each version of a plan
//! (改定) and each published reporting round. Pure: the server gathers versions and rounds
//! and the site's address; this writes the XML.

use keikaku_domain::date::Day;
use keikaku_domain::evaluation::PublishedRound;
use keikaku_domain::revision::VersionInfo;
use keikaku_domain::views::paths;

use crate::html_text::HtmlText;

/// One entry of a feed.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// A stable IRI: the same entry keeps it forever.
    pub id: String,
    pub title: String,
    /// Unix seconds.
    pub updated: i64,
    /// Absolute address of the page the entry is about.
    pub link: String,
    pub summary: String,
}

/// A whole feed.
#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    pub id: String,
    pub title: String,
    /// Absolute address of the feed itself.
    pub self_link: String,
    /// Absolute address of the page it follows.
    pub page_link: String,
    pub author: String,
    /// Newest first.
    pub entries: Vec<Entry>,
}

/// What a plan's feed is made of.
pub struct PlanNews<'a> {
    pub plan_id: &'a str,
    pub plan_title: &'a str,
    pub versions: &'a [VersionInfo],
    pub rounds: &'a [PublishedRound],
}

/// RFC 3339 in UTC: `2025-06-01T03:00:00Z`.
pub fn timestamp(unix_seconds: i64) -> String {
    let day = Day::in_japan_at(unix_seconds - 9 * 3600);
    let seconds = unix_seconds.rem_euclid(86_400);
    format!(
        "{day}T{:02}:{:02}:{:02}Z",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

/// The entries of one plan, newest first: its versions (the first as the plan's publication)
/// and its published rounds.
pub fn plan_entries(site: &str, news: &PlanNews) -> Vec<Entry> {
    let plan = news.plan_id;
    let mut entries: Vec<Entry> = Vec::new();
    for version in news.versions {
        let Some(published) = version.published_at else {
            continue;
        };
        let number = version.number.0;
        let (title, summary) = if number == 1 {
            (
                format!("{}を公開しました", news.plan_title),
                format!("{}（{}）を公開しました。", news.plan_title, version.title()),
            )
        } else {
            (
                format!("{}を改定しました（{}）", news.plan_title, version.title()),
                format!(
                    "{}の{}を公表しました。前の版との違いは比較のページで確かめられます。",
                    news.plan_title,
                    version.title()
                ),
            )
        };
        let link = if number == 1 {
            format!("{site}{}", paths::plan(plan))
        } else {
            format!("{site}{}", paths::compare(plan, number - 1, number))
        };
        entries.push(Entry {
            id: format!("{site}{}", paths::version(plan, number)),
            title,
            updated: published,
            link,
            summary,
        });
    }
    for round in news.rounds {
        entries.push(Entry {
            id: format!("{site}/plans/{plan}/rounds/{}", round.id),
            title: format!("{}：{}を公表しました", news.plan_title, round.title),
            updated: round.published_at,
            link: format!("{site}{}", paths::progress(plan)),
            summary: format!(
                "{}（{}）の評価結果を公表しました。{}件の施策・取組の進捗と評価が進み具合のページとオープンデータに反映されています。",
                round.title,
                round.fiscal_year.label(),
                round.records
            ),
        });
    }
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then(a.id.cmp(&b.id)));
    entries
}

/// XML 1.0 allows no control characters but tab and line ends.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

/// The feed as Atom XML. Its `updated` is the newest entry's, or `fallback` with none.
pub fn atom(feed: &Feed, fallback: i64) -> String {
    let updated = feed.entries.first().map_or(fallback, |e| e.updated);
    let mut xml = HtmlText::new();
    xml.html("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.open(
        "feed",
        &[("xmlns", "http://www.w3.org/2005/Atom"), ("xml:lang", "ja")],
    );
    xml.element("id", &[], &clean(&feed.id))
        .element("title", &[], &clean(&feed.title))
        .element("updated", &[], &timestamp(updated))
        .open(
            "link",
            &[
                ("rel", "self"),
                ("type", "application/atom+xml"),
                ("href", &feed.self_link),
            ],
        )
        .close("link")
        .open(
            "link",
            &[
                ("rel", "alternate"),
                ("type", "text/html"),
                ("href", &feed.page_link),
            ],
        )
        .close("link")
        .open("author", &[])
        .element("name", &[], &clean(&feed.author))
        .close("author")
        .element("generator", &[], "Keikaku");
    for entry in &feed.entries {
        xml.open("entry", &[])
            .element("id", &[], &clean(&entry.id))
            .element("title", &[], &clean(&entry.title))
            .element("updated", &[], &timestamp(entry.updated))
            .open(
                "link",
                &[
                    ("rel", "alternate"),
                    ("type", "text/html"),
                    ("href", &entry.link),
                ],
            )
            .close("link")
            .element("summary", &[("type", "text")], &clean(&entry.summary))
            .close("entry");
    }
    xml.close("feed");
    xml.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
        // 2025-06-01 12:00 in Japan is 03:00 UTC.
        assert_eq!(timestamp(1_748_746_800), "2025-06-01T03:00:00Z");
        assert_eq!(timestamp(1_748_746_800 - 4 * 3600), "2025-05-31T23:00:00Z");
    }

    #[test]
    fn control_characters_never_reach_the_xml() {
        let feed = Feed {
            id: "https://example.jp/plans/p".into(),
            title: "計画\u{1}<&>".into(),
            self_link: "https://example.jp/feed".into(),
            page_link: "https://example.jp/plans/p".into(),
            author: "駒ヶ根市".into(),
            entries: vec![],
        };
        let xml = atom(&feed, 0);
        assert!(xml.contains("<title>計画&lt;&amp;&gt;</title>"), "{xml}");
        assert!(!xml.contains('\u{1}'));
    }
}
