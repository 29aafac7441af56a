//! `spawn_app()`: the real `restume` binary on 127.0.0.1:0 with a fresh
//! temporary database, and a tiny HTTP/1.1 client that speaks to it.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub use crate::common::{GENEROUS_LIMITS, PASSWORD, SECRET, TempDir, bin, skipped};

pub struct TestApp {
    pub addr: SocketAddr,
    pub child: Child,
    pub dir: Arc<TempDir>,
    pub logs: Arc<Mutex<Vec<String>>>,
}

pub fn spawn_app() -> TestApp {
    spawn_with(&[], &[])
}

pub fn spawn_with(args: &[&str], env: &[(&str, &str)]) -> TestApp {
    spawn_in(Arc::new(TempDir::new()), args, env)
}

/// Starts a server on the database `restume.db` in `dir`.
pub fn spawn_in(dir: Arc<TempDir>, args: &[&str], env: &[(&str, &str)]) -> TestApp {
    let mut cmd = crate::common::serve_command(&dir.0.join("restume.db"), args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    start(cmd, dir)
}

/// Runs `cmd` (a server, or something that starts one, with its stderr
/// piped) and waits for the server's "listening on" line; the log is kept.
pub fn start(cmd: Command, dir: Arc<TempDir>) -> TestApp {
    let s = crate::common::start_logged(cmd);
    TestApp {
        addr: s.addr.parse().unwrap(),
        child: s.child,
        dir,
        logs: s.logs,
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Asserts an RFC 9457 problem with this status and code; returns the body.
    #[track_caller]
    pub fn problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "{}", self.text());
        assert_eq!(
            self.header("Content-Type"),
            Some("application/problem+json")
        );
        let body = self.json();
        assert_eq!(body["code"], code, "{body}");
        assert_eq!(body["status"], status);
        assert!(body["title"].is_string() && body["detail"].is_string());
        body
    }

    /// The fields named in a 422's `errors[]`, with their codes.
    pub fn field_errors(&self) -> Vec<(String, String)> {
        let body = self.problem(422, "validation_failed");
        body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().unwrap().to_string(),
                    e["code"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }
}

/// Expected `(field, code)` pairs of a 422, as `Resp::field_errors` gives them.
pub fn errs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(f, c)| (f.to_string(), c.to_string()))
        .collect()
}

/// A credential for a request.
#[derive(Clone, Copy)]
pub enum Cred<'a> {
    None,
    Jwt(&'a str),
    Key(&'a str),
}

impl TestApp {
    pub fn raw(&self, request: &[u8]) -> Resp {
        send(self.addr, request)
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Resp {
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.addr
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        if let Some(b) = body {
            req.push_str(&format!("Content-Length: {}\r\n", b.len()));
        }
        req.push_str("\r\n");
        let mut bytes = req.into_bytes();
        if let Some(b) = body {
            bytes.extend_from_slice(b);
        }
        send(self.addr, &bytes)
    }

    pub fn call(&self, method: &str, path: &str, cred: Cred, body: Option<&Value>) -> Resp {
        let auth;
        let mut headers: Vec<(&str, &str)> = Vec::new();
        match cred {
            Cred::None => {}
            Cred::Jwt(t) => {
                auth = format!("Bearer {t}");
                headers.push(("Authorization", &auth));
            }
            Cred::Key(k) => headers.push(("X-API-Key", k)),
        }
        let data = body.map(|b| b.to_string().into_bytes());
        if data.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        self.request(method, path, &headers, data.as_deref())
    }

    pub fn get(&self, path: &str, cred: Cred) -> Resp {
        self.call("GET", path, cred, None)
    }

    pub fn post(&self, path: &str, cred: Cred, body: &Value) -> Resp {
        self.call("POST", path, cred, Some(body))
    }

    pub fn patch(&self, path: &str, cred: Cred, body: &Value) -> Resp {
        self.call("PATCH", path, cred, Some(body))
    }

    pub fn delete(&self, path: &str, cred: Cred) -> Resp {
        self.call("DELETE", path, cred, None)
    }

    pub fn register_as(&self, username: &str) -> Resp {
        self.post(
            "/v1/auth/register",
            Cred::None,
            &json!({"username": username, "email": format!("{username}@example.com"),
                    "password": PASSWORD, "full_name": format!("{username} Example")}),
        )
    }

    /// `DELETE /v1/me/account` with the test password.
    pub fn delete_account(&self, jwt: &str) -> Resp {
        self.call(
            "DELETE",
            "/v1/me/account",
            Cred::Jwt(jwt),
            Some(&json!({"password": PASSWORD})),
        )
    }

    pub fn login(&self, username: &str, password: &str) -> Resp {
        self.post(
            "/v1/auth/login",
            Cred::None,
            &json!({"username": username, "password": password}),
        )
    }

    /// Registers `username` and returns a JWT for them.
    pub fn user(&self, username: &str) -> String {
        let r = self.register_as(username);
        assert_eq!(r.status, 201, "{}", r.text());
        self.jwt(username)
    }

    /// Signs `username` in with the test password and returns the new JWT.
    pub fn jwt(&self, username: &str) -> String {
        let r = self.login(username, PASSWORD);
        assert_eq!(r.status, 200, "{}", r.text());
        r.json()["access_token"].as_str().unwrap().to_string()
    }

    /// Creates an API key for the JWT's owner and returns the raw key.
    pub fn key(&self, jwt: &str) -> String {
        let r = self.post(
            "/v1/auth/api-keys",
            Cred::Jwt(jwt),
            &json!({"name": "test"}),
        );
        assert_eq!(r.status, 201, "{}", r.text());
        r.json()["raw_key"].as_str().unwrap().to_string()
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.0.join("restume.db")
    }

    pub fn log_text(&self) -> String {
        self.logs.lock().unwrap().join("\n")
    }

    /// The log once every earlier request's line is in: a marker request is
    /// sent last and waited for (up to 5 s), as lines are written in order.
    pub fn settled_log(&self) -> String {
        static N: AtomicUsize = AtomicUsize::new(0);
        let marker = format!("settle-{}", N.fetch_add(1, Ordering::SeqCst));
        self.request("GET", "/__settle", &[("X-Request-Id", &marker)], None);
        let started = Instant::now();
        while !self.log_text().contains(&marker) && started.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(10));
        }
        self.log_text()
    }

    /// Sends SIGTERM and waits for the process to end.
    pub fn terminate(&mut self) -> ExitStatus {
        signal(self.child.id(), "TERM");
        wait_for(&mut self.child, Duration::from_secs(20))
    }
}

pub fn signal(pid: u32, sig: &str) {
    let ok = Command::new("kill")
        .arg(format!("-{sig}"))
        .arg(pid.to_string())
        .status()
        .unwrap();
    assert!(ok.success());
}

pub fn wait_for(child: &mut Child, limit: Duration) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(start.elapsed() < limit, "process did not exit in {limit:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub fn open_db(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).unwrap()
}

/// The first column of every row `sql` selects, as text.
pub fn strings(db: &rusqlite::Connection, sql: &str) -> Vec<String> {
    db.prepare(sql)
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn send(addr: SocketAddr, request: &[u8]) -> Resp {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    // The server may answer (413) and close before it has read everything.
    let _ = stream.write_all(request);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse(&raw)
}

fn parse(raw: &[u8]) -> Resp {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP response: {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("Transfer-Encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        body = dechunk(&body);
    }
    Resp {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[eol + 2..eol + 2 + size]);
        data = &data[eol + 2 + size + 2..];
    }
    out
}

impl TestApp {
    /// Runs `restume <args> --db <this database>` as the operator would.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        Command::new(bin())
            .args(args)
            .arg("--db")
            .arg(self.db_path())
            .output()
            .unwrap()
    }

    /// Registers `username`, makes them an admin from the command line and
    /// returns their JWT.
    pub fn admin(&self, username: &str) -> String {
        let jwt = self.user(username);
        let out = self.cli(&["admin", "promote", username]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        jwt
    }

    /// Gives `username` a plan through the admin API (making an admin first).
    pub fn grant(&self, username: &str, plan: &str) {
        let signed_in = self.login("root-admin", PASSWORD);
        let admin = match signed_in.status {
            200 => signed_in.json()["access_token"]
                .as_str()
                .unwrap()
                .to_string(),
            _ => self.admin("root-admin"),
        };
        let r = self.post(
            "/v1/admin/grants",
            Cred::Jwt(&admin),
            &json!({"username": username, "plan": plan, "reason": "test"}),
        );
        assert_eq!(r.status, 201, "{}", r.text());
    }
}

/// A suite that drives a real client (a browser, the MCP SDK) is a script of
/// its own, run by `.ci/run`, not by `cargo test`: checks that the script is
/// there and executable, and says that it was not run here, and whether
/// this machine has what it needs (`needs`, a path).
pub fn suite_not_run_here(script: &str, what: &str, needs: &str) {
    use std::os::unix::fs::PermissionsExt;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(script);
    let mode = std::fs::metadata(&path)
        .unwrap_or_else(|e| panic!("{script}: {e}"))
        .permissions()
        .mode();
    assert!(mode & 0o111 != 0, "{script} is not executable");
    let here = if std::path::Path::new(needs).exists() {
        format!("{needs} is here: `{script}` runs them")
    } else {
        format!("this machine has no {needs}; `{script}` installs it")
    };
    skipped(&format!(
        "{what} not run by cargo test ({here}; .ci/run does)"
    ));
}
