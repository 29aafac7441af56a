//! Resources (SPEC §7): `restume://profiles/{username}`, the public résumé,
//! and `restume://shortlists/{id}`, the caller's own shortlists only.

use serde_json::{Value, json};

use super::candidates;
use super::shortlists;
use super::{RESOURCE_NOT_FOUND, RpcResult, invalid_params, rpc_error};
use crate::error::ApiResult;
use crate::routes::Ctx;

const PROFILES: &str = "restume://profiles/";
const SHORTLISTS: &str = "restume://shortlists/";
/// Resources per page of `resources/list`.
const PAGE: usize = 50;

pub fn templates(_params: &Value) -> RpcResult {
    Ok(json!({"resourceTemplates": [
        {"uriTemplate": "restume://profiles/{username}", "name": "profile",
         "title": "A candidate's public résumé",
         "description": "The public résumé of a candidate: profile and visible sections",
         "mimeType": "application/json"},
        {"uriTemplate": "restume://shortlists/{id}", "name": "shortlist",
         "title": "One of your shortlists",
         "description": "A shortlist of yours with its candidates that are public now",
         "mimeType": "application/json"},
    ]}))
}

/// `resources/list`: your shortlists, then every public profile, by username,
/// a page at a time.
pub fn list(ctx: &Ctx, params: &Value) -> ApiResult<RpcResult> {
    let offset = match params.get("cursor") {
        None | Some(Value::Null) => 0,
        Some(c) => match c.as_str().and_then(super::offset_of) {
            Some(o) => o,
            None => {
                return Ok(Err(invalid_params(
                    "Unknown cursor: pass nextCursor from the previous answer unchanged",
                )));
            }
        },
    };
    let conn = ctx.app.pool.get()?;
    let mut all: Vec<Value> = shortlists::all(&conn, ctx.user_id())?
        .iter()
        .map(|l| {
            json!({"uri": format!("{SHORTLISTS}{}", l.id), "name": format!("shortlist-{}", l.id),
                   "title": format!("Shortlist: {}", l.name), "mimeType": "application/json"})
        })
        .collect();
    let lists = all.len();
    drop(conn);
    let index = ctx.app.candidates.get(&ctx.app.pool)?;
    let cands = &index.entries;
    all.extend(cands.iter().map(|c| {
        json!({"uri": format!("{PROFILES}{}", c.username), "name": c.username,
               "title": format!("{} — public résumé", c.full_name),
               "mimeType": "application/json"})
    }));
    let total = all.len();
    let page: Vec<Value> = all.into_iter().skip(offset).take(PAGE).collect();
    // the profiles on this page were shown
    let first = offset.max(lists) - lists;
    let last = (offset + PAGE).min(total).saturating_sub(lists);
    if first < last {
        for c in &cands[first..last] {
            ctx.app
                .counters
                .add(&c.user_id, crate::store::counters::Counter::McpExposure);
        }
    }
    let mut out = json!({"resources": page});
    if offset + PAGE < total {
        out["nextCursor"] = json!(super::cursor(offset + PAGE));
    }
    Ok(Ok(out))
}

fn contents(uri: &str, data: &Value) -> Value {
    json!({"contents": [{"uri": uri, "mimeType": "application/json", "text": data.to_string()}]})
}

pub fn read(ctx: &Ctx, params: &Value) -> ApiResult<RpcResult> {
    let Some(uri) = params.get("uri").and_then(Value::as_str) else {
        return Ok(Err(invalid_params(
            "resources/read needs params.uri, such as restume://profiles/USERNAME",
        )));
    };
    let not_found = || {
        Ok(Err(rpc_error(
            RESOURCE_NOT_FOUND,
            format!(
                "Resource not found: {uri}. Read restume://profiles/USERNAME for a public profile \
                 or restume://shortlists/ID for one of your shortlists (resources/list names them)"
            ),
        )))
    };
    let conn = ctx.app.pool.get()?;
    if let Some(username) = uri.strip_prefix(PROFILES) {
        let Some(c) = candidates::find(&conn, username)? else {
            return not_found();
        };
        candidates::exposed(ctx, [&c]);
        return Ok(Ok(contents(uri, &c.public)));
    }
    if let Some(id) = uri.strip_prefix(SHORTLISTS) {
        let Some(list) = shortlists::owned(&conn, ctx.user_id(), id)? else {
            return not_found();
        };
        let members = shortlists::members(&conn, &list)?;
        candidates::exposed(ctx, &members);
        return Ok(Ok(contents(uri, &shortlists::to_json(&list, &members))));
    }
    not_found()
}
