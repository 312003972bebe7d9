//! The web board in a real browser (Debian chromium + chromium-driver).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{ClientBuilder, Locator};

use crate::helpers::*;

pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub async fn browser() -> (fantoccini::Client, Driver, tempfile::TempDir) {
    browser_sized(1920, 1080).await
}

/// A headless Chromium with a fresh profile, driven over WebDriver.
pub async fn browser_sized(
    width: u32,
    height: u32,
) -> (fantoccini::Client, Driver, tempfile::TempDir) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let driver = Driver(
        Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is needed (Debian package chromium-driver; scripts/setup.sh installs it)"),
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let profile = tempfile::tempdir().expect("profile dir");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     format!("--user-data-dir={}", profile.path().display()), format!("--window-size={width},{height}")],
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("browser session");
    (client, driver, profile)
}

/// Saves the page as `$CARGO_TARGET_TMPDIR/{folder}/{name}.png` (a test artefact).
pub async fn save_screenshot(c: &fantoccini::Client, folder: &str, name: &str) {
    // Web fonts load after the first paint (font-display: swap): wait for
    // them, or the picture shows the fallback (boxes, for Hangul here).
    c.execute("return document.fonts.ready.then(() => true)", vec![])
        .await
        .expect("fonts load");
    let png = c.screenshot().await.expect("screenshot");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(folder);
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, &png).expect("write");
    eprintln!("screenshot: {}", path.display());
}

/// The text of the element with `id`, waiting (up to 10 s) for it to
/// appear: after a click that submits a form the next page may still load.
/// Live pages redraw parts on every event, so an element replaced between
/// finding it and reading it (stale) is found again.
pub async fn text_of(c: &fantoccini::Client, id: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let element = c
            .wait()
            .at_most(std::time::Duration::from_secs(10))
            .for_element(Locator::Id(id))
            .await
            .expect("element");
        match element.text().await {
            Ok(text) => return text,
            Err(fantoccini::error::CmdError::Standard(e))
                if e.error == fantoccini::error::ErrorStatus::StaleElementReference
                    && std::time::Instant::now() < deadline => {}
            Err(e) => panic!("text of #{id}: {e}"),
        }
    }
}

#[tokio::test]
async fn the_web_board_shows_a_new_call_without_reloading() {
    let t = spawn_app().await;
    t.walk_in(&["shomei"], "v1").await.expect("ticket");
    let (c, _driver, _profile) = browser().await;
    c.goto(&t.url("/board")).await.expect("page loads");
    assert_eq!(text_of(&c, "number").await, "—");
    assert!(text_of(&c, "office").await.contains("みどり市役所"));

    t.staff.booth_action("3", "open").await.expect("open");
    let called = t
        .staff
        .call_next("3")
        .await
        .expect("call")
        .ticket
        .expect("B001");
    let deadline = Instant::now() + Duration::from_secs(10);
    while text_of(&c, "number").await != called.number {
        assert!(Instant::now() < deadline, "the call did not appear live");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(text_of(&c, "booth").await.contains("3番窓口へ"));
    // Waits refresh after the call (証明書: nobody left waiting).
    let deadline = Instant::now() + Duration::from_secs(10);
    while !text_of(&c, "services").await.contains("証明書\n0人待ち") {
        assert!(
            Instant::now() < deadline,
            "waits did not refresh: {}",
            text_of(&c, "services").await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    save_screenshot(&c, "web-screens", "web-board").await;
    c.close().await.expect("close");
}

/// Clicks what the selector finds, again if the list was redrawn meanwhile.
pub async fn click_css(c: &fantoccini::Client, css: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(el) = c.find(Locator::Css(css)).await
            && el.click().await.is_ok()
        {
            return;
        }
        assert!(Instant::now() < deadline, "could not click {css}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
