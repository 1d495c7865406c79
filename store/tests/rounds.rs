//! Reporting rounds on a real SQLite file: opening one, submitting through a push, the DX
//! office returning, approving, finalizing and publishing, locks on a final round, reopening,
//! and every refused step changing nothing.

mod support;

use keikaku_domain::access::{Principal, Role, Viewer};
use keikaku_domain::evaluation::{
    Grade, NewRound, RecordAction, RecordState, Refusal, RoundAction, RoundKind, RoundState,
};
use keikaku_domain::FiscalYear;
use keikaku_store::{Actor, Missing, Store, StoreError};
use keikaku_sync::progress::{Field, FieldValue, RecordKey, Target};
use keikaku_sync::protocol::{
    Change, ChangeEntry, ClientId, Mutation, MutationId, Outcome, PullRequest, PushRequest,
};

const PLAN: &str = "komagane-dx-strategy";
const NOW: i64 = 1_780_000_000;

async fn store(tag: &str) -> (support::TempDir, Store) {
    support::store_with_komagane("rounds", tag).await
}

fn user(id: i64, role: Role, department: Option<&str>) -> Viewer {
    Viewer::User(Principal {
        user_id: id,
        organization_id: "komagane".into(),
        role,
        department: department.map(Into::into),
    })
}

fn admin() -> Viewer {
    user(1, Role::Administrator, None)
}

/// An editor of 税務課, the lead department of citizen-03.
fn editor() -> Viewer {
    user(2, Role::Editor, Some("税務課"))
}

fn actor(viewer: &Viewer) -> Actor {
    let id = viewer.principal().unwrap().user_id;
    Actor {
        user_id: Some(id),
        login: Some(format!("user-{id}")),
        ..Actor::default()
    }
}

fn new_round(id: &str) -> NewRound {
    NewRound {
        id: id.into(),
        fiscal_year: FiscalYear(2024),
        kind: RoundKind::YearEnd,
        title: "令和6年度実績".into(),
        opens_on: "2025-04-01".into(),
        deadline: "2025-05-31".into(),
        stale_days: 14,
        scope: vec![],
    }
}

fn key() -> RecordKey {
    RecordKey::measure(PLAN, "citizen-03", 2024)
}

fn target() -> Target {
    Target::Measure("citizen-03".into())
}

/// Pushes `changes` on citizen-03 as `viewer`, from client `c`, and returns the outcomes.
async fn push(store: &Store, viewer: &Viewer, c: &str, changes: Vec<Change>) -> Vec<Outcome> {
    let client = ClientId::new(c).unwrap();
    let counter = store.sync_sequence().await.unwrap() * 100;
    let request = PushRequest {
        client_id: client.clone(),
        mutations: changes
            .into_iter()
            .enumerate()
            .map(|(i, change)| Mutation {
                id: MutationId::new(&client, counter + i as u64 + 1),
                key: key().into(),
                change,
            })
            .collect(),
    };
    let rules = store
        .progress_authorizer(viewer, "職員", &request)
        .await
        .unwrap();
    let receipt = store
        .push(&request, &rules, &actor(viewer), NOW)
        .await
        .unwrap();
    receipt
        .response
        .results
        .into_iter()
        .map(|r| r.outcome)
        .collect()
}

/// The record's place in round `r6` as a pull from the start brings it.
async fn pulled(store: &Store) -> keikaku_sync::round::RoundRecord {
    let page = store
        .pull(&PullRequest::new(0, 1000), &[PLAN.to_owned()], None)
        .await
        .unwrap();
    page.changes
        .into_iter()
        .find_map(|c| match c {
            ChangeEntry::Round { key: k, round, .. } if k == key() => Some(round),
            _ => None,
        })
        .expect("the record's round row")
}

/// Sets the results to `text`, replacing `base`.
fn results_over(base: &str, text: &str) -> Change {
    Change::Set {
        field: Field::Results,
        value: FieldValue::Text(text.into()),
        base_version: 0,
        base_value: FieldValue::Text(base.into()),
    }
}

fn results(text: &str) -> Change {
    results_over("", text)
}

fn refusal(e: StoreError) -> Refusal {
    match e {
        StoreError::Refused(refusal) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_round_covers_measures_with_a_kpi_or_roadmap_entry_in_plan_order() {
    let (_dir, store) = store("open").await;
    let round = store
        .open_round(PLAN, &new_round("r6"), &admin(), &actor(&admin()), NOW)
        .await
        .unwrap();
    assert_eq!(round.state, RoundState::Open);
    let page = store
        .pull(&PullRequest::new(0, 1000), &[PLAN.to_owned()], None)
        .await
        .unwrap();
    let keys: Vec<String> = page
        .changes
        .iter()
        .map(|c| c.record_key().unwrap().target.id().to_owned())
        .collect();
    assert!(keys.len() >= 20, "every measure with a KPI: {keys:?}");
    assert_eq!(keys[0], "citizen-01");
    assert_eq!(page.cursor, store.sync_sequence().await.unwrap());
}

#[tokio::test]
async fn bad_rounds_are_refused_and_change_nothing() {
    let (_dir, store) = store("bad").await;
    let early = NewRound {
        deadline: "2025-03-01".into(),
        ..new_round("r6")
    };
    let e = store
        .open_round(PLAN, &early, &admin(), &actor(&admin()), NOW)
        .await
        .unwrap_err();
    assert_eq!(refusal(e).field(), Some("deadline"));
    let e = store
        .open_round(PLAN, &new_round("r6"), &editor(), &actor(&editor()), NOW)
        .await
        .unwrap_err();
    assert_eq!(refusal(e), Refusal::NotAllowed);
    let unknown = NewRound {
        scope: vec!["measure:no-such".into()],
        ..new_round("r6")
    };
    let e = store
        .open_round(PLAN, &unknown, &admin(), &actor(&admin()), NOW)
        .await
        .unwrap_err();
    assert_eq!(refusal(e).field(), Some("scope"));
    let outsider = Viewer::User(Principal {
        user_id: 9,
        organization_id: "shimada".into(),
        role: Role::Administrator,
        department: None,
    });
    let e = store
        .open_round(PLAN, &new_round("r6"), &outsider, &actor(&outsider), NOW)
        .await
        .unwrap_err();
    // A published plan of another organization: readable, but not theirs to review.
    assert!(
        matches!(e, StoreError::Refused(Refusal::NotAllowed)),
        "{e:?}"
    );
    assert_eq!(
        store.sync_sequence().await.unwrap(),
        0,
        "nothing was written"
    );
    store
        .open_round(PLAN, &new_round("r6"), &admin(), &actor(&admin()), NOW)
        .await
        .unwrap();
    let again = store
        .open_round(PLAN, &new_round("r6"), &admin(), &actor(&admin()), NOW)
        .await
        .unwrap_err();
    assert!(matches!(again, StoreError::InUse("id", _)), "{again:?}");
}

#[tokio::test]
async fn the_whole_round_from_submission_to_publication() {
    let (_dir, store) = store("loop").await;
    let admin = admin();
    let editor = editor();
    store
        .open_round(PLAN, &new_round("r6"), &admin, &actor(&admin), NOW)
        .await
        .unwrap();
    let seen = pulled(&store).await.step;
    assert_eq!(seen, 0);
    // A related department may record but not submit; the lead department submits.
    let other = user(3, Role::Editor, Some("福祉課"));
    let refused = push(
        &store,
        &other,
        "other",
        vec![Change::Submit {
            round_id: "r6".into(),
            seen,
        }],
    )
    .await;
    // Said in both languages: the page shows the one it is written in.
    let Outcome::Rejected { reason, reason_en } = &refused[0] else {
        panic!("{refused:?}")
    };
    assert!(reason.contains("主担当課"), "{reason}");
    assert_eq!(
        reason_en.as_deref(),
        Some(
            "You are not allowed to submit this measure's report (its lead department submits it)."
        )
    );
    let outcomes = push(
        &store,
        &editor,
        "tablet",
        vec![
            results("電子申請を12手続で開始"),
            Change::Submit {
                round_id: "r6".into(),
                seen,
            },
        ],
    )
    .await;
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Outcome::Applied { .. })),
        "{outcomes:?}"
    );
    let submitted = pulled(&store).await;
    assert_eq!(submitted.state, RecordState::Submitted);
    // Values wait while submitted; the editor cannot approve their own.
    let late = push(&store, &editor, "tablet", vec![results("書き換え")]).await;
    let Outcome::Rejected { reason, reason_en } = &late[0] else {
        panic!("{late:?}")
    };
    assert!(reason.contains("提出済み"), "{reason}");
    assert!(
        reason_en
            .as_deref()
            .is_some_and(|en| en.starts_with("This record was submitted")),
        "{reason_en:?}"
    );
    let e = store
        .review_record(
            "r6",
            &target(),
            &RecordAction::Approve,
            &editor,
            &actor(&editor),
            NOW,
        )
        .await
        .unwrap_err();
    assert_eq!(refusal(e), Refusal::NotAllowed);
    // Returned with a comment, then corrected and resubmitted.
    let comment = RecordAction::Return {
        comment: "KPIの実績値を入れてください".into(),
    };
    let step = store
        .review_record("r6", &target(), &comment, &admin, &actor(&admin), NOW)
        .await
        .unwrap();
    assert_eq!(step.round.value.state, RecordState::Returned);
    let stale = push(
        &store,
        &editor,
        "tablet",
        vec![Change::Submit {
            round_id: "r6".into(),
            seen: submitted.step,
        }],
    )
    .await;
    assert!(
        matches!(&stale[0], Outcome::Rejected { reason, .. } if reason.contains("KPIの実績値を入れてください")),
        "{stale:?}"
    );
    let outcomes = push(
        &store,
        &editor,
        "tablet",
        vec![
            results_over("電子申請を12手続で開始", "電子申請を15手続で開始"),
            Change::Submit {
                round_id: "r6".into(),
                seen: step.round.value.step,
            },
        ],
    )
    .await;
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, Outcome::Applied { .. })),
        "{outcomes:?}"
    );
    // Evaluated and approved; the round is closed, made final and published.
    let evaluate = RecordAction::Evaluate {
        grade: Grade::B,
        reason: "手続数は目標に届かないが順調".into(),
    };
    store
        .review_record("r6", &target(), &evaluate, &admin, &actor(&admin), NOW)
        .await
        .unwrap();
    store
        .review_record(
            "r6",
            &target(),
            &RecordAction::Approve,
            &admin,
            &actor(&admin),
            NOW,
        )
        .await
        .unwrap();
    for action in [
        RoundAction::Close,
        RoundAction::Finalize,
        RoundAction::Publish,
    ] {
        let e = store
            .step_round("r6", action, &editor, &actor(&editor), NOW)
            .await
            .unwrap_err();
        assert_eq!(refusal(e), Refusal::NotAllowed);
        store
            .step_round("r6", action, &admin, &actor(&admin), NOW)
            .await
            .unwrap();
    }
    let published = pulled(&store).await;
    assert_eq!(published.round_state, RoundState::Published);
    assert_eq!(published.secondary.as_ref().unwrap().grade, Grade::B);
    // Locked: a late edit is refused, naming the fiscal year.
    let locked = push(&store, &editor, "tablet", vec![results("確定後の修正")]).await;
    assert!(
        matches!(&locked[0], Outcome::Rejected { reason, .. } if reason == "令和6年度の評価は確定しています"),
        "{locked:?}"
    );
    // Reopened with a reason, the record takes edits again.
    let e = store
        .review_record(
            "r6",
            &target(),
            &RecordAction::Reopen { reason: " ".into() },
            &admin,
            &actor(&admin),
            NOW,
        )
        .await
        .unwrap_err();
    assert_eq!(refusal(e).field(), Some("reason"));
    store
        .review_record(
            "r6",
            &target(),
            &RecordAction::Reopen {
                reason: "KPIの集計誤り".into(),
            },
            &admin,
            &actor(&admin),
            NOW,
        )
        .await
        .unwrap();
    let reopened = push(
        &store,
        &editor,
        "tablet",
        vec![results_over(
            "電子申請を15手続で開始",
            "電子申請を16手続で開始",
        )],
    )
    .await;
    assert!(
        matches!(reopened[0], Outcome::Applied { .. }),
        "{reopened:?}"
    );
    // The whole story is in the audit trail, with who and when, in words.
    let steps = store.round_steps("r6", &admin).await.unwrap();
    let said: Vec<(&str, &str, Option<&str>)> = steps
        .iter()
        .map(|s| (s.who.as_str(), s.what.as_str(), s.target.as_deref()))
        .collect();
    let record = Some("measure:citizen-03");
    assert_eq!(
        said,
        [
            ("user-1", "評価を開始", None),
            ("user-2", "提出", record),
            ("user-1", "差戻し（KPIの実績値を入れてください）", record),
            ("user-2", "提出", record),
            ("user-1", "二次評価 B：手続数は目標に届かないが順調", record),
            ("user-1", "確認済", record),
            ("user-1", "締切", None),
            ("user-1", "確定", None),
            ("user-1", "公表", None),
            ("user-1", "再開（KPIの集計誤り）", record),
        ]
    );
    assert!(steps.iter().all(|s| s.at == NOW));
}

#[tokio::test]
async fn a_round_with_submissions_waiting_cannot_be_made_final() {
    let (_dir, store) = store("final").await;
    let admin = admin();
    store
        .open_round(PLAN, &new_round("r6"), &admin, &actor(&admin), NOW)
        .await
        .unwrap();
    push(
        &store,
        &editor(),
        "tablet",
        vec![Change::Submit {
            round_id: "r6".into(),
            seen: 0,
        }],
    )
    .await;
    store
        .step_round("r6", RoundAction::Close, &admin, &actor(&admin), NOW)
        .await
        .unwrap();
    let before = store.sync_sequence().await.unwrap();
    let e = store
        .step_round("r6", RoundAction::Finalize, &admin, &actor(&admin), NOW)
        .await
        .unwrap_err();
    assert_eq!(refusal(e), Refusal::Unreviewed { count: 1 });
    assert_eq!(store.sync_sequence().await.unwrap(), before);
    let e = store
        .step_round("no-such", RoundAction::Close, &admin, &actor(&admin), NOW)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound(Missing::Round)));
}

#[tokio::test]
async fn progress_public_before_rounds_stays_public_as_a_published_round() {
    let (dir, store) = store("legacy").await;
    let editor = editor();
    push(
        &store,
        &editor,
        "tablet",
        vec![results("導入前に公開されていた実績")],
    )
    .await;
    assert!(store.published_progress(PLAN).await.unwrap().is_empty());
    // As if the database came from before rounds: the migration has not run yet.
    sqlx::query("UPDATE data_migrations SET done = 0")
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;
    let store = Store::open(&dir.0).await.unwrap();
    let public = store.published_progress(PLAN).await.unwrap();
    assert_eq!(public.len(), 1);
    assert_eq!(
        public[0].value(Field::Results),
        FieldValue::Text("導入前に公開されていた実績".into())
    );
    let rounds = store.rounds(PLAN, &admin()).await.unwrap();
    assert_eq!(rounds.len(), 1);
    assert_eq!(rounds[0].kind, RoundKind::Interim);
    assert_eq!(rounds[0].state, RoundState::Published);
    assert_eq!(rounds[0].title, "令和6年度の進捗（評価の導入前に公開）");
    // It locks nothing: staff go on recording, and it runs only once.
    let later = push(
        &store,
        &editor,
        "tablet",
        vec![results_over("導入前に公開されていた実績", "その後の実績")],
    )
    .await;
    assert!(matches!(later[0], Outcome::Applied { .. }), "{later:?}");
    store.close().await;
    let store = Store::open(&dir.0).await.unwrap();
    assert_eq!(store.rounds(PLAN, &admin()).await.unwrap().len(), 1);
    assert_eq!(
        store.published_progress(PLAN).await.unwrap()[0].value(Field::Results),
        FieldValue::Text("導入前に公開されていた実績".into()),
        "what citizens see changes only with a published round"
    );
}

#[tokio::test]
async fn the_sheet_reports_what_was_submitted_and_when_each_record_was_touched() {
    let (_dir, store) = store("sheet").await;
    let admin = admin();
    store
        .open_round(PLAN, &new_round("r6"), &admin, &actor(&admin), NOW)
        .await
        .unwrap();
    push(
        &store,
        &editor(),
        "tablet",
        vec![
            results("窓口の待ち時間を半減"),
            Change::Submit {
                round_id: "r6".into(),
                seen: 0,
            },
        ],
    )
    .await;
    let sheet = store.round_sheet("r6", &admin, NOW + 86_400).await.unwrap();
    let row = sheet
        .rows
        .iter()
        .find(|r| r.target == target())
        .expect("citizen-03 is in the round");
    assert_eq!(row.state, RecordState::Submitted);
    assert_eq!(row.results, "窓口の待ち時間を半減");
    assert_eq!(row.last_update, Some(NOW));
    assert!(sheet
        .rows
        .iter()
        .filter(|r| r.target != target())
        .all(|r| r.last_update.is_none()));
    assert_eq!(sheet.counts().of(RecordState::Submitted), 1);
    let outsider = Viewer::User(Principal {
        user_id: 9,
        organization_id: "shimada".into(),
        role: Role::Administrator,
        department: None,
    });
    assert!(matches!(
        store.round_sheet("r6", &outsider, NOW).await,
        Err(StoreError::NotFound(Missing::Round))
    ));
}
