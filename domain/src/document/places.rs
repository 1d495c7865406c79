//! Where a passage or a note sits in the document: the part (chapter, measure, structure …)
//! that holds a passage, the parts a version's document has, and how a part is named. The
//! notes list links back through these, and a note on a part that is gone is shown as changed.

use std::collections::BTreeSet;

use super::{anchors, chapter_heading, measure_heading};
use crate::format::Plan;

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
    if let Some(id) = anchor.strip_prefix("doc-measure-") {
        return plan
            .measure(id)
            .map(|m| format!("施策 {}", measure_heading(m)));
    }
    if let Some(id) = anchor.strip_prefix("doc-chapter-") {
        return plan
            .chapters
            .iter()
            .flat_map(|c| c.walk())
            .find(|c| c.id == id)
            .map(chapter_heading);
    }
    if let Some(id) = anchor.strip_prefix("doc-term-") {
        return plan
            .glossary
            .iter()
            .find(|t| t.id == id)
            .map(|t| format!("用語集 {}", t.term));
    }
    let fixed = match anchor {
        anchors::STRUCTURE => "計画の体系",
        anchors::MEASURES => "施策",
        anchors::MILESTONES => "マイルストーン",
        anchors::GLOSSARY => "用語集",
        _ => return None,
    };
    part_anchors(plan)
        .contains(anchor)
        .then(|| fixed.to_owned())
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
}
