//! What the route table does not say about each operation: its summary, its
//! request body, its success answer and the errors it adds to those its
//! access rule, body and path imply. Keyed by (method, path pattern); a unit
//! test checks that this table and `routes::ROUTES` list the same routes.

mod app;
mod ask;
mod mcp;
mod page;

use serde_json::{Value, json};

use super::schemas::{array_of, page_of, r};
use crate::resume::sections;

pub struct Content {
    pub media: &'static str,
    pub schema: Value,
}

pub struct Op {
    pub method: &'static str,
    pub path: String,
    pub summary: String,
    pub description: Option<&'static str>,
    pub body: Option<Content>,
    pub status: u16,
    /// `None` for a 204.
    pub answer: Option<Content>,
    /// Other media types the success answer may come as (a CSV download …).
    pub alt: Vec<Content>,
    /// Components of `#/components/headers` the success answer carries.
    pub headers: Vec<&'static str>,
    /// Other answers besides the main one and the problems (a 304 …).
    pub also: Vec<(u16, Option<Content>)>,
    pub errors: Vec<u16>,
    pub query: Vec<Value>,
    /// Spends a rate-limit bucket even without a credential.
    pub limited: bool,
}

fn op(method: &'static str, path: impl Into<String>, summary: impl Into<String>) -> Op {
    Op {
        method,
        path: path.into(),
        summary: summary.into(),
        description: None,
        body: None,
        status: 200,
        answer: None,
        alt: Vec::new(),
        headers: Vec::new(),
        also: Vec::new(),
        errors: Vec::new(),
        query: Vec::new(),
        limited: false,
    }
}

fn json_content(schema: Value) -> Option<Content> {
    Some(Content {
        media: "application/json",
        schema,
    })
}

impl Op {
    fn body(mut self, schema: Value) -> Op {
        self.body = json_content(schema);
        self
    }

    fn ok(mut self, schema: Value) -> Op {
        self.answer = json_content(schema);
        self
    }

    fn created(mut self, schema: Value) -> Op {
        self.status = 201;
        self.answer = json_content(schema);
        self
    }

    fn no_content(mut self) -> Op {
        self.status = 204;
        self.answer = None;
        self
    }

    /// The success answer may also come as `media`.
    pub(super) fn or_media(mut self, media: &'static str, schema: Value) -> Op {
        self.alt.push(Content { media, schema });
        self
    }

    fn errors(mut self, statuses: &[u16]) -> Op {
        self.errors.extend_from_slice(statuses);
        self
    }

    fn query(mut self, params: &[Value]) -> Op {
        self.query.extend_from_slice(params);
        self
    }

    fn limited(mut self) -> Op {
        self.limited = true;
        self
    }

    fn header(mut self, name: &'static str) -> Op {
        self.headers.push(name);
        self
    }

    fn also(mut self, status: u16, schema: Option<Value>) -> Op {
        self.also.push((status, schema.and_then(json_content)));
        self
    }

    fn describe(mut self, text: &'static str) -> Op {
        self.description = Some(text);
        self
    }
}

fn param(name: &str, schema: Value, description: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "schema": schema,
           "description": description})
}

fn page_params() -> [Value; 2] {
    [
        json!({"$ref": "#/components/parameters/limit"}),
        json!({"$ref": "#/components/parameters/offset"}),
    ]
}

fn format_param() -> Value {
    param(
        "format",
        json!({"type": "string", "enum": ["json", "jsonresume"], "default": "json"}),
        "`jsonresume` answers a JSON Resume 1.0 document",
    )
}

/// `true` or `false`; empty (`?flag=`) is no filter.
fn flag(name: &str, description: &str) -> Value {
    param(
        name,
        json!({"anyOf": [{"type": "boolean"}, {"const": ""}]}),
        &format!("{description}; empty: no filter"),
    )
}

/// At most 200 characters; blank (empty or only white space) is no filter.
fn search_text(name: &str, description: &str) -> Value {
    param(
        name,
        json!({"anyOf": [{"type": "string", "maxLength": 200}, {"type": "string", "pattern": "^\\s*$"}]}),
        &format!("{description}; at most 200 characters; blank: no filter"),
    )
}

fn auth() -> Vec<Op> {
    vec![
        op("GET", "/health", "Liveness: the database answers")
            .ok(r("Health"))
            .also(503, Some(r("HealthDegraded")))
            .describe(
                "200 `ok` when the database answers and takes writes; 503 `degraded` \
                 (application/json) while writes fail, `ok` again on its own once they work; \
                 a 503 problem when the database does not answer.",
            ),
        op("GET", "/openapi.json", "This OpenAPI 3.1 document").ok(r("OpenApi")),
        op("POST", "/v1/auth/register", "Create an account")
            .body(r("RegisterRequest"))
            .created(r("NewAccount"))
            .errors(&[409, 503])
            .limited(),
        op(
            "POST",
            "/v1/auth/login",
            "Sign in: a JWT for a username or email",
        )
        .body(r("LoginRequest"))
        .ok(r("Token"))
        .errors(&[401, 503])
        .limited()
        .describe("A wrong username and a wrong password get the same 401 `invalid_credentials`."),
        op("POST", "/v1/auth/refresh", "A fresh JWT").ok(r("Token")),
        op(
            "POST",
            "/v1/auth/logout",
            "Sign out: every JWT of the user stops working",
        )
        .no_content(),
        op(
            "POST",
            "/v1/auth/password",
            "Change the password; older JWTs stop working",
        )
        .body(r("ChangePasswordRequest"))
        .ok(r("Token")),
        op(
            "POST",
            "/v1/auth/password/reset",
            "Set a new password with an admin's one-time token",
        )
        .body(r("PasswordResetRequest"))
        .no_content()
        .limited(),
        op(
            "POST",
            "/v1/auth/api-keys",
            "Create an API key; the raw key is shown once",
        )
        .body(r("ApiKeyRequest"))
        .created(r("NewApiKey"))
        .errors(&[409]),
        op(
            "GET",
            "/v1/auth/api-keys",
            "Your API keys, never the raw key",
        )
        .ok(array_of(r("ApiKey"))),
        op("DELETE", "/v1/auth/api-keys/{key_id}", "Revoke an API key").no_content(),
    ]
}

fn me() -> Vec<Op> {
    vec![
        op("GET", "/v1/me/account", "Your account, plan and quota").ok(r("Account")),
        op("PATCH", "/v1/me/account", "Change your email or full name")
            .body(r("AccountPatch"))
            .ok(r("Account"))
            .errors(&[409]),
        op(
            "DELETE",
            "/v1/me/account",
            "Delete your account and everything you own",
        )
        .body(r("DeleteAccountRequest"))
        .no_content(),
        op("GET", "/v1/me/profile", "Your profile record").ok(r("Profile")),
        op(
            "PATCH",
            "/v1/me/profile",
            "Change profile fields; null clears one",
        )
        .body(r("ProfilePatch"))
        .ok(r("Profile")),
        op("GET", "/v1/me/resume", "Your whole résumé")
            .query(&[format_param()])
            .ok(json!({"oneOf": [r("OwnerResume"), r("JsonResume")],
                       "description": "format=json (the default): OwnerResume; \
                                       format=jsonresume: JsonResume"})),
        op(
            "PUT",
            "/v1/me/resume",
            "Import a JSON Resume document over your résumé",
        )
        .body(r("JsonResumeImport"))
        .ok(r("ImportResult"))
        .describe(
            "Replaces the profile fields and the five sections in one transaction: all or nothing.",
        ),
        op(
            "GET",
            "/v1/me/export",
            "Everything the server keeps about you, as a download",
        )
        .ok(r("Export"))
        .header("Content-Disposition"),
        op("GET", "/v1/me/analytics", "Your daily counters")
            .query(&[param(
                "days",
                json!({"type": "integer", "minimum": 1, "maximum": 365, "default": 7}),
                "days of history; beyond your plan's history: 403 plan_required",
            )])
            .ok(r("Analytics"))
            .errors(&[403]),
        op(
            "GET",
            "/v1/me/usage",
            "Where you stand in each rate-limit bucket",
        )
        .ok(r("Usage")),
        op("GET", "/v1/me/billing", "Your plan and where it comes from").ok(r("Billing")),
        op(
            "POST",
            "/v1/me/billing/checkout",
            "Where to buy a plan, when the operator sells one",
        )
        .ok(r("RedirectUrl"))
        .errors(&[409]),
        op(
            "POST",
            "/v1/me/billing/portal",
            "Where to manage a bought plan",
        )
        .ok(r("RedirectUrl"))
        .errors(&[409]),
        op(
            "GET",
            "/v1/me/themes",
            "The theme catalog, marked by your plan",
        )
        .ok(array_of(r("Theme"))),
        op("GET", "/v1/me/theme", "Your theme").ok(r("ThemeChoice")),
        op(
            "PUT",
            "/v1/me/theme",
            "Choose a theme; one outside your plan: 403 plan_required",
        )
        .body(r("ThemeChoice"))
        .ok(r("ThemeChoice"))
        .errors(&[403]),
        op(
            "GET",
            "/v1/me/layout",
            "Order and visibility of your sections",
        )
        .ok(r("Layout")),
        op(
            "PUT",
            "/v1/me/layout",
            "Set order and visibility (needs layout in the plan)",
        )
        .body(r("Layout"))
        .ok(r("Layout"))
        .errors(&[403]),
    ]
}

/// Five routes for each section, from `resume::sections::ALL`.
fn section_ops() -> Vec<Op> {
    let mut ops = Vec::new();
    for s in sections::ALL {
        let row = super::schemas::section_schema(s);
        let base = format!("/v1/me/{}", s.name);
        let one = format!("{base}/{{id}}");
        let conflict: &[u16] = if s.name == "skills" { &[409] } else { &[] };
        let label = s.label;
        ops.push(
            op(
                "GET",
                base.clone(),
                format!("Your {label}, in position order"),
            )
            .ok(array_of(r(&row))),
        );
        ops.push(
            op("POST", base, format!("{label}: add an entry"))
                .body(r(&format!("{row}Input")))
                .created(r(&row))
                .errors(&[409])
                .describe("A section holds at most 100 entries (409 section_full)."),
        );
        ops.push(op("GET", one.clone(), format!("{label}: one entry")).ok(r(&row)));
        ops.push(
            op("PUT", one.clone(), format!("{label}: replace an entry"))
                .body(r(&format!("{row}Input")))
                .ok(r(&row))
                .errors(conflict),
        );
        ops.push(op("DELETE", one, format!("{label}: delete an entry")).no_content());
    }
    ops
}

fn public() -> Vec<Op> {
    let page = page_params();
    vec![
        op("GET", "/v1/profiles", "Search public profiles")
            .query(&[
                search_text(
                    "q",
                    "full text over name, headline, summary, skills, titles, companies, keywords",
                ),
                search_text("skill", "has this skill"),
                flag("open_to_work", "only those open (or not) to work"),
                search_text("location", "location contains"),
                page[0].clone(),
                page[1].clone(),
            ])
            .ok(page_of(r("ProfileHit"))),
        op(
            "GET",
            "/v1/profiles/{username}",
            "A public résumé; counts a view",
        )
        .query(&[format_param()])
        .ok(json!({"oneOf": [r("PublicResume"), r("JsonResume")],
                   "description": "format=json (the default): PublicResume; \
                                   format=jsonresume: JsonResume (visible sections only)"}))
        .header("ETag")
        .also(304, None)
        .describe("Answers a strong ETag; If-None-Match with it answers 304."),
        op(
            "GET",
            "/v1/profiles/{username}/{section}",
            "One section of a public résumé",
        )
        .ok(array_of(
            json!({"anyOf": sections::ALL.map(|s| r(&super::schemas::section_schema(s)))}),
        )),
        op("GET", "/v1/blog", "Published blog posts, newest first")
            .query(&page)
            .ok(page_of(r("BlogPost"))),
        op("GET", "/v1/blog/{slug}", "One published blog post").ok(r("BlogPost")),
    ]
}

fn admin() -> Vec<Op> {
    let page = page_params();
    let users = "/v1/admin/users/{username}";
    let post = "/v1/admin/blog/posts/{slug}";
    vec![
        op(
            "GET",
            "/v1/admin/kpis",
            "Users, grants and traffic over a window",
        )
        .query(&[param(
            "window_days",
            json!({"type": "integer", "format": "int64", "default": 30,
                   "minimum": i64::MIN, "maximum": i64::MAX}),
            "any 64-bit whole number, clamped to 1–365",
        )])
        .ok(r("Kpis")),
        op("GET", "/v1/admin/users", "Find users")
            .query(&[
                search_text("q", "username, email or name contains"),
                param(
                    "plan",
                    json!({"type": "string", "enum": ["free", "pro", "recruiter", ""]}),
                    "on this plan; empty: no filter",
                ),
                flag("has_grant", "with (or without) an active grant"),
                flag("is_admin", "admins (or not)"),
                page[0].clone(),
                page[1].clone(),
            ])
            .ok(r("AdminUserList")),
        op("GET", users, "A user with grants and audit timeline").ok(r("AdminUserDetail")),
        op("PATCH", users, "Set a user's admin or disabled flag")
            .body(r("AdminUserPatch"))
            .ok(r("AdminUser")),
        op(
            "POST",
            "/v1/admin/users/{username}/password-reset",
            "Issue a one-time password-reset token",
        )
        .created(r("PasswordResetToken")),
        op("POST", "/v1/admin/grants", "Grant a plan")
            .body(r("GrantRequest"))
            .created(r("GrantAnswer"))
            .errors(&[404]),
        op("POST", "/v1/admin/grants/revoke", "Revoke a grant")
            .body(r("RevokeRequest"))
            .ok(r("GrantAnswer"))
            .errors(&[404, 409]),
        op(
            "GET",
            "/v1/admin/search-index",
            "State of the full-text index",
        )
        .ok(r("SearchIndexStatus")),
        op(
            "POST",
            "/v1/admin/search-index/rebuild",
            "Rebuild the full-text index",
        )
        .ok(r("SearchIndexStatus")),
        op(
            "GET",
            "/v1/admin/blog/posts",
            "Every blog post, drafts included, last updated first",
        )
        .query(&page)
        .ok(page_of(r("BlogPost"))),
        op("POST", "/v1/admin/blog/posts", "Create a blog post")
            .body(r("BlogPostInput"))
            .created(r("BlogPost"))
            .errors(&[409]),
        op("GET", post, "One blog post").ok(r("BlogPost")),
        op("PUT", post, "Replace a blog post; it keeps its slug")
            .body(r("BlogPostReplace"))
            .ok(r("BlogPost")),
        op("DELETE", post, "Delete a blog post").no_content(),
        Op {
            body: Some(Content {
                media: "text/markdown",
                schema: json!({"type": "string",
                    "description": "Markdown with a front-matter block: title, slug, summary, status"}),
            }),
            ..op(
                "POST",
                "/v1/admin/blog/import",
                "Create or update a post from Markdown",
            )
            .ok(r("BlogPost"))
            .also(201, Some(r("BlogPost")))
            .describe("200 when a post with that slug was updated, 201 when one was created.")
        },
    ]
}

/// Every documented operation.
pub fn all() -> Vec<Op> {
    let mut ops = auth();
    ops.extend(me());
    ops.extend(section_ops());
    ops.extend(public());
    ops.extend(admin());
    ops.extend(ask::ops());
    ops.extend(mcp::ops());
    ops.extend(page::ops());
    ops.extend(app::ops());
    ops
}
