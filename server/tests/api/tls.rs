//! TLS without a reverse proxy (issue 21): `serve --tls-cert --tls-key`
//! answers only over TLS with the certificate given, which a client
//! checks (rustls with the test certificate as its only root); a renewed
//! certificate is taken on SIGHUP, a broken one refused with the old one
//! kept; answers carry HSTS, the session cookie is `Secure`, and links
//! are https.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::durability::{BIN, STAFF_PASSWORD, cli, start_logging};

pub(crate) struct Cert {
    pub(crate) pem: String,
    pub(crate) key: String,
    der: Vec<u8>,
}

fn new_cert() -> Cert {
    let rcgen::CertifiedKey { cert, signing_key } =
        rcgen::generate_simple_self_signed(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .expect("certificate");
    Cert {
        pem: cert.pem(),
        key: signing_key.serialize_pem(),
        der: cert.der().to_vec(),
    }
}

fn install(cert: &Cert, dir: &Path) {
    std::fs::write(dir.join("cert.pem"), &cert.pem).expect("cert");
    std::fs::write(dir.join("key.pem"), &cert.key).expect("key");
}

/// What a client that trusts only `root` gets for one HTTP/1.1 request
/// over TLS: the status and the head, or the TLS error.
fn request(
    addr: &str,
    root: &Cert,
    method: &str,
    path: &str,
    body: &str,
) -> Result<(u16, String, String), String> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from(root.der.clone()))
        .expect("root");
    let config = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("localhost").expect("name");
    let mut conn =
        rustls::ClientConnection::new(Arc::new(config), name).map_err(|e| e.to_string())?;
    let mut tcp = std::net::TcpStream::connect(addr).map_err(|e| e.to_string())?;
    tcp.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut tls = rustls::Stream::new(&mut conn, &mut tcp);
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    tls.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    let mut got = Vec::new();
    match tls.read_to_end(&mut got) {
        Ok(_) => {}
        // Servers may close without close_notify after the answer.
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !got.is_empty() => {}
        Err(e) => return Err(e.to_string()),
    }
    let text = String::from_utf8_lossy(&got).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status in {head:?}"))?;
    Ok((status, head.to_ascii_lowercase(), body.to_string()))
}

fn hup(pid: u32) {
    let ok = Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(ok.success());
}

/// Retries `f` for up to 5 s (the reload is asynchronous).
fn eventually(mut f: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + Duration::from_secs(5);
    while Instant::now() < until {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[test]
fn tls_with_a_checked_certificate_reloaded_on_sighup() {
    let dir = tempfile::tempdir().expect("dir");
    let tls = dir.path().join("tls");
    std::fs::create_dir_all(&tls).expect("tls dir");
    let (first, renewed) = (new_cert(), new_cert());
    install(&first, &tls);
    cli(dir.path(), &["user", "add", "tanaka", "--office", "honcho"]);
    let cert = tls.join("cert.pem");
    let key = tls.join("key.pem");
    let (cert_s, key_s) = (
        cert.to_string_lossy().into_owned(),
        key.to_string_lossy().into_owned(),
    );
    let mut p = start_logging(
        dir.path(),
        "127.0.0.1:0",
        &["--tls-cert", &cert_s, "--tls-key", &key_s],
        &[],
        Stdio::null(),
    );
    let addr = p
        .client
        .base_url()
        .trim_start_matches("http://")
        .to_string();

    let (status, head, _) = request(&addr, &first, "GET", "/healthz", "").expect("TLS");
    assert_eq!(status, 200);
    assert!(
        head.contains("\r\nstrict-transport-security: max-age=31536000"),
        "{head}"
    );
    // A client that does not trust the certificate is refused by its check.
    let refused = request(&addr, &renewed, "GET", "/healthz", "").expect_err("untrusted");
    assert!(
        refused.contains("certificate") || refused.contains("Certificate"),
        "{refused}"
    );
    // Nothing is served in the clear.
    let mut plain = std::net::TcpStream::connect(&addr).expect("tcp");
    plain
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    plain
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .expect("write");
    let mut answer = Vec::new();
    let _ = plain.read_to_end(&mut answer);
    assert!(!String::from_utf8_lossy(&answer).contains("200 OK"));

    // The session cookie never travels in the clear; links are https.
    let login = format!(r#"{{"username":"tanaka","password":"{STAFF_PASSWORD}"}}"#);
    let (status, head, _) =
        request(&addr, &first, "POST", "/api/v1/session", &login).expect("login");
    assert_eq!(status, 201, "{head}");
    let cookie = head
        .lines()
        .find(|l| l.starts_with("set-cookie:"))
        .expect("a session cookie");
    assert!(
        cookie.contains("; secure") && cookie.contains("httponly"),
        "{cookie}"
    );
    let booking = r#"{"service":"okuyami","start":"2026-12-01T10:30:00+09:00"}"#;
    let (status, _, body) = request(
        &addr,
        &first,
        "POST",
        "/api/v1/offices/honcho/reservations",
        booking,
    )
    .expect("booking");
    assert_eq!(status, 201, "{body}");
    let body: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert!(
        body["manage_url"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://")),
        "{body}"
    );

    // Renewed on disk, taken on SIGHUP without a restart.
    install(&renewed, &tls);
    hup(p.child.id());
    assert!(
        eventually(|| request(&addr, &renewed, "GET", "/healthz", "").is_ok_and(|r| r.0 == 200)),
        "the renewed certificate is served"
    );
    assert!(
        request(&addr, &first, "GET", "/healthz", "").is_err(),
        "the old one is gone"
    );
    // A broken file is refused; the renewed one stays in use.
    std::fs::write(&cert, "-----BEGIN CERTIFICATE-----\nnot base64\n").expect("break");
    hup(p.child.id());
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        request(&addr, &renewed, "GET", "/healthz", "").map(|r| r.0),
        Ok(200)
    );
    assert!(
        p.child.try_wait().expect("wait").is_none(),
        "the server runs on"
    );
}

#[test]
fn a_missing_certificate_stops_the_start_with_its_name() {
    let dir = tempfile::tempdir().expect("dir");
    let missing = dir.path().join("nowhere.pem");
    let out = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(dir.path())
        .arg("--tls-cert")
        .arg(&missing)
        .arg("--tls-key")
        .arg(&missing)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nowhere.pem"), "{err}");
    // Both or neither.
    let out = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(dir.path())
        .arg("--tls-cert")
        .arg(&missing)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The city's own certificate authority and a server certificate it signed
/// for localhost.
pub(crate) fn city_ca() -> (String, Cert) {
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(rcgen::DnType::CommonName, "みどり市 CA (test)");
    let ca = rcgen::CertifiedIssuer::self_signed(ca, rcgen::KeyPair::generate().expect("key"))
        .expect("CA");
    let key = rcgen::KeyPair::generate().expect("key");
    let leaf = rcgen::CertificateParams::new(vec!["localhost".to_string()])
        .expect("params")
        .signed_by(&key, &ca)
        .expect("server certificate");
    (
        ca.pem(),
        Cert {
            pem: leaf.pem(),
            key: key.serialize_pem(),
            der: leaf.der().to_vec(),
        },
    )
}

/// Kiosks and boards connect as both apps do (`protocol::Connection`, with
/// `--ca-cert`): over https to a hall with the city's certificates, a
/// kiosk takes a ticket and the board's event stream brings it; without
/// the city's CA the same device is refused by the certificate check, and
/// a file that is no certificate stops the start.
#[tokio::test]
async fn kiosk_and_board_connect_over_https_with_the_citys_ca() {
    let dir = tempfile::tempdir().expect("dir");
    let tls = dir.path().join("tls");
    std::fs::create_dir_all(&tls).expect("tls dir");
    let (ca_pem, server_cert) = city_ca();
    install(&server_cert, &tls);
    let kiosk_token = cli(
        dir.path(),
        &[
            "device", "add", "entrance", "--role", "kiosk", "--office", "honcho",
        ],
    );
    let (cert, key) = (tls.join("cert.pem"), tls.join("key.pem"));
    let p = start_logging(
        dir.path(),
        "127.0.0.1:0",
        &[
            "--tls-cert",
            &cert.to_string_lossy(),
            "--tls-key",
            &key.to_string_lossy(),
        ],
        &[],
        Stdio::null(),
    );
    let port = p
        .client
        .base_url()
        .rsplit(':')
        .next()
        .expect("port")
        .to_string();
    let device = |token: Option<&str>, ca: Option<&str>| protocol::Connection {
        servers: vec![format!("https://localhost:{port}")],
        office: Some("honcho".into()),
        token: token.map(str::to_string),
        ca_pem: ca.map(|c| c.as_bytes().to_vec()),
    };

    let board = device(None, Some(&ca_pem)).client().expect("board client");
    let snapshot = board
        .board()
        .await
        .expect("the board's snapshot over https");
    let waiting = |s: &protocol::BoardSnapshot| {
        s.services
            .iter()
            .find(|w| w.service == "shomei")
            .map(|w| w.waiting)
    };
    assert_eq!(waiting(&snapshot), Some(0));
    // From the day's first event (the stream connects when first read).
    let mut events = board.events(Some(0));
    let kiosk = device(Some(&kiosk_token), Some(&ca_pem))
        .client()
        .expect("kiosk client");
    let ticket = kiosk
        .walk_in(&crate::helpers::walk_in_request(&["shomei"], "tls-1"))
        .await
        .expect("a ticket over https");
    let event = tokio::time::timeout(Duration::from_secs(10), events.next())
        .await
        .expect("an event within 10 s")
        .expect("the event stream over https");
    // The day's first event is this ticket's.
    assert_eq!(event.kind, protocol::EventKind::TicketIssued);
    assert_eq!(event.data.number.as_ref(), Some(&ticket.number));
    assert_eq!(waiting(&board.board().await.expect("board")), Some(1));

    // Without the city's CA: refused by the check, nothing issued.
    let stranger = device(Some(&kiosk_token), None).client().expect("client");
    let refused = stranger.board().await.expect_err("an unknown issuer");
    assert!(
        matches!(refused, protocol::ClientError::Network(_)),
        "{refused:?}"
    );
    assert!(
        format!("{refused:?}").contains("UnknownIssuer"),
        "{refused:?}"
    );
    // A file that holds no certificate is refused before any connection.
    let bad = protocol::client::check_ca_pem(b"not a certificate").expect_err("refused");
    assert!(
        matches!(bad, protocol::ClientError::BadCertificate(_)),
        "{bad}"
    );
}
