//! Audited edits on a real SQLite file: one change, one entry with the right old and new values;
//! restores are new, logged changes; the log refuses updates and deletes; concurrent edits
//! each read what they replace in their own transaction.

mod support;

use keikaku_domain::PlanStatus;
use keikaku_store::{Actor, EditOutcome, MeasureEdit, Store};

const PLAN: &str = "komagane-dx-strategy";

async fn store_with_komagane(tag: &str) -> (support::TempDir, Store) {
    support::store_with_komagane("audit", tag).await
}

fn actor() -> Actor {
    Actor {
        user_id: None,
        login: Some("admin".into()),
        client: Some("test-agent".into()),
        address: Some("127.0.0.1".into()),
    }
}

#[tokio::test]
async fn one_change_gives_exactly_one_entry_with_old_and_new_values() {
    let (_dir, store) = store_with_komagane("one").await;
    let (_, before) = store
        .load_plan("komagane-dx-strategy")
        .await
        .unwrap()
        .unwrap();
    let old = before.measure("citizen-01").unwrap().target_state.clone();

    let outcome = store
        .edit_measure_text(
            MeasureEdit {
                plan_id: "komagane-dx-strategy",
                measure_id: "citizen-01",
                field: "target_state",
                value: Some("新しい目指す姿".into()),
                restored_from: None,
            },
            &actor(),
            1_000,
        )
        .await
        .unwrap();
    let EditOutcome::Changed(entry) = outcome else {
        panic!("changed")
    };
    assert_eq!(entry.old_value, old.map(serde_json::Value::String));
    assert_eq!(
        entry.new_value,
        Some(serde_json::Value::String("新しい目指す姿".into()))
    );
    assert_eq!(
        (
            entry.at,
            entry.user_login.as_deref(),
            entry.client.as_deref()
        ),
        (1_000, Some("admin"), Some("test-agent"))
    );

    let history = store
        .history("komagane-dx-strategy", "measure", "citizen-01")
        .await
        .unwrap();
    assert_eq!(history, vec![*entry.clone()]);
    // The same value again changes nothing and logs nothing.
    let again = store
        .edit_measure_text(
            MeasureEdit {
                plan_id: "komagane-dx-strategy",
                measure_id: "citizen-01",
                field: "target_state",
                value: Some("新しい目指す姿".into()),
                restored_from: None,
            },
            &actor(),
            1_001,
        )
        .await
        .unwrap();
    assert_eq!(again, EditOutcome::Unchanged);
    assert_eq!(
        store
            .history("komagane-dx-strategy", "measure", "citizen-01")
            .await
            .unwrap()
            .len(),
        1
    );
    // Search sees the new text.
    let all = vec!["komagane-dx-strategy".to_owned()];
    assert!(!store
        .search("新しい目指す姿", &all, 5)
        .await
        .unwrap()
        .0
        .is_empty());
}

#[tokio::test]
async fn restore_puts_back_the_old_value_as_a_new_logged_change() {
    let (_dir, store) = store_with_komagane("restore").await;
    let (_, before) = store
        .load_plan("komagane-dx-strategy")
        .await
        .unwrap()
        .unwrap();
    let original = before.measure("regional-01").unwrap().direction.clone();
    let EditOutcome::Changed(edit) = store
        .edit_measure_text(
            MeasureEdit {
                plan_id: "komagane-dx-strategy",
                measure_id: "regional-01",
                field: "direction",
                value: Some("書き換え".into()),
                restored_from: None,
            },
            &actor(),
            10,
        )
        .await
        .unwrap()
    else {
        panic!()
    };
    let EditOutcome::Changed(restore) = store.restore(edit.id, &actor(), 20).await.unwrap() else {
        panic!()
    };
    assert_eq!(restore.restored_from, Some(edit.id));
    assert_eq!(
        restore.old_value,
        Some(serde_json::Value::String("書き換え".into()))
    );
    assert_eq!(
        restore.new_value,
        original.clone().map(serde_json::Value::String)
    );
    let (_, after) = store
        .load_plan("komagane-dx-strategy")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.measure("regional-01").unwrap().direction, original);
    assert_eq!(
        store
            .history("komagane-dx-strategy", "measure", "regional-01")
            .await
            .unwrap()
            .len(),
        2
    );

    let EditOutcome::Changed(status) = store
        .set_plan_status("komagane-dx-strategy", PlanStatus::Draft, &actor(), 30)
        .await
        .unwrap()
    else {
        panic!()
    };
    store.restore(status.id, &actor(), 40).await.unwrap();
    let (_, plan) = store
        .load_plan("komagane-dx-strategy")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(plan.status, PlanStatus::Published);
}

#[tokio::test]
async fn the_log_is_append_only_and_sql_metacharacters_are_stored_literally() {
    let (_dir, store) = store_with_komagane("append").await;
    let nasty = "'); DROP TABLE measures; -- \" % _ \\";
    store
        .edit_measure_text(
            MeasureEdit {
                plan_id: "komagane-dx-strategy",
                measure_id: "citizen-02",
                field: "content",
                value: Some(nasty.into()),
                restored_from: None,
            },
            &actor(),
            5,
        )
        .await
        .unwrap();
    let (_, plan) = store
        .load_plan("komagane-dx-strategy")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        plan.measure("citizen-02").unwrap().content.as_deref(),
        Some(nasty)
    );
    assert_eq!(plan.measures.len(), 32);

    assert!(sqlx::query("UPDATE audit_log SET new_value = 'x'")
        .execute(store.pool())
        .await
        .is_err());
    assert!(sqlx::query("DELETE FROM audit_log")
        .execute(store.pool())
        .await
        .is_err());
    assert_eq!(
        store
            .history("komagane-dx-strategy", "measure", "citizen-02")
            .await
            .unwrap()
            .len(),
        1
    );

    let bad = store
        .edit_measure_text(
            MeasureEdit {
                plan_id: "komagane-dx-strategy",
                measure_id: "citizen-02",
                field: "title",
                value: Some("  ".into()),
                restored_from: None,
            },
            &actor(),
            6,
        )
        .await;
    assert!(bad
        .unwrap_err()
        .to_string()
        .contains("施策名は空にできません"));
    let unknown = store
        .edit_measure_text(
            MeasureEdit {
                plan_id: "komagane-dx-strategy",
                measure_id: "citizen-02",
                field: "id",
                value: Some("x".into()),
                restored_from: None,
            },
            &actor(),
            6,
        )
        .await;
    assert!(unknown.unwrap_err().to_string().contains("no such field"));
}

/// A word found nowhere in the plan, one per edit.
fn marker(n: usize) -> String {
    format!("並行編集{n:02}号")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_edits_of_one_field_chain_their_audit_values_and_leave_the_index_current() {
    let (_dir, store) = store_with_komagane("same-field").await;
    let (_, plan) = store.load_plan(PLAN).await.unwrap().unwrap();
    let original = plan.measure("citizen-01").unwrap().summary.clone();
    let edits: Vec<_> = (0..20)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                let edit = MeasureEdit {
                    plan_id: PLAN,
                    measure_id: "citizen-01",
                    field: "summary",
                    value: Some(format!("{}を記録した。", marker(n))),
                    restored_from: None,
                };
                store.edit_measure_text(edit, &actor(), n as i64).await
            })
        })
        .collect();
    for edit in edits {
        assert!(matches!(edit.await.unwrap(), Ok(EditOutcome::Changed(_))));
    }

    let history = store.history(PLAN, "measure", "citizen-01").await.unwrap();
    assert_eq!(history.len(), 20);
    let mut previous = original.map(serde_json::Value::String);
    for entry in &history {
        assert_eq!(
            entry.old_value, previous,
            "entry {} replaced what the entry before it wrote",
            entry.id
        );
        previous = entry.new_value.clone();
    }
    let (_, plan) = store.load_plan(PLAN).await.unwrap().unwrap();
    let last = plan.measure("citizen-01").unwrap().summary.clone();
    assert_eq!(last.map(serde_json::Value::String), previous);

    // The index holds the final text and none of the overwritten ones.
    let final_marker = (0..20)
        .map(marker)
        .find(|m| previous.as_ref().unwrap().as_str().unwrap().contains(m))
        .unwrap();
    for n in 0..20 {
        let (hits, _) = store
            .search(&marker(n), &[PLAN.to_owned()], 10)
            .await
            .unwrap();
        let expected = usize::from(marker(n) == final_marker);
        assert_eq!(hits.len(), expected, "search for {}", marker(n));
    }
}
