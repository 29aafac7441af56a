//! `/u/{username}` (the themed HTML résumé, SPEC §4.2), its JSON Resume
//! download and the stylesheets under `/assets/`.

use rouille::Response;

use super::Ctx;
use super::public::{PUBLIC_CACHE, count_view, if_none_match, rendering};
use rusqlite::OptionalExtension;

use crate::error::{ApiError, ApiResult};
use crate::store::db;
use crate::web::{self, assets, not_found, stored};

/// Headers every HTML answer carries.
fn html(body: String, status: u16, csp: String) -> Response {
    Response::from_data("text/html; charset=utf-8", body)
        .with_status_code(status)
        .with_unique_header("Content-Security-Policy", csp)
        .with_unique_header("Referrer-Policy", web::REFERRER_POLICY)
}

/// The same bytes for a private, an unknown and a disabled profile.
fn missing() -> Response {
    html(not_found::page(), 404, web::csp(None))
}

/// `scheme://host` as the request named this server: the `Host` header when
/// it is a plain host name, `https` when a trusted proxy says so.
fn origin(ctx: &Ctx) -> String {
    let host = ctx
        .req
        .header("Host")
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost")
        .to_ascii_lowercase();
    let proxied = ctx
        .app
        .config
        .trusted_proxies
        .contains(&ctx.req.remote_addr().ip());
    let https = proxied
        && ctx
            .req
            .header("X-Forwarded-Proto")
            .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    format!("{}://{host}", if https { "https" } else { "http" })
}

/// What a view needs to know before it serves a kept page.
struct Found {
    user_id: String,
    stale: bool,
    theme: &'static str,
    kept: Option<stored::Kept>,
}

/// The enabled user by username, their theme today and their kept page, in
/// one lookup; `None` for an unknown or disabled user. A private profile has
/// no kept page (it went with its public JSON: schema.sql), so its view
/// goes on to `render_now`, which answers 404.
fn lookup(ctx: &Ctx, username: &str) -> ApiResult<Option<Found>> {
    let conn = ctx.app.pool.get()?;
    let row = conn
        .prepare_cached(&format!(
            "SELECT u.id,
                    EXISTS (SELECT 1 FROM stale_resumes s WHERE s.user_id = u.id),
                    COALESCE((SELECT theme FROM presentation WHERE user_id = u.id), ''),
                    {}
             FROM users u LEFT JOIN public_pages pg ON pg.user_id = u.id
             WHERE u.username_key = ?1 AND u.is_disabled = 0",
            stored::COLUMNS
        ))?
        .query_row([username.to_ascii_lowercase()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, bool>(1)?,
                r.get::<_, String>(2)?,
                stored::from_row(r, 3)?,
            ))
        })
        .optional()?;
    let Some((user_id, stale, chosen, kept)) = row else {
        return Ok(None);
    };
    let theme = stored::effective_theme(&conn, &user_id, &chosen)?;
    Ok(Some(Found {
        user_id,
        stale,
        theme,
        kept,
    }))
}

/// The page rendered now, from a fresh public JSON, and kept for the next
/// view when the database takes writes (a view never waits on a failing one).
fn render_now(
    ctx: &Ctx,
    theme: &'static str,
    day: i64,
) -> ApiResult<Option<(String, stored::Template, String)>> {
    let (user_id, body, json_etag) = match rendering(ctx, ctx.param(0), "json") {
        Ok(r) => r,
        Err(e) if e.status == 404 => return Ok(None),
        Err(e) => return Err(e),
    };
    let resume: serde_json::Value =
        serde_json::from_str(&body).map_err(|e| ApiError::internal(format!("rendering: {e}")))?;
    let t = stored::Template::render(&resume, theme, day);
    let tag = t.tag();
    if crate::store::health::current().is_none() && t.html.len() <= stored::MAX_KEPT {
        let _ = db::write(&ctx.app.pool, |tx| {
            Ok(stored::keep(tx, &user_id, &json_etag, theme, day, &t)?)
        });
    }
    Ok(Some((user_id, t, tag)))
}

pub fn page(ctx: &Ctx) -> ApiResult {
    let day = stored::today();
    let Some(found) = lookup(ctx, ctx.param(0))? else {
        return Ok(missing());
    };
    let (user_id, template, tag) = match found.kept {
        Some(k) if !found.stale && k.fits(found.theme, day) => (found.user_id, k.template, k.tag),
        _ => match render_now(ctx, found.theme, day)? {
            Some(r) => r,
            None => return Ok(missing()),
        },
    };
    let origin = origin(ctx);
    let etag = stored::Template::etag(&tag, &origin);
    count_view(ctx, &user_id);
    let csp = web::csp(template.img_origin.as_deref());
    let response = if if_none_match(ctx, &etag) {
        html(String::new(), 304, csp)
    } else {
        html(template.with_origin(&origin), 200, csp)
    };
    Ok(response
        .with_unique_header("ETag", etag)
        .with_unique_header("Cache-Control", PUBLIC_CACHE))
}

/// The JSON Resume form as a file to keep.
pub fn download(ctx: &Ctx) -> ApiResult {
    let (user_id, body, etag) = rendering(ctx, ctx.param(0), "jsonresume")?;
    count_view(ctx, &user_id);
    let name: String = ctx
        .param(0)
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    let response = if if_none_match(ctx, &etag) {
        Response::text("").with_status_code(304)
    } else {
        Response::from_data("application/json", body)
    };
    Ok(response
        .with_unique_header(
            "Content-Disposition",
            format!("attachment; filename=\"{name}.resume.json\""),
        )
        .with_unique_header("ETag", etag)
        .with_unique_header("Cache-Control", PUBLIC_CACHE))
}

pub fn asset(ctx: &Ctx) -> ApiResult {
    let path = format!("/assets/{}", ctx.param(0));
    let a = assets::by_path(&path).ok_or_else(ApiError::not_found)?;
    Ok(
        Response::from_data("text/css; charset=utf-8", a.css.as_bytes())
            .with_unique_header("Cache-Control", assets::IMMUTABLE),
    )
}
