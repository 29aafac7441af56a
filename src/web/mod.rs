//! The HTML side of RESTume: the public page `/u/{username}` (SPEC §4.2),
//! its 404 and its stylesheets. Every template writes through `html::Html`,
//! which escapes every value; no user text is ever concatenated into markup.

pub mod app;
pub mod assets;
pub mod html;
pub mod not_found;
pub mod page;
pub mod sections;
pub mod stored;

/// The `Content-Security-Policy` of a page: nothing but the server's own
/// stylesheet and, when the owner set an https avatar, images from that
/// avatar's origin only. No script runs, no form posts, and only a page of
/// this server frames it (the dashboard's preview, `/app/appearance`).
pub fn csp(img_origin: Option<&str>) -> String {
    let img = img_origin.map_or_else(|| "img-src 'none'".to_string(), |o| format!("img-src {o}"));
    format!(
        "default-src 'none'; style-src 'self'; {img}; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
    )
}

/// What a page tells the browser about where its links lead: nothing.
pub const REFERRER_POLICY: &str = "no-referrer";
