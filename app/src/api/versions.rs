//! Page data of plan versions (改定): the document of any version, the list of versions with
//! the history of the revisions, the comparison of two versions, and the administrators'
//! draft revision. A draft revision is for members of the plan's organization; to anyone else
//! it does not exist.

use keikaku_domain::document::DocumentView;
use keikaku_domain::format::PlanFile;
use keikaku_domain::lang::Lang;
use keikaku_domain::revision::diff::PlanDiff;
use keikaku_domain::revision::{VersionInfo, VersionStep};
use keikaku_domain::views::PlanSummary;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

use super::Guarded;

/// A plan's versions and how they came about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionsView {
    pub summary: PlanSummary,
    /// Oldest first; the draft revision (for members) last.
    pub versions: Vec<VersionInfo>,
    /// Every revision step, newest first (members of the organization only; empty otherwise).
    pub steps: Vec<VersionStep>,
    /// The viewer may start, edit and publish a revision.
    pub manager: bool,
}

/// Two versions compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareView {
    pub summary: PlanSummary,
    pub from: VersionInfo,
    pub to: VersionInfo,
    /// The versions the viewer may choose from.
    pub versions: Vec<VersionInfo>,
    pub diff: PlanDiff,
}

/// The administrators' page of the draft revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevisionView {
    pub summary: PlanSummary,
    pub current: VersionInfo,
    /// The draft being prepared, with its content.
    pub draft: Option<(VersionInfo, PlanFile)>,
    /// What the draft changes against the current version.
    pub diff: Option<PlanDiff>,
    /// Changes made to the current version since the draft was started (publishing replaces
    /// them): who, when and what.
    pub changed_meanwhile: Vec<(i64, Option<String>, String)>,
    pub csrf_token: String,
}

#[cfg(feature = "ssr")]
mod ssr {
    use keikaku_domain::access::PlanRef;
    use keikaku_domain::format::{Organization, Plan};
    use keikaku_domain::revision::{VersionInfo, VersionNumber, VersionState};
    use leptos::prelude::*;

    pub fn failed(e: keikaku_store::StoreError) -> ServerFnError {
        crate::api::ssr::unloaded(crate::api::ssr::Unloaded::Versions, &e)
    }

    /// The plan, if readable, with the versions the viewer may open.
    pub async fn plan_and_versions(
        plan_id: &str,
    ) -> Result<Option<(Organization, Plan, Vec<VersionInfo>)>, ServerFnError> {
        let Some((org, plan)) = crate::api::ssr::plan(plan_id).await? else {
            return Ok(None);
        };
        let viewer = crate::api::ssr::viewer();
        let plan_ref = PlanRef {
            organization_id: &org.id,
            status: plan.status,
        };
        let versions = crate::api::ssr::store()?
            .plan_versions(plan_id)
            .await
            .map_err(failed)?
            .into_iter()
            .filter(|v| keikaku_domain::revision::can_read_version(&viewer, plan_ref, v.state))
            .collect();
        Ok(Some((org, plan, versions)))
    }

    /// Version `number` (the current one if `None`) with its content, if the viewer may read it.
    pub async fn version(
        plan_id: &str,
        versions: &[VersionInfo],
        number: Option<u32>,
    ) -> Result<Option<(VersionInfo, keikaku_domain::format::PlanFile)>, ServerFnError> {
        let wanted = match number {
            Some(n) => versions.iter().find(|v| v.number == VersionNumber(n)),
            None => versions.iter().find(|v| v.state == VersionState::Current),
        };
        let Some(wanted) = wanted else {
            return Ok(None);
        };
        crate::api::ssr::store()?
            .plan_version(plan_id, wanted.number)
            .await
            .map_err(failed)
    }
}

/// The whole plan as one document: the current version, or version `version`.
#[server(prefix = "/api", endpoint = "v1/pages/document", input = GetUrl)]
pub async fn document_page(
    plan_id: String,
    version: Option<u32>,
) -> Result<Option<DocumentView>, ServerFnError> {
    use keikaku_domain::access::PlanRef;
    use keikaku_domain::document::{can_follow_presentation, can_present};
    let Some((org, plan, versions)) = ssr::plan_and_versions(&plan_id).await? else {
        return Ok(None);
    };
    let Some((info, file)) = ssr::version(&plan_id, &versions, version).await? else {
        return Ok(None);
    };
    let viewer = super::ssr::viewer();
    let plan_ref = PlanRef {
        organization_id: &org.id,
        status: plan.status,
    };
    let mut view = DocumentView::of(&file.organization, &file.plan, Some(info), versions);
    view.can_present = can_present(&viewer, plan_ref);
    view.can_follow = can_follow_presentation(&viewer, plan_ref);
    view.can_annotate = keikaku_domain::access::can_annotate(&viewer, plan_ref);
    Ok(Some(view))
}

/// The versions page, its steps named in `lang`.
#[server(prefix = "/api", endpoint = "v1/pages/versions", input = GetUrl)]
pub async fn versions_page(
    plan_id: String,
    #[server(default)] lang: Lang,
) -> Result<Option<VersionsView>, ServerFnError> {
    use keikaku_domain::access::{can_read_history, PlanRef};
    use keikaku_domain::revision::{can_manage_revisions, step_label_in, VersionNumber};
    let Some((org, plan, versions)) = ssr::plan_and_versions(&plan_id).await? else {
        return Ok(None);
    };
    let viewer = super::ssr::viewer();
    let plan_ref = PlanRef {
        organization_id: &org.id,
        status: plan.status,
    };
    let steps = if can_read_history(&viewer, plan_ref) {
        let entries = super::ssr::store()?
            .version_history(&plan_id)
            .await
            .map_err(ssr::failed)?;
        let mut steps: Vec<VersionStep> = entries
            .into_iter()
            .map(|e| {
                let version = if e.field == "version" {
                    e.new_value.as_ref().and_then(|v| v["number"].as_u64())
                } else {
                    e.entity_id.parse().ok()
                };
                VersionStep {
                    at: e.at,
                    who: e.user_login.clone(),
                    what: step_label_in(&e.field, lang).to_owned(),
                    version: VersionNumber(version.unwrap_or(0) as u32),
                    entry_id: e.id,
                }
            })
            .collect();
        steps.reverse();
        steps
    } else {
        Vec::new()
    };
    Ok(Some(VersionsView {
        summary: PlanSummary::of(&org, &plan.in_language(&org, lang)),
        versions,
        steps,
        manager: can_manage_revisions(&viewer, plan_ref),
    }))
}

/// Two versions compared; the plan's header in `lang` (the comparison is of the plan's own
/// words, and the page names its parts in its language).
#[server(prefix = "/api", endpoint = "v1/pages/compare", input = GetUrl)]
pub async fn compare_page(
    plan_id: String,
    from: Option<u32>,
    to: Option<u32>,
    #[server(default)] lang: Lang,
) -> Result<Option<CompareView>, ServerFnError> {
    use keikaku_domain::revision::diff::diff_plans;
    use keikaku_domain::revision::VersionState;
    let Some((org, plan, versions)) = ssr::plan_and_versions(&plan_id).await? else {
        return Ok(None);
    };
    // Without numbers: the current version against the one before it (or the draft against
    // the current one, for those who read the draft).
    let current = versions
        .iter()
        .position(|v| v.state == VersionState::Current)
        .unwrap_or(0);
    let default_to = versions.last().map(|v| v.number.0);
    let default_from = if versions.last().map(|v| v.state) == Some(VersionState::Draft) {
        versions.get(current).map(|v| v.number.0)
    } else {
        // With one version only, it against itself: no changes.
        versions
            .len()
            .checked_sub(2)
            .and_then(|i| versions.get(i))
            .or(versions.last())
            .map(|v| v.number.0)
    };
    let (Some(from), Some(to)) = (from.or(default_from), to.or(default_to)) else {
        return Ok(None);
    };
    let Some((from, old)) = ssr::version(&plan_id, &versions, Some(from)).await? else {
        return Ok(None);
    };
    let Some((to, new)) = ssr::version(&plan_id, &versions, Some(to)).await? else {
        return Ok(None);
    };
    Ok(Some(CompareView {
        summary: PlanSummary::of(&org, &plan.in_language(&org, lang)),
        from,
        to,
        versions,
        diff: diff_plans(&old.plan, &new.plan),
    }))
}

#[server(prefix = "/api", endpoint = "v1/pages/revision", input = GetUrl)]
pub async fn revision_page(plan_id: String) -> Result<Guarded<RevisionView>, ServerFnError> {
    use keikaku_domain::access::PlanRef;
    use keikaku_domain::revision::diff::diff_plans;
    use keikaku_domain::revision::{can_manage_revisions, VersionState};
    let Some((org, plan, versions)) = ssr::plan_and_versions(&plan_id).await? else {
        return Ok(Guarded::NotFound);
    };
    let Some(me) = super::signed_in() else {
        return Ok(Guarded::SignInRequired);
    };
    let plan_ref = PlanRef {
        organization_id: &org.id,
        status: plan.status,
    };
    if !can_manage_revisions(&super::ssr::viewer(), plan_ref) {
        return Ok(Guarded::Forbidden);
    }
    let store = super::ssr::store()?;
    let draft = store.draft_revision(&plan_id).await.map_err(ssr::failed)?;
    let diff = draft
        .as_ref()
        .map(|(_, file)| diff_plans(&plan, &file.plan));
    let changed_meanwhile = if draft.is_some() {
        store
            .changes_since_revision(&plan_id)
            .await
            .map_err(ssr::failed)?
            .into_iter()
            .map(|e| {
                let what = format!(
                    "{} {}（{}）",
                    e.entity,
                    e.entity_id,
                    keikaku_domain::views::measure_field_label(&e.field)
                );
                (e.at, e.user_login, what)
            })
            .collect()
    } else {
        Vec::new()
    };
    let current = versions
        .into_iter()
        .find(|v| v.state == VersionState::Current)
        .ok_or_else(|| ServerFnError::new("現行版が見つかりません。"))?;
    Ok(Guarded::Found(Box::new(RevisionView {
        summary: PlanSummary::of(&org, &plan),
        current,
        draft,
        diff,
        changed_meanwhile,
        csrf_token: me.csrf_token,
    })))
}
