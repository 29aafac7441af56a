//! Asking the person at the terminal. Secrets are read with echo off when
//! stdin is a terminal; otherwise they come from stdin only where the command
//! says so (`--password-stdin`, `--with-key`), so a secret never has to go on
//! the command line where `ps` and shell history would keep it.

use std::io::{BufRead, Read};
use std::sync::Mutex;

use super::fail::Fail;

pub fn stdin_is_terminal() -> bool {
    // SAFETY: isatty only inspects the descriptor.
    unsafe { libc::isatty(0) == 1 }
}

/// The terminal's settings while echo is off, to put back on Ctrl-C too.
static SAVED: Mutex<Option<libc::termios>> = Mutex::new(None);

fn restore() {
    if let Some(t) = SAVED.lock().unwrap_or_else(|e| e.into_inner()).take() {
        // SAFETY: puts back settings read from the same descriptor.
        unsafe {
            libc::tcsetattr(0, libc::TCSANOW, &t);
        }
    }
}

fn read_line() -> Result<String, Fail> {
    let mut line = String::new();
    let n = std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Fail::error(format!("cannot read the answer: {e}")))?;
    if n == 0 {
        return Err(Fail::error("no answer (end of input)"));
    }
    Ok(strip_newline(line))
}

fn strip_newline(mut s: String) -> String {
    if s.ends_with('\n') {
        s.pop();
        if s.ends_with('\r') {
            s.pop();
        }
    }
    s
}

/// Asks for a value that may be seen (a username, an email).
pub fn ask(label: &str) -> Result<String, Fail> {
    eprint!("{label}: ");
    let v = read_line()?;
    Ok(v.trim().to_string())
}

/// Asks for a secret on the terminal with echo off.
pub fn secret(label: &str) -> Result<String, Fail> {
    // SAFETY: termios is plain data; tcgetattr fills it or fails.
    let mut t: libc::termios = unsafe { std::mem::zeroed() };
    if unsafe { libc::tcgetattr(0, &mut t) } != 0 {
        return Err(Fail::error("cannot switch the terminal's echo off"));
    }
    *SAVED.lock().unwrap_or_else(|e| e.into_inner()) = Some(t);
    // Ctrl-C at the prompt must not leave the terminal without echo.
    let _ = ctrlc::set_handler(|| {
        restore();
        eprintln!();
        std::process::exit(130);
    });
    let mut quiet = t;
    quiet.c_lflag &= !libc::ECHO;
    quiet.c_lflag |= libc::ECHONL;
    // SAFETY: settings derived from the ones just read.
    unsafe {
        libc::tcsetattr(0, libc::TCSANOW, &quiet);
    }
    // The prompt only once echo is off: keys typed on seeing it stay unseen.
    eprint!("{label}: ");
    let answer = read_line();
    restore();
    answer
}

/// A secret piped to stdin: all of it, less one final newline (every other
/// character counts, spaces included).
pub fn stdin_secret(what: &str) -> Result<String, Fail> {
    let mut s = String::new();
    std::io::stdin()
        .lock()
        .read_to_string(&mut s)
        .map_err(|e| Fail::error(format!("cannot read the {what} from stdin: {e}")))?;
    let s = strip_newline(s);
    if s.is_empty() {
        return Err(Fail::error(format!("no {what} on stdin")));
    }
    Ok(s)
}

/// A secret: from the terminal with echo off, else from stdin when the
/// command allows it.
pub fn obtain_secret(
    command: &str,
    label: &str,
    from_stdin: bool,
    hint: &str,
) -> Result<String, Fail> {
    if from_stdin {
        stdin_secret(&label.to_lowercase())
    } else if stdin_is_terminal() {
        secret(label)
    } else {
        Err(Fail::usage(
            command,
            format!("stdin is not a terminal: {hint}"),
        ))
    }
}
