//! Requests to a RESTume server over HTTP or HTTPS (ureq with rustls). Every
//! status is read as an answer, not an opaque error: a problem+json body
//! reaches the user as its `detail` and each `errors[]` field, and the status
//! picks the exit code.

use std::time::Duration;

use serde_json::Value;
use ureq::http;

use super::fail::{self, Fail};

/// The credential sent with a request.
#[derive(Clone, Debug)]
pub enum Auth {
    None,
    Jwt(String),
    Key(String),
}

impl Auth {
    /// A token from `RESTUME_TOKEN` or the file: API keys look like `rst_…`.
    pub fn from_token(token: &str) -> Auth {
        if token.starts_with("rst_") {
            Auth::Key(token.to_string())
        } else {
            Auth::Jwt(token.to_string())
        }
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> Result<Value, Fail> {
        serde_json::from_slice(&self.body).map_err(|_| {
            Fail::error(format!(
                "the server answered {} with a body that is not JSON (is --server a RESTume server?)",
                self.status
            ))
        })
    }
}

pub struct Client {
    agent: ureq::Agent,
    pub server: String,
    pub auth: Auth,
}

/// Whole-call bound: long enough for a big import on a slow link, short
/// enough that a dead server does not hang a script.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl Client {
    pub fn new(server: &str, auth: Auth) -> Result<Client, Fail> {
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // A redirect would drop the credential (ureq never forwards it)
            // and turn a write into a read: say where it points instead.
            .max_redirects(0)
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .timeout_global(Some(CALL_TIMEOUT))
            .user_agent(format!("restume-cli/{}", env!("CARGO_PKG_VERSION")));
        if let Some(tls) = extra_roots()? {
            config = config.tls_config(tls);
        }
        Ok(Client {
            agent: config.build().new_agent(),
            server: server.to_string(),
            auth,
        })
    }

    /// Sends one request and reads the whole answer, whatever its status.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<Reply, Fail> {
        let url = format!("{}{path}", self.server);
        let mut req = http::Request::builder()
            .method(method)
            .uri(&url)
            .header("Accept", "application/json, application/problem+json");
        match &self.auth {
            Auth::None => {}
            Auth::Jwt(t) => req = req.header("Authorization", format!("Bearer {t}")),
            Auth::Key(k) => req = req.header("X-API-Key", k.as_str()),
        }
        let (content_type, bytes) = body.unwrap_or(("", Vec::new()));
        if !content_type.is_empty() {
            req = req.header("Content-Type", content_type);
        }
        let req = req.body(bytes).map_err(|_| {
            Fail::usage("", format!("'{}' is not a usable server URL", self.server))
        })?;
        let mut resp = self.agent.run(req).map_err(|e| self.unreachable(e))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = resp
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_vec()
            .map_err(|e| self.unreachable(e))?;
        Ok(Reply {
            status,
            headers,
            body,
        })
    }

    /// Sends a request; a status other than 2xx becomes the `Fail` it means.
    pub fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Reply, Fail> {
        let body = body.map(|b| ("application/json", b.to_string().into_bytes()));
        let reply = self.send(method, path, body)?;
        self.check(reply)
    }

    /// `call`, then the answer's JSON.
    pub fn json(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, Fail> {
        self.call(method, path, body)?.json()
    }

    pub fn get(&self, path: &str) -> Result<Value, Fail> {
        self.json("GET", path, None)
    }

    pub fn check(&self, reply: Reply) -> Result<Reply, Fail> {
        if (200..300).contains(&reply.status) {
            Ok(reply)
        } else {
            Err(problem(&self.server, &reply))
        }
    }

    fn unreachable(&self, e: ureq::Error) -> Fail {
        // ureq's messages name the host and the cause, never a header.
        Fail::error(format!("cannot reach {}: {e}", self.server))
    }
}

/// `RESTUME_CA_CERT=FILE`: trust the PEM certificates in FILE (a private CA
/// of one's own instance) instead of the public roots built in.
fn extra_roots() -> Result<Option<ureq::tls::TlsConfig>, Fail> {
    let Some(path) = std::env::var_os("RESTUME_CA_CERT").filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    let shown = std::path::Path::new(&path).display().to_string();
    let pem = std::fs::read(&path)
        .map_err(|e| Fail::error(format!("RESTUME_CA_CERT: cannot read {shown}: {e}")))?;
    let certs: Vec<_> = ureq::tls::parse_pem(&pem)
        .filter_map(|item| match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
            _ => None,
        })
        .collect();
    if certs.is_empty() {
        return Err(Fail::error(format!(
            "RESTUME_CA_CERT: {shown} holds no PEM certificate"
        )));
    }
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::new_with_certs(&certs))
        .build();
    Ok(Some(tls))
}

/// What a non-2xx answer means for the user: the problem's `detail`, each
/// `errors[]` entry at its field, and when to retry.
pub fn problem(server: &str, reply: &Reply) -> Fail {
    let status = reply.status;
    let code = fail::code_for_status(status);
    let body: Option<Value> = serde_json::from_slice(&reply.body).ok();
    let mut lines = Vec::new();
    match body.as_ref().filter(|b| b.get("detail").is_some()) {
        Some(p) => {
            let detail = p["detail"].as_str().unwrap_or("");
            lines.push(format!("{detail} ({status} {})", str_of(&p["code"])));
            for e in p["errors"].as_array().into_iter().flatten() {
                let field = e["field"]
                    .as_str()
                    .filter(|f| !f.is_empty())
                    .unwrap_or("(body)");
                lines.push(format!("  {field}: {}", str_of(&e["message"])));
            }
            if p["code"] == "plan_required" {
                lines.push(format!(
                    "  '{}' needs the {} plan (see restume whoami for yours)",
                    str_of(&p["feature"]),
                    str_of(&p["required_plan"])
                ));
            }
        }
        None if (300..400).contains(&status) => lines.push(format!(
            "{server} answered {status} and points to {}: use that as --server",
            reply.header("Location").unwrap_or("another address")
        )),
        None => lines.push(format!(
            "{server} answered {status} {}",
            http::StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("")
        )),
    }
    if let Some(secs) = reply.header("Retry-After") {
        lines.push(format!("  retry in {secs} seconds"));
    }
    Fail::new(code, lines.join("\n"))
}

fn str_of(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}
