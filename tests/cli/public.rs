//! `search`, `show`, `ask` (no credential sent), the 429 exit code with its
//! retry time, and the help texts.

use crate::helpers::{User, bin, server};

#[test]
fn search_show_and_ask_what_visitors_see() {
    let s = server(&[]);
    let u = User::new(&s);
    u.signup("ada");
    u.cli(&[
        "profile",
        "set",
        "headline=Backend engineer",
        "open_to_work=true",
    ])
    .ok();
    u.cli(&["skills", "add", "name=Rust", "level=Expert", "years=6"])
        .ok();

    let found = u.cli(&["search", "backend", "--json"]).ok().json();
    assert_eq!(found["items"][0]["username"], "ada");
    let none = u
        .cli(&["search", "--skill", "haskell", "--json"])
        .ok()
        .json();
    assert_eq!(none["total"], 0);
    let table = u.cli(&["search", "--open-to-work"]).ok();
    assert!(
        table.stdout.starts_with("USERNAME") && table.stdout.contains("Backend engineer"),
        "{table:?}"
    );

    let text = u.cli(&["show", "ada"]).ok().stdout;
    assert!(text.starts_with("ada Example\nBackend engineer"), "{text}");
    assert!(text.contains("Rust (Expert, 6 years)"), "{text}");
    let jr = u
        .cli(&["show", "ada", "--format", "jsonresume"])
        .ok()
        .json();
    assert_eq!(jr["basics"]["label"], "Backend engineer");
    let out = u.cli(&["show", "nobody"]).fails(3);
    assert!(out.stderr.contains("404"), "{out:?}");

    let a = u
        .cli(&["ask", "ada", "Does", "she", "know", "Rust?", "--json"])
        .ok()
        .json();
    assert_eq!(a["answer_status"], "answered");
    let a = u.cli(&["ask", "ada", "What is her salary?"]).ok().stdout;
    assert!(a.contains("unsupported"), "{a}");
    let out = u.cli(&["ask", "ada", "hi"]).fails(1);
    assert!(out.stderr.contains("question"), "{out:?}");
    u.cli(&["ask", "ada"]).fails(2);
    // public commands send no credential: the owner's own views count here
    let log = s.log_text();
    assert!(
        log.lines()
            .any(|l| l.contains("GET /v1/profiles/ada ") && l.ends_with(" -")),
        "{log}"
    );

    // terminal control characters never get in (and out::clean would
    // defuse them on the way out)
    let out = u
        .cli(&["profile", "set", "headline=evil\u{1b}]0;pwned\u{7}"])
        .fails(1);
    assert!(
        out.stderr.contains("headline: control characters"),
        "{out:?}"
    );
}

#[test]
fn rate_limited_is_exit_5_with_the_retry_time() {
    let s = server(&["--limit-public", "2:1/h"]);
    let u = User::new(&s);
    u.cli(&["search", "x"]).ok();
    u.cli(&["search", "x"]).ok();
    let out = u.cli(&["search", "x"]).fails(5);
    assert!(
        out.stderr.contains("429") && out.stderr.contains("retry in"),
        "{out:?}"
    );
    let secs: u64 = out
        .stderr
        .split("retry in ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{out:?}"));
    assert!((1..=3600).contains(&secs), "{secs}");
}

#[test]
fn help_shows_both_groups_and_an_example_per_command() {
    let out = std::process::Command::new(bin())
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let server_at = text.find("Server commands").expect("server group");
    let client_at = text.find("Client commands").expect("client group");
    assert!(server_at < client_at);
    let commands = [
        "signup",
        "login",
        "logout",
        "whoami",
        "profile",
        "skills",
        "experience",
        "education",
        "projects",
        "certifications",
        "resume",
        "keys",
        "theme",
        "layout",
        "analytics",
        "usage",
        "transcripts",
        "insights",
        "search",
        "show",
        "ask",
    ];
    for c in commands {
        assert!(
            text[client_at..].contains(&format!("restume {c} ")),
            "{c} missing from --help"
        );
        let out = std::process::Command::new(bin())
            .args([c, "--help"])
            .output()
            .unwrap();
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{c}");
        assert!(help.starts_with(&format!("restume {c}")), "{c}: {help}");
        assert!(help.contains("Example"), "{c} has no example: {help}");
        assert!(help.contains(&format!("restume {c}")), "{c}");
    }
    let skills = String::from_utf8_lossy(
        &std::process::Command::new(bin())
            .args(["skills", "--help"])
            .output()
            .unwrap()
            .stdout,
    )
    .into_owned();
    assert!(
        skills.contains("name (required)") && skills.contains("keywords"),
        "{skills}"
    );
    // the server's own commands still answer as before
    let out = std::process::Command::new(bin())
        .args(["backup"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
