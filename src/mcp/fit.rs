//! Candidates against a job: the job text's required and nice-to-have
//! skills and years (found with the ask engine's vocabulary, so `k8s` and
//! `Kubernetes` are one skill), a score in parts, and what is missing.
//! Deterministic: the same text and profiles give the same answer, ties
//! broken by username.

use serde_json::{Value, json};

use std::sync::Arc;

use super::candidates::{self, Candidate, Has, has, months_of_experience, years};
use super::index::{Entry, Index, Term};
use super::tools::{Args, Out, ToolResult, fail};
use crate::ask::normalise::tokens;
use crate::ask::vocabulary::{Vocabulary, find};
use crate::error::ApiResult;
use crate::routes::Ctx;
use crate::store::counters::Counter;

/// What a job asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// (canonical key, display name)
    pub required: Vec<(String, String)>,
    pub nice: Vec<(String, String)>,
    pub min_years: Option<i64>,
}

/// Phrases that make the rest of their line or sentence "nice to have".
const NICE: &[&str] = &[
    "nice to have",
    "nice-to-have",
    "bonus",
    "a plus",
    "is a plus",
    "preferred",
    "ideally",
    "optional",
    "desirable",
    "would be great",
];

/// Splits a job text into lines and sentences (a '.' inside a word such as
/// `node.js` does not end one).
fn clauses(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut cur = String::new();
        let chars: Vec<char> = line.chars().collect();
        for (i, ch) in chars.iter().enumerate() {
            let ends = matches!(ch, ';' | '!' | '?')
                || (*ch == '.' && chars.get(i + 1).is_none_or(|n| n.is_whitespace()));
            if ends {
                out.push(std::mem::take(&mut cur));
            } else {
                cur.push(*ch);
            }
        }
        out.push(cur);
    }
    out.into_iter().filter(|c| !c.trim().is_empty()).collect()
}

/// "5+ years", "3 yrs", "at least 4 years": the number before a year word.
fn years_in(clause: &str) -> Option<i64> {
    let t = tokens(clause);
    t.windows(2).find_map(|w| {
        let n: i64 = w[0].norm.trim_end_matches('+').parse().ok()?;
        let unit = matches!(w[1].norm.as_str(), "years" | "year" | "yrs" | "yr" | "y");
        (unit && (1..=50).contains(&n)).then_some(n)
    })
}

/// The terms a job text is read for: the technologies and synonyms the ask
/// engine knows, and every skill (and skill keyword) a public candidate
/// lists, so a skill the engine has never heard of is still found. Only
/// skills: a company or a title named in a job text is no requirement.
/// (Kept with the candidate index: `Index::vocabulary`.)
#[cfg(test)]
fn no_candidates() -> Vocabulary {
    Vocabulary::of(&crate::ask::Facts::default())
}

pub fn parse_job(text: &str, vocab: &Vocabulary) -> Job {
    let mut job = Job {
        required: Vec::new(),
        nice: Vec::new(),
        min_years: None,
    };
    // a clause after a "nice to have" heading stays nice until a blank line
    let mut nice_block = false;
    for line in text.lines() {
        if line.trim().is_empty() {
            nice_block = false;
        }
        for clause in clauses(line) {
            let lower = clause.to_lowercase();
            let nice_here = NICE.iter().any(|p| lower.contains(p));
            let is_nice = nice_here || nice_block;
            if nice_here && clause.trim_end().ends_with(':') {
                nice_block = true;
            }
            if !is_nice && job.min_years.is_none() {
                job.min_years = years_in(&clause);
            }
            let toks = tokens(&clause);
            let mut used = vec![false; toks.len()];
            for e in find(&toks, vocab, &mut used) {
                let seen = job
                    .required
                    .iter()
                    .chain(&job.nice)
                    .any(|(k, _)| *k == e.key);
                if seen {
                    continue;
                }
                if is_nice {
                    job.nice.push((e.key, e.display));
                } else {
                    job.required.push((e.key, e.display));
                }
            }
        }
    }
    job
}

/// The job argument: `job_description`, or a tool error that says what to send.
fn job_of(args: &Args, vocab: &Vocabulary) -> Result<Job, ToolResult> {
    let text = args.str("job_description").unwrap_or_default();
    let job = parse_job(&text, vocab);
    if job.required.is_empty() && job.nice.is_empty() && job.min_years.is_none() {
        return Err(fail(
            "No skills or years of experience were recognised in job_description. Name the \
             technologies and the experience wanted, e.g. 'Required: Rust, PostgreSQL, 5+ years. \
             Nice to have: Kubernetes.'",
        ));
    }
    Ok(job)
}

fn job_json(job: &Job) -> Value {
    let names = |v: &[(String, String)]| v.iter().map(|(_, d)| d.clone()).collect::<Vec<_>>();
    json!({"required_skills": names(&job.required), "nice_to_have_skills": names(&job.nice),
           "min_years": job.min_years})
}

/// How one candidate fits: a score out of 100 and its parts.
pub struct Fit {
    pub score: i64,
    pub parts: Value,
    pub matched: Vec<Value>,
    pub missing_required: Vec<String>,
    pub missing_nice: Vec<String>,
}

/// How a candidate has each of the job's skills: required, then nice to have.
fn hits(job: &Job, mut has: impl FnMut(&str) -> Has) -> Vec<Has> {
    job.required
        .iter()
        .chain(&job.nice)
        .map(|(k, _)| has(k))
        .collect()
}

/// What a skill counts for: listed 1, only mentioned ½.
fn weight(h: &Has) -> f64 {
    match h {
        Has::Listed { .. } => 1.0,
        Has::Mentioned { .. } => 0.5,
        Has::No => 0.0,
    }
}

/// The share of the skills had, from their weights.
fn share(weights: &[f64]) -> f64 {
    if weights.is_empty() {
        return 1.0;
    }
    weights.iter().sum::<f64>() / weights.len() as f64
}

/// Weights of the parts: required skills, nice-to-have skills, years.
const WEIGHTS: (f64, f64, f64) = (60.0, 20.0, 20.0);

fn points(w: f64, s: f64) -> i64 {
    (w * s).round() as i64
}

/// The shares of required skills, nice-to-have skills and years, from the
/// weight of each of the job's skills (required first).
fn shares(job: &Job, weights: &[f64], have: f64) -> (f64, f64, f64) {
    let (req, nice) = weights.split_at(job.required.len());
    (share(req), share(nice), years_share(job, have))
}

/// The points of a part of `n` skills, for each count of half-points had
/// (0 to 2n), as `fit_of` computes them: the share of `k` halves is k/2 of n.
fn half_points(n: usize, w: f64) -> Vec<i64> {
    (0..=2 * n)
        .map(|k| {
            let mut weights = vec![0.0; n];
            // the same sum of halves and ones, spread over the skills
            for (i, x) in weights.iter_mut().enumerate() {
                *x = match k.saturating_sub(2 * i) {
                    0 => 0.0,
                    1 => 0.5,
                    _ => 1.0,
                };
            }
            points(w, share(&weights))
        })
        .collect()
}

/// The points for years, as `fit_of` computes them.
fn years_points(job: &Job, have: f64) -> i64 {
    points(WEIGHTS.2, years_share(job, have))
}

fn years_share(job: &Job, have: f64) -> f64 {
    job.min_years
        .map_or(1.0, |want| (have / want as f64).min(1.0))
}

/// Entries by score, best first, ties in the entries' order: a counting sort
/// (scores run from 0 to 100), so 10 000 candidates are placed in one pass.
fn best_first<'e>(scores: &[i64], entries: &'e [Arc<Entry>]) -> Vec<(i64, &'e Arc<Entry>)> {
    let max = scores.iter().copied().max().unwrap_or(0);
    let min = scores.iter().copied().min().unwrap_or(0);
    if min < 0 || max > 1000 {
        let mut order: Vec<usize> = (0..scores.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(scores[i]));
        return order
            .into_iter()
            .map(|i| (scores[i], &entries[i]))
            .collect();
    }
    // start[s]: where the first candidate with score s goes
    let mut start = vec![0usize; max as usize + 2];
    for &s in scores {
        start[s as usize] += 1;
    }
    let mut at = 0;
    for s in (0..=max as usize).rev() {
        let n = start[s];
        start[s] = at;
        at += n;
    }
    let mut out: Vec<Option<(i64, &Arc<Entry>)>> = vec![None; scores.len()];
    for (i, &s) in scores.iter().enumerate() {
        out[start[s as usize]] = Some((s, &entries[i]));
        start[s as usize] += 1;
    }
    out.into_iter().flatten().collect()
}

/// How a candidate with these `hits` and `have` years fits `job`.
fn fit_of(job: &Job, hits: Vec<Has>, have: f64) -> Fit {
    let weights: Vec<f64> = hits.iter().map(weight).collect();
    let (req, nice, yrs) = shares(job, &weights, have);
    let mut matched = Vec::new();
    let mut missing_required = Vec::new();
    let mut missing_nice = Vec::new();
    let names = job.required.iter().chain(&job.nice).map(|(_, n)| n);
    for (i, (h, name)) in hits.into_iter().zip(names).enumerate() {
        match h {
            Has::Listed { name: as_, years } => matched.push(
                json!({"skill": name, "evidence": "listed", "listed_as": as_, "years": years}),
            ),
            Has::Mentioned { where_ } => {
                matched.push(json!({"skill": name, "evidence": "mentioned", "where": where_}))
            }
            Has::No if i < job.required.len() => missing_required.push(name.clone()),
            Has::No => missing_nice.push(name.clone()),
        }
    }
    let parts = json!({
        "required_skills": {"points": points(WEIGHTS.0, req), "of": WEIGHTS.0 as i64},
        "nice_to_have_skills": {"points": points(WEIGHTS.1, nice), "of": WEIGHTS.1 as i64},
        "years": {"points": points(WEIGHTS.2, yrs), "of": WEIGHTS.2 as i64,
                  "candidate_years": have, "required_years": job.min_years},
    });
    Fit {
        score: points(WEIGHTS.0, req) + points(WEIGHTS.1, nice) + points(WEIGHTS.2, yrs),
        parts,
        matched,
        missing_required,
        missing_nice,
    }
}

pub fn fit(c: &Candidate, job: &Job) -> Fit {
    let f = &c.facts;
    fit_of(
        job,
        hits(job, |k| has(f, k)),
        years(months_of_experience(f)),
    )
}

/// How an indexed candidate has each skill of the job; the few cases the
/// index cannot tell (`Index::has`) are checked on the résumé itself.
fn indexed_hits(ctx: &Ctx, index: &Index, terms: &[Term], e: &Entry) -> ApiResult<Vec<Has>> {
    let mut full: Option<Option<Candidate>> = None;
    let mut out = Vec::with_capacity(terms.len());
    for t in terms {
        let h = match index.has(e, t) {
            Some(h) => h,
            None => {
                if full.is_none() {
                    full = Some(candidates::find(&*ctx.app.pool.get()?, &e.username)?);
                }
                match full.as_ref().and_then(Option::as_ref) {
                    Some(c) => has(&c.facts, t.key()),
                    None => Has::No,
                }
            }
        };
        out.push(h);
    }
    Ok(out)
}

pub fn rank_candidates(ctx: &Ctx, args: &Args) -> ApiResult<ToolResult> {
    let index = ctx.app.candidates.get(&ctx.app.pool)?;
    let job = match job_of(args, index.vocabulary()) {
        Ok(j) => j,
        Err(e) => return Ok(e),
    };
    let terms: Vec<Term> = job
        .required
        .iter()
        .chain(&job.nice)
        .map(|(k, _)| index.term(k))
        .collect();
    // every candidate's grade for each skill at once, from the postings;
    // the few the postings cannot grade are looked at one by one
    let mut grades: Vec<Vec<u8>> = Vec::with_capacity(terms.len());
    for (j, t) in terms.iter().enumerate() {
        let (mut g, unsure) = index.grades(t);
        for e in unsure {
            let h = indexed_hits(ctx, &index, &terms[j..=j], &index.entries[e as usize])?;
            g[e as usize] = match h[0] {
                Has::Listed { .. } => 2,
                Has::Mentioned { .. } => 1,
                Has::No => 0,
            };
        }
        grades.push(g);
    }
    // a score only depends on how many half-points of each kind a candidate
    // has (and their years): the points for each count, computed once
    let n_req = job.required.len();
    let req_points = half_points(n_req, WEIGHTS.0);
    let nice_points = half_points(job.nice.len(), WEIGHTS.1);
    let scores: Vec<i64> = (0..index.entries.len())
        .map(|i| {
            let (mut r, mut n) = (0usize, 0usize);
            for (j, g) in grades.iter().enumerate() {
                if j < n_req {
                    r += usize::from(g[i]);
                } else {
                    n += usize::from(g[i]);
                }
            }
            let e = &index.entries[i];
            req_points[r] + nice_points[n] + years_points(&job, e.years)
        })
        .collect();
    // best first, ties in username order (the index's): a stable counting sort
    let scored = best_first(&scores, &index.entries);
    let total = scored.len();
    let (page, next) = match candidates::page(scored, args) {
        Ok(p) => p,
        Err(e) => return Ok(e),
    };
    let mut items: Vec<Value> = Vec::with_capacity(page.len());
    for (ranked, e) in page {
        ctx.app.counters.add(&e.user_id, Counter::McpExposure);
        let fit = fit_of(&job, indexed_hits(ctx, &index, &terms, e)?, e.years);
        // the postings and the entry-by-entry reading agree (tests run this)
        debug_assert_eq!(fit.score, ranked, "{}", e.username);
        items.push(
            json!({"username": e.username, "score": fit.score, "parts": fit.parts,
                          "missing_required": fit.missing_required, "candidate": e.summary}),
        );
    }
    Ok(Out::ok(json!({
        "job": job_json(&job),
        "ranking": items,
        "total": total,
        "nextCursor": next,
    })))
}

pub fn explain_fit(ctx: &Ctx, args: &Args) -> ApiResult<ToolResult> {
    let index = ctx.app.candidates.get(&ctx.app.pool)?;
    let job = match job_of(args, index.vocabulary()) {
        Ok(j) => j,
        Err(e) => return Ok(e),
    };
    let c = match candidates::one(ctx, args)? {
        Ok(c) => c,
        Err(e) => return Ok(e),
    };
    candidates::exposed(ctx, [&c]);
    let fit = fit(&c, &job);
    let mut reasons = Vec::new();
    for m in &fit.matched {
        let skill = m["skill"].as_str().unwrap_or_default();
        reasons.push(match m["evidence"].as_str() {
            Some("listed") => match m["years"].as_i64() {
                Some(y) => format!("{skill}: listed as a skill, {y} years"),
                None => format!("{skill}: listed as a skill"),
            },
            _ => format!(
                "{skill}: not listed as a skill, mentioned in {}",
                m["where"].as_str().unwrap_or("the résumé")
            ),
        });
    }
    for s in &fit.missing_required {
        reasons.push(format!("{s}: required, not found in the public profile"));
    }
    if let Some(want) = job.min_years {
        let have = years(months_of_experience(&c.facts));
        reasons.push(format!(
            "experience: {have} years of work listed, {want} wanted"
        ));
    }
    Ok(Out::ok(json!({
        "username": c.username,
        "job": job_json(&job),
        "score": fit.score,
        "parts": fit.parts,
        "matched": fit.matched,
        "missing_required": fit.missing_required,
        "missing_nice_to_have": fit.missing_nice,
        "reasons": reasons,
    })))
}

pub fn skill_gap(ctx: &Ctx, args: &Args) -> ApiResult<ToolResult> {
    let mut job = match args.str("job_description") {
        Some(_) => match job_of(args, ctx.app.candidates.get(&ctx.app.pool)?.vocabulary()) {
            Ok(j) => j,
            Err(e) => return Ok(e),
        },
        None => Job {
            required: Vec::new(),
            nice: Vec::new(),
            min_years: None,
        },
    };
    for s in args.strs("skills") {
        let key = candidates::key_of(&s);
        if !key.is_empty() && !job.required.iter().any(|(k, _)| *k == key) {
            job.required.push((key, s.trim().to_string()));
        }
    }
    if job.required.is_empty() && job.nice.is_empty() {
        return Ok(fail(
            "Name the skills to check: pass skills (a list such as [\"Rust\", \"Kubernetes\"]) \
             or a job_description that names them",
        ));
    }
    let c = match candidates::one(ctx, args)? {
        Ok(c) => c,
        Err(e) => return Ok(e),
    };
    candidates::exposed(ctx, [&c]);
    let fit = fit(&c, &job);
    Ok(Out::ok(json!({
        "username": c.username,
        "job": job_json(&job),
        "has": fit.matched,
        "missing_required": fit.missing_required,
        "missing_nice_to_have": fit.missing_nice,
        "coverage": fit.parts["required_skills"]["points"].as_i64().unwrap_or(0) * 100 / 60,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_text_gives_required_and_nice_skills_and_years() {
        let none = no_candidates();
        let job = parse_job(
            "Senior backend engineer. We need Rust and Postgres, 5+ years of experience.\n\
             Kubernetes (k8s) is a plus. Node.js would be great.",
            &none,
        );
        let keys: Vec<&str> = job.required.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["rust", "postgresql"]);
        let nice: Vec<&str> = job.nice.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(nice, ["kubernetes", "node.js"]);
        assert_eq!(job.min_years, Some(5));
        assert_eq!(parse_job(&"x ".repeat(10), &none).required, vec![]);
    }

    #[test]
    fn points_by_halves_are_the_shares_of_fit() {
        assert_eq!(half_points(0, 60.0), vec![60]);
        assert_eq!(half_points(2, 60.0), vec![0, 15, 30, 45, 60]);
        assert_eq!(half_points(3, 20.0), vec![0, 3, 7, 10, 13, 17, 20]);
    }

    #[test]
    fn a_nice_to_have_heading_covers_its_list() {
        let job = parse_job(
            "Required: Python\nNice to have:\n- Go\n- Docker\n\nAlso: SQL",
            &no_candidates(),
        );
        let req: Vec<&str> = job.required.iter().map(|(k, _)| k.as_str()).collect();
        let nice: Vec<&str> = job.nice.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(nice, ["go", "docker"]);
        assert!(req.contains(&"python"));
    }
}
