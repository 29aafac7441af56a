//! Public reads: a résumé by username, its sections, search, ETags and views.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::*;
use crate::resume::fixture;

fn views_today(app: &TestApp, jwt: &str) -> i64 {
    let a = app.get("/v1/me/analytics?days=1", Cred::Jwt(jwt)).json();
    a["items"][0]["views"].as_i64().unwrap()
}

#[test]
fn a_public_profile_shows_the_resume_and_nothing_private() {
    let app = spawn_app();
    let jwt = app.user("ada");
    app.patch(
        "/v1/me/profile",
        Cred::Jwt(&jwt),
        &json!({"headline": "Engineer", "phone": "123"}),
    );
    app.post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": "Rust"}));
    app.post(
        "/v1/me/experience",
        Cred::Jwt(&jwt),
        &json!({"company": "Acme", "title": "Dev"}),
    );
    let r = app.get("/v1/profiles/ADA", Cred::None);
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    assert_eq!(body["username"], "ada");
    assert_eq!(body["profile"]["headline"], "Engineer");
    let names: Vec<&str> = body["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "experience",
            "education",
            "skills",
            "projects",
            "certifications"
        ]
    );
    assert_eq!(body["sections"][2]["items"][0]["name"], "Rust");
    let text = r.text();
    for private in [
        "ada@example.com",
        "is_public",
        "updated_at",
        "created_at",
        "user_id",
        "password",
        "stamp",
    ] {
        assert!(!text.contains(private), "{private} leaked: {text}");
    }
    let skills = app.get("/v1/profiles/ada/skills", Cred::None).json();
    assert_eq!(skills.as_array().unwrap().len(), 1);
    app.get("/v1/profiles/ada/hobbies", Cred::None)
        .problem(404, "not_found");
    let jr = app
        .get("/v1/profiles/ada?format=jsonresume", Cred::None)
        .json();
    assert_eq!(jr["basics"]["label"], "Engineer");
    assert!(crate::jsonschema::validate(&fixture("schema.json"), &jr).is_empty());
}

#[test]
fn private_and_unknown_profiles_look_the_same() {
    let app = spawn_app();
    let jwt = app.user("ada");
    app.patch(
        "/v1/me/profile",
        Cred::Jwt(&jwt),
        &json!({"is_public": false}),
    );
    let private = app.get("/v1/profiles/ada", Cred::None);
    let unknown = app.get("/v1/profiles/nobody", Cred::None);
    assert_eq!(
        private.problem(404, "not_found"),
        unknown.problem(404, "not_found")
    );
    app.get("/v1/profiles/ada/skills", Cred::None)
        .problem(404, "not_found");
    app.get("/v1/profiles/ada?format=jsonresume", Cred::None)
        .problem(404, "not_found");
    assert_eq!(app.get("/v1/profiles?q=ada", Cred::None).json()["total"], 0);
}

#[test]
fn etags_revalidate_and_change_with_the_resume() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let a = app.get("/v1/profiles/ada", Cred::None);
    let etag = a.header("ETag").unwrap().to_string();
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "a strong ETag: {etag}"
    );
    assert_eq!(
        app.get("/v1/profiles/ada", Cred::None).header("ETag"),
        Some(etag.as_str())
    );
    let r = app.request("GET", "/v1/profiles/ada", &[("If-None-Match", &etag)], None);
    assert_eq!(r.status, 304);
    assert!(r.body.is_empty());
    assert_eq!(r.header("ETag"), Some(etag.as_str()));
    let r = app.request(
        "GET",
        "/v1/profiles/ada",
        &[("If-None-Match", "\"other\"")],
        None,
    );
    assert_eq!(r.status, 200);

    app.post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": "Rust"}));
    let r = app.request("GET", "/v1/profiles/ada", &[("If-None-Match", &etag)], None);
    assert_eq!(r.status, 200, "a write makes the old ETag stale");
    assert_ne!(r.header("ETag"), Some(etag.as_str()));
    assert_eq!(r.json()["sections"][2]["items"][0]["name"], "Rust");
    // the JSON Resume form follows writes as well
    let jr = app.get("/v1/profiles/ada?format=jsonresume", Cred::None);
    let jr_etag = jr.header("ETag").unwrap().to_string();
    assert_eq!(jr.json()["skills"][0]["name"], "Rust");
    assert_eq!(
        app.get("/v1/profiles/ada?format=jsonresume", Cred::None)
            .header("ETag"),
        Some(jr_etag.as_str())
    );
    app.post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": "Go"}));
    let jr = app.get("/v1/profiles/ada?format=jsonresume", Cred::None);
    assert_ne!(jr.header("ETag"), Some(jr_etag.as_str()));
    assert_eq!(jr.json()["skills"][1]["name"], "Go");
    // the account's name is part of the résumé too
    let before = app
        .get("/v1/profiles/ada", Cred::None)
        .header("ETag")
        .unwrap()
        .to_string();
    app.patch(
        "/v1/me/account",
        Cred::Jwt(&jwt),
        &json!({"full_name": "Ada Lovelace"}),
    );
    let after = app.get("/v1/profiles/ada", Cred::None);
    assert_ne!(after.header("ETag"), Some(before.as_str()));
    assert_eq!(after.json()["full_name"], "Ada Lovelace");
}

fn seed(app: &TestApp) {
    let people = [
        (
            "ada",
            "Backend engineer",
            "Lisbon, PT",
            true,
            &["Rust", "SQLite"][..],
            "Acme",
            "Staff Engineer",
        ),
        (
            "grace",
            "Compiler writer",
            "New York, US",
            false,
            &["COBOL", "Rust"][..],
            "Navy",
            "Rear Admiral",
        ),
        (
            "linus",
            "Kernel hacker",
            "Portland, US",
            true,
            &["C", "Git"][..],
            "Transmeta",
            "Engineer",
        ),
    ];
    for (name, headline, location, open, skills, company, title) in people {
        let jwt = app.user(name);
        app.patch(
            "/v1/me/profile",
            Cred::Jwt(&jwt),
            &json!({"headline": headline, "location": location, "open_to_work": open}),
        );
        for s in skills {
            app.post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": s}));
        }
        app.post(
            "/v1/me/experience",
            Cred::Jwt(&jwt),
            &json!({"company": company, "title": title}),
        );
    }
    let hidden = app.user("hidden");
    app.patch(
        "/v1/me/profile",
        Cred::Jwt(&hidden),
        &json!({"headline": "Rust ninja", "is_public": false}),
    );
    app.post(
        "/v1/me/skills",
        Cred::Jwt(&hidden),
        &json!({"name": "Rust"}),
    );
}

fn usernames(v: &Value) -> Vec<String> {
    let mut names: Vec<String> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["username"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn search_matches_filters_and_pages() {
    let app = spawn_app();
    seed(&app);
    let s = |q: &str| app.get(&format!("/v1/profiles?{q}"), Cred::None).json();
    assert_eq!(usernames(&s("q=rust")), ["ada", "grace"]);
    assert_eq!(usernames(&s("q=transmeta")), ["linus"]);
    assert_eq!(usernames(&s("q=admiral")), ["grace"]);
    assert_eq!(usernames(&s("q=kernel+hacker")), ["linus"]);
    assert_eq!(usernames(&s("q=comp")), ["grace"], "prefix match");
    assert_eq!(usernames(&s("q=ada")), ["ada"]);
    assert_eq!(usernames(&s("skill=rust")), ["ada", "grace"]);
    assert_eq!(usernames(&s("skill=RUST&open_to_work=true")), ["ada"]);
    assert_eq!(usernames(&s("location=us")), ["grace", "linus"]);
    assert_eq!(usernames(&s("location=50%25")), Vec::<String>::new());
    assert_eq!(usernames(&s("q=engineer&location=portland")), ["linus"]);
    let all = s("");
    assert_eq!(all["total"], 3, "private profiles are never listed");
    assert_eq!(
        (all["limit"].clone(), all["offset"].clone()),
        (json!(20), json!(0))
    );
    let p1 = s("limit=2");
    let p2 = s("limit=2&offset=2");
    assert_eq!(
        (
            p1["items"].as_array().unwrap().len(),
            p2["items"].as_array().unwrap().len()
        ),
        (2, 1)
    );
    assert_eq!(p1["total"], 3);
    let mut both = usernames(&p1);
    both.extend(usernames(&p2));
    both.sort();
    assert_eq!(both, ["ada", "grace", "linus"]);
    // ranked: the name is worth more than a passing mention
    let ranked = s("q=ada+rust");
    assert_eq!(ranked["items"][0]["username"], "ada");

    for bad in [
        "limit=0",
        "limit=101",
        "limit=x",
        "offset=-1",
        "open_to_work=maybe",
    ] {
        app.get(&format!("/v1/profiles?{bad}"), Cred::None)
            .problem(422, "validation_failed");
    }
    for odd in [
        "q=%22",
        "q=*",
        "q=AND+OR+NOT+(",
        "q=NEAR(a+b)",
        "q=a%22+OR+%22b",
        "q=%E2%9C%93",
    ] {
        let r = app.get(&format!("/v1/profiles?{odd}"), Cred::None);
        assert_eq!(r.status, 200, "{odd}: {}", r.text());
    }
}

/// Found by a schema fuzzer: these once answered 500 (a `+`, a `#` or the
/// marks of Devanagari made a phrase, which the index cannot answer).
#[test]
fn any_text_a_person_types_searches() {
    let app = spawn_app();
    let jwt = app.user("krishna");
    app.patch(
        "/v1/me/account",
        Cred::Jwt(&jwt),
        &json!({"full_name": "कृष्ण Sharma"}),
    );
    for skill in ["Node.js", "C#", "C++"] {
        let r = app.post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": skill}));
        assert_eq!(r.status, 201, "{}", r.text());
    }
    let s = |q: &str| {
        let r = app.get(&format!("/v1/profiles?q={q}"), Cred::None);
        assert_eq!(r.status, 200, "q={q}: {}", r.text());
        usernames(&r.json())
    };
    assert_eq!(s("node%2Bjs"), ["krishna"]);
    assert_eq!(s("node.js"), ["krishna"]);
    assert_eq!(s("c%23d"), Vec::<String>::new());
    assert_eq!(s("c%23"), ["krishna"]);
    // "कृष्ण", as a browser sends it
    assert_eq!(
        s("%E0%A4%95%E0%A5%83%E0%A4%B7%E0%A5%8D%E0%A4%A3"),
        ["krishna"]
    );
    assert_eq!(s("%E0%A4%B0%E0%A4%BE%E0%A4%AE"), Vec::<String>::new());
    for odd in ["%E2%80%8B", "%CC%81", "%F0%9F%A6%80+rust", "a-b_c", "%00"] {
        s(odd);
    }
}

#[test]
fn the_index_follows_every_write() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let s = |q: &str| usernames(&app.get(&format!("/v1/profiles?q={q}"), Cred::None).json());
    let skill = app
        .post(
            "/v1/me/skills",
            Cred::Jwt(&jwt),
            &json!({"name": "Haskell"}),
        )
        .json();
    assert_eq!(s("haskell"), ["ada"]);
    app.call(
        "PUT",
        &format!("/v1/me/skills/{}", skill["id"].as_str().unwrap()),
        Cred::Jwt(&jwt),
        Some(&json!({"name": "Erlang"})),
    );
    assert_eq!(s("haskell"), Vec::<String>::new());
    assert_eq!(s("erlang"), ["ada"]);
    app.call(
        "PUT",
        "/v1/me/resume",
        Cred::Jwt(&jwt),
        Some(&fixture("sample.resume.json")),
    );
    assert_eq!(s("erlang"), Vec::<String>::new());
    assert_eq!(s("piper"), ["ada"]);
    app.delete_account(&jwt);
    assert_eq!(s("piper"), Vec::<String>::new());
}

#[test]
fn views_are_counted_in_batches_and_survive_a_restart() {
    let mut app = spawn_app();
    let jwt = app.user("ada");
    let key = app.key(&jwt);
    for _ in 0..25 {
        assert_eq!(app.get("/v1/profiles/ada", Cred::None).status, 200);
    }
    // the owner's own reads do not count
    for cred in [Cred::Jwt(&jwt), Cred::Key(&key)] {
        assert_eq!(app.get("/v1/profiles/ada", cred).status, 200);
    }
    assert_eq!(views_today(&app, &jwt), 25);
    // written by the flusher about once a second (allow a busy machine 5 s)
    let db = open_db(&app.db_path());
    let stored = || -> i64 {
        db.query_row("SELECT coalesce(sum(views), 0) FROM daily_stats", [], |r| {
            r.get(0)
        })
        .unwrap()
    };
    let started = std::time::Instant::now();
    while stored() < 25 && started.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(stored(), 25, "flushed to the database in the background");
    drop(db);

    for _ in 0..10 {
        app.get("/v1/profiles/ada", Cred::None);
    }
    assert!(app.terminate().success());
    let again = spawn_in(app.dir.clone(), &[], &[]);
    let jwt = again.jwt("ada");
    assert_eq!(
        views_today(&again, &jwt),
        35,
        "the last batch was written on the clean stop"
    );
}

#[test]
fn analytics_history_follows_the_plan() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let a = app.get("/v1/me/analytics", Cred::Jwt(&jwt)).json();
    assert_eq!(a["days"], 7);
    assert_eq!(a["items"].as_array().unwrap().len(), 7);
    let r = app.get("/v1/me/analytics?days=30", Cred::Jwt(&jwt));
    let body = r.problem(403, "plan_required");
    assert_eq!(body["feature"], "analytics_history");
    assert_eq!(body["required_plan"], "pro");
    app.get("/v1/me/analytics?days=0", Cred::Jwt(&jwt))
        .problem(422, "validation_failed");
}
