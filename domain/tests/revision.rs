//! Revising a real plan: edits of a draft of the Komagane plan, and the comparison of the
//! versions they make.

use keikaku_domain::format::*;
use keikaku_domain::import::{parse_plan_file, validate};
use keikaku_domain::lang::{is_japanese, Lang};
use keikaku_domain::revision::diff::{diff_plans, Change, ItemKind};
use keikaku_domain::revision::edit::{apply, Edit};
use keikaku_domain::revision::text_diff::{new_text, old_text, SpanKind};
use keikaku_domain::FiscalYear;

fn komagane() -> PlanFile {
    parse_plan_file(
        "komagane.json",
        include_bytes!("../../samples/plans/komagane.json"),
    )
    .expect("the sample plan is valid")
}

fn edits(file: &PlanFile, list: &[Edit]) -> PlanFile {
    list.iter().fold(file.clone(), |draft, edit| {
        apply(&draft, edit).unwrap_or_else(|e| panic!("{edit:?}: {e}"))
    })
}

fn edit_json(json: serde_json::Value) -> Edit {
    serde_json::from_value(json).expect("a valid edit")
}

fn new_measure(id: &str, title: &str) -> Box<Measure> {
    serde_json::from_value(serde_json::json!({
        "id": id, "title": title, "lead_departments": ["DX戦略室"],
        "direction": "新たに取り組みます。"
    }))
    .unwrap()
}

#[test]
fn a_plan_compared_with_itself_has_no_changes() {
    let plan = komagane();
    let diff = diff_plans(&plan.plan, &plan.plan);
    assert!(diff.is_empty());
    assert_eq!(diff.summary(), "変更はありません");
}

#[test]
fn the_summary_counts_added_and_removed_measures_and_changed_kpis() {
    let plan = komagane();
    let mut list = vec![
        Edit::AddMeasure {
            measure: new_measure("citizen-90", "生成AIの活用"),
            nodes: vec!["policy-regional".into()],
        },
        Edit::AddMeasure {
            measure: new_measure("citizen-91", "データ連携基盤の構築"),
            nodes: vec!["policy-regional".into(), "goal-once-only".into()],
        },
        Edit::RemoveMeasure {
            measure: "regional-14".into(),
        },
    ];
    for measure in [
        "citizen-01",
        "citizen-02",
        "citizen-03",
        "citizen-04",
        "citizen-05",
    ] {
        let mut kpi = plan.plan.measure(measure).unwrap().kpis[0].clone();
        kpi.text = format!("{}（令和8年度）", kpi.text);
        list.push(Edit::PutKpi {
            measure: measure.into(),
            index: Some(0),
            kpi,
        });
    }
    let revised = edits(&plan, &list);
    let diff = diff_plans(&plan.plan, &revised.plan);
    assert_eq!(diff.summary(), "施策の追加 2件、削除 1件、KPIの変更 5件");
    let removed = diff
        .items
        .iter()
        .find(|i| i.change == Change::Removed)
        .unwrap();
    assert_eq!(removed.id, "regional-14");
    // A removed measure shows what it said, all of it deleted.
    assert!(removed
        .fields
        .iter()
        .all(|f| f.spans.iter().all(|s| s.kind == SpanKind::Deleted)));
    let kpi = diff.items.iter().find(|i| i.kind == ItemKind::Kpi).unwrap();
    assert_eq!(kpi.measure.as_deref(), Some("citizen-01"));
    assert_eq!(kpi.fields.len(), 1);
    assert_eq!(
        new_text(&kpi.fields[0].spans),
        "手続きの多い課での待ち時間 ゼロ（令和8年度）"
    );
}

#[test]
fn a_reworded_sentence_is_marked_character_by_character() {
    let plan = komagane();
    let old = plan
        .plan
        .measure("citizen-01")
        .unwrap()
        .direction
        .clone()
        .unwrap();
    let new = old.replace("電子申請システム", "オンライン申請システム");
    let revised = edits(
        &plan,
        &[edit_json(serde_json::json!({
            "op": "set_measure_field", "measure": "citizen-01", "field": "direction", "value": new
        }))],
    );
    let diff = diff_plans(&plan.plan, &revised.plan);
    assert_eq!(diff.summary(), "施策の変更 1件");
    let field = &diff.items[0].fields[0];
    assert_eq!(field.field, "direction");
    assert_eq!(field.label, "取組の方向");
    assert_eq!(old_text(&field.spans), old);
    assert_eq!(new_text(&field.spans), new);
    let changed: Vec<(SpanKind, &str)> = field
        .spans
        .iter()
        .filter(|s| s.kind != SpanKind::Equal)
        .map(|s| (s.kind, s.text.as_str()))
        .collect();
    assert_eq!(
        changed,
        vec![
            (SpanKind::Deleted, "電子"),
            (SpanKind::Inserted, "オンライン")
        ]
    );
}

#[test]
fn moved_and_renamed_nodes_and_measures_are_told_apart_from_edits() {
    let plan = komagane();
    let revised = edits(
        &plan,
        &[
            Edit::MoveNode {
                node: "category-communication".into(),
                parent: Some("policy-citizen".into()),
                position: 0,
            },
            Edit::SetNodeField {
                node: "goal-once-only".into(),
                field: "title".into(),
                value: Some("ワンスオンリーの徹底".into()),
            },
            Edit::PlaceMeasures {
                node: "policy-regional".into(),
                measures: {
                    let mut list: Vec<String> = plan.plan.structure[3].measures.clone();
                    list.swap(0, 5);
                    list
                },
            },
        ],
    );
    let diff = diff_plans(&plan.plan, &revised.plan);
    let moved = diff
        .items
        .iter()
        .find(|i| i.id == "category-communication")
        .unwrap();
    let moved_to = moved.moved.as_ref().unwrap();
    assert!(moved_to.from[0].contains("内部業務"), "{moved_to:?}");
    assert_ne!(moved_to.from, moved_to.to);
    assert!(moved.fields.is_empty());
    let renamed = diff
        .items
        .iter()
        .find(|i| i.id == "goal-once-only")
        .unwrap();
    assert!(renamed.renamed && renamed.moved.is_none());
    // Swapping two measures of a node moves them (at least one; the rest keep their order).
    let reordered: Vec<&str> = diff
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Measure && i.moved.is_some())
        .map(|i| i.id.as_str())
        .collect();
    assert!(
        !reordered.is_empty() && reordered.len() <= 2,
        "{reordered:?}"
    );
    assert!(
        diff.summary().contains("体系の項目の変更 1件、移動 1件"),
        "{}",
        diff.summary()
    );
}

#[test]
fn roadmap_cells_milestones_and_terms_are_compared_too() {
    let plan = komagane();
    let term = plan.plan.glossary[0].clone();
    let revised = edits(
        &plan,
        &[
            Edit::SetCell {
                item: "citizen-01".into(),
                fiscal_year: FiscalYear(2025),
                text: Some("定着化".into()),
            },
            Edit::SetCell {
                item: "citizen-01".into(),
                fiscal_year: FiscalYear(2024),
                text: None,
            },
            Edit::PutTerm {
                term: Term {
                    definition: format!("{}（改定で追記）", term.definition),
                    ..term.clone()
                },
            },
            Edit::PutMilestone {
                index: None,
                milestone: Milestone {
                    fiscal_year: FiscalYear(2026),
                    group: None,
                    text: "次期計画の策定".into(),
                    note: None,
                    en: None,
                },
            },
        ],
    );
    let diff = diff_plans(&plan.plan, &revised.plan);
    assert_eq!(
        diff.summary(),
        "工程表の追加 1件、削除 1件、マイルストーンの追加 1件、用語の変更 1件"
    );
    let cells: Vec<&str> = diff
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Cell)
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(cells, ["citizen-01/2024", "citizen-01/2025"]);
}

#[test]
fn refused_edits_name_the_field_and_change_nothing() {
    let plan = komagane();
    let cases = [
        (
            serde_json::json!({"op": "set_measure_field", "measure": "nope", "field": "title", "value": "x"}),
            "measure",
        ),
        (
            serde_json::json!({"op": "set_measure_field", "measure": "citizen-01", "field": "title", "value": " "}),
            "value",
        ),
        (
            serde_json::json!({"op": "set_measure_field", "measure": "citizen-01", "field": "id", "value": "x"}),
            "field",
        ),
        (
            serde_json::json!({"op": "set_measure_list", "measure": "citizen-01", "field": "lead_departments", "values": ["存在しない課"]}),
            "values[0]",
        ),
        (
            serde_json::json!({"op": "add_measure", "measure": {"id": "citizen-02", "title": "重複"}, "nodes": []}),
            "measure.id",
        ),
        (
            serde_json::json!({"op": "add_measure", "measure": {"id": "Bad_Id", "title": "x"}, "nodes": []}),
            "measure.id",
        ),
        (
            serde_json::json!({"op": "move_node", "node": "policy-citizen", "parent": "goal-once-only", "position": 0}),
            "parent",
        ),
        (
            serde_json::json!({"op": "remove_node", "node": "policy-citizen"}),
            "node",
        ),
        (
            serde_json::json!({"op": "set_cell", "item": "citizen-01", "fiscal_year": 2030, "text": "延長"}),
            "fiscal_year",
        ),
        (
            serde_json::json!({"op": "place_measures", "node": "vision", "measures": ["citizen-01", "citizen-01"]}),
            "measures[1]",
        ),
        (
            serde_json::json!({"op": "remove_kpi", "measure": "citizen-01", "index": 9}),
            "index",
        ),
        (
            serde_json::json!({"op": "set_measure_field", "measure": "citizen-01", "field": "direction", "value": "字".repeat(20_001)}),
            "value",
        ),
    ];
    for (json, field) in cases {
        let edit = edit_json(json.clone());
        let error = apply(&plan, &edit).expect_err(&json.to_string());
        assert_eq!(error.field, field, "{json}");
        let (ja, en) = (
            error.reason.in_lang(Lang::Ja),
            error.reason.in_lang(Lang::En),
        );
        assert!(is_japanese(ja), "{error}");
        // The English may quote the plan's words, but says the rest in English.
        let outside_quotes: String = en.split(['“', '”']).step_by(2).collect();
        assert!(
            !en.is_empty() && !is_japanese(&outside_quotes),
            "{json}: {en}"
        );
    }
}

#[test]
fn every_accepted_edit_leaves_a_plan_the_import_accepts() {
    let plan = komagane();
    let revised = edits(
        &plan,
        &[
            Edit::AddNode {
                parent: Some("policy-internal".into()),
                node: serde_json::from_value(
                    serde_json::json!({"id": "category-ai", "kind": "category", "title": "AIの活用"}),
                )
                .unwrap(),
            },
            Edit::AddMeasure {
                measure: new_measure("internal-90", "生成AIの業務利用"),
                nodes: vec!["category-ai".into()],
            },
            Edit::PutAction {
                measure: "internal-90".into(),
                action: serde_json::from_value(serde_json::json!({
                    "id": "internal-90-1", "title": "ガイドラインの策定",
                    "schedule": [{"fiscal_year": 2025, "text": "検討"}]
                }))
                .unwrap(),
            },
            Edit::SetMeasureList {
                measure: "internal-90".into(),
                field: "related_departments".into(),
                values: vec!["市民課".into()],
            },
            Edit::RemoveMeasure {
                measure: "citizen-01".into(),
            },
            Edit::RemoveTerm {
                id: plan.plan.glossary[1].id.clone(),
            },
            Edit::SetChapterField {
                chapter: plan.plan.chapters[0].id.clone(),
                field: "body".into(),
                value: Some("改定に当たって".into()),
            },
            Edit::SetPlanField {
                field: "adopted".into(),
                value: Some("2024-03".into()),
            },
        ],
    );
    assert_eq!(validate(&revised), vec![]);
    // citizen-01 is gone from every node too.
    assert!(walk_nodes(&revised.plan.structure)
        .iter()
        .all(|n| !n.measures.contains(&"citizen-01".to_owned())));
    let diff = diff_plans(&plan.plan, &revised.plan);
    let summary = diff.summary();
    assert!(summary.starts_with("計画の基本情報の変更 1件、本文の変更 1件、体系の項目の追加 1件、施策の追加 1件、削除 1件"), "{summary}");
}

#[test]
fn edits_are_strict_json() {
    let unknown = serde_json::json!({"op": "remove_measure", "measure": "a", "extra": 1});
    assert!(serde_json::from_value::<Edit>(unknown).is_err());
    let no_op = serde_json::json!({"op": "rename_everything"});
    assert!(serde_json::from_value::<Edit>(no_op).is_err());
    let edit = Edit::RemoveNode { node: "n".into() };
    let json = serde_json::to_value(&edit).unwrap();
    assert_eq!(json, serde_json::json!({"op": "remove_node", "node": "n"}));
    assert_eq!(serde_json::from_value::<Edit>(json).unwrap(), edit);
}
