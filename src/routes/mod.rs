//! Every route of the server in one table: method, path, who may call it, and
//! the handler. A URL finds its handler here in one step; the table also gives
//! 405 answers their `Allow` header and enforces the credential rules of §2.2.

mod account;
mod admin;
mod admin_users;
mod analytics;
mod api_keys;
mod app;
pub mod ask;
mod auth;
mod billing;
mod blog;
mod health;
mod insights;
mod openapi;
mod page;
mod presentation;
mod profile;
mod public;
mod resume;
mod sections;
mod transcripts;

use std::net::IpAddr;
use std::sync::Mutex;

use rouille::{Request, Response};
use serde_json::Value;

use crate::app::App;
use crate::auth::{Caller, Via, caller};
use crate::error::{ApiError, ApiResult};
use crate::http;
use crate::policy::limits::{Rate, Take};
use crate::policy::quota;

/// Who may call a route (SPEC §2.2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Access {
    /// No credential needed.
    Public,
    /// No credential needed; spends the client IP's public-read bucket.
    Read,
    /// A JWT; an API key gets 403 `jwt_required`.
    Jwt,
    /// A JWT or an API key.
    Owner,
    /// The JWT of an admin.
    Admin,
    /// A JWT or an API key of a plan with `mcp`, from an allowed Origin (SPEC §7).
    Mcp,
}

pub type Handler = fn(&Ctx) -> ApiResult;

pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    pub handler: Handler,
}

const fn route(
    method: &'static str,
    path: &'static str,
    access: Access,
    handler: Handler,
) -> Route {
    Route {
        method,
        path,
        access,
        handler,
    }
}

use Access::*;

#[rustfmt::skip]
pub const ROUTES: &[Route] = &[
    route("GET", "/health", Public, health::get),
    route("GET", "/openapi.json", Public, openapi::get),
    route("POST", "/v1/auth/register", Public, auth::register),
    route("POST", "/v1/auth/login", Public, auth::login),
    route("POST", "/v1/auth/refresh", Jwt, auth::refresh),
    route("POST", "/v1/auth/logout", Jwt, auth::logout),
    route("POST", "/v1/auth/password", Jwt, auth::change_password),
    route("POST", "/v1/auth/api-keys", Jwt, api_keys::create),
    route("GET", "/v1/auth/api-keys", Jwt, api_keys::list),
    route("DELETE", "/v1/auth/api-keys/{key_id}", Jwt, api_keys::revoke),
    route("GET", "/v1/me/account", Owner, account::get),
    route("PATCH", "/v1/me/account", Owner, account::patch),
    route("DELETE", "/v1/me/account", Owner, account::delete),
    route("GET", "/v1/me/profile", Owner, profile::get),
    route("PATCH", "/v1/me/profile", Owner, profile::patch),
    route("GET", "/v1/me/resume", Owner, resume::get),
    route("PUT", "/v1/me/resume", Owner, resume::put),
    route("GET", "/v1/me/export", Owner, resume::export),
    route("GET", "/v1/me/analytics", Owner, analytics::get),
    route("GET", "/v1/me/insights", Owner, insights::get),
    route("GET", "/v1/me/insights/export", Owner, insights::export),
    route("GET", "/v1/me/transcripts", Owner, transcripts::list),
    route("GET", "/v1/me/transcripts/{id}", Owner, transcripts::get),
    route("DELETE", "/v1/me/transcripts/{id}", Owner, transcripts::delete),
    route("GET", "/v1/me/usage", Owner, billing::usage),
    route("GET", "/v1/me/billing", Owner, billing::get),
    route("POST", "/v1/me/billing/checkout", Owner, billing::checkout),
    route("POST", "/v1/me/billing/portal", Owner, billing::portal),
    route("GET", "/v1/me/themes", Owner, presentation::themes),
    route("GET", "/v1/me/theme", Owner, presentation::get_theme),
    route("PUT", "/v1/me/theme", Owner, presentation::put_theme),
    route("GET", "/v1/me/layout", Owner, presentation::get_layout),
    route("PUT", "/v1/me/layout", Owner, presentation::put_layout),
    route("GET", "/v1/me/skills", Owner, sections::list),
    route("POST", "/v1/me/skills", Owner, sections::create),
    route("GET", "/v1/me/skills/{id}", Owner, sections::get_one),
    route("PUT", "/v1/me/skills/{id}", Owner, sections::replace),
    route("DELETE", "/v1/me/skills/{id}", Owner, sections::delete),
    route("GET", "/v1/me/experience", Owner, sections::list),
    route("POST", "/v1/me/experience", Owner, sections::create),
    route("GET", "/v1/me/experience/{id}", Owner, sections::get_one),
    route("PUT", "/v1/me/experience/{id}", Owner, sections::replace),
    route("DELETE", "/v1/me/experience/{id}", Owner, sections::delete),
    route("GET", "/v1/me/education", Owner, sections::list),
    route("POST", "/v1/me/education", Owner, sections::create),
    route("GET", "/v1/me/education/{id}", Owner, sections::get_one),
    route("PUT", "/v1/me/education/{id}", Owner, sections::replace),
    route("DELETE", "/v1/me/education/{id}", Owner, sections::delete),
    route("GET", "/v1/me/projects", Owner, sections::list),
    route("POST", "/v1/me/projects", Owner, sections::create),
    route("GET", "/v1/me/projects/{id}", Owner, sections::get_one),
    route("PUT", "/v1/me/projects/{id}", Owner, sections::replace),
    route("DELETE", "/v1/me/projects/{id}", Owner, sections::delete),
    route("GET", "/v1/me/certifications", Owner, sections::list),
    route("POST", "/v1/me/certifications", Owner, sections::create),
    route("GET", "/v1/me/certifications/{id}", Owner, sections::get_one),
    route("PUT", "/v1/me/certifications/{id}", Owner, sections::replace),
    route("DELETE", "/v1/me/certifications/{id}", Owner, sections::delete),
    route("POST", "/v1/auth/password/reset", Public, auth::reset_password),
    route("GET", "/v1/admin/kpis", Admin, admin_users::kpis),
    route("GET", "/v1/admin/users", Admin, admin_users::list),
    route("GET", "/v1/admin/users/{username}", Admin, admin_users::detail),
    route("PATCH", "/v1/admin/users/{username}", Admin, admin_users::patch),
    route("POST", "/v1/admin/users/{username}/password-reset", Admin, admin_users::password_reset),
    route("GET", "/v1/admin/search-index", Admin, admin_users::index_status),
    route("POST", "/v1/admin/search-index/rebuild", Admin, admin_users::index_rebuild),
    route("GET", "/v1/admin/blog/posts", Admin, blog::admin_list),
    route("POST", "/v1/admin/blog/posts", Admin, blog::create),
    route("GET", "/v1/admin/blog/posts/{slug}", Admin, blog::admin_get),
    route("PUT", "/v1/admin/blog/posts/{slug}", Admin, blog::replace),
    route("DELETE", "/v1/admin/blog/posts/{slug}", Admin, blog::delete),
    route("POST", "/v1/admin/blog/import", Admin, blog::import),
    route("GET", "/v1/blog", Read, blog::public_list),
    route("GET", "/v1/blog/{slug}", Read, blog::public_get),
    route("POST", "/v1/admin/grants", Admin, admin::grant),
    route("POST", "/v1/admin/grants/revoke", Admin, admin::revoke),
    route("GET", "/v1/profiles", Read, public::search),
    route("GET", "/v1/profiles/{username}", Read, public::profile),
    route("GET", "/v1/profiles/{username}/{section}", Read, public::section),
    route("POST", "/v1/profiles/{username}/ask", Public, ask::ask),
    route("POST", "/v1/profiles/{username}/chat", Public, ask::chat),
    route("POST", "/mcp", Mcp, crate::mcp::post),
    route("GET", "/u/{username}", Read, page::page),
    route("GET", "/u/{username}/resume.json", Read, page::download),
    route("GET", "/assets/{file}", Public, page::asset),
    // the dashboard (SPEC §10): one shell for every deep link, its modules by hash
    route("GET", "/app", Public, app::shell),
    route("GET", "/app/{view}", Public, app::shell),
    route("GET", "/app/{view}/{item}", Public, app::shell),
    route("GET", "/app/{view}/{item}/{name}", Public, app::shell),
    route("GET", "/app/assets/{file}", Public, app::asset),
    route("GET", "/app/assets/{hash}/{file}", Public, app::asset),
    route("GET", "/app/assets/{hash}/views/{file}", Public, app::asset),
];

/// What a handler gets: the shared state, the request, the path parameters in
/// the order of the pattern, and the caller the route's access rule admitted.
pub struct Ctx<'a> {
    pub app: &'a App,
    pub req: &'a Request,
    pub params: Vec<&'a str>,
    pub caller: Option<Caller>,
    pub ip: IpAddr,
    /// The buckets this request spent, for the `RateLimit` headers.
    /// A Mutex, not a RefCell: a write's closure, which may borrow the
    /// context, can run on another request's thread (`db::write`).
    pub takes: Mutex<Vec<Take>>,
}

impl Ctx<'_> {
    /// The authenticated caller; only called by handlers of non-public routes.
    pub fn caller(&self) -> &Caller {
        self.caller
            .as_ref()
            .expect("route access admits only authenticated callers")
    }

    pub fn user_id(&self) -> &str {
        &self.caller().id
    }

    pub fn body(&self) -> ApiResult<Value> {
        http::json_body(self.req)
    }

    pub fn param(&self, i: usize) -> &str {
        self.params[i]
    }

    /// Spends a token of the client IP's bucket for `policy`.
    pub fn limit_ip(&self, policy: &'static str, rate: Rate) -> ApiResult<()> {
        self.limit(policy, &quota::ip_key(policy, self.ip), rate)
    }

    /// Spends a token of the bucket `key`; a 429 when there is none.
    pub fn limit(&self, policy: &'static str, key: &str, rate: Rate) -> ApiResult<()> {
        let t = quota::take(self.app, policy, key, rate, None)?;
        let refused = (!t.allowed).then(|| quota::refused(&t));
        self.takes.lock().unwrap_or_else(|e| e.into_inner()).push(t);
        refused.map_or(Ok(()), Err)
    }
}

fn matches<'a>(pattern: &str, path: &'a str) -> Option<Vec<&'a str>> {
    let mut params = Vec::new();
    let mut want = pattern.split('/');
    let mut got = path.split('/');
    loop {
        match (want.next(), got.next()) {
            (None, None) => return Some(params),
            (Some(w), Some(g)) if w.starts_with('{') && !g.is_empty() => params.push(g),
            (Some(w), Some(g)) if w == g => {}
            _ => return None,
        }
    }
}

/// What `dispatch` found out: the answer, who called (for the log) and the
/// buckets spent (for the headers).
pub type Outcome = (ApiResult, Option<Caller>, Vec<Take>);

/// Finds the route, checks the credential and the limits, runs the handler.
pub fn dispatch(app: &App, req: &Request) -> Outcome {
    let path = req.raw_url().split(['?', '#']).next().unwrap_or("");
    // Debug builds only, and only when asked: lets the tests prove a panic
    // becomes a clean 500 problem.
    #[cfg(debug_assertions)]
    if path == "/__test/panic" && std::env::var_os("RESTUME_TEST_PANIC").is_some() {
        panic!("boom at /srv/secret/path.rs: SELECT password_hash FROM users");
    }
    let method = match req.method() {
        "HEAD" => "GET",
        m => m,
    };
    // Where patterns overlap (`/v1/profiles/{username}/{section}` and
    // `…/{username}/ask`), the one with more literal segments owns the path:
    // GET …/ask is a 405 that allows POST, not a section named "ask".
    let mut best = 0;
    let mut allowed = Vec::new();
    let mut found = None;
    for r in ROUTES {
        let Some(params) = matches(r.path, path) else {
            continue;
        };
        let literal = r.path.split('/').filter(|s| !s.starts_with('{')).count();
        if literal < best {
            continue;
        }
        if literal > best {
            best = literal;
            allowed.clear();
            found = None;
        }
        if r.method != method {
            allowed.push(r.method);
        } else if found.is_none() {
            found = Some((r, params));
        }
    }
    let Some((route, params)) = found else {
        return if allowed.is_empty() {
            (Err(ApiError::not_found()), None, vec![])
        } else {
            (Err(ApiError::method_not_allowed(&allowed)), None, vec![])
        };
    };
    let caller = match admit(app, req, route.access) {
        Ok(c) => c,
        Err(e) => return (Err(e), None, vec![]),
    };
    let ip = http::client_ip(req, &app.config.trusted_proxies);
    let takes = match (&caller, route.access) {
        (Some(c), _) => quota::for_caller(app, c),
        (None, Read) => quota::take(
            app,
            "public",
            &quota::ip_key("public", ip),
            app.config.limits.public,
            None,
        )
        .map(|t| vec![t]),
        (None, _) => Ok(vec![]),
    };
    let takes = match takes {
        Ok(t) => t,
        Err(e) => return (Err(e), caller, vec![]),
    };
    if let Some(t) = takes.iter().find(|t| !t.allowed) {
        return (Err(quota::refused(t)), caller, takes);
    }
    let ctx = Ctx {
        app,
        req,
        params,
        caller,
        ip,
        takes: Mutex::new(takes),
    };
    let result = (route.handler)(&ctx);
    let takes = ctx.takes.into_inner().unwrap_or_else(|e| e.into_inner());
    (result, ctx.caller, takes)
}

fn admit(app: &App, req: &Request, access: Access) -> ApiResult<Option<Caller>> {
    if matches!(access, Public | Read) {
        return Ok(None);
    }
    if access == Mcp {
        return crate::mcp::admit(app, req).map(Some);
    }
    let Some(caller) = caller::identify(app, req)? else {
        return Err(ApiError::unauthorized(
            "not_authenticated",
            "Sign in: send a JWT or an API key",
        ));
    };
    match (access, &caller.via) {
        (Jwt | Admin, Via::Key { .. }) => Err(ApiError::forbidden(
            "jwt_required",
            "This route takes a JWT from /v1/auth/login, not an API key",
        )),
        (Admin, Via::Jwt) if !caller.is_admin => Err(ApiError::forbidden(
            "admin_required",
            "Only administrators may do this",
        )),
        _ => Ok(Some(caller)),
    }
}

/// Answers for the handlers that share a shape.
pub fn ok(value: Value) -> ApiResult<Response> {
    Ok(http::ok(&value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_whole_segments() {
        assert_eq!(
            matches("/v1/auth/api-keys/{id}", "/v1/auth/api-keys/abc"),
            Some(vec!["abc"])
        );
        assert_eq!(
            matches("/v1/auth/api-keys/{id}", "/v1/auth/api-keys/"),
            None
        );
        assert_eq!(
            matches("/v1/auth/api-keys/{id}", "/v1/auth/api-keys/a/b"),
            None
        );
        assert_eq!(matches("/health", "/health/"), None);
    }

    #[test]
    fn every_route_is_unique() {
        for (i, a) in ROUTES.iter().enumerate() {
            for b in &ROUTES[i + 1..] {
                assert!(
                    !(a.method == b.method && a.path == b.path),
                    "{} {}",
                    a.method,
                    a.path
                );
            }
        }
    }
}
