//! Each step of a reporting round, decided: given where the round and the record are, who is
//! asking and what they ask, the new state or the reason it is refused. Authorization comes
//! first, so a refused user learns nothing of the record's state.

use crate::lang::Lang;
use crate::limits::{check_required, TextKind};
use crate::FiscalYear;

use super::{Grade, RecordState, Refusal, RoundKind, RoundState, Step, Workflow};

/// A step on one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordAction {
    /// Hand the record in (提出). `seen` is the version of the record's workflow the
    /// submitter last saw: a record returned or approved since is not submitted over.
    Submit { seen: u64 },
    /// Send it back to the department with a comment (差戻し).
    Return { comment: String },
    /// Accept it (確認).
    Approve,
    /// Make it editable again after the round became final, with the reason (再開).
    Reopen { reason: String },
    /// Record the secondary evaluation (二次評価) beside the department's own.
    Evaluate { grade: Grade, reason: String },
}

impl RecordAction {
    /// Checks the text the action carries.
    fn validate(&self) -> Result<(), Refusal> {
        match self {
            RecordAction::Return { comment } => {
                check_required(TextKind::Short, comment).map_err(|p| Refusal::text("comment", p))
            }
            RecordAction::Reopen { reason } => {
                check_required(TextKind::Short, reason).map_err(|p| Refusal::text("reason", p))
            }
            RecordAction::Evaluate { reason, .. } => {
                check_required(TextKind::Text, reason).map_err(|p| Refusal::text("reason", p))
            }
            RecordAction::Submit { .. } | RecordAction::Approve => Ok(()),
        }
    }

    /// Whether the action is the department's (submitting) rather than the DX office's.
    pub fn is_submission(&self) -> bool {
        matches!(self, RecordAction::Submit { .. })
    }
}

/// What the decision of a record step leaves behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The record moves to this workflow (its version is for the caller to set).
    Moves(Workflow),
    /// Nothing to do: it is already so (a second submission of a submitted record).
    Unchanged,
}

/// Decides a step on a record of a round of `kind` in `round` state, whose workflow is
/// `current` and whose fiscal year is `fiscal_year`. `allowed` is whether the user may take
/// the step at all (`can_submit` for a submission, `can_review` otherwise), checked first.
/// The returned workflow keeps `current.version`.
pub fn decide_record(
    round: RoundState,
    fiscal_year: FiscalYear,
    current: Workflow,
    action: &RecordAction,
    allowed: bool,
) -> Result<Decision, Refusal> {
    if !allowed {
        return Err(Refusal::NotAllowed);
    }
    action.validate()?;
    let locked = round.is_final() && !current.reopened;
    let moves = |state: RecordState, reopened: bool| {
        Ok(Decision::Moves(Workflow {
            state,
            reopened,
            version: current.version,
        }))
    };
    match action {
        RecordAction::Submit { seen } => {
            if current.state == RecordState::Submitted {
                return Ok(Decision::Unchanged);
            }
            if *seen != current.version {
                // Returned or approved since the submitter looked: they must see it first.
                return Err(Refusal::Changed {
                    now: current.state,
                    comment: None,
                });
            }
            if locked {
                return Err(Refusal::Final { fiscal_year });
            }
            match (round, current.state) {
                (_, RecordState::Approved) => Err(Refusal::RecordState {
                    now: current.state,
                    action: Step::Submit,
                }),
                (RoundState::Open, _) | (_, RecordState::Returned) => {
                    moves(RecordState::Submitted, current.reopened)
                }
                _ => Err(Refusal::RoundClosed),
            }
        }
        RecordAction::Return { .. } => {
            if round.is_final() {
                return Err(Refusal::RoundState {
                    now: round,
                    action: Step::Return,
                });
            }
            match current.state {
                RecordState::Submitted | RecordState::Approved => {
                    moves(RecordState::Returned, false)
                }
                now => Err(Refusal::RecordState {
                    now,
                    action: Step::Return,
                }),
            }
        }
        RecordAction::Approve => {
            if locked {
                return Err(Refusal::Final { fiscal_year });
            }
            match current.state {
                RecordState::Submitted => moves(RecordState::Approved, false),
                now => Err(Refusal::RecordState {
                    now,
                    action: Step::Approve,
                }),
            }
        }
        RecordAction::Reopen { .. } => {
            if !round.is_final() {
                return Err(Refusal::RoundState {
                    now: round,
                    action: Step::Reopen,
                });
            }
            if current.reopened {
                return Ok(Decision::Unchanged);
            }
            moves(RecordState::Returned, true)
        }
        RecordAction::Evaluate { .. } => {
            if locked {
                return Err(Refusal::Final { fiscal_year });
            }
            match current.state {
                RecordState::Submitted | RecordState::Approved => Ok(Decision::Unchanged),
                now => Err(Refusal::RecordState {
                    now,
                    action: Step::Evaluate,
                }),
            }
        }
    }
}

/// A step on a whole round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundAction {
    /// 締切: stop taking submissions.
    Close,
    /// 受付再開: take submissions again.
    ReopenIntake,
    /// 確定: make the results final and the records read-only.
    Finalize,
    /// 公表: show the results to citizens.
    Publish,
}

impl RoundAction {
    pub fn as_str(self) -> &'static str {
        match self {
            RoundAction::Close => "close",
            RoundAction::ReopenIntake => "reopen",
            RoundAction::Finalize => "finalize",
            RoundAction::Publish => "publish",
        }
    }

    pub fn parse(text: &str) -> Option<RoundAction> {
        [
            RoundAction::Close,
            RoundAction::ReopenIntake,
            RoundAction::Finalize,
            RoundAction::Publish,
        ]
        .into_iter()
        .find(|a| a.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        self.label_in(Lang::Ja)
    }

    /// The step's name in `lang`, as its button reads: 締切 / Close, 受付再開 / Reopen for
    /// submissions, 確定 / Finalize, 公表 / Publish.
    pub fn label_in(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (RoundAction::Close, Lang::Ja) => "締切",
            (RoundAction::ReopenIntake, Lang::Ja) => "受付再開",
            (RoundAction::Finalize, Lang::Ja) => "確定",
            (RoundAction::Publish, Lang::Ja) => "公表",
            (RoundAction::Close, Lang::En) => "Close",
            (RoundAction::ReopenIntake, Lang::En) => "Reopen for submissions",
            (RoundAction::Finalize, Lang::En) => "Finalize",
            (RoundAction::Publish, Lang::En) => "Publish",
        }
    }
}

/// Decides a step on a round in `current` state; `unreviewed` is how many of its records are
/// submitted and wait for review. Only the DX office (`allowed`) takes these steps.
pub fn decide_round(
    current: RoundState,
    action: RoundAction,
    unreviewed: usize,
    allowed: bool,
) -> Result<RoundState, Refusal> {
    if !allowed {
        return Err(Refusal::NotAllowed);
    }
    let next = match (action, current) {
        (RoundAction::Close, RoundState::Open) => RoundState::Closed,
        (RoundAction::ReopenIntake, RoundState::Closed) => RoundState::Open,
        (RoundAction::Finalize, RoundState::Closed) if unreviewed > 0 => {
            return Err(Refusal::Unreviewed { count: unreviewed })
        }
        (RoundAction::Finalize, RoundState::Closed) => RoundState::Final,
        (RoundAction::Publish, RoundState::Final) => RoundState::Published,
        (action, now) => {
            return Err(Refusal::RoundState {
                now,
                action: Step::Round(action),
            })
        }
    };
    Ok(next)
}

/// What a progress edit changes: the reported values (fields, KPI readings) or the field
/// notes (OODA observations, which are not part of the report).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditKind {
    Values,
    Notes,
}

/// Whether a round keeps a progress record from being edited, and why. A year-end round that
/// is final locks its records (unless reopened); while a record of an open or closed year-end
/// round is submitted or approved, its values wait for a return. Interim rounds lock nothing:
/// the year goes on.
pub fn edit_lock(
    kind: RoundKind,
    round: RoundState,
    fiscal_year: FiscalYear,
    record: Workflow,
    edit: EditKind,
) -> Option<Refusal> {
    if kind != RoundKind::YearEnd {
        return None;
    }
    if round.is_final() && !record.reopened {
        return Some(Refusal::Final { fiscal_year });
    }
    let handed_in = matches!(record.state, RecordState::Submitted | RecordState::Approved);
    (handed_in && edit == EditKind::Values).then_some(Refusal::Submitted)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FY: FiscalYear = FiscalYear(2024);

    fn at(state: RecordState, version: u64) -> Workflow {
        Workflow {
            state,
            reopened: false,
            version,
        }
    }

    fn submit(seen: u64) -> RecordAction {
        RecordAction::Submit { seen }
    }

    fn moved(state: RecordState, reopened: bool, version: u64) -> Decision {
        Decision::Moves(Workflow {
            state,
            reopened,
            version,
        })
    }

    fn ret() -> RecordAction {
        RecordAction::Return {
            comment: "KPIの実績値を入れてください".into(),
        }
    }

    #[test]
    fn a_department_submits_an_unsubmitted_or_returned_record_of_an_open_round() {
        let open = RoundState::Open;
        assert_eq!(
            decide_record(open, FY, Workflow::NEW, &submit(0), true),
            Ok(moved(RecordState::Submitted, false, 0))
        );
        assert_eq!(
            decide_record(open, FY, at(RecordState::Returned, 7), &submit(7), true),
            Ok(moved(RecordState::Submitted, false, 7))
        );
        // Submitting twice is harmless.
        assert_eq!(
            decide_record(open, FY, at(RecordState::Submitted, 8), &submit(7), true),
            Ok(Decision::Unchanged)
        );
    }

    #[test]
    fn a_submission_after_a_return_it_did_not_see_is_refused() {
        let refused = decide_record(
            RoundState::Open,
            FY,
            at(RecordState::Returned, 9),
            &submit(0),
            true,
        )
        .unwrap_err();
        assert!(matches!(
            refused,
            Refusal::Changed {
                now: RecordState::Returned,
                ..
            }
        ));
        assert!(refused.reason().contains("差し戻されました"));
        let approved = decide_record(
            RoundState::Open,
            FY,
            at(RecordState::Approved, 9),
            &submit(0),
            true,
        );
        assert!(matches!(approved, Err(Refusal::Changed { .. })));
    }

    #[test]
    fn a_closed_round_takes_only_returned_records() {
        let closed = RoundState::Closed;
        assert_eq!(
            decide_record(closed, FY, Workflow::NEW, &submit(0), true),
            Err(Refusal::RoundClosed)
        );
        assert!(decide_record(closed, FY, at(RecordState::Returned, 3), &submit(3), true).is_ok());
    }

    #[test]
    fn a_final_round_refuses_everything_but_a_reopened_record() {
        for round in [RoundState::Final, RoundState::Published] {
            let refused = decide_record(round, FY, Workflow::NEW, &submit(0), true).unwrap_err();
            assert_eq!(refused.reason(), "令和6年度の評価は確定しています");
            let reopened = Workflow {
                state: RecordState::Returned,
                reopened: true,
                version: 4,
            };
            assert_eq!(
                decide_record(round, FY, reopened, &submit(4), true),
                Ok(moved(RecordState::Submitted, true, 4))
            );
            let resubmitted = Workflow {
                state: RecordState::Submitted,
                ..reopened
            };
            assert_eq!(
                decide_record(round, FY, resubmitted, &RecordAction::Approve, true),
                Ok(moved(RecordState::Approved, false, 4))
            );
            assert!(matches!(
                decide_record(round, FY, at(RecordState::Submitted, 2), &ret(), true),
                Err(Refusal::RoundState { .. })
            ));
        }
    }

    #[test]
    fn reopening_needs_a_final_round_and_a_reason() {
        let reopen = |reason: &str| RecordAction::Reopen {
            reason: reason.into(),
        };
        let approved = at(RecordState::Approved, 5);
        assert_eq!(
            decide_record(RoundState::Final, FY, approved, &reopen("数値の誤り"), true),
            Ok(moved(RecordState::Returned, true, 5))
        );
        let blank = decide_record(RoundState::Final, FY, approved, &reopen("  "), true);
        assert_eq!(blank.unwrap_err().field(), Some("reason"));
        assert!(matches!(
            decide_record(RoundState::Open, FY, approved, &reopen("数値の誤り"), true),
            Err(Refusal::RoundState { .. })
        ));
    }

    #[test]
    fn returning_and_approving_follow_the_record() {
        let open = RoundState::Open;
        assert_eq!(
            decide_record(open, FY, at(RecordState::Submitted, 1), &ret(), true),
            Ok(moved(RecordState::Returned, false, 1))
        );
        let blank = RecordAction::Return { comment: "".into() };
        assert_eq!(
            decide_record(open, FY, at(RecordState::Submitted, 1), &blank, true)
                .unwrap_err()
                .field(),
            Some("comment")
        );
        assert!(matches!(
            decide_record(open, FY, Workflow::NEW, &ret(), true),
            Err(Refusal::RecordState { .. })
        ));
        assert!(matches!(
            decide_record(open, FY, Workflow::NEW, &RecordAction::Approve, true),
            Err(Refusal::RecordState { .. })
        ));
        let evaluate = RecordAction::Evaluate {
            grade: Grade::B,
            reason: "概ね順調".into(),
        };
        assert_eq!(
            decide_record(open, FY, at(RecordState::Approved, 2), &evaluate, true),
            Ok(Decision::Unchanged)
        );
        assert!(decide_record(open, FY, Workflow::NEW, &evaluate, true).is_err());
    }

    #[test]
    fn a_user_not_allowed_learns_nothing() {
        for action in [submit(0), ret(), RecordAction::Approve] {
            assert_eq!(
                decide_record(RoundState::Final, FY, Workflow::NEW, &action, false),
                Err(Refusal::NotAllowed)
            );
        }
        assert_eq!(
            decide_round(RoundState::Open, RoundAction::Close, 0, false),
            Err(Refusal::NotAllowed)
        );
    }

    #[test]
    fn rounds_move_open_closed_final_published() {
        use RoundAction::*;
        assert_eq!(
            decide_round(RoundState::Open, Close, 3, true),
            Ok(RoundState::Closed)
        );
        assert_eq!(
            decide_round(RoundState::Closed, ReopenIntake, 0, true),
            Ok(RoundState::Open)
        );
        assert_eq!(
            decide_round(RoundState::Closed, Finalize, 2, true),
            Err(Refusal::Unreviewed { count: 2 })
        );
        assert_eq!(
            decide_round(RoundState::Closed, Finalize, 0, true),
            Ok(RoundState::Final)
        );
        assert_eq!(
            decide_round(RoundState::Final, Publish, 0, true),
            Ok(RoundState::Published)
        );
        for (from, action) in [
            (RoundState::Open, Finalize),
            (RoundState::Open, Publish),
            (RoundState::Published, Close),
            (RoundState::Final, ReopenIntake),
        ] {
            assert!(matches!(
                decide_round(from, action, 0, true),
                Err(Refusal::RoundState { .. })
            ));
        }
    }

    #[test]
    fn only_final_year_end_rounds_lock_everything() {
        let approved = at(RecordState::Approved, 1);
        let year_end = RoundKind::YearEnd;
        assert_eq!(
            edit_lock(year_end, RoundState::Final, FY, approved, EditKind::Notes),
            Some(Refusal::Final { fiscal_year: FY })
        );
        let reopened = Workflow {
            state: RecordState::Returned,
            reopened: true,
            version: 2,
        };
        assert_eq!(
            edit_lock(
                year_end,
                RoundState::Published,
                FY,
                reopened,
                EditKind::Values
            ),
            None
        );
        assert_eq!(
            edit_lock(year_end, RoundState::Open, FY, approved, EditKind::Values),
            Some(Refusal::Submitted)
        );
        assert_eq!(
            edit_lock(year_end, RoundState::Open, FY, approved, EditKind::Notes),
            None
        );
        assert_eq!(
            edit_lock(
                year_end,
                RoundState::Open,
                FY,
                Workflow::NEW,
                EditKind::Values
            ),
            None
        );
        assert_eq!(
            edit_lock(
                RoundKind::Interim,
                RoundState::Final,
                FY,
                approved,
                EditKind::Values
            ),
            None
        );
    }

    #[test]
    fn round_steps_are_named_in_either_language() {
        use RoundAction::*;
        assert_eq!(Close.label(), "締切");
        assert_eq!(ReopenIntake.label(), "受付再開");
        assert_eq!(Finalize.label_in(Lang::Ja), "確定");
        assert_eq!(Publish.label_in(Lang::En), "Publish");
        assert_eq!(ReopenIntake.label_in(Lang::En), "Reopen for submissions");
        let refused = decide_round(RoundState::Open, Finalize, 0, true).unwrap_err();
        assert_eq!(refused.reason(), "受付中の評価は確定できません。");
        assert_eq!(
            refused.reason_in(Lang::En),
            "A round that is “Open” cannot be finalized."
        );
    }
}
