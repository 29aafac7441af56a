//! When the database cannot take writes — a full disk, a write lock held by
//! another program, a file gone from under the server, a read-only file at
//! start — writes get a clear answer, reads go on, `/health` says so and
//! turns `ok` again by itself, and nothing acknowledged is lost.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::*;

fn health(app: &TestApp) -> (u16, Value) {
    let r = app.get("/health", Cred::None);
    (r.status, r.json())
}

/// Polls `/health` until its status is `want` (up to `limit`).
fn health_becomes(app: &TestApp, want: &str, limit: Duration) -> Value {
    let started = Instant::now();
    loop {
        let (_, body) = health(app);
        if body["status"] == want || started.elapsed() > limit {
            return body;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn skill_names(db: &Path) -> Vec<String> {
    let db = open_db(db);
    let mut stmt = db.prepare("SELECT name FROM skills ORDER BY name").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn integrity(db: &Path) -> String {
    open_db(db)
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

fn add_skill(app: &TestApp, jwt: &str, name: &str) -> Resp {
    app.post("/v1/me/skills", Cred::Jwt(jwt), &json!({"name": name}))
}

/// `restume healthcheck` against the running server: its exit code.
fn healthcheck(app: &TestApp) -> Option<i32> {
    Command::new(bin())
        .args(["healthcheck", "--bind", &app.addr.to_string()])
        .output()
        .unwrap()
        .status
        .code()
}

/// Waits (up to 10 s: an incident is logged as over once writes have kept
/// working for 5 s) until the log holds `needle`, and says how often.
fn logged_eventually(app: &TestApp, needle: &str) -> usize {
    let started = Instant::now();
    loop {
        let n = log_count(app, needle);
        if n > 0 || started.elapsed() > Duration::from_secs(10) {
            return n;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn log_count(app: &TestApp, needle: &str) -> usize {
    app.settled_log().matches(needle).count()
}

#[test]
fn a_write_lock_held_elsewhere_is_a_503_and_reads_go_on() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let mut acked = vec![];
    for name in ["before-1", "before-2"] {
        assert_eq!(add_skill(&app, &jwt, name).status, 201);
        acked.push(name.to_string());
    }
    assert_eq!(health(&app).1["checks"]["writes"], "ok");

    // `sqlite3 restume.db` with `BEGIN IMMEDIATE;` left open
    let other = open_db(&app.db_path());
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let r = add_skill(&app, &jwt, "during");
    let body = r.problem(503, "unavailable");
    assert!(r.header("Retry-After").is_some());
    assert!(body["detail"].as_str().unwrap().contains("lock"), "{body}");

    let h = health_becomes(&app, "degraded", Duration::from_secs(2));
    assert_eq!(h["checks"]["writes"], "locked", "{h}");
    assert_eq!(app.get("/health", Cred::None).status, 503);
    assert_ne!(
        healthcheck(&app),
        Some(0),
        "restume healthcheck fails while degraded"
    );
    // reads go on, without waiting for a write that cannot happen
    let started = Instant::now();
    assert_eq!(app.get("/v1/profiles/ada", Cred::None).status, 200);
    assert_eq!(app.get("/v1/me/skills", Cred::Jwt(&jwt)).status, 200);
    assert_eq!(app.get("/v1/profiles?q=ada", Cred::None).status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    other.execute_batch("ROLLBACK").unwrap();
    let h = health_becomes(&app, "ok", Duration::from_secs(15));
    assert_eq!(h["status"], "ok", "{h}");
    assert_eq!(healthcheck(&app), Some(0));
    assert_eq!(add_skill(&app, &jwt, "after").status, 201);
    acked.push("after".into());
    assert_eq!(log_count(&app, "storage: writes fail"), 1);
    assert_eq!(logged_eventually(&app, "storage: writes work again"), 1);
    drop(other);
    acked.sort();
    assert_eq!(skill_names(&app.db_path()), acked);
    assert_eq!(integrity(&app.db_path()), "ok");
}

/// A small real filesystem the test mounts (root only; skipped otherwise).
struct SmallDisk {
    dir: Arc<TempDir>,
}

impl SmallDisk {
    fn mount(size: &str, options: &str) -> Option<SmallDisk> {
        let dir = Arc::new(TempDir::new());
        let ok = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size}{options}"),
                "tmpfs",
            ])
            .arg(&dir.0)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            skipped(&format!(
                "cannot mount a {size} tmpfs here (needs root); a storage fault test did not run"
            ));
            return None;
        }
        Some(SmallDisk { dir })
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.0.join(name)
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir.0).status();
    }
}

#[test]
fn a_full_disk_refuses_writes_clearly_keeps_reads_and_loses_nothing() {
    let Some(disk) = SmallDisk::mount("8m", "") else {
        return;
    };
    // room to give back later: more than the résumés rendered meanwhile need
    std::fs::write(disk.path("ballast"), vec![0u8; 4 << 20]).unwrap();
    let mut app = spawn_in(Arc::clone(&disk.dir), &[], &[]);
    let jwt = app.user("ada");
    let mut acked: Vec<String> = vec![];
    let mut full = None;
    let big = "x".repeat(4900);
    'fill: for u in 0..200 {
        let who = format!("filler{u}");
        let token = match app.register_as(&who).status {
            201 => app.login(&who, PASSWORD).json()["access_token"]
                .as_str()
                .map(String::from),
            _ => None,
        };
        let Some(token) = token else {
            break;
        };
        for i in 0..100 {
            let r = app.post(
                "/v1/me/experience",
                Cred::Jwt(&token),
                &json!({"company": format!("c{i}"), "title": "t", "summary": big}),
            );
            if r.status != 201 {
                full = Some(r);
                break 'fill;
            }
        }
        let name = format!("skill-{u}");
        let r = add_skill(&app, &jwt, &name);
        if r.status != 201 {
            full = Some(r);
            break;
        }
        acked.push(name);
    }
    let mut full = full.expect("the disk never filled");
    // A big row may be refused where a small one still fits (how much room a
    // refusal leaves depends on the schema's exact size): fill on with small
    // writes until one is refused too.
    for i in 0.. {
        let name = format!("skill-small-{i}");
        let r = add_skill(&app, &jwt, &name);
        if r.status != 201 {
            full = r;
            break;
        }
        acked.push(name);
        assert!(i < 80, "small writes never filled the disk");
    }
    let body = full.problem(507, "insufficient_storage");
    assert!(full.header("Retry-After").is_some());
    assert!(
        body["detail"].as_str().unwrap().contains("free space"),
        "{body}"
    );
    // every write now gets the same answer, and the log says it once
    for i in 0..5 {
        let r = add_skill(&app, &jwt, &format!("while-full-{i}"));
        r.problem(507, "insufficient_storage");
    }
    let h = health_becomes(&app, "degraded", Duration::from_secs(2));
    assert_eq!(h["checks"]["writes"], "disk_full", "{h}");
    assert_eq!(
        log_count(&app, "storage: writes fail"),
        1,
        "{}",
        app.settled_log()
    );
    // reads go on: a profile, a search, the owner's own data
    assert_eq!(app.get("/v1/profiles/ada", Cred::None).status, 200);
    assert_eq!(app.get("/v1/profiles/filler0", Cred::None).status, 200);
    assert_eq!(app.get("/v1/profiles?q=filler0", Cred::None).status, 200);
    assert_eq!(app.get("/v1/me/skills", Cred::Jwt(&jwt)).status, 200);

    std::fs::remove_file(disk.path("ballast")).unwrap();
    let h = health_becomes(&app, "ok", Duration::from_secs(15));
    assert_eq!(h["status"], "ok", "{h}");
    assert_eq!(add_skill(&app, &jwt, "after").status, 201);
    acked.push("after".into());
    logged_eventually(&app, "storage: writes work again");
    let log = app.settled_log();
    let storage: Vec<&str> = log.lines().filter(|l| l.contains("storage:")).collect();
    assert_eq!(
        storage.len(),
        2,
        "one incident, one start and one end: {storage:#?}"
    );
    let stopped = app.terminate();
    assert!(stopped.success(), "{stopped:?}\n{}", app.log_text());
    acked.sort();
    let mut ada_skills = skill_names(&app.db_path());
    ada_skills.retain(|n| n.starts_with("skill-") || n == "after");
    assert_eq!(ada_skills, acked);
    assert_eq!(integrity(&app.db_path()), "ok");
}

#[test]
fn a_database_deleted_under_the_server_refuses_writes_instead_of_losing_them() {
    let dir = Arc::new(TempDir::new());
    let app = spawn_in(Arc::clone(&dir), &[], &[]);
    let jwt = app.user("ada");
    assert_eq!(add_skill(&app, &jwt, "kept").status, 201);
    std::fs::remove_dir_all(&dir.0).unwrap();
    // refused at once, never acknowledged into a file nobody will open again
    let r = add_skill(&app, &jwt, "lost?");
    r.problem(503, "storage_unavailable");
    let h = health_becomes(&app, "degraded", Duration::from_secs(2));
    assert_eq!(h["checks"]["writes"], "moved", "{h}");
    assert_eq!(app.get("/v1/me/skills", Cred::Jwt(&jwt)).status, 200);
    assert_eq!(log_count(&app, "storage: writes fail"), 1);
}

#[test]
fn a_read_only_database_at_start_says_so_in_one_line() {
    let Some(disk) = SmallDisk::mount("4m", "") else {
        return;
    };
    let mut app = spawn_in(Arc::clone(&disk.dir), &[], &[]);
    app.user("ada");
    assert!(app.terminate().success());
    let ro = Command::new("mount")
        .args(["-o", "remount,ro"])
        .arg(&disk.dir.0)
        .status()
        .unwrap();
    assert!(ro.success());
    let out = Command::new(bin())
        .args(["serve", "--bind", "127.0.0.1:0", "--db"])
        .arg(disk.path("restume.db"))
        .env("RESTUME_JWT_SECRET", SECRET)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].contains("is read-only"), "{err}");
}
