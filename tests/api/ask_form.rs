//! Asks read a public rendering's kept ask form (`public_asks`), made with
//! the rendering, and read the rendering itself when there is none: the
//! same answers, byte for byte, either way; a form follows its rendering,
//! and a database made before forms gets them at start.

use std::sync::Arc;

use serde_json::json;

use crate::ask::{ask, rich};
use crate::common::TempDir;
use crate::helpers::*;

const QUESTIONS: &[&str] = include!("../../bench/ask_questions.rs");

fn answers(app: &TestApp) -> Vec<Vec<u8>> {
    QUESTIONS
        .iter()
        .map(|q| {
            let r = ask(app, "ada", q);
            assert_eq!(r.status, 200, "{q}: {}", r.text());
            r.body
        })
        .collect()
}

/// ada's kept forms: (json_etag, first byte of the form) of each.
fn forms(db: &rusqlite::Connection) -> Vec<(String, Vec<u8>)> {
    db.prepare(
        "SELECT a.json_etag, a.form FROM public_asks a JOIN users u ON u.id = a.user_id
         WHERE u.username = 'ada'",
    )
    .unwrap()
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn etag(app: &TestApp) -> String {
    let r = app.get("/v1/profiles/ada", Cred::None);
    assert_eq!(r.status, 200);
    r.header("etag").unwrap().to_string()
}

#[test]
fn the_kept_form_and_the_rendering_give_the_same_answers() {
    let (app, jwt) = rich();
    let tag = etag(&app);
    let db = open_db(&app.db_path());
    let kept = forms(&db);
    assert_eq!(kept.len(), 1, "one form, of the current rendering");
    assert_eq!(kept[0].0, tag);
    let from_form = answers(&app);
    assert!(
        String::from_utf8_lossy(&from_form[0]).contains("\"answer_status\":\"answered\""),
        "{}",
        String::from_utf8_lossy(&from_form[0])
    );

    // no form: read from the rendering, the same bytes
    db.execute("DELETE FROM public_asks", []).unwrap();
    assert_eq!(answers(&app), from_form);
    // a form of another layout, a damaged one, one cut short: the same
    let ada: String = db
        .query_row("SELECT id FROM users WHERE username = 'ada'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let whole = kept[0].1.clone();
    for bad in [
        vec![0u8],
        vec![1, 0xff, 0xff],
        whole[..whole.len() / 2].to_vec(),
    ] {
        db.execute(
            "INSERT OR REPLACE INTO public_asks (user_id, json_etag, form) VALUES (?1, ?2, ?3)",
            rusqlite::params![ada, tag, bad],
        )
        .unwrap();
        assert_eq!(answers(&app), from_form);
    }
    // a form of an older rendering is never read
    db.execute(
        "INSERT OR REPLACE INTO public_asks (user_id, json_etag, form) VALUES (?1, 'older', ?2)",
        rusqlite::params![ada, whole],
    )
    .unwrap();
    let r = app.patch(
        "/v1/me/profile",
        Cred::Jwt(&jwt),
        &json!({"location": "Lisbon"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let where_ = ask(&app, "ada", "Where is she based?");
    assert!(where_.text().contains("Lisbon"), "{}", where_.text());

    // the rendering brought up to date keeps a new form, and only that one
    let tag = etag(&app);
    assert_ne!(kept[0].0, tag);
    let now = forms(&db);
    assert_eq!(now.len(), 1);
    assert_eq!(now[0].0, tag);
    assert!(
        ask(&app, "ada", "Where is she based?")
            .text()
            .contains("Lisbon")
    );

    // private: the form goes with the rendering, and the ask is a 404
    let r = app.patch(
        "/v1/me/profile",
        Cred::Jwt(&jwt),
        &json!({"is_public": false}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(ask(&app, "ada", "Where is she based?").status, 404);
    assert_eq!(app.get("/v1/profiles/ada", Cred::None).status, 404);
    assert!(forms(&db).is_empty());
}

#[test]
fn a_database_made_before_ask_forms_gets_them_at_start() {
    let dir = Arc::new(TempDir::new());
    let mut app = spawn_in(Arc::clone(&dir), &["--limit-ask", "10000:1000/s"], &[]);
    let jwt = app.user("ada");
    let r = app.post(
        "/v1/me/skills",
        Cred::Jwt(&jwt),
        &json!({"name": "Fortran"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    app.user("bob");
    let tag = etag(&app);
    let before = answers(&app);
    assert!(app.terminate().success());
    {
        // as a version before ask forms left it
        let db = open_db(&app.db_path());
        db.execute_batch(
            "DROP TRIGGER public_asks_follow_change;
             DROP TRIGGER public_asks_follow_delete;
             DROP TABLE public_asks;",
        )
        .unwrap();
    }
    let app = spawn_in(Arc::clone(&dir), &["--limit-ask", "10000:1000/s"], &[]);
    // the answers do not wait for the forms, nor change with them
    assert_eq!(answers(&app), before);
    let db = open_db(&app.db_path());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let made = || -> i64 {
        db.query_row("SELECT count(*) FROM public_asks", [], |r| r.get(0))
            .unwrap()
    };
    while made() < 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(made(), 2, "ada's and bob's forms, made by the refresher");
    assert_eq!(forms(&db)[0].0, tag, "of the same rendering");
    assert_eq!(etag(&app), tag);
    assert_eq!(answers(&app), before);
}
