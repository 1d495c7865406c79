//! Importing a validated plan: one transaction, so a plan is stored whole or not at all.

use keikaku_domain::format::*;
use keikaku_domain::search;
use sqlx::{Sqlite, Transaction};

use crate::{Result, Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Fail if the plan exists (the `import` command without `--replace`).
    Create,
    /// Overwrite an existing plan whose content differs.
    Replace,
    /// Leave an existing plan alone (sample data at start-up).
    IfAbsent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    Created,
    Replaced,
    /// The stored plan already has exactly this content.
    Unchanged,
    /// The plan exists and the mode said to leave it.
    Kept,
}

/// What an import stored, for the command's output and the tests.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecordCounts {
    pub departments: usize,
    pub chapters: usize,
    pub nodes: usize,
    pub placements: usize,
    pub measures: usize,
    pub actions: usize,
    pub kpis: usize,
    pub schedule_cells: usize,
    pub milestones: usize,
    pub glossary_terms: usize,
    pub search_documents: usize,
}

impl RecordCounts {
    pub fn of(file: &PlanFile) -> RecordCounts {
        fn chapters(list: &[Chapter]) -> usize {
            list.iter().map(|c| 1 + chapters(&c.sections)).sum()
        }
        let plan = &file.plan;
        let nodes = walk_nodes(&plan.structure);
        RecordCounts {
            departments: file.organization.departments.len(),
            chapters: chapters(&plan.chapters),
            nodes: nodes.len(),
            placements: nodes.iter().map(|n| n.measures.len()).sum(),
            measures: plan.measures.len(),
            actions: plan.measures.iter().map(|m| m.actions.len()).sum(),
            kpis: plan.measures.iter().map(|m| m.kpis.len()).sum(),
            schedule_cells: plan
                .measures
                .iter()
                .map(|m| {
                    m.schedule.len() + m.actions.iter().map(|a| a.schedule.len()).sum::<usize>()
                })
                .sum(),
            milestones: plan.milestones.len(),
            glossary_terms: plan.glossary.len(),
            search_documents: search::documents(plan).len(),
        }
    }

    pub fn total(&self) -> usize {
        self.departments
            + self.chapters
            + self.nodes
            + self.placements
            + self.measures
            + self.actions
            + self.kpis
            + self.schedule_cells
            + self.milestones
            + self.glossary_terms
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub plan_id: String,
    pub outcome: ImportOutcome,
    pub counts: RecordCounts,
}

/// FNV-1a over the canonical JSON: enough to tell whether a re-import changes anything.
pub(crate) fn content_hash(file: &PlanFile) -> Result<String> {
    let json = serde_json::to_vec(file)?;
    let hash = json.iter().fold(0xcbf29ce484222325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    });
    Ok(format!("{hash:016x}"))
}

impl Store {
    /// Stores a plan file that [`keikaku_domain::import::parse_plan_file`] accepted.
    pub async fn import_plan(&self, file: &PlanFile, mode: ImportMode) -> Result<ImportReport> {
        let plan = &file.plan;
        let org = &file.organization;
        let hash = content_hash(file)?;
        let counts = RecordCounts::of(file);
        let report = |outcome| {
            Ok(ImportReport {
                plan_id: plan.id.clone(),
                outcome,
                counts: counts.clone(),
            })
        };

        let (_turn, mut tx) = self.begin_write().await?;
        let existing: Option<(String, String)> =
            sqlx::query_as("SELECT organization_id, content_hash FROM plans WHERE id = ?")
                .bind(&plan.id)
                .fetch_optional(&mut *tx)
                .await?;
        let outcome = match existing {
            None => ImportOutcome::Created,
            Some((owner, _)) if owner != org.id => {
                return Err(StoreError::PlanOwnedElsewhere {
                    plan: plan.id.clone(),
                    organization: org.id.clone(),
                    owner,
                });
            }
            Some((_, stored)) if stored == hash => return report(ImportOutcome::Unchanged),
            Some(_) => match mode {
                ImportMode::Create => return Err(StoreError::PlanExists(plan.id.clone())),
                ImportMode::IfAbsent => return report(ImportOutcome::Kept),
                ImportMode::Replace => ImportOutcome::Replaced,
            },
        };
        if outcome == ImportOutcome::Replaced {
            // Children go by ON DELETE CASCADE.
            sqlx::query("DELETE FROM plans WHERE id = ?")
                .bind(&plan.id)
                .execute(&mut *tx)
                .await?;
        }
        upsert_organization(&mut tx, org).await?;
        insert_plan(&mut tx, &org.id, plan, &hash).await?;
        crate::versions::insert_first_version(&mut tx, plan).await?;
        tx.commit().await?;
        tracing::info!(plan = %plan.id, ?outcome, records = counts.total(), "imported plan");
        report(outcome)
    }
}

async fn upsert_organization(tx: &mut Transaction<'_, Sqlite>, org: &Organization) -> Result<()> {
    sqlx::query(
        "INSERT INTO organizations (id, name, prefecture, code, licence_name, licence_url)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, prefecture = excluded.prefecture,
           code = excluded.code, licence_name = excluded.licence_name,
           licence_url = excluded.licence_url",
    )
    .bind(&org.id)
    .bind(&org.name)
    .bind(&org.prefecture)
    .bind(&org.code)
    .bind(org.licence.as_ref().map(|l| &l.name))
    .bind(org.licence.as_ref().map(|l| &l.url))
    .execute(&mut **tx)
    .await?;
    add_departments(tx, org).await
}

/// Adds the departments an organization's plan file lists. Departments accumulate: another
/// plan of the same organization may name others. A file that gives a department's note or
/// English replaces what was stored; one that gives none leaves it.
async fn add_departments(tx: &mut Transaction<'_, Sqlite>, org: &Organization) -> Result<()> {
    let (next,): (i64,) = sqlx::query_as(
        "SELECT COALESCE(MAX(position) + 1, 0) FROM departments WHERE organization_id = ?",
    )
    .bind(&org.id)
    .fetch_one(&mut **tx)
    .await?;
    for (i, dept) in org.departments.iter().enumerate() {
        let english = dept.en.as_ref().map(serde_json::to_string).transpose()?;
        sqlx::query(
            "INSERT INTO departments (organization_id, name, note, english, position) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (organization_id, name) DO UPDATE SET note = COALESCE(excluded.note, departments.note),
               english = COALESCE(excluded.english, departments.english)",
        )
        .bind(&org.id)
        .bind(&dept.name)
        .bind(&dept.note)
        .bind(english)
        .bind(next + i as i64)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn insert_plan(
    tx: &mut Transaction<'_, Sqlite>,
    org_id: &str,
    plan: &Plan,
    hash: &str,
) -> Result<()> {
    let positioning = plan
        .positioning
        .as_ref()
        .map(serde_json::to_string)
        .transpose()?;
    sqlx::query(
        "INSERT INTO plans (id, organization_id, title, subtitle, status, adopted, period_start, period_end, period_text,
                            positioning, source, content_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&plan.id)
    .bind(org_id)
    .bind(&plan.title)
    .bind(&plan.subtitle)
    .bind(plan.status.as_str())
    .bind(&plan.adopted)
    .bind(plan.period.as_ref().map(|p| p.start_fiscal_year.0))
    .bind(plan.period.as_ref().map(|p| p.end_fiscal_year.0))
    .bind(plan.period.as_ref().and_then(|p| p.text.clone()))
    .bind(positioning)
    .bind(&plan.source)
    .bind(hash)
    .execute(&mut **tx)
    .await?;
    insert_plan_content(tx, org_id, plan).await
}

/// Puts a new version's content in place of the plan's: its row keeps its id, organization,
/// status and everything that refers to it (rounds, progress, the audit trail).
pub(crate) async fn replace_plan_content(
    tx: &mut Transaction<'_, Sqlite>,
    file: &PlanFile,
) -> Result<()> {
    let plan = &file.plan;
    // Measures take their actions, KPIs, departments and placements with them; nodes their
    // placements.
    for statement in [
        "DELETE FROM chapters WHERE plan_id = ?",
        "DELETE FROM node_measures WHERE plan_id = ?",
        "DELETE FROM structure_nodes WHERE plan_id = ?",
        "DELETE FROM measures WHERE plan_id = ?",
        "DELETE FROM schedule_cells WHERE plan_id = ?",
        "DELETE FROM milestones WHERE plan_id = ?",
        "DELETE FROM glossary_terms WHERE plan_id = ?",
        "DELETE FROM search_documents WHERE plan_id = ?",
    ] {
        sqlx::query(statement)
            .bind(&plan.id)
            .execute(&mut **tx)
            .await?;
    }
    let positioning = plan
        .positioning
        .as_ref()
        .map(serde_json::to_string)
        .transpose()?;
    sqlx::query(
        "UPDATE plans SET title = ?, subtitle = ?, adopted = ?, period_start = ?, period_end = ?, period_text = ?,
                          positioning = ?, source = ?, content_hash = ?
         WHERE id = ?",
    )
    .bind(&plan.title)
    .bind(&plan.subtitle)
    .bind(&plan.adopted)
    .bind(plan.period.as_ref().map(|p| p.start_fiscal_year.0))
    .bind(plan.period.as_ref().map(|p| p.end_fiscal_year.0))
    .bind(plan.period.as_ref().and_then(|p| p.text.clone()))
    .bind(positioning)
    .bind(&plan.source)
    .bind(content_hash(file)?)
    .bind(&plan.id)
    .execute(&mut **tx)
    .await?;
    add_departments(tx, &file.organization).await?;
    insert_plan_content(tx, &file.organization.id, plan).await
}

/// Everything of a plan below its row: chapters, measures, structure, milestones, glossary and
/// search documents.
async fn insert_plan_content(
    tx: &mut Transaction<'_, Sqlite>,
    org_id: &str,
    plan: &Plan,
) -> Result<()> {
    let english = keikaku_domain::english::EnglishTexts::of(plan);
    let english = (!english.is_empty())
        .then(|| serde_json::to_string(&english))
        .transpose()?;
    sqlx::query("UPDATE plans SET english = ? WHERE id = ?")
        .bind(english)
        .bind(&plan.id)
        .execute(&mut **tx)
        .await?;
    let mut chapter_rows = Vec::new();
    flatten_chapters(&plan.chapters, None, &mut chapter_rows);
    for (position, (parent, chapter)) in chapter_rows.into_iter().enumerate() {
        sqlx::query(
            "INSERT INTO chapters (plan_id, id, parent_id, position, number, title, kind, body, lists, tables)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&plan.id)
        .bind(&chapter.id)
        .bind(parent)
        .bind(position as i64)
        .bind(&chapter.number)
        .bind(&chapter.title)
        .bind(chapter.kind.map(|k| serde_json::to_value(k).map(|v| v.as_str().unwrap_or_default().to_owned())).transpose()?)
        .bind(&chapter.body)
        .bind(serde_json::to_string(&chapter.lists)?)
        .bind(serde_json::to_string(&chapter.tables)?)
        .execute(&mut **tx)
        .await?;
    }

    // Measures before nodes' placements, which refer to them.
    for (position, measure) in plan.measures.iter().enumerate() {
        insert_measure(tx, org_id, &plan.id, position, measure).await?;
    }

    let mut node_rows = Vec::new();
    flatten_nodes(&plan.structure, None, &mut node_rows);
    for (position, (parent, node)) in node_rows.into_iter().enumerate() {
        sqlx::query(
            "INSERT INTO structure_nodes (plan_id, id, parent_id, position, kind, label, number, title, description)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&plan.id)
        .bind(&node.id)
        .bind(parent)
        .bind(position as i64)
        .bind(serde_json::to_value(node.kind)?.as_str().unwrap_or_default())
        .bind(&node.label)
        .bind(&node.number)
        .bind(&node.title)
        .bind(&node.description)
        .execute(&mut **tx)
        .await?;
        for (i, measure_id) in node.measures.iter().enumerate() {
            sqlx::query("INSERT INTO node_measures (plan_id, node_id, measure_id, position) VALUES (?, ?, ?, ?)")
                .bind(&plan.id)
                .bind(&node.id)
                .bind(measure_id)
                .bind(i as i64)
                .execute(&mut **tx)
                .await?;
        }
    }

    for (position, milestone) in plan.milestones.iter().enumerate() {
        sqlx::query("INSERT INTO milestones (plan_id, position, fiscal_year, group_name, text, note) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(&plan.id)
            .bind(position as i64)
            .bind(milestone.fiscal_year.0)
            .bind(&milestone.group)
            .bind(&milestone.text)
            .bind(&milestone.note)
            .execute(&mut **tx)
            .await?;
    }
    for (position, term) in plan.glossary.iter().enumerate() {
        sqlx::query(
            "INSERT INTO glossary_terms (plan_id, id, position, term, aliases, index_label, definition) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&plan.id)
        .bind(&term.id)
        .bind(position as i64)
        .bind(&term.term)
        .bind(serde_json::to_string(&term.aliases)?)
        .bind(&term.index)
        .bind(&term.definition)
        .execute(&mut **tx)
        .await?;
    }
    insert_search_documents(tx, plan).await
}

/// Writes a plan's search documents (the plan's old ones must be gone).
pub(crate) async fn insert_search_documents(
    tx: &mut Transaction<'_, Sqlite>,
    plan: &Plan,
) -> Result<()> {
    for (position, doc) in search::documents(plan).into_iter().enumerate() {
        sqlx::query("INSERT INTO search_documents (plan_id, position, kind, title, href, text, folded, folded_title) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(&plan.id)
            .bind(position as i64)
            .bind(&doc.kind)
            .bind(&doc.title)
            .bind(&doc.href)
            .bind(&doc.text)
            .bind(search::normalize(&format!("{}\n{}", doc.title, doc.text)))
            .bind(search::normalize(&doc.title))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

async fn insert_measure(
    tx: &mut Transaction<'_, Sqlite>,
    org_id: &str,
    plan_id: &str,
    position: usize,
    m: &Measure,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO measures (plan_id, id, position, number, title, summary, outcome, target_state, current_issues,
                               direction, content, departments_note, general_plan_refs)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(plan_id)
    .bind(&m.id)
    .bind(position as i64)
    .bind(&m.number)
    .bind(&m.title)
    .bind(&m.summary)
    .bind(&m.outcome)
    .bind(&m.target_state)
    .bind(&m.current_issues)
    .bind(&m.direction)
    .bind(&m.content)
    .bind(&m.departments_note)
    .bind(serde_json::to_string(&m.general_plan_refs)?)
    .execute(&mut **tx)
    .await?;
    for (role, names) in [
        ("lead", &m.lead_departments),
        ("related", &m.related_departments),
    ] {
        for (i, name) in names.iter().enumerate() {
            sqlx::query(
                "INSERT INTO measure_departments (plan_id, measure_id, organization_id, department_name, role, position)
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(plan_id)
            .bind(&m.id)
            .bind(org_id)
            .bind(name)
            .bind(role)
            .bind(i as i64)
            .execute(&mut **tx)
            .await?;
        }
    }
    for (i, kpi) in m.kpis.iter().enumerate() {
        sqlx::query(
            "INSERT INTO kpis (plan_id, measure_id, position, label, source, unit, baseline, target, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(plan_id)
        .bind(&m.id)
        .bind(i as i64)
        .bind(&kpi.label)
        .bind(&kpi.source)
        .bind(&kpi.unit)
        .bind(kpi.baseline.as_ref().map(serde_json::to_string).transpose()?)
        .bind(kpi.target.as_ref().map(serde_json::to_string).transpose()?)
        .bind(&kpi.text)
        .execute(&mut **tx)
        .await?;
    }
    insert_schedule(tx, plan_id, &m.id, &m.schedule).await?;
    for (i, action) in m.actions.iter().enumerate() {
        sqlx::query(
            "INSERT INTO actions (plan_id, id, measure_id, position, number, title, group_title, group_description)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(plan_id)
        .bind(&action.id)
        .bind(&m.id)
        .bind(i as i64)
        .bind(&action.number)
        .bind(&action.title)
        .bind(&action.group)
        .bind(&action.group_description)
        .execute(&mut **tx)
        .await?;
        insert_schedule(tx, plan_id, &action.id, &action.schedule).await?;
    }
    Ok(())
}

async fn insert_schedule(
    tx: &mut Transaction<'_, Sqlite>,
    plan_id: &str,
    item_id: &str,
    cells: &[ScheduleCell],
) -> Result<()> {
    for cell in cells {
        sqlx::query(
            "INSERT INTO schedule_cells (plan_id, item_id, fiscal_year, text, through)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(plan_id)
        .bind(item_id)
        .bind(cell.fiscal_year.0)
        .bind(&cell.text)
        .bind(cell.through.map(|t| t.0))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

fn flatten_chapters<'a>(
    chapters: &'a [Chapter],
    parent: Option<&'a str>,
    out: &mut Vec<(Option<&'a str>, &'a Chapter)>,
) {
    for chapter in chapters {
        out.push((parent, chapter));
        flatten_chapters(&chapter.sections, Some(&chapter.id), out);
    }
}

fn flatten_nodes<'a>(
    nodes: &'a [Node],
    parent: Option<&'a str>,
    out: &mut Vec<(Option<&'a str>, &'a Node)>,
) {
    for node in nodes {
        out.push((parent, node));
        flatten_nodes(&node.children, Some(&node.id), out);
    }
}
