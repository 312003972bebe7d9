//! The event hub: fans committed events out to SSE subscribers.
//!
//! The database is the source of truth; the hub only carries events that
//! are already committed, pre-serialised once for all subscribers. A
//! subscriber that falls behind (or starts from an older id) reads the gap
//! from the database, so nothing is missed and nothing repeated. This small
//! interface is what a PostgreSQL LISTEN/NOTIFY backend would replace.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use axum::body::Bytes;
use chrono_tz::Tz;
use protocol::Event;
use tokio::sync::broadcast;

/// An event ready to send: its id and its whole SSE frame
/// (`id:`, `event:`, `data:` with the event as one line of JSON), built
/// once and shared by every subscriber.
#[derive(Debug, Clone)]
pub struct Published {
    pub id: i64,
    pub frame: Bytes,
}

impl Published {
    pub fn new(event: &Event, tz: Tz) -> Published {
        let mut local = event.clone();
        local.at = event.at.with_timezone(&tz).fixed_offset();
        local.data.slot_start = event
            .data
            .slot_start
            .map(|t| t.with_timezone(&tz).fixed_offset());
        // Serialising a plain struct of strings and numbers cannot fail;
        // compact JSON has no newline, so it is one `data:` line.
        let json = serde_json::to_string(&local).unwrap_or_default();
        Published {
            id: event.id,
            frame: Bytes::from(format!(
                "id: {}\nevent: {}\ndata: {json}\n\n",
                event.id,
                event.kind.as_str()
            )),
        }
    }
}

pub struct EventHub {
    tx: broadcast::Sender<Arc<Published>>,
    last_id: AtomicI64,
    tz: Tz,
    /// Set when the server shuts down: open streams end, so the shutdown
    /// does not wait for boards and phones (they reconnect elsewhere).
    closing: tokio::sync::watch::Sender<bool>,
}

impl EventHub {
    pub fn new(last_id: i64, tz: Tz) -> EventHub {
        let (tx, _) = broadcast::channel(4096);
        EventHub {
            tx,
            last_id: AtomicI64::new(last_id),
            tz,
            closing: tokio::sync::watch::Sender::new(false),
        }
    }

    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// Subscribers following the stream now (metrics).
    pub fn subscribers(&self) -> usize {
        self.tx.receiver_count()
    }

    /// Id of the newest committed event.
    pub fn last_id(&self) -> i64 {
        self.last_id.load(Ordering::SeqCst)
    }

    /// Sends committed events, in id order (callers hold the write lock).
    pub fn publish(&self, events: &[Event]) {
        for e in events {
            self.last_id.fetch_max(e.id, Ordering::SeqCst);
            // No subscriber is not an error.
            let _ = self.tx.send(Arc::new(Published::new(e, self.tz)));
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Published>> {
        self.tx.subscribe()
    }

    /// Ends every open stream (shutdown).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves when the hub closes.
    pub fn closed(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut rx = self.closing.subscribe();
        async move {
            let _ = rx.wait_for(|closing| *closing).await;
        }
    }
}
