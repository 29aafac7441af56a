//! The OpenAPI 3.1 document of the server (`GET /openapi.json`, `restume
//! openapi`). The paths come from the route table itself, so the document
//! lists exactly the routes the server answers; `ops` adds what the table
//! does not say (bodies, answers, errors) and `schemas` the component
//! schemas, the résumé sections generated from their descriptions.

mod components;
mod ops;
mod schemas;

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::resume::sections;
use crate::routes::{Access, ROUTES, Route};
use components::{error_ref, header_ref};
use ops::Op;

const TAGS: &[(&str, &str)] = &[
    ("meta", "Health and this document"),
    ("auth", "Accounts, sign-in and passwords (SPEC §2)"),
    ("api-keys", "API keys of the signed-in user"),
    (
        "me",
        "The owner's account, profile, résumé and plan (SPEC §3)",
    ),
    ("sections", "The five résumé sections (SPEC §3.2)"),
    ("profiles", "Public résumés and search (SPEC §4)"),
    ("blog", "Published blog posts"),
    ("admin", "Administration (SPEC §6)"),
];

fn tag(path: &str) -> &'static str {
    let me_section = path
        .strip_prefix("/v1/me/")
        .and_then(|rest| rest.split('/').next())
        .and_then(sections::by_name)
        .is_some();
    match path {
        _ if path.starts_with("/v1/auth/api-keys") => "api-keys",
        _ if path.starts_with("/v1/auth/") => "auth",
        _ if me_section => "sections",
        _ if path.starts_with("/v1/me/") => "me",
        _ if path.starts_with("/v1/profiles") => "profiles",
        _ if path.starts_with("/v1/blog") => "blog",
        _ if path.starts_with("/v1/admin/") => "admin",
        _ => "meta",
    }
}

/// The names of a path template's parameters, in order.
fn path_params(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
        .collect()
}

fn path_param(name: &str) -> Value {
    let schema = match name {
        "id" | "key_id" => json!({"type": "string", "format": "uuid"}),
        "username" => json!({"type": "string", "maxLength": 50}),
        "section" => json!({"type": "string", "enum": sections::ALL.map(|s| s.name)}),
        "slug" => json!({"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$", "maxLength": 100}),
        _ => json!({"type": "string"}),
    };
    json!({"name": name, "in": "path", "required": true, "schema": schema})
}

fn security(access: Access) -> (Value, &'static str) {
    match access {
        Access::Public => (json!([]), "No credential."),
        Access::Read => (
            json!([]),
            "No credential; spends the client address's public-read bucket.",
        ),
        Access::Jwt => (
            json!([{"bearerJwt": []}]),
            "A JWT only: an API key gets 403 `jwt_required`.",
        ),
        Access::Owner => (
            json!([{"bearerJwt": []}, {"apiKey": []}]),
            "A JWT or an API key; only API-key calls spend quota.",
        ),
        Access::Admin => (
            json!([{"bearerJwt": []}]),
            "The JWT of an admin: any API key or a non-admin gets 403.",
        ),
        Access::Mcp => (
            json!([{"bearerJwt": []}, {"apiKey": []}]),
            "A JWT or an API key of a recruiter-plan user; only API-key calls spend quota.",
        ),
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        304 => "Not Modified",
        404 => "Not Found",
        503 => "Degraded (application/json) or unavailable (a problem)",
        _ => "Success",
    }
}

fn operation(route: &Route, op: Option<&Op>) -> Value {
    let (security, access_note) = security(route.access);
    let params = path_params(route.path);
    let limited = route.access != Access::Public || op.is_some_and(|o| o.limited);
    // Any request: the HTTP layer's answers (a body length that reads two
    // ways: 400; not whole within 10 s: 408; headers past 64 KiB or 100
    // lines: 431; past the connection limit: 503), a failure (500), a busy
    // database or a full pool (503).
    let mut errors: BTreeSet<u16> = BTreeSet::from([400, 408, 431, 500, 503]);
    // a write on a full disk
    if route.method != "GET" {
        errors.insert(507);
    }
    match route.access {
        Access::Jwt | Access::Admin => errors.extend([401, 403]),
        Access::Owner => errors.extend([401]),
        Access::Mcp => errors.extend([401, 403]),
        Access::Public | Access::Read => {}
    }
    if limited {
        errors.insert(429);
    }
    if !params.is_empty() {
        errors.insert(404);
    }
    let mut parameters: Vec<Value> = params.iter().map(|p| path_param(p)).collect();
    let mut success = json!({});
    let mut headers = vec!["X-Request-Id"];
    if limited {
        headers.extend(["RateLimit", "RateLimit-Policy"]);
    }
    let mut operation = json!({
        "operationId": operation_id(route.method, route.path),
        "tags": [tag(route.path)],
        "security": security,
    });
    match op {
        Some(op) => {
            operation["summary"] = json!(op.summary);
            let text = op.description.map_or(String::new(), |d| format!("{d}\n\n"));
            operation["description"] = json!(format!("{text}{access_note}"));
            if !op.query.is_empty() {
                errors.insert(422);
                parameters.extend(op.query.iter().cloned());
            }
            if let Some(body) = &op.body {
                errors.extend([400, 413, 415, 422]);
                operation["requestBody"] = json!({"required": true,
                    "content": {body.media: {"schema": body.schema}}});
            }
            errors.extend(op.errors.iter().copied());
            headers.extend(op.headers.iter().copied());
            success["description"] = json!(reason(op.status));
            if let Some(answer) = &op.answer {
                success["content"] = json!({answer.media: {"schema": answer.schema}});
                for alt in &op.alt {
                    success["content"][alt.media] = json!({"schema": alt.schema});
                }
            }
            operation["responses"] = json!({ op.status.to_string(): success });
            for (status, answer) in &op.also {
                let mut extra = json!({"description": reason(*status)});
                if let Some(answer) = answer {
                    extra["content"] = json!({answer.media: {"schema": answer.schema}});
                }
                operation["responses"][status.to_string()] = extra;
            }
        }
        None => {
            // undocumented: the unit tests refuse this, the server still serves it
            operation["summary"] = json!(format!("{} {}", route.method, route.path));
            operation["description"] = json!(access_note);
            success["description"] = json!("Success");
            operation["responses"] = json!({ "200": success });
        }
    }
    let responses = &mut operation["responses"];
    for (status, answer) in responses.as_object_mut().into_iter().flatten() {
        if status.starts_with('2') {
            let location = (status == "201").then_some("Location");
            answer["headers"] = headers
                .iter()
                .chain(location.iter())
                .map(|h| (h.to_string(), header_ref(h)))
                .collect();
        }
    }
    for status in errors {
        let key = status.to_string();
        match responses.get_mut(&key) {
            // /health's 503: its own form, or a problem when the database
            // does not answer
            Some(answer) if status == 503 => {
                answer["content"]["application/problem+json"] = components::problem_media();
                answer["headers"]["Retry-After"] = header_ref("Retry-After");
            }
            // an answer of its own instead of the problem (an HTML 404 page)
            Some(_) => {}
            None => responses[key] = error_ref(status),
        }
    }
    if !parameters.is_empty() {
        operation["parameters"] = Value::Array(parameters);
    }
    operation
}

/// `POST /v1/auth/api-keys/{key_id}` → `post_v1_auth_api_keys_key_id`.
fn operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_ascii_lowercase();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        id.push('_');
        id.extend(segment.chars().map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' => c,
            _ => '_',
        }));
    }
    id.replace("__", "_").trim_end_matches('_').to_string()
}

/// The whole document. Deterministic: the same binary always answers the
/// same bytes.
pub fn document() -> Value {
    let ops = ops::all();
    let mut paths = Map::new();
    for route in ROUTES {
        let op = ops
            .iter()
            .find(|o| o.method == route.method && o.path == route.path);
        let item = paths
            .entry(route.path.to_string())
            .or_insert_with(|| json!({}));
        item[route.method.to_ascii_lowercase()] = operation(route, op);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "RESTume",
            "version": env!("CARGO_PKG_VERSION"),
            "summary": env!("CARGO_PKG_DESCRIPTION"),
            "description": "A résumé served as a REST API. JSON in and out; every error is an \
                RFC 9457 problem (application/problem+json) with a stable `code`.",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "tags": TAGS.iter().map(|(name, description)| json!({"name": name, "description": description})).collect::<Vec<_>>(),
        "paths": paths,
        "components": components::all(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "head", "options"];

    /// POST/PUT/PATCH routes that take no body.
    const NO_BODY: &[(&str, &str)] = &[
        ("POST", "/v1/auth/refresh"),
        ("POST", "/v1/auth/logout"),
        ("POST", "/v1/me/billing/checkout"),
        ("POST", "/v1/me/billing/portal"),
        ("POST", "/v1/admin/users/{username}/password-reset"),
        ("POST", "/v1/admin/search-index/rebuild"),
    ];

    fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
        let mut out = Vec::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                assert!(METHODS.contains(&method.as_str()), "{method} {path}");
                out.push((method.to_uppercase(), path.clone(), operation));
            }
        }
        out
    }

    #[test]
    fn routes_and_descriptions_agree() {
        let routes: BTreeSet<(String, String)> = ROUTES
            .iter()
            .map(|r| (r.method.to_string(), r.path.to_string()))
            .collect();
        let described: BTreeSet<(String, String)> = ops::all()
            .iter()
            .map(|o| (o.method.to_string(), o.path.clone()))
            .collect();
        let undocumented: Vec<_> = routes.difference(&described).collect();
        let unrouted: Vec<_> = described.difference(&routes).collect();
        assert!(
            undocumented.is_empty() && unrouted.is_empty(),
            "routes without a description in src/openapi/ops.rs: {undocumented:?}\n\
             descriptions of routes not in ROUTES: {unrouted:?}"
        );
        assert_eq!(
            ops::all().len(),
            described.len(),
            "a route is described twice"
        );
        let doc = document();
        let listed: BTreeSet<(String, String)> = operations(&doc)
            .into_iter()
            .map(|(m, p, _)| (m, p))
            .collect();
        assert_eq!(listed, routes);
    }

    #[test]
    fn operations_have_bodies_answers_and_problems() {
        let doc = document();
        let mut ids = BTreeSet::new();
        for (method, path, op) in operations(&doc) {
            let at = format!("{method} {path}");
            assert!(
                ids.insert(op["operationId"].as_str().unwrap().to_string()),
                "{at}"
            );
            assert!(op["summary"].is_string(), "{at}");
            let takes_body = matches!(method.as_str(), "POST" | "PUT" | "PATCH")
                && !NO_BODY.contains(&(method.as_str(), path.as_str()));
            if takes_body {
                assert!(
                    op["requestBody"]["content"].is_object(),
                    "{at}: no requestBody"
                );
            }
            let responses = op["responses"].as_object().unwrap();
            let success: Vec<&String> = responses.keys().filter(|k| k.starts_with('2')).collect();
            assert!(!success.is_empty(), "{at}: no success answer");
            // 204, and 202 (an MCP notification): no body
            for status in success.into_iter().filter(|s| *s != "204" && *s != "202") {
                let content = responses[status]["content"].as_object();
                let schema = content
                    .and_then(|c| c.values().next())
                    .map(|m| &m["schema"]);
                assert!(
                    schema.is_some_and(Value::is_object),
                    "{at}: no {status} schema"
                );
                if status == "201" {
                    assert!(responses[status]["headers"]["Location"].is_object(), "{at}");
                }
            }
            assert!(
                responses.get("default").is_none(),
                "{at}: a catch-all answer"
            );
            for status in ["500", "422"] {
                let listed = responses.contains_key(status);
                let needed = status == "500" || op.get("requestBody").is_some();
                assert!(listed || !needed, "{at}: no {status}");
            }
            let declared: Vec<&str> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path")
                .map(|p| p["name"].as_str().unwrap())
                .collect();
            assert_eq!(declared, path_params(&path), "{at}: path parameters");
            let tag = op["tags"][0].as_str().unwrap();
            assert!(TAGS.iter().any(|(t, _)| *t == tag), "{at}: tag {tag}");
        }
    }

    #[test]
    fn limited_routes_document_retry_after() {
        let doc = document();
        let too_many = &doc["components"]["responses"]["TooManyRequests"]["headers"];
        assert!(too_many["Retry-After"].is_object() && too_many["RateLimit"].is_object());
        for (method, path, op) in operations(&doc) {
            let access = ROUTES
                .iter()
                .find(|r| r.method == method && r.path == path)
                .unwrap()
                .access;
            if access != Access::Public {
                assert!(op["responses"]["429"].is_object(), "{method} {path}");
            }
        }
        let login = &doc["paths"]["/v1/auth/login"]["post"];
        assert!(login["responses"]["429"].is_object());
        assert_eq!(login["security"], json!([]));
        let me = &doc["paths"]["/v1/me/account"]["get"];
        assert_eq!(me["security"], json!([{"bearerJwt": []}, {"apiKey": []}]));
    }

    #[test]
    fn header_and_determinism() {
        let doc = document();
        assert_eq!(doc["openapi"], "3.1.0");
        assert_eq!(doc["info"]["title"], "RESTume");
        assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(doc.to_string(), document().to_string());
        let schemes = &doc["components"]["securitySchemes"];
        assert_eq!(schemes["bearerJwt"]["scheme"], "bearer");
        assert_eq!(schemes["apiKey"]["name"], "X-API-Key");
    }

    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r);
                }
                m.values().for_each(|c| refs(c, out));
            }
            Value::Array(a) => a.iter().for_each(|c| refs(c, out)),
            _ => {}
        }
    }

    #[test]
    fn every_ref_resolves() {
        let doc = document();
        let mut found = Vec::new();
        refs(&doc, &mut found);
        assert!(found.len() > 100);
        let broken: BTreeSet<&str> = found
            .into_iter()
            .filter(|r| r.strip_prefix('#').and_then(|p| doc.pointer(p)).is_none())
            .collect();
        assert!(broken.is_empty(), "unresolved: {broken:?}");
    }

    #[test]
    fn section_schemas_come_from_the_section_table() {
        let doc = document();
        let s = &doc["components"]["schemas"];
        let skill = &s["SkillInput"];
        assert_eq!(skill["required"], json!(["name"]));
        assert_eq!(skill["additionalProperties"], false);
        assert_eq!(skill["properties"]["years"]["maximum"], 70);
        assert_eq!(skill["properties"]["keywords"]["maxItems"], 20);
        assert_eq!(skill["properties"]["keywords"]["items"]["maxLength"], 50);
        let exp = &s["ExperienceInput"]["properties"];
        assert_eq!(exp["start_date"]["pattern"], schemas::DATE_PATTERN);
        assert_eq!(exp["company"]["minLength"], 1);
        assert_eq!(exp["url"]["pattern"], schemas::WEB_URL_PATTERN);
        assert_eq!(exp["company"]["pattern"], schemas::NOT_BLANK_PATTERN);
        assert_eq!(exp["summary"]["pattern"], schemas::NO_CONTROL_PATTERN);
        let link = &s["Link"];
        assert_eq!(link["additionalProperties"], false);
        let offset = &doc["components"]["parameters"]["offset"]["schema"];
        assert_eq!(offset["maximum"], 1_000_000);
        let themes = &s["ThemeChoice"]["properties"]["theme"]["enum"];
        assert!(themes.as_array().is_some_and(|t| t.len() >= 2), "{themes}");
        // the real JSON Resume schema, every section of it
        let jr = &s["JsonResume"]["properties"];
        for section in [
            "basics",
            "work",
            "volunteer",
            "education",
            "awards",
            "certificates",
            "publications",
            "skills",
            "languages",
            "interests",
            "references",
            "projects",
            "meta",
        ] {
            assert!(jr[section].is_object(), "JsonResume.{section}");
        }
        assert!(s["JsonResume"].get("$schema").is_none());
        for section in sections::ALL {
            let name = schemas::section_schema(section);
            assert_eq!(
                s[&name]["properties"].as_object().unwrap().len(),
                section.cols.len() + 4,
                "{name}"
            );
        }
        let problem = &s["Problem"]["properties"];
        for field in [
            "type",
            "title",
            "status",
            "detail",
            "code",
            "errors",
            "feature",
            "required_plan",
        ] {
            assert!(problem[field].is_object(), "{field}");
        }
    }
}
