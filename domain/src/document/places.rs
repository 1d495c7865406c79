//! Where a passage or a note sits in the document: the part (chapter, measure, structure …)
//! that holds a passage, the parts a version's document has, and how a part is named. The
//! notes list links back through these, and a note on a part that is gone is shown as changed.

use std::collections::BTreeSet;

use super::{anchors, chapter_heading, measure_heading};
use crate::format::Plan;
use crate::lang::Lang;

/// How a part is named: what kind of part it is, in the interface's language, and the plan's
/// own words for it (which are not translated), so a page can mark each with its language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartName {
    /// 「施策」 or "Measure"; the whole name for the parts every plan has (「用語集」).
    pub kind: Option<&'static str>,
    /// The plan's words: a measure's or chapter's heading, a term.
    pub title: Option<String>,
}

impl PartName {
    /// The name as one line: `施策 ① 行政手続きのオンライン化`.
    pub fn joined(&self) -> String {
        match (self.kind, &self.title) {
            (Some(kind), Some(title)) => format!("{kind} {title}"),
            (Some(kind), None) => kind.to_owned(),
            (None, Some(title)) => title.clone(),
            (None, None) => String::new(),
        }
    }
}

/// The name of a part every plan may have (structure, measures, milestones, glossary), in
/// `lang`; `None` for a chapter, a measure or a term, which the plan names.
pub fn fixed_part_name_in(anchor: &str, lang: Lang) -> Option<&'static str> {
    Some(match (anchor, lang) {
        (anchors::STRUCTURE, Lang::Ja) => "計画の体系",
        (anchors::MEASURES, Lang::Ja) => "施策",
        (anchors::MILESTONES, Lang::Ja) => "マイルストーン",
        (anchors::GLOSSARY, Lang::Ja) => "用語集",
        (anchors::STRUCTURE, Lang::En) => "Structure of the plan",
        (anchors::MEASURES, Lang::En) => "Measures",
        (anchors::MILESTONES, Lang::En) => "Milestones",
        (anchors::GLOSSARY, Lang::En) => "Glossary",
        _ => return None,
    })
}

/// The word put before a measure's or a term's own name, in `lang`.
fn kind_word(kind: &str, lang: Lang) -> &'static str {
    match (kind, lang) {
        ("measure", Lang::Ja) => "施策",
        ("measure", Lang::En) => "Measure",
        (_, Lang::Ja) => "用語集",
        (_, Lang::En) => "Glossary",
    }
}

/// The element id of the part that holds the passage `key` (`measure/citizen-01/summary` →
/// `doc-measure-citizen-01`).
pub fn part_anchor_of(key: &str) -> String {
    let mut parts = key.split('/');
    match (parts.next(), parts.next()) {
        (Some("measure"), Some(id)) => anchors::measure(id),
        (Some("chapter"), Some(id)) => anchors::chapter(id),
        (Some("node"), _) => anchors::STRUCTURE.to_owned(),
        (Some("milestone"), _) => anchors::MILESTONES.to_owned(),
        (Some("term"), Some(id)) => format!("doc-term-{id}"),
        _ => anchors::GLOSSARY.to_owned(),
    }
}

/// The element ids of every part a plan's document has.
pub fn part_anchors(plan: &Plan) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = plan
        .chapters
        .iter()
        .flat_map(|c| c.walk())
        .map(|c| anchors::chapter(&c.id))
        .chain(plan.measures.iter().map(|m| anchors::measure(&m.id)))
        .chain(plan.glossary.iter().map(|t| format!("doc-term-{}", t.id)))
        .collect();
    if !plan.structure.is_empty() {
        out.insert(anchors::STRUCTURE.to_owned());
    }
    if !plan.measures.is_empty() {
        out.insert(anchors::MEASURES.to_owned());
    }
    if !plan.milestones.is_empty() {
        out.insert(anchors::MILESTONES.to_owned());
    }
    if !plan.glossary.is_empty() {
        out.insert(anchors::GLOSSARY.to_owned());
    }
    out
}

/// How the part `anchor` is named in `plan` (`施策 ① 行政手続きのオンライン化`), if it has it.
pub fn part_label(plan: &Plan, anchor: &str) -> Option<String> {
    part_label_in(plan, anchor, Lang::Ja)
}

/// How the part `anchor` is named in `plan` on a page in `lang`, as one line
/// (`Measure ① 行政手続きのオンライン化`: the plan's words stay as written).
pub fn part_label_in(plan: &Plan, anchor: &str, lang: Lang) -> Option<String> {
    part_name_in(plan, anchor, lang).map(|name| name.joined())
}

/// How the part `anchor` is named in `plan` on a page in `lang`, in its two pieces.
pub fn part_name_in(plan: &Plan, anchor: &str, lang: Lang) -> Option<PartName> {
    let named = |kind: Option<&'static str>, title: String| PartName {
        kind,
        title: Some(title),
    };
    if let Some(id) = anchor.strip_prefix("doc-measure-") {
        return plan
            .measure(id)
            .map(|m| named(Some(kind_word("measure", lang)), measure_heading(m)));
    }
    if let Some(id) = anchor.strip_prefix("doc-chapter-") {
        return plan
            .chapters
            .iter()
            .flat_map(|c| c.walk())
            .find(|c| c.id == id)
            .map(|c| named(None, chapter_heading(c)));
    }
    if let Some(id) = anchor.strip_prefix("doc-term-") {
        return plan
            .glossary
            .iter()
            .find(|t| t.id == id)
            .map(|t| named(Some(kind_word("term", lang)), t.term.clone()));
    }
    let fixed = fixed_part_name_in(anchor, lang)?;
    part_anchors(plan).contains(anchor).then_some(PartName {
        kind: Some(fixed),
        title: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{keys, passages};

    fn komagane() -> Plan {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../samples/plans/komagane.json"
        );
        crate::import::parse_plan_file("komagane.json", &std::fs::read(path).unwrap())
            .unwrap()
            .plan
    }

    #[test]
    fn every_passage_belongs_to_a_part_the_document_has_and_that_part_has_a_name() {
        let plan = komagane();
        let parts = part_anchors(&plan);
        for passage in passages(&plan) {
            let anchor = part_anchor_of(&passage.key);
            assert!(parts.contains(&anchor), "{} → {anchor}", passage.key);
            assert!(part_label(&plan, &anchor).is_some(), "{anchor}");
        }
        assert_eq!(
            part_anchor_of(&keys::measure("internal-02", "summary")),
            "doc-measure-internal-02"
        );
        assert!(part_label(&plan, "doc-measure-internal-02")
            .unwrap()
            .starts_with("施策 "));
        assert_eq!(part_label(&plan, "doc-measure-gone"), None);
    }

    #[test]
    fn parts_are_named_in_english_with_the_plans_words_as_written() {
        let plan = komagane();
        let measure = plan.measures.first().unwrap();
        let anchor = anchors::measure(&measure.id);
        let name = part_name_in(&plan, &anchor, Lang::En).unwrap();
        assert_eq!(name.kind, Some("Measure"));
        assert_eq!(name.title, Some(measure_heading(measure)));
        assert_eq!(
            part_label_in(&plan, &anchor, Lang::En).unwrap(),
            format!("Measure {}", measure_heading(measure))
        );
        assert_eq!(
            part_label_in(&plan, anchors::GLOSSARY, Lang::En).as_deref(),
            Some("Glossary")
        );
        assert_eq!(
            part_label_in(&plan, anchors::STRUCTURE, Lang::Ja).as_deref(),
            Some("計画の体系")
        );
        assert_eq!(
            fixed_part_name_in(anchors::MILESTONES, Lang::En),
            Some("Milestones")
        );
        assert_eq!(fixed_part_name_in("doc-measure-x", Lang::En), None);
        let term = plan.glossary.first().unwrap();
        assert_eq!(
            part_label_in(&plan, &format!("doc-term-{}", term.id), Lang::En).unwrap(),
            format!("Glossary {}", term.term)
        );
    }
}
