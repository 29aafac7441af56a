//! `/v1/me/usage` and `/v1/me/billing*` (SPEC §3.5). This instance sells
//! nothing unless the operator configured checkout and portal URLs; plans
//! otherwise come from an admin's grant.

use serde_json::json;

use super::{Ctx, ok};
use crate::error::{ApiError, ApiResult};
use crate::policy::plans::{Plan, plan_of};
use crate::policy::quota;

pub fn usage(ctx: &Ctx) -> ApiResult {
    let conn = ctx.app.pool.get()?;
    ok(quota::usage(ctx.app, &conn, ctx.user_id())?)
}

pub fn get(ctx: &Ctx) -> ApiResult {
    let conn = ctx.app.pool.get()?;
    let (plan, expires_on) = plan_of(&conn, ctx.user_id())?;
    ok(json!({
        "plan": plan.name(),
        "source": if plan == Plan::Free { "free" } else { "grant" },
        "expires_on": expires_on,
        "checkout_available": ctx.app.config.billing_checkout_url.is_some(),
    }))
}

fn redirect(url: &Option<String>) -> ApiResult {
    match url {
        Some(u) => ok(json!({"url": u})),
        None => Err(ApiError::conflict(
            "billing_unavailable",
            "This instance does not sell plans. Ask its operator for a grant: \
             `restume admin grant USERNAME pro`, or POST /v1/admin/grants.",
        )),
    }
}

pub fn checkout(ctx: &Ctx) -> ApiResult {
    redirect(&ctx.app.config.billing_checkout_url)
}

pub fn portal(ctx: &Ctx) -> ApiResult {
    redirect(&ctx.app.config.billing_portal_url)
}
