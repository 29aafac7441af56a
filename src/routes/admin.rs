//! `/v1/admin/*` (SPEC §6): admin JWTs only; the route table refuses keys
//! and other users.

use serde_json::json;

use super::{Ctx, ok};
use crate::error::{ApiError, ApiResult};
use crate::http;
use crate::policy::grants::{self, Actor};
use crate::store::db;
use crate::validate::{Fields, Patch};

fn actor<'a>(ctx: &'a Ctx) -> Actor<'a> {
    Actor {
        user_id: Some(ctx.user_id()),
        ip: Some(ctx.ip),
    }
}

pub fn grant(ctx: &Ctx) -> ApiResult {
    let mut f = Fields::new(ctx.body()?)?;
    let username = f.required_string("username", 1, 50);
    let plan = f.required_string("plan", 1, 20);
    let reason = f.required_string("reason", 1, 500);
    let expires_on = match f.optional_string("expires_on", 10) {
        Patch::Set(s) => Some(s),
        _ => None,
    };
    if let Some(p) = &plan
        && let Err((field, code, msg)) = grants::check(p, expires_on.as_deref())
    {
        f.error(field, code, msg);
    }
    f.finish()?;
    let (Some(username), Some(plan), Some(reason)) = (username, plan, reason) else {
        unreachable!("checked by finish")
    };
    let plan = grants::check(&plan, expires_on.as_deref())
        .map_err(|_| ApiError::internal("checked above"))?;
    let (id, message) = db::write(&ctx.app.pool, |tx| {
        grants::grant(
            tx,
            &username,
            plan,
            &reason,
            expires_on.as_deref(),
            actor(ctx),
        )
    })?;
    Ok(http::created(
        &format!("/v1/admin/users/{username}"),
        &json!({"grant_id": id, "message": message}),
    ))
}

pub fn revoke(ctx: &Ctx) -> ApiResult {
    let mut f = Fields::new(ctx.body()?)?;
    let id = f.required_string("grant_id", 1, 64);
    let reason = f.required_string("reason", 1, 500);
    f.finish()?;
    let (Some(id), Some(reason)) = (id, reason) else {
        unreachable!("checked by finish")
    };
    let message = db::write(&ctx.app.pool, |tx| {
        grants::revoke(tx, &id, &reason, actor(ctx))
    })?;
    ok(json!({"grant_id": id, "message": message}))
}
