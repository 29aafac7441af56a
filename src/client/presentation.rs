//! `theme [show | list | set ID]` and `layout [show | set SECTION…]`: how the
//! public page looks.

use serde_json::{Value, json};

use super::fail::{Done, Fail};
use super::out;
use super::session::Ctx;

pub fn theme(ctx: &mut Ctx) -> Done {
    let verb = ctx.args.verb("show");
    let client = ctx.owner()?;
    match verb.as_str() {
        "show" => {
            ctx.args.at_most(ctx.command, 1)?;
            let reply = client.call("GET", "/v1/me/theme", None)?;
            if ctx.json {
                return out::raw(&reply);
            }
            out::print(&format!("{}\n", out::cell(&reply.json()?["theme"])))
        }
        "list" | "ls" => {
            ctx.args.at_most(ctx.command, 1)?;
            let reply = client.call("GET", "/v1/me/themes", None)?;
            if ctx.json {
                return out::raw(&reply);
            }
            let current = client.get("/v1/me/theme")?["theme"].clone();
            let rows: Vec<Vec<String>> = reply
                .json()?
                .as_array()
                .into_iter()
                .flatten()
                .map(|t| {
                    vec![
                        if t["id"] == current { "*" } else { "" }.into(),
                        out::cell(&t["id"]),
                        out::cell(&t["name"]),
                        out::cell(&t["plan"]),
                        if t["available"] == true { "yes" } else { "no" }.into(),
                        out::cell(&t["description"]),
                    ]
                })
                .collect();
            out::print(&out::table(
                &["", "ID", "NAME", "PLAN", "AVAILABLE", "DESCRIPTION"],
                &rows,
            ))
        }
        "set" => {
            ctx.args.at_most(ctx.command, 2)?;
            let id = ctx.args.words.get(1).ok_or_else(|| {
                Fail::usage(ctx.command, "set needs a theme ID (see restume theme list)")
            })?;
            let reply = client.call("PUT", "/v1/me/theme", Some(&json!({"theme": id})))?;
            if ctx.json {
                return out::raw(&reply);
            }
            out::say(&format!("The page now uses the theme {id}."));
            Ok(())
        }
        other => Err(Fail::usage(
            ctx.command,
            format!("unknown action '{other}'"),
        )),
    }
}

const SECTIONS: [&str; 5] = [
    "experience",
    "education",
    "skills",
    "projects",
    "certifications",
];

pub fn layout(ctx: &mut Ctx) -> Done {
    let verb = ctx.args.verb("show");
    let client = ctx.owner()?;
    let reply = match verb.as_str() {
        "show" => {
            ctx.args.at_most(ctx.command, 1)?;
            client.call("GET", "/v1/me/layout", None)?
        }
        "set" => {
            let body = layout_body(ctx.command, &ctx.args.words[1..])?;
            let reply = client.call("PUT", "/v1/me/layout", Some(&body))?;
            out::say("Layout saved.");
            reply
        }
        other => {
            return Err(Fail::usage(
                ctx.command,
                format!("unknown action '{other}'"),
            ));
        }
    };
    if ctx.json {
        return out::raw(&reply);
    }
    let rows: Vec<Vec<String>> = reply.json()?["sections"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            vec![
                out::cell(&s["name"]),
                if s["visible"] == true {
                    "shown"
                } else {
                    "hidden"
                }
                .into(),
            ]
        })
        .collect();
    out::print(&out::table(&["SECTION", "ON THE PAGE"], &rows))
}

/// The sections named are shown in that order; the others follow, hidden.
fn layout_body(command: &str, names: &[String]) -> Result<Value, Fail> {
    if names.is_empty() {
        return Err(Fail::usage(
            command,
            "set needs the sections to show, in order",
        ));
    }
    let mut sections = Vec::new();
    for n in names {
        if !SECTIONS.contains(&n.as_str()) {
            return Err(Fail::usage(
                command,
                format!("'{n}' is not a section (one of {})", SECTIONS.join(", ")),
            ));
        }
        if names.iter().filter(|m| *m == n).count() > 1 {
            return Err(Fail::usage(command, format!("{n} is named twice")));
        }
        sections.push(json!({"name": n, "visible": true}));
    }
    for s in SECTIONS.iter().filter(|s| !names.iter().any(|n| n == *s)) {
        sections.push(json!({"name": s, "visible": false}));
    }
    Ok(json!({ "sections": sections }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_sections_first_the_rest_hidden() {
        let body = layout_body("layout", &["skills".into(), "experience".into()]).unwrap();
        let names: Vec<(&str, bool)> = body["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["name"].as_str().unwrap(), s["visible"].as_bool().unwrap()))
            .collect();
        assert_eq!(
            names,
            [
                ("skills", true),
                ("experience", true),
                ("education", false),
                ("projects", false),
                ("certifications", false)
            ]
        );
        assert_eq!(
            layout_body("layout", &["hobbies".into()]).unwrap_err().code,
            2
        );
        assert_eq!(
            layout_body("layout", &["skills".into(), "skills".into()])
                .unwrap_err()
                .code,
            2
        );
    }
}
