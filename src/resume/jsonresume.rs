//! JSON Resume 1.0 in and out (SPEC §3.3). The mapping is lossless: fields
//! and sections without a column are kept as they came and given back, so an
//! import followed by an export returns the document, and an export followed
//! by an import changes nothing.

use serde_json::{Map, Value, json};

use super::profile::{Link, url_field};
use super::sections::{self, Cells, MAX_ROWS, Section};
use super::{Profile, Resume};
use crate::domain::Email;
use crate::error::{ApiError, FieldError};
use crate::validate::{Fields, Patch};

pub const SCHEMA_URL: &str =
    "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json";

/// Top-level sections RESTume keeps verbatim: (key, must be an array).
const VERBATIM: &[(&str, bool)] = &[
    ("volunteer", true),
    ("awards", true),
    ("publications", true),
    ("languages", true),
    ("interests", true),
    ("references", true),
    ("meta", false),
];

/// `basics.location` as one line: "city, region, countryCode".
fn location_line(loc: &Map<String, Value>) -> Option<String> {
    let parts: Vec<&str> = ["city", "region", "countryCode"]
        .iter()
        .filter_map(|k| loc.get(*k).and_then(Value::as_str))
        .filter(|s| !s.trim().is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

pub fn export(r: &Resume, visible: &[&Section]) -> Value {
    let p = &r.profile;
    let mut basics = r.basics_extra.clone();
    basics.insert("name".into(), json!(r.full_name));
    let fields = [
        ("label", &p.headline),
        ("image", &p.avatar_url),
        ("email", &p.public_email),
        ("phone", &p.phone),
        ("url", &p.website),
        ("summary", &p.summary),
    ];
    for (key, value) in fields {
        match value {
            Some(v) => basics.insert(key.into(), json!(v)),
            None => basics.remove(key),
        };
    }
    // the imported location object while it still says what the profile says
    let kept = match basics.get("location") {
        Some(Value::Object(loc)) => location_line(loc) == p.location,
        _ => false,
    };
    if !kept {
        match &p.location {
            Some(line) => basics.insert("location".into(), json!({"city": line})),
            None => basics.remove("location"),
        };
    }
    if p.links.is_empty() {
        basics.remove("profiles");
    } else {
        basics.insert("profiles".into(), json!(p.links));
    }

    let mut doc = Map::new();
    doc.insert("$schema".into(), json!(SCHEMA_URL));
    doc.insert("basics".into(), Value::Object(basics));
    for (section, rows) in &r.sections {
        if !rows.is_empty() && visible.iter().any(|v| v.name == section.name) {
            let items: Vec<Value> = rows.iter().map(|row| section.jr_item(row)).collect();
            doc.insert(section.jr.into(), Value::Array(items));
        }
    }
    for (key, value) in &r.verbatim {
        doc.insert(key.clone(), value.clone());
    }
    Value::Object(doc)
}

/// One imported row: its cells, and the fields kept verbatim.
pub type Item = (Cells, Map<String, Value>);

/// A checked JSON Resume document, ready to be written.
pub struct Import {
    pub full_name: Option<String>,
    pub profile: ProfileBasics,
    pub basics_extra: Map<String, Value>,
    pub sections: Vec<(&'static Section, Vec<Item>)>,
    pub verbatim: Map<String, Value>,
}

#[derive(Default)]
pub struct ProfileBasics {
    pub headline: Option<String>,
    pub avatar_url: Option<String>,
    pub public_email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub summary: Option<String>,
    pub location: Option<String>,
    pub links: Vec<Link>,
}

impl ProfileBasics {
    pub fn apply(self, p: &mut Profile) {
        p.headline = self.headline;
        p.avatar_url = self.avatar_url;
        p.public_email = self.public_email;
        p.phone = self.phone;
        p.website = self.website;
        p.summary = self.summary;
        p.location = self.location;
        p.links = self.links;
    }
}

/// Checks a whole document; every bad value is named by its path
/// (`work[2].startDate`) in one 422.
pub fn parse(doc: Value) -> Result<Import, ApiError> {
    let mut top = Fields::new(doc)?;
    let mut errors: Vec<FieldError> = Vec::new();
    top.take("$schema");

    let mut import = Import {
        full_name: None,
        profile: ProfileBasics::default(),
        basics_extra: Map::new(),
        sections: Vec::new(),
        verbatim: Map::new(),
    };
    match top.take("basics") {
        None | Some(Value::Null) => {}
        Some(b) => match Fields::nested(b, "basics") {
            Ok(mut f) => {
                basics(&mut f, &mut import);
                let (errs, rest) = f.into_rest();
                errors.extend(errs);
                import.basics_extra.extend(rest);
            }
            Err(e) => errors.push(e),
        },
    }
    for section in sections::ALL {
        let rows = match top.take(section.jr) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) if items.len() > MAX_ROWS => {
                errors.push(FieldError::new(
                    section.jr,
                    "too_many",
                    format!("at most {MAX_ROWS} items"),
                ));
                Vec::new()
            }
            Some(Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .filter_map(|(i, item)| {
                    match Fields::nested(item, &format!("{}[{i}]", section.jr)) {
                        Ok(mut f) => {
                            let cells = section.read(&mut f, true);
                            let (errs, rest) = f.into_rest();
                            errors.extend(errs);
                            Some((cells, rest))
                        }
                        Err(e) => {
                            errors.push(e);
                            None
                        }
                    }
                })
                .collect(),
            Some(_) => {
                errors.push(FieldError::new(
                    section.jr,
                    "wrong_type",
                    "must be an array",
                ));
                Vec::new()
            }
        };
        // Two skills of one name (or none) are valid JSON Resume: they are
        // imported as they are; only the API refuses to make a second one.
        import.sections.push((section, rows));
    }
    for (key, must_be_array) in VERBATIM {
        match top.take(key) {
            None | Some(Value::Null) => {}
            Some(v) if v.is_array() == *must_be_array && (v.is_array() || v.is_object()) => {
                import.verbatim.insert((*key).into(), v);
            }
            Some(_) => {
                let want = if *must_be_array {
                    "an array"
                } else {
                    "an object"
                };
                errors.push(FieldError::new(
                    *key,
                    "wrong_type",
                    format!("must be {want}"),
                ));
            }
        }
    }
    errors.extend(top.into_errors());
    if errors.is_empty() {
        Ok(import)
    } else {
        Err(ApiError::validation(errors))
    }
}

fn basics(f: &mut Fields, import: &mut Import) {
    let set = |p: Patch<String>| p.into_option();
    import.full_name = match f.optional_string("name", 200) {
        Patch::Set(s) if s.trim().is_empty() => None,
        other => set(other),
    };
    let b = &mut import.profile;
    b.headline = set(f.optional_string("label", 200));
    b.avatar_url = set(url_field(f, "image"));
    b.public_email = match f.optional_string("email", 254) {
        Patch::Set(s) if !s.is_empty() => match Email::parse(&f.path("email"), &s) {
            Ok(_) => Some(s),
            Err(e) => {
                f.push(e);
                None
            }
        },
        other => set(other),
    };
    b.phone = set(f.optional_string("phone", 50));
    b.website = set(url_field(f, "url"));
    b.summary = set(f.optional_string("summary", 5000));
    match f.take("location") {
        None | Some(Value::Null) => {}
        Some(Value::Object(loc)) => {
            b.location = location_line(&loc);
            // kept whole, so the export gives back every part of it
            import
                .basics_extra
                .insert("location".into(), Value::Object(loc));
        }
        Some(_) => f.error("location", "wrong_type", "must be an object"),
    }
    match f.take("profiles") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) if items.len() > 20 => {
            f.error("profiles", "too_many", "at most 20 profiles")
        }
        Some(Value::Array(items)) => {
            for (i, item) in items.into_iter().enumerate() {
                match Fields::nested(item, &f.path(&format!("profiles[{i}]"))) {
                    Ok(mut l) => {
                        let network = l.optional_string("network", 50).into_option();
                        let username = l.optional_string("username", 100).into_option();
                        let url = url_field(&mut l, "url").into_option();
                        let (errs, extra) = l.into_rest();
                        errs.into_iter().for_each(|e| f.push(e));
                        b.links.push(Link {
                            network,
                            username,
                            url,
                            extra,
                        });
                    }
                    Err(e) => f.push(e),
                }
            }
        }
        Some(_) => f.error("profiles", "wrong_type", "must be an array"),
    }
}
