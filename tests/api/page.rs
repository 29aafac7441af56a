//! The public HTML page `/u/{username}` (SPEC §4.2): headers, the one 404,
//! ETags, views, escaping, theme and layout, the stylesheets, the download.

use std::time::{Duration, Instant};

use regex::Regex;
use serde_json::{Value, json};

use crate::helpers::*;

/// A résumé with every field filled, each with a value found nowhere else.
fn full_resume(app: &TestApp, jwt: &str) {
    let r = app.patch(
        "/v1/me/profile",
        Cred::Jwt(jwt),
        &json!({"headline": "Headline-HL1", "summary": "Summary-SM1 first.\n\nSecond-SM2 paragraph.",
                "location": "Location-LC1", "public_email": "pub-pe1@example.com", "phone": "+44 20 7946 0001",
                "website": "https://site-ws1.example.com/", "avatar_url": "https://img.example.com/av-1.png",
                "links": [{"network": "Network-NW1", "username": "user-UN1", "url": "https://links.example.com/ln1"}],
                "open_to_work": true, "open_to_work_note": "Note-OT1", "open_to_work_roles": ["Role-OR1", "Role-OR2"]}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let rows = [
        (
            "experience",
            json!({"company": "Company-CO1", "title": "Title-TI1", "start_date": "2019-09",
            "location": "Place-EL1", "url": "https://co-cu1.example.com/", "summary": "ExpSummary-ES1",
            "highlights": ["Highlight-HI1", "Highlight-HI2"]}),
        ),
        (
            "experience",
            json!({"company": "Company-CO2", "title": "Title-TI2", "start_date": "2015-01",
            "end_date": "2019-08"}),
        ),
        (
            "education",
            json!({"institution": "School-IN1", "area": "Area-AR1", "study_type": "Type-ST1",
            "start_date": "2010", "end_date": "2014", "score": "Score-SC1", "courses": ["Course-CC1"]}),
        ),
        (
            "skills",
            json!({"name": "Skill-SK1", "level": "Level-LV1", "years": 7, "category": "Cat-CA1",
            "keywords": ["Keyword-KW1"]}),
        ),
        (
            "projects",
            json!({"name": "Project-PN1", "description": "Desc-PD1", "url": "https://proj-pu1.example.com/",
            "repo_url": "https://repo-pr1.example.com/x", "start_date": "2021-03", "end_date": "2022-04",
            "highlights": ["PHighlight-PH1"], "keywords": ["PKeyword-PK1"]}),
        ),
        (
            "certifications",
            json!({"name": "Cert-CN1", "issuer": "Issuer-CI1", "date": "2020-05",
            "expires": "2099-05", "url": "https://cert-cu1.example.com/", "credential_id": "Cred-CR1"}),
        ),
    ];
    for (section, row) in rows {
        let r = app.post(&format!("/v1/me/{section}"), Cred::Jwt(jwt), &row);
        assert_eq!(r.status, 201, "{}", r.text());
    }
}

fn get(app: &TestApp, path: &str) -> Resp {
    app.get(path, Cred::None)
}

/// The JSON-LD block of a page.
fn json_ld(html: &str) -> Value {
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("JSON-LD")
        + 35;
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

#[test]
fn the_page_shows_every_field_with_its_headers_and_metadata() {
    let app = spawn_app();
    let jwt = app.user("ada");
    full_resume(&app, &jwt);
    let r = get(&app, "/u/ada");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
    let csp = r.header("Content-Security-Policy").unwrap();
    for part in [
        "default-src 'none'",
        "style-src 'self'",
        "img-src https://img.example.com",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'self'",
    ] {
        assert!(csp.split(';').any(|d| d.trim() == part), "{part} in {csp}");
    }
    assert!(!csp.contains("script-src"), "no script may run: {csp}");
    assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
    assert_eq!(r.header("Referrer-Policy"), Some("no-referrer"));
    assert!(r.header("Cache-Control").unwrap().starts_with("public"));
    let etag = r.header("ETag").unwrap();
    assert!(etag.starts_with('"') && etag.ends_with('"'));

    let html = r.text();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert_eq!(html.matches("<h1>").count(), 1);
    for landmark in ["<header", "<main id=\"main\"", "<aside", "<footer"] {
        assert!(html.contains(landmark), "{landmark}");
    }
    for value in [
        "Headline-HL1",
        "<p>Summary-SM1 first.</p><p>Second-SM2 paragraph.</p>",
        "Location-LC1",
        "href=\"mailto:pub-pe1@example.com\"",
        "+44\u{a0}20\u{a0}7946\u{a0}0001",
        "href=\"tel:+442079460001\"",
        "href=\"https://site-ws1.example.com/\"",
        "src=\"https://img.example.com/av-1.png\"",
        "Network-NW1",
        "user-UN1",
        "href=\"https://links.example.com/ln1\"",
        "Open to work",
        "Note-OT1",
        "Role-OR1, Role-OR2",
        "Company-CO1",
        "Title-TI1",
        "Place-EL1",
        "href=\"https://co-cu1.example.com/\"",
        "ExpSummary-ES1",
        "Highlight-HI1",
        "Highlight-HI2",
        "Company-CO2",
        "Title-TI2",
        "School-IN1",
        "Area-AR1",
        "Type-ST1",
        "Score-SC1",
        "Course-CC1",
        "Skill-SK1",
        "Level-LV1",
        "7 yrs",
        "Cat-CA1",
        "Keyword-KW1",
        "Project-PN1",
        "Desc-PD1",
        "href=\"https://proj-pu1.example.com/\"",
        "href=\"https://repo-pr1.example.com/x\"",
        "PHighlight-PH1",
        "PKeyword-PK1",
        "Cert-CN1",
        "Issuer-CI1",
        "href=\"https://cert-cu1.example.com/\"",
        "Cred-CR1",
        // dates as people write them, with durations
        "<time datetime=\"2019-09\">Sep 2019</time> – present · ",
        "<time datetime=\"2015-01\">Jan 2015</time> – <time datetime=\"2019-08\">Aug 2019</time> · <span class=\"duration\">4 yrs 8 mos</span>",
        "<time datetime=\"2010\">2010</time> – <time datetime=\"2014\">2014</time> · <span class=\"duration\">5 yrs</span>",
        "<time datetime=\"2021-03\">Mar 2021</time> – <time datetime=\"2022-04\">Apr 2022</time> · <span class=\"duration\">1 yr 2 mos</span>",
        "Issued <time datetime=\"2020-05\">May 2020</time> · expires <time datetime=\"2099-05\">May 2099</time>",
        // metadata
        "<title>ada Example — Headline-HL1</title>",
        "<meta name=\"description\" content=\"ada Example · Headline-HL1 · Location-LC1. Summary-SM1",
        "<meta property=\"og:type\" content=\"profile\">",
        "<meta property=\"og:title\" content=\"ada Example — Headline-HL1\">",
        "<meta property=\"og:description\"",
        &format!(
            "<meta property=\"og:url\" content=\"http://{}/u/ada\">",
            app.addr
        ),
        &format!(
            "<link rel=\"canonical\" href=\"http://{}/u/ada\">",
            app.addr
        ),
        "<link rel=\"alternate\" type=\"application/json\" title=\"JSON\" href=\"/v1/profiles/ada\">",
        "<link rel=\"alternate\" type=\"application/json\" title=\"JSON Resume\" href=\"/v1/profiles/ada?format=jsonresume\">",
    ] {
        assert!(html.contains(value), "{value} is missing from {html}");
    }
    let ld = json_ld(&html);
    assert_eq!(ld["@type"], "ProfilePage");
    let p = &ld["mainEntity"];
    assert_eq!(p["@type"], "Person");
    assert_eq!(p["name"], "ada Example");
    assert_eq!(p["jobTitle"], "Headline-HL1");
    assert_eq!(p["worksFor"]["name"], "Company-CO1");
    assert_eq!(p["alumniOf"][0]["name"], "School-IN1");
    assert_eq!(p["knowsAbout"], json!(["Skill-SK1"]));
    assert_eq!(p["address"]["addressLocality"], "Location-LC1");
    assert_eq!(
        p["sameAs"],
        json!([
            "https://site-ws1.example.com/",
            "https://links.example.com/ln1"
        ])
    );
    assert_eq!(p["url"], format!("http://{}/u/ada", app.addr));
}

#[test]
fn private_unknown_and_disabled_profiles_answer_the_same_404_page() {
    let app = spawn_app();
    let admin = app.admin("boss");
    let jwt = app.user("ada");
    app.user("bob");
    assert_eq!(get(&app, "/u/ada").status, 200);
    app.patch(
        "/v1/me/profile",
        Cred::Jwt(&jwt),
        &json!({"is_public": false}),
    );
    let private = get(&app, "/u/ada");
    let unknown = get(&app, "/u/nobody");
    let r = app.patch(
        "/v1/admin/users/bob",
        Cred::Jwt(&admin),
        &json!({"is_disabled": true}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let disabled = get(&app, "/u/bob");
    for r in [&private, &unknown, &disabled] {
        assert_eq!(r.status, 404);
        assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
        assert!(
            r.header("Content-Security-Policy")
                .unwrap()
                .contains("default-src 'none'")
        );
        assert!(
            r.text()
                .contains("<meta name=\"robots\" content=\"noindex\">")
        );
        assert!(r.header("ETag").is_none());
    }
    assert_eq!(private.body, unknown.body, "byte-identical");
    assert_eq!(private.body, disabled.body, "byte-identical");
    assert_eq!(get(&app, "/u/ada/resume.json").status, 404);
    assert_eq!(get(&app, "/u/bob/resume.json").status, 404);
    // names no account can have read as unknown, the same page
    let long = format!("/u/{}", "a".repeat(3000));
    for odd in [
        long.as_str(),
        "/u/%00",
        "/u/..%2F..%2Fetc",
        "/u/%E0%A4%95",
        "/u/ada%3Cscript%3E",
    ] {
        let r = get(&app, odd);
        assert_eq!(r.status, 404, "{odd}");
        assert_eq!(r.body, unknown.body, "{odd}");
    }
    // a page is only read
    let r = app.request("POST", "/u/nobody", &[], Some(b"x"));
    assert_eq!(r.status, 405);
}

#[test]
fn etags_revalidate_and_views_count_with_the_referer_host() {
    let app = spawn_app();
    let jwt = app.user("ada");
    app.grant("ada", "pro");
    let first = get(&app, "/u/ada");
    let etag = first.header("ETag").unwrap().to_string();
    assert_eq!(get(&app, "/u/ada").header("ETag"), Some(etag.as_str()));
    let r = app.request(
        "GET",
        "/u/ada",
        &[
            ("If-None-Match", &etag),
            ("Referer", "https://news.example.org/item?id=1"),
        ],
        None,
    );
    assert_eq!(r.status, 304);
    assert!(r.body.is_empty());
    assert_eq!(r.header("ETag"), Some(etag.as_str()));
    assert!(r.header("Content-Security-Policy").is_some());
    // the owner's own read is no view
    app.get("/u/ada", Cred::Jwt(&jwt));
    let views = app.get("/v1/me/analytics?days=1", Cred::Jwt(&jwt)).json()["items"][0]["views"]
        .as_i64()
        .unwrap();
    assert_eq!(views, 3);
    let started = Instant::now();
    loop {
        let i = app.get("/v1/me/insights?days=1", Cred::Jwt(&jwt)).json();
        if i["referrers"]["views"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["host"] == "news.example.org")
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "referer host not recorded: {i}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // a change makes a new page
    app.post("/v1/me/skills", Cred::Jwt(&jwt), &json!({"name": "Rust"}));
    let r = app.request("GET", "/u/ada", &[("If-None-Match", &etag)], None);
    assert_eq!(r.status, 200);
    assert!(r.text().contains("Rust"));
}

const HOSTILE: &str = "\"><img src=x onerror=alert(1)><script>x</script>\u{202E}";

/// The attributes a page may carry: none runs anything.
const ATTRS: &[&str] = &[
    "lang",
    "charset",
    "name",
    "content",
    "property",
    "rel",
    "href",
    "type",
    "title",
    "class",
    "id",
    "aria-label",
    "aria-labelledby",
    "src",
    "alt",
    "width",
    "height",
    "datetime",
    "download",
];

/// Every tag of the document is well formed with quoted, known attributes,
/// and the only script element is the JSON-LD block.
fn assert_markup_is_ours(html: &str) {
    let tag = Regex::new(r#"^<(/?)([a-z][a-z0-9]*)((?: [a-z][a-z:-]*="[^"<>]*")*)>"#).unwrap();
    let attr = Regex::new(r#" ([a-z][a-z:-]*)="[^"]*""#).unwrap();
    let body = html.strip_prefix("<!DOCTYPE html>\n").expect("doctype");
    let mut rest = body;
    let mut scripts = 0;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        let m = tag
            .captures(rest)
            .unwrap_or_else(|| panic!("not a tag of ours: {}", &rest[..rest.len().min(120)]));
        let name = &m[2];
        if name == "script" && m[1].is_empty() {
            scripts += 1;
            assert_eq!(&m[0], "<script type=\"application/ld+json\">");
        }
        for a in attr.captures_iter(&m[3]) {
            assert!(ATTRS.contains(&&a[1]), "attribute {} in {}", &a[1], &m[0]);
        }
        assert!(
            !["iframe", "object", "embed", "form", "base", "style"].contains(&name),
            "{name}"
        );
        rest = &rest[m[0].len()..];
    }
    assert_eq!(scripts, 1, "the JSON-LD block only");
}

#[test]
fn hostile_values_in_every_field_are_text() {
    let app = spawn_app();
    let jwt = app.user("eve");
    let long: String = HOSTILE
        .repeat(5000 / HOSTILE.chars().count() + 1)
        .chars()
        .take(5000)
        .collect();
    let url = "https://example.com/\"><script>alert(1)</script>";
    let skills: Vec<Value> = (0..100)
        .map(|i| json!({"name": format!("{i}{HOSTILE}"), "level": HOSTILE, "keywords": [HOSTILE]}))
        .collect();
    let doc = json!({
        "basics": {"name": HOSTILE, "label": HOSTILE, "summary": long, "phone": HOSTILE,
                   "url": url, "image": "https://img.example.com/a.png\"onerror=\"alert(1)",
                   "location": {"city": HOSTILE},
                   "profiles": [{"network": HOSTILE, "username": HOSTILE, "url": url}]},
        "work": [{"name": HOSTILE, "position": HOSTILE, "location": HOSTILE, "url": url, "summary": long,
                  "startDate": "2020-01", "highlights": [HOSTILE]}],
        "education": [{"institution": HOSTILE, "area": HOSTILE, "studyType": HOSTILE, "score": HOSTILE,
                       "courses": [HOSTILE]}],
        "skills": skills,
        "projects": [{"name": HOSTILE, "description": long, "url": url, "repoUrl": url,
                      "highlights": [HOSTILE], "keywords": [HOSTILE]}],
        "certificates": [{"name": HOSTILE, "issuer": HOSTILE, "url": url, "credentialId": HOSTILE}],
    });
    let r = app.call("PUT", "/v1/me/resume", Cred::Jwt(&jwt), Some(&doc));
    assert_eq!(r.status, 200, "{}", r.text());
    let r = app.patch(
        "/v1/me/profile",
        Cred::Jwt(&jwt),
        &json!({"open_to_work": true, "open_to_work_note": HOSTILE, "open_to_work_roles": [HOSTILE]}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = get(&app, "/u/eve");
    assert_eq!(r.status, 200);
    let html = r.text();
    assert_markup_is_ours(&html);
    assert!(!html.contains("<script>"));
    assert!(!html.contains("<img src=x"));
    assert!(
        !html.contains('\u{202E}'),
        "direction overrides are dropped"
    );
    assert!(
        html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;x&lt;/script&gt;")
    );
    assert_eq!(html.matches("class=\"skill\"").count(), 100);
    // the avatar's quote stays inside its attribute, and its origin alone is allowed
    assert!(html.contains("src=\"https://img.example.com/a.png&quot;onerror=&quot;alert(1)\""));
    assert!(
        r.header("Content-Security-Policy")
            .unwrap()
            .contains("img-src https://img.example.com;")
    );
    let ld = json_ld(&html);
    assert_eq!(ld["mainEntity"]["name"], HOSTILE);
}

#[test]
fn theme_and_layout_are_honoured_and_a_lapsed_plan_falls_back_to_classic() {
    let app = spawn_app();
    let jwt = app.user("ada");
    full_resume(&app, &jwt);
    let classic = get(&app, "/u/ada").text();
    assert!(classic.contains("<body class=\"theme-classic\">"));
    assert!(classic.contains("href=\"/assets/theme-classic-"));
    app.grant("ada", "pro");
    let r = app.call(
        "PUT",
        "/v1/me/theme",
        Cred::Jwt(&jwt),
        Some(&json!({"theme": "modern"})),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let layout = json!({"sections": [
        {"name": "skills", "visible": true}, {"name": "projects", "visible": true},
        {"name": "experience", "visible": true}, {"name": "education", "visible": false},
        {"name": "certifications", "visible": true}]});
    let r = app.call("PUT", "/v1/me/layout", Cred::Jwt(&jwt), Some(&layout));
    assert_eq!(r.status, 200, "{}", r.text());
    let html = get(&app, "/u/ada").text();
    assert!(html.contains("<body class=\"theme-modern\">"));
    assert!(html.contains("href=\"/assets/theme-modern-"));
    assert!(
        !html.contains("School-IN1"),
        "a hidden section is not shown"
    );
    // modern keeps skills in its sidebar, before the main column
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("{s}"));
    assert!(at("class=\"sidebar\"") < at("sec-skills") && at("sec-skills") < at("<main"));
    assert!(
        at("sec-projects") < at("sec-experience")
            && at("sec-experience") < at("sec-certifications")
    );
    for theme in ["minimal", "elegant", "terminal", "classic"] {
        app.call(
            "PUT",
            "/v1/me/theme",
            Cred::Jwt(&jwt),
            Some(&json!({"theme": theme})),
        );
        let html = get(&app, "/u/ada").text();
        assert!(
            html.contains(&format!("<body class=\"theme-{theme}\">")),
            "{theme}"
        );
        let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("{s}"));
        assert!(at("sec-skills") < at("sec-projects") && at("sec-projects") < at("sec-experience"));
    }
    // the plan ends: a premium theme falls back to classic
    app.call(
        "PUT",
        "/v1/me/theme",
        Cred::Jwt(&jwt),
        Some(&json!({"theme": "terminal"})),
    );
    let db = open_db(&app.db_path());
    db.execute("UPDATE grants SET expires_on = '2000-01-01'", [])
        .unwrap();
    let html = get(&app, "/u/ada").text();
    assert!(
        html.contains("<body class=\"theme-classic\">"),
        "falls back to classic"
    );
}

#[test]
fn stylesheets_are_immutable_and_named_by_hash() {
    let app = spawn_app();
    app.user("ada");
    let html = get(&app, "/u/ada").text();
    let href = Regex::new(r#"href="(/assets/theme-classic-[0-9a-f]{16}\.css)""#)
        .unwrap()
        .captures(&html)
        .expect("a hashed stylesheet")[1]
        .to_string();
    let css = get(&app, &href);
    assert_eq!(css.status, 200);
    assert_eq!(css.header("Content-Type"), Some("text/css; charset=utf-8"));
    assert_eq!(
        css.header("Cache-Control"),
        Some("public, max-age=31536000, immutable")
    );
    let text = css.text();
    for rule in [
        "@media print",
        "break-inside: avoid",
        "page-break-inside: avoid",
        "prefers-color-scheme: dark",
        "attr(href)",
        "@page",
    ] {
        assert!(text.contains(rule), "{rule}");
    }
    assert!(
        !text.contains("@import") && !text.contains("url("),
        "nothing from elsewhere"
    );
    assert_eq!(
        get(&app, "/assets/theme-classic-0000000000000000.css").status,
        404
    );
    assert_eq!(get(&app, "/assets/../Cargo.toml").status, 404);
}

#[test]
fn resume_json_is_a_json_resume_download() {
    let app = spawn_app();
    let jwt = app.user("ada");
    full_resume(&app, &jwt);
    let r = get(&app, "/u/ADA/resume.json");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    assert_eq!(
        r.header("Content-Disposition"),
        Some("attachment; filename=\"ada.resume.json\"")
    );
    let doc = r.json();
    assert_eq!(doc["basics"]["label"], "Headline-HL1");
    assert_eq!(doc["work"][0]["name"], "Company-CO1");
    assert_eq!(doc, get(&app, "/v1/profiles/ada?format=jsonresume").json());
    let etag = r.header("ETag").unwrap().to_string();
    let again = app.request(
        "GET",
        "/u/ada/resume.json",
        &[("If-None-Match", &etag)],
        None,
    );
    assert_eq!(again.status, 304);
}

#[test]
fn the_browser_suite_is_a_script_of_its_own() {
    suite_not_run_here(
        "tests/browser/run",
        "the browser suites (the public page in every theme in Chromium, the dashboard)",
        "/usr/bin/chromium",
    );
}
