//! The profile record (SPEC §3.1): its fields, their rules, and storage.

use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::domain::Email;
use crate::error::FieldError;
use crate::time::rfc3339;
use crate::validate::{Fields, Patch, is_web_url};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// JSON Resume fields of a profile link that RESTume has no column for.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, Value>,
}

#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub headline: Option<String>,
    pub summary: Option<String>,
    pub location: Option<String>,
    pub public_email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub avatar_url: Option<String>,
    pub links: Vec<Link>,
    pub open_to_work: bool,
    pub open_to_work_note: Option<String>,
    pub open_to_work_roles: Vec<String>,
    pub is_public: bool,
    pub updated_at: i64,
}

impl Profile {
    pub fn load(conn: &rusqlite::Connection, user_id: &str) -> rusqlite::Result<Profile> {
        conn.prepare_cached(
            "SELECT headline, summary, location, public_email, phone, website, avatar_url, links,
                    open_to_work, open_to_work_note, open_to_work_roles, is_public, updated_at
             FROM profiles WHERE user_id = ?1",
        )?
        .query_row([user_id], |r| {
            Ok(Profile {
                headline: r.get(0)?,
                summary: r.get(1)?,
                location: r.get(2)?,
                public_email: r.get(3)?,
                phone: r.get(4)?,
                website: r.get(5)?,
                avatar_url: r.get(6)?,
                links: serde_json::from_str(&r.get::<_, String>(7)?).unwrap_or_default(),
                open_to_work: r.get(8)?,
                open_to_work_note: r.get(9)?,
                open_to_work_roles: serde_json::from_str(&r.get::<_, String>(10)?)
                    .unwrap_or_default(),
                is_public: r.get(11)?,
                updated_at: r.get(12)?,
            })
        })
    }

    pub fn save(&self, conn: &rusqlite::Connection, user_id: &str) -> rusqlite::Result<()> {
        conn.prepare_cached(
            "UPDATE profiles SET headline = ?1, summary = ?2, location = ?3, public_email = ?4,
                    phone = ?5, website = ?6, avatar_url = ?7, links = ?8, open_to_work = ?9,
                    open_to_work_note = ?10, open_to_work_roles = ?11, is_public = ?12, updated_at = ?13
             WHERE user_id = ?14",
        )?
        .execute(params![
            self.headline,
            self.summary,
            self.location,
            self.public_email,
            self.phone,
            self.website,
            self.avatar_url,
            serde_json::to_string(&self.links).unwrap_or_else(|_| "[]".into()),
            self.open_to_work,
            self.open_to_work_note,
            serde_json::to_string(&self.open_to_work_roles).unwrap_or_else(|_| "[]".into()),
            self.is_public,
            self.updated_at,
            user_id
        ])?;
        Ok(())
    }

    pub fn to_json(&self) -> Value {
        json!({
            "headline": self.headline, "summary": self.summary, "location": self.location,
            "public_email": self.public_email, "phone": self.phone, "website": self.website,
            "avatar_url": self.avatar_url, "links": self.links, "open_to_work": self.open_to_work,
            "open_to_work_note": self.open_to_work_note, "open_to_work_roles": self.open_to_work_roles,
            "is_public": self.is_public, "updated_at": rfc3339(self.updated_at),
        })
    }

    /// Applies the fields of a PATCH body; every problem lands in `f`.
    pub fn apply(&mut self, f: &mut Fields) {
        fn set<T>(slot: &mut Option<T>, p: Patch<T>) {
            match p {
                Patch::Absent => {}
                Patch::Null => *slot = None,
                Patch::Set(v) => *slot = Some(v),
            }
        }
        set(&mut self.headline, f.optional_string("headline", 200));
        set(&mut self.summary, f.optional_string("summary", 5000));
        set(&mut self.location, f.optional_string("location", 200));
        let email = match f.optional_string("public_email", 254) {
            Patch::Set(s) if s.is_empty() => Patch::Set(s),
            Patch::Set(s) => match Email::parse("public_email", &s) {
                Ok(e) => Patch::Set(e.as_str().to_string()),
                Err(e) => {
                    f.push(e);
                    Patch::Absent
                }
            },
            other => other,
        };
        set(&mut self.public_email, email);
        set(&mut self.phone, f.optional_string("phone", 50));
        let website = url_field(f, "website");
        set(&mut self.website, website);
        let avatar = url_field(f, "avatar_url");
        set(&mut self.avatar_url, avatar);
        if let Some(links) = links_field(f) {
            self.links = links;
        }
        if let Some(b) = f.flag("open_to_work") {
            self.open_to_work = b;
        }
        set(
            &mut self.open_to_work_note,
            f.optional_string("open_to_work_note", 500),
        );
        match f.string_list("open_to_work_roles", 10, 100) {
            Patch::Set(v) => self.open_to_work_roles = v,
            Patch::Null => self.open_to_work_roles.clear(),
            Patch::Absent => {}
        }
        if let Some(b) = f.flag("is_public") {
            self.is_public = b;
        }
    }
}

/// An optional web address of at most 2000 characters ("" allowed: empty).
pub fn url_field(f: &mut Fields, name: &str) -> Patch<String> {
    match f.optional_string(name, 2000) {
        Patch::Set(s) if !s.is_empty() && !is_web_url(&s) => {
            f.error(
                name,
                "invalid_format",
                "must be a web address (http or https)",
            );
            Patch::Absent
        }
        other => other,
    }
}

/// `links`: at most 20 of `{network ≤ 50, username ≤ 100, url}`; `null` clears.
fn links_field(f: &mut Fields) -> Option<Vec<Link>> {
    let items = match f.take("links") {
        None => return None,
        Some(Value::Null) => return Some(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => {
            f.error("links", "wrong_type", "must be an array of links");
            return None;
        }
    };
    if items.len() > 20 {
        f.error("links", "too_many", "at most 20 links");
        return None;
    }
    let mut links = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let path = format!("links[{i}]");
        match Fields::nested(item, &path) {
            Ok(mut l) => {
                let link = Link {
                    network: l.optional_string("network", 50).into_option(),
                    username: l.optional_string("username", 100).into_option(),
                    url: url_field(&mut l, "url").into_option(),
                    extra: Default::default(),
                };
                let errors: Vec<FieldError> = l.into_errors();
                if errors.is_empty() {
                    links.push(link);
                }
                errors.into_iter().for_each(|e| f.push(e));
            }
            Err(e) => f.push(e),
        }
    }
    Some(links)
}
