//! `server import` and `server check` against real files and a real SQLite database.

mod support;

use support::{run, TempDir};

fn sample(name: &str) -> String {
    format!(
        "{}/../samples/plans/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn write(dir: &TempDir, name: &str, bytes: &[u8]) -> String {
    let path = dir.0.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

fn stored_plans(data: &TempDir) -> Vec<String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = keikaku_store::Store::open(&data.0).await.unwrap();
        let ids = store
            .plan_summaries()
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.id)
            .collect();
        store.close().await;
        ids
    })
}

#[test]
fn imports_a_plan_and_reports_its_records() {
    let data = TempDir::new("cli-import");
    let out = run(&data.0, &["import", &sample("komagane")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Created plan komagane-dx-strategy"),
        "{stdout}"
    );
    assert!(stdout.contains("32 measures"), "{stdout}");
    assert_eq!(stored_plans(&data), ["komagane-dx-strategy"]);

    // A second import of the same content changes nothing; a changed one needs --replace.
    let again = run(&data.0, &["import", &sample("komagane")]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("Unchanged"));
}

#[test]
fn malformed_files_import_nothing() {
    let data = TempDir::new("cli-bad");
    let files = TempDir::new("cli-bad-files");
    let good = sample("ena");
    let mut broken: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sample("shimada")).unwrap()).unwrap();
    broken["plan"]["measures"][0]["lead_departments"] = serde_json::json!(["存在しない課"]);
    let bad = write(&files, "bad.json", broken.to_string().as_bytes());
    let truncated = write(
        &files,
        "cut.json",
        &std::fs::read(sample("matsue")).unwrap()[..500],
    );
    let not_utf8 = write(&files, "sjis.json", &[b'{', 0x93, 0xfa, b'}']);

    let out = run(&data.0, &["import", &good, &bad, &truncated, &not_utf8]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "{bad}: plan.measures[0].lead_departments[0]: unknown department \"存在しない課\""
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{truncated}: ")) && stderr.contains("truncated file"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "{not_utf8}: line 1, column 2 (byte 1): invalid UTF-8"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was imported"));
    // Even the valid file in the batch was not imported.
    assert!(stored_plans(&data).is_empty());
}

#[test]
fn check_validates_without_a_database() {
    let data = TempDir::new("cli-check");
    let out = run(&data.0, &["check", &sample("shimada"), &sample("ena")]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("shimada.json: ok"));
    assert!(!data.0.join("keikaku.sqlite").exists());
    let unknown = run(&data.0, &["frobnicate"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("usage:"));
}
