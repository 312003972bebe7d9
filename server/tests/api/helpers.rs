use std::path::Path;
use std::sync::Arc;

use madoguchi_server::app::App;
use madoguchi_server::clock::Clock;
use madoguchi_server::config::{City, Office};
use madoguchi_server::startup::Server;
use madoguchi_server::storage::Database;
use protocol::{
    Client, ClientError, CreateReservation, ReservationCreated, SessionInfo, WalkInRequest,
};

/// A Tuesday morning at the demo office (all tests pin the clock here so
/// slots and opening hours do not depend on when the tests run).
pub const TUESDAY_1005: &str = "2026-12-01T10:05:00+09:00";
pub const STAFF_PASSWORD: &str = "correct-horse-1";

pub struct TestApp {
    pub base: String,
    pub public: Client,
    pub kiosk: Client,
    pub board: Client,
    pub staff: Client,
    pub session: SessionInfo,
    pub kiosk_token: String,
    pub board_token: String,
    pub app: Arc<App>,
    /// The server's data directory (database, mail files).
    pub data: std::path::PathBuf,
    _dir: Option<tempfile::TempDir>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

pub fn at(rfc3339: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .expect("test time")
        .with_timezone(&chrono::Utc)
}

pub fn office() -> Office {
    let mut office = Office::demo();
    // Tests fire many requests from one kiosk; the limit has its own test.
    office.security.kiosk_requests_per_minute = 1_000_000;
    // Tests book and check in on the same day; the lead time has its own test.
    for s in &mut office.services {
        s.lead_working_days = 0;
    }
    office
}

/// The backend this run tests: SQLite in the data directory, or with
/// `MADOGUCHI_TEST_DATABASE=postgres` a database of its own on the test
/// binary's throw-away PostgreSQL cluster (`scripts/test` runs the suite
/// both ways). A restart on the same data directory finds the same
/// database again (its URL is kept in the directory).
pub fn test_database(data: &Path) -> Database {
    let keep = data.join("test-database-url");
    if let Ok(url) = std::fs::read_to_string(&keep) {
        return Database::Postgres(url);
    }
    if !on_postgres() {
        return Database::Sqlite(data.to_path_buf());
    }
    let url = pgtest::Cluster::shared()
        .and_then(|c| c.create_database())
        .unwrap_or_else(|e| panic!("test PostgreSQL: {e}"));
    std::fs::create_dir_all(data).expect("data dir");
    std::fs::write(&keep, &url).expect("keep the database URL");
    Database::Postgres(url)
}

/// `--data DIR`, and on PostgreSQL `--database-url` of that directory's
/// database (and `--details-key` when it shares another's key): the
/// arguments a `madoguchi-server` command of a test takes.
pub fn data_args(data: &Path) -> Vec<std::ffi::OsString> {
    let mut args = vec!["--data".into(), data.as_os_str().to_owned()];
    if let Database::Postgres(url) = test_database(data) {
        args.extend(["--database-url".into(), url.into()]);
    }
    if let Ok(key) = std::fs::read_to_string(data.join("test-details-key")) {
        args.extend(["--details-key".into(), key.into()]);
    }
    args
}

/// Whether this run tests the PostgreSQL backend.
pub fn on_postgres() -> bool {
    std::env::var("MADOGUCHI_TEST_DATABASE").is_ok_and(|v| v == "postgres")
}

pub async fn spawn_app() -> TestApp {
    spawn_with(office(), TUESDAY_1005, None).await
}

/// Starts a server; `data` reuses a directory (restart), else a fresh one.
pub async fn spawn_with(office: Office, clock: &str, data: Option<&Path>) -> TestApp {
    spawn_clocked(office, Clock::starting_at(at(clock)), data).await
}

/// Servers sharing one new PostgreSQL database (on the test cluster),
/// each with its own data directory: several instances of one office.
pub async fn spawn_instances(n: usize) -> Vec<TestApp> {
    let url = pgtest::Cluster::shared()
        .and_then(|c| c.create_database())
        .unwrap_or_else(|e| panic!("test PostgreSQL: {e}"));
    let mut servers = Vec::new();
    let mut key = None;
    for _ in 0..n {
        let d = instance_dir(&url, &mut key);
        let mut t = spawn_with(office(), TUESDAY_1005, Some(d.path())).await;
        t._dir = Some(d);
        servers.push(t);
    }
    servers
}

/// A data directory of one more instance on the database `url`. Instances
/// of one database share its details key: the first one's, kept in its
/// data directory (`key` carries it to the next).
pub fn instance_dir(url: &str, key: &mut Option<std::path::PathBuf>) -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("temp dir");
    let key = key
        .get_or_insert_with(|| madoguchi_server::vault::Vault::default_path(d.path()))
        .clone();
    std::fs::write(d.path().join("test-database-url"), url).expect("keep the URL");
    std::fs::write(
        d.path().join("test-details-key"),
        key.to_string_lossy().as_bytes(),
    )
    .expect("keep the key path");
    d
}

/// As `spawn_with`, with any clock (one that runs on past midnight).
pub async fn spawn_clocked(office: Office, clock: Clock, data: Option<&Path>) -> TestApp {
    spawn_city_clocked(City::of(office), clock, data).await
}

/// A server of a city of several offices. `kiosk`, `board` and the clerk
/// `sato` belong to its first office.
pub async fn spawn_city(city: City, clock: &str, data: Option<&Path>) -> TestApp {
    spawn_city_clocked(city, Clock::starting_at(at(clock)), data).await
}

async fn spawn_city_clocked(city: City, clock: Clock, data: Option<&Path>) -> TestApp {
    let first = city.first().id.clone();
    let (dir, path) = match data {
        Some(p) => (None, p.to_path_buf()),
        None => {
            let d = tempfile::tempdir().expect("temp dir");
            let p = d.path().to_path_buf();
            (Some(d), p)
        }
    };
    // Instances of one database share its details key (spawn_instances).
    let key = std::fs::read_to_string(path.join("test-details-key")).map_or_else(
        |_| madoguchi_server::vault::Vault::default_path(&path),
        std::path::PathBuf::from,
    );
    let server = Server::build(
        city,
        path.clone(),
        test_database(&path),
        "127.0.0.1:0".parse().expect("addr"),
        clock,
        &key,
    )
    .await
    .expect("server builds");
    let addr = server.local_addr().expect("bound");
    let app = server.app.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let base = format!("http://{addr}");
    let public = Client::new(&base).expect("client");

    let now = chrono::Utc::now();
    let kiosk_token = madoguchi_server::tokens::new_token();
    app.store
        .add_device(
            "kiosk-test",
            "kiosk",
            &first,
            &madoguchi_server::tokens::hash(&kiosk_token),
            now,
        )
        .await
        .expect("kiosk");
    let board_token = madoguchi_server::tokens::new_token();
    app.store
        .add_device(
            "board-test",
            "board",
            &first,
            &madoguchi_server::tokens::hash(&board_token),
            now,
        )
        .await
        .expect("board");
    let hash = madoguchi_server::auth::hash_password(STAFF_PASSWORD).expect("hash");
    app.store
        .add_user(
            "sato",
            &hash,
            "staff",
            std::slice::from_ref(&first),
            &[],
            now,
        )
        .await
        .expect("user");
    let session = public.login("sato", STAFF_PASSWORD).await.expect("login");

    TestApp {
        kiosk: public.with_token(kiosk_token.clone()),
        board: public.with_token(board_token.clone()),
        kiosk_token,
        board_token,
        staff: public.with_token(session.token.clone()),
        session,
        public,
        base,
        app,
        data: path,
        _dir: dir,
        _stop: stop,
    }
}

/// A kiosk's walk-in for `services` (not priority, no language chosen).
pub fn walk_in_request(services: &[&str], key: &str) -> WalkInRequest {
    WalkInRequest {
        services: services.iter().map(|s| s.to_string()).collect(),
        priority: false,
        idempotency_key: key.into(),
        language: None,
    }
}

/// A booking of `service` at `start` (RFC 3339) without contact details.
pub fn bare_booking(service: &str, start: &str) -> CreateReservation {
    CreateReservation {
        service: service.into(),
        start: chrono::DateTime::parse_from_rfc3339(start).expect("start"),
        name: None,
        email: None,
        phone: None,
        answers: None,
        language: None,
        details: None,
    }
}

impl TestApp {
    pub async fn book(
        &self,
        service: &str,
        start: &str,
    ) -> Result<ReservationCreated, ClientError> {
        self.public
            .create_reservation(&CreateReservation {
                service: service.into(),
                start: chrono::DateTime::parse_from_rfc3339(start).expect("start"),
                name: Some("山田 花子".into()),
                email: Some("hanako@example.jp".into()),
                phone: Some("090-1234-5678".into()),
                answers: serde_json::json!({"relationship": "長女", "pension": true})
                    .as_object()
                    .cloned(),
                language: None,
                details: None,
            })
            .await
    }

    /// Books an おくやみ slot for `name` with questionnaire `answers`.
    pub async fn book_answering(
        &self,
        start: &str,
        name: &str,
        answers: serde_json::Value,
    ) -> ReservationCreated {
        self.public
            .create_reservation(&CreateReservation {
                service: "okuyami".into(),
                start: chrono::DateTime::parse_from_rfc3339(start).expect("start"),
                name: Some(name.into()),
                email: None,
                phone: Some("090-0000-1111".into()),
                answers: answers.as_object().cloned(),
                language: None,
                details: None,
            })
            .await
            .expect("book")
    }

    pub async fn walk_in(
        &self,
        services: &[&str],
        key: &str,
    ) -> Result<protocol::IssuedTicket, ClientError> {
        self.kiosk.walk_in(&walk_in_request(services, key)).await
    }

    /// The server's `/openapi.json`.
    pub async fn openapi(&self) -> serde_json::Value {
        self.http()
            .get(self.url("/openapi.json"))
            .send()
            .await
            .expect("doc")
            .json()
            .await
            .expect("json")
    }

    pub fn http(&self) -> reqwest::Client {
        reqwest::Client::new()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

/// The contract's error code of a failed call.
pub fn code<T: std::fmt::Debug>(r: Result<T, ClientError>) -> (u16, String) {
    match r {
        Err(ClientError::Api { status, body }) => (status, body.code.as_str().to_string()),
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// Percent-encodes a query or form value (keeps ASCII letters and digits).
pub fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
