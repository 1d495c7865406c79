//! Roadmap tables: fiscal years as columns, a cell per year with the planned text and the stage
//! it names (a badge) and, when recorded, what was achieved. Written as HTML text
//! ([`HtmlText`]): the plan's roadmap has thousands of cells.

use crate::html_text::HtmlText;
use keikaku_domain::roadmap::RoadmapCell;
use keikaku_domain::{FiscalYear, Stage};

pub fn write_stage_badge(html: &mut HtmlText, stage: Stage) {
    let class = format!("stage stage--{}", stage.slug());
    html.element("span", &[("class", &class)], stage.label());
}

/// `<thead>` of a roadmap table: the row headers' column, then one per fiscal year (令和n年度 with
/// the Western year).
pub fn write_year_head(html: &mut HtmlText, first_column: &str, years: &[FiscalYear]) {
    html.open("thead", &[]).open("tr", &[]).element(
        "th",
        &[("scope", "col"), ("class", "roadmap-table__item")],
        first_column,
    );
    for year in years {
        html.open("th", &[("scope", "col")])
            .text(&year.japanese())
            .element("span", &[("class", "western")], &format!("{}年度", year.0))
            .close("th");
    }
    html.close("tr").close("thead");
}

/// One cell: what the plan says for the year and, when recorded, what was achieved.
pub fn write_schedule_cell(html: &mut HtmlText, cell: Option<&RoadmapCell>, actual: Option<&str>) {
    match cell {
        None => {
            html.open("td", &[("class", "cell cell--empty")]);
            if actual.is_none() {
                html.element("span", &[("class", "visually-hidden")], "予定なし");
            }
        }
        Some(cell) => {
            let class = match cell.stage {
                Some(stage) => format!("cell cell--{}", stage.slug()),
                None => "cell".to_owned(),
            };
            let class = if cell.continued {
                format!("{class} cell--continued")
            } else {
                class
            };
            html.open("td", &[("class", &class)]);
            if cell.continued {
                html.element("span", &[("class", "cell__continued")], "→ 前年度から継続");
            }
            // The badge repeats the text when the text is exactly a stage name.
            if let Some(stage) = cell.stage.filter(|s| cell.text.trim() != s.label()) {
                write_stage_badge(html, stage);
            }
            for line in cell.text.lines() {
                html.element("span", &[("class", "cell__line")], line);
            }
        }
    }
    if let Some(actual) = actual {
        html.element(
            "span",
            &[("class", "cell__actual")],
            &format!("実績：{actual}"),
        );
    }
    html.close("td");
}

/// The items of the legend explaining the stage colours (`<ul class="stage-legend">`).
pub fn stage_legend_items() -> String {
    let mut items = HtmlText::new();
    for stage in Stage::ALL {
        items.open("li", &[]);
        write_stage_badge(&mut items, stage);
        items.close("li");
    }
    items.finish()
}

/// The legend, whole.
pub fn write_stage_legend(html: &mut HtmlText) {
    html.open(
        "ul",
        &[("class", "stage-legend"), ("aria-label", LEGEND_LABEL)],
    )
    .html(&stage_legend_items())
    .close("ul");
}

/// The legend's accessible name.
pub const LEGEND_LABEL: &str = "段階の凡例";
