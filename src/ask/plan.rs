//! What a question asks, once its words are read: the intents (by rule),
//! the profile's terms it names, a term the profile lacks, an out-of-scope
//! topic; and, in a conversation, what a follow-up takes from the question
//! before it. The rules that settle between intents live here.

use super::Context;
use super::facts::Facts;
use super::intents::{self, Intent};
use super::normalise::{self, Token, tokens};
use super::vocabulary::{self, Entity, Kind, Vocabulary};

pub struct Plan<'q> {
    pub toks: Vec<Token<'q>>,
    /// The question's normal form (`normalise::normalise`), for insights.
    pub normalised: String,
    /// The intents named by a cue, with where the cue is.
    pub asked: Vec<(Intent, usize)>,
    /// The intents to answer (named or inferred), in the order to answer them.
    pub wanted: Vec<Intent>,
    pub entities: Vec<Entity>,
    /// Words naming something the profile does not have.
    pub unknown: Option<String>,
    pub topic: Option<&'static str>,
    pub topic_at: usize,
}

impl Plan<'_> {
    /// Where an intent was asked; inferred intents come last.
    pub fn at(&self, i: &Intent) -> usize {
        self.asked
            .iter()
            .find(|(x, _)| x == i)
            .map_or(usize::MAX - 1, |(_, p)| *p)
    }
}

pub const TECH: &[Kind] = &[Kind::Skill, Kind::Keyword];
pub const SCHOOL: &[Kind] = &[Kind::Institution, Kind::Degree, Kind::Area];
pub const CERT: &[Kind] = &[Kind::Cert, Kind::Issuer];

pub fn is_tech(e: &Entity) -> bool {
    e.kinds.is_empty() && !vocabulary::is_degree(&e.key) || e.is(TECH)
}

pub fn is_school(e: &Entity) -> bool {
    e.is(SCHOOL) || vocabulary::is_degree(&e.key)
}

/// The intent a bare term stands for ("Kubernetes?", "Acme?").
pub fn intent_of(e: &Entity) -> Intent {
    if is_school(e) {
        Intent::Education
    } else if e.is(CERT) {
        Intent::Certifications
    } else if e.is(&[Kind::Company, Kind::Title]) && !e.is(TECH) {
        Intent::Past
    } else if e.is(&[Kind::Project]) && !e.is(TECH) {
        Intent::Projects
    } else if e.is(&[Kind::Link]) && !e.is(TECH) {
        Intent::Contact
    } else {
        Intent::Skill
    }
}

/// Reads `question` about `facts`; `before` is the previous question of a
/// conversation.
pub fn plan<'q>(facts: &Facts, question: &'q str, before: Option<&Context>) -> Plan<'q> {
    let toks = tokens(question);
    let asked_words = vocabulary::joined(&toks);
    let asked = vocabulary::Asked::of(&toks);
    let vocab = Vocabulary::of_asked(facts, &asked);
    let mut used = vec![false; toks.len()];
    let mut toks = toks;
    let mut entities = vocabulary::find(&toks, &vocab, &mut used);
    // the person's name reads as "she" to the rules ("What does Dana do?")
    let mut name_words = normalise::words(&facts.full_name);
    name_words.push(facts.username.to_lowercase());
    for (t, u) in toks.iter_mut().zip(&used) {
        if !*u && name_words.contains(&t.norm) {
            t.norm = "she".into();
        }
    }
    let (topic, topic_at) = match intents::out_of_scope(&toks) {
        Some((t, at)) => (Some(t), at),
        None => (None, usize::MAX),
    };
    let asked = intents::intents(&toks, &mut used);
    let mut wanted: Vec<Intent> = asked.iter().map(|(i, _)| *i).collect();
    let mut unknown = intents::leftover(&toks, &used, &name_words);

    // a follow-up: a bare term takes the last question's intents, a bare
    // intent its terms
    if let Some(ctx) = before {
        if wanted.is_empty() && topic.is_none() && (!entities.is_empty() || unknown.is_some()) {
            wanted = ctx.intents.clone();
        } else if wanted.is_empty()
            && topic.is_none()
            && toks.len() <= 4
            && toks.iter().any(|t| {
                matches!(
                    t.norm.as_str(),
                    "when" | "since" | "where" | "how" | "what" | "which" | "really"
                )
            })
        {
            // "since when?", "really?": the same question again
            wanted = ctx.intents.clone();
            entities = ctx.entities.clone();
        } else if !wanted.is_empty()
            && entities.is_empty()
            && unknown.is_none()
            && intents::refers_back(&toks)
            && wanted
                .iter()
                .all(|i| matches!(i, Intent::Years | Intent::Skill | Intent::Projects))
        {
            entities = ctx.entities.clone();
        }
    }
    // "Does she have leadership experience?" asks about a skill
    if wanted.is_empty()
        && topic.is_none()
        && entities.is_empty()
        && unknown.is_some()
        && toks.iter().any(|t| t.norm.starts_with("experience"))
    {
        wanted.push(Intent::Skill);
    }
    // "Tell me about Loom": the term says what to tell
    if wanted == [Intent::Summary] && !entities.is_empty() {
        wanted.clear();
    }
    // a bare term stands for its intent, unless the question is about an
    // out-of-scope topic ("What is her salary at Acme?")
    if wanted.is_empty() && topic.is_none() {
        let mut from_terms: Vec<Intent> = entities.iter().map(intent_of).collect();
        if from_terms.is_empty() && unknown.is_some() {
            // "Haskell?" alone is not a question we can place
            unknown = None;
        }
        from_terms.sort();
        from_terms.dedup();
        wanted = from_terms;
    }
    // a summary is what is left when nothing more precise was asked
    if wanted.len() > 1 || topic.is_some() {
        wanted.retain(|i| *i != Intent::Summary);
    }
    let has_company = entities.iter().any(|e| e.is(&[Kind::Company]));
    let has_tech = entities.iter().any(is_tech);
    let has_title = entities.iter().any(|e| e.is(&[Kind::Title]));
    // "What projects has she worked on?", "Which projects use Rust?" ask
    // about projects
    if wanted.contains(&Intent::Projects) && !has_company && !has_title {
        wanted.retain(|i| !matches!(i, Intent::Past | Intent::Skill));
    }
    // "Has she worked with Kubernetes?" asks about a skill
    if wanted.contains(&Intent::Past)
        && !has_company
        && !has_title
        && (has_tech || unknown.is_some())
    {
        wanted.retain(|i| *i != Intent::Past);
        if !wanted.contains(&Intent::Skill) && !wanted.contains(&Intent::Years) {
            wanted.push(Intent::Skill);
        }
        wanted.sort();
    }
    // the years answer says whether the skill or the employer is there
    if wanted.contains(&Intent::Years) && (has_tech || has_company || unknown.is_some()) {
        wanted.retain(|i| !matches!(i, Intent::Skill | Intent::Past | Intent::Current));
    }
    // "current" next to a certification asks whether it is still valid
    if wanted.contains(&Intent::Certifications) {
        wanted.retain(|i| *i != Intent::Current);
    }

    let mut p = Plan {
        toks,
        normalised: asked_words,
        asked,
        wanted,
        entities,
        unknown,
        topic,
        topic_at,
    };
    // parts answer in the order they were asked; inferred ones last
    let mut wanted = std::mem::take(&mut p.wanted);
    wanted.sort_by_key(|i| (p.at(i), *i));
    p.wanted = wanted;
    p
}
