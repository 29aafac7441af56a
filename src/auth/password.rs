//! Password hashing. bcrypt only reads 72 bytes, so the password is first
//! hashed with SHA-256 (hex: 64 bytes, no NUL) and every character counts.
//! At most `slots` hashes run at once, so a storm of logins cannot take every
//! core away from the other requests.

use std::sync::{Condvar, Mutex, OnceLock};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};

pub struct Hasher {
    cost: u32,
    free: Mutex<usize>,
    freed: Condvar,
    /// A hash of nothing anyone knows, verified when the account does not
    /// exist, so that answer takes as long as a wrong password.
    dummy: OnceLock<String>,
}

const WAIT: Duration = Duration::from_secs(5);

fn prehash(password: &str) -> String {
    hex(&Sha256::digest(password.as_bytes()))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

struct Slot<'a>(&'a Hasher);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.0.freed.notify_one();
    }
}

impl Hasher {
    pub fn new(cost: u32, slots: usize) -> Hasher {
        Hasher {
            cost,
            free: Mutex::new(slots.max(1)),
            freed: Condvar::new(),
            dummy: OnceLock::new(),
        }
    }

    fn slot(&self) -> ApiResult<Slot<'_>> {
        let guard = self.free.lock().unwrap_or_else(|e| e.into_inner());
        let (mut free, timeout) = self
            .freed
            .wait_timeout_while(guard, WAIT, |free| *free == 0)
            .unwrap_or_else(|e| e.into_inner());
        if timeout.timed_out() && *free == 0 {
            return Err(ApiError::unavailable(
                "Too many sign-ins at once, try again",
                1,
            ));
        }
        *free -= 1;
        Ok(Slot(self))
    }

    pub fn hash(&self, password: &str) -> ApiResult<String> {
        let _slot = self.slot()?;
        bcrypt::hash(prehash(password), self.cost).map_err(ApiError::internal)
    }

    pub fn verify(&self, password: &str, hash: &str) -> ApiResult<bool> {
        let _slot = self.slot()?;
        Ok(bcrypt::verify(prehash(password), hash).unwrap_or(false))
    }

    /// Spends the time of one verification, for an account that does not exist.
    pub fn verify_nobody(&self, password: &str) -> ApiResult<()> {
        let dummy = self.dummy.get_or_init(|| {
            bcrypt::hash("no account has this password", self.cost).unwrap_or_default()
        });
        self.verify(password, dummy).map(|_| ())
    }

    /// Computes the dummy hash ahead of the first failed login (called at start-up, off the main thread).
    pub fn warm_up(&self) {
        let _ = self.verify_nobody("");
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
}
