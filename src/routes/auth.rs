//! Register, sign in, refresh, sign out, change the password (SPEC §2.3).

use rusqlite::{OptionalExtension, params};
use serde_json::{Value, json};

use super::Ctx;
use crate::audit;
use crate::auth::Via;
use crate::db;
use crate::domain::{Email, Password, Username};
use crate::error::{ApiError, ApiResult};
use crate::http;
use crate::time::{now, rfc3339};
use crate::validate::Fields;

pub fn register(ctx: &Ctx) -> ApiResult {
    ctx.limit(
        "register",
        &format!("register:{}", ctx.ip),
        ctx.app.config.limits.register,
    )?;
    let mut f = Fields::new(ctx.body()?)?;
    let username = f
        .raw_string("username")
        .and_then(|s| Username::parse("username", &s).map_err(|e| f.push(e)).ok());
    let email = f
        .raw_string("email")
        .and_then(|s| Email::parse("email", &s).map_err(|e| f.push(e)).ok());
    let password = f
        .raw_string("password")
        .and_then(|s| Password::parse("password", s).map_err(|e| f.push(e)).ok());
    let full_name = f.required_string("full_name", 1, 200);
    f.finish()?;
    let (Some(username), Some(email), Some(password), Some(full_name)) =
        (username, email, password, full_name)
    else {
        unreachable!("finish() refuses a body with a missing field")
    };

    // Hash before taking the write lock: bcrypt is slow on purpose.
    let hash = ctx.app.hasher.hash(password.as_str())?;
    let id = uuid::Uuid::new_v4().to_string();
    let now = now();
    db::write(&ctx.app.pool, |tx| {
        let taken = tx
            .prepare_cached(
                "SELECT username_key = ?1, email_key = ?2 FROM users WHERE username_key = ?1 OR email_key = ?2",
            )?
            .query_row(params![username.key(), email.key()], |r| Ok((r.get::<_, bool>(0)?, r.get::<_, bool>(1)?)))
            .optional()?;
        match taken {
            Some((true, _)) => {
                return Err(ApiError::conflict(
                    "username_taken",
                    "That username is taken",
                ));
            }
            Some((_, true)) => {
                return Err(ApiError::conflict(
                    "email_taken",
                    "That email is already registered",
                ));
            }
            _ => {}
        }
        tx.prepare_cached(
            "INSERT INTO users (id, username, username_key, email, email_key, full_name, password_hash,
                                security_stamp, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        )?
        .execute(params![
            id,
            username.as_str(),
            username.key(),
            email.as_str(),
            email.key(),
            full_name,
            hash,
            new_stamp(),
            now
        ])?;
        tx.prepare_cached("INSERT INTO profiles (user_id, updated_at) VALUES (?1, ?2)")?
            .execute(params![id, now])?;
        audit::record(
            tx,
            Some(&id),
            Some(&id),
            "user.register",
            &json!({}),
            ctx.ip,
        )?;
        Ok(())
    })?;
    Ok(http::created(
        "/v1/me/account",
        &json!({"id": id, "username": username.as_str(), "email": email.as_str(),
                "full_name": full_name, "created_at": rfc3339(now)}),
    ))
}

pub fn new_stamp() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

fn token_answer(
    ctx: &Ctx,
    user_id: &str,
    username: &str,
    is_admin: bool,
    stamp: &str,
) -> ApiResult<Value> {
    let token = ctx.app.jwt.issue(user_id, username, is_admin, stamp)?;
    Ok(json!({"access_token": token, "token_type": "bearer", "expires_in": ctx.app.jwt.ttl}))
}

/// Wrong username and wrong password get the same answer in about the same
/// time: an unknown account still costs one bcrypt verification.
pub fn login(ctx: &Ctx) -> ApiResult {
    let mut f = Fields::new(ctx.body()?)?;
    let login = f.raw_string("username");
    let password = f.raw_string("password");
    f.finish()?;
    let (Some(login), Some(password)) = (login, password) else {
        unreachable!()
    };

    let key = login.trim().to_lowercase();
    // before any hashing: a flood is cut off cheaply
    let limits = &ctx.app.config.limits;
    ctx.limit("login", &format!("login-ip:{}", ctx.ip), limits.login_ip)?;
    ctx.limit(
        "login_account",
        &format!("login-account:{key}"),
        limits.login_account,
    )?;
    let user = {
        let conn = ctx.app.pool.get()?;
        conn.prepare_cached(
            "SELECT id, username, is_admin, is_disabled, security_stamp, password_hash
             FROM users WHERE username_key = ?1 OR email_key = ?1",
        )?
        .query_row([&key], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })
        .optional()?
    };
    let refused = || ApiError::unauthorized("invalid_credentials", "Wrong username or password");
    let Some((id, username, is_admin, disabled, stamp, hash)) = user else {
        ctx.app.hasher.verify_nobody(&password)?;
        return Err(refused());
    };
    let good = ctx.app.hasher.verify(&password, &hash)? && !disabled;
    let conn = ctx.app.pool.get()?;
    let action = if good {
        "auth.login"
    } else {
        "auth.login_failed"
    };
    audit::record(&conn, Some(&id), Some(&id), action, &json!({}), ctx.ip)?;
    if !good {
        return Err(refused());
    }
    Ok(http::ok(&token_answer(
        ctx, &id, &username, is_admin, &stamp,
    )?))
}

pub fn refresh(ctx: &Ctx) -> ApiResult {
    let c = ctx.caller();
    let conn = ctx.app.pool.get()?;
    let stamp: String = conn
        .prepare_cached("SELECT security_stamp FROM users WHERE id = ?1")?
        .query_row([&c.id], |r| r.get(0))?;
    Ok(http::ok(&token_answer(
        ctx,
        &c.id,
        &c.username,
        c.is_admin,
        &stamp,
    )?))
}

/// A new security stamp: every JWT issued so far stops working.
pub fn logout(ctx: &Ctx) -> ApiResult {
    let id = ctx.user_id();
    db::write(&ctx.app.pool, |tx| {
        rotate_stamp(tx, id)?;
        audit::record(tx, Some(id), Some(id), "auth.logout", &json!({}), ctx.ip)?;
        Ok(())
    })?;
    Ok(http::no_content())
}

pub fn rotate_stamp(conn: &rusqlite::Connection, user_id: &str) -> rusqlite::Result<String> {
    let stamp = new_stamp();
    conn.prepare_cached("UPDATE users SET security_stamp = ?1, updated_at = ?2 WHERE id = ?3")?
        .execute(params![stamp, now(), user_id])?;
    Ok(stamp)
}

/// Checks the caller's current password; a wrong one is a 422 on that field.
pub fn check_password(ctx: &Ctx, field: &str, password: &str) -> ApiResult<()> {
    let hash: String = {
        let conn = ctx.app.pool.get()?;
        conn.prepare_cached("SELECT password_hash FROM users WHERE id = ?1")?
            .query_row([ctx.user_id()], |r| r.get(0))?
    };
    if ctx.app.hasher.verify(password, &hash)? {
        Ok(())
    } else {
        Err(ApiError::field(
            field,
            "incorrect",
            "is not the current password",
        ))
    }
}

pub fn change_password(ctx: &Ctx) -> ApiResult {
    let mut f = Fields::new(ctx.body()?)?;
    let current = f.raw_string("current_password");
    let new = f.raw_string("new_password").and_then(|s| {
        Password::parse("new_password", s)
            .map_err(|e| f.push(e))
            .ok()
    });
    f.finish()?;
    let (Some(current), Some(new)) = (current, new) else {
        unreachable!()
    };
    check_password(ctx, "current_password", &current)?;
    let hash = ctx.app.hasher.hash(new.as_str())?;
    let c = ctx.caller();
    debug_assert_eq!(c.via, Via::Jwt);
    let stamp = db::write(&ctx.app.pool, |tx| {
        tx.prepare_cached("UPDATE users SET password_hash = ?1 WHERE id = ?2")?
            .execute(params![hash, c.id])?;
        let stamp = rotate_stamp(tx, &c.id)?;
        audit::record(
            tx,
            Some(&c.id),
            Some(&c.id),
            "auth.password_change",
            &json!({}),
            ctx.ip,
        )?;
        Ok(stamp)
    })?;
    Ok(http::ok(&token_answer(
        ctx,
        &c.id,
        &c.username,
        c.is_admin,
        &stamp,
    )?))
}
