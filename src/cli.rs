//! The command line: `restume [serve] [settings]`, `restume config`.
//! Raw arguments become a validated `Config` before anything starts.

use crate::config::{self, Raw};

const USAGE: &str = "restume — your résumé as a REST API

Usage:
  restume [serve] [settings]   serve the API (the default)
  restume config [settings]    print the effective settings, secrets redacted
  restume --version

";

pub fn run(args: &[String]) -> i32 {
    let (command, rest) = match args.first().map(String::as_str) {
        Some(c) if !c.starts_with('-') => (c, &args[1..]),
        _ => ("serve", args),
    };
    if rest.iter().any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}{}", config::help());
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
    if let Some(unknown) = extra.first() {
        return fail(&format!(
            "unknown argument '{unknown}' (see restume --help)"
        ));
    }
    let config = match raw.validate() {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    match command {
        "serve" => match crate::startup::serve(config) {
            Ok(()) => 0,
            Err(e) => fail(&e),
        },
        "config" => {
            print!("{}", raw.describe());
            0
        }
        other => fail(&format!("unknown command '{other}' (see restume --help)")),
    }
}

fn fail(msg: &str) -> i32 {
    eprintln!("restume: {msg}");
    2
}
