//! `GET /api/v1/events`: the event log over Server-Sent Events.
//!
//! Resumes after `Last-Event-ID` (or `?since=ID`, or `?since=now`): the
//! subscriber first joins the live channel, then replays the gap from the
//! database, then forwards live events with ids above the last one sent,
//! so nothing is missed and nothing repeated.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use protocol::ErrorCode;
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;

use super::auth::AtOffice;
use super::extract::ApiQuery;
use crate::app::OfficeApp;
use crate::error::{Error, Result};
use crate::hub::Published;

const REPLAY_BATCH: i64 = 500;
/// A comment line at least this often keeps proxies and clients sure the
/// stream is alive (the contract asks for one every 15 s at most).
pub const HEARTBEAT: Duration = Duration::from_secs(10);
const HEARTBEAT_FRAME: &[u8] = b":heartbeat\n\n";

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// Resume after this event id, or `now` for new events only.
    /// The `Last-Event-ID` header takes precedence.
    since: Option<String>,
}

fn parse_id(s: &str) -> Result<i64> {
    s.trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id >= 0)
        .ok_or_else(|| {
            Error::invalid(
                ErrorCode::InvalidEventId,
                "event ids are non-negative integers",
            )
        })
}

struct Follower {
    app: Arc<OfficeApp>,
    rx: tokio::sync::broadcast::Receiver<Arc<Published>>,
    last: i64,
    backlog: VecDeque<Arc<Published>>,
    replaying: bool,
}

impl Follower {
    async fn refill(&mut self) -> bool {
        match self.app.store.events_after(self.last, REPLAY_BATCH).await {
            Ok(events) => {
                let tz = self.app.hub.tz();
                self.replaying = events.len() as i64 == REPLAY_BATCH;
                self.backlog
                    .extend(events.iter().map(|e| Arc::new(Published::new(e, tz))));
                true
            }
            Err(e) => {
                tracing::warn!(error = %e, "event replay failed; closing stream");
                false
            }
        }
    }

    async fn next(&mut self) -> Option<Arc<Published>> {
        loop {
            if let Some(e) = self.backlog.pop_front() {
                if e.id > self.last {
                    self.last = e.id;
                    return Some(e);
                }
                continue;
            }
            if self.replaying {
                if !self.refill().await {
                    return None;
                }
                continue;
            }
            match self.rx.recv().await {
                Ok(e) if e.id <= self.last => continue,
                Ok(e) if e.id == self.last + 1 || self.last == 0 => {
                    self.last = e.id;
                    return Some(e);
                }
                // A gap (ids are dense, so something was skipped): read it.
                Ok(e) => {
                    self.replaying = true;
                    if !self.refill().await {
                        return None;
                    }
                    self.backlog.push_back(e);
                }
                Err(RecvError::Lagged(_)) => {
                    self.replaying = true;
                }
                Err(RecvError::Closed) => return None,
            }
        }
    }
}

#[utoipa::path(get, path = "/api/v1/offices/{office}/events", tag = "public", params(EventsQuery,
        ("Last-Event-ID" = Option<String>, Header, description = "resume after this event id")),
    responses((status = 200, content_type = "text/event-stream", description = "`id:` event id, `event:` kind, `data:` the Event as JSON", body = protocol::Event),
        (status = 400, body = protocol::ApiError)))]
pub async fn events(
    AtOffice(app): AtOffice,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> Result<Response> {
    // Join the live channel before reading the position, so no event
    // committed in between can fall through the crack.
    let rx = app.hub.subscribe();
    let closed = app.hub.closed();
    let header = headers.get("last-event-id").and_then(|v| v.to_str().ok());
    let last = match (header, q.since.as_deref()) {
        (Some(h), _) => parse_id(h)?,
        (None, Some("now")) | (None, None) => app.hub.last_id(),
        (None, Some(s)) => parse_id(s)?,
    };
    let replaying = last < app.hub.last_id();
    let follower = Follower {
        app,
        rx,
        last,
        backlog: VecDeque::new(),
        replaying,
    };
    // Frames are pre-built by the hub: the stream only hands out shared
    // bytes. Heartbeats come from one interval beside it (no timer per event).
    let events = futures::stream::unfold(follower, |mut f| async move {
        let e = f.next().await?;
        Some((e.frame.clone(), f))
    });
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + HEARTBEAT, HEARTBEAT);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let heartbeats = tokio_stream::wrappers::IntervalStream::new(ticks)
        .map(|_| Bytes::from_static(HEARTBEAT_FRAME));
    // The stream ends when the event side ends (server shutting down).
    let stream = futures::stream::select(
        events
            .map(Some)
            .chain(futures::stream::once(async { None })),
        heartbeats.map(Some),
    )
    .take_while(|item| std::future::ready(item.is_some()))
    .filter_map(std::future::ready)
    .take_until(closed)
    .map(Ok::<_, Infallible>);
    Ok((
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
            // nginx: pass each event on at once, even where the site's
            // configuration forgot `proxy_buffering off`.
            (header::HeaderName::from_static("x-accel-buffering"), "no"),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}
