//! Why a step of a reporting round is refused, as a type: the API turns the kind into a status
//! and the sync server sends the reason, which is written here and nowhere else.

use std::fmt;

use crate::limits::TextProblem;
use crate::FiscalYear;

use super::{RecordState, RoundState};

/// A refused step. Nothing changes when one is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The user may not take this step at all (403).
    NotAllowed,
    /// A field of the request is invalid (400).
    Invalid { field: &'static str, reason: String },
    /// The round no longer takes submissions (409).
    RoundClosed,
    /// The fiscal year's results are final: the record is read-only until reopened (409).
    Final { fiscal_year: FiscalYear },
    /// The record was handed in: it changes only after it is returned (409).
    Submitted,
    /// The record changed since the user saw it: returned with `comment`, or approved (409).
    Changed {
        now: RecordState,
        comment: Option<String>,
    },
    /// The step does not apply to the record in this state (409).
    RecordState {
        now: RecordState,
        action: &'static str,
    },
    /// The step does not apply to the round in this state (409).
    RoundState {
        now: RoundState,
        action: &'static str,
    },
    /// The round cannot be made final while records wait for review (409).
    Unreviewed { count: usize },
}

impl Refusal {
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Refusal {
        Refusal::Invalid {
            field,
            reason: reason.into(),
        }
    }

    pub fn text(field: &'static str, problem: TextProblem) -> Refusal {
        Refusal::invalid(field, problem.reason())
    }

    /// The request field at fault, if one is.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Refusal::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The reason as users read it, in Japanese.
    pub fn reason(&self) -> String {
        match self {
            Refusal::NotAllowed => "この操作をする権限がありません。".into(),
            Refusal::Invalid { reason, .. } => reason.clone(),
            Refusal::RoundClosed => {
                "この評価の受付は締め切られました。提出するには管理者に受付の再開か差し戻しを依頼してください。".into()
            }
            Refusal::Final { fiscal_year } => {
                format!("{}の評価は確定しています", fiscal_year.japanese())
            }
            Refusal::Submitted => {
                "提出済みのため編集できません。修正するには管理者に差し戻しを依頼してください。"
                    .into()
            }
            Refusal::Changed {
                now: RecordState::Returned,
                comment,
            } => match comment {
                Some(comment) => format!(
                    "提出する前に差し戻されました（{comment}）。内容を確認してから提出し直してください。"
                ),
                None => "提出する前に差し戻されました。内容を確認してから提出し直してください。"
                    .into(),
            },
            Refusal::Changed { now, .. } => format!(
                "この記録は既に{}です。最新の状態を確認してください。",
                now.label()
            ),
            Refusal::RecordState { now, action } => {
                format!("{}の記録は{action}できません。", now.label())
            }
            Refusal::RoundState { now, action } => {
                format!("{}の評価は{action}できません。", now.label())
            }
            Refusal::Unreviewed { count } => format!(
                "確認待ち（提出済）の記録が{count}件あります。確認済にするか差し戻してから確定してください。"
            ),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason())
    }
}

impl std::error::Error for Refusal {}
