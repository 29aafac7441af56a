//! `/v1/me/account`: the signed-in user's account record.

use rusqlite::params;
use serde_json::json;

use super::auth::check_password;
use super::{Ctx, ok};
use crate::auth::audit;
use crate::domain::Email;
use crate::error::{ApiError, ApiResult};
use crate::http;
use crate::policy::plans::plan_of;
use crate::store::db;
use crate::time::{now, rfc3339};
use crate::validate::{Fields, Patch};

pub fn account_json(
    app: &crate::app::App,
    conn: &rusqlite::Connection,
    user_id: &str,
) -> ApiResult<serde_json::Value> {
    let (id, username, email, full_name, is_admin, created_at) = conn
        .prepare_cached(
            "SELECT id, username, email, full_name, is_admin, created_at FROM users WHERE id = ?1",
        )?
        .query_row([user_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })?;
    let (plan, expires_on) = plan_of(conn, user_id)?;
    Ok(json!({
        "id": id, "username": username, "email": email, "full_name": full_name,
        "is_admin": is_admin, "plan": plan.name(), "plan_expires_on": expires_on,
        "created_at": rfc3339(created_at), "quota": crate::policy::quota::usage(app, conn, user_id)?,
    }))
}

pub fn get(ctx: &Ctx) -> ApiResult {
    let conn = ctx.app.pool.get()?;
    ok(account_json(ctx.app, &conn, ctx.user_id())?)
}

pub fn patch(ctx: &Ctx) -> ApiResult {
    let mut f = Fields::new(ctx.body()?)?;
    let email = match f.take("email") {
        None => None,
        Some(serde_json::Value::String(s)) => Email::parse("email", &s).map_err(|e| f.push(e)).ok(),
        Some(_) => {
            f.error("email", "wrong_type", "must be a string");
            None
        }
    };
    let full_name = match f.optional_string("full_name", 200) {
        Patch::Set(s) if s.trim().is_empty() => {
            f.error("full_name", "too_short", "at least 1 character");
            None
        }
        Patch::Set(s) => Some(s),
        Patch::Null => {
            f.error("full_name", "not_nullable", "cannot be null");
            None
        }
        Patch::Absent => None,
    };
    f.finish()?;
    let id = ctx.user_id();
    let body = db::write(&ctx.app.pool, |tx| {
        if let Some(email) = &email {
            let n = tx
                .prepare_cached(
                    "UPDATE users SET email = ?1, email_key = ?2, updated_at = ?3 WHERE id = ?4",
                )?
                .execute(params![email.as_str(), email.key(), now(), id]);
            match n {
                Err(e) if db::is_unique_violation(&e) => {
                    return Err(ApiError::conflict(
                        "email_taken",
                        "That email is already registered",
                    ));
                }
                other => other?,
            };
            audit::record(
                tx,
                Some(id),
                Some(id),
                "account.email_change",
                &json!({}),
                ctx.ip,
            )?;
        }
        if let Some(name) = &full_name {
            tx.prepare_cached("UPDATE users SET full_name = ?1, updated_at = ?2 WHERE id = ?3")?
                .execute(params![name, now(), id])?;
            crate::resume::changed(tx, id)?;
        }
        account_json(ctx.app, tx, id)
    })?;
    ok(body)
}

/// Needs the password again; removes the user and everything they own.
pub fn delete(ctx: &Ctx) -> ApiResult {
    let mut f = Fields::new(ctx.body()?)?;
    let password = f.raw_string("password");
    f.finish()?;
    check_password(ctx, "password", &password.expect("checked by finish"))?;
    db::write(&ctx.app.pool, |tx| {
        crate::resume::search::remove(tx, ctx.user_id())?;
        tx.prepare_cached("DELETE FROM users WHERE id = ?1")?
            .execute([ctx.user_id()])?;
        Ok(())
    })?;
    Ok(http::no_content())
}
