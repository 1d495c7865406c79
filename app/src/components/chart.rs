//! A bar chart as SVG, with the same figures as a sentence and as a table: the sentence is the
//! chart's text alternative, and the table serves whoever wants the numbers (and prints).

use keikaku_domain::lang::Lang;
use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};

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

/// `「提出済 3件、確認済 5件（計8件）」`, or `Submitted 3, Approved 5 (8 in all)`.
pub fn summary_sentence(bars: &[Bar], lang: Lang) -> String {
    let total: usize = bars.iter().map(|b| b.count).sum();
    let parts = bars.iter().map(|b| match lang {
        Lang::Ja => format!("{} {}件", b.label, b.count),
        Lang::En => format!("{} {}", b.label, b.count),
    });
    match lang {
        Lang::Ja => format!("{}（計{total}件）", parts.collect::<Vec<_>>().join("、")),
        Lang::En => format!("{} ({total} in all)", parts.collect::<Vec<_>>().join(", ")),
    }
}

/// A horizontal bar chart titled `caption`; `id` makes its parts' ids unique on the page.
#[component]
pub fn BarChart(id: &'static str, caption: String, bars: Vec<Bar>) -> impl IntoView {
    let max = bars.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let height = bars.len() * ROW_HEIGHT + 4;
    let width = LABEL_WIDTH + BAR_WIDTH + 50;
    let i18n = use_i18n();
    let summary = summary_sentence(&bars, crate::lang::use_lang());
    let table_name = format!("{caption}{}", t_string!(i18n, chart.table));
    let table_label = table_name.clone();
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
                                {t_string!(i18n, chart.count, count = bar.count).to_string()}
                            </text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <p id=summary_id class="chart__summary">{summary}</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label=table_label>
                <table class="data-table data-table--compact">
                    <caption class="visually-hidden">{table_name}</caption>
                    <thead><tr><th scope="col">{t!(i18n, chart.kind)}</th><th scope="col">{t!(i18n, chart.count_header)}</th></tr></thead>
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_sentence_counts_each_bar_and_the_total_in_either_language() {
        let bars = [("提出済", 3), ("確認済", 5)].map(|(label, count)| Bar {
            label: label.to_owned(),
            count,
            class: "",
        });
        assert_eq!(
            summary_sentence(&bars, Lang::Ja),
            "提出済 3件、確認済 5件（計8件）"
        );
        let bars = [("Submitted", 3), ("Approved", 5)].map(|(label, count)| Bar {
            label: label.to_owned(),
            count,
            class: "",
        });
        assert_eq!(
            summary_sentence(&bars, Lang::En),
            "Submitted 3, Approved 5 (8 in all)"
        );
    }
}
