//! glibc's allocator, set up for a server that runs a thread per connection.
//!
//! Both settings shrink what idle connections cost, and both step aside when
//! the environment already chooses (`MALLOC_ARENA_MAX`, `GLIBC_TUNABLES`).

/// Called first thing by `serve`. May replace the process with itself (same
/// pid, same arguments) once, to set what glibc reads only at start.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        without_thread_caches();
        // glibc gives each thread that allocates an arena of its own, up to
        // eight per core; with a thread per connection that multiplies the
        // resident memory for nothing. Two arenas are plenty.
        if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
            unsafe {
                libc::mallopt(libc::M_ARENA_MAX, 2);
            }
        }
    }
}

/// glibc keeps, in every thread, a cache of small freed blocks. With 500
/// connections that is 500 caches: 12 MB of the 55 MB resident at 500
/// connections, measured (bench scenario 6), for no measurable speed. It can
/// only be turned off before the process starts, through `GLIBC_TUNABLES`:
/// so the server sets it and executes itself again.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn without_thread_caches() {
    use std::os::unix::process::CommandExt;
    const KEY: &str = "glibc.malloc.tcache_count";
    let current = std::env::var("GLIBC_TUNABLES").unwrap_or_default();
    if current.contains(KEY) {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let value = if current.is_empty() {
        format!("{KEY}=0")
    } else {
        format!("{current}:{KEY}=0")
    };
    let mut args = std::env::args_os();
    let mut cmd = std::process::Command::new(exe);
    if let Some(name) = args.next() {
        cmd.arg0(name);
    }
    // `exec` returns only when it failed (say, the binary was replaced on
    // disk by an upgrade): then carry on with the caches.
    let e = cmd.args(args).env("GLIBC_TUNABLES", value).exec();
    crate::http::log::line(&format!(
        "running with glibc's per-thread caches on: cannot execute myself again ({e})"
    ));
}
