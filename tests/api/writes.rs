//! How writes land: parallel writes share commits without mixing their
//! outcomes, and what is derived from a résumé (public rendering, search
//! row) is never seen older than the last acknowledged write, is brought up
//! to date in the background, and survives a crash before that happens.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::*;

fn skill_names(profile: &Value) -> Vec<String> {
    profile["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "skills")
        .map(|s| {
            s["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["name"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn search_total(app: &TestApp, q: &str) -> i64 {
    let r = app.get(&format!("/v1/profiles?q={q}"), Cred::None);
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["total"].as_i64().unwrap()
}

fn stale_count(app: &TestApp) -> i64 {
    open_db(&app.db_path())
        .query_row("SELECT count(*) FROM stale_resumes", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn reads_and_search_see_every_write_at_once() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let mut etag = app
        .get("/v1/profiles/ada", Cred::None)
        .header("ETag")
        .unwrap()
        .to_string();
    for i in 0..15 {
        let r = app.post(
            "/v1/me/skills",
            Cred::Jwt(&jwt),
            &json!({"name": format!("Lang{i}")}),
        );
        assert_eq!(r.status, 201);
        // no pause: the very next read and search see the write
        let r = app.request("GET", "/v1/profiles/ada", &[("If-None-Match", &etag)], None);
        assert_eq!(r.status, 200, "write {i}: the old ETag is stale");
        assert!(skill_names(&r.json()).contains(&format!("Lang{i}")));
        etag = r.header("ETag").unwrap().to_string();
        assert_eq!(search_total(&app, &format!("lang{i}")), 1, "write {i}");
    }
    // a change of visibility is seen at once too
    app.patch(
        "/v1/me/profile",
        Cred::Jwt(&jwt),
        &json!({"is_public": false}),
    );
    assert_eq!(app.get("/v1/profiles/ada", Cred::None).status, 404);
    assert_eq!(search_total(&app, "lang3"), 0);
    app.post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": "Hidden"}));
    app.patch(
        "/v1/me/profile",
        Cred::Jwt(&jwt),
        &json!({"is_public": true}),
    );
    let r = app.get("/v1/profiles/ada?format=jsonresume", Cred::None);
    assert_eq!(r.status, 200);
    let doc = r.json();
    let names: Vec<&str> = doc["skills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Hidden"), "{names:?}");
    assert_eq!(search_total(&app, "hidden"), 1);
}

#[test]
fn the_background_brings_renderings_up_to_date_without_a_read() {
    let app = spawn_app();
    let jwt = app.user("ada");
    app.post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": "Zig"}));
    let db = open_db(&app.db_path());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let json: String = db
            .query_row(
                "SELECT r.json FROM public_renders r JOIN users u ON u.id = r.user_id
                 WHERE u.username = 'ada'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        if json.contains("Zig") && stale_count(&app) == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "not refreshed: {json}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_write_not_yet_rendered_survives_kill_9() {
    let dir = Arc::new(TempDir::new());
    let mut app = spawn_in(Arc::clone(&dir), &[], &[]);
    let jwt = app.user("ada");
    assert_eq!(
        app.post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": "Cobol"}))
            .status,
        201
    );
    signal(app.child.id(), "KILL");
    wait_for(&mut app.child, Duration::from_secs(10));
    drop(app);

    let app = spawn_in(dir, &[], &[]);
    let r = app.get("/v1/profiles/ada", Cred::None);
    assert_eq!(r.status, 200);
    assert_eq!(skill_names(&r.json()), ["Cobol"]);
    assert_eq!(search_total(&app, "cobol"), 1);
}

#[test]
fn parallel_writes_each_get_their_own_answer() {
    let app = Arc::new(spawn_app());
    let jwt = Arc::new(app.user("ada"));
    // 24 threads at once: 16 distinct skills, and 8 tries at one same name
    let threads: Vec<_> = (0..24)
        .map(|i| {
            let (app, jwt) = (Arc::clone(&app), Arc::clone(&jwt));
            std::thread::spawn(move || {
                let name = if i < 16 {
                    format!("Skill{i}")
                } else {
                    "Same".into()
                };
                app.post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": name}))
                    .status
            })
        })
        .collect();
    let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(statuses[..16].iter().all(|s| *s == 201), "{statuses:?}");
    let same: Vec<u16> = statuses[16..].to_vec();
    assert_eq!(same.iter().filter(|s| **s == 201).count(), 1, "{same:?}");
    assert_eq!(same.iter().filter(|s| **s == 409).count(), 7, "{same:?}");
    let list = app.get("/v1/me/skills", Cred::Jwt(&jwt)).json();
    assert_eq!(list.as_array().unwrap().len(), 17);
    let mut names = skill_names(&app.get("/v1/profiles/ada", Cred::None).json());
    names.sort();
    assert_eq!(names.len(), 17);
    assert!(names.contains(&"Same".to_string()));
}

/// The index holds exactly who a search may find: a disabled user leaves the
/// results and the count at once and comes back when enabled, a new full
/// name is found at once, and equal matches go by username (not by who was
/// indexed first).
#[test]
fn a_text_search_follows_disabling_and_orders_ties_by_username() {
    let app = spawn_app();
    let admin = app.admin("boss");
    for name in ["zed", "mia", "amy"] {
        let jwt = app.user(name);
        app.post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": "Zig"}));
    }
    let order = |q: &str| -> (i64, Vec<String>) {
        let v = app.get(&format!("/v1/profiles?q={q}"), Cred::None).json();
        let names = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["username"].as_str().unwrap().to_string())
            .collect();
        (v["total"].as_i64().unwrap(), names)
    };
    assert_eq!(
        order("zig"),
        (3, vec!["amy".into(), "mia".into(), "zed".into()])
    );
    let page = app
        .get("/v1/profiles?q=zig&limit=1&offset=1", Cred::None)
        .json();
    assert_eq!(
        (page["total"].clone(), page["items"][0]["username"].clone()),
        (json!(3), json!("mia"))
    );

    let r = app.patch(
        "/v1/admin/users/mia",
        Cred::Jwt(&admin),
        &json!({"is_disabled": true}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(order("zig"), (2, vec!["amy".into(), "zed".into()]));
    app.patch(
        "/v1/admin/users/mia",
        Cred::Jwt(&admin),
        &json!({"is_disabled": false}),
    );
    assert_eq!(order("zig").0, 3);

    let amy = app.jwt("amy");
    let r = app.patch(
        "/v1/me/account",
        Cred::Jwt(&amy),
        &json!({"full_name": "Amelia Quux"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(order("quux"), (1, vec!["amy".into()]));
}
