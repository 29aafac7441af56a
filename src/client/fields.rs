//! `FIELD=VALUE` arguments as a JSON object. Values are strings unless the
//! field says otherwise: `years=6` is a number and `open_to_work=true` a
//! boolean because those fields are; a list is `keywords=tokio,serde` or the
//! field repeated (`highlights='Cut p99, by 40%' highlights='Led 4'`, each
//! whole, commas kept); `field=` clears (`null`); `field:=JSON` sends any JSON
//! as it is. A field the server does not know is still sent, so its 422 names
//! the field.

use serde_json::{Map, Value};

use super::fail::Fail;
use crate::resume::sections::{Kind, Section};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Type {
    Text,
    Int,
    Bool,
    List,
    Json,
}

/// The type of a field of a résumé section, from the server's own table.
pub fn section_type(section: &Section, field: &str) -> Type {
    match section
        .cols
        .iter()
        .find(|c| c.name == field)
        .map(|c| c.kind)
    {
        Some(Kind::Years) => Type::Int,
        Some(Kind::List { .. }) => Type::List,
        Some(_) | None => match field {
            "position" => Type::Int,
            _ => Type::Text,
        },
    }
}

/// The type of a profile field (SPEC §3.1).
pub fn profile_type(field: &str) -> Type {
    match field {
        "open_to_work" | "is_public" => Type::Bool,
        "open_to_work_roles" => Type::List,
        "links" => Type::Json,
        _ => Type::Text,
    }
}

pub fn parse(
    command: &str,
    words: &[String],
    type_of: &dyn Fn(&str) -> Type,
) -> Result<Map<String, Value>, Fail> {
    let usage = |m: String| Fail::usage(command, m);
    let mut out = Map::new();
    let mut lists: Vec<(String, Vec<String>)> = Vec::new();
    for w in words {
        let Some((name, value)) = w.split_once('=') else {
            return Err(usage(format!("expected FIELD=VALUE, not '{w}'")));
        };
        let (name, raw_json) = match name.strip_suffix(':') {
            Some(n) => (n, true),
            None => (name, false),
        };
        if name.is_empty() {
            return Err(usage(format!("'{w}' names no field")));
        }
        let ty = type_of(name);
        if ty == Type::List && !raw_json && !value.is_empty() {
            match lists.iter_mut().find(|(n, _)| n == name) {
                Some((_, items)) => items.push(value.to_string()),
                None => lists.push((name.to_string(), vec![value.to_string()])),
            }
            continue;
        }
        let v = if raw_json {
            serde_json::from_str(value).map_err(|e| usage(format!("{name}:= needs JSON ({e})")))?
        } else if value.is_empty() {
            Value::Null
        } else {
            typed(ty, value).map_err(|m| usage(format!("{name}: {m}")))?
        };
        if out.insert(name.to_string(), v).is_some() {
            return Err(usage(format!("{name} is given twice")));
        }
    }
    for (name, items) in lists {
        if out.contains_key(&name) {
            return Err(usage(format!("{name} is given twice")));
        }
        let items: Vec<Value> = if items.len() == 1 {
            items[0]
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_string()))
                .collect()
        } else {
            items.into_iter().map(Value::String).collect()
        };
        out.insert(name, Value::Array(items));
    }
    Ok(out)
}

/// A value of a typed field. A value that does not fit the type is sent as
/// the string it is, so the server's 422 says what the field takes.
fn typed(ty: Type, value: &str) -> Result<Value, String> {
    Ok(match ty {
        Type::Int => value
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(value.to_string())),
        Type::Bool => match value.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" => Value::Bool(true),
            "false" | "no" | "off" => Value::Bool(false),
            _ => Value::String(value.to_string()),
        },
        Type::Json => serde_json::from_str(value).map_err(|e| format!("needs JSON ({e})"))?,
        Type::Text | Type::List => Value::String(value.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resume::sections::{PROJECTS, SKILLS};
    use serde_json::json;

    fn run(section: &'static Section, words: &[&str]) -> Result<Value, i32> {
        let words: Vec<String> = words.iter().map(|s| s.to_string()).collect();
        parse("x", &words, &|f| section_type(section, f))
            .map(Value::Object)
            .map_err(|e| e.code)
    }

    #[test]
    fn typed_by_the_field() {
        assert_eq!(
            run(
                &SKILLS,
                &["name=Rust", "years=6", "keywords=tokio, serde,", "level="]
            )
            .unwrap(),
            json!({"name": "Rust", "years": 6, "keywords": ["tokio", "serde"], "level": null})
        );
        // a number-looking name stays a string; a wordy number is left for the server
        assert_eq!(
            run(&SKILLS, &["name=42", "years=six", "bogus=1"]).unwrap(),
            json!({"name": "42", "years": "six", "bogus": "1"})
        );
        let profile = parse(
            "x",
            &[
                "open_to_work=true".into(),
                "is_public=no".into(),
                "links=[]".into(),
            ],
            &profile_type,
        )
        .unwrap();
        assert_eq!(
            Value::Object(profile),
            json!({"open_to_work": true, "is_public": false, "links": []})
        );
    }

    #[test]
    fn repeated_list_items_keep_their_commas() {
        assert_eq!(
            run(
                &PROJECTS,
                &[
                    "highlights=Cut p99, by 40%",
                    "highlights=Led 4",
                    "keywords:=[\"a,b\"]"
                ]
            )
            .unwrap(),
            json!({"highlights": ["Cut p99, by 40%", "Led 4"], "keywords": ["a,b"]})
        );
        assert_eq!(
            run(&PROJECTS, &["keywords="]).unwrap(),
            json!({"keywords": null})
        );
    }

    #[test]
    fn bad_words_are_usage_errors() {
        for bad in [
            &["name"][..],
            &["=x"],
            &["name=a", "name=b"],
            &["name:={"],
            &["keywords=a", "keywords:=[]"],
        ] {
            assert_eq!(run(&SKILLS, bad), Err(2), "{bad:?}");
        }
    }
}
