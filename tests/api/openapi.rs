//! SPEC §4, §8: `GET /openapi.json` and `restume openapi` give the same
//! OpenAPI 3.1 document, and the live router answers every operation it lists.

use std::collections::BTreeSet;
use std::process::Command;

use serde_json::Value;

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
