//! The public page kept ready beside the public JSON (`public_pages`), so a
//! view is one lookup of stored bytes like a JSON read, not a render.
//!
//! A page depends on more than the résumé: the origin the request names
//! (canonical, `og:url`, JSON-LD), the theme the owner's plan allows today,
//! and today itself (open periods run to today; certifications expire). So
//! the page is kept without its origin, as the HTML around the places the
//! origin goes (`cuts`), with what it was made from: the public JSON's ETag,
//! the theme and the day. A view serves it only when all three still hold,
//! and renders afresh otherwise; nothing can serve a page that is out of
//! date, and the refresher (`derived`) renders it after every change.

use rusqlite::{OptionalExtension, params};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::page;
use crate::policy::plans::plan_of;
use crate::resume::presentation::{self, DEFAULT_THEME};

/// The largest page kept. A longer one (a résumé of hundreds of rows) is
/// rendered on each view: it would take more room than it saves time, and
/// sending it costs more than rendering it.
pub const MAX_KEPT: usize = 64 * 1024;

/// A page without its origin.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// The HTML with every occurrence of the origin cut out.
    pub html: String,
    /// Byte offsets in `html` where the origin goes, ascending.
    pub cuts: Vec<usize>,
    /// The avatar's origin when one is shown, for `img-src`.
    pub img_origin: Option<String>,
}

/// Days since 1970-01-01, the day a page is rendered for.
pub fn today() -> i64 {
    crate::time::now().div_euclid(86_400)
}

/// The theme a page is shown in: the owner's, or `classic` when it is
/// unknown or a premium theme outside their plan today.
pub fn effective_theme(
    conn: &rusqlite::Connection,
    user_id: &str,
    chosen: &str,
) -> rusqlite::Result<&'static str> {
    let Some(t) = presentation::theme(chosen) else {
        return Ok(DEFAULT_THEME);
    };
    if t.premium && !plan_of(conn, user_id)?.0.has("premium_themes") {
        return Ok(DEFAULT_THEME);
    }
    Ok(t.id)
}

impl Template {
    /// Renders the page with a placeholder origin no résumé can contain (a
    /// fresh random word) and cuts it out wherever it landed.
    pub fn render(resume: &Value, theme: &'static str, today: i64) -> Template {
        let placeholder = format!("origin{}", uuid::Uuid::new_v4().simple());
        let cx = page::Context {
            theme,
            origin: &placeholder,
            today,
        };
        let out = page::render(resume, &cx);
        let mut html = String::with_capacity(out.html.len());
        let mut cuts = Vec::new();
        let mut rest = out.html.as_str();
        while let Some(i) = rest.find(&placeholder) {
            html.push_str(&rest[..i]);
            cuts.push(html.len());
            rest = &rest[i + placeholder.len()..];
        }
        html.push_str(rest);
        Template {
            html,
            cuts,
            img_origin: out.img_origin,
        }
    }

    /// The page as `origin` is to see it: the same bytes `page::render`
    /// gives with that origin.
    pub fn with_origin(&self, origin: &str) -> String {
        let mut out = String::with_capacity(self.html.len() + self.cuts.len() * origin.len());
        let mut at = 0;
        for &cut in &self.cuts {
            out.push_str(&self.html[at..cut]);
            out.push_str(origin);
            at = cut;
        }
        out.push_str(&self.html[at..]);
        out
    }

    /// A strong ETag of `with_origin(origin)` without building it: the
    /// template's own hash (its HTML and cuts) with the origin.
    pub fn etag(tag: &str, origin: &str) -> String {
        let digest = Sha256::new()
            .chain_update(tag.as_bytes())
            .chain_update(b"\n")
            .chain_update(origin.as_bytes())
            .finalize();
        format!("\"{}\"", crate::auth::password::hex(&digest[..16]))
    }

    /// The hash of the template, kept with it (what `etag` starts from).
    pub fn tag(&self) -> String {
        let mut h = Sha256::new().chain_update(self.html.as_bytes());
        for c in &self.cuts {
            h.update(format!(",{c}").as_bytes());
        }
        crate::auth::password::hex(&h.finalize()[..16])
    }

    fn cuts_text(&self) -> String {
        self.cuts
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// `cuts` as kept; `None` when they do not fit `html` (never kept so).
    fn parse_cuts(html: &str, text: &str) -> Option<Vec<usize>> {
        let cuts: Vec<usize> = if text.is_empty() {
            Vec::new()
        } else {
            text.split(',')
                .map(|c| c.parse().ok())
                .collect::<Option<_>>()?
        };
        let fits = cuts.windows(2).all(|w| w[0] <= w[1])
            && cuts
                .iter()
                .all(|&c| c <= html.len() && html.is_char_boundary(c));
        fits.then_some(cuts)
    }
}

/// What a view finds kept, with what it was made from.
pub struct Kept {
    pub json_etag: String,
    pub theme: String,
    pub day: i64,
    pub template: Template,
    pub tag: String,
}

impl Kept {
    /// Whether it is the page of this theme and day (it is always the page
    /// of the current public JSON: schema.sql).
    pub fn fits(&self, theme: &str, day: i64) -> bool {
        self.theme == theme && self.day == day
    }
}

/// The kept page of `user_id` from a row of `public_pages` read as
/// `(json_etag, theme, day, html, cuts, etag, img_origin)` from column `at` on.
pub fn from_row(r: &rusqlite::Row, at: usize) -> rusqlite::Result<Option<Kept>> {
    let json_etag: Option<String> = r.get(at)?;
    let Some(json_etag) = json_etag else {
        return Ok(None);
    };
    let html: String = r.get(at + 3)?;
    let cuts: String = r.get(at + 4)?;
    let Some(cuts) = Template::parse_cuts(&html, &cuts) else {
        return Ok(None);
    };
    Ok(Some(Kept {
        json_etag,
        theme: r.get(at + 1)?,
        day: r.get(at + 2)?,
        tag: r.get(at + 5)?,
        template: Template {
            html,
            cuts,
            img_origin: r.get(at + 6)?,
        },
    }))
}

/// The columns `from_row` reads, of `public_pages` as `pg`.
pub const COLUMNS: &str =
    "pg.json_etag, pg.theme, pg.day, pg.html, pg.cuts, pg.etag, pg.img_origin";

/// Keeps the page of this public JSON (with its ETag), theme and day; one
/// past `MAX_KEPT` is not kept (and one kept before is forgotten).
pub fn keep(
    conn: &rusqlite::Connection,
    user_id: &str,
    json_etag: &str,
    theme: &str,
    day: i64,
    t: &Template,
) -> rusqlite::Result<String> {
    let tag = t.tag();
    if t.html.len() > MAX_KEPT {
        forget(conn, user_id)?;
        return Ok(tag);
    }
    // only while `json_etag` is the current JSON's (see schema.sql)
    conn.prepare_cached(
        "INSERT INTO public_pages (user_id, json_etag, theme, day, html, cuts, etag, img_origin)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8
         WHERE EXISTS (SELECT 1 FROM public_renders WHERE user_id = ?1 AND json_etag = ?2)
         ON CONFLICT (user_id) DO UPDATE SET json_etag = excluded.json_etag,
           theme = excluded.theme, day = excluded.day, html = excluded.html,
           cuts = excluded.cuts, etag = excluded.etag, img_origin = excluded.img_origin",
    )?
    .execute(params![
        user_id,
        json_etag,
        theme,
        day,
        t.html,
        t.cuts_text(),
        tag,
        t.img_origin
    ])?;
    Ok(tag)
}

/// Renders and keeps the page of a public JSON just stored: called by the
/// refresher after every change, so the next view finds it ready.
pub fn refresh(
    conn: &rusqlite::Connection,
    user_id: &str,
    public: &Value,
    json_etag: &str,
) -> rusqlite::Result<()> {
    let chosen = presentation::load_theme(conn, user_id)?;
    let theme = effective_theme(conn, user_id, &chosen)?;
    let day = today();
    let t = Template::render(public, theme, day);
    keep(conn, user_id, json_etag, theme, day, &t)?;
    Ok(())
}

/// Removes the kept page (the profile is no longer public).
pub fn forget(conn: &rusqlite::Connection, user_id: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM public_pages WHERE user_id = ?1")?
        .execute([user_id])?;
    Ok(())
}

/// The kept page of `user_id`, whatever it was made from.
pub fn load(conn: &rusqlite::Connection, user_id: &str) -> rusqlite::Result<Option<Kept>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM public_pages pg WHERE pg.user_id = ?1"
        ))?
        .query_row([user_id], |r| from_row(r, 0))
        .optional()?
        .flatten())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn resume() -> Value {
        json!({"username": "ada", "full_name": "Ada <Lovelace>",
               "profile": {"headline": "origin https://x", "summary": "Hi"},
               "sections": []})
    }

    #[test]
    fn the_template_gives_the_bytes_a_render_gives() {
        let t = Template::render(&resume(), "classic", 20_000);
        assert!(t.cuts.len() >= 2, "{:?}", t.cuts);
        for origin in ["http://localhost", "https://cv.example.org:8443"] {
            let direct = page::render(
                &resume(),
                &page::Context {
                    theme: "classic",
                    origin,
                    today: 20_000,
                },
            );
            assert_eq!(t.with_origin(origin), direct.html);
        }
    }

    #[test]
    fn etags_differ_by_origin_and_template() {
        let t = Template::render(&resume(), "classic", 20_000);
        let tag = t.tag();
        assert_eq!(tag, Template::render(&resume(), "classic", 20_000).tag());
        assert_ne!(tag, Template::render(&resume(), "minimal", 20_000).tag());
        assert_ne!(
            Template::etag(&tag, "http://a.example"),
            Template::etag(&tag, "http://b.example")
        );
    }

    #[test]
    fn cuts_that_do_not_fit_are_refused() {
        assert_eq!(Template::parse_cuts("abc", "1,2"), Some(vec![1, 2]));
        assert_eq!(Template::parse_cuts("abc", ""), Some(vec![]));
        assert_eq!(Template::parse_cuts("abc", "2,1"), None);
        assert_eq!(Template::parse_cuts("abc", "4"), None);
        assert_eq!(Template::parse_cuts("é", "1"), None);
        assert_eq!(Template::parse_cuts("abc", "x"), None);
    }
}
