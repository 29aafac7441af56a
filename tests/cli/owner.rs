//! Import and export, keys, theme and layout, analytics, usage, transcripts
//! and insights, with the plan's refusals as exit 4.

use std::os::unix::fs::PermissionsExt;

use serde_json::{Value, json};

use crate::helpers::{User, fixture, server};

#[test]
fn import_from_stdin_and_export_to_a_file() {
    let s = server(&[]);
    let u = User::new(&s);
    u.signup("ada");
    let sample = std::fs::read_to_string(fixture("sample.resume.json")).unwrap();
    let out = u.run(&["resume", "import", "-"], &sample).ok();
    assert!(
        out.stdout.contains("SECTION") && out.stdout.contains("skills"),
        "{out:?}"
    );
    let expected: Value = serde_json::from_str(&sample).unwrap();
    let skills = u.cli(&["skills", "--json"]).ok().json();
    assert_eq!(
        skills.as_array().unwrap().len(),
        expected["skills"].as_array().unwrap().len()
    );

    // export -o writes the document whole; it is the JSON Resume imported
    let file = u.home.0.join("cv.json");
    let out = u
        .cli(&[
            "resume",
            "export",
            "--format",
            "jsonresume",
            "-o",
            file.to_str().unwrap(),
        ])
        .ok();
    assert!(
        out.stdout.is_empty() && out.stderr.contains("Wrote"),
        "{out:?}"
    );
    let exported: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(exported["basics"]["name"], expected["basics"]["name"]);
    assert_eq!(exported["work"], expected["work"]);
    // no temporary file left beside it
    let names: Vec<String> = std::fs::read_dir(&u.home.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains(".tmp")), "{names:?}");
    // … and it imports again from a file, changing nothing
    u.cli(&["resume", "import", file.to_str().unwrap()]).ok();
    let again = u
        .cli(&["resume", "export", "--format", "jsonresume", "--json"])
        .ok()
        .json();
    assert_eq!(again, exported);
    // RESTume's own form on stdout
    let own = u.cli(&["resume", "export"]).ok().json();
    assert_eq!(own["username"], "ada");

    // refusals: not JSON (named, nothing sent), no file, the server's 422, usage
    let out = u.run(&["resume", "import", "-"], "{oops").fails(1);
    assert!(out.stderr.contains("not JSON"), "{out:?}");
    u.cli(&["resume", "import", "/nonexistent/cv.json"])
        .fails(1);
    let out = u
        .run(&["resume", "import", "-"], r#"{"basics": {"name": 5}}"#)
        .fails(1);
    assert!(out.stderr.contains("basics.name"), "{out:?}");
    u.cli(&["resume", "import"]).fails(2);
    u.cli(&["resume", "export", "--format", "pdf"]).fails(2);
    u.cli(&["resume"]).fails(2);
}

#[test]
fn keys_create_list_revoke() {
    let s = server(&[]);
    let u = User::new(&s);
    u.signup("ada");
    let out = u
        .cli(&[
            "keys",
            "create",
            "ci",
            "--expires-at",
            "2099-01-01T00:00:00Z",
        ])
        .ok();
    let key = out.stdout.trim();
    assert!(
        key.starts_with("rst_") && out.stderr.contains("shown this once"),
        "{out:?}"
    );
    let list = u.cli(&["keys", "--json"]).ok().json();
    assert_eq!(list[0]["name"], "ci");
    assert_eq!(list[0]["expires_at"], "2099-01-01T00:00:00Z");
    assert!(list[0].get("raw_key").is_none());
    let table = u.cli(&["keys", "list"]).ok().stdout;
    assert!(table.contains(&key[..8]) && !table.contains(key), "{table}");
    let out = u
        .cli(&[
            "keys",
            "create",
            "old",
            "--expires-at",
            "2001-01-01T00:00:00Z",
        ])
        .fails(1);
    assert!(out.stderr.contains("expires_at"), "{out:?}");
    let id = list[0]["id"].as_str().unwrap();
    u.cli(&["keys", "revoke", id]).ok();
    let list = u.cli(&["keys", "--json"]).ok().json();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|k| k["is_active"] == false),
        "{list}"
    );
    u.cli(&["keys", "revoke", "00000000-0000-4000-8000-000000000000"])
        .fails(3);
    // by the prefix a key file starts with
    let second = u
        .cli(&["keys", "create", "laptop"])
        .ok()
        .stdout
        .trim()
        .to_string();
    u.cli(&["keys", "revoke", &second[..8]]).ok();
    let list = u.cli(&["keys", "--json"]).ok().json();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|k| k["is_active"] == false),
        "{list}"
    );
    u.cli(&["keys", "revoke", &second[..8]]).fails(3);
    u.cli(&["keys", "create"]).fails(2);
}

#[test]
fn theme_and_layout_follow_the_plan() {
    let s = server(&[]);
    let u = User::new(&s);
    u.signup("ada");
    assert_eq!(u.cli(&["theme"]).ok().stdout.trim(), "classic");
    let list = u.cli(&["theme", "list"]).ok().stdout;
    assert!(
        list.contains("minimal") && list.contains("terminal"),
        "{list}"
    );
    u.cli(&["theme", "set", "minimal"]).ok();
    assert_eq!(u.cli(&["theme", "--json"]).ok().json()["theme"], "minimal");
    // a pro theme on the free plan: 403 plan_required, exit 4, said plainly
    let out = u.cli(&["theme", "set", "terminal"]).fails(4);
    assert!(
        out.stderr.contains("plan_required") && out.stderr.contains("pro plan"),
        "{out:?}"
    );
    u.cli(&["theme", "set", "nope"]).fails(1);
    let out = u.cli(&["layout", "set", "skills"]).fails(4);
    assert!(out.stderr.contains("layout"), "{out:?}");
    let layout = u.cli(&["layout", "--json"]).ok().json();
    assert_eq!(layout["sections"].as_array().unwrap().len(), 5);

    s.admin(&["grant", "ada", "pro"]);
    u.cli(&["theme", "set", "terminal"]).ok();
    let layout = u
        .cli(&["layout", "set", "skills", "experience", "--json"])
        .ok()
        .json();
    let names: Vec<(&str, bool)> = layout["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["visible"].as_bool().unwrap()))
        .collect();
    assert_eq!(names[..2], [("skills", true), ("experience", true)]);
    assert!(names[2..].iter().all(|(_, v)| !v));
    u.cli(&["layout", "set", "hobbies"]).fails(2);
}

#[test]
fn numbers_and_conversations() {
    let s = server(&[]);
    let u = User::new(&s);
    u.signup("ada");
    u.cli(&["skills", "add", "name=Rust", "years=6"]).ok();

    let a = u.cli(&["analytics", "--json"]).ok().json();
    assert_eq!(a["days"], 7);
    let a = u.cli(&["analytics", "--days", "3"]).ok().stdout;
    assert!(
        a.starts_with("DAY") && a.lines().last().unwrap().starts_with("total"),
        "{a}"
    );
    assert_eq!(a.lines().count(), 5, "{a}");
    let out = u.cli(&["analytics", "--days", "30"]).fails(4);
    assert!(out.stderr.contains("403"), "{out:?}");
    u.cli(&["analytics", "--days", "x"]).fails(2);
    let usage = u.cli(&["usage", "--json"]).ok().json();
    assert_eq!(usage["plan"], "free");
    assert!(u.cli(&["usage"]).ok().stdout.contains("BUCKET"));

    // transcripts and insights are pro
    u.cli(&["transcripts"]).fails(4);
    u.cli(&["insights"]).fails(4);
    s.admin(&["grant", "ada", "pro"]);
    // a visitor reads the page and asks
    assert_eq!(s.http("GET", "/v1/profiles/ada", None, None).0, 200);
    let (status, chat) = s.http(
        "POST",
        "/v1/profiles/ada/chat",
        None,
        Some(&json!({"message": "Does she know Rust?", "visitor": {"name": "Bob", "company": "Acme"}})),
    );
    assert_eq!(status, 200, "{chat}");
    let list = u.cli(&["transcripts", "list", "--json"]).ok().json();
    assert_eq!(list["total"], 1);
    let id = list["items"][0]["id"].as_str().unwrap().to_string();
    let table = u.cli(&["transcripts"]).ok().stdout;
    assert!(
        table.contains("Bob (Acme)") && table.contains(&id[..8]),
        "{table}"
    );
    let shown = u.cli(&["transcripts", "show", &id[..8]]).ok().stdout;
    assert!(
        shown.contains("Does she know Rust?") && shown.contains("answer (answered)"),
        "{shown}"
    );
    let one = u.cli(&["transcripts", "show", &id, "--json"]).ok().json();
    assert_eq!(one["messages"].as_array().unwrap().len(), 1);

    let i = u.cli(&["insights", "--json"]).ok().json();
    assert_eq!(i["top_questions"][0]["question"], "Does she know Rust?");
    assert!(u.cli(&["insights"]).ok().stdout.contains("Top questions"));
    let csv = u.cli(&["insights", "--export", "csv"]).ok().stdout;
    assert!(csv.starts_with("kind,question"), "{csv}");
    let file = u.home.0.join("insights.json");
    let shell = "umask 022; exec \"$0\" \"$@\"";
    let status = u
        .command_of("sh", &["-c", shell, crate::helpers::bin()])
        .args(["insights", "--export", "json", "-o", file.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    let exported: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert!(exported.is_object());
    // an export follows the user's umask, not the credential file's 0600
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_ne!(mode & 0o044, 0, "{mode:o}");
    u.cli(&["insights", "--export", "xml"]).fails(2);

    u.cli(&["transcripts", "rm", &id]).ok();
    u.cli(&["transcripts", "show", &id]).fails(3);
}
