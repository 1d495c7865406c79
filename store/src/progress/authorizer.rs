//! Who may make which mutation of a push, and what the server records about who made it:
//! [`ProgressAuthorizer`], the rules `Store::push` decides a signed-in user's push by.

use keikaku_domain::lang::Lang;
use keikaku_domain::reason::Reason;
use std::collections::{BTreeSet, HashMap};
use std::ops::RangeInclusive;

use keikaku_domain::access::{
    can_annotate, can_read_plan, can_record_progress, can_retract_note, PlanRef, Role, Viewer,
};
use keikaku_domain::evaluation::can_submit;
use keikaku_domain::format::PlanStatus;
use keikaku_domain::FiscalYear;
use keikaku_sync::progress::{RecordKey, Target};
use keikaku_sync::protocol::{Change, ClientId, Mutation, MutationKey, PushRequest};
use keikaku_sync::server::{NoteAuthor, PushRules};
use sqlx::Row;

use super::{kpi_id, plan_status};
use crate::{Result, Store};

/// What deciding whether someone may record progress on one plan needs.
#[derive(Debug, Clone)]
struct PlanRules {
    organization_id: String,
    status: PlanStatus,
    period: Option<RangeInclusive<i32>>,
    /// Lead and related departments, by measure id; every measure of the plan is a key.
    measure_departments: HashMap<String, Vec<String>>,
    /// Lead departments alone, by measure id: they submit the measure's reports.
    lead_departments: HashMap<String, Vec<String>>,
    /// The measure each action belongs to, by action id.
    action_measures: HashMap<String, String>,
    /// How many KPIs each measure lists, by measure id.
    kpi_counts: HashMap<String, usize>,
}

/// Decides whether a user may make each mutation of a push: the plan must exist and be
/// readable to them, the target must be one of its measures or actions (an action counts as
/// its measure), the fiscal year within the plan's period, a KPI reading's KPI one of the
/// measure's, and `keikaku_domain::access::can_record_progress` must allow them. A note they
/// append is recorded as theirs, whatever author the client sent, and a note is retracted only
/// as `keikaku_domain::access::can_retract_note` allows. Reasons are in Japanese: the browser
/// shows them to the user.
///
/// Built by [`Store::progress_authorizer`], which loads each plan a push names once.
#[derive(Debug, Clone)]
pub struct ProgressAuthorizer {
    viewer: Viewer,
    /// The signed-in user's display name: the author of the notes they append.
    author_name: String,
    /// `None`: no such plan.
    plans: HashMap<String, Option<PlanRules>>,
}

/// Why someone may not retract a note.
const RETRACTION_REFUSED: Reason = Reason::fixed(
    "このメモは取り消せません（取り消せるのは書いた本人と管理者だけです）。",
    "This note cannot be retracted (only its writer and administrators can retract it).",
);

impl PushRules for ProgressAuthorizer {
    fn authorize(&self, _client: &ClientId, mutation: &Mutation) -> Result<(), Reason> {
        self.check(mutation)
    }

    fn note_author(&self, _client: &ClientId) -> Option<NoteAuthor> {
        let principal = self.viewer.principal()?;
        Some(NoteAuthor {
            user_id: principal.user_id,
            name: self.author_name.clone(),
        })
    }

    fn may_retract(
        &self,
        _client: &ClientId,
        key: &RecordKey,
        author: Option<i64>,
    ) -> Result<(), Reason> {
        let allowed = self
            .plans
            .get(&key.plan_id)
            .and_then(Option::as_ref)
            .is_some_and(|plan| can_retract_note(&self.viewer, plan.plan_ref(), author));
        if allowed {
            Ok(())
        } else {
            Err(RETRACTION_REFUSED)
        }
    }
}

impl ProgressAuthorizer {
    /// `Ok` if the viewer may make `mutation`, or the reason they may not.
    pub fn check(&self, mutation: &Mutation) -> Result<(), Reason> {
        let plan = self
            .plans
            .get(mutation.key.plan_id())
            .and_then(Option::as_ref)
            .filter(|plan| can_read_plan(&self.viewer, plan.plan_ref()))
            .ok_or(Reason::fixed(
                "この計画は見つかりません。",
                "This plan was not found.",
            ))?;
        let key = match &mutation.key {
            MutationKey::Record(key) => key,
            MutationKey::Notebook(_) if can_annotate(&self.viewer, plan.plan_ref()) => {
                return Ok(())
            }
            MutationKey::Notebook(_) => {
                return Err(Reason::fixed(
                    "メモを残すにはサインインしてください。",
                    "Please sign in to keep notes.",
                ))
            }
        };
        let measure_id = match &key.target {
            Target::Measure(id) if plan.measure_departments.contains_key(id) => id,
            Target::Measure(_) => {
                return Err(Reason::fixed(
                    "この計画にこの施策はありません。",
                    "This plan has no such measure.",
                ))
            }
            Target::Action(id) => plan.action_measures.get(id).ok_or(Reason::fixed(
                "この計画にこの取組はありません。",
                "This plan has no such action.",
            ))?,
        };
        let departments: Vec<&str> = plan.measure_departments[measure_id]
            .iter()
            .map(String::as_str)
            .collect();
        if let Change::Submit { .. } = &mutation.change {
            let leads: Vec<&str> = plan
                .lead_departments
                .get(measure_id)
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect();
            if !can_submit(&self.viewer, plan.plan_ref(), &leads) {
                return Err(Reason::fixed(
                    "この施策の報告を提出する権限がありません（提出は主担当課が行います）。",
                    "You are not allowed to submit this measure's report (its lead department submits it).",
                ));
            }
        } else if !can_record_progress(&self.viewer, plan.plan_ref(), &departments) {
            return Err(self.refusal(&plan.organization_id));
        }
        if let Some(period) = &plan.period {
            if !period.contains(&key.fiscal_year.0) {
                return Err(Reason::of(|lang| match lang {
                    Lang::Ja => format!(
                        "{}は計画期間（{}〜{}）の外です。",
                        key.fiscal_year.label(),
                        FiscalYear(*period.start()).label(),
                        FiscalYear(*period.end()).label()
                    ),
                    Lang::En => format!(
                        "{} is outside the plan's period ({} to {}).",
                        key.fiscal_year.label_in(lang),
                        FiscalYear(*period.start()).label_in(lang),
                        FiscalYear(*period.end()).label_in(lang)
                    ),
                }));
            }
        }
        if let Change::AppendKpiReading { reading } = &mutation.change {
            let count = plan.kpi_counts.get(measure_id).copied().unwrap_or(0);
            if !(0..count).any(|index| kpi_id(index) == reading.kpi_id) {
                return Err(Reason::new(
                    format!("この施策にはKPI「{}」がありません。", reading.kpi_id),
                    format!("This measure has no KPI “{}”.", reading.kpi_id),
                ));
            }
        }
        Ok(())
    }

    fn refusal(&self, organization_id: &str) -> Reason {
        let editor_here = self
            .viewer
            .principal()
            .is_some_and(|p| p.organization_id == organization_id && p.role == Role::Editor);
        if editor_here {
            Reason::fixed(
                "この施策の進捗を記録する権限がありません（担当部署ではありません）。",
                "You are not allowed to record this measure's progress (your department is not responsible for it).",
            )
        } else {
            Reason::fixed(
                "この施策の進捗を記録する権限がありません。",
                "You are not allowed to record this measure's progress.",
            )
        }
    }
}

impl PlanRules {
    fn plan_ref(&self) -> PlanRef<'_> {
        PlanRef {
            organization_id: &self.organization_id,
            status: self.status,
        }
    }
}

impl Store {
    /// Loads what authorizing `viewer`'s push needs: each plan it names, once. `author_name`
    /// is their display name, recorded as the author of the notes they append.
    pub async fn progress_authorizer(
        &self,
        viewer: &Viewer,
        author_name: &str,
        request: &PushRequest,
    ) -> Result<ProgressAuthorizer> {
        let plan_ids: BTreeSet<&str> = request.mutations.iter().map(|m| m.key.plan_id()).collect();
        let mut plans = HashMap::with_capacity(plan_ids.len());
        for plan_id in plan_ids {
            plans.insert(plan_id.to_owned(), self.plan_rules(plan_id).await?);
        }
        Ok(ProgressAuthorizer {
            viewer: viewer.clone(),
            author_name: author_name.to_owned(),
            plans,
        })
    }

    async fn plan_rules(&self, plan_id: &str) -> Result<Option<PlanRules>> {
        let mut conn = self.pool.acquire().await?;
        let Some(plan) = sqlx::query(
            "SELECT organization_id, status, period_start, period_end FROM plans WHERE id = ?",
        )
        .bind(plan_id)
        .fetch_optional(&mut *conn)
        .await?
        else {
            return Ok(None);
        };
        let period = match (
            plan.try_get::<Option<i32>, _>("period_start")?,
            plan.try_get::<Option<i32>, _>("period_end")?,
        ) {
            (Some(start), Some(end)) => Some(start..=end),
            _ => None,
        };
        let mut measure_departments: HashMap<String, Vec<String>> =
            sqlx::query_scalar::<_, String>("SELECT id FROM measures WHERE plan_id = ?")
                .bind(plan_id)
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .map(|id| (id, Vec::new()))
                .collect();
        let mut lead_departments: HashMap<String, Vec<String>> = HashMap::new();
        for row in sqlx::query(
            "SELECT measure_id, department_name, role FROM measure_departments WHERE plan_id = ?",
        )
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?
        {
            let measure_id: String = row.try_get("measure_id")?;
            let department: String = row.try_get("department_name")?;
            if row.try_get::<String, _>("role")? == "lead" {
                lead_departments
                    .entry(measure_id.clone())
                    .or_default()
                    .push(department.clone());
            }
            if let Some(departments) = measure_departments.get_mut(&measure_id) {
                departments.push(department);
            }
        }
        let action_measures = sqlx::query_as::<_, (String, String)>(
            "SELECT id, measure_id FROM actions WHERE plan_id = ?",
        )
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
        let kpi_counts = sqlx::query_as::<_, (String, i64)>(
            "SELECT measure_id, count(*) FROM kpis WHERE plan_id = ? GROUP BY measure_id",
        )
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(measure_id, count)| (measure_id, count as usize))
        .collect();
        Ok(Some(PlanRules {
            organization_id: plan.try_get("organization_id")?,
            status: plan_status(&plan.try_get::<String, _>("status")?)?,
            period,
            measure_departments,
            lead_departments,
            action_measures,
            kpi_counts,
        }))
    }
}
