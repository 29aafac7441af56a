//! Password hashing. bcrypt only reads 72 bytes, so the password is first
//! hashed with SHA-256 (hex: 64 bytes, no NUL) and every character counts.
//!
//! Hashing runs on its own few threads, at a lower CPU priority, fed by a
//! short queue: a storm of sign-ins gets prompt 503s once the queue is full
//! instead of tying up the request workers, and what does run yields the CPU
//! to the other requests.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};

fn prehash(password: &str) -> String {
    hex(&Sha256::digest(password.as_bytes()))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

enum Work {
    Hash(String),
    Verify(String, String),
}

enum Done {
    Hashed(Result<String, String>),
    Verified(bool),
}

type Job = (Work, SyncSender<Done>);

pub struct Hasher {
    cost: u32,
    queue: SyncSender<Job>,
    /// A hash of nothing anyone knows, verified when the account does not
    /// exist, so that answer takes as long as a wrong password.
    dummy: OnceLock<String>,
    /// Jobs sent and not yet taken by a hashing thread, and how many may be.
    waiting: Arc<AtomicUsize>,
    capacity: usize,
}

/// How long a request waits for its hash before giving up (a bug or a
/// machine far too slow for the cost; the queue keeps waits short).
const WAIT: Duration = Duration::from_secs(30);

/// Waiting jobs per hashing thread: at cost 12 (about 0.3 s a hash) the last
/// in the queue waits about a second.
const QUEUE_PER_THREAD: usize = 4;

/// The hashing threads' niceness: below the request workers.
const NICE: i32 = 5;

fn worker(jobs: Arc<Mutex<Receiver<Job>>>, waiting: Arc<AtomicUsize>, cost: u32) {
    // Linux applies a thread's own niceness with PRIO_PROCESS and id 0. Where
    // a sandbox forbids it the thread simply runs at normal priority.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, NICE);
    }
    loop {
        let next = jobs.lock().unwrap_or_else(|e| e.into_inner()).recv();
        let Ok((work, reply)) = next else { return };
        waiting.fetch_sub(1, Ordering::SeqCst);
        let done = match work {
            Work::Hash(p) => {
                Done::Hashed(bcrypt::hash(prehash(&p), cost).map_err(|e| e.to_string()))
            }
            Work::Verify(p, h) => Done::Verified(bcrypt::verify(prehash(&p), &h).unwrap_or(false)),
        };
        let _ = reply.send(done);
    }
}

impl Hasher {
    /// `threads` hash at once; up to `QUEUE_PER_THREAD` times as many wait.
    pub fn new(cost: u32, threads: usize) -> Hasher {
        let threads = threads.max(1);
        let (queue, jobs) = sync_channel::<Job>(threads * QUEUE_PER_THREAD);
        let jobs = Arc::new(Mutex::new(jobs));
        let waiting = Arc::new(AtomicUsize::new(0));
        for i in 0..threads {
            let (jobs, waiting) = (Arc::clone(&jobs), Arc::clone(&waiting));
            std::thread::Builder::new()
                .name(format!("hasher-{i}"))
                .spawn(move || worker(jobs, waiting, cost))
                .expect("cannot start a hashing thread");
        }
        Hasher {
            cost,
            queue,
            waiting,
            capacity: threads * QUEUE_PER_THREAD,
            dummy: OnceLock::new(),
        }
    }

    fn busy() -> ApiError {
        ApiError::unavailable("Too many sign-ins at once, try again", 1)
    }

    /// The 503 a password job would get now, before any other work is done
    /// for it: under a storm of sign-ins the refused ones then cost little.
    pub fn admit(&self) -> ApiResult<()> {
        if self.waiting.load(Ordering::SeqCst) >= self.capacity {
            return Err(Self::busy());
        }
        Ok(())
    }

    fn run(&self, work: Work) -> ApiResult<Done> {
        let (reply, answer) = sync_channel(1);
        // counted before it can be taken, so the count never goes below zero
        self.waiting.fetch_add(1, Ordering::SeqCst);
        match self.queue.try_send((work, reply)) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                self.waiting.fetch_sub(1, Ordering::SeqCst);
                return Err(Self::busy());
            }
            Err(TrySendError::Disconnected(_)) => {
                self.waiting.fetch_sub(1, Ordering::SeqCst);
                return Err(ApiError::internal("the hashing threads are gone"));
            }
        }
        answer
            .recv_timeout(WAIT)
            .map_err(|_| ApiError::unavailable("Password hashing is overloaded, try again", 1))
    }

    pub fn hash(&self, password: &str) -> ApiResult<String> {
        match self.run(Work::Hash(password.to_string()))? {
            Done::Hashed(Ok(h)) => Ok(h),
            Done::Hashed(Err(e)) => Err(ApiError::internal(e)),
            Done::Verified(_) => Err(ApiError::internal("hasher answered the wrong job")),
        }
    }

    pub fn verify(&self, password: &str, hash: &str) -> ApiResult<bool> {
        match self.run(Work::Verify(password.to_string(), hash.to_string()))? {
            Done::Verified(ok) => Ok(ok),
            Done::Hashed(_) => Err(ApiError::internal("hasher answered the wrong job")),
        }
    }

    fn dummy(&self) -> &str {
        self.dummy.get_or_init(|| {
            bcrypt::hash("no account has this password", self.cost).unwrap_or_default()
        })
    }

    /// Spends the time of one verification, for an account that does not exist.
    pub fn verify_nobody(&self, password: &str) -> ApiResult<()> {
        self.verify(password, self.dummy()).map(|_| ())
    }

    /// Computes the dummy hash ahead of the first failed login, on the
    /// calling thread (start-up runs it on a thread of its own).
    pub fn warm_up(&self) {
        self.dummy();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_after_72_count() {
        let h = Hasher::new(4, 1);
        let a = "a".repeat(72) + "one";
        let b = "a".repeat(72) + "two";
        let hash = h.hash(&a).unwrap();
        assert!(h.verify(&a, &hash).unwrap());
        assert!(!h.verify(&b, &hash).unwrap());
    }

    #[test]
    fn admit_refuses_while_the_queue_is_full() {
        let h = Arc::new(Hasher::new(10, 1));
        assert!(h.admit().is_ok());
        // more jobs than the queue holds, each sent again when refused, so
        // the queue stays full (one thread, four waiting) until the last few
        let jobs: Vec<_> = (0..10)
            .map(|_| {
                let h = Arc::clone(&h);
                std::thread::spawn(move || {
                    while h.hash("some password").is_err() {
                        std::thread::sleep(Duration::from_millis(2));
                    }
                })
            })
            .collect();
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        // the refusal itself is checked: asking again could find a slot freed
        let refused = loop {
            match h.admit() {
                Ok(_) => {
                    assert!(
                        std::time::Instant::now() < deadline,
                        "the queue never filled"
                    );
                    std::thread::yield_now();
                }
                Err(e) => break e,
            }
        };
        assert_eq!(refused.status, 503);
        for j in jobs {
            j.join().unwrap();
        }
        assert!(h.admit().is_ok(), "free again once the queue drains");
    }

    #[test]
    fn a_full_queue_answers_503_at_once() {
        let h = Arc::new(Hasher::new(10, 1));
        let answers: Vec<u16> = (0..12)
            .map(|_| {
                let h = Arc::clone(&h);
                std::thread::spawn(move || match h.hash("some password") {
                    Ok(_) => 200,
                    Err(e) => e.status,
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect();
        assert!(answers.contains(&503), "{answers:?}");
        assert!(answers.contains(&200), "{answers:?}");
    }
}
