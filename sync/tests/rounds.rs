//! Reporting rounds through sync: a tablet submits offline after its edits, the reference
//! server decides the submission in order with them, refuses edits a round has locked and
//! submissions that come too late, and the tablet keeps whatever was refused, readable.

use keikaku_domain::evaluation::{RecordState, RoundKind, RoundState};
use keikaku_sync::client::Replica;
use keikaku_sync::progress::{Field, FieldValue, RecordKey, Status};
use keikaku_sync::protocol::{Change, ClientId, Mutation, Outcome, PullRequest};
use keikaku_sync::round::RoundRecord;
use keikaku_sync::server::{AppliedChange, ServerState};

fn key() -> RecordKey {
    RecordKey::measure("komagane-dx", "citizen-01", 2024)
}

fn round(state: RecordState, step: u64, round_state: RoundState) -> RoundRecord {
    RoundRecord {
        round_id: "r6".into(),
        title: "令和6年度実績".into(),
        kind: RoundKind::YearEnd,
        round_state,
        deadline: "2025-05-31".into(),
        state,
        reopened: false,
        step,
        comment: None,
        secondary: None,
    }
}

fn anyone(_: &ClientId, _: &Mutation) -> Result<(), String> {
    Ok(())
}

/// Pulls everything the server holds into the replica.
fn pull(server: &ServerState, replica: &mut Replica) {
    loop {
        let answer = server.pull(&PullRequest::new(replica.cursor(), 1000), |_| true);
        replica.apply_pull(&answer);
        if !answer.more {
            break;
        }
    }
}

/// Sends the replica's outbox, as one push, and takes in the answer; returns the outcomes.
fn sync(server: &mut ServerState, replica: &mut Replica) -> Vec<Outcome> {
    let Some((request, _)) = replica.next_push(2000) else {
        return Vec::new();
    };
    let answer = server.push(&request, anyone).unwrap();
    replica.apply_push_response(&answer);
    answer.results.into_iter().map(|r| r.outcome).collect()
}

fn tablet(server: &ServerState) -> Replica {
    let mut replica = Replica::new(ClientId::new("tablet").unwrap());
    pull(server, &mut replica);
    replica
}

fn status(value: Status) -> FieldValue {
    FieldValue::Status(Some(value))
}

#[test]
fn a_submission_queued_offline_hands_in_the_edits_before_it() {
    let mut server = ServerState::new();
    server.put_round(&key(), round(RecordState::NotEntered, 0, RoundState::Open));
    let mut replica = tablet(&server);
    // Offline: two edits, then submit.
    replica
        .edit(
            key(),
            Field::Results,
            FieldValue::Text("窓口を3か所で開始".into()),
        )
        .unwrap();
    replica
        .edit(key(), Field::Status, status(Status::OnTrack))
        .unwrap();
    replica.submit(key(), "r6").unwrap();
    assert_eq!(
        replica.view(&key()).rounds["r6"].value.state,
        RecordState::Submitted,
        "shown as submitted before it is sent"
    );
    let outcomes = sync(&mut server, &mut replica);
    assert!(outcomes
        .iter()
        .all(|o| matches!(o, Outcome::Applied { .. })));
    let submitted = server
        .history()
        .iter()
        .find_map(|h| match &h.change {
            AppliedChange::Submitted { snapshot, .. } => Some(snapshot.clone()),
            _ => None,
        })
        .expect("a submission in the history");
    assert_eq!(
        submitted.value(Field::Results),
        FieldValue::Text("窓口を3か所で開始".into()),
        "the snapshot holds the edit made before the submission"
    );
    let held = &replica.confirmed(&key()).unwrap().rounds["r6"];
    assert_eq!(held.value.state, RecordState::Submitted);
    assert_eq!(held.value.step, held.version);
    // Submitting again is refused on the tablet, before anything is queued.
    assert!(replica.submit(key(), "r6").is_err());
}

#[test]
fn a_submission_that_missed_a_return_is_refused_with_the_comment() {
    let mut server = ServerState::new();
    server.put_round(&key(), round(RecordState::NotEntered, 0, RoundState::Open));
    let mut offline = tablet(&server);
    offline.submit(key(), "r6").unwrap();
    // Meanwhile another device submitted and the DX office returned it.
    let returned = RoundRecord {
        comment: Some("KPIの実績値が未入力です".into()),
        ..round(RecordState::Returned, 5, RoundState::Open)
    };
    server.put_round(&key(), returned);
    let outcomes = sync(&mut server, &mut offline);
    let Outcome::Rejected { reason, .. } = &outcomes[0] else {
        panic!("{outcomes:?}");
    };
    assert!(reason.contains("差し戻されました"), "{reason}");
    assert!(reason.contains("KPIの実績値が未入力です"), "{reason}");
    assert_eq!(offline.rejected().len(), 1, "kept in the refused list");
    // Once it has seen the return, it may submit again.
    pull(&server, &mut offline);
    offline.submit(key(), "r6").unwrap();
    let outcomes = sync(&mut server, &mut offline);
    assert!(
        matches!(outcomes[0], Outcome::Applied { .. }),
        "{outcomes:?}"
    );
}

#[test]
fn a_final_round_refuses_late_edits_and_the_tablet_keeps_them() {
    let mut server = ServerState::new();
    server.put_round(&key(), round(RecordState::NotEntered, 0, RoundState::Open));
    let mut offline = tablet(&server);
    offline
        .edit(
            key(),
            Field::Results,
            FieldValue::Text("遅れて入力した実績".into()),
        )
        .unwrap();
    server.put_round(&key(), round(RecordState::Approved, 3, RoundState::Final));
    let outcomes = sync(&mut server, &mut offline);
    let Outcome::Rejected { reason, .. } = &outcomes[0] else {
        panic!("{outcomes:?}");
    };
    assert_eq!(reason, "令和6年度の評価は確定しています");
    let refused = &offline.rejected()[0];
    let Change::Set { value, .. } = &refused.mutation.change else {
        panic!("{refused:?}");
    };
    assert_eq!(value, &FieldValue::Text("遅れて入力した実績".into()));
    assert!(server.record(&key()).unwrap().fields.is_empty());
}

#[test]
fn a_submitted_year_end_record_takes_notes_but_not_values() {
    let mut server = ServerState::new();
    server.put_round(&key(), round(RecordState::Submitted, 2, RoundState::Open));
    let mut replica = tablet(&server);
    replica
        .edit(key(), Field::Percent, FieldValue::Percent(Some(80)))
        .unwrap();
    replica
        .append_note(
            key(),
            keikaku_sync::client::NewNote {
                date: "2025-04-10".into(),
                text: "現地確認".into(),
                author: "駒ヶ根 職員".into(),
            },
        )
        .unwrap();
    let outcomes = sync(&mut server, &mut replica);
    assert!(
        matches!(&outcomes[0], Outcome::Rejected { reason, .. } if reason.contains("提出済み"))
    );
    assert!(matches!(outcomes[1], Outcome::Applied { .. }));
}

#[test]
fn a_closed_round_refuses_a_new_submission() {
    let mut server = ServerState::new();
    server.put_round(&key(), round(RecordState::NotEntered, 0, RoundState::Open));
    let mut offline = tablet(&server);
    offline.submit(key(), "r6").unwrap();
    server.put_round(
        &key(),
        round(RecordState::NotEntered, 0, RoundState::Closed),
    );
    let outcomes = sync(&mut server, &mut offline);
    assert!(
        matches!(&outcomes[0], Outcome::Rejected { reason, .. } if reason.contains("締め切られました")),
        "{outcomes:?}"
    );
}

#[test]
fn a_submission_never_overtakes_an_edit_on_its_way() {
    let mut server = ServerState::new();
    server.put_round(&key(), round(RecordState::NotEntered, 0, RoundState::Open));
    let mut replica = tablet(&server);
    replica
        .edit(key(), Field::Percent, FieldValue::Percent(Some(50)))
        .unwrap();
    let first = replica.next_push_after(2000, 0).unwrap();
    // A newer edit of the same field waits behind the one on its way, then the submission.
    replica
        .edit(key(), Field::Percent, FieldValue::Percent(Some(60)))
        .unwrap();
    replica.submit(key(), "r6").unwrap();
    // While the first push is on its way, the submission does not travel in a second one.
    assert!(replica.next_push_after(2000, first.through).is_none());
    // Nor when the first is resent: the held-back edit must be decided before it.
    let (retry, _) = replica.next_push(2000).unwrap();
    assert_eq!(
        retry.mutations.len(),
        1,
        "only the unanswered edit: {retry:?}"
    );
}
