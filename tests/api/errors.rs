//! SPEC §1.1: every error is a problem document with a stable code.

use serde_json::json;

use crate::helpers::*;

#[test]
fn unknown_path_is_a_404_problem() {
    let app = spawn_app();
    let r = app.get("/v1/nothing-here", Cred::None);
    r.problem(404, "not_found");
    assert!(r.header("X-Request-Id").is_some());
    app.get("/health/", Cred::None).problem(404, "not_found");
}

#[test]
fn wrong_method_is_a_405_with_allow() {
    let app = spawn_app();
    let r = app.call("PUT", "/health", Cred::None, None);
    r.problem(405, "method_not_allowed");
    assert_eq!(r.header("Allow"), Some("GET"));
    let r = app.call("PUT", "/v1/me/account", Cred::None, None);
    r.problem(405, "method_not_allowed");
    assert_eq!(r.header("Allow"), Some("GET, PATCH, DELETE"));
}

#[test]
fn body_that_is_not_json_is_a_415() {
    let app = spawn_app();
    let body = br#"{"username":"ada","password":"x"}"#;
    let r = app.request(
        "POST",
        "/v1/auth/login",
        &[("Content-Type", "text/plain")],
        Some(body),
    );
    r.problem(415, "unsupported_media_type");
    let r = app.request("POST", "/v1/auth/login", &[], Some(body));
    r.problem(415, "unsupported_media_type");
    // with a charset parameter it is JSON
    let r = app.request(
        "POST",
        "/v1/auth/login",
        &[("Content-Type", "application/json; charset=utf-8")],
        Some(body),
    );
    r.problem(401, "invalid_credentials");
}

#[test]
fn malformed_json_is_a_400() {
    let app = spawn_app();
    for body in [&b"{"[..], b"", b"{\"a\":}", b"\xff\xfe"] {
        let r = app.request(
            "POST",
            "/v1/auth/register",
            &[("Content-Type", "application/json")],
            Some(body),
        );
        r.problem(400, "malformed_json");
    }
}

#[test]
fn body_over_one_mebibyte_is_a_413_and_nothing_is_created() {
    let app = spawn_app();
    let big = json!({"username": "bigbody", "email": "big@example.com", "password": PASSWORD,
                     "full_name": "x".repeat(1024 * 1024)});
    let r = app.post("/v1/auth/register", Cred::None, &big);
    r.problem(413, "payload_too_large");
    // a lying Content-Length is refused before the body is read
    let r = app.raw(
        format!(
            "POST /v1/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{{",
            2 * 1024 * 1024
        )
        .as_bytes(),
    );
    r.problem(413, "payload_too_large");
    app.login("bigbody", PASSWORD)
        .problem(401, "invalid_credentials");
    // the server is still well
    assert_eq!(app.get("/health", Cred::None).status, 200);
}

#[test]
fn validation_names_every_bad_field() {
    let app = spawn_app();
    let r = app.post(
        "/v1/auth/register",
        Cred::None,
        &json!({"username": "-x", "email": "not-an-email", "password": 12345678, "extra": true}),
    );
    let mut errors = r.field_errors();
    errors.sort();
    assert_eq!(
        errors,
        errs(&[
            ("email", "invalid_format"),
            ("extra", "unknown_field"),
            ("full_name", "required"),
            ("password", "wrong_type"),
            ("username", "too_short")
        ])
    );
    let r = app.post(
        "/v1/auth/register",
        Cred::None,
        &json!(["not", "an", "object"]),
    );
    assert_eq!(r.field_errors(), errs(&[("body", "wrong_type")]));
}

#[test]
fn a_panic_is_a_clean_500() {
    let app = spawn_with(&[], &[("RESTUME_TEST_PANIC", "1")]);
    let r = app.request("GET", "/__test/panic", &[("X-Request-Id", "panic-1")], None);
    let body = r.problem(500, "internal_error");
    let text = body.to_string();
    for leak in ["SELECT", "/srv", "boom", "password"] {
        assert!(!text.contains(leak), "{text}");
    }
    // the log holds the cause, under the request id
    let logs = app.settled_log();
    assert!(
        logs.lines()
            .any(|l| l.contains("panic-1") && l.contains("boom")),
        "{logs}"
    );
    assert_eq!(app.get("/health", Cred::None).status, 200);
}

#[test]
fn request_id_is_echoed_or_generated() {
    let app = spawn_app();
    let r = app.request("GET", "/health", &[("X-Request-Id", "abc-123")], None);
    assert_eq!(r.header("X-Request-Id"), Some("abc-123"));
    let a = app.get("/health", Cred::None);
    let b = app.get("/health", Cred::None);
    assert!(a.header("X-Request-Id").unwrap().len() >= 16);
    assert_ne!(a.header("X-Request-Id"), b.header("X-Request-Id"));
    let body = app.get("/health", Cred::None).json();
    assert_eq!(body["status"], "ok");
    assert!(body["version"].is_string());
}

#[test]
fn every_request_gets_one_access_log_line() {
    let app = spawn_app();
    app.request("GET", "/health", &[("X-Request-Id", "log-me-1")], None);
    app.request(
        "GET",
        "/nope?token=abc",
        &[("X-Request-Id", "log-me-2")],
        None,
    );
    let logs = app.settled_log();
    let one: Vec<_> = logs.lines().filter(|l| l.contains("log-me-1")).collect();
    assert_eq!(one.len(), 1, "{logs}");
    assert!(one[0].contains("GET /health 200"), "{}", one[0]);
    let two: Vec<_> = logs.lines().filter(|l| l.contains("log-me-2")).collect();
    assert!(
        two[0].contains("GET /nope 404") && !two[0].contains("token"),
        "{}",
        two[0]
    );
}

/// A body announced far larger than the limit is refused unread, and the
/// server neither allocates for it nor parses its bytes as a next request.
#[test]
fn an_absurd_content_length_does_not_hurt_the_server() {
    let app = spawn_app();
    for len in ["99999999999", "18446744073709551615", "5000000"] {
        let r = app.raw(
            format!(
                "POST /v1/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len}\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n"
            )
            .as_bytes(),
        );
        r.problem(413, "payload_too_large");
        assert!(
            !r.text().contains("\"ok\""),
            "body bytes were not run as a request"
        );
    }
    assert_eq!(app.get("/health", Cred::None).status, 200);
}

#[test]
fn an_endless_request_line_is_cut_off() {
    let app = spawn_app();
    let mut stream = std::net::TcpStream::connect(app.addr).unwrap();
    use std::io::{Read, Write};
    let _ = stream.write_all(format!("GET /{} HTTP/1.1\r\n", "a".repeat(64 * 1024)).as_bytes());
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let mut buf = Vec::new();
    let _ = stream.read_to_end(&mut buf); // the server closes the connection
    assert_eq!(app.get("/health", Cred::None).status, 200);
}

/// A chunked body over the limit is refused, and the connection ends there:
/// what is left of the body is never read as a next request.
#[test]
fn the_rest_of_an_oversized_chunked_body_is_not_read_as_requests() {
    use std::io::{Read, Write};
    let app = spawn_app();
    // 16 chunks of 64 KiB fill the 1 MiB limit; the server reads one byte
    // more, the "G" of the next chunk. Read on, the rest would be a request.
    let chunk = vec![b' '; 64 * 1024];
    let mut req = b"POST /v1/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..16 {
        req.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        req.extend_from_slice(&chunk);
        req.extend_from_slice(b"\r\n");
    }
    let smuggled = b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
    req.extend_from_slice(format!("{:x}\r\n", smuggled.len()).as_bytes());
    req.extend_from_slice(smuggled);
    req.extend_from_slice(b"\r\n");
    req.extend_from_slice(b"0\r\n\r\n");
    let mut stream = std::net::TcpStream::connect(app.addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let _ = stream.write_all(&req);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert_eq!(
        text.matches("HTTP/1.1 ").count(),
        1,
        "one answer, then the connection ends: {text}"
    );
    assert_eq!(
        app.settled_log().matches("/health").count(),
        0,
        "{}",
        app.log_text()
    );
    assert_eq!(app.get("/health", Cred::None).status, 200);
}

/// A path can hold LF and ESC bytes (the request line ends at CRLF only):
/// logged raw, they would write a forged second line and reach the
/// operator's terminal as an escape sequence.
#[test]
fn a_request_path_cannot_forge_a_log_line() {
    let app = spawn_app();
    let r = app.raw(
        b"GET /x\n2026-01-01T00:00:00Z\tforged-line\x1b[2J HTTP/1.1\r\nHost: x\r\nX-Request-Id: forge-1\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(r.status, 404);
    let logs = app.settled_log();
    let lines: Vec<_> = logs.lines().filter(|l| l.contains("forged-line")).collect();
    assert_eq!(lines.len(), 1, "{logs}");
    assert!(lines[0].contains("forge-1 GET /x\\u{a}"), "{}", lines[0]);
    assert!(!logs.contains('\x1b'), "{logs:?}");
}
