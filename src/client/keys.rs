//! `keys list | create NAME [--expires-at T] | revoke ID`: API keys for
//! scripts. The server takes these from a password sign-in only, so an API
//! key cannot mint more keys.

use serde_json::json;

use super::fail::{Done, Fail};
use super::out;
use super::sections::resolve;
use super::session::Ctx;

const PATH: &str = "/v1/auth/api-keys";

pub fn keys(ctx: &mut Ctx) -> Done {
    let verb = ctx
        .args
        .words
        .first()
        .cloned()
        .unwrap_or_else(|| "list".into());
    let client = ctx.owner()?;
    match verb.as_str() {
        "list" | "ls" => {
            ctx.args.at_most(ctx.command, 1)?;
            let reply = client.call("GET", PATH, None)?;
            if ctx.json {
                return out::raw(&reply);
            }
            let rows: Vec<Vec<String>> = reply
                .json()?
                .as_array()
                .into_iter()
                .flatten()
                .map(|k| {
                    vec![
                        out::short_id(&k["id"]),
                        out::cell(&k["prefix"]),
                        out::cell(&k["name"]),
                        if k["is_active"] == true {
                            "active"
                        } else {
                            "revoked"
                        }
                        .into(),
                        out::cell(&k["created_at"]),
                        out::cell(&k["last_used_at"]),
                        out::cell(&k["expires_at"]),
                    ]
                })
                .collect();
            if rows.is_empty() {
                out::say("No API keys yet: restume keys create NAME");
                return Ok(());
            }
            out::print(&out::table(
                &[
                    "ID",
                    "PREFIX",
                    "NAME",
                    "STATE",
                    "CREATED",
                    "LAST USED",
                    "EXPIRES",
                ],
                &rows,
            ))
        }
        "create" | "add" => {
            ctx.args.at_most(ctx.command, 2)?;
            let name = ctx
                .args
                .words
                .get(1)
                .ok_or_else(|| Fail::usage(ctx.command, "create needs a NAME"))?;
            let mut body = json!({"name": name});
            if let Some(t) = ctx.args.get("expires-at") {
                body["expires_at"] = json!(t);
            }
            let reply = client.call("POST", PATH, Some(&body))?;
            if ctx.json {
                return out::raw(&reply);
            }
            let key = reply.json()?;
            out::say(&format!(
                "Created the API key '{}' (id {}). It is shown this once: keep it now.",
                out::cell(&key["name"]),
                out::short_id(&key["id"])
            ));
            // The key alone on stdout, so `restume keys create ci > key` works.
            out::print(&format!("{}\n", out::cell(&key["raw_key"])))
        }
        "revoke" | "rm" => {
            ctx.args.at_most(ctx.command, 2)?;
            let given = ctx
                .args
                .words
                .get(1)
                .ok_or_else(|| Fail::usage(ctx.command, "revoke needs the key's ID"))?;
            let id = resolve(&client, PATH, None, given)?;
            client.call("DELETE", &format!("{PATH}/{id}"), None)?;
            out::say(&format!(
                "Revoked the key {}: it fails from now on.",
                &id[..8]
            ));
            Ok(())
        }
        other => Err(Fail::usage(
            ctx.command,
            format!("unknown action '{other}'"),
        )),
    }
}
