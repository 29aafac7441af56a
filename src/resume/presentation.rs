//! How a résumé is shown: its theme and the order and visibility of its
//! sections (SPEC §3.4). Plans gate the choices, not the reading: a layout
//! set while on Pro stays in force after the plan ends, until it is changed.

use rusqlite::OptionalExtension;
use serde_json::{Value, json};

use super::sections::{self, Section};
use crate::policy::plans::Plan;

pub struct Theme {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub premium: bool,
}

pub const THEMES: &[Theme] = &[
    Theme {
        id: "classic",
        name: "Classic",
        description: "Serif headings, one column, prints well",
        premium: false,
    },
    Theme {
        id: "minimal",
        name: "Minimal",
        description: "Plain sans-serif, lots of white space",
        premium: false,
    },
    Theme {
        id: "modern",
        name: "Modern",
        description: "Two columns with a sidebar for skills and links",
        premium: true,
    },
    Theme {
        id: "elegant",
        name: "Elegant",
        description: "Small caps, rules between sections",
        premium: true,
    },
    Theme {
        id: "terminal",
        name: "Terminal",
        description: "Monospace, dark, for the command-line crowd",
        premium: true,
    },
];

pub const DEFAULT_THEME: &str = "classic";

pub fn theme(id: &str) -> Option<&'static Theme> {
    THEMES.iter().find(|t| t.id == id)
}

pub fn catalog(plan: Plan) -> Value {
    THEMES
        .iter()
        .map(|t| {
            json!({"id": t.id, "name": t.name, "description": t.description,
                   "plan": if t.premium { "pro" } else { "free" },
                   "available": !t.premium || plan.has("premium_themes")})
        })
        .collect()
}

/// The user's chosen theme, or the default.
pub fn load_theme(conn: &rusqlite::Connection, user_id: &str) -> rusqlite::Result<String> {
    Ok(stored(conn, user_id)?
        .0
        .unwrap_or_else(|| DEFAULT_THEME.to_string()))
}

fn stored(
    conn: &rusqlite::Connection,
    user_id: &str,
) -> rusqlite::Result<(Option<String>, Option<String>)> {
    Ok(conn
        .prepare_cached("SELECT theme, layout FROM presentation WHERE user_id = ?1")?
        .query_row([user_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((None, None)))
}

/// The five sections in the user's order, each with its visibility.
pub fn load_layout(
    conn: &rusqlite::Connection,
    user_id: &str,
) -> rusqlite::Result<Vec<(&'static Section, bool)>> {
    let saved: Option<Vec<(String, bool)>> = stored(conn, user_id)?
        .1
        .and_then(|s| serde_json::from_str(&s).ok());
    let mut layout: Vec<(&'static Section, bool)> = saved
        .unwrap_or_default()
        .iter()
        .filter_map(|(name, visible)| sections::by_name(name).map(|s| (s, *visible)))
        .collect();
    // sections the saved layout does not name (there are none today) go last, shown
    for s in sections::ALL {
        if !layout.iter().any(|(l, _)| l.name == s.name) {
            layout.push((s, true));
        }
    }
    Ok(layout)
}

pub fn visible(
    conn: &rusqlite::Connection,
    user_id: &str,
) -> rusqlite::Result<Vec<&'static Section>> {
    Ok(load_layout(conn, user_id)?
        .into_iter()
        .filter(|(_, v)| *v)
        .map(|(s, _)| s)
        .collect())
}

pub fn layout_json(layout: &[(&Section, bool)]) -> Value {
    json!({"sections": layout.iter().map(|(s, v)| json!({"name": s.name, "visible": v})).collect::<Vec<_>>()})
}

pub fn save_theme(conn: &rusqlite::Connection, user_id: &str, theme: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO presentation (user_id, theme) VALUES (?1, ?2)
         ON CONFLICT (user_id) DO UPDATE SET theme = excluded.theme",
    )?
    .execute([user_id, theme])?;
    Ok(())
}

pub fn save_layout(
    conn: &rusqlite::Connection,
    user_id: &str,
    layout: &[(String, bool)],
) -> rusqlite::Result<()> {
    let text = serde_json::to_string(layout).unwrap_or_else(|_| "[]".into());
    conn.prepare_cached(
        "INSERT INTO presentation (user_id, layout) VALUES (?1, ?2)
         ON CONFLICT (user_id) DO UPDATE SET layout = excluded.layout",
    )?
    .execute([user_id, text.as_str()])?;
    Ok(())
}
