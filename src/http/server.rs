//! What wraps every request: the request id, panic catching, the problem
//! answer for errors, common headers and the access-log line.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

use rouille::{Request, Response};

use crate::app::App;
use crate::error::ApiError;
use crate::http::log;
use crate::policy::quota;
use crate::routes;

/// The client's `X-Request-Id` when it is short and printable, else a new one.
fn request_id(req: &Request) -> String {
    match req.header("X-Request-Id") {
        Some(id)
            if !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            id.to_string()
        }
        _ => uuid::Uuid::new_v4().simple().to_string(),
    }
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

pub fn handle(app: &App, req: &Request) -> Response {
    let started = Instant::now();
    let id = request_id(req);
    let (result, caller, takes) = catch_unwind(AssertUnwindSafe(|| routes::dispatch(app, req)))
        .unwrap_or_else(|p| {
            let e = ApiError::internal(format!("panic: {}", panic_text(&*p)));
            (Err(e), None, vec![])
        });
    let mut response = match result {
        Ok(r) => r,
        Err(e) => {
            if let Some(cause) = &e.cause {
                log::Line::new()
                    .field(&id)
                    .field("error")
                    .field(format_args!("{}:", e.status))
                    .field(cause)
                    .write();
            }
            e.to_response()
        }
    };
    response = quota::with_headers(response, &takes);
    if !response
        .headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("Cache-Control"))
    {
        response = response.with_unique_header("Cache-Control", "no-store");
    }
    response = response
        .with_unique_header("X-Request-Id", id.clone())
        .with_unique_header("X-Content-Type-Options", "nosniff");
    let path = req.raw_url().split('?').next().unwrap_or("");
    log::Line::new()
        .field(&id)
        .field(req.method())
        .field(path)
        .field(response.status_code)
        .field(format_args!(
            "{:.3}ms",
            started.elapsed().as_secs_f64() * 1000.0
        ))
        .field(caller.map_or_else(|| "-".to_string(), |c| c.log_name()))
        .write();
    response
}
