//! Token buckets (SPEC §5): refilled by the time elapsed, a token taken if
//! there is one. The clock is passed in, so tests can move time. Kept in
//! memory while the process runs and in the SQLite table `buckets` across
//! restarts (see `Buckets`).

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

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

/// One bucket's state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    pub tokens: f64,
    pub updated_at: f64,
}

impl Bucket {
    pub fn full(rate: Rate, now: f64) -> Bucket {
        Bucket {
            tokens: rate.burst,
            updated_at: now,
        }
    }

    /// Refills by the time elapsed (never by a clock that went back), then
    /// takes a token if there is a whole one. Returns whether it did.
    pub fn take(&mut self, rate: Rate, now: f64) -> bool {
        self.refill(rate, now);
        let allowed = self.tokens >= 1.0;
        if allowed {
            self.tokens -= 1.0;
        }
        allowed
    }

    fn refill(&mut self, rate: Rate, now: f64) {
        let elapsed = (now - self.updated_at).max(0.0);
        self.tokens = (self.tokens + elapsed * rate.per_sec).min(rate.burst);
        self.updated_at = self.updated_at.max(now);
    }

    /// The tokens there would be at `now`, without taking one.
    pub fn peek(mut self, rate: Rate, now: f64) -> f64 {
        self.refill(rate, now);
        self.tokens
    }
}

/// The longest bucket key kept as it is. A longer one (some client-chosen
/// text inside it) is kept as its policy and a SHA-256 of the whole key, so
/// no client can make a key, a row of `buckets` or the memory grow.
pub const MAX_KEY: usize = 100;

pub fn bounded_key(key: &str) -> std::borrow::Cow<'_, str> {
    if key.len() <= MAX_KEY {
        return std::borrow::Cow::Borrowed(key);
    }
    let policy: String = key
        .split(':')
        .next()
        .unwrap_or("")
        .chars()
        .take(24)
        .collect();
    std::borrow::Cow::Owned(format!("{policy}:sha256:{}", crate::auth::keys::hash(key)))
}

/// Buckets kept in memory before the clean ones are dropped (they are
/// read back from the table when met again).
const MAX_IN_MEMORY: usize = 100_000;
/// The most buckets kept in memory whatever happens (see `Buckets::load`).
const HARD_MAX: usize = 4 * MAX_IN_MEMORY;

#[derive(Default)]
struct Slot {
    bucket: Option<Bucket>,
    dirty: bool,
}

/// Every bucket in use. Takes happen in memory, under one lock, so N
/// parallel requests against a bucket of burst B let exactly B through
/// without a database write on the request path. The table `buckets` is the
/// persistent copy: a bucket is read from it the first time this process
/// meets its key, and changed buckets are written back every second and at a
/// clean stop, so an emptied bucket stays empty across a restart.
#[derive(Default)]
pub struct Buckets {
    slots: Mutex<HashMap<String, Slot>>,
}

impl Buckets {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Slot>> {
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes sure `key` is in memory, reading the table (through `open`, so a
    /// connection is only taken when needed) the first time.
    fn load<C, E>(&self, key: &str, open: impl FnOnce() -> Result<C, E>) -> Result<(), E>
    where
        C: std::ops::Deref<Target = rusqlite::Connection>,
        E: From<rusqlite::Error>,
    {
        if self.lock().contains_key(key) {
            return Ok(());
        }
        let conn = open()?;
        let stored = load(&conn, key)?;
        let mut slots = self.lock();
        // While flushes fail (a full disk) nothing is marked clean, so
        // `written` never trims: past the hard bound, clean buckets go, and
        // then the dirty ones (a forgotten bucket starts full again: the
        // limiter errs on the lenient side rather than grow without end).
        if slots.len() >= HARD_MAX {
            slots.retain(|_, s| s.dirty);
            if slots.len() >= HARD_MAX {
                slots.clear();
            }
        }
        slots.entry(key.to_string()).or_insert(Slot {
            bucket: stored,
            dirty: false,
        });
        Ok(())
    }

    /// Takes a token from `key`; a new bucket starts full. `open` gives a
    /// database connection, called only when the key is new to this process.
    pub fn take<C, E>(
        &self,
        key: &str,
        rate: Rate,
        now: f64,
        open: impl FnOnce() -> Result<C, E>,
    ) -> Result<(bool, f64), E>
    where
        C: std::ops::Deref<Target = rusqlite::Connection>,
        E: From<rusqlite::Error>,
    {
        let key = &*bounded_key(key);
        self.load(key, open)?;
        let mut slots = self.lock();
        let slot = slots.entry(key.to_string()).or_default();
        let bucket = slot.bucket.get_or_insert(Bucket::full(rate, now));
        let allowed = bucket.take(rate, now);
        slot.dirty = true;
        Ok((allowed, bucket.tokens))
    }

    /// The tokens in `key` at `now`, without taking one.
    pub fn peek(
        &self,
        conn: &rusqlite::Connection,
        key: &str,
        rate: Rate,
        now: f64,
    ) -> rusqlite::Result<f64> {
        let key = &*bounded_key(key);
        self.load(key, || Ok::<_, rusqlite::Error>(conn))?;
        Ok(self
            .lock()
            .get(key)
            .and_then(|s| s.bucket)
            .map_or(rate.burst, |b| b.peek(rate, now)))
    }

    /// Writes the changed buckets to the table (in the caller's
    /// transaction) and sweeps old ones; returns what was written, for
    /// `written` once the transaction is committed. Until then nothing is
    /// marked clean, so a failed flush is tried again next time.
    pub fn write_dirty(
        &self,
        conn: &rusqlite::Connection,
        now: f64,
    ) -> rusqlite::Result<Vec<(String, Bucket)>> {
        let changed: Vec<(String, Bucket)> = self
            .lock()
            .iter()
            .filter(|(_, s)| s.dirty)
            .filter_map(|(k, s)| s.bucket.map(|b| (k.clone(), b)))
            .collect();
        if !changed.is_empty() {
            let mut upsert = conn.prepare_cached(
                "INSERT INTO buckets (key, tokens, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at",
            )?;
            for (key, b) in &changed {
                upsert.execute(params![key, b.tokens, b.updated_at])?;
            }
            sweep(conn, now)?;
        }
        Ok(changed)
    }

    /// Marks the buckets `write_dirty` wrote clean (unless they changed
    /// since), and forgets, in memory, those not touched for a day.
    pub fn written(&self, changed: &[(String, Bucket)], now: f64) {
        let mut slots = self.lock();
        for (key, written) in changed {
            if let Some(slot) = slots.get_mut(key)
                && slot.bucket == Some(*written)
            {
                slot.dirty = false;
            }
        }
        slots.retain(|_, s| s.dirty || s.bucket.is_some_and(|b| now - b.updated_at < 86_400.0));
        // Bounded memory under a flood from many addresses: a clean bucket is
        // in the table, so forgetting it here loses nothing.
        if slots.len() > MAX_IN_MEMORY {
            slots.retain(|_, s| s.dirty);
        }
    }
}

fn load(conn: &rusqlite::Connection, key: &str) -> rusqlite::Result<Option<Bucket>> {
    conn.prepare_cached("SELECT tokens, updated_at FROM buckets WHERE key = ?1")?
        .query_row([key], |r| {
            Ok(Bucket {
                tokens: r.get(0)?,
                updated_at: r.get(1)?,
            })
        })
        .optional()
}

/// Forgets stored buckets untouched for two days: they would be full again.
pub fn sweep(conn: &rusqlite::Connection, now: f64) -> rusqlite::Result<usize> {
    conn.prepare_cached("DELETE FROM buckets WHERE updated_at < ?1")?
        .execute([now - 2.0 * 86_400.0])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> rusqlite::Connection {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        c.execute_batch(crate::store::db::SCHEMA).unwrap();
        c
    }

    #[test]
    fn long_keys_are_bounded_and_stay_apart() {
        let short = "login:ip:192.0.2.1";
        assert_eq!(bounded_key(short), short);
        let a = format!("login-account:name:{}", "a".repeat(1 << 20));
        let b = format!("login-account:name:{}b", "a".repeat(1 << 20));
        let (ka, kb) = (bounded_key(&a), bounded_key(&b));
        assert!(ka.len() <= MAX_KEY && kb.len() <= MAX_KEY, "{ka}");
        assert!(ka.starts_with("login-account:sha256:"));
        assert_ne!(ka, kb);
        let rate = Rate::parse("1:1/h").unwrap();
        let buckets = Buckets::default();
        let conn = db();
        let open = || Ok::<_, rusqlite::Error>(&conn);
        assert!(buckets.take(&a, rate, 0.0, open).unwrap().0);
        assert!(
            !buckets.take(&a, rate, 0.0, open).unwrap().0,
            "the same key, one bucket"
        );
        assert!(buckets.take(&b, rate, 0.0, open).unwrap().0);
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
        let b = Buckets::default();
        let rate = Rate {
            burst: 3.0,
            per_sec: 0.5,
        };
        let t0 = 1_000.0;
        for left in [2.0, 1.0, 0.0] {
            assert_eq!(
                b.take("k", rate, t0, || Ok::<_, rusqlite::Error>(&c))
                    .unwrap(),
                (true, left)
            );
        }
        assert_eq!(
            b.take("k", rate, t0, || Ok::<_, rusqlite::Error>(&c))
                .unwrap(),
            (false, 0.0)
        );
        assert_eq!(
            b.take("k", rate, t0 + 1.0, || Ok::<_, rusqlite::Error>(&c))
                .unwrap(),
            (false, 0.5),
            "half a token is not a token"
        );
        assert_eq!(
            b.take("k", rate, t0 + 2.0, || Ok::<_, rusqlite::Error>(&c))
                .unwrap(),
            (true, 0.0),
            "a second later it is"
        );
        // refilling stops at the burst
        assert_eq!(
            b.take("k", rate, t0 + 1000.0, || Ok::<_, rusqlite::Error>(&c))
                .unwrap(),
            (true, 2.0)
        );
        // a clock that goes back does not mint tokens
        assert_eq!(
            b.take("k", rate, t0, || Ok::<_, rusqlite::Error>(&c))
                .unwrap(),
            (true, 1.0)
        );
        assert_eq!(b.peek(&c, "k", rate, t0 + 1001.0).unwrap(), 1.5);
        assert_eq!(b.peek(&c, "other", rate, t0).unwrap(), 3.0);
    }

    /// What the server's flusher does, on one connection.
    fn flush(b: &Buckets, c: &rusqlite::Connection, now: f64) -> usize {
        let written = b.write_dirty(c, now).unwrap();
        b.written(&written, now);
        written.len()
    }

    #[test]
    fn buckets_survive_in_the_table() {
        let c = db();
        let rate = Rate {
            burst: 2.0,
            per_sec: 0.001,
        };
        let first = Buckets::default();
        first
            .take("k", rate, 10.0, || Ok::<_, rusqlite::Error>(&c))
            .unwrap();
        first
            .take("k", rate, 10.0, || Ok::<_, rusqlite::Error>(&c))
            .unwrap();
        assert_eq!(flush(&first, &c, 10.0), 1);
        assert_eq!(flush(&first, &c, 10.0), 0, "nothing changed since");
        // a new process finds the bucket empty
        let second = Buckets::default();
        assert_eq!(
            second
                .take("k", rate, 10.0, || Ok::<_, rusqlite::Error>(&c))
                .unwrap(),
            (false, 0.0)
        );
    }

    #[test]
    fn parallel_takes_spend_exactly_the_burst() {
        let c = std::sync::Arc::new(Buckets::default());
        let rate = Rate {
            burst: 50.0,
            per_sec: 0.0,
        };
        let allowed: usize = (0..8)
            .map(|_| {
                let c = std::sync::Arc::clone(&c);
                std::thread::spawn(move || {
                    let conn = db();
                    (0..20)
                        .filter(|_| {
                            c.take("k", rate, 5.0, || Ok::<_, rusqlite::Error>(&conn))
                                .unwrap()
                                .0
                        })
                        .count()
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap())
            .sum();
        assert_eq!(allowed, 50);
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
        let b = Buckets::default();
        let rate = Rate {
            burst: 1.0,
            per_sec: 1.0,
        };
        b.take("old", rate, 0.0, || Ok::<_, rusqlite::Error>(&c))
            .unwrap();
        flush(&b, &c, 0.0);
        b.take("new", rate, 500_000.0, || Ok::<_, rusqlite::Error>(&c))
            .unwrap();
        flush(&b, &c, 500_000.0);
        let n: i64 = c
            .query_row("SELECT count(*) FROM buckets", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }
}
