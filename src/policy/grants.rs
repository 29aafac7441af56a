//! Granting and revoking plans, and making admins: shared by the admin API
//! and the operator's command line, so both leave the same audit trail.

use std::net::IpAddr;

use rusqlite::{OptionalExtension, params};
use serde_json::json;

use crate::auth::audit;
use crate::error::{ApiError, ApiResult};
use crate::policy::plans::Plan;
use crate::time::{date_of, now, parse_partial_date};

/// Who acts: an admin's user id and IP, or the operator at the shell (`None`).
#[derive(Clone, Copy)]
pub struct Actor<'a> {
    pub user_id: Option<&'a str>,
    pub ip: Option<IpAddr>,
}

pub const OPERATOR: Actor<'static> = Actor {
    user_id: None,
    ip: None,
};

pub fn user_id_of(conn: &rusqlite::Connection, username: &str) -> ApiResult<String> {
    conn.prepare_cached("SELECT id FROM users WHERE username_key = ?1")?
        .query_row([username.to_ascii_lowercase()], |r| r.get(0))
        .optional()?
        .ok_or_else(|| ApiError::new(404, "not_found", "No user by that name"))
}

/// Checks a grant's plan and end date: `pro` or `recruiter`; `YYYY-MM-DD` after today.
pub fn check(
    plan: &str,
    expires_on: Option<&str>,
) -> Result<Plan, (&'static str, &'static str, &'static str)> {
    let plan = match Plan::parse(plan) {
        Some(p @ (Plan::Pro | Plan::Recruiter)) => p,
        _ => return Err(("plan", "invalid_value", "must be pro or recruiter")),
    };
    if let Some(d) = expires_on {
        match parse_partial_date(d) {
            Some(p) if p.day.is_some() => {
                if d <= date_of(now()).as_str() {
                    return Err(("expires_on", "not_in_future", "must be a date after today"));
                }
            }
            _ => return Err(("expires_on", "invalid_date", "must be a date: YYYY-MM-DD")),
        }
    }
    Ok(plan)
}

pub fn grant(
    conn: &rusqlite::Connection,
    username: &str,
    plan: Plan,
    reason: &str,
    expires_on: Option<&str>,
    by: Actor,
) -> ApiResult<(String, String)> {
    let user_id = user_id_of(conn, username)?;
    let id = uuid::Uuid::new_v4().to_string();
    conn.prepare_cached(
        "INSERT INTO grants (id, user_id, plan, reason, granted_by, created_at, expires_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        id,
        user_id,
        plan.name(),
        reason,
        by.user_id,
        now(),
        expires_on
    ])?;
    audit::record(
        conn,
        Some(&user_id),
        by.user_id,
        "plan.grant",
        &json!({"grant_id": id, "plan": plan.name(), "reason": reason, "expires_on": expires_on}),
        by.ip,
    )?;
    let until = expires_on.map_or_else(|| "with no end date".to_string(), |d| format!("until {d}"));
    Ok((id, format!("{username} has {} {until}", plan.name())))
}

pub fn revoke(
    conn: &rusqlite::Connection,
    grant_id: &str,
    reason: &str,
    by: Actor,
) -> ApiResult<String> {
    let row: Option<(String, String, Option<i64>)> = conn
        .prepare_cached("SELECT user_id, plan, revoked_at FROM grants WHERE id = ?1")?
        .query_row([grant_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((user_id, plan, revoked)) = row else {
        return Err(ApiError::not_found());
    };
    if revoked.is_some() {
        return Err(ApiError::conflict(
            "already_revoked",
            "That grant was revoked already",
        ));
    }
    conn.prepare_cached("UPDATE grants SET revoked_at = ?1, revoke_reason = ?2 WHERE id = ?3")?
        .execute(params![now(), reason, grant_id])?;
    audit::record(
        conn,
        Some(&user_id),
        by.user_id,
        "plan.revoke",
        &json!({"grant_id": grant_id, "plan": plan, "reason": reason}),
        by.ip,
    )?;
    Ok(format!("the {plan} grant is revoked"))
}

/// Makes a user an admin (or not); the change holds from their next request on.
pub fn set_admin(
    conn: &rusqlite::Connection,
    username: &str,
    is_admin: bool,
    by: Actor,
) -> ApiResult<()> {
    let user_id = user_id_of(conn, username)?;
    conn.prepare_cached("UPDATE users SET is_admin = ?1, updated_at = ?2 WHERE id = ?3")?
        .execute(params![is_admin, now(), user_id])?;
    audit::record(
        conn,
        Some(&user_id),
        by.user_id,
        "admin.set_admin",
        &json!({"is_admin": is_admin}),
        by.ip,
    )?;
    Ok(())
}
