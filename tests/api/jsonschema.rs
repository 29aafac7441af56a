//! Just enough of JSON Schema to check answers against the JSON Resume schema
//! (draft-04) and the OpenAPI document's component schemas (2020-12): type,
//! const, enum, properties, required, additionalProperties, items,
//! min/maxItems, min/maxLength, minimum/maximum, pattern, allOf, anyOf,
//! oneOf, not, and `$ref` as a JSON pointer into the root (`#/definitions/…`,
//! `#/components/schemas/…`). Formats are not checked (most validators
//! take them as annotations).

use regex::Regex;
use serde_json::Value;

/// What in `doc` breaks `schema`, which is also the root refs point into.
pub fn validate(schema: &Value, doc: &Value) -> Vec<String> {
    validate_in(schema, schema, doc)
}

/// What in `doc` breaks `schema`, its `$ref`s pointing into `root`.
pub fn validate_in(root: &Value, schema: &Value, doc: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(root, schema, doc, "$", &mut errors);
    errors
}

fn valid(root: &Value, schema: &Value, v: &Value) -> bool {
    let mut errors = Vec::new();
    check(root, schema, v, "$", &mut errors);
    errors.is_empty()
}

fn is_integer(v: &Value) -> bool {
    v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0)
}

fn check(root: &Value, schema: &Value, v: &Value, path: &str, errors: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let target = r
            .strip_prefix('#')
            .and_then(|p| root.pointer(p))
            .unwrap_or_else(|| panic!("unresolved $ref {r}"));
        check(root, target, v, path, errors);
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let ok = types.iter().any(|t| match *t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "number" => v.is_number(),
            "integer" => is_integer(v),
            "boolean" => v.is_boolean(),
            "null" => v.is_null(),
            _ => true,
        });
        if !ok {
            errors.push(format!("{path}: {v} is not of type {t}"));
            return;
        }
    }
    if let Some(c) = schema.get("const")
        && c != v
    {
        errors.push(format!("{path}: {v} is not {c}"));
    }
    if let Some(Value::Array(options)) = schema.get("enum")
        && !options.contains(v)
    {
        errors.push(format!("{path}: {v} is not one of {options:?}"));
    }
    if let Some(Value::Array(all)) = schema.get("allOf") {
        for s in all {
            check(root, s, v, path, errors);
        }
    }
    if let Some(Value::Array(any)) = schema.get("anyOf")
        && !any.iter().any(|s| valid(root, s, v))
    {
        errors.push(format!("{path}: matches no schema of anyOf"));
    }
    if let Some(Value::Array(one)) = schema.get("oneOf") {
        let n = one.iter().filter(|s| valid(root, s, v)).count();
        if n != 1 {
            errors.push(format!(
                "{path}: matches {n} schemas of oneOf, not exactly one"
            ));
        }
    }
    if let Some(not) = schema.get("not")
        && valid(root, not, v)
    {
        errors.push(format!("{path}: matches the schema of not"));
    }
    if let Value::String(s) = v {
        let n = s.chars().count() as u64;
        if let Some(p) = schema.get("pattern").and_then(Value::as_str)
            && !Regex::new(p).unwrap().is_match(s)
        {
            errors.push(format!("{path}: {s:?} does not match {p}"));
        }
        if schema
            .get("maxLength")
            .and_then(Value::as_u64)
            .is_some_and(|m| n > m)
        {
            errors.push(format!("{path}: longer than maxLength"));
        }
        if schema
            .get("minLength")
            .and_then(Value::as_u64)
            .is_some_and(|m| n < m)
        {
            errors.push(format!("{path}: shorter than minLength"));
        }
    }
    if let Some(x) = v.as_f64() {
        if schema
            .get("minimum")
            .and_then(Value::as_f64)
            .is_some_and(|m| x < m)
        {
            errors.push(format!("{path}: {x} is below the minimum"));
        }
        if schema
            .get("maximum")
            .and_then(Value::as_f64)
            .is_some_and(|m| x > m)
        {
            errors.push(format!("{path}: {x} is above the maximum"));
        }
    }
    if let Value::Object(obj) = v {
        let props = schema.get("properties").and_then(Value::as_object);
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !obj.contains_key(name) {
                errors.push(format!("{path}: no required member {name}"));
            }
        }
        for (k, child) in obj {
            let at = format!("{path}.{k}");
            match (
                props.and_then(|p| p.get(k)),
                schema.get("additionalProperties"),
            ) {
                (Some(s), _) => check(root, s, child, &at, errors),
                (None, Some(Value::Bool(false))) => {
                    errors.push(format!("{path}: unexpected member {k}"))
                }
                (None, Some(extra @ Value::Object(_))) => check(root, extra, child, &at, errors),
                (None, _) => {}
            }
        }
    }
    if let Value::Array(items) = v {
        let n = items.len() as u64;
        if schema
            .get("maxItems")
            .and_then(Value::as_u64)
            .is_some_and(|m| n > m)
        {
            errors.push(format!("{path}: more than maxItems"));
        }
        if schema
            .get("minItems")
            .and_then(Value::as_u64)
            .is_some_and(|m| n < m)
        {
            errors.push(format!("{path}: fewer than minItems"));
        }
        if let Some(s) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                check(root, s, item, &format!("{path}[{i}]"), errors);
            }
        }
    }
}
