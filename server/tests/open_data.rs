//! Open data read back as a reuser would: every dataset of every sample plan as CSV for Excel,
//! CSV for machines and JSON, the CSVs parsed with a real CSV parser and checked cell by cell
//! against the JSON, with the licence, the date of the data and the municipality's code.

mod support;

use support::{request, Response, TestServer};

const PLANS: [(&str, &str); 5] = [
    ("komagane-dx-strategy", "202151"),
    ("shimada-dx-plan", "222097"),
    ("ena-ict-plan-2", "212105"),
    ("kamigori-dx-plan", "284815"),
    ("matsue-digital-city-hall", "322016"),
];
const DATASETS: [&str; 6] = [
    "measures",
    "actions",
    "roadmap",
    "kpis",
    "progress",
    "kpi-readings",
];

fn parse_csv(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(bytes);
    let headers = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (headers, rows)
}

/// A JSON cell as the CSV writes it: null is empty, numbers in their shortest form.
fn as_csv(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn get(server: &TestServer, path: &str) -> Response {
    let r = request(&server.addr, "GET", path, None);
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    r
}

#[test]
fn every_dataset_reads_back_the_same_as_csv_for_excel_csv_for_machines_and_json() {
    let server = TestServer::start();
    let plan_ids: Vec<String> = server
        .get("/api/v1/plans")
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    for (plan, code) in PLANS {
        assert!(
            plan_ids.iter().any(|id| id == plan),
            "{plan} in {plan_ids:?}"
        );
        for dataset in DATASETS {
            let base = format!("/api/v1/plans/{plan}/data/{dataset}");
            let json = get(&server, &format!("{base}.json")).json();
            assert_eq!(json["dataset"], dataset);
            assert_eq!(json["local_government_code"], code);
            assert_eq!(
                json["licence"]["url"],
                "https://creativecommons.org/licenses/by/4.0/deed.ja"
            );
            let date = json["data_date"].as_str().unwrap();
            assert!(
                date.len() == 10 && date.as_bytes()[4] == b'-',
                "{plan} data_date {date:?}"
            );
            let columns = json["columns"].as_array().unwrap();
            let headings: Vec<String> = columns
                .iter()
                .map(|c| c["heading"].as_str().unwrap().to_owned())
                .collect();
            let keys: Vec<&str> = columns.iter().map(|c| c["key"].as_str().unwrap()).collect();
            assert_eq!(&headings[..2], ["全国地方公共団体コード", "地方公共団体名"]);
            let rows = json["rows"].as_array().unwrap();

            let excel = get(&server, &format!("{base}.excel.csv"));
            assert_eq!(
                excel.header("content-type"),
                Some("text/csv; charset=utf-8")
            );
            assert!(
                excel.bytes.starts_with(b"\xEF\xBB\xBF"),
                "{base}: Excel's BOM"
            );
            assert!(excel.bytes.ends_with(b"\r\n"), "{base}: CRLF for Excel");
            let plain = get(&server, &format!("{base}.csv"));
            assert!(!plain.bytes.starts_with(b"\xEF\xBB\xBF"), "{base}: no BOM");
            assert!(!plain.bytes.windows(2).any(|w| w == b"\r\n"), "{base}: LF");
            for bytes in [&excel.bytes[3..], &plain.bytes[..]] {
                let (header, records) = parse_csv(bytes);
                assert_eq!(header, headings, "{base}");
                assert_eq!(records.len(), rows.len(), "{base}");
                for (record, row) in records.iter().zip(rows) {
                    for ((cell, key), heading) in record.iter().zip(&keys).zip(&headings) {
                        assert_eq!(cell, &as_csv(&row[key]), "{base} {heading}");
                    }
                    assert_eq!(record[0], code);
                }
            }
        }
    }
}

#[test]
fn a_kpi_of_points_reads_as_a_change_with_the_level_it_leads_to() {
    let server = TestServer::start();
    let json = get(&server, "/api/v1/plans/komagane-dx-strategy/data/kpis.json").json();
    let kpi = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["measure_id"] == "regional-06" && r["kpi_id"] == "kpi-1")
        .unwrap();
    assert_eq!(kpi["baseline"], 52.5);
    assert_eq!(kpi["baseline_year"], 2016);
    assert_eq!(kpi["target"], 2.5);
    assert_eq!(kpi["target_kind"], "change");
    assert_eq!(kpi["target_level"], 55);
    assert_eq!(kpi["unit"], "%");
    // Sizes of the sample: 32 measures, and every roadmap cell of measures and actions.
    let measures = get(
        &server,
        "/api/v1/plans/komagane-dx-strategy/data/measures.json",
    )
    .json();
    assert_eq!(measures["rows"].as_array().unwrap().len(), 32);
}

#[test]
fn unknown_datasets_and_unreadable_plans_are_not_found() {
    let server = TestServer::start();
    let r = request(
        &server.addr,
        "GET",
        "/api/v1/plans/komagane-dx-strategy/data/users.json",
        None,
    );
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["field"], "file");
    let r = request(
        &server.addr,
        "GET",
        "/api/v1/plans/nowhere/data/measures.json",
        None,
    );
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["field"], "plan_id");
}
