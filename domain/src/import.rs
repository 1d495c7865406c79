//! Reading a plan file: bytes → validated [`PlanFile`], or every problem found, each with the
//! place in the document and the reason. Nothing partial ever comes out of here.

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::fiscal::FiscalYear;
use crate::format::*;
use crate::limits::{check_required, check_text, measure_field_kind, node_field_kind, TextKind};
use TextKind::{Name, Short, Text};

/// One thing wrong with a plan file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// JSON path (`plan.measures[3].title`) or text position (`line 4, column 7`).
    pub place: String,
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.reason)
    }
}

/// Why a plan file was rejected. Display prints one line per problem, each prefixed with the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ImportError {
    pub file: String,
    pub problems: Vec<Problem>,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}: {problem}", self.file)?;
        }
        Ok(())
    }
}

/// Parses and validates a plan file. `file` names it in errors.
pub fn parse_plan_file(file: &str, bytes: &[u8]) -> Result<PlanFile, ImportError> {
    let fail = |problems| ImportError {
        file: file.to_owned(),
        problems,
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_column(&bytes[..e.valid_up_to()]);
        fail(vec![Problem {
            place: format!("line {line}, column {column} (byte {})", e.valid_up_to()),
            // error_len() is None when the bytes end inside a character: the file was cut off.
            reason: if e.error_len().is_none() {
                "truncated file: it ends in the middle of a UTF-8 character".into()
            } else {
                "invalid UTF-8: the file must be encoded in UTF-8".into()
            },
        }])
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let parsed: PlanFile = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let reason = if inner.is_eof() {
            format!("truncated file: {inner}")
        } else {
            inner.to_string()
        };
        let place = if path == "." {
            "document".to_owned()
        } else {
            path
        };
        fail(vec![Problem { place, reason }])
    })?;
    deserializer.end().map_err(|e| {
        fail(vec![Problem {
            place: "document".into(),
            reason: format!("trailing content: {e}"),
        }])
    })?;
    let problems = validate(&parsed);
    if problems.is_empty() {
        Ok(parsed)
    } else {
        Err(fail(problems))
    }
}

fn line_column(prefix: &[u8]) -> (usize, usize) {
    let line = prefix.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = prefix
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&prefix[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Checks everything the type system does not: IDs, references, ranges, table shapes.
pub fn validate(file: &PlanFile) -> Vec<Problem> {
    let mut v = Validator::default();
    v.run(file);
    v.problems
}

pub use crate::limits::is_valid_id;

const MIN_YEAR: i32 = 1989;
const MAX_YEAR: i32 = 2100;

#[derive(Default)]
struct Validator {
    problems: Vec<Problem>,
    /// ID namespace → id → first place it was declared.
    ids: HashMap<&'static str, HashMap<String, String>>,
}

impl Validator {
    fn problem(&mut self, place: impl Into<String>, reason: impl Into<String>) {
        self.problems.push(Problem {
            place: place.into(),
            reason: reason.into(),
        });
    }

    fn id(&mut self, namespace: &'static str, id: &str, place: String) {
        if !is_valid_id(id) {
            self.problem(
                &place,
                format!("invalid id {id:?}: use 1–64 characters of a-z, 0-9 and '-', starting with a letter or digit"),
            );
        }
        let seen = self.ids.entry(namespace).or_default();
        if let Some(first) = seen.get(id) {
            let reason = format!("duplicate {namespace} id {id:?} (first declared at {first})");
            self.problem(place, reason);
        } else {
            seen.insert(id.to_owned(), place);
        }
    }

    /// A required text of `kind`: not blank, within its length, no stray control characters.
    fn required(&mut self, place: String, kind: TextKind, value: &str) {
        if let Err(problem) = check_required(kind, value) {
            self.problem(place, problem.to_string());
        }
    }

    /// An optional text of `kind`.
    fn text(&mut self, place: String, kind: TextKind, value: Option<&str>) {
        if let Some(Err(problem)) = value.map(|v| check_text(kind, v)) {
            self.problem(place, problem.to_string());
        }
    }

    /// Optional texts of the object at `place`: each field's name, kind and value.
    fn optional(&mut self, place: &str, fields: &[(&str, TextKind, &Option<String>)]) {
        for (field, kind, value) in fields {
            self.text(format!("{place}.{field}"), *kind, value.as_deref());
        }
    }

    /// The English given in the `en` object at `place`: each text as required as the
    /// Japanese field it stands for (not blank, within the same length).
    fn english(&mut self, place: &str, fields: &[(&str, TextKind, &Option<String>)]) {
        for (field, kind, value) in fields {
            if let Some(value) = value {
                self.required(format!("{place}.en.{field}"), *kind, value);
            }
        }
    }

    /// Every text of a list, each of `kind`.
    fn texts(&mut self, place: &str, kind: TextKind, values: &[String]) {
        for (i, value) in values.iter().enumerate() {
            self.text(format!("{place}[{i}]"), kind, Some(value));
        }
    }

    fn year(&mut self, place: String, year: i32) {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            self.problem(
                place,
                format!("year {year} is outside {MIN_YEAR}–{MAX_YEAR}"),
            );
        }
    }

    fn run(&mut self, file: &PlanFile) {
        if file.format != FORMAT_TAG {
            self.problem(
                "format",
                format!(
                    "unsupported format {:?}, expected {FORMAT_TAG:?}",
                    file.format
                ),
            );
        }
        let org = &file.organization;
        self.id("organization", &org.id, "organization.id".into());
        self.required("organization.name".into(), Name, &org.name);
        self.required("organization.prefecture".into(), Name, &org.prefecture);
        if let Some(code) = &org.code {
            if !crate::format::is_local_government_code(code) {
                let reason = "must be a 全国地方公共団体コード: six digits ending in the check digit (202151)";
                self.problem("organization.code".to_owned(), reason);
            }
        }
        if let Some(licence) = &org.licence {
            self.required("organization.licence.name".into(), Name, &licence.name);
            if !licence.url.starts_with("https://") && !licence.url.starts_with("http://") {
                self.problem(
                    "organization.licence.url".to_owned(),
                    "must be an http(s) address",
                );
            }
        }
        let mut departments = HashSet::new();
        for (i, dept) in org.departments.iter().enumerate() {
            let place = format!("organization.departments[{i}].name");
            self.required(place.clone(), Name, &dept.name);
            self.optional(
                &format!("organization.departments[{i}]"),
                &[("note", Short, &dept.note)],
            );
            if !departments.insert(dept.name.as_str()) {
                self.problem(place, format!("duplicate department {:?}", dept.name));
            }
        }
        self.department_english(&org.departments);

        let plan = &file.plan;
        self.id("plan", &plan.id, "plan.id".into());
        self.required("plan.title".into(), Short, &plan.title);
        self.optional(
            "plan",
            &[
                ("subtitle", Short, &plan.subtitle),
                ("source", Short, &plan.source),
            ],
        );
        if let Some(en) = &plan.en {
            self.english(
                "plan",
                &[
                    ("title", Short, &en.title),
                    ("subtitle", Short, &en.subtitle),
                ],
            );
        }
        if let Some(positioning) = &plan.positioning {
            let place = "plan.positioning";
            self.optional(
                place,
                &[
                    ("text", Text, &positioning.text),
                    ("general_plan", Short, &positioning.general_plan),
                ],
            );
            self.texts(
                &format!("{place}.related_plans"),
                Short,
                &positioning.related_plans,
            );
            self.texts(
                &format!("{place}.legal_basis"),
                Short,
                &positioning.legal_basis,
            );
        }
        if let Some(adopted) = &plan.adopted {
            if !is_partial_date(adopted) {
                self.problem(
                    "plan.adopted",
                    format!("{adopted:?} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"),
                );
            }
        }
        if let Some(period) = &plan.period {
            self.year(
                "plan.period.start_fiscal_year".into(),
                period.start_fiscal_year.0,
            );
            self.year(
                "plan.period.end_fiscal_year".into(),
                period.end_fiscal_year.0,
            );
            self.optional("plan.period", &[("text", Short, &period.text)]);
            if period.end_fiscal_year < period.start_fiscal_year {
                self.problem(
                    "plan.period.end_fiscal_year",
                    "ends before the period starts",
                );
            }
        }
        self.chapters("plan.chapters", &plan.chapters);

        for (i, measure) in plan.measures.iter().enumerate() {
            self.measure(
                &format!("plan.measures[{i}]"),
                measure,
                &departments,
                plan.period.as_ref(),
            );
        }
        let measure_ids: HashSet<&str> = plan.measures.iter().map(|m| m.id.as_str()).collect();
        self.nodes("plan.structure", &plan.structure, &measure_ids);

        for (i, milestone) in plan.milestones.iter().enumerate() {
            self.year(
                format!("plan.milestones[{i}].fiscal_year"),
                milestone.fiscal_year.0,
            );
            let place = format!("plan.milestones[{i}]");
            self.required(format!("{place}.text"), Short, &milestone.text);
            self.optional(
                &place,
                &[
                    ("group", Short, &milestone.group),
                    ("note", Short, &milestone.note),
                ],
            );
            if let Some(en) = &milestone.en {
                self.english(
                    &place,
                    &[
                        ("text", Short, &en.text),
                        ("group", Short, &en.group),
                        ("note", Short, &en.note),
                    ],
                );
            }
        }
        let mut terms = HashSet::new();
        for (i, term) in plan.glossary.iter().enumerate() {
            let place = format!("plan.glossary[{i}]");
            self.id("glossary term", &term.id, format!("{place}.id"));
            self.required(format!("{place}.term"), Short, &term.term);
            self.texts(&format!("{place}.aliases"), Short, &term.aliases);
            self.optional(&place, &[("index", Short, &term.index)]);
            self.required(format!("{place}.definition"), Text, &term.definition);
            if let Some(en) = &term.en {
                self.english(&place, &[("definition", Text, &en.definition)]);
            }
            if !terms.insert(term.term.as_str()) {
                self.problem(
                    format!("{place}.term"),
                    format!("duplicate glossary term {:?}", term.term),
                );
            }
        }
    }

    /// Each department's English, and that its English name names no other department: the
    /// roadmap's filter takes a department by either of its names.
    fn department_english(&mut self, departments: &[Department]) {
        let mut english_names: HashMap<&str, &str> = HashMap::new();
        for (i, dept) in departments.iter().enumerate() {
            let Some(en) = &dept.en else { continue };
            let place = format!("organization.departments[{i}]");
            self.english(
                &place,
                &[("name", Name, &en.name), ("note", Short, &en.note)],
            );
            let Some(name) = en.name.as_deref() else {
                continue;
            };
            let place = format!("{place}.en.name");
            if let Some(first) = english_names.insert(name, &dept.name) {
                let reason = format!(
                    "duplicate English department name {name:?} (also given for {first:?})"
                );
                self.problem(place, reason);
            } else if name != dept.name && departments.iter().any(|d| d.name == name) {
                let reason = format!(
                    "{name:?} is another department's name, so it cannot be this one's English name"
                );
                self.problem(place, reason);
            }
        }
    }

    fn chapters(&mut self, place: &str, chapters: &[Chapter]) {
        for (i, chapter) in chapters.iter().enumerate() {
            let place = format!("{place}[{i}]");
            self.id("chapter", &chapter.id, format!("{place}.id"));
            self.required(format!("{place}.title"), Short, &chapter.title);
            self.optional(
                &place,
                &[
                    ("number", Short, &chapter.number),
                    ("body", Text, &chapter.body),
                ],
            );
            if let Some(en) = &chapter.en {
                self.english(
                    &place,
                    &[("title", Short, &en.title), ("body", Text, &en.body)],
                );
            }
            for (j, list) in chapter.lists.iter().enumerate() {
                let place = format!("{place}.lists[{j}]");
                self.id("list or table", &list.id, format!("{place}.id"));
                self.text(format!("{place}.title"), Short, Some(&list.title));
                if list.items.is_empty() {
                    self.problem(format!("{place}.items"), "a list needs at least one item");
                }
                for (k, item) in list.items.iter().enumerate() {
                    let place = format!("{place}.items[{k}]");
                    self.required(format!("{place}.text"), Short, &item.text);
                    self.optional(
                        &place,
                        &[
                            ("number", Short, &item.number),
                            ("group", Short, &item.group),
                        ],
                    );
                }
            }
            for (j, table) in chapter.tables.iter().enumerate() {
                let place = format!("{place}.tables[{j}]");
                self.id("list or table", &table.id, format!("{place}.id"));
                self.text(format!("{place}.title"), Short, Some(&table.title));
                self.optional(&place, &[("caption", Short, &table.caption)]);
                self.texts(&format!("{place}.header"), Short, &table.header);
                if table.header.is_empty() {
                    self.problem(
                        format!("{place}.header"),
                        "a table needs at least one column",
                    );
                }
                for (k, row) in table.rows.iter().enumerate() {
                    self.texts(&format!("{place}.rows[{k}]"), Short, row);
                    if row.len() != table.header.len() {
                        let reason = format!(
                            "row has {} cells but the header has {}",
                            row.len(),
                            table.header.len()
                        );
                        self.problem(format!("{place}.rows[{k}]"), reason);
                    }
                }
            }
            self.chapters(&format!("{place}.sections"), &chapter.sections);
        }
    }

    fn nodes(&mut self, place: &str, nodes: &[Node], measures: &HashSet<&str>) {
        for (i, node) in nodes.iter().enumerate() {
            let place = format!("{place}[{i}]");
            self.id("structure node", &node.id, format!("{place}.id"));
            self.required(format!("{place}.title"), Short, &node.title);
            let kind = |field| node_field_kind(field).expect("a node text field");
            self.optional(
                &place,
                &[
                    ("label", kind("label"), &node.label),
                    ("number", kind("number"), &node.number),
                    ("description", kind("description"), &node.description),
                ],
            );
            if let Some(en) = &node.en {
                self.english(
                    &place,
                    &[
                        ("title", Short, &en.title),
                        ("description", kind("description"), &en.description),
                    ],
                );
            }
            let mut placed = HashSet::new();
            for (j, measure) in node.measures.iter().enumerate() {
                if !measures.contains(measure.as_str()) {
                    self.problem(
                        format!("{place}.measures[{j}]"),
                        format!("unknown measure {measure:?}"),
                    );
                } else if !placed.insert(measure.as_str()) {
                    self.problem(
                        format!("{place}.measures[{j}]"),
                        format!("measure {measure:?} is placed twice under this node"),
                    );
                }
            }
            self.nodes(&format!("{place}.children"), &node.children, measures);
        }
    }

    fn measure(
        &mut self,
        place: &str,
        measure: &Measure,
        departments: &HashSet<&str>,
        period: Option<&Period>,
    ) {
        self.id("measure or action", &measure.id, format!("{place}.id"));
        self.required(format!("{place}.title"), Short, &measure.title);
        // The kinds the API's edits of these fields apply too.
        let kind = |field| measure_field_kind(field).expect("a measure text field");
        self.optional(
            place,
            &[
                ("summary", kind("summary"), &measure.summary),
                ("outcome", kind("outcome"), &measure.outcome),
                ("target_state", kind("target_state"), &measure.target_state),
                (
                    "current_issues",
                    kind("current_issues"),
                    &measure.current_issues,
                ),
                ("direction", kind("direction"), &measure.direction),
                ("content", kind("content"), &measure.content),
                ("number", Short, &measure.number),
                ("departments_note", Short, &measure.departments_note),
            ],
        );
        if let Some(en) = &measure.en {
            self.english(
                place,
                &[
                    ("title", Short, &en.title),
                    ("summary", kind("summary"), &en.summary),
                    ("outcome", kind("outcome"), &en.outcome),
                    ("target_state", kind("target_state"), &en.target_state),
                    ("current_issues", kind("current_issues"), &en.current_issues),
                    ("direction", kind("direction"), &en.direction),
                    ("content", kind("content"), &en.content),
                    ("departments_note", Short, &en.departments_note),
                ],
            );
        }
        self.texts(
            &format!("{place}.general_plan_refs"),
            Short,
            &measure.general_plan_refs,
        );
        for (field, names) in [
            ("lead_departments", &measure.lead_departments),
            ("related_departments", &measure.related_departments),
        ] {
            for (j, name) in names.iter().enumerate() {
                if !departments.contains(name.as_str()) {
                    let reason =
                        format!("unknown department {name:?}: list it in organization.departments");
                    self.problem(format!("{place}.{field}[{j}]"), reason);
                }
            }
        }
        for (j, kpi) in measure.kpis.iter().enumerate() {
            let place = format!("{place}.kpis[{j}]");
            self.required(format!("{place}.label"), Short, &kpi.label);
            self.required(format!("{place}.text"), Short, &kpi.text);
            self.optional(
                &place,
                &[("source", Short, &kpi.source), ("unit", Short, &kpi.unit)],
            );
            if let Some(en) = &kpi.en {
                self.english(
                    &place,
                    &[("label", Short, &en.label), ("text", Short, &en.text)],
                );
            }
            for (name, point) in [("baseline", &kpi.baseline), ("target", &kpi.target)] {
                if let Some(point) = point {
                    self.optional(&format!("{place}.{name}"), &[("note", Short, &point.note)]);
                    if !point.value.is_finite() {
                        self.problem(format!("{place}.{name}.value"), "must be a finite number");
                    }
                    if let Some(year) = point.year {
                        self.year(format!("{place}.{name}.year"), year);
                    }
                    if point.relative && name == "baseline" {
                        let reason = "only a target can be relative (a change from the baseline)";
                        self.problem(format!("{place}.{name}.relative"), reason);
                    }
                    if point.relative && name == "target" && kpi.baseline.is_none() {
                        let reason = "a relative target needs a baseline to be a change from";
                        self.problem(format!("{place}.{name}.relative"), reason);
                    }
                }
            }
        }
        self.schedule(&format!("{place}.schedule"), &measure.schedule, period);
        for (j, action) in measure.actions.iter().enumerate() {
            let place = format!("{place}.actions[{j}]");
            self.id("measure or action", &action.id, format!("{place}.id"));
            self.required(format!("{place}.title"), Short, &action.title);
            self.optional(
                &place,
                &[
                    ("number", Short, &action.number),
                    ("group", Short, &action.group),
                    ("group_description", Text, &action.group_description),
                ],
            );
            if let Some(en) = &action.en {
                self.english(
                    &place,
                    &[
                        ("title", Short, &en.title),
                        ("group", Short, &en.group),
                        ("group_description", Text, &en.group_description),
                    ],
                );
            }
            self.schedule(&format!("{place}.schedule"), &action.schedule, period);
        }
    }

    fn schedule(&mut self, place: &str, cells: &[ScheduleCell], period: Option<&Period>) {
        let mut years = HashSet::new();
        for (i, cell) in cells.iter().enumerate() {
            let place = format!("{place}[{i}]");
            let year = cell.fiscal_year;
            self.required(format!("{place}.text"), Short, &cell.text);
            if let Some(en) = &cell.en {
                self.english(&place, &[("text", Short, &en.text)]);
            }
            if !years.insert(year) {
                self.problem(
                    format!("{place}.fiscal_year"),
                    format!("{} appears twice in this row", FiscalYear::label(year)),
                );
            }
            match period {
                Some(p) if !p.contains(year) => self.problem(
                    format!("{place}.fiscal_year"),
                    format!("{} is outside the plan period {}", year.label(), p.label()),
                ),
                _ => self.year(format!("{place}.fiscal_year"), year.0),
            }
            if let Some(through) = cell.through {
                let place = format!("{place}.through");
                if through <= year {
                    self.problem(place, "must be a later fiscal year than fiscal_year");
                } else if period.is_some_and(|p| !p.contains(through)) {
                    self.problem(place, "is outside the plan period");
                } else if let Some(other) = cells
                    .iter()
                    .find(|c| c.fiscal_year > year && c.fiscal_year <= through)
                {
                    let reason = format!("{} has a cell of its own", other.fiscal_year.label());
                    self.problem(place, reason);
                }
            }
        }
    }
}

fn is_partial_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let in_range =
        |s: &str, lo: u32, hi: u32| s.parse::<u32>().is_ok_and(|v| (lo..=hi).contains(&v));
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2) && in_range(m, 1, 12),
        [y, m, d] => {
            digits(y, 4) && digits(m, 2) && in_range(m, 1, 12) && digits(d, 2) && in_range(d, 1, 31)
        }
        _ => false,
    }
}
