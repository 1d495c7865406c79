//! The edits a draft revision takes in the browser: every field of a measure, its actions, KPIs
//! and roadmap cells, milestones, glossary entries, chapter text, and the structure (add,
//! rename, move and remove nodes; place a measure under several nodes). Each edit is applied
//! to a copy of the draft and the result must still pass the import's validation, so a draft
//! always exports to a plan file the import takes back.

use serde::{Deserialize, Serialize};

use crate::fiscal::FiscalYear;
use crate::format::*;
use crate::import::validate;
use crate::lang::Lang;
use crate::limits::{check_required, check_text, is_valid_id, TextKind, TextProblem};
use crate::reason::Reason;

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
/// the reason for the user, in each language. The draft is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct EditError {
    pub field: String,
    pub reason: Reason,
}

/// A refusal as the rules find it, its reason in one language.
#[derive(Debug)]
struct Refused {
    field: String,
    reason: String,
}

fn refuse<T>(field: impl Into<String>, reason: impl Into<String>) -> Result<T, Refused> {
    Err(Refused {
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

/// The draft after `edit`, or why the edit is refused. The rules run once per language only
/// when they refuse, since the reason names what they found.
pub fn apply(draft: &PlanFile, edit: &Edit) -> Result<PlanFile, EditError> {
    apply_in(draft, edit, Lang::Ja).map_err(|ja| {
        let en = apply_in(draft, edit, Lang::En)
            .err()
            .map_or_else(|| ja.reason.clone(), |en| en.reason);
        EditError {
            field: ja.field,
            reason: Reason::new(ja.reason, en),
        }
    })
}

/// The reason in the user's language: the Japanese or the English given.
fn say(lang: Lang, ja: impl Into<String>, en: impl Into<String>) -> String {
    match lang {
        Lang::Ja => ja.into(),
        Lang::En => en.into(),
    }
}

/// A text's problem as users read it: [`TextProblem::reason`] in Japanese; in English the
/// import's wording (`must not be empty`) as a sentence.
fn text_reason(problem: TextProblem, lang: Lang) -> String {
    match lang {
        Lang::Ja => problem.reason(),
        Lang::En => {
            let words = problem.to_string();
            let mut chars = words.chars();
            match chars.next() {
                Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
                None => words,
            }
        }
    }
}

/// The draft after `edit`, or why the edit is refused, the reason in `lang`.
fn apply_in(draft: &PlanFile, edit: &Edit, lang: Lang) -> Result<PlanFile, Refused> {
    let mut file = draft.clone();
    let departments: Vec<String> = file
        .organization
        .departments
        .iter()
        .map(|d| d.name.clone())
        .collect();
    let plan = &mut file.plan;
    match edit {
        Edit::SetPlanField { field, value } => set_plan_field(plan, field, value.clone(), lang)?,
        Edit::SetMeasureField {
            measure,
            field,
            value,
        } => set_measure_field(
            measure_mut(plan, measure, lang)?,
            field,
            value.clone(),
            lang,
        )?,
        Edit::SetMeasureList {
            measure,
            field,
            values,
        } => {
            let target = measure_mut(plan, measure, lang)?;
            let slot = match field.as_str() {
                "lead_departments" => &mut target.lead_departments,
                "related_departments" => &mut target.related_departments,
                "general_plan_refs" => &mut target.general_plan_refs,
                _ => return refuse("field", unknown_field(field, lang)),
            };
            for (i, value) in values.iter().enumerate() {
                let place = format!("values[{i}]");
                text(&place, TextKind::Short, Some(value), true, lang)?;
                if field != "general_plan_refs" && !departments.contains(value) {
                    return refuse(
                        place,
                        say(
                            lang,
                            format!("「{value}」は組織の課にありません。"),
                            format!("“{value}” is not a department of the organization."),
                        ),
                    );
                }
            }
            *slot = values.clone();
        }
        Edit::AddMeasure { measure, nodes } => {
            new_item_id(plan, &measure.id, "measure.id", lang)?;
            text(
                "measure.title",
                TextKind::Short,
                Some(&measure.title),
                true,
                lang,
            )?;
            for (i, node) in nodes.iter().enumerate() {
                node_mut(&mut plan.structure, node)
                    .ok_or_else(|| missing_node(&format!("nodes[{i}]"), node, lang))?
                    .measures
                    .push(measure.id.clone());
            }
            plan.measures.push(measure.as_ref().clone());
        }
        Edit::RemoveMeasure { measure } => {
            let index = measure_index(plan, measure, lang)?;
            plan.measures.remove(index);
            unplace(&mut plan.structure, measure);
        }
        Edit::PutAction { measure, action } => {
            text(
                "action.title",
                TextKind::Short,
                Some(&action.title),
                true,
                lang,
            )?;
            let owner = measure_index(plan, measure, lang)?;
            let existing = plan.measures[owner]
                .actions
                .iter()
                .position(|a| a.id == action.id);
            match existing {
                Some(i) => plan.measures[owner].actions[i] = action.clone(),
                None => {
                    new_item_id(plan, &action.id, "action.id", lang)?;
                    plan.measures[owner].actions.push(action.clone());
                }
            }
        }
        Edit::RemoveAction { measure, action } => {
            let target = measure_mut(plan, measure, lang)?;
            let before = target.actions.len();
            target.actions.retain(|a| &a.id != action);
            if target.actions.len() == before {
                return refuse(
                    "action",
                    say(
                        lang,
                        format!("取組「{action}」はこの施策にありません。"),
                        format!("This measure has no action “{action}”."),
                    ),
                );
            }
        }
        Edit::PutKpi {
            measure,
            index,
            kpi,
        } => {
            text("kpi.label", TextKind::Short, Some(&kpi.label), true, lang)?;
            text("kpi.text", TextKind::Short, Some(&kpi.text), true, lang)?;
            let target = measure_mut(plan, measure, lang)?;
            match index {
                Some(i) if *i < target.kpis.len() => target.kpis[*i] = kpi.clone(),
                Some(_) => return refuse("index", no_kpi(lang)),
                None => target.kpis.push(kpi.clone()),
            }
        }
        Edit::RemoveKpi { measure, index } => {
            let target = measure_mut(plan, measure, lang)?;
            if *index >= target.kpis.len() {
                return refuse("index", no_kpi(lang));
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
                        say(
                            lang,
                            format!("{}は計画期間外です。", fiscal_year.label()),
                            format!(
                                "{} is outside the plan's period.",
                                fiscal_year.label_in(Lang::En)
                            ),
                        ),
                    );
                }
            }
            let cell_text = cell_text.as_deref().filter(|t| !t.trim().is_empty());
            text("text", TextKind::Short, cell_text, false, lang)?;
            let cells = schedule_mut(plan, item).ok_or_else(|| Refused {
                field: "item".into(),
                reason: say(
                    lang,
                    format!("施策・取組「{item}」はこの改定案にありません。"),
                    format!("The draft revision has no measure or action “{item}”."),
                ),
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
                // New words: the English given for the old ones no longer stands for them.
                cells.push(ScheduleCell {
                    fiscal_year: *fiscal_year,
                    text: value.to_owned(),
                    through,
                    en: None,
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
                lang,
            )?;
            match index {
                Some(i) if *i < plan.milestones.len() => plan.milestones[*i] = milestone.clone(),
                Some(_) => return refuse("index", no_milestone(lang)),
                None => plan.milestones.push(milestone.clone()),
            }
        }
        Edit::RemoveMilestone { index } => {
            if *index >= plan.milestones.len() {
                return refuse("index", no_milestone(lang));
            }
            plan.milestones.remove(*index);
        }
        Edit::PutTerm { term } => {
            text("term.term", TextKind::Short, Some(&term.term), true, lang)?;
            text(
                "term.definition",
                TextKind::Text,
                Some(&term.definition),
                true,
                lang,
            )?;
            if plan
                .glossary
                .iter()
                .any(|t| t.term == term.term && t.id != term.id)
            {
                return refuse(
                    "term.term",
                    say(
                        lang,
                        format!("用語「{}」は既にあります。", term.term),
                        format!("The glossary already has the term “{}”.", term.term),
                    ),
                );
            }
            match plan.glossary.iter().position(|t| t.id == term.id) {
                Some(i) => plan.glossary[i] = term.clone(),
                None => {
                    id("term.id", &term.id, lang)?;
                    plan.glossary.push(term.clone());
                }
            }
        }
        Edit::RemoveTerm { id } => {
            let before = plan.glossary.len();
            plan.glossary.retain(|t| &t.id != id);
            if plan.glossary.len() == before {
                return refuse(
                    "id",
                    say(
                        lang,
                        format!("用語「{id}」はこの改定案にありません。"),
                        format!("The draft revision's glossary has no term “{id}”."),
                    ),
                );
            }
        }
        Edit::AddNode { parent, node } => {
            id("node.id", &node.id, lang)?;
            if walk_nodes(&plan.structure).iter().any(|n| n.id == node.id) {
                return refuse("node.id", taken_id(&node.id, lang));
            }
            text("node.title", TextKind::Short, Some(&node.title), true, lang)?;
            if !node.children.is_empty() || !node.measures.is_empty() {
                return refuse(
                    "node",
                    say(
                        lang,
                        "子の項目と施策は、項目を追加してから加えてください。",
                        "Add the item first, then the items and measures under it.",
                    ),
                );
            }
            siblings_mut(&mut plan.structure, parent.as_deref(), lang)?.push(node.clone());
        }
        Edit::SetNodeField { node, field, value } => {
            let target = node_mut(&mut plan.structure, node)
                .ok_or_else(|| missing_node("node", node, lang))?;
            let slot = match field.as_str() {
                "title" => {
                    text("value", TextKind::Short, value.as_deref(), true, lang)?;
                    target.title = value.clone().unwrap_or_default();
                    return finish(file, lang);
                }
                "label" => &mut target.label,
                "number" => &mut target.number,
                "description" => &mut target.description,
                _ => return refuse("field", unknown_field(field, lang)),
            };
            let kind = crate::limits::node_field_kind(field).unwrap_or(TextKind::Short);
            *slot = optional_text(kind, value.clone(), lang)?;
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
                return refuse(
                    "parent",
                    say(
                        lang,
                        "項目をその項目自身の下には移せません。",
                        "An item cannot be moved under itself.",
                    ),
                );
            }
            let moved = take_node(&mut plan.structure, node)
                .ok_or_else(|| missing_node("node", node, lang))?;
            let siblings = siblings_mut(&mut plan.structure, parent.as_deref(), lang)?;
            let at = (*position).min(siblings.len());
            siblings.insert(at, moved);
        }
        Edit::RemoveNode { node } => {
            let found =
                find_node(&plan.structure, node).ok_or_else(|| missing_node("node", node, lang))?;
            if !found.children.is_empty() {
                return refuse(
                    "node",
                    say(
                        lang,
                        "下に項目がある項目は削除できません。先に下の項目を移すか削除してください。",
                        "An item with items under it cannot be removed. Move or remove the items under it first.",
                    ),
                );
            }
            take_node(&mut plan.structure, node);
        }
        Edit::PlaceMeasures { node, measures } => {
            for (i, measure) in measures.iter().enumerate() {
                if plan.measure(measure).is_none() {
                    return refuse(format!("measures[{i}]"), missing_measure(measure, lang));
                }
                if measures[..i].contains(measure) {
                    return refuse(
                        format!("measures[{i}]"),
                        say(
                            lang,
                            format!("施策「{measure}」が2回あります。"),
                            format!("Measure “{measure}” is listed twice."),
                        ),
                    );
                }
            }
            node_mut(&mut plan.structure, node)
                .ok_or_else(|| missing_node("node", node, lang))?
                .measures = measures.clone();
        }
        Edit::SetChapterField {
            chapter,
            field,
            value,
        } => {
            let target = chapter_mut(&mut plan.chapters, chapter).ok_or_else(|| Refused {
                field: "chapter".into(),
                reason: say(
                    lang,
                    format!("章「{chapter}」はこの改定案にありません。"),
                    format!("The draft revision has no chapter “{chapter}”."),
                ),
            })?;
            match field.as_str() {
                "title" => {
                    text("value", TextKind::Short, value.as_deref(), true, lang)?;
                    target.title = value.clone().unwrap_or_default();
                }
                "number" => target.number = optional_text(TextKind::Short, value.clone(), lang)?,
                "body" => target.body = optional_text(TextKind::Text, value.clone(), lang)?,
                _ => return refuse("field", unknown_field(field, lang)),
            }
        }
    }
    finish(file, lang)
}

/// The edited draft, if it still is a plan the import accepts. The checks above give the
/// user's reasons; this one is the guarantee that nothing else slipped through.
fn finish(file: PlanFile, lang: Lang) -> Result<PlanFile, Refused> {
    match validate(&file).into_iter().next() {
        None => Ok(file),
        Some(problem) => refuse(
            "edit",
            say(
                lang,
                format!(
                    "この変更では計画の形式を満たしません（{}: {}）。",
                    problem.place, problem.reason
                ),
                format!(
                    "After this change the plan would not be a valid plan file ({}: {}).",
                    problem.place, problem.reason
                ),
            ),
        ),
    }
}

fn unknown_field(field: &str, lang: Lang) -> String {
    say(
        lang,
        format!("「{field}」は変更できる項目ではありません。"),
        format!("“{field}” is not a field that can be changed."),
    )
}

fn no_kpi(lang: Lang) -> String {
    say(lang, "そのKPIはありません。", "There is no such KPI.")
}

fn no_milestone(lang: Lang) -> String {
    say(
        lang,
        "そのマイルストーンはありません。",
        "There is no such milestone.",
    )
}

fn taken_id(value: &str, lang: Lang) -> String {
    say(
        lang,
        format!("「{value}」は既に使われています。"),
        format!("“{value}” is already in use."),
    )
}

fn missing_measure(id: &str, lang: Lang) -> String {
    say(
        lang,
        format!("施策「{id}」はこの改定案にありません。"),
        format!("The draft revision has no measure “{id}”."),
    )
}

fn missing_node(field: &str, node: &str, lang: Lang) -> Refused {
    Refused {
        field: field.into(),
        reason: say(
            lang,
            format!("項目「{node}」はこの改定案にありません。"),
            format!("The draft revision has no item “{node}” in its structure."),
        ),
    }
}

fn text(
    field: &str,
    kind: TextKind,
    value: Option<&str>,
    required: bool,
    lang: Lang,
) -> Result<(), Refused> {
    let checked = match value {
        Some(v) if required => check_required(kind, v),
        Some(v) => check_text(kind, v),
        None if required => Err(TextProblem::Empty),
        None => Ok(()),
    };
    checked.or_else(|problem| refuse(field, text_reason(problem, lang)))
}

/// An optional text as stored: blank is absent.
fn optional_text(
    kind: TextKind,
    value: Option<String>,
    lang: Lang,
) -> Result<Option<String>, Refused> {
    let value = value.filter(|v| !v.trim().is_empty());
    text("value", kind, value.as_deref(), false, lang)?;
    Ok(value)
}

fn id(field: &str, value: &str, lang: Lang) -> Result<(), Refused> {
    if is_valid_id(value) {
        Ok(())
    } else {
        refuse(
            field,
            say(
                lang,
                "IDは英小文字・数字・ハイフンで64文字以内、先頭は英小文字か数字にしてください。",
                "An ID is up to 64 lowercase letters, digits and hyphens, and begins with a letter or digit.",
            ),
        )
    }
}

/// A new measure or action id: valid, and unused by any measure or action (one namespace).
fn new_item_id(plan: &Plan, value: &str, field: &str, lang: Lang) -> Result<(), Refused> {
    id(field, value, lang)?;
    let taken = plan
        .measures
        .iter()
        .any(|m| m.id == value || m.actions.iter().any(|a| a.id == value));
    if taken {
        return refuse(field, taken_id(value, lang));
    }
    Ok(())
}

fn set_plan_field(
    plan: &mut Plan,
    field: &str,
    value: Option<String>,
    lang: Lang,
) -> Result<(), Refused> {
    match field {
        "title" => {
            text("value", TextKind::Short, value.as_deref(), true, lang)?;
            plan.title = value.unwrap_or_default();
        }
        "subtitle" => plan.subtitle = optional_text(TextKind::Short, value, lang)?,
        "source" => plan.source = optional_text(TextKind::Short, value, lang)?,
        "adopted" => {
            let value = optional_text(TextKind::Short, value, lang)?;
            if let Some(date) = &value {
                let plain = date.len() == 4 && date.bytes().all(|b| b.is_ascii_digit());
                if !plain && !super::is_valid_issued(date) {
                    return refuse(
                        "value",
                        say(
                            lang,
                            "年月日は 2024、2024-03 または 2024-03-31 の形で入力してください。",
                            "Enter the date as 2024, 2024-03 or 2024-03-31.",
                        ),
                    );
                }
            }
            plan.adopted = value;
        }
        _ => return refuse("field", unknown_field(field, lang)),
    }
    Ok(())
}

fn set_measure_field(
    measure: &mut Measure,
    field: &str,
    value: Option<String>,
    lang: Lang,
) -> Result<(), Refused> {
    let slot = match field {
        "title" => {
            text("value", TextKind::Short, value.as_deref(), true, lang)?;
            measure.title = value.unwrap_or_default();
            return Ok(());
        }
        "number" | "departments_note" => {
            let value = optional_text(TextKind::Short, value, lang)?;
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
        _ => return refuse("field", unknown_field(field, lang)),
    };
    *slot = optional_text(TextKind::Text, value, lang)?;
    Ok(())
}

fn measure_index(plan: &Plan, id: &str, lang: Lang) -> Result<usize, Refused> {
    plan.measures
        .iter()
        .position(|m| m.id == id)
        .ok_or_else(|| Refused {
            field: "measure".into(),
            reason: missing_measure(id, lang),
        })
}

fn measure_mut<'a>(plan: &'a mut Plan, id: &str, lang: Lang) -> Result<&'a mut Measure, Refused> {
    let index = measure_index(plan, id, lang)?;
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
    lang: Lang,
) -> Result<&'a mut Vec<Node>, Refused> {
    match parent {
        None => Ok(nodes),
        Some(parent) => node_mut(nodes, parent)
            .map(|n| &mut n.children)
            .ok_or_else(|| missing_node("parent", parent, lang)),
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

#[cfg(test)]
mod tests {
    use super::{apply, apply_in, Edit};
    use crate::format::PlanFile;
    use crate::lang::Lang;

    fn komagane() -> PlanFile {
        crate::import::parse_plan_file(
            "komagane.json",
            include_bytes!("../../../samples/plans/komagane.json"),
        )
        .expect("the sample plan is valid")
    }

    fn reason(edit: serde_json::Value, lang: Lang) -> (String, String) {
        let edit: Edit = serde_json::from_value(edit).expect("a valid edit");
        let error = apply_in(&komagane(), &edit, lang).expect_err("the edit is refused");
        (error.field, error.reason)
    }

    #[test]
    fn refusals_say_why_in_english_on_an_english_page() {
        let missing = serde_json::json!({"op": "remove_kpi", "measure": "nowhere", "index": 0});
        assert_eq!(
            reason(missing.clone(), Lang::En),
            (
                "measure".to_owned(),
                "The draft revision has no measure “nowhere”.".to_owned()
            )
        );
        assert_eq!(
            reason(missing, Lang::Ja).1,
            "施策「nowhere」はこの改定案にありません。"
        );
        let bad_id = serde_json::json!({"op": "add_node", "parent": null,
            "node": {"id": "Bad Id", "kind": "goal", "title": "New goal"}});
        assert_eq!(
            reason(bad_id, Lang::En).1,
            "An ID is up to 64 lowercase letters, digits and hyphens, and begins with a letter or digit."
        );
        let empty = serde_json::json!({"op": "put_term",
            "term": {"id": "draft", "term": "Draft", "definition": ""}});
        assert_eq!(
            reason(empty.clone(), Lang::En),
            (
                "term.definition".to_owned(),
                "Must not be empty.".to_owned()
            )
        );
        assert_eq!(reason(empty, Lang::Ja).1, "入力してください。");
        let field = serde_json::json!({"op": "set_plan_field", "field": "colour", "value": "red"});
        assert_eq!(
            reason(field, Lang::En).1,
            "“colour” is not a field that can be changed."
        );
    }

    #[test]
    fn a_refused_edit_says_why_in_each_language() {
        let edit: Edit =
            serde_json::from_value(serde_json::json!({"op": "remove_milestone", "index": 9999}))
                .unwrap();
        let error = apply(&komagane(), &edit).unwrap_err();
        assert_eq!(error.field, "index");
        assert_eq!(
            error.reason.in_lang(Lang::Ja),
            "そのマイルストーンはありません。"
        );
        assert_eq!(
            error.reason.in_lang(Lang::En),
            "There is no such milestone."
        );
    }
}
