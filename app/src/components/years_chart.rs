//! A measure's years at a glance, as SVG drawn on the server: for each fiscal year the stage
//! the roadmap planned (hollow squares on a dashed line) and the stage published as reached
//! (filled circles on a solid line). Shapes and line styles tell the two apart, not colour
//! alone; a year without a published stage says 「未公表」. The page's sentence and table
//! carry the same facts.

use keikaku_domain::{FiscalYear, Stage};
use keikaku_sync::report::YearComparison;
use leptos::prelude::*;

use crate::i18n::{t, use_i18n};

const WIDTH: f64 = 400.0;
const LEFT: f64 = 78.0;
const TOP: f64 = 14.0;
const STEP: f64 = 32.0;

/// The centre of a year's column, in viewBox units.
pub fn column_x(index: usize, years: usize) -> f64 {
    let width = (WIDTH - LEFT) / years.max(1) as f64;
    LEFT + width * (index as f64 + 0.5)
}

/// The height of a stage: 定着化 at the top, 検討 at the bottom.
pub fn stage_y(stage: Stage) -> f64 {
    let index = Stage::ALL.iter().position(|s| *s == stage).unwrap_or(0);
    TOP + (Stage::ALL.len() - 1 - index) as f64 * STEP
}

/// `M x y L x y …` through the points, or nothing with fewer than two.
fn path(points: &[(f64, f64)]) -> Option<String> {
    (points.len() >= 2).then(|| {
        points
            .iter()
            .enumerate()
            .map(|(i, (x, y))| format!("{}{x:.1} {y:.1}", if i == 0 { "M" } else { " L" }))
            .collect()
    })
}

fn short_year(year: FiscalYear) -> String {
    year.0.to_string()
}

#[component]
pub fn YearsChart(rows: Vec<YearComparison>, summary_id: &'static str) -> impl IntoView {
    let n = rows.len();
    let axis = TOP + (Stage::ALL.len() - 1) as f64 * STEP + 30.0;
    let height = axis + 62.0;
    let planned: Vec<(f64, f64)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.planned_stage.map(|s| (column_x(i, n), stage_y(s))))
        .collect();
    let actual: Vec<(f64, f64)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let stage = r.actual.as_ref()?.stage?;
            Some((column_x(i, n), stage_y(stage)))
        })
        .collect();
    let legend_y = axis + 40.0;
    let (i18n, lang) = (use_i18n(), crate::lang::use_lang());
    view! {
        <figure class="chart" aria-labelledby="years-chart-caption">
            <figcaption id="years-chart-caption">{t!(i18n, chart.years_caption)}</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" class="chart__svg chart__svg--wide"
                aria-labelledby=format!("years-chart-caption {summary_id}") preserveAspectRatio="xMinYMin meet">
                {Stage::ALL.into_iter().map(|s| view! {
                    <text x="0" y=format!("{:.1}", stage_y(s) + 5.0) class="chart__label">{s.label_in(lang)}</text>
                    <line x1=LEFT.to_string() x2=WIDTH.to_string() y1=stage_y(s).to_string() y2=stage_y(s).to_string()
                        class="chart__grid"></line>
                }).collect_view()}
                {path(&planned).map(|d| view! { <path d=d class="chart__line chart__line--planned"></path> })}
                {path(&actual).map(|d| view! { <path d=d class="chart__line chart__line--actual"></path> })}
                {planned.iter().map(|(x, y)| view! {
                    <rect x=format!("{:.1}", x - 6.0) y=format!("{:.1}", y - 6.0) width="12" height="12" class="chart__mark--planned"></rect>
                }).collect_view()}
                {actual.iter().map(|(x, y)| view! {
                    <circle cx=format!("{x:.1}") cy=format!("{y:.1}") r="6" class="chart__mark--actual"></circle>
                }).collect_view()}
                {rows.iter().enumerate().map(|(i, r)| {
                    let x = format!("{:.1}", column_x(i, n));
                    let missing = r.actual.as_ref().and_then(|a| a.stage).is_none();
                    view! {
                        <text x=x.clone() y=axis.to_string() class="chart__label" text-anchor="middle">{short_year(r.year)}</text>
                        {missing.then(|| view! {
                            <text x=x y=(axis + 18.0).to_string() class="chart__value chart__value--missing" text-anchor="middle">{t!(i18n, chart.missing_short)}</text>
                        })}
                    }
                }).collect_view()}
                <rect x="0" y=format!("{:.1}", legend_y - 10.0) width="12" height="12" class="chart__mark--planned"></rect>
                <text x="18" y=format!("{:.1}", legend_y) class="chart__label">{t!(i18n, chart.legend_planned)}</text>
                <circle cx="186" cy=format!("{:.1}", legend_y - 4.0) r="6" class="chart__mark--actual"></circle>
                <text x="198" y=format!("{:.1}", legend_y) class="chart__label">{t!(i18n, chart.legend_actual)}</text>
            </svg>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_stages_sit_higher_and_years_share_the_width() {
        assert!(stage_y(Stage::Established) < stage_y(Stage::Study));
        assert_eq!(stage_y(Stage::Established), TOP);
        assert_eq!(column_x(0, 1), LEFT + (WIDTH - LEFT) / 2.0);
        assert!(column_x(4, 5) < WIDTH);
    }

    #[test]
    fn a_line_needs_two_points() {
        assert_eq!(path(&[(1.0, 2.0)]), None);
        assert_eq!(
            path(&[(1.0, 2.0), (3.0, 4.0)]).as_deref(),
            Some("M1.0 2.0 L3.0 4.0")
        );
    }
}
