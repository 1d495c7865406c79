//! The client's replica: what the browser holds while staff record progress offline.
//!
//! A [`Replica`] keeps the server state it has confirmed (as of its pull cursor), an ordered
//! outbox of the user's pending mutations, the conflicts and rejections the server answered,
//! and the counter that names new mutations. Every method that changes it returns the
//! [`Write`]s that persist the change; the browser applies each method's writes in one
//! IndexedDB transaction, and [`Replica::restore`] rebuilds exactly the same replica from what
//! those writes stored. So closing the tab at any point loses nothing that was written.

mod outbox;

use std::collections::{BTreeMap, BTreeSet};

use keikaku_domain::evaluation::RecordState;
use keikaku_domain::lang::Lang;
use serde::{Deserialize, Serialize};

use self::outbox::Outbox;
use crate::annotation::{Annotation, AnnotationKind, Notebook, Target as AnnotationTarget};
use crate::progress::{
    validate, Field, FieldNote, FieldValue, Invalid, KpiReading, ProgressRecord, RecordKey,
    Versioned,
};
use crate::protocol::{
    Change, ChangeEntry, ClientId, Conflict, Mutation, MutationId, MutationKey, Outcome,
    PullRequest, PullResponse, PushRequest, PushResponse, MAX_PUSH_BYTES, MAX_PUSH_MUTATIONS,
};
use crate::round::RoundRecord;

/// A mutation waiting for the server's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingMutation {
    /// Position in the outbox: the counter value that named the mutation.
    pub order: u64,
    pub mutation: Mutation,
    /// Included in a push whose answer has not arrived. A sent mutation is never changed
    /// again, since the server may already have applied it as sent.
    ///
    /// Stored for `Set`s only, the one kind that changes while queued. Any other mutation is
    /// sent exactly when its order is at most [`Meta::sent_through`], so a push of thousands
    /// of notes stores one number instead of rewriting every note.
    pub sent: bool,
}

/// A conflict the user has not resolved yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenConflict {
    /// The mutation whose value lost; pass it to [`Replica::resolve`].
    pub id: MutationId,
    pub order: u64,
    /// Kept up to date: `theirs` follows the confirmed value as pulls bring newer ones.
    pub conflict: Conflict,
}

/// A mutation the server refused, kept (and shown) until the user discards it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedMutation {
    pub order: u64,
    pub mutation: Mutation,
    pub reason: String,
    /// The reason in English, when the server said it differently (kept rejections of an
    /// older version have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_en: Option<String>,
}

impl RejectedMutation {
    /// Why the server refused it, as a page in `lang` says it.
    pub fn reason_in(&self, lang: Lang) -> &str {
        match (lang, &self.reason_en) {
            (Lang::En, Some(english)) => english,
            _ => &self.reason,
        }
    }
}

/// The replica's scalar state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// Pass as `since` to the next pull.
    pub cursor: u64,
    /// How many mutation ids this client has generated. Persisted in the same transaction as
    /// every id it produces, so no id is ever generated twice, even across restarts.
    pub counter: u64,
    /// The order of the newest mutation included in a push. Pushes take the outbox in order,
    /// skipping only `Set`s, so every other mutation up to here has been sent.
    #[serde(default)]
    pub sent_through: u64,
    /// Sequence spans (`before` → `after`) that hold only this replica's own answered changes,
    /// ahead of the cursor: pushes on their way at once may be decided out of order. The
    /// cursor moves through them once it reaches them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub own_changes: BTreeMap<u64, u64>,
    /// Whether the cursor counts the user's notebooks in: `false` in a replica stored before
    /// notebooks were synced, which therefore pulls from the start once.
    #[serde(default)]
    pub notebooks: bool,
}

/// Why a change is kept as refused when the server answers it in a way it never answers such a
/// change: shown rather than lost.
const UNEXPECTED_ANSWER: &str = "unexpected answer from the server";

/// Own-change spans kept at most; beyond this the oldest go (a pull covers them instead).
const MAX_OWN_CHANGE_SPANS: usize = 64;

/// A confirmed record's fields. Its notes and readings are stored one by one: a record may
/// gather hundreds of them, and rewriting all of them for each new one made a sync of many
/// notes write megabytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFields {
    pub key: RecordKey,
    pub fields: BTreeMap<Field, Versioned<FieldValue>>,
}

/// A confirmed note of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredNote {
    pub key: RecordKey,
    pub note: Versioned<FieldNote>,
}

/// A confirmed KPI reading of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredKpiReading {
    pub key: RecordKey,
    pub reading: Versioned<KpiReading>,
}

/// A confirmed place of a record in a reporting round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRound {
    pub key: RecordKey,
    pub round: Versioned<RoundRecord>,
}

/// One persistence operation. Fields are stored under [`RecordKey`]'s string form, notes and
/// readings under that and their id; pending mutations, conflicts and rejections under their
/// mutation id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", content = "value", rename_all = "snake_case")]
pub enum Write {
    PutMeta(Meta),
    PutFields(StoredFields),
    PutNote(StoredNote),
    PutKpiReading(StoredKpiReading),
    PutRound(StoredRound),
    /// A confirmed annotation of the user's, stored under its id.
    PutAnnotation(Versioned<Annotation>),
    PutPending(PendingMutation),
    /// No pending mutation with an order in this range remains. One range clears a whole
    /// answered push: deleting its mutations one by one cost a storage request each.
    DeletePending(OrderRange),
    PutConflict(OpenConflict),
    DeleteConflict(MutationId),
    PutRejected(RejectedMutation),
    DeleteRejected(MutationId),
}

impl Write {
    /// A confirmed row of a record (fields, a note, a reading, a round), as opposed to the
    /// replica's own state (meta, outbox, conflicts, rejections).
    pub fn is_confirmed_row(&self) -> bool {
        matches!(
            self,
            Write::PutFields(_)
                | Write::PutNote(_)
                | Write::PutKpiReading(_)
                | Write::PutRound(_)
                | Write::PutAnnotation(_)
        )
    }
}

/// Orders `first..=last` of the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRange {
    pub first: u64,
    pub last: u64,
}

/// A push to send, from [`Replica::next_push_after`].
#[derive(Debug, Clone, PartialEq)]
pub struct OutgoingPush {
    pub request: PushRequest,
    /// The `sent` marks: commit them before the request leaves.
    pub writes: Vec<Write>,
    /// The newest outbox order this push carries: the next push, sent before this one is
    /// answered, starts after it.
    pub through: u64,
}

/// What the browser's storage holds for a replica, built by applying [`Write`]s. The browser
/// reads its IndexedDB stores into one of these to call [`Replica::restore`]; tests keep one
/// in memory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredReplica {
    pub meta: Meta,
    /// By the record key's string form.
    pub records: BTreeMap<String, ProgressRecord>,
    /// The user's annotations the server confirmed, by id.
    #[serde(default)]
    pub annotations: BTreeMap<String, Versioned<Annotation>>,
    /// By order.
    pub pending: BTreeMap<u64, PendingMutation>,
    pub conflicts: BTreeMap<MutationId, OpenConflict>,
    pub rejected: BTreeMap<MutationId, RejectedMutation>,
}

impl StoredReplica {
    pub fn apply(&mut self, writes: impl IntoIterator<Item = Write>) {
        for write in writes {
            match write {
                Write::PutMeta(meta) => self.meta = meta,
                Write::PutFields(stored) => {
                    self.record_mut(stored.key).fields = stored.fields;
                }
                Write::PutNote(stored) => {
                    let note = stored.note;
                    let notes = &mut self.record_mut(stored.key).notes;
                    notes.insert(note.value.id.clone(), note);
                }
                Write::PutKpiReading(stored) => {
                    let reading = stored.reading;
                    let readings = &mut self.record_mut(stored.key).kpi_readings;
                    readings.insert(reading.value.id.clone(), reading);
                }
                Write::PutRound(stored) => {
                    let round = stored.round;
                    let rounds = &mut self.record_mut(stored.key).rounds;
                    rounds.insert(round.value.round_id.clone(), round);
                }
                Write::PutAnnotation(annotation) => {
                    self.annotations
                        .insert(annotation.value.id.clone(), annotation);
                }
                Write::PutPending(pending) => {
                    self.pending.insert(pending.order, pending);
                }
                Write::DeletePending(range) => {
                    let doomed: Vec<u64> = self
                        .pending
                        .range(range.first..=range.last)
                        .map(|(order, _)| *order)
                        .collect();
                    for order in doomed {
                        self.pending.remove(&order);
                    }
                }
                Write::PutConflict(conflict) => {
                    self.conflicts.insert(conflict.id.clone(), conflict);
                }
                Write::DeleteConflict(id) => {
                    self.conflicts.remove(&id);
                }
                Write::PutRejected(rejected) => {
                    self.rejected.insert(rejected.mutation.id.clone(), rejected);
                }
                Write::DeleteRejected(id) => {
                    self.rejected.remove(&id);
                }
            }
        }
    }

    fn record_mut(&mut self, key: RecordKey) -> &mut ProgressRecord {
        self.records
            .entry(key.to_string())
            .or_insert_with(|| ProgressRecord::new(key))
    }
}

/// A new field note; the replica gives it its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNote {
    pub date: String,
    pub text: String,
    pub author: String,
}

/// A new KPI reading; the replica gives it its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKpiReading {
    pub kpi_id: String,
    pub value: String,
    pub as_of: String,
    pub note: Option<String>,
}

/// A new highlight, note or bookmark; the replica gives it its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAnnotation {
    pub plan_id: String,
    pub version: u32,
    pub kind: AnnotationKind,
    pub target: AnnotationTarget,
    pub text: String,
    /// The annotation this one edits.
    pub replaces: Option<String>,
    pub made_at: i64,
}

/// How the user settles a conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Write my value over theirs.
    KeepMine,
    /// Accept the stored value; nothing is sent.
    KeepTheirs,
    /// Write a new value, typically a combination of both.
    Edit(FieldValue),
}

/// The browser's copy of the progress it syncs, and its queue of unsent work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replica {
    client_id: ClientId,
    meta: Meta,
    confirmed: BTreeMap<RecordKey, ProgressRecord>,
    /// The user's confirmed annotations, by id.
    annotations: BTreeMap<String, Versioned<Annotation>>,
    outbox: Outbox,
    /// In `order`.
    conflicts: Vec<OpenConflict>,
    rejected: Vec<RejectedMutation>,
}

/// What a method changed, turned into writes when it returns.
#[derive(Default)]
struct Dirty {
    meta: bool,
    fields: BTreeSet<RecordKey>,
    notes: BTreeSet<(RecordKey, String)>,
    readings: BTreeSet<(RecordKey, String)>,
    /// By record and round id.
    rounds: BTreeSet<(RecordKey, String)>,
    /// By id.
    annotations: BTreeSet<String>,
    /// By order.
    pending: BTreeSet<u64>,
    conflicts: BTreeSet<MutationId>,
    rejected: BTreeSet<MutationId>,
}

impl Replica {
    /// A replica with nothing confirmed or pending, for a client id generated on first use.
    pub fn new(client_id: ClientId) -> Replica {
        Replica::restore(client_id, StoredReplica::default())
    }

    /// The replica that wrote `stored`.
    pub fn restore(client_id: ClientId, mut stored: StoredReplica) -> Replica {
        if !stored.meta.notebooks {
            // Stored by a build that did not pull notebooks: its cursor may have passed notes
            // the user made elsewhere. Pull everything again once (rows already held are
            // replaced by themselves).
            stored.meta.cursor = 0;
            stored.meta.own_changes.clear();
            stored.meta.notebooks = true;
        }
        let sent_through = stored.meta.sent_through;
        let outbox = Outbox::new(stored.pending.into_values().map(|mut p| {
            if p.mutation.set_target().is_none() {
                p.sent = p.order <= sent_through;
            }
            p
        }));
        let mut conflicts: Vec<OpenConflict> = stored.conflicts.into_values().collect();
        conflicts.sort_by_key(|c| c.order);
        let mut rejected: Vec<RejectedMutation> = stored.rejected.into_values().collect();
        rejected.sort_by_key(|r| r.order);
        Replica {
            client_id,
            meta: stored.meta,
            confirmed: stored
                .records
                .into_values()
                .map(|r| (r.key.clone(), r))
                .collect(),
            annotations: stored.annotations,
            outbox,
            conflicts,
            rejected,
        }
    }

    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }

    /// The `since` for the next pull.
    pub fn cursor(&self) -> u64 {
        self.meta.cursor
    }

    pub fn pull_request(&self, limit: u32) -> PullRequest {
        PullRequest {
            since: self.meta.cursor,
            limit,
            notebooks: true,
        }
    }

    /// The record as the server last confirmed it to this client.
    pub fn confirmed(&self, key: &RecordKey) -> Option<&ProgressRecord> {
        self.confirmed.get(key)
    }

    pub fn confirmed_records(&self) -> impl Iterator<Item = &ProgressRecord> {
        self.confirmed.values()
    }

    /// Every record of `plan_id` this replica knows of, as the user sees it ([`Replica::view`]):
    /// those the server confirmed and those only edited here, not yet answered.
    pub fn plan_views(&self, plan_id: &str) -> Vec<ProgressRecord> {
        let keys: BTreeSet<&RecordKey> = self
            .confirmed
            .keys()
            .chain(self.outbox.iter().filter_map(|p| p.mutation.key.record()))
            .filter(|key| key.plan_id == plan_id)
            .collect();
        keys.into_iter().map(|key| self.view(key)).collect()
    }

    /// Mutations not yet answered, oldest first.
    pub fn pending(&self) -> impl ExactSizeIterator<Item = &PendingMutation> + '_ {
        self.outbox.iter()
    }

    pub fn conflicts(&self) -> &[OpenConflict] {
        &self.conflicts
    }

    pub fn rejected(&self) -> &[RejectedMutation] {
        &self.rejected
    }

    /// What the UI shows: the confirmed record with pending mutations applied on top. Values,
    /// notes and readings that only exist locally have version 0. Conflicts and rejections
    /// are shown beside it, from [`Replica::conflicts`] and [`Replica::rejected`].
    pub fn view(&self, key: &RecordKey) -> ProgressRecord {
        let mut record = self
            .confirmed
            .get(key)
            .cloned()
            .unwrap_or_else(|| ProgressRecord::new(key.clone()));
        for pending in self.outbox.of_record(&MutationKey::Record(key.clone())) {
            match &pending.mutation.change {
                Change::Set { field, value, .. } => {
                    record
                        .fields
                        .insert(*field, Versioned::new(value.clone(), 0));
                }
                Change::AppendNote { note } => {
                    record
                        .notes
                        .insert(note.id.clone(), Versioned::new(note.clone(), 0));
                }
                Change::RetractNote { note_id } => {
                    if let Some(note) = record.notes.get_mut(note_id) {
                        note.value.retracted = true;
                        note.version = 0;
                    }
                }
                Change::AppendKpiReading { reading } => {
                    record
                        .kpi_readings
                        .insert(reading.id.clone(), Versioned::new(reading.clone(), 0));
                }
                Change::Submit { round_id, .. } => {
                    if let Some(round) = record.rounds.get_mut(round_id) {
                        round.value.state = RecordState::Submitted;
                        round.version = 0;
                    }
                }
                // A record's queue holds none.
                Change::AppendAnnotation { .. } | Change::RetractAnnotation { .. } => {}
            }
        }
        record
    }

    /// Every annotation of the user's on `plan_id` as they see it: confirmed, with those made
    /// and deleted here and not yet answered on top (edited and deleted ones included, which
    /// [`Notebook`] sorts out).
    pub fn annotations(&self, plan_id: &str) -> Vec<Annotation> {
        let mut all: BTreeMap<&str, Annotation> = self
            .annotations
            .values()
            .filter(|a| a.value.plan_id == plan_id)
            .map(|a| (a.value.id.as_str(), a.value.clone()))
            .collect();
        for pending in self.outbox.of_record(&MutationKey::notebook(plan_id)) {
            match &pending.mutation.change {
                Change::AppendAnnotation { annotation } => {
                    all.insert(&annotation.id, annotation.clone());
                }
                Change::RetractAnnotation { annotation_id } => {
                    if let Some(annotation) = all.get_mut(annotation_id.as_str()) {
                        annotation.retracted = true;
                    }
                }
                _ => {}
            }
        }
        all.into_values().collect()
    }

    /// The user's notebook of `plan_id`, as they see it.
    pub fn notebook(&self, plan_id: &str) -> Notebook {
        Notebook::new(self.annotations(plan_id))
    }

    /// Adds a highlight, note or bookmark (or, with `replaces`, an edit of one); its id is the
    /// returned mutation id.
    pub fn annotate(&mut self, new: NewAnnotation) -> Result<(MutationId, Vec<Write>), Invalid> {
        if let Some(replaced) = &new.replaces {
            self.live_annotation(&new.plan_id, replaced)?;
        }
        let annotation = Annotation {
            id: self.peek_next_id().to_string(),
            plan_id: new.plan_id,
            version: new.version,
            kind: new.kind,
            target: new.target,
            text: new.text,
            replaces: new.replaces,
            made_at: new.made_at,
            retracted: false,
        };
        let key = MutationKey::notebook(&annotation.plan_id);
        let change = Change::AppendAnnotation { annotation };
        self.queue_checked(key, change)
    }

    /// Deletes one of the user's annotations this replica shows.
    pub fn retract_annotation(
        &mut self,
        plan_id: &str,
        annotation_id: &str,
    ) -> Result<(MutationId, Vec<Write>), Invalid> {
        self.live_annotation(plan_id, annotation_id)?;
        let change = Change::RetractAnnotation {
            annotation_id: annotation_id.to_owned(),
        };
        self.queue_checked(MutationKey::notebook(plan_id), change)
    }

    /// `Ok` if `id` is an annotation of `plan_id` shown here and not deleted.
    fn live_annotation(&self, plan_id: &str, id: &str) -> Result<(), Invalid> {
        match self.annotations(plan_id).into_iter().find(|a| a.id == id) {
            None => Err(Invalid::new("annotation_id", "there is no such annotation")),
            Some(a) if a.retracted => Err(Invalid::new(
                "annotation_id",
                "the annotation is already deleted",
            )),
            Some(_) => Ok(()),
        }
    }

    /// Queues a mutation the server will take as valid, or says why it would not.
    fn queue_checked(
        &mut self,
        key: MutationKey,
        change: Change,
    ) -> Result<(MutationId, Vec<Write>), Invalid> {
        let mutation = Mutation {
            id: self.peek_next_id(),
            key,
            change,
        };
        mutation.validate()?;
        let mut dirty = Dirty::default();
        let id = self.enqueue(mutation.key, mutation.change, &mut dirty);
        Ok((id, self.flush(dirty)))
    }

    /// Sets a field. Returns the id of the pending mutation that carries the value: a new one,
    /// or an unsent one for the same field that now carries the new value instead.
    ///
    /// Editing a field that has an open conflict resolves the conflict with this value.
    pub fn edit(
        &mut self,
        key: RecordKey,
        field: Field,
        value: FieldValue,
    ) -> Result<(MutationId, Vec<Write>), Invalid> {
        key.validate()?;
        validate(field, &value)?;
        let mut dirty = Dirty::default();
        if let Some(i) = self.conflict_index(&key, field) {
            let resolved = self.conflicts.remove(i);
            dirty.conflicts.insert(resolved.id);
        }
        if let Some((order, id)) = self.outbox.unsent_set(&key, field) {
            let id = id.clone();
            // Not sent yet, so it may still change: one mutation per burst of typing.
            if let Some(Change::Set { value: queued, .. }) =
                self.outbox.unsent_set_change_mut(&key, field)
            {
                *queued = value;
            }
            dirty.pending.insert(order);
            return Ok((id, self.flush(dirty)));
        }
        // Behind an unanswered Set of the same field, the user built on its value. This base
        // is provisional until that Set is answered (see `settle_successor`).
        let (base_value, base_version) = match self.outbox.sent_set(&key, field) {
            Some(Change::Set {
                value,
                base_version,
                ..
            }) => (value.clone(), *base_version),
            _ => self.confirmed_field(&key, field),
        };
        let change = Change::Set {
            field,
            value,
            base_version,
            base_value,
        };
        let id = self.enqueue(key, change, &mut dirty);
        Ok((id, self.flush(dirty)))
    }

    /// Appends a field note; its id is the returned mutation id.
    pub fn append_note(
        &mut self,
        key: RecordKey,
        new: NewNote,
    ) -> Result<(MutationId, Vec<Write>), Invalid> {
        key.validate()?;
        let note = FieldNote {
            id: self.peek_next_id().to_string(),
            date: new.date,
            text: new.text,
            author: new.author,
            retracted: false,
        };
        note.validate()?;
        let mut dirty = Dirty::default();
        let id = self.enqueue(key, Change::AppendNote { note }, &mut dirty);
        Ok((id, self.flush(dirty)))
    }

    /// Retracts a note this replica shows (confirmed or pending).
    pub fn retract_note(
        &mut self,
        key: RecordKey,
        note_id: &str,
    ) -> Result<(MutationId, Vec<Write>), Invalid> {
        key.validate()?;
        match self.view(&key).notes.get(note_id) {
            None => return Err(Invalid::new("note_id", "there is no such note")),
            Some(note) if note.value.retracted => {
                return Err(Invalid::new("note_id", "the note is already retracted"))
            }
            Some(_) => {}
        }
        let mut dirty = Dirty::default();
        let change = Change::RetractNote {
            note_id: note_id.to_owned(),
        };
        let id = self.enqueue(key, change, &mut dirty);
        Ok((id, self.flush(dirty)))
    }

    /// Appends a KPI reading; its id is the returned mutation id.
    pub fn append_kpi_reading(
        &mut self,
        key: RecordKey,
        new: NewKpiReading,
    ) -> Result<(MutationId, Vec<Write>), Invalid> {
        key.validate()?;
        let reading = KpiReading {
            id: self.peek_next_id().to_string(),
            kpi_id: new.kpi_id,
            value: new.value,
            as_of: new.as_of,
            note: new.note,
        };
        reading.validate()?;
        let mut dirty = Dirty::default();
        let id = self.enqueue(key, Change::AppendKpiReading { reading }, &mut dirty);
        Ok((id, self.flush(dirty)))
    }

    /// Submits the record to the reporting round `round_id` (提出), after every edit queued
    /// before it: the server decides them in order, so what is submitted includes them.
    /// The record must be part of the round, and not submitted or approved already; a refusal
    /// says why in Japanese ([`Replica::submit_in`] for another language).
    pub fn submit(
        &mut self,
        key: RecordKey,
        round_id: &str,
    ) -> Result<(MutationId, Vec<Write>), Invalid> {
        self.submit_in(key, round_id, Lang::Ja)
    }

    /// [`Replica::submit`], a refusal's reason in `lang`: the user reads it on the page.
    pub fn submit_in(
        &mut self,
        key: RecordKey,
        round_id: &str,
        lang: Lang,
    ) -> Result<(MutationId, Vec<Write>), Invalid> {
        key.validate()?;
        let view = self.view(&key);
        let Some(round) = view.rounds.get(round_id) else {
            let reason = match lang {
                Lang::Ja => "この記録はこの評価の対象ではありません。",
                Lang::En => "This record is not part of this evaluation round.",
            };
            return Err(Invalid::new("round_id", reason));
        };
        if matches!(
            round.value.state,
            RecordState::Submitted | RecordState::Approved
        ) {
            let state = round.value.state;
            let reason = match (lang, state) {
                (Lang::Ja, _) => format!("この記録は既に{}です。", state.label()),
                (Lang::En, RecordState::Approved) => {
                    "This record has already been approved.".to_owned()
                }
                (Lang::En, _) => "This record has already been submitted.".to_owned(),
            };
            return Err(Invalid::new("round_id", reason));
        }
        let seen = self
            .confirmed
            .get(&key)
            .and_then(|r| r.rounds.get(round_id))
            .map_or(0, |r| r.value.step);
        let change = Change::Submit {
            round_id: round_id.to_owned(),
            seen,
        };
        change.validate()?;
        let mut dirty = Dirty::default();
        let id = self.enqueue(key, change, &mut dirty);
        Ok((id, self.flush(dirty)))
    }

    /// Settles a conflict. Keeping mine or editing queues a new `Set` based on the stored value
    /// the user was shown (`theirs`), and returns its id.
    pub fn resolve(
        &mut self,
        conflict_id: &MutationId,
        resolution: Resolution,
    ) -> Result<(Option<MutationId>, Vec<Write>), Invalid> {
        let Some(i) = self.conflicts.iter().position(|c| c.id == *conflict_id) else {
            return Err(Invalid::new("conflict", "there is no such conflict"));
        };
        let field = self.conflicts[i].conflict.field;
        let value = match resolution {
            Resolution::KeepMine => Some(self.conflicts[i].conflict.mine.clone()),
            Resolution::KeepTheirs => None,
            Resolution::Edit(value) => {
                validate(field, &value)?;
                Some(value)
            }
        };
        let mut dirty = Dirty::default();
        let resolved = self.conflicts.remove(i);
        dirty.conflicts.insert(resolved.id);
        let id = value.map(|value| {
            let change = Change::Set {
                field,
                value,
                base_version: resolved.conflict.theirs_version,
                base_value: resolved.conflict.theirs,
            };
            self.enqueue(resolved.conflict.key, change, &mut dirty)
        });
        Ok((id, self.flush(dirty)))
    }

    /// Forgets a rejected mutation; nothing if there is none with this id.
    pub fn discard_rejected(&mut self, id: &MutationId) -> Vec<Write> {
        let mut dirty = Dirty::default();
        if let Some(i) = self.rejected.iter().position(|r| r.mutation.id == *id) {
            self.rejected.remove(i);
            dirty.rejected.insert(id.clone());
        }
        self.flush(dirty)
    }

    /// The next push: every sent mutation still unanswered (a retry is safe, the server
    /// remembers what it decided) and the unsent ones that may go, oldest first, at most `max`
    /// of them and within [`MAX_PUSH_MUTATIONS`] and [`MAX_PUSH_BYTES`]. An unsent `Set` waits
    /// while a sent one for the same field is unanswered, because its base depends on that
    /// answer.
    ///
    /// The returned writes mark mutations as sent; commit them before sending the request.
    pub fn next_push(&mut self, max: usize) -> Option<(PushRequest, Vec<Write>)> {
        self.next_push_after(max, 0)
            .map(|push| (push.request, push.writes))
    }

    /// Where a pending mutation stands in the outbox: what [`Replica::next_push_after`] counts.
    pub fn order_of(&self, id: &MutationId) -> Option<u64> {
        self.outbox.get(id).map(|pending| pending.order)
    }

    /// The next push while earlier pushes are still on their way: like [`Replica::next_push`],
    /// but only mutations queued after `in_flight_through`, the newest order those pushes
    /// carry, so none travels twice at once. The server may decide the pushes in any order,
    /// which is safe for everything but a note's retraction (its append may still be on the
    /// way): this push ends before the first one. `0` means nothing is in flight.
    pub fn next_push_after(&mut self, max: usize, in_flight_through: u64) -> Option<OutgoingPush> {
        // `{"client_id":"…","mutations":[…]}` around the mutations, generously.
        const ENVELOPE_BYTES: usize = 128;
        let max = max.min(MAX_PUSH_MUTATIONS);
        let mut dirty = Dirty::default();
        let mut mutations = Vec::new();
        let mut newly_sent = Vec::new();
        let mut bytes = ENVELOPE_BYTES;
        let mut through = in_flight_through;
        let mut held_back = false;
        for pending in self.outbox.iter_after(in_flight_through) {
            if in_flight_through > 0
                && matches!(
                    pending.mutation.change,
                    Change::RetractNote { .. } | Change::RetractAnnotation { .. }
                )
            {
                break;
            }
            // A submission hands in what the edits before it made: it never overtakes one,
            // whether on its way in another push or held back here.
            if (in_flight_through > 0 || held_back)
                && matches!(pending.mutation.change, Change::Submit { .. })
            {
                break;
            }
            let blocked = !pending.sent
                && pending
                    .mutation
                    .set_target()
                    .is_some_and(|(key, field)| self.outbox.has_sent_set(key, field));
            if blocked {
                held_back = true;
                continue;
            }
            // Stopping (never skipping) keeps every push a prefix of the sendable outbox, so a
            // note's retraction never travels without its append.
            let size = json_size(&pending.mutation) + 1;
            if mutations.len() == max || (!mutations.is_empty() && bytes + size > MAX_PUSH_BYTES) {
                break;
            }
            bytes += size;
            if !pending.sent {
                newly_sent.push(pending.order);
                // Only a `Set` stores its own mark; the others are covered by `sent_through`.
                if pending.mutation.set_target().is_some() {
                    dirty.pending.insert(pending.order);
                }
            }
            through = through.max(pending.order);
            mutations.push(pending.mutation.clone());
        }
        if mutations.is_empty() {
            return None;
        }
        for order in newly_sent {
            self.outbox.mark_sent(order);
            if order > self.meta.sent_through {
                self.meta.sent_through = order;
                dirty.meta = true;
            }
        }
        let request = PushRequest {
            client_id: self.client_id.clone(),
            mutations,
        };
        Some(OutgoingPush {
            request,
            writes: self.flush(dirty),
            through,
        })
    }

    /// Takes in the server's answers. Answers for mutations no longer pending (a duplicated or
    /// late response) are ignored.
    ///
    /// Applied, merged and unchanged mutations leave the outbox and their result becomes
    /// confirmed state at once. A conflict leaves the outbox and opens a conflict holding the
    /// user's value. A rejection moves the mutation to the rejected list with its reason.
    pub fn apply_push_response(&mut self, response: &PushResponse) -> Vec<Write> {
        let mut dirty = Dirty::default();
        for result in &response.results {
            if !self.outbox.get(&result.id).is_some_and(|p| p.sent) {
                continue;
            }
            let Some(answered) = self.outbox.remove(&result.id) else {
                continue;
            };
            dirty.pending.insert(answered.order);
            self.take_answer(answered, &result.outcome, &mut dirty);
        }
        // Every change between `before` and `after` is one of these answers (answers ignored
        // above were taken in from an earlier copy of the same outcome): once the cursor
        // reaches `before`, it may move on to `after` without pulling them back.
        if let Some(sequence) = response.sequence {
            if sequence.after > sequence.before && sequence.after > self.meta.cursor {
                self.meta
                    .own_changes
                    .insert(sequence.before, sequence.after);
                while self.meta.own_changes.len() > MAX_OWN_CHANGE_SPANS {
                    self.meta.own_changes.pop_first();
                }
                dirty.meta = true;
            }
            self.skip_own_changes(&mut dirty);
        }
        self.flush(dirty)
    }

    /// Moves the cursor through the own-change spans it has reached, and forgets the spans it
    /// has passed.
    fn skip_own_changes(&mut self, dirty: &mut Dirty) {
        while let Some((&before, &after)) = self.meta.own_changes.first_key_value() {
            if before > self.meta.cursor {
                break;
            }
            self.meta.own_changes.pop_first();
            self.meta.cursor = self.meta.cursor.max(after);
            dirty.meta = true;
        }
    }

    /// Takes in a page of pulled rows: each replaces the confirmed row unless this replica
    /// already holds a newer version (the page may be older than a push answer that arrived
    /// first). The cursor only moves forward.
    pub fn apply_pull(&mut self, response: &PullResponse) -> Vec<Write> {
        let mut dirty = Dirty::default();
        for entry in &response.changes {
            match entry {
                ChangeEntry::FieldState {
                    key,
                    field,
                    value,
                    version,
                } => {
                    let incoming = Versioned::new(value.clone(), *version);
                    self.confirm_field(key, *field, incoming, &mut dirty);
                }
                ChangeEntry::Note { key, note, version } => {
                    self.confirm_note(key, Versioned::new(note.clone(), *version), &mut dirty);
                }
                ChangeEntry::KpiReading {
                    key,
                    reading,
                    version,
                } => {
                    let incoming = Versioned::new(reading.clone(), *version);
                    self.confirm_reading(key, incoming, &mut dirty);
                }
                ChangeEntry::Round {
                    key,
                    round,
                    version,
                } => {
                    self.confirm_round(key, Versioned::new(round.clone(), *version), &mut dirty);
                }
                ChangeEntry::Annotation {
                    annotation,
                    version,
                } => {
                    let incoming = Versioned::new(annotation.clone(), *version);
                    self.confirm_annotation(incoming, &mut dirty);
                }
            }
        }
        if response.cursor > self.meta.cursor {
            self.meta.cursor = response.cursor;
            dirty.meta = true;
        }
        self.skip_own_changes(&mut dirty);
        self.flush(dirty)
    }

    fn take_answer(&mut self, answered: PendingMutation, outcome: &Outcome, dirty: &mut Dirty) {
        let key = match &answered.mutation.key {
            MutationKey::Record(key) => key.clone(),
            MutationKey::Notebook(_) => return self.take_notebook_answer(answered, outcome, dirty),
        };
        match (&answered.mutation.change, outcome) {
            (_, Outcome::Rejected { reason, reason_en }) => {
                if let Change::Set {
                    field,
                    base_version,
                    base_value,
                    ..
                } = &answered.mutation.change
                {
                    // The rejected value never existed on the server: whatever the user typed
                    // after it was, relative to the server, an edit of the rejected one's base.
                    if let Some(Change::Set {
                        base_version: next_version,
                        base_value: next_value,
                        ..
                    }) = self.outbox.unsent_set_change_mut(&key, *field)
                    {
                        *next_version = *base_version;
                        *next_value = base_value.clone();
                    }
                    self.mark_successor_dirty(&key, *field, dirty);
                }
                self.reject(answered, reason.clone(), reason_en.clone(), dirty);
            }
            (
                Change::Set { field, value, .. },
                Outcome::Applied { version } | Outcome::Unchanged { version },
            ) => {
                let stored = Versioned::new(value.clone(), *version);
                self.confirm_field(&key, *field, stored, dirty);
                self.settle_successor(&key, *field, *version, dirty);
            }
            (Change::Set { field, .. }, Outcome::Merged { version, value }) => {
                self.confirm_field(&key, *field, Versioned::new(value.clone(), *version), dirty);
                self.settle_successor(&key, *field, *version, dirty);
            }
            (Change::Set { field, .. }, Outcome::Conflict(conflict)) => {
                let theirs = Versioned::new(conflict.theirs.clone(), conflict.theirs_version);
                self.confirm_field(&key, *field, theirs, dirty);
                self.open_conflict(answered, conflict.clone(), dirty);
            }
            (Change::AppendNote { note }, Outcome::Applied { version }) => {
                self.confirm_note(&key, Versioned::new(note.clone(), *version), dirty);
            }
            (
                Change::RetractNote { note_id },
                Outcome::Applied { version } | Outcome::Unchanged { version },
            ) => {
                let confirmed = self.confirmed.get(&key).and_then(|r| r.notes.get(note_id));
                if let Some(note) = confirmed {
                    let tombstone = FieldNote {
                        retracted: true,
                        ..note.value.clone()
                    };
                    self.confirm_note(&key, Versioned::new(tombstone, *version), dirty);
                }
            }
            (Change::AppendKpiReading { reading }, Outcome::Applied { version }) => {
                self.confirm_reading(&key, Versioned::new(reading.clone(), *version), dirty);
            }
            (Change::Submit { round_id, .. }, Outcome::Applied { version }) => {
                let held = self
                    .confirmed
                    .get(&key)
                    .and_then(|r| r.rounds.get(round_id));
                if let Some(held) = held {
                    let submitted = RoundRecord {
                        state: RecordState::Submitted,
                        step: *version,
                        ..held.value.clone()
                    };
                    self.confirm_round(&key, Versioned::new(submitted, *version), dirty);
                }
            }
            // Someone submitted it already; the next pull brings the row if it is news.
            (Change::Submit { .. }, Outcome::Unchanged { .. }) => {}
            // Already stored before; its row arrives with the next pull if it is news here.
            (
                Change::AppendNote { .. } | Change::AppendKpiReading { .. },
                Outcome::Unchanged { .. },
            ) => {}
            // The server never answers an append or retraction like this, nor a notebook's
            // change under a record: keep the change visible rather than lose it.
            (_, Outcome::Merged { .. } | Outcome::Conflict(_))
            | (Change::AppendAnnotation { .. } | Change::RetractAnnotation { .. }, _) => {
                self.reject(answered, UNEXPECTED_ANSWER.into(), None, dirty);
            }
        }
    }

    /// Takes in the answer to a change of the user's notebook.
    fn take_notebook_answer(
        &mut self,
        answered: PendingMutation,
        outcome: &Outcome,
        dirty: &mut Dirty,
    ) {
        match (&answered.mutation.change, outcome) {
            (_, Outcome::Rejected { reason, reason_en }) => {
                self.reject(answered, reason.clone(), reason_en.clone(), dirty)
            }
            (Change::AppendAnnotation { annotation }, Outcome::Applied { version }) => {
                self.confirm_annotation(Versioned::new(annotation.clone(), *version), dirty);
            }
            // Stored by an earlier try whose answer was lost: the next pull brings it.
            (Change::AppendAnnotation { .. }, Outcome::Unchanged { .. }) => {}
            (
                Change::RetractAnnotation { annotation_id },
                Outcome::Applied { version } | Outcome::Unchanged { version },
            ) => {
                if let Some(held) = self.annotations.get(annotation_id) {
                    let tombstone = Annotation {
                        retracted: true,
                        ..held.value.clone()
                    };
                    self.confirm_annotation(Versioned::new(tombstone, *version), dirty);
                }
            }
            _ => self.reject(answered, UNEXPECTED_ANSWER.into(), None, dirty),
        }
    }

    /// Keeps a refused mutation, with the reason, until the user discards it.
    fn reject(
        &mut self,
        answered: PendingMutation,
        reason: String,
        reason_en: Option<String>,
        dirty: &mut Dirty,
    ) {
        let rejected = RejectedMutation {
            order: answered.order,
            mutation: answered.mutation,
            reason,
            reason_en,
        };
        dirty.rejected.insert(rejected.mutation.id.clone());
        let at = self.rejected.partition_point(|r| r.order < rejected.order);
        self.rejected.insert(at, rejected);
    }

    /// Opens a conflict for a `Set` that lost. If the user already typed more into the field
    /// (an unsent `Set` queued behind this one), that newer value is what they want kept: it
    /// joins the conflict as "mine" instead of being sent on a base that would make the server
    /// discard the value that lost.
    fn open_conflict(&mut self, lost: PendingMutation, mut conflict: Conflict, dirty: &mut Dirty) {
        let (mut id, mut order) = (lost.mutation.id, lost.order);
        let newer = self
            .outbox
            .unsent_set(&conflict.key, conflict.field)
            .map(|(_, id)| id.clone())
            .and_then(|newer| self.outbox.remove(&newer));
        if let Some(newer) = newer {
            dirty.pending.insert(newer.order);
            if let Change::Set { value, .. } = newer.mutation.change {
                conflict.mine = value;
            }
            (id, order) = (newer.mutation.id, newer.order);
        }
        let (key, field) = (conflict.key.clone(), conflict.field);
        dirty.conflicts.insert(id.clone());
        let at = self.conflicts.partition_point(|c| c.order < order);
        self.conflicts.insert(
            at,
            OpenConflict {
                id,
                order,
                conflict,
            },
        );
        self.refresh_conflict(&key, field, dirty);
    }

    /// The `Set` answered for this field left the server at `version`; the one queued behind it
    /// (based on its value) is now based on that version.
    fn settle_successor(&mut self, key: &RecordKey, field: Field, version: u64, dirty: &mut Dirty) {
        if let Some(Change::Set { base_version, .. }) =
            self.outbox.unsent_set_change_mut(key, field)
        {
            *base_version = version;
        }
        self.mark_successor_dirty(key, field, dirty);
    }

    fn mark_successor_dirty(&mut self, key: &RecordKey, field: Field, dirty: &mut Dirty) {
        if let Some((order, _)) = self.outbox.unsent_set(key, field) {
            dirty.pending.insert(order);
        }
    }

    /// Names a new mutation and queues it.
    fn enqueue(
        &mut self,
        key: impl Into<MutationKey>,
        change: Change,
        dirty: &mut Dirty,
    ) -> MutationId {
        let id = self.peek_next_id();
        self.meta.counter += 1;
        dirty.meta = true;
        dirty.pending.insert(self.meta.counter);
        self.outbox.insert(PendingMutation {
            order: self.meta.counter,
            mutation: Mutation {
                id: id.clone(),
                key: key.into(),
                change,
            },
            sent: false,
        });
        id
    }

    /// The id the next queued mutation will get.
    fn peek_next_id(&self) -> MutationId {
        MutationId::new(&self.client_id, self.meta.counter + 1)
    }

    fn confirmed_field(&self, key: &RecordKey, field: Field) -> (FieldValue, u64) {
        match self.confirmed.get(key) {
            Some(record) => (record.value(field), record.version(field)),
            None => (field.empty_value(), 0),
        }
    }

    fn conflict_index(&self, key: &RecordKey, field: Field) -> Option<usize> {
        self.conflicts
            .iter()
            .position(|c| c.conflict.key == *key && c.conflict.field == field)
    }

    fn record_mut(&mut self, key: &RecordKey) -> &mut ProgressRecord {
        self.confirmed
            .entry(key.clone())
            .or_insert_with(|| ProgressRecord::new(key.clone()))
    }

    fn confirm_field(
        &mut self,
        key: &RecordKey,
        field: Field,
        incoming: Versioned<FieldValue>,
        dirty: &mut Dirty,
    ) {
        let held = self.confirmed.get(key).and_then(|r| r.fields.get(&field));
        if supersedes(&incoming, held) {
            self.record_mut(key).fields.insert(field, incoming);
            dirty.fields.insert(key.clone());
            self.refresh_conflict(key, field, dirty);
        }
    }

    fn confirm_note(&mut self, key: &RecordKey, incoming: Versioned<FieldNote>, dirty: &mut Dirty) {
        let held = self
            .confirmed
            .get(key)
            .and_then(|r| r.notes.get(&incoming.value.id));
        if supersedes(&incoming, held) {
            let id = incoming.value.id.clone();
            self.record_mut(key).notes.insert(id.clone(), incoming);
            dirty.notes.insert((key.clone(), id));
        }
    }

    fn confirm_annotation(&mut self, incoming: Versioned<Annotation>, dirty: &mut Dirty) {
        if supersedes(&incoming, self.annotations.get(&incoming.value.id)) {
            dirty.annotations.insert(incoming.value.id.clone());
            self.annotations.insert(incoming.value.id.clone(), incoming);
        }
    }

    fn confirm_round(
        &mut self,
        key: &RecordKey,
        incoming: Versioned<RoundRecord>,
        dirty: &mut Dirty,
    ) {
        let held = self
            .confirmed
            .get(key)
            .and_then(|r| r.rounds.get(&incoming.value.round_id));
        if supersedes(&incoming, held) {
            let id = incoming.value.round_id.clone();
            self.record_mut(key).rounds.insert(id.clone(), incoming);
            dirty.rounds.insert((key.clone(), id));
        }
    }

    fn confirm_reading(
        &mut self,
        key: &RecordKey,
        incoming: Versioned<KpiReading>,
        dirty: &mut Dirty,
    ) {
        let held = self
            .confirmed
            .get(key)
            .and_then(|r| r.kpi_readings.get(&incoming.value.id));
        if supersedes(&incoming, held) {
            let id = incoming.value.id.clone();
            self.record_mut(key)
                .kpi_readings
                .insert(id.clone(), incoming);
            dirty.readings.insert((key.clone(), id));
        }
    }

    /// Shows an open conflict on this field the newest confirmed value as "theirs", so the user
    /// decides against what is stored now; a conflict whose two sides became equal is over.
    fn refresh_conflict(&mut self, key: &RecordKey, field: Field, dirty: &mut Dirty) {
        let Some(i) = self.conflict_index(key, field) else {
            return;
        };
        let (value, version) = self.confirmed_field(key, field);
        let open = &mut self.conflicts[i];
        if version <= open.conflict.theirs_version {
            return;
        }
        open.conflict.theirs = value;
        open.conflict.theirs_version = version;
        dirty.conflicts.insert(open.id.clone());
        if open.conflict.theirs == open.conflict.mine {
            self.conflicts.remove(i);
        }
    }

    /// The writes that store everything `dirty` names in its current state.
    fn flush(&self, dirty: Dirty) -> Vec<Write> {
        let mut writes = Vec::new();
        if dirty.meta {
            writes.push(Write::PutMeta(self.meta.clone()));
        }
        for key in dirty.fields {
            let fields = self.confirmed[&key].fields.clone();
            writes.push(Write::PutFields(StoredFields { key, fields }));
        }
        for (key, id) in dirty.notes {
            let note = self.confirmed[&key].notes[&id].clone();
            writes.push(Write::PutNote(StoredNote { key, note }));
        }
        for (key, id) in dirty.readings {
            let reading = self.confirmed[&key].kpi_readings[&id].clone();
            writes.push(Write::PutKpiReading(StoredKpiReading { key, reading }));
        }
        for (key, id) in dirty.rounds {
            let round = self.confirmed[&key].rounds[&id].clone();
            writes.push(Write::PutRound(StoredRound { key, round }));
        }
        for id in dirty.annotations {
            writes.push(Write::PutAnnotation(self.annotations[&id].clone()));
        }
        // Gone mutations as ranges, each as long as no mutation still queued lies inside.
        let mut gone: Vec<OrderRange> = Vec::new();
        for order in dirty.pending {
            if let Some(pending) = self.outbox.get_by_order(order) {
                writes.push(Write::PutPending(pending.clone()));
                continue;
            }
            match gone.last_mut() {
                Some(range) if !self.outbox.has_order_between(range.last, order) => {
                    range.last = order;
                }
                _ => gone.push(OrderRange {
                    first: order,
                    last: order,
                }),
            }
        }
        writes.extend(gone.into_iter().map(Write::DeletePending));
        for id in dirty.conflicts {
            writes.push(match self.conflicts.iter().find(|c| c.id == id) {
                Some(open) => Write::PutConflict(open.clone()),
                None => Write::DeleteConflict(id),
            });
        }
        for id in dirty.rejected {
            writes.push(match self.rejected.iter().find(|r| r.mutation.id == id) {
                Some(rejected) => Write::PutRejected(rejected.clone()),
                None => Write::DeleteRejected(id),
            });
        }
        writes
    }
}

fn json_size(mutation: &Mutation) -> usize {
    serde_json::to_vec(mutation).map_or(0, |json| json.len())
}

/// Whether a row from the server replaces the one held: a newer version, or the same version
/// with different content (the server's copy is authoritative). Version 0 is "never set" and
/// carries nothing to store.
fn supersedes<T: PartialEq>(incoming: &Versioned<T>, held: Option<&Versioned<T>>) -> bool {
    incoming.version > 0
        && held.is_none_or(|held| {
            incoming.version > held.version
                || (incoming.version == held.version && incoming.value != held.value)
        })
}

#[cfg(test)]
mod tests {
    use keikaku_domain::reason::Reason;
    use keikaku_domain::Stage;

    use super::*;
    use crate::progress::Status;
    use crate::protocol::MutationResult;
    use crate::server::ServerState;

    /// A replica together with what its writes stored; every step checks that restoring from
    /// storage gives back the very same replica.
    struct Tab {
        replica: Replica,
        stored: StoredReplica,
    }

    impl Tab {
        fn new(client: &str) -> Tab {
            Tab {
                replica: Replica::new(ClientId::new(client).unwrap()),
                stored: StoredReplica::default(),
            }
        }

        fn persist(&mut self, writes: Vec<Write>) {
            self.stored.apply(writes);
            let restored = Replica::restore(self.replica.client_id.clone(), self.stored.clone());
            assert_eq!(restored, self.replica, "restored replica differs");
        }

        fn edit(&mut self, field: Field, value: FieldValue) -> MutationId {
            let (id, writes) = self.replica.edit(key(), field, value).unwrap();
            self.persist(writes);
            id
        }

        fn append_note(&mut self, text: &str) -> MutationId {
            let (id, writes) = self.replica.append_note(key(), note(text)).unwrap();
            self.persist(writes);
            id
        }

        fn push(&mut self) -> PushRequest {
            let (request, writes) = self.replica.next_push(100).expect("something to push");
            self.persist(writes);
            request
        }

        fn answer(&mut self, results: Vec<(MutationId, Outcome)>) {
            let response = PushResponse {
                results: results
                    .into_iter()
                    .map(|(id, outcome)| MutationResult { id, outcome })
                    .collect(),
                sequence: None,
            };
            let writes = self.replica.apply_push_response(&response);
            self.persist(writes);
        }

        fn sync_with(&mut self, server: &mut ServerState) {
            while let Some((request, writes)) = self.replica.next_push(100) {
                self.persist(writes);
                let response = server.push(&request, |_, _| Ok(())).unwrap();
                let writes = self.replica.apply_push_response(&response);
                self.persist(writes);
            }
            loop {
                let response = server.pull(&self.replica.pull_request(2), |_| true);
                let writes = self.replica.apply_pull(&response);
                self.persist(writes);
                if !response.more {
                    break;
                }
            }
        }

        fn set_base(&self, id: &MutationId) -> (FieldValue, u64) {
            let pending = self
                .replica
                .pending()
                .find(|p| p.mutation.id == *id)
                .unwrap();
            match &pending.mutation.change {
                Change::Set {
                    base_value,
                    base_version,
                    ..
                } => (base_value.clone(), *base_version),
                other => panic!("not a set: {other:?}"),
            }
        }
    }

    fn key() -> RecordKey {
        RecordKey::measure("komagane-dx", "birth-rate", 2024)
    }

    fn percent(p: u8) -> FieldValue {
        FieldValue::Percent(Some(p))
    }

    fn text(s: &str) -> FieldValue {
        FieldValue::Text(s.into())
    }

    fn confirm(tab: &mut Tab, field: Field, value: FieldValue, version: u64) {
        let pull = PullResponse {
            changes: vec![ChangeEntry::FieldState {
                key: key(),
                field,
                value,
                version,
            }],
            cursor: version,
            more: false,
        };
        let writes = tab.replica.apply_pull(&pull);
        tab.persist(writes);
    }

    fn note(text: &str) -> NewNote {
        NewNote {
            date: "2024-06-01".into(),
            text: text.into(),
            author: "佐藤".into(),
        }
    }

    /// The server records a note as written by who pushed it; the browser sends that name too,
    /// and a replica holding another one takes the stored note when it pulls it: the same
    /// version with other content is the server's copy.
    #[test]
    fn a_pulled_note_with_the_author_the_server_set_replaces_the_one_held() {
        let mut tab = Tab::new("c1");
        let (id, writes) = tab.replica.append_note(key(), note("現地確認")).unwrap();
        tab.persist(writes);
        tab.push();
        tab.answer(vec![(id.clone(), Outcome::Applied { version: 3 })]);
        let held = &tab.replica.confirmed(&key()).unwrap().notes[id.as_str()];
        assert_eq!((held.value.author.as_str(), held.version), ("佐藤", 3));
        let mut stored = held.value.clone();
        stored.author = "企画振興課 佐藤".into();
        let pull = PullResponse {
            changes: vec![ChangeEntry::Note {
                key: key(),
                note: stored.clone(),
                version: 3,
            }],
            cursor: 3,
            more: false,
        };
        let writes = tab.replica.apply_pull(&pull);
        tab.persist(writes);
        let held = &tab.replica.confirmed(&key()).unwrap().notes[id.as_str()];
        assert_eq!(held.value, stored);
    }

    #[test]
    fn an_edit_is_based_on_the_confirmed_value_and_persists_the_counter_with_it() {
        let mut tab = Tab::new("c1");
        confirm(&mut tab, Field::Percent, percent(40), 7);
        let (id, writes) = tab
            .replica
            .edit(key(), Field::Percent, percent(60))
            .unwrap();
        assert_eq!(id.as_str(), "c1-1");
        assert!(writes.contains(&Write::PutMeta(Meta {
            cursor: 7,
            counter: 1,
            sent_through: 0,
            own_changes: BTreeMap::new(),
            notebooks: true,
        })));
        assert!(
            matches!(&writes[..], [Write::PutMeta(_), Write::PutPending(p)] if p.mutation.id == id)
        );
        tab.persist(writes);
        assert_eq!(tab.set_base(&id), (percent(40), 7));
        assert_eq!(
            tab.replica.view(&key()).fields[&Field::Percent],
            Versioned::new(percent(60), 0)
        );
        assert_eq!(
            tab.replica.confirmed(&key()).unwrap().value(Field::Percent),
            percent(40)
        );
    }

    #[test]
    fn invalid_edits_change_nothing() {
        let mut tab = Tab::new("c1");
        let before = tab.replica.clone();
        assert!(tab
            .replica
            .edit(key(), Field::Percent, percent(101))
            .is_err());
        assert!(tab.replica.edit(key(), Field::Status, percent(1)).is_err());
        let mut bad_key = key();
        bad_key.plan_id = "Komagane".into();
        assert!(tab
            .replica
            .edit(bad_key, Field::Percent, percent(1))
            .is_err());
        assert!(tab.replica.append_note(key(), note("")).is_err());
        assert_eq!(tab.replica, before);
    }

    #[test]
    fn edits_coalesce_into_an_unsent_set() {
        let mut tab = Tab::new("c1");
        let first = tab.edit(Field::Results, text("実"));
        let second = tab.edit(Field::Results, text("実績"));
        assert_eq!(first, second);
        assert_eq!(tab.replica.pending().len(), 1);
        assert_eq!(
            tab.replica.meta.counter, 1,
            "no id spent on coalesced edits"
        );
        assert_eq!(tab.replica.view(&key()).value(Field::Results), text("実績"));
        assert_eq!(tab.set_base(&first), (text(""), 0));
    }

    #[test]
    fn a_set_behind_an_unanswered_one_waits_then_rebases_onto_its_version() {
        let mut tab = Tab::new("c1");
        let a = tab.edit(Field::Percent, percent(10));
        let request = tab.push();
        assert_eq!(request.mutations.len(), 1);
        let b = tab.edit(Field::Percent, percent(20));
        assert_ne!(a, b, "a sent mutation is never rewritten");
        assert_eq!(
            tab.set_base(&b),
            (percent(10), 0),
            "provisional base: the value it was typed on"
        );
        // Only the retry of `a` goes; `b` waits for `a`'s answer.
        let retry = tab.push();
        assert_eq!(
            retry.mutations.iter().map(|m| &m.id).collect::<Vec<_>>(),
            [&a]
        );

        tab.answer(vec![(a.clone(), Outcome::Applied { version: 5 })]);
        assert_eq!(tab.set_base(&b), (percent(10), 5));
        assert_eq!(
            tab.replica.confirmed(&key()).unwrap().fields[&Field::Percent],
            Versioned::new(percent(10), 5)
        );
        let next = tab.push();
        assert_eq!(
            next.mutations.iter().map(|m| &m.id).collect::<Vec<_>>(),
            [&b]
        );
    }

    #[test]
    fn a_set_behind_a_merged_one_keeps_the_value_it_was_typed_on_as_base() {
        let mut tab = Tab::new("c1");
        let a = tab.edit(Field::Results, text("一。"));
        tab.push();
        let b = tab.edit(Field::Results, text("一。二。"));
        tab.answer(vec![(
            a,
            Outcome::Merged {
                version: 9,
                value: text("零。一。"),
            },
        )]);
        // The server merges b's change (一。→一。二。) into 零。一。 instead of dropping 零。.
        assert_eq!(tab.set_base(&b), (text("一。"), 9));
        assert_eq!(
            tab.replica.confirmed(&key()).unwrap().value(Field::Results),
            text("零。一。")
        );
    }

    #[test]
    fn other_changes_go_out_while_a_set_waits() {
        let mut tab = Tab::new("c1");
        let a = tab.edit(Field::Percent, percent(10));
        tab.push();
        let b = tab.edit(Field::Percent, percent(20));
        let s = tab.edit(Field::Stage, FieldValue::Stage(Some(Stage::Trial)));
        let n = tab.append_note("説明会");
        let request = tab.push();
        let ids: Vec<&MutationId> = request.mutations.iter().map(|m| &m.id).collect();
        assert_eq!(ids, [&a, &s, &n]);
        assert!(
            !tab.replica
                .pending()
                .find(|p| p.mutation.id == b)
                .unwrap()
                .sent
        );
    }

    #[test]
    fn pushes_stay_within_the_body_limit() {
        let mut tab = Tab::new("c1");
        let long = "あ".repeat(crate::progress::MAX_TEXT_CHARS);
        let mut ids = Vec::new();
        // Enough of the longest texts for about three pushes' worth of bytes.
        let edits = 3 * MAX_PUSH_BYTES / long.len();
        for year in 2000..2000 + edits as i32 {
            let key = RecordKey::measure("komagane-dx", "birth-rate", year);
            let (id, writes) = tab.replica.edit(key, Field::Results, text(&long)).unwrap();
            tab.persist(writes);
            ids.push(id);
        }
        let mut sent = Vec::new();
        while let Some((request, writes)) = tab.replica.next_push(500) {
            tab.persist(writes);
            assert!(serde_json::to_vec(&request).unwrap().len() <= MAX_PUSH_BYTES);
            assert!(
                request.mutations.len() < ids.len(),
                "split into several pushes"
            );
            let results = request
                .mutations
                .iter()
                .map(|m| {
                    (
                        m.id.clone(),
                        Outcome::Applied {
                            version: 1 + sent.len() as u64,
                        },
                    )
                })
                .collect();
            sent.extend(request.mutations.iter().map(|m| m.id.clone()));
            tab.answer(results);
        }
        assert_eq!(sent, ids, "all sent, in order");
    }

    #[test]
    fn plan_views_include_records_only_edited_here() {
        let mut server = ServerState::new();
        let mut a = Tab::new("a");
        a.edit(Field::Percent, percent(20));
        a.sync_with(&mut server);
        let other = RecordKey::measure("komagane-dx", "other", 2025);
        let (_, writes) = a
            .replica
            .edit(
                other.clone(),
                Field::Status,
                FieldValue::Status(Some(Status::Delayed)),
            )
            .unwrap();
        a.persist(writes);
        let elsewhere = RecordKey::measure("ena-ict", "m1", 2025);
        let (_, writes) = a
            .replica
            .edit(elsewhere, Field::Percent, percent(5))
            .unwrap();
        a.persist(writes);

        let views = a.replica.plan_views("komagane-dx");
        let keys: Vec<&RecordKey> = views.iter().map(|v| &v.key).collect();
        assert_eq!(keys, [&key(), &other]);
        assert_eq!(
            views[1].fields[&Field::Status].value,
            FieldValue::Status(Some(Status::Delayed))
        );
    }

    #[test]
    fn pipelined_pushes_carry_each_mutation_once_and_hold_back_retractions() {
        let mut server = ServerState::new();
        let mut a = Tab::new("a");
        let mut notes = Vec::new();
        for n in 0..5 {
            notes.push(a.append_note(&format!("メモ{n}")));
        }
        a.edit(Field::Percent, percent(40));
        let (_, writes) = a.replica.retract_note(key(), notes[0].as_str()).unwrap();
        a.persist(writes);
        a.edit(Field::Status, FieldValue::Status(Some(Status::OnTrack)));

        // Two pushes on their way at once: the second starts after the first and stops at the
        // retraction, whose note may not have reached the server yet.
        let first = a.replica.next_push_after(3, 0).unwrap();
        a.persist(first.writes);
        assert_eq!(Some(first.through), a.replica.order_of(&notes[2]));
        let second = a.replica.next_push_after(100, first.through).unwrap();
        a.persist(second.writes);
        let (first, second) = (first.request, second.request);
        let ids = |r: &PushRequest| r.mutations.iter().map(|m| m.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&first), notes[..3]);
        assert_eq!(
            ids(&second).len(),
            3,
            "two notes and the percent: {second:#?}"
        );
        assert!(ids(&second).iter().all(|id| !ids(&first).contains(id)));

        // The server decides them in the other order; both answers are taken in.
        let second_answer = server.push(&second, |_, _| Ok(())).unwrap();
        let first_answer = server.push(&first, |_, _| Ok(())).unwrap();
        for answer in [first_answer, second_answer] {
            let writes = a.replica.apply_push_response(&answer);
            a.persist(writes);
        }
        // Both spans hold only a's changes: the cursor passes them, whatever the order.
        assert_eq!(a.replica.cursor(), server.sequence());
        // Nothing in flight: the retraction and the status go now.
        a.sync_with(&mut server);
        assert_eq!(a.replica.pending().len(), 0);
        let mine = a.replica.view(&key());
        assert_eq!(&mine, server.record(&key()).unwrap());
        assert!(mine.notes[notes[0].as_str()].value.retracted);
        assert_eq!(mine.notes.len(), 5);
    }

    #[test]
    fn a_push_answer_moves_the_cursor_only_past_the_pushs_own_changes() {
        let mut server = ServerState::new();
        let mut a = Tab::new("a");
        let mut b = Tab::new("b");
        a.sync_with(&mut server);
        b.sync_with(&mut server);

        // Nothing happened in between: a's cursor moves past its own change without a pull.
        a.edit(Field::Percent, percent(10));
        let (request, writes) = a.replica.next_push(100).unwrap();
        a.persist(writes);
        let response = server.push(&request, |_, _| Ok(())).unwrap();
        let writes = a.replica.apply_push_response(&response);
        a.persist(writes);
        assert_eq!(a.replica.cursor(), server.sequence());
        assert!(a.replica.pull_request(100).since == server.sequence());

        // b has not seen a's change: its push answer cannot vouch for it, so b still pulls it.
        b.edit(Field::Results, text("実績"));
        let (request, writes) = b.replica.next_push(100).unwrap();
        b.persist(writes);
        let response = server.push(&request, |_, _| Ok(())).unwrap();
        let writes = b.replica.apply_push_response(&response);
        b.persist(writes);
        assert_eq!(b.replica.cursor(), 0);
        b.sync_with(&mut server);
        assert_eq!(
            b.replica.view(&key()).fields[&Field::Percent].value,
            percent(10)
        );
        // A repeated answer changes nothing.
        let cursor = b.replica.cursor();
        let writes = b.replica.apply_push_response(&response);
        b.persist(writes);
        assert_eq!(b.replica.cursor(), cursor);
    }

    #[test]
    fn a_push_of_notes_stores_one_mark_and_a_reopened_tab_knows_what_was_sent() {
        let mut tab = Tab::new("c1");
        for i in 0..600 {
            tab.append_note(&format!("メモ{i}"));
        }
        let set = tab.edit(Field::Percent, percent(30));
        let (request, writes) = tab.replica.next_push(500).unwrap();
        assert_eq!(request.mutations.len(), 500);
        assert_eq!(
            writes,
            [Write::PutMeta(Meta {
                cursor: 0,
                counter: 601,
                sent_through: 500,
                own_changes: BTreeMap::new(),
                notebooks: true,
            })],
            "500 notes marked sent by one number"
        );
        // `persist` checks that a replica restored from storage equals this one.
        tab.persist(writes);
        let sent: Vec<bool> = tab.replica.pending().map(|p| p.sent).collect();
        assert!(sent[..500].iter().all(|&s| s) && sent[500..].iter().all(|&s| !s));

        let (request, writes) = tab.replica.next_push(500).unwrap();
        assert_eq!(request.mutations.len(), 500, "the unanswered 500 go again");
        assert!(writes.is_empty());
        let mut version = 0;
        let mut set_marked = false;
        while let Some((request, writes)) = tab.replica.next_push(500) {
            set_marked |= writes
                .iter()
                .any(|w| matches!(w, Write::PutPending(p) if p.mutation.id == set && p.sent));
            tab.persist(writes);
            let results = request
                .mutations
                .iter()
                .map(|m| {
                    version += 1;
                    MutationResult {
                        id: m.id.clone(),
                        outcome: Outcome::Applied { version },
                    }
                })
                .collect();
            let writes = tab.replica.apply_push_response(&PushResponse {
                results,
                sequence: None,
            });
            let deletes: Vec<&Write> = writes
                .iter()
                .filter(|w| matches!(w, Write::DeletePending(_)))
                .collect();
            assert_eq!(deletes.len(), 1, "one range clears an answered push");
            tab.persist(writes);
        }
        assert!(
            set_marked,
            "a set stores its own mark: it is the one kind that changes while queued"
        );
        assert_eq!(tab.replica.pending().len(), 0);
        assert_eq!(tab.replica.view(&key()).notes.len(), 600);
    }

    #[test]
    fn a_conflict_keeps_my_value_and_confirms_theirs() {
        let mut tab = Tab::new("c1");
        let none = FieldValue::Status(None);
        let mine = FieldValue::Status(Some(Status::OnTrack));
        let theirs = FieldValue::Status(Some(Status::Delayed));
        let a = tab.edit(Field::Status, mine.clone());
        tab.push();
        let conflict = Conflict {
            key: key(),
            field: Field::Status,
            base_value: none,
            mine: mine.clone(),
            theirs: theirs.clone(),
            theirs_version: 4,
        };
        tab.answer(vec![(a.clone(), Outcome::Conflict(conflict.clone()))]);
        assert!(tab.replica.pending().len() == 0);
        assert_eq!(
            tab.replica.conflicts(),
            [OpenConflict {
                id: a.clone(),
                order: 1,
                conflict
            }]
        );
        assert_eq!(tab.replica.view(&key()).value(Field::Status), theirs);

        let (id, writes) = tab.replica.resolve(&a, Resolution::KeepMine).unwrap();
        tab.persist(writes);
        let id = id.unwrap();
        assert!(tab.replica.conflicts().is_empty());
        assert_eq!(tab.set_base(&id), (theirs, 4));
        assert_eq!(tab.replica.view(&key()).value(Field::Status), mine);
    }

    fn open_status_conflict(tab: &mut Tab) -> MutationId {
        let a = tab.edit(Field::Status, FieldValue::Status(Some(Status::OnTrack)));
        tab.push();
        let conflict = Conflict {
            key: key(),
            field: Field::Status,
            base_value: FieldValue::Status(None),
            mine: FieldValue::Status(Some(Status::OnTrack)),
            theirs: FieldValue::Status(Some(Status::Delayed)),
            theirs_version: 4,
        };
        tab.answer(vec![(a.clone(), Outcome::Conflict(conflict))]);
        a
    }

    #[test]
    fn keeping_theirs_sends_nothing_and_editing_is_validated() {
        let mut tab = Tab::new("c1");
        let a = open_status_conflict(&mut tab);
        assert!(tab
            .replica
            .resolve(&a, Resolution::Edit(percent(5)))
            .is_err());
        assert_eq!(
            tab.replica.conflicts().len(),
            1,
            "a refused resolution keeps the conflict"
        );
        let (id, writes) = tab.replica.resolve(&a, Resolution::KeepTheirs).unwrap();
        assert_eq!(id, None);
        assert_eq!(writes, [Write::DeleteConflict(a.clone())]);
        tab.persist(writes);
        assert!(tab.replica.next_push(10).is_none());
        assert!(tab.replica.resolve(&a, Resolution::KeepTheirs).is_err());
    }

    #[test]
    fn resolving_by_editing_sends_the_new_value_on_theirs() {
        let mut tab = Tab::new("c1");
        let a = open_status_conflict(&mut tab);
        let done = FieldValue::Status(Some(Status::Completed));
        let (id, writes) = tab
            .replica
            .resolve(&a, Resolution::Edit(done.clone()))
            .unwrap();
        tab.persist(writes);
        let id = id.unwrap();
        assert_eq!(
            tab.set_base(&id),
            (FieldValue::Status(Some(Status::Delayed)), 4)
        );
        assert_eq!(tab.replica.view(&key()).value(Field::Status), done);
    }

    #[test]
    fn editing_a_conflicted_field_resolves_the_conflict() {
        let mut tab = Tab::new("c1");
        let a = open_status_conflict(&mut tab);
        let id = tab.edit(Field::Status, FieldValue::Status(Some(Status::Cancelled)));
        assert!(tab.replica.conflicts().is_empty());
        assert_ne!(id, a);
        assert_eq!(
            tab.set_base(&id),
            (FieldValue::Status(Some(Status::Delayed)), 4)
        );
    }

    #[test]
    fn a_value_typed_behind_a_losing_set_joins_its_conflict() {
        let mut tab = Tab::new("c1");
        let a = tab.edit(Field::Results, text("A"));
        tab.push();
        let b = tab.edit(Field::Results, text("AB"));
        let conflict = Conflict {
            key: key(),
            field: Field::Results,
            base_value: text(""),
            mine: text("A"),
            theirs: text("T"),
            theirs_version: 3,
        };
        tab.answer(vec![(a, Outcome::Conflict(conflict))]);
        assert!(
            tab.replica.pending().len() == 0,
            "b is not sent on a base that would drop A"
        );
        let open = &tab.replica.conflicts()[0];
        assert_eq!(open.id, b);
        assert_eq!(open.conflict.mine, text("AB"));
        assert_eq!(open.conflict.theirs, text("T"));
    }

    #[test]
    fn rejected_mutations_stay_until_discarded() {
        let mut tab = Tab::new("c1");
        confirm(&mut tab, Field::Percent, percent(40), 2);
        let a = tab.edit(Field::Percent, percent(50));
        tab.push();
        let b = tab.edit(Field::Percent, percent(60));
        let reason = "この施策の進捗を記録する権限がありません";
        tab.answer(vec![(
            a.clone(),
            Outcome::rejected(&Reason::new(reason, "You may not record this.")),
        )]);
        let rejected = &tab.replica.rejected()[0];
        assert_eq!(rejected.reason_in(Lang::En), "You may not record this.");
        assert_eq!(rejected.reason_in(Lang::Ja), reason);
        assert_eq!(
            (&rejected.mutation.id, rejected.reason.as_str()),
            (&a, reason)
        );
        assert_eq!(
            tab.set_base(&b),
            (percent(40), 2),
            "b inherits the base of the rejected set"
        );

        let writes = tab.replica.discard_rejected(&a);
        assert_eq!(writes, [Write::DeleteRejected(a.clone())]);
        tab.persist(writes);
        assert!(tab.replica.rejected().is_empty());
        assert!(tab.replica.discard_rejected(&a).is_empty());
    }

    #[test]
    fn late_and_duplicated_answers_are_ignored() {
        let mut tab = Tab::new("c1");
        let a = tab.edit(Field::Percent, percent(10));
        tab.push();
        tab.answer(vec![(a.clone(), Outcome::Applied { version: 3 })]);
        let before = tab.replica.clone();
        tab.answer(vec![(a.clone(), Outcome::Applied { version: 3 })]);
        tab.answer(vec![(
            MutationId::new(&ClientId::new("c1").unwrap(), 99),
            Outcome::Applied { version: 4 },
        )]);
        assert_eq!(tab.replica, before);
        // An answer for a mutation that was never sent cannot be genuine.
        let unsent = tab.edit(Field::Percent, percent(20));
        tab.answer(vec![(unsent.clone(), Outcome::Applied { version: 5 })]);
        assert_eq!(tab.replica.pending().len(), 1);
    }

    #[test]
    fn pulls_never_move_confirmed_state_or_the_cursor_backwards() {
        let mut tab = Tab::new("c1");
        let a = tab.edit(Field::Percent, percent(10));
        tab.push();
        tab.answer(vec![(a, Outcome::Applied { version: 8 })]);
        // A pull computed before the push was applied arrives late.
        confirm(&mut tab, Field::Percent, percent(1), 6);
        assert_eq!(
            tab.replica.confirmed(&key()).unwrap().fields[&Field::Percent],
            Versioned::new(percent(10), 8)
        );
        confirm(&mut tab, Field::Percent, percent(30), 12);
        assert_eq!(tab.replica.cursor(), 12);
        let stale = PullResponse {
            changes: vec![],
            cursor: 4,
            more: false,
        };
        let writes = tab.replica.apply_pull(&stale);
        assert!(writes.is_empty());
        assert_eq!(tab.replica.cursor(), 12);
    }

    #[test]
    fn pulled_values_refresh_open_conflicts_and_close_settled_ones() {
        let mut tab = Tab::new("c1");
        let a = open_status_conflict(&mut tab);
        confirm(
            &mut tab,
            Field::Status,
            FieldValue::Status(Some(Status::Completed)),
            6,
        );
        let open = &tab.replica.conflicts()[0].conflict;
        assert_eq!(
            (&open.theirs, open.theirs_version),
            (&FieldValue::Status(Some(Status::Completed)), 6)
        );
        // Someone else stored my value: nothing left to resolve.
        confirm(
            &mut tab,
            Field::Status,
            FieldValue::Status(Some(Status::OnTrack)),
            7,
        );
        assert!(tab.replica.conflicts().is_empty());
        assert!(tab.replica.resolve(&a, Resolution::KeepMine).is_err());
    }

    #[test]
    fn notes_and_readings_show_locally_until_confirmed() {
        let mut tab = Tab::new("c1");
        let n = tab.append_note("現地確認");
        let reading = NewKpiReading {
            kpi_id: "births".into(),
            value: "252".into(),
            as_of: "2025-03-31".into(),
            note: None,
        };
        let (r, writes) = tab.replica.append_kpi_reading(key(), reading).unwrap();
        tab.persist(writes);
        let view = tab.replica.view(&key());
        assert_eq!(view.notes[n.as_str()].value.text, "現地確認");
        assert_eq!(view.notes[n.as_str()].version, 0);
        assert_eq!(view.kpi_readings[r.as_str()].value.value, "252");

        let (t, writes) = tab.replica.retract_note(key(), n.as_str()).unwrap();
        tab.persist(writes);
        assert!(tab.replica.view(&key()).notes[n.as_str()].value.retracted);
        assert!(
            tab.replica.retract_note(key(), n.as_str()).is_err(),
            "already retracted"
        );
        assert!(tab.replica.retract_note(key(), "nope").is_err());

        tab.push();
        tab.answer(vec![
            (n.clone(), Outcome::Applied { version: 1 }),
            (r.clone(), Outcome::Applied { version: 2 }),
            (t, Outcome::Applied { version: 3 }),
        ]);
        let confirmed = tab.replica.confirmed(&key()).unwrap();
        assert_eq!(confirmed.notes[n.as_str()].version, 3);
        assert!(confirmed.notes[n.as_str()].value.retracted);
        assert_eq!(confirmed.kpi_readings[r.as_str()].version, 2);
        assert_eq!(tab.replica.view(&key()), *confirmed);
    }

    #[test]
    fn a_records_view_holds_its_own_pending_mutations_and_none_once_answered() {
        let mut tab = Tab::new("c1");
        let other = RecordKey::measure("komagane-dx", "birth-rate", 2025);
        let first = tab.append_note("一件目");
        let (elsewhere, writes) = tab
            .replica
            .append_note(other.clone(), note("別の年度"))
            .unwrap();
        tab.persist(writes);
        tab.edit(Field::Percent, percent(30));
        tab.edit(Field::Percent, percent(40));
        let view = tab.replica.view(&key());
        assert_eq!(view.notes.keys().collect::<Vec<_>>(), [first.as_str()]);
        assert_eq!(view.fields[&Field::Percent].value, percent(40));
        let view = tab.replica.view(&other);
        assert_eq!(view.notes.keys().collect::<Vec<_>>(), [elsewhere.as_str()]);
        assert!(view.fields.is_empty());

        let request = tab.push();
        let answers = request
            .mutations
            .iter()
            .enumerate()
            .map(|(i, m)| {
                (
                    m.id.clone(),
                    Outcome::Applied {
                        version: i as u64 + 1,
                    },
                )
            })
            .collect();
        tab.answer(answers);
        assert_eq!(tab.replica.pending().len(), 0);
        for key in [key(), other] {
            let view = tab.replica.view(&key);
            assert_eq!(Some(&view), tab.replica.confirmed(&key), "{key:?}");
            assert!(view.notes.values().all(|n| n.version > 0));
        }
    }

    #[test]
    fn ids_continue_after_a_restart() {
        let mut tab = Tab::new("c1");
        tab.edit(Field::Percent, percent(1));
        tab.edit(Field::Stage, FieldValue::Stage(None));
        let mut reopened = Tab {
            replica: Replica::restore(ClientId::new("c1").unwrap(), tab.stored.clone()),
            stored: tab.stored.clone(),
        };
        let id = reopened.edit(Field::Grade, FieldValue::Grade(None));
        assert_eq!(id.as_str(), "c1-3");
    }

    #[test]
    fn stored_replicas_serialize() {
        let mut tab = Tab::new("c1");
        tab.edit(Field::Results, text("実績"));
        open_status_conflict(&mut tab);
        let json = serde_json::to_string(&tab.stored).unwrap();
        assert_eq!(
            serde_json::from_str::<StoredReplica>(&json).unwrap(),
            tab.stored
        );
    }

    #[test]
    fn two_replicas_converge_through_the_server_merging_narrative_edits() {
        let mut server = ServerState::new();
        let (mut a, mut b) = (Tab::new("a"), Tab::new("b"));
        a.edit(Field::Results, text("説明会を開催した。参加者は30名。"));
        a.sync_with(&mut server);
        b.sync_with(&mut server);

        a.edit(Field::Results, text("説明会を2回開催した。参加者は30名。"));
        b.edit(Field::Results, text("説明会を開催した。参加者は45名。"));
        b.edit(Field::Percent, percent(50));
        a.sync_with(&mut server);
        b.sync_with(&mut server);
        a.sync_with(&mut server);

        let merged = text("説明会を2回開催した。参加者は45名。");
        for tab in [&a, &b] {
            assert_eq!(tab.replica.confirmed(&key()), server.record(&key()));
            assert_eq!(tab.replica.view(&key()).value(Field::Results), merged);
            assert_eq!(tab.replica.view(&key()).value(Field::Percent), percent(50));
            assert!(tab.replica.conflicts().is_empty());
        }
        assert_eq!(a.replica.cursor(), server.sequence());
    }

    fn new_annotation(text: &str, replaces: Option<&str>) -> NewAnnotation {
        NewAnnotation {
            plan_id: "komagane-dx".into(),
            version: 2,
            kind: AnnotationKind::Note,
            target: AnnotationTarget::Part {
                anchor: "doc-measure-birth-rate".into(),
                label: "施策1 出生率".into(),
            },
            text: text.into(),
            replaces: replaces.map(str::to_owned),
            made_at: 1_760_000_000,
        }
    }

    #[test]
    fn annotations_made_offline_survive_a_reload_and_follow_the_reader_to_another_tablet() {
        let mut server = ServerState::new();
        let (mut a, mut b) = (Tab::new("a"), Tab::new("b"));
        let (id, writes) = a
            .replica
            .annotate(new_annotation("質問する", None))
            .unwrap();
        a.persist(writes);
        assert_eq!(a.replica.notebook("komagane-dx").heads()[0].id, id.as_str());
        assert!(a.replica.notebook("other-plan").heads().is_empty());
        a.sync_with(&mut server);
        b.sync_with(&mut server);
        let heads = b.replica.notebook("komagane-dx").heads().to_vec();
        assert_eq!(heads.len(), 1);
        assert_eq!(heads[0].text, "質問する");

        // Both tablets edit the note offline: both edits are kept, side by side.
        let (edit_a, writes) = a
            .replica
            .annotate(new_annotation("質問する（予算）", Some(id.as_str())))
            .unwrap();
        a.persist(writes);
        let (edit_b, writes) = b
            .replica
            .annotate(new_annotation("質問しない", Some(id.as_str())))
            .unwrap();
        b.persist(writes);
        for _ in 0..2 {
            a.sync_with(&mut server);
            b.sync_with(&mut server);
        }
        for tab in [&a, &b] {
            let notebook = tab.replica.notebook("komagane-dx");
            let texts: Vec<&str> = notebook.heads().iter().map(|h| h.text.as_str()).collect();
            assert_eq!(texts.len(), 2, "{texts:?}");
            assert!(notebook.is_concurrent(edit_a.as_str()));
            assert!(notebook.is_concurrent(edit_b.as_str()));
        }

        // Keeping one: the other is deleted, on every tablet.
        let (_, writes) = b
            .replica
            .retract_annotation("komagane-dx", edit_b.as_str())
            .unwrap();
        b.persist(writes);
        b.sync_with(&mut server);
        a.sync_with(&mut server);
        for tab in [&a, &b] {
            let notebook = tab.replica.notebook("komagane-dx");
            assert_eq!(notebook.heads().len(), 1);
            assert_eq!(notebook.heads()[0].text, "質問する（予算）");
            assert!(tab.replica.pending().len() == 0);
        }
    }

    #[test]
    fn an_annotation_that_would_be_refused_is_never_queued() {
        let mut tab = Tab::new("c1");
        let empty = tab
            .replica
            .annotate(new_annotation("  ", None))
            .unwrap_err();
        assert_eq!(empty.field, "annotation.text");
        let unknown = tab
            .replica
            .annotate(new_annotation("編集", Some("c9-1")))
            .unwrap_err();
        assert_eq!(unknown.field, "annotation_id");
        let gone = tab
            .replica
            .retract_annotation("komagane-dx", "c9-1")
            .unwrap_err();
        assert_eq!(gone.field, "annotation_id");
        assert_eq!(tab.replica.pending().len(), 0);
        assert_eq!(tab.replica.next_push(10), None);
    }

    #[test]
    fn a_replica_stored_before_notebooks_synced_pulls_everything_once() {
        let mut stored = StoredReplica::default();
        stored.meta.cursor = 40;
        stored.meta.counter = 3;
        let replica = Replica::restore(ClientId::new("c1").unwrap(), stored);
        let request = replica.pull_request(100);
        assert_eq!((request.since, request.notebooks), (0, true));
        assert_eq!(replica.meta.counter, 3, "ids are never reused");
    }

    #[test]
    fn a_refused_submission_says_why_in_the_pages_language() {
        use keikaku_domain::evaluation::{RoundKind, RoundState};
        let mut tab = Tab::new("c1");
        let outside = tab.replica.submit_in(key(), "r6", Lang::En).unwrap_err();
        assert_eq!(
            (outside.field.as_str(), outside.reason.as_str()),
            (
                "round_id",
                "This record is not part of this evaluation round."
            )
        );
        assert_eq!(
            tab.replica.submit(key(), "r6").unwrap_err().reason,
            "この記録はこの評価の対象ではありません。"
        );
        let mut server = ServerState::new();
        let round = |state| RoundRecord {
            round_id: "r6".into(),
            title: "令和6年度実績".into(),
            kind: RoundKind::YearEnd,
            round_state: RoundState::Open,
            deadline: "2025-05-31".into(),
            state,
            reopened: false,
            step: 1,
            comment: None,
            secondary: None,
        };
        server.put_round(&key(), round(RecordState::Submitted));
        tab.sync_with(&mut server);
        let submitted = tab.replica.submit_in(key(), "r6", Lang::En).unwrap_err();
        assert_eq!(submitted.reason, "This record has already been submitted.");
        assert_eq!(
            tab.replica.submit(key(), "r6").unwrap_err().reason,
            "この記録は既に提出済です。"
        );
        server.put_round(&key(), round(RecordState::Approved));
        tab.sync_with(&mut server);
        let approved = tab.replica.submit_in(key(), "r6", Lang::En).unwrap_err();
        assert_eq!(approved.reason, "This record has already been approved.");
        assert_eq!(tab.replica.pending().len(), 0, "nothing was queued");
    }
}
