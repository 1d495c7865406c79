//! The report as PDF, read back as a reader would (poppler's pdftotext and pdffonts): the
//! measure's title, its KPI figures and both grades are text, the Japanese font is embedded as
//! a subset, and the contents have bookmarks and page numbers.

mod support;

use std::process::Command;

use keikaku_export::pdf::{report_pdf, PdfFonts};

const REGULAR: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
const BOLD: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc";

fn fonts() -> PdfFonts {
    let read = |path: &str| {
        std::sync::Arc::new(
            std::fs::read(path)
                .unwrap_or_else(|e| panic!("{path}: {e} (scripts/lib.sh installs fonts-noto-cjk)")),
        )
    };
    PdfFonts {
        regular: read(REGULAR),
        regular_index: 0,
        bold: read(BOLD),
        bold_index: 0,
    }
}

fn poppler(tool: &str, pdf: &[u8], extra: &[&str]) -> String {
    let dir = std::env::temp_dir().join(format!("keikaku-pdf-{tool}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("report.pdf");
    std::fs::write(&path, pdf).unwrap();
    let mut command = Command::new(tool);
    command.args(extra).arg(&path);
    if tool == "pdftotext" {
        command.arg("-");
    }
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{tool}: {e} (scripts/lib.sh installs poppler-utils)"));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_report_is_selectable_text_with_the_measure_its_kpi_and_both_grades() {
    let sheet = support::sheet();
    let pdf = report_pdf(&sheet, &fonts()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = poppler("pdftotext", &pdf, &["-layout"]);
    // Lines wrap where the page ends them: compare without white space.
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for expected in [
        "評価結果報告書",
        "令和6年度実績",
        "ライフイベント毎の諸手続きのワンストップ化",
        "最新値 60%（2025-03-31時点）",
        "達成率 60%",
        "最新値 60 ÷ 目標値 100",
        "目標に対して遅れ",
        "目次",
        "1 概要",
    ] {
        let expected: String = expected.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(
            compact.contains(&expected),
            "{expected:?} not in the text:\n{text}"
        );
    }
    assert!(text.contains("自己評価") && text.contains("二次評価"));
    // Both grades beside their labels: B for the department, C for the DX office.
    let own = text
        .lines()
        .find(|l| l.contains("自己評価") && l.contains("B"))
        .is_some();
    let secondary = text
        .lines()
        .find(|l| l.contains("二次評価") && l.contains("C"))
        .is_some();
    assert!(own && secondary, "{text}");
    // Page numbers, and the running head on the pages after the cover.
    let pages = poppler("pdfinfo", &pdf, &[]);
    let count: usize = pages
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(count >= 4, "cover, contents, summary, measures: {count}");
    assert!(compact.contains(&format!("2/{count}")), "page numbers");
}

#[test]
fn the_font_is_embedded_as_a_subset_and_the_contents_are_bookmarked() {
    let pdf = report_pdf(&support::sheet(), &fonts()).unwrap();
    let fonts = poppler("pdffonts", &pdf, &[]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty());
    for row in &rows {
        let columns: Vec<&str> = row.split_whitespace().collect();
        // name type encoding emb sub uni object ID
        let n = columns.len();
        assert_eq!(
            &columns[n - 5..n - 2],
            ["yes", "yes", "yes"],
            "embedded, subset, ToUnicode: {row}"
        );
    }
    assert!(
        pdf.len() < 2_000_000,
        "a subset, not the 19 MB font: {} bytes",
        pdf.len()
    );
    let raw = String::from_utf8_lossy(&pdf);
    assert!(raw.contains("/Outlines"), "bookmarks");
}
