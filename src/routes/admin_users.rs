//! Support tools (SPEC §6): KPIs, user search and drill-down with the audit
//! timeline, the admin and disabled flags, and one-time password resets.

use rusqlite::{OptionalExtension, params, params_from_iter};
use serde_json::{Value, json};

use super::public::{page, text_filter};
use super::{Ctx, ok};
use crate::auth::audit;
use crate::error::{ApiError, ApiResult};
use crate::http;
use crate::policy::grants::user_id_of;
use crate::policy::plans::PLAN_SQL;
use crate::store::db;
use crate::time::{date_of, now, rfc3339};
use crate::validate::Fields;

fn bool_param(ctx: &Ctx, name: &str) -> ApiResult<Option<bool>> {
    match ctx.req.get_param(name).as_deref() {
        None | Some("") => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(_) => Err(ApiError::field(
            name,
            "invalid_value",
            "must be true or false",
        )),
    }
}

pub fn kpis(ctx: &Ctx) -> ApiResult {
    let days = match ctx.req.get_param("window_days") {
        None => 30,
        Some(v) => v
            .parse::<i64>()
            .map_err(|_| ApiError::field("window_days", "wrong_type", "must be a whole number"))?
            .clamp(1, 365),
    };
    // what is still buffered counts too
    ctx.app
        .counters
        .flush(&ctx.app.pool)
        .map_err(ApiError::internal)?;
    let conn = ctx.app.pool.get()?;
    let now = now();
    let since = now - days * 86_400;
    let today = date_of(now);
    let first_day = date_of(since + 86_400);
    let soon = date_of(now + 7 * 86_400);
    let one = |sql: &str, args: &[&dyn rusqlite::ToSql]| -> ApiResult<i64> {
        Ok(conn.prepare_cached(sql)?.query_row(args, |r| r.get(0))?)
    };
    let mut by_plan = json!({"free": 0, "pro": 0, "recruiter": 0});
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PLAN_SQL}, count(*) FROM users u GROUP BY 1"
    ))?;
    let mut rows = stmt.query([&today])?;
    while let Some(r) = rows.next()? {
        by_plan[r.get::<_, String>(0)?] = json!(r.get::<_, i64>(1)?);
    }
    let traffic: (i64, i64, i64) = conn
        .prepare_cached(
            "SELECT coalesce(sum(views), 0), coalesce(sum(api_requests), 0), coalesce(sum(asks), 0)
             FROM daily_stats WHERE day >= ?1",
        )?
        .query_row([&first_day], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let active_grant = "revoked_at IS NULL AND (expires_on IS NULL OR expires_on > ?1)";
    ok(json!({
        "window_days": days,
        "users": {
            "total": one("SELECT count(*) FROM users", &[])?,
            "new": one("SELECT count(*) FROM users WHERE created_at >= ?1", &[&since])?,
            "active": one(
                "SELECT count(*) FROM (SELECT user_id FROM audit_events WHERE action = 'auth.login' AND created_at >= ?1
                 UNION SELECT user_id FROM daily_stats WHERE api_requests > 0 AND day >= ?2)",
                &[&since, &first_day],
            )?,
            "by_plan": by_plan,
        },
        "billing": {
            "active_grants": one(&format!("SELECT count(*) FROM grants WHERE {active_grant}"), &[&today])?,
            "new_grants": one("SELECT count(*) FROM grants WHERE created_at >= ?1", &[&since])?,
            "expiring_soon": one(
                &format!("SELECT count(*) FROM grants WHERE {active_grant} AND expires_on <= ?2"),
                &[&today, &soon],
            )?,
        },
        "traffic": {"views": traffic.0, "api_requests": traffic.1, "asks": traffic.2},
    }))
}

fn user_row(r: &rusqlite::Row) -> rusqlite::Result<Value> {
    Ok(json!({
        "id": r.get::<_, String>(0)?, "username": r.get::<_, String>(1)?, "email": r.get::<_, String>(2)?,
        "full_name": r.get::<_, String>(3)?, "is_admin": r.get::<_, bool>(4)?,
        "is_disabled": r.get::<_, bool>(5)?, "plan": r.get::<_, String>(6)?,
        "created_at": rfc3339(r.get(7)?),
    }))
}

const USER_COLUMNS: &str = "u.id, u.username, u.email, u.full_name, u.is_admin, u.is_disabled";

pub fn list(ctx: &Ctx) -> ApiResult {
    let (limit, offset) = page(ctx)?;
    let q = text_filter(ctx, "q")?;
    let plan = ctx.req.get_param("plan").filter(|s| !s.is_empty());
    if let Some(p) = &plan
        && crate::policy::plans::Plan::parse(p).is_none()
    {
        return Err(ApiError::field(
            "plan",
            "invalid_value",
            "must be free, pro or recruiter",
        ));
    }
    let has_grant = bool_param(ctx, "has_grant")?;
    let is_admin = bool_param(ctx, "is_admin")?;
    let mut args: Vec<rusqlite::types::Value> = vec![date_of(now()).into()];
    // ?1 (today, for the plan) is always bound, so always named
    let mut conds = vec!["?1 IS NOT NULL".to_string()];
    if let Some(q) = &q {
        let like = format!(
            "%{}%",
            q.to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        args.push(like.into());
        let n = args.len();
        conds.push(format!(
            "(u.username_key LIKE ?{n} ESCAPE '\\' OR u.email_key LIKE ?{n} ESCAPE '\\' OR lower(u.full_name) LIKE ?{n} ESCAPE '\\')"
        ));
    }
    if let Some(p) = &plan {
        args.push(p.clone().into());
        conds.push(format!("({PLAN_SQL}) = ?{}", args.len()));
    }
    if let Some(g) = has_grant {
        let exists =
            "EXISTS (SELECT 1 FROM grants g WHERE g.user_id = u.id AND g.revoked_at IS NULL
                      AND (g.expires_on IS NULL OR g.expires_on > ?1))";
        conds.push(if g {
            exists.to_string()
        } else {
            format!("NOT {exists}")
        });
    }
    if let Some(a) = is_admin {
        args.push(i64::from(a).into());
        conds.push(format!("u.is_admin = ?{}", args.len()));
    }
    let filter = format!("FROM users u WHERE {}", conds.join(" AND "));
    let conn = ctx.app.pool.get()?;
    let total: i64 = conn
        .prepare_cached(&format!("SELECT count(*) {filter}"))?
        .query_row(params_from_iter(&args), |r| r.get(0))?;
    let n = args.len();
    args.push(limit.into());
    args.push(offset.into());
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {USER_COLUMNS}, {PLAN_SQL}, u.created_at {filter} ORDER BY u.created_at, u.username_key LIMIT ?{} OFFSET ?{}",
        n + 1,
        n + 2
    ))?;
    let items = stmt
        .query_map(params_from_iter(&args), user_row)?
        .collect::<Result<Vec<_>, _>>()?;
    ok(json!({
        "items": items, "result_count": items.len(), "total": total, "limit": limit, "offset": offset,
        "filters": {"q": q, "plan": plan, "has_grant": has_grant, "is_admin": is_admin},
    }))
}

fn find_user(conn: &rusqlite::Connection, username: &str) -> ApiResult<Value> {
    conn.prepare_cached(&format!(
        "SELECT {USER_COLUMNS}, {PLAN_SQL}, u.created_at FROM users u WHERE u.username_key = ?2"
    ))?
    .query_row(
        params![date_of(now()), username.to_ascii_lowercase()],
        user_row,
    )
    .optional()?
    .ok_or_else(ApiError::not_found)
}

pub fn detail(ctx: &Ctx) -> ApiResult {
    let conn = ctx.app.pool.get()?;
    let user = find_user(&conn, ctx.param(0))?;
    let id = user["id"].as_str().unwrap_or_default().to_string();
    let mut grants = conn.prepare_cached(
        "SELECT id, plan, reason, granted_by, created_at, expires_on, revoked_at, revoke_reason
         FROM grants WHERE user_id = ?1 ORDER BY created_at DESC",
    )?;
    let manual_grants = grants
        .query_map([&id], |r| {
            Ok(json!({"grant_id": r.get::<_, String>(0)?, "plan": r.get::<_, String>(1)?,
                      "reason": r.get::<_, String>(2)?, "granted_by": r.get::<_, Option<String>>(3)?,
                      "created_at": rfc3339(r.get(4)?), "expires_on": r.get::<_, Option<String>>(5)?,
                      "revoked_at": r.get::<_, Option<i64>>(6)?.map(rfc3339),
                      "revoke_reason": r.get::<_, Option<String>>(7)?}))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut events = conn.prepare_cached(
        "SELECT action, actor_id, detail, ip, created_at FROM audit_events
         WHERE user_id = ?1 ORDER BY created_at DESC, id DESC LIMIT 200",
    )?;
    let timeline = events
        .query_map([&id], |r| {
            Ok(json!({"action": r.get::<_, String>(0)?, "actor_id": r.get::<_, Option<String>>(1)?,
                      "detail": serde_json::from_str::<Value>(&r.get::<_, String>(2)?).unwrap_or_default(),
                      "ip": r.get::<_, Option<String>>(3)?, "at": rfc3339(r.get(4)?)}))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    ok(
        json!({"user": user, "subscriptions": [], "manual_grants": manual_grants, "timeline": timeline}),
    )
}

/// `is_admin`, `is_disabled`. Disabling signs the user out everywhere at once:
/// the security stamp changes and key lookups check the flag.
pub fn patch(ctx: &Ctx) -> ApiResult {
    let mut f = Fields::new(ctx.body()?)?;
    let is_admin = f.flag("is_admin");
    let is_disabled = f.flag("is_disabled");
    f.finish()?;
    let admin_id = ctx.user_id();
    let body = db::write(&ctx.app.pool, |tx| {
        let id = user_id_of(tx, ctx.param(0)).map_err(|_| ApiError::not_found())?;
        if let Some(a) = is_admin {
            tx.prepare_cached("UPDATE users SET is_admin = ?1, updated_at = ?2 WHERE id = ?3")?
                .execute(params![a, now(), id])?;
        }
        if let Some(d) = is_disabled {
            tx.prepare_cached("UPDATE users SET is_disabled = ?1, updated_at = ?2 WHERE id = ?3")?
                .execute(params![d, now(), id])?;
            if d {
                crate::auth::accounts::rotate_stamp(tx, &id)?;
            }
            // a disabled user's public résumé disappears; the cache must know
            crate::resume::changed(tx, &id)?;
        }
        audit::record(
            tx,
            Some(&id),
            Some(admin_id),
            "admin.user_update",
            &json!({"is_admin": is_admin, "is_disabled": is_disabled}),
            ctx.ip,
        )?;
        find_user(tx, ctx.param(0))
    })?;
    ok(body)
}

pub fn password_reset(ctx: &Ctx) -> ApiResult {
    let admin_id = ctx.user_id();
    let (token, expires_at) = db::write(&ctx.app.pool, |tx| {
        let id = user_id_of(tx, ctx.param(0)).map_err(|_| ApiError::not_found())?;
        let issued = crate::auth::reset::issue(tx, &id, Some(admin_id))?;
        audit::record(
            tx,
            Some(&id),
            Some(admin_id),
            "admin.password_reset_issued",
            &json!({}),
            ctx.ip,
        )?;
        Ok(issued)
    })?;
    Ok(http::created(
        "/v1/auth/password/reset",
        &json!({"reset_token": token, "expires_at": rfc3339(expires_at)}),
    ))
}

/// `{documents, public_profiles, in_sync, last_rebuilt_at}`.
/// Résumés written a moment ago are indexed first, as before a search, so
/// the status describes what a search sees.
pub fn index_status(ctx: &Ctx) -> ApiResult {
    crate::resume::derived::catch_up(&ctx.app.pool, || true)?;
    let conn = ctx.app.pool.get()?;
    ok(index_json(&conn)?)
}

fn index_json(conn: &rusqlite::Connection) -> ApiResult<Value> {
    let one = |sql: &str| -> ApiResult<i64> {
        Ok(conn.prepare_cached(sql)?.query_row([], |r| r.get(0))?)
    };
    let documents = one("SELECT count(*) FROM search_index")?;
    // the index holds the public, enabled users, and only them
    let public = one(
        "SELECT count(*) FROM users u JOIN profiles p ON p.user_id = u.id WHERE p.is_public = 1 AND u.is_disabled = 0",
    )?;
    let joined = one("SELECT count(*) FROM search_index s JOIN search_docs d ON d.doc = s.rowid")?;
    // résumés written a moment ago whose rows are not rewritten yet
    let stale = one("SELECT count(*) FROM stale_resumes")?;
    let last: Option<String> = conn
        .prepare_cached("SELECT value FROM settings WHERE name = 'search_rebuilt_at'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(json!({
        "documents": documents,
        "public_profiles": public,
        "in_sync": documents == public && joined == documents && stale == 0,
        "last_rebuilt_at": last,
    }))
}

/// Rewrites every index row from the data, in one transaction.
pub fn index_rebuild(ctx: &Ctx) -> ApiResult {
    let admin_id = ctx.user_id();
    let body = db::write(&ctx.app.pool, |tx| {
        tx.execute_batch("DELETE FROM search_index; DELETE FROM search_docs;")?;
        let ids: Vec<String> = tx
            .prepare("SELECT id FROM users")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for id in &ids {
            // the index row, and the public rendering while at it
            crate::resume::derived::refresh(tx, id)?;
        }
        tx.prepare_cached(
            "INSERT INTO settings (name, value) VALUES ('search_rebuilt_at', ?1)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        )?
        .execute([rfc3339(now())])?;
        audit::record(
            tx,
            None,
            Some(admin_id),
            "admin.search_rebuild",
            &json!({"documents": ids.len()}),
            ctx.ip,
        )?;
        index_json(tx)
    })?;
    ok(body)
}
