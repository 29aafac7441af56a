//! The state every request shares: settings, the database pool, the JWT keys
//! and the password hasher.

use std::sync::atomic::AtomicUsize;

use rusqlite::OptionalExtension;

use crate::auth::jwt::Jwt;
use crate::auth::keys::random_base62;
use crate::auth::password::Hasher;
use crate::config::Config;
use crate::db::{self, Pool};

pub struct App {
    pub config: Config,
    pub pool: Pool,
    pub jwt: Jwt,
    pub hasher: Hasher,
    /// Requests being handled now, so a clean stop can wait for them.
    pub in_flight: AtomicUsize,
}

impl App {
    pub fn new(config: Config) -> Result<App, String> {
        // Every worker may hold a connection, plus a few for background work.
        let pool = db::open(&config.db, config.threads as u32 + 4)?;
        let secret = match &config.jwt_secret {
            Some(s) => s.clone(),
            None => stored_secret(&pool)?,
        };
        Ok(App {
            jwt: Jwt::new(&secret, config.jwt_ttl)?,
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
