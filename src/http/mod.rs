//! HTTP plumbing under the routes: binding and serving (`startup`, `server`)
//! and the access log (`log`); here, reading requests and writing answers:
//! the JSON body rules of SPEC §1 and the small response helpers every
//! handler uses.

pub mod log;
pub mod serve;
pub mod server;
pub mod startup;

use std::io::Read;
use std::net::IpAddr;

use rouille::{Request, Response};
use serde_json::Value;

use crate::error::{ApiError, ApiResult};

pub const MAX_BODY: usize = 1024 * 1024;

/// The request body as JSON: 415 unless it says `application/json`, 413 past
/// 1 MiB (read no further than that), 400 when it does not parse.
pub fn json_body(req: &Request) -> ApiResult<Value> {
    let ctype = req.header("Content-Type").unwrap_or("");
    let mime = ctype
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if mime != "application/json" && !(mime.starts_with("application/") && mime.ends_with("+json"))
    {
        return Err(ApiError::new(
            415,
            "unsupported_media_type",
            "Send the body as Content-Type: application/json",
        ));
    }
    let too_large = || {
        ApiError::new(413, "payload_too_large", "The body is larger than 1 MiB")
            .with_header("Connection", "close")
    };
    if let Some(len) = req
        .header("Content-Length")
        .and_then(|v| v.trim().parse::<u64>().ok())
        && len > MAX_BODY as u64
    {
        return Err(too_large());
    }
    let mut buf = Vec::new();
    if let Some(data) = req.data() {
        data.take(MAX_BODY as u64 + 1)
            .read_to_end(&mut buf)
            .map_err(|_| ApiError::new(400, "malformed_json", "The body could not be read"))?;
    }
    if buf.len() > MAX_BODY {
        return Err(too_large());
    }
    serde_json::from_slice(&buf).map_err(|e| {
        ApiError::new(
            400,
            "malformed_json",
            format!("The body is not valid JSON: {e}"),
        )
    })
}

pub fn json(status: u16, value: &(impl serde::Serialize + ?Sized)) -> Response {
    // only a map with keys that are not strings fails, and none is made here
    let body = serde_json::to_vec(value).expect("a JSON body serialises");
    Response::from_data("application/json", body).with_status_code(status)
}

pub fn ok(value: &(impl serde::Serialize + ?Sized)) -> Response {
    json(200, value)
}

pub fn created(location: &str, value: &Value) -> Response {
    json(201, value).with_unique_header("Location", location.to_string())
}

pub fn no_content() -> Response {
    Response::empty_204()
}

/// The client's address: the socket peer, or the last hop of `X-Forwarded-For`
/// that is not itself a trusted proxy, when the peer is one.
pub fn client_ip(req: &Request, trusted: &[IpAddr]) -> IpAddr {
    let peer = req.remote_addr().ip();
    if !trusted.contains(&peer) {
        return peer;
    }
    let Some(forwarded) = req.header("X-Forwarded-For") else {
        return peer;
    };
    forwarded
        .rsplit(',')
        .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
}
