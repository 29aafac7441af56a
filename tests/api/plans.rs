//! SPEC §5.1 and the grant rows of §6: plans come from grants, gate features
//! with an explicit 403, and end on their date with nobody acting.

use serde_json::{Value, json};

use crate::helpers::*;

fn tomorrow() -> String {
    restume::time::date_of(restume::time::now() + 86_400)
}

fn plan(app: &TestApp, jwt: &str) -> Value {
    app.get("/v1/me/billing", Cred::Jwt(jwt)).json()
}

#[test]
fn only_admin_jwts_may_grant() {
    let app = spawn_app();
    let admin = app.admin("boss");
    let admin_key = app.key(&admin);
    let user = app.user("ada");
    let body = json!({"username": "ada", "plan": "pro", "reason": "friend"});
    app.post("/v1/admin/grants", Cred::Jwt(&user), &body)
        .problem(403, "admin_required");
    app.post("/v1/admin/grants", Cred::Key(&admin_key), &body)
        .problem(403, "jwt_required");
    app.post("/v1/admin/grants", Cred::None, &body)
        .problem(401, "not_authenticated");
    assert_eq!(plan(&app, &user)["plan"], "free");
    let r = app.post("/v1/admin/grants", Cred::Jwt(&admin), &body);
    assert_eq!(r.status, 201, "{}", r.text());
    assert!(r.json()["grant_id"].is_string() && r.json()["message"].is_string());
    let b = plan(&app, &user);
    assert_eq!(
        (
            b["plan"].clone(),
            b["source"].clone(),
            b["expires_on"].clone()
        ),
        (json!("pro"), json!("grant"), json!(null))
    );
    assert_eq!(
        app.get("/v1/me/account", Cred::Jwt(&user)).json()["plan"],
        "pro"
    );

    for (bad, field) in [
        (
            json!({"username": "ada", "plan": "gold", "reason": "x"}),
            "plan",
        ),
        (
            json!({"username": "ada", "plan": "free", "reason": "x"}),
            "plan",
        ),
        (json!({"username": "ada", "plan": "pro"}), "reason"),
        (
            json!({"username": "ada", "plan": "pro", "reason": "x", "expires_on": "2001-01-01"}),
            "expires_on",
        ),
        (
            json!({"username": "ada", "plan": "pro", "reason": "x", "expires_on": "soon"}),
            "expires_on",
        ),
        (
            json!({"username": "ada", "plan": "pro", "reason": "x", "extra": 1}),
            "extra",
        ),
    ] {
        let errors = app
            .post("/v1/admin/grants", Cred::Jwt(&admin), &bad)
            .field_errors();
        assert_eq!(errors[0].0, field, "{bad}");
    }
    app.post(
        "/v1/admin/grants",
        Cred::Jwt(&admin),
        &json!({"username": "nobody", "plan": "pro", "reason": "x"}),
    )
    .problem(404, "not_found");
}

#[test]
fn grants_end_on_their_date_and_can_be_revoked() {
    let app = spawn_app();
    let admin = app.admin("boss");
    let user = app.user("ada");
    let until = tomorrow();
    let r = app.post(
        "/v1/admin/grants",
        Cred::Jwt(&admin),
        &json!({"username": "ada", "plan": "recruiter", "reason": "trial", "expires_on": until}),
    );
    let grant_id = r.json()["grant_id"].as_str().unwrap().to_string();
    let b = plan(&app, &user);
    assert_eq!(
        (b["plan"].clone(), b["expires_on"].clone()),
        (json!("recruiter"), json!(until))
    );

    // a day passes: the grant's last day is behind us, and nobody did anything
    let db = open_db(&app.db_path());
    db.execute(
        "UPDATE grants SET expires_on = date('now') WHERE id = ?1",
        [&grant_id],
    )
    .unwrap();
    assert_eq!(plan(&app, &user)["plan"], "free");
    db.execute(
        "UPDATE grants SET expires_on = ?1 WHERE id = ?2",
        [&until, &grant_id],
    )
    .unwrap();
    assert_eq!(plan(&app, &user)["plan"], "recruiter");

    let revoke = |id: &str| {
        app.post(
            "/v1/admin/grants/revoke",
            Cred::Jwt(&admin),
            &json!({"grant_id": id, "reason": "ended"}),
        )
    };
    let r = revoke(&grant_id);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["grant_id"], grant_id.as_str());
    assert_eq!(plan(&app, &user)["plan"], "free");
    revoke(&grant_id).problem(409, "already_revoked");
    revoke("no-such-grant").problem(404, "not_found");

    // both show in the audit trail, with who did it
    let actions: Vec<String> = db
        .prepare("SELECT action || ':' || coalesce(actor_id, '-') FROM audit_events WHERE action LIKE 'plan.%' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(actions.len(), 2);
    assert!(actions[0].starts_with("plan.grant:") && !actions[0].ends_with(":-"));
    assert!(actions[1].starts_with("plan.revoke:"));
}

#[test]
fn the_operator_grants_from_the_shell() {
    let app = spawn_app();
    let user = app.user("ada");
    let until = tomorrow();
    let out = app.cli(&[
        "admin",
        "grant",
        "ada",
        "pro",
        "--expires-on",
        &until,
        "--reason",
        "early adopter",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("ada has pro"));
    assert_eq!(plan(&app, &user)["plan"], "pro");
    for bad in [
        vec!["admin", "grant", "ada", "gold"],
        vec!["admin", "grant", "nobody", "pro"],
        vec!["admin", "promote"],
        vec!["admin", "grant", "ada", "pro", "--expires-on", "2000-01-01"],
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

/// Every gated feature on every plan: allowed, or an explicit 403.
#[test]
fn features_follow_the_plan() {
    let app = spawn_app();
    let layout = json!({"sections": [
        {"name": "skills", "visible": true}, {"name": "experience", "visible": true},
        {"name": "projects", "visible": false}, {"name": "education", "visible": true},
        {"name": "certifications", "visible": true}]});
    for (name, p) in [
        ("freeuser", None),
        ("prouser", Some("pro")),
        ("recruiter1", Some("recruiter")),
    ] {
        let jwt = app.user(name);
        if let Some(p) = p {
            app.grant(name, p);
        }
        let paid = p.is_some();
        let check = |r: Resp, feature: &str| {
            if paid {
                assert_eq!(r.status, 200, "{name} {feature}: {}", r.text());
            } else {
                let body = r.problem(403, "plan_required");
                assert_eq!(
                    (body["feature"].as_str(), body["required_plan"].as_str()),
                    (Some(feature), Some("pro"))
                );
            }
        };
        check(
            app.call("PUT", "/v1/me/layout", Cred::Jwt(&jwt), Some(&layout)),
            "layout",
        );
        check(
            app.call(
                "PUT",
                "/v1/me/theme",
                Cred::Jwt(&jwt),
                Some(&json!({"theme": "modern"})),
            ),
            "premium_themes",
        );
        check(
            app.get("/v1/me/analytics?days=365", Cred::Jwt(&jwt)),
            "analytics_history",
        );
        // free choices are free for everyone
        assert_eq!(
            app.call(
                "PUT",
                "/v1/me/theme",
                Cred::Jwt(&jwt),
                Some(&json!({"theme": "minimal"}))
            )
            .status,
            200
        );
        assert_eq!(
            app.get("/v1/me/analytics?days=7", Cred::Jwt(&jwt)).status,
            200
        );
        let catalog = app.get("/v1/me/themes", Cred::Jwt(&jwt)).json();
        let modern = catalog
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == "modern")
            .unwrap()
            .clone();
        assert_eq!(
            (modern["plan"].clone(), modern["available"].clone()),
            (json!("pro"), json!(paid))
        );
        // active keys: 3 on free, 20 on the paid plans
        let allowed = if paid { 20 } else { 3 };
        for _ in 0..allowed {
            app.key(&jwt);
        }
        app.post(
            "/v1/auth/api-keys",
            Cred::Jwt(&jwt),
            &json!({"name": "one too many"}),
        )
        .problem(409, "key_limit_reached");
        let first = app.get("/v1/auth/api-keys", Cred::Jwt(&jwt)).json()[0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        app.delete(&format!("/v1/auth/api-keys/{first}"), Cred::Jwt(&jwt));
        assert_eq!(
            app.post(
                "/v1/auth/api-keys",
                Cred::Jwt(&jwt),
                &json!({"name": "again"})
            )
            .status,
            201,
            "a revoked key frees a place"
        );
    }
}

#[test]
fn the_public_read_follows_the_layout() {
    let app = spawn_app();
    let jwt = app.user("ada");
    app.grant("ada", "pro");
    app.post(
        "/v1/me/projects",
        Cred::Jwt(&jwt),
        &json!({"name": "secret project"}),
    );
    let layout = json!({"sections": [
        {"name": "skills", "visible": true}, {"name": "projects", "visible": false},
        {"name": "certifications", "visible": true}, {"name": "experience", "visible": true},
        {"name": "education", "visible": false}]});
    let r = app.call("PUT", "/v1/me/layout", Cred::Jwt(&jwt), Some(&layout));
    assert_eq!(r.json(), layout);
    assert_eq!(app.get("/v1/me/layout", Cred::Jwt(&jwt)).json(), layout);
    let public = app.get("/v1/profiles/ada", Cred::None);
    let names: Vec<&str> = public.json()["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string().leak() as &str)
        .collect();
    assert_eq!(names, ["skills", "certifications", "experience"]);
    assert!(!public.text().contains("secret project"));
    app.get("/v1/profiles/ada/projects", Cred::None)
        .problem(404, "not_found");
    let jr = app
        .get("/v1/profiles/ada?format=jsonresume", Cred::None)
        .json();
    assert!(jr.get("projects").is_none());

    for (bad, field) in [
        (
            json!({"sections": [{"name": "skills", "visible": true}]}),
            "sections",
        ),
        (
            json!({"sections": [{"name": "hobbies", "visible": true}]}),
            "sections[0].name",
        ),
        (
            json!({"sections": [{"name": "skills"}]}),
            "sections[0].visible",
        ),
        (json!({"sections": "skills"}), "sections"),
        (json!({}), "sections"),
    ] {
        let errors = app
            .call("PUT", "/v1/me/layout", Cred::Jwt(&jwt), Some(&bad))
            .field_errors();
        assert_eq!(errors[0].0, field, "{bad}");
    }
    app.call(
        "PUT",
        "/v1/me/theme",
        Cred::Jwt(&jwt),
        Some(&json!({"theme": "nope"})),
    )
    .problem(422, "validation_failed");
    assert_eq!(
        app.get("/v1/me/theme", Cred::Jwt(&jwt)).json(),
        json!({"theme": "classic"})
    );
}

#[test]
fn billing_says_how_to_get_a_plan() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let b = plan(&app, &jwt);
    assert_eq!(
        b,
        json!({"plan": "free", "source": "free", "expires_on": null, "checkout_available": false})
    );
    let r = app.post("/v1/me/billing/checkout", Cred::Jwt(&jwt), &json!({}));
    let body = r.problem(409, "billing_unavailable");
    assert!(body["detail"].as_str().unwrap().contains("admin grant"));
    app.post("/v1/me/billing/portal", Cred::Jwt(&jwt), &json!({}))
        .problem(409, "billing_unavailable");

    let paid = spawn_with(
        &[
            "--billing-checkout-url",
            "https://pay.example/checkout",
            "--billing-portal-url",
            "https://pay.example/portal",
        ],
        &[],
    );
    let jwt = paid.user("ada");
    assert_eq!(plan(&paid, &jwt)["checkout_available"], true);
    assert_eq!(
        paid.post("/v1/me/billing/checkout", Cred::Jwt(&jwt), &json!({}))
            .json(),
        json!({"url": "https://pay.example/checkout"})
    );
    assert_eq!(
        paid.post("/v1/me/billing/portal", Cred::Jwt(&jwt), &json!({}))
            .json(),
        json!({"url": "https://pay.example/portal"})
    );
}
