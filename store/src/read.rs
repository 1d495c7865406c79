//! Reading plans back into the domain model.

use std::collections::HashMap;

use keikaku_domain::access::{can_read_plan, PlanRef, Viewer};
use keikaku_domain::format::*;
use keikaku_domain::views::PlanSummary;
use keikaku_domain::FiscalYear;
use sqlx::{Row, SqliteConnection};

use crate::{Missing, Result, Store, StoreError};

fn parse_enum<T: serde::de::DeserializeOwned>(value: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(value.to_owned()))
        .map_err(|e| StoreError::Corrupt(format!("{value:?}: {e}")))
}

fn plan_status(text: &str) -> Result<PlanStatus> {
    PlanStatus::parse(text).ok_or_else(|| StoreError::Corrupt(format!("plan status {text:?}")))
}

pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    value: Option<String>,
) -> Result<Option<T>> {
    value
        .map(|v| serde_json::from_str(&v))
        .transpose()
        .map_err(Into::into)
}

impl Store {
    /// Summaries of every plan, in import order, for the home page.
    pub async fn plan_summaries(&self) -> Result<Vec<PlanSummary>> {
        let rows = sqlx::query(
            "SELECT p.id, p.title, p.subtitle, p.status, p.adopted, p.period_start, p.period_end, p.period_text, p.english,
                    o.id AS org_id, o.name AS org_name, o.prefecture,
                    (SELECT COUNT(*) FROM measures m WHERE m.plan_id = p.id) AS measure_count,
                    (SELECT COUNT(*) FROM kpis k WHERE k.plan_id = p.id) AS kpi_count,
                    (SELECT COUNT(*) FROM schedule_cells s WHERE s.plan_id = p.id) AS cell_count,
                    (SELECT COUNT(*) FROM glossary_terms g WHERE g.plan_id = p.id) AS term_count,
                    (SELECT COUNT(*) FROM measure_departments md JOIN departments d
                       ON d.organization_id = md.organization_id AND d.name = md.department_name
                      WHERE md.plan_id = p.id AND d.english IS NOT NULL) AS english_departments
             FROM plans p JOIN organizations o ON o.id = p.organization_id
             ORDER BY p.rowid",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                let english: Option<keikaku_domain::english::EnglishTexts> = row
                    .try_get::<Option<String>, _>("english")?
                    .map(|json| serde_json::from_str(&json))
                    .transpose()?;
                Ok(PlanSummary {
                    id: row.try_get("id")?,
                    title: row.try_get("title")?,
                    subtitle: row.try_get("subtitle")?,
                    status: plan_status(row.try_get("status")?)?,
                    adopted: row.try_get("adopted")?,
                    period: period(
                        row.try_get("period_start")?,
                        row.try_get("period_end")?,
                        row.try_get("period_text")?,
                    ),
                    organization_id: row.try_get("org_id")?,
                    organization_name: row.try_get("org_name")?,
                    prefecture: row.try_get("prefecture")?,
                    measure_count: row.try_get::<i64, _>("measure_count")? as usize,
                    kpi_count: row.try_get::<i64, _>("kpi_count")? as usize,
                    has_roadmap: row.try_get::<i64, _>("cell_count")? > 0,
                    glossary_count: row.try_get::<i64, _>("term_count")? as usize,
                    // As Plan::has_english: the plan's own English, or a department's that
                    // one of its measures names.
                    has_english: english.as_ref().is_some_and(|e| !e.is_empty())
                        || row.try_get::<i64, _>("english_departments")? > 0,
                    english: english.and_then(|e| e.plan),
                })
            })
            .collect()
    }

    /// A whole plan with its organization, as it was imported and changed since.
    pub async fn load_plan(&self, plan_id: &str) -> Result<Option<(Organization, Plan)>> {
        // One read transaction: every table from the same snapshot.
        let mut tx = self.pool.begin().await?;
        let loaded = Store::read_plan(&mut tx, plan_id).await?;
        tx.commit().await?;
        Ok(loaded)
    }

    /// A plan that must exist, read by `conn` (a write transaction reads what it will change
    /// with this): an unknown id is [`Missing::Plan`].
    pub(crate) async fn existing_plan(
        conn: &mut SqliteConnection,
        plan_id: &str,
    ) -> Result<(Organization, Plan)> {
        Store::read_plan(conn, plan_id)
            .await?
            .ok_or(StoreError::NotFound(Missing::Plan))
    }

    /// A whole plan with its organization, read by `conn`.
    pub(crate) async fn read_plan(
        conn: &mut SqliteConnection,
        plan_id: &str,
    ) -> Result<Option<(Organization, Plan)>> {
        let Some(row) = sqlx::query("SELECT * FROM plans WHERE id = ?")
            .bind(plan_id)
            .fetch_optional(&mut *conn)
            .await?
        else {
            return Ok(None);
        };
        let org_id: String = row.try_get("organization_id")?;
        let org_row = sqlx::query(
            "SELECT name, prefecture, code, licence_name, licence_url FROM organizations WHERE id = ?",
        )
            .bind(&org_id)
            .fetch_one(&mut *conn)
            .await?;
        let departments = sqlx::query(
            "SELECT name, note, english FROM departments WHERE organization_id = ? ORDER BY position",
        )
        .bind(&org_id)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|r| {
            Ok(Department {
                name: r.try_get("name")?,
                note: r.try_get("note")?,
                en: parse_json(r.try_get("english")?)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let organization = Organization {
            id: org_id,
            name: org_row.try_get("name")?,
            prefecture: org_row.try_get("prefecture")?,
            departments,
            code: org_row.try_get("code")?,
            licence: match (
                org_row.try_get::<Option<String>, _>("licence_name")?,
                org_row.try_get::<Option<String>, _>("licence_url")?,
            ) {
                (Some(name), Some(url)) => Some(keikaku_domain::Licence { name, url }),
                _ => None,
            },
        };

        // Schedule cells for every measure and action, keyed by item.
        let mut schedules: HashMap<String, Vec<ScheduleCell>> = HashMap::new();
        for r in sqlx::query("SELECT item_id, fiscal_year, text, through FROM schedule_cells WHERE plan_id = ? ORDER BY item_id, fiscal_year")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
        {
            schedules
                .entry(r.try_get("item_id")?)
                .or_default()
                .push(ScheduleCell {
                    fiscal_year: FiscalYear(r.try_get("fiscal_year")?),
                    text: r.try_get("text")?,
                    through: r.try_get::<Option<i32>, _>("through")?.map(FiscalYear),
                    en: None,
                });
        }

        let mut departments: HashMap<(String, String), Vec<String>> = HashMap::new();
        for r in sqlx::query("SELECT measure_id, role, department_name FROM measure_departments WHERE plan_id = ? ORDER BY position")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
        {
            departments.entry((r.try_get("measure_id")?, r.try_get("role")?)).or_default().push(r.try_get("department_name")?);
        }

        let mut kpis: HashMap<String, Vec<Kpi>> = HashMap::new();
        for r in sqlx::query("SELECT * FROM kpis WHERE plan_id = ? ORDER BY measure_id, position")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
        {
            kpis.entry(r.try_get("measure_id")?).or_default().push(Kpi {
                label: r.try_get("label")?,
                source: r.try_get("source")?,
                unit: r.try_get("unit")?,
                baseline: parse_json(r.try_get("baseline")?)?,
                target: parse_json(r.try_get("target")?)?,
                text: r.try_get("text")?,
                en: None,
            });
        }

        let mut actions: HashMap<String, Vec<Action>> = HashMap::new();
        for r in
            sqlx::query("SELECT * FROM actions WHERE plan_id = ? ORDER BY measure_id, position")
                .bind(plan_id)
                .fetch_all(&mut *conn)
                .await?
        {
            let id: String = r.try_get("id")?;
            actions
                .entry(r.try_get("measure_id")?)
                .or_default()
                .push(Action {
                    schedule: schedules.remove(&id).unwrap_or_default(),
                    id,
                    number: r.try_get("number")?,
                    title: r.try_get("title")?,
                    group: r.try_get("group_title")?,
                    group_description: r.try_get("group_description")?,
                    en: None,
                });
        }

        let mut measures = Vec::new();
        for r in sqlx::query("SELECT * FROM measures WHERE plan_id = ? ORDER BY position")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
        {
            let id: String = r.try_get("id")?;
            measures.push(Measure {
                number: r.try_get("number")?,
                title: r.try_get("title")?,
                summary: r.try_get("summary")?,
                outcome: r.try_get("outcome")?,
                target_state: r.try_get("target_state")?,
                current_issues: r.try_get("current_issues")?,
                direction: r.try_get("direction")?,
                content: r.try_get("content")?,
                actions: actions.remove(&id).unwrap_or_default(),
                kpis: kpis.remove(&id).unwrap_or_default(),
                lead_departments: departments
                    .remove(&(id.clone(), "lead".into()))
                    .unwrap_or_default(),
                related_departments: departments
                    .remove(&(id.clone(), "related".into()))
                    .unwrap_or_default(),
                departments_note: r.try_get("departments_note")?,
                general_plan_refs: serde_json::from_str(
                    &r.try_get::<String, _>("general_plan_refs")?,
                )?,
                schedule: schedules.remove(&id).unwrap_or_default(),
                id,
                en: None,
            });
        }

        let mut chapters: Vec<(Option<String>, Chapter)> = Vec::new();
        for r in sqlx::query("SELECT * FROM chapters WHERE plan_id = ? ORDER BY position")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
        {
            let kind: Option<String> = r.try_get("kind")?;
            chapters.push((
                r.try_get("parent_id")?,
                Chapter {
                    id: r.try_get("id")?,
                    number: r.try_get("number")?,
                    title: r.try_get("title")?,
                    kind: kind.as_deref().map(parse_enum).transpose()?,
                    body: r.try_get("body")?,
                    lists: serde_json::from_str(&r.try_get::<String, _>("lists")?)?,
                    tables: serde_json::from_str(&r.try_get::<String, _>("tables")?)?,
                    sections: Vec::new(),
                    en: None,
                },
            ));
        }

        let mut placements: HashMap<String, Vec<String>> = HashMap::new();
        for r in sqlx::query("SELECT node_id, measure_id FROM node_measures WHERE plan_id = ? ORDER BY node_id, position")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
        {
            placements.entry(r.try_get("node_id")?).or_default().push(r.try_get("measure_id")?);
        }
        let mut nodes: Vec<(Option<String>, Node)> = Vec::new();
        for r in sqlx::query("SELECT * FROM structure_nodes WHERE plan_id = ? ORDER BY position")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
        {
            let id: String = r.try_get("id")?;
            nodes.push((
                r.try_get("parent_id")?,
                Node {
                    kind: parse_enum(r.try_get("kind")?)?,
                    label: r.try_get("label")?,
                    number: r.try_get("number")?,
                    title: r.try_get("title")?,
                    description: r.try_get("description")?,
                    children: Vec::new(),
                    measures: placements.remove(&id).unwrap_or_default(),
                    id,
                    en: None,
                },
            ));
        }

        let milestones =
            sqlx::query("SELECT * FROM milestones WHERE plan_id = ? ORDER BY position")
                .bind(plan_id)
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .map(|r| {
                    Ok(Milestone {
                        fiscal_year: FiscalYear(r.try_get("fiscal_year")?),
                        group: r.try_get("group_name")?,
                        text: r.try_get("text")?,
                        note: r.try_get("note")?,
                        en: None,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
        let glossary =
            sqlx::query("SELECT * FROM glossary_terms WHERE plan_id = ? ORDER BY position")
                .bind(plan_id)
                .fetch_all(&mut *conn)
                .await?
                .into_iter()
                .map(|r| {
                    Ok(Term {
                        id: r.try_get("id")?,
                        term: r.try_get("term")?,
                        aliases: serde_json::from_str(&r.try_get::<String, _>("aliases")?)?,
                        index: r.try_get("index_label")?,
                        definition: r.try_get("definition")?,
                        en: None,
                    })
                })
                .collect::<Result<Vec<_>>>()?;

        let mut plan = Plan {
            id: row.try_get("id")?,
            title: row.try_get("title")?,
            subtitle: row.try_get("subtitle")?,
            status: plan_status(row.try_get("status")?)?,
            adopted: row.try_get("adopted")?,
            period: period(
                row.try_get("period_start")?,
                row.try_get("period_end")?,
                row.try_get("period_text")?,
            ),
            positioning: parse_json(row.try_get("positioning")?)?,
            source: row.try_get("source")?,
            chapters: build_tree(chapters, |c| &c.id, |c| &mut c.sections),
            structure: build_tree(nodes, |n| &n.id, |n| &mut n.children),
            measures,
            milestones,
            glossary,
            en: None,
        };
        if let Some(english) = row.try_get::<Option<String>, _>("english")? {
            serde_json::from_str::<keikaku_domain::english::EnglishTexts>(&english)?
                .apply(&mut plan);
        }
        Ok(Some((organization, plan)))
    }
}

fn period(start: Option<i32>, end: Option<i32>, text: Option<String>) -> Option<Period> {
    Some(Period {
        start_fiscal_year: FiscalYear(start?),
        end_fiscal_year: FiscalYear(end?),
        text,
    })
}

/// Rebuilds a tree from rows, each with its parent's id, in the order of their `position`.
/// Positions order siblings only: a node added later under an early parent has a higher
/// position than nodes of later subtrees, and still sits under its parent. (Imports number
/// rows depth first, which orders siblings too.) A row whose parent is missing is kept at the
/// top level rather than dropped, so it can be seen and removed.
fn build_tree<T>(
    rows: Vec<(Option<String>, T)>,
    id: impl Fn(&T) -> &String,
    children: impl Fn(&mut T) -> &mut Vec<T> + Copy,
) -> Vec<T> {
    let ids: std::collections::HashSet<String> = rows.iter().map(|(_, t)| id(t).clone()).collect();
    let mut roots: Vec<T> = Vec::new();
    let mut by_parent: HashMap<String, Vec<T>> = HashMap::new();
    for (parent, item) in rows {
        match parent {
            Some(parent) if ids.contains(&parent) && parent != *id(&item) => {
                by_parent.entry(parent).or_default().push(item)
            }
            _ => roots.push(item),
        }
    }
    fn attach<T>(
        items: &mut [T],
        by_parent: &mut HashMap<String, Vec<T>>,
        id: &impl Fn(&T) -> &String,
        children: impl Fn(&mut T) -> &mut Vec<T> + Copy,
    ) {
        for item in items {
            if let Some(mut own) = by_parent.remove(id(item)) {
                attach(&mut own, by_parent, id, children);
                *children(item) = own;
            }
        }
    }
    attach(&mut roots, &mut by_parent, &id, children);
    // Rows left over sit in a cycle that no root reaches (impossible through the store's
    // writes); keep them visible too.
    let mut rest: Vec<T> = by_parent.into_values().flatten().collect();
    roots.append(&mut rest);
    roots
}

impl Store {
    /// Summaries of the plans `viewer` may read (drafts only inside their organization).
    pub async fn readable_plan_summaries(&self, viewer: &Viewer) -> Result<Vec<PlanSummary>> {
        let summaries = self.plan_summaries().await?;
        Ok(summaries
            .into_iter()
            .filter(|s| {
                can_read_plan(
                    viewer,
                    PlanRef {
                        organization_id: &s.organization_id,
                        status: s.status,
                    },
                )
            })
            .collect())
    }

    /// A plan `viewer` may read; a draft they may not read looks exactly like a missing plan.
    pub async fn load_readable_plan(
        &self,
        viewer: &Viewer,
        plan_id: &str,
    ) -> Result<Option<(Organization, Plan)>> {
        let loaded = self.load_plan(plan_id).await?;
        Ok(loaded.filter(|(org, plan)| {
            can_read_plan(
                viewer,
                PlanRef {
                    organization_id: &org.id,
                    status: plan.status,
                },
            )
        }))
    }
}
