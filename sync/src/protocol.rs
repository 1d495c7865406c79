//! The sync protocol's messages, as they travel as JSON between the browser and the server.
//!
//! Requests are strict: unknown fields are refused, so a misspelt field is an error instead of
//! a silently ignored change. See `docs/sync-protocol.md` for the endpoints and semantics.

use std::fmt;

use keikaku_domain::import::is_valid_id;
use serde::{Deserialize, Serialize};

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

/// One change a user made offline, to one progress record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mutation {
    pub id: MutationId,
    pub key: RecordKey,
    pub change: Change,
}

impl Mutation {
    pub fn validate(&self) -> Result<(), Invalid> {
        self.key.validate()?;
        self.change.validate()
    }

    /// The record and field a `Set` writes; `None` for append-only changes.
    pub fn set_target(&self) -> Option<(&RecordKey, Field)> {
        match &self.change {
            Change::Set { field, .. } => Some((&self.key, *field)),
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
        }
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
    /// Not allowed or not valid; nothing was written. `reason` is shown to the user.
    Rejected { reason: String },
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

/// `GET /api/v1/sync/pull?since=&limit=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullRequest {
    /// The cursor of the previous pull; 0 for everything.
    #[serde(default)]
    pub since: u64,
    #[serde(default = "default_pull_limit")]
    pub limit: u32,
}

fn default_pull_limit() -> u32 {
    DEFAULT_PULL_LIMIT
}

impl PullRequest {
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
}

impl ChangeEntry {
    pub fn key(&self) -> &RecordKey {
        match self {
            ChangeEntry::FieldState { key, .. }
            | ChangeEntry::Note { key, .. }
            | ChangeEntry::KpiReading { key, .. }
            | ChangeEntry::Round { key, .. } => key,
        }
    }

    pub fn version(&self) -> u64 {
        match self {
            ChangeEntry::FieldState { version, .. }
            | ChangeEntry::Note { version, .. }
            | ChangeEntry::KpiReading { version, .. }
            | ChangeEntry::Round { version, .. } => *version,
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
            key: RecordKey::measure("komagane-dx", "birth-rate", 2024),
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
        mutation.key.plan_id = "Bad Plan".into();
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
            serde_json::to_value(Outcome::Rejected {
                reason: "no".into()
            })
            .unwrap(),
            json!({"type": "rejected", "reason": "no"})
        );
    }

    #[test]
    fn pull_limits_default_and_clamp() {
        let request: PullRequest = serde_json::from_str(r#"{"since": 5}"#).unwrap();
        assert_eq!(request.limit, DEFAULT_PULL_LIMIT);
        assert_eq!(request.page_size(), DEFAULT_PULL_LIMIT as usize);
        let huge = PullRequest {
            since: 0,
            limit: u32::MAX,
        };
        assert_eq!(huge.page_size(), MAX_PULL_LIMIT as usize);
        assert_eq!(PullRequest { since: 0, limit: 0 }.page_size(), 1);
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
