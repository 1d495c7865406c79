//! The five sample plans: each parses, imports into a real SQLite file, reads back unchanged,
//! and holds the facts its source document states.

use std::path::{Path, PathBuf};

use keikaku_domain::format::*;
use keikaku_domain::import::parse_plan_file;
use keikaku_domain::FiscalYear;
use keikaku_store::{ImportMode, ImportOutcome, Store};

fn plans_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/plans")
}

fn read(name: &str) -> PlanFile {
    let path = plans_dir().join(format!("{name}.json"));
    let bytes = std::fs::read(&path).unwrap();
    parse_plan_file(&path.display().to_string(), &bytes).unwrap_or_else(|e| panic!("{e}"))
}

/// A fresh data directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("keikaku-test-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const SEEDS: [&str; 5] = ["ena", "kamigori", "shimada", "komagane", "matsue"];

#[tokio::test]
async fn every_seed_round_trips_through_sqlite() {
    let dir = TempDir::new("roundtrip");
    let store = Store::open(&dir.0).await.unwrap();
    for name in SEEDS {
        let file = read(name);
        let report = store.import_plan(&file, ImportMode::Create).await.unwrap();
        assert_eq!(report.outcome, ImportOutcome::Created, "{name}");
        let (org, plan) = store.load_plan(&file.plan.id).await.unwrap().unwrap();
        assert_eq!(org, file.organization, "{name}: organization");
        assert_eq!(plan, file.plan, "{name}: plan");
    }
    // Importing again is idempotent.
    for name in SEEDS {
        let report = store
            .import_plan(&read(name), ImportMode::IfAbsent)
            .await
            .unwrap();
        assert_eq!(report.outcome, ImportOutcome::Unchanged, "{name}");
    }
    assert_eq!(store.plan_summaries().await.unwrap().len(), 5);
}

#[tokio::test]
async fn failed_imports_change_nothing() {
    let dir = TempDir::new("failed");
    let store = Store::open(&dir.0).await.unwrap();
    let original = read("shimada");
    store
        .import_plan(&original, ImportMode::Create)
        .await
        .unwrap();

    let mut changed = original.clone();
    changed.plan.title = "別の題名".into();
    let err = store
        .import_plan(&changed, ImportMode::Create)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");

    let mut stolen = original.clone();
    stolen.organization.id = "someone-else".into();
    let err = store
        .import_plan(&stolen, ImportMode::Replace)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("belongs to"), "{err}");

    let (_, plan) = store.load_plan("shimada-dx-plan").await.unwrap().unwrap();
    assert_eq!(plan, original.plan);
    assert_eq!(store.plan_summaries().await.unwrap().len(), 1);

    let report = store
        .import_plan(&changed, ImportMode::Replace)
        .await
        .unwrap();
    assert_eq!(report.outcome, ImportOutcome::Replaced);
    assert_eq!(
        store
            .load_plan("shimada-dx-plan")
            .await
            .unwrap()
            .unwrap()
            .1
            .title,
        "別の題名"
    );
}

#[tokio::test]
async fn search_finds_two_character_words_across_plans() {
    let dir = TempDir::new("search");
    let store = Store::open(&dir.0).await.unwrap();
    for name in SEEDS {
        store
            .import_plan(&read(name), ImportMode::Create)
            .await
            .unwrap();
    }
    let all: Vec<String> = SEEDS.iter().map(|name| read(name).plan.id).collect();
    let (hits, _) = store.search("防災", &all, 200).await.unwrap();
    assert!(
        hits.iter()
            .any(|h| h.href.contains("/measures/regional-13")),
        "防災・減災 measure found"
    );
    assert!(hits.iter().all(|h| h.snippet.matched == "防災"));
    // Only Komagane's document mentions 防災.
    assert!(hits.iter().all(|h| h.plan_id == "komagane-dx-strategy"));

    let (hits, truncated) = store.search("デジタル", &all, 1000).await.unwrap();
    assert!(!truncated);
    let plans: std::collections::HashSet<_> = hits.iter().map(|h| h.plan_id.as_str()).collect();
    assert_eq!(plans.len(), 5, "デジタル appears in every plan: {plans:?}");

    let (hits, _) = store
        .search("口座振替依頼書の電子化", &all, 20)
        .await
        .unwrap();
    assert_eq!(
        hits[0].href,
        "/plans/komagane-dx-strategy/measures/citizen-04"
    );

    let (hits, _) = store.search("ｄｘ", &all, 5).await.unwrap();
    assert_eq!(hits.len(), 5, "full-width, lower-case query matches DX");
    assert!(store.search("   ", &all, 5).await.unwrap().0.is_empty());
    // Only the plans the reader may see are searched.
    let komagane_only = vec!["komagane-dx-strategy".to_owned()];
    let (hits, _) = store
        .search("デジタル", &komagane_only, 1000)
        .await
        .unwrap();
    assert!(!hits.is_empty() && hits.iter().all(|h| h.plan_id == "komagane-dx-strategy"));
    assert!(store
        .search("デジタル", &[], 10)
        .await
        .unwrap()
        .0
        .is_empty());
    assert!(store
        .search("%", &all, 5)
        .await
        .unwrap()
        .0
        .iter()
        .all(|h| h.snippet.matched == "%"));
}

fn measure<'a>(plan: &'a Plan, id: &str) -> &'a Measure {
    plan.measure(id).unwrap_or_else(|| panic!("measure {id}"))
}

#[test]
fn komagane_facts() {
    let file = read("komagane");
    let plan = &file.plan;
    assert_eq!(file.organization.name, "駒ヶ根市");
    assert_eq!(
        plan.subtitle.as_deref(),
        Some("～ つたえ・むすび・ささえあう ～")
    );
    let period = plan.period.as_ref().unwrap();
    assert_eq!(
        (period.start_fiscal_year, period.end_fiscal_year),
        (FiscalYear(2022), FiscalYear(2026))
    );

    let count = |prefix: &str| {
        plan.measures
            .iter()
            .filter(|m| m.id.starts_with(prefix))
            .count()
    };
    assert_eq!(
        (count("citizen-"), count("internal-"), count("regional-")),
        (12, 6, 14)
    );
    assert_eq!(plan.measures.len(), 32);

    let online = measure(plan, "citizen-01");
    assert_eq!(online.title, "行政手続きのオンライン化");
    assert_eq!(
        online.lead_departments,
        ["市民課", "福祉課", "子ども課", "税務課"]
    );
    assert_eq!(
        online.general_plan_refs,
        ["1-1-1", "1-1-2", "1-1-3", "2-1-2", "共通基盤"]
    );
    assert_eq!(online.kpis[0].text, "手続きの多い課での待ち時間 ゼロ");
    assert_eq!(
        online.schedule[0],
        ScheduleCell {
            fiscal_year: FiscalYear(2022),
            text: "子育て・福祉の申請を優先して電子化".into(),
            through: None,
            en: None,
        }
    );

    let birth = measure(plan, "regional-01");
    assert_eq!(birth.title, "少子化対策");
    assert_eq!(birth.actions.len(), 6);
    assert_eq!(birth.actions[0].title, "新しい子育て支援アプリの導入");
    let stages: Vec<&str> = birth.actions[0]
        .schedule
        .iter()
        .map(|c| c.text.as_str())
        .collect();
    assert_eq!(stages, ["試験導入", "本番導入", "定着化"]);
    let births = &birth.kpis[0];
    assert_eq!(
        births.target.as_ref().map(|t| (t.value, t.year)),
        Some((260.0, Some(2026)))
    );
    assert_eq!(birth.related_departments, ["商工観光課"]);

    let facilities = measure(plan, "regional-03");
    let library = facilities
        .kpis
        .iter()
        .find(|k| k.label.contains("図書館や公民館"))
        .unwrap();
    assert_eq!(
        library.baseline.as_ref().map(|b| (b.value, b.year)),
        Some((3.71, Some(2021)))
    );
    assert_eq!(
        library.target.as_ref().map(|t| (t.value, t.year)),
        Some((3.84, Some(2026)))
    );

    let disaster = measure(plan, "regional-13");
    assert_eq!(disaster.title, "防災・減災");
    assert!(measure(plan, "citizen-09")
        .related_departments
        .contains(&"全課".to_string()));
    assert_eq!(measure(plan, "internal-06").title, "業務再構築（BPR）");

    assert!(plan
        .milestones
        .iter()
        .any(|m| m.fiscal_year == FiscalYear(2025) && m.text.contains("電子決裁開始")));
    let terms: Vec<&str> = plan.glossary.iter().map(|t| t.term.as_str()).collect();
    assert!(
        terms.contains(&"オープンデータ") && terms.contains(&"BPR") && terms.contains(&"5G"),
        "{terms:?}"
    );
    assert!(plan.glossary.len() >= 50);
}

#[test]
fn no_seed_keeps_an_ocr_slip() {
    // The Komagane seed's OCR reads 罠 (trap) as 罾 (fishing net) throughout.
    for name in ["komagane", "shimada", "ena", "kamigori", "matsue"] {
        let text = std::fs::read_to_string(plans_dir().join(format!("{name}.json"))).unwrap();
        assert!(!text.contains('罾'), "{name}");
    }
    let file = read("komagane");
    let action = &measure(&file.plan, "regional-10").actions[1];
    assert_eq!(action.title, "罠の I o T*化による省力化");
}

#[test]
fn a_target_of_points_on_a_dated_baseline_is_measured_from_that_baseline() {
    // Seed 003, regional-06: 「関心がある」の割合 2.5ポイント向上 (H28調査の割合：52.5%).
    let file = read("komagane");
    let kpi = &measure(&file.plan, "regional-06").kpis[0];
    let baseline = kpi.baseline.as_ref().unwrap();
    assert_eq!((baseline.value, baseline.year), (52.5, Some(2016)));
    assert_eq!(baseline.year_label(), "平成28年度（2016年度）");
    assert_eq!(kpi.target_level(), Some(55.0));
    assert_eq!(kpi.target_amount().as_deref(), Some("+2.5ポイント（55%）"));
    // 54% is 1.5 of the 2.5 points promised.
    let rate = keikaku_domain::evaluation::achievement(Some(52.5), 55.0, 54.0).unwrap();
    assert_eq!(rate.percent, 60.0);
    let line = keikaku_sync::round_sheet::KpiLine::of(
        kpi,
        Some(("54".into(), "2025-03-31".into())),
        keikaku_domain::lang::Lang::Ja,
    );
    assert_eq!(line.achievement.unwrap().percent, 60.0);
    assert_eq!(line.target.unwrap().0, "+2.5ポイント（55%）");
}

#[test]
fn work_drawn_on_with_arrows_continues_through_its_years() {
    // Seed 003, internal-05: 「調査 導入計画 | → | → | → 実行 | → 定着 改善」.
    let file = read("komagane");
    let schedule = &measure(&file.plan, "internal-05").schedule;
    let planned = |y| {
        keikaku_domain::planned_for(schedule, keikaku_domain::FiscalYear(y))
            .map(|(c, continued)| (c.text.clone(), continued))
    };
    assert_eq!(planned(2022), Some(("調査\n導入計画".to_owned(), false)));
    for year in [2023, 2024] {
        assert_eq!(
            planned(year),
            Some(("調査\n導入計画".to_owned(), true)),
            "{year}"
        );
    }
    assert_eq!(planned(2025), Some(("実行".to_owned(), false)));
    let rows = keikaku_domain::roadmap::row_cells(
        schedule,
        &(2022..=2026)
            .map(keikaku_domain::FiscalYear)
            .collect::<Vec<_>>(),
        keikaku_domain::lang::Lang::Ja,
    );
    assert!(
        rows.iter().all(Option::is_some),
        "no empty year on the roadmap"
    );
}

#[test]
fn shimada_facts() {
    let file = read("shimada");
    let plan = &file.plan;
    assert_eq!(file.organization.prefecture, "静岡県");
    assert_eq!(plan.adopted.as_deref(), Some("2022-02"));
    let period = plan.period.as_ref().unwrap();
    assert_eq!(
        (period.start_fiscal_year.0, period.end_fiscal_year.0),
        (2021, 2025)
    );
    assert_eq!(plan.measures.len(), 10);
    // Article 9(2) is the prefecture's basis; Shimada's plan only takes that plan into account
    // (seed 002, 1-4 (2)).
    let positioning = plan.positioning.as_ref().unwrap();
    assert_eq!(
        positioning.legal_basis,
        ["官民データ活用推進基本法（平成28年法律第103号）第9条第3項"]
    );
    assert!(positioning
        .related_plans
        .iter()
        .any(|p| p.starts_with("静岡県官民データ活用推進計画") && p.contains("勘案")));
    let vision = plan
        .structure
        .iter()
        .find(|n| n.kind == NodeKind::Vision)
        .unwrap();
    assert_eq!(
        vision.title,
        "誰もがデジタル技術を活用し、安心して快適に暮らせる新しい社会"
    );

    // 【再掲】: three measures of pillar 1 are placed again under pillar 2, as the same records.
    let pillars: Vec<&Node> = walk_nodes(&plan.structure)
        .into_iter()
        .filter(|n| n.kind == NodeKind::Pillar)
        .collect();
    let first = pillars
        .iter()
        .find(|n| n.number.as_deref() == Some("1"))
        .unwrap();
    let second = pillars
        .iter()
        .find(|n| n.number.as_deref() == Some("2"))
        .unwrap();
    let shared: Vec<&String> = second
        .measures
        .iter()
        .filter(|m| first.measures.contains(m))
        .collect();
    assert_eq!(shared.len(), 3);
    let online = plan
        .measures
        .iter()
        .find(|m| m.title == "行政手続のオンライン化の推進")
        .unwrap();
    assert_eq!(
        online.outcome.as_deref(),
        Some("行かない 書かない 市役所の実現")
    );
    assert!(plan.measures.iter().any(|m| m.title == "産業DXの支援"));
    assert!(plan
        .measures
        .iter()
        .any(|m| m.title == "デジタルデバイドの解消"));
    assert!(plan.glossary.iter().any(|t| t.term == "デジタル三原則"));
}

#[test]
fn ena_facts() {
    let file = read("ena");
    let plan = &file.plan;
    let period = plan.period.as_ref().unwrap();
    assert_eq!(
        (period.start_fiscal_year.0, period.end_fiscal_year.0),
        (2022, 2024)
    );
    let mission = plan
        .structure
        .iter()
        .find(|n| n.kind == NodeKind::Mission)
        .unwrap();
    assert!(mission
        .title
        .contains("デジタルを活用して、市民の多様な幸せと地域社会の発展を支える"));
    let values: Vec<&Node> = plan
        .structure
        .iter()
        .filter(|n| n.kind == NodeKind::Value)
        .collect();
    assert_eq!(values.len(), 4);
    // Fields (分野) per value: 8 + 9 under 暮らしを変える, then 3, 2, 3.
    let leaves = |n: &Node| {
        n.walk()
            .into_iter()
            .filter(|d| d.children.is_empty() && d.id != n.id)
            .count()
    };
    assert_eq!(
        values.iter().map(|v| leaves(v)).collect::<Vec<_>>(),
        [17, 3, 2, 3]
    );
    let principles = plan
        .chapters
        .iter()
        .flat_map(|c| c.walk_lists())
        .find(|l| l.items.len() == 16)
        .expect("16 principles");
    assert_eq!(principles.items[0].text, "利用者のニーズから出発する");
    assert_eq!(principles.items[15].text, "SDGs につなげる");
    assert_eq!(
        principles.items[12].group.as_deref(),
        Some("市独自で追加した 4 箇条")
    );
}

#[test]
fn kamigori_facts() {
    let file = read("kamigori");
    let plan = &file.plan;
    assert_eq!(file.organization.name, "上郡町");
    let period = plan.period.as_ref().unwrap();
    assert_eq!(
        (period.start_fiscal_year.0, period.end_fiscal_year.0),
        (2022, 2025)
    );
    let vision = plan
        .structure
        .iter()
        .find(|n| n.kind == NodeKind::Vision)
        .unwrap();
    assert_eq!(vision.title, "デジタルで実現する便利でこころ豊かな暮らし");
    let perspectives: Vec<&str> = plan
        .structure
        .iter()
        .filter(|n| n.kind == NodeKind::Perspective)
        .map(|n| n.title.as_str())
        .collect();
    assert_eq!(
        perspectives,
        [
            "サービスデザイン",
            "チャレンジ",
            "データ利活用",
            "セキュリティ確保",
            "システム所有から利用への転換"
        ]
    );
}

#[test]
fn matsue_facts() {
    let file = read("matsue");
    let plan = &file.plan;
    assert_eq!(plan.title, "みんなにやさしいデジタル市役所計画");
    // Published in Keikaku (the slides are public), though the plan itself was still being drafted.
    assert_eq!(plan.status, PlanStatus::Published);
    assert!(plan.source.as_deref().unwrap().contains("計画は策定中"));
    let pillars: Vec<&str> = plan
        .structure
        .iter()
        .filter(|n| n.kind == NodeKind::Pillar)
        .map(|n| n.title.as_str())
        .collect();
    assert_eq!(pillars, ["市民サービスの向上", "業務の効率化", "人材育成"]);
    // 8年間の計画: 令和4年度–令和11年度.
    let period = plan.period.as_ref().unwrap();
    assert_eq!(
        (period.start_fiscal_year.0, period.end_fiscal_year.0),
        (2022, 2029)
    );
    let tables: Vec<&Table> = plan
        .chapters
        .iter()
        .flat_map(Chapter::walk)
        .flat_map(|c| &c.tables)
        .collect();
    assert_eq!(tables.len(), 3);
    assert!(
        tables.iter().any(|t| t.header.iter().any(|h| h == "R11")),
        "the 年度 table spans R3–R11"
    );
}

/// The browser's offline search (pure, over plans in memory) finds what the server finds, in
/// the same order.
#[tokio::test]
async fn offline_search_matches_the_server() {
    let dir = TempDir::new("offline-search");
    let store = Store::open(&dir.0).await.unwrap();
    let mut loaded = Vec::new();
    let mut ids = Vec::new();
    for name in SEEDS {
        let file = read(name);
        store.import_plan(&file, ImportMode::Create).await.unwrap();
        ids.push(file.plan.id.clone());
        loaded.push(store.load_plan(&file.plan.id).await.unwrap().unwrap());
    }
    for query in ["防災", "ＤＸ", "窓口", "マイナンバー", "の", "存在しない語"] {
        let server = store.search(query, &ids, 50).await.unwrap();
        let offline =
            keikaku_domain::search::search_plans(loaded.iter().map(|(o, p)| (o, p)), query, 50);
        assert_eq!(offline, server, "{query}");
    }
}
