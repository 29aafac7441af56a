//! `/v1/me/{skills,experience,education,projects,certifications}`: one set of
//! handlers for the five sections, driven by their descriptions in
//! `resume::sections`. Every query is scoped to the caller: another user's
//! row id is a 404, like an unknown one.

use rusqlite::params;
use serde_json::Value;

use super::{Ctx, ok};
use crate::error::{ApiError, ApiResult};
use crate::http;
use crate::resume::sections::{self, Cells, MAX_ROWS, Row, Section};
use crate::resume::{self};
use crate::store::db;
use crate::time::now;
use crate::validate::{Fields, Patch};

/// The section named by the path: `/v1/me/<section>[/<id>]`.
fn section(ctx: &Ctx) -> &'static Section {
    let url = ctx.req.url();
    let name = url.split('/').nth(3).unwrap_or_default();
    sections::by_name(name).expect("the route table only sends section paths here")
}

pub fn list(ctx: &Ctx) -> ApiResult {
    let s = section(ctx);
    let conn = ctx.app.pool.get()?;
    let rows = s.load(&conn, ctx.user_id())?;
    ok(Value::Array(
        rows.iter().map(|r| s.row_json(r, false)).collect(),
    ))
}

pub fn get_one(ctx: &Ctx) -> ApiResult {
    let s = section(ctx);
    let conn = ctx.app.pool.get()?;
    ok(row_answer(&conn, s, ctx.user_id(), ctx.param(0))?)
}

fn read_body(ctx: &Ctx, s: &Section) -> ApiResult<(Cells, Option<i64>)> {
    let mut f = Fields::new(ctx.body()?)?;
    let cells = s.read(&mut f, false);
    let position = match f.int("position", 0, 1_000_000) {
        Patch::Set(p) => Some(p),
        _ => None,
    };
    f.finish()?;
    Ok((cells, position))
}

/// Skill names are unique per owner without regard to case.
fn check_skill_name(
    tx: &rusqlite::Connection,
    s: &Section,
    user_id: &str,
    cells: &Cells,
    except: &str,
) -> ApiResult<()> {
    if s.name != "skills" {
        return Ok(());
    }
    let name = s
        .cell(cells, "name")
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    // names only (and rowids), so the (user_id, name) index answers alone
    let mut stmt = tx.prepare_cached(
        "SELECT name FROM skills WHERE user_id = ?1
           AND rowid IS NOT (SELECT rowid FROM skills WHERE id = ?2)",
    )?;
    let mut rows = stmt.query(params![user_id, except])?;
    while let Some(r) = rows.next()? {
        if r.get_ref(0)?.as_str().unwrap_or_default().to_lowercase() == name {
            return Err(ApiError::conflict(
                "duplicate_skill",
                "You already list a skill by that name",
            ));
        }
    }
    Ok(())
}

fn row_answer(tx: &rusqlite::Connection, s: &Section, user_id: &str, id: &str) -> ApiResult<Value> {
    let row = s
        .load_one(tx, user_id, id)?
        .ok_or_else(ApiError::not_found)?;
    Ok(s.row_json(&row, false))
}

pub fn create(ctx: &Ctx) -> ApiResult {
    let s = section(ctx);
    let (cells, position) = read_body(ctx, s)?;
    let user_id = ctx.user_id();
    let id = uuid::Uuid::new_v4().to_string();
    let body = db::write(&ctx.app.pool, |tx| {
        let (count, next): (i64, i64) = tx
            .prepare_cached(&format!(
                "SELECT count(*), coalesce(max(position) + 1, 0) FROM {} WHERE user_id = ?1",
                s.name
            ))?
            .query_row([user_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        if count as usize >= MAX_ROWS {
            return Err(ApiError::conflict(
                "section_full",
                "A section holds at most 100 entries",
            ));
        }
        check_skill_name(tx, s, user_id, &cells, "")?;
        let now = now();
        let position = position.unwrap_or(next);
        let mut args: Vec<rusqlite::types::Value> = vec![
            id.clone().into(),
            user_id.to_string().into(),
            position.into(),
            now.into(),
            now.into(),
            "{}".to_string().into(),
        ];
        args.extend(s.to_sql(&cells));
        tx.prepare_cached(&s.insert_sql())?
            .execute(rusqlite::params_from_iter(args))?;
        resume::rows_changed(tx, user_id)?;
        // the row as stored, without reading it back
        let row = Row {
            id: id.clone(),
            position,
            created_at: now,
            updated_at: now,
            extra: Default::default(),
            cells,
        };
        Ok(s.row_json(&row, false))
    })?;
    Ok(http::created(&format!("/v1/me/{}/{id}", s.name), &body))
}

/// Full replace; `position` stays as it was unless given.
pub fn replace(ctx: &Ctx) -> ApiResult {
    let s = section(ctx);
    let (cells, position) = read_body(ctx, s)?;
    let user_id = ctx.user_id();
    let id = ctx.param(0);
    let body = db::write(&ctx.app.pool, |tx| {
        let current: i64 = tx
            .prepare_cached(&format!(
                "SELECT position FROM {} WHERE id = ?1 AND user_id = ?2",
                s.name
            ))?
            .query_row(params![id, user_id], |r| r.get(0))
            .map_err(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => ApiError::not_found(),
                e => e.into(),
            })?;
        check_skill_name(tx, s, user_id, &cells, id)?;
        let mut args: Vec<rusqlite::types::Value> = vec![
            id.to_string().into(),
            user_id.to_string().into(),
            position.unwrap_or(current).into(),
            now().into(),
        ];
        args.extend(s.to_sql(&cells));
        tx.prepare_cached(&s.update_sql())?
            .execute(rusqlite::params_from_iter(args))?;
        resume::rows_changed(tx, user_id)?;
        row_answer(tx, s, user_id, id)
    })?;
    ok(body)
}

pub fn delete(ctx: &Ctx) -> ApiResult {
    let s = section(ctx);
    let user_id = ctx.user_id();
    db::write(&ctx.app.pool, |tx| {
        let n = tx
            .prepare_cached(&format!(
                "DELETE FROM {} WHERE id = ?1 AND user_id = ?2",
                s.name
            ))?
            .execute(params![ctx.param(0), user_id])?;
        if n == 0 {
            return Err(ApiError::not_found());
        }
        resume::rows_changed(tx, user_id)?;
        Ok(())
    })?;
    Ok(http::no_content())
}
