//! What insights remember (SPEC §4.1): each question asked, with its status,
//! day and referrer host, and the referrer hosts of views. Kept in memory and
//! written in batches by the flusher (like the counters), so an ask never
//! waits for the writer. The buffer is bounded: past `MAX_PENDING` entries
//! waiting to be written, new ones are dropped (and the drop is logged).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

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

impl Record {
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
        let asked = Batch::of(asks.iter().map(|a| {
            let host = &a.referrer_host;
            (
                &a.user_id,
                &a.day,
                &a.question,
                &a.normalised,
                a.status,
                host,
            )
        }));
        let hosted = Batch::of(
            hosts
                .iter()
                .map(|((user, day, source, host), n)| (user, day, source, host, n)),
        );
        let written = crate::store::db::write(pool, |tx| {
            asked.insert(
                tx,
                "ask_log",
                &[
                    "user_id",
                    "day",
                    "question",
                    "normalised",
                    "status",
                    "referrer_host",
                ],
                "",
            )?;
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
    fn the_buffer_is_bounded() {
        let r = Record::default();
        for _ in 0..MAX_PENDING + 5 {
            r.ask("u", "q?", "q".into(), "answered", None);
        }
        assert_eq!(r.asks.lock().unwrap().len(), MAX_PENDING);
        assert_eq!(r.dropped.load(Ordering::Relaxed), 5);
    }
}
