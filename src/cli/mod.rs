//! The command line: `restume [serve] [settings]`, `backup`, `restore`,
//! `healthcheck`, `config`, `openapi`. Raw arguments become a validated
//! `Config` before anything starts. The owner CLI's commands (`login`,
//! `skills` …) go to `crate::client`, which reads no server settings.

use std::path::Path;

use crate::config::{self, Raw};
use crate::store::backup;

pub mod admin;
pub mod healthcheck;

const USAGE: &str = "restume — your résumé as a REST API

Server commands (on the machine that keeps the database):
  restume [serve] [settings]         serve the API (the default)
  restume backup DEST [settings]     write a consistent, checked copy of the database
                                     to DEST while a server keeps serving; prints DEST
  restume restore SRC [settings]     put a copy of SRC (a backup) in place of the
                                     database; refuses while a server uses it; the old
                                     file is kept as <db>.before-restore-<unix time>
  restume healthcheck [settings]     exit 0 if the server at --bind answers GET /health
                                     with 200, else 1
  restume admin COMMAND [settings]   operator tasks, see below
  restume config [settings]          print the effective settings, secrets redacted
  restume openapi                    print the OpenAPI 3.1 document of the API (JSON)
  restume --version

";

pub fn run(args: &[String]) -> i32 {
    // Client commands first: they touch no database, and files they write
    // (an export) get the permissions the user's umask asks for.
    if let Some(command) = args.first().and_then(|c| crate::client::find(c)) {
        return crate::client::run(command, &args[1..]);
    }
    // Everything this program writes is the database, a copy of it or a
    // file beside it: none is for other users, whatever the shell's umask.
    // (The database files are also created 0600 explicitly, see `db`.)
    // SAFETY: umask only swaps the process's file-creation mask.
    unsafe {
        libc::umask(0o077);
    }
    let (command, rest) = match args.first().map(String::as_str) {
        Some(c) if !c.starts_with('-') => (c, &args[1..]),
        _ => ("serve", args),
    };
    if rest.iter().any(|a| a == "--help" || a == "-h") {
        print!(
            "{USAGE}Admin commands:\n{}\n{}{}",
            crate::cli::admin::USAGE,
            crate::client::usage(),
            config::help()
        );
        return 0;
    }
    if rest.iter().any(|a| a == "--version" || a == "-V") {
        println!("restume {}", env!("CARGO_PKG_VERSION"));
        return 0;
    }
    let (raw, extra) = match Raw::gather(rest, |k| std::env::var(k).ok()) {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    if command == "admin" {
        let result = raw
            .validate()
            .and_then(|config| crate::cli::admin::run(&config, &extra));
        return match result {
            Ok(message) => {
                println!("{message}");
                0
            }
            Err(e) => fail(&e),
        };
    }
    let operand = match command {
        "backup" => Some("DEST"),
        "restore" => Some("SRC"),
        _ => None,
    };
    let (words, unknown): (Vec<&String>, Vec<&String>) = extra
        .iter()
        .partition(|a| operand.is_some() && !a.starts_with('-'));
    if let Some(unknown) = unknown.first().or(words.get(1)) {
        return fail(&format!(
            "unknown argument '{unknown}' (see restume --help)"
        ));
    }
    if let (Some(name), None) = (operand, words.first()) {
        return fail(&format!("{command} needs {name} (see restume --help)"));
    }
    if command == "openapi" {
        return openapi();
    }
    let config = match raw.validate() {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    match command {
        "serve" => match crate::http::startup::serve(config) {
            Ok(()) => 0,
            Err(e) => fail(&e),
        },
        "config" => {
            print!("{}", raw.describe());
            0
        }
        "backup" => {
            let dest = Path::new(words[0]);
            match backup::backup(&config.db, dest) {
                Ok(()) => {
                    println!("{}", dest.display());
                    0
                }
                Err(e) => failed(&format!("backup: {e}")),
            }
        }
        "restore" => match backup::restore(&config.db, Path::new(words[0])) {
            Ok(done) => {
                if let Some(kept) = done.kept {
                    eprintln!(
                        "restume: the previous database is kept as {}",
                        kept.display()
                    );
                }
                println!("{}", done.db.display());
                0
            }
            Err(e) => failed(&format!("restore: {e}")),
        },
        "healthcheck" => match healthcheck::healthcheck(config.bind) {
            Ok(()) => 0,
            Err(e) => failed(&format!("unhealthy: {e}")),
        },
        other => fail(&format!("unknown command '{other}' (see restume --help)")),
    }
}

/// Prints the OpenAPI document, pretty, to stdout.
fn openapi() -> i32 {
    use std::io::Write;
    let text = serde_json::to_string_pretty(&crate::openapi::document()).unwrap_or_default();
    match writeln!(std::io::stdout().lock(), "{text}") {
        Ok(()) => 0,
        Err(e) => failed(&format!("openapi: {e}")),
    }
}

/// The command could not run as asked: usage or settings.
fn fail(msg: &str) -> i32 {
    eprintln!("restume: {msg}");
    2
}

/// The command ran and did not succeed.
fn failed(msg: &str) -> i32 {
    eprintln!("restume: {msg}");
    1
}
