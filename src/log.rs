//! The log: one line per event on stderr, prefixed with the time. Callers
//! never pass a password, token or raw key.

use std::io::Write;

pub fn line(msg: &str) {
    // stderr is unbuffered: build the whole line first, so it leaves in one
    // write and lines from different threads never interleave
    let mut out = crate::time::rfc3339(crate::time::now());
    out.reserve(msg.len() + 2);
    out.push(' ');
    out.push_str(msg);
    out.push('\n');
    let _ = std::io::stderr().lock().write_all(out.as_bytes());
}
