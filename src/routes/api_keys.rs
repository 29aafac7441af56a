//! API keys of the signed-in user (JWT only): create, list, revoke.

use rusqlite::params;
use serde_json::{Value, json};

use super::{Ctx, ok};
use crate::auth::audit;
use crate::auth::keys;
use crate::error::{ApiError, ApiResult};
use crate::http;
use crate::policy::plans::plan_of;
use crate::store::db;
use crate::time::{now, parse_rfc3339, rfc3339};
use crate::validate::{Fields, Patch};

fn opt_time(t: Option<i64>) -> Value {
    t.map_or(Value::Null, |t| Value::String(rfc3339(t)))
}

pub fn create(ctx: &Ctx) -> ApiResult {
    let mut f = Fields::new(ctx.body()?)?;
    let name = f.required_string("name", 1, 100);
    let expires_at = match f.optional_string("expires_at", 64) {
        Patch::Set(s) => match parse_rfc3339(&s) {
            Some(t) if t > now() => Some(t),
            Some(_) => {
                f.error("expires_at", "not_in_future", "must be in the future");
                None
            }
            None => {
                f.error(
                    "expires_at",
                    "invalid_format",
                    "must be an RFC 3339 timestamp",
                );
                None
            }
        },
        _ => None,
    };
    f.finish()?;
    let name = name.expect("checked by finish");
    let user_id = ctx.user_id();

    let raw = keys::generate();
    let prefix = keys::prefix(&raw);
    let id = uuid::Uuid::new_v4().to_string();
    let now = now();
    db::write(&ctx.app.pool, |tx| {
        let (plan, _) = plan_of(tx, user_id)?;
        let active: i64 = tx
            .prepare_cached(
                "SELECT count(*) FROM api_keys WHERE user_id = ?1 AND is_active = 1
                 AND (expires_at IS NULL OR expires_at > ?2)",
            )?
            .query_row(params![user_id, now], |r| r.get(0))?;
        if active >= i64::from(plan.limits().active_keys) {
            return Err(ApiError::conflict(
                "key_limit_reached",
                &format!(
                    "The {} plan allows {} active keys; revoke one first",
                    plan.name(),
                    plan.limits().active_keys
                ),
            ));
        }
        tx.prepare_cached(
            "INSERT INTO api_keys (id, user_id, name, prefix, key_hash, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            id,
            user_id,
            name,
            prefix,
            keys::hash(&raw),
            now,
            expires_at
        ])?;
        audit::record(
            tx,
            Some(user_id),
            Some(user_id),
            "api_key.create",
            &json!({"key_id": id, "prefix": prefix}),
            ctx.ip,
        )?;
        Ok(())
    })?;
    Ok(http::created(
        &format!("/v1/auth/api-keys/{id}"),
        &json!({"id": id, "name": name, "raw_key": raw, "prefix": prefix, "is_active": true,
                "created_at": rfc3339(now), "expires_at": opt_time(expires_at)}),
    ))
}

pub fn list(ctx: &Ctx) -> ApiResult {
    let conn = ctx.app.pool.get()?;
    ok(Value::Array(key_list(&conn, ctx.user_id())?))
}

/// A user's keys as the owner may see them: never the raw key or its hash.
pub fn key_list(conn: &rusqlite::Connection, user_id: &str) -> ApiResult<Vec<Value>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, prefix, is_active, created_at, last_used_at, expires_at
         FROM api_keys WHERE user_id = ?1 ORDER BY created_at, rowid",
    )?;
    let now = now();
    let items = stmt
        .query_map([user_id], |r| {
            let expires_at: Option<i64> = r.get(6)?;
            let active = r.get::<_, bool>(3)? && expires_at.is_none_or(|t| t > now);
            Ok(json!({
                "id": r.get::<_, String>(0)?,
                "name": r.get::<_, String>(1)?,
                "prefix": r.get::<_, String>(2)?,
                "is_active": active,
                "created_at": rfc3339(r.get(4)?),
                "last_used_at": opt_time(r.get(5)?),
                "expires_at": opt_time(expires_at),
            }))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(items)
}

/// The key stops working from the next request on; its record stays for the
/// owner's list and export, marked inactive.
pub fn revoke(ctx: &Ctx) -> ApiResult {
    let user_id = ctx.user_id();
    let key_id = ctx.param(0);
    db::write(&ctx.app.pool, |tx| {
        let n = tx
            .prepare_cached(
                "UPDATE api_keys SET is_active = 0, revoked_at = coalesce(revoked_at, ?1)
                 WHERE id = ?2 AND user_id = ?3",
            )?
            .execute(params![now(), key_id, user_id])?;
        if n == 0 {
            return Err(ApiError::not_found());
        }
        audit::record(
            tx,
            Some(user_id),
            Some(user_id),
            "api_key.revoke",
            &json!({"key_id": key_id}),
            ctx.ip,
        )?;
        Ok(())
    })?;
    Ok(http::no_content())
}
