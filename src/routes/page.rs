//! `/u/{username}` (the themed HTML résumé, SPEC §4.2), its JSON Resume
//! download and the stylesheets under `/assets/`.

use rouille::Response;

use super::Ctx;
use super::public::{PUBLIC_CACHE, count_view, if_none_match, rendering};
use crate::error::{ApiError, ApiResult};
use crate::policy::plans::plan_of;
use crate::resume::presentation::{self, DEFAULT_THEME};
use crate::web::{self, assets, not_found, page};

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

/// The owner's theme, or `classic` when it is outside their plan today.
fn theme(ctx: &Ctx, user_id: &str) -> ApiResult<&'static str> {
    let conn = ctx.app.pool.get()?;
    let chosen = presentation::load_theme(&conn, user_id)?;
    let Some(t) = presentation::theme(&chosen) else {
        return Ok(DEFAULT_THEME);
    };
    if t.premium && !plan_of(&conn, user_id)?.0.has("premium_themes") {
        return Ok(DEFAULT_THEME);
    }
    Ok(t.id)
}

pub fn page(ctx: &Ctx) -> ApiResult {
    let (user_id, body, _) = match rendering(ctx, ctx.param(0), "json") {
        Ok(r) => r,
        Err(e) if e.status == 404 => return Ok(missing()),
        Err(e) => return Err(e),
    };
    let resume: serde_json::Value =
        serde_json::from_str(&body).map_err(|e| ApiError::internal(format!("rendering: {e}")))?;
    let origin = origin(ctx);
    let cx = page::Context {
        theme: theme(ctx, &user_id)?,
        origin: &origin,
        today: crate::time::now().div_euclid(86_400),
    };
    let out = page::render(&resume, &cx);
    let etag = crate::resume::render::etag(&out.html);
    count_view(ctx, &user_id);
    let csp = web::csp(out.img_origin.as_deref());
    let response = if if_none_match(ctx, &etag) {
        html(String::new(), 304, csp)
    } else {
        html(out.html, 200, csp)
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
