//! How far a KPI has come toward its target (達成率), and how that figure was computed, so a
//! report can print both.

use serde::{Deserialize, Serialize};

use crate::format::figure;

/// An achievement rate and the formula it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Achievement {
    /// Percent, rounded to one decimal; may exceed 100 or fall below 0.
    pub percent: f64,
    /// How it was computed, in Japanese, with the figures.
    pub formula: String,
}

/// The achievement of `latest` against `target`. With a baseline it is the share of the way
/// from baseline to target covered (`(latest − baseline) ÷ (target − baseline)`), which also
/// reads right for targets below the baseline (a waiting time to cut); without one, latest ÷
/// target. `None` when the target equals the baseline (or is 0 without one): no way to measure.
pub fn achievement(baseline: Option<f64>, target: f64, latest: f64) -> Option<Achievement> {
    let (percent, formula) = match baseline {
        Some(base) if target != base => (
            (latest - base) / (target - base) * 100.0,
            format!(
                "（最新値 {} − 基準値 {}）÷（目標値 {} − 基準値 {}）",
                figure(latest),
                figure(base),
                figure(target),
                figure(base)
            ),
        ),
        None if target != 0.0 => (
            latest / target * 100.0,
            format!("最新値 {} ÷ 目標値 {}", figure(latest), figure(target)),
        ),
        _ => return None,
    };
    Some(Achievement {
        percent: (percent * 10.0).round() / 10.0,
        formula,
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
            a.formula,
            "（最新値 150 − 基準値 100）÷（目標値 200 − 基準値 100）"
        );
        // A target below the baseline: cutting 60 minutes to 30, now at 45.
        assert_eq!(achievement(Some(60.0), 30.0, 45.0).unwrap().percent, 50.0);
        assert_eq!(achievement(Some(0.0), 3.0, 4.0).unwrap().percent, 133.3);
    }

    #[test]
    fn without_a_baseline_it_is_latest_over_target() {
        let a = achievement(None, 80.0, 20.0).unwrap();
        assert_eq!(a.percent, 25.0);
        assert_eq!(a.formula, "最新値 20 ÷ 目標値 80");
        assert!(achievement(None, 0.0, 5.0).is_none());
        assert!(achievement(Some(5.0), 5.0, 7.0).is_none());
    }
}
