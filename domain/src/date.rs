//! Calendar days (`YYYY-MM-DD`, 1900–2199) and the distance between them, in Japan's time
//! zone: the dates of field notes, KPI readings and reporting-round deadlines.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::fiscal::japan_civil_time;

/// A calendar day, counted from 1970-01-01. Serialized as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Day(i64);

/// `YYYY-MM-DD` naming a day that exists (leap years included), in 1900–2199.
pub fn is_valid_date(text: &str) -> bool {
    Day::parse(text).is_some()
}

fn days_in_month(year: i64, month: i64) -> i64 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl Day {
    /// The day `text` names, if it is a real `YYYY-MM-DD` day in 1900–2199.
    pub fn parse(text: &str) -> Option<Day> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<i64> {
            let digits = &text[range];
            digits
                .bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| digits.parse().ok())
                .flatten()
        };
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        let valid =
            (1900..=2199).contains(&year) && (1..=days_in_month(year, month)).contains(&day);
        valid.then(|| Day(days_from_civil(year, month, day)))
    }

    /// The day it is in Japan at `unix_seconds`.
    pub fn in_japan_at(unix_seconds: i64) -> Day {
        let (year, month, day, _) = japan_civil_time(unix_seconds);
        Day(days_from_civil(year, month, day))
    }

    /// How many days `later` comes after this day (negative if before).
    pub fn days_until(self, later: Day) -> i64 {
        later.0 - self.0
    }

    pub fn plus_days(self, days: i64) -> Day {
        Day(self.0 + days)
    }

    /// Year, month and day.
    pub fn civil(self) -> (i64, i64, i64) {
        let (year, month, day, _) = japan_civil_time(self.0 * 86_400 - 9 * 3600);
        (year, month, day)
    }

    /// `2025年5月31日`.
    pub fn japanese(self) -> String {
        let (year, month, day) = self.civil();
        format!("{year}年{month}月{day}日")
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = self.civil();
        write!(f, "{year:04}-{month:02}-{day:02}")
    }
}

impl From<Day> for String {
    fn from(day: Day) -> String {
        day.to_string()
    }
}

impl TryFrom<String> for Day {
    type Error = String;

    fn try_from(text: String) -> Result<Day, String> {
        Day::parse(&text)
            .ok_or_else(|| format!("{text:?} is not a real date of the form YYYY-MM-DD"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_real_days_parse() {
        for good in ["2024-02-29", "1900-01-01", "2199-12-31", "2025-04-30"] {
            assert_eq!(Day::parse(good).unwrap().to_string(), good);
        }
        for bad in [
            "2023-02-29",
            "1900-02-29",
            "2024-13-01",
            "2024-04-31",
            "1899-12-31",
            "2200-01-01",
            "2024-1-01",
            "2024/01/01",
            "",
            "２０２４-01-01",
        ] {
            assert!(Day::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn days_count_across_months_years_and_leap_days() {
        let day = |t| Day::parse(t).unwrap();
        assert_eq!(day("2024-02-28").days_until(day("2024-03-01")), 2);
        assert_eq!(day("2025-02-28").days_until(day("2025-03-01")), 1);
        assert_eq!(day("2024-12-31").days_until(day("2025-01-01")), 1);
        assert_eq!(day("2025-05-31").days_until(day("2025-05-01")), -30);
        assert_eq!(day("1970-01-01"), Day(0));
        assert_eq!(day("2025-05-31").plus_days(1), day("2025-06-01"));
    }

    #[test]
    fn the_day_is_the_day_in_japan() {
        // 2025-03-31 15:00 UTC is already 1 April in Japan.
        assert_eq!(Day::in_japan_at(1_743_433_200).to_string(), "2025-04-01");
        assert_eq!(Day::in_japan_at(1_743_433_199).to_string(), "2025-03-31");
        assert_eq!(
            Day::parse("2025-05-31").unwrap().japanese(),
            "2025年5月31日"
        );
    }
}
