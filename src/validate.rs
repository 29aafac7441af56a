//! Reading a JSON object field by field. Every problem is collected, so one 422
//! names each bad field; fields nobody asked for are refused, never ignored.

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult, FieldError};

/// A field of a partial update: left alone, cleared with `null`, or set.
#[derive(Debug, Clone, PartialEq)]
pub enum Patch<T> {
    Absent,
    Null,
    Set(T),
}

impl<T> Patch<T> {
    /// For full writes (create, replace): absent and `null` both mean "none".
    pub fn into_option(self) -> Option<T> {
        match self {
            Patch::Set(v) => Some(v),
            _ => None,
        }
    }
}

pub struct Fields {
    map: Map<String, Value>,
    prefix: String,
    seen: HashSet<String>,
    errors: Vec<FieldError>,
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Fields {
    /// The body must be a JSON object.
    pub fn new(body: Value) -> ApiResult<Fields> {
        Fields::nested(body, "").map_err(|e| ApiError::validation(vec![e]))
    }

    /// An object inside the body, its fields named `prefix.field`.
    pub fn nested(value: Value, prefix: &str) -> Result<Fields, FieldError> {
        match value {
            Value::Object(map) => Ok(Fields {
                map,
                prefix: prefix.to_string(),
                seen: HashSet::new(),
                errors: Vec::new(),
            }),
            other => Err(FieldError::new(
                if prefix.is_empty() { "body" } else { prefix },
                "wrong_type",
                format!("must be an object, not {}", kind(&other)),
            )),
        }
    }

    pub fn path(&self, name: &str) -> String {
        if self.prefix.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.prefix)
        }
    }

    pub fn error(&mut self, name: &str, code: &'static str, message: impl Into<String>) {
        let field = self.path(name);
        self.errors.push(FieldError::new(field, code, message));
    }

    pub fn push(&mut self, e: FieldError) {
        self.errors.push(e);
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// The raw value of a field, marking it as known.
    pub fn take(&mut self, name: &str) -> Option<Value> {
        self.seen.insert(name.to_string());
        self.map.get(name).cloned()
    }

    fn wrong_type(&mut self, name: &str, want: &str, got: &Value) {
        self.error(
            name,
            "wrong_type",
            format!("must be {want}, not {}", kind(got)),
        );
    }

    /// A string that must be there, with at least `min` characters that are not
    /// white space and at most `max` in all. Kept exactly as given.
    pub fn required_string(&mut self, name: &str, min: usize, max: usize) -> Option<String> {
        let errors = self.errors.len();
        match self.string(name, min, max) {
            Patch::Set(s) => Some(s),
            // a present but bad value has its own error already
            _ if self.errors.len() > errors => None,
            Patch::Absent | Patch::Null => {
                self.error(name, "required", "is required");
                None
            }
        }
    }

    /// An optional string of at most `max` characters, kept exactly as given.
    pub fn optional_string(&mut self, name: &str, max: usize) -> Patch<String> {
        self.string(name, 0, max)
    }

    fn string(&mut self, name: &str, min: usize, max: usize) -> Patch<String> {
        match self.take(name) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            Some(Value::String(s)) => match check_len(&s, min, max) {
                Ok(s) => Patch::Set(s),
                Err((code, msg)) => {
                    self.error(name, code, msg);
                    Patch::Absent
                }
            },
            Some(other) => {
                self.wrong_type(name, "a string", &other);
                Patch::Absent
            }
        }
    }

    /// A string the caller must give exactly as it is (passwords: no trimming).
    pub fn raw_string(&mut self, name: &str) -> Option<String> {
        match self.take(name) {
            Some(Value::String(s)) => Some(s),
            None | Some(Value::Null) => {
                self.error(name, "required", "is required");
                None
            }
            Some(other) => {
                self.wrong_type(name, "a string", &other);
                None
            }
        }
    }

    /// A required string turned into a domain type (`Username::parse` …);
    /// a refusal lands in the errors.
    pub fn parse<T>(
        &mut self,
        name: &str,
        parse: impl FnOnce(&str, String) -> Result<T, FieldError>,
    ) -> Option<T> {
        let raw = self.raw_string(name)?;
        let path = self.path(name);
        parse(&path, raw).map_err(|e| self.push(e)).ok()
    }

    pub fn bool(&mut self, name: &str) -> Patch<bool> {
        match self.take(name) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            Some(Value::Bool(b)) => Patch::Set(b),
            Some(other) => {
                self.wrong_type(name, "a boolean", &other);
                Patch::Absent
            }
        }
    }

    /// A boolean that cannot be cleared: `null` is refused.
    pub fn flag(&mut self, name: &str) -> Option<bool> {
        match self.bool(name) {
            Patch::Set(b) => Some(b),
            Patch::Null => {
                self.error(name, "not_nullable", "cannot be null");
                None
            }
            Patch::Absent => None,
        }
    }

    pub fn int(&mut self, name: &str, min: i64, max: i64) -> Patch<i64> {
        match self.take(name) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            Some(Value::Number(n)) => match whole(&n) {
                Some(i) if (min..=max).contains(&i) => Patch::Set(i),
                _ => {
                    self.error(
                        name,
                        "out_of_range",
                        format!("must be a whole number from {min} to {max}"),
                    );
                    Patch::Absent
                }
            },
            Some(other) => {
                self.wrong_type(name, "a whole number", &other);
                Patch::Absent
            }
        }
    }

    /// A list of strings: at most `max_items`, each at most `max_len` characters.
    pub fn string_list(
        &mut self,
        name: &str,
        max_items: usize,
        max_len: usize,
    ) -> Patch<Vec<String>> {
        match self.take(name) {
            None => Patch::Absent,
            Some(Value::Null) => Patch::Null,
            Some(Value::Array(items)) => {
                if items.len() > max_items {
                    self.error(name, "too_many", format!("at most {max_items} items"));
                    return Patch::Absent;
                }
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let field = format!("{name}[{i}]");
                    match item {
                        Value::String(s) => match check_len(s, 0, max_len) {
                            Ok(s) => out.push(s),
                            Err((code, msg)) => self.error(&field, code, msg),
                        },
                        other => self.wrong_type(&field, "a string", other),
                    }
                }
                Patch::Set(out)
            }
            Some(other) => {
                self.wrong_type(name, "an array of strings", &other);
                Patch::Absent
            }
        }
    }

    /// Ends the reading: unknown fields and every collected problem make one 422.
    pub fn finish(self) -> ApiResult<()> {
        let errors = self.into_errors();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(errors))
        }
    }

    /// The problems found and the fields nobody read, for JSON Resume items
    /// whose unknown fields are kept rather than refused.
    pub fn into_rest(self) -> (Vec<FieldError>, Map<String, Value>) {
        let seen = self.seen;
        let rest = self
            .map
            .into_iter()
            .filter(|(k, _)| !seen.contains(k))
            .collect();
        (self.errors, rest)
    }

    /// The problems found, unknown fields included (for nested objects).
    pub fn into_errors(mut self) -> Vec<FieldError> {
        let mut unknown: Vec<String> = self
            .map
            .keys()
            .filter(|k| !self.seen.contains(*k))
            .cloned()
            .collect();
        unknown.sort();
        for name in unknown {
            self.error(&name, "unknown_field", "is not a field of this object");
        }
        self.errors
    }
}

/// A JSON number that is a whole number: `15` and also `15.0` (JSON Schema
/// counts both as integers, and so do most clients' serializers).
fn whole(n: &serde_json::Number) -> Option<i64> {
    n.as_i64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| f as i64)
    })
}

fn check_len(s: &str, min: usize, max: usize) -> Result<String, (&'static str, String)> {
    let n = s.chars().count();
    if s.trim().chars().count() < min {
        Err(("too_short", format!("at least {min} characters")))
    } else if n > max {
        Err(("too_long", format!("at most {max} characters")))
    } else if s
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        Err((
            "invalid_characters",
            "control characters are not allowed".to_string(),
        ))
    } else {
        Ok(s.to_string())
    }
}

/// A web address: `http://` or `https://` with a host, or a bare address
/// such as `example.com/x` (JSON Resume documents have those). Any other
/// scheme (`javascript:`, `data:`, `ftp:` …), spaces and control characters
/// are refused.
pub fn is_web_url(s: &str) -> bool {
    if s.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    {
        return !rest.split(['/', '?', '#']).next().unwrap_or("").is_empty();
    }
    // no scheme at all: nothing before the first '/' may contain ':' …
    let head = s.split(['/', '?', '#']).next().unwrap_or("");
    !head.is_empty() && !head.contains(':') && head.contains('.') && !s.starts_with('/')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn collects_every_problem() {
        let mut f = Fields::new(json!({"a": 1, "b": "x", "zz": true})).unwrap();
        assert_eq!(f.required_string("a", 1, 5), None);
        assert_eq!(f.required_string("b", 3, 5), None);
        assert_eq!(f.required_string("c", 1, 5), None);
        let errs = f.into_errors();
        let codes: Vec<_> = errs.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            codes,
            vec![
                ("a", "wrong_type"),
                ("b", "too_short"),
                ("c", "required"),
                ("zz", "unknown_field")
            ]
        );
    }

    #[test]
    fn whole_numbers_may_be_written_with_a_zero_fraction() {
        let mut f = Fields::new(json!({"a": 15.0, "b": 2.5, "c": 7, "d": 1e300})).unwrap();
        assert_eq!(f.int("a", 0, 70), Patch::Set(15));
        assert_eq!(f.int("b", 0, 70), Patch::Absent);
        assert_eq!(f.int("c", 0, 70), Patch::Set(7));
        assert_eq!(f.int("d", 0, 70), Patch::Absent);
        let codes: Vec<_> = f.into_errors().iter().map(|e| e.code).collect();
        assert_eq!(codes, vec!["out_of_range", "out_of_range"]);
    }

    #[test]
    fn urls() {
        assert!(is_web_url("https://example.com/x"));
        assert!(is_web_url("HTTP://a.b"));
        assert!(is_web_url("missdirection.example.com"));
        for bad in [
            "javascript:alert(1)",
            "https://",
            "https://a b",
            "ftp://x.y",
            "data:text/html,x",
            "//evil.com",
            "nope",
            "a:b.c/x",
        ] {
            assert!(!is_web_url(bad), "{bad}");
        }
    }
}
