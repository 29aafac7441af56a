//! Asks read the stored public rendering: every change to what a public
//! read shows must show in the very next ask and chat, never an answer from
//! the résumé as it was, whether or not a public read rendered it anew in
//! between.

use serde_json::{Value, json};

use crate::ask::{ask, ask_app, fill, person};
use crate::helpers::*;

fn answer(app: &TestApp, question: &str) -> Value {
    let r = ask(app, "ada", question);
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

/// A public read first: it renders the résumé anew, so the ask after it
/// finds a fresh rendering with a new ETag (not one waiting to be rendered).
fn read_then_answer(app: &TestApp, question: &str) -> Value {
    assert_eq!(app.get("/v1/profiles/ada", Cred::None).status, 200);
    answer(app, question)
}

fn text(a: &Value) -> &str {
    a["answer"].as_str().unwrap()
}

fn chat(app: &TestApp, message: &str) -> Resp {
    app.post(
        "/v1/profiles/ada/chat",
        Cred::None,
        &json!({ "message": message }),
    )
}

#[test]
fn an_ask_follows_every_change_at_once() {
    let app = ask_app("2026-01-15");
    let admin = app.admin("boss");
    let jwt = person(&app, "ada", "Ada Lovelace");
    fill(
        &app,
        &jwt,
        &json!({"profile": {"location": "London"},
                "skills": [{"name": "Rust", "level": "Expert"}]}),
    );
    let level = "What is her Rust level?";
    let first = answer(&app, level);
    assert!(text(&first).contains("Expert"), "{first}");
    // asked again from what was kept: the same bytes
    assert_eq!(ask(&app, "ada", level).body, ask(&app, "ada", level).body);

    // an edit of a row
    let skills = app.get("/v1/me/skills", Cred::Jwt(&jwt)).json();
    let id = skills[0]["id"].as_str().unwrap().to_string();
    let r = app.call(
        "PUT",
        &format!("/v1/me/skills/{id}"),
        Cred::Jwt(&jwt),
        Some(&json!({"name": "Rust", "level": "Beginner"})),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let edited = read_then_answer(&app, level);
    assert!(text(&edited).contains("Beginner"), "{edited}");
    assert!(!text(&edited).contains("Expert"), "{edited}");
    let reply = chat(&app, level).json();
    assert!(text(&reply["reply"]).contains("Beginner"), "{reply}");

    // a new row and an edit of the profile
    let r = app.post(
        "/v1/me/skills",
        Cred::Jwt(&jwt),
        &json!({"name": "Haskell"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(
        answer(&app, "Does she know Haskell?")["answer_status"],
        "answered"
    );
    let r = app.patch(
        "/v1/me/profile",
        Cred::Jwt(&jwt),
        &json!({"location": "Paris"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let where_ = read_then_answer(&app, "Where is she based?");
    assert!(text(&where_).contains("Paris"), "{where_}");

    // a row deleted: gone from the next answer
    let r = app.delete(&format!("/v1/me/skills/{id}"), Cred::Jwt(&jwt));
    assert!(r.status == 204 || r.status == 200, "{}", r.text());
    assert_eq!(
        answer(&app, "Does she know Rust?")["answer_status"],
        "insufficient_evidence"
    );

    // going private, then public again
    let private = |on: bool| {
        let r = app.patch(
            "/v1/me/profile",
            Cred::Jwt(&jwt),
            &json!({"is_public": !on}),
        );
        assert_eq!(r.status, 200, "{}", r.text());
    };
    private(true);
    ask(&app, "ada", level).problem(404, "not_found");
    chat(&app, level).problem(404, "not_found");
    private(false);
    assert_eq!(
        answer(&app, "Does she know Haskell?")["answer_status"],
        "answered"
    );

    // a disabled account, then enabled again
    let disabled = |on: bool| {
        let r = app.patch(
            "/v1/admin/users/ada",
            Cred::Jwt(&admin),
            &json!({"is_disabled": on}),
        );
        assert_eq!(r.status, 200, "{}", r.text());
    };
    disabled(true);
    ask(&app, "ada", level).problem(404, "not_found");
    chat(&app, level).problem(404, "not_found");
    disabled(false);
    assert!(text(&answer(&app, "Where is she based?")).contains("Paris"));

    // a new full name: the name the answers use (and read as "she");
    // tokens from before the account was disabled are no longer good
    let jwt = app.jwt("ada");
    let r = app.patch(
        "/v1/me/account",
        Cred::Jwt(&jwt),
        &json!({"full_name": "Grace Hopper"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let who = read_then_answer(&app, "Where is Grace based?");
    assert_eq!(who["answer_status"], "answered", "{who}");
    assert!(
        text(&who).contains("Grace") && text(&who).contains("Paris"),
        "{who}"
    );
}

#[test]
fn a_hidden_section_is_gone_from_the_next_ask() {
    let app = ask_app("2026-01-15");
    let jwt = person(&app, "ada", "Ada Lovelace");
    fill(
        &app,
        &jwt,
        &json!({"skills": [{"name": "Rust", "level": "Expert"}],
                "experience": [{"company": "Acme Ltd", "title": "Engineer", "start_date": "2020-01"}]}),
    );
    app.grant("ada", "pro");
    let level = "What is her Rust level?";
    assert!(text(&answer(&app, level)).contains("Expert"));
    let layout = |skills: bool| {
        let r = app.call(
            "PUT",
            "/v1/me/layout",
            Cred::Jwt(&jwt),
            Some(&json!({"sections": [{"name": "experience", "visible": true}, {"name": "education", "visible": true},
                                      {"name": "skills", "visible": skills}, {"name": "projects", "visible": true},
                                      {"name": "certifications", "visible": true}]})),
        );
        assert_eq!(r.status, 200, "{}", r.text());
    };
    layout(false);
    let hidden = answer(&app, level);
    assert!(!text(&hidden).contains("Expert"), "{hidden}");
    layout(true);
    assert!(text(&read_then_answer(&app, level)).contains("Expert"));
    layout(false);
    let hidden = read_then_answer(&app, level);
    assert!(!text(&hidden).contains("Expert"), "{hidden}");
}
