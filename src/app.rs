//! The state every request shares: settings, the database pool, the JWT keys
//! and the password hasher.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::OptionalExtension;

use crate::auth::jwt::Jwt;
use crate::auth::keys::random_base62;
use crate::auth::password::Hasher;
use crate::config::Config;
use crate::counters::Counters;
use crate::db::{self, Pool};
use crate::limits::Buckets;
use crate::log;

pub struct App {
    pub config: Config,
    pub pool: Pool,
    pub jwt: Jwt,
    pub hasher: Hasher,
    /// Requests being handled now, so a clean stop can wait for them.
    pub in_flight: AtomicUsize,
    pub counters: Arc<Counters>,
    pub buckets: Arc<Buckets>,
    flusher: Mutex<Option<(Arc<AtomicBool>, JoinHandle<()>)>>,
}

const FLUSH_EVERY: Duration = Duration::from_secs(1);

/// Writes what is kept in memory (counters, rate-limit buckets) to the
/// database.
fn flush(pool: &Pool, counters: &Counters, buckets: &Buckets) {
    if let Err(e) = counters.flush(pool) {
        log::line(&format!("counters not written yet: {e}"));
    }
    let written = pool.get().map_err(|e| e.to_string()).and_then(|mut conn| {
        let _turn = db::writer();
        buckets
            .flush(&mut conn, crate::quota::clock())
            .map_err(|e| e.to_string())
    });
    if let Err(e) = written {
        log::line(&format!("rate-limit buckets not written yet: {e}"));
    }
}

/// Flushes every second until told to stop.
fn spawn_flusher(
    pool: Pool,
    counters: Arc<Counters>,
    buckets: Arc<Buckets>,
) -> (Arc<AtomicBool>, JoinHandle<()>) {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let handle = std::thread::spawn(move || {
        while !flag.load(Ordering::SeqCst) {
            std::thread::park_timeout(FLUSH_EVERY);
            flush(&pool, &counters, &buckets);
        }
    });
    (stop, handle)
}

impl Drop for App {
    /// The last flush: counters and buckets changed since the previous one are written.
    fn drop(&mut self) {
        if let Some((stop, handle)) = self
            .flusher
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            stop.store(true, Ordering::SeqCst);
            handle.thread().unpark();
            let _ = handle.join();
        }
        flush(&self.pool, &self.counters, &self.buckets);
    }
}

impl App {
    pub fn new(config: Config) -> Result<App, String> {
        // Every worker may hold a connection, plus a few for background work.
        let pool = db::open(&config.db, config.threads as u32 + 4)?;
        let secret = match &config.jwt_secret {
            Some(s) => s.clone(),
            None => stored_secret(&pool)?,
        };
        let jwt = Jwt::new(&secret, config.jwt_ttl)?;
        let counters = Arc::new(Counters::default());
        let buckets = Arc::new(Buckets::default());
        let flusher = spawn_flusher(pool.clone(), Arc::clone(&counters), Arc::clone(&buckets));
        Ok(App {
            counters,
            buckets,
            flusher: Mutex::new(Some(flusher)),
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
    let conn = pool.get().map_err(|e| e.to_string())?;
    let read = |conn: &rusqlite::Connection| {
        conn.query_row(
            "SELECT value FROM settings WHERE name = 'jwt_secret'",
            [],
            |r| r.get::<_, String>(0),
        )
        .optional()
    };
    if let Some(s) = read(&conn).map_err(|e| e.to_string())? {
        return Ok(s.into_bytes());
    }
    conn.execute(
        "INSERT OR IGNORE INTO settings (name, value) VALUES ('jwt_secret', ?1)",
        [random_base62(64)],
    )
    .map_err(|e| e.to_string())?;
    read(&conn)
        .map_err(|e| e.to_string())?
        .map(String::into_bytes)
        .ok_or_else(|| "cannot keep the JWT secret".to_string())
}
