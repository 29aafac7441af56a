//! The public page (SPEC §4.2): one HTML5 document, no JavaScript, built from
//! the public JSON rendering (so it shows exactly what `/v1/profiles/{username}`
//! shows: the visible sections, in layout order) and the owner's theme.

use serde_json::{Value, json};

use super::html::{Html, safe_href};
use super::{assets, sections};

/// What a page is made of besides the résumé.
pub struct Context<'a> {
    /// The theme id (already checked against the owner's plan).
    pub theme: &'static str,
    /// `scheme://host` of this server as the request named it, for the
    /// absolute addresses of `canonical`, `og:url` and JSON-LD.
    pub origin: &'a str,
    /// Days since 1970-01-01: durations of open periods run to today.
    pub today: i64,
}

pub struct Page {
    pub html: String,
    /// The avatar's origin when one is shown, for `img-src`.
    pub img_origin: Option<String>,
}

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

/// `https://host[:port]` of an https avatar; anything else is not shown
/// (an http image would be mixed content; a data: URL is not an avatar).
pub fn avatar_origin(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let ok = !authority.is_empty()
        && !authority.contains('@')
        && authority
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':'));
    ok.then(|| format!("https://{}", authority.to_ascii_lowercase()))
}

pub fn render(resume: &Value, cx: &Context) -> Page {
    let username = s(resume, "username").unwrap_or_default();
    let name = s(resume, "full_name").unwrap_or(username);
    let p = &resume["profile"];
    let headline = s(p, "headline");
    let summary = s(p, "summary");
    let canonical = format!("{}/u/{username}", cx.origin);
    let title = shorten(
        &match headline {
            Some(h) => format!("{name} — {h}"),
            None => format!("{name} — Résumé"),
        },
        70,
    );
    let description = description(name, p);
    let avatar = s(p, "avatar_url").and_then(|u| avatar_origin(u).map(|o| (u, o)));
    let shown: Vec<&Value> = resume["sections"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let sidebar = cx.theme == "modern";
    let json_path = format!("/v1/profiles/{username}");
    let jr_path = format!("/v1/profiles/{username}?format=jsonresume");
    let download = format!("/u/{username}/resume.json");
    let file = format!("{username}.resume.json");

    let mut h = Html::new();
    h.raw("<!DOCTYPE html>\n");
    h.el("html", &[("lang", Some("en"))], |h| {
        h.el("head", &[], |h| {
            head_start(h);
            h.text_el("title", &[], &title);
            h.void(
                "meta",
                &[
                    ("name", Some("description")),
                    ("content", Some(&description)),
                ],
            );
            h.void(
                "link",
                &[("rel", Some("canonical")), ("href", Some(&canonical))],
            );
            h.void(
                "link",
                &[
                    ("rel", Some("alternate")),
                    ("type", Some("application/json")),
                    ("title", Some("JSON")),
                    ("href", Some(&json_path)),
                ],
            );
            h.void(
                "link",
                &[
                    ("rel", Some("alternate")),
                    ("type", Some("application/json")),
                    ("title", Some("JSON Resume")),
                    ("href", Some(&jr_path)),
                ],
            );
            for (property, content) in [
                ("og:type", "profile"),
                ("og:title", title.as_str()),
                ("og:description", description.as_str()),
                ("og:url", canonical.as_str()),
                ("profile:username", username),
            ] {
                h.void(
                    "meta",
                    &[("property", Some(property)), ("content", Some(content))],
                );
            }
            if let Some((url, _)) = &avatar {
                h.void(
                    "meta",
                    &[("property", Some("og:image")), ("content", Some(url))],
                );
            }
            h.void(
                "link",
                &[
                    ("rel", Some("stylesheet")),
                    ("href", Some(assets::theme_path(cx.theme))),
                ],
            );
            h.json_ld(&json_ld(resume, name, &canonical));
        });
        let body_class = format!("theme-{}", cx.theme);
        h.el("body", &[("class", Some(&body_class))], |h| {
            h.el(
                "a",
                &[("class", Some("skip")), ("href", Some("#main"))],
                |h| {
                    h.raw("Skip to the résumé");
                },
            );
            h.el("div", &[("class", Some("page"))], |h| {
                masthead(h, name, p, avatar.as_ref().map(|(u, _)| *u));
                let (class, label) = if sidebar {
                    ("sidebar", "Contact and skills")
                } else {
                    ("contact-box", "Contact")
                };
                h.el(
                    "aside",
                    &[("class", Some(class)), ("aria-label", Some(label))],
                    |h| {
                        contact(h, p, username);
                        if sidebar {
                            for sec in shown.iter().filter(|s| s["name"] == "skills") {
                                sections::section(h, sec, cx.today);
                            }
                        }
                    },
                );
                h.el("main", &[("id", Some("main"))], |h| {
                    if let Some(text) = summary {
                        h.el(
                            "section",
                            &[
                                ("class", Some("summary")),
                                ("aria-labelledby", Some("about")),
                            ],
                            |h| {
                                h.el("h2", &[("id", Some("about"))], |h| {
                                    h.raw("About");
                                });
                                sections::paragraphs(h, text);
                            },
                        );
                    }
                    for sec in &shown {
                        if sidebar && sec["name"] == "skills" {
                            continue;
                        }
                        sections::section(h, sec, cx.today);
                    }
                });
                h.el("footer", &[], |h| {
                    h.el("p", &[], |h| {
                        h.raw("This résumé as ");
                        h.text_el(
                            "a",
                            &[
                                ("href", Some(&json_path)),
                                ("type", Some("application/json")),
                            ],
                            "JSON",
                        );
                        h.raw(" · ");
                        h.text_el(
                            "a",
                            &[
                                ("href", Some(&download)),
                                ("download", Some(&file)),
                                ("type", Some("application/json")),
                            ],
                            "JSON Resume",
                        );
                        h.raw(" · Published with RESTume");
                    });
                });
            });
        });
    });
    Page {
        html: h.finish(),
        img_origin: avatar.map(|(_, o)| o),
    }
}

/// The header: avatar, name (the one `h1`), headline, location, open to work.
/// What every page of `/u/…` opens its `<head>` with: the encoding, the
/// phone-width viewport, and light and dark schemes.
pub(super) fn head_start(h: &mut Html) {
    h.void("meta", &[("charset", Some("utf-8"))]);
    h.void(
        "meta",
        &[
            ("name", Some("viewport")),
            ("content", Some("width=device-width, initial-scale=1")),
        ],
    );
    h.void(
        "meta",
        &[
            ("name", Some("color-scheme")),
            ("content", Some("light dark")),
        ],
    );
}

fn masthead(h: &mut Html, name: &str, p: &Value, avatar: Option<&str>) {
    h.el("header", &[("class", Some("masthead"))], |h| {
        if let Some(url) = avatar {
            h.void(
                "img",
                &[
                    ("class", Some("avatar")),
                    ("src", Some(url)),
                    ("alt", Some("")),
                    ("width", Some("96")),
                    ("height", Some("96")),
                ],
            );
        }
        h.el("div", &[("class", Some("identity"))], |h| {
            h.text_el("h1", &[], name);
            if let Some(headline) = s(p, "headline") {
                h.text_el("p", &[("class", Some("headline"))], headline);
            }
            if let Some(location) = s(p, "location") {
                h.text_el("p", &[("class", Some("location"))], location);
            }
        });
        if p["open_to_work"] == true {
            h.el("p", &[("class", Some("open-to-work"))], |h| {
                h.el("strong", &[], |h| {
                    h.raw("Open to work");
                });
                let roles: Vec<&str> = p["open_to_work_roles"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                if !roles.is_empty() {
                    h.raw(": ");
                    h.text(&roles.join(", "));
                }
                if let Some(note) = s(p, "open_to_work_note") {
                    h.raw(" — ");
                    h.text(note);
                }
            });
        }
    });
}

/// Public email, phone, website and links.
fn contact(h: &mut Html, p: &Value, username: &str) {
    let links: Vec<&Value> = p["links"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let any = ["public_email", "phone", "website"]
        .iter()
        .any(|k| s(p, k).is_some())
        || !links.is_empty();
    if !any {
        return;
    }
    h.el(
        "section",
        &[
            ("class", Some("contact")),
            ("aria-labelledby", Some("contact")),
        ],
        |h| {
            h.el("h2", &[("id", Some("contact"))], |h| {
                h.raw("Contact");
            });
            h.el("ul", &[], |h| {
                if let Some(email) = s(p, "public_email") {
                    let href = format!("mailto:{email}");
                    item(h, "Email", email, Some(&href));
                }
                if let Some(phone) = s(p, "phone") {
                    let digits: String = phone
                        .chars()
                        .filter(|c| c.is_ascii_digit() || *c == '+')
                        .collect();
                    let href = format!("tel:{digits}");
                    // a number is not broken across lines
                    let shown = phone.replace(' ', "\u{a0}");
                    item(
                        h,
                        "Phone",
                        &shown,
                        (!digits.is_empty()).then_some(href.as_str()),
                    );
                }
                if let Some(site) = s(p, "website") {
                    let href = safe_href(site);
                    item(h, "Website", site, href.as_deref());
                }
                for link in links {
                    let url = s(link, "url");
                    let label = s(link, "network").unwrap_or("Link");
                    let shown = s(link, "username").or(url).unwrap_or(username);
                    let href = url.and_then(safe_href);
                    item(h, label, shown, href.as_deref());
                }
            });
        },
    );
}

fn item(h: &mut Html, label: &str, text: &str, href: Option<&str>) {
    h.el("li", &[], |h| {
        h.text_el("span", &[("class", Some("label"))], label);
        h.raw(" ");
        match href {
            Some(href) => h.text_el(
                "a",
                &[("href", Some(href)), ("rel", Some("me noopener"))],
                text,
            ),
            None => h.text_el("span", &[], text),
        };
    });
}

/// The meta description: headline, location and the start of the summary,
/// at most 200 characters.
fn description(name: &str, p: &Value) -> String {
    let mut parts = vec![name.to_string()];
    parts.extend(s(p, "headline").map(str::to_string));
    parts.extend(s(p, "location").map(str::to_string));
    let mut d = parts.join(" · ");
    if let Some(summary) = s(p, "summary") {
        d.push_str(". ");
        d.push_str(summary);
    }
    shorten(&d.split_whitespace().collect::<Vec<_>>().join(" "), 200)
}

/// At most `max` characters, with "…" when cut.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    s.chars().take(max - 1).collect::<String>() + "…"
}

fn items<'a>(resume: &'a Value, section: &str) -> Vec<&'a Value> {
    resume["sections"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["name"] == section)
        .flat_map(|s| s["items"].as_array().into_iter().flatten())
        .collect()
}

/// schema.org: a `ProfilePage` whose `mainEntity` is the `Person`.
pub fn json_ld(resume: &Value, name: &str, url: &str) -> Value {
    let p = &resume["profile"];
    let jobs = items(resume, "experience");
    let current = jobs
        .iter()
        .find(|j| s(j, "end_date").is_none())
        .or(jobs.first());
    let mut person = json!({"@type": "Person", "name": name, "url": url});
    let o = person.as_object_mut().expect("an object");
    let job_title = s(p, "headline").or_else(|| current.and_then(|j| s(j, "title")));
    if let Some(t) = job_title {
        o.insert("jobTitle".into(), json!(t));
    }
    if let Some(j) = current.and_then(|j| s(j, "company")) {
        o.insert(
            "worksFor".into(),
            json!({"@type": "Organization", "name": j}),
        );
    }
    let schools: Vec<Value> = items(resume, "education")
        .iter()
        .filter_map(|e| s(e, "institution"))
        .map(|i| json!({"@type": "EducationalOrganization", "name": i}))
        .collect();
    if !schools.is_empty() {
        o.insert("alumniOf".into(), json!(schools));
    }
    let skills: Vec<&str> = items(resume, "skills")
        .iter()
        .filter_map(|k| s(k, "name"))
        .collect();
    if !skills.is_empty() {
        o.insert("knowsAbout".into(), json!(skills));
    }
    if let Some(l) = s(p, "location") {
        o.insert(
            "address".into(),
            json!({"@type": "PostalAddress", "addressLocality": l}),
        );
    }
    let mut same_as: Vec<String> = s(p, "website").and_then(safe_href).into_iter().collect();
    same_as.extend(
        p["links"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|l| s(l, "url").and_then(safe_href)),
    );
    if !same_as.is_empty() {
        o.insert("sameAs".into(), json!(same_as));
    }
    if let Some(e) = s(p, "public_email") {
        o.insert("email".into(), json!(e));
    }
    if let Some(d) = s(p, "summary") {
        o.insert("description".into(), json!(d));
    }
    if let Some(a) = s(p, "avatar_url").filter(|a| avatar_origin(a).is_some()) {
        o.insert("image".into(), json!(a));
    }
    json!({"@context": "https://schema.org", "@type": "ProfilePage", "url": url, "mainEntity": person})
}
