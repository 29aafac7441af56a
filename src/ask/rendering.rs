//! Facts read from the stored public JSON rendering (`render::public_json`,
//! which holds exactly the visible sections), so an ask costs one lookup of
//! stored bytes instead of loading the résumé.
//!
//! The objects are read straight into structs of the few fields the engine
//! uses; only the leaves are `Value`s (a string is then one allocation, as it
//! is in the facts, and moves into them). Building the whole `Value` tree of
//! the 8 KB rendering and copying out of it was most of a first ask's cost.
//! Leaves are lenient, as the `Value` accessors are: a text is a non-blank
//! string, a list keeps its non-blank strings, another type reads as absent.

use serde::Deserialize;
use serde_json::Value;

use super::facts::{Cert, Facts, Project, Role, Skill, Study};
use crate::resume::sections;

#[derive(Deserialize, Default)]
#[serde(default)]
struct Doc {
    username: Value,
    full_name: Value,
    profile: ProfileDoc,
    sections: Vec<SectionDoc>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ProfileDoc {
    headline: Value,
    summary: Value,
    location: Value,
    public_email: Value,
    phone: Value,
    website: Value,
    links: Vec<LinkDoc>,
    open_to_work: Value,
    open_to_work_note: Value,
    open_to_work_roles: Value,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LinkDoc {
    network: Value,
    url: Value,
    username: Value,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SectionDoc {
    name: Value,
    items: Vec<Item>,
}

/// A row of any of the sections read: the union of their fields.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Item {
    name: Value,
    level: Value,
    years: Value,
    category: Value,
    keywords: Value,
    company: Value,
    title: Value,
    start_date: Value,
    end_date: Value,
    location: Value,
    summary: Value,
    highlights: Value,
    institution: Value,
    area: Value,
    study_type: Value,
    score: Value,
    courses: Value,
    description: Value,
    url: Value,
    repo_url: Value,
    issuer: Value,
    date: Value,
    expires: Value,
}

fn text(v: Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s),
        _ => None,
    }
}

fn must(v: Value) -> String {
    text(v).unwrap_or_default()
}

fn list(v: Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.into_iter().filter_map(text).collect(),
        _ => Vec::new(),
    }
}

/// The JSON rendering's facts; an error when it is not JSON of that shape.
pub fn parse(json: &str) -> serde_json::Result<Facts> {
    serde_json::from_str::<Doc>(json).map(facts)
}

/// The same from a parsed rendering (an object of another shape has no facts).
pub fn from_value(v: &Value) -> Facts {
    Doc::deserialize(v).map(facts).unwrap_or_default()
}

fn facts(d: Doc) -> Facts {
    let mut sections = d.sections;
    // the first section of each name, as a reader of the rendering finds it
    let mut items = |s: &sections::Section| -> Vec<Item> {
        sections
            .iter_mut()
            .find(|x| x.name.as_str() == Some(s.name))
            .map(|x| std::mem::take(&mut x.items))
            .unwrap_or_default()
    };
    let p = d.profile;
    Facts {
        username: d.username.as_str().unwrap_or_default().to_string(),
        full_name: d.full_name.as_str().unwrap_or_default().to_string(),
        headline: text(p.headline),
        summary: text(p.summary),
        location: text(p.location),
        public_email: text(p.public_email),
        phone: text(p.phone),
        website: text(p.website),
        links: p
            .links
            .into_iter()
            .filter_map(|l| {
                let target = text(l.url).or_else(|| text(l.username))?;
                Some((text(l.network).unwrap_or_else(|| "link".into()), target))
            })
            .collect(),
        open_to_work: p.open_to_work.as_bool().unwrap_or(false),
        open_to_work_note: text(p.open_to_work_note),
        open_to_work_roles: list(p.open_to_work_roles),
        skills: items(&sections::SKILLS)
            .into_iter()
            .filter_map(|c| {
                Some(Skill {
                    name: text(c.name)?,
                    level: text(c.level),
                    years: c.years.as_i64(),
                    category: text(c.category),
                    keywords: list(c.keywords),
                })
            })
            .collect(),
        roles: items(&sections::EXPERIENCE)
            .into_iter()
            .map(|c| Role {
                company: must(c.company),
                title: must(c.title),
                start: text(c.start_date),
                end: text(c.end_date),
                location: text(c.location),
                summary: text(c.summary),
                highlights: list(c.highlights),
            })
            .collect(),
        education: items(&sections::EDUCATION)
            .into_iter()
            .map(|c| Study {
                institution: must(c.institution),
                area: text(c.area),
                study_type: text(c.study_type),
                start: text(c.start_date),
                end: text(c.end_date),
                score: text(c.score),
                courses: list(c.courses),
            })
            .collect(),
        projects: items(&sections::PROJECTS)
            .into_iter()
            .map(|c| Project {
                name: must(c.name),
                description: text(c.description),
                url: text(c.url),
                repo_url: text(c.repo_url),
                start: text(c.start_date),
                end: text(c.end_date),
                highlights: list(c.highlights),
                keywords: list(c.keywords),
            })
            .collect(),
        certifications: items(&sections::CERTIFICATIONS)
            .into_iter()
            .map(|c| Cert {
                name: must(c.name),
                issuer: must(c.issuer),
                date: text(c.date),
                expires: text(c.expires),
                url: text(c.url),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_are_lenient_and_both_entry_points_agree() {
        let json = r#"{"username": "ada", "full_name": "Ada Lovelace", "extra": [1, {"a": 2}],
            "profile": {"headline": "  ", "location": "London", "open_to_work": true,
                        "open_to_work_roles": ["Staff", "", 3, null],
                        "links": [{"network": null, "url": "https://x.example"}, {"network": "GitHub"}]},
            "sections": [
                {"name": "skills", "items": [{"name": "Rust", "years": 6, "keywords": ["tokio", " "]},
                                             {"name": ""}, {"name": "Go", "years": 1.5, "level": 3}]},
                {"name": "skills", "items": [{"name": "Ignored"}]},
                {"name": "languages", "items": [{"name": "French", "fluency": "fluent"}]},
                {"name": "experience", "items": [{"company": "Acme", "title": null, "highlights": "x"}]}
            ]}"#;
        let f = parse(json).unwrap();
        assert_eq!((f.username.as_str(), f.name()), ("ada", "Ada"));
        assert_eq!(f.headline, None);
        assert_eq!(f.location.as_deref(), Some("London"));
        assert!(f.open_to_work);
        assert_eq!(f.open_to_work_roles, ["Staff"]);
        assert_eq!(
            f.links,
            [("link".to_string(), "https://x.example".to_string())]
        );
        let skills: Vec<_> = f
            .skills
            .iter()
            .map(|s| (s.name.as_str(), s.years))
            .collect();
        assert_eq!(skills, [("Rust", Some(6)), ("Go", None)]);
        assert_eq!(f.skills[0].keywords, ["tokio"]);
        assert_eq!(f.skills[1].level, None);
        assert_eq!(f.roles.len(), 1);
        assert_eq!(
            (f.roles[0].title.as_str(), f.roles[0].highlights.len()),
            ("", 0)
        );
        assert!(f.education.is_empty() && f.projects.is_empty());
        let again = from_value(&serde_json::from_str(json).unwrap());
        assert_eq!(format!("{again:?}"), format!("{f:?}"));
        assert!(parse("{\"username\": ").is_err());
        assert!(from_value(&serde_json::json!([1])).is_empty());
    }
}
