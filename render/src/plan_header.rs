//! The heading block shared by all pages of one plan: breadcrumb trail, title, key facts, tabs.

use keikaku_domain::lang::{mark_japanese, text_lang, Lang};
use keikaku_domain::views::{paths, PlanSummary};
use keikaku_domain::PlanStatus;

use crate::html_text::HtmlText;

/// The header's texts in one language. A struct, so a language missing a text does not build.
pub struct HeaderTexts {
    /// The accessible name of the breadcrumb trail (`<nav class="breadcrumbs">`).
    pub breadcrumbs: &'static str,
    pub plans: &'static str,
    pub period: &'static str,
    pub tabs: &'static str,
    pub overview: &'static str,
    pub progress: &'static str,
    pub document: &'static str,
    pub roadmap: &'static str,
    pub glossary: &'static str,
    pub versions: &'static str,
    pub open_data: &'static str,
    pub draft: &'static str,
    pub published: &'static str,
}

const JA: HeaderTexts = HeaderTexts {
    breadcrumbs: "現在位置",
    plans: "計画一覧",
    period: "計画期間：",
    tabs: "計画の表示切替",
    overview: "概要・体系",
    progress: "進み具合",
    document: "計画書",
    roadmap: "工程表",
    glossary: "用語集",
    versions: "改定履歴",
    open_data: "オープンデータ",
    draft: "策定中",
    published: "策定済み",
};

const EN: HeaderTexts = HeaderTexts {
    breadcrumbs: "You are here",
    plans: "Plans",
    period: "Plan period: ",
    tabs: "Views of the plan",
    overview: "Overview",
    progress: "Progress",
    document: "Plan document",
    roadmap: "Roadmap",
    glossary: "Glossary",
    versions: "Revisions",
    open_data: "Open data",
    draft: "Draft",
    published: "Adopted",
};

/// The header's texts in `lang`.
pub fn texts(lang: Lang) -> &'static HeaderTexts {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

/// A plan's status in `lang` (`策定済み`, `Adopted`).
pub fn status_label(status: PlanStatus, lang: Lang) -> &'static str {
    match status {
        PlanStatus::Draft => texts(lang).draft,
        PlanStatus::Published => texts(lang).published,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PlanTab {
    Overview,
    Progress,
    Document,
    Versions,
    Measure,
    Roadmap,
    Glossary,
    OpenData,
}

/// The trail's list: the plans' list first; the last entry is the current page, not a link.
pub fn breadcrumb_list(trail: &[(String, Option<String>)], lang: Lang) -> String {
    let mut html = HtmlText::new();
    html.open("ol", &[]);
    html.open("li", &[])
        .element("a", &[("href", "/")], texts(lang).plans)
        .close("li");
    let last = trail.len().saturating_sub(1);
    for (i, (label, href)) in trail.iter().enumerate() {
        // A plan's or measure's title stays Japanese on an English page.
        let lang: Vec<(&str, &str)> = mark_japanese(label)
            .map(|l| ("lang", l))
            .into_iter()
            .collect();
        let lang = lang.as_slice();
        match href {
            Some(href) if i != last => {
                html.open("li", lang)
                    .element("a", &[("href", href)], label)
                    .close("li");
            }
            _ => {
                html.element("li", &[&[("aria-current", "page")], lang].concat(), label);
            }
        }
    }
    html.close("ol");
    html.finish()
}

pub fn write_breadcrumbs(html: &mut HtmlText, trail: &[(String, Option<String>)], lang: Lang) {
    html.open(
        "nav",
        &[
            ("class", "breadcrumbs"),
            ("aria-label", texts(lang).breadcrumbs),
        ],
    )
    .html(&breadcrumb_list(trail, lang))
    .close("nav");
}

pub fn write_status_badge(html: &mut HtmlText, status: PlanStatus, lang: Lang) {
    let class = format!("badge badge--{}", status.as_str());
    html.element("span", &[("class", &class)], status_label(status, lang));
}

/// What goes inside `<div class="plan-header">`. On the overview the plan's title is the page's
/// main heading; elsewhere it links back to the overview.
pub fn plan_header_contents(
    summary: &PlanSummary,
    current: PlanTab,
    title_is_heading: bool,
    lang: Lang,
) -> String {
    let texts = texts(lang);
    let mut html = HtmlText::new();
    let plan_id = &summary.id;
    // The plan's own words are Japanese whatever the page's language, but for the English a
    // plan file may give for its title.
    html.element(
        "p",
        &[("class", "plan-header__org"), ("lang", "ja")],
        &format!("{}（{}）", summary.organization_name, summary.prefecture),
    );
    if title_is_heading {
        html.open("h1", &[("class", "plan-header__title")])
            .element(
                "span",
                &[("lang", text_lang(&summary.title))],
                &summary.title,
            )
            .text(" ");
        write_status_badge(&mut html, summary.status, lang);
        html.close("h1");
        if let Some(subtitle) = &summary.subtitle {
            html.element(
                "p",
                &[
                    ("class", "plan-header__subtitle"),
                    ("lang", text_lang(subtitle)),
                ],
                subtitle,
            );
        }
    } else {
        html.open("p", &[("class", "plan-header__title")])
            .element(
                "a",
                &[
                    ("href", &paths::plan(plan_id)),
                    ("lang", text_lang(&summary.title)),
                ],
                &summary.title,
            )
            .text(" ");
        write_status_badge(&mut html, summary.status, lang);
        html.close("p");
    }
    if let Some(period) = &summary.period {
        html.element(
            "p",
            &[("class", "plan-header__period")],
            &format!("{}{}", texts.period, period.label_in(lang)),
        );
    }
    html.open("nav", &[("class", "plan-tabs"), ("aria-label", texts.tabs)])
        .open("ul", &[]);
    let mut tab = |tab: PlanTab, label: &str, href: String| {
        html.open("li", &[]);
        if tab == current {
            html.element("a", &[("href", &href), ("aria-current", "page")], label);
        } else {
            html.element("a", &[("href", &href)], label);
        }
        html.close("li");
    };
    tab(PlanTab::Overview, texts.overview, paths::plan(plan_id));
    if summary.measure_count > 0 {
        tab(PlanTab::Progress, texts.progress, paths::progress(plan_id));
    }
    tab(PlanTab::Document, texts.document, paths::document(plan_id));
    if summary.has_roadmap {
        tab(PlanTab::Roadmap, texts.roadmap, paths::roadmap(plan_id));
    }
    if summary.glossary_count > 0 {
        tab(PlanTab::Glossary, texts.glossary, paths::glossary(plan_id));
    }
    tab(PlanTab::Versions, texts.versions, paths::versions(plan_id));
    tab(
        PlanTab::OpenData,
        texts.open_data,
        paths::open_data(plan_id),
    );
    html.close("ul").close("nav");
    html.finish()
}

pub fn write_plan_header(html: &mut HtmlText, summary: &PlanSummary, current: PlanTab, lang: Lang) {
    html.open("div", &[("class", "plan-header")])
        .html(&plan_header_contents(summary, current, false, lang))
        .close("div");
}
