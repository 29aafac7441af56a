//! The audit trail (SPEC §6): who did what, when, from which IP. Callers pass
//! only facts that are safe to keep: never a password, raw key or token.

use std::net::IpAddr;

use serde_json::Value;

use crate::time::now;

pub fn record(
    conn: &rusqlite::Connection,
    user_id: Option<&str>,
    actor_id: Option<&str>,
    action: &str,
    detail: &Value,
    ip: impl Into<Option<IpAddr>>,
) -> rusqlite::Result<()> {
    let ip: Option<IpAddr> = ip.into();
    conn.prepare_cached(
        "INSERT INTO audit_events (user_id, actor_id, action, detail, ip, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(rusqlite::params![
        user_id,
        actor_id,
        action,
        detail.to_string(),
        ip.map(|i| i.to_string()),
        now()
    ])?;
    Ok(())
}
