//! What the engine answers from: the public profile and the visible
//! sections of one résumé, as plain typed rows (empty strings read as absent).

use serde_json::Value;

use crate::resume::Resume;
use crate::resume::sections::{self, Row, Section};

#[derive(Debug, Clone, Default)]
pub struct Skill {
    pub name: String,
    pub level: Option<String>,
    pub years: Option<i64>,
    pub category: Option<String>,
    pub keywords: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Role {
    pub company: String,
    pub title: String,
    pub start: Option<String>,
    pub end: Option<String>,
    pub location: Option<String>,
    pub summary: Option<String>,
    pub highlights: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Study {
    pub institution: String,
    pub area: Option<String>,
    pub study_type: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub score: Option<String>,
    pub courses: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Project {
    pub name: String,
    pub description: Option<String>,
    pub url: Option<String>,
    pub repo_url: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub highlights: Vec<String>,
    pub keywords: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Cert {
    pub name: String,
    pub issuer: String,
    pub date: Option<String>,
    pub expires: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub username: String,
    pub full_name: String,
    pub headline: Option<String>,
    pub summary: Option<String>,
    pub location: Option<String>,
    pub public_email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    /// (network, url or username)
    pub links: Vec<(String, String)>,
    pub open_to_work: bool,
    pub open_to_work_note: Option<String>,
    pub open_to_work_roles: Vec<String>,
    pub skills: Vec<Skill>,
    pub roles: Vec<Role>,
    pub education: Vec<Study>,
    pub projects: Vec<Project>,
    pub certifications: Vec<Cert>,
}

fn some(s: &Option<String>) -> Option<String> {
    s.as_ref().filter(|s| !s.trim().is_empty()).cloned()
}

struct Cells<'a>(&'a Section, &'a Row);

impl Cells<'_> {
    fn opt(&self, col: &str) -> Option<String> {
        self.0
            .cell(&self.1.cells, col)
            .as_str()
            .filter(|s| !s.trim().is_empty())
            .map(str::to_string)
    }
    fn text(&self, col: &str) -> String {
        self.opt(col).unwrap_or_default()
    }
    fn list(&self, col: &str) -> Vec<String> {
        match self.0.cell(&self.1.cells, col) {
            Value::Array(a) => a
                .iter()
                .filter_map(Value::as_str)
                .filter(|s| !s.trim().is_empty())
                .map(str::to_string)
                .collect(),
            _ => Vec::new(),
        }
    }
}

impl Facts {
    /// The public facts of a résumé: sections hidden by the layout are left out.
    pub fn of(r: &Resume, shown: &[&Section]) -> Facts {
        let p = &r.profile;
        let rows = |s: &'static Section| -> Vec<Cells<'_>> {
            if shown.iter().any(|v| v.name == s.name) {
                r.rows(s.name).iter().map(|row| Cells(s, row)).collect()
            } else {
                Vec::new()
            }
        };
        Facts {
            username: r.username.clone(),
            full_name: r.full_name.clone(),
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
                .cloned()
                .collect(),
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

impl Role {
    /// Every text of the role, where a technology may be named.
    pub fn texts(&self) -> Vec<&str> {
        let mut t = vec![self.title.as_str()];
        t.extend(self.summary.as_deref());
        t.extend(self.highlights.iter().map(String::as_str));
        t
    }
}

impl Project {
    pub fn texts(&self) -> Vec<&str> {
        let mut t = vec![self.name.as_str()];
        t.extend(self.description.as_deref());
        t.extend(self.highlights.iter().map(String::as_str));
        t
    }
}
