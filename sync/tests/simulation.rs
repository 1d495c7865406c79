//! Deterministic simulation of offline clients syncing through an unreliable network.
//!
//! Each seed builds a server and 3–5 browser replicas (each with the storage its writes fill)
//! and runs hundreds of random steps: edits that collide on a few records, notes, retractions
//! and KPI readings, conflict resolutions, edits the user may not make, pushes and pulls over
//! a network that drops, duplicates and reorders messages, disconnects, tabs closed and
//! reopened from storage, and server crashes that lose whatever was not yet committed. Then the
//! network heals, every client settles its conflicts and syncs until nothing moves, and the
//! invariants are checked: everyone agrees with the server, no mutation was applied twice, no
//! value was overwritten by someone who had not seen it, no user value vanished without a
//! conflict or rejection, and every acknowledged note and reading is stored exactly once.
//! Readers' annotations (highlights, notes, bookmarks) travel in the same outbox: each
//! acknowledged one is stored once under its author, reaches every device of that user (one
//! user works on two tablets) and nobody else's.
//!
//! `KEIKAKU_SIM_SEEDS=N` runs N seeds (default 300); `KEIKAKU_SIM_SEED=S` replays one seed.

mod support;

use keikaku_domain::reason::Reason;
use std::collections::{BTreeMap, BTreeSet};
use std::panic;

use keikaku_domain::anchor::Selector;
use keikaku_domain::Stage;
use keikaku_sync::annotation::{Annotation, AnnotationKind, Target};
use keikaku_sync::client::{
    NewAnnotation, NewKpiReading, NewNote, PendingMutation, Replica, Resolution, StoredReplica,
    Write,
};
use keikaku_sync::progress::{Grade, Status};
use keikaku_sync::protocol::{
    Change, ClientId, Mutation, MutationId, MutationKey, Outcome, PullRequest, PullResponse,
    PushRequest, PushResponse,
};
use keikaku_sync::server::{AppliedChange, NoteAuthor, PushRules, ServerState};
use keikaku_sync::{merge_text, Field, FieldNote, FieldValue, ProgressRecord, RecordKey};
use support::SplitMix64;

const DEFAULT_SEEDS: u64 = 300;
const STEPS_PER_SEED: usize = 400;

#[test]
fn offline_clients_converge_without_losing_or_repeating_edits() {
    let seeds: Vec<u64> = match std::env::var("KEIKAKU_SIM_SEED") {
        Ok(seed) => vec![seed.parse().expect("KEIKAKU_SIM_SEED is a number")],
        Err(_) => {
            let count = std::env::var("KEIKAKU_SIM_SEEDS")
                .map(|n| n.parse().expect("KEIKAKU_SIM_SEEDS is a number"))
                .unwrap_or(DEFAULT_SEEDS);
            (0..count).collect()
        }
    };
    let mut total = Stats::default();
    for seed in seeds {
        match panic::catch_unwind(|| Sim::new(seed).run()) {
            Ok(stats) => total.add(&stats),
            Err(cause) => {
                let message = cause
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| cause.downcast_ref::<&str>().copied())
                    .unwrap_or("(no message)");
                panic!(
                    "simulation seed {seed} failed (replay: KEIKAKU_SIM_SEED={seed}): {message}"
                );
            }
        }
    }
    println!("{total:#?}");
    // The scenario must actually exercise what it claims to.
    assert!(total.applied > 0 && total.merged > 0 && total.conflicts > 0);
    assert!(
        total.folded_conflicts > 0,
        "values typed behind a losing edit"
    );
    assert!(total.unauthorized_rejected > 0 && total.server_crashes > 0);
    assert!(
        total.retractions_refused > 0,
        "someone else's note retracted"
    );
    assert!(total.tab_reloads > 0 && total.dropped > 0 && total.duplicated > 0);
    assert!(total.cursor_skips > 0, "push answers that spare a pull");
    assert!(total.pipelined_pushes > 0);
    assert!(total.annotations > 0 && total.annotation_edits > 0 && total.annotations_deleted > 0);
}

/// Plans: `alpha` anyone edits; `gamma` everyone reads but only client 0 edits; `delta` only
/// client 0 sees at all.
fn keys() -> Vec<RecordKey> {
    vec![
        RecordKey::measure("alpha", "m1", 2024),
        RecordKey::action("alpha", "a1", 2024),
        RecordKey::measure("alpha", "m1", 2025),
        RecordKey::measure("gamma", "m1", 2024),
        RecordKey::measure("delta", "m1", 2024),
    ]
}

fn can_see(client: usize, key: &RecordKey) -> bool {
    key.plan_id != "delta" || client == 0
}

fn can_edit(client: usize, key: &RecordKey) -> bool {
    can_see(client, key) && (key.plan_id != "gamma" || client == 0)
}

/// Plans whose document a reader may annotate: those they see.
const PLANS: [&str; 3] = ["alpha", "gamma", "delta"];

fn can_read_plan(client: usize, plan_id: &str) -> bool {
    plan_id != "delta" || client == 0
}

/// Whether the client's user may make a change under `key`.
fn may_change(client: usize, key: &MutationKey) -> bool {
    match key {
        MutationKey::Record(key) => can_edit(client, key),
        MutationKey::Notebook(_) => can_read_plan(client, key.plan_id()),
    }
}

/// The user signed in on client `c`: one each, but client 4 (when there is one) is user 1's
/// second tablet, so their annotations must reach both.
fn user_of(c: usize) -> usize {
    if c == 4 {
        1
    } else {
        c
    }
}

fn client_index(id: &ClientId) -> usize {
    id.as_str()
        .strip_prefix("tab-")
        .and_then(|n| n.parse().ok())
        .expect("simulation client id")
}

/// The name the server records on the notes client `c`'s user appends; the simulated browser
/// sends the same (the app sends the signed-in user's display name).
fn author_name(c: usize) -> String {
    format!("職員{c}")
}

/// The rules the simulated server applies: one user per client, user `c` for client `c`, and
/// client 0's user is the administrator, who retracts anyone's note.
struct Rules;

impl PushRules for Rules {
    fn authorize(&self, client: &ClientId, mutation: &Mutation) -> Result<(), Reason> {
        if may_change(client_index(client), &mutation.key) {
            Ok(())
        } else {
            Err(Reason::fixed(
                "この施策の進捗を記録する権限がありません",
                "You may not record this measure's progress",
            ))
        }
    }

    fn note_author(&self, client: &ClientId) -> Option<NoteAuthor> {
        let user = user_of(client_index(client));
        Some(NoteAuthor {
            user_id: user as i64,
            name: author_name(user),
        })
    }

    fn may_retract(
        &self,
        client: &ClientId,
        _: &RecordKey,
        author: Option<i64>,
    ) -> Result<(), Reason> {
        let user = user_of(client_index(client));
        if user == 0 || author == Some(user as i64) {
            Ok(())
        } else {
            Err(Reason::fixed(
                RETRACTION_REFUSED,
                "You cannot retract another official's note",
            ))
        }
    }
}

const RETRACTION_REFUSED: &str = "他の職員のメモは取り消せません";

#[derive(Debug, Clone)]
enum Message {
    Push(usize, PushRequest),
    PushAnswer(usize, PushResponse),
    Pull(usize, PullRequest),
    PullAnswer(usize, PullResponse),
}

#[derive(Debug, Default)]
struct Stats {
    seeds: u64,
    steps: u64,
    applied: u64,
    merged: u64,
    unchanged: u64,
    conflicts: u64,
    folded_conflicts: u64,
    rejected: u64,
    unauthorized_rejected: u64,
    /// Retractions of someone else's note by a user who is not the administrator.
    retractions_refused: u64,
    dropped: u64,
    duplicated: u64,
    tab_reloads: u64,
    /// Push answers that moved the cursor past the push's own changes.
    cursor_skips: u64,
    /// Pushes sent while an earlier one may still have been on its way.
    pipelined_pushes: u64,
    server_crashes: u64,
    settle_rounds: u64,
    annotations: u64,
    annotation_edits: u64,
    annotations_deleted: u64,
}

impl Stats {
    fn add(&mut self, other: &Stats) {
        self.seeds += other.seeds;
        self.steps += other.steps;
        self.applied += other.applied;
        self.merged += other.merged;
        self.unchanged += other.unchanged;
        self.conflicts += other.conflicts;
        self.folded_conflicts += other.folded_conflicts;
        self.rejected += other.rejected;
        self.unauthorized_rejected += other.unauthorized_rejected;
        self.retractions_refused += other.retractions_refused;
        self.dropped += other.dropped;
        self.duplicated += other.duplicated;
        self.tab_reloads += other.tab_reloads;
        self.cursor_skips += other.cursor_skips;
        self.pipelined_pushes += other.pipelined_pushes;
        self.server_crashes += other.server_crashes;
        self.settle_rounds += other.settle_rounds;
        self.annotations += other.annotations;
        self.annotation_edits += other.annotation_edits;
        self.annotations_deleted += other.annotations_deleted;
    }
}

struct Client {
    replica: Replica,
    stored: StoredReplica,
    online: bool,
    /// Every mutation id this client was handed, to prove none is handed out twice.
    ids: BTreeSet<MutationId>,
    /// The newest outbox order its latest push carried, for pipelined pushes (memory only).
    pushed_through: u64,
}

struct Sim {
    rng: SplitMix64,
    server: ServerState,
    clients: Vec<Client>,
    network: Vec<Message>,
    drop_percent: u32,
    duplicate_percent: u32,
    crash_percent: u32,
    /// The answer each client took in for each of its mutations, with the client and the
    /// mutation as sent.
    accepted: BTreeMap<MutationId, (usize, Mutation, Outcome)>,
    /// Every value each client's user was shown for a field when they edited it or resolved a
    /// conflict on it: the only values their edits may overwrite.
    seen: BTreeMap<(usize, RecordKey, Field), Vec<FieldValue>>,
    stats: Stats,
}

const TEXT_ALPHABET: &[char] = &['あ', 'い', 'う', '。', '実', '績', 'a', 'b', '\n'];

impl Sim {
    fn new(seed: u64) -> Sim {
        let mut rng = SplitMix64::new(seed);
        let client_count = 3 + rng.below(3);
        let clients = (0..client_count)
            .map(|i| Client {
                replica: Replica::new(ClientId::new(format!("tab-{i}")).unwrap()),
                stored: StoredReplica::default(),
                online: true,
                ids: BTreeSet::new(),
                pushed_through: 0,
            })
            .collect();
        let drop_percent = rng.below(30) as u32;
        let duplicate_percent = rng.below(15) as u32;
        let crash_percent = 1 + rng.below(4) as u32;
        Sim {
            rng,
            server: ServerState::new(),
            clients,
            network: Vec::new(),
            drop_percent,
            duplicate_percent,
            crash_percent,
            accepted: BTreeMap::new(),
            seen: BTreeMap::new(),
            stats: Stats {
                seeds: 1,
                ..Stats::default()
            },
        }
    }

    fn run(mut self) -> Stats {
        // Someone always tries an edit they may not make.
        let forbidden = RecordKey::measure("gamma", "m1", 2024);
        self.edit_field(1, forbidden, Field::Percent);

        for _ in 0..STEPS_PER_SEED {
            self.step();
            self.stats.steps += 1;
        }
        self.settle();
        self.check_final_state();
        self.stats
    }

    fn step(&mut self) {
        let c = self.rng.below(self.clients.len());
        match self.rng.below(100) {
            0..=21 => {
                let key = self.key_to_edit(c);
                let field = *self.rng.pick(&Field::ALL);
                self.edit_field(c, key, field);
            }
            22..=25 => self.append_note(c),
            26..=27 => self.retract_note(c),
            28..=30 => self.append_reading(c),
            31..=35 => self.resolve_conflict(c),
            36..=37 => self.discard_rejected(c),
            38..=49 => self.send_push(c),
            50..=57 => self.send_pull(c),
            58..=60 => self.annotate(c),
            61 => self.retract_annotation(c),
            62..=92 => self.deliver(),
            93..=95 => {
                self.clients[c].online = !self.clients[c].online;
            }
            96..=98 => self.reload_tab(c),
            _ => self.crash_server(),
        }
    }

    fn key_to_edit(&mut self, c: usize) -> RecordKey {
        let all = keys();
        let allowed: Vec<RecordKey> = all.iter().filter(|k| can_edit(c, k)).cloned().collect();
        if self.rng.chance(8) {
            self.rng.pick(&all).clone()
        } else {
            self.rng.pick(&allowed).clone()
        }
    }

    fn random_value(&mut self, c: usize, key: &RecordKey, field: Field) -> FieldValue {
        match field {
            Field::Stage => FieldValue::Stage(*self.rng.pick(&[
                None,
                Some(Stage::Study),
                Some(Stage::Trial),
                Some(Stage::Rollout),
            ])),
            Field::Status => FieldValue::Status(*self.rng.pick(&[
                None,
                Some(Status::OnTrack),
                Some(Status::Delayed),
                Some(Status::Completed),
            ])),
            Field::Percent => {
                FieldValue::Percent(
                    *self
                        .rng
                        .pick(&[None, Some(0), Some(25), Some(50), Some(100)]),
                )
            }
            Field::Grade => {
                FieldValue::Grade(*self.rng.pick(&[None, Some(Grade::A), Some(Grade::B)]))
            }
            Field::Results | Field::GradeComment | Field::NextActions => {
                // Mostly small edits of what the user sees, so both merges and conflicts occur.
                let shown = self.clients[c].replica.view(key).value(field);
                let shown = shown.as_text().unwrap_or_default().to_owned();
                let text = if self.rng.chance(15) {
                    self.rng.text_up_to(TEXT_ALPHABET, 12)
                } else {
                    let padded = if shown.chars().count() < 6 {
                        format!("{shown}あいうえおab")
                    } else {
                        shown
                    };
                    self.rng.edit(&padded, TEXT_ALPHABET, 2)
                };
                FieldValue::Text(text)
            }
        }
    }

    fn edit_field(&mut self, c: usize, key: RecordKey, field: Field) {
        let value = self.random_value(c, &key, field);
        let shown = self.clients[c].replica.view(&key).value(field);
        self.saw(c, &key, field, shown);
        let pending_before = self.pending_ids(c);
        let (id, writes) = self.clients[c]
            .replica
            .edit(key, field, value)
            .expect("simulated edits are valid");
        self.persist(c, writes);
        self.note_id(c, id, &pending_before);
    }

    fn append_note(&mut self, c: usize) {
        let key = self.key_to_edit(c);
        let text = format!("観察{}", self.rng.below(1000));
        let note = NewNote {
            date: format!(
                "2024-{:02}-{:02}",
                1 + self.rng.below(12),
                1 + self.rng.below(28)
            ),
            text,
            author: author_name(user_of(c)),
        };
        let pending_before = self.pending_ids(c);
        let (id, writes) = self.clients[c].replica.append_note(key, note).unwrap();
        self.persist(c, writes);
        self.note_id(c, id, &pending_before);
    }

    fn retract_note(&mut self, c: usize) {
        let visible: Vec<RecordKey> = keys().into_iter().filter(|k| can_see(c, k)).collect();
        let key = self.rng.pick(&visible).clone();
        let notes: Vec<String> = self.clients[c]
            .replica
            .view(&key)
            .notes
            .values()
            .filter(|n| !n.value.retracted)
            .map(|n| n.value.id.clone())
            .collect();
        if notes.is_empty() {
            return;
        }
        let note_id = self.rng.pick(&notes).clone();
        let pending_before = self.pending_ids(c);
        let (id, writes) = self.clients[c].replica.retract_note(key, &note_id).unwrap();
        self.persist(c, writes);
        self.note_id(c, id, &pending_before);
    }

    fn append_reading(&mut self, c: usize) {
        let key = self.key_to_edit(c);
        let reading = NewKpiReading {
            kpi_id: self.rng.pick(&["births", "visits"]).to_string(),
            value: format!("{}.{}", self.rng.below(500), self.rng.below(10)),
            as_of: format!("2025-03-{:02}", 1 + self.rng.below(31)),
            note: self.rng.chance(30).then(|| "速報値".to_owned()),
        };
        let pending_before = self.pending_ids(c);
        let (id, writes) = self.clients[c]
            .replica
            .append_kpi_reading(key, reading)
            .unwrap();
        self.persist(c, writes);
        self.note_id(c, id, &pending_before);
    }

    /// A highlight, note or bookmark on a plan, mostly one the reader may read; a third of the
    /// time an edit of one of their notes (perhaps made on their other tablet).
    fn annotate(&mut self, c: usize) {
        let plan_id = if self.rng.chance(8) {
            *self.rng.pick(&PLANS)
        } else {
            let readable: Vec<&str> = PLANS.into_iter().filter(|p| can_read_plan(c, p)).collect();
            *self.rng.pick(&readable)
        };
        let heads = self.clients[c].replica.notebook(plan_id).heads().to_vec();
        let replaces =
            (!heads.is_empty() && self.rng.chance(33)).then(|| self.rng.pick(&heads).id.clone());
        let kind = *self.rng.pick(&[
            AnnotationKind::Highlight,
            AnnotationKind::Note,
            AnnotationKind::Bookmark,
        ]);
        let target = if kind == AnnotationKind::Highlight {
            Target::Passage {
                selector: Selector {
                    key: "measure/m1/current_state".into(),
                    exact: format!("現状{}", self.rng.below(100)),
                    prefix: String::new(),
                    suffix: String::new(),
                    start: 0,
                    end: 4,
                },
            }
        } else {
            Target::Part {
                anchor: "doc-measure-m1".into(),
                label: "施策1".into(),
            }
        };
        let new = NewAnnotation {
            plan_id: plan_id.to_owned(),
            version: 1,
            kind,
            target,
            text: format!("確認{}", self.rng.below(1000)),
            replaces: replaces.clone(),
            made_at: 1_760_000_000 + self.stats.steps as i64,
        };
        let pending_before = self.pending_ids(c);
        let (id, writes) = self.clients[c].replica.annotate(new).unwrap();
        self.persist(c, writes);
        self.note_id(c, id, &pending_before);
        self.stats.annotations += 1;
        if replaces.is_some() {
            self.stats.annotation_edits += 1;
        }
    }

    fn retract_annotation(&mut self, c: usize) {
        let plan_id = *self.rng.pick(&PLANS);
        let heads = self.clients[c].replica.notebook(plan_id).heads().to_vec();
        if heads.is_empty() {
            return;
        }
        let doomed = self.rng.pick(&heads).id.clone();
        let pending_before = self.pending_ids(c);
        let (id, writes) = self.clients[c]
            .replica
            .retract_annotation(plan_id, &doomed)
            .unwrap();
        self.persist(c, writes);
        self.note_id(c, id, &pending_before);
        self.stats.annotations_deleted += 1;
    }

    fn resolve_conflict(&mut self, c: usize) {
        let conflicts = self.clients[c].replica.conflicts().to_vec();
        if conflicts.is_empty() {
            return;
        }
        let open = self.rng.pick(&conflicts).clone();
        let resolution = match self.rng.below(3) {
            0 => Resolution::KeepMine,
            1 => Resolution::KeepTheirs,
            _ => {
                let value = self.random_value(c, &open.conflict.key, open.conflict.field);
                Resolution::Edit(value)
            }
        };
        self.saw(
            c,
            &open.conflict.key,
            open.conflict.field,
            open.conflict.theirs.clone(),
        );
        let pending_before = self.pending_ids(c);
        let (id, writes) = self.clients[c]
            .replica
            .resolve(&open.id, resolution)
            .unwrap();
        self.persist(c, writes);
        if let Some(id) = id {
            self.note_id(c, id, &pending_before);
        }
    }

    fn discard_rejected(&mut self, c: usize) {
        let rejected = self.clients[c].replica.rejected().to_vec();
        if rejected.is_empty() {
            return;
        }
        let id = self.rng.pick(&rejected).mutation.id.clone();
        let writes = self.clients[c].replica.discard_rejected(&id);
        self.persist(c, writes);
    }

    fn send_push(&mut self, c: usize) {
        if !self.clients[c].online {
            return;
        }
        let max = 1 + self.rng.below(6);
        // Half the time another push goes while the last one may still be on its way, as the
        // browser pipelines a backlog; otherwise everything unanswered is sent again.
        let through = if self.rng.chance(50) {
            self.clients[c].pushed_through
        } else {
            0
        };
        let replica = &mut self.clients[c].replica;
        if let Some(push) = replica.next_push_after(max, through) {
            if through > 0 {
                self.stats.pipelined_pushes += 1;
            }
            let last = push.request.mutations.last().map(|m| &m.id);
            assert_eq!(
                last.and_then(|id| replica.order_of(id)),
                Some(push.through),
                "a push ends at the order it names"
            );
            self.clients[c].pushed_through = push.through;
            // The browser commits the sent marks before the request leaves.
            self.persist(c, push.writes);
            self.network.push(Message::Push(c, push.request));
        }
    }

    fn send_pull(&mut self, c: usize) {
        if self.clients[c].online {
            let limit = 1 + self.rng.below(4) as u32;
            let request = self.clients[c].replica.pull_request(limit);
            self.network.push(Message::Pull(c, request));
        }
    }

    fn deliver(&mut self) {
        if self.network.is_empty() {
            return;
        }
        let message = self.network.swap_remove(self.rng.below(self.network.len()));
        if self.rng.chance(self.drop_percent) {
            self.stats.dropped += 1;
            return;
        }
        if self.rng.chance(self.duplicate_percent) {
            self.stats.duplicated += 1;
            self.network.push(message.clone());
        }
        self.handle(message);
    }

    fn handle(&mut self, message: Message) {
        match message {
            Message::Push(c, request) => {
                if self.rng.chance(self.crash_percent) {
                    // Crashed before the commit: nothing of this push is durable, no answer.
                    self.crash_server();
                    return;
                }
                let response = self
                    .server
                    .push_as(&request, &Rules)
                    .expect("well-formed push");
                self.network.push(Message::PushAnswer(c, response));
            }
            Message::Pull(c, request) => {
                let response =
                    self.server
                        .pull_as(&request, |key| can_see(c, key), Some(user_of(c) as i64));
                self.network.push(Message::PullAnswer(c, response));
            }
            Message::PushAnswer(c, response) if self.clients[c].online => {
                self.take_push_answer(c, &response);
            }
            Message::PullAnswer(c, response) if self.clients[c].online => {
                let writes = self.clients[c].replica.apply_pull(&response);
                self.persist(c, writes);
            }
            Message::PushAnswer(..) | Message::PullAnswer(..) => self.stats.dropped += 1,
        }
    }

    /// Applies a push answer and checks that every mutation leaving the outbox ended somewhere
    /// the user can see: confirmed, in a conflict holding their value, or rejected.
    fn take_push_answer(&mut self, c: usize, response: &PushResponse) {
        let before: Vec<PendingMutation> = self.clients[c].replica.pending().cloned().collect();
        let cursor = self.clients[c].replica.cursor();
        let writes = self.clients[c].replica.apply_push_response(response);
        if self.clients[c].replica.cursor() != cursor {
            self.stats.cursor_skips += 1;
        }
        self.persist(c, writes);
        let still_pending = self.pending_ids(c);
        let removed: Vec<&PendingMutation> = before
            .iter()
            .filter(|p| !still_pending.contains(&p.mutation.id))
            .collect();
        let replica = &self.clients[c].replica;

        for pending in &removed {
            let mutation = &pending.mutation;
            let answer = response.results.iter().find(|r| r.id == mutation.id);
            let Some(answer) = answer else {
                // Typed behind a Set that lost: it must have joined that conflict.
                let open = replica.conflicts().iter().find(|o| o.id == mutation.id);
                let Change::Set { value, .. } = &mutation.change else {
                    panic!("{} left the outbox without an answer", mutation.id);
                };
                let (key, field) = mutation.set_target().unwrap();
                let confirmed = replica.confirmed(key).map(|r| r.value(field));
                assert!(
                    open.is_some_and(|o| o.conflict.mine == *value)
                        || confirmed.as_ref() == Some(value),
                    "folded value of {} kept",
                    mutation.id
                );
                self.stats.folded_conflicts += 1;
                continue;
            };
            assert!(pending.sent, "{} answered though never sent", mutation.id);
            let earlier = self.accepted.insert(
                mutation.id.clone(),
                (c, mutation.clone(), answer.outcome.clone()),
            );
            assert!(earlier.is_none(), "{} answered twice", mutation.id);
            match &answer.outcome {
                Outcome::Applied { .. } => self.stats.applied += 1,
                Outcome::Merged { .. } => self.stats.merged += 1,
                Outcome::Unchanged { .. } => self.stats.unchanged += 1,
                Outcome::Rejected { reason, .. } => {
                    self.stats.rejected += 1;
                    if !may_change(c, &mutation.key) {
                        self.stats.unauthorized_rejected += 1;
                    }
                    if reason == RETRACTION_REFUSED {
                        self.stats.retractions_refused += 1;
                    }
                    assert!(
                        replica.rejected().iter().any(|r| r.mutation == *mutation),
                        "rejected {} kept for the user",
                        mutation.id
                    );
                }
                Outcome::Conflict(conflict) => {
                    self.stats.conflicts += 1;
                    let Change::Set { value, .. } = &mutation.change else {
                        panic!("conflict for a non-Set {}", mutation.id);
                    };
                    assert_eq!(conflict.mine, *value, "server echoes the losing value");
                    // The user's latest value for the field: this one, or one typed behind it
                    // that joined the conflict.
                    let (key, field) = mutation.set_target().unwrap();
                    let latest = removed
                        .iter()
                        .filter(|p| p.mutation.set_target() == Some((key, field)))
                        .filter(|p| !response.results.iter().any(|r| r.id == p.mutation.id))
                        .find_map(|p| match &p.mutation.change {
                            Change::Set { value, .. } => Some(value),
                            _ => None,
                        })
                        .unwrap_or(value);
                    let kept = replica.conflicts().iter().any(|o| {
                        o.conflict.key == *key
                            && o.conflict.field == field
                            && o.conflict.mine == *latest
                    });
                    let stored = replica.confirmed(key).map(|r| r.value(field));
                    assert!(
                        kept || stored.as_ref() == Some(latest),
                        "the losing value of {} is kept in a conflict",
                        mutation.id
                    );
                }
            }
        }
    }

    fn reload_tab(&mut self, c: usize) {
        let client = &mut self.clients[c];
        client.replica =
            Replica::restore(client.replica.client_id().clone(), client.stored.clone());
        client.pushed_through = 0;
        self.stats.tab_reloads += 1;
    }

    /// Restarts from durable state (a serialized copy, as the database would be reread); the
    /// answers on their way back are lost.
    fn crash_server(&mut self) {
        let durable = serde_json::to_string(&self.server).unwrap();
        self.server = serde_json::from_str(&durable).unwrap();
        self.network
            .retain(|m| matches!(m, Message::Push(..) | Message::Pull(..)));
        self.stats.server_crashes += 1;
    }

    /// Applies a method's writes as the browser would, in one transaction, and checks that
    /// reopening the tab from storage gives back exactly the replica in memory.
    fn persist(&mut self, c: usize, writes: Vec<Write>) {
        let client = &mut self.clients[c];
        client.stored.apply(writes);
        let restored = Replica::restore(client.replica.client_id().clone(), client.stored.clone());
        assert!(
            restored == client.replica,
            "storage of client {c} diverged from memory"
        );
    }

    fn saw(&mut self, c: usize, key: &RecordKey, field: Field, value: FieldValue) {
        let seen = self.seen.entry((c, key.clone(), field)).or_default();
        if !seen.contains(&value) {
            seen.push(value);
        }
    }

    fn pending_ids(&self, c: usize) -> BTreeSet<MutationId> {
        self.clients[c]
            .replica
            .pending()
            .map(|p| p.mutation.id.clone())
            .collect()
    }

    /// A returned id is either one already pending (an edit merged into it) or brand new.
    fn note_id(&mut self, c: usize, id: MutationId, pending_before: &BTreeSet<MutationId>) {
        if !pending_before.contains(&id) {
            assert!(
                self.clients[c].ids.insert(id.clone()),
                "id {id} handed out twice"
            );
        }
    }

    /// Heals the network and lets everyone settle: deliver what is in flight, then rounds of
    /// resolving conflicts (keeping theirs), pushing and pulling until nothing changes.
    fn settle(&mut self) {
        for client in &mut self.clients {
            client.online = true;
        }
        while let Some(message) = self.network.pop() {
            match message {
                Message::Push(c, request) => {
                    let response = self.server.push_as(&request, &Rules).unwrap();
                    self.take_push_answer(c, &response);
                }
                other => self.handle(other),
            }
        }
        for round in 0.. {
            assert!(round < 50, "no quiescence after 50 rounds");
            self.stats.settle_rounds += 1;
            for c in 0..self.clients.len() {
                let conflicts = self.clients[c].replica.conflicts().to_vec();
                for open in conflicts {
                    let (_, writes) = self.clients[c]
                        .replica
                        .resolve(&open.id, Resolution::KeepTheirs)
                        .unwrap();
                    self.persist(c, writes);
                }
                while let Some((request, writes)) = self.clients[c].replica.next_push(50) {
                    self.persist(c, writes);
                    let response = self.server.push_as(&request, &Rules).unwrap();
                    self.take_push_answer(c, &response);
                }
            }
            for c in 0..self.clients.len() {
                loop {
                    let request = self.clients[c].replica.pull_request(7);
                    let response = self.server.pull_as(
                        &request,
                        |key| can_see(c, key),
                        Some(user_of(c) as i64),
                    );
                    let writes = self.clients[c].replica.apply_pull(&response);
                    self.persist(c, writes);
                    if !response.more {
                        break;
                    }
                }
            }
            let quiet = self.clients.iter().all(|client| {
                client.replica.pending().len() == 0
                    && client.replica.conflicts().is_empty()
                    && client.replica.cursor() == self.server.sequence()
            });
            if quiet {
                break;
            }
        }
    }

    fn check_final_state(&self) {
        let server = &self.server;

        // (1) Every client holds exactly the server's state of what it may see.
        for (c, client) in self.clients.iter().enumerate() {
            assert!(client.replica.pending().len() == 0);
            for key in keys() {
                let expected = if can_see(c, &key) {
                    server.record(&key)
                } else {
                    None
                };
                assert_eq!(
                    client.replica.confirmed(&key),
                    expected,
                    "client {c}, {key}"
                );
                assert_eq!(
                    client.replica.view(&key),
                    client
                        .replica
                        .confirmed(&key)
                        .cloned()
                        .unwrap_or_else(|| ProgressRecord::new(key.clone()))
                );
            }
        }

        // (2) Each mutation id is applied at most once, and exactly once if it was acknowledged
        // as applied or merged, at the version the client was told.
        let mut applied: BTreeMap<&MutationId, Vec<u64>> = BTreeMap::new();
        for entry in server.history() {
            applied
                .entry(&entry.mutation_id)
                .or_default()
                .push(entry.version);
        }
        for (id, versions) in &applied {
            assert_eq!(versions.len(), 1, "{id} applied {} times", versions.len());
        }
        for (id, (c, mutation, outcome)) in &self.accepted {
            let versions = applied.get(id).cloned().unwrap_or_default();
            match outcome {
                // Annotations are checked in (5).
                _ if mutation.change.is_annotation() => {}
                Outcome::Applied { version } | Outcome::Merged { version, .. } => {
                    assert_eq!(
                        versions,
                        [*version],
                        "{id} acknowledged at version {version}"
                    )
                }
                _ => assert!(
                    versions.is_empty(),
                    "{id} was answered {outcome:?} but applied"
                ),
            }
            match server.processed(id) {
                Some(processed) => assert_eq!(
                    &processed.outcome, outcome,
                    "{id}: the client took the server's answer"
                ),
                // Not remembered: a refusal that deciding again repeats, changing nothing.
                None => {
                    assert!(matches!(outcome, Outcome::Rejected { .. }), "{id}");
                    let mut again = server.clone();
                    let retry = PushRequest {
                        client_id: self.clients[*c].replica.client_id().clone(),
                        mutations: vec![mutation.clone()],
                    };
                    let response = again.push_as(&retry, &Rules).unwrap();
                    assert_eq!(&response.results[0].outcome, outcome, "{id} decided again");
                    assert_eq!(&again, server, "{id}: deciding again changed nothing");
                }
            }
            if !may_change(*c, &mutation.key) {
                assert!(
                    matches!(outcome, Outcome::Rejected { .. }),
                    "{id} was not allowed"
                );
            }
        }
        for entry in server.history() {
            assert!(
                self.accepted.contains_key(&entry.mutation_id),
                "{} never acknowledged",
                entry.mutation_id
            );
        }

        // (3) Only what the writer had seen was overwritten, or the two were merged; and nobody
        // changed what they may not edit.
        for entry in server.history() {
            let mutation = &server.processed(&entry.mutation_id).unwrap().mutation;
            let c = client_index(&entry.client_id);
            assert!(can_edit(c, &entry.key), "unauthorized change applied");
            if let AppliedChange::NoteRetracted { note_id } = &entry.change {
                let author = server.note_author(&entry.key, note_id);
                assert!(
                    c == 0 || author == Some(user_of(c) as i64),
                    "{} retracted someone else's note",
                    entry.mutation_id
                );
            }
            if let (
                AppliedChange::Field {
                    field,
                    old,
                    new,
                    merged,
                },
                Change::Set {
                    value, base_value, ..
                },
            ) = (&entry.change, &mutation.change)
            {
                // The base the server trusted was really shown to the user, not made up by the
                // replica (a rebase onto a value the user never saw would pass the server's
                // own check and still lose someone's work).
                let seen = &self.seen[&(c, entry.key.clone(), *field)];
                assert!(
                    seen.contains(base_value),
                    "{} based on a value never shown",
                    entry.mutation_id
                );
                if *merged {
                    let (base, mine, theirs) = (
                        base_value.as_text().unwrap(),
                        value.as_text().unwrap(),
                        old.value.as_text().unwrap(),
                    );
                    assert_eq!(new.as_text(), merge_text(base, mine, theirs).as_deref());
                } else {
                    assert_eq!(
                        old.value, *base_value,
                        "{} overwrote a value its writer had not seen",
                        entry.mutation_id
                    );
                    assert_eq!(new, value);
                }
            }
        }

        // (4) Every acknowledged note and reading is stored once, as appended (with the
        // author the server set); retractions took effect; nothing else was stored.
        let mut appended_notes = BTreeMap::new();
        let mut appended_readings = BTreeMap::new();
        let mut retracted = BTreeSet::new();
        for (c, mutation, outcome) in self.accepted.values() {
            match (&mutation.change, outcome) {
                (Change::AppendNote { note }, Outcome::Applied { .. }) => {
                    let note = FieldNote {
                        author: author_name(user_of(*c)),
                        ..note.clone()
                    };
                    let key = mutation.key.record().unwrap().clone();
                    appended_notes.insert(note.id.clone(), (key, note));
                }
                (Change::AppendKpiReading { reading }, Outcome::Applied { .. }) => {
                    let key = mutation.key.record().unwrap().clone();
                    appended_readings.insert(reading.id.clone(), (key, reading.clone()));
                }
                (
                    Change::RetractNote { note_id },
                    Outcome::Applied { .. } | Outcome::Unchanged { .. },
                ) => {
                    let key = mutation.key.record().unwrap().clone();
                    retracted.insert((key, note_id.clone()));
                }
                _ => {}
            }
        }
        let stored_notes: usize = server.records().map(|r| r.notes.len()).sum();
        let stored_readings: usize = server.records().map(|r| r.kpi_readings.len()).sum();
        assert_eq!(stored_notes, appended_notes.len());
        assert_eq!(stored_readings, appended_readings.len());
        for (id, (key, note)) in &appended_notes {
            let stored = &server.record(key).unwrap().notes[id].value;
            assert_eq!(
                FieldNote {
                    retracted: false,
                    ..stored.clone()
                },
                *note
            );
            assert_eq!(
                stored.retracted,
                retracted.contains(&(key.clone(), id.clone()))
            );
            let appends = server
                .history()
                .iter()
                .filter(
                    |e| matches!(&e.change, AppliedChange::NoteAppended { note } if note.id == *id),
                )
                .count();
            assert_eq!(appends, 1, "note {id} appended once");
        }
        for (id, (key, reading)) in &appended_readings {
            assert_eq!(server.record(key).unwrap().kpi_readings[id].value, *reading);
        }

        self.check_notebooks();

        // Unauthorized edits were tried and refused.
        assert!(
            self.stats.unauthorized_rejected > 0,
            "the forbidden edit was rejected"
        );
    }

    /// (5) Every acknowledged annotation is stored once, as made, under the user who made it,
    /// at the version they were told (or deleted since); deletions took effect; nothing else
    /// was stored; and each device holds exactly its user's annotations, all of them.
    fn check_notebooks(&self) {
        let server = &self.server;
        let mut made: BTreeMap<&str, (usize, &Annotation, u64)> = BTreeMap::new();
        let mut deleted: BTreeMap<&str, u64> = BTreeMap::new();
        for (c, mutation, outcome) in self.accepted.values() {
            match (&mutation.change, outcome) {
                (Change::AppendAnnotation { annotation }, Outcome::Applied { version }) => {
                    made.insert(&annotation.id, (user_of(*c), annotation, *version));
                }
                (
                    Change::RetractAnnotation { annotation_id },
                    Outcome::Applied { version } | Outcome::Unchanged { version },
                ) => {
                    deleted.insert(annotation_id, *version);
                }
                _ => {}
            }
        }
        let stored = server.annotations_changed_after(0).count();
        assert_eq!(
            stored,
            made.len(),
            "only acknowledged annotations are stored"
        );
        for (id, (user, annotation, version)) in &made {
            let held = server
                .annotation(id)
                .expect("an acknowledged annotation is stored");
            assert_eq!(held.author, Some(*user as i64), "{id} is its maker's");
            let as_made = Annotation {
                retracted: false,
                ..held.annotation.value.clone()
            };
            assert_eq!(&as_made, *annotation, "{id} stored as made");
            assert_eq!(held.annotation.value.retracted, deleted.contains_key(id));
            match deleted.get(id) {
                Some(at) => assert_eq!(held.annotation.version, *at, "{id} deleted at {at}"),
                None => assert_eq!(held.annotation.version, *version, "{id} made at {version}"),
            }
        }
        for (c, client) in self.clients.iter().enumerate() {
            for plan_id in PLANS {
                let mut expected: Vec<Annotation> = server
                    .annotations_changed_after(0)
                    .filter(|held| held.author == Some(user_of(c) as i64))
                    .map(|held| held.annotation.value.clone())
                    .filter(|a| a.plan_id == plan_id)
                    .collect();
                expected.sort_by(|a, b| a.id.cmp(&b.id));
                let held = client.replica.annotations(plan_id);
                assert_eq!(held, expected, "client {c}'s annotations of {plan_id}");
                if !can_read_plan(c, plan_id) {
                    assert!(
                        held.is_empty(),
                        "client {c} annotated {plan_id} it cannot read"
                    );
                }
            }
        }
    }
}
