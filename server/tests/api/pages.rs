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
