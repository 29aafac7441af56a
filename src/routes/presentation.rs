//! `/v1/me/themes`, `/v1/me/theme`, `/v1/me/layout` (SPEC §3.4).

use serde_json::{Value, json};

use super::{Ctx, ok};
use crate::error::{ApiError, ApiResult};
use crate::policy::plans::{plan_of, require};
use crate::resume::presentation::{self, load_layout, load_theme, theme};
use crate::resume::{self, sections};
use crate::store::db;
use crate::validate::Fields;

pub fn themes(ctx: &Ctx) -> ApiResult {
    let conn = ctx.app.pool.get()?;
    let (plan, _) = plan_of(&conn, ctx.user_id())?;
    ok(presentation::catalog(plan))
}

pub fn get_theme(ctx: &Ctx) -> ApiResult {
    let conn = ctx.app.pool.get()?;
    ok(json!({"theme": load_theme(&conn, ctx.user_id())?}))
}

pub fn put_theme(ctx: &Ctx) -> ApiResult {
    let mut f = Fields::new(ctx.body()?)?;
    let id = f.required_string("theme", 1, 50);
    f.finish()?;
    let id = id.expect("checked by finish");
    let Some(t) = theme(&id) else {
        return Err(ApiError::field(
            "theme",
            "unknown_theme",
            "is not in the catalog (GET /v1/me/themes)",
        ));
    };
    let user_id = ctx.user_id();
    db::write(&ctx.app.pool, |tx| {
        if t.premium {
            require(tx, user_id, "premium_themes")?;
        }
        presentation::save_theme(tx, user_id, t.id)?;
        resume::changed(tx, user_id)?;
        Ok(())
    })?;
    ok(json!({"theme": t.id}))
}

pub fn get_layout(ctx: &Ctx) -> ApiResult {
    let conn = ctx.app.pool.get()?;
    ok(presentation::layout_json(&load_layout(
        &conn,
        ctx.user_id(),
    )?))
}

/// Needs `layout` in the plan. The body names each of the five sections once.
pub fn put_layout(ctx: &Ctx) -> ApiResult {
    let mut f = Fields::new(ctx.body()?)?;
    let items = match f.take("sections") {
        Some(Value::Array(items)) => items,
        None | Some(Value::Null) => {
            f.error("sections", "required", "is required");
            vec![]
        }
        Some(_) => {
            f.error(
                "sections",
                "wrong_type",
                "must be an array of {name, visible}",
            );
            vec![]
        }
    };
    let mut layout: Vec<(String, bool)> = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        match Fields::nested(item, &format!("sections[{i}]")) {
            Ok(mut s) => {
                let name = s.required_string("name", 1, 50);
                let visible = s.flag("visible");
                if visible.is_none() && !s.has_errors() {
                    s.error("visible", "required", "is required");
                }
                match &name {
                    Some(n) if sections::by_name(n).is_none() => {
                        s.error("name", "unknown_section", "is not a section")
                    }
                    Some(n) if layout.iter().any(|(l, _)| l == n) => {
                        s.error("name", "duplicate", "names a section twice")
                    }
                    _ => {}
                }
                let errors = s.into_errors();
                if errors.is_empty() {
                    layout.push((name.unwrap_or_default(), visible.unwrap_or(true)));
                }
                errors.into_iter().for_each(|e| f.push(e));
            }
            Err(e) => f.push(e),
        }
    }
    if !f.has_errors() && layout.len() != sections::ALL.len() {
        f.error(
            "sections",
            "incomplete",
            "must name each of the five sections once",
        );
    }
    f.finish()?;
    let user_id = ctx.user_id();
    let saved = db::write(&ctx.app.pool, |tx| {
        require(tx, user_id, "layout")?;
        presentation::save_layout(tx, user_id, &layout)?;
        resume::changed(tx, user_id)?;
        Ok(load_layout(tx, user_id)?)
    })?;
    ok(presentation::layout_json(&saved))
}
