//! The tool table: one entry per tool with its name, description, input and
//! output schemas, annotations and handler; `tools/list` and `tools/call`.
//!
//! Arguments are checked against the input schema before a handler runs
//! (unknown names, wrong types, out-of-range values); a call that fails on
//! its arguments is a result with `isError: true` and a message that says
//! how to fix it, as MCP asks, so an assistant can correct itself.

use serde_json::{Map, Value, json};

use super::{RpcResult, candidates as c, fit, invalid_params, shortlists as s};
use crate::error::ApiResult;
use crate::routes::Ctx;

/// A tool's answer (`CallToolResult`).
pub type ToolResult = Value;

pub struct Out;

impl Out {
    /// The data as `structuredContent` and the same JSON as text.
    pub fn ok(data: Value) -> ToolResult {
        let text = members([
            ("type", json!("text")),
            (
                "text",
                Value::String(serde_json::to_string(&data).unwrap_or_default()),
            ),
        ]);
        members([
            ("content", Value::Array(vec![text])),
            ("structuredContent", data),
            ("isError", Value::Bool(false)),
        ])
    }
}

/// An object of the values given, moved in. (`json!` copies every value
/// that is not a literal, string by string: for a page of candidates that
/// was most of a call's allocations, made two and three times over.)
pub fn members<const N: usize>(members: [(&str, Value); N]) -> Value {
    Value::Object(
        members
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// A tool error: what went wrong and how to fix the call.
pub fn fail(message: impl Into<String>) -> ToolResult {
    json!({"content": [{"type": "text", "text": message.into()}], "isError": true})
}

/// The checked arguments of a call.
pub struct Args(Map<String, Value>);

impl Args {
    pub fn str(&self, name: &str) -> Option<String> {
        self.0.get(name).and_then(Value::as_str).map(str::to_string)
    }
    pub fn strs(&self, name: &str) -> Vec<String> {
        self.0
            .get(name)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }
    pub fn int(&self, name: &str) -> Option<i64> {
        self.0.get(name).and_then(Value::as_i64)
    }
    pub fn num(&self, name: &str) -> Option<f64> {
        self.0.get(name).and_then(Value::as_f64)
    }
    pub fn bool(&self, name: &str) -> Option<bool> {
        self.0.get(name).and_then(Value::as_bool)
    }
}

type Handler = fn(&Ctx, &Args) -> ApiResult<ToolResult>;

pub struct Tool {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub input: fn() -> Value,
    pub output: fn() -> Value,
    /// readOnlyHint, destructiveHint, idempotentHint, openWorldHint
    pub hints: (bool, bool, bool, bool),
    pub handler: Handler,
}

const READ: (bool, bool, bool, bool) = (true, false, true, false);

// ---- schema pieces ----

fn username() -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": 50,
           "description": "A candidate's username, as list_candidates and search_candidates give it"})
}
fn usernames(min: u64, max: u64) -> Value {
    json!({"type": "array", "items": username(), "minItems": min, "maxItems": max})
}
fn job() -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": 20000,
           "description": "The job description as text. Skills in a sentence with 'nice to have', \
                           'a plus', 'preferred' or under a 'Nice to have:' heading count as nice to \
                           have; the others as required; '5+ years' sets the experience wanted"})
}
fn limit() -> Value {
    json!({"type": "integer", "minimum": 1, "maximum": 100, "default": 20,
           "description": "Candidates per page"})
}
fn cursor() -> Value {
    json!({"type": "string", "maxLength": 40,
           "description": "nextCursor of the previous page; leave out for the first page"})
}
fn object(props: Value, required: &[&str]) -> Value {
    json!({"type": "object", "properties": props, "required": required,
           "additionalProperties": false})
}
fn open_object(props: Value, required: &[&str]) -> Value {
    json!({"type": "object", "properties": props, "required": required})
}
fn nullable(t: &str) -> Value {
    json!({"type": [t, "null"]})
}
fn strings() -> Value {
    json!({"type": "array", "items": {"type": "string"}})
}
fn summary_schema() -> Value {
    open_object(
        json!({"username": {"type": "string"}, "full_name": {"type": "string"},
               "headline": nullable("string"), "location": nullable("string"),
               "open_to_work": {"type": "boolean"}, "years_of_experience": {"type": "number"},
               "skills": strings(), "uri": {"type": "string"}}),
        &[
            "username",
            "full_name",
            "open_to_work",
            "years_of_experience",
            "skills",
            "uri",
        ],
    )
}
fn listing_schema() -> Value {
    open_object(
        json!({"candidates": {"type": "array", "items": summary_schema()},
               "total": {"type": "integer"}, "nextCursor": nullable("string")}),
        &["candidates", "total"],
    )
}
fn job_schema() -> Value {
    open_object(
        json!({"required_skills": strings(), "nice_to_have_skills": strings(),
               "min_years": nullable("integer")}),
        &["required_skills", "nice_to_have_skills"],
    )
}
fn shortlist_schema() -> Value {
    open_object(
        json!({"id": {"type": "string"}, "name": {"type": "string"},
               "created_at": {"type": "string"}, "uri": {"type": "string"},
               "candidates": {"type": "array", "items": summary_schema()}}),
        &["id", "name", "created_at", "uri", "candidates"],
    )
}
fn of_one(props: Value, required: &[&str]) -> Value {
    let mut p = props;
    p["username"] = json!({"type": "string"});
    let mut r = vec!["username"];
    r.extend_from_slice(required);
    open_object(p, &r)
}
fn shortlist_ref() -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": 64,
           "description": "The id of one of your shortlists (create_shortlist, list_shortlists)"})
}

#[rustfmt::skip]
pub const TOOLS: &[Tool] = &[
    Tool {
        name: "list_candidates", title: "List candidates",
        description: "All public candidate profiles, by username, a page at a time.",
        input: || object(json!({"limit": limit(), "cursor": cursor()}), &[]),
        output: listing_schema, hints: READ, handler: c::list_candidates,
    },
    Tool {
        name: "search_candidates", title: "Search candidates",
        description: "Public candidates matching every filter given: words of their profile text, \
                      skills they list (synonyms count: k8s is Kubernetes), location, open to work, \
                      and minimum years of work experience. In username order, a page at a time.",
        input: || object(json!({
            "text": {"type": "string", "maxLength": 200, "description": "Words that must all appear (prefixes match)"},
            "skills": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 100}, "maxItems": 20,
                       "description": "Skills the candidate must list, all of them"},
            "location": {"type": "string", "maxLength": 200, "description": "Part of the candidate's location"},
            "open_to_work": {"type": "boolean"},
            "min_years": {"type": "number", "minimum": 0, "maximum": 60, "description": "Least years of work experience"},
            "limit": limit(), "cursor": cursor()}), &[]),
        output: listing_schema, hints: READ, handler: c::search_candidates,
    },
    Tool {
        name: "get_candidate", title: "Get a candidate",
        description: "One candidate's whole public résumé: profile and visible sections.",
        input: || object(json!({"username": username()}), &["username"]),
        output: || open_object(json!({"username": {"type": "string"}, "full_name": {"type": "string"},
                                      "profile": {"type": "object"}, "sections": {"type": "array"},
                                      "years_of_experience": {"type": "number"}, "uri": {"type": "string"}}),
                               &["username", "full_name", "profile", "sections"]),
        hints: READ, handler: c::get_candidate,
    },
    Tool {
        name: "get_candidate_skills", title: "A candidate's skills",
        description: "The skills a candidate lists, with level, years, category and keywords.",
        input: || object(json!({"username": username()}), &["username"]),
        output: || of_one(json!({"skills": {"type": "array", "items": open_object(json!({
                            "name": {"type": "string"}, "level": nullable("string"), "years": nullable("integer"),
                            "category": nullable("string"), "keywords": strings()}), &["name"])}}), &["skills"]),
        hints: READ, handler: c::get_candidate_skills,
    },
    Tool {
        name: "get_candidate_experience", title: "A candidate's experience",
        description: "A candidate's roles with dates and months, and total years of work \
                      (overlapping roles counted once).",
        input: || object(json!({"username": username()}), &["username"]),
        output: || of_one(json!({"years_of_experience": {"type": "number"},
                                 "experience": {"type": "array", "items": {"type": "object"}}}),
                          &["years_of_experience", "experience"]),
        hints: READ, handler: c::get_candidate_experience,
    },
    Tool {
        name: "compare_candidates", title: "Compare candidates",
        description: "2 to 10 candidates side by side: their summaries and, for every skill any of \
                      them lists, whether each lists it, only mentions it, or not.",
        input: || object(json!({"usernames": usernames(2, 10)}), &["usernames"]),
        output: || open_object(json!({"candidates": {"type": "array", "items": summary_schema()},
                                      "skills": {"type": "array", "items": {"type": "object"}}}),
                               &["candidates", "skills"]),
        hints: READ, handler: c::compare_candidates,
    },
    Tool {
        name: "rank_candidates", title: "Rank candidates for a job",
        description: "Every public candidate scored against a job description (out of 100: required \
                      skills 60, nice-to-have skills 20, years 20), best first, ties by username. \
                      A skill listed counts fully, one only mentioned in a role or project half.",
        input: || object(json!({"job_description": job(), "limit": limit(), "cursor": cursor()}), &["job_description"]),
        output: || open_object(json!({"job": job_schema(), "total": {"type": "integer"},
                                      "nextCursor": nullable("string"),
                                      "ranking": {"type": "array", "items": open_object(json!({
                                          "username": {"type": "string"}, "score": {"type": "integer"},
                                          "parts": {"type": "object"}, "missing_required": strings(),
                                          "candidate": summary_schema()}), &["username", "score", "parts"])}}),
                               &["job", "ranking", "total"]),
        hints: READ, handler: fit::rank_candidates,
    },
    Tool {
        name: "explain_fit", title: "Explain a candidate's fit",
        description: "Why one candidate scores as they do against a job description: each skill \
                      matched with its evidence, what is missing, and years against years wanted.",
        input: || object(json!({"username": username(), "job_description": job()}), &["username", "job_description"]),
        output: || of_one(json!({"job": job_schema(), "score": {"type": "integer"}, "parts": {"type": "object"},
                                 "matched": {"type": "array"}, "missing_required": strings(),
                                 "missing_nice_to_have": strings(), "reasons": strings()}),
                          &["job", "score", "parts", "reasons"]),
        hints: READ, handler: fit::explain_fit,
    },
    Tool {
        name: "skill_gap", title: "Skill gap",
        description: "The skills a candidate lacks, for a job description or a list of skills (or both).",
        input: || object(json!({"username": username(), "job_description": job(),
                                "skills": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 100},
                                           "maxItems": 50}}), &["username"]),
        output: || of_one(json!({"job": job_schema(), "has": {"type": "array"}, "missing_required": strings(),
                                 "missing_nice_to_have": strings(), "coverage": {"type": "integer"}}),
                          &["has", "missing_required", "coverage"]),
        hints: READ, handler: fit::skill_gap,
    },
    Tool {
        name: "verify_certification", title: "Check a listed certification",
        description: "Whether a candidate lists a certification: listed, expired (its expiry date \
                      has passed) or not_listed. RESTume never contacts issuers: this is what the \
                      candidate lists, not a verification.",
        input: || object(json!({"username": username(),
                                "certification": {"type": "string", "minLength": 1, "maxLength": 200}}),
                         &["username", "certification"]),
        output: || of_one(json!({"certification": {"type": "string"},
                                 "status": {"type": "string", "enum": ["listed", "expired", "not_listed"]},
                                 "listed_as": {"type": "object"}, "note": {"type": "string"}}),
                          &["certification", "status"]),
        hints: READ, handler: c::verify_certification,
    },
    Tool {
        name: "check_availability", title: "Check availability",
        description: "Whether a candidate is open to work, their note and wanted roles, location and current roles.",
        input: || object(json!({"username": username()}), &["username"]),
        output: || of_one(json!({"open_to_work": {"type": "boolean"}, "note": nullable("string"),
                                 "roles_wanted": strings(), "location": nullable("string"),
                                 "current_roles": {"type": "array"}}),
                          &["open_to_work", "roles_wanted", "current_roles"]),
        hints: READ, handler: c::check_availability,
    },
    Tool {
        name: "create_shortlist", title: "Create a shortlist",
        description: "A new shortlist of yours, optionally with its first candidates. Only you see it.",
        input: || object(json!({"name": {"type": "string", "minLength": 1, "maxLength": 100},
                                "usernames": usernames(0, 100)}), &["name"]),
        output: shortlist_schema, hints: (false, false, false, false), handler: s::create,
    },
    Tool {
        name: "add_to_shortlist", title: "Add to a shortlist",
        description: "Adds candidates to one of your shortlists (ones already on it stay once).",
        input: || object(json!({"shortlist_id": shortlist_ref(), "usernames": usernames(1, 100)}),
                         &["shortlist_id", "usernames"]),
        output: shortlist_schema, hints: (false, false, true, false), handler: s::add,
    },
    Tool {
        name: "remove_from_shortlist", title: "Remove from a shortlist",
        description: "Takes candidates off one of your shortlists.",
        input: || object(json!({"shortlist_id": shortlist_ref(), "usernames": usernames(1, 100)}),
                         &["shortlist_id", "usernames"]),
        output: shortlist_schema, hints: (false, true, true, false), handler: s::remove,
    },
    Tool {
        name: "list_shortlists", title: "List your shortlists",
        description: "Your shortlists, oldest first, each with its candidates that are public now.",
        input: || object(json!({"limit": limit(), "cursor": cursor()}), &[]),
        output: || open_object(json!({"shortlists": {"type": "array", "items": shortlist_schema()},
                                      "total": {"type": "integer"}, "nextCursor": nullable("string")}),
                               &["shortlists", "total"]),
        hints: READ, handler: s::list,
    },
];

fn describe(t: &Tool) -> Value {
    let (read_only, destructive, idempotent, open_world) = t.hints;
    json!({
        "name": t.name,
        "title": t.title,
        "description": t.description,
        "inputSchema": (t.input)(),
        "outputSchema": (t.output)(),
        "annotations": {"title": t.title, "readOnlyHint": read_only, "destructiveHint": destructive,
                        "idempotentHint": idempotent, "openWorldHint": open_world},
    })
}

/// `tools/list`: all fifteen fit one page; a cursor we gave is accepted.
pub fn list(params: &Value) -> RpcResult {
    if let Some(c) = params.get("cursor")
        && c.as_str().and_then(super::offset_of).is_none()
    {
        return Err(invalid_params(
            "Unknown cursor: pass nextCursor from a previous answer unchanged, or no cursor",
        ));
    }
    Ok(json!({"tools": TOOLS.iter().map(describe).collect::<Vec<_>>()}))
}

/// `tools/call`.
pub fn call(ctx: &Ctx, params: &Value) -> ApiResult<RpcResult> {
    let Some(name) = params.get("name").and_then(Value::as_str) else {
        return Ok(Err(invalid_params(
            "tools/call needs params.name, the name of a tool from tools/list",
        )));
    };
    let Some(tool) = TOOLS.iter().find(|t| t.name == name) else {
        return Ok(Err(invalid_params(format!(
            "Unknown tool '{name}'; tools/list names the {} tools",
            TOOLS.len()
        ))));
    };
    let args = match params.get("arguments") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => {
            return Ok(Err(invalid_params(
                "params.arguments must be an object of the tool's inputSchema",
            )));
        }
    };
    if let Err(msg) = check(input_of(tool), &args) {
        return Ok(Ok(fail(format!(
            "{msg} (tool {name}; see its inputSchema)"
        ))));
    }
    Ok(Ok((tool.handler)(ctx, &Args(args))?))
}

/// A tool's input schema, made once (a call checks its arguments with it).
fn input_of(tool: &Tool) -> &'static Value {
    static INPUTS: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    let inputs = INPUTS.get_or_init(|| TOOLS.iter().map(|t| (t.input)()).collect());
    let at = TOOLS.iter().position(|t| t.name == tool.name);
    &inputs[at.unwrap_or_default()]
}

/// Checks arguments against the subset of JSON Schema the tables use.
fn check(schema: &Value, args: &Map<String, Value>) -> Result<(), String> {
    let none = Map::new();
    let props = schema["properties"].as_object().unwrap_or(&none);
    for name in args.keys() {
        if !props.contains_key(name) {
            let known: Vec<&str> = props.keys().map(String::as_str).collect();
            return Err(format!(
                "Unknown argument '{name}'; the arguments are: {}",
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ));
        }
    }
    for r in schema["required"].as_array().into_iter().flatten() {
        let r = r.as_str().unwrap_or_default();
        if args.get(r).is_none_or(Value::is_null) {
            return Err(format!("Missing argument '{r}'"));
        }
    }
    for (name, v) in args {
        value(&props[name], v, name)?;
    }
    Ok(())
}

fn value(schema: &Value, v: &Value, at: &str) -> Result<(), String> {
    let ty = schema["type"].as_str().unwrap_or("");
    let wrong = || Err(format!("'{at}' must be {}", article(ty)));
    match ty {
        "string" => {
            let Some(s) = v.as_str() else { return wrong() };
            let n = s.chars().count() as u64;
            if let Some(min) = schema["minLength"].as_u64()
                && (n < min || s.trim().is_empty())
            {
                return Err(format!("'{at}' must not be empty"));
            }
            if let Some(max) = schema["maxLength"].as_u64()
                && n > max
            {
                return Err(format!("'{at}' is too long: at most {max} characters"));
            }
        }
        "integer" | "number" => {
            let Some(n) = v.as_f64() else { return wrong() };
            if ty == "integer" && !(v.is_i64() || v.is_u64()) {
                return wrong();
            }
            let min = schema["minimum"].as_f64().unwrap_or(f64::MIN);
            let max = schema["maximum"].as_f64().unwrap_or(f64::MAX);
            if n < min || n > max {
                return Err(format!("'{at}' must be from {min} to {max}"));
            }
        }
        "boolean" if !v.is_boolean() => return wrong(),
        "array" => {
            let Some(items) = v.as_array() else {
                return wrong();
            };
            let n = items.len() as u64;
            let min = schema["minItems"].as_u64().unwrap_or(0);
            let max = schema["maxItems"].as_u64().unwrap_or(u64::MAX);
            if n < min || n > max {
                return Err(format!("'{at}' must hold {min} to {max} items, not {n}"));
            }
            for (i, item) in items.iter().enumerate() {
                value(&schema["items"], item, &format!("{at}[{i}]"))?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn article(ty: &str) -> &'static str {
    match ty {
        "string" => "a string",
        "integer" => "a whole number",
        "number" => "a number",
        "boolean" => "true or false",
        "array" => "an array",
        _ => "of another type",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifteen_tools_each_described_in_full() {
        assert_eq!(TOOLS.len(), 15);
        for (i, t) in TOOLS.iter().enumerate() {
            assert!(
                TOOLS[i + 1..].iter().all(|o| o.name != t.name),
                "{}",
                t.name
            );
            let d = describe(t);
            assert_eq!(d["inputSchema"]["type"], "object", "{}", t.name);
            assert_eq!(d["outputSchema"]["type"], "object", "{}", t.name);
            for h in [
                "readOnlyHint",
                "destructiveHint",
                "idempotentHint",
                "openWorldHint",
            ] {
                assert!(d["annotations"][h].is_boolean(), "{} {h}", t.name);
            }
        }
    }

    #[test]
    fn arguments_are_checked_against_the_schema() {
        let schema = TOOLS[1].input;
        let args = |v: Value| v.as_object().unwrap().clone();
        assert!(check(&schema(), &args(json!({"text": "rust"}))).is_ok());
        assert!(
            check(&schema(), &args(json!({"nope": 1})))
                .unwrap_err()
                .contains("Unknown argument 'nope'")
        );
        assert!(check(&schema(), &args(json!({"limit": 0}))).is_err());
        assert!(check(&schema(), &args(json!({"limit": 1.5}))).is_err());
        assert!(check(&schema(), &args(json!({"skills": [1]}))).is_err());
        assert!(check(&schema(), &args(json!({"open_to_work": "yes"}))).is_err());
    }
}
