//! Shortlists: a recruiter's named lists of candidates. Each belongs to the
//! recruiter who made it; another caller's id reads as unknown. Members are
//! kept by user id and shown only while their profile is public.

use rusqlite::{OptionalExtension, params};
use serde_json::{Value, json};

use super::candidates::{self, Candidate, summary};
use super::tools::{Args, Out, ToolResult, fail};
use crate::error::ApiResult;
use crate::routes::Ctx;
use crate::store::db;
use crate::time::{now, rfc3339};

/// The most shortlists one recruiter keeps, and candidates on one.
const MAX_LISTS: i64 = 100;
const MAX_MEMBERS: i64 = 500;

pub struct Shortlist {
    pub id: String,
    pub name: String,
    pub created_at: i64,
}

/// The caller's shortlist `id`, if it is theirs.
pub fn owned(conn: &rusqlite::Connection, owner: &str, id: &str) -> ApiResult<Option<Shortlist>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, name, created_at FROM shortlists WHERE id = ?1 AND owner_id = ?2",
        )?
        .query_row(params![id, owner], |r| {
            Ok(Shortlist {
                id: r.get(0)?,
                name: r.get(1)?,
                created_at: r.get(2)?,
            })
        })
        .optional()?)
}

/// A shortlist with its members that are public now, by username.
pub fn members(conn: &rusqlite::Connection, list: &Shortlist) -> ApiResult<Vec<Candidate>> {
    let names: Vec<String> = conn
        .prepare_cached(
            "SELECT u.username FROM shortlist_members m JOIN users u ON u.id = m.user_id
             WHERE m.shortlist_id = ?1 ORDER BY u.username_key",
        )?
        .query_map([&list.id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for n in names {
        if let Some(c) = candidates::find(conn, &n)? {
            out.push(c);
        }
    }
    Ok(out)
}

pub fn to_json(list: &Shortlist, members: &[Candidate]) -> Value {
    json!({
        "id": list.id,
        "name": list.name,
        "created_at": rfc3339(list.created_at),
        "uri": format!("restume://shortlists/{}", list.id),
        "candidates": members.iter().map(summary).collect::<Vec<_>>(),
    })
}

fn answer(ctx: &Ctx, list: &Shortlist) -> ApiResult<ToolResult> {
    let members = members(&*ctx.app.pool.get()?, list)?;
    candidates::exposed(ctx, &members);
    Ok(Out::ok(to_json(list, &members)))
}

fn unknown_list(id: &str) -> ToolResult {
    fail(format!(
        "You have no shortlist with the id '{id}'. list_shortlists gives the ids of yours; \
         create_shortlist makes a new one."
    ))
}

pub fn create(ctx: &Ctx, args: &Args) -> ApiResult<ToolResult> {
    let name = args.str("name").unwrap_or_default().trim().to_string();
    let found = match candidates::several(ctx, &args.strs("usernames"))? {
        Ok(c) => c,
        Err(e) => return Ok(e),
    };
    let owner = ctx.user_id().to_string();
    let list = Shortlist {
        id: uuid::Uuid::new_v4().to_string(),
        name,
        created_at: now(),
    };
    let made = db::write(&ctx.app.pool, |tx| {
        let n: i64 = tx
            .prepare_cached("SELECT count(*) FROM shortlists WHERE owner_id = ?1")?
            .query_row([&owner], |r| r.get(0))?;
        if n >= MAX_LISTS {
            return Ok(false);
        }
        tx.prepare_cached(
            "INSERT INTO shortlists (id, owner_id, name, created_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![list.id, owner, list.name, list.created_at])?;
        for c in &found {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO shortlist_members (shortlist_id, user_id, added_at)
                 VALUES (?1, ?2, ?3)",
            )?
            .execute(params![list.id, c.user_id, list.created_at])?;
        }
        Ok(true)
    })?;
    if !made {
        return Ok(fail(format!(
            "You have {MAX_LISTS} shortlists, the most one recruiter keeps; add to an existing \
             one (list_shortlists) instead"
        )));
    }
    answer(ctx, &list)
}

/// add_to_shortlist and remove_from_shortlist.
fn change(ctx: &Ctx, args: &Args, add: bool) -> ApiResult<ToolResult> {
    let id = args.str("shortlist_id").unwrap_or_default();
    let Some(list) = owned(&*ctx.app.pool.get()?, ctx.user_id(), &id)? else {
        return Ok(unknown_list(&id));
    };
    let found = match candidates::several(ctx, &args.strs("usernames"))? {
        Ok(c) => c,
        Err(e) => return Ok(e),
    };
    let at = now();
    let full = db::write(&ctx.app.pool, |tx| {
        for c in &found {
            if add {
                let n: i64 = tx
                    .prepare_cached(
                        "SELECT count(*) FROM shortlist_members WHERE shortlist_id = ?1",
                    )?
                    .query_row([&list.id], |r| r.get(0))?;
                if n >= MAX_MEMBERS {
                    return Ok(true);
                }
                tx.prepare_cached(
                    "INSERT OR IGNORE INTO shortlist_members (shortlist_id, user_id, added_at)
                     VALUES (?1, ?2, ?3)",
                )?
                .execute(params![list.id, c.user_id, at])?;
            } else {
                tx.prepare_cached(
                    "DELETE FROM shortlist_members WHERE shortlist_id = ?1 AND user_id = ?2",
                )?
                .execute(params![list.id, c.user_id])?;
            }
        }
        Ok(false)
    })?;
    if full {
        return Ok(fail(format!(
            "A shortlist holds at most {MAX_MEMBERS} candidates; remove some or start another"
        )));
    }
    answer(ctx, &list)
}

pub fn add(ctx: &Ctx, args: &Args) -> ApiResult<ToolResult> {
    change(ctx, args, true)
}

pub fn remove(ctx: &Ctx, args: &Args) -> ApiResult<ToolResult> {
    change(ctx, args, false)
}

/// The caller's shortlists, oldest first (then by id).
pub fn all(conn: &rusqlite::Connection, owner: &str) -> ApiResult<Vec<Shortlist>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, name, created_at FROM shortlists WHERE owner_id = ?1 ORDER BY created_at, id",
        )?
        .query_map([owner], |r| {
            Ok(Shortlist {
                id: r.get(0)?,
                name: r.get(1)?,
                created_at: r.get(2)?,
            })
        })?
        .collect::<Result<_, _>>()?)
}

pub fn list(ctx: &Ctx, args: &Args) -> ApiResult<ToolResult> {
    let conn = ctx.app.pool.get()?;
    let lists = all(&conn, ctx.user_id())?;
    let total = lists.len();
    let (page, next) = match candidates::page(lists, args) {
        Ok(p) => p,
        Err(e) => return Ok(e),
    };
    let mut out = Vec::new();
    for l in &page {
        let m = members(&conn, l)?;
        candidates::exposed(ctx, &m);
        out.push(to_json(l, &m));
    }
    Ok(Out::ok(
        json!({"shortlists": out, "total": total, "nextCursor": next}),
    ))
}
