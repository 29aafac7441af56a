//! The state every request shares: settings, the database pool, the JWT keys
//! and the password hasher.

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use rusqlite::OptionalExtension;

use crate::ask::memory::Memory;
use crate::ask::record::Record;
use crate::auth::jwt::Jwt;
use crate::auth::keys::random_base62;
use crate::auth::password::Hasher;
use crate::config::Config;
use crate::http::log;
use crate::policy::limits::Buckets;
use crate::store::background::Background;
use crate::store::counters::Counters;
use crate::store::db::{self, Pool};
use crate::store::health;

pub struct App {
    pub config: Config,
    pub pool: Pool,
    pub jwt: Jwt,
    pub hasher: Hasher,
    /// Requests being handled now, so a clean stop can wait for them.
    pub in_flight: AtomicUsize,
    pub counters: Arc<Counters>,
    pub buckets: Arc<Buckets>,
    /// Questions asked and referrer hosts, for insights (buffered like counters).
    pub record: Arc<Record>,
    /// Chat conversations' context.
    pub conversations: Memory,
    /// Every public candidate, for the MCP tools that read them all.
    pub candidates: crate::mcp::index::Shared,
    flusher: Option<Background>,
    refresher: Option<Background>,
}

const FLUSH_EVERY: Duration = Duration::from_secs(1);

/// Writes what is kept in memory (counters, rate-limit buckets) to the
/// database.
/// What is not written stays in memory for the next round. A storage
/// incident (a full disk …) is logged once by `store::health`, not here every
/// second; while it lasts, a probe write finds out when it is over.
fn flush(pool: &Pool, counters: &Counters, buckets: &Buckets, record: &Record) {
    let quiet = || health::current().is_some();
    if let Err(e) = counters.flush(pool)
        && !quiet()
    {
        log::line(&format!("counters not written yet: {e}"));
    }
    match record.flush(pool) {
        Ok(0) => {}
        Ok(n) => log::line(&format!("insights buffer full: {n} entries dropped")),
        Err(e) if !quiet() => log::line(&format!("insights not written yet: {e}")),
        Err(_) => {}
    }
    let now = crate::policy::quota::clock();
    match db::write(pool, |tx| Ok(buckets.write_dirty(tx, now)?)) {
        Ok(written) => buckets.written(&written, now),
        Err(e) if !quiet() => log::line(&format!(
            "rate-limit buckets not written yet: {}",
            e.cause.as_deref().unwrap_or(&e.detail)
        )),
        Err(_) => {}
    }
    if quiet() {
        health::probe(pool);
    }
    health::settle();
}

/// Flushes every second until told to stop.
fn spawn_flusher(
    pool: Pool,
    counters: Arc<Counters>,
    buckets: Arc<Buckets>,
    record: Arc<Record>,
) -> Result<Background, String> {
    Background::every("flusher", FLUSH_EVERY, move |_| {
        flush(&pool, &counters, &buckets, &record);
        Ok(())
    })
}

impl Drop for App {
    /// The last flush: counters and buckets changed since the previous one are written.
    fn drop(&mut self) {
        drop(self.refresher.take());
        drop(self.flusher.take());
        flush(&self.pool, &self.counters, &self.buckets, &self.record);
    }
}

impl App {
    pub fn new(config: Config) -> Result<App, String> {
        // SQLite reads are CPU work (the OS caches the file): more reading
        // connections than a few per core only cost memory (~300 KB each).
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let pool = db::open(&config.db, (4 * cores).min(config.threads) as u32)?;
        let secret = match &config.jwt_secret {
            Some(s) => s.clone(),
            None => stored_secret(&pool)?,
        };
        let jwt = Jwt::new(&secret, config.jwt_ttl)?;
        let counters = Arc::new(Counters::default());
        let buckets = Arc::new(Buckets::default());
        let record = Arc::new(Record::default());
        let flusher = spawn_flusher(
            pool.clone(),
            Arc::clone(&counters),
            Arc::clone(&buckets),
            Arc::clone(&record),
        )?;
        if let Some(thread) = flusher.thread() {
            record.flushed_by(thread);
        }
        let refresher = crate::resume::derived::spawn_refresher(pool.clone())?;
        Ok(App {
            refresher: Some(refresher),
            counters,
            buckets,
            record,
            conversations: Memory::default(),
            candidates: Default::default(),
            flusher: Some(flusher),
            jwt,
            hasher: Hasher::new(config.bcrypt_cost, config.hash_concurrency),
            pool,
            config,
            in_flight: AtomicUsize::new(0),
        })
    }
}

/// The JWT secret generated on first start and kept in the database, so a
/// fresh install needs no configuration and restarts keep tokens valid.
fn stored_secret(pool: &Pool) -> Result<Vec<u8>, String> {
    let read = |conn: &rusqlite::Connection| {
        conn.query_row(
            "SELECT value FROM settings WHERE name = 'jwt_secret'",
            [],
            |r| r.get::<_, String>(0),
        )
        .optional()
    };
    db::write(pool, |tx| {
        if read(tx)?.is_none() {
            tx.execute(
                "INSERT INTO settings (name, value) VALUES ('jwt_secret', ?1)",
                [random_base62(64)],
            )?;
        }
        Ok(read(tx)?)
    })
    .map_err(|e| e.cause.clone().unwrap_or_else(|| e.detail.clone()))?
    .map(String::into_bytes)
    .ok_or_else(|| "cannot keep the JWT secret".to_string())
}
