//! The plan file format `keikaku-plan/1` (see `docs/plan-format.md`).
//!
//! These types are both the import format and the in-memory model the app renders, so a plan
//! read back from the database is the same value that was imported.

use serde::{Deserialize, Serialize};

use crate::fiscal::FiscalYear;

pub const FORMAT_TAG: &str = "keikaku-plan/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    pub format: String,
    pub organization: Organization,
    pub plan: Plan,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub prefecture: String,
    #[serde(default)]
    pub departments: Vec<Department>,
    /// 全国地方公共団体コード: five digits and a check digit (`202151`), the key open data
    /// names a municipality by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The licence the organization publishes its open data under; CC BY 4.0 when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<Licence>,
}

/// An open-data licence: its name and where its text is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Licence {
    pub name: String,
    pub url: String,
}

impl Licence {
    /// Creative Commons Attribution 4.0 International, the Digital Agency's recommendation for
    /// municipal open data.
    pub fn cc_by_4() -> Licence {
        Licence {
            name: "クリエイティブ・コモンズ 表示 4.0 国際（CC BY 4.0）".to_owned(),
            url: "https://creativecommons.org/licenses/by/4.0/deed.ja".to_owned(),
        }
    }
}

impl Organization {
    /// The licence of the organization's open data.
    pub fn licence(&self) -> Licence {
        self.licence.clone().unwrap_or_else(Licence::cc_by_4)
    }
}

/// Whether `code` is a 全国地方公共団体コード: six digits whose last is the check digit of the
/// first five (weights 6 to 2, eleven minus the remainder of 11, its last digit).
pub fn is_local_government_code(code: &str) -> bool {
    let digits: Vec<u32> = code.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 6 || code.len() != 6 {
        return false;
    }
    let sum: u32 = digits[..5]
        .iter()
        .zip([6, 5, 4, 3, 2])
        .map(|(d, w)| d * w)
        .sum();
    (11 - sum % 11) % 10 == digits[5]
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Department {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// English for this object's text fields (see [`crate::english`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<crate::english::DepartmentEn>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    Draft,
    #[default]
    Published,
}

impl PlanStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::Published => "published",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PlanStatus::Draft => "策定中",
            PlanStatus::Published => "策定済み",
        }
    }

    pub fn parse(text: &str) -> Option<PlanStatus> {
        match text {
            "draft" => Some(PlanStatus::Draft),
            "published" => Some(PlanStatus::Published),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    #[serde(default)]
    pub status: PlanStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adopted: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub positioning: Option<Positioning>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default)]
    pub chapters: Vec<Chapter>,
    #[serde(default)]
    pub structure: Vec<Node>,
    #[serde(default)]
    pub measures: Vec<Measure>,
    #[serde(default)]
    pub milestones: Vec<Milestone>,
    #[serde(default)]
    pub glossary: Vec<Term>,
    /// English for this object's text fields (see [`crate::english`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<crate::english::PlanEn>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub start_fiscal_year: FiscalYear,
    pub end_fiscal_year: FiscalYear,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl Period {
    pub fn years(&self) -> impl Iterator<Item = FiscalYear> {
        (self.start_fiscal_year.0..=self.end_fiscal_year.0).map(FiscalYear)
    }

    pub fn contains(&self, year: FiscalYear) -> bool {
        self.start_fiscal_year <= year && year <= self.end_fiscal_year
    }

    /// `令和4年度（2022年度）～令和8年度（2026年度）`
    pub fn label(&self) -> String {
        self.label_in(crate::lang::Lang::Ja)
    }

    /// The period in `lang`: in English `FY2022 (Reiwa 4) – FY2026 (Reiwa 8)`.
    pub fn label_in(&self, lang: crate::lang::Lang) -> String {
        let separator = match lang {
            crate::lang::Lang::Ja => "～",
            crate::lang::Lang::En => " – ",
        };
        format!(
            "{}{separator}{}",
            self.start_fiscal_year.label_in(lang),
            self.end_fiscal_year.label_in(lang)
        )
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Positioning {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub general_plan: Option<String>,
    #[serde(default)]
    pub related_plans: Vec<String>,
    #[serde(default)]
    pub legal_basis: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChapterKind {
    Purpose,
    Background,
    Positioning,
    Period,
    CurrentState,
    Vision,
    Policy,
    Promotion,
    ProgressManagement,
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chapter {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ChapterKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default)]
    pub lists: Vec<OrderedList>,
    #[serde(default)]
    pub tables: Vec<Table>,
    #[serde(default)]
    pub sections: Vec<Chapter>,
    /// English for this object's text fields (see [`crate::english`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<crate::english::ChapterEn>,
}

impl Chapter {
    /// This chapter and all its sections, depth first.
    pub fn walk(&self) -> Vec<&Chapter> {
        let mut out = vec![self];
        for section in &self.sections {
            out.extend(section.walk());
        }
        out
    }

    /// Every list printed in this chapter or its sections.
    pub fn walk_lists(&self) -> Vec<&OrderedList> {
        self.walk().into_iter().flat_map(|c| &c.lists).collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderedList {
    pub id: String,
    pub title: String,
    pub items: Vec<ListItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListItem {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Vision,
    Mission,
    Value,
    Policy,
    Pillar,
    Category,
    Perspective,
    Goal,
}

impl NodeKind {
    /// Generic Japanese name, used when the document gives no label of its own.
    pub fn default_label(self) -> &'static str {
        match self {
            NodeKind::Vision => "ビジョン",
            NodeKind::Mission => "ミッション",
            NodeKind::Value => "バリュー",
            NodeKind::Policy => "基本方針",
            NodeKind::Pillar => "柱",
            NodeKind::Category => "分類",
            NodeKind::Perspective => "視点",
            NodeKind::Goal => "目標",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    pub id: String,
    pub kind: NodeKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub children: Vec<Node>,
    #[serde(default)]
    pub measures: Vec<String>,
    /// English for this object's text fields (see [`crate::english`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<crate::english::NodeEn>,
}

impl Node {
    pub fn display_label(&self) -> &str {
        self.label.as_deref().unwrap_or(self.kind.default_label())
    }

    /// This node and all its descendants, depth first in document order.
    pub fn walk(&self) -> Vec<&Node> {
        let mut out = vec![self];
        for child in &self.children {
            out.extend(child.walk());
        }
        out
    }
}

/// Every node of a forest, depth first in document order.
pub fn walk_nodes(nodes: &[Node]) -> Vec<&Node> {
    nodes.iter().flat_map(Node::walk).collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_issues: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(default)]
    pub actions: Vec<Action>,
    #[serde(default)]
    pub kpis: Vec<Kpi>,
    #[serde(default)]
    pub lead_departments: Vec<String>,
    #[serde(default)]
    pub related_departments: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departments_note: Option<String>,
    #[serde(default)]
    pub general_plan_refs: Vec<String>,
    #[serde(default)]
    pub schedule: Vec<ScheduleCell>,
    /// English for this object's text fields (see [`crate::english`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<crate::english::MeasureEn>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_description: Option<String>,
    #[serde(default)]
    pub schedule: Vec<ScheduleCell>,
    /// English for this object's text fields (see [`crate::english`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<crate::english::ActionEn>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleCell {
    pub fiscal_year: FiscalYear,
    pub text: String,
    /// The last fiscal year the same work continues into, when the roadmap draws it on with an
    /// arrow (「調査 導入計画 → →」 from 2022 through 2024).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub through: Option<FiscalYear>,
    /// English for this object's text fields (see [`crate::english`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<crate::english::CellEn>,
}

impl ScheduleCell {
    /// The stage the cell's words name, read in the plan's Japanese whatever the page's
    /// language (the English given for a cell words it freely).
    pub fn stage(&self) -> Option<crate::stage::Stage> {
        crate::stage::Stage::recognise(&self.text)
    }

    pub fn covers(&self, year: FiscalYear) -> bool {
        year == self.fiscal_year
            || self
                .through
                .is_some_and(|t| self.fiscal_year < year && year <= t)
    }
}

/// What a roadmap row plans for `year`: the cell of that year, or a cell of an earlier year
/// that continues into it (then `true`).
pub fn planned_for(schedule: &[ScheduleCell], year: FiscalYear) -> Option<(&ScheduleCell, bool)> {
    schedule
        .iter()
        .find(|c| c.fiscal_year == year)
        .map(|c| (c, false))
        .or_else(|| schedule.iter().find(|c| c.covers(year)).map(|c| (c, true)))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kpi {
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<KpiPoint>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<KpiPoint>,
    pub text: String,
    /// English for this object's text fields (see [`crate::english`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<crate::english::KpiEn>,
}

impl Kpi {
    /// A KPI with neither baseline nor target is qualitative: only its text is meaningful.
    pub fn is_qualitative(&self) -> bool {
        self.baseline.is_none() && self.target.is_none()
    }

    /// The level the target aims at: the target itself, or the baseline plus the target when
    /// the target is a change from the baseline (52.5% + 2.5 points = 55%).
    pub fn target_level(&self) -> Option<f64> {
        let target = self.target.as_ref()?;
        if target.relative {
            Some(self.baseline.as_ref()?.value + target.value)
        } else {
            Some(target.value)
        }
    }

    /// The target as readers see it: `60%`, or `+2.5ポイント（55%）` for a change from the
    /// baseline, so both the promise and the level it leads to are printed.
    pub fn target_amount(&self) -> Option<String> {
        self.target_amount_in(crate::lang::Lang::Ja)
    }

    /// [`Kpi::target_amount`] in `lang`: `+2.5 points (55%)`.
    pub fn target_amount_in(&self, lang: crate::lang::Lang) -> Option<String> {
        let target = self.target.as_ref()?;
        let unit = self.unit.as_deref();
        let amount = target.amount_in(unit, lang);
        let level = |level: f64| format!("{}{}", figure(level), unit_in(unit.unwrap_or(""), lang));
        match (self.target_level(), lang) {
            (Some(l), crate::lang::Lang::Ja) if target.relative => {
                Some(format!("{amount}（{}）", level(l)))
            }
            (Some(l), crate::lang::Lang::En) if target.relative => {
                Some(format!("{amount} ({})", level(l)))
            }
            _ => Some(amount),
        }
    }

    /// The baseline with its unit: `52.5%`.
    pub fn baseline_amount(&self) -> Option<String> {
        self.baseline_amount_in(crate::lang::Lang::Ja)
    }

    /// [`Kpi::baseline_amount`] in `lang`.
    pub fn baseline_amount_in(&self, lang: crate::lang::Lang) -> Option<String> {
        let unit = self.unit.as_deref();
        self.baseline.as_ref().map(|b| b.amount_in(unit, lang))
    }
}

/// A number without a spurious `.0` nor binary noise: `260`, `3.71`, `55`.
pub fn figure(value: f64) -> String {
    let rounded = (value * 1e9).round() / 1e9;
    if rounded.fract() == 0.0 && rounded.abs() < 1e15 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded}")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YearKind {
    #[default]
    Fiscal,
    Calendar,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KpiPoint {
    pub value: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    #[serde(default)]
    pub year_kind: YearKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Only on a target: its value is a change from the baseline (`+2.5` points on 52.5%),
    /// not a level. Needs a baseline.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub relative: bool,
}

impl KpiPoint {
    /// `令和3年（2021年）` or `令和8年度（2026年度）`; empty when no year is given.
    pub fn year_label(&self) -> String {
        match (self.year, self.year_kind) {
            (None, _) => String::new(),
            (Some(y), YearKind::Fiscal) => FiscalYear(y).label(),
            (Some(y), YearKind::Calendar) => {
                let fy = FiscalYear(y).japanese();
                format!("{}（{y}年）", fy.trim_end_matches("年度").to_owned() + "年")
            }
        }
    }

    /// [`KpiPoint::year_label`] in `lang`: `FY2026 (Reiwa 8)`, or `2021` for a calendar year.
    pub fn year_label_in(&self, lang: crate::lang::Lang) -> String {
        match (lang, self.year, self.year_kind) {
            (crate::lang::Lang::Ja, _, _) => self.year_label(),
            (_, None, _) => String::new(),
            (_, Some(y), YearKind::Fiscal) => FiscalYear(y).label_in(lang),
            (_, Some(y), YearKind::Calendar) => y.to_string(),
        }
    }

    /// The value without a spurious `.0`: `260`, `3.71`; a change from the baseline carries
    /// its sign: `+2.5`.
    pub fn value_text(&self) -> String {
        let text = figure(self.value);
        if self.relative && self.value >= 0.0 {
            format!("+{text}")
        } else {
            text
        }
    }

    /// The value with its unit. A change of a percentage is in points: `+2.5ポイント`.
    pub fn amount(&self, unit: Option<&str>) -> String {
        self.amount_in(unit, crate::lang::Lang::Ja)
    }

    /// [`KpiPoint::amount`] in `lang`: `+2.5 points`, `120 people`.
    pub fn amount_in(&self, unit: Option<&str>, lang: crate::lang::Lang) -> String {
        match (unit, lang) {
            (Some("%") | Some("％"), crate::lang::Lang::Ja) if self.relative => {
                format!("{}ポイント", self.value_text())
            }
            (Some("%") | Some("％"), crate::lang::Lang::En) if self.relative => {
                format!("{} points", self.value_text())
            }
            (Some(unit), lang) => format!("{}{}", self.value_text(), unit_in(unit, lang)),
            (None, _) => self.value_text(),
        }
    }
}

/// A KPI's unit as written after a figure in `lang`. The plans' common counters have English
/// names; any other unit is the plan's own word and stays as written.
pub fn unit_in(unit: &str, lang: crate::lang::Lang) -> String {
    const ENGLISH: [(&str, &str); 16] = [
        ("%", "%"),
        ("％", "%"),
        ("人", " people"),
        ("百人", " hundred people"),
        ("千人", " thousand people"),
        ("件", " cases"),
        ("枚", " sheets"),
        ("回", " times"),
        ("校", " schools"),
        ("台", " units"),
        ("箇所", " places"),
        ("か所", " places"),
        ("時間", " hours"),
        ("分", " minutes"),
        ("日", " days"),
        ("円", " yen"),
    ];
    match lang {
        crate::lang::Lang::Ja => unit.to_owned(),
        crate::lang::Lang::En => ENGLISH
            .iter()
            .find(|(ja, _)| *ja == unit)
            .map_or_else(|| unit.to_owned(), |(_, en)| (*en).to_owned()),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    pub fiscal_year: FiscalYear,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// English for this object's text fields (see [`crate::english`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<crate::english::MilestoneEn>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub id: String,
    pub term: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<String>,
    pub definition: String,
    /// English for this object's text fields (see [`crate::english`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<crate::english::TermEn>,
}

impl Plan {
    pub fn measure(&self, id: &str) -> Option<&Measure> {
        self.measures.iter().find(|m| m.id == id)
    }

    /// Every fiscal year that a roadmap of this plan shows: the plan period, widened to any
    /// scheduled year outside it.
    pub fn roadmap_years(&self) -> Vec<FiscalYear> {
        let mut years: Vec<FiscalYear> = self.period.iter().flat_map(Period::years).collect();
        for measure in &self.measures {
            let cells = measure
                .schedule
                .iter()
                .chain(measure.actions.iter().flat_map(|a| &a.schedule));
            years.extend(cells.map(|c| c.fiscal_year));
        }
        years.sort();
        years.dedup();
        years
    }
}

/// A plan as a browser keeps it for offline reading (one IndexedDB value per plan, as JSON):
/// read by the app and by its service worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeptPlan {
    /// Position in the server's list, so the offline home page keeps its order.
    pub order: u32,
    pub file: PlanFile,
}
