//! The network thread: a current-thread tokio runtime that fetches the
//! board snapshot, follows the event stream with resume, and hands both to
//! Bevy over a channel. It never blocks a frame; `wake` nudges the
//! reactive event loop after each message.

use std::time::Duration;

use crossbeam_channel::Sender;
use protocol::{BoardSnapshot, Event};

#[derive(Debug)]
pub enum NetMsg {
    Services(Vec<protocol::Service>),
    Snapshot(Box<BoardSnapshot>),
    Event(Box<Event>),
    Connected(bool),
    /// Ctrl-C or SIGTERM: the reactive loop may be asleep until the next
    /// minute, so the signal arrives here and wakes it to exit at once.
    Quit,
}

/// Snapshots are refreshed this long after a change (several changes in a
/// burst make one request) and, as a safety net, this often when idle
/// (waits only move with events, which the stream brings).
const REFRESH_DELAY: Duration = Duration::from_millis(250);
const REFRESH_IDLE: Duration = Duration::from_secs(300);

pub fn spawn(
    connection: protocol::Connection,
    tx: Sender<NetMsg>,
    wake: impl Fn() + Send + Sync + 'static,
) {
    let wake = std::sync::Arc::new(wake);
    let (quit_tx, quit_wake) = (tx.clone(), wake.clone());
    app_support::spawn_network(
        "board-network",
        move || async move { run(connection, tx, &*wake).await },
        move || {
            let _ = quit_tx.send(NetMsg::Quit);
            quit_wake();
        },
    );
}

/// Whether two snapshots show the same waits and booths.
fn same_view(a: &BoardSnapshot, b: &BoardSnapshot) -> bool {
    a.services == b.services && a.booths == b.booths && a.office == b.office
}

async fn run(connection: protocol::Connection, tx: Sender<NetMsg>, wake: &impl Fn()) {
    let send = |msg: NetMsg| {
        let ok = tx.send(msg).is_ok();
        wake();
        ok
    };
    let client = match connection.client() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "bad server url");
            return;
        }
    };
    let mut backoff = Duration::from_millis(250);
    let snapshot = loop {
        let both = async {
            Ok::<_, protocol::ClientError>((client.services().await?, client.board().await?))
        };
        match both.await {
            Ok((services, s)) => {
                if !send(NetMsg::Services(services)) {
                    return;
                }
                break s;
            }
            Err(e) => {
                tracing::warn!(error = %e, "board snapshot failed; retrying");
                if !send(NetMsg::Connected(false)) {
                    return;
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(10));
            }
        }
    };
    let mut subscription = client.events(Some(snapshot.last_event_id));
    let mut last_shown = Some(snapshot.clone());
    if !send(NetMsg::Snapshot(Box::new(snapshot))) || !send(NetMsg::Connected(true)) {
        return;
    }
    let mut refresh_at = tokio::time::Instant::now() + REFRESH_IDLE;
    let mut connected = true;
    loop {
        tokio::select! {
            next = subscription.next() => match next {
                Ok(event) => {
                    if !connected {
                        connected = true;
                        // Reconnected: waits may have moved meanwhile.
                        refresh_at = tokio::time::Instant::now();
                        send(NetMsg::Connected(true));
                    }
                    refresh_at = refresh_at.min(tokio::time::Instant::now() + REFRESH_DELAY);
                    if !send(NetMsg::Event(Box::new(event))) {
                        return;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "event stream interrupted; reconnecting");
                    connected = false;
                    if !send(NetMsg::Connected(false)) {
                        return;
                    }
                }
            },
            _ = tokio::time::sleep_until(refresh_at) => {
                refresh_at = tokio::time::Instant::now() + REFRESH_IDLE;
                match client.board().await {
                    // An unchanged snapshot would only wake the screen for nothing.
                    Ok(s) if last_shown.as_ref().is_some_and(|l| same_view(l, &s)) => {}
                    Ok(s) => {
                        last_shown = Some(s.clone());
                        if !send(NetMsg::Snapshot(Box::new(s))) {
                            return;
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "snapshot refresh failed"),
                }
            }
        }
    }
}
