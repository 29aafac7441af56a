//! Calendar arithmetic without a date crate: Unix seconds <-> RFC 3339, and the
//! partial ISO 8601 dates of JSON Resume. (Howard Hinnant's civil algorithms.)

use std::time::{SystemTime, UNIX_EPOCH};

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Days since 1970-01-01 for a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// `2026-11-29T10:00:00Z`
pub fn rfc3339(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// `2026-11-29`
pub fn date_of(secs: i64) -> String {
    rfc3339(secs)[..10].to_string()
}

fn digits(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses an RFC 3339 timestamp (`Z` or `±hh:mm`, optional fraction) to Unix seconds.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    if s.len() < 20 || !s.is_ascii() {
        return None;
    }
    let (date, rest) = (&s[..10], &s[10..]);
    let (y, m, d) = parse_full_date(date)?;
    let rest = rest.strip_prefix(['T', 't'])?;
    let (hh, mm, ss) = (
        digits(rest.get(0..2)?)?,
        digits(rest.get(3..5)?)?,
        digits(rest.get(6..8)?)?,
    );
    if &rest[2..3] != ":" || &rest[5..6] != ":" || hh > 23 || mm > 59 || ss > 60 {
        return None;
    }
    let mut tail = &rest[8..];
    if let Some(frac) = tail.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        tail = &frac[n..];
    }
    let offset = match tail {
        "Z" | "z" => 0,
        _ if tail.len() == 6 && &tail[3..4] == ":" => {
            let sign = match &tail[..1] {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let (oh, om) = (digits(&tail[1..3])?, digits(&tail[4..6])?);
            if oh > 23 || om > 59 {
                return None;
            }
            sign * (oh * 3600 + om * 60)
        }
        _ => return None,
    };
    Some(days_from_civil(y, m, d) * 86_400 + hh * 3600 + mm * 60 + ss.min(59) - offset)
}

/// The latest year a résumé date may have: JSON Resume's `iso8601` pattern
/// takes years 1000-2999 only, and a résumé exported as JSON Resume must
/// stay valid under that schema.
pub const LAST_RESUME_YEAR: i64 = 2999;

/// A résumé date (SPEC §1): a partial date "as in JSON Resume", so of a year
/// from 1000 to 2999.
pub fn parse_resume_date(s: &str) -> Option<PartialDate> {
    parse_partial_date(s).filter(|d| d.year <= LAST_RESUME_YEAR)
}

fn parse_full_date(s: &str) -> Option<(i64, u32, u32)> {
    match parse_partial_date(s)? {
        PartialDate {
            year,
            month: Some(m),
            day: Some(d),
        } => Some((year, m, d)),
        _ => None,
    }
}

/// A JSON Resume date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PartialDate {
    pub year: i64,
    pub month: Option<u32>,
    pub day: Option<u32>,
}

impl PartialDate {
    /// The first day the date can mean, for ordering start and end dates.
    pub fn first_day(&self) -> i64 {
        days_from_civil(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }
    /// The last day the date can mean (`2020` ends on 2020-12-31).
    pub fn last_day(&self) -> i64 {
        let m = self.month.unwrap_or(12);
        days_from_civil(
            self.year,
            m,
            self.day.unwrap_or_else(|| days_in_month(self.year, m)),
        )
    }
}

pub fn parse_partial_date(s: &str) -> Option<PartialDate> {
    let mut parts = s.split('-');
    let y = parts.next()?;
    if y.len() != 4 {
        return None;
    }
    let year = digits(y)?;
    let month = match parts.next() {
        None => None,
        Some(m) if m.len() == 2 => Some(digits(m)? as u32),
        Some(_) => return None,
    };
    let day = match parts.next() {
        None => None,
        Some(d) if d.len() == 2 => Some(digits(d)? as u32),
        Some(_) => return None,
    };
    if parts.next().is_some() || year < 1000 {
        return None;
    }
    if let Some(m) = month
        && !(1..=12).contains(&m)
    {
        return None;
    }
    if let (Some(m), Some(d)) = (month, day)
        && (d < 1 || d > days_in_month(year, m))
    {
        return None;
    }
    Some(PartialDate { year, month, day })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_timestamps() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_947_600), "2026-11-29T10:20:00Z");
        for t in [0, 951_782_400, 1_795_947_600, 4_102_444_800] {
            assert_eq!(parse_rfc3339(&rfc3339(t)), Some(t));
        }
        assert_eq!(
            parse_rfc3339("2026-11-29T12:20:00.123+02:00"),
            Some(1_795_947_600)
        );
        for bad in [
            "2026-11-29",
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-11-29T25:00:00Z",
            "2026-11-29T10:00:00",
            "x026-11-29T10:00:00Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn partial_dates() {
        assert!(parse_partial_date("2020").is_some());
        assert!(parse_partial_date("2020-02").is_some());
        assert!(parse_partial_date("2020-02-29").is_some());
        for bad in [
            "2021-02-29",
            "2020-13",
            "2020-00",
            "20",
            "2020-1",
            "2020-01-01T00",
            "abcd",
            "2020-01-32",
            "",
        ] {
            assert!(parse_partial_date(bad).is_none(), "{bad}");
        }
        assert!(parse_resume_date("2999-12-31").is_some());
        assert!(parse_resume_date("3000").is_none() && parse_partial_date("3000").is_some());
        let y = parse_partial_date("2020").unwrap();
        assert!(y.last_day() >= parse_partial_date("2020-12-31").unwrap().first_day());
    }
}
