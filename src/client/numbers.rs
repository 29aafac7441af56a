//! `analytics`, `usage`, `transcripts`, `insights`: what visitors and
//! scripts did with the résumé.

use super::fail::{Done, Fail};
use super::out;
use super::sections::resolve;
use super::session::Ctx;

pub fn analytics(ctx: &mut Ctx) -> Done {
    ctx.args.at_most(ctx.command, 0)?;
    let days = ctx.args.number(ctx.command, "days")?.unwrap_or(7);
    let reply = ctx
        .owner()?
        .call("GET", &format!("/v1/me/analytics?days={days}"), None)?;
    if ctx.json {
        return out::raw(&reply);
    }
    let a = reply.json()?;
    let counts = |d: &serde_json::Value| {
        ["views", "api_requests", "asks", "mcp_exposures"].map(|k| out::cell(&d[k]))
    };
    let mut rows: Vec<Vec<String>> = out::item_rows(&a, |d| {
        let mut r = vec![out::cell(&d["day"])];
        r.extend(counts(d));
        r
    });
    let mut total = vec!["total".to_string()];
    total.extend(counts(&a["totals"]));
    rows.push(total);
    out::print(&out::table(
        &["DAY", "VIEWS", "API REQUESTS", "ASKS", "MCP EXPOSURES"],
        &rows,
    ))
}

pub fn usage(ctx: &mut Ctx) -> Done {
    ctx.args.at_most(ctx.command, 0)?;
    let reply = ctx.owner()?.call("GET", "/v1/me/usage", None)?;
    if ctx.json {
        return out::raw(&reply);
    }
    let u = reply.json()?;
    let rows: Vec<Vec<String>> = u["buckets"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, b)| {
            vec![
                name.clone(),
                out::cell(&b["limit"]),
                out::cell(&b["remaining"]),
                format!("{}s", out::cell(&b["reset_seconds"])),
            ]
        })
        .collect();
    out::print(&out::table(
        &["BUCKET", "LIMIT", "REMAINING", "FULL AGAIN IN"],
        &rows,
    ))?;
    out::say(&format!(
        "Plan {}; API-key requests today: {}.",
        out::cell(&u["plan"]),
        out::cell(&u["api_key_requests_today"])
    ));
    Ok(())
}

const TRANSCRIPTS: &str = "/v1/me/transcripts";

pub fn transcripts(ctx: &mut Ctx) -> Done {
    let verb = ctx.args.verb("list");
    let client = ctx.owner()?;
    let id = |ctx: &Ctx| -> Result<String, Fail> {
        ctx.args.at_most(ctx.command, 2)?;
        let given =
            ctx.args.words.get(1).ok_or_else(|| {
                Fail::usage(ctx.command, format!("{verb} needs the transcript's ID"))
            })?;
        resolve(
            &client,
            &format!("{TRANSCRIPTS}?limit=100"),
            Some("items"),
            given,
        )
    };
    match verb.as_str() {
        "list" | "ls" => {
            ctx.args.at_most(ctx.command, 1)?;
            let limit = ctx.args.number(ctx.command, "limit")?.unwrap_or(20);
            let offset = ctx.args.number(ctx.command, "offset")?.unwrap_or(0);
            let reply = client.call(
                "GET",
                &format!("{TRANSCRIPTS}?limit={limit}&offset={offset}"),
                None,
            )?;
            if ctx.json {
                return out::raw(&reply);
            }
            let page = reply.json()?;
            let rows: Vec<Vec<String>> = out::item_rows(&page, |t| {
                vec![
                    out::short_id(&t["id"]),
                    out::cell(&t["updated_at"]),
                    visitor(&t["visitor"]),
                    out::cell(&t["message_count"]),
                    out::cell(&t["first_message"]),
                ]
            });
            out::print(&out::table(
                &["ID", "LAST MESSAGE", "VISITOR", "MESSAGES", "FIRST MESSAGE"],
                &rows,
            ))?;
            out::say(&format!(
                "{} of {} transcripts.",
                rows.len(),
                out::cell(&page["total"])
            ));
            Ok(())
        }
        "show" => {
            let id = id(ctx)?;
            let reply = client.call("GET", &format!("{TRANSCRIPTS}/{id}"), None)?;
            if ctx.json {
                return out::raw(&reply);
            }
            let t = reply.json()?;
            let mut text = out::pairs(&[
                ("visitor", visitor(&t["visitor"])),
                ("started", out::cell(&t["created_at"])),
            ]);
            for m in t["messages"].as_array().into_iter().flatten() {
                text.push_str(&format!(
                    "\n[{}] visitor: {}\n  answer ({}): {}\n",
                    out::cell(&m["created_at"]),
                    out::clean(&out::cell(&m["message"]), false),
                    out::cell(&m["answer_status"]),
                    out::clean(&out::cell(&m["reply"]["answer"]), false),
                ));
            }
            out::print(&text)
        }
        "rm" | "delete" => {
            let id = id(ctx)?;
            client.call("DELETE", &format!("{TRANSCRIPTS}/{id}"), None)?;
            out::say(&format!("Deleted the transcript {}.", &id[..8]));
            Ok(())
        }
        other => Err(Fail::usage(
            ctx.command,
            format!("unknown action '{other}'"),
        )),
    }
}

fn visitor(v: &serde_json::Value) -> String {
    let name = out::cell(&v["name"]);
    let company = out::cell(&v["company"]);
    match (name.is_empty(), company.is_empty()) {
        (true, true) => "(anonymous)".into(),
        (false, true) => name,
        (true, false) => format!("({company})"),
        (false, false) => format!("{name} ({company})"),
    }
}

pub fn insights(ctx: &mut Ctx) -> Done {
    ctx.args.at_most(ctx.command, 0)?;
    let client = ctx.owner()?;
    if let Some(format) = ctx.args.get("export") {
        if !["csv", "json"].contains(&format) {
            return Err(Fail::usage(
                ctx.command,
                format!("--export is csv or json, not '{format}'"),
            ));
        }
        let reply = client.call(
            "GET",
            &format!("/v1/me/insights/export?format={format}"),
            None,
        )?;
        return out::deliver(ctx.args.get("output"), &reply.body);
    }
    let reply = client.call("GET", "/v1/me/insights", None)?;
    if ctx.json {
        return out::raw(&reply);
    }
    let i = reply.json()?;
    let mut text = format!(
        "From {} to {}: {} questions asked, {} recruiter (MCP) exposures.\n",
        out::cell(&i["since"]),
        out::cell(&i["until"]),
        out::cell(&i["asks"]),
        out::cell(&i["mcp_exposures"])
    );
    let list = |key: &str, headers: &[&str], cols: &[&str]| -> String {
        let rows: Vec<Vec<String>> = key
            .split('.')
            .fold(&i, |v, k| &v[k])
            .as_array()
            .into_iter()
            .flatten()
            .map(|q| cols.iter().map(|c| out::cell(&q[*c])).collect())
            .collect();
        if rows.is_empty() {
            "  (none)\n".into()
        } else {
            out::table(headers, &rows)
        }
    };
    text.push_str("\nTop questions\n");
    text.push_str(&list(
        "top_questions",
        &["COUNT", "QUESTION"],
        &["count", "question"],
    ));
    text.push_str("\nUnanswered questions\n");
    text.push_str(&list(
        "unanswered_questions",
        &["COUNT", "QUESTION"],
        &["count", "question"],
    ));
    text.push_str("\nReferrers of page views\n");
    text.push_str(&list(
        "referrers.views",
        &["COUNT", "HOST"],
        &["count", "host"],
    ));
    text.push_str("\nReferrers of questions\n");
    text.push_str(&list(
        "referrers.asks",
        &["COUNT", "HOST"],
        &["count", "host"],
    ));
    out::print(&text)
}
