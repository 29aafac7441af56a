//! The component schemas of the OpenAPI document. The five résumé sections
//! are generated from their descriptions in `resume::sections`, so the
//! document cannot drift from the validation rules; the rest mirrors the
//! handlers' answers (SPEC §2–§6).

use serde_json::{Map, Value, json};

use crate::resume::sections::{self, Col, Kind, Section};

/// The partial ISO 8601 dates of SPEC §1.
pub const DATE_PATTERN: &str = r"^\d{4}(-\d{2}(-\d{2})?)?$";

pub fn r(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

pub fn array_of(items: Value) -> Value {
    json!({"type": "array", "items": items})
}

/// The `{items, total, limit, offset}` wrapper around `items`.
pub fn page_of(items: Value) -> Value {
    json!({"allOf": [r("Paginated"), {"type": "object", "properties": {"items": array_of(items)}}]})
}

/// The schema, or `null`.
pub fn nullable(schema: Value) -> Value {
    match schema.get("type") {
        Some(Value::String(t)) => {
            let mut s = schema.clone();
            s["type"] = json!([t, "null"]);
            s
        }
        _ => json!({"anyOf": [schema, {"type": "null"}]}),
    }
}

fn string(min: usize, max: usize) -> Value {
    if min > 0 {
        json!({"type": "string", "minLength": min, "maxLength": max})
    } else {
        json!({"type": "string", "maxLength": max})
    }
}

fn text(max: usize) -> Value {
    string(0, max)
}

fn int() -> Value {
    json!({"type": "integer", "minimum": 0})
}

fn boolean() -> Value {
    json!({"type": "boolean"})
}

fn uuid() -> Value {
    json!({"type": "string", "format": "uuid"})
}

fn timestamp() -> Value {
    json!({"type": "string", "format": "date-time", "description": "RFC 3339, UTC"})
}

fn day() -> Value {
    json!({"type": "string", "format": "date"})
}

fn web_url() -> Value {
    json!({"type": "string", "format": "uri", "maxLength": 2000,
           "description": "an http(s) address"})
}

fn plan() -> Value {
    json!({"type": "string", "enum": ["free", "pro", "recruiter"]})
}

fn section_name() -> Value {
    json!({"type": "string", "enum": sections::ALL.map(|s| s.name)})
}

/// An object whose every property is required.
fn object(props: Value) -> Value {
    let required: Vec<&String> = props
        .as_object()
        .map(|p| p.keys().collect())
        .unwrap_or_default();
    json!({"type": "object", "properties": props, "required": required})
}

/// A request body: `required` members, and unknown members are refused.
fn input(props: Value, required: &[&str]) -> Value {
    json!({"type": "object", "properties": props, "required": required,
           "additionalProperties": false})
}

/// The schema of one section column as the API reads and writes it.
fn column(col: &Col) -> Value {
    match col.kind {
        Kind::Text { min, max } if min > 0 => string(min, max),
        Kind::Text { max, .. } => nullable(text(max)),
        Kind::Url => nullable(web_url()),
        Kind::Date => nullable(
            json!({"type": "string", "pattern": DATE_PATTERN, "maxLength": 10,
                                      "description": "YYYY, YYYY-MM or YYYY-MM-DD"}),
        ),
        Kind::Years => nullable(json!({"type": "integer", "minimum": 0, "maximum": 70})),
        Kind::List { items, len } => json!({"type": "array", "maxItems": items,
                                            "items": {"type": "string", "maxLength": len}}),
    }
}

/// `skills` → `Skill`, `experience` → `Experience`.
pub fn section_schema(s: &Section) -> String {
    let mut name: String = s.name.strip_suffix('s').unwrap_or(s.name).to_string();
    if let Some(first) = name.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    name
}

fn section_schemas(out: &mut Map<String, Value>) {
    for s in sections::ALL {
        let name = section_schema(s);
        let mut props = Map::new();
        for col in s.cols {
            let mut schema = column(col);
            if let Some((start, end)) = s.span
                && end == col.name
            {
                let current = if end == "end_date" {
                    "; null means current"
                } else {
                    ""
                };
                schema["description"] = json!(format!(
                    "YYYY, YYYY-MM or YYYY-MM-DD, not before {start}{current}"
                ));
            }
            props.insert(col.name.into(), schema);
        }
        let required: Vec<&str> = s
            .cols
            .iter()
            .filter(|c| matches!(c.kind, Kind::Text { min, .. } if min > 0))
            .map(|c| c.name)
            .collect();
        let mut body = props.clone();
        body.insert(
            "position".into(),
            json!({"type": "integer", "minimum": 0, "maximum": 1_000_000,
                   "description": "order in the section; new rows go last"}),
        );
        let mut row = Map::new();
        row.insert("id".into(), uuid());
        row.insert("position".into(), int());
        row.extend(props);
        let all: Vec<String> = row.keys().cloned().collect();
        row.insert(
            "created_at".into(),
            json!({"type": "string", "format": "date-time", "description": "owner views only"}),
        );
        row.insert(
            "updated_at".into(),
            json!({"type": "string", "format": "date-time", "description": "owner views only"}),
        );
        out.insert(
            format!("{name}Input"),
            json!({"type": "object", "description": format!("A new or replaced {} entry", s.label),
                   "properties": body, "required": required, "additionalProperties": false}),
        );
        out.insert(
            name,
            json!({"type": "object", "description": format!("One {} entry", s.label),
                   "properties": row, "required": all}),
        );
    }
}

fn profile_fields(patch: bool) -> Map<String, Value> {
    let link = r("Link");
    let props = json!({
        "headline": nullable(text(200)), "summary": nullable(text(5000)),
        "location": nullable(text(200)),
        "public_email": nullable(json!({"type": "string", "format": "email", "maxLength": 254})),
        "phone": nullable(text(50)), "website": nullable(web_url()), "avatar_url": nullable(web_url()),
        "links": if patch { nullable(json!({"type": "array", "maxItems": 20, "items": link})) }
                 else { array_of(link) },
        "open_to_work": boolean(), "open_to_work_note": nullable(text(500)),
        "open_to_work_roles": if patch {
            nullable(json!({"type": "array", "maxItems": 10, "items": text(100)}))
        } else { array_of(text(100)) },
    });
    props.as_object().cloned().unwrap_or_default()
}

fn counters() -> Value {
    object(json!({"views": int(), "api_requests": int(), "asks": int(), "mcp_exposures": int()}))
}

fn auth_schemas() -> Value {
    let password = string(8, 128);
    json!({
        "RegisterRequest": input(json!({
            "username": {"type": "string", "minLength": 3, "maxLength": 50,
                         "pattern": "^[A-Za-z0-9][A-Za-z0-9_-]*$",
                         "description": "unique without regard to case; not a reserved word"},
            "email": {"type": "string", "format": "email", "maxLength": 254},
            "password": password, "full_name": string(1, 200),
        }), &["username", "email", "password", "full_name"]),
        "NewAccount": object(json!({"id": uuid(), "username": {"type": "string"},
            "email": {"type": "string"}, "full_name": {"type": "string"}, "created_at": timestamp()})),
        "LoginRequest": input(json!({
            "username": {"type": "string", "description": "the username or the email"},
            "password": {"type": "string"},
        }), &["username", "password"]),
        "Token": object(json!({"access_token": {"type": "string", "description": "a JWT (HS256)"},
            "token_type": {"const": "bearer"}, "expires_in": {"type": "integer", "description": "seconds"}})),
        "ChangePasswordRequest": input(json!({"current_password": {"type": "string"},
            "new_password": password}), &["current_password", "new_password"]),
        "PasswordResetRequest": input(json!({
            "token": {"type": "string", "description": "the one-time token an admin issued"},
            "new_password": password}), &["token", "new_password"]),
        "ApiKeyRequest": input(json!({"name": string(1, 100),
            "expires_at": nullable(json!({"type": "string", "format": "date-time",
                                          "description": "in the future"}))}), &["name"]),
        "ApiKey": object(json!({"id": uuid(), "name": {"type": "string"},
            "prefix": {"type": "string", "description": "the first 8 characters of the key"},
            "is_active": boolean(), "created_at": timestamp(), "last_used_at": nullable(timestamp()),
            "expires_at": nullable(timestamp())})),
        "NewApiKey": object(json!({"id": uuid(), "name": {"type": "string"},
            "raw_key": {"type": "string", "pattern": "^rst_[0-9A-Za-z]{32}$",
                        "description": "shown once; only its SHA-256 is kept"},
            "prefix": {"type": "string"}, "is_active": boolean(), "created_at": timestamp(),
            "expires_at": nullable(timestamp())})),
    })
}

fn owner_schemas() -> Value {
    let mut profile = profile_fields(false);
    profile.insert("is_public".into(), boolean());
    profile.insert("updated_at".into(), timestamp());
    let mut patch = profile_fields(true);
    patch.insert("is_public".into(), boolean());
    let bucket = object(json!({"limit": int(), "remaining": int(), "reset_seconds": int()}));
    let mut owner_sections = Map::new();
    for s in sections::ALL {
        owner_sections.insert(s.name.into(), array_of(r(&section_schema(s))));
    }
    json!({
        "Account": object(json!({"id": uuid(), "username": {"type": "string"},
            "email": {"type": "string", "format": "email"}, "full_name": {"type": "string"},
            "is_admin": boolean(), "plan": plan(), "plan_expires_on": nullable(day()),
            "created_at": timestamp(), "quota": r("Usage")})),
        "AccountPatch": input(json!({"email": {"type": "string", "format": "email", "maxLength": 254},
            "full_name": string(1, 200)}), &[]),
        "DeleteAccountRequest": input(json!({"password": {"type": "string"}}), &["password"]),
        "Link": {"type": "object", "properties": {"network": text(50), "username": text(100),
                                                  "url": web_url()}},
        "Profile": object(Value::Object(profile)),
        "ProfilePatch": {"type": "object", "properties": patch, "additionalProperties": false,
                         "description": "any of the fields; null clears an optional one"},
        "PublicProfile": object(Value::Object(profile_fields(false))),
        "Bucket": bucket,
        "Usage": object(json!({"plan": plan(),
            "buckets": object(json!({"api_key": r("Bucket"), "api_key_daily": r("Bucket"),
                                     "jwt": r("Bucket")})),
            "api_key_requests_today": int()})),
        "Billing": object(json!({"plan": plan(), "source": {"type": "string", "enum": ["free", "grant"]},
            "expires_on": nullable(day()), "checkout_available": boolean()})),
        "RedirectUrl": object(json!({"url": {"type": "string", "format": "uri"}})),
        "Theme": object(json!({"id": {"type": "string"}, "name": {"type": "string"},
            "description": {"type": "string"}, "plan": {"type": "string", "enum": ["free", "pro"]},
            "available": boolean()})),
        "ThemeChoice": input(json!({"theme": string(1, 50)}), &["theme"]),
        "Layout": input(json!({"sections": {"type": "array", "minItems": 5, "maxItems": 5,
            "items": input(json!({"name": section_name(), "visible": boolean()}), &["name", "visible"]),
            "description": "each of the five sections once, in display order"}}), &["sections"]),
        "Analytics": object(json!({"days": {"type": "integer", "minimum": 1, "maximum": 365},
            "items": array_of(object(json!({"day": day(), "views": int(), "api_requests": int(),
                                             "asks": int(), "mcp_exposures": int()}))),
            "totals": counters()})),
        "OwnerResume": object(json!({"username": {"type": "string"}, "full_name": {"type": "string"},
            "profile": r("Profile"), "sections": object(Value::Object(owner_sections))})),
        "ImportResult": object(json!({
            "imported": {"type": "object", "additionalProperties": int(),
                         "description": "rows imported per section"},
            "kept_verbatim": {"type": "array", "items": {"type": "string"},
                              "description": "JSON Resume sections kept as they came"}})),
        "Export": object(json!({"exported_at": timestamp(), "account": r("Account"),
            "resume": r("OwnerResume"), "json_resume": r("JsonResume"),
            "api_keys": array_of(r("ApiKey")), "analytics": array_of(json!({"type": "object"})),
            "audit_events": array_of(r("AuditEvent")), "grants": array_of(r("Grant")),
            "transcripts": array_of(json!({"type": "object"})),
            "insights": json!({"type": "object"})})),
    })
}

/// JSON Resume 1.0 (https://jsonresume.org/schema): loosely, since sections
/// RESTume has no column for are kept verbatim.
fn json_resume() -> Value {
    let mut props = Map::new();
    props.insert("basics".into(), json!({"type": "object"}));
    for s in sections::ALL {
        props.insert(s.jr.into(), array_of(json!({"type": "object"})));
    }
    json!({"type": "object", "properties": props,
           "description": "A JSON Resume 1.0 document (https://jsonresume.org/schema)"})
}

fn public_schemas() -> Value {
    let items: Vec<Value> = sections::ALL
        .iter()
        .map(|s| r(&section_schema(s)))
        .collect();
    json!({
        "PublicResume": object(json!({"username": {"type": "string"}, "full_name": {"type": "string"},
            "profile": r("PublicProfile"),
            "sections": array_of(object(json!({"name": section_name(), "label": {"type": "string"},
                "items": array_of(json!({"oneOf": items}))}))),
        })),
        "ProfileHit": object(json!({"username": {"type": "string"}, "full_name": {"type": "string"},
            "headline": nullable(json!({"type": "string"})),
            "location": nullable(json!({"type": "string"})), "open_to_work": boolean(),
            "url": {"type": "string", "description": "the profile's path"}})),
        "Health": object(json!({"status": {"const": "ok"}, "version": {"type": "string"}})),
        "OpenApi": {"type": "object", "description": "this document"},
    })
}

fn admin_schemas() -> Value {
    let blog_fields = json!({
        "slug": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$", "maxLength": 100,
                 "description": "lower-case letters, digits and '-'"},
        "title": string(1, 200), "summary": nullable(text(500)),
        "body_markdown": string(1, 200_000),
        "status": {"type": "string", "enum": ["draft", "published"], "default": "draft"},
    });
    let mut replace = blog_fields.clone();
    replace["slug"]["description"] = json!("optional; when given, the slug of the path");
    let mut post = blog_fields.clone();
    post["created_at"] = timestamp();
    post["updated_at"] = timestamp();
    post["published_at"] = nullable(timestamp());
    json!({
        "GrantRequest": input(json!({"username": string(1, 50),
            "plan": {"type": "string", "enum": ["pro", "recruiter"]}, "reason": string(1, 500),
            "expires_on": nullable(day())}), &["username", "plan", "reason"]),
        "RevokeRequest": input(json!({"grant_id": string(1, 64), "reason": string(1, 500)}),
                               &["grant_id", "reason"]),
        "GrantAnswer": object(json!({"grant_id": {"type": "string"}, "message": {"type": "string"}})),
        "Grant": object(json!({"grant_id": {"type": "string"}, "plan": plan(),
            "reason": {"type": "string"}, "granted_by": nullable(json!({"type": "string"})),
            "created_at": timestamp(), "expires_on": nullable(day()),
            "revoked_at": nullable(timestamp()), "revoke_reason": nullable(json!({"type": "string"}))})),
        "AuditEvent": object(json!({"action": {"type": "string"},
            "actor_id": nullable(json!({"type": "string"})), "detail": {"type": "object"},
            "ip": nullable(json!({"type": "string"})), "at": timestamp()})),
        "Kpis": object(json!({"window_days": {"type": "integer", "minimum": 1, "maximum": 365},
            "users": object(json!({"total": int(), "new": int(), "active": int(),
                "by_plan": object(json!({"free": int(), "pro": int(), "recruiter": int()}))})),
            "billing": object(json!({"active_grants": int(), "new_grants": int(),
                                     "expiring_soon": int()})),
            "traffic": object(json!({"views": int(), "api_requests": int(), "asks": int()}))})),
        "AdminUser": object(json!({"id": uuid(), "username": {"type": "string"},
            "email": {"type": "string"}, "full_name": {"type": "string"}, "is_admin": boolean(),
            "is_disabled": boolean(), "plan": plan(), "created_at": timestamp()})),
        "AdminUserList": object(json!({"items": array_of(r("AdminUser")),
            "result_count": int(), "total": int(), "limit": int(), "offset": int(),
            "filters": {"type": "object", "description": "the filters applied, null when unused"}})),
        "AdminUserDetail": object(json!({"user": r("AdminUser"),
            "subscriptions": array_of(json!({"type": "object"})),
            "manual_grants": array_of(r("Grant")),
            "timeline": {"type": "array", "items": r("AuditEvent"),
                         "description": "audit events, newest first"}})),
        "AdminUserPatch": input(json!({"is_admin": boolean(), "is_disabled": boolean()}), &[]),
        "PasswordResetToken": object(json!({
            "reset_token": {"type": "string", "description": "one-time, valid for an hour"},
            "expires_at": timestamp()})),
        "SearchIndexStatus": object(json!({"documents": int(), "public_profiles": int(),
            "in_sync": boolean(), "last_rebuilt_at": nullable(timestamp())})),
        "BlogPostInput": input(blog_fields, &["slug", "title", "body_markdown"]),
        "BlogPostReplace": input(replace, &["title", "body_markdown"]),
        "BlogPost": object(post),
    })
}

fn problem_schemas() -> Value {
    json!({
        "Problem": {
            "type": "object",
            "description": "RFC 9457 problem details, served as application/problem+json",
            "required": ["type", "title", "status", "detail", "code"],
            "properties": {
                "type": {"type": "string", "examples": ["about:blank"]},
                "title": {"type": "string"},
                "status": {"type": "integer", "minimum": 400, "maximum": 599},
                "detail": {"type": "string"},
                "code": {"type": "string", "description": "stable and machine-readable",
                         "examples": ["validation_failed", "not_authenticated", "plan_required",
                                      "rate_limited", "not_found"]},
                "errors": array_of(r("FieldError")),
                "feature": {"type": "string", "description": "with plan_required"},
                "required_plan": {"type": "string", "enum": ["pro", "recruiter"],
                                  "description": "with plan_required"},
            },
        },
        "FieldError": object(json!({"field": {"type": "string"}, "code": {"type": "string"},
                                    "message": {"type": "string"}})),
        "Paginated": object(json!({
            "items": {"type": "array"}, "total": int(),
            "limit": {"type": "integer", "minimum": 1, "maximum": 100}, "offset": int(),
        })),
    })
}

/// Every component schema, by name.
pub fn all() -> Map<String, Value> {
    let mut out = Map::new();
    for group in [
        problem_schemas(),
        auth_schemas(),
        owner_schemas(),
        public_schemas(),
        admin_schemas(),
    ] {
        if let Value::Object(m) = group {
            out.extend(m);
        }
    }
    out.insert("JsonResume".into(), json_resume());
    section_schemas(&mut out);
    out
}
