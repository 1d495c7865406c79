//! How far a KPI has come toward its target (達成率), and how that figure was computed, so a
//! report can print both.

use serde::{Deserialize, Serialize};

use crate::format::figure;
use crate::lang::Lang;

/// An achievement rate and the figures it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Achievement {
    /// Percent, rounded to one decimal; may exceed 100 or fall below 0.
    pub percent: f64,
    pub baseline: Option<f64>,
    pub target: f64,
    pub latest: f64,
}

impl Achievement {
    /// How it was computed, with the figures: `（最新値 150 − 基準値 100）÷（目標値 200 −
    /// 基準値 100）` or `(latest 150 − baseline 100) ÷ (target 200 − baseline 100)`.
    pub fn formula(&self, lang: Lang) -> String {
        let (latest, target) = (figure(self.latest), figure(self.target));
        match (self.baseline.map(figure), lang) {
            (Some(base), Lang::Ja) => {
                format!("（最新値 {latest} − 基準値 {base}）÷（目標値 {target} − 基準値 {base}）")
            }
            (Some(base), Lang::En) => {
                format!("(latest {latest} − baseline {base}) ÷ (target {target} − baseline {base})")
            }
            (None, Lang::Ja) => format!("最新値 {latest} ÷ 目標値 {target}"),
            (None, Lang::En) => format!("latest {latest} ÷ target {target}"),
        }
    }
}

/// The achievement of `latest` against `target`. With a baseline it is the share of the way
/// from baseline to target covered (`(latest − baseline) ÷ (target − baseline)`), which also
/// reads right for targets below the baseline (a waiting time to cut); without one, latest ÷
/// target. `None` when the target equals the baseline (or is 0 without one): no way to measure.
pub fn achievement(baseline: Option<f64>, target: f64, latest: f64) -> Option<Achievement> {
    let percent = match baseline {
        Some(base) if target != base => (latest - base) / (target - base) * 100.0,
        None if target != 0.0 => latest / target * 100.0,
        _ => return None,
    };
    Some(Achievement {
        percent: (percent * 10.0).round() / 10.0,
        baseline,
        target,
        latest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn achievement_is_the_share_of_the_way_from_baseline_to_target() {
        let a = achievement(Some(100.0), 200.0, 150.0).unwrap();
        assert_eq!(a.percent, 50.0);
        assert_eq!(
            a.formula(Lang::Ja),
            "（最新値 150 − 基準値 100）÷（目標値 200 − 基準値 100）"
        );
        assert_eq!(
            a.formula(Lang::En),
            "(latest 150 − baseline 100) ÷ (target 200 − baseline 100)"
        );
        // A target below the baseline: cutting 60 minutes to 30, now at 45.
        assert_eq!(achievement(Some(60.0), 30.0, 45.0).unwrap().percent, 50.0);
        assert_eq!(achievement(Some(0.0), 3.0, 4.0).unwrap().percent, 133.3);
    }

    #[test]
    fn without_a_baseline_it_is_latest_over_target() {
        let a = achievement(None, 80.0, 20.0).unwrap();
        assert_eq!(a.percent, 25.0);
        assert_eq!(a.formula(Lang::Ja), "最新値 20 ÷ 目標値 80");
        assert_eq!(a.formula(Lang::En), "latest 20 ÷ target 80");
        assert!(achievement(None, 0.0, 5.0).is_none());
        assert!(achievement(Some(5.0), 5.0, 7.0).is_none());
    }
}
