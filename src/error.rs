//! The one error type of the server. Every failure becomes an RFC 9457
//! `application/problem+json` answer with a stable `code`; the cause of a 500
//! goes to the log only, never to the client.

use rouille::Response;
use serde_json::{Value, json};

use crate::store::health::Fault;

#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

/// Boxed so that `Result<T, ApiError>` stays one pointer wide on the happy path.
#[derive(Debug)]
pub struct ApiError(Box<Problem>);

#[derive(Debug)]
pub struct Problem {
    pub status: u16,
    pub code: &'static str,
    pub detail: String,
    pub errors: Vec<FieldError>,
    /// Extra members of the problem object (`feature`, `required_plan` …).
    pub extra: Vec<(&'static str, Value)>,
    pub headers: Vec<(&'static str, String)>,
    /// What went wrong inside, for the log only.
    pub cause: Option<String>,
}

pub type ApiResult<T = Response> = Result<T, ApiError>;

impl std::ops::Deref for ApiError {
    type Target = Problem;
    fn deref(&self) -> &Problem {
        &self.0
    }
}

impl std::ops::DerefMut for ApiError {
    fn deref_mut(&mut self) -> &mut Problem {
        &mut self.0
    }
}

impl ApiError {
    pub fn new(status: u16, code: &'static str, detail: impl Into<String>) -> Self {
        ApiError(Box::new(Problem {
            status,
            code,
            detail: detail.into(),
            errors: Vec::new(),
            extra: Vec::new(),
            headers: Vec::new(),
            cause: None,
        }))
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn with_member(mut self, name: &'static str, value: Value) -> Self {
        self.extra.push((name, value));
        self
    }

    pub fn with_cause(mut self, cause: impl std::fmt::Display) -> Self {
        self.cause = Some(cause.to_string());
        self
    }

    pub fn not_found() -> Self {
        ApiError::new(404, "not_found", "Nothing here")
    }

    pub fn method_not_allowed(allow: &[&str]) -> Self {
        ApiError::new(
            405,
            "method_not_allowed",
            "This path does not take that method",
        )
        .with_header("Allow", allow.join(", "))
    }

    pub fn unauthorized(code: &'static str, detail: &str) -> Self {
        // RFC 6750 §3: `invalid_token` is for a token that was sent and is
        // bad; a missing credential and wrong sign-in details get the plain
        // challenge.
        let challenge = match code {
            "not_authenticated" | "invalid_credentials" => "Bearer realm=\"restume\"".to_string(),
            _ => format!(
                "Bearer realm=\"restume\", error=\"invalid_token\", error_description=\"{detail}\""
            ),
        };
        ApiError::new(401, code, detail).with_header("WWW-Authenticate", challenge)
    }

    pub fn forbidden(code: &'static str, detail: &str) -> Self {
        ApiError::new(403, code, detail)
    }

    pub fn conflict(code: &'static str, detail: &str) -> Self {
        ApiError::new(409, code, detail)
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        let mut e = ApiError::new(
            422,
            "validation_failed",
            "Request body doesn't match the schema",
        );
        e.errors = errors;
        e
    }

    pub fn field(field: &str, code: &'static str, message: &str) -> Self {
        ApiError::validation(vec![FieldError::new(field, code, message)])
    }

    pub fn unavailable(detail: &str, retry_after: u64) -> Self {
        ApiError::new(503, "unavailable", detail)
            .with_header("Retry-After", retry_after.to_string())
    }

    /// A bug or an environment failure: the client gets a clean 500, the log the cause.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let mut e = ApiError::new(500, "internal_error", "Something went wrong on our side");
        e.cause = Some(cause.to_string());
        e
    }

    pub fn to_response(&self) -> Response {
        let mut body = json!({
            "type": "about:blank",
            "title": title(self.status),
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        });
        if !self.errors.is_empty() {
            body["errors"] = self
                .errors
                .iter()
                .map(|e| json!({"field": e.field, "code": e.code, "message": e.message}))
                .collect();
        }
        for (name, value) in &self.extra {
            body[*name] = value.clone();
        }
        let mut response = Response::from_data("application/problem+json", body.to_string())
            .with_status_code(self.status);
        for (name, value) in &self.headers {
            response = response.with_unique_header(*name, value.clone());
        }
        response
    }
}

impl From<rusqlite::Error> for ApiError {
    /// A full disk, a read-only or vanished file and a lock held by another
    /// program each get their own answer (and one log line per incident,
    /// `store::health`); anything else is a bug.
    fn from(e: rusqlite::Error) -> Self {
        match Fault::of(&e) {
            Some(fault) => {
                crate::store::health::failed(fault, &e.to_string());
                fault.error()
            }
            None => ApiError::internal(format!("sqlite: {e}")),
        }
    }
}

impl From<r2d2::Error> for ApiError {
    fn from(e: r2d2::Error) -> Self {
        let mut busy = ApiError::unavailable("The server is overloaded, try again", 1);
        busy.cause = Some(format!("pool: {e}"));
        busy
    }
}

fn title(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        507 => "Insufficient Storage",
        _ => "Internal Server Error",
    }
}
