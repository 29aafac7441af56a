//! One-time password-reset tokens (SPEC §6): random, `rsr_` + 40 base62
//! characters, stored as a SHA-256, valid for one hour, used once. An admin
//! issues them; the admin never picks the password.

use rusqlite::{OptionalExtension, params};

use super::keys::{hash, random_base62};
use crate::time::now;

pub const LIFETIME: i64 = 3600;

/// A new token for `user_id`; returns it and when it expires.
pub fn issue(
    conn: &rusqlite::Connection,
    user_id: &str,
    issued_by: Option<&str>,
) -> rusqlite::Result<(String, i64)> {
    let token = format!("rsr_{}", random_base62(40));
    let now = now();
    conn.prepare_cached(
        "INSERT INTO password_resets (token_hash, user_id, issued_by, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        hash(&token),
        user_id,
        issued_by,
        now,
        now + LIFETIME
    ])?;
    Ok((token, now + LIFETIME))
}

/// Spends a token: the user it was for, if it is known, unused and unexpired.
pub fn redeem(conn: &rusqlite::Connection, token: &str) -> rusqlite::Result<Option<String>> {
    let now = now();
    conn.prepare_cached(
        "UPDATE password_resets SET used_at = ?1
         WHERE token_hash = ?2 AND used_at IS NULL AND expires_at > ?1
         RETURNING user_id",
    )?
    .query_row(params![now, hash(token)], |r| r.get(0))
    .optional()
}
