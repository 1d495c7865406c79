//! The evaluation report (評価結果報告書) as PDF: a cover, a table of contents with page
//! numbers, the summary (counts by state and by self and secondary grade as bars with their
//! figures, and per pillar), then each measure with the year's plan, results, KPIs from
//! baseline to latest reading to target with the achievement rate and its formula, both
//! evaluations and the next actions. Every page carries the plan and round at the top and its
//! number at the bottom; bookmarks follow the contents. The Japanese font is embedded as a
//! subset, and the text stays selectable and searchable (krilla writes ToUnicode maps).
//!
//! Why krilla: measured on this machine, its release build took 68 s and wrote 60 pages of
//! Japanese text in 0.26–0.33 s (69 kB); typst as a library does the layout for us but is a far
//! larger build (see `bench/README.md`), and printpdf leaves subsetting and bookmarks to us as
//! much as krilla does. The layout krilla lacks is `layout`.

mod layout;

use std::sync::Arc;

use keikaku_domain::evaluation::{Grade, RecordState};
use keikaku_sync::round_sheet::{Counts, Sheet, SheetRow};
use krilla::color::rgb;
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::{Font, TextDirection};
use krilla::Document;

use crate::columns::kpi_text;
use crate::ExportError;
use layout::{
    Anchor, Item, Metrics, Pages, BOTTOM, MARGIN_X, PAGE_HEIGHT, PAGE_WIDTH, TEXT_WIDTH, TOP,
};

/// The faces the report is set in: font files (a collection is fine) and the face's index.
pub struct PdfFonts {
    pub regular: Arc<Vec<u8>>,
    pub regular_index: u32,
    pub bold: Arc<Vec<u8>>,
    pub bold_index: u32,
}

const STATE_COLORS: [(u8, u8, u8); 5] = [
    (107, 114, 128),
    (29, 79, 145),
    (138, 101, 0),
    (180, 35, 24),
    (31, 122, 69),
];
const GRADE_COLORS: [(u8, u8, u8); 5] = [
    (31, 122, 69),
    (29, 79, 145),
    (138, 101, 0),
    (180, 35, 24),
    (107, 114, 128),
];
const TOC_LINE: f32 = 17.0;

fn or_dash(text: &str) -> &str {
    if text.trim().is_empty() {
        "—"
    } else {
        text
    }
}

fn row_name(row: &SheetRow) -> String {
    match &row.number {
        Some(n) => format!("{n} {}", row.title),
        None => row.title.clone(),
    }
}

fn state_line(counts: &Counts) -> String {
    let parts: Vec<String> = RecordState::ALL
        .iter()
        .map(|s| format!("{} {}", s.label(), counts.of(*s)))
        .collect();
    format!("{}（計{}件）", parts.join("・"), counts.total)
}

fn bars(pages: &mut Pages, labels: &[String], counts: &[usize], colors: &[(u8, u8, u8)]) {
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f32;
    for ((label, count), color) in labels.iter().zip(counts).zip(colors) {
        pages.bar(label, &format!("{count}件"), *count as f32 / max, *color);
    }
}

fn grade_labels() -> Vec<String> {
    Grade::ALL
        .iter()
        .map(|g| g.as_str().to_owned())
        .chain(std::iter::once("未評価".to_owned()))
        .collect()
}

fn cover(pages: &mut Pages, sheet: &Sheet) {
    let head = &sheet.head;
    pages.gap(150.0);
    pages.text("評価結果報告書", 28.0, true, MARGIN_X, TEXT_WIDTH, 0);
    pages.gap(10.0);
    pages.text(&head.title, 18.0, true, MARGIN_X, TEXT_WIDTH, 0);
    pages.gap(30.0);
    for (label, value) in [
        ("計画", head.plan_title.clone()),
        ("自治体", head.organization_name.clone()),
        ("年度", head.fiscal_year.label()),
        ("種類", head.kind.label().to_owned()),
        ("評価の状態", head.state.label().to_owned()),
        ("作成日", sheet.today.clone()),
    ] {
        pages.labelled(label, &value, 11.0);
    }
    if !head.state.is_final() {
        pages.gap(12.0);
        pages.paragraph(
            "この評価はまだ確定していません。内容は変わることがあります。",
            10.0,
        );
    }
}

fn summary(pages: &mut Pages, sheet: &Sheet) {
    pages.anchor("1 概要", 0);
    pages.text("1 概要", 16.0, true, MARGIN_X, TEXT_WIDTH, 0);
    let counts = sheet.counts();
    pages.paragraph(
        &format!(
            "対象{}件のうち、確認済{}件、提出済（確認待ち）{}件、差戻し{}件、未提出{}件です。",
            counts.total,
            counts.of(RecordState::Approved),
            counts.of(RecordState::Submitted),
            counts.of(RecordState::Returned),
            counts.of(RecordState::NotEntered) + counts.of(RecordState::InProgress),
        ),
        10.5,
    );
    pages.gap(6.0);
    pages.text("状態ごとの件数", 11.5, true, MARGIN_X, TEXT_WIDTH, 0);
    let states: Vec<String> = RecordState::ALL
        .iter()
        .map(|s| s.label().to_owned())
        .collect();
    let state_counts: Vec<usize> = RecordState::ALL.iter().map(|s| counts.of(*s)).collect();
    bars(pages, &states, &state_counts, &STATE_COLORS);
    let (own, secondary) = sheet.grade_counts();
    pages.gap(6.0);
    pages.text(
        "自己評価（各課）ごとの件数",
        11.5,
        true,
        MARGIN_X,
        TEXT_WIDTH,
        0,
    );
    bars(pages, &grade_labels(), &own, &GRADE_COLORS);
    pages.gap(6.0);
    pages.text(
        "二次評価（DX推進担当）ごとの件数",
        11.5,
        true,
        MARGIN_X,
        TEXT_WIDTH,
        0,
    );
    bars(pages, &grade_labels(), &secondary, &GRADE_COLORS);
    pages.gap(6.0);
    pages.text(
        "基本方針（柱）ごとの状態",
        11.5,
        true,
        MARGIN_X,
        TEXT_WIDTH,
        0,
    );
    for (pillar, counts) in sheet.by_pillar() {
        pages.text(&pillar, 10.0, true, MARGIN_X, TEXT_WIDTH, 0);
        pages.text(
            &state_line(&counts),
            9.5,
            false,
            MARGIN_X + 12.0,
            TEXT_WIDTH - 12.0,
            0,
        );
    }
}

fn measure(pages: &mut Pages, row: &SheetRow, level: usize) {
    let name = row_name(row);
    pages.ensure(110.0);
    pages.rule();
    pages.anchor(&name, level);
    pages.text(&name, 13.0, true, MARGIN_X, TEXT_WIDTH, 0);
    let mut meta = Vec::new();
    if let Some(m) = &row.measure_title {
        meta.push(format!("施策：{m}"));
    }
    meta.push(format!(
        "主担当課：{}",
        or_dash(&row.lead_departments.join("、"))
    ));
    if !row.related_departments.is_empty() {
        meta.push(format!("関係課：{}", row.related_departments.join("、")));
    }
    pages.text(&meta.join("　"), 8.5, false, MARGIN_X, TEXT_WIDTH, 90);
    let handed_in = matches!(row.state, RecordState::Submitted | RecordState::Approved);
    let state = if handed_in {
        row.state.label().to_owned()
    } else {
        format!("{}（未提出のため、現在の入力内容）", row.state.label())
    };
    let size = 9.5;
    pages.labelled("状態", &state, size);
    pages.labelled(
        "計画（工程表）",
        or_dash(row.planned.as_deref().unwrap_or_default()),
        size,
    );
    let stage = row.stage.map_or("（未記録）", |s| s.label());
    let planned = row
        .planned_stage
        .map_or(String::new(), |p| format!("（計画：{}）", p.label()));
    pages.labelled("到達した段階", &format!("{stage}{planned}"), size);
    pages.labelled("状況", row.status.map_or("（未記録）", |s| s.label()), size);
    pages.labelled(
        "進捗率",
        &row.percent.map_or("—".to_owned(), |p| format!("{p}%")),
        size,
    );
    pages.labelled("実績", or_dash(&row.results), size);
    for kpi in &row.kpis {
        pages.labelled("KPI", &kpi_text(kpi), size);
        if let Some(a) = &kpi.achievement {
            pages.labelled(
                "",
                &format!(
                    "達成率の算出：{}",
                    a.formula(keikaku_domain::lang::Lang::Ja)
                ),
                8.5,
            );
        }
    }
    let own = row.self_grade.map_or("未評価", Grade::as_str);
    pages.labelled(
        "自己評価",
        &format!("{own}　{}", or_dash(&row.self_reason)),
        size,
    );
    let secondary = match &row.secondary {
        Some(s) => format!("{}　{}", s.grade.as_str(), s.reason),
        None => "未評価".to_owned(),
    };
    pages.labelled("二次評価", &secondary, size);
    pages.labelled("次の取組", or_dash(&row.next_actions), size);
    pages.gap(8.0);
}

/// Fills the contents pages (from `first`) with each anchor's title and page number.
fn contents(pages: &mut Pages, first: usize, count: usize) {
    let entries: Vec<Anchor> = pages.anchors.clone();
    let mut page = first;
    let mut y = TOP + 30.0;
    pages.pages[page].push(Item::Text {
        x: MARGIN_X,
        y,
        size: 16.0,
        bold: true,
        gray: 0,
        text: "目次".to_owned(),
    });
    y += 20.0;
    for entry in entries {
        if y + TOC_LINE > BOTTOM {
            page += 1;
            y = TOP + 10.0;
            assert!(page < first + count, "the contents were given enough pages");
        }
        y += TOC_LINE;
        let indent = entry.level as f32 * 14.0;
        let number = (entry.page + 1).to_string();
        let number_width = pages.width(&number, 9.5);
        let title = pages.fit(&entry.title, 9.5, TEXT_WIDTH - indent - 40.0);
        pages.pages[page].push(Item::Text {
            x: MARGIN_X + indent,
            y,
            size: 9.5,
            bold: entry.level == 0,
            gray: 0,
            text: title,
        });
        pages.pages[page].push(Item::Text {
            x: MARGIN_X + TEXT_WIDTH - number_width,
            y,
            size: 9.5,
            bold: false,
            gray: 0,
            text: number,
        });
    }
}

/// The evaluation report of `sheet` as a PDF.
pub fn report_pdf(sheet: &Sheet, fonts: &PdfFonts) -> Result<Vec<u8>, ExportError> {
    let missing = |which: &str| ExportError::Pdf(format!("the {which} font cannot be read"));
    let regular =
        Metrics::new(&fonts.regular, fonts.regular_index).ok_or_else(|| missing("regular"))?;
    let bold = Metrics::new(&fonts.bold, fonts.bold_index).ok_or_else(|| missing("bold"))?;
    let mut pages = Pages::new(regular, bold);
    cover(&mut pages, sheet);

    // Contents: one line per measure, per pillar and for the two chapters.
    let pillars = sheet.by_pillar().len();
    let entries = sheet.rows.len() + pillars + 2;
    let per_page = ((BOTTOM - TOP - 50.0) / TOC_LINE).floor() as usize;
    let contents_pages = entries.div_ceil(per_page).max(1);
    let contents_first = pages.page_index() + 1;
    for _ in 0..contents_pages {
        pages.new_page();
    }

    pages.new_page();
    summary(&mut pages, sheet);
    pages.new_page();
    pages.anchor("2 施策ごとの評価", 0);
    pages.text("2 施策ごとの評価", 16.0, true, MARGIN_X, TEXT_WIDTH, 0);
    let mut pillar: Option<String> = None;
    for row in &sheet.rows {
        if row.pillar.is_some() && row.pillar != pillar {
            pillar = row.pillar.clone();
            let title = pillar.clone().unwrap_or_default();
            pages.ensure(140.0);
            pages.gap(6.0);
            pages.anchor(&title, 1);
            pages.text(&title, 12.0, true, MARGIN_X, TEXT_WIDTH, 40);
        }
        measure(&mut pages, row, if pillar.is_some() { 2 } else { 1 });
    }
    contents(&mut pages, contents_first, contents_pages);
    render(sheet, fonts, &pages)
}

fn render(sheet: &Sheet, fonts: &PdfFonts, pages: &Pages) -> Result<Vec<u8>, ExportError> {
    let font = |data: &Arc<Vec<u8>>, index| {
        Font::new(Arc::clone(data).into(), index)
            .ok_or_else(|| ExportError::Pdf("the font cannot be embedded".into()))
    };
    let regular = font(&fonts.regular, fonts.regular_index)?;
    let bold = font(&fonts.bold, fonts.bold_index)?;
    let running = format!("{}　{}", sheet.head.plan_title, sheet.head.title);
    let total = pages.pages.len();
    let mut document = Document::new();
    for (index, items) in pages.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
            .ok_or_else(|| ExportError::Pdf("page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let mut draw = |x: f32, y: f32, size: f32, is_bold: bool, gray: u8, text: &str| {
            surface.set_fill(Some(Fill {
                paint: rgb::Color::new(gray, gray, gray).into(),
                ..Fill::default()
            }));
            let face = if is_bold {
                bold.clone()
            } else {
                regular.clone()
            };
            surface.draw_text(
                Point::from_xy(x, y),
                face,
                size,
                text,
                false,
                TextDirection::Auto,
            );
        };
        if index > 0 {
            draw(MARGIN_X, 36.0, 8.0, false, 90, &running);
        }
        let number = format!("{} / {total}", index + 1);
        draw(
            PAGE_WIDTH / 2.0 - 12.0,
            PAGE_HEIGHT - 28.0,
            8.5,
            false,
            60,
            &number,
        );
        for item in items {
            match item {
                Item::Text {
                    x,
                    y,
                    size,
                    bold,
                    gray,
                    text,
                } => draw(*x, *y, *size, *bold, *gray, text),
                Item::Box { .. } => {}
            }
        }
        for item in items {
            if let Item::Box {
                x,
                y,
                width,
                height,
                rgb: (r, g, b),
            } = item
            {
                let mut path = PathBuilder::new();
                if let Some(rect) = Rect::from_xywh(*x, *y, *width, *height) {
                    path.push_rect(rect);
                }
                if let Some(path) = path.finish() {
                    surface.set_fill(Some(Fill {
                        paint: rgb::Color::new(*r, *g, *b).into(),
                        ..Fill::default()
                    }));
                    surface.draw_path(&path);
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document.set_outline(outline(&pages.anchors));
    document.set_metadata(
        Metadata::new()
            .title(format!("評価結果報告書：{}", running))
            .language("ja".into())
            .creator("Keikaku".into()),
    );
    document
        .finish()
        .map_err(|e| ExportError::Pdf(format!("{e:?}")))
}

/// Bookmarks nested by level: chapters, pillars, measures.
fn outline(anchors: &[Anchor]) -> Outline {
    fn node(anchor: &Anchor) -> OutlineNode {
        OutlineNode::new(
            anchor.title.clone(),
            XyzDestination::new(anchor.page, Point::from_xy(0.0, (anchor.y - 10.0).max(0.0))),
        )
    }
    // Build bottom-up: each node collects the deeper ones that follow it.
    fn children(anchors: &[Anchor], level: usize) -> (Vec<OutlineNode>, usize) {
        let mut nodes = Vec::new();
        let mut i = 0;
        while i < anchors.len() && anchors[i].level >= level {
            if anchors[i].level == level {
                let mut parent = node(&anchors[i]);
                let (kids, used) = children(&anchors[i + 1..], level + 1);
                for kid in kids {
                    parent.push_child(kid);
                }
                nodes.push(parent);
                i += 1 + used;
            } else {
                // A deeper entry without a parent at this level: lift it.
                let (kids, used) = children(&anchors[i..], anchors[i].level);
                nodes.extend(kids);
                i += used;
            }
        }
        (nodes, i)
    }
    let mut outline = Outline::new();
    for node in children(anchors, 0).0 {
        outline.push_child(node);
    }
    outline
}
