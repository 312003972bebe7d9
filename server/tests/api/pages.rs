//! Web pages served by the server.

use crate::helpers::*;

#[tokio::test]
async fn the_web_board_renders_the_current_calls_without_javascript() {
    let t = spawn_app().await;
    t.walk_in(&["shomei"], "v1").await.expect("ticket");
    t.walk_in(&["shomei"], "v2").await.expect("ticket");
    t.staff.booth_action("3", "open").await.expect("open");
    t.staff.call_next("3").await.expect("call");
    let resp = t.http().get(t.url("/board")).send().await.expect("page");
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/html")
    );
    let html = resp.text().await.expect("html");
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("みどり市役所"), "office name");
    assert!(
        html.contains("<div id=\"number\">B001</div>"),
        "the called number is in the HTML itself"
    );
    assert!(html.contains("3番窓口へ"), "where to go, in Japanese");
    assert!(html.contains("to Counter 3"), "and in English");
    assert!(html.contains("1人待ち"), "waiting count of 証明書");
    assert!(html.contains("new EventSource"), "kept live by SSE");
    assert!(
        !html.contains("山田") && !html.contains("hanako"),
        "numbers only"
    );
    let font = t
        .http()
        .get(t.url("/assets/fonts/BIZUDPGothic-Regular.ttf"))
        .send()
        .await
        .expect("font");
    assert_eq!(font.status(), 200);
    assert!(font.bytes().await.expect("bytes").len() > 1_000_000);
    // The fallback face for simplified hanzi (visitor.css).
    let bytes = t
        .http()
        .get(t.url("/assets/fonts/DroidSansFallbackFull.ttf"))
        .send()
        .await
        .expect("font")
        .bytes()
        .await
        .expect("bytes");
    let face = ttf_parser::Face::parse(&bytes, 0).expect("a font");
    for glyph in ['请', '办', '号'] {
        assert!(
            face.glyph_index(glyph).is_some(),
            "the fallback draws {glyph}"
        );
    }
}

#[tokio::test]
async fn the_servers_address_opens_a_landing_page_in_the_visitors_language() {
    let t = spawn_with(madoguchi_server::config::Office::demo(), TUESDAY_1005, None).await;
    let resp = t
        .http()
        .get(t.url("/"))
        .header("accept-language", "ko-KR,ko;q=0.9,en;q=0.5")
        .send()
        .await
        .expect("page");
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.expect("html");
    assert!(html.contains("<html lang=\"ko\">"), "{html}");
    assert!(
        html.contains("<h1>미도리시청 본청사(데모)</h1>"),
        "office name"
    );
    let links: Vec<&str> = html
        .split("class=\"choice\" href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert_eq!(
        links,
        ["/book?lang=ko", "/congestion?lang=ko", "/board"],
        "booking, congestion and the web board, in this order"
    );
    assert!(html.contains("온라인 사전 예약"), "booking in Korean");
    assert_eq!(html.matches("href=\"/staff\"").count(), 1, "the console");
    for href in links.iter().chain(&["/staff"]) {
        let resp = t.http().get(t.url(href)).send().await.expect("linked");
        assert_eq!(resp.status(), 200, "{href}");
    }
    // Easy Japanese shows the name's base text with its reading as ruby.
    let easy = t
        .http()
        .get(t.url("/?lang=ja-x-easy"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        easy.contains(
            "<h1>みどり<ruby>市役所<rt>しやくしょ</rt></ruby> <ruby>本庁舎<rt>ほんちょうしゃ</rt></ruby>（デモ）</h1>"
        ),
        "{easy}"
    );
}

#[tokio::test]
async fn the_office_thresholds_colour_the_lamp_on_every_board() {
    // A city that calls three minutes' wait busy: every board says red,
    // where the built-in 15/30 of the boards once said blue.
    let mut office = office();
    office.congestion.blue_below_minutes = 2;
    office.congestion.red_above_minutes = 3;
    let t = spawn_with(office, TUESDAY_1005, None).await;
    t.walk_in(&["shomei"], "w").await.expect("ticket");
    t.staff.booth_action("3", "open").await.expect("open");
    let board = t.board.board().await.expect("board");
    let shomei = board
        .services
        .iter()
        .find(|w| w.service == "shomei")
        .expect("shomei");
    let minutes = shomei.estimated_wait.minutes;
    assert!((4..15).contains(&minutes), "blue by 15/30: {minutes} min");
    assert_eq!(shomei.lamp, protocol::Lamp::Red);
    let raw: serde_json::Value = t
        .http()
        .get(t.url("/api/v1/offices/honcho/board"))
        .bearer_auth(&t.board_token)
        .send()
        .await
        .expect("board")
        .json()
        .await
        .expect("json");
    let lamps: Vec<&str> = raw["services"]
        .as_array()
        .expect("services")
        .iter()
        .map(|w| w["lamp"].as_str().expect("lamp"))
        .collect();
    assert_eq!(lamps.len(), board.services.len());
    let red = lamps.iter().filter(|l| **l == "red").count();
    assert!(red >= 1, "{lamps:?}");
    let html = t
        .http()
        .get(t.url("/board"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    // The web board colours the same cards, in the same order.
    let markup = html.split("<script").next().expect("markup");
    let cards: Vec<&str> = markup
        .split("<div class=\"card ")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert_eq!(cards, lamps, "{html}");
    let congestion: protocol::Congestion = t
        .http()
        .get(t.url("/api/v1/offices/honcho/congestion"))
        .send()
        .await
        .expect("congestion")
        .json()
        .await
        .expect("json");
    let lamp = congestion
        .services
        .iter()
        .find(|s| s.service == "shomei")
        .map(|s| s.lamp);
    assert_eq!(lamp, Some(protocol::Lamp::Red));
}
