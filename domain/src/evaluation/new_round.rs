//! What an administrator gives to open a reporting round, and its checks, with their reasons
//! in Japanese and English.

use serde::{Deserialize, Serialize};

use crate::date::Day;
use crate::limits::{check_required, TextKind};
use crate::reason::Reason;
use crate::FiscalYear;

use super::{Refusal, RoundKind};

/// The most days a record may go untouched before the dashboard calls it stale.
pub const MAX_STALE_DAYS: u32 = 365;

/// A round to open. `scope` lists the measures and actions it covers as `measure:id` or
/// `action:id`; empty means every measure with a roadmap entry or a KPI for the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRound {
    pub id: String,
    pub fiscal_year: FiscalYear,
    pub kind: RoundKind,
    /// e.g. 令和6年度実績.
    pub title: String,
    pub opens_on: String,
    pub deadline: String,
    /// A record untouched for this many days is stale on the dashboard.
    #[serde(default = "default_stale_days")]
    pub stale_days: u32,
    #[serde(default)]
    pub scope: Vec<String>,
}

fn default_stale_days() -> u32 {
    14
}

impl NewRound {
    /// Checks everything that does not need the stored plan but its `period` (first and last
    /// fiscal year), and returns the opening day and the deadline.
    pub fn validate(&self, period: Option<(i32, i32)>) -> Result<(Day, Day), Refusal> {
        if !crate::limits::is_valid_id(&self.id) {
            return Err(Refusal::invalid(
                "id",
                Reason::new(
                    "英小文字・数字・ハイフンで64文字以内にしてください。",
                    "Use at most 64 lowercase letters, digits and hyphens.",
                ),
            ));
        }
        check_required(TextKind::Name, &self.title).map_err(|p| {
            Refusal::invalid("title", Reason::new(p.reason(), format!("The name {p}.")))
        })?;
        if let Some((first, last)) = period {
            if !(first..=last).contains(&self.fiscal_year.0) {
                return Err(Refusal::invalid(
                    "fiscal_year",
                    Reason::new(
                        format!(
                            "{}は計画期間（{}〜{}）の外です。",
                            self.fiscal_year.label(),
                            FiscalYear(first).japanese(),
                            FiscalYear(last).japanese()
                        ),
                        format!(
                            "FY{} is outside the plan's period (FY{first} to FY{last}).",
                            self.fiscal_year.0
                        ),
                    ),
                ));
            }
        }
        let day = |field: &'static str, text: &str| {
            Day::parse(text).ok_or_else(|| {
                Refusal::invalid(
                    field,
                    Reason::new(
                        "日付を YYYY-MM-DD の形で入力してください。",
                        "Enter the date as YYYY-MM-DD.",
                    ),
                )
            })
        };
        let opens = day("opens_on", &self.opens_on)?;
        let deadline = day("deadline", &self.deadline)?;
        if deadline < opens {
            return Err(Refusal::invalid(
                "deadline",
                Reason::new(
                    "締切日は受付開始日より後にしてください。",
                    "The deadline cannot come before the opening date.",
                ),
            ));
        }
        if !(1..=MAX_STALE_DAYS).contains(&self.stale_days) {
            return Err(Refusal::invalid(
                "stale_days",
                Reason::new(
                    format!("1〜{MAX_STALE_DAYS}日の範囲で入力してください。"),
                    format!("Enter a number of days from 1 to {MAX_STALE_DAYS}."),
                ),
            ));
        }
        for (index, item) in self.scope.iter().enumerate() {
            let well_formed = item.split_once(':').is_some_and(|(kind, id)| {
                matches!(kind, "measure" | "action") && crate::limits::is_valid_id(id)
            });
            if !well_formed {
                return Err(Refusal::invalid(
                    "scope",
                    Reason::new(
                        format!(
                            "{}番目の対象「{item}」は measure:ID か action:ID で指定してください。",
                            index + 1
                        ),
                        format!(
                            "Item {} of the scope, “{item}”, must read measure:ID or action:ID.",
                            index + 1
                        ),
                    ),
                ));
            }
            if self.scope[..index].contains(item) {
                return Err(Refusal::invalid(
                    "scope",
                    Reason::new(
                        format!("対象「{item}」が重複しています。"),
                        format!("“{item}” is listed twice in the scope."),
                    ),
                ));
            }
        }
        Ok((opens, deadline))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;

    fn round() -> NewRound {
        NewRound {
            id: "r6-year-end".into(),
            fiscal_year: FiscalYear(2024),
            kind: RoundKind::YearEnd,
            title: "令和6年度実績".into(),
            opens_on: "2025-04-01".into(),
            deadline: "2025-05-31".into(),
            stale_days: 14,
            scope: vec![],
        }
    }

    fn field_of(round: NewRound) -> Option<&'static str> {
        round.validate(Some((2022, 2026))).unwrap_err().field()
    }

    #[test]
    fn a_well_formed_round_is_accepted() {
        assert!(round().validate(Some((2022, 2026))).is_ok());
        assert!(round().validate(None).is_ok());
        let same_day = NewRound {
            deadline: "2025-04-01".into(),
            ..round()
        };
        assert!(same_day.validate(None).is_ok());
    }

    #[test]
    fn a_deadline_before_the_opening_names_the_deadline() {
        let early = NewRound {
            deadline: "2025-03-31".into(),
            ..round()
        };
        assert_eq!(field_of(early), Some("deadline"));
    }

    #[test]
    fn each_bad_field_is_named() {
        assert_eq!(
            field_of(NewRound {
                id: "R6".into(),
                ..round()
            }),
            Some("id")
        );
        assert_eq!(
            field_of(NewRound {
                title: " ".into(),
                ..round()
            }),
            Some("title")
        );
        assert_eq!(
            field_of(NewRound {
                fiscal_year: FiscalYear(2030),
                ..round()
            }),
            Some("fiscal_year")
        );
        assert_eq!(
            field_of(NewRound {
                opens_on: "2025-02-30".into(),
                ..round()
            }),
            Some("opens_on")
        );
        assert_eq!(
            field_of(NewRound {
                stale_days: 0,
                ..round()
            }),
            Some("stale_days")
        );
        assert_eq!(
            field_of(NewRound {
                scope: vec!["kpi:x".into()],
                ..round()
            }),
            Some("scope")
        );
        assert_eq!(
            field_of(NewRound {
                scope: vec!["measure:a".into(), "measure:a".into()],
                ..round()
            }),
            Some("scope")
        );
    }

    #[test]
    fn a_refused_round_says_why_in_each_language() {
        let early = NewRound {
            deadline: "2025-03-31".into(),
            ..round()
        };
        let reason = |round: &NewRound, lang| {
            round
                .validate(Some((2022, 2026)))
                .unwrap_err()
                .reason_in(lang)
        };
        assert_eq!(
            reason(&early, Lang::Ja),
            "締切日は受付開始日より後にしてください。"
        );
        assert_eq!(
            reason(&early, Lang::En),
            "The deadline cannot come before the opening date."
        );
        let outside = NewRound {
            fiscal_year: FiscalYear(2030),
            ..round()
        };
        assert_eq!(
            reason(&outside, Lang::Ja),
            "令和12年度（2030年度）は計画期間（令和4年度〜令和8年度）の外です。"
        );
        assert_eq!(
            reason(&outside, Lang::En),
            "FY2030 is outside the plan's period (FY2022 to FY2026)."
        );
        let untitled = NewRound {
            title: " ".into(),
            ..round()
        };
        assert_eq!(reason(&untitled, Lang::Ja), "入力してください。");
        assert_eq!(reason(&untitled, Lang::En), "The name must not be empty.");
        let doubled = NewRound {
            scope: vec!["measure:a".into(), "measure:a".into()],
            ..round()
        };
        assert_eq!(
            reason(&doubled, Lang::Ja),
            "対象「measure:a」が重複しています。"
        );
        assert_eq!(
            reason(&doubled, Lang::En),
            "“measure:a” is listed twice in the scope."
        );
        let stale = NewRound {
            stale_days: 0,
            ..round()
        };
        assert_eq!(
            reason(&stale, Lang::Ja),
            "1〜365日の範囲で入力してください。"
        );
        assert_eq!(
            reason(&stale, Lang::En),
            "Enter a number of days from 1 to 365."
        );
    }
}
