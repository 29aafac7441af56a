//! What insights remember (SPEC §4.1): each question asked, with its status,
//! day and referrer host, and the referrer hosts of views. Kept in memory and
//! written in batches by the flusher (like the counters), so an ask never
//! waits for the writer. The buffer is bounded: past `MAX_PENDING` entries
//! waiting to be written, new ones are dropped (and the drop is logged).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::thread::Thread;

use crate::store::db::{Batch, Pool};
use crate::time::{date_of, now};

/// Entries waiting to be written, at most (each kind).
pub const MAX_PENDING: usize = 10_000;

#[derive(Debug, Clone)]
pub struct AskEvent {
    pub user_id: String,
    pub day: String,
    pub question: String,
    pub normalised: String,
    pub status: &'static str,
    pub referrer_host: Option<String>,
}

/// (user, day, source, host) → count
type Hosts = HashMap<(String, String, &'static str, String), i64>;

#[derive(Default)]
pub struct Record {
    asks: Mutex<Vec<AskEvent>>,
    hosts: Mutex<Hosts>,
    dropped: AtomicU64,
    /// The flusher, woken early when the buffer is half full: at its steady
    /// pace (a second) the buffer held fewer asks than 12 000 a second
    /// bring, and dropped the rest (measured: 4 000–9 000 a second).
    flusher: OnceLock<Thread>,
}

/// The host of a `Referer` header (`https://news.example.com/a` →
/// `news.example.com`), lower case, without port or credentials.
pub fn referrer_host(referer: Option<&str>) -> Option<String> {
    let rest = referer?.trim().split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = if host.starts_with('[') {
        host.split(']').next()?.trim_start_matches('[')
    } else {
        host.split(':').next()?
    };
    let host = host.to_ascii_lowercase();
    let ok = !host.is_empty()
        && host.len() <= 253
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':'));
    ok.then_some(host)
}

/// Inserts the asks, in the order they were asked, leaving out those of
/// users deleted since. One plain single-row insert each, with its text
/// bound, not one insert of them all from JSON (`db::Batch`): reading each
/// value back out of the JSON cost SQLite an allocation a column, and the
/// flusher fell behind past 5 000 asks a second (10 000 rows took it a
/// second, and the bounded buffer dropped the rest). A single-row insert
/// needs no statement journal.
fn insert_asks(tx: &rusqlite::Connection, asks: &[AskEvent]) -> rusqlite::Result<()> {
    let mut user = tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM users WHERE id = ?1)")?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO ask_log (user_id, day, question, normalised, status, referrer_host)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut last: Option<(&str, bool)> = None;
    for a in asks {
        let exists = match last {
            Some((id, known)) if id == a.user_id => known,
            _ => user.query_row([&a.user_id], |r| r.get(0))?,
        };
        last = Some((&a.user_id, exists));
        if exists {
            insert.execute(rusqlite::params![
                a.user_id,
                a.day,
                a.question,
                a.normalised,
                a.status,
                a.referrer_host
            ])?;
        }
    }
    Ok(())
}

impl Record {
    /// The thread that calls `flush`, to wake when the buffer fills.
    pub fn flushed_by(&self, flusher: Thread) {
        let _ = self.flusher.set(flusher);
    }

    /// `normalised` is the question's normal form (`Answer::normalised`).
    pub fn ask(
        &self,
        user_id: &str,
        question: &str,
        normalised: String,
        status: &'static str,
        host: Option<String>,
    ) {
        let mut asks = self.asks.lock().unwrap_or_else(|e| e.into_inner());
        if asks.len() >= MAX_PENDING {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        } else {
            asks.push(AskEvent {
                user_id: user_id.to_string(),
                day: date_of(now()),
                question: question.to_string(),
                normalised,
                status,
                referrer_host: host.clone(),
            });
            if asks.len() == MAX_PENDING / 2
                && let Some(flusher) = self.flusher.get()
            {
                flusher.unpark();
            }
        }
        drop(asks);
        if let Some(h) = host {
            self.host(user_id, "ask", h);
        }
    }

    pub fn view(&self, user_id: &str, host: Option<String>) {
        if let Some(h) = host {
            self.host(user_id, "view", h);
        }
    }

    fn host(&self, user_id: &str, source: &'static str, host: String) {
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        let key = (user_id.to_string(), date_of(now()), source, host);
        let full = hosts.len() >= MAX_PENDING;
        match hosts.get_mut(&key) {
            Some(n) => *n += 1,
            None if full => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
            None => {
                hosts.insert(key, 1);
            }
        }
    }

    /// Writes everything pending in one transaction; on failure it goes back
    /// into the buffer (as far as the bound allows). Returns the entries dropped
    /// since the last flush, for the log.
    pub fn flush(&self, pool: &Pool) -> Result<u64, String> {
        let asks = std::mem::take(&mut *self.asks.lock().unwrap_or_else(|e| e.into_inner()));
        let hosts = std::mem::take(&mut *self.hosts.lock().unwrap_or_else(|e| e.into_inner()));
        let dropped = self.dropped.swap(0, Ordering::Relaxed);
        if asks.is_empty() && hosts.is_empty() {
            return Ok(dropped);
        }
        let hosted = Batch::of(
            hosts
                .iter()
                .map(|((user, day, source, host), n)| (user, day, source, host, n)),
        );
        let written = crate::store::db::write(pool, |tx| {
            insert_asks(tx, &asks)?;
            hosted.insert(
                tx,
                "referrer_stats",
                &["user_id", "day", "source", "host", "n"],
                "ON CONFLICT (user_id, day, source, host) DO UPDATE SET n = n + excluded.n",
            )?;
            Ok(())
        })
        .map_err(|e| e.cause.clone().unwrap_or_else(|| e.detail.clone()));
        if let Err(e) = written {
            let mut pending = self.asks.lock().unwrap_or_else(|e| e.into_inner());
            let room = MAX_PENDING.saturating_sub(pending.len());
            pending.splice(0..0, asks.into_iter().take(room));
            drop(pending);
            let mut pending = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
            for (k, n) in hosts {
                *pending.entry(k).or_default() += n;
            }
            return Err(e);
        }
        Ok(dropped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_of_referers() {
        assert_eq!(
            referrer_host(Some("https://News.Example.com:8443/a?b#c")).as_deref(),
            Some("news.example.com")
        );
        assert_eq!(
            referrer_host(Some("http://user:pw@example.org")).as_deref(),
            Some("example.org")
        );
        assert_eq!(referrer_host(Some("android-app://x")).as_deref(), Some("x"));
        assert_eq!(referrer_host(Some("not a url")), None);
        assert_eq!(referrer_host(Some("https://exa mple.com/")), None);
        assert_eq!(referrer_host(None), None);
    }

    #[test]
    fn the_flusher_is_woken_when_the_buffer_is_half_full() {
        let r = std::sync::Arc::new(Record::default());
        let t0 = std::time::Instant::now();
        let flusher = std::thread::spawn(|| {
            std::thread::park_timeout(std::time::Duration::from_secs(30));
        });
        r.flushed_by(flusher.thread().clone());
        for _ in 0..MAX_PENDING / 2 {
            r.ask("u", "q?", "q".into(), "answered", None);
        }
        flusher.join().unwrap();
        assert!(t0.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn the_buffer_is_bounded() {
        let r = Record::default();
        for _ in 0..MAX_PENDING + 5 {
            r.ask("u", "q?", "q".into(), "answered", None);
        }
        assert_eq!(r.asks.lock().unwrap().len(), MAX_PENDING);
        assert_eq!(r.dropped.load(Ordering::Relaxed), 5);
    }
}
