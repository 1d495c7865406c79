//! What each page shows: plain data computed from a [`Plan`], sent from the server to the app.
//! Keeping these pure means page content is tested without a browser or a database.

use serde::{Deserialize, Serialize};

use crate::format::*;
use crate::search::Snippet;
use crate::text::TermLink;

/// URLs of the app's pages, in one place so links and routes agree.
pub mod paths {
    pub fn plan(plan_id: &str) -> String {
        format!("/plans/{plan_id}")
    }
    pub fn measure(plan_id: &str, measure_id: &str) -> String {
        format!("/plans/{plan_id}/measures/{measure_id}")
    }
    pub fn progress(plan_id: &str) -> String {
        format!("/plans/{plan_id}/progress")
    }
    /// The plan's Atom feed of versions and published rounds.
    pub fn plan_feed(plan_id: &str) -> String {
        format!("/api/v1/plans/{plan_id}/feed.atom")
    }
    /// A municipality's Atom feed.
    pub fn organization_feed(organization_id: &str) -> String {
        format!("/api/v1/organizations/{organization_id}/feed.atom")
    }
    /// The open data page: the datasets, their dictionary and licence.
    pub fn open_data(plan_id: &str) -> String {
        format!("/plans/{plan_id}/data")
    }
    /// One dataset's file: `measures.csv`, `measures.excel.csv` or `measures.json`.
    pub fn dataset_file(plan_id: &str, file: &str) -> String {
        format!("/api/v1/plans/{plan_id}/data/{file}")
    }
    pub fn roadmap(plan_id: &str) -> String {
        format!("/plans/{plan_id}/roadmap")
    }
    pub fn glossary(plan_id: &str) -> String {
        format!("/plans/{plan_id}/glossary")
    }
    pub fn term(plan_id: &str, term_id: &str) -> String {
        format!("/plans/{plan_id}/glossary#term-{term_id}")
    }
    /// The whole plan as one document, as it is now.
    pub fn document(plan_id: &str) -> String {
        format!("/plans/{plan_id}/document")
    }
    /// The document of one version (第n版), at an address that stays.
    pub fn version(plan_id: &str, number: u32) -> String {
        format!("/plans/{plan_id}/v/{number}")
    }
    /// The plan's versions and its revision.
    pub fn versions(plan_id: &str) -> String {
        format!("/plans/{plan_id}/versions")
    }
    /// The comparison of two versions.
    pub fn compare(plan_id: &str, from: u32, to: u32) -> String {
        format!("/plans/{plan_id}/compare?from={from}&to={to}")
    }
    /// Administrators: the draft of the next version.
    pub fn revision(plan_id: &str) -> String {
        format!("/plans/{plan_id}/revision")
    }
    /// A plan's reporting rounds.
    pub fn rounds(plan_id: &str) -> String {
        format!("/plans/{plan_id}/rounds")
    }
    /// A round's dashboard (round ids are `[a-z0-9-]`, safe in a path).
    pub fn round(round_id: &str) -> String {
        format!("/rounds/{round_id}")
    }
    pub fn round_report(round_id: &str) -> String {
        format!("/rounds/{round_id}/report")
    }
    /// The records waiting for the signed-in editor's department (要対応).
    pub fn tasks() -> String {
        "/tasks".to_owned()
    }
    pub fn search(query: &str) -> String {
        format!("/search?q={}", encode_query_component(query))
    }

    /// Percent-encodes everything but unreserved characters, for a query-string value.
    pub fn encode_query_component(text: &str) -> String {
        let mut encoded = String::new();
        for b in text.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    encoded.push(b as char)
                }
                _ => encoded.push_str(&format!("%{b:02X}")),
            }
        }
        encoded
    }
}

/// A plan as listed on the home page and in every page header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanSummary {
    pub id: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub status: PlanStatus,
    pub adopted: Option<String>,
    pub period: Option<Period>,
    pub organization_id: String,
    pub organization_name: String,
    pub prefecture: String,
    pub measure_count: usize,
    pub kpi_count: usize,
    pub has_roadmap: bool,
    pub glossary_count: usize,
    /// Whether the plan file gives English for any field.
    #[serde(default)]
    pub has_english: bool,
    /// The English the file gives for the plan's title and subtitle.
    #[serde(default)]
    pub english: Option<crate::english::PlanEn>,
}

impl PlanSummary {
    /// The title and subtitle as a page in `lang` shows them.
    pub fn titles_in(&self, lang: crate::lang::Lang) -> (String, Option<String>) {
        let en = self
            .english
            .as_ref()
            .filter(|_| lang == crate::lang::Lang::En);
        (
            en.and_then(|e| e.title.clone())
                .unwrap_or_else(|| self.title.clone()),
            en.and_then(|e| e.subtitle.clone())
                .or_else(|| self.subtitle.clone()),
        )
    }

    pub fn of(organization: &Organization, plan: &Plan) -> PlanSummary {
        PlanSummary {
            id: plan.id.clone(),
            title: plan.title.clone(),
            subtitle: plan.subtitle.clone(),
            status: plan.status,
            adopted: plan.adopted.clone(),
            period: plan.period.clone(),
            organization_id: organization.id.clone(),
            organization_name: organization.name.clone(),
            prefecture: organization.prefecture.clone(),
            measure_count: plan.measures.len(),
            kpi_count: plan.measures.iter().map(|m| m.kpis.len()).sum(),
            has_roadmap: !plan.roadmap_years().is_empty(),
            glossary_count: plan.glossary.len(),
            has_english: plan.has_english(organization),
            english: plan.en.clone(),
        }
    }
}

/// Home page: plans grouped by municipality.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MunicipalityPlans {
    pub organization_id: String,
    pub name: String,
    pub prefecture: String,
    pub plans: Vec<PlanSummary>,
}

/// Groups summaries by municipality, municipalities in the order given.
pub fn group_by_municipality(summaries: Vec<PlanSummary>) -> Vec<MunicipalityPlans> {
    let mut groups: Vec<MunicipalityPlans> = Vec::new();
    for summary in summaries {
        match groups
            .iter_mut()
            .find(|g| g.organization_id == summary.organization_id)
        {
            Some(group) => group.plans.push(summary),
            None => groups.push(MunicipalityPlans {
                organization_id: summary.organization_id.clone(),
                name: summary.organization_name.clone(),
                prefecture: summary.prefecture.clone(),
                plans: vec![summary],
            }),
        }
    }
    groups
}

/// A measure as listed under a structure node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureRef {
    pub id: String,
    pub number: Option<String>,
    pub title: String,
    /// Placed here again after its first placement (再掲).
    pub reprint: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeView {
    pub id: String,
    pub kind: NodeKind,
    pub label: String,
    pub number: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub children: Vec<NodeView>,
    pub measures: Vec<MeasureRef>,
}

/// Plan overview page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverviewView {
    pub summary: PlanSummary,
    pub positioning: Option<Positioning>,
    pub source: Option<String>,
    pub structure: Vec<NodeView>,
    /// Measures not placed under any node.
    pub unplaced: Vec<MeasureRef>,
    pub milestones: Vec<Milestone>,
    pub chapters: Vec<Chapter>,
    pub glossary: Vec<TermLink>,
}

impl OverviewView {
    pub fn of(organization: &Organization, plan: &Plan) -> OverviewView {
        let mut seen = std::collections::HashSet::new();
        let structure = plan
            .structure
            .iter()
            .map(|n| node_view(plan, n, &mut seen))
            .collect();
        let unplaced = plan
            .measures
            .iter()
            .filter(|m| !seen.contains(&m.id))
            .map(|m| MeasureRef {
                id: m.id.clone(),
                number: m.number.clone(),
                title: m.title.clone(),
                reprint: false,
            })
            .collect();
        let mut milestones = plan.milestones.clone();
        milestones.sort_by_key(|m| m.fiscal_year);
        OverviewView {
            summary: PlanSummary::of(organization, plan),
            positioning: plan.positioning.clone(),
            source: plan.source.clone(),
            structure,
            unplaced,
            milestones,
            chapters: plan.chapters.clone(),
            glossary: plan.glossary.iter().map(TermLink::from).collect(),
        }
    }
}

fn node_view(plan: &Plan, node: &Node, seen: &mut std::collections::HashSet<String>) -> NodeView {
    let measures = node
        .measures
        .iter()
        .filter_map(|id| plan.measure(id))
        .map(|m| MeasureRef {
            id: m.id.clone(),
            number: m.number.clone(),
            title: m.title.clone(),
            reprint: !seen.insert(m.id.clone()),
        })
        .collect();
    NodeView {
        id: node.id.clone(),
        kind: node.kind,
        label: node.display_label().to_owned(),
        number: node.number.clone(),
        title: node.title.clone(),
        description: node.description.clone(),
        children: node
            .children
            .iter()
            .map(|c| node_view(plan, c, seen))
            .collect(),
        measures,
    }
}

/// One step of a breadcrumb through the structure tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeCrumb {
    pub id: String,
    pub label: String,
    pub number: Option<String>,
    pub title: String,
}

/// Paths from a root of the structure to every node that places `measure_id`, in document order.
pub fn placements(plan: &Plan, measure_id: &str) -> Vec<Vec<NodeCrumb>> {
    fn walk(
        node: &Node,
        trail: &mut Vec<NodeCrumb>,
        measure_id: &str,
        out: &mut Vec<Vec<NodeCrumb>>,
    ) {
        trail.push(NodeCrumb {
            id: node.id.clone(),
            label: node.display_label().to_owned(),
            number: node.number.clone(),
            title: node.title.clone(),
        });
        if node.measures.iter().any(|m| m == measure_id) {
            out.push(trail.clone());
        }
        for child in &node.children {
            walk(child, trail, measure_id, out);
        }
        trail.pop();
    }
    let mut out = Vec::new();
    for node in &plan.structure {
        walk(node, &mut Vec::new(), measure_id, &mut out);
    }
    out
}

/// Measure page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureView {
    pub summary: PlanSummary,
    pub measure: Measure,
    pub placements: Vec<Vec<NodeCrumb>>,
    /// Roadmap columns for the schedule table.
    pub years: Vec<crate::FiscalYear>,
    pub glossary: Vec<TermLink>,
    pub previous: Option<MeasureRef>,
    pub next: Option<MeasureRef>,
    /// The viewer may open the measure's change history.
    pub history_available: bool,
    /// The viewer may edit the measure's text and departments.
    pub editable: bool,
    /// The viewer may record the measure's progress (an administrator, or staff of one of its
    /// departments).
    pub progress_recordable: bool,
    /// The viewer may submit the measure's reports to a reporting round (an administrator, or
    /// staff of a lead department).
    #[serde(default)]
    pub report_submittable: bool,
}

impl MeasureView {
    pub fn of(organization: &Organization, plan: &Plan, measure_id: &str) -> Option<MeasureView> {
        let index = plan.measures.iter().position(|m| m.id == measure_id)?;
        let as_ref = |m: &Measure| MeasureRef {
            id: m.id.clone(),
            number: m.number.clone(),
            title: m.title.clone(),
            reprint: false,
        };
        let measure = plan.measures[index].clone();
        Some(MeasureView {
            summary: PlanSummary::of(organization, plan),
            placements: placements(plan, measure_id),
            years: plan.roadmap_years(),
            glossary: plan.glossary.iter().map(TermLink::from).collect(),
            previous: index.checked_sub(1).map(|i| as_ref(&plan.measures[i])),
            next: plan.measures.get(index + 1).map(as_ref),
            history_available: false,
            editable: false,
            progress_recordable: false,
            report_submittable: false,
            measure,
        })
    }
}

/// Glossary page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GlossaryView {
    pub summary: PlanSummary,
    pub terms: Vec<Term>,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub plan_id: String,
    pub plan_title: String,
    pub organization_name: String,
    pub kind: String,
    pub title: String,
    pub href: String,
    pub snippet: Snippet,
}

/// Search page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchView {
    pub query: String,
    pub hits: Vec<SearchHit>,
    /// More hits exist than are shown.
    pub truncated: bool,
}

/// One change in a measure's history, as the history page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub id: i64,
    /// When, in Japan time, written in the request's language (`2026年11月22日 15:21`,
    /// `22 Nov 2026, 15:21 JST`).
    pub at: String,
    pub user: Option<String>,
    pub field: String,
    pub field_label: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub restored_from: Option<i64>,
    /// Where the change came from (address, browser), for the plan's administrators only
    /// (`access::can_see_audit_origin`); `None` for everyone else.
    pub origin: Option<String>,
}

/// Measure history page: every change, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryView {
    pub summary: PlanSummary,
    pub measure_id: String,
    pub measure_title: String,
    pub entries: Vec<HistoryEntry>,
    /// The viewer may restore earlier values, with the token the restore form echoes.
    pub restore_token: Option<String>,
}

/// Japanese label of an editable measure field.
pub fn measure_field_label(field: &str) -> &'static str {
    match field {
        "title" => "施策名",
        "summary" => "概要",
        "outcome" => "目指す成果",
        "target_state" => "目指す姿",
        "current_issues" => "現状と課題",
        "direction" => "取組の方向",
        "content" => "取組の内容",
        "departments" => "担当部署",
        _ => "その他",
    }
}

/// The label of a measure's field (by its name in the plan file) in `lang`.
pub fn measure_field_label_in(field: &str, lang: crate::lang::Lang) -> &'static str {
    match lang {
        crate::lang::Lang::Ja => measure_field_label(field),
        crate::lang::Lang::En => measure_field_label_en(field).unwrap_or("Other"),
    }
}

/// The English name of a measure's field, by its name in the plan file: the one list the
/// document, the comparison and the history read on English pages.
pub fn measure_field_label_en(field: &str) -> Option<&'static str> {
    Some(match field {
        "number" => "Number",
        "title" => "Title",
        "summary" => "Summary",
        "outcome" => "Intended outcome",
        "target_state" => "Target state",
        "current_issues" => "Current state and issues",
        "direction" => "Direction",
        "content" => "What will be done",
        "departments" => "Departments",
        "lead_departments" => "Lead departments",
        "related_departments" => "Related departments",
        "departments_note" => "Note on the departments",
        "general_plan_refs" => "Related measures of the general plan",
        _ => return None,
    })
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A plan's date as its file writes it (`2022`, `2022-06`, `2022-06-01`), for reading:
/// 2022年6月 or June 2022. Anything else is shown as written.
pub fn format_date_in(date: &str, lang: crate::lang::Lang) -> String {
    use crate::lang::Lang;
    let parts: Vec<u32> = date.split('-').filter_map(|p| p.parse().ok()).collect();
    let month = |m: u32| MONTH_NAMES.get(m.wrapping_sub(1) as usize).copied();
    match (lang, parts.as_slice()) {
        (Lang::Ja, [y]) => format!("{y}年"),
        (Lang::En, [y]) => format!("{y}"),
        (Lang::Ja, [y, m]) => format!("{y}年{m}月"),
        (Lang::Ja, [y, m, d]) => format!("{y}年{m}月{d}日"),
        (Lang::En, [y, m]) => month(*m).map_or_else(|| date.to_owned(), |m| format!("{m} {y}")),
        (Lang::En, [y, m, d]) => {
            month(*m).map_or_else(|| date.to_owned(), |m| format!("{d} {m} {y}"))
        }
        _ => date.to_owned(),
    }
}

/// Unix seconds as a date and time in Japan (UTC+9, no daylight saving).
pub fn format_japan_time(unix_seconds: i64) -> String {
    format_japan_time_in(unix_seconds, crate::lang::Lang::Ja)
}

/// Unix seconds as a date and time in Japan, written for `lang`: 2026年11月22日 15:21, or
/// 22 Nov 2026, 15:21 JST (an English reader may be anywhere, so the zone is named).
pub fn format_japan_time_in(unix_seconds: i64, lang: crate::lang::Lang) -> String {
    let (year, month, day, seconds) = crate::fiscal::japan_civil_time(unix_seconds);
    let (hour, minute) = (seconds / 3600, seconds % 3600 / 60);
    match lang {
        crate::lang::Lang::Ja => format!("{year}年{month}月{day}日 {hour:02}:{minute:02}"),
        crate::lang::Lang::En => {
            let name = &MONTH_NAMES[(month as usize).clamp(1, 12) - 1][..3];
            format!("{day} {name} {year}, {hour:02}:{minute:02} JST")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japan_time() {
        assert_eq!(format_japan_time(0), "1970年1月1日 09:00");
        // 2026-11-22T06:21:31Z
        assert_eq!(format_japan_time(1_795_328_491), "2026年11月22日 15:21");
        // 2024-02-29T15:00:00Z is the first minute of 1 March in Japan.
        assert_eq!(format_japan_time(1_709_218_800), "2024年3月1日 00:00");
    }

    #[test]
    fn a_plans_dates_read_in_either_language_and_odd_ones_as_written() {
        use crate::lang::Lang;
        assert_eq!(format_date_in("2022-06", Lang::Ja), "2022年6月");
        assert_eq!(format_date_in("2022-06", Lang::En), "June 2022");
        assert_eq!(format_date_in("2024-03-01", Lang::En), "1 March 2024");
        assert_eq!(format_date_in("2024", Lang::Ja), "2024年");
        assert_eq!(format_date_in("2024-13", Lang::En), "2024-13");
        assert_eq!(format_date_in("令和6年", Lang::En), "令和6年");
    }

    #[test]
    fn japan_time_in_english_names_the_month_and_the_zone() {
        use crate::lang::Lang;
        assert_eq!(
            format_japan_time_in(1_795_328_491, Lang::En),
            "22 Nov 2026, 15:21 JST"
        );
        assert_eq!(
            format_japan_time_in(1_709_218_800, Lang::En),
            "1 Mar 2024, 00:00 JST"
        );
    }
}

/// `/admin`: an administrator's view of their organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationAdminView {
    pub organization_id: String,
    pub organization_name: String,
    /// The administrator looking at the page, who may not disable themselves.
    pub my_login: String,
    pub users: Vec<UserRow>,
    pub departments: Vec<DepartmentRow>,
    pub csrf_token: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role: crate::access::Role,
    pub department: Option<String>,
    pub disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DepartmentRow {
    pub name: String,
    pub note: Option<String>,
    /// Its name in English, where given.
    #[serde(default)]
    pub english_name: Option<String>,
    /// Measures and users that refer to it; a department in use cannot be removed.
    pub measures: i64,
    pub users: i64,
}

/// `/plans/:plan/measures/:measure/edit`: a measure's editable text and departments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureEditView {
    pub summary: PlanSummary,
    pub measure_id: String,
    pub measure_title: String,
    pub fields: Vec<EditableField>,
    pub lead_departments: Vec<String>,
    pub related_departments: Vec<String>,
    /// Every department of the organization, in its listed order.
    pub departments: Vec<String>,
    pub csrf_token: String,
}

/// One text field as stored; `name` is its API name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditableField {
    pub name: String,
    pub label: String,
    pub value: String,
    /// The field cannot be left empty (the title).
    pub required: bool,
}

impl MeasureEditView {
    /// `fields` names the editable text fields in the order the page shows them.
    pub fn of(
        organization: &Organization,
        plan: &Plan,
        measure_id: &str,
        fields: &[&str],
        csrf_token: String,
    ) -> Option<MeasureEditView> {
        let measure = plan.measure(measure_id)?;
        let value = |name: &str| -> String {
            match name {
                "title" => Some(measure.title.clone()),
                "summary" => measure.summary.clone(),
                "outcome" => measure.outcome.clone(),
                "target_state" => measure.target_state.clone(),
                "current_issues" => measure.current_issues.clone(),
                "direction" => measure.direction.clone(),
                "content" => measure.content.clone(),
                _ => None,
            }
            .unwrap_or_default()
        };
        Some(MeasureEditView {
            summary: PlanSummary::of(organization, plan),
            measure_id: measure.id.clone(),
            measure_title: match &measure.number {
                Some(n) => format!("{n} {}", measure.title),
                None => measure.title.clone(),
            },
            fields: fields
                .iter()
                .map(|&name| EditableField {
                    name: name.to_owned(),
                    label: measure_field_label(name).to_owned(),
                    value: value(name),
                    required: name == "title",
                })
                .collect(),
            lead_departments: measure.lead_departments.clone(),
            related_departments: measure.related_departments.clone(),
            departments: organization
                .departments
                .iter()
                .map(|d| d.name.clone())
                .collect(),
            csrf_token,
        })
    }
}
