//! What a question asks, found by rules over its words: the intents it
//! names, the out-of-scope topic it touches, and the words left over once
//! those and the profile's terms are taken (a term the profile lacks).

use std::sync::OnceLock;

use super::hash::FastMap;
use super::normalise::Token;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Intent {
    OpenToWork,
    Current,
    Past,
    Years,
    Skill,
    Education,
    Certifications,
    Projects,
    Location,
    Contact,
    Summary,
}

/// Phrases (normal forms) that name an intent.
const CUES: &[(Intent, &[&str])] = &[
    (
        Intent::OpenToWork,
        &[
            "open to work",
            "open to",
            "open to new",
            "open for work",
            "looking for",
            "available",
            "availability",
            "job hunting",
            "job search",
            "job searching",
            "seeking",
            "hire",
            "hiring",
            "hireable",
            "recruit",
            "open to opportunities",
            "opportunities",
            "opportunity",
            "new role",
            "new job",
            "looking",
            "does she want",
            "does he want",
            "do they want",
            "interested in",
            "remote",
            "remotely",
            "relocation",
        ],
    ),
    (
        Intent::Current,
        &[
            "current role",
            "current job",
            "current position",
            "current title",
            "current employer",
            "current company",
            "currently",
            "work now",
            "working now",
            "right now",
            "at the moment",
            "nowadays",
            "doing now",
            "up to now",
            "these days",
            "these days",
            "where does she work",
            "where does he work",
            "where do they work",
            "where is she working",
            "where is he working",
            "who does she work for",
            "does she work for",
            "does he work for",
            "do they work for",
            "works for",
            "working for",
            "who does he work for",
            "who do they work for",
            "what does she do",
            "what does he do",
            "what do they do",
            "job title",
            "employer",
            "employed",
            "most recent",
            "latest role",
            "latest job",
            "last job",
            "last role",
            "present role",
            "present job",
            "current",
            "presently",
            "title",
        ],
    ),
    (
        Intent::Past,
        &[
            "previous",
            "previously",
            "past",
            "former",
            "formerly",
            "worked at",
            "worked for",
            "work history",
            "employment history",
            "employers",
            "companies",
            "career",
            "has she worked",
            "has he worked",
            "have they worked",
            "did she work",
            "did he work",
            "did they work",
            "before",
            "prior",
            "worked",
            "start at",
            "started at",
            "joined",
            "join",
        ],
    ),
    (
        Intent::Years,
        &[
            "how many years",
            "how long",
            "years",
            "year",
            "yrs",
            "how much experience",
            "how experienced",
            "seniority",
            "senior",
        ],
    ),
    (
        Intent::Skill,
        &[
            "know",
            "knows",
            "knowledge",
            "skill",
            "skills",
            "skilled",
            "proficient",
            "proficiency",
            "familiar",
            "level",
            "expert",
            "expertise",
            "good at",
            "use",
            "uses",
            "using",
            "used",
            "work with",
            "worked with",
            "experienced in",
            "experience with",
            "experience in",
            "competent",
            "fluent",
            "languages",
            "language",
            "technologies",
            "technology",
            "tools",
            "stack",
            "frameworks",
            "framework",
            "program in",
            "code in",
            "write",
            "strong",
            "strengths",
            "capable",
            "levels",
            "speak",
            "speaks",
            "spoken",
        ],
    ),
    (
        Intent::Education,
        &[
            "education",
            "educated",
            "degree",
            "degrees",
            "study",
            "studied",
            "studies",
            "studying",
            "university",
            "universities",
            "college",
            "school",
            "graduate",
            "graduated",
            "graduation",
            "alma mater",
            "academic",
            "diploma",
            "major",
            "majored",
            "qualification",
            "qualifications",
            "gpa",
            "grade",
            "grades",
            "learn",
            "learned",
        ],
    ),
    (
        Intent::Certifications,
        &[
            "certification",
            "certifications",
            "certified",
            "certificate",
            "certificates",
            "cert",
            "certs",
            "credential",
            "credentials",
            "license",
            "licenses",
            "licensed",
            "accreditation",
            "accredited",
            "expired",
            "expire",
            "expires",
            "still valid",
        ],
    ),
    (
        Intent::Projects,
        &[
            "project",
            "projects",
            "built",
            "build",
            "builds",
            "side project",
            "worked on",
            "working on",
            "portfolio",
            "open source",
            "created",
            "made",
        ],
    ),
    (
        Intent::Location,
        &[
            "where does she live",
            "where does he live",
            "where do they live",
            "where is she based",
            "where is he based",
            "where are they based",
            "where is she located",
            "where is she from",
            "where is he from",
            "where are they from",
            "location",
            "located",
            "based",
            "city",
            "country",
            "live",
            "lives",
            "living",
            "reside",
            "resides",
            "timezone",
            "time zone",
            "relocate",
            "where is she",
            "where is he",
        ],
    ),
    (
        Intent::Contact,
        &[
            "contact",
            "email",
            "e mail",
            "mail",
            "reach",
            "phone",
            "telephone",
            "call",
            "website",
            "web site",
            "homepage",
            "site",
            "linkedin",
            "github",
            "gitlab",
            "twitter",
            "mastodon",
            "links",
            "link",
            "social",
            "get in touch",
            "url",
            "blog",
            "number",
        ],
    ),
    (
        Intent::Summary,
        &[
            "who is",
            "who",
            "tell me about",
            "summary",
            "summarise",
            "summarize",
            "overview",
            "introduce",
            "introduction",
            "background",
            "bio",
            "about",
            "describe",
            "headline",
            "elevator pitch",
            "in short",
        ],
    ),
];

/// Topics outside the profile: a part that touches one is `unsupported`.
const OUT_OF_SCOPE: &[(&str, &[&str])] = &[
    (
        "pay",
        &[
            "salary",
            "salaries",
            "pay",
            "paid",
            "compensation",
            "wage",
            "wages",
            "earn",
            "earns",
            "earning",
            "earnings",
            "income",
            "money",
            "expected salary",
            "hourly rate",
            "day rate",
        ],
    ),
    (
        "age",
        &[
            "age",
            "how old",
            "born",
            "birthday",
            "birth",
            "date of birth",
        ],
    ),
    (
        "health",
        &[
            "health",
            "healthy",
            "sick",
            "illness",
            "disease",
            "disability",
            "disabled",
            "medical",
            "pregnant",
            "pregnancy",
            "weight",
            "height",
            "drugs",
            "alcohol",
        ],
    ),
    (
        "family and private life",
        &[
            "married",
            "marriage",
            "spouse",
            "wife",
            "husband",
            "boyfriend",
            "girlfriend",
            "children",
            "child",
            "kids",
            "kid",
            "family",
            "dating",
            "single",
            "home address",
            "password",
            "social security",
            "ssn",
            "criminal",
            "arrested",
        ],
    ),
    (
        "religion",
        &[
            "religion",
            "religious",
            "church",
            "mosque",
            "synagogue",
            "temple",
            "god",
            "christian",
            "muslim",
            "jewish",
            "hindu",
            "buddhist",
            "atheist",
        ],
    ),
    (
        "politics",
        &[
            "politics",
            "political",
            "vote",
            "votes",
            "voted",
            "voting",
            "democrat",
            "republican",
            "conservative",
            "liberal",
            "party",
            "election",
            "elections",
        ],
    ),
    (
        "identity",
        &[
            "gender",
            "sexuality",
            "sexual",
            "orientation",
            "race",
            "ethnicity",
            "ethnic",
            "nationality",
            "citizenship",
            "immigration",
            "visa",
        ],
    ),
    (
        "topics outside the profile",
        &[
            "weather",
            "joke",
            "recipe",
            "stock",
            "bitcoin",
            "capital of",
            "president",
            "football",
            "horoscope",
            "zodiac",
            "favourite",
            "favorite",
        ],
    ),
];

/// Words that carry no term of their own.
const STOPWORDS: &[&str] = &[
    "go",
    "hmm",
    "cool",
    "nice",
    "wow",
    "interesting",
    "sure",
    "right",
    "alright",
    "great",
    "highest",
    "lowest",
    "first",
    "latest",
    "last",
    "tech",
    "technical",
    "goes",
    "went",
    "gone",
    "going",
    "attend",
    "attended",
    "a",
    "an",
    "the",
    "and",
    "or",
    "but",
    "of",
    "in",
    "on",
    "at",
    "for",
    "with",
    "to",
    "from",
    "by",
    "as",
    "into",
    "about",
    "any",
    "some",
    "all",
    "much",
    "many",
    "more",
    "most",
    "very",
    "how",
    "what",
    "which",
    "who",
    "whom",
    "whose",
    "where",
    "when",
    "why",
    "whether",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "am",
    "do",
    "does",
    "did",
    "done",
    "doing",
    "have",
    "has",
    "had",
    "having",
    "she",
    "he",
    "they",
    "her",
    "his",
    "their",
    "them",
    "him",
    "hers",
    "theirs",
    "herself",
    "himself",
    "themselves",
    "i",
    "me",
    "my",
    "we",
    "us",
    "our",
    "you",
    "your",
    "it",
    "its",
    "this",
    "that",
    "these",
    "those",
    "there",
    "here",
    "can",
    "could",
    "would",
    "should",
    "will",
    "shall",
    "may",
    "might",
    "must",
    "please",
    "tell",
    "show",
    "list",
    "lists",
    "listed",
    "give",
    "mention",
    "mentioned",
    "mentions",
    "say",
    "says",
    "said",
    "also",
    "too",
    "else",
    "other",
    "others",
    "kind",
    "kinds",
    "type",
    "types",
    "sort",
    "sorts",
    "so",
    "yes",
    "no",
    "not",
    "if",
    "then",
    "than",
    "just",
    "only",
    "really",
    "well",
    "person",
    "candidate",
    "profile",
    "resume",
    "cv",
    "experience",
    "experiences",
    "work",
    "works",
    "working",
    "job",
    "jobs",
    "role",
    "roles",
    "position",
    "positions",
    "hold",
    "holds",
    "held",
    "get",
    "got",
    "gets",
    "like",
    "ok",
    "okay",
    "hi",
    "hello",
    "hey",
    "thanks",
    "thank",
    "there's",
    "what's",
    "where's",
    "who's",
    "she's",
    "he's",
    "they're",
    "does she",
    "any",
    "programming",
    "software",
    "professional",
    "professionally",
    "total",
    "overall",
    "altogether",
    "now",
    "today",
    "ever",
    "still",
    "yet",
    "again",
    "what about",
    "how about",
    "etc",
    "regarding",
    "good",
    "great",
    "best",
    "know",
    "she'd",
    "he'd",
    "did she",
    "s",
    "t",
    "d",
    "ll",
    "re",
    "ve",
    "let",
    "lets",
    "let's",
    "need",
    "want",
    "wants",
    "interested",
    "exactly",
    "approximately",
    "roughly",
    "around",
    "about",
    "her's",
    "ones",
    "one",
    "thing",
    "things",
    "bit",
    "lot",
    "lots",
    "been",
    "since",
    "until",
    "ago",
    "long",
    "time",
    "times",
    "valid",
    "current",
    "currently",
];

/// Where the words `p` first stand together, none of them used.
fn find_words(tokens: &[Token], used: &[bool], p: &[&str]) -> Option<usize> {
    (0..tokens.len().saturating_sub(p.len() - 1)).find(|&i| {
        p.iter()
            .enumerate()
            .all(|(j, w)| tokens[i + j].norm == *w && !used[i + j])
    })
}

/// Marks every occurrence of the phrase (its words) as used; where the
/// first one was.
fn mark(tokens: &[Token], used: &mut [bool], p: &[&str]) -> Option<usize> {
    let mut first = None;
    while let Some(i) = find_words(tokens, used, p) {
        used[i..i + p.len()].iter_mut().for_each(|u| *u = true);
        first = first.or(Some(i));
    }
    first
}

/// A list of phrases (as words) with, for each first word, the phrases
/// that start with it: a question is compared only with the phrases that
/// begin with one of its words, in the list's order (comparing it with
/// all 450 cue and topic phrases was a fifth of an answer's time).
struct Phrases<T: 'static> {
    list: Vec<(T, Vec<&'static str>)>,
    by_first: FastMap<&'static str, Vec<usize>>,
}

impl<T: Copy> Phrases<T> {
    fn new(list: Vec<(T, Vec<&'static str>)>) -> Phrases<T> {
        let mut by_first: FastMap<&'static str, Vec<usize>> = FastMap::default();
        for (i, (_, words)) in list.iter().enumerate() {
            by_first.entry(words[0]).or_default().push(i);
        }
        Phrases { list, by_first }
    }

    /// The phrases whose first word the question has, in the list's order.
    fn candidates(&self, tokens: &[Token]) -> impl Iterator<Item = &(T, Vec<&'static str>)> {
        let mut at: Vec<usize> = tokens
            .iter()
            .filter_map(|t| self.by_first.get(t.norm.as_str()))
            .flatten()
            .copied()
            .collect();
        at.sort_unstable();
        at.dedup();
        at.into_iter().map(|i| &self.list[i])
    }
}

/// Every cue phrase as words, longest first (a stable sort, so cues of one
/// length keep the table's order): made once, read by every question.
fn cues() -> &'static Phrases<Intent> {
    static CUE_WORDS: OnceLock<Phrases<Intent>> = OnceLock::new();
    CUE_WORDS.get_or_init(|| {
        let mut cues: Vec<(Intent, Vec<&'static str>)> = CUES
            .iter()
            .flat_map(|(i, ps)| ps.iter().map(move |p| (*i, p.split(' ').collect())))
            .collect();
        cues.sort_by_key(|(_, p)| std::cmp::Reverse(p.len()));
        Phrases::new(cues)
    })
}

/// The out-of-scope phrases as words, each with its topic's place in
/// `OUT_OF_SCOPE`.
fn topics() -> &'static Phrases<usize> {
    static TOPIC_WORDS: OnceLock<Phrases<usize>> = OnceLock::new();
    TOPIC_WORDS.get_or_init(|| {
        Phrases::new(
            OUT_OF_SCOPE
                .iter()
                .enumerate()
                .flat_map(|(t, (_, ws))| ws.iter().map(move |w| (t, w.split(' ').collect())))
                .collect(),
        )
    })
}

/// The intents a question names, each with the position of its first cue,
/// in the order they are asked. Their cue words are marked as used.
pub fn intents(tokens: &[Token], used: &mut [bool]) -> Vec<(Intent, usize)> {
    let mut found: Vec<(Intent, usize)> = Vec::new();
    // longer phrases first, so "where does she work" wins over "work"
    for (intent, phrase) in cues().candidates(tokens) {
        let intent = *intent;
        if let Some(at) = mark(tokens, used, phrase) {
            match found.iter_mut().find(|(i, _)| *i == intent) {
                Some(slot) => slot.1 = slot.1.min(at),
                None => found.push((intent, at)),
            }
        }
    }
    found.sort_by_key(|(i, at)| (*at, *i));
    found
}

/// The first out-of-scope topic the question touches (its category), and where.
pub fn out_of_scope(tokens: &[Token]) -> Option<(&'static str, usize)> {
    let none = vec![false; tokens.len()];
    // candidates come in table order: the first topic that matches wins,
    // at the first place any of its phrases stands
    let mut best: Option<(usize, usize)> = None;
    for (topic, words) in topics().candidates(tokens) {
        if best.is_some_and(|(t, _)| t != *topic) {
            break;
        }
        if let Some(at) = find_words(tokens, &none, words) {
            best = Some((*topic, best.map_or(at, |(_, b)| b.min(at))));
        }
    }
    best.map(|(t, at)| (OUT_OF_SCOPE[t].0, at))
}

/// The words not taken by an intent, a term, a stopword or the person's name:
/// a term the profile does not have ("haskell" in "Does she know Haskell?").
pub fn leftover(tokens: &[Token], used: &[bool], name_words: &[String]) -> Option<String> {
    let rest: Vec<&str> = tokens
        .iter()
        .zip(used)
        .filter(|(t, u)| {
            !**u && !STOPWORDS.contains(&t.norm.as_str())
                && !name_words.contains(&t.norm)
                && !t.norm.chars().all(|c| c.is_ascii_digit())
        })
        .map(|(t, _)| t.orig)
        .collect();
    (!rest.is_empty() && rest.len() <= 4).then(|| rest.join(" "))
}

/// Words that refer back to an earlier question ("and her Python?").
pub fn refers_back(tokens: &[Token]) -> bool {
    let first = tokens.first().map(|t| t.norm.as_str());
    matches!(first, Some("and" | "also" | "what" | "how" | "plus")) && tokens.len() <= 6
        || tokens
            .iter()
            .any(|t| matches!(t.norm.as_str(), "it" | "that" | "there" | "them" | "those"))
}
