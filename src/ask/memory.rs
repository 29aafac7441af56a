//! Conversations of `POST /v1/profiles/{username}/chat`, in memory: what a
//! follow-up may refer back to. Bounded (the oldest is forgotten first) and
//! forgotten after an hour without a message. Transcripts, when the owner's
//! plan keeps them, are in the database; this is only the context.

use std::collections::HashMap;
use std::sync::Mutex;

use super::Context;

pub const MAX_CONVERSATIONS: usize = 10_000;
pub const IDLE_SECONDS: i64 = 3600;

struct Conversation {
    user_id: String,
    context: Context,
    last: i64,
}

#[derive(Default)]
pub struct Memory {
    conversations: Mutex<HashMap<String, Conversation>>,
}

impl Memory {
    /// The context of conversation `id` with `user_id`'s profile: `None` for an
    /// unknown id, another profile's, or one idle too long.
    pub fn get(&self, id: &str, user_id: &str, now: i64) -> Option<Context> {
        let map = self.conversations.lock().unwrap_or_else(|e| e.into_inner());
        map.get(id)
            .filter(|c| c.user_id == user_id && now - c.last <= IDLE_SECONDS)
            .map(|c| c.context.clone())
    }

    pub fn put(&self, id: &str, user_id: &str, context: Context, now: i64) {
        let mut map = self.conversations.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_CONVERSATIONS && !map.contains_key(id) {
            map.retain(|_, c| now - c.last <= IDLE_SECONDS);
            if map.len() >= MAX_CONVERSATIONS
                && let Some(oldest) = map
                    .iter()
                    .min_by_key(|(k, c)| (c.last, (*k).clone()))
                    .map(|(k, _)| k.clone())
            {
                map.remove(&oldest);
            }
        }
        map.insert(
            id.to_string(),
            Conversation {
                user_id: user_id.to_string(),
                context,
                last: now,
            },
        );
    }
}
