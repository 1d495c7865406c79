//! The server's side of sync: how each pushed mutation is decided, and [`ServerState`], a
//! complete in-memory server that defines the behaviour the SQLite store must reproduce.

mod notebook;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use keikaku_domain::evaluation::{
    decide_record, Decision as EvaluationDecision, EditKind, RecordAction, Refusal,
};
use keikaku_domain::reason::Reason;

pub use self::notebook::StoredAnnotation;
use crate::merge::merge_text;
use crate::progress::{
    records_by_key, Field, FieldNote, FieldValue, Invalid, KpiReading, ProgressRecord, RecordKey,
    Versioned,
};
use crate::protocol::{
    Change, ChangeEntry, ClientId, Conflict, Mutation, MutationId, MutationKey, MutationResult,
    Outcome, PullRequest, PullResponse, PushRequest, PushResponse, PushSequence,
};
use crate::round::RoundRecord;

/// What to do with a `Set` given the field's current value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Store the value: its author saw the value it replaces.
    Apply(FieldValue),
    /// Store this three-way merge of the author's and the current narrative text.
    Merge(FieldValue),
    /// The field already holds the value; write nothing.
    Unchanged,
    /// Someone else changed the field since the author's base; write nothing and show both.
    Conflict,
}

/// Decides a `Set` of `field` to `value` by an author whose edit started from `base_value`,
/// when the field currently holds `current` (`None`: never set).
///
/// The comparison is by value, not version: a field changed and changed back (A → B → A)
/// still holds what the author saw, so overwriting it loses nothing, while a client that
/// claims the current version but a different base value is not trusted to overwrite.
pub fn decide_set(
    current: Option<&Versioned<FieldValue>>,
    field: Field,
    base_value: &FieldValue,
    value: &FieldValue,
) -> Decision {
    decide_set_with(current, field, base_value, value, merge_text)
}

/// [`decide_set`] with `merge` in place of [`merge_text`]: a server may have merged ahead of
/// time (`merge` must answer exactly what `merge_text` would).
pub fn decide_set_with(
    current: Option<&Versioned<FieldValue>>,
    field: Field,
    base_value: &FieldValue,
    value: &FieldValue,
    merge: impl Fn(&str, &str, &str) -> Option<String>,
) -> Decision {
    let empty = field.empty_value();
    let current = current.map_or(&empty, |c| &c.value);
    if current == value {
        return Decision::Unchanged;
    }
    if current == base_value {
        return Decision::Apply(value.clone());
    }
    if field.is_narrative() {
        if let (Some(base), Some(mine), Some(theirs)) =
            (base_value.as_text(), value.as_text(), current.as_text())
        {
            if let Some(merged) = merge(base, mine, theirs) {
                return Decision::Merge(FieldValue::Text(merged));
            }
        }
    }
    Decision::Conflict
}

/// One applied change, for the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The sequence number the change was given.
    pub version: u64,
    pub mutation_id: MutationId,
    pub client_id: ClientId,
    pub key: RecordKey,
    pub change: AppliedChange,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AppliedChange {
    /// `old` is the replaced value with its version (version 0: never set before).
    Field {
        field: Field,
        old: Versioned<FieldValue>,
        new: FieldValue,
        merged: bool,
    },
    NoteAppended {
        note: FieldNote,
    },
    NoteRetracted {
        note_id: String,
    },
    KpiReadingAppended {
        reading: KpiReading,
    },
    /// The record was submitted to a round; `snapshot` is what it held then (without rounds),
    /// which the round reports from.
    Submitted {
        round_id: String,
        snapshot: Box<ProgressRecord>,
    },
}

/// Who appended a note, as the server records it (never sent to clients).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteAuthor {
    /// The user's id: whoever has it may retract the note.
    pub user_id: i64,
    /// Stored as the note's `author`, in place of whatever the client sent.
    pub name: String,
}

/// What deciding a push needs besides the stored records: who may make which mutation, who the
/// pusher is (for the notes they append and retract), and the text merge.
///
/// A closure `Fn(&ClientId, &Mutation) -> Result<(), String>` is the rules of a server that
/// knows no users: it only authorizes (its reasons said as given, in any language), notes keep
/// the author the client sent, and anyone who may record progress retracts any note.
pub trait PushRules {
    /// `Ok` if the pusher may make `mutation`, or the reason shown to them. Checked before the
    /// decision reads anything, so a refused mutation learns nothing of what is stored.
    fn authorize(&self, client: &ClientId, mutation: &Mutation) -> Result<(), Reason>;

    /// The author the server records on notes this pusher appends; `None` keeps the client's.
    fn note_author(&self, _client: &ClientId) -> Option<NoteAuthor> {
        None
    }

    /// `Ok` if the pusher may retract a note on `key` that `author` appended (`None`: the
    /// server did not record who), or the reason shown to them.
    fn may_retract(
        &self,
        _client: &ClientId,
        _key: &RecordKey,
        _author: Option<i64>,
    ) -> Result<(), Reason> {
        Ok(())
    }

    /// The three-way merge of narrative text; it must answer what [`merge_text`] answers (a
    /// server may have computed it ahead, outside its write lock).
    fn merge(&self, base: &str, mine: &str, theirs: &str) -> Option<String> {
        merge_text(base, mine, theirs)
    }
}

impl<F: Fn(&ClientId, &Mutation) -> Result<(), String>> PushRules for F {
    fn authorize(&self, client: &ClientId, mutation: &Mutation) -> Result<(), Reason> {
        self(client, mutation).map_err(Reason::technical)
    }
}

/// How a mutation was decided, and whether a retry needs the server to remember the answer.
struct Decided {
    outcome: Outcome,
    /// `false` for a rejection that deciding again gives identically from what never changes
    /// (the mutation itself, the pusher's rights, a note's author): nothing needs keeping.
    remember: bool,
}

impl Decided {
    fn lasting(outcome: Outcome) -> Decided {
        Decided {
            outcome,
            remember: true,
        }
    }

    fn refused(reason: Reason) -> Decided {
        Decided {
            outcome: Outcome::rejected(&reason),
            remember: false,
        }
    }
}

/// A mutation the server has decided, kept so a retry gets the same answer without applying
/// anything again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Processed {
    pub client_id: ClientId,
    pub mutation: Mutation,
    pub outcome: Outcome,
}

/// A complete sync server in memory: the reference the SQLite store follows, and the server in
/// the simulation. Everything in it is durable state: the store keeps each part in tables and
/// changes them in one transaction per push (which is why it is `Clone` and serializable: the
/// simulation restarts it from a serialized copy).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerState {
    /// The last sequence number given to a change.
    sequence: u64,
    #[serde(with = "records_by_key")]
    records: BTreeMap<RecordKey, ProgressRecord>,
    processed: BTreeMap<MutationId, Processed>,
    history: Vec<HistoryEntry>,
    /// The user who appended each note whose appender the rules named, by [`note_slot`].
    #[serde(default)]
    note_authors: BTreeMap<String, i64>,
    /// Readers' annotations, by id (see `notebook`).
    #[serde(default)]
    annotations: BTreeMap<String, StoredAnnotation>,
}

/// Where a note's author is kept: the record key and the note id (ids hold no `/`).
fn note_slot(key: &RecordKey, note_id: &str) -> String {
    format!("{key}/{note_id}")
}

impl ServerState {
    pub fn new() -> ServerState {
        ServerState::default()
    }

    /// A server that continues from `sequence` holding only `records` and the authors of their
    /// notes (record, note id, user), with nothing processed and no history. The SQLite store
    /// decides a push with one of these, loaded with just the fields, notes and readings the
    /// push's mutations name (deciding a mutation reads nothing else), then stores the history
    /// it records: one decision procedure for both servers.
    pub fn resume(
        sequence: u64,
        records: impl IntoIterator<Item = ProgressRecord>,
        note_authors: impl IntoIterator<Item = (RecordKey, String, i64)>,
    ) -> ServerState {
        ServerState {
            sequence,
            records: records.into_iter().map(|r| (r.key.clone(), r)).collect(),
            note_authors: note_authors
                .into_iter()
                .map(|(key, note_id, user)| (note_slot(&key, &note_id), user))
                .collect(),
            ..ServerState::default()
        }
    }

    /// [`ServerState::push_as`] by the rules of a server that knows no users (see
    /// [`PushRules`]): `authorize` says whether the client may make a mutation.
    pub fn push(
        &mut self,
        request: &PushRequest,
        authorize: impl Fn(&ClientId, &Mutation) -> Result<(), String>,
    ) -> Result<PushResponse, Invalid> {
        self.push_as(request, &authorize)
    }

    /// Decides every mutation in order and answers each. `rules` say whether the client's user
    /// may make a mutation (with the reason shown to them if not), and who they are.
    ///
    /// A malformed request (too many mutations, ids that are not the client's) is refused as a
    /// whole with nothing applied. Every decided mutation whose answer could change is
    /// remembered: pushing it again returns the same outcome and applies nothing. A rejection
    /// that deciding again gives identically (an invalid mutation, one the user may not make,
    /// a note of someone else to retract, a different note or reading under a stored one's id)
    /// is not remembered: its retry is decided again, to the same answer, and a flood of them
    /// leaves nothing behind. Reusing a remembered mutation's id for a different change is
    /// rejected (and that rejection is not remembered either).
    pub fn push_as(
        &mut self,
        request: &PushRequest,
        rules: &impl PushRules,
    ) -> Result<PushResponse, Invalid> {
        request.validate()?;
        let before = self.sequence;
        let client = &request.client_id;
        let results = request
            .mutations
            .iter()
            .map(|mutation| {
                let outcome = match self.processed.get(&mutation.id) {
                    Some(done) if done.mutation == *mutation && done.client_id == *client => {
                        done.outcome.clone()
                    }
                    Some(_) => rejected("this mutation id was already used for a different change"),
                    None => {
                        let decided = match mutation.validate() {
                            Err(invalid) => {
                                Decided::refused(Reason::technical(invalid.to_string()))
                            }
                            Ok(()) => match rules.authorize(client, mutation) {
                                Err(reason) => Decided::refused(reason),
                                Ok(()) => self.apply(client, mutation, rules),
                            },
                        };
                        if decided.remember {
                            let processed = Processed {
                                client_id: client.clone(),
                                mutation: mutation.clone(),
                                outcome: decided.outcome.clone(),
                            };
                            self.processed.insert(mutation.id.clone(), processed);
                        }
                        decided.outcome
                    }
                };
                MutationResult {
                    id: mutation.id.clone(),
                    outcome,
                }
            })
            .collect();
        Ok(PushResponse {
            results,
            sequence: Some(PushSequence {
                before,
                after: self.sequence,
            }),
        })
    }

    /// [`ServerState::pull_as`] by a server that knows no users: the annotations it sends are
    /// those pushed without an author.
    pub fn pull(
        &self,
        request: &PullRequest,
        visible: impl Fn(&RecordKey) -> bool,
    ) -> PullResponse {
        self.pull_as(request, visible, None)
    }

    /// Rows of records `visible` to the requester, and (if the request asks) the requester's
    /// own annotations (pushed by `reader`, as [`PushRules::note_author`] named them), whose
    /// latest change is
    /// newer than `request.since`, oldest first, one page at a time.
    pub fn pull_as(
        &self,
        request: &PullRequest,
        visible: impl Fn(&RecordKey) -> bool,
        reader: Option<i64>,
    ) -> PullResponse {
        // A scan is fine for a reference server; the store reads an index on version.
        let annotations = self
            .notebook_entries(reader)
            .filter(|_| request.notebooks)
            .map(|stored| ChangeEntry::Annotation {
                annotation: stored.annotation.value.clone(),
                version: stored.annotation.version,
            });
        let mut changes: Vec<ChangeEntry> = self
            .records
            .values()
            .filter(|record| visible(&record.key))
            .flat_map(change_entries)
            .chain(annotations)
            .filter(|entry| entry.version() > request.since)
            .collect();
        changes.sort_by_key(ChangeEntry::version);
        let more = changes.len() > request.page_size();
        changes.truncate(request.page_size());
        let cursor = match changes.last() {
            Some(last) if more => last.version(),
            _ => self.sequence.max(request.since),
        };
        PullResponse {
            changes,
            cursor,
            more,
        }
    }

    pub fn record(&self, key: &RecordKey) -> Option<&ProgressRecord> {
        self.records.get(key)
    }

    pub fn records(&self) -> impl Iterator<Item = &ProgressRecord> {
        self.records.values()
    }

    /// Every applied change, oldest first.
    pub fn history(&self) -> &[HistoryEntry] {
        &self.history
    }

    /// How a mutation was decided, if the server remembers it (see [`ServerState::push_as`] for
    /// the rejections it does not).
    pub fn processed(&self, id: &MutationId) -> Option<&Processed> {
        self.processed.get(id)
    }

    /// The user who appended a note, if the rules named them.
    pub fn note_author(&self, key: &RecordKey, note_id: &str) -> Option<i64> {
        self.note_authors.get(&note_slot(key, note_id)).copied()
    }

    /// The latest sequence number: what `changed` events announce.
    pub fn sequence(&self) -> u64 {
        self.sequence
    }

    fn apply(&mut self, client: &ClientId, mutation: &Mutation, rules: &impl PushRules) -> Decided {
        let key = match &mutation.key {
            MutationKey::Record(key) => key,
            MutationKey::Notebook(_) => return self.apply_to_notebook(client, mutation, rules),
        };
        let record = self.records.get(key);
        if let Some(refusal) = record.and_then(|r| edit_locked(r, &mutation.change)) {
            // The round may be reopened: not remembered, a retry is decided as of then.
            return Decided::refused(refusal_reason(&refusal));
        }
        let (version, change, outcome) = match &mutation.change {
            Change::Set {
                field,
                value,
                base_value,
                ..
            } => {
                let current = record.and_then(|r| r.fields.get(field));
                let old = current
                    .cloned()
                    .unwrap_or_else(|| Versioned::new(field.empty_value(), 0));
                let merge = |base: &str, mine: &str, theirs: &str| rules.merge(base, mine, theirs);
                let (new, merged) = match decide_set_with(current, *field, base_value, value, merge)
                {
                    Decision::Unchanged => {
                        return Decided::lasting(Outcome::Unchanged {
                            version: old.version,
                        })
                    }
                    Decision::Conflict => {
                        return Decided::lasting(Outcome::Conflict(Conflict {
                            key: key.clone(),
                            field: *field,
                            base_value: base_value.clone(),
                            mine: value.clone(),
                            theirs: old.value,
                            theirs_version: old.version,
                        }))
                    }
                    Decision::Apply(new) => (new, false),
                    Decision::Merge(new) => (new, true),
                };
                let version = self.next_version();
                let outcome = if merged {
                    Outcome::Merged {
                        version,
                        value: new.clone(),
                    }
                } else {
                    Outcome::Applied { version }
                };
                let record = self.record_mut(key);
                record
                    .fields
                    .insert(*field, Versioned::new(new.clone(), version));
                let change = AppliedChange::Field {
                    field: *field,
                    old,
                    new,
                    merged,
                };
                (version, change, outcome)
            }
            Change::AppendNote { note } => {
                // The author is who pushed it, when the rules know; the mutation stays as sent
                // (a retry is recognised by it).
                let author = rules.note_author(client);
                let note = match &author {
                    Some(author) => FieldNote {
                        author: author.name.clone(),
                        ..note.clone()
                    },
                    None => note.clone(),
                };
                match record.and_then(|r| r.notes.get(&note.id)) {
                    // A note with its retraction flag cleared compares equal to the original.
                    Some(stored) if same_note(&stored.value, &note) => {
                        return Decided::lasting(Outcome::Unchanged {
                            version: stored.version,
                        })
                    }
                    // Stored notes never go away: the same answer every time.
                    Some(_) => {
                        return Decided::refused(Reason::technical(
                            "a different note with this id already exists",
                        ))
                    }
                    None => {}
                }
                let version = self.next_version();
                if let Some(author) = author {
                    self.note_authors
                        .insert(note_slot(key, &note.id), author.user_id);
                }
                let record = self.record_mut(key);
                record
                    .notes
                    .insert(note.id.clone(), Versioned::new(note.clone(), version));
                let change = AppliedChange::NoteAppended { note };
                (version, change, Outcome::Applied { version })
            }
            Change::RetractNote { note_id } => {
                let Some(stored) = record.and_then(|r| r.notes.get(note_id)) else {
                    // The note may still arrive: remembered, so a retry after it did gets the
                    // answer the client was given.
                    return Decided::lasting(rejected("there is no such note"));
                };
                let author = self.note_author(key, note_id);
                if let Err(reason) = rules.may_retract(client, key, author) {
                    return Decided::refused(reason);
                }
                if stored.value.retracted {
                    return Decided::lasting(Outcome::Unchanged {
                        version: stored.version,
                    });
                }
                let version = self.next_version();
                let stored = self
                    .record_mut(key)
                    .notes
                    .get_mut(note_id)
                    .expect("checked above");
                stored.value.retracted = true;
                stored.version = version;
                let change = AppliedChange::NoteRetracted {
                    note_id: note_id.clone(),
                };
                (version, change, Outcome::Applied { version })
            }
            Change::AppendKpiReading { reading } => {
                match record.and_then(|r| r.kpi_readings.get(&reading.id)) {
                    Some(stored) if stored.value == *reading => {
                        return Decided::lasting(Outcome::Unchanged {
                            version: stored.version,
                        })
                    }
                    // Readings never change once stored: the same answer every time.
                    Some(_) => {
                        return Decided::refused(Reason::technical(
                            "a different reading with this id already exists",
                        ))
                    }
                    None => {}
                }
                let version = self.next_version();
                let record = self.record_mut(key);
                record
                    .kpi_readings
                    .insert(reading.id.clone(), Versioned::new(reading.clone(), version));
                let change = AppliedChange::KpiReadingAppended {
                    reading: reading.clone(),
                };
                (version, change, Outcome::Applied { version })
            }
            Change::Submit { round_id, seen } => {
                let Some(round) = record.and_then(|r| r.rounds.get(round_id)) else {
                    return Decided::refused(Reason::fixed(
                        "この記録はこの評価の対象ではありません。",
                        "This record is not covered by this round.",
                    ));
                };
                let action = RecordAction::Submit { seen: *seen };
                let decided = decide_record(
                    round.value.round_state,
                    key.fiscal_year,
                    round.value.workflow(),
                    &action,
                    true,
                );
                let moved = match decided {
                    Ok(EvaluationDecision::Moves(moved)) => moved,
                    Ok(EvaluationDecision::Unchanged) => {
                        return Decided::lasting(Outcome::Unchanged {
                            version: round.version,
                        })
                    }
                    // Versions only grow and the step was passed: deciding again gives the
                    // same, or (a round reopened for submissions) what the user can expect now.
                    Err(Refusal::Changed { now, .. }) => {
                        let refusal = Refusal::Changed {
                            now,
                            comment: round.value.comment.clone(),
                        };
                        return Decided::refused(refusal_reason(&refusal));
                    }
                    Err(refusal) => return Decided::refused(refusal_reason(&refusal)),
                };
                let snapshot = ProgressRecord {
                    rounds: BTreeMap::new(),
                    ..record.expect("the round is the record's").clone()
                };
                let version = self.next_version();
                let stored = self
                    .record_mut(key)
                    .rounds
                    .get_mut(round_id)
                    .expect("checked above");
                stored.value.state = moved.state;
                stored.value.reopened = moved.reopened;
                stored.value.step = version;
                stored.version = version;
                let change = AppliedChange::Submitted {
                    round_id: round_id.clone(),
                    snapshot: Box::new(snapshot),
                };
                (version, change, Outcome::Applied { version })
            }
            Change::AppendAnnotation { .. } | Change::RetractAnnotation { .. } => {
                return Decided::refused(Reason::technical(
                    "notes on the plan belong in a notebook",
                ))
            }
        };
        self.history.push(HistoryEntry {
            version,
            mutation_id: mutation.id.clone(),
            client_id: client.clone(),
            key: key.clone(),
            change,
        });
        Decided::lasting(outcome)
    }

    /// Puts `key`'s place in a reporting round as the DX office's side (opening a round,
    /// returning, approving, closing) leaves it, at the next version, which it returns. The
    /// store does this in SQL; the simulation and tests do it here.
    pub fn put_round(&mut self, key: &RecordKey, round: RoundRecord) -> u64 {
        let version = self.next_version();
        self.record_mut(key)
            .rounds
            .insert(round.round_id.clone(), Versioned::new(round, version));
        version
    }

    fn next_version(&mut self) -> u64 {
        self.sequence += 1;
        self.sequence
    }

    fn record_mut(&mut self, key: &RecordKey) -> &mut ProgressRecord {
        self.records
            .entry(key.clone())
            .or_insert_with(|| ProgressRecord::new(key.clone()))
    }
}

/// Why the rounds `record` is part of keep `change` from being made, if one does.
fn edit_locked(record: &ProgressRecord, change: &Change) -> Option<Refusal> {
    let edit = match change {
        Change::Set { .. } | Change::AppendKpiReading { .. } => EditKind::Values,
        Change::AppendNote { .. } | Change::RetractNote { .. } => EditKind::Notes,
        Change::Submit { .. } => return None,
        Change::AppendAnnotation { .. } | Change::RetractAnnotation { .. } => return None,
    };
    crate::round::edit_lock(record, edit)
}

/// A rejection of the protocol's own, which a conforming client never causes.
fn rejected(reason: &'static str) -> Outcome {
    Outcome::rejected(&Reason::technical(reason))
}

/// A round's refusal in each language it is written in.
fn refusal_reason(refusal: &Refusal) -> Reason {
    Reason::of(|lang| refusal.reason_in(lang))
}

fn same_note(stored: &FieldNote, appended: &FieldNote) -> bool {
    FieldNote {
        retracted: false,
        ..stored.clone()
    } == *appended
}

/// Every row of a record as pull sends it.
fn change_entries(record: &ProgressRecord) -> impl Iterator<Item = ChangeEntry> + '_ {
    let key = &record.key;
    let fields = record
        .fields
        .iter()
        .map(|(field, v)| ChangeEntry::FieldState {
            key: key.clone(),
            field: *field,
            value: v.value.clone(),
            version: v.version,
        });
    let notes = record.notes.values().map(|n| ChangeEntry::Note {
        key: key.clone(),
        note: n.value.clone(),
        version: n.version,
    });
    let readings = record
        .kpi_readings
        .values()
        .map(|r| ChangeEntry::KpiReading {
            key: key.clone(),
            reading: r.value.clone(),
            version: r.version,
        });
    let rounds = record.rounds.values().map(|r| ChangeEntry::Round {
        key: key.clone(),
        round: r.value.clone(),
        version: r.version,
    });
    fields.chain(notes).chain(readings).chain(rounds)
}

#[cfg(test)]
mod tests {
    use keikaku_domain::Stage;

    use super::*;
    use crate::progress::Status;
    use crate::protocol::{MutationResult, MAX_PUSH_MUTATIONS};

    fn text(s: &str) -> FieldValue {
        FieldValue::Text(s.into())
    }

    fn at(value: FieldValue, version: u64) -> Versioned<FieldValue> {
        Versioned::new(value, version)
    }

    fn key() -> RecordKey {
        RecordKey::measure("komagane-dx", "birth-rate", 2024)
    }

    fn client(name: &str) -> ClientId {
        ClientId::new(name).unwrap()
    }

    fn set(
        client: &ClientId,
        n: u64,
        field: Field,
        base: FieldValue,
        value: FieldValue,
    ) -> Mutation {
        Mutation {
            id: MutationId::new(client, n),
            key: key().into(),
            change: Change::Set {
                field,
                value,
                base_version: 0,
                base_value: base,
            },
        }
    }

    fn note_mutation(client: &ClientId, n: u64, text: &str) -> Mutation {
        let id = MutationId::new(client, n);
        Mutation {
            key: key().into(),
            change: Change::AppendNote {
                note: FieldNote {
                    id: id.to_string(),
                    date: "2024-06-01".into(),
                    text: text.into(),
                    author: "佐藤".into(),
                    retracted: false,
                },
            },
            id,
        }
    }

    fn allow_all(_: &ClientId, _: &Mutation) -> Result<(), String> {
        Ok(())
    }

    fn push(server: &mut ServerState, client: &ClientId, mutations: Vec<Mutation>) -> Vec<Outcome> {
        let request = PushRequest {
            client_id: client.clone(),
            mutations,
        };
        let response = server.push(&request, allow_all).unwrap();
        response.results.into_iter().map(|r| r.outcome).collect()
    }

    #[test]
    fn a_set_from_the_current_value_applies() {
        let current = at(FieldValue::Percent(Some(40)), 5);
        assert_eq!(
            decide_set(
                Some(&current),
                Field::Percent,
                &FieldValue::Percent(Some(40)),
                &FieldValue::Percent(Some(60))
            ),
            Decision::Apply(FieldValue::Percent(Some(60)))
        );
        // A never-set field reads as its empty value.
        assert_eq!(
            decide_set(
                None,
                Field::Stage,
                &FieldValue::Stage(None),
                &FieldValue::Stage(Some(Stage::Trial))
            ),
            Decision::Apply(FieldValue::Stage(Some(Stage::Trial)))
        );
    }

    #[test]
    fn a_set_to_the_current_value_changes_nothing() {
        let current = at(FieldValue::Status(Some(Status::Completed)), 8);
        let done = FieldValue::Status(Some(Status::Completed));
        assert_eq!(
            decide_set(
                Some(&current),
                Field::Status,
                &FieldValue::Status(None),
                &done
            ),
            Decision::Unchanged
        );
    }

    #[test]
    fn a_stale_set_of_a_choice_conflicts() {
        let current = at(FieldValue::Grade(Some(crate::progress::Grade::B)), 8);
        assert_eq!(
            decide_set(
                Some(&current),
                Field::Grade,
                &FieldValue::Grade(None),
                &FieldValue::Grade(Some(crate::progress::Grade::A))
            ),
            Decision::Conflict
        );
    }

    #[test]
    fn stale_narrative_edits_merge_when_they_do_not_overlap() {
        let current = at(text("前文。利用者120人。"), 9);
        assert_eq!(
            decide_set(
                Some(&current),
                Field::Results,
                &text("前文。利用者100人。"),
                &text("新しい前文。利用者100人。")
            ),
            Decision::Merge(text("新しい前文。利用者120人。"))
        );
        assert_eq!(
            decide_set(
                Some(&current),
                Field::Results,
                &text("前文。利用者100人。"),
                &text("前文。利用者110人。")
            ),
            Decision::Conflict
        );
    }

    #[test]
    fn a_changed_and_restored_value_is_still_the_authors_base() {
        let current = at(FieldValue::Percent(Some(40)), 30);
        assert_eq!(
            decide_set(
                Some(&current),
                Field::Percent,
                &FieldValue::Percent(Some(40)),
                &FieldValue::Percent(Some(50))
            ),
            Decision::Apply(FieldValue::Percent(Some(50)))
        );
    }

    #[test]
    fn applied_changes_get_increasing_versions_and_history() {
        let mut server = ServerState::new();
        let c = client("c1");
        let outcomes = push(
            &mut server,
            &c,
            vec![
                set(
                    &c,
                    1,
                    Field::Percent,
                    FieldValue::Percent(None),
                    FieldValue::Percent(Some(10)),
                ),
                set(
                    &c,
                    2,
                    Field::Percent,
                    FieldValue::Percent(Some(10)),
                    FieldValue::Percent(Some(20)),
                ),
                note_mutation(&c, 3, "説明会"),
            ],
        );
        assert_eq!(
            outcomes,
            [
                Outcome::Applied { version: 1 },
                Outcome::Applied { version: 2 },
                Outcome::Applied { version: 3 }
            ]
        );
        let record = server.record(&key()).unwrap();
        assert_eq!(
            record.fields[&Field::Percent],
            at(FieldValue::Percent(Some(20)), 2)
        );
        assert_eq!(server.history().len(), 3);
        assert_eq!(
            server.history()[1].change,
            AppliedChange::Field {
                field: Field::Percent,
                old: at(FieldValue::Percent(Some(10)), 1),
                new: FieldValue::Percent(Some(20)),
                merged: false
            }
        );
        assert_eq!(server.history()[1].client_id, c);
        assert_eq!(server.sequence(), 3);
    }

    #[test]
    fn a_retried_push_applies_nothing_twice() {
        let mut server = ServerState::new();
        let c = client("c1");
        let mutations = vec![
            set(&c, 1, Field::Results, text(""), text("実績")),
            note_mutation(&c, 2, "観察"),
        ];
        let first = push(&mut server, &c, mutations.clone());
        let state = server.clone();
        let again = push(&mut server, &c, mutations.clone());
        assert_eq!(first, again);
        assert_eq!(server.history(), state.history());
        assert_eq!(server.sequence(), state.sequence());
        // Even after someone else changed the field, the retry reports the original outcome.
        let d = client("d1");
        push(
            &mut server,
            &d,
            vec![set(&d, 1, Field::Results, text("実績"), text("実績2"))],
        );
        assert_eq!(push(&mut server, &c, mutations), first);
    }

    #[test]
    fn an_id_reused_for_a_different_change_is_rejected_without_forgetting_the_original() {
        let mut server = ServerState::new();
        let c = client("c1");
        let original = set(
            &c,
            1,
            Field::Percent,
            FieldValue::Percent(None),
            FieldValue::Percent(Some(10)),
        );
        push(&mut server, &c, vec![original.clone()]);
        let impostor = set(
            &c,
            1,
            Field::Percent,
            FieldValue::Percent(None),
            FieldValue::Percent(Some(99)),
        );
        assert!(matches!(
            push(&mut server, &c, vec![impostor])[0],
            Outcome::Rejected { .. }
        ));
        assert_eq!(
            push(&mut server, &c, vec![original]),
            [Outcome::Applied { version: 1 }]
        );
    }

    #[test]
    fn concurrent_sets_conflict_showing_both_values() {
        let mut server = ServerState::new();
        let (a, b) = (client("a"), client("b"));
        let none = FieldValue::Status(None);
        push(
            &mut server,
            &a,
            vec![set(
                &a,
                1,
                Field::Status,
                none.clone(),
                FieldValue::Status(Some(Status::OnTrack)),
            )],
        );
        let outcome = push(
            &mut server,
            &b,
            vec![set(
                &b,
                1,
                Field::Status,
                none.clone(),
                FieldValue::Status(Some(Status::Delayed)),
            )],
        );
        assert_eq!(
            outcome,
            [Outcome::Conflict(Conflict {
                key: key(),
                field: Field::Status,
                base_value: none,
                mine: FieldValue::Status(Some(Status::Delayed)),
                theirs: FieldValue::Status(Some(Status::OnTrack)),
                theirs_version: 1
            })]
        );
        assert_eq!(server.history().len(), 1, "a conflict writes nothing");
    }

    #[test]
    fn merged_narrative_is_stored_and_returned() {
        let mut server = ServerState::new();
        let (a, b) = (client("a"), client("b"));
        let base = text("一。二。");
        push(
            &mut server,
            &a,
            vec![set(&a, 1, Field::NextActions, text(""), base.clone())],
        );
        push(
            &mut server,
            &a,
            vec![set(
                &a,
                2,
                Field::NextActions,
                base.clone(),
                text("一。二。三。"),
            )],
        );
        let outcome = push(
            &mut server,
            &b,
            vec![set(&b, 1, Field::NextActions, base, text("零。一。二。"))],
        );
        assert_eq!(
            outcome,
            [Outcome::Merged {
                version: 3,
                value: text("零。一。二。三。")
            }]
        );
        assert!(matches!(
            server.history()[2].change,
            AppliedChange::Field { merged: true, .. }
        ));
    }

    #[test]
    fn notes_append_once_and_retract_idempotently() {
        let mut server = ServerState::new();
        let c = client("c");
        let note = note_mutation(&c, 1, "現地確認");
        let Change::AppendNote { note: body } = note.change.clone() else {
            unreachable!()
        };
        let retract = |n| Mutation {
            id: MutationId::new(&c, n),
            key: key().into(),
            change: Change::RetractNote {
                note_id: body.id.clone(),
            },
        };
        let outcomes = push(&mut server, &c, vec![note, retract(2), retract(3)]);
        assert_eq!(
            outcomes,
            [
                Outcome::Applied { version: 1 },
                Outcome::Applied { version: 2 },
                Outcome::Unchanged { version: 2 }
            ]
        );
        let stored = &server.record(&key()).unwrap().notes[&body.id];
        assert!(stored.value.retracted);
        assert_eq!(
            stored.value.text, "現地確認",
            "tombstones keep the note for the record"
        );

        // The same note under another mutation id is already there; a different one is not.
        let mut again = note_mutation(&c, 4, "現地確認");
        if let Change::AppendNote { note } = &mut again.change {
            note.id = body.id.clone();
        }
        assert_eq!(
            push(&mut server, &c, vec![again.clone()]),
            [Outcome::Unchanged { version: 2 }]
        );
        if let Change::AppendNote { note } = &mut again.change {
            note.text = "別の内容".into();
        }
        again.id = MutationId::new(&c, 5);
        assert!(matches!(
            push(&mut server, &c, vec![again])[0],
            Outcome::Rejected { .. }
        ));
    }

    #[test]
    fn retracting_an_unknown_note_is_rejected() {
        let mut server = ServerState::new();
        let c = client("c");
        let retract = Mutation {
            id: MutationId::new(&c, 1),
            key: key().into(),
            change: Change::RetractNote {
                note_id: "nope".into(),
            },
        };
        assert_eq!(
            push(&mut server, &c, vec![retract]),
            [rejected("there is no such note")]
        );
        assert!(
            server.record(&key()).is_none(),
            "no empty record is created"
        );
    }

    #[test]
    fn invalid_and_unauthorized_mutations_are_rejected_with_reasons() {
        let mut server = ServerState::new();
        let c = client("c");
        let request = PushRequest {
            client_id: c.clone(),
            mutations: vec![
                set(
                    &c,
                    1,
                    Field::Percent,
                    FieldValue::Percent(None),
                    FieldValue::Percent(Some(120)),
                ),
                set(
                    &c,
                    2,
                    Field::Status,
                    FieldValue::Status(None),
                    FieldValue::Status(Some(Status::Completed)),
                ),
                set(
                    &c,
                    3,
                    Field::Percent,
                    FieldValue::Percent(None),
                    FieldValue::Percent(Some(50)),
                ),
            ],
        };
        let deny_status = |_: &ClientId, m: &Mutation| match m.set_target() {
            Some((_, Field::Status)) => Err("企画振興課の職員のみ編集できます".to_owned()),
            _ => Ok(()),
        };
        let results: Vec<Outcome> = server
            .push(&request, deny_status)
            .unwrap()
            .results
            .into_iter()
            .map(|r: MutationResult| r.outcome)
            .collect();
        assert_eq!(
            results,
            [
                rejected("percent: percent must be between 0 and 100"),
                rejected("企画振興課の職員のみ編集できます"),
                Outcome::Applied { version: 1 },
            ]
        );
        // Nothing of the two refusals is kept: retried under the same rules they are refused
        // again, identically, without the server having remembered them.
        let state = server.clone();
        let again = server.push(&request, deny_status).unwrap();
        assert_eq!(
            again.results[1].outcome,
            rejected("企画振興課の職員のみ編集できます")
        );
        assert_eq!(again.results[0].outcome, results[0]);
        assert!(server.processed(&request.mutations[1].id).is_none());
        assert_eq!(server, state, "the retry changed nothing");
        // A client never resends a mutation whose answer it took in; a retry is of a push whose
        // answer was lost, and is decided as if it arrived now.
        let granted = server.push(&request, allow_all).unwrap();
        assert_eq!(granted.results[1].outcome, Outcome::Applied { version: 2 });
    }

    #[test]
    fn a_flood_of_refused_mutations_leaves_the_server_unchanged() {
        let mut server = ServerState::new();
        let c = client("c");
        let deny_all = |_: &ClientId, _: &Mutation| Err("この計画は見つかりません。".to_owned());
        let request = PushRequest {
            client_id: c.clone(),
            mutations: (1..=MAX_PUSH_MUTATIONS as u64)
                .map(|n| note_mutation(&c, n, "大量"))
                .collect(),
        };
        let response = server.push(&request, deny_all).unwrap();
        assert!(response
            .results
            .iter()
            .all(|r| matches!(r.outcome, Outcome::Rejected { .. })));
        assert_eq!(server, ServerState::new());
    }

    /// Rules of a server that knows its users: client `a` is user 1, `b` user 2, `admin` may
    /// retract anyone's note.
    struct Users;

    impl PushRules for Users {
        fn authorize(&self, _: &ClientId, _: &Mutation) -> Result<(), Reason> {
            Ok(())
        }

        fn note_author(&self, client: &ClientId) -> Option<NoteAuthor> {
            let user_id = match client.as_str() {
                "a" => 1,
                "b" => 2,
                _ => 3,
            };
            Some(NoteAuthor {
                user_id,
                name: format!("利用者{user_id}"),
            })
        }

        fn may_retract(
            &self,
            client: &ClientId,
            _: &RecordKey,
            author: Option<i64>,
        ) -> Result<(), Reason> {
            let me = self.note_author(client).map(|a| a.user_id);
            if client.as_str() == "admin" || (author.is_some() && author == me) {
                Ok(())
            } else {
                Err(Reason::new(
                    "他の人のメモは取り消せません。",
                    "You cannot retract another person's note.",
                ))
            }
        }
    }

    #[test]
    fn a_note_is_stored_with_the_pushers_name_and_retracted_only_by_them_or_an_administrator() {
        let mut server = ServerState::new();
        let (a, b, admin) = (client("a"), client("b"), client("admin"));
        let mut forged = note_mutation(&a, 1, "現地確認");
        if let Change::AppendNote { note } = &mut forged.change {
            note.author = "市長".into();
        }
        let request = PushRequest {
            client_id: a.clone(),
            mutations: vec![forged.clone(), note_mutation(&a, 2, "再訪")],
        };
        let first = server.push_as(&request, &Users).unwrap();
        let stored = &server.record(&key()).unwrap().notes[forged.id.as_str()].value;
        assert_eq!(stored.author, "利用者1");
        assert_eq!(server.note_author(&key(), forged.id.as_str()), Some(1));
        // The retry is the mutation as sent: the same answer, nothing applied again.
        assert_eq!(
            server.push_as(&request, &Users).unwrap().results,
            first.results
        );
        assert_eq!(server.history().len(), 2);

        let retract = |c: &ClientId, n, note_id: &str| Mutation {
            id: MutationId::new(c, n),
            key: key().into(),
            change: Change::RetractNote {
                note_id: note_id.into(),
            },
        };
        let push = |server: &mut ServerState, c: &ClientId, m: Mutation| {
            let request = PushRequest {
                client_id: c.clone(),
                mutations: vec![m],
            };
            server.push_as(&request, &Users).unwrap().results[0]
                .outcome
                .clone()
        };
        let by_b = retract(&b, 1, forged.id.as_str());
        assert_eq!(
            push(&mut server, &b, by_b.clone()),
            Outcome::Rejected {
                reason: "他の人のメモは取り消せません。".into(),
                reason_en: Some("You cannot retract another person's note.".into()),
            }
        );
        assert!(server.processed(&by_b.id).is_none(), "not remembered");
        assert_eq!(
            push(&mut server, &a, retract(&a, 3, forged.id.as_str())),
            Outcome::Applied { version: 3 }
        );
        assert_eq!(
            push(&mut server, &admin, retract(&admin, 1, "a-2")),
            Outcome::Applied { version: 4 }
        );
        // Retracting a note that is not there yet is remembered: it may arrive later.
        let early = retract(&a, 4, "a-9");
        assert_eq!(
            push(&mut server, &a, early.clone()),
            rejected("there is no such note")
        );
        assert!(server.processed(&early.id).is_some());
    }

    #[test]
    fn malformed_pushes_apply_nothing() {
        let mut server = ServerState::new();
        let (c, d) = (client("c"), client("d"));
        let request = PushRequest {
            client_id: c.clone(),
            mutations: vec![
                set(
                    &c,
                    1,
                    Field::Percent,
                    FieldValue::Percent(None),
                    FieldValue::Percent(Some(1)),
                ),
                set(
                    &d,
                    1,
                    Field::Percent,
                    FieldValue::Percent(None),
                    FieldValue::Percent(Some(2)),
                ),
            ],
        };
        assert_eq!(
            server.push(&request, allow_all).unwrap_err().field,
            "mutations[1].id"
        );
        let too_many = PushRequest {
            client_id: c.clone(),
            mutations: (1..=MAX_PUSH_MUTATIONS as u64 + 1)
                .map(|n| {
                    set(
                        &c,
                        n,
                        Field::Percent,
                        FieldValue::Percent(None),
                        FieldValue::Percent(Some(1)),
                    )
                })
                .collect(),
        };
        assert!(server.push(&too_many, allow_all).is_err());
        assert_eq!(server, ServerState::new());
    }

    #[test]
    fn pull_pages_through_rows_by_version_and_ends_at_the_head() {
        let mut server = ServerState::new();
        let c = client("c");
        let mutations: Vec<Mutation> = (1..=5)
            .map(|n| {
                let mut m = note_mutation(&c, n, "観察");
                m.key = RecordKey::measure(&key().plan_id, "m1", 2020 + n as i32).into();
                m
            })
            .collect();
        push(&mut server, &c, mutations);
        let page = |since, limit| server.pull(&PullRequest::new(since, limit), |_| true);

        let first = page(0, 2);
        assert_eq!(
            first
                .changes
                .iter()
                .map(ChangeEntry::version)
                .collect::<Vec<_>>(),
            [1, 2]
        );
        assert_eq!((first.cursor, first.more), (2, true));
        let last = page(4, 2);
        assert_eq!(last.changes.len(), 1);
        assert_eq!((last.cursor, last.more), (5, false));
        let empty = page(5, 2);
        assert_eq!(
            (empty.changes.len(), empty.cursor, empty.more),
            (0, 5, false)
        );
    }

    #[test]
    fn pull_skips_invisible_records_but_still_reaches_the_head() {
        let mut server = ServerState::new();
        let c = client("c");
        let mut hidden = note_mutation(&c, 1, "非公開");
        hidden.key = RecordKey::measure("draft-plan", "m1", 2024).into();
        let shown = note_mutation(&c, 2, "公開");
        let mut hidden_later = note_mutation(&c, 3, "非公開2");
        hidden_later.key = RecordKey::measure("draft-plan", "m1", 2024).into();
        push(&mut server, &c, vec![hidden, shown, hidden_later]);
        let response = server.pull(&PullRequest::new(0, 10), |k| k.plan_id != "draft-plan");
        assert_eq!(response.changes.len(), 1);
        assert_eq!(response.changes[0].version(), 2);
        assert_eq!((response.cursor, response.more), (3, false));
    }

    #[test]
    fn rows_changed_again_are_sent_once_at_their_latest_version() {
        let mut server = ServerState::new();
        let c = client("c");
        let p = |v| FieldValue::Percent(Some(v));
        push(
            &mut server,
            &c,
            vec![
                set(&c, 1, Field::Percent, FieldValue::Percent(None), p(10)),
                set(&c, 2, Field::Percent, p(10), p(20)),
                set(&c, 3, Field::Percent, p(20), p(30)),
            ],
        );
        let response = server.pull(&PullRequest::new(0, 10), |_| true);
        assert_eq!(
            response.changes,
            [ChangeEntry::FieldState {
                key: key(),
                field: Field::Percent,
                value: p(30),
                version: 3
            }]
        );
    }

    #[test]
    fn server_state_survives_serialization() {
        let mut server = ServerState::new();
        let c = client("c");
        push(
            &mut server,
            &c,
            vec![
                set(&c, 1, Field::Results, text(""), text("実績")),
                note_mutation(&c, 2, "観察"),
            ],
        );
        let json = serde_json::to_string(&server).unwrap();
        let restored: ServerState = serde_json::from_str(&json).unwrap();
        assert_eq!(restored, server);
    }
}
