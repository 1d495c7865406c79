//! Three-way merge of narrative text, so two people editing different passages of the same
//! 実績 or 次の取組 both keep their work.
//!
//! Works on `char`s, not bytes or words: Japanese has no spaces, and a byte diff could split a
//! character. Each side is diffed against the common base (Myers' O(ND) algorithm after
//! trimming the common prefix and suffix, so typical edits of a 20,000-character text cost
//! little), and the two lists of changes are combined when they touch different parts of the
//! base.

/// Edit distance (characters inserted plus deleted) beyond which the diff stops searching for
/// the smallest edit script and treats the whole changed middle as one replacement. A coarser
/// diff is still a correct one; it can only turn a clean merge into a conflict. This bounds time
/// and memory (the search trace grows with the square of this number) for wholesale rewrites.
const MAX_EDIT_DISTANCE: usize = 1024;

/// Steps of the search (a diagonal tried, or a matching character followed along one) beyond
/// which the diff gives up the same way. The edit distance alone bounds the diagonals tried,
/// not the matches followed: in text that repeats a few characters many diagonals match for
/// long runs, and the search may follow up to the texts' length on each of them. Ordinary
/// edits take a small fraction of this; `bench/README.md` has the figures.
const MAX_DIFF_STEPS: usize = 2_000_000;

/// Merges two edits of `base`. Returns `None` when they overlap: both change the same part of
/// the base, or both insert different text at the same place. Identical changes on both sides
/// count once. Edits that only touch (one ends where the other begins) do not overlap.
pub fn merge_text(base: &str, mine: &str, theirs: &str) -> Option<String> {
    if mine == theirs || theirs == base {
        return Some(mine.to_owned());
    }
    if mine == base {
        return Some(theirs.to_owned());
    }
    let base: Vec<char> = base.chars().collect();
    let mine: Vec<char> = mine.chars().collect();
    let theirs: Vec<char> = theirs.chars().collect();
    let merged = merge_hunks(&base, &diff(&base, &mine), &diff(&base, &theirs))?;
    Some(merged.into_iter().collect())
}

/// One change: `old[start..end]` becomes `text`. An insertion has `start == end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Hunk<'a> {
    start: usize,
    end: usize,
    text: &'a [char],
}

impl Hunk<'_> {
    fn is_insertion(&self) -> bool {
        self.start == self.end
    }

    /// Whether applying both hunks is ambiguous.
    fn overlaps(&self, other: &Hunk) -> bool {
        if self.is_insertion() && other.is_insertion() {
            return self.start == other.start;
        }
        // An insertion strictly inside the other's range counts; one at its edge does not.
        self.start < other.end && other.start < self.end
    }
}

/// Applies both sides' hunks to `base` in base order, or `None` if two of them overlap.
fn merge_hunks(base: &[char], mine: &[Hunk], theirs: &[Hunk]) -> Option<Vec<char>> {
    let mut merged = Vec::with_capacity(base.len());
    let mut copied = 0;
    let (mut mine, mut theirs) = (mine.iter().peekable(), theirs.iter().peekable());
    loop {
        let next = match (mine.peek().copied(), theirs.peek().copied()) {
            (None, None) => break,
            (Some(&m), None) => {
                mine.next();
                m
            }
            (None, Some(&t)) => {
                theirs.next();
                t
            }
            (Some(&m), Some(&t)) if m == t => {
                mine.next();
                theirs.next();
                m
            }
            (Some(&m), Some(&t)) => {
                if m.overlaps(&t) {
                    return None;
                }
                // An insertion at the start of the other side's range goes before it.
                if (m.start, m.end) < (t.start, t.end) {
                    mine.next();
                    m
                } else {
                    theirs.next();
                    t
                }
            }
        };
        // Hunks of one side are disjoint and sorted, and the heads never overlap, so this
        // cannot happen; refuse rather than produce garbage if it ever does.
        if next.start < copied {
            return None;
        }
        merged.extend_from_slice(&base[copied..next.start]);
        merged.extend_from_slice(next.text);
        copied = next.end;
    }
    merged.extend_from_slice(&base[copied..]);
    Some(merged)
}

/// The changes that turn `old` into `new`, sorted and separated by at least one unchanged
/// character.
fn diff<'a>(old: &[char], new: &'a [char]) -> Vec<Hunk<'a>> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let old_middle = &old[prefix..old.len() - suffix];
    let new_middle = &new[prefix..new.len() - suffix];
    let matches = if old_middle.is_empty() || new_middle.is_empty() {
        Vec::new()
    } else {
        common_subsequence(old_middle, new_middle, MAX_EDIT_DISTANCE, MAX_DIFF_STEPS)
            .unwrap_or_default()
    };

    let mut hunks = Vec::new();
    let (mut x, mut y) = (0, 0);
    // The end of both texts acts as a final match so the trailing change is emitted too.
    let end = (old_middle.len(), new_middle.len());
    for &(match_x, match_y) in matches.iter().chain([&end]) {
        if match_x > x || match_y > y {
            hunks.push(Hunk {
                start: prefix + x,
                end: prefix + match_x,
                text: &new_middle[y..match_y],
            });
        }
        (x, y) = (match_x + 1, match_y + 1);
    }
    hunks
}

/// A longest common subsequence of `old` and `new` as index pairs `(i, j)` with
/// `old[i] == new[j]`, increasing in both; `None` if more than `max_distance` insertions plus
/// deletions would be needed, or finding out takes more than `max_steps` steps.
///
/// Myers' greedy algorithm: `v[k]` is the furthest `x` reached on diagonal `k = x - y` with `d`
/// edits. Paths never leave the edit graph, so every point is a real position in both texts.
fn common_subsequence(
    old: &[char],
    new: &[char],
    max_distance: usize,
    max_steps: usize,
) -> Option<Vec<(usize, usize)>> {
    let (n, m) = (old.len() as isize, new.len() as isize);
    let max_d = (n + m).min(max_distance as isize);
    let offset = max_d + 1;
    let mut v = vec![UNREACHED; 2 * offset as usize + 1];
    // trace[d] holds v[-d..=d] as it was before round d, enough to retrace round d's choices.
    let mut trace: Vec<Vec<isize>> = Vec::new();
    let mut steps = 0;

    for d in 0..=max_d {
        trace.push(v[(offset - d) as usize..=(offset + d) as usize].to_vec());
        for k in (-d..=d).step_by(2) {
            steps += 1;
            let at = |k: isize| v[(k + offset) as usize];
            let Some(step) = edit_step(at, d, k, n, m) else {
                v[(k + offset) as usize] = UNREACHED;
                continue;
            };
            let mut x = step.x;
            let mut y = x - k;
            let start = x;
            while x < n && y < m && old[x as usize] == new[y as usize] {
                x += 1;
                y += 1;
            }
            steps += (x - start) as usize;
            if steps > max_steps {
                return None;
            }
            v[(k + offset) as usize] = x;
            if x == n && y == m {
                return Some(retrace(&trace, d, n, m));
            }
        }
    }
    None
}

const UNREACHED: isize = -1;

/// Where round `d`'s path on diagonal `k` starts its snake, and which diagonal it came from.
struct Step {
    x: isize,
    from_k: isize,
    from_x: isize,
}

/// The furthest one-edit extension onto diagonal `k` of the round-`d - 1` paths on the
/// neighbouring diagonals (`previous(k)` reads them), staying inside the `n` × `m` edit graph.
/// Round 0 starts at the origin.
fn edit_step(
    previous: impl Fn(isize) -> isize,
    d: isize,
    k: isize,
    n: isize,
    m: isize,
) -> Option<Step> {
    if d == 0 {
        return Some(Step {
            x: 0,
            from_k: 0,
            from_x: 0,
        });
    }
    // Down from k + 1 inserts new[y]; right from k - 1 deletes old[x].
    let down = (k < d)
        .then(|| previous(k + 1))
        .filter(|&x| x != UNREACHED && x - k <= m)
        .map(|x| Step {
            x,
            from_k: k + 1,
            from_x: x,
        });
    let right = (k > -d)
        .then(|| previous(k - 1))
        .filter(|&x| x != UNREACHED && x < n)
        .map(|x| Step {
            x: x + 1,
            from_k: k - 1,
            from_x: x,
        });
    match (down, right) {
        (Some(down), Some(right)) => Some(if right.x > down.x { right } else { down }),
        (down, right) => down.or(right),
    }
}

/// Walks back from `(n, m)` through the recorded rounds, collecting the diagonal moves.
fn retrace(trace: &[Vec<isize>], found_d: isize, n: isize, m: isize) -> Vec<(usize, usize)> {
    let mut matches = Vec::new();
    let (mut x, mut y) = (n, m);
    for d in (0..=found_d).rev() {
        let before = &trace[d as usize];
        let k = x - y;
        let step = edit_step(|k| before[(k + d) as usize], d, k, n, m)
            .expect("a point on the found path was reachable");
        while x > step.x {
            x -= 1;
            y -= 1;
            matches.push((x as usize, y as usize));
        }
        (x, y) = (step.from_x, step.from_x - step.from_k);
    }
    matches.reverse();
    matches
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::SplitMix64;

    fn merge(base: &str, mine: &str, theirs: &str) -> Option<String> {
        merge_text(base, mine, theirs)
    }

    fn chars(text: &str) -> Vec<char> {
        text.chars().collect()
    }

    /// Applies hunks computed against `old`.
    fn apply(old: &[char], hunks: &[Hunk]) -> String {
        merge_hunks(old, hunks, &[]).unwrap().into_iter().collect()
    }

    /// Length of a longest common subsequence, by dynamic programming.
    fn lcs_len(a: &[char], b: &[char]) -> usize {
        let mut row = vec![0; b.len() + 1];
        for &ca in a {
            let mut diagonal = 0;
            for (j, &cb) in b.iter().enumerate() {
                let above = row[j + 1];
                row[j + 1] = if ca == cb {
                    diagonal + 1
                } else {
                    above.max(row[j])
                };
                diagonal = above;
            }
        }
        row[b.len()]
    }

    #[test]
    fn unchanged_sides_take_the_other() {
        assert_eq!(merge("基本", "基本", "基本"), Some("基本".into()));
        assert_eq!(merge("基本", "基本です", "基本"), Some("基本です".into()));
        assert_eq!(
            merge("基本", "基本", "基本でした"),
            Some("基本でした".into())
        );
    }

    #[test]
    fn identical_changes_merge_once() {
        assert_eq!(
            merge("説明会を開催", "説明会を2回開催", "説明会を2回開催"),
            Some("説明会を2回開催".into())
        );
        // Same hunk inside otherwise different edits.
        assert_eq!(
            merge("あいうえお", "Xあいうえお!", "Xあいうえお?"),
            None,
            "same insertion at the start but different at the end: the end overlaps"
        );
        assert_eq!(
            merge(
                "あいうえおかきくけこ",
                "Xあいうえおかきくけこ",
                "Xあいうえおかきくけこ。"
            ),
            Some("Xあいうえおかきくけこ。".into())
        );
    }

    #[test]
    fn japanese_edits_in_different_sentences_merge() {
        let base = "子育てアプリを試験導入した。利用者は100人。来年度は本番導入する。";
        let mine = "子育てアプリを3地区で試験導入した。利用者は100人。来年度は本番導入する。";
        let theirs = "子育てアプリを試験導入した。利用者は120人。来年度は全地区で本番導入する。";
        assert_eq!(
            merge(base, mine, theirs),
            Some(
                "子育てアプリを3地区で試験導入した。利用者は120人。来年度は全地区で本番導入する。"
                    .into()
            )
        );
    }

    #[test]
    fn overlapping_edits_conflict() {
        let base = "利用者は100人。";
        assert_eq!(merge(base, "利用者は110人。", "利用者は120人。"), None);
        // One side rewrites a range the other edited inside.
        assert_eq!(merge("abcdefgh", "abXYZgh", "abcdQfgh"), None);
        // Deleting text the other side changed.
        assert_eq!(merge("abcdef", "abef", "abcDef"), None);
        // Everything deleted on one side, edited on the other.
        assert_eq!(merge("実績なし", "", "実績あり"), None);
    }

    #[test]
    fn insertions_at_the_same_place_conflict_unless_equal() {
        assert_eq!(merge("ab", "aXb", "aYb"), None);
        assert_eq!(merge("ab", "aXb", "aXb"), Some("aXb".into()));
        assert_eq!(merge("", "mine", "theirs"), None);
        assert_eq!(merge("", "same", "same"), Some("same".into()));
    }

    #[test]
    fn insertion_inside_a_replaced_range_conflicts() {
        assert_eq!(merge("abcd", "abXcd", "aQQd"), None);
    }

    #[test]
    fn adjacent_edits_do_not_overlap() {
        // Mine replaces "ab", theirs replaces "cd", which starts where mine ends.
        assert_eq!(merge("abcdef", "XXcdef", "abYYef"), Some("XXYYef".into()));
        // An insertion right before and right after the other's replacement.
        assert_eq!(merge("abc", "aXbc", "aYc"), Some("aXYc".into()));
        assert_eq!(merge("abc", "abXc", "aYc"), Some("aYXc".into()));
        // Deletions of neighbouring characters.
        assert_eq!(merge("abcd", "acd", "abd"), Some("ad".into()));
    }

    #[test]
    fn edits_at_both_ends() {
        let base = "中間の文章";
        assert_eq!(
            merge(base, "冒頭。中間の文章", "中間の文章。末尾"),
            Some("冒頭。中間の文章。末尾".into())
        );
        assert_eq!(merge(base, "間の文章", "中間の文"), Some("間の文".into()));
        assert_eq!(merge(base, "", base), Some(String::new()));
        assert_eq!(merge("", "", "追加"), Some("追加".into()));
    }

    #[test]
    fn merging_is_symmetric() {
        let mut rng = SplitMix64::new(11);
        let alphabet = chars("あいう abc");
        for _ in 0..2_000 {
            let base = rng.text_up_to(&alphabet, 11);
            let mine = rng.edit(&base, &alphabet, 3);
            let theirs = rng.edit(&base, &alphabet, 3);
            assert_eq!(
                merge(&base, &mine, &theirs),
                merge(&base, &theirs, &mine),
                "{base:?} {mine:?} {theirs:?}"
            );
        }
    }

    #[test]
    fn one_unchanged_side_yields_the_other() {
        let mut rng = SplitMix64::new(7);
        let alphabet = chars("実績あいabc\n");
        for _ in 0..2_000 {
            let base = rng.text_up_to(&alphabet, 29);
            let edited = rng.edit(&base, &alphabet, 5);
            assert_eq!(merge(&base, &base, &edited), Some(edited.clone()));
            assert_eq!(merge(&base, &edited, &base), Some(edited.clone()));
        }
    }

    #[test]
    fn edits_on_either_side_of_an_untouched_separator_always_merge() {
        let mut rng = SplitMix64::new(3);
        let left = chars("あいう");
        let right = chars("abc");
        for _ in 0..2_000 {
            let (base_left, base_right) = (rng.text_up_to(&left, 9), rng.text_up_to(&right, 9));
            let (mine_left, theirs_right) = (
                rng.edit(&base_left, &left, 3),
                rng.edit(&base_right, &right, 3),
            );
            let merged = merge(
                &format!("{base_left}|{base_right}"),
                &format!("{mine_left}|{base_right}"),
                &format!("{base_left}|{theirs_right}"),
            );
            assert_eq!(merged, Some(format!("{mine_left}|{theirs_right}")));
        }
    }

    #[test]
    fn diffs_are_minimal_and_reproduce_the_new_text() {
        let mut rng = SplitMix64::new(5);
        let alphabet = chars("abあ");
        for _ in 0..3_000 {
            let old = chars(&rng.text_up_to(&alphabet, 14));
            let new = if rng.chance(50) {
                chars(&rng.edit(&old.iter().collect::<String>(), &alphabet, 4))
            } else {
                chars(&rng.text_up_to(&alphabet, 14))
            };
            let hunks = diff(&old, &new);
            assert_eq!(apply(&old, &hunks), new.iter().collect::<String>());
            let changed: usize = hunks.iter().map(|h| h.end - h.start + h.text.len()).sum();
            assert_eq!(
                changed,
                old.len() + new.len() - 2 * lcs_len(&old, &new),
                "{old:?} → {new:?}"
            );
            for pair in hunks.windows(2) {
                assert!(
                    pair[0].end < pair[1].start,
                    "hunks are separated: {hunks:?}"
                );
            }
        }
    }

    #[test]
    fn too_different_texts_fall_back_to_one_replacement() {
        let mut rng = SplitMix64::new(9);
        let alphabet = chars("abcdefgh");
        let old = chars(&rng.text(&alphabet, 3_000));
        let new = chars(&rng.text(&alphabet, 3_000));
        let hunks = diff(&old, &new);
        assert_eq!(apply(&old, &hunks), new.iter().collect::<String>());
        assert_eq!(hunks.len(), 1, "whole middle replaced");
    }

    #[test]
    fn the_costliest_texts_give_up_within_the_search_limits_and_conflict() {
        let mut rng = SplitMix64::new(3);
        let (base, mine, theirs) = crate::support::costly_merge(&mut rng, 20_000);
        let started = std::time::Instant::now();
        assert_eq!(merge(&base, &mine, &theirs), None);
        let elapsed = started.elapsed();
        assert!(elapsed.as_millis() < 2_000, "took {elapsed:?}");
    }

    #[test]
    fn a_search_past_its_step_limit_falls_back_to_one_replacement() {
        // `abab…` with 300 scattered changes: within the edit distance limit, but every other
        // diagonal matches for long runs, and following them takes over 3 million steps.
        let mut rng = SplitMix64::new(3);
        let old: Vec<char> = (0..20_000)
            .map(|i| if i % 2 == 0 { 'a' } else { 'b' })
            .collect();
        let mut new = old.clone();
        for _ in 0..300 {
            new[rng.below(20_000)] = 'z';
        }
        assert!(common_subsequence(&old, &new, MAX_EDIT_DISTANCE, usize::MAX).is_some());
        assert!(common_subsequence(&old, &new, MAX_EDIT_DISTANCE, MAX_DIFF_STEPS).is_none());
        let hunks = diff(&old, &new);
        assert_eq!(hunks.len(), 1, "whole middle replaced");
        assert_eq!(apply(&old, &hunks), new.iter().collect::<String>());
    }

    #[test]
    fn long_texts_with_scattered_edits_merge_quickly() {
        let mut rng = SplitMix64::new(1);
        let alphabet = chars("あいうえおかきくけこ。、実績を開催した");
        let base: Vec<char> = chars(&rng.text(&alphabet, 20_000));
        // Mine edits the first half in ten places, theirs the second half in ten places.
        let mut mine = base.clone();
        let mut theirs = base.clone();
        for i in (0..10).rev() {
            mine.splice(i * 900 + 10..i * 900 + 12, chars("【私】"));
            theirs.splice(10_500 + i * 900..10_500 + i * 900 + 3, chars("【他】"));
        }
        let mut expected = mine.clone();
        let shift = mine.len() as isize - base.len() as isize;
        let theirs_half = &theirs[10_000..];
        expected.truncate((10_000 + shift) as usize);
        expected.extend_from_slice(theirs_half);

        let started = std::time::Instant::now();
        let merged = merge(
            &base.iter().collect::<String>(),
            &mine.iter().collect::<String>(),
            &theirs.iter().collect::<String>(),
        );
        let elapsed = started.elapsed();
        assert_eq!(merged, Some(expected.iter().collect()));
        assert!(elapsed.as_millis() < 2_000, "took {elapsed:?}");
    }
}
