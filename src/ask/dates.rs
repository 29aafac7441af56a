//! Periods of roles and projects as days, merged where they overlap; an open
//! period runs to today. Durations and dates read as people write them.

use std::fmt::Write;

use crate::time::{PartialDate, parse_partial_date};

/// Days since 1970-01-01, both ends counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub start: i64,
    pub end: i64,
}

/// The period from `start` to `end` (absent: today). `None` without a start,
/// or when it begins after today. An end after today counts up to today.
pub fn span(start: Option<&str>, end: Option<&str>, today: i64) -> Option<Span> {
    let start = parse_partial_date(start?)?.first_day();
    if start > today {
        return None;
    }
    let end = end
        .and_then(parse_partial_date)
        .map_or(today, |d| d.last_day())
        .min(today);
    (end >= start).then_some(Span { start, end })
}

/// Days covered by the spans, overlaps counted once.
pub fn merged_days(spans: &[Span]) -> i64 {
    let mut spans = spans.to_vec();
    spans.sort();
    let mut total = 0;
    let mut current: Option<Span> = None;
    for s in spans {
        match &mut current {
            Some(c) if s.start <= c.end + 1 => c.end = c.end.max(s.end),
            _ => {
                if let Some(c) = current {
                    total += c.end - c.start + 1;
                }
                current = Some(s);
            }
        }
    }
    total + current.map_or(0, |c| c.end - c.start + 1)
}

/// Whole months in `days` (a month being 1/12 of 365.25 days), rounded.
pub fn months(days: i64) -> i64 {
    (days as f64 / (365.25 / 12.0)).round() as i64
}

/// "3 years and 2 months", "1 year", "5 months", "less than a month".
pub fn duration(days: i64) -> String {
    let mut out = String::new();
    push_duration(&mut out, days);
    out
}

/// `duration`, written at the end of `out`. The answers are made of such
/// pieces; writing each in place, not as a string of its own, was a third
/// of an answer's allocations.
pub fn push_duration(out: &mut String, days: i64) {
    let m = months(days);
    match (m / 12, m % 12) {
        (0, 0) => out.push_str("less than a month"),
        (0, m) => push_count(out, m, "month"),
        (y, 0) => push_count(out, y, "year"),
        (y, m) => {
            push_count(out, y, "year");
            out.push_str(" and ");
            push_count(out, m, "month");
        }
    }
}

/// "1 year", "3 years".
fn push_count(out: &mut String, n: i64, word: &str) {
    let _ = write!(out, "{n} {word}{}", if n == 1 { "" } else { "s" });
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// "Mar 2021" for `2021-03` and `2021-03-14`, "2021" for `2021`.
pub fn human(date: &str) -> String {
    let mut out = String::new();
    push_human(&mut out, date);
    out
}

/// `human`, written at the end of `out`.
pub fn push_human(out: &mut String, date: &str) {
    let _ = match parse_partial_date(date) {
        Some(PartialDate {
            year,
            month: Some(m),
            ..
        }) => write!(out, "{} {year}", MONTHS[m as usize - 1]),
        Some(d) => write!(out, "{}", d.year),
        None => write!(out, "{date}"),
    };
}

/// "Mar 2021 – present", "2019 – 2021", "" without dates.
pub fn period(start: Option<&str>, end: Option<&str>) -> String {
    let mut out = String::new();
    push_period(&mut out, start, end);
    out
}

/// `period`, written at the end of `out`.
pub fn push_period(out: &mut String, start: Option<&str>, end: Option<&str>) {
    match (start, end) {
        (Some(s), Some(e)) => {
            push_human(out, s);
            out.push_str(" – ");
            push_human(out, e);
        }
        (Some(s), None) => {
            push_human(out, s);
            out.push_str(" – present");
        }
        (None, Some(e)) => {
            out.push_str("until ");
            push_human(out, e);
        }
        (None, None) => {}
    }
}

/// Is the date (its last possible day) before today?
pub fn is_past(date: &str, today: i64) -> bool {
    parse_partial_date(date).is_some_and(|d| d.last_day() < today)
}

/// The sort key of an end date: open ends sort last (they are the latest).
pub fn end_key(end: Option<&str>) -> i64 {
    end.and_then(parse_partial_date)
        .map_or(i64::MAX, |d| d.last_day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::days_from_civil;

    #[test]
    fn overlapping_periods_count_once() {
        let today = days_from_civil(2026, 1, 1);
        let a = span(Some("2018-01"), Some("2020-12"), today).unwrap();
        let b = span(Some("2020-01"), None, today).unwrap();
        let c = span(Some("2015"), Some("2015"), today).unwrap();
        assert_eq!(duration(merged_days(&[a, b])), "8 years");
        assert_eq!(duration(merged_days(&[a, b, c])), "9 years");
        assert_eq!(duration(merged_days(&[b, a, a])), "8 years");
        assert!(span(Some("2030"), None, today).is_none());
        assert_eq!(duration(40), "1 month");
        assert_eq!(duration(400), "1 year and 1 month");
        assert_eq!(period(Some("2021-03-02"), None), "Mar 2021 – present");
        assert!(is_past("2025-12", today) && !is_past("2026-01", today));
    }
}
