//! A KPI over time against its target, as SVG drawn on the server: the baseline (a hollow
//! square), each fiscal year's published reading (filled circles on a line, each labelled with
//! its value) and the target level as a dashed line. With a sentence and a table of the same
//! figures; years without a reading are simply absent, never zero.

use keikaku_domain::format::figure;
use keikaku_domain::lang::Lang;
use keikaku_sync::report::KpiTrend;
use keikaku_sync::round_sheet::reading_as_of;
use leptos::prelude::*;

use crate::i18n::{t, use_i18n};

const WIDTH: f64 = 400.0;
const LEFT: f64 = 12.0;
const RIGHT: f64 = 388.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = 150.0;

/// The chart's scales: years to x, values to y.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scales {
    first_year: i32,
    last_year: i32,
    low: f64,
    high: f64,
}

impl Scales {
    /// Scales that hold every point of `trend`, or `None` when no point has a year.
    pub fn of(trend: &KpiTrend) -> Option<Scales> {
        let mut years: Vec<i32> = trend.readings.iter().map(|r| r.0 .0).collect();
        years.extend(trend.baseline.and_then(|b| b.0));
        years.extend(trend.target.and_then(|t| t.0));
        let mut values: Vec<f64> = trend.readings.iter().map(|r| r.1).collect();
        values.extend(trend.baseline.map(|b| b.1));
        values.extend(trend.target.map(|t| t.1));
        let first_year = *years.iter().min()?;
        let last_year = *years.iter().max()?;
        let low = values.iter().copied().fold(f64::INFINITY, f64::min);
        let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let pad = if high > low { (high - low) * 0.15 } else { 1.0 };
        Some(Scales {
            first_year,
            last_year,
            low: low - pad,
            high: high + pad,
        })
    }

    pub fn x(&self, year: i32) -> f64 {
        if self.last_year == self.first_year {
            return (LEFT + RIGHT) / 2.0;
        }
        let share = (year - self.first_year) as f64 / (self.last_year - self.first_year) as f64;
        LEFT + 20.0 + share * (RIGHT - LEFT - 60.0)
    }

    pub fn y(&self, value: f64) -> f64 {
        BOTTOM - (value - self.low) / (self.high - self.low) * (BOTTOM - TOP)
    }
}

#[component]
pub fn KpiTrendChart(trend: KpiTrend, index: usize) -> impl IntoView {
    let caption_id = format!("kpi-trend-{index}-caption");
    let summary_id = format!("kpi-trend-{index}-summary");
    let table_id = format!("kpi-trend-{index}-table");
    let (i18n, lang) = (use_i18n(), crate::lang::use_lang());
    let summary = trend.describe(lang);
    let unit = keikaku_domain::format::unit_in(&trend.unit, lang);
    let chart = Scales::of(&trend).map(|scales| {
        let height = BOTTOM + 40.0;
        let points: Vec<(f64, f64, String)> = trend
            .readings
            .iter()
            .map(|(year, value, _)| (scales.x(year.0), scales.y(*value), figure(*value)))
            .collect();
        let line: String = points
            .iter()
            .enumerate()
            .map(|(i, (x, y, _))| format!("{}{x:.1} {y:.1}", if i == 0 { "M" } else { " L" }))
            .collect();
        let years: Vec<i32> = (scales.first_year..=scales.last_year).collect();
        let every = years.len().div_ceil(6).max(1);
        view! {
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" class="chart__svg chart__svg--wide"
                aria-labelledby=format!("{caption_id} {summary_id}") preserveAspectRatio="xMinYMin meet">
                {trend.target.map(|(_, level)| {
                    let y = scales.y(level);
                    view! {
                        <line x1=LEFT.to_string() x2=RIGHT.to_string() y1=format!("{y:.1}") y2=format!("{y:.1}") class="chart__target"></line>
                        <text x=RIGHT.to_string() y=format!("{:.1}", y - 6.0) class="chart__label" text-anchor="end">
                            {t!(i18n, chart.target_line)}{format!("{}{unit}", figure(level))}
                        </text>
                    }
                })}
                {trend.baseline.and_then(|(year, value)| year.map(|year| {
                    let (x, y) = (scales.x(year), scales.y(value));
                    view! {
                        <rect x=format!("{:.1}", x - 6.0) y=format!("{:.1}", y - 6.0) width="12" height="12" class="chart__mark--planned"></rect>
                        <text x=format!("{:.1}", (x - 6.0).max(0.0)) y=format!("{:.1}", y + 24.0) class="chart__value">
                            {t!(i18n, chart.baseline_mark)}{figure(value)}
                        </text>
                    }
                }))}
                {(points.len() >= 2).then(|| view! { <path d=line class="chart__line chart__line--actual"></path> })}
                {points.into_iter().map(|(x, y, label)| view! {
                    <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="6" class="chart__mark--actual"></circle>
                    <text x=format!("{x:.1}") y=format!("{:.1}", y - 10.0) class="chart__value" text-anchor="middle">{label}</text>
                }).collect_view()}
                {years.iter().enumerate().filter(|(i, _)| i % every == 0).map(|(_, year)| view! {
                    <text x=format!("{:.1}", scales.x(*year)) y=(BOTTOM + 30.0).to_string() class="chart__label" text-anchor="middle">
                        {year.to_string()}
                    </text>
                }).collect_view()}
            </svg>
        }
    });
    let rows = table_rows(&trend, &TableWords::new(), lang);
    let label = trend.label.clone();
    let summary_lang = keikaku_domain::lang::mark_japanese(&summary);
    let table_name = table_id.clone();
    view! {
        <figure class="chart" aria-labelledby=caption_id.clone()>
            <figcaption id=caption_id.clone()>{t!(i18n, chart.trend_caption, label = label.clone(), <ja> = <span lang="ja" />)}</figcaption>
            {chart}
            <p id=summary_id class="chart__summary" lang=summary_lang>{summary}</p>
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby=table_name>
                <table class="data-table data-table--compact data-table--figures">
                    <caption class="visually-hidden" id=table_id>{t!(i18n, chart.trend_table, label, <ja> = <span lang="ja" />)}</caption>
                    <thead><tr><th scope="col">{t!(i18n, chart.kind)}</th><th scope="col">{t!(i18n, chart.year)}</th><th scope="col">{t!(i18n, chart.value)}</th></tr></thead>
                    <tbody>
                        {rows.into_iter().map(|(kind, year, value)| {
                            let value_lang = keikaku_domain::lang::mark_japanese(&value);
                            view! { <tr><th scope="row">{kind}</th><td>{year}</td><td lang=value_lang>{value}</td></tr> }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </figure>
    }
}

/// The words of the table beside the chart, in the page's language.
struct TableWords {
    baseline: String,
    actual: String,
    target: String,
    unpublished: String,
}

impl TableWords {
    fn new() -> TableWords {
        let i18n = use_i18n();
        TableWords {
            baseline: crate::i18n::t_string!(i18n, chart.baseline).to_owned(),
            actual: crate::i18n::t_string!(i18n, chart.actual).to_owned(),
            target: crate::i18n::t_string!(i18n, chart.target).to_owned(),
            unpublished: crate::i18n::t_string!(i18n, chart.unpublished).to_owned(),
        }
    }
}

/// The table beside the chart: baseline, each reading, target.
fn table_rows(trend: &KpiTrend, words: &TableWords, lang: Lang) -> Vec<(String, String, String)> {
    let year = |y: Option<i32>| y.map_or_else(|| "—".to_owned(), |y| y.to_string());
    let mut rows = Vec::new();
    if let Some((amount, when)) = &trend.line.baseline {
        let y = trend.baseline.and_then(|b| b.0);
        rows.push((
            words.baseline.clone(),
            year(y),
            format!("{amount} {when}").trim().to_owned(),
        ));
    }
    for (fy, value, as_of) in &trend.readings {
        let reading = reading_as_of(&figure(*value), &trend.unit, as_of, lang);
        rows.push((words.actual.clone(), fy.label_in(lang), reading));
    }
    if trend.readings.is_empty() {
        rows.push((
            words.actual.clone(),
            "—".to_owned(),
            words.unpublished.clone(),
        ));
    }
    if let Some((amount, when)) = &trend.line.target {
        let y = trend.target.and_then(|t| t.0);
        rows.push((
            words.target.clone(),
            year(y),
            format!("{amount} {when}").trim().to_owned(),
        ));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use keikaku_domain::FiscalYear;

    fn trend(readings: Vec<(i32, f64)>) -> KpiTrend {
        KpiTrend {
            kpi_id: "kpi-1".into(),
            label: "割合".into(),
            unit: "%".into(),
            baseline: Some((Some(2016), 52.5)),
            target: Some((None, 55.0)),
            readings: readings
                .into_iter()
                .map(|(y, v)| (FiscalYear(y), v, format!("{}-03-31", y + 1)))
                .collect(),
            line: keikaku_sync::round_sheet::KpiLine {
                label: "割合".into(),
                unit: "%".into(),
                baseline: Some(("52.5%".into(), "平成28年度（2016年度）".into())),
                target: Some(("+2.5ポイント（55%）".into(), String::new())),
                latest: None,
                achievement: None,
            },
        }
    }

    #[test]
    fn scales_hold_the_baseline_readings_and_target() {
        let s = Scales::of(&trend(vec![(2024, 54.0)])).unwrap();
        assert!(s.x(2016) < s.x(2024));
        assert!(s.y(55.0) < s.y(52.5), "higher values sit higher");
        for v in [52.5, 54.0, 55.0] {
            assert!((TOP..=BOTTOM).contains(&s.y(v)), "{v}");
        }
    }

    #[test]
    fn missing_readings_are_said_to_be_missing() {
        let t = trend(vec![]);
        let words = TableWords {
            baseline: "基準値".into(),
            actual: "実績".into(),
            target: "目標値".into(),
            unpublished: "未公表".into(),
        };
        let rows = table_rows(&t, &words, Lang::Ja);
        assert_eq!(
            rows[1],
            ("実績".to_owned(), "—".to_owned(), "未公表".to_owned())
        );
        // The baseline's year alone still places the chart.
        assert!(Scales::of(&t).is_some());
    }
}
