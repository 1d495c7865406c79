//! Reading a plan file: bytes → validated [`PlanFile`], or every problem found, each with the
//! place in the document and the reason. Nothing partial ever comes out of here.

use std::collections::{HashMap, HashSet};
use std::fmt;

use crate::fiscal::FiscalYear;
use crate::format::*;

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

pub fn is_valid_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 64
        && (bytes[0].is_ascii_lowercase() || bytes[0].is_ascii_digit())
        && bytes
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

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

    fn non_empty(&mut self, place: String, value: &str) {
        if value.trim().is_empty() {
            self.problem(place, "must not be empty");
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
        self.non_empty("organization.name".into(), &org.name);
        self.non_empty("organization.prefecture".into(), &org.prefecture);
        let mut departments = HashSet::new();
        for (i, dept) in org.departments.iter().enumerate() {
            let place = format!("organization.departments[{i}].name");
            self.non_empty(place.clone(), &dept.name);
            if !departments.insert(dept.name.as_str()) {
                self.problem(place, format!("duplicate department {:?}", dept.name));
            }
        }

        let plan = &file.plan;
        self.id("plan", &plan.id, "plan.id".into());
        self.non_empty("plan.title".into(), &plan.title);
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
            self.non_empty(format!("plan.milestones[{i}].text"), &milestone.text);
        }
        let mut terms = HashSet::new();
        for (i, term) in plan.glossary.iter().enumerate() {
            let place = format!("plan.glossary[{i}]");
            self.id("glossary term", &term.id, format!("{place}.id"));
            self.non_empty(format!("{place}.term"), &term.term);
            self.non_empty(format!("{place}.definition"), &term.definition);
            if !terms.insert(term.term.as_str()) {
                self.problem(
                    format!("{place}.term"),
                    format!("duplicate glossary term {:?}", term.term),
                );
            }
        }
    }

    fn chapters(&mut self, place: &str, chapters: &[Chapter]) {
        for (i, chapter) in chapters.iter().enumerate() {
            let place = format!("{place}[{i}]");
            self.id("chapter", &chapter.id, format!("{place}.id"));
            self.non_empty(format!("{place}.title"), &chapter.title);
            for (j, list) in chapter.lists.iter().enumerate() {
                let place = format!("{place}.lists[{j}]");
                self.id("list or table", &list.id, format!("{place}.id"));
                if list.items.is_empty() {
                    self.problem(format!("{place}.items"), "a list needs at least one item");
                }
                for (k, item) in list.items.iter().enumerate() {
                    self.non_empty(format!("{place}.items[{k}].text"), &item.text);
                }
            }
            for (j, table) in chapter.tables.iter().enumerate() {
                let place = format!("{place}.tables[{j}]");
                self.id("list or table", &table.id, format!("{place}.id"));
                if table.header.is_empty() {
                    self.problem(
                        format!("{place}.header"),
                        "a table needs at least one column",
                    );
                }
                for (k, row) in table.rows.iter().enumerate() {
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
            self.non_empty(format!("{place}.title"), &node.title);
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
        self.non_empty(format!("{place}.title"), &measure.title);
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
            self.non_empty(format!("{place}.label"), &kpi.label);
            self.non_empty(format!("{place}.text"), &kpi.text);
            for (name, point) in [("baseline", &kpi.baseline), ("target", &kpi.target)] {
                if let Some(point) = point {
                    if !point.value.is_finite() {
                        self.problem(format!("{place}.{name}.value"), "must be a finite number");
                    }
                    if let Some(year) = point.year {
                        self.year(format!("{place}.{name}.year"), year);
                    }
                }
            }
        }
        self.schedule(&format!("{place}.schedule"), &measure.schedule, period);
        for (j, action) in measure.actions.iter().enumerate() {
            let place = format!("{place}.actions[{j}]");
            self.id("measure or action", &action.id, format!("{place}.id"));
            self.non_empty(format!("{place}.title"), &action.title);
            self.schedule(&format!("{place}.schedule"), &action.schedule, period);
        }
    }

    fn schedule(&mut self, place: &str, cells: &[ScheduleCell], period: Option<&Period>) {
        let mut years = HashSet::new();
        for (i, cell) in cells.iter().enumerate() {
            let place = format!("{place}[{i}]");
            let year = cell.fiscal_year;
            self.non_empty(format!("{place}.text"), &cell.text);
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
