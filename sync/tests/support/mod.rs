//! Deterministic randomness for tests: SplitMix64, so every failure replays from its seed.
//!
//! Shared by the unit tests (`#[path]` include in `src/lib.rs`) and the simulation; each uses a
//! different subset.
#![allow(dead_code)]

/// SplitMix64 (Steele, Lea and Flood): tiny, fast, and good enough to drive tests.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`; `n` must be positive.
    pub fn below(&mut self, n: usize) -> usize {
        assert!(n > 0, "below(0)");
        // Multiply-shift instead of modulo: no bias worth caring about, and no division.
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A string of `len` characters drawn from `alphabet`.
    pub fn text(&mut self, alphabet: &[char], len: usize) -> String {
        (0..len).map(|_| *self.pick(alphabet)).collect()
    }

    /// A string of at most `max_len` characters drawn from `alphabet`.
    pub fn text_up_to(&mut self, alphabet: &[char], max_len: usize) -> String {
        let len = self.below(max_len + 1);
        self.text(alphabet, len)
    }

    /// `text` with one to `max_edits` random insertions, deletions or replacements, each of up
    /// to three characters from `alphabet`.
    pub fn edit(&mut self, text: &str, alphabet: &[char], max_edits: usize) -> String {
        let mut chars: Vec<char> = text.chars().collect();
        for _ in 0..1 + self.below(max_edits.max(1)) {
            let at = self.below(chars.len() + 1);
            let removed = self.below(4).min(chars.len() - at);
            let inserted = self.text_up_to(alphabet, 3);
            chars.splice(at..at + removed, inserted.chars());
        }
        chars.into_iter().collect()
    }
}

/// Three texts of `len` characters whose three-way merge costs the most the diff spends (the
/// benchmark's and the tests' worst case): each side changes about 1,200 scattered characters
/// of the base, more than the diff's edit distance limit, so the search runs every round up to
/// that limit on both sides and then gives up; the texts are mostly `a` with a sparse
/// sprinkling of `b`, so it also follows long matching runs on the way. Both sides change the
/// first and last character, so trimming the common ends saves nothing.
pub fn costly_merge(rng: &mut SplitMix64, len: usize) -> (String, String, String) {
    let base: Vec<char> = (0..len)
        .map(|_| if rng.below(200) == 0 { 'b' } else { 'a' })
        .collect();
    let mut side = |mark: char| {
        let mut text = base.clone();
        for _ in 0..1_200 {
            let at = rng.below(len);
            text[at] = if text[at] == 'a' { 'b' } else { 'a' };
        }
        text[0] = mark;
        text[len - 1] = mark;
        text.into_iter().collect::<String>()
    };
    let mine = side('x');
    let theirs = side('y');
    (base.into_iter().collect(), mine, theirs)
}

#[cfg(test)]
mod tests {
    use super::SplitMix64;

    #[test]
    fn matches_the_reference_sequence() {
        // First outputs for seed 0 from the reference implementation.
        let mut rng = SplitMix64::new(0);
        assert_eq!(rng.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(rng.next_u64(), 0x6e78_9e6a_a1b9_65f4);
    }
}
