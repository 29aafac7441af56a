//! What the client prints: data on stdout (aligned tables and `key: value`
//! blocks for people, the server's own JSON bytes with `--json`), messages on
//! stderr. Text from the server is someone's input, so control characters are
//! replaced before they reach a terminal (no escape sequences smuggled in a
//! headline).

use std::io::Write;

use serde_json::Value;

use super::fail::Fail;
use super::http::Reply;

/// The widest a table cell gets before it is cut with an ellipsis.
const CELL_MAX: usize = 48;

/// Writes to stdout; a closed pipe (`| head`) is not an error worth a panic.
pub fn print(text: &str) -> Result<(), Fail> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Fail::error(format!("cannot write the output: {e}"))),
    }
}

/// A message for the person at the terminal, never data.
pub fn say(text: &str) {
    eprintln!("{text}");
}

/// The answer's body exactly as the server sent it, for scripts.
pub fn raw(reply: &Reply) -> Result<(), Fail> {
    let mut text = String::from_utf8_lossy(&reply.body).into_owned();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    print(&text)
}

/// Replaces control characters (ESC, BEL, CR …) so user text cannot drive the
/// terminal; newlines and tabs become spaces when `one_line`.
pub fn clean(s: &str, one_line: bool) -> String {
    s.chars()
        .map(|c| match c {
            '\n' if !one_line => '\n',
            '\n' | '\t' | '\r' => ' ',
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// A JSON value as people read it in a cell: lists joined with commas,
/// nothing for null.
pub fn cell(v: &Value) -> String {
    let s = match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(", "),
        Value::Object(_) => v.to_string(),
    };
    clean(&s, true)
}

fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// An aligned table with a header row; long cells are cut.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| cut(&clean(c, true), CELL_MAX)).collect())
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                let pad = widths[i] - c.chars().count();
                s.push_str(c);
                s.push_str(&" ".repeat(pad + 2));
            }
        }
        s.truncate(s.trim_end().len());
        s.push('\n');
        s
    };
    let mut out = line(headers.to_vec());
    for r in &rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

/// `key: value` lines, the keys aligned; empty values are left out.
pub fn pairs(rows: &[(&str, String)]) -> String {
    let shown: Vec<&(&str, String)> = rows.iter().filter(|(_, v)| !v.is_empty()).collect();
    let width = shown
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (k, v) in shown {
        let pad = width - k.chars().count();
        let v = clean(v, false).replace('\n', &format!("\n{}", " ".repeat(width + 2)));
        out.push_str(&format!("{k}:{} {v}\n", " ".repeat(pad)));
    }
    out
}

/// Every field of a JSON object as `key: value` lines: those named in
/// `first` in that order, then the rest.
pub fn object(v: &Value, first: &[&str]) -> String {
    let Some(m) = v.as_object() else {
        return String::new();
    };
    let mut rows: Vec<(&str, String)> = first
        .iter()
        .filter_map(|k| m.get_key_value(*k))
        .map(|(k, v)| (k.as_str(), cell_full(v)))
        .collect();
    rows.extend(
        m.iter()
            .filter(|(k, _)| !first.contains(&k.as_str()))
            .map(|(k, v)| (k.as_str(), cell_full(v))),
    );
    pairs(&rows)
}

/// Like `cell`, but long text is kept whole (it is not in a table), and a
/// list whose items hold commas gets a line per item.
fn cell_full(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items)
            if items
                .iter()
                .any(|i| i.as_str().is_some_and(|s| s.contains(','))) =>
        {
            items
                .iter()
                .map(|i| format!("- {}", cell(i)))
                .collect::<Vec<_>>()
                .join("\n")
        }
        Value::Array(items) if items.iter().any(Value::is_object) => items
            .iter()
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        _ => cell(v),
    }
}

/// The first 8 characters of an id: enough to tell rows apart, and accepted
/// back wherever an id is asked for.
/// The table rows of a page's `items`, one per item (none when it has none).
pub fn item_rows(page: &Value, row: impl Fn(&Value) -> Vec<String>) -> Vec<Vec<String>> {
    page["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(row)
        .collect()
}

pub fn short_id(v: &Value) -> String {
    v.as_str().unwrap_or("").chars().take(8).collect()
}

/// Writes `bytes` to `path` whole or not at all: a temporary file beside it,
/// synced, then renamed over it, so a reader never sees half an export.
pub fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), Fail> {
    let name = path
        .file_name()
        .ok_or_else(|| Fail::usage("", format!("'{}' names no file", path.display())))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Fail::error(format!("cannot write {}: {e}", path.display()))
    })
}

/// A download: to `-o FILE` when given (atomically), else to stdout.
pub fn deliver(output: Option<&str>, bytes: &[u8]) -> Result<(), Fail> {
    match output {
        Some(file) if file != "-" => {
            write_file(std::path::Path::new(file), bytes)?;
            say(&format!("Wrote {file}."));
            Ok(())
        }
        _ => print(&String::from_utf8_lossy(bytes)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tables_align_and_cut() {
        let t = table(
            &["ID", "NAME"],
            &[
                vec!["a".into(), "Rust".into()],
                vec!["bbbb".into(), "x".repeat(60)],
            ],
        );
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "ID    NAME");
        assert_eq!(lines[1], "a     Rust");
        assert!(lines[2].starts_with("bbbb  xxx") && lines[2].ends_with('…'));
        assert_eq!(lines[2].chars().count(), 6 + CELL_MAX);
    }

    #[test]
    fn terminal_escapes_are_defused() {
        assert_eq!(clean("a\x1b[2Jb\r\nc", true), "a\u{FFFD}[2Jb  c");
        assert_eq!(cell(&json!(["tokio", "serde"])), "tokio, serde");
        assert_eq!(cell(&json!(null)), "");
        assert_eq!(cell(&json!(true)), "yes");
        assert_eq!(
            pairs(&[("a", "1".into()), ("long", String::new())]),
            "a: 1\n"
        );
        assert_eq!(
            object(
                &json!({"kw": ["x", "y"], "hl": ["a, b", "c"], "id": 1}),
                &["id"]
            ),
            "id: 1\nhl: - a, b\n    - c\nkw: x, y\n"
        );
    }
}
