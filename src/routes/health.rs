use serde_json::json;

use super::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::http;

/// `{status, version}` when the database answers; 503 otherwise.
pub fn get(ctx: &Ctx) -> ApiResult {
    let conn = ctx.app.pool.get()?;
    conn.prepare_cached("SELECT 1")?
        .query_row([], |_| Ok(()))
        .map_err(|e| ApiError::unavailable("The database does not answer", 5).with_cause(e))?;
    Ok(http::ok(
        &json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}),
    ))
}
