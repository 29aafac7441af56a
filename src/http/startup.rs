//! Binding, serving, and the clean stop: on SIGINT/SIGTERM stop taking
//! requests, let the ones in flight finish (bounded), checkpoint the WAL and
//! leave the database file alone and complete. While serving, the database is
//! locked against other servers and restores, and the WAL is folded into the
//! database file in the background.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};

use crate::app::App;
use crate::config::Config;
use crate::http::{log, serve};
use crate::store::background::Background;
use crate::store::backup::{DbLock, sibling};
use crate::store::db;

const DRAIN: Duration = Duration::from_secs(10);
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);
/// How often the checkpointer looks at the WAL's size.
const CHECKPOINT_LOOK: Duration = Duration::from_millis(100);
/// A WAL this big is checkpointed at once, not at the next second.
const WAL_SOON: u64 = 8 << 20;
/// Past this many frames not yet restarted from, the WAL is folded in while
/// writes wait, so the next write starts it over (see `checkpoint_once`).
const WAL_FORCE_FRAMES: i64 = 16 * 1024;

pub fn serve(config: Config) -> Result<(), String> {
    crate::malloc::tune();
    let db_path = config.db.clone();
    // Taken before the first connection and dropped after the last one
    // (declared first, so dropped last).
    let _lock = DbLock::try_acquire(&db_path)?.ok_or_else(|| {
        format!(
            "{}; one database, one server",
            DbLock::held_message(&db_path)
        )
    })?;
    raise_file_limit();
    tiny_http::set_max_connections(config.max_connections);
    let app = Arc::new(App::new(config)?);
    // Under Litestream, a checkpoint of ours could restart the WAL before
    // Litestream has copied its frames; Litestream checkpoints itself.
    let replicated = app.config.replicated;
    let checkpointer = if replicated {
        app.pool
            .with_writer(|c| c.execute_batch("PRAGMA wal_autocheckpoint = 0"))
            .map_err(|e| e.to_string())?;
        log::line("replicated: WAL checkpoints are left to Litestream");
        None
    } else {
        Some(start_checkpointer(&db_path, &app.pool)?)
    };
    let stop = Arc::new(AtomicBool::new(false));
    let server =
        tiny_http::Server::http_handled(app.config.bind, serve::handler(&app, Arc::clone(&stop))?)
            .map_err(|e| format!("cannot listen on {}: {e}", app.config.bind))?;
    log::line(&format!(
        "restume {} listening on http://{}",
        env!("CARGO_PKG_VERSION"),
        server.server_addr()
    ));

    let flag = Arc::clone(&stop);
    ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130); // a second signal: stop now
        }
    })
    .map_err(|e| format!("cannot catch signals: {e}"))?;
    notify_systemd("READY=1");
    let warm = Arc::clone(&app);
    std::thread::spawn(move || warm.hasher.warm_up());

    // requests are answered on their connections' threads (`serve`)
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(50));
    }
    notify_systemd("STOPPING=1");
    log::line("stopping: finishing requests in flight");
    let deadline = Instant::now() + DRAIN;
    while app.in_flight.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    drop(server);
    drop(checkpointer);
    drop(app);
    if !replicated {
        db::close_cleanly(&db_path).map_err(|e| format!("cannot checkpoint the database: {e}"))?;
    }
    log::line("stopped cleanly");
    Ok(())
}

/// Folds the WAL into the database file about once a second after writes, so
/// an acknowledged write reaches the database file itself within ~2 s and a
/// plain copy of that file, taken while the server is idle, holds everything.
///
/// It is the only checkpointer while the server runs: SQLite's automatic
/// checkpoint would run inside a commit, with its fsyncs, while every other
/// write waits. Here the copying and syncing run beside the writes.
fn start_checkpointer(db: &Path, pool: &db::Pool) -> Result<Background, String> {
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| format!("cannot open {}: {e}", db.display()))?;
    // Never wait for a lock: a checkpoint that cannot run now runs next
    // round, and no request ever queues behind this thread.
    conn.busy_timeout(Duration::ZERO)
        .map_err(|e| e.to_string())?;
    let wal = sibling(db, "-wal");
    pool.with_writer(|c| c.execute_batch("PRAGMA wal_autocheckpoint = 0"))
        .map_err(|e| e.to_string())?;
    let pool = pool.clone();
    let mut last = Instant::now();
    Background::every("checkpoint", CHECKPOINT_LOOK, move |_| {
        // An empty (or absent) -wal means nothing was written since the last
        // full checkpoint, which truncates it.
        let size = std::fs::metadata(&wal).map_or(0, |m| m.len());
        if size == 0 || (size < WAL_SOON && last.elapsed() < CHECKPOINT_EVERY) {
            return Ok(());
        }
        last = Instant::now();
        checkpoint_once(&conn, &pool).map_err(|e| e.to_string())
    })
}

fn checkpoint_once(conn: &Connection, pool: &db::Pool) -> rusqlite::Result<()> {
    // PASSIVE copies what it can without ever blocking a writer.
    let (busy, wal_frames, copied): (i64, i64, i64) =
        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    // Everything is in the database file now, so truncating the -wal is only
    // a moment's work (and with no busy timeout, skipped if anyone is busy);
    // the empty -wal then tells the next rounds there is nothing to do.
    if busy == 0 && wal_frames == copied {
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    } else if wal_frames > WAL_FORCE_FRAMES {
        // Under a steady stream of writes the WAL is never all copied when
        // the next write starts, so it never starts over and keeps growing.
        // Between two writes, copy the rest (little, after the PASSIVE
        // above): the next write then starts the WAL over, unless a reader
        // still uses it (then the next round tries again). Waiting for
        // readers here would hold up every write.
        pool.with_writer(|w| w.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())))?;
    }
    Ok(())
}

/// Every connection is a file descriptor: with the usual soft limit of 1024
/// the default `--max-connections` would run out of them before it is
/// reached. The soft limit goes up to the hard one.
fn raise_file_limit() {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain system calls on a local struct
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && lim.rlim_cur < lim.rlim_max {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}

/// `sd_notify` without a crate: one datagram to `$NOTIFY_SOCKET` (a path, or
/// an abstract socket when it starts with `@`).
fn notify_systemd(state: &str) {
    use std::os::unix::net::UnixDatagram;
    let Some(path) = std::env::var_os("NOTIFY_SOCKET") else {
        return;
    };
    let Ok(sock) = UnixDatagram::unbound() else {
        return;
    };
    let path = path.to_string_lossy().into_owned();
    let sent = if let Some(name) = path.strip_prefix('@') {
        use std::os::linux::net::SocketAddrExt;
        std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes())
            .and_then(|addr| sock.send_to_addr(state.as_bytes(), &addr))
    } else {
        sock.send_to(state.as_bytes(), &path)
    };
    if let Err(e) = sent {
        log::line(&format!("cannot notify systemd: {e}"));
    }
}
