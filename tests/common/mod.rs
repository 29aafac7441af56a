//! What both integration-test targets (`tests/api`, `tests/cli`) need to run
//! the real server: temporary folders, the `serve` command line with the
//! test settings, and waiting for its "listening on" line. Each target
//! includes this file with `#[path]`; it is not a test target of its own.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

/// The JWT secret test servers use, so tests can forge tokens with it.
pub const SECRET: &str = "test-secret-test-secret-test-secret-0123";
pub const PASSWORD: &str = "correct horse battery";

/// Generous limits, so tests of other things are not cut off; the limit
/// tests set their own (a later flag wins).
pub const GENEROUS_LIMITS: &[&str] = &[
    "--limit-login-ip",
    "10000:1000/s",
    "--limit-login-account",
    "10000:1000/s",
    "--limit-register",
    "10000:1000/s",
    "--limit-public",
    "10000:1000/s",
    "--limit-jwt",
    "10000:1000/s",
];

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_restume")
}

pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let dir = std::env::temp_dir().join(format!(
            "restume-test-{}-{}-{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// The names of the files in the folder, sorted.
    #[allow(dead_code)] // one of the two targets uses it
    pub fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `restume serve` on `db` with the test settings (port 0, bcrypt cost 4,
/// 4 threads, generous limits, the test secret), then `args`.
pub fn serve_command(db: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(bin());
    cmd.arg("serve")
        .args([
            "--bind",
            "127.0.0.1:0",
            "--bcrypt-cost",
            "4",
            "--threads",
            "4",
        ])
        .args(GENEROUS_LIMITS)
        .arg("--db")
        .arg(db)
        .args(args)
        .env("RESTUME_JWT_SECRET", SECRET)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// A started server: the process, the address it reported, its log so far.
pub struct Started {
    pub child: Child,
    pub addr: String,
    pub logs: Arc<Mutex<Vec<String>>>,
}

/// Runs `cmd` (a server, or something that starts one, with its stderr
/// piped) and waits for the server's "listening on" line; the log is kept.
pub fn start_logged(mut cmd: Command) -> Started {
    let mut child = cmd.spawn().expect("start the server");
    let stderr = child.stderr.take().unwrap();
    let logs = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = mpsc::channel();
    let sink = Arc::clone(&logs);
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if let Some(addr) = line.split("listening on http://").nth(1) {
                let _ = tx.send(addr.trim().to_string());
            }
            sink.lock().unwrap().push(line);
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(20))
        .unwrap_or_else(|_| panic!("server did not start: {:?}", logs.lock().unwrap()));
    Started { child, addr, logs }
}

/// Prints why a test did not run (a tool it needs is missing), straight to
/// stderr so `cargo test` shows it even while capturing output.
pub fn skipped(why: &str) {
    let _ = writeln!(std::io::stderr(), "SKIPPED: {why}");
}
