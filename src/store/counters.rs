//! Daily counters (views, API requests, asks, MCP exposures) kept in memory
//! and written in batches, so a public read is not a database write. A
//! background thread flushes every second; the last flush runs on a clean stop.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::store::db::{Batch, Pool};
use crate::time::{date_of, now};

#[derive(Debug, Clone, Copy)]
pub enum Counter {
    View,
    ApiRequest,
    Ask,
    McpExposure,
}

#[derive(Default, Clone, Copy)]
struct Counts([i64; 4]);

/// Counts by day, then by user: looked up by `&str` on the hot path, so a
/// repeat visit allocates nothing.
type Pending = HashMap<String, HashMap<String, Counts>>;

thread_local! {
    /// (day number since 1970, its date) for `add`.
    static TODAY: std::cell::RefCell<(i64, String)> = const { std::cell::RefCell::new((i64::MIN, String::new())) };
}

#[derive(Default)]
pub struct Counters {
    pending: Mutex<Pending>,
}

impl Counters {
    pub fn add(&self, user_id: &str, what: Counter) {
        TODAY.with(|today| {
            // the date is formatted once a day per thread, not on every count
            let secs = now();
            let mut today = today.borrow_mut();
            if today.0 != secs.div_euclid(86_400) {
                *today = (secs.div_euclid(86_400), date_of(secs));
            }
            let day = &today.1;
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            let users = match pending.get_mut(day) {
                Some(users) => users,
                None => pending.entry(day.clone()).or_default(),
            };
            let counts = match users.get_mut(user_id) {
                Some(c) => c,
                None => users.entry(user_id.to_string()).or_default(),
            };
            counts.0[what as usize] += 1;
        })
    }

    /// Counts not yet written, for a user and day (so reads can add them).
    pub fn unwritten(&self, user_id: &str, day: &str) -> [i64; 4] {
        let pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        pending
            .get(day)
            .and_then(|users| users.get(user_id))
            .map_or([0; 4], |c| c.0)
    }

    /// Writes everything pending in one transaction. On failure the counts go
    /// back into the buffer to be tried again, so none are lost.
    pub fn flush(&self, pool: &Pool) -> Result<usize, String> {
        let batch = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()));
        if batch.is_empty() {
            return Ok(0);
        }
        let n = batch.values().map(HashMap::len).sum();
        let rows = Batch::of(batch.iter().flat_map(|(day, users)| {
            users
                .iter()
                .map(move |(user, c)| (user, day, c.0[0], c.0[1], c.0[2], c.0[3]))
        }));
        let written = crate::store::db::write(pool, |tx| {
            rows.insert(
                tx,
                "daily_stats",
                &[
                    "user_id",
                    "day",
                    "views",
                    "api_requests",
                    "asks",
                    "mcp_exposures",
                ],
                "ON CONFLICT (user_id, day) DO UPDATE SET
                   views = views + excluded.views,
                   api_requests = api_requests + excluded.api_requests,
                   asks = asks + excluded.asks,
                   mcp_exposures = mcp_exposures + excluded.mcp_exposures",
            )?;
            Ok(())
        })
        .map_err(|e| e.cause.clone().unwrap_or_else(|| e.detail.clone()));
        if let Err(e) = written {
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            for (day, users) in batch {
                let into = pending.entry(day).or_default();
                for (user, c) in users {
                    let slot = into.entry(user).or_default();
                    for i in 0..4 {
                        slot.0[i] += c.0[i];
                    }
                }
            }
            return Err(e);
        }
        Ok(n)
    }
}
