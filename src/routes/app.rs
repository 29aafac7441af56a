//! `/app` and every deep link under it answer the dashboard's shell;
//! `/app/assets/<hash>/<file>` its modules (SPEC §10).

use rouille::Response;

use super::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::web::{self, app, assets};

pub fn shell(_ctx: &Ctx) -> ApiResult {
    Ok(
        Response::from_data("text/html; charset=utf-8", app::shell().as_bytes())
            .with_unique_header("Content-Security-Policy", app::CSP)
            .with_unique_header("Referrer-Policy", web::REFERRER_POLICY)
            // the shell names the current hashed folder: always ask again
            .with_unique_header("Cache-Control", "no-cache"),
    )
}

pub fn asset(ctx: &Ctx) -> ApiResult {
    let path = ctx.req.raw_url().split(['?', '#']).next().unwrap_or("");
    let (media, body) = app::file(path).ok_or_else(ApiError::not_found)?;
    Ok(Response::from_data(media, body.as_bytes())
        .with_unique_header("Cache-Control", assets::IMMUTABLE))
}
