//! `Facts` read straight from the stored public JSON rendering
//! (`render::public_json`, which holds exactly the visible sections).
//!
//! Read into typed rows rather than through a `serde_json::Value`: a value
//! makes a map and a string for every key and field of the résumé, and an
//! ask used a quarter of its CPU that way (perf). Here the fields the engine
//! does not use are skipped without being kept, and a field of an unexpected
//! type reads as absent, as it did from a value.

use std::borrow::Cow;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::facts::{Cert, Facts, Project, Role, Skill, Study, Text, Texts};
use crate::resume::sections;

/// One field as the engine reads it; anything else reads as `Other`. A
/// string without escapes is borrowed from the rendering.
#[derive(Default)]
enum Loose<'a> {
    Text(Text<'a>),
    Int(i64),
    Bool(bool),
    Texts(Vec<Text<'a>>),
    #[default]
    Other,
}

impl<'a> Loose<'a> {
    /// A string with something in it.
    fn text(self) -> Option<Text<'a>> {
        match self {
            Loose::Text(s) if !s.trim().is_empty() => Some(s),
            _ => None,
        }
    }
    fn must(self) -> Text<'a> {
        self.text().unwrap_or_default()
    }
    fn int(&self) -> Option<i64> {
        match self {
            Loose::Int(n) => Some(*n),
            _ => None,
        }
    }
    fn flag(&self) -> bool {
        matches!(self, Loose::Bool(true))
    }
    /// The strings of a list that have something in them.
    fn texts(self) -> Texts<'a> {
        match self {
            Loose::Texts(t) => t.into(),
            _ => Texts::default(),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Loose<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Loose<'a>, D::Error> {
        d.deserialize_any(LooseVisitor(PhantomData))
    }
}

struct LooseVisitor<'a>(PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for LooseVisitor<'a> {
    type Value = Loose<'a>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Loose<'a>, E> {
        Ok(Loose::Text(Cow::Borrowed(s)))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Loose<'a>, E> {
        Ok(Loose::Text(Cow::Owned(s.to_string())))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Loose<'a>, E> {
        Ok(Loose::Text(Cow::Owned(s)))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Loose<'a>, E> {
        Ok(Loose::Int(n))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Loose<'a>, E> {
        Ok(i64::try_from(n).map_or(Loose::Other, Loose::Int))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Loose<'a>, E> {
        Ok(Loose::Other)
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Loose<'a>, E> {
        Ok(Loose::Bool(b))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Loose<'a>, E> {
        Ok(Loose::Other)
    }
    fn visit_none<E: de::Error>(self) -> Result<Loose<'a>, E> {
        Ok(Loose::Other)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Loose<'a>, D::Error> {
        Loose::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Loose<'a>, A::Error> {
        let mut out = Vec::new();
        while let Some(x) = a.next_element::<Loose<'a>>()? {
            out.extend(x.text());
        }
        Ok(Loose::Texts(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Loose<'a>, A::Error> {
        while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Loose::Other)
    }
}

#[derive(Deserialize, Default)]
#[serde(default, bound(deserialize = "'de: 'a"))]
struct Doc<'a> {
    username: Loose<'a>,
    full_name: Loose<'a>,
    profile: Profile<'a>,
    sections: Vec<Part<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default, bound(deserialize = "'de: 'a"))]
struct Profile<'a> {
    headline: Loose<'a>,
    summary: Loose<'a>,
    location: Loose<'a>,
    public_email: Loose<'a>,
    phone: Loose<'a>,
    website: Loose<'a>,
    links: Vec<Link<'a>>,
    open_to_work: Loose<'a>,
    open_to_work_note: Loose<'a>,
    open_to_work_roles: Loose<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default, bound(deserialize = "'de: 'a"))]
struct Link<'a> {
    network: Loose<'a>,
    url: Loose<'a>,
    username: Loose<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default, bound(deserialize = "'de: 'a"))]
struct Part<'a> {
    name: Loose<'a>,
    items: Vec<Item<'a>>,
}

/// A row of any section: the columns the engine reads, of all five.
#[derive(Deserialize, Default)]
#[serde(default, bound(deserialize = "'de: 'a"))]
struct Item<'a> {
    name: Loose<'a>,
    level: Loose<'a>,
    years: Loose<'a>,
    category: Loose<'a>,
    keywords: Loose<'a>,
    company: Loose<'a>,
    title: Loose<'a>,
    start_date: Loose<'a>,
    end_date: Loose<'a>,
    location: Loose<'a>,
    summary: Loose<'a>,
    highlights: Loose<'a>,
    institution: Loose<'a>,
    area: Loose<'a>,
    study_type: Loose<'a>,
    score: Loose<'a>,
    courses: Loose<'a>,
    description: Loose<'a>,
    url: Loose<'a>,
    repo_url: Loose<'a>,
    issuer: Loose<'a>,
    date: Loose<'a>,
    expires: Loose<'a>,
}

impl<'a> Facts<'a> {
    /// The facts of a stored public JSON rendering, borrowing its texts.
    pub fn from_json(body: &'a str) -> serde_json::Result<Facts<'a>> {
        Ok(serde_json::from_str::<Doc>(body)?.into())
    }

    /// The same from a rendering already parsed.
    pub fn from_public(v: &'a serde_json::Value) -> Facts<'a> {
        Doc::deserialize(v).map(Facts::from).unwrap_or_default()
    }
}

impl<'a> From<Doc<'a>> for Facts<'a> {
    fn from(d: Doc<'a>) -> Facts<'a> {
        let p = d.profile;
        let mut f = Facts {
            username: d.username.must(),
            full_name: d.full_name.must(),
            headline: p.headline.text(),
            summary: p.summary.text(),
            location: p.location.text(),
            public_email: p.public_email.text(),
            phone: p.phone.text(),
            website: p.website.text(),
            links: p
                .links
                .into_iter()
                .filter_map(|l| {
                    let target = l.url.text().or_else(|| l.username.text())?;
                    Some((l.network.text().unwrap_or(Cow::Borrowed("link")), target))
                })
                .collect(),
            open_to_work: p.open_to_work.flag(),
            open_to_work_note: p.open_to_work_note.text(),
            open_to_work_roles: p.open_to_work_roles.texts(),
            ..Facts::default()
        };
        // each section once, as `render::public_json` writes it
        let mut seen = Vec::new();
        for part in d.sections {
            let Some(name) = part.name.text() else {
                continue;
            };
            if seen.contains(&name) {
                continue;
            }
            let items = part.items.into_iter();
            match &*name {
                n if n == sections::SKILLS.name => f.skills = items.filter_map(skill).collect(),
                n if n == sections::EXPERIENCE.name => f.roles = items.map(role).collect(),
                n if n == sections::EDUCATION.name => f.education = items.map(study).collect(),
                n if n == sections::PROJECTS.name => f.projects = items.map(project).collect(),
                n if n == sections::CERTIFICATIONS.name => {
                    f.certifications = items.map(cert).collect()
                }
                _ => {}
            }
            seen.push(name);
        }
        f
    }
}

fn skill(c: Item<'_>) -> Option<Skill<'_>> {
    Some(Skill {
        years: c.years.int(),
        name: c.name.text()?,
        level: c.level.text(),
        category: c.category.text(),
        keywords: c.keywords.texts(),
    })
}

fn role(c: Item<'_>) -> Role<'_> {
    Role {
        company: c.company.must(),
        title: c.title.must(),
        start: c.start_date.text(),
        end: c.end_date.text(),
        location: c.location.text(),
        summary: c.summary.text(),
        highlights: c.highlights.texts(),
    }
}

fn study(c: Item<'_>) -> Study<'_> {
    Study {
        institution: c.institution.must(),
        area: c.area.text(),
        study_type: c.study_type.text(),
        start: c.start_date.text(),
        end: c.end_date.text(),
        score: c.score.text(),
        courses: c.courses.texts(),
    }
}

fn project(c: Item<'_>) -> Project<'_> {
    Project {
        name: c.name.must(),
        description: c.description.text(),
        url: c.url.text(),
        repo_url: c.repo_url.text(),
        start: c.start_date.text(),
        end: c.end_date.text(),
        highlights: c.highlights.texts(),
        keywords: c.keywords.texts(),
    }
}

fn cert(c: Item<'_>) -> Cert<'_> {
    Cert {
        name: c.name.must(),
        issuer: c.issuer.must(),
        date: c.date.text(),
        expires: c.expires.text(),
        url: c.url.text(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_field_of_another_type_reads_as_absent() {
        let body = json!({
            "username": "ada", "full_name": "Ada L",
            "profile": {"headline": 7, "summary": "  ", "location": {"city": "x"},
                        "open_to_work": "yes", "open_to_work_roles": ["", "SRE", 3, ["x"]],
                        "links": [{"network": null, "username": "ada"}, {"url": ""}]},
            "sections": [
                {"name": "skills", "items": [
                    {"name": "Rust", "years": 4, "keywords": ["wasm", " "], "extra": {"a": [1]}},
                    {"name": "", "years": 2},
                    {"name": "Go", "years": 2.5, "level": ["expert"]}]},
                {"name": "skills", "items": [{"name": "Twice"}]},
                {"name": "unknown", "items": [{"name": "x"}]}
            ]
        })
        .to_string();
        let f = Facts::from_json(&body).unwrap();
        assert_eq!((&*f.username, &*f.full_name), ("ada", "Ada L"));
        assert_eq!((f.headline, f.summary, f.location), (None, None, None));
        assert!(!f.open_to_work);
        assert_eq!(*f.open_to_work_roles, ["SRE"]);
        assert_eq!(f.links, [("link".into(), "ada".into())]);
        let skills: Vec<_> = f
            .skills
            .iter()
            .map(|s| (&*s.name, s.years, s.level.clone(), s.keywords.to_vec()))
            .collect();
        assert_eq!(
            skills,
            [
                ("Rust", Some(4), None, vec![Text::from("wasm")]),
                ("Go", None, None, vec![])
            ]
        );
        // a text with escapes is unescaped (owned), one without is borrowed
        let escaped = r#"{"username":"a\u00e9\"b","full_name":"Plain","sections":[]}"#;
        let f = Facts::from_json(escaped).unwrap();
        assert_eq!(&*f.username, "aé\"b");
        assert!(matches!(f.username, Cow::Owned(_)));
        assert!(matches!(f.full_name, Cow::Borrowed("Plain")));
        // the same from a parsed value
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            format!("{:?}", Facts::from_public(&v)),
            format!("{:?}", Facts::from_json(&body).unwrap())
        );
    }
}
