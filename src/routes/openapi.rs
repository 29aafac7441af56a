//! `GET /openapi.json`: the OpenAPI 3.1 document of every route (SPEC §4).

use std::sync::OnceLock;

use rouille::Response;

use super::Ctx;
use crate::error::ApiResult;

/// The document never changes while the binary runs: built once, then served.
pub fn get(_ctx: &Ctx) -> ApiResult {
    static BODY: OnceLock<String> = OnceLock::new();
    let body = BODY.get_or_init(|| crate::openapi::document().to_string());
    Ok(
        Response::from_data("application/json", body.as_bytes().to_vec())
            .with_unique_header("Cache-Control", "public, max-age=300"),
    )
}
