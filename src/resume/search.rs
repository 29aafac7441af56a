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

/// The index row's number for a user, made on first use. (A table of its own,
/// because the rowid of `users` may change on VACUUM.)
fn doc_id(conn: &rusqlite::Connection, user_id: &str) -> rusqlite::Result<i64> {
    let found = conn
        .prepare_cached("SELECT doc FROM search_docs WHERE user_id = ?1")?
        .query_row([user_id], |r| r.get(0))
        .optional()?;
    if let Some(doc) = found {
        return Ok(doc);
    }
    conn.prepare_cached("INSERT INTO search_docs (user_id) VALUES (?1)")?
        .execute([user_id])?;
    Ok(conn.last_insert_rowid())
}

pub fn refresh(conn: &rusqlite::Connection, r: &Resume) -> rusqlite::Result<()> {
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

/// Removes a user's index row (before the account goes).
pub fn remove(conn: &rusqlite::Connection, user_id: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "DELETE FROM search_index WHERE rowid IN (SELECT doc FROM search_docs WHERE user_id = ?1)",
    )?
    .execute([user_id])?;
    Ok(())
}

/// A user's words as an FTS5 query: each word quoted (so no FTS syntax gets
/// through) and matched as a prefix; all words must match.
pub fn fts_query(q: &str) -> Option<String> {
    let terms: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric() && c != '+' && c != '#')
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{}\"*", w.replace('"', "")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
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

/// Public, enabled profiles matching the filters: best match first when there
/// is a query, else the most recently updated. Returns the page and the total.
pub fn search(conn: &rusqlite::Connection, f: &Filters) -> rusqlite::Result<(Vec<Hit>, i64)> {
    let mut from = String::from("users u JOIN profiles p ON p.user_id = u.id");
    let mut conds = vec![
        "p.is_public = 1".to_string(),
        "u.is_disabled = 0".to_string(),
    ];
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    let mut order = "p.updated_at DESC, u.username_key";
    if let Some(q) = f.q.as_deref().and_then(fts_query) {
        from.push_str(
            " JOIN search_docs d ON d.user_id = u.id JOIN search_index ON search_index.rowid = d.doc",
        );
        args.push(q.into());
        conds.push(format!("search_index MATCH ?{}", args.len()));
        order = "bm25(search_index, 10.0, 5.0, 1.0, 5.0, 4.0, 3.0, 3.0), u.username_key";
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
    let total: i64 = conn
        .prepare_cached(&format!("SELECT count(*) {filter}"))?
        .query_row(rusqlite::params_from_iter(&args), |r| r.get(0))?;
    let mut page_args = args.clone();
    page_args.push(f.limit.into());
    page_args.push(f.offset.into());
    let sql = format!(
        "SELECT u.username, u.full_name, p.headline, p.location, p.open_to_work {filter}
         ORDER BY {order} LIMIT ?{} OFFSET ?{}",
        args.len() + 1,
        args.len() + 2
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let hits = stmt
        .query_map(rusqlite::params_from_iter(&page_args), |r| {
            Ok(Hit {
                username: r.get(0)?,
                full_name: r.get(1)?,
                headline: r.get(2)?,
                location: r.get(3)?,
                open_to_work: r.get(4)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok((hits, total))
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn queries_cannot_inject_fts_syntax() {
        assert_eq!(
            fts_query("rust AND \"x\" OR"),
            Some("\"rust\"* \"AND\"* \"x\"* \"OR\"*".into())
        );
        assert_eq!(fts_query("c++ c#"), Some("\"c++\"* \"c#\"*".into()));
        assert_eq!(fts_query("  *** "), None);
    }
}
