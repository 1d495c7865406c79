//! The sync protocol's messages, as they travel as JSON between the browser and the server.
//!
//! Requests are strict: unknown fields are refused, so a misspelt field is an error instead of
//! a silently ignored change. See `docs/sync-protocol.md` for the endpoints and semantics.

use std::fmt;

use keikaku_domain::import::is_valid_id;
use keikaku_domain::lang::Lang;
use keikaku_domain::reason::Reason;
use serde::{Deserialize, Serialize};

use crate::annotation::Annotation;
use crate::progress::{validate, Field, FieldNote, FieldValue, Invalid, KpiReading, RecordKey};
use crate::round::RoundRecord;

/// The protocol described here. Served under `/api/v1/sync`; a breaking change gets a new
/// version and a new path, and the server answers with this number in the
/// `Keikaku-Sync-Protocol` header so a stale browser tab can tell it must reload.
pub const PROTOCOL_VERSION: u32 = 1;
/// Most mutations one push may carry; a client with more sends several pushes.
pub const MAX_PUSH_MUTATIONS: usize = 2000;
/// Largest push body, in bytes of JSON: the API's request body limit. Clients split their
/// outbox to stay under it; the largest possible mutation (a 20,000-character text and its
/// base, even in 4-byte characters) fits comfortably.
pub const MAX_PUSH_BYTES: usize = 1024 * 1024;
/// Largest page a pull returns; larger requested limits are lowered to this.
pub const MAX_PULL_LIMIT: u32 = 1_000;
/// Page size when a pull names none.
pub const DEFAULT_PULL_LIMIT: u32 = 200;
/// Longest client id, leaving room in 64-character mutation ids for the counter.
pub const MAX_CLIENT_ID_CHARS: usize = 40;
/// The request header naming whose replica a push or pull is for: the replica's user's login,
/// as [`replica_user_header_value`] writes it. The server refuses a sync whose session is
/// another user's, so a tab still open for someone who signed out never takes in another
/// user's rows.
pub const REPLICA_USER_HEADER: &str = "keikaku-replica-user";

/// The value of [`REPLICA_USER_HEADER`] for a login: percent-encoded, since logins may be
/// Japanese and header values are bytes browsers only send as ISO-8859-1.
pub fn replica_user_header_value(login: &str) -> String {
    keikaku_domain::views::paths::encode_query_component(login)
}

/// Identifies one browser profile (one IndexedDB), generated once on first use (a UUID fits).
/// Lowercase letters, digits and `-`, 1–40 characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClientId(String);

impl ClientId {
    pub fn new(id: impl Into<String>) -> Result<ClientId, Invalid> {
        let id = id.into();
        if is_valid_id(&id) && id.len() <= MAX_CLIENT_ID_CHARS {
            Ok(ClientId(id))
        } else {
            Err(Invalid::new(
                "client_id",
                "use 1–40 characters of a-z, 0-9 and '-', starting with a letter or digit",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ClientId {
    type Error = Invalid;

    fn try_from(id: String) -> Result<ClientId, Invalid> {
        ClientId::new(id)
    }
}

impl From<ClientId> for String {
    fn from(id: ClientId) -> String {
        id.0
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Identifies one mutation across all clients and all time: `{client_id}-{counter}`, where the
/// counter never repeats for a client (it is persisted with every id it produces). The server
/// remembers the id of every mutation whose answer could change if it were decided again,
/// which is what makes a retried push safe.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MutationId(String);

impl MutationId {
    /// The id of a client's `counter`th mutation.
    pub fn new(client: &ClientId, counter: u64) -> MutationId {
        MutationId(format!("{client}-{counter}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `client` generated this id: the client id, `-`, then only digits. Client ids may
    /// contain `-` themselves, but only one client id leaves a digits-only rest.
    pub fn belongs_to(&self, client: &ClientId) -> bool {
        self.0
            .strip_prefix(client.as_str())
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|counter| {
                !counter.is_empty() && counter.bytes().all(|b| b.is_ascii_digit())
            })
    }
}

impl TryFrom<String> for MutationId {
    type Error = Invalid;

    fn try_from(id: String) -> Result<MutationId, Invalid> {
        if is_valid_id(&id) {
            Ok(MutationId(id))
        } else {
            Err(Invalid::new("id", "not a valid mutation id"))
        }
    }
}

impl From<MutationId> for String {
    fn from(id: MutationId) -> String {
        id.0
    }
}

impl fmt::Display for MutationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a mutation changes: a progress record, or the pusher's own notebook of a plan (their
/// private highlights, notes and bookmarks, `keikaku_sync::annotation`).
///
/// On the wire the two are told apart by their fields: a record key has `plan_id`, `target`
/// and `fiscal_year`, a notebook key only `notebook`, the plan's id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(untagged, try_from = "WireKey")]
pub enum MutationKey {
    Record(RecordKey),
    Notebook(NotebookKey),
}

/// The pusher's notebook of one plan. Whose it is comes from the session, never the client.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotebookKey {
    /// The plan's id.
    pub notebook: String,
}

impl MutationKey {
    pub fn notebook(plan_id: &str) -> MutationKey {
        MutationKey::Notebook(NotebookKey {
            notebook: plan_id.to_owned(),
        })
    }

    /// The plan whose record or notebook this is.
    pub fn plan_id(&self) -> &str {
        match self {
            MutationKey::Record(key) => &key.plan_id,
            MutationKey::Notebook(key) => &key.notebook,
        }
    }

    pub fn record(&self) -> Option<&RecordKey> {
        match self {
            MutationKey::Record(key) => Some(key),
            MutationKey::Notebook(_) => None,
        }
    }

    pub fn validate(&self) -> Result<(), Invalid> {
        match self {
            MutationKey::Record(key) => key.validate(),
            MutationKey::Notebook(key) if !is_valid_id(&key.notebook) => {
                Err(Invalid::new("key.notebook", "not a valid plan id"))
            }
            MutationKey::Notebook(_) => Ok(()),
        }
    }
}

/// A mutation key as it arrives: every field either kind has, so a bad one is named by its
/// place (`mutations[2].key.fiscal_year`) rather than refused as matching neither kind.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireKey {
    plan_id: Option<String>,
    target: Option<crate::progress::Target>,
    fiscal_year: Option<keikaku_domain::FiscalYear>,
    notebook: Option<String>,
}

impl TryFrom<WireKey> for MutationKey {
    type Error = String;

    fn try_from(wire: WireKey) -> Result<MutationKey, String> {
        match wire {
            WireKey {
                plan_id: Some(plan_id),
                target: Some(target),
                fiscal_year: Some(fiscal_year),
                notebook: None,
            } => Ok(MutationKey::Record(RecordKey {
                plan_id,
                target,
                fiscal_year,
            })),
            WireKey {
                plan_id: None,
                target: None,
                fiscal_year: None,
                notebook: Some(notebook),
            } => Ok(MutationKey::Notebook(NotebookKey { notebook })),
            _ => Err(
                "a record's plan_id, target and fiscal_year, or a notebook's plan id alone".into(),
            ),
        }
    }
}

impl From<RecordKey> for MutationKey {
    fn from(key: RecordKey) -> MutationKey {
        MutationKey::Record(key)
    }
}

impl fmt::Display for MutationKey {
    /// A record key's string form; a notebook as `notebook/{plan}` (a record key never starts
    /// so: its first part is a plan id, and `notebook` names no change of one).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MutationKey::Record(key) => key.fmt(f),
            MutationKey::Notebook(key) => write!(f, "notebook/{}", key.notebook),
        }
    }
}

/// One change a user made offline: to one progress record, or to their notebook of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mutation {
    pub id: MutationId,
    pub key: MutationKey,
    pub change: Change,
}

impl Mutation {
    pub fn validate(&self) -> Result<(), Invalid> {
        self.key.validate()?;
        match (&self.key, self.change.is_annotation()) {
            (MutationKey::Record(_), true) => {
                return Err(Invalid::new(
                    "key",
                    "notes on the plan belong in a notebook",
                ))
            }
            (MutationKey::Notebook(_), false) => {
                return Err(Invalid::new("key", "progress belongs to a record"))
            }
            _ => {}
        }
        if let Change::AppendAnnotation { annotation } = &self.change {
            if annotation.plan_id != self.key.plan_id() {
                return Err(Invalid::new(
                    "annotation.plan_id",
                    "not the notebook's plan",
                ));
            }
        }
        self.change.validate()
    }

    /// The record and field a `Set` writes; `None` for append-only changes.
    pub fn set_target(&self) -> Option<(&RecordKey, Field)> {
        match (&self.key, &self.change) {
            (MutationKey::Record(key), Change::Set { field, .. }) => Some((key, *field)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Change {
    /// Replace a field's value. `base_version` and `base_value` are the confirmed value the
    /// user's edit started from: the server overwrites only that value (or merges narrative
    /// text against it), so an edit never silently replaces one its author did not see.
    Set {
        field: Field,
        value: FieldValue,
        base_version: u64,
        base_value: FieldValue,
    },
    AppendNote {
        note: FieldNote,
    },
    /// Turn a note into a tombstone. Retracting a retracted note changes nothing.
    RetractNote {
        note_id: String,
    },
    AppendKpiReading {
        reading: KpiReading,
    },
    /// Hand the record in to the reporting round `round_id` (提出). `seen` is the record's
    /// workflow step in that round as the user last saw it (`RoundRecord::step`): a record
    /// returned or approved since is not submitted over.
    Submit {
        round_id: String,
        seen: u64,
    },
    /// Add a highlight, note or bookmark to the pusher's notebook (an edit adds one that
    /// `replaces` the old). Adding one already stored changes nothing.
    AppendAnnotation {
        annotation: Annotation,
    },
    /// Delete one of the pusher's annotations (it stays as a tombstone). Deleting a deleted
    /// one changes nothing.
    RetractAnnotation {
        annotation_id: String,
    },
}

impl Change {
    pub fn validate(&self) -> Result<(), Invalid> {
        match self {
            Change::Set {
                field,
                value,
                base_value,
                ..
            } => {
                validate(*field, value)?;
                validate(*field, base_value).map_err(|e| Invalid::new("base_value", e.reason))
            }
            Change::AppendNote { note } => note.validate(),
            Change::RetractNote { note_id } if !is_valid_id(note_id) => {
                Err(Invalid::new("note_id", "not a valid note id"))
            }
            Change::RetractNote { .. } => Ok(()),
            Change::AppendKpiReading { reading } => reading.validate(),
            Change::Submit { round_id, .. } if !is_valid_id(round_id) => {
                Err(Invalid::new("round_id", "not a valid round id"))
            }
            Change::Submit { .. } => Ok(()),
            Change::AppendAnnotation { annotation } => annotation.validate(),
            Change::RetractAnnotation { annotation_id } if !is_valid_id(annotation_id) => {
                Err(Invalid::new("annotation_id", "not a valid annotation id"))
            }
            Change::RetractAnnotation { .. } => Ok(()),
        }
    }

    /// Whether it changes a notebook rather than a progress record.
    pub fn is_annotation(&self) -> bool {
        matches!(
            self,
            Change::AppendAnnotation { .. } | Change::RetractAnnotation { .. }
        )
    }
}

/// `POST /api/v1/sync/push`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    pub client_id: ClientId,
    /// In the order the user made them; the server decides them in this order.
    pub mutations: Vec<Mutation>,
}

impl PushRequest {
    /// What makes the whole request malformed (and nothing in it applied). A single bad
    /// mutation is not such a problem: it is answered with `Rejected` and the rest proceed.
    pub fn validate(&self) -> Result<(), Invalid> {
        if self.mutations.len() > MAX_PUSH_MUTATIONS {
            let reason = format!("at most {MAX_PUSH_MUTATIONS} mutations per push");
            return Err(Invalid::new("mutations", reason));
        }
        for (i, mutation) in self.mutations.iter().enumerate() {
            if !mutation.id.belongs_to(&self.client_id) {
                return Err(Invalid::new(
                    format!("mutations[{i}].id"),
                    "mutation ids must be the client id, '-' and a counter",
                ));
            }
        }
        Ok(())
    }
}

/// The answer to a push: one result per mutation, in request order. Sent only after every
/// applied change is durably committed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    pub results: Vec<MutationResult>,
    /// The server's sequence when the push was decided and after it. Absent from servers
    /// older than this field, and ignored by clients older than it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<PushSequence>,
}

/// Pushes are decided one at a time, and each change the push applied took the next sequence
/// number: the versions in `before + 1 ..= after` are exactly this push's `applied` and
/// `merged` outcomes. A client whose cursor is `before` has therefore seen every change up to
/// `after` once it takes in the answer, and can move its cursor there without pulling its own
/// changes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushSequence {
    pub before: u64,
    pub after: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MutationResult {
    pub id: MutationId,
    pub outcome: Outcome,
}

/// What the server did with one mutation. A retried mutation gets the same outcome again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Outcome {
    /// Stored as sent; `version` is the server sequence number of the change.
    Applied { version: u64 },
    /// Narrative text combined with edits the client had not seen: `value` is what is now
    /// stored, at `version`.
    Merged { version: u64, value: FieldValue },
    /// Already so: the field already had this value (at `version`), the note or reading was
    /// already stored, or the note was already retracted.
    Unchanged { version: u64 },
    /// Someone else changed the field since the client's base; nothing was written.
    Conflict(Conflict),
    /// Not allowed or not valid; nothing was written. `reason` is shown to the user, and
    /// `reason_en` to one reading English where the server says it differently (a client
    /// that knows no `reason_en` shows `reason`).
    Rejected {
        reason: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason_en: Option<String>,
    },
}

impl Outcome {
    /// A rejection saying `reason`, with its English when that differs.
    pub fn rejected(reason: &Reason) -> Outcome {
        let (ja, en) = (reason.in_lang(Lang::Ja), reason.in_lang(Lang::En));
        Outcome::Rejected {
            reason: ja.to_owned(),
            reason_en: (en != ja).then(|| en.to_owned()),
        }
    }
}

/// Both sides of a concurrent edit to one field, for the user to resolve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    pub key: RecordKey,
    pub field: Field,
    /// What the user's edit started from.
    pub base_value: FieldValue,
    /// The user's value, which was not stored.
    pub mine: FieldValue,
    /// The value stored now, and its version.
    pub theirs: FieldValue,
    pub theirs_version: u64,
}

/// `GET /api/v1/sync/pull?since=&limit=&notebooks=1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullRequest {
    /// The cursor of the previous pull; 0 for everything.
    #[serde(default)]
    pub since: u64,
    #[serde(default = "default_pull_limit")]
    pub limit: u32,
    /// Whether the client takes in the user's notebooks (`ChangeEntry::Annotation`): clients
    /// built before notebooks existed do not ask, and are never sent a row they cannot read.
    #[serde(default)]
    pub notebooks: bool,
}

fn default_pull_limit() -> u32 {
    DEFAULT_PULL_LIMIT
}

impl PullRequest {
    /// A pull of records only.
    pub fn new(since: u64, limit: u32) -> PullRequest {
        PullRequest {
            since,
            limit,
            notebooks: false,
        }
    }

    /// The page size actually served: `limit` within 1..=[`MAX_PULL_LIMIT`].
    pub fn page_size(&self) -> usize {
        self.limit.clamp(1, MAX_PULL_LIMIT) as usize
    }
}

/// Rows whose latest change is newer than `since`, oldest change first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullResponse {
    pub changes: Vec<ChangeEntry>,
    /// Pass as `since` next time. Every visible row changed at or before it has been sent. On
    /// the last page this is the server's latest sequence number, even when the newest changes
    /// were not visible to this user, so the client can tell it is up to date.
    pub cursor: u64,
    /// More rows are waiting: pull again right away.
    pub more: bool,
}

/// The current state of one row and the version of its latest change. Rows are updated in
/// place, so a row changed many times since the cursor is sent once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChangeEntry {
    FieldState {
        key: RecordKey,
        field: Field,
        value: FieldValue,
        version: u64,
    },
    /// A retracted note arrives as a tombstone (`retracted: true`).
    Note {
        key: RecordKey,
        note: FieldNote,
        version: u64,
    },
    KpiReading {
        key: RecordKey,
        reading: KpiReading,
        version: u64,
    },
    /// The record's place in a reporting round.
    Round {
        key: RecordKey,
        round: RoundRecord,
        version: u64,
    },
    /// One of the puller's own annotations; a deleted one arrives as a tombstone
    /// (`retracted: true`). Nobody else's are ever sent.
    Annotation {
        annotation: Annotation,
        version: u64,
    },
}

impl ChangeEntry {
    /// The progress record the row belongs to; `None` for an annotation.
    pub fn record_key(&self) -> Option<&RecordKey> {
        match self {
            ChangeEntry::FieldState { key, .. }
            | ChangeEntry::Note { key, .. }
            | ChangeEntry::KpiReading { key, .. }
            | ChangeEntry::Round { key, .. } => Some(key),
            ChangeEntry::Annotation { .. } => None,
        }
    }

    /// The plan the row belongs to.
    pub fn plan_id(&self) -> &str {
        match self {
            ChangeEntry::FieldState { key, .. }
            | ChangeEntry::Note { key, .. }
            | ChangeEntry::KpiReading { key, .. }
            | ChangeEntry::Round { key, .. } => &key.plan_id,
            ChangeEntry::Annotation { annotation, .. } => &annotation.plan_id,
        }
    }

    pub fn version(&self) -> u64 {
        match self {
            ChangeEntry::FieldState { version, .. }
            | ChangeEntry::Note { version, .. }
            | ChangeEntry::KpiReading { version, .. }
            | ChangeEntry::Round { version, .. }
            | ChangeEntry::Annotation { version, .. } => *version,
        }
    }
}

/// The data of a `changed` event on `GET /api/v1/sync/events`: the server's latest sequence
/// number. A client whose cursor is lower pulls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedEvent {
    pub sequence: u64,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::progress::Status;

    fn client() -> ClientId {
        ClientId::new("tab-7f3a").unwrap()
    }

    fn set_percent(id: &str, percent: u8) -> Mutation {
        Mutation {
            id: MutationId(id.into()),
            key: RecordKey::measure("komagane-dx", "birth-rate", 2024).into(),
            change: Change::Set {
                field: Field::Percent,
                value: FieldValue::Percent(Some(percent)),
                base_version: 41,
                base_value: FieldValue::Percent(Some(40)),
            },
        }
    }

    #[test]
    fn push_requests_have_the_documented_shape() {
        let request = PushRequest {
            client_id: client(),
            mutations: vec![set_percent("tab-7f3a-12", 60)],
        };
        let expected = json!({
            "client_id": "tab-7f3a",
            "mutations": [{
                "id": "tab-7f3a-12",
                "key": {"plan_id": "komagane-dx", "target": {"kind": "measure", "id": "birth-rate"}, "fiscal_year": 2024},
                "change": {"op": "set", "field": "percent", "value": {"percent": 60},
                           "base_version": 41, "base_value": {"percent": 40}}
            }]
        });
        assert_eq!(serde_json::to_value(&request).unwrap(), expected);
        assert_eq!(
            serde_json::from_value::<PushRequest>(expected).unwrap(),
            request
        );
    }

    #[test]
    fn a_notebook_mutation_is_told_from_a_records_by_its_key() {
        let json = json!({
            "id": "tab-7f3a-3",
            "key": {"notebook": "komagane-dx"},
            "change": {"op": "retract_annotation", "annotation_id": "tab-7f3a-1"}
        });
        let mutation: Mutation = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(mutation.key, MutationKey::notebook("komagane-dx"));
        assert_eq!(mutation.validate(), Ok(()));
        assert_eq!(serde_json::to_value(&mutation).unwrap(), json);
        let mut mixed = json.clone();
        mixed["key"]["fiscal_year"] = json!(2024);
        assert!(serde_json::from_value::<Mutation>(mixed).is_err());
        // A record's change under a notebook, or a notebook's under a record, is invalid.
        let under_record = Mutation {
            key: RecordKey::measure("komagane-dx", "m1", 2024).into(),
            ..mutation.clone()
        };
        assert_eq!(under_record.validate().unwrap_err().field, "key");
        let set_in_notebook = Mutation {
            change: set_percent("tab-7f3a-4", 10).change,
            ..mutation
        };
        assert_eq!(set_in_notebook.validate().unwrap_err().field, "key");
    }

    #[test]
    fn requests_refuse_unknown_fields_at_every_level() {
        let good = serde_json::to_value(PushRequest {
            client_id: client(),
            mutations: vec![set_percent("tab-7f3a-1", 60)],
        })
        .unwrap();
        let pointers = [
            "",
            "/mutations/0",
            "/mutations/0/key",
            "/mutations/0/key/target",
            "/mutations/0/change",
        ];
        for pointer in pointers {
            let mut bad = good.clone();
            bad.pointer_mut(pointer)
                .unwrap()
                .as_object_mut()
                .unwrap()
                .insert("surprise".into(), json!(1));
            assert!(
                serde_json::from_value::<PushRequest>(bad).is_err(),
                "{pointer}"
            );
        }
        assert!(serde_json::from_str::<PullRequest>(r#"{"since":1,"limit":2,"x":3}"#).is_err());
    }

    #[test]
    fn ids_are_checked_when_parsed() {
        assert!(serde_json::from_str::<ClientId>(r#""tab-1""#).is_ok());
        for bad in [r#""""#, r#""Tab""#, r#""a/b""#, r#""-a""#] {
            assert!(serde_json::from_str::<ClientId>(bad).is_err(), "{bad}");
        }
        assert!(ClientId::new("a".repeat(MAX_CLIENT_ID_CHARS)).is_ok());
        assert!(ClientId::new("a".repeat(MAX_CLIENT_ID_CHARS + 1)).is_err());
        assert!(serde_json::from_str::<MutationId>(r#""c 1""#).is_err());
    }

    #[test]
    fn mutation_ids_belong_to_exactly_one_client() {
        let a = ClientId::new("a").unwrap();
        let a1 = ClientId::new("a-1").unwrap();
        let id = MutationId::new(&a1, 5);
        assert_eq!(id.as_str(), "a-1-5");
        assert!(id.belongs_to(&a1));
        assert!(!id.belongs_to(&a));
        assert!(MutationId::new(&a, 1).belongs_to(&a));
        assert!(!MutationId("a-".into()).belongs_to(&a));
        assert!(!MutationId("ab-1".into()).belongs_to(&a));
        let longest = ClientId::new("z".repeat(MAX_CLIENT_ID_CHARS)).unwrap();
        let id = MutationId::new(&longest, u64::MAX);
        assert!(
            MutationId::try_from(id.as_str().to_owned()).is_ok(),
            "fits in 64 characters"
        );
    }

    #[test]
    fn push_validation_checks_size_and_id_ownership() {
        let mut request = PushRequest {
            client_id: client(),
            mutations: vec![set_percent("tab-7f3a-1", 60)],
        };
        assert_eq!(request.validate(), Ok(()));
        request.mutations.push(set_percent("other-2", 70));
        assert_eq!(request.validate().unwrap_err().field, "mutations[1].id");
        request.mutations = (0..=MAX_PUSH_MUTATIONS)
            .map(|i| set_percent(&format!("tab-7f3a-{i}"), 1))
            .collect();
        assert_eq!(request.validate().unwrap_err().field, "mutations");
    }

    #[test]
    fn changes_validate_their_values() {
        let mut mutation = set_percent("tab-7f3a-1", 101);
        assert_eq!(mutation.validate().unwrap_err().field, "percent");
        mutation.change = Change::Set {
            field: Field::Status,
            value: FieldValue::Status(Some(Status::Delayed)),
            base_version: 0,
            base_value: FieldValue::Percent(None),
        };
        assert_eq!(mutation.validate().unwrap_err().field, "base_value");
        mutation.change = Change::RetractNote {
            note_id: "../x".into(),
        };
        assert_eq!(mutation.validate().unwrap_err().field, "note_id");
        mutation.key = RecordKey::measure("Bad Plan", "m", 2024).into();
        assert_eq!(mutation.validate().unwrap_err().field, "key.plan_id");
    }

    #[test]
    fn outcomes_are_tagged_by_type() {
        let conflict = Outcome::Conflict(Conflict {
            key: RecordKey::measure("p", "m", 2024),
            field: Field::Status,
            base_value: FieldValue::Status(None),
            mine: FieldValue::Status(Some(Status::OnTrack)),
            theirs: FieldValue::Status(Some(Status::Delayed)),
            theirs_version: 9,
        });
        let json = serde_json::to_value(&conflict).unwrap();
        assert_eq!(json["type"], "conflict");
        assert_eq!(json["theirs"], json!({"status": "delayed"}));
        assert_eq!(serde_json::from_value::<Outcome>(json).unwrap(), conflict);
        assert_eq!(
            serde_json::to_value(Outcome::Applied { version: 3 }).unwrap(),
            json!({"type": "applied", "version": 3})
        );
        assert_eq!(
            serde_json::to_value(Outcome::rejected(&Reason::technical("no"))).unwrap(),
            json!({"type": "rejected", "reason": "no"})
        );
        assert_eq!(
            serde_json::to_value(Outcome::rejected(&Reason::new("不可", "No"))).unwrap(),
            json!({"type": "rejected", "reason": "不可", "reason_en": "No"})
        );
    }

    #[test]
    fn pull_limits_default_and_clamp() {
        let request: PullRequest = serde_json::from_str(r#"{"since": 5}"#).unwrap();
        assert_eq!(request.limit, DEFAULT_PULL_LIMIT);
        assert_eq!(request.page_size(), DEFAULT_PULL_LIMIT as usize);
        let huge = PullRequest::new(0, u32::MAX);
        assert_eq!(huge.page_size(), MAX_PULL_LIMIT as usize);
        assert_eq!(PullRequest::new(0, 0).page_size(), 1);
    }

    #[test]
    fn change_entries_are_tagged_by_type() {
        let entry = ChangeEntry::FieldState {
            key: RecordKey::measure("p", "m", 2024),
            field: Field::Results,
            value: FieldValue::Text("実績".into()),
            version: 12,
        };
        let json = serde_json::to_value(&entry).unwrap();
        assert_eq!(json["type"], "field_state");
        assert_eq!(json["value"], json!({"text": "実績"}));
        assert_eq!(entry.version(), 12);
        assert_eq!(serde_json::from_value::<ChangeEntry>(json).unwrap(), entry);
    }
}
