//! The roadmap (工程表): fiscal years as columns, measures and their action items as rows,
//! grouped by where each measure is first placed in the plan's structure.

use serde::{Deserialize, Serialize};

use crate::fiscal::FiscalYear;
use crate::format::*;
use crate::lang::Lang;
use crate::stage::Stage;
use crate::views::{placements, NodeCrumb, PlanSummary};

/// What the reader narrowed the roadmap to. Unknown values are reported, not ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoadmapFilter {
    /// A structure node: only measures placed under it or its descendants.
    pub node: Option<String>,
    /// A department name: only measures it leads or takes part in.
    pub department: Option<String>,
    /// Only this year's column, and only rows with a plan for it.
    pub fiscal_year: Option<FiscalYear>,
}

impl RoadmapFilter {
    /// Reads the filter from query-string values; an empty value means "all". A year that
    /// cannot be read is reported as `(field, message)` and ignored.
    pub fn parse(
        node: Option<&str>,
        department: Option<&str>,
        year: Option<&str>,
    ) -> (RoadmapFilter, Vec<FilterError>) {
        let present = |v: Option<&str>| {
            v.map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let mut errors = Vec::new();
        let fiscal_year = present(year).and_then(|y| {
            let parsed = FiscalYear::parse(&y);
            if parsed.is_none() {
                errors.push(FilterError::UnreadableYear(y.clone()));
            }
            parsed
        });
        (
            RoadmapFilter {
                node: present(node),
                department: present(department),
                fiscal_year,
            },
            errors,
        )
    }

    pub fn is_empty(&self) -> bool {
        self.node.is_none() && self.department.is_none() && self.fiscal_year.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoadmapCell {
    pub text: String,
    pub stage: Option<Stage>,
    /// The work of an earlier year's cell, continuing (an arrow in the printed roadmap).
    #[serde(default)]
    pub continued: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowKind {
    Measure,
    Action,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoadmapRow {
    pub kind: RowKind,
    pub measure_id: String,
    /// Set on action rows.
    pub action_id: Option<String>,
    pub number: Option<String>,
    pub title: String,
    pub lead_departments: Vec<String>,
    /// One entry per column of [`RoadmapView::years`].
    pub cells: Vec<Option<RoadmapCell>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoadmapSection {
    /// Path to the node the measures were first placed under; empty for unplaced measures.
    pub trail: Vec<NodeCrumb>,
    pub rows: Vec<RoadmapRow>,
}

/// A filter value the roadmap could not apply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FilterError {
    UnreadableYear(String),
    UnknownNode(String),
    UnknownDepartment(String),
    YearNotInPlan(FiscalYear),
}

impl FilterError {
    /// The query-string field the value came from.
    pub fn field(&self) -> &'static str {
        match self {
            FilterError::UnreadableYear(_) | FilterError::YearNotInPlan(_) => "year",
            FilterError::UnknownNode(_) => "node",
            FilterError::UnknownDepartment(_) => "department",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (FilterError::UnreadableYear(y), Lang::Ja) => {
                format!("年度「{y}」を読み取れません。2022 や 令和4年度 の形で指定してください。")
            }
            (FilterError::UnreadableYear(y), Lang::En) => {
                format!("The fiscal year “{y}” cannot be read. Give it as 2022 or 令和4年度.")
            }
            (FilterError::UnknownNode(node), Lang::Ja) => {
                format!("「{node}」という区分はこの計画にありません。")
            }
            (FilterError::UnknownNode(node), Lang::En) => {
                format!("This plan has no part “{node}”.")
            }
            (FilterError::UnknownDepartment(dept), Lang::Ja) => {
                format!("「{dept}」はこの計画の担当課・関係課にありません。")
            }
            (FilterError::UnknownDepartment(dept), Lang::En) => {
                format!("“{dept}” is not a department of this plan.")
            }
            (FilterError::YearNotInPlan(year), Lang::Ja) => {
                format!("{}はこの計画の工程表にありません。", year.label())
            }
            (FilterError::YearNotInPlan(year), Lang::En) => {
                format!("{} is not in this plan's roadmap.", year.label_in(lang))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilterOption {
    pub value: String,
    pub label: String,
    pub depth: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoadmapView {
    pub summary: PlanSummary,
    pub filter: RoadmapFilter,
    /// Filter values that matched nothing in this plan, with the field they came from.
    pub filter_errors: Vec<FilterError>,
    pub years: Vec<FiscalYear>,
    /// All years of the plan, for the year selector.
    pub all_years: Vec<FiscalYear>,
    pub sections: Vec<RoadmapSection>,
    pub node_options: Vec<FilterOption>,
    pub department_options: Vec<String>,
    /// Rows before filtering, to say "n of m".
    pub total_measures: usize,
    pub shown_measures: usize,
}

impl RoadmapView {
    /// The view for the query-string values of a roadmap address (see [`RoadmapFilter::parse`]):
    /// values that cannot be read are reported first, then those that name nothing in the plan.
    /// The server, the app offline and the service worker's first view all build it this way.
    pub fn for_query(
        organization: &Organization,
        plan: &Plan,
        lang: Lang,
        node: Option<&str>,
        department: Option<&str>,
        year: Option<&str>,
    ) -> RoadmapView {
        let (filter, mut errors) = RoadmapFilter::parse(node, department, year);
        let mut view = RoadmapView::of(organization, plan, lang, filter);
        errors.append(&mut view.filter_errors);
        view.filter_errors = errors;
        view
    }

    /// The roadmap of `plan` as a page in `lang` shows it ([`Plan::in_language`] of it), so
    /// its department options are named in `lang` where the organization gives the English; a
    /// department asked for by its name in the other language is the same department.
    pub fn of(
        organization: &Organization,
        plan: &Plan,
        lang: Lang,
        requested: RoadmapFilter,
    ) -> RoadmapView {
        let all_years = plan.roadmap_years();
        let node_options = node_options(&plan.structure);
        let mut department_options: Vec<String> = Vec::new();
        for measure in &plan.measures {
            for name in measure
                .lead_departments
                .iter()
                .chain(&measure.related_departments)
            {
                if !department_options.contains(name) {
                    department_options.push(name.clone());
                }
            }
        }

        // Drop filter values that name nothing, and say so.
        let mut filter = requested;
        let mut filter_errors = Vec::new();
        if let Some(node) = &filter.node {
            if !node_options.iter().any(|o| &o.value == node) {
                filter_errors.push(FilterError::UnknownNode(node.clone()));
                filter.node = None;
            }
        }
        if let Some(dept) = filter.department.take() {
            filter.department = department_option(organization, &department_options, &dept);
            if filter.department.is_none() {
                filter_errors.push(FilterError::UnknownDepartment(dept));
            }
        }
        if let Some(year) = filter.fiscal_year {
            if !all_years.contains(&year) {
                filter_errors.push(FilterError::YearNotInPlan(year));
                filter.fiscal_year = None;
            }
        }

        let years: Vec<FiscalYear> = match filter.fiscal_year {
            Some(year) => vec![year],
            None => all_years.clone(),
        };
        let in_node: Option<Vec<String>> = filter
            .node
            .as_ref()
            .map(|id| measures_under(&plan.structure, id));

        let mut sections: Vec<RoadmapSection> = Vec::new();
        let mut shown = 0;
        for measure in &plan.measures {
            if in_node
                .as_ref()
                .is_some_and(|ids| !ids.contains(&measure.id))
            {
                continue;
            }
            if let Some(dept) = &filter.department {
                if !measure.lead_departments.contains(dept)
                    && !measure.related_departments.contains(dept)
                {
                    continue;
                }
            }
            let rows = measure_rows(measure, &years, filter.fiscal_year.is_some(), lang);
            if rows.is_empty() {
                continue;
            }
            shown += 1;
            let trail = placements(plan, &measure.id)
                .into_iter()
                .next()
                .unwrap_or_default();
            match sections.last_mut() {
                Some(section) if section.trail == trail => section.rows.extend(rows),
                _ => sections.push(RoadmapSection { trail, rows }),
            }
        }

        RoadmapView {
            summary: PlanSummary::of(organization, plan),
            filter,
            filter_errors,
            years,
            all_years,
            sections,
            node_options,
            department_options,
            total_measures: plan.measures.len(),
            shown_measures: shown,
        }
    }
}

/// The filter option naming the department `name` names: the option itself, or the
/// department's name in the page's language when `name` is its name in the other (a link
/// shared from a page in that language, or the language switch, which keeps the query).
fn department_option(
    organization: &Organization,
    options: &[String],
    name: &str,
) -> Option<String> {
    if options.iter().any(|o| o == name) {
        return Some(name.to_owned());
    }
    let department = organization.department_named(name)?;
    let english = department.en.as_ref().and_then(|en| en.name.as_ref());
    std::iter::once(&department.name)
        .chain(english)
        .find(|n| options.contains(n))
        .cloned()
}

/// One roadmap row's cells: the planned text for each of `years` in `lang` where the plan
/// gives it, with the stage its Japanese names.
pub fn row_cells(
    schedule: &[ScheduleCell],
    years: &[FiscalYear],
    lang: Lang,
) -> Vec<Option<RoadmapCell>> {
    years
        .iter()
        .map(|y| {
            crate::format::planned_for(schedule, *y).map(|(c, continued)| RoadmapCell {
                text: c.text_in(lang).to_owned(),
                stage: c.stage(),
                continued,
            })
        })
        .collect()
}

/// The measure's row and its actions' rows. With a year filter, rows without a plan for that
/// year are dropped, and the measure row is kept only as a heading for matching actions.
fn measure_rows(
    measure: &Measure,
    years: &[FiscalYear],
    year_filter: bool,
    lang: Lang,
) -> Vec<RoadmapRow> {
    let cells = |schedule: &[ScheduleCell]| row_cells(schedule, years, lang);
    let has_any = |row: &RoadmapRow| row.cells.iter().any(Option::is_some);
    let head = RoadmapRow {
        kind: RowKind::Measure,
        measure_id: measure.id.clone(),
        action_id: None,
        number: measure.number.clone(),
        title: measure.title.clone(),
        lead_departments: measure.lead_departments.clone(),
        cells: cells(&measure.schedule),
    };
    let actions: Vec<RoadmapRow> = measure
        .actions
        .iter()
        .map(|a| RoadmapRow {
            kind: RowKind::Action,
            measure_id: measure.id.clone(),
            action_id: Some(a.id.clone()),
            number: a.number.clone(),
            title: a.title.clone(),
            lead_departments: Vec::new(),
            cells: cells(&a.schedule),
        })
        .filter(|row| !year_filter || has_any(row))
        .collect();
    if year_filter && actions.is_empty() && !has_any(&head) {
        return Vec::new();
    }
    std::iter::once(head).chain(actions).collect()
}

fn node_options(nodes: &[Node]) -> Vec<FilterOption> {
    fn walk(node: &Node, depth: usize, out: &mut Vec<FilterOption>) {
        let has_measures = node.walk().iter().any(|n| !n.measures.is_empty());
        if has_measures {
            let number = node
                .number
                .as_deref()
                .map(|n| format!("{n} "))
                .unwrap_or_default();
            out.push(FilterOption {
                value: node.id.clone(),
                label: format!("{}：{number}{}", node.display_label(), node.title),
                depth,
            });
        }
        for child in &node.children {
            walk(child, depth + 1, out);
        }
    }
    let mut out = Vec::new();
    for node in nodes {
        walk(node, 0, &mut out);
    }
    out
}

fn measures_under(nodes: &[Node], id: &str) -> Vec<String> {
    walk_nodes(nodes)
        .into_iter()
        .find(|n| n.id == id)
        .map(|n| {
            n.walk()
                .into_iter()
                .flat_map(|d| d.measures.iter().cloned())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn komagane() -> PlanFile {
        serde_json::from_str(include_str!("../../samples/plans/komagane.json")).unwrap()
    }

    #[test]
    fn a_query_reports_unreadable_values_before_values_the_plan_lacks() {
        let file = komagane();
        let view = RoadmapView::for_query(
            &file.organization,
            &file.plan,
            Lang::Ja,
            None,
            Some("存在しない課"),
            Some("あ"),
        );
        let fields: Vec<&str> = view.filter_errors.iter().map(FilterError::field).collect();
        assert_eq!(fields, ["year", "department"]);
        assert!(view.filter.is_empty(), "neither value filters");
        assert_eq!(view.years, view.all_years);
        assert_eq!(view.shown_measures, view.total_measures);
    }

    #[test]
    fn a_query_filters_like_the_filter_it_parses() {
        let file = komagane();
        let view = RoadmapView::for_query(
            &file.organization,
            &file.plan,
            Lang::Ja,
            Some(""),
            None,
            Some("2025"),
        );
        assert!(view.filter_errors.is_empty());
        assert_eq!(view.years, [FiscalYear(2025)]);
        let (filter, _) = RoadmapFilter::parse(None, None, Some("2025"));
        assert_eq!(
            view,
            RoadmapView::of(&file.organization, &file.plan, Lang::Ja, filter)
        );
    }

    /// Komagane with an English name for 地域保健課 (whatever the sample file gives).
    fn with_english_department() -> PlanFile {
        let mut file = komagane();
        for department in &mut file.organization.departments {
            department.en =
                (department.name == "地域保健課").then(|| crate::english::DepartmentEn {
                    name: Some("Community Health Division".into()),
                    note: None,
                });
        }
        file
    }

    fn roadmap_in(file: &PlanFile, lang: Lang, department: &str) -> RoadmapView {
        let plan = file.plan.in_language(&file.organization, lang);
        RoadmapView::for_query(
            &file.organization,
            &plan,
            lang,
            None,
            Some(department),
            None,
        )
    }

    #[test]
    fn an_english_roadmap_offers_departments_by_their_english_names_where_given() {
        let file = with_english_department();
        let english = roadmap_in(&file, Lang::En, "");
        assert!(english
            .department_options
            .contains(&"Community Health Division".to_owned()));
        assert!(!english
            .department_options
            .contains(&"地域保健課".to_owned()));
        assert!(
            english
                .department_options
                .contains(&"企画振興課".to_owned()),
            "a department without English keeps its name"
        );
        let japanese = roadmap_in(&file, Lang::Ja, "");
        assert!(japanese
            .department_options
            .contains(&"地域保健課".to_owned()));
    }

    #[test]
    fn a_department_asked_for_by_its_name_in_the_other_language_is_still_chosen() {
        let file = with_english_department();
        let shown = |view: &RoadmapView| -> Vec<String> {
            view.sections
                .iter()
                .flat_map(|s| &s.rows)
                .filter(|r| r.kind == RowKind::Measure)
                .map(|r| r.measure_id.clone())
                .collect()
        };
        let theirs: Vec<String> = file
            .plan
            .measures
            .iter()
            .filter(|m| {
                m.lead_departments
                    .iter()
                    .chain(&m.related_departments)
                    .any(|d| d == "地域保健課")
            })
            .map(|m| m.id.clone())
            .collect();
        assert!(theirs.contains(&"regional-06".to_owned()));
        // A link from the Japanese page, opened in English.
        let english = roadmap_in(&file, Lang::En, "地域保健課");
        assert!(
            english.filter_errors.is_empty(),
            "{:?}",
            english.filter_errors
        );
        assert_eq!(
            english.filter.department.as_deref(),
            Some("Community Health Division")
        );
        assert_eq!(shown(&english), theirs);
        // And the other way round, with the same measures.
        let japanese = roadmap_in(&file, Lang::Ja, "Community Health Division");
        assert!(japanese.filter_errors.is_empty());
        assert_eq!(japanese.filter.department.as_deref(), Some("地域保健課"));
        assert_eq!(shown(&japanese), theirs);
        // A name of neither language is still refused.
        let unknown = roadmap_in(&file, Lang::En, "Community Health");
        assert_eq!(
            unknown.filter_errors,
            [FilterError::UnknownDepartment("Community Health".into())]
        );
        assert_eq!(unknown.shown_measures, unknown.total_measures);
    }

    #[test]
    fn roadmap_cells_read_in_english_where_given_and_keep_their_stage() {
        let mut file = komagane();
        let action = &mut file
            .plan
            .measures
            .iter_mut()
            .find(|m| m.id == "regional-06")
            .unwrap()
            .actions[0];
        action.schedule[1].en = Some(crate::english::CellEn {
            text: Some("Trial run".into()),
        });
        let cells = |lang| {
            let view = RoadmapView::for_query(
                &file.organization,
                &file.plan.in_language(&file.organization, lang),
                lang,
                None,
                None,
                Some("2023"),
            );
            view.sections
                .iter()
                .flat_map(|s| &s.rows)
                .find(|r| r.action_id.as_deref() == Some("regional-06-1"))
                .and_then(|r| r.cells[0].clone())
                .unwrap()
        };
        let english = cells(Lang::En);
        assert_eq!(english.text, "Trial run");
        assert_eq!(english.stage, Some(Stage::Trial), "read in 試験導入");
        assert_eq!(cells(Lang::Ja).text, "試験導入");
    }
}
