//! `/v1/me/analytics?days=N`: the owner's daily counters (SPEC §3.5). The
//! history a plan may see is bounded; asking for more is a 403, never a
//! quietly shorter answer.

use serde_json::json;

use super::{Ctx, ok};
use crate::error::{ApiError, ApiResult};
use crate::policy::plans::plan_of;
use crate::time::{date_of, now};

pub fn get(ctx: &Ctx) -> ApiResult {
    let days = match ctx.req.get_param("days") {
        None => 7,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if (1..=365).contains(&n) => n,
            _ => {
                return Err(ApiError::field(
                    "days",
                    "out_of_range",
                    "must be a whole number from 1 to 365",
                ));
            }
        },
    };
    let user_id = ctx.user_id();
    let conn = ctx.app.pool.get()?;
    let (plan, _) = plan_of(&conn, user_id)?;
    if days > i64::from(plan.limits().analytics_days) {
        return Err(crate::policy::plans::required("analytics_history", "pro"));
    }
    let today = now();
    let mut items = Vec::with_capacity(days as usize);
    let mut stmt = conn.prepare_cached(
        "SELECT views, api_requests, asks, mcp_exposures FROM daily_stats WHERE user_id = ?1 AND day = ?2",
    )?;
    let mut totals = [0i64; 4];
    for back in (0..days).rev() {
        let day = date_of(today - back * 86_400);
        let stored = stmt
            .query_row([user_id, day.as_str()], |r| {
                Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?])
            })
            .unwrap_or([0; 4]);
        let pending = ctx.app.counters.unwritten(user_id, &day);
        let c: Vec<i64> = (0..4).map(|i| stored[i] + pending[i]).collect();
        for i in 0..4 {
            totals[i] += c[i];
        }
        items.push(json!({"day": day, "views": c[0], "api_requests": c[1], "asks": c[2], "mcp_exposures": c[3]}));
    }
    ok(json!({"days": days, "items": items,
              "totals": {"views": totals[0], "api_requests": totals[1], "asks": totals[2], "mcp_exposures": totals[3]}}))
}
