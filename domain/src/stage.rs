//! The stages a measure passes through on a roadmap (工程表).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 検討
    Study,
    /// 試験導入
    Trial,
    /// 本番導入
    Rollout,
    /// 定着化
    Established,
}

impl Stage {
    pub const ALL: [Stage; 4] = [
        Stage::Study,
        Stage::Trial,
        Stage::Rollout,
        Stage::Established,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Stage::Study => "検討",
            Stage::Trial => "試験導入",
            Stage::Rollout => "本番導入",
            Stage::Established => "定着化",
        }
    }

    /// The stage's name in `lang`: 検討 / Study, 試験導入 / Pilot, 本番導入 / Rollout,
    /// 定着化 / Established.
    pub fn label_in(self, lang: crate::lang::Lang) -> &'static str {
        match (lang, self) {
            (crate::lang::Lang::Ja, _) => self.label(),
            (crate::lang::Lang::En, Stage::Study) => "Study",
            (crate::lang::Lang::En, Stage::Trial) => "Pilot",
            (crate::lang::Lang::En, Stage::Rollout) => "Rollout",
            (crate::lang::Lang::En, Stage::Established) => "Established",
        }
    }

    /// CSS-friendly name.
    pub fn slug(self) -> &'static str {
        match self {
            Stage::Study => "study",
            Stage::Trial => "trial",
            Stage::Rollout => "rollout",
            Stage::Established => "established",
        }
    }

    /// The most advanced stage a roadmap cell's text names, if any. Plans word the stages
    /// loosely (「定着」「定着・改善」「試行」), so a few synonyms are recognised.
    pub fn recognise(text: &str) -> Option<Stage> {
        const WORDS: [(&str, Stage); 8] = [
            ("定着", Stage::Established),
            ("本番導入", Stage::Rollout),
            ("導入実行", Stage::Rollout),
            ("開始", Stage::Rollout),
            ("試験導入", Stage::Trial),
            ("試行", Stage::Trial),
            ("実証実験", Stage::Trial),
            ("検討", Stage::Study),
        ];
        WORDS
            .iter()
            .filter(|(word, _)| text.contains(word))
            .map(|&(_, stage)| stage)
            .max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_four_stages() {
        assert_eq!(Stage::recognise("検討"), Some(Stage::Study));
        assert_eq!(Stage::recognise("試験導入"), Some(Stage::Trial));
        assert_eq!(Stage::recognise("本番導入"), Some(Stage::Rollout));
        assert_eq!(Stage::recognise("定着化"), Some(Stage::Established));
        assert_eq!(Stage::recognise("→ 定着・改善"), Some(Stage::Established));
        assert_eq!(Stage::recognise("課題整理"), None);
    }

    #[test]
    fn picks_the_most_advanced_stage_named() {
        assert_eq!(
            Stage::recognise("システム調査 実証実験 評価"),
            Some(Stage::Trial)
        );
        assert_eq!(
            Stage::recognise("効果検証、対象手続き追加 本番導入"),
            Some(Stage::Rollout)
        );
    }
}
