//! Planned against actual: what the roadmap planned for each fiscal year beside what staff
//! recorded, for the measure and roadmap pages.
//!
//! Only what a plan's readers should see leaves the server: the stage, status, percent,
//! evaluation, results and the latest KPI readings. Field notes stay with staff.

use std::collections::BTreeMap;

use keikaku_domain::lang::Lang;
use keikaku_domain::{FiscalYear, Measure, Stage};
use serde::{Deserialize, Serialize};

use crate::progress::{Field, Grade, ProgressRecord, Status, Target};
use crate::round_sheet::reading_as_of;

/// What was recorded for one measure or action in one fiscal year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actual {
    pub stage: Option<Stage>,
    pub status: Option<Status>,
    pub percent: Option<u8>,
    pub grade: Option<Grade>,
    pub results: String,
    /// Latest reading per KPI id: (value, as-of date).
    pub kpis: BTreeMap<String, (String, String)>,
}

impl Actual {
    /// `None` when nothing that readers see has been recorded.
    pub fn of(record: &ProgressRecord) -> Option<Actual> {
        let actual = Actual {
            stage: record.stage(),
            status: record.status(),
            percent: record.percent(),
            grade: record.grade(),
            results: record.text(Field::Results),
            kpis: record
                .latest_readings()
                .into_iter()
                .map(|(id, r)| (id.to_owned(), (r.value.clone(), r.as_of.clone())))
                .collect(),
        };
        let empty = actual.stage.is_none()
            && actual.status.is_none()
            && actual.percent.is_none()
            && actual.grade.is_none()
            && actual.results.is_empty()
            && actual.kpis.is_empty();
        (!empty).then_some(actual)
    }

    /// A short line such as 「試験導入・順調・60%・評価B」.
    pub fn summary(&self) -> String {
        self.summary_in(Lang::Ja)
    }

    /// [`Actual::summary`] in `lang`: 「Pilot, on track, 60%, grade B」.
    pub fn summary_in(&self, lang: Lang) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(stage) = self.stage {
            parts.push(stage.label_in(lang).to_owned());
        }
        if let Some(status) = self.status {
            parts.push(status.label_in(lang).to_owned());
        }
        if let Some(percent) = self.percent {
            parts.push(format!("{percent}%"));
        }
        if let Some(grade) = self.grade {
            parts.push(match lang {
                Lang::Ja => format!("評価{}", grade.as_str()),
                Lang::En => format!("grade {}", grade.as_str()),
            });
        }
        match (parts.is_empty(), lang) {
            (true, Lang::Ja) => "記録あり".to_owned(),
            (true, Lang::En) => "recorded".to_owned(),
            (false, Lang::Ja) => parts.join("・"),
            (false, Lang::En) => parts.join(", "),
        }
    }
}

/// Actuals of a plan by target (`measure:id` or `action:id`) and fiscal year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanActuals(pub BTreeMap<String, BTreeMap<i32, Actual>>);

/// The map key of a target.
pub fn target_key(target: &Target) -> String {
    format!("{}:{}", target.kind(), target.id())
}

impl PlanActuals {
    pub fn of(records: &[ProgressRecord]) -> PlanActuals {
        let mut actuals: BTreeMap<String, BTreeMap<i32, Actual>> = BTreeMap::new();
        for record in records {
            if let Some(actual) = Actual::of(record) {
                actuals
                    .entry(target_key(&record.key.target))
                    .or_default()
                    .insert(record.key.fiscal_year.0, actual);
            }
        }
        PlanActuals(actuals)
    }

    pub fn get(&self, target: &Target, year: FiscalYear) -> Option<&Actual> {
        self.years(target)?.get(&year.0)
    }

    /// Every fiscal year recorded for `target`.
    pub fn years(&self, target: &Target) -> Option<&BTreeMap<i32, Actual>> {
        self.0.get(&target_key(target))
    }
}

/// One fiscal year of a measure: the plan's words and what was recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearComparison {
    pub year: FiscalYear,
    pub planned: Option<String>,
    pub planned_stage: Option<Stage>,
    pub actual: Option<Actual>,
}

/// A measure's planned against actual, one row per roadmap year; the plan's words in `lang`
/// where the plan gives them, the stage as its Japanese names it.
pub fn compare_measure(
    measure: &Measure,
    years: &[FiscalYear],
    actuals: &PlanActuals,
    lang: Lang,
) -> Vec<YearComparison> {
    let target = Target::Measure(measure.id.clone());
    years
        .iter()
        .map(|&year| {
            let planned = keikaku_domain::planned_for(&measure.schedule, year).map(|(c, _)| c);
            YearComparison {
                year,
                planned_stage: planned.and_then(|c| c.stage()),
                planned: planned.map(|c| c.text_in(lang).to_owned()),
                actual: actuals.get(&target, year).cloned(),
            }
        })
        .collect()
}

/// One KPI of a measure over the years: its baseline, the latest reading of each fiscal year
/// that has one, and the level its target aims at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiTrend {
    pub kpi_id: String,
    pub label: String,
    pub unit: String,
    /// Year and value.
    pub baseline: Option<(Option<i32>, f64)>,
    /// Year and the level aimed at.
    pub target: Option<(Option<i32>, f64)>,
    /// Fiscal year, value and as-of date, oldest first.
    pub readings: Vec<(FiscalYear, f64, String)>,
    /// Baseline, latest and target as the report prints them, with the achievement rate.
    pub line: crate::round_sheet::KpiLine,
}

/// The trends of a measure's KPIs that have a target, their amounts written in `lang`.
pub fn kpi_trends(measure: &Measure, actuals: &PlanActuals, lang: Lang) -> Vec<KpiTrend> {
    let years = actuals.years(&Target::Measure(measure.id.clone()));
    measure
        .kpis
        .iter()
        .enumerate()
        .filter(|(_, kpi)| kpi.target.is_some())
        .map(|(index, kpi)| {
            let id = crate::progress::kpi_id(index);
            let readings: Vec<(FiscalYear, f64, String)> = years
                .into_iter()
                .flatten()
                .filter_map(|(year, actual)| {
                    let (value, as_of) = actual.kpis.get(&id)?;
                    Some((FiscalYear(*year), value.parse().ok()?, as_of.clone()))
                })
                .collect();
            // The newest reading of any year, as it was recorded.
            let latest = years
                .into_iter()
                .flat_map(|years| years.values())
                .filter_map(|a| a.kpis.get(&id))
                .max_by(|a, b| a.1.cmp(&b.1))
                .cloned();
            KpiTrend {
                kpi_id: id,
                label: kpi.label.clone(),
                unit: kpi.unit.clone().unwrap_or_default(),
                baseline: kpi.baseline.as_ref().map(|b| (b.year, b.value)),
                target: kpi
                    .target_level()
                    .map(|level| (kpi.target.as_ref().and_then(|t| t.year), level)),
                line: crate::round_sheet::KpiLine::of(kpi, latest, lang),
                readings,
            }
        })
        .collect()
}

impl KpiTrend {
    /// 「基準値 52.5%（平成28年度（2016年度）） → 最新値 54%（2025-03-31時点） → 目標値 +2.5ポイント（55%）。達成率60%。」
    /// In English: 「Baseline 52.5% (FY2016 (Heisei 28)) → latest 54% (as of 2025-03-31) →
    /// target +2.5 points (55%). Achievement 60%.」
    pub fn describe(&self, lang: Lang) -> String {
        let dated = |p: &Option<(String, String)>| match (p, lang) {
            (Some(p), _) => crate::round_sheet::dated_amount(p, lang),
            (None, Lang::Ja) => "なし".to_owned(),
            (None, Lang::En) => "none".to_owned(),
        };
        let (baseline, target) = (dated(&self.line.baseline), dated(&self.line.target));
        let achievement = self
            .line
            .achievement
            .as_ref()
            .map(|a| keikaku_domain::format::figure(a.percent));
        let years = self.readings.len();
        match lang {
            Lang::Ja => {
                let latest = match &self.line.latest {
                    Some((value, at)) => reading_as_of(value, &self.unit, at, lang),
                    None => "未公表".to_owned(),
                };
                let mut text = format!("基準値 {baseline} → 最新値 {latest} → 目標値 {target}。");
                match achievement {
                    Some(percent) => text.push_str(&format!("達成率{percent}%。")),
                    None => text.push_str("達成率はまだ示せません。"),
                }
                if years > 1 {
                    text.push_str(&format!("{years}年度分の実績値があります。"));
                }
                text
            }
            Lang::En => {
                let latest = match &self.line.latest {
                    Some((value, at)) => reading_as_of(value, &self.unit, at, lang),
                    None => "not yet published".to_owned(),
                };
                let mut text = format!("Baseline {baseline} → latest {latest} → target {target}.");
                match achievement {
                    Some(percent) => text.push_str(&format!(" Achievement {percent}%.")),
                    None => text.push_str(" The achievement rate cannot be shown yet."),
                }
                if years > 1 {
                    text.push_str(&format!(" Readings for {}.", fiscal_years(years)));
                }
                text
            }
        }
    }
}

/// `1 fiscal year`, `3 fiscal years`.
fn fiscal_years(n: usize) -> String {
    if n == 1 {
        "1 fiscal year".to_owned()
    } else {
        format!("{n} fiscal years")
    }
}

/// A sentence summing the comparison up, for readers who skip the table.
pub fn describe(rows: &[YearComparison], lang: Lang) -> String {
    let recorded: Vec<&YearComparison> = rows.iter().filter(|r| r.actual.is_some()).collect();
    let Some(latest) = recorded.last() else {
        return match lang {
            Lang::Ja => format!(
                "{}年度分の計画があり、実績はまだ記録されていません。",
                rows.len()
            ),
            Lang::En => format!(
                "The plan covers {}; nothing has been recorded yet.",
                fiscal_years(rows.len())
            ),
        };
    };
    let actual = latest
        .actual
        .as_ref()
        .map(|a| a.summary_in(lang))
        .unwrap_or_default();
    let behind = recorded
        .iter()
        .filter(|r| {
            matches!(
                (r.planned_stage, r.actual.as_ref().and_then(|a| a.stage)),
                (Some(planned), Some(reached)) if reached < planned
            )
        })
        .count();
    let (planned, done, year) = (rows.len(), recorded.len(), latest.year.label_in(lang));
    match lang {
        Lang::Ja => {
            let mut text = format!(
                "{planned}年度分の計画のうち{done}年度分の実績が記録されています。最新は{year}：{actual}。"
            );
            if behind > 0 {
                text.push_str(&format!(
                    "計画上の段階に達していない年度が{behind}年度あります。"
                ));
            }
            text
        }
        Lang::En => {
            let mut text = format!(
                "Of {} planned, {done} recorded. The latest, {year}: {actual}.",
                fiscal_years(planned)
            );
            if behind > 0 {
                text.push_str(&format!(
                    " In {behind} of them the planned stage was not reached."
                ));
            }
            text
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::progress::{FieldValue, RecordKey, Versioned};

    /// A measure's record of `year` in plan `p` with `fields` set.
    pub(crate) fn record(
        measure: &str,
        year: i32,
        fields: &[(Field, FieldValue)],
    ) -> ProgressRecord {
        let mut record = ProgressRecord::new(RecordKey::measure("p", measure, year));
        for (field, value) in fields {
            record
                .fields
                .insert(*field, Versioned::new(value.clone(), 1));
        }
        record
    }

    fn measure_with_schedule() -> Measure {
        serde_json::from_value(serde_json::json!({
            "id": "m1", "title": "施策",
            "schedule": [
                { "fiscal_year": 2024, "text": "検討" },
                { "fiscal_year": 2025, "text": "本番導入" },
            ]
        }))
        .unwrap()
    }

    #[test]
    fn planned_and_actual_line_up_by_year() {
        let records = vec![
            record(
                "m1",
                2024,
                &[(Field::Stage, FieldValue::Stage(Some(Stage::Study)))],
            ),
            record(
                "m1",
                2025,
                &[
                    (Field::Stage, FieldValue::Stage(Some(Stage::Trial))),
                    (Field::Status, FieldValue::Status(Some(Status::Delayed))),
                    (Field::Percent, FieldValue::Percent(Some(40))),
                ],
            ),
            // Nothing readers see: not an actual.
            record(
                "m1",
                2026,
                &[(Field::Results, FieldValue::Text(String::new()))],
            ),
        ];
        let actuals = PlanActuals::of(&records);
        let rows = compare_measure(
            &measure_with_schedule(),
            &[FiscalYear(2024), FiscalYear(2025), FiscalYear(2026)],
            &actuals,
            Lang::Ja,
        );
        assert_eq!(rows[0].planned_stage, Some(Stage::Study));
        assert_eq!(
            rows[1].actual.as_ref().unwrap().summary(),
            "試験導入・遅れ・40%"
        );
        assert_eq!(rows[2].actual, None);
        assert_eq!(
            describe(&rows, Lang::Ja),
            "3年度分の計画のうち2年度分の実績が記録されています。最新は令和7年度（2025年度）：試験導入・遅れ・40%。計画上の段階に達していない年度が1年度あります。"
        );
        assert_eq!(
            describe(&rows, Lang::En),
            "Of 3 fiscal years planned, 2 recorded. The latest, FY2025 (Reiwa 7): Pilot, Delayed, 40%. In 1 of them the planned stage was not reached."
        );
    }

    #[test]
    fn the_plan_s_english_words_keep_the_stage_its_japanese_names() {
        let mut measure = measure_with_schedule();
        measure.schedule[1].en = Some(keikaku_domain::english::CellEn {
            text: Some("Full service".into()),
        });
        let years = [FiscalYear(2024), FiscalYear(2025)];
        let english = compare_measure(&measure, &years, &PlanActuals::default(), Lang::En);
        assert_eq!(english[1].planned.as_deref(), Some("Full service"));
        assert_eq!(english[1].planned_stage, Some(Stage::Rollout));
        assert_eq!(
            english[0].planned.as_deref(),
            Some("検討"),
            "no English given"
        );
        let japanese = compare_measure(&measure, &years, &PlanActuals::default(), Lang::Ja);
        assert_eq!(japanese[1].planned.as_deref(), Some("本番導入"));
    }

    #[test]
    fn nothing_recorded_says_so() {
        let rows = compare_measure(
            &measure_with_schedule(),
            &[FiscalYear(2024)],
            &PlanActuals::default(),
            Lang::Ja,
        );
        assert_eq!(
            describe(&rows, Lang::Ja),
            "1年度分の計画があり、実績はまだ記録されていません。"
        );
        assert_eq!(
            describe(&rows, Lang::En),
            "The plan covers 1 fiscal year; nothing has been recorded yet."
        );
    }

    #[test]
    fn a_kpi_trend_has_a_reading_per_year_and_says_how_far_it_has_come() {
        let measure: Measure = serde_json::from_value(serde_json::json!({
            "id": "m1", "title": "施策",
            "kpis": [
                { "label": "関心がある割合", "unit": "%",
                  "baseline": { "value": 52.5, "year": 2016 },
                  "target": { "value": 2.5, "relative": true }, "text": "2.5ポイント向上" },
                { "label": "定性", "text": "向上" }
            ]
        }))
        .unwrap();
        let mut records = Vec::new();
        for (year, value, as_of) in [(2023, "53", "2024-03-31"), (2024, "54", "2025-03-31")] {
            let mut r = record("m1", year, &[]);
            r.kpi_readings.insert(
                format!("r{year}"),
                Versioned::new(
                    crate::progress::KpiReading {
                        id: format!("r{year}"),
                        kpi_id: "kpi-1".into(),
                        value: value.into(),
                        as_of: as_of.into(),
                        note: None,
                    },
                    1,
                ),
            );
            records.push(r);
        }
        let trends = kpi_trends(&measure, &PlanActuals::of(&records), Lang::Ja);
        assert_eq!(trends.len(), 1, "the qualitative KPI has no trend");
        let trend = &trends[0];
        assert_eq!(trend.baseline, Some((Some(2016), 52.5)));
        assert_eq!(trend.target, Some((None, 55.0)));
        assert_eq!(trend.readings.len(), 2);
        assert_eq!(
            trend.describe(Lang::Ja),
            "基準値 52.5%（平成28年度（2016年度）） → 最新値 54%（2025-03-31時点） → 目標値 +2.5ポイント（55%）。達成率60%。2年度分の実績値があります。"
        );
        let english = kpi_trends(&measure, &PlanActuals::of(&records), Lang::En);
        assert_eq!(
            english[0].describe(Lang::En),
            "Baseline 52.5% (FY2016 (Heisei 28)) → latest 54% (as of 2025-03-31) → target +2.5 points (55%). Achievement 60%. Readings for 2 fiscal years."
        );
        let none = kpi_trends(&measure, &PlanActuals::default(), Lang::Ja);
        assert!(none[0].readings.is_empty());
        assert!(none[0].describe(Lang::Ja).contains("最新値 未公表"));
    }
}
