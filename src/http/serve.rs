//! From a tiny_http request to our handler and back, on the thread that read
//! the request (its connection's; vendor/tiny_http patch 13).
//!
//! rouille's own server handed each request from the connection's thread to
//! a thread calling `recv()`, and on to a pool worker: two thread wake-ups
//! per request, a third of a public read's CPU time and half of `/health`'s
//! on two cores. Here a request is answered where it was read, on one of
//! `--threads` handler stacks (`Slots`): taking a slot bounds how many
//! requests run at once, as the pool's size did, and running on the slot's
//! stack keeps the handler's deeper frames out of the 500 connection
//! threads' own stacks (8 KB more each, 4 MB at 500 connections, measured),
//! so a connection's thread stays as small as an idle one.

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddr};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use crate::app::App;
use crate::error::ApiError;
use crate::http::server;

/// A handler's stack: as large as a thread's by default (2 MiB, only the
/// pages used become resident), with an inaccessible guard page below it,
/// so an overflow faults instead of writing over other memory.
pub struct Stack {
    map: *mut libc::c_void,
    len: usize,
}

// SAFETY: the mapping is plain memory owned by this value alone.
unsafe impl Send for Stack {}

const STACK: usize = 2 << 20;

impl Stack {
    fn new() -> std::io::Result<Stack> {
        let page = page_size();
        let len = STACK + page;
        // SAFETY: a fresh anonymous private mapping, then the protection of
        // its own first page
        unsafe {
            let map = libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE | libc::MAP_STACK,
                -1,
                0,
            );
            if map == libc::MAP_FAILED {
                return Err(std::io::Error::last_os_error());
            }
            let stack = Stack { map, len };
            // the stack grows down (x86_64, aarch64): the guard goes first
            if libc::mprotect(map, page, libc::PROT_NONE) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(stack)
        }
    }

    /// Runs `f` on this stack; a panic in `f` goes on in the caller.
    fn run<R>(&mut self, f: impl FnOnce() -> R) -> R {
        let page = page_size();
        // SAFETY: the region above the guard page is ours alone while `self`
        // is borrowed mutably, page-aligned, and `f` does not unwind across
        // the switch (caught on the new stack, resumed on the old one).
        let result = unsafe {
            psm::on_stack(self.map.cast::<u8>().add(page), self.len - page, || {
                catch_unwind(AssertUnwindSafe(f))
            })
        };
        result.unwrap_or_else(|panic| resume_unwind(panic))
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `new`, used by nobody now
        unsafe {
            libc::munmap(self.map, self.len);
        }
    }
}

fn page_size() -> usize {
    // SAFETY: a plain query
    usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096)
}

/// The handler stacks: at most as many requests in the handler as there are
/// stacks. The usual path (a stack free) takes one lock and wakes nobody;
/// when none is free, requests wait in line and a stack given back goes to
/// the one that has waited longest (a condition variable wakes any waiter,
/// and under load some waited a hundred times longer than others).
pub struct Slots {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    free: Vec<Stack>,
    waiting: VecDeque<SyncSender<Stack>>,
}

pub struct Slot<'a> {
    slots: &'a Slots,
    stack: Option<Stack>,
}

impl Slots {
    pub fn new(n: usize) -> std::io::Result<Slots> {
        let free = (0..n).map(|_| Stack::new()).collect::<Result<_, _>>()?;
        Ok(Slots {
            state: Mutex::new(State {
                free,
                waiting: VecDeque::new(),
            }),
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn take(&self) -> Slot<'_> {
        let handed = {
            let mut state = self.state();
            if let Some(stack) = state.free.pop() {
                return Slot {
                    slots: self,
                    stack: Some(stack),
                };
            }
            let (tx, rx) = sync_channel(1);
            state.waiting.push_back(tx);
            rx
        };
        // the sender is only dropped after sending (`give_back`)
        let stack = handed.recv().expect("a stack is handed over");
        Slot {
            slots: self,
            stack: Some(stack),
        }
    }

    fn give_back(&self, stack: Stack) {
        let mut state = self.state();
        let mut stack = stack;
        while let Some(next) = state.waiting.pop_front() {
            match next.send(stack) {
                Ok(()) => return,
                // that waiter is gone (its thread ended): the next one
                Err(back) => stack = back.0,
            }
        }
        state.free.push(stack);
    }
}

impl Slot<'_> {
    pub fn run<R>(&mut self, f: impl FnOnce() -> R) -> R {
        self.stack.as_mut().expect("held until dropped").run(f)
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        if let Some(stack) = self.stack.take() {
            self.slots.give_back(stack);
        }
    }
}

/// The server's per-request entry point: answers `rq` through
/// `server::handle`, or 503 once the server is stopping. It holds the app
/// weakly, so that the app (its database connections) goes when `serve`
/// lets it go, whatever connections are still open.
pub fn handler(app: &Arc<App>, stopping: Arc<AtomicBool>) -> Result<tiny_http::Handler, String> {
    let slots = Slots::new(app.config.threads)
        .map_err(|e| format!("cannot make {} handler stacks: {e}", app.config.threads))?;
    let app = Arc::downgrade(app);
    Ok(Arc::new(move |mut rq: tiny_http::Request| {
        let mut slot = slots.take();
        let Some(app) = app.upgrade() else {
            return write(rq, stopping_answer());
        };
        // counted before the flag is read: `serve` sets the flag, then waits
        // for the count to reach zero, so a request either sees the flag or
        // is waited for (both SeqCst)
        app.in_flight.fetch_add(1, Ordering::SeqCst);
        if stopping.load(Ordering::SeqCst) {
            app.in_flight.fetch_sub(1, Ordering::SeqCst);
            return write(rq, stopping_answer());
        }
        slot.run(|| {
            let req = request(&mut rq);
            let response = server::handle(&app, &req);
            app.in_flight.fetch_sub(1, Ordering::SeqCst);
            write(rq, response);
        });
    }))
}

fn stopping_answer() -> rouille::Response {
    ApiError::new(
        503,
        "unavailable",
        "The server is stopping; try again in a moment",
    )
    .with_header("Retry-After", "5")
    .with_header("Connection", "close")
    .to_response()
}

/// The request as rouille's handlers take it.
fn request(rq: &mut tiny_http::Request) -> rouille::Request {
    let url = rq.url().to_owned();
    let method = rq.method().as_str().to_owned();
    let headers = rq
        .headers()
        .iter()
        .map(|h| (h.field.to_string(), h.value.to_string()))
        .collect();
    let from = rq
        .remote_addr()
        .copied()
        .unwrap_or(SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)));
    // the body is in memory already: the connection's thread read it whole
    // before the request was made (vendor/tiny_http patch 7)
    let mut body = Vec::new();
    let _ = rq.as_reader().read_to_end(&mut body);
    rouille::Request::fake_http_from(from, method, url, headers, body)
}

/// Sends rouille's response as tiny_http's (what rouille's server did).
fn write(rq: tiny_http::Request, response: rouille::Response) {
    let (data, len) = response.data.into_reader_and_size();
    let mut out = tiny_http::Response::empty(response.status_code).with_data(data, len);
    for (key, value) in &response.headers {
        if key.eq_ignore_ascii_case("Content-Length") {
            continue;
        }
        if let Ok(h) = tiny_http::Header::from_bytes(key.as_bytes(), value.as_bytes()) {
            out.add_header(h);
        }
    }
    // nothing to do if the client has gone
    let _ = rq.respond(out);
}

#[cfg(test)]
mod tests {
    use super::Slots;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn slots_bound_how_many_run_at_once() {
        let slots = Arc::new(Slots::new(3).unwrap());
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..12)
            .map(|_| {
                let (slots, inside, most) = (slots.clone(), inside.clone(), most.clone());
                std::thread::spawn(move || {
                    for _ in 0..50 {
                        let mut slot = slots.take();
                        slot.run(|| {
                            let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            std::thread::yield_now();
                            inside.fetch_sub(1, Ordering::SeqCst);
                        });
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert!(most.load(Ordering::SeqCst) <= 3);
        assert_eq!(slots.state().free.len(), 3);
    }

    #[test]
    fn a_stack_given_back_goes_to_the_request_that_waited_longest() {
        let slots = Arc::new(Slots::new(1).unwrap());
        let order = Arc::new(std::sync::Mutex::new(Vec::new()));
        let held = slots.take();
        let waiters: Vec<_> = (0..4)
            .map(|i| {
                let (mine, order) = (slots.clone(), order.clone());
                let t = std::thread::spawn(move || {
                    let _slot = mine.take();
                    order.lock().unwrap().push(i);
                });
                // each in line before the next comes
                while slots.state().waiting.len() < i + 1 {
                    std::thread::yield_now();
                }
                t
            })
            .collect();
        drop(held);
        for t in waiters {
            t.join().unwrap();
        }
        assert_eq!(*order.lock().unwrap(), [0, 1, 2, 3]);
        assert_eq!(slots.state().free.len(), 1);
    }

    #[test]
    fn a_handler_runs_on_its_slot_stack_and_its_panic_reaches_the_caller() {
        let slots = Slots::new(1).unwrap();
        let outside = &slots as *const _ as usize;
        let mut slot = slots.take();
        // a local on the slot's stack is far from this thread's stack
        let inside = slot.run(|| {
            let here = 0u8;
            &here as *const _ as usize
        });
        assert!(outside.abs_diff(inside) > 1 << 20, "{outside:x} {inside:x}");
        // deep recursion within the stack is fine
        fn depth(n: u32) -> u32 {
            let pad = [n as u8; 512];
            if n == 0 {
                u32::from(pad[0])
            } else {
                depth(n - 1) + u32::from(pad[1] & 1)
            }
        }
        assert!(slot.run(|| depth(1000)) <= 1000);
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            slot.run(|| panic!("in the handler"))
        }));
        assert_eq!(
            caught.unwrap_err().downcast_ref::<&str>(),
            Some(&"in the handler")
        );
        drop(slot);
        assert_eq!(slots.state().free.len(), 1, "the stack is back");
    }
}
