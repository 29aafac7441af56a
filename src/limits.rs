//! Token buckets in SQLite (SPEC §5). One table, one atomic upsert per take
//! that refills by the time elapsed, takes a token if there is one and says
//! what is left. The clock is passed in, so tests can move time.

use std::fmt;

use rusqlite::{OptionalExtension, params};

/// A bucket's shape: up to `burst` tokens, refilled at `per_sec`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub burst: f64,
    pub per_sec: f64,
}

impl Rate {
    /// `BURST:COUNT/PERIOD`, e.g. `120:2/s`, `10:1/6s`, `5:5/h`.
    pub fn parse(s: &str) -> Result<Rate, String> {
        let bad = || format!("'{s}' is not a rate like 120:2/s (burst:count/period)");
        let (burst, refill) = s.split_once(':').ok_or_else(bad)?;
        let (count, period) = refill.split_once('/').ok_or_else(bad)?;
        let burst: f64 = burst.trim().parse().map_err(|_| bad())?;
        let count: f64 = count.trim().parse().map_err(|_| bad())?;
        let period = period.trim();
        let unit_at = period
            .find(|c: char| c.is_ascii_alphabetic())
            .ok_or_else(bad)?;
        let n: f64 = match &period[..unit_at] {
            "" => 1.0,
            n => n.parse().map_err(|_| bad())?,
        };
        let unit = match &period[unit_at..] {
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "d" => 86_400.0,
            _ => return Err(bad()),
        };
        if !(burst >= 1.0 && count >= 0.0 && n > 0.0 && burst.is_finite() && count.is_finite()) {
            return Err(bad());
        }
        Ok(Rate {
            burst,
            per_sec: count / (n * unit),
        })
    }

    /// The window the `RateLimit-Policy` header names: time to refill from empty.
    pub fn window_secs(&self) -> u64 {
        if self.per_sec > 0.0 {
            (self.burst / self.per_sec).ceil() as u64
        } else {
            86_400
        }
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}/s", self.burst, self.per_sec)
    }
}

/// What one take found.
#[derive(Debug, Clone)]
pub struct Take {
    pub policy: &'static str,
    pub rate: Rate,
    pub allowed: bool,
    /// Tokens left after this take.
    pub remaining: f64,
    /// For buckets that reset at a time instead of refilling (the daily quota).
    pub resets_in: Option<u64>,
}

impl Take {
    /// Whole seconds until a token is back (at least 1).
    pub fn retry_after(&self) -> u64 {
        if let Some(t) = self.resets_in {
            return t.max(1);
        }
        if self.per_sec_zero() {
            return 86_400;
        }
        (((1.0 - self.remaining).max(0.0)) / self.rate.per_sec)
            .ceil()
            .max(1.0) as u64
    }

    /// Whole seconds until the bucket is full again.
    pub fn reset_secs(&self) -> u64 {
        if let Some(t) = self.resets_in {
            return t;
        }
        if self.per_sec_zero() {
            return 86_400;
        }
        ((self.rate.burst - self.remaining).max(0.0) / self.rate.per_sec).ceil() as u64
    }

    fn per_sec_zero(&self) -> bool {
        self.rate.per_sec <= 0.0
    }

    pub fn remaining_whole(&self) -> u64 {
        self.remaining.max(0.0).floor() as u64
    }
}

/// Takes one token from the bucket `key`, creating it full when new.
/// One statement: concurrent takes cannot both spend the last token.
pub fn take(
    conn: &rusqlite::Connection,
    key: &str,
    rate: Rate,
    now: f64,
) -> rusqlite::Result<(bool, f64)> {
    conn.prepare_cached(
        "INSERT INTO buckets (key, tokens, updated_at, took) VALUES (?1, ?2 - 1.0, ?3, 1)
         ON CONFLICT (key) DO UPDATE SET
           tokens = min(?2, tokens + max(0.0, ?3 - updated_at) * ?4)
                    - (min(?2, tokens + max(0.0, ?3 - updated_at) * ?4) >= 1.0),
           took = (min(?2, tokens + max(0.0, ?3 - updated_at) * ?4) >= 1.0),
           updated_at = max(updated_at, ?3)
         RETURNING took, tokens",
    )?
    .query_row(params![key, rate.burst, now, rate.per_sec], |r| {
        Ok((r.get::<_, bool>(0)?, r.get(1)?))
    })
}

/// The tokens in a bucket now, without taking one.
pub fn peek(conn: &rusqlite::Connection, key: &str, rate: Rate, now: f64) -> rusqlite::Result<f64> {
    let row: Option<(f64, f64)> = conn
        .prepare_cached("SELECT tokens, updated_at FROM buckets WHERE key = ?1")?
        .query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(match row {
        None => rate.burst,
        Some((tokens, at)) => (tokens + (now - at).max(0.0) * rate.per_sec).min(rate.burst),
    })
}

/// Forgets buckets that have been full (or stale) for a day: they would be
/// created full again anyway.
pub fn sweep(conn: &rusqlite::Connection, now: f64) -> rusqlite::Result<usize> {
    conn.prepare_cached("DELETE FROM buckets WHERE updated_at < ?1")?
        .execute([now - 2.0 * 86_400.0])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> rusqlite::Connection {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        c.execute_batch(crate::db::SCHEMA).unwrap();
        c
    }

    #[test]
    fn parses_rates() {
        assert_eq!(
            Rate::parse("120:2/s").unwrap(),
            Rate {
                burst: 120.0,
                per_sec: 2.0
            }
        );
        assert_eq!(
            Rate::parse("10:1/6s").unwrap(),
            Rate {
                burst: 10.0,
                per_sec: 1.0 / 6.0
            }
        );
        assert_eq!(Rate::parse("5:5/h").unwrap().per_sec, 5.0 / 3600.0);
        for bad in [
            "", "10", "10:1", "0:1/s", "10:1/x", "10:-1/s", "a:1/s", "10:1/0s",
        ] {
            assert!(Rate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn takes_until_empty_then_refills_with_time() {
        let c = db();
        let rate = Rate {
            burst: 3.0,
            per_sec: 0.5,
        };
        let t0 = 1_000.0;
        for left in [2.0, 1.0, 0.0] {
            assert_eq!(take(&c, "k", rate, t0).unwrap(), (true, left));
        }
        assert_eq!(take(&c, "k", rate, t0).unwrap(), (false, 0.0));
        assert_eq!(
            take(&c, "k", rate, t0 + 1.0).unwrap(),
            (false, 0.5),
            "half a token is not a token"
        );
        assert_eq!(
            take(&c, "k", rate, t0 + 2.0).unwrap(),
            (true, 0.0),
            "a second later it is"
        );
        // refilling stops at the burst
        assert_eq!(take(&c, "k", rate, t0 + 1000.0).unwrap(), (true, 2.0));
        // a clock that goes back does not mint tokens
        assert_eq!(take(&c, "k", rate, t0).unwrap(), (true, 1.0));
        assert_eq!(peek(&c, "k", rate, t0 + 1001.0).unwrap(), 1.5);
        assert_eq!(peek(&c, "other", rate, t0).unwrap(), 3.0);
    }

    #[test]
    fn retry_after_counts_whole_seconds_to_the_next_token() {
        let rate = Rate {
            burst: 10.0,
            per_sec: 1.0 / 6.0,
        };
        let t = Take {
            policy: "login",
            rate,
            allowed: false,
            remaining: 0.5,
            resets_in: None,
        };
        assert_eq!(t.retry_after(), 3);
        assert_eq!(t.reset_secs(), 57);
        let t = Take {
            remaining: 0.99,
            ..t
        };
        assert_eq!(t.retry_after(), 1);
    }

    #[test]
    fn sweeps_old_buckets() {
        let c = db();
        let rate = Rate {
            burst: 1.0,
            per_sec: 1.0,
        };
        take(&c, "old", rate, 0.0).unwrap();
        take(&c, "new", rate, 500_000.0).unwrap();
        assert_eq!(sweep(&c, 500_000.0).unwrap(), 1);
    }
}
