//! Reads past one process: nginx as a caching reverse proxy in front of
//! RESTume, with the recipe the repository ships (deploy/nginx/restume.conf).
//! Public résumés come from the cache, owner routes never do, a résumé that
//! turns private is gone from the cache within the documented 10 s, and the
//! per-client limits still see each client behind the proxy.
//!
//! Needs nginx (`$RESTUME_NGINX`, else `nginx` or `/usr/sbin/nginx`; Debian's
//! package); skipped with a notice without it.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::*;

fn nginx() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("RESTUME_NGINX").map(PathBuf::from),
        Some(PathBuf::from("nginx")),
        Some(PathBuf::from("/usr/sbin/nginx")),
    ];
    candidates.into_iter().flatten().find(|c| {
        Command::new(c)
            .arg("-v")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// nginx in front of a server: a `TestApp` whose requests all go through the
/// proxy. Dropped, it asks the master to stop (SIGQUIT), because a killed
/// master leaves its worker and cache manager running.
struct Front(TestApp);

impl std::ops::Deref for Front {
    type Target = TestApp;
    fn deref(&self) -> &TestApp {
        &self.0
    }
}

impl Drop for Front {
    fn drop(&mut self) {
        let pid = self.0.child.id().to_string();
        let _ = Command::new("kill").args(["-QUIT", &pid]).status();
        let asked = Instant::now();
        while asked.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.0.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// nginx running the shipped recipe in front of `upstream`.
fn front(nginx: &std::path::Path, upstream: SocketAddr) -> Front {
    let dir = Arc::new(TempDir::new());
    let port = free_port();
    let recipe = include_str!("../../deploy/nginx/restume.conf")
        .replace("127.0.0.1:8000", &upstream.to_string())
        .replace("listen 80;", &format!("listen 127.0.0.1:{port};"))
        .replace(
            "/var/cache/nginx/restume",
            &dir.0.join("cache").display().to_string(),
        );
    std::fs::write(dir.0.join("restume.conf"), recipe).unwrap();
    let d = dir.0.display();
    std::fs::write(
        dir.0.join("nginx.conf"),
        format!(
            "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
             fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
             include {d}/restume.conf;\n}}\n"
        ),
    )
    .unwrap();
    let child = Command::new(nginx)
        .arg("-c")
        .arg(dir.0.join("nginx.conf"))
        .arg("-p")
        .arg(&dir.0)
        .arg("-e")
        .arg(dir.0.join("error.log"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start nginx");
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let started = Instant::now();
    while TcpStream::connect(addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "nginx did not start: {}",
            std::fs::read_to_string(dir.0.join("error.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    Front(TestApp {
        addr,
        child,
        dir,
        logs: Arc::new(Mutex::new(Vec::new())),
    })
}

fn cache_status(r: &Resp) -> String {
    r.header("X-Cache-Status").unwrap_or("-").to_string()
}

/// A sign-in through the proxy from the loopback address `from`: its status.
fn login_from(front: &TestApp, from: &str) -> u16 {
    let out = Command::new("curl")
        .args([
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "--interface",
            from,
        ])
        .args(["-H", "Content-Type: application/json", "--data"])
        .arg(json!({"username": "ada", "password": "wrong password"}).to_string())
        .arg(format!("http://{}/v1/auth/login", front.addr))
        .output()
        .expect("curl");
    String::from_utf8_lossy(&out.stdout).parse().unwrap_or(0)
}

#[test]
fn a_cache_in_front_serves_public_reads_and_nothing_private() {
    let Some(nginx) = nginx() else {
        skipped(
            "no nginx (apt-get install nginx, or set RESTUME_NGINX); the cache test did not run",
        );
        return;
    };
    let app = spawn_with(
        &[
            "--trusted-proxies",
            "127.0.0.1",
            "--limit-login-ip",
            "2:1/h",
        ],
        &[],
    );
    let front = front(&nginx, app.addr);
    let jwt = front.user("ada");
    front.patch(
        "/v1/me/profile",
        Cred::Jwt(&jwt),
        &json!({"headline": "Analyst of engines"}),
    );

    // public reads: the first fills the cache, the rest come from it
    let statuses: Vec<String> = (0..50)
        .map(|_| {
            let r = front.get("/v1/profiles/ada", Cred::None);
            assert_eq!(r.status, 200);
            assert_eq!(r.json()["profile"]["headline"], "Analyst of engines");
            cache_status(&r)
        })
        .collect();
    let hits = statuses.iter().filter(|s| *s == "HIT").count();
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("cache: {hits} of 50 public reads were cache hits\n").as_bytes(),
    );
    assert!(hits >= 45, "{statuses:?}");
    let r = front.get("/v1/profiles/ada", Cred::None);
    assert!(r.header("Cache-Control").unwrap().contains("s-maxage=5"));

    // owner routes go through every time and say no-store
    for _ in 0..3 {
        let r = front.get("/v1/me/account", Cred::Jwt(&jwt));
        assert_eq!(r.status, 200);
        assert_ne!(cache_status(&r), "HIT");
        assert_eq!(r.header("Cache-Control"), Some("no-store"));
    }
    let r = front.get("/v1/me/account", Cred::None);
    r.problem(401, "not_authenticated");

    // per-client limits behind the proxy: each client has its own bucket
    assert_eq!(login_from(&front, "127.0.0.2"), 401);
    assert_eq!(login_from(&front, "127.0.0.2"), 401);
    assert_eq!(login_from(&front, "127.0.0.2"), 429);
    assert_eq!(
        login_from(&front, "127.0.0.3"),
        401,
        "another client is not limited"
    );

    // a résumé made private leaves the cache within 10 s
    let r = front.patch(
        "/v1/me/profile",
        Cred::Jwt(&jwt),
        &json!({"is_public": false}),
    );
    assert_eq!(r.status, 200);
    let hidden = Instant::now();
    loop {
        let r = front.get("/v1/profiles/ada", Cred::None);
        if r.status == 404 {
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                format!(
                    "cache: gone from the cache {:.1} s after it went private\n",
                    hidden.elapsed().as_secs_f64()
                )
                .as_bytes(),
            );
            break;
        }
        assert!(
            hidden.elapsed() < Duration::from_secs(11),
            "still served {:?} after the profile went private",
            hidden.elapsed()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}
