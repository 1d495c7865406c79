//! A reader's notes on a plan's document (閲覧室): highlights, notes and bookmarks (付箋),
//! private to their author, made offline like progress edits and kept where their text goes
//! when the plan is revised.
//!
//! Notes are append-only, like field notes: editing one appends a new annotation that
//! `replaces` it, deleting one retracts it. So the server only ever adds rows (idempotently,
//! by id), and two devices of the same reader editing one note offline both keep their edit:
//! the note then has two heads, which [`Notebook`] shows side by side until the reader keeps
//! one. Nothing is lost, and nothing is doubled.

use std::collections::{BTreeMap, BTreeSet};

use keikaku_domain::anchor::{Anchoring, Index, Selector};
use keikaku_domain::document::Passage;
use keikaku_domain::import::is_valid_id;
use keikaku_domain::lang::Lang;
use keikaku_domain::revision::VersionNumber;
use serde::{Deserialize, Serialize};

use crate::progress::{check_text, Invalid, Lines};

/// Longest note, in characters.
pub const MAX_ANNOTATION_CHARS: usize = 4_000;
/// Longest bookmark label, in characters.
pub const MAX_LABEL_CHARS: usize = 40;
/// Longest quote a highlight keeps, in characters.
pub const MAX_QUOTE_CHARS: usize = 2_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnnotationKind {
    /// Marked text, perhaps with a note.
    Highlight,
    /// A note on a whole part (a measure, a chapter).
    Note,
    /// 付箋: a short label on a part, to come back to.
    Bookmark,
}

impl AnnotationKind {
    pub fn label(self) -> &'static str {
        self.label_in(Lang::Ja)
    }

    pub fn label_in(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (AnnotationKind::Highlight, Lang::Ja) => "ハイライト",
            (AnnotationKind::Note, Lang::Ja) => "メモ",
            (AnnotationKind::Bookmark, Lang::Ja) => "付箋",
            (AnnotationKind::Highlight, Lang::En) => "Highlight",
            (AnnotationKind::Note, Lang::En) => "Note",
            (AnnotationKind::Bookmark, Lang::En) => "Bookmark",
        }
    }
}

/// What an annotation is attached to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Target {
    /// Text in a passage, by the W3C selectors (see `keikaku_domain::anchor`).
    Passage { selector: Selector },
    /// A whole part of the document, by its element id (`doc-measure-citizen-01`), and how it
    /// was named then.
    Part { anchor: String, label: String },
}

/// One annotation, as its author made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Annotation {
    /// Client-made and globally unique (the id of the mutation that added it).
    pub id: String,
    pub plan_id: String,
    /// The version of the plan it was made on.
    pub version: u32,
    pub kind: AnnotationKind,
    pub target: Target,
    /// The note, or the bookmark's label; empty for a bare highlight.
    #[serde(default)]
    pub text: String,
    /// The annotation this one is an edit of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<String>,
    /// Unix seconds, as the author's device had it.
    pub made_at: i64,
    #[serde(default)]
    pub retracted: bool,
}

impl Annotation {
    pub fn validate(&self) -> Result<(), Invalid> {
        for (field, id) in [
            ("annotation.id", &self.id),
            ("annotation.plan_id", &self.plan_id),
        ] {
            if !is_valid_id(id) {
                return Err(Invalid::new(field, "not a valid id"));
            }
        }
        if self
            .replaces
            .as_ref()
            .is_some_and(|r| !is_valid_id(r) || *r == self.id)
        {
            return Err(Invalid::new(
                "annotation.replaces",
                "not another annotation's id",
            ));
        }
        if self.version == 0 {
            return Err(Invalid::new("annotation.version", "versions count from 1"));
        }
        if self.retracted {
            return Err(Invalid::new(
                "annotation.retracted",
                "a new annotation cannot be retracted",
            ));
        }
        match &self.target {
            Target::Passage { selector } => {
                if selector.exact.trim().is_empty() {
                    return Err(Invalid::new(
                        "annotation.target.selector.exact",
                        "must not be empty",
                    ));
                }
                check_text(
                    "annotation.target.selector.exact",
                    &selector.exact,
                    MAX_QUOTE_CHARS,
                    Lines::One,
                )?;
                check_text(
                    "annotation.target.selector.prefix",
                    &selector.prefix,
                    64,
                    Lines::One,
                )?;
                check_text(
                    "annotation.target.selector.suffix",
                    &selector.suffix,
                    64,
                    Lines::One,
                )?;
                if selector.key.is_empty()
                    || selector.key.len() > 200
                    || selector.start >= selector.end
                {
                    return Err(Invalid::new(
                        "annotation.target.selector",
                        "not a passage range",
                    ));
                }
            }
            Target::Part { anchor, label } => {
                let valid = anchor.starts_with("doc-")
                    && anchor.len() <= 100
                    && anchor
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                if !valid {
                    return Err(Invalid::new(
                        "annotation.target.anchor",
                        "not a part of the document",
                    ));
                }
                check_text("annotation.target.label", label, 200, Lines::One)?;
            }
        }
        let (max, lines) = match self.kind {
            AnnotationKind::Bookmark => (MAX_LABEL_CHARS, Lines::One),
            _ => (MAX_ANNOTATION_CHARS, Lines::Many),
        };
        check_text("annotation.text", &self.text, max, lines)?;
        if self.kind != AnnotationKind::Highlight && self.text.trim().is_empty() {
            return Err(Invalid::new("annotation.text", "must not be empty"));
        }
        Ok(())
    }

    /// Whether its note, label or quote contains `query`, already normalized
    /// (`keikaku_domain::search::normalize`: width and case folded).
    pub fn matches(&self, query: &str) -> bool {
        keikaku_domain::search::normalize(&format!("{}\n{}", self.text, self.quote()))
            .contains(query)
    }

    /// The text it was made on: the quote, or the part's name.
    pub fn quote(&self) -> &str {
        match &self.target {
            Target::Passage { selector } => &selector.exact,
            Target::Part { label, .. } => label,
        }
    }
}

/// A reader's annotations of one plan, as they stand: each note's latest edit (its heads; two
/// when it was edited on two devices), retracted ones gone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Notebook {
    heads: Vec<Annotation>,
    /// Ids of heads that share an ancestor with another head (edited on two devices).
    concurrent: BTreeSet<String>,
}

impl Notebook {
    /// From every annotation the reader has of a plan, in any order (replaced and retracted
    /// ones included).
    pub fn new(all: impl IntoIterator<Item = Annotation>) -> Notebook {
        let all: BTreeMap<String, Annotation> =
            all.into_iter().map(|a| (a.id.clone(), a)).collect();
        let replaced: BTreeSet<&str> = all.values().filter_map(|a| a.replaces.as_deref()).collect();
        let mut by_root: BTreeMap<String, Vec<&Annotation>> = BTreeMap::new();
        for a in all.values() {
            if !replaced.contains(a.id.as_str()) {
                by_root.entry(root(&all, a)).or_default().push(a);
            }
        }
        let mut heads = Vec::new();
        let mut concurrent = BTreeSet::new();
        for (_, group) in by_root {
            // A retraction ends the note on that device only; an edit elsewhere survives it.
            let live: Vec<&Annotation> = group.into_iter().filter(|a| !a.retracted).collect();
            if live.len() > 1 {
                concurrent.extend(live.iter().map(|a| a.id.clone()));
            }
            heads.extend(live.into_iter().cloned());
        }
        heads.sort_by(|a, b| (a.made_at, &a.id).cmp(&(b.made_at, &b.id)));
        Notebook { heads, concurrent }
    }

    /// The annotations as they stand, oldest first.
    pub fn heads(&self) -> &[Annotation] {
        &self.heads
    }

    /// Whether this head has a sibling made on another device from the same note.
    pub fn is_concurrent(&self, id: &str) -> bool {
        self.concurrent.contains(id)
    }

    /// The heads whose note, label or quote contains `query` (width and case folded).
    pub fn search(&self, query: &str) -> Vec<&Annotation> {
        let query = keikaku_domain::search::normalize(query.trim());
        if query.is_empty() {
            return Vec::new();
        }
        self.heads.iter().filter(|a| a.matches(&query)).collect()
    }
}

/// The first annotation of `a`'s note: `replaces` followed back (a cycle, which no client
/// makes, stops after as many steps as there are annotations).
fn root<'a>(all: &'a BTreeMap<String, Annotation>, mut a: &'a Annotation) -> String {
    for _ in 0..all.len() {
        match a.replaces.as_ref().and_then(|r| all.get(r)) {
            Some(previous) => a = previous,
            None => break,
        }
    }
    a.id.clone()
}

/// Where an annotation is in the version shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Placement {
    /// On text, found again (perhaps moved or reworded): passage key and character range.
    Text {
        key: String,
        start: usize,
        end: usize,
    },
    /// On a part that is still there.
    Part { anchor: String },
    /// 「改定で該当箇所が変わったメモ」: its text or part is gone from this version.
    Changed,
}

/// Places each head in a version's passages; `parts` are the element ids the version's
/// document has.
pub fn place(
    notebook: &Notebook,
    passages: &[Passage],
    parts: &BTreeSet<String>,
) -> Vec<Placement> {
    let index = Index::new(passages);
    notebook
        .heads()
        .iter()
        .map(|a| match &a.target {
            Target::Passage { selector } => match index.anchor(selector) {
                Anchoring::Found {
                    key, start, end, ..
                } => Placement::Text { key, start, end },
                Anchoring::Orphaned => Placement::Changed,
            },
            Target::Part { anchor, .. } if parts.contains(anchor) => Placement::Part {
                anchor: anchor.clone(),
            },
            Target::Part { .. } => Placement::Changed,
        })
        .collect()
}

/// The reader's notes as CSV (UTF-8 with a byte-order mark, so Excel reads it): kind, version,
/// passage, quote, note, date.
pub fn to_csv(notebook: &Notebook) -> String {
    to_csv_in(notebook, Lang::Ja)
}

/// The reader's notes as CSV, with the header and the kinds, versions and dates in `lang` (the
/// quotes and notes as written).
pub fn to_csv_in(notebook: &Notebook, lang: Lang) -> String {
    let field = |text: &str| format!("\"{}\"", text.replace('"', "\"\""));
    let header = match lang {
        Lang::Ja => "種類,版,箇所,引用,メモ,日時",
        Lang::En => "Kind,Version,Place,Quote,Note,Date",
    };
    let mut out = format!("\u{feff}{header}\r\n");
    for a in notebook.heads() {
        let place = match &a.target {
            Target::Passage { selector } => selector.key.clone(),
            Target::Part { anchor, .. } => anchor.clone(),
        };
        let row = [
            a.kind.label_in(lang).to_owned(),
            VersionNumber(a.version).label_in(lang),
            place,
            a.quote().to_owned(),
            a.text.clone(),
            keikaku_domain::views::format_japan_time_in(a.made_at, lang),
        ];
        out.push_str(&row.iter().map(|t| field(t)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// The reader's notes as plain text, one block each.
pub fn to_text(plan_title: &str, notebook: &Notebook) -> String {
    to_text_in(plan_title, notebook, Lang::Ja)
}

/// The reader's notes as plain text in `lang`, one block each (the plan's title, the quotes
/// and the notes as written).
pub fn to_text_in(plan_title: &str, notebook: &Notebook, lang: Lang) -> String {
    let count = notebook.heads().len();
    let mut out = match lang {
        Lang::Ja => format!("{plan_title} のメモ（{count}件）\n"),
        Lang::En => format!("Notes on {plan_title} ({count})\n"),
    };
    for a in notebook.heads() {
        let (kind, time) = (
            a.kind.label_in(lang),
            keikaku_domain::views::format_japan_time_in(a.made_at, lang),
        );
        out.push_str(&match lang {
            Lang::Ja => format!(
                "\n■ {kind}（第{}版、{time}）\n「{}」\n",
                a.version,
                a.quote()
            ),
            Lang::En => format!(
                "\n■ {kind} ({}, {time})\n“{}”\n",
                VersionNumber(a.version).label_in(lang),
                a.quote()
            ),
        });
        if !a.text.is_empty() {
            out.push_str(&a.text);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn highlight(id: &str, text: &str, replaces: Option<&str>, made_at: i64) -> Annotation {
        Annotation {
            id: id.into(),
            plan_id: "komagane-dx-strategy".into(),
            version: 1,
            kind: AnnotationKind::Highlight,
            target: Target::Passage {
                selector: Selector::of("measure/m1/direction", "電子申請を導入します。", 0, 4)
                    .unwrap(),
            },
            text: text.into(),
            replaces: replaces.map(Into::into),
            made_at,
            retracted: false,
        }
    }

    #[test]
    fn edits_replace_and_retractions_remove() {
        let notebook = Notebook::new([
            highlight("a-1", "最初", None, 1),
            highlight("a-2", "直した", Some("a-1"), 2),
            highlight("b-1", "消す", None, 3),
            Annotation {
                retracted: true,
                ..highlight("b-2", "消す", Some("b-1"), 4)
            },
        ]);
        let texts: Vec<&str> = notebook.heads().iter().map(|a| a.text.as_str()).collect();
        assert_eq!(texts, ["直した"]);
        assert!(!notebook.is_concurrent("a-2"));
    }

    #[test]
    fn an_edit_on_two_devices_keeps_both() {
        let notebook = Notebook::new([
            highlight("a-1", "最初", None, 1),
            highlight("tablet-7", "タブレットで直した", Some("a-1"), 2),
            highlight("phone-3", "スマホで直した", Some("a-1"), 3),
        ]);
        assert_eq!(notebook.heads().len(), 2);
        assert!(notebook.is_concurrent("tablet-7") && notebook.is_concurrent("phone-3"));
        // Whatever order they arrive in.
        let reversed = Notebook::new([
            highlight("phone-3", "スマホで直した", Some("a-1"), 3),
            highlight("tablet-7", "タブレットで直した", Some("a-1"), 2),
            highlight("a-1", "最初", None, 1),
        ]);
        assert_eq!(reversed, notebook);
    }

    #[test]
    fn search_covers_notes_and_quotes_across_widths() {
        let notebook = Notebook::new([
            highlight("a-1", "ＤＸ推進の要", None, 1),
            highlight("b-1", "", None, 2),
        ]);
        assert_eq!(notebook.search("dx推進").len(), 1);
        assert_eq!(notebook.search("電子申請").len(), 2);
        assert!(notebook.search("  ").is_empty());
    }

    #[test]
    fn bad_annotations_name_their_field() {
        let good = highlight("a-1", "", None, 1);
        assert_eq!(good.validate(), Ok(()));
        let cases = [
            (
                Annotation {
                    id: "A B".into(),
                    ..good.clone()
                },
                "annotation.id",
            ),
            (
                Annotation {
                    replaces: Some("a-1".into()),
                    ..good.clone()
                },
                "annotation.replaces",
            ),
            (
                Annotation {
                    version: 0,
                    ..good.clone()
                },
                "annotation.version",
            ),
            (
                Annotation {
                    kind: AnnotationKind::Note,
                    ..good.clone()
                },
                "annotation.text",
            ),
            (
                Annotation {
                    kind: AnnotationKind::Bookmark,
                    text: "長".repeat(41),
                    ..good.clone()
                },
                "annotation.text",
            ),
            (
                Annotation {
                    target: Target::Part {
                        anchor: "javascript:x".into(),
                        label: "x".into(),
                    },
                    ..good.clone()
                },
                "annotation.target.anchor",
            ),
        ];
        for (annotation, field) in cases {
            assert_eq!(
                annotation.validate().unwrap_err().field,
                field,
                "{annotation:?}"
            );
        }
    }

    #[test]
    fn exports_quote_every_field() {
        let notebook = Notebook::new([highlight(
            "a-1",
            "「要確認」, \"重要\"",
            None,
            1_750_000_000,
        )]);
        let csv = to_csv(&notebook);
        assert!(csv.starts_with("\u{feff}種類,版,箇所,引用,メモ,日時\r\n"));
        assert!(csv.contains("\"「要確認」, \"\"重要\"\"\""), "{csv}");
        let text = to_text("こまがねDX戦略", &notebook);
        assert!(text.starts_with("こまがねDX戦略 のメモ（1件）"));
        assert!(text.contains("「電子申請」"));
        assert_eq!(to_csv_in(&notebook, Lang::Ja), csv);
        assert_eq!(to_text_in("こまがねDX戦略", &notebook, Lang::Ja), text);
    }

    #[test]
    fn exports_and_kinds_read_in_english_with_the_notes_as_written() {
        let notebook = Notebook::new([highlight("a-1", "要確認", None, 1_795_328_491)]);
        let csv = to_csv_in(&notebook, Lang::En);
        assert!(csv.starts_with("\u{feff}Kind,Version,Place,Quote,Note,Date\r\n"));
        assert!(
            csv.contains("\"Highlight\",\"Version 1\",\"measure/m1/direction\",\"電子申請\",\"要確認\",\"22 Nov 2026, 15:21 JST\""),
            "{csv}"
        );
        let text = to_text_in("こまがねDX戦略", &notebook, Lang::En);
        assert!(text.starts_with("Notes on こまがねDX戦略 (1)\n"), "{text}");
        assert!(
            text.contains("■ Highlight (Version 1, 22 Nov 2026, 15:21 JST)\n“電子申請”\n要確認\n"),
            "{text}"
        );
        assert_eq!(AnnotationKind::Bookmark.label_in(Lang::En), "Bookmark");
        assert_eq!(AnnotationKind::Note.label_in(Lang::En), "Note");
        assert_eq!(AnnotationKind::Note.label(), "メモ");
    }
}
