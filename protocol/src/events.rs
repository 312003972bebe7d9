//! Following the server's event log over SSE, resuming with `Last-Event-ID`.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use eventsource_stream::Eventsource;
use futures::{Stream, StreamExt};

use crate::client::Client;
use crate::error::ClientError;
use crate::types::Event;

type SseStream = Pin<
    Box<
        dyn Stream<
                Item = Result<
                    eventsource_stream::Event,
                    eventsource_stream::EventStreamError<reqwest::Error>,
                >,
            > + Send,
    >,
>;

const MIN_BACKOFF: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(10);
/// The server sends a heartbeat at least every 15 s; silence beyond this
/// means the connection is dead even if TCP has not noticed. Heartbeats are
/// SSE comments, which the parser does not yield, so silence is measured on
/// the bytes, not on the events.
const READ_TIMEOUT: Duration = Duration::from_secs(40);

/// A resumable subscription. `next()` yields each event exactly once, in id
/// order; after a broken connection it reports the error once, then
/// reconnects (with backoff) from the last id it delivered.
pub struct EventSubscription {
    client: Client,
    last_id: Option<i64>,
    stream: Option<SseStream>,
    backoff: Duration,
    failed: bool,
    read_timeout: Duration,
    epoch: Instant,
    /// Milliseconds since `epoch` when bytes last arrived.
    last_bytes: Arc<AtomicU64>,
}

impl EventSubscription {
    pub(crate) fn new(client: Client, last_id: Option<i64>) -> Self {
        EventSubscription {
            client,
            last_id,
            stream: None,
            backoff: MIN_BACKOFF,
            failed: false,
            read_timeout: READ_TIMEOUT,
            epoch: Instant::now(),
            last_bytes: Arc::new(AtomicU64::new(0)),
        }
    }

    /// How long a silent connection (not even a heartbeat) is trusted.
    pub fn with_read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    fn millis(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    /// Id of the last event delivered.
    pub fn last_event_id(&self) -> Option<i64> {
        self.last_id
    }

    /// Whether a stream is currently open.
    pub fn is_connected(&self) -> bool {
        self.stream.is_some()
    }

    async fn connect(&mut self) -> Result<SseStream, ClientError> {
        let (client, last_id) = (&self.client, self.last_id);
        let office = client.office_path().await?;
        let resp = client
            .send_failover(|base| {
                let mut rb = client
                    .http()
                    .get(format!("{base}{office}/events"))
                    .header("accept", "text/event-stream");
                if let Some(t) = client.token() {
                    rb = rb.bearer_auth(t);
                }
                match last_id {
                    Some(id) => rb.header("last-event-id", id.to_string()),
                    // No position yet: ask for new events only.
                    None => rb.query(&[("since", "now")]),
                }
            })
            .await?;
        if !resp.status().is_success() {
            return Err(crate::client::decode::<serde_json::Value>(resp)
                .await
                .err()
                .unwrap_or(ClientError::Unexpected {
                    status: 0,
                    detail: "event stream refused".into(),
                }));
        }
        let (activity, epoch) = (self.last_bytes.clone(), self.epoch);
        activity.store(self.millis(), Ordering::Relaxed);
        let bytes = resp.bytes_stream().inspect(move |_| {
            activity.store(epoch.elapsed().as_millis() as u64, Ordering::Relaxed);
        });
        Ok(Box::pin(bytes.eventsource()))
    }

    /// The next event. Errors are reported (so an app can show
    /// "reconnecting"); call again to keep going.
    pub async fn next(&mut self) -> Result<Event, ClientError> {
        loop {
            if self.failed {
                tokio::time::sleep(self.backoff).await;
                self.backoff = (self.backoff * 2).min(MAX_BACKOFF);
                self.failed = false;
            }
            let stream = match self.stream.as_mut() {
                Some(s) => s,
                None => match self.connect().await {
                    Ok(s) => self.stream.insert(s),
                    Err(e) => {
                        self.failed = true;
                        return Err(e);
                    }
                },
            };
            let result = tokio::time::timeout(self.read_timeout, stream.next()).await;
            if result.is_err() {
                let silent = self
                    .millis()
                    .saturating_sub(self.last_bytes.load(Ordering::Relaxed));
                if silent < self.read_timeout.as_millis() as u64 {
                    continue; // heartbeats arrive: the connection is alive
                }
            }
            match result {
                Ok(Some(Ok(sse))) => {
                    self.backoff = MIN_BACKOFF;
                    if sse.data.is_empty() {
                        continue;
                    }
                    let event: Event = match serde_json::from_str(&sse.data) {
                        Ok(ev) => ev,
                        Err(e) => {
                            return Err(ClientError::Unexpected {
                                status: 200,
                                detail: format!("bad event: {e}"),
                            });
                        }
                    };
                    if self.last_id.is_some_and(|last| event.id <= last) {
                        continue; // already delivered before a reconnect
                    }
                    self.last_id = Some(event.id);
                    return Ok(event);
                }
                Ok(Some(Err(e))) => {
                    self.stream = None;
                    self.failed = true;
                    return Err(ClientError::Unexpected {
                        status: 0,
                        detail: format!("event stream broke: {e}"),
                    });
                }
                Ok(None) | Err(_) => {
                    self.stream = None;
                    self.failed = true;
                    return Err(ClientError::Unexpected {
                        status: 0,
                        detail: "event stream ended".into(),
                    });
                }
            }
        }
    }
}
