//! `restume admin …`: what an operator does from a shell, such as making the
//! first admin. Works beside a running server (SQLite takes turns).

use serde_json::json;

use crate::auth::accounts::{self, NewUser};
use crate::auth::audit;
use crate::auth::keys::random_base62;
use crate::auth::password::Hasher;
use crate::auth::reset;
use crate::config::Config;
use crate::domain::{Email, Username};
use crate::error::ApiError;
use crate::policy::grants::{self, OPERATOR};
use crate::time::rfc3339;

pub const USAGE: &str = "  restume admin create-user USERNAME EMAIL [--full-name NAME] [--admin]
                                     create an account; prints a one-time token
                                     (1 hour) to set its password at
                                     POST /v1/auth/password/reset
  restume admin reset-password USERNAME
                                     print a one-time password-reset token
  restume admin promote USERNAME     make USERNAME an admin
  restume admin demote USERNAME      take the admin role away
  restume admin grant USERNAME PLAN [--expires-on YYYY-MM-DD] [--reason TEXT]
                                     give USERNAME the pro or recruiter plan
  restume admin revoke GRANT_ID [--reason TEXT]
                                     end a grant now
";

type Words<'a> = Vec<&'a str>;
type Options<'a> = Vec<(&'a str, &'a str)>;

/// Splits `--name value` options from the positional words.
fn options<'a>(args: &'a [String], known: &[&str]) -> Result<(Words<'a>, Options<'a>), String> {
    let mut words = Vec::new();
    let mut opts = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.strip_prefix("--") {
            Some(name) if known.contains(&name) => {
                let v = it.next().ok_or_else(|| format!("--{name} needs a value"))?;
                opts.push((name, v.as_str()));
            }
            Some(_) => return Err(format!("unknown option '{a}'")),
            None => words.push(a.as_str()),
        }
    }
    Ok((words, opts))
}

fn opt<'a>(opts: &[(&str, &'a str)], name: &str) -> Option<&'a str> {
    opts.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

fn problem(e: ApiError) -> String {
    e.cause.clone().unwrap_or_else(|| e.detail.clone())
}

pub fn run(config: &Config, args: &[String]) -> Result<String, String> {
    if !config.db.exists() {
        return Err(format!(
            "{} does not exist (start the server once, or pass --db)",
            config.db.display()
        ));
    }
    let flags = args.iter().filter(|a| *a == "--admin").count();
    let args: Vec<String> = args.iter().filter(|a| *a != "--admin").cloned().collect();
    let make_admin = flags > 0;
    let (words, opts) = options(&args, &["expires-on", "reason", "full-name"])?;
    let pool = crate::store::db::open(&config.db, 2)?;
    let write = |f: &(dyn Fn(&rusqlite::Connection) -> crate::error::ApiResult<String> + Sync)| {
        crate::store::db::write(&pool, |tx| f(tx)).map_err(problem)
    };
    match words.as_slice() {
        ["promote", username] => write(&|tx| {
            grants::set_admin(tx, username, true, OPERATOR)?;
            Ok(format!("{username} is an admin"))
        }),
        ["demote", username] => write(&|tx| {
            grants::set_admin(tx, username, false, OPERATOR)?;
            Ok(format!("{username} is no longer an admin"))
        }),
        ["grant", username, plan] => {
            let expires_on = opt(&opts, "expires-on");
            let plan = grants::check(plan, expires_on)
                .map_err(|(field, _, msg)| format!("{field}: {msg}"))?;
            let reason = opt(&opts, "reason").unwrap_or("granted by the operator");
            write(&|tx| {
                let (id, message) =
                    grants::grant(tx, username, plan, reason, expires_on, OPERATOR)?;
                Ok(format!("{message} (grant {id})"))
            })
        }
        ["create-user", username, email] => {
            let username = Username::parse("username", username)
                .map_err(|e| format!("username: {}", e.message))?;
            let email =
                Email::parse("email", email).map_err(|e| format!("email: {}", e.message))?;
            let full_name = opt(&opts, "full-name")
                .unwrap_or(username.as_str())
                .to_string();
            // nobody knows this password: the user sets theirs with the token
            let hash = Hasher::new(config.bcrypt_cost, 1)
                .hash(&random_base62(40))
                .map_err(problem)?;
            write(&|tx| {
                let new = NewUser {
                    username: &username,
                    email: &email,
                    full_name: &full_name,
                    password_hash: &hash,
                };
                let (id, _) = accounts::create(tx, &new)?;
                audit::record(
                    tx,
                    Some(&id),
                    None,
                    "user.create_by_operator",
                    &json!({}),
                    None,
                )?;
                if make_admin {
                    grants::set_admin(tx, username.as_str(), true, OPERATOR)?;
                }
                let (token, expires) = reset::issue(tx, &id, None)?;
                Ok(format!(
                    "created {} ({id}){}\npassword-reset token (until {}): {token}",
                    username.as_str(),
                    if make_admin { " as an admin" } else { "" },
                    rfc3339(expires)
                ))
            })
        }
        ["reset-password", username] => write(&|tx| {
            let id = grants::user_id_of(tx, username)?;
            let (token, expires) = reset::issue(tx, &id, None)?;
            audit::record(
                tx,
                Some(&id),
                None,
                "admin.password_reset_issued",
                &json!({}),
                None,
            )?;
            Ok(format!(
                "password-reset token for {username} (until {}): {token}",
                rfc3339(expires)
            ))
        }),
        ["revoke", grant_id] => {
            let reason = opt(&opts, "reason").unwrap_or("revoked by the operator");
            write(&|tx| grants::revoke(tx, grant_id, reason, OPERATOR))
        }
        _ => Err("unknown admin command or missing argument (see restume --help)".to_string()),
    }
}
