//! The document view of a plan (閲覧室): the whole plan in the order a printed plan reads —
//! the opening chapters, the structure, every measure with all its fields, the closing
//! chapters (promotion, progress management), the milestones and the glossary — and the
//! passages a reader can mark, each with a stable key.
//!
//! A passage's key names the element it sits in (`measure/citizen-01/direction`), so notes keep
//! to it across versions; its text is exactly what the page shows in that element (lines of a
//! paragraph run together, as the DOM's text content reads), so a quote and a position taken
//! in the browser match the text computed here.

mod places;

pub use places::{
    fixed_part_name_in, part_anchor_of, part_anchors, part_label, part_label_in, part_name_in,
    PartName,
};

use serde::{Deserialize, Serialize};

use crate::format::*;
use crate::lang::Lang;
use crate::revision::VersionInfo;
use crate::text::{paragraphs, TermLink};
use crate::views::{placements, MeasureRef, NodeCrumb, OverviewView, PlanSummary};

/// One part of the document, in reading order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Part {
    /// A top-level chapter (with its sections), by id.
    Chapter(String),
    /// The structure tree: vision, policies, pillars.
    Structure,
    /// Every measure, in the plan's order.
    Measures,
    Milestones,
    Glossary,
}

/// An entry of the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TocEntry {
    /// The id of the element it links to.
    pub anchor: String,
    pub label: String,
    /// 1 for a part, 2 for a chapter's section or a measure.
    pub level: u8,
}

impl TocEntry {
    /// The entry's text on a page in `lang`: the parts every plan has are named in it, the
    /// rest by the plan's own headings.
    pub fn label_in(&self, lang: Lang) -> String {
        fixed_part_name_in(&self.anchor, lang).map_or_else(|| self.label.clone(), str::to_owned)
    }
}

/// What the document page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentView {
    pub summary: PlanSummary,
    /// The version shown; `None` for the current version read from a plan kept offline,
    /// whose number this browser does not know.
    pub version: Option<VersionInfo>,
    /// The versions the reader may open, oldest first.
    pub versions: Vec<VersionInfo>,
    pub plan: Plan,
    /// Measures placed under no node of the structure.
    pub unplaced: Vec<MeasureRef>,
    pub parts: Vec<Part>,
    pub toc: Vec<TocEntry>,
    /// For each measure (by position in `plan.measures`), the trails of its placements.
    pub placements: Vec<Vec<Vec<NodeCrumb>>>,
    pub glossary: Vec<TermLink>,
    /// The viewer may point the council to a part (set by the server; offline `false`).
    #[serde(default)]
    pub can_present: bool,
    /// The viewer sees where the council is pointed to.
    #[serde(default)]
    pub can_follow: bool,
    /// The viewer keeps notes on it (`access::can_annotate`): the page holds their place from
    /// the start, so they do not push the text down when the notes are read.
    #[serde(default)]
    pub can_annotate: bool,
}

/// Element ids of the document's parts.
pub mod anchors {
    pub fn chapter(id: &str) -> String {
        format!("doc-chapter-{id}")
    }
    pub fn measure(id: &str) -> String {
        format!("doc-measure-{id}")
    }
    pub const STRUCTURE: &str = "doc-structure";
    pub const MEASURES: &str = "doc-measures";
    pub const MILESTONES: &str = "doc-milestones";
    pub const GLOSSARY: &str = "doc-glossary";
}

/// Chapters of these kinds follow the measures, as plans print them.
fn closes_the_plan(chapter: &Chapter) -> bool {
    matches!(
        chapter.kind,
        Some(ChapterKind::Promotion | ChapterKind::ProgressManagement)
    )
}

/// The parts of a plan in reading order.
pub fn parts(plan: &Plan) -> Vec<Part> {
    let split = plan
        .chapters
        .iter()
        .position(closes_the_plan)
        .unwrap_or(plan.chapters.len());
    let mut out: Vec<Part> = plan.chapters[..split]
        .iter()
        .map(|c| Part::Chapter(c.id.clone()))
        .collect();
    if !plan.structure.is_empty() {
        out.push(Part::Structure);
    }
    if !plan.measures.is_empty() {
        out.push(Part::Measures);
    }
    out.extend(
        plan.chapters[split..]
            .iter()
            .map(|c| Part::Chapter(c.id.clone())),
    );
    if !plan.milestones.is_empty() {
        out.push(Part::Milestones);
    }
    if !plan.glossary.is_empty() {
        out.push(Part::Glossary);
    }
    out
}

/// `第1章 計画策定の趣旨`.
pub fn chapter_heading(chapter: &Chapter) -> String {
    match &chapter.number {
        Some(number) => format!("{number} {}", chapter.title),
        None => chapter.title.clone(),
    }
}

/// `① 行政手続きのオンライン化`.
pub fn measure_heading(measure: &Measure) -> String {
    match &measure.number {
        Some(number) => format!("{number} {}", measure.title),
        None => measure.title.clone(),
    }
}

fn toc(plan: &Plan, parts: &[Part]) -> Vec<TocEntry> {
    let mut out = Vec::new();
    let entry = |anchor: String, label: String, level| TocEntry {
        anchor,
        label,
        level,
    };
    // Kept in Japanese, as the view travels; pages name these parts with `label_in`.
    let fixed = |anchor: &str| {
        fixed_part_name_in(anchor, Lang::Ja)
            .unwrap_or_default()
            .to_owned()
    };
    for part in parts {
        match part {
            Part::Chapter(id) => {
                let Some(chapter) = plan.chapters.iter().find(|c| &c.id == id) else {
                    continue;
                };
                out.push(entry(anchors::chapter(id), chapter_heading(chapter), 1));
                for section in &chapter.sections {
                    out.push(entry(
                        anchors::chapter(&section.id),
                        chapter_heading(section),
                        2,
                    ));
                }
            }
            Part::Structure => out.push(entry(
                anchors::STRUCTURE.into(),
                fixed(anchors::STRUCTURE),
                1,
            )),
            Part::Measures => {
                out.push(entry(anchors::MEASURES.into(), fixed(anchors::MEASURES), 1));
                for measure in &plan.measures {
                    out.push(entry(
                        anchors::measure(&measure.id),
                        measure_heading(measure),
                        2,
                    ));
                }
            }
            Part::Milestones => out.push(entry(
                anchors::MILESTONES.into(),
                fixed(anchors::MILESTONES),
                1,
            )),
            Part::Glossary => {
                out.push(entry(anchors::GLOSSARY.into(), fixed(anchors::GLOSSARY), 1))
            }
        }
    }
    out
}

impl DocumentView {
    pub fn of(
        organization: &Organization,
        plan: &Plan,
        version: Option<VersionInfo>,
        versions: Vec<VersionInfo>,
    ) -> DocumentView {
        let parts = parts(plan);
        DocumentView {
            summary: PlanSummary::of(organization, plan),
            version,
            versions,
            toc: toc(plan, &parts),
            parts,
            unplaced: OverviewView::of(organization, plan).unplaced,
            placements: plan
                .measures
                .iter()
                .map(|m| placements(plan, &m.id))
                .collect(),
            glossary: plan.glossary.iter().map(TermLink::from).collect(),
            plan: plan.clone(),
            can_present: false,
            can_follow: false,
            can_annotate: false,
        }
    }
}

/// 「説明中の箇所」: the part of the document a presenting official points the council to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pointer {
    /// The element id of the part (`doc-measure-citizen-12`, see [`anchors`]).
    pub anchor: String,
    /// How the banner names it: 「施策12 …」.
    pub label: String,
    /// The version presented, when known.
    pub version: Option<u32>,
    /// Who presents.
    pub by: String,
    /// Unix seconds it was pointed to.
    pub at: i64,
}

impl Pointer {
    /// Why an anchor or label cannot be pointed to, as (field, reason).
    pub fn check(anchor: &str, label: &str) -> Result<(), (&'static str, crate::reason::Reason)> {
        let anchor_ok = anchor.starts_with("doc-")
            && anchor.len() <= 100
            && anchor
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !anchor_ok {
            return Err((
                "anchor",
                crate::reason::Reason::new(
                    "文書の箇所を指定してください。",
                    "Please choose a passage of the document.",
                ),
            ));
        }
        crate::limits::check_required(crate::limits::TextKind::Name, label)
            .map_err(|p| ("label", crate::reason::Reason::of(|lang| p.reason_in(lang))))
    }
}

/// Pointing the council to a passage during a meeting: the organization's administrators and
/// editors (the officials who explain the plan).
pub fn can_present(viewer: &crate::access::Viewer, plan: crate::access::PlanRef) -> bool {
    use crate::access::Role;
    viewer.principal().is_some_and(|p| {
        p.organization_id == plan.organization_id
            && matches!(p.role, Role::Administrator | Role::Editor)
    })
}

/// Seeing where it points: members of the organization (council members above all).
pub fn can_follow_presentation(
    viewer: &crate::access::Viewer,
    plan: crate::access::PlanRef,
) -> bool {
    crate::access::can_read_history(viewer, plan)
}

/// A passage a reader can mark: its key and the text the page shows in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passage {
    pub key: String,
    pub text: String,
}

impl Passage {
    /// The measure a passage belongs to, if any: notes that lose their place look for it
    /// there first.
    pub fn measure(&self) -> Option<&str> {
        measure_of(&self.key)
    }
}

/// The measure a passage key belongs to, if any.
pub fn measure_of(key: &str) -> Option<&str> {
    key.strip_prefix("measure/")?.split('/').next()
}

/// Text as the page shows it: the lines of every paragraph, run together (line breaks are
/// elements, not text).
pub fn shown_text(text: &str) -> String {
    paragraphs(text).into_iter().flatten().collect()
}

/// Passage keys, in one place so the page and the notes agree.
pub mod keys {
    pub fn chapter(id: &str, field: &str) -> String {
        format!("chapter/{id}/{field}")
    }
    pub fn list_item(chapter: &str, list: &str, index: usize) -> String {
        format!("chapter/{chapter}/list/{list}/{index}")
    }
    pub fn table_cell(chapter: &str, table: &str, row: usize, column: usize) -> String {
        format!("chapter/{chapter}/table/{table}/{row}/{column}")
    }
    pub fn node(id: &str, field: &str) -> String {
        format!("node/{id}/{field}")
    }
    pub fn measure(id: &str, field: &str) -> String {
        format!("measure/{id}/{field}")
    }
    pub fn action(measure: &str, action: &str) -> String {
        format!("measure/{measure}/action/{action}")
    }
    pub fn kpi(measure: &str, index: usize) -> String {
        format!("measure/{measure}/kpi/{index}")
    }
    pub fn milestone(index: usize) -> String {
        format!("milestone/{index}")
    }
    pub fn term(id: &str) -> String {
        format!("term/{id}")
    }
}

/// The measure text fields the document shows, in order, with their headings.
pub const MEASURE_FIELDS: [(&str, &str); 6] = [
    ("summary", "概要"),
    ("outcome", "目指す成果"),
    ("target_state", "目指す姿"),
    ("current_issues", "現状と課題"),
    ("direction", "取組の方向"),
    ("content", "取組の内容"),
];

/// The heading of a measure's text field (by its name in [`MEASURE_FIELDS`]) on a page in
/// `lang`.
pub fn measure_field_label_in(field: &str, lang: Lang) -> Option<&'static str> {
    match lang {
        Lang::Ja => MEASURE_FIELDS
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, label)| *label),
        Lang::En => MEASURE_FIELDS
            .iter()
            .any(|(f, _)| *f == field)
            .then(|| crate::views::measure_field_label_en(field))
            .flatten(),
    }
}

/// A row of a measure's schedule in the document: `label` is `None` for the measure as a
/// whole (the page names it), else an action's first title line, with its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleRow {
    pub label: Option<String>,
    pub number: Option<String>,
    /// Per fiscal year with a cell: whether it continues an earlier year's, and its text.
    pub cells: Vec<(crate::FiscalYear, bool, String)>,
}

/// A measure's schedule over `years` as the document prints it: a row for the measure itself
/// when it has cells of its own or no actions, then one per action with cells; a cell that
/// continues into later years is printed there too, marked as continuing.
pub fn schedule_rows(measure: &Measure, years: &[crate::FiscalYear]) -> Vec<ScheduleRow> {
    let cells = |schedule: &[ScheduleCell]| -> Vec<(crate::FiscalYear, bool, String)> {
        years
            .iter()
            .filter_map(|&y| {
                crate::planned_for(schedule, y).map(|(c, continued)| (y, continued, c.text.clone()))
            })
            .collect()
    };
    let whole = ScheduleRow {
        label: None,
        number: None,
        cells: cells(&measure.schedule),
    };
    std::iter::once(whole)
        .filter(|row| !row.cells.is_empty() || measure.actions.is_empty())
        .chain(measure.actions.iter().map(|a| ScheduleRow {
            label: Some(a.title.lines().next().unwrap_or_default().to_owned()),
            number: a.number.clone(),
            cells: cells(&a.schedule),
        }))
        .filter(|row| !row.cells.is_empty())
        .collect()
}

/// A measure's text field by its name in [`MEASURE_FIELDS`].
pub fn measure_field<'a>(measure: &'a Measure, field: &str) -> Option<&'a String> {
    match field {
        "summary" => measure.summary.as_ref(),
        "outcome" => measure.outcome.as_ref(),
        "target_state" => measure.target_state.as_ref(),
        "current_issues" => measure.current_issues.as_ref(),
        "direction" => measure.direction.as_ref(),
        "content" => measure.content.as_ref(),
        _ => None,
    }
}

/// Every passage of the plan, in document order.
pub fn passages(plan: &Plan) -> Vec<Passage> {
    let mut out = Vec::new();
    let mut push = |key: String, text: &str| {
        let text = shown_text(text);
        if !text.is_empty() {
            out.push(Passage { key, text });
        }
    };
    let chapter_passages = |chapter: &Chapter, push: &mut dyn FnMut(String, &str)| {
        for c in chapter.walk() {
            push(keys::chapter(&c.id, "title"), &c.title);
            if let Some(body) = &c.body {
                push(keys::chapter(&c.id, "body"), body);
            }
            for list in &c.lists {
                for (i, item) in list.items.iter().enumerate() {
                    push(keys::list_item(&c.id, &list.id, i), &item.text);
                }
            }
            for table in &c.tables {
                for (r, row) in table.rows.iter().enumerate() {
                    for (col, cell) in row.iter().enumerate() {
                        push(keys::table_cell(&c.id, &table.id, r, col), cell);
                    }
                }
            }
        }
    };
    for part in parts(plan) {
        match part {
            Part::Chapter(id) => {
                if let Some(chapter) = plan.chapters.iter().find(|c| c.id == id) {
                    chapter_passages(chapter, &mut push);
                }
            }
            Part::Structure => {
                for node in walk_nodes(&plan.structure) {
                    push(keys::node(&node.id, "title"), &node.title);
                    if let Some(description) = &node.description {
                        push(keys::node(&node.id, "description"), description);
                    }
                }
            }
            Part::Measures => {
                for measure in &plan.measures {
                    push(keys::measure(&measure.id, "title"), &measure.title);
                    for (field, _) in MEASURE_FIELDS {
                        if let Some(text) = measure_field(measure, field) {
                            push(keys::measure(&measure.id, field), text);
                        }
                    }
                    for action in &measure.actions {
                        push(keys::action(&measure.id, &action.id), &action.title);
                    }
                    for (i, kpi) in measure.kpis.iter().enumerate() {
                        push(keys::kpi(&measure.id, i), &kpi.text);
                    }
                }
            }
            Part::Milestones => {
                for (i, milestone) in plan.milestones.iter().enumerate() {
                    push(keys::milestone(i), &milestone.text);
                }
            }
            Part::Glossary => {
                for term in &plan.glossary {
                    push(keys::term(&term.id), &term.definition);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn komagane() -> Plan {
        crate::import::parse_plan_file(
            "komagane.json",
            include_bytes!("../../../samples/plans/komagane.json"),
        )
        .unwrap()
        .plan
    }

    #[test]
    fn passages_have_unique_keys_and_one_line_texts() {
        let plan = komagane();
        let list = passages(&plan);
        assert!(list.len() > 300, "{}", list.len());
        let mut keys: Vec<&str> = list.iter().map(|p| p.key.as_str()).collect();
        keys.sort();
        let before = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), before);
        assert!(list
            .iter()
            .all(|p| !p.text.contains('\n') && !p.text.is_empty()));
        let direction = list
            .iter()
            .find(|p| p.key == "measure/citizen-01/direction")
            .unwrap();
        assert!(direction
            .text
            .starts_with("国の「マイナポータルびったりサービス*」"));
        assert_eq!(direction.measure(), Some("citizen-01"));
        assert_eq!(measure_of("chapter/intro/body"), None);
    }

    #[test]
    fn the_document_reads_chapters_structure_measures_then_the_rest() {
        let plan = komagane();
        let order = parts(&plan);
        let structure = order.iter().position(|p| *p == Part::Structure).unwrap();
        let measures = order.iter().position(|p| *p == Part::Measures).unwrap();
        assert_eq!(measures, structure + 1);
        assert!(matches!(order[0], Part::Chapter(_)));
        assert_eq!(order.last(), Some(&Part::Glossary));
        let toc = toc(&plan, &order);
        let measure_entries = toc
            .iter()
            .filter(|e| e.anchor.starts_with("doc-measure-"))
            .count();
        assert_eq!(measure_entries, plan.measures.len());
    }

    #[test]
    fn officials_present_and_members_follow() {
        use crate::access::{test_user, PlanRef, Role, Viewer};
        let plan = PlanRef {
            organization_id: "a",
            status: crate::format::PlanStatus::Published,
        };
        for (role, present) in [
            (Role::Administrator, true),
            (Role::Editor, true),
            (Role::CouncilMember, false),
        ] {
            assert_eq!(can_present(&test_user("a", role, None), plan), present);
            assert!(!can_present(&test_user("b", role, None), plan));
            assert!(can_follow_presentation(&test_user("a", role, None), plan));
            assert!(!can_follow_presentation(&test_user("b", role, None), plan));
        }
        assert!(!can_follow_presentation(&Viewer::Public, plan));
        assert!(Pointer::check("doc-measure-citizen-12", "施策12").is_ok());
        assert_eq!(
            Pointer::check("javascript:x", "施策").unwrap_err().0,
            "anchor"
        );
        assert_eq!(Pointer::check("doc-x", " ").unwrap_err().0, "label");
    }

    #[test]
    fn the_contents_and_field_headings_read_in_english() {
        let plan = komagane();
        let toc = toc(&plan, &parts(&plan));
        let structure = toc.iter().find(|e| e.anchor == anchors::STRUCTURE).unwrap();
        assert_eq!(structure.label, "計画の体系");
        assert_eq!(structure.label_in(Lang::Ja), "計画の体系");
        assert_eq!(structure.label_in(Lang::En), "Structure of the plan");
        let measure = toc
            .iter()
            .find(|e| e.anchor.starts_with("doc-measure-"))
            .unwrap();
        assert_eq!(measure.label_in(Lang::En), measure.label);
        for (field, label) in MEASURE_FIELDS {
            assert_eq!(measure_field_label_in(field, Lang::Ja), Some(label));
            assert!(measure_field_label_in(field, Lang::En).is_some_and(|l| l.is_ascii()));
        }
        assert_eq!(
            measure_field_label_in("current_issues", Lang::En),
            Some("Current state and issues")
        );
        assert_eq!(measure_field_label_in("title", Lang::En), None);
    }

    #[test]
    fn shown_text_runs_lines_together() {
        assert_eq!(
            shown_text("一行目\n二行目\n\n次の段落  \n"),
            "一行目二行目次の段落"
        );
    }
}
