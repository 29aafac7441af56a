//! `profile` and the five résumé sections: `list`, `show`, `add`, `set`,
//! `rm`. The API replaces a row whole (`PUT`), so `set` reads the row, changes
//! the named fields and sends it back: fields not named stay as they were.

use serde_json::{Map, Value};

use super::fail::{self, Done, Fail};
use super::fields;
use super::http::Client;
use super::out;
use super::session::Ctx;
use crate::resume::sections::{self as table, Section};

/// The columns a section's table shows (long text stays in `show`).
fn columns(section: &str) -> &'static [&'static str] {
    match section {
        "skills" => &["name", "level", "years", "category", "keywords"],
        "experience" => &["title", "company", "start_date", "end_date", "location"],
        "education" => &[
            "institution",
            "area",
            "study_type",
            "start_date",
            "end_date",
        ],
        "projects" => &["name", "keywords", "start_date", "end_date", "url"],
        _ => &["name", "issuer", "date", "expires"],
    }
}

fn header(col: &str) -> String {
    match col {
        "start_date" => "START".into(),
        "end_date" => "END".into(),
        "study_type" => "TYPE".into(),
        c => c.to_uppercase(),
    }
}

/// The full id of the row whose id is or starts with `given`, found in the
/// list at `path` (its items under `key`, or the list itself).
pub fn resolve(
    client: &Client,
    path: &str,
    key: Option<&str>,
    given: &str,
) -> Result<String, Fail> {
    // ids are UUIDs: anything else would only be a path of its own in the URL
    if given.is_empty() || !given.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return Err(Fail::new(
            fail::NOT_FOUND,
            format!("no row has the id '{given}'"),
        ));
    }
    if given.len() == 36 {
        return Ok(given.to_string());
    }
    let list = client.get(path)?;
    let items = match key {
        Some(k) => &list[k],
        None => &list,
    };
    let given = given.to_ascii_lowercase();
    let found: Vec<&str> = items
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["id"].as_str())
        .filter(|id| id.starts_with(&given))
        .collect();
    match found.as_slice() {
        [one] => Ok(one.to_string()),
        [] => Err(Fail::new(
            fail::NOT_FOUND,
            format!("no row has an id that starts with '{given}'"),
        )),
        _ => Err(Fail::usage(
            "",
            format!("more than one id starts with '{given}': give more of it"),
        )),
    }
}

fn need_id<'a>(ctx: &'a Ctx, what: &str) -> Result<&'a str, Fail> {
    ctx.args
        .words
        .get(1)
        .map(String::as_str)
        .ok_or_else(|| Fail::usage(ctx.command, format!("{what} needs the row's ID")))
}

pub fn section(ctx: &mut Ctx) -> Done {
    let section: &Section = table::by_name(ctx.command).expect("a section command");
    let path = format!("/v1/me/{}", section.name);
    let verb = ctx.args.words.first().map(String::as_str).unwrap_or("list");
    let client = ctx.owner()?;
    let type_of = |f: &str| fields::section_type(section, f);
    match verb {
        "list" | "ls" => {
            ctx.args.at_most(ctx.command, 1)?;
            let reply = client.call("GET", &path, None)?;
            if ctx.json {
                return out::raw(&reply);
            }
            let rows = reply.json()?;
            let cols = columns(section.name);
            let mut headers = vec!["ID".to_string()];
            headers.extend(cols.iter().map(|c| header(c)));
            let lines: Vec<Vec<String>> = rows
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| {
                    let mut line = vec![out::short_id(&r["id"])];
                    line.extend(cols.iter().map(|c| out::cell(&r[*c])));
                    line
                })
                .collect();
            if lines.is_empty() {
                out::say(&format!(
                    "No {} yet: add one with restume {} add FIELD=VALUE…",
                    section.label.to_lowercase(),
                    section.name
                ));
                return Ok(());
            }
            let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
            out::print(&out::table(&headers, &lines))
        }
        "show" => {
            ctx.args.at_most(ctx.command, 2)?;
            let id = resolve(&client, &path, None, need_id(ctx, "show")?)?;
            let reply = client.call("GET", &format!("{path}/{id}"), None)?;
            row_out(ctx, &reply)
        }
        "add" => {
            let body = fields::parse(ctx.command, &ctx.args.words[1..], &type_of)?;
            if body.is_empty() {
                return Err(Fail::usage(ctx.command, "add needs FIELD=VALUE arguments"));
            }
            let reply = client.call("POST", &path, Some(&Value::Object(body)))?;
            let row = reply.json()?;
            out::say(&format!(
                "Added {} {}.",
                section.name,
                out::short_id(&row["id"])
            ));
            row_out(ctx, &reply)
        }
        "set" | "edit" => {
            let id = resolve(&client, &path, None, need_id(ctx, "set")?)?;
            let changes = fields::parse(ctx.command, &ctx.args.words[2..], &type_of)?;
            if changes.is_empty() {
                return Err(Fail::usage(ctx.command, "set needs FIELD=VALUE arguments"));
            }
            let one = format!("{path}/{id}");
            let mut row = match client.get(&one)? {
                Value::Object(m) => m,
                _ => Map::new(),
            };
            for read_only in ["id", "created_at", "updated_at"] {
                row.remove(read_only);
            }
            row.extend(changes);
            let reply = client.call("PUT", &one, Some(&Value::Object(row)))?;
            out::say(&format!("Changed {} {}.", section.name, &id[..8]));
            row_out(ctx, &reply)
        }
        "rm" | "remove" | "delete" => {
            ctx.args.at_most(ctx.command, 2)?;
            let id = resolve(&client, &path, None, need_id(ctx, "rm")?)?;
            client.call("DELETE", &format!("{path}/{id}"), None)?;
            out::say(&format!("Removed {} {}.", section.name, &id[..8]));
            Ok(())
        }
        other => Err(Fail::usage(
            ctx.command,
            format!("unknown action '{other}'"),
        )),
    }
}

fn row_out(ctx: &Ctx, reply: &super::http::Reply) -> Done {
    if ctx.json {
        return out::raw(reply);
    }
    // the row's own fields in the section's order, bookkeeping last
    let mut first = vec!["id"];
    if let Some(section) = table::by_name(ctx.command) {
        first.extend(section.cols.iter().map(|c| c.name));
    }
    first.extend([
        "headline",
        "summary",
        "location",
        "public_email",
        "phone",
        "website",
    ]);
    out::print(&out::object(&reply.json()?, &first))
}

pub fn profile(ctx: &mut Ctx) -> Done {
    let verb = ctx.args.words.first().map(String::as_str).unwrap_or("show");
    let client = ctx.owner()?;
    let reply = match verb {
        "show" => {
            ctx.args.at_most(ctx.command, 1)?;
            client.call("GET", "/v1/me/profile", None)?
        }
        "set" => {
            let body = fields::parse(ctx.command, &ctx.args.words[1..], &fields::profile_type)?;
            if body.is_empty() {
                return Err(Fail::usage(ctx.command, "set needs FIELD=VALUE arguments"));
            }
            let reply = client.call("PATCH", "/v1/me/profile", Some(&Value::Object(body)))?;
            out::say("Profile updated.");
            reply
        }
        other => {
            return Err(Fail::usage(
                ctx.command,
                format!("unknown action '{other}'"),
            ));
        }
    };
    row_out(ctx, &reply)
}
