//! The five sections of the public page, one template each, and the dates
//! as people write them ("Sep 2019 – present · 5 yrs 3 mos").

use serde_json::Value;

use super::html::{Html, safe_href};
use crate::ask::dates;

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

fn list<'a>(v: &'a Value, key: &str) -> Vec<&'a str> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .filter(|s| !s.trim().is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// One section of the public JSON: `{name, label, items}`.
pub fn section(h: &mut Html, sec: &Value, today: i64) {
    let name = sec["name"].as_str().unwrap_or_default();
    let items: Vec<&Value> = sec["items"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    if items.is_empty() {
        return;
    }
    let id = format!("sec-{name}");
    let class = format!("section {name}");
    h.el(
        "section",
        &[("class", Some(&class)), ("aria-labelledby", Some(&id))],
        |h| {
            h.text_el(
                "h2",
                &[("id", Some(&id))],
                sec["label"].as_str().unwrap_or(name),
            );
            if name == "skills" {
                h.el("ul", &[("class", Some("skills-list"))], |h| {
                    for item in &items {
                        skill(h, item);
                    }
                });
                return;
            }
            for item in &items {
                h.el("article", &[("class", Some("entry"))], |h| match name {
                    "experience" => experience(h, item, today),
                    "education" => education(h, item, today),
                    "projects" => project(h, item, today),
                    "certifications" => certification(h, item, today),
                    _ => {}
                });
            }
        },
    );
}

/// The text of a long field, a paragraph per blank-line-separated block.
pub fn paragraphs(h: &mut Html, text: &str) {
    for block in text.split("\n\n").map(str::trim).filter(|b| !b.is_empty()) {
        h.text_el("p", &[], block);
    }
}

fn bullets(h: &mut Html, class: &'static str, items: &[&str]) {
    if items.is_empty() {
        return;
    }
    h.el("ul", &[("class", Some(class))], |h| {
        for i in items {
            h.text_el("li", &[], i);
        }
    });
}

fn tags(h: &mut Html, items: &[&str]) {
    if items.is_empty() {
        return;
    }
    h.el("ul", &[("class", Some("tags"))], |h| {
        for i in items {
            h.text_el("li", &[], i);
        }
    });
}

/// `<h3>` with the title, a link when the entry has a web address.
fn title(h: &mut Html, text: &str, url: Option<&str>) {
    h.el("h3", &[], |h| match url.and_then(safe_href) {
        Some(href) => {
            h.text_el("a", &[("href", Some(&href))], text);
        }
        None => {
            h.text(text);
        }
    });
}

fn time(h: &mut Html, date: &str) {
    let valid = crate::time::parse_partial_date(date).is_some();
    h.text_el(
        "time",
        &[("datetime", valid.then_some(date))],
        &dates::human(date),
    );
}

/// "5 yrs 3 mos", "1 yr", "4 mos", "1 mo".
pub fn short_duration(days: i64) -> String {
    let m = dates::months(days).max(1);
    let (y, m) = (m / 12, m % 12);
    let unit = |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match (y, m) {
        (0, m) => unit(m, "mo", "mos"),
        (y, 0) => unit(y, "yr", "yrs"),
        (y, m) => format!("{} {}", unit(y, "yr", "yrs"), unit(m, "mo", "mos")),
    }
}

/// "Sep 2019 – present · 5 yrs 3 mos" as `<p class="when">`.
fn when(h: &mut Html, start: Option<&str>, end: Option<&str>, today: i64) {
    if start.is_none() && end.is_none() {
        return;
    }
    h.el("p", &[("class", Some("when"))], |h| {
        match (start, end) {
            (Some(a), Some(b)) => {
                time(h, a);
                h.raw(" – ");
                time(h, b);
            }
            (Some(a), None) => {
                time(h, a);
                h.raw(" – present");
            }
            (None, Some(b)) => {
                h.raw("until ");
                time(h, b);
            }
            (None, None) => {}
        }
        if let Some(span) = dates::span(start, end, today) {
            h.raw(" · ");
            h.text_el(
                "span",
                &[("class", Some("duration"))],
                &short_duration(span.end - span.start + 1),
            );
        }
    });
}

fn meta(h: &mut Html, parts: &[&str]) {
    if parts.is_empty() {
        return;
    }
    h.text_el("p", &[("class", Some("meta"))], &parts.join(" · "));
}

fn experience(h: &mut Html, e: &Value, today: i64) {
    h.el("header", &[], |h| {
        title(h, s(e, "title").unwrap_or_default(), None);
        h.el("p", &[("class", Some("meta"))], |h| {
            match (s(e, "company"), s(e, "url").and_then(safe_href)) {
                (Some(c), Some(href)) => {
                    h.text_el("a", &[("class", Some("org")), ("href", Some(&href))], c);
                }
                (Some(c), None) => {
                    h.text_el("span", &[("class", Some("org"))], c);
                }
                _ => {}
            }
            if let Some(l) = s(e, "location") {
                h.raw(" · ");
                h.text_el("span", &[("class", Some("place"))], l);
            }
        });
        when(h, s(e, "start_date"), s(e, "end_date"), today);
    });
    if let Some(text) = s(e, "summary") {
        paragraphs(h, text);
    }
    bullets(h, "highlights", &list(e, "highlights"));
}

fn education(h: &mut Html, e: &Value, today: i64) {
    h.el("header", &[], |h| {
        title(h, s(e, "institution").unwrap_or_default(), None);
        let mut parts = Vec::new();
        parts.extend(s(e, "study_type"));
        parts.extend(s(e, "area"));
        meta(h, &parts);
        when(h, s(e, "start_date"), s(e, "end_date"), today);
    });
    if let Some(score) = s(e, "score") {
        h.el("p", &[("class", Some("score"))], |h| {
            h.raw("Score: ");
            h.text(score);
        });
    }
    let courses = list(e, "courses");
    if !courses.is_empty() {
        h.el("p", &[("class", Some("courses"))], |h| {
            h.raw("Courses: ");
            h.text(&courses.join(", "));
        });
    }
}

fn project(h: &mut Html, e: &Value, today: i64) {
    h.el("header", &[], |h| {
        title(h, s(e, "name").unwrap_or_default(), s(e, "url"));
        when(h, s(e, "start_date"), s(e, "end_date"), today);
    });
    if let Some(text) = s(e, "description") {
        paragraphs(h, text);
    }
    bullets(h, "highlights", &list(e, "highlights"));
    tags(h, &list(e, "keywords"));
    if let Some(href) = s(e, "repo_url").and_then(safe_href) {
        h.el("p", &[("class", Some("repo"))], |h| {
            h.raw("Source: ");
            h.text_el("a", &[("href", Some(&href))], &href);
        });
    }
}

fn certification(h: &mut Html, e: &Value, today: i64) {
    h.el("header", &[], |h| {
        title(h, s(e, "name").unwrap_or_default(), s(e, "url"));
        meta(h, &s(e, "issuer").into_iter().collect::<Vec<_>>());
    });
    let (date, expires) = (s(e, "date"), s(e, "expires"));
    if date.is_some() || expires.is_some() {
        h.el("p", &[("class", Some("when"))], |h| {
            if let Some(d) = date {
                h.raw("Issued ");
                time(h, d);
            }
            if let Some(x) = expires {
                if date.is_some() {
                    h.raw(" · ");
                }
                h.raw(if dates::is_past(x, today) {
                    "expired "
                } else {
                    "expires "
                });
                time(h, x);
            }
        });
    }
    if let Some(id) = s(e, "credential_id") {
        h.el("p", &[("class", Some("credential"))], |h| {
            h.raw("Credential ");
            h.text(id);
        });
    }
}

fn skill(h: &mut Html, k: &Value) {
    h.el("li", &[("class", Some("skill"))], |h| {
        h.text_el(
            "span",
            &[("class", Some("skill-name"))],
            s(k, "name").unwrap_or_default(),
        );
        let mut parts: Vec<String> = Vec::new();
        parts.extend(s(k, "level").map(str::to_string));
        if let Some(y) = k.get("years").and_then(Value::as_i64) {
            parts.push(format!("{y} {}", if y == 1 { "yr" } else { "yrs" }));
        }
        parts.extend(s(k, "category").map(str::to_string));
        if !parts.is_empty() {
            h.raw(" ");
            h.text_el(
                "span",
                &[("class", Some("skill-level"))],
                &parts.join(" · "),
            );
        }
        tags(h, &list(k, "keywords"));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_short() {
        assert_eq!(short_duration(10), "1 mo");
        assert_eq!(short_duration(365), "1 yr");
        assert_eq!(short_duration(365 * 5 + 92), "5 yrs 3 mos");
        assert_eq!(short_duration(61), "2 mos");
    }
}
