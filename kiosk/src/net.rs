//! The network thread: a current-thread tokio runtime that sends the
//! kiosk's requests through the `protocol` client, retries what did not
//! get an answer with the very same (idempotent) request, watches the
//! server's health and the list of procedures. It never blocks a frame;
//! `wake` nudges the reactive event loop after each message.

use std::time::Duration;

use crossbeam_channel::Sender;
use protocol::client::is_transient;
use protocol::{Client, ClientError};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::{Instant, sleep, timeout};

use crate::model::{Reply, Request};

#[derive(Debug)]
pub enum NetMsg {
    Reply(Reply),
    Connected(bool),
    Services(Vec<protocol::Service>),
    /// Ctrl-C or SIGTERM (the reactive loop may be asleep).
    Quit,
}

/// How hard to try before telling the visitor to ask staff.
#[derive(Debug, Clone)]
pub struct Patience {
    /// One attempt's limit (connect + answer).
    pub attempt: Duration,
    /// Give up after this long and show "not connected".
    pub give_up: Duration,
}

impl Default for Patience {
    fn default() -> Self {
        Patience {
            attempt: Duration::from_secs(5),
            give_up: Duration::from_secs(20),
        }
    }
}

const HEALTH_EVERY_UP: Duration = Duration::from_secs(15);
const HEALTH_EVERY_DOWN: Duration = Duration::from_secs(3);
const SERVICES_EVERY: Duration = Duration::from_secs(300);

pub fn spawn(
    connection: protocol::Connection,
    patience: Patience,
    requests: UnboundedReceiver<Request>,
    tx: Sender<NetMsg>,
    wake: impl Fn() + Send + Sync + 'static,
) {
    let wake = std::sync::Arc::new(wake);
    let send = move |m: NetMsg| {
        let _ = tx.send(m);
        wake();
    };
    let on_quit = {
        let send = send.clone();
        move || send(NetMsg::Quit)
    };
    app_support::spawn_network(
        "kiosk-network",
        move || async move {
            let client = match connection.client() {
                Ok(c) => c,
                Err(e) => {
                    tracing::error!(error = %e, "bad server address");
                    return;
                }
            };
            let recheck = tokio::sync::Notify::new();
            tokio::select! {
                _ = serve(client.clone(), patience, requests, send.clone(), &recheck) => {}
                _ = watch(client, send, &recheck) => {}
            }
        },
        on_quit,
    );
}

/// Sends requests one after another (the screen waits for each answer).
async fn serve(
    client: Client,
    patience: Patience,
    mut requests: UnboundedReceiver<Request>,
    send: impl Fn(NetMsg),
    recheck: &tokio::sync::Notify,
) {
    while let Some(req) = requests.recv().await {
        let reply = perform(&client, &req, &patience, &send).await;
        if matches!(reply, Reply::GaveUp { .. }) {
            // Update the connection banner now, not at the next poll.
            recheck.notify_one();
        }
        send(NetMsg::Reply(reply));
    }
    // The app is gone: stay idle until the thread ends with the process.
    std::future::pending::<()>().await;
}

/// One request until an answer or the deadline; transient failures
/// (no connection, timeout, 5xx, 429) are retried with backoff.
pub async fn perform(
    client: &Client,
    req: &Request,
    patience: &Patience,
    send: &impl Fn(NetMsg),
) -> Reply {
    let id = req.id();
    let deadline = Instant::now() + patience.give_up;
    let mut delay = Duration::from_millis(250);
    let mut told = false;
    loop {
        let attempt = timeout(patience.attempt, async {
            match req {
                Request::Checkin { code, language, .. } => {
                    client.checkin_in(code, language.as_deref()).await
                }
                Request::WalkIn { req, .. } => client.walk_in(req).await,
            }
        })
        .await;
        let err: Option<ClientError> = match attempt {
            Ok(Ok(ticket)) => {
                return Reply::Ticket {
                    id,
                    ticket: Box::new(ticket),
                };
            }
            Ok(Err(e)) if !is_transient(&e) => {
                tracing::info!(code = ?e.code(), status = ?e.status(), "request refused");
                return Reply::Refused {
                    id,
                    status: e.status(),
                    code: e.code(),
                };
            }
            Ok(Err(e)) => Some(e),
            Err(_) => None,
        };
        match &err {
            Some(e) => tracing::warn!(error = %e, "no answer; trying again"),
            None => tracing::warn!("request timed out; trying again"),
        }
        if Instant::now() + delay >= deadline {
            return Reply::GaveUp { id };
        }
        if !told {
            told = true;
            send(NetMsg::Reply(Reply::Retrying { id }));
        }
        sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(4));
    }
}

/// Follows the server's health and its list of procedures.
async fn watch(client: Client, send: impl Fn(NetMsg), recheck: &tokio::sync::Notify) {
    let mut up: Option<bool> = None;
    let mut services_at: Option<Instant> = None;
    // An unchanged list would only wake the screen to draw the same frame.
    let mut services_sent: Option<Vec<protocol::Service>> = None;
    loop {
        let ok = matches!(
            timeout(Duration::from_secs(5), client.health()).await,
            Ok(Ok(_))
        );
        if up != Some(ok) {
            up = Some(ok);
            send(NetMsg::Connected(ok));
        }
        if ok
            && services_at.is_none_or(|t| t.elapsed() >= SERVICES_EVERY)
            && let Ok(Ok(list)) = timeout(Duration::from_secs(5), client.services()).await
        {
            services_at = Some(Instant::now());
            if services_sent.as_ref() != Some(&list) {
                services_sent = Some(list.clone());
                send(NetMsg::Services(list));
            }
        }
        let every = if ok {
            HEALTH_EVERY_UP
        } else {
            HEALTH_EVERY_DOWN
        };
        tokio::select! {
            _ = sleep(every) => {}
            _ = recheck.notified() => {}
        }
    }
}
