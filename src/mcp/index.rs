//! Every public candidate in memory, in username order, for the tools that
//! read them all (`list_candidates`, `search_candidates`, `rank_candidates`
//! and the job vocabulary of `explain_fit` and `skill_gap`): reading and
//! parsing 10 000 résumés on every call took seconds.
//!
//! Kept current from the database itself, so no write path has to know
//! about it: triggers count every change to who is public and to the public
//! renderings in `public_version` (schema.sql). A call first brings stale
//! résumés up to date (as a search does), then compares that count with the
//! index's own; when it moved, the index re-reads the ETags of all public
//! renderings and rebuilds only the entries whose ETag changed, drops the
//! ones gone private or disabled, and adds the new ones. A profile that goes
//! private is gone from the very next call.
//!
//! An entry holds what ranking and search read, precomputed: each listed
//! skill under its canonical key, the words of each role and project (as ids
//! into one word table, for `has`), the words of the whole public résumé (for
//! the text filter), the years of experience, and the short form a list shows.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use rusqlite::OptionalExtension;
use serde_json::Value;

use super::candidates::{Has, key_of, months_of_experience, years};
use super::fit::Job;
use crate::ask::Facts;
use crate::ask::normalise::{each_word, normalise, words};
use crate::ask::today;
use crate::ask::vocabulary::{MAX_WORDS, Vocabulary, phrases_of};
use crate::error::{ApiError, ApiResult};
use crate::resume::derived;
use crate::store::db::Pool;

/// Words as numbers: each distinct normalised word once, for the whole index.
#[derive(Default)]
pub struct Words {
    ids: HashMap<String, u32>,
    all: Vec<String>,
}

impl Words {
    fn id(&mut self, w: &str) -> u32 {
        if let Some(&id) = self.ids.get(w) {
            return id;
        }
        let id = self.all.len() as u32;
        self.ids.insert(w.to_string(), id);
        self.all.push(w.to_string());
        id
    }

    /// The ids of the words of `texts`, sorted, each once.
    fn set<'t>(&mut self, texts: impl IntoIterator<Item = &'t str>) -> Vec<u32> {
        let mut v = Vec::new();
        for t in texts {
            each_word(t, |w| v.push(self.id(w)));
        }
        v.sort_unstable();
        v.dedup();
        v
    }

    pub fn get(&self, w: &str) -> Option<u32> {
        self.ids.get(w).copied()
    }
}

/// A role or project, as `has` reads it.
struct Place {
    /// "experience: Title at Company" or "project: Name"
    where_: String,
    /// The words of its texts.
    words: Vec<u32>,
    /// A project's keywords, by canonical key (as word ids).
    keys: Vec<u32>,
}

pub struct Entry {
    pub user_id: String,
    pub username: String,
    json_etag: String,
    /// The short form lists show (`candidates::summary`), made once.
    pub summary: Value,
    pub full_name: String,
    pub open_to_work: bool,
    location: Option<String>,
    /// Years of experience on `Index::day`.
    pub years: f64,
    /// (canonical key as a word id, index into `skills`): skill names
    /// first, then their keywords.
    listed: Vec<(u32, usize)>,
    places: Vec<Place>,
    /// The words of the whole public résumé.
    text: Vec<u32>,
    /// The skills (names and keywords) for the job vocabulary.
    skills: Vec<crate::ask::facts::Skill<'static>>,
}

impl Entry {
    fn of(user_id: String, json_etag: String, public: &Value, words: &mut Words) -> Entry {
        let f = Facts::from_public(public);
        let mut listed = Vec::new();
        for (i, s) in f.skills.iter().enumerate() {
            listed.push((words.id(&key_of(&s.name)), i));
        }
        for (i, s) in f.skills.iter().enumerate() {
            for k in s.keywords.iter() {
                listed.push((words.id(&key_of(k)), i));
            }
        }
        let mut places = Vec::new();
        for r in &f.roles {
            places.push(Place {
                where_: format!("experience: {} at {}", r.title, r.company),
                words: words.set(r.texts()),
                keys: Vec::new(),
            });
        }
        for p in &f.projects {
            places.push(Place {
                where_: format!("project: {}", p.name),
                words: words.set(p.texts()),
                keys: p.keywords.iter().map(|k| words.id(&key_of(k))).collect(),
            });
        }
        let mut all = Vec::new();
        texts(public, &mut all);
        let text = words.set(all);
        let months = months_of_experience(&f);
        Entry {
            summary: serde_json::json!({
                "username": f.username,
                "full_name": f.full_name,
                "headline": f.headline,
                "location": f.location,
                "open_to_work": f.open_to_work,
                "years_of_experience": years(months),
                "skills": f.skills.iter().map(|s| s.name.clone()).collect::<Vec<_>>(),
                "uri": format!("restume://profiles/{}", f.username),
            }),
            user_id,
            username: f.username.to_string(),
            json_etag,
            full_name: f.full_name.to_string(),
            open_to_work: f.open_to_work,
            location: f.location.as_deref().map(normalise),
            years: years(months),
            listed,
            places,
            text,
            skills: f.skills.iter().map(|s| s.owned()).collect(),
        }
    }
}

/// What the job vocabulary reads of an entry's skills.
fn skill_names(e: &Entry) -> impl Iterator<Item = (&str, &[crate::ask::facts::Text<'static>])> {
    e.skills.iter().map(|s| (&*s.name, &*s.keywords))
}

/// The texts of a JSON value (not its keys): what the text filter matches.
fn texts<'v>(v: &'v Value, out: &mut Vec<&'v str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(a) => a.iter().for_each(|x| texts(x, out)),
        Value::Object(m) => m.values().for_each(|x| texts(x, out)),
        _ => {}
    }
}

/// A skill key as the index looks for it: the phrases that mean it, as word ids.
pub struct Term {
    key: String,
    /// `None`: no résumé has the key, so no one lists it.
    id: Option<u32>,
    /// Each phrase's words; a phrase with a word no résumé has is left out.
    phrases: Vec<Vec<u32>>,
    /// Some phrase has several words (their order is not in the index) or
    /// the key is longer than any phrase the engine looks for: when its words
    /// appear, only the full check (`candidates::has`) can tell.
    long: bool,
    /// The key is longer than any phrase the engine looks for: it is found
    /// inside longer text, so only the full check can tell, always.
    too_long: bool,
}

pub struct Index {
    version: i64,
    /// The day `years` were computed for.
    day: i64,
    pub entries: Vec<Arc<Entry>>,
    pub words: Words,
    /// Word ids in the order of their words.
    sorted: Vec<u32>,
    /// For each word id, the positions of the entries whose résumé has it.
    postings: Vec<Vec<u32>>,
    /// For each word id, the entries with it in a role or project.
    mentions: Vec<Vec<u32>>,
    /// For each key (word id), the entries with a project keyword of it.
    keywords: HashMap<u32, Vec<u32>>,
    /// For each key (word id), the entries that list it as a skill.
    listers: HashMap<u32, Vec<u32>>,
    /// Each entry's years, by position, side by side: ranking reads the
    /// years of every entry, and reaching them through each entry's own
    /// allocation was a cache miss per candidate (a quarter of a call).
    pub years: Vec<f64>,
    /// The same in tenths of a year (`candidates::years` rounds to one
    /// decimal), so a ranking looks each entry's years points up in a table
    /// of a few hundred instead of dividing and rounding 10 000 times.
    /// `None` if some entry's years are not exactly their tenths / 10.
    pub tenths: Option<Vec<u32>>,
    /// Shared with the next index when no candidate's skills changed (an
    /// edit of a headline or a role): building it again took the first call
    /// after every edit a long while, and every other call waited for it.
    vocabulary: Arc<OnceLock<Vocabulary>>,
    /// Job texts already read against this index's vocabulary: an agent
    /// sends the same job for every page and every candidate it explains,
    /// and reading one costs more than ranking 10 000 candidates with it.
    /// One caller reads a new text while the others with it wait for that
    /// reading (50 agents sending one new job each read it at once, and the
    /// first second of calls took 100-250 ms instead of a few).
    jobs: Arc<Mutex<Jobs>>,
}

/// Job text → its reading, once one caller has made it.
type Jobs = HashMap<String, Arc<OnceLock<Arc<Job>>>>;

/// The job texts kept per index (then the cache starts again), and the
/// longest kept: a few hundred ordinary job descriptions, a few MB at most.
const JOBS_KEPT: usize = 256;
const JOB_KEPT_LEN: usize = 16 * 1024;

impl Term {
    pub fn key(&self) -> &str {
        &self.key
    }
}

impl Index {
    pub fn term(&self, key: &str) -> Term {
        let mut long = false;
        let phrases = phrases_of(key)
            .iter()
            .filter_map(|p| {
                let ws = words(p);
                if ws.len() > 1 {
                    long = true;
                }
                ws.iter()
                    .map(|w| self.words.get(w))
                    .collect::<Option<Vec<u32>>>()
            })
            .collect();
        Term {
            key: key.to_string(),
            id: self.words.get(key),
            phrases,
            long: long || key.contains(' '),
            too_long: words(key).len() > MAX_WORDS,
        }
    }

    /// Where `e` has the skill of `t` (`candidates::has`, from the index).
    /// `None` when only the full check can tell (a phrase of several words
    /// whose words all appear).
    pub fn has(&self, e: &Entry, t: &Term) -> Option<Has> {
        if let Some(&(_, i)) = t.id.and_then(|id| e.listed.iter().find(|(k, _)| *k == id)) {
            let s = &e.skills[i];
            return Some(Has::Listed {
                name: s.name.to_string(),
                years: s.years,
            });
        }
        if t.too_long {
            return None;
        }
        for p in &e.places {
            let found = t
                .phrases
                .iter()
                .any(|ph| ph.iter().all(|w| p.words.binary_search(w).is_ok()));
            if found && t.long {
                return None;
            }
            if found || t.id.is_some_and(|id| p.keys.contains(&id)) {
                return Some(Has::Mentioned {
                    where_: p.where_.clone(),
                });
            }
        }
        Some(Has::No)
    }

    /// How every entry (by position) has the skill of `t`: 2 listed, 1
    /// mentioned, 0 not at all, as `has` says, from the postings; and the
    /// entries only `has` can tell (every word of a phrase of several words
    /// appears, not necessarily together), each once.
    pub fn grades(&self, t: &Term) -> (Vec<u8>, Vec<u32>) {
        let n = self.entries.len();
        let mut g = vec![0u8; n];
        let mut mark = |list: Option<&Vec<u32>>, grade: u8| {
            for &e in list.map_or(&[][..], Vec::as_slice) {
                g[e as usize] = g[e as usize].max(grade);
            }
        };
        for ph in t.phrases.iter().filter(|ph| ph.len() == 1) {
            mark(self.mentions.get(ph[0] as usize), 1);
        }
        if let Some(id) = t.id {
            mark(self.keywords.get(&id), 1);
            mark(self.listers.get(&id), 2);
        }
        // most skills are one word: no entry needs the full check
        if !t.too_long && t.phrases.iter().all(|ph| ph.len() < 2) {
            return (g, Vec::new());
        }
        let mut unsure = vec![t.too_long; n];
        let mut all = vec![0u8; n];
        for ph in t.phrases.iter().filter(|ph| ph.len() > 1) {
            all.iter_mut().for_each(|c| *c = 0);
            for &w in ph {
                for &e in self.mentions.get(w as usize).map_or(&[][..], Vec::as_slice) {
                    all[e as usize] = all[e as usize].saturating_add(1);
                }
            }
            for (u, &c) in unsure.iter_mut().zip(&all) {
                *u |= usize::from(c) >= ph.len();
            }
        }
        let unsure = (0..n as u32)
            .filter(|&e| unsure[e as usize] && g[e as usize] < 2)
            .collect();
        (g, unsure)
    }

    /// Whether `e` lists the skill (`Has::Listed`), which never needs the full check.
    pub fn lists(&self, e: &Entry, key: &str) -> bool {
        self.words
            .get(key)
            .is_some_and(|id| e.listed.iter().any(|(k, _)| *k == id))
    }

    /// Which entries (by position) the text filter keeps: every word of it
    /// begins a word of the résumé. `None` when there is no text filter.
    pub fn text_matches(&self, text_words: &[String]) -> Option<Vec<bool>> {
        if text_words.is_empty() {
            return None;
        }
        let mut keep = vec![true; self.entries.len()];
        for w in text_words {
            // the words that begin with `w` are one run of the sorted table
            let from = self
                .sorted
                .partition_point(|&id| self.words.all[id as usize].as_str() < w.as_str());
            let mut has = vec![false; self.entries.len()];
            for &id in self.sorted[from..]
                .iter()
                .take_while(|&&id| self.words.all[id as usize].starts_with(w.as_str()))
            {
                for &e in self
                    .postings
                    .get(id as usize)
                    .map_or(&[][..], Vec::as_slice)
                {
                    has[e as usize] = true;
                }
            }
            keep.iter_mut().zip(has).for_each(|(k, h)| *k &= h);
        }
        Some(keep)
    }

    pub fn location_matches(e: &Entry, wanted: &str) -> bool {
        e.location
            .as_deref()
            .is_some_and(|have| have.contains(wanted))
    }

    /// The terms a job text is read for (`fit::job_vocabulary`): every skill
    /// and keyword a public candidate lists, in username order.
    pub fn vocabulary(&self) -> &Vocabulary {
        self.vocabulary.get_or_init(|| {
            let mut seen: HashSet<(&str, Vec<&str>)> = HashSet::new();
            let mut skills = Facts::default();
            for e in &self.entries {
                for s in &e.skills {
                    let k: Vec<&str> = s.keywords.iter().map(|k| &**k).collect();
                    if seen.insert((&*s.name, k)) {
                        skills.skills.push(s.clone());
                    }
                }
            }
            Vocabulary::of(&skills)
        })
    }

    /// `text` read as a job (`read`, given this index's vocabulary), once
    /// per text while the index lasts.
    pub fn job(&self, text: &str, read: impl FnOnce(&Vocabulary) -> Job) -> Arc<Job> {
        if text.len() > JOB_KEPT_LEN {
            return Arc::new(read(self.vocabulary()));
        }
        let cell = {
            let mut jobs = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
            match jobs.get(text) {
                Some(c) => Arc::clone(c),
                None => {
                    if jobs.len() >= JOBS_KEPT {
                        jobs.clear();
                    }
                    let c = Arc::default();
                    jobs.insert(text.to_string(), Arc::clone(&c));
                    c
                }
            }
        };
        // read outside the map's lock: other texts are not held up
        Arc::clone(cell.get_or_init(|| Arc::new(read(self.vocabulary()))))
    }
}

/// The index of one server, built on first use.
#[derive(Default)]
pub struct Shared {
    current: RwLock<Option<Arc<Index>>>,
    /// One rebuild at a time; the others wait for it and use its result.
    building: Mutex<()>,
}

fn version(conn: &rusqlite::Connection) -> rusqlite::Result<i64> {
    Ok(conn
        .prepare_cached("SELECT n FROM public_version WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

impl Shared {
    /// The index as of now: stale résumés brought up to date first, and the
    /// index rebuilt where the public renderings changed.
    pub fn get(&self, pool: &Pool) -> ApiResult<Arc<Index>> {
        self.get_until(pool, &AtomicBool::new(false))
    }

    fn get_until(&self, pool: &Pool, stop: &AtomicBool) -> ApiResult<Arc<Index>> {
        let conn = pool.get()?;
        derived::settle(pool, &conn)?;
        let day = today();
        let fresh = |i: &Index, v: i64| i.version == v && i.day == day;
        let v = version(&conn)?;
        if let Some(i) = self.read().filter(|i| fresh(i, v)) {
            return Ok(i);
        }
        let _one = self.building.lock().unwrap_or_else(|e| e.into_inner());
        let v = version(&conn)?;
        let old = self.read();
        if let Some(i) = old.as_ref().filter(|i| fresh(i, v)) {
            return Ok(i.clone());
        }
        let built = Arc::new(rebuild(&conn, old.as_deref(), day, stop)?);
        // The job vocabulary is made now, by the call that waits for the
        // index anyway, not by the first ranking with every other call
        // behind it: for the first index, and after that while rankings use
        // it (a server whose recruiters only search stops paying for it).
        if old.as_ref().is_none_or(|o| o.vocabulary.get().is_some()) {
            built.vocabulary();
        }
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(built.clone());
        Ok(built)
    }

    fn read(&self) -> Option<Arc<Index>> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// A new index from the database, reusing the entries of `old` whose public
/// rendering has not changed (and, on another day, recomputing their years).
fn rebuild(
    conn: &rusqlite::Connection,
    old: Option<&Index>,
    day: i64,
    stop: &AtomicBool,
) -> ApiResult<Index> {
    // one read transaction: the count and the renderings it counts agree
    let tx = conn.unchecked_transaction()?;
    let version = version(&tx)?;
    let rows: Vec<(String, String)> = tx
        .prepare_cached(
            "SELECT u.id, r.json_etag FROM users u JOIN public_renders r ON r.user_id = u.id
             WHERE u.is_disabled = 0 AND r.json <> ''
               AND NOT EXISTS (SELECT 1 FROM stale_resumes s WHERE s.user_id = u.id)
             ORDER BY u.username_key",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let reuse: HashMap<&str, &Arc<Entry>> = match old {
        Some(i) if i.day == day => i.entries.iter().map(|e| (e.user_id.as_str(), e)).collect(),
        _ => HashMap::new(),
    };
    // the word table only grows while the server runs: ids stay valid
    let mut words = match old {
        Some(i) => Words {
            ids: i.words.ids.clone(),
            all: i.words.all.clone(),
        },
        None => Words::default(),
    };
    // the same candidates in the same order, none with other skills: the
    // job vocabulary (and the jobs read with it) stay as they are
    let mut same_skills = old.is_some_and(|o| o.entries.len() == rows.len())
        && old.is_some_and(|o| {
            o.entries
                .iter()
                .zip(&rows)
                .all(|(e, (id, _))| e.user_id == *id)
        });
    let mut entries = Vec::with_capacity(rows.len());
    let mut json = tx.prepare_cached("SELECT json FROM public_renders WHERE user_id = ?1")?;
    for (id, etag) in rows {
        if stop.load(Ordering::Relaxed) {
            return Err(ApiError::internal("the server is stopping"));
        }
        if let Some(e) = reuse.get(id.as_str()).filter(|e| e.json_etag == etag) {
            entries.push(Arc::clone(e));
            continue;
        }
        let body: String = json.query_row([&id], |r| r.get(0))?;
        let public: Value = serde_json::from_str(&body)
            .map_err(|e| ApiError::internal(format!("rendering: {e}")))?;
        let e = Entry::of(id, etag, &public, &mut words);
        same_skills &= reuse
            .get(e.user_id.as_str())
            .is_some_and(|o| skill_names(o).eq(skill_names(&e)));
        entries.push(Arc::new(e));
    }
    drop(json);
    tx.commit()?;
    let mut sorted: Vec<u32> = (0..words.all.len() as u32).collect();
    sorted.sort_unstable_by(|a, b| words.all[*a as usize].cmp(&words.all[*b as usize]));
    let mut postings: Vec<Vec<u32>> = vec![Vec::new(); words.all.len()];
    let mut mentions: Vec<Vec<u32>> = vec![Vec::new(); words.all.len()];
    let mut keywords: HashMap<u32, Vec<u32>> = HashMap::new();
    let mut listers: HashMap<u32, Vec<u32>> = HashMap::new();
    // each list once per entry, in entry order
    let push = |list: &mut Vec<u32>, i: u32| {
        if list.last() != Some(&i) {
            list.push(i);
        }
    };
    for (i, e) in entries.iter().enumerate() {
        let i = i as u32;
        for &id in &e.text {
            postings[id as usize].push(i);
        }
        for p in &e.places {
            for &id in &p.words {
                push(&mut mentions[id as usize], i);
            }
            for &id in &p.keys {
                push(keywords.entry(id).or_default(), i);
            }
        }
        for &(id, _) in &e.listed {
            push(listers.entry(id).or_default(), i);
        }
    }
    // what the first build took (parsed résumés, word lists) goes back to
    // the system; later ones parse a few résumés, and trimming every arena
    // after each edit cost more than it gave back
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if old.is_none() {
        unsafe {
            libc::malloc_trim(0);
        }
    }
    let (vocabulary, jobs) = match old {
        Some(o) if same_skills => (Arc::clone(&o.vocabulary), Arc::clone(&o.jobs)),
        _ => (Arc::default(), Arc::default()),
    };
    let years: Vec<f64> = entries.iter().map(|e| e.years).collect();
    let tenths = years
        .iter()
        .map(|&y| {
            let t = (y * 10.0).round();
            ((0.0..1e6).contains(&t) && (t as u32) as f64 / 10.0 == y).then_some(t as u32)
        })
        .collect();
    Ok(Index {
        version,
        day,
        years,
        tenths,
        entries,
        words,
        sorted,
        postings,
        mentions,
        keywords,
        listers,
        vocabulary,
        jobs,
    })
}
