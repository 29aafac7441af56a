//! Whether the database can take writes, as the latest writes found it: a
//! full disk, a read-only or vanished file, or a write lock that another
//! program holds past the busy timeout. Every SQLite error that becomes an
//! API error passes `Fault::of`; every commit passes `wrote`. The state is
//! logged once when an incident starts and once when it ends, and
//! `GET /health` reports it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::error::ApiError;

/// Why writes fail; each has its own answer (`error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    DiskFull,
    ReadOnly,
    Locked,
    Unavailable,
    /// The file at the database's path is no longer the one the server
    /// opened (deleted, its directory removed, replaced by hand). SQLite
    /// would go on writing into the unlinked file, lost at the next start,
    /// so the server refuses writes itself (`refusing`).
    Moved,
}

impl Fault {
    pub fn of(e: &rusqlite::Error) -> Option<Fault> {
        use rusqlite::ErrorCode as C;
        let rusqlite::Error::SqliteFailure(f, _) = e else {
            return None;
        };
        Some(match f.code {
            C::DiskFull => Fault::DiskFull,
            C::ReadOnly => Fault::ReadOnly,
            C::DatabaseBusy | C::DatabaseLocked => Fault::Locked,
            C::SystemIoFailure | C::CannotOpen => Fault::Unavailable,
            _ => return None,
        })
    }

    /// The name `/health` gives the state of writes.
    pub fn name(self) -> &'static str {
        match self {
            Fault::DiskFull => "disk_full",
            Fault::ReadOnly => "read_only",
            Fault::Locked => "locked",
            Fault::Unavailable => "unavailable",
            Fault::Moved => "moved",
        }
    }

    /// What the client is told. The state itself goes to the log once per
    /// incident (`failed`), so these carry no cause to log per request.
    pub fn error(self) -> ApiError {
        let (status, code, retry, detail) = match self {
            Fault::DiskFull => (
                507,
                "insufficient_storage",
                30,
                "The server's disk is full, so this change was not saved; everything saved \
                 before is safe. The operator must free space on the disk that holds the \
                 database; writes resume on their own once there is room.",
            ),
            Fault::ReadOnly | Fault::Unavailable | Fault::Moved => (
                503,
                "storage_unavailable",
                30,
                "The server cannot write to its database (the file is read-only or gone), so \
                 this change was not saved; everything saved before is safe. The operator must \
                 make the database file writable again; writes resume on their own.",
            ),
            Fault::Locked => (
                503,
                "unavailable",
                5,
                "Another program holds the database's write lock, so this change was not \
                 saved; try again in a few seconds.",
            ),
        };
        ApiError::new(status, code, detail).with_header("Retry-After", retry.to_string())
    }
}

struct Incident {
    fault: Fault,
    since: Instant,
    /// Unix seconds, for `/health`.
    at: i64,
    /// When writes last worked again; the incident is over (and logged as
    /// such) once they keep working for `SETTLE`.
    recovered: Option<Instant>,
}

/// How long writes must keep working before an incident is logged as over.
/// A nearly full disk takes some writes and refuses others (a checkpoint
/// frees a little room, the next write takes it): one incident, not many.
const SETTLE: std::time::Duration = std::time::Duration::from_secs(5);

/// Set while writes fail, so a commit checks it with one atomic load.
static DEGRADED: AtomicBool = AtomicBool::new(false);
static INCIDENT: Mutex<Option<Incident>> = Mutex::new(None);

fn incident() -> std::sync::MutexGuard<'static, Option<Incident>> {
    INCIDENT.lock().unwrap_or_else(|e| e.into_inner())
}

/// A write failed for `fault`: the log hears of it when an incident starts
/// (or changes its nature), never once per request.
pub fn failed(fault: Fault, cause: &str) {
    let mut now = incident();
    DEGRADED.store(true, Ordering::SeqCst);
    if let Some(i) = now.as_mut().filter(|i| i.fault == fault) {
        i.recovered = None;
        return;
    }
    crate::http::log::line(&format!(
        "storage: writes fail ({}: {cause}); reads go on, and writes resume on their own once \
         the database can take them",
        fault.name()
    ));
    *now = Some(Incident {
        fault,
        since: Instant::now(),
        at: crate::time::now(),
        recovered: None,
    });
}

/// A write committed: `/health` is `ok` again at once; the incident ends
/// (`settle`) if writes keep working.
pub fn wrote() {
    if !DEGRADED.load(Ordering::Relaxed) {
        return;
    }
    let mut now = incident();
    if let Some(i) = now.as_mut() {
        i.recovered.get_or_insert_with(Instant::now);
    }
    DEGRADED.store(false, Ordering::SeqCst);
}

/// Called every second (by the flusher): logs the end of an incident once
/// writes have kept working for `SETTLE`.
pub fn settle() {
    let mut now = incident();
    let Some((since, back)) = now.as_ref().and_then(|i| Some((i.since, i.recovered?))) else {
        return;
    };
    if back.elapsed() >= SETTLE
        && let Some(i) = now.take()
    {
        crate::http::log::line(&format!(
            "storage: writes work again (they failed with {} for {:.1} s)",
            i.fault.name(),
            (back - since).as_secs_f64()
        ));
    }
}

/// Set while the database's path names another file than the one open.
static MOVED: AtomicBool = AtomicBool::new(false);

/// Why every write is refused before it begins, if one is (see `Fault::Moved`).
pub fn refusing() -> Option<Fault> {
    MOVED.load(Ordering::Relaxed).then_some(Fault::Moved)
}

/// The identity (device, inode) of the file at `path`.
pub fn identity(path: &std::path::Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// Compares the file at `path` with the one opened (`opened`, from
/// `identity` at start): a moved or deleted database refuses writes until
/// the same file is back at its path.
pub fn check_file(path: &std::path::Path, opened: Option<(u64, u64)>) {
    let moved = opened.is_some() && identity(path) != opened;
    if moved == MOVED.load(Ordering::Relaxed) {
        return;
    }
    MOVED.store(moved, Ordering::SeqCst);
    if moved {
        failed(
            Fault::Moved,
            &format!("{} was moved or deleted while open", path.display()),
        );
    }
}

/// The fault writes last met and since when (Unix seconds), while it lasts.
pub fn current() -> Option<(Fault, i64)> {
    if !DEGRADED.load(Ordering::Relaxed) {
        return None;
    }
    incident().as_ref().map(|i| (i.fault, i.at))
}

/// One small real write (a page of the WAL), so that `/health` turns `ok`
/// again on its own once the database can take writes, even when nobody
/// writes. Only run while an incident lasts.
pub fn probe(pool: &super::db::Pool) {
    let _ = super::db::write(pool, |tx| {
        tx.prepare_cached(
            "INSERT INTO settings (name, value) VALUES ('health_probe', ?1)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        )?
        .execute([crate::time::now().to_string()])?;
        Ok(())
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite(code: i32) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None)
    }

    #[test]
    fn storage_errors_have_their_own_answers() {
        use rusqlite::ffi;
        let full = Fault::of(&sqlite(ffi::SQLITE_FULL)).unwrap();
        assert_eq!(
            (full.error().status, full.error().code),
            (507, "insufficient_storage")
        );
        let ro = Fault::of(&sqlite(ffi::SQLITE_READONLY_DBMOVED)).unwrap();
        assert_eq!(
            (ro.error().status, ro.error().code),
            (503, "storage_unavailable")
        );
        let busy = Fault::of(&sqlite(ffi::SQLITE_BUSY)).unwrap();
        assert_eq!(
            (busy.error().status, busy.error().code),
            (503, "unavailable")
        );
        assert!(
            full.error()
                .headers
                .iter()
                .any(|(k, _)| *k == "Retry-After")
        );
        assert_eq!(Fault::of(&sqlite(ffi::SQLITE_CONSTRAINT_UNIQUE)), None);
    }
}
