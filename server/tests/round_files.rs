//! A round's files as a member downloads them: the 進捗管理シート as CSV (UTF-8 with a BOM, for
//! Excel) and XLSX, and the report as PDF, named after the plan and the round.
//! `KEIKAKU_KEEP_REPORT=DIR` keeps the PDF there, to look at.

mod support;

use support::{administrator, request_with, Session, TestServer};

const PASSWORD: &str = "round files passphrase";

fn get(server: &TestServer, session: &Session, path: &str) -> support::Response {
    request_with(
        &server.addr,
        "GET",
        path,
        None,
        &[("Cookie", session.cookie.as_str())],
    )
}

#[test]
fn the_sheet_and_report_download_as_csv_xlsx_and_pdf_named_after_the_round() {
    let server = TestServer::start();
    let admin = administrator(&server, "komagane", "k-admin", PASSWORD);
    let open = r#"{"id":"r6","fiscal_year":2024,"kind":"year_end","title":"令和6年度実績",
                   "opens_on":"2025-04-01","deadline":"2025-05-31"}"#;
    let r = request_with(
        &server.addr,
        "POST",
        "/api/v1/plans/komagane-dx-strategy/rounds",
        Some(open),
        &[("Cookie", &admin.cookie), ("X-CSRF-Token", &admin.csrf)],
    );
    assert_eq!(r.status, 201, "{}", r.body);

    let csv = get(&server, &admin, "/api/v1/rounds/r6/sheet.csv");
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let disposition = csv.header("content-disposition").unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"r6.csv\"; filename*=UTF-8''"),
        "{disposition}"
    );
    assert!(
        disposition.contains("%E4%BB%A4%E5%92%8C6"),
        "the Japanese name, encoded: {disposition}"
    );
    assert!(csv.bytes.starts_with(b"\xEF\xBB\xBF"));
    let lines = csv.body.trim_start_matches('\u{feff}').lines().count();
    assert!(lines > 20, "a row per measure in scope: {lines}");
    assert!(csv.body.contains("行政手続きのオンライン化"));

    let xlsx = get(&server, &admin, "/api/v1/rounds/r6/sheet.xlsx");
    assert_eq!(xlsx.status, 200);
    assert_eq!(
        xlsx.header("content-type"),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    assert!(xlsx.bytes.starts_with(b"PK"), "a zip container");
    assert_eq!(
        get(&server, &admin, "/api/v1/rounds/no-such/sheet.xlsx").status,
        404
    );

    let pdf = get(&server, &admin, "/api/v1/rounds/r6/report.pdf");
    assert_eq!(pdf.status, 200, "{}", pdf.body);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    assert!(pdf
        .header("content-disposition")
        .unwrap()
        .starts_with("attachment; filename=\"r6.pdf\""));
    if let Ok(dir) = std::env::var("KEIKAKU_KEEP_REPORT") {
        std::fs::write(std::path::Path::new(&dir).join("report.pdf"), &pdf.bytes).unwrap();
    }
}
