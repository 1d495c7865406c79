//! How the server decides changes to readers' notebooks (`crate::annotation`): each
//! annotation is stored once, by its id, under the user who pushed it, and only they may delete
//! it or ever receive it.

use keikaku_domain::reason::Reason;
use serde::{Deserialize, Serialize};

use super::{rejected, Decided, PushRules, ServerState};
use crate::annotation::Annotation;
use crate::progress::Versioned;
use crate::protocol::{Change, ClientId, Mutation, Outcome};

/// One annotation as the server holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredAnnotation {
    /// The user who pushed it (`None` on a server that knows no users): the one reader it is
    /// sent to, and the one who may delete it.
    pub author: Option<i64>,
    pub annotation: Versioned<Annotation>,
}

/// Said for an annotation id that is not the pusher's, so nobody learns of another's notes.
const NO_SUCH_ANNOTATION: &str = "there is no such annotation";

impl ServerState {
    pub(super) fn apply_to_notebook(
        &mut self,
        client: &ClientId,
        mutation: &Mutation,
        rules: &impl PushRules,
    ) -> Decided {
        let author = rules.note_author(client).map(|author| author.user_id);
        match &mutation.change {
            Change::AppendAnnotation { annotation } => {
                match self.annotations.get(&annotation.id) {
                    Some(stored)
                        if stored.author == author
                            && same_annotation(&stored.annotation.value, annotation) =>
                    {
                        Decided::lasting(Outcome::Unchanged {
                            version: stored.annotation.version,
                        })
                    }
                    // Stored annotations never go away: the same answer every time.
                    Some(_) => Decided::refused(Reason::technical(
                        "a different annotation with this id already exists",
                    )),
                    None => {
                        let version = self.next_version();
                        let stored = StoredAnnotation {
                            author,
                            annotation: Versioned::new(annotation.clone(), version),
                        };
                        self.annotations.insert(annotation.id.clone(), stored);
                        Decided::lasting(Outcome::Applied { version })
                    }
                }
            }
            Change::RetractAnnotation { annotation_id } => {
                let held = self
                    .annotations
                    .get(annotation_id)
                    .filter(|stored| stored.author == author);
                match held {
                    // It may still arrive: remembered, so a retry after it did gets the answer
                    // the client was given.
                    None => return Decided::lasting(rejected(NO_SUCH_ANNOTATION)),
                    Some(stored) if stored.annotation.value.retracted => {
                        return Decided::lasting(Outcome::Unchanged {
                            version: stored.annotation.version,
                        })
                    }
                    Some(_) => {}
                }
                let version = self.next_version();
                let stored = self
                    .annotations
                    .get_mut(annotation_id)
                    .expect("checked above");
                stored.annotation.value.retracted = true;
                stored.annotation.version = version;
                Decided::lasting(Outcome::Applied { version })
            }
            _ => Decided::refused(Reason::technical("progress belongs to a record")),
        }
    }

    /// Every annotation the server holds for `author`, deleted ones included.
    pub(super) fn notebook_entries(
        &self,
        author: Option<i64>,
    ) -> impl Iterator<Item = &StoredAnnotation> {
        self.annotations
            .values()
            .filter(move |stored| stored.author == author)
    }

    /// The annotations changed after `since`: what a store that resumed this server writes back.
    pub fn annotations_changed_after(&self, since: u64) -> impl Iterator<Item = &StoredAnnotation> {
        self.annotations
            .values()
            .filter(move |stored| stored.annotation.version > since)
    }

    /// One stored annotation, by id.
    pub fn annotation(&self, id: &str) -> Option<&StoredAnnotation> {
        self.annotations.get(id)
    }

    /// Continues with `annotations` held too: the ones a push names, for the store.
    pub fn with_annotations(
        mut self,
        annotations: impl IntoIterator<Item = StoredAnnotation>,
    ) -> ServerState {
        self.annotations.extend(
            annotations
                .into_iter()
                .map(|stored| (stored.annotation.value.id.clone(), stored)),
        );
        self
    }
}

/// Whether `appended` is the stored annotation, as sent (a deleted one's flag cleared).
fn same_annotation(stored: &Annotation, appended: &Annotation) -> bool {
    Annotation {
        retracted: false,
        ..stored.clone()
    } == *appended
}

#[cfg(test)]
mod tests {
    use keikaku_domain::anchor::Selector;

    use super::*;
    use crate::annotation::{AnnotationKind, Target};
    use crate::protocol::{ChangeEntry, MutationId, MutationKey, PullRequest, PushRequest};
    use crate::server::NoteAuthor;

    /// One user per client: client `tab-n` is user n.
    struct Users;

    impl PushRules for Users {
        fn authorize(&self, _: &ClientId, _: &Mutation) -> Result<(), Reason> {
            Ok(())
        }

        fn note_author(&self, client: &ClientId) -> Option<NoteAuthor> {
            let user = client.as_str().strip_prefix("tab-")?.parse().ok()?;
            Some(NoteAuthor {
                user_id: user,
                name: format!("議員{user}"),
            })
        }
    }

    fn client(n: u32) -> ClientId {
        ClientId::new(format!("tab-{n}")).unwrap()
    }

    fn highlight(id: &str, text: &str) -> Annotation {
        Annotation {
            id: id.into(),
            plan_id: "komagane".into(),
            version: 1,
            kind: AnnotationKind::Highlight,
            target: Target::Passage {
                selector: Selector {
                    key: "measure/m1/current_state".into(),
                    exact: "窓口".into(),
                    prefix: String::new(),
                    suffix: String::new(),
                    start: 3,
                    end: 5,
                },
            },
            text: text.into(),
            replaces: None,
            made_at: 1_760_000_000,
            retracted: false,
        }
    }

    fn push(server: &mut ServerState, n: u32, counter: u64, change: Change) -> Outcome {
        let request = PushRequest {
            client_id: client(n),
            mutations: vec![Mutation {
                id: MutationId::new(&client(n), counter),
                key: MutationKey::notebook("komagane"),
                change,
            }],
        };
        let mut response = server.push_as(&request, &Users).unwrap();
        response.results.remove(0).outcome
    }

    fn pulled(server: &ServerState, reader: i64) -> Vec<(String, bool)> {
        let request = PullRequest {
            notebooks: true,
            ..PullRequest::new(0, 100)
        };
        server
            .pull_as(&request, |_| true, Some(reader))
            .changes
            .into_iter()
            .map(|entry| match entry {
                ChangeEntry::Annotation { annotation, .. } => (annotation.id, annotation.retracted),
                other => panic!("only annotations were pushed: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn an_annotation_is_stored_once_and_sent_only_to_its_author() {
        let mut server = ServerState::new();
        let add = || Change::AppendAnnotation {
            annotation: highlight("tab-1-1", "確認する"),
        };
        assert_eq!(
            push(&mut server, 1, 1, add()),
            Outcome::Applied { version: 1 }
        );
        // The same annotation again, as a retry under a new mutation id: nothing new.
        assert_eq!(
            push(&mut server, 1, 2, add()),
            Outcome::Unchanged { version: 1 }
        );
        assert_eq!(server.sequence(), 1);
        assert_eq!(pulled(&server, 1), [("tab-1-1".to_owned(), false)]);
        assert!(pulled(&server, 2).is_empty(), "nobody else's notes");
        assert!(server
            .pull(&PullRequest::new(0, 10), |_| true)
            .changes
            .is_empty());
    }

    #[test]
    fn another_users_annotation_id_can_be_neither_taken_nor_deleted() {
        let mut server = ServerState::new();
        let mine = highlight("tab-1-1", "確認する");
        push(
            &mut server,
            1,
            1,
            Change::AppendAnnotation {
                annotation: mine.clone(),
            },
        );
        let taken = push(
            &mut server,
            2,
            1,
            Change::AppendAnnotation { annotation: mine },
        );
        assert!(matches!(taken, Outcome::Rejected { .. }), "{taken:?}");
        let deleted = push(
            &mut server,
            2,
            2,
            Change::RetractAnnotation {
                annotation_id: "tab-1-1".into(),
            },
        );
        assert_eq!(deleted, rejected(NO_SUCH_ANNOTATION));
        assert_eq!(pulled(&server, 1), [("tab-1-1".to_owned(), false)]);
    }

    #[test]
    fn deleting_leaves_a_tombstone_and_deleting_again_changes_nothing() {
        let mut server = ServerState::new();
        push(
            &mut server,
            1,
            1,
            Change::AppendAnnotation {
                annotation: highlight("tab-1-1", ""),
            },
        );
        let delete = || Change::RetractAnnotation {
            annotation_id: "tab-1-1".into(),
        };
        assert_eq!(
            push(&mut server, 1, 2, delete()),
            Outcome::Applied { version: 2 }
        );
        assert_eq!(
            push(&mut server, 1, 3, delete()),
            Outcome::Unchanged { version: 2 }
        );
        assert_eq!(pulled(&server, 1), [("tab-1-1".to_owned(), true)]);
        // A deleted annotation sent again (a late retry of its append) is not revived.
        let again = push(
            &mut server,
            1,
            4,
            Change::AppendAnnotation {
                annotation: highlight("tab-1-1", ""),
            },
        );
        assert_eq!(again, Outcome::Unchanged { version: 2 });
        assert_eq!(pulled(&server, 1), [("tab-1-1".to_owned(), true)]);
    }

    #[test]
    fn a_notebook_change_under_a_record_key_is_refused() {
        let mut server = ServerState::new();
        let request = PushRequest {
            client_id: client(1),
            mutations: vec![Mutation {
                id: MutationId::new(&client(1), 1),
                key: crate::RecordKey::measure("komagane", "m1", 2024).into(),
                change: Change::AppendAnnotation {
                    annotation: highlight("tab-1-1", ""),
                },
            }],
        };
        let response = server.push_as(&request, &Users).unwrap();
        assert!(matches!(
            response.results[0].outcome,
            Outcome::Rejected { .. }
        ));
        assert_eq!(server.sequence(), 0);
    }
}
