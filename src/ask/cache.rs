//! Résumés read for asks, kept in memory by owner and ETag. The ETag is the
//! hash of the stored public rendering the profile was read from, and every
//! ask looks the current ETag up first (`routes::ask`), so an entry is used
//! only while it is the rendering a public read would serve: an edit, going
//! private or a disabled account shows in the very next ask.
//!
//! Bounded: two generations of at most `cap / 2` entries each. New entries go
//! into the young one; when it is full it becomes the old one and the old one
//! is forgotten; an entry found in the old one moves back to the young. That
//! is an LRU in effect (what is not asked for over a generation goes), with
//! every operation O(1).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::Profile;

/// Entries kept by default. One seeded résumé (8 skills, 3 roles, 2
/// studies, 2 projects, 2 certifications) takes about 12 KB read.
pub const DEFAULT_CAP: usize = 8192;

type Generation = HashMap<String, (String, Arc<Profile>)>;

pub struct Cache {
    cap: usize,
    gens: Mutex<(Generation, Generation)>,
}

/// Frees a forgotten generation on a thread of its own: thousands of
/// profiles take milliseconds to free, which the ask that happened to fill
/// the young generation should not wait for.
fn forget(generation: Option<Generation>) {
    if let Some(g) = generation {
        // when no thread can be had, the closure (and `g` in it) is dropped
        // here instead
        let _ = std::thread::Builder::new()
            .name("ask-cache-free".into())
            .spawn(move || drop(g));
    }
}

impl Default for Cache {
    fn default() -> Cache {
        Cache::new(DEFAULT_CAP)
    }
}

impl Cache {
    pub fn new(cap: usize) -> Cache {
        Cache {
            cap: cap.max(2),
            gens: Mutex::new(Default::default()),
        }
    }

    /// The profile of `user_id` read from the rendering tagged `etag`.
    pub fn get(&self, user_id: &str, etag: &str) -> Option<Arc<Profile>> {
        let mut g = self.gens.lock().unwrap_or_else(|e| e.into_inner());
        let (young, old) = &mut *g;
        match young.get(user_id) {
            Some((tag, p)) if tag == etag => return Some(Arc::clone(p)),
            Some(_) => return None,
            None => {}
        }
        let (tag, p) = old.remove(user_id)?;
        if tag != etag {
            // drop the stale profile after the lock is let go
            drop(g);
            drop(p);
            return None;
        }
        let found = Arc::clone(&p);
        let forgotten = self.insert(&mut g, user_id.to_string(), tag, p);
        drop(g);
        forget(forgotten);
        Some(found)
    }

    pub fn put(&self, user_id: &str, etag: &str, profile: Arc<Profile>) {
        let mut g = self.gens.lock().unwrap_or_else(|e| e.into_inner());
        g.1.remove(user_id);
        let forgotten = self.insert(&mut g, user_id.to_string(), etag.to_string(), profile);
        drop(g);
        forget(forgotten);
    }

    /// Inserts into the young generation; returns what was forgotten, to be
    /// dropped outside the lock (freeing thousands of profiles takes a while).
    fn insert(
        &self,
        g: &mut (Generation, Generation),
        user_id: String,
        etag: String,
        profile: Arc<Profile>,
    ) -> Option<Generation> {
        let replaced = g.0.insert(user_id, (etag, profile));
        drop(replaced);
        (g.0.len() >= self.cap / 2).then(|| {
            let young = std::mem::take(&mut g.0);
            std::mem::replace(&mut g.1, young)
        })
    }

    /// Entries held now (both generations).
    pub fn len(&self) -> usize {
        let g = self.gens.lock().unwrap_or_else(|e| e.into_inner());
        g.0.len() + g.1.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ask::Facts;

    fn profile(name: &str) -> Arc<Profile> {
        Arc::new(Profile::new(Facts {
            username: name.into(),
            full_name: name.into(),
            ..Default::default()
        }))
    }

    #[test]
    fn an_entry_serves_only_its_etag() {
        let c = Cache::new(8);
        c.put("u1", "\"a\"", profile("one"));
        assert_eq!(c.get("u1", "\"a\"").unwrap().facts.username, "one");
        assert!(c.get("u1", "\"b\"").is_none());
        assert!(c.get("u2", "\"a\"").is_none());
        c.put("u1", "\"b\"", profile("two"));
        assert_eq!(c.get("u1", "\"b\"").unwrap().facts.username, "two");
        assert!(c.get("u1", "\"a\"").is_none());
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn bounded_and_what_is_used_stays() {
        let c = Cache::new(10);
        c.put("kept", "t", profile("kept"));
        for i in 0..100 {
            c.put(&format!("u{i}"), "t", profile("x"));
            // asked for all along: never forgotten
            assert!(c.get("kept", "t").is_some(), "after {i}");
            assert!(c.len() <= 10);
        }
        // not asked for since: gone
        assert!(c.get("u0", "t").is_none());
        // an entry found with another ETag in the old generation is dropped
        let c = Cache::new(4);
        c.put("a", "1", profile("a"));
        c.put("b", "1", profile("b"));
        assert!(c.get("a", "2").is_none());
        assert!(c.get("a", "1").is_none());
    }
}
