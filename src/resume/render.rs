//! The public résumé, rendered after it changes (see `derived`) and kept in
//! the database (`public_renders`), so a public read is one indexed lookup
//! that hands out stored bytes, however cold the cache. Only public, enabled
//! profiles have a rendering.

use rusqlite::params;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::sections::Section;
use super::{Resume, jsonresume, presentation};

/// The public shape: the profile without private fields and the visible
/// sections in layout order.
pub fn public_json(r: &Resume, shown: &[&Section]) -> Value {
    let p = &r.profile;
    let sections: Vec<Value> = shown
        .iter()
        .map(|s| {
            let rows = r.rows(s.name);
            json!({"name": s.name, "label": s.label,
                   "items": rows.iter().map(|row| s.row_json(row, true)).collect::<Vec<_>>()})
        })
        .collect();
    json!({
        "username": r.username,
        "full_name": r.full_name,
        "profile": {
            "headline": p.headline, "summary": p.summary, "location": p.location,
            "public_email": p.public_email, "phone": p.phone, "website": p.website,
            "avatar_url": p.avatar_url, "links": p.links, "open_to_work": p.open_to_work,
            "open_to_work_note": p.open_to_work_note, "open_to_work_roles": p.open_to_work_roles,
        },
        "sections": sections,
    })
}

/// A strong ETag: the first 128 bits of the body's SHA-256.
pub fn etag(body: &str) -> String {
    let digest = Sha256::digest(body.as_bytes());
    format!("\"{}\"", crate::auth::password::hex(&digest[..16]))
}

/// Renders the public JSON, or removes the rendering when the profile is not
/// public or the account is disabled. The JSON Resume form, read far less
/// often, is left to render on its next read (`jsonresume`), which keeps
/// writes cheaper.
/// Returns the public JSON, its ETag and its length in bytes, `None` when it
/// was removed.
pub fn store(
    conn: &rusqlite::Connection,
    r: &Resume,
    disabled: bool,
) -> rusqlite::Result<Option<(Value, String, usize)>> {
    if !r.profile.is_public || disabled {
        conn.prepare_cached("DELETE FROM public_renders WHERE user_id = ?1")?
            .execute([&r.user_id])?;
        return Ok(None);
    }
    let shown = presentation::visible(conn, &r.user_id)?;
    let value = public_json(r, &shown);
    let json = value.to_string();
    let tag = etag(&json);
    conn.prepare_cached(
        "INSERT INTO public_renders (user_id, json, json_etag, jsonresume, jsonresume_etag)
         VALUES (?1, ?2, ?3, NULL, NULL)
         ON CONFLICT (user_id) DO UPDATE SET json = excluded.json, json_etag = excluded.json_etag,
           jsonresume = NULL, jsonresume_etag = NULL",
    )?
    .execute(params![r.user_id, json, tag])?;
    Ok(Some((value, tag, json.len())))
}

/// The public JSON Resume of `user_id`, rendering and keeping it when a
/// change cleared it. Run inside a write transaction, so no change can slip
/// between the reading and the keeping.
pub fn jsonresume(
    conn: &rusqlite::Connection,
    user_id: &str,
) -> rusqlite::Result<(String, String)> {
    let stored: (Option<String>, Option<String>) = conn
        .prepare_cached(
            "SELECT jsonresume, jsonresume_etag FROM public_renders WHERE user_id = ?1",
        )?
        .query_row([user_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    if let (Some(body), Some(tag)) = stored {
        return Ok((body, tag));
    }
    let r = Resume::load(conn, user_id)?;
    let shown = presentation::visible(conn, user_id)?;
    let body = jsonresume::export(&r, &shown).to_string();
    let tag = etag(&body);
    conn.prepare_cached(
        "UPDATE public_renders SET jsonresume = ?1, jsonresume_etag = ?2 WHERE user_id = ?3",
    )?
    .execute(params![body, tag, user_id])?;
    Ok((body, tag))
}
