//! Why a step of a reporting round is refused, as a type: the API turns the kind into a status
//! and the sync server sends the reason, which is written here and nowhere else, in Japanese
//! (what the server sends) or English (what an English page works out for itself).

use std::fmt;

use crate::lang::Lang;
use crate::limits::TextProblem;
use crate::reason::Reason;
use crate::FiscalYear;

use super::{RecordState, RoundAction, RoundState};

/// The step a refusal names, so that its reason can be written in either language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// 提出.
    Submit,
    /// 差し戻し.
    Return,
    /// 確認済に.
    Approve,
    /// 二次評価.
    Evaluate,
    /// 再開 (a record, after its round became final).
    Reopen,
    /// A step on the whole round.
    Round(RoundAction),
}

impl Step {
    /// The step as the Japanese reason names it, on a record or (`on_round`) on a round: a
    /// record of a final round is reopened rather than returned, so that reason says so.
    fn japanese(self, on_round: bool) -> &'static str {
        match self {
            Step::Submit => "提出",
            Step::Return if on_round => "差し戻し（再開してください）",
            Step::Return => "差し戻し",
            Step::Approve => "確認済に",
            Step::Evaluate => "二次評価",
            Step::Reopen => "再開",
            Step::Round(action) => action.label(),
        }
    }

    /// The step as a past participle, for "cannot be …".
    fn english(self) -> &'static str {
        match self {
            Step::Submit => "submitted",
            Step::Return => "returned",
            Step::Approve => "approved",
            Step::Evaluate => "given a secondary evaluation",
            Step::Reopen => "reopened",
            Step::Round(RoundAction::Close) => "closed",
            Step::Round(RoundAction::ReopenIntake) => "reopened for submissions",
            Step::Round(RoundAction::Finalize) => "finalized",
            Step::Round(RoundAction::Publish) => "published",
        }
    }
}

/// A refused step. Nothing changes when one is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The user may not take this step at all (403).
    NotAllowed,
    /// A field of the request is invalid (400).
    Invalid { field: &'static str, reason: Reason },
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
    RecordState { now: RecordState, action: Step },
    /// The step does not apply to the round in this state (409).
    RoundState { now: RoundState, action: Step },
    /// The round cannot be made final while records wait for review (409).
    Unreviewed { count: usize },
}

impl Refusal {
    pub fn invalid(field: &'static str, reason: Reason) -> Refusal {
        Refusal::Invalid { field, reason }
    }

    pub fn text(field: &'static str, problem: TextProblem) -> Refusal {
        Refusal::invalid(field, Reason::of(|lang| problem.reason_in(lang)))
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
        self.reason_in(Lang::Ja)
    }

    /// The reason in `lang`. A return's comment is the reviewer's own words: a page showing it
    /// marks the Japanese (`crate::lang::mark_japanese`).
    pub fn reason_in(&self, lang: Lang) -> String {
        match lang {
            Lang::Ja => self.japanese(),
            Lang::En => self.english(),
        }
    }

    fn japanese(&self) -> String {
        match self {
            Refusal::NotAllowed => "この操作をする権限がありません。".into(),
            Refusal::Invalid { reason, .. } => reason.in_lang(Lang::Ja).to_owned(),
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
                format!("{}の記録は{}できません。", now.label(), action.japanese(false))
            }
            Refusal::RoundState { now, action } => {
                format!("{}の評価は{}できません。", now.label(), action.japanese(true))
            }
            Refusal::Unreviewed { count } => format!(
                "確認待ち（提出済）の記録が{count}件あります。確認済にするか差し戻してから確定してください。"
            ),
        }
    }

    fn english(&self) -> String {
        let en = Lang::En;
        match self {
            Refusal::NotAllowed => "You are not allowed to do this.".into(),
            Refusal::Invalid { reason, .. } => reason.in_lang(en).to_owned(),
            Refusal::RoundClosed => "This round no longer takes submissions. To submit, ask an \
                administrator to reopen it for submissions or to return the record."
                .into(),
            Refusal::Final { fiscal_year } => {
                format!("The evaluation for {} is final.", fiscal_year.label_in(en))
            }
            Refusal::Submitted => "This record was submitted and cannot be edited. To correct \
                it, ask an administrator to return it."
                .into(),
            Refusal::Changed {
                now: RecordState::Returned,
                comment,
            } => match comment {
                Some(comment) => format!(
                    "It was returned before you submitted it ({comment}). Check it, then submit \
                     it again."
                ),
                None => "It was returned before you submitted it. Check it, then submit it again."
                    .into(),
            },
            Refusal::Changed { now, .. } => format!(
                "This record is already “{}”. Check its latest state.",
                now.label_in(en)
            ),
            Refusal::RecordState { now, action } => format!(
                "A record that is “{}” cannot be {}.",
                now.label_in(en),
                action.english()
            ),
            Refusal::RoundState {
                now,
                action: action @ Step::Round(_),
            } => format!(
                "A round that is “{}” cannot be {}.",
                now.label_in(en),
                action.english()
            ),
            Refusal::RoundState {
                now,
                action: Step::Return,
            } => format!(
                "Records of a round that is “{}” cannot be returned: reopen the record instead.",
                now.label_in(en)
            ),
            Refusal::RoundState { now, action } => format!(
                "Records of a round that is “{}” cannot be {}.",
                now.label_in(en),
                action.english()
            ),
            Refusal::Unreviewed { count: 1 } => "1 submitted record is waiting for review. \
                Approve or return it before finalizing the round."
                .into(),
            Refusal::Unreviewed { count } => format!(
                "{count} submitted records are waiting for review. Approve or return them \
                 before finalizing the round."
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

#[cfg(test)]
mod tests {
    use super::*;

    const FY: FiscalYear = FiscalYear(2024);

    fn record(now: RecordState, action: Step) -> Refusal {
        Refusal::RecordState { now, action }
    }

    fn round(now: RoundState, action: Step) -> Refusal {
        Refusal::RoundState { now, action }
    }

    #[test]
    fn japanese_reasons_name_the_state_and_the_step() {
        let cases = [
            (
                record(RecordState::Approved, Step::Submit),
                "確認済の記録は提出できません。",
            ),
            (
                record(RecordState::NotEntered, Step::Return),
                "未入力の記録は差し戻しできません。",
            ),
            (
                record(RecordState::NotEntered, Step::Approve),
                "未入力の記録は確認済にできません。",
            ),
            (
                record(RecordState::InProgress, Step::Evaluate),
                "入力中の記録は二次評価できません。",
            ),
            (
                round(RoundState::Final, Step::Return),
                "確定の評価は差し戻し（再開してください）できません。",
            ),
            (
                round(RoundState::Open, Step::Reopen),
                "受付中の評価は再開できません。",
            ),
            (
                round(RoundState::Open, Step::Round(RoundAction::Finalize)),
                "受付中の評価は確定できません。",
            ),
            (
                Refusal::Final { fiscal_year: FY },
                "令和6年度の評価は確定しています",
            ),
            (
                Refusal::Unreviewed { count: 2 },
                "確認待ち（提出済）の記録が2件あります。確認済にするか差し戻してから確定してください。",
            ),
            (
                Refusal::Changed {
                    now: RecordState::Approved,
                    comment: None,
                },
                "この記録は既に確認済です。最新の状態を確認してください。",
            ),
        ];
        for (refusal, reason) in cases {
            assert_eq!(refusal.reason(), reason);
            assert_eq!(refusal.reason_in(Lang::Ja), reason);
            assert_eq!(refusal.to_string(), reason);
        }
    }

    #[test]
    fn english_reasons_say_the_same_in_english() {
        let cases = [
            (
                record(RecordState::Approved, Step::Submit),
                "A record that is “Approved” cannot be submitted.",
            ),
            (
                round(RoundState::Final, Step::Return),
                "Records of a round that is “Final” cannot be returned: reopen the record instead.",
            ),
            (
                round(RoundState::Open, Step::Reopen),
                "Records of a round that is “Open” cannot be reopened.",
            ),
            (
                round(RoundState::Published, Step::Round(RoundAction::Close)),
                "A round that is “Published” cannot be closed.",
            ),
            (
                Refusal::Final { fiscal_year: FY },
                "The evaluation for FY2024 (Reiwa 6) is final.",
            ),
            (
                Refusal::Unreviewed { count: 1 },
                "1 submitted record is waiting for review. Approve or return it before finalizing the round.",
            ),
            (
                Refusal::Unreviewed { count: 3 },
                "3 submitted records are waiting for review. Approve or return them before finalizing the round.",
            ),
            (
                Refusal::Submitted,
                "This record was submitted and cannot be edited. To correct it, ask an administrator to return it.",
            ),
            (
                Refusal::RoundClosed,
                "This round no longer takes submissions. To submit, ask an administrator to reopen it for submissions or to return the record.",
            ),
            (
                Refusal::Changed {
                    now: RecordState::Returned,
                    comment: Some("KPIを追記".into()),
                },
                "It was returned before you submitted it (KPIを追記). Check it, then submit it again.",
            ),
            (Refusal::NotAllowed, "You are not allowed to do this."),
        ];
        for (refusal, reason) in cases {
            assert_eq!(refusal.reason_in(Lang::En), reason);
        }
        let invalid = Refusal::text("title", TextProblem::Empty);
        assert_eq!(invalid.reason_in(Lang::Ja), "入力してください。");
        assert_eq!(invalid.reason_in(Lang::En), "Please enter a value.");
    }
}
