//! A real server on 127.0.0.1:0 with a fresh database, and the real
//! `restume` binary run as a client against it, with `XDG_CONFIG_HOME` in a
//! temporary folder of its own.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

pub use crate::common::{PASSWORD, SECRET, TempDir, bin, skipped};
use crate::common::{serve_command, start_logged};

pub struct Server {
    pub url: String,
    child: Child,
    pub dir: TempDir,
    pub logs: Arc<Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A server with generous limits (the ask bucket too); later `args` win.
pub fn server(args: &[&str]) -> Server {
    let dir = TempDir::new();
    let mut all = vec!["--limit-ask", "10000:1000/s"];
    all.extend_from_slice(args);
    let s = start_logged(serve_command(&dir.0.join("restume.db"), &all));
    Server {
        url: format!("http://{}", s.addr),
        child: s.child,
        dir,
        logs: s.logs,
    }
}

impl Server {
    pub fn db(&self) -> PathBuf {
        self.dir.0.join("restume.db")
    }

    /// `restume admin ARGS` on this server's database.
    pub fn admin(&self, args: &[&str]) {
        let out = Command::new(bin())
            .arg("admin")
            .args(args)
            .arg("--db")
            .arg(self.db())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The access log once every earlier request's line is in: a marker
    /// request goes last and is waited for (lines are written in order).
    pub fn log_text(&self) -> String {
        static N: AtomicUsize = AtomicUsize::new(0);
        let marker = format!("settle-{}", N.fetch_add(1, Ordering::SeqCst));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let _ = agent
            .get(format!("{}/__settle", self.url))
            .header("X-Request-Id", &marker)
            .call();
        let start = std::time::Instant::now();
        loop {
            let text = self.logs.lock().unwrap().join("\n");
            if text.contains(&marker) || start.elapsed() > Duration::from_secs(5) {
                return text;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// A request straight to the API, for what the CLI has no command for.
    pub fn http(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut req = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.url));
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        if body.is_some() {
            req = req.header("Content-Type", "application/json");
        }
        let mut resp = agent.run(req.body(bytes).unwrap()).unwrap();
        let status = resp.status().as_u16();
        let text = resp.body_mut().read_to_string().unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

/// One person's terminal: a config folder of their own.
pub struct User {
    pub home: TempDir,
    pub server: String,
    pub env: Vec<(String, String)>,
}

#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    #[track_caller]
    pub fn ok(self) -> Out {
        assert_eq!(self.code, 0, "{self:?}");
        self
    }

    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }

    #[track_caller]
    pub fn fails(self, code: i32) -> Out {
        assert_eq!(self.code, code, "{self:?}");
        self
    }
}

impl User {
    pub fn new(server: &Server) -> User {
        User {
            home: TempDir::new(),
            server: server.url.clone(),
            env: Vec::new(),
        }
    }

    pub fn config_dir(&self) -> PathBuf {
        self.home.0.join("config").join("restume")
    }

    pub fn credentials(&self) -> Value {
        let text = std::fs::read_to_string(self.config_dir().join("credentials.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    pub fn command(&self, args: &[&str]) -> Command {
        self.command_of(bin(), args)
    }

    /// `program ARGS` in this user's environment.
    pub fn command_of(&self, program: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new(program);
        cmd.args(args)
            .env_remove("RESTUME_TOKEN")
            .env_remove("RESTUME_CA_CERT")
            .env("XDG_CONFIG_HOME", self.home.0.join("config"))
            .env("HOME", &self.home.0)
            .env("RESTUME_SERVER", &self.server)
            .current_dir(&self.home.0);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs `restume ARGS` with `stdin` piped in (or an empty stdin).
    pub fn run(&self, args: &[&str], stdin: &str) -> Out {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        let data = stdin.to_string();
        let writer = std::thread::spawn(move || {
            let _ = input.write_all(data.as_bytes());
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn cli(&self, args: &[&str]) -> Out {
        self.run(args, "")
    }

    /// Signs up `username` without a terminal (options and a piped password)
    /// and leaves them signed in.
    pub fn signup(&self, username: &str) -> Out {
        let email = format!("{username}@example.com");
        let name = format!("{username} Example");
        self.run(
            &[
                "signup",
                "--username",
                username,
                "--email",
                &email,
                "--full-name",
                &name,
                "--password-stdin",
            ],
            &format!("{PASSWORD}\n"),
        )
        .ok()
    }

    /// The stored JWT.
    pub fn token(&self) -> String {
        let server = &self.server;
        self.credentials()["servers"][server]["token"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/jsonresume")
        .join(name)
}
