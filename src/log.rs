//! The log: one line per event on stderr, prefixed with the time. Callers
//! never pass a password, token or raw key.

use std::io::Write;

pub fn line(msg: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{} {msg}", crate::time::rfc3339(crate::time::now()));
}
