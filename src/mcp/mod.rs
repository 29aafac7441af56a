//! The MCP server for recruiters (SPEC §7): JSON-RPC 2.0 over the Streamable
//! HTTP transport, stateless, one message per `POST /mcp`, JSON answers only.
//!
//! What is checked before a message is read is answered as a problem
//! (Origin, credential, plan, protocol version, body); what is wrong with
//! the message itself is a JSON-RPC error; a tool that cannot work with its
//! arguments answers a result with `isError: true` (`tools`).

mod candidates;
mod fit;
pub mod index;
mod resources;
mod shortlists;
mod tools;

use rouille::{Request, Response};
use serde_json::{Value, json};

use crate::app::App;
use crate::auth::{Caller, caller};
use crate::error::{ApiError, ApiResult};
use crate::http;
use crate::routes::Ctx;

/// The revisions served, newest first.
pub const VERSIONS: &[&str] = &["2025-11-25", "2025-06-18", "2025-03-26"];
/// What a request without `MCP-Protocol-Version` speaks (the transport spec).
const DEFAULT_VERSION: &str = "2025-03-26";

/// JSON-RPC error codes.
pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;
pub const METHOD_NOT_FOUND: i64 = -32601;
pub const INVALID_PARAMS: i64 = -32602;
pub const RESOURCE_NOT_FOUND: i64 = -32002;

/// A JSON-RPC error: code and a message that says how to fix the call.
#[derive(Debug)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
}

pub type RpcResult = Result<Value, RpcError>;

pub fn rpc_error(code: i64, message: impl Into<String>) -> RpcError {
    RpcError {
        code,
        message: message.into(),
    }
}

pub fn invalid_params(message: impl Into<String>) -> RpcError {
    rpc_error(INVALID_PARAMS, message)
}

/// The admission of `/mcp` (route access `Mcp`): the Origin first (a page
/// on another site gets nowhere, credential or not), then the credential,
/// then the plan.
pub fn admit(app: &App, req: &Request) -> ApiResult<Caller> {
    check_origin(app, req)?;
    let Some(caller) = caller::identify(app, req)? else {
        return Err(ApiError::unauthorized(
            "not_authenticated",
            "Sign in: send a JWT or an API key of a recruiter-plan account",
        ));
    };
    let conn = app.pool.get()?;
    crate::policy::plans::require(&conn, &caller.id, "mcp")?;
    Ok(caller)
}

/// DNS-rebinding protection: an `Origin`, when sent, must be this server's
/// own or one of `RESTUME_MCP_ALLOWED_ORIGINS`. The server's own origin is
/// the one whose authority is the `Host` the request was sent to, when that
/// host is a loopback name or the address the server is bound to: a
/// rebound name (`evil.example` pointing at 127.0.0.1) sends a matching
/// `Host` and `Origin` too, so a name is never trusted for itself. Behind a
/// proxy under a public name, list that origin.
fn check_origin(app: &App, req: &Request) -> ApiResult<()> {
    let Some(origin) = req.header("Origin").map(str::trim) else {
        return Ok(());
    };
    let origin = origin.trim_end_matches('/');
    let listed = app
        .config
        .mcp_allowed_origins
        .iter()
        .any(|o| o.eq_ignore_ascii_case(origin));
    let own = req.header("Host").is_some_and(|host| {
        let authority = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"));
        authority.is_some_and(|a| a.eq_ignore_ascii_case(host.trim()))
            && is_own_host(host_part(host.trim()), app.config.bind.ip())
    });
    if listed || own {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "origin_not_allowed",
            "This Origin may not call /mcp; an operator can list it in RESTUME_MCP_ALLOWED_ORIGINS",
        ))
    }
}

/// The host of a `Host` header, without its port (`[::1]:80` → `[::1]`).
fn host_part(host: &str) -> &str {
    if host.starts_with('[') {
        return host.split_inclusive(']').next().unwrap_or(host);
    }
    host.rsplit_once(':').map_or(host, |(h, _)| h)
}

fn is_own_host(host: &str, bound: std::net::IpAddr) -> bool {
    let host = host.to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") {
        return true;
    }
    let ip = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>();
    ip.is_ok_and(|ip| ip.is_loopback() || (ip == bound && !bound.is_unspecified()))
}

/// `MCP-Protocol-Version`: absent is the oldest revision; unknown is a 400.
fn protocol_version(req: &Request) -> ApiResult<&'static str> {
    match req.header("MCP-Protocol-Version").map(str::trim) {
        None => Ok(DEFAULT_VERSION),
        Some(v) => VERSIONS.iter().find(|s| **s == v).copied().ok_or_else(|| {
            ApiError::new(
                400,
                "unsupported_protocol_version",
                format!(
                    "MCP-Protocol-Version '{v}' is not supported; use one of {}",
                    VERSIONS.join(", ")
                ),
            )
        }),
    }
}

fn rpc_response(status: u16, id: &Value, outcome: RpcResult) -> Response {
    let body = match outcome {
        Ok(result) => result_body(id, result),
        Err(e) => serde_json::to_vec(&json!({"jsonrpc": "2.0", "id": id,
                                             "error": {"code": e.code, "message": e.message}}))
        .unwrap_or_default(),
    };
    Response::from_data("application/json", body).with_status_code(status)
}

/// `{"id":…,"jsonrpc":"2.0","result":…}`, the bytes `serde_json` writes
/// for it (keys in its order), with one saving: a tool's
/// `structuredContent` is already serialised, as its text content
/// (`Out::ok`), so those bytes are copied instead of serialising a page of
/// candidates a second time.
fn result_body(id: &Value, mut result: Value) -> Vec<u8> {
    let mut out = br#"{"id":"#.to_vec();
    let _ = serde_json::to_writer(&mut out, id);
    out.extend_from_slice(br#","jsonrpc":"2.0","result":"#);
    let data = result
        .as_object_mut()
        .and_then(|m| m.remove("structuredContent"));
    match (data, result["content"][0]["text"].as_str()) {
        // "structuredContent" sorts after "content" and "isError": last
        (Some(_), Some(text)) => {
            let _ = serde_json::to_writer(&mut out, &result);
            out.pop();
            out.extend_from_slice(br#","structuredContent":"#);
            out.extend_from_slice(text.as_bytes());
            out.push(b'}');
        }
        (data, _) => {
            if let (Some(d), Some(m)) = (data, result.as_object_mut()) {
                m.insert("structuredContent".into(), d);
            }
            let _ = serde_json::to_writer(&mut out, &result);
        }
    }
    out.push(b'}');
    out
}

/// `POST /mcp`.
pub fn post(ctx: &Ctx) -> ApiResult {
    protocol_version(ctx.req)?;
    let message = match http::json_body(ctx.req) {
        Ok(v) => v,
        Err(e) if e.code == "malformed_json" => {
            return Ok(rpc_response(
                400,
                &Value::Null,
                Err(rpc_error(
                    PARSE_ERROR,
                    "Parse error: the body is not JSON; send one JSON-RPC 2.0 message",
                )),
            ));
        }
        Err(e) => return Err(e),
    };
    let invalid = |why: &str| {
        Ok(rpc_response(
            400,
            &Value::Null,
            Err(rpc_error(
                INVALID_REQUEST,
                format!("Invalid request: {why}"),
            )),
        ))
    };
    let Value::Object(msg) = message else {
        return if message.is_array() {
            invalid("batches are not supported; send one JSON-RPC message per POST")
        } else {
            invalid("send a JSON-RPC 2.0 message (an object)")
        };
    };
    if msg.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return invalid("\"jsonrpc\" must be \"2.0\"");
    }
    let id = msg.get("id");
    if let Some(id) = id
        && !(id.is_string() || id.is_i64() || id.is_u64())
    {
        return invalid("\"id\" must be a string or an integer");
    }
    let Some(method) = msg.get("method") else {
        // a response or an error from the client: nothing to answer
        return if id.is_some() && (msg.contains_key("result") || msg.contains_key("error")) {
            Ok(accepted())
        } else {
            invalid("a request needs \"method\"")
        };
    };
    let Some(method) = method.as_str() else {
        return invalid("\"method\" must be a string");
    };
    let params = msg.get("params").cloned().unwrap_or(json!({}));
    let Some(id) = id else {
        // a notification (initialized, cancelled …): accepted, never answered
        return Ok(accepted());
    };
    if !params.is_object() {
        return Ok(rpc_response(
            200,
            id,
            Err(invalid_params("\"params\" must be an object")),
        ));
    }
    let outcome = handle(ctx, method, &params)?;
    Ok(rpc_response(200, id, outcome))
}

fn accepted() -> Response {
    Response::empty_204().with_status_code(202)
}

/// A method's answer; `Err` is a failure of the server (a 500 problem).
fn handle(ctx: &Ctx, method: &str, params: &Value) -> ApiResult<RpcResult> {
    Ok(match method {
        "initialize" => Ok(initialize(params)),
        "ping" => Ok(json!({})),
        "tools/list" => tools::list(params),
        "tools/call" => tools::call(ctx, params)?,
        "resources/list" => resources::list(ctx, params)?,
        "resources/templates/list" => resources::templates(params),
        "resources/read" => resources::read(ctx, params)?,
        other => Err(rpc_error(
            METHOD_NOT_FOUND,
            format!(
                "Method not found: '{other}'; this server answers initialize, ping, tools/list, \
                 tools/call, resources/list, resources/templates/list and resources/read"
            ),
        )),
    })
}

fn initialize(params: &Value) -> Value {
    let asked = params["protocolVersion"].as_str().unwrap_or("");
    let version = VERSIONS
        .iter()
        .find(|v| **v == asked)
        .copied()
        .unwrap_or(VERSIONS[0]);
    json!({
        "protocolVersion": version,
        "capabilities": {
            "tools": {"listChanged": false},
            "resources": {"subscribe": false, "listChanged": false},
        },
        "serverInfo": {"name": "restume", "title": "RESTume recruiter tools",
                       "version": env!("CARGO_PKG_VERSION")},
        "instructions": "Find and compare candidates among RESTume's public résumés. \
            Start with search_candidates (text, skills, location, open_to_work, min_years) or \
            rank_candidates (a job description); then get_candidate, explain_fit or skill_gap \
            for one candidate, and compare_candidates for several. Usernames identify \
            candidates. Keep candidates in shortlists (create_shortlist, add_to_shortlist). \
            Only public profiles are visible; certifications are as listed by the candidate, \
            never verified.",
    })
}

/// An opaque page cursor: the offset, so a page is stable while the data is.
pub fn cursor(offset: usize) -> String {
    let raw = format!("o{offset}");
    raw.bytes().map(|b| format!("{b:02x}")).collect()
}

/// Reads a cursor given back; `None` when it is not one of ours.
pub fn offset_of(cursor: &str) -> Option<usize> {
    if !cursor.len().is_multiple_of(2) || cursor.len() > 40 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..cursor.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(cursor.get(i..i + 2)?, 16).ok())
        .collect();
    String::from_utf8(bytes?)
        .ok()?
        .strip_prefix('o')?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_and_bound_hosts_are_own() {
        let bound: std::net::IpAddr = "192.0.2.7".parse().unwrap();
        for (host, own) in [
            ("localhost:8000", true),
            ("127.0.0.1:8000", true),
            ("[::1]:8000", true),
            ("192.0.2.7:8000", true),
            ("192.0.2.8:8000", false),
            ("evil.example.com", false),
            ("evil.example.com:8000", false),
        ] {
            assert_eq!(is_own_host(host_part(host), bound), own, "{host}");
        }
    }

    #[test]
    fn a_result_body_is_what_serde_json_writes() {
        let data = json!({"ranking": [{"username": "ada", "note": "say \"hi\"\n", "score": 90}],
                          "total": 1, "nextCursor": null, "é": "ü"});
        for id in [json!(7), json!("x\"y")] {
            for result in [
                tools::Out::ok(data.clone()),
                tools::fail("no"),
                json!({"tools": []}),
            ] {
                let whole = json!({"jsonrpc": "2.0", "id": id, "result": result});
                let want = serde_json::to_vec(&whole).unwrap();
                assert_eq!(
                    String::from_utf8(result_body(&id, result)).unwrap(),
                    String::from_utf8(want).unwrap()
                );
            }
        }
    }

    #[test]
    fn cursors_round_trip_and_refuse_strangers() {
        assert_eq!(offset_of(&cursor(0)), Some(0));
        assert_eq!(offset_of(&cursor(120)), Some(120));
        assert_eq!(offset_of("zz"), None);
        assert_eq!(offset_of("6f"), None);
        assert_eq!(offset_of(""), None);
    }
}
