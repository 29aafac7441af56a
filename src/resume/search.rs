//! Full-text search over public résumés (SQLite FTS5). One index row per
//! user, rewritten by `refresh` after every write to the résumé, and always
//! before a search runs (see `derived`).

use rusqlite::{OptionalExtension, params};
use serde_json::Value;

use super::Resume;

fn words(values: impl IntoIterator<Item = String>) -> String {
    values.into_iter().collect::<Vec<_>>().join(" ")
}

fn texts<'a>(r: &'a Resume, section: &str, col: &str) -> impl Iterator<Item = String> + 'a {
    let s = super::sections::by_name(section).expect("a section");
    let i = s.index(col);
    r.rows(section)
        .iter()
        .flat_map(move |row| match &row.cells[i] {
            Value::String(t) => vec![t.clone()],
            Value::Array(items) => items
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            _ => vec![],
        })
}

/// The index row's number for a user, made on first use, with the user's
/// username_key brought up to date. (A table of its own, because the rowid
/// of `users` may change on VACUUM.)
fn doc_id(conn: &rusqlite::Connection, user_id: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO search_docs (user_id, username_key)
         SELECT id, username_key FROM users WHERE id = ?1 AND true
         ON CONFLICT (user_id) DO UPDATE SET username_key = excluded.username_key
         RETURNING doc",
    )?
    .query_row([user_id], |r| r.get(0))
}

/// Rewrites the user's index row, or removes it when the profile is private
/// or the user disabled: the index holds exactly who a search may find, so
/// a search counts and ranks inside the index alone.
pub fn refresh(conn: &rusqlite::Connection, r: &Resume) -> rusqlite::Result<()> {
    if !r.profile.is_public || r.disabled {
        return remove(conn, &r.user_id);
    }
    let doc = doc_id(conn, &r.user_id)?;
    conn.prepare_cached("DELETE FROM search_index WHERE rowid = ?1")?
        .execute([doc])?;
    let p = &r.profile;
    let skills = words(texts(r, "skills", "name").chain(texts(r, "skills", "keywords")));
    let titles = words(texts(r, "experience", "title").chain(p.open_to_work_roles.iter().cloned()));
    let companies = words(texts(r, "experience", "company"));
    let keywords = words(
        texts(r, "projects", "keywords")
            .chain(texts(r, "projects", "name"))
            .chain(texts(r, "certifications", "name")),
    );
    conn.prepare_cached(
        "INSERT INTO search_index (rowid, name, headline, summary, skills, titles, companies, keywords)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        doc,
        format!("{} {}", r.full_name, r.username),
        p.headline,
        p.summary,
        skills,
        titles,
        companies,
        keywords
    ])?;
    Ok(())
}

/// Removes a user's index row (when the profile goes private or the user is
/// disabled, and before the account goes).
pub fn remove(conn: &rusqlite::Connection, user_id: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "DELETE FROM search_index WHERE rowid IN (SELECT doc FROM search_docs WHERE user_id = ?1)",
    )?
    .execute([user_id])?;
    Ok(())
}

/// The tokenizer of `search_index` in schema.sql (a test checks they agree).
const TOKENIZE: &str = "unicode61 remove_diacritics 2";

/// In-memory FTS5 tables with the index's tokenizer, the only exact way to
/// split a query into the index's tokens: taken by a search and given back,
/// so there are only ever as many as searches ran at once. (One per thread
/// would be one per connection: requests run on their connection's thread.)
static TOKENIZERS: std::sync::Mutex<Vec<rusqlite::Connection>> = std::sync::Mutex::new(Vec::new());

fn tokenizer() -> rusqlite::Result<rusqlite::Connection> {
    let kept = TOKENIZERS.lock().unwrap_or_else(|e| e.into_inner()).pop();
    if let Some(conn) = kept {
        return Ok(conn);
    }
    let conn = rusqlite::Connection::open_in_memory()?;
    conn.execute_batch(&format!(
        "CREATE VIRTUAL TABLE t USING fts5(x, tokenize = '{TOKENIZE}');
         CREATE VIRTUAL TABLE v USING fts5vocab(t, instance);"
    ))?;
    Ok(conn)
}

/// `text` split into tokens exactly as `search_index` splits what it indexes
/// (letters and digits of every script, diacritics folded, marks and
/// punctuation as separators), in order.
fn index_tokens(text: &str) -> rusqlite::Result<Vec<String>> {
    let conn = tokenizer()?;
    // Nothing is ever committed: the row lives only inside this transaction.
    conn.execute_batch("BEGIN")?;
    let tokens = (|| {
        conn.prepare_cached("INSERT INTO t (x) VALUES (?1)")?
            .execute([text])?;
        conn.prepare_cached("SELECT term FROM v ORDER BY offset")?
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()
    })();
    conn.execute_batch("ROLLBACK")?;
    TOKENIZERS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(conn);
    tokens
}

/// A user's words as an FTS5 query: the index's own tokens, each quoted (so
/// no FTS syntax gets through, and no token can turn into a phrase, which a
/// `detail = column` index cannot answer) and matched as a prefix; all must
/// match. `None` when the text holds no token at all.
pub fn fts_query(q: &str) -> rusqlite::Result<Option<String>> {
    let terms: Vec<String> = index_tokens(q)?
        .into_iter()
        .take(16)
        .map(|t| format!("\"{}\"*", t.replace('"', "\"\"")))
        .collect();
    Ok((!terms.is_empty()).then(|| terms.join(" ")))
}

pub struct Filters {
    pub q: Option<String>,
    pub skill: Option<String>,
    pub open_to_work: Option<bool>,
    pub location: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

pub struct Hit {
    pub username: String,
    pub full_name: String,
    pub headline: Option<String>,
    pub location: Option<String>,
    pub open_to_work: bool,
}

/// The weights of bm25 for the columns of `search_index`, in order: the name
/// counts most, a passing mention in the summary least.
const RANK: &str = "bm25(search_index, 10.0, 5.0, 1.0, 5.0, 4.0, 3.0, 3.0)";

const HIT: &str = "SELECT u.username, u.full_name, p.headline, p.location, p.open_to_work";

fn hit(r: &rusqlite::Row) -> rusqlite::Result<Hit> {
    Ok(Hit {
        username: r.get(0)?,
        full_name: r.get(1)?,
        headline: r.get(2)?,
        location: r.get(3)?,
        open_to_work: r.get(4)?,
    })
}

/// Public, enabled profiles matching the filters: best match first when there
/// is a query (ties by username), else the most recently updated. Returns the
/// page and the total.
pub fn search(conn: &rusqlite::Connection, f: &Filters) -> rusqlite::Result<(Vec<Hit>, i64)> {
    let q = f.q.as_deref().map(fts_query).transpose()?.flatten();
    let only_q = f.skill.is_none() && f.open_to_work.is_none() && f.location.is_none();
    match q {
        Some(q) if only_q => by_text(conn, &q, f),
        q => filtered(conn, q, f),
    }
}

/// A text query alone is answered inside the index, which holds exactly the
/// public, enabled users: the count without leaving it, the ranking visiting
/// only `search_docs` (for the username of a tie), and `users` and
/// `profiles` only for the page's own rows. (Joining every match to both,
/// as `filtered` must, took 55 ms for a term in 8 000 of 10 000 résumés.)
fn by_text(conn: &rusqlite::Connection, q: &str, f: &Filters) -> rusqlite::Result<(Vec<Hit>, i64)> {
    let total: i64 = conn
        .prepare_cached("SELECT count(*) FROM search_index WHERE search_index MATCH ?1")?
        .query_row([q], |r| r.get(0))?;
    let ids: Vec<String> = conn
        .prepare_cached(&format!(
            "SELECT d.user_id FROM search_index JOIN search_docs d ON d.doc = search_index.rowid
             WHERE search_index MATCH ?1 ORDER BY {RANK}, d.username_key LIMIT ?2 OFFSET ?3"
        ))?
        .query_map(params![q, f.limit, f.offset], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut one = conn.prepare_cached(&format!(
        "{HIT} FROM users u JOIN profiles p ON p.user_id = u.id
         WHERE u.id = ?1 AND p.is_public = 1 AND u.is_disabled = 0"
    ))?;
    let mut hits = Vec::with_capacity(ids.len());
    for id in &ids {
        // the filter again, for an index a full disk kept from catching up
        if let Some(h) = one.query_row([id], hit).optional()? {
            hits.push(h);
        }
    }
    Ok((hits, total))
}

fn filtered(
    conn: &rusqlite::Connection,
    q: Option<String>,
    f: &Filters,
) -> rusqlite::Result<(Vec<Hit>, i64)> {
    let mut from = String::from("users u JOIN profiles p ON p.user_id = u.id");
    let mut conds = vec![
        "p.is_public = 1".to_string(),
        "u.is_disabled = 0".to_string(),
    ];
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    let mut order = "p.updated_at DESC, u.username_key".to_string();
    if let Some(q) = q {
        from.push_str(
            " JOIN search_docs d ON d.user_id = u.id JOIN search_index ON search_index.rowid = d.doc",
        );
        args.push(q.into());
        conds.push(format!("search_index MATCH ?{}", args.len()));
        order = format!("{RANK}, u.username_key");
    }
    if let Some(skill) = &f.skill {
        args.push(skill.clone().into());
        conds.push(format!(
            "EXISTS (SELECT 1 FROM skills s WHERE s.user_id = u.id AND s.name = ?{})",
            args.len()
        ));
    }
    if let Some(open) = f.open_to_work {
        args.push(i64::from(open).into());
        conds.push(format!("p.open_to_work = ?{}", args.len()));
    }
    if let Some(loc) = &f.location {
        let escaped = loc
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        args.push(format!("%{escaped}%").into());
        conds.push(format!("p.location LIKE ?{} ESCAPE '\\'", args.len()));
    }
    let filter = format!("FROM {from} WHERE {}", conds.join(" AND "));
    let total: i64 = if args.is_empty() {
        // the public list: exactly the public, enabled users have a
        // rendering row (`derived::mark`, in every write's transaction)
        conn.prepare_cached("SELECT count(*) FROM public_renders")?
            .query_row([], |r| r.get(0))?
    } else {
        conn.prepare_cached(&format!("SELECT count(*) {filter}"))?
            .query_row(rusqlite::params_from_iter(&args), |r| r.get(0))?
    };
    let mut page_args = args.clone();
    page_args.push(f.limit.into());
    page_args.push(f.offset.into());
    let sql = format!(
        "{HIT} {filter} ORDER BY {order} LIMIT ?{} OFFSET ?{}",
        args.len() + 1,
        args.len() + 2
    );
    let hits = conn
        .prepare_cached(&sql)?
        .query_map(rusqlite::params_from_iter(&page_args), hit)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok((hits, total))
}

#[cfg(test)]
mod tests {
    use super::{TOKENIZE, fts_query};

    #[test]
    fn queries_cannot_inject_fts_syntax() {
        assert_eq!(
            fts_query("rust AND \"x\" OR").unwrap(),
            Some("\"rust\"* \"and\"* \"x\"* \"or\"*".into())
        );
        assert_eq!(fts_query("  *** ").unwrap(), None);
    }

    #[test]
    fn queries_are_split_where_the_index_splits() {
        // each of these once became a phrase, which the index cannot answer
        assert_eq!(
            fts_query("node+js").unwrap(),
            Some("\"node\"* \"js\"*".into())
        );
        assert_eq!(fts_query("c#d").unwrap(), Some("\"c\"* \"d\"*".into()));
        // the vowel signs and the virama are separators to unicode61
        assert_eq!(
            fts_query("कृष्ण").unwrap(),
            Some("\"क\"* \"ष\"* \"ण\"*".into())
        );
        assert_eq!(fts_query("Ünïcödé").unwrap(), Some("\"unicode\"*".into()));
    }

    #[test]
    fn the_tokenizer_is_the_index_one() {
        assert!(crate::store::db::SCHEMA.contains(&format!("tokenize = '{TOKENIZE}'")));
    }
}
