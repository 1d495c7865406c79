//! Roadmap tables: fiscal years as columns, a cell per year with the planned text and the stage
//! it names (a badge) and, when recorded, what was achieved. Written as HTML text
//! ([`HtmlText`]): the plan's roadmap has thousands of cells.

use crate::html_text::HtmlText;
use keikaku_domain::lang::{text_lang, Lang};
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

/// One cell: what the plan says for the year (its English, where the plan gives it, on a
/// page in English) and, when recorded, what was achieved (already in `lang`). Each line of
/// the plan's text says its own language, so a screen reader reads the Japanese left on an
/// English page in a Japanese voice.
pub fn write_schedule_cell(
    html: &mut HtmlText,
    cell: Option<&RoadmapCell>,
    actual: Option<&str>,
    lang: Lang,
) {
    let texts = texts(lang);
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
            // The badge would repeat a text that is exactly the stage's name in the page's
            // language.
            if let Some(stage) = cell.stage.filter(|s| cell.text.trim() != s.label_in(lang)) {
                write_stage_badge(html, stage, lang);
            }
            for line in cell.text.lines() {
                let mut attributes = vec![("class", "cell__line")];
                attributes.extend((lang != Lang::Ja).then(|| ("lang", text_lang(line))));
                html.element("span", &attributes, line);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str, stage: Option<Stage>) -> String {
        let cell = RoadmapCell {
            text: text.to_owned(),
            stage,
            continued: false,
        };
        let mut english = HtmlText::new();
        write_schedule_cell(&mut english, Some(&cell), None, Lang::En);
        english.finish()
    }

    #[test]
    fn each_line_of_a_cell_on_an_english_page_says_its_language() {
        let english = cell("Pilot at one counter", Some(Stage::Trial));
        assert!(
            english.contains(r#"<span class="cell__line" lang="en">Pilot at one counter</span>"#),
            "{english}"
        );
        let japanese = cell("試験導入", Some(Stage::Trial));
        assert!(
            japanese.contains(r#"<span class="cell__line" lang="ja">試験導入</span>"#),
            "{japanese}"
        );
        // On a Japanese page the page's language is the plan's.
        let mut page = HtmlText::new();
        let plan = RoadmapCell {
            text: "試験導入".into(),
            stage: Some(Stage::Trial),
            continued: false,
        };
        write_schedule_cell(&mut page, Some(&plan), None, Lang::Ja);
        assert!(!page.finish().contains("lang="));
    }

    #[test]
    fn the_badge_is_left_out_where_the_text_is_the_stage_s_own_name() {
        assert!(!cell("Pilot", Some(Stage::Trial)).contains("stage--trial\""));
        assert!(cell("試験導入", Some(Stage::Trial))
            .contains(r#"<span class="stage stage--trial">Pilot</span>"#));
    }
}
