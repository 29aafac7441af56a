//! `/v1/me/account`: read, update, delete with everything owned.

use serde_json::json;

use crate::helpers::*;

#[test]
fn account_reads_the_same_with_jwt_or_key() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let key = app.key(&jwt);
    let mut a = app.get("/v1/me/account", Cred::Jwt(&jwt)).json();
    let mut b = app.get("/v1/me/account", Cred::Key(&key)).json();
    // the quota differs: the key call spent some of it
    assert_eq!(a["quota"]["api_key_requests_today"], 0);
    assert_eq!(b["quota"]["api_key_requests_today"], 1);
    a.as_object_mut().unwrap().remove("quota");
    let quota = b.as_object_mut().unwrap().remove("quota").unwrap();
    assert_eq!(a, b);
    assert_eq!(a["username"], "ada");
    assert_eq!(a["is_admin"], false);
    assert_eq!(a["plan"], "free");
    assert_eq!(a["plan_expires_on"], json!(null));
    assert_eq!(quota["buckets"]["api_key_daily"]["limit"], 1000);
    assert_eq!(quota["plan"], "free");
}

#[test]
fn account_patch_changes_email_and_name_only() {
    let app = spawn_app();
    let jwt = app.user("ada");
    app.user("bob");
    let r = app.patch(
        "/v1/me/account",
        Cred::Jwt(&jwt),
        &json!({"email": "ada@new.example", "full_name": "Ada L."}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    assert_eq!(body["email"], "ada@new.example");
    assert_eq!(body["full_name"], "Ada L.");
    assert_eq!(app.login("ada@new.example", PASSWORD).status, 200);

    app.patch(
        "/v1/me/account",
        Cred::Jwt(&jwt),
        &json!({"email": "BOB@example.com"}),
    )
    .problem(409, "email_taken");
    let r = app.patch(
        "/v1/me/account",
        Cred::Jwt(&jwt),
        &json!({"username": "eve", "is_admin": true}),
    );
    let mut errors = r.field_errors();
    errors.sort();
    assert_eq!(
        errors,
        errs(&[("is_admin", "unknown_field"), ("username", "unknown_field")])
    );
    let r = app.patch(
        "/v1/me/account",
        Cred::Jwt(&jwt),
        &json!({"full_name": null, "email": "nope"}),
    );
    let mut errors = r.field_errors();
    errors.sort();
    assert_eq!(
        errors,
        errs(&[("email", "invalid_format"), ("full_name", "not_nullable")])
    );
    let now = app.get("/v1/me/account", Cred::Jwt(&jwt)).json();
    assert_eq!(now["full_name"], "Ada L.");
    assert_eq!(now["is_admin"], false);
}

#[test]
fn account_delete_needs_the_password_and_removes_everything() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let key = app.key(&jwt);
    app.patch(
        "/v1/me/profile",
        Cred::Jwt(&jwt),
        &json!({"headline": "Engineer"}),
    );
    let r = app.call(
        "DELETE",
        "/v1/me/account",
        Cred::Jwt(&jwt),
        Some(&json!({"password": "wrong one"})),
    );
    assert_eq!(r.field_errors(), errs(&[("password", "incorrect")]));
    let r = app.call(
        "DELETE",
        "/v1/me/account",
        Cred::Jwt(&jwt),
        Some(&json!({})),
    );
    assert_eq!(r.field_errors(), errs(&[("password", "required")]));
    assert_eq!(app.get("/v1/me/account", Cred::Jwt(&jwt)).status, 200);

    let r = app.delete_account(&jwt);
    assert_eq!(r.status, 204);
    app.get("/v1/me/account", Cred::Jwt(&jwt))
        .problem(401, "invalid_token");
    app.get("/v1/me/account", Cred::Key(&key))
        .problem(401, "invalid_api_key");
    app.login("ada", PASSWORD)
        .problem(401, "invalid_credentials");
    let db = open_db(&app.db_path());
    for table in ["users", "profiles", "api_keys", "audit_events"] {
        let n: i64 = db
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0, "{table}");
    }
    // the name is free again
    assert_eq!(app.register_as("ada").status, 201);
}
