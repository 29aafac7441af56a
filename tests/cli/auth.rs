//! signup, login (password and API key), the credential file, logout,
//! whoami, and the exit codes of refusals.

use std::os::unix::fs::PermissionsExt;

use crate::helpers::{PASSWORD, User, server};

#[test]
fn signup_and_login_without_a_terminal_keep_a_private_credential() {
    let s = server(&[]);
    let ada = User::new(&s);
    let out = ada.signup("ada");
    assert!(out.stderr.contains("Created the account ada"), "{out:?}");
    assert!(!out.stderr.contains(PASSWORD) && !out.stdout.contains(PASSWORD));

    let dir = ada.config_dir();
    let file = dir.join("credentials.json");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&file), 0o600);
    let creds = ada.credentials();
    assert_eq!(creds["default_server"], s.url.as_str());
    let entry = &creds["servers"][&s.url];
    assert_eq!(entry["username"], "ada");
    assert_eq!(entry["type"], "jwt");
    // the stored token is the real thing: the API takes it
    let (status, me) = s.http("GET", "/v1/me/account", Some(&ada.token()), None);
    assert_eq!((status, me["username"].as_str()), (200, Some("ada")));

    // a second login (by email) replaces the entry, and the folder is made
    // private again even if someone widened it
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = ada
        .run(
            &["login", "--username", "ada@example.com", "--password-stdin"],
            &format!("{PASSWORD}\n"),
        )
        .ok();
    assert!(out.stderr.contains("as ada"), "{out:?}");
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&file), 0o600);
    // a file someone made readable to others is made private again, and said so
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = ada.cli(&["whoami"]).ok();
    assert!(out.stderr.contains("was readable by others"), "{out:?}");
    assert_eq!(mode(&file), 0o600);
    // --json gives the account, never the token
    let out = ada
        .run(
            &["login", "--username", "ada", "--password-stdin", "--json"],
            PASSWORD,
        )
        .ok();
    assert_eq!(out.json()["username"], "ada");
    assert!(!out.stdout.contains(&ada.token()) && !out.stdout.contains("access_token"));
    let whoami = ada.cli(&["whoami", "--json"]).ok().json();
    assert_eq!(whoami["username"], "ada");
    assert_eq!(whoami["plan"], "free");
    let text = ada.cli(&["whoami"]).ok().stdout;
    assert!(
        text.contains("username:") && text.contains("ada@example.com"),
        "{text}"
    );
}

#[test]
fn one_entry_per_server() {
    let (a, b) = (server(&[]), server(&[]));
    let mut u = User::new(&a);
    u.signup("ada");
    u.server = b.url.clone();
    u.signup("bob");
    let creds = u.credentials();
    assert_eq!(creds["servers"].as_object().unwrap().len(), 2);
    assert_eq!(creds["servers"][&a.url]["username"], "ada");
    assert_eq!(creds["servers"][&b.url]["username"], "bob");
    // --server picks the entry; a trailing slash is the same server
    let with_slash = format!("{}/", a.url);
    let me = u
        .cli(&["whoami", "--json", "--server", &with_slash])
        .ok()
        .json();
    assert_eq!(me["username"], "ada");
    let me = u.cli(&["whoami", "--json"]).ok().json();
    assert_eq!(me["username"], "bob");
    // without --server or RESTUME_SERVER: the server signed in to last
    let mut cmd = u.command(&["whoami", "--json"]);
    cmd.env_remove("RESTUME_SERVER");
    let out = cmd.output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"bob\""));
}

#[test]
fn refusals_have_their_exit_codes_and_no_secrets() {
    let s = server(&[]);
    let u = User::new(&s);
    // not signed in: 4, and it says how to sign in
    let out = u.cli(&["skills"]).fails(4);
    assert!(
        out.stderr.contains("not signed in") && out.stderr.contains("restume login"),
        "{out:?}"
    );
    u.signup("ada");
    // wrong password: 4 with the server's detail; the password is not echoed
    let out = u
        .run(
            &["login", "--username", "ada", "--password-stdin"],
            "wrong password 123\n",
        )
        .fails(4);
    assert!(out.stderr.contains("invalid_credentials"), "{out:?}");
    assert!(!out.stderr.contains("wrong password 123"));
    // the failed login left the good credential in place
    u.cli(&["whoami"]).ok();
    // no terminal and no --password-stdin: a usage error, nothing sent
    let out = u.cli(&["login", "--username", "ada"]).fails(2);
    assert!(out.stderr.contains("--password-stdin"), "{out:?}");
    let out = u.cli(&["login", "--password-stdin"]).fails(2);
    assert!(out.stderr.contains("--username"), "{out:?}");
    // unknown options and commands are usage errors
    u.cli(&["whoami", "--bogus"]).fails(2);
    u.cli(&["skills", "frobnicate"]).fails(2);
    let out = u
        .cli(&["search", "x", "--server", "ftp://example.com"])
        .fails(2);
    assert!(out.stderr.contains("not a server URL"), "{out:?}");
    // a server that is not there: 1, with the address
    let out = u
        .cli(&["whoami", "--server", "http://127.0.0.1:9"])
        .fails(4);
    assert!(out.stderr.contains("not signed in"), "{out:?}");
    let out = u
        .cli(&["search", "x", "--server", "http://127.0.0.1:9"])
        .fails(1);
    assert!(
        out.stderr.contains("cannot reach http://127.0.0.1:9"),
        "{out:?}"
    );
    // a tampered token: the server's 401 is 4
    let mut creds = u.credentials();
    let token = u.token();
    creds["servers"][&s.url]["token"] = format!("{token}x").into();
    std::fs::write(u.config_dir().join("credentials.json"), creds.to_string()).unwrap();
    let out = u.cli(&["whoami"]).fails(4);
    assert!(out.stderr.contains("invalid_token"), "{out:?}");
    assert!(
        !out.stderr.contains(&token[20..]),
        "the token leaked: {out:?}"
    );
    // a damaged file is named, not a panic
    std::fs::write(u.config_dir().join("credentials.json"), "{not json").unwrap();
    let out = u.cli(&["whoami"]).fails(1);
    assert!(
        out.stderr.contains("credentials.json is damaged"),
        "{out:?}"
    );
}

#[test]
fn an_api_key_from_stdin_and_from_the_environment() {
    let s = server(&[]);
    let u = User::new(&s);
    u.signup("ada");
    let key = u
        .cli(&["keys", "create", "laptop"])
        .ok()
        .stdout
        .trim()
        .to_string();
    assert!(key.starts_with("rst_") && key.len() == 36, "{key}");

    let other = User::new(&s);
    let out = other
        .run(&["login", "--with-key"], &format!("{key}\n"))
        .ok();
    assert!(out.stderr.contains("as ada"), "{out:?}");
    let creds = other.credentials();
    assert_eq!(creds["servers"][&s.url]["type"], "api_key");
    other.cli(&["skills", "add", "name=Rust"]).ok();
    // keys need a password sign-in: the server's 403 jwt_required is 4
    let out = other.cli(&["keys"]).fails(4);
    assert!(out.stderr.contains("jwt_required"), "{out:?}");
    let out = other.cli(&["logout", "--everywhere"]).fails(4);
    assert!(out.stderr.contains("revoked"), "{out:?}");
    // not a key, or a key the server does not know
    other.run(&["login", "--with-key"], "hunter2\n").fails(2);
    let out = other
        .run(
            &["login", "--with-key"],
            "rst_00000000000000000000000000000000\n",
        )
        .fails(4);
    assert!(out.stderr.contains("invalid_api_key"), "{out:?}");
    assert!(!out.stderr.contains("rst_0000000000"), "{out:?}");

    // RESTUME_TOKEN wins over the file (a stranger's file here)
    let mut third = User::new(&s);
    third.env.push(("RESTUME_TOKEN".into(), key.clone()));
    let skills = third.cli(&["skills", "--json"]).ok().json();
    assert_eq!(skills[0]["name"], "Rust");
    // a revoked key stops working for the CLI too
    let id = u.cli(&["keys", "--json"]).ok().json()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    u.cli(&["keys", "revoke", &id[..8]]).ok();
    third.cli(&["skills"]).fails(4);
}

#[test]
fn logout_forgets_and_everywhere_ends_the_sessions() {
    let s = server(&[]);
    let u = User::new(&s);
    u.signup("ada");
    let token = u.token();
    let out = u.cli(&["logout"]).ok();
    assert!(out.stderr.contains("Forgot"), "{out:?}");
    assert!(u.credentials()["servers"].as_object().unwrap().is_empty());
    u.cli(&["whoami"]).fails(4);
    // the forgotten token itself still works until it expires …
    assert_eq!(s.http("GET", "/v1/me/account", Some(&token), None).0, 200);
    // … unless the owner signs out everywhere
    u.run(
        &["login", "--username", "ada", "--password-stdin"],
        PASSWORD,
    )
    .ok();
    let second = u.token();
    u.cli(&["logout", "--everywhere"]).ok();
    assert_eq!(s.http("GET", "/v1/me/account", Some(&token), None).0, 401);
    assert_eq!(s.http("GET", "/v1/me/account", Some(&second), None).0, 401);
    // logging out twice is not an error
    u.cli(&["logout"]).ok();
}
