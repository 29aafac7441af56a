//! SPEC §4.1, §3.5: Ask and chat over real HTTP, transcripts and insights,
//! and the evaluation set in tests/fixtures/ask/eval.json.

use std::io::Write;

use serde_json::{Value, json};

use crate::helpers::*;

/// A server whose "today" is fixed (debug builds read RESTUME_TEST_TODAY)
/// and whose ask bucket does not cut a test short.
pub fn ask_app(today: &str) -> TestApp {
    spawn_with(
        &["--limit-ask", "10000:1000/s"],
        &[("RESTUME_TEST_TODAY", today)],
    )
}

/// Registers `username` with `full_name` and returns a JWT.
pub fn person(app: &TestApp, username: &str, full_name: &str) -> String {
    let r = app.post(
        "/v1/auth/register",
        Cred::None,
        &json!({"username": username, "email": format!("{username}@example.com"),
                "password": PASSWORD, "full_name": full_name}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let r = app.login(username, PASSWORD);
    r.json()["access_token"].as_str().unwrap().to_string()
}

/// Fills a profile from a fixture: `profile` (a PATCH body) and section rows.
pub fn fill(app: &TestApp, jwt: &str, p: &Value) {
    if let Some(body) = p.get("profile") {
        let r = app.patch("/v1/me/profile", Cred::Jwt(jwt), body);
        assert_eq!(r.status, 200, "{}", r.text());
    }
    for section in [
        "skills",
        "experience",
        "education",
        "projects",
        "certifications",
    ] {
        for row in p[section].as_array().into_iter().flatten() {
            let r = app.post(&format!("/v1/me/{section}"), Cred::Jwt(jwt), row);
            assert_eq!(r.status, 201, "{section}: {}", r.text());
        }
    }
}

pub fn ask(app: &TestApp, username: &str, question: &str) -> Resp {
    app.post(
        &format!("/v1/profiles/{username}/ask"),
        Cred::None,
        &json!({ "question": question }),
    )
}

fn fixture() -> Value {
    serde_json::from_str(include_str!("../fixtures/ask/eval.json")).unwrap()
}

/// The rich profile of the evaluation set, as `ada`; returns the app and JWT.
pub fn rich() -> (TestApp, String) {
    let fx = fixture();
    let app = ask_app(fx["today"].as_str().unwrap());
    let jwt = person(&app, "ada", "Ada Lovelace");
    fill(&app, &jwt, &fx["profiles"]["ada"]);
    (app, jwt)
}

#[test]
fn evaluation_set() {
    let fx = fixture();
    let app = ask_app(fx["today"].as_str().unwrap());
    let mut jwts = std::collections::BTreeMap::new();
    for (name, p) in fx["profiles"].as_object().unwrap() {
        let jwt = person(&app, name, p["full_name"].as_str().unwrap());
        fill(&app, &jwt, p);
        jwts.insert(name.clone(), jwt);
    }
    let (mut total, mut failures) = (0, Vec::new());
    for case in fx["cases"].as_array().unwrap() {
        if let Some(edit) = case.get("edit") {
            let jwt = &jwts[edit["profile"].as_str().unwrap()];
            let r = app.call(
                edit["method"].as_str().unwrap(),
                edit["path"].as_str().unwrap(),
                Cred::Jwt(jwt),
                Some(&edit["body"]),
            );
            assert!(r.status < 300, "edit {edit}: {}", r.text());
            continue;
        }
        total += 1;
        let (who, q) = (
            case["profile"].as_str().unwrap(),
            case["question"].as_str().unwrap(),
        );
        let r = ask(&app, who, q);
        assert_eq!(r.status, 200, "{q}: {}", r.text());
        let a = r.json();
        let text = a["answer"].as_str().unwrap();
        let mut wrong = Vec::new();
        if a["answer_status"] != case["status"] {
            wrong.push(format!(
                "status {} (want {})",
                a["answer_status"], case["status"]
            ));
        }
        for fact in case["contains"].as_array().into_iter().flatten() {
            if !text.contains(fact.as_str().unwrap()) {
                wrong.push(format!("missing {fact}"));
            }
        }
        for fact in case["forbidden"].as_array().into_iter().flatten() {
            if text.contains(fact.as_str().unwrap()) {
                wrong.push(format!("states {fact}"));
            }
        }
        let sources = a["sources"].as_array().unwrap();
        let grounded = matches!(
            a["answer_status"].as_str(),
            Some("answered" | "partially_answered")
        );
        if grounded && sources.is_empty() {
            wrong.push("no sources".into());
        }
        if !grounded && (a["confidence"] != 0.0 || a["confidence_band"] != "none") {
            wrong.push("confidence without an answer".into());
        }
        if !wrong.is_empty() {
            failures.push(format!("[{who}] {q} → {text}\n    {}", wrong.join("; ")));
        }
    }
    let passed = total - failures.len();
    // straight to stderr, so `cargo test` shows the score without --nocapture
    let _ = writeln!(
        std::io::stderr(),
        "ask evaluation: {passed}/{total} questions right"
    );
    assert!(total >= 60);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn post_from(app: &TestApp, path: &str, body: &Value, referer: &str) -> Resp {
    let data = body.to_string();
    app.request(
        "POST",
        path,
        &[("Content-Type", "application/json"), ("Referer", referer)],
        Some(data.as_bytes()),
    )
}

#[test]
fn answers_are_grounded_and_byte_for_byte_stable() {
    let (app, _) = rich();
    let first = ask(&app, "ada", "How many years of Python?");
    assert_eq!(first.status, 200, "{}", first.text());
    assert_eq!(first.header("Content-Type"), Some("application/json"));
    let a = first.json();
    assert_eq!(a["username"], "ada");
    assert_eq!(a["answer_mode"], "deterministic");
    assert_eq!(a["answer_status"], "answered");
    // inferred from the dates of the rows that name it: a low band
    assert_eq!(a["confidence_band"], "low");
    assert_eq!(
        a["evidence_types"],
        json!(["experience", "projects", "skills"])
    );
    for s in a["sources"].as_array().unwrap() {
        assert!(s["label"].is_string() && s["facet"].is_string() && s["snippet"].is_string());
    }
    let again = ask(&app, "ADA", "How many years of Python?");
    assert_eq!(first.body, again.body);
    // an exact field: high
    let a = ask(&app, "ada", "Where is she based?").json();
    assert_eq!(
        (a["confidence_band"].clone(), a["confidence"].clone()),
        (json!("high"), json!(0.9))
    );
    assert_eq!(
        a["sources"][0],
        json!({"label": "Profile: location", "facet": "profile", "snippet": "London, UK"})
    );
    // half of a two-part question: the confidence is shared
    let a = ask(&app, "ada", "Does she know Rust and Haskell?").json();
    assert_eq!(a["answer_status"], "partially_answered");
    assert_eq!(a["confidence"], json!(0.45));
}

#[test]
fn questions_are_checked_and_private_profiles_are_unknown() {
    let (app, jwt) = rich();
    let path = "/v1/profiles/ada/ask";
    let r = app.post(path, Cred::None, &json!({"question": "hi"}));
    assert_eq!(r.field_errors(), errs(&[("question", "too_short")]));
    let r = app.post(path, Cred::None, &json!({"question": "a".repeat(501)}));
    assert_eq!(r.field_errors(), errs(&[("question", "too_long")]));
    let r = app.post(path, Cred::None, &json!({"question": "a".repeat(500)}));
    assert_eq!(r.status, 200, "{}", r.text());
    let r = app.post(path, Cred::None, &json!({}));
    assert_eq!(r.field_errors(), errs(&[("question", "required")]));
    let r = app.post(path, Cred::None, &json!({"question": 5}));
    assert_eq!(r.field_errors(), errs(&[("question", "wrong_type")]));
    let r = app.post(
        path,
        Cred::None,
        &json!({"question": "Does she know Rust?", "tone": "x"}),
    );
    assert_eq!(r.field_errors(), errs(&[("tone", "unknown_field")]));
    let r = app.post(
        "/v1/profiles/ada/chat",
        Cred::None,
        &json!({"message": "Rust?", "visitor": {"email": "nope", "age": 3}}),
    );
    assert_eq!(
        r.field_errors(),
        errs(&[
            ("visitor.email", "invalid_format"),
            ("visitor.age", "unknown_field")
        ])
    );
    let r = app.post(
        "/v1/profiles/ada/chat",
        Cred::None,
        &json!({"message": "Rust?", "visitor": {"name": "n".repeat(101)}}),
    );
    assert_eq!(r.field_errors(), errs(&[("visitor.name", "too_long")]));

    let unknown = ask(&app, "nobody", "Does she know Rust?");
    unknown.problem(404, "not_found");
    let r = app.patch(
        "/v1/me/profile",
        Cred::Jwt(&jwt),
        &json!({"is_public": false}),
    );
    assert_eq!(r.status, 200);
    let private = ask(&app, "ada", "Does she know Rust?");
    private.problem(404, "not_found");
    assert_eq!(private.json()["detail"], unknown.json()["detail"]);
    let chat = app.post(
        "/v1/profiles/ada/chat",
        Cred::None,
        &json!({"message": "Rust?"}),
    );
    chat.problem(404, "not_found");
}

#[test]
fn the_ask_bucket_is_per_client_and_shared_with_chat() {
    let app = spawn_with(&["--limit-ask", "2:1/h"], &[]);
    let jwt = person(&app, "ada", "Ada Lovelace");
    fill(&app, &jwt, &json!({"skills": [{"name": "Rust"}]}));
    let r = ask(&app, "ada", "Does she know Rust?");
    assert_eq!(r.status, 200);
    assert!(
        r.header("RateLimit-Policy")
            .unwrap()
            .starts_with("\"ask\";q=2")
    );
    let r = app.post(
        "/v1/profiles/ada/chat",
        Cred::None,
        &json!({"message": "Rust?"}),
    );
    assert_eq!(r.status, 200);
    let r = ask(&app, "ada", "Does she know Rust?");
    r.problem(429, "rate_limited");
    assert!(r.header("Retry-After").unwrap().parse::<u64>().unwrap() >= 1);
    let r = app.post(
        "/v1/profiles/ada/chat",
        Cred::None,
        &json!({"message": "Rust?"}),
    );
    r.problem(429, "rate_limited");
    // public reads have their own bucket
    assert_eq!(app.get("/v1/profiles/ada", Cred::None).status, 200);
}

#[test]
fn chat_follows_up_and_free_plans_keep_nothing() {
    let (app, jwt) = rich();
    let path = "/v1/profiles/ada/chat";
    let r = app.post(path, Cred::None, &json!({"message": "Does she know Rust?"}));
    assert_eq!(r.status, 200, "{}", r.text());
    let first = r.json();
    let id = first["conversation_id"].as_str().unwrap().to_string();
    assert_eq!(first["reply"]["answer_status"], "answered");
    let r = app.post(
        path,
        Cred::None,
        &json!({"message": "and her Python?", "conversation_id": id}),
    );
    let next = r.json();
    assert_eq!(next["conversation_id"], id.as_str());
    assert_eq!(next["reply"]["answer_status"], "answered", "{next}");
    assert!(next["reply"]["answer"].as_str().unwrap().contains("Python"));
    let r = app.post(
        path,
        Cred::None,
        &json!({"message": "How many years?", "conversation_id": id}),
    );
    let years = r.json();
    assert!(
        years["reply"]["answer"]
            .as_str()
            .unwrap()
            .contains("Python"),
        "{years}"
    );
    // a message that asks nothing keeps the context (years, here) for the next one
    let r = app.post(
        path,
        Cred::None,
        &json!({"message": "ok, thanks", "conversation_id": id}),
    );
    assert_eq!(r.json()["reply"]["answer_status"], "unsupported");
    let r = app.post(
        path,
        Cred::None,
        &json!({"message": "and JavaScript?", "conversation_id": id}),
    );
    assert!(
        r.json()["reply"]["answer"]
            .as_str()
            .unwrap()
            .contains("Ada lists JavaScript but gives no years for it")
    );
    // the same words outside the conversation ask something else
    let alone = ask(&app, "ada", "How many years?").json();
    assert!(
        !alone["answer"].as_str().unwrap().contains("Python"),
        "{alone}"
    );
    // an unknown id starts a new conversation
    let r = app.post(
        path,
        Cred::None,
        &json!({"message": "and her Python?", "conversation_id": "made-up"}),
    );
    assert_ne!(r.json()["conversation_id"], "made-up");
    // free: answered, nothing kept, transcripts are a plan feature
    let r = app.get("/v1/me/transcripts", Cred::Jwt(&jwt));
    let p = r.problem(403, "plan_required");
    assert_eq!(
        (p["feature"].clone(), p["required_plan"].clone()),
        (json!("transcripts"), json!("pro"))
    );
    let n: i64 = open_db(&app.db_path())
        .query_row("SELECT count(*) FROM transcript_messages", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
}

#[test]
fn transcripts_are_kept_on_pro_and_belong_to_their_owner() {
    let (app, jwt) = rich();
    app.grant("ada", "pro");
    let other = person(&app, "bob", "Bob Stone");
    app.grant("bob", "recruiter");
    let path = "/v1/profiles/ada/chat";
    let visitor =
        json!({"name": "Rita Recruiter", "company": "Hire Ltd", "email": "rita@hire.example"});
    let r = app.post(
        path,
        Cred::None,
        &json!({"message": "Is she open to work?", "visitor": visitor}),
    );
    let id = r.json()["conversation_id"].as_str().unwrap().to_string();
    let r = app.post(
        path,
        Cred::None,
        &json!({"message": "What is her salary?", "conversation_id": id}),
    );
    assert_eq!(r.json()["conversation_id"], id.as_str());
    let r = app.post(path, Cred::None, &json!({"message": "Who is she?"}));
    let second = r.json()["conversation_id"].as_str().unwrap().to_string();
    assert_ne!(second, id);
    // bob's profile does not continue ada's conversation
    let r = app.post(
        "/v1/profiles/bob/chat",
        Cred::None,
        &json!({"message": "Who is he?", "conversation_id": id}),
    );
    assert_ne!(r.json()["conversation_id"], id.as_str());

    let list = app.get("/v1/me/transcripts", Cred::Jwt(&jwt)).json();
    assert_eq!(list["total"], 2);
    assert_eq!(
        (list["limit"].clone(), list["offset"].clone()),
        (json!(20), json!(0))
    );
    let ids: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [second.as_str(), id.as_str()], "newest first");
    let one = app
        .get(&format!("/v1/me/transcripts/{id}"), Cred::Jwt(&jwt))
        .json();
    assert_eq!(one["visitor"], visitor);
    let msgs = one["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[0]["message"], "Is she open to work?");
    assert_eq!(msgs[0]["answer_status"], "answered");
    assert_eq!(msgs[1]["answer_status"], "unsupported");
    assert_eq!(msgs[1]["reply"]["answer_mode"], "deterministic");
    let page = app
        .get("/v1/me/transcripts?limit=1&offset=1", Cred::Jwt(&jwt))
        .json();
    assert_eq!(page["items"][0]["id"], id.as_str());

    // another owner's transcript is unknown to them
    app.get(&format!("/v1/me/transcripts/{id}"), Cred::Jwt(&other))
        .problem(404, "not_found");
    app.delete(&format!("/v1/me/transcripts/{id}"), Cred::Jwt(&other))
        .problem(404, "not_found");
    assert_eq!(
        app.get("/v1/me/transcripts", Cred::Jwt(&other)).json()["total"],
        1
    );
    let r = app.delete(&format!("/v1/me/transcripts/{id}"), Cred::Jwt(&jwt));
    assert_eq!(r.status, 204);
    app.get(&format!("/v1/me/transcripts/{id}"), Cred::Jwt(&jwt))
        .problem(404, "not_found");
    assert_eq!(
        app.get("/v1/me/transcripts", Cred::Jwt(&jwt)).json()["total"],
        1
    );

    // the export carries them; deleting the account removes them
    let export = app.get("/v1/me/export", Cred::Jwt(&jwt)).json();
    assert_eq!(export["transcripts"].as_array().unwrap().len(), 1);
    assert_eq!(export["insights"]["asks"].as_array().unwrap().len(), 3);
    let r = app.delete_account(&jwt);
    assert_eq!(r.status, 204, "{}", r.text());
    let db = open_db(&app.db_path());
    let n = |sql: &str| db.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    // bob's one conversation is all that is left
    assert_eq!(n("SELECT count(*) FROM transcripts"), 1);
    assert_eq!(n("SELECT count(*) FROM transcript_messages"), 1);
    assert_eq!(n("SELECT count(*) FROM ask_log"), 1);
}

#[test]
fn insights_count_questions_and_referrers() {
    let (app, jwt) = rich();
    let body = |q: &str| json!({ "question": q });
    for q in [
        "Does she know Rust?",
        "does she know rust",
        "Does she know Haskell?",
        "What is her salary?",
    ] {
        let r = post_from(
            &app,
            "/v1/profiles/ada/ask",
            &body(q),
            "https://jobs.example.com/post/1",
        );
        assert_eq!(r.status, 200);
    }
    let r = app.request(
        "GET",
        "/v1/profiles/ada",
        &[("Referer", "https://news.example.org/x")],
        None,
    );
    assert_eq!(r.status, 200);
    // free: a plan feature
    let p = app
        .get("/v1/me/insights", Cred::Jwt(&jwt))
        .problem(403, "plan_required");
    assert_eq!(
        (p["feature"].clone(), p["required_plan"].clone()),
        (json!("insights"), json!("pro"))
    );
    app.get("/v1/me/insights/export?format=csv", Cred::Jwt(&jwt))
        .problem(403, "plan_required");
    app.grant("ada", "pro");
    let i = app.get("/v1/me/insights?days=7", Cred::Jwt(&jwt)).json();
    assert_eq!(i["days"], 7);
    assert_eq!(i["asks"], 4);
    assert_eq!(i["top_questions"][0]["normalised"], "does she know rust");
    assert_eq!(i["top_questions"][0]["count"], 2);
    let open: Vec<(String, String)> = i["unanswered_questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["question"].as_str().unwrap().into(),
                q["status"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        open,
        [
            (
                "Does she know Haskell?".to_string(),
                "insufficient_evidence".to_string()
            ),
            ("What is her salary?".to_string(), "unsupported".to_string())
        ]
    );
    assert_eq!(
        i["referrers"]["asks"],
        json!([{"host": "jobs.example.com", "count": 4}])
    );
    assert_eq!(
        i["referrers"]["views"],
        json!([{"host": "news.example.org", "count": 1}])
    );
    assert_eq!(i["mcp_exposures"], 0);
    app.get("/v1/me/insights?days=0", Cred::Jwt(&jwt))
        .problem(422, "validation_failed");
    // asks are counted in analytics too
    let a = app.get("/v1/me/analytics?days=1", Cred::Jwt(&jwt)).json();
    assert_eq!(a["totals"]["asks"], 4);
}

#[test]
fn insights_export_as_csv_and_json() {
    let (app, jwt) = rich();
    app.grant("ada", "pro");
    let tricky = "Does she know Rust, \"really\"\nor not?";
    assert_eq!(ask(&app, "ada", tricky).status, 200);
    assert_eq!(ask(&app, "ada", "=cmd|' /C calc'!A0 salary?").status, 200);
    let r = app.get("/v1/me/insights/export?format=csv", Cred::Jwt(&jwt));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("Content-Type"), Some("text/csv; charset=utf-8"));
    let disposition = r.header("Content-Disposition").unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"restume-insights-")
            && disposition.ends_with(".csv\"")
    );
    let text = r.text();
    assert!(
        text.starts_with("kind,question,status,host,count\r\n"),
        "{text}"
    );
    assert!(
        text.contains("top_question,\"Does she know Rust, \"\"really\"\"\nor not?\",,,1\r\n"),
        "{text}"
    );
    assert!(
        text.contains("unanswered_question,'=cmd|' /C calc'!A0 salary?,unsupported,,1\r\n"),
        "{text}"
    );
    assert!(text.ends_with("mcp_exposures,,,,0\r\n"));
    let r = app.get("/v1/me/insights/export?format=json", Cred::Jwt(&jwt));
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    assert!(
        r.header("Content-Disposition")
            .unwrap()
            .ends_with(".json\"")
    );
    assert_eq!(r.json()["top_questions"].as_array().unwrap().len(), 2);
    app.get("/v1/me/insights/export?format=xml", Cred::Jwt(&jwt))
        .problem(422, "validation_failed");
}

#[test]
fn hidden_sections_are_not_answered_from() {
    let (app, jwt) = rich();
    app.grant("ada", "pro");
    let r = app.call(
        "PUT",
        "/v1/me/layout",
        Cred::Jwt(&jwt),
        Some(&json!({"sections": [{"name": "experience", "visible": true}, {"name": "education", "visible": true},
                                  {"name": "skills", "visible": false}, {"name": "projects", "visible": true},
                                  {"name": "certifications", "visible": true}]})),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let a = ask(&app, "ada", "What is her Rust level?").json();
    assert!(!a["answer"].as_str().unwrap().contains("Expert"), "{a}");
}

#[test]
fn asks_are_written_by_the_flusher_and_kept_conversations_survive_a_restart() {
    let fx = fixture();
    let today = fx["today"].as_str().unwrap();
    let args = ["--limit-ask", "10000:1000/s"];
    let env = [("RESTUME_TEST_TODAY", today)];
    let mut app = spawn_with(&args, &env);
    let jwt = person(&app, "ada", "Ada Lovelace");
    fill(&app, &jwt, &fx["profiles"]["ada"]);
    app.grant("ada", "pro");
    let r = post_from(
        &app,
        "/v1/profiles/ada/chat",
        &json!({"message": "Does she know Rust?"}),
        "https://jobs.example.com/",
    );
    let id = r.json()["conversation_id"].as_str().unwrap().to_string();
    // the ask is in memory until the flusher (every second) or a clean stop writes it
    let status = app.terminate();
    assert!(status.success());
    let db = open_db(&app.db_path());
    let n = |sql: &str| db.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(
        n("SELECT count(*) FROM ask_log WHERE referrer_host = 'jobs.example.com'"),
        1
    );
    assert_eq!(n("SELECT sum(asks) FROM daily_stats"), 1);
    assert_eq!(
        n("SELECT sum(n) FROM referrer_stats WHERE source = 'ask'"),
        1
    );
    drop(db);
    let dir = std::sync::Arc::clone(&app.dir);
    drop(app);
    let app = spawn_in(dir, &args, &env);
    let r = app.post(
        "/v1/profiles/ada/chat",
        Cred::None,
        &json!({"message": "and Python?", "conversation_id": id}),
    );
    let reply = r.json();
    assert_eq!(reply["conversation_id"], id.as_str());
    assert!(
        reply["reply"]["answer"]
            .as_str()
            .unwrap()
            .contains("Python"),
        "{reply}"
    );
    let jwt = app.jwt("ada");
    let t = app
        .get(&format!("/v1/me/transcripts/{id}"), Cred::Jwt(&jwt))
        .json();
    assert_eq!(t["messages"].as_array().unwrap().len(), 2);
}

#[test]
fn asks_of_an_account_deleted_before_they_are_written_are_left_out() {
    let (app, ada) = rich();
    let bob = person(&app, "bob", "Bob Babbage");
    fill(&app, &bob, &json!({"skills": [{"name": "Go"}]}));
    for q in ["Does she know Rust?", "Where is she based?", "Who is this?"] {
        assert_eq!(ask(&app, "ada", q).status, 200);
    }
    assert_eq!(ask(&app, "bob", "Does he know Go?").status, 200);
    let r = app.delete_account(&ada);
    assert_eq!(r.status, 204, "{}", r.text());
    assert_eq!(ask(&app, "bob", "Where is he based?").status, 200);
    // the flusher runs every second
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let db = open_db(&app.db_path());
    let users = strings(
        &db,
        "SELECT u.username FROM ask_log a JOIN users u ON u.id = a.user_id ORDER BY a.id",
    );
    assert_eq!(users, ["bob", "bob"]);
    let orphans: i64 = db
        .query_row(
            "SELECT count(*) FROM ask_log WHERE user_id NOT IN (SELECT id FROM users)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0);
    assert!(
        !app.log_text().contains("not written"),
        "{}",
        app.log_text()
    );
}
