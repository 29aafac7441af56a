//! `/v1/me/<section>`: CRUD, every field's rules, ordering, and owner scoping.

use serde_json::{Value, json};

use crate::helpers::*;

/// A valid body for each section, with every field set.
fn full(section: &str) -> Value {
    match section {
        "skills" => {
            json!({"name": "Rust", "level": "Expert", "years": 6, "category": "Languages", "keywords": ["tokio", "serde"]})
        }
        "experience" => {
            json!({"company": "Acme", "title": "Engineer", "start_date": "2019-03", "end_date": "2022",
                               "location": "Remote", "url": "https://acme.example", "summary": "Built things",
                               "highlights": ["Shipped v2"]})
        }
        "education" => {
            json!({"institution": "MIT", "area": "CS", "study_type": "BSc", "start_date": "2010",
                              "end_date": "2014-06-30", "score": "3.9", "courses": ["Algorithms"]})
        }
        "projects" => {
            json!({"name": "restume", "description": "Résumé API", "url": "https://restume.example",
                             "repo_url": "https://git.example/restume", "start_date": "2026-01", "end_date": null,
                             "highlights": ["Fast"], "keywords": ["rust", "sqlite"]})
        }
        "certifications" => {
            json!({"name": "CKA", "issuer": "CNCF", "date": "2024-05-01", "expires": "2027-05-01",
                                   "url": "https://cncf.example/cka", "credential_id": "ABC-123"})
        }
        _ => unreachable!(),
    }
}

const SECTIONS: [&str; 5] = [
    "skills",
    "experience",
    "education",
    "projects",
    "certifications",
];

#[test]
fn every_section_supports_create_list_get_replace_delete() {
    let app = spawn_app();
    let jwt = app.user("ada");
    for s in SECTIONS {
        let path = format!("/v1/me/{s}");
        let r = app.post(&path, Cred::Jwt(&jwt), &full(s));
        assert_eq!(r.status, 201, "{s}: {}", r.text());
        let row = r.json();
        let id = row["id"].as_str().unwrap().to_string();
        assert_eq!(r.header("Location"), Some(format!("{path}/{id}").as_str()));
        assert_eq!(row["position"], 0);
        for (k, v) in full(s).as_object().unwrap() {
            assert_eq!(&row[k], v, "{s}.{k}");
        }
        assert!(row["created_at"].is_string() && row["updated_at"].is_string());
        assert_eq!(
            app.get(&format!("{path}/{id}"), Cred::Jwt(&jwt)).json(),
            row
        );
        let list = app.get(&path, Cred::Jwt(&jwt)).json();
        assert_eq!(list, json!([row.clone()]));

        // full replace: what is left out becomes empty
        let mut minimal = serde_json::Map::new();
        for k in ["name", "company", "title", "institution", "issuer"] {
            if let Some(v) = full(s).get(k) {
                minimal.insert(k.into(), v.clone());
            }
        }
        let r = app.call(
            "PUT",
            &format!("{path}/{id}"),
            Cred::Jwt(&jwt),
            Some(&Value::Object(minimal)),
        );
        assert_eq!(r.status, 200, "{s}: {}", r.text());
        let replaced = r.json();
        assert_eq!(replaced["id"], row["id"]);
        assert_eq!(replaced["position"], 0);
        for (k, v) in replaced.as_object().unwrap() {
            if full(s).get(k).is_some()
                && !["name", "company", "title", "institution", "issuer"].contains(&k.as_str())
            {
                assert!(v.is_null() || v == &json!([]), "{s}.{k} = {v}");
            }
        }
        assert_eq!(
            app.delete(&format!("{path}/{id}"), Cred::Jwt(&jwt)).status,
            204
        );
        app.delete(&format!("{path}/{id}"), Cred::Jwt(&jwt))
            .problem(404, "not_found");
        assert_eq!(app.get(&path, Cred::Jwt(&jwt)).json(), json!([]));
    }
}

#[test]
fn new_rows_go_last_and_position_reorders() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let ids: Vec<String> = ["Go", "Rust", "SQL"]
        .iter()
        .map(|n| {
            app.post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": n}))
                .json()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let names = |app: &TestApp| -> Vec<String> {
        app.get("/v1/me/skills", Cred::Jwt(&jwt))
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&app), ["Go", "Rust", "SQL"]);
    let r = app.call(
        "PUT",
        &format!("/v1/me/skills/{}", ids[2]),
        Cred::Jwt(&jwt),
        Some(&json!({"name": "SQL", "position": -0})),
    );
    assert_eq!(r.json()["position"], 0);
    let r = app.call(
        "PUT",
        &format!("/v1/me/skills/{}", ids[0]),
        Cred::Jwt(&jwt),
        Some(&json!({"name": "Go", "position": 9})),
    );
    assert_eq!(r.status, 200);
    assert_eq!(names(&app), ["SQL", "Rust", "Go"]);
    let r = app.post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": "C"}));
    assert_eq!(r.json()["position"], 10);
    let r = app.post(
        "/v1/me/skills",
        Cred::Jwt(&jwt),
        &json!({"name": "D", "position": -1}),
    );
    assert_eq!(r.field_errors(), errs(&[("position", "out_of_range")]));
}

#[test]
fn skill_names_are_unique_without_regard_to_case() {
    let app = spawn_app();
    let jwt = app.user("ada");
    app.post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": "Rust"}));
    app.post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": "rUST"}))
        .problem(409, "duplicate_skill");
    app.post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": "Élan"}));
    app.post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": "élan"}))
        .problem(409, "duplicate_skill");
    let go = app
        .post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": "Go"}))
        .json();
    let path = format!("/v1/me/skills/{}", go["id"].as_str().unwrap());
    app.call(
        "PUT",
        &path,
        Cred::Jwt(&jwt),
        Some(&json!({"name": "RUST"})),
    )
    .problem(409, "duplicate_skill");
    // renaming a skill to itself in another case is fine
    assert_eq!(
        app.call("PUT", &path, Cred::Jwt(&jwt), Some(&json!({"name": "GO"})))
            .status,
        200
    );
    // another user may have the same skill
    let bob = app.user("bob");
    assert_eq!(
        app.post("/v1/me/skills", Cred::Jwt(&bob), &json!({"name": "Rust"}))
            .status,
        201
    );
}

#[test]
fn every_rule_is_checked() {
    let app = spawn_app();
    let jwt = app.user("ada");
    type Case = (&'static str, Value, Vec<(&'static str, &'static str)>);
    let cases: Vec<Case> = vec![
        ("skills", json!({}), vec![("name", "required")]),
        ("skills", json!({"name": "  "}), vec![("name", "too_short")]),
        (
            "skills",
            json!({"name": "x".repeat(101)}),
            vec![("name", "too_long")],
        ),
        (
            "skills",
            json!({"name": "x", "level": "l".repeat(51)}),
            vec![("level", "too_long")],
        ),
        (
            "skills",
            json!({"name": "x", "years": 71}),
            vec![("years", "out_of_range")],
        ),
        (
            "skills",
            json!({"name": "x", "years": -1}),
            vec![("years", "out_of_range")],
        ),
        (
            "skills",
            json!({"name": "x", "years": 2.5}),
            vec![("years", "out_of_range")],
        ),
        (
            "skills",
            json!({"name": "x", "years": "5"}),
            vec![("years", "wrong_type")],
        ),
        (
            "skills",
            json!({"name": "x", "category": "c".repeat(51)}),
            vec![("category", "too_long")],
        ),
        (
            "skills",
            json!({"name": "x", "keywords": vec!["k"; 21]}),
            vec![("keywords", "too_many")],
        ),
        (
            "skills",
            json!({"name": "x", "keywords": ["k".repeat(51)]}),
            vec![("keywords[0]", "too_long")],
        ),
        (
            "skills",
            json!({"name": "x", "keywords": "rust"}),
            vec![("keywords", "wrong_type")],
        ),
        (
            "skills",
            json!({"name": "x", "id": "mine"}),
            vec![("id", "unknown_field")],
        ),
        (
            "skills",
            json!({"name": "x", "user_id": "someone"}),
            vec![("user_id", "unknown_field")],
        ),
        (
            "experience",
            json!({}),
            vec![("company", "required"), ("title", "required")],
        ),
        (
            "experience",
            json!({"company": "c".repeat(201), "title": "t"}),
            vec![("company", "too_long")],
        ),
        (
            "experience",
            json!({"company": "c", "title": "t", "start_date": "2020-13"}),
            vec![("start_date", "invalid_date")],
        ),
        (
            "experience",
            json!({"company": "c", "title": "t", "start_date": "2021-02-29"}),
            vec![("start_date", "invalid_date")],
        ),
        (
            "experience",
            json!({"company": "c", "title": "t", "start_date": "March 2020"}),
            vec![("start_date", "invalid_date")],
        ),
        (
            "experience",
            json!({"company": "c", "title": "t", "start_date": "2020-05", "end_date": "2020-04-30"}),
            vec![("end_date", "before_start")],
        ),
        (
            "experience",
            json!({"company": "c", "title": "t", "start_date": "2021", "end_date": "2020"}),
            vec![("end_date", "before_start")],
        ),
        (
            "experience",
            json!({"company": "c", "title": "t", "url": "javascript:alert(1)"}),
            vec![("url", "invalid_format")],
        ),
        (
            "experience",
            json!({"company": "c", "title": "t", "summary": "s".repeat(5001)}),
            vec![("summary", "too_long")],
        ),
        (
            "experience",
            json!({"company": "c", "title": "t", "highlights": vec!["h"; 21]}),
            vec![("highlights", "too_many")],
        ),
        (
            "experience",
            json!({"company": "c", "title": "t", "highlights": ["h".repeat(501)]}),
            vec![("highlights[0]", "too_long")],
        ),
        (
            "education",
            json!({"area": "CS"}),
            vec![("institution", "required")],
        ),
        (
            "education",
            json!({"institution": "i", "courses": vec!["c"; 31]}),
            vec![("courses", "too_many")],
        ),
        (
            "education",
            json!({"institution": "i", "courses": ["c".repeat(201)]}),
            vec![("courses[0]", "too_long")],
        ),
        (
            "education",
            json!({"institution": "i", "start_date": "2014", "end_date": "2010"}),
            vec![("end_date", "before_start")],
        ),
        (
            "projects",
            json!({"description": "d"}),
            vec![("name", "required")],
        ),
        (
            "projects",
            json!({"name": "n", "description": "d".repeat(5001)}),
            vec![("description", "too_long")],
        ),
        (
            "projects",
            json!({"name": "n", "repo_url": "ftp://x.example"}),
            vec![("repo_url", "invalid_format")],
        ),
        (
            "certifications",
            json!({"name": "n"}),
            vec![("issuer", "required")],
        ),
        (
            "certifications",
            json!({"name": "n", "issuer": "i", "credential_id": "c".repeat(201)}),
            vec![("credential_id", "too_long")],
        ),
        (
            "certifications",
            json!({"name": "n", "issuer": "i", "date": "2024-05", "expires": "2023"}),
            vec![("expires", "before_start")],
        ),
        (
            "certifications",
            json!({"name": 5, "issuer": true}),
            vec![("issuer", "wrong_type"), ("name", "wrong_type")],
        ),
    ];
    for (section, body, expected) in cases {
        let r = app.post(&format!("/v1/me/{section}"), Cred::Jwt(&jwt), &body);
        let mut got = r.field_errors();
        got.sort();
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(f, c)| (f.to_string(), c.to_string()))
            .collect();
        assert_eq!(got, expected, "{section} {body}");
    }
    for s in SECTIONS {
        assert_eq!(
            app.get(&format!("/v1/me/{s}"), Cred::Jwt(&jwt)).json(),
            json!([]),
            "{s}: nothing was saved"
        );
    }
    // a missing end date means "current"; partial dates of any precision are fine
    let r = app.post(
        "/v1/me/experience",
        Cred::Jwt(&jwt),
        &json!({"company": "c", "title": "t", "start_date": "2020-05", "end_date": "2020-05-31"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let r = app.post(
        "/v1/me/experience",
        Cred::Jwt(&jwt),
        &json!({"company": "c", "title": "t", "start_date": "2020-02-29"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
}

#[test]
fn another_users_rows_are_404_with_jwt_or_key() {
    let app = spawn_app();
    let ada = app.user("ada");
    let ada_key = app.key(&ada);
    let bob = app.user("bob");
    for s in SECTIONS {
        let row = app
            .post(&format!("/v1/me/{s}"), Cred::Jwt(&bob), &full(s))
            .json();
        let path = format!("/v1/me/{s}/{}", row["id"].as_str().unwrap());
        for cred in [Cred::Jwt(&ada), Cred::Key(&ada_key)] {
            app.get(&path, cred).problem(404, "not_found");
            app.call("PUT", &path, cred, Some(&full(s)))
                .problem(404, "not_found");
            app.delete(&path, cred).problem(404, "not_found");
            assert_eq!(app.get(&format!("/v1/me/{s}"), cred).json(), json!([]));
        }
        // bob's row is untouched
        assert_eq!(app.get(&path, Cred::Jwt(&bob)).json(), row);
    }
    let unknown = "/v1/me/skills/00000000-0000-4000-8000-000000000000";
    app.get(unknown, Cred::Jwt(&ada)).problem(404, "not_found");
}

#[test]
fn a_section_holds_at_most_100_rows() {
    let app = spawn_app();
    let jwt = app.user("ada");
    for i in 0..100 {
        let r = app.post(
            "/v1/me/skills",
            Cred::Jwt(&jwt),
            &json!({"name": format!("skill {i}")}),
        );
        assert_eq!(r.status, 201);
    }
    app.post(
        "/v1/me/skills",
        Cred::Jwt(&jwt),
        &json!({"name": "one more"}),
    )
    .problem(409, "section_full");
}
