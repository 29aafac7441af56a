//! The answer to each intent, computed from the rows, each row it uses named
//! as a source. A part is grounded (with how it was found), absent (a known
//! intent whose fact the profile lacks) or unsupported.

use std::fmt::Write;

use serde::Serialize;

use super::dates::{self, Span, duration, human, period};
use super::facts::{Cert, Facts, Project, Role, Skill, Study};
use super::normalise::{normalise, words};
use super::vocabulary::{Entity, canon, company_keys, is_key, mentions};

/// How a grounded fact was found: the confidence rule (README, Decisions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Band {
    /// Computed from dates, or matched by a word in free text.
    Low,
    /// A keyword list or an inferred field (a role's location for the person's).
    Medium,
    /// A field that says it, read as it is.
    High,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Grounding {
    Found(Band),
    Absent,
    Unsupported,
}

/// A row an answer used. Its fields are in the order the API has always
/// written them (alphabetical, as a JSON object of them was).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub facet: &'static str,
    pub label: String,
    pub snippet: String,
}

#[derive(Debug, Clone)]
pub struct Part {
    pub grounding: Grounding,
    pub text: String,
    pub sources: Vec<Source>,
}

fn found(band: Band, text: String, sources: Vec<Source>) -> Part {
    Part {
        grounding: Grounding::Found(band),
        text,
        sources,
    }
}

fn absent(text: String) -> Part {
    Part {
        grounding: Grounding::Absent,
        text,
        sources: Vec::new(),
    }
}

pub fn unsupported(text: String) -> Part {
    Part {
        grounding: Grounding::Unsupported,
        text,
        sources: Vec::new(),
    }
}

/// What every answer function reads.
pub struct Ask<'a, 'f> {
    pub f: &'a Facts<'f>,
    pub today: i64,
    /// Normal forms of the question's words.
    pub words: Vec<&'a str>,
}

impl Ask<'_, '_> {
    fn name(&self) -> &str {
        self.f.name()
    }
    fn has_word(&self, w: &[&str]) -> bool {
        self.words.iter().any(|x| w.contains(x))
    }
}

fn join_and<S: std::borrow::Borrow<str> + std::fmt::Display>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [a, b] => format!("{a} and {b}"),
        [rest @ .., last] => format!("{}, and {last}", rest.join(", ")),
    }
}

fn join_or<S: std::borrow::Borrow<str> + std::fmt::Display>(items: &[S]) -> String {
    match items {
        [rest @ .., last] if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => items.join(""),
    }
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>().trim_end())
    }
}

// ---- sources ----------------------------------------------------------

/// `text`, then ", " and the period when there are dates.
fn with_period(mut text: String, start: Option<&str>, end: Option<&str>) -> String {
    if start.is_some() || end.is_some() {
        text.push_str(", ");
        dates::push_period(&mut text, start, end);
    }
    text
}

fn role_source(r: &Role) -> Source {
    let mut snippet = with_period(
        format!("{} at {}", r.title, r.company),
        r.start.as_deref(),
        r.end.as_deref(),
    );
    if let Some(l) = &r.location {
        snippet.push_str(", ");
        snippet.push_str(l);
    }
    Source {
        label: format!("Work Experience: {} at {}", r.title, r.company),
        facet: "experience",
        snippet,
    }
}

fn skill_source(s: &Skill) -> Source {
    let mut snippet = s.name.to_string();
    if let Some(l) = &s.level {
        snippet.push_str(" — ");
        snippet.push_str(l);
    }
    if let Some(y) = s.years {
        snippet.push_str(if s.level.is_some() { ", " } else { " — " });
        let _ = write!(snippet, "{y} year{}", if y == 1 { "" } else { "s" });
    }
    for (i, k) in s.keywords.iter().enumerate() {
        snippet.push_str(if i == 0 { "; keywords: " } else { ", " });
        snippet.push_str(k);
    }
    Source {
        label: format!("Skills: {}", s.name),
        facet: "skills",
        snippet,
    }
}

fn degree_text(e: &Study) -> String {
    match (&e.study_type, &e.area) {
        (Some(t), Some(a)) => format!("{t} in {a}"),
        (Some(t), None) => t.to_string(),
        (None, Some(a)) => format!("studies in {a}"),
        (None, None) => "studies".into(),
    }
}

fn study_source(e: &Study) -> Source {
    let mut snippet = with_period(
        format!("{}, {}", degree_text(e), e.institution),
        e.start.as_deref(),
        e.end.as_deref(),
    );
    if let Some(s) = &e.score {
        snippet.push_str(&format!(", score {s}"));
    }
    Source {
        label: format!("Education: {}", e.institution),
        facet: "education",
        snippet,
    }
}

fn project_source(p: &Project) -> Source {
    let mut snippet = p.name.to_string();
    if let Some(d) = &p.description {
        snippet.push_str(&format!(": {}", cut(d, 160)));
    }
    if !p.keywords.is_empty() {
        snippet.push_str(&format!(" ({})", p.keywords.join(", ")));
    }
    Source {
        label: format!("Projects: {}", p.name),
        facet: "projects",
        snippet,
    }
}

fn cert_source(c: &Cert) -> Source {
    let mut snippet = format!("{}, {}", c.name, c.issuer);
    if let Some(d) = &c.date {
        snippet.push_str(&format!(", issued {d}"));
    }
    if let Some(e) = &c.expires {
        snippet.push_str(&format!(", expires {e}"));
    }
    Source {
        label: format!("Certifications: {}", c.name),
        facet: "certifications",
        snippet,
    }
}

fn profile_source(field: &str, value: &str) -> Source {
    Source {
        label: format!("Profile: {field}"),
        facet: "profile",
        snippet: value.to_string(),
    }
}

// ---- matching rows ----------------------------------------------------

fn key_of(text: &str) -> String {
    canon(&normalise(text))
}

fn skills_named<'a, 'f>(f: &'a Facts<'f>, key: &str) -> Vec<&'a Skill<'f>> {
    f.skills.iter().filter(|s| is_key(&s.name, key)).collect()
}

fn skills_with_keyword<'a, 'f>(f: &'a Facts<'f>, key: &str) -> Vec<&'a Skill<'f>> {
    f.skills
        .iter()
        .filter(|s| s.keywords.iter().any(|k| is_key(k, key)))
        .collect()
}

fn roles_naming<'a, 'f>(f: &'a Facts<'f>, key: &str) -> Vec<&'a Role<'f>> {
    f.roles
        .iter()
        .filter(|r| r.texts().iter().any(|t| mentions(t, key)))
        .collect()
}

/// Projects naming the term: (project, in its keyword list?).
fn projects_naming<'a, 'f>(f: &'a Facts<'f>, key: &str) -> Vec<(&'a Project<'f>, bool)> {
    f.projects
        .iter()
        .filter_map(|p| {
            if p.keywords.iter().any(|k| is_key(k, key)) {
                Some((p, true))
            } else if p.texts().iter().any(|t| mentions(t, key)) {
                Some((p, false))
            } else {
                None
            }
        })
        .collect()
}

fn is_current(r: &Role, today: i64) -> bool {
    r.end.is_none() || r.end.as_deref().is_some_and(|e| !dates::is_past(e, today))
}

fn role_span(r: &Role, today: i64) -> Option<Span> {
    dates::span(r.start.as_deref(), r.end.as_deref(), today)
}

// ---- intents ----------------------------------------------------------

pub fn skill(a: &Ask, e: &Entity) -> Part {
    let (f, n) = (a.f, a.name());
    if let Some(s) = skills_named(f, &e.key).first() {
        let mut text = format!("Yes: {n} lists {} as a skill", s.name);
        let mut bits = Vec::new();
        if let Some(l) = &s.level {
            bits.push(format!("level {l}"));
        }
        if let Some(y) = s.years {
            bits.push(format!("{y} year{}", if y == 1 { "" } else { "s" }));
        }
        if bits.is_empty() {
            if a.has_word(&[
                "level",
                "proficient",
                "proficiency",
                "good",
                "expert",
                "strong",
            ]) {
                text.push_str(", without a level");
            }
        } else {
            text.push_str(&format!(" ({})", bits.join(", ")));
        }
        text.push('.');
        return found(Band::High, text, vec![skill_source(s)]);
    }
    if let Some(s) = skills_with_keyword(f, &e.key).first() {
        return found(
            Band::Medium,
            format!("Yes: {n} lists {} under the skill {}.", e.display, s.name),
            vec![skill_source(s)],
        );
    }
    let roles = roles_naming(f, &e.key);
    let projects = projects_naming(f, &e.key);
    let certs: Vec<&Cert> = f
        .certifications
        .iter()
        .filter(|c| mentions(&c.name, &e.key) || mentions(&c.issuer, &e.key))
        .collect();
    if !roles.is_empty() || !projects.is_empty() || !certs.is_empty() {
        let mut names: Vec<String> = roles
            .iter()
            .map(|r| format!("{} at {}", r.title, r.company))
            .collect();
        names.extend(
            projects
                .iter()
                .map(|(p, _)| format!("the project {}", p.name)),
        );
        names.extend(
            certs
                .iter()
                .map(|c| format!("the certification {}", c.name)),
        );
        let mut sources: Vec<Source> = roles.iter().map(|r| role_source(r)).collect();
        sources.extend(projects.iter().map(|(p, _)| project_source(p)));
        sources.extend(certs.iter().map(|c| cert_source(c)));
        let band = if projects.iter().any(|(_, kw)| *kw) {
            Band::Medium
        } else {
            Band::Low
        };
        return found(
            band,
            format!(
                "{} is not among {n}'s listed skills, but the profile names it in {}.",
                e.display,
                join_and(&names)
            ),
            sources,
        );
    }
    if let Some(src) = profile_names(f, &e.key) {
        return found(
            Band::Low,
            format!(
                "{} is not among {n}'s listed skills, but the profile's {} names it.",
                e.display,
                src.label.trim_start_matches("Profile: ")
            ),
            vec![src],
        );
    }
    absent(format!("{n}'s profile does not mention {}.", e.display))
}

/// The headline or summary, when it names the term.
fn profile_names(f: &Facts, key: &str) -> Option<Source> {
    [("headline", &f.headline), ("summary", &f.summary)]
        .into_iter()
        .find_map(|(field, v)| {
            let v = v.as_deref()?;
            mentions(v, key).then(|| profile_source(field, &cut(v, 300)))
        })
}

/// Every skill, when a skill question names none.
pub fn skill_list(a: &Ask) -> Part {
    let f = a.f;
    if f.skills.is_empty() {
        return absent(format!("{} lists no skills.", a.name()));
    }
    let names: Vec<String> = f
        .skills
        .iter()
        .map(|s| match &s.level {
            Some(l) => format!("{} ({l})", s.name),
            None => s.name.to_string(),
        })
        .collect();
    found(
        Band::High,
        format!("{} lists these skills: {}.", a.name(), join_and(&names)),
        f.skills.iter().map(skill_source).collect(),
    )
}

pub fn years_overall(a: &Ask) -> Part {
    let (f, n) = (a.f, a.name());
    if f.roles.is_empty() {
        return absent(format!("{n}'s profile lists no work experience."));
    }
    let dated: Vec<(&Role, Span)> = f
        .roles
        .iter()
        .filter_map(|r| Some((r, role_span(r, a.today)?)))
        .collect();
    if dated.is_empty() {
        return absent(format!("{n}'s roles are listed without dates."));
    }
    let days = dates::merged_days(&dated.iter().map(|(_, s)| *s).collect::<Vec<_>>());
    let first = dated
        .iter()
        .filter_map(|(r, _)| r.start.as_deref())
        .min_by_key(|s| crate::time::parse_partial_date(s).map(|d| d.first_day()))
        .unwrap_or_default();
    let roles = if dated.len() == 1 {
        "1 role".to_string()
    } else {
        format!("{} roles", dated.len())
    };
    found(
        Band::Low,
        format!(
            "{n} has {} of work experience across {roles}, since {} (overlapping periods counted once).",
            duration(days),
            human(first)
        ),
        dated.iter().map(|(r, _)| role_source(r)).collect(),
    )
}

pub fn years_with(a: &Ask, e: &Entity) -> Part {
    let (f, n) = (a.f, a.name());
    // a keyword of a skill ("React" under JavaScript) counts as that skill
    let parent = skills_with_keyword(f, &e.key).into_iter().next();
    let skill = skills_named(f, &e.key).into_iter().next().or(parent);
    if let Some(s) = skill
        && let Some(y) = s.years
        && parent.is_some_and(|p| std::ptr::eq(p, s))
    {
        return found(
            Band::Medium,
            format!(
                "{n} lists {} under the skill {}, with {y} year{} of {}.",
                e.display,
                s.name,
                if y == 1 { "" } else { "s" },
                s.name
            ),
            vec![skill_source(s)],
        );
    }
    if let Some(s) = skill
        && let Some(y) = s.years
    {
        return found(
            Band::High,
            format!(
                "{n} lists {y} year{} of {}.",
                if y == 1 { "" } else { "s" },
                s.name
            ),
            vec![skill_source(s)],
        );
    }
    let roles = roles_naming(f, &e.key);
    let projects = projects_naming(f, &e.key);
    let mut spans = Vec::new();
    let mut sources: Vec<Source> = skill.map(skill_source).into_iter().collect();
    let mut names = Vec::new();
    for r in &roles {
        if let Some(s) = role_span(r, a.today) {
            spans.push(s);
            names.push(format!("{} at {}", r.title, r.company));
            sources.push(role_source(r));
        }
    }
    for (p, _) in &projects {
        if let Some(s) = dates::span(p.start.as_deref(), p.end.as_deref(), a.today) {
            spans.push(s);
            names.push(format!("the project {}", p.name));
            sources.push(project_source(p));
        }
    }
    if !spans.is_empty() {
        return found(
            Band::Low,
            format!(
                "About {} with {}, counted from the dates of {} (overlapping periods counted once).",
                duration(dates::merged_days(&spans)),
                e.display,
                join_and(&names)
            ),
            sources,
        );
    }
    match skill {
        Some(s) => Part {
            grounding: Grounding::Absent,
            text: format!(
                "{n} lists {} but gives no years for it, and no dated role or project names it.",
                s.name
            ),
            sources,
        },
        None if !roles.is_empty() || !projects.is_empty() || profile_names(f, &e.key).is_some() => {
            absent(format!(
                "{n}'s profile names {} only in entries without dates.",
                e.display
            ))
        }
        None => absent(format!("{n}'s profile does not mention {}.", e.display)),
    }
}

pub fn years_at(a: &Ask, e: &Entity) -> Part {
    let n = a.name();
    let roles: Vec<&Role> =
        a.f.roles
            .iter()
            .filter(|r| company_keys(&r.company).contains(&e.key))
            .collect();
    let spans: Vec<Span> = roles.iter().filter_map(|r| role_span(r, a.today)).collect();
    if spans.is_empty() {
        return absent(format!(
            "{n}'s role at {} is listed without dates.",
            e.display
        ));
    }
    let now = roles.iter().any(|r| is_current(r, a.today));
    let periods: Vec<String> = roles
        .iter()
        .map(|r| period(r.start.as_deref(), r.end.as_deref()))
        .filter(|p| !p.is_empty())
        .collect();
    found(
        Band::Low,
        format!(
            "{n} {} at {} for {} ({}).",
            if now { "has worked" } else { "worked" },
            roles[0].company,
            duration(dates::merged_days(&spans)),
            periods.join("; ")
        ),
        roles.iter().map(|r| role_source(r)).collect(),
    )
}

/// The employers of the current roles, as terms (for "how long at her current company").
pub fn current_employers(a: &Ask) -> Vec<Entity> {
    let mut out: Vec<Entity> = Vec::new();
    for r in a.f.roles.iter().filter(|r| is_current(r, a.today)) {
        let key = key_of(&r.company);
        if !r.company.is_empty() && !out.iter().any(|e| e.key == key) {
            out.push(Entity {
                key,
                display: r.company.to_string(),
                kinds: vec![super::vocabulary::Kind::Company],
                at: usize::MAX,
            });
        }
    }
    out
}

pub fn current(a: &Ask) -> Part {
    let (f, n) = (a.f, a.name());
    let now: Vec<&Role> = f.roles.iter().filter(|r| is_current(r, a.today)).collect();
    if !now.is_empty() {
        let items: Vec<String> = now
            .iter()
            .map(|r| match &r.start {
                Some(s) => format!("{} at {} (since {})", r.title, r.company, human(s)),
                None => format!("{} at {}", r.title, r.company),
            })
            .collect();
        return found(
            Band::High,
            format!("{n} is currently {}.", join_and(&items)),
            now.iter().map(|r| role_source(r)).collect(),
        );
    }
    if let Some(r) = f
        .roles
        .iter()
        .max_by_key(|r| dates::end_key(r.end.as_deref()))
    {
        return found(
            Band::High,
            format!(
                "{n} lists no current role; the most recent is {} at {} ({}).",
                r.title,
                r.company,
                period(r.start.as_deref(), r.end.as_deref())
            ),
            vec![role_source(r)],
        );
    }
    match &f.headline {
        Some(h) => found(
            Band::Medium,
            format!("{n} lists no role; the profile's headline is \"{h}\"."),
            vec![profile_source("headline", h)],
        ),
        None => absent(format!("{n}'s profile lists no current role or employer.")),
    }
}

fn role_line(r: &Role, today: i64) -> String {
    let mut s = format!("{} ({}", r.company, r.title);
    if r.start.is_some() || r.end.is_some() {
        s.push_str(", ");
        dates::push_period(&mut s, r.start.as_deref(), r.end.as_deref());
    }
    if let Some(span) = role_span(r, today) {
        s.push_str(", ");
        dates::push_duration(&mut s, span.end - span.start + 1);
    }
    s.push(')');
    s
}

pub fn worked_at(a: &Ask, e: &Entity) -> Part {
    let n = a.name();
    let roles: Vec<&Role> =
        a.f.roles
            .iter()
            .filter(|r| company_keys(&r.company).contains(&e.key))
            .collect();
    if roles.is_empty() {
        return absent(format!("{n}'s profile lists no role at {}.", e.display));
    }
    let lines: Vec<String> = roles.iter().map(|r| role_line(r, a.today)).collect();
    found(
        Band::High,
        format!("Yes: {n} worked at {}.", join_and(&lines)),
        roles.iter().map(|r| role_source(r)).collect(),
    )
}

/// Roles of that title: "Is she a Staff Engineer?"
pub fn held_title(a: &Ask, e: &Entity) -> Part {
    let n = a.name();
    let roles: Vec<&Role> =
        a.f.roles
            .iter()
            .filter(|r| is_key(&r.title, &e.key))
            .collect();
    if roles.is_empty() {
        return absent(format!("{n}'s profile lists no role as {}.", e.display));
    }
    let lines: Vec<String> = roles
        .iter()
        .map(|r| {
            let p = period(r.start.as_deref(), r.end.as_deref());
            let verb = if is_current(r, a.today) { "is" } else { "was" };
            if p.is_empty() {
                format!("{verb} {} at {}", r.title, r.company)
            } else {
                format!("{verb} {} at {} ({p})", r.title, r.company)
            }
        })
        .collect();
    found(
        Band::High,
        format!("Yes: {n} {}.", join_and(&lines)),
        roles.iter().map(|r| role_source(r)).collect(),
    )
}

/// Every employer, or (`only_past`) those of roles that have ended.
pub fn employers(a: &Ask, only_past: bool) -> Part {
    let f = a.f;
    if only_past {
        return past(a);
    }
    if f.roles.is_empty() {
        return absent(format!("{}'s profile lists no employers.", a.name()));
    }
    let lines: Vec<String> = f.roles.iter().map(|r| role_line(r, a.today)).collect();
    found(
        Band::High,
        format!("{}'s employers: {}.", a.name(), join_and(&lines)),
        f.roles.iter().map(role_source).collect(),
    )
}

pub fn past(a: &Ask) -> Part {
    let (f, n) = (a.f, a.name());
    let past: Vec<&Role> = f.roles.iter().filter(|r| !is_current(r, a.today)).collect();
    if past.is_empty() {
        return absent(if f.roles.is_empty() {
            format!("{n}'s profile lists no employers.")
        } else {
            format!("{n}'s profile lists no past employer, only current roles.")
        });
    }
    let lines: Vec<String> = past.iter().map(|r| role_line(r, a.today)).collect();
    found(
        Band::High,
        format!("{n}'s past employers: {}.", join_and(&lines)),
        past.iter().map(|r| role_source(r)).collect(),
    )
}

pub fn location(a: &Ask) -> Part {
    let (f, n) = (a.f, a.name());
    if let Some(l) = &f.location {
        return found(
            Band::High,
            format!("{n} is based in {l}."),
            vec![profile_source("location", l)],
        );
    }
    if let Some(r) = f
        .roles
        .iter()
        .filter(|r| is_current(r, a.today))
        .find(|r| r.location.is_some())
    {
        let l = r.location.as_deref().unwrap_or_default();
        return found(
            Band::Medium,
            format!(
                "{n}'s profile gives no location; the current role at {} is in {l}.",
                r.company
            ),
            vec![role_source(r)],
        );
    }
    absent(format!("{n}'s profile does not give a location."))
}

pub fn open_to_work(a: &Ask) -> Part {
    let (f, n) = (a.f, a.name());
    if !f.open_to_work {
        return found(
            Band::High,
            format!("{n} is not marked as open to work."),
            vec![profile_source("open_to_work", "false")],
        );
    }
    let mut text = format!("Yes: {n} is open to work");
    let mut sources = vec![profile_source("open_to_work", "true")];
    if !f.open_to_work_roles.is_empty() {
        text.push_str(&format!(
            ", for roles as {}",
            join_and(&f.open_to_work_roles)
        ));
        sources.push(profile_source(
            "open_to_work_roles",
            &f.open_to_work_roles.join(", "),
        ));
    }
    text.push('.');
    if let Some(note) = &f.open_to_work_note {
        text.push_str(&format!(" Note: \"{note}\"."));
        sources.push(profile_source("open_to_work_note", note));
    }
    found(Band::High, text, sources)
}

fn study_line(e: &Study) -> String {
    with_period(
        format!("{} at {}", degree_text(e), e.institution),
        e.start.as_deref(),
        e.end.as_deref(),
    )
}

pub fn education(a: &Ask, filter: Option<&Entity>) -> Part {
    let (f, n) = (a.f, a.name());
    let rows: Vec<&Study> = match filter {
        None => f.education.iter().collect(),
        Some(e) => f
            .education
            .iter()
            .filter(|s| {
                is_key(&s.institution, &e.key)
                    || mentions(&s.institution, &e.key)
                    || s.study_type
                        .as_deref()
                        .is_some_and(|t| is_key(t, &e.key) || mentions(t, &e.key))
                    || s.area
                        .as_deref()
                        .is_some_and(|t| is_key(t, &e.key) || mentions(t, &e.key))
            })
            .collect(),
    };
    if rows.is_empty() {
        return absent(match filter {
            Some(e) if !f.education.is_empty() => {
                format!("{n}'s profile lists no education matching {}.", e.display)
            }
            _ => format!("{n}'s profile lists no education."),
        });
    }
    let lines: Vec<String> = rows.iter().map(|s| study_line(s)).collect();
    found(
        Band::High,
        format!("{n}'s education: {}.", lines.join("; ")),
        rows.iter().map(|s| study_source(s)).collect(),
    )
}

fn cert_status(c: &Cert, today: i64) -> String {
    match &c.expires {
        Some(e) if dates::is_past(e, today) => format!("expired {}", human(e)),
        Some(e) => format!("current, valid until {}", human(e)),
        None => "no expiry date listed".into(),
    }
}

pub fn certifications(a: &Ask, filter: Option<&Entity>) -> Part {
    let (f, n) = (a.f, a.name());
    let rows: Vec<&Cert> = match filter {
        None => f.certifications.iter().collect(),
        Some(e) => f
            .certifications
            .iter()
            .filter(|c| {
                is_key(&c.name, &e.key)
                    || is_key(&c.issuer, &e.key)
                    || mentions(&c.name, &e.key)
                    || mentions(&c.issuer, &e.key)
            })
            .collect(),
    };
    if rows.is_empty() {
        return absent(match filter {
            Some(e) if !f.certifications.is_empty() => {
                format!("{n}'s profile lists no certification for {}.", e.display)
            }
            _ => format!("{n}'s profile lists no certifications."),
        });
    }
    let lines: Vec<String> = rows
        .iter()
        .map(|c| format!("{} from {} ({})", c.name, c.issuer, cert_status(c, a.today)))
        .collect();
    found(
        Band::High,
        format!("{n}'s certifications: {}.", lines.join("; ")),
        rows.iter().map(|c| cert_source(c)).collect(),
    )
}

fn project_line(p: &Project) -> String {
    let p2 = period(p.start.as_deref(), p.end.as_deref());
    if p2.is_empty() {
        p.name.to_string()
    } else {
        format!("{} ({p2})", p.name)
    }
}

pub fn projects(a: &Ask, filter: Option<&Entity>) -> Part {
    let (f, n) = (a.f, a.name());
    let Some(e) = filter else {
        if f.projects.is_empty() {
            return absent(format!("{n}'s profile lists no projects."));
        }
        let lines: Vec<String> = f.projects.iter().map(project_line).collect();
        return found(
            Band::High,
            format!("{n}'s projects: {}.", join_and(&lines)),
            f.projects.iter().map(project_source).collect(),
        );
    };
    if f.projects.iter().any(|p| is_key(&p.name, &e.key)) {
        let rows: Vec<&Project> = f
            .projects
            .iter()
            .filter(|p| is_key(&p.name, &e.key))
            .collect();
        let text = rows
            .iter()
            .map(|p| {
                let mut s = format!("{} is a project of {n}", project_line(p));
                if !p.keywords.is_empty() {
                    s.push_str(&format!(", using {}", join_and(&p.keywords)));
                }
                if let Some(d) = &p.description {
                    s.push_str(&format!(": {}", cut(d, 200)));
                }
                s.push('.');
                s
            })
            .collect::<Vec<_>>()
            .join(" ");
        return found(
            Band::High,
            text,
            rows.iter().map(|p| project_source(p)).collect(),
        );
    }
    let hits = projects_naming(f, &e.key);
    if hits.is_empty() {
        return absent(if f.projects.is_empty() {
            format!("{n}'s profile lists no projects.")
        } else {
            format!("None of {n}'s listed projects names {}.", e.display)
        });
    }
    let band = if hits.iter().all(|(_, kw)| *kw) {
        Band::Medium
    } else {
        Band::Low
    };
    let lines: Vec<String> = hits.iter().map(|(p, _)| project_line(p)).collect();
    found(
        band,
        format!("{n}'s projects using {}: {}.", e.display, join_and(&lines)),
        hits.iter().map(|(p, _)| project_source(p)).collect(),
    )
}

/// A contact channel a question may ask for.
#[derive(Debug, Clone, PartialEq)]
enum Channel {
    Email,
    Phone,
    Website,
    Network(String),
}

const NETWORKS: &[&str] = &["linkedin", "github", "gitlab", "twitter", "mastodon"];

pub fn contact(a: &Ask) -> Part {
    let (f, n) = (a.f, a.name());
    let mut asked = Vec::new();
    for w in &a.words {
        let c = match *w {
            "email" | "mail" => Channel::Email,
            "phone" | "telephone" | "call" | "number" => Channel::Phone,
            "website" | "site" | "homepage" | "blog" => Channel::Website,
            // a network people ask for, or one the profile links to
            other
                if NETWORKS.contains(&other)
                    || f.links.iter().any(|(net, _)| normalise(net) == other) =>
            {
                Channel::Network(other.to_string())
            }
            _ => continue,
        };
        if !asked.contains(&c) {
            asked.push(c);
        }
    }
    let mut items = Vec::new();
    let mut sources = Vec::new();
    let mut missing = Vec::new();
    let everything = asked.is_empty();
    let want = |c: Channel| everything || asked.contains(&c);

    // (channel, the public field, its name in sources, said as, missing as)
    let fields = [
        (
            Channel::Email,
            &f.public_email,
            "public_email",
            "email",
            "public email",
        ),
        (Channel::Phone, &f.phone, "phone", "phone", "phone number"),
        (
            Channel::Website,
            &f.website,
            "website",
            "website",
            "website",
        ),
    ];
    for (channel, value, field, said, absent) in fields {
        if !want(channel) {
            continue;
        }
        match value {
            Some(v) => {
                items.push(format!("{said} {v}"));
                sources.push(profile_source(field, v));
            }
            None if !everything => missing.push(absent.to_string()),
            None => {}
        }
    }
    for (net, target) in &f.links {
        let key = normalise(net);
        let hit = everything
            || asked.iter().any(|c| match c {
                Channel::Network(x) => {
                    key == *x || words(target).iter().any(|w| w.starts_with(x.as_str()))
                }
                _ => false,
            });
        if hit {
            items.push(format!("{net} {target}"));
            sources.push(profile_source("links", &format!("{net}: {target}")));
        }
    }
    for c in &asked {
        if let Channel::Network(x) = c
            && !f
                .links
                .iter()
                .any(|(net, t)| normalise(net) == *x || words(t).iter().any(|w| w.starts_with(x)))
        {
            missing.push(format!("{x} link"));
        }
    }
    if items.is_empty() {
        return absent(if everything {
            format!("{n}'s profile lists no public contact details.")
        } else {
            format!("{n}'s profile lists no {}.", join_or(&missing))
        });
    }
    let mut text = format!("{n}'s public contact: {}.", join_and(&items));
    if !missing.is_empty() {
        text.push_str(&format!(" No {} is listed.", join_or(&missing)));
    }
    found(Band::High, text, sources)
}

pub fn summary(a: &Ask) -> Part {
    let f = a.f;
    let mut text = f.full_name.to_string();
    let mut sources = Vec::new();
    match &f.headline {
        Some(h) => {
            text.push_str(&format!(": {h}."));
            sources.push(profile_source("headline", h));
        }
        None => text.push('.'),
    }
    if let Some(l) = &f.location {
        text.push_str(&format!(" Based in {l}."));
        sources.push(profile_source("location", l));
    }
    let now: Vec<&Role> = f.roles.iter().filter(|r| is_current(r, a.today)).collect();
    if !now.is_empty() {
        let items: Vec<String> = now
            .iter()
            .map(|r| format!("{} at {}", r.title, r.company))
            .collect();
        text.push_str(&format!(" Currently {}.", join_and(&items)));
        sources.extend(now.iter().map(|r| role_source(r)));
    }
    if !f.skills.is_empty() {
        let top: Vec<String> = f
            .skills
            .iter()
            .take(5)
            .map(|s| s.name.to_string())
            .collect();
        text.push_str(&format!(" Skills include {}.", join_and(&top)));
        sources.extend(f.skills.iter().take(5).map(skill_source));
    }
    if f.open_to_work {
        text.push_str(" Open to work.");
        sources.push(profile_source("open_to_work", "true"));
    }
    if sources.is_empty() {
        if let Some(s) = &f.summary {
            return found(
                Band::High,
                format!("{}: {}", f.full_name, cut(s, 300)),
                vec![profile_source("summary", &cut(s, 300))],
            );
        }
        return absent(format!("{}'s profile says little about them.", a.name()));
    }
    found(Band::High, text, sources)
}
