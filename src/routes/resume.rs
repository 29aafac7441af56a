//! The whole résumé at once: read it, import a JSON Resume document over it,
//! and export everything the server keeps about its owner (SPEC §3.3).

use rusqlite::params;
use serde_json::{Map, Value, json};

use super::{Ctx, ok};
use crate::error::{ApiError, ApiResult};
use crate::resume::jsonresume::{self, Import};
use crate::resume::sections::{self, Section};
use crate::resume::{self, Profile, Resume};
use crate::store::db;
use crate::time::{now, rfc3339};

/// `?format=` : `json` (the default) or `jsonresume`.
pub fn format(ctx: &Ctx) -> ApiResult<&'static str> {
    match ctx.req.get_param("format").as_deref() {
        None | Some("json") => Ok("json"),
        Some("jsonresume") => Ok("jsonresume"),
        Some(_) => Err(ApiError::field(
            "format",
            "invalid_value",
            "must be json or jsonresume",
        )),
    }
}

pub fn owner_json(r: &Resume) -> Value {
    let mut sections = Map::new();
    for (s, rows) in &r.sections {
        sections.insert(
            s.name.into(),
            rows.iter().map(|row| s.row_json(row, false)).collect(),
        );
    }
    json!({"username": r.username, "full_name": r.full_name, "profile": r.profile.to_json(),
           "sections": sections})
}

pub fn get(ctx: &Ctx) -> ApiResult {
    let format = format(ctx)?;
    let conn = ctx.app.pool.get()?;
    let r = Resume::load(&conn, ctx.user_id())?;
    ok(match format {
        "jsonresume" => jsonresume::export(&r, &sections::ALL),
        _ => owner_json(&r),
    })
}

/// Replaces the profile fields of `basics` and the five sections in one
/// transaction: all of it or, on any error, none of it.
pub fn put(ctx: &Ctx) -> ApiResult {
    let import = jsonresume::parse(ctx.body()?)?;
    let user_id = ctx.user_id();
    let answer = db::write(&ctx.app.pool, |tx| write_import(tx, user_id, import))?;
    ok(answer)
}

fn write_import(tx: &rusqlite::Connection, user_id: &str, import: Import) -> ApiResult<Value> {
    let now = now();
    if let Some(name) = &import.full_name {
        tx.prepare_cached("UPDATE users SET full_name = ?1, updated_at = ?2 WHERE id = ?3")?
            .execute(params![name, now, user_id])?;
    }
    let mut profile = Profile::load(tx, user_id)?;
    import.profile.apply(&mut profile);
    profile.updated_at = now;
    profile.save(tx, user_id)?;
    let kept: Vec<&String> = import.verbatim.keys().collect();
    tx.prepare_cached(
        "INSERT INTO resume_extras (user_id, basics, sections) VALUES (?1, ?2, ?3)
         ON CONFLICT (user_id) DO UPDATE SET basics = excluded.basics, sections = excluded.sections",
    )?
    .execute(params![
        user_id,
        Value::Object(import.basics_extra.clone()).to_string(),
        Value::Object(import.verbatim.clone()).to_string()
    ])?;
    let mut imported = Map::new();
    for (s, rows) in &import.sections {
        replace_rows(tx, s, user_id, rows, now)?;
        imported.insert(s.name.into(), json!(rows.len()));
    }
    resume::changed(tx, user_id)?;
    Ok(json!({"imported": imported, "kept_verbatim": kept}))
}

fn replace_rows(
    tx: &rusqlite::Connection,
    s: &Section,
    user_id: &str,
    rows: &[jsonresume::Item],
    now: i64,
) -> ApiResult<()> {
    tx.prepare_cached(&format!("DELETE FROM {} WHERE user_id = ?1", s.name))?
        .execute([user_id])?;
    let mut insert = tx.prepare_cached(&s.insert_sql())?;
    for (i, (cells, extra)) in rows.iter().enumerate() {
        let mut args: Vec<rusqlite::types::Value> = vec![
            uuid::Uuid::new_v4().to_string().into(),
            user_id.to_string().into(),
            (i as i64).into(),
            now.into(),
            now.into(),
            Value::Object(extra.clone()).to_string().into(),
        ];
        args.extend(s.to_sql(cells));
        insert.execute(rusqlite::params_from_iter(args))?;
    }
    Ok(())
}

/// Everything the server keeps about the owner, as one download.
pub fn export(ctx: &Ctx) -> ApiResult {
    let user_id = ctx.user_id();
    let conn = ctx.app.pool.get()?;
    let r = Resume::load(&conn, user_id)?;
    let account = super::account::account_json(ctx.app, &conn, user_id)?;
    let keys = super::api_keys::key_list(&conn, user_id)?;
    let collect =
        |sql: &str, f: fn(&rusqlite::Row) -> rusqlite::Result<Value>| -> ApiResult<Vec<Value>> {
            let mut stmt = conn.prepare_cached(sql)?;
            let rows = stmt
                .query_map([user_id], f)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        };
    let analytics = collect(
        "SELECT day, views, api_requests, asks, mcp_exposures FROM daily_stats WHERE user_id = ?1 ORDER BY day",
        |r| {
            Ok(
                json!({"day": r.get::<_, String>(0)?, "views": r.get::<_, i64>(1)?, "api_requests": r.get::<_, i64>(2)?,
                      "asks": r.get::<_, i64>(3)?, "mcp_exposures": r.get::<_, i64>(4)?}),
            )
        },
    )?;
    let audit = collect(
        "SELECT action, detail, ip, created_at FROM audit_events WHERE user_id = ?1 ORDER BY id",
        |r| {
            Ok(json!({"action": r.get::<_, String>(0)?,
                      "detail": serde_json::from_str::<Value>(&r.get::<_, String>(1)?).unwrap_or_default(),
                      "ip": r.get::<_, Option<String>>(2)?, "at": rfc3339(r.get(3)?)}))
        },
    )?;
    let grants = collect(
        "SELECT id, plan, reason, created_at, expires_on, revoked_at FROM grants WHERE user_id = ?1 ORDER BY created_at",
        |r| {
            Ok(
                json!({"grant_id": r.get::<_, String>(0)?, "plan": r.get::<_, String>(1)?,
                      "reason": r.get::<_, String>(2)?, "created_at": rfc3339(r.get(3)?),
                      "expires_on": r.get::<_, Option<String>>(4)?,
                      "revoked_at": r.get::<_, Option<i64>>(5)?.map(rfc3339)}),
            )
        },
    )?;
    let body = json!({
        "exported_at": rfc3339(now()),
        "account": account,
        "resume": owner_json(&r),
        "json_resume": jsonresume::export(&r, &sections::ALL),
        "api_keys": keys,
        "analytics": analytics,
        "audit_events": audit,
        "grants": grants,
        "transcripts": super::transcripts::all(&conn, user_id)?,
        "insights": super::insights::all(ctx, &conn, user_id)?,
    });
    Ok(super::ok(body)?.with_unique_header(
        "Content-Disposition",
        format!(
            "attachment; filename=\"restume-export-{}.json\"",
            r.username
        ),
    ))
}
