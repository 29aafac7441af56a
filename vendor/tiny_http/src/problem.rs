//! RESTume patch: the answers tiny_http writes itself (a request it cannot
//! read, too slow, too large, or a server too busy) are problem documents
//! (RFC 9457) like the application's errors, and end the connection.

use std::io::Cursor;

use crate::{Header, Response};

pub(crate) fn response(status: u16, detail: &str) -> Response<Cursor<Vec<u8>>> {
    let (title, code) = match status {
        400 => ("Bad Request", "bad_request"),
        408 => ("Request Timeout", "request_timeout"),
        417 => ("Expectation Failed", "expectation_failed"),
        431 => ("Request Header Fields Too Large", "headers_too_large"),
        503 => ("Service Unavailable", "unavailable"),
        505 => ("HTTP Version Not Supported", "http_version_not_supported"),
        _ => ("Error", "error"),
    };
    // every caller passes a fixed text: nothing here needs JSON escaping
    let body = format!(
        r#"{{"type":"about:blank","title":"{title}","status":{status},"code":"{code}","detail":"{detail}"}}"#
    );
    let mut response = Response::from_data(body.into_bytes())
        .with_status_code(status)
        .with_header(header("Content-Type", "application/problem+json"))
        .with_header(header("Connection", "close"));
    if status == 503 {
        response.add_header(header("Retry-After", "1"));
    }
    response
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_problem_is_json_and_closes() {
        let mut out = Vec::new();
        super::response(431, "The request's headers are too large.")
            .raw_print(&mut out, crate::HTTPVersion(1, 1), &[], false, None)
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("HTTP/1.1 431 "), "{}", text);
        assert!(text.contains("\r\nConnection: close\r\n"), "{}", text);
        assert!(text.contains("\r\nContent-Type: application/problem+json\r\n"));
        assert!(text.ends_with(
            r#"{"type":"about:blank","title":"Request Header Fields Too Large","status":431,"code":"headers_too_large","detail":"The request's headers are too large."}"#
        ));
    }
}
