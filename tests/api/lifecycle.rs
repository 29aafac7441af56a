//! The process: settings, help, clean stop, a secret that survives restarts,
//! logs without secrets, and hashing that cannot starve other requests.

use std::process::Command;
use std::sync::Arc;

use serde_json::json;

use crate::helpers::*;

#[test]
fn bad_settings_stop_the_start_with_one_clear_line() {
    let dir = TempDir::new();
    let db = dir.0.join("x.db");
    for (args, env, says) in [
        (vec!["--bind", "nowhere"], vec![], "bind"),
        (
            vec![],
            vec![("RESTUME_JWT_SECRET", "too-short")],
            "jwt-secret",
        ),
        (vec!["--bcrypt-cost", "3"], vec![], "bcrypt-cost"),
        (vec!["--bcrypt-cost", "32"], vec![], "bcrypt-cost"),
        (vec!["--threads", "many"], vec![], "threads"),
        (vec!["--no-such-flag"], vec![], "no-such-flag"),
    ] {
        let out = Command::new(bin())
            .args(["serve", "--db"])
            .arg(&db)
            .args(&args)
            .envs(env)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(says), "{err}");
    }
    assert!(!db.exists(), "a refused start creates no database");
}

#[test]
fn help_explains_every_setting() {
    let out = Command::new(bin()).arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for env in [
        "RESTUME_DB",
        "RESTUME_BIND",
        "RESTUME_THREADS",
        "RESTUME_JWT_SECRET",
        "RESTUME_JWT_TTL",
        "RESTUME_BCRYPT_COST",
    ] {
        assert!(text.contains(env), "{env} missing from --help");
    }
}

#[test]
fn config_shows_settings_with_secrets_redacted() {
    let out = Command::new(bin())
        .args(["config", "--threads", "3"])
        .env("RESTUME_JWT_SECRET", SECRET)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains(SECRET));
    assert!(text.contains("<redacted>"));
    assert!(
        text.lines()
            .any(|l| l.starts_with("threads") && l.contains('3') && l.contains("flag"))
    );
}

#[test]
fn sigterm_stops_cleanly_and_leaves_the_database_file_alone() {
    let mut app = spawn_app();
    let jwt = app.user("ada");
    app.patch(
        "/v1/me/profile",
        Cred::Jwt(&jwt),
        &json!({"headline": "kept"}),
    );
    let status = app.terminate();
    assert!(status.success(), "{status:?}");
    assert_eq!(app.dir.files(), vec!["restume.db".to_string()]);
    let db = open_db(&app.db_path());
    let headline: String = db
        .query_row("SELECT headline FROM profiles", [], |r| r.get(0))
        .unwrap();
    assert_eq!(headline, "kept");
    // the process has ended; its last lines may still be on their way
    let started = std::time::Instant::now();
    while !app.log_text().contains("stopped cleanly")
        && started.elapsed() < std::time::Duration::from_secs(5)
    {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(app.log_text().contains("stopped cleanly"));
}

/// While a stop waits for the request in flight (here a write held up by a
/// lock another program holds), a new request is turned away with 503 and
/// `Connection: close`; the request in flight still finishes and is kept.
#[test]
fn a_stop_finishes_the_request_in_flight_and_turns_new_ones_away() {
    use std::time::{Duration, Instant};
    let mut app = spawn_app();
    let jwt = app.user("ada");
    let other = open_db(&app.db_path());
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let in_flight = std::thread::scope(|s| {
        let app = &app;
        let write = s.spawn(|| {
            app.patch(
                "/v1/me/profile",
                Cred::Jwt(&jwt),
                &json!({"headline": "during the stop"}),
            )
        });
        // the write now waits for the lock (up to the 5 s busy timeout)
        std::thread::sleep(Duration::from_millis(300));
        signal(app.child.id(), "TERM");
        let started = Instant::now();
        while !app
            .log_text()
            .contains("stopping: finishing requests in flight")
        {
            assert!(
                started.elapsed() < Duration::from_secs(3),
                "{}",
                app.log_text()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        let r = app.get("/health", Cred::None);
        r.problem(503, "unavailable");
        assert_eq!(r.header("Connection"), Some("close"));
        assert!(r.header("Retry-After").is_some());
        other.execute_batch("ROLLBACK").unwrap();
        write.join().unwrap()
    });
    assert_eq!(in_flight.status, 200, "{}", in_flight.text());
    let status = wait_for(&mut app.child, Duration::from_secs(20));
    assert!(status.success(), "{status:?}");
    let headline: String = open_db(&app.db_path())
        .query_row("SELECT headline FROM profiles", [], |r| r.get(0))
        .unwrap();
    assert_eq!(headline, "during the stop");
}

#[test]
fn a_generated_secret_survives_a_restart() {
    let dir = Arc::new(TempDir::new());
    // no RESTUME_JWT_SECRET: the server makes one and keeps it in the database
    let mut first = spawn_in(Arc::clone(&dir), &[], &[("RESTUME_JWT_SECRET", "")]);
    let jwt = first.user("ada");
    assert!(first.terminate().success());
    let second = spawn_in(Arc::clone(&dir), &[], &[("RESTUME_JWT_SECRET", "")]);
    assert_eq!(second.get("/v1/me/account", Cred::Jwt(&jwt)).status, 200);
    // and a token signed with the test secret is not accepted there
    let other = spawn_app();
    let foreign = other.user("ada");
    second
        .get("/v1/me/account", Cred::Jwt(&foreign))
        .problem(401, "invalid_token");
}

#[test]
fn the_log_never_holds_a_secret() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let key = app.key(&jwt);
    app.get("/v1/me/account", Cred::Key(&key));
    app.login("ada", "a wrong password typed here");
    app.post(
        "/v1/auth/password",
        Cred::Jwt(&jwt),
        &json!({"current_password": PASSWORD, "new_password": "the next password"}),
    );
    let logs = app.settled_log();
    for secret in [
        PASSWORD,
        "a wrong password typed here",
        "the next password",
        &jwt,
        &key,
        SECRET,
    ] {
        assert!(!logs.contains(secret), "log holds {secret}");
    }
    assert!(logs.contains("user=ada key=rst_"), "{logs}");
    // the audit trail holds no secret either
    let db = open_db(&app.db_path());
    let audit: String = db
        .query_row(
            "SELECT group_concat(action || detail, ' ') FROM audit_events",
            [],
            |r| r.get(0),
        )
        .unwrap();
    for action in [
        "user.register",
        "auth.login",
        "auth.login_failed",
        "api_key.create",
        "auth.password_change",
    ] {
        assert!(audit.contains(action), "{action} not audited: {audit}");
    }
    assert!(!audit.contains(&key) && !audit.contains(PASSWORD));
}

/// With one hashing slot, a burst of sign-ins queues behind it while other
/// requests are still answered.
#[test]
fn a_burst_of_logins_does_not_block_other_requests() {
    let app = Arc::new(spawn_with(
        &[
            "--bcrypt-cost",
            "10",
            "--hash-concurrency",
            "1",
            "--threads",
            "8",
        ],
        &[],
    ));
    app.user("ada");
    let storm: Vec<_> = (0..6)
        .map(|_| {
            let app = Arc::clone(&app);
            std::thread::spawn(move || app.login("ada", PASSWORD).status)
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(50));
    for _ in 0..20 {
        assert_eq!(app.get("/health", Cred::None).status, 200);
    }
    for t in storm {
        let status = t.join().unwrap();
        assert!(status == 200 || status == 503, "{status}");
    }
}

/// Under systemd (`Type=notify`) the server says READY=1 once it listens, and
/// STOPPING=1 when asked to stop.
#[test]
fn systemd_hears_ready_and_stopping() {
    use std::os::unix::net::UnixDatagram;
    let dir = Arc::new(TempDir::new());
    let socket_path = dir.0.join("notify.sock");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    socket
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let mut app = spawn_in(
        Arc::clone(&dir),
        &[],
        &[("NOTIFY_SOCKET", socket_path.to_str().unwrap())],
    );
    let mut buf = [0u8; 64];
    let n = socket.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"READY=1");
    // it listens by then
    assert_eq!(app.get("/health", Cred::None).status, 200);
    assert!(app.terminate().success());
    let n = socket.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"STOPPING=1");
}

/// The server turns glibc's per-thread malloc caches off (it executes itself
/// again with `GLIBC_TUNABLES`), keeps the same pid, and leaves a choice
/// already made in the environment alone.
#[test]
fn the_server_runs_without_per_thread_malloc_caches_unless_told_otherwise() {
    let environ = |app: &TestApp| {
        std::fs::read(format!("/proc/{}/environ", app.child.id()))
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    };
    let app = spawn_app();
    assert_eq!(app.get("/health", Cred::None).status, 200);
    assert!(
        environ(&app).contains("GLIBC_TUNABLES=glibc.malloc.tcache_count=0"),
        "{}",
        environ(&app)
    );
    let app = spawn_with(&[], &[("GLIBC_TUNABLES", "glibc.malloc.tcache_count=3")]);
    assert_eq!(app.get("/health", Cred::None).status, 200);
    let env = environ(&app);
    assert!(
        env.contains("GLIBC_TUNABLES=glibc.malloc.tcache_count=3"),
        "{env}"
    );
    assert!(!env.contains("tcache_count=0"), "{env}");
    // other tunables are kept, and the cache setting added (glibc rewrites
    // the separators in place, so each is looked for on its own)
    let app = spawn_with(
        &[],
        &[("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=131072")],
    );
    assert_eq!(app.get("/health", Cred::None).status, 200);
    let env = environ(&app);
    assert!(
        env.contains("GLIBC_TUNABLES=glibc.malloc.trim_threshold=131072")
            && env.contains("glibc.malloc.tcache_count=0"),
        "{env}"
    );
}
