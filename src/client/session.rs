//! Which server a command talks to and with which credential: flags, then
//! `RESTUME_SERVER` / `RESTUME_TOKEN`, then the credential file (SPEC §9). A
//! stored JWT past half its lifetime is refreshed (`POST /v1/auth/refresh`),
//! so a session stays alive as long as it is used before it expires; an
//! expired one asks to sign in again.

use super::args::Args;
use super::creds::{self, Entry, Kind, Store};
use super::fail::Fail;
use super::http::{Auth, Client};

/// Where `restume serve` listens when run with no settings.
pub const DEFAULT_SERVER: &str = "http://127.0.0.1:8000";

pub struct Ctx {
    pub command: &'static str,
    pub args: Args,
    pub json: bool,
}

/// `host` alone means HTTPS; a trailing `/` is dropped, so each server has
/// one entry in the file whatever way it is written.
pub fn normalise(url: &str) -> Result<String, Fail> {
    let url = url.trim().trim_end_matches('/');
    let url = if url.contains("://") {
        url.to_string()
    } else {
        format!("https://{url}")
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(['?', '#', ' ']) => Ok(url),
        _ => Err(Fail::usage(
            "",
            format!("'{url}' is not a server URL (http://HOST[:PORT] or https://HOST)"),
        )),
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn now() -> i64 {
    crate::time::now()
}

impl Ctx {
    pub fn server(&self) -> Result<String, Fail> {
        if let Some(s) = self
            .args
            .get("server")
            .map(str::to_string)
            .or_else(|| env("RESTUME_SERVER"))
        {
            return normalise(&s);
        }
        let store = Store::load()?;
        Ok(store
            .default_server
            .unwrap_or_else(|| DEFAULT_SERVER.to_string()))
    }

    /// A client that sends no credential: the public API, as anyone sees it.
    pub fn public(&self) -> Result<Client, Fail> {
        Client::new(&self.server()?, Auth::None)
    }

    /// A client signed in as the owner.
    pub fn owner(&self) -> Result<Client, Fail> {
        let server = self.server()?;
        if let Some(token) = env("RESTUME_TOKEN") {
            return Client::new(&server, Auth::from_token(token.trim()));
        }
        let mut store = Store::load()?;
        let Some(entry) = store.servers.get(&server).cloned() else {
            return Err(Fail::denied(format!(
                "not signed in to {server}: run restume login{}",
                server_flag(&server)
            )));
        };
        let auth = match entry.kind {
            Kind::ApiKey => Auth::Key(entry.token.clone()),
            Kind::Jwt => Auth::Jwt(fresh_jwt(&server, &entry, &mut store)?),
        };
        Client::new(&server, auth)
    }
}

/// ` --server URL` unless URL is the one used without it.
pub fn server_flag(server: &str) -> String {
    if server == DEFAULT_SERVER {
        String::new()
    } else {
        format!(" --server {server}")
    }
}

fn expired(server: &str, username: &str) -> Fail {
    Fail::denied(format!(
        "the sign-in of {username} to {server} has expired: run restume login{} to sign in again",
        server_flag(server)
    ))
}

/// The stored JWT, refreshed first when more than half its life is gone.
fn fresh_jwt(server: &str, entry: &Entry, store: &mut Store) -> Result<String, Fail> {
    let Some((iat, exp)) = creds::jwt_times(&entry.token) else {
        return Ok(entry.token.clone());
    };
    let now = now();
    if exp <= now {
        return Err(expired(server, &entry.username));
    }
    if now < iat + (exp - iat) / 2 {
        return Ok(entry.token.clone());
    }
    let client = Client::new(server, Auth::Jwt(entry.token.clone()))?;
    let reply = client.send("POST", "/v1/auth/refresh", None)?;
    match reply.status {
        200 => {
            let token = reply.json()?["access_token"]
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| Fail::error("the refresh answer carries no access_token"))?;
            store.servers.insert(
                server.to_string(),
                Entry {
                    token: token.clone(),
                    ..entry.clone()
                },
            );
            store.save()?;
            Ok(token)
        }
        // signed out everywhere, password changed, or disabled meanwhile
        401 => Err(expired(server, &entry.username)),
        _ => Err(client
            .check(reply)
            .err()
            .unwrap_or_else(|| expired(server, &entry.username))),
    }
}
