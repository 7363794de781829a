//! The pages listening: one bounded queue of server-sent events per connected page.
//!
//! Contract: `send` frames an event once and offers it to every page without waiting; a
//! page whose queue is full (it stopped reading) is dropped, and its browser reconnects
//! (an `EventSource` does so by itself). At most `MAX_PAGES` pages listen at once.
//! `idle_since` says since when no page has listened, once one has: the bridge ends when
//! the learner's tab has been closed for a while.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::Mutex;
use std::time::Instant;

use super::protocol::LiveEvent;

/// Events a page may fall behind by before it is dropped (about 6 s of state).
const QUEUE: usize = 64;
/// Pages listening at once.
pub const MAX_PAGES: usize = 8;

#[derive(Default)]
struct Inner {
    pages: Vec<SyncSender<String>>,
    /// When the last page left, once at least one had come.
    idle_since: Option<Instant>,
    ever: bool,
}

#[derive(Default)]
pub struct Hub {
    inner: Mutex<Inner>,
}

/// One event as the event stream carries it.
pub fn frame(e: &LiveEvent) -> String {
    let json = serde_json::to_string(e).unwrap_or_else(|_| "{}".into());
    // JSON has no raw newline, so one `data:` line holds the whole event.
    format!("data: {json}\n\n")
}

impl Hub {
    /// A new page's queue, or `None` when `MAX_PAGES` already listen.
    pub fn subscribe(&self) -> Option<Receiver<String>> {
        let mut g = self.inner.lock().ok()?;
        if g.pages.len() >= MAX_PAGES {
            return None;
        }
        let (tx, rx) = sync_channel(QUEUE);
        g.pages.push(tx);
        g.ever = true;
        g.idle_since = None;
        Some(rx)
    }

    pub fn send(&self, e: &LiveEvent) {
        let text = frame(e);
        if let Ok(mut g) = self.inner.lock() {
            g.pages.retain(|p| match p.try_send(text.clone()) {
                Ok(()) => true,
                Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => false,
            });
            if g.pages.is_empty() && g.ever && g.idle_since.is_none() {
                g.idle_since = Some(Instant::now());
            }
        }
    }

    /// Since when no page has listened (none before the first page came).
    pub fn idle_since(&self) -> Option<Instant> {
        self.inner.lock().ok().and_then(|g| g.idle_since)
    }

    pub fn pages(&self) -> usize {
        self.inner.lock().map(|g| g.pages.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_that_stops_reading_is_dropped_and_idleness_starts() {
        let hub = Hub::default();
        assert!(hub.idle_since().is_none());
        let slow = hub.subscribe().unwrap();
        let e = LiveEvent::Stream { text: "x".into() };
        for _ in 0..QUEUE {
            hub.send(&e);
        }
        assert_eq!(hub.pages(), 1);
        assert_eq!(slow.try_recv().unwrap(), "data: {\"kind\":\"stream\",\"text\":\"x\"}\n\n");
        hub.send(&e);
        hub.send(&e);
        assert_eq!(hub.pages(), 0);
        assert!(hub.idle_since().is_some());
        let _again = hub.subscribe().unwrap();
        assert!(hub.idle_since().is_none());
    }

    #[test]
    fn no_more_than_max_pages_listen() {
        let hub = Hub::default();
        let held: Vec<_> = (0..MAX_PAGES).map(|_| hub.subscribe().unwrap()).collect();
        assert!(hub.subscribe().is_none());
        drop(held);
        hub.send(&LiveEvent::Stream { text: String::new() });
        assert!(hub.subscribe().is_some());
    }
}
