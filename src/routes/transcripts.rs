//! `/v1/me/transcripts` (SPEC §3.5): the chat transcripts kept for owners
//! whose plan has `transcripts`. Another owner's transcript is a 404.

use rusqlite::{OptionalExtension, params};
use serde_json::{Value, json};

use super::{Ctx, ok};
use crate::error::{ApiError, ApiResult};
use crate::http;
use crate::policy::plans;
use crate::store::db;
use crate::time::rfc3339;

fn visitor(name: Option<String>, company: Option<String>, email: Option<String>) -> Value {
    if name.is_none() && company.is_none() && email.is_none() {
        Value::Null
    } else {
        json!({"name": name, "company": company, "email": email})
    }
}

pub fn list(ctx: &Ctx) -> ApiResult {
    let (limit, offset) = super::public::page(ctx)?;
    let user_id = ctx.user_id();
    let conn = ctx.app.pool.get()?;
    plans::require(&conn, user_id, "transcripts")?;
    let total: i64 = conn
        .prepare_cached("SELECT count(*) FROM transcripts WHERE user_id = ?1")?
        .query_row([user_id], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.visitor_name, t.visitor_company, t.visitor_email, t.created_at, t.updated_at,
                (SELECT count(*) FROM transcript_messages m WHERE m.transcript_id = t.id),
                (SELECT m.message FROM transcript_messages m WHERE m.transcript_id = t.id
                 ORDER BY m.id LIMIT 1)
         FROM transcripts t WHERE t.user_id = ?1
         ORDER BY t.created_at DESC, t.rowid DESC LIMIT ?2 OFFSET ?3",
    )?;
    let items = stmt
        .query_map(params![user_id, limit, offset], |r| {
            Ok(json!({
                "id": r.get::<_, String>(0)?,
                "visitor": visitor(r.get(1)?, r.get(2)?, r.get(3)?),
                "created_at": rfc3339(r.get(4)?),
                "updated_at": rfc3339(r.get(5)?),
                "message_count": r.get::<_, i64>(6)?,
                "first_message": r.get::<_, Option<String>>(7)?,
            }))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    ok(json!({"items": items, "total": total, "limit": limit, "offset": offset}))
}

/// One transcript of the owner with every message, or `None`.
pub fn transcript_json(
    conn: &rusqlite::Connection,
    user_id: &str,
    id: &str,
) -> ApiResult<Option<Value>> {
    let head = conn
        .prepare_cached(
            "SELECT visitor_name, visitor_company, visitor_email, created_at, updated_at
             FROM transcripts WHERE id = ?1 AND user_id = ?2",
        )?
        .query_row([id, user_id], |r| {
            Ok((
                visitor(r.get(0)?, r.get(1)?, r.get(2)?),
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })
        .optional()?;
    let Some((visitor, created, updated)) = head else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT message, answer, answer_status, created_at FROM transcript_messages
         WHERE transcript_id = ?1 ORDER BY id",
    )?;
    let messages = stmt
        .query_map([id], |r| {
            Ok(json!({
                "message": r.get::<_, String>(0)?,
                "reply": serde_json::from_str::<Value>(&r.get::<_, String>(1)?).unwrap_or_default(),
                "answer_status": r.get::<_, String>(2)?,
                "created_at": rfc3339(r.get(3)?),
            }))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(json!({
        "id": id, "visitor": visitor, "created_at": rfc3339(created),
        "updated_at": rfc3339(updated), "messages": messages,
    })))
}

/// Every transcript of the owner with its messages, oldest first (for the export).
pub fn all(conn: &rusqlite::Connection, user_id: &str) -> ApiResult<Vec<Value>> {
    let ids = conn
        .prepare_cached("SELECT id FROM transcripts WHERE user_id = ?1 ORDER BY created_at, rowid")?
        .query_map([user_id], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.extend(transcript_json(conn, user_id, &id)?);
    }
    Ok(out)
}

pub fn get(ctx: &Ctx) -> ApiResult {
    let conn = ctx.app.pool.get()?;
    plans::require(&conn, ctx.user_id(), "transcripts")?;
    ok(transcript_json(&conn, ctx.user_id(), ctx.param(0))?.ok_or_else(ApiError::not_found)?)
}

pub fn delete(ctx: &Ctx) -> ApiResult {
    {
        let conn = ctx.app.pool.get()?;
        plans::require(&conn, ctx.user_id(), "transcripts")?;
    }
    let gone = db::write(&ctx.app.pool, |tx| {
        Ok(tx
            .prepare_cached("DELETE FROM transcripts WHERE id = ?1 AND user_id = ?2")?
            .execute([ctx.param(0), ctx.user_id()])?)
    })?;
    if gone == 0 {
        return Err(ApiError::not_found());
    }
    Ok(http::no_content())
}
