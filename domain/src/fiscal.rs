//! Japanese fiscal years (April–March) and their era names.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A fiscal year identified by the Western year in which it starts (令和4年度 = 2022).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FiscalYear(pub i32);

/// First fiscal year of each era, newest first, with its name in Japanese and in English.
/// Fiscal 2019 is conventionally 令和元年度 even though 令和 began in May.
const ERAS: [(&str, &str, i32); 3] = [
    ("令和", "Reiwa", 2019),
    ("平成", "Heisei", 1989),
    ("昭和", "Showa", 1926),
];

/// Year, month, day and seconds into the day in Japan (UTC+9, no daylight saving) at
/// `unix_seconds`.
pub fn japan_civil_time(unix_seconds: i64) -> (i64, i64, i64, i64) {
    let local = unix_seconds + 9 * 3600;
    let days = local.div_euclid(86_400);
    let seconds = local.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, seconds)
}

impl FiscalYear {
    /// The fiscal year in progress in Japan at `unix_seconds` (it starts on 1 April).
    pub fn in_japan_at(unix_seconds: i64) -> FiscalYear {
        let (year, month, _, _) = japan_civil_time(unix_seconds);
        FiscalYear((if month < 4 { year - 1 } else { year }) as i32)
    }

    pub fn western(self) -> i32 {
        self.0
    }

    /// Era name and year within the era, e.g. `("令和", 4)`.
    pub fn era(self) -> (&'static str, i32) {
        let (name, _, n) = self.era_in_both();
        (name, n)
    }

    /// The era's Japanese and English names and the year within it.
    pub fn era_in_both(self) -> (&'static str, &'static str, i32) {
        for (name, english, first) in ERAS {
            if self.0 >= first {
                return (name, english, self.0 - first + 1);
            }
        }
        ("昭和", "Showa", self.0 - 1926 + 1)
    }

    /// `令和4年度`; the first year of an era is written 元.
    pub fn japanese(self) -> String {
        let (era, n) = self.era();
        if n == 1 {
            format!("{era}元年度")
        } else {
            format!("{era}{n}年度")
        }
    }

    /// `令和4年度（2022年度）`: the label used everywhere in the UI.
    pub fn label(self) -> String {
        format!("{}（{}年度）", self.japanese(), self.0)
    }

    /// The label in `lang`: `令和4年度（2022年度）` or `FY2022 (Reiwa 4)`.
    pub fn label_in(self, lang: crate::lang::Lang) -> String {
        match lang {
            crate::lang::Lang::Ja => self.label(),
            crate::lang::Lang::En => {
                let (_, era, n) = self.era_in_both();
                format!("FY{} ({era} {n})", self.0)
            }
        }
    }

    /// Parses `令和4年度`, `R4`, `令和元年度` or a Western `2022`.
    pub fn parse(text: &str) -> Option<FiscalYear> {
        let text = text.trim().trim_end_matches("年度").trim_end_matches('年');
        if let Ok(year) = text.parse::<i32>() {
            return (1900..=2200).contains(&year).then_some(FiscalYear(year));
        }
        for (name, _, first) in ERAS {
            if let Some(rest) = text.strip_prefix(name) {
                let n = if rest == "元" { 1 } else { rest.parse().ok()? };
                return Some(FiscalYear(first + n - 1));
            }
        }
        let (prefix, rest) =
            text.split_at(text.char_indices().nth(1).map_or(text.len(), |(i, _)| i));
        let first = match prefix {
            "R" | "r" => 2019,
            "H" | "h" => 1989,
            _ => return None,
        };
        let n: i32 = rest.parse().ok()?;
        Some(FiscalYear(first + n - 1))
    }
}

impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

#[cfg(test)]
mod tests {
    use crate::lang::Lang;

    #[test]
    fn fiscal_years_read_as_fy_and_era_in_english() {
        use super::FiscalYear;
        assert_eq!(FiscalYear(2024).label_in(Lang::En), "FY2024 (Reiwa 6)");
        assert_eq!(FiscalYear(2019).label_in(Lang::En), "FY2019 (Reiwa 1)");
        assert_eq!(FiscalYear(2016).label_in(Lang::En), "FY2016 (Heisei 28)");
        assert_eq!(FiscalYear(2024).label_in(Lang::Ja), "令和6年度（2024年度）");
        let period = crate::Period {
            start_fiscal_year: FiscalYear(2022),
            end_fiscal_year: FiscalYear(2026),
            text: None,
        };
        assert_eq!(
            period.label_in(Lang::En),
            "FY2022 (Reiwa 4) – FY2026 (Reiwa 8)"
        );
        assert_eq!(
            period.label(),
            "令和4年度（2022年度）～令和8年度（2026年度）"
        );
    }

    #[test]
    fn the_fiscal_year_turns_on_1_april_japan_time() {
        // 2025-03-31T15:00:00Z is 2025-04-01 00:00 in Japan.
        assert_eq!(
            super::FiscalYear::in_japan_at(1_743_433_200),
            super::FiscalYear(2025)
        );
        assert_eq!(
            super::FiscalYear::in_japan_at(1_743_433_199),
            super::FiscalYear(2024)
        );
    }

    use super::*;

    #[test]
    fn reiwa_years() {
        assert_eq!(FiscalYear(2022).japanese(), "令和4年度");
        assert_eq!(FiscalYear(2019).japanese(), "令和元年度");
        assert_eq!(FiscalYear(2018).japanese(), "平成30年度");
        assert_eq!(FiscalYear(2026).label(), "令和8年度（2026年度）");
    }

    #[test]
    fn parse_round_trips() {
        for year in 1990..2040 {
            let fy = FiscalYear(year);
            assert_eq!(FiscalYear::parse(&fy.japanese()), Some(fy), "{year}");
        }
        assert_eq!(FiscalYear::parse("R4"), Some(FiscalYear(2022)));
        assert_eq!(FiscalYear::parse("2022"), Some(FiscalYear(2022)));
        assert_eq!(FiscalYear::parse("来年"), None);
    }
}
