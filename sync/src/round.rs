//! A progress record's place in a reporting round, as replicas hold it: which round, where the
//! round is, where the record is in it, and what the DX office said. Staff see it offline (a
//! returned record's comment, a round about to close) and submit through the outbox; the rules
//! are `keikaku_domain::evaluation`'s.

use keikaku_domain::evaluation::{Grade, RecordState, RoundKind, RoundState, Workflow};
use serde::{Deserialize, Serialize};

/// One record of one round. Its row version (in [`crate::progress::Versioned`]) changes with
/// anything here, the round's state included; `step` only with the record's own workflow, so a
/// submission queued offline is judged by whether the record moved, not the round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundRecord {
    pub round_id: String,
    /// e.g. 令和6年度実績.
    pub title: String,
    pub kind: RoundKind,
    pub round_state: RoundState,
    /// `YYYY-MM-DD`.
    pub deadline: String,
    /// Stored state: `not_entered`, `submitted`, `returned` or `approved` (see
    /// [`RecordState::shown`] for 入力中).
    pub state: RecordState,
    /// Reopened after the round became final.
    #[serde(default)]
    pub reopened: bool,
    /// The sequence number of the record's latest workflow step; 0 if it never moved.
    pub step: u64,
    /// The reviewer's comment on a return, or the reason for a reopening.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The DX office's evaluation (二次評価).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary: Option<Secondary>,
}

/// The secondary evaluation: a grade and its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Secondary {
    pub grade: Grade,
    pub reason: String,
}

impl RoundRecord {
    pub fn workflow(&self) -> Workflow {
        Workflow {
            state: self.state,
            reopened: self.reopened,
            version: self.step,
        }
    }
}
