//! Administrators' structure changes on a real SQLite file: departments, the departments of a
//! measure, nodes and placements. Plan changes are audited and restorable; bad input (anything
//! the import would refuse) changes nothing; a node added anywhere stays there through export
//! and import; racing changes leave no orphan.

mod support;

use keikaku_domain::english::DepartmentEn;
use keikaku_domain::format::{walk_nodes, Node, NodeKind};
use keikaku_domain::import::parse_plan_file;
use keikaku_store::{
    Actor, EditOutcome, ImportMode, MeasureDepartments, NewNode, NodeEdit, Store, StoreError,
};
use std::collections::BTreeMap;

const PLAN: &str = "komagane-dx-strategy";
const ORG: &str = "komagane";

async fn store_with_komagane(tag: &str) -> (support::TempDir, Store) {
    support::store_with_komagane("structure", tag).await
}

fn admin() -> Actor {
    Actor {
        login: Some("admin".into()),
        ..Actor::default()
    }
}

fn changed(outcome: EditOutcome) -> keikaku_store::AuditEntry {
    match outcome {
        EditOutcome::Changed(entry) => *entry,
        EditOutcome::Unchanged => panic!("expected a change"),
    }
}

async fn audit_count(store: &Store) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log")
        .fetch_one(store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn departments_are_added_listed_and_removed_only_when_unused() {
    let (_dir, store) = store_with_komagane("departments").await;
    let before = store.departments(ORG).await.unwrap();
    let citizens = before.iter().find(|d| d.name == "市民課").unwrap();
    assert!(citizens.measures > 0, "市民課 leads measures");

    let name = store
        .add_department(ORG, "  地域共創課 ", Some("新設".into()), None)
        .await
        .unwrap();
    assert_eq!(name, "地域共創課");
    let after = store.departments(ORG).await.unwrap();
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(after.last().unwrap().name, "地域共創課", "added at the end");

    for (bad, field) in [("", "name"), ("地域共創課", "name"), ("a\u{7}b", "name")] {
        match store.add_department(ORG, bad, None, None).await {
            Err(StoreError::Invalid(f, _)) => assert_eq!(f, field, "{bad:?}"),
            other => panic!("{bad:?}: {other:?}"),
        }
    }
    assert!(matches!(
        store.remove_department(ORG, "市民課").await,
        Err(StoreError::InUse("name", _))
    ));
    store.remove_department(ORG, "地域共創課").await.unwrap();
    assert_eq!(store.departments(ORG).await.unwrap(), before);
}

#[tokio::test]
async fn a_department_added_with_english_is_listed_with_it_and_no_name_is_taken_twice() {
    let (_dir, store) = store_with_komagane("department-english").await;
    let english = |name: &str| DepartmentEn {
        name: Some(name.to_owned()),
        note: None,
    };
    store
        .add_department(
            ORG,
            "地域共創課",
            None,
            Some(english(" Regional Co-creation Division ")),
        )
        .await
        .unwrap();
    let listed = store.departments(ORG).await.unwrap();
    assert_eq!(
        listed.last().unwrap().en,
        Some(english("Regional Co-creation Division")),
        "trimmed and kept"
    );
    // Blank English is no English.
    store
        .add_department(
            ORG,
            "空欄課",
            None,
            Some(DepartmentEn {
                name: Some("  ".into()),
                note: None,
            }),
        )
        .await
        .unwrap();
    assert_eq!(
        store.departments(ORG).await.unwrap().last().unwrap().en,
        None
    );

    // An English name another department has in either language, a Japanese name another
    // has in English, and an English name the import would refuse: each refused by its field.
    for (name, en, field) in [
        (
            "別の課",
            english("Regional Co-creation Division"),
            "en.name",
        ),
        ("別の課", english("市民課"), "en.name"),
        ("Regional Co-creation Division", english("Other"), "name"),
        ("別の課", english(&"x".repeat(101)), "en.name"),
    ] {
        match store
            .add_department(ORG, name, None, Some(en.clone()))
            .await
        {
            Err(StoreError::Invalid(f, reason)) => {
                assert_eq!(f, field, "{name:?} {en:?}");
                assert!(!reason.in_lang(keikaku_domain::lang::Lang::En).is_empty());
            }
            other => panic!("{name:?} {en:?}: {other:?}"),
        }
    }
    // The page in English names the department by its English; a plan read back carries it.
    let (org, _) = store
        .load_plan("komagane-dx-strategy")
        .await
        .unwrap()
        .unwrap();
    let added = org
        .departments
        .iter()
        .find(|d| d.name == "地域共創課")
        .unwrap();
    assert_eq!(added.en, Some(english("Regional Co-creation Division")));
}

#[tokio::test]
async fn measure_departments_change_with_one_entry_and_restore() {
    let (_dir, store) = store_with_komagane("measure-departments").await;
    let new = MeasureDepartments {
        lead: vec!["DX戦略室".into()],
        related: vec!["市民課".into()],
    };
    let entry = changed(
        store
            .set_measure_departments(PLAN, "citizen-01", new.clone(), &admin(), 10, None)
            .await
            .unwrap(),
    );
    assert_eq!(entry.field, "departments");
    assert_eq!(
        entry.old_value.unwrap()["lead"],
        serde_json::json!(["市民課", "福祉課", "子ども課", "税務課"])
    );
    let (_, plan) = store.load_plan(PLAN).await.unwrap().unwrap();
    let measure = plan.measure("citizen-01").unwrap();
    assert_eq!(
        (&measure.lead_departments, &measure.related_departments),
        (&new.lead, &new.related)
    );
    // Same value again: nothing written.
    assert_eq!(
        store
            .set_measure_departments(PLAN, "citizen-01", new, &admin(), 11, None)
            .await
            .unwrap(),
        EditOutcome::Unchanged
    );

    let restored = changed(store.restore(entry.id, &admin(), 12).await.unwrap());
    assert_eq!(restored.restored_from, Some(entry.id));
    let (_, plan) = store.load_plan(PLAN).await.unwrap().unwrap();
    assert_eq!(
        plan.measure("citizen-01").unwrap().lead_departments,
        ["市民課", "福祉課", "子ども課", "税務課"]
    );
    assert_eq!(audit_count(&store).await, 2);

    // Unknown or repeated departments are refused and change nothing.
    for (lists, field) in [
        (
            MeasureDepartments {
                lead: vec!["存在しない課".into()],
                related: vec![],
            },
            "lead",
        ),
        (
            MeasureDepartments {
                lead: vec!["市民課".into()],
                related: vec!["市民課".into()],
            },
            "related",
        ),
    ] {
        match store
            .set_measure_departments(PLAN, "citizen-01", lists, &admin(), 13, None)
            .await
        {
            Err(StoreError::Invalid(f, _)) => assert_eq!(f, field),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(audit_count(&store).await, 2);
}

#[tokio::test]
async fn nodes_are_edited_placed_added_and_removed_with_an_audit_trail() {
    let (_dir, store) = store_with_komagane("nodes").await;

    let title = changed(
        store
            .edit_node(
                NodeEdit {
                    plan_id: PLAN,
                    node_id: "category-uketsuke",
                    field: "title",
                    value: Some("窓口のデジタル化".into()),
                    restored_from: None,
                },
                &admin(),
                20,
            )
            .await
            .unwrap(),
    );
    assert_eq!(title.entity, "node");
    assert_eq!(title.new_value, Some(serde_json::json!("窓口のデジタル化")));
    // The search index follows the new heading.
    let hits = store
        .search("窓口のデジタル化", &[PLAN.into()], 10)
        .await
        .unwrap();
    assert!(!hits.0.is_empty(), "renamed node is searchable");

    let placed = changed(
        store
            .set_node_measures(
                PLAN,
                "category-uketsuke",
                vec![
                    "citizen-02".into(),
                    "citizen-01".into(),
                    "regional-01".into(),
                ],
                &admin(),
                21,
                None,
            )
            .await
            .unwrap(),
    );
    let original: Vec<String> = (1..=8).map(|n| format!("citizen-0{n}")).collect();
    assert_eq!(placed.old_value, Some(serde_json::json!(original)));
    let (_, plan) = store.load_plan(PLAN).await.unwrap().unwrap();
    let node = walk_nodes(&plan.structure)
        .into_iter()
        .find(|n| n.id == "category-uketsuke")
        .unwrap()
        .clone();
    assert_eq!(node.measures, ["citizen-02", "citizen-01", "regional-01"]);

    store.restore(placed.id, &admin(), 22).await.unwrap();
    store.restore(title.id, &admin(), 23).await.unwrap();
    let (_, plan) = store.load_plan(PLAN).await.unwrap().unwrap();
    let node = walk_nodes(&plan.structure)
        .into_iter()
        .find(|n| n.id == "category-uketsuke")
        .unwrap()
        .clone();
    assert_eq!(node.measures, original);
    assert_ne!(node.title, "窓口のデジタル化");

    let added = changed(
        store
            .add_node(
                PLAN,
                NewNode {
                    id: "category-new".into(),
                    parent_id: Some("policy-regional".into()),
                    kind: NodeKind::Category,
                    label: None,
                    number: Some("(9)".into()),
                    title: "新しい分類".into(),
                    description: None,
                },
                &admin(),
                24,
            )
            .await
            .unwrap(),
    );
    assert_eq!(added.field, "created");
    let (_, plan) = store.load_plan(PLAN).await.unwrap().unwrap();
    let regional = plan
        .structure
        .iter()
        .find(|n| n.id == "policy-regional")
        .unwrap();
    assert_eq!(regional.children.last().unwrap().id, "category-new");

    // A node with children cannot go; a leaf can, and its placements go with it.
    assert!(matches!(
        store
            .remove_node(PLAN, "policy-regional", &admin(), 25)
            .await,
        Err(StoreError::Invalid("node_id", _))
    ));
    let removed = changed(
        store
            .remove_node(PLAN, "category-new", &admin(), 26)
            .await
            .unwrap(),
    );
    assert_eq!(removed.old_value.unwrap()["title"], "新しい分類");
    assert!(matches!(
        store.restore(removed.id, &admin(), 27).await,
        Err(StoreError::Invalid("entry", _))
    ));
    assert_eq!(audit_count(&store).await, 6);
}

#[tokio::test]
async fn bad_structure_changes_are_refused_and_change_nothing() {
    let (_dir, store) = store_with_komagane("bad").await;
    let (_, before) = store.load_plan(PLAN).await.unwrap().unwrap();
    let placements = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let cases: Vec<(Result<EditOutcome, StoreError>, &str)> = vec![
        (
            store
                .set_node_measures(
                    PLAN,
                    "category-uketsuke",
                    placements(&["nope"]),
                    &admin(),
                    1,
                    None,
                )
                .await,
            "measures",
        ),
        (
            store
                .set_node_measures(
                    PLAN,
                    "category-uketsuke",
                    placements(&["citizen-01", "citizen-01"]),
                    &admin(),
                    1,
                    None,
                )
                .await,
            "measures",
        ),
        (
            store
                .edit_node(
                    NodeEdit {
                        plan_id: PLAN,
                        node_id: "vision",
                        field: "title",
                        value: Some("   ".into()),
                        restored_from: None,
                    },
                    &admin(),
                    1,
                )
                .await,
            "value",
        ),
    ];
    for (result, field) in cases {
        match result {
            Err(StoreError::Invalid(f, _)) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    for (id, parent, title, field) in [
        ("vision", None, "x", "id"),
        ("bad id!", None, "x", "id"),
        ("ok", Some("missing"), "x", "parent_id"),
        ("ok", None, " ", "title"),
    ] {
        let node = NewNode {
            id: id.into(),
            parent_id: parent.map(str::to_owned),
            kind: NodeKind::Goal,
            label: None,
            number: None,
            title: title.into(),
            description: None,
        };
        match store.add_node(PLAN, node, &admin(), 1).await {
            Err(StoreError::Invalid(f, _)) => assert_eq!(f, field, "{id}"),
            other => panic!("{id}: {other:?}"),
        }
    }
    let (_, after) = store.load_plan(PLAN).await.unwrap().unwrap();
    assert_eq!(before, after);
    assert_eq!(audit_count(&store).await, 0);
}

fn new_node(id: &str, parent: Option<&str>) -> NewNode {
    NewNode {
        id: id.into(),
        parent_id: parent.map(str::to_owned),
        kind: NodeKind::Goal,
        label: Some("目標".into()),
        number: None,
        title: format!("{id}の見出し"),
        description: Some("説明".into()),
    }
}

/// The ids of each node's children, and of the top level under `""`.
fn children_ids(nodes: &[Node]) -> BTreeMap<String, Vec<String>> {
    let ids = |nodes: &[Node]| nodes.iter().map(|n| n.id.clone()).collect();
    let mut tree = BTreeMap::from([(String::new(), ids(nodes))]);
    for node in walk_nodes(nodes) {
        tree.insert(node.id.clone(), ids(&node.children));
    }
    tree
}

/// A node goes at the end of its parent's children wherever the parent is: the top level, the
/// first, a middle or the last top-level node, a nested node, or a node added just before. The
/// exported plan imports into a fresh database as the very same tree.
#[tokio::test]
async fn a_node_added_under_any_parent_stays_there_through_export_and_import() {
    let (_dir, store) = store_with_komagane("add-anywhere").await;
    let (_, before) = store.load_plan(PLAN).await.unwrap().unwrap();
    let mut expected = children_ids(&before.structure);
    let additions = [
        ("added-top", None),
        ("added-under-first", Some("vision")),
        ("added-under-middle", Some("policy-citizen")),
        ("added-under-internal", Some("policy-internal")),
        ("added-under-last", Some("policy-regional")),
        ("added-under-nested", Some("category-uketsuke")),
        ("added-under-added", Some("added-under-middle")),
        ("added-top-again", None),
    ];
    for (time, (id, parent)) in additions.into_iter().enumerate() {
        changed(
            store
                .add_node(PLAN, new_node(id, parent), &admin(), time as i64)
                .await
                .unwrap(),
        );
        let siblings = expected.get_mut(parent.unwrap_or_default()).unwrap();
        siblings.push(id.to_owned());
        expected.insert(id.to_owned(), Vec::new());
    }
    let (organization, plan) = store.load_plan(PLAN).await.unwrap().unwrap();
    assert_eq!(children_ids(&plan.structure), expected);
    let added = walk_nodes(&plan.structure)
        .into_iter()
        .find(|n| n.id == "added-under-nested")
        .unwrap()
        .clone();
    assert_eq!(
        (added.title.as_str(), added.description.as_deref()),
        ("added-under-nestedの見出し", Some("説明"))
    );

    let structure = plan.structure.clone();
    let exported = serde_json::to_vec(&keikaku_domain::PlanFile {
        format: keikaku_domain::format::FORMAT_TAG.into(),
        organization,
        plan,
    })
    .unwrap();
    let file = parse_plan_file("exported.json", &exported).expect("the export imports");
    let dir = support::TempDir::new("structure", "reimport");
    let fresh = Store::open(&dir.0).await.unwrap();
    fresh.import_plan(&file, ImportMode::Create).await.unwrap();
    let (_, reimported) = fresh.load_plan(PLAN).await.unwrap().unwrap();
    assert_eq!(reimported.structure, structure);
    fresh.close().await;
}

/// What the import refuses, adding or editing through the store refuses too, so every plan
/// the store holds exports to a file the import takes back.
#[tokio::test]
async fn edits_refuse_ids_and_lengths_the_import_refuses() {
    let (_dir, store) = store_with_komagane("limits").await;
    let (_, before) = store.load_plan(PLAN).await.unwrap().unwrap();
    let long_id = "a".repeat(65);
    let long_title = "題".repeat(1_001);
    let long_text = "文".repeat(20_001);
    for (node, field) in [
        (new_node("A_b", None), "id"),
        (new_node("with_underscore", None), "id"),
        (new_node("-leading", None), "id"),
        (new_node(&long_id, None), "id"),
        (
            NewNode {
                title: long_title.clone(),
                ..new_node("ok-title", None)
            },
            "title",
        ),
        (
            NewNode {
                label: Some(long_title.clone()),
                ..new_node("ok-label", None)
            },
            "label",
        ),
        (
            NewNode {
                description: Some(long_text.clone()),
                ..new_node("ok-description", None)
            },
            "description",
        ),
        (
            NewNode {
                title: "改行\u{0}入り".into(),
                ..new_node("ok-control", None)
            },
            "title",
        ),
    ] {
        match store.add_node(PLAN, node.clone(), &admin(), 1).await {
            Err(StoreError::Invalid(f, _)) => assert_eq!(f, field, "{}", node.id),
            other => panic!("{}: {other:?}", node.id),
        }
    }
    let mut refused = Vec::new();
    for (field, value) in [("title", &long_title), ("description", &long_text)] {
        let node = NodeEdit {
            plan_id: PLAN,
            node_id: "vision",
            field,
            value: Some(value.clone()),
            restored_from: None,
        };
        refused.push((field, store.edit_node(node, &admin(), 1).await));
    }
    for (field, value) in [("title", &long_title), ("summary", &long_text)] {
        let measure = keikaku_store::MeasureEdit {
            plan_id: PLAN,
            measure_id: "citizen-01",
            field,
            value: Some(value.clone()),
            restored_from: None,
        };
        refused.push((field, store.edit_measure_text(measure, &admin(), 1).await));
    }
    for (field, result) in refused {
        assert!(
            matches!(result, Err(StoreError::Invalid("value", _))),
            "{field}: {result:?}"
        );
    }
    assert!(matches!(
        store
            .add_department(ORG, "長い備考課", Some(long_text), None)
            .await,
        Err(StoreError::Invalid("note", _))
    ));
    assert!(matches!(
        store
            .add_department(ORG, &"課".repeat(101), None, None)
            .await,
        Err(StoreError::Invalid("name", _))
    ));
    let (_, after) = store.load_plan(PLAN).await.unwrap().unwrap();
    assert_eq!(before, after);
    assert_eq!(audit_count(&store).await, 0);
}

/// Each structure change reads the tree in the transaction that changes it: of a removal and
/// an addition under the removed node, exactly one wins, and no node is left without a parent.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_node_removed_while_a_child_is_added_under_it_leaves_no_orphan() {
    let (_dir, store) = store_with_komagane("orphans").await;
    let (mut removed, mut added) = (0, 0);
    for round in 0..20 {
        let parent = format!("parent-{round}");
        let child = format!("child-{round}");
        store
            .add_node(PLAN, new_node(&parent, None), &admin(), round)
            .await
            .unwrap();
        let remove = {
            let (store, parent) = (store.clone(), parent.clone());
            tokio::spawn(async move { store.remove_node(PLAN, &parent, &admin(), round).await })
        };
        let add = {
            let (store, node) = (store.clone(), new_node(&child, Some(&parent)));
            tokio::spawn(async move { store.add_node(PLAN, node, &admin(), round).await })
        };
        let (remove, add) = (remove.await.unwrap(), add.await.unwrap());
        // Exactly one of them wins; the other is refused for what the winner did.
        match (&remove, &add) {
            (Ok(_), Err(StoreError::Invalid("parent_id", _))) => removed += 1,
            (Err(StoreError::Invalid("node_id", _)), Ok(_)) => added += 1,
            other => panic!("round {round}: {other:?}"),
        }
        let (_, plan) = store.load_plan(PLAN).await.unwrap().unwrap();
        let ids: Vec<&str> = walk_nodes(&plan.structure)
            .iter()
            .map(|n| n.id.as_str())
            .collect();
        assert_eq!(
            ids.contains(&child.as_str()),
            ids.contains(&parent.as_str()),
            "round {round}"
        );
    }
    let orphans: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM structure_nodes c WHERE c.parent_id IS NOT NULL AND NOT EXISTS
           (SELECT 1 FROM structure_nodes p WHERE p.plan_id = c.plan_id AND p.id = c.parent_id)",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(orphans, 0);
    eprintln!("removals first: {removed}, additions first: {added}");
}
