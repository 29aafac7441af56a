//! The one 404 page of `/u/…`: a private profile, an unknown username and a
//! disabled account get these same bytes, so none can be told apart.

use super::assets;
use super::html::Html;

pub fn page() -> String {
    let mut h = Html::new();
    h.raw("<!DOCTYPE html>\n");
    h.el("html", &[("lang", Some("en"))], |h| {
        h.el("head", &[], |h| {
            super::page::head_start(h);
            h.void("meta", &[("name", Some("robots")), ("content", Some("noindex"))]);
            h.raw("<title>No such résumé</title>");
            h.void(
                "link",
                &[("rel", Some("stylesheet")), ("href", Some(assets::theme_path("classic")))],
            );
        });
        h.el("body", &[("class", Some("theme-classic"))], |h| {
            h.el("div", &[("class", Some("page"))], |h| {
                h.el("main", &[("id", Some("main")), ("class", Some("not-found"))], |h| {
                    h.raw("<h1>No such résumé</h1>");
                    h.raw("<p>There is no public résumé at this address. It may have been made private, or the name may be misspelt.</p>");
                });
            });
        });
    });
    h.finish()
}
