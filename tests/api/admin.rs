//! SPEC §6: the admin API and the operator's commands.

use serde_json::{Value, json};

use crate::helpers::*;

const ADMIN_ROUTES: &[(&str, &str)] = &[
    ("GET", "/v1/admin/kpis"),
    ("GET", "/v1/admin/users"),
    ("GET", "/v1/admin/users/ada"),
    ("PATCH", "/v1/admin/users/ada"),
    ("POST", "/v1/admin/users/ada/password-reset"),
    ("POST", "/v1/admin/grants"),
    ("POST", "/v1/admin/grants/revoke"),
    ("GET", "/v1/admin/search-index"),
    ("POST", "/v1/admin/search-index/rebuild"),
    ("GET", "/v1/admin/blog/posts"),
    ("POST", "/v1/admin/blog/posts"),
    ("GET", "/v1/admin/blog/posts/x"),
    ("PUT", "/v1/admin/blog/posts/x"),
    ("DELETE", "/v1/admin/blog/posts/x"),
    ("POST", "/v1/admin/blog/import"),
];

fn actions(app: &TestApp) -> Vec<String> {
    let db = open_db(&app.db_path());
    let mut stmt = db
        .prepare("SELECT action FROM audit_events ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn admin_routes_refuse_keys_and_other_users() {
    let app = spawn_app();
    let admin = app.admin("boss");
    let admin_key = app.key(&admin);
    let user = app.user("ada");
    for (method, path) in ADMIN_ROUTES {
        let body = json!({});
        app.call(method, path, Cred::Jwt(&user), Some(&body))
            .problem(403, "admin_required");
        app.call(method, path, Cred::Key(&admin_key), Some(&body))
            .problem(403, "jwt_required");
        app.call(method, path, Cred::None, Some(&body))
            .problem(401, "not_authenticated");
        let r = app.call(method, path, Cred::Jwt(&admin), Some(&body));
        assert!(
            r.status != 401 && r.status != 403,
            "{method} {path}: {}",
            r.status
        );
    }
    // promotion holds from the next request on, and so does demotion
    assert_eq!(app.cli(&["admin", "promote", "ada"]).status.code(), Some(0));
    assert_eq!(app.get("/v1/admin/kpis", Cred::Jwt(&user)).status, 200);
    assert_eq!(app.cli(&["admin", "demote", "ada"]).status.code(), Some(0));
    app.get("/v1/admin/kpis", Cred::Jwt(&user))
        .problem(403, "admin_required");
}

#[test]
fn kpis_count_users_grants_and_traffic() {
    let app = spawn_app();
    let admin = app.admin("boss");
    app.user("ada");
    app.user("bob");
    app.grant("ada", "pro");
    for _ in 0..3 {
        app.get("/v1/profiles/bob", Cred::None);
    }
    let k = app
        .get("/v1/admin/kpis?window_days=7", Cred::Jwt(&admin))
        .json();
    assert_eq!(k["window_days"], 7);
    assert_eq!(k["users"]["total"], 4, "{k}"); // boss, ada, bob, root-admin
    assert_eq!(k["users"]["new"], 4);
    assert_eq!(
        k["users"]["by_plan"],
        json!({"free": 3, "pro": 1, "recruiter": 0})
    );
    assert!(k["users"]["active"].as_i64().unwrap() >= 3);
    assert_eq!(k["billing"]["active_grants"], 1);
    assert_eq!(k["billing"]["new_grants"], 1);
    assert_eq!(k["billing"]["expiring_soon"], 0);
    assert_eq!(k["traffic"]["views"], 3);
    assert_eq!(
        app.get("/v1/admin/kpis?window_days=0", Cred::Jwt(&admin))
            .json()["window_days"],
        1
    );
    assert_eq!(
        app.get("/v1/admin/kpis?window_days=5000", Cred::Jwt(&admin))
            .json()["window_days"],
        365
    );
    app.get("/v1/admin/kpis?window_days=week", Cred::Jwt(&admin))
        .problem(422, "validation_failed");
}

#[test]
fn user_search_and_drill_down() {
    let app = spawn_app();
    let admin = app.admin("boss");
    for u in ["ada", "adam", "bob"] {
        app.user(u);
    }
    app.grant("bob", "recruiter");
    let list = |q: &str| {
        app.get(&format!("/v1/admin/users?{q}"), Cred::Jwt(&admin))
            .json()
    };
    let names = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["username"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&list("q=ada")), ["ada", "adam"]);
    assert_eq!(names(&list("q=BOB%40example")), ["bob"]);
    assert_eq!(names(&list("plan=recruiter")), ["bob"]);
    assert_eq!(names(&list("has_grant=true")), ["bob"]);
    assert_eq!(names(&list("is_admin=true")), ["boss", "root-admin"]);
    let page = list("limit=2&offset=1");
    assert_eq!(
        (page["result_count"].clone(), page["total"].clone()),
        (json!(2), json!(5))
    );
    assert_eq!(page["filters"]["q"], json!(null));
    assert_eq!(
        list("plan=pro&q=x")["filters"],
        json!({"q": "x", "plan": "pro", "has_grant": null, "is_admin": null})
    );
    app.get("/v1/admin/users?plan=gold", Cred::Jwt(&admin))
        .problem(422, "validation_failed");
    // the document says at most 200 characters: 200 pass, 201 do not
    assert_eq!(list(&format!("q={}", "a".repeat(200)))["total"], 0);
    let long = app.get(
        &format!("/v1/admin/users?q={}", "a".repeat(201)),
        Cred::Jwt(&admin),
    );
    long.problem(422, "validation_failed");
    assert_eq!(long.field_errors(), errs(&[("q", "too_long")]));
    app.get("/v1/admin/users?is_admin=maybe", Cred::Jwt(&admin))
        .problem(422, "validation_failed");

    let d = app.get("/v1/admin/users/BOB", Cred::Jwt(&admin)).json();
    assert_eq!(d["user"]["plan"], "recruiter");
    assert_eq!(d["manual_grants"].as_array().unwrap().len(), 1);
    assert_eq!(d["subscriptions"], json!([]));
    let timeline: Vec<&str> = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        timeline,
        ["plan.grant", "auth.login", "user.register"],
        "newest first"
    );
    assert!(d["timeline"][0]["actor_id"].is_string());
    assert_eq!(d["timeline"][1]["ip"], "127.0.0.1");
    app.get("/v1/admin/users/nobody", Cred::Jwt(&admin))
        .problem(404, "not_found");
}

#[test]
fn a_disabled_user_is_locked_out_at_once() {
    let app = spawn_app();
    let admin = app.admin("boss");
    let jwt = app.user("ada");
    let key = app.key(&jwt);
    assert_eq!(app.get("/v1/profiles/ada", Cred::None).status, 200);
    let r = app.patch(
        "/v1/admin/users/ada",
        Cred::Jwt(&admin),
        &json!({"is_disabled": true}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["is_disabled"], true);
    app.get("/v1/me/account", Cred::Jwt(&jwt))
        .problem(401, "invalid_token");
    app.get("/v1/me/account", Cred::Key(&key))
        .problem(401, "invalid_api_key");
    app.login("ada", PASSWORD)
        .problem(401, "invalid_credentials");
    app.get("/v1/profiles/ada", Cred::None)
        .problem(404, "not_found");
    app.patch(
        "/v1/admin/users/ada",
        Cred::Jwt(&admin),
        &json!({"is_disabled": false}),
    );
    assert_eq!(
        app.get("/v1/me/account", Cred::Key(&key)).status,
        200,
        "keys come back with the account"
    );
    assert_eq!(app.login("ada", PASSWORD).status, 200);
    assert_eq!(app.get("/v1/profiles/ada", Cred::None).status, 200);
    let r = app.patch(
        "/v1/admin/users/ada",
        Cred::Jwt(&admin),
        &json!({"is_admin": "yes", "role": "x"}),
    );
    let mut errors = r.field_errors();
    errors.sort();
    assert_eq!(
        errors,
        errs(&[("is_admin", "wrong_type"), ("role", "unknown_field")])
    );
    app.patch(
        "/v1/admin/users/nobody",
        Cred::Jwt(&admin),
        &json!({"is_admin": true}),
    )
    .problem(404, "not_found");
    assert!(
        actions(&app)
            .iter()
            .filter(|a| *a == "admin.user_update")
            .count()
            == 2
    );
}

#[test]
fn password_reset_tokens_are_one_time_and_expire() {
    let app = spawn_app();
    let admin = app.admin("boss");
    let jwt = app.user("ada");
    let issue = || {
        let r = app.post(
            "/v1/admin/users/ada/password-reset",
            Cred::Jwt(&admin),
            &json!({}),
        );
        assert_eq!(r.status, 201, "{}", r.text());
        let b = r.json();
        assert!(b["expires_at"].as_str().unwrap().ends_with('Z'));
        b["reset_token"].as_str().unwrap().to_string()
    };
    let reset = |token: &str, pw: &str| {
        app.post(
            "/v1/auth/password/reset",
            Cred::None,
            &json!({"token": token, "new_password": pw}),
        )
    };
    let token = issue();
    assert!(token.starts_with("rsr_") && token.len() > 40);
    assert_eq!(reset(&token, "a whole new password").status, 204);
    app.get("/v1/me/account", Cred::Jwt(&jwt))
        .problem(401, "invalid_token");
    app.login("ada", PASSWORD)
        .problem(401, "invalid_credentials");
    assert_eq!(app.login("ada", "a whole new password").status, 200);
    let again = reset(&token, "yet another password");
    assert_eq!(
        again.field_errors(),
        errs(&[("token", "invalid_or_expired")])
    );

    let late = issue();
    open_db(&app.db_path())
        .execute(
            "UPDATE password_resets SET expires_at = 0 WHERE used_at IS NULL",
            [],
        )
        .unwrap();
    assert_eq!(
        reset(&late, "yet another password").field_errors()[0].1,
        "invalid_or_expired"
    );
    assert_eq!(
        reset("rsr_made_up", "yet another password").field_errors()[0].1,
        "invalid_or_expired"
    );
    let fresh = issue();
    assert_eq!(
        reset(&fresh, "short").field_errors(),
        errs(&[("new_password", "too_short")])
    );
    assert_eq!(
        reset(&fresh, "long enough now").status,
        204,
        "a refused attempt does not spend the token"
    );
    // the tokens are kept only as hashes, and never logged or audited
    let db = open_db(&app.db_path());
    let dump: String = db
        .query_row(
            "SELECT group_concat(token_hash) FROM password_resets",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let audit: String = db
        .query_row(
            "SELECT group_concat(action || detail) FROM audit_events",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let logs = app.settled_log();
    for t in [&token, &late, &fresh] {
        assert!(
            !dump.contains(t.as_str()) && !audit.contains(t.as_str()) && !logs.contains(t.as_str())
        );
    }
    assert!(audit.contains("admin.password_reset_issued") && audit.contains("auth.password_reset"));
}

#[test]
fn the_search_index_can_be_checked_and_rebuilt() {
    let app = spawn_app();
    let admin = app.admin("boss");
    let jwt = app.user("ada");
    app.post(
        "/v1/me/skills",
        Cred::Jwt(&jwt),
        &json!({"name": "Fortran"}),
    );
    let status = app.get("/v1/admin/search-index", Cred::Jwt(&admin)).json();
    assert_eq!(status["in_sync"], true, "{status}");
    assert_eq!(status["documents"], 2);
    assert_eq!(status["public_profiles"], 2);
    assert_eq!(status["last_rebuilt_at"], json!(null));
    open_db(&app.db_path())
        .execute("DELETE FROM search_index", [])
        .unwrap();
    assert_eq!(
        app.get("/v1/admin/search-index", Cred::Jwt(&admin)).json()["in_sync"],
        false
    );
    assert_eq!(
        app.get("/v1/profiles?q=fortran", Cred::None).json()["total"],
        0
    );
    let r = app.post(
        "/v1/admin/search-index/rebuild",
        Cred::Jwt(&admin),
        &json!({}),
    );
    assert_eq!(r.status, 200);
    let status = r.json();
    assert_eq!(
        (status["in_sync"].clone(), status["documents"].clone()),
        (json!(true), json!(2))
    );
    assert!(status["last_rebuilt_at"].is_string());
    assert_eq!(
        app.get("/v1/profiles?q=fortran", Cred::None).json()["total"],
        1
    );
    assert!(actions(&app).contains(&"admin.search_rebuild".to_string()));
}

#[test]
fn blog_posts_from_draft_to_published() {
    let app = spawn_app();
    let admin = app.admin("boss");
    let post = json!({"slug": "hello-world", "title": "Hello", "summary": "First", "body_markdown": "# Hi\n\nThere.", "status": "draft"});
    let r = app.post("/v1/admin/blog/posts", Cred::Jwt(&admin), &post);
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(
        r.header("Location"),
        Some("/v1/admin/blog/posts/hello-world")
    );
    assert_eq!(r.json()["published_at"], json!(null));
    app.post("/v1/admin/blog/posts", Cred::Jwt(&admin), &post)
        .problem(409, "slug_taken");
    assert_eq!(app.get("/v1/blog", Cred::None).json()["total"], 0);
    app.get("/v1/blog/hello-world", Cred::None)
        .problem(404, "not_found");
    let list = app.get("/v1/admin/blog/posts", Cred::Jwt(&admin)).json();
    assert_eq!(
        (list["total"].clone(), list["items"][0]["status"].clone()),
        (json!(1), json!("draft"))
    );
    assert_eq!(
        app.get("/v1/admin/blog/posts/hello-world", Cred::Jwt(&admin))
            .json()["title"],
        "Hello"
    );

    let mut published = post.clone();
    published["status"] = json!("published");
    published["title"] = json!("Hello, world");
    let r = app.call(
        "PUT",
        "/v1/admin/blog/posts/hello-world",
        Cred::Jwt(&admin),
        Some(&published),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.json()["published_at"].is_string());
    let public = app.get("/v1/blog", Cred::None).json();
    assert_eq!(
        (public["total"].clone(), public["items"][0]["title"].clone()),
        (json!(1), json!("Hello, world"))
    );
    assert_eq!(
        app.get("/v1/blog/hello-world", Cred::None).json()["body_markdown"],
        "# Hi\n\nThere."
    );

    let mut renamed = published.clone();
    renamed["slug"] = json!("other");
    assert_eq!(
        app.call(
            "PUT",
            "/v1/admin/blog/posts/hello-world",
            Cred::Jwt(&admin),
            Some(&renamed)
        )
        .field_errors()[0]
            .1,
        "immutable"
    );
    let mut unslugged = published.clone();
    unslugged.as_object_mut().unwrap().remove("slug");
    app.call(
        "PUT",
        "/v1/admin/blog/posts/missing",
        Cred::Jwt(&admin),
        Some(&unslugged),
    )
    .problem(404, "not_found");
    for (bad, field) in [
        (
            json!({"slug": "Bad Slug", "title": "t", "body_markdown": "b"}),
            "slug",
        ),
        (json!({"slug": "ok", "body_markdown": "b"}), "title"),
        (
            json!({"slug": "ok", "title": "t", "body_markdown": "b", "status": "live"}),
            "status",
        ),
        (
            json!({"slug": "ok", "title": "t", "body_markdown": "b", "author": "me"}),
            "author",
        ),
    ] {
        let errors = app
            .post("/v1/admin/blog/posts", Cred::Jwt(&admin), &bad)
            .field_errors();
        assert!(errors.iter().any(|(f, _)| f == field), "{bad}: {errors:?}");
    }
    assert_eq!(
        app.delete("/v1/admin/blog/posts/hello-world", Cred::Jwt(&admin))
            .status,
        204
    );
    app.delete("/v1/admin/blog/posts/hello-world", Cred::Jwt(&admin))
        .problem(404, "not_found");
    assert_eq!(app.get("/v1/blog", Cred::None).json()["total"], 0);
    let a = actions(&app);
    for action in ["blog.create", "blog.update", "blog.delete"] {
        assert!(a.contains(&action.to_string()), "{action}");
    }
}

/// A control character is reported once, as what it is, not also as a
/// missing field (found by a schema fuzzer).
#[test]
fn blog_fields_with_control_characters_get_one_error_each() {
    let app = spawn_app();
    let admin = app.admin("boss");
    let bad = json!({"slug": "ctl", "title": "Hi\u{7}", "body_markdown": "x\u{1b}[31m", "status": "draft"});
    let r = app.post("/v1/admin/blog/posts", Cred::Jwt(&admin), &bad);
    r.problem(422, "validation_failed");
    assert_eq!(
        r.field_errors(),
        errs(&[
            ("title", "invalid_characters"),
            ("body_markdown", "invalid_characters")
        ])
    );
    let r = app.call(
        "PUT",
        "/v1/admin/blog/posts/ctl",
        Cred::Jwt(&admin),
        Some(&bad),
    );
    r.problem(422, "validation_failed");
    assert_eq!(
        r.field_errors(),
        errs(&[
            ("title", "invalid_characters"),
            ("body_markdown", "invalid_characters")
        ])
    );
    // a missing one is still reported as missing
    let r = app.post(
        "/v1/admin/blog/posts",
        Cred::Jwt(&admin),
        &json!({"slug": "ctl", "title": "Hi\u{7}"}),
    );
    assert_eq!(
        r.field_errors(),
        errs(&[
            ("title", "invalid_characters"),
            ("body_markdown", "required")
        ])
    );
    assert_eq!(
        app.get("/v1/admin/blog/posts", Cred::Jwt(&admin)).json()["total"],
        0
    );
}

#[test]
fn blog_posts_import_from_markdown() {
    let app = spawn_app();
    let admin = app.admin("boss");
    let auth = format!("Bearer {admin}");
    let import = |doc: &str, ctype: &str| {
        app.request(
            "POST",
            "/v1/admin/blog/import",
            &[("Authorization", &auth), ("Content-Type", ctype)],
            Some(doc.as_bytes()),
        )
    };
    let doc = "---\ntitle: \"Release 1.0: done\"\nslug: release-1\nsummary: It shipped\nstatus: published\n---\n\nWe **shipped**.\n";
    let r = import(doc, "text/markdown");
    assert_eq!(r.status, 201, "{}", r.text());
    let post = r.json();
    assert_eq!(post["title"], "Release 1.0: done");
    assert_eq!(post["body_markdown"], "We **shipped**.\n");
    assert_eq!(
        app.get("/v1/blog/release-1", Cred::None).json()["summary"],
        "It shipped"
    );
    let r = import(
        &doc.replace("It shipped", "It really shipped"),
        "text/markdown; charset=utf-8",
    );
    assert_eq!(r.status, 200, "an import of a known slug updates it");
    assert_eq!(
        app.get("/v1/blog/release-1", Cred::None).json()["summary"],
        "It really shipped"
    );
    assert_eq!(
        import("# no front matter", "text/markdown").field_errors()[0].0,
        "front_matter"
    );
    assert_eq!(
        import(
            "---\ntitle: t\nslug: s\ncolour: red\n---\nbody",
            "text/markdown"
        )
        .field_errors()[0]
            .0,
        "colour"
    );
    assert_eq!(
        import("---\nslug: s\n---\nbody", "text/markdown").field_errors()[0].0,
        "title"
    );
    import(doc, "application/json").problem(415, "unsupported_media_type");
}

#[test]
fn the_operator_creates_users_and_reset_tokens() {
    let app = spawn_app();
    let out = app.cli(&[
        "admin",
        "create-user",
        "carol",
        "carol@example.com",
        "--full-name",
        "Carol C",
        "--admin",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        text.contains("created carol") && text.contains("as an admin"),
        "{text}"
    );
    let token = text.split_whitespace().last().unwrap();
    assert!(token.starts_with("rsr_"));
    let r = app.post(
        "/v1/auth/password/reset",
        Cred::None,
        &json!({"token": token, "new_password": "carol's password"}),
    );
    assert_eq!(r.status, 204);
    let jwt = app.login("carol", "carol's password").json()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        app.get("/v1/me/account", Cred::Jwt(&jwt)).json()["full_name"],
        "Carol C"
    );
    assert_eq!(app.get("/v1/admin/kpis", Cred::Jwt(&jwt)).status, 200);

    let out = app.cli(&["admin", "reset-password", "carol"]);
    assert!(out.status.success());
    let token = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .last()
        .unwrap()
        .to_string();
    assert_eq!(
        app.post(
            "/v1/auth/password/reset",
            Cred::None,
            &json!({"token": token, "new_password": "another one!"})
        )
        .status,
        204
    );
    for bad in [
        vec!["admin", "create-user", "carol", "c2@example.com"],
        vec!["admin", "create-user", "x", "bad-email"],
        vec!["admin", "reset-password", "nobody"],
        vec!["admin", "frobnicate"],
    ] {
        let out = app.cli(&bad);
        assert!(!out.status.success(), "{bad:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).lines().count(),
            1,
            "{bad:?}"
        );
    }
}
