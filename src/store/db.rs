//! The SQLite file: a pool of connections, each set up the same way, and the
//! schema applied at every start.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, OpenFlags};

use super::{health, writer};
use crate::error::ApiResult;

pub type Conn = r2d2::PooledConnection<SqliteConnectionManager>;

/// The database: a pool of reading connections, and the one connection every
/// write goes through (`write`, and `writer.rs` for how).
#[derive(Clone)]
pub struct Pool {
    readers: r2d2::Pool<SqliteConnectionManager>,
    writer: Arc<writer::Writer>,
}

impl Pool {
    /// A connection for reading; writes go through `write`.
    pub fn get(&self) -> Result<Conn, r2d2::Error> {
        self.readers.get()
    }

    /// Whether a write is waiting for its turn: background work yields to it.
    pub fn writes_waiting(&self) -> bool {
        self.writer.waiting()
    }

    /// Runs `f` on the writing connection between two writes.
    pub fn with_writer<T>(&self, f: impl FnOnce(&Connection) -> T) -> T {
        self.writer.exclusive(f)
    }
}

pub const SCHEMA: &str = include_str!("../../schema.sql");

/// Per-connection settings. WAL lets readers run beside the one writer;
/// a reading connection keeps a 64 KiB page cache: the OS caches the file,
/// and every commit empties a reader's cache anyway;
/// `synchronous=NORMAL` in WAL mode keeps every committed write across a
/// process crash (`kill -9`); only a power cut can lose the last commits.
fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         PRAGMA synchronous = NORMAL;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -64;",
    )?;
    conn.set_prepared_statement_cache_capacity(128);
    Ok(())
}

/// Takes every permission from group and others (0600 at most), and says
/// whether it had to:
/// the database and every copy of it hold password hashes and, unless
/// `RESTUME_JWT_SECRET` is set, the signing secret.
pub fn make_private(path: &Path) -> std::io::Result<bool> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)?.permissions().mode() & 0o777;
    // the owner keeps what they had (a file made read-only stays so)
    let private = mode & 0o600;
    if private == mode {
        return Ok(false);
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(private))?;
    Ok(true)
}

/// Creates `path` empty and owner-only (0600) unless it exists.
pub fn create_private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(e),
        _ => Ok(()),
    }
}

/// Creates the database file owner-only before SQLite first opens it (SQLite
/// gives its `-wal` and `-shm` the database's mode), and narrows the mode of
/// one an older version, or a copy by hand, left readable by others.
fn private_files(path: &Path) -> Result<(), String> {
    let cannot = |e: std::io::Error| format!("cannot make {} private: {e}", path.display());
    create_private(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::ReadOnlyFilesystem => read_only(path),
        _ => format!("cannot create {}: {e}", path.display()),
    })?;
    for side in ["", "-wal", "-shm"] {
        let file = crate::store::backup::sibling(path, side);
        match make_private(&file) {
            Ok(true) => crate::http::log::line(&format!(
                "{} was readable by others; it is owner-only (0600) now",
                file.display()
            )),
            Ok(false) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) if e.kind() == std::io::ErrorKind::ReadOnlyFilesystem => {
                return Err(read_only(path));
            }
            Err(e) => return Err(cannot(e)),
        }
    }
    Ok(())
}

/// The one line a start on a read-only database ends with.
pub fn read_only(path: &Path) -> String {
    format!(
        "{} is read-only: RESTume must write to its database (check the file's mode and \
         owner, and whether its filesystem is mounted read-only)",
        path.display()
    )
}

/// Opens (creating when needed) the database, applies the schema and returns a pool.
pub fn open(path: &Path, size: u32) -> Result<Pool, String> {
    private_files(path)?;
    let first =
        Connection::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    // journal_mode is a property of the file: set it once, before the pool opens.
    let mode: String = first
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(|e| match health::Fault::of(&e) {
            Some(health::Fault::ReadOnly) => read_only(path),
            _ => format!("cannot use {}: {e}", path.display()),
        })?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(format!("{}: cannot switch to WAL mode", path.display()));
    }
    configure(&first).map_err(|e| e.to_string())?;
    let before = Before::read(&first).map_err(|e| e.to_string())?;
    first
        .execute_batch(SCHEMA)
        .map_err(|e| format!("cannot apply schema.sql: {e}"))?;
    migrate(&first, before).map_err(|e| format!("cannot migrate {}: {e}", path.display()))?;
    // The writer's cache may grow to 1 MiB: it stays valid from one write
    // to the next. (8 MiB gave about 10% more writes a second, and held up
    // to 7 MB more at 500 connections of reads, where the view counts are
    // written: bench scenario 6.)
    first
        .execute_batch("PRAGMA cache_size = -1024;")
        .map_err(|e| e.to_string())?;
    first.set_prepared_statement_cache_capacity(256);

    let manager = SqliteConnectionManager::file(path)
        // read-only: a write that bypasses `write` fails at once, in the tests
        .with_flags(OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .with_init(|c| configure(c));
    let readers = r2d2::Pool::builder()
        .max_size(size)
        .min_idle(Some(1))
        // a SQLite file connection does not go stale; checking each checkout
        // only costs time on every request
        .test_on_check_out(false)
        .connection_timeout(Duration::from_secs(10))
        .build(manager)
        .map_err(|e| format!("cannot open a connection pool: {e}"))?;
    Ok(Pool {
        readers,
        writer: Arc::new(writer::Writer::new(first)),
    })
}

/// What `CREATE ... IF NOT EXISTS` cannot change in a database made by an
/// older version, done once, all or nothing.
fn migrate(conn: &Connection, before: Before) -> rusqlite::Result<()> {
    skills_v2(conn)?;
    search_docs_v3(conn)?;
    renderings_v4(conn)?;
    if !before.pages_followed {
        // kept before the triggers that keep pages to their JSON: the ones
        // made from an older JSON go (a view renders them again)
        conn.execute_batch(
            "DELETE FROM public_pages WHERE NOT EXISTS (SELECT 1 FROM public_renders r
               WHERE r.user_id = public_pages.user_id AND r.json_etag = public_pages.json_etag)",
        )?;
    }
    if !before.ask_forms {
        // renderings made before ask forms were: the refresher renders them
        // again within seconds, and makes their forms (asks read the JSON
        // until then)
        conn.execute_batch(
            "INSERT OR IGNORE INTO stale_resumes (user_id) SELECT user_id FROM public_renders",
        )?;
    }
    Ok(())
}

/// What the database held before schema.sql was applied to it.
struct Before {
    /// It kept its pages to their public JSON (the `public_pages_follow_*`
    /// triggers).
    pages_followed: bool,
    /// It kept ask forms (`public_asks`).
    ask_forms: bool,
}

impl Before {
    fn read(conn: &Connection) -> rusqlite::Result<Before> {
        let has = |kind: &str, name: &str| -> rusqlite::Result<bool> {
            conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = ?1 AND name = ?2)",
                [kind, name],
                |r| r.get(0),
            )
        };
        Ok(Before {
            pages_followed: has("trigger", "public_pages_follow_change")?,
            ask_forms: has("table", "public_asks")?,
        })
    }
}

/// v3 → v4: the stored renderings keep their small columns before their
/// large texts (see schema.sql).
fn renderings_v4(conn: &Connection) -> rusqlite::Result<()> {
    let old: bool = conn.query_row(
        "SELECT cid = 1 FROM pragma_table_info('public_renders') WHERE name = 'json'",
        [],
        |r| r.get(0),
    )?;
    if !old {
        return Ok(());
    }
    remake(conn, &["public_renders", "public_pages"])
}

/// v2 → v3: `search_docs` keeps each user's username_key, and the index
/// holds public, enabled users only. Every résumé is marked stale, so the
/// refresher (or the first search) rewrites each index row the new way.
fn search_docs_v3(conn: &Connection) -> rusqlite::Result<()> {
    let has: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM pragma_table_info('search_docs') WHERE name = 'username_key')",
        [],
        |r| r.get(0),
    )?;
    if has {
        return Ok(());
    }
    conn.execute_batch(
        "BEGIN IMMEDIATE;
         ALTER TABLE search_docs ADD COLUMN username_key TEXT NOT NULL DEFAULT '';
         INSERT OR IGNORE INTO stale_resumes (user_id) SELECT id FROM users;
         COMMIT;",
    )
    .inspect_err(|_| {
        let _ = conn.execute_batch("ROLLBACK");
    })
}

fn skills_v2(conn: &Connection) -> rusqlite::Result<()> {
    // v1 → v2: skill names lose their UNIQUE constraint (see schema.sql).
    let skills: String = conn.query_row(
        "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'skills'",
        [],
        |r| r.get(0),
    )?;
    if !skills.contains("UNIQUE (user_id, name)") {
        return Ok(());
    }
    remake(conn, &["skills"])
}

/// Makes `tables` anew as schema.sql defines them and fills each from the
/// old one (its columns, by name), all in one transaction: for a change of
/// a definition that `CREATE ... IF NOT EXISTS` cannot make, written once
/// (in schema.sql). The old tables' indexes and triggers go first: a
/// renamed table keeps them, and schema.sql would not make ones of those
/// names again. No other table may refer to these.
fn remake(conn: &Connection, tables: &[&str]) -> rusqlite::Result<()> {
    let quoted = |name: &str| format!("\"{}\"", name.replace('"', "\"\""));
    let names = |sql: &str, table: &str| -> rusqlite::Result<Vec<(String, String)>> {
        conn.prepare(sql)?
            .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect()
    };
    let mut batch = String::from("BEGIN IMMEDIATE;\n");
    let mut fill = String::new();
    for table in tables {
        let made = names(
            "SELECT type, name FROM sqlite_schema
             WHERE type IN ('index', 'trigger') AND sql IS NOT NULL AND tbl_name = ?1",
            table,
        )?;
        for (kind, name) in made {
            batch += &format!("DROP {} {};\n", kind.to_uppercase(), quoted(&name));
        }
        let columns = names(
            "SELECT name, type FROM pragma_table_info(?1) ORDER BY cid",
            table,
        )?
        .iter()
        .map(|(c, _)| quoted(c))
        .collect::<Vec<_>>()
        .join(", ");
        let (t, old) = (quoted(table), quoted(&format!("{table}_old")));
        batch += &format!("ALTER TABLE {t} RENAME TO {old};\n");
        fill += &format!(
            "INSERT INTO {t} ({columns}) SELECT {columns} FROM {old};\nDROP TABLE {old};\n"
        );
    }
    conn.execute_batch(&format!("{batch}{SCHEMA}\n{fill}COMMIT;"))
        .inspect_err(|_| {
            let _ = conn.execute_batch("ROLLBACK");
        })
}

/// A batch of rows for one table, each a tuple of values whose first is a
/// user's id, made ready (as the JSON array `json_each` reads) before the
/// write that inserts it, so the writer is not held while it is made.
/// Inserted in one statement, not one per row: each statement costs a
/// statement journal, and at 4 000 asks a second releasing those was 18 %
/// of the server's CPU (`perf`).
pub struct Batch(Option<String>);

impl Batch {
    pub fn of<T: serde::Serialize>(rows: impl IntoIterator<Item = T>) -> Batch {
        let rows: Vec<T> = rows.into_iter().collect();
        Batch((!rows.is_empty()).then(|| serde_json::to_string(&rows).expect("plain values")))
    }

    /// Inserts the rows into `columns` of `table`, leaving out those of
    /// users deleted since; `on_conflict` is the `ON CONFLICT` clause, or
    /// empty.
    pub fn insert(
        &self,
        conn: &Connection,
        table: &str,
        columns: &[&str],
        on_conflict: &str,
    ) -> rusqlite::Result<()> {
        let Some(json) = &self.0 else {
            return Ok(());
        };
        let values = (0..columns.len())
            .map(|i| format!("j.value ->> {i}"))
            .collect::<Vec<_>>()
            .join(", ");
        conn.prepare_cached(&format!(
            "INSERT INTO {table} ({}) SELECT {values} FROM json_each(?1) j
             WHERE EXISTS (SELECT 1 FROM users WHERE id = j.value ->> 0)
             ORDER BY j.key {on_conflict}",
            columns.join(", ")
        ))?
        .execute([json])?;
        Ok(())
    }
}

/// Runs `f` as one all-or-nothing write, in a `BEGIN IMMEDIATE`
/// transaction (so a read-then-write never fails half way on a lock
/// upgrade), and returns once it is committed. Writes queued at the same
/// moment share the transaction, each in a savepoint of its own.
pub fn write<T: Send>(
    pool: &Pool,
    f: impl FnOnce(&rusqlite::Connection) -> ApiResult<T> + Send,
) -> ApiResult<T> {
    pool.writer.write(f)
}

/// Folds the WAL back into the main file and truncates it.
pub fn checkpoint(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
}

/// Called once every pooled connection is gone: the last connection to close
/// checkpoints and deletes `-wal` and `-shm`, leaving the database file alone.
pub fn close_cleanly(path: &Path) -> rusqlite::Result<()> {
    let conn = Connection::open(path)?;
    checkpoint(&conn)?;
    conn.close().map_err(|(_, e)| e)
}

pub fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}
