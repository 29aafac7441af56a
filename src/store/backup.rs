//! Copies of the database and the lock that guards it:
//! `restume backup DEST` while a server keeps serving, `restume restore SRC`
//! only while none does, and `restume healthcheck`.
//!
//! A server holds an exclusive `flock` on `<db>.lock` for its whole life. The
//! kernel drops it when the process dies, even by `kill -9`, so it never goes
//! stale, and a restore (or a second server) can tell for sure whether a
//! server is using the database.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

/// Pages copied per backup step (1 MiB at the default 4 KiB page), and the
/// pause between steps that leaves the disk to the server now and then.
const STEP_PAGES: i32 = 256;
const STEP_PAUSE: Duration = Duration::from_millis(2);
/// A backup step only waits on a lock in odd cases (a recovering WAL); give
/// up rather than hang a cron job forever.
const STEP_PATIENCE: Duration = Duration::from_secs(30);

/// `path` with `suffix` appended to its file name: the names SQLite itself
/// uses for side files (`restume.db-wal`), and ours (`restume.db.lock`).
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name: OsString = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The exclusive lock on `<db>.lock`; released, and the file removed, on drop.
pub struct DbLock {
    path: PathBuf,
    file: File,
}

impl DbLock {
    /// Takes the lock without waiting: `Ok(None)` when another process holds it.
    pub fn try_acquire(db: &Path) -> Result<Option<DbLock>, String> {
        let path = sibling(db, ".lock");
        let shown = path.display();
        // The holder removes the file as it lets go, so a lock won on a file
        // that was unlinked meanwhile guards nothing: make sure the path still
        // names the file we locked, or start over.
        for _ in 0..20 {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| match e.kind() {
                    std::io::ErrorKind::ReadOnlyFilesystem => crate::store::db::read_only(db),
                    _ => format!("cannot open {shown}: {e}"),
                })?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => return Ok(None),
                Err(TryLockError::Error(e)) => return Err(format!("cannot lock {shown}: {e}")),
            }
            let held = file
                .metadata()
                .map_err(|e| format!("cannot read {shown}: {e}"))?;
            match fs::metadata(&path) {
                Ok(now) if now.dev() == held.dev() && now.ino() == held.ino() => {
                    // Only for the message another process shows when refused.
                    let _ = file.set_len(0);
                    let _ = write!(file, "{}", std::process::id());
                    return Ok(Some(DbLock { path, file }));
                }
                _ => continue,
            }
        }
        Err(format!("cannot lock {shown}: it keeps being replaced"))
    }

    /// Why `try_acquire` said no, in words, with the holder's pid when known.
    pub fn held_message(db: &Path) -> String {
        let pid = fs::read_to_string(sibling(db, ".lock"))
            .ok()
            .and_then(|s| s.trim().parse::<u32>().ok());
        match pid {
            Some(pid) => format!(
                "{} is in use by a running restume server (pid {pid})",
                db.display()
            ),
            None => format!("{} is in use by a running restume server", db.display()),
        }
    }
}

impl Drop for DbLock {
    fn drop(&mut self) {
        // Unlink while still holding the lock; see `try_acquire`.
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// `restume backup DEST`: one consistent, checked, fsynced copy of the
/// database at `dest`, which appears whole or not at all.
pub fn backup(db: &Path, dest: &Path) -> Result<(), String> {
    if !db.is_file() {
        return Err(format!("no database at {}", db.display()));
    }
    if dest.is_dir() {
        return Err(format!(
            "{} is a directory; give the backup a file name",
            dest.display()
        ));
    }
    if same_file(db, dest) {
        return Err(format!("{} is the database itself", dest.display()));
    }
    let tmp = temp_beside(dest, "backup")?;
    let done = copy_online(db, &tmp)
        .and_then(|()| seal(&tmp).map_err(|e| format!("the copy failed its check: {e}")))
        .and_then(|()| {
            // A -wal or -journal left beside DEST by whatever used that name
            // before would be replayed over the new file the first time it is opened.
            for side in ["-wal", "-journal", "-shm"] {
                remove_if_present(&sibling(dest, side))?;
            }
            fs::rename(&tmp, dest)
                .map_err(|e| format!("cannot move the backup to {}: {e}", dest.display()))?;
            sync_dir(dest)
        });
    if done.is_err() {
        remove_with_side_files(&tmp);
    }
    done
}

/// Copies `db` into a new file with SQLite's online backup API.
fn copy_online(db: &Path, tmp: &Path) -> Result<(), String> {
    let cannot = |e: rusqlite::Error| format!("cannot read {}: {e}", db.display());
    // No CREATE flag: a mistyped --db must not leave an empty database behind.
    let src = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(cannot)?;
    src.busy_timeout(Duration::from_secs(5)).map_err(cannot)?;
    // One read transaction across all the steps. In WAL mode it pins a
    // snapshot without blocking the server's writers, and it stops SQLite from
    // restarting the copy whenever another connection writes, which under
    // steady traffic would never let a stepped backup finish.
    src.execute_batch("BEGIN").map_err(cannot)?;
    src.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))
        .map_err(cannot)?;

    let cannot_write = |e: rusqlite::Error| format!("cannot write {}: {e}", tmp.display());
    crate::store::db::create_private(tmp)
        .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    let mut dst = Connection::open(tmp).map_err(cannot_write)?;
    // Durability of the copy comes from the fsync in `seal`, once, at the end.
    dst.execute_batch("PRAGMA synchronous = OFF")
        .map_err(cannot_write)?;
    {
        let backup = Backup::new(&src, &mut dst).map_err(cannot_write)?;
        let mut waiting_since = None;
        loop {
            match backup.step(STEP_PAGES).map_err(cannot_write)? {
                StepResult::Done => break,
                StepResult::More => {
                    waiting_since = None;
                    std::thread::sleep(STEP_PAUSE);
                }
                // StepResult is non-exhaustive; anything else is "try again"
                _ => {
                    let since = *waiting_since.get_or_insert_with(Instant::now);
                    if since.elapsed() > STEP_PATIENCE {
                        return Err(format!("{} stayed locked; try again", db.display()));
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
        }
    }
    src.execute_batch("COMMIT").map_err(cannot)?;
    src.close().map_err(|(_, e)| cannot(e))?;
    dst.close().map_err(|(_, e)| cannot_write(e))
}

/// Makes a copied database file self-contained and checks it: rollback
/// journal mode (the copy carries the source's WAL flag, and a WAL-mode file
/// is only whole together with its -wal), `integrity_check`, then fsync.
fn seal(file: &Path) -> Result<(), String> {
    let conn = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| e.to_string())?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(format!("cannot leave WAL mode (still {mode})"));
    }
    integrity_check(&conn)?;
    conn.close().map_err(|(_, e)| e.to_string())?;
    if sibling(file, "-wal").exists() {
        return Err("a -wal is still beside the copy".into());
    }
    File::open(file)
        .and_then(|f| f.sync_all())
        .map_err(|e| format!("cannot fsync {}: {e}", file.display()))
}

fn integrity_check(conn: &Connection) -> Result<(), String> {
    let mut stmt = conn
        .prepare("PRAGMA integrity_check(20)")
        .map_err(|e| e.to_string())?;
    let found: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(|e| e.to_string())?;
    if found == ["ok"] {
        Ok(())
    } else {
        Err(format!("integrity_check failed: {}", found.join("; ")))
    }
}

/// What `restore` did: the database now in place, and where the old one went.
pub struct Restored {
    pub db: PathBuf,
    pub kept: Option<PathBuf>,
}

/// `restume restore SRC`: puts a copy of `src` in place of the database,
/// keeping the old file as `<db>.before-restore-<unix time>`.
pub fn restore(db: &Path, src: &Path) -> Result<Restored, String> {
    if !src.is_file() {
        return Err(format!("no file at {}", src.display()));
    }
    if same_file(db, src) {
        return Err(format!("{} is the database itself", src.display()));
    }
    if fs::metadata(sibling(src, "-wal")).is_ok_and(|m| m.len() > 0) {
        return Err(format!(
            "{} has a -wal beside it, so the file alone is not the whole database; \
             make a clean copy first with: restume backup --db {} COPY",
            src.display(),
            src.display()
        ));
    }
    // Held until the new file is in place: no server may start half way.
    let Some(_lock) = DbLock::try_acquire(db)? else {
        return Err(format!(
            "{}; stop it before restoring",
            DbLock::held_message(db)
        ));
    };
    let tmp = temp_beside(db, "restore")?;
    let done = fs::copy(src, &tmp)
        .map_err(|e| format!("cannot copy {}: {e}", src.display()))
        .and_then(|_| keep_owner(db, &tmp))
        .and_then(|()| {
            seal(&tmp).map_err(|e| format!("{} is not a usable database: {e}", src.display()))
        })
        .and_then(|()| has_users_table(&tmp, src))
        .and_then(|()| set_aside(db))
        .and_then(|kept| {
            fs::rename(&tmp, db)
                .map_err(|e| format!("cannot move the restored file into place: {e}"))?;
            sync_dir(db)?;
            Ok(Restored {
                db: db.to_path_buf(),
                kept,
            })
        });
    if done.is_err() {
        remove_with_side_files(&tmp);
    }
    done
}

fn has_users_table(copy: &Path, src: &Path) -> Result<(), String> {
    let not_ours = |e: String| format!("{} is not a RESTume database: {e}", src.display());
    let conn = Connection::open_with_flags(
        copy,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| not_ours(e.to_string()))?;
    let users: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'users'",
            [],
            |r| r.get(0),
        )
        .map_err(|e| not_ours(e.to_string()))?;
    if users == 0 {
        return Err(not_ours("it has no users table".into()));
    }
    Ok(())
}

/// A restore run as root must not leave a file the service user cannot open.
fn keep_owner(db: &Path, new: &Path) -> Result<(), String> {
    let Ok(old) = fs::metadata(db) else {
        return Ok(());
    };
    // The owner's, but never readable by others, whatever the old file's mode.
    crate::store::db::make_private(new)
        .map_err(|e| format!("cannot set the mode of {}: {e}", new.display()))?;
    let mine = fs::metadata(new).map_err(|e| e.to_string())?;
    if (mine.uid(), mine.gid()) != (old.uid(), old.gid()) {
        std::os::unix::fs::chown(new, Some(old.uid()), Some(old.gid())).map_err(|e| {
            format!(
                "cannot give the restored file the owner of {}: {e}",
                db.display()
            )
        })?;
    }
    Ok(())
}

/// Moves the current database out of the way together with its -wal or
/// -journal, which belong to it: kept beside it they keep the old copy whole,
/// left in place they would be replayed over the restored file.
fn set_aside(db: &Path) -> Result<Option<PathBuf>, String> {
    if !db.exists() {
        for side in ["-wal", "-journal", "-shm"] {
            remove_if_present(&sibling(db, side))?;
        }
        return Ok(None);
    }
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut kept = sibling(db, &format!(".before-restore-{stamp}"));
    let mut n = 1;
    while kept.exists() {
        n += 1;
        kept = sibling(db, &format!(".before-restore-{stamp}-{n}"));
    }
    let cannot = |e: std::io::Error| format!("cannot keep the old database: {e}");
    // A second name rather than a rename, so `db` never goes missing: a
    // crash here leaves the old database where it was.
    if fs::hard_link(db, &kept).is_err() {
        fs::copy(db, &kept).map_err(cannot)?;
        File::open(&kept)
            .and_then(|f| f.sync_all())
            .map_err(cannot)?;
    }
    crate::store::db::make_private(&kept).map_err(cannot)?;
    for side in ["-wal", "-journal"] {
        let from = sibling(db, side);
        if from.exists() {
            let to = sibling(&kept, side);
            fs::rename(&from, &to).map_err(cannot)?;
            crate::store::db::make_private(&to).map_err(cannot)?;
        }
    }
    remove_if_present(&sibling(db, "-shm"))?;
    Ok(Some(kept))
}

/// A fresh name in the same directory as `target`, so the final rename is
/// atomic; any leftovers of an earlier run by the same pid are cleared.
fn temp_beside(target: &Path, what: &str) -> Result<PathBuf, String> {
    let name = target
        .file_name()
        .ok_or_else(|| format!("{} is not a file name", target.display()))?
        .to_string_lossy()
        .into_owned();
    let tmp = target.with_file_name(format!(".{name}.{what}-{}.tmp", std::process::id()));
    remove_with_side_files(&tmp);
    Ok(tmp)
}

fn remove_with_side_files(file: &Path) {
    for side in ["", "-journal", "-wal", "-shm"] {
        let _ = fs::remove_file(sibling(file, side));
    }
}

fn remove_if_present(file: &Path) -> Result<(), String> {
    match fs::remove_file(file) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("cannot remove {}: {e}", file.display()))
        }
        _ => Ok(()),
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// A rename is only durable once the directory holding it is.
fn sync_dir(file: &Path) -> Result<(), String> {
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| format!("cannot fsync {}: {e}", dir.display()))
}
