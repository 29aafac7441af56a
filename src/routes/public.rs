//! Public reads (SPEC §4): a résumé by username, one of its sections, and
//! search. No credential needed. A private profile and an unknown username
//! answer the same 404.

use rouille::Response;
use rusqlite::{OptionalExtension, params};
use serde_json::{Value, json};

use super::Ctx;
use crate::auth::caller;
use crate::error::{ApiError, ApiResult};
use crate::http;
use crate::resume::search::{self, Filters};
use crate::resume::sections;
use crate::resume::{derived, presentation, render};
use crate::store::counters::Counter;
use crate::store::db;

/// The owner of a public profile, or the 404 an unknown user gets too.
pub(super) fn find(conn: &rusqlite::Connection, username: &str) -> ApiResult<String> {
    conn.prepare_cached(
        "SELECT u.id FROM users u JOIN public_renders r ON r.user_id = u.id
         WHERE u.username_key = ?1 AND u.is_disabled = 0",
    )?
    .query_row([username.to_ascii_lowercase()], |r| r.get(0))
    .optional()?
    .ok_or_else(ApiError::not_found)
}

/// The stored rendering: its owner, body and ETag.
pub(super) fn rendering(
    ctx: &Ctx,
    username: &str,
    format: &str,
) -> ApiResult<(String, String, String)> {
    let conn = ctx.app.pool.get()?;
    let (user_id, body, etag, stale): (String, Option<String>, Option<String>, bool) = conn
        .prepare_cached(
            "SELECT u.id, CASE WHEN ?2 = 'jsonresume' THEN r.jsonresume ELSE r.json END,
                    CASE WHEN ?2 = 'jsonresume' THEN r.jsonresume_etag ELSE r.json_etag END,
                    EXISTS (SELECT 1 FROM stale_resumes s WHERE s.user_id = u.id)
             FROM users u JOIN public_renders r ON r.user_id = u.id
             WHERE u.username_key = ?1 AND u.is_disabled = 0",
        )?
        .query_row(params![username.to_ascii_lowercase(), format], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?
        .ok_or_else(ApiError::not_found)?;
    drop(conn);
    match (body, etag) {
        (Some(b), Some(e)) if !stale => Ok((user_id, b, e)),
        // written since it was last rendered (or the JSON Resume form not
        // rendered yet): render it now
        // known not to take writes now: do not wait for one to fail
        _ if crate::store::health::current().is_some() => {
            let rendered = derived::render_unkept(&*ctx.app.pool.get()?, &user_id, format)?;
            let (b, e) = rendered.ok_or_else(ApiError::not_found)?;
            Ok((user_id, b, e))
        }
        _ => {
            let kept = db::write(&ctx.app.pool, |tx| {
                let json = derived::public_json(tx, &user_id)?;
                if format == "jsonresume" && json.is_some() {
                    return Ok(Some(render::jsonresume(tx, &user_id)?));
                }
                Ok(json)
            });
            // A read never depends on a write: when the rendering cannot be
            // kept (a full disk, a lock held elsewhere), answer it unkept.
            let rendered = match kept {
                Ok(r) => r,
                Err(_) => derived::render_unkept(&*ctx.app.pool.get()?, &user_id, format)?,
            };
            let (b, e) = rendered.ok_or_else(ApiError::not_found)?;
            Ok((user_id, b, e))
        }
    }
}

/// How a public résumé may be cached: a browser revalidates every time (a
/// 304 with the ETag costs no body), a shared cache (nginx in front, a CDN)
/// may serve it for 5 s and then 3 s more while it revalidates, so a résumé
/// that turns private or is deleted is gone from every cache within 10 s
/// (8 s and a cache's whole-second clock; measured with nginx: 8.1–8.9 s).
/// Everything else answers `no-store` (`server.rs`).
pub const PUBLIC_CACHE: &str = "public, max-age=0, s-maxage=5, stale-while-revalidate=3";

/// Counts a view unless the request is the owner's own: a credential of the
/// owner, or the dashboard's preview (a frame of a page of this origin; the
/// page's CSP lets no other origin frame it, and a browser sets these headers
/// itself).
pub(super) fn count_view(ctx: &Ctx, user_id: &str) {
    if ctx.req.header("Sec-Fetch-Dest") == Some("iframe")
        && ctx.req.header("Sec-Fetch-Site") == Some("same-origin")
    {
        return;
    }
    let has_credential =
        ctx.req.header("Authorization").is_some() || ctx.req.header("X-API-Key").is_some();
    if has_credential
        && let Ok(Some(c)) = caller::identify(ctx.app, ctx.req)
        && c.id == user_id
    {
        return;
    }
    ctx.app.counters.add(user_id, Counter::View);
    ctx.app.record.view(
        user_id,
        crate::ask::record::referrer_host(ctx.req.header("Referer")),
    );
}

pub(super) fn if_none_match(ctx: &Ctx, etag: &str) -> bool {
    ctx.req
        .header("If-None-Match")
        .is_some_and(|h| h.split(',').map(str::trim).any(|t| t == etag || t == "*"))
}

pub fn profile(ctx: &Ctx) -> ApiResult {
    let format = super::resume::format(ctx)?;
    let (user_id, body, etag) = rendering(ctx, ctx.param(0), format)?;
    count_view(ctx, &user_id);
    let response = if if_none_match(ctx, &etag) {
        Response::text("").with_status_code(304)
    } else {
        Response::from_data("application/json", body)
    };
    Ok(response
        .with_unique_header("ETag", etag)
        .with_unique_header("Cache-Control", PUBLIC_CACHE))
}

pub fn section(ctx: &Ctx) -> ApiResult {
    let s = sections::by_name(ctx.param(1)).ok_or_else(ApiError::not_found)?;
    let conn = ctx.app.pool.get()?;
    let user_id = find(&conn, ctx.param(0))?;
    if !presentation::visible(&conn, &user_id)?
        .iter()
        .any(|v| v.name == s.name)
    {
        return Err(ApiError::not_found());
    }
    let rows = s.load(&conn, &user_id)?;
    Ok(http::ok(&Value::Array(
        rows.iter().map(|r| s.row_json(r, true)).collect(),
    ))
    .with_unique_header("Cache-Control", PUBLIC_CACHE))
}

/// `limit` (1–100, default 20) and `offset` (≥ 0) from the query string.
pub fn page(ctx: &Ctx) -> ApiResult<(i64, i64)> {
    let mut errors = Vec::new();
    let mut num = |name: &str, default: i64, min: i64, max: i64| match ctx.req.get_param(name) {
        None => default,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => n,
            _ => {
                errors.push(crate::error::FieldError::new(
                    name,
                    "out_of_range",
                    format!("must be a whole number from {min} to {max}"),
                ));
                default
            }
        },
    };
    let limit = num("limit", 20, 1, 100);
    let offset = num("offset", 0, 0, 1_000_000);
    if errors.is_empty() {
        Ok((limit, offset))
    } else {
        Err(ApiError::validation(errors))
    }
}

/// The longest text a list's filter takes (`q`, `skill`, `location`).
pub const MAX_FILTER: usize = 200;

/// A text filter of a list: absent when blank, a 422 past `MAX_FILTER`
/// characters (they would only ever match nothing, slowly).
pub fn text_filter(ctx: &Ctx, name: &str) -> ApiResult<Option<String>> {
    match ctx.req.get_param(name).filter(|s| !s.trim().is_empty()) {
        Some(s) if s.chars().count() > MAX_FILTER => {
            Err(ApiError::field(name, "too_long", "at most 200 characters"))
        }
        v => Ok(v),
    }
}

pub fn search(ctx: &Ctx) -> ApiResult {
    let (limit, offset) = page(ctx)?;
    let open_to_work = match ctx.req.get_param("open_to_work").as_deref() {
        None | Some("") => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            return Err(ApiError::field(
                "open_to_work",
                "invalid_value",
                "must be true or false",
            ));
        }
    };
    let filters = Filters {
        q: text_filter(ctx, "q")?,
        skill: text_filter(ctx, "skill")?,
        open_to_work,
        location: text_filter(ctx, "location")?,
        limit,
        offset,
    };
    let conn = ctx.app.pool.get()?;
    // résumés written a moment ago are indexed before anyone searches
    derived::settle(&ctx.app.pool, &conn)?;
    let (hits, total) = search::search(&conn, &filters)?;
    let items: Vec<Value> = hits
        .into_iter()
        .map(|h| {
            json!({"username": h.username, "full_name": h.full_name, "headline": h.headline,
                   "location": h.location, "open_to_work": h.open_to_work,
                   "url": format!("/v1/profiles/{}", h.username)})
        })
        .collect();
    Ok(http::ok(
        &json!({"items": items, "total": total, "limit": limit, "offset": offset}),
    ))
}
