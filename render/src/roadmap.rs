//! The roadmap page (工程表): fiscal years as columns, measures and action items as rows, with
//! its filters. The app wraps these parts in its own components (the filters' form submits
//! through the router); [`write_page`] writes the whole page for the service worker.

use keikaku_domain::roadmap::{RoadmapRow, RoadmapSection, RoadmapView, RowKind};
use keikaku_domain::views::paths;
use keikaku_domain::FiscalYear;
use keikaku_sync::progress::Target;
use keikaku_sync::report::PlanActuals;

use crate::html_text::HtmlText;
use crate::plan_header::{write_breadcrumbs, write_plan_header, PlanTab};
use crate::schedule::{write_schedule_cell, write_stage_legend, write_year_head};

pub const HEADING: &str = "工程表（ロードマップ）";
/// The accessible name of the filters' form.
pub const FILTERS_LABEL: &str = "工程表の絞り込み";

/// The page's title (before the site's name).
pub fn title(view: &RoadmapView) -> String {
    format!("工程表｜{}", view.summary.title)
}

pub fn breadcrumb_trail(view: &RoadmapView) -> Vec<(String, Option<String>)> {
    vec![
        (
            view.summary.title.clone(),
            Some(paths::plan(&view.summary.id)),
        ),
        ("工程表".to_owned(), None),
    ]
}

/// What the filters' form holds (`<form class="filters">`): the three selectors and the actions.
pub fn filter_fields(view: &RoadmapView) -> String {
    let filter = &view.filter;
    let mut html = HtmlText::new();
    let mut select = |id: &'static str,
                      name: &'static str,
                      label: &str,
                      options: &[(String, String, bool)],
                      any: bool| {
        html.open("div", &[("class", "filters__field")])
            .element("label", &[("for", id)], label)
            .open("select", &[("id", id), ("name", name)]);
        write_option(&mut html, "", "すべて", any);
        for (value, label, selected) in options {
            write_option(&mut html, value, label, *selected);
        }
        html.close("select").close("div");
    };
    let nodes: Vec<_> = view
        .node_options
        .iter()
        .map(|o| {
            let label = format!("{}{}", "　".repeat(o.depth), o.label);
            (
                o.value.clone(),
                label,
                filter.node.as_ref() == Some(&o.value),
            )
        })
        .collect();
    select("filter-node", "node", "区分", &nodes, filter.node.is_none());
    let departments: Vec<_> = view
        .department_options
        .iter()
        .map(|d| (d.clone(), d.clone(), filter.department.as_ref() == Some(d)))
        .collect();
    select(
        "filter-department",
        "department",
        "担当課・関係課",
        &departments,
        filter.department.is_none(),
    );
    let years: Vec<_> = view
        .all_years
        .iter()
        .map(|y| (y.0.to_string(), y.label(), filter.fiscal_year == Some(*y)))
        .collect();
    select(
        "filter-year",
        "year",
        "年度",
        &years,
        filter.fiscal_year.is_none(),
    );
    html.open("div", &[("class", "filters__actions")]).element(
        "button",
        &[("type", "submit")],
        "絞り込む",
    );
    if !filter.is_empty() {
        html.element(
            "a",
            &[("href", &paths::roadmap(&view.summary.id))],
            "条件を解除",
        );
    }
    html.close("div");
    html.finish()
}

fn write_option(html: &mut HtmlText, value: &str, label: &str, selected: bool) {
    if selected {
        html.element("option", &[("value", value), ("selected", "")], label);
    } else {
        html.element("option", &[("value", value)], label);
    }
}

/// "n of m measures shown", with the years shown.
pub fn summary_text(view: &RoadmapView) -> String {
    let years = match (view.years.first(), view.years.last()) {
        (Some(first), Some(last)) if first != last => {
            format!("表示年度：{}～{}。", first.label(), last.label())
        }
        (Some(year), _) => format!("表示年度：{}。", year.label()),
        _ => String::new(),
    };
    format!(
        "{}件の施策のうち{}件を表示しています。{years}",
        view.total_measures, view.shown_measures
    )
}

/// Everything below the filters (`<div class="roadmap-body">`): filter errors, the summary, the
/// legend and the table (or why there is none). `actuals` are what was achieved per year.
pub fn body(view: &RoadmapView, actuals: &PlanActuals) -> String {
    body_deferring(view, actuals, None)
}

/// Sections of the table written inside a `<template>` at the table's end, once the sections
/// before them hold at least `after_rows` rows: the first view's first screen is laid out and
/// painted without them (the table's layout is most of the page's), and its script then puts
/// them in place, where they would have been (`public/sw.js`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeferRows {
    pub after_rows: usize,
}

fn body_deferring(view: &RoadmapView, actuals: &PlanActuals, defer: Option<DeferRows>) -> String {
    let mut html = HtmlText::new();
    if !view.filter_errors.is_empty() {
        html.open(
            "div",
            &[("class", "notice notice--error"), ("role", "alert")],
        )
        .element("p", &[], "絞り込み条件の一部を適用できませんでした。")
        .open("ul", &[]);
        for (_, message) in &view.filter_errors {
            html.element("li", &[], message);
        }
        html.close("ul").close("div");
    }
    html.element(
        "p",
        &[("class", "roadmap-summary"), ("role", "status")],
        &summary_text(view),
    );
    write_stage_legend(&mut html);
    if view.all_years.is_empty() {
        html.element(
            "p",
            &[("class", "empty")],
            "この計画には年度別の工程表が記載されていません。",
        );
    } else if view.sections.is_empty() {
        html.element("p", &[("class", "empty")], "条件に合う施策はありません。");
    } else {
        html.open(
            "div",
            &[
                ("class", "table-scroll table-scroll--roadmap"),
                ("role", "region"),
                ("aria-label", "工程表"),
                ("tabindex", "0"),
            ],
        );
        write_table(&mut html, view, actuals, defer);
        html.close("div");
    }
    html.finish()
}

/// The whole page, as the app renders it (`<div class="page page--wide">`), with the table's
/// later sections deferred if `defer` says so.
pub fn write_page(
    html: &mut HtmlText,
    view: &RoadmapView,
    actuals: &PlanActuals,
    defer: Option<DeferRows>,
    lang: keikaku_domain::lang::Lang,
) {
    html.open("div", &[("class", "page page--wide")]);
    // The roadmap's own texts are Japanese yet; its header follows the page's language.
    write_breadcrumbs(html, &breadcrumb_trail(view), lang);
    write_plan_header(html, &view.summary, PlanTab::Roadmap, lang);
    html.element("h1", &[], HEADING)
        .open(
            "form",
            &[
                ("method", "get"),
                ("action", ""),
                ("class", "filters"),
                ("aria-label", FILTERS_LABEL),
            ],
        )
        .open("div", &[("class", "filters__fields")])
        .html(&filter_fields(view))
        .close("div")
        .close("form")
        .open("div", &[("class", "roadmap-body")])
        .html(&body_deferring(view, actuals, defer))
        .close("div")
        .close("div");
}

fn write_table(
    html: &mut HtmlText,
    view: &RoadmapView,
    actuals: &PlanActuals,
    defer: Option<DeferRows>,
) {
    let years = &view.years;
    let plan_id = &view.summary.id;
    html.open("table", &[("class", "roadmap-table")]).element(
        "caption",
        &[("class", "visually-hidden")],
        &format!("{}の工程表", view.summary.title),
    );
    write_year_head(html, "施策・取組", years);
    let columns = (years.len() + 1).to_string();
    let mut rows_written = 0;
    let mut deferring = false;
    for section in &view.sections {
        if !deferring && defer.is_some_and(|defer| rows_written >= defer.after_rows) {
            html.open("template", &[]);
            deferring = true;
        }
        rows_written += section.rows.len();
        html.open("tbody", &[]);
        if !section.trail.is_empty() {
            html.open("tr", &[("class", "roadmap-table__section")])
                .element(
                    "th",
                    &[("colspan", &columns), ("scope", "colgroup")],
                    &section_trail(section),
                )
                .close("tr");
        }
        for row in &section.rows {
            write_row(html, row, plan_id, years, actuals);
        }
        html.close("tbody");
    }
    if deferring {
        html.close("template");
    }
    html.close("table");
}

fn section_trail(section: &RoadmapSection) -> String {
    section
        .trail
        .iter()
        .map(|n| format!("{} {}", n.label, n.title))
        .collect::<Vec<_>>()
        .join(" › ")
}

fn write_row(
    html: &mut HtmlText,
    row: &RoadmapRow,
    plan_id: &str,
    years: &[FiscalYear],
    actuals: &PlanActuals,
) {
    let number = row.number.as_deref().unwrap_or_default();
    let measure_href = paths::measure(plan_id, &row.measure_id);
    let (class, href, title, target) = match (&row.kind, &row.action_id) {
        (RowKind::Action, Some(action_id)) => (
            "roadmap-table__action",
            format!("{measure_href}#action-{action_id}"),
            row.title.lines().next().unwrap_or_default(),
            Target::Action(action_id.clone()),
        ),
        _ => (
            "roadmap-table__measure",
            measure_href,
            row.title.as_str(),
            Target::Measure(row.measure_id.clone()),
        ),
    };
    html.open("tr", &[("class", class)])
        .open("th", &[("scope", "row"), ("class", "roadmap-table__item")])
        .element("a", &[("href", &href)], &format!("{number} {title}"));
    if row.kind == RowKind::Measure && !row.lead_departments.is_empty() {
        html.element(
            "span",
            &[("class", "roadmap-table__dept")],
            &row.lead_departments.join("・"),
        );
    }
    html.close("th");
    for (cell, year) in row.cells.iter().zip(years) {
        let actual = actuals.get(&target, *year).map(|a| a.summary());
        write_schedule_cell(html, cell.as_ref(), actual.as_deref());
    }
    html.close("tr");
}
