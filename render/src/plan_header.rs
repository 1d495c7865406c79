//! The heading block shared by all pages of one plan: breadcrumb trail, title, key facts, tabs.

use keikaku_domain::views::{paths, PlanSummary};
use keikaku_domain::PlanStatus;

use crate::html_text::HtmlText;

/// The accessible name of the breadcrumb trail (`<nav class="breadcrumbs">`).
pub const BREADCRUMBS_LABEL: &str = "現在位置";

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
pub fn breadcrumb_list(trail: &[(String, Option<String>)]) -> String {
    let mut html = HtmlText::new();
    html.open("ol", &[]);
    html.open("li", &[])
        .element("a", &[("href", "/")], "計画一覧")
        .close("li");
    let last = trail.len().saturating_sub(1);
    for (i, (label, href)) in trail.iter().enumerate() {
        match href {
            Some(href) if i != last => {
                html.open("li", &[])
                    .element("a", &[("href", href)], label)
                    .close("li");
            }
            _ => {
                html.element("li", &[("aria-current", "page")], label);
            }
        }
    }
    html.close("ol");
    html.finish()
}

pub fn write_breadcrumbs(html: &mut HtmlText, trail: &[(String, Option<String>)]) {
    html.open(
        "nav",
        &[("class", "breadcrumbs"), ("aria-label", BREADCRUMBS_LABEL)],
    )
    .html(&breadcrumb_list(trail))
    .close("nav");
}

pub fn write_status_badge(html: &mut HtmlText, status: PlanStatus) {
    let class = format!("badge badge--{}", status.as_str());
    html.element("span", &[("class", &class)], status.label());
}

/// What goes inside `<div class="plan-header">`. On the overview the plan's title is the page's
/// main heading; elsewhere it links back to the overview.
pub fn plan_header_contents(
    summary: &PlanSummary,
    current: PlanTab,
    title_is_heading: bool,
) -> String {
    let mut html = HtmlText::new();
    let plan_id = &summary.id;
    html.element(
        "p",
        &[("class", "plan-header__org")],
        &format!("{}（{}）", summary.organization_name, summary.prefecture),
    );
    if title_is_heading {
        html.open("h1", &[("class", "plan-header__title")])
            .text(&summary.title)
            .text(" ");
        write_status_badge(&mut html, summary.status);
        html.close("h1");
        if let Some(subtitle) = &summary.subtitle {
            html.element("p", &[("class", "plan-header__subtitle")], subtitle);
        }
    } else {
        html.open("p", &[("class", "plan-header__title")])
            .element("a", &[("href", &paths::plan(plan_id))], &summary.title)
            .text(" ");
        write_status_badge(&mut html, summary.status);
        html.close("p");
    }
    if let Some(period) = &summary.period {
        html.element(
            "p",
            &[("class", "plan-header__period")],
            &format!("計画期間：{}", period.label()),
        );
    }
    html.open(
        "nav",
        &[("class", "plan-tabs"), ("aria-label", "計画の表示切替")],
    )
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
    tab(PlanTab::Overview, "概要・体系", paths::plan(plan_id));
    if summary.measure_count > 0 {
        tab(PlanTab::Progress, "進み具合", paths::progress(plan_id));
    }
    tab(PlanTab::Document, "計画書", paths::document(plan_id));
    if summary.has_roadmap {
        tab(PlanTab::Roadmap, "工程表", paths::roadmap(plan_id));
    }
    if summary.glossary_count > 0 {
        tab(PlanTab::Glossary, "用語集", paths::glossary(plan_id));
    }
    tab(PlanTab::Versions, "改定履歴", paths::versions(plan_id));
    tab(
        PlanTab::OpenData,
        "オープンデータ",
        paths::open_data(plan_id),
    );
    html.close("ul").close("nav");
    html.finish()
}

pub fn write_plan_header(html: &mut HtmlText, summary: &PlanSummary, current: PlanTab) {
    html.open("div", &[("class", "plan-header")])
        .html(&plan_header_contents(summary, current, false))
        .close("div");
}
