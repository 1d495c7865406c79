//! Administrators' changes to how an organization and its plans are organised: the
//! organization's departments, the departments responsible for each measure, the tree of
//! policies and pillars, and which measures sit under which node.
//!
//! Changes to a plan are audited like measure text (same transaction, restorable). The
//! department list is organization data shared by users and plans; removing a department that
//! is still in use is refused rather than cascaded, so nobody loses access by accident.

use keikaku_domain::english::DepartmentEn;
use keikaku_domain::format::{walk_nodes, Node, NodeKind};
use keikaku_domain::import::is_valid_id;
use keikaku_domain::limits::{check_required, check_text, node_field_kind, TextKind};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sqlx::{Row, SqliteConnection};

use crate::audit::{Actor, Change, EditOutcome};
use crate::read::parse_json;
use crate::{Missing, Result, Store, StoreError};
use keikaku_domain::reason::Reason;

/// A department and how much depends on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DepartmentUse {
    pub name: String,
    pub note: Option<String>,
    /// Its English name and note, where given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub en: Option<DepartmentEn>,
    /// Measures naming it as lead or related department, across the organization's plans.
    pub measures: i64,
    /// Users who belong to it.
    pub users: i64,
}

/// The departments responsible for a measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureDepartments {
    pub lead: Vec<String>,
    pub related: Vec<String>,
}

/// The text fields of a structure node an administrator may edit, by their API names.
pub const NODE_TEXT_FIELDS: [&str; 4] = ["title", "label", "number", "description"];

/// One node text field to set; `None` clears an optional field.
pub struct NodeEdit<'a> {
    pub plan_id: &'a str,
    pub node_id: &'a str,
    pub field: &'a str,
    pub value: Option<String>,
    pub restored_from: Option<i64>,
}

/// A node to add at the end of its parent's children (or of the top level).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewNode {
    pub id: String,
    pub parent_id: Option<String>,
    pub kind: NodeKind,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub number: Option<String>,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
}

fn find_node_mut<'a>(nodes: &'a mut [Node], id: &str) -> Option<&'a mut Node> {
    for node in nodes {
        if node.id == id {
            return Some(node);
        }
        if let Some(found) = find_node_mut(&mut node.children, id) {
            return Some(found);
        }
    }
    None
}

/// Rejects duplicates and names outside the organization's department list.
fn check_department_names(known: &[String], lists: &MeasureDepartments) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for (role, names) in [("lead", &lists.lead), ("related", &lists.related)] {
        for name in names {
            if !known.contains(name) {
                return Err(StoreError::invalid(
                    role,
                    Reason::new(
                        "登録されていない部署です。",
                        "This department is not registered.",
                    ),
                ));
            }
            if !seen.insert(name) {
                return Err(StoreError::invalid(
                    role,
                    Reason::new(
                        "同じ部署が重複しています。",
                        "The same department is listed twice.",
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The name as stored (trimmed), if it is one the import would take.
fn clean_department_name(name: &str) -> Result<String> {
    let name = name.trim();
    check_required(TextKind::Name, name)
        .map_err(|problem| StoreError::bad_text("name", problem))?;
    Ok(name.to_owned())
}

/// The note as stored: `None` when blank.
fn clean_department_note(note: Option<String>) -> Result<Option<String>> {
    let note = note.filter(|n| !n.trim().is_empty());
    if let Some(Err(problem)) = note.as_deref().map(|n| check_text(TextKind::Short, n)) {
        return Err(StoreError::bad_text("note", problem));
    }
    Ok(note)
}

/// A department's English as stored: blank texts dropped, `None` when nothing is left; a text
/// the import would refuse is refused, named by its place (`en.name`).
fn clean_department_english(en: Option<DepartmentEn>) -> Result<Option<DepartmentEn>> {
    let Some(en) = en else { return Ok(None) };
    let kept = |text: Option<String>| text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    let en = DepartmentEn {
        name: kept(en.name),
        note: kept(en.note),
    };
    if let Some(Err(problem)) = en.name.as_deref().map(|n| check_text(TextKind::Name, n)) {
        return Err(StoreError::bad_text("en.name", problem));
    }
    if let Some(Err(problem)) = en.note.as_deref().map(|n| check_text(TextKind::Short, n)) {
        return Err(StoreError::bad_text("en.note", problem));
    }
    Ok((en != DepartmentEn::default()).then_some(en))
}

/// Every name the organization's departments go by, Japanese and English.
async fn department_names_in_both(
    conn: &mut SqliteConnection,
    organization_id: &str,
) -> Result<Vec<String>> {
    let rows: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT name, english FROM departments WHERE organization_id = ?")
            .bind(organization_id)
            .fetch_all(&mut *conn)
            .await?;
    let mut names = Vec::with_capacity(rows.len() * 2);
    for (name, english) in rows {
        names.push(name);
        names.extend(parse_json::<DepartmentEn>(english)?.and_then(|en| en.name));
    }
    Ok(names)
}

/// Refuses a node text the import would refuse; `field` names it in the answer.
fn check_node_text(field: &'static str, name: &str, value: Option<&str>) -> Result<()> {
    let kind = node_field_kind(name).ok_or(StoreError::NotFound(Missing::Field))?;
    if name == "title" {
        check_required(kind, value.unwrap_or_default())
    } else {
        value.map_or(Ok(()), |v| check_text(kind, v))
    }
    .map_err(|problem| StoreError::bad_text(field, problem))
}

/// The organization's department names in their listed order, read by `conn`.
async fn department_names(
    conn: &mut SqliteConnection,
    organization_id: &str,
) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT name FROM departments WHERE organization_id = ? ORDER BY position",
    )
    .bind(organization_id)
    .fetch_all(&mut *conn)
    .await?)
}

impl Store {
    /// The organization's departments in their listed order, with their use.
    pub async fn departments(&self, organization_id: &str) -> Result<Vec<DepartmentUse>> {
        let rows = sqlx::query(
            "SELECT d.name, d.note, d.english,
                    (SELECT count(DISTINCT plan_id || '/' || measure_id) FROM measure_departments m
                      WHERE m.organization_id = d.organization_id AND m.department_name = d.name) AS measures,
                    (SELECT count(*) FROM users u
                      WHERE u.organization_id = d.organization_id AND u.department = d.name) AS users
             FROM departments d WHERE d.organization_id = ? ORDER BY d.position, d.name",
        )
        .bind(organization_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(DepartmentUse {
                    name: row.try_get("name")?,
                    note: row.try_get("note")?,
                    en: parse_json::<DepartmentEn>(row.try_get("english")?)?,
                    measures: row.try_get("measures")?,
                    users: row.try_get("users")?,
                })
            })
            .collect()
    }

    /// Adds a department at the end of the list, with its English where given. Returns the
    /// stored (trimmed) name. Neither name may be another department's name in either
    /// language: pages and the roadmap's filter find a department by either.
    pub async fn add_department(
        &self,
        organization_id: &str,
        name: &str,
        note: Option<String>,
        en: Option<DepartmentEn>,
    ) -> Result<String> {
        let name = clean_department_name(name)?;
        let note = clean_department_note(note)?;
        let en = clean_department_english(en)?;
        let (_turn, mut tx) = self.begin_write().await?;
        let taken = department_names_in_both(&mut tx, organization_id).await?;
        if taken.contains(&name) {
            return Err(StoreError::invalid(
                "name",
                Reason::new(
                    "同じ名前の部署があります。",
                    "A department with this name already exists.",
                ),
            ));
        }
        let english_name = en.as_ref().and_then(|en| en.name.clone());
        if english_name
            .as_ref()
            .is_some_and(|english| taken.contains(english) || *english == name)
        {
            return Err(StoreError::invalid(
                "en.name",
                Reason::new(
                    "この英語名は他の部署の名前に使われています。",
                    "Another department already has this name.",
                ),
            ));
        }
        let english = en.as_ref().map(serde_json::to_string).transpose()?;
        sqlx::query(
            "INSERT INTO departments (organization_id, name, note, english, position)
             VALUES (?, ?, ?, ?, (SELECT coalesce(max(position), -1) + 1 FROM departments WHERE organization_id = ?))",
        )
        .bind(organization_id)
        .bind(&name)
        .bind(note)
        .bind(english)
        .bind(organization_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(name)
    }

    /// Removes a department no measure and no user refers to.
    pub async fn remove_department(&self, organization_id: &str, name: &str) -> Result<()> {
        let (_turn, mut tx) = self.begin_write().await?;
        let uses: Option<(i64, i64)> = sqlx::query_as(
            "SELECT (SELECT count(*) FROM measure_departments m
                      WHERE m.organization_id = d.organization_id AND m.department_name = d.name),
                    (SELECT count(*) FROM users u
                      WHERE u.organization_id = d.organization_id AND u.department = d.name)
             FROM departments d WHERE d.organization_id = ? AND d.name = ?",
        )
        .bind(organization_id)
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?;
        let (measures, users) = uses.ok_or(StoreError::NotFound(Missing::Department))?;
        if measures > 0 || users > 0 {
            return Err(StoreError::InUse(
                "name",
                Reason::new(
                    "施策または利用者が所属している部署は削除できません。",
                    "A department that measures or users belong to cannot be deleted.",
                ),
            ));
        }
        sqlx::query("DELETE FROM departments WHERE organization_id = ? AND name = ?")
            .bind(organization_id)
            .bind(name)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces the lead and related departments of a measure.
    pub async fn set_measure_departments(
        &self,
        plan_id: &str,
        measure_id: &str,
        departments: MeasureDepartments,
        actor: &Actor,
        now: i64,
        restored_from: Option<i64>,
    ) -> Result<EditOutcome> {
        let (_turn, mut tx) = self.begin_write().await?;
        let (org, plan) = Store::existing_plan(&mut tx, plan_id).await?;
        let measure = plan
            .measures
            .iter()
            .find(|m| m.id == measure_id)
            .ok_or(StoreError::NotFound(Missing::Measure))?;
        check_department_names(&department_names(&mut tx, &org.id).await?, &departments)?;
        let old = MeasureDepartments {
            lead: measure.lead_departments.clone(),
            related: measure.related_departments.clone(),
        };
        if old == departments {
            return Ok(EditOutcome::Unchanged);
        }
        sqlx::query("DELETE FROM measure_departments WHERE plan_id = ? AND measure_id = ?")
            .bind(plan_id)
            .bind(measure_id)
            .execute(&mut *tx)
            .await?;
        for (role, names) in [
            ("lead", &departments.lead),
            ("related", &departments.related),
        ] {
            for (position, name) in names.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO measure_departments (plan_id, measure_id, organization_id, department_name, role, position)
                     VALUES (?, ?, ?, ?, ?, ?)",
                )
                .bind(plan_id)
                .bind(measure_id)
                .bind(&org.id)
                .bind(name)
                .bind(role)
                .bind(position as i64)
                .execute(&mut *tx)
                .await?;
            }
        }
        let change = Change {
            organization_id: &org.id,
            plan_id,
            entity: "measure",
            entity_id: measure_id,
            field: "departments",
            old_value: Some(serde_json::to_value(&old)?),
            new_value: Some(serde_json::to_value(&departments)?),
            restored_from,
        };
        self.commit_logged(tx, actor, change, now).await
    }

    /// Sets one text field of a structure node. The title cannot be cleared.
    pub async fn edit_node(
        &self,
        edit: NodeEdit<'_>,
        actor: &Actor,
        now: i64,
    ) -> Result<EditOutcome> {
        let NodeEdit {
            plan_id,
            node_id,
            field,
            value,
            restored_from,
        } = edit;
        if field == "title" && value.as_deref().is_none_or(|v| v.trim().is_empty()) {
            return Err(StoreError::invalid(
                "value",
                Reason::new("見出しは空にできません。", "A heading cannot be empty."),
            ));
        }
        check_node_text("value", field, value.as_deref())?;
        let (_turn, mut tx) = self.begin_write().await?;
        let (org, mut plan) = Store::existing_plan(&mut tx, plan_id).await?;
        let node = find_node_mut(&mut plan.structure, node_id)
            .ok_or(StoreError::NotFound(Missing::Node))?;
        let old = match field {
            "title" => Some(std::mem::replace(
                &mut node.title,
                value.clone().unwrap_or_default(),
            )),
            "label" => std::mem::replace(&mut node.label, value.clone()),
            "number" => std::mem::replace(&mut node.number, value.clone()),
            "description" => std::mem::replace(&mut node.description, value.clone()),
            _ => return Err(StoreError::NotFound(Missing::Field)),
        };
        if old == value {
            return Ok(EditOutcome::Unchanged);
        }
        // Column names come from this fixed list, never from the request.
        let sql = match field {
            "title" => "UPDATE structure_nodes SET title = ? WHERE plan_id = ? AND id = ?",
            "label" => "UPDATE structure_nodes SET label = ? WHERE plan_id = ? AND id = ?",
            "number" => "UPDATE structure_nodes SET number = ? WHERE plan_id = ? AND id = ?",
            _ => "UPDATE structure_nodes SET description = ? WHERE plan_id = ? AND id = ?",
        };
        sqlx::query(sql)
            .bind(&value)
            .bind(plan_id)
            .bind(node_id)
            .execute(&mut *tx)
            .await?;
        crate::audit::reindex(&mut tx, &plan).await?;
        let change = Change {
            organization_id: &org.id,
            plan_id,
            entity: "node",
            entity_id: node_id,
            field,
            old_value: old.map(Value::String),
            new_value: value.map(Value::String),
            restored_from,
        };
        self.commit_logged(tx, actor, change, now).await
    }

    /// Replaces the measures placed under a node, in order. A measure may sit under several
    /// nodes (再掲), but only once under each.
    pub async fn set_node_measures(
        &self,
        plan_id: &str,
        node_id: &str,
        measure_ids: Vec<String>,
        actor: &Actor,
        now: i64,
        restored_from: Option<i64>,
    ) -> Result<EditOutcome> {
        let (_turn, mut tx) = self.begin_write().await?;
        let (org, mut plan) = Store::existing_plan(&mut tx, plan_id).await?;
        let mut seen = std::collections::HashSet::new();
        for id in &measure_ids {
            if !plan.measures.iter().any(|m| &m.id == id) {
                return Err(StoreError::invalid(
                    "measures",
                    Reason::new("存在しない施策です。", "There is no such measure."),
                ));
            }
            if !seen.insert(id) {
                return Err(StoreError::invalid(
                    "measures",
                    Reason::new(
                        "同じ施策が重複しています。",
                        "The same measure is listed twice.",
                    ),
                ));
            }
        }
        let node = find_node_mut(&mut plan.structure, node_id)
            .ok_or(StoreError::NotFound(Missing::Node))?;
        let old = std::mem::replace(&mut node.measures, measure_ids.clone());
        if old == measure_ids {
            return Ok(EditOutcome::Unchanged);
        }
        sqlx::query("DELETE FROM node_measures WHERE plan_id = ? AND node_id = ?")
            .bind(plan_id)
            .bind(node_id)
            .execute(&mut *tx)
            .await?;
        for (position, measure_id) in measure_ids.iter().enumerate() {
            sqlx::query(
                "INSERT INTO node_measures (plan_id, node_id, measure_id, position) VALUES (?, ?, ?, ?)",
            )
            .bind(plan_id)
            .bind(node_id)
            .bind(measure_id)
            .bind(position as i64)
            .execute(&mut *tx)
            .await?;
        }
        let change = Change {
            organization_id: &org.id,
            plan_id,
            entity: "node",
            entity_id: node_id,
            field: "measures",
            old_value: Some(json!(old)),
            new_value: Some(json!(measure_ids)),
            restored_from,
        };
        self.commit_logged(tx, actor, change, now).await
    }

    /// Adds a node under `parent_id` (or at the top level), after its existing siblings.
    pub async fn add_node(
        &self,
        plan_id: &str,
        node: NewNode,
        actor: &Actor,
        now: i64,
    ) -> Result<EditOutcome> {
        if !is_valid_id(&node.id) {
            return Err(StoreError::invalid(
                "id",
                Reason::new(
                    "IDは64文字以内の英小文字・数字・ハイフンで、英小文字か数字から始めてください。",
                    "An ID is up to 64 lowercase letters, digits and hyphens, and begins with a letter or digit.",
                ),
            ));
        }
        for (field, value) in [
            ("title", Some(&node.title)),
            ("label", node.label.as_ref()),
            ("number", node.number.as_ref()),
            ("description", node.description.as_ref()),
        ] {
            check_node_text(field, field, value.map(String::as_str))?;
        }
        let (_turn, mut tx) = self.begin_write().await?;
        let (org, mut plan) = Store::existing_plan(&mut tx, plan_id).await?;
        if walk_nodes(&plan.structure).iter().any(|n| n.id == node.id) {
            return Err(StoreError::invalid(
                "id",
                Reason::new(
                    "同じIDの項目があります。",
                    "An item with this ID already exists.",
                ),
            ));
        }
        let new_node = Node {
            id: node.id.clone(),
            kind: node.kind,
            label: node.label.clone(),
            number: node.number.clone(),
            title: node.title.clone(),
            description: node.description.clone(),
            children: Vec::new(),
            measures: Vec::new(),
            en: None,
        };
        match &node.parent_id {
            Some(parent) => find_node_mut(&mut plan.structure, parent)
                .ok_or_else(|| {
                    StoreError::invalid(
                        "parent_id",
                        Reason::new("親の項目がありません。", "There is no such parent item."),
                    )
                })?
                .children
                .push(new_node),
            None => plan.structure.push(new_node),
        }
        // Positions order siblings (`read::build_tree`): after the parent's last child.
        sqlx::query(
            "INSERT INTO structure_nodes (plan_id, id, parent_id, position, kind, label, number, title, description)
             VALUES (?1, ?2, ?3,
                     (SELECT coalesce(max(position), -1) + 1 FROM structure_nodes
                      WHERE plan_id = ?1 AND parent_id IS ?3),
                     ?4, ?5, ?6, ?7, ?8)",
        )
        .bind(plan_id)
        .bind(&node.id)
        .bind(&node.parent_id)
        .bind(serde_json::to_value(node.kind)?.as_str().unwrap_or_default())
        .bind(&node.label)
        .bind(&node.number)
        .bind(&node.title)
        .bind(&node.description)
        .execute(&mut *tx)
        .await?;
        crate::audit::reindex(&mut tx, &plan).await?;
        let change = Change {
            organization_id: &org.id,
            plan_id,
            entity: "node",
            entity_id: &node.id,
            field: "created",
            old_value: None,
            new_value: Some(serde_json::to_value(&node)?),
            restored_from: None,
        };
        self.commit_logged(tx, actor, change, now).await
    }

    /// Removes a node that has no child nodes; its placements go with it (the measures stay).
    pub async fn remove_node(
        &self,
        plan_id: &str,
        node_id: &str,
        actor: &Actor,
        now: i64,
    ) -> Result<EditOutcome> {
        let (_turn, mut tx) = self.begin_write().await?;
        let (org, mut plan) = Store::existing_plan(&mut tx, plan_id).await?;
        let node = find_node_mut(&mut plan.structure, node_id)
            .ok_or(StoreError::NotFound(Missing::Node))?;
        if !node.children.is_empty() {
            return Err(StoreError::invalid(
                "node_id",
                Reason::new(
                    "下位の項目がある項目は削除できません。先に下位の項目を削除してください。",
                    "An item with items under it cannot be deleted. Delete the items under it first.",
                ),
            ));
        }
        let removed = json!({
            "id": node.id, "kind": node.kind, "label": node.label, "number": node.number,
            "title": node.title, "description": node.description, "measures": node.measures,
        });
        fn detach(nodes: &mut Vec<Node>, id: &str) {
            nodes.retain(|n| n.id != id);
            for node in nodes {
                detach(&mut node.children, id);
            }
        }
        detach(&mut plan.structure, node_id);
        sqlx::query("DELETE FROM structure_nodes WHERE plan_id = ? AND id = ?")
            .bind(plan_id)
            .bind(node_id)
            .execute(&mut *tx)
            .await?;
        crate::audit::reindex(&mut tx, &plan).await?;
        let change = Change {
            organization_id: &org.id,
            plan_id,
            entity: "node",
            entity_id: node_id,
            field: "removed",
            old_value: Some(removed),
            new_value: None,
            restored_from: None,
        };
        self.commit_logged(tx, actor, change, now).await
    }
}
