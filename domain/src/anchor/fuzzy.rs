//! Approximate search of a quote in a text: where the text holds the quote with the fewest
//! edits (characters inserted, deleted or replaced), up to a bound. Myers' bit-parallel
//! algorithm in Hyyrö's form for patterns of any length (64 pattern characters per block), the
//! way Hypothesis' `approx-string-match` finds a note's quote again; O(text × ⌈quote / 64⌉).

use std::collections::HashMap;

/// A place in the text that holds the pattern with `errors` edits: `text[start..end]`, in
/// characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    pub errors: usize,
}

struct Pattern {
    /// Per character of the pattern, one bit mask per block: where the character occurs.
    peq: HashMap<char, Vec<u64>>,
    blocks: usize,
    len: usize,
}

impl Pattern {
    fn new(pattern: &[char]) -> Pattern {
        let blocks = pattern.len().div_ceil(64);
        let mut peq: HashMap<char, Vec<u64>> = HashMap::new();
        for (i, &c) in pattern.iter().enumerate() {
            peq.entry(c).or_insert_with(|| vec![0; blocks])[i / 64] |= 1 << (i % 64);
        }
        Pattern {
            peq,
            blocks,
            len: pattern.len(),
        }
    }

    /// The bit of a block's last pattern row.
    fn last_bit(&self, block: usize) -> u64 {
        if block + 1 == self.blocks {
            1 << ((self.len - 1) % 64)
        } else {
            1 << 63
        }
    }
}

/// One column step of one block: the vertical deltas `pv`/`mv` advance over a text character
/// whose match mask is `eq`, given the horizontal delta `hin` entering from the block above;
/// returns the delta leaving at the block's last row.
fn advance(pv: &mut u64, mv: &mut u64, mut eq: u64, hin: i32, last_bit: u64) -> i32 {
    let hin_neg = u64::from(hin < 0);
    let hin_pos = u64::from(hin > 0);
    let xv = eq | *mv;
    eq |= hin_neg;
    let xh = ((eq & *pv).wrapping_add(*pv) ^ *pv) | eq;
    let mut ph = *mv | !(xh | *pv);
    let mut mh = *pv & xh;
    let mut hout = 0;
    if ph & last_bit != 0 {
        hout = 1;
    } else if mh & last_bit != 0 {
        hout = -1;
    }
    ph = (ph << 1) | hin_pos;
    mh = (mh << 1) | hin_neg;
    *pv = mh | !(xv | ph);
    *mv = ph & xv;
    hout
}

/// For each end position `j` (exclusive, 1..=text.len()), the fewest edits with which some
/// `text[i..j]` equals the pattern.
fn end_scores(pattern: &Pattern, text: &[char]) -> Vec<usize> {
    let mut pv = vec![u64::MAX; pattern.blocks];
    let mut mv = vec![0u64; pattern.blocks];
    let mut score = pattern.len as i64;
    let empty = vec![0u64; pattern.blocks];
    let mut out = Vec::with_capacity(text.len());
    for c in text {
        let eqs = pattern.peq.get(c).unwrap_or(&empty);
        // Any start is free (Sellers): nothing enters the first row.
        let mut carry = 0;
        for block in 0..pattern.blocks {
            carry = advance(
                &mut pv[block],
                &mut mv[block],
                eqs[block],
                carry,
                pattern.last_bit(block),
            );
        }
        score += i64::from(carry);
        out.push(score.max(0) as usize);
    }
    out
}

/// The start of the best alignment of `pattern` ending at `end`: edit distance between the
/// pattern and `text[start..end]` over the starts a match with `errors` edits can have.
fn best_start(pattern: &[char], text: &[char], end: usize, errors: usize) -> usize {
    let from = end.saturating_sub(pattern.len() + errors);
    let window = &text[from..end];
    // Distances of the pattern's suffixes against the window's suffixes, from the end back:
    // the alignment is fixed at the end and free at the start.
    let (m, n) = (pattern.len(), window.len());
    let mut previous: Vec<usize> = (0..=m).collect();
    let mut best = (previous[m], n);
    for j in (0..n).rev() {
        let mut row = vec![0; m + 1];
        row[0] = n - j;
        for i in 1..=m {
            let cost = usize::from(pattern[m - i] != window[j]);
            row[i] = (previous[i - 1] + cost)
                .min(previous[i] + 1)
                .min(row[i - 1] + 1);
        }
        // Rows count from the pattern's end; row[m] aligns the whole pattern with
        // window[j..]. Of equally good starts, the latest (the shortest match) stays.
        if row[m] < best.0 {
            best = (row[m], j);
        }
        previous = row;
    }
    from + best.1
}

/// Places in `text` that hold `pattern` with at most `max_errors` edits, best first: each a
/// local minimum of the edits, at most `limit` of them.
pub fn search(pattern: &[char], text: &[char], max_errors: usize, limit: usize) -> Vec<Match> {
    if pattern.is_empty() || text.is_empty() {
        return Vec::new();
    }
    let compiled = Pattern::new(pattern);
    let scores = end_scores(&compiled, text);
    let mut ends: Vec<(usize, usize)> = Vec::new();
    for (j, &score) in scores.iter().enumerate() {
        if score > max_errors {
            continue;
        }
        let left = j.checked_sub(1).map_or(usize::MAX, |k| scores[k]);
        let right = scores.get(j + 1).copied().unwrap_or(usize::MAX);
        if score <= left && score < right {
            ends.push((score, j + 1));
        }
    }
    ends.sort();
    ends.truncate(limit);
    ends.into_iter()
        .map(|(errors, end)| Match {
            start: best_start(pattern, text, end, errors),
            end,
            errors,
        })
        .collect()
}

/// Edit distance of two short texts.
pub fn distance(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut row = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            row[j + 1] = (previous[j] + usize::from(ca != cb))
                .min(previous[j + 1] + 1)
                .min(row[j] + 1);
        }
        previous = row;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    /// The plain dynamic program the bit-parallel one must agree with.
    fn naive_end_scores(pattern: &[char], text: &[char]) -> Vec<usize> {
        let m = pattern.len();
        let mut column: Vec<usize> = (0..=m).collect();
        let mut out = Vec::new();
        for c in text {
            let mut next = vec![0; m + 1];
            for i in 1..=m {
                next[i] = (column[i - 1] + usize::from(pattern[i - 1] != *c))
                    .min(column[i] + 1)
                    .min(next[i - 1] + 1);
            }
            out.push(next[m]);
            column = next;
        }
        out
    }

    #[test]
    fn bit_parallel_scores_equal_the_plain_dynamic_program_for_any_length() {
        let text = chars(&"行政手続のオンライン化を推進し、市民の利便性を向上させる。".repeat(9));
        // A deterministic spread of patterns: short, one block, several blocks.
        for (start, len) in [
            (0, 1),
            (3, 7),
            (10, 40),
            (5, 64),
            (2, 65),
            (20, 130),
            (0, 200),
        ] {
            let mut pattern: Vec<char> = text[start..start + len].to_vec();
            if len > 3 {
                pattern[len / 2] = 'X';
                pattern.remove(1);
            }
            let compiled = Pattern::new(&pattern);
            assert_eq!(
                end_scores(&compiled, &text),
                naive_end_scores(&pattern, &text),
                "pattern at {start}, {len} chars"
            );
        }
    }

    #[test]
    fn a_reworded_quote_is_found_with_its_edits() {
        let text = chars(
            "まず電子申請を導入し、次に窓口のオンライン予約を始めます。最後に定着化を図ります。",
        );
        let quote = chars("窓口のオンライン予約を開始します");
        let found = search(&quote, &text, 8, 3);
        let best = found[0];
        let matched: String = text[best.start..best.end].iter().collect();
        assert_eq!(matched, "窓口のオンライン予約を始めます");
        assert_eq!(best.errors, 2);
    }

    #[test]
    fn nothing_is_found_beyond_the_bound() {
        let text = chars("全く関係のない文章です。");
        assert!(search(&chars("電子申請システムの導入"), &text, 3, 5).is_empty());
        assert!(search(&[], &text, 3, 5).is_empty());
    }

    #[test]
    fn distances() {
        assert_eq!(distance(&chars("かたつむり"), &chars("かたつむり")), 0);
        assert_eq!(distance(&chars("市民課"), &chars("市民生活課")), 2);
        assert_eq!(distance(&chars(""), &chars("abc")), 3);
    }
}
