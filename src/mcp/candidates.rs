//! Candidates as the tools see them: public, enabled profiles only, read
//! through the same public rendering and ask facts the public API uses (so
//! no private field can leak), and the tools that read one or several.

use std::sync::Arc;

use rusqlite::OptionalExtension;
use serde_json::{Value, json};

use super::index::{Entry, Index};
use super::tools::{Args, Out, ToolResult, fail, members};
use crate::ask::dates::{self, Span};
use crate::ask::normalise::normalise;
use crate::ask::vocabulary::{canon, mentions};
use crate::ask::{Facts, today};
use crate::error::ApiResult;
use crate::resume::{Resume, presentation, render};
use crate::routes::Ctx;
use crate::store::counters::Counter;

/// One public candidate: the public JSON and the facts the ask engine reads.
pub struct Candidate {
    pub user_id: String,
    pub username: String,
    pub public: Value,
    pub facts: Facts<'static>,
}

const VISIBLE: &str = "FROM users u JOIN profiles p ON p.user_id = u.id
     WHERE p.is_public = 1 AND u.is_disabled = 0";

fn load(conn: &rusqlite::Connection, user_id: &str) -> ApiResult<Candidate> {
    let r = Resume::load(conn, user_id)?;
    let shown = presentation::visible(conn, user_id)?;
    Ok(Candidate {
        user_id: user_id.to_string(),
        username: r.username.clone(),
        public: render::public_json(&r, &shown),
        facts: Facts::of(&r, &shown),
    })
}

/// A public candidate by username (any case); `None` for a private,
/// disabled or unknown one (they look the same).
pub fn find(conn: &rusqlite::Connection, username: &str) -> ApiResult<Option<Candidate>> {
    let id: Option<String> = conn
        .prepare_cached(&format!("SELECT u.id {VISIBLE} AND u.username_key = ?1"))?
        .query_row([username.to_ascii_lowercase()], |r| r.get(0))
        .optional()?;
    id.map(|id| load(conn, &id)).transpose()
}

/// The tool error for a username that is not a public profile.
pub fn unknown(username: &str) -> ToolResult {
    fail(format!(
        "No public profile has the username '{username}'. Find usernames with \
         search_candidates or list_candidates (private profiles are never shown)."
    ))
}

/// A public candidate by the `username` argument, or the tool error.
pub fn one(ctx: &Ctx, args: &Args) -> ApiResult<Result<Candidate, ToolResult>> {
    let username = args.str("username").unwrap_or_default();
    let conn = ctx.app.pool.get()?;
    Ok(find(&conn, &username)?.ok_or_else(|| unknown(&username)))
}

/// Counts an exposure for every candidate a result shows (SPEC §7).
pub fn exposed<'a>(ctx: &Ctx, shown: impl IntoIterator<Item = &'a Candidate>) {
    for c in shown {
        ctx.app.counters.add(&c.user_id, Counter::McpExposure);
    }
}

/// Months of work experience, overlapping roles counted once.
pub fn months_of_experience(f: &Facts) -> i64 {
    let today = today();
    let spans: Vec<Span> = f
        .roles
        .iter()
        .filter_map(|r| dates::span(r.start.as_deref(), r.end.as_deref(), today))
        .collect();
    dates::months(dates::merged_days(&spans))
}

pub fn years(months: i64) -> f64 {
    (months as f64 / 12.0 * 10.0).round() / 10.0
}

/// Where a candidate has a skill (a canonical key): listed as a skill or a
/// skill's keyword, else only named in a role or project.
#[derive(Debug, Clone, PartialEq)]
pub enum Has {
    Listed { name: String, years: Option<i64> },
    Mentioned { where_: String },
    No,
}

pub fn key_of(term: &str) -> String {
    canon(&normalise(term))
}

pub fn has(f: &Facts, key: &str) -> Has {
    for s in &f.skills {
        if key_of(&s.name) == key {
            return Has::Listed {
                name: s.name.to_string(),
                years: s.years,
            };
        }
    }
    for s in &f.skills {
        if s.keywords.iter().any(|k| key_of(k) == key) {
            return Has::Listed {
                name: s.name.to_string(),
                years: s.years,
            };
        }
    }
    for r in &f.roles {
        if r.texts().iter().any(|t| mentions(t, key)) {
            return Has::Mentioned {
                where_: format!("experience: {} at {}", r.title, r.company),
            };
        }
    }
    for p in &f.projects {
        if p.texts().iter().any(|t| mentions(t, key)) || p.keywords.iter().any(|k| key_of(k) == key)
        {
            return Has::Mentioned {
                where_: format!("project: {}", p.name),
            };
        }
    }
    Has::No
}

/// The short form lists and rankings give.
pub fn summary(c: &Candidate) -> Value {
    let f = &c.facts;
    json!({
        "username": c.username,
        "full_name": f.full_name,
        "headline": f.headline,
        "location": f.location,
        "open_to_work": f.open_to_work,
        "years_of_experience": years(months_of_experience(f)),
        "skills": f.skills.iter().map(|s| s.name.clone()).collect::<Vec<_>>(),
        "uri": format!("restume://profiles/{}", c.username),
    })
}

/// The page of `items` at the `cursor` argument, and the next cursor.
pub fn page<T>(items: Vec<T>, args: &Args) -> Result<(Vec<T>, Option<String>), ToolResult> {
    let (offset, limit, next) = window(args, items.len())?;
    let page: Vec<T> = items.into_iter().skip(offset).take(limit).collect();
    Ok((page, next))
}

/// The page the arguments ask for among `total` items: its offset, its
/// length and the cursor of the next page, if there is one.
pub fn window(args: &Args, total: usize) -> Result<(usize, usize, Option<String>), ToolResult> {
    let limit = args.int("limit").unwrap_or(20) as usize;
    let offset = match args.str("cursor") {
        None => 0,
        Some(c) => match super::offset_of(&c) {
            Some(o) => o,
            None => {
                return Err(fail(
                    "The cursor is not one this server gave; pass nextCursor from the \
                     previous result unchanged, or leave cursor out for the first page",
                ));
            }
        },
    };
    let next = (offset.saturating_add(limit) < total).then(|| super::cursor(offset + limit));
    Ok((offset, limit, next))
}

fn listing(ctx: &Ctx, found: Vec<Arc<Entry>>, args: &Args) -> ApiResult<ToolResult> {
    let total = found.len();
    let (page, next) = match page(found, args) {
        Ok(p) => p,
        Err(e) => return Ok(e),
    };
    for e in &page {
        ctx.app.counters.add(&e.user_id, Counter::McpExposure);
    }
    Ok(Out::ok(members([
        (
            "candidates",
            Value::Array(page.iter().map(|e| e.summary.clone()).collect()),
        ),
        ("total", json!(total)),
        ("nextCursor", json!(next)),
    ])))
}

pub fn list_candidates(ctx: &Ctx, args: &Args) -> ApiResult<ToolResult> {
    let index = ctx.app.candidates.get(&ctx.app.pool)?;
    listing(ctx, index.entries.clone(), args)
}

pub fn search_candidates(ctx: &Ctx, args: &Args) -> ApiResult<ToolResult> {
    let words: Vec<String> = args
        .str("text")
        .map(|t| normalise(&t).split(' ').map(str::to_string).collect())
        .unwrap_or_default();
    let words: Vec<String> = words.into_iter().filter(|w| !w.is_empty()).collect();
    let skills: Vec<String> = args.strs("skills").iter().map(|s| key_of(s)).collect();
    let location = args.str("location").map(|l| normalise(&l));
    let open = args.bool("open_to_work");
    let min_years = args.num("min_years");
    let index = ctx.app.candidates.get(&ctx.app.pool)?;
    let text = index.text_matches(&words);
    let found: Vec<Arc<Entry>> = index
        .entries
        .iter()
        .enumerate()
        .filter(|(i, _)| text.as_ref().is_none_or(|t| t[*i]))
        .map(|(_, e)| e)
        .filter(|e| {
            skills.iter().all(|k| index.lists(e, k))
                && location
                    .as_ref()
                    .is_none_or(|l| Index::location_matches(e, l))
                && open.is_none_or(|o| e.open_to_work == o)
                && min_years.is_none_or(|y| e.years >= y)
        })
        .cloned()
        .collect();
    listing(ctx, found, args)
}

pub fn get_candidate(ctx: &Ctx, args: &Args) -> ApiResult<ToolResult> {
    let c = match one(ctx, args)? {
        Ok(c) => c,
        Err(e) => return Ok(e),
    };
    exposed(ctx, [&c]);
    let mut out = c.public.clone();
    out["years_of_experience"] = json!(years(months_of_experience(&c.facts)));
    out["uri"] = json!(format!("restume://profiles/{}", c.username));
    Ok(Out::ok(out))
}

fn skill_json(s: &crate::ask::facts::Skill) -> Value {
    json!({"name": s.name, "level": s.level, "years": s.years, "category": s.category,
           "keywords": s.keywords})
}

pub fn get_candidate_skills(ctx: &Ctx, args: &Args) -> ApiResult<ToolResult> {
    let c = match one(ctx, args)? {
        Ok(c) => c,
        Err(e) => return Ok(e),
    };
    exposed(ctx, [&c]);
    Ok(Out::ok(json!({
        "username": c.username,
        "skills": c.facts.skills.iter().map(skill_json).collect::<Vec<_>>(),
    })))
}

pub fn get_candidate_experience(ctx: &Ctx, args: &Args) -> ApiResult<ToolResult> {
    let c = match one(ctx, args)? {
        Ok(c) => c,
        Err(e) => return Ok(e),
    };
    exposed(ctx, [&c]);
    let today = today();
    let roles: Vec<Value> = c
        .facts
        .roles
        .iter()
        .map(|r| {
            let months = dates::span(r.start.as_deref(), r.end.as_deref(), today)
                .map(|s| dates::months(s.end - s.start + 1));
            json!({"company": r.company, "title": r.title, "start_date": r.start,
                   "end_date": r.end, "current": r.end.is_none(), "months": months,
                   "location": r.location, "summary": r.summary, "highlights": r.highlights})
        })
        .collect();
    Ok(Out::ok(json!({
        "username": c.username,
        "years_of_experience": years(months_of_experience(&c.facts)),
        "experience": roles,
    })))
}

/// The usernames argument of a tool on several candidates: each public,
/// none twice. Loaded in the order given.
pub fn several(ctx: &Ctx, usernames: &[String]) -> ApiResult<Result<Vec<Candidate>, ToolResult>> {
    let conn = ctx.app.pool.get()?;
    let mut out: Vec<Candidate> = Vec::new();
    for u in usernames {
        if out.iter().any(|c| c.username.eq_ignore_ascii_case(u)) {
            return Ok(Err(fail(format!(
                "'{u}' is named twice in usernames; name each candidate once"
            ))));
        }
        match find(&conn, u)? {
            Some(c) => out.push(c),
            None => return Ok(Err(unknown(u))),
        }
    }
    Ok(Ok(out))
}

pub fn compare_candidates(ctx: &Ctx, args: &Args) -> ApiResult<ToolResult> {
    let cands = match several(ctx, &args.strs("usernames"))? {
        Ok(c) => c,
        Err(e) => return Ok(e),
    };
    exposed(ctx, &cands);
    // every skill any of them lists, by canonical key, in name order
    let mut keys: Vec<(String, String)> = Vec::new();
    for c in &cands {
        for s in &c.facts.skills {
            let k = key_of(&s.name);
            if !keys.iter().any(|(have, _)| *have == k) {
                keys.push((k, s.name.to_string()));
            }
        }
    }
    keys.sort_by(|a, b| a.0.cmp(&b.0));
    let matrix: Vec<Value> = keys
        .iter()
        .map(|(k, name)| {
            let by: serde_json::Map<String, Value> = cands
                .iter()
                .map(|c| {
                    let v = match has(&c.facts, k) {
                        Has::Listed { years, .. } => json!({"has": "listed", "years": years}),
                        Has::Mentioned { where_ } => json!({"has": "mentioned", "where": where_}),
                        Has::No => json!({"has": "no"}),
                    };
                    (c.username.clone(), v)
                })
                .collect();
            json!({"skill": name, "candidates": by})
        })
        .collect();
    Ok(Out::ok(json!({
        "candidates": cands.iter().map(summary).collect::<Vec<_>>(),
        "skills": matrix,
    })))
}

pub fn verify_certification(ctx: &Ctx, args: &Args) -> ApiResult<ToolResult> {
    let c = match one(ctx, args)? {
        Ok(c) => c,
        Err(e) => return Ok(e),
    };
    exposed(ctx, [&c]);
    let asked = args.str("certification").unwrap_or_default();
    let key = key_of(&asked);
    let today = today();
    let found = c.facts.certifications.iter().find(|cert| {
        key_of(&cert.name) == key
            || mentions(&cert.name, &key)
            || mentions(&asked, &key_of(&cert.name))
    });
    let out = match found {
        None => json!({"username": c.username, "certification": asked, "status": "not_listed",
                       "note": "The candidate lists no such certification."}),
        Some(cert) => {
            let expired = cert
                .expires
                .as_deref()
                .is_some_and(|e| dates::is_past(e, today));
            json!({"username": c.username, "certification": asked,
                   "status": if expired { "expired" } else { "listed" },
                   "listed_as": {"name": cert.name, "issuer": cert.issuer, "date": cert.date,
                                 "expires": cert.expires, "url": cert.url},
                   "note": "As listed by the candidate; RESTume does not verify certifications with their issuers."})
        }
    };
    Ok(Out::ok(out))
}

pub fn check_availability(ctx: &Ctx, args: &Args) -> ApiResult<ToolResult> {
    let c = match one(ctx, args)? {
        Ok(c) => c,
        Err(e) => return Ok(e),
    };
    exposed(ctx, [&c]);
    let f = &c.facts;
    let current: Vec<Value> = f
        .roles
        .iter()
        .filter(|r| r.end.is_none() && r.start.is_some())
        .map(|r| json!({"title": r.title, "company": r.company, "since": r.start}))
        .collect();
    Ok(Out::ok(json!({
        "username": c.username,
        "open_to_work": f.open_to_work,
        "note": f.open_to_work_note,
        "roles_wanted": f.open_to_work_roles,
        "location": f.location,
        "current_roles": current,
    })))
}
