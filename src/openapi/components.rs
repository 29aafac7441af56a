//! The reusable parts of the document: problem answers, headers, query
//! parameters and security schemes.

use serde_json::{Map, Value, json};

use super::schemas;

/// Reusable problem answers: (status, component name, description).
const PROBLEMS: &[(u16, &str, &str)] = &[
    (
        400,
        "BadRequest",
        "The body is not JSON (`malformed_json`), or the request's body length reads two \
         ways (`bad_request`, and the connection closes)",
    ),
    (
        408,
        "RequestTimeout",
        "The request was not whole within 10 s of its first byte (`request_timeout`)",
    ),
    (
        431,
        "HeadersTooLarge",
        "The headers pass 64 KiB or 100 lines (`headers_too_large`)",
    ),
    (
        401,
        "Unauthorized",
        "No credential, or a bad, expired or revoked one",
    ),
    (
        403,
        "Forbidden",
        "Not allowed: `jwt_required`, `admin_required` or `plan_required`",
    ),
    (404, "NotFound", "No such row, user or public profile"),
    (409, "Conflict", "A uniqueness or state conflict"),
    (413, "PayloadTooLarge", "The body is larger than 1 MiB"),
    (
        415,
        "UnsupportedMediaType",
        "The body is not sent as application/json",
    ),
    (
        422,
        "ValidationFailed",
        "A field or parameter is missing, unknown, of the wrong type or out of range",
    ),
    (
        429,
        "TooManyRequests",
        "A rate limit or quota is spent (`rate_limited`, `quota_exceeded`)",
    ),
    (
        500,
        "InternalError",
        "An unexpected failure (`internal_error`); nothing internal is shown",
    ),
    (
        507,
        "InsufficientStorage",
        "The server's disk is full (`insufficient_storage`): the change was not saved, \
         what was saved before is safe; writes resume once there is room",
    ),
    (
        503,
        "Unavailable",
        "Overloaded, busy, past the connection limit (`unavailable`) or unable to write its \
         database (`storage_unavailable`): retry after Retry-After seconds",
    ),
];

fn problem_content() -> Value {
    json!({"application/problem+json": {"schema": schemas::r("Problem")}})
}

pub fn header_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/headers/{name}") })
}

fn problem_response(status: u16, description: &str) -> Value {
    let mut response = json!({"description": description, "content": problem_content()});
    let headers: &[&str] = match status {
        401 => &["WWW-Authenticate"],
        429 => &["Retry-After", "RateLimit", "RateLimit-Policy"],
        503 | 507 => &["Retry-After"],
        _ => &[],
    };
    if !headers.is_empty() {
        response["headers"] = headers
            .iter()
            .map(|h| (h.to_string(), header_ref(h)))
            .collect();
    }
    response
}

/// The problem content of an answer, for merging into one that also has
/// another form (the 503 of /health).
pub fn problem_media() -> Value {
    problem_content()["application/problem+json"].clone()
}

pub fn error_ref(status: u16) -> Value {
    match PROBLEMS.iter().find(|(s, ..)| *s == status) {
        Some((_, name, _)) => json!({ "$ref": format!("#/components/responses/{name}") }),
        None => problem_response(status, "A problem"),
    }
}

pub fn all() -> Value {
    let responses: Map<String, Value> = PROBLEMS
        .iter()
        .map(|(status, name, description)| {
            (name.to_string(), problem_response(*status, description))
        })
        .collect();
    let int = |description: &str| json!({"description": description, "schema": {"type": "integer", "minimum": 1}});
    let text =
        |description: &str| json!({"description": description, "schema": {"type": "string"}});
    json!({
        "schemas": schemas::all(),
        "responses": responses,
        "parameters": {
            "limit": {"name": "limit", "in": "query", "required": false,
                      "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
            "offset": {"name": "offset", "in": "query", "required": false,
                       "schema": {"type": "integer", "minimum": 0, "maximum": 1_000_000, "default": 0}},
        },
        "headers": {
            "X-Request-Id": text("Echoed from the request when given, else generated"),
            "Location": text("Path of the new resource"),
            "ETag": text("Strong entity tag; send it back in If-None-Match"),
            "Retry-After": int("Whole seconds until a retry can succeed"),
            "RateLimit": text("IETF httpapi RateLimit field of the tightest bucket: \"policy\";r=remaining;t=seconds"),
            "RateLimit-Policy": text("IETF httpapi RateLimit-Policy field: \"policy\";q=burst;w=window seconds"),
            "WWW-Authenticate": text("Bearer challenge"),
            "Content-Disposition": text("attachment, with a file name"),
        },
        "securitySchemes": {
            "bearerJwt": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                          "description": "From POST /v1/auth/login; an API key is also accepted as Bearer rst_…"},
            "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key",
                       "description": "rst_ followed by 32 base62 characters"},
        },
    })
}
