//! Plan revisions on a real SQLite file: the first version of an imported plan, a draft
//! started from the current version or a revised file, edits that the rules refuse changing
//! nothing, publishing (the new content in the plan's rows, the old kept readable, rounds and
//! search following), discarding, and every step in the audit trail.

mod support;

use keikaku_domain::access::{Principal, Role, Viewer};
use keikaku_domain::evaluation::{NewRound, RoundKind};
use keikaku_domain::format::PlanFile;
use keikaku_domain::revision::diff::diff_plans;
use keikaku_domain::revision::edit::Edit;
use keikaku_domain::revision::{VersionNumber, VersionState};
use keikaku_domain::FiscalYear;
use keikaku_store::{Actor, Missing, RevisionSource, Store, StoreError, VersionName};

const PLAN: &str = "komagane-dx-strategy";
const NOW: i64 = 1_750_000_000;

fn komagane() -> PlanFile {
    support::sample("komagane")
}

async fn store(tag: &str) -> (support::TempDir, Store) {
    support::store_with_komagane("versions", tag).await
}

fn admin() -> Actor {
    Actor {
        user_id: Some(1),
        login: Some("komagane-admin".into()),
        ..Actor::default()
    }
}

fn reword(measure: &str, field: &str, value: &str) -> Edit {
    Edit::SetMeasureField {
        measure: measure.into(),
        field: field.into(),
        value: Some(value.into()),
    }
}

async fn audit_count(store: &Store) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log")
        .fetch_one(store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn an_imported_plan_is_its_own_first_version() {
    let (_dir, store) = store("first").await;
    let versions = store.plan_versions(PLAN).await.unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0].number, VersionNumber(1));
    assert_eq!(versions[0].state, VersionState::Current);
    assert_eq!(versions[0].title(), "第1版（令和4年6月策定）");
    let (_, file) = store
        .plan_version(PLAN, VersionNumber(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(file.plan, komagane().plan);
    assert!(store
        .plan_version(PLAN, VersionNumber(2))
        .await
        .unwrap()
        .is_none());
    assert!(matches!(
        store.plan_versions("no-such-plan").await,
        Err(StoreError::NotFound(Missing::Plan))
    ));
}

#[tokio::test]
async fn a_draft_is_edited_while_the_current_version_stays_as_it_is() {
    let (_dir, store) = store("draft").await;
    let info = store
        .start_revision(
            PLAN,
            RevisionSource::Current,
            VersionName {
                label: None,
                issued: Some("2024-03".into()),
            },
            &admin(),
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(info.number, VersionNumber(2));
    assert_eq!(info.state, VersionState::Draft);
    assert_eq!(info.title(), "第2版（令和6年3月改定）");
    let (_, draft) = store
        .edit_revision(
            PLAN,
            &reword("citizen-01", "title", "行政手続きのデジタル化"),
            &admin(),
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(
        draft.plan.measure("citizen-01").unwrap().title,
        "行政手続きのデジタル化"
    );
    // The public still reads the current version.
    let (_, live) = store.load_plan(PLAN).await.unwrap().unwrap();
    assert_eq!(
        live.measure("citizen-01").unwrap().title,
        "行政手続きのオンライン化"
    );
    // Only one draft at a time.
    let again = store
        .start_revision(
            PLAN,
            RevisionSource::Current,
            VersionName::default(),
            &admin(),
            NOW,
        )
        .await
        .unwrap_err();
    assert!(matches!(again, StoreError::InUse("revision", _)), "{again}");
    let versions = store.plan_versions(PLAN).await.unwrap();
    let states: Vec<VersionState> = versions.iter().map(|v| v.state).collect();
    assert_eq!(states, [VersionState::Current, VersionState::Draft]);
}

#[tokio::test]
async fn refused_edits_and_labels_change_nothing() {
    let (_dir, store) = store("refused").await;
    assert!(matches!(
        store
            .edit_revision(PLAN, &reword("citizen-01", "title", "x"), &admin(), NOW)
            .await,
        Err(StoreError::NotFound(Missing::Revision))
    ));
    store
        .start_revision(
            PLAN,
            RevisionSource::Current,
            VersionName::default(),
            &admin(),
            NOW,
        )
        .await
        .unwrap();
    let before = store.draft_revision(PLAN).await.unwrap().unwrap();
    let entries = audit_count(&store).await;
    let refused = [
        reword("no-such", "title", "x"),
        reword("citizen-01", "title", "  "),
        Edit::SetMeasureList {
            measure: "citizen-01".into(),
            field: "lead_departments".into(),
            values: vec!["存在しない課".into()],
        },
    ];
    for edit in refused {
        match store.edit_revision(PLAN, &edit, &admin(), NOW).await {
            Err(StoreError::RefusedEdit(e)) => {
                assert!(!e.reason.in_lang(keikaku_domain::lang::Lang::Ja).is_empty());
                assert!(!e.reason.in_lang(keikaku_domain::lang::Lang::En).is_empty());
            }
            other => panic!("{edit:?} gave {other:?}"),
        }
    }
    for (label, issued, field) in [
        (Some("改\n定".to_owned()), None, "label"),
        (None, Some("2024-13".to_owned()), "issued"),
        (None, Some("令和6年3月".to_owned()), "issued"),
    ] {
        match store
            .label_revision(PLAN, VersionName { label, issued }, &admin(), NOW)
            .await
        {
            Err(StoreError::Invalid(f, _)) => assert_eq!(f, field),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(store.draft_revision(PLAN).await.unwrap().unwrap(), before);
    assert_eq!(audit_count(&store).await, entries);
    // An edit that changes nothing is not logged either.
    let same = store.draft_revision(PLAN).await.unwrap().unwrap().1;
    let title = same.plan.measure("citizen-02").unwrap().title.clone();
    store
        .edit_revision(PLAN, &reword("citizen-02", "title", &title), &admin(), NOW)
        .await
        .unwrap();
    assert_eq!(audit_count(&store).await, entries);
}

#[tokio::test]
async fn publishing_makes_the_draft_current_and_keeps_the_old_version_readable() {
    let (_dir, store) = store("publish").await;
    let admin_viewer = Viewer::User(Principal {
        user_id: 1,
        organization_id: "komagane".into(),
        role: Role::Administrator,
        department: None,
    });
    let round = NewRound {
        id: "r6".into(),
        fiscal_year: FiscalYear(2024),
        kind: RoundKind::YearEnd,
        title: "令和6年度実績".into(),
        opens_on: "2025-04-01".into(),
        deadline: "2025-05-31".into(),
        stale_days: 14,
        scope: vec![],
    };
    store
        .open_round(PLAN, &round, &admin_viewer, &admin(), NOW)
        .await
        .unwrap();
    let records_before: i64 = sqlx::query_scalar("SELECT count(*) FROM round_records")
        .fetch_one(store.pool())
        .await
        .unwrap();
    store
        .start_revision(
            PLAN,
            RevisionSource::Current,
            VersionName {
                label: Some("令和6年3月改定".into()),
                issued: Some("2024-03".into()),
            },
            &admin(),
            NOW,
        )
        .await
        .unwrap();
    for edit in [
        reword(
            "citizen-01",
            "direction",
            "量子暗号による電子申請を導入します。",
        ),
        Edit::RemoveMeasure {
            measure: "regional-14".into(),
        },
    ] {
        store
            .edit_revision(PLAN, &edit, &admin(), NOW + 1)
            .await
            .unwrap();
    }
    let published = store
        .publish_revision(PLAN, &admin(), NOW + 2)
        .await
        .unwrap();
    assert_eq!(published.number, VersionNumber(2));
    assert_eq!(published.state, VersionState::Current);
    assert_eq!(published.published_at, Some(NOW + 2));

    // The plan's rows are the new version: pages, search and exports read it.
    let (_, live) = store.load_plan(PLAN).await.unwrap().unwrap();
    assert!(live.measure("regional-14").is_none());
    assert_eq!(
        live.measure("citizen-01").unwrap().direction.as_deref(),
        Some("量子暗号による電子申請を導入します。")
    );
    let (hits, _) = store
        .search("量子暗号", &[PLAN.to_owned()], 10)
        .await
        .unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    // The first version is kept as it was, and reads the same as the original file.
    let (old_info, old) = store
        .plan_version(PLAN, VersionNumber(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(old_info.state, VersionState::Superseded);
    assert_eq!(old.plan, komagane().plan);
    assert_eq!(
        diff_plans(&old.plan, &live).summary(),
        "施策の削除 1件、変更 1件"
    );
    // Rounds and their records stay with the plan and the ids they name.
    let records_after: i64 = sqlx::query_scalar("SELECT count(*) FROM round_records")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(records_after, records_before);
    assert_eq!(store.rounds(PLAN, &admin_viewer).await.unwrap().len(), 1);

    // The audit trail has every step; the version names the entry that published it.
    let entry = store
        .audit_entry(published.audit_id.unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (entry.entity.as_str(), entry.field.as_str()),
        ("plan", "version")
    );
    assert_eq!(entry.new_value.unwrap()["number"], 2);
    let steps: Vec<(String, String)> = sqlx::query_as(
        "SELECT entity_id, field FROM audit_log WHERE entity = 'revision' ORDER BY id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let steps: Vec<(&str, &str)> = steps
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            ("2", "start"),
            ("2", "set_measure_field"),
            ("2", "remove_measure")
        ]
    );
    // The next revision is the third version.
    let next = store
        .start_revision(
            PLAN,
            RevisionSource::Current,
            VersionName::default(),
            &admin(),
            NOW + 3,
        )
        .await
        .unwrap();
    assert_eq!(next.number, VersionNumber(3));
}

#[tokio::test]
async fn a_revised_file_becomes_the_draft_and_must_be_of_the_same_plan() {
    let (_dir, store) = store("file").await;
    let mut revised = komagane();
    revised.plan.measures[0].title = "行政手続きのデジタル化".into();
    let info = store
        .start_revision(
            PLAN,
            RevisionSource::File(Box::new(revised.clone())),
            VersionName::default(),
            &admin(),
            NOW,
        )
        .await
        .unwrap();
    assert_eq!(info.title(), "第2版（改定）");
    // Importing again replaces the draft being prepared.
    revised.plan.measures[1].title = "書かない窓口".into();
    store
        .start_revision(
            PLAN,
            RevisionSource::File(Box::new(revised.clone())),
            VersionName {
                label: Some("令和7年3月改定".into()),
                issued: None,
            },
            &admin(),
            NOW,
        )
        .await
        .unwrap();
    let (info, draft) = store.draft_revision(PLAN).await.unwrap().unwrap();
    assert_eq!(info.number, VersionNumber(2));
    assert_eq!(info.label, "令和7年3月改定");
    assert_eq!(draft.plan, revised.plan);

    let mut other = komagane();
    other.plan.id = "another-plan".into();
    match store
        .start_revision(
            PLAN,
            RevisionSource::File(Box::new(other)),
            VersionName::default(),
            &admin(),
            NOW,
        )
        .await
    {
        Err(StoreError::Invalid("file", reason)) => {
            assert!(reason.to_string().contains("another-plan"));
            assert!(reason
                .in_lang(keikaku_domain::lang::Lang::En)
                .starts_with("This file is of another plan"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn discarding_leaves_the_plan_and_shows_changes_made_meanwhile() {
    let (_dir, store) = store("discard").await;
    store
        .start_revision(
            PLAN,
            RevisionSource::Current,
            VersionName::default(),
            &admin(),
            NOW,
        )
        .await
        .unwrap();
    assert!(store.changes_since_revision(PLAN).await.unwrap().is_empty());
    store
        .edit_measure_text(
            keikaku_store::MeasureEdit {
                plan_id: PLAN,
                measure_id: "citizen-03",
                field: "summary",
                value: Some("現行版の訂正".into()),
                restored_from: None,
            },
            &admin(),
            NOW + 1,
        )
        .await
        .unwrap();
    let meanwhile = store.changes_since_revision(PLAN).await.unwrap();
    assert_eq!(meanwhile.len(), 1);
    assert_eq!(meanwhile[0].entity_id, "citizen-03");
    store
        .discard_revision(PLAN, &admin(), NOW + 2)
        .await
        .unwrap();
    assert!(store.draft_revision(PLAN).await.unwrap().is_none());
    assert_eq!(store.plan_versions(PLAN).await.unwrap().len(), 1);
    assert!(matches!(
        store.publish_revision(PLAN, &admin(), NOW).await,
        Err(StoreError::NotFound(Missing::Revision))
    ));
}
