//! Plan text as the app shows it: paragraphs, lines, and glossary terms linked where the
//! document marks them (`クラウド*`, `ICT(※)`).

use serde::{Deserialize, Serialize};

use crate::format::Term;

/// Paragraphs (separated by a blank line), each a list of lines.
pub fn paragraphs(text: &str) -> Vec<Vec<&str>> {
    text.split("\n\n")
        .map(|p| {
            p.lines()
                .map(str::trim_end)
                .filter(|l| !l.trim().is_empty())
                .collect::<Vec<_>>()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// What the app needs to know of a glossary entry to link to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermLink {
    pub id: String,
    pub term: String,
    pub aliases: Vec<String>,
}

impl From<&Term> for TermLink {
    fn from(term: &Term) -> Self {
        TermLink {
            id: term.id.clone(),
            term: term.term.clone(),
            aliases: term.aliases.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Segment {
    Text(String),
    /// A glossary term as written in the text, the entry it links to, and the marker that
    /// followed it.
    Term {
        text: String,
        term_id: String,
        marker: String,
    },
}

/// Markers that flag a glossary term, longest first so `(※)` wins over `※`.
const MARKERS: [&str; 4] = ["（※）", "(※)", "※", "*"];

/// Splits one line into plain text and linked glossary terms. A marker links the longest
/// glossary spelling that ends right before it; a marker with no matching term stays text.
pub fn link_terms(line: &str, glossary: &[TermLink]) -> Vec<Segment> {
    let mut spellings: Vec<(&str, &str)> = glossary
        .iter()
        .flat_map(|t| {
            std::iter::once(t.term.as_str())
                .chain(t.aliases.iter().map(String::as_str))
                .map(move |s| (s, t.id.as_str()))
        })
        .filter(|(s, _)| !s.is_empty())
        .collect();
    spellings.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));

    let mut segments = Vec::new();
    let mut plain_start = 0;
    let mut i = 0;
    while i < line.len() {
        let rest = &line[i..];
        let Some(marker) = MARKERS.iter().find(|m| rest.starts_with(**m)) else {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let before = &line[plain_start..i];
        let found = spellings
            .iter()
            .find(|(s, _)| before.ends_with(s) || before.trim_end().ends_with(s));
        if let Some((spelling, id)) = found {
            let end = before.trim_end().len();
            let start = end - spelling.len();
            if start > 0 {
                segments.push(Segment::Text(before[..start].to_owned()));
            }
            segments.push(Segment::Term {
                text: spelling.to_string(),
                term_id: id.to_string(),
                marker: marker.to_string(),
            });
            i += marker.len();
            plain_start = i;
        } else {
            i += marker.len();
        }
    }
    if plain_start < line.len() {
        segments.push(Segment::Text(line[plain_start..].to_owned()));
    }
    merge_text(segments)
}

fn merge_text(segments: Vec<Segment>) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::with_capacity(segments.len());
    for segment in segments {
        match (out.last_mut(), segment) {
            (Some(Segment::Text(prev)), Segment::Text(next)) => prev.push_str(&next),
            (_, segment) => out.push(segment),
        }
    }
    out
}

/// `text` on one line (runs of white space become one space) and at most `chars` characters,
/// ending in 「…」 when cut: for a chart's label or a page's description.
pub fn shorten(text: &str, chars: usize) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= chars {
        line
    } else {
        let mut short: String = line.chars().take(chars.saturating_sub(1)).collect();
        short.push('…');
        short
    }
}

/// [`shorten`] to a width in half-width columns, where a Japanese (full-width) character takes
/// two and any other one: a chart's label gets the same room in English as in Japanese.
pub fn shorten_to_width(text: &str, columns: usize) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let width = |c: char| {
        if crate::lang::is_japanese(&c.to_string()) {
            2
        } else {
            1
        }
    };
    if line.chars().map(width).sum::<usize>() <= columns {
        return line;
    }
    let mut short = String::new();
    let mut used = 0;
    for c in line.chars() {
        // Room for the ellipsis, one column.
        if used + width(c) > columns.saturating_sub(1) {
            break;
        }
        used += width(c);
        short.push(c);
    }
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_shortened_to_the_same_width_in_either_script() {
        assert_eq!(shorten_to_width("あいうえお", 10), "あいうえお");
        assert_eq!(shorten_to_width("あいうえおか", 10), "あいうえ…");
        assert_eq!(
            shorten_to_width("Better services to residents", 20),
            "Better services to …"
        );
        assert_eq!(shorten_to_width("Short", 20), "Short");
    }

    fn glossary() -> Vec<TermLink> {
        vec![
            TermLink {
                id: "cloud".into(),
                term: "クラウド".into(),
                aliases: vec![],
            },
            TermLink {
                id: "crowdsourcing".into(),
                term: "クラウドソーシング".into(),
                aliases: vec![],
            },
            TermLink {
                id: "ict".into(),
                term: "ICT".into(),
                aliases: vec![],
            },
            TermLink {
                id: "giga".into(),
                term: "GIGAスクール構想".into(),
                aliases: vec!["G I G Aスクール構想".into()],
            },
        ]
    }

    #[test]
    fn links_star_and_kome_markers() {
        let segments = link_terms("民間クラウドソーシング*事業者とICT(※)", &glossary());
        assert_eq!(
            segments,
            vec![
                Segment::Text("民間".into()),
                Segment::Term {
                    text: "クラウドソーシング".into(),
                    term_id: "crowdsourcing".into(),
                    marker: "*".into()
                },
                Segment::Text("事業者と".into()),
                Segment::Term {
                    text: "ICT".into(),
                    term_id: "ict".into(),
                    marker: "(※)".into()
                },
            ]
        );
    }

    #[test]
    fn aliases_link_and_unknown_markers_stay_text() {
        let segments = link_terms("① G I G Aスクール構想*関連事業 と 謎の語*", &glossary());
        assert_eq!(
            segments[1],
            Segment::Term {
                text: "G I G Aスクール構想".into(),
                term_id: "giga".into(),
                marker: "*".into()
            }
        );
        assert_eq!(segments[2], Segment::Text("関連事業 と 謎の語*".into()));
    }

    #[test]
    fn paragraphs_and_lines() {
        assert_eq!(paragraphs("a\nb\n\n\nc\n"), vec![vec!["a", "b"], vec!["c"]]);
    }

    #[test]
    fn shortened_text_is_one_line_and_ends_in_an_ellipsis_when_cut() {
        assert_eq!(shorten("行政の\nDX", 28), "行政の DX");
        assert_eq!(shorten("あいうえおかきくけこ", 5), "あいうえ…");
        assert_eq!(shorten("あいうえお", 5), "あいうえお");
    }
}
