//! `resume import FILE|-` and `resume export [--format jsonresume] [-o FILE]`:
//! the whole résumé in and out as one document.

use std::io::Read;

use serde_json::Value;

use super::fail::{Done, Fail};
use super::out;
use super::session::Ctx;

pub fn resume(ctx: &mut Ctx) -> Done {
    let verb = ctx.args.words.first().cloned().unwrap_or_default();
    match verb.as_str() {
        "import" => import(ctx),
        "export" => export(ctx),
        "" => Err(Fail::usage(ctx.command, "say import or export")),
        other => Err(Fail::usage(
            ctx.command,
            format!("unknown action '{other}'"),
        )),
    }
}

fn import(ctx: &Ctx) -> Done {
    ctx.args.at_most(ctx.command, 2)?;
    let source = ctx
        .args
        .words
        .get(1)
        .ok_or_else(|| Fail::usage(ctx.command, "import needs a FILE, or - for stdin"))?;
    let mut bytes = Vec::new();
    let read = if source == "-" {
        std::io::stdin().lock().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(source).map(|b| bytes = b)
    };
    read.map_err(|e| Fail::error(format!("cannot read {source}: {e}")))?;
    // Checked here so a wrong file is named as such, not as a server error.
    if let Err(e) = serde_json::from_slice::<Value>(&bytes) {
        return Err(Fail::error(format!("{source} is not JSON: {e}")));
    }
    let client = ctx.owner()?;
    let reply = client.send("PUT", "/v1/me/resume", Some(("application/json", bytes)))?;
    let reply = client.check(reply)?;
    if ctx.json {
        return out::raw(&reply);
    }
    let answer = reply.json()?;
    let mut rows: Vec<Vec<String>> = answer["imported"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(section, n)| vec![section.clone(), out::cell(n)])
        .collect();
    rows.sort();
    out::say("Imported; the résumé now holds:");
    out::print(&out::table(&["SECTION", "ROWS"], &rows))?;
    let kept = out::cell(&answer["kept_verbatim"]);
    if !kept.is_empty() {
        out::say(&format!("Kept as they came (given back on export): {kept}"));
    }
    Ok(())
}

fn export(ctx: &Ctx) -> Done {
    ctx.args.at_most(ctx.command, 1)?;
    let path = match ctx.args.get("format") {
        None | Some("restume") => "/v1/me/resume",
        Some("jsonresume") => "/v1/me/resume?format=jsonresume",
        Some(other) => {
            return Err(Fail::usage(
                ctx.command,
                format!("--format is jsonresume or restume, not '{other}'"),
            ));
        }
    };
    let reply = ctx.owner()?.call("GET", path, None)?;
    // Scripts get the server's bytes; people and files get it indented.
    let mut bytes = if ctx.json {
        reply.body.clone()
    } else {
        serde_json::to_vec_pretty(&reply.json()?).expect("JSON serialises")
    };
    bytes.push(b'\n');
    out::deliver(ctx.args.get("output"), &bytes)
}
