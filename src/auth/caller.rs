//! Who is calling: a JWT (checked against the user's current security stamp)
//! or an API key (looked up by its hash). When both are sent, the JWT wins.

use rouille::Request;
use rusqlite::OptionalExtension;

use super::keys;
use crate::app::App;
use crate::error::{ApiError, ApiResult};
use crate::policy::plans::{PLAN_SQL, Plan};
use crate::time::{date_of, now};

#[derive(Debug, Clone, PartialEq)]
pub enum Via {
    Jwt,
    /// An API key, with its owner's plan (read in the same query: the key's
    /// quota depends on it).
    Key {
        id: String,
        prefix: String,
        plan: Plan,
    },
}

#[derive(Debug, Clone)]
pub struct Caller {
    pub id: String,
    pub username: String,
    pub is_admin: bool,
    pub via: Via,
}

impl Caller {
    /// How the access log names the caller: never a token or a raw key.
    pub fn log_name(&self) -> String {
        match &self.via {
            Via::Jwt => format!("user={}", self.username),
            Via::Key { prefix, .. } => format!("user={} key={prefix}", self.username),
        }
    }
}

/// `None` when the request carries no credential at all.
pub fn identify(app: &App, req: &Request) -> ApiResult<Option<Caller>> {
    let bearer = req.header("Authorization").and_then(|h| {
        let (scheme, value) = h.trim().split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| value.trim())
    });
    let (jwt, key) = match bearer {
        Some(b) if keys::looks_like_key(b) => (None, Some(b)),
        Some(b) => (Some(b), req.header("X-API-Key")),
        None => (None, req.header("X-API-Key")),
    };
    if let Some(token) = jwt {
        return by_jwt(app, token).map(Some);
    }
    if let Some(key) = key {
        return by_key(app, key.trim()).map(Some);
    }
    if req.header("Authorization").is_some() {
        return Err(ApiError::unauthorized(
            "invalid_token",
            "Use Authorization: Bearer <token>",
        ));
    }
    Ok(None)
}

fn by_jwt(app: &App, token: &str) -> ApiResult<Caller> {
    let invalid = || ApiError::unauthorized("invalid_token", "The token is invalid or expired");
    let claims = app.jwt.verify(token).ok_or_else(invalid)?;
    let conn = app.pool.get()?;
    let row = conn
        .prepare_cached(
            "SELECT username, is_admin, is_disabled, security_stamp FROM users WHERE id = ?1",
        )?
        .query_row([&claims.sub], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, bool>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .optional()?;
    match row {
        Some((username, is_admin, false, stamp)) if stamp == claims.stamp => Ok(Caller {
            id: claims.sub,
            username,
            is_admin,
            via: Via::Jwt,
        }),
        _ => Err(invalid()),
    }
}

/// `last_used_at` is written at most once a minute per key, so reads with a
/// key do not each become a database write.
const LAST_USED_GRANULARITY: i64 = 60;

fn by_key(app: &App, raw: &str) -> ApiResult<Caller> {
    let invalid = || {
        ApiError::unauthorized(
            "invalid_api_key",
            "The API key is unknown, revoked or expired",
        )
    };
    if !keys::looks_like_key(raw) {
        return Err(invalid());
    }
    let hash = keys::hash(raw);
    let conn = app.pool.get()?;
    let row = conn
        .prepare_cached(&format!(
            "SELECT k.id, k.prefix, k.user_id, k.is_active, k.expires_at, k.last_used_at,
                        u.username, u.is_admin, u.is_disabled, {PLAN_SQL}
                 FROM api_keys k JOIN users u ON u.id = k.user_id
                 WHERE k.key_hash = ?2"
        ))?
        .query_row(rusqlite::params![date_of(now()), hash], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, bool>(7)?,
                r.get::<_, bool>(8)?,
                r.get::<_, String>(9)?,
            ))
        })
        .optional()?;
    let Some((
        id,
        prefix,
        user_id,
        active,
        expires_at,
        last_used,
        username,
        is_admin,
        disabled,
        plan,
    )) = row
    else {
        return Err(invalid());
    };
    let now = now();
    if !active || disabled || expires_at.is_some_and(|t| t <= now) {
        return Err(invalid());
    }
    if last_used.is_none_or(|t| now - t >= LAST_USED_GRANULARITY) {
        drop(conn);
        // Bookkeeping: a read with a key goes on when it cannot be kept (a
        // full disk, say); it is tried again on the next request.
        let _ = crate::store::db::write(&app.pool, |tx| {
            tx.prepare_cached("UPDATE api_keys SET last_used_at = ?1 WHERE id = ?2")?
                .execute(rusqlite::params![now, id])?;
            Ok(())
        });
    }
    Ok(Caller {
        id: user_id,
        username,
        is_admin,
        via: Via::Key {
            id,
            prefix,
            plan: Plan::parse(&plan).unwrap_or(Plan::Free),
        },
    })
}
