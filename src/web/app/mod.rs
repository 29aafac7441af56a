//! The dashboard `/app` (SPEC §10): one HTML shell for every deep link, and
//! the ES modules and stylesheet it loads, built into the binary. The files
//! are plain JavaScript modules (no bundler, no build step): they import one
//! another by relative path, so they are served together under one folder
//! whose name is the hash of them all, `/app/assets/<hash>/main.js`. Any
//! change to any file gives every file a new address, so each may be cached
//! for a year while the shell itself is revalidated on every load.

use std::sync::OnceLock;

use crate::web::assets::content_hash;

/// Every file of the dashboard: its name under the hashed folder and its bytes.
const FILES: &[(&str, &str)] = &[
    ("app.css", include_str!("assets/app.css")),
    ("main.js", include_str!("assets/main.js")),
    ("api.js", include_str!("assets/api.js")),
    ("dom.js", include_str!("assets/dom.js")),
    ("form.js", include_str!("assets/form.js")),
    ("markdown.js", include_str!("assets/markdown.js")),
    ("chart.js", include_str!("assets/chart.js")),
    ("views/auth.js", include_str!("assets/views/auth.js")),
    ("views/home.js", include_str!("assets/views/home.js")),
    ("views/profile.js", include_str!("assets/views/profile.js")),
    (
        "views/sections.js",
        include_str!("assets/views/sections.js"),
    ),
    ("views/resume.js", include_str!("assets/views/resume.js")),
    ("views/keys.js", include_str!("assets/views/keys.js")),
    (
        "views/appearance.js",
        include_str!("assets/views/appearance.js"),
    ),
    (
        "views/analytics.js",
        include_str!("assets/views/analytics.js"),
    ),
    (
        "views/insights.js",
        include_str!("assets/views/insights.js"),
    ),
    ("views/plan.js", include_str!("assets/views/plan.js")),
    ("views/account.js", include_str!("assets/views/account.js")),
    ("views/admin.js", include_str!("assets/views/admin.js")),
    (
        "views/admin_users.js",
        include_str!("assets/views/admin_users.js"),
    ),
    (
        "views/admin_blog.js",
        include_str!("assets/views/admin_blog.js"),
    ),
];

/// The shell and the hashed folder are the same for the life of the process.
struct Bundle {
    prefix: String,
    shell: String,
}

fn bundle() -> &'static Bundle {
    static BUNDLE: OnceLock<Bundle> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let mut all = Vec::new();
        for (name, body) in FILES {
            all.extend_from_slice(name.as_bytes());
            all.push(0);
            all.extend_from_slice(body.as_bytes());
            all.push(0);
        }
        let prefix = format!("/app/assets/{}/", content_hash(&all));
        let shell = format!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <meta name=\"color-scheme\" content=\"light dark\">\
             <title>RESTume dashboard</title>\
             <link rel=\"icon\" href=\"data:,\">\
             <link rel=\"stylesheet\" href=\"{prefix}app.css\">\
             <script type=\"module\" src=\"{prefix}main.js\"></script></head>\
             <body><a class=\"skip\" href=\"#main\">Skip to the content</a>\
             <div id=\"app\"><main id=\"main\" tabindex=\"-1\"><p>Loading the dashboard…</p>\
             <noscript><p>The dashboard needs JavaScript. The API itself is at /v1.</p></noscript>\
             </main></div></body></html>\n"
        );
        Bundle { prefix, shell }
    })
}

/// The HTML every `/app/...` deep link answers; the modules route in the browser.
pub fn shell() -> &'static str {
    &bundle().shell
}

/// `/app/assets/<hash>/`, the folder the shell loads its files from.
pub fn prefix() -> &'static str {
    &bundle().prefix
}

/// A file under the current hashed folder: its media type and bytes. A stale
/// hash finds nothing (a 404), so an old shell never runs with new modules.
pub fn file(path: &str) -> Option<(&'static str, &'static str)> {
    let name = path.strip_prefix(prefix())?;
    let (_, body) = FILES.iter().find(|(n, _)| *n == name)?;
    let media = if name.ends_with(".css") {
        "text/css; charset=utf-8"
    } else {
        "text/javascript; charset=utf-8"
    };
    Some((media, body))
}

/// Scripts only from this server, no inline script and no `eval`; calls only
/// to this origin; frames only of this origin (the preview of `/u/{username}`);
/// nothing may frame the dashboard.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     connect-src 'self'; img-src 'self' data:; frame-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_is_served_under_the_hashed_folder() {
        for (name, _) in FILES {
            let path = format!("{}{name}", prefix());
            assert!(file(&path).is_some(), "{path}");
        }
        assert!(file("/app/assets/0000000000000000/main.js").is_none());
        assert!(shell().contains(&format!("{}main.js", prefix())));
        assert!(!shell().contains("<script>"), "no inline script");
    }

    /// The modules import each other by relative path: every import names a file of the bundle.
    #[test]
    fn every_import_is_a_file_of_the_bundle() {
        for (name, body) in FILES {
            let dir = name.rsplit_once('/').map_or("", |(d, _)| d);
            for line in body.lines().filter(|l| l.starts_with("import ")) {
                let Some(spec) = line.split(['"', '\'']).nth(1) else {
                    continue;
                };
                let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
                for seg in spec.split('/') {
                    match seg {
                        "." => {}
                        ".." => {
                            parts.pop();
                        }
                        s => parts.push(s),
                    }
                }
                let target = parts.join("/");
                assert!(
                    FILES.iter().any(|(n, _)| *n == target),
                    "{name} imports {spec}, not a file of the bundle"
                );
            }
        }
    }
}
