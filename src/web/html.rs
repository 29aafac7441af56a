//! The one way HTML is written: a builder whose `text` and attribute values
//! are always escaped. Tag names, attribute names and `raw` markup are
//! `&'static str`, so only string literals of the templates can ever be
//! markup; a user's text can only reach the page through an escaping call.

use std::fmt::Write as _;

/// Elements that have no end tag.
const VOID: &[&str] = &["meta", "link", "img", "br", "hr"];

#[derive(Default)]
pub struct Html {
    out: String,
}

/// An attribute: its name is a literal, its value is escaped when written.
/// `None` leaves the attribute out.
pub type Attr<'a> = (&'static str, Option<&'a str>);

impl Html {
    pub fn new() -> Html {
        Html {
            out: String::with_capacity(16 * 1024),
        }
    }

    pub fn finish(self) -> String {
        self.out
    }

    /// Markup from a template's own string literal.
    pub fn raw(&mut self, markup: &'static str) -> &mut Self {
        self.out.push_str(markup);
        self
    }

    /// Text content, escaped.
    pub fn text(&mut self, s: &str) -> &mut Self {
        escape_into(&mut self.out, s);
        self
    }

    fn start(&mut self, tag: &'static str, attrs: &[Attr]) {
        self.out.push('<');
        self.out.push_str(tag);
        for (name, value) in attrs {
            if let Some(v) = value {
                self.out.push(' ');
                self.out.push_str(name);
                self.out.push_str("=\"");
                escape_into(&mut self.out, v);
                self.out.push('"');
            }
        }
        self.out.push('>');
    }

    /// `<tag attrs>…</tag>`, the content written by `body`.
    pub fn el(
        &mut self,
        tag: &'static str,
        attrs: &[Attr],
        body: impl FnOnce(&mut Html),
    ) -> &mut Self {
        self.start(tag, attrs);
        if !VOID.contains(&tag) {
            body(self);
            self.out.push_str("</");
            self.out.push_str(tag);
            self.out.push('>');
        }
        self
    }

    /// `<tag attrs>text</tag>`.
    pub fn text_el(&mut self, tag: &'static str, attrs: &[Attr], text: &str) -> &mut Self {
        self.el(tag, attrs, |h| {
            h.text(text);
        })
    }

    /// An element without content (`meta`, `link`, `img`).
    pub fn void(&mut self, tag: &'static str, attrs: &[Attr]) -> &mut Self {
        debug_assert!(VOID.contains(&tag), "{tag} is not a void element");
        self.start(tag, attrs);
        self
    }

    /// A JSON-LD data block. JSON's own escaping keeps strings inside their
    /// quotes; `<`, `>` and `&` are written as `\u003c`… so no value can end
    /// the script element or open a comment; direction overrides are
    /// written as escapes too (the value is unchanged, the source is plain).
    pub fn json_ld(&mut self, value: &serde_json::Value) -> &mut Self {
        self.out.push_str("<script type=\"application/ld+json\">");
        for c in value.to_string().chars() {
            match c {
                c if matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}') || dropped(c) => {
                    let _ = write!(self.out, "\\u{:04x}", c as u32);
                }
                c => self.out.push(c),
            }
        }
        self.out.push_str("</script>");
        self
    }
}

/// Characters that change the direction of the text after them (embeddings,
/// overrides, isolates): dropped, so a name cannot turn the rest of the page
/// around. Other control characters are not allowed in HTML: dropped too.
fn dropped(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        || (c.is_control() && c != '\n' && c != '\t')
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if dropped(c) => {}
            c => out.push(c),
        }
    }
}

/// A link target a page may carry: `http(s)` addresses, `mailto:` and
/// `tel:`. An address without a scheme (the API takes `example.com/me`) is
/// read as `https://`. Anything else (`javascript:`, `data:`) is no link.
pub fn safe_href(url: &str) -> Option<String> {
    let url = url.trim();
    let head: String = url.chars().take(8).collect::<String>().to_ascii_lowercase();
    if ["http://", "https://", "mailto:", "tel:"]
        .iter()
        .any(|p| head.starts_with(p))
    {
        return Some(url.to_string());
    }
    let authority = url.split(['/', '?', '#']).next().unwrap_or("");
    (!url.is_empty() && !authority.is_empty() && !authority.contains(':'))
        .then(|| format!("https://{url}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_and_attributes_are_escaped() {
        let mut h = Html::new();
        h.el(
            "a",
            &[
                ("href", Some("\"><img src=x onerror=alert(1)>")),
                ("title", None),
            ],
            |h| {
                h.text("<script>alert('x')</script> & \u{202E}evil");
            },
        );
        assert_eq!(
            h.finish(),
            "<a href=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; evil</a>"
        );
    }

    #[test]
    fn json_ld_cannot_close_its_script() {
        let mut h = Html::new();
        h.json_ld(&json!({"name": "</script><script>alert(1)</script><!--"}));
        let out = h.finish();
        assert_eq!(out.matches("</script>").count(), 1);
        assert!(!out.contains("<!--"));
        let inner = &out["<script type=\"application/ld+json\">".len()..out.len() - 9];
        let back: serde_json::Value = serde_json::from_str(inner).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script><!--");
    }

    #[test]
    fn only_web_mail_and_phone_links() {
        assert!(safe_href("https://example.com").is_some());
        assert!(safe_href("HTTP://example.com").is_some());
        assert!(safe_href("mailto:a@b.c").is_some());
        assert_eq!(
            safe_href("example.com/me").as_deref(),
            Some("https://example.com/me")
        );
        assert!(safe_href("javascript:alert(1)").is_none());
        assert!(safe_href("//evil.example").is_none());
        assert!(safe_href(" data:text/html,x").is_none());
    }
}
