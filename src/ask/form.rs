//! The engine's own form of a public rendering: its `Facts` in a compact
//! binary layout, made when the rendering is and kept beside it
//! (`public_asks`), read back borrowing every text. Parsing the JSON
//! rendering for each question was a tenth of an ask's CPU (perf); reading
//! this is a walk over lengths.
//!
//! Layout: a version byte; the pool, every text of every list of texts
//! (keywords, highlights, courses, roles wanted) in the order the lists come,
//! as its length in bytes, its count and the texts; then every field of
//! `Facts` in declaration order, a list of texts as its count alone (its
//! texts are the next ones of the pool). A number is LEB128; a text is its
//! length and its bytes; an absent text is 0 and a present one its length
//! plus one; a list of rows is its length and its rows; a flag is one byte.
//! Anything that does not read back whole (an older version, a damaged row)
//! reads as no form, and the engine reads the JSON instead.

use std::borrow::Cow;

use rusqlite::OptionalExtension;

use super::facts::{Cert, Facts, Project, Role, Skill, Study, Text, Texts};

/// Bumped whenever the layout or `Facts` changes: a form of another version
/// reads as none. Bump it with a migration that marks every public résumé
/// stale (`store::db`), as the first forms were made, or asks read the JSON
/// until each résumé next changes.
const VERSION: u8 = 1;

/// Keeps the form of the public rendering `json_etag` of `user_id`, made
/// from that rendering. Run in the transaction that stored the rendering.
pub fn keep(
    conn: &rusqlite::Connection,
    user_id: &str,
    json_etag: &str,
    public: &serde_json::Value,
) -> rusqlite::Result<()> {
    let current: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM public_asks WHERE user_id = ?1 AND json_etag = ?2)",
        )?
        .query_row([user_id, json_etag], |r| r.get(0))?;
    if current {
        return Ok(());
    }
    let form = encode(&Facts::from_public(public));
    conn.prepare_cached(
        "INSERT INTO public_asks (user_id, json_etag, form) VALUES (?1, ?2, ?3)
         ON CONFLICT (user_id) DO UPDATE SET json_etag = excluded.json_etag, form = excluded.form",
    )?
    .execute(rusqlite::params![user_id, json_etag, form])?;
    Ok(())
}

/// The owner of the public profile `username` and the form of its current
/// rendering, when one is kept and the résumé has not changed since; else
/// `None`, and the rendering itself is read (`routes::public::rendering`),
/// as fresh as a public read.
pub fn kept(
    conn: &rusqlite::Connection,
    username: &str,
) -> rusqlite::Result<Option<(String, Vec<u8>)>> {
    conn.prepare_cached(
        "SELECT u.id, a.form FROM users u JOIN public_asks a ON a.user_id = u.id
         WHERE u.username_key = ?1 AND u.is_disabled = 0
           AND NOT EXISTS (SELECT 1 FROM stale_resumes s WHERE s.user_id = u.id)",
    )?
    .query_row([username.to_ascii_lowercase()], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .optional()
}

pub fn encode(f: &Facts) -> Vec<u8> {
    let mut w = Writer {
        out: Vec::with_capacity(4096),
        pool: Vec::with_capacity(2048),
        pooled: 0,
    };
    w.text(&f.username);
    w.text(&f.full_name);
    w.opt(&f.headline);
    w.opt(&f.summary);
    w.opt(&f.location);
    w.opt(&f.public_email);
    w.opt(&f.phone);
    w.opt(&f.website);
    w.list(&f.links, |w, (network, target)| {
        w.text(network);
        w.text(target);
    });
    w.flag(f.open_to_work);
    w.opt(&f.open_to_work_note);
    w.texts(&f.open_to_work_roles);
    w.list(&f.skills, |w, s| {
        w.text(&s.name);
        w.opt(&s.level);
        w.int(s.years);
        w.opt(&s.category);
        w.texts(&s.keywords);
    });
    w.list(&f.roles, |w, r| {
        w.text(&r.company);
        w.text(&r.title);
        w.opt(&r.start);
        w.opt(&r.end);
        w.opt(&r.location);
        w.opt(&r.summary);
        w.texts(&r.highlights);
    });
    w.list(&f.education, |w, e| {
        w.text(&e.institution);
        w.opt(&e.area);
        w.opt(&e.study_type);
        w.opt(&e.start);
        w.opt(&e.end);
        w.opt(&e.score);
        w.texts(&e.courses);
    });
    w.list(&f.projects, |w, p| {
        w.text(&p.name);
        w.opt(&p.description);
        w.opt(&p.url);
        w.opt(&p.repo_url);
        w.opt(&p.start);
        w.opt(&p.end);
        w.texts(&p.highlights);
        w.texts(&p.keywords);
    });
    w.list(&f.certifications, |w, c| {
        w.text(&c.name);
        w.text(&c.issuer);
        w.opt(&c.date);
        w.opt(&c.expires);
        w.opt(&c.url);
    });
    let mut form = Vec::with_capacity(w.pool.len() + w.out.len() + 16);
    form.push(VERSION);
    push_num(&mut form, w.pool.len() as u64);
    push_num(&mut form, w.pooled);
    form.extend_from_slice(&w.pool);
    form.extend_from_slice(&w.out);
    form
}

/// The facts of a form, or `None` when it does not read back whole. The
/// lists of texts are slices of `pool`, which the caller keeps as long as
/// the facts.
pub fn decode<'p>(b: &'p [u8], pool: &'p mut Vec<Text<'p>>) -> Option<Facts<'p>> {
    let mut r = Reader {
        b,
        at: 0,
        pool: &[],
        used: 0,
    };
    if r.byte()? != VERSION {
        return None;
    }
    let pool_len = r.len()?;
    let count = r.len()?;
    let end = r.at.checked_add(pool_len)?;
    let mut texts = Reader {
        b: b.get(..end)?,
        at: r.at,
        pool: &[],
        used: 0,
    };
    pool.clear();
    // every text takes a byte at least: a damaged count asks no more
    pool.reserve(count.min(pool_len));
    for _ in 0..count {
        pool.push(texts.text()?);
    }
    if texts.at != end {
        return None;
    }
    let pool: &'p Vec<Text<'p>> = pool;
    r.at = end;
    r.pool = pool;
    // a struct expression evaluates its fields in the order written: the
    // order `encode` wrote them in
    let f = Facts {
        username: r.text()?,
        full_name: r.text()?,
        headline: r.opt()?,
        summary: r.opt()?,
        location: r.opt()?,
        public_email: r.opt()?,
        phone: r.opt()?,
        website: r.opt()?,
        links: r.list(|r| Some((r.text()?, r.text()?)))?,
        open_to_work: r.flag()?,
        open_to_work_note: r.opt()?,
        open_to_work_roles: r.texts()?,
        skills: r.list(|r| {
            Some(Skill {
                name: r.text()?,
                level: r.opt()?,
                years: r.int()?,
                category: r.opt()?,
                keywords: r.texts()?,
            })
        })?,
        roles: r.list(|r| {
            Some(Role {
                company: r.text()?,
                title: r.text()?,
                start: r.opt()?,
                end: r.opt()?,
                location: r.opt()?,
                summary: r.opt()?,
                highlights: r.texts()?,
            })
        })?,
        education: r.list(|r| {
            Some(Study {
                institution: r.text()?,
                area: r.opt()?,
                study_type: r.opt()?,
                start: r.opt()?,
                end: r.opt()?,
                score: r.opt()?,
                courses: r.texts()?,
            })
        })?,
        projects: r.list(|r| {
            Some(Project {
                name: r.text()?,
                description: r.opt()?,
                url: r.opt()?,
                repo_url: r.opt()?,
                start: r.opt()?,
                end: r.opt()?,
                highlights: r.texts()?,
                keywords: r.texts()?,
            })
        })?,
        certifications: r.list(|r| {
            Some(Cert {
                name: r.text()?,
                issuer: r.text()?,
                date: r.opt()?,
                expires: r.opt()?,
                url: r.opt()?,
            })
        })?,
    };
    (r.at == b.len() && r.used == r.pool.len()).then_some(f)
}

struct Writer {
    out: Vec<u8>,
    /// The texts of every list of texts, and how many.
    pool: Vec<u8>,
    pooled: u64,
}

fn push_num(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let low = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

fn push_text(out: &mut Vec<u8>, s: &str) {
    push_num(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

impl Writer {
    fn num(&mut self, n: u64) {
        push_num(&mut self.out, n);
    }
    fn text(&mut self, s: &str) {
        push_text(&mut self.out, s);
    }
    fn opt(&mut self, s: &Option<Text>) {
        match s {
            None => self.num(0),
            Some(s) => {
                self.num(s.len() as u64 + 1);
                self.out.extend_from_slice(s.as_bytes());
            }
        }
    }
    /// A list of texts: its count here, its texts in the pool.
    fn texts(&mut self, list: &[Text]) {
        self.num(list.len() as u64);
        for t in list {
            push_text(&mut self.pool, t);
        }
        self.pooled += list.len() as u64;
    }
    fn list<T>(&mut self, items: &[T], mut each: impl FnMut(&mut Writer, &T)) {
        self.num(items.len() as u64);
        for item in items {
            each(self, item);
        }
    }
    fn flag(&mut self, b: bool) {
        self.out.push(u8::from(b));
    }
    fn int(&mut self, n: Option<i64>) {
        match n {
            None => self.out.push(0),
            Some(n) => {
                self.out.push(1);
                // zigzag: small negatives stay small
                self.num(((n << 1) ^ (n >> 63)) as u64);
            }
        }
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
    /// The texts of the lists of texts, and how many were taken.
    pool: &'a [Text<'a>],
    used: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let c = *self.b.get(self.at)?;
        self.at += 1;
        Some(c)
    }
    fn num(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let c = self.byte()?;
            n |= u64::from(c & 0x7f).checked_shl(shift)?;
            if c & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }
    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.num()?).ok()
    }
    fn str(&mut self, len: usize) -> Option<Text<'a>> {
        let end = self.at.checked_add(len)?;
        let s = std::str::from_utf8(self.b.get(self.at..end)?).ok()?;
        self.at = end;
        Some(Cow::Borrowed(s))
    }
    fn text(&mut self) -> Option<Text<'a>> {
        let len = self.len()?;
        self.str(len)
    }
    fn opt(&mut self) -> Option<Option<Text<'a>>> {
        match self.len()? {
            0 => Some(None),
            n => self.str(n - 1).map(Some),
        }
    }
    /// A list of texts: the next ones of the pool.
    fn texts(&mut self) -> Option<Texts<'a>> {
        let n = self.len()?;
        let end = self.used.checked_add(n)?;
        let list = self.pool.get(self.used..end)?;
        self.used = end;
        Some(Cow::Borrowed(list))
    }
    fn list<T>(&mut self, mut each: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let n = self.len()?;
        // every item takes a byte at least: a damaged length asks no more
        let mut out = Vec::with_capacity(n.min(self.b.len() - self.at));
        for _ in 0..n {
            out.push(each(self)?);
        }
        Some(out)
    }
    fn flag(&mut self) -> Option<bool> {
        match self.byte()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
    fn int(&mut self) -> Option<Option<i64>> {
        match self.byte()? {
            0 => Some(None),
            1 => {
                let z = self.num()?;
                Some(Some(((z >> 1) as i64) ^ -((z & 1) as i64)))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(form: &[u8]) -> bool {
        decode(form, &mut Vec::new()).is_some()
    }

    fn full() -> Facts<'static> {
        let t = |s: &str| Cow::Owned(s.to_string());
        Facts {
            username: t("ada"),
            full_name: t("Ada Lovelace"),
            headline: Some(t("Engineer")),
            summary: Some(t("Analytical engines, «Notes» and ünïcode ✓")),
            location: None,
            public_email: Some(t("ada@example.com")),
            phone: None,
            website: Some(t("https://ada.example.com")),
            links: vec![(t("GitHub"), t("https://github.com/ada"))],
            open_to_work: true,
            open_to_work_note: Some(t("")),
            open_to_work_roles: vec![t("Staff"), t("Principal")].into(),
            skills: vec![
                Skill {
                    name: t("Rust"),
                    level: Some(t("Expert")),
                    years: Some(7),
                    category: None,
                    keywords: vec![t("tokio")].into(),
                },
                Skill {
                    name: t("Negative"),
                    years: Some(-300),
                    ..Default::default()
                },
                Skill {
                    name: t("Huge"),
                    years: Some(i64::MIN),
                    ..Default::default()
                },
            ],
            roles: vec![Role {
                company: t("Acme Ltd"),
                title: t("Engineer"),
                start: Some(t("2020-01")),
                highlights: vec![t("x".repeat(300).as_str())].into(),
                ..Default::default()
            }],
            education: vec![Study::default()],
            projects: vec![Project {
                name: t("Loom"),
                keywords: vec![t("C++"), t("")].into(),
                ..Default::default()
            }],
            certifications: vec![Cert {
                name: t("CKA"),
                issuer: t("CNCF"),
                expires: Some(t("2027-01")),
                ..Default::default()
            }],
        }
    }

    #[test]
    fn a_form_reads_back_as_the_facts_it_was_made_of() {
        for f in [full(), Facts::default()] {
            let form = encode(&f);
            let mut pool = Vec::new();
            let back = decode(&form, &mut pool).expect("reads back");
            assert_eq!(format!("{back:?}"), format!("{f:?}"));
            assert!(matches!(back.username, Cow::Borrowed(_)));
        }
    }

    #[test]
    fn a_damaged_or_older_form_reads_as_none() {
        let form = encode(&full());
        // every cut short, and one byte more
        for n in 0..form.len() {
            assert!(!reads(&form[..n]), "cut at {n}");
        }
        let mut longer = form.clone();
        longer.push(0);
        assert!(!reads(&longer));
        let mut older = form.clone();
        older[0] = VERSION.wrapping_sub(1);
        assert!(!reads(&older));
        // a text that is not UTF-8, a list far longer than the form
        let mut bad = vec![VERSION, 2, 0xff, 0xfe];
        assert!(!reads(&bad));
        // an empty pool, empty texts, then 2^32 links
        bad = vec![
            VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f,
        ];
        assert!(!reads(&bad));
        // a pool of 2^32 texts in 0 bytes; a number longer than 64 bits
        assert!(!reads(&[VERSION, 0, 0xff, 0xff, 0xff, 0xff, 0x0f]));
        assert!(!reads(&[
            VERSION, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01
        ]));
        // a list that takes more texts than the pool holds
        let one = Facts {
            open_to_work_roles: vec![Cow::Borrowed("Staff")].into(),
            ..Default::default()
        };
        let mut form = encode(&one);
        // the count of roles wanted, before the five empty lists of rows
        let at = form.len() - 6;
        assert_eq!(form[at], 1);
        assert!(reads(&form));
        form[at] = 2;
        assert!(!reads(&form));
    }
}
