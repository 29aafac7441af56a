//! The HTTP layer against clients that misbehave, over raw sockets: slow
//! bodies, idle and surplus connections, header floods and ambiguous framing
//! (vendor/tiny_http/PATCHED.md, patches 7 to 11).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use crate::helpers::*;

fn connect(addr: SocketAddr, timeout: Duration) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(timeout)).unwrap();
    stream
}

/// Sends `request` and reads until the server closes (or 10 s pass); the
/// whole text, every response in it.
fn exchange(addr: SocketAddr, request: &[u8]) -> String {
    let mut stream = connect(addr, Duration::from_secs(10));
    // the server may answer and close before it has read everything
    let _ = stream.write_all(request);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    String::from_utf8_lossy(&raw).into_owned()
}

/// One response from a kept-alive connection: its status line and headers,
/// and its body (by its Content-Length).
fn read_response(stream: &mut TcpStream) -> (String, String) {
    let mut raw = Vec::new();
    let mut byte = [0u8];
    while !raw.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => raw.push(byte[0]),
            other => panic!(
                "no response ({other:?}): {:?}",
                String::from_utf8_lossy(&raw)
            ),
        }
    }
    let head = String::from_utf8_lossy(&raw).into_owned();
    let len = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap())
        })
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body).unwrap();
    (head, String::from_utf8_lossy(&body).into_owned())
}

/// `GET /health` on a new connection, with the time it took.
fn health(addr: SocketAddr, timeout: Duration) -> (String, Duration) {
    let started = Instant::now();
    let mut stream = connect(addr, timeout);
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let (head, _) = read_response(&mut stream);
    (head, started.elapsed())
}

/// Connections that each sent one request and then went quiet.
fn idle_connections(addr: SocketAddr, n: usize) -> Vec<TcpStream> {
    (0..n)
        .map(|_| {
            let mut s = connect(addr, Duration::from_secs(20));
            s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
                .unwrap();
            let (head, _) = read_response(&mut s);
            assert!(head.starts_with("HTTP/1.1 200"), "{head}");
            s
        })
        .collect()
}

#[track_caller]
fn assert_problem(text: &str, status: u16, code: &str) {
    assert!(
        text.starts_with(&format!("HTTP/1.1 {status} ")),
        "wanted {status}: {text}"
    );
    assert_eq!(
        text.matches("HTTP/1.1 ").count(),
        1,
        "one answer, then the connection ends: {text}"
    );
    let lower = text.to_ascii_lowercase();
    assert!(lower.contains("\r\nconnection: close\r\n"), "{text}");
    assert!(
        lower.contains("\r\ncontent-type: application/problem+json\r\n"),
        "{text}"
    );
    let body = &text[text.find("\r\n\r\n").unwrap() + 4..];
    let body: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(body["status"], status, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["type"], "about:blank", "{body}");
    assert!(body["title"].is_string() && body["detail"].is_string());
}

/// `GET /health` answers 200 within 2 s, three times over, whatever the
/// other clients are doing to the server.
fn health_stays_quick(addr: std::net::SocketAddr) {
    for _ in 0..3 {
        let (head, took) = health(addr, Duration::from_secs(20));
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(took < Duration::from_secs(2), "GET /health took {took:?}");
    }
}

/// More clients stuck in their bodies than there are workers (4 here, 16 by
/// default), beside as many idle keep-alive connections: the server still
/// answers at once, as the bodies are read on the connections' own threads.
#[test]
fn slow_bodies_and_idle_connections_hold_no_worker() {
    let app = spawn_app();
    let _idle = idle_connections(app.addr, 40);
    let slow: Vec<TcpStream> = (0..40)
        .map(|_| {
            let mut s = connect(app.addr, Duration::from_secs(20));
            s.write_all(
                b"POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{",
            )
            .unwrap();
            s
        })
        .collect();
    health_stays_quick(app.addr);
    drop(slow);
}

/// A client that pipelines requests for large answers and reads none: the
/// answers wait on its connection's thread, not in the workers.
#[test]
fn a_client_that_reads_no_answers_holds_no_worker() {
    let app = spawn_app();
    // 100 answers of ~200 KB: far more than the socket buffers hold
    let greedy: Vec<TcpStream> = (0..4)
        .map(|_| {
            let mut s = connect(app.addr, Duration::from_secs(20));
            s.write_all(&b"GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n".repeat(100))
                .unwrap();
            s
        })
        .collect();
    health_stays_quick(app.addr);
    drop(greedy);
}

/// Answers larger than the socket's buffers, pipelined, to a client that
/// reads them slowly: each arrives whole and in order, the last one too
/// (whatever a worker could not write in time is written later, and nothing
/// of it waits for a next request).
#[test]
fn large_answers_read_slowly_arrive_whole() {
    let app = spawn_app();
    let mut s = connect(app.addr, Duration::from_secs(10));
    let n = 30; // ~6 MB: more than the socket buffers hold
    s.write_all(&b"GET /openapi.json HTTP/1.1\r\nHost: x\r\nTE: identity\r\n\r\n".repeat(n))
        .unwrap();
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let mut answers = 0;
    let started = Instant::now();
    while answers < n {
        // slower than the server writes, so its buffers stay full
        std::thread::sleep(Duration::from_millis(1));
        let got = s.read(&mut buf).expect("the rest of the answers");
        assert!(got > 0, "closed after {answers} answers");
        raw.extend_from_slice(&buf[..got]);
        while let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
            assert!(head.starts_with("http/1.1 200"), "{head}");
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .expect("a length")
                .trim()
                .parse()
                .unwrap();
            if raw.len() < end + 4 + len {
                break;
            }
            let doc: serde_json::Value =
                serde_json::from_slice(&raw[end + 4..end + 4 + len]).unwrap();
            assert!(doc["openapi"].is_string());
            raw.drain(..end + 4 + len);
            answers += 1;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{answers} answers"
        );
    }
    s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    assert!(read_response(&mut s).0.starts_with("HTTP/1.1 200"));
}

/// A body trickled a byte at a time does not renew the deadline: the
/// request gets one total (10 s from its first byte), then a 408.
#[test]
fn a_trickled_body_gets_a_408_within_the_request_deadline() {
    let app = spawn_app();
    let started = Instant::now();
    let mut s = connect(app.addr, Duration::from_millis(300));
    s.write_all(
        b"POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n",
    )
    .unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while started.elapsed() < Duration::from_secs(30) {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            // nothing yet: one more byte (it may fail once the server is gone)
            Err(_) if answer.is_empty() => {
                let _ = s.write_all(b" ");
            }
            Err(_) => break,
        }
    }
    let took = started.elapsed();
    let text = String::from_utf8_lossy(&answer).into_owned();
    assert_problem(&text, 408, "request_timeout");
    assert!(
        took > Duration::from_secs(9) && took < Duration::from_secs(25),
        "{took:?}"
    );
}

/// curl sends `Expect: 100-continue` before a large body and waits for the
/// `100 Continue`; the body, then read whole, reaches the application.
#[test]
fn expect_100_continue_and_chunked_bodies_still_work() {
    let app = spawn_app();
    let body = br#"{"username":"nobody","password":"wrong password"}"#;
    let mut s = connect(app.addr, Duration::from_secs(10));
    s.write_all(
        format!(
            "POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    )
    .unwrap();
    let (head, _) = read_response(&mut s);
    assert!(head.starts_with("HTTP/1.1 100 Continue\r\n"), "{head}");
    s.write_all(body).unwrap();
    let (head, answer) = read_response(&mut s);
    assert!(head.starts_with("HTTP/1.1 401"), "{head}{answer}");
    assert!(answer.contains("invalid_credentials"), "{answer}");

    // chunked, in pieces, with a chunk extension and a trailer field, and a
    // second request behind it on the same connection
    let (a, b) = body.split_at(10);
    let mut req = b"POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    req.extend_from_slice(format!("{:x};note=1\r\n", a.len()).as_bytes());
    req.extend_from_slice(a);
    req.extend_from_slice(format!("\r\n{:X}\r\n", b.len()).as_bytes());
    req.extend_from_slice(b);
    req.extend_from_slice(b"\r\n0\r\nX-Trailer: yes\r\n\r\n");
    req.extend_from_slice(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let text = exchange(app.addr, &req);
    assert!(text.starts_with("HTTP/1.1 401"), "{text}");
    assert!(text.contains("invalid_credentials"), "{text}");
    assert_eq!(text.matches("HTTP/1.1 200").count(), 1, "{text}");
}

/// Past `--max-connections`, a new connection is answered 503 at once and
/// closed; once a connection ends, new ones are served again.
#[test]
fn connections_past_the_bound_get_a_503() {
    let app = spawn_with(&["--max-connections", "8"], &[]);
    let mut open = idle_connections(app.addr, 8);
    let text = exchange(
        app.addr,
        b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_problem(&text, 503, "unavailable");
    assert!(text.contains("\r\nRetry-After: 1\r\n"), "{text}");
    drop(open.pop());
    let started = Instant::now();
    loop {
        let text = exchange(
            app.addr,
            b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        );
        if text.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{text}");
        std::thread::sleep(Duration::from_millis(20));
    }
    // the kept ones still work
    open[0]
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    assert!(read_response(&mut open[0]).0.starts_with("HTTP/1.1 200"));
}

/// The header block is bounded: 64 KiB and 100 lines.
#[test]
fn a_header_block_past_its_bounds_is_a_431() {
    let app = spawn_app();
    let request = |lines: usize, len: usize| {
        let mut req = "GET /health HTTP/1.1\r\nHost: x\r\n".to_string();
        for i in 0..lines {
            req.push_str(&format!("X-Filler-{i}: {}\r\n", "a".repeat(len)));
        }
        req.push_str("\r\n");
        req
    };
    for (lines, len) in [(150, 10), (8, 9000), (1, 20_000), (400, 1000)] {
        let text = exchange(app.addr, request(lines, len).as_bytes());
        assert_problem(&text, 431, "headers_too_large");
    }
    // within the bounds, still fine
    let text = exchange(
        app.addr,
        request(90, 500)
            .replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    );
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
}

/// A request whose body length two parties could read two ways is refused,
/// and the connection ends: its "body" is never answered as a next request
/// (RFC 9112 §6.1, §6.3).
#[test]
fn ambiguous_framing_is_a_400_and_nothing_is_smuggled() {
    let app = spawn_app();
    let smuggled = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
    let cases = [
        format!(
            "Content-Length: {}\r\nTransfer-Encoding: chunked",
            5 + smuggled.len()
        ),
        format!(
            "Transfer-Encoding: chunked\r\nContent-Length: {}",
            5 + smuggled.len()
        ),
        "Content-Length: 1x".to_string(),
        format!("Content-Length: 0\r\nContent-Length: {}", smuggled.len()),
        format!("Content-Length: 0, {}", smuggled.len()),
        "Transfer-Encoding: identity".to_string(),
        "Transfer-Encoding: gzip, chunked".to_string(),
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked".to_string(),
        "Transfer-Encoding: chunked\r\n Content-Length: 5".to_string(),
    ];
    for framing in cases {
        let text = exchange(
            app.addr,
            format!(
                "POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{framing}\r\n\r\n0\r\n\r\n{smuggled}"
            )
            .as_bytes(),
        );
        assert_problem(&text, 400, "bad_request");
        assert!(!text.contains("\"ok\""), "{framing}: {text}");
    }
    // the same length twice is one length; the next request follows it
    let body = r#"{"username":"nobody","password":"wrong password"}"#;
    let n = body.len();
    let text = exchange(
        app.addr,
        format!(
            "POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {n}\r\nContent-Length: {n}, {n}\r\n\r\n{body}GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    );
    assert!(text.starts_with("HTTP/1.1 401"), "{text}");
    assert_eq!(text.matches("HTTP/1.1 200").count(), 1, "{text}");
}
