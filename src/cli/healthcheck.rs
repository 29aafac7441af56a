//! `restume healthcheck`: a probe for systemd, Docker or a load balancer that
//! needs no curl: exit 0 when the server at `--bind` answers `GET /health` 200.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::time::Duration;

const HEALTH_TIMEOUT: Duration = Duration::from_secs(3);

/// Does the server at `bind` answer `GET /health` with 200?
pub fn healthcheck(bind: SocketAddr) -> Result<(), String> {
    if bind.port() == 0 {
        return Err("--bind has port 0, so there is no fixed address to check".into());
    }
    let ip = match bind.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    let addr = SocketAddr::new(ip, bind.port());
    let failed = |e: std::io::Error| format!("{addr}: {e}");
    let mut stream = TcpStream::connect_timeout(&addr, HEALTH_TIMEOUT).map_err(failed)?;
    stream
        .set_read_timeout(Some(HEALTH_TIMEOUT))
        .map_err(failed)?;
    stream
        .set_write_timeout(Some(HEALTH_TIMEOUT))
        .map_err(failed)?;
    write!(
        stream,
        "GET /health HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .map_err(failed)?;
    let mut head = Vec::new();
    let mut buf = [0u8; 256];
    while !head.windows(2).any(|w| w == b"\r\n") && head.len() < 4096 {
        let n = stream.read(&mut buf).map_err(failed)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&head);
    let status_line = head.lines().next().unwrap_or("");
    match status_line.split(' ').nth(1) {
        Some("200") => Ok(()),
        Some(code) => Err(format!("{addr}: GET /health answered {code}")),
        None => Err(format!("{addr}: no HTTP answer")),
    }
}
