//! The words a question can name: the profile's own vocabulary (skills and
//! their keywords, companies, titles, institutions, degrees, certifications
//! and issuers, projects and their technologies), a small synonym table that
//! makes `JS` and `JavaScript` one term, and a list of common technologies
//! that lets the engine say "not listed" instead of "not understood".

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::facts::Facts;
use super::hash::{FastMap, FastSet};
use super::normalise::{Token, each_word_in, words};

/// Groups of spellings of one term; the first is how answers name it.
const SYNONYMS: &[&[&str]] = &[
    &["JavaScript", "js", "ecmascript", "es6"],
    &["TypeScript", "ts"],
    &["Kubernetes", "k8s", "kube"],
    &["PostgreSQL", "postgres", "psql", "pgsql"],
    &["Python", "py", "python3"],
    &["Go", "golang"],
    &["C#", "csharp", "c sharp"],
    &["C++", "cpp", "cplusplus"],
    &["Node.js", "node", "nodejs", "node js"],
    &["React", "reactjs", "react.js", "react js"],
    &["Vue", "vuejs", "vue.js"],
    &["Amazon Web Services", "aws", "amazon aws"],
    &["Google Cloud", "gcp", "google cloud platform"],
    &["Microsoft Azure", "azure"],
    &["Machine learning", "ml"],
    &["Artificial intelligence", "ai"],
    &["MongoDB", "mongo"],
    &["Elasticsearch", "elastic search"],
    &["Ruby on Rails", "rails", "ror"],
    &["Rust", "rustlang", "rust lang"],
    &["SQL", "structured query language"],
    &["CI/CD", "ci cd", "ci", "continuous integration"],
    &["Terraform", "tf"],
    &["GraphQL", "gql"],
    &["Objective-C", "objective c", "objc"],
    &[
        "master's degree",
        "master",
        "masters",
        "msc",
        "m.sc",
        "mba",
        "meng",
        "m.eng",
        "grad school",
        "graduate school",
        "graduate degree",
        "postgraduate",
        "master of science",
        "master of arts",
    ],
    &[
        "bachelor's degree",
        "bachelor",
        "bachelors",
        "bsc",
        "b.sc",
        "beng",
        "b.eng",
        "undergraduate",
        "undergrad",
        "bachelor of science",
        "bachelor of arts",
    ],
    &["PhD", "ph.d", "doctorate", "doctoral", "dphil"],
    &["Certified Kubernetes Administrator", "cka"],
    &["Certified Kubernetes Application Developer", "ckad"],
];

/// Technologies people ask about, so "Does she know Haskell?" is a skill
/// question answered "not listed" rather than a question not understood.
const TECHNOLOGIES: &[&str] = &[
    "haskell",
    "java",
    "scala",
    "kotlin",
    "swift",
    "php",
    "perl",
    "elixir",
    "erlang",
    "clojure",
    "ocaml",
    "f#",
    "fortran",
    "cobol",
    "matlab",
    "julia",
    "dart",
    "flutter",
    "lua",
    "zig",
    "nim",
    "ruby",
    "c",
    "r",
    "assembly",
    "bash",
    "powershell",
    "angular",
    "svelte",
    "django",
    "flask",
    "fastapi",
    "spring",
    "laravel",
    "symfony",
    ".net",
    "dotnet",
    "express",
    "next.js",
    "jquery",
    "kafka",
    "rabbitmq",
    "redis",
    "mysql",
    "mariadb",
    "sqlite",
    "oracle",
    "cassandra",
    "dynamodb",
    "graphql",
    "grpc",
    "linux",
    "windows",
    "macos",
    "git",
    "ansible",
    "puppet",
    "chef",
    "jenkins",
    "docker",
    "spark",
    "hadoop",
    "airflow",
    "tensorflow",
    "pytorch",
    "keras",
    "pandas",
    "numpy",
    "excel",
    "figma",
    "photoshop",
    "salesforce",
    "sap",
    "tableau",
    "power bi",
    "html",
    "css",
    "sass",
    "webassembly",
    "wasm",
    "unity",
    "unreal",
    "blockchain",
    "solidity",
    "ethereum",
    "openstack",
    "nginx",
    "apache",
    "tokio",
    "serde",
    "actix",
    "axum",
    "webpack",
    "vite",
    "jest",
    "selenium",
    "cypress",
    "jira",
    "scrum",
    "agile",
    "kanban",
    "devops",
    "sre",
    "security",
    "cryptography",
    "networking",
    "embedded",
    "fpga",
    "verilog",
    "vhdl",
    "arduino",
    "raspberry pi",
    "ios",
    "android",
    "xamarin",
    "electron",
    "qt",
    "gtk",
    "opengl",
    "vulkan",
    "cuda",
    "llm",
    "nlp",
    "computer vision",
    "deep learning",
    "data science",
    "statistics",
    "prometheus",
    "grafana",
    "datadog",
    "splunk",
    "helm",
    "istio",
    "openshift",
    "heroku",
    "vercel",
    "netlify",
    "firebase",
    "supabase",
    "snowflake",
    "bigquery",
    "redshift",
    "dbt",
    "looker",
    "spss",
    "sas",
    "stata",
    "latex",
    "wordpress",
    "drupal",
    "shopify",
    "magento",
];

/// alias (normal form) → the key of its group; each group's key maps to its
/// display spelling. Built once.
struct Table {
    alias: FastMap<String, String>,
    display: FastMap<String, &'static str>,
    /// key → every phrase `canon` reads as it (`phrases_of`)
    phrases: FastMap<String, Vec<String>>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut alias = FastMap::default();
        let mut display = FastMap::default();
        for group in SYNONYMS {
            let head = words(group[0]).join(" ");
            for a in group.iter().skip(1) {
                alias.insert(words(a).join(" "), head.clone());
                alias.insert((*a).to_string(), head.clone());
            }
            display.insert(head, group[0]);
        }
        let mut phrases: FastMap<String, Vec<String>> = FastMap::default();
        for (a, k) in &alias {
            phrases.entry(k.clone()).or_default().push(a.clone());
        }
        for (k, list) in phrases.iter_mut() {
            list.sort();
            if !alias.contains_key(k) {
                list.insert(0, k.clone());
            }
        }
        Table {
            alias,
            display,
            phrases,
        }
    })
}

/// The canonical key of a term: its normal form, or its synonym group's.
pub fn canon(norm: &str) -> String {
    table()
        .alias
        .get(norm)
        .cloned()
        .unwrap_or_else(|| norm.to_string())
}

/// How answers name a term the profile does not spell (a synonym group's
/// first spelling, else the words as asked).
/// Every phrase (words joined by spaces) that `canon` reads as `key`: the
/// key itself when it is canonical, and each of its synonyms.
pub fn phrases_of(key: &str) -> Vec<String> {
    match table().phrases.get(key) {
        Some(p) => p.clone(),
        None if canon_ref(key) == key => vec![key.to_string()],
        None => Vec::new(),
    }
}

pub fn display(key: &str, asked: &str) -> String {
    table()
        .display
        .get(key)
        .map_or_else(|| asked.to_string(), |d| d.to_string())
}

pub fn is_known_term(key: &str) -> bool {
    static KNOWN: OnceLock<FastSet<&'static str>> = OnceLock::new();
    let known = KNOWN.get_or_init(|| TECHNOLOGIES.iter().copied().collect());
    known.contains(key) || table().display.contains_key(key)
}

/// The degree groups, by key: a question naming one asks about education.
pub fn is_degree(key: &str) -> bool {
    ["master's degree", "bachelor's degree", "phd"]
        .iter()
        .any(|d| canon(&words(d).join(" ")) == key)
}

/// Legal suffixes a company is named without ("Acme" for "Acme Ltd").
const LEGAL: &[&str] = &[
    "ltd",
    "limited",
    "inc",
    "llc",
    "gmbh",
    "co",
    "corp",
    "corporation",
    "plc",
    "sa",
    "ag",
    "bv",
    "srl",
    "pty",
    "company",
    "llp",
    "oy",
    "ab",
    "as",
];

/// The keys a company answers to: its whole name, and without a legal suffix.
pub fn company_keys(name: &str) -> Vec<String> {
    let w = words(name);
    let mut keys = vec![canon(&w.join(" "))];
    if w.len() > 1 && LEGAL.contains(&w[w.len() - 1].as_str()) {
        keys.push(canon(&w[..w.len() - 1].join(" ")));
    }
    keys
}

/// Where a term of the vocabulary comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Skill,
    Keyword,
    Company,
    Title,
    Institution,
    Degree,
    Area,
    Cert,
    Issuer,
    Project,
    /// A network the profile links to ("Kaggle").
    Link,
}

/// The profile's own terms: canonical key → (kind, spelling in the profile).
pub struct Vocabulary {
    terms: BTreeMap<String, Vec<(Kind, String)>>,
}

/// The longest term the engine looks for, in words.
pub const MAX_WORDS: usize = 5;

/// The words of `text` joined by spaces (`normalise`) into `buf`; returns
/// how many there are.
fn joined_words(text: &str, buf: &mut String, lower: &mut String) -> usize {
    buf.clear();
    let mut n = 0;
    each_word_in(text, lower, |x| {
        if n > 0 {
            buf.push(' ');
        }
        buf.push_str(x);
        n += 1;
    });
    n
}

/// `canon`, borrowed.
fn canon_ref(norm: &str) -> &str {
    table().alias.get(norm).map_or(norm, String::as_str)
}

impl Vocabulary {
    pub fn of(f: &Facts) -> Vocabulary {
        Vocabulary::build(f, None)
    }

    /// The profile's terms a question can name: it needs no others, and
    /// they are never copied (building every term was an eighth of an
    /// ask's CPU).
    pub fn of_asked(f: &Facts, asked: &Asked) -> Vocabulary {
        Vocabulary::build(f, Some(asked))
    }

    fn build(f: &Facts, asked: Option<&Asked>) -> Vocabulary {
        let mut b = Builder {
            terms: BTreeMap::new(),
            asked,
            joined: String::new(),
            lower: String::new(),
        };
        for s in &f.skills {
            b.add(Kind::Skill, &s.name);
            s.keywords.iter().for_each(|k| b.add(Kind::Keyword, k));
        }
        for r in &f.roles {
            b.add(Kind::Company, &r.company);
            b.add(Kind::Title, &r.title);
        }
        for e in &f.education {
            b.add(Kind::Institution, &e.institution);
            e.study_type.iter().for_each(|d| b.add(Kind::Degree, d));
            e.area.iter().for_each(|a| b.add(Kind::Area, a));
        }
        for c in &f.certifications {
            b.add(Kind::Cert, &c.name);
            b.add(Kind::Issuer, &c.issuer);
        }
        for (net, _) in &f.links {
            b.add(Kind::Link, net);
        }
        for p in &f.projects {
            b.add(Kind::Project, &p.name);
            p.keywords.iter().for_each(|k| b.add(Kind::Keyword, k));
        }
        // "Acme" names "Acme Ltd" (`company_keys`), after every other term
        for r in &f.roles {
            b.add_without_legal_suffix(&r.company);
        }
        Vocabulary { terms: b.terms }
    }

    pub fn get(&self, key: &str) -> Option<&[(Kind, String)]> {
        self.terms.get(key).map(Vec::as_slice)
    }
}

/// `Vocabulary::build` at work: the terms so far, the question's keys
/// (none: every term), and the buffers each term's words are joined in.
struct Builder<'q> {
    terms: BTreeMap<String, Vec<(Kind, String)>>,
    asked: Option<&'q Asked>,
    joined: String,
    lower: String,
}

impl Builder<'_> {
    /// `text` (as the profile spells it) as a term of this kind.
    fn add(&mut self, kind: Kind, text: &str) {
        if self.asked.is_some_and(|a| !a.may_name(text)) {
            return;
        }
        let n = joined_words(text, &mut self.joined, &mut self.lower);
        if n > 0 && n <= MAX_WORDS {
            let asked = self.asked;
            put(
                &mut self.terms,
                |key| asked.is_none_or(|a| a.names(key)),
                canon_ref(&self.joined),
                kind,
                text,
            );
        }
    }

    /// A company's name without its legal suffix, when it has one.
    fn add_without_legal_suffix(&mut self, company: &str) {
        // plain words whose last is no legal suffix: nothing to add
        if let Some((_, last)) = company.rsplit_once(' ')
            && !last.is_empty()
            && last.bytes().all(|c| c.is_ascii_alphanumeric())
            && !LEGAL.iter().any(|l| l.eq_ignore_ascii_case(last))
        {
            return;
        }
        let n = joined_words(company, &mut self.joined, &mut self.lower);
        if let Some((short, last)) = self.joined.rsplit_once(' ')
            && n > 1
            && LEGAL.contains(&last)
        {
            let asked = self.asked;
            put(
                &mut self.terms,
                |key| asked.is_none_or(|a| a.names(key)),
                canon_ref(short),
                Kind::Company,
                company,
            );
        }
    }
}

/// The term `key` of this kind, spelt `text`, unless `keep` leaves it out
/// or the key has that kind already.
fn put(
    terms: &mut BTreeMap<String, Vec<(Kind, String)>>,
    keep: impl Fn(&str) -> bool,
    key: &str,
    kind: Kind,
    text: &str,
) {
    if !keep(key) {
        return;
    }
    let entry = match terms.get_mut(key) {
        Some(e) => e,
        None => terms.entry(key.to_string()).or_default(),
    };
    if !entry.iter().any(|(k, _)| *k == kind) {
        entry.push((kind, text.trim().to_string()));
    }
}

/// A term found in a question.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub key: String,
    /// As the profile spells it, else as the synonym table or the asker does.
    pub display: String,
    /// Where the profile has it; empty for a term it does not have.
    pub kinds: Vec<Kind>,
    /// Index of its first token in the question.
    pub at: usize,
}

impl Entity {
    pub fn is(&self, kinds: &[Kind]) -> bool {
        self.kinds.iter().any(|k| kinds.contains(k))
    }
}

/// Words that are never a term by themselves ("go" in "go to school").
fn ambiguous(tokens: &[Token], i: usize, n: usize) -> bool {
    let w = &tokens[i].norm;
    let next = tokens.get(i + n).map(|t| t.norm.as_str());
    let prev = i.checked_sub(1).map(|p| tokens[p].norm.as_str());
    n == 1
        && match w.as_str() {
            "go" => matches!(next, Some("to" | "back" | "there" | "for")) || prev == Some("did"),
            "c" | "r" | "ai" | "ci" | "ts" | "tf" | "py" => {
                tokens[i].orig.chars().all(char::is_lowercase) && prev != Some("know")
            }
            _ => false,
        }
}

/// The question's words (normal forms) joined by single spaces: what
/// `names` looks terms up in.
pub fn joined(tokens: &[Token]) -> String {
    let mut out = String::new();
    join_into(tokens, &mut out);
    out
}

/// `joined`, into a buffer the caller reuses.
fn join_into(tokens: &[Token], out: &mut String) {
    out.clear();
    for (i, t) in tokens.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&t.norm);
    }
}

/// The keys a question can name: the hashes of the canonical keys of each
/// run of up to `MAX_WORDS` of its words (the only keys `find` looks up),
/// and of every spelling `canon` reads as one of them. A profile's terms are
/// built only when `names` says so (searching the question for each term's
/// every spelling was half of a question's plan), and a term of plain words
/// is left out by the hash of its lower case alone, before its words are
/// cut (`may_name`). Every spelling reads as its own key (tested), so a
/// key `canon` gives is a spelling of no other key, and among these hashes
/// it finds only a run's own. Two keys that hash alike build a term no run
/// names, which `find` then never finds: harmless.
pub struct Asked(Vec<u64>);

impl Asked {
    pub fn of(tokens: &[Token]) -> Asked {
        let mut hashes = Vec::with_capacity(tokens.len() * MAX_WORDS * 2);
        let mut joined = String::with_capacity(tokens.iter().map(|t| t.norm.len() + 1).sum());
        for n in 1..=MAX_WORDS.min(tokens.len()) {
            for run in tokens.windows(n) {
                join_into(run, &mut joined);
                let key = canon_ref(&joined);
                match table().phrases.get(key) {
                    // the key's spellings, the key itself among them when
                    // it is canonical
                    Some(list) => hashes.extend(list.iter().map(|p| key_hash(p))),
                    None => hashes.push(key_hash(key)),
                }
            }
        }
        Asked(hashes)
    }

    pub fn names(&self, key: &str) -> bool {
        self.0.contains(&key_hash(key))
    }

    /// Can `text`, as the profile spells it, be a term the question names?
    /// Answers for certain (false) only for plain words (ASCII letters and
    /// digits, one space apart), whose normal form is their lower case.
    fn may_name(&self, text: &str) -> bool {
        let mut buf = [0u8; 64];
        let b = text.as_bytes();
        if b.is_empty() || b.len() > buf.len() {
            return true;
        }
        let mut prev = b' ';
        for (i, &c) in b.iter().enumerate() {
            // a space first, after another or last is not plain
            if !(c.is_ascii_alphanumeric() || c == b' ' && prev != b' ') {
                return true;
            }
            buf[i] = c.to_ascii_lowercase();
            prev = c;
        }
        if prev == b' ' {
            return true;
        }
        let lower = std::str::from_utf8(&buf[..b.len()]).expect("ASCII");
        self.0.contains(&key_hash(lower))
    }
}

fn key_hash(key: &str) -> u64 {
    use std::hash::BuildHasher;
    std::hash::BuildHasherDefault::<super::hash::Fx>::default().hash_one(key)
}

/// Does one of the spellings `canon` reads as `key` stand in `joined` as
/// whole words? One pass over the text per spelling, where looking up every
/// run of words took a hash (and a copy) each.
fn has_spelling(joined: &str, key: &str) -> bool {
    let whole = |p: &str| {
        !p.is_empty()
            && joined.match_indices(p).any(|(at, _)| {
                let end = at + p.len();
                (at == 0 || joined.as_bytes()[at - 1] == b' ')
                    && (end == joined.len() || joined.as_bytes()[end] == b' ')
            })
    };
    match table().phrases.get(key) {
        Some(spellings) => spellings.iter().any(|p| whole(p)),
        None => canon_ref(key) == key && whole(key),
    }
}

/// The terms of a question, longest first, each token in at most one; marks
/// the tokens used in `used`.
pub fn find(tokens: &[Token], vocab: &Vocabulary, used: &mut [bool]) -> Vec<Entity> {
    let mut found = Vec::new();
    let mut joined = String::new();
    for n in (1..=MAX_WORDS).rev() {
        for i in 0..tokens.len().saturating_sub(n - 1) {
            if used[i..i + n].iter().any(|u| *u) || ambiguous(tokens, i, n) {
                continue;
            }
            let run = &tokens[i..i + n];
            join_into(run, &mut joined);
            let key = canon_ref(&joined);
            let entity = match vocab.get(key) {
                Some(hits) => Entity {
                    key: key.to_string(),
                    display: hits[0].1.clone(),
                    kinds: hits.iter().map(|(k, _)| *k).collect(),
                    at: i,
                },
                None if is_known_term(key) => {
                    let asked: Vec<&str> = run.iter().map(|t| t.orig).collect();
                    Entity {
                        display: display(key, &asked.join(" ")),
                        key: key.to_string(),
                        kinds: Vec::new(),
                        at: i,
                    }
                }
                None => continue,
            };
            used[i..i + n].iter_mut().for_each(|u| *u = true);
            // a term named twice is asked about once
            if !found.iter().any(|e: &Entity| e.key == entity.key) {
                found.push(entity);
            }
        }
    }
    found.sort_by_key(|e| e.at);
    // one answer about a dozen terms at most
    found.truncate(MAX_TERMS);
    found
}

/// The most terms one question is answered about.
pub const MAX_TERMS: usize = 12;

/// Does `text` name the term `key` (as a whole word sequence, any synonym)?
pub fn mentions(text: &str, key: &str) -> bool {
    with_scratch(|sc| {
        let Scratch { joined, lower } = sc;
        joined_words(text, joined, lower);
        // a key (normal form) longer than any run of words a term has
        has_spelling(joined, key) || (key.split(' ').count() > MAX_WORDS && joined.contains(key))
    })
}

/// `canon(&normalise(text)) == key`, without allocating.
pub fn is_key(text: &str, key: &str) -> bool {
    with_scratch(|sc| {
        joined_words(text, &mut sc.joined, &mut sc.lower);
        is_canon(&sc.joined, key)
    })
}

/// Buffers `mentions` and `is_key` reuse: an answer calls them for every
/// text of every role and project, and a copy of each word cost a third of
/// an ask's allocations.
#[derive(Default)]
struct Scratch {
    joined: String,
    lower: String,
}

fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    thread_local! {
        static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
    }
    SCRATCH.with(|s| match s.try_borrow_mut() {
        Ok(mut sc) => {
            let r = f(&mut sc);
            // a long text once does not stay with the thread
            if sc.joined.capacity() > 16 * 1024 {
                *sc = Scratch::default();
            }
            r
        }
        Err(_) => f(&mut Scratch::default()),
    })
}

/// `canon(norm) == key`, without making the canonical form.
fn is_canon(norm: &str, key: &str) -> bool {
    table().alias.get(norm).map_or(norm == key, |k| k == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_canonical_key_is_a_spelling_of_another() {
        // what `Asked` relies on to hold a question's keys and spellings in
        // one set: every spelling of a key reads as that key, so a key that
        // reads as itself is a spelling of itself alone
        let t = table();
        for (key, spellings) in &t.phrases {
            assert_eq!(canon(key), *key);
            for p in spellings {
                assert_eq!(canon(p), *key, "{p}");
            }
        }
        assert_eq!(canon("ci cd"), "ci cd");
        assert_eq!(canon("k8s"), "kubernetes");
    }

    #[test]
    fn synonyms_are_one_term() {
        assert_eq!(canon("js"), "javascript");
        assert_eq!(canon("javascript"), "javascript");
        assert_eq!(canon("k8s"), "kubernetes");
        assert_eq!(canon("grad school"), canon("master"));
        assert!(mentions("Built services on k8s and Postgres", "kubernetes"));
        assert!(mentions("Built services on k8s and Postgres", "postgresql"));
        assert!(!mentions("Rustic furniture", "rust"));
        let k8s = phrases_of("kubernetes");
        assert!(k8s.contains(&"kubernetes".to_string()) && k8s.contains(&"k8s".to_string()));
        assert!(phrases_of("k8s").is_empty());
        for p in phrases_of("postgresql") {
            assert_eq!(canon(&p), "postgresql");
        }
    }
}
