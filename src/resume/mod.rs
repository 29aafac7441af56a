//! A user's whole résumé: profile, the five sections and what a JSON Resume
//! import kept verbatim; and `changed`, which every write calls.

pub mod derived;
pub mod jsonresume;
pub mod presentation;
pub mod profile;
pub mod render;
pub mod search;
pub mod sections;

use serde_json::{Map, Value};

pub use profile::{Link, Profile};
use sections::{Row, Section};

pub struct Resume {
    pub user_id: String,
    pub username: String,
    pub full_name: String,
    pub disabled: bool,
    pub profile: Profile,
    pub sections: Vec<(&'static Section, Vec<Row>)>,
    /// Unknown `basics` fields (and the `location` object) of the last import.
    pub basics_extra: Map<String, Value>,
    /// Whole JSON Resume sections RESTume has no table for.
    pub verbatim: Map<String, Value>,
}

impl Resume {
    pub fn load(conn: &rusqlite::Connection, user_id: &str) -> rusqlite::Result<Resume> {
        let (username, full_name, disabled) = conn
            .prepare_cached("SELECT username, full_name, is_disabled FROM users WHERE id = ?1")?
            .query_row([user_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let mut sections = Vec::with_capacity(5);
        for s in sections::ALL {
            sections.push((s, s.load(conn, user_id)?));
        }
        let (basics, verbatim) = extras(conn, user_id)?;
        Ok(Resume {
            user_id: user_id.to_string(),
            username,
            full_name,
            disabled,
            profile: Profile::load(conn, user_id)?,
            sections,
            basics_extra: basics,
            verbatim,
        })
    }

    pub fn rows(&self, name: &str) -> &[Row] {
        self.sections
            .iter()
            .find(|(s, _)| s.name == name)
            .map_or(&[], |(_, rows)| rows.as_slice())
    }
}

fn extras(
    conn: &rusqlite::Connection,
    user_id: &str,
) -> rusqlite::Result<(Map<String, Value>, Map<String, Value>)> {
    use rusqlite::OptionalExtension;
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT basics, sections FROM resume_extras WHERE user_id = ?1")?
        .query_row([user_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let parse = |s: &str| serde_json::from_str(s).unwrap_or_default();
    Ok(row.map_or_else(Default::default, |(b, s)| (parse(&b), parse(&s))))
}

/// Called in the transaction of every write to a résumé: its search-index
/// row and public rendering are brought up to date after it (`derived`).
pub fn changed(conn: &rusqlite::Connection, user_id: &str) -> rusqlite::Result<()> {
    derived::mark(conn, user_id)
}

/// `changed`, for a write to section rows only, which cannot change whether
/// the profile is public.
pub fn rows_changed(conn: &rusqlite::Connection, user_id: &str) -> rusqlite::Result<()> {
    derived::mark_stale(conn, user_id)
}
