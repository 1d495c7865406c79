//! A round's records as one sheet (進捗管理シート): a row per measure or action with the plan for
//! the year, what was recorded, the KPIs with their achievement, both evaluations and where the
//! record is; and the counts the DX office's dashboard and the report summarize it by. Pure:
//! the store gathers the inputs, and the pages and exports (CSV, XLSX, PDF) all read this.

use std::collections::BTreeMap;

use keikaku_domain::date::Day;
use keikaku_domain::evaluation::{
    achievement, Achievement, Grade, RecordState, RoundKind, RoundState,
};
use keikaku_domain::lang::Lang;
use keikaku_domain::{FiscalYear, Kpi, Measure, Plan, Stage};
use serde::{Deserialize, Serialize};

use crate::progress::{kpi_id, Field, ProgressRecord, Status, Target};
use crate::round::{RoundRecord, Secondary};

/// The round a sheet is of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundHead {
    pub id: String,
    pub plan_id: String,
    pub plan_title: String,
    pub organization_name: String,
    pub fiscal_year: FiscalYear,
    pub kind: RoundKind,
    pub title: String,
    pub opens_on: String,
    pub deadline: String,
    pub state: RoundState,
    pub stale_days: u32,
    /// When the round was opened (unix seconds): a record untouched since is stale from then.
    pub created_at: i64,
}

/// One record as the store found it.
#[derive(Debug, Clone)]
pub struct RowInput {
    pub target: Target,
    pub round: RoundRecord,
    /// What the row reports: the submitted copy once handed in, the live record before.
    pub content: ProgressRecord,
    /// The latest change to the record or its workflow (unix seconds), if any.
    pub last_update: Option<i64>,
}

/// A KPI of a measure, its latest reading and how far it has come.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiLine {
    pub label: String,
    pub unit: String,
    /// Amount with its unit and year label, e.g. `("120件", "令和3年度（2021年度）")`; a target
    /// relative to the baseline reads `+2.5ポイント（55%）`.
    pub baseline: Option<(String, String)>,
    pub target: Option<(String, String)>,
    /// Value and as-of date.
    pub latest: Option<(String, String)>,
    pub achievement: Option<Achievement>,
}

/// One row of the sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetRow {
    pub target: Target,
    pub measure_id: String,
    /// `1-2` style number of the measure or action, if the plan gives one.
    pub number: Option<String>,
    pub title: String,
    /// For an action: its measure's title.
    pub measure_title: Option<String>,
    /// The top of the plan's structure the measure sits under (基本方針, 柱 …).
    pub pillar: Option<String>,
    pub lead_departments: Vec<String>,
    pub related_departments: Vec<String>,
    /// The roadmap's plan for the year, and the stage it names.
    pub planned: Option<String>,
    pub planned_stage: Option<Stage>,
    pub state: RecordState,
    pub reopened: bool,
    pub comment: Option<String>,
    pub stage: Option<Stage>,
    pub status: Option<Status>,
    pub percent: Option<u8>,
    pub results: String,
    pub self_grade: Option<Grade>,
    pub self_reason: String,
    pub next_actions: String,
    pub kpis: Vec<KpiLine>,
    pub secondary: Option<Secondary>,
    pub last_update: Option<i64>,
    /// Past the deadline and still waiting for the department.
    pub overdue: bool,
    /// Waiting for the department and untouched for the round's stale days.
    pub stale: bool,
}

/// A round's sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sheet {
    pub head: RoundHead,
    /// `YYYY-MM-DD` the sheet was made on, in Japan.
    pub today: String,
    pub rows: Vec<SheetRow>,
}

/// One step in a round's history, as people read it: when, who, what (in Japanese), and the
/// record it was on (`measure:id`), if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepLine {
    pub at: i64,
    pub who: String,
    pub what: String,
    pub target: Option<String>,
}

/// A record waiting for a department (要対応), with where to record it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub plan_id: String,
    pub plan_title: String,
    pub round_id: String,
    pub round_title: String,
    pub deadline: String,
    pub measure_id: String,
    /// The progress page's query for the record: `year=2024` and, for an action, `&target=…`.
    pub progress_query: String,
    pub number: Option<String>,
    pub title: String,
    pub state: RecordState,
    pub comment: Option<String>,
    pub overdue: bool,
}

/// How many records are in each state, and how many are overdue or stale.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// By [`RecordState::ALL`]'s order.
    pub states: [usize; 5],
    pub overdue: usize,
    pub stale: usize,
    pub total: usize,
}

impl Counts {
    fn add(&mut self, row: &SheetRow) {
        let i = RecordState::ALL
            .iter()
            .position(|s| *s == row.state)
            .expect("every state is listed");
        self.states[i] += 1;
        self.overdue += usize::from(row.overdue);
        self.stale += usize::from(row.stale);
        self.total += 1;
    }

    pub fn of(&self, state: RecordState) -> usize {
        RecordState::ALL
            .iter()
            .position(|s| *s == state)
            .map_or(0, |i| self.states[i])
    }
}

fn kpi_lines(kpis: &[Kpi], record: &ProgressRecord, lang: Lang) -> Vec<KpiLine> {
    let latest = record.latest_readings();
    kpis.iter()
        .enumerate()
        .map(|(i, kpi)| {
            let reading = latest.get(kpi_id(i).as_str());
            KpiLine::of(
                kpi,
                reading.map(|r| (r.value.clone(), r.as_of.clone())),
                lang,
            )
        })
        .collect()
}

/// A baseline or target as printed: `52.5%（平成28年度（2016年度））`, or the amount alone
/// without a year.
pub fn dated_amount((amount, year): &(String, String), lang: Lang) -> String {
    match (year.is_empty(), lang) {
        (true, _) => amount.clone(),
        (false, Lang::Ja) => format!("{amount}（{year}）"),
        (false, Lang::En) => format!("{amount} ({year})"),
    }
}

/// A KPI reading as printed, with its unit and as-of date: `54%（2025-03-31時点）` or
/// `54% (as of 2025-03-31)`.
pub fn reading_as_of(value: &str, unit: &str, as_of: &str, lang: Lang) -> String {
    let unit = keikaku_domain::format::unit_in(unit, lang);
    match lang {
        Lang::Ja => format!("{value}{unit}（{as_of}時点）"),
        Lang::En => format!("{value}{unit} (as of {as_of})"),
    }
}

impl KpiLine {
    /// `kpi` with `latest` (value, as-of date) as its latest reading, and how far that has
    /// come, its amounts and years written in `lang`.
    pub fn of(kpi: &Kpi, latest: Option<(String, String)>, lang: Lang) -> KpiLine {
        let latest_value = latest.as_ref().and_then(|(v, _)| v.parse::<f64>().ok());
        let achievement = match (kpi.target_level(), latest_value) {
            (Some(target), Some(value)) => {
                achievement(kpi.baseline.as_ref().map(|b| b.value), target, value)
            }
            _ => None,
        };
        let year = |p: &Option<keikaku_domain::KpiPoint>| {
            p.as_ref()
                .map(|p| p.year_label_in(lang))
                .unwrap_or_default()
        };
        KpiLine {
            label: kpi.label.clone(),
            unit: kpi.unit.clone().unwrap_or_default(),
            baseline: kpi
                .baseline_amount_in(lang)
                .map(|a| (a, year(&kpi.baseline))),
            target: kpi.target_amount_in(lang).map(|a| (a, year(&kpi.target))),
            latest,
            achievement,
        }
    }
}

/// The title of the top structure node each measure sits under first.
fn pillars(plan: &Plan) -> BTreeMap<&str, &str> {
    crate::overview::first_pillar(plan)
        .into_iter()
        .map(|(measure, index)| (measure, plan.structure[index].title.as_str()))
        .collect()
}

impl Sheet {
    /// The sheet of `head`'s round of `plan`, with `rows` in the plan's order, as of `today`;
    /// its KPI amounts and years in Japanese.
    pub fn build(head: RoundHead, plan: &Plan, rows: Vec<RowInput>, today: Day) -> Sheet {
        Sheet::build_in(head, plan, rows, today, Lang::Ja)
    }

    /// [`Sheet::build`], with the KPI amounts and years written in `lang`.
    pub fn build_in(
        head: RoundHead,
        plan: &Plan,
        rows: Vec<RowInput>,
        today: Day,
        lang: Lang,
    ) -> Sheet {
        let pillars = pillars(plan);
        let measures: BTreeMap<&str, &Measure> =
            plan.measures.iter().map(|m| (m.id.as_str(), m)).collect();
        let deadline = Day::parse(&head.deadline);
        let opened = Day::in_japan_at(head.created_at);
        let rows = rows
            .into_iter()
            .filter_map(|input| {
                let (measure, action) = match &input.target {
                    Target::Measure(id) => (*measures.get(id.as_str())?, None),
                    Target::Action(id) => plan.measures.iter().find_map(|m| {
                        m.actions.iter().find(|a| a.id == *id).map(|a| (m, Some(a)))
                    })?,
                };
                let schedule = action.map_or(&measure.schedule, |a| &a.schedule);
                let planned = keikaku_domain::planned_for(schedule, head.fiscal_year)
                    .map(|(c, _)| c.text.clone());
                let record = &input.content;
                let state = input.round.shown_state(record);
                // Once the round is final nobody is waited for: nothing is overdue or stale.
                let waiting = state.awaits_department() && !head.state.is_final();
                let touched = input.last_update.map_or(opened, Day::in_japan_at);
                Some(SheetRow {
                    measure_id: measure.id.clone(),
                    number: action.map_or(measure.number.clone(), |a| a.number.clone()),
                    title: action.map_or(measure.title.clone(), |a| a.title.clone()),
                    measure_title: action.map(|_| measure.title.clone()),
                    pillar: pillars.get(measure.id.as_str()).map(|t| (*t).to_owned()),
                    lead_departments: measure.lead_departments.clone(),
                    related_departments: measure.related_departments.clone(),
                    planned_stage: planned.as_deref().and_then(Stage::recognise),
                    planned,
                    state,
                    reopened: input.round.reopened,
                    comment: input.round.comment.clone(),
                    stage: record.stage(),
                    status: record.status(),
                    percent: record.percent(),
                    results: record.text(Field::Results),
                    self_grade: record.grade(),
                    self_reason: record.text(Field::GradeComment),
                    next_actions: record.text(Field::NextActions),
                    kpis: if action.is_none() {
                        kpi_lines(&measure.kpis, record, lang)
                    } else {
                        Vec::new()
                    },
                    secondary: input.round.secondary.clone(),
                    last_update: input.last_update,
                    overdue: waiting && deadline.is_some_and(|d| today > d),
                    stale: waiting && touched.days_until(today) > i64::from(head.stale_days),
                    target: input.target,
                })
            })
            .collect();
        Sheet {
            head,
            today: today.to_string(),
            rows,
        }
    }

    /// The rows waiting for `department` (as a lead, or all departments for 全課) that the
    /// round still takes: not yet submitted while it is open, or returned.
    pub fn tasks_for(&self, department: &str) -> Vec<Task> {
        let open = self.head.state == RoundState::Open;
        self.rows
            .iter()
            .filter(|row| {
                row.lead_departments
                    .iter()
                    .any(|d| d == department || d == keikaku_domain::access::ALL_DEPARTMENTS)
            })
            .filter(|row| {
                row.state == RecordState::Returned || (open && row.state.awaits_department())
            })
            .map(|row| {
                let mut query = format!("year={}", self.head.fiscal_year.0);
                if let Target::Action(id) = &row.target {
                    query.push_str("&target=");
                    query.push_str(&keikaku_domain::views::paths::encode_query_component(id));
                }
                Task {
                    plan_id: self.head.plan_id.clone(),
                    plan_title: self.head.plan_title.clone(),
                    round_id: self.head.id.clone(),
                    round_title: self.head.title.clone(),
                    deadline: self.head.deadline.clone(),
                    measure_id: row.measure_id.clone(),
                    progress_query: query,
                    number: row.number.clone(),
                    title: row.title.clone(),
                    state: row.state,
                    comment: row.comment.clone(),
                    overdue: row.overdue,
                }
            })
            .collect()
    }

    /// Days from today to the deadline (negative once it passed).
    pub fn days_left(&self) -> Option<i64> {
        let today = Day::parse(&self.today)?;
        Some(today.days_until(Day::parse(&self.head.deadline)?))
    }

    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for row in &self.rows {
            counts.add(row);
        }
        counts
    }

    /// Counts per lead department (a record with several leads counts for each), by name.
    pub fn by_department(&self) -> BTreeMap<String, Counts> {
        let mut out: BTreeMap<String, Counts> = BTreeMap::new();
        for row in &self.rows {
            for department in &row.lead_departments {
                out.entry(department.clone()).or_default().add(row);
            }
        }
        out
    }

    /// Counts per pillar, in the plan's order of first appearance; measures under none count
    /// under （分類なし）.
    pub fn by_pillar(&self) -> Vec<(String, Counts)> {
        self.by_pillar_in(Lang::Ja)
    }

    /// [`Sheet::by_pillar`], with the measures under no pillar named in `lang`.
    pub fn by_pillar_in(&self, lang: Lang) -> Vec<(String, Counts)> {
        let unclassified = match lang {
            Lang::Ja => "（分類なし）",
            Lang::En => "(Unclassified)",
        };
        let mut out: Vec<(String, Counts)> = Vec::new();
        for row in &self.rows {
            let pillar = row
                .pillar
                .clone()
                .unwrap_or_else(|| unclassified.to_owned());
            match out.iter_mut().find(|(p, _)| *p == pillar) {
                Some((_, counts)) => counts.add(row),
                None => {
                    let mut counts = Counts::default();
                    counts.add(row);
                    out.push((pillar, counts));
                }
            }
        }
        out
    }

    /// How many rows have each self-evaluation and each secondary evaluation (A–D, then none).
    pub fn grade_counts(&self) -> ([usize; 5], [usize; 5]) {
        let slot = |grade: Option<Grade>| grade.map_or(4, |g| g as usize);
        let mut own = [0; 5];
        let mut secondary = [0; 5];
        for row in &self.rows {
            own[slot(row.self_grade)] += 1;
            secondary[slot(row.secondary.as_ref().map(|s| s.grade))] += 1;
        }
        (own, secondary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::RecordKey;

    /// A plan with one measure under no pillar and one KPI counted in 件.
    fn plan() -> Plan {
        let file = serde_json::json!({
            "format": "keikaku-plan/1",
            "organization": { "id": "o", "name": "市", "prefecture": "県", "departments": [{ "name": "企画課" }] },
            "plan": {
                "id": "p", "title": "計画", "status": "published",
                "period": { "start_fiscal_year": 2022, "end_fiscal_year": 2026 },
                "measures": [{ "id": "m1", "title": "施策", "lead_departments": ["企画課"],
                    "kpis": [{ "label": "申請件数", "unit": "件", "text": "申請件数",
                               "baseline": { "value": 100, "year": 2021 },
                               "target": { "value": 200, "year": 2026 } }] }]
            }
        });
        keikaku_domain::import::parse_plan_file("p.json", file.to_string().as_bytes())
            .unwrap()
            .plan
    }

    fn sheet(lang: Lang) -> Sheet {
        let head = RoundHead {
            id: "r6".into(),
            plan_id: "p".into(),
            plan_title: "計画".into(),
            organization_name: "市".into(),
            fiscal_year: FiscalYear(2024),
            kind: RoundKind::YearEnd,
            title: "令和6年度実績".into(),
            opens_on: "2025-04-01".into(),
            deadline: "2025-05-31".into(),
            state: RoundState::Open,
            stale_days: 14,
            created_at: 1_743_465_600,
        };
        let round = RoundRecord {
            round_id: "r6".into(),
            title: "令和6年度実績".into(),
            kind: RoundKind::YearEnd,
            round_state: RoundState::Open,
            deadline: "2025-05-31".into(),
            state: RecordState::NotEntered,
            reopened: false,
            step: 0,
            comment: None,
            secondary: None,
        };
        let row = RowInput {
            target: Target::Measure("m1".into()),
            round,
            content: ProgressRecord::new(RecordKey::measure("p", "m1", 2024)),
            last_update: None,
        };
        let today = Day::parse("2025-04-10").unwrap();
        Sheet::build_in(head, &plan(), vec![row], today, lang)
    }

    #[test]
    fn kpi_amounts_and_years_are_written_in_the_sheets_language() {
        let ja = sheet(Lang::Ja);
        assert_eq!(
            ja.rows[0].kpis[0].baseline,
            Some(("100件".to_owned(), "令和3年度（2021年度）".to_owned()))
        );
        let en = sheet(Lang::En);
        assert_eq!(
            en.rows[0].kpis[0].baseline,
            Some(("100 cases".to_owned(), "FY2021 (Reiwa 3)".to_owned()))
        );
    }

    #[test]
    fn measures_under_no_pillar_are_named_in_either_language() {
        let sheet = sheet(Lang::Ja);
        assert_eq!(sheet.by_pillar()[0].0, "（分類なし）");
        assert_eq!(sheet.by_pillar_in(Lang::En)[0].0, "(Unclassified)");
        assert_eq!(sheet.by_pillar_in(Lang::En)[0].1.total, 1);
    }
}
