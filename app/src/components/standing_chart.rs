//! Where a plan's measures stand, one stacked bar per pillar, as SVG drawn on the server. Each
//! standing has its own fill pattern as well as its colour, so the chart does not rely on colour
//! alone; a legend, a sentence and a table carry the same figures.

use keikaku_domain::text::shorten_to_width;
use keikaku_sync::overview::{Standing, StandingCounts};
use leptos::prelude::*;

/// One bar: a pillar's title and counts.
#[derive(Debug, Clone, PartialEq)]
pub struct StandingRow {
    pub label: String,
    pub counts: StandingCounts,
}

const WIDTH: f64 = 400.0;
const ROW: f64 = 50.0;
/// A legend row's height; the legend has two rows of three in Japanese, three of two in
/// English, whose names are longer.
const LEGEND_ROW: f64 = 22.0;

/// One drawn segment: where it starts and how wide it is, in viewBox units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub standing: Standing,
    pub x: f64,
    pub width: f64,
}

/// The segments of a bar `WIDTH` wide: one per standing with measures, in [`Standing::ALL`]
/// order, their widths in proportion. Standings with no measures draw nothing.
pub fn segments(counts: &StandingCounts) -> Vec<Segment> {
    let total = counts.total();
    let mut x = 0.0;
    let mut out = Vec::new();
    if total == 0 {
        return out;
    }
    for standing in Standing::ALL {
        let n = counts.get(standing);
        if n == 0 {
            continue;
        }
        let width = WIDTH * n as f64 / total as f64;
        out.push(Segment { standing, x, width });
        x += width;
    }
    out
}

/// The pattern a standing's segments are filled with; `chart` keeps ids unique on the page.
fn fill(chart: &str, standing: Standing) -> String {
    format!("url(#{chart}-{})", standing.as_str())
}

/// Colour and overlay of each standing's pattern.
fn pattern(chart: &str, standing: Standing) -> impl IntoView {
    let (colour, overlay) = match standing {
        Standing::Completed => ("#1f7a45", ""),
        Standing::OnTrack => ("#1d4f91", "M0,8 L8,0"),
        Standing::Delayed => ("#b42318", "M0,0 L8,8 M0,8 L8,0"),
        Standing::NotStarted => ("#8a6500", "M3,3 h2 v2 h-2 z"),
        Standing::Cancelled => ("#4a5560", "M0,4 H8"),
        Standing::Unpublished => ("#ffffff", "M0,8 L8,0"),
    };
    let stroke = if standing == Standing::Unpublished {
        "#6b7280"
    } else {
        "#ffffff"
    };
    view! {
        <pattern id=format!("{chart}-{}", standing.as_str()) width="8" height="8" patternUnits="userSpaceOnUse">
            <rect width="8" height="8" fill=colour></rect>
            {(!overlay.is_empty()).then(|| view! {
                <path d=overlay stroke=stroke stroke-width="1.5" fill=stroke></path>
            })}
        </pattern>
    }
}

/// The chart, its legend, its summary (the children: a sentence that may name the plan's
/// pillars, marked as Japanese) and the table of counts.
#[component]
pub fn StandingChart(
    id: &'static str,
    caption: String,
    children: Children,
    rows: Vec<StandingRow>,
) -> impl IntoView {
    let (i18n, lang) = (crate::i18n::use_i18n(), crate::lang::use_lang());
    let (columns, spacing) = match lang {
        keikaku_domain::lang::Lang::Ja => (3, 135.0),
        keikaku_domain::lang::Lang::En => (2, 200.0),
    };
    let legend_rows = Standing::ALL.len().div_ceil(columns);
    let height = rows.len() as f64 * ROW + 12.0 + legend_rows as f64 * LEGEND_ROW;
    let caption_id = format!("{id}-caption");
    let summary_id = format!("{id}-summary");
    let legend_y = rows.len() as f64 * ROW + 12.0;
    let count = move |n: usize| crate::i18n::t_string!(i18n, chart.count, count = n).to_string();
    let table_id = format!("{id}-table");
    let table_name = table_id.clone();
    view! {
        <figure class="chart" aria-labelledby=caption_id.clone()>
            <figcaption id=caption_id.clone()>{caption.clone()}</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" class="chart__svg chart__svg--wide"
                aria-labelledby=format!("{caption_id} {summary_id}") preserveAspectRatio="xMinYMin meet">
                <defs>{Standing::ALL.into_iter().map(|s| pattern(id, s)).collect_view()}</defs>
                {rows.iter().enumerate().map(|(i, row)| {
                    let y = i as f64 * ROW;
                    let total = row.counts.total();
                    view! {
                        <g>
                            <text x="0" y=(y + 16.0).to_string() class="chart__label">
                                <tspan lang=keikaku_domain::lang::mark_japanese(&row.label)>{shorten_to_width(&row.label, 36)}</tspan>
                                {match lang {
                                    keikaku_domain::lang::Lang::Ja => format!("（{}）", count(total)),
                                    keikaku_domain::lang::Lang::En => format!(" ({})", count(total)),
                                }}
                            </text>
                            {segments(&row.counts).into_iter().map(|s| view! {
                                <rect x=format!("{:.1}", s.x) y=(y + 22.0).to_string() width=format!("{:.1}", s.width)
                                    height="20" fill=fill(id, s.standing) stroke="#1b1f24" stroke-width="0.5">
                                    <title>{format!("{} {}", s.standing.label_in(lang), count(row.counts.get(s.standing)))}</title>
                                </rect>
                            }).collect_view()}
                        </g>
                    }
                }).collect_view()}
                <g>
                    {Standing::ALL.into_iter().enumerate().map(|(i, s)| {
                        let x = (i % columns) as f64 * spacing;
                        let y = legend_y + (i / columns) as f64 * LEGEND_ROW;
                        view! {
                            <rect x=x.to_string() y=y.to_string() width="16" height="16" fill=fill(id, s)
                                stroke="#1b1f24" stroke-width="0.5"></rect>
                            <text x=(x + 22.0).to_string() y=(y + 13.0).to_string() class="chart__label">{s.label_in(lang)}</text>
                        }
                    }).collect_view()}
                </g>
            </svg>
            <p id=summary_id class="chart__summary">{children()}</p>
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby=table_name>
                <table class="data-table data-table--compact data-table--figures">
                    <caption class="visually-hidden" id=table_id>{caption.clone()}{crate::i18n::t!(i18n, chart.table)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{crate::i18n::t!(i18n, chart.kind)}</th>
                            {Standing::ALL.into_iter().map(|s| view! { <th scope="col">{s.label_in(lang)}</th> }).collect_view()}
                            <th scope="col">{crate::i18n::t!(i18n, chart.total)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows.into_iter().map(|row| view! {
                            <tr>
                                <th scope="row" lang=keikaku_domain::lang::mark_japanese(&row.label)>{row.label.clone()}</th>
                                {Standing::ALL.into_iter().map(|s| view! { <td>{row.counts.get(s)}</td> }).collect_view()}
                                <td>{row.counts.total()}</td>
                            </tr>
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
    fn segments_share_the_bar_in_proportion_and_skip_empty_standings() {
        let mut counts = StandingCounts::default();
        for s in [Standing::OnTrack, Standing::OnTrack, Standing::Unpublished] {
            counts.add(s);
        }
        counts.add(Standing::Delayed);
        let drawn = segments(&counts);
        let kinds: Vec<Standing> = drawn.iter().map(|s| s.standing).collect();
        assert_eq!(
            kinds,
            [Standing::OnTrack, Standing::Delayed, Standing::Unpublished]
        );
        assert_eq!(drawn[0].width, 200.0);
        assert_eq!(drawn[1].x, 200.0);
        assert_eq!(drawn[2].x + drawn[2].width, WIDTH);
        assert!(segments(&StandingCounts::default()).is_empty());
    }
}
