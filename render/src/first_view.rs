//! The first view of a page opened offline, written by the service worker from the kept plan:
//! the roadmap and the plan's document.
//!
//! Offline, a page the browser has not kept is the app shell, which shows nothing until the
//! app's WebAssembly (2.4 MB) has been compiled, has started and has read the plan: about
//! 300 ms on a tablet. The service worker reads the kept plan anyway (see `public/sw.js`), and
//! its thread is idle: it writes the page's main content into the shell with this module
//! (compiled for it on its own, `sw-render/`), and the app takes over once it has rendered the
//! same page itself. Written before the replica is read, the first view shows what the plan
//! says, not yet what was achieved: the app's first render offline does the same.

use keikaku_domain::document::DocumentView;
use keikaku_domain::format::KeptPlan;
use keikaku_domain::lang::Lang;
use keikaku_domain::roadmap::RoadmapView;
use keikaku_sync::report::PlanActuals;

use crate::html_text::HtmlText;

/// The roadmap's rows written at once: more than a tablet's first screen shows; the sections
/// after them follow a frame later ([`crate::roadmap::DeferRows`]).
const FIRST_SCREEN: crate::roadmap::DeferRows = crate::roadmap::DeferRows { after_rows: 12 };

/// The document's measures written at once: the opening chapters and the structure come
/// before them, more than a tablet's first screen.
const DOCUMENT_FIRST_SCREEN: crate::document::DeferParts =
    crate::document::DeferParts { after_measures: 2 };

/// A page's first view: its document title and what goes inside `<main>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstView {
    pub title: String,
    pub main: String,
}

/// The first view of the page at `path` (with its query string, if any) from the kept plan
/// (the value the app stores, JSON), in `lang` (the one the app will render: see
/// `public/sw.js`). `None` for a page this module does not write, a plan other than the
/// page's, or a value it cannot read: the app then renders the page itself.
pub fn first_view(path: &str, kept_plan: &str, lang: Lang) -> Option<FirstView> {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let segments: Vec<String> = path
        .strip_prefix("/plans/")?
        .split('/')
        .map(percent_decode)
        .collect::<Option<_>>()?;
    let [plan_id, page] = segments.as_slice() else {
        return None;
    };
    if page != "roadmap" && page != "document" {
        return None;
    }
    let kept: KeptPlan = serde_json::from_str(kept_plan).ok()?;
    if kept.file.plan.id != *plan_id {
        return None;
    }
    let organization = &kept.file.organization;
    let mut main = HtmlText::new();
    if page == "document" {
        // As the app shows the current version from the kept plan: its number unknown here.
        let view = DocumentView::of(organization, &kept.file.plan, None, Vec::new());
        crate::document::write_page(&mut main, &view, Some(DOCUMENT_FIRST_SCREEN), lang);
        return Some(FirstView {
            title: crate::document_title(&crate::document::title(&view, lang)),
            main: main.finish(),
        });
    }
    let field = |name: &str| query_value(query, name);
    let view = RoadmapView::for_query(
        organization,
        &kept.file.plan.in_language(organization, lang),
        lang,
        field("node").as_deref(),
        field("department").as_deref(),
        field("year").as_deref(),
    );
    crate::roadmap::write_page(
        &mut main,
        &view,
        &PlanActuals::default(),
        Some(FIRST_SCREEN),
        lang,
    );
    Some(FirstView {
        title: crate::document_title(&crate::roadmap::title(&view, lang)),
        main: main.finish(),
    })
}

/// The last value of `name` in a form-encoded query, as the router reads it; empty values count
/// as absent, as an empty selector means "all".
fn query_value(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let key = percent_decode(&key.replace('+', " "))?;
            (key == name).then(|| percent_decode(&value.replace('+', " ")))?
        })
        .next_back()
        .filter(|v| !v.is_empty())
}

/// `%XX` escapes decoded as UTF-8; `None` if malformed.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KOMAGANE: &str = include_str!("../../samples/plans/komagane.json");

    /// The Komagane sample as the app keeps it in IndexedDB.
    fn kept_komagane() -> String {
        format!(r#"{{"order":0,"file":{KOMAGANE}}}"#)
    }

    fn rows(html: &str) -> usize {
        html.matches("<tr class=\"roadmap-table__").count()
    }

    #[test]
    fn defers_the_sections_after_the_first_screen_to_a_template_in_place() {
        let kept = kept_komagane();
        let view = first_view("/plans/komagane-dx-strategy/roadmap", &kept, Lang::Ja).unwrap();
        let (first, rest) = view.main.split_once("<template>").expect("a template");
        let (deferred, after) = rest.split_once("</template>").unwrap();
        assert!(first.ends_with("</tbody>"), "at a section's end");
        assert!(
            rows(first) >= FIRST_SCREEN.after_rows,
            "{} rows first",
            rows(first)
        );
        assert!(deferred.starts_with("<tbody>") && deferred.ends_with("</tbody>"));
        assert!(rows(deferred) > 0);
        assert!(after.starts_with("</table>"));
        assert!(!after.contains("<template>"));

        // In place, the table is the app's.
        let file: keikaku_domain::format::PlanFile = serde_json::from_str(KOMAGANE).unwrap();
        let full =
            RoadmapView::for_query(&file.organization, &file.plan, Lang::Ja, None, None, None);
        let app_body = crate::roadmap::body(
            &full,
            &PlanActuals::default(),
            keikaku_domain::lang::Lang::Ja,
        );
        let in_place = view
            .main
            .replace("<template>", "")
            .replace("</template>", "");
        assert!(
            in_place.contains(&app_body),
            "the first view holds the app's body"
        );
        assert!(!app_body.contains("<template>"));
    }

    #[test]
    fn writes_the_page_in_the_language_the_app_will_render() {
        let kept = kept_komagane();
        let view = first_view("/plans/komagane-dx-strategy/roadmap", &kept, Lang::En).unwrap();
        assert!(
            view.title.starts_with("Roadmap | Komagane DX Strategy"),
            "{}",
            view.title
        );
        assert!(view.main.contains("<h1>Roadmap</h1>"));
        assert!(view.main.contains("Showing 32 of 32 measures."));
        assert!(view
            .main
            .contains(">FY2024<span class=\"western\">Reiwa 6</span>"));
        // The plan's English where its file gives it, its Japanese marked as such elsewhere:
        // regional-06's department and roadmap cells are given in English.
        assert!(view.main.contains("Health management and care prevention"));
        assert!(view.main.contains(r#"<span class="cell__line" lang="ja">"#));
        assert!(view
            .main
            .contains(r#"<span class="cell__line" lang="en">Establish and improve</span>"#));
        assert!(view
            .main
            .contains(r#"<span lang="en">Community Health Division</span>"#));
        assert!(view
            .main
            .contains(r#"<option value="Community Health Division">"#));
        // The caption and the section headings mark each word by its own language.
        assert!(view
            .main
            .contains(r#"Roadmap of <span lang="en">Komagane DX Strategy</span>"#));
        assert!(view.main.contains(
            r#"<span lang="ja">基本方針</span> <span lang="en">Better services to residents, starting with administrative procedures, through digital</span> › <span lang="ja">カテゴリ</span> <span lang="ja">受付</span>"#
        ));
    }

    #[test]
    fn writes_a_short_table_at_once() {
        let kept = kept_komagane();
        let view = first_view(
            "/plans/komagane-dx-strategy/roadmap?year=2022&node=category-uketsuke",
            &kept,
            Lang::Ja,
        )
        .unwrap();
        assert!(rows(&view.main) > 0);
        assert!(
            !view.main.contains("<template>"),
            "{} rows",
            rows(&view.main)
        );
    }

    #[test]
    fn writes_the_document_of_the_kept_plan_with_its_later_parts_deferred() {
        let kept = kept_komagane();
        let view = first_view("/plans/komagane-dx-strategy/document", &kept, Lang::Ja).unwrap();
        assert_eq!(view.title, "こまがねDX戦略（現行版） | Keikaku 計画");
        let (first, _) = view.main.split_once("<template>").expect("a template");
        assert!(first.contains(r#"<article class="doc" id="doc""#));
        assert_eq!(
            first.matches(r#"class="doc-measure""#).count(),
            DOCUMENT_FIRST_SCREEN.after_measures
        );
        // In place, the whole document as written at once.
        let file: keikaku_domain::format::PlanFile = serde_json::from_str(KOMAGANE).unwrap();
        let whole = DocumentView::of(&file.organization, &file.plan, None, Vec::new());
        let mut html = HtmlText::new();
        crate::document::write_page(&mut html, &whole, None, Lang::Ja);
        let in_place = view
            .main
            .replace("<template>", "")
            .replace("</template>", "");
        assert_eq!(in_place, html.finish());

        let english = first_view("/plans/komagane-dx-strategy/document", &kept, Lang::En).unwrap();
        assert!(english
            .main
            .contains(r#"<h2 class="doc-toc__title">Contents</h2>"#));
        // Another plan's document, or a version's, are not written.
        assert!(first_view("/plans/ena-dx/document", &kept, Lang::Ja).is_none());
        assert!(first_view("/plans/komagane-dx-strategy/v/1", &kept, Lang::Ja).is_none());
    }

    #[test]
    fn decodes_paths_and_queries_as_the_router_does() {
        assert_eq!(
            percent_decode("%E5%B7%A5%E7%A8%8B").as_deref(),
            Some("工程")
        );
        assert_eq!(percent_decode("%E5%B7"), None, "not UTF-8");
        assert_eq!(percent_decode("%G1"), None);
        assert_eq!(percent_decode("%4"), None);
        let query = "node=&department=%E6%94%BF%E7%AD%96+%E8%AA%B2&year=2025&year=2026";
        assert_eq!(query_value(query, "node"), None);
        assert_eq!(query_value(query, "department").as_deref(), Some("政策 課"));
        assert_eq!(query_value(query, "year").as_deref(), Some("2026"));
        assert_eq!(query_value("", "year"), None);
    }
}
