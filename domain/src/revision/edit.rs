//! The edits a draft revision takes in the browser: every field of a measure, its actions, KPIs
//! and roadmap cells, milestones, glossary entries, chapter text, and the structure (add,
//! rename, move and remove nodes; place a measure under several nodes). Each edit is applied
//! to a copy of the draft and the result must still pass the import's validation, so a draft
//! always exports to a plan file the import takes back.

use serde::{Deserialize, Serialize};

use crate::fiscal::FiscalYear;
use crate::format::*;
use crate::import::validate;
use crate::limits::{check_required, check_text, is_valid_id, TextKind};

/// One change to a draft revision. As JSON: `{"op": "set_measure_field", "measure": "m1",
/// "field": "direction", "value": "…"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Edit {
    /// `title`, `subtitle`, `adopted` (YYYY, YYYY-MM or YYYY-MM-DD) or `source`.
    SetPlanField {
        field: String,
        value: Option<String>,
    },
    /// `number`, `title`, `summary`, `outcome`, `target_state`, `current_issues`, `direction`,
    /// `content` or `departments_note`.
    SetMeasureField {
        measure: String,
        field: String,
        value: Option<String>,
    },
    /// `lead_departments`, `related_departments` or `general_plan_refs`.
    SetMeasureList {
        measure: String,
        field: String,
        values: Vec<String>,
    },
    /// A new measure after the last one, placed at the end of each of `nodes`.
    AddMeasure {
        measure: Box<Measure>,
        nodes: Vec<String>,
    },
    /// Removes a measure and its placements.
    RemoveMeasure {
        measure: String,
    },
    /// Replaces the action with the same id, or adds it after the measure's last action.
    PutAction {
        measure: String,
        action: Action,
    },
    RemoveAction {
        measure: String,
        action: String,
    },
    /// Replaces the KPI at `index`, or adds one after the last (`index` absent).
    PutKpi {
        measure: String,
        index: Option<usize>,
        kpi: Kpi,
    },
    RemoveKpi {
        measure: String,
        index: usize,
    },
    /// The roadmap cell of a measure or action in one fiscal year; no text clears it.
    SetCell {
        item: String,
        fiscal_year: FiscalYear,
        text: Option<String>,
    },
    /// Replaces the milestone at `index`, or adds one at the end (`index` absent).
    PutMilestone {
        index: Option<usize>,
        milestone: Milestone,
    },
    RemoveMilestone {
        index: usize,
    },
    /// Replaces the glossary entry with the same id, or adds it at the end.
    PutTerm {
        term: Term,
    },
    RemoveTerm {
        id: String,
    },
    /// A node without children or measures, after the last child of `parent` (or at the end
    /// of the top level).
    AddNode {
        parent: Option<String>,
        node: Node,
    },
    /// `title`, `label`, `number` or `description`.
    SetNodeField {
        node: String,
        field: String,
        value: Option<String>,
    },
    /// Moves a node (with its children) under `parent` (top level when absent), before the
    /// child now at `position` (at the end when past it).
    MoveNode {
        node: String,
        parent: Option<String>,
        position: usize,
    },
    /// Removes a node without children; its measures stay in the plan.
    RemoveNode {
        node: String,
    },
    /// The measures placed under a node, in order.
    PlaceMeasures {
        node: String,
        measures: Vec<String>,
    },
    /// `number`, `title` or `body` of a chapter or section.
    SetChapterField {
        chapter: String,
        field: String,
        value: Option<String>,
    },
}

/// Why an edit was refused: the request field at fault (`measure`, `value`, `kpi.label` …) and
/// the reason for the user. The draft is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct EditError {
    pub field: String,
    pub reason: String,
}

fn refuse<T>(field: impl Into<String>, reason: impl Into<String>) -> Result<T, EditError> {
    Err(EditError {
        field: field.into(),
        reason: reason.into(),
    })
}

impl Edit {
    /// What the edit changes, for the audit trail: the entity and its id.
    pub fn target(&self) -> (&'static str, String) {
        match self {
            Edit::SetPlanField { .. }
            | Edit::PutMilestone { .. }
            | Edit::RemoveMilestone { .. } => ("plan", String::new()),
            Edit::SetMeasureField { measure, .. }
            | Edit::SetMeasureList { measure, .. }
            | Edit::RemoveMeasure { measure }
            | Edit::PutAction { measure, .. }
            | Edit::RemoveAction { measure, .. }
            | Edit::PutKpi { measure, .. }
            | Edit::RemoveKpi { measure, .. } => ("measure", measure.clone()),
            Edit::AddMeasure { measure, .. } => ("measure", measure.id.clone()),
            Edit::SetCell { item, .. } => ("schedule", item.clone()),
            Edit::PutTerm { term } => ("term", term.id.clone()),
            Edit::RemoveTerm { id } => ("term", id.clone()),
            Edit::AddNode { node, .. } => ("node", node.id.clone()),
            Edit::SetNodeField { node, .. }
            | Edit::MoveNode { node, .. }
            | Edit::RemoveNode { node }
            | Edit::PlaceMeasures { node, .. } => ("node", node.clone()),
            Edit::SetChapterField { chapter, .. } => ("chapter", chapter.clone()),
        }
    }

    /// The edit's name in the audit trail (its `op`).
    pub fn name(&self) -> &'static str {
        match self {
            Edit::SetPlanField { .. } => "set_plan_field",
            Edit::SetMeasureField { .. } => "set_measure_field",
            Edit::SetMeasureList { .. } => "set_measure_list",
            Edit::AddMeasure { .. } => "add_measure",
            Edit::RemoveMeasure { .. } => "remove_measure",
            Edit::PutAction { .. } => "put_action",
            Edit::RemoveAction { .. } => "remove_action",
            Edit::PutKpi { .. } => "put_kpi",
            Edit::RemoveKpi { .. } => "remove_kpi",
            Edit::SetCell { .. } => "set_cell",
            Edit::PutMilestone { .. } => "put_milestone",
            Edit::RemoveMilestone { .. } => "remove_milestone",
            Edit::PutTerm { .. } => "put_term",
            Edit::RemoveTerm { .. } => "remove_term",
            Edit::AddNode { .. } => "add_node",
            Edit::SetNodeField { .. } => "set_node_field",
            Edit::MoveNode { .. } => "move_node",
            Edit::RemoveNode { .. } => "remove_node",
            Edit::PlaceMeasures { .. } => "place_measures",
            Edit::SetChapterField { .. } => "set_chapter_field",
        }
    }
}

/// The draft after `edit`, or why the edit is refused.
pub fn apply(draft: &PlanFile, edit: &Edit) -> Result<PlanFile, EditError> {
    let mut file = draft.clone();
    let departments: Vec<String> = file
        .organization
        .departments
        .iter()
        .map(|d| d.name.clone())
        .collect();
    let plan = &mut file.plan;
    match edit {
        Edit::SetPlanField { field, value } => set_plan_field(plan, field, value.clone())?,
        Edit::SetMeasureField {
            measure,
            field,
            value,
        } => set_measure_field(measure_mut(plan, measure)?, field, value.clone())?,
        Edit::SetMeasureList {
            measure,
            field,
            values,
        } => {
            let target = measure_mut(plan, measure)?;
            let slot = match field.as_str() {
                "lead_departments" => &mut target.lead_departments,
                "related_departments" => &mut target.related_departments,
                "general_plan_refs" => &mut target.general_plan_refs,
                _ => return refuse("field", unknown_field(field)),
            };
            for (i, value) in values.iter().enumerate() {
                let place = format!("values[{i}]");
                text(&place, TextKind::Short, Some(value), true)?;
                if field != "general_plan_refs" && !departments.contains(value) {
                    return refuse(place, format!("「{value}」は組織の課にありません。"));
                }
            }
            *slot = values.clone();
        }
        Edit::AddMeasure { measure, nodes } => {
            new_item_id(plan, &measure.id, "measure.id")?;
            text("measure.title", TextKind::Short, Some(&measure.title), true)?;
            for (i, node) in nodes.iter().enumerate() {
                node_mut(&mut plan.structure, node)
                    .ok_or_else(|| missing_node(&format!("nodes[{i}]"), node))?
                    .measures
                    .push(measure.id.clone());
            }
            plan.measures.push(measure.as_ref().clone());
        }
        Edit::RemoveMeasure { measure } => {
            let index = measure_index(plan, measure)?;
            plan.measures.remove(index);
            unplace(&mut plan.structure, measure);
        }
        Edit::PutAction { measure, action } => {
            text("action.title", TextKind::Short, Some(&action.title), true)?;
            let owner = measure_index(plan, measure)?;
            let existing = plan.measures[owner]
                .actions
                .iter()
                .position(|a| a.id == action.id);
            match existing {
                Some(i) => plan.measures[owner].actions[i] = action.clone(),
                None => {
                    new_item_id(plan, &action.id, "action.id")?;
                    plan.measures[owner].actions.push(action.clone());
                }
            }
        }
        Edit::RemoveAction { measure, action } => {
            let target = measure_mut(plan, measure)?;
            let before = target.actions.len();
            target.actions.retain(|a| &a.id != action);
            if target.actions.len() == before {
                return refuse(
                    "action",
                    format!("取組「{action}」はこの施策にありません。"),
                );
            }
        }
        Edit::PutKpi {
            measure,
            index,
            kpi,
        } => {
            text("kpi.label", TextKind::Short, Some(&kpi.label), true)?;
            text("kpi.text", TextKind::Short, Some(&kpi.text), true)?;
            let target = measure_mut(plan, measure)?;
            match index {
                Some(i) if *i < target.kpis.len() => target.kpis[*i] = kpi.clone(),
                Some(_) => return refuse("index", "そのKPIはありません。"),
                None => target.kpis.push(kpi.clone()),
            }
        }
        Edit::RemoveKpi { measure, index } => {
            let target = measure_mut(plan, measure)?;
            if *index >= target.kpis.len() {
                return refuse("index", "そのKPIはありません。");
            }
            target.kpis.remove(*index);
        }
        Edit::SetCell {
            item,
            fiscal_year,
            text: cell_text,
        } => {
            if let Some(period) = &plan.period {
                if !period.contains(*fiscal_year) {
                    return refuse(
                        "fiscal_year",
                        format!("{}は計画期間外です。", fiscal_year.label()),
                    );
                }
            }
            let cell_text = cell_text.as_deref().filter(|t| !t.trim().is_empty());
            text("text", TextKind::Short, cell_text, false)?;
            let cells = schedule_mut(plan, item).ok_or_else(|| EditError {
                field: "item".into(),
                reason: format!("施策・取組「{item}」はこの改定案にありません。"),
            })?;
            // A new text keeps the cell's continuation; removing it ends it.
            let through = cells
                .iter()
                .find(|c| c.fiscal_year == *fiscal_year)
                .and_then(|c| c.through);
            cells.retain(|c| c.fiscal_year != *fiscal_year);
            if let Some(value) = cell_text {
                // An earlier cell continuing into this year now stops the year before.
                for earlier in cells.iter_mut() {
                    if earlier.fiscal_year < *fiscal_year && earlier.covers(*fiscal_year) {
                        let last = FiscalYear(fiscal_year.0 - 1);
                        earlier.through = (last > earlier.fiscal_year).then_some(last);
                    }
                }
                cells.push(ScheduleCell {
                    fiscal_year: *fiscal_year,
                    text: value.to_owned(),
                    through,
                });
                cells.sort_by_key(|c| c.fiscal_year);
            }
        }
        Edit::PutMilestone { index, milestone } => {
            text(
                "milestone.text",
                TextKind::Short,
                Some(&milestone.text),
                true,
            )?;
            match index {
                Some(i) if *i < plan.milestones.len() => plan.milestones[*i] = milestone.clone(),
                Some(_) => return refuse("index", "そのマイルストーンはありません。"),
                None => plan.milestones.push(milestone.clone()),
            }
        }
        Edit::RemoveMilestone { index } => {
            if *index >= plan.milestones.len() {
                return refuse("index", "そのマイルストーンはありません。");
            }
            plan.milestones.remove(*index);
        }
        Edit::PutTerm { term } => {
            text("term.term", TextKind::Short, Some(&term.term), true)?;
            text(
                "term.definition",
                TextKind::Text,
                Some(&term.definition),
                true,
            )?;
            if plan
                .glossary
                .iter()
                .any(|t| t.term == term.term && t.id != term.id)
            {
                return refuse(
                    "term.term",
                    format!("用語「{}」は既にあります。", term.term),
                );
            }
            match plan.glossary.iter().position(|t| t.id == term.id) {
                Some(i) => plan.glossary[i] = term.clone(),
                None => {
                    id("term.id", &term.id)?;
                    plan.glossary.push(term.clone());
                }
            }
        }
        Edit::RemoveTerm { id } => {
            let before = plan.glossary.len();
            plan.glossary.retain(|t| &t.id != id);
            if plan.glossary.len() == before {
                return refuse("id", format!("用語「{id}」はこの改定案にありません。"));
            }
        }
        Edit::AddNode { parent, node } => {
            id("node.id", &node.id)?;
            if walk_nodes(&plan.structure).iter().any(|n| n.id == node.id) {
                return refuse("node.id", format!("「{}」は既に使われています。", node.id));
            }
            text("node.title", TextKind::Short, Some(&node.title), true)?;
            if !node.children.is_empty() || !node.measures.is_empty() {
                return refuse(
                    "node",
                    "子の項目と施策は、項目を追加してから加えてください。",
                );
            }
            siblings_mut(&mut plan.structure, parent.as_deref())?.push(node.clone());
        }
        Edit::SetNodeField { node, field, value } => {
            let target =
                node_mut(&mut plan.structure, node).ok_or_else(|| missing_node("node", node))?;
            let slot = match field.as_str() {
                "title" => {
                    text("value", TextKind::Short, value.as_deref(), true)?;
                    target.title = value.clone().unwrap_or_default();
                    return finish(file);
                }
                "label" => &mut target.label,
                "number" => &mut target.number,
                "description" => &mut target.description,
                _ => return refuse("field", unknown_field(field)),
            };
            let kind = crate::limits::node_field_kind(field).unwrap_or(TextKind::Short);
            *slot = optional_text(kind, value.clone())?;
        }
        Edit::MoveNode {
            node,
            parent,
            position,
        } => {
            if parent.as_deref() == Some(node.as_str())
                || parent.as_deref().is_some_and(|p| {
                    find_node(&plan.structure, node)
                        .is_some_and(|n| n.walk().iter().any(|d| d.id == p))
                })
            {
                return refuse("parent", "項目をその項目自身の下には移せません。");
            }
            let moved =
                take_node(&mut plan.structure, node).ok_or_else(|| missing_node("node", node))?;
            let siblings = siblings_mut(&mut plan.structure, parent.as_deref())?;
            let at = (*position).min(siblings.len());
            siblings.insert(at, moved);
        }
        Edit::RemoveNode { node } => {
            let found =
                find_node(&plan.structure, node).ok_or_else(|| missing_node("node", node))?;
            if !found.children.is_empty() {
                return refuse(
                    "node",
                    "下に項目がある項目は削除できません。先に下の項目を移すか削除してください。",
                );
            }
            take_node(&mut plan.structure, node);
        }
        Edit::PlaceMeasures { node, measures } => {
            for (i, measure) in measures.iter().enumerate() {
                if plan.measure(measure).is_none() {
                    return refuse(
                        format!("measures[{i}]"),
                        format!("施策「{measure}」はこの改定案にありません。"),
                    );
                }
                if measures[..i].contains(measure) {
                    return refuse(
                        format!("measures[{i}]"),
                        format!("施策「{measure}」が2回あります。"),
                    );
                }
            }
            node_mut(&mut plan.structure, node)
                .ok_or_else(|| missing_node("node", node))?
                .measures = measures.clone();
        }
        Edit::SetChapterField {
            chapter,
            field,
            value,
        } => {
            let target = chapter_mut(&mut plan.chapters, chapter).ok_or_else(|| EditError {
                field: "chapter".into(),
                reason: format!("章「{chapter}」はこの改定案にありません。"),
            })?;
            match field.as_str() {
                "title" => {
                    text("value", TextKind::Short, value.as_deref(), true)?;
                    target.title = value.clone().unwrap_or_default();
                }
                "number" => target.number = optional_text(TextKind::Short, value.clone())?,
                "body" => target.body = optional_text(TextKind::Text, value.clone())?,
                _ => return refuse("field", unknown_field(field)),
            }
        }
    }
    finish(file)
}

/// The edited draft, if it still is a plan the import accepts. The checks above give the
/// user's reasons; this one is the guarantee that nothing else slipped through.
fn finish(file: PlanFile) -> Result<PlanFile, EditError> {
    match validate(&file).into_iter().next() {
        None => Ok(file),
        Some(problem) => refuse(
            "edit",
            format!(
                "この変更では計画の形式を満たしません（{}: {}）。",
                problem.place, problem.reason
            ),
        ),
    }
}

fn unknown_field(field: &str) -> String {
    format!("「{field}」は変更できる項目ではありません。")
}

fn missing_node(field: &str, node: &str) -> EditError {
    EditError {
        field: field.into(),
        reason: format!("項目「{node}」はこの改定案にありません。"),
    }
}

fn text(field: &str, kind: TextKind, value: Option<&str>, required: bool) -> Result<(), EditError> {
    let checked = match value {
        Some(v) if required => check_required(kind, v),
        Some(v) => check_text(kind, v),
        None if required => Err(crate::limits::TextProblem::Empty),
        None => Ok(()),
    };
    checked.or_else(|problem| refuse(field, problem.reason()))
}

/// An optional text as stored: blank is absent.
fn optional_text(kind: TextKind, value: Option<String>) -> Result<Option<String>, EditError> {
    let value = value.filter(|v| !v.trim().is_empty());
    text("value", kind, value.as_deref(), false)?;
    Ok(value)
}

fn id(field: &str, value: &str) -> Result<(), EditError> {
    if is_valid_id(value) {
        Ok(())
    } else {
        refuse(
            field,
            "IDは英小文字・数字・ハイフンで64文字以内、先頭は英小文字か数字にしてください。",
        )
    }
}

/// A new measure or action id: valid, and unused by any measure or action (one namespace).
fn new_item_id(plan: &Plan, value: &str, field: &str) -> Result<(), EditError> {
    id(field, value)?;
    let taken = plan
        .measures
        .iter()
        .any(|m| m.id == value || m.actions.iter().any(|a| a.id == value));
    if taken {
        return refuse(field, format!("「{value}」は既に使われています。"));
    }
    Ok(())
}

fn set_plan_field(plan: &mut Plan, field: &str, value: Option<String>) -> Result<(), EditError> {
    match field {
        "title" => {
            text("value", TextKind::Short, value.as_deref(), true)?;
            plan.title = value.unwrap_or_default();
        }
        "subtitle" => plan.subtitle = optional_text(TextKind::Short, value)?,
        "source" => plan.source = optional_text(TextKind::Short, value)?,
        "adopted" => {
            let value = optional_text(TextKind::Short, value)?;
            if let Some(date) = &value {
                let plain = date.len() == 4 && date.bytes().all(|b| b.is_ascii_digit());
                if !plain && !super::is_valid_issued(date) {
                    return refuse(
                        "value",
                        "年月日は 2024、2024-03 または 2024-03-31 の形で入力してください。",
                    );
                }
            }
            plan.adopted = value;
        }
        _ => return refuse("field", unknown_field(field)),
    }
    Ok(())
}

fn set_measure_field(
    measure: &mut Measure,
    field: &str,
    value: Option<String>,
) -> Result<(), EditError> {
    let slot = match field {
        "title" => {
            text("value", TextKind::Short, value.as_deref(), true)?;
            measure.title = value.unwrap_or_default();
            return Ok(());
        }
        "number" | "departments_note" => {
            let value = optional_text(TextKind::Short, value)?;
            let slot = if field == "number" {
                &mut measure.number
            } else {
                &mut measure.departments_note
            };
            *slot = value;
            return Ok(());
        }
        "summary" => &mut measure.summary,
        "outcome" => &mut measure.outcome,
        "target_state" => &mut measure.target_state,
        "current_issues" => &mut measure.current_issues,
        "direction" => &mut measure.direction,
        "content" => &mut measure.content,
        _ => return refuse("field", unknown_field(field)),
    };
    *slot = optional_text(TextKind::Text, value)?;
    Ok(())
}

fn measure_index(plan: &Plan, id: &str) -> Result<usize, EditError> {
    plan.measures
        .iter()
        .position(|m| m.id == id)
        .ok_or_else(|| EditError {
            field: "measure".into(),
            reason: format!("施策「{id}」はこの改定案にありません。"),
        })
}

fn measure_mut<'a>(plan: &'a mut Plan, id: &str) -> Result<&'a mut Measure, EditError> {
    let index = measure_index(plan, id)?;
    Ok(&mut plan.measures[index])
}

fn schedule_mut<'a>(plan: &'a mut Plan, item: &str) -> Option<&'a mut Vec<ScheduleCell>> {
    for measure in &mut plan.measures {
        if measure.id == item {
            return Some(&mut measure.schedule);
        }
        if let Some(action) = measure.actions.iter_mut().find(|a| a.id == item) {
            return Some(&mut action.schedule);
        }
    }
    None
}

fn find_node<'a>(nodes: &'a [Node], id: &str) -> Option<&'a Node> {
    walk_nodes(nodes).into_iter().find(|n| n.id == id)
}

fn node_mut<'a>(nodes: &'a mut [Node], id: &str) -> Option<&'a mut Node> {
    for node in nodes {
        if node.id == id {
            return Some(node);
        }
        if let Some(found) = node_mut(&mut node.children, id) {
            return Some(found);
        }
    }
    None
}

/// The children of `parent`, or the top level.
fn siblings_mut<'a>(
    nodes: &'a mut Vec<Node>,
    parent: Option<&str>,
) -> Result<&'a mut Vec<Node>, EditError> {
    match parent {
        None => Ok(nodes),
        Some(parent) => node_mut(nodes, parent)
            .map(|n| &mut n.children)
            .ok_or_else(|| missing_node("parent", parent)),
    }
}

/// Removes a node (with its children) from wherever it is.
fn take_node(nodes: &mut Vec<Node>, id: &str) -> Option<Node> {
    if let Some(i) = nodes.iter().position(|n| n.id == id) {
        return Some(nodes.remove(i));
    }
    nodes
        .iter_mut()
        .find_map(|n| take_node(&mut n.children, id))
}

fn unplace(nodes: &mut [Node], measure: &str) {
    for node in nodes {
        node.measures.retain(|m| m != measure);
        unplace(&mut node.children, measure);
    }
}

fn chapter_mut<'a>(chapters: &'a mut [Chapter], id: &str) -> Option<&'a mut Chapter> {
    for chapter in chapters {
        if chapter.id == id {
            return Some(chapter);
        }
        if let Some(found) = chapter_mut(&mut chapter.sections, id) {
            return Some(found);
        }
    }
    None
}
