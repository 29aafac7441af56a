//! Candidates against a job: the job text's required and nice-to-have
//! skills and years (found with the ask engine's vocabulary, so `k8s` and
//! `Kubernetes` are one skill), a score in parts, and what is missing.
//! Deterministic: the same text and profiles give the same answer, ties
//! broken by username.

use serde_json::{Value, json};

use std::sync::Arc;

use super::candidates::{self, Candidate, Has, has, months_of_experience, years};
use super::index::{Entry, Index, Term};
use super::tools::{Args, Out, ToolResult, fail, members};
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

/// The job argument: `job_description` (read once per text and index:
/// `Index::job`), or a tool error that says what to send.
fn job_of(args: &Args, index: &Index) -> Result<Arc<Job>, ToolResult> {
    let text = args.str("job_description").unwrap_or_default();
    let job = index.job(&text, |vocab| parse_job(&text, vocab));
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

/// The positions of the `k` best scores, best first, ties in position
/// order (the index's, by username), as a stable sort of all of them would
/// give. Scores run from 0 to 100: counting them gives the lowest score the
/// first `k` reach, one pass picks those, and only they are sorted.
fn best(scores: &[i64], k: usize) -> Vec<u32> {
    let k = k.min(scores.len());
    let by_score = |a: &u32, b: &u32| scores[*b as usize].cmp(&scores[*a as usize]);
    if scores.iter().any(|s| !(0..=100).contains(s)) {
        let mut all: Vec<u32> = (0..scores.len() as u32).collect();
        all.sort_by(by_score);
        all.truncate(k);
        return all;
    }
    let mut count = [0usize; 101];
    for &s in scores {
        count[s as usize] += 1;
    }
    // the lowest score among the first k, and how many of it get in
    let (mut cut, mut above) = (100, 0);
    while cut > 0 && above + count[cut] < k {
        above += count[cut];
        cut -= 1;
    }
    let mut at_cut = k - above.min(k);
    let mut top = Vec::with_capacity(k);
    for (i, &s) in scores.iter().enumerate() {
        let s = s as usize;
        if s > cut || (s == cut && at_cut > 0) {
            if s == cut {
                at_cut -= 1;
            }
            top.push(i as u32);
        }
    }
    top.sort_by(by_score);
    top
}

/// The score of a candidate with these `hits` and `have` years, its parts,
/// and the required skills missing: what a ranking shows of each.
fn scored(job: &Job, hits: &[Has], have: f64) -> (i64, Value, Vec<String>) {
    let weights: Vec<f64> = hits.iter().map(weight).collect();
    let (req, nice, yrs) = shares(job, &weights, have);
    let missing_required = job
        .required
        .iter()
        .zip(hits)
        .filter(|(_, h)| matches!(h, Has::No))
        .map(|((_, name), _)| name.clone())
        .collect();
    let part =
        |points: i64, of: f64| members([("points", json!(points)), ("of", json!(of as i64))]);
    let mut years = part(points(WEIGHTS.2, yrs), WEIGHTS.2);
    years["candidate_years"] = json!(have);
    years["required_years"] = json!(job.min_years);
    let parts = members([
        ("required_skills", part(points(WEIGHTS.0, req), WEIGHTS.0)),
        (
            "nice_to_have_skills",
            part(points(WEIGHTS.1, nice), WEIGHTS.1),
        ),
        ("years", years),
    ]);
    let score = points(WEIGHTS.0, req) + points(WEIGHTS.1, nice) + points(WEIGHTS.2, yrs);
    (score, parts, missing_required)
}

/// How a candidate with these `hits` and `have` years fits `job`.
fn fit_of(job: &Job, hits: Vec<Has>, have: f64) -> Fit {
    let (score, parts, missing_required) = scored(job, &hits, have);
    let mut matched = Vec::new();
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
            Has::No if i < job.required.len() => {}
            Has::No => missing_nice.push(name.clone()),
        }
    }
    Fit {
        score,
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
    let job = match job_of(args, &index) {
        Ok(j) => j,
        Err(e) => return Ok(e),
    };
    let terms: Vec<Term> = job
        .required
        .iter()
        .chain(&job.nice)
        .map(|(k, _)| index.term(k))
        .collect();
    // every candidate's half-points, required and nice to have, summed over
    // the skills from the postings; the few the postings cannot grade are
    // looked at one by one
    let n = index.entries.len();
    let n_req = job.required.len();
    let (mut req, mut nice) = (vec![0u16; n], vec![0u16; n]);
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
        let sum = if j < n_req { &mut req } else { &mut nice };
        sum.iter_mut()
            .zip(&g)
            .for_each(|(s, &h)| *s += u16::from(h));
    }
    // a score only depends on how many half-points of each kind a candidate
    // has (and their years): the points for each count, computed once
    let req_points = half_points(n_req, WEIGHTS.0);
    let nice_points = half_points(job.nice.len(), WEIGHTS.1);
    let years: Vec<i64> = match &index.tenths {
        Some(tenths) => {
            let most = tenths.iter().copied().max().unwrap_or(0);
            let table: Vec<i64> = (0..=most)
                .map(|t| years_points(&job, f64::from(t) / 10.0))
                .collect();
            tenths.iter().map(|&t| table[t as usize]).collect()
        }
        None => index.years.iter().map(|&y| years_points(&job, y)).collect(),
    };
    let scores: Vec<i64> = (0..n)
        .map(|i| req_points[usize::from(req[i])] + nice_points[usize::from(nice[i])] + years[i])
        .collect();
    let (offset, limit, next) = match candidates::window(args, n) {
        Ok(w) => w,
        Err(e) => return Ok(e),
    };
    // best first, ties in username order (the index's); only the page's
    let top = best(&scores, offset.saturating_add(limit));
    let mut items: Vec<Value> = Vec::with_capacity(limit.min(n));
    for &i in top.iter().skip(offset) {
        let e = &index.entries[i as usize];
        ctx.app.counters.add(&e.user_id, Counter::McpExposure);
        let hits = indexed_hits(ctx, &index, &terms, e)?;
        let (score, parts, missing_required) = scored(&job, &hits, e.years);
        // the postings and the entry-by-entry reading agree (tests run this)
        debug_assert_eq!(score, scores[i as usize], "{}", e.username);
        items.push(members([
            ("username", json!(e.username)),
            ("score", json!(score)),
            ("parts", parts),
            ("missing_required", json!(missing_required)),
            ("candidate", e.summary.clone()),
        ]));
    }
    Ok(Out::ok(members([
        ("job", job_json(&job)),
        ("ranking", Value::Array(items)),
        ("total", json!(n)),
        ("nextCursor", json!(next)),
    ])))
}

pub fn explain_fit(ctx: &Ctx, args: &Args) -> ApiResult<ToolResult> {
    let index = ctx.app.candidates.get(&ctx.app.pool)?;
    let job = match job_of(args, &index) {
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
        Some(_) => match job_of(args, &*ctx.app.candidates.get(&ctx.app.pool)?) {
            Ok(j) => Job::clone(&j),
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
    fn the_best_are_a_stable_sort_cut_short() {
        // scores with many ties (as a job's are), one out of range for the
        // general path, and none
        let mut x: u64 = 7;
        let mut scores: Vec<i64> = (0..500)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                [0, 0, 15, 40, 40, 60, 88, 100][(x >> 61) as usize]
            })
            .collect();
        let sorted = |scores: &[i64]| {
            let mut all: Vec<u32> = (0..scores.len() as u32).collect();
            all.sort_by_key(|&i| std::cmp::Reverse(scores[i as usize]));
            all
        };
        for k in [0, 1, 19, 20, 21, 100, 499, 500, 501, usize::MAX] {
            let want: Vec<u32> = sorted(&scores).into_iter().take(k).collect();
            assert_eq!(best(&scores, k), want, "k = {k}");
        }
        scores[3] = 101;
        assert_eq!(best(&scores, 50), sorted(&scores)[..50]);
        assert_eq!(best(&[], 20), Vec::<u32>::new());
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
