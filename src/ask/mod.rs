//! Ask (SPEC §4.1): a question about one résumé answered from its own rows,
//! deterministically, with no outside service.
//!
//! The question is cut into words (`normalise`); the profile's own terms and
//! their synonyms are found in it (`vocabulary`); the intents it names and
//! any out-of-scope topic are recognised by rules (`intents`); each intent's
//! answer is computed from the rows (`answers`, with `dates` for durations)
//! and cites every row it used. Parts combine into one status.

pub mod answers;
pub mod dates;
pub mod facts;
pub mod form;
mod hash;
pub mod intents;
pub mod memory;
pub mod normalise;
pub mod plan;
pub mod public;
pub mod record;
pub mod vocabulary;

use serde::Serialize;

use answers::{Ask, Band, Grounding, Part};
pub use facts::Facts;
use intents::Intent;
use plan::{CERT, is_school, is_tech};
use vocabulary::{Entity, Kind};

/// Today as days since 1970-01-01 (UTC). Debug builds take
/// `RESTUME_TEST_TODAY` (`YYYY-MM-DD`) instead, so tests get stable dates.
pub fn today() -> i64 {
    #[cfg(debug_assertions)]
    if let Some(d) = std::env::var("RESTUME_TEST_TODAY")
        .ok()
        .and_then(|s| crate::time::parse_partial_date(&s))
    {
        return d.first_day();
    }
    crate::time::now().div_euclid(86_400)
}

/// What a conversation remembers of its last question, so a follow-up
/// ("and her Python?") can lean on it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    pub intents: Vec<Intent>,
    pub entities: Vec<Entity>,
}

/// An answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: &'static str,
    /// The question's normal form, as insights group questions.
    pub normalised: String,
    pub body: Body,
    /// What a follow-up question may refer back to.
    pub context: Context,
}

/// An answer as the API gives it (SPEC §4.1), written straight from here:
/// a `serde_json::Value` of it made a map and a string for every field of
/// every source, a fifth of an answer's allocations. The fields are in the
/// order the API has always written them (alphabetical, as a JSON object
/// of them was), so the same question gives the same bytes as before.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Body {
    pub answer: String,
    pub answer_mode: &'static str,
    pub answer_status: &'static str,
    pub confidence: f64,
    pub confidence_band: &'static str,
    pub evidence_types: Vec<&'static str>,
    pub sources: Vec<answers::Source>,
    pub username: String,
}

/// Answers `question` about `facts`; `before` is the previous question of a
/// conversation.
pub fn answer(facts: &Facts, question: &str, today: i64, before: Option<&Context>) -> Answer {
    let p = plan::plan(facts, question, before);
    let (wanted, entities, toks) = (&p.wanted, &p.entities, &p.toks);
    let at = |i: &Intent| p.at(i);
    let topic_at = p.topic_at;
    let a = Ask {
        f: facts,
        today,
        words: toks.iter().map(|t| t.norm.as_str()).collect(),
    };
    let mut parts: Vec<Part> = Vec::new();
    let mut topic_part = p.topic.map(|t| {
        answers::unsupported(format!(
            "Questions about {t} are outside what the profile says."
        ))
    });
    let mut unknown_entity = p.unknown.as_ref().map(|u| {
        let key = vocabulary::canon(&normalise::normalise(u));
        Entity {
            display: vocabulary::display(&key, u),
            key,
            kinds: Vec::new(),
            at: usize::MAX,
        }
    });
    let mut take_unknown = || unknown_entity.take();
    for intent in wanted {
        if at(intent) > topic_at
            && let Some(p) = topic_part.take()
        {
            parts.push(p);
        }
        match intent {
            Intent::Skill => {
                let terms: Vec<&Entity> = entities
                    .iter()
                    .filter(|e| is_tech(e) || e.is(CERT))
                    .collect();
                if terms.is_empty() {
                    match take_unknown() {
                        Some(u) => parts.push(answers::skill(&a, &u)),
                        None => parts.push(answers::skill_list(&a)),
                    }
                }
                parts.extend(terms.into_iter().map(|e| answers::skill(&a, e)));
            }
            Intent::Years => {
                let mut any = false;
                // "How long has she been at her current company?"
                if wanted.contains(&Intent::Current) && entities.is_empty() {
                    let now: Vec<Entity> = answers::current_employers(&a);
                    for e in &now {
                        parts.push(answers::years_at(&a, e));
                    }
                    any = !now.is_empty();
                }
                for e in entities {
                    if e.is(&[Kind::Company]) {
                        parts.push(answers::years_at(&a, e));
                        any = true;
                    } else if is_tech(e) {
                        parts.push(answers::years_with(&a, e));
                        any = true;
                    }
                }
                if !any {
                    match take_unknown() {
                        Some(u) => parts.push(answers::years_with(&a, &u)),
                        None => parts.push(answers::years_overall(&a)),
                    }
                }
            }
            Intent::Current
                if wanted.contains(&Intent::Years)
                    && entities.is_empty()
                    && !answers::current_employers(&a).is_empty() => {}
            Intent::Current => parts.push(answers::current(&a)),
            Intent::Past => {
                let companies: Vec<&Entity> =
                    entities.iter().filter(|e| e.is(&[Kind::Company])).collect();
                let titles: Vec<&Entity> = entities
                    .iter()
                    .filter(|e| e.is(&[Kind::Title]) && !e.is(&[Kind::Company]))
                    .collect();
                if companies.is_empty() && titles.is_empty() {
                    let only_past = a.words.iter().any(|w| {
                        matches!(
                            *w,
                            "previous"
                                | "previously"
                                | "past"
                                | "former"
                                | "formerly"
                                | "before"
                                | "prior"
                                | "earlier"
                        )
                    });
                    match take_unknown() {
                        Some(u) => parts.push(answers::worked_at(&a, &u)),
                        None => parts.push(answers::employers(&a, only_past)),
                    }
                }
                parts.extend(companies.into_iter().map(|e| answers::worked_at(&a, e)));
                parts.extend(titles.into_iter().map(|e| answers::held_title(&a, e)));
            }
            Intent::Education => {
                let schools: Vec<&Entity> = entities.iter().filter(|e| is_school(e)).collect();
                if schools.is_empty() {
                    match take_unknown() {
                        Some(u) => parts.push(answers::education(&a, Some(&u))),
                        None => parts.push(answers::education(&a, None)),
                    }
                }
                parts.extend(schools.into_iter().map(|e| answers::education(&a, Some(e))));
            }
            Intent::Certifications => {
                let certs: Vec<&Entity> = entities
                    .iter()
                    .filter(|e| e.is(CERT) || is_tech(e))
                    .collect();
                if certs.is_empty() {
                    match take_unknown() {
                        Some(u) => parts.push(answers::certifications(&a, Some(&u))),
                        None => parts.push(answers::certifications(&a, None)),
                    }
                }
                parts.extend(
                    certs
                        .into_iter()
                        .map(|e| answers::certifications(&a, Some(e))),
                );
            }
            Intent::Projects => {
                let terms: Vec<&Entity> = entities
                    .iter()
                    .filter(|e| is_tech(e) || e.is(&[Kind::Project]))
                    .collect();
                if terms.is_empty() {
                    match take_unknown() {
                        Some(u) => parts.push(answers::projects(&a, Some(&u))),
                        None => parts.push(answers::projects(&a, None)),
                    }
                }
                parts.extend(terms.into_iter().map(|e| answers::projects(&a, Some(e))));
            }
            Intent::Location => parts.push(answers::location(&a)),
            Intent::OpenToWork => parts.push(answers::open_to_work(&a)),
            Intent::Contact => parts.push(answers::contact(&a)),
            Intent::Summary => parts.push(answers::summary(&a)),
        }
    }
    parts.extend(topic_part);
    if parts.is_empty() {
        parts.push(answers::unsupported(format!(
            "This is not a question about {}'s profile that it can answer.",
            facts.name()
        )));
    }
    let context = Context {
        intents: wanted.clone(),
        entities: entities.clone(),
    };
    let in_scope = !wanted.is_empty();
    build(facts, parts, in_scope, context, p.normalised)
}

fn band_value(b: Band) -> (&'static str, f64) {
    match b {
        Band::High => ("high", 0.9),
        Band::Medium => ("medium", 0.7),
        Band::Low => ("low", 0.5),
    }
}

fn build(
    facts: &Facts,
    parts: Vec<Part>,
    in_scope: bool,
    context: Context,
    normalised: String,
) -> Answer {
    let grounded: Vec<Band> = parts
        .iter()
        .filter_map(|p| match p.grounding {
            Grounding::Found(b) => Some(b),
            _ => None,
        })
        .collect();
    let any_absent = parts.iter().any(|p| p.grounding == Grounding::Absent);
    let n_parts = parts.len();
    let (status, text, sources) = if facts.is_empty() && in_scope {
        (
            "no_profile_data",
            format!("{}'s profile has no data to answer from yet.", facts.name()),
            Vec::new(),
        )
    } else {
        let status = if grounded.len() == n_parts {
            "answered"
        } else if !grounded.is_empty() {
            "partially_answered"
        } else if any_absent {
            "insufficient_evidence"
        } else {
            "unsupported"
        };
        // each part is a sentence: it starts with a capital
        let mut text = String::new();
        let mut sources: Vec<answers::Source> = Vec::new();
        for (i, p) in parts.into_iter().enumerate() {
            if i > 0 {
                text.push(' ');
            }
            let mut c = p.text.chars();
            if let Some(first) = c.next() {
                text.extend(first.to_uppercase());
                text.push_str(c.as_str());
            }
            for s in p.sources {
                if !sources.contains(&s) {
                    sources.push(s);
                }
            }
        }
        (status, text, sources)
    };
    let (band, confidence) = match (status, grounded.iter().min()) {
        ("answered" | "partially_answered", Some(b)) => {
            let (name, v) = band_value(*b);
            let share = grounded.len() as f64 / n_parts as f64;
            (name, (v * share * 100.0).round() / 100.0)
        }
        _ => ("none", 0.0),
    };
    let mut evidence: Vec<&'static str> = sources.iter().map(|s| s.facet).collect();
    evidence.sort();
    evidence.dedup();
    let body = Body {
        answer: text,
        answer_mode: "deterministic",
        answer_status: status,
        confidence,
        confidence_band: band,
        evidence_types: evidence,
        sources,
        username: facts.username.to_string(),
    };
    Answer {
        status,
        normalised,
        body,
        context,
    }
}

#[cfg(test)]
mod tests {
    use super::facts::{Role, Skill};
    use super::*;
    use crate::time::days_from_civil;

    fn ada() -> Facts<'static> {
        Facts {
            username: "ada".into(),
            full_name: "Ada Lovelace".into(),
            location: Some("London".into()),
            skills: vec![
                Skill {
                    name: "Rust".into(),
                    level: Some("Expert".into()),
                    ..Default::default()
                },
                Skill {
                    name: "Python".into(),
                    ..Default::default()
                },
            ],
            roles: vec![Role {
                company: "Acme Ltd".into(),
                title: "Engineer".into(),
                start: Some("2020-01".into()),
                summary: Some("Rust services".into()),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn today() -> i64 {
        days_from_civil(2026, 1, 1)
    }

    #[test]
    fn follow_ups_lean_on_the_last_question() {
        let f = ada();
        let first = answer(&f, "Does she know Rust?", today(), None);
        assert_eq!(first.status, "answered");
        let next = answer(&f, "and Python?", today(), Some(&first.context));
        assert!(next.body.answer.contains("Python"));
        let years = answer(&f, "How many years?", today(), Some(&first.context));
        assert_eq!(
            years.body.answer,
            "About 6 years with Rust, counted from the dates of Engineer at Acme Ltd (overlapping periods counted once)."
        );
        let again = answer(&f, "since when?", today(), Some(&first.context));
        assert_eq!(again.status, "answered");
        let twice = answer(&f, "rust rust RUST Rust?", today(), None);
        assert_eq!(twice.body.sources.len(), 1);
        assert_eq!(
            twice.body.answer,
            "Yes: Ada lists Rust as a skill (level Expert)."
        );
        let alone = answer(&f, "How many years?", today(), None);
        assert!(alone.body.answer.contains("work experience"));
    }

    #[test]
    fn the_normal_form_is_the_question_s_own() {
        let f = ada();
        for q in [
            "Does Ada know Rust?",
            "Where is she based?",
            "What's her  e-mail?!",
        ] {
            assert_eq!(
                answer(&f, q, today(), None).normalised,
                normalise::normalise(q)
            );
        }
    }

    #[test]
    fn statuses() {
        let f = ada();
        let status = |q: &str| answer(&f, q, today(), None).status;
        assert_eq!(status("Where is she based?"), "answered");
        assert_eq!(
            status("Does she know Rust and Haskell?"),
            "partially_answered"
        );
        assert_eq!(status("Does she know Haskell?"), "insufficient_evidence");
        assert_eq!(status("What is her salary?"), "unsupported");
        assert_eq!(status("Is the sky blue?"), "unsupported");
        let empty = Facts {
            username: "x".into(),
            full_name: "X Y".into(),
            ..Default::default()
        };
        assert_eq!(
            answer(&empty, "Does she know Rust?", today(), None).status,
            "no_profile_data"
        );
        assert_eq!(
            answer(&empty, "How old is she?", today(), None).status,
            "unsupported"
        );
    }

    #[test]
    fn the_same_question_gives_the_same_answer() {
        let f = ada();
        let a = answer(&f, "Who is she and does she know Rust?", today(), None);
        let b = answer(&f, "Who is she and does she know Rust?", today(), None);
        assert_eq!(
            serde_json::to_string(&a.body).unwrap(),
            serde_json::to_string(&b.body).unwrap()
        );
        // another day, another duration
        let later = answer(&f, "How many years of experience?", today() + 400, None);
        let now = answer(&f, "How many years of experience?", today(), None);
        assert_ne!(later.body.answer, now.body.answer);
    }
}
