//! Readers' annotations on a real SQLite file: pushed through the sync push, stored once under
//! their author, pulled only by them (from any device), deleted as tombstones, kept across a
//! reopen; the public and readers of a plan they may not see are refused.

mod support;

use keikaku_domain::access::{Role, Viewer};
use keikaku_domain::anchor::Selector;
use keikaku_store::{Actor, ImportMode, NewUser, Store, User};
use keikaku_sync::annotation::{Annotation, AnnotationKind, Target};
use keikaku_sync::protocol::{
    Change, ChangeEntry, ClientId, Mutation, MutationId, MutationKey, Outcome, PullRequest,
    PushRequest,
};
use support::store_with_komagane;

const PLAN: &str = "komagane-dx-strategy";
const NOW: i64 = 1_780_000_000;

async fn user(store: &Store, login: &str, organization: &str, role: Role) -> User {
    store
        .create_user(
            NewUser {
                organization_id: organization,
                login,
                display_name: login,
                role,
                department: None,
                password_hash: "x",
            },
            NOW,
        )
        .await
        .unwrap()
        .unwrap()
}

fn highlight(id: &str, plan_id: &str, text: &str) -> Annotation {
    Annotation {
        id: id.into(),
        plan_id: plan_id.into(),
        version: 1,
        kind: AnnotationKind::Highlight,
        target: Target::Passage {
            selector: Selector {
                key: "measure/internal-02/current_state".into(),
                exact: "ペーパーレス".into(),
                prefix: String::new(),
                suffix: String::new(),
                start: 0,
                end: 6,
            },
        },
        text: text.into(),
        replaces: None,
        made_at: NOW,
        retracted: false,
    }
}

fn in_notebook(client: &ClientId, n: u64, plan_id: &str, change: Change) -> Mutation {
    Mutation {
        id: MutationId::new(client, n),
        key: MutationKey::notebook(plan_id),
        change,
    }
}

/// Pushes as `viewer` (signed in as `account`, or the public), authorized as the server does.
async fn push(
    store: &Store,
    viewer: &Viewer,
    account: Option<&User>,
    client: &ClientId,
    mutations: Vec<Mutation>,
) -> Vec<Outcome> {
    let request = PushRequest {
        client_id: client.clone(),
        mutations,
    };
    let authorizer = store
        .progress_authorizer(
            viewer,
            account.map_or("", |u| u.display_name.as_str()),
            &request,
        )
        .await
        .unwrap();
    let actor = Actor {
        user_id: account.map(|u| u.id),
        login: account.map(|u| u.login.clone()),
        client: None,
        address: None,
    };
    let receipt = store
        .push(&request, &authorizer, &actor, NOW)
        .await
        .unwrap();
    receipt
        .response
        .results
        .into_iter()
        .map(|r| r.outcome)
        .collect()
}

/// Every annotation `reader` pulls from the start: (id, text, deleted).
async fn pulled(store: &Store, reader: Option<i64>) -> Vec<(String, String, bool)> {
    let request = PullRequest {
        notebooks: true,
        ..PullRequest::new(0, 1000)
    };
    store
        .pull(&request, &[PLAN.to_owned()], reader)
        .await
        .unwrap()
        .changes
        .into_iter()
        .filter_map(|entry| match entry {
            ChangeEntry::Annotation { annotation, .. } => {
                Some((annotation.id, annotation.text, annotation.retracted))
            }
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_members_notes_reach_only_them_on_any_device_and_survive_a_reopen() {
    let (dir, store) = store_with_komagane("annotations", "own").await;
    let member = user(&store, "giin-1", "komagane", Role::CouncilMember).await;
    let other = user(&store, "giin-2", "komagane", Role::CouncilMember).await;
    let viewer = Viewer::User(member.principal());
    let tablet = ClientId::new("tablet-a").unwrap();
    let add = in_notebook(
        &tablet,
        1,
        PLAN,
        Change::AppendAnnotation {
            annotation: highlight("tablet-a-1", PLAN, "委員会で質問"),
        },
    );
    let outcomes = push(&store, &viewer, Some(&member), &tablet, vec![add.clone()]).await;
    assert!(
        matches!(outcomes[0], Outcome::Applied { .. }),
        "{outcomes:?}"
    );
    // A retry (the answer was lost) stores nothing twice.
    let again = push(&store, &viewer, Some(&member), &tablet, vec![add]).await;
    assert_eq!(again, outcomes);
    assert_eq!(
        pulled(&store, Some(member.id)).await,
        [("tablet-a-1".to_owned(), "委員会で質問".to_owned(), false)]
    );
    assert!(pulled(&store, Some(other.id)).await.is_empty(), "private");
    assert!(pulled(&store, None).await.is_empty(), "private");

    // Deleted from another device of the same member.
    let phone = ClientId::new("phone-b").unwrap();
    let delete = in_notebook(
        &phone,
        1,
        PLAN,
        Change::RetractAnnotation {
            annotation_id: "tablet-a-1".into(),
        },
    );
    let outcomes = push(&store, &viewer, Some(&member), &phone, vec![delete]).await;
    assert!(
        matches!(outcomes[0], Outcome::Applied { .. }),
        "{outcomes:?}"
    );

    drop(store);
    let store = Store::open(&dir.0).await.unwrap();
    assert_eq!(
        pulled(&store, Some(member.id)).await,
        [("tablet-a-1".to_owned(), "委員会で質問".to_owned(), true)]
    );
}

#[tokio::test]
async fn the_public_and_readers_of_a_hidden_plan_keep_no_notes_and_nobody_takes_anothers() {
    let (_dir, store) = store_with_komagane("annotations", "refused").await;
    store
        .import_plan(&support::sample("shimada"), ImportMode::Create)
        .await
        .unwrap();
    let member = user(&store, "giin-1", "komagane", Role::CouncilMember).await;
    let stranger = user(&store, "shokuin-9", "shimada", Role::Editor).await;
    let tablet = ClientId::new("tablet-a").unwrap();
    let note = |n, id: &str| {
        in_notebook(
            &tablet,
            n,
            PLAN,
            Change::AppendAnnotation {
                annotation: highlight(id, PLAN, "メモ"),
            },
        )
    };
    let public = push(
        &store,
        &Viewer::Public,
        None,
        &tablet,
        vec![note(1, "tablet-a-1")],
    )
    .await;
    assert!(
        matches!(&public[0], Outcome::Rejected { reason, .. } if reason.contains("サインイン"))
    );

    // The Komagane plan is published: someone of another organization may keep notes on it,
    // but not under an id someone else's note has.
    let mine = push(
        &store,
        &Viewer::User(member.principal()),
        Some(&member),
        &tablet,
        vec![note(2, "tablet-a-2")],
    )
    .await;
    assert!(matches!(mine[0], Outcome::Applied { .. }));
    let stranger_tablet = ClientId::new("tablet-z").unwrap();
    let taken = push(
        &store,
        &Viewer::User(stranger.principal()),
        Some(&stranger),
        &stranger_tablet,
        vec![in_notebook(
            &stranger_tablet,
            1,
            PLAN,
            Change::AppendAnnotation {
                annotation: highlight("tablet-a-2", PLAN, "乗っ取り"),
            },
        )],
    )
    .await;
    assert!(matches!(taken[0], Outcome::Rejected { .. }), "{taken:?}");
    let unknown_plan = push(
        &store,
        &Viewer::User(member.principal()),
        Some(&member),
        &tablet,
        vec![in_notebook(
            &tablet,
            3,
            "no-such-plan",
            Change::AppendAnnotation {
                annotation: highlight("tablet-a-3", "no-such-plan", "メモ"),
            },
        )],
    )
    .await;
    assert!(matches!(unknown_plan[0], Outcome::Rejected { .. }));
    assert_eq!(
        pulled(&store, Some(member.id)).await,
        [("tablet-a-2".to_owned(), "メモ".to_owned(), false)]
    );
    assert!(pulled(&store, Some(stranger.id)).await.is_empty());
}
