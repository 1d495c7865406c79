//! Who may do what. Every authorization decision in Keikaku is one of these pure functions, so
//! the rules are tested exhaustively without a server and applied identically everywhere.

use serde::{Deserialize, Serialize};

use crate::format::PlanStatus;

/// A signed-in user's role within their organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages the organization's users, departments and plan structure.
    Administrator,
    /// Staff: records progress on measures their department leads or takes part in.
    Editor,
    /// Reads the organization's drafts and published plans.
    CouncilMember,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Administrator, Role::Editor, Role::CouncilMember];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Editor => "editor",
            Role::CouncilMember => "council_member",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Administrator => "管理者",
            Role::Editor => "職員（編集者）",
            Role::CouncilMember => "議員",
        }
    }

    /// The role's name in `lang`, as pages show it.
    pub fn label_in(self, lang: crate::lang::Lang) -> &'static str {
        match (lang, self) {
            (crate::lang::Lang::Ja, _) => self.label(),
            (crate::lang::Lang::En, Role::Administrator) => "Administrator",
            (crate::lang::Lang::En, Role::Editor) => "Staff (editor)",
            (crate::lang::Lang::En, Role::CouncilMember) => "Council member",
        }
    }
}

/// A signed-in user, as far as authorization is concerned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    pub user_id: i64,
    pub organization_id: String,
    pub role: Role,
    /// The editor's department; administrators and council members may have one too.
    pub department: Option<String>,
}

/// Whoever is making a request: someone signed in, or the public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Viewer {
    Public,
    User(Principal),
}

impl Viewer {
    pub fn principal(&self) -> Option<&Principal> {
        match self {
            Viewer::Public => None,
            Viewer::User(p) => Some(p),
        }
    }

    fn member_of(&self, organization_id: &str) -> Option<&Principal> {
        self.principal()
            .filter(|p| p.organization_id == organization_id)
    }

    fn role_in(&self, organization_id: &str) -> Option<Role> {
        self.member_of(organization_id).map(|p| p.role)
    }
}

/// The signed-in user as pages show them, with the token their forms must echo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub login: String,
    pub display_name: String,
    pub organization_id: String,
    pub role: Role,
    pub department: Option<String>,
    pub csrf_token: String,
}

/// What a plan looks like to the access rules.
#[derive(Debug, Clone, Copy)]
pub struct PlanRef<'a> {
    pub organization_id: &'a str,
    pub status: PlanStatus,
}

/// Published plans are public; drafts only to members of the owning organization.
pub fn can_read_plan(viewer: &Viewer, plan: PlanRef) -> bool {
    plan.status == PlanStatus::Published || viewer.member_of(plan.organization_id).is_some()
}

/// Changing a plan's content, structure or status: the owning organization's administrators.
pub fn can_edit_plan(viewer: &Viewer, plan: PlanRef) -> bool {
    viewer.role_in(plan.organization_id) == Some(Role::Administrator)
}

/// Recording progress on a measure: the owning organization's administrators, and its editors
/// whose department leads or takes part in the measure.
pub fn can_record_progress(viewer: &Viewer, plan: PlanRef, measure_departments: &[&str]) -> bool {
    match viewer.member_of(plan.organization_id) {
        Some(p) if p.role == Role::Administrator => true,
        Some(p) if p.role == Role::Editor => {
            // Plans name 「全課」 (every department) for organization-wide measures.
            measure_departments.contains(&ALL_DEPARTMENTS)
                || p.department
                    .as_deref()
                    .is_some_and(|d| measure_departments.contains(&d))
        }
        _ => false,
    }
}

/// The department name plans use for a measure every department carries out.
pub const ALL_DEPARTMENTS: &str = "全課";

/// Reading a plan's change history: members of the owning organization.
pub fn can_read_history(viewer: &Viewer, plan: PlanRef) -> bool {
    viewer.member_of(plan.organization_id).is_some()
}

/// Restoring an earlier value from the audit log: the owning organization's administrators.
pub fn can_restore(viewer: &Viewer, plan: PlanRef) -> bool {
    can_edit_plan(viewer, plan)
}

/// Retracting a field note: its author, and the owning organization's administrators. A note
/// whose author is not known (`None`: stored before authors were recorded) only by
/// administrators. Recording progress on the note's measure is checked besides.
pub fn can_retract_note(viewer: &Viewer, plan: PlanRef, note_author: Option<i64>) -> bool {
    viewer
        .member_of(plan.organization_id)
        .is_some_and(|p| p.role == Role::Administrator || Some(p.user_id) == note_author)
}

/// Keeping private highlights, notes and bookmarks on a plan's document: anyone signed in who
/// may read the plan. They are the reader's alone, so no role is needed; the public keeps no
/// notes (they have no account to keep them under).
pub fn can_annotate(viewer: &Viewer, plan: PlanRef) -> bool {
    viewer.principal().is_some() && can_read_plan(viewer, plan)
}

/// Seeing where a change came from (the address, the browser or sync client) in the history:
/// the owning organization's administrators. Other members see who changed what, and when.
pub fn can_see_audit_origin(viewer: &Viewer, plan: PlanRef) -> bool {
    can_edit_plan(viewer, plan)
}

/// Managing users and departments of an organization: its administrators.
pub fn can_manage_organization(viewer: &Viewer, organization_id: &str) -> bool {
    viewer.role_in(organization_id) == Some(Role::Administrator)
}

/// A signed-in user of `org` for the rules' tests.
#[cfg(test)]
pub(crate) fn test_user(org: &str, role: Role, dept: Option<&str>) -> Viewer {
    Viewer::User(Principal {
        user_id: 1,
        organization_id: org.into(),
        role,
        department: dept.map(Into::into),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::test_user as user;

    const DRAFT: PlanRef = PlanRef {
        organization_id: "a",
        status: PlanStatus::Draft,
    };
    const PUBLISHED: PlanRef = PlanRef {
        organization_id: "a",
        status: PlanStatus::Published,
    };

    #[test]
    fn drafts_are_visible_only_inside_the_organization() {
        assert!(!can_read_plan(&Viewer::Public, DRAFT));
        assert!(can_read_plan(&Viewer::Public, PUBLISHED));
        for role in Role::ALL {
            assert!(can_read_plan(&user("a", role, None), DRAFT));
            assert!(!can_read_plan(&user("b", role, None), DRAFT));
            assert!(can_read_plan(&user("b", role, None), PUBLISHED));
        }
    }

    #[test]
    fn anyone_signed_in_who_reads_a_plan_may_annotate_it_and_the_public_may_not() {
        assert!(!can_annotate(&Viewer::Public, PUBLISHED));
        for role in Role::ALL {
            assert!(can_annotate(&user("a", role, None), DRAFT));
            assert!(can_annotate(&user("b", role, None), PUBLISHED));
            assert!(!can_annotate(&user("b", role, None), DRAFT));
        }
    }

    #[test]
    fn editors_record_progress_only_for_their_department() {
        let depts = ["市民課", "税務課"];
        assert!(can_record_progress(
            &user("a", Role::Editor, Some("税務課")),
            PUBLISHED,
            &depts
        ));
        assert!(!can_record_progress(
            &user("a", Role::Editor, Some("福祉課")),
            PUBLISHED,
            &depts
        ));
        // 全課: every department's staff.
        assert!(can_record_progress(
            &user("a", Role::Editor, Some("福祉課")),
            PUBLISHED,
            &["全課"]
        ));
        assert!(!can_record_progress(
            &user("a", Role::Editor, None),
            PUBLISHED,
            &depts
        ));
        assert!(!can_record_progress(
            &user("b", Role::Editor, Some("税務課")),
            PUBLISHED,
            &depts
        ));
        assert!(can_record_progress(
            &user("a", Role::Administrator, None),
            PUBLISHED,
            &depts
        ));
        assert!(!can_record_progress(
            &user("a", Role::CouncilMember, Some("税務課")),
            PUBLISHED,
            &depts
        ));
        assert!(!can_record_progress(&Viewer::Public, PUBLISHED, &depts));
    }

    #[test]
    fn only_own_administrators_edit_restore_and_manage() {
        for role in Role::ALL {
            let own = user("a", role, None);
            let other = user("b", role, None);
            let admin = role == Role::Administrator;
            assert_eq!(can_edit_plan(&own, DRAFT), admin);
            assert_eq!(can_restore(&own, PUBLISHED), admin);
            assert_eq!(can_manage_organization(&own, "a"), admin);
            assert!(!can_edit_plan(&other, DRAFT));
            assert!(!can_manage_organization(&other, "a"));
            assert!(can_read_history(&own, PUBLISHED));
            assert!(!can_read_history(&other, PUBLISHED));
        }
        assert!(!can_read_history(&Viewer::Public, PUBLISHED));
    }

    fn user_with_id(org: &str, role: Role, user_id: i64) -> Viewer {
        Viewer::User(Principal {
            user_id,
            organization_id: org.into(),
            role,
            department: None,
        })
    }

    #[test]
    fn a_note_is_retracted_by_its_author_or_an_administrator_of_its_plan() {
        for role in Role::ALL {
            let author = user_with_id("a", role, 7);
            assert!(can_retract_note(&author, PUBLISHED, Some(7)), "{role:?}");
            let other = user_with_id("a", role, 8);
            assert_eq!(
                can_retract_note(&other, PUBLISHED, Some(7)),
                role == Role::Administrator
            );
            assert_eq!(
                can_retract_note(&author, PUBLISHED, None),
                role == Role::Administrator,
                "an unknown author"
            );
            // Same user id, another organization: not the same person's note here.
            assert!(!can_retract_note(
                &user_with_id("b", role, 7),
                PUBLISHED,
                Some(7)
            ));
        }
        assert!(!can_retract_note(&Viewer::Public, PUBLISHED, None));
    }

    #[test]
    fn roles_are_named_in_each_language() {
        use crate::lang::Lang;
        for role in Role::ALL {
            assert_eq!(role.label_in(Lang::Ja), role.label());
        }
        assert_eq!(Role::Editor.label_in(Lang::Ja), "職員（編集者）");
        assert_eq!(Role::Administrator.label_in(Lang::En), "Administrator");
        assert_eq!(Role::Editor.label_in(Lang::En), "Staff (editor)");
        assert_eq!(Role::CouncilMember.label_in(Lang::En), "Council member");
    }

    #[test]
    fn only_the_plans_administrators_see_where_changes_came_from() {
        for role in Role::ALL {
            assert_eq!(
                can_see_audit_origin(&user("a", role, None), DRAFT),
                role == Role::Administrator
            );
            assert!(!can_see_audit_origin(&user("b", role, None), PUBLISHED));
        }
        assert!(!can_see_audit_origin(&Viewer::Public, PUBLISHED));
    }
}
