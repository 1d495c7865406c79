//! Character-level differences between two texts. Japanese has no spaces, so a word diff would
//! mark whole sentences; a raw character diff is choppy, so the differences are cleaned up the
//! way diff-match-patch does it (the `dissimilar` crate): short equal runs between changes are
//! folded into them, and edges are shifted to natural boundaries.

use serde::{Deserialize, Serialize};

/// What a run of text is in the newer version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanKind {
    Equal,
    Inserted,
    Deleted,
}

/// A run of text of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub kind: SpanKind,
    pub text: String,
}

impl Span {
    fn new(kind: SpanKind, text: &str) -> Span {
        Span {
            kind,
            text: text.to_owned(),
        }
    }
}

/// The runs that turn `old` into `new`, in reading order, deletions before insertions at the
/// same place. Equal texts give one equal run (none for two empty texts).
pub fn diff_text(old: &str, new: &str) -> Vec<Span> {
    if old == new {
        return if old.is_empty() {
            Vec::new()
        } else {
            vec![Span::new(SpanKind::Equal, old)]
        };
    }
    let mut spans: Vec<Span> = Vec::new();
    for chunk in dissimilar::diff(old, new) {
        let (kind, text) = match chunk {
            dissimilar::Chunk::Equal(text) => (SpanKind::Equal, text),
            dissimilar::Chunk::Delete(text) => (SpanKind::Deleted, text),
            dissimilar::Chunk::Insert(text) => (SpanKind::Inserted, text),
        };
        match spans.last_mut() {
            Some(last) if last.kind == kind => last.text.push_str(text),
            _ => spans.push(Span::new(kind, text)),
        }
    }
    spans
}

/// The older text again, from the runs.
pub fn old_text(spans: &[Span]) -> String {
    spans
        .iter()
        .filter(|s| s.kind != SpanKind::Inserted)
        .map(|s| s.text.as_str())
        .collect()
}

/// The newer text again, from the runs.
pub fn new_text(spans: &[Span]) -> String {
    spans
        .iter()
        .filter(|s| s.kind != SpanKind::Deleted)
        .map(|s| s.text.as_str())
        .collect()
}

/// Characters inserted and deleted.
pub fn changed_chars(spans: &[Span]) -> usize {
    spans
        .iter()
        .filter(|s| s.kind != SpanKind::Equal)
        .map(|s| s.text.chars().count())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use SpanKind::*;

    fn runs(spans: &[Span]) -> Vec<(SpanKind, &str)> {
        spans.iter().map(|s| (s.kind, s.text.as_str())).collect()
    }

    #[test]
    fn a_reworded_phrase_is_marked_by_characters_not_the_whole_sentence() {
        let old = "行政手続のオンライン化を推進し、市民の利便性を向上させる。";
        let new = "行政手続のデジタル化を推進し、市民の利便性を大きく向上させる。";
        let spans = diff_text(old, new);
        assert_eq!(old_text(&spans), old);
        assert_eq!(new_text(&spans), new);
        assert_eq!(
            runs(&spans),
            vec![
                (Equal, "行政手続の"),
                (Deleted, "オンライン"),
                (Inserted, "デジタル"),
                (Equal, "化を推進し、市民の利便性を"),
                (Inserted, "大きく"),
                (Equal, "向上させる。"),
            ]
        );
        assert_eq!(changed_chars(&spans), 5 + 4 + 3);
    }

    #[test]
    fn equal_and_empty_texts_have_no_changes() {
        assert_eq!(runs(&diff_text("同じ", "同じ")), vec![(Equal, "同じ")]);
        assert!(diff_text("", "").is_empty());
        assert_eq!(runs(&diff_text("", "新設")), vec![(Inserted, "新設")]);
        assert_eq!(runs(&diff_text("廃止", "")), vec![(Deleted, "廃止")]);
    }

    #[test]
    fn every_pair_of_texts_is_rebuilt_from_its_runs() {
        let texts = [
            "",
            "a",
            "令和6年度に試験導入する。",
            "令和7年度に本番導入する。\n定着化を図る。",
            "ＤＸ推進計画（第2版）",
            "😀絵文字と結合文字が̈混ざる",
        ];
        for old in texts {
            for new in texts {
                let spans = diff_text(old, new);
                assert_eq!(old_text(&spans), old);
                assert_eq!(new_text(&spans), new);
                assert!(spans.windows(2).all(|w| w[0].kind != w[1].kind));
            }
        }
    }
}
