//! English a plan file may give beside its Japanese: an optional `en` object on the plan, a
//! structure node, a measure, an action, a KPI, a roadmap cell, a chapter, a milestone, a
//! glossary term or a department of the organization, with English for any of that object's
//! text fields. Pages in English show it where given and the Japanese, marked as such, where
//! not ([`Plan::in_language`], [`Organization::in_language`], [`ScheduleCell::text_in`]).
//!
//! The store keeps a plan's English as one value ([`EnglishTexts`]) beside the plan's rows, and
//! a department's English with the department, since departments belong to the organization.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::fiscal::FiscalYear;
use crate::format::{
    Action, Chapter, Department, Kpi, Measure, Node, Organization, Plan, ScheduleCell, Term,
};
use crate::lang::Lang;

/// An `en` object: English for some of its object's text fields, by their names; any other
/// name is refused.
macro_rules! english_of {
    ($(#[$doc:meta])* $name:ident { $($field:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $(
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<String>,
            )+
        }
    };
}

english_of!(PlanEn { title, subtitle });
english_of!(NodeEn { title, description });
english_of!(MeasureEn {
    title,
    summary,
    outcome,
    target_state,
    current_issues,
    direction,
    content,
    departments_note,
});
english_of!(ActionEn {
    title,
    group,
    group_description
});
english_of!(KpiEn { label, text });
english_of!(
    /// The term itself is the plan's word and stays as printed.
    TermEn { definition }
);
english_of!(ChapterEn { title, body });
english_of!(MilestoneEn { group, text, note });
english_of!(
    /// A roadmap cell's words; the stage is still read in its Japanese ([`ScheduleCell::stage`]).
    CellEn { text }
);
english_of!(
    /// A department's English name is unique in its organization, like its Japanese one: a
    /// roadmap link may name the department by either.
    DepartmentEn { name, note }
);

/// `value` replaced by `english` when there is English for it.
fn put(value: &mut String, english: &Option<String>) {
    if let Some(english) = english {
        value.clone_from(english);
    }
}

fn put_optional(value: &mut Option<String>, english: &Option<String>) {
    if english.is_some() {
        value.clone_from(english);
    }
}

impl Chapter {
    fn put_english(&mut self) {
        if let Some(en) = self.en.clone() {
            put(&mut self.title, &en.title);
            put_optional(&mut self.body, &en.body);
        }
        self.sections.iter_mut().for_each(Chapter::put_english);
    }
}

impl Measure {
    /// `departments`: each department's name as the page shows it, by its Japanese name.
    fn put_english(&mut self, departments: &HashMap<&str, &str>) {
        if let Some(en) = self.en.clone() {
            put(&mut self.title, &en.title);
            put_optional(&mut self.summary, &en.summary);
            put_optional(&mut self.outcome, &en.outcome);
            put_optional(&mut self.target_state, &en.target_state);
            put_optional(&mut self.current_issues, &en.current_issues);
            put_optional(&mut self.direction, &en.direction);
            put_optional(&mut self.content, &en.content);
            put_optional(&mut self.departments_note, &en.departments_note);
        }
        for name in self
            .lead_departments
            .iter_mut()
            .chain(&mut self.related_departments)
        {
            if let Some(shown) = departments.get(name.as_str()) {
                *name = (*shown).to_owned();
            }
        }
        self.actions.iter_mut().for_each(Action::put_english);
        self.kpis.iter_mut().for_each(Kpi::put_english);
    }
}

impl Action {
    fn put_english(&mut self) {
        if let Some(en) = self.en.clone() {
            put(&mut self.title, &en.title);
            put_optional(&mut self.group, &en.group);
            put_optional(&mut self.group_description, &en.group_description);
        }
    }
}

impl Kpi {
    fn put_english(&mut self) {
        if let Some(en) = self.en.clone() {
            put(&mut self.label, &en.label);
            put(&mut self.text, &en.text);
        }
    }
}

impl Node {
    fn put_english(&mut self) {
        if let Some(en) = self.en.clone() {
            put(&mut self.title, &en.title);
            put_optional(&mut self.description, &en.description);
        }
        self.children.iter_mut().for_each(Node::put_english);
    }
}

impl Term {
    fn put_english(&mut self) {
        if let Some(en) = self.en.clone() {
            put(&mut self.definition, &en.definition);
        }
    }
}

impl ScheduleCell {
    /// The cell's words on a page in `lang`: its English where the file gives it. A plan in
    /// English ([`Plan::in_language`]) keeps its cells' Japanese, in which the app reads their
    /// stage, so pages take a cell's words from here.
    pub fn text_in(&self, lang: Lang) -> &str {
        match (lang, self.en.as_ref().and_then(|en| en.text.as_deref())) {
            (Lang::En, Some(english)) => english,
            _ => &self.text,
        }
    }
}

impl Organization {
    /// The organization as a page in `lang` shows it: in English, each department's name and
    /// note are its English where the file gives it. Not for matching: measures, accounts and
    /// filters name departments by their Japanese name.
    pub fn in_language(&self, lang: Lang) -> Organization {
        let mut organization = self.clone();
        if lang == Lang::Ja {
            return organization;
        }
        for department in &mut organization.departments {
            if let Some(en) = department.en.clone() {
                put(&mut department.name, &en.name);
                put_optional(&mut department.note, &en.note);
            }
        }
        organization
    }

    /// The department `name` names in either language: its Japanese name or its English one.
    pub fn department_named(&self, name: &str) -> Option<&Department> {
        self.departments
            .iter()
            .find(|d| d.name == name)
            .or_else(|| {
                self.departments
                    .iter()
                    .find(|d| d.en.as_ref().and_then(|en| en.name.as_deref()) == Some(name))
            })
    }
}

impl Plan {
    /// The plan as a page in `lang` shows it: in English, every field the file gives English
    /// for is that English, and the departments a measure names are named as `organization`
    /// names them in English; the rest stays Japanese. Roadmap cells keep their Japanese, in
    /// which their stage is read: [`ScheduleCell::text_in`] gives their English.
    pub fn in_language(&self, organization: &Organization, lang: Lang) -> Plan {
        let mut plan = self.clone();
        if lang == Lang::Ja {
            return plan;
        }
        if let Some(en) = self.en.clone() {
            put(&mut plan.title, &en.title);
            put_optional(&mut plan.subtitle, &en.subtitle);
        }
        let shown = organization.in_language(lang);
        let departments: HashMap<&str, &str> = organization
            .departments
            .iter()
            .zip(&shown.departments)
            .map(|(japanese, shown)| (japanese.name.as_str(), shown.name.as_str()))
            .collect();
        plan.structure.iter_mut().for_each(Node::put_english);
        for measure in &mut plan.measures {
            measure.put_english(&departments);
        }
        plan.glossary.iter_mut().for_each(Term::put_english);
        plan.chapters.iter_mut().for_each(Chapter::put_english);
        for milestone in &mut plan.milestones {
            if let Some(en) = milestone.en.clone() {
                put(&mut milestone.text, &en.text);
                put_optional(&mut milestone.group, &en.group);
                put_optional(&mut milestone.note, &en.note);
            }
        }
        plan
    }

    /// Whether the file gives English for any field a page of the plan shows: its own, or
    /// that of a department of `organization` one of its measures names (by either name, so a
    /// plan already in English answers the same).
    pub fn has_english(&self, organization: &Organization) -> bool {
        let named_in_english = |name: &String| {
            organization
                .department_named(name)
                .is_some_and(|d| d.en.is_some())
        };
        self.en.is_some()
            || crate::format::walk_nodes(&self.structure)
                .iter()
                .any(|n| n.en.is_some())
            || self.measures.iter().any(|m| {
                m.en.is_some()
                    || m.schedule.iter().any(|c| c.en.is_some())
                    || m.actions
                        .iter()
                        .any(|a| a.en.is_some() || a.schedule.iter().any(|c| c.en.is_some()))
                    || m.kpis.iter().any(|k| k.en.is_some())
                    || m.lead_departments
                        .iter()
                        .chain(&m.related_departments)
                        .any(named_in_english)
            })
            || self.glossary.iter().any(|t| t.en.is_some())
            || self
                .chapters
                .iter()
                .any(|c| c.walk().iter().any(|c| c.en.is_some()))
            || self.milestones.iter().any(|m| m.en.is_some())
    }
}

/// All of a plan's English, by the object it belongs to: what the store keeps in one place.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EnglishTexts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanEn>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub nodes: BTreeMap<String, NodeEn>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub measures: BTreeMap<String, MeasureEn>,
    /// By action id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub actions: BTreeMap<String, ActionEn>,
    /// By measure id, then the KPI's position in it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub kpis: BTreeMap<String, BTreeMap<usize, KpiEn>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub terms: BTreeMap<String, TermEn>,
    /// By chapter (or section) id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub chapters: BTreeMap<String, ChapterEn>,
    /// By the milestone's position in the plan.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub milestones: BTreeMap<usize, MilestoneEn>,
    /// Roadmap cells by the id of their measure or action (one namespace: the import refuses
    /// an action sharing a measure's id), then by fiscal year (once per row).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub cells: BTreeMap<String, BTreeMap<FiscalYear, CellEn>>,
}

impl EnglishTexts {
    pub fn of(plan: &Plan) -> EnglishTexts {
        let mut texts = EnglishTexts {
            plan: plan.en.clone(),
            ..EnglishTexts::default()
        };
        for node in crate::format::walk_nodes(&plan.structure) {
            if let Some(en) = &node.en {
                texts.nodes.insert(node.id.clone(), en.clone());
            }
        }
        for measure in &plan.measures {
            if let Some(en) = &measure.en {
                texts.measures.insert(measure.id.clone(), en.clone());
            }
            texts.keep_cells(&measure.id, &measure.schedule);
            for action in &measure.actions {
                if let Some(en) = &action.en {
                    texts.actions.insert(action.id.clone(), en.clone());
                }
                texts.keep_cells(&action.id, &action.schedule);
            }
            for (index, kpi) in measure.kpis.iter().enumerate() {
                if let Some(en) = &kpi.en {
                    texts
                        .kpis
                        .entry(measure.id.clone())
                        .or_default()
                        .insert(index, en.clone());
                }
            }
        }
        for term in &plan.glossary {
            if let Some(en) = &term.en {
                texts.terms.insert(term.id.clone(), en.clone());
            }
        }
        for chapter in plan.chapters.iter().flat_map(Chapter::walk) {
            if let Some(en) = &chapter.en {
                texts.chapters.insert(chapter.id.clone(), en.clone());
            }
        }
        for (index, milestone) in plan.milestones.iter().enumerate() {
            if let Some(en) = &milestone.en {
                texts.milestones.insert(index, en.clone());
            }
        }
        texts
    }

    fn keep_cells(&mut self, item: &str, schedule: &[ScheduleCell]) {
        let cells: BTreeMap<FiscalYear, CellEn> = schedule
            .iter()
            .filter_map(|c| Some((c.fiscal_year, c.en.clone()?)))
            .collect();
        if !cells.is_empty() {
            self.cells.insert(item.to_owned(), cells);
        }
    }

    pub fn is_empty(&self) -> bool {
        self == &EnglishTexts::default()
    }

    /// Puts the English back on the objects of `plan` it belongs to; English for an object
    /// the plan no longer has (a measure removed since) is left out.
    pub fn apply(mut self, plan: &mut Plan) {
        plan.en = self.plan.take();
        fn put_nodes(nodes: &mut [Node], texts: &mut BTreeMap<String, NodeEn>) {
            for node in nodes {
                node.en = texts.remove(&node.id);
                put_nodes(&mut node.children, texts);
            }
        }
        put_nodes(&mut plan.structure, &mut self.nodes);
        fn put_cells(
            schedule: &mut [ScheduleCell],
            texts: &mut BTreeMap<String, BTreeMap<FiscalYear, CellEn>>,
            item: &str,
        ) {
            let mut cells = texts.remove(item).unwrap_or_default();
            for cell in schedule {
                cell.en = cells.remove(&cell.fiscal_year);
            }
        }
        for measure in &mut plan.measures {
            measure.en = self.measures.remove(&measure.id);
            put_cells(&mut measure.schedule, &mut self.cells, &measure.id);
            for action in &mut measure.actions {
                action.en = self.actions.remove(&action.id);
                put_cells(&mut action.schedule, &mut self.cells, &action.id);
            }
            let mut kpis = self.kpis.remove(&measure.id).unwrap_or_default();
            for (index, kpi) in measure.kpis.iter_mut().enumerate() {
                kpi.en = kpis.remove(&index);
            }
        }
        for term in &mut plan.glossary {
            term.en = self.terms.remove(&term.id);
        }
        fn put_chapters(chapters: &mut [Chapter], texts: &mut BTreeMap<String, ChapterEn>) {
            for chapter in chapters {
                chapter.en = texts.remove(&chapter.id);
                put_chapters(&mut chapter.sections, texts);
            }
        }
        put_chapters(&mut plan.chapters, &mut self.chapters);
        for (index, milestone) in plan.milestones.iter_mut().enumerate() {
            milestone.en = self.milestones.remove(&index);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        serde_json::from_value(serde_json::json!({
            "id": "p", "title": "こまがねDX戦略", "en": { "title": "Komagane DX Strategy" },
            "structure": [{ "id": "pillar-1", "kind": "pillar", "title": "市民サービス",
                "en": { "title": "Services to residents" },
                "children": [{ "id": "p-1-1", "kind": "policy", "title": "受付" }] }],
            "measures": [{ "id": "m1", "title": "口座振替", "summary": "概要",
                "target_state": "目指す姿", "en": { "title": "Direct debit online", "target_state": "Residents apply online",
                    "departments_note": "and others" },
                "lead_departments": ["市民課"], "related_departments": ["税務課", "全課"], "departments_note": "等",
                "schedule": [{ "fiscal_year": 2024, "text": "試験導入", "en": { "text": "Pilot at one counter" } },
                    { "fiscal_year": 2025, "text": "本番導入" }],
                "actions": [{ "id": "a1", "title": "検討", "en": { "title": "Study" },
                        "schedule": [{ "fiscal_year": 2024, "text": "調査", "en": { "text": "Survey" } }] },
                    { "id": "a2", "title": "導入" }],
                "kpis": [{ "label": "件数", "text": "100件" }, { "label": "割合", "text": "50%", "en": { "label": "Share" } }] }],
            "glossary": [{ "id": "t1", "term": "DX", "definition": "デジタル変革", "en": { "definition": "Digital transformation" } }],
            "chapters": [{ "id": "c1", "title": "計画の概要", "body": "本文",
                "sections": [{ "id": "c1-1", "title": "背景", "body": "背景の本文", "en": { "title": "Background" } }] }],
            "milestones": [{ "fiscal_year": 2024, "text": "試行", "note": "注" },
                { "fiscal_year": 2025, "group": "窓口", "text": "本格実施", "en": { "text": "Full service", "group": "Counters" } }]
        }))
        .unwrap()
    }

    fn organization() -> Organization {
        serde_json::from_value(serde_json::json!({
            "id": "o", "name": "駒ヶ根市", "prefecture": "長野県",
            "departments": [
                { "name": "市民課", "note": "窓口", "en": { "name": "Citizens Division", "note": "Counters" } },
                { "name": "税務課", "en": { "name": "Taxation Division" } },
                { "name": "全課" }
            ]
        }))
        .unwrap()
    }

    #[test]
    fn english_pages_show_the_english_given_and_the_japanese_elsewhere() {
        let plan = plan();
        let english = plan.in_language(&organization(), Lang::En);
        assert_eq!(english.title, "Komagane DX Strategy");
        assert_eq!(english.structure[0].title, "Services to residents");
        assert_eq!(english.structure[0].children[0].title, "受付");
        let m = &english.measures[0];
        assert_eq!(m.title, "Direct debit online");
        assert_eq!(m.summary.as_deref(), Some("概要"), "no English given");
        assert_eq!(m.target_state.as_deref(), Some("Residents apply online"));
        assert_eq!(m.departments_note.as_deref(), Some("and others"));
        assert_eq!(m.actions[0].title, "Study");
        assert_eq!(m.actions[1].title, "導入");
        assert_eq!(m.kpis[0].label, "件数");
        assert_eq!(m.kpis[1].label, "Share");
        assert_eq!(m.kpis[1].text, "50%");
        assert_eq!(english.glossary[0].definition, "Digital transformation");
        assert_eq!(english.glossary[0].term, "DX");
        assert_eq!(english.chapters[0].title, "計画の概要");
        assert_eq!(english.chapters[0].sections[0].title, "Background");
        assert_eq!(
            english.chapters[0].sections[0].body.as_deref(),
            Some("背景の本文")
        );
        assert_eq!(english.milestones[0].text, "試行");
        assert_eq!(english.milestones[1].text, "Full service");
        assert_eq!(english.milestones[1].group.as_deref(), Some("Counters"));
        assert_eq!(plan.in_language(&organization(), Lang::Ja), plan);
    }

    #[test]
    fn a_measure_names_its_departments_in_english_where_the_organization_gives_it() {
        let english = plan().in_language(&organization(), Lang::En);
        let m = &english.measures[0];
        assert_eq!(m.lead_departments, ["Citizens Division"]);
        assert_eq!(m.related_departments, ["Taxation Division", "全課"]);
        let japanese = plan().in_language(&organization(), Lang::Ja);
        assert_eq!(japanese.measures[0].lead_departments, ["市民課"]);
        assert_eq!(japanese.measures[0].departments_note.as_deref(), Some("等"));
    }

    #[test]
    fn the_organization_in_english_names_its_departments_in_english_where_given() {
        let organization = organization();
        let english = organization.in_language(Lang::En);
        let names: Vec<&str> = english
            .departments
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(names, ["Citizens Division", "Taxation Division", "全課"]);
        assert_eq!(english.departments[0].note.as_deref(), Some("Counters"));
        assert_eq!(organization.in_language(Lang::Ja), organization);
        // Either name finds the department.
        assert_eq!(
            organization
                .department_named("Taxation Division")
                .map(|d| d.name.as_str()),
            Some("税務課")
        );
        assert_eq!(
            organization
                .department_named("税務課")
                .map(|d| d.name.as_str()),
            Some("税務課")
        );
        assert!(organization.department_named("Tax").is_none());
    }

    #[test]
    fn a_roadmap_cell_reads_in_english_and_keeps_the_stage_its_japanese_names() {
        let english = plan().in_language(&organization(), Lang::En);
        let cells = &english.measures[0].schedule;
        assert_eq!(cells[0].text_in(Lang::En), "Pilot at one counter");
        assert_eq!(cells[0].text_in(Lang::Ja), "試験導入");
        assert_eq!(cells[0].stage(), Some(crate::stage::Stage::Trial));
        assert_eq!(cells[1].text_in(Lang::En), "本番導入", "no English given");
        assert_eq!(
            english.measures[0].actions[0].schedule[0].text_in(Lang::En),
            "Survey"
        );
    }

    #[test]
    fn the_english_kept_apart_goes_back_where_it_came_from() {
        let plan = plan();
        let texts = EnglishTexts::of(&plan);
        assert_eq!(texts.kpis["m1"].keys().collect::<Vec<_>>(), [&1]);
        assert_eq!(texts.chapters.keys().collect::<Vec<_>>(), ["c1-1"]);
        assert_eq!(texts.milestones.keys().collect::<Vec<_>>(), [&1]);
        assert_eq!(texts.cells.keys().collect::<Vec<_>>(), ["a1", "m1"]);
        assert_eq!(
            texts.cells["m1"].keys().collect::<Vec<_>>(),
            [&FiscalYear(2024)]
        );
        let json = serde_json::to_string(&texts).unwrap();
        let mut bare = plan.clone();
        EnglishTexts::default().apply(&mut bare);
        assert!(!bare.has_english(&Organization {
            departments: Vec::new(),
            ..organization()
        }));
        serde_json::from_str::<EnglishTexts>(&json)
            .unwrap()
            .apply(&mut bare);
        assert_eq!(bare, plan);
    }

    #[test]
    fn a_plan_without_english_says_so() {
        let mut plan = plan();
        EnglishTexts::default().apply(&mut plan);
        let mut organization = organization();
        assert!(
            plan.has_english(&organization),
            "the departments its measures name have English"
        );
        assert!(
            plan.in_language(&organization, Lang::En)
                .has_english(&organization),
            "and still have once named in English"
        );
        organization
            .departments
            .iter_mut()
            .for_each(|d| d.en = None);
        assert!(!plan.has_english(&organization));
        assert_eq!(plan.in_language(&organization, Lang::En), plan);
    }
}
