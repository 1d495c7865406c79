//! How far each KPI has come toward its target, as SVG drawn on the server: a bar per KPI on a
//! scale to 150% with the target marked at 100%. A KPI without a computable rate says so in
//! words where its bar would be, and `missing_note` counts those left out (no published
//! reading) at the foot: nothing missing is drawn as zero.

use leptos::prelude::*;

use keikaku_domain::text::shorten_to_width;

/// One KPI: its label and achievement rate in percent, if there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct AchievementRow {
    pub label: String,
    pub percent: Option<f64>,
    /// Why there is no rate, when there is none: 「未公表」.
    pub missing: String,
}

const BAR_X: f64 = 0.0;
const BAR_WIDTH: f64 = 300.0;
const WIDTH: f64 = 400.0;
const ROW: f64 = 48.0;
/// The scale's end: rates beyond it are drawn to it and printed in full.
const SCALE_MAX: f64 = 150.0;

/// The bar's length for `percent`: 0 below zero, `BAR_WIDTH` at 150% and beyond.
pub fn bar_length(percent: f64) -> f64 {
    percent.clamp(0.0, SCALE_MAX) / SCALE_MAX * BAR_WIDTH
}

/// Where 100% (the target) lies on the bar.
pub const TARGET_X: f64 = BAR_X + BAR_WIDTH * 100.0 / SCALE_MAX;

fn figure(percent: f64) -> String {
    keikaku_domain::format::figure(percent)
}

/// The chart with `summary` as its text; the page's table has the figures and formulas.
#[component]
pub fn AchievementChart(
    id: &'static str,
    caption: String,
    summary: String,
    rows: Vec<AchievementRow>,
    /// A line at the foot about the KPIs not drawn.
    missing_note: Option<String>,
) -> impl IntoView {
    let foot = if missing_note.is_some() { 48.0 } else { 24.0 };
    let note_y = rows.len() as f64 * ROW + 48.0;
    let height = rows.len() as f64 * ROW + foot;
    let axis_end = rows.len() as f64 * ROW + 6.0;
    let caption_id = format!("{id}-caption");
    let summary_id = format!("{id}-summary");
    view! {
        <figure class="chart" aria-labelledby=caption_id.clone()>
            <figcaption id=caption_id.clone()>{caption}</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" class="chart__svg chart__svg--wide"
                aria-labelledby=format!("{caption_id} {summary_id}") preserveAspectRatio="xMinYMin meet">
                {rows.into_iter().enumerate().map(|(i, row)| {
                    let y = i as f64 * ROW;
                    let bar = match row.percent {
                        Some(percent) => {
                            let length = bar_length(percent);
                            view! {
                                <rect x=BAR_X.to_string() y=(y + 22.0).to_string() width=format!("{length:.1}")
                                    height="16" class="chart__bar chart__bar--achievement"></rect>
                                <text x=format!("{:.1}", BAR_X + length + 6.0) y=(y + 35.0).to_string()
                                    class="chart__value">{format!("{}%", figure(percent))}</text>
                            }.into_any()
                        }
                        None => view! {
                            <text x=BAR_X.to_string() y=(y + 35.0).to_string() class="chart__value chart__value--missing">
                                {row.missing.clone()}
                            </text>
                        }.into_any(),
                    };
                    view! {
                        <g>
                            <text x="0" y=(y + 15.0).to_string() class="chart__label"
                                lang=keikaku_domain::lang::mark_japanese(&row.label)>
                                {shorten_to_width(&row.label, 44)}
                            </text>
                            {bar}
                        </g>
                    }
                }).collect_view()}
                <line x1=TARGET_X.to_string() x2=TARGET_X.to_string() y1="18" y2=axis_end.to_string()
                    class="chart__target"></line>
                <text x=TARGET_X.to_string() y=(axis_end + 16.0).to_string() class="chart__label" text-anchor="middle">
                    {crate::i18n::t!(crate::i18n::use_i18n(), chart.goal)}
                </text>
                {missing_note.map(|note| view! {
                    <text x="0" y=note_y.to_string() class="chart__value chart__value--missing">{note}</text>
                })}
            </svg>
            <p id=summary_id class="chart__summary">{summary}</p>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_stop_at_the_scale_and_at_zero() {
        assert_eq!(bar_length(0.0), 0.0);
        assert_eq!(bar_length(-20.0), 0.0);
        assert_eq!(bar_length(75.0), 150.0);
        assert_eq!(bar_length(100.0), TARGET_X);
        assert_eq!(bar_length(400.0), BAR_WIDTH);
    }
}
