//! `/v1/me/profile`: the owner's profile record (SPEC §3.1).

use super::{Ctx, ok};
use crate::error::ApiResult;
use crate::resume::{self, Profile};
use crate::store::db;
use crate::time::now;
use crate::validate::Fields;

pub fn get(ctx: &Ctx) -> ApiResult {
    let conn = ctx.app.pool.get()?;
    ok(Profile::load(&conn, ctx.user_id())?.to_json())
}

pub fn patch(ctx: &Ctx) -> ApiResult {
    let body = ctx.body()?;
    let id = ctx.user_id();
    let profile = db::write(&ctx.app.pool, |tx| {
        let mut profile = Profile::load(tx, id)?;
        let mut f = Fields::new(body)?;
        profile.apply(&mut f);
        f.finish()?;
        profile.updated_at = now();
        profile.save(tx, id)?;
        resume::changed(tx, id)?;
        Ok(profile)
    })?;
    ok(profile.to_json())
}
