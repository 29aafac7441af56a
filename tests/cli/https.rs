//! The CLI over HTTPS: a TLS front (rustls, as a reverse proxy would be)
//! before a real server, with a CA made here by openssl. Trusted through
//! RESTUME_CA_CERT the commands work; without it the certificate is refused,
//! as an unknown issuer must be.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::helpers::{TempDir, User, server, skipped};

fn openssl(dir: &Path, args: &[&str]) -> bool {
    Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// A CA and a certificate for 127.0.0.1 signed by it; false without openssl.
fn make_certs(dir: &Path) -> bool {
    std::fs::write(
        dir.join("leaf.ext"),
        "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )
    .unwrap();
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    openssl(
        dir,
        &[
            &["req", "-x509"][..],
            &ec,
            &[
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=RESTume test CA",
            ],
        ]
        .concat(),
    ) && openssl(
        dir,
        &[
            &["req"][..],
            &ec,
            &[
                "-keyout",
                "leaf.key",
                "-out",
                "leaf.csr",
                "-subj",
                "/CN=127.0.0.1",
            ],
        ]
        .concat(),
    ) && openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
        ],
    )
}

/// Terminates TLS on a free port and passes the bytes on to `backend`.
fn tls_front(dir: &Path, backend: String) -> String {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(dir.join("leaf.pem"))
        .unwrap()
        .map(|c| c.unwrap())
        .collect();
    let key = PrivateKeyDer::from_pem_file(dir.join("leaf.key")).unwrap();
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for socket in listener.incoming() {
            let Ok(socket) = socket else { break };
            let config = Arc::clone(&config);
            let backend = backend.clone();
            std::thread::spawn(move || {
                let Ok(conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut tls = rustls::StreamOwned::new(conn, socket);
                // one request per connection is all the CLI sends; read the
                // head and body, forward, and copy the answer back
                let Ok(mut up) = TcpStream::connect(&backend) else {
                    return;
                };
                let mut buf = vec![0u8; 64 * 1024];
                let mut request = Vec::new();
                loop {
                    match tls.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                    if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
                        let len: usize = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse().ok())
                            .unwrap_or(0);
                        if request.len() >= end + 4 + len {
                            break;
                        }
                    }
                }
                // the backend would keep the connection open: ask it to close
                let line_end = request.windows(2).position(|w| w == b"\r\n").unwrap();
                request.splice(
                    line_end + 2..line_end + 2,
                    b"Connection: close\r\n".iter().copied(),
                );
                if up.write_all(&request).is_err() {
                    return;
                }
                let mut answer = Vec::new();
                let _ = up.read_to_end(&mut answer);
                let _ = tls.write_all(&answer);
                let _ = tls.flush();
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    url
}

#[test]
fn commands_work_over_https_with_the_trusted_ca_only() {
    let certs = TempDir::new();
    if !make_certs(&certs.0) {
        skipped("openssl is not installed: no certificates for the HTTPS test");
        return;
    }
    let s = server(&[]);
    let url = tls_front(&certs.0, s.url.trim_start_matches("http://").to_string());

    let mut u = User::new(&s);
    u.server = url.clone();
    // the test CA is nobody's public root: refused, and said so
    let out = u.cli(&["search", "ada"]).fails(1);
    assert!(
        out.stderr.contains("cannot reach") && out.stderr.to_lowercase().contains("certificate"),
        "{out:?}"
    );

    u.env.push((
        "RESTUME_CA_CERT".into(),
        certs.0.join("ca.pem").to_string_lossy().into_owned(),
    ));
    u.signup("ada");
    assert_eq!(u.credentials()["servers"][&url]["username"], "ada");
    u.cli(&["skills", "add", "name=Rust", "years=6"]).ok();
    let found = u.cli(&["search", "--skill", "rust", "--json"]).ok().json();
    assert_eq!(found["items"][0]["username"], "ada");

    // a file without a certificate is an error, not a silent fallback
    std::fs::write(certs.0.join("empty.pem"), "nothing here\n").unwrap();
    u.env.push((
        "RESTUME_CA_CERT".into(),
        certs.0.join("empty.pem").to_string_lossy().into_owned(),
    ));
    let out = u.cli(&["search", "ada"]).fails(1);
    assert!(out.stderr.contains("no PEM certificate"), "{out:?}");
}
