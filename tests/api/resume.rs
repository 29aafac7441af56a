//! The whole résumé: JSON Resume import and export, and the owner's export.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::jsonschema;

pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/jsonresume/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
        .unwrap()
}

fn without(mut doc: Value, keys: &[&str]) -> Value {
    for k in keys {
        doc.as_object_mut().unwrap().remove(*k);
    }
    doc
}

/// The owner's résumé without what an import necessarily renews (ids, times).
fn content(app: &TestApp, jwt: &str) -> Value {
    let mut r = app.get("/v1/me/resume", Cred::Jwt(jwt)).json();
    r["profile"].as_object_mut().unwrap().remove("updated_at");
    for (_, rows) in r["sections"].as_object_mut().unwrap() {
        for row in rows.as_array_mut().unwrap() {
            for k in ["id", "created_at", "updated_at"] {
                row.as_object_mut().unwrap().remove(k);
            }
        }
    }
    r
}

#[test]
fn the_sample_comes_back_equal_and_valid() {
    let app = spawn_app();
    let jwt = app.user("richard");
    let sample = fixture("sample.resume.json");
    let r = app.call("PUT", "/v1/me/resume", Cred::Jwt(&jwt), Some(&sample));
    assert_eq!(r.status, 200, "{}", r.text());
    let answer = r.json();
    assert_eq!(
        answer["imported"],
        json!({"skills": 2, "experience": 1, "education": 1, "projects": 1, "certifications": 0})
    );
    let mut kept: Vec<String> = answer["kept_verbatim"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    kept.sort();
    assert_eq!(
        kept,
        [
            "awards",
            "interests",
            "languages",
            "meta",
            "publications",
            "references",
            "volunteer"
        ]
    );

    let exported = app
        .get("/v1/me/resume?format=jsonresume", Cred::Jwt(&jwt))
        .json();
    assert_eq!(
        without(exported.clone(), &["$schema", "meta"]),
        without(sample, &["$schema", "meta"])
    );
    let errors = jsonschema::validate(&fixture("schema.json"), &exported);
    assert!(errors.is_empty(), "{errors:?}");

    // the import filled the API's own fields too
    let me = app.get("/v1/me/resume", Cred::Jwt(&jwt)).json();
    assert_eq!(me["full_name"], "Richard Hendriks");
    assert_eq!(me["profile"]["headline"], "Programmer");
    assert_eq!(me["profile"]["location"], "San Francisco, California, US");
    assert_eq!(me["sections"]["experience"][0]["company"], "Pied Piper");
    assert_eq!(me["sections"]["experience"][0]["title"], "CEO/President");
    assert_eq!(me["sections"]["skills"][1]["name"], "Compression");
}

#[test]
fn export_then_import_changes_nothing() {
    let app = spawn_app();
    let jwt = app.user("ada");
    app.patch(
        "/v1/me/profile",
        Cred::Jwt(&jwt),
        &json!({"headline": "Engineer", "location": "Lisbon", "website": "https://ada.example",
        "links": [{"network": "GitHub", "url": "https://github.com/ada"}], "open_to_work": true}),
    );
    app.post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": "Rust", "level": "Expert", "years": 6, "category": "Lang", "keywords": ["tokio"]}));
    app.post(
        "/v1/me/experience",
        Cred::Jwt(&jwt),
        &json!({"company": "Acme", "title": "Dev", "start_date": "2019"}),
    );
    app.post(
        "/v1/me/projects",
        Cred::Jwt(&jwt),
        &json!({"name": "p", "repo_url": "https://git.example/p"}),
    );
    app.post(
        "/v1/me/certifications",
        Cred::Jwt(&jwt),
        &json!({"name": "CKA", "issuer": "CNCF", "expires": "2027", "credential_id": "X1"}),
    );
    app.post(
        "/v1/me/education",
        Cred::Jwt(&jwt),
        &json!({"institution": "MIT"}),
    );
    let before = content(&app, &jwt);
    let exported = app
        .get("/v1/me/resume?format=jsonresume", Cred::Jwt(&jwt))
        .json();
    assert!(jsonschema::validate(&fixture("schema.json"), &exported).is_empty());
    let r = app.call("PUT", "/v1/me/resume", Cred::Jwt(&jwt), Some(&exported));
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(content(&app, &jwt), before);
    let again = app
        .get("/v1/me/resume?format=jsonresume", Cred::Jwt(&jwt))
        .json();
    assert_eq!(again, exported);
}

#[test]
fn a_bad_document_names_each_path_and_changes_nothing() {
    let app = spawn_app();
    let jwt = app.user("ada");
    app.post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": "Kept"}));
    let before = content(&app, &jwt);
    let mut doc = fixture("sample.resume.json");
    doc["work"] = json!([
        {"name": "A", "position": "x"},
        {"name": "B", "position": "y"},
        {"name": "C", "position": "z", "startDate": "2020-02-30"}
    ]);
    doc["basics"]["email"] = json!("not an email");
    doc["skills"][1] = json!({"name": 5, "level": "Master"});
    doc["education"][0]["endDate"] = json!("2001");
    doc["hobbies"] = json!(["x"]);
    doc["awards"] = json!({"not": "an array"});
    let r = app.call("PUT", "/v1/me/resume", Cred::Jwt(&jwt), Some(&doc));
    let mut errors = r.field_errors();
    errors.sort();
    let expected = [
        ("awards", "wrong_type"),
        ("basics.email", "invalid_format"),
        ("education[0].endDate", "before_start"),
        ("hobbies", "unknown_field"),
        ("skills[1].name", "wrong_type"),
        ("work[2].startDate", "invalid_date"),
    ];
    assert_eq!(
        errors,
        expected
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect::<Vec<_>>()
    );
    assert_eq!(content(&app, &jwt), before);

    for (body, field) in [
        (json!([1, 2]), "body"),
        (json!({"work": {"name": "x"}}), "work"),
        (json!({"skills": ["Rust"]}), "skills[0]"),
        (json!({"basics": {"location": "Paris"}}), "basics.location"),
        (json!({"work": [{"position": ["x"]}]}), "work[0].position"),
    ] {
        let r = app.call("PUT", "/v1/me/resume", Cred::Jwt(&jwt), Some(&body));
        let errors = r.field_errors();
        assert_eq!(errors[0].0, field, "{body}: {errors:?}");
    }
    assert_eq!(content(&app, &jwt), before);
}

/// Documents that are valid JSON Resume but lack what RESTume needs to make
/// a row through the API (found by a schema fuzzer: `{"work":[{"name":"Acme"}]}`
/// was refused). Each imports, and exports back equal.
#[test]
fn every_valid_json_resume_document_imports_and_comes_back_equal() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let schema = fixture("schema.json");
    let name = json!({"name": "ada Example"});
    let docs = [
        json!({"work": [{"name": "Acme"}]}),
        json!({"work": [{"position": "Engineer"}, {}, {"name": "Acme", "description": "kept"}]}),
        json!({"basics": name, "education": [{"area": "Physics"}, {"studyType": "PhD", "courses": []}]}),
        json!({"basics": name, "skills": [{}, {"level": "Expert"}, {"keywords": ["a"]}]}),
        json!({"basics": name, "skills": [{"name": "Go"}, {"name": "go"}, {"name": "Go", "level": "Master"}]}),
        json!({"basics": name, "projects": [{"description": "no name"}, {"roles": ["lead"], "entity": "x", "type": "app"}]}),
        json!({"basics": name, "certificates": [{"name": "CKA"}, {"issuer": "CNCF"}, {"date": "2021"}]}),
        json!({"basics": {"name": "ada Example", "location": {"countryCode": "PT"}, "profiles": [{"network": "GitHub"}]}}),
        json!({"basics": name, "work": [{"name": "A", "highlights": []}], "volunteer": [{}], "awards": [{}]}),
        json!({}),
    ];
    for doc in docs {
        let invalid = jsonschema::validate(&schema, &doc);
        assert!(
            invalid.is_empty(),
            "the test document is no JSON Resume: {doc}: {invalid:?}"
        );
        let r = app.call("PUT", "/v1/me/resume", Cred::Jwt(&jwt), Some(&doc));
        assert_eq!(r.status, 200, "{doc}: {}", r.text());
        let exported = app
            .get("/v1/me/resume?format=jsonresume", Cred::Jwt(&jwt))
            .json();
        assert!(
            jsonschema::validate(&schema, &exported).is_empty(),
            "{exported}"
        );
        let mut expected = doc.clone();
        // the export always names its schema and the account's owner
        expected["basics"]["name"] = json!("ada Example");
        assert_eq!(without(exported.clone(), &["$schema"]), expected, "{doc}");
        // and imported again, it changes nothing
        let before = content(&app, &jwt);
        let r = app.call("PUT", "/v1/me/resume", Cred::Jwt(&jwt), Some(&exported));
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(content(&app, &jwt), before, "{doc}");
    }
    // a row imported without a required field is kept with it empty …
    app.call(
        "PUT",
        "/v1/me/resume",
        Cred::Jwt(&jwt),
        Some(&json!({"work": [{"name": "Acme"}]})),
    );
    let rows = app.get("/v1/me/experience", Cred::Jwt(&jwt)).json();
    assert_eq!(
        (rows[0]["company"].clone(), rows[0]["title"].clone()),
        (json!("Acme"), json!(""))
    );
    // … and the API still requires it when a row is made or replaced
    let id = rows[0]["id"].as_str().unwrap();
    let r = app.call(
        "PUT",
        &format!("/v1/me/experience/{id}"),
        Cred::Jwt(&jwt),
        Some(&json!({"company": "Acme"})),
    );
    assert_eq!(r.field_errors(), errs(&[("title", "required")]));
    let r = app.post(
        "/v1/me/experience",
        Cred::Jwt(&jwt),
        &json!({"company": "Acme", "title": ""}),
    );
    assert_eq!(r.field_errors(), errs(&[("title", "too_short")]));
    // two skills of one name import; the API makes no third
    app.call(
        "PUT",
        "/v1/me/resume",
        Cred::Jwt(&jwt),
        Some(&json!({"skills": [{"name": "Go"}, {"name": "go"}]})),
    );
    app.post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": "GO"}))
        .problem(409, "duplicate_skill");
}

/// Documents from the wild mean an empty string as "no value" (strictly, an
/// empty date breaks the schema's pattern, but editors write them).
#[test]
fn empty_strings_in_an_imported_document_mean_absent() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let doc = json!({"basics": {"name": "ada Example"}, "work": [{"name": "Acme", "position": "",
        "startDate": "2019-03", "endDate": "", "url": "", "summary": ""}],
        "certificates": [{"name": "CKA", "issuer": "", "date": ""}]});
    let r = app.call("PUT", "/v1/me/resume", Cred::Jwt(&jwt), Some(&doc));
    assert_eq!(r.status, 200, "{}", r.text());
    let work = &app.get("/v1/me/experience", Cred::Jwt(&jwt)).json()[0];
    assert_eq!(
        (
            work["start_date"].clone(),
            work["end_date"].clone(),
            work["url"].clone(),
            work["summary"].clone()
        ),
        (json!("2019-03"), json!(null), json!(null), json!(null)),
        "an empty endDate is a current role"
    );
    let exported = app
        .get("/v1/me/resume?format=jsonresume", Cred::Jwt(&jwt))
        .json();
    assert_eq!(
        without(exported, &["$schema"]),
        json!({"basics": {"name": "ada Example"}, "work": [{"name": "Acme", "startDate": "2019-03"}],
               "certificates": [{"name": "CKA"}]})
    );
}

#[test]
fn the_owner_export_holds_everything() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let key = app.key(&jwt);
    app.call(
        "PUT",
        "/v1/me/resume",
        Cred::Jwt(&jwt),
        Some(&fixture("sample.resume.json")),
    );
    let r = app.get("/v1/me/export", Cred::Key(&key));
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("Content-Disposition"),
        Some("attachment; filename=\"restume-export-ada.json\"")
    );
    let body = r.json();
    assert_eq!(body["account"]["username"], "ada");
    assert_eq!(
        body["resume"]["sections"]["skills"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(body["json_resume"]["basics"]["name"], "Richard Hendriks");
    assert_eq!(body["api_keys"][0]["prefix"], &key[..8]);
    assert!(!r.text().contains(&key));
    assert!(
        body["audit_events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "api_key.create")
    );
    for k in ["analytics", "grants", "transcripts"] {
        assert!(body[k].is_array(), "{k}");
    }
    app.get("/v1/me/resume?format=pdf", Cred::Jwt(&jwt))
        .problem(422, "validation_failed");
}
