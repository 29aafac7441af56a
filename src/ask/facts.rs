//! What the engine answers from: the public profile and the visible
//! sections of one résumé, as plain typed rows (empty strings read as absent).
//! Their texts borrow from the stored rendering they are read from where
//! they can (`Text`): copying each out was most of an ask's allocations.

use std::borrow::Cow;

use serde_json::Value;

use crate::resume::Resume;
use crate::resume::sections::{self, Row, Section};

/// A text of the résumé, borrowed from the rendering when it could be.
pub type Text<'a> = Cow<'a, str>;

/// A list of texts (keywords, highlights, courses, roles wanted): a slice of
/// one pool when read from an ask form (`form::decode`), where a vector for
/// each list was half of the form's allocations.
pub type Texts<'a> = Cow<'a, [Text<'a>]>;

#[derive(Debug, Clone, Default)]
pub struct Skill<'a> {
    pub name: Text<'a>,
    pub level: Option<Text<'a>>,
    pub years: Option<i64>,
    pub category: Option<Text<'a>>,
    pub keywords: Texts<'a>,
}

#[derive(Debug, Clone, Default)]
pub struct Role<'a> {
    pub company: Text<'a>,
    pub title: Text<'a>,
    pub start: Option<Text<'a>>,
    pub end: Option<Text<'a>>,
    pub location: Option<Text<'a>>,
    pub summary: Option<Text<'a>>,
    pub highlights: Texts<'a>,
}

#[derive(Debug, Clone, Default)]
pub struct Study<'a> {
    pub institution: Text<'a>,
    pub area: Option<Text<'a>>,
    pub study_type: Option<Text<'a>>,
    pub start: Option<Text<'a>>,
    pub end: Option<Text<'a>>,
    pub score: Option<Text<'a>>,
    pub courses: Texts<'a>,
}

#[derive(Debug, Clone, Default)]
pub struct Project<'a> {
    pub name: Text<'a>,
    pub description: Option<Text<'a>>,
    pub url: Option<Text<'a>>,
    pub repo_url: Option<Text<'a>>,
    pub start: Option<Text<'a>>,
    pub end: Option<Text<'a>>,
    pub highlights: Texts<'a>,
    pub keywords: Texts<'a>,
}

#[derive(Debug, Clone, Default)]
pub struct Cert<'a> {
    pub name: Text<'a>,
    pub issuer: Text<'a>,
    pub date: Option<Text<'a>>,
    pub expires: Option<Text<'a>>,
    pub url: Option<Text<'a>>,
}

#[derive(Debug, Clone, Default)]
pub struct Facts<'a> {
    pub username: Text<'a>,
    pub full_name: Text<'a>,
    pub headline: Option<Text<'a>>,
    pub summary: Option<Text<'a>>,
    pub location: Option<Text<'a>>,
    pub public_email: Option<Text<'a>>,
    pub phone: Option<Text<'a>>,
    pub website: Option<Text<'a>>,
    /// (network, url or username)
    pub links: Vec<(Text<'a>, Text<'a>)>,
    pub open_to_work: bool,
    pub open_to_work_note: Option<Text<'a>>,
    pub open_to_work_roles: Texts<'a>,
    pub skills: Vec<Skill<'a>>,
    pub roles: Vec<Role<'a>>,
    pub education: Vec<Study<'a>>,
    pub projects: Vec<Project<'a>>,
    pub certifications: Vec<Cert<'a>>,
}

fn some(s: &Option<String>) -> Option<Text<'static>> {
    s.as_ref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| Cow::Owned(s.clone()))
}

struct Cells<'a>(&'a Section, &'a Row);

impl Cells<'_> {
    fn opt(&self, col: &str) -> Option<Text<'static>> {
        self.0
            .cell(&self.1.cells, col)
            .as_str()
            .filter(|s| !s.trim().is_empty())
            .map(|s| Cow::Owned(s.to_string()))
    }
    fn text(&self, col: &str) -> Text<'static> {
        self.opt(col).unwrap_or_default()
    }
    fn list(&self, col: &str) -> Texts<'static> {
        match self.0.cell(&self.1.cells, col) {
            Value::Array(a) => a
                .iter()
                .filter_map(Value::as_str)
                .filter(|s| !s.trim().is_empty())
                .map(|s| Cow::Owned(s.to_string()))
                .collect::<Vec<_>>()
                .into(),
            _ => Texts::default(),
        }
    }
}

impl Facts<'_> {
    /// The public facts of a résumé: sections hidden by the layout are left out.
    pub fn of(r: &Resume, shown: &[&Section]) -> Facts<'static> {
        let p = &r.profile;
        let rows = |s: &'static Section| -> Vec<Cells<'_>> {
            if shown.iter().any(|v| v.name == s.name) {
                r.rows(s.name).iter().map(|row| Cells(s, row)).collect()
            } else {
                Vec::new()
            }
        };
        Facts {
            username: Cow::Owned(r.username.clone()),
            full_name: Cow::Owned(r.full_name.clone()),
            headline: some(&p.headline),
            summary: some(&p.summary),
            location: some(&p.location),
            public_email: some(&p.public_email),
            phone: some(&p.phone),
            website: some(&p.website),
            links: p
                .links
                .iter()
                .filter_map(|l| {
                    let target = some(&l.url).or_else(|| some(&l.username))?;
                    Some((some(&l.network).unwrap_or_else(|| "link".into()), target))
                })
                .collect(),
            open_to_work: p.open_to_work,
            open_to_work_note: some(&p.open_to_work_note),
            open_to_work_roles: p
                .open_to_work_roles
                .iter()
                .filter(|s| !s.trim().is_empty())
                .map(|s| Cow::Owned(s.clone()))
                .collect::<Vec<_>>()
                .into(),
            skills: rows(&sections::SKILLS)
                .iter()
                .filter(|c| c.opt("name").is_some())
                .map(|c| Skill {
                    name: c.text("name"),
                    level: c.opt("level"),
                    years: c.0.cell(&c.1.cells, "years").as_i64(),
                    category: c.opt("category"),
                    keywords: c.list("keywords"),
                })
                .collect(),
            roles: rows(&sections::EXPERIENCE)
                .iter()
                .map(|c| Role {
                    company: c.text("company"),
                    title: c.text("title"),
                    start: c.opt("start_date"),
                    end: c.opt("end_date"),
                    location: c.opt("location"),
                    summary: c.opt("summary"),
                    highlights: c.list("highlights"),
                })
                .collect(),
            education: rows(&sections::EDUCATION)
                .iter()
                .map(|c| Study {
                    institution: c.text("institution"),
                    area: c.opt("area"),
                    study_type: c.opt("study_type"),
                    start: c.opt("start_date"),
                    end: c.opt("end_date"),
                    score: c.opt("score"),
                    courses: c.list("courses"),
                })
                .collect(),
            projects: rows(&sections::PROJECTS)
                .iter()
                .map(|c| Project {
                    name: c.text("name"),
                    description: c.opt("description"),
                    url: c.opt("url"),
                    repo_url: c.opt("repo_url"),
                    start: c.opt("start_date"),
                    end: c.opt("end_date"),
                    highlights: c.list("highlights"),
                    keywords: c.list("keywords"),
                })
                .collect(),
            certifications: rows(&sections::CERTIFICATIONS)
                .iter()
                .map(|c| Cert {
                    name: c.text("name"),
                    issuer: c.text("issuer"),
                    date: c.opt("date"),
                    expires: c.opt("expires"),
                    url: c.opt("url"),
                })
                .collect(),
        }
    }

    /// Nothing to answer from: no profile text, contact, status or row.
    pub fn is_empty(&self) -> bool {
        self.headline.is_none()
            && self.summary.is_none()
            && self.location.is_none()
            && self.public_email.is_none()
            && self.phone.is_none()
            && self.website.is_none()
            && self.links.is_empty()
            && !self.open_to_work
            && self.open_to_work_note.is_none()
            && self.open_to_work_roles.is_empty()
            && self.skills.is_empty()
            && self.roles.is_empty()
            && self.education.is_empty()
            && self.projects.is_empty()
            && self.certifications.is_empty()
    }

    /// The name answers use: the first word of the full name, else the username.
    pub fn name(&self) -> &str {
        self.full_name
            .split_whitespace()
            .next()
            .unwrap_or(&self.username)
    }
}

impl Skill<'_> {
    /// The same skill, holding its own texts.
    pub fn owned(&self) -> Skill<'static> {
        let own = |t: &Text| Cow::Owned(t.to_string());
        Skill {
            name: own(&self.name),
            level: self.level.as_ref().map(own),
            years: self.years,
            category: self.category.as_ref().map(own),
            keywords: self.keywords.iter().map(own).collect::<Vec<_>>().into(),
        }
    }
}

impl Role<'_> {
    /// Every text of the role, where a technology may be named.
    pub fn texts(&self) -> Vec<&str> {
        let mut t = vec![&*self.title];
        t.extend(self.summary.as_deref());
        t.extend(self.highlights.iter().map(|h| &**h));
        t
    }
}

impl Project<'_> {
    pub fn texts(&self) -> Vec<&str> {
        let mut t = vec![&*self.name];
        t.extend(self.description.as_deref());
        t.extend(self.highlights.iter().map(|h| &**h));
        t
    }
}
