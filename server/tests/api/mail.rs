//! E-mail over real SMTP: a Debian `python3-aiosmtpd` server started by the
//! test receives what the server sends (booking confirmation with its QR,
//! turn notifications), an outage is ridden out by the outbox, and without
//! SMTP mails land as `.eml` files.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use madoguchi_server::config::{Office, TlsMode};
use protocol::NotifyRequest;

use crate::helpers::*;

/// `python3 -m aiosmtpd` with the Mailbox handler: each mail received is a
/// file in `<dir>/new`, with the envelope in `X-MailFrom`/`X-RcptTo`.
struct SmtpServer {
    child: Child,
    dir: tempfile::TempDir,
    port: u16,
}

fn python() -> String {
    std::env::var("MADOGUCHI_SMTPD_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl SmtpServer {
    fn start_on(port: u16) -> SmtpServer {
        let dir = tempfile::tempdir().expect("maildir");
        let child = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("box"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("start aiosmtpd with {} (Debian python3-aiosmtpd; scripts/setup.sh installs it): {e}", python())
            });
        let s = SmtpServer { child, dir, port };
        let deadline = Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not start on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        s
    }

    fn start() -> SmtpServer {
        SmtpServer::start_on(free_port())
    }

    fn received(&self) -> Vec<Vec<u8>> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path().join("box/new"))
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort_by_key(|p| arrival(p));
        files.iter().filter_map(|p| std::fs::read(p).ok()).collect()
    }

    /// Waits until `n` mails have arrived (at most 20 s).
    async fn wait_for(&self, n: usize) -> Vec<Vec<u8>> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "{n} mail(s) expected, {} arrived",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// When a maildir file arrived, from its name `<s>.M<µs>P<pid>Q<n>.<host>`
/// (Python's `mailbox.Maildir`). The µs are not zero-padded, so names do
/// not sort in arrival order: two mails within a second came back swapped
/// now and then (the "near" mail read as the call mail).
fn arrival(path: &std::path::Path) -> (u64, u64, String) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut parts = name.split('.');
    let seconds = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let micros = parts
        .next()
        .and_then(|p| p.strip_prefix('M'))
        .and_then(|p| p.split('P').next())
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    (seconds, micros, name)
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn office_mailing_to(port: u16) -> Office {
    let mut o = office();
    o.mail.smtp_host = Some("127.0.0.1".into());
    o.mail.smtp_port = port;
    o.mail.tls = TlsMode::None;
    o.mail.retry_seconds = 1;
    o
}

/// One received mail, parsed.
struct Mail {
    headers: Vec<(String, String)>,
    text: String,
    png: Option<Vec<u8>>,
}

impl Mail {
    fn parse(raw: &[u8]) -> Mail {
        let m = mailparse::parse_mail(raw).expect("a well-formed mail");
        let headers = m
            .headers
            .iter()
            .map(|h| (h.get_key(), h.get_value()))
            .collect();
        let mut text = String::new();
        let mut png = None;
        let parts: Vec<&mailparse::ParsedMail> = if m.subparts.is_empty() {
            vec![&m]
        } else {
            m.subparts.iter().collect()
        };
        for p in parts {
            match p.ctype.mimetype.as_str() {
                "text/plain" => text.push_str(&p.get_body().expect("text")),
                "image/png" => png = Some(p.get_body_raw().expect("png")),
                _ => {}
            }
        }
        Mail { headers, text, png }
    }

    fn header(&self, key: &str) -> String {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn date(&self) -> chrono::DateTime<chrono::Utc> {
        let secs = mailparse::dateparse(&self.header("Date")).expect("a Date header");
        chrono::DateTime::from_timestamp(secs, 0).expect("date")
    }
}

/// The text a QR code image holds.
fn read_qr(png: &[u8]) -> String {
    let img = image::load_from_memory(png).expect("a PNG").to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().expect("a readable QR code").1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn booking_confirmation_arrives_over_smtp_with_a_qr_that_opens_the_reservation() {
    let smtp = SmtpServer::start();
    let t = spawn_with(office_mailing_to(smtp.port), TUESDAY_1005, None).await;
    let booked = t
        .book("okuyami", "2026-12-03T13:30:00+09:00")
        .await
        .expect("booked");
    let mails = smtp.wait_for(1).await;
    assert_eq!(mails.len(), 1);
    let m = Mail::parse(&mails[0]);
    assert_eq!(m.header("X-RcptTo"), "hanako@example.jp");
    assert!(m.header("To").contains("hanako@example.jp"));
    assert!(
        m.header("From").contains("noreply@madoguchi.invalid"),
        "{}",
        m.header("From")
    );
    let subject = m.header("Subject");
    assert!(subject.contains("ご予約を承りました"), "{subject}");
    assert!(subject.contains("Your visit is booked"), "{subject}");
    // The slot in office time, in both languages' sections.
    assert_eq!(
        m.text.matches("2026-12-03 13:30–15:00").count(),
        2,
        "{}",
        m.text
    );
    assert!(m.text.contains(&booked.manage_url), "{}", m.text);
    assert!(m.text.contains("おくやみ"), "{}", m.text);
    assert!(
        m.text.contains(&format!("予約番号: {:06}", booked.id)),
        "{}",
        m.text
    );
    // Sent at the server's time (its clock starts on Tuesday 10:05 JST).
    let sent = m.date();
    let started = at(TUESDAY_1005);
    assert!(
        sent >= started - chrono::Duration::seconds(1)
            && sent < started + chrono::Duration::minutes(2),
        "Date {sent} vs server time {started}"
    );
    // The attached QR holds the reservation's link, which opens it.
    let png = m.png.expect("the QR code is attached");
    let link = read_qr(&png);
    assert_eq!(link, booked.manage_url);
    let path = link
        .strip_prefix(&t.app.settings.public_url)
        .expect("the office's public address");
    let page = reqwest::get(t.url(path)).await.expect("page");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("html").contains("2026-12-03"));
    // The outbox counts it as sent, once.
    let counts = t.app.store.outbox_counts().await.expect("counts");
    assert_eq!((counts.pending, counts.sent, counts.failed), (0, 1, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registered_visitor_is_mailed_when_near_and_when_called_once_each() {
    let smtp = SmtpServer::start();
    let t = spawn_with(office_mailing_to(smtp.port), TUESDAY_1005, None).await;
    let mut tickets = Vec::new();
    for i in 0..4 {
        tickets.push(
            t.walk_in(&["shomei"], &format!("v{i}"))
                .await
                .expect("ticket"),
        );
    }
    let mine = &tickets[3];
    let accepted = t
        .public
        .register_notification(
            &mine.status_token,
            &NotifyRequest {
                email: "taro@example.jp".into(),
                ahead: Some(2),
                lang: Some("en".into()),
            },
        )
        .await
        .expect("202");
    assert_eq!((accepted.ahead, accepted.lang.as_str()), (2, "en"));
    t.staff.booth_action("1", "open").await.expect("open");

    // Three people ahead: nothing yet.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(smtp.received().is_empty(), "no mail while 3 are ahead");

    // One called: two ahead → "your turn is near".
    let first = t
        .staff
        .call_next("1")
        .await
        .expect("call 1")
        .ticket
        .expect("t");
    let mails = smtp.wait_for(1).await;
    let near = Mail::parse(&mails[0]);
    assert_eq!(near.header("X-RcptTo"), "taro@example.jp");
    assert!(
        near.header("Subject").contains("Your turn is near"),
        "{}",
        near.header("Subject")
    );
    assert!(near.header("Subject").contains(&mine.number));
    assert!(
        near.text.contains("There are 2 people ahead"),
        "{}",
        near.text
    );
    assert!(near.text.contains(&format!("/t/{}", mine.status_token)));

    // Two more served: still waiting, no second "near" mail.
    t.staff
        .ticket_action(first.id, "complete")
        .await
        .expect("done");
    for _ in 0..2 {
        let next = t
            .staff
            .call_next("1")
            .await
            .expect("call")
            .ticket
            .expect("t");
        t.staff
            .ticket_action(next.id, "complete")
            .await
            .expect("done");
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.received().len(), 1, "the near mail is sent once");

    // Called: where to go.
    let me = t
        .staff
        .call_next("1")
        .await
        .expect("call 4")
        .ticket
        .expect("t");
    assert_eq!(me.number, mine.number);
    let mails = smtp.wait_for(2).await;
    let call = Mail::parse(&mails[1]);
    assert!(
        call.header("Subject").contains("is being called"),
        "{}",
        call.header("Subject")
    );
    assert!(
        call.text
            .contains("Please go to Counter 1 (1F Citizens Division)"),
        "{}",
        call.text
    );
    // A recall sends nothing more.
    t.staff
        .ticket_action(me.id, "recall")
        .await
        .expect("recall");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.received().len(), 2);
    // Mails are dated when they happened, by the server's clock.
    assert!(call.date() >= near.date());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_server_outage_loses_nothing() {
    let port = free_port();
    // Nothing listens on `port` yet: the first attempts fail.
    let t = spawn_with(office_mailing_to(port), TUESDAY_1005, None).await;
    t.book("okuyami", "2026-12-03T13:30:00+09:00")
        .await
        .expect("booking succeeds while mail is down");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let failed_attempts: i64 =
            sqlx::query_scalar("SELECT attempts FROM outbox WHERE sent_at IS NULL")
                .fetch_optional(t.app.store.pool())
                .await
                .expect("query")
                .unwrap_or(0);
        if failed_attempts >= 1 {
            break;
        }
        assert!(Instant::now() < deadline, "no failed attempt recorded");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let counts = t.app.store.outbox_counts().await.expect("counts");
    assert_eq!((counts.pending, counts.sent), (1, 0), "kept for a retry");

    let smtp = SmtpServer::start_on(port);
    let mails = smtp.wait_for(1).await;
    assert!(
        Mail::parse(&mails[0])
            .header("Subject")
            .contains("ご予約を承りました")
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(smtp.received().len(), 1, "delivered exactly once");
    let counts = t.app.store.outbox_counts().await.expect("counts");
    assert_eq!((counts.pending, counts.sent), (0, 1));
}

fn eml_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir.join("mail"))
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_smtp_mails_are_written_as_eml_files_in_the_data_dir() {
    let t = spawn_app().await;
    t.book("okuyami", "2026-12-03T13:30:00+09:00")
        .await
        .expect("booked");
    let deadline = Instant::now() + Duration::from_secs(10);
    let files = loop {
        let f = eml_files(&t.data);
        if !f.is_empty() {
            break f;
        }
        assert!(Instant::now() < deadline, "no .eml file written");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(files.len(), 1);
    let m = Mail::parse(&std::fs::read(&files[0]).expect("read"));
    assert!(m.header("To").contains("hanako@example.jp"));
    assert!(m.header("Subject").contains("ご予約を承りました"));
    assert!(m.png.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notification_requests_are_checked() {
    let t = spawn_app().await;
    let ticket = t.walk_in(&["shomei"], "n1").await.expect("ticket");
    let req = |email: &str, ahead: Option<u32>, lang: Option<&str>| NotifyRequest {
        email: email.into(),
        ahead,
        lang: lang.map(String::from),
    };
    let tok = &ticket.status_token;
    assert_eq!(
        code(
            t.public
                .register_notification(tok, &req("not-an-address", None, None))
                .await
        ),
        (400, "invalid_email".into())
    );
    assert_eq!(
        code(
            t.public
                .register_notification(tok, &req("a@example.jp", Some(0), None))
                .await
        ),
        (400, "invalid_ahead".into())
    );
    assert_eq!(
        code(
            t.public
                .register_notification(tok, &req("a@example.jp", Some(21), None))
                .await
        ),
        (400, "invalid_ahead".into())
    );
    assert_eq!(
        code(
            t.public
                .register_notification(tok, &req("a@example.jp", None, Some("xx")))
                .await
        ),
        (400, "invalid_language".into())
    );
    let unknown = "A".repeat(tok.len());
    assert_eq!(
        code(
            t.public
                .register_notification(&unknown, &req("a@example.jp", None, None))
                .await
        ),
        (404, "unknown_ticket".into())
    );
    let ok = t
        .public
        .register_notification(tok, &req("a@example.jp", None, None))
        .await
        .expect("accepted");
    assert_eq!(
        (ok.ahead, ok.lang.as_str()),
        (3, "ja"),
        "office default, Japanese"
    );
    // A finished ticket has nothing to notify.
    t.staff.booth_action("1", "open").await.expect("open");
    let called = t
        .staff
        .call_next("1")
        .await
        .expect("call")
        .ticket
        .expect("t");
    t.staff
        .ticket_action(called.id, "complete")
        .await
        .expect("done");
    assert_eq!(
        code(
            t.public
                .register_notification(tok, &req("a@example.jp", None, None))
                .await
        ),
        (409, "ticket_finished".into())
    );
}
