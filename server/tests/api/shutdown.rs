//! A server stops promptly on SIGTERM while boards follow its event
//! stream: the streams end (boards reconnect, to another server if there
//! is one) instead of holding the shutdown open for good; SIGHUP
//! (`systemctl reload`) leaves it running.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::durability::start_logging;

#[tokio::test]
async fn sigterm_ends_the_event_streams_and_the_server() {
    let dir = tempfile::tempdir().expect("dir");
    let mut p = start_logging(dir.path(), "127.0.0.1:0", &[], &[], Stdio::null());
    let url = format!("{}/api/v1/offices/honcho/events", p.client.base_url());
    let mut boards = Vec::new();
    for _ in 0..2 {
        let r = reqwest::get(&url).await.expect("stream");
        assert_eq!(r.status(), 200);
        boards.push(r);
    }
    // SIGHUP (systemctl reload) does not end it.
    let ok = Command::new("kill")
        .args(["-HUP", &p.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(ok.success());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        p.child.try_wait().expect("wait").is_none(),
        "SIGHUP ended the server"
    );
    p.client.health().await.expect("still answering");
    let ok = Command::new("kill")
        .args(["-TERM", &p.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(ok.success());
    let started = Instant::now();
    let status = loop {
        if let Some(s) = p.child.try_wait().expect("wait") {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "still running 5 s after SIGTERM with two streams open"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(status.success(), "{status}");
    // The streams ended cleanly (the board sees the end and reconnects).
    for mut b in boards {
        let end = tokio::time::timeout(Duration::from_secs(2), async {
            while let Ok(Some(_)) = b.chunk().await {}
        })
        .await;
        assert!(end.is_ok(), "stream did not end");
    }
}
