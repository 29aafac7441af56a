//! Periods of roles and projects as days, merged where they overlap; an open
//! period runs to today. Durations and dates read as people write them.

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
    let m = months(days);
    let (y, m) = (m / 12, m % 12);
    let plural = |n: i64, word: &str| {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    match (y, m) {
        (0, 0) => "less than a month".into(),
        (0, m) => plural(m, "month"),
        (y, 0) => plural(y, "year"),
        (y, m) => format!("{} and {}", plural(y, "year"), plural(m, "month")),
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// "Mar 2021" for `2021-03` and `2021-03-14`, "2021" for `2021`.
pub fn human(date: &str) -> String {
    match parse_partial_date(date) {
        Some(PartialDate {
            year,
            month: Some(m),
            ..
        }) => format!("{} {year}", MONTHS[m as usize - 1]),
        Some(d) => d.year.to_string(),
        None => date.to_string(),
    }
}

/// "Mar 2021 – present", "2019 – 2021", "" without dates.
pub fn period(start: Option<&str>, end: Option<&str>) -> String {
    match (start, end) {
        (Some(s), Some(e)) => format!("{} – {}", human(s), human(e)),
        (Some(s), None) => format!("{} – present", human(s)),
        (None, Some(e)) => format!("until {}", human(e)),
        (None, None) => String::new(),
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
