//! Plan revisions (改定): a published plan has numbered versions (第1版, 第2版 …); an
//! administrator prepares the next one as a draft revision (素案) while the current version
//! stays what the public reads, and publishing the draft makes it current. This module holds
//! what versions are, who may do what with them, the edits a draft takes ([`edit`]) and the
//! comparison of any two versions ([`diff`], [`text_diff`]).
//!
//! Measures, actions and nodes keep their ids across versions, so progress, reporting rounds
//! and notes, which attach to those ids, carry over to a new version.

pub mod diff;
pub mod edit;
pub mod text_diff;

use crate::lang::Lang;
use serde::{Deserialize, Serialize};

use crate::access::{can_edit_plan, can_read_history, can_read_plan, PlanRef, Viewer};

/// A version's number, counted from 1 for the plan as first adopted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VersionNumber(pub u32);

impl VersionNumber {
    pub const FIRST: VersionNumber = VersionNumber(1);

    /// `第2版`.
    pub fn label(self) -> String {
        self.label_in(Lang::Ja)
    }

    /// `第2版`, or `Version 2`.
    pub fn label_in(self, lang: Lang) -> String {
        match lang {
            Lang::Ja => format!("第{}版", self.0),
            Lang::En => format!("Version {}", self.0),
        }
    }

    pub fn next(self) -> VersionNumber {
        VersionNumber(self.0 + 1)
    }

    /// A version number as a path or query gives it: digits, at least 1.
    pub fn parse(text: &str) -> Option<VersionNumber> {
        if text.is_empty() || text.len() > 6 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        text.parse().ok().filter(|&n| n > 0).map(VersionNumber)
    }
}

impl std::fmt::Display for VersionNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Where a version stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionState {
    /// The next version being prepared (素案): members of the organization read it.
    Draft,
    /// What everyone reads now.
    Current,
    /// An earlier version, still readable at its own address.
    Superseded,
}

impl VersionState {
    pub fn as_str(self) -> &'static str {
        match self {
            VersionState::Draft => "draft",
            VersionState::Current => "current",
            VersionState::Superseded => "superseded",
        }
    }

    pub fn parse(text: &str) -> Option<VersionState> {
        match text {
            "draft" => Some(VersionState::Draft),
            "current" => Some(VersionState::Current),
            "superseded" => Some(VersionState::Superseded),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        self.label_in(Lang::Ja)
    }

    pub fn label_in(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (VersionState::Draft, Lang::Ja) => "改定案（素案）",
            (VersionState::Current, Lang::Ja) => "現行版",
            (VersionState::Superseded, Lang::Ja) => "旧版",
            (VersionState::Draft, Lang::En) => "Draft revision",
            (VersionState::Current, Lang::En) => "Current",
            (VersionState::Superseded, Lang::En) => "Superseded",
        }
    }
}

/// One version of a plan as lists and pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionInfo {
    pub number: VersionNumber,
    /// What the plan calls this version: 「令和6年3月改定」.
    pub label: String,
    /// The date the version bears (`YYYY-MM` or `YYYY-MM-DD`), if known.
    pub issued: Option<String>,
    pub state: VersionState,
    /// Unix seconds the draft was started (or the version stored, for the first).
    pub created_at: i64,
    /// Unix seconds the version became current; `None` for a draft.
    pub published_at: Option<i64>,
    /// The audit entry that made it current (or started the draft).
    pub audit_id: Option<i64>,
}

impl VersionInfo {
    /// `第2版（令和6年3月改定）`.
    pub fn title(&self) -> String {
        self.title_in(Lang::Ja)
    }

    /// `第2版（令和6年3月改定）`, or `Version 2 (令和6年3月改定)`: the label is the plan's words.
    pub fn title_in(&self, lang: Lang) -> String {
        let number = self.number.label_in(lang);
        match (self.label.is_empty(), lang) {
            (true, _) => number,
            (false, Lang::Ja) => format!("{number}（{}）", self.label),
            (false, Lang::En) => format!("{number} ({})", self.label),
        }
    }
}

/// `YYYY-MM` or `YYYY-MM-DD` with a real month (and day): a version's date.
pub fn is_valid_issued(text: &str) -> bool {
    match text.len() {
        7 => crate::date::is_valid_date(&format!("{text}-01")),
        10 => crate::date::is_valid_date(text),
        _ => false,
    }
}

/// The label a version gets when nobody names it: 「令和6年3月策定」 for the first version,
/// 「令和6年3月改定」 for later ones, from its date (`YYYY-MM` or `YYYY-MM-DD`).
pub fn default_label(issued: Option<&str>, number: VersionNumber) -> String {
    let verb = if number == VersionNumber::FIRST {
        "策定"
    } else {
        "改定"
    };
    let month = issued.and_then(|date| {
        let mut parts = date.split('-');
        let year: i32 = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        (1..=12).contains(&month).then(|| era_month(year, month))
    });
    match month {
        Some(month) => format!("{month}{verb}"),
        None => verb.to_owned(),
    }
}

/// `令和6年3月`: a calendar month in the era it fell in (令和 from May 2019, 平成 from 1989).
pub fn era_month(year: i32, month: u32) -> String {
    let (era, first) = if (year, month) >= (2019, 5) {
        ("令和", 2019)
    } else if year >= 1989 {
        ("平成", 1989)
    } else {
        ("昭和", 1926)
    };
    match year - first + 1 {
        1 => format!("{era}元年{month}月"),
        n => format!("{era}{n}年{month}月"),
    }
}

/// One step in the history of a plan's revisions, as the versions page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionStep {
    pub at: i64,
    pub who: Option<String>,
    /// What was done: 「改定案を作成」, 「施策を削除」, 「公開して現行版に」 …
    pub what: String,
    /// The version the step produced or changed.
    pub version: VersionNumber,
    /// The audit entry.
    pub entry_id: i64,
}

/// What an audited revision step did, by its audit field (the edit's `op` for edits).
pub fn step_label(field: &str) -> &'static str {
    step_label_in(field, Lang::Ja)
}

/// What an audited revision step did, in `lang`: 「施策を削除」 or "Removed a measure".
pub fn step_label_in(field: &str, lang: Lang) -> &'static str {
    if lang == Lang::En {
        return step_label_en(field);
    }
    match field {
        "start" => "改定案を作成",
        "import" => "改定ファイルを取り込み",
        "label" => "版の名称・日付を変更",
        "discard" => "改定案を破棄",
        "version" => "公開して現行版に",
        "set_plan_field" => "計画の基本情報を編集",
        "set_measure_field" | "set_measure_list" => "施策を編集",
        "add_measure" => "施策を追加",
        "remove_measure" => "施策を削除",
        "put_action" => "取組を編集",
        "remove_action" => "取組を削除",
        "put_kpi" => "KPIを編集",
        "remove_kpi" => "KPIを削除",
        "set_cell" => "工程表を編集",
        "put_milestone" => "マイルストーンを編集",
        "remove_milestone" => "マイルストーンを削除",
        "put_term" => "用語を編集",
        "remove_term" => "用語を削除",
        "add_node" => "体系の項目を追加",
        "set_node_field" => "体系の項目を編集",
        "move_node" => "体系の項目を移動",
        "remove_node" => "体系の項目を削除",
        "place_measures" => "施策の配置を変更",
        "set_chapter_field" => "本文を編集",
        _ => "改定案を変更",
    }
}

fn step_label_en(field: &str) -> &'static str {
    match field {
        "start" => "Started the draft revision",
        "import" => "Imported a revision file",
        "label" => "Changed the version's name or date",
        "discard" => "Discarded the draft revision",
        "version" => "Published as the current version",
        "set_plan_field" => "Edited the plan's basic details",
        "set_measure_field" | "set_measure_list" => "Edited a measure",
        "add_measure" => "Added a measure",
        "remove_measure" => "Removed a measure",
        "put_action" => "Edited an action",
        "remove_action" => "Removed an action",
        "put_kpi" => "Edited a KPI",
        "remove_kpi" => "Removed a KPI",
        "set_cell" => "Edited the roadmap",
        "put_milestone" => "Edited a milestone",
        "remove_milestone" => "Removed a milestone",
        "put_term" => "Edited a glossary term",
        "remove_term" => "Removed a glossary term",
        "add_node" => "Added an item to the structure",
        "set_node_field" => "Edited an item of the structure",
        "move_node" => "Moved an item of the structure",
        "remove_node" => "Removed an item from the structure",
        "place_measures" => "Changed where measures are placed",
        "set_chapter_field" => "Edited the text",
        _ => "Changed the draft revision",
    }
}

/// Starting, editing, publishing and discarding a revision: the plan's administrators.
pub fn can_manage_revisions(viewer: &Viewer, plan: PlanRef) -> bool {
    can_edit_plan(viewer, plan)
}

/// Reading the draft revision (素案) and comparing with it: members of the organization,
/// council members above all, before it is adopted.
pub fn can_read_draft(viewer: &Viewer, plan: PlanRef) -> bool {
    can_read_history(viewer, plan)
}

/// Reading a version that is or was current: whoever may read the plan.
pub fn can_read_version(viewer: &Viewer, plan: PlanRef, state: VersionState) -> bool {
    match state {
        VersionState::Draft => can_read_draft(viewer, plan),
        VersionState::Current | VersionState::Superseded => can_read_plan(viewer, plan),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{test_user, Role};
    use crate::format::PlanStatus;

    const PUBLISHED: PlanRef = PlanRef {
        organization_id: "a",
        status: PlanStatus::Published,
    };

    #[test]
    fn versions_are_named_by_number_and_label() {
        let info = VersionInfo {
            number: VersionNumber(2),
            label: "令和6年3月改定".into(),
            issued: Some("2024-03".into()),
            state: VersionState::Current,
            created_at: 0,
            published_at: Some(0),
            audit_id: None,
        };
        assert_eq!(info.title(), "第2版（令和6年3月改定）");
        assert_eq!(info.title_in(Lang::En), "Version 2 (令和6年3月改定)");
        assert_eq!(VersionState::Superseded.label_in(Lang::En), "Superseded");
        assert_eq!(VersionNumber(1).next(), VersionNumber(2));
        assert_eq!(VersionNumber::parse("12"), Some(VersionNumber(12)));
        for bad in ["", "0", "-1", "1a", "１", "9999999"] {
            assert_eq!(VersionNumber::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn revision_steps_are_named_in_either_language() {
        assert_eq!(step_label("version"), "公開して現行版に");
        assert_eq!(step_label_in("version", Lang::Ja), "公開して現行版に");
        assert_eq!(
            step_label_in("version", Lang::En),
            "Published as the current version"
        );
        assert_eq!(
            step_label_in("set_measure_list", Lang::En),
            "Edited a measure"
        );
        assert_eq!(step_label("unknown"), "改定案を変更");
        assert_eq!(
            step_label_in("unknown", Lang::En),
            "Changed the draft revision"
        );
        // Every step named in Japanese has its own English name, not the fallback.
        for field in [
            "start",
            "import",
            "label",
            "discard",
            "version",
            "set_plan_field",
            "set_measure_field",
            "add_measure",
            "remove_measure",
            "put_action",
            "remove_action",
            "put_kpi",
            "remove_kpi",
            "set_cell",
            "put_milestone",
            "remove_milestone",
            "put_term",
            "remove_term",
            "add_node",
            "set_node_field",
            "move_node",
            "remove_node",
            "place_measures",
            "set_chapter_field",
        ] {
            assert_ne!(step_label(field), "改定案を変更", "{field}");
            assert_ne!(
                step_label_in(field, Lang::En),
                "Changed the draft revision",
                "{field}"
            );
        }
    }

    #[test]
    fn default_labels_use_the_era_of_the_month() {
        assert_eq!(
            default_label(Some("2024-03"), VersionNumber(2)),
            "令和6年3月改定"
        );
        assert_eq!(
            default_label(Some("2022-06-01"), VersionNumber::FIRST),
            "令和4年6月策定"
        );
        assert_eq!(
            default_label(Some("2019-04"), VersionNumber(3)),
            "平成31年4月改定"
        );
        assert_eq!(
            default_label(Some("2019-05"), VersionNumber(3)),
            "令和元年5月改定"
        );
        assert_eq!(default_label(None, VersionNumber(2)), "改定");
        assert_eq!(default_label(Some("2024"), VersionNumber(2)), "改定");
    }

    #[test]
    fn version_dates_are_months_or_days() {
        for good in ["2024-03", "2024-03-31", "2024-02-29"] {
            assert!(is_valid_issued(good), "{good}");
        }
        for bad in ["2024", "2024-13", "2023-02-29", "2024-3", "令和6年3月", ""] {
            assert!(!is_valid_issued(bad), "{bad}");
        }
    }

    #[test]
    fn only_administrators_manage_revisions_and_members_read_drafts() {
        assert!(can_manage_revisions(
            &test_user("a", Role::Administrator, None),
            PUBLISHED
        ));
        for role in [Role::Editor, Role::CouncilMember] {
            assert!(!can_manage_revisions(
                &test_user("a", role, None),
                PUBLISHED
            ));
        }
        assert!(!can_manage_revisions(
            &test_user("b", Role::Administrator, None),
            PUBLISHED
        ));
        for role in Role::ALL {
            assert!(can_read_version(
                &test_user("a", role, None),
                PUBLISHED,
                VersionState::Draft
            ));
            assert!(!can_read_version(
                &test_user("b", role, None),
                PUBLISHED,
                VersionState::Draft
            ));
        }
        assert!(!can_read_version(
            &Viewer::Public,
            PUBLISHED,
            VersionState::Draft
        ));
        assert!(can_read_version(
            &Viewer::Public,
            PUBLISHED,
            VersionState::Superseded
        ));
    }
}
