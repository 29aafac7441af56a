//! `signup`, `login`, `logout`, `whoami`: getting a credential, keeping it in
//! the credential file, and letting go of it.

use serde_json::{Value, json};

use super::creds::{Entry, Kind, Store};
use super::fail::{Done, Fail};
use super::http::{Auth, Client};
use super::out;
use super::prompt;
use super::session::{Ctx, server_flag};

/// A value from its option, else asked on the terminal.
fn field(ctx: &Ctx, option: &str, label: &str) -> Result<String, Fail> {
    if let Some(v) = ctx.args.get(option) {
        return Ok(v.to_string());
    }
    if prompt::stdin_is_terminal() {
        return prompt::ask(label);
    }
    Err(Fail::usage(
        ctx.command,
        format!("stdin is not a terminal: give --{option}"),
    ))
}

fn password(ctx: &Ctx, confirm: bool) -> Result<String, Fail> {
    let from_stdin = ctx.args.has("password-stdin");
    let pw = prompt::obtain_secret(
        ctx.command,
        "Password",
        from_stdin,
        "pipe the password in with --password-stdin",
    )?;
    if confirm && !from_stdin && prompt::secret("Password again")? != pw {
        return Err(Fail::error("the two passwords differ: nothing was changed"));
    }
    Ok(pw)
}

/// Signs in with a password and keeps the token for `server`.
fn sign_in(ctx: &Ctx, server: &str, username: &str, password: &str) -> Done {
    let client = Client::new(server, Auth::None)?;
    let body = json!({"username": username, "password": password});
    let reply = client.call("POST", "/v1/auth/login", Some(&body))?;
    let answer = reply.json()?;
    let token = answer["access_token"]
        .as_str()
        .ok_or_else(|| Fail::error("the login answer carries no access_token"))?;
    // The account's own username, in case the person signed in by email.
    let me_reply =
        Client::new(server, Auth::Jwt(token.to_string()))?.call("GET", "/v1/me/account", None)?;
    let me = me_reply.json()?;
    let username = me["username"].as_str().unwrap_or(username).to_string();
    remember(server, &username, Kind::Jwt, token)?;
    let minutes = answer["expires_in"].as_i64().unwrap_or(0) / 60;
    out::say(&format!(
        "Signed in to {server} as {username} (the session lasts {minutes} minutes and is renewed while you use it)."
    ));
    // --json gives the account, never the token: it belongs in the file only
    if ctx.json {
        out::raw(&me_reply)?;
    }
    Ok(())
}

fn remember(server: &str, username: &str, kind: Kind, token: &str) -> Done {
    let mut store = Store::load()?;
    store.servers.insert(
        server.to_string(),
        Entry {
            username: username.to_string(),
            kind,
            token: token.to_string(),
        },
    );
    store.default_server = Some(server.to_string());
    store.save()
}

pub fn signup(ctx: &mut Ctx) -> Done {
    ctx.args.at_most(ctx.command, 0)?;
    let server = ctx.server()?;
    let username = field(ctx, "username", "Username")?;
    let email = field(ctx, "email", "Email")?;
    let full_name = field(ctx, "full-name", "Full name")?;
    let password = password(ctx, true)?;
    let client = Client::new(&server, Auth::None)?;
    let body =
        json!({"username": username, "email": email, "full_name": full_name, "password": password});
    let reply = client.call("POST", "/v1/auth/register", Some(&body))?;
    let account = reply.json()?;
    out::say(&format!(
        "Created the account {} on {server}.",
        out::cell(&account["username"])
    ));
    if ctx.json {
        out::raw(&reply)?;
    }
    let ctx_quiet = Ctx {
        command: ctx.command,
        args: std::mem::take(&mut ctx.args),
        json: false,
    };
    sign_in(&ctx_quiet, &server, &username, &password)
}

pub fn login(ctx: &mut Ctx) -> Done {
    ctx.args.at_most(ctx.command, 0)?;
    let server = ctx.server()?;
    if ctx.args.has("with-key") {
        return login_with_key(ctx, &server);
    }
    let username = field(ctx, "username", "Username or email")?;
    let password = password(ctx, false)?;
    sign_in(ctx, &server, &username, &password)
}

/// Keeps an API key read from stdin, once the server has accepted it.
fn login_with_key(ctx: &Ctx, server: &str) -> Done {
    let from_stdin = !prompt::stdin_is_terminal();
    let key = prompt::obtain_secret(ctx.command, "API key", from_stdin, "")?;
    let key = key.trim().to_string();
    if !key.starts_with("rst_") {
        return Err(Fail::usage(ctx.command, "an API key starts with rst_"));
    }
    let reply = Client::new(server, Auth::Key(key.clone()))?.call("GET", "/v1/me/account", None)?;
    let me = reply.json()?;
    let username = out::cell(&me["username"]);
    remember(server, &username, Kind::ApiKey, &key)?;
    out::say(&format!(
        "Signed in to {server} as {username} with the API key {}… (keys, password and sign-out need a password sign-in).",
        &key[..8.min(key.len())]
    ));
    if ctx.json {
        out::raw(&reply)?;
    }
    Ok(())
}

pub fn logout(ctx: &mut Ctx) -> Done {
    ctx.args.at_most(ctx.command, 0)?;
    let server = ctx.server()?;
    let mut store = Store::load()?;
    let Some(entry) = store.servers.get(&server).cloned() else {
        out::say(&format!("Not signed in to {server}: nothing to forget."));
        return Ok(());
    };
    if ctx.args.has("everywhere") {
        if entry.kind == Kind::ApiKey {
            return Err(Fail::denied(format!(
                "an API key stays valid until it is revoked: sign in with a password (restume login{}) and run restume keys revoke ID",
                server_flag(&server)
            )));
        }
        let client = ctx.owner()?;
        let reply = client.send("POST", "/v1/auth/logout", None)?;
        // An already expired token is as signed out as it gets.
        if reply.status != 401 {
            client.check(reply)?;
        }
    }
    store.servers.remove(&server);
    if store.default_server.as_deref() == Some(server.as_str()) {
        store.default_server = store.servers.keys().next().cloned();
    }
    store.save()?;
    let how = if ctx.args.has("everywhere") {
        " and ended every session of the account"
    } else {
        ""
    };
    out::say(&format!(
        "Forgot the credential of {} for {server}{how}.",
        entry.username
    ));
    Ok(())
}

pub fn whoami(ctx: &mut Ctx) -> Done {
    ctx.args.at_most(ctx.command, 0)?;
    let client = ctx.owner()?;
    let reply = client.call("GET", "/v1/me/account", None)?;
    if ctx.json {
        return out::raw(&reply);
    }
    let me: Value = reply.json()?;
    let plan = match me["plan_expires_on"].as_str() {
        Some(until) => format!("{} (until {until})", out::cell(&me["plan"])),
        None => out::cell(&me["plan"]),
    };
    let via = match &client.auth {
        Auth::Key(k) => format!("API key {}…", &k[..8.min(k.len())]),
        Auth::Jwt(_) => "password sign-in".to_string(),
        Auth::None => String::new(),
    };
    out::print(&out::pairs(&[
        ("username", out::cell(&me["username"])),
        ("full name", out::cell(&me["full_name"])),
        ("email", out::cell(&me["email"])),
        ("plan", plan),
        (
            "admin",
            if me["is_admin"] == true {
                "yes".into()
            } else {
                String::new()
            },
        ),
        ("server", client.server.clone()),
        ("signed in with", via),
        (
            "page",
            format!("{}/u/{}", client.server, out::cell(&me["username"])),
        ),
    ]))
}
