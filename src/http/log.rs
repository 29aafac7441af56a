//! The log: one line per event on stderr, prefixed with the time. Callers
//! never pass a password, token or raw key.
//!
//! Fields come from clients (a path, a request id, a username, an error that
//! quotes input), so every field is escaped and capped here, where the line
//! is built: a control character could otherwise end the line and forge the
//! next one, or reach the operator's terminal as an escape sequence, and a
//! long field could fill the disk one request at a time.

use std::fmt::{Display, Write as _};
use std::io::Write;

/// The most of one field that is logged, in bytes; the rest is cut off.
pub const FIELD_MAX: usize = 512;

/// A log line under construction: fields separated by spaces.
pub struct Line {
    out: String,
    scratch: String,
}

impl Line {
    pub fn new() -> Line {
        let mut out = crate::time::rfc3339(crate::time::now());
        out.reserve(160);
        Line {
            out,
            scratch: String::new(),
        }
    }

    /// Appends one field, escaped and capped.
    pub fn field(mut self, value: impl Display) -> Line {
        self.scratch.clear();
        let _ = write!(self.scratch, "{value}");
        self.out.push(' ');
        push_escaped(&mut self.out, &self.scratch);
        self
    }

    /// Writes the line.
    pub fn write(mut self) {
        self.out.push('\n');
        // stderr is unbuffered: the whole line leaves in one write, so lines
        // from different threads never interleave
        let _ = std::io::stderr().lock().write_all(self.out.as_bytes());
    }
}

impl Default for Line {
    fn default() -> Line {
        Line::new()
    }
}

/// A line of one field.
pub fn line(msg: &str) {
    Line::new().field(msg).write();
}

/// Control characters as `\u{..}` (and a backslash doubled, so an escape
/// in the log always means one was made here); at most `FIELD_MAX` bytes
/// of `value` are taken, and a cut is marked with `...`.
fn push_escaped(out: &mut String, value: &str) {
    let mut taken = 0;
    for c in value.chars() {
        taken += c.len_utf8();
        if taken > FIELD_MAX {
            out.push_str("...");
            return;
        }
        match c {
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "{}", c.escape_unicode());
            }
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(s: &str) -> String {
        let mut out = String::new();
        push_escaped(&mut out, s);
        out
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escaped("/a\nfake\x1b[31m"), "/a\\u{a}fake\\u{1b}[31m");
        assert_eq!(escaped("tab\there\r\u{85}"), "tab\\u{9}here\\u{d}\\u{85}");
        assert_eq!(escaped("a\\u{a}"), "a\\\\u{a}");
        assert_eq!(escaped("résumé /v1/x"), "résumé /v1/x");
    }

    #[test]
    fn long_fields_are_cut() {
        let out = escaped(&"é".repeat(FIELD_MAX));
        assert_eq!(out.len(), FIELD_MAX + 3);
        assert!(out.ends_with("..."));
        assert_eq!(escaped(&"x".repeat(FIELD_MAX)), "x".repeat(FIELD_MAX));
    }
}
