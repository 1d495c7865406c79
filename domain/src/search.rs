//! Substring search over Japanese text. Japanese has no spaces between words and two-character
//! words (防災, 教育) matter, so search is by normalised substring rather than by tokens.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::format::{Chapter, Measure, Node, Plan};
use crate::views::paths;

/// Folds width and case so that `ＤＸ`, `dx` and `DX` match: NFKC, then lowercase.
pub fn normalize(text: &str) -> String {
    text.nfkc().flat_map(char::to_lowercase).collect()
}

/// A searchable piece of a plan: one field, with the address of the place it was found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchDocument {
    /// What kind of place this is, in Japanese (施策, 章, 用語 …).
    pub kind: String,
    /// Heading shown for a hit, e.g. `①行政手続きのオンライン化 › 目指す姿`.
    pub title: String,
    /// Link to the place, with a fragment.
    pub href: String,
    pub text: String,
}

/// Searches plans held in memory (the browser's offline copy) with the server's rules:
/// substring match on NFKC-folded text, places whose heading matches first, then plans in the
/// given order and places in document order; at most `limit` hits, and whether there were more.
pub fn search_plans<'a>(
    plans: impl IntoIterator<Item = (&'a crate::format::Organization, &'a Plan)>,
    query: &str,
    limit: usize,
) -> (Vec<crate::views::SearchHit>, bool) {
    const SNIPPET_RADIUS: usize = 40;
    let query = query.trim();
    let folded = normalize(query);
    if folded.is_empty() {
        return (Vec::new(), false);
    }
    let mut title_hits = Vec::new();
    let mut text_hits = Vec::new();
    for (organization, plan) in plans {
        for doc in documents(plan) {
            // Folded exactly as the server's index folds them (store/src/write.rs).
            if !normalize(&format!("{}\n{}", doc.title, doc.text)).contains(&folded) {
                continue;
            }
            let in_title = normalize(&doc.title).contains(&folded);
            let snippet = snippet(&doc.text, query, SNIPPET_RADIUS)
                .or_else(|| snippet(&doc.title, query, SNIPPET_RADIUS))
                .unwrap_or_else(|| Snippet {
                    before: String::new(),
                    matched: String::new(),
                    after: doc.text.chars().take(80).collect(),
                });
            let hit = crate::views::SearchHit {
                plan_id: plan.id.clone(),
                plan_title: plan.title.clone(),
                organization_name: organization.name.clone(),
                kind: doc.kind,
                title: doc.title,
                href: doc.href,
                snippet,
            };
            if in_title {
                title_hits.push(hit);
            } else {
                text_hits.push(hit);
            }
        }
    }
    title_hits.append(&mut text_hits);
    let truncated = title_hits.len() > limit;
    title_hits.truncate(limit);
    (title_hits, truncated)
}

/// Every searchable field of a plan, in document order.
pub fn documents(plan: &Plan) -> Vec<SearchDocument> {
    let mut docs = Vec::new();
    let overview = paths::plan(&plan.id);
    let mut push = |kind: &str, title: String, href: String, text: String| {
        if !text.trim().is_empty() {
            docs.push(SearchDocument {
                kind: kind.into(),
                title,
                href,
                text,
            });
        }
    };
    push(
        "計画",
        plan.title.clone(),
        overview.clone(),
        [plan.title.as_str(), plan.subtitle.as_deref().unwrap_or("")].join("\n"),
    );
    for chapter in &plan.chapters {
        chapter_documents(&overview, chapter, &mut push);
    }
    for node in crate::format::walk_nodes(&plan.structure) {
        let text = [
            node.title.as_str(),
            node.description.as_deref().unwrap_or(""),
        ]
        .join("\n");
        push(
            "体系",
            node_heading(node),
            format!("{overview}#node-{}", node.id),
            text,
        );
    }
    for measure in &plan.measures {
        measure_documents(&plan.id, measure, &mut push);
    }
    for milestone in &plan.milestones {
        let text = [
            milestone.text.as_str(),
            milestone.note.as_deref().unwrap_or(""),
        ]
        .join("\n");
        push(
            "マイルストーン",
            milestone.fiscal_year.label(),
            format!("{overview}#milestones"),
            text,
        );
    }
    for term in &plan.glossary {
        let href = format!("{}#term-{}", paths::glossary(&plan.id), term.id);
        push(
            "用語",
            term.term.clone(),
            href,
            format!(
                "{}\n{}\n{}",
                term.term,
                term.aliases.join("\n"),
                term.definition
            ),
        );
    }
    docs
}

fn node_heading(node: &Node) -> String {
    format!(
        "{} {}{}",
        node.display_label(),
        node.number
            .as_deref()
            .map(|n| format!("{n} "))
            .unwrap_or_default(),
        node.title
    )
}

fn chapter_documents(
    overview: &str,
    chapter: &Chapter,
    push: &mut impl FnMut(&str, String, String, String),
) {
    let heading = format!(
        "{}{}",
        chapter
            .number
            .as_deref()
            .map(|n| format!("{n} "))
            .unwrap_or_default(),
        chapter.title
    );
    let href = format!("{overview}#chapter-{}", chapter.id);
    let mut text = vec![
        chapter.title.clone(),
        chapter.body.clone().unwrap_or_default(),
    ];
    for list in &chapter.lists {
        text.push(list.title.clone());
        text.extend(
            list.items
                .iter()
                .map(|i| format!("{} {}", i.number.as_deref().unwrap_or(""), i.text)),
        );
    }
    for table in &chapter.tables {
        text.push(table.title.clone());
        text.push(table.header.join(" "));
        text.extend(table.rows.iter().map(|r| r.join(" ")));
    }
    push("章", heading, href, text.join("\n"));
    for section in &chapter.sections {
        chapter_documents(overview, section, push);
    }
}

fn measure_documents(
    plan_id: &str,
    measure: &Measure,
    push: &mut impl FnMut(&str, String, String, String),
) {
    let page = paths::measure(plan_id, &measure.id);
    let name = format!(
        "{}{}",
        measure.number.as_deref().unwrap_or(""),
        measure.title
    );
    let fields = [
        ("施策名", "", Some(&measure.title)),
        ("概要", "summary", measure.summary.as_ref()),
        ("成果", "summary", measure.outcome.as_ref()),
        ("目指す姿", "target-state", measure.target_state.as_ref()),
        (
            "現状と課題",
            "current-issues",
            measure.current_issues.as_ref(),
        ),
        ("取組の方向", "direction", measure.direction.as_ref()),
        ("取組の内容", "content", measure.content.as_ref()),
    ];
    for (label, anchor, value) in fields {
        if let Some(value) = value {
            let href = if anchor.is_empty() {
                page.clone()
            } else {
                format!("{page}#{anchor}")
            };
            let title = if anchor.is_empty() {
                name.clone()
            } else {
                format!("{name} › {label}")
            };
            push("施策", title, href, value.clone());
        }
    }
    for action in &measure.actions {
        let text = [
            action.title.as_str(),
            action.group.as_deref().unwrap_or(""),
            action.group_description.as_deref().unwrap_or(""),
        ]
        .join("\n");
        let title = format!(
            "{name} › 取組 {}{}",
            action.number.as_deref().unwrap_or(""),
            action.title
        );
        push("取組", title, format!("{page}#action-{}", action.id), text);
    }
    if !measure.kpis.is_empty() {
        let text = measure
            .kpis
            .iter()
            .map(|k| format!("{} {}", k.label, k.text))
            .collect::<Vec<_>>()
            .join("\n");
        push("KPI", format!("{name} › KPI"), format!("{page}#kpis"), text);
    }
    let departments: Vec<&str> = measure
        .lead_departments
        .iter()
        .chain(&measure.related_departments)
        .map(String::as_str)
        .collect();
    if !departments.is_empty() {
        push(
            "担当課",
            format!("{name} › 担当課・関係課"),
            format!("{page}#departments"),
            departments.join("\n"),
        );
    }
    let schedule: Vec<String> = measure
        .schedule
        .iter()
        .chain(measure.actions.iter().flat_map(|a| &a.schedule))
        .map(|c| format!("{} {}", c.fiscal_year.japanese(), c.text))
        .collect();
    if !schedule.is_empty() {
        push(
            "工程表",
            format!("{name} › スケジュール"),
            format!("{page}#schedule"),
            schedule.join("\n"),
        );
    }
}

/// A hit's text around the first match, split so the match can be highlighted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snippet {
    pub before: String,
    pub matched: String,
    pub after: String,
}

/// Finds `query` in `text` after normalising both, and returns the original text around the
/// first match (`radius` characters each side, cut at line breaks).
pub fn snippet(text: &str, query: &str, radius: usize) -> Option<Snippet> {
    let needle: Vec<char> = normalize(query).chars().collect();
    if needle.is_empty() {
        return None;
    }
    // Normalise char by char, remembering where each normalised char came from.
    let original: Vec<char> = text.chars().collect();
    let mut folded = Vec::with_capacity(original.len());
    let mut origin = Vec::with_capacity(original.len());
    for (i, c) in original.iter().enumerate() {
        for f in normalize(&c.to_string()).chars() {
            folded.push(f);
            origin.push(i);
        }
    }
    let at = folded
        .windows(needle.len())
        .position(|w| w == needle.as_slice())?;
    let start = origin[at];
    let end = origin[at + needle.len() - 1] + 1;
    let line_start = original[..start]
        .iter()
        .rposition(|&c| c == '\n')
        .map_or(0, |p| p + 1);
    let line_end = original[end..]
        .iter()
        .position(|&c| c == '\n')
        .map_or(original.len(), |p| end + p);
    let from = start.saturating_sub(radius).max(line_start);
    let to = (end + radius).min(line_end);
    let mut before: String = original[from..start].iter().collect();
    let mut after: String = original[end..to].iter().collect();
    if from > line_start {
        before.insert(0, '…');
    }
    if to < line_end {
        after.push('…');
    }
    Some(Snippet {
        before,
        matched: original[start..end].iter().collect(),
        after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_width_and_case() {
        assert_eq!(normalize("ＤＸ推進（案）"), "dx推進(案)");
        assert_eq!(normalize("ﾃﾞｼﾞﾀﾙ"), "デジタル");
    }

    #[test]
    fn snippet_keeps_original_text_around_a_two_character_word() {
        let s = snippet(
            "市民の安全のため、防災・減災のための情報発信を行う。",
            "防災",
            4,
        )
        .unwrap();
        assert_eq!(
            s,
            Snippet {
                before: "…のため、".into(),
                matched: "防災".into(),
                after: "・減災の…".into()
            }
        );
    }

    #[test]
    fn snippet_matches_across_widths_and_stays_on_its_line() {
        let s = snippet("一行目\nＤＸ戦略の策定\n三行目", "dx", 10).unwrap();
        assert_eq!(
            s,
            Snippet {
                before: "".into(),
                matched: "ＤＸ".into(),
                after: "戦略の策定".into()
            }
        );
        assert!(snippet("防災", "減災", 3).is_none());
        assert!(snippet("防災", "", 3).is_none());
    }
}
