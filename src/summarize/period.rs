//! Calendar days and the periods of `--by`: no date library is needed for
//! ISO days, Monday-based weeks and months, and a day count keeps the
//! aggregation keys small and their order chronological.

use std::fmt;

use crate::core::days_in_month;

/// A calendar day (proleptic Gregorian), as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

impl Date {
    /// Parses exactly `YYYY-MM-DD` with a day that exists in its month.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            b[r].iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
        };
        let (y, m, d) = (num(0..4)? as i32, num(5..7)?, num(8..10)?);
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        Some(Date::from_ymd(y, m, d))
    }

    /// Howard Hinnant's `days_from_civil`.
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Date {
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m as i32 + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Date(era * 146_097 + doe - 719_468)
    }

    /// Howard Hinnant's `civil_from_days`.
    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (yoe + era * 400 + i32::from(m <= 2), m, d)
    }

    /// The Monday of its ISO week (which may fall in the previous year).
    pub fn monday(self) -> Date {
        // 1970-01-01 was a Thursday: three days after a Monday.
        Date(self.0 - (self.0 + 3).rem_euclid(7))
    }

    pub fn from_days(days: i32) -> Date {
        Date(days)
    }

    pub fn days(self) -> i32 {
        self.0
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}


/// The period length of `--by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Day,
    /// ISO weeks, named by their Monday.
    Week,
    Month,
}

/// A period of some [`By`]; ordered chronologically within one `By`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period(i32);

impl By {
    pub fn period(self, d: Date) -> Period {
        match self {
            By::Day => Period(d.0),
            By::Week => Period(d.monday().0),
            By::Month => {
                let (y, m, _) = d.ymd();
                Period(y * 12 + m as i32 - 1)
            }
        }
    }

    /// `2026-11-30` for a day or the week that starts on it, `2026-11` for a month.
    pub fn name(self, p: Period) -> String {
        match self {
            By::Day | By::Week => Date(p.0).to_string(),
            By::Month => format!("{:04}-{:02}", p.0.div_euclid(12), p.0.rem_euclid(12) + 1),
        }
    }

    /// The first day of the period.
    pub fn start(self, p: Period) -> Date {
        match self {
            By::Day | By::Week => Date(p.0),
            By::Month => Date::from_ymd(p.0.div_euclid(12), p.0.rem_euclid(12) as u32 + 1, 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_strictly_and_round_trip() {
        let cases: &[(&str, Option<&str>)] = &[
            ("2026-11-30", Some("2026-11-30")),
            ("1970-01-01", Some("1970-01-01")),
            ("1969-12-31", Some("1969-12-31")),
            ("2024-02-29", Some("2024-02-29")),
            ("2000-02-29", Some("2000-02-29")),
            ("2100-02-29", None),
            ("2026-02-29", None),
            ("2026-04-31", None),
            ("2026-13-01", None),
            ("2026-00-10", None),
            ("2026-01-00", None),
            ("2026-1-05", None),
            ("2026/01/05", None),
            ("26-01-2026", None),
            ("2026-01-05T00:00", None),
            ("", None),
            ("２０２６-01-05", None),
        ];
        for (text, expected) in cases {
            assert_eq!(Date::parse(text).map(|d| d.to_string()).as_deref(), *expected, "{text}");
        }
        assert_eq!(Date::parse("1970-01-01").unwrap().days(), 0);
        assert_eq!(Date::parse("2026-11-30").unwrap().days() - Date::parse("2026-11-29").unwrap().days(), 1);
    }

    #[test]
    fn periods_by_day_week_and_month() {
        let cases: &[(&str, By, &str)] = &[
            ("2026-11-30", By::Day, "2026-11-30"),
            // A Monday is its own week.
            ("2026-11-30", By::Week, "2026-11-30"),
            ("2026-12-06", By::Week, "2026-11-30"),
            ("2026-12-07", By::Week, "2026-12-07"),
            // Across the year boundary: ISO week 1 of 2026 starts on 2025-12-29.
            ("2026-01-01", By::Week, "2025-12-29"),
            ("2026-01-04", By::Week, "2025-12-29"),
            ("2027-01-01", By::Week, "2026-12-28"),
            ("2024-02-29", By::Week, "2024-02-26"),
            ("1970-01-01", By::Week, "1969-12-29"),
            ("2026-11-30", By::Month, "2026-11"),
            ("2026-12-31", By::Month, "2026-12"),
            ("2027-01-01", By::Month, "2027-01"),
        ];
        for (day, by, expected) in cases {
            let p = by.period(Date::parse(day).unwrap());
            assert_eq!(by.name(p), *expected, "{day} by {by:?}");
        }
        let (a, b) = (By::Month.period(Date::parse("2026-12-31").unwrap()), By::Month.period(Date::parse("2027-01-01").unwrap()));
        assert!(a < b);
        assert_eq!(By::Month.start(b).to_string(), "2027-01-01");
    }
}
