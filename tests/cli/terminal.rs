//! Signing up and in at a real terminal: the binary runs under a pty made by
//! `script` (util-linux), the test types at the prompts, and the screen
//! shows what was echoed.

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::helpers::{PASSWORD, Server, User, bin, server, skipped};

struct Terminal {
    child: Child,
    keys: ChildStdin,
    screen: Arc<Mutex<String>>,
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

impl Terminal {
    fn open(user: &User, args: &[&str]) -> Option<Terminal> {
        if std::process::Command::new("script")
            .arg("--version")
            .output()
            .is_err()
        {
            skipped("script (util-linux) is not installed");
            return None;
        }
        let line: Vec<String> = std::iter::once(bin())
            .chain(args.iter().copied())
            .map(shell_quote)
            .collect();
        let mut script = user.command_of("script", &["-qec", &line.join(" "), "/dev/null"]);
        script
            .env("SHELL", "/bin/sh")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = script.spawn().unwrap();
        let keys = child.stdin.take().unwrap();
        let mut out = child.stdout.take().unwrap();
        let screen = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 1024];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Some(Terminal {
            child,
            keys,
            screen,
        })
    }

    /// Waits for `prompt` on the screen, then types `text` and Enter.
    fn answer(&mut self, prompt: &str, text: &str) {
        let start = Instant::now();
        loop {
            let shown = self.screen.lock().unwrap().clone();
            if shown.matches(prompt).count() >= 1 && shown.trim_end().ends_with(prompt.trim_end()) {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "no prompt '{prompt}': {shown:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        // a moment for the prompt's terminal settings to take effect
        std::thread::sleep(Duration::from_millis(100));
        self.keys.write_all(format!("{text}\r").as_bytes()).unwrap();
        self.keys.flush().unwrap();
        // each answer ends with the prompt it answered being followed by more
        let start = Instant::now();
        while self
            .screen
            .lock()
            .unwrap()
            .trim_end()
            .ends_with(prompt.trim_end())
            && start.elapsed() < Duration::from_secs(5)
        {
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn finish(mut self) -> (i32, String) {
        let start = Instant::now();
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the CLI did not end"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        std::thread::sleep(Duration::from_millis(50));
        drop(self.keys);
        (
            status.code().unwrap_or(-1),
            self.screen.lock().unwrap().clone(),
        )
    }
}

fn signed_up(s: &Server) -> User {
    let u = User::new(s);
    u.signup("ada");
    u.cli(&["logout"]).ok();
    u
}

#[test]
fn login_at_a_terminal_asks_and_does_not_echo_the_password() {
    let s = server(&[]);
    let u = signed_up(&s);
    let Some(mut t) = Terminal::open(&u, &["login"]) else {
        return;
    };
    t.answer("Username or email: ", "ada");
    t.answer("Password: ", PASSWORD);
    let (code, screen) = t.finish();
    assert_eq!(code, 0, "{screen}");
    // the username was echoed as typed; the password never appeared
    assert!(screen.contains("Username or email: ada"), "{screen:?}");
    assert!(
        !screen.contains(PASSWORD),
        "the password was echoed: {screen:?}"
    );
    assert!(screen.contains("Signed in to"), "{screen:?}");
    assert_eq!(u.credentials()["servers"][&s.url]["username"], "ada");
    // and the terminal's echo is back on afterwards: the session is usable
    u.cli(&["whoami"]).ok();
}

#[test]
fn signup_at_a_terminal_asks_for_everything() {
    let s = server(&[]);
    let u = User::new(&s);
    let Some(mut t) = Terminal::open(&u, &["signup"]) else {
        return;
    };
    t.answer("Username: ", "grace");
    t.answer("Email: ", "grace@example.com");
    t.answer("Full name: ", "Grace Hopper");
    t.answer("Password: ", PASSWORD);
    t.answer("Password again: ", PASSWORD);
    let (code, screen) = t.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains(PASSWORD), "{screen:?}");
    let me = u.cli(&["whoami", "--json"]).ok().json();
    assert_eq!(me["full_name"], "Grace Hopper");

    // two different passwords: nothing is created
    let u2 = User::new(&s);
    let Some(mut t) = Terminal::open(
        &u2,
        &[
            "signup",
            "--username",
            "alan",
            "--email",
            "alan@example.com",
            "--full-name",
            "Alan",
        ],
    ) else {
        return;
    };
    t.answer("Password: ", PASSWORD);
    t.answer("Password again: ", "something else entirely");
    let (code, screen) = t.finish();
    assert_eq!(code, 1, "{screen}");
    assert!(screen.contains("differ"), "{screen:?}");
    assert_eq!(
        s.http(
            "POST",
            "/v1/auth/login",
            None,
            Some(&serde_json::json!({"username": "alan", "password": PASSWORD}))
        )
        .0,
        401
    );
}

#[test]
fn an_api_key_typed_at_a_terminal_is_not_echoed() {
    let s = server(&[]);
    let u = User::new(&s);
    u.signup("ada");
    let key = u
        .cli(&["keys", "create", "t"])
        .ok()
        .stdout
        .trim()
        .to_string();
    let other = User::new(&s);
    let Some(mut t) = Terminal::open(&other, &["login", "--with-key"]) else {
        return;
    };
    t.answer("API key: ", &key);
    let (code, screen) = t.finish();
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains(&key), "{screen:?}");
    assert_eq!(other.credentials()["servers"][&s.url]["type"], "api_key");
}
