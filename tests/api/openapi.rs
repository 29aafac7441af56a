//! SPEC §4, §8: `GET /openapi.json` and `restume openapi` give the same
//! OpenAPI 3.1 document, and the live router answers every operation it lists.

use std::collections::BTreeSet;
use std::process::Command;

use regex::Regex;
use serde_json::{Value, json};

use crate::helpers::*;

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch"];

/// (METHOD, path template) of every operation in the document.
fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            assert!(METHODS.contains(&method.as_str()), "{method} {path}");
            out.insert((method.to_uppercase(), path.clone()));
        }
    }
    out
}

fn cli_document() -> Value {
    let out = Command::new(bin()).arg("openapi").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("restume openapi prints JSON")
}

fn unresolved_refs<'a>(doc: &Value, v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref")
                && r.strip_prefix('#').and_then(|p| doc.pointer(p)).is_none()
            {
                out.push(r);
            }
            m.values().for_each(|c| unresolved_refs(doc, c, out));
        }
        Value::Array(a) => a.iter().for_each(|c| unresolved_refs(doc, c, out)),
        _ => {}
    }
}

#[test]
fn served_document_is_the_cli_document() {
    let app = spawn_app();
    let r = app.get("/openapi.json", Cred::None);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    let served = r.json();
    assert_eq!(served["openapi"], "3.1.0");
    assert_eq!(served["info"]["title"], "RESTume");
    assert!(served["info"]["version"].is_string());
    let printed = cli_document();
    assert_eq!(operations(&served), operations(&printed));
    assert_eq!(served, printed);
    let mut broken = Vec::new();
    unresolved_refs(&served, &served, &mut broken);
    assert!(broken.is_empty(), "unresolved $refs: {broken:?}");
    assert!(operations(&served).contains(&("GET".into(), "/openapi.json".into())));
}

/// A value for a path parameter: the first of an enum, else a well-formed
/// id that names nothing.
fn dummy(op: &Value, name: &str) -> String {
    let param = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["in"] == "path" && p["name"] == name)
        .unwrap_or_else(|| panic!("path parameter {name} is not declared"));
    match param["schema"]["enum"][0].as_str() {
        Some(first) => first.to_string(),
        None if param["schema"]["format"] == "uuid" => {
            "00000000-0000-4000-8000-000000000000".into()
        }
        None => "nobody-here".into(),
    }
}

/// One request for each documented operation, path parameters filled with
/// dummies and `{}` as the body; `check` says what is wrong with an answer.
fn probe(
    app: &TestApp,
    doc: &Value,
    jwt: Option<&str>,
    check: impl Fn(&Value, bool, u16) -> bool,
) -> Vec<String> {
    let auth = jwt.map(|t| format!("Bearer {t}"));
    let mut ops: Vec<(String, String)> = operations(doc).into_iter().collect();
    // signing out would end the credential of the rest: last
    ops.sort_by_key(|(m, p)| (m == "POST" && p == "/v1/auth/logout", m.clone(), p.clone()));
    let mut wrong = Vec::new();
    for (method, template) in ops {
        let op = &doc["paths"][&template][method.to_lowercase()];
        let path: String = template
            .split('/')
            .map(
                |seg| match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => dummy(op, name),
                    None => seg.to_string(),
                },
            )
            .collect::<Vec<_>>()
            .join("/");
        let media = op["requestBody"]["content"]
            .as_object()
            .and_then(|c| c.keys().next().cloned());
        let mut headers: Vec<(&str, &str)> = Vec::new();
        if let Some(a) = &auth {
            headers.push(("Authorization", a));
        }
        let body = media.as_ref().map(|m| {
            headers.push(("Content-Type", m));
            &b"{}"[..]
        });
        let r = app.request(&method, &path, &headers, body);
        let documented = op["responses"].get(r.status.to_string()).is_some();
        let schema =
            &op["responses"][r.status.to_string()]["content"]["application/json"]["schema"];
        if schema.is_object() {
            for e in conforms(doc, schema, &r.json()) {
                wrong.push(format!("{method} {path} → {}: {e}", r.status));
            }
        }
        if r.status == 405 || r.status >= 500 || !documented {
            wrong.push(format!("{method} {path} → {} {}", r.status, r.text()));
        } else if r.status == 404 && !template.contains('{') {
            wrong.push(format!("{method} {path} → 404 without a path parameter"));
        } else if !check(op, template.contains('{'), r.status) {
            wrong.push(format!("{method} {path} → {} {}", r.status, r.text()));
        }
    }
    wrong
}

/// What in `body` breaks `schema`, as far as the light checker of
/// `jsonschema.rs` sees (types, properties, unknown members, items, patterns).
fn conforms(doc: &Value, schema: &Value, body: &Value) -> Vec<String> {
    fn rewrite(v: &mut Value) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get_mut("$ref") {
                    *r = r.replace("#/components/schemas/", "#/definitions/");
                }
                m.values_mut().for_each(rewrite);
            }
            Value::Array(a) => a.iter_mut().for_each(rewrite),
            _ => {}
        }
    }
    let mut root = schema.clone();
    root["definitions"] = doc["components"]["schemas"].clone();
    rewrite(&mut root);
    crate::jsonschema::validate(&root, body)
}

fn needs_credential(op: &Value) -> bool {
    op["security"].as_array().is_some_and(|s| !s.is_empty())
}

#[test]
fn the_router_answers_every_documented_operation() {
    let app = spawn_app();
    let doc = app.get("/openapi.json", Cred::None).json();
    // without a credential: a 401 exactly where the document asks for one
    let wrong = probe(&app, &doc, None, |op, _, status| match status {
        401 => needs_credential(op),
        403 => false,
        _ => !needs_credential(op),
    });
    assert!(
        wrong.is_empty(),
        "router and document disagree:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn an_admin_reaches_every_documented_handler() {
    let app = spawn_app();
    let doc = app.get("/openapi.json", Cred::None).json();
    let admin = app.admin("boss");
    // past the credential check every handler runs: never a 401; a 403 only
    // for a plan-gated feature
    let wrong = probe(&app, &doc, Some(&admin), |_, _, status| status != 401);
    assert!(
        wrong.is_empty(),
        "router and document disagree:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn every_route_is_in_the_document_with_its_methods() {
    let doc = cli_document();
    let routes: BTreeSet<(String, String)> = restume::routes::ROUTES
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    let documented = operations(&doc);
    let missing: Vec<_> = routes.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&routes).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "not documented: {missing:?}\ndocumented, not routed: {extra:?}"
    );
    for (method, path) in &documented {
        let op = &doc["paths"][path][method.to_lowercase()];
        let responses = op["responses"].as_object().unwrap();
        assert!(!responses.contains_key("default"), "{method} {path}");
        assert!(responses.contains_key("500"), "{method} {path}");
        if needs_credential(op) {
            assert!(responses.contains_key("401"), "{method} {path}");
        }
    }
}

/// Checks the answer `r` of `method path` against the schema the document
/// gives for its status and media type.
fn answer_conforms(doc: &Value, method: &str, path: &str, r: &Resp) {
    let op = &doc["paths"][path][method.to_lowercase()];
    let mut response = &op["responses"][r.status.to_string()];
    if let Some(target) = response["$ref"].as_str() {
        response = doc.pointer(&target[1..]).expect("a response component");
    }
    assert!(
        response.is_object(),
        "{method} {path}: {} is not documented: {}",
        r.status,
        r.text()
    );
    let media = r.header("Content-Type").unwrap_or("").to_string();
    let schema = &response["content"][&media]["schema"];
    assert!(
        schema.is_object(),
        "{method} {path} {}: no {media} schema",
        r.status
    );
    let errors = crate::jsonschema::validate_in(doc, schema, &r.json());
    assert!(
        errors.is_empty(),
        "{method} {path} → {} does not match its schema:\n{}\n{}",
        r.status,
        errors.join("\n"),
        r.text()
    );
}

#[test]
fn real_answers_match_the_documented_schemas() {
    let app = spawn_app();
    let doc = app.get("/openapi.json", Cred::None).json();
    let admin = app.admin("boss");
    let jwt = app.user("ada");
    let me = Cred::Jwt(&jwt);
    let r = app.patch(
        "/v1/me/profile",
        me,
        &json!({"headline": "Engineer", "summary": "", "website": "ada.example.com/me",
                "links": [{"network": "GitHub", "url": "https://github.com/ada"}],
                "open_to_work": true, "open_to_work_roles": ["Staff"]}),
    );
    answer_conforms(&doc, "PATCH", "/v1/me/profile", &r);
    let rows = [
        (
            "experience",
            json!({"company": "Acme", "title": "Dev", "start_date": "2020-02-29",
                              "end_date": null, "highlights": ["shipped"]}),
        ),
        (
            "education",
            json!({"institution": "MIT", "start_date": "2010", "end_date": "2014-06"}),
        ),
        (
            "skills",
            json!({"name": "Rust", "years": 5.0, "keywords": ["async"]}),
        ),
        (
            "projects",
            json!({"name": "RESTume", "url": "https://example.com", "repo_url": ""}),
        ),
        (
            "certifications",
            json!({"name": "CKA", "issuer": "CNCF", "date": "2021-01-31"}),
        ),
    ];
    for (section, body) in &rows {
        let path = format!("/v1/me/{section}");
        let r = app.post(&path, me, body);
        answer_conforms(&doc, "POST", &path, &r);
        answer_conforms(&doc, "GET", &path, &app.get(&path, me));
    }
    let key = app.key(&jwt);
    // an audit trail with an admin's actions, a grant revoked with a reason
    let r = app.post(
        "/v1/admin/grants",
        Cred::Jwt(&admin),
        &json!({"username": "ada", "plan": "pro", "reason": "beta"}),
    );
    answer_conforms(&doc, "POST", "/v1/admin/grants", &r);
    let grant = r.json()["grant_id"].as_str().unwrap().to_string();
    let r = app.post(
        "/v1/admin/grants/revoke",
        Cred::Jwt(&admin),
        &json!({"grant_id": grant, "reason": "ended"}),
    );
    answer_conforms(&doc, "POST", "/v1/admin/grants/revoke", &r);
    app.get("/v1/profiles/ada", Cred::None);
    let r = app.post(
        "/v1/profiles/ada/ask",
        Cred::None,
        &json!({"question": "What does Ada do?"}),
    );
    answer_conforms(&doc, "POST", "/v1/profiles/{username}/ask", &r);

    let native = app.get("/v1/me/resume", Cred::Key(&key));
    answer_conforms(&doc, "GET", "/v1/me/resume", &native);
    let jr = app.get("/v1/me/resume?format=jsonresume", me);
    answer_conforms(&doc, "GET", "/v1/me/resume", &jr);
    // the two forms are told apart: each matches its own schema only
    let schemas = &doc["components"]["schemas"];
    let matches =
        |name: &str, v: &Value| crate::jsonschema::validate_in(&doc, &schemas[name], v).is_empty();
    assert!(matches("OwnerResume", &native.json()) && !matches("JsonResume", &native.json()));
    assert!(matches("JsonResume", &jr.json()) && !matches("OwnerResume", &jr.json()));
    // and the JSON Resume form imports again
    let r = app.call("PUT", "/v1/me/resume", me, Some(&jr.json()));
    answer_conforms(&doc, "PUT", "/v1/me/resume", &r);
    assert!(
        crate::jsonschema::validate_in(&doc, &schemas["JsonResumeImport"], &jr.json()).is_empty()
    );

    let export = app.get("/v1/me/export", me);
    answer_conforms(&doc, "GET", "/v1/me/export", &export);
    let export = export.json();
    assert!(!export["audit_events"].as_array().unwrap().is_empty());
    assert!(export["grants"][0]["revoked_at"].is_string());
    assert!(!export["insights"]["asks"].as_array().unwrap().is_empty());

    let public = app.get("/v1/profiles/ada", Cred::None);
    answer_conforms(&doc, "GET", "/v1/profiles/{username}", &public);
    assert!(matches("PublicResume", &public.json()) && !matches("JsonResume", &public.json()));
    let public_jr = app.get("/v1/profiles/ada?format=jsonresume", Cred::None);
    answer_conforms(&doc, "GET", "/v1/profiles/{username}", &public_jr);
    let r = app.get("/v1/profiles/ada/skills", Cred::None);
    answer_conforms(&doc, "GET", "/v1/profiles/{username}/{section}", &r);
    let r = app.get("/v1/profiles?q=engineer", Cred::None);
    answer_conforms(&doc, "GET", "/v1/profiles", &r);

    answer_conforms(&doc, "GET", "/health", &app.get("/health", Cred::None));
    for (method, path, real) in [
        ("GET", "/v1/me/account", "/v1/me/account"),
        ("GET", "/v1/me/analytics", "/v1/me/analytics"),
        ("GET", "/v1/me/usage", "/v1/me/usage"),
        ("GET", "/v1/me/billing", "/v1/me/billing"),
        ("GET", "/v1/me/themes", "/v1/me/themes"),
        ("GET", "/v1/me/theme", "/v1/me/theme"),
        ("GET", "/v1/me/layout", "/v1/me/layout"),
        ("GET", "/v1/auth/api-keys", "/v1/auth/api-keys"),
    ] {
        answer_conforms(&doc, method, path, &app.get(real, me));
    }
    for (path, real) in [
        ("/v1/admin/users/{username}", "/v1/admin/users/ada"),
        ("/v1/admin/users", "/v1/admin/users?q=ad"),
        ("/v1/admin/kpis", "/v1/admin/kpis"),
        ("/v1/admin/search-index", "/v1/admin/search-index"),
    ] {
        answer_conforms(&doc, "GET", path, &app.get(real, Cred::Jwt(&admin)));
    }
    // problems too
    let r = app.post("/v1/me/skills", me, &json!({"name": "", "bogus": 1}));
    assert_eq!(r.status, 422);
    answer_conforms(
        &doc,
        "POST",
        "/v1/me/{section}".replace("{section}", "skills").as_str(),
        &r,
    );
    let r = app.get("/v1/me/account", Cred::None);
    answer_conforms(&doc, "GET", "/v1/me/account", &r);
    let r = app.get("/v1/profiles/nobody-here", Cred::None);
    answer_conforms(&doc, "GET", "/v1/profiles/{username}", &r);
}

#[test]
fn documented_patterns_are_the_real_rules() {
    let doc = cli_document();
    let s = &doc["components"]["schemas"];
    let date = Regex::new(
        s["ExperienceInput"]["properties"]["start_date"]["pattern"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    for ok in [
        "2024",
        "2024-02",
        "2024-02-29",
        "2000-02-29",
        "1999-12-31",
        "1000",
    ] {
        assert!(date.is_match(ok), "{ok}");
    }
    for bad in [
        "2024-13",
        "2024-00",
        "2024-01-32",
        "2023-02-29",
        "1900-02-29",
        "2024-04-31",
        "0999",
        "24",
        "2024-1",
        "2024-01-1",
        "",
        "２０２４",
    ] {
        assert!(!date.is_match(bad), "{bad}");
    }
    let url = Regex::new(s["Link"]["properties"]["url"]["pattern"].as_str().unwrap()).unwrap();
    for ok in ["", "https://example.com/x", "HTTP://a.b", "example.com/me"] {
        assert!(url.is_match(ok), "{ok}");
    }
    for bad in [
        "javascript:alert(1)",
        "https://",
        "https://a b",
        "ftp://x.y",
        "nope",
        "//evil.com",
    ] {
        assert!(!url.is_match(bad), "{bad}");
    }
    let text = Regex::new(
        s["SkillInput"]["properties"]["level"]["pattern"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert!(text.is_match("tab\there\nand a line"));
    assert!(!text.is_match("bell\u{7}") && !text.is_match("c1\u{85}"));
    let required = Regex::new(
        s["SkillInput"]["properties"]["name"]["pattern"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert!(required.is_match(" Rust ") && !required.is_match("   ") && !required.is_match(""));
    // a question: at least 3 characters once trimmed
    let ask = &doc["paths"]["/v1/profiles/{username}/ask"]["post"]["requestBody"]["content"]["application/json"]
        ["schema"]["properties"]["question"]["pattern"];
    let ask = Regex::new(ask.as_str().unwrap()).unwrap();
    for ok in ["abc", " a b ", "what\tnow?"] {
        assert!(ask.is_match(ok), "{ok:?}");
    }
    for bad in ["ab", "  ab  ", "a\u{1}c", "      "] {
        assert!(!ask.is_match(bad), "{bad:?}");
    }
}

/// The documented patterns and the server agree, value by value.
#[test]
fn the_server_takes_what_the_patterns_take() {
    let app = spawn_app();
    let doc = app.get("/openapi.json", Cred::None).json();
    let jwt = app.user("ada");
    let s = &doc["components"]["schemas"]["ProjectInput"]["properties"];
    let pattern = |field: &str| Regex::new(s[field]["pattern"].as_str().unwrap()).unwrap();
    let cases: &[(&str, &[&str])] = &[
        (
            "start_date",
            &[
                "2024",
                "2024-02-29",
                "2023-02-29",
                "1900-02-29",
                "2000-02-29",
                "2024-13",
                "2024-04-31",
                "2999-12-31",
                "3000",
                "0999",
                "2024-1",
                "",
            ],
        ),
        (
            "url",
            &[
                "",
                "https://example.com/x",
                "HTTP://a.b",
                "example.com/me",
                "javascript:alert(1)",
                "https://",
                "ftp://x.y",
                "nope",
                "//evil.com",
                "a:b.c/x",
                "https://a b",
            ],
        ),
        (
            "name",
            &["Rust", " x ", "   ", "tab\tok", "bell\u{7}", "c1\u{85}"],
        ),
        ("description", &["", "line\nbreak", "nul\u{0}", "del\u{7f}"]),
    ];
    for (field, values) in cases {
        let re = pattern(field);
        for value in *values {
            let mut body = json!({"name": "P"});
            body[*field] = json!(value);
            let r = app.post("/v1/me/projects", Cred::Jwt(&jwt), &body);
            assert!(
                matches!(r.status, 201 | 422),
                "{field}={value:?}: {}",
                r.text()
            );
            assert_eq!(
                r.status == 201,
                re.is_match(value),
                "{field}={value:?}: the server answers {} {}",
                r.status,
                r.text()
            );
            if r.status == 201 {
                let at = r.header("Location").unwrap().to_string();
                assert_eq!(app.delete(&at, Cred::Jwt(&jwt)).status, 204);
            }
        }
    }
}

/// Where two patterns match a path, the one with more literal segments owns
/// it, so the `Allow` of a 405 lists what the document lists for that path.
#[test]
fn overlapping_patterns_answer_what_the_document_lists() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let r = app.patch(
        "/v1/me/profile",
        Cred::Jwt(&jwt),
        &json!({"is_public": true}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    for tail in ["ask", "chat"] {
        let r = app.get(&format!("/v1/profiles/ada/{tail}"), Cred::None);
        assert_eq!(r.status, 405, "{tail}: {}", r.text());
        assert_eq!(r.header("Allow"), Some("POST"), "{tail}");
    }
    assert_eq!(app.get("/v1/profiles/ada/skills", Cred::None).status, 200);
    assert_eq!(app.get("/v1/profiles/ada/nonsense", Cred::None).status, 404);
}
