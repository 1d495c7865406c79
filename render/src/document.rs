//! The document view (閲覧室) of a plan's current version written as HTML text, for the
//! service worker's first view of `/plans/{plan}/document` opened offline
//! ([`crate::first_view`]).
//!
//! The app's page (`app/src/routes/document.rs`) is built node by node and holds controls
//! (notes, the presenter's pointer) that only the app can run; this writes what a reader sees
//! before those start: the same headings, passages and tables, each passage in an element with
//! its key, as the app shows the current version read from the kept plan. The browser tests
//! compare the two. The page's own words are read from the app's texts
//! (`app/locales/*/document.json`), so the two cannot come to say different things.

use std::sync::OnceLock;

use keikaku_domain::document::{
    anchors, fixed_part_name_in, keys, measure_field, measure_field_label_in, measure_heading,
    schedule_rows, shown_text, DocumentView, Part, ScheduleRow, MEASURE_FIELDS,
};
use keikaku_domain::format::{Chapter, Measure, Node, Plan};
use keikaku_domain::lang::{mark_japanese, text_lang, Lang};
use keikaku_domain::text::{link_terms, paragraphs, Segment, TermLink};
use keikaku_domain::views::{paths, NodeCrumb};
use keikaku_domain::FiscalYear;
use serde::Deserialize;

use crate::html_text::HtmlText;
use crate::plan_header::{write_breadcrumbs, write_plan_header, PlanTab};

/// The document page's own words in one language, as the app's texts give them.
#[derive(Deserialize)]
struct Words {
    current_version: String,
    page_title: String,
    breadcrumb: String,
    contents: String,
    contents_open: String,
    contents_drawer: String,
    kept_current: String,
    unplaced: String,
    milestones_caption: String,
    year: String,
    group: String,
    text: String,
    actions: String,
    kpis: String,
    lead: String,
    related: String,
    general_plan: String,
    schedule_caption: String,
    schedule_item: String,
    schedule_label: String,
    whole_measure: String,
    continued: String,
}

/// The notice of an English page whose plan text stays Japanese (`layout.json`).
#[derive(Deserialize)]
struct LayoutWords {
    content_in_japanese: String,
}

fn words(lang: Lang) -> &'static Words {
    static JA: OnceLock<Words> = OnceLock::new();
    static EN: OnceLock<Words> = OnceLock::new();
    match lang {
        Lang::Ja => JA.get_or_init(|| parse(include_str!("../../app/locales/ja/document.json"))),
        Lang::En => EN.get_or_init(|| parse(include_str!("../../app/locales/en/document.json"))),
    }
}

fn content_in_japanese() -> &'static str {
    static EN: OnceLock<LayoutWords> = OnceLock::new();
    &EN.get_or_init(|| parse(include_str!("../../app/locales/en/layout.json")))
        .content_in_japanese
}

/// The app's build checks these files; a text this module needs and they lack fails its tests.
fn parse<T: for<'de> Deserialize<'de>>(json: &str) -> T {
    serde_json::from_str(json).expect("the app's texts hold the document's words")
}

/// `{{ name }}` in one of the app's texts replaced by `value`.
fn fill(template: &str, name: &str, value: &str) -> String {
    template.replace(&format!("{{{{ {name} }}}}"), value)
}

/// The page's title (before the site's name): `こまがねDX戦略（現行版）`.
pub fn title(view: &DocumentView, lang: Lang) -> String {
    let (title, _) = view.summary.titles_in(lang);
    let page = fill(&words(lang).page_title, "plan", &title);
    fill(&page, "version", &words(lang).current_version)
}

/// Where the document's later parts start being deferred: the parts after the first screen's
/// are written in a `<template>` the service worker's script puts in place a frame later, so the
/// first screen is laid out and painted without the rest of a long plan.
#[derive(Clone, Copy, Debug)]
pub struct DeferParts {
    /// Measures written at once; the measures after them, and the parts that follow, wait.
    pub after_measures: usize,
}

/// The whole page of the current version as the app shows it from the kept plan
/// (`<div class="page page--document">`), its later parts deferred if `defer` says so.
pub fn write_page(html: &mut HtmlText, view: &DocumentView, defer: Option<DeferParts>, lang: Lang) {
    let w = words(lang);
    let plan_id = &view.summary.id;
    let (title, subtitle) = view.summary.titles_in(lang);
    let crumb = fill(&w.breadcrumb, "version", &w.current_version);
    html.open("div", &[("class", "page page--document")]);
    write_breadcrumbs(
        html,
        &[(title.clone(), Some(paths::plan(plan_id))), (crumb, None)],
        lang,
    );
    write_plan_header(html, &view.summary, PlanTab::Document, lang);
    if lang != Lang::Ja {
        html.element(
            "p",
            &[("class", "content-language"), ("role", "note")],
            content_in_japanese(),
        );
    }
    html.element("p", &[("class", "version-bar")], &w.kept_current)
        .open("div", &[("class", "doc-layout")])
        .open(
            "nav",
            &[
                ("class", "doc-toc doc-toc--side"),
                ("aria-label", &w.contents),
            ],
        )
        .element("h2", &[("class", "doc-toc__title")], &w.contents);
    write_toc(html, view, lang);
    html.close("nav")
        .open("details", &[("class", "doc-toc doc-toc--drawer")])
        .element("summary", &[], &w.contents_open)
        .open("nav", &[("aria-label", &w.contents_drawer)]);
    write_toc(html, view, lang);
    html.close("nav")
        .close("details")
        .open(
            "article",
            &[
                ("class", "doc"),
                ("id", "doc"),
                ("data-plan", plan_id),
                ("data-version", ""),
            ],
        )
        .element(
            "h1",
            &[("class", "doc__title"), ("lang", text_lang(&title))],
            &title,
        );
    if let Some(subtitle) = &subtitle {
        html.element(
            "p",
            &[("class", "doc__subtitle"), ("lang", text_lang(subtitle))],
            subtitle,
        );
    }
    html.element("p", &[("class", "doc__version")], &w.current_version);
    let writer = Writer {
        plan_id,
        glossary: &view.glossary,
        lang,
    };
    let mut deferring = false;
    for part in &view.parts {
        if let Part::Measures = part {
            let at_once = defer.map_or(usize::MAX, |d| d.after_measures);
            deferring = writer.measures(html, view, at_once);
            continue;
        }
        if deferring {
            html.open("template", &[]);
        }
        writer.part(html, part, view);
        if deferring {
            html.close("template");
        }
    }
    html.close("article").close("div").close("div");
}

fn write_toc(html: &mut HtmlText, view: &DocumentView, lang: Lang) {
    html.open("ol", &[]);
    for entry in &view.toc {
        let label = entry.label_in(lang);
        let class = format!("doc-toc__item doc-toc__item--{}", entry.level);
        let href = format!("#{}", entry.anchor);
        html.open("li", &[("class", &class)])
            .element("a", &[("href", &href), ("lang", text_lang(&label))], &label)
            .close("li");
    }
    html.close("ol");
}

/// Writes the plan's text as the app's passages do: each in an element carrying its key.
struct Writer<'a> {
    plan_id: &'a str,
    glossary: &'a [TermLink],
    lang: Lang,
}

impl Writer<'_> {
    /// A block passage: paragraphs, lines broken as transcribed, glossary terms linked.
    fn block(&self, html: &mut HtmlText, key: &str, text: &str) {
        html.open(
            "div",
            &[
                ("class", "doc-text"),
                ("data-anchor", key),
                ("lang", text_lang(text)),
            ],
        );
        for lines in paragraphs(text) {
            html.open("p", &[]);
            let count = lines.len();
            for (i, line) in lines.into_iter().enumerate() {
                for segment in link_terms(line, self.glossary) {
                    match segment {
                        Segment::Text(text) => {
                            html.text(&text);
                        }
                        Segment::Term {
                            text,
                            term_id,
                            marker,
                        } => {
                            let href = paths::term(self.plan_id, &term_id);
                            html.element("a", &[("class", "term"), ("href", &href)], &text)
                                .element(
                                    "span",
                                    &[("class", "term-marker"), ("aria-hidden", "true")],
                                    &marker,
                                );
                        }
                    }
                }
                if i + 1 < count {
                    html.open("br", &[]);
                }
            }
            html.close("p");
        }
        html.close("div");
    }

    /// An inline passage: one line of plain text.
    fn inline(&self, html: &mut HtmlText, key: &str, text: &str) {
        let shown = shown_text(text);
        html.element(
            "span",
            &[("data-anchor", key), ("lang", text_lang(&shown))],
            &shown,
        );
    }

    /// `第1章 `, `① `: a number the plan gives, marked Japanese when it is.
    fn number(&self, html: &mut HtmlText, number: Option<&String>) {
        if let Some(n) = number {
            let mut attributes = vec![("class", "doc-number")];
            attributes.extend(mark_japanese(n).map(|l| ("lang", l)));
            html.element("span", &attributes, n).text(" ");
        }
    }

    /// A part's heading, by the name every plan's part of that kind has.
    fn part_heading(&self, html: &mut HtmlText, anchor: &'static str, heading_id: &'static str) {
        html.open(
            "section",
            &[
                ("id", anchor),
                ("class", "doc-part"),
                ("aria-labelledby", heading_id),
            ],
        )
        .element(
            "h2",
            &[("id", heading_id)],
            fixed_part_name_in(anchor, self.lang).unwrap_or_default(),
        );
    }

    fn part(&self, html: &mut HtmlText, part: &Part, view: &DocumentView) {
        let plan = &view.plan;
        match part {
            Part::Chapter(id) => {
                if let Some(chapter) = plan.chapters.iter().find(|c| &c.id == id) {
                    self.chapter(html, chapter, 2);
                }
            }
            Part::Structure => self.structure(html, view),
            Part::Measures => {
                self.measures(html, view, usize::MAX);
            }
            Part::Milestones => self.milestones(html, plan),
            Part::Glossary => {
                self.part_heading(html, anchors::GLOSSARY, "doc-glossary-heading");
                html.open("dl", &[("class", "doc-glossary")]);
                for term in &plan.glossary {
                    let id = format!("doc-term-{}", term.id);
                    html.open("div", &[("id", &id)])
                        .element("dt", &[("lang", text_lang(&term.term))], &term.term)
                        .open("dd", &[]);
                    self.block(html, &keys::term(&term.id), &term.definition);
                    html.close("dd").close("div");
                }
                html.close("dl").close("section");
            }
        }
    }

    fn chapter(&self, html: &mut HtmlText, chapter: &Chapter, level: u8) {
        let anchor = anchors::chapter(&chapter.id);
        let heading_id = format!("{anchor}-heading");
        let tag = match level {
            2 => "h2",
            3 => "h3",
            _ => "h4",
        };
        html.open(
            "section",
            &[
                ("id", &anchor),
                ("class", "doc-part doc-chapter"),
                ("aria-labelledby", &heading_id),
            ],
        )
        .open(tag, &[("id", &heading_id)]);
        self.number(html, chapter.number.as_ref());
        self.inline(html, &keys::chapter(&chapter.id, "title"), &chapter.title);
        html.close(tag);
        if let Some(body) = &chapter.body {
            self.block(html, &keys::chapter(&chapter.id, "body"), body);
        }
        for list in &chapter.lists {
            html.open("div", &[("class", "doc-list")]);
            if !list.title.is_empty() {
                html.element(
                    "p",
                    &[
                        ("class", "doc-list__title"),
                        ("lang", text_lang(&list.title)),
                    ],
                    &list.title,
                );
            }
            html.open("ul", &[]);
            for (i, item) in list.items.iter().enumerate() {
                html.open("li", &[]);
                self.number(html, item.number.as_ref());
                self.inline(html, &keys::list_item(&chapter.id, &list.id, i), &item.text);
                html.close("li");
            }
            html.close("ul").close("div");
        }
        for table in &chapter.tables {
            let caption_id = format!("{anchor}-table-{}", table.id);
            self.frame(html, &table.title, &caption_id);
            html.open("table", &[("class", "data-table")])
                .open("caption", &[("id", &caption_id)])
                .element("span", &[("lang", text_lang(&table.title))], &table.title);
            if let Some(caption) = &table.caption {
                html.element(
                    "span",
                    &[("class", "caption-note"), ("lang", text_lang(caption))],
                    caption,
                );
            }
            html.close("caption").open("thead", &[]).open("tr", &[]);
            for head in &table.header {
                html.element("th", &[("scope", "col"), ("lang", text_lang(head))], head);
            }
            html.close("tr").close("thead").open("tbody", &[]);
            for (r, row) in table.rows.iter().enumerate() {
                html.open("tr", &[]);
                for (c, cell) in row.iter().enumerate() {
                    html.open("td", &[]);
                    self.inline(html, &keys::table_cell(&chapter.id, &table.id, r, c), cell);
                    html.close("td");
                }
                html.close("tr");
            }
            html.close("tbody").close("table").close("div");
        }
        for section in &chapter.sections {
            self.chapter(html, section, level + 1);
        }
        html.close("section");
    }

    /// Opens the scrollable frame of a wide table: named by `label` on a Japanese page, by the
    /// elements `labelled_by` elsewhere (an attribute cannot say its words are Japanese).
    fn frame(&self, html: &mut HtmlText, label: &str, labelled_by: &str) {
        match self.lang {
            Lang::Ja => open_frame(html, ("aria-label", label)),
            Lang::En => open_frame(html, ("aria-labelledby", labelled_by)),
        }
    }

    fn structure(&self, html: &mut HtmlText, view: &DocumentView) {
        self.part_heading(html, anchors::STRUCTURE, "doc-structure-heading");
        html.open("ul", &[("class", "tree doc-tree")]);
        for node in &view.plan.structure {
            self.node(html, node, &view.plan);
        }
        html.close("ul");
        if !view.unplaced.is_empty() {
            html.open("p", &[]).text(&words(self.lang).unplaced);
            for measure in &view.unplaced {
                let href = format!("#{}", anchors::measure(&measure.id));
                html.element(
                    "a",
                    &[("href", &href), ("lang", text_lang(&measure.title))],
                    &measure.title,
                )
                .text(" ");
            }
            html.close("p");
        }
        html.close("section");
    }

    fn node(&self, html: &mut HtmlText, node: &Node, plan: &Plan) {
        let id = format!("doc-node-{}", node.id);
        let label = match &node.number {
            Some(n) => format!("{} {n}", node.display_label()),
            None => node.display_label().to_owned(),
        };
        html.open("li", &[("id", &id)])
            .element(
                "span",
                &[
                    ("class", "tree__label"),
                    ("lang", text_lang(node.display_label())),
                ],
                &label,
            )
            .text(" ");
        self.inline(html, &keys::node(&node.id, "title"), &node.title);
        if let Some(description) = &node.description {
            self.block(html, &keys::node(&node.id, "description"), description);
        }
        if !node.measures.is_empty() {
            html.open("ul", &[("class", "tree__measures")]);
            for measure in node.measures.iter().filter_map(|id| plan.measure(id)) {
                let href = format!("#{}", anchors::measure(&measure.id));
                html.open("li", &[])
                    .element(
                        "a",
                        &[("href", &href), ("lang", text_lang(&measure.title))],
                        &measure_heading(measure),
                    )
                    .close("li");
            }
            html.close("ul");
        }
        if !node.children.is_empty() {
            html.open("ul", &[]);
            for child in &node.children {
                self.node(html, child, plan);
            }
            html.close("ul");
        }
        html.close("li");
    }

    /// The measures' part, its measures after the first `at_once` in a template; whether it
    /// deferred any (then the parts after it are deferred too).
    fn measures(&self, html: &mut HtmlText, view: &DocumentView, at_once: usize) -> bool {
        self.part_heading(html, anchors::MEASURES, "doc-measures-heading");
        let measures = view.plan.measures.iter().zip(&view.placements);
        let deferring = view.plan.measures.len() > at_once;
        for (i, (measure, trails)) in measures.enumerate() {
            if i == at_once {
                html.open("template", &[]);
            }
            self.measure(html, measure, trails, &view.plan);
        }
        if deferring {
            html.close("template");
        }
        html.close("section");
        deferring
    }

    fn measure(
        &self,
        html: &mut HtmlText,
        measure: &Measure,
        trails: &[Vec<NodeCrumb>],
        plan: &Plan,
    ) {
        let w = words(self.lang);
        let id = &measure.id;
        let anchor = anchors::measure(id);
        let heading_id = format!("{anchor}-heading");
        let schedule_id = format!("{anchor}-schedule");
        html.open(
            "section",
            &[
                ("id", &anchor),
                ("class", "doc-measure"),
                ("aria-labelledby", &heading_id),
            ],
        )
        .open("h3", &[("id", &heading_id)]);
        self.number(html, measure.number.as_ref());
        self.inline(html, &keys::measure(id, "title"), &measure.title);
        html.close("h3");
        if !trails.is_empty() {
            let place = trails
                .iter()
                .map(|t| {
                    let titles: Vec<&str> = t.iter().map(|n| n.title.as_str()).collect();
                    titles.join(" › ")
                })
                .collect::<Vec<_>>()
                .join("／");
            html.element(
                "p",
                &[("class", "doc-measure__place"), ("lang", text_lang(&place))],
                &place,
            );
        }
        for (field, _) in MEASURE_FIELDS {
            if let Some(text) = measure_field(measure, field) {
                html.element(
                    "h4",
                    &[],
                    measure_field_label_in(field, self.lang).unwrap_or_default(),
                );
                self.block(html, &keys::measure(id, field), text);
            }
        }
        if !measure.actions.is_empty() {
            html.element("h4", &[], &w.actions)
                .open("ul", &[("class", "doc-actions")]);
            for action in &measure.actions {
                html.open("li", &[]);
                self.number(html, action.number.as_ref());
                self.inline(html, &keys::action(id, &action.id), &action.title);
                html.close("li");
            }
            html.close("ul");
        }
        if !measure.kpis.is_empty() {
            html.element("h4", &[], &w.kpis)
                .open("ul", &[("class", "doc-kpis")]);
            for (i, kpi) in measure.kpis.iter().enumerate() {
                html.open("li", &[]);
                self.inline(html, &keys::kpi(id, i), &kpi.text);
                html.close("li");
            }
            html.close("ul");
        }
        if !measure.lead_departments.is_empty() || !measure.related_departments.is_empty() {
            html.open("dl", &[("class", "facts facts--stacked")]);
            self.departments(html, &w.lead, &measure.lead_departments);
            if !measure.related_departments.is_empty() {
                self.departments(html, &w.related, &measure.related_departments);
            }
            html.close("dl");
        }
        if !measure.general_plan_refs.is_empty() {
            let refs = names_in(&measure.general_plan_refs, self.lang);
            html.open("p", &[("class", "fact-note")])
                .text(&w.general_plan)
                .element("span", &[("lang", text_lang(&refs))], &refs)
                .close("p");
        }
        self.schedule(html, measure, plan, &schedule_id, &heading_id);
        html.close("section");
    }

    fn departments(&self, html: &mut HtmlText, label: &str, names: &[String]) {
        html.open("div", &[])
            .element("dt", &[], label)
            .element(
                "dd",
                &[("lang", text_lang(&names.concat()))],
                &names_in(names, self.lang),
            )
            .close("div");
    }

    /// The measure's roadmap: a row for the whole measure (when it has cells of its own, or no
    /// actions) and one per action with cells; a cell continuing an earlier year's is printed
    /// again, marked as continuing.
    fn schedule(
        &self,
        html: &mut HtmlText,
        measure: &Measure,
        plan: &Plan,
        schedule_id: &str,
        heading_id: &str,
    ) {
        let w = words(self.lang);
        let years = plan.roadmap_years();
        let rows = schedule_rows(measure, &years);
        if rows.is_empty() {
            return;
        }
        let label = fill(&w.schedule_label, "measure", &measure.title);
        self.frame(html, &label, &format!("{schedule_id} {heading_id}"));
        html.open("table", &[("class", "data-table doc-schedule")])
            .element("caption", &[("id", schedule_id)], &w.schedule_caption)
            .open("thead", &[])
            .open("tr", &[])
            .element("th", &[("scope", "col")], &w.schedule_item);
        for year in &years {
            html.element("th", &[("scope", "col")], &year_heading(*year, self.lang));
        }
        html.close("tr").close("thead").open("tbody", &[]);
        for ScheduleRow {
            label,
            number,
            cells,
        } in rows
        {
            let label = label.unwrap_or_else(|| w.whole_measure.clone());
            let shown = match number {
                Some(n) => format!("{n} {label}"),
                None => label.clone(),
            };
            html.open("tr", &[]).element(
                "th",
                &[("scope", "row"), ("lang", text_lang(&label))],
                &shown,
            );
            for year in &years {
                html.open("td", &[]);
                if let Some((_, continued, text)) = cells.iter().find(|(y, _, _)| y == year) {
                    if *continued {
                        html.text(&w.continued);
                    }
                    html.element("span", &[("lang", text_lang(text))], text);
                }
                html.close("td");
            }
            html.close("tr");
        }
        html.close("tbody").close("table").close("div");
    }

    fn milestones(&self, html: &mut HtmlText, plan: &Plan) {
        let w = words(self.lang);
        self.part_heading(html, anchors::MILESTONES, "doc-milestones-heading");
        let name = fixed_part_name_in(anchors::MILESTONES, self.lang).unwrap_or_default();
        open_frame(html, ("aria-label", name));
        html.open("table", &[("class", "data-table")])
            .element(
                "caption",
                &[("class", "visually-hidden")],
                &w.milestones_caption,
            )
            .open("thead", &[])
            .open("tr", &[]);
        for head in [&w.year, &w.group, &w.text] {
            html.element("th", &[("scope", "col")], head);
        }
        html.close("tr").close("thead").open("tbody", &[]);
        for (i, milestone) in plan.milestones.iter().enumerate() {
            let group = milestone.group.clone().unwrap_or_default();
            let mut group_lang = Vec::new();
            group_lang.extend(mark_japanese(&group).map(|l| ("lang", l)));
            html.open("tr", &[])
                .element(
                    "th",
                    &[("scope", "row")],
                    &milestone.fiscal_year.label_in(self.lang),
                )
                .element("td", &group_lang, &group)
                .open("td", &[]);
            self.inline(html, &keys::milestone(i), &milestone.text);
            if let Some(note) = &milestone.note {
                html.element(
                    "span",
                    &[("class", "fact-note"), ("lang", text_lang(note))],
                    note,
                );
            }
            html.close("td").close("tr");
        }
        html.close("tbody")
            .close("table")
            .close("div")
            .close("section");
    }
}

/// `<div class="table-scroll" …>`: the scrollable, focusable frame of a wide table, with its
/// accessible `name` attribute.
fn open_frame(html: &mut HtmlText, name: (&'static str, &str)) {
    html.open(
        "div",
        &[
            ("class", "table-scroll"),
            ("role", "region"),
            name,
            ("tabindex", "0"),
        ],
    );
}

/// The plan's names in a row (`総務課、企画課`), separated as a page in `lang` does. The app's
/// document page uses it too.
pub fn names_in(names: &[String], lang: Lang) -> String {
    match lang {
        Lang::Ja => names.join("、"),
        Lang::En => names.join(", "),
    }
}

/// A roadmap year's column heading in the document: `令和4年度`, or `FY2022`. The app's
/// document page uses it too.
pub fn year_heading(year: FiscalYear, lang: Lang) -> String {
    match lang {
        Lang::Ja => year.japanese(),
        Lang::En => format!("FY{}", year.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keikaku_domain::document::passages;
    use keikaku_domain::format::PlanFile;

    const SAMPLES: [&str; 5] = [
        include_str!("../../samples/plans/komagane.json"),
        include_str!("../../samples/plans/ena.json"),
        include_str!("../../samples/plans/kamigori.json"),
        include_str!("../../samples/plans/matsue.json"),
        include_str!("../../samples/plans/shimada.json"),
    ];

    fn view_of(sample: &str) -> DocumentView {
        let file: PlanFile = serde_json::from_str(sample).unwrap();
        DocumentView::of(&file.organization, &file.plan, None, Vec::new())
    }

    fn page(view: &DocumentView, defer: Option<DeferParts>, lang: Lang) -> String {
        let mut html = HtmlText::new();
        write_page(&mut html, view, defer, lang);
        html.finish()
    }

    /// The text content of `html`, as the DOM reads it.
    fn text_content(html: &str) -> String {
        let mut out = String::new();
        let mut rest = html;
        while let Some(at) = rest.find('<') {
            out.push_str(&rest[..at]);
            rest = &rest[rest[at..].find('>').map_or(rest.len(), |end| at + end + 1)..];
        }
        out.push_str(rest);
        out.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    /// Every element carrying a passage key, with its text, in document order. A block
    /// passage is a `<div>` holding no other; an inline one a `<span>` holding none.
    fn anchored(html: &str) -> Vec<(String, String)> {
        html.match_indices("data-anchor=\"")
            .map(|(at, found)| {
                let key_start = at + found.len();
                let key = &html[key_start..key_start + html[key_start..].find('"').unwrap()];
                let tag = if html[..at].rfind("<div") > html[..at].rfind("<span") {
                    "</div>"
                } else {
                    "</span>"
                };
                let content = key_start + html[key_start..].find('>').unwrap() + 1;
                let end = content + html[content..].find(tag).unwrap();
                (key.to_owned(), text_content(&html[content..end]))
            })
            .collect()
    }

    #[test]
    fn holds_every_passage_of_each_sample_plan_with_the_text_notes_are_anchored_to() {
        for sample in SAMPLES {
            let view = view_of(sample);
            let expected: Vec<(String, String)> = passages(&view.plan)
                .into_iter()
                .map(|p| (p.key, p.text))
                .collect();
            let written: Vec<(String, String)> = anchored(&page(&view, None, Lang::Ja))
                .into_iter()
                .filter(|(_, text)| !text.is_empty())
                .collect();
            assert!(expected.len() > 30, "{}: {}", view.plan.id, expected.len());
            assert_eq!(written, expected, "{}", view.plan.id);
        }
    }

    #[test]
    fn defers_the_measures_after_the_first_screen_and_every_part_after_them() {
        let view = view_of(SAMPLES[0]);
        let whole = page(&view, None, Lang::Ja);
        assert!(!whole.contains("<template>"));
        let deferred = page(&view, Some(DeferParts { after_measures: 2 }), Lang::Ja);
        let (first, _) = deferred.split_once("<template>").expect("a template");
        assert_eq!(first.matches("class=\"doc-measure\"").count(), 2);
        assert!(
            first.contains("id=\"doc-structure\""),
            "the structure at once"
        );
        assert!(!first.contains("id=\"doc-glossary\""));
        assert!(first.ends_with("</section>"), "between measures");
        let in_place = deferred
            .replace("<template>", "")
            .replace("</template>", "");
        assert_eq!(in_place, whole);
        // A plan with fewer measures is written at once.
        let short = page(
            &view,
            Some(DeferParts {
                after_measures: 500,
            }),
            Lang::Ja,
        );
        assert_eq!(short, whole);
    }

    #[test]
    fn writes_the_page_as_the_app_shows_the_kept_current_version() {
        let view = view_of(SAMPLES[0]);
        let html = page(&view, None, Lang::Ja);
        assert_eq!(title(&view, Lang::Ja), "こまがねDX戦略（現行版）");
        assert!(html.starts_with(r#"<div class="page page--document"><nav class="breadcrumbs""#));
        assert!(html.contains(r#"<li aria-current="page" lang="ja">計画書 現行版</li>"#));
        assert!(html.contains(r#"<p class="version-bar">現行版（この端末に保存された内容）</p>"#));
        assert!(html.contains(r#"<h2 class="doc-toc__title">目次</h2>"#));
        // The contents twice (beside the text, and in the drawer), an entry per part and measure.
        assert_eq!(
            html.matches("<li class=\"doc-toc__item ").count(),
            2 * view.toc.len()
        );
        assert!(view.toc.len() > view.plan.measures.len());
        // A measure: its heading, fields, actions, departments and schedule.
        let at = html
            .find(r#"<section id="doc-measure-regional-06""#)
            .unwrap();
        let measure = &html[at..at + html[at..].find("</section>").unwrap()];
        assert!(measure.contains(r#"<h4>取組内容</h4><ul class="doc-actions">"#));
        assert!(measure.contains("<dt>担当課</dt>"));
        assert!(measure.contains(
            r#"<caption id="doc-measure-regional-06-schedule">スケジュール（工程表）</caption>"#
        ));
        assert!(measure.contains(r#"aria-label="#));
        // Glossary terms in the text link to the glossary.
        assert!(
            html.contains(r#"<a class="term" href="/plans/komagane-dx-strategy/glossary#term-"#)
        );
    }

    #[test]
    fn writes_the_page_words_in_english_and_keeps_the_plan_text_marked_japanese() {
        let view = view_of(SAMPLES[0]);
        let html = page(&view, None, Lang::En);
        assert!(title(&view, Lang::En).starts_with("Komagane DX Strategy (Current version)"));
        assert!(html.contains(r#"<p class="content-language" role="note">The plan&#39;s own text is shown in Japanese.</p>"#));
        assert!(
            html.contains(r#"<p class="version-bar">Current version (as kept on this device)</p>"#)
        );
        assert!(html.contains(r#"<h2 class="doc-toc__title">Contents</h2>"#));
        assert!(html.contains("<h4>Actions</h4>"));
        assert!(html.contains("<th scope=\"col\">FY2024</th>"));
        assert!(html.contains(
            r#"aria-labelledby="doc-measure-regional-06-schedule doc-measure-regional-06-heading""#
        ));
        assert!(
            !html.contains("スケジュール（工程表）"),
            "no Japanese of the page's own"
        );
        assert!(html.contains(
            r#"<div class="doc-text" data-anchor="measure/regional-06/target_state" lang="ja">"#
        ));
    }
}
