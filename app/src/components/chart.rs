//! A bar chart as SVG, with the same figures as a sentence and as a table: the sentence is the
//! chart's text alternative, and the table serves whoever wants the numbers (and prints).

use leptos::prelude::*;

/// One bar: its label, its count, and a CSS class for its colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub count: usize,
    pub class: &'static str,
}

const ROW_HEIGHT: usize = 28;
const LABEL_WIDTH: usize = 110;
const BAR_WIDTH: usize = 300;

/// `「提出済 3件、確認済 5件（計8件）」`.
pub fn summary_sentence(bars: &[Bar]) -> String {
    let total: usize = bars.iter().map(|b| b.count).sum();
    let parts: Vec<String> = bars
        .iter()
        .map(|b| format!("{} {}件", b.label, b.count))
        .collect();
    format!("{}（計{total}件）", parts.join("、"))
}

/// A horizontal bar chart titled `caption`; `id` makes its parts' ids unique on the page.
#[component]
pub fn BarChart(id: &'static str, caption: String, bars: Vec<Bar>) -> impl IntoView {
    let max = bars.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let height = bars.len() * ROW_HEIGHT + 4;
    let width = LABEL_WIDTH + BAR_WIDTH + 50;
    let summary = summary_sentence(&bars);
    let summary_id = format!("{id}-summary");
    let caption_id = format!("{id}-caption");
    view! {
        <figure class="chart" aria-labelledby=caption_id.clone()>
            <figcaption id=caption_id.clone()>{caption.clone()}</figcaption>
            <svg viewBox=format!("0 0 {width} {height}") role="img" aria-labelledby=format!("{caption_id} {summary_id}")
                class="chart__svg" preserveAspectRatio="xMinYMin meet">
                {bars.iter().enumerate().map(|(i, bar)| {
                    let y = i * ROW_HEIGHT + 2;
                    let length = bar.count * BAR_WIDTH / max;
                    view! {
                        <g>
                            <text x="0" y=(y + 18).to_string() class="chart__label">{bar.label.clone()}</text>
                            <rect x=LABEL_WIDTH.to_string() y=(y + 4).to_string() width=length.to_string() height="18"
                                class=format!("chart__bar {}", bar.class)></rect>
                            <text x=(LABEL_WIDTH + length + 6).to_string() y=(y + 18).to_string() class="chart__value">
                                {format!("{}件", bar.count)}
                            </text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <p id=summary_id class="chart__summary">{summary}</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label=format!("{caption}（表）")>
                <table class="data-table data-table--compact">
                    <caption class="visually-hidden">{format!("{caption}（表）")}</caption>
                    <thead><tr><th scope="col">"区分"</th><th scope="col">"件数"</th></tr></thead>
                    <tbody>
                        {bars.into_iter().map(|bar| view! {
                            <tr><th scope="row">{bar.label}</th><td>{bar.count}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </figure>
    }
}
