//! Backups, restores, health checks and durability, with the real binary: an
//! online backup under steady writes, a restore that never replays a stale
//! WAL, one server per database, and acknowledged writes surviving `kill -9`.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;

use crate::helpers::*;

/// Runs `restume <args> --db <db>` to completion.
fn restume(args: &[&str], db: &Path) -> Output {
    Command::new(bin())
        .args(args)
        .arg("--db")
        .arg(db)
        .env("RESTUME_JWT_SECRET", SECRET)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn count(db: &rusqlite::Connection, table: &str) -> i64 {
    db.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn integrity(db: &rusqlite::Connection) -> String {
    db.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

fn full_names(db: &Path) -> Vec<(String, String)> {
    let db = open_db(db);
    let mut stmt = db
        .prepare("SELECT username, full_name FROM users ORDER BY username")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn a_backup_under_steady_writes_is_consistent_and_serves() {
    let app = Arc::new(spawn_app());
    let jwt = app.user("ada");
    app.user("bob");
    // Several megabytes, so the copy takes many steps while writes land.
    let seed = open_db(&app.db_path());
    seed.busy_timeout(Duration::from_secs(5)).unwrap();
    seed.execute_batch(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 15000)
         INSERT INTO audit_events (action, detail, created_at)
         SELECT 'test.padding', json_object('pad', hex(randomblob(150))), 0 FROM n",
    )
    .unwrap();
    drop(seed);

    let stop = Arc::new(AtomicBool::new(false));
    let registered = Arc::new(AtomicUsize::new(0));
    let writer = {
        let (app, stop, registered, jwt) = (
            Arc::clone(&app),
            Arc::clone(&stop),
            Arc::clone(&registered),
            jwt.clone(),
        );
        std::thread::spawn(move || {
            let mut i = 0;
            while !stop.load(Ordering::SeqCst) {
                i += 1;
                let r = app.patch(
                    "/v1/me/profile",
                    Cred::Jwt(&jwt),
                    &json!({"headline": format!("edit {i}")}),
                );
                assert_eq!(r.status, 200, "{}", r.text());
                let r = app.register_as(&format!("writer{i}"));
                assert_eq!(r.status, 201, "{}", r.text());
                registered.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    std::thread::sleep(Duration::from_millis(400));

    let out_dir = TempDir::new();
    let dest = out_dir.0.join("copy.db");
    let before = registered.load(Ordering::SeqCst) as i64;
    let out = restume(&["backup", dest.to_str().unwrap()], &app.db_path());
    let during = registered.load(Ordering::SeqCst) as i64 - before;
    std::thread::sleep(Duration::from_millis(400));
    stop.store(true, Ordering::SeqCst);
    writer.join().unwrap();
    let after = registered.load(Ordering::SeqCst) as i64;

    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{}\n", dest.display()));
    assert_eq!(stderr(&out), "");
    assert!(during > 0, "no write was answered while the backup ran");
    // one file, self-contained: rollback journal mode, no side files, no temp left
    assert_eq!(out_dir.files(), vec!["copy.db".to_string()]);
    let header = std::fs::read(&dest).unwrap();
    assert_eq!(&header[18..20], &[1, 1], "the copy must not be in WAL mode");

    let copy = open_db(&dest);
    assert_eq!(integrity(&copy), "ok");
    assert!(count(&copy, "audit_events") > 15000);
    // every write answered before the backup began is in it; none after it ended
    let writers = count(&copy, "users") - 2;
    assert!(
        (before..=after).contains(&writers),
        "{before} <= {writers} <= {after}"
    );
    drop(copy);

    // a server started on the backup knows the users
    let dir = Arc::new(TempDir::new());
    std::fs::copy(&dest, dir.0.join("restume.db")).unwrap();
    let restored = spawn_in(dir, &[], &[]);
    assert_eq!(restored.get("/v1/me/account", Cred::Jwt(&jwt)).status, 200);
    assert_eq!(restored.login("bob", PASSWORD).status, 200);
    assert_eq!(
        restored.login(&format!("writer{writers}"), PASSWORD).status,
        200
    );
}

#[test]
fn restore_waits_for_the_server_to_stop_and_never_replays_a_stale_wal() {
    let dir = Arc::new(TempDir::new());
    let mut app = spawn_in(Arc::clone(&dir), &[], &[]);
    app.user("ada");
    let saved = TempDir::new();
    let backup = saved.0.join("monday.db");
    let out = restume(&["backup", backup.to_str().unwrap()], &app.db_path());
    assert!(out.status.success(), "{}", stderr(&out));

    // refused while the server runs, and nothing is touched
    let out = restume(&["restore", backup.to_str().unwrap()], &app.db_path());
    assert!(!out.status.success());
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("in use") && err.contains("stop"), "{err}");
    app.user("bob");
    assert!(app.terminate().success());
    assert_eq!(dir.files(), vec!["restume.db".to_string()]);

    // A stale WAL beside the database: frames of a change never checkpointed
    // into the file they sit next to.
    let db = app.db_path();
    let wal = {
        let conn = open_db(&db);
        conn.execute_batch(
            "PRAGMA wal_autocheckpoint = 0;
             UPDATE users SET full_name = 'from a stale wal';",
        )
        .unwrap();
        std::fs::read(dir.0.join("restume.db-wal")).unwrap()
    };
    assert!(wal.len() > 32);
    std::fs::write(dir.0.join("restume.db-wal"), &wal).unwrap();
    // Without care, SQLite would replay it over whatever file carries that name.
    let control = TempDir::new();
    std::fs::copy(&backup, control.0.join("x.db")).unwrap();
    std::fs::write(control.0.join("x.db-wal"), &wal).unwrap();
    let replayed = full_names(&control.0.join("x.db"));
    assert_eq!(replayed.len(), 2, "{replayed:?}");
    assert!(replayed.iter().all(|(_, name)| name == "from a stale wal"));

    let out = restume(&["restore", backup.to_str().unwrap()], &db);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{}\n", db.display()));
    assert!(stderr(&out).contains("before-restore-"), "{}", stderr(&out));

    // the old database and its WAL were set aside together; nothing else is left
    let files = dir.files();
    let kept = files
        .iter()
        .find(|f| f.starts_with("restume.db.before-restore-") && !f.ends_with("-wal"))
        .unwrap_or_else(|| panic!("{files:?}"))
        .clone();
    assert_eq!(
        files,
        vec![
            "restume.db".to_string(),
            kept.clone(),
            format!("{kept}-wal")
        ]
    );
    assert_eq!(full_names(&db), errs(&[("ada", "ada Example")]));
    assert_eq!(integrity(&open_db(&db)), "ok");
    let old = full_names(&dir.0.join(&kept));
    assert_eq!(
        old.iter().map(|(u, _)| u.as_str()).collect::<Vec<_>>(),
        ["ada", "bob"]
    );

    // and the server runs on the restored file
    let app = spawn_in(Arc::clone(&dir), &[], &[]);
    assert_eq!(app.login("ada", PASSWORD).status, 200);
    app.login("bob", PASSWORD)
        .problem(401, "invalid_credentials");
}

#[test]
fn restore_refuses_a_file_that_is_not_a_database() {
    let dir = TempDir::new();
    let junk = dir.0.join("junk.db");
    std::fs::write(&junk, vec![b'x'; 8192]).unwrap();
    let db = dir.0.join("restume.db");
    let out = restume(&["restore", junk.to_str().unwrap()], &db);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("not a usable database"), "{err}");
    assert_eq!(dir.files(), vec!["junk.db".to_string()]);
}

#[test]
fn healthcheck_exits_0_for_a_running_server_and_1_otherwise() {
    let app = spawn_app();
    let db = app.db_path();
    let at = |addr: String| restume(&["healthcheck", "--bind", &addr], &db);
    let out = at(app.addr.to_string());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    // a server listening on every address is checked on loopback
    let out = at(format!("0.0.0.0:{}", app.addr.port()));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let out = at(format!("127.0.0.1:{port}"));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
}

#[test]
fn a_second_server_on_the_same_database_refuses_to_start() {
    let mut app = spawn_app();
    app.user("ada");
    let out = Command::new(bin())
        .args(["serve", "--bind", "127.0.0.1:0", "--db"])
        .arg(app.db_path())
        .env("RESTUME_JWT_SECRET", SECRET)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("in use") && err.contains(&app.child.id().to_string()),
        "{err}"
    );
    // the refused one took nothing from the first
    assert_eq!(app.get("/health", Cred::None).status, 200);
    assert!(app.dir.files().contains(&"restume.db.lock".to_string()));
    assert!(app.terminate().success());
    assert_eq!(app.dir.files(), vec!["restume.db".to_string()]);
    let next = spawn_in(Arc::clone(&app.dir), &[], &[]);
    assert_eq!(next.login("ada", PASSWORD).status, 200);
}

#[test]
fn an_idle_copy_of_the_database_file_alone_holds_every_write() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let r = app.patch(
        "/v1/me/profile",
        Cred::Jwt(&jwt),
        &json!({"headline": "copied while idle"}),
    );
    assert_eq!(r.status, 200);
    std::thread::sleep(Duration::from_secs(3));
    let elsewhere = TempDir::new();
    let copy = elsewhere.0.join("copy.db");
    std::fs::copy(app.db_path(), &copy).unwrap();
    let db = open_db(&copy);
    let headline: String = db
        .query_row("SELECT headline FROM profiles", [], |r| r.get(0))
        .unwrap();
    assert_eq!(headline, "copied while idle");
    assert_eq!(integrity(&db), "ok");
}

/// Registers `username`; `None` when the server is gone mid-request.
fn try_register(addr: SocketAddr, username: &str) -> Option<u16> {
    let body = json!({"username": username, "email": format!("{username}@example.com"),
                      "password": PASSWORD, "full_name": username})
    .to_string();
    let mut stream = TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(
        stream,
        "POST /v1/auth/register HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    answer.split(' ').nth(1)?.parse().ok()
}

#[test]
fn every_acknowledged_write_survives_kill_9() {
    let dir = Arc::new(TempDir::new());
    let mut app = spawn_in(Arc::clone(&dir), &[], &[]);
    let acked = Arc::new(Mutex::new(Vec::new()));
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let (addr, acked) = (app.addr, Arc::clone(&acked));
            std::thread::spawn(move || {
                for i in 0.. {
                    let name = format!("user{w}x{i}");
                    match try_register(addr, &name) {
                        Some(201) => acked.lock().unwrap().push(name),
                        Some(status) => panic!("{name}: {status}"),
                        None => return,
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1200));
    signal(app.child.id(), "KILL");
    wait_for(&mut app.child, Duration::from_secs(10));
    for w in writers {
        w.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() > 20,
        "only {} writes before the kill",
        acked.len()
    );

    let app = spawn_in(Arc::clone(&dir), &[], &[]);
    let db = open_db(&app.db_path());
    let mut stmt = db.prepare("SELECT username FROM users").unwrap();
    let stored: HashSet<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let lost: Vec<_> = acked.iter().filter(|u| !stored.contains(*u)).collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged, lost {lost:?}",
        acked.len()
    );
    assert_eq!(integrity(&db), "ok");
    assert_eq!(app.login(acked.last().unwrap(), PASSWORD).status, 200);
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// Runs `restume <args> --db <db>` under a umask that keeps nothing private.
fn restume_careless_umask(args: &[&str], db: &Path) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg("umask 000; exec \"$0\" \"$@\"")
        .arg(bin())
        .args(args)
        .arg("--db")
        .arg(db)
        .env("RESTUME_JWT_SECRET", SECRET)
        .output()
        .unwrap()
}

/// Found by an outside probe: `restume.db` was created 0644, and it holds
/// password hashes (and, without RESTUME_JWT_SECRET, the signing secret).
#[test]
fn the_database_and_every_copy_of_it_are_owner_only() {
    let dir = Arc::new(TempDir::new());
    let mut app = spawn_in(Arc::clone(&dir), &[], &[]);
    app.user("ada");
    let db = app.db_path();
    for side in ["", "-wal", "-shm"] {
        let f = dir.0.join(format!("restume.db{side}"));
        assert_eq!(mode(&f), 0o600, "{}", f.display());
    }
    let saved = TempDir::new();
    let backup = saved.0.join("copy.db");
    let out = restume_careless_umask(&["backup", backup.to_str().unwrap()], &db);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(mode(&backup), 0o600);
    assert!(app.terminate().success());

    // a database an older version (or a copy by hand) left readable by all
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&backup, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = restume_careless_umask(&["restore", backup.to_str().unwrap()], &db);
    assert!(out.status.success(), "{}", stderr(&out));
    for f in dir.files() {
        assert_eq!(mode(&dir.0.join(&f)), 0o600, "{f}");
    }
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let app = spawn_in(Arc::clone(&dir), &[], &[]);
    assert_eq!(app.login("ada", PASSWORD).status, 200);
    assert_eq!(mode(&db), 0o600);
    assert!(
        app.settled_log().contains("owner-only (0600) now"),
        "{}",
        app.settled_log()
    );
}

/// A database made before skill names lost their UNIQUE constraint (schema
/// version 1) is rebuilt at start, with every row kept.
#[test]
fn a_version_1_database_is_migrated_at_start() {
    let dir = Arc::new(TempDir::new());
    let mut app = spawn_in(Arc::clone(&dir), &[], &[]);
    let jwt = app.user("ada");
    app.post(
        "/v1/me/skills",
        Cred::Jwt(&jwt),
        &json!({"name": "Rust", "years": 6}),
    );
    assert!(app.terminate().success());
    {
        let db = open_db(&app.db_path());
        db.execute_batch(
            "BEGIN;
             CREATE TABLE old_skills (
                 id TEXT PRIMARY KEY,
                 user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                 position INTEGER NOT NULL,
                 name TEXT NOT NULL COLLATE NOCASE,
                 level TEXT, years INTEGER, category TEXT, keywords TEXT,
                 extra TEXT NOT NULL DEFAULT '{}',
                 created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
                 UNIQUE (user_id, name)
             ) STRICT;
             INSERT INTO old_skills SELECT * FROM skills;
             DROP TABLE skills;
             ALTER TABLE old_skills RENAME TO skills;
             CREATE INDEX skills_user ON skills(user_id, position);
             PRAGMA user_version = 1;
             COMMIT;",
        )
        .unwrap();
    }
    let app = spawn_in(Arc::clone(&dir), &[], &[]);
    let jwt = app.jwt("ada");
    let skills = app.get("/v1/me/skills", Cred::Jwt(&jwt)).json();
    assert_eq!(
        (skills[0]["name"].clone(), skills[0]["years"].clone()),
        (json!("Rust"), json!(6))
    );
    let r = app.call(
        "PUT",
        "/v1/me/resume",
        Cred::Jwt(&jwt),
        Some(&json!({"skills": [{"level": "a"}, {"level": "b"}, {"name": "Go"}, {"name": "go"}]})),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let db = open_db(&app.db_path());
    let (version, sql): (i64, String) = db
        .query_row(
            "SELECT (SELECT user_version FROM pragma_user_version), sql FROM sqlite_schema WHERE name = 'skills'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(version, 4);
    assert!(!sql.contains("UNIQUE"), "{sql}");
    assert_eq!(integrity(&db), "ok");
}

/// A version 2 database: `search_docs` without the username_key, and index
/// rows for private profiles too. At start every résumé is marked stale and
/// brought up to date the new way, so a search finds exactly the public
/// profiles and the index is in sync.
#[test]
fn a_version_2_database_is_migrated_at_start() {
    let dir = Arc::new(TempDir::new());
    let mut app = spawn_in(Arc::clone(&dir), &[], &[]);
    let ada = app.user("ada");
    let bob = app.user("bob");
    for jwt in [&ada, &bob] {
        app.post("/v1/me/skills", Cred::Jwt(jwt), &json!({"name": "Fortran"}));
    }
    app.patch(
        "/v1/me/profile",
        Cred::Jwt(&bob),
        &json!({"is_public": false}),
    );
    // a search first indexes what was written
    assert_eq!(
        app.get("/v1/profiles?q=fortran", Cred::None).json()["total"],
        1
    );
    assert!(app.terminate().success());
    {
        let db = open_db(&app.db_path());
        db.execute_batch(
            "BEGIN;
             ALTER TABLE search_docs DROP COLUMN username_key;
             INSERT OR IGNORE INTO search_docs (user_id) SELECT id FROM users WHERE username = 'bob';
             INSERT INTO search_index (rowid, name, skills)
                 SELECT d.doc, 'bob', 'Fortran' FROM search_docs d
                 JOIN users u ON u.id = d.user_id WHERE u.username = 'bob';
             PRAGMA user_version = 2;
             COMMIT;",
        )
        .unwrap();
        assert_eq!(
            count(&db, "search_index"),
            2,
            "ada, and bob as version 2 kept him"
        );
    }
    let app = spawn_in(Arc::clone(&dir), &[], &[]);
    let found = app.get("/v1/profiles?q=fortran", Cred::None).json();
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["items"][0]["username"], "ada");
    let admin = app.admin("boss");
    let status = app.get("/v1/admin/search-index", Cred::Jwt(&admin)).json();
    assert_eq!(
        (status["in_sync"].clone(), status["documents"].clone()),
        (json!(true), json!(2)),
        "ada and boss: {status}"
    );
    let db = open_db(&app.db_path());
    let keys = strings(
        &db,
        "SELECT username_key FROM search_docs d JOIN search_index s ON s.rowid = d.doc ORDER BY 1",
    );
    assert_eq!(keys, ["ada", "boss"]);
    assert_eq!(integrity(&db), "ok");
}

/// The column order of a table, as SQLite keeps it.
fn columns(db: &rusqlite::Connection, table: &str) -> Vec<String> {
    db.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
        .unwrap()
        .query_map([table], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn a_version_3_database_is_migrated_at_start() {
    let dir = Arc::new(TempDir::new());
    let mut app = spawn_in(Arc::clone(&dir), &[], &[]);
    let ada = app.user("ada");
    app.user("bob");
    app.post(
        "/v1/me/skills",
        Cred::Jwt(&ada),
        &json!({"name": "Fortran"}),
    );
    assert_eq!(app.get("/u/bob", Cred::None).status, 200);
    let json = app.get("/v1/profiles/ada", Cred::None);
    let page = app.get("/u/ada", Cred::None);
    assert_eq!((json.status, page.status), (200, 200));
    let json_etag = json.header("etag");
    assert!(app.terminate().success());
    {
        // the version 3 layout: the large texts before the small columns
        let db = open_db(&app.db_path());
        db.execute_batch(
            "BEGIN;
             DROP TRIGGER public_renders_added;
             DROP TRIGGER public_renders_removed;
             DROP TRIGGER public_renders_changed;
             ALTER TABLE public_renders RENAME TO r4;
             CREATE TABLE public_renders (
                 user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                 json TEXT NOT NULL, json_etag TEXT NOT NULL,
                 jsonresume TEXT, jsonresume_etag TEXT) STRICT;
             INSERT INTO public_renders (user_id, json, json_etag, jsonresume, jsonresume_etag)
                 SELECT user_id, json, json_etag, jsonresume, jsonresume_etag FROM r4;
             DROP TABLE r4;
             ALTER TABLE public_pages RENAME TO p4;
             CREATE TABLE public_pages (
                 user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
                 json_etag TEXT NOT NULL, theme TEXT NOT NULL, day INTEGER NOT NULL,
                 html TEXT NOT NULL, cuts TEXT NOT NULL, etag TEXT NOT NULL,
                 img_origin TEXT) STRICT;
             INSERT INTO public_pages (user_id, json_etag, theme, day, html, cuts, etag, img_origin)
                 SELECT user_id, json_etag, theme, day, html, cuts, etag, img_origin FROM p4;
             DROP TABLE p4;
             CREATE TRIGGER public_renders_added AFTER INSERT ON public_renders
             BEGIN UPDATE public_version SET n = n + 1 WHERE id = 1; END;
             CREATE TRIGGER public_renders_removed AFTER DELETE ON public_renders
             BEGIN UPDATE public_version SET n = n + 1 WHERE id = 1; END;
             CREATE TRIGGER public_renders_changed AFTER UPDATE OF json, json_etag ON public_renders
             BEGIN UPDATE public_version SET n = n + 1 WHERE id = 1; END;
             -- (the follow triggers went with the table r4); version 3 kept pages of older JSON too (a view checked)
             UPDATE public_pages SET json_etag = 'older', html = html || 'STALE-MARK'
                 WHERE user_id = (SELECT id FROM users WHERE username = 'bob');
             PRAGMA user_version = 3;
             COMMIT;",
        )
        .unwrap();
        assert_eq!(columns(&db, "public_renders")[1], "json");
    }
    let app = spawn_in(Arc::clone(&dir), &[], &[]);
    let db = open_db(&app.db_path());
    assert_eq!(
        columns(&db, "public_renders"),
        [
            "user_id",
            "json_etag",
            "jsonresume_etag",
            "json",
            "jsonresume"
        ]
    );
    assert_eq!(columns(&db, "public_pages").last().unwrap(), "html");
    assert_eq!(
        count(&db, "public_pages"),
        1,
        "ada's kept page came across, bob's of an older JSON did not"
    );
    let bob = app.get("/u/bob", Cred::None);
    assert_eq!(bob.status, 200);
    assert!(!bob.text().contains("STALE-MARK"));
    let version = |db: &rusqlite::Connection| -> i64 {
        db.query_row("SELECT n FROM public_version", [], |r| r.get(0))
            .unwrap()
    };
    let before = version(&db);
    // the same bytes, from the rows that came across
    assert_eq!(
        app.get("/v1/profiles/ada", Cred::None).header("etag"),
        json_etag
    );
    let kept = |db: &rusqlite::Connection| -> String {
        db.query_row(
            "SELECT etag FROM public_pages
             WHERE user_id = (SELECT id FROM users WHERE username = 'ada')",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    let was = kept(&db);
    let page = app.get("/u/ada", Cred::None);
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Fortran"));
    assert_eq!(kept(&db), was, "the page kept before is served");
    // the triggers are back on the new table: an edit counts as a change
    let ada = app.jwt("ada");
    app.post("/v1/me/skills", Cred::Jwt(&ada), &json!({"name": "Cobol"}));
    let after = app.get("/v1/profiles/ada", Cred::None);
    assert!(after.text().contains("Cobol"));
    assert!(
        version(&db) > before,
        "public_version follows public_renders"
    );
    // a page goes with the public JSON it was made from
    let pages_of = |db: &rusqlite::Connection, who: &str| -> i64 {
        db.query_row(
            "SELECT count(*) FROM public_pages
             WHERE user_id = (SELECT id FROM users WHERE username = ?1)",
            [who],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(pages_of(&db, "bob"), 1, "bob's view kept his page");
    db.execute(
        "UPDATE public_renders SET json_etag = 'another'
         WHERE user_id = (SELECT id FROM users WHERE username = 'bob')",
        [],
    )
    .unwrap();
    assert_eq!(pages_of(&db, "bob"), 0);
    assert_eq!(integrity(&db), "ok");
    let v: i64 = db
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, 4);
}
