//! SPEC §5: token buckets, their headers, 429s, exactness, persistence and
//! the client IP behind proxies.

use std::sync::Arc;

use serde_json::json;

use crate::helpers::*;

fn statuses(app: &TestApp, n: usize, f: impl Fn(&TestApp) -> Resp) -> Vec<u16> {
    (0..n).map(|_| f(app).status).collect()
}

#[test]
fn login_is_limited_per_ip_with_headers_and_retry_after() {
    let app = spawn_with(&["--limit-login-ip", "3:1/h"], &[]);
    app.user("ada");
    // user() logged in once already
    let r = app.login("ada", "wrong password");
    r.problem(401, "invalid_credentials");
    assert_eq!(r.header("RateLimit-Policy"), Some("\"login\";q=3;w=10800"));
    assert!(
        r.header("RateLimit")
            .unwrap()
            .starts_with("\"login\";r=1;t="),
        "{:?}",
        r.header("RateLimit")
    );
    assert_eq!(app.login("ada", "wrong password").status, 401);
    let r = app.login("ada", PASSWORD);
    let body = r.problem(429, "rate_limited");
    assert_eq!(body["status"], 429);
    let retry: u64 = r.header("Retry-After").unwrap().parse().unwrap();
    assert!(
        (3590..=3600).contains(&retry),
        "one token per hour: {retry}"
    );
    assert!(r.header("RateLimit").unwrap().starts_with("\"login\";r=0;"));
    // other routes are not affected
    assert_eq!(app.get("/health", Cred::None).status, 200);
}

#[test]
fn login_is_limited_per_account() {
    let app = spawn_with(&["--limit-login-account", "2:1/h"], &[]);
    app.user("ada"); // one login
    app.user("bob");
    assert_eq!(app.login("ADA", "wrong password").status, 401);
    app.login("ada", PASSWORD).problem(429, "rate_limited");
    assert_eq!(app.login("bob", PASSWORD).status, 200);
    // unknown accounts have buckets too, so they cannot be told apart
    assert_eq!(
        statuses(&app, 3, |a| a.login("ghost", "x")),
        [401, 401, 429]
    );
}

/// Found by an outside probe: `alice`, `ALICE` and `alice@example.com` each
/// had five tries of their own.
#[test]
fn every_spelling_of_an_account_shares_its_bucket() {
    let app = spawn_with(&["--limit-login-account", "3:1/h"], &[]);
    app.user("alice"); // one login
    assert_eq!(app.login("ALICE", "wrong password").status, 401);
    assert_eq!(
        app.login(" alice@EXAMPLE.com ", "wrong password").status,
        401
    );
    app.login("alice@example.com", PASSWORD)
        .problem(429, "rate_limited");
    app.login("Alice", PASSWORD).problem(429, "rate_limited");
}

/// Found by an outside probe: a 1 MB login name became a stored bucket key.
#[test]
fn a_huge_login_name_names_no_bucket() {
    let app = spawn_app();
    app.user("ada");
    let huge = "a".repeat(1_000_000);
    for body in [
        json!({"username": huge, "password": "x"}),
        json!({"username": format!("{}@example.com", "a".repeat(250)), "password": "x"}),
    ] {
        let r = app.post("/v1/auth/login", Cred::None, &body);
        assert_eq!(r.field_errors(), errs(&[("username", "too_long")]));
    }
    let r = app.post(
        "/v1/auth/login",
        Cred::None,
        &json!({"username": "ada", "password": "p".repeat(129)}),
    );
    assert_eq!(r.field_errors(), errs(&[("password", "too_long")]));
    // the longest real address still signs in as usual (wrongly, here)
    let longest = format!("{}@{}.com", "a".repeat(64), "b".repeat(185));
    assert_eq!(longest.len(), 254);
    app.login(&longest, "x").problem(401, "invalid_credentials");
    // what was kept: no key longer than the bound, in memory or on disk
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let (accounts, longest): (i64, i64) = loop {
        let seen = open_db(&app.db_path())
            .query_row(
                "SELECT count(*), coalesce(max(length(key)), 0) FROM buckets
                 WHERE key LIKE 'login-account:%'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        if seen.0 >= 2 || std::time::Instant::now() > deadline {
            break seen;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(
        accounts, 2,
        "ada's and the long address's buckets are written"
    );
    assert!(longest <= 100, "a bucket key of {longest} bytes");
}

#[test]
fn register_is_limited_per_ip_and_nothing_is_created() {
    let app = spawn_with(&["--limit-register", "2:1/h"], &[]);
    assert_eq!(app.register_as("one").status, 201);
    assert_eq!(app.register_as("two").status, 201);
    app.register_as("three").problem(429, "rate_limited");
    app.login("three", PASSWORD)
        .problem(401, "invalid_credentials");
}

#[test]
fn public_reads_are_limited_per_ip() {
    let app = spawn_with(&["--limit-public", "5:1/h"], &[]);
    app.user("ada");
    let mut remaining = Vec::new();
    for _ in 0..5 {
        let r = app.get("/v1/profiles/ada", Cred::None);
        assert_eq!(r.status, 200);
        remaining.push(
            r.header("RateLimit")
                .unwrap()
                .split(";r=")
                .nth(1)
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_string(),
        );
    }
    assert_eq!(remaining, ["4", "3", "2", "1", "0"]);
    app.get("/v1/profiles", Cred::None)
        .problem(429, "rate_limited");
    app.get("/v1/profiles/ada/skills", Cred::None)
        .problem(429, "rate_limited");
    assert_eq!(
        app.get("/health", Cred::None).status,
        200,
        "/health is never limited"
    );
}

#[test]
fn jwt_calls_have_their_own_bucket_and_never_spend_quota() {
    let app = spawn_with(&["--limit-jwt", "4:1/h"], &[]);
    let jwt = app.user("ada");
    let usage = app.get("/v1/me/usage", Cred::Jwt(&jwt)).json();
    assert_eq!(usage["buckets"]["api_key"]["remaining"], 60);
    assert_eq!(usage["buckets"]["api_key_daily"]["remaining"], 1000);
    assert_eq!(usage["api_key_requests_today"], 0);
    assert_eq!(usage["buckets"]["jwt"]["remaining"], 3);
    assert_eq!(
        statuses(&app, 4, |a| a.get("/v1/me/profile", Cred::Jwt(&jwt))),
        [200, 200, 200, 429]
    );
    // the key still works: its buckets are the owner's, not the JWT's
    let jwt2 = app.user("bob");
    let key = app.key(&jwt2);
    assert_eq!(app.get("/v1/me/profile", Cred::Key(&key)).status, 200);
}

#[test]
fn api_keys_spend_the_owners_minute_bucket() {
    let app = spawn_with(&["--plan-free-keys", "3:1/h,1000/d"], &[]);
    let jwt = app.user("ada");
    let k1 = app.key(&jwt);
    let k2 = app.key(&jwt);
    let r = app.get("/v1/me/profile", Cred::Key(&k1));
    assert_eq!(
        r.header("RateLimit-Policy"),
        Some("\"api_key\";q=3;w=10800")
    );
    assert_eq!(app.get("/v1/me/profile", Cred::Key(&k2)).status, 200);
    assert_eq!(app.get("/v1/me/profile", Cred::Key(&k1)).status, 200);
    // the bucket is the key owner's: a second key does not double it
    let r = app.get("/v1/me/profile", Cred::Key(&k2));
    r.problem(429, "rate_limited");
    assert!(r.header("Retry-After").unwrap().parse::<u64>().unwrap() >= 3000);
    // JWT calls go on, and see the quota spent
    let usage = app.get("/v1/me/usage", Cred::Jwt(&jwt)).json();
    assert_eq!(usage["buckets"]["api_key"]["remaining"], 0);
    assert_eq!(usage["buckets"]["api_key_daily"]["remaining"], 997);
    assert_eq!(usage["api_key_requests_today"], 3);
    // another user is unaffected
    let bob = app.user("bob");
    let bob_key = app.key(&bob);
    assert_eq!(app.get("/v1/me/profile", Cred::Key(&bob_key)).status, 200);
}

#[test]
fn the_daily_quota_runs_out_until_midnight() {
    let app = spawn_with(&["--plan-free-keys", "100:100/s,3/d"], &[]);
    let jwt = app.user("ada");
    let key = app.key(&jwt);
    assert_eq!(
        statuses(&app, 3, |a| a.get("/v1/me/account", Cred::Key(&key))),
        [200, 200, 200]
    );
    let r = app.get("/v1/me/account", Cred::Key(&key));
    r.problem(429, "quota_exceeded");
    let retry: u64 = r.header("Retry-After").unwrap().parse().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let to_midnight = 86_400 - now % 86_400;
    assert!(retry.abs_diff(to_midnight) <= 2, "{retry} vs {to_midnight}");
    assert_eq!(
        app.get("/v1/me/account", Cred::Jwt(&jwt)).json()["quota"]["api_key_requests_today"],
        3
    );
    // and the analytics count the key's requests
    let a = app.get("/v1/me/analytics?days=1", Cred::Jwt(&jwt)).json();
    assert_eq!(a["items"][0]["api_requests"], 3);
}

#[test]
fn parallel_requests_spend_exactly_the_burst() {
    let app = Arc::new(spawn_with(
        &["--limit-public", "10:1/h", "--threads", "8"],
        &[],
    ));
    app.user("ada");
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let app = Arc::clone(&app);
            std::thread::spawn(move || statuses(&app, 5, |a| a.get("/v1/profiles/ada", Cred::None)))
        })
        .collect();
    let all: Vec<u16> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    assert_eq!(all.iter().filter(|s| **s == 200).count(), 10, "{all:?}");
    assert_eq!(all.iter().filter(|s| **s == 429).count(), 30);
}

#[test]
fn an_empty_bucket_stays_empty_across_a_restart() {
    let mut app = spawn_with(&["--limit-login-ip", "2:1/h"], &[]);
    app.login("ada", "x");
    app.login("ada", "x");
    app.login("ada", "x").problem(429, "rate_limited");
    assert!(app.terminate().success());
    let again = spawn_in(app.dir.clone(), &["--limit-login-ip", "2:1/h"], &[]);
    again.login("ada", "x").problem(429, "rate_limited");
}

#[test]
fn forwarded_for_counts_only_from_trusted_proxies() {
    let app = spawn_with(&["--limit-public", "2:1/h"], &[]);
    app.user("ada");
    let spoofed = |ip: &str| {
        app.request("GET", "/v1/profiles/ada", &[("X-Forwarded-For", ip)], None)
            .status
    };
    assert_eq!(
        [spoofed("1.1.1.1"), spoofed("2.2.2.2"), spoofed("3.3.3.3")],
        [200, 200, 429]
    );

    let proxied = spawn_with(
        &["--limit-public", "2:1/h", "--trusted-proxies", "127.0.0.1"],
        &[],
    );
    proxied.user("ada");
    let via = |ip: &str| {
        proxied
            .request("GET", "/v1/profiles/ada", &[("X-Forwarded-For", ip)], None)
            .status
    };
    assert_eq!(
        [via("1.1.1.1"), via("1.1.1.1"), via("1.1.1.1")],
        [200, 200, 429]
    );
    assert_eq!(
        via("2.2.2.2"),
        200,
        "another client behind the proxy has its own bucket"
    );
    // a client cannot pick its address by prepending one: the proxy appends the real one
    assert_eq!(via("9.9.9.9, 1.1.1.1"), 429);
    assert_eq!(
        proxied.get("/v1/profiles/ada", Cred::None).status,
        200,
        "the proxy's own requests"
    );
}

#[test]
fn limits_are_settings() {
    let out = std::process::Command::new(bin())
        .args(["serve", "--limit-public", "lots"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("limit-public"));
    let _ = json!({});
}

#[test]
fn an_api_key_spends_the_quota_of_its_owners_plan() {
    let app = spawn_with(
        &[
            "--plan-free-keys",
            "2:1/h,1000/d",
            "--plan-pro-keys",
            "4:1/h,1000/d",
        ],
        &[],
    );
    let free = app.user("ada");
    let free_key = app.key(&free);
    let pro = app.user("bob");
    app.grant("bob", "pro");
    let pro_key = app.key(&pro);
    let spend = |key: &str| statuses(&app, 5, |a| a.get("/v1/me/profile", Cred::Key(key)));
    assert_eq!(spend(&free_key), [200, 200, 429, 429, 429]);
    assert_eq!(spend(&pro_key), [200, 200, 200, 200, 429]);
    let r = app.get("/v1/me/profile", Cred::Key(&pro_key));
    assert_eq!(
        r.header("RateLimit-Policy"),
        Some("\"api_key\";q=4;w=14400")
    );
}
