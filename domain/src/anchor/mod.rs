//! Keeping a note on the text it was made on when the text changes (a new version of the plan,
//! or an administrator's correction): the note is found again the way Hypothesis re-anchors
//! annotations, following the W3C Web Annotation selectors it keeps.
//!
//! In order: the same passage with the exact quote at the same place; the exact quote elsewhere
//! in that passage, then in the same measure, then anywhere in the plan (the closest by its
//! surrounding text); then a fuzzy match of the quote in the same passage, the same measure and
//! the whole plan, scored by quote, prefix and suffix. A note whose text is gone is never
//! dropped: it comes back [`Anchoring::Orphaned`], for the list of notes whose passage changed.

pub mod fuzzy;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::document::{measure_of, Passage};

/// How many characters of context a selector keeps on each side of its quote.
pub const CONTEXT_CHARS: usize = 32;

/// Where a note is: the passage (its key names the element, as the Web Annotation model's
/// fragment selector does), a text-quote selector (the exact text with a prefix and a suffix)
/// and a text-position selector (character offsets in the passage).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selector {
    pub key: String,
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
    pub start: usize,
    pub end: usize,
}

impl Selector {
    /// The selector of `text[start..end]` (characters) in the passage `key`; `None` if the
    /// range is empty or outside the text.
    pub fn of(key: &str, text: &str, start: usize, end: usize) -> Option<Selector> {
        let chars: Vec<char> = text.chars().collect();
        if start >= end || end > chars.len() {
            return None;
        }
        let from = start.saturating_sub(CONTEXT_CHARS);
        let to = (end + CONTEXT_CHARS).min(chars.len());
        Some(Selector {
            key: key.to_owned(),
            exact: chars[start..end].iter().collect(),
            prefix: chars[from..start].iter().collect(),
            suffix: chars[end..to].iter().collect(),
            start,
            end,
        })
    }
}

/// How a note was found again.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// Where it was.
    Unchanged,
    /// The same text, elsewhere (in its passage or another).
    Moved,
    /// Similar text: the passage was reworded. The score is 0–1.
    Fuzzy(f32),
}

/// Where a note is in the text shown now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Anchoring {
    Found {
        key: String,
        start: usize,
        end: usize,
        how: How,
    },
    /// Its text is gone from the plan.
    Orphaned,
}

/// The passages of a document, indexed for finding notes.
pub struct Index<'a> {
    passages: Vec<(&'a str, Vec<char>)>,
    by_key: HashMap<&'a str, usize>,
    by_measure: HashMap<&'a str, Vec<usize>>,
}

impl<'a> Index<'a> {
    pub fn new(passages: &'a [Passage]) -> Index<'a> {
        let mut by_key = HashMap::new();
        let mut by_measure: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, passage) in passages.iter().enumerate() {
            by_key.insert(passage.key.as_str(), i);
            if let Some(measure) = measure_of(&passage.key) {
                by_measure.entry(measure).or_default().push(i);
            }
        }
        Index {
            passages: passages
                .iter()
                .map(|p| (p.key.as_str(), p.text.chars().collect()))
                .collect(),
            by_key,
            by_measure,
        }
    }

    /// Finds the note's place in these passages.
    pub fn anchor(&self, selector: &Selector) -> Anchoring {
        let exact: Vec<char> = selector.exact.chars().collect();
        if exact.is_empty() {
            return Anchoring::Orphaned;
        }
        let own = self.by_key.get(selector.key.as_str()).copied();
        if let Some(i) = own {
            let text = &self.passages[i].1;
            if text.get(selector.start..selector.end) == Some(&exact[..]) {
                return self.found(i, selector.start, selector.end, How::Unchanged);
            }
        }
        let measure: Vec<usize> = measure_of(&selector.key)
            .and_then(|m| self.by_measure.get(m))
            .cloned()
            .unwrap_or_default();
        let everything: Vec<usize> = (0..self.passages.len()).collect();
        let scopes: [Vec<usize>; 3] = [own.into_iter().collect(), measure, everything];
        // The exact quote, nearest scope first.
        for scope in &scopes {
            if let Some((i, start, _)) = self.best_exact(scope, &exact, selector, own) {
                return self.found(i, start, start + exact.len(), How::Moved);
            }
        }
        // A similar quote, nearest scope first.
        for scope in &scopes {
            if let Some((i, m, score)) = self.best_fuzzy(scope, &exact, selector, own) {
                return self.found(i, m.start, m.end, How::Fuzzy(score));
            }
        }
        Anchoring::Orphaned
    }

    fn found(&self, i: usize, start: usize, end: usize, how: How) -> Anchoring {
        Anchoring::Found {
            key: self.passages[i].0.to_owned(),
            start,
            end,
            how,
        }
    }

    /// How well the text around `start..end` of passage `i` agrees with the selector's context
    /// (0–1 each for prefix and suffix), and how near it is to the old position.
    fn context(
        &self,
        i: usize,
        start: usize,
        end: usize,
        selector: &Selector,
        own: Option<usize>,
    ) -> (f32, f32, f32) {
        let text = &self.passages[i].1;
        let prefix: Vec<char> = selector.prefix.chars().collect();
        let suffix: Vec<char> = selector.suffix.chars().collect();
        let before = &text[start.saturating_sub(prefix.len())..start];
        let after = &text[end..(end + suffix.len()).min(text.len())];
        let similarity = |a: &[char], b: &[char]| {
            let longest = a.len().max(b.len());
            if longest == 0 {
                1.0
            } else {
                1.0 - fuzzy::distance(a, b) as f32 / longest as f32
            }
        };
        let position = if Some(i) == own && !text.is_empty() {
            1.0 - (start as f32 - selector.start as f32).abs() / text.len() as f32
        } else {
            0.0
        };
        (
            similarity(&prefix, before),
            similarity(&suffix, after),
            position,
        )
    }

    fn best_exact(
        &self,
        scope: &[usize],
        exact: &[char],
        selector: &Selector,
        own: Option<usize>,
    ) -> Option<(usize, usize, f32)> {
        let mut best: Option<(usize, usize, f32)> = None;
        for &i in scope {
            let text = &self.passages[i].1;
            if text.len() < exact.len() {
                continue;
            }
            for start in 0..=text.len() - exact.len() {
                if text[start..start + exact.len()] != *exact {
                    continue;
                }
                let (prefix, suffix, position) =
                    self.context(i, start, start + exact.len(), selector, own);
                let score = prefix * 20.0 + suffix * 20.0 + position * 2.0;
                if best.is_none_or(|b| score > b.2) {
                    best = Some((i, start, score));
                }
            }
        }
        best
    }

    fn best_fuzzy(
        &self,
        scope: &[usize],
        exact: &[char],
        selector: &Selector,
        own: Option<usize>,
    ) -> Option<(usize, fuzzy::Match, f32)> {
        // Up to half the quote may differ; what is accepted is decided by the score below.
        let max_errors = exact.len() / 2;
        let mut best: Option<(usize, fuzzy::Match, f32)> = None;
        for &i in scope {
            for m in fuzzy::search(exact, &self.passages[i].1, max_errors, 5) {
                let quote = 1.0 - m.errors as f32 / exact.len() as f32;
                let (prefix, suffix, position) = self.context(i, m.start, m.end, selector, own);
                // Hypothesis' weights: the quote counts most, then its context, then where it was.
                let score = (quote * 50.0 + prefix * 20.0 + suffix * 20.0 + position * 2.0) / 92.0;
                // A little-changed quote stands on its own; a more changed one needs its
                // context to agree, or any passage with common words would catch it.
                let accepted = quote >= 0.75 || (quote >= 0.5 && (prefix + suffix) / 2.0 >= 0.6);
                if accepted && best.as_ref().is_none_or(|b| score > b.2) {
                    best = Some((i, m, score));
                }
            }
        }
        best
    }
}

/// Finds each note again in `passages`, in order.
pub fn anchor_all(passages: &[Passage], selectors: &[Selector]) -> Vec<Anchoring> {
    let index = Index::new(passages);
    selectors.iter().map(|s| index.anchor(s)).collect()
}
