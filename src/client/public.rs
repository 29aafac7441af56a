//! `search`, `show`, `ask`: the public API, sent without a credential so the
//! owner sees exactly what a visitor sees.

use serde_json::{Value, json};

use super::fail::{Done, Fail};
use super::out;
use super::session::Ctx;

/// Percent-encodes a query value or a path segment (RFC 3986 unreserved kept).
pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub fn search(ctx: &mut Ctx) -> Done {
    let mut query = vec![("q", ctx.args.words.join(" "))];
    for opt in ["skill", "location", "limit", "offset"] {
        if let Some(v) = ctx.args.get(opt) {
            query.push((opt, v.to_string()));
        }
    }
    if ctx.args.has("open-to-work") {
        query.push(("open_to_work", "true".into()));
    }
    let qs: Vec<String> = query
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    let reply = ctx
        .public()?
        .call("GET", &format!("/v1/profiles?{}", qs.join("&")), None)?;
    if ctx.json {
        return out::raw(&reply);
    }
    let page = reply.json()?;
    let rows: Vec<Vec<String>> = out::item_rows(&page, |p| {
        vec![
            out::cell(&p["username"]),
            out::cell(&p["full_name"]),
            out::cell(&p["headline"]),
            out::cell(&p["location"]),
            if p["open_to_work"] == true { "yes" } else { "" }.into(),
        ]
    });
    if !rows.is_empty() {
        out::print(&out::table(
            &["USERNAME", "NAME", "HEADLINE", "LOCATION", "OPEN TO WORK"],
            &rows,
        ))?;
    }
    out::say(&format!(
        "{} of {} profiles.",
        rows.len(),
        out::cell(&page["total"])
    ));
    Ok(())
}

fn username(ctx: &Ctx) -> Result<String, Fail> {
    ctx.args
        .words
        .first()
        .map(|u| encode(u))
        .ok_or_else(|| Fail::usage(ctx.command, "needs a USERNAME"))
}

pub fn show(ctx: &mut Ctx) -> Done {
    ctx.args.at_most(ctx.command, 1)?;
    let user = username(ctx)?;
    let format = match ctx.args.get("format") {
        None => "",
        Some("jsonresume") => "?format=jsonresume",
        Some(other) => {
            return Err(Fail::usage(
                ctx.command,
                format!("--format is jsonresume, not '{other}'"),
            ));
        }
    };
    let reply = ctx
        .public()?
        .call("GET", &format!("/v1/profiles/{user}{format}"), None)?;
    if ctx.json || !format.is_empty() {
        return out::raw(&reply);
    }
    out::print(&render(&reply.json()?))
}

/// The public résumé as plain text, sections in the owner's layout order.
fn render(r: &Value) -> String {
    let p = &r["profile"];
    let mut text = format!("{}\n", out::cell(&r["full_name"]));
    for line in [out::cell(&p["headline"]), out::cell(&p["location"])] {
        if !line.is_empty() {
            text.push_str(&format!("{line}\n"));
        }
    }
    if p["open_to_work"] == true {
        let roles = out::cell(&p["open_to_work_roles"]);
        text.push_str(&format!(
            "Open to work{}\n",
            if roles.is_empty() {
                String::new()
            } else {
                format!(": {roles}")
            }
        ));
    }
    let contact: Vec<String> = ["public_email", "phone", "website"]
        .iter()
        .map(|k| out::cell(&p[*k]))
        .chain(
            p["links"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|l| out::cell(&l["url"])),
        )
        .filter(|s| !s.is_empty())
        .collect();
    if !contact.is_empty() {
        text.push_str(&format!("{}\n", contact.join(" · ")));
    }
    let summary = out::cell(&p["summary"]);
    if !summary.is_empty() {
        text.push_str(&format!(
            "\n{}\n",
            out::clean(p["summary"].as_str().unwrap_or(""), false)
        ));
    }
    for s in r["sections"].as_array().into_iter().flatten() {
        let items = s["items"].as_array().cloned().unwrap_or_default();
        if items.is_empty() {
            continue;
        }
        text.push_str(&format!("\n{}\n", out::cell(&s["label"])));
        for i in &items {
            text.push_str(&format!(
                "  - {}\n",
                entry(out::cell(&s["name"]).as_str(), i)
            ));
        }
    }
    text
}

fn entry(section: &str, i: &Value) -> String {
    let c = |k: &str| out::cell(&i[k]);
    let span = |a: &str, b: &str| {
        let (a, b) = (c(a), c(b));
        match (a.is_empty(), b.is_empty()) {
            (true, _) => String::new(),
            (false, true) => format!(" ({a} – present)"),
            (false, false) => format!(" ({a} – {b})"),
        }
    };
    let join = |parts: &[String]| {
        parts
            .iter()
            .filter(|s| !s.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    };
    match section {
        "experience" => format!(
            "{} at {}{}",
            c("title"),
            c("company"),
            span("start_date", "end_date")
        ),
        "education" => format!(
            "{}{}",
            join(&[c("study_type"), c("area"), c("institution")]),
            span("start_date", "end_date")
        ),
        "skills" => {
            let years = if c("years").is_empty() {
                String::new()
            } else {
                format!("{} years", c("years"))
            };
            let detail = join(&[c("level"), years]);
            if detail.is_empty() {
                c("name")
            } else {
                format!("{} ({detail})", c("name"))
            }
        }
        "projects" => {
            let tech = c("keywords");
            if tech.is_empty() {
                c("name")
            } else {
                format!("{} [{tech}]", c("name"))
            }
        }
        _ => format!(
            "{}, {}{}",
            c("name"),
            c("issuer"),
            if c("date").is_empty() {
                String::new()
            } else {
                format!(" ({})", c("date"))
            }
        ),
    }
}

pub fn ask(ctx: &mut Ctx) -> Done {
    let user = username(ctx)?;
    let question = ctx.args.words[1..].join(" ");
    if question.trim().is_empty() {
        return Err(Fail::usage(
            ctx.command,
            "needs a QUESTION after the username",
        ));
    }
    let reply = ctx.public()?.call(
        "POST",
        &format!("/v1/profiles/{user}/ask"),
        Some(&json!({ "question": question })),
    )?;
    if ctx.json {
        return out::raw(&reply);
    }
    let a = reply.json()?;
    let mut text = format!(
        "{}\n",
        out::clean(a["answer"].as_str().unwrap_or(""), false)
    );
    text.push_str(&format!(
        "({}, confidence {})\n",
        out::cell(&a["answer_status"]).replace('_', " "),
        out::cell(&a["confidence_band"])
    ));
    for s in a["sources"].as_array().into_iter().flatten() {
        text.push_str(&format!(
            "  source: {} — {}\n",
            out::cell(&s["label"]),
            out::cell(&s["snippet"])
        ));
    }
    out::print(&text)
}
