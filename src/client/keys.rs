//! `keys list | create NAME [--expires-at T] | revoke ID`: API keys for
//! scripts. The server takes these from a password sign-in only, so an API
//! key cannot mint more keys.

use serde_json::json;

use super::fail::{self, Done, Fail};
use super::http::Client;
use super::out;
use super::sections::resolve;
use super::session::Ctx;

const PATH: &str = "/v1/auth/api-keys";

pub fn keys(ctx: &mut Ctx) -> Done {
    let verb = ctx.args.verb("list");
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
            let id = if given.starts_with("rst_") {
                by_prefix(&client, given)?
            } else {
                resolve(&client, PATH, None, given)?
            };
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

/// The active key whose prefix (its first 8 characters, as `list` shows)
/// `given` starts with: a key file's own content names its key.
fn by_prefix(client: &Client, given: &str) -> Result<String, Fail> {
    let prefix: String = given.chars().take(8).collect();
    let keys = client.get(PATH)?;
    let found: Vec<&str> = keys
        .as_array()
        .into_iter()
        .flatten()
        .filter(|k| k["prefix"] == prefix.as_str() && k["is_active"] == true)
        .filter_map(|k| k["id"].as_str())
        .collect();
    match found.as_slice() {
        [one] => Ok(one.to_string()),
        [] => Err(Fail::new(
            fail::NOT_FOUND,
            format!("no active key has the prefix {prefix}"),
        )),
        _ => Err(Fail::usage(
            "keys",
            format!("more than one active key has the prefix {prefix}: give its ID"),
        )),
    }
}
