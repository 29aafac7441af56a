//! SPEC §2: registration, sign-in, tokens, and the route/credential matrix.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

use crate::helpers::*;

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn b64url(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (*b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// Claims for `username` as the server would issue them, with the user's real stamp.
fn claims(app: &TestApp, username: &str) -> Value {
    let db = open_db(&app.db_path());
    let (id, stamp): (String, String) = db
        .query_row(
            "SELECT id, security_stamp FROM users WHERE username = ?1",
            [username],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    json!({"sub": id, "username": username, "adm": false, "stamp": stamp, "iat": now(), "exp": now() + 600})
}

fn forge(alg: Algorithm, claims: &Value, secret: &str) -> String {
    encode(
        &Header::new(alg),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()).unwrap(),
    )
    .unwrap()
}

#[test]
fn register_answers_the_account_and_refuses_duplicates() {
    let app = spawn_app();
    let r = app.register_as("ada");
    assert_eq!(r.status, 201);
    assert_eq!(r.header("Location"), Some("/v1/me/account"));
    let body = r.json();
    assert_eq!(body["username"], "ada");
    assert_eq!(body["email"], "ada@example.com");
    assert_eq!(body["full_name"], "ada Example");
    assert!(
        body["id"].as_str().unwrap().len() == 36
            && body["created_at"].as_str().unwrap().ends_with('Z')
    );
    assert!(body.get("password").is_none() && body.get("password_hash").is_none());

    let again = |username: &str, email: &str| {
        app.post(
            "/v1/auth/register",
            Cred::None,
            &json!({"username": username, "email": email, "password": PASSWORD, "full_name": "X"}),
        )
    };
    again("ADA", "other@example.com").problem(409, "username_taken");
    again("grace", "ADA@Example.com").problem(409, "email_taken");
    for (name, code) in [
        ("admin", "reserved"),
        ("Me", "reserved"),
        ("ab", "too_short"),
        ("a b c", "invalid_format"),
    ] {
        let r = again(name, "new@example.com");
        assert_eq!(
            r.field_errors(),
            vec![("username".to_string(), code.to_string())],
            "{name}"
        );
    }
    let r = app.post(
        "/v1/auth/register",
        Cred::None,
        &json!({"username": "grace", "email": "g@example.com", "password": "short", "full_name": ""}),
    );
    let mut errors = r.field_errors();
    errors.sort();
    assert_eq!(
        errors,
        errs(&[("full_name", "too_short"), ("password", "too_short")])
    );
}

#[test]
fn login_by_username_or_email() {
    let app = spawn_app();
    app.user("ada");
    for who in ["ada", "ADA", "ada@example.com", "Ada@Example.com"] {
        let r = app.login(who, PASSWORD);
        assert_eq!(r.status, 200, "{who}: {}", r.text());
        let body = r.json();
        assert_eq!(body["token_type"], "bearer");
        assert_eq!(body["expires_in"], 3600);
        let token = body["access_token"].as_str().unwrap();
        assert_eq!(
            app.get("/v1/me/account", Cred::Jwt(token)).json()["username"],
            "ada"
        );
    }
}

#[test]
fn wrong_password_and_unknown_user_look_the_same() {
    let app = spawn_app();
    app.user("ada");
    let wrong = app.login("ada", "wrong password");
    let unknown = app.login("nobody", "wrong password");
    let a = wrong.problem(401, "invalid_credentials");
    let b = unknown.problem(401, "invalid_credentials");
    assert_eq!(a, b);
    assert_eq!(
        wrong.header("WWW-Authenticate"),
        unknown.header("WWW-Authenticate")
    );
    // wrong sign-in details are no bad access token (RFC 6750 §3)
    assert_eq!(
        wrong.header("WWW-Authenticate"),
        Some("Bearer realm=\"restume\"")
    );
    let r = app.post("/v1/auth/login", Cred::None, &json!({"username": "ada"}));
    assert_eq!(r.field_errors(), errs(&[("password", "required")]));
}

/// An unknown account still costs one bcrypt verification, so timing does not
/// tell which accounts exist. (Cost 10: a verification is tens of
/// milliseconds, far above an answer without one.) The two kinds of attempt
/// are interleaved and their medians compared, so a busy machine slows both.
#[test]
fn unknown_user_takes_as_long_as_a_wrong_password() {
    let app = spawn_with(&["--bcrypt-cost", "10"], &[]);
    app.user("ada");
    let timed = |f: &dyn Fn()| {
        let t = Instant::now();
        f();
        t.elapsed()
    };
    let (mut known, mut unknown, mut plain) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..7 {
        known.push(timed(&|| {
            assert_eq!(app.login("ada", "wrong password").status, 401)
        }));
        unknown.push(timed(&|| {
            assert_eq!(app.login("nobody", "wrong password").status, 401)
        }));
        plain.push(timed(&|| {
            assert_eq!(app.get("/health", Cred::None).status, 200)
        }));
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (k, u, p) = (median(&mut known), median(&mut unknown), median(&mut plain));
    assert!(u * 3 > k && k * 3 > u, "unknown {u:?} vs known {k:?}");
    assert!(
        u > p * 5,
        "an unknown user costs a hash: {u:?} vs a plain request {p:?}"
    );
}

#[test]
fn every_password_character_counts() {
    let app = spawn_app();
    let long = "p".repeat(72);
    let r = app.post(
        "/v1/auth/register",
        Cred::None,
        &json!({"username": "longpw", "email": "l@example.com", "password": format!("{long}-one"), "full_name": "L"}),
    );
    assert_eq!(r.status, 201);
    app.login("longpw", &format!("{long}-two"))
        .problem(401, "invalid_credentials");
    app.login("longpw", &long)
        .problem(401, "invalid_credentials");
    assert_eq!(app.login("longpw", &format!("{long}-one")).status, 200);
    // 128 characters is the most, in characters not bytes
    let r = app.post(
        "/v1/auth/register",
        Cred::None,
        &json!({"username": "unicode", "email": "u@example.com", "password": "é".repeat(128), "full_name": "U"}),
    );
    assert_eq!(r.status, 201);
    assert_eq!(app.login("unicode", &"é".repeat(128)).status, 200);
    let r = app.post(
        "/v1/auth/register",
        Cred::None,
        &json!({"username": "toolong", "email": "t@example.com", "password": "x".repeat(129), "full_name": "T"}),
    );
    assert_eq!(r.field_errors(), errs(&[("password", "too_long")]));
}

#[test]
fn refresh_gives_a_working_token() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let r = app.post("/v1/auth/refresh", Cred::Jwt(&jwt), &json!({}));
    assert_eq!(r.status, 200);
    let fresh = r.json()["access_token"].as_str().unwrap().to_string();
    assert_eq!(app.get("/v1/me/account", Cred::Jwt(&fresh)).status, 200);
    assert_eq!(app.get("/v1/me/account", Cred::Jwt(&jwt)).status, 200);
}

#[test]
fn logout_revokes_every_jwt_of_the_user() {
    let app = spawn_app();
    let first = app.user("ada");
    let second = app.jwt("ada");
    let key = app.key(&first);
    let r = app.call("POST", "/v1/auth/logout", Cred::Jwt(&first), None);
    assert_eq!(r.status, 204);
    for t in [&first, &second] {
        app.get("/v1/me/account", Cred::Jwt(t))
            .problem(401, "invalid_token");
    }
    // API keys are not sessions: they live on until revoked
    assert_eq!(app.get("/v1/me/account", Cred::Key(&key)).status, 200);
    let again = app.jwt("ada");
    assert_eq!(app.get("/v1/me/account", Cred::Jwt(&again)).status, 200);
}

#[test]
fn password_change_needs_the_current_one_and_revokes_old_tokens() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let r = app.post(
        "/v1/auth/password",
        Cred::Jwt(&jwt),
        &json!({"current_password": "not it at all", "new_password": "a brand new one"}),
    );
    assert_eq!(r.field_errors(), errs(&[("current_password", "incorrect")]));
    let r = app.post(
        "/v1/auth/password",
        Cred::Jwt(&jwt),
        &json!({"current_password": PASSWORD, "new_password": "short"}),
    );
    assert_eq!(r.field_errors(), errs(&[("new_password", "too_short")]));
    assert_eq!(
        app.get("/v1/me/account", Cred::Jwt(&jwt)).status,
        200,
        "a refused change revokes nothing"
    );

    let r = app.post(
        "/v1/auth/password",
        Cred::Jwt(&jwt),
        &json!({"current_password": PASSWORD, "new_password": "a brand new one"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let fresh = r.json()["access_token"].as_str().unwrap().to_string();
    app.get("/v1/me/account", Cred::Jwt(&jwt))
        .problem(401, "invalid_token");
    assert_eq!(app.get("/v1/me/account", Cred::Jwt(&fresh)).status, 200);
    app.login("ada", PASSWORD)
        .problem(401, "invalid_credentials");
    assert_eq!(app.login("ada", "a brand new one").status, 200);
}

#[test]
fn the_credential_matrix() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let key = app.key(&jwt);
    let good = claims(&app, "ada");

    // no credential
    let r = app.get("/v1/me/account", Cred::None);
    r.problem(401, "not_authenticated");
    assert_eq!(
        r.header("WWW-Authenticate"),
        Some("Bearer realm=\"restume\"")
    );
    app.post("/v1/auth/refresh", Cred::None, &json!({}))
        .problem(401, "not_authenticated");
    app.get("/v1/auth/api-keys", Cred::None)
        .problem(401, "not_authenticated");

    // bad JWTs of every kind
    let mut expired = good.clone();
    expired["iat"] = json!(now() - 7200);
    expired["exp"] = json!(now() - 5);
    let (head, rest) = jwt.split_once('.').unwrap();
    let (payload, sig) = rest.split_once('.').unwrap();
    let mut tampered_claims = good.clone();
    tampered_claims["sub"] = json!("someone-else");
    let tampered = format!(
        "{head}.{}.{sig}",
        b64url(tampered_claims.to_string().as_bytes())
    );
    let none = format!("{}.{payload}.", b64url(br#"{"alg":"none","typ":"JWT"}"#));
    let bad_tokens = [
        "garbage".to_string(),
        format!("{jwt}x"),
        forge(Algorithm::HS256, &expired, SECRET),
        tampered,
        none,
        forge(Algorithm::HS512, &good, SECRET),
        forge(
            Algorithm::HS256,
            &good,
            "another-secret-another-secret-another-secret",
        ),
    ];
    // the forging itself is right: the same claims, properly signed, pass
    assert_eq!(
        app.get(
            "/v1/me/account",
            Cred::Jwt(&forge(Algorithm::HS256, &good, SECRET))
        )
        .status,
        200
    );
    for t in &bad_tokens {
        let r = app.get("/v1/me/account", Cred::Jwt(t));
        r.problem(401, "invalid_token");
        assert!(r.header("WWW-Authenticate").unwrap().starts_with("Bearer"));
    }
    let r = app.request(
        "GET",
        "/v1/me/account",
        &[("Authorization", "Basic YWRhOnB3")],
        None,
    );
    r.problem(401, "invalid_token");

    // keys: as X-API-Key and as a Bearer value; unknown ones refused
    assert_eq!(app.get("/v1/me/profile", Cred::Key(&key)).status, 200);
    assert_eq!(app.get("/v1/me/profile", Cred::Jwt(&key)).status, 200);
    app.get(
        "/v1/me/profile",
        Cred::Key("rst_doesnotexist0000000000000000000"),
    )
    .problem(401, "invalid_api_key");
    app.get("/v1/me/profile", Cred::Key("not-even-a-key"))
        .problem(401, "invalid_api_key");

    // a key on JWT-only routes
    app.post("/v1/auth/refresh", Cred::Key(&key), &json!({}))
        .problem(403, "jwt_required");
    app.get("/v1/auth/api-keys", Cred::Key(&key))
        .problem(403, "jwt_required");
    app.post("/v1/auth/api-keys", Cred::Key(&key), &json!({"name": "x"}))
        .problem(403, "jwt_required");
    app.call("POST", "/v1/auth/logout", Cred::Key(&key), None)
        .problem(403, "jwt_required");
    app.post("/v1/auth/password", Cred::Key(&key), &json!({}))
        .problem(403, "jwt_required");

    // both sent: the JWT is used, so a revoked key beside a good JWT still passes
    let id = app.get("/v1/auth/api-keys", Cred::Jwt(&jwt)).json()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        app.delete(&format!("/v1/auth/api-keys/{id}"), Cred::Jwt(&jwt))
            .status,
        204
    );
    let auth = format!("Bearer {jwt}");
    let r = app.request(
        "GET",
        "/v1/me/account",
        &[("Authorization", &auth), ("X-API-Key", &key)],
        None,
    );
    assert_eq!(r.status, 200);
    app.get("/v1/me/account", Cred::Key(&key))
        .problem(401, "invalid_api_key");
}
