//! The operations of the public HTML page (SPEC §4.2): `/u/{username}`, its
//! JSON Resume download and its stylesheets, kept apart from the others.

use serde_json::json;

use super::{Content, Op, op};
use crate::openapi::schemas::r;

fn html(text: &'static str) -> Option<Content> {
    Some(Content {
        media: "text/html",
        schema: json!({"type": "string", "description": text}),
    })
}

pub fn ops() -> Vec<Op> {
    let mut page = Op {
            answer: html("An HTML5 document in the owner's theme; no JavaScript"),
            ..op("GET", "/u/{username}", "The public résumé as a themed, printable HTML page; counts a view")
                .header("ETag")
                .also(304, None)
                .describe("Strict Content-Security-Policy, Referrer-Policy no-referrer, strong ETag (If-None-Match answers 304). A private, unknown or disabled profile answers one HTML 404 page (noindex).")
    };
    page.also.push((
        404,
        html("One HTML 404 page (noindex), whatever the reason"),
    ));
    vec![
        page,
        op("GET", "/u/{username}/resume.json", "The public résumé as a JSON Resume file to download; counts a view")
            .ok(r("JsonResume"))
            .header("ETag")
            .header("Content-Disposition")
            .also(304, None),
        Op {
            answer: Some(Content {
                media: "text/css",
                schema: json!({"type": "string"}),
            }),
            ..op("GET", "/assets/{file}", "A theme's stylesheet, named by its content hash")
                .describe("Cache-Control: public, max-age=31536000, immutable. The page links the current names.")
        },
    ]
}
