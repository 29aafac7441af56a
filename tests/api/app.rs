//! The dashboard `/app` (SPEC §10) as the server serves it: one shell for
//! every deep link, a strict CSP, hashed assets cached for a year, 404 for
//! the rest; and the public page framed by the dashboard's preview counts no
//! view.

use regex::Regex;

use crate::helpers::*;

/// The shell's module and stylesheet addresses.
fn asset_paths(html: &str) -> Vec<String> {
    let re =
        Regex::new(r#"(?:src|href)="(/app/assets/[0-9a-f]{16}/[a-z_/]+\.(?:js|css))""#).unwrap();
    re.captures_iter(html).map(|c| c[1].to_string()).collect()
}

#[test]
fn every_deep_link_answers_the_shell_with_a_strict_csp() {
    let app = spawn_app();
    let first = app.get("/app", Cred::None);
    assert_eq!(first.status, 200);
    assert_eq!(
        first.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(first.header("Cache-Control"), Some("no-cache"));
    assert_eq!(first.header("X-Content-Type-Options"), Some("nosniff"));
    let csp = first.header("Content-Security-Policy").unwrap();
    for part in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "frame-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'none'",
        "base-uri 'none'",
    ] {
        assert!(csp.split(';').any(|d| d.trim() == part), "{part} in {csp}");
    }
    assert!(
        !csp.contains("unsafe"),
        "no unsafe-inline or unsafe-eval: {csp}"
    );
    let html = first.text();
    assert!(
        !Regex::new(r"<script(?: [^>]*)?>[^<]")
            .unwrap()
            .is_match(&html),
        "no inline script: {html}"
    );
    assert!(!html.contains(" style="), "no inline style: {html}");
    assert_eq!(asset_paths(&html).len(), 2, "{html}");
    for path in [
        "/app/skills",
        "/app/admin/users",
        "/app/admin/users/ada",
        "/app/transcripts/0b5c3c4e-1111-4222-8333-944455556666",
        "/app/signin?next=x",
    ] {
        let r = app.get(path, Cred::None);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.text(), html, "{path} answers the same shell");
        assert_eq!(r.header("Content-Security-Policy"), Some(csp));
    }
    // HEAD as GET; other methods are refused with Allow
    let head = app.request("HEAD", "/app/profile", &[], None);
    assert_eq!(head.status, 200);
    let post = app.post("/app/profile", Cred::None, &serde_json::json!({}));
    assert_eq!(post.status, 405);
    assert_eq!(post.header("Allow"), Some("GET"));
    // deeper than any screen, or an empty segment: not the shell
    assert_eq!(app.get("/app/a/b/c/d", Cred::None).status, 404);
    assert_eq!(app.get("/app/", Cred::None).status, 404);
    assert_eq!(app.get("/apps", Cred::None).status, 404);
    // under /app/assets/ only the files of the current folder exist: no shell there
    assert_eq!(app.get("/app/assets/x", Cred::None).status, 404);
}

#[test]
fn assets_are_hashed_immutable_and_only_the_current_ones_exist() {
    let app = spawn_app();
    let html = app.get("/app", Cred::None).text();
    let paths = asset_paths(&html);
    for path in &paths {
        let r = app.get(path, Cred::None);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(
            r.header("Cache-Control"),
            Some("public, max-age=31536000, immutable")
        );
        let want = if path.ends_with(".js") {
            "text/javascript; charset=utf-8"
        } else {
            "text/css; charset=utf-8"
        };
        assert_eq!(r.header("Content-Type"), Some(want), "{path}");
        assert!(!r.text().is_empty());
    }
    let main = paths.iter().find(|p| p.ends_with("/main.js")).unwrap();
    let folder = main.trim_end_matches("main.js");
    // the modules main.js imports, by relative path, are there too
    let js = app.get(main, Cred::None).text();
    let imports = Regex::new(r#"from "\./([a-z_/]+\.js)""#).unwrap();
    let mut seen = 0;
    for c in imports.captures_iter(&js) {
        let r = app.get(&format!("{folder}{}", &c[1]), Cred::None);
        assert_eq!(r.status, 200, "{}", &c[1]);
        seen += 1;
    }
    assert!(seen >= 10, "main.js imports the views: {seen}");
    // no eval, no Function constructor, no markup from strings in any module
    for c in imports.captures_iter(&js) {
        let body = app.get(&format!("{folder}{}", &c[1]), Cred::None).text();
        for bad in [
            "eval(",
            "new Function",
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
        ] {
            assert!(!body.contains(bad), "{} uses {bad}", &c[1]);
        }
    }
    // another hash, an unknown file, a path out of the folder: 404 problems
    for path in [
        main.replace(&folder[12..28], "0000000000000000"),
        format!("{folder}nope.js"),
        format!("{folder}../main.js"),
        format!("{folder}views/../main.js"),
        "/app/assets/main.js".to_string(),
    ] {
        let r = app.get(&path, Cred::None);
        assert_eq!(r.status, 404, "{path}");
        r.problem(404, "not_found");
    }
}

#[test]
fn the_dashboards_preview_frame_counts_no_view() {
    let app = spawn_app();
    let jwt = app.user("ada");
    let frame = [
        ("Sec-Fetch-Dest", "iframe"),
        ("Sec-Fetch-Site", "same-origin"),
    ];
    assert_eq!(app.request("GET", "/u/ada", &frame, None).status, 200);
    // a frame on another site, and a plain visit, count
    let cross = [
        ("Sec-Fetch-Dest", "iframe"),
        ("Sec-Fetch-Site", "cross-site"),
    ];
    assert_eq!(app.request("GET", "/u/ada", &cross, None).status, 200);
    assert_eq!(app.get("/u/ada", Cred::None).status, 200);
    let views = app.get("/v1/me/analytics?days=1", Cred::Jwt(&jwt)).json()["items"][0]["views"]
        .as_i64()
        .unwrap();
    assert_eq!(views, 2);
    let csp = app.get("/u/ada", Cred::None);
    let csp = csp.header("Content-Security-Policy").unwrap();
    assert!(csp.contains("frame-ancestors 'self'"), "{csp}");
}
