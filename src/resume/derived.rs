//! What is derived from a résumé, its search-index row, its public
//! rendering and its public page, is brought up to date after a write rather
//! than inside it.
//!
//! A write only marks the résumé stale (`mark`): one row in
//! `stale_resumes`. Then, whichever comes first:
//! - a public read of a stale résumé renders it on the spot;
//! - a search first brings every stale index row up to date;
//! - the background refresher does both within a fraction of a second, many
//!   résumés per transaction (one FTS segment and one commit for all of them,
//!   and a résumé written ten times in that while is rendered once).
//!
//! So no reader ever sees an older résumé than the last acknowledged write,
//! and a write costs a few row updates instead of a re-render and re-index.

use std::sync::atomic::Ordering;
use std::time::Duration;

use rusqlite::OptionalExtension;

use super::{Resume, render, search};
use crate::error::ApiResult;
use crate::store::background::Background;
use crate::store::db::{self, Pool};
use crate::web::stored;

/// Résumés brought up to date per write: enough to share one commit and one
/// index segment, few enough that a request waiting for the write lock
/// waits a few milliseconds at most.
const BATCH: usize = 8;
const EVERY: Duration = Duration::from_millis(200);

/// Called in the transaction of every write to a résumé.
pub fn mark(conn: &rusqlite::Connection, user_id: &str) -> rusqlite::Result<()> {
    let visible: bool = conn
        .prepare_cached(
            "SELECT p.is_public = 1 AND u.is_disabled = 0
             FROM users u JOIN profiles p ON p.user_id = u.id WHERE u.id = ?1",
        )?
        .query_row([user_id], |r| r.get(0))
        .optional()?
        .unwrap_or(false);
    // The rendering row says who is public; its content is not read while
    // the résumé is stale, so it is left alone (rewriting a 6 KB row on every
    // write would cost more than the rest of the write).
    if visible {
        conn.prepare_cached(
            "INSERT OR IGNORE INTO public_renders (user_id, json, json_etag) VALUES (?1, '', '')",
        )?
        .execute([user_id])?;
    } else {
        conn.prepare_cached("DELETE FROM public_renders WHERE user_id = ?1")?
            .execute([user_id])?;
    }
    mark_stale(conn, user_id)
}

/// `mark`, when whether the profile is public cannot have changed.
pub fn mark_stale(conn: &rusqlite::Connection, user_id: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO stale_resumes (user_id) VALUES (?1)")?
        .execute([user_id])?;
    Ok(())
}

/// Brings one résumé's index row, rendering and page up to date. Returns it.
pub fn refresh(conn: &rusqlite::Connection, user_id: &str) -> rusqlite::Result<Resume> {
    let resume = Resume::load(conn, user_id)?;
    search::refresh(conn, &resume)?;
    let rendered = render::store(conn, &resume, resume.disabled)?;
    if let Some((public, tag, _)) = &rendered {
        crate::ask::form::keep(conn, user_id, tag, public)?;
    }
    match rendered {
        // a page too long to keep is rendered on each view instead
        // (`stored::MAX_KEPT`); rendering it here would only hold the writer
        Some((public, tag, len)) if len <= stored::MAX_KEPT / 2 => {
            stored::refresh(conn, user_id, &public, &tag)?
        }
        _ => stored::forget(conn, user_id)?,
    }
    conn.prepare_cached("DELETE FROM stale_resumes WHERE user_id = ?1")?
        .execute([user_id])?;
    Ok(resume)
}

/// The public JSON rendering and its ETag, rendered now if the résumé is
/// stale; `None` once the profile is no longer public. Runs in a write
/// transaction, so no write slips between the rendering and the keeping.
pub fn public_json(
    conn: &rusqlite::Connection,
    user_id: &str,
) -> rusqlite::Result<Option<(String, String)>> {
    if is_stale(conn, user_id)? {
        refresh(conn, user_id)?;
    }
    conn.prepare_cached("SELECT json, json_etag FROM public_renders WHERE user_id = ?1")?
        .query_row([user_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
}

/// The public rendering made now and kept nowhere: what a read answers when
/// the rendering cannot be kept (the disk is full, say), so that reads never
/// depend on a write. `None` when the profile is not public.
pub fn render_unkept(
    conn: &rusqlite::Connection,
    user_id: &str,
    format: &str,
) -> rusqlite::Result<Option<(String, String)>> {
    let resume = Resume::load(conn, user_id)?;
    if !resume.profile.is_public || resume.disabled {
        return Ok(None);
    }
    let shown = super::presentation::visible(conn, user_id)?;
    let body = if format == "jsonresume" {
        super::jsonresume::export(&resume, &shown)
    } else {
        render::public_json(&resume, &shown)
    }
    .to_string();
    let tag = render::etag(&body);
    Ok(Some((body, tag)))
}

fn is_stale(conn: &rusqlite::Connection, user_id: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM stale_resumes WHERE user_id = ?1)")?
        .query_row([user_id], |r| r.get(0))
}

/// Whether any résumé waits for its index row or rendering.
pub fn pending(conn: &rusqlite::Connection) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM stale_resumes)")?
        .query_row([], |r| r.get(0))
}

/// What a read of every public résumé does first (a search, the MCP
/// candidate index): résumés written a moment ago are brought up to date.
/// Such a read never depends on a write: while writes fail (a full disk) or
/// when this one does, it reads what is there.
pub fn settle(pool: &Pool, conn: &rusqlite::Connection) -> ApiResult<()> {
    if crate::store::health::current().is_none() && pending(conn)? {
        let _ = catch_up(pool, || true);
    }
    Ok(())
}

/// Brings every stale résumé up to date, a batch per write, while
/// `go_on()` says so. Returns how many were refreshed.
pub fn catch_up(pool: &Pool, go_on: impl Fn() -> bool) -> ApiResult<usize> {
    let mut done = 0;
    loop {
        if !go_on() {
            return Ok(done);
        }
        let n = db::write(pool, |tx| {
            let ids: Vec<String> = tx
                .prepare_cached("SELECT user_id FROM stale_resumes LIMIT ?1")?
                .query_map([BATCH as i64], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            for id in &ids {
                refresh(tx, id)?;
            }
            Ok(ids.len())
        })?;
        done += n;
        if n < BATCH {
            return Ok(done);
        }
    }
}

/// Runs `catch_up` every 200 ms while anything is stale, until stopped.
/// Under a steady storm of writes it mostly yields; readers still get fresh
/// résumés, rendered on demand, and a search indexes what it needs first.
pub fn spawn_refresher(pool: Pool) -> Result<Background, String> {
    Background::every("résumé refresher", EVERY, move |stop| {
        let conn = pool.get().map_err(|e| e.to_string())?;
        let stale = pending(&conn).map_err(|e| e.to_string())?;
        drop(conn);
        // while writes fail (logged once by `store::health`), nothing to try
        if stale && crate::store::health::current().is_none() {
            // background work never holds up a request's write, nor a stop
            catch_up(&pool, || {
                !pool.writes_waiting() && !stop.load(Ordering::SeqCst)
            })
            .map_err(|e| e.cause.clone().unwrap_or_else(|| e.detail.clone()))?;
        }
        Ok(())
    })
}
