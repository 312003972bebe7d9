//! Test support shared by the kiosk and board tests: a real server
//! (in-process, port 0, temporary data dir), a TCP proxy the test can cut
//! to simulate a broken network, an Xvfb display for screenshots, and CPU
//! and memory readings of running apps for the idle benchmarks.
//! Test code: failures panic with what was being set up.
#![allow(clippy::unwrap_used)]

pub mod child;
pub mod frame_log;
pub mod glyphs;
pub mod pixels;
pub mod pulse;
pub mod usage;
mod xvfb;

pub use child::{Stop, percentile};
pub use madoguchi_server::config::Office;
pub use xvfb::{Xvfb, last_lines, wait_for_geometry, window_geometry};

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use madoguchi_server::clock::Clock;
use madoguchi_server::startup::Server;
use protocol::{Client, CreateReservation, WalkInRequest};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

pub struct Floor {
    pub rt: tokio::runtime::Runtime,
    pub base: String,
    pub staff: Client,
    pub kiosk: Client,
    /// The kiosk device token (to start a kiosk app against this floor).
    pub kiosk_token: String,
    _dir: tempfile::TempDir,
}

/// A Tuesday morning at the demo office: slots and opening hours do not
/// depend on when the tests run.
pub const TUESDAY_1005: &str = "2026-12-01T10:05:00+09:00";

impl Floor {
    /// A Tuesday morning (10:05 JST) at the demo office.
    pub fn start() -> Floor {
        Floor::start_at(TUESDAY_1005, None)
    }

    /// Starts at `clock` (RFC 3339); `data` reuses a directory (restart).
    pub fn start_at(clock: &str, data: Option<&Path>) -> Floor {
        Floor::start_with(Office::demo(), clock, data)
    }

    /// Like `start_at` with another office configuration.
    pub fn start_with(office: Office, clock: &str, data: Option<&Path>) -> Floor {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let dir = tempfile::tempdir().expect("dir");
        let path = data.map_or_else(|| dir.path().to_path_buf(), Path::to_path_buf);
        let start: chrono::DateTime<chrono::Utc> = chrono::DateTime::parse_from_rfc3339(clock)
            .expect("clock")
            .into();
        let (base, staff, kiosk_token) = rt.block_on(async move {
            let mut office = office;
            office.security.kiosk_requests_per_minute = 100_000;
            // Kiosk and board tests book for today.
            for s in &mut office.services {
                s.lead_working_days = 0;
            }
            let office_id = office.id.clone();
            let key = madoguchi_server::vault::Vault::default_path(&path);
            let server = Server::build(
                madoguchi_server::config::City::of(office),
                path.clone(),
                madoguchi_server::storage::Database::Sqlite(path),
                "127.0.0.1:0".parse().expect("addr"),
                Clock::starting_at(start),
                &key,
            )
            .await
            .expect("server");
            let base = format!("http://{}", server.local_addr().expect("addr"));
            let app = server.app.clone();
            tokio::spawn(server.run(std::future::pending()));
            let now = chrono::Utc::now();
            let suffix = now.timestamp_micros();
            let token = madoguchi_server::tokens::new_token();
            app.store
                .add_device(
                    &format!("kiosk-{suffix}"),
                    "kiosk",
                    &office_id,
                    &madoguchi_server::tokens::hash(&token),
                    now,
                )
                .await
                .expect("device");
            let hash = madoguchi_server::auth::hash_password("password-123").expect("hash");
            let user = format!("staff{suffix}");
            app.store
                .add_user(
                    &user,
                    &hash,
                    "staff",
                    std::slice::from_ref(&office_id),
                    &[],
                    now,
                )
                .await
                .expect("user");
            let client = Client::new(&base).expect("client");
            let session = client.login(&user, "password-123").await.expect("login");
            (base.clone(), client.with_token(session.token), token)
        });
        let kiosk = Client::new(&base)
            .expect("client")
            .with_token(kiosk_token.clone());
        Floor {
            rt,
            base,
            staff,
            kiosk,
            kiosk_token,
            _dir: dir,
        }
    }

    /// Books `service` at `start` (RFC 3339) and returns the reservation token.
    pub fn book(&self, service: &str, start: &str) -> String {
        let client = Client::new(&self.base).expect("client");
        self.rt
            .block_on(
                client.create_reservation(&CreateReservation {
                    service: service.into(),
                    start: chrono::DateTime::parse_from_rfc3339(start).expect("start"),
                    name: Some("山田 花子".into()),
                    email: Some("hanako@example.jp".into()),
                    phone: None,
                    answers: serde_json::json!({"relationship": "長女"})
                        .as_object()
                        .cloned(),
                    language: None,
                    details: None,
                }),
            )
            .expect("book")
            .token
    }

    pub fn cancel(&self, token: &str) {
        let client = Client::new(&self.base).expect("client");
        self.rt
            .block_on(client.cancel_reservation(token))
            .expect("cancel");
    }

    pub fn walk_in(&self, service: &str, key: &str) -> String {
        self.rt
            .block_on(self.kiosk.walk_in(&WalkInRequest {
                services: vec![service.into()],
                priority: false,
                idempotency_key: key.into(),
                language: None,
            }))
            .expect("walk-in")
            .number
    }

    pub fn open(&self, booth: &str) {
        self.rt
            .block_on(self.staff.booth_action(booth, "open"))
            .expect("open");
    }

    pub fn pause(&self, booth: &str) {
        self.rt
            .block_on(self.staff.booth_action(booth, "pause"))
            .expect("pause");
    }

    /// Calls the next visitor and returns (ticket id, number).
    pub fn call_next(&self, booth: &str) -> (i64, String) {
        let t = self
            .rt
            .block_on(self.staff.call_next(booth))
            .expect("call")
            .ticket
            .expect("someone waits");
        (t.id, t.number)
    }

    /// Numbers of every ticket of the day, as staff see them.
    pub fn ticket_numbers(&self) -> Vec<String> {
        self.rt
            .block_on(self.staff.staff_queue())
            .expect("queue")
            .tickets
            .into_iter()
            .map(|t| t.number)
            .collect()
    }

    pub fn act(&self, ticket: i64, action: &str) {
        self.rt
            .block_on(self.staff.ticket_action(ticket, action))
            .expect("action");
    }
}

/// Forwards TCP to the server until cut; while cut, refuses connections.
/// While swallowing, requests reach the server but replies are dropped
/// (a reply lost on the way back).
pub struct Proxy {
    pub url: String,
    enabled: Arc<AtomicBool>,
    swallow: Arc<AtomicBool>,
    conns: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    pub fn start(floor: &Floor) -> Proxy {
        let target = floor.base.trim_start_matches("http://").to_string();
        let enabled = Arc::new(AtomicBool::new(true));
        let swallow = Arc::new(AtomicBool::new(false));
        let conns: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let listener = floor
            .rt
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let (en, sw, cs) = (enabled.clone(), swallow.clone(), conns.clone());
        floor.rt.spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !en.load(Ordering::SeqCst) {
                    continue; // dropped: connection refused in effect
                }
                let target = target.clone();
                let swallow = sw.load(Ordering::SeqCst);
                let handle = tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(&target).await else {
                        return;
                    };
                    if swallow {
                        let (mut from_server, mut to_server) = outbound.split();
                        let (mut from_client, _to_client) = inbound.split();
                        let mut lost = tokio::io::sink();
                        let _ = tokio::join!(
                            tokio::io::copy(&mut from_client, &mut to_server),
                            tokio::io::copy(&mut from_server, &mut lost),
                        );
                    } else {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                cs.lock().expect("lock").push(handle);
            }
        });
        Proxy {
            url,
            enabled,
            swallow,
            conns,
        }
    }

    /// Breaks every open connection and refuses new ones.
    pub fn cut(&self) {
        self.enabled.store(false, Ordering::SeqCst);
        self.break_open();
    }

    /// Back to normal forwarding (open swallowing connections are broken).
    pub fn restore(&self) {
        self.enabled.store(true, Ordering::SeqCst);
        if self.swallow.swap(false, Ordering::SeqCst) {
            self.break_open();
        }
    }

    /// From now on requests reach the server but their replies are lost
    /// (open connections are broken so pooled ones cannot slip through).
    pub fn swallow_replies(&self) {
        self.swallow.store(true, Ordering::SeqCst);
        self.break_open();
    }

    fn break_open(&self) {
        for h in self.conns.lock().expect("lock").drain(..) {
            h.abort();
        }
    }
}
