//! Comparing two versions of a plan: what was added, removed, moved, renamed and reworded.
//!
//! Measures, actions, nodes, chapters and glossary entries are matched by id, which they keep
//! across versions. KPIs and milestones have no id: they are aligned by their label (text)
//! in order, and a removal next to an addition at the same place counts as one change.
//! Changed text is diffed by character ([`super::text_diff`]).

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::text_diff::{diff_text, Span};
use crate::fiscal::FiscalYear;
use crate::format::*;
use crate::lang::Lang;
use crate::views::measure_field_label;

/// What kind of thing changed; the order is the order of the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Plan,
    Chapter,
    Node,
    Measure,
    Action,
    Kpi,
    Cell,
    Milestone,
    Term,
}

impl ItemKind {
    pub fn label(self) -> &'static str {
        self.label_in(Lang::Ja)
    }

    /// The kind as the summary, the table of counts and the groups of changes name it:
    /// 「施策」, or "Measures" (English names the kind by its items, in the plural).
    pub fn label_in(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (ItemKind::Plan, Lang::Ja) => "計画の基本情報",
            (ItemKind::Chapter, Lang::Ja) => "本文",
            (ItemKind::Node, Lang::Ja) => "体系の項目",
            (ItemKind::Measure, Lang::Ja) => "施策",
            (ItemKind::Action, Lang::Ja) => "取組",
            (ItemKind::Kpi, Lang::Ja) => "KPI",
            (ItemKind::Cell, Lang::Ja) => "工程表",
            (ItemKind::Milestone, Lang::Ja) => "マイルストーン",
            (ItemKind::Term, Lang::Ja) => "用語",
            (ItemKind::Plan, Lang::En) => "Plan details",
            (ItemKind::Chapter, Lang::En) => "Text of the plan",
            (ItemKind::Node, Lang::En) => "Structure items",
            (ItemKind::Measure, Lang::En) => "Measures",
            (ItemKind::Action, Lang::En) => "Actions",
            (ItemKind::Kpi, Lang::En) => "KPIs",
            (ItemKind::Cell, Lang::En) => "Roadmap entries",
            (ItemKind::Milestone, Lang::En) => "Milestones",
            (ItemKind::Term, Lang::En) => "Glossary terms",
        }
    }

    /// One item of the kind, as the heading of a changed item names it: 「施策」, or "Measure".
    pub fn item_label_in(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (_, Lang::Ja) => self.label_in(lang),
            (ItemKind::Plan, Lang::En) => "Plan details",
            (ItemKind::Chapter, Lang::En) => "Section",
            (ItemKind::Node, Lang::En) => "Structure item",
            (ItemKind::Measure, Lang::En) => "Measure",
            (ItemKind::Action, Lang::En) => "Action",
            (ItemKind::Kpi, Lang::En) => "KPI",
            (ItemKind::Cell, Lang::En) => "Roadmap entry",
            (ItemKind::Milestone, Lang::En) => "Milestone",
            (ItemKind::Term, Lang::En) => "Glossary term",
        }
    }

    fn slug(self) -> &'static str {
        match self {
            ItemKind::Plan => "plan",
            ItemKind::Chapter => "chapter",
            ItemKind::Node => "node",
            ItemKind::Measure => "measure",
            ItemKind::Action => "action",
            ItemKind::Kpi => "kpi",
            ItemKind::Cell => "cell",
            ItemKind::Milestone => "milestone",
            ItemKind::Term => "term",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Added,
    Removed,
    Changed,
}

impl Change {
    pub fn label(self) -> &'static str {
        self.label_in(Lang::Ja)
    }

    /// 「追加」, or "added" (lower case, as the English summary writes it after a count).
    pub fn label_in(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Change::Added, Lang::Ja) => "追加",
            (Change::Removed, Lang::Ja) => "削除",
            (Change::Changed, Lang::Ja) => "変更",
            (Change::Added, Lang::En) => "added",
            (Change::Removed, Lang::En) => "removed",
            (Change::Changed, Lang::En) => "changed",
        }
    }
}

/// What a [`Count`] of moved items says (the other counts say a [`Change`]'s label).
pub const MOVED: &str = "移動";

/// Where a node at the top of the structure sits, as [`Moved`] gives it.
pub const TOP_LEVEL: &str = "最上位";

/// One field's text in both versions, as runs of equal, inserted and deleted text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDiff {
    /// The field's name in the plan format (`direction`, `text`, `2024` …).
    pub field: String,
    pub label: String,
    pub spans: Vec<Span>,
}

/// Where an item sits in the structure, before and after, when that changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Moved {
    pub from: Vec<String>,
    pub to: Vec<String>,
}

/// A place of [`Moved`] to show in `lang`: the trail of the plan's titles as it is, the top
/// of the structure ([`TOP_LEVEL`]) in the page's words.
pub fn place_in(place: &str, lang: Lang) -> &str {
    match lang {
        Lang::En if place == TOP_LEVEL => "Top level",
        _ => place,
    }
}

/// One thing that differs between the versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemDiff {
    pub kind: ItemKind,
    /// The item's id: a measure, action, node, chapter or term id; `measure/kpi/2` for a KPI,
    /// `item/2024` for a roadmap cell, the position for a milestone.
    pub id: String,
    /// The measure an action, KPI or roadmap cell belongs to, and its number and title.
    pub measure: Option<String>,
    pub measure_title: Option<String>,
    /// How the item is named (in the newer version, or the older if it was removed).
    pub title: String,
    pub change: Change,
    /// Its title changed.
    pub renamed: bool,
    /// It moved in the structure or in the order of its siblings.
    pub moved: Option<Moved>,
    /// The fields that differ; for an added or removed item, every field it has.
    pub fields: Vec<FieldDiff>,
}

impl ItemDiff {
    /// The anchor of the item on the comparison page: `diff-measure-citizen-01`.
    pub fn anchor(&self) -> String {
        anchor(self.kind, &self.id)
    }

    /// The item's title for a page in `lang`: the plan's words, and what the page adds in its
    /// own words, kept apart so each is marked with its language. Only a roadmap entry adds
    /// anything (its fiscal year, which its Japanese title holds already).
    pub fn title_in(&self, lang: Lang) -> (String, Option<String>) {
        if lang != Lang::Ja && self.kind == ItemKind::Cell {
            if let Some(year) = cell_year(&self.id) {
                if let Some(row) = self.title.strip_suffix(&format!("（{}）", year.label())) {
                    return (row.to_owned(), Some(year.label_in(lang)));
                }
            }
        }
        (self.title.clone(), None)
    }

    /// The name of one of the item's fields in `lang`. In Japanese it is the label the
    /// comparison gave the field; a field English has no name for keeps that label.
    pub fn field_label_in(&self, field: &FieldDiff, lang: Lang) -> String {
        if lang == Lang::Ja {
            return field.label.clone();
        }
        if self.kind == ItemKind::Cell {
            if let Some(year) = cell_year(&self.id) {
                return year.label_in(lang);
            }
        }
        field_label_en(self.kind, &field.field).map_or_else(|| field.label.clone(), str::to_owned)
    }
}

/// The fiscal year of a roadmap entry from its id (`item/2024`).
fn cell_year(id: &str) -> Option<FiscalYear> {
    id.rsplit_once('/')
        .and_then(|(_, year)| year.parse().ok())
        .map(FiscalYear)
}

/// The English name of a field of a kind of item, as the comparison shows it.
fn field_label_en(kind: ItemKind, field: &str) -> Option<&'static str> {
    Some(match (kind, field) {
        (ItemKind::Plan, "title") => "Plan title",
        (ItemKind::Plan, "subtitle") => "Subtitle",
        (ItemKind::Plan, "adopted") => "Adopted",
        (ItemKind::Plan, "period") => "Plan period",
        (ItemKind::Plan, "positioning") => "Position of the plan",
        (ItemKind::Plan, "source") => "Source",
        (ItemKind::Chapter, "number") => "Number",
        (ItemKind::Chapter, "title") => "Heading",
        (ItemKind::Chapter, "body") => "Text",
        (ItemKind::Chapter, "lists") => "Lists and tables",
        (ItemKind::Node, "label") => "Level",
        (ItemKind::Node, "number") => "Number",
        (ItemKind::Node, "title") => "Name",
        (ItemKind::Node, "description") => "Description",
        (ItemKind::Measure, field) => return crate::views::measure_field_label_en(field),
        (ItemKind::Action, "number") => "Number",
        (ItemKind::Action, "title") => "Action",
        (ItemKind::Action, "group") => "Group",
        (ItemKind::Action, "group_description") => "Description of the group",
        (ItemKind::Kpi, "label") => "Indicator",
        (ItemKind::Kpi, "text") => "Target as written",
        (ItemKind::Kpi, "baseline") => "Baseline",
        (ItemKind::Kpi, "target") => "Target",
        (ItemKind::Kpi, "source") => "Source",
        (ItemKind::Milestone, "fiscal_year") => "Fiscal year",
        (ItemKind::Milestone, "group") => "Group",
        (ItemKind::Milestone, "text") => "What",
        (ItemKind::Milestone, "note") => "Note",
        (ItemKind::Term, "term") => "Term",
        (ItemKind::Term, "aliases") => "Other names",
        (ItemKind::Term, "index") => "Index entry",
        (ItemKind::Term, "definition") => "Definition",
        _ => return None,
    })
}

/// The anchor of an item on the comparison page.
pub fn anchor(kind: ItemKind, id: &str) -> String {
    let id: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("diff-{}-{id}", kind.slug())
}

/// Everything that differs, in the order of the newer version (removed items where they were).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PlanDiff {
    pub items: Vec<ItemDiff>,
}

/// How many items of a kind were added, removed, changed or moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub kind: ItemKind,
    pub what: &'static str,
    pub count: usize,
}

impl Count {
    /// What was counted in `lang`: 「追加」, or "added".
    pub fn what_in(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Ja => self.what,
            Lang::En => [Change::Added, Change::Removed, Change::Changed]
                .into_iter()
                .find(|c| c.label() == self.what)
                .map_or("moved", |c| c.label_in(lang)),
        }
    }
}

impl PlanDiff {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The changes of one measure, with those of its actions, KPIs and roadmap cells.
    pub fn of_measure<'a>(&'a self, measure: &'a str) -> impl Iterator<Item = &'a ItemDiff> + 'a {
        self.items.iter().filter(move |i| {
            i.measure.as_deref() == Some(measure)
                || (i.kind == ItemKind::Measure && i.id == measure)
        })
    }

    /// Counts per kind, in the order of [`ItemKind`]: additions, removals, changes, then moves.
    pub fn counts(&self) -> Vec<Count> {
        let mut counts: Vec<Count> = Vec::new();
        let mut add = |kind, what, n: usize| {
            if n > 0 {
                counts.push(Count {
                    kind,
                    what,
                    count: n,
                });
            }
        };
        // The actions, KPIs and cells of an added or removed measure come and go with it.
        let whole: HashSet<&str> = self
            .items
            .iter()
            .filter(|i| i.kind == ItemKind::Measure && i.change != Change::Changed)
            .map(|i| i.id.as_str())
            .collect();
        let counted: Vec<&ItemDiff> = self
            .items
            .iter()
            .filter(|i| i.measure.as_deref().is_none_or(|m| !whole.contains(m)))
            .collect();
        let mut kinds: Vec<ItemKind> = counted.iter().map(|i| i.kind).collect();
        kinds.sort();
        kinds.dedup();
        for kind in kinds {
            let of_kind = || counted.iter().filter(move |i| i.kind == kind);
            for change in [Change::Added, Change::Removed] {
                add(
                    kind,
                    change.label(),
                    of_kind().filter(|i| i.change == change).count(),
                );
            }
            let changed = of_kind()
                .filter(|i| i.change == Change::Changed && !i.fields.is_empty())
                .count();
            add(kind, Change::Changed.label(), changed);
            add(kind, MOVED, of_kind().filter(|i| i.moved.is_some()).count());
        }
        counts
    }

    /// 「施策の追加 2件、削除 1件、KPIの変更 5件」.
    pub fn summary(&self) -> String {
        self.summary_in(Lang::Ja)
    }

    /// The summary in `lang`: 「施策の追加 2件、削除 1件、KPIの変更 5件」, or
    /// "Measures: 2 added, 1 removed; KPIs: 5 changed".
    pub fn summary_in(&self, lang: Lang) -> String {
        let counts = self.counts();
        if lang == Lang::En {
            return summary_en(&counts);
        }
        if counts.is_empty() {
            return "変更はありません".into();
        }
        let mut parts = Vec::new();
        let mut last = None;
        for count in counts {
            if last == Some(count.kind) {
                parts.push(format!("{} {}件", count.what, count.count));
            } else {
                parts.push(format!(
                    "{}の{} {}件",
                    count.kind.label(),
                    count.what,
                    count.count
                ));
            }
            last = Some(count.kind);
        }
        parts.join("、")
    }
}

fn summary_en(counts: &[Count]) -> String {
    if counts.is_empty() {
        return "No changes".into();
    }
    let mut kinds: Vec<(ItemKind, Vec<String>)> = Vec::new();
    for count in counts {
        let part = format!("{} {}", count.count, count.what_in(Lang::En));
        match kinds.last_mut() {
            Some((kind, parts)) if *kind == count.kind => parts.push(part),
            _ => kinds.push((count.kind, vec![part])),
        }
    }
    kinds
        .into_iter()
        .map(|(kind, parts)| format!("{}: {}", kind.label_in(Lang::En), parts.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Compares two versions of a plan.
pub fn diff_plans(old: &Plan, new: &Plan) -> PlanDiff {
    let mut out = Vec::new();
    plan_fields(old, new, &mut out);
    chapters(old, new, &mut out);
    nodes(old, new, &mut out);
    measures(old, new, &mut out);
    for item in &mut out {
        if let Some(id) = &item.measure {
            item.measure_title = new.measure(id).or(old.measure(id)).map(measure_name);
        }
    }
    milestones(old, new, &mut out);
    terms(old, new, &mut out);
    PlanDiff { items: out }
}

/// The same fields of both sides, as `fields` takes them.
fn pair<const N: usize>(
    old: [(&'static str, &'static str, Option<String>); N],
    new: [(&'static str, &'static str, Option<String>); N],
) -> Vec<(&'static str, String, Option<String>, Option<String>)> {
    old.into_iter()
        .zip(new)
        .map(|((field, label, a), (_, _, b))| (field, label.to_owned(), a, b))
        .collect()
}

/// Builds the field diffs of an item from `(field, label, old, new)`; unchanged fields drop out.
fn fields(list: Vec<(&str, String, Option<String>, Option<String>)>) -> Vec<FieldDiff> {
    list.into_iter()
        .filter(|(_, _, old, new)| old != new)
        .map(|(field, label, old, new)| FieldDiff {
            field: field.to_owned(),
            label,
            spans: diff_text(old.as_deref().unwrap_or(""), new.as_deref().unwrap_or("")),
        })
        .collect()
}

/// An item that exists in both versions (`Changed`) or in one (`Added`, `Removed`): its
/// fields are compared against nothing for the missing side.
fn item(
    kind: ItemKind,
    id: String,
    measure: Option<String>,
    title: String,
    change: Change,
    field_list: Vec<(&str, String, Option<String>, Option<String>)>,
) -> ItemDiff {
    ItemDiff {
        kind,
        id,
        measure,
        measure_title: None,
        title,
        change,
        renamed: false,
        moved: None,
        fields: fields(field_list),
    }
}

fn change_of<T>(old: &Option<T>, new: &Option<T>) -> Change {
    match (old, new) {
        (None, Some(_)) => Change::Added,
        (Some(_), None) => Change::Removed,
        _ => Change::Changed,
    }
}

fn joined(list: &[String]) -> Option<String> {
    (!list.is_empty()).then(|| list.join("、"))
}

fn plan_fields(old: &Plan, new: &Plan, out: &mut Vec<ItemDiff>) {
    let period = |p: &Plan| {
        p.period.as_ref().map(|p| match &p.text {
            Some(text) => format!("{}（{text}）", p.label()),
            None => p.label(),
        })
    };
    let positioning = |p: &Plan| {
        p.positioning.as_ref().map(|p| {
            let mut lines: Vec<String> = p.text.iter().cloned().collect();
            lines.extend(p.general_plan.iter().map(|g| format!("総合計画：{g}")));
            lines.extend(p.related_plans.iter().map(|r| format!("関連計画：{r}")));
            lines.extend(p.legal_basis.iter().map(|l| format!("根拠法令：{l}")));
            lines.join("\n")
        })
    };
    let list = vec![
        (
            "title",
            "計画名".into(),
            Some(old.title.clone()),
            Some(new.title.clone()),
        ),
        (
            "subtitle",
            "副題".into(),
            old.subtitle.clone(),
            new.subtitle.clone(),
        ),
        (
            "adopted",
            "策定".into(),
            old.adopted.clone(),
            new.adopted.clone(),
        ),
        ("period", "計画期間".into(), period(old), period(new)),
        (
            "positioning",
            "計画の位置付け".into(),
            positioning(old),
            positioning(new),
        ),
        (
            "source",
            "出典".into(),
            old.source.clone(),
            new.source.clone(),
        ),
    ];
    let mut diff = item(
        ItemKind::Plan,
        "plan".into(),
        None,
        new.title.clone(),
        Change::Changed,
        list,
    );
    if !diff.fields.is_empty() {
        diff.renamed = old.title != new.title;
        out.push(diff);
    }
}

fn chapter_fields(c: Option<&Chapter>) -> [(&'static str, &'static str, Option<String>); 4] {
    let lists = c.and_then(|c| {
        let lines: Vec<String> = c
            .lists
            .iter()
            .flat_map(|l| {
                std::iter::once(l.title.clone()).chain(
                    l.items
                        .iter()
                        .map(|i| format!("{}{}", i.number.as_deref().unwrap_or("・"), i.text)),
                )
            })
            .chain(c.tables.iter().flat_map(|t| {
                std::iter::once(t.title.clone())
                    .chain(std::iter::once(t.header.join(" | ")))
                    .chain(t.rows.iter().map(|r| r.join(" | ")))
            }))
            .collect();
        (!lines.is_empty()).then(|| lines.join("\n"))
    });
    [
        ("number", "番号", c.and_then(|c| c.number.clone())),
        ("title", "見出し", c.map(|c| c.title.clone())),
        ("body", "本文", c.and_then(|c| c.body.clone())),
        ("lists", "一覧・表", lists),
    ]
}

fn chapters(old: &Plan, new: &Plan, out: &mut Vec<ItemDiff>) {
    fn flat(chapters: &[Chapter]) -> Vec<&Chapter> {
        chapters.iter().flat_map(Chapter::walk).collect()
    }
    let (old_list, new_list) = (flat(&old.chapters), flat(&new.chapters));
    let olds: HashMap<&str, &Chapter> = old_list.iter().map(|c| (c.id.as_str(), *c)).collect();
    let news: HashMap<&str, &Chapter> = new_list.iter().map(|c| (c.id.as_str(), *c)).collect();
    let order = merged_order(
        &old_list.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        &new_list.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
    );
    for id in order {
        let (o, n) = (olds.get(id).copied(), news.get(id).copied());
        let shown = n.or(o).expect("in one version");
        let title = match &shown.number {
            Some(number) => format!("{number} {}", shown.title),
            None => shown.title.clone(),
        };
        let list = pair(chapter_fields(o), chapter_fields(n));
        let mut diff = item(
            ItemKind::Chapter,
            id.to_owned(),
            None,
            title,
            change_of(&o, &n),
            list,
        );
        diff.renamed = matches!((o, n), (Some(a), Some(b)) if a.title != b.title);
        if !diff.fields.is_empty() {
            out.push(diff);
        }
    }
}

/// Every id of both versions once: the newer version's order, each removed id after the id
/// that preceded it in the older version.
fn merged_order<'a>(old: &[&'a str], new: &[&'a str]) -> Vec<&'a str> {
    let in_new: HashSet<&str> = new.iter().copied().collect();
    let mut order: Vec<&'a str> = new.to_vec();
    let mut previous: Option<&str> = None;
    for &id in old {
        if !in_new.contains(id) {
            let at = match previous {
                Some(p) => order
                    .iter()
                    .position(|&x| x == p)
                    .map_or(order.len(), |i| i + 1),
                None => 0,
            };
            order.insert(at, id);
        }
        previous = Some(id);
    }
    order
}

/// Each node with its parent's id and its trail of titles, in document order.
fn node_places(nodes: &[Node]) -> Vec<(&Node, Option<&str>, String)> {
    fn walk<'a>(
        nodes: &'a [Node],
        parent: Option<&'a Node>,
        trail: &str,
        out: &mut Vec<(&'a Node, Option<&'a str>, String)>,
    ) {
        for node in nodes {
            let name = node_name(node);
            let place = if trail.is_empty() {
                name
            } else {
                format!("{trail} › {name}")
            };
            out.push((node, parent.map(|p| p.id.as_str()), place.clone()));
            walk(&node.children, Some(node), &place, out);
        }
    }
    let mut out = Vec::new();
    walk(nodes, None, "", &mut out);
    out
}

fn node_name(node: &Node) -> String {
    match &node.number {
        Some(number) => format!("{} {number} {}", node.display_label(), node.title),
        None => format!("{} {}", node.display_label(), node.title),
    }
}

/// Ids of `new` that moved relative to the ids both lists share (those outside their longest
/// common subsequence).
fn reordered<'a>(old: &[&'a str], new: &[&'a str]) -> HashSet<&'a str> {
    let old_set: HashSet<&str> = old.iter().copied().collect();
    let new_set: HashSet<&str> = new.iter().copied().collect();
    let a: Vec<&str> = old
        .iter()
        .copied()
        .filter(|x| new_set.contains(x))
        .collect();
    let b: Vec<&str> = new
        .iter()
        .copied()
        .filter(|x| old_set.contains(x))
        .collect();
    let kept: HashSet<usize> = lcs_pairs(&a, &b).into_iter().map(|(_, j)| j).collect();
    b.iter()
        .enumerate()
        .filter(|(j, _)| !kept.contains(j))
        .map(|(_, id)| *id)
        .collect()
}

/// Index pairs of a longest common subsequence of `a` and `b`.
fn lcs_pairs<T: PartialEq>(a: &[T], b: &[T]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let mut table = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[at(i, j)] = if a[i] == b[j] {
                table[at(i + 1, j + 1)] + 1
            } else {
                table[at(i + 1, j)].max(table[at(i, j + 1)])
            };
        }
    }
    let (mut i, mut j, mut pairs) = (0, 0, Vec::new());
    while i < n && j < m {
        if a[i] == b[j] {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if table[at(i + 1, j)] >= table[at(i, j + 1)] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

/// Aligns two lists without ids by `key`: items with equal keys in a common subsequence pair
/// up, and between two such pairs the leftover items pair up in order (a reworded item);
/// the rest are additions and removals. In the newer list's order.
fn align<T, K: PartialEq>(
    old: &[T],
    new: &[T],
    key: impl Fn(&T) -> K,
) -> Vec<(Option<usize>, Option<usize>)> {
    let a: Vec<K> = old.iter().map(&key).collect();
    let b: Vec<K> = new.iter().map(&key).collect();
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    let mut anchors = lcs_pairs(&a, &b);
    anchors.push((old.len(), new.len()));
    for (ai, bj) in anchors {
        let (olds, news) = (ai - i, bj - j);
        for k in 0..olds.max(news) {
            out.push(((k < olds).then_some(i + k), (k < news).then_some(j + k)));
        }
        if ai < old.len() {
            out.push((Some(ai), Some(bj)));
        }
        i = ai + 1;
        j = bj + 1;
    }
    out
}

fn nodes(old: &Plan, new: &Plan, out: &mut Vec<ItemDiff>) {
    let (old_places, new_places) = (node_places(&old.structure), node_places(&new.structure));
    let olds: HashMap<&str, &(&Node, Option<&str>, String)> =
        old_places.iter().map(|p| (p.0.id.as_str(), p)).collect();
    let news: HashMap<&str, &(&Node, Option<&str>, String)> =
        new_places.iter().map(|p| (p.0.id.as_str(), p)).collect();
    let siblings =
        |places: &[(&Node, Option<&str>, String)], parent: Option<&str>| -> Vec<String> {
            places
                .iter()
                .filter(|p| p.1 == parent)
                .map(|p| p.0.id.clone())
                .collect()
        };
    let order = merged_order(
        &old_places
            .iter()
            .map(|p| p.0.id.as_str())
            .collect::<Vec<_>>(),
        &new_places
            .iter()
            .map(|p| p.0.id.as_str())
            .collect::<Vec<_>>(),
    );
    let parent_trail = |trail: &str| -> String {
        trail
            .rsplit_once(" › ")
            .map_or(TOP_LEVEL.to_owned(), |(p, _)| p.to_owned())
    };
    for id in order {
        let (o, n) = (olds.get(id).copied(), news.get(id).copied());
        let node_fields = |p: Option<&(&Node, Option<&str>, String)>| {
            let node = p.map(|p| p.0);
            [
                ("label", "区分", node.map(|n| n.display_label().to_owned())),
                ("number", "番号", node.and_then(|n| n.number.clone())),
                ("title", "名称", node.map(|n| n.title.clone())),
                (
                    "description",
                    "説明",
                    node.and_then(|n| n.description.clone()),
                ),
            ]
        };
        let list = pair(node_fields(o), node_fields(n));
        let shown = n.or(o).expect("in one version");
        let mut diff = item(
            ItemKind::Node,
            id.to_owned(),
            None,
            node_name(shown.0),
            change_of(&o, &n),
            list,
        );
        if let (Some(o), Some(n)) = (o, n) {
            diff.renamed = o.0.title != n.0.title;
            let reparented = o.1 != n.1;
            let reordered = !reparented && {
                let a = siblings(&old_places, o.1);
                let b = siblings(&new_places, n.1);
                let a: Vec<&str> = a.iter().map(String::as_str).collect();
                let b: Vec<&str> = b.iter().map(String::as_str).collect();
                reordered(&a, &b).contains(id)
            };
            if reparented || reordered {
                diff.moved = Some(Moved {
                    from: vec![parent_trail(&o.2)],
                    to: vec![parent_trail(&n.2)],
                });
            }
        }
        if !diff.fields.is_empty() || diff.moved.is_some() {
            out.push(diff);
        }
    }
}

/// Where each measure is placed: the nodes that list it, with their trails of titles.
fn placements(plan: &Plan) -> HashMap<&str, Vec<(&str, String)>> {
    let mut out: HashMap<&str, Vec<(&str, String)>> = HashMap::new();
    for (node, _, trail) in node_places(&plan.structure) {
        for measure in &node.measures {
            out.entry(plan.measure(measure).map_or("", |m| m.id.as_str()))
                .or_default()
                .push((node.id.as_str(), trail.clone()));
        }
    }
    out
}

fn measure_name(m: &Measure) -> String {
    match &m.number {
        Some(number) => format!("{number} {}", m.title),
        None => m.title.clone(),
    }
}

fn measures(old: &Plan, new: &Plan, out: &mut Vec<ItemDiff>) {
    let olds: HashMap<&str, &Measure> = old.measures.iter().map(|m| (m.id.as_str(), m)).collect();
    let news: HashMap<&str, &Measure> = new.measures.iter().map(|m| (m.id.as_str(), m)).collect();
    let (old_places, new_places) = (placements(old), placements(new));
    let old_ids: Vec<&str> = old.measures.iter().map(|m| m.id.as_str()).collect();
    let new_ids: Vec<&str> = new.measures.iter().map(|m| m.id.as_str()).collect();
    let mut moved_in_order = reordered(&old_ids, &new_ids);
    // Reordered inside a node they stay under.
    for (node, _, _) in node_places(&new.structure) {
        let before = node_places(&old.structure)
            .into_iter()
            .find(|(n, _, _)| n.id == node.id)
            .map(|(n, _, _)| n.measures.iter().map(String::as_str).collect::<Vec<_>>())
            .unwrap_or_default();
        let after: Vec<&str> = node.measures.iter().map(String::as_str).collect();
        moved_in_order.extend(reordered(&before, &after));
    }
    for id in merged_order(&old_ids, &new_ids) {
        let (o, n) = (olds.get(id).copied(), news.get(id).copied());
        let shown = n.or(o).expect("in one version");
        let mut diff = item(
            ItemKind::Measure,
            id.to_owned(),
            None,
            measure_name(shown),
            change_of(&o, &n),
            measure_field_list(o, n),
        );
        if let (Some(a), Some(b)) = (o, n) {
            diff.renamed = a.title != b.title;
            let from = old_places.get(id).cloned().unwrap_or_default();
            let to = new_places.get(id).cloned().unwrap_or_default();
            // A measure whose node moved stays where it was: only the node moved.
            let same_nodes =
                from.len() == to.len() && from.iter().zip(&to).all(|(a, b)| a.0 == b.0);
            if !same_nodes || moved_in_order.contains(id) {
                let trails = |list: Vec<(&str, String)>| list.into_iter().map(|p| p.1).collect();
                diff.moved = Some(Moved {
                    from: trails(from),
                    to: trails(to),
                });
            }
        }
        if !diff.fields.is_empty() || diff.moved.is_some() {
            out.push(diff);
        }
        actions(o, n, id, out);
        kpis(o, n, id, out);
        cells(o, n, id, out);
    }
}

fn measure_field_list(
    o: Option<&Measure>,
    n: Option<&Measure>,
) -> Vec<(&'static str, String, Option<String>, Option<String>)> {
    let texts = |m: Option<&Measure>| {
        [
            ("number", m.and_then(|m| m.number.clone())),
            ("title", m.map(|m| m.title.clone())),
            ("summary", m.and_then(|m| m.summary.clone())),
            ("outcome", m.and_then(|m| m.outcome.clone())),
            ("target_state", m.and_then(|m| m.target_state.clone())),
            ("current_issues", m.and_then(|m| m.current_issues.clone())),
            ("direction", m.and_then(|m| m.direction.clone())),
            ("content", m.and_then(|m| m.content.clone())),
            (
                "lead_departments",
                m.and_then(|m| joined(&m.lead_departments)),
            ),
            (
                "related_departments",
                m.and_then(|m| joined(&m.related_departments)),
            ),
            (
                "departments_note",
                m.and_then(|m| m.departments_note.clone()),
            ),
            (
                "general_plan_refs",
                m.and_then(|m| joined(&m.general_plan_refs)),
            ),
        ]
    };
    texts(o)
        .into_iter()
        .zip(texts(n))
        .map(|((field, a), (_, b))| (field, measure_list_label(field).to_owned(), a, b))
        .collect()
}

/// Japanese label of a measure field as the comparison shows it.
pub fn measure_list_label(field: &str) -> &'static str {
    measure_list_label_in(field, Lang::Ja)
}

/// The label of a measure field in `lang`, as the comparison and the measure's history show
/// it: 「担当課」, or "Lead departments"; a field without a name is 「その他」 or "Other".
pub fn measure_list_label_in(field: &str, lang: Lang) -> &'static str {
    if lang == Lang::En {
        return crate::views::measure_field_label_en(field).unwrap_or("Other");
    }
    match field {
        "number" => "番号",
        "lead_departments" => "担当課",
        "related_departments" => "関係課",
        "departments_note" => "担当課の注記",
        "general_plan_refs" => "関連する総合計画の施策番号",
        other => measure_field_label(other),
    }
}

fn action_name(a: &Action) -> String {
    match &a.number {
        Some(number) => format!("{number} {}", a.title),
        None => a.title.clone(),
    }
}

fn actions(o: Option<&Measure>, n: Option<&Measure>, measure: &str, out: &mut Vec<ItemDiff>) {
    let empty = Vec::new();
    let old_list = o.map_or(&empty, |m| &m.actions);
    let new_list = n.map_or(&empty, |m| &m.actions);
    let olds: HashMap<&str, &Action> = old_list.iter().map(|a| (a.id.as_str(), a)).collect();
    let news: HashMap<&str, &Action> = new_list.iter().map(|a| (a.id.as_str(), a)).collect();
    let old_ids: Vec<&str> = old_list.iter().map(|a| a.id.as_str()).collect();
    let new_ids: Vec<&str> = new_list.iter().map(|a| a.id.as_str()).collect();
    let moved = reordered(&old_ids, &new_ids);
    for id in merged_order(&old_ids, &new_ids) {
        let (a, b) = (olds.get(id).copied(), news.get(id).copied());
        let texts = |x: Option<&Action>| {
            [
                ("number", "番号", x.and_then(|x| x.number.clone())),
                ("title", "取組名", x.map(|x| x.title.clone())),
                ("group", "区分", x.and_then(|x| x.group.clone())),
                (
                    "group_description",
                    "区分の説明",
                    x.and_then(|x| x.group_description.clone()),
                ),
            ]
        };
        let list = pair(texts(a), texts(b));
        let mut diff = item(
            ItemKind::Action,
            id.to_owned(),
            Some(measure.to_owned()),
            action_name(b.or(a).expect("in one version")),
            change_of(&a, &b),
            list,
        );
        if let (Some(x), Some(y)) = (a, b) {
            diff.renamed = x.title != y.title;
            if moved.contains(id) {
                diff.moved = Some(Moved {
                    from: vec![o.map(measure_name).unwrap_or_default()],
                    to: vec![n.map(measure_name).unwrap_or_default()],
                });
            }
        }
        if !diff.fields.is_empty() || diff.moved.is_some() {
            out.push(diff);
        }
        cell_rows(
            a.map(|a| &a.schedule[..]),
            b.map(|b| &b.schedule[..]),
            id,
            measure,
            &diff_title(a, b),
            out,
        );
    }
}

fn diff_title(a: Option<&Action>, b: Option<&Action>) -> String {
    b.or(a).map(action_name).unwrap_or_default()
}

fn kpi_point(p: &Option<KpiPoint>, amount: Option<String>) -> Option<String> {
    p.as_ref().zip(amount).map(|(p, mut text)| {
        let year = p.year_label();
        if !year.is_empty() {
            text = format!("{text}（{year}）");
        }
        if let Some(note) = &p.note {
            text = format!("{text} {note}");
        }
        text
    })
}

fn kpis(o: Option<&Measure>, n: Option<&Measure>, measure: &str, out: &mut Vec<ItemDiff>) {
    let empty = Vec::new();
    let old_list = o.map_or(&empty, |m| &m.kpis);
    let new_list = n.map_or(&empty, |m| &m.kpis);
    for (i, j) in align(old_list, new_list, |k| k.label.clone()) {
        let (a, b) = (i.map(|i| &old_list[i]), j.map(|j| &new_list[j]));
        let texts = |k: Option<&Kpi>| {
            [
                ("label", "指標", k.map(|k| k.label.clone())),
                ("text", "目標", k.map(|k| k.text.clone())),
                (
                    "baseline",
                    "基準値",
                    k.and_then(|k| kpi_point(&k.baseline, k.baseline_amount())),
                ),
                (
                    "target",
                    "目標値",
                    k.and_then(|k| kpi_point(&k.target, k.target_amount())),
                ),
                ("source", "出典", k.and_then(|k| k.source.clone())),
            ]
        };
        let list = pair(texts(a), texts(b));
        let position = j.or(i).unwrap_or(0);
        let mut diff = item(
            ItemKind::Kpi,
            format!("{measure}/kpi/{position}"),
            Some(measure.to_owned()),
            b.or(a).map(|k| k.label.clone()).unwrap_or_default(),
            change_of(&a, &b),
            list,
        );
        diff.renamed = matches!((a, b), (Some(x), Some(y)) if x.label != y.label);
        if !diff.fields.is_empty() {
            out.push(diff);
        }
    }
}

fn cells(o: Option<&Measure>, n: Option<&Measure>, measure: &str, out: &mut Vec<ItemDiff>) {
    let title = n.or(o).map(measure_name).unwrap_or_default();
    cell_rows(
        o.map(|m| &m.schedule[..]),
        n.map(|m| &m.schedule[..]),
        measure,
        measure,
        &title,
        out,
    );
}

/// The roadmap cells of one row (a measure or an action), year by year.
fn cell_rows(
    old: Option<&[ScheduleCell]>,
    new: Option<&[ScheduleCell]>,
    item_id: &str,
    measure: &str,
    row_title: &str,
    out: &mut Vec<ItemDiff>,
) {
    let old = old.unwrap_or_default();
    let new = new.unwrap_or_default();
    let mut years: Vec<_> = old.iter().chain(new).map(|c| c.fiscal_year).collect();
    years.sort();
    years.dedup();
    for year in years {
        let a = old
            .iter()
            .find(|c| c.fiscal_year == year)
            .map(|c| c.text.clone());
        let b = new
            .iter()
            .find(|c| c.fiscal_year == year)
            .map(|c| c.text.clone());
        if a == b {
            continue;
        }
        let change = change_of(&a, &b);
        out.push(item(
            ItemKind::Cell,
            format!("{item_id}/{}", year.0),
            Some(measure.to_owned()),
            format!("{row_title}（{}）", year.label()),
            change,
            vec![("text", year.label(), a, b)],
        ));
    }
}

fn milestones(old: &Plan, new: &Plan, out: &mut Vec<ItemDiff>) {
    let key = |m: &Milestone| (m.fiscal_year, m.text.clone());
    for (i, j) in align(&old.milestones, &new.milestones, key) {
        let (a, b) = (i.map(|i| &old.milestones[i]), j.map(|j| &new.milestones[j]));
        let texts = |m: Option<&Milestone>| {
            [
                ("fiscal_year", "年度", m.map(|m| m.fiscal_year.label())),
                ("group", "区分", m.and_then(|m| m.group.clone())),
                ("text", "内容", m.map(|m| m.text.clone())),
                ("note", "備考", m.and_then(|m| m.note.clone())),
            ]
        };
        let list = pair(texts(a), texts(b));
        let shown = b.or(a).expect("in one version");
        let diff = item(
            ItemKind::Milestone,
            j.or(i).unwrap_or(0).to_string(),
            None,
            format!("{} {}", shown.fiscal_year.label(), shown.text),
            change_of(&a, &b),
            list,
        );
        if !diff.fields.is_empty() {
            out.push(diff);
        }
    }
}

fn terms(old: &Plan, new: &Plan, out: &mut Vec<ItemDiff>) {
    let olds: HashMap<&str, &Term> = old.glossary.iter().map(|t| (t.id.as_str(), t)).collect();
    let news: HashMap<&str, &Term> = new.glossary.iter().map(|t| (t.id.as_str(), t)).collect();
    let order = merged_order(
        &old.glossary
            .iter()
            .map(|t| t.id.as_str())
            .collect::<Vec<_>>(),
        &new.glossary
            .iter()
            .map(|t| t.id.as_str())
            .collect::<Vec<_>>(),
    );
    for id in order {
        let (a, b) = (olds.get(id).copied(), news.get(id).copied());
        let texts = |t: Option<&Term>| {
            [
                ("term", "用語", t.map(|t| t.term.clone())),
                ("aliases", "別名", t.and_then(|t| joined(&t.aliases))),
                ("index", "索引", t.and_then(|t| t.index.clone())),
                ("definition", "説明", t.map(|t| t.definition.clone())),
            ]
        };
        let list = pair(texts(a), texts(b));
        let mut diff = item(
            ItemKind::Term,
            id.to_owned(),
            None,
            b.or(a).map(|t| t.term.clone()).unwrap_or_default(),
            change_of(&a, &b),
            list,
        );
        diff.renamed = matches!((a, b), (Some(x), Some(y)) if x.term != y.term);
        if !diff.fields.is_empty() {
            out.push(diff);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changed(kind: ItemKind, id: &str, change: Change, title: &str) -> ItemDiff {
        ItemDiff {
            kind,
            id: id.into(),
            measure: None,
            measure_title: None,
            title: title.into(),
            change,
            renamed: false,
            moved: None,
            fields: vec![FieldDiff {
                field: "title".into(),
                label: "名称".into(),
                spans: diff_text("", "x"),
            }],
        }
    }

    #[test]
    fn the_summary_reads_in_either_language() {
        let mut node = changed(ItemKind::Node, "n", Change::Changed, "柱");
        node.moved = Some(Moved {
            from: vec![TOP_LEVEL.into()],
            to: vec!["基本目標 1 柱".into()],
        });
        let diff = PlanDiff {
            items: vec![
                node,
                changed(ItemKind::Measure, "a", Change::Added, "施策A"),
                changed(ItemKind::Measure, "b", Change::Added, "施策B"),
                changed(ItemKind::Measure, "c", Change::Removed, "施策C"),
            ],
        };
        assert_eq!(
            diff.summary(),
            "体系の項目の変更 1件、移動 1件、施策の追加 2件、削除 1件"
        );
        assert_eq!(diff.summary_in(Lang::Ja), diff.summary());
        assert_eq!(
            diff.summary_in(Lang::En),
            "Structure items: 1 changed, 1 moved; Measures: 2 added, 1 removed"
        );
        assert_eq!(PlanDiff::default().summary_in(Lang::En), "No changes");
        let counts = diff.counts();
        assert_eq!(counts[1].what, MOVED);
        assert_eq!(counts[1].what_in(Lang::Ja), "移動");
        assert_eq!(counts[1].what_in(Lang::En), "moved");
        assert_eq!(counts[2].what_in(Lang::En), "added");
    }

    #[test]
    fn kinds_changes_and_places_are_named_in_either_language() {
        assert_eq!(ItemKind::Kpi.label_in(Lang::Ja), ItemKind::Kpi.label());
        assert_eq!(ItemKind::Term.label_in(Lang::En), "Glossary terms");
        assert_eq!(ItemKind::Term.item_label_in(Lang::En), "Glossary term");
        assert_eq!(ItemKind::Term.item_label_in(Lang::Ja), "用語");
        assert_eq!(Change::Removed.label_in(Lang::En), "removed");
        assert_eq!(Change::Removed.label(), "削除");
        assert_eq!(place_in(TOP_LEVEL, Lang::En), "Top level");
        assert_eq!(place_in(TOP_LEVEL, Lang::Ja), "最上位");
        assert_eq!(place_in("基本目標 1 柱", Lang::En), "基本目標 1 柱");
    }

    #[test]
    fn fields_and_roadmap_years_are_named_in_either_language() {
        let measure = changed(ItemKind::Measure, "m", Change::Changed, "施策");
        let field = FieldDiff {
            field: "lead_departments".into(),
            label: measure_list_label("lead_departments").into(),
            spans: Vec::new(),
        };
        assert_eq!(measure.field_label_in(&field, Lang::Ja), "担当課");
        assert_eq!(measure.field_label_in(&field, Lang::En), "Lead departments");
        assert_eq!(measure_list_label_in("direction", Lang::Ja), "取組の方向");
        assert_eq!(measure_list_label_in("direction", Lang::En), "Direction");
        assert_eq!(measure_list_label_in("anything", Lang::En), "Other");
        // A field English has no name for keeps its Japanese label.
        let odd = FieldDiff {
            field: "odd".into(),
            label: "その他".into(),
            spans: Vec::new(),
        };
        assert_eq!(measure.field_label_in(&odd, Lang::En), "その他");

        let year = FiscalYear(2024);
        let cell = ItemDiff {
            title: format!("1 取組（{}）", year.label()),
            ..changed(ItemKind::Cell, "m-1/2024", Change::Changed, "")
        };
        let text = FieldDiff {
            field: "text".into(),
            label: year.label(),
            spans: Vec::new(),
        };
        assert_eq!(cell.title_in(Lang::Ja), (cell.title.clone(), None));
        assert_eq!(
            cell.title_in(Lang::En),
            ("1 取組".to_owned(), Some(year.label_in(Lang::En)))
        );
        assert_eq!(cell.field_label_in(&text, Lang::Ja), year.label());
        assert_eq!(cell.field_label_in(&text, Lang::En), "FY2024 (Reiwa 6)");
        assert_eq!(measure.title_in(Lang::En), ("施策".to_owned(), None));
    }
}
