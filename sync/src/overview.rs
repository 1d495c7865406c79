//! The progress overview citizens read (進み具合): per pillar, how many measures are on track,
//! delayed, done, not started or have nothing published; each measure's latest published state
//! and evaluation; each KPI from baseline through the latest reading to its target with the
//! achievement rate. Pure: built from the plan and the actuals a reader may see, which for
//! citizens are what published rounds made public.
//!
//! Missing figures stay missing (`None`, 「未公表」), never zero.

use std::collections::BTreeMap;

use keikaku_domain::evaluation::Grade;
use keikaku_domain::lang::Lang;
use keikaku_domain::{FiscalYear, Measure, Plan, Stage};
use serde::{Deserialize, Serialize};

use crate::progress::{Status, Target};
use crate::report::{Actual, PlanActuals};
use crate::round_sheet::KpiLine;

/// Where a measure stands by its latest published status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    OnTrack,
    Delayed,
    Completed,
    NotStarted,
    Cancelled,
    /// No status has been published for the measure.
    Unpublished,
}

impl Standing {
    /// In the order charts and tables list them.
    pub const ALL: [Standing; 6] = [
        Standing::Completed,
        Standing::OnTrack,
        Standing::Delayed,
        Standing::NotStarted,
        Standing::Cancelled,
        Standing::Unpublished,
    ];

    pub fn of(status: Option<Status>) -> Standing {
        match status {
            Some(Status::OnTrack) => Standing::OnTrack,
            Some(Status::Delayed) => Standing::Delayed,
            Some(Status::Completed) => Standing::Completed,
            Some(Status::NotStarted) => Standing::NotStarted,
            Some(Status::Cancelled) => Standing::Cancelled,
            None => Standing::Unpublished,
        }
    }

    /// The status a standing stands for; `None` for one not yet published.
    pub fn status(self) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|s| Standing::of(Some(*s)) == self)
    }

    pub fn label(self) -> &'static str {
        self.label_in(Lang::Ja)
    }

    /// The status's own name (順調, On track …), or 未公表 / Not published.
    pub fn label_in(self, lang: Lang) -> &'static str {
        match (self.status(), lang) {
            (Some(status), _) => status.label_in(lang),
            (None, Lang::Ja) => "未公表",
            (None, Lang::En) => "Not published",
        }
    }

    /// A stable name for CSS classes and data files.
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::OnTrack => "on_track",
            Standing::Delayed => "delayed",
            Standing::Completed => "completed",
            Standing::NotStarted => "not_started",
            Standing::Cancelled => "cancelled",
            Standing::Unpublished => "unpublished",
        }
    }

    fn index(self) -> usize {
        Standing::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

/// How many measures stand where, in the order of [`Standing::ALL`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandingCounts(pub [usize; 6]);

impl StandingCounts {
    pub fn add(&mut self, standing: Standing) {
        self.0[standing.index()] += 1;
    }

    pub fn get(&self, standing: Standing) -> usize {
        self.0[standing.index()]
    }

    pub fn total(&self) -> usize {
        self.0.iter().sum()
    }

    /// `完了 1件、順調 3件、未公表 2件` (`Completed 1, On track 3, Not published 2`): the
    /// standings that occur, in order.
    pub fn sentence(&self, lang: Lang) -> String {
        let parts: Vec<String> = Standing::ALL
            .iter()
            .filter(|s| self.get(**s) > 0)
            .map(|s| match lang {
                Lang::Ja => format!("{} {}件", s.label(), self.get(*s)),
                Lang::En => format!("{} {}", s.label_in(lang), self.get(*s)),
            })
            .collect();
        match (parts.is_empty(), lang) {
            (true, Lang::Ja) => "施策はありません".to_owned(),
            (true, Lang::En) => "no measures".to_owned(),
            (false, Lang::Ja) => parts.join("、"),
            (false, Lang::En) => parts.join(", "),
        }
    }
}

/// One measure's latest published state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureStanding {
    pub id: String,
    pub number: Option<String>,
    pub title: String,
    pub standing: Standing,
    /// The fiscal year the status was published for.
    pub year: Option<FiscalYear>,
    pub stage: Option<Stage>,
    pub percent: Option<u8>,
    /// The latest published evaluation and its fiscal year.
    pub grade: Option<(Grade, FiscalYear)>,
}

/// A top structure node (基本方針, 柱) and the measures placed under it first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PillarProgress {
    /// `None` for the measures no node places.
    pub node_id: Option<String>,
    /// `基本方針1　市民サービスのDX` as the plan prints it.
    pub title: String,
    pub counts: StandingCounts,
    pub measures: Vec<MeasureStanding>,
}

/// One quantitative KPI of a measure, from baseline through its latest reading to target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiProgress {
    pub measure_id: String,
    pub measure_title: String,
    pub line: KpiLine,
}

/// The whole overview of one plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgressOverview {
    pub pillars: Vec<PillarProgress>,
    pub totals: StandingCounts,
    pub kpis: Vec<KpiProgress>,
    /// The newest fiscal year anything was published for.
    pub latest_year: Option<FiscalYear>,
    /// The newest as-of date of a published KPI reading (`YYYY-MM-DD`).
    pub as_of: Option<String>,
}

impl ProgressOverview {
    /// The overview of `plan` from `actuals`, its KPI amounts written in `lang`.
    pub fn build(plan: &Plan, actuals: &PlanActuals, lang: Lang) -> ProgressOverview {
        let placement = first_pillar(plan);
        let mut pillars: Vec<PillarProgress> = plan
            .structure
            .iter()
            .map(|node| PillarProgress {
                node_id: Some(node.id.clone()),
                title: pillar_title(node),
                counts: StandingCounts::default(),
                measures: Vec::new(),
            })
            .collect();
        let mut unplaced = PillarProgress {
            node_id: None,
            title: match lang {
                Lang::Ja => "体系に位置づけのない施策".to_owned(),
                Lang::En => "Measures outside the plan's structure".to_owned(),
            },
            counts: StandingCounts::default(),
            measures: Vec::new(),
        };
        let mut totals = StandingCounts::default();
        let mut kpis = Vec::new();
        let none = BTreeMap::new();
        for measure in &plan.measures {
            let years = actuals
                .years(&Target::Measure(measure.id.clone()))
                .unwrap_or(&none);
            let standing = measure_standing(measure, years);
            totals.add(standing.standing);
            let pillar = match placement.get(measure.id.as_str()) {
                Some(&index) => &mut pillars[index],
                None => &mut unplaced,
            };
            pillar.counts.add(standing.standing);
            pillar.measures.push(standing);
            kpis.extend(
                crate::report::kpi_trends(measure, actuals, lang)
                    .into_iter()
                    .map(|trend| KpiProgress {
                        measure_id: measure.id.clone(),
                        measure_title: measure.title.clone(),
                        line: trend.line,
                    }),
            );
        }
        if !unplaced.measures.is_empty() {
            pillars.push(unplaced);
        }
        // Nodes without measures (a vision, say) have nothing to count.
        pillars.retain(|p| !p.measures.is_empty());
        let latest_year = actuals
            .0
            .values()
            .filter_map(|years| years.keys().next_back())
            .max()
            .map(|&y| FiscalYear(y));
        let as_of = kpis
            .iter()
            .filter_map(|k| k.line.latest.as_ref().map(|(_, at)| at.clone()))
            .max();
        ProgressOverview {
            pillars,
            totals,
            kpis,
            latest_year,
            as_of,
        }
    }

    /// A paragraph summing the overview up, for readers who skip the charts.
    pub fn summary(&self, lang: Lang) -> String {
        let total = self.totals.total();
        if total == 0 {
            return match lang {
                Lang::Ja => {
                    "この計画には施策が登録されていないため、進み具合を示す施策はありません。"
                }
                Lang::En => "This plan has no measures, so there is no progress to show.",
            }
            .to_owned();
        }
        let published = total - self.totals.get(Standing::Unpublished);
        let mut text = match (self.latest_year, lang) {
            (Some(year), Lang::Ja) if published > 0 => format!(
                "施策{total}件のうち{published}件の状況が公表されています（{}まで）。{}。",
                year.label(),
                self.totals.sentence(lang)
            ),
            (Some(year), Lang::En) if published > 0 => format!(
                "The state of {published} of {total} measures has been published (up to {}). {}.",
                year.label_in(lang),
                self.totals.sentence(lang)
            ),
            (_, Lang::Ja) => format!("施策{total}件の状況はまだ公表されていません。"),
            (_, Lang::En) => {
                format!("The state of the {total} measures has not been published yet.")
            }
        };
        let measurable = &self.kpis;
        if !measurable.is_empty() {
            let with_latest = measurable
                .iter()
                .filter(|k| k.line.latest.is_some())
                .count();
            let reached = measurable
                .iter()
                .filter(|k| {
                    k.line
                        .achievement
                        .as_ref()
                        .is_some_and(|a| a.percent >= 100.0)
                })
                .count();
            text.push_str(&match lang {
                Lang::Ja => format!(
                    "数値で目標を示した指標{}件のうち、最新値が公表されているのは{with_latest}件、目標に達したのは{reached}件です。",
                    measurable.len()
                ),
                Lang::En => format!(
                    " Of {} KPIs with a numeric target, {with_latest} have a published latest value and {reached} have reached their target.",
                    measurable.len()
                ),
            });
        }
        text
    }
}

/// `基本方針1　市民サービスのDX`: the node's label and number, then its title.
fn pillar_title(node: &keikaku_domain::Node) -> String {
    match &node.number {
        Some(number) => format!("{}{number}　{}", node.display_label(), node.title),
        None => node.title.clone(),
    }
}

/// The index of the top structure node each measure is placed under first, so a measure listed
/// again elsewhere (再掲) is counted once.
pub fn first_pillar(plan: &Plan) -> BTreeMap<&str, usize> {
    let mut out = BTreeMap::new();
    for (index, node) in plan.structure.iter().enumerate() {
        for inner in node.walk() {
            for measure in &inner.measures {
                out.entry(measure.as_str()).or_insert(index);
            }
        }
    }
    out
}

fn measure_standing(measure: &Measure, years: &BTreeMap<i32, Actual>) -> MeasureStanding {
    let latest_status = years
        .iter()
        .rev()
        .find(|(_, a)| a.status.is_some())
        .map(|(year, a)| (FiscalYear(*year), a));
    let grade = years
        .iter()
        .rev()
        .find_map(|(year, a)| a.grade.map(|g| (g, FiscalYear(*year))));
    let (standing, year, stage, percent) = match latest_status {
        Some((year, actual)) => (
            Standing::of(actual.status),
            Some(year),
            actual.stage,
            actual.percent,
        ),
        None => (Standing::Unpublished, None, None, None),
    };
    MeasureStanding {
        id: measure.id.clone(),
        number: measure.number.clone(),
        title: measure.title.clone(),
        standing,
        year,
        stage,
        percent,
        grade,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::{Field, FieldValue, ProgressRecord, Versioned};
    use crate::report::tests::record;

    fn plan() -> Plan {
        serde_json::from_value(serde_json::json!({
            "id": "p", "title": "計画",
            "structure": [
                { "id": "vision", "kind": "vision", "title": "将来像" },
                { "id": "pillar-1", "kind": "pillar", "number": "1", "title": "行政のDX",
                  "measures": ["m1"],
                  "children": [{ "id": "pillar-1-1", "kind": "policy", "title": "窓口", "measures": ["m2", "m3"] }] },
                { "id": "pillar-2", "kind": "pillar", "number": "2", "title": "地域のDX", "measures": ["m3", "m4"] }
            ],
            "measures": [
                { "id": "m1", "title": "電子申請", "kpis": [
                    { "label": "申請件数", "unit": "件", "baseline": { "value": 100, "year": 2022 },
                      "target": { "value": 300, "year": 2026 }, "text": "300件" },
                    { "label": "満足度", "text": "向上" }
                ] },
                { "id": "m2", "title": "窓口" },
                { "id": "m3", "title": "再掲される施策" },
                { "id": "m4", "title": "地域" },
                { "id": "m5", "title": "どこにも置かれない施策", "kpis": [
                    { "label": "割合", "unit": "%", "baseline": { "value": 52.5, "year": 2016 },
                      "target": { "value": 2.5, "relative": true }, "text": "2.5ポイント向上" }
                ] }
            ]
        }))
        .unwrap()
    }

    fn reading(record: &mut ProgressRecord, kpi: &str, value: &str, as_of: &str) {
        let id = format!("r-{kpi}-{as_of}");
        record.kpi_readings.insert(
            id.clone(),
            Versioned::new(
                crate::progress::KpiReading {
                    id,
                    kpi_id: kpi.into(),
                    value: value.into(),
                    as_of: as_of.into(),
                    note: None,
                },
                1,
            ),
        );
    }

    fn status(s: Status) -> (Field, FieldValue) {
        (Field::Status, FieldValue::Status(Some(s)))
    }

    #[test]
    fn each_measure_counts_once_under_the_pillar_that_places_it_first() {
        let records = vec![
            record("m1", 2024, &[status(Status::Delayed)]),
            record("m1", 2025, &[status(Status::OnTrack)]),
            record("m3", 2024, &[status(Status::Completed)]),
        ];
        let overview = ProgressOverview::build(&plan(), &PlanActuals::of(&records), Lang::Ja);
        let titles: Vec<&str> = overview.pillars.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(
            titles,
            ["柱1　行政のDX", "柱2　地域のDX", "体系に位置づけのない施策"]
        );
        let first = &overview.pillars[0];
        // m3 sits under pillar 1's policy first, so pillar 2 has only m4.
        assert_eq!(first.counts.total(), 3);
        assert_eq!(first.counts.get(Standing::OnTrack), 1);
        assert_eq!(first.counts.get(Standing::Completed), 1);
        assert_eq!(first.counts.get(Standing::Unpublished), 1);
        assert_eq!(overview.pillars[1].counts.get(Standing::Unpublished), 1);
        assert_eq!(overview.totals.total(), 5);
        // The latest year's status wins.
        assert_eq!(first.measures[0].standing, Standing::OnTrack);
        assert_eq!(first.measures[0].year, Some(FiscalYear(2025)));
        assert_eq!(overview.latest_year, Some(FiscalYear(2025)));
    }

    #[test]
    fn missing_readings_stay_missing_and_rates_use_the_baseline() {
        let mut m1 = record("m1", 2024, &[]);
        reading(&mut m1, "kpi-1", "150", "2024-09-30");
        let mut m1_later = record("m1", 2025, &[]);
        reading(&mut m1_later, "kpi-1", "200", "2025-06-30");
        let mut m5 = record("m5", 2025, &[]);
        reading(&mut m5, "kpi-1", "54", "2025-03-31");
        let overview =
            ProgressOverview::build(&plan(), &PlanActuals::of(&[m1, m1_later, m5]), Lang::Ja);
        // The qualitative KPI has no target to measure against: not listed.
        assert_eq!(overview.kpis.len(), 2);
        let applications = &overview.kpis[0].line;
        assert_eq!(
            applications.latest,
            Some(("200".into(), "2025-06-30".into()))
        );
        assert_eq!(applications.achievement.as_ref().unwrap().percent, 50.0);
        let share = &overview.kpis[1].line;
        assert_eq!(share.achievement.as_ref().unwrap().percent, 60.0);
        assert_eq!(overview.as_of.as_deref(), Some("2025-06-30"));

        let empty = ProgressOverview::build(&plan(), &PlanActuals::default(), Lang::Ja);
        assert!(empty.kpis.iter().all(|k| k.line.latest.is_none()));
        assert!(empty.kpis.iter().all(|k| k.line.achievement.is_none()));
        assert_eq!(empty.latest_year, None);
        assert_eq!(
            empty.summary(Lang::Ja),
            "施策5件の状況はまだ公表されていません。数値で目標を示した指標2件のうち、最新値が公表されているのは0件、目標に達したのは0件です。"
        );
    }

    #[test]
    fn the_summary_names_the_year_and_every_standing_that_occurs() {
        let records = vec![
            record(
                "m1",
                2024,
                &[
                    status(Status::OnTrack),
                    (Field::Grade, FieldValue::Grade(Some(Grade::B))),
                ],
            ),
            record("m2", 2024, &[status(Status::Delayed)]),
        ];
        let overview = ProgressOverview::build(&plan(), &PlanActuals::of(&records), Lang::Ja);
        assert_eq!(
            overview.summary(Lang::Ja),
            "施策5件のうち2件の状況が公表されています（令和6年度（2024年度）まで）。順調 1件、遅れ 1件、未公表 3件。数値で目標を示した指標2件のうち、最新値が公表されているのは0件、目標に達したのは0件です。"
        );
        assert_eq!(
            overview.summary(Lang::En),
            "The state of 2 of 5 measures has been published (up to FY2024 (Reiwa 6)). On track 1, Delayed 1, Not published 3. Of 2 KPIs with a numeric target, 0 have a published latest value and 0 have reached their target."
        );
        assert_eq!(
            overview.pillars[0].measures[0].grade,
            Some((Grade::B, FiscalYear(2024)))
        );
    }

    #[test]
    fn a_plan_without_measures_says_so() {
        let plan: Plan = serde_json::from_value(serde_json::json!({
            "id": "p", "title": "計画", "structure": [{ "id": "v", "kind": "vision", "title": "像" }]
        }))
        .unwrap();
        let overview = ProgressOverview::build(&plan, &PlanActuals::default(), Lang::Ja);
        assert!(overview.pillars.is_empty());
        assert!(overview
            .summary(Lang::Ja)
            .contains("施策が登録されていない"));
    }
}
