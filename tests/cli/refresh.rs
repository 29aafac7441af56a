//! A stored JWT past half its life is renewed with POST /v1/auth/refresh; a
//! younger one is left alone; an expired one asks to sign in again.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::Value;

use crate::helpers::{SECRET, User, server};

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn claims(token: &str) -> Value {
    let mut v = Validation::new(Algorithm::HS256);
    v.validate_exp = false;
    v.required_spec_claims.clear();
    jsonwebtoken::decode::<Value>(
        token,
        &DecodingKey::from_secret(SECRET.as_bytes()).unwrap(),
        &v,
    )
    .unwrap()
    .claims
}

/// The user's own token with other times, signed as the server signs.
fn retimed(u: &User, iat: i64, exp: i64) -> String {
    let mut c = claims(&u.token());
    c["iat"] = iat.into();
    c["exp"] = exp.into();
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &c,
        &EncodingKey::from_secret(SECRET.as_bytes()).unwrap(),
    )
    .unwrap();
    let mut creds = u.credentials();
    creds["servers"][&u.server]["token"] = token.clone().into();
    std::fs::write(u.config_dir().join("credentials.json"), creds.to_string()).unwrap();
    token
}

#[test]
fn a_token_past_half_its_life_is_refreshed() {
    let s = server(&[]);
    let u = User::new(&s);
    u.signup("ada");
    let t = now();
    let old = retimed(&u, t - 3000, t + 600);
    let me = u.cli(&["whoami", "--json"]).ok().json();
    assert_eq!(me["username"], "ada");
    let new = u.token();
    assert_ne!(new, old, "not refreshed");
    let c = claims(&new);
    assert!(c["exp"].as_i64().unwrap() >= t + 3590, "{c}");
    assert!(
        s.log_text().contains("POST /v1/auth/refresh"),
        "{}",
        s.log_text()
    );
    // the file stays private after the rewrite
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(u.config_dir().join("credentials.json"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn a_young_token_is_left_alone() {
    let s = server(&[]);
    let u = User::new(&s);
    u.signup("ada");
    let t = now();
    let young = retimed(&u, t - 60, t + 3540);
    u.cli(&["whoami"]).ok();
    assert_eq!(u.token(), young);
    assert!(!s.log_text().contains("/v1/auth/refresh"));
}

#[test]
fn an_expired_token_asks_to_sign_in_again() {
    let s = server(&[]);
    let u = User::new(&s);
    u.signup("ada");
    let t = now();
    retimed(&u, t - 4000, t - 400);
    let out = u.cli(&["skills"]).fails(4);
    assert!(
        out.stderr.contains("expired") && out.stderr.contains("restume login"),
        "{out:?}"
    );
    // nothing was sent with it
    assert!(
        !s.log_text().contains("GET /v1/me/skills"),
        "{}",
        s.log_text()
    );

    // a token the server no longer takes (signed out everywhere) fails its
    // refresh the same way
    let u = User::new(&s);
    u.signup("bob");
    let t = now();
    let token = retimed(&u, t - 3000, t + 600);
    assert_eq!(s.http("POST", "/v1/auth/logout", Some(&token), None).0, 204);
    let out = u.cli(&["whoami"]).fails(4);
    assert!(out.stderr.contains("expired"), "{out:?}");
}
