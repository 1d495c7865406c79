//! How many event streams each session holds open. A browser needs one per syncing tab; the
//! cap keeps one stolen or buggy session from holding thousands of connections and tasks.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Open event streams one session may hold; the next is refused until one ends.
pub const STREAMS_PER_SESSION: usize = 4;

/// The open streams, by session token digest.
#[derive(Clone, Default)]
pub struct StreamSlots {
    open: Arc<Mutex<HashMap<String, usize>>>,
}

/// One open stream's place; dropping it (the stream ended or its client went away) frees it.
pub struct StreamSlot {
    slots: StreamSlots,
    session: String,
}

impl StreamSlots {
    /// A place for another stream of `session`, unless it holds [`STREAMS_PER_SESSION`].
    pub fn take(&self, session: &str) -> Option<StreamSlot> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let count = open.entry(session.to_owned()).or_default();
        if *count >= STREAMS_PER_SESSION {
            return None;
        }
        *count += 1;
        Some(StreamSlot {
            slots: self.clone(),
            session: session.to_owned(),
        })
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.slots.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = open.get_mut(&self.session) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.session);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_holds_at_most_four_and_a_closed_one_frees_its_place() {
        let slots = StreamSlots::default();
        let mut held: Vec<StreamSlot> = (0..STREAMS_PER_SESSION)
            .map(|_| slots.take("a").expect("a place"))
            .collect();
        assert!(slots.take("a").is_none());
        assert!(slots.take("b").is_some(), "per session");
        held.pop();
        assert!(slots.take("a").is_some());
        drop(held);
        assert!(slots.open.lock().unwrap().is_empty(), "nothing left behind");
    }
}
