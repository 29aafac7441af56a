//! Creating users and changing their security stamp: shared by registration
//! and the operator's `restume admin create-user`.

use rusqlite::{OptionalExtension, params};

use crate::domain::{Email, Username};
use crate::error::{ApiError, ApiResult};
use crate::time::now;

pub struct NewUser<'a> {
    pub username: &'a Username,
    pub email: &'a Email,
    pub full_name: &'a str,
    pub password_hash: &'a str,
}

pub fn new_stamp() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Inserts the user and their empty profile; 409 when the name or email is taken.
/// Returns the new id and creation time.
pub fn create(tx: &rusqlite::Connection, u: &NewUser) -> ApiResult<(String, i64)> {
    let taken = tx
        .prepare_cached(
            "SELECT username_key = ?1, email_key = ?2 FROM users WHERE username_key = ?1 OR email_key = ?2",
        )?
        .query_row(params![u.username.key(), u.email.key()], |r| {
            Ok((r.get::<_, bool>(0)?, r.get::<_, bool>(1)?))
        })
        .optional()?;
    match taken {
        Some((true, _)) => {
            return Err(ApiError::conflict(
                "username_taken",
                "That username is taken",
            ));
        }
        Some((_, true)) => {
            return Err(ApiError::conflict(
                "email_taken",
                "That email is already registered",
            ));
        }
        _ => {}
    }
    let id = uuid::Uuid::new_v4().to_string();
    let now = now();
    tx.prepare_cached(
        "INSERT INTO users (id, username, username_key, email, email_key, full_name, password_hash,
                            security_stamp, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
    )?
    .execute(params![
        id,
        u.username.as_str(),
        u.username.key(),
        u.email.as_str(),
        u.email.key(),
        u.full_name,
        u.password_hash,
        new_stamp(),
        now
    ])?;
    tx.prepare_cached("INSERT INTO profiles (user_id, updated_at) VALUES (?1, ?2)")?
        .execute(params![id, now])?;
    crate::resume::changed(tx, &id)?;
    Ok((id, now))
}

/// A new password, and with it a new security stamp (every older JWT stops
/// working). Returns the stamp.
pub fn set_password(
    conn: &rusqlite::Connection,
    user_id: &str,
    hash: &str,
) -> rusqlite::Result<String> {
    let stamp = new_stamp();
    conn.prepare_cached(
        "UPDATE users SET password_hash = ?1, security_stamp = ?2, updated_at = ?3 WHERE id = ?4",
    )?
    .execute(params![hash, stamp, now(), user_id])?;
    Ok(stamp)
}

/// A new security stamp: every JWT issued to the user so far stops working.
pub fn rotate_stamp(conn: &rusqlite::Connection, user_id: &str) -> rusqlite::Result<String> {
    let stamp = new_stamp();
    conn.prepare_cached("UPDATE users SET security_stamp = ?1, updated_at = ?2 WHERE id = ?3")?
        .execute(params![stamp, now(), user_id])?;
    Ok(stamp)
}
