//! Optional receipt printing: the ticket as ESC/POS bytes (Japanese in
//! Shift_JIS kanji mode, as Japanese thermal printers expect), sent to a
//! device file (`/dev/usb/lp0`) or a network printer (`tcp:host:9100`).
//! Printing runs on its own thread; a failure is reported, never fatal.

use std::io::Write;
use std::net::{TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use crossbeam_channel::Sender;
use messages::{Arg, Catalogue};
use protocol::{IssuedTicket, localized};

/// Where receipts go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterTarget {
    Device(PathBuf),
    /// `host:port` of a raw (JetDirect) printer port.
    Tcp(String),
}

impl FromStr for PrinterTarget {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(addr) = s.strip_prefix("tcp:") {
            if addr
                .rsplit_once(':')
                .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok())
            {
                Ok(PrinterTarget::Tcp(addr.to_string()))
            } else {
                Err(format!("expected tcp:HOST:PORT, got {s:?}"))
            }
        } else if s.is_empty() {
            Err("empty printer path".into())
        } else {
            Ok(PrinterTarget::Device(PathBuf::from(s)))
        }
    }
}

const ESC: u8 = 0x1b;
const GS: u8 = 0x1d;
const FS: u8 = 0x1c;

fn sjis(out: &mut Vec<u8>, text: &str) {
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(text);
    out.extend_from_slice(&bytes);
    out.push(b'\n');
}

fn size(out: &mut Vec<u8>, times: u8) {
    let n = times.clamp(1, 8) - 1;
    out.extend_from_slice(&[GS, b'!', (n << 4) | n]);
}

/// The QR code commands (GS ( k): model 2, module size, error level M.
fn qr(out: &mut Vec<u8>, data: &str) {
    let data = data.as_bytes();
    let len = data.len() + 3;
    out.extend_from_slice(&[GS, b'(', b'k', 4, 0, 0x31, 0x41, 0x32, 0x00]);
    out.extend_from_slice(&[GS, b'(', b'k', 3, 0, 0x31, 0x43, 6]);
    out.extend_from_slice(&[GS, b'(', b'k', 3, 0, 0x31, 0x45, 0x31]);
    out.extend_from_slice(&[
        GS,
        b'(',
        b'k',
        (len & 0xff) as u8,
        (len >> 8) as u8,
        0x31,
        0x50,
        0x30,
    ]);
    out.extend_from_slice(data);
    out.extend_from_slice(&[GS, b'(', b'k', 3, 0, 0x31, 0x51, 0x30]);
}

/// The visitor's own language on the receipt, after Japanese and English.
pub struct Visitor<'a> {
    pub lang: &'a str,
    /// The screen's font for `lang`: lines the printer's Shift_JIS text
    /// mode cannot print are drawn with it (`raster`).
    pub font: Option<&'a [u8]>,
    /// Procedure names in `lang`, by service id.
    pub service_names: &'a [(String, String)],
}

/// Whether the receipt draws `lang`'s block as an image (a script
/// Shift_JIS lacks): not Japanese, its easy register or English.
pub fn draws(lang: &str) -> bool {
    lang != "en" && !messages::language::is_japanese(lang)
}

/// The visitor's block: number label, procedures, place, phone hint.
fn visitor_block(out: &mut Vec<u8>, ticket: &IssuedTicket, texts: &Catalogue, v: &Visitor<'_>) {
    let mut lines = vec![texts.text(v.lang, "kiosk-ticket-your-number")];
    for id in &ticket.services {
        lines.push(
            v.service_names
                .iter()
                .find(|(s, _)| s == id)
                .map_or(id.clone(), |(_, n)| n.clone()),
        );
    }
    lines.push(texts.text_with(
        v.lang,
        "kiosk-ticket-where",
        &[("place", Arg::Str(&localized(&ticket.location, v.lang)))],
    ));
    lines.push(texts.text(v.lang, "kiosk-ticket-phone"));
    if !draws(v.lang) {
        // やさしい日本語 is Japanese: the printer's own kanji mode.
        lines.iter().for_each(|l| sjis(out, l));
        return;
    }
    let drawn = v.font.and_then(|font| {
        let raster: Vec<crate::raster::Line<'_>> = lines
            .iter()
            .map(|text| crate::raster::Line { text, px: 30.0 })
            .collect();
        crate::raster::draw(font, &raster)
    });
    match drawn {
        Some(bitmap) => out.extend_from_slice(&bitmap.escpos()),
        None => tracing::warn!(
            lang = v.lang,
            "no receipt font: the visitor's lines are left out"
        ),
    }
}

/// The receipt for a ticket, in Japanese and English, then the visitor's
/// own language when it is another. No personal data: number,
/// procedures, place, time, and the status page's QR code.
pub fn receipt(
    ticket: &IssuedTicket,
    service_names: &[(String, String)],
    texts: &Catalogue,
    visitor: Option<&Visitor<'_>>,
) -> Vec<u8> {
    let mut out = vec![ESC, b'@', FS, b'C', 1, FS, b'&', ESC, b'a', 1];
    sjis(
        &mut out,
        &format!(
            "{} / {}",
            texts.text("ja", "kiosk-title"),
            texts.text("en", "kiosk-title")
        ),
    );
    sjis(
        &mut out,
        &format!(
            "{} / {}",
            texts.text("ja", "kiosk-ticket-your-number"),
            texts.text("en", "kiosk-ticket-your-number")
        ),
    );
    size(&mut out, 4);
    sjis(&mut out, &ticket.number);
    size(&mut out, 1);
    for id in &ticket.services {
        let name = service_names
            .iter()
            .find(|(s, _)| s == id)
            .map_or(id.as_str(), |(_, n)| n.as_str());
        sjis(&mut out, name);
    }
    for lang in ["ja", "en"] {
        sjis(
            &mut out,
            &texts.text_with(
                lang,
                "kiosk-ticket-where",
                &[("place", Arg::Str(&localized(&ticket.location, lang)))],
            ),
        );
    }
    if let Some(v) = visitor.filter(|v| v.lang != "ja" && v.lang != "en") {
        visitor_block(&mut out, ticket, texts, v);
    }
    sjis(
        &mut out,
        &ticket.issued_at.format("%Y-%m-%d %H:%M").to_string(),
    );
    qr(&mut out, &ticket.status_url);
    sjis(&mut out, &texts.text("ja", "kiosk-ticket-phone"));
    sjis(&mut out, &texts.text("en", "kiosk-ticket-phone"));
    out.extend_from_slice(&[FS, b'.', ESC, b'd', 4, GS, b'V', 66, 0]);
    out
}

/// Sends the bytes, with short timeouts so a dead printer is noticed.
pub fn send(target: &PrinterTarget, bytes: &[u8]) -> std::io::Result<()> {
    match target {
        PrinterTarget::Device(path) => {
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .create(false)
                .open(path)?;
            f.write_all(bytes)?;
            f.flush()
        }
        PrinterTarget::Tcp(addr) => {
            let sock = addr
                .to_socket_addrs()?
                .next()
                .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no address"))?;
            let mut s = TcpStream::connect_timeout(&sock, Duration::from_secs(3))?;
            s.set_write_timeout(Some(Duration::from_secs(3)))?;
            s.write_all(bytes)?;
            s.flush()
        }
    }
}

/// A job for the printer thread: the receipt bytes and the ticket number.
pub struct Job {
    pub number: String,
    pub bytes: Vec<u8>,
}

/// Starts the printer thread; failures come back as the ticket's number.
pub fn spawn(
    target: PrinterTarget,
    failed: Sender<String>,
    wake: impl Fn() + Send + 'static,
) -> Sender<Job> {
    let (tx, rx) = crossbeam_channel::unbounded::<Job>();
    let spawned = std::thread::Builder::new()
        .name("kiosk-printer".into())
        .spawn(move || {
            for job in rx.iter() {
                match send(&target, &job.bytes) {
                    Ok(()) => tracing::info!(number = %job.number, "receipt printed"),
                    Err(e) => {
                        tracing::warn!(error = %e, number = %job.number, "receipt not printed");
                        let _ = failed.send(job.number);
                        wake();
                    }
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "no printer thread");
    }
    tx
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::{TicketState, WaitEstimate};

    fn ticket() -> IssuedTicket {
        IssuedTicket {
            id: 7,
            number: "A012".into(),
            services: vec!["shomei".into()],
            state: TicketState::Waiting,
            priority: false,
            status_token: "tok".into(),
            status_url: "http://hall.example/t/tok".into(),
            people_ahead: 1,
            estimated_wait: WaitEstimate {
                minutes: 5,
                low: 2,
                high: 8,
            },
            location: [
                ("ja".to_string(), "1階 待合".to_string()),
                ("en".to_string(), "1F lobby".to_string()),
            ]
            .into_iter()
            .collect(),
            issued_at: chrono::DateTime::parse_from_rfc3339("2026-12-01T10:05:00+09:00")
                .expect("t"),
        }
    }

    fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
        hay.windows(needle.len()).position(|w| w == needle)
    }

    #[test]
    fn a_receipt_has_the_number_the_place_the_qr_and_a_cut() {
        let texts = Catalogue::new();
        let names = vec![("shomei".to_string(), "証明書の発行".to_string())];
        let bytes = receipt(&ticket(), &names, &texts, None);
        assert_eq!(&bytes[..2], &[ESC, b'@'], "starts by resetting the printer");
        assert!(find(&bytes, b"A012").is_some(), "the number");
        let (place, _, _) = encoding_rs::SHIFT_JIS.encode("1階 待合");
        assert!(find(&bytes, &place).is_some(), "the place in Shift_JIS");
        let (name, _, _) = encoding_rs::SHIFT_JIS.encode("証明書の発行");
        assert!(find(&bytes, &name).is_some(), "the procedure");
        let url = b"http://hall.example/t/tok";
        let at = find(&bytes, url).expect("the status URL in the QR store command");
        assert_eq!(&bytes[at - 8..at - 5], &[GS, b'(', b'k']);
        assert_eq!(usize::from(bytes[at - 5]), url.len() + 3, "QR length");
        assert_eq!(
            &bytes[bytes.len() - 4..],
            &[GS, b'V', 66, 0],
            "ends with a cut"
        );
        assert!(find(&bytes, "山田".as_bytes()).is_none());
    }

    #[test]
    fn a_korean_visitor_gets_korean_lines_drawn_and_an_easy_japanese_one_text() {
        let texts = Catalogue::new();
        let names = vec![("shomei".to_string(), "証明書の発行".to_string())];
        let nanum = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../assets/fonts/NanumGothic.ttf"
        ))
        .expect("font");
        let ko_names = vec![("shomei".to_string(), "증명서".to_string())];
        let korean = Visitor {
            lang: "ko",
            font: Some(&nanum),
            service_names: &ko_names,
        };
        let bytes = receipt(&ticket(), &names, &texts, Some(&korean));
        let at = find(&bytes, &[GS, b'v', b'0', 0]).expect("a raster image");
        let rows = usize::from(bytes[at + 6]);
        assert!(rows > 4 * 30, "four lines at least: {rows} rows");
        let before = receipt(&ticket(), &names, &texts, None);
        assert!(
            bytes.len() > before.len() + 72 * rows,
            "added to the Japanese receipt"
        );
        assert!(
            find(&bytes, b"http://hall.example/t/tok").is_some(),
            "QR still there"
        );

        let easy_names = vec![("shomei".to_string(), "しょうめいしょ".to_string())];
        let easy = Visitor {
            lang: "ja-x-easy",
            font: None,
            service_names: &easy_names,
        };
        let bytes = receipt(&ticket(), &names, &texts, Some(&easy));
        assert!(
            find(&bytes, &[GS, b'v', b'0', 0]).is_none(),
            "no image for Japanese"
        );
        let (line, _, _) = encoding_rs::SHIFT_JIS.encode("しょうめいしょ");
        assert!(find(&bytes, &line).is_some(), "the easy line in Shift_JIS");
    }

    #[test]
    fn targets_parse_and_bad_ones_are_refused() {
        assert_eq!(
            "tcp:10.0.0.5:9100".parse(),
            Ok(PrinterTarget::Tcp("10.0.0.5:9100".into()))
        );
        assert_eq!(
            "/dev/usb/lp0".parse(),
            Ok(PrinterTarget::Device("/dev/usb/lp0".into()))
        );
        assert!("tcp:printer".parse::<PrinterTarget>().is_err());
        assert!("".parse::<PrinterTarget>().is_err());
    }

    #[test]
    fn receipts_reach_a_network_printer_and_a_device_file() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let got = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().expect("accept");
            let mut buf = Vec::new();
            std::io::Read::read_to_end(&mut s, &mut buf).expect("read");
            buf
        });
        let (failed_tx, failed_rx) = crossbeam_channel::unbounded();
        let jobs = spawn(
            PrinterTarget::Tcp(addr.to_string()),
            failed_tx.clone(),
            || {},
        );
        jobs.send(Job {
            number: "A012".into(),
            bytes: b"hello printer".to_vec(),
        })
        .expect("job");
        drop(jobs);
        assert_eq!(got.join().expect("thread"), b"hello printer");

        let dir = tempfile::tempdir().expect("dir");
        let device = dir.path().join("lp0");
        std::fs::write(&device, b"").expect("device");
        send(&PrinterTarget::Device(device.clone()), b"receipt").expect("print");
        assert_eq!(std::fs::read(&device).expect("read"), b"receipt");

        // A missing device: reported as failed, the thread goes on.
        let jobs = spawn(
            PrinterTarget::Device(dir.path().join("nope")),
            failed_tx,
            || {},
        );
        jobs.send(Job {
            number: "A013".into(),
            bytes: b"x".to_vec(),
        })
        .expect("job");
        assert_eq!(
            failed_rx
                .recv_timeout(Duration::from_secs(5))
                .expect("failure"),
            "A013"
        );
    }
}
