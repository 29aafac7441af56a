//! `restume admin …`: what an operator does from a shell, such as making the
//! first admin. Works beside a running server (SQLite takes turns).

use crate::config::Config;
use crate::error::ApiError;
use crate::grants::{self, OPERATOR};

pub const USAGE: &str = "  restume admin promote USERNAME     make USERNAME an admin
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
    let (words, opts) = options(args, &["expires-on", "reason"])?;
    let pool = crate::db::open(&config.db, 2)?;
    let write = |f: &dyn Fn(&rusqlite::Transaction) -> crate::error::ApiResult<String>| {
        crate::db::write(&pool, |tx| f(tx)).map_err(problem)
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
        ["revoke", grant_id] => {
            let reason = opt(&opts, "reason").unwrap_or("revoked by the operator");
            write(&|tx| grants::revoke(tx, grant_id, reason, OPERATOR))
        }
        _ => Err("unknown admin command or missing argument (see restume --help)".to_string()),
    }
}
