//! The one writing connection, and how writes share it (group commit by
//! flat combining).
//!
//! SQLite takes one writer at a time, so every write goes through one
//! connection: its page cache stays valid from one write to the next (a
//! connection that sees another's commit drops its whole cache), and writers
//! queue in the process instead of in SQLite's busy handler, which sleeps
//! whole milliseconds.
//!
//! A write is queued as a job. Whichever writer finds the connection free
//! becomes the combiner: it opens one `BEGIN IMMEDIATE` transaction, runs
//! every queued job in a savepoint of its own (an error or a panic undoes
//! only that job), commits once, and wakes the owners. Alone, a write
//! commits at once; under load one commit covers every write that queued
//! meanwhile, and the connection never waits for a sleeping thread to be
//! scheduled between two writes.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::{Condvar, Mutex, MutexGuard, TryLockError};

use rusqlite::Connection;

use super::health::{self, Fault};
use crate::error::{ApiError, ApiResult};

pub struct Writer {
    conn: Mutex<Connection>,
    queue: Mutex<Queue>,
    /// Signalled when a batch is finished (its jobs are marked done).
    finished: Condvar,
    /// The database file's path and identity when opened: before each
    /// transaction the path must still name it (see `health::Fault::Moved`).
    file: Option<(std::path::PathBuf, (u64, u64))>,
}

#[derive(Default)]
struct Queue {
    jobs: VecDeque<JobPtr>,
}

/// A job lives on its owner's stack; the owner does not return before the
/// job is marked done, and nobody touches it after that.
struct Job<'a> {
    run: &'a mut (dyn FnMut(&Connection) -> bool + Send),
    /// Set by the combiner, under the queue lock, as its last touch.
    done: bool,
    /// Whether the job's changes were committed.
    committed: bool,
    /// Why its transaction could not begin or commit, when the database said.
    fault: Option<Fault>,
}

struct JobPtr(*mut Job<'static>);
// Safety: a job is only touched by its owner and, while the owner waits, by
// the one combiner holding `conn` (the closure inside is Send).
unsafe impl Send for JobPtr {}

/// Jobs run per transaction at most; a longer queue is taken in turns.
const MAX_BATCH: usize = 64;

impl Writer {
    pub fn new(conn: Connection) -> Writer {
        let file = conn
            .path()
            .filter(|p| !p.is_empty())
            .map(std::path::PathBuf::from)
            .and_then(|p| health::identity(&p).map(|id| (p, id)));
        Writer {
            file,
            conn: Mutex::new(conn),
            queue: Mutex::new(Queue::default()),
            finished: Condvar::new(),
        }
    }

    /// Whether any write is queued: background work yields to requests.
    pub fn waiting(&self) -> bool {
        !self.queue().jobs.is_empty()
    }

    /// Runs `f` on the writing connection while no write runs (no
    /// transaction is open then).
    pub fn exclusive<T>(&self, f: impl FnOnce(&Connection) -> T) -> T {
        let conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        let out = f(&conn);
        drop(conn);
        // Writers that found the connection busy meanwhile are waiting for
        // a signal: the same hand-over as after a batch.
        let _q = self.queue();
        self.finished.notify_all();
        out
    }

    fn queue(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn try_conn(&self) -> Option<MutexGuard<'_, Connection>> {
        match self.conn.try_lock() {
            Ok(g) => Some(g),
            Err(TryLockError::Poisoned(e)) => Some(e.into_inner()),
            Err(TryLockError::WouldBlock) => None,
        }
    }

    /// Runs `f` as one all-or-nothing write and returns once it is committed.
    pub fn write<T: Send>(
        &self,
        f: impl FnOnce(&Connection) -> ApiResult<T> + Send,
    ) -> ApiResult<T> {
        let mut f = Some(f);
        let mut out: Option<std::thread::Result<ApiResult<T>>> = None;
        let mut run = |conn: &Connection| {
            let f = f.take().expect("a job runs once");
            let result = catch_unwind(AssertUnwindSafe(|| f(conn)));
            let ok = matches!(result, Ok(Ok(_)));
            out = Some(result);
            ok
        };
        let mut job = Job {
            run: &mut run,
            done: false,
            committed: false,
            fault: None,
        };
        // Safety: see `Job`; from here on the job is only reached through
        // this pointer, and it is out of the queue (taken by a combiner) and
        // marked done before this function returns.
        // (the second cast erases the lifetime, which clippy does not see)
        #[allow(clippy::unnecessary_cast)]
        let jp = &mut job as *mut Job<'_> as *mut Job<'static>;
        let mut q = self.queue();
        q.jobs.push_back(JobPtr(jp));
        loop {
            // Safety: `done` is written under the queue lock, which we hold.
            if unsafe { (*jp).done } {
                break;
            }
            // The combiner frees the connection before it takes the queue
            // lock to mark its jobs done, so if the connection is busy now,
            // that marking (and its signal) is still to come.
            if let Some(conn) = self.try_conn() {
                let batch: Vec<JobPtr> = {
                    let n = q.jobs.len().min(MAX_BATCH);
                    q.jobs.drain(..n).collect()
                };
                drop(q);
                if let Some((path, id)) = &self.file {
                    // one stat per transaction: a write is never acknowledged
                    // into a file that is gone from its path
                    health::check_file(path, Some(*id));
                }
                combine(conn, &batch);
                q = self.queue();
                for p in batch {
                    // Safety: each owner waits for `done`, under this lock.
                    unsafe {
                        (*p.0).done = true;
                    }
                }
                self.finished.notify_all();
                continue;
            }
            q = self.finished.wait(q).unwrap_or_else(|e| e.into_inner());
        }
        drop(q);
        // Safety: done, so no combiner touches the job any more.
        let (committed, fault) = unsafe { ((*jp).committed, (*jp).fault) };
        let failed = |what: &str| fault.map_or_else(|| ApiError::internal(what), Fault::error);
        match out {
            // never run: the transaction could not begin
            None => Err(failed("the write's transaction did not begin")),
            Some(Err(panic)) => resume_unwind(panic),
            Some(Ok(Err(e))) => Err(e),
            Some(Ok(Ok(_))) if !committed => Err(failed("the write's transaction did not commit")),
            Some(Ok(Ok(v))) => Ok(v),
        }
    }
}

/// One statement, kept prepared: savepoints are taken for every job.
fn run_sql(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(drop)
}

/// Runs a batch in one transaction and records in each job whether its
/// changes were committed. Frees the connection before returning.
fn combine(conn: MutexGuard<'_, Connection>, batch: &[JobPtr]) {
    if let Some(fault) = health::refusing() {
        for p in batch {
            // Safety: the owner waits until the job is marked done.
            unsafe { (*p.0).fault = Some(fault) };
        }
        return;
    }
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        let fault = noted(&e, "cannot begin a write");
        for p in batch {
            // Safety: the owner waits until the job is marked done.
            unsafe { (*p.0).fault = fault };
        }
        return;
    }
    let mut kept = Vec::with_capacity(batch.len());
    for p in batch {
        // Safety: the owner waits until the job is marked done.
        let job = unsafe { &mut *p.0 };
        let ok = match run_sql(&conn, "SAVEPOINT job") {
            Ok(()) => {
                if (job.run)(&conn) {
                    run_sql(&conn, "RELEASE job").is_ok()
                } else {
                    let _ = run_sql(&conn, "ROLLBACK TO job");
                    let _ = run_sql(&conn, "RELEASE job");
                    false
                }
            }
            Err(_) => false,
        };
        kept.push(ok);
    }
    let (committed, fault) = match conn.execute_batch("COMMIT") {
        Ok(()) => {
            health::wrote();
            (true, None)
        }
        Err(e) => {
            let fault = noted(&e, "commit failed");
            if !conn.is_autocommit() {
                let _ = conn.execute_batch("ROLLBACK");
            }
            (false, fault)
        }
    };
    for (p, ok) in batch.iter().zip(kept) {
        // Safety: as above; `done` is not set yet.
        unsafe {
            (*p.0).committed = committed && ok;
            (*p.0).fault = fault;
        }
    }
}

/// A storage fault goes to `health` (logged once per incident), anything
/// else to the log at once.
fn noted(e: &rusqlite::Error, what: &str) -> Option<Fault> {
    let fault = Fault::of(e);
    match fault {
        Some(f) => health::failed(f, &e.to_string()),
        None => crate::http::log::line(&format!("{what}: {e}")),
    }
    fault
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn writer() -> Arc<Writer> {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER)")
            .unwrap();
        Arc::new(Writer::new(conn))
    }

    fn count(w: &Writer) -> i64 {
        w.exclusive(|c| c.query_row("SELECT count(*) FROM t", [], |r| r.get(0)))
            .unwrap()
    }

    fn insert(w: &Writer, k: &str) -> ApiResult<()> {
        w.write(|c| {
            c.execute("INSERT INTO t (k, n) VALUES (?1, 1)", [k])?;
            Ok(())
        })
    }

    #[test]
    fn parallel_writes_are_all_committed_and_a_failure_undoes_only_itself() {
        let w = writer();
        let threads: Vec<_> = (0..16)
            .map(|i| {
                let w = Arc::clone(&w);
                std::thread::spawn(move || {
                    let mut ok = 0;
                    for j in 0..50 {
                        // every thread also tries one key all of them try:
                        // the primary key lets exactly one insert through
                        let k = if j == 25 {
                            "shared".to_string()
                        } else {
                            format!("{i}-{j}")
                        };
                        if insert(&w, &k).is_ok() {
                            ok += 1;
                        }
                    }
                    ok
                })
            })
            .collect();
        let ok: i64 = threads.into_iter().map(|t| t.join().unwrap()).sum();
        assert_eq!(ok, 16 * 49 + 1);
        assert_eq!(count(&w), ok);
    }

    #[test]
    fn a_write_that_fails_half_way_leaves_nothing() {
        let w = writer();
        let r = w.write(|c| {
            c.execute("INSERT INTO t (k, n) VALUES ('a', 1)", [])?;
            c.execute("INSERT INTO t (k, n) VALUES ('a', 2)", [])?;
            Ok(())
        });
        assert!(r.is_err());
        assert_eq!(count(&w), 0);
        insert(&w, "a").unwrap();
        assert_eq!(count(&w), 1);
    }

    #[test]
    fn a_panic_reaches_its_own_caller_and_the_writer_goes_on() {
        let w = writer();
        let w2 = Arc::clone(&w);
        let panicked = std::thread::spawn(move || {
            w2.write(|c| -> ApiResult<()> {
                c.execute("INSERT INTO t (k, n) VALUES ('p', 1)", [])?;
                panic!("boom")
            })
        })
        .join();
        assert!(panicked.is_err());
        insert(&w, "b").unwrap();
        assert_eq!(count(&w), 1, "the panicking write was undone");
    }

    #[test]
    fn a_write_that_cannot_begin_is_an_error_and_the_next_one_works() {
        let dir = std::env::temp_dir().join(format!("restume-writer-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER)")
            .unwrap();
        conn.busy_timeout(std::time::Duration::ZERO).unwrap();
        let w = Writer::new(conn);
        // another process (say, `restume admin`) holds the write lock
        let other = Connection::open(&path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        let e = insert(&w, "a").unwrap_err();
        assert_eq!((e.status, e.code), (503, "unavailable"), "{e:?}");
        assert!(e.headers.iter().any(|(k, _)| *k == "Retry-After"));
        other.execute_batch("ROLLBACK").unwrap();
        insert(&w, "a").unwrap();
        assert_eq!(count(&w), 1);
        assert_eq!(health::current(), None, "a commit ends the incident");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn writes_queued_behind_exclusive_work_are_not_stranded() {
        let w = writer();
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (w2, stop2) = (Arc::clone(&w), Arc::clone(&stop));
        let busy = std::thread::spawn(move || {
            while !stop2.load(std::sync::atomic::Ordering::SeqCst) {
                w2.exclusive(|_| std::thread::sleep(std::time::Duration::from_micros(200)));
            }
        });
        let writers: Vec<_> = (0..8)
            .map(|i| {
                let w = Arc::clone(&w);
                std::thread::spawn(move || {
                    for j in 0..100 {
                        insert(&w, &format!("{i}-{j}")).unwrap();
                    }
                })
            })
            .collect();
        for t in writers {
            t.join().unwrap();
        }
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        busy.join().unwrap();
        assert_eq!(count(&w), 800);
    }
}
