//! The blog (SPEC §6): admins write posts (or import Markdown with a front
//! matter block); everyone reads the published ones.

use std::io::Read;

use rusqlite::{OptionalExtension, params};
use serde_json::{Value, json};

use super::public::page;
use super::{Ctx, ok};
use crate::auth::audit;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http;
use crate::store::db;
use crate::time::{now, rfc3339};
use crate::validate::{Fields, Patch};

pub struct Post {
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub body_markdown: String,
    pub status: String,
}

const COLUMNS: &str =
    "slug, title, summary, body_markdown, status, created_at, updated_at, published_at";

fn post_json(r: &rusqlite::Row) -> rusqlite::Result<Value> {
    Ok(json!({
        "slug": r.get::<_, String>(0)?, "title": r.get::<_, String>(1)?,
        "summary": r.get::<_, Option<String>>(2)?, "body_markdown": r.get::<_, String>(3)?,
        "status": r.get::<_, String>(4)?, "created_at": rfc3339(r.get(5)?),
        "updated_at": rfc3339(r.get(6)?), "published_at": r.get::<_, Option<i64>>(7)?.map(rfc3339),
    }))
}

fn valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
}

/// Checks a post's fields wherever they came from (JSON or front matter).
fn check(
    slug: Option<String>,
    title: Option<String>,
    summary: Option<String>,
    body: Option<String>,
    status: Option<String>,
) -> Result<Post, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut need = |name: &str, v: &Option<String>, max: usize| match v {
        None => errors.push(FieldError::new(name, "required", "is required")),
        Some(s) if s.trim().is_empty() => {
            errors.push(FieldError::new(name, "too_short", "at least 1 character"))
        }
        Some(s) if s.chars().count() > max => errors.push(FieldError::new(
            name,
            "too_long",
            format!("at most {max} characters"),
        )),
        _ => {}
    };
    need("slug", &slug, 100);
    need("title", &title, 200);
    need("body_markdown", &body, 200_000);
    if let Some(s) = &slug
        && !s.is_empty()
        && !valid_slug(s)
    {
        errors.push(FieldError::new(
            "slug",
            "invalid_format",
            "lower-case letters, digits and '-'",
        ));
    }
    if summary.as_ref().is_some_and(|s| s.chars().count() > 500) {
        errors.push(FieldError::new(
            "summary",
            "too_long",
            "at most 500 characters",
        ));
    }
    let status = status.unwrap_or_else(|| "draft".into());
    if status != "draft" && status != "published" {
        errors.push(FieldError::new(
            "status",
            "invalid_value",
            "must be draft or published",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Post {
        slug: slug.unwrap_or_default(),
        title: title.unwrap_or_default(),
        summary,
        body_markdown: body.unwrap_or_default(),
        status,
    })
}

fn from_json(ctx: &Ctx, slug_from_path: Option<&str>) -> ApiResult<Post> {
    let mut f = Fields::new(ctx.body()?)?;
    let slug = match (f.optional_string("slug", 100), slug_from_path) {
        (Patch::Set(s), Some(p)) if s != p => {
            f.error(
                "slug",
                "immutable",
                "a post keeps its slug; create a new post instead",
            );
            Some(p.to_string())
        }
        (_, Some(p)) => Some(p.to_string()),
        (p, None) => p.into_option(),
    };
    let title = f.optional_string("title", 1000).into_option();
    let summary = f.optional_string("summary", 1000).into_option();
    let body = f.optional_string("body_markdown", 1_000_000).into_option();
    let status = f.optional_string("status", 20).into_option();
    let mut errors = f.into_errors();
    match check(slug, title, summary, body, status) {
        Ok(post) if errors.is_empty() => Ok(post),
        Ok(_) => Err(ApiError::validation(errors)),
        Err(more) => {
            // A field already refused as sent (a control character, say) is
            // not also reported as missing.
            let fresh: Vec<_> = more
                .into_iter()
                .filter(|m| !errors.iter().any(|e| e.field == m.field))
                .collect();
            errors.extend(fresh);
            Err(ApiError::validation(errors))
        }
    }
}

/// Writes a post; `true` when it was new.
fn save(tx: &rusqlite::Connection, p: &Post, author: &str) -> ApiResult<bool> {
    let now = now();
    let existed = tx
        .prepare_cached("SELECT published_at FROM blog_posts WHERE slug = ?1")?
        .query_row([&p.slug], |r| r.get::<_, Option<i64>>(0))
        .optional()?;
    // published_at: set when first published, kept after
    let published_at = match (&existed, p.status.as_str()) {
        (Some(Some(t)), "published") => Some(*t),
        (_, "published") => Some(now),
        _ => None,
    };
    tx.prepare_cached(
        "INSERT INTO blog_posts (slug, title, summary, body_markdown, status, author_id, created_at, updated_at, published_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)
         ON CONFLICT (slug) DO UPDATE SET title = excluded.title, summary = excluded.summary,
           body_markdown = excluded.body_markdown, status = excluded.status,
           updated_at = excluded.updated_at, published_at = excluded.published_at",
    )?
    .execute(params![p.slug, p.title, p.summary, p.body_markdown, p.status, author, now, published_at])?;
    Ok(existed.is_none())
}

fn load(conn: &rusqlite::Connection, slug: &str, published_only: bool) -> ApiResult<Value> {
    let sql = format!(
        "SELECT {COLUMNS} FROM blog_posts WHERE slug = ?1 {}",
        if published_only {
            "AND status = 'published'"
        } else {
            ""
        }
    );
    conn.prepare_cached(&sql)?
        .query_row([slug], post_json)
        .optional()?
        .ok_or_else(ApiError::not_found)
}

/// A page of posts, `{items, total, limit, offset}`; `published` limits it
/// to the public ones, newest first, else every post, last updated first.
fn list(ctx: &Ctx, published: bool) -> ApiResult {
    let (limit, offset) = page(ctx)?;
    let (filter, order) = if published {
        ("WHERE status = 'published'", "published_at DESC")
    } else {
        ("", "updated_at DESC")
    };
    let conn = ctx.app.pool.get()?;
    let total: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM blog_posts {filter}"))?
        .query_row([], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM blog_posts {filter} ORDER BY {order}, slug LIMIT ?1 OFFSET ?2"
    ))?;
    let items = stmt
        .query_map([limit, offset], post_json)?
        .collect::<Result<Vec<_>, _>>()?;
    ok(json!({"items": items, "total": total, "limit": limit, "offset": offset}))
}

/// Every post, drafts included; paginated like every list that can grow.
pub fn admin_list(ctx: &Ctx) -> ApiResult {
    list(ctx, false)
}

pub fn create(ctx: &Ctx) -> ApiResult {
    let post = from_json(ctx, None)?;
    let admin = ctx.user_id();
    let body = db::write(&ctx.app.pool, |tx| {
        if tx
            .prepare_cached("SELECT 1 FROM blog_posts WHERE slug = ?1")?
            .exists([&post.slug])?
        {
            return Err(ApiError::conflict("slug_taken", "A post has that slug"));
        }
        save(tx, &post, admin)?;
        audit::record(
            tx,
            None,
            Some(admin),
            "blog.create",
            &json!({"slug": post.slug}),
            ctx.ip,
        )?;
        load(tx, &post.slug, false)
    })?;
    Ok(http::created(
        &format!("/v1/admin/blog/posts/{}", post.slug),
        &body,
    ))
}

pub fn admin_get(ctx: &Ctx) -> ApiResult {
    ok(load(&*ctx.app.pool.get()?, ctx.param(0), false)?)
}

pub fn replace(ctx: &Ctx) -> ApiResult {
    let post = from_json(ctx, Some(ctx.param(0)))?;
    let admin = ctx.user_id();
    let body = db::write(&ctx.app.pool, |tx| {
        load(tx, &post.slug, false)?;
        save(tx, &post, admin)?;
        audit::record(
            tx,
            None,
            Some(admin),
            "blog.update",
            &json!({"slug": post.slug}),
            ctx.ip,
        )?;
        load(tx, &post.slug, false)
    })?;
    ok(body)
}

pub fn delete(ctx: &Ctx) -> ApiResult {
    let admin = ctx.user_id();
    db::write(&ctx.app.pool, |tx| {
        let n = tx
            .prepare_cached("DELETE FROM blog_posts WHERE slug = ?1")?
            .execute([ctx.param(0)])?;
        if n == 0 {
            return Err(ApiError::not_found());
        }
        audit::record(
            tx,
            None,
            Some(admin),
            "blog.delete",
            &json!({"slug": ctx.param(0)}),
            ctx.ip,
        )?;
        Ok(())
    })?;
    Ok(http::no_content())
}

/// Splits `---\nkey: value\n---\nbody` into its front matter and body.
pub fn front_matter(doc: &str) -> Result<(Vec<(String, String)>, String), FieldError> {
    let bad = |msg: &str| FieldError::new("front_matter", "invalid_format", msg);
    let doc = doc.strip_prefix('\u{feff}').unwrap_or(doc);
    let rest = doc
        .strip_prefix("---\n")
        .or_else(|| doc.strip_prefix("---\r\n"))
        .ok_or_else(|| bad("the document must start with a '---' line"))?;
    let mut fields = Vec::new();
    let mut lines = rest.split_inclusive('\n');
    let mut consumed = 0;
    loop {
        let Some(line) = lines.next() else {
            return Err(bad("the front matter has no closing '---' line"));
        };
        consumed += line.len();
        let trimmed = line.trim_end();
        if trimmed == "---" {
            break;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let (k, v) = trimmed
            .split_once(':')
            .ok_or_else(|| bad("front matter lines are 'key: value'"))?;
        let v = v.trim();
        let v = v
            .strip_prefix('"')
            .and_then(|x| x.strip_suffix('"'))
            .or_else(|| v.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
            .unwrap_or(v);
        fields.push((k.trim().to_string(), v.to_string()));
    }
    Ok((
        fields,
        rest[consumed..]
            .trim_start_matches(['\r', '\n'])
            .to_string(),
    ))
}

/// `POST /v1/admin/blog/import`: a Markdown document (`text/markdown`) whose
/// front matter names `title`, `slug`, `summary`, `status`; creates or updates.
pub fn import(ctx: &Ctx) -> ApiResult {
    let ctype = ctx
        .req
        .header("Content-Type")
        .unwrap_or("")
        .to_ascii_lowercase();
    if !(ctype.starts_with("text/markdown") || ctype.starts_with("text/plain")) {
        return Err(ApiError::new(
            415,
            "unsupported_media_type",
            "Send the post as Content-Type: text/markdown",
        ));
    }
    let mut raw = Vec::new();
    if let Some(data) = ctx.req.data() {
        data.take(http::MAX_BODY as u64 + 1)
            .read_to_end(&mut raw)
            .map_err(|_| ApiError::new(400, "malformed_body", "The body could not be read"))?;
    }
    if raw.len() > http::MAX_BODY {
        return Err(ApiError::new(
            413,
            "payload_too_large",
            "The body is larger than 1 MiB",
        ));
    }
    let text = String::from_utf8(raw)
        .map_err(|_| ApiError::new(400, "malformed_body", "The body is not UTF-8"))?;
    let (fields, body) = front_matter(&text).map_err(|e| ApiError::validation(vec![e]))?;
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let unknown: Vec<FieldError> = fields
        .iter()
        .filter(|(k, _)| !["title", "slug", "summary", "status"].contains(&k.as_str()))
        .map(|(k, _)| FieldError::new(k.clone(), "unknown_field", "is not a front matter field"))
        .collect();
    let post = check(
        get("slug"),
        get("title"),
        get("summary"),
        Some(body),
        get("status"),
    );
    let post = match (post, unknown.is_empty()) {
        (Ok(p), true) => p,
        (Ok(_), false) => return Err(ApiError::validation(unknown)),
        (Err(mut e), _) => {
            e.extend(unknown);
            return Err(ApiError::validation(e));
        }
    };
    let admin = ctx.user_id();
    let (created, body) = db::write(&ctx.app.pool, |tx| {
        let created = save(tx, &post, admin)?;
        let action = if created {
            "blog.create"
        } else {
            "blog.update"
        };
        audit::record(
            tx,
            None,
            Some(admin),
            action,
            &json!({"slug": post.slug, "imported": true}),
            ctx.ip,
        )?;
        Ok((created, load(tx, &post.slug, false)?))
    })?;
    Ok(if created {
        http::created(&format!("/v1/admin/blog/posts/{}", post.slug), &body)
    } else {
        http::ok(&body)
    })
}

pub fn public_list(ctx: &Ctx) -> ApiResult {
    list(ctx, true)
}

pub fn public_get(ctx: &Ctx) -> ApiResult {
    ok(load(&*ctx.app.pool.get()?, ctx.param(0), true)?)
}

#[cfg(test)]
mod tests {
    use super::front_matter;

    #[test]
    fn reads_front_matter() {
        let (f, body) =
            front_matter("---\ntitle: \"Hello: world\"\nslug: hello\n---\n\n# Hi\n").unwrap();
        assert_eq!(
            f,
            vec![
                ("title".into(), "Hello: world".into()),
                ("slug".into(), "hello".into())
            ]
        );
        assert_eq!(body, "# Hi\n");
        assert!(front_matter("# no front matter").is_err());
        assert!(front_matter("---\ntitle: x\n").is_err());
        assert!(front_matter("---\nnot a pair\n---\n").is_err());
    }
}
