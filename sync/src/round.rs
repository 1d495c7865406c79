//! A progress record's place in a reporting round, as replicas hold it: which round, where the
//! round is, where the record is in it, and what the DX office said. Staff see it offline (a
//! returned record's comment, a round about to close) and submit through the outbox; the rules
//! are `keikaku_domain::evaluation`'s.

use keikaku_domain::evaluation::{
    EditKind, Grade, RecordState, Refusal, RoundKind, RoundState, Workflow,
};
use serde::{Deserialize, Serialize};

use crate::progress::ProgressRecord;

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

/// Why the rounds `record` is part of keep an edit of this kind from being made, if one does:
/// what the server refuses, and what the page shows before anyone types.
pub fn edit_lock(record: &ProgressRecord, edit: EditKind) -> Option<Refusal> {
    record.rounds.values().find_map(|round| {
        let round = &round.value;
        keikaku_domain::evaluation::edit_lock(
            round.kind,
            round.round_state,
            record.key.fiscal_year,
            round.workflow(),
            edit,
        )
    })
}

impl RoundRecord {
    /// What the record shows as, given what it holds (未入力 becomes 入力中 once anything is
    /// recorded).
    pub fn shown_state(&self, record: &ProgressRecord) -> RecordState {
        self.state.shown(!record.is_empty())
    }

    /// Whether the department may submit it now: not handed in, and the round takes it (open,
    /// or a returned record of a closed or reopened one).
    pub fn submittable(&self) -> bool {
        match self.state {
            RecordState::Returned => true,
            RecordState::NotEntered | RecordState::InProgress => {
                self.round_state == RoundState::Open
            }
            RecordState::Submitted | RecordState::Approved => false,
        }
    }
}
