//! What is kept ready for speed (the rendered page in `public_pages`, the
//! ask facts read from the stored rendering, the MCP candidate index) is
//! never out of date: every change shows on the very next request.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::mcp::{names, tool};

fn page(app: &TestApp, user: &str) -> Resp {
    app.get(&format!("/u/{user}"), Cred::None)
}

fn page_as(app: &TestApp, user: &str, host: &str, etag: Option<&str>) -> Resp {
    let mut req = format!("GET /u/{user} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    if let Some(t) = etag {
        req.push_str(&format!("If-None-Match: {t}\r\n"));
    }
    req.push_str("\r\n");
    app.raw(req.as_bytes())
}

fn etag(r: &Resp) -> String {
    r.header("ETag").expect("an ETag").to_string()
}

#[test]
fn a_kept_page_follows_every_change_at_once() {
    let app = spawn_app();
    let admin = app.admin("boss");
    let jwt = app.user("ada");
    app.post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": "Rust"}));
    let first = page(&app, "ada");
    assert_eq!(first.status, 200);
    assert!(first.text().contains("Rust"));
    // served again from what was kept: the same bytes and ETag
    let again = page(&app, "ada");
    assert_eq!(again.body, first.body);
    assert_eq!(etag(&again), etag(&first));

    let r = app.post(
        "/v1/me/skills",
        Cred::Jwt(&jwt),
        &json!({"name": "Haskell"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let edited = page(&app, "ada");
    assert!(
        edited.text().contains("Haskell"),
        "a new skill shows at once"
    );
    assert_ne!(etag(&edited), etag(&first));

    app.patch(
        "/v1/me/profile",
        Cred::Jwt(&jwt),
        &json!({"headline": "Headline-FRESH1"}),
    );
    assert!(page(&app, "ada").text().contains("Headline-FRESH1"));

    let r = app.call(
        "PUT",
        "/v1/me/theme",
        Cred::Jwt(&jwt),
        Some(&json!({"theme": "minimal"})),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        page(&app, "ada")
            .text()
            .contains("<body class=\"theme-minimal\">")
    );

    app.grant("ada", "pro");
    let layout = json!({"sections": [
        {"name": "skills", "visible": false}, {"name": "projects", "visible": true},
        {"name": "experience", "visible": true}, {"name": "education", "visible": true},
        {"name": "certifications", "visible": true}]});
    let r = app.call("PUT", "/v1/me/layout", Cred::Jwt(&jwt), Some(&layout));
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        !page(&app, "ada").text().contains("Haskell"),
        "a hidden section is gone at once"
    );

    app.patch(
        "/v1/me/profile",
        Cred::Jwt(&jwt),
        &json!({"is_public": false}),
    );
    assert_eq!(page(&app, "ada").status, 404);
    app.patch(
        "/v1/me/profile",
        Cred::Jwt(&jwt),
        &json!({"is_public": true}),
    );
    assert_eq!(page(&app, "ada").status, 200);

    let r = app.patch(
        "/v1/admin/users/ada",
        Cred::Jwt(&admin),
        &json!({"is_disabled": true}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(page(&app, "ada").status, 404);
}

#[test]
fn a_kept_page_names_the_host_it_was_asked_from() {
    let app = spawn_app();
    app.user("ada");
    let a = page_as(&app, "ada", "cv.example.org", None);
    let b = page_as(&app, "ada", "evil.example/<x>", None);
    let c = page_as(&app, "ada", "other.example.net:8443", None);
    assert_eq!(a.status, 200);
    assert!(
        a.text()
            .contains("<link rel=\"canonical\" href=\"http://cv.example.org/u/ada\">")
    );
    // a Host that is not a plain name is not repeated in the page
    assert!(b.text().contains("http://localhost/u/ada"), "{}", b.text());
    assert!(c.text().contains("http://other.example.net:8443/u/ada"));
    assert!(!a.text().contains("other.example.net"));
    assert_ne!(etag(&a), etag(&c));
    // an ETag is good for the host it was given for only
    assert_eq!(
        page_as(&app, "ada", "cv.example.org", Some(&etag(&a))).status,
        304
    );
    assert_eq!(
        page_as(&app, "ada", "other.example.net:8443", Some(&etag(&a))).status,
        200
    );
}

#[test]
fn a_damaged_kept_page_is_rendered_again() {
    let app = spawn_app();
    let jwt = app.user("ada");
    app.post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": "Rust"}));
    let good = page(&app, "ada");
    assert_eq!(good.status, 200);
    let conn = open_db(&app.db_path());
    let n = conn
        .execute(
            "UPDATE public_pages SET cuts = '99999999' WHERE user_id =
             (SELECT id FROM users WHERE username_key = 'ada')",
            [],
        )
        .unwrap();
    assert_eq!(n, 1, "the page was kept");
    drop(conn);
    let again = page(&app, "ada");
    assert_eq!(again.status, 200);
    assert_eq!(again.body, good.body);
    assert_eq!(etag(&again), etag(&good));
}

fn ask(app: &TestApp, user: &str, q: &str) -> Resp {
    app.post(
        &format!("/v1/profiles/{user}/ask"),
        Cred::None,
        &json!({"question": q}),
    )
}

#[test]
fn asks_follow_every_change_at_once() {
    let app = spawn_app();
    let jwt = app.user("ada");
    app.post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": "Rust"}));
    let before = ask(&app, "ada", "Does she know Haskell?");
    assert_eq!(before.status, 200, "{}", before.text());
    assert_ne!(
        before.json()["answer_status"],
        "answered",
        "{}",
        before.text()
    );
    app.post(
        "/v1/me/skills",
        Cred::Jwt(&jwt),
        &json!({"name": "Haskell", "years": 3}),
    );
    let after = ask(&app, "ada", "Does she know Haskell?");
    assert_eq!(
        after.json()["answer_status"],
        "answered",
        "{}",
        after.text()
    );
    assert!(after.text().contains("Haskell"));
    // the same question over the same data: the same bytes
    assert_eq!(ask(&app, "ada", "Does she know Haskell?").body, after.body);

    app.patch(
        "/v1/me/profile",
        Cred::Jwt(&jwt),
        &json!({"location": "Lisbon-FRESH2"}),
    );
    assert!(
        ask(&app, "ada", "Where is she based?")
            .text()
            .contains("Lisbon-FRESH2")
    );
    app.patch(
        "/v1/me/profile",
        Cred::Jwt(&jwt),
        &json!({"is_public": false}),
    );
    let gone = ask(&app, "ada", "Where is she based?");
    assert_eq!(gone.status, 404);
    assert_eq!(
        gone.body,
        ask(&app, "nobody", "Where is she based?").body,
        "private and unknown look the same"
    );
}

/// The first two of a ranking (the other public profiles have no skills).
fn top2(v: &Value) -> Vec<String> {
    names(v, "ranking").into_iter().take(2).collect()
}

#[test]
fn the_candidate_index_follows_every_change_at_once() {
    let app = spawn_app();
    let admin = app.admin("boss");
    let rita = app.user("rita");
    app.grant("rita", "recruiter");
    app.patch(
        "/v1/me/profile",
        Cred::Jwt(&rita),
        &json!({"is_public": false}),
    );
    let ada = app.user("ada");
    app.post("/v1/me/skills", Cred::Jwt(&ada), &json!({"name": "Rust"}));
    let rust = json!({"skills": ["rust"]});
    let job = json!({"job_description": "Required: Rust. Nice to have: Kubernetes."});
    assert_eq!(
        names(
            &tool(&app, &rita, "search_candidates", rust.clone()),
            "candidates"
        ),
        ["ada"]
    );
    // a new public profile is found at once
    let bob = app.user("bob");
    app.post("/v1/me/skills", Cred::Jwt(&bob), &json!({"name": "Rust"}));
    app.post(
        "/v1/me/experience",
        Cred::Jwt(&bob),
        &json!({"company": "Acme", "title": "SRE", "start_date": "2020-01",
                "summary": "Ran it all on k8s"}),
    );
    assert_eq!(
        names(
            &tool(&app, &rita, "search_candidates", rust.clone()),
            "candidates"
        ),
        ["ada", "bob"]
    );
    // bob mentions Kubernetes (as k8s): ranked first
    let ranked = tool(&app, &rita, "rank_candidates", job.clone());
    assert_eq!(top2(&ranked), ["bob", "ada"]);
    // an edit shows at once: ada lists Kubernetes, now she is first (a tie
    // broken by username would put ada first too, so bob loses a point)
    app.post(
        "/v1/me/skills",
        Cred::Jwt(&ada),
        &json!({"name": "Kubernetes"}),
    );
    let ranked = tool(&app, &rita, "rank_candidates", job.clone());
    assert_eq!(top2(&ranked), ["ada", "bob"]);
    assert_eq!(ranked["ranking"][0]["score"], 100, "{ranked}");
    app.patch(
        "/v1/me/profile",
        Cred::Jwt(&bob),
        &json!({"headline": "Headline-FRESH3"}),
    );
    let found = tool(
        &app,
        &rita,
        "search_candidates",
        json!({"text": "headline-fresh3"}),
    );
    assert_eq!(names(&found, "candidates"), ["bob"]);
    assert_eq!(found["candidates"][0]["headline"], "Headline-FRESH3");

    // private: gone from every list at once, back when public again
    app.patch(
        "/v1/me/profile",
        Cred::Jwt(&ada),
        &json!({"is_public": false}),
    );
    for (name, args, list) in [
        ("search_candidates", rust.clone(), "candidates"),
        ("list_candidates", json!({}), "candidates"),
        ("rank_candidates", job.clone(), "ranking"),
    ] {
        let shown = names(&tool(&app, &rita, name, args), list);
        assert!(shown.contains(&"bob".to_string()), "{name}: {shown:?}");
        assert!(!shown.contains(&"ada".to_string()), "{name}: {shown:?}");
    }
    app.patch(
        "/v1/me/profile",
        Cred::Jwt(&ada),
        &json!({"is_public": true}),
    );
    assert!(
        names(
            &tool(&app, &rita, "list_candidates", json!({})),
            "candidates"
        )
        .contains(&"ada".to_string())
    );
    // a disabled account: gone at once
    let r = app.patch(
        "/v1/admin/users/bob",
        Cred::Jwt(&admin),
        &json!({"is_disabled": true}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let shown = names(&tool(&app, &rita, "rank_candidates", job), "ranking");
    assert!(shown.contains(&"ada".to_string()) && !shown.contains(&"bob".to_string()));
    // a deleted account too
    let r = app.delete_account(&ada);
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(
        names(&tool(&app, &rita, "search_candidates", rust), "candidates"),
        Vec::<String>::new()
    );
}
