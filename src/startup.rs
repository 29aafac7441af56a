//! Binding, serving, and the clean stop: on SIGINT/SIGTERM stop taking
//! requests, let the ones in flight finish (bounded), checkpoint the WAL and
//! leave the database file alone and complete.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::app::App;
use crate::config::Config;
use crate::{db, log, server};

const DRAIN: Duration = Duration::from_secs(10);

pub fn serve(config: Config) -> Result<(), String> {
    let db_path = config.db.clone();
    let threads = config.threads;
    let app = Arc::new(App::new(config)?);
    let handler_app = Arc::clone(&app);
    let server = rouille::Server::new(app.config.bind, move |req| {
        server::handle(&handler_app, req)
    })
    .map_err(|e| format!("cannot listen on {}: {e}", app.config.bind))?
    .pool_size(threads);
    log::line(&format!(
        "restume {} listening on http://{}",
        env!("CARGO_PKG_VERSION"),
        server.server_addr()
    ));

    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130); // a second signal: stop now
        }
    })
    .map_err(|e| format!("cannot catch signals: {e}"))?;
    notify_systemd("READY=1");
    let warm = Arc::clone(&app);
    std::thread::spawn(move || warm.hasher.warm_up());

    while !stop.load(Ordering::SeqCst) {
        server.poll_timeout(Duration::from_millis(50));
    }
    notify_systemd("STOPPING=1");
    log::line("stopping: finishing requests in flight");
    let deadline = Instant::now() + DRAIN;
    while app.in_flight.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    if app.in_flight.load(Ordering::SeqCst) == 0 {
        server.join();
    }
    drop(server);
    drop(app);
    db::close_cleanly(&db_path).map_err(|e| format!("cannot checkpoint the database: {e}"))?;
    log::line("stopped cleanly");
    Ok(())
}

/// `sd_notify` without a crate: one datagram to `$NOTIFY_SOCKET` (a path, or
/// an abstract socket when it starts with `@`).
fn notify_systemd(state: &str) {
    use std::os::unix::net::UnixDatagram;
    let Some(path) = std::env::var_os("NOTIFY_SOCKET") else {
        return;
    };
    let Ok(sock) = UnixDatagram::unbound() else {
        return;
    };
    let path = path.to_string_lossy().into_owned();
    let sent = if let Some(name) = path.strip_prefix('@') {
        use std::os::linux::net::SocketAddrExt;
        std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes())
            .and_then(|addr| sock.send_to_addr(state.as_bytes(), &addr))
    } else {
        sock.send_to(state.as_bytes(), &path)
    };
    if let Err(e) = sent {
        log::line(&format!("cannot notify systemd: {e}"));
    }
}
