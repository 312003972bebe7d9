//! Async client for the contract, used by the kiosk, the board and the tests.

use chrono::NaiveDate;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::{Serialize, de::DeserializeOwned};

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::ClientError;
use crate::events::EventSubscription;
use crate::types::*;

/// A handle on a server, optionally with a bearer token (staff session or
/// device token). Cheap to clone; clones share which server is in use.
///
/// With several servers (`with_servers`), a request that cannot connect
/// goes to the next one, which is then used from there on. Only connect
/// errors are sent again: such a request never reached a server, so even a
/// check-in is safe to repeat. A request that timed out, or was answered
/// 502–504, is reported, not repeated (the action may have happened); the
/// next request goes to the next server.
#[derive(Debug, Clone)]
pub struct Client {
    servers: Arc<Servers>,
    http: reqwest::Client,
    token: Option<String>,
    /// The office whose routes (`/api/v1/offices/{office}/…`) the office
    /// calls use: `at_office`, else the city's first, asked once.
    office: Arc<std::sync::OnceLock<String>>,
}

/// Where a kiosk or board connects: the floor's servers, its office, its
/// device token and the certificate authority it trusts besides the
/// system's (PEM, for a city's own CA).
#[derive(Debug, Clone, Default)]
pub struct Connection {
    pub servers: Vec<String>,
    pub office: Option<String>,
    pub token: Option<String>,
    pub ca_pem: Option<Vec<u8>>,
}

impl Connection {
    pub fn client(&self) -> Result<Client, ClientError> {
        let client = Client::with_servers_trusting(&self.servers, self.ca_pem.as_deref())?;
        let client = match &self.office {
            Some(o) => client.at_office(o.clone()),
            None => client,
        };
        Ok(match &self.token {
            Some(t) => client.with_token(t.clone()),
            None => client,
        })
    }
}

#[derive(Debug)]
struct Servers {
    urls: Vec<String>,
    current: AtomicUsize,
}

fn server_root(url: &str) -> Result<String, ClientError> {
    let base = url.trim().trim_end_matches('/').to_string();
    if !(base.starts_with("http://") || base.starts_with("https://")) {
        return Err(ClientError::BadUrl(base));
    }
    Ok(base)
}

impl Client {
    /// `base` is the server's root, e.g. `http://127.0.0.1:8080`.
    pub fn new(base: &str) -> Result<Self, ClientError> {
        Client::with_servers(&[base])
    }

    /// Several servers of one floor (two instances on one database), tried
    /// in turn: the first that answers is used until it stops answering.
    pub fn with_servers<S: AsRef<str>>(urls: &[S]) -> Result<Self, ClientError> {
        Client::with_servers_trusting(urls, None)
    }

    /// As `with_servers`; `https://` servers are checked against the
    /// system's certificate authorities and, when given, the city's own
    /// (`ca_pem`: one or more PEM certificates, e.g. `--ca-cert`).
    pub fn with_servers_trusting<S: AsRef<str>>(
        urls: &[S],
        ca_pem: Option<&[u8]>,
    ) -> Result<Self, ClientError> {
        let urls = urls
            .iter()
            .map(|u| server_root(u.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        if urls.is_empty() {
            return Err(ClientError::BadUrl("no server given".into()));
        }
        let http = http_client(ca_pem)?;
        Ok(Client {
            servers: Arc::new(Servers {
                urls,
                current: AtomicUsize::new(0),
            }),
            http,
            token: None,
            office: Arc::new(std::sync::OnceLock::new()),
        })
    }

    /// The same servers, for the office `id`'s routes (a kiosk or board of
    /// that office, a clerk working there).
    pub fn at_office(&self, id: impl Into<String>) -> Self {
        let office = std::sync::OnceLock::new();
        let _ = office.set(id.into());
        Client {
            office: Arc::new(office),
            ..self.clone()
        }
    }

    /// `/api/v1/offices/{office}` of the office in use: the one given to
    /// `at_office`, else the first the server lists.
    pub async fn office_path(&self) -> Result<String, ClientError> {
        let id = match self.office.get() {
            Some(id) => id.clone(),
            None => {
                let offices: Vec<OfficeInfo> = self.get("/api/v1/offices").await?;
                let first = offices
                    .into_iter()
                    .next()
                    .ok_or_else(|| ClientError::BadUrl("the server lists no office".into()))?
                    .id;
                self.office.get_or_init(|| first).clone()
            }
        };
        // Office ids are plain (letters, digits, - and _): no escaping.
        Ok(format!("/api/v1/offices/{id}"))
    }

    /// The city's offices.
    pub async fn offices(&self) -> Result<Vec<OfficeInfo>, ClientError> {
        self.get("/api/v1/offices").await
    }

    /// The whole city's congestion.
    pub async fn city_congestion(&self) -> Result<CityCongestion, ClientError> {
        self.get("/api/v1/congestion").await
    }

    /// The same server with a bearer token.
    pub fn with_token(&self, token: impl Into<String>) -> Self {
        Client {
            token: Some(token.into()),
            ..self.clone()
        }
    }

    /// The root of the server in use.
    pub fn base_url(&self) -> &str {
        let s = &self.servers;
        &s.urls[s.current.load(Ordering::Relaxed) % s.urls.len()]
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub(crate) fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    fn request_to(&self, base: &str, method: Method, path: &str) -> RequestBuilder {
        let rb = self
            .http
            .request(method, format!("{base}{path}"))
            .timeout(std::time::Duration::from_secs(15));
        match &self.token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.request_to(self.base_url(), method, path)
    }

    /// Sends what `build` makes for a server's root, moving on to the next
    /// server while one cannot be connected to.
    pub(crate) async fn send_failover(
        &self,
        build: impl Fn(&str) -> RequestBuilder,
    ) -> Result<reqwest::Response, reqwest::Error> {
        let s = &self.servers;
        let start = s.current.load(Ordering::Relaxed);
        let mut k = 0;
        let n = s.urls.len();
        // A server that answers but cannot work (no database: 503; a proxy
        // in front of a dead one: 502/504) or does not answer in time keeps
        // this request's answer, but the next request tries another.
        let next_time = |i: usize| {
            if n > 1 {
                s.current.store((i + 1) % n, Ordering::Relaxed);
            }
        };
        loop {
            let i = (start + k) % n;
            match build(&s.urls[i]).send().await {
                Ok(resp) => {
                    if matches!(resp.status().as_u16(), 502..=504) {
                        next_time(i);
                    } else if k > 0 {
                        s.current.store(i, Ordering::Relaxed);
                    }
                    return Ok(resp);
                }
                Err(e) if e.is_connect() && k + 1 < n => k += 1,
                Err(e) => {
                    if e.is_timeout() {
                        next_time(i);
                    }
                    return Err(e);
                }
            }
        }
    }

    async fn send<T: DeserializeOwned>(
        &self,
        build: impl Fn(&str) -> RequestBuilder,
    ) -> Result<T, ClientError> {
        let resp = self.send_failover(build).await?;
        decode(resp).await
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        self.send(|base| self.request_to(base, Method::GET, path))
            .await
    }

    async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        self.send(|base| self.request_to(base, Method::POST, path).json(body))
            .await
    }

    async fn post_empty<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        self.send(|base| self.request_to(base, Method::POST, path))
            .await
    }

    // ---- public ----

    pub async fn health(&self) -> Result<Health, ClientError> {
        self.get("/healthz").await
    }

    pub async fn services(&self) -> Result<Vec<Service>, ClientError> {
        self.get(&format!("{}/services", self.office_path().await?))
            .await
    }

    pub async fn booths(&self) -> Result<Vec<Booth>, ClientError> {
        self.get(&format!("{}/booths", self.office_path().await?))
            .await
    }

    pub async fn slots(
        &self,
        service: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Slot>, ClientError> {
        let (from, to) = (from.to_string(), to.to_string());
        let query = [("service", service), ("from", &from), ("to", &to)];
        let path = format!("{}/slots", self.office_path().await?);
        self.send(|base| self.request_to(base, Method::GET, &path).query(&query))
            .await
    }

    pub async fn create_reservation(
        &self,
        req: &CreateReservation,
    ) -> Result<ReservationCreated, ClientError> {
        self.post(&format!("{}/reservations", self.office_path().await?), req)
            .await
    }

    pub async fn reservation(&self, token: &str) -> Result<Reservation, ClientError> {
        self.get(&format!("/api/v1/reservations/{token}")).await
    }

    pub async fn cancel_reservation(&self, token: &str) -> Result<Reservation, ClientError> {
        let path = format!("/api/v1/reservations/{token}");
        self.send(|base| self.request_to(base, Method::DELETE, &path))
            .await
    }

    pub async fn ticket_status(&self, status_token: &str) -> Result<TicketStatus, ClientError> {
        self.get(&format!("/api/v1/tickets/{status_token}")).await
    }

    /// Asks for e-mails when the turn is near and when called.
    pub async fn register_notification(
        &self,
        status_token: &str,
        req: &NotifyRequest,
    ) -> Result<NotifyAccepted, ClientError> {
        self.post(&format!("/api/v1/tickets/{status_token}/notify"), req)
            .await
    }

    pub async fn board(&self) -> Result<BoardSnapshot, ClientError> {
        self.get(&format!("{}/board", self.office_path().await?))
            .await
    }

    /// Follows `/api/v1/events` from after `last_event_id` (None: only new
    /// events), reconnecting with backoff and `Last-Event-ID`.
    pub fn events(&self, last_event_id: Option<i64>) -> EventSubscription {
        EventSubscription::new(self.clone(), last_event_id)
    }

    // ---- kiosk ----

    pub async fn checkin(&self, code: &str) -> Result<IssuedTicket, ClientError> {
        self.checkin_in(code, None).await
    }

    /// Check-in with the language the visitor chose on the kiosk.
    pub async fn checkin_in(
        &self,
        code: &str,
        language: Option<&str>,
    ) -> Result<IssuedTicket, ClientError> {
        self.post(
            &format!("{}/kiosk/checkin", self.office_path().await?),
            &CheckinRequest {
                code: code.to_string(),
                language: language.map(str::to_string),
            },
        )
        .await
    }

    pub async fn walk_in(&self, req: &WalkInRequest) -> Result<IssuedTicket, ClientError> {
        self.post(&format!("{}/kiosk/tickets", self.office_path().await?), req)
            .await
    }

    // ---- staff ----

    /// Logs in; use `with_token(session.token)` for the staff calls.
    pub async fn login(&self, username: &str, password: &str) -> Result<SessionInfo, ClientError> {
        self.post(
            "/api/v1/session",
            &LoginRequest {
                username: username.to_string(),
                password: password.to_string(),
            },
        )
        .await
    }

    pub async fn booth_action(&self, booth: &str, action: &str) -> Result<Booth, ClientError> {
        self.post_empty(&format!(
            "{}/staff/booths/{booth}/{action}",
            self.office_path().await?
        ))
        .await
    }

    pub async fn call_next(&self, booth: &str) -> Result<CallResult, ClientError> {
        self.post_empty(&format!(
            "{}/staff/booths/{booth}/call-next",
            self.office_path().await?
        ))
        .await
    }

    pub async fn call_ticket(&self, booth: &str, ticket: i64) -> Result<CallResult, ClientError> {
        self.post(
            &format!("{}/staff/booths/{booth}/call", self.office_path().await?),
            &CallTicketRequest { ticket },
        )
        .await
    }

    /// `action`: `recall`, `start`, `complete`, `no-show` or `reactivate`.
    pub async fn ticket_action(&self, ticket: i64, action: &str) -> Result<Ticket, ClientError> {
        self.post_empty(&format!(
            "{}/staff/tickets/{ticket}/{action}",
            self.office_path().await?
        ))
        .await
    }

    pub async fn transfer(
        &self,
        ticket: i64,
        service: &str,
        note: Option<&str>,
    ) -> Result<Ticket, ClientError> {
        self.post(
            &format!(
                "{}/staff/tickets/{ticket}/transfer",
                self.office_path().await?
            ),
            &TransferRequest {
                service: service.to_string(),
                note: note.map(str::to_string),
            },
        )
        .await
    }

    pub async fn add_note(&self, ticket: i64, text: &str) -> Result<Ticket, ClientError> {
        self.post(
            &format!("{}/staff/tickets/{ticket}/notes", self.office_path().await?),
            &NoteRequest {
                text: text.to_string(),
            },
        )
        .await
    }

    pub async fn staff_queue(&self) -> Result<StaffQueue, ClientError> {
        self.get(&format!("{}/staff/queue", self.office_path().await?))
            .await
    }

    pub async fn staff_reservations(
        &self,
        date: NaiveDate,
    ) -> Result<Vec<Reservation>, ClientError> {
        self.get(&format!(
            "{}/staff/reservations?date={date}",
            self.office_path().await?
        ))
        .await
    }

    /// Raw request for tests and tools that probe the contract's edges.
    pub fn raw(&self, method: Method, path: &str) -> RequestBuilder {
        self.request(method, path)
    }
}

/// The HTTP client of every `Client`: rustls, the system's certificate
/// authorities and, when given, the city's own (PEM).
fn http_client(ca_pem: Option<&[u8]>) -> Result<reqwest::Client, ClientError> {
    let mut builder = reqwest::Client::builder().connect_timeout(CONNECT_TIMEOUT);
    if let Some(pem) = ca_pem {
        let certs = reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|e| ClientError::BadCertificate(e.to_string()))?;
        if certs.is_empty() {
            return Err(ClientError::BadCertificate(
                "no PEM certificate in it".into(),
            ));
        }
        builder = builder.tls_certs_merge(certs);
    }
    install_crypto_provider();
    builder
        .build()
        .map_err(|e| ClientError::BadCertificate(e.to_string()))
}

/// Whether `pem` is a certificate authority a `Client` can trust (a
/// device's `--ca-cert`, checked at start-up).
pub fn check_ca_pem(pem: &[u8]) -> Result<(), ClientError> {
    http_client(Some(pem)).map(|_| ())
}

/// rustls with ring, as the server's TLS, mail and LDAP use it (reqwest is
/// built without a provider of its own, which would bring aws-lc).
fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Err: the process has installed one already, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// How long a server may take to accept a connection before the next one
/// is tried (a machine that is off does not refuse, it is silent).
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// Turns a response into `T`, or into the contract's error.
pub async fn decode<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T, ClientError> {
    let status = resp.status();
    let bytes = resp.bytes().await?;
    if status.is_success() {
        return serde_json::from_slice(&bytes).map_err(|e| ClientError::Unexpected {
            status: status.as_u16(),
            detail: e.to_string(),
        });
    }
    match serde_json::from_slice::<ApiError>(&bytes) {
        Ok(err) => Err(ClientError::Api {
            status: status.as_u16(),
            body: err.error,
        }),
        Err(_) => Err(ClientError::Unexpected {
            status: status.as_u16(),
            detail: String::from_utf8_lossy(&bytes).chars().take(200).collect(),
        }),
    }
}

/// True for answers worth retrying later (server down or overloaded).
pub fn is_transient(err: &ClientError) -> bool {
    match err {
        ClientError::Network(_) => true,
        ClientError::Api { status, .. } | ClientError::Unexpected { status, .. } => {
            *status == StatusCode::TOO_MANY_REQUESTS.as_u16() || *status >= 500
        }
        ClientError::BadUrl(_) | ClientError::BadCertificate(_) => false,
    }
}
