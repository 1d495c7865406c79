//! The yearly PDCA reporting round (評価): an administrator opens a round for a plan and a
//! fiscal year, each department reports its measures' results and evaluates itself (自己評価),
//! the DX office returns or approves each record and gives its own evaluation (二次評価), and
//! the round is closed, made final (確定: its records are locked) and published (公表: only then
//! do citizens see its results).
//!
//! This module holds the states and who may move them; `transition` decides each move and
//! `refusal` says, in Japanese or English, why one is refused. The store and the sync server call these
//! and nothing else decides.

mod achievement;
mod new_round;
mod refusal;
mod transition;

use serde::{Deserialize, Serialize};

use crate::access::{PlanRef, Role, Viewer, ALL_DEPARTMENTS};
use crate::lang::Lang;

pub use achievement::{achievement, Achievement};
pub use new_round::{NewRound, MAX_STALE_DAYS};
pub use refusal::{Refusal, Step};
pub use transition::{
    decide_record, decide_round, edit_lock, Decision, EditKind, RecordAction, RoundAction,
};

/// The PDCA Check grade, A (best) to D: a department's self-evaluation and the DX office's
/// secondary evaluation use the same scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Grade {
    A,
    B,
    C,
    D,
}

impl Grade {
    pub const ALL: [Grade; 4] = [Grade::A, Grade::B, Grade::C, Grade::D];

    pub fn as_str(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
        }
    }

    pub fn parse(text: &str) -> Option<Grade> {
        Grade::ALL.into_iter().find(|g| g.as_str() == text)
    }
}

/// Which report a round collects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundKind {
    /// 年度末: the year's results. Once final, the year's progress records are locked.
    YearEnd,
    /// 中間: a check during the year. Its records keep what was submitted; progress recording
    /// goes on for the year-end round.
    Interim,
}

impl RoundKind {
    pub const ALL: [RoundKind; 2] = [RoundKind::YearEnd, RoundKind::Interim];

    pub fn as_str(self) -> &'static str {
        match self {
            RoundKind::YearEnd => "year_end",
            RoundKind::Interim => "interim",
        }
    }

    pub fn parse(text: &str) -> Option<RoundKind> {
        RoundKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        self.label_in(Lang::Ja)
    }

    /// The kind's name in `lang`: 年度末 / Year-end, 中間 / Interim.
    pub fn label_in(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (RoundKind::YearEnd, Lang::Ja) => "年度末",
            (RoundKind::Interim, Lang::Ja) => "中間",
            (RoundKind::YearEnd, Lang::En) => "Year-end",
            (RoundKind::Interim, Lang::En) => "Interim",
        }
    }
}

/// Where a round is: 受付中 → 締切 → 確定 → 公表.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundState {
    /// 受付中: departments fill in and submit.
    Open,
    /// 締切: no new submissions (a returned record may still be resubmitted); review goes on.
    Closed,
    /// 確定: the results are final and the records read-only, unless reopened one by one.
    Final,
    /// 公表: final, and visible to citizens.
    Published,
}

impl RoundState {
    pub const ALL: [RoundState; 4] = [
        RoundState::Open,
        RoundState::Closed,
        RoundState::Final,
        RoundState::Published,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RoundState::Open => "open",
            RoundState::Closed => "closed",
            RoundState::Final => "final",
            RoundState::Published => "published",
        }
    }

    pub fn parse(text: &str) -> Option<RoundState> {
        RoundState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        self.label_in(Lang::Ja)
    }

    /// The state's name in `lang`: 受付中 / Open, 締切 / Closed, 確定 / Final, 公表 / Published.
    pub fn label_in(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (RoundState::Open, Lang::Ja) => "受付中",
            (RoundState::Closed, Lang::Ja) => "締切",
            (RoundState::Final, Lang::Ja) => "確定",
            (RoundState::Published, Lang::Ja) => "公表",
            (RoundState::Open, Lang::En) => "Open",
            (RoundState::Closed, Lang::En) => "Closed",
            (RoundState::Final, Lang::En) => "Final",
            (RoundState::Published, Lang::En) => "Published",
        }
    }

    /// Final or published: the results no longer change unless a record is reopened.
    pub fn is_final(self) -> bool {
        matches!(self, RoundState::Final | RoundState::Published)
    }
}

/// Where one record of a round is: 未入力 → 入力中 → 提出済 → 差戻し → 確認済.
///
/// 未入力 and 入力中 are one stored state: a record shows as 入力中 once its progress record
/// holds anything ([`RecordState::shown`]), so recording progress never has to write the round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordState {
    /// 未入力: nothing recorded or submitted yet.
    NotEntered,
    /// 入力中: something recorded, not submitted.
    InProgress,
    /// 提出済: the department handed it in; the DX office reviews it.
    Submitted,
    /// 差戻し: returned with the reviewer's comment; the department corrects and resubmits.
    Returned,
    /// 確認済: approved by the DX office.
    Approved,
}

impl RecordState {
    pub const ALL: [RecordState; 5] = [
        RecordState::NotEntered,
        RecordState::InProgress,
        RecordState::Submitted,
        RecordState::Returned,
        RecordState::Approved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordState::NotEntered => "not_entered",
            RecordState::InProgress => "in_progress",
            RecordState::Submitted => "submitted",
            RecordState::Returned => "returned",
            RecordState::Approved => "approved",
        }
    }

    pub fn parse(text: &str) -> Option<RecordState> {
        RecordState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        self.label_in(Lang::Ja)
    }

    /// The state's name in `lang`: 未入力 / Not entered, 入力中 / In progress, 提出済 /
    /// Submitted, 差戻し / Returned, 確認済 / Approved.
    pub fn label_in(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (RecordState::NotEntered, Lang::Ja) => "未入力",
            (RecordState::InProgress, Lang::Ja) => "入力中",
            (RecordState::Submitted, Lang::Ja) => "提出済",
            (RecordState::Returned, Lang::Ja) => "差戻し",
            (RecordState::Approved, Lang::Ja) => "確認済",
            (RecordState::NotEntered, Lang::En) => "Not entered",
            (RecordState::InProgress, Lang::En) => "In progress",
            (RecordState::Submitted, Lang::En) => "Submitted",
            (RecordState::Returned, Lang::En) => "Returned",
            (RecordState::Approved, Lang::En) => "Approved",
        }
    }

    /// What a stored state shows as: 未入力 becomes 入力中 once the record holds anything.
    pub fn shown(self, has_content: bool) -> RecordState {
        match self {
            RecordState::NotEntered | RecordState::InProgress if has_content => {
                RecordState::InProgress
            }
            RecordState::InProgress => RecordState::NotEntered,
            other => other,
        }
    }

    /// Waiting for the department (要対応): not yet submitted, or returned.
    pub fn awaits_department(self) -> bool {
        matches!(
            self,
            RecordState::NotEntered | RecordState::InProgress | RecordState::Returned
        )
    }
}

/// A record's place in its round, as stored: its state, whether it was reopened after the
/// round became final, and the version of its latest change (0: never changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workflow {
    /// Stored states are [`RecordState::NotEntered`], `Submitted`, `Returned` and `Approved`.
    pub state: RecordState,
    /// Reopened after the round became final: editable until approved again.
    pub reopened: bool,
    pub version: u64,
}

impl Workflow {
    pub const NEW: Workflow = Workflow {
        state: RecordState::NotEntered,
        reopened: false,
        version: 0,
    };
}

/// Reading a plan's reporting rounds, their records and unpublished results: members of the
/// owning organization.
pub fn can_see_rounds(viewer: &Viewer, plan: PlanRef) -> bool {
    viewer
        .principal()
        .is_some_and(|p| p.organization_id == plan.organization_id)
}

/// Opening, closing, finalizing and publishing rounds; returning, approving, reopening and
/// evaluating records (二次評価): the DX office, i.e. the owning organization's administrators.
pub fn can_review(viewer: &Viewer, plan: PlanRef) -> bool {
    crate::access::can_edit_plan(viewer, plan)
}

/// Submitting a record: the owning organization's administrators, and editors of a lead
/// department of the measure (of any department when the measure is led by 全課). Related
/// departments record progress but do not report it.
pub fn can_submit(viewer: &Viewer, plan: PlanRef, lead_departments: &[&str]) -> bool {
    match viewer.principal() {
        Some(p) if p.organization_id != plan.organization_id => false,
        Some(p) if p.role == Role::Administrator => true,
        Some(p) if p.role == Role::Editor => {
            lead_departments.contains(&ALL_DEPARTMENTS)
                || p.department
                    .as_deref()
                    .is_some_and(|d| lead_departments.contains(&d))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::test_user as user;
    use crate::format::PlanStatus;

    const PLAN: PlanRef = PlanRef {
        organization_id: "a",
        status: PlanStatus::Published,
    };

    #[test]
    fn only_the_lead_department_and_administrators_submit() {
        let lead = ["企画課"];
        assert!(can_submit(
            &user("a", Role::Editor, Some("企画課")),
            PLAN,
            &lead
        ));
        assert!(!can_submit(
            &user("a", Role::Editor, Some("税務課")),
            PLAN,
            &lead
        ));
        assert!(!can_submit(&user("a", Role::Editor, None), PLAN, &lead));
        assert!(can_submit(
            &user("a", Role::Editor, Some("税務課")),
            PLAN,
            &["全課"]
        ));
        assert!(can_submit(
            &user("a", Role::Administrator, None),
            PLAN,
            &lead
        ));
        assert!(!can_submit(
            &user("a", Role::CouncilMember, Some("企画課")),
            PLAN,
            &lead
        ));
        assert!(!can_submit(
            &user("b", Role::Editor, Some("企画課")),
            PLAN,
            &lead
        ));
        assert!(!can_submit(
            &user("b", Role::Administrator, None),
            PLAN,
            &lead
        ));
        assert!(!can_submit(&Viewer::Public, PLAN, &lead));
    }

    #[test]
    fn rounds_are_reviewed_by_administrators_and_seen_inside_the_organization() {
        for role in Role::ALL {
            assert_eq!(
                can_review(&user("a", role, None), PLAN),
                role == Role::Administrator
            );
            assert!(can_see_rounds(&user("a", role, None), PLAN));
            assert!(!can_review(&user("b", role, None), PLAN));
            assert!(!can_see_rounds(&user("b", role, None), PLAN));
        }
        assert!(!can_see_rounds(&Viewer::Public, PLAN));
    }

    #[test]
    fn a_record_with_content_shows_as_in_progress_until_submitted() {
        assert_eq!(
            RecordState::NotEntered.shown(false),
            RecordState::NotEntered
        );
        assert_eq!(RecordState::NotEntered.shown(true), RecordState::InProgress);
        assert_eq!(RecordState::Submitted.shown(false), RecordState::Submitted);
        assert_eq!(RecordState::Returned.shown(true), RecordState::Returned);
        assert!(RecordState::Returned.awaits_department());
        assert!(!RecordState::Approved.awaits_department());
    }

    #[test]
    fn every_state_round_trips_through_its_name() {
        for s in RecordState::ALL {
            assert_eq!(RecordState::parse(s.as_str()), Some(s));
        }
        for s in RoundState::ALL {
            assert_eq!(RoundState::parse(s.as_str()), Some(s));
        }
        for k in RoundKind::ALL {
            assert_eq!(RoundKind::parse(k.as_str()), Some(k));
        }
        for g in Grade::ALL {
            assert_eq!(Grade::parse(g.as_str()), Some(g));
        }
    }

    #[test]
    fn labels_are_japanese_by_default_and_english_on_request() {
        assert_eq!(RoundKind::YearEnd.label(), "年度末");
        assert_eq!(RoundKind::Interim.label_in(Lang::En), "Interim");
        assert_eq!(RoundState::Published.label(), "公表");
        assert_eq!(RoundState::Closed.label_in(Lang::En), "Closed");
        assert_eq!(RecordState::Returned.label(), "差戻し");
        assert_eq!(RecordState::NotEntered.label_in(Lang::En), "Not entered");
        for s in RecordState::ALL {
            assert_eq!(s.label_in(Lang::Ja), s.label());
            assert!(!crate::lang::is_japanese(s.label_in(Lang::En)));
        }
        for s in RoundState::ALL {
            assert!(!crate::lang::is_japanese(s.label_in(Lang::En)));
        }
    }
}

/// A round as citizens learn of it: published, when, and how many results it made public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedRound {
    pub id: String,
    pub plan_id: String,
    pub title: String,
    pub fiscal_year: crate::FiscalYear,
    /// Unix seconds.
    pub published_at: i64,
    /// Records whose results it made public.
    pub records: usize,
}
