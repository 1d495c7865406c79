//! Plan pages written as HTML text, from the views the domain computes.
//!
//! Two places need the same markup without running Leptos:
//!
//! - the app, for large parts that nothing updates piece by piece (a roadmap has thousands of
//!   cells): set as an element's inner HTML, they are built by the browser's own parser, far
//!   faster than node by node from WebAssembly, and hydration leaves them alone. Leptos renders
//!   views to text only on the server (its type-erased views, which our builds use, panic in the
//!   browser);
//! - the service worker's first view of a page opened offline ([`first_view`]), written from the
//!   kept plan while the app's own WebAssembly is still on its way.
//!
//! Writing each part once here keeps the two the same; the browser tests compare them.

pub mod document;
pub mod feed;
pub mod first_view;
pub mod html_text;
pub mod plan_header;
pub mod roadmap;
pub mod schedule;

pub use html_text::HtmlText;

/// The site's name, after each page's title.
pub const SITE_NAME: &str = "Keikaku 計画";

/// A page's title as the document shows it. Markup characters become their full-width forms:
/// leptos_meta writes `<title>` text unescaped during server rendering.
pub fn document_title(page_title: &str) -> String {
    let safe: String = page_title
        .chars()
        .map(|c| match c {
            '<' => '＜',
            '>' => '＞',
            '&' => '＆',
            c => c,
        })
        .collect();
    if safe.is_empty() {
        SITE_NAME.to_owned()
    } else {
        format!("{safe} | {SITE_NAME}")
    }
}
