//! The floor under the fan-out figure (issue 21): a minimal program that
//! writes one frame to as many loopback TCP connections as the server has
//! subscribers, measured the same way in the same run. It answers each
//! connection with the head of a chunked `text/event-stream` response,
//! then, per call, writes the frame as one HTTP chunk to every connection
//! in turn from one thread with blocking sockets (`TCP_NODELAY`, as the
//! server sets): no HTTP parsing, no database, no broadcast channel, no
//! task per connection. The subscribers are the server figure's own
//! (`super::subscribe`: reqwest, frame split), so the ratio of the two is
//! what the server adds over the kernel's TCP path on this machine.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What one measured fan-out gives: every delivery and the last per call.
pub struct FanOut {
    pub deliveries: Vec<Duration>,
    pub last: Vec<Duration>,
}

/// A `ticket.called` frame for `number`, padded to `len` bytes (the
/// length of the server's frames), as the server writes it.
fn frame(id: usize, number: &str, len: usize) -> Vec<u8> {
    let head = format!(
        "id: {id}\nevent: ticket.called\ndata: {{\"id\":{id},\"kind\":\"ticket.called\",\"data\":{{\"number\":\"{number}\",\"pad\":\""
    );
    let tail = "\"}}\n\n";
    let pad = len.saturating_sub(head.len() + tail.len());
    let text = format!("{head}{}{tail}", "x".repeat(pad));
    // One HTTP/1.1 chunk, as the server's response body is chunked.
    let mut chunk = format!("{:x}\r\n", text.len()).into_bytes();
    chunk.extend_from_slice(text.as_bytes());
    chunk.extend_from_slice(b"\r\n");
    chunk
}

/// Accepts `n` subscribers, then writes each call's frame to all of them
/// when told (the number and the frame length come through `calls`).
fn writer(listener: TcpListener, n: usize, calls: mpsc::Receiver<(usize, String, usize)>) {
    let mut streams: Vec<TcpStream> = Vec::with_capacity(n);
    while streams.len() < n {
        let Ok((mut s, _)) = listener.accept() else {
            return;
        };
        let _ = s.set_nodelay(true);
        // The request head (one read holds it on loopback), then the answer's.
        let mut buf = [0u8; 2048];
        let _ = s.read(&mut buf);
        let head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\ntransfer-encoding: chunked\r\n\r\n";
        if s.write_all(head).is_ok() {
            streams.push(s);
        }
    }
    while let Ok((id, number, len)) = calls.recv() {
        let bytes = frame(id, &number, len);
        for s in &mut streams {
            let _ = s.write_all(&bytes);
        }
    }
}

/// The baseline with `subscribers` connections and `calls` frames, each
/// `frame_len` bytes like the server's, 300 ms apart like the server
/// figure's calls.
pub async fn run(subscribers: usize, calls: usize, frame_len: usize) -> FanOut {
    let listener = TcpListener::bind("127.0.0.1:0").expect("baseline listener");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let (call_tx, call_rx) = mpsc::channel();
    let writer = std::thread::spawn(move || writer(listener, subscribers, call_rx));

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(String, Instant)>();
    let connected = Arc::new(AtomicUsize::new(0));
    let tasks = super::subscribe(&base, subscribers, tx.clone(), connected.clone());
    drop(tx);
    super::until_connected(&connected, subscribers).await;

    let mut deliveries = Vec::with_capacity(subscribers * calls);
    let mut last = Vec::with_capacity(calls);
    for i in 0..calls {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let number = format!("B{:03}", i + 1);
        let t0 = Instant::now();
        call_tx
            .send((i + 1, number.clone(), frame_len))
            .expect("writer");
        let got = super::arrivals(&mut rx, &number, subscribers, t0).await;
        last.push(got.iter().copied().max().unwrap_or_default());
        deliveries.extend(got);
    }
    drop(call_tx);
    for t in tasks {
        t.abort();
    }
    let _ = writer.join();
    deliveries.sort();
    last.sort();
    FanOut { deliveries, last }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_frame_is_one_chunk_of_the_length_asked() {
        let f = super::frame(7, "B007", 300);
        let text = String::from_utf8(f).expect("text");
        let (size, rest) = text.split_once("\r\n").expect("chunk size");
        assert_eq!(usize::from_str_radix(size, 16).expect("hex"), 300);
        assert_eq!(rest.len(), 302);
        assert!(rest.contains("event: ticket.called") && rest.contains("\"number\":\"B007\""));
    }
}
