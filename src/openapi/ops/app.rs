//! The operations of the dashboard (SPEC §10): its one shell at every deep
//! link and its modules, kept apart from the API's.

use serde_json::json;

use super::{Content, Op, op};

const SHELL: &str = "The dashboard's HTML shell; its modules draw the screen the path names";

fn shell(path: &'static str, summary: &'static str) -> Op {
    Op {
        answer: Some(Content {
            media: "text/html",
            schema: json!({"type": "string", "description": SHELL}),
        }),
        ..op("GET", path, summary).describe(
            "The same bytes for every path: Content-Security-Policy with script-src 'self' and \
             connect-src 'self' (no inline script, no eval), Cache-Control: no-cache. The dashboard \
             calls only this API.",
        )
    }
}

fn asset(path: &'static str, summary: &'static str) -> Op {
    Op {
        answer: Some(Content {
            media: "text/javascript",
            schema: json!({"type": "string"}),
        }),
        ..op("GET", path, summary)
            .or_media("text/css", json!({"type": "string"}))
            .describe(
                "An ES module (text/javascript) or the stylesheet (text/css) under a folder named \
                 by the hash of them all; Cache-Control: public, max-age=31536000, immutable. \
                 Another hash or file answers 404.",
            )
    }
}

pub fn ops() -> Vec<Op> {
    vec![
        shell("/app", "The dashboard for owners and admins"),
        shell("/app/{view}", "A screen of the dashboard (a deep link)"),
        shell(
            "/app/{view}/{item}",
            "An item's screen of the dashboard (a deep link)",
        ),
        shell(
            "/app/{view}/{item}/{name}",
            "A nested screen of the dashboard (a deep link)",
        ),
        asset(
            "/app/assets/{file}",
            "Outside a hashed folder: no dashboard file is there (404)",
        ),
        asset(
            "/app/assets/{hash}/{file}",
            "A module or the stylesheet of the dashboard",
        ),
        asset(
            "/app/assets/{hash}/views/{file}",
            "A screen's module of the dashboard",
        ),
    ]
}
