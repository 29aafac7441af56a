//! The component schemas of the OpenAPI document. The five résumé sections
//! are generated from their descriptions in `resume::sections`, so the
//! document cannot drift from the validation rules; the rest mirrors the
//! handlers' answers (SPEC §2–§6).

use serde_json::{Map, Value, json};

use crate::domain::{MAX_EMAIL, MAX_PASSWORD};
use crate::resume::presentation::THEMES;
use crate::resume::sections::{self, Col, Kind, Section};

/// The partial ISO 8601 dates of SPEC §1 (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`),
/// real calendar dates only: years 1000–2999 (those JSON Resume takes),
/// months 01–12, and a day that exists in its month (29 February in leap
/// years only). ASCII digits.
pub const DATE_PATTERN: &str = concat!(
    "^([12][0-9]{3}(-(0[1-9]|1[0-2]))?",
    "|[12][0-9]{3}-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])",
    "|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))",
    "|([12][0-9](0[48]|[2468][048]|[13579][26])|(1[26]|2[048])00)-02-29)$"
);

/// A whole date, `YYYY-MM-DD`, that exists.
pub const FULL_DATE_PATTERN: &str = concat!(
    "^([1-9][0-9]{3}-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])",
    "|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))",
    "|([1-9][0-9](0[48]|[2468][048]|[13579][26])|([13579][26]|[2468][048])00)-02-29)$"
);

/// Text without control characters (tab, line feed and carriage return
/// are allowed): the rule of every free-text field.
pub const NO_CONTROL_PATTERN: &str = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$";

/// The same, with at least one character that is not white space: a
/// required text field.
pub const NOT_BLANK_PATTERN: &str = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$";

/// A web address as `validate::is_web_url` takes it, or the empty string:
/// `http(s)://host…`, or a bare `host.tld/…`; no white space, no control
/// character, no other scheme.
pub const WEB_URL_PATTERN: &str = concat!(
    r"^([hH][tT][tT][pP][sS]?://[^/?#\s\x00-\x1F\x7F-\x9F]+[^\s\x00-\x1F\x7F-\x9F]*",
    r"|[^/?#:\s\x00-\x1F\x7F-\x9F]*\.[^/?#:\s\x00-\x1F\x7F-\x9F]*([/?#][^\s\x00-\x1F\x7F-\x9F]*)?",
    r")?$"
);

const TEXT_RULE: &str = "No control characters except tab, line feed and carriage return.";

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

/// Text of at least `min` characters once trimmed of white space (`min` >
/// 1), without control characters: from the first character that is not
/// white space to the last, at least `min`.
fn trimmed_pattern(min: usize) -> String {
    let edge = r"[^\s\x00-\x1F\x7F-\x9F]";
    let any = r"[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]";
    format!(r"^{any}*{edge}{any}{{{},}}{edge}{any}*$", min - 2)
}

/// Text read by `Fields`: at least `min` characters once trimmed of white
/// space (`min` > 0: at least one that is not), at most `max`, no control
/// characters.
pub fn string(min: usize, max: usize) -> Value {
    if min > 1 {
        json!({"type": "string", "minLength": min, "maxLength": max,
               "pattern": trimmed_pattern(min),
               "description": format!("At least {min} characters once trimmed of white space. {TEXT_RULE}")})
    } else if min == 1 {
        json!({"type": "string", "minLength": min, "maxLength": max,
               "pattern": NOT_BLANK_PATTERN,
               "description": format!("Not only white space. {TEXT_RULE}")})
    } else {
        json!({"type": "string", "maxLength": max, "pattern": NO_CONTROL_PATTERN,
               "description": TEXT_RULE})
    }
}

pub fn text(max: usize) -> Value {
    string(0, max)
}

/// Optional text: `null` clears it, `""` is kept as an empty value.
fn optional_text(max: usize) -> Value {
    let mut s = nullable(text(max));
    s["description"] = json!(format!("`null` clears it. {TEXT_RULE}"));
    s
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
    json!({"type": "string", "format": "date", "pattern": FULL_DATE_PATTERN,
           "description": "YYYY-MM-DD, a real calendar date"})
}

fn web_url() -> Value {
    json!({"type": "string", "maxLength": 2000, "pattern": WEB_URL_PATTERN,
           "description": "An http(s) address, or a bare one such as example.com/me; \
                           \"\" means none. No other scheme, no white space."})
}

pub fn email() -> Value {
    json!({"type": "string", "format": "email", "maxLength": 254})
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
        Kind::Text { max, .. } => optional_text(max),
        Kind::Url => nullable(web_url()),
        Kind::Date => nullable(date()),
        Kind::Years => nullable(json!({"type": "integer", "minimum": 0, "maximum": 70})),
        Kind::List { items, len } => {
            let mut list =
                nullable(json!({"type": "array", "maxItems": items, "items": text(len)}));
            list["description"] = json!("`null` clears the list (answered as [])");
            list
        }
    }
}

/// A partial date of SPEC §1.
fn date() -> Value {
    json!({"type": "string", "pattern": DATE_PATTERN, "maxLength": 10,
           "description": "YYYY, YYYY-MM or YYYY-MM-DD: a real calendar date \
                           (month 01-12, a day its month has), year 1000-2999"})
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
                    "YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date, not before {start}{current}"
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
            json!({"type": ["integer", "null"], "minimum": 0, "maximum": 1_000_000,
                   "description": "order in the section; absent or null: new rows go last, \
                                   a replaced row keeps its place"}),
        );
        let mut row = Map::new();
        row.insert("id".into(), uuid());
        row.insert("position".into(), int());
        for col in s.cols {
            let (name, schema) = (col.name.to_string(), &props[col.name]);
            let answered = match &schema["type"] {
                // a required field a JSON Resume item did not have is ""
                _ if matches!(col.kind, Kind::Text { min, .. } if min > 0) => {
                    let Kind::Text { max, .. } = col.kind else {
                        unreachable!()
                    };
                    let mut t = text(max);
                    t["description"] = json!(format!(
                        "required on create; \"\" when imported from a JSON Resume item \
                         without it. {TEXT_RULE}"
                    ));
                    t
                }
                // a list is answered as [] when it was cleared
                t if t == &json!(["array", "null"]) => {
                    json!({"type": "array", "items": schema["items"]})
                }
                _ => schema.clone(),
            };
            row.insert(name, answered);
        }
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
                   "properties": row, "required": all, "additionalProperties": false}),
        );
    }
}

fn profile_fields(patch: bool) -> Map<String, Value> {
    let link = r("Link");
    let clear = |schema: Value| {
        if patch {
            optional_text_like(schema)
        } else {
            nullable(schema)
        }
    };
    let props = json!({
        "headline": clear(text(200)), "summary": clear(text(5000)),
        "location": clear(text(200)),
        "public_email": clear(json!({"anyOf": [email(), {"const": ""}],
                                     "description": "an email address, or \"\" for none"})),
        "phone": clear(text(50)), "website": clear(web_url()), "avatar_url": clear(web_url()),
        "links": if patch {
            json!({"type": ["array", "null"], "maxItems": 20, "items": link,
                   "description": "replaces every link; `null` clears them"})
        } else { array_of(link) },
        "open_to_work": boolean(), "open_to_work_note": clear(text(500)),
        "open_to_work_roles": if patch {
            json!({"type": ["array", "null"], "maxItems": 10, "items": text(100),
                   "description": "replaces the roles; `null` clears them"})
        } else { array_of(text(100)) },
    });
    props.as_object().cloned().unwrap_or_default()
}

/// A field of a partial update: `null` clears it.
fn optional_text_like(schema: Value) -> Value {
    let mut s = nullable(schema);
    let rule = s["description"].as_str().map(str::to_string);
    s["description"] = json!(match rule {
        Some(r) => format!("`null` clears it. {r}"),
        None => "`null` clears it.".to_string(),
    });
    s
}

fn counters() -> Value {
    object(json!({"views": int(), "api_requests": int(), "asks": int(), "mcp_exposures": int()}))
}

/// `RegisterRequest.username`: SPEC §2.3, and not one of the reserved words
/// (without regard to case).
fn new_username() -> Value {
    let reserved: Vec<String> = crate::domain::RESERVED
        .iter()
        .map(|w| {
            w.chars()
                .map(|c| match c.is_ascii_alphabetic() {
                    true => format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase()),
                    false => c.to_string(),
                })
                .collect()
        })
        .collect();
    json!({"type": "string", "minLength": 3, "maxLength": 50,
           "pattern": "^[A-Za-z0-9][A-Za-z0-9_-]*$",
           "not": {"pattern": format!("^({})$", reserved.join("|"))},
           "description": format!("ASCII letters, digits, '-' and '_', starting with a letter or a \
               digit; unique without regard to case; not a reserved word ({})",
               crate::domain::RESERVED.join(", "))})
}

fn auth_schemas() -> Value {
    let password = json!({"type": "string", "minLength": 8, "maxLength": 128,
                          "description": "8-128 characters, each significant (nothing is trimmed)"});
    json!({
        "RegisterRequest": input(json!({
            "username": new_username(),
            "email": email(),
            "password": password, "full_name": string(1, 200),
        }), &["username", "email", "password", "full_name"]),
        "NewAccount": object(json!({"id": uuid(), "username": {"type": "string"},
            "email": {"type": "string"}, "full_name": {"type": "string"}, "created_at": timestamp()})),
        "LoginRequest": input(json!({
            "username": {"type": "string", "maxLength": MAX_EMAIL,
                         "description": format!("the username or the email; at most {MAX_EMAIL} \
                             bytes (UTF-8) once trimmed")},
            "password": {"type": "string", "maxLength": MAX_PASSWORD},
        }), &["username", "password"]),
        "Token": object(json!({"access_token": {"type": "string", "description": "a JWT (HS256)"},
            "token_type": {"const": "bearer"}, "expires_in": {"type": "integer", "description": "seconds"}})),
        "ChangePasswordRequest": input(json!({"current_password": {"type": "string"},
            "new_password": password}), &["current_password", "new_password"]),
        "PasswordResetRequest": input(json!({
            "token": {"type": "string", "description": "the one-time token an admin issued"},
            "new_password": password}), &["token", "new_password"]),
        "ApiKeyRequest": input(json!({"name": string(1, 100),
            "expires_at": {"type": ["string", "null"], "format": "date-time", "maxLength": 64,
                           "description": "RFC 3339, in the future; null or absent: never expires"}}),
            &["name"]),
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

fn theme_id() -> Value {
    json!({"type": "string", "enum": THEMES.iter().map(|t| t.id).collect::<Vec<_>>()})
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
        "AccountPatch": input(json!({"email": email(), "full_name": string(1, 200)}), &[]),
        "DeleteAccountRequest": input(json!({"password": {"type": "string",
            "description": "the current password"}}), &["password"]),
        "Link": {"type": "object", "additionalProperties": false,
                 "properties": {"network": nullable(text(50)), "username": nullable(text(100)),
                                "url": nullable(web_url())},
                 "description": "a profile elsewhere; every member optional, no other member"},
        "Profile": object(Value::Object(profile)),
        "ProfilePatch": {"type": "object", "properties": patch, "additionalProperties": false,
                         "description": "Any of the fields. `null` clears an optional one (an \
                             empty list for links and roles); \"\" is kept as an empty value. \
                             `open_to_work` and `is_public` cannot be null."},
        "PublicProfile": object(Value::Object(profile_fields(false))),
        "Bucket": bucket,
        "Usage": object(json!({"plan": plan(),
            "buckets": object(json!({"api_key": r("Bucket"), "api_key_daily": r("Bucket"),
                                     "jwt": r("Bucket")})),
            "api_key_requests_today": int()})),
        "Billing": object(json!({"plan": plan(), "source": {"type": "string", "enum": ["free", "grant"]},
            "expires_on": nullable(day()), "checkout_available": boolean()})),
        "RedirectUrl": object(json!({"url": {"type": "string", "format": "uri"}})),
        "Theme": object(json!({"id": theme_id(), "name": {"type": "string"},
            "description": {"type": "string"}, "plan": {"type": "string", "enum": ["free", "pro"]},
            "available": boolean()})),
        "ThemeChoice": input(json!({"theme": theme_id()}), &["theme"]),
        "Layout": input(json!({"sections": {"type": "array", "minItems": 5, "maxItems": 5,
            "items": input(json!({"name": section_name(), "visible": boolean()}), &["name", "visible"]),
            "description": "each of the five sections once, in display order"}}), &["sections"]),
        "Analytics": object(json!({"days": {"type": "integer", "minimum": 1, "maximum": 365},
            "items": array_of(r("DailyCounters")),
            "totals": counters()})),
        "DailyCounters": object(json!({"day": day(), "views": int(), "api_requests": int(),
                                       "asks": int(), "mcp_exposures": int()})),
        "OwnerResume": strict(json!({"username": {"type": "string"}, "full_name": {"type": "string"},
            "profile": r("Profile"), "sections": strict(Value::Object(owner_sections))})),
        "ImportResult": object(json!({
            "imported": {"type": "object", "additionalProperties": int(),
                         "description": "rows imported per section"},
            "kept_verbatim": {"type": "array", "items": {"type": "string"},
                              "description": "JSON Resume sections kept as they came"}})),
        "Export": strict(json!({"exported_at": timestamp(), "account": r("Account"),
            "resume": r("OwnerResume"), "json_resume": r("JsonResume"),
            "api_keys": array_of(r("ApiKey")), "analytics": array_of(r("DailyCounters")),
            "audit_events": array_of(r("AuditEvent")), "grants": array_of(r("Grant")),
            "transcripts": array_of(strict(json!({"id": uuid(),
                "visitor": {"type": ["object", "null"]}, "created_at": timestamp(),
                "updated_at": timestamp(), "messages": array_of(json!({"type": "object"}))}))),
            "insights": strict(json!({
                "asks": array_of(strict(json!({"day": day(), "question": {"type": "string"},
                    "answer_status": {"type": "string"},
                    "referrer_host": nullable(json!({"type": "string"}))}))),
                "referrers": array_of(strict(json!({"day": day(), "source": {"type": "string"},
                    "host": {"type": "string"}, "count": int()})))}))})),
    })
}

/// An object whose every property is required and which has no other.
fn strict(props: Value) -> Value {
    let mut s = object(props);
    s["additionalProperties"] = json!(false);
    s
}

/// The JSON Resume 1.0 schema of `tests/fixtures/jsonresume/schema.json`
/// (draft-04), made a JSON Schema 2020-12 component: no `$schema`, its
/// `definitions` hoisted into components (`JsonResume_iso8601` …), the
/// draft-04-only `additionalItems` dropped (without an `items` array it
/// means nothing), and `format: uri` and `format: date` dropped: RESTume
/// takes and gives back bare addresses (`example.com/me`), as JSON Resume
/// documents from the wild have them, and partial dates (`2021`) for a
/// certificate as for every other date, which format validators refuse.
pub fn json_resume(out: &mut Map<String, Value>) {
    let mut schema: Value =
        serde_json::from_str(include_str!("../../tests/fixtures/jsonresume/schema.json"))
            .expect("the JSON Resume schema is JSON");
    fn convert(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.remove("additionalItems");
                if matches!(
                    m.get("format").and_then(Value::as_str),
                    Some("uri" | "date")
                ) {
                    m.remove("format");
                }
                if let Some(Value::String(r)) = m.get_mut("$ref")
                    && let Some(name) = r.strip_prefix("#/definitions/")
                {
                    *r = format!("#/components/schemas/JsonResume_{name}");
                }
                m.values_mut().for_each(convert);
            }
            Value::Array(a) => a.iter_mut().for_each(convert),
            _ => {}
        }
    }
    let obj = schema.as_object_mut().expect("an object");
    obj.remove("$schema");
    obj.remove("id");
    if let Some(Value::Object(defs)) = obj.remove("definitions") {
        for (name, mut def) in defs {
            convert(&mut def);
            out.insert(format!("JsonResume_{name}"), def);
        }
    }
    convert(&mut schema);
    schema["description"] = json!(
        "A JSON Resume 1.0 document: the schema of https://jsonresume.org/schema (v1.0.0), \
         as JSON Schema 2020-12; addresses may be bare (example.com/me) and a \
         certificate's date partial (2021), so `format: uri` and `format: date` are not \
         asserted"
    );
    out.insert("JsonResumeImport".into(), json_resume_import(&schema));
    out.insert("JsonResume".into(), schema);
}

/// What `PUT /v1/me/resume` takes: any JSON Resume document, with RESTume's
/// limits on the fields it keeps in columns. Items require nothing (a row
/// without a field RESTume requires on create is imported with it empty);
/// `""` in an optional field and an empty-string date mean absent; every
/// field may be `null`. Fields and sections without a column are kept as
/// they came.
fn json_resume_import(real: &Value) -> Value {
    let mut doc = real.clone();
    let loose = |schema: Value| json!({"anyOf": [schema, {"const": ""}, {"type": "null"}]});
    let kept = || json!({"description": "no column: kept as it came, whatever it is"});
    // what has no column is not checked: every value of it is kept
    let verbatim = |v: &mut Value| {
        if let Some(Value::Object(p)) = v.get_mut("properties") {
            p.values_mut().for_each(|p| *p = kept());
        }
    };
    let props = &mut doc["properties"];
    props["$schema"] = kept();
    for s in sections::ALL {
        let items = &mut props[s.jr]["items"];
        verbatim(items);
        for col in s.cols {
            let schema = match col.kind {
                Kind::Text { max, .. } => text(max),
                Kind::Url => web_url(),
                Kind::Date => date(),
                Kind::Years => json!({"type": "integer", "minimum": 0, "maximum": 70}),
                Kind::List { items, len } => {
                    json!({"type": "array", "maxItems": items, "items": text(len)})
                }
            };
            items["properties"][col.jr] = loose(schema);
        }
        items.as_object_mut().map(|m| m.remove("required"));
        props[s.jr]["maxItems"] = json!(sections::MAX_ROWS);
        props[s.jr]["type"] = json!(["array", "null"]);
    }
    let basics = &mut props["basics"];
    basics["type"] = json!(["object", "null"]);
    verbatim(basics);
    for (key, schema) in [
        ("name", text(200)),
        ("label", text(200)),
        ("image", web_url()),
        ("email", email()),
        ("phone", text(50)),
        ("url", web_url()),
        ("summary", text(5000)),
    ] {
        basics["properties"][key] = loose(schema);
    }
    basics["properties"]["location"] = json!({"type": ["object", "null"],
        "description": "kept whole; city, region and countryCode make the profile's location"});
    let profiles = &mut basics["properties"]["profiles"];
    *profiles = real["properties"]["basics"]["properties"]["profiles"].clone();
    profiles["type"] = json!(["array", "null"]);
    profiles["maxItems"] = json!(20);
    verbatim(&mut profiles["items"]);
    for (key, schema) in [
        ("network", text(50)),
        ("username", text(100)),
        ("url", web_url()),
    ] {
        profiles["items"]["properties"][key] = loose(schema);
    }
    for key in [
        "volunteer",
        "awards",
        "publications",
        "languages",
        "interests",
        "references",
    ] {
        props[key] = json!({"type": ["array", "null"], "description": "kept as it came"});
    }
    props["meta"] = json!({"type": ["object", "null"], "description": "kept as it came"});
    doc["description"] = json!(
        "A JSON Resume 1.0 document to import. RESTume's limits apply to the fields it keeps \
         in columns (lengths, real dates, http(s) addresses, no control characters); items \
         require nothing; \"\" in an optional field and an empty-string date mean absent, \
         and so does null. Fields and sections RESTume has no column for are kept as they came."
    );
    doc
}

/// What `GET /v1/me/resume?format=jsonresume` and the public résumé in
/// that format answer: a JSON Resume document. `JsonResume` forbids other
/// top-level members, so it never matches the native forms, which require
/// theirs and forbid others.
fn public_schemas() -> Value {
    let items: Vec<Value> = sections::ALL
        .iter()
        .map(|s| r(&section_schema(s)))
        .collect();
    json!({
        "PublicResume": strict(json!({"username": {"type": "string"}, "full_name": {"type": "string"},
            "profile": r("PublicProfile"),
            "sections": array_of(strict(json!({"name": section_name(), "label": {"type": "string"},
                "items": array_of(json!({"anyOf": items}))}))),
        })),
        "ProfileHit": object(json!({"username": {"type": "string"}, "full_name": {"type": "string"},
            "headline": nullable(json!({"type": "string"})),
            "location": nullable(json!({"type": "string"})), "open_to_work": boolean(),
            "url": {"type": "string", "description": "the profile's path"}})),
        "Health": strict(json!({"status": {"const": "ok"}, "version": {"type": "string"},
            "checks": strict(json!({"database": {"const": "ok"}, "writes": {"const": "ok"}}))})),
        "HealthDegraded": strict(json!({"status": {"const": "degraded"},
            "version": {"type": "string"},
            "checks": strict(json!({"database": {"const": "ok"},
                "writes": {"type": "string",
                           "enum": ["disk_full", "read_only", "locked", "unavailable", "moved"]}})),
            "since": timestamp()})),
        "OpenApi": {"type": "object", "description": "this document"},
    })
}

fn admin_schemas() -> Value {
    let slug = json!({"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$", "maxLength": 100,
                      "description": "lower-case letters, digits and '-', not first"});
    let blog_fields = json!({
        "slug": slug, "title": string(1, 200), "summary": nullable(text(500)),
        "body_markdown": string(1, 200_000),
        "status": {"type": ["string", "null"], "enum": ["draft", "published", null],
                   "default": "draft", "description": "null or absent: draft"},
    });
    let mut replace = blog_fields.clone();
    replace["slug"]["type"] = json!(["string", "null"]);
    replace["slug"]["description"] =
        json!("optional; when given, the slug of the path (a post keeps its slug)");
    let mut post = json!({"slug": {"type": "string"}, "title": {"type": "string"},
        "summary": nullable(json!({"type": "string"})), "body_markdown": {"type": "string"},
        "status": {"type": "string", "enum": ["draft", "published"]}});
    post["created_at"] = timestamp();
    post["updated_at"] = timestamp();
    post["published_at"] = nullable(timestamp());
    let user_filters = json!({"q": nullable(json!({"type": "string"})),
        "plan": nullable(json!({"type": "string"})), "has_grant": nullable(boolean()),
        "is_admin": nullable(boolean())});
    json!({
        "GrantRequest": input(json!({"username": string(1, 50),
            "plan": {"type": "string", "enum": ["pro", "recruiter"]}, "reason": string(1, 500),
            "expires_on": {"type": ["string", "null"], "format": "date", "pattern": FULL_DATE_PATTERN,
                           "description": "YYYY-MM-DD after today; null or absent: no end"}}),
            &["username", "plan", "reason"]),
        "RevokeRequest": input(json!({"grant_id": string(1, 64), "reason": string(1, 500)}),
                               &["grant_id", "reason"]),
        "GrantAnswer": object(json!({"grant_id": {"type": "string"}, "message": {"type": "string"}})),
        "Grant": {"type": "object",
            "required": ["grant_id", "plan", "reason", "created_at", "expires_on", "revoked_at"],
            "additionalProperties": false,
            "properties": {"grant_id": {"type": "string"}, "plan": plan(),
                "reason": {"type": "string"},
                "granted_by": {"type": ["string", "null"],
                               "description": "admin views only: the admin's id, null for the operator"},
                "created_at": timestamp(), "expires_on": nullable(day()),
                "revoked_at": nullable(timestamp()),
                "revoke_reason": {"type": ["string", "null"], "description": "admin views only"}}},
        "AuditEvent": {"type": "object", "required": ["action", "detail", "ip", "at"],
            "additionalProperties": false,
            "properties": {"action": {"type": "string"},
                "actor_id": {"type": ["string", "null"],
                             "description": "admin views only: who acted, null for the user or the operator"},
                "detail": {"type": ["object", "null"]},
                "ip": nullable(json!({"type": "string"})), "at": timestamp()}},
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
            "filters": object(user_filters)})),
        "AdminUserDetail": object(json!({"user": r("AdminUser"),
            "subscriptions": {"type": "array", "maxItems": 0,
                              "description": "always empty: no payment provider is wired"},
            "manual_grants": array_of(r("Grant")),
            "timeline": {"type": "array", "items": r("AuditEvent"),
                         "description": "audit events, newest first, at most 200"}})),
        "AdminUserPatch": input(json!({"is_admin": boolean(), "is_disabled": boolean()}), &[]),
        "PasswordResetToken": object(json!({
            "reset_token": {"type": "string", "description": "one-time, valid for an hour"},
            "expires_at": timestamp()})),
        "SearchIndexStatus": object(json!({"documents": int(), "public_profiles": int(),
            "in_sync": boolean(), "last_rebuilt_at": nullable(timestamp())})),
        "BlogPostInput": input(blog_fields, &["slug", "title", "body_markdown"]),
        "BlogPostReplace": input(replace, &["title", "body_markdown"]),
        "BlogPost": strict(post),
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
    json_resume(&mut out);
    section_schemas(&mut out);
    out
}
