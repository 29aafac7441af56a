//! API keys: shown once, stored as a hash, scoped to their owner, revocable, expiring.

use std::time::Duration;

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::helpers::*;

fn rfc3339_in(secs: i64) -> String {
    restume::time::rfc3339(restume::time::now() + secs)
}

#[test]
fn a_key_is_shown_once_and_stored_as_its_hash() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let r = app.post(
        "/v1/auth/api-keys",
        Cred::Jwt(&jwt),
        &json!({"name": "laptop"}),
    );
    assert_eq!(r.status, 201);
    let body = r.json();
    let raw = body["raw_key"].as_str().unwrap();
    assert!(raw.starts_with("rst_") && raw.len() == 36);
    assert!(raw[4..].chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(body["prefix"], &raw[..8]);
    assert_eq!(body["is_active"], true);
    assert_eq!(body["expires_at"], json!(null));
    let id = body["id"].as_str().unwrap();
    assert_eq!(
        r.header("Location"),
        Some(format!("/v1/auth/api-keys/{id}").as_str())
    );

    let list = app.get("/v1/auth/api-keys", Cred::Jwt(&jwt));
    let text = list.text();
    assert!(
        !text.contains(raw) && !text.contains("raw_key") && !text.contains("hash"),
        "{text}"
    );
    let items = list.json();
    assert_eq!(items.as_array().unwrap().len(), 1);
    assert_eq!(items[0]["name"], "laptop");
    assert_eq!(items[0]["prefix"], &raw[..8]);
    assert_eq!(items[0]["is_active"], true);
    assert_eq!(items[0]["last_used_at"], json!(null));

    // in the database: the SHA-256, never the key
    let db = open_db(&app.db_path());
    let stored: String = db
        .query_row("SELECT key_hash FROM api_keys", [], |r| r.get(0))
        .unwrap();
    let expected: String = Sha256::digest(raw.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(stored, expected);
    let dump: String = db
        .query_row(
            "SELECT group_concat(quote(id)||name||prefix||key_hash) FROM api_keys",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!dump.contains(raw));

    // using it marks it used
    assert_eq!(app.get("/v1/me/profile", Cred::Key(raw)).status, 200);
    let items = app.get("/v1/auth/api-keys", Cred::Jwt(&jwt)).json();
    assert!(items[0]["last_used_at"].is_string());
    // the raw key never reaches the log
    assert!(!app.settled_log().contains(raw));
}

#[test]
fn bad_key_requests_are_refused() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let r = app.post("/v1/auth/api-keys", Cred::Jwt(&jwt), &json!({}));
    assert_eq!(r.field_errors(), errs(&[("name", "required")]));
    let r = app.post(
        "/v1/auth/api-keys",
        Cred::Jwt(&jwt),
        &json!({"name": "x".repeat(101)}),
    );
    assert_eq!(r.field_errors(), errs(&[("name", "too_long")]));
    let r = app.post(
        "/v1/auth/api-keys",
        Cred::Jwt(&jwt),
        &json!({"name": "a", "expires_at": rfc3339_in(-60)}),
    );
    assert_eq!(r.field_errors(), errs(&[("expires_at", "not_in_future")]));
    let r = app.post(
        "/v1/auth/api-keys",
        Cred::Jwt(&jwt),
        &json!({"name": "a", "expires_at": "tomorrow"}),
    );
    assert_eq!(r.field_errors(), errs(&[("expires_at", "invalid_format")]));
    let r = app.post(
        "/v1/auth/api-keys",
        Cred::Jwt(&jwt),
        &json!({"name": "a", "scopes": ["all"]}),
    );
    assert_eq!(r.field_errors(), errs(&[("scopes", "unknown_field")]));
    let r = app.post("/v1/auth/api-keys", Cred::Jwt(&jwt), &json!({"name": 5}));
    assert_eq!(r.field_errors(), errs(&[("name", "wrong_type")]));
    assert_eq!(
        app.get("/v1/auth/api-keys", Cred::Jwt(&jwt)).json(),
        json!([])
    );
}

#[test]
fn revoked_keys_fail_from_the_next_request_on() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let key = app.key(&jwt);
    let other = app.key(&jwt);
    let id = app.get("/v1/auth/api-keys", Cred::Jwt(&jwt)).json()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        app.delete(&format!("/v1/auth/api-keys/{id}"), Cred::Jwt(&jwt))
            .status,
        204
    );
    app.get("/v1/me/profile", Cred::Key(&key))
        .problem(401, "invalid_api_key");
    assert_eq!(app.get("/v1/me/profile", Cred::Key(&other)).status, 200);
    let items = app.get("/v1/auth/api-keys", Cred::Jwt(&jwt)).json();
    assert_eq!(items[0]["is_active"], false);
    assert_eq!(items[1]["is_active"], true);
    app.delete("/v1/auth/api-keys/not-a-key", Cred::Jwt(&jwt))
        .problem(404, "not_found");
}

#[test]
fn another_users_key_is_a_404() {
    let app = spawn_app();
    let ada = app.user("ada");
    let bob = app.user("bob");
    let bob_key = app.key(&bob);
    let bob_key_id = app.get("/v1/auth/api-keys", Cred::Jwt(&bob)).json()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.delete(&format!("/v1/auth/api-keys/{bob_key_id}"), Cred::Jwt(&ada))
        .problem(404, "not_found");
    assert_eq!(
        app.get("/v1/auth/api-keys", Cred::Jwt(&ada)).json(),
        json!([])
    );
    assert_eq!(
        app.get("/v1/me/account", Cred::Key(&bob_key)).json()["username"],
        "bob"
    );
}

#[test]
fn an_expired_key_fails() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let r = app.post(
        "/v1/auth/api-keys",
        Cred::Jwt(&jwt),
        &json!({"name": "brief", "expires_at": rfc3339_in(2)}),
    );
    assert_eq!(r.status, 201);
    let key = r.json()["raw_key"].as_str().unwrap().to_string();
    assert_eq!(app.get("/v1/me/profile", Cred::Key(&key)).status, 200);
    std::thread::sleep(Duration::from_millis(3100));
    app.get("/v1/me/profile", Cred::Key(&key))
        .problem(401, "invalid_api_key");
    assert_eq!(
        app.get("/v1/auth/api-keys", Cred::Jwt(&jwt)).json()[0]["is_active"],
        false
    );
}
