//! Public reads (SPEC §4): a résumé by username, one of its sections, and
//! search. No credential needed. A private profile and an unknown username
//! answer the same 404.

use std::sync::Arc;

use rouille::Response;
use rusqlite::OptionalExtension;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::Ctx;
use crate::app::Render;
use crate::auth::caller;
use crate::counters::Counter;
use crate::error::{ApiError, ApiResult};
use crate::http;
use crate::resume::Resume;
use crate::resume::search::{self, Filters};
use crate::resume::sections::{self, Section};
use crate::resume::{jsonresume, presentation};

/// The public profile's owner and the revision of their résumé.
fn find(conn: &rusqlite::Connection, username: &str) -> ApiResult<(String, i64)> {
    conn.prepare_cached(
        "SELECT u.id, p.rev FROM users u JOIN profiles p ON p.user_id = u.id
         WHERE u.username_key = ?1 AND u.is_disabled = 0 AND p.is_public = 1",
    )?
    .query_row([username.to_ascii_lowercase()], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .optional()?
    .ok_or_else(ApiError::not_found)
}

fn public_json(r: &Resume, shown: &[&Section]) -> Value {
    let p = &r.profile;
    let sections: Vec<Value> = shown
        .iter()
        .map(|s| {
            let rows = r.rows(s.name);
            json!({"name": s.name, "label": s.label,
                   "items": rows.iter().map(|row| s.row_json(row, true)).collect::<Vec<_>>()})
        })
        .collect();
    json!({
        "username": r.username,
        "full_name": r.full_name,
        "profile": {
            "headline": p.headline, "summary": p.summary, "location": p.location,
            "public_email": p.public_email, "phone": p.phone, "website": p.website,
            "avatar_url": p.avatar_url, "links": p.links, "open_to_work": p.open_to_work,
            "open_to_work_note": p.open_to_work_note, "open_to_work_roles": p.open_to_work_roles,
        },
        "sections": sections,
    })
}

/// The cached rendering while the résumé's rev is unchanged, else a new one.
fn render(ctx: &Ctx, user_id: &str, rev: i64, format: &'static str) -> ApiResult<Render> {
    let key = (user_id.to_string(), format);
    if let Some(r) = ctx
        .app
        .renders
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .get(&key)
        && r.rev == rev
    {
        return Ok(r.clone());
    }
    let conn = ctx.app.pool.get()?;
    let resume = Resume::load(&conn, user_id)?;
    let shown = presentation::visible(&conn, user_id)?;
    let body = match format {
        "jsonresume" => jsonresume::export(&resume, &shown),
        _ => public_json(&resume, &shown),
    }
    .to_string();
    let digest = Sha256::digest(body.as_bytes());
    let etag = format!("\"{}\"", crate::auth::password::hex(&digest[..16]));
    let render = Render {
        rev,
        body: Arc::new(body),
        etag: Arc::new(etag),
    };
    let mut cache = ctx.app.renders.write().unwrap_or_else(|e| e.into_inner());
    if cache.len() >= 50_000 {
        cache.clear();
    }
    cache.insert(key, render.clone());
    Ok(render)
}

/// Counts a view unless the request is the owner's own.
fn count_view(ctx: &Ctx, user_id: &str) {
    let has_credential =
        ctx.req.header("Authorization").is_some() || ctx.req.header("X-API-Key").is_some();
    if has_credential
        && let Ok(Some(c)) = caller::identify(ctx.app, ctx.req)
        && c.id == user_id
    {
        return;
    }
    ctx.app.counters.add(user_id, Counter::View);
}

fn if_none_match(ctx: &Ctx, etag: &str) -> bool {
    ctx.req
        .header("If-None-Match")
        .is_some_and(|h| h.split(',').map(str::trim).any(|t| t == etag || t == "*"))
}

pub fn profile(ctx: &Ctx) -> ApiResult {
    let format = super::resume::format(ctx)?;
    let (user_id, rev) = find(&*ctx.app.pool.get()?, ctx.param(0))?;
    let render = render(ctx, &user_id, rev, format)?;
    count_view(ctx, &user_id);
    let response = if if_none_match(ctx, &render.etag) {
        Response::text("").with_status_code(304)
    } else {
        Response::from_data("application/json", render.body.as_bytes().to_vec())
    };
    Ok(response
        .with_unique_header("ETag", render.etag.to_string())
        .with_unique_header("Cache-Control", "no-cache"))
}

pub fn section(ctx: &Ctx) -> ApiResult {
    let s = sections::by_name(ctx.param(1)).ok_or_else(ApiError::not_found)?;
    let conn = ctx.app.pool.get()?;
    let (user_id, _) = find(&conn, ctx.param(0))?;
    if !presentation::visible(&conn, &user_id)?
        .iter()
        .any(|v| v.name == s.name)
    {
        return Err(ApiError::not_found());
    }
    let rows = s.load(&conn, &user_id)?;
    Ok(http::ok(&Value::Array(
        rows.iter().map(|r| s.row_json(r, true)).collect(),
    )))
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

pub fn search(ctx: &Ctx) -> ApiResult {
    let (limit, offset) = page(ctx)?;
    let text = |name: &str| ctx.req.get_param(name).filter(|s| !s.trim().is_empty());
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
        q: text("q"),
        skill: text("skill"),
        open_to_work,
        location: text("location"),
        limit,
        offset,
    };
    for (name, v) in [
        ("q", &filters.q),
        ("skill", &filters.skill),
        ("location", &filters.location),
    ] {
        if v.as_ref().is_some_and(|s| s.chars().count() > 200) {
            return Err(ApiError::field(name, "too_long", "at most 200 characters"));
        }
    }
    let conn = ctx.app.pool.get()?;
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
