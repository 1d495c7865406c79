//! Roadmap tables: fiscal years as columns, a cell per year with the planned text and the stage
//! it names (a badge) and, when recorded, what was achieved. Written as HTML text
//! ([`HtmlText`]): the plan's roadmap has thousands of cells.

use crate::html_text::HtmlText;
use keikaku_domain::lang::Lang;
use keikaku_domain::roadmap::RoadmapCell;
use keikaku_domain::{FiscalYear, Stage};

/// The schedule's own words in each language.
struct Texts {
    nothing_planned: &'static str,
    continued: &'static str,
    actual: &'static str,
    legend: &'static str,
}

const JA: Texts = Texts {
    nothing_planned: "予定なし",
    continued: "→ 前年度から継続",
    actual: "実績：",
    legend: "段階の凡例",
};

const EN: Texts = Texts {
    nothing_planned: "Nothing planned",
    continued: "→ Continued from the year before",
    actual: "Actual: ",
    legend: "Key to the stages",
};

fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

pub fn write_stage_badge(html: &mut HtmlText, stage: Stage, lang: Lang) {
    let class = format!("stage stage--{}", stage.slug());
    html.element("span", &[("class", &class)], stage.label_in(lang));
}

/// `<thead>` of a roadmap table: the row headers' column, then one per fiscal year (令和n年度 with
/// the Western year; in English, FY2024 with the era year).
pub fn write_year_head(html: &mut HtmlText, first_column: &str, years: &[FiscalYear], lang: Lang) {
    html.open("thead", &[]).open("tr", &[]).element(
        "th",
        &[("scope", "col"), ("class", "roadmap-table__item")],
        first_column,
    );
    for year in years {
        let (main, western) = match lang {
            Lang::Ja => (year.japanese(), format!("{}年度", year.0)),
            Lang::En => {
                let (_, era, n) = year.era_in_both();
                (format!("FY{}", year.0), format!("{era} {n}"))
            }
        };
        html.open("th", &[("scope", "col")])
            .text(&main)
            .element("span", &[("class", "western")], &western)
            .close("th");
    }
    html.close("tr").close("thead");
}

/// One cell: what the plan says for the year and, when recorded, what was achieved (already
/// in `lang`). On a page in another language the plan's text is marked as Japanese.
pub fn write_schedule_cell(
    html: &mut HtmlText,
    cell: Option<&RoadmapCell>,
    actual: Option<&str>,
    lang: Lang,
) {
    let texts = texts(lang);
    let content: &[(&str, &str)] = match lang {
        Lang::Ja => &[("class", "cell__line")],
        _ => &[("class", "cell__line"), ("lang", "ja")],
    };
    match cell {
        None => {
            html.open("td", &[("class", "cell cell--empty")]);
            if actual.is_none() {
                html.element(
                    "span",
                    &[("class", "visually-hidden")],
                    texts.nothing_planned,
                );
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
                html.element("span", &[("class", "cell__continued")], texts.continued);
            }
            // In Japanese the badge would repeat a text that is exactly a stage name.
            if let Some(stage) = cell
                .stage
                .filter(|s| lang != Lang::Ja || cell.text.trim() != s.label())
            {
                write_stage_badge(html, stage, lang);
            }
            for line in cell.text.lines() {
                html.element("span", content, line);
            }
        }
    }
    if let Some(actual) = actual {
        html.element(
            "span",
            &[("class", "cell__actual")],
            &format!("{}{actual}", texts.actual),
        );
    }
    html.close("td");
}

/// The items of the legend explaining the stage colours (`<ul class="stage-legend">`).
pub fn stage_legend_items(lang: Lang) -> String {
    let mut items = HtmlText::new();
    for stage in Stage::ALL {
        items.open("li", &[]);
        write_stage_badge(&mut items, stage, lang);
        items.close("li");
    }
    items.finish()
}

/// The legend, whole.
pub fn write_stage_legend(html: &mut HtmlText, lang: Lang) {
    html.open(
        "ul",
        &[
            ("class", "stage-legend"),
            ("aria-label", legend_label(lang)),
        ],
    )
    .html(&stage_legend_items(lang))
    .close("ul");
}

/// The legend's accessible name.
pub fn legend_label(lang: Lang) -> &'static str {
    texts(lang).legend
}
