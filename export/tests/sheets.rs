//! The 進捗管理シート as CSV (what Excel opens as UTF-8) and as XLSX, read back cell by cell.

mod support;

use calamine::{Reader, Xlsx};
use keikaku_export::columns::COLUMNS;
use keikaku_export::csv::{sheet_csv, BOM};
use keikaku_export::xlsx::sheet_xlsx;

fn column(heading: &str) -> usize {
    COLUMNS.iter().position(|c| c.heading == heading).unwrap()
}

#[test]
fn the_csv_starts_with_a_bom_and_quotes_what_needs_quoting() {
    let bytes = sheet_csv(&support::sheet()).unwrap();
    assert!(bytes.starts_with(BOM), "Excel needs the BOM to read UTF-8");
    let text = std::str::from_utf8(&bytes[BOM.len()..]).unwrap();
    assert!(text.starts_with("番号,区分,施策・取組,"));
    assert!(text.contains("\r\n"), "CRLF line ends");
    let mut reader = csv::Reader::from_reader(&bytes[BOM.len()..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        &rows[1][column("実績")],
        support::TRICKY,
        "quotes, commas and line breaks survive"
    );
    assert_eq!(&rows[1][column("二次評価")], "C");
    assert_eq!(&rows[1][column("自己評価")], "B");
    assert_eq!(&rows[1][column("状態")], "確認済");
    assert_eq!(&rows[0][column("状態")], "未入力");
    assert_eq!(
        &rows[0][column("期限超過")],
        "",
        "in a final round nothing is overdue"
    );
    assert!(rows[1][column("KPI（基準値→最新値→目標値・達成率）")]
        .contains("最新値 60%（2025-03-31時点）"));
    assert!(rows[1][column("KPI（基準値→最新値→目標値・達成率）")].contains("達成率 60%"));
}

#[test]
fn the_workbook_holds_the_same_cells() {
    let bytes = sheet_xlsx(&support::sheet()).unwrap();
    let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(workbook.sheet_names(), vec!["令和6年度実績".to_owned()]);
    let range = workbook.worksheet_range("令和6年度実績").unwrap();
    let cell = |row: u32, col: usize| {
        range
            .get_value((row, col as u32))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    assert_eq!(cell(0, 0), "番号");
    assert_eq!(cell(0, column("二次評価")), "二次評価");
    assert_eq!(cell(2, column("実績")), support::TRICKY);
    assert_eq!(
        cell(2, column("施策・取組")),
        "ライフイベント毎の諸手続きのワンストップ化"
    );
    assert_eq!(cell(2, column("二次評価の理由")), "目標に対して遅れ");
    assert_eq!(range.height(), 3);
}
