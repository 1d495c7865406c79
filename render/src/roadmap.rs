//! The roadmap page (工程表): fiscal years as columns, measures and action items as rows, with
//! its filters. The app wraps these parts in its own components (the filters' form submits
//! through the router); [`write_page`] writes the whole page for the service worker.

use keikaku_domain::lang::{mark_japanese, text_lang, Lang};
use keikaku_domain::roadmap::{RoadmapRow, RoadmapSection, RoadmapView, RowKind};
use keikaku_domain::views::paths;
use keikaku_domain::FiscalYear;
use keikaku_sync::progress::Target;
use keikaku_sync::report::PlanActuals;

use crate::html_text::HtmlText;
use crate::plan_header::{write_breadcrumbs, write_plan_header, PlanTab};
use crate::schedule::{write_schedule_cell, write_stage_legend, write_year_head};

/// The roadmap page's own words in each language.
pub struct Texts {
    pub heading: &'static str,
    /// The accessible name of the filters' form.
    pub filters_label: &'static str,
    pub crumb: &'static str,
    all: &'static str,
    node: &'static str,
    department: &'static str,
    year: &'static str,
    submit: &'static str,
    clear: &'static str,
    not_applied: &'static str,
    no_roadmap: &'static str,
    no_match: &'static str,
    first_column: &'static str,
}

const JA: Texts = Texts {
    heading: "工程表（ロードマップ）",
    filters_label: "工程表の絞り込み",
    crumb: "工程表",
    all: "すべて",
    node: "区分",
    department: "担当課・関係課",
    year: "年度",
    submit: "絞り込む",
    clear: "条件を解除",
    not_applied: "絞り込み条件の一部を適用できませんでした。",
    no_roadmap: "この計画には年度別の工程表が記載されていません。",
    no_match: "条件に合う施策はありません。",
    first_column: "施策・取組",
};

const EN: Texts = Texts {
    heading: "Roadmap",
    filters_label: "Filter the roadmap",
    crumb: "Roadmap",
    all: "All",
    node: "Part of the plan",
    department: "Department",
    year: "Fiscal year",
    submit: "Filter",
    clear: "Clear the filters",
    not_applied: "Some of the filters could not be applied.",
    no_roadmap: "This plan has no roadmap by fiscal year.",
    no_match: "No measure matches the filters.",
    first_column: "Measure or action",
};

pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

/// The page's title (before the site's name).
pub fn title(view: &RoadmapView, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!("工程表｜{}", view.summary.title),
        Lang::En => format!("Roadmap | {}", view.summary.title),
    }
}

/// The page's description for search engines and shared links.
pub fn description(view: &RoadmapView, lang: Lang) -> String {
    match lang {
        Lang::Ja => format!(
            "{}の工程表：施策ごとの年度別の計画（検討・試験導入・本番導入・定着化）と実績。",
            view.summary.title
        ),
        Lang::En => format!(
            "The roadmap of {}: each measure's plan by fiscal year (study, pilot, rollout, established) and what was achieved.",
            view.summary.title
        ),
    }
}

pub fn breadcrumb_trail(view: &RoadmapView, lang: Lang) -> Vec<(String, Option<String>)> {
    vec![
        (
            view.summary.title.clone(),
            Some(paths::plan(&view.summary.id)),
        ),
        (texts(lang).crumb.to_owned(), None),
    ]
}

/// What the filters' form holds (`<form class="filters">`): the three selectors and the actions.
pub fn filter_fields(view: &RoadmapView, lang: Lang) -> String {
    let texts = texts(lang);
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
        write_option(&mut html, "", texts.all, any);
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
    select(
        "filter-node",
        "node",
        texts.node,
        &nodes,
        filter.node.is_none(),
    );
    let departments: Vec<_> = view
        .department_options
        .iter()
        .map(|d| (d.clone(), d.clone(), filter.department.as_ref() == Some(d)))
        .collect();
    select(
        "filter-department",
        "department",
        texts.department,
        &departments,
        filter.department.is_none(),
    );
    let years: Vec<_> = view
        .all_years
        .iter()
        .map(|y| {
            (
                y.0.to_string(),
                y.label_in(lang),
                filter.fiscal_year == Some(*y),
            )
        })
        .collect();
    select(
        "filter-year",
        "year",
        texts.year,
        &years,
        filter.fiscal_year.is_none(),
    );
    html.open("div", &[("class", "filters__actions")]).element(
        "button",
        &[("type", "submit")],
        texts.submit,
    );
    if !filter.is_empty() {
        html.element(
            "a",
            &[("href", &paths::roadmap(&view.summary.id))],
            texts.clear,
        );
    }
    html.close("div");
    html.finish()
}

/// An option; the plan's own names (parts, departments) are marked as Japanese.
fn write_option(html: &mut HtmlText, value: &str, label: &str, selected: bool) {
    let mut attributes = vec![("value", value)];
    if selected {
        attributes.push(("selected", ""));
    }
    attributes.extend(mark_japanese(label).map(|lang| ("lang", lang)));
    html.element("option", &attributes, label);
}

/// "n of m measures shown", with the years shown.
pub fn summary_text(view: &RoadmapView, lang: Lang) -> String {
    let (total, shown) = (view.total_measures, view.shown_measures);
    let range = match (view.years.first(), view.years.last()) {
        (Some(first), Some(last)) if first != last => Some(format!(
            "{}{}{}",
            first.label_in(lang),
            if lang == Lang::Ja { "～" } else { " to " },
            last.label_in(lang)
        )),
        (Some(year), _) => Some(year.label_in(lang)),
        _ => None,
    };
    match lang {
        Lang::Ja => format!(
            "{total}件の施策のうち{shown}件を表示しています。{}",
            range
                .map(|r| format!("表示年度：{r}。"))
                .unwrap_or_default()
        ),
        Lang::En => format!(
            "Showing {shown} of {total} measures.{}",
            range
                .map(|r| format!(" Years shown: {r}."))
                .unwrap_or_default()
        ),
    }
}

/// Everything below the filters (`<div class="roadmap-body">`): filter errors, the summary, the
/// legend and the table (or why there is none). `actuals` are what was achieved per year.
pub fn body(view: &RoadmapView, actuals: &PlanActuals, lang: Lang) -> String {
    body_deferring(view, actuals, None, lang)
}

/// Sections of the table written inside a `<template>` at the table's end, once the sections
/// before them hold at least `after_rows` rows: the first view's first screen is laid out and
/// painted without them (the table's layout is most of the page's), and its script then puts
/// them in place, where they would have been (`public/sw.js`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeferRows {
    pub after_rows: usize,
}

fn body_deferring(
    view: &RoadmapView,
    actuals: &PlanActuals,
    defer: Option<DeferRows>,
    lang: Lang,
) -> String {
    let texts = texts(lang);
    let mut html = HtmlText::new();
    if !view.filter_errors.is_empty() {
        html.open(
            "div",
            &[("class", "notice notice--error"), ("role", "alert")],
        )
        .element("p", &[], texts.not_applied)
        .open("ul", &[]);
        for error in &view.filter_errors {
            html.element("li", &[], &error.message(lang));
        }
        html.close("ul").close("div");
    }
    html.element(
        "p",
        &[("class", "roadmap-summary"), ("role", "status")],
        &summary_text(view, lang),
    );
    write_stage_legend(&mut html, lang);
    if view.all_years.is_empty() {
        html.element("p", &[("class", "empty")], texts.no_roadmap);
    } else if view.sections.is_empty() {
        html.element("p", &[("class", "empty")], texts.no_match);
    } else {
        html.open(
            "div",
            &[
                ("class", "table-scroll table-scroll--roadmap"),
                ("role", "region"),
                ("aria-label", texts.crumb),
                ("tabindex", "0"),
            ],
        );
        write_table(&mut html, view, actuals, defer, lang);
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
    lang: Lang,
) {
    html.open("div", &[("class", "page page--wide")]);
    write_breadcrumbs(html, &breadcrumb_trail(view, lang), lang);
    write_plan_header(html, &view.summary, PlanTab::Roadmap, lang);
    html.element("h1", &[], texts(lang).heading)
        .open(
            "form",
            &[
                ("method", "get"),
                ("action", ""),
                ("class", "filters"),
                ("aria-label", texts(lang).filters_label),
            ],
        )
        .open("div", &[("class", "filters__fields")])
        .html(&filter_fields(view, lang))
        .close("div")
        .close("form")
        .open("div", &[("class", "roadmap-body")])
        .html(&body_deferring(view, actuals, defer, lang))
        .close("div")
        .close("div");
}

fn write_table(
    html: &mut HtmlText,
    view: &RoadmapView,
    actuals: &PlanActuals,
    defer: Option<DeferRows>,
    lang: Lang,
) {
    let years = &view.years;
    let plan_id = &view.summary.id;
    html.open("table", &[("class", "roadmap-table")]);
    match lang {
        Lang::Ja => html.element(
            "caption",
            &[("class", "visually-hidden")],
            &format!("{}の工程表", view.summary.title),
        ),
        Lang::En => html
            .open("caption", &[("class", "visually-hidden")])
            .text("Roadmap of ")
            .element(
                "span",
                &[("lang", text_lang(&view.summary.title))],
                &view.summary.title,
            )
            .close("caption"),
    };
    write_year_head(html, texts(lang).first_column, years, lang);
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
                .open("th", &[("colspan", &columns), ("scope", "colgroup")]);
            write_section_trail(html, section);
            html.close("th").close("tr");
        }
        for row in &section.rows {
            write_row(html, row, plan_id, years, actuals, lang);
        }
        html.close("tbody");
    }
    if deferring {
        html.close("template");
    }
    html.close("table");
}

/// The nodes a section sits under, each word marked with its language: a node's title may be
/// the English the plan file gives while its label (基本方針1) stays as printed.
fn write_section_trail(html: &mut HtmlText, section: &RoadmapSection) {
    for (index, node) in section.trail.iter().enumerate() {
        if index > 0 {
            html.text(" › ");
        }
        if !node.label.is_empty() {
            html.element("span", &[("lang", text_lang(&node.label))], &node.label)
                .text(" ");
        }
        html.element("span", &[("lang", text_lang(&node.title))], &node.title);
    }
}

fn write_row(
    html: &mut HtmlText,
    row: &RoadmapRow,
    plan_id: &str,
    years: &[FiscalYear],
    actuals: &PlanActuals,
    lang: Lang,
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
        .open(
            "th",
            &[
                ("scope", "row"),
                ("class", "roadmap-table__item"),
                ("lang", text_lang(title)),
            ],
        )
        .element("a", &[("href", &href)], &format!("{number} {title}"));
    if row.kind == RowKind::Measure && !row.lead_departments.is_empty() {
        write_departments(html, &row.lead_departments, lang);
    }
    html.close("th");
    for (cell, year) in row.cells.iter().zip(years) {
        let actual = actuals.get(&target, *year).map(|a| a.summary_in(lang));
        write_schedule_cell(html, cell.as_ref(), actual.as_deref(), lang);
    }
    html.close("tr");
}

/// A measure's lead departments under its title. On a page in English each name says its
/// language: a department the organization names in English reads in English, the others
/// stay Japanese.
fn write_departments(html: &mut HtmlText, names: &[String], lang: Lang) {
    html.open("span", &[("class", "roadmap-table__dept")]);
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            html.text(if lang == Lang::Ja { "・" } else { ", " });
        }
        match lang {
            Lang::Ja => html.text(name),
            _ => html.element("span", &[("lang", text_lang(name))], name),
        };
    }
    html.close("span");
}
