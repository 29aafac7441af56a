//! Register, sign in, refresh, sign out, change the password (SPEC §2.3).

use rusqlite::OptionalExtension;
use serde_json::{Value, json};

use super::Ctx;
use crate::auth::Via;
use crate::auth::accounts::{self, NewUser};
use crate::auth::audit;
use crate::domain::{Email, MAX_EMAIL, MAX_PASSWORD, Password, Username};
use crate::error::{ApiError, ApiResult};
use crate::http;
use crate::store::db;
use crate::time::rfc3339;
use crate::validate::Fields;

pub fn register(ctx: &Ctx) -> ApiResult {
    ctx.limit_ip("register", ctx.app.config.limits.register)?;
    let mut f = Fields::new(ctx.body()?)?;
    let username = f.parse("username", |n, s| Username::parse(n, &s));
    let email = f.parse("email", |n, s| Email::parse(n, &s));
    let password = f.parse("password", Password::parse);
    let full_name = f.required_string("full_name", 1, 200);
    f.finish()?;
    let (Some(username), Some(email), Some(password), Some(full_name)) =
        (username, email, password, full_name)
    else {
        unreachable!("finish() refuses a body with a missing field")
    };

    // Hash before taking the write lock: bcrypt is slow on purpose.
    let hash = ctx.app.hasher.hash(password.as_str())?;
    let new = NewUser {
        username: &username,
        email: &email,
        full_name: &full_name,
        password_hash: &hash,
    };
    let (id, now) = db::write(&ctx.app.pool, |tx| {
        let created = accounts::create(tx, &new)?;
        audit::record(
            tx,
            Some(&created.0),
            Some(&created.0),
            "user.register",
            &json!({}),
            ctx.ip,
        )?;
        Ok(created)
    })?;
    Ok(http::created(
        "/v1/me/account",
        &json!({"id": id, "username": username.as_str(), "email": email.as_str(),
                "full_name": full_name, "created_at": rfc3339(now)}),
    ))
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
    // No account has a longer name or email, nor a longer password: such a
    // text is refused before it names a bucket or reaches the hasher.
    if login.as_ref().is_some_and(|s| s.trim().len() > MAX_EMAIL) {
        let max = format!("at most {MAX_EMAIL} characters");
        f.error("username", "too_long", max);
    }
    if password
        .as_ref()
        .is_some_and(|s| s.chars().count() > MAX_PASSWORD)
    {
        let max = format!("at most {MAX_PASSWORD} characters");
        f.error("password", "too_long", max);
    }
    f.finish()?;
    let (Some(login), Some(password)) = (login, password) else {
        unreachable!()
    };

    let key = login.trim().to_lowercase();
    // before any hashing: a flood is cut off cheaply
    let limits = &ctx.app.config.limits;
    ctx.limit_ip("login", limits.login_ip)?;
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
    // One bucket per account, whichever spelling signs in (`ada`, `ADA`,
    // `ada@example.com`); a name that is no account gets a bucket of its own
    // just the same, so a 429 tells nothing about who exists.
    let account = match &user {
        Some((id, ..)) => format!("login-account:user:{id}"),
        None => format!("login-account:name:{key}"),
    };
    ctx.limit("login_account", &account, limits.login_account)?;
    // the same for known and unknown accounts, so it tells nothing
    ctx.app.hasher.admit()?;
    let refused = || ApiError::unauthorized("invalid_credentials", "Wrong username or password");
    let Some((id, username, is_admin, disabled, stamp, hash)) = user else {
        ctx.app.hasher.verify_nobody(&password)?;
        return Err(refused());
    };
    let good = ctx.app.hasher.verify(&password, &hash)? && !disabled;
    let action = if good {
        "auth.login"
    } else {
        "auth.login_failed"
    };
    db::write(&ctx.app.pool, |tx| {
        Ok(audit::record(
            tx,
            Some(&id),
            Some(&id),
            action,
            &json!({}),
            ctx.ip,
        )?)
    })?;
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
        accounts::rotate_stamp(tx, id)?;
        audit::record(tx, Some(id), Some(id), "auth.logout", &json!({}), ctx.ip)?;
        Ok(())
    })?;
    Ok(http::no_content())
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
    let new = f.parse("new_password", Password::parse);
    f.finish()?;
    let (Some(current), Some(new)) = (current, new) else {
        unreachable!()
    };
    check_password(ctx, "current_password", &current)?;
    let hash = ctx.app.hasher.hash(new.as_str())?;
    let c = ctx.caller();
    debug_assert_eq!(c.via, Via::Jwt);
    let stamp = db::write(&ctx.app.pool, |tx| {
        let stamp = accounts::set_password(tx, &c.id, &hash)?;
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

/// Sets a new password with a one-time token from an admin; every JWT of the
/// user stops working.
pub fn reset_password(ctx: &Ctx) -> ApiResult {
    ctx.limit_ip("login", ctx.app.config.limits.login_ip)?;
    let mut f = Fields::new(ctx.body()?)?;
    let token = f.raw_string("token");
    let new = f.parse("new_password", Password::parse);
    f.finish()?;
    let (Some(token), Some(new)) = (token, new) else {
        unreachable!("checked by finish")
    };
    let hash = ctx.app.hasher.hash(new.as_str())?;
    db::write(&ctx.app.pool, |tx| {
        let Some(user_id) = crate::auth::reset::redeem(tx, token.trim())? else {
            return Err(ApiError::field(
                "token",
                "invalid_or_expired",
                "is unknown, used or expired",
            ));
        };
        accounts::set_password(tx, &user_id, &hash)?;
        audit::record(
            tx,
            Some(&user_id),
            None,
            "auth.password_reset",
            &json!({}),
            ctx.ip,
        )?;
        Ok(())
    })?;
    Ok(http::no_content())
}
