use serde_json::json;

use super::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::http;
use crate::store::health;
use crate::time::rfc3339;

/// `{status, version, checks}`: 200 `ok` when the database answers and takes
/// writes; 503 `degraded` while writes fail (a full disk, a read-only or
/// vanished file, a lock held elsewhere past the busy timeout), `ok` again
/// on its own once they work; 503 problem when the database does not answer.
pub fn get(ctx: &Ctx) -> ApiResult {
    let conn = ctx.app.pool.get()?;
    conn.prepare_cached("SELECT 1")?
        .query_row([], |_| Ok(()))
        .map_err(|e| ApiError::unavailable("The database does not answer", 5).with_cause(e))?;
    drop(conn);
    let version = env!("CARGO_PKG_VERSION");
    Ok(match health::current() {
        None => http::ok(&json!({"status": "ok", "version": version,
                                 "checks": {"database": "ok", "writes": "ok"}})),
        Some((fault, since)) => http::json(
            503,
            &json!({"status": "degraded", "version": version,
                    "checks": {"database": "ok", "writes": fault.name()},
                    "since": rfc3339(since)}),
        )
        .with_unique_header("Retry-After", "5"),
    })
}
